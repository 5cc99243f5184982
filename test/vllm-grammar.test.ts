import { describe, expect, it } from "vitest";
import { fastHead, isCommandLine, parseCommandLine, parseConfigDump, parseHead } from "../grammars/vllm.js";
import { matchAnywhere, matchLogo, matchMessage, parseBanner, parseMetrics } from "../grammars/vllm-messages.js";

/** One line per logger-prefix variant of ../shared/reference/vllm-log-formats.md §2.3 and the corpus NOTES. */
describe("vLLM logger prefix", () => {
  const cases: { name: string; line: string; want: Record<string, unknown> | null }[] = [
    {
      name: "≤0.7 era, no bracket",
      line: "INFO 07-25 10:11:12 llm_engine.py:73] Initializing an LLM engine (v0.4.0) with config: model='x'",
      want: { level: "INFO", date: "07-25", time: "10:11:12", file: "llm_engine.py", line: 73, bracket: false, message: "Initializing an LLM engine (v0.4.0) with config: model='x'" },
    },
    {
      name: "≥0.8 era, bracket",
      line: "INFO 03-20 14:02:11 [core.py:61] Initializing a V1 LLM engine (v0.8.1) with config: model='x'",
      want: { level: "INFO", file: "core.py", line: 61, bracket: true },
    },
    {
      name: "DEBUG relative path (≥0.11)",
      line: "DEBUG 08-09 20:55:10 [v1/engine/utils.py:1262] Waiting for 1 local, 0 remote core engine proc(s) to start.",
      want: { level: "DEBUG", file: "v1/engine/utils.py", line: 1262, message: "Waiting for 1 local, 0 remote core engine proc(s) to start." },
    },
    {
      name: "DEBUG shortened path with ellipsis",
      line: "DEBUG 02-10 12:00:00 [model_executor/.../quantization/utils/fp8_utils.py:123] Using default W8A8 Block FP8 kernel config.",
      want: { file: "model_executor/.../quantization/utils/fp8_utils.py", line: 123 },
    },
    { name: "WARN shortened", line: "WARN 04-16 11:09:10 [custom_all_reduce.py:136] Custom allreduce is disabled", want: { level: "WARNING", levelText: "WARN" } },
    { name: "WARNING", line: "WARNING 04-16 11:09:10 [custom_all_reduce.py:136] Custom allreduce is disabled", want: { level: "WARNING", levelText: "WARNING" } },
    { name: "CRITICAL", line: "CRITICAL 03-15 17:24:18 [multiproc_executor.py:48] MulitprocExecutor got fatal signal", want: { level: "CRITICAL" } },
    {
      name: "no opening bracket in a new release",
      line: "INFO 08-15 14:56:15 api_utils.py:273] non-default args: {'model': 'x'}",
      want: { file: "api_utils.py", line: 273, bracket: false, message: "non-default args: {'model': 'x'}" },
    },
    {
      name: "traceback frame logged at ERROR keeps its indentation",
      line: 'ERROR 10-25 13:08:43 [core.py:708]   File "/x/vllm/v1/core/kv_cache_utils.py", line 699, in check',
      want: { level: "ERROR", message: '  File "/x/vllm/v1/core/kv_cache_utils.py", line 699, in check' },
    },
    {
      name: "markdown ate the underscores of __init__",
      line: "INFO 06-09 05:30:55 [**init**.py:239] Automatically detected platform cuda.",
      want: { file: "**init**.py", line: 239 },
    },
    { name: "empty message", line: "INFO 04-16 11:09:10 [core.py:61]", want: { message: "" } },
    { name: "milliseconds in the time (custom format)", line: "INFO 04-11 12:37:49.123 [api_server.py:9] hi", want: { time: "12:37:49", message: "hi" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = parseHead(c.line);
      expect(h).toMatchObject(c.want!);
      // the fast path reads the same lines the grammar reads
      expect(fastHead(c.line)).toEqual(h);
    });
  }

  const slow: { name: string; line: string; want: Record<string, unknown> | null }[] = [
    { name: "damaged level RROR", line: "RROR 12-18 19:47:34 engine.py:366] ValueError: Total number of attention heads (64)", want: { level: "ERROR", levelText: "RROR", damaged: true, file: "engine.py", message: "ValueError: Total number of attention heads (64)" } },
    { name: "damaged level NFO", line: "NFO 12-13 13:07:31 llm_engine.py:72] Initializing an LLM engine with config: model='m'", want: { level: "INFO", damaged: true, line: 72 } },
    { name: "damaged level O", line: "O 04-11 12:37:49 [llm_engine.py:242] Initializing a V0 LLM engine (v0.8.3)", want: { level: "INFO", damaged: true, bracket: true } },
    { name: "VLLM_LOGGING_PREFIX glued to the level", line: "node3INFO 04-11 12:37:49 [llm_engine.py:242] hello", want: { level: "INFO", leading: "node3", damaged: false, message: "hello" } },
    { name: "VLLM_LOGGING_PREFIX with brackets and a space", line: "[vllm-a] WARNING 04-11 12:37:49 [api_server.py:9] careful", want: { level: "WARNING", leading: "[vllm-a] ", message: "careful" } },
  ];
  for (const c of slow) {
    it(c.name, () => {
      expect(fastHead(c.line)).toBeNull();
      expect(parseHead(c.line)).toMatchObject(c.want!);
    });
  }

  it("rejects lines that are not vLLM records", () => {
    for (const line of [
      "OPEA 04-11 12:37:49 [llm_engine.py:242] a cut fragment followed by text is not a level",
      "xRROR 12-18 19:47:34 engine.py:366] a damaged level after other text",
      "INFO:     Application startup complete.",
      "2025-02-11 21:35:17,102 INFO worker.py:1654 -- Connecting to existing Ray cluster",
      "gpu-a:4121:4290 [0] NCCL INFO Using network IB",
      '  File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap',
      "INFO 07-25 10:11:12 no file location here",
    ])
      expect(parseHead(line), line).toBeNull();
  });
});

