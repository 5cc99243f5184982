import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/ib-disabled.js";
import { run } from "../helpers.js";

describe("nccl/ib-disabled", () => {
  it("says IB was disabled on purpose", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.", "h:1:1 [0] NCCL INFO Channel 00 : 0[0] -> 1[0] via NET/Socket/0"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("NCCL_IB_DISABLE=1 is set in the environment");
    expect(f[0].evidence[0].line).toBe(1);
  });
  it("stays quiet when IB is allowed", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO Using network IB"] })).toEqual([]);
  });
});
