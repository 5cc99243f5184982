import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/gdrdma-disabled.js";
import { run } from "../helpers.js";

describe("nccl/gdrdma-disabled", () => {
  it("fires on GPU Direct RDMA Disabled lines", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'"] });
    expect(f).toHaveLength(1);
    expect(f[0].remediation[0]).toContain("nvidia-peermem");
  });
  it("fires on IB channels without /GDRDMA", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0"] })).toHaveLength(1);
  });
  it("stays quiet with GDRDMA", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0/GDRDMA"] })).toEqual([]);
  });
});