describe("config dumps", () => {
  it("reads the ≤0.6.4 banner fields", () => {
    const m = parseConfigDump(
      "model='mistralai/Mistral-7B-v0.1', speculative_config=None, tokenizer='mistralai/Mistral-7B-v0.1', tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=32768, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=4, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=awq_marlin, enforce_eager=True, kv_cache_dtype=fp8_e5m2,  device_config=cuda:1, seed=0, served_model_name=mistralai/Mistral-7B-v0.1, use_v2_block_manager=False)".replace(/\)$/, ""),
      "banner",
      true,
    );
    expect(Object.fromEntries(m)).toMatchObject({
      model: "mistralai/Mistral-7B-v0.1",
      speculative_config: null,
      trust_remote_code: false,
      dtype: "torch.bfloat16",
      max_seq_len: 32768,
      load_format: "LoadFormat.AUTO",
      tensor_parallel_size: 4,
      pipeline_parallel_size: 1,
      quantization: "awq_marlin",
      enforce_eager: true,
      kv_cache_dtype: "fp8_e5m2",
      device_config: "cuda:1",
      seed: 0,
      served_model_name: "mistralai/Mistral-7B-v0.1",
      use_v2_block_manager: false,
    });
  });

  it("keeps nested configs whole (parentheses, brackets, braces, quotes with commas)", () => {
    const m = parseConfigDump(
      `model='/data/llm', decoding_config=DecodingConfig(guided_decoding_backend='xgrammar', reasoning_backend=None), observability_config=ObservabilityConfig(otlp_traces_endpoint=None), seed=0, served_model_name=/data/llm, enable_prefix_caching=True, pooler_config=None, compilation_config={"level":3,"splitting_ops":["vllm.unified_attention","a, b"],"max_capture_size":512}`,
      "banner",
    );
    expect(m.get("decoding_config")).toBe("DecodingConfig(guided_decoding_backend='xgrammar', reasoning_backend=None)");
    expect(m.get("compilation_config")).toBe(`{"level":3,"splitting_ops":["vllm.unified_attention","a, b"],"max_capture_size":512}`);
    expect(m.get("served_model_name")).toBe("/data/llm");
    expect(m.get("enable_prefix_caching")).toBe(true);
    expect(m.get("pooler_config")).toBeNull();
  });

  it("yields only the complete keys of a banner cut mid-value", () => {
    const m = parseConfigDump("model='m', tokenizer='m', dtype=torch.bfloat16, max_seq_len=32768, downl", "banner");
    expect([...m.keys()]).toEqual(["model", "tokenizer", "dtype", "max_seq_len"]);
    const cutString = parseConfigDump("model='OPEA/Mistral', tensor_parallel_size=1, tokenizer='OPEA/Mis", "banner");
    expect([...cutString.keys()]).toEqual(["model", "tensor_parallel_size"]);
    // an unquoted value at the very end may itself be cut: left out unless the caller knows the text is whole
    expect(parseConfigDump("seed=0, served_model_name=abc", "banner").has("served_model_name")).toBe(false);
    expect(parseConfigDump("seed=0, served_model_name=abc", "banner", true).get("served_model_name")).toBe("abc");
  });

  it("reads a `non-default args` dict repr", () => {
    const m = parseConfigDump(
      "{'model_tag': 'Qwen/Qwen3-VL-30B-A3B-Thinking-FP8', 'default_chat_template_kwargs': {'enable_thinking': False}, 'enable_auto_tool_choice': True, 'model': 'Qwen/Qwen3-VL-30B-A3B-Thinking-FP8', 'pipeline_parallel_size': 3, 'gpu_memory_utilization': 0.97, 'served_model_name': ['qwen'], 'kv_transfer_config': None}",
      "dict",
    );
    expect(Object.fromEntries(m)).toEqual({
      model_tag: "Qwen/Qwen3-VL-30B-A3B-Thinking-FP8",
      default_chat_template_kwargs: "{'enable_thinking': False}",
      enable_auto_tool_choice: true,
      model: "Qwen/Qwen3-VL-30B-A3B-Thinking-FP8",
      pipeline_parallel_size: 3,
      gpu_memory_utilization: 0.97,
      served_model_name: "['qwen']",
      kv_transfer_config: null,
    });
  });

  it("keeps the complete keys of a cut dict", () => {
    const m = parseConfigDump("{'model_tag': '~/.cache/huggingface/qwen3', 'host': '0.0.0.0', 'model': '~/.cache", "dict");
    expect(Object.fromEntries(m)).toEqual({ model_tag: "~/.cache/huggingface/qwen3", host: "0.0.0.0" });
  });

  it("reads `args: Namespace(...)`, also with a function repr inside", () => {
    const m = parseConfigDump(
      "Namespace(subparser='serve', model_tag='meta-llama/Meta-Llama-3-8B-Instruct', host=None, port=8000, allowed_origins=['*'], model='meta-llama/Meta-Llama-3-8B-Instruct', max_model_len=None, distributed_executor_backend='mp', pipeline_parallel_size=1, tensor_parallel_size=3, gpu_memory_utilization=0.9, swap_space=4, dispatch_function=<function serve at 0x7f2d4c1e8a40>)",
      "namespace",
    );
    expect(m.get("tensor_parallel_size")).toBe(3);
    expect(m.get("max_model_len")).toBeNull();
    expect(m.get("distributed_executor_backend")).toBe("mp");
    expect(m.get("allowed_origins")).toBe("['*']");
    expect(m.get("dispatch_function")).toBe("<function serve at 0x7f2d4c1e8a40>");
  });

  it("keeps the complete keys of a cut Namespace", () => {
    const m = parseConfigDump("Namespace(model_tag='m', port=8000, tensor_parallel_size=3, max_paral", "namespace");
    expect(Object.fromEntries(m)).toEqual({ model_tag: "m", port: 8000, tensor_parallel_size: 3 });
  });

  it("reads the banner head: label, version, dump", () => {
    expect(parseBanner("Initializing a V1 LLM engine (v0.9.1) with config: model='/data/llm', seed=0")).toEqual({ engine: "v1", version: "0.9.1", dump: "model='/data/llm', seed=0" });
    expect(parseBanner("Initializing a V0 LLM engine (v0.7.3) with config: model='m'")?.engine).toBe("v0");
    expect(parseBanner("Initializing an LLM engine (v0.6.4.post2.dev364+gea7bd68d1.d20241214) with config: model='m'")).toMatchObject({ engine: null, version: "0.6.4.post2.dev364+gea7bd68d1.d20241214" });
    expect(parseBanner("Initializing an LLM engine with config: model='m'")).toMatchObject({ engine: null, version: null });
  });
});

