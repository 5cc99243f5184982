import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r29 (logs of recent vLLM releases pasted in vllm-project/vllm issues #25000 and up: V1 process
 * prefixes with data/expert-parallel ranks `(Worker_DP1_TP1_EP3 pid=…)`, `(Worker_DP6_EP6 pid=…)`, `(EngineCore_DP2
 * pid=…)`, ANSI colour in caret notation with a literal `^M`, CUDA graph memory profiling lines). The tool read the
 * round's facts and problems at first sight (two misses were labels). What it did not read was the CUDA graph memory
 * profiler's own figures: `Estimated CUDA graph memory: X GiB total` (gpu_model_runner.py, printed by every worker
 * before `Available KV cache memory`, and taken off the KV budget since v0.21) and, after capture, `CUDA graph pool
 * memory: X GiB (actual), Y GiB (estimated), difference: …`. So a start-up that died on `No available memory for the
 * cache blocks` right after an estimate larger than the GPU never named the estimate. Every log text here is written
 * for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-09-02T10:11:12.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

const estimate = (prefix: string, gib: string) =>
  `(${prefix}) INFO 09-02 10:11:12 [gpu_model_runner.py:6901] Estimated CUDA graph memory: ${gib} GiB total`;
const noKv =
  "(EngineCore_DP0 pid=7100) ERROR 09-02 10:11:13 [core.py:1290] ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.";

describe("the CUDA graph memory estimate of a DP+EP start-up that left no KV cache memory", () => {
  const lines = [
    estimate("Worker_DP0_TP0_EP0 pid=7201", "96.40"),
    estimate("Worker_DP0_TP1_EP1 pid=7202", "96.40"),
    noKv,
  ];
  it("reads the estimate and leads the no-KV-memory advice with it, behind wrappers and CRLF", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.memory.cudaGraphEstimateGiB, at).toBe(96.4);
      expect(r.facts.memory.cudaGraphGiB, at).toBeNull();
      expect(ids(r, "error"), at).toContain("vllm/no-kv-cache-memory");
      const f = r.findings.find((x) => x.ruleId === "vllm/no-kv-cache-memory");
      expect(f?.message, at).toMatch(/\(CUDA graph estimate 96\.4 GiB\)/);
      expect(f?.remediation[0], at).toMatch(/^The CUDA graph memory estimate \(96\.4 GiB\) was taken off the KV cache budget: set VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0/);
      expect(f?.remediation.filter((s) => /--enforce-eager/.test(s)), at).toHaveLength(1);
    });
  });
  it("keeps a small estimate after the usual advice", async () => {
    const r = await analyzeText(text([estimate("Worker_TP0 pid=7301", "0.42"), noKv]));
    const f = r.findings.find((x) => x.ruleId === "vllm/no-kv-cache-memory");
    expect(f?.message).toMatch(/CUDA graph estimate 0\.42 GiB/);
    expect(f?.remediation[0]).toMatch(/^Raise --gpu-memory-utilization/);
    expect(f?.remediation.some((s) => /VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0/.test(s))).toBe(true);
    expect(f?.remediation.filter((s) => /--enforce-eager/.test(s))).toHaveLength(1);
  });
  it("says nothing of an estimate the log does not print", async () => {
    const r = await analyzeText(text([noKv]));
    expect(r.facts.memory.cudaGraphEstimateGiB).toBeNull();
    expect(r.facts.missing.map((m) => m.fact)).toContain("memory.cudaGraphEstimateGiB");
    const f = r.findings.find((x) => x.ruleId === "vllm/no-kv-cache-memory");
    expect(f?.remediation.join(" ")).not.toMatch(/VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS/);
    expect(f?.remediation).toContain("Add --enforce-eager to skip CUDA graph memory.");
  });
});

describe("a clean start-up with CUDA graph memory profiling", () => {
  const lines = [
    estimate("Worker_TP0 pid=8101", "1.20"),
    "(Worker_TP0 pid=8101) INFO 09-02 10:11:14 [gpu_worker.py:566] Available KV cache memory: 30.10 GiB",
    "(Worker_TP0 pid=8101) INFO 09-02 10:11:14 [gpu_worker.py:581] CUDA graph memory profiling is enabled (default since v0.21.0). The current --gpu-memory-utilization=0.9000 is equivalent to --gpu-memory-utilization=0.8850 without CUDA graph memory profiling. To maintain the same effective KV cache size as before, increase --gpu-memory-utilization to 0.9150. To disable, set VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0.",
    "(EngineCore pid=8000) INFO 09-02 10:11:14 [kv_cache_utils.py:2240] GPU KV cache size: 493,152 tokens",
    "(Worker_TP0 pid=8101) INFO 09-02 10:11:40 [gpu_worker.py:730] CUDA graph pool memory: 1.05 GiB (actual), 1.20 GiB (estimated), difference: 0.15 GiB (12.5%).",
  ];
  it("reads the estimate and the pool's actual size, and raises nothing", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.memory.cudaGraphEstimateGiB, at).toBe(1.2);
      expect(r.facts.memory.cudaGraphGiB, at).toBe(1.05);
      expect(r.facts.kvCache.availableGiB, at).toBe(30.1);
      expect(r.facts.kvCache.tokens, at).toBe(493152);
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.9);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("reads the pool line alone, as a paste that starts after the capture", async () => {
    const r = await analyzeText(text([lines[4]]));
    expect(r.facts.memory.cudaGraphGiB).toBe(1.05);
    expect(r.facts.memory.cudaGraphEstimateGiB).toBe(1.2);
  });
});
