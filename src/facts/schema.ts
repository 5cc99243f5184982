import { z } from "zod";

/**
 * The JSON report of `vllm-doctor analyze --format json`, as ../shared/CONTRACT.md fixes it, plus our
 * extensions. Defined once here: the TypeScript types are inferred from it and `schema/report.schema.json`
 * is generated from it. Add fields freely; never rename or remove one without bumping SCHEMA_VERSION.
 */
import { SCHEMA_VERSION } from "./schema-version.js";
export { SCHEMA_VERSION };

const n = z.number().nullable();
const s = z.string().nullable();
const b = z.boolean().nullable();

export const EvidenceSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  text: z.string(),
  /** in facts.sources: the fact is not printed but computed from the line's facts, and how */
  derived: z.string().optional(),
});

export const VllmFactsSchema = z.object({ version: s, engine: z.enum(["v0", "v1"]).nullable() });

export const ConfigFactsSchema = z.object({
  model: s,
  tensorParallelSize: n,
  pipelineParallelSize: n,
  dataParallelSize: n,
  executorBackend: s,
  maxModelLen: n,
  gpuMemoryUtilization: n,
  enableExpertParallel: b,
  nnodes: n,
  nodeRank: n,
  masterAddr: s,
  headless: b,
  // multi-node data parallel (vllm serve --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-address ...)
  dataParallelSizeLocal: n,
  dataParallelStartRank: n,
  dataParallelAddress: s,
  // extensions
  dtype: s,
  quantization: s,
  kvCacheDtype: s,
  enforceEager: b,
  maxNumSeqs: n,
  maxNumBatchedTokens: n,
  blockSize: n,
  seed: n,
  servedModelName: s,
  /** the strongest kind of statement the config facts above were read from (engine banner first) */
  source: z.enum(["banner", "non-default-args", "namespace", "command", "line"]).nullable(),
});

export const DistributedFactsSchema = z.object({
  worldSize: n,
  backend: s,
  hostIp: s,
  /**
   * extension (absent from the reports of earlier versions): the Ray node address (`ip=`) on the line of the engine's
   * banner, where the engine runs as a Ray actor on another node than the Ray driver (a Ray Serve replica); null where the
   * banner carries none (the engine runs where the driver does) or no banner was read
   */
  engineAddress: s.optional(),
  /**
   * extension (absent from the reports of earlier versions): true where a Ray worker actor of vLLM (`RayWorkerWrapper`
   * and its platform subclasses, `RayWorkerProc`) wrote a line without Ray's `ip=`, which Ray leaves out for an actor on
   * the driver's own node; absent where none did (no Ray workers, or all of them on other nodes than the driver)
   */
  workersOnDriverNode: z.literal(true).optional(),
});

/**
 * `platform` (extension; absent from the reports of earlier versions): the device platform vLLM says it runs on, as it names it: `Automatically detected platform
 * cuda.` (cuda, rocm, tpu, xpu, hpu, cpu, neuron), `Platform plugin ascend is activated` (an out-of-tree plugin's name), or
 * a banner's `device_config` other than cuda (which ROCm builds printed too); failing those, a module only that platform runs
 * in a logger prefix (`tpu_model_runner.py`, `hpu_worker.py`), the device V0's blocks line names (`# TPU blocks`, `# npu blocks`),
 * or a line only ROCm prints (its runtime's `Memory access fault by GPU node-N`, rocBLAS's `rocBLAS error: Cannot read ...`): rocm
 */
export const GpuFactsSchema = z.object({ name: s, count: n, memoryGiB: n, platform: s.optional() });

export const KvCacheFactsSchema = z.object({
  tokens: n,
  maxConcurrency: n,
  tokensPerRequest: n,
  gpuBlocks: n,
  cpuBlocks: n,
  availableGiB: n,
  // extensions
  neededGiB: n,
  maxTokensStorable: n,
});

export const MemoryFactsSchema = z.object({
  modelWeightsGiB: n,
  // extensions
  totalGpuGiB: n,
  peakActivationGiB: n,
  nonTorchGiB: n,
  cudaGraphGiB: n,
  /** extension: the CUDA graph memory the profiler estimated before sizing the KV cache (≈v0.19+, `Estimated CUDA graph memory: X GiB
   * total`), taken off the KV budget while VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS is on (the default since v0.21) */
  cudaGraphEstimateGiB: n,
  loadSeconds: n,
  initEngineSeconds: n,
  /** extension: the numbers of the first CUDA out-of-memory error that printed them (PyTorch's message), in GiB */
  oom: z.object({
    gpu: n,
    /** the allocation that failed */
    triedGiB: n,
    totalGiB: n,
    freeGiB: n,
    /** all this process held, PyTorch's and not */
    inUseGiB: n,
    /** tensors PyTorch had allocated */
    allocatedGiB: n,
    /** PyTorch's cache: reserved but not allocated */
    reservedUnallocatedGiB: n,
    reservedGiB: n,
  }).nullable().optional(),
});