describe("message phrases", () => {
  const cases: { msg: string; id: string; facts: Record<string, unknown> }[] = [
    { msg: "# GPU blocks: 61913, # CPU blocks: 4096", id: "kv.blocks", facts: { "kvCache.gpuBlocks": 61913, "kvCache.cpuBlocks": 4096 } },
    { msg: "# CUDA blocks: 19609, # CPU blocks: 21845", id: "kv.blocks", facts: { "kvCache.gpuBlocks": 19609, "kvCache.cpuBlocks": 21845 } },
    { msg: "# cuda blocks: 7191, # CPU blocks: 512", id: "kv.blocks", facts: { "kvCache.gpuBlocks": 7191, "kvCache.cpuBlocks": 512 } },
    { msg: "# GPU blocks: 8051", id: "kv.v1Blocks", facts: { "kvCache.gpuBlocks": 8051, "vllm.engine": "v1" } },
    { msg: "GPU KV cache size: 643,232 tokens", id: "kv.tokens", facts: { "kvCache.tokens": 643232 } },
    { msg: "Maximum concurrency for 40,960 tokens per request: 15.70x", id: "kv.concurrency", facts: { "kvCache.tokensPerRequest": 40960, "kvCache.maxConcurrency": 15.7 } },
    { msg: "Maximum concurrency for 4096 tokens per request: 15.70x", id: "kv.concurrency", facts: { "kvCache.tokensPerRequest": 4096, "kvCache.maxConcurrency": 15.7 } },
    { msg: "Available KV cache memory: 21.20 GiB", id: "kv.available", facts: { "kvCache.availableGiB": 21.2 } },
    { msg: "Available KV cache memory: 31.2 GiB", id: "kv.available", facts: { "kvCache.availableGiB": 31.2 } },
    { msg: "Engine 000: vllm cache_config_info with initialization after num_gpu_blocks is: 57656", id: "kv.numGpuBlocks", facts: { "kvCache.gpuBlocks": 57656 } },
    { msg: "Loading model weights took 14.9888 GB", id: "memory.weightsTook", facts: { "memory.modelWeightsGiB": 14.9888 } },
    { msg: "Model loading took 14.9889 GB and 5.123456 seconds", id: "memory.modelLoadingTook", facts: { "memory.modelWeightsGiB": 14.9889, "memory.loadSeconds": 5.123456 } },
    { msg: "Model loading took 27.5185 GiB and 305.873276 seconds", id: "memory.modelLoadingTook", facts: { "memory.modelWeightsGiB": 27.5185 } },
    { msg: "Model loading took 15.27 GiB memory and 12.345678 seconds", id: "memory.modelLoadingTook", facts: { "memory.modelWeightsGiB": 15.27, "memory.loadSeconds": 12.345678 } },
    { msg: "the current vLLM instance can use total_gpu_memory (8.00GiB) x gpu_memory_utilization (0.75) = 6.00GiB", id: "memory.profileV0Total", facts: { "memory.totalGpuGiB": 8, "config.gpuMemoryUtilization": 0.75 } },
    {
      msg: "model weights take 0.93GiB; non_torch_memory takes 0.04GiB; PyTorch activation peak memory takes 1.44GiB; the rest of the memory reserved for KV Cache is 3.59GiB.",
      id: "memory.profileV0Parts",
      facts: { "memory.modelWeightsGiB": 0.93, "memory.nonTorchGiB": 0.04, "memory.peakActivationGiB": 1.44, "kvCache.availableGiB": 3.59 },
    },
    { msg: "model weights take 0.93GiB; non_torch_memory takes 0.04GiB; PyTorch activ", id: "memory.profileV0PartsCut", facts: { "memory.modelWeightsGiB": 0.93, "memory.nonTorchGiB": 0.04 } },
    {
      msg: "Memory profiling results: total_gpu_memory=79.15GiB initial_memory_usage=14.12GiB peak_torch_memory=15.80GiB memory_usage_post_profile=14.35Gib non_torch_memory=0.20GiB kv_cache_size=55.24GiB gpu_memory_utilization=0.90",
      id: "memory.profileResults",
      facts: { "memory.totalGpuGiB": 79.15, "memory.peakTorchGiB": 15.8, "kvCache.availableGiB": 55.24, "config.gpuMemoryUtilization": 0.9 },
    },
    {
      msg: "Memory profiling takes 4.21 seconds. Total non KV cache memory: 16.41GiB; torch peak memory increase: 1.23GiB; non-torch forward increase memory: 0.19GiB; weights memory: 14.99GiB.",
      id: "memory.profileV1Debug",
      facts: { "memory.peakActivationGiB": 1.23, "memory.nonTorchGiB": 0.19, "memory.modelWeightsGiB": 14.99 },
    },
    { msg: "Graph capturing finished in 12 secs, took 0.56 GiB", id: "cudaGraph.captured", facts: { "memory.cudaGraphGiB": 0.56 } },
    { msg: "Graph capturing finished in 11 secs.", id: "cudaGraph.captured", facts: {} },
    { msg: "init engine (profile, create kv cache, warmup model) took 43.21 seconds", id: "initEngine.took", facts: { "memory.initEngineSeconds": 43.21 } },
    { msg: "init engine (profile, create kv cache, warmup model) took 41.07 s (compilation: 18.22 s)", id: "initEngine.took", facts: { "memory.initEngineSeconds": 41.07 } },
    {
      msg: "world_size=8 rank=0 local_rank=0 distributed_init_method=tcp://10.1.2.3:54641 backend=nccl",
      id: "dist.worldSize",
      facts: { "distributed.worldSize": 8, "distributed.backend": "nccl", "distributed.hostIp": "10.1.2.3" },
    },
    { msg: "rank 0 in world size 4 is assigned as DP rank 0, PP rank 0, TP rank 0", id: "dist.rankAssigned", facts: { "distributed.worldSize": 4 } },
    { msg: "rank 3 in world size 8 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 3, EP rank 3, EPLB rank N/A", id: "dist.rankAssigned", facts: { "distributed.worldSize": 8 } },
    { msg: "World size (16) is larger than the number of available GPUs (8) in this node. If this is intentional and you are using:", id: "dist.worldSizeTooLarge", facts: { "distributed.worldSize": 16 } },
    { msg: "Defaulting to use ray for distributed inference", id: "config.defaultBackend", facts: { "config.executorBackend": "ray" } },
    { msg: "Using max model len 262144", id: "config.maxModelLen", facts: { "config.maxModelLen": 262144 } },
    { msg: "Chunked prefill is enabled with max_num_batched_tokens=2048.", id: "config.chunkedPrefill", facts: { "config.maxNumBatchedTokens": 2048 } },
    { msg: "vLLM API server version 0.5.3.post1", id: "version.apiServer", facts: { "vllm.version": "0.5.3.post1" } },
    { msg: "vLLM server version 0.16.0, serving model Qwen/Qwen3-8B", id: "version.server", facts: { "vllm.version": "0.16.0", "config.model": "Qwen/Qwen3-8B" } },
    { msg: "Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.", id: "customAllReduce.disabled", facts: {} },
    { msg: "Custom allreduce is disabled because this process group spans across nodes.", id: "customAllReduce.disabled", facts: {} },
    { msg: "Disabled the custom all-reduce kernel because it is not supported on current platform.", id: "customAllReduce.disabled", facts: {} },
    { msg: "Starting vLLM API server on http://0.0.0.0:8000", id: "server.starting", facts: { "server.ready": true } },
    { msg: "Starting vLLM API server 0 on http://0.0.0.0:8000", id: "server.starting", facts: { "server.ready": true } },
    { msg: "Starting vLLM server on http://0.0.0.0:8000", id: "server.starting", facts: { "server.ready": true } },
    { msg: "Starting to load model Qwen/Qwen2.5-0.5B-Instruct...", id: "model.startLoad", facts: { "config.model": "Qwen/Qwen2.5-0.5B-Instruct" } },
    { msg: "Using MacheteLinearKernel for GPTQMarlinLinearMethod", id: "config.quantizationKernel", facts: { "config.quantization": "gptq_marlin" } },
    { msg: "Using CutlassScaledMMLinearKernel for CompressedTensorsW8A8Int8", id: "config.quantizationKernel", facts: { "config.quantization": "compressed-tensors" } },
    {
      msg: "The model's max seq len (29000) is larger than the maximum number of tokens that can be stored in KV cache (23648). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
      id: "kv.insufficientV0",
      facts: { "config.maxModelLen": 29000, "kvCache.maxTokensStorable": 23648 },
    },
    { msg: "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.", id: "kv.noCacheMemory", facts: {} },
    { msg: "Launching vLLM (v0.12.0) headless multiproc executor, with head node address 10.0.0.1:29501 for torch.distributed process group.", id: "headless.launch", facts: { "vllm.version": "0.12.0", "config.headless": true, "config.masterAddr": "10.0.0.1" } },
  ];
  for (const c of cases) {
    it(`${c.id}: ${c.msg.slice(0, 60)}`, () => {
      const m = matchMessage(c.msg);
      expect(m?.id).toBe(c.id);
      expect(m?.facts).toMatchObject(c.facts);
    });
  }

  it("finds the V1 insufficient-KV error inside an exception line (GiB and the ≤0.8.2 GB form)", () => {
    const gib = matchAnywhere(
      "ValueError: To serve at least one request with the models's max seq len (262144), (24.0 GiB KV cache is needed, which is larger than the available KV cache memory (3.18 GiB). Based on the available memory, the estimated maximum model length is 34736. Try increasing `gpu_memory_utilization`",
    );
    expect(gib).toEqual({ id: "kv.insufficientV1", facts: { "config.maxModelLen": 262144, "kvCache.neededGiB": 24, "kvCache.availableGiB": 3.18 } });
    const gb = matchAnywhere("ValueError: To serve at least one request with the models's max seq len (131072), (16.00 GB KV cache is needed, which is larger than the available KV cache memory (9.34 GB). Try increasing");
    expect(gb?.facts).toEqual({ "config.maxModelLen": 131072, "kvCache.neededGiB": 16, "kvCache.availableGiB": 9.34 });
  });

  it("reads the TP size and GPU facts stated by errors", () => {
    expect(matchAnywhere("ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3).")?.facts).toEqual({ "config.tensorParallelSize": 3 });
    expect(matchAnywhere("ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5.")?.facts).toEqual({ "gpu.name": "Tesla T4" });
    expect(matchAnywhere("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.03 GiB is free.")?.facts).toEqual({ "gpu.memoryGiB": 79.15 });
    expect(matchAnywhere("torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 23.65 GiB total capacity; 22.1 GiB already allocated)")?.facts).toEqual({ "gpu.memoryGiB": 23.65 });
    expect(matchAnywhere("nothing to see here")).toBeNull();
  });

  it("reads the version and model of the ≥0.15 ASCII logo", () => {
    expect(matchLogo(" ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.16.0")?.facts).toEqual({ "vllm.version": "0.16.0" });
    expect(matchLogo("  █▄█▀ █     █     █     █  model   Qwen/Qwen3-8B")?.facts).toEqual({ "config.model": "Qwen/Qwen3-8B" });
    expect(matchLogo("       █     █     █▄   ▄█")).toBeNull();
    expect(matchLogo("no logo")).toBeNull();
  });

  it("hand-reads the periodic metrics line of V0, V1 and the 0.7.1 missing-comma form", () => {
    expect(parseMetrics("Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 12.5 tokens/s, Running: 1 reqs, Swapped: 0 reqs, Pending: 3 reqs, GPU KV cache usage: 4.2%, CPU KV cache usage: 0.0%.")).toEqual({
      engine: null, promptTps: 0, genTps: 12.5, running: 1, waiting: 3, kvUsagePct: 4.2,
    });
    expect(parseMetrics("Engine 000: Avg prompt throughput: 1523.4 tokens/s, Avg generation throughput: 320.7 tokens/s, Running: 12 reqs, Waiting: 0 reqs, GPU KV cache usage: 8.3%, Prefix cache hit rate: 41.2%")).toEqual({
      engine: 0, promptTps: 1523.4, genTps: 320.7, running: 12, waiting: 0, kvUsagePct: 8.3,
    });
    expect(parseMetrics("Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 1 reqs, Waiting: 2 reqs GPU KV cache usage: 5.0%.")?.kvUsagePct).toBe(5);
    expect(parseMetrics("Avg prompt throughput is not here")).toBeNull();
  });
});

