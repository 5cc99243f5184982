import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fiftieth round of real logs: the newest vLLM (V1 only, 0.10–0.19 and 2026 dev builds) with
 * `(APIServer pid=…)`, `(EngineCore_DP0 pid=…)`, `(EngineCore pid=…)` and `(Worker_DP0_TP1_EP1 pid=…)` prefixes, data
 * parallel, expert parallel and disaggregated prefill. The one miss: an engine core reporting that its workers did not
 * start (`Exception: WorkerProc initialization failed due to an exception in a background process`, raised in the
 * engine core by the multiprocessing executor's wait_for_ready and logged from core.py) did not say which executor ran
 * them, though only V1's multiprocessing executor has the `WorkerProc` class. Every log text here is written for the
 * test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T16:02:41.903114572Z ${l}`],
  ["docker compose", (l) => `vllm-openai-1  | ${l}`],
  ["Ray Serve actor", (l) => `(ServeReplica:llm:VLLMDeployment pid=6120, ip=10.4.0.12) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

describe("the multiprocessing executor's workers failing to start, reported by the engine core", () => {
  const bracketed = [
    "(EngineCore pid=4471) ERROR 02-17 09:31:05 [core.py:1094] Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.",
    "(EngineCore pid=4471) Process EngineCore:",
    "(EngineCore pid=4471) Traceback (most recent call last):",
    '  File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap',
    "    self.run()",
  ];
  it("reads the multiprocessing executor and V1 from the message, and reports the start-up failure", async () => {
    await eachWrap(bracketed, (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
    });
  });

  it("reads it from the bare exception line under the engine core's prefix, and from the record of an older core.py", async () => {
    const bare = [
      "(EngineCore_DP0 pid=902) Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.",
    ];
    await eachWrap(bare, (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
    const older = ["ERROR 06-11 14:20:33 [core.py:515] Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause."];
    await eachWrap(older, (r, at) => expect(r.facts.config.executorBackend, at).toBe("mp"));
  });

  it("reads the worker's own `failed to start` and busy-loop records, whatever file logged them", async () => {
    const r1 = await analyzeText("(EngineCore_DP0 pid=77) ERROR 01-09 08:00:12 [core.py:902] WorkerProc failed to start.\n");
    expect(r1.facts.config.executorBackend).toBe("mp");
    const r2 = await analyzeText("(Worker_TP1 pid=310) ERROR 01-09 08:14:40 [multiproc_executor.py:702] WorkerProc hit an exception.\r\n");
    expect(r2.facts.config.executorBackend).toBe("mp");
  });

  it("near misses say nothing of the executor", async () => {
    // a longer class name, and a sentence that names the class without the executor's wording
    const ray = await analyzeText("(EngineCore pid=12) Exception: RayWorkerProc initialization failed due to an exception in a background process.\n");
    expect(ray.facts.config.executorBackend).toBeNull();
    const prose = await analyzeText("(APIServer pid=5) INFO 03-01 10:00:00 [api_server.py:1800] WorkerProc count is 4\n");
    expect(prose.facts.config.executorBackend).toBeNull();
    // the executor's RPC failure names no worker class: the engine died, but which executor is not shown
    const rpc = await analyzeText(
      "(EngineCore_DP1 pid=2210) ERROR 05-04 11:12:13 [core.py:1188] RuntimeError: Worker failed with error 'device 3 is not visible', please check the stack trace above for the root cause\n",
    );
    expect(rpc.facts.config.executorBackend).toBeNull();
    expect(ids(rpc, "error")).toContain("vllm/engine-init-failed");
  });

  it("a Ray executor's worker prefix is not overruled by the phrase it never prints", async () => {
    const r = await analyzeText(
      [
        "(EngineCore_DP0 pid=3001) (RayWorkerWrapper pid=3120) ERROR 09-02 07:40:11 [worker_base.py:620] Error executing method 'initialize_from_config'. This might cause deadlock in distributed execution.",
        "(EngineCore_DP0 pid=3001) (RayWorkerWrapper pid=3120) ERROR 09-02 07:40:11 [worker_base.py:620]   File \"/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py\", line 3011, in initialize_kv_cache",
      ].join("\n") + "\n",
    );
    expect(r.facts.config.executorBackend).toBe("ray");
  });
});

describe("start-up shapes of the newest V1 that were read right at first sight (kept as they are)", () => {
  it("KV-cache lines under an indented EngineCore_DP0 prefix, with torch.compile lines and a CUDA graph bar", async () => {
    const lines = [
      "    (EngineCore_DP0 pid=5120) INFO 11-02 10:04:11 [monitor.py:34] torch.compile takes 7.12 s in total",
      "    (EngineCore_DP0 pid=5120) INFO 11-02 10:04:12 [gpu_worker.py:319] Available KV cache memory: 18.44 GiB",
      "    (EngineCore_DP0 pid=5120) INFO 11-02 10:04:12 [kv_cache_utils.py:1229] GPU KV cache size: 201,424 tokens",
      "    (EngineCore_DP0 pid=5120) INFO 11-02 10:04:12 [kv_cache_utils.py:1234] Maximum concurrency for 8,192 tokens per request: 24.59x",
      "    (EngineCore_DP0 pid=5120) ",
      "    Capturing CUDA graphs (mixed prefill-decode, PIECEWISE):   0%|          | 0/35 [00:00<?, ?it/s]",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.kvCache.availableGiB, at).toBe(18.44);
      expect(r.facts.kvCache.tokens, at).toBe(201424);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(24.59);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(8192);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("the ASCII banner pasted with literal `^M` ends, and data-parallel args", async () => {
    const lines = [
      "(APIServer pid=2048) INFO 09-14 03:10:02 [api_utils.py:350] ^M",
      "(APIServer pid=2048) INFO 09-14 03:10:02 [api_utils.py:350]  ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.1.dev20411+g0c1d2e3f4.d20260910^M",
      "(APIServer pid=2048) INFO 09-14 03:10:02 [api_utils.py:350]   █▄█▀ █     █     █     █  model   /models/Mixtral-8x7B^M",
      "(APIServer pid=2048) INFO 09-14 03:10:02 [api_utils.py:286] non-default args: {'model_tag': '/models/Mixtral-8x7B', 'model': '/models/Mixtral-8x7B', 'max_model_len': 4096, 'data_parallel_size': 2, 'data_parallel_size_local': 1, 'enable_expert_parallel': True}",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.1.dev20411+g0c1d2e3f4.d20260910");
      expect(r.facts.config.model, at).toBe("/models/Mixtral-8x7B");
      expect(r.facts.config.maxModelLen, at).toBe(4096);
      expect(r.facts.config.dataParallelSize, at).toBe(2);
      expect(r.facts.config.enableExpertParallel, at).toBe(true);
    });
  });
});