export const ConnectionKindCountsSchema = z.record(z.string(), z.number());

/** Hosts whose connections use these kinds: scope intra (a == b) or inter; b is null when the other end's host is not in the log. */
export const NodePairSchema = z.object({ a: z.string(), b: z.string().nullable(), scope: z.enum(["intra", "inter"]), kinds: ConnectionKindCountsSchema });

export const CommunicatorSchema = z.object({
  /** NCCL's commId (the same on every rank), or "(no commId)" for the lines no communicator could be told for */
  id: z.string(),
  commId: s,
  nranks: n,
  nNodes: n,
  /** distinct ranks of it the log shows */
  ranksSeen: z.number(),
  hosts: z.array(z.string()),
  /** what it carries when the vLLM side says so: "TP group", "PP group", "world" … (from the sizes) */
  role: s,
  transports: ConnectionKindCountsSchema,
  interNode: ConnectionKindCountsSchema,
});

export const RankInfoSchema = z.object({
  /** the rank's number in its communicator (`comm`) */
  rank: z.number(),
  /** the commId of the communicator the rank number belongs to; null when no communicator could be told */
  comm: s.optional(),
  host: s,
  pid: n,
  device: n,
  busId: s,
  ncclVersion: s,
  lastOpCount: n,
  lastCollective: s,
  // join with vLLM/Ray prefixes of the same process: node address and parallel coordinates
  ip: s.optional(),
  tp: n.optional(),
  pp: n.optional(),
  dp: n.optional(),
  /** collective calls this rank logged (COLL subsystem) */
  collectives: z.number().optional(),
});

export const NcclFactsSchema = z.object({
  version: s,
  net: s,
  ibHcas: z.array(z.string()).nullable(),
  gdr: b,
  ranks: n,
  nodes: n,
  initComplete: z.number(),
  transports: ConnectionKindCountsSchema,
  firstWarn: EvidenceSchema.nullable(),
  // extensions
  versions: z.array(z.string()),
  hosts: z.array(z.string()),
  /** rank -> rank -> transport kind -> count of connection lines */
  matrix: z.record(z.string(), z.record(z.string(), ConnectionKindCountsSchema)),
  /** host pairs (a <= b) with the transport kinds their connections use; a == b is intra-node */
  nodePairs: z.array(NodePairSchema),
  /** connection lines between ranks on different hosts, by kind (the classification the gate and rules read) */
  interNode: ConnectionKindCountsSchema,
  /** connection lines between ranks of one host, by kind (NET here means P2P and SHM were not used) */
  intraNode: ConnectionKindCountsSchema,
  /** NET connection lines whose two ranks are known to sit on one host */
  netWithinHost: z.number(),
  /** host names that stand for several machines (processes of one name bootstrap from different addresses: an anonymised paste, or nodes that kept one image's name): the name and its machines, `name@address`, as nodePairs, rankMap and communicators name them */
  namesakes: z.array(z.object({ host: z.string(), machines: z.array(z.string()) })),
  /** whether the run spans nodes (hosts, nNodes, --nnodes, a communicator wider than a node, Ray workers off the driver's node, a connection to another machine's address) */
  multiNode: z.boolean(),
  /** on a multi-node run whose log has no connection lines: the kind NCCL's chosen network implies (`Using network IB` → NET/IB) */
  interNodeNet: s,
  /** NCCL communicators, widest first (at most 64 listed; communicatorCount says how many) */
  communicators: z.array(CommunicatorSchema),
  communicatorCount: z.number(),
  /** node addresses launcher prefixes name for worker processes (Ray's `ip=`: workers off the driver's node) */
  workerIps: z.array(z.string()),
  /** addresses NCCL connected to (`Connect to 10.0.0.2<port>`) on the network of the log's own interfaces that no process of the log has: another machine's */
  remotePeers: z.array(z.string()),
  rankMap: z.array(RankInfoSchema),
  env: z.record(z.string(), z.string()),
  bootstrapInterfaces: z.array(z.string()),
  /** the interfaces NCCL's `Bootstrap : Using`, `NET/Socket : Using` and `NET/IB : Using … OOB` lines list (and the socket transport's `NET/Socket : GPU Direct RDMA Disabled for HCA N 'name'`, whose address is ""): one entry per role, list index, interface, address, host and process, with how many lines listed it and the first */
  interfaces: z.array(z.object({
    role: z.enum(["Bootstrap", "NET/Socket", "NET/IB OOB"]),
    index: z.number().int(),
    name: z.string(),
    address: z.string(),
    host: s,
    count: z.number().int(),
    evidence: EvidenceSchema,
  })).optional(),
  /** transport kind -> the first connection line of that kind */
  firstConnections: z.record(z.string(), EvidenceSchema).optional(),
  warnCount: z.number(),
  /** count of NCCL WARN records by kind (ib, socket, shm, cuda, ...) */
  warnKinds: z.record(z.string(), z.number()).optional(),
  /** printed `Using network X` values */
  netPrinted: z.array(z.string()).optional(),
  /** the link layers the `NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/IB` lists print (IB, RoCE, IB/SHARP), first seen first; null without such a list */
  ibLinkLayers: z.array(z.string()).nullable().optional(),
  /** ranks of one communicator that two processes of one host put on one GPU (their `Init START`/`Init COMPLETE` lines name one bus id): NCCL refuses that communicator (`Duplicate GPU detected`); at most 16 pairs */
  sharedGpus: z.array(z.object({ comm: z.string(), host: z.string(), busId: z.string(), ranks: z.array(z.number()), evidence: z.array(EvidenceSchema) })).optional(),
  /** each network NCCL chose (`Using network X`, normalised as \`net\`) with the hosts that printed it, most printed first: hosts that chose differently (one node without RDMA devices falls back to Socket) show here */
  netChoices: z.array(z.object({ net: z.string(), hosts: z.array(z.string()) })),
});

