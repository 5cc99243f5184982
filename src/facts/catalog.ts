import type { Facts, Missing } from "./schema.js";

/*
 * The fact catalog: one entry per fact path that `facts.missing` can name, saying why the fact can be null and how
 * to get it, and whether the text report spells it out (`headline`; the others are counted). The domains build
 * `missing` from it (missingFact) and the text report its "Not in the log" rows; a path is typed (FactPath, derived
 * from the zod schema), so a typo fails to compile.
 */

type Section<T> = NonNullable<T> extends readonly unknown[] ? never : NonNullable<T> extends object ? NonNullable<T> : never;
/** the sections of `facts` that hold named facts (not the lists, the evidence tables or `missing`) */
export type FactSection = Exclude<{ [S in keyof Facts]-?: [Section<Facts[S]>] extends [never] ? never : S }[keyof Facts], "sources" | "env" | "firstError" | "firstWarning">;
/** `section.key` of a fact in the report's `facts` (`config.model`, `nccl.version`), or a whole section (`runtime`) */
export type FactPath = FactSection | { [S in FactSection]: `${S}.${keyof Section<Facts[S]> & string}` }[FactSection];

export interface FactInfo {
  path: FactPath;
  /** why the fact can be null (the usual case) */
  why: string;
  howToGet: string;
  /** the text report spells it out under "Not in the log" */
  headline?: boolean;
  /** other situations, each with its own why and how to get it */
  cases?: Readonly<Record<string, { why: string; howToGet: string }>>;
}

const START = "the start-up lines of the log (from `vllm serve` to `Application startup complete.`)";

