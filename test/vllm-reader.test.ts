import { describe, expect, it } from "vitest";
import { createVllmOriginObserver, createVllmReader } from "../src/events/read-vllm.js";
import type { Event } from "../src/events/index.js";
import { toRecord } from "../src/records/peel.js";
import { finalizeFacts, initState, reduceEvent } from "../src/facts/state.js";

/** Runs the vLLM reader (and the origin observer) over lines; returns the events and what each read returned. */
function read(lines: string[]) {
  const reader = createVllmReader();
  const observe = createVllmOriginObserver();
  const events: Event[] = [];
  const emit = (e: Event) => events.push(e);
  const outs = lines.map((l, i) => {
    const rec = toRecord("t.log", 0, i + 1, l);
    observe(rec, emit);
    return reader.read(rec, emit);
  });
  reader.end?.(emit);
  return { events, outs };
}

function factsOf(lines: string[]) {
  const state = initState();
  for (const e of read(lines).events) reduceEvent(state, e);
  return finalizeFacts(state);
}

describe("vLLM reader: errors and warnings", () => {
  it("emits an error for an ERROR record and hands on the message", () => {
    const { events, outs } = read(["(EngineCore_DP0 pid=12473) ERROR 11-05 12:19:32 [core.py:708] EngineCore failed to start."]);
    const err = events.find((e) => e.kind === "error");
    expect(err).toMatchObject({ source: "vllm", message: "EngineCore failed to start.", ev: { line: 1 } });
    expect(outs[0]).toMatchObject({ text: "EngineCore failed to start.", line: 1, origin: { process: "EngineCore_DP0", pid: 12473 } });
  });

  it("counts CRITICAL, an exception line and `EngineCore hit an exception: Traceback ...` as errors", () => {
    const { events } = read([
      "CRITICAL 03-15 17:24:18 [multiproc_executor.py:48] MulitprocExecutor got fatal signal from worker processes, shutting down.",
      "ERROR 06-29 19:20:00 [core.py:515] Exception: WorkerProc initialization failed due to an exception in a background process.",
      "ERROR 05-19 06:22:41 [core.py:390] EngineCore hit an exception: Traceback (most recent call last):",
      "RROR 12-18 19:47:34 engine.py:366] ValueError: Total number of attention heads (64) must be divisible by tensor parallel size (3).",
    ]);
    const errs = events.filter((e) => e.kind === "error");
    expect(errs.map((e) => e.ev.line)).toEqual([1, 2, 3, 4]);
    expect(errs[1]).toMatchObject({ errorType: "Exception" });
    expect(errs[3]).toMatchObject({ errorType: "ValueError" });
  });

  it("does not count traceback structure logged at ERROR level", () => {
    const { events, outs } = read([
      "ERROR 10-25 13:08:43 [core.py:708] Traceback (most recent call last):",
      'ERROR 10-25 13:08:43 [core.py:708]   File "/x/vllm/v1/core/kv_cache_utils.py", line 699, in check_enough_kv_cache_memory',
      'ERROR 10-25 13:08:43 [core.py:708]     raise ValueError("No available memory for the cache blocks. "',
      "ERROR 10-25 13:08:43 [core.py:708]     ~~~~~~~~~~~~~~~~~~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "ERROR 10-25 13:08:43 [core.py:708] Process EngineCore_DP0:",
      "ERROR 10-25 13:08:43 [core.py:708] ",
    ]);
    expect(events.filter((e) => e.kind === "error")).toEqual([]);
    // the frame reaches the python reader as the bare frame text
    expect(outs[1]).toMatchObject({ text: '  File "/x/vllm/v1/core/kv_cache_utils.py", line 699, in check_enough_kv_cache_memory' });
  });

  it("emits warnings for WARNING/WARN records and nothing for INFO", () => {
    const { events } = read([
      "(VllmWorker rank=3 pid=420623) WARNING 04-16 11:09:10 [custom_all_reduce.py:136] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
      "WARN 04-16 11:09:10 [x.py:1] short level",
      "INFO 04-16 11:09:10 [x.py:1] fine",
    ]);
    expect(events.filter((e) => e.kind === "warning").map((e) => e.ev.line)).toEqual([1, 2]);
    expect(events.filter((e) => e.kind === "error")).toEqual([]);
    const car = events.find((e) => e.kind === "vllm.message" && e.id === "customAllReduce.disabled");
    expect(car).toMatchObject({ facts: { reason: "because it's not supported on more than two PCIe-only GPUs" } });
  });

  it("returns false for records that are not vLLM's", () => {
    const { outs } = read(["Traceback (most recent call last):", '  File "/usr/bin/vllm", line 8, in <module>', "gpu-a:1:1 [0] NCCL INFO Using network IB"]);
    expect(outs).toEqual([false, false, false]);
  });
});