const ServeSchema = z.object({
  successfulRequests: n, failedRequests: n, durationS: n, requestThroughput: n, outputThroughput: n,
  totalTokenThroughput: n, meanTtftMs: n, medianTtftMs: n, p99TtftMs: n, meanTpotMs: n, p99TpotMs: n,
  meanItlMs: n, p99ItlMs: n,
}).passthrough();
const ThroughputSchema = z.object({ requestsPerS: n, totalTokensPerS: n, outputTokensPerS: n }).passthrough();
const LatencySchema = z.object({ avgLatencyS: n }).passthrough();
const NcclTestsSchema = z.object({
  collective: s, ranks: n, avgBusbwGBs: n, maxBusbwGBs: n, wrongTotal: n, outOfBoundsOk: b,
}).passthrough();

export const BenchFactsSchema = z.object({
  serve: ServeSchema.nullable(),
  throughput: ThroughputSchema.nullable(),
  latency: LatencySchema.nullable(),
  ncclTests: NcclTestsSchema.nullable(),
  runs: z.array(z.object({ kind: z.string(), file: z.string(), line: z.number(), values: z.record(z.string(), z.unknown()) })),
  /**
   * extension: a benchmark that died with a Python traceback through its own script (`benchmark_serving.py`,
   * `vllm/benchmarks/serve.py`, the throughput and latency scripts) and printed no result of that kind after it
   */
  aborted: z.object({ tool: z.string(), errorType: s, message: z.string(), evidence: EvidenceSchema }).nullable().optional(),
});

const PercentilesSchema = z.object({ min: z.number(), median: z.number(), p95: z.number(), max: z.number() });

