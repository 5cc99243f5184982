import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/ib-error.js";
import { run } from "../helpers.js";

describe("nccl/ib-error", () => {
  it("explains the completion status", () => {
    const f = run(rule, { lines: ["h:984:1357 [4] ib_plugin.c:1615 NCCL WARN NET/IB : Got completion from peer 172.36.143.59<44206> with status=12 opcode=1 len=0 vendor err 129 (Send)"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("from peer 172.36.143.59 came back with status 12: transport retry counter exceeded");
  });
  it("stays quiet on IB info lines", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.0.0.1<0>"] })).toEqual([]);
  });
});
