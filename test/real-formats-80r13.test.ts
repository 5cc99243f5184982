import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r13 (vLLM logs pasted in downstream repositories, third draw: inference microservice
 * blueprints, KV-cache add-ons, backport forks, RL frameworks, ROCm and DGX Spark builds): a microservice's own record
 * layout with the year and milliseconds in the timestamp (`ERROR 2025-07-21 14:34:24.934 file.py:62] …`) in front of
 * V0's multiprocessing engine, tqdm bars with an EngineCore record glued after the bar, an add-on's own
 * `[name][WARNING][date][file:N]` lines inside an EngineCore prefix, the multiprocessing executor's
 * `Worker failed with error '…'` carrying a CUDA OOM, ≤0.7 Ray worker records with `ip=`, a bare `Failed to infer
 * device type` under V0 frames, a bare V0 `max seq len … KV cache` line, and an API server's EngineDeadError logged after
 * an access-log line. The tool read the round's logs at first sight; these cases keep those readings. Every log text
 * here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-02T08:15:42.120456789Z ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
/** one reading of `lines`, each ended by `eol` */
const read = (lines: string[], eol = "\n") => analyzeText(lines.join(eol) + eol);

describe("a microservice's record layout: level, year-month-day, milliseconds, file:line]", () => {
  it("reads the V0 engine's facts and the dtype refusal, frames not counted", async () => {
    const lines = [
      "INFO 2025-09-03 10:02:11.518 api_server.py:712] vLLM API server version 0.6.4",
      "INFO 2025-09-03 10:02:15.077 llm_engine.py:234] Initializing an LLM engine (v0.6.4) with config: model='/srv/models/chat-7b', dtype=torch.bfloat16, max_seq_len=12288, tensor_parallel_size=1, pipeline_parallel_size=1",
      "INFO 2025-09-03 10:02:31.900 executor_base.py:110] # CUDA blocks: 1830, # CPU blocks: 512",
      "ERROR 2025-09-03 10:02:32.004 engine_factory.py:88] Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-PCIE-16GB GPU has compute capability 7.0. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for example: --dtype=half.",
      "Traceback (most recent call last):",
      '  File "/srv/venv/lib/python3.11/site-packages/vllm/engine/multiprocessing/engine.py", line 118, in from_engine_args',
      "    return cls(ipc_path=ipc_path,",
    ];
    await eachWrap(lines, (r, at) => {
      expect([r.facts.vllm.version, r.facts.vllm.engine, r.facts.config.model, r.facts.config.maxModelLen], at).toEqual(["0.6.4", "v0", "/srv/models/chat-7b", 12288]);
      expect([r.facts.kvCache.gpuBlocks, r.facts.kvCache.cpuBlocks, r.facts.gpu.name], at).toEqual([1830, 512, "Tesla V100-PCIE-16GB"]);
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(ids(r, "error"), at).toContain("vllm/dtype-unsupported");
    });
  });
  it("near miss: a bfloat16 config and vLLM casting it down is no refusal", async () => {
    const lines = [
      "INFO 2025-09-03 10:02:15.077 llm_engine.py:234] Initializing an LLM engine (v0.6.4) with config: model='/srv/models/chat-7b', dtype=torch.bfloat16, max_seq_len=12288",
      "WARNING 2025-09-03 10:02:15.080 config.py:2276] Casting torch.bfloat16 to torch.float16.",
    ];
    const r = await read(lines, "\r\n");
    expect([r.facts.firstError, ids(r)]).toEqual([null, []]);
  });
});

describe("tqdm bars with an EngineCore record glued after the bar", () => {
  it("reads the records behind the bars; an add-on's own warning is no error, the fatal record is", async () => {
    const lines = [
      "Loading safetensors checkpoint shards: 100% Completed | 3/3 [00:02<00:00,  1.41it/s](EngineCore_DP0 pid=5120) INFO 11-02 09:40:03 [gpu_model_runner.py:2400] Model loading took 8.7215 GiB and 2.441 seconds",
      "Capturing CUDA graphs: 100%|██████████| 35/35 [00:04<00:00,  8.02it/s](EngineCore_DP0 pid=5120) INFO 11-02 09:40:19 [kv_cache_utils.py:1087] GPU KV cache size: 281,904 tokens",
      "Adding requests: 41%|████      | 210/512 [00:03<00:04, 66.10it/s](EngineCore_DP0 pid=5120) [kvpool][WARNING][2025-11-02 09:41:07][pool_manager.py:211] free_pages()=4.0 < wanted_pages=12",
      "Processed prompts:   3%|▎         | 15/512 [00:05<02:50,  2.91it/s](EngineCore_DP0 pid=5120) ERROR 11-02 09:41:07 [core.py:710] EngineCore encountered a fatal error.",
      "(EngineCore_DP0 pid=5120) ERROR 11-02 09:41:07 [core.py:710] Traceback (most recent call last):",
    ];
    await eachWrap(lines, (r, at) => {
      expect([r.facts.vllm.engine, r.facts.memory.modelWeightsGiB, r.facts.kvCache.tokens], at).toEqual(["v1", 8.7215, 281904]);
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(ids(r, "error"), at).toContain("vllm/engine-dead");
      expect(ids(r), at).not.toContain("vllm/engine-init-failed");
    });
  });
});

