import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/cuda-error.js";
import { run } from "../helpers.js";

describe("nccl/cuda-error", () => {
  it("fires on Cuda failure out of memory with the matching advice", () => {
    const f = run(rule, { lines: ["n:3:4 [3] include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'", "n:3:4 [3] include/alloc.h:185 NCCL WARN Failed to CUDA calloc 6291456 bytes"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("A CUDA call inside NCCL failed: out of memory.");
    expect(f[0].remediation[0]).toContain("--gpu-memory-utilization");
  });
  it("stays quiet otherwise", () => {
    expect(run(rule, { lines: ["n:3:4 [3] NCCL INFO cudaDriverVersion 12020"] })).toEqual([]);
  });
});
