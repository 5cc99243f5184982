import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
import type { Event } from "../src/events/index.js";
import type { Report } from "../src/facts/schema.js";
import { memorySource } from "../src/input/memory.js";
import { peel } from "../src/records/peel.js";
import { splitPhysicalLine } from "../src/records/split.js";

/**
 * One case per line shape of the vLLM and NCCL log-format references (../shared/reference/*-patterns.json and
 * the shapes of vllm-log-formats.md §3–§10 / nccl-log-formats.md §2–§12 without an entry). Each case is a
 * line written here after the reference's example (other hosts and numbers), run through the whole analysis,
 * with the facts it states checked exactly. Numbers as the corpus NOTES normalise them: `643,232` -> 643232,
 * `0.90` -> 0.9, `21.20GiB` -> 21.2.
 */

interface Case {
  /** the reference entry id (`kv.v1_size_tokens`) or the reference section (`§7.4 vllm`) plus a variant */
  id: string;
  log: string[];
  /** dotted path under `facts` -> exact value */
  facts?: Record<string, unknown>;
  /** rule ids that must be among the findings */
  rules?: string[];
  /** events that must be emitted (a subset of fields each) */
  events?: Record<string, unknown>[];
  /**
   * Rules the catalog says should fire but whose signature (src/rules, owned elsewhere) misses this shape although
   * the facts and events are read: asserted absent, so that this case fails, and is moved to `rules`, once fixed.
   */
  ruleGaps?: string[];
}

// ------------------------------------------------------------------ line builders

/** vLLM ≤0.7.3 prefix: `INFO 07-25 10:11:12 file.py:73] msg` */
const old = (level: string, file: string, msg: string) => `${level} 06-14 08:31:07 ${file}] ${msg}`;
/** vLLM ≥0.8 prefix: `INFO 03-20 14:02:11 [file.py:61] msg` */
const cur = (level: string, file: string, msg: string) => `${level} 11-02 17:45:19 [${file}] ${msg}`;
/** NCCL INFO record */
const ni = (host: string, dev: number, msg: string, tid = 4410) => `${host}:4407:${tid} [${dev}] NCCL INFO ${msg}`;
/** NCCL WARN record (the caller puts the blank line before it) */
const nw = (host: string, dev: number, src: string, msg: string) => `${host}:4407:4460 [${dev}] ${src} NCCL WARN ${msg}`;

const ESC = "\x1b";

const V0_BANNER_FIELDS =
  "model='mistralai/Mistral-7B-Instruct-v0.3', speculative_config=None, tokenizer='mistralai/Mistral-7B-Instruct-v0.3', skip_tokenizer_init=False, " +
  "tokenizer_mode=auto, revision=None, rope_scaling=None, rope_theta=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.float16, " +
  "max_seq_len=16384, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=4, pipeline_parallel_size=2, disable_custom_all_reduce=False, " +
  "quantization=None, enforce_eager=True, kv_cache_dtype=auto, quantization_param_path=None, device_config=cuda, " +
  "decoding_config=DecodingConfig(guided_decoding_backend='outlines'), observability_config=ObservabilityConfig(otlp_traces_endpoint=None), seed=7, " +
  "served_model_name=mistralai/Mistral-7B-Instruct-v0.3, use_v2_block_manager=False, enable_prefix_caching=False)";

const V1_BANNER_FIELDS =
  "model='Qwen/Qwen3-32B', speculative_config=None, tokenizer='Qwen/Qwen3-32B', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, " +
  "tokenizer_revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=40960, download_dir=None, load_format=auto, " +
  "tensor_parallel_size=2, pipeline_parallel_size=1, data_parallel_size=3, disable_custom_all_reduce=False, quantization=fp8, enforce_eager=False, " +
  "kv_cache_dtype=fp8_e4m3, device_config=cuda, structured_outputs_config=StructuredOutputsConfig(backend='auto', disable_fallback=False), " +
  "observability_config=ObservabilityConfig(show_hidden_metrics_for_version=None), seed=0, served_model_name=qwen3-32b, enable_prefix_caching=True, " +
  'enable_chunked_prefill=True, pooler_config=None, compilation_config={"level":3,"debug_dump_path":"","cudagraph_capture_sizes":[8,4,2,1],"max_capture_size":8}';

// ------------------------------------------------------------------ vLLM

