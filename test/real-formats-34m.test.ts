import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 34m (unusual model kinds: pooling, encoder-decoder, hybrid and quantized models, small GPUs): shapes of real
 * pastes the readers missed. The log texts are written for the test in the printed layouts (names, numbers and paths
 * made up); the facts checked are exact.
 */

const variants: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-08-31T15:25:4${i % 10}.104518733Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `vllm-hybrid-1  | ${l}` : l)).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => (l ? `(RayWorkerWrapper pid=4411, ip=10.1.2.3) ${l}` : l)).join("\n")],
];

describe("the warning of a run with CUDA graph memory profiling switched off (≈v0.21, VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0)", () => {
  const NEW = [
    "(Worker_PP1_TP1 pid=2710) WARNING 08-31 15:25:47 [gpu_worker.py:595] CUDA graph memory profiling is disabled (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0). Without it, CUDA graph memory is not accounted for during KV cache allocation, which may require lowering --gpu-memory-utilization to avoid OOM. Consider re-enabling it (the default as of v0.21.0) and increasing --gpu-memory-utilization from 0.8800 to 0.9123.",
    "(Worker_PP1_TP1 pid=2710) INFO 08-31 15:25:48 [gpu_model_runner.py:6798] Estimated CUDA graph memory: 0.41 GiB total",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`reads the configured --gpu-memory-utilization, not the suggested one (${name})`, async () => {
      const r = await analyzeText(wrap(NEW) + "\n");
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.88);
    });

  it("reads the earlier wording (no `(the default as of v0.21.0)`)", async () => {
    const r = await analyzeText(
      "WARNING 06-11 10:11:14 [gpu_worker.py:509] CUDA graph memory profiling is disabled (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0). Without it, CUDA graph memory is not accounted for during KV cache allocation, which may require lowering --gpu-memory-utilization to avoid OOM. Consider re-enabling it and increasing --gpu-memory-utilization from 0.7500 to 0.7812.\n",
    );
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.75);
  });

  it("a value the command states outranks nothing it should not: the command's and the warning's agree", async () => {
    const r = await analyzeText(
      [
        "(APIServer pid=1) INFO 08-31 15:24:02 [utils.py:331] non-default args: {'model_tag': 'acme/hybrid-9b', 'model': 'acme/hybrid-9b', 'gpu_memory_utilization': 0.88}",
        "(Worker_TP0 pid=2710) WARNING 08-31 15:25:47 [gpu_worker.py:595] CUDA graph memory profiling is disabled (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0). Without it, CUDA graph memory is not accounted for during KV cache allocation, which may require lowering --gpu-memory-utilization to avoid OOM. Consider re-enabling it (the default as of v0.21.0) and increasing --gpu-memory-utilization from 0.8800 to 0.9123.",
      ].join("\n") + "\n",
    );
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.88);
    expect(r.facts.config.model).toBe("acme/hybrid-9b");
  });

  it("the same sentence quoted in prose, or the suggestion alone, states no value", async () => {
    const r = await analyzeText(
      [
        "INFO 08-31 15:25:47 [notes.py:12] we saw `CUDA graph memory profiling is disabled` and raised the limit as it asked",
        "INFO 08-31 15:25:48 [notes.py:13] Consider increasing --gpu-memory-utilization from 0.8800 to 0.9123.",
      ].join("\n") + "\n",
    );
    expect(r.facts.config.gpuMemoryUtilization).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});