describe("vLLM reader: config dumps", () => {
  it("joins a banner hard-wrapped mid-token and reads the complete keys", () => {
    const f = factsOf([
      "O 04-11 12:37:49 [llm_engine.py:242] Initializing a V0 LLM engine (v0.8.3) with config: model='OPEA/Mistral-Small', speculative_config=None, tokenizer='OPEA/Mistral-Small', dtype=torch.float16, max_seq_len=8192, tensor_parallel_size=1, pipeline_parallel_size=1, quantization=awq, enforce_eager=False, kv_cache_dtype=auto,  device_config=cuda, seed=0, num_s",
      "cheduler_steps=1, multi_step_stream_outputs=True, enable_prefix_caching=None, chunked_prefill_enabled=False, use_async_output_proc=True,",
    ]);
    expect(f.vllm).toEqual({ version: "0.8.3", engine: "v0" });
    expect(f.config).toMatchObject({ model: "OPEA/Mistral-Small", maxModelLen: 8192, tensorParallelSize: 1, pipelineParallelSize: 1, quantization: "awq", enforceEager: false, seed: 0 });
    expect(f.sources["config.model"].line).toBe(1);
  });

  it("joins `tensor_parallel_size` / `=4` and a blockquoted continuation", () => {
    const f = factsOf([
      "> INFO 02-26 11:14:53 llm_engine.py:234] Initializing a V0 LLM engine (v0.7.3) with config: model='google/gemma-2-27b-it', max_seq_len=8192, tensor_parallel_size",
      "> =4, pipeline_parallel_size=1, seed=0, served_model_name=google/gemma-2-27b-it, use_cached_outputs=False, ",
      "> INFO 02-26 11:14:54 ray_distributed_executor.py:153] use_ray_spmd_worker: False",
    ]);
    expect(f.config).toMatchObject({ tensorParallelSize: 4, pipelineParallelSize: 1, servedModelName: "google/gemma-2-27b-it", executorBackend: "ray" });
  });

  it("prefers the banner over `non-default args`, Namespace and the command line", () => {
    const f = factsOf([
      "$ vllm serve m --max-model-len 4096 --tensor-parallel-size 2",
      "INFO 08-21 03:42:51 api_server.py:401] args: Namespace(model_tag='m', model='m', max_model_len=8192, tensor_parallel_size=2, distributed_executor_backend='mp')",
      "INFO 08-21 03:42:52 llm_engine.py:169] Initializing an LLM engine (v0.5.1) with config: model='m', max_seq_len=2048, tensor_parallel_size=2, seed=0)",
    ]);
    expect(f.config.maxModelLen).toBe(2048);
    expect(f.sources["config.maxModelLen"].line).toBe(3);
    expect(f.config.executorBackend).toBe("mp");
    expect(f.vllm).toEqual({ version: "0.5.1", engine: "v0" });
  });

  it("reads a command line continued with backslashes, and the NGC banner's version", () => {
    const f = factsOf([
      "$ vllm serve meta-llama/Llama-3.1-70B-Instruct \\",
      "    --tensor-parallel-size 4 --pipeline-parallel-size 2 \\",
      "    --max-model-len 32768 \\",
      "    --enforce-eager",
      "vLLM Version 0.10.1.1+381074ae",
    ]);
    expect(f.config).toMatchObject({ model: "meta-llama/Llama-3.1-70B-Instruct", tensorParallelSize: 4, pipelineParallelSize: 2, maxModelLen: 32768, enforceEager: true });
    expect(f.sources["config.maxModelLen"].line).toBe(3);
    expect(f.vllm.version).toBe("0.10.1.1+381074ae");
  });

  it("reads each record of a flattened `kubectl logs` paste", () => {
    const f = factsOf([
      "> (base) [root@localhost ~]# kubectl logs pod/llama3-8b-77bb85975b-5kgz2 INFO 06-09 05:30:55 [**init**.py:239] Automatically detected platform cuda. INFO 06-09 05:30:58 [api_server.py:1043] vLLM API server version 0.8.6.dev0+g4e8c9f5e9.d20250506 INFO 06-09 05:30:58 [api_server.py:1044] args: Namespace(host='0.0.0.0', port=8000, model='/models/llama3-8b', tensor_parallel_size=1) INFO 06-09 05:31:07 [config.py:793] This model supports multiple tasks",
    ]);
    expect(f.vllm.version).toBe("0.8.6.dev0+g4e8c9f5e9.d20250506");
    expect(f.config.model).toBe("/models/llama3-8b");
    expect(f.config.tensorParallelSize).toBe(1);
  });
});