/** facts.runtime (CONTRACT.md "runtime"): the running server's stats, request and HTTP lines; see src/facts/runtime.ts. */
export const RuntimeFactsSchema = z.object({
  statsLines: z.number(),
  /** seconds from the first stats line to the last (vLLM's header time); null without timestamps */
  spanS: n,
  running: PercentilesSchema.nullable(),
  waiting: PercentilesSchema.nullable(),
  gpuKvUsagePct: PercentilesSchema.nullable(),
  promptThroughput: PercentilesSchema.nullable(),
  generationThroughput: PercentilesSchema.nullable(),
  kvFullShare: n,
  preemptions: n,
  prefixCacheHitRatePct: PercentilesSchema.nullable(),
  requests: z.object({ received: z.number(), finished: z.number(), aborted: z.number() }).nullable(),
  http: z.object({ "2xx": z.number(), "4xx": z.number(), "5xx": z.number() }).nullable(),
  /** extensions: the last stats line of the stall, its seconds, and its start and end as series times */
  stalls: z.array(z.object({ from: EvidenceSchema, statsLines: z.number(), to: EvidenceSchema, seconds: n, fromT: n, toT: n })),
  statsStoppedEarly: z.boolean(),
  // extensions
  /** median seconds between two stats lines of one engine */
  intervalS: n,
  /** engines the stats lines name (`Engine 00N:`), or N of `N Engines Aggregated:` */
  engines: n,
  /** stalls in all (`stalls` keeps the first 20) */
  stallCount: z.number(),
  /** the last stats line, when they stopped early */
  statsStoppedAt: EvidenceSchema.nullable(),
  addedRequests: n,
  /** HTTP status -> responses (uvicorn access lines) */
  httpStatus: z.record(z.string(), z.number()).nullable(),
  /** model names requested that the server does not serve -> requests */
  unknownModels: z.record(z.string(), z.number()).nullable(),
  specAcceptanceRatePct: PercentilesSchema.nullable(),
  /** share of stats lines with at least one request running */
  busyShare: n,
  /** of those, the share with at most 2 running */
  smallBatchShare: n,
  /** stats lines with requests waiting and GPU KV usage >= 95% / <= 50% */
  waitingFullKvLines: z.number(),
  waitingFreeKvLines: z.number(),
  /** false when a distribution had too many distinct values and kept three significant digits */
  exact: z.boolean(),
  /** the stats lines bucketed by time (for the HTML picture and runtime/throughput-drop) */
  series: z.object({
    widthS: z.number(),
    points: z.array(z.object({
      /** bucket start: seconds from the start of a leap year (vLLM's header has no year) */
      t: z.number(),
      lines: z.number(),
      running: z.number(),
      runningMax: z.number(),
      waitingMax: z.number(),
      kvMax: n,
      generation: z.number(),
      prompt: z.number(),
    })),
  }).nullable(),
});

/** A program that wrote lines of the log (vllm, sglang, tgi, trtllm, lmdeploy, pytorch, nccl, nccl-tests, ray, vllm-bench). */
export const DialectSchema = z.object({
  name: z.string(),
  /** e.g. "vLLM 0.9.1 (V1 engine)", "PyTorch (torchrun)", "NCCL 2.21.5" */
  label: z.string(),
  /** `torchrun`, `NCCL_DEBUG=INFO` */
  detail: z.string().optional(),
  /** nccl: the library that wrote NCCL's lines when it is not NVIDIA's NCCL: `RCCL` (ROCm's port, which keeps NCCL's release numbers) */
  library: z.string().optional(),
  /** the first line that showed it */
  evidence: EvidenceSchema,
});

export const MissingSchema = z.object({ fact: z.string(), why: z.string(), howToGet: z.string() });