const VLLM: Case[] = [
  // --- line prefixes
  {
    id: "prefix.v0style",
    log: [old("INFO", "llm_engine.py:174", `Initializing an LLM engine (v0.5.4) with config: ${V0_BANNER_FIELDS}`)],
    facts: {
      "vllm.version": "0.5.4", "vllm.engine": "v0", "config.model": "mistralai/Mistral-7B-Instruct-v0.3", "config.maxModelLen": 16384,
      "config.tensorParallelSize": 4, "config.pipelineParallelSize": 2, "config.dtype": "torch.float16", "config.enforceEager": true,
      "config.kvCacheDtype": "auto", "config.seed": 7, "config.quantization": null, "config.servedModelName": "mistralai/Mistral-7B-Instruct-v0.3",
    },
  },
  {
    id: "prefix.bracketed",
    log: [cur("INFO", "core.py:58", "Initializing a V1 LLM engine (v0.8.2) with config: model='google/gemma-2-9b-it', max_seq_len=8192, tensor_parallel_size=1, seed=0, compilation_config={\"level\":3}")],
    facts: { "vllm.version": "0.8.2", "vllm.engine": "v1", "config.model": "google/gemma-2-9b-it", "config.maxModelLen": 8192, "config.tensorParallelSize": 1 },
  },
  {
    id: "prefix.debug_relpath",
    log: [
      "DEBUG 10-01 09:12:44 [v1/engine/core.py:1067] Waiting for init message from front-end.",
      "INFO 10-01 09:12:59 [v1/core/kv_cache_utils.py:1087] GPU KV cache size: 98,304 tokens",
      "DEBUG 10-01 09:12:59 [model_executor/.../quantization/utils/fp8_utils.py:88] Using default W8A8 Block FP8 kernel config.",
    ],
    facts: { "vllm.engine": "v1", "kvCache.tokens": 98304 },
  },
  {
    id: "prefix.user_prefix",
    log: ["[worker-3] " + cur("INFO", "api_server.py:1100", "vLLM API server version 0.6.4.post1")],
    facts: { "vllm.version": "0.6.4.post1" },
  },
  {
    id: "prefix.user_prefix glued",
    log: ["[node-b]" + cur("INFO", "kv_cache_utils.py:716", "GPU KV cache size: 1,024 tokens")],
    facts: { "kvCache.tokens": 1024 },
  },
  {
    id: "prefix.ansi_level",
    log: [`${ESC}[32mINFO${ESC}[0m ${ESC}[90m12-01 11:20:30${ESC}[0m ${ESC}[90m[core.py:93]${ESC}[0m Initializing a V1 LLM engine (v0.12.0) with config: model='meta-llama/Llama-3.2-3B', max_seq_len=131072, tensor_parallel_size=1`],
    facts: { "vllm.version": "0.12.0", "vllm.engine": "v1", "config.model": "meta-llama/Llama-3.2-3B", "config.maxModelLen": 131072 },
  },
  {
    id: "prefix.ansi_level warning",
    log: [`${ESC}[33mWARNING${ESC}[0m ${ESC}[90m12-01 11:20:31${ESC}[0m ${ESC}[90m[kv_cache_utils.py:1001]${ESC}[0m Maximum concurrency for 131,072 tokens per request: 0.45x`],
    facts: { "kvCache.tokensPerRequest": 131072, "kvCache.maxConcurrency": 0.45 },
    rules: ["vllm/low-concurrency"],
  },
  {
    id: "prefix.multiline",
    log: [
      cur("ERROR", "core.py:708", "EngineCore failed to start.") + "\r",
      cur("ERROR", "core.py:708", "Traceback (most recent call last):") + "\r",
      cur("ERROR", "core.py:708", '  File "/usr/lib/python3/dist-packages/vllm/v1/engine/core.py", line 699, in run_engine_core') + "\r",
      cur("ERROR", "core.py:708", "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.") + "\r",
    ],
    facts: { "firstError.line": 1, "firstError.text": cur("ERROR", "core.py:708", "EngineCore failed to start.") },
    rules: ["vllm/no-kv-cache-memory", "vllm/engine-init-failed"],
  },

  // --- process prefixes
  {
    id: "proc.vllmworkerprocess",
    log: [`${ESC}[1;36m(VllmWorkerProcess pid=31177)${ESC}[0;0m ` + old("INFO", "model_runner.py:1008", "Loading model weights took 12.3456 GB")],
    facts: { "memory.modelWeightsGiB": 12.3456, "vllm.engine": "v0", "config.executorBackend": "mp" },
  },
  {
    id: "proc.vllmworkerprocess GitHub-mangled colour",
    log: ["[1;36m(VllmWorkerProcess pid=31178)[0;0m " + old("INFO", "model_runner.py:1008", "Loading model weights took 3.0021 GB")],
    facts: { "memory.modelWeightsGiB": 3.0021, "vllm.engine": "v0" },
  },
  {
    id: "proc.vllmworker_rank",
    log: [`${ESC}[1;36m(VllmWorker rank=3 pid=9120)${ESC}[0;0m ` + cur("INFO", "pynccl.py:69", "vLLM is using nccl==2.21.5")],
    facts: { "nccl.version": "2.21.5", "vllm.engine": "v1", "config.executorBackend": "mp" },
  },
  {
    id: "proc.vllmworker_tp",
    log: ["(VllmWorker TP1 pid=6001) " + cur("INFO", "gpu_model_runner.py:1953", "Model loading took 8.25 GiB and 6.1 seconds")],
    facts: { "memory.modelWeightsGiB": 8.25, "memory.loadSeconds": 6.1, "vllm.engine": "v1", "config.executorBackend": "mp" },
  },
  {
    id: "proc.vllmworker_tp PP_TP",
    log: ["(VllmWorker PP1_TP0 pid=6002) " + cur("INFO", "parallel_state.py:1004", "rank 2 in world size 4 is assigned as DP rank 0, PP rank 1, TP rank 0")],
    facts: { "distributed.worldSize": 4, "vllm.engine": "v1" },
  },
  {
    id: "proc.worker_suffixes",
    log: ["(Worker_TP3_EP3 pid=7123) " + cur("INFO", "parallel_state.py:1208", "rank 3 in world size 4 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 3, EP rank 3")],
    facts: { "distributed.worldSize": 4, "vllm.engine": "v1", "config.executorBackend": "mp" },
  },
  {
    id: "proc.worker_suffixes nested",
    log: ["(Worker pid=7124) (Worker_TP0 pid=7124) " + cur("INFO", "gpu_model_runner.py:4108", "Model loading took 16.0 GiB memory and 9.876543 seconds")],
    facts: { "memory.modelWeightsGiB": 16, "memory.loadSeconds": 9.876543, "vllm.engine": "v1", "config.executorBackend": "mp" },
  },
  {
    id: "proc.enginecore_n",
    log: ["(EngineCore_2 pid=88231) " + cur("INFO", "core.py:61", "Initializing a V1 LLM engine (v0.8.4) with config: model='deepseek-ai/DeepSeek-V2-Lite', max_seq_len=32768, tensor_parallel_size=1")],
    facts: { "vllm.version": "0.8.4", "vllm.engine": "v1", "config.model": "deepseek-ai/DeepSeek-V2-Lite" },
  },
  {
    id: "proc.enginecore_dp",
    log: ["(EngineCore_DP1 pid=612) " + cur("INFO", "gpu_model_runner.py:2392", "Model loading took 61.0044 GiB and 411.502913 seconds")],
    facts: { "memory.modelWeightsGiB": 61.0044, "memory.loadSeconds": 411.502913, "vllm.engine": "v1" },
  },
  {
    id: "proc.enginecore",
    log: ["(EngineCore pid=401) " + cur("INFO", "monitor.py:53", "torch.compile took 3.12 s in total")],
    facts: { "vllm.engine": "v1" },
  },
  {
    id: "proc.apiserver",
    log: ["(APIServer pid=9911) " + cur("INFO", "api_server.py:1805", "vLLM API server version 0.10.2")],
    facts: { "vllm.version": "0.10.2", "vllm.engine": "v1" },
  },
  {
    id: "proc.ansi_cyan",
    log: [`${ESC}[0;36m(EngineCore_DP0 pid=2211)${ESC}[0;0m ` + cur("INFO", "core.py:93", "Initializing a V1 LLM engine (v0.11.2) with config: model='openai/gpt-oss-20b', max_seq_len=65536, tensor_parallel_size=2, seed=0, compilation_config={\"level\":3}")],
    facts: { "vllm.version": "0.11.2", "config.model": "openai/gpt-oss-20b", "config.tensorParallelSize": 2 },
  },
  {
    id: "proc.ray_actor",
    log: ["(RayWorkerWrapper pid=733, ip=10.31.4.22) " + cur("INFO", "parallel_state.py:1004", "rank 11 in world size 12 is assigned as DP rank 0, PP rank 2, TP rank 3")],
    facts: { "distributed.worldSize": 12, "config.executorBackend": "ray" },
  },
  {
    id: "proc.ray_actor DPEngineCoreActor",
    log: ["(DPEngineCoreActor pid=734, ip=10.31.4.23) " + cur("INFO", "kv_cache_utils.py:716", "GPU KV cache size: 2,000,128 tokens")],
    facts: { "kvCache.tokens": 2000128, "config.executorBackend": "ray", "vllm.engine": "v1" },
  },
  {
    id: "proc.ray_dedup",
    log: ["(RayWorkerWrapper pid=1201) " + old("INFO", "model_runner.py:943", "Starting to load model /data/models/Yi-34B... [repeated 7x across cluster]")],
    facts: { "config.model": "/data/models/Yi-34B", "config.executorBackend": "ray" },
  },
  {
    id: "proc.ray_dedup after a number",
    log: ["(RayWorkerWrapper pid=1202) " + cur("INFO", "gpu_worker.py:298", "Available KV cache memory: 17.42 GiB [repeated 3x across cluster]")],
    facts: { "kvCache.availableGiB": 17.42 },
  },
  {
    id: "proc.mp_traceback_header",
    log: [
      "(EngineCore_DP0 pid=4455) Process EngineCore_DP0:",
      "(EngineCore_DP0 pid=4455) Traceback (most recent call last):",
      '(EngineCore_DP0 pid=4455)   File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap',
      "(EngineCore_DP0 pid=4455) ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
    ],
    facts: { "firstError.line": 4 },
    rules: ["vllm/no-kv-cache-memory"],
  },

  // --- banners
  {
    id: "banner.v0_fields",
    log: [old("INFO", "llm_engine.py:176", `Initializing an LLM engine (v0.5.1) with config: ${V0_BANNER_FIELDS}`)],
    facts: { "vllm.version": "0.5.1", "config.tensorParallelSize": 4, "config.pipelineParallelSize": 2, "config.maxModelLen": 16384, "config.seed": 7 },
  },
  {
    id: "banner.v0_fields pre-0.4 without version",
    log: [old("INFO", "llm_engine.py:70", "Initializing an LLM engine with config: model='lmsys/vicuna-7b-v1.5', tokenizer='lmsys/vicuna-7b-v1.5', dtype=torch.float16, max_seq_len=4096, tensor_parallel_size=2, seed=0)")],
    facts: { "vllm.version": null, "config.model": "lmsys/vicuna-7b-v1.5", "config.tensorParallelSize": 2, "config.maxModelLen": 4096 },
  },
  {
    id: "banner.v0_vllmconfig",
    log: [old("INFO", "llm_engine.py:237", "Initializing an LLM engine (v0.6.4.post2.dev364+gea7bd68d1) with config: model='meta-llama/Llama-3.1-70B-Instruct', speculative_config=None, dtype=torch.bfloat16, max_seq_len=65536, tensor_parallel_size=8, pipeline_parallel_size=1, quantization=None, enforce_eager=False, kv_cache_dtype=auto,  device_config=cuda, seed=0, served_model_name=meta-llama/Llama-3.1-70B-Instruct, compilation_config={\"level\":0,\"splitting_ops\":[]}, use_cached_outputs=False, ")],
    facts: {
      "vllm.version": "0.6.4.post2.dev364+gea7bd68d1", "vllm.engine": "v0", "config.model": "meta-llama/Llama-3.1-70B-Instruct", "config.tensorParallelSize": 8,
      "config.maxModelLen": 65536, "config.kvCacheDtype": "auto", "config.dtype": "torch.bfloat16",
    },
  },
  {
    id: "banner.v0_labelled",
    log: [old("INFO", "llm_engine.py:234", "Initializing a V0 LLM engine (v0.7.3) with config: model='/models/glm-4-9b-chat', dtype=torch.bfloat16, max_seq_len=131072, tensor_parallel_size=2, pipeline_parallel_size=1, seed=0, use_cached_outputs=True, ")],
    facts: { "vllm.version": "0.7.3", "vllm.engine": "v0", "config.model": "/models/glm-4-9b-chat", "config.maxModelLen": 131072, "config.tensorParallelSize": 2 },
  },
  {
    id: "banner.v1_unlabelled",
    log: [old("INFO", "core.py:48", "Initializing an LLM engine (v0.6.6) with config: model='deepseek-ai/DeepSeek-R1', dtype=torch.bfloat16, max_seq_len=163840, tensor_parallel_size=8, seed=0, compilation_config={\"level\":3}")],
    facts: { "vllm.version": "0.6.6", "vllm.engine": "v1", "config.model": "deepseek-ai/DeepSeek-R1", "config.maxModelLen": 163840, "config.tensorParallelSize": 8 },
  },
  {
    id: "banner.v1",
    log: ["(EngineCore_DP0 pid=1600) " + cur("INFO", "core.py:77", `Initializing a V1 LLM engine (v0.11.1) with config: ${V1_BANNER_FIELDS}`)],
    facts: {
      "vllm.version": "0.11.1", "vllm.engine": "v1", "config.model": "Qwen/Qwen3-32B", "config.maxModelLen": 40960, "config.tensorParallelSize": 2,
      "config.pipelineParallelSize": 1, "config.dataParallelSize": 3, "config.quantization": "fp8", "config.kvCacheDtype": "fp8_e4m3",
      "config.enforceEager": false, "config.dtype": "torch.bfloat16", "config.servedModelName": "qwen3-32b", "config.seed": 0,
    },
  },
  {
    id: "banner.v1 vdev",
    log: [cur("INFO", "core.py:77", "Initializing a V1 LLM engine (vdev) with config: model='x/y', max_seq_len=2048, tensor_parallel_size=1")],
    facts: { "vllm.version": "dev" },
  },

  // --- version lines
  { id: "version.api_server", log: [old("INFO", "api_server.py:219", "vLLM API server version 0.4.3")], facts: { "vllm.version": "0.4.3" } },
  {
    id: "version.args_namespace",
    log: [old("INFO", "api_server.py:220", "args: Namespace(model_tag='/mnt/llama-405b-fp8', host=None, port=8000, uvicorn_log_level='info', allow_credentials=False, model='/mnt/llama-405b-fp8', tokenizer=None, dtype='auto', max_model_len=32768, tensor_parallel_size=8, pipeline_parallel_size=2, gpu_memory_utilization=0.95, block_size=32, max_num_seqs=128, enforce_eager=False, distributed_executor_backend='ray', quantization='fbgemm_fp8')")],
    facts: {
      "config.model": "/mnt/llama-405b-fp8", "config.maxModelLen": 32768, "config.tensorParallelSize": 8, "config.pipelineParallelSize": 2, "config.gpuMemoryUtilization": 0.95,
      "config.blockSize": 32, "config.maxNumSeqs": 128, "config.executorBackend": "ray", "config.quantization": "fbgemm_fp8",
    },
  },
  {
    id: "version.non_default_args",
    log: [cur("INFO", "cli_args.py:325", "non-default args: {'model': '/models/Qwen3-Coder-30B', 'quantization': 'fp8', 'tensor_parallel_size': 4, 'gpu_memory_utilization': 0.85, 'enable_expert_parallel': True, 'max_num_batched_tokens': 16384}")],
    facts: {
      "config.model": "/models/Qwen3-Coder-30B", "config.quantization": "fp8", "config.tensorParallelSize": 4, "config.gpuMemoryUtilization": 0.85,
      "config.enableExpertParallel": true, "config.maxNumBatchedTokens": 16384,
    },
  },
  {
    id: "version.non_default_args multi-node",
    log: ["(APIServer pid=12) " + cur("INFO", "utils.py:233", "non-default args: {'model_tag': 'm/x', 'model': 'm/x', 'nnodes': 2, 'node_rank': 1, 'master_addr': '10.2.0.1', 'headless': True, 'data_parallel_size': 2}")],
    facts: { "config.nnodes": 2, "config.nodeRank": 1, "config.masterAddr": "10.2.0.1", "config.headless": true, "config.dataParallelSize": 2 },
  },
  {
    id: "version.server_plain",
    log: ["(APIServer pid=1) " + cur("INFO", "utils.py:286", "vLLM server version 0.17.1, serving model google/gemma-3-12b-it")],
    facts: { "vllm.version": "0.17.1", "config.model": "google/gemma-3-12b-it" },
  },
  {
    id: "version.logo",
    log: [
      cur("INFO", "utils.py:306", ""),
      cur("INFO", "utils.py:306", "       █     █     █▄   ▄█"),
      cur("INFO", "utils.py:306", " ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.16.2"),
      cur("INFO", "utils.py:306", "  █▄█▀ █     █     █     █  model   mistralai/Ministral-8B"),
      cur("INFO", "utils.py:306", "   ▀▀  ▀▀▀▀▀ ▀▀▀▀▀ ▀     ▀"),
    ],
    facts: { "vllm.version": "0.16.2", "config.model": "mistralai/Ministral-8B" },
  },
  {
    id: "version.logo coloured",
    log: [
      cur("INFO", "utils.py:306", ` ${ESC}[97;1m▄▄${ESC}[0m ${ESC}[93m▄█ █     █     █ ▀▄▀ █${ESC}[0m  version 0.16.0`),
      cur("INFO", "utils.py:306", `  ${ESC}[97;1m█▄█▀${ESC}[0m ${ESC}[93m█     █     █     █${ESC}[0m  model   Qwen/Qwen3-4B`),
    ],
    facts: { "vllm.version": "0.16.0", "config.model": "Qwen/Qwen3-4B" },
  },
  { id: "startup.max_model_len", log: [cur("INFO", "config.py:1472", "Using max model len 131072")], facts: { "config.maxModelLen": 131072 } },
  { id: "startup.chunked_prefill", log: [cur("INFO", "config.py:2285", "Chunked prefill is enabled with max_num_batched_tokens=2048.")], facts: { "config.maxNumBatchedTokens": 2048 } },
  { id: "startup.executor_default", log: [old("INFO", "config.py:1382", "Defaulting to use mp for distributed inference")], facts: { "config.executorBackend": "mp" } },

  // --- model loading
  { id: "load.start", log: [old("INFO", "model_runner.py:1110", "Starting to load model TinyLlama/TinyLlama-1.1B-Chat-v1.0...")], facts: { "config.model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0" } },
  { id: "load.weights_took_gb", log: [old("INFO", "model_runner.py:1008", "Loading model weights took 14.9888 GB")], facts: { "memory.modelWeightsGiB": 14.9888 } },
  { id: "load.model_loading_took", log: [cur("INFO", "gpu_model_runner.py:1140", "Model loading took 4.5002 GB and 3.210000 seconds")], facts: { "memory.modelWeightsGiB": 4.5002, "memory.loadSeconds": 3.21 } },
  { id: "load.model_loading_took_gib", log: [cur("INFO", "gpu_model_runner.py:1843", "Model loading took 29.5185 GiB and 105.873276 seconds")], facts: { "memory.modelWeightsGiB": 29.5185, "memory.loadSeconds": 105.873276 } },
  { id: "load.model_loading_took_memory", log: [cur("INFO", "gpu_model_runner.py:3451", "Model loading took 9.1 GiB memory and 4.000001 seconds")], facts: { "memory.modelWeightsGiB": 9.1, "memory.loadSeconds": 4.000001 } },
  { id: "load.model_loading_took_memory_s", log: [cur("INFO", "gpu_model_runner.py:4108", "Model loading took 7.5 GiB memory and 12.345678 seconds")], facts: { "memory.modelWeightsGiB": 7.5, "memory.loadSeconds": 12.345678 } },
  {
    id: "load.oom_wrapper",
    log: ["(EngineCore_DP0 pid=90) " + cur("ERROR", "gpu_model_runner.py:3460", "Failed to load model - not enough GPU memory. Try lowering --gpu-memory-utilization to free memory for weights, increasing --tensor-parallel-size, or using --quantization. See https://docs.vllm.ai/ for more tips. (original error: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 0 has a total capacity of 44.42 GiB of which 301.12 MiB is free. Including non-PyTorch memory, this process has 44.11 GiB memory in use.)")],
    facts: { "gpu.memoryGiB": 44.42, "firstError.line": 1 },
    rules: ["vllm/cuda-oom"],
  },

  // --- memory profiling
  {
    id: "mem.profiling_results_v064",
    log: [old("INFO", "worker.py:232", "Memory profiling results: total_gpu_memory=39.39GiB initial_memory_usage=13.73GiB peak_torch_memory=14.96GiB memory_usage_post_profile=13.79Gib non_torch_memory=0.54GiB kv_cache_size=20.94GiB gpu_memory_utilization=0.92")],
    facts: { "memory.totalGpuGiB": 39.39, "memory.nonTorchGiB": 0.54, "kvCache.availableGiB": 20.94, "config.gpuMemoryUtilization": 0.92, "vllm.engine": "v0" },
  },
  {
    id: "mem.profiling_v0_multiline",
    log: [
      old("INFO", "worker.py:266", "Memory profiling takes 2.07 seconds"),
      old("INFO", "worker.py:266", "the current vLLM instance can use total_gpu_memory (23.64GiB) x gpu_memory_utilization (0.90) = 21.28GiB"),
      old("INFO", "worker.py:266", "model weights take 13.49GiB; non_torch_memory takes 0.12GiB; PyTorch activation peak memory takes 1.23GiB; the rest of the memory reserved for KV Cache is 6.44GiB."),
    ],
    facts: {
      "memory.totalGpuGiB": 23.64, "config.gpuMemoryUtilization": 0.9, "memory.modelWeightsGiB": 13.49, "memory.nonTorchGiB": 0.12,
      "memory.peakActivationGiB": 1.23, "kvCache.availableGiB": 6.44, "vllm.engine": "v0",
    },
  },
  {
    id: "mem.profiling_v0_multiline negative rest",
    log: [old("INFO", "worker.py:266", "model weights take 22.50GiB; non_torch_memory takes 0.20GiB; PyTorch activation peak memory takes 1.10GiB; the rest of the memory reserved for KV Cache is -2.30GiB.")],
    facts: { "kvCache.availableGiB": -2.3, "memory.modelWeightsGiB": 22.5 },
  },
  {
    id: "mem.profile_repr_v1",
    log: [cur("DEBUG", "gpu_worker.py:225", "Memory profiling takes 4.02 seconds. Total non KV cache memory: 8.15GiB; torch peak memory increase: 0.97GiB; non-torch forward increase memory: 0.06GiB; weights memory: 7.12GiB.")],
    facts: { "memory.peakActivationGiB": 0.97, "memory.nonTorchGiB": 0.06, "memory.modelWeightsGiB": 7.12 },
  },
  { id: "mem.available_kv", log: ["(EngineCore_DP0 pid=77) " + cur("INFO", "gpu_worker.py:298", "Available KV cache memory: 12.00 GiB")], facts: { "kvCache.availableGiB": 12 } },
  { id: "mem.available_kv_s", log: ["(EngineCore pid=77) " + cur("INFO", "gpu_worker.py:463", "Available KV cache memory: 7.0 GiB")], facts: { "kvCache.availableGiB": 7 } },
  { id: "mem.available_kv_s %f build", log: [cur("INFO", "gpu_worker.py:463", "Available KV cache memory: 31.200000 GiB")], facts: { "kvCache.availableGiB": 31.2 } },
  {
    id: "mem.kv_cache_memory_bytes",
    log: ["(EngineCore pid=316) " + cur("INFO", "gpu_worker.py:492", "Initial free memory 70.02 GiB, reserved 12.5 GiB memory for KV Cache as specified by kv_cache_memory_bytes config and skipped memory profiling. This does not respect the gpu_memory_utilization config. Only use kv_cache_memory_bytes config when you want manual control of KV cache memory size.")],
    facts: { "kvCache.availableGiB": 12.5 },
  },
  {
    id: "mem.cg_profiling_note",
    log: ["(EngineCore pid=12) " + cur("INFO", "gpu_worker.py:477", "CUDA graph memory profiling is enabled (default since v0.21.0). The current --gpu-memory-utilization=0.8500 is equivalent to --gpu-memory-utilization=0.8312 without CUDA graph memory profiling. To maintain the same effective KV cache size as before, increase --gpu-memory-utilization to 0.8688.")],
    facts: { "config.gpuMemoryUtilization": 0.85 },
  },

  // --- KV cache capacity
  { id: "kv.v0_blocks", log: [old("INFO", "distributed_gpu_executor.py:57", "# GPU blocks: 27095, # CPU blocks: 2048")], facts: { "kvCache.gpuBlocks": 27095, "kvCache.cpuBlocks": 2048, "vllm.engine": "v0" } },
  { id: "kv.v0_blocks_dispatch", log: [old("INFO", "executor_base.py:108", "# CUDA blocks: 8321, # CPU blocks: 4681")], facts: { "kvCache.gpuBlocks": 8321, "kvCache.cpuBlocks": 4681, "vllm.engine": "v0" } },
  { id: "kv.v0_blocks_dispatch lower-case", log: [old("INFO", "executor_base.py:111", "# cuda blocks: 7191, # CPU blocks: 512")], facts: { "kvCache.gpuBlocks": 7191, "kvCache.cpuBlocks": 512 } },
  { id: "kv.v1_blocks", log: [old("INFO", "kv_cache_utils.py:395", "# GPU blocks: 41234")], facts: { "kvCache.gpuBlocks": 41234, "vllm.engine": "v1" } },
  {
    id: "kv.v0_concurrency",
    log: [old("INFO", "executor_base.py:113", "Maximum concurrency for 8192 tokens per request: 31.25x")],
    facts: { "kvCache.tokensPerRequest": 8192, "kvCache.maxConcurrency": 31.25, "config.maxModelLen": null },
  },
  { id: "kv.v1_concurrency_plain", log: [old("INFO", "kv_cache_utils.py:398", "Maximum concurrency for 16384 tokens per request: 2.50x")], facts: { "kvCache.tokensPerRequest": 16384, "kvCache.maxConcurrency": 2.5 } },
  { id: "kv.v1_size_tokens", log: [cur("INFO", "kv_cache_utils.py:775", "GPU KV cache size: 1,310,720 tokens")], facts: { "kvCache.tokens": 1310720, "vllm.engine": "v1" } },
  { id: "kv.v1_size_tokens small", log: [cur("INFO", "kv_cache_utils.py:775", "GPU KV cache size: 912 tokens")], facts: { "kvCache.tokens": 912 } },
  { id: "kv.v1_concurrency", log: [cur("INFO", "kv_cache_utils.py:779", "Maximum concurrency for 262,144 tokens per request: 2.38x")], facts: { "kvCache.tokensPerRequest": 262144, "kvCache.maxConcurrency": 2.38 } },
  { id: "kv.override_blocks", log: [cur("INFO", "kv_cache_utils.py:1012", "Overriding num_gpu_blocks=38017 with num_gpu_blocks_override=256")], facts: { "kvCache.gpuBlocks": 256 } },
  {
    id: "§5 num_gpu_blocks debug",
    log: [cur("INFO", "kv_cache_utils.py:786", "Engine 000: vllm cache_config_info with initialization after num_gpu_blocks is: 5861")],
    facts: { "kvCache.gpuBlocks": 5861 },
  },

  // --- CUDA graphs and the end of initialisation
  { id: "cg.finished", log: ["(EngineCore_DP0 pid=497) " + cur("INFO", "gpu_model_runner.py:3118", "Graph capturing finished in 31 secs, took 1.25 GiB")], facts: { "memory.cudaGraphGiB": 1.25 } },
  { id: "cg.finished_v0", log: [old("INFO", "model_runner.py:1080", "Graph capturing finished in 5 secs.")], facts: { "memory.cudaGraphGiB": null } },
  { id: "init.engine_took", log: [cur("INFO", "core.py:160", "init engine (profile, create kv cache, warmup model) took 58.04 seconds")], facts: { "memory.initEngineSeconds": 58.04 } },
  { id: "init.engine_took_s", log: ["(EngineCore pid=12) " + cur("INFO", "core.py:300", "init engine (profile, create kv cache, warmup model) took 39.5 s (compilation: 20.01 s)")], facts: { "memory.initEngineSeconds": 39.5 } },
  {
    id: "init.engine_took_s encoder em dash",
    log: [cur("INFO", "core.py:300", "init engine (profile, create kv cache, warmup model) took 61.00 s (compilation: 30.00 s — language_model: 20.00 s, encoder: 10.00 s)")],
    facts: { "memory.initEngineSeconds": 61 },
  },

  // --- distributed
  {
    id: "dist.init_env",
    log: [old("DEBUG", "parallel_state.py:88", "world_size=4 rank=0 local_rank=0 distributed_init_method=tcp://10.20.30.40:41233 backend=nccl")],
    facts: { "distributed.worldSize": 4, "distributed.backend": "nccl", "distributed.hostIp": "10.20.30.40" },
  },
  {
    id: "dist.init_env v0.4.1 f-string",
    log: [old("DEBUG", "parallel_state.py:88", "world_size=2 rank=1 local_rank=1 distributed_init_method='tcp://192.168.3.7:29500' backend='nccl'")],
    facts: { "distributed.worldSize": 2, "distributed.backend": "nccl", "distributed.hostIp": "192.168.3.7" },
  },
  {
    id: "dist.init_env INFO era",
    log: ["(Worker_TP0 pid=55) " + cur("INFO", "parallel_state.py:1165", "world_size=16 rank=8 local_rank=0 distributed_init_method=tcp://10.0.8.2:29501 backend=nccl")],
    facts: { "distributed.worldSize": 16, "distributed.hostIp": "10.0.8.2" },
  },
  { id: "dist.dp_adjust", log: [cur("INFO", "parallel_state.py:855", "Adjusting world_size=6 rank=4 distributed_init_method=tcp://127.0.0.1:29550 for DP")], facts: { "distributed.worldSize": 6 } },
  { id: "dist.rank_assignment", log: ["(Worker_TP1 pid=5123) " + cur("INFO", "parallel_state.py:1208", "rank 1 in world size 8 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 1, EP rank N/A")], facts: { "distributed.worldSize": 8 } },
  { id: "dist.nccl_version", log: [old("INFO", "pynccl.py:63", "vLLM is using nccl==2.20.5")], facts: { "nccl.version": "2.20.5" } },
  {
    id: "dist.nccl_load_failed",
    log: [cur("INFO", "api_server.py:1805", "vLLM API server version 0.9.0"), cur("ERROR", "pynccl_wrapper.py:340", "Failed to load NCCL library from libnccl.so.2. It is expected if you are not running on NVIDIA/AMD GPUs.Otherwise, the nccl library might not exist, be corrupted or it does not support the current platform Linux.")],
    facts: { "firstError.line": 2 },
  },
  {
    id: "dist.nccl_error",
    log: ['  File "/opt/vllm/vllm/distributed/device_communicators/pynccl_wrapper.py", line 277, in NCCL_CHECK', "    raise RuntimeError(f\"NCCL error: {error_str}\")", "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)"],
    facts: { "firstError.line": 3 },
    rules: ["nccl/system-error"],
  },
  {
    id: "dist.car_unsupported_ws",
    log: [old("WARNING", "custom_all_reduce.py:118", "Custom allreduce is disabled due to an unsupported world size: 3. Supported world sizes: [2, 4, 6, 8]. To silence this warning, specify disable_custom_all_reduce=True explicitly.")],
    events: [{ kind: "vllm.message", id: "customAllReduce.disabled", facts: { reason: "due to an unsupported world size: 3. Supported world sizes: [2, 4, 6, 8]" } }],
    facts: { "firstError": null },
  },
  {
    id: "dist.car_pcie",
    log: ["(VllmWorkerProcess pid=3812) " + old("WARNING", "custom_all_reduce.py:127", "Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.")],
    events: [{ kind: "vllm.message", id: "customAllReduce.disabled", facts: { reason: "because it's not supported on more than two PCIe-only GPUs" } }],
    rules: ["vllm/custom-allreduce-disabled"],
  },
  {
    id: "dist.car_p2p",
    log: [old("WARNING", "custom_all_reduce.py:134", "Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed. To silence this warning, specify disable_custom_all_reduce=True explicitly.")],
    events: [{ kind: "vllm.message", id: "customAllReduce.disabled", facts: { reason: "because your platform lacks GPU P2P capability or P2P test failed" } }],
    rules: ["vllm/custom-allreduce-disabled"],
  },
  {
    id: "dist.car_multinode",
    log: ["(RayWorkerWrapper pid=581, ip=10.225.128.19) " + old("WARNING", "custom_all_reduce.py:95", "Custom allreduce is disabled because this process group spans across nodes.")],
    events: [{ kind: "vllm.message", id: "customAllReduce.disabled", facts: { reason: "because this process group spans across nodes" } }],
  },
  {
    id: "dist.car_nolib",
    log: [cur("INFO", "custom_all_reduce.py:75", "Custom allreduce is disabled because of missing custom allreduce library")],
    events: [{ kind: "vllm.message", id: "customAllReduce.disabled", facts: { reason: "because of missing custom allreduce library" } }],
  },
  {
    id: "dist.car_config",
    log: [old("INFO", "config.py:654", "Disabled the custom all-reduce kernel because it is not supported with pipeline parallelism.")],
    events: [{ kind: "vllm.message", id: "customAllReduce.disabled", facts: { reason: "because it is not supported with pipeline parallelism" } }],
  },
  {
    id: "dist.unique_ip",
    log: ["RuntimeError: Every node should have a unique IP address. Got 2 nodes with node ids ['c3a1', 'd4b2'] and 1 unique IP addresses ['10.9.0.5']. Please check your network configuration. If you set `VLLM_HOST_IP` environment variable, make sure it is unique for each node."],
    facts: { "firstError.line": 1 },
  },
  {
    id: "dist.tp_gt_local_gpus_v0",
    log: ["RuntimeError: please set tensor_parallel_size (4) to less than max local gpu count (2)"],
    facts: { "firstError.line": 1, "config.tensorParallelSize": 4, "gpu.count": 2 },
  },
  {
    id: "dist.world_gt_gpus",
    log: ["ValueError: World size (16) is larger than the number of available GPUs (8) in this node. If this is intentional and you are using:", "- ray, set '--distributed-executor-backend ray'.", "- multiprocessing, set '--nnodes' appropriately."],
    facts: { "firstError.line": 1, "distributed.worldSize": 16, "gpu.count": 8 },
  },
  {
    id: "dist.worker_died_v0",
    log: [old("ERROR", "multiproc_worker_utils.py:120", "Worker VllmWorkerProcess pid 3812 died, exit code: -9"), old("INFO", "multiproc_worker_utils.py:123", "Killing local vLLM worker processes")],
    facts: { "firstError.line": 1, "config.executorBackend": "mp" },
  },
  {
    id: "dist.worker_proc_died",
    log: ["(EngineCore_DP0 pid=1) " + cur("ERROR", "multiproc_executor.py:154", "Worker proc VllmWorker-1 died unexpectedly, shutting down executor.")],
    facts: { "firstError.line": 1, "config.executorBackend": "mp" },
  },
  {
    id: "dist.mp_fatal_signal",
    log: [cur("INFO", "core.py:55", "x"), cur("CRITICAL", "multiproc_executor.py:48", "MulitprocExecutor got fatal signal from worker processes, shutting down. See stack trace above for root cause issue.")],
    facts: { "firstError.line": 2 },
  },
  {
    id: "dist.headless_executor",
    log: [cur("INFO", "serve.py:187", "Launching vLLM (v0.12.0) headless multiproc executor, with head node address 10.4.0.1:29501 for torch.distributed process group.")],
    facts: { "vllm.version": "0.12.0", "config.headless": true, "config.masterAddr": "10.4.0.1" },
  },
  {
    id: "dist.headless_dp",
    log: [cur("INFO", "serve.py:120", "Launching 4 data parallel engine(s) in headless mode, with head node address tcp://10.99.48.128:13345.")],
    facts: { "config.headless": true },
  },
  {
    id: "dist.dp_leader",
    log: ["(EngineCore pid=9) " + cur("INFO", "multiproc_executor.py:140", "DP group leader: node_rank=1, node_rank_within_dp=0, master_addr=10.8.1.1, mq_connect_ip=10.8.1.2 (local), world_size=16, local_world_size=8")],
    facts: { "config.nodeRank": 1, "config.masterAddr": "10.8.1.1", "distributed.worldSize": 16 },
  },
  {
    id: "dist.shm_block",
    log: ["(EngineCore_DP0 pid=1) " + cur("WARNING", "shm_broadcast.py:466", "No available shared memory broadcast block found in 60 seconds. This typically happens when some processes are hanging or doing some time-consuming work (e.g. compilation, weight/kv cache quantization).")],
    facts: { "firstError": null, "firstWarning.line": 1 },
  },

  // --- Ray
  {
    id: "ray.pg_wait",
    log: [old("INFO", "ray_utils.py:200", "Waiting for creating a placement group of specs for 30 seconds. specs=[{'GPU': 1.0, 'node:10.0.0.5': 0.001}, {'GPU': 1.0}]. Check `ray status` and `ray list nodes` to see if you have enough resources.")],
    facts: { "config.executorBackend": "ray" },
    rules: ["vllm/ray-insufficient-resources"],
  },
  {
    id: "ray.pg_timeout",
    log: ["ValueError: Cannot provide a placement group of placement_group_specs=[{'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}] within 1800 seconds. See `ray status` and `ray list nodes` to make sure the cluster has enough resources."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/ray-insufficient-resources"],
  },
  {
    id: "ray.pg_timeout requiring N GPUs",
    log: ["ValueError: Cannot provide a placement group requiring 16 GPUs (placement_group_specs=[{'GPU': 1.0}]) within 1800 seconds.", "Tensor parallel size may exceed available GPUs in your cluster. Check resources with `ray status` and `ray list nodes`."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/ray-insufficient-resources"],
  },
  {
    id: "ray.gpus_exceed_v0",
    log: ["ValueError: The number of required GPUs exceeds the total number of available GPUs in the cluster."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/ray-insufficient-resources"],
  },
  { id: "ray.pg_new", log: [cur("INFO", "ray_utils.py:287", "No current placement group found. Creating a new placement group.")], facts: { "config.executorBackend": "ray" } },
  {
    id: "ray.no_gpu_on_driver",
    log: ["ValueError: Current node has no GPU available. current_node_resource={'CPU': 16.0, 'memory': 1.0}. vLLM engine cannot start without GPU. Make sure you have at least 1 GPU available in a node current_node_id='7af1' current_ip='10.0.0.9'."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/ray-insufficient-resources"],
  },
  {
    id: "ray.tp_spread",
    log: [old("WARNING", "ray_utils.py:130", "tensor_parallel_size=8 is bigger than a reserved number of GPUs (4 GPUs) in a node 3f2a9c. Tensor parallel workers can be spread out to 2+ nodes which can degrade the performance unless you have fast interconnect across nodes, like Infiniband.")],
    facts: { "config.tensorParallelSize": 8, "config.executorBackend": "ray" },
  },
  {
    id: "ray.tp_exceeds_local",
    log: [cur("WARNING", "ray_utils.py:557", "Tensor parallel size (16) exceeds available GPUs (8). This may result in Ray placement group allocation failures.")],
    facts: { "config.tensorParallelSize": 16, "gpu.count": 8, "config.executorBackend": "ray" },
  },
  {
    id: "ray.exec_method_error",
    log: ["(RayWorkerWrapper pid=20770) " + old("ERROR", "worker_base.py:145", "Error executing method initialize_cache. This might cause deadlock in distributed execution.")],
    facts: { "firstError.line": 1, "config.executorBackend": "ray" },
  },
  {
    id: "ray.worker_died",
    log: ["ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task. Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file."],
    facts: { "firstError.line": 1 },
  },

  // --- errors
  {
    id: "err.torch_oom",
    log: ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB. GPU 3 has a total capacity of 79.10 GiB of which 1.20 GiB is free. Process 4242 has 77.9 GiB memory in use."],
    facts: { "gpu.memoryGiB": 79.1, "firstError.line": 1 },
    rules: ["vllm/cuda-oom"],
  },
  {
    id: "err.torch_oom older torch",
    log: ["torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 23.65 GiB total capacity; 22.91 GiB already allocated; 3.06 MiB free; 23.01 GiB reserved in total by PyTorch)"],
    facts: { "gpu.memoryGiB": 23.65, "firstError.line": 1 },
    rules: ["vllm/cuda-oom"],
  },
  {
    id: "err.oom_sampler",
    log: ["RuntimeError: CUDA out of memory occurred when warming up sampler with 256 dummy requests. Please try lowering `max_num_seqs` or `gpu_memory_utilization` when initializing the engine."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/cuda-oom"],
  },
  {
    id: "err.no_cache_blocks",
    log: ["ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine. See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more details."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/no-kv-cache-memory"],
  },
  {
    id: "err.max_seq_len_v0",
    log: ["ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (55968). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."],
    facts: { "config.maxModelLen": 131072, "kvCache.maxTokensStorable": 55968, "firstError.line": 1 },
    rules: ["vllm/kv-cache-too-small"],
  },
  {
    id: "err.kv_insufficient_v1",
    log: ["ValueError: To serve at least one request with the models's max seq len (262144), (24.0 GiB KV cache is needed, which is larger than the available KV cache memory (9.26 GiB). Based on the available memory, the estimated maximum model length is 101024. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."],
    facts: { "config.maxModelLen": 262144, "kvCache.neededGiB": 24, "kvCache.availableGiB": 9.26, "firstError.line": 1 },
    rules: ["vllm/kv-cache-too-small"],
  },
  {
    id: "err.kv_insufficient_v1 GB era",
    log: ["ValueError: To serve at least one request with the models's max seq len (32768), (4.00 GB KV cache is needed, which is larger than the available KV cache memory (2.10 GB). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."],
    facts: { "config.maxModelLen": 32768, "kvCache.neededGiB": 4, "kvCache.availableGiB": 2.1 },
    rules: ["vllm/kv-cache-too-small"],
  },
  {
    id: "err.kv_insufficient_v1 model's",
    log: ["ValueError: To serve at least one request with the model's max seq len (65536), (8.5 GiB KV cache is needed, which is larger than the available KV cache memory (4.26 GiB). Based on the available memory, the estimated maximum model length is 32800."],
    facts: { "config.maxModelLen": 65536, "kvCache.neededGiB": 8.5, "kvCache.availableGiB": 4.26 },
    rules: ["vllm/kv-cache-too-small"],
  },
  {
    id: "err.max_model_len_too_big",
    log: ["ValueError: User-specified max_model_len (65536) is greater than the derived max_model_len (max_position_embeddings=32768 or model_max_length=None in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1."],
    facts: { "config.maxModelLen": 65536, "firstError.line": 1 },
  },
  {
    id: "err.heads_divisible",
    log: ["ValueError: Total number of attention heads (28) must be divisible by tensor parallel size (3)."],
    facts: { "config.tensorParallelSize": 3, "firstError.line": 1 },
    rules: ["vllm/tp-not-divisible"],
  },
  {
    id: "err.layers_divisible_pp",
    log: ["ValueError: Total number of hidden layers (62) must be divisible by pipeline parallel size (4)."],
    facts: { "config.pipelineParallelSize": 4, "firstError.line": 1 },
  },
  {
    id: "err.bf16_capability",
    log: ["ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Quadro RTX 6000 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for example: --dtype=half."],
    facts: { "gpu.name": "Quadro RTX 6000", "firstError.line": 1 },
  },
  {
    id: "err.quant_capability",
    log: ["ValueError: The quantization method fp8 is not supported for the current GPU. Minimum capability: 89. Current capability: 86."],
    facts: { "config.quantization": "fp8", "firstError.line": 1 },
  },
  {
    id: "err.quant_dtype",
    log: ["ValueError: torch.bfloat16 is not supported for quantization method gptq. Supported dtypes: [torch.float16]"],
    facts: { "config.quantization": "gptq", "config.dtype": "torch.bfloat16", "firstError.line": 1 },
  },
  {
    id: "err.quant_mismatch",
    log: ["ValueError: Quantization method specified in the model config (gptq) does not match the quantization method specified in the `quantization` argument (awq)."],
    facts: { "firstError.line": 1 },
  },
  { id: "warn.dtype_cast", log: [old("WARNING", "config.py:1200", "Casting torch.bfloat16 to torch.float16.")], facts: { "config.dtype": "torch.float16", "firstError": null } },
  {
    id: "err.engine_init_failed",
    log: ["(APIServer pid=88) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {'EngineCore_DP0': 1}"],
    facts: { "firstError.line": 1 },
    rules: ["vllm/engine-init-failed"],
  },
  {
    id: "err.enginecore_failed_start",
    log: ["(EngineCore_DP0 pid=2211) " + cur("ERROR", "core.py:708", "EngineCore failed to start.")],
    facts: { "firstError.line": 1 },
    rules: ["vllm/engine-init-failed"],
  },
  { id: "err.enginecore_hit_exception", log: [old("ERROR", "core.py:337", "EngineCore hit an exception: Traceback (most recent call last):")], facts: { "firstError.line": 1 } },
  { id: "err.engine_dead", log: ["vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause."], facts: { "firstError.line": 1, "vllm.engine": "v1" } },
  { id: "err.engine_proc_died", log: ["(APIServer pid=1) " + cur("ERROR", "core_client.py:564", "Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.")], facts: { "firstError.line": 1 } },
  { id: "err.output_handler", log: ["(APIServer pid=1) " + cur("ERROR", "async_llm.py:480", "AsyncLLM output_handler failed.")], facts: { "firstError.line": 1 } },
  {
    id: "err.workerproc_init",
    log: ["(EngineCore_DP0 pid=269) " + cur("ERROR", "core.py:1006", "Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.")],
    facts: { "firstError.line": 1 },
    rules: ["vllm/engine-init-failed"],
  },
  { id: "err.rpc_timeout", log: ["TimeoutError: RPC call to execute_model timed out."], facts: { "firstError.line": 1 } },
  { id: "err.worker_failed_error", log: ["RuntimeError: Worker failed with error 'CUDA error: an illegal memory access was encountered', please check the stack trace above for the root cause"], facts: { "firstError.line": 1 } },
  { id: "err.engine_ready_timeout", log: ["TimeoutError: Timed out waiting for engines to sendinitial message on input socket."], facts: { "firstError.line": 1 } },
  { id: "err.v0_rpc_timeout", log: ["TimeoutError: MQLLMEngine didn't reply within 10000 ms"], facts: { "firstError.line": 1, "vllm.engine": "v0" } },
  { id: "err.v0_engine_failed", log: ["RuntimeError: Engine process failed to start. See stack trace for the root cause."], facts: { "firstError.line": 1 }, rules: ["vllm/engine-init-failed"] },
  { id: "err.v0_background_loop", log: ["vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop has errored already."], facts: { "firstError.line": 1, "vllm.engine": "v0" } },
  { id: "err.model_arch", log: ["ValueError: Model architectures ['FooForCausalLM'] failed to be inspected. Please check the logs for more details."], facts: { "firstError.line": 1 } },
  {
    id: "err.pydantic_value_error",
    log: ["pydantic_core._pydantic_core.ValidationError: 1 validation error for ParallelConfig", "  Value error, Total number of attention heads (32) must be divisible by tensor parallel size (6). [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]"],
    facts: { "config.tensorParallelSize": 6, "firstError.line": 1 },
    rules: ["vllm/tp-not-divisible"],
  },

  // --- server
  { id: "srv.uvicorn_running", log: ["INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"], facts: { "server.ready": true, "server.readyLine.line": 1 } },
  {
    id: "srv.uvicorn_lifecycle",
    log: ["(APIServer pid=1) INFO:     Started server process [1]", "(APIServer pid=1) INFO:     Waiting for application startup.", "(APIServer pid=1) INFO:     Application startup complete."],
    facts: { "server.ready": true, "server.readyLine.line": 3 },
  },
  { id: "srv.starting_api_server", log: [cur("INFO", "api_server.py:1024", "Starting vLLM API server on http://0.0.0.0:8080")], facts: { "server.ready": true } },
  { id: "srv.starting_api_server_n", log: ["(APIServer pid=8707) " + cur("INFO", "api_server.py:1857", "Starting vLLM API server 0 on http://[::]:8000")], facts: { "server.ready": true } },
  { id: "srv.starting_server", log: ["(APIServer pid=1) " + cur("INFO", "api_server.py:603", "Starting vLLM server on http://0.0.0.0:8000")], facts: { "server.ready": true } },

  // --- metrics
  {
    id: "metrics.v0",
    log: [old("INFO", "metrics.py:229", "Avg prompt throughput: 310.5 tokens/s, Avg generation throughput: 45.0 tokens/s, Running: 4 reqs, Swapped: 0 reqs, Pending: 2 reqs, GPU KV cache usage: 12.5%, CPU KV cache usage: 0.0%.")],
    events: [{ kind: "vllm.metrics", count: 1, peakKvUsagePct: 12.5, peakRunning: 4, peakWaiting: 2 }],
  },
  {
    id: "metrics.v1_early",
    log: [old("INFO", "loggers.py:72", "Avg prompt throughput: 88.1 tokens/s, Avg generation throughput: 17.3 tokens/s, Running: 2 reqs, Waiting: 1 reqs GPU KV cache usage: 3.4%.")],
    events: [{ kind: "vllm.metrics", count: 1, peakKvUsagePct: 3.4, peakRunning: 2, peakWaiting: 1 }],
  },
  {
    id: "metrics.v1",
    log: [
      cur("INFO", "loggers.py:118", "Engine 000: Avg prompt throughput: 1523.4 tokens/s, Avg generation throughput: 320.7 tokens/s, Running: 12 reqs, Waiting: 0 reqs, GPU KV cache usage: 8.3%, Prefix cache hit rate: 41.2%"),
      cur("INFO", "loggers.py:118", "Engine 001: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 410.0 tokens/s, Running: 30 reqs, Waiting: 5 reqs, Preemptions: 2, GPU KV cache usage: 97.1%, Prefix cache hit rate: 0.0%"),
      cur("INFO", "loggers.py:248", "2 Engines Aggregated: Avg prompt throughput: 10.0 tokens/s, Avg generation throughput: 10.0 tokens/s, Running: 42 reqs, Waiting: 5 reqs, GPU KV cache usage: 52.7%, Prefix cache hit rate: 20.6%"),
    ],
    events: [{ kind: "vllm.metrics", count: 3, peakKvUsagePct: 97.1, peakRunning: 42, peakWaiting: 5 }],
  },

  // --- outer prefixes
  {
    id: "proc.torch_rank",
    log: ["[rank0]: Traceback (most recent call last):", '[rank0]:   File "/workspace/run.py", line 10, in <module>', "[rank0]: ValueError: Total number of attention heads (40) must be divisible by tensor parallel size (6)."],
    facts: { "firstError.line": 3, "config.tensorParallelSize": 6 },
    rules: ["vllm/tp-not-divisible"],
  },
  {
    id: "prefix.external docker timestamp",
    log: ["2026-03-11T17:57:32.372145579Z (EngineCore_DP0 pid=269) " + cur("ERROR", "core.py:1006", "Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.")],
    facts: { "firstError.line": 1 },
    rules: ["vllm/engine-init-failed"],
  },
  {
    id: "prefix.external journald",
    log: ["Aug 19 18:34:30 gpu-07 vllm[8707]: (APIServer pid=8707) " + cur("INFO", "api_server.py:1805", "vLLM API server version 0.10.1.1")],
    facts: { "vllm.version": "0.10.1.1", "vllm.engine": "v1" },
  },
  {
    id: "prefix.external kubectl --timestamps",
    log: ["2025-08-02T10:00:01.123456789Z " + cur("INFO", "kv_cache_utils.py:775", "GPU KV cache size: 77,056 tokens")],
    facts: { "kvCache.tokens": 77056 },
  },
  {
    id: "prefix.external kubectl --prefix",
    log: ["[pod/vllm-0/vllm] " + cur("INFO", "kv_cache_utils.py:779", "Maximum concurrency for 4,096 tokens per request: 18.81x")],
    facts: { "kvCache.tokensPerRequest": 4096, "kvCache.maxConcurrency": 18.81 },
  },
  {
    id: "prefix.external CRI",
    log: ["2025-07-29T12:19:19.333962774+07:00 stdout F " + cur("INFO", "gpu_worker.py:298", "Available KV cache memory: 21.20 GiB")],
    facts: { "kvCache.availableGiB": 21.2 },
  },
  {
    id: "prefix.external docker compose",
    log: ["vllm-1  | " + old("INFO", "model_runner.py:1008", "Loading model weights took 5.3 GB")],
    facts: { "memory.modelWeightsGiB": 5.3 },
  },
  {
    id: "sched.v0_preempted",
    log: [old("WARNING", "scheduler.py:1057", "Sequence group 12 is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space. This can affect the end-to-end performance. Increase gpu_memory_utilization or tensor_parallel_size to provide more KV cache memory. total_num_cumulative_preemption=51")],
    facts: { "firstError": null, "firstWarning.line": 1 },
  },
  // --- variants the notes mention
  {
    id: "proc.ray_actor other classes",
    log: [
      "(EngineCoreActor pid=12, ip=10.0.0.3) " + cur("INFO", "gpu_worker.py:298", "Available KV cache memory: 5.5 GiB"),
      "(RayWorkerProc pid=13) " + cur("INFO", "kv_cache_utils.py:775", "GPU KV cache size: 45,000 tokens"),
      "(pid=14) " + cur("INFO", "kv_cache_utils.py:779", "Maximum concurrency for 8,192 tokens per request: 5.49x"),
    ],
    facts: { "kvCache.availableGiB": 5.5, "kvCache.tokens": 45000, "kvCache.maxConcurrency": 5.49, "config.executorBackend": "ray", "vllm.engine": "v1" },
  },
  {
    id: "proc.mp_traceback_header SpawnProcess",
    log: ["(VllmWorker rank=0 pid=301) Process SpawnProcess-1:5:", "(VllmWorker rank=0 pid=301) Traceback (most recent call last):", "(VllmWorker rank=0 pid=301) RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)"],
    facts: { "firstError.line": 3 },
    rules: ["nccl/cuda-error"],
  },
  {
    id: "err.no_cache_blocks CPU backend",
    log: ["ValueError: No available memory for the cache blocks. Try increasing `VLLM_CPU_KVCACHE_SPACE` when initializing the engine."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/no-kv-cache-memory"],
  },
  {
    id: "err.oom_sampler pooler",
    log: ["RuntimeError: CUDA out of memory occurred when warming up pooler with 512 dummy requests. Please try lowering `max_num_seqs` or `gpu_memory_utilization` when initializing the engine."],
    facts: { "firstError.line": 1 },
    rules: ["vllm/cuda-oom"],
  },
  {
    id: "err.engine_ready_timeout 2026 wording",
    log: ["TimeoutError: Timed out waiting for engine core processes to start. This is often caused by slow weight loading for large models. Waited 600s (configured by VLLM_ENGINE_READY_TIMEOUT_S)."],
    facts: { "firstError.line": 1 },
  },
  {
    id: "err.bf16_capability without a capability",
    log: ["ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your NVIDIA A10G GPU does not have a compute capability. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half."],
    facts: { "gpu.name": "NVIDIA A10G", "firstError.line": 1 },
  },
  {
    id: "metrics.v1 v0.11.1+ parts",
    log: [cur("INFO", "loggers.py:127", "Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 88.0 tokens/s, Running: 7 reqs, Waiting: 3 reqs, Deferred: 1 reqs, Preemptions: 4, GPU KV cache usage: 66.6%, Prefix cache hit rate: 12.0%, Corrupted: 0 reqs, External prefix cache hit rate: 0.0%, MM cache hit rate: 0.0%")],
    events: [{ kind: "vllm.metrics", count: 1, peakKvUsagePct: 66.6, peakRunning: 7, peakWaiting: 3 }],
  },
  {
    id: "metrics.v0 v0.4.0 without final dot, prefix cache line",
    log: [
      old("INFO", "metrics.py:218", "Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 9.9 tokens/s, Running: 1 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 0.4%, CPU KV cache usage: 0.0%"),
      old("INFO", "metrics.py:351", "Prefix cache hit rate: GPU: 50.00%, CPU: 0.00%"),
    ],
    events: [{ kind: "vllm.metrics", count: 1, peakKvUsagePct: 0.4 }],
  },

  // --- shapes of vllm-log-formats.md §3–§10 without a patterns entry
  { id: "§3 NGC container banner", log: ["vLLM Version 0.8.5"], facts: { "vllm.version": "0.8.5" } },
  {
    id: "§4 V1 debug requested memory",
    log: [cur("DEBUG", "gpu_worker.py:250", "Initial free memory: 78.50 GiB; Requested memory: 0.920000 (util), 72.22 GiB")],
    facts: { "config.gpuMemoryUtilization": 0.92 },
  },
  {
    id: "§4 memory profiling assertion",
    log: ["AssertionError: Error in memory profiling. Initial free memory 40.1 GiB, current free memory 41.3 GiB. This happens when other processes sharing the same container release GPU memory while vLLM is profiling during initialization."],
    facts: { "firstError.line": 1 },
  },
  {
    id: "§7.2 exception in worker",
    log: [old("ERROR", "multiproc_worker_utils.py:233", "Exception in worker VllmWorkerProcess while processing method init_device.")],
    facts: { "firstError.line": 1, "config.executorBackend": "mp" },
  },
  { id: "§7.2 WorkerProc failed to start", log: ["RuntimeError: WorkerProc failed to start."], facts: { "firstError.line": 1 } },
  { id: "§7.3 inferred DP rank", log: [cur("INFO", "serve.py:152", "Inferred data_parallel_rank 2 from node_rank 1 for external lb")], facts: { "config.nodeRank": 1 } },
  {
    id: "§7.6 placement-group warning",
    log: [old("WARNING", "ray_utils.py:170", "The number of required GPUs exceeds the total number of available GPUs in the placement group.")],
    facts: { "firstError": null },
    rules: ["vllm/ray-insufficient-resources"],
  },
  { id: "§7.6 driver_ip", log: [old("INFO", "ray_gpu_executor.py:118", "driver_ip: 10.8.0.182")], facts: { "distributed.hostIp": "10.8.0.182", "config.executorBackend": "ray" } },
  { id: "§7.6 Ray driver", log: ["2024-01-17 06:16:16,954\tINFO worker.py:1673 -- Started a local Ray instance."], facts: { "config.executorBackend": "ray" } },
  { id: "§7.7 no available block (v0.5)", log: [old("WARNING", "shm_broadcast.py:386", "No available block found in 60 second. ")], facts: { "firstError": null } },
  {
    id: "§8 model architectures not supported",
    log: ["ValueError: Model architectures ['BarForCausalLM'] are not supported for now. Supported architectures: ['LlamaForCausalLM']"],
    facts: { "firstError.line": 1 },
  },
  { id: "§8 EngineCore fatal error", log: ["(EngineCore_DP0 pid=5) " + cur("ERROR", "core.py:710", "EngineCore encountered a fatal error.")], facts: { "firstError.line": 1, "vllm.engine": "v1" } },
  {
    id: "§9 readiness after access log",
    log: ["(APIServer pid=7) INFO:     Application startup complete.", '(APIServer pid=7) INFO:     127.0.0.1:53122 - "POST /v1/chat/completions HTTP/1.1" 200 OK'],
    facts: { "server.ready": true, "server.readyLine.line": 1 },
  },
  {
    id: "§2.1 Buildkite gutter",
    log: ["[2025-03-10T15:07:20Z]   | " + cur("INFO", "kv_cache_utils.py:634", "GPU KV cache size: 150,352 tokens")],
    facts: { "kvCache.tokens": 150352 },
  },
  {
    id: "§2.1 pager ESC residue",
    log: ["ESC[36m(RayWorkerVllm pid=5085)ESC[0m " + old("INFO", "model_runner.py:146", "Loading model weights took 13.4966 GB")],
    facts: { "memory.modelWeightsGiB": 13.4966, "config.executorBackend": "ray", "vllm.engine": "v0" },
  },
];

/** vLLM reference entries that state no fact of the report and no event a rule needs (progress, timings we do not keep, benign notices). */
const VLLM_NO_FACT = [
  "startup.platform", "load.weights_took_seconds", "kv.padding_layers", "cg.capture_notice_v0", "cg.progress_bar", "compile.dynamo", "compile.cache_dir",
  "compile.total", "dist.found_nccl", "dist.p2p_cache", "dist.host_ip_deprecated", "dist.ip_fallback", "dist.mp_spawn", "dist.torch_threads",
  "dist.env_overwrite", "dist.dp_coordinator", "dist.waiting_engines", "srv.routes", "srv.shutdown", "srv.port_in_use", "metrics.specdecode",
];

// ------------------------------------------------------------------ NCCL

const NCCL: Case[] = [
  {
    id: "prefix.info",
    log: [ni("gpu-a17", 0, "Bootstrap : Using ens5:10.1.2.3<0>")],
    facts: { "nccl.nodes": 1, "nccl.hosts": ["gpu-a17"], "nccl.bootstrapInterfaces": ["ens5:10.1.2.3"] },
  },
  {
    id: "prefix.info timestamp",
    log: ["[2025-03-12 10:11:12] " + ni("gpu-a18", 1, "Using network IB")],
    facts: { "nccl.nodes": 1, "nccl.net": "IB" },
  },
  {
    id: "prefix.info inside ray, mpirun and torchrun prefixes",
    log: [
      "(RayWorkerWrapper pid=812, ip=10.0.0.4) " + ni("ray-node-1", 2, "NCCL version 2.18.1+cuda12.1"),
      "[1,3]<stdout>:" + ni("mpi-node-2", 3, "Using network Socket"),
      "[rank5]:" + ni("trn-node-3", 5, "Channel 00/0 : 5[5] -> 6[6] via P2P/IPC"),
    ],
    facts: { "nccl.nodes": 3, "nccl.version": "2.18.1", "nccl.transports.P2P/IPC": 1 },
  },
  {
    id: "prefix.warn.v1",
    log: [ni("node7", 0, "Bootstrap : Using eth0:10.0.0.7<0>"), "", nw("node7", 0, "misc/socket.cc:483", "socketStartConnect: Connect to 10.0.0.8<45763> failed : Software caused connection abort")],
    facts: { "nccl.firstWarn.line": 3, "firstError.line": 3, "nccl.warnCount": 1 },
    rules: ["nccl/bootstrap-failure"],
  },
  {
    id: "prefix.warn.v1 with default timestamp (2.26.2+)",
    log: ["", "[2025-06-01 03:04:05] " + nw("node8", 2, "transport/net_ib.cc:1697", "NET/IB: Got completion from peer 10.0.0.9<55921> with status=12 opcode=1 len=0 vendor err 129 (Send) localGid ::ffff:10.0.0.8 remoteGids ::ffff:10.0.0.9 hca mlx5_2")],
    facts: { "nccl.firstWarn.line": 2, "firstError.line": 2, "nccl.nodes": 1 },
    rules: ["nccl/ib-error"],
  },
  {
    id: "prefix.warn.v2",
    log: ["", "[2026-05-05 06:16:47] " + nw("node-02", 3, "plugin/net.cc:349 (ncclNetInit)", "Failed to initialize any NET plugin")],
    facts: { "nccl.firstWarn.line": 2, "firstError.line": 2, "nccl.nodes": 1, "nccl.hosts": ["node-02"] },
  },
  {
    id: "prefix.trace",
    log: ["trace-host:5101:5130 [1] 1532.817641 sendProxyProgress:1123 NCCL TRACE sendProxy [12/4] Isend posted, req 0x7f2c5c001230, size 524288, proto 2, myRank 1, channelId 3"],
    facts: { "nccl.nodes": 1, "nccl.hosts": ["trace-host"], "firstError": null },
  },
  {
    id: "prefix.call",
    log: ["call-host:6101:6101 NCCL CALL ncclAllReduce(7f3a80000000,7f3a80000000,1048576,7,0,0,0x55d0c9a1b2c0,0x55d0c9a1c000)"],
    facts: { "nccl.nodes": 1, "nccl.hosts": ["call-host"], "firstError": null },
  },
  { id: "banner.version.bare", log: ["NCCL version 2.19.3+cuda12.3"], facts: { "nccl.version": "2.19.3" } },
  { id: "banner.version.info", log: [ni("h100-3", 0, "NCCL version 2.26.5+cuda12.8")], facts: { "nccl.version": "2.26.5", "nccl.nodes": 1 } },
  { id: "env.setByEnv.int", log: [ni("n1", 0, "NCCL_IB_DISABLE set by environment to 1.")], facts: { "nccl.env.NCCL_IB_DISABLE": "1" } },
  { id: "env.setByEnv.str", log: [ni("n1", 0, "NCCL_SOCKET_IFNAME set by environment to ^docker0,lo")], facts: { "nccl.env.NCCL_SOCKET_IFNAME": "^docker0,lo" } },
  { id: "env.level", log: [ni("n1", 0, "NCCL_NET_GDR_LEVEL set by environment to SYS")], facts: { "nccl.env.NCCL_NET_GDR_LEVEL": "SYS" } },
  { id: "env.ibHca", log: [ni("n1", 0, "NCCL_IB_HCA set to mlx5_1:1,mlx5_4:1")], facts: { "nccl.env.NCCL_IB_HCA": "mlx5_1:1,mlx5_4:1" } },
  {
    id: "bootstrap.using.list",
    log: [ni("n2", 0, "Bootstrap : Using [0]eth0:10.0.0.2<0> [1]ib0:192.168.10.2<0>")],
    facts: { "nccl.bootstrapInterfaces": ["eth0:10.0.0.2", "ib0:192.168.10.2"] },
  },
  { id: "bootstrap.using", log: [ni("n3", 0, "Bootstrap : Using ibp12s0:10.149.0.33<0>")], facts: { "nccl.bootstrapInterfaces": ["ibp12s0:10.149.0.33"] } },
  { id: "bootstrap.using IPv6", log: [ni("n3", 0, "Bootstrap : Using eth1:fe80::42:acff:fe11:2%eth1<0>")], facts: { "nccl.bootstrapInterfaces": ["eth1:fe80::42:acff:fe11:2%eth1"] } },
  { id: "bootstrap.using.v2", log: [ni("n4", 0, "Bootstrap: Using bond0:172.36.134.185<0>")], facts: { "nccl.bootstrapInterfaces": ["bond0:172.36.134.185"] } },
  {
    id: "netplugin.none.v1 (benign)",
    log: [ni("n5", 0, "NET/Plugin : No plugin found (libnccl-net.so), using internal implementation")],
    facts: { "firstError": null, "nccl.net": null },
  },
  {
    id: "netplugin.none.v2 (benign)",
    log: [ni("n5", 0, "NET/Plugin : Plugin load (libnccl-net-ofi.so) returned 2 : libnccl-net-ofi.so: cannot open shared object file: No such file or directory"), ni("n5", 0, "NET/Plugin : No plugin found, using internal implementation")],
    facts: { "firstError": null, "nccl.net": null },
  },
  {
    id: "netplugin.none.v3 (benign)",
    log: [ni("H20-GPU-06", 0, "NET/Plugin : dlerror=libnccl-net.so: cannot open shared object file: No such file or directory No plugin found (libnccl-net.so), using internal implementation")],
    facts: { "firstError": null },
  },
  {
    id: "netplugin.none.v4 (benign)",
    log: [ni("n6", 4, "NET/Plugin: Plugin load returned 2 : libnccl-net.so: cannot open shared object file: No such file or directory : when loading libnccl-net.so")],
    facts: { "firstError": null },
  },
  { id: "netplugin.couldNotFind (benign)", log: [ni("n7", 1, "NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.")], facts: { "firstError": null } },
  { id: "netplugin.loaded", log: [ni("qh100-gpu21", 0, "NET/Plugin: Loaded net plugin NCCL RDMA Plugin v7 (v7)")], facts: { "firstError": null } },
  { id: "net.usingNetwork", log: [ni("n8", 0, "Using network IB")], facts: { "nccl.net": "IB", "nccl.netPrinted": ["IB"] } },
  { id: "net.usingNetwork IBext_v8", log: [ni("n8", 0, "Using network IBext_v8")], facts: { "nccl.net": "IB", "nccl.netPrinted": ["IBext_v8"] } },
  { id: "net.usingNetwork AWS Libfabric", log: [ni("n8", 0, "Using network AWS Libfabric")], facts: { "nccl.net": "OFI", "nccl.netPrinted": ["AWS Libfabric"] } },
  { id: "net.usingNetwork Socket", log: [ni("n8", 0, "Using network Socket")], facts: { "nccl.net": "Socket" } },
  {
    id: "net.notFound",
    log: ["", nw("n9", 0, "net.cc:579", "Error: network IB not found.")],
    facts: { "nccl.firstWarn.line": 2, "firstError.line": 2 },
  },
  {
    id: "net.ib.using",
    log: [ni("n10", 0, "NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB [2]mlx5_4:1/RoCE [RO]; OOB ib0:10.0.0.10<0>")],
    facts: { "nccl.ibHcas": ["mlx5_0:1", "mlx5_3:1", "mlx5_4:1"], "nccl.net": "IB" },
  },
  {
    id: "net.ib.using SHARP plugin",
    log: [ni("n10", 0, "NET/IB : Using [0]mlx5_9:1/IB/SHARP [RO]; OOB eth0:10.0.0.11<0>")],
    facts: { "nccl.ibHcas": ["mlx5_9:1"] },
  },
  {
    id: "net.socket.using after net.ib.noDevice",
    log: [
      ni("n11", 0, "NET/IB : No device found."),
      ni("n11", 0, "NET/Socket : Using [0]eno1:172.18.40.42<0> [1]veth25f2e72:fe80::380d:bfff:fe5b:54d2%veth25f2e72<0>"),
      ni("n11", 0, "Using network Socket"),
    ],
    facts: { "nccl.net": "Socket", "nccl.ibHcas": null },
  },
  {
    id: "net.ib.noDevice + net.socket.using without Using network",
    log: [ni("n12", 0, "NET/IB : No device found."), ni("n12", 0, "NET/Socket : Using [0]eth0:10.1.1.12<0>")],
    facts: { "nccl.net": "Socket" },
  },
  { id: "gdr.hca.noModule", log: [ni("n13", 0, "NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0' (no module)")], facts: { "nccl.gdr": false } },
  { id: "gdr.hca disabled", log: [ni("n13", 0, "NET/IB : GPU Direct RDMA Disabled for HCA 1 'mlx5_1'")], facts: { "nccl.gdr": false } },
  {
    id: "transport.p2p.v1",
    log: [ni("nodeb", 6, "Channel 01 : 14[c9000] -> 13[92000] via P2P/direct pointer/read")],
    facts: { "nccl.transports.P2P/direct": 1, "nccl.ranks": 2 },
  },
  {
    id: "transport.p2p.v2",
    log: [ni("n14", 0, "Channel 00/0 : 0[1b000] -> 1[1c000] via P2P/IPC/read"), ni("n14", 1, "Channel 00/0 : 1[1c000] -> 2[3d000] via P2P/IPC")],
    facts: { "nccl.transports.P2P/IPC": 2, "nccl.ranks": 3 },
  },
  {
    id: "transport.p2p.v3",
    log: ["<cluster_name>:919:1150 [0] NCCL INFO Channel 01/0 : 8[0] -> 15[7] via P2P/IPC/read", ni("n15", 3, "Channel 02/1 : 3[3] -> 4[4] via P2P/CUMEM/read")],
    facts: { "nccl.transports.P2P/IPC": 1, "nccl.transports.P2P/CUMEM": 1, "nccl.ranks": 4, "nccl.nodes": 2 },
  },
  {
    id: "transport.shm",
    log: [ni("fd8c67c1741f", 7, "Channel 00 : 7[7] -> 6[6] via SHM/direct/direct"), ni("fd8c67c1741f", 6, "Channel 01/0 : 6[6] -> 5[5] via SHM/direct")],
    facts: { "nccl.transports.SHM": 2 },
  },
  { id: "transport.shm 2.5 era", log: [ni("n16", 1, "Ring 00 : 1[1b000] -> 2[1c000] via direct shared memory")], facts: { "nccl.transports.SHM": 1 } },
  {
    id: "transport.net.v1",
    log: [ni("nodec", 5, "Channel 01 : 13[92000] -> 4[89000] [send] via NET/IB/0/GDRDMA")],
    facts: { "nccl.transports.NET/IB/GDRDMA": 1, "nccl.gdr": true, "nccl.ranks": 2 },
  },
  {
    id: "transport.net.v2",
    log: [ni("n17", 1, "Channel 00/0 : 1[23000] -> 8[1e000] [send] via NET/IB/1/GDRDMA"), ni("n17", 1, "Channel 01/0 : 9[1e000] -> 1[23000] [receive] via NET/IB/1(0)/GDRDMA/Shared")],
    facts: { "nccl.transports.NET/IB/GDRDMA": 2, "nccl.gdr": true },
  },
  {
    id: "transport.net.v3",
    log: [ni("swat1-05", 5, "Channel 03/0 : 5[5] -> 12[4] [send] via NET/IB/3"), ni("swat1-05", 5, "Channel 03/0 : 12[4] -> 5[5] [receive] via NET/IB/3")],
    facts: { "nccl.transports.NET/IB": 2, "nccl.gdr": false },
  },
  {
    id: "transport.net.v3 (PCI) suffix",
    log: [ni("gb200-1", 0, "Channel 00/0 : 0[0] -> 4[0] [send] via NET/IB/0/GDRDMA(PCI)/Shared")],
    facts: { "nccl.transports.NET/IB/GDRDMA": 1, "nccl.gdr": true },
  },
  {
    id: "transport.net.v3 plugins",
    log: [
      ni("efa-1", 0, "Channel 00/0 : 0[0] -> 8[0] [send] via NET/AWS Libfabric/0/GDRDMA"),
      ni("sock-1", 0, "Channel 00/0 : 0[0] -> 8[0] [send] via NET/Socket/1"),
      ni("hpcx-1", 0, "Channel 00/0 : 0[0] -> 8[0] [send] via NET/IBext_v8/2/GDRDMA"),
    ],
    facts: { "nccl.transports.NET/OFI": 1, "nccl.transports.NET/Socket": 1, "nccl.transports.NET/IB/GDRDMA": 1 },
  },
  { id: "transport.collnet", log: [ni("n18", 0, "CollNet 00/0 : 0 [send] via COLLNET/SHARP/0/GDRDMA")], facts: { "nccl.transports.CollNet": 1 } },
  {
    id: "init.start",
    log: [ni("d5618706-02", 6, "ncclCommInitRankConfig comm 0x55fbd0b4a6d0 rank 6 nranks 8 cudaDev 6 nvmlDev 6 busId 196000 commId 0x2fb902677fd5202e - Init START")],
    facts: { "nccl.initComplete": 0, "nccl.ranks": 1 },
  },
  {
    id: "init.start 2.29 [Rank N] and split form",
    log: [
      ni("n19", 2, "[Rank 2] ncclCommInitRankConfig comm 0x5611 rank 2 nranks 4 cudaDev 2 nvmlDev 2 busId 41000 commId 0xabc - Init START"),
      ni("n19", 3, "ncclCommSplit comm 0x5612 rank 3 nranks 4 cudaDev 3 nvmlDev 3 busId 42000 parent 0x5610 splitCount 1 color 0 key 3- Init START"),
    ],
    facts: { "nccl.ranks": 2, "nccl.initComplete": 0 },
  },
  {
    id: "init.complete",
    log: [ni("mwh-deployment-1", 0, "comm 0x560e1ab19ab0 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 27000 commId 0xfdb9a1387c96bf27 - Init COMPLETE")],
    facts: { "nccl.initComplete": 1, "nccl.ranks": 1 },
  },
  {
    id: "init.complete 2.7 and 2.23 forms",
    log: [
      ni("n20", 0, "comm 0x7f00 rank 0 nranks 2 cudaDev 0 busId 1b000 - Init COMPLETE"),
      ni("n20", 1, "ncclCommInitRank comm 0x7f01 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 1c000 commId 0x11 localSize 2 used 2101 bytes on core 3 - Init COMPLETE"),
    ],
    facts: { "nccl.initComplete": 2, "nccl.ranks": 2 },
  },
  { id: "init.timings", log: [ni("n21", 0, "Init timings - ncclCommInitRank: rank 3 nranks 16 total 1.53 (kernels 0.21, alloc 0.01, bootstrap 0.40, allgathers 0.05, topo 0.30, graphs 0.02, connections 0.50, rest 0.04)")], facts: { "nccl.ranks": 1 } },
  { id: "init.timings 2.22", log: [ni("n21", 0, "Init timings: rank 5 nranks 8 total 0.91 (kernels 0.10, bootstrap 0.40, allgathers 0.01, topo 0.20, graphs 0.01, connections 0.15, rest 0.04)")], facts: { "nccl.ranks": 1 } },
  { id: "init.commSummary", log: [ni("n22", 0, "comm 0x55d0c9a1b2c0 rank 9 nRanks 16 nNodes 2 localRanks 8 localRank 1 MNNVL 0")], facts: { "nccl.ranks": 1 } },
  { id: "graph.trees (no rank ids)", log: [ni("worker", 0, "Trees [0] -1/-1/-1->1->0 [1] 0/-1/-1->1->-1")], facts: { "nccl.ranks": null } },
  {
    id: "graph.ringOrder (no rank ids)",
    log: [" [0] NCCL INFO Channel 00/02 :    0   1   2   3   4   5   6   7"],
    facts: { "nccl.ranks": null, "nccl.transports.P2P/IPC": 0 },
  },
  { id: "graph.ringNeighbors (no rank ids)", log: [ni("n23", 0, "Ring 00 : 15 -> 0 -> 1")], facts: { "nccl.ranks": null } },
  {
    id: "err.retChain",
    log: [ni("ubuntu", 0, "misc/socket.cc:564 -> 2"), ni("ubuntu", 0, "bootstrap.cc:130 -> 2 [Async thread]")],
    facts: { "firstError.line": 1 },
  },
  { id: "err.retChain success (not an error)", log: [ni("ubuntu", 0, "transport.cc:55 -> 0")], facts: { "firstError": null } },
  {
    id: "warn.cudaFailure",
    log: ["", nw("n24", 0, "include/alloc.h:103", "Cuda failure 'out of memory'")],
    facts: { "firstError.line": 2, "nccl.warnKinds.cuda": 1 },
    rules: ["nccl/cuda-error"],
  },
  {
    id: "warn.cudaFailure numbered",
    log: ["", nw("n24", 0, "include/alloc.h:102", "Cuda failure 1 'invalid argument'")],
    facts: { "firstError.line": 2 },
    rules: ["nccl/cuda-error"],
  },
  { id: "warn.cudaCalloc", log: ["", nw("n25", 0, "include/alloc.h:186", "Failed to CUDA calloc 10485760 bytes")], facts: { "firstError.line": 2 }, rules: ["nccl/cuda-error"] },
  { id: "warn.syscall", log: ["", nw("n26", 0, "misc/socket.cc:420", "Call to listen failed : Address already in use")], facts: { "firstError.line": 2 } },
  {
    id: "warn.ib.completion",
    log: ["", nw("n27", 0, "transport/net_ib.cc:1697", "NET/IB : Got completion from peer 10.0.0.3<55921> with error 12, opcode 1, len 0, vendor err 129")],
    facts: { "firstError.line": 2, "nccl.warnKinds.ib": 1 },
    rules: ["nccl/ib-error"],
  },
  { id: "warn.ib.asyncEvent", log: ["", nw("n28", 0, "transport/net_ib.cc:253", "NET/IB : mlx5_1:1 Got non-fatal async event: port error(10)")], facts: { "firstError.line": 2 }, rules: ["nccl/ib-error"] },
  { id: "warn.ibv", log: ["", nw("n29", 0, "misc/ibvwrap.cc:208", "Call to ibv_modify_qp failed with error Connection timed out errno 110")], facts: { "firstError.line": 2 }, rules: ["nccl/ib-error"] },
  {
    id: "warn.socket.connect",
    log: ["", nw("ubuntu2", 0, "misc/socket.cc:483", "socketStartConnect: connect to 10.0.0.4<45763> failed : Connection refused")],
    facts: { "firstError.line": 2 },
    rules: ["nccl/bootstrap-failure"],
  },
  {
    id: "warn.socket.closed",
    log: ["", nw("ubuntu3", 0, "misc/socket.cc:49", "socketProgress: Connection closed by remote peer node2<57557>")],
    facts: { "firstError.line": 2, "nccl.warnKinds.remote": 1 },
  },
  { id: "warn.socket.recv", log: ["", nw("n30", 0, "misc/socket.cc:67", "socketProgressOpt: Call to recv from 10.0.0.5<39241> failed : Connection reset by peer")], facts: { "firstError.line": 2 } },
  { id: "warn.socket.noIface", log: ["", nw("n31", 0, "bootstrap.cc:45", "Bootstrap : no socket interface found")], facts: { "firstError.line": 2 }, rules: ["nccl/bootstrap-failure"] },
  { id: "warn.socket.magic", log: ["", nw("user", 0, "misc/socket.cc:441", "socketFinalizeAccept: wrong type 4 != 3")], facts: { "firstError.line": 2 } },
  {
    id: "warn.bootstrapRoot",
    log: ["", nw("n32", 0, "bootstrap.cc:190", "Bootstrap Root : rank 5 of 8 ranks has already checked in")],
    facts: { "firstError.line": 2, "nccl.ranks": 1 },
    // a second process with the same unique id or rank, not a connect failure
    rules: ["nccl/error"],
  },
  {
    id: "warn.proxy",
    log: ["", nw("ubuntu4", 0, "proxy.cc:1519", "[Proxy Service 0] Failed to execute operation Connect from rank 2, retcode 2")],
    facts: { "firstError.line": 2, "nccl.ranks": 1 },
  },
  {
    id: "warn.p2p",
    log: [ni("n33", 0, "P2P is disabled between connected GPUs 0 and 1. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1.")],
    facts: { "firstError": null },
  },
  { id: "warn.shm", log: ["", nw("n34", 0, "misc/shmutils.cc:72", "Error: failed to extend /dev/shm/nccl-Xk3j2b to 9637892 bytes")], facts: { "firstError.line": 2 }, rules: ["nccl/shm-too-small"] },
  {
    id: "warn.dupGpu",
    log: ["", nw("n35", 1, "init.cc:943", "Duplicate GPU detected : rank 3 and rank 2 both on CUDA device 1b000")],
    facts: { "firstError.line": 2, "nccl.ranks": 2 },
    rules: ["nccl/duplicate-gpu"],
  },
  {
    id: "warn.versionMismatch",
    log: ["", nw("n36", 0, "init.cc:775", "Mismatched NCCL version detected : rank 8 version 22105 rank 0 version 22703")],
    facts: { "firstError.line": 2, "nccl.warnKinds.version-mismatch": 1 },
  },
  {
    id: "info.commEnd (Abort COMPLETE is not Init COMPLETE)",
    log: [ni("gpu-node3", 0, "comm 0x8e01d00 rank 1 nranks 2 cudaDev 0 busId 100000 - Abort COMPLETE")],
    facts: { "nccl.initComplete": 0, "firstError": null },
  },
  {
    id: "errstr.ncclResult system",
    log: ["RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)"],
    facts: { "firstError.line": 1 },
    rules: ["nccl/system-error"],
  },
  { id: "errstr.ncclResult internal", log: ["RuntimeError: NCCL error: internal error"], facts: { "firstError.line": 1 }, rules: ["nccl/internal-error"] },
  {
    id: "errstr.ncclResult remote",
    log: ["RuntimeError: NCCL error: remote process exited or there was a network error"],
    facts: { "firstError.line": 1 },
    rules: ["nccl/remote-process-exited"],
  },
  {
    id: "torch.watchdogTimeout",
    log: ["[rank2]:[E219 08:58:32.606233339 ProcessGroupNCCL.cpp:616] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=17, OpType=ALLGATHER, NumelIn=4096, NumelOut=32768, Timeout(ms)=1800000) ran for 1800427 milliseconds before timing out."],
    facts: { "firstError.line": 1, "nccl.ranks": 1 },
    rules: ["nccl/collective-timeout"],
  },
  {
    id: "torch.watchdogTimeout old torch",
    log: ["[E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600112 milliseconds before timing out."],
    facts: { "firstError.line": 1, "nccl.ranks": 1 },
    rules: ["nccl/collective-timeout"],
  },
  {
    id: "torch.exceptionDetected",
    log: ["[rank3]:[E219 08:58:32.606667496 ProcessGroupNCCL.cpp:1785] [PG ID 2 PG GUID 3 Rank 3] Exception (either an error or timeout) detected by watchdog at work: 31, last enqueued NCCL work: 58, last completed NCCL work: 30."],
    facts: { "firstError.line": 1, "nccl.ranks": 1 },
  },
  {
    id: "torch.asyncException",
    log: ["[rank0]:[E ProcessGroupNCCL.cpp:542] [Rank 0] Collective WorkNCCL(SeqNum=89, OpType=ALLREDUCE, NumelIn=67108864, Timeout(ms)=90000) raised the following async exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5"],
    facts: { "firstError.line": 1, "nccl.version": "2.20.5" },
    rules: ["nccl/remote-process-exited"],
  },
  {
    id: "torch.someFailed",
    log: ["[rank1]:[E1003 18:37:01.833637681 ProcessGroupNCCL.cpp:621] [Rank 1] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data."],
    facts: { "firstError.line": 1 },
  },
  {
    id: "torch.watchdogTerminated",
    log: [
      "[rank1]:[E ProcessGroupNCCL.cpp:1414] [PG 0 Rank 1] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
      "terminate called after throwing an instance of 'c10::DistBackendError'",
      "  what():  [PG 0 Rank 1] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
    ],
    facts: { "firstError.line": 1, "nccl.version": "2.21.5" },
    rules: ["nccl/remote-process-exited"],
  },
  {
    id: "torch.ncclErrorIn",
    log: [
      "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3",
      "ncclUnhandledCudaError: Call to CUDA function failed.",
      "Last error:",
      "Cuda failure 1 'invalid argument'",
    ],
    facts: { "firstError.line": 1, "nccl.version": "2.19.3" },
    rules: ["nccl/cuda-error"],
  },
  {
    id: "torch.heartbeat",
    log: ["[rank25]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank 25] Heartbeat monitor timed out! Process will be terminated after dumping debug info. workMetaList_.size()=2"],
    facts: { "firstError.line": 1, "nccl.ranks": 1 },
    rules: ["nccl/collective-timeout"],
  },
  {
    id: "torch.commAborted",
    log: ["torch.distributed.DistBackendError: NCCL communicator was aborted on rank 3.  Original reason for failure was: [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=8, OpType=BROADCAST, Timeout(ms)=600000) ran for 600030 milliseconds before timing out."],
    facts: { "firstError.line": 1 },
    rules: ["nccl/collective-timeout"],
  },
  { id: "vllm.pynccl", log: ["RuntimeError: NCCL error: invalid usage (run with NCCL_DEBUG=INFO for details)"], facts: { "firstError.line": 1 } },
  // --- variants the notes mention
  { id: "prefix.info FQDN and 2.29 hostname", log: [ni("gpu-01", 0, "Using network IB"), ni("rack-3-gpu-02", 1, "Using network IB")], facts: { "nccl.nodes": 2, "nccl.hosts": ["gpu-01", "rack-3-gpu-02"] } },
  ...[
    "Connect to 10.0.0.2<45763> failed : Connection refused",
    "Net : Connect to 10.0.0.2<45763> failed : Connection refused",
    "socketPollConnect: Connect to 10.0.0.2<45763> failed : Connection timed out",
    "ncclOsSocketPollConnect: connect to 10.0.0.2<45763> failed : No route to host",
  ].map((msg, i): Case => ({ id: `warn.socket.connect era ${i + 1}`, log: ["", nw("era-node", 0, "misc/socket.cc:483", msg)], facts: { "firstError.line": 2 }, rules: ["nccl/bootstrap-failure"] })),
  { id: "warn.socket.closed 2.7", log: ["", nw("n40", 0, "include/socket.h:423", "Net : Connection closed by remote peer")], facts: { "firstError.line": 2 } },
  {
    id: "warn.ib.completion 2.7",
    log: ["", nw("n41", 0, "transport/net_ib.cc:775", "NET/IB : Got completion with error 12, opcode 1, len 32768, vendor err 129")],
    facts: { "firstError.line": 2, "nccl.warnKinds.ib": 1 },
    rules: ["nccl/ib-error"],
  },
  { id: "warn.ib.asyncEvent 2.7", log: ["", nw("n42", 0, "transport/net_ib.cc:120", "NET/IB : Got async event : port error")], facts: { "firstError.line": 2 }, rules: ["nccl/ib-error"] },
  { id: "warn.ib.asyncEvent 2.23", log: ["", nw("n42", 0, "transport/net_ib.cc:123", "NET/IB : mlx5_3:1 Got async error event: local catastrophic error")], facts: { "firstError.line": 2 }, rules: ["nccl/ib-error"] },
  { id: "warn.dupGpu 2.30.3", log: ["", nw("n43", 0, "graph/topo.cc:1001", "Multiple ranks detected using the same GPU on this node. Set NCCL_MULTI_RANK_GPU_ENABLE=1 to enable this configuration.")], facts: { "firstError.line": 2 }, rules: ["nccl/duplicate-gpu"] },
  { id: "warn.dupGpu 2.30.7", log: ["", nw("n43", 0, "init.cc:1201", "Multiple Ranks are using the same GPU/Partition. Set NCCL_MULTI_RANK_GPU_ENABLE=1 to enable this configuration.")], facts: { "firstError.line": 2 }, rules: ["nccl/duplicate-gpu"] },
  { id: "warn.shm 2.30.3", log: ["", nw("n44", 0, "misc/shmutils.cc:80", "Error: failed to create shared memory file /dev/shm/nccl-aB12cD, error No space left on device (28)")], facts: { "firstError.line": 2 }, rules: ["nccl/shm-too-small"] },
  { id: "warn.syscall 2.23.4", log: ["", nw("n45", 0, "misc/socket.cc:431", "Call to bind failed: Address already in use")], facts: { "firstError.line": 2 } },
  { id: "err.retChain 2.30.7 INFO_LOC", log: [ni("n46", 0, "transport/net_socket.cc:420 (ncclNetSocketConnect) -> 6")], facts: { "firstError.line": 1 } },
  {
    id: "transport.p2p.v3 CUMEM/CE and MNNVL",
    log: [ni("gb-1", 0, "Channel 00/1 : 0[0] -> 1[1] via P2P/CUMEM/CE"), ni("gb-1", 1, "Channel 00/0 : 1[1] -> 5[1] via P2P/MNNVL/read")],
    facts: { "nccl.transports.P2P/CUMEM": 1 },
  },
  { id: "transport.shm 2.7", log: [ni("n47", 0, "Channel 00 : 0[1b000] -> 1[1c000] via direct shared memory")], facts: { "nccl.transports.SHM": 1 } },
  {
    id: "transport.collnet older forms",
    log: [ni("n48", 0, "Coll 00 : 0 [send] via COLLNET/SHARP/0"), ni("n48", 0, "CollNet 01 : 0 [receive] via COLLNET/SHARP/0/GDRDMA")],
    facts: { "nccl.transports.CollNet": 2 },
  },
  { id: "net.ib.using 2.7-2.12 form", log: [ni("n49", 0, "NET/IB : Using [0]mlx5_2:1/IB [1]mlx5_5:1/RoCE ; OOB eth0:10.0.0.49<0>")], facts: { "nccl.ibHcas": ["mlx5_2:1", "mlx5_5:1"], "nccl.net": "IB" } },
  { id: "net.ib.using 2.30 UNSPECIFIED", log: [ni("n49", 0, "NET/IB : Using [0]mlx5_0:1/UNSPECIFIED [RO]; OOB eth0:10.0.0.50<0>")], facts: { "nccl.ibHcas": ["mlx5_0:1"] } },
  { id: "gdr.path (per GPU/NIC pair: not the run's GDR)", log: [ni("n50", 0, "GPU Direct RDMA Disabled for GPU 1b000 / HCA 0 (distance 6 > 4)")], facts: { "nccl.gdr": null } },
  {
    id: "init.complete 2.23 function prefixes",
    log: [
      ni("n51", 0, "ncclCommInitRankConfig comm 0x5600 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0x99 - Init COMPLETE"),
      ni("n51", 1, "ncclCommSplit comm 0x5601 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 1c000 commId 0x98 - Init COMPLETE"),
    ],
    facts: { "nccl.initComplete": 2, "nccl.ranks": 2 },
  },

  // --- shapes of nccl-log-formats.md §2–§12 without a patterns entry
  { id: "§2.2 NCCL 2.2 without the NCCL token", log: ["[0] INFO Using internal Network Socket"], facts: { "nccl.net": "Socket" } },
  { id: "§2 pre-2.5 per-HCA line", log: [ni("n52", 0, "NET/IB: [0] mlx5_0:1/IB "), ni("n52", 0, "NET/IB: [1] mlx5_1:1/IB ")], facts: { "nccl.ibHcas": ["mlx5_0:1", "mlx5_1:1"] } },
  { id: "§ 2.4 Ring connection lines (no brackets, bus ids)", log: [ni("n53", 0, "Ring 00 : 7 -> 8 [send] via NET/AWS Libfabric/0"), ni("n53", 0, "Ring 01 : 0[0] -> 1[1] via P2P/IPC")], facts: { "nccl.transports.NET/OFI": 1, "nccl.transports.P2P/IPC": 1, "nccl.ranks": 4 } },
  { id: "§ IB plugin IBext transports", log: [ni("n54", 0, "Channel 00/0 : 0[0] -> 8[0] [send] via NET/IBext/4/GDRDMA"), ni("n54", 0, "Using network IBext")], facts: { "nccl.transports.NET/IB/GDRDMA": 1, "nccl.net": "IB", "nccl.gdr": true } },
  {
    id: "§ newer connection lines with comm suffix",
    log: [ni("n55", 2, "Channel 00/0 : 2[2] -> 3[3] via P2P/IPC comm 0x5602 nRanks 32")],
    facts: { "nccl.transports.P2P/IPC": 1, "nccl.ranks": 2 },
  },
  { id: "§ glued [1] prefix without host", log: ["[1] misc/shmutils.cc:103 NCCL WARN Error: failed to extend /dev/shm/nccl-x to 1000 bytes"], facts: { "nccl.firstWarn.line": 1, "firstError.line": 1 }, rules: ["nccl/shm-too-small"] },
  { id: "§ benign libibverbs warn", log: ["", nw("n56", 0, "misc/ibvwrap.cc:63", "Failed to open libibverbs.so[.1]")], facts: { "nccl.firstWarn.line": 2, "firstError": null } },
  {
    id: "§4.3 NCCL_NET=Socket: IB initialised first",
    log: [ni("n60", 0, "NET/IB : Using [0]mlx5_0:1/IB [RO]; OOB eth0:10.0.0.60<0>"), ni("n60", 0, "NET/Socket : Using [0]eth0:10.0.0.60<0>"), ni("n60", 0, "Using network Socket")],
    facts: { "nccl.net": "Socket", "nccl.netPrinted": ["Socket"] },
  },
  { id: "§4.2 aws-ofi-nccl provider", log: [ni("efa-node", 0, "NET/OFI Selected Provider is efa (found 4 nics)")], facts: { "nccl.net": "OFI" } },
  {
    id: "§4.4 NCCL_IB_DISABLE=1",
    log: [ni("n61", 0, "NCCL_IB_DISABLE set by environment to 1."), ni("n61", 0, "NET/Socket : Using [0]ens3:172.31.12.211<0>"), ni("n61", 0, "Using network Socket")],
    facts: { "nccl.net": "Socket", "nccl.env.NCCL_IB_DISABLE": "1", "nccl.ibHcas": null },
  },
  { id: "§6.1 P2P/indirect", log: [ni("n62", 0, "Channel 00/0 : 0[0] -> 2[2] via P2P/indirect/1[1]")], facts: { "nccl.transports.P2P/indirect": 1 } },
  { id: "§8 Destroy COMPLETE", log: [ni("n63", 0, "comm 0x7f10 rank 0 nranks 8 cudaDev 0 busId 1b000 - Destroy COMPLETE")], facts: { "nccl.initComplete": 0, "firstError": null } },
  // the corpus convention counts a retry report as the first error (NOTES: first_error)
  { id: "§11.4 connect retry", log: [ni("n64", 0, "Call to connect returned Connection refused, retrying")], facts: { "firstError.line": 1 } },
  { id: "§11.4 connect retries exhausted", log: ["", nw("n64", 0, "misc/socket.cc:541", "socketStartConnect: exceeded retries (35)")], facts: { "firstError.line": 2 } },
  {
    id: "§11.4 socket message truncated",
    log: ["", nw("n65", 0, "transport/net_socket.cc:520", "NET/Socket : peer 10.0.0.66<41123> message truncated : receiving 1048576 bytes instead of 65536. If you believe your socket network is in healthy state, there may be a mismatch in collective sizes or environment settings (e.g. NCCL_PROTO, NCCL_ALGO) between ranks")],
    facts: { "firstError.line": 2 },
  },
  {
    id: "§11.6 abort after a remote error",
    log: [ni("gpu-node4", 0, "transport/net.cc:1298 -> 6"), ni("gpu-node4", 0, "proxy.cc:874 -> 6 [Progress Thread]"), ni("gpu-node4", 0, "[Service thread] Connection closed by localRank 0"), ni("gpu-node4", 0, "comm 0x8e01d00 rank 1 nranks 2 cudaDev 0 busId 100000 - Abort COMPLETE")],
    facts: { "firstError.line": 1, "nccl.initComplete": 0 },
  },
  {
    id: "§12 Last error after a watchdog exception",
    log: [
      "[rank1]:[E ProcessGroupNCCL.cpp:1414] [PG 0 Rank 1] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5",
      "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
      "Last error:",
      "socketProgress: Connection closed by remote peer gpu-node1.example<45074>",
    ],
    facts: { "firstError.line": 1, "nccl.version": "2.20.5" },
    rules: ["nccl/remote-process-exited"],
  },
  { id: "§12 taking the process down", log: ["[rank0]:[E1218 20:27:21.426415540 ProcessGroupNCCL.cpp:635] [Rank 0] To avoid data inconsistency, we are taking the entire process down."], facts: { "firstError.line": 1 } },
  {
    id: "§12 PG GUID prefix with description",
    log: ["[rank4]:[E1003 18:37:01.832146912 ProcessGroupNCCL.cpp:1785] [PG ID 0 PG GUID 0(default_pg) Rank 4] Timeout at NCCL work: 12, last enqueued NCCL work: 12, last completed NCCL work: 11."],
    facts: { "firstError.line": 1, "nccl.ranks": 1 },
  },
  { id: "§13 vLLM's NCCL_CUMEM_ENABLE echo", log: [ni("vllm-node", 0, "NCCL_CUMEM_ENABLE set by environment to 0.")], facts: { "nccl.env.NCCL_CUMEM_ENABLE": "0" } },
  { id: "§ benign CollNet warn", log: ["", nw("n57", 0, "init.cc:1230", "CollNet is not supported or fails to initialize, ignoring")], facts: { "nccl.firstWarn.line": 2, "firstError": null } },
];

/** NCCL reference entries that state no fact of the report (tuning, topology, timing and plugin chatter). */
const NCCL_NO_FACT = [
  "banner.git", "init.cudaDriverVersion", "env.invalid", "env.commConfig", "bootstrap.timings", "netplugin.init", "net.socket.threads",
  "gdr.dmabuf", "connected.rings", "connected.trees", "connected.nvlsTree", "connected.collnet", "connected.pat", "nvls.support", "nvls.comm", "init.affinity",
  "init.p2pChunksize", "init.threadThresholds", "init.channels", "init.cc", "init.proxy", "init.mnnvl", "graph.pattern", "graph.system", "graph.paths",
  "coll.call", "coll.tuning", "call.api", "trace.netProxy", "hint.ib", "info.ras", "torch.logPrefix", "torch.pgPrefix", "torch.workRepr", "prefix.timestamp",
];

// ------------------------------------------------------------------ runner

async function analyzeLines(lines: string[]): Promise<{ report: Report; events: Event[] }> {
  const part = await analyzeSource(memorySource("case.log", lines.join("\n") + "\n"), 0);
  return { report: buildReport(part.state), events: part.events };
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

async function check(c: Case): Promise<void> {
  const { report, events } = await analyzeLines(c.log);
  const got: Record<string, unknown> = {};
  for (const path of Object.keys(c.facts ?? {})) got[path] = at(report.facts, path) ?? null;
  expect(got).toEqual(c.facts ?? {});
  const ruleIds = report.findings.map((f) => f.ruleId);
  if (c.rules) expect(ruleIds).toEqual(expect.arrayContaining(c.rules));
  for (const gap of c.ruleGaps ?? []) expect(ruleIds).not.toContain(gap);
  for (const want of c.events ?? []) expect(events).toContainEqual(expect.objectContaining(want));
}

const baseId = (id: string) => id.split(" ")[0];

describe("vLLM reference patterns", () => {
  it.each(VLLM.map((c) => [c.id, c] as const))("%s", async (_id, c) => check(c));
});

describe("NCCL reference patterns", () => {
  it.each(NCCL.map((c) => [c.id, c] as const))("%s", async (_id, c) => check(c));
});

/** What wraps a record in the wild; each keeps the facts a case states (NOTES: "Timestamps and outer prefixes"). */
const WRAPPERS: { name: string; wrap: (line: string) => string; ignores: string[] }[] = [
  { name: "kubectl --timestamps", wrap: (l) => `2025-08-02T10:00:01.123456789Z ${l}`, ignores: [] },
  { name: "CRI log file", wrap: (l) => `2025-07-29T12:19:19.333962774+07:00 stdout F ${l}`, ignores: [] },
  { name: "docker compose", wrap: (l) => `vllm-1  | ${l}`, ignores: [] },
  { name: "ANSI-coloured line", wrap: (l) => `${ESC}[0;36m${l}${ESC}[0m`, ignores: [] },
  // a Ray actor prefix names its own executor and may stand for another engine generation's worker
  { name: "Ray actor prefix", wrap: (l) => `(RayWorkerWrapper pid=4242, ip=10.0.0.99) ${l}`, ignores: ["config.executorBackend", "vllm.engine"] },
];

const wrappable = (c: Case) => c.facts && !Object.keys(c.facts).some((k) => k.endsWith(".text"));

const WRAPPED = [...VLLM, ...NCCL].filter(wrappable);

describe("reference patterns inside a wrapper: every line of every case under every wrapper", () => {
  // the cross product where it is cheap: each line of each case peels to the same records wrapped as bare
  const texts = (line: string) => splitPhysicalLine(line).map((p) => peel(p).text).filter((t) => t !== "");
  it.each(WRAPPERS.map((w) => [w.name, w] as const))("%s: each line peels to the records of the bare line", (_name, { wrap }) => {
    const diffs: string[] = [];
    for (const c of WRAPPED)
      for (const l of c.log) if (l !== "" && JSON.stringify(texts(wrap(l))) !== JSON.stringify(texts(l))) diffs.push(`${c.id}: ${JSON.stringify(l)}`);
    expect(diffs).toEqual([]);
  });
});

// the whole reading (facts and rules) not in the whole cross product: case i (in table order) is read inside wrappers
// i and i + 2 (mod 5), so every case is read under two different wrappers and every wrapper reads two cases in five
describe.each(WRAPPERS.map((w, v) => ({ ...w, v })))("reference patterns inside a wrapper: $name (two cases in five, rotating)", ({ wrap, ignores, v }) => {
  const mine = WRAPPED.filter((_, i) => i % WRAPPERS.length === v || (i + 2) % WRAPPERS.length === v);
  it.each(mine.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const facts = Object.fromEntries(Object.entries(c.facts!).filter(([k]) => !ignores.includes(k)));
    await check({ id: c.id, log: c.log.map((l) => (l === "" ? l : wrap(l))), facts, rules: c.rules });
  });
});

describe("coverage of the reference tables", () => {
  it("names every entry once: a case or a reason to have none", () => {
    const vllm = new Set([...VLLM.map((c) => baseId(c.id)).filter((id) => !id.startsWith("§")), ...VLLM_NO_FACT]);
    const nccl = new Set([...NCCL.map((c) => baseId(c.id)).filter((id) => !id.startsWith("§")), ...NCCL_NO_FACT]);
    expect(VLLM_NO_FACT.filter((id) => VLLM.some((c) => baseId(c.id) === id))).toEqual([]);
    expect(NCCL_NO_FACT.filter((id) => NCCL.some((c) => baseId(c.id) === id))).toEqual([]);
    expect({ vllm: vllm.size, nccl: nccl.size }).toEqual({ vllm: 148, nccl: 107 });
  });
});