describe("the multiprocessing executor's `Worker failed with error '…'` carrying a CUDA OOM", () => {
  it("after the server came up: an OOM and a dead engine, no failed start", async () => {
    const lines = [
      "(APIServer pid=44) INFO:     Application startup complete.",
      '(APIServer pid=44) INFO:     10.1.2.3:50122 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
      "(EngineCore pid=90) ERROR 07-30 21:12:05 [core.py:1200] RuntimeError: Worker failed with error 'CUDA out of memory. Tried to allocate 1.50 GiB. GPU 3 has a total capacity of 44.40 GiB of which 812.00 MiB is free.', please check the stack trace above for the root cause",
      "(EngineCore pid=90) ERROR 07-30 21:12:09 [multiproc_executor.py:290] Worker proc VllmWorker-3 died unexpectedly (exit code: None), shutting down executor.",
    ];
    const r = await read(lines, "\r\n");
    expect([r.facts.config.executorBackend, r.facts.firstError?.line]).toEqual(["mp", 3]);
    expect(ids(r, "error")).toEqual(expect.arrayContaining(["vllm/cuda-oom", "vllm/engine-dead"]));
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("≤0.7 Ray worker records with `ip=`: a sampler's CUDA OOM", () => {
  it("reads the Ray executor, the OOM record as the first error and the OOM", async () => {
    const p = "(RayWorkerWrapper pid=2210, ip=10.40.1.9) ERROR 02-14 06:05:51 worker_base.py:470]";
    const lines = [
      `${p}     probs = logits.softmax(dim=-1, dtype=torch.float)`,
      `${p} torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 512.00 MiB. GPU 1 has a total capacity of 23.64 GiB of which 20.06 MiB is free.`,
      `${p} `,
      `${p} The above exception was the direct cause of the following exception:`,
    ];
    const r = await read(lines);
    expect([r.facts.config.executorBackend, r.facts.firstError?.line]).toEqual(["ray", 2]);
    expect(ids(r, "error")).toContain("vllm/cuda-oom");
  });
});

describe("bare exception lines under V0 frames", () => {
  it("`Failed to infer device type`: the bare line is the first error, the frame raising it is not", async () => {
    const lines = [
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/engine/multiprocessing/engine.py", line 215, in from_engine_args',
      "    engine_config = engine_args.create_engine_config(usage_context)",
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/config.py", line 1580, in __init__',
      '    raise RuntimeError("Failed to infer device type")',
      "RuntimeError: Failed to infer device type",
    ];
    const r = await read(lines);
    expect([r.facts.vllm.engine, r.facts.firstError?.line]).toEqual(["v0", 5]);
    expect(ids(r, "error")).toContain("vllm/no-gpu-platform");
  });
  it("the bare `max seq len … KV cache` line states the model length; a concurrency line alone does not", async () => {
    const bare = "ValueError: The model's max seq len (20480) is larger than the maximum number of tokens that can be stored in KV cache (9152). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
    const r = await analyzeText(`${bare}\r\nFile <command-1234>, line 3\r\n`);
    expect([r.facts.config.maxModelLen, r.facts.firstError?.line]).toEqual([20480, 1]);
    expect(ids(r, "error")).toContain("vllm/kv-cache-too-small");
    const near = await analyzeText("INFO 05-02 11:00:00 executor_base.py:115] Maximum concurrency for 20480 tokens per request: 0.45x\n");
    expect([near.facts.config.maxModelLen, ids(near)]).toEqual([null, expect.not.arrayContaining(["vllm/kv-cache-too-small"])]);
  });
});

describe("an API server's EngineDeadError logged after an access-log line", () => {
  it("the EngineDeadError record is the first error, not the frame's code line logged at ERROR before it", async () => {
    const lines = [
      '127.0.0.1:60311 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
      "",
      "(APIServer pid=5121) ERROR 03-09 07:22:48 [serving_chat.py:1290]     raise self._format_exception(outputs) from None",
      "(APIServer pid=5121) ERROR 03-09 07:22:48 [serving_chat.py:1290] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.",
    ];
    const r = await read(lines);
    expect([r.facts.vllm.engine, r.facts.firstError?.line]).toEqual(["v1", 4]);
    expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
  });
});