describe("pasted command lines", () => {
  it("reads `vllm serve MODEL --flags`, `--k=v`, bare booleans, and ignores shell variables and a cut last flag", () => {
    const line = "(venv) pc@host:~/vllm$ VLLM_USE_MODELSCOPE=true vllm serve Qwen/Qwen3-0.6B --enable-reasoning --port 8099 --max-model-len 32768 --gpu-memory-utilization 0.85 --max-num-seqs=32 --enforce-eager --tensor-parallel-size $TP --te";
    expect(isCommandLine(line)).toBe(true);
    const m = parseCommandLine(line);
    expect(m.get("model")).toBe("Qwen/Qwen3-0.6B");
    expect(m.get("max_model_len")).toBe("32768");
    expect(m.get("gpu_memory_utilization")).toBe("0.85");
    expect(m.get("max_num_seqs")).toBe("32");
    expect(m.get("enforce_eager")).toBe(true);
    expect(m.has("tensor_parallel_size")).toBe(false);
  });

  it("reads `python -m vllm.entrypoints.openai.api_server --model X -tp 4` and docker's `--model`", () => {
    const m = parseCommandLine("python3 -m vllm.entrypoints.openai.api_server --model meta-llama/Llama-3.1-8B -tp 4 --pipeline-parallel-size 2");
    expect(m.get("model")).toBe("meta-llama/Llama-3.1-8B");
    expect(m.get("tensor_parallel_size")).toBe("4");
    expect(m.get("pipeline_parallel_size")).toBe("2");
    const d = parseCommandLine("sudo docker run --gpus all -p 8000:8000 substratusai/vllm-gh200:v0.8.3 --model meta-llama/Llama-3.1-405B-Instruct-FP8 --gpu-memory-utilization 0.975 -");
    expect(d.get("model")).toBe("meta-llama/Llama-3.1-405B-Instruct-FP8");
    expect(d.get("gpu_memory_utilization")).toBe("0.975");
    expect(isCommandLine("INFO 04-16 11:09:10 [core.py:61] nothing")).toBe(false);
  });
});
