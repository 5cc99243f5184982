import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fifth round of real logs (theme: the newest vLLM, V1-only start-ups of 2025-10 → 2026).
 * Before the CUDA graph memory estimate became the default (≈v0.21), one release announced it at start-up as an INFO of
 * v1/worker/gpu_worker.py: `In v0.19, CUDA graph memory profiling will be enabled by default (...). To try it now, set
 * VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1 and increase --gpu-memory-utilization from X to Y to maintain the same
 * effective KV cache size.` X is the configured --gpu-memory-utilization (Y only a suggestion), and it was not read: the
 * later wordings (`The current --gpu-memory-utilization=X is equivalent to ...`, and the `disabled` warning's
 * `increasing --gpu-memory-utilization from X to Y`) were. Every log text here is written for the test in the printed
 * layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-11-02T09:13:27.402118735Z ${l}`],
  ["docker compose", (l) => `inference-vllm-1  | ${l}`],
  ["Ray Serve", (l) => `(ServeReplica:llm:LLMServer pid=5120, ip=10.6.1.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const notice = (from: string, to: string, release = "v0.19") =>
  `(EngineCore_DP0 pid=2231) INFO 02-17 08:05:41 [gpu_worker.py:471] In ${release}, CUDA graph memory profiling will be enabled by default (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1), which more accurately accounts for CUDA graph memory during KV cache allocation. To try it now, set VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1 and increase --gpu-memory-utilization from ${from} to ${to} to maintain the same effective KV cache size.`;

describe("the CUDA graph memory notice of the release before the estimate became the default", () => {
  const lines = [
    "(EngineCore_DP0 pid=2231) INFO 02-17 08:05:40 [gpu_model_runner.py:5702] Estimated CUDA graph memory: 0.41 GiB total",
    "(EngineCore_DP0 pid=2231) INFO 02-17 08:05:41 [gpu_worker.py:437] Available KV cache memory: 29.84 GiB",
    notice("0.8500", "0.8543"),
    "(EngineCore_DP0 pid=2231) INFO 02-17 08:05:41 [kv_cache_utils.py:1320] GPU KV cache size: 325,904 tokens",
    "(EngineCore_DP0 pid=2231) INFO 02-17 08:05:41 [kv_cache_utils.py:1325] Maximum concurrency for 65,536 tokens per request: 4.97x",
  ];

  it("reads the configured --gpu-memory-utilization with the KV cache facts, under every wrapper", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
      expect(r.facts.kvCache.availableGiB, at).toBe(29.84);
      expect(r.facts.kvCache.tokens, at).toBe(325904);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(4.97);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(65536);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("reads it whatever release the notice names, and never takes the suggested figure", async () => {
    for (const release of ["v0.20", "v1.0"]) {
      const r = await analyzeText(notice("0.6000", "0.6150", release) + "\n");
      expect(r.facts.config.gpuMemoryUtilization, release).toBe(0.6);
    }
  });

  it("a notice cut before its figures states nothing", async () => {
    const cut = notice("0.8500", "0.8543").replace(/ and increase --gpu-memory-utilization.*$/, "");
    const r = await analyzeText(cut + "\n");
    expect(r.facts.config.gpuMemoryUtilization).toBeNull();
  });

  it("other sentences about raising --gpu-memory-utilization state no configured value", async () => {
    const near = [
      // a user's own note, and a vLLM INFO of another subject with the same verb
      "try to increase --gpu-memory-utilization from 0.5 to 0.7 if the KV cache is too small",
      "(EngineCore_DP0 pid=2231) INFO 02-17 08:05:41 [gpu_worker.py:480] In v0.19, the KV cache will be sized differently; increase --gpu-memory-utilization from 0.8500 to 0.8600 if needed.",
    ];
    const r = await analyzeText(near.join("\n") + "\n");
    expect(r.facts.config.gpuMemoryUtilization).toBeNull();
  });

  it("the later wordings still read as before", async () => {
    const enabled = "(Worker_TP0 pid=611) INFO 09-02 11:20:14 [gpu_worker.py:578] CUDA graph memory profiling is enabled (default since v0.21.0). The current --gpu-memory-utilization=0.7800 is equivalent to --gpu-memory-utilization=0.7655 without CUDA graph memory profiling. To maintain the same effective KV cache size as before, increase --gpu-memory-utilization to 0.7945. To disable, set VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0.";
    expect((await analyzeText(enabled + "\r\n")).facts.config.gpuMemoryUtilization).toBe(0.78);
  });
});

describe("a worker's start-up traceback with no process prefix and no closing error line", () => {
  // a window of `WorkerProc failed to start.`'s traceback: only frames through the worker's construction are left
  const lines = [
    'ERROR 04-21 16:02:09 [multiproc_executor.py:868]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/executor/multiproc_executor.py", line 598, in __init__',
    "ERROR 04-21 16:02:09 [multiproc_executor.py:868]     wrapper.init_worker(all_kwargs)",
    'ERROR 04-21 16:02:09 [multiproc_executor.py:868]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/worker_base.py", line 309, in init_worker',
    "ERROR 04-21 16:02:09 [multiproc_executor.py:868]     self.worker = worker_class(**kwargs)",
  ];
  it("reports the failed start-up and no first error (frames are not errors)", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });
});
