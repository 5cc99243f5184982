import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/tp-not-divisible.js";
import { run } from "../helpers.js";

describe("vllm/tp-not-divisible", () => {
  it("names the heads, the TP size and the sizes that work", () => {
    const f = run(rule, { lines: ["ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3)."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("(32) must be divisible by the tensor parallel size (3)");
    expect(f[0].remediation[0]).toBe("Use a tensor parallel size that divides 32: 2, 4, 8.");
    expect(f[0].remediation[1]).toContain("--tensor-parallel-size 1 --pipeline-parallel-size 3");
  });
  it("stays quiet otherwise", () => {
    expect(run(rule, { lines: ["INFO rank 0 in world size 4 is assigned as DP rank 0, PP rank 0, TP rank 0"] })).toEqual([]);
  });
});
