/**
 * The phrase table of vLLM messages that carry facts, for every release from 0.4 on
 * (../shared/reference/vllm-log-formats.md). Each phrase is one line of text, so a regex reads it; the
 * table is keyed by a cheap first test (the message's first characters or a fixed substring) so that a
 * message is tried against one or two regexes, not all of them. Syntax only: the values are named by the
 * fact path they state (`kvCache.tokens`), and the fact domain decides what to keep.
 */

import type { FactPath } from "../src/facts/catalog.js";

export type FactValue = string | number | boolean;

/**
 * What a line states: values by fact path (typed from the report's schema, so a misspelt path fails to compile;
 * `kvCache.device` is the domain's own), and the few values of the line that are no fact (no dot).
 */
export type Stated = { [K in FactPath | "kvCache.device" | "memory.peakTorchGiB"]?: FactValue } & { rank?: FactValue; dp?: FactValue; pp?: FactValue; tp?: FactValue; name?: FactValue; value?: FactValue; worldAsTp?: FactValue };

export interface PhraseMatch {
  id: PhraseId;
  /** fact path -> value the line states */
  facts: Stated;
  /** how much the statement outranks others stating the same fact (higher wins) */
  priority?: number;
}

export type PhraseId =
  | "banner"
  | "engine.v0Fallback"
  | "engine.dpCoordinator"
  | "version.apiServer"
  | "version.server"
  | "version.logo"
  | "version.ngc"
  | "version.unsloth"
  | "model.logo"
  | "headless.launch"
  | "config.maxModelLen"
  | "config.maxModelLenAutoFit"
  | "config.chunkedPrefill"
  | "config.defaultBackend"
  | "config.asyncSchedulingBackend"
  | "config.gpuUtilEquivalent"
  | "config.gpuUtilRequested"
  | "config.gpuUtilDesired"
  | "dist.inferredDpRank"
  | "config.expertParallelOn"
  | "config.dtypeCast"
  | "config.enforceEagerStated"
  | "config.quantizationStated"
  | "config.quantizationKernel"
  | "config.tpExceedsGpus"
  | "kv.blocks"
  | "kv.v1Blocks"
  | "kv.tokens"
  | "kv.concurrency"
  | "kv.available"
  | "kv.reserved"
  | "kv.override"
  | "kv.numGpuBlocks"
  | "kv.numGpuBlocksBare"
  | "kv.insufficientV1"
  | "kv.insufficientV1Head"
  | "kv.insufficientV0"
  | "kv.noCacheMemory"
  | "memory.profileV0Total"
  | "memory.profileTable"
  | "memory.profileV0Parts"
  | "memory.profileV0PartsCut"
  | "memory.profileResults"
  | "memory.profileV1Debug"
  | "memory.weightsTook"
  | "memory.hpuFree"
  | "memory.modelLoadingTook"
  | "model.startLoad"
  | "model.architecture"
  | "cudaGraph.captured"
  | "cudaGraph.estimate"
  | "cudaGraph.pool"
  | "initEngine.took"
  | "dist.worldSize"
  | "dist.rankAssigned"
  | "dist.worldSizeTooLarge"
  | "dist.dpAdjust"
  | "dist.dpLeader"
  | "dist.apiServerCount"
  | "dist.tpOverLocalGpus"
  | "headless.dp"
  | "err.maxModelLenTooBig"
  | "err.batchedTokensBelowMaxLen"
  | "err.quantCapability"
  | "err.quantDtype"
  | "dist.driverIp"
  | "customAllReduce.disabled"
  | "p2p.unavailable"
  | "env.echo"
  | "server.starting"
  | "server.ready"
  | "server.awaitingEngines"
  | "err.headsDivisible"
  | "err.layersDivisible"
  | "err.bf16Capability"
  | "err.cudaOom"
  | "err.gpuUtilTooHigh"
  | "gpu.list"
  | "engine.v1Backend"
  | "platform.detected"
  | "platform.confirmed"
  | "platform.plugin"
  | "platform.ownMessage";

/** `643,232` -> 643232, `0.90` -> 0.9 */
export function num(s: string): number {
  return Number(s.replace(/,/g, ""));
}

type Entry = { id: PhraseId; re: RegExp; map: (m: RegExpExecArray) => Stated | null; priority?: number };

/**
 * Lines only one device platform prints, naming it: weaker than the lines that state the platform (`Automatically detected
 * platform` 7, a plugin's activation 8), stronger than the banner's device (5), which 0.3–0.4 printed as the torch device
 * it ran on (`device_config=cpu` for Neuron): each platform's refusal of pinned memory (vllm/utils.py 0.3–0.6, then each
 * platform's is_pin_memory_available: `Pin memory is not supported on Neuron.`, `on TPU`, `on XPU`, `on CPU`, the Gaudi
 * plugin's `on HPU`, other plugins' `on Spyre`), the attention selector refusing a backend on it (vllm/attention/selector.py 0.5–0.6,
 * then each platform's get_attn_backend_cls: `Cannot use _Backend.FLASH_ATTN backend on CPU.`, `... on XPU.`, `on TPU`,
 * `on HPU`, `on OpenVINO`, `on Neuron`), and the CPU platform's own warnings (vllm/platforms/cpu.py, 0.6.4 on): its KV
 * space unset (`Environment variable VLLM_CPU_KVCACHE_SPACE (GB) for CPU backend is not set, using 4 by default.`, `(GiB)`
 * from 0.7) and no CUDA graphs (`CUDA graph is not supported on CPU, fallback to the eager mode.`)
 */
const PLATFORM_ATTN: Entry = { id: "platform.ownMessage", re: /^Cannot use (?:\w+\.)?\w+ backend on (CPU|XPU|TPU|HPU|OpenVINO|Neuron)\.?\s*$/, map: (m): Stated => ({ "gpu.platform": m[1].toLowerCase() }), priority: 6 };
const PLATFORM_CPU_GRAPH: Entry = { id: "platform.ownMessage", re: /^CUDA graph is not supported on CPU, fallback to the eager mode\.?\s*$/, map: (): Stated => ({ "gpu.platform": "cpu" }), priority: 6 };
const PLATFORM_CPU_KV_SPACE: Entry = { id: "platform.ownMessage", re: /^Environment variable VLLM_CPU_KVCACHE_SPACE \(Gi?B\) for CPU backend is not set\b/, map: (): Stated => ({ "gpu.platform": "cpu" }), priority: 6 };
const PLATFORM_PIN: Entry = { id: "platform.ownMessage", re: /^Pin memory is not supported on (?!WSL\b)([A-Za-z]\w*)\.?\s*$/, map: (m): Stated => ({ "gpu.platform": m[1].toLowerCase() }), priority: 6 };

const GIB = String.raw`(-?\d+(?:\.\d+)?)\s*Gi?B`;

/**
 * Between the name and the value of a row of the tabular memory profile (PR #10511, in builds of Dec 2024): vLLM wrote
 * one tab; a terminal or a paste turns it into a run of spaces. A single space is no row of the table.
 */
const TABLE_GAP = String.raw`(?:[ ]*\t\s*|\s{2,})`;

/** Intel Gaudi's format_bytes (`504 MiB`, `64.17 GiB`, `2 MiB`, `0 B`): a size and its binary unit */
const HPU_BYTES = String.raw`(-?\d+(?:\.\d+)?) (B|KiB|MiB|GiB|TiB)`;
const HPU_UNIT_GIB: Readonly<Record<string, number>> = { B: 1 / 1024 ** 3, KiB: 1 / 1024 ** 2, MiB: 1 / 1024, GiB: 1, TiB: 1024 };
/** a format_bytes size in GiB, to four places */
const hpuGiB = (n: string, unit: string): number => Math.round(num(n) * HPU_UNIT_GIB[unit] * 10000) / 10000;

/**
 * V1's start-up memory check: `Free memory on device cuda:0 (7.34/15.49 GiB) on startup is less than desired GPU memory
 * utilization (0.8, 12.39 GiB)` — groups: GiB free, GiB in all (both absent when a paste cut the line before `is less
 * than`), the utilisation asked, the GiB it asks for.
 */
export const FREE_MEMORY_CHECK = /(?:Free memory on device(?: \S+)? \((-?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?) ?GiB\) on startup\s+)?is less than desired GPU memory utilization \((\d+(?:\.\d+)?), (-?\d+(?:\.\d+)?) ?GiB\)/;

/**
 * The memory breakdown in the rest of V1's `Free memory on device ... Desired GPU memory utilization is (u, w GiB).` line
 * (gpu_worker.py, INFO from ≈v0.10.2), in each wording it had:
 * - `Actual usage is 14.08 GiB for weight, 1.97 GiB for peak activation, 0.07 GiB for non-torch memory, and 0.67 GiB
 *   for CUDAGraph memory. ... Current kv cache memory in use is 59212694937 bytes.` (≈v0.10.2: the KV size in bytes);
 * - the same with `(27.39 GiB)` after each suggested size and `Current kv cache memory in use is 27.85 GiB.`;
 * - `Actual usage is 56.89 GiB for consumed memory (weights + non-torch), 0.76 GiB for peak activation, and 0.32 GiB for
 *   CUDAGraph memory.` (later: weights and non-torch memory as one sum, which is neither fact);
 * - vllm-ascend's `Actual usage: 1.14 GiB for weights, 0.22 GiB for peak activation, 0.13 GiB for non-torch memory,
 *   0.04 GiB for NPU graph memory.`
 * The KV size is the worker's available_kv_cache_memory, the value `Available KV cache memory: X GiB` prints; the
 * weights are the model runner's, the value `Model loading took X GiB` prints.
 */
