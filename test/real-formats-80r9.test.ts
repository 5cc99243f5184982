import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r9 (vLLM logs pasted in downstream repositories: serving stacks, RL frameworks, platform
 * forks): a terminal's HTML export that wraps each process prefix in `<font>`/`<b>` tags, a `date | pod/container |`
 * collector in front of Ray actors' lines, Intel XPU builds whose records name `[v1/engine/core.py:N]`, vllm-omni's
 * `[Stage-N]` tag between the process prefix and the record, and a
 * speculative drafter's own `Resolved architecture` / `Using max model len` pair after the served model's. The tool
 * read the round's logs at first sight; the drafter's length read first (a window that starts between the two pairs)
 * was the one shape it took wrongly. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["compose", (l) => `vllm-1  | ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("a terminal's HTML export: process prefixes inside <font> and <b> tags", () => {
  const tag = (proc: string) => `<font color="#2AA1B3"><b>(${proc})</b></font>`;
  it("reads the engine, the first error and the failed start through the tags", async () => {
    const lines = [
      `${tag("APIServer pid=7001")} INFO 02-11 09:14:02 [utils.py:260] non-default args: {'model_tag': 'org/chat-9b', 'max_model_len': 16384}`,
      `${tag("EngineCore_DP0 pid=7102")} ERROR 02-11 09:14:40 [core.py:712] EngineCore failed to start.`,
      `${tag("EngineCore_DP0 pid=7102")} ERROR 02-11 09:14:40 [core.py:712] Traceback (most recent call last):`,
      `${tag("EngineCore_DP0 pid=7102")} ERROR 02-11 09:14:40 [core.py:712] ValueError: unsupported head size 80`,
      `${tag("APIServer pid=7001")} RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}`,
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect([r.facts.vllm.engine, r.facts.config.model, r.facts.config.maxModelLen]).toEqual(["v1", "org/chat-9b", 16384]);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });
  it("a route listing alone is a ready server and no error", async () => {
    const lines = [
      `${tag("APIServer pid=7001")} INFO 02-11 09:16:30 [api_server.py:1900] Starting vLLM API server 0 on http://0.0.0.0:8000`,
      `${tag("APIServer pid=7001")} INFO 02-11 09:16:30 [launcher.py:34] Available routes are:`,
      `${tag("APIServer pid=7001")} INFO 02-11 09:16:30 [launcher.py:42] Route: /health, Methods: GET`,
    ];
    const r = await analyzeText(lines.join("\r\n") + "\r\n");
    expect([r.facts.vllm.engine, r.facts.server.ready, r.facts.firstError]).toEqual(["v1", true, null]);
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("a speculative drafter's own model length", () => {
  const served = [
    "(APIServer pid=61) INFO 04-02 10:01:12 [model.py:540] Resolved architecture: Qwen3MoeForCausalLM",
    "(APIServer pid=61) INFO 04-02 10:01:12 [model.py:1560] Using max model len 16384",
  ];
  const drafter = [
    "(APIServer pid=61) INFO 04-02 10:01:15 [model.py:540] Resolved architecture: Qwen3NextMTP",
    "(APIServer pid=61) INFO 04-02 10:01:15 [model.py:1560] Using max model len 131072",
  ];
  it("the served model's length stands when the drafter's follows it", async () => {
    await eachWrap([...served, ...drafter], (r, at) => expect(r.facts.config.maxModelLen, at).toBe(16384));
  });
  it("a window that starts at the drafter's pair states no served length; the served pair after it does", async () => {
    await eachWrap(drafter, (r, at) => expect(r.facts.config.maxModelLen, at).toBeNull());
    const eagle = ["(APIServer pid=61) INFO 04-02 10:01:15 [model.py:540] Resolved architecture: Eagle3LlamaForCausalLM", drafter[1]];
    expect((await analyzeText([...eagle, ...served].join("\r\n") + "\r\n")).facts.config.maxModelLen).toBe(16384);
  });
  it("near miss: a model whose architecture is no drafter's keeps its length, in another process too", async () => {
    const other = ["(APIServer pid=90) INFO 04-02 10:03:00 [model.py:540] Resolved architecture: LlamaForCausalLM", "(APIServer pid=90) INFO 04-02 10:03:00 [model.py:1560] Using max model len 8192"];
    const r = await analyzeText([drafter[0], ...other].join("\n") + "\n");
    expect(r.facts.config.maxModelLen).toBe(8192);
  });
});

