import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes seen in real pastes (round 11: /tmp/reallogs11, 24 files, all read right before any change) kept here as
 * guards. Every log text is written for the test in the format's shape, with an unseen variant next to it.
 */

const R = "\uFFFD"; // an ESC byte that a copy turned into U+FFFD, leaving `[1;36m` behind

describe("worker prefixes whose ANSI colour lost its ESC byte to U+FFFD", () => {
  it("reads the prefix, the engine and the executor from a VllmWorker traceback line, and the run from the command", async () => {
    const r = await analyzeText(
      [
        "vllm serve /models/m --tensor-parallel-size 4 --pipeline-parallel-size 2 --max-model-len 65536 --gpu-memory-utilization 0.85",
        "WorkerProc failed to start.",
        `${R}[1;36m(VllmWorker rank=1 pid=812)${R}[0;0m ERROR 08-02 10:11:12 [multiproc_executor.py:511] Traceback (most recent call last):`,
        `${R}[1;36m(VllmWorker rank=1 pid=812)${R}[0;0m ERROR 08-02 10:11:12 [multiproc_executor.py:511] File "/usr/lib/python3/site-packages/vllm/v1/executor/multiproc_executor.py", line 485, in worker_main`,
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.config.executorBackend).toBe("mp");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.pipelineParallelSize).toBe(2);
    expect(r.facts.config.maxModelLen).toBe(65536);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
  });

  it("reads a V1 banner behind a mangled EngineCore_DP0 prefix (variant)", async () => {
    const r = await analyzeText(
      `${R}[0;36m(EngineCore_DP0 pid=5)${R}[0;0m INFO 09-10 01:02:03 [core.py:77] Initializing a V1 LLM engine (v0.10.2) with config: model='org/m-7b', tokenizer='org/m-7b', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=2, pipeline_parallel_size=1, data_parallel_size=1, quantization=None\n`,
    );
    expect(r.facts.vllm.version).toBe("0.10.2");
    expect(r.facts.config.model).toBe("org/m-7b");
    expect(r.facts.config.maxModelLen).toBe(32768);
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.dataParallelSize).toBe(1);
  });
});

describe("a journald prefix (`Mon DD HH:MM:SS host unit[pid]: `) before vLLM records", () => {
  it("reads a V1 banner logged through sudo", async () => {
    const r = await analyzeText(
      "Mar 11 09:15:02 gpu-box sudo[4410]: INFO 03-11 09:15:02 core.py:45] Initializing a V1 LLM engine (v0.7.2) with config: model='/srv/models/q-32b', tokenizer='/srv/models/q-32b', dtype=torch.float16, max_seq_len=16384, tensor_parallel_size=4, pipeline_parallel_size=1, quantization=gptq\n",
    );
    expect(r.facts.vllm.version).toBe("0.7.2");
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.config.model).toBe("/srv/models/q-32b");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.maxModelLen).toBe(16384);
  });

  it("reads KV lines under a python3[pid] unit with the EngineCore prefix inside (variant)", async () => {
    const r = await analyzeText(
      [
        "Jun 02 14:00:01 node7 python3[901]: (EngineCore_DP0 pid=901) INFO 06-02 14:00:01 [gpu_worker.py:298] Available KV cache memory: 12.5 GiB",
        "Jun 02 14:00:01 node7 python3[901]: (EngineCore_DP0 pid=901) INFO 06-02 14:00:01 [kv_cache_utils.py:1087] GPU KV cache size: 204,800 tokens",
        "Jun 02 14:00:01 node7 python3[901]: (EngineCore_DP0 pid=901) INFO 06-02 14:00:01 [kv_cache_utils.py:1091] Maximum concurrency for 32,768 tokens per request: 6.25x",
      ].join("\n"),
    );
    expect(r.facts.kvCache.availableGiB).toBe(12.5);
    expect(r.facts.kvCache.tokens).toBe(204800);
    expect(r.facts.kvCache.maxConcurrency).toBe(6.25);
    expect(r.facts.kvCache.tokensPerRequest).toBe(32768);
  });
});

describe("an engine config banner hard-wrapped at a fixed width", () => {
  it("reads the V0 banner whose pieces are split mid-word", async () => {
    const r = await analyzeText(
      [
        "INFO 01-15 13:09:52 llm_engine.py:232] Initializing an LLM engine (v0.6.6) with config: model='acme/big-70b', speculative_config=None, tokenizer='acme/bi",
        "g-70b', skip_tokenizer_init=False, dtype=torch.float16, max_seq_len=8192, download_d",
        "ir=None, load_format=auto, tensor_parallel_size=2, pipeline_parallel_size=3, disable_custom_all_reduce=False, decoding_",
        "config=DecodingConfig(guided_decoding_backend='xgrammar'), seed=0, served_model_name=acme/bi",
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBe("0.6.6");
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.config.model).toBe("acme/big-70b");
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.pipelineParallelSize).toBe(3);
  });
});

describe("the 0.21+ CUDA graph memory profiling line states gpu_memory_utilization", () => {
  it("reads it under an EngineCore prefix", async () => {
    const r = await analyzeText(
      "(EngineCore pid=40) INFO 05-19 02:17:43 [gpu_worker.py:477] CUDA graph memory profiling is enabled (default since v0.21.0). The current --gpu-memory-utilization=0.9500 is equivalent to --gpu-memory-utilization=0.9431 without CUDA graph memory profiling. To maintain the same effective KV cache size as before, increase --gpu-memory-utilization to 0.9569. To disable, set VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0.\n",
    );
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.95);
  });

  it("reads it in a docker compose pane (variant)", async () => {
    const r = await analyzeText(
      "vllm-1  | (EngineCore_DP0 pid=77) INFO 06-01 08:00:00 [gpu_worker.py:480] CUDA graph memory profiling is enabled (default since v0.21.0). The current --gpu-memory-utilization=0.8000 is equivalent to --gpu-memory-utilization=0.7912 without CUDA graph memory profiling.\n",
    );
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.8);
  });
});

describe("Ray's per-node 'Tensor parallel size (N) exceeds available GPUs (M)' warning alone", () => {
  it("is not a placement failure (one TP rank per node is a normal multi-node layout)", async () => {
    const r = await analyzeText(
      "(EngineCore_DP0 pid=61) WARNING 03-11 12:22:12 [ray_utils.py:352] Tensor parallel size (8) exceeds available GPUs (4). This may result in Ray placement group allocation failures. Consider reducing tensor_parallel_size to 4 or less, or ensure your Ray cluster has 8 GPUs available.\n",
    );
    expect(ids(r)).not.toContain("vllm/ray-insufficient-resources");
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