const USAGE_PART = /(?:Actual usage(?: is|:)|,(?: and)?) (\d+(?:\.\d+)?) ?GiB for (weights?|peak activation|non-torch memory|(?:CUDA|NPU) ?[Gg]raph memory)\b/g;
const KV_IN_USE = /Current kv cache memory in use is (\d+(?:\.\d+)?) ?(GiB|bytes)\b/;
const USAGE_FACT: Record<string, "memory.modelWeightsGiB" | "memory.peakActivationGiB" | "memory.nonTorchGiB" | "memory.cudaGraphGiB"> = {
  weight: "memory.modelWeightsGiB",
  weights: "memory.modelWeightsGiB",
  "peak activation": "memory.peakActivationGiB",
  "non-torch memory": "memory.nonTorchGiB",
};
function actualUsage(text: string): Stated {
  const out: Stated = {};
  const at = text.indexOf("Actual usage");
  if (at >= 0) {
    USAGE_PART.lastIndex = at;
    for (let m = USAGE_PART.exec(text); m; m = USAGE_PART.exec(text)) out[USAGE_FACT[m[2]] ?? "memory.cudaGraphGiB"] = num(m[1]);
  }
  const kv = KV_IN_USE.exec(text);
  if (kv) out["kvCache.availableGiB"] = kv[2] === "bytes" ? Math.round((num(kv[1]) / 2 ** 30) * 100) / 100 : num(kv[1]);
  return out;
}

/**
 * V1's KV cache size. From v0.8 two lines (`GPU KV cache size: 643,232 tokens`, then `Maximum concurrency for 40,960 tokens
 * per request: 15.70x`); since `update_kv_cache_capacity` (2026) one line, `GPU KV cache size: N tokens, Maximum
 * concurrency for M tokens per request: X.XXx`. Other devices name themselves: `NPU` (vllm-ascend), `CPU`, `XPU`, `Spyre`.
 * Notes that quote the two-line form on one line join the messages with their own separator (` | `, `; `, ` / `), read
 * like vLLM's own comma.
 */
const KV_TOKENS: Entry = {
  id: "kv.tokens",
  re: /^(?:GPU|NPU|XPU|HPU|TPU|CPU|Spyre) KV cache size: ([\d,]+) tokens(?:\s*[,;|/\u00b7]\s*Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x)?/,
  map: (m): Stated => ({
    "kvCache.tokens": num(m[1]),
    ...(m[2] !== undefined ? { "kvCache.tokensPerRequest": num(m[2]), "kvCache.maxConcurrency": num(m[3]) } : {}),
    "vllm.engine": "v1",
  }),
};

/** Phrases at the start of a vLLM message, by first character. */
/** the linear-method classes of vLLM's quantization methods that log the kernel they picked, and the method each belongs to */
const QUANT_METHOD_OF_CLASS: Record<string, string> = {
  GPTQMarlinLinearMethod: "gptq_marlin",
  AWQMarlinLinearMethod: "awq_marlin",
  GPTQBitBLASLinearMethod: "gptq_bitblas",
  AutoGPTQLinearMethod: "auto_gptq",
  AutoAWQMarlinLinearMethod: "auto_awq",
};
/** `Using <Kernel> for <method class>`: one of the classes above, or a compressed-tensors scheme (`CompressedTensorsWNA16`) */
const QUANT_KERNEL_FOR = /^Using [A-Za-z][A-Za-z0-9_]{0,80} for (GPTQMarlinLinearMethod|AWQMarlinLinearMethod|GPTQBitBLASLinearMethod|AutoGPTQLinearMethod|AutoAWQMarlinLinearMethod|CompressedTensors[A-Z][A-Za-z0-9]{0,60})\s*$/;