describe("a collector's `date | pod/container |` column in front of Ray actors (V0 engine)", () => {
  it("reads the weights, the utilisation, the engine and the executor", async () => {
    const col = (l: string) => `2025-03-04 07:40:19 | rl-trainer-head-0/pytorch | ${l}`;
    const lines = [
      "(RayWorkerWrapper pid=4411) INFO 03-04 07:40:18 model_runner.py:1097] Loading model weights took 7.1093 GB [repeated 7x across cluster]",
      "(LLMActor pid=3920, ip=10.8.0.21) INFO 03-04 07:40:19 worker.py:241] Memory profiling takes 4.12 seconds",
      "(LLMActor pid=3920, ip=10.8.0.21) INFO 03-04 07:40:19 worker.py:241] the current vLLM instance can use total_gpu_memory (79.11GiB) x gpu_memory_utilization (0.85) = 67.24GiB",
    ].map(col);
    await eachWrap(lines, (r, at) => {
      expect([r.facts.vllm.engine, r.facts.config.executorBackend, r.facts.config.gpuMemoryUtilization], at).toEqual(["v0", "ray", 0.85]);
      expect(r.facts.memory.modelWeightsGiB, at).toBeCloseTo(7.1093, 4);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("an Intel XPU build's failed start and a worker that died", () => {
  it("a oneCCL notice first, then the engine core's records naming v1/engine/core.py", async () => {
    const lines = [
      "7:12:40-10:02:11:(  812) |CCL_INFO| finalized level-zero",
      "(EngineCore_DP0 pid=412) ERROR 03-09 10:02:12 [v1/engine/core.py:720] EngineCore failed to start.",
      "(EngineCore_DP0 pid=412) ERROR 03-09 10:02:12 [v1/engine/core.py:720] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=412) ERROR 03-09 10:02:12 [v1/engine/core.py:720]   File "/opt/venv/vllm/v1/engine/core.py", line 711, in run_engine_core',
    ];
    await eachWrap(lines, (r, at) => {
      expect([r.facts.vllm.engine, r.facts.firstError?.line], at).toEqual(["v1", 2]);
      expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
    });
  });
  it("a worker that died while the engine core was being built is a failed start; after serving it is no start failure", async () => {
    const died = "(EngineCore_DP0 pid=301) ERROR 03-09 11:20:05 [multiproc_executor.py:231] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.";
    const atInit = [
      died,
      "(EngineCore_DP0 pid=301) Process EngineCore_DP0:",
      "(EngineCore_DP0 pid=301) Traceback (most recent call last):",
      '(EngineCore_DP0 pid=301)   File "/usr/lib/python3/site-packages/vllm/v1/engine/core.py", line 930, in run_engine_core',
      "(EngineCore_DP0 pid=301)     engine_core = EngineCoreProc(*args, engine_index=dp_rank, **kwargs)",
    ];
    const init = await analyzeText(atInit.join("\r\n") + "\r\n");
    expect(init.facts.firstError?.line).toBe(1);
    expect(ids(init, "error")).toContain("vllm/engine-init-failed");
    const serving = [
      "(APIServer pid=1) INFO 03-09 11:00:00 [api_server.py:1900] Starting vLLM API server 0 on http://0.0.0.0:8000",
      "(APIServer pid=1) INFO:     Application startup complete.",
      died,
    ];
    const r = await analyzeText(serving.join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("vllm-omni's `[Stage-N]` tag between the process prefix and the record", () => {
  it("reads the KV cache lines of a tagged engine core, and a bare tagged line, as vLLM records", async () => {
    const lines = [
      "[Stage-1] INFO 05-06 12:00:01 [vllm.py:700] Cudagraph is disabled under eager mode",
      "(EngineCore_DP0 pid=5150) [Stage-0] INFO 05-06 12:00:03 [gpu_worker.py:360] Available KV cache memory: 61.20 GiB",
      "(EngineCore_DP0 pid=5150) [Stage-0] INFO 05-06 12:00:03 [kv_cache_utils.py:1300] GPU KV cache size: 1,114,112 tokens",
      "(EngineCore_DP0 pid=5150) [Stage-0] INFO 05-06 12:00:03 [kv_cache_utils.py:1305] Maximum concurrency for 65,536 tokens per request: 17.00x",
      "(EngineCore_DP0 pid=5150) [Stage-0] ERROR 05-06 12:00:09 [core.py:950] EngineCore failed to start.",
    ];
    await eachWrap(lines, (r, at) => {
      expect([r.facts.vllm.engine, r.facts.kvCache.availableGiB, r.facts.kvCache.tokens, r.facts.kvCache.maxConcurrency, r.facts.kvCache.tokensPerRequest], at).toEqual(["v1", 61.2, 1114112, 17, 65536]);
      expect(r.facts.firstError?.line, at).toBe(5);
      expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
    });
  });
});