export const FACT_CATALOG: readonly FactInfo[] = [
  // vLLM (src/facts/vllm.ts): reported missing whenever null, in this order
  { path: "vllm.version", headline: true, why: "no `vLLM API server version`, banner `(vX.Y.Z)` or logo `version` line in the input", howToGet: `include ${START}, or run \`vllm --version\`` },
  { path: "vllm.engine", why: "no V0/V1 marker (engine banner, process prefixes, v1/ paths, KV cache lines)", howToGet: `include ${START}` },
  { path: "config.model", headline: true, why: "no engine banner, `non-default args`, `Namespace(...)` or command line names the model", howToGet: `include ${START}` },
  { path: "config.tensorParallelSize", headline: true, why: "the input states no tensor_parallel_size (banner, args or command line)", howToGet: `include ${START}; the engine banner prints tensor_parallel_size` },
  { path: "config.pipelineParallelSize", headline: true, why: "the input states no pipeline_parallel_size", howToGet: `include ${START}; the engine banner prints pipeline_parallel_size (vLLM ≥0.5.1)` },
  { path: "config.dataParallelSize", why: "the input states no data_parallel_size", howToGet: `include ${START}; the engine banner prints data_parallel_size (vLLM ≥0.11)` },
  { path: "config.executorBackend", headline: true, why: "no distributed_executor_backend, `Defaulting to use X for distributed inference` line or worker prefix", howToGet: "include the worker lines or pass --distributed-executor-backend explicitly" },
  { path: "config.maxModelLen", headline: true, why: "no banner max_seq_len, `Using max model len` or max_model_len argument", howToGet: `include ${START}` },
  { path: "config.gpuMemoryUtilization", headline: true, why: "no gpu_memory_utilization in the args or memory profiling lines", howToGet: `include ${START}, or pass --gpu-memory-utilization explicitly` },
  { path: "config.enableExpertParallel", why: "enable_expert_parallel is not stated", howToGet: "include the `non-default args` / `args: Namespace(...)` line" },
  { path: "config.nnodes", why: "not a multi-node multiprocessing launch, or neither --nnodes nor --data-parallel-size with a smaller --data-parallel-size-local is stated", howToGet: "include the command line or `non-default args` of each node" },
  { path: "config.nodeRank", why: "not a multi-node multiprocessing launch, or neither --node-rank nor --data-parallel-start-rank is stated", howToGet: "include the command line or `non-default args` of each node" },
  { path: "config.masterAddr", why: "not a multi-node multiprocessing launch, or neither --master-addr nor --data-parallel-address is stated", howToGet: "include the command line, `non-default args` or the headless `Launching vLLM` line" },
  { path: "config.headless", why: "--headless is not stated", howToGet: "include the command line or `non-default args` of each node" },
  { path: "config.dataParallelSizeLocal", why: "--data-parallel-size-local is not stated (one node runs every data-parallel rank)", howToGet: "include the command line, `non-default args` or the headless `Launching N data parallel engine(s)` line" },
  { path: "config.dataParallelStartRank", why: "--data-parallel-start-rank is not stated (not a secondary node of a multi-node data-parallel run)", howToGet: "include the command line or `non-default args` of each node" },
  { path: "config.dataParallelAddress", why: "--data-parallel-address is not stated (not a multi-node data-parallel run)", howToGet: "include the command line, `non-default args` or the headless `Launching N data parallel engine(s)` line" },
  { path: "config.dtype", why: "no dtype in the banner or args", howToGet: `include ${START}` },
  { path: "config.quantization", why: "no quantization method stated (none used, or the banner is missing)", howToGet: `include ${START}` },
  { path: "config.kvCacheDtype", why: "no kv_cache_dtype in the banner or args", howToGet: `include ${START}` },
  { path: "config.enforceEager", why: "no enforce_eager in the banner or args", howToGet: `include ${START}` },
  { path: "config.maxNumSeqs", why: "max_num_seqs is not stated", howToGet: "include the `non-default args` / `args: Namespace(...)` line" },
  { path: "config.maxNumBatchedTokens", why: "no `Chunked prefill is enabled with max_num_batched_tokens` line or argument", howToGet: `include ${START}` },
  { path: "config.blockSize", why: "block_size is not stated", howToGet: "include the `args: Namespace(...)` or `non-default args` line" },
  { path: "config.seed", why: "no seed in the banner or args", howToGet: `include ${START}` },
  { path: "config.servedModelName", why: "no served_model_name in the banner or args", howToGet: `include ${START}` },
  { path: "config.source", why: "no engine banner, `non-default args`, `Namespace(...)`, launch command or config line in the input", howToGet: `include ${START}, or the command that started vLLM` },
  { path: "distributed.worldSize", why: "no `world_size=` or `rank N in world size M` line (DEBUG before vLLM 0.11.1)", howToGet: "set VLLM_LOGGING_LEVEL=DEBUG, or include the worker start-up lines" },
  { path: "distributed.backend", why: "no `world_size=... backend=` line (DEBUG before vLLM 0.11.1)", howToGet: "set VLLM_LOGGING_LEVEL=DEBUG" },
  { path: "distributed.hostIp", why: "no `distributed_init_method=tcp://...` or `driver_ip` line", howToGet: "set VLLM_LOGGING_LEVEL=DEBUG, or set VLLM_HOST_IP explicitly" },
  { path: "distributed.engineAddress", why: "the engine's banner carries no Ray `ip=`: the engine runs where the Ray driver does, or not under Ray", howToGet: "nothing to do: Ray writes the address only for an actor on another node than the driver" },
  { path: "gpu.name", why: "vLLM does not print the GPU model at INFO level", howToGet: "add the output of `nvidia-smi -L` to the input" },
  { path: "gpu.count", why: "vLLM does not print the number of GPUs", howToGet: "add the output of `nvidia-smi -L` to the input" },
  { path: "gpu.platform", why: "no `Automatically detected platform` or `Platform plugin ... is activated` line (vLLM ≥0.6.5 prints one when it is imported)", howToGet: "include the first lines of the log, before the engine's configuration" },
  { path: "gpu.memoryGiB", why: "no CUDA out-of-memory message or `nvidia-smi` output states the GPU's capacity", howToGet: "add the output of `nvidia-smi` to the input" },
  { path: "kvCache.tokens", headline: true, why: "no `GPU KV cache size: N tokens` line (V1) in the input", howToGet: "include the start-up lines up to `init engine ... took`; V0 prints `# GPU blocks` instead" },
  { path: "kvCache.maxConcurrency", headline: true, why: "no `Maximum concurrency for N tokens per request` line (vLLM ≥0.6.3)", howToGet: "include the start-up lines up to `init engine ... took`" },
  { path: "kvCache.tokensPerRequest", why: "no `Maximum concurrency for N tokens per request` line (vLLM ≥0.6.3)", howToGet: "include the start-up lines up to `init engine ... took`" },
  { path: "kvCache.gpuBlocks", why: "no `# GPU blocks` / `num_gpu_blocks is` line in the input", howToGet: "include the start-up lines up to `init engine ... took`" },
  { path: "kvCache.cpuBlocks", why: "no V0 `# GPU blocks: N, # CPU blocks: M` line (V1 prints none)", howToGet: "include the start-up lines of a V0 engine; V1 has no CPU swap blocks" },
  { path: "kvCache.availableGiB", why: "no `Available KV cache memory` line (V1 ≥0.9.1) or V0 memory profiling result", howToGet: "include the start-up lines up to `init engine ... took`" },
  { path: "kvCache.neededGiB", why: "no `KV cache is needed` error (the KV cache was large enough, or the run did not get that far)", howToGet: "nothing to do unless start-up failed on the KV cache" },
  { path: "kvCache.maxTokensStorable", why: "no V0 `maximum number of tokens that can be stored in KV cache` error", howToGet: "nothing to do unless start-up failed on the KV cache" },
  { path: "memory.modelWeightsGiB", headline: true, why: "no `Model loading took` / `Loading model weights took` line or memory profiling result", howToGet: "include the model-loading lines of the start-up" },
  { path: "memory.totalGpuGiB", why: "no V0 memory profiling `total_gpu_memory` line", howToGet: "include the memory profiling lines (V0), or add `nvidia-smi` output" },
  { path: "memory.peakActivationGiB", why: "no memory profiling breakdown (V0 profiling lines; V1 prints it at DEBUG, or in the `Free memory on device ... Actual usage is` line after CUDA graph capture)", howToGet: "set VLLM_LOGGING_LEVEL=DEBUG" },
  { path: "memory.nonTorchGiB", why: "no memory profiling breakdown (V0 profiling lines; V1 prints it at DEBUG, or in the `Free memory on device ... Actual usage is` line after CUDA graph capture)", howToGet: "set VLLM_LOGGING_LEVEL=DEBUG" },
  { path: "memory.cudaGraphGiB", why: "no `Graph capturing finished in N secs, took X GiB` line (none with --enforce-eager)", howToGet: "include the CUDA graph capture lines of the start-up" },
  { path: "memory.cudaGraphEstimateGiB", why: "no `Estimated CUDA graph memory: X GiB total` line (vLLM ≈0.19+ with CUDA graph memory profiling; none with --enforce-eager)", howToGet: "include the memory profiling lines of the start-up, before `Available KV cache memory`" },
  { path: "memory.loadSeconds", why: "no `Model loading took X GiB and Y seconds` line", howToGet: "include the model-loading lines of the start-up" },
  { path: "memory.initEngineSeconds", why: "no `init engine (profile, create kv cache, warmup model) took` line (vLLM ≥0.6.5)", howToGet: "include the start-up lines up to `init engine ... took`" },
  // NCCL (src/facts/nccl.ts)
  {
    path: "nccl.transports", headline: true,
    why: "no `Channel ... via` connection lines",
    howToGet: "set NCCL_DEBUG=INFO (connection lines are INIT); with lazy connect (2.22+, cuMem on) they appear at the first collective",
    cases: { noNcclLines: { why: "no NCCL INFO lines in the log", howToGet: "rerun with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET" } },
  },
  { path: "nccl.version", headline: true, why: "NCCL prints its version banner only on rank 0 (and as INFO from 2.22)", howToGet: "include rank 0's output, or set NCCL_DEBUG=INFO on NCCL 2.22+" },
  {
    path: "nccl.net", headline: true, why: "no `Using network` or NET/ lines", howToGet: "set NCCL_DEBUG_SUBSYS=INIT,NET",
    cases: {
      socketBootstrap: {
        why: "the `NET/Socket : Using` line comes before the `NET/Plugin` line: NCCL ≤2.4 lists its bootstrap interfaces there, and no later line names the network the data moves over",
        howToGet: "include the lines after `NET/Plugin` (`NET/IB : Using`, `NET/IB : No device found` or a connection line `via NET/...`)",
      },
    },
  },
  {
    path: "nccl.gdr",
    why: "no NET/IB connection line (`via NET/IB/N/GDRDMA`, or without `/GDRDMA`) and no `GPU Direct RDMA Disabled` line",
    howToGet: "set NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET on a run across nodes (connections inside a node use P2P or SHM, not the network)",
    cases: { socket: { why: "the run's network is TCP sockets (NET/Socket): GPU Direct RDMA is a property of InfiniBand/RoCE connections", howToGet: "give NCCL InfiniBand/RoCE (see nccl/socket-fallback); over sockets a requirement on nccl.gdr cannot hold" } },
  },
  // a running server (src/facts/runtime.ts)
  {
    path: "runtime",
    why: "no periodic stats lines (`Avg prompt throughput: …`), request lines or HTTP access lines in the input",
    howToGet: "include the server's log while it serves (stats lines every 5-10 s unless --disable-log-stats; V1 logs them at DEBUG when idle); request lines need --enable-log-requests (≥0.10) or no --disable-log-requests",
  },
  {
    path: "runtime.preemptions",
    why: "V1 before vLLM 0.11.1 does not log preemptions, and the log does not show its version",
    howToGet: "read vllm:num_preemptions_total from the server's /metrics endpoint, or run vLLM ≥0.11.1, whose stats line prints `Preemptions: N`",
  },
  { path: "runtime.statsLines", why: "request or HTTP lines but no periodic stats lines", howToGet: "do not pass --disable-log-stats; V1 logs the stats line at DEBUG while the engine is idle" },
  { path: "runtime.spanS", why: "the stats lines carry no vLLM timestamp", howToGet: "include the lines with their `INFO MM-DD HH:MM:SS [file:line]` header" },
];

const BY_PATH: ReadonlyMap<FactPath, FactInfo> = new Map(FACT_CATALOG.map((f) => [f.path, f]));

/** The catalog entry of a path (every path a domain reports missing has one). */
export function factInfo(path: FactPath): FactInfo {
  const f = BY_PATH.get(path);
  if (!f) throw new Error(`fact ${path} has no entry in FACT_CATALOG`);
  return f;
}

/** A `facts.missing` entry for a path: its usual why, or that of a named case, or a why worked out for this log. */
export function missingFact(path: FactPath, opts: { case?: string; why?: string } = {}): Missing {
  const f = factInfo(path);
  const c = opts.case ? f.cases?.[opts.case] : undefined;
  if (opts.case && !c) throw new Error(`fact ${path} has no case ${opts.case}`);
  return { fact: path, why: opts.why ?? c?.why ?? f.why, howToGet: c?.howToGet ?? f.howToGet };
}

/** The facts whose absence the text report spells out. */
export const HEADLINE_FACTS: ReadonlySet<string> = new Set(FACT_CATALOG.filter((f) => f.headline).map((f) => f.path));