const BY_FIRST: Record<string, Entry[]> = {
  "[": [
    {
      // the fused-MoE layer of every rank, once (v0.9+): `[EP Rank 3/16] Expert parallelism is enabled. Local/global number
      // of experts: ...` (from v0.11 with `Expert placement strategy: linear.` between). FusedMoE prints it only when it
      // shards experts (enable_expert_parallel with more than one rank); the number after the slash is the EP size
      id: "config.expertParallelOn",
      re: /^\[EP Rank \d+\/\d+\] Expert parallelism is enabled\b/,
      map: (): Stated => ({ "config.enableExpertParallel": true }),
    },
  ],
  H: [KV_TOKENS],
  X: [KV_TOKENS],
  "#": [
    // `kvCache.device`: the accelerator the blocks are on, as printed (not a fact of its own: it decides whether V0's default
    // block size applies, and names the platform when no line does)
    // ≤0.1.x printed the profiled count unclamped: `# GPU blocks: -1` when the weights left no memory
    { id: "kv.blocks", re: /^# (GPU|CUDA|cuda|XPU|HPU|XLA|NPU|[A-Za-z]+) blocks: (-?\d+), # CPU blocks: (\d+)/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[2]), "kvCache.cpuBlocks": num(m[3]), "kvCache.device": m[1], "vllm.engine": "v0" }) },
    { id: "kv.v1Blocks", re: /^# GPU blocks: (\d+)\s*$/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[1]), "vllm.engine": "v1" }) },
    // V0's CPU and OpenVINO executors (0.4–0.6: cpu_executor.py, openvino_executor.py `initialize_cache`) print the
    // device's own blocks alone, under the CPU's name: the KV cache lives in host memory there and vLLM's block manager
    // calls them its "gpu" blocks (`# CPU blocks: 27306`); no swap count follows
    { id: "kv.blocks", re: /^# CPU blocks: (\d+)\s*$/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[1]), "kvCache.device": "CPU", "vllm.engine": "v0" }) },
    // V0's two-part line cut after the GPU count (a paste or a terminal that stopped at the comma): `# GPU blocks: 0,`,
    // `# GPU blocks: 1288, # CP`; the comma is V0's, the CPU count is unknown
    { id: "kv.blocks", re: /^# (GPU|CUDA|cuda|XPU|HPU|XLA|NPU|[A-Za-z]+) blocks: (-?\d+),(?: #?(?: ?C(?:PU?(?: (?:b(?:l(?:o(?:c(?:ks?:?)?)?)?)?)?)?)?)?)?\s*$/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[2]), "kvCache.device": m[1], "vllm.engine": "v0" }) },
  ],
  A: [
    // vllm/platforms (≈v0.6.5+), printed by every process that imports vLLM: the built-in platform it found
    { id: "platform.detected", re: /^Automatically detected platform ([A-Za-z]\w*)\.?\s*$/, map: (m): Stated => ({ "gpu.platform": m[1].toLowerCase() }), priority: 7 },
    { id: "kv.available", re: new RegExp(String.raw`^Available KV cache memory: ${GIB}`), map: (m): Stated => ({ "kvCache.availableGiB": num(m[1]) }) },
    // DP: the world size across data-parallel ranks, as the `rank N in world size M` lines count it
    // (a window or a pane may cut the line inside its address: `.. distributed_init_method=tcp://127.0.0.1:376` at its end)
    { id: "dist.dpAdjust", re: /^Adjusting world_size=(\d+) rank=\d+ distributed_init_method=\S+(?: for DP|\s*$)/, map: (m): Stated => ({ "distributed.worldSize": num(m[1]) }), priority: 7 },
    // `--max-model-len auto` (2026): the length the engine then runs with, decided after the banner printed the model's own
    {
      id: "config.maxModelLenAutoFit",
      re: /^Auto-fit max_model_len: (?:reduced from \d+ to (\d+)|full model context length (\d+) fits)/,
      map: (m): Stated => ({ "config.maxModelLen": num(m[1] ?? m[2]) }),
      priority: 10,
    },
    // ≈v0.11+ (vllm/config/vllm.py): names the executor backend that rules async scheduling out (`ray`, ...)
    {
      id: "config.asyncSchedulingBackend",
      re: /^Async scheduling will be disabled because it is not supported with the `(\w+)` distributed executor backend/,
      map: (m): Stated => ({ "config.executorBackend": m[1] }),
    },
  ],
  C: [
    KV_TOKENS,
    PLATFORM_ATTN,
    PLATFORM_CPU_GRAPH,
    // vllm/platforms/__init__.py (≈v0.7.3+, VLLM_LOGGING_LEVEL=DEBUG): the built-in platform check that found its device
    // (`Confirmed ROCm platform is available.`, CUDA's `... available on Jetson.`, CPU's `... because vLLM is built with
    // CPU.`), a step before the INFO `Automatically detected platform`, which wins; a window or a start that stops between
    // the two still names the platform. (`Confirmed xccl backend is available.` is XPU's collective backend, no platform.)
    { id: "platform.confirmed", re: /^Confirmed (CUDA|ROCm|TPU|XPU|HPU|CPU|Neuron|OpenVINO) platform is available\b/, map: (m): Stated => ({ "gpu.platform": m[1].toLowerCase() }), priority: 6 },
    { id: "config.chunkedPrefill", re: /^Chunked prefill is enabled with max_num_batched_tokens=(\d+)/, map: (m): Stated => ({ "config.maxNumBatchedTokens": num(m[1]) }) },
    { id: "customAllReduce.disabled", re: /^Custom allreduce is disabled (.*?)(?:\. To silence this warning.*)?$/, map: () => ({}) },
    // after capture (v1/worker/gpu_worker.py, ≈v0.19+): `CUDA graph pool memory: 0.71 GiB (actual), 0.79 GiB (estimated),
    // difference: 0.07 GiB (10.1%).`: what the graphs took (the figure `Graph capturing finished ... took` prints) and the
    // profiler's estimate taken off the KV budget before
    {
      id: "cudaGraph.pool",
      re: new RegExp(String.raw`^CUDA graph pool memory: ${GIB} \(actual\), ${GIB} \(estimated\)`),
      map: (m): Stated => ({ "memory.cudaGraphGiB": num(m[1]), "memory.cudaGraphEstimateGiB": num(m[2]) }),
    },
    // ≈v0.21: `The current --gpu-memory-utilization=0.9000 is equivalent to ...` states the configured value
    {
      id: "config.gpuUtilEquivalent",
      re: /^CUDA graph memory profiling is (?:enabled|disabled)\b.*?The current --gpu-memory-utilization=(\d+(?:\.\d+)?) is equivalent/,
      map: (m): Stated => ({ "config.gpuMemoryUtilization": num(m[1]) }),
      priority: 6,
    },
    // ≈v0.21, with VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0 (v1/worker/gpu_worker.py, a WARNING): `... Consider re-enabling it
    // (the default as of v0.21.0) and increasing --gpu-memory-utilization from 0.9350 to 0.9595.` (earlier `Consider
    // re-enabling it and increasing ...`): the first figure is the configured value, the second only a suggestion
    {
      id: "config.gpuUtilEquivalent",
      re: /^CUDA graph memory profiling is disabled\b.*?\bincreasing --gpu-memory-utilization from (\d+(?:\.\d+)?) to \d/,
      map: (m): Stated => ({ "config.gpuMemoryUtilization": num(m[1]) }),
      priority: 6,
    },
    // `Casting torch.bfloat16 to torch.float16.`: the dtype the engine runs with
    { id: "config.dtypeCast", re: /^Casting (torch\.\w+) to (torch\.\w+)\.?\s*$/, map: (m): Stated => ({ "config.dtype": m[2] }), priority: 6 },
  ],
  D: [
    // the same check when --quantization named the slower kernel: `Detected that the model can run with gptq_marlin, however
    // you specified quantization=gptq explicitly, so forcing gptq. Use quantization=gptq_marlin for faster inference`
    { id: "config.quantizationStated", re: /^Detected that the model can run with [a-z][a-z0-9_-]*, however you specified quantization=([a-z][a-z0-9_-]*) explicitly, so forcing \1\b/, map: (m): Stated => ({ "config.quantization": m[1] }) },
    // the platform forcing eager mode on a data-parallel run (platforms/cuda.py, ≈v0.8.5–0.9: `Data Parallel: Forcing enforce
    // eager to be True since DP is currently not supported with CUDA Graphs.`; later `... since DP with DeepEP high-throughput
    // kernels are not CUDA Graph compatible. ...`): the engine runs eager whatever the arguments said
    { id: "config.enforceEagerStated", re: /^Data Parallel: Forcing enforce eager to be True\b/, map: (): Stated => ({ "config.enforceEager": true }) },
    { id: "config.defaultBackend", re: /^Defaulting to use (\w+) for distributed inference/, map: (m): Stated => ({ "config.executorBackend": m[1] }) },
    // ≈v0.11 (vllm/engine/arg_utils.py): async scheduling picks the executor (≈v0.10 wrote `Using mp-based ...`)
    { id: "config.defaultBackend", re: /^Defaulting to (\w+)-based distributed executor backend\b/, map: (m): Stated => ({ "config.executorBackend": m[1] }) },
    { id: "customAllReduce.disabled", re: /^Disabled the custom all-reduce (.*)$/, map: () => ({}) },
    // `vllm serve` without --api-server-count (vllm/entrypoints/cli/serve.py, 2026-01+) starts one API server per data-parallel
    // rank and says so when that is more than one: `Defaulting api_server_count to data_parallel_size (4).`, or with the
    // hybrid load balancer one per local rank, `... to data_parallel_size_local (2) for hybrid LB mode.`
    { id: "dist.apiServerCount", re: /^Defaulting api_server_count to data_parallel_size \((\d+)\)/, map: (m): Stated => ({ "config.dataParallelSize": num(m[1]) }) },
    { id: "dist.apiServerCount", re: /^Defaulting api_server_count to data_parallel_size_local \((\d+)\) for hybrid LB mode/, map: (m): Stated => ({ "config.dataParallelSizeLocal": num(m[1]) }) },
    {
      id: "dist.dpLeader",
      re: /^DP group leader: node_rank=(\d+), node_rank_within_dp=\d+, master_addr=([^,\s]+),.*?\bworld_size=(\d+)/,
      map: (m): Stated => ({ "config.nodeRank": num(m[1]), "config.masterAddr": m[2], "distributed.worldSize": num(m[3]) }),
      priority: 7,
    },
  ],
  E: [
    PLATFORM_CPU_KV_SPACE,
    // CUDA graph memory profiling (v1/worker/gpu_model_runner.py `profile_cudagraph_memory`, ≈v0.19+, INFO, each worker):
    // `Estimated CUDA graph memory: 1.58 GiB total`, printed before `Available KV cache memory`, which it was taken off
    { id: "cudaGraph.estimate", re: new RegExp(String.raw`^Estimated CUDA graph memory: ${GIB} total`), map: (m): Stated => ({ "memory.cudaGraphEstimateGiB": num(m[1]) }) },
    { id: "kv.numGpuBlocks", re: /^Engine \d+: vllm cache_config_info with initialization after num_gpu_blocks is: (\d+)/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[1]) }) },
  ],
  G: [
    KV_TOKENS,
    // the V0 blocks line pasted outside a code block: markdown made `# GPU blocks: …` a heading and its `# ` is gone
    { id: "kv.blocks", re: /^(GPU|CUDA) blocks: (-?\d+), # CPU blocks: (\d+)/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[2]), "kvCache.cpuBlocks": num(m[3]), "kvCache.device": m[1], "vllm.engine": "v0" }) },
    { id: "kv.v1Blocks", re: /^GPU blocks: (\d+)\s*$/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[1]), "vllm.engine": "v1" }) },
    { id: "cudaGraph.captured", re: new RegExp(String.raw`^Graph capturing finished in (\d+(?:\.\d+)?) secs?(?:, took ${GIB})?`), map: (m): Stated => (m[2] !== undefined ? { "memory.cudaGraphGiB": num(m[2]) } : {}) },
  ],
  I: [
    // the banner's own words name the engine even where its `(vX) with config: ...` is gone (a window cut after
    // `engine`, or an author's `Initializing a V1 LLM engine ... model='m', ...`): V1's core.py says `a V1`, V0's
    // llm_engine.py `a V0` (0.8–0.10) or `an` (either engine while V1 was opt-in, so no engine from it)
    { id: "banner", re: /^Initializing (?:an?|a (V0|V1)) LLM engine\b/, map: (m): Stated => (m[1] ? { "vllm.engine": m[1] === "V1" ? "v1" : "v0" } : {}) },
    // V1 DEBUG (2026-01+): `Initial free memory: 78.50 GiB; Requested memory: 0.920000 (util), 72.22 GiB`
    {
      id: "config.gpuUtilRequested",
      re: /^Initial free memory: -?\d+(?:\.\d+)? ?GiB; Requested memory: (\d+(?:\.\d+)?) \(util\)/,
      map: (m): Stated => ({ "config.gpuMemoryUtilization": num(m[1]) }),
      priority: 6,
    },
    // ≈v0.18 (v1/worker/gpu_worker.py, INFO, before the CUDA graph estimate became the default): `In v0.19, CUDA graph memory
    // profiling will be enabled by default (...). To try it now, set ... and increase --gpu-memory-utilization from 0.7000 to
    // 0.7021 to maintain the same effective KV cache size.`: the first figure is the configured value, the second a suggestion
    {
      id: "config.gpuUtilEquivalent",
      re: /^In v\d+(?:\.\d+)*, CUDA graph memory profiling will be enabled by default\b.*?\bincrease --gpu-memory-utilization from (\d+(?:\.\d+)?) to \d/,
      map: (m): Stated => ({ "config.gpuMemoryUtilization": num(m[1]) }),
      priority: 6,
    },
    // multi-node mp (v0.11.1+): `Inferred data_parallel_rank 2 from node_rank 1[ for external lb]`
    { id: "dist.inferredDpRank", re: /^Inferred data_parallel_rank \d+ from node_rank (\d+)/, map: (m): Stated => ({ "config.nodeRank": num(m[1]) }), priority: 6 },
    // --kv-cache-memory: no profiling and no `Available KV cache memory` line; this is the KV cache's size
    {
      id: "kv.reserved",
      re: new RegExp(String.raw`^Initial free memory ${GIB}, reserved ${GIB} memory for KV Cache as specified by kv_cache_memory_bytes`),
      map: (m): Stated => ({ "kvCache.availableGiB": num(m[2]) }),
      priority: 7,
    },
  ],
  F: [
    // Intel Gaudi's worker (HabanaAI/vllm-fork hpu_worker.py, vllm-gaudi's V1 worker) after profiling: `Free device memory:
    // 79.22 GiB, 71.3 GiB usable (gpu_memory_utilization=0.9), 7.13 GiB reserved for HPUGraphs (VLLM_GRAPH_RESERVED_MEM=0.1),
    // 64.17 GiB reserved for KV cache`; the V1 worker keeps one block apart: `…, 2 MiB reserved for KV cache dummy block
    // 76.64 GiB reserved for usable KV cache`. The memory the KV cache gets is what `Available KV cache memory` says elsewhere.
    {
      id: "memory.hpuFree",
      re: new RegExp(
        String.raw`^Free device memory: ${HPU_BYTES}, ${HPU_BYTES} usable \(gpu_memory_utilization=(\d+(?:\.\d+)?)\),(?: ${HPU_BYTES} reserved for HPUGraphs \(VLLM_GRAPH_RESERVED_MEM=[\d.]+\), (?:${HPU_BYTES} reserved for KV cache(?= *$)|${HPU_BYTES} reserved for KV cache dummy block ${HPU_BYTES} reserved for usable KV cache))?`,
      ),
      map: (m): Stated => ({
        "config.gpuMemoryUtilization": num(m[5]),
        ...(m[8] !== undefined ? { "kvCache.availableGiB": hpuGiB(m[8], m[9]) } : m[12] !== undefined ? { "kvCache.availableGiB": hpuGiB(m[12], m[13]) } : {}),
      }),
    },
  ],
  L: [
    { id: "memory.weightsTook", re: new RegExp(String.raw`^Loading model weights took ${GIB}`), map: (m): Stated => ({ "memory.modelWeightsGiB": num(m[1]) }) },
    // the first form (vllm-project/vllm#3120, early 2024) counted in MiB: `Loading model weights took 244.61 MB`
    { id: "memory.weightsTook", re: /^Loading model weights took (\d+(?:\.\d+)?) ?MB\b/, map: (m): Stated => ({ "memory.modelWeightsGiB": Math.round((num(m[1]) / 1024) * 10000) / 10000 }) },
    // Intel Gaudi (HabanaAI/vllm-fork, vllm-gaudi hpu_model_runner.py): `Loading model weights took in total 15.05 GiB of device
    // memory (15.05 GiB/30.15 GiB used) and 1.134 GiB of host memory (...)` (HabanaMemoryProfiler's units: B, KiB, MiB, GiB)
    {
      id: "memory.weightsTook",
      re: /^Loading model weights took in total (\d+(?:\.\d+)?) (GiB|MiB) of device memory/,
      map: (m): Stated => ({ "memory.modelWeightsGiB": m[2] === "GiB" ? num(m[1]) : Math.round((num(m[1]) / 1024) * 10000) / 10000 }),
    },
    { id: "headless.launch", re: /^Launching vLLM \(v(\S+)\) headless multiproc executor, with head node address (\S+?)(?::\d+)? /, map: (m): Stated => ({ "vllm.version": m[1], "config.headless": true, "config.masterAddr": m[2] }) },
    // (the count is this node's engines, data_parallel_size_local; the address the data-parallel head's RPC endpoint)
    { id: "headless.dp", re: /^Launching (\d+) data parallel engine\(s\) in headless mode(?:, with head node address (?:tcp:\/\/)?\[?([^\s\]]+?)\]?(?::\d+)?\.?\s*$)?/, map: (m): Stated => ({ "config.headless": true, "config.dataParallelSizeLocal": num(m[1]), ...(m[2] ? { "config.dataParallelAddress": m[2] } : {}) }) },
  ],
  P: [
    // an out-of-tree platform plugin (vllm-ascend's `ascend`, Spyre, MetaX ...), printed instead of the line above
    PLATFORM_PIN,
    { id: "platform.plugin", re: /^Platform plugin ([A-Za-z][\w-]*) is activated\s*$/, map: (m): Stated => ({ "gpu.platform": m[1].toLowerCase() }), priority: 8 },
    { id: "memory.profileTable", re: new RegExp(String.raw`^PyTorch activation peak memory${TABLE_GAP}${GIB}\s*$`), map: (m): Stated => ({ "memory.peakActivationGiB": num(m[1]), "vllm.engine": "v0" }) },
    // Intel Gaudi (hpu_model_runner.py), the line before `Loading model weights took in total ...`, which outranks it when both
    // are there: `Pre-loading model weights on hpu:0 took 14.97 GiB of device memory (14.97 GiB/94.62 GiB used) and 2.95 GiB of host memory (...)`
    {
      id: "memory.weightsTook",
      re: /^Pre-loading model weights on \S+ took (\d+(?:\.\d+)?) (GiB|MiB) of device memory/,
      map: (m): Stated => ({ "memory.modelWeightsGiB": m[2] === "GiB" ? num(m[1]) : Math.round((num(m[1]) / 1024) * 10000) / 10000 }),
      priority: 7,
    },
  ],
  M: [
    { id: "kv.concurrency", re: /^Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x/, map: (m): Stated => ({ "kvCache.tokensPerRequest": num(m[1]), "kvCache.maxConcurrency": num(m[2]) }) },
    {
      id: "memory.modelLoadingTook",
      // v0.7–0.10 `Model loading took 14.99 GiB and 5.23 seconds`, ≥0.11 `... GiB memory and ... seconds`; a quote cut or
      // annotated after the size (`Model loading took 78.79 GiB memory   (text-only) ...`) still states the weights
      re: new RegExp(String.raw`^Model loading took ${GIB}(?: memory)?(?: and (\d+(?:\.\d+)?) seconds)?`),
      map: (m): Stated => ({ "memory.modelWeightsGiB": num(m[1]), ...(m[2] !== undefined ? { "memory.loadSeconds": num(m[2]) } : {}) }),
    },
    { id: "memory.profileResults", re: /^Memory profiling results: (.*)$/, map: (m) => profileResults(m[1]) },
    { id: "memory.profileV1Debug", re: /^Memory profiling takes [\d.]+ seconds\. (.*)$/, map: (m) => profileV1(m[1]) },
  ],
  N: [
    KV_TOKENS,
    { id: "kv.noCacheMemory", re: /^No available memory for the cache blocks/, map: () => ({}) },
  ],
  O: [
    // the number of GPU blocks the engine then uses is the override
    { id: "kv.override", re: /^Overriding num_gpu_blocks=\d+ with num_gpu_blocks_override=(\d+)/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[1]) }), priority: 7 },
  ],
  R: [
    // ModelConfig names the architecture it resolved (config/model.py, ≈0.10 on: `Resolved architecture: Qwen3ForCausalLM`)
    // just before its `Using max model len N`; a speculative decoding drafter gets a ModelConfig of its own, so the pair
    // comes twice, the drafter's second (`Qwen3_5MoeMTP`, `EagleLlamaForCausalLM`, ...). The name is no fact: the vLLM
    // domain reads it to tell the drafter's length from the served model's.
    { id: "model.architecture", re: /^Resolved architecture: ([A-Za-z_][\w.]*)\s*$/, map: (m): Stated => ({ name: m[1] }) },
  ],
  S: [
    KV_TOKENS,
    // (the model is one word, a name or a path: a quote that elided it, `Starting to load model ...`, or ran on into the
    // next record, `Starting to load model ... ERROR ... RuntimeError: ...`, names none)
    { id: "model.startLoad", re: /^Starting to load model (?=\S*[A-Za-z0-9])(\S+?)(?:\.\.\.)?\s*$/, map: (m): Stated => ({ "config.model": m[1] }), priority: 2 },
    { id: "server.starting", re: /^Starting vLLM (?:API )?server(?: \d+)? on (\S+)/, map: () => ({ "server.ready": true }), priority: 1 },
    // the front end starting V1's data-parallel coordinator process (vllm/v1/engine/coordinator.py, whose process is
    // named `VLLM_DP_Coordinator`), logged from vllm/v1/utils.py (0.8.5) and vllm/v1/engine/utils.py (0.9 on) when
    // --data-parallel-size > 1: `Started DP Coordinator process (PID: 279)`. V0 has no such process, so the line names
    // the engine even when no process prefix or `v1/` path does (a 0.8 server logs unprefixed records)
    { id: "engine.dpCoordinator", re: /^Started DP Coordinator process \(PID: \d+\)/, map: (): Stated => ({ "vllm.engine": "v1" }) },
  ],
  T: [
    // printed only when enforce_eager is set (config.py ≤0.6, then platforms/*.py `is_async_output_supported`; NPU plugins say
    // `enable NPU graph`): `To see benefits of async output processing, enable CUDA graph. Since, enforce-eager is enabled,
    // async output processor cannot be used`
    {
      id: "config.enforceEagerStated",
      re: /^To see benefits of async output processing, enable \w+ graph\. Since, enforce-eager is enabled\b/,
      map: (): Stated => ({ "config.enforceEager": true }),
    },
    // the quantization kernel vLLM picked for a GPTQ/AWQ checkpoint (model_executor/layers/quantization/*_marlin.py
    // `override_quantization_method`, 0.5 on): `The model is convertible to awq_marlin during runtime. Using awq_marlin kernel.`
    { id: "config.quantizationStated", re: /^The model is convertible to ([a-z][a-z0-9_-]*) during runtime\. Using \1 kernel\b/, map: (m): Stated => ({ "config.quantization": m[1] }) },
    KV_TOKENS,
    // Ray ≈v0.11.1+ (ray_utils.initialize_ray_cluster): the GPUs visible on this node. The number it calls the tensor
    // parallel size is `parallel_config.world_size` (TP × PP), as in config.tpExceedsGpus below: the world size, and the
    // TP only while no pipeline of several stages is known (Sourced.world in src/facts/vllm.ts)
    {
      id: "config.tpExceedsGpus",
      re: /^Tensor parallel size \((\d+)\) exceeds available GPUs \((\d+)\)/,
      map: (m): Stated => ({ "config.tensorParallelSize": num(m[1]), "distributed.worldSize": num(m[1]), "gpu.count": num(m[2]), worldAsTp: true }),
      priority: 6,
    },
    // (the cache's token count is left out when an error-help page quotes the message: `... stored in KV cache. Try ...`)
    { id: "kv.insufficientV0", re: /^The model's max seq len \((\d+)\) is larger than the maximum number of tokens that can be stored in KV cache(?: \((\d+)\)|(?=\.))/, map: (m): Stated => (m[2] === undefined ? { "config.maxModelLen": num(m[1]) } : { "config.maxModelLen": num(m[1]), "kvCache.maxTokensStorable": num(m[2]) }) },
  ],
  // the V1 front end waiting for its engine-core processes' handshake (vllm/v1/engine/utils.py wait_for_engine_startup,
  // 0.9 on, DEBUG every 10 s): `Waiting for 1 local, 0 remote core engine proc(s) to start.` A log that ends on it
  // stopped while the engines were still starting (what it waited for: the first such line's count)
  W: [
    {
      id: "server.awaitingEngines",
      re: /^Waiting for (\d+) local, (\d+) remote core engine proc\(s\) to start\.?\s*$/,
      map: (m): Stated => ({ "server.awaitingEngines": Number(m[1]) + Number(m[2]) }),
    },
  ],
  U: [
    { id: "config.maxModelLen", re: /^Using max model len (\d+)/, map: (m): Stated => ({ "config.maxModelLen": num(m[1]) }) },
    // the linear kernel a quantization method's layers picked, logged once per kernel while the model is built: `Using
    // MacheteLinearKernel for GPTQMarlinLinearMethod` (gptq_marlin.py, awq_marlin.py, gptq_bitblas.py, ≈0.6.4 on; the
    // auto_gptq.py / auto_awq.py methods later), `Using CutlassScaledMMLinearKernel for CompressedTensorsW8A8Int8` (every
    // compressed-tensors scheme names its own class). The class names the method; the kernel alone names none (`Using
    // CutlassNvFp4LinearKernel for NVFP4 GEMM` is shared by several methods), so only the classes below count. Ranked
    // under the engine's banner and the arguments, which name the method outright.
    { id: "config.quantizationKernel", re: QUANT_KERNEL_FOR, map: (m): Stated => ({ "config.quantization": QUANT_METHOD_OF_CLASS[m[1]] ?? "compressed-tensors" }), priority: 3 },
    { id: "config.defaultBackend", re: /^Using (\w+)-based distributed executor backend\b/, map: (m): Stated => ({ "config.executorBackend": m[1] }) },
  ],
  i: [
    {
      id: "initEngine.took",
      re: /^init engine \(profile, create kv cache, warmup model\) took (\d+(?:\.\d+)?) s/,
      map: (m): Stated => ({ "memory.initEngineSeconds": num(m[1]) }),
    },
  ],
  g: [
    { id: "memory.profileTable", re: new RegExp(String.raw`^gpu_memory_utilization${TABLE_GAP}(\d(?:\.\d+)?)\s*$`), map: (m): Stated => ({ "config.gpuMemoryUtilization": num(m[1]), "vllm.engine": "v0" }) },
  ],
  a: [
    { id: "memory.profileTable", re: new RegExp(String.raw`^available_kv_cache_memory${TABLE_GAP}${GIB}\s*$`), map: (m): Stated => ({ "kvCache.availableGiB": num(m[1]), "vllm.engine": "v0" }) },
  ],
  n: [
    { id: "memory.profileTable", re: new RegExp(String.raw`^non_torch_memory${TABLE_GAP}${GIB}\s*$`), map: (m): Stated => ({ "memory.nonTorchGiB": num(m[1]), "vllm.engine": "v0" }) },
  ],
  m: [
    { id: "memory.profileTable", re: new RegExp(String.raw`^model weights take${TABLE_GAP}${GIB}\s*$`), map: (m): Stated => ({ "memory.modelWeightsGiB": num(m[1]), "vllm.engine": "v0" }) },
    {
      id: "memory.profileV0Parts",
      re: new RegExp(String.raw`^model weights take ${GIB}; non_torch_memory takes ${GIB}; PyTorch activation peak memory takes ${GIB}; the rest of the memory reserved for KV Cache is ${GIB}`),
      map: (m): Stated => ({ "memory.modelWeightsGiB": num(m[1]), "memory.nonTorchGiB": num(m[2]), "memory.peakActivationGiB": num(m[3]), "kvCache.availableGiB": num(m[4]), "vllm.engine": "v0" }),
    },
    {
      // the same line cut by a window or a paste after a clause (`... non_torch_memory takes 0.43GiB; PyTorch acti`): the
      // clauses before the cut still hold; a number cut before its unit is no clause. Its own id, so that a line wrapped
      // at a semicolon is still joined to its rest (the whole line reads as memory.profileV0Parts)
      id: "memory.profileV0PartsCut",
      re: new RegExp(String.raw`^(?!.*; the rest of the memory reserved for KV Cache is \d)model weights take ${GIB}(?:;|$)(?: non_torch_memory takes ${GIB}(?:;|$)(?: PyTorch activation peak memory takes ${GIB}(?:;|$))?)?`),
      map: (m): Stated => ({
        "memory.modelWeightsGiB": num(m[1]),
        ...(m[2] !== undefined ? { "memory.nonTorchGiB": num(m[2]) } : {}),
        ...(m[3] !== undefined ? { "memory.peakActivationGiB": num(m[3]) } : {}),
        "vllm.engine": "v0",
      }),
    },
  ],
  r: [
    {
      id: "dist.rankAssigned",
      // v0.8+; `PCP rank N, ` between PP and TP from v0.12. `rank`, `dp`, `pp`, `tp` (no dot): the rank's coordinates
      re: /^rank (\d+) in world size (\d+) is assigned as (?:DP rank (\d+), PP rank (\d+), (?:PCP rank \d+, )?TP rank (\d+))?/,
      map: (m): Stated => ({
        "distributed.worldSize": num(m[2]),
        ...(m[5] !== undefined ? { rank: num(m[1]), dp: num(m[3]), pp: num(m[4]), tp: num(m[5]) } : {}),
      }),
    },
  ],
  t: [
    // a development build of v0.6.5 (PR #10511, Dec 2024) printed the profile as a table, one `name<TAB>value` row a
    // record under `Memory profiling results:`; the release printed the three-line form above (memory.profileV0Total)
    { id: "memory.profileTable", re: new RegExp(String.raw`^total_gpu_memory${TABLE_GAP}${GIB}\s*$`), map: (m): Stated => ({ "memory.totalGpuGiB": num(m[1]), "vllm.engine": "v0" }) },
    {
      id: "config.tpExceedsGpus",
      re: /^tensor_parallel_size=(\d+) is bigger than a reserved number of GPUs \(\d+ GPUs\) in a node/,
      map: (m): Stated => ({ "config.tensorParallelSize": num(m[1]) }),
      priority: 6,
    },
    {
      id: "memory.profileV0Total",
      re: new RegExp(String.raw`^the current vLLM instance can use total_gpu_memory \(${GIB}\) x gpu_memory_utilization \(([\d.]+)\)`),
      map: (m): Stated => ({ "memory.totalGpuGiB": num(m[1]), "config.gpuMemoryUtilization": num(m[2]), "vllm.engine": "v0" }),
    },
  ],
  w: [
    {
      id: "dist.worldSize",
      // v0.4.1 printed `f"{world_size=} ..."`: string values in quotes; a paste or a window may cut the line after any
      // field (`... local_rank=0 distributed_init_method=`), and the sizes before the cut still hold. rank and local_rank
      // keep init_distributed_environment's default -1 where the caller passes none (a CPU or macOS run's single process:
      // `world_size=1 rank=0 local_rank=-1 distributed_init_method=tcp://... backend=gloo`)
      re: /^world_size=(\d+) rank=(-?\d+) local_rank=(-?\d+)(?: distributed_init_method='?([^\s']*)'?(?: backend='?(\w+)'?)?)?(?:\s|$)/,
      map: (m): Stated => {
        const out: Stated = { "distributed.worldSize": num(m[1]) };
        if (m[5]) out["distributed.backend"] = m[5];
        const ip = /^tcp:\/\/\[?([0-9A-Fa-f.:]+?)\]?:\d+$/.exec(m[4] ?? "");
        if (ip) out["distributed.hostIp"] = ip[1];
        return out;
      },
    },
  ],
  d: [
    { id: "dist.driverIp", re: /^driver_ip: ([0-9A-Fa-f.:]+)\s*$/, map: (m): Stated => ({ "distributed.hostIp": m[1] }) },
  ],
  v: [
    { id: "version.apiServer", re: /^vLLM API server version ([^\s"'}\],;]+)/, map: (m): Stated => ({ "vllm.version": m[1] }) },
    { id: "version.server", re: /^vLLM server version (\S+?),? serving model (\S+)/, map: (m): Stated => ({ "vllm.version": m[1], "config.model": m[2] }) },
    // V1 0.8-0.9 printed the line without the `Engine 000: ` prefix that data-parallel engines added later
    { id: "kv.numGpuBlocksBare", re: /^vllm cache_config_info with initialization after num_gpu_blocks is: (\d+)/, map: (m): Stated => ({ "kvCache.gpuBlocks": num(m[1]) }) },
  ],
};

/**
 * ModelConfig's check of the method it will run (config.py `_verify_quantization`, 0.2 on; config/model.py later), a
 * WARNING after any kernel override: `gptq quantization is not fully optimized yet. The speed can be slower than
 * non-quantized models.` vLLM lower-cases the method's name, so the phrase starts with any lower-case letter.
 */
const QUANT_NOT_OPTIMIZED: Entry = {
  id: "config.quantizationStated",
  re: /^([a-z][a-z0-9_-]*) quantization is not fully optimized yet\b/,
  map: (m): Stated => ({ "config.quantization": m[1] }),
};
for (let c = 97; c <= 122; c++) (BY_FIRST[String.fromCharCode(c)] ??= []).push(QUANT_NOT_OPTIMIZED);

/**
 * Phrases that may sit anywhere in a message, also inside an exception line (`ValueError: To serve at
 * least one request ...`), found by a fixed substring first.
 */
const ANYWHERE: { key: string; entry: Entry }[] = [
  {
    // 0.8-0.10's engine oracle (vllm/engine/arg_utils.py `_raise_or_fallback` / `_warn_or_fallback`): V0 runs
    key: "Falling back to V0",
    entry: {
      id: "engine.v0Fallback",
      re: /(?:is not supported by the V1 Engine|is experimental on VLLM_USE_V1=1)\. Falling back to V0\b/,
      map: (): Stated => ({ "vllm.engine": "v0" }),
    },
  },
  {
    key: "max seq len (",
    entry: {
      id: "kv.insufficientV1",
      re: new RegExp(String.raw`To serve at least one request with the models?(?:'s)? max seq len \((\d+)\),? \(?${GIB} KV cache is needed, which is larger than the available KV cache memory \(${GIB}\)(?:\. Based on the available memory, the estimated maximum model length is (\d+))?`),
      map: (m): Stated => ({ "config.maxModelLen": num(m[1]), "kvCache.neededGiB": num(m[2]), "kvCache.availableGiB": num(m[3]) }),
    },
  },
  {
    key: "max seq len (",
    entry: {
      id: "kv.insufficientV0",
      re: /The model's max seq len \((\d+)\) is larger than the maximum number of tokens that can be stored in KV cache(?: \((\d+)\)|(?=\.))/,
      map: (m): Stated => (m[2] === undefined ? { "config.maxModelLen": num(m[1]) } : { "config.maxModelLen": num(m[1]), "kvCache.maxTokensStorable": num(m[2]) }),
    },
  },
  {
    // the V1 message's opening clause without the sizes (cut, or wrapped after the comma; a join of the wrapped halves
    // reads the whole message, so this is another phrase than the whole one)
    key: "max seq len (",
    entry: {
      id: "kv.insufficientV1Head",
      re: /To serve at least one request with the models?(?:'s)? max seq len \((\d+)\)/,
      map: (m): Stated => ({ "config.maxModelLen": num(m[1]) }),
    },
  },
  {
    key: "is larger than the number of available GPUs",
    entry: {
      id: "dist.worldSizeTooLarge",
      re: /World size \((\d+)\) is larger than the number of available GPUs \((\d+)\)(?: in this node)?/,
      map: (m): Stated => ({ "distributed.worldSize": num(m[1]), ...(/in this node/.test(m[0]) ? { "gpu.count": num(m[2]) } : {}) }),
    },
  },
  {
    // ≈v0.11.1+ (vllm/config/parallel.py), as a ValueError or inside pydantic's `Value error, ...`. The number it calls the
    // tensor parallel size is the world size (TP × PP: the f-string prints `self.world_size`, the check later worded
    // `World size (N) is larger than ...`), and the GPUs are this node's. It equals TP only when PP is 1, so a TP the
    // launch states (command line, args, banner) outranks it: `-tp 8 -pp 2` on one 8-GPU node prints `(16)`.
    key: "cannot be larger than the number of available GPUs",
    entry: {
      id: "config.tpExceedsGpus",
      re: /Tensor parallel size \((\d+)\) cannot be larger than the number of available GPUs \((\d+)\)/,
      map: (m): Stated => ({ "config.tensorParallelSize": num(m[1]), "distributed.worldSize": num(m[1]), "gpu.count": num(m[2]), worldAsTp: true }),
      priority: 4,
    },
  },
  {
    key: "to less than max local gpu count",
    entry: {
      id: "dist.tpOverLocalGpus",
      re: /please set tensor_parallel_size \((\d+)\) to less than max local gpu count \((\d+)\)/,
      map: (m): Stated => ({ "config.tensorParallelSize": num(m[1]), "gpu.count": num(m[2]) }),
      priority: 6,
    },
  },
  {
    // SchedulerConfig refusing a step budget below max_model_len while chunked prefill is off (ValueError, or pydantic's
    // `Value error, ...` line): both numbers are the engine's configuration
    key: "is smaller than max_model_len (",
    entry: {
      id: "err.batchedTokensBelowMaxLen",
      re: /max_num_batched_tokens \((\d+)\) is smaller than max_model_len \((\d+)\)/,
      map: (m): Stated => ({ "config.maxNumBatchedTokens": num(m[1]), "config.maxModelLen": num(m[2]) }),
      priority: 6,
    },
  },
  {
    key: "User-specified max_model_len (",
    entry: { id: "err.maxModelLenTooBig", re: /User-specified max_model_len \((\d+)\) is greater than the derived max_model_len/, map: (m): Stated => ({ "config.maxModelLen": num(m[1]) }), priority: 6 },
  },
  {
    key: "is not supported for the current GPU",
    entry: { id: "err.quantCapability", re: /The quantization method ([\w\-]+) is not supported for the current GPU/, map: (m): Stated => ({ "config.quantization": m[1] }), priority: 6 },
  },
  {
    key: "is not supported for quantization method",
    entry: {
      id: "err.quantDtype",
      re: /(torch\.\w+) is not supported for quantization method ([\w\-]+)/,
      map: (m): Stated => ({ "config.dtype": m[1], "config.quantization": m[2] }),
      priority: 6,
    },
  },
  {
    // V1 start-up check: `Free memory on device cuda:0 (7.34/15.49 GiB) on startup is less than desired GPU memory
    // utilization (0.8, 12.39 GiB). ...` (a pasted wrap may start a line at `is less than`)
    key: "less than desired GPU memory utilization (",
    entry: {
      id: "err.gpuUtilTooHigh",
      re: FREE_MEMORY_CHECK,
      map: (m): Stated => ({ "config.gpuMemoryUtilization": num(m[3]), ...(m[2] !== undefined ? { "gpu.memoryGiB": num(m[2]) } : {}) }),
      priority: 6,
    },
  },
  {
    // V1 (≈v0.11+, gpu_worker.py) after profiling, INFO: `Free memory on device (47.23/47.53 GiB) on startup. Desired GPU
    // memory utilization is (0.15, 7.13 GiB). Actual usage is ... Replace gpu_memory_utilization config with
    // --kv-cache-memory=...` — the utilisation configured and the device's total (a paste may start at `Desired`)
    key: "Desired GPU memory utilization is (",
    entry: {
      id: "config.gpuUtilDesired",
      re: /(?:Free memory on device(?: \S+)? \(-?\d+(?:\.\d+)?\/(\d+(?:\.\d+)?) ?GiB\) on startup\.\s+)?Desired GPU memory utilization is \((\d+(?:\.\d+)?), -?\d+(?:\.\d+)? ?GiB\)/,
      map: (m): Stated => ({ "config.gpuMemoryUtilization": num(m[2]), ...(m[1] !== undefined ? { "gpu.memoryGiB": num(m[1]) } : {}), ...actualUsage(m.input) }),
      priority: 6,
    },
  },
  {
    // a platform without the executor asked for (vllm/platforms/cpu.py, xpu.py): `uni is not supported on CPU, fallback to
    // mp distributed executor backend.` (the backend quoted in some versions: `ray`)
    key: "distributed executor backend",
    entry: { id: "config.defaultBackend", re: /^`?\w+`? is not supported on \w+, fallback to `?(\w+)`? distributed executor backend/, map: (m): Stated => ({ "config.executorBackend": m[1] }) },
  },
  { key: "No available memory for the cache blocks", entry: { id: "kv.noCacheMemory", re: /No available memory for the cache blocks/, map: () => ({}) } },
  {
    key: "must be divisible by tensor parallel size",
    entry: { id: "err.headsDivisible", re: /Total number of attention heads \((\d+)\) must be divisible by tensor parallel size \((\d+)\)/, map: (m): Stated => ({ "config.tensorParallelSize": num(m[2]) }) },
  },
  {
    key: "must be divisible by pipeline parallel size",
    entry: { id: "err.layersDivisible", re: /Total number of hidden layers \((\d+)\) must be divisible by pipeline parallel size \((\d+)\)/, map: (m): Stated => ({ "config.pipelineParallelSize": num(m[2]) }) },
  },
  {
    key: "Bfloat16 is only supported",
    entry: { id: "err.bf16Capability", re: /Your (.+?) GPU (?:has|does not have a) compute capability/, map: (m): Stated => ({ "gpu.name": m[1] }) },
  },
  {
    key: "CUDA out of memory",
    entry: {
      id: "err.cudaOom",
      re: new RegExp(String.raw`CUDA out of memory\.(?:.*?GPU \d+ has a total capaci?ty of ${GIB}|.*?\(GPU \d+; ${GIB} total capacity)?`),
      map: (m): Stated => (m[1] ? { "gpu.memoryGiB": num(m[1]) } : m[2] ? { "gpu.memoryGiB": num(m[2]) } : {}),
    },
  },
];

const ANYWHERE_KEYS = [...new Set(ANYWHERE.map((a) => a.key))];

function tryEntry(e: Entry, text: string): PhraseMatch | null {
  const m = e.re.exec(text);
  if (!m) return null;
  const facts = e.map(m);
  if (!facts) return null;
  return e.priority === undefined ? { id: e.id, facts } : { id: e.id, facts, priority: e.priority };
}

/**
 * The literal words each start-anchored phrase begins with (`Loading model weights took `, `# GPU blocks: `), as one
 * regex, for finding a vLLM message after a header that is not vLLM's (a custom logging format, a pasted excerpt).
 */
const LITERAL_HEAD = /^\^((?:[^\\()[\]{}.*+?|$^]|\\[#'\s.()\-])+)/;
const MESSAGE_HEADS = (() => {
  // phrases whose literal start is short, written out to their specific part
  const heads = new Set<string>([
    "# [A-Za-z]+ blocks: -?\\d",
    "Initializing (?:an?|a V[01]) LLM engine",
    "Dumping input data for V[01] LLM engine",
    "non-default args: \\{",
    "args: Namespace\\(",
    "rank \\d+ in world size \\d+ is assigned as ",
    "Casting torch\\.\\w+ to torch\\.",
    ...["GPU", "NPU", "XPU", "HPU", "TPU", "CPU", "Spyre"].map((d) => `${d} KV cache size: \\d`),
    "GPU blocks: -?\\d",
    "CUDA blocks: \\d+, # CPU blocks: ",
    // two refusals of the configuration a paste may quote without the exception's name (`User-specified max_model_len
    // (131072) is greater than ...`): read as the message itself
    "User-specified max_model_len \\(\\d",
    "max_num_batched_tokens \\(\\d+\\) is smaller than max_model_len \\(\\d",
  ]);
  for (const list of Object.values(BY_FIRST))
    for (const e of list) {
      const m = LITERAL_HEAD.exec(e.re.source);
      // short heads (`# `) are not specific enough to look for inside a line
      if (m && m[1].replace(/\\/g, "").length >= 10) heads.add(m[1]);
    }
  return [...heads];
})();
// sticky: tried only at the positions findMessageStart picks
const MESSAGE_AT = new RegExp(`(?:${MESSAGE_HEADS.join("|")})`, "y");
// the characters a head starts with, by char code
const HEAD_FIRST: boolean[] = Array.from({ length: 128 }, (_, c) => MESSAGE_HEADS.some((h) => h.charCodeAt(h[0] === "\\" ? 1 : 0) === c));
// (and the logger of Xinference, which runs vLLM: `xinference.api.restful_api 1 ERROR    [address=...] msg`)
const FOREIGN_HEAD = /^(?:[\[{<(\d]|[A-Z]{3,}(?:[ \]|\-]|:(?! {2}))|[A-Z]\d{4} |[\w.]*vllm|xinference\.)/;
// a markdown list item's marker: `- GPU KV cache size: 112,347 tokens, ...` in a generated report
const LIST_MARK = /^[-*+] (?=\S)/;
/** a header of its own is shorter than this: a message starts within these first characters */
const MAX_HEADER_CHARS = 300;

/**
 * Where a vLLM message starts in `text` that has no vLLM logger header: 0 when the text is the message, 2 after a
 * markdown list marker (`- `, `* `, `+ `), the offset after a foreign header (`[2025-01-02 10:11:12] [INFO] [vllm.worker] Loading model weights took ...`),
 * -1 when no phrase of the table starts there. Only phrases whose start is specific are looked for, and only at
 * the start or after a separator that ends a header (space, `]`, `|`, `:`, `"`, `-`).
 */
export function findMessageStart(text: string): number {
  const c0 = text.charCodeAt(0);
  if (c0 < 128 && HEAD_FIRST[c0]) {
    MESSAGE_AT.lastIndex = 0;
    if (MESSAGE_AT.test(text)) return 0;
  }
  // a list item's message right after its marker, not one inside the item's prose
  if (LIST_MARK.test(text)) {
    MESSAGE_AT.lastIndex = 2;
    return MESSAGE_AT.test(text) ? 2 : -1;
  }
  // past position 0 only behind what looks like a header: a bracket, brace or date, a level word (not uvicorn's
  // `INFO:     `), glog's `I0304 `, a `vllm...` logger name
  if (!FOREIGN_HEAD.test(text)) return -1;
  const n = Math.min(text.length, MAX_HEADER_CHARS);
  for (let i = 1; i < n; i++) {
    const p = text.charCodeAt(i - 1);
    if (p !== 32 && p !== 9 && p !== 93 && p !== 124 && p !== 58 && p !== 34 && p !== 45) continue;
    const c = text.charCodeAt(i);
    if (c >= 128 || !HEAD_FIRST[c]) continue;
    MESSAGE_AT.lastIndex = i;
    if (MESSAGE_AT.test(text)) return i;
  }
  return -1;
}

/** Reads one vLLM message (the text after the logger prefix). */
export function matchMessage(msg: string): PhraseMatch | null {
  const list = BY_FIRST[msg[0]];
  if (list) {
    for (const e of list) {
      const r = tryEntry(e, msg);
      if (r) return r;
    }
  }
  return matchAnywhere(msg);
}

/** Phrases that also count inside exception lines and other non-vLLM records. Cheap when none is present. */
export function matchAnywhere(text: string): PhraseMatch | null {
  let hit = false;
  for (const k of ANYWHERE_KEYS)
    if (text.includes(k)) {
      hit = true;
      break;
    }
  if (!hit) return null;
  for (const a of ANYWHERE) {
    if (!text.includes(a.key)) continue;
    const r = tryEntry(a.entry, text);
    if (r) return r;
  }
  return null;
}

/**
 * Status lines about custom all-reduce and GPU peer-to-peer access that are not vLLM's own records: launcher
 * and wrapper scripts (`[nvlink] P2P DISABLED — NCCL_P2P_DISABLE=1, custom all-reduce OFF`), other engines'
 * copies of vLLM's warning (`[... TP0] Custom allreduce is disabled because ...`), CUDA's peer-access errors.
 * Callers test for `P2P`, `eer access` or `ll-reduce`/`llreduce`/`ll_reduce` first.
 */
const CUSTOM_AR_OFF = /Custom allreduce is disabled\b|Disabled the custom all-reduce\b|\bcustom[ _-]?all[ _-]?reduce(?: kernel)?\s*(?:is |was |has been |[=:]\s*)?(?:disabled|off)\b/i;
const P2P_UNAVAILABLE = /\b(?:GPU )?P2P(?: access)?:?\s+(?:is |was )?(?:not (?:available|supported|enabled|possible)|unavailable|unsupported|disabled)\b|\bno (?:GPU )?P2P\b|lacks GPU P2P|P2P (?:access )?(?:test|check) failed|peer access is not supported/i;

export function matchTopologyStatus(text: string): PhraseMatch | null {
  if (CUSTOM_AR_OFF.test(text)) return { id: "customAllReduce.disabled", facts: {} };
  if (P2P_UNAVAILABLE.test(text)) return { id: "p2p.unavailable", facts: {} };
  return null;
}

/**
 * An environment variable a container or shell echoes, one per line: `declare -x NCCL_VERSION="2.15.5-1"`,
 * `export NCCL_P2P_DISABLE=1`, `NCCL_SOCKET_IFNAME=eth0` (`env`), `ENV NCCL_VERSION 2.17.1` (Dockerfile), after a
 * shell prompt (`$ export ...`, bash's `user@host:dir# export ...`, a virtualenv's `(venv) user@host:~$ export ...`), a compose file's `- NCCL_P2P_DISABLE=1` or `NCCL_P2P_DISABLE: "1"`. Only the families that matter to the rules (NCCL_*, NV_LIBNCCL*, VLLM_*, GLOO_*,
 * TORCH_NCCL_*, UCX_*, FI_*, CUDA_VISIBLE_DEVICES, MASTER_ADDR/PORT). A version stated
 * here is what the image was built with, not necessarily the library a process loaded. Callers test for `=` or
 * `ENV ` first. A shell's or a compose file's comment after the value (`export NCCL_IB_DISABLE=1  # no IB here`) is no part
 * of it.
 */
const ENV_ECHO = /^(?:[$#>] |- |(?:\([\w.-]+\) )?[\w.-]+@[\w.-]+:[^\s$#]*[$#] ?)?(?:declare -x |export |ENV |ARG |setenv )?((?:NCCL|NV_LIBNCCL|VLLM|GLOO|TORCH_NCCL|UCX|FI)_[A-Z0-9_]+|CUDA_VISIBLE_DEVICES|NVIDIA_VISIBLE_DEVICES|CUDA_DEVICE_MAX_CONNECTIONS|MASTER_ADDR|MASTER_PORT)(?:=|:\s+|\s+)(?:"([^"]*)"|'([^']*)'|(\S*))(?:\s+#.*)?\s*$/;

/**
 * The NCCL wheel in `pip list` / `pip freeze` output: `nvidia-nccl-cu12   2.20.5`, `nvidia-nccl-cu12==2.20.5`, and as
 * vLLM's collect_env.py lists it, tagged `[pip3] nvidia-nccl-cu12==2.21.5` or with conda's build and channel columns
 * `[conda] nvidia-nccl-cu12          2.21.5                   pypi_0    pypi`. vLLM 0.4.0-0.4.1 pinned its own NCCL in a
 * second wheel, `vllm-nccl-cu12==2.18.1.0.3.0` (NCCL 2.18.1, which pynccl loaded beside torch's).
 */
const PIP_NCCL = /^(?:\[(?:pip3?|conda)\] )?((?:nvidia|vllm)-nccl-cu\d+)(?:==|\s+)(\d+\.\d+\.\d+)\S*(?:\s+\S+\s+\S+)?\s*$/;

export function matchEnvEcho(text: string): PhraseMatch | null {
  const t = text.trim();
  const m = ENV_ECHO.exec(t) ?? PIP_NCCL.exec(t);
  if (!m) return null;
  return { id: "env.echo", facts: { name: m[1], value: m[2] ?? m[3] ?? m[4] ?? "" } };
}

/** `Custom allreduce is disabled because ...` / `Disabled the custom all-reduce kernel because ...`: the reason. */
export function customAllReduceReason(msg: string): string | null {
  const m = /^(?:Custom allreduce is disabled|Disabled the custom all-reduce(?: kernel)?) (.*?)(?:\. To silence this warning.*)?$/.exec(msg);
  return m ? m[1].replace(/\.$/, "") : null;
}

function profileResults(s: string): Stated {
  // 0.6.x: `total_gpu_memory=79.15GiB initial_memory_usage=... peak_torch_memory=... non_torch_memory=... kv_cache_size=...GiB gpu_memory_utilization=0.90`
  const out: Stated = { "vllm.engine": "v0" };
  const get = (k: string) => new RegExp(String.raw`\b${k}=(-?\d+(?:\.\d+)?)`).exec(s)?.[1];
  const total = get("total_gpu_memory");
  if (total) out["memory.totalGpuGiB"] = num(total);
  // (`peak_torch_memory` is torch's allocated peak over the profiling run, counted from the loaded model: the weights
  // plus the activations, not the activations alone; src/facts/vllm.ts takes the weights off when the log states them)
  const peak = get("peak_torch_memory");
  if (peak) out["memory.peakTorchGiB"] = num(peak);
  const nonTorch = get("non_torch_memory");
  if (nonTorch) out["memory.nonTorchGiB"] = num(nonTorch);
  const kv = get("kv_cache_size");
  if (kv) out["kvCache.availableGiB"] = num(kv);
  const util = get("gpu_memory_utilization");
  if (util) out["config.gpuMemoryUtilization"] = num(util);
  return out;
}

function profileV1(s: string): Stated {
  // V1 DEBUG: `Total non KV cache memory: 16.1GiB; torch peak memory increase: 1.2GiB; non-torch forward increase memory: 0.1GiB; weights memory: 14.9GiB.`
  const out: Stated = {};
  const peak = new RegExp(String.raw`torch peak memory increase: ${GIB}`).exec(s);
  if (peak) out["memory.peakActivationGiB"] = num(peak[1]);
  const nonTorch = new RegExp(String.raw`non-torch forward increase memory: ${GIB}`).exec(s);
  if (nonTorch) out["memory.nonTorchGiB"] = num(nonTorch[1]);
  const w = new RegExp(String.raw`weights memory: ${GIB}`).exec(s);
  if (w) out["memory.modelWeightsGiB"] = num(w[1]);
  return out;
}

/** The ASCII logo of ≥0.15 (`▄▄ ▄█ █ ... version 0.16.0` / `... model   Qwen/Qwen3-8B`). */
export function matchLogo(msg: string): PhraseMatch | null {
  if (msg.indexOf("█") < 0 && msg.indexOf("▀") < 0 && msg.indexOf("▄") < 0) return null;
  const v = /[\u2588\u2580\u2584]\s+version\s+(\S+)\s*$/.exec(msg);
  if (v) return { id: "version.logo", facts: { "vllm.version": v[1] } };
  const m = /[\u2588\u2580\u2584]\s+model\s+(\S+)\s*$/.exec(msg);
  if (m) return { id: "model.logo", facts: { "config.model": m[1] } };
  return null;
}

/**
 * The banner: `Initializing a V1 LLM engine (v0.9.1) with config: ...` -> label, version and the dump text. The engine
 * dumps the same config when a step fails (vllm/logging_utils/dump_input.py, at ERROR): ≈v0.9 in a record of its own
 * after `Dumping input data` (`V1 LLM engine (v0.9.1) with config: ...`, V0's `V0 LLM engine ...`), from ≈v0.10 in one
 * record (`Dumping input data for V1 LLM engine (v0.11.0) with config: ...`).
 */
export function parseBanner(msg: string): { engine: "v0" | "v1" | null; version: string | null; dump: string } | null {
  // (a paste may put the dump on the lines after `... with config`, the colon kept or not)
  const m = /^(?:Initializing (an|a V0|a V1)|(?:Dumping input data for )?(V0|V1)) LLM engine(?: \(v([^)\s]+)\))? with config(?:: |:?\s*$)/.exec(msg);
  if (!m) return null;
  const label = m[1] ?? m[2];
  const engine = label === "a V0" || label === "V0" ? "v0" : label === "a V1" || label === "V1" ? "v1" : null;
  return { engine, version: m[3] ?? null, dump: msg.slice(m[0].length) };
}

/**
 * The periodic metrics line (V0 every 5 s, V1 every 10 s), hand-read because it is the most frequent line
 * of a serving log. Returns null when `msg` is not one.
 */
export interface MetricsLine {
  engine: number | null;
  /** null where an author elided it (`Engine 000: ... Avg generation throughput: 0.6 tokens/s, Running: 5 reqs, ...`) */
  promptTps: number | null;
  genTps: number | null;
  running: number;
  waiting: number;
  kvUsagePct: number | null;
}

/** Where a stats line's numbers start (after `Engine 000: ` or `N Engines Aggregated: `, at most METRICS_MAX_AT in). */
export const METRICS_LABEL = "Avg prompt throughput: ";
export const METRICS_MAX_AT = 40;
const GEN_LABEL = "Avg generation throughput: ";

// a stats record an author shortened in a write-up: its first labels left out or replaced by an ellipsis, after the
// engine's name (`Engine 000: Avg generation throughput: 26.9 tokens/s, Running: 1 reqs, ...`, `... Avg generation
// throughput: 92.5 tokens/s, Running: 1 reqs, ...`, `... Running: 0 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.0%, ...`)
const ELIDED_START = /^(?:Engine \d+: |\d+ Engines Aggregated: )?(?:(?:\.{3}|\u2026),? ?)?(?=Avg generation throughput: |Running: \d)/;

/**
 * Where an elided stats record's numbers start, or -1. It must still hold what makes it a stats record: a running
 * count of requests, and the generation throughput or the GPU KV cache usage (from `Running:` on, after an ellipsis
 * or an engine's name, both).
 */
function elidedAt(msg: string): number {
  const m = ELIDED_START.exec(msg);
  if (!m || m[0].length > METRICS_MAX_AT || !/\bRunning: \d+ reqs\b/.test(msg)) return -1;
  const at = m[0].length;
  if (msg.startsWith(GEN_LABEL, at)) return at;
  const marked = m[0].length > 0;
  return marked && msg.indexOf("GPU KV cache usage: ", at) > 0 ? at : -1;
}

export function parseMetrics(msg: string): MetricsLine | null {
  let at = msg.indexOf(METRICS_LABEL);
  const elided = at < 0 || at > METRICS_MAX_AT;
  if (elided && (at = elidedAt(msg)) < 0) return null;
  let engine: number | null = null;
  if (at > 0) {
    const e = /^Engine (\d+): /.exec(msg);
    if (e) engine = Number(e[1]);
  }
  const numAfter = (label: string): number | null => numberAfter(msg, label, at);
  // (the labels every version prints: a paste that hard-wrapped the line and joined it back with a blank may have put
  // one inside a word, `Avg generation throughpu t: 0.0 tokens/s`)
  const required = (label: string): number | null => numAfter(label) ?? numberAfterSpaced(msg, label, at);
  const promptTps = elided ? null : numAfter(METRICS_LABEL);
  const genTps = required(GEN_LABEL);
  // (a line cut before its `Running:` count is no stats line: every version prints it)
  const running = required("Running: ");
  if (running === null || (!elided && (promptTps === null || genTps === null))) return null;
  return {
    engine,
    promptTps,
    genTps,
    running,
    waiting: numAfter("Waiting: ") ?? numAfter("Pending: ") ?? numberAfterSpaced(msg, "Waiting: ", at) ?? numberAfterSpaced(msg, "Pending: ", at) ?? 0,
    kvUsagePct: required("GPU KV cache usage: "),
  };
}

/** Whether a message may be a stats record, whole or elided (a cheap test before parseMetrics). */
export function mayBeStats(msg: string): boolean {
  const c = msg.charCodeAt(0);
  if (!(c === 65 /* A */ || c === 69 /* E */ || c === 82 /* R */ || c === 46 /* . */ || c === 0x2026 || (c >= 48 && c <= 57))) return false;
  return msg.indexOf(METRICS_LABEL) >= 0 || (msg.indexOf("Running: ") >= 0 && (msg.indexOf(GEN_LABEL) >= 0 || msg.indexOf("GPU KV cache usage: ") >= 0));
}

/**
 * A GPU as `nvidia-smi -L` (`GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5c8f...)`), vLLM's `collect_env.py`
 * (`GPU 0: NVIDIA H100 80GB HBM3`) or the `nvidia-smi` table's name row (`|   0  NVIDIA A100-SXM4-80GB   On  |`) lists it.
 */
const GPU_LIST = /^GPU (\d+): ((?:NVIDIA|Tesla|Quadro|GeForce|AMD|Instinct|Radeon)\b[^()]*?)\s*(?:\(UUID: GPU-[0-9a-f-]+\))?\s*$/;
// (the peel takes a table's leading `|` off)
const SMI_NAME_ROW = /^(?:\|\s+)?(\d+)\s+((?:NVIDIA|Tesla|Quadro|GeForce)\b.*?)\s+(?:On|Off)\s+\|/;
// `|  N/A   33C    P0    70W / 700W |      4MiB / 81559MiB |      0%      Default |`
const SMI_MEMORY_ROW = /^(?:\|\s*)?(?:N\/A|\d+%)\s+-?\d+C\s+P\d+\b[^|]*\|\s+\d+MiB \/\s*(\d+)MiB \|/;

/**
 * torch's warnings on a GPU its build was not made for (torch/cuda/__init__.py, printed once per GPU at its first use):
 * ≤2.7 `NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the current PyTorch installation.`,
 * 2.8+ `Found GPU0 NVIDIA GeForce RTX 5090 which is of compute capability (CC) 12.0.` (older `... which is of cuda
 * capability 3.5.` for a GPU too old, `... which requires CUDA_VERSION >= N`), often behind the warning's
 * `.../torch/cuda/__init__.py:262: UserWarning: ` header. They name the GPU, not how many there are.
 */
const TORCH_GPU_WARNING = /^(?:\S.*?: UserWarning: )?(?:Found GPU\d+ (.+?) which (?:is of (?:compute capability \(CC\)|cuda capability) \d+\.\d+|requires CUDA_VERSION)|((?:NVIDIA|Tesla|Quadro|GeForce)\b.*?) with CUDA capability sm_\d+ is not compatible with the current PyTorch installation)/;

/**
 * collect_env.py's GPU key, old layout `GPU models and configuration: …` or sectioned (0.9+) `GPU models and
 * configuration : …`: `nvidia-smi -L` without the UUIDs, which starts on the next line when it lists several GPUs (read
 * by GPU_LIST) and stays on the key's line for one (`…: GPU 0: NVIDIA GeForce RTX 4090`); on ROCm it is torch's device
 * name with its gfx arch (`…: AMD Instinct MI300X (gfx942:sramecc+:xnack-)`), which names a GPU without counting any.
 * `Could not collect`, `No CUDA` and an empty value name none.
 */
const COLLECT_ENV_GPU = /^GPU models and configuration\s*:\s*(\S.*)$/;
const ROCM_DEVICE_NAME = /^((?:AMD|Instinct|Radeon)\b[^()]*?)\s*\(gfx[0-9a-f]+[^()]*\)\s*$/;

export function matchGpuLine(text: string): { index: number | null; name: string | null; memoryGiB: number | null } | null {
  const m = GPU_LIST.exec(text) ?? SMI_NAME_ROW.exec(text);
  if (m) return { index: Number(m[1]), name: m[2].trim(), memoryGiB: null };
  if (text.charCodeAt(4) === 109 /* m */) {
    const key = COLLECT_ENV_GPU.exec(text);
    if (key) {
      const one = GPU_LIST.exec(key[1]);
      if (one) return { index: Number(one[1]), name: one[2].trim(), memoryGiB: null };
      const rocm = ROCM_DEVICE_NAME.exec(key[1]);
      return rocm ? { index: null, name: rocm[1].trim(), memoryGiB: null } : null;
    }
  }
  const warned = text.includes(" capability ") ? TORCH_GPU_WARNING.exec(text) : null;
  if (warned) return { index: null, name: (warned[1] ?? warned[2]).trim(), memoryGiB: null };
  const mem = SMI_MEMORY_ROW.exec(text);
  return mem ? { index: null, name: null, memoryGiB: Math.round((Number(mem[1]) / 1024) * 100) / 100 } : null;
}

const SPACED = new Map<string, RegExp>();

/** numberAfter for a label with (at most) one blank put inside each of its words; null when absent. */
export function numberAfterSpaced(msg: string, label: string, from = 0): number | null {
  let re = SPACED.get(label);
  if (!re) {
    const body = label
      .trim()
      .split(" ")
      .map((w) => [...w].map((ch) => ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join(" ?"))
      .join(" ");
    re = new RegExp(`${body} ?(\\d+(?:\\.\\d*)?)`, "g");
    SPACED.set(label, re);
  }
  re.lastIndex = from;
  const m = re.exec(msg);
  return m ? Number(m[1]) : null;
}

/** The number right after `label` (digits and one dot) in `msg`, from `from`; null when absent. */
export function numberAfter(msg: string, label: string, from = 0): number | null {
  const i = msg.indexOf(label, from);
  if (i < 0) return null;
  let j = i + label.length;
  // (`Avg generation throughput:  82.8 tokens/s`: a blank or two more before the number)
  if (msg.charCodeAt(j) === 32 && msg.charCodeAt(j - 1) === 32) while (j < i + label.length + 2 && msg.charCodeAt(j) === 32) j++;
  const start = j;
  while (j < msg.length) {
    const c = msg.charCodeAt(j);
    if ((c >= 48 && c <= 57) || c === 46) j++;
    else break;
  }
  return j > start ? Number(msg.slice(start, j)) : null;
}