describe("vLLM reader: markers, server and metrics", () => {
  it("reads engine and backend from nested process prefixes, even on NCCL lines", () => {
    const f = factsOf(["(EngineCore_DP0 pid=1088) (RayWorkerWrapper pid=285, ip=192.168.177.12) spark2:285:285 [0] NCCL INFO P2P Chunksize set to 131072"]);
    expect(f.vllm.engine).toBe("v1");
    expect(f.config.executorBackend).toBe("ray");
  });

  it("maps each worker prefix era to its engine and executor", () => {
    expect(factsOf(["(VllmWorkerProcess pid=521) INFO 04-12 08:21:19 [worker.py:267] x"]).config.executorBackend).toBe("mp");
    expect(factsOf(["(VllmWorkerProcess pid=521) INFO 04-12 08:21:19 [worker.py:267] x"]).vllm.engine).toBe("v0");
    expect(factsOf(["(VllmWorker rank=4 pid=907) INFO 03-15 17:24:17 [pynccl.py:69] x"]).vllm.engine).toBe("v1");
    expect(factsOf(["(Worker_TP1 pid=5123) INFO 03-15 17:24:17 [pynccl.py:69] x"]).config.executorBackend).toBe("mp");
    expect(factsOf(["(RayWorkerVllm pid=454337) INFO 04-18 01:56:38 ray_utils.py:44] x"]).vllm.engine).toBe("v0");
    expect(factsOf(["2025-02-11 21:35:17,102 INFO worker.py:1654 -- Connecting to existing Ray cluster at address: 1.2.3.4:6379..."]).config.executorBackend).toBe("ray");
  });

  it("an explicit backend beats the one a prefix implies", () => {
    const f = factsOf(["(VllmWorker rank=1 pid=2) INFO 03-15 17:24:17 [x.py:1] a", "INFO 10-14 01:39:43 config.py:698] Defaulting to use ray for distributed inference"]);
    expect(f.config.executorBackend).toBe("ray");
    expect(f.sources["config.executorBackend"].line).toBe(2);
  });

  it("marks the server ready at `Application startup complete.`, rather than at `Starting vLLM API server`", () => {
    const f = factsOf(["INFO 04-16 11:11:09 [api_server.py:1081] Starting vLLM API server on http://0.0.0.0:8000", "INFO:     Started server process [7520]", "INFO:     Application startup complete."]);
    expect(f.server).toEqual({ ready: true, readyLine: { file: "t.log", line: 3, text: "INFO:     Application startup complete." } });
  });

  it("summarises the metrics lines in one event", () => {
    const line = (n: number, kv: number) => `INFO 04-16 11:1${n}:39 [loggers.py:80] Engine 000: Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: ${n} reqs, Waiting: 0 reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 0.0%`;
    const { events } = read([line(1, 5.5), line(2, 40.1), line(3, 12)]);
    const m = events.filter((e) => e.kind === "vllm.metrics");
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ count: 3, peakKvUsagePct: 40.1, peakRunning: 3, last: { running: 3, kvUsagePct: 12 }, ev: { line: 3 } });
  });

  it("reads KV-cache facts from an exception line outside any vLLM record", () => {
    const f = factsOf([
      "(EngineCore_DP0 pid=1094) ValueError: To serve at least one request with the models's max seq len (262144), (24.0 GiB KV cache is needed, which is larger than the available KV cache memory (3.18 GiB). Based on the available memory, the estimated maximum model length is 34736.",
    ]);
    expect(f.config.maxModelLen).toBe(262144);
    expect(f.kvCache.availableGiB).toBe(3.18);
    expect(f.kvCache.neededGiB).toBe(24);
  });

  it("lists every null fact of its sections in `missing`, with a way to get it", () => {
    const f = factsOf(["INFO 04-16 11:09:10 [utils.py:61] nothing useful"]);
    const m = new Map(f.missing.map((x) => [x.fact, x]));
    for (const path of ["vllm.version", "config.model", "config.tensorParallelSize", "distributed.worldSize", "gpu.name", "kvCache.tokens", "kvCache.availableGiB", "memory.modelWeightsGiB"]) {
      expect(m.get(path)?.howToGet, path).toBeTruthy();
    }
    // a bracketed prefix alone (0.8+) names no engine: V0 and V1 both exist in that era
    expect(m.has("vllm.engine")).toBe(true);
  });
});
