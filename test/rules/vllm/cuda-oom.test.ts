import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/cuda-oom.js";
import { run } from "../helpers.js";

describe("vllm/cuda-oom", () => {
  it("fires on a CUDA OOM with the GPU's numbers and the four remedies", () => {
    const f = run(rule, { lines: ["ERROR [linear.py:210] Failed to create unquantized linear weights: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 0 has a total capacity of 93.09 GiB of which 739.81 MiB is free."], facts: { config: { tensorParallelSize: 2, gpuMemoryUtilization: 0.9, maxModelLen: 32768 } } });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("tried to allocate 896.00 MiB with 739.81 MiB free of 93.09 GiB");
    expect(f[0].evidence[0].line).toBe(1);
    expect(f[0].remediation.join("\n")).toMatch(/--tensor-parallel-size \(now 2\) to 4/);
    expect(f[0].remediation.join("\n")).toMatch(/--gpu-memory-utilization \(now 0.9/);
    expect(f[0].remediation.join("\n")).toMatch(/--max-model-len \(now 32768\)/);
    expect(f[0].remediation.join("\n")).toMatch(/quantiz/);
  });
  it("stays quiet on a clean start-up", () => {
    expect(run(rule, { lines: ["INFO GPU KV cache size: 643,232 tokens"] })).toEqual([]);
  });
});

describe("vllm/cuda-oom: advice is not an error", () => {
  it("ignores a line that only advises how to avoid an OOM", () => {
    expect(run(rule, { lines: ["WARNING 01-01 00:00:00 [gpu_worker.py:1] Lower max_num_seqs to avoid CUDA out of memory during sampler warm-up."] })).toEqual([]);
  });
});
