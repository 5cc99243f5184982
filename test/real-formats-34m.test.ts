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

describe("an excerpt whose last line is cut inside the failure it names (a window of a paste)", () => {
  const START = [
    "INFO 11-30 00:08:51 [gpu_model_runner.py:1384] Model loading took 6.2210 GiB and 2.906115 seconds",
    "INFO 11-30 00:08:51 [gpu_model_runner.py:1683] Encoder cache will be initialized with a budget of 4096 tokens, and profiled with 2 audio items of the maximum feature size.",
  ];
  const CUT = "ERROR 11-30 00:08:53 [core.py:390] EngineCore hit an exc";

  for (const [name, wrap] of variants)
    it(`reads the engine core's exception at start-up as the engine failing to start (${name})`, async () => {
      const r = await analyzeText(wrap([...START, CUT].join("\n")) + "\n");
      expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")!;
      expect(f.evidence.map((e) => e.line)).toContain(3);
      expect(r.facts.firstError?.line).toBe(3);
    });

  it("the same words on a line that is not the last are no cut (the excerpt went on)", async () => {
    const r = await analyzeText([...START, CUT, "INFO 11-30 00:08:54 [launcher.py:28] Available routes are:"].join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("an INFO record cut in the same words, or an ERROR one whose words end at a word's end, states nothing", async () => {
    for (const last of [
      "INFO 11-30 00:08:53 [notes.py:12] we grep for EngineCore hit an exc",
      "ERROR 11-30 00:08:53 [worker.py:77] the plugin failed to initialize",
      "ERROR 11-30 00:08:53 [worker.py:77] a vLLMEngineCore hit an exc",
    ]) {
      const r = await analyzeText([...START, last].join("\n") + "\n");
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
    }
  });

  it("a phrase cut too short to tell is not completed", async () => {
    const r = await analyzeText([...START, "ERROR 11-30 00:08:53 [core.py:390] EngineCore hi"].join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("the cut line of a run that had started is the engine dying, not failing to start", async () => {
    const r = await analyzeText(
      [
        ...START,
        "INFO 11-30 00:09:10 [core.py:160] init engine (profile, create kv cache, warmup model) took 18.04 seconds",
        "ERROR 11-30 00:12:41 [core.py:390] EngineCore hit an excep",
      ].join("\n") + "\n",
    );
    expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
  });
});

describe("a worker's traceback through the KV cache layout of a hybrid model (v1/core/kv_cache_utils.py)", () => {
  const FRAMES = [
    '(Worker_TP1 pid=5120) ERROR 06-15 08:40:03 [multiproc_executor.py:962]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/core/kv_cache_utils.py", line 1388, in unify_hybrid_kv_cache_specs',
    "(Worker_TP1 pid=5120) ERROR 06-15 08:40:03 [multiproc_executor.py:962]     raise ValueError(",
    "(Worker_TP1 pid=5120) ERROR 06-15 08:40:03 [multiproc_executor.py:962] ValueError: Hybrid KV cache manager is disabled but failed to convert the KV cache specs to one unified type.",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`is the engine failing to start, its root cause the ValueError (${name})`, async () => {
      const r = await analyzeText(wrap(FRAMES) + "\n");
      expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.firstError?.line).toBe(3);
      expect(r.findings[0].message).toContain("failed to convert the KV cache specs to one unified type");
    });

  it("the same frames under a serving step are no start-up", async () => {
    const r = await analyzeText(
      [
        "(Worker_TP1 pid=5120) ERROR 06-15 09:12:44 [multiproc_executor.py:962] Traceback (most recent call last):",
        '(Worker_TP1 pid=5120) ERROR 06-15 09:12:44 [multiproc_executor.py:962]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 610, in execute_model',
        "(Worker_TP1 pid=5120) ERROR 06-15 09:12:44 [multiproc_executor.py:962]     output = self.model_runner.execute_model(scheduler_output)",
        "(Worker_TP1 pid=5120) ERROR 06-15 09:12:44 [multiproc_executor.py:962] RuntimeError: CUDA error: an illegal memory access was encountered",
      ].join("\n") + "\n",
    );
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});