export const FactsSchema = z.object({
  vllm: VllmFactsSchema,
  config: ConfigFactsSchema,
  distributed: DistributedFactsSchema,
  gpu: GpuFactsSchema,
  kvCache: KvCacheFactsSchema,
  memory: MemoryFactsSchema,
  nccl: NcclFactsSchema,
  bench: BenchFactsSchema,
  runtime: RuntimeFactsSchema.nullable(),
  firstError: EvidenceSchema.nullable(),
  /** extension: NCCL failures the log shows were recovered from (NCCL went on: a network chosen, a channel connected, Init COMPLETE) */
  recovered: z.array(z.object({
    /** net-plugin: a NET plugin failed to initialise; error-return: an INFO `file.cc:N -> M` line; retry: a retried connection;
     * collnet: CollNet (SHARP) could not be set up and NCCL went on without it */
    kind: z.enum(["net-plugin", "error-return", "retry", "collnet"]),
    failure: EvidenceSchema,
    /** the line that shows NCCL went on */
    by: EvidenceSchema,
    /** the network NCCL went on with, when that line names one */
    net: z.string().optional(),
    /** net-plugin: the plugin that failed to initialise, and what NCCL said */
    plugin: z.string().optional(),
    said: z.string().optional(),
  })).optional(),
  /** extension: the programs that wrote the log, in a fixed order */
  dialects: z.array(DialectSchema).optional(),
  // extension: the first WARNING-level record of any kind
  firstWarning: EvidenceSchema.nullable(),
  /**
   * extension: the first events of each host, in the order of their first line (host null: lines that name no
   * host and could not be placed); the log's line order, not clock time
   */
  timeline: z.array(z.object({
    host: s,
    engineStart: EvidenceSchema.nullable(),
    ncclInit: EvidenceSchema.nullable(),
    firstWarning: EvidenceSchema.nullable(),
    firstError: EvidenceSchema.nullable(),
  })).optional(),
  server: z.object({
    ready: z.boolean(),
    readyLine: EvidenceSchema.nullable(),
    /** extension: how many periodic metrics lines (`Avg prompt throughput …`) the engine logged, when it logged any */
    metricsLines: z.number().int().optional(),
    /** extension: the engine-core processes V1's front end said it was waiting for (`Waiting for N local, M remote core engine proc(s) to start`), when the log shows that wait */
    awaitingEngines: z.number().int().optional(),
  }),
  /** extension: the software versions each node reports and the versions the image declares (src/facts/versions.ts) */
  versions: z.object({
    seen: z.array(z.object({ what: z.enum(["NCCL", "vLLM's NCCL", "vLLM", "torch", "CUDA"]), version: z.string(), node: s, rank: n, evidence: EvidenceSchema })),
    declared: z.array(z.object({ name: z.string(), version: z.string(), evidence: EvidenceSchema })),
  }).optional(),
  /** extension: what the Python tracebacks say: where the failure happened and its root cause (src/facts/tracebacks.ts) */
  tracebacks: z.object({
    count: z.number().int(),
    counts: z.object({
      init: z.number().int(), runtime: z.number().int(), phase: z.number().int(), nccl: z.number().int(), hub: z.number().int(),
      /** exceptions that ended an engine-core process (its own traceback, printed with no log level), when there were any */
      engineCoreExit: z.number().int().optional(),
    }),
    list: z.array(z.object({
      evidence: EvidenceSchema,
      errorType: s,
      message: z.string(),
      stage: z.enum(["init", "runtime"]).nullable(),
      phase: s,
      libraries: z.object({ nccl: z.array(z.string()).optional(), hub: z.array(z.string()).optional() }),
      /** a failure's traceback the paste cut before its exception line (a notebook cell's is not unless IPython's header named the exception; a chain of imports' is not) */
      cut: z.boolean().optional(),
      /** its lines were the messages of ERROR records (vLLM's `logger.exception`): a failure's, whatever window of it the paste holds */
      loggedAsError: z.boolean().optional(),
      /** start-up only because the API server's entry was running the server's coroutine, the paste cut there */
      serverEntry: z.boolean().optional(),
      /** extension: through the engine process's entry (V1's `run_engine_core`, V0's `run_mp_engine`): that process failed */
      engineProcess: z.boolean().optional(),
      /** extension: through V1's multiprocessing executor's read of its workers' replies (multiproc_executor.py get_response / collective_rpc / wait_for_response) */
      executorRead: z.boolean().optional(),
      /** extension: a failure through V1's engine core's busy loop under its process entry (`run_engine_core` -> `run_busy_loop`): the engine core died while serving */
      engineLoop: z.boolean().optional(),
      /** extension: the exception line of a TimeoutError raised by vLLM's shared-memory message queue (a wait with a deadline ran out), this traceback's or a chained cause's */
      queueTimeout: EvidenceSchema.optional(),
      /** extension: the process that printed it, by its log prefix (`Worker_TP1`, `EngineCore_DP0`) or a `Process X:` header */
      process: z.string().optional(),
    })),
    rootCause: z.object({
      text: z.string(),
      evidence: EvidenceSchema,
      /** what the root cause is about, when its words say (src/facts/tracebacks.ts ROOT_CAUSE_KINDS) */
      kind: z.enum(["free-memory", "cuda-oom", "kv-cache", "tp-not-divisible", "nccl", "compile", "import", "model-fetch"]).nullable().optional(),
      /** kind free-memory: the numbers of vLLM's start-up check (GiB free and total, the utilisation asked and the GiB it wants) */
      freeMemory: z.object({ freeGiB: z.number(), totalGiB: z.number(), utilization: z.number(), wantGiB: z.number() }).optional(),
    }).nullable(),
  }).optional(),
  /** environment variables the input shows set (NCCL_*, VLLM_*, CUDA_VISIBLE_DEVICES ...): name -> value; `env.NAME` in sources */
  env: z.record(z.string(), z.string()),
  /** where each non-null fact was read: fact path -> evidence */
  sources: z.record(z.string(), EvidenceSchema),
  missing: z.array(MissingSchema),
});

