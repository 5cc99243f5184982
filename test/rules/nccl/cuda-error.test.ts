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
  it("NCCL that could not load the driver's functions: the driver, not a CUDA call, with its advice", () => {
    const f = run(rule, { lines: ["vllm-head-0:30486:30486 [0] misc/cudawrap.cc:196 NCCL WARN CUDA some PFN functions not found in the library", "vllm-head-0:30486:30486 [0] NCCL INFO init.cc:1864 -> 2"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("NCCL could not load the CUDA driver's functions it was built against (some PFN functions not found in the library) and stopped with ncclSystemError before any CUDA call of its own.");
    expect(f[0].remediation[0]).toMatch(/^The NVIDIA driver is older than the CUDA this NCCL/);
    const old = run(rule, { lines: ["n:3:4 [0] misc/cudawrap.cc:161 NCCL WARN CUDA Driver version found is 11020. Minimum requirement is 11030"] });
    expect(old[0].message).toContain("(driver version 11020, needs 11030)");
    expect(old[0].remediation[0]).toMatch(/^The driver supports CUDA 11\.2 and this NCCL needs 11\.3: /);
    expect(run(rule, { lines: ["n:3:4 [0] misc/cudawrap.cc:172 NCCL WARN Failed to load CUDA missing symbol cuGetProcAddress"] })[0].message).toContain("(missing symbol cuGetProcAddress)");
  });
  it("stays quiet otherwise", () => {
    expect(run(rule, { lines: ["n:3:4 [3] NCCL INFO cudaDriverVersion 12020"] })).toEqual([]);
  });
});