export const SeveritySchema = z.enum(["error", "warning", "info"]);

export const FindingSchema = z.object({
  ruleId: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  message: z.string(),
  evidence: z.array(EvidenceSchema),
  /** how many evidence lines there were in all (evidence holds the first few) */
  evidenceCount: z.number().optional(),
  remediation: z.array(z.string()),
  docs: z.string(),
  /** the rule's page as an absolute URL (a user rule has one only when its configuration gives it) */
  docsUrl: z.string().optional(),
  /** where the finding sits in the chain of a failure: setup, network, memory, nccl, engine, symptom */
  layer: z.string().optional(),
  /** the rule ids of the findings of this report that caused this one (they come before it in `findings`) */
  causedBy: z.array(z.string()).optional(),
});

export const InputInfoSchema = z.object({
  path: z.string(),
  lines: z.number(),
  bytes: z.number(),
  error: z.string().optional(),
  cutLines: z.number().optional(),
  /** how the input was read, when a reader must know it: layers of compression, trailing garbage skipped, UTF-16 without a byte order mark */
  notices: z.array(z.string()).optional(),
  /** lines no grammar could read (nested deeper than the grammars go, or a reader failed on them); read as text */
  unparsedLines: z.number().optional(),
  /**
   * present when the input holds engine starts of different configurations (a log appended to across restarts): each
   * run from its engine banner's line (lines before the first banner are the first run's), and the facts (paths of
   * `facts.sources`, and `firstError`) read from it; `runtime.*` facts summarise every run's stats lines, so none is listed
   */
  runs: z.array(z.object({ line: z.number(), config: z.string(), facts: z.array(z.string()) })).optional(),
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal("vllm-doctor"), version: z.string() }),
  inputs: z.array(InputInfoSchema),
  facts: FactsSchema,
  /** the answer first: what is wrong and what to do first, or "Healthy: …" with the headline facts */
  verdict: z.string().optional(),
  findings: z.array(FindingSchema),
  summary: z.object({ errors: z.number(), warnings: z.number(), infos: z.number() }),
  notices: z.array(z.string()).optional(),
  /**
   * present when the inputs look like different runs (another model or layout, no NCCL commId in common): each
   * run's own verdict, facts, findings and summary; the top-level facts and findings are then those of all inputs
   * read as one (as `--one-run` gives them)
   */
  runs: z.array(z.object({
    inputs: z.array(z.string()),
    /** why this run was told apart from the ones before it (for the first: what its inputs share) */
    why: z.string(),
    verdict: z.string(),
    facts: FactsSchema,
    findings: z.array(FindingSchema),
    summary: z.object({ errors: z.number(), warnings: z.number(), infos: z.number() }),
  })).optional(),
  /** mergeable per-analysis state, so `merge` can combine reports of parts of a fleet */
  state: z.unknown().optional(),
  /** the verdict of `vllm-doctor check`: every requirement with its reason */
  gate: z.lazy(() => GateSchema).optional(),
});

export const GateRequirementSchema = z.object({
  /** fail-on | max-warnings | require | require-transport | forbid-transport | max-regression | inputs (an input read only in part, or every input empty) */
  kind: z.string(),
  /** the requirement as the user wrote it, e.g. `kvCache.tokens>=500000` */
  name: z.string(),
  passed: z.boolean(),
  reason: z.string(),
});

export const GateSchema = z.object({
  passed: z.boolean(),
  failOn: z.enum(["error", "warning", "info", "none"]),
  requirements: z.array(GateRequirementSchema),
});
export type Gate = z.infer<typeof GateSchema>;
export type GateRequirement = z.infer<typeof GateRequirementSchema>;

export type Facts = z.infer<typeof FactsSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Report = z.infer<typeof ReportSchema>;
export type Severity = z.infer<typeof SeveritySchema>;
export type Missing = z.infer<typeof MissingSchema>;
export type DialectInfo = z.infer<typeof DialectSchema>;
export type InputInfo = z.infer<typeof InputInfoSchema>;
export type NcclFacts = z.infer<typeof NcclFactsSchema>;
export type BenchFacts = z.infer<typeof BenchFactsSchema>;
export type RuntimeFacts = z.infer<typeof RuntimeFactsSchema>;

/** The report's published JSON Schema (schema/report.schema.json is generated from this). */
export function reportJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(ReportSchema, { io: "output", unrepresentable: "any" }) as object),
    title: "vllm-doctor analyze --format json",
  };
}
