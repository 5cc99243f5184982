import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";
import type { Facts, Missing } from "./schema.js";
import { FACT_CATALOG, missingFact, type FactPath } from "./catalog.js";
import { parseTorchOom, type TorchOom } from "../../grammars/torch.js";

type Section = Pick<Facts, "vllm" | "config" | "distributed" | "gpu" | "kvCache" | "memory" | "server">;
type Value = string | number | boolean;

/** A value with the record it was read from and how much that kind of statement counts. */
interface Sourced {
  value: Value;
  at: Located;
  /** higher wins; among equals the earliest line wins */
  prio: number;
  /** what kind of statement a config value came from (banner, non-default-args, namespace, command, line) */
  kind?: string;
  /** a command line's value: the line its command began on (VllmConfigEvent.command) */
  cmd?: number;
  /** in an input that holds several runs (engine starts of different configurations): how many began before this one */
  run?: number;
  /**
   * a tensor parallel size read off a number vLLM prints from the world size but words as the tensor parallel size
   * (`Tensor parallel size (N) exceeds available GPUs (M)`, `... cannot be larger than the number of available GPUs`:
   * both print `parallel_config.world_size`, TP × PP): it is the TP only while no pipeline parallel size above 1 is known
   */
  world?: true;
  /**
   * a per-engine number (KV cache, memory) stated by the engine of one data-parallel rank (`EngineCore_DP2`,
   * `Worker_DP2_TP0_EP4`, `EngineCore_2`): every rank prints its own, in whatever order the processes reach the log
   */
  dp?: number;
}

export interface VllmState {
  /** fact path ("config.model") -> the best statement seen */
  values: Record<string, Sourced>;
  /** the periodic metrics lines, summarised */
  metrics: { count: number; peakKvUsagePct: number | null; last: Located | null };
  /** `rank R in world size M is assigned as DP rank d, PP rank p, TP rank t`: rank -> [world size, d, p, t, where] (bounded) */
  ranks?: Record<string, [number, number, number, number, Located]>;
  /** the first CUDA out-of-memory error whose message has PyTorch's numbers */
  oom?: { value: TorchOom; at: Located };
  /** `input:model on TP t × PP p` -> where the first engine banner of that configuration stands in that input (bounded) */
  starts?: Record<string, Located>;
  /** input -> how many of `starts` it holds (runs begun in it so far: a statement's `run` while reading) */
  runs?: Record<string, number>;
  /** the first launch command of the inputs: the line it began on (its node's flags are the node-local facts') */
  firstCommand?: { input: number; line: number };
  /** `input:process:pid` -> whether the architecture that process resolved last is a speculative drafter's (bounded) */
  drafting?: Record<string, boolean>;
}

/**
 * Architectures of speculative decoding drafters (MTP heads, EAGLE/EAGLE-3, Medusa, MLP speculators, DFlash): the
 * `Using max model len` that follows one is the drafter's own ModelConfig, not the length the server serves.
 */
const DRAFTER_ARCH = /MTP|Eagle|Medusa|MLPSpeculator|DFlash|Draft/;
const MAX_PROCESSES = 64;

/**
 * Launch flags that differ from node to node of one multi-node launch (`--headless`, `--node-rank`,
 * `--data-parallel-start-rank`, `--data-parallel-size-local`): a paste of each node's command (`# Node 1` then
 * `# Node 2`) states them once per node, so a command's value counts only when it is the first command's (a later
 * command's would mix another node's flags into the first node's launch).
 */
const NODE_LOCAL = new Set(["config.headless", "config.nodeRank", "config.dataParallelStartRank", "config.dataParallelSizeLocal", "config.dataParallelRank"]);

/** A command's value that another node's command stated (not the first command's): see NODE_LOCAL. */
function otherNodesCommand(state: VllmState, path: string, v: Sourced): boolean {
  const first = state.firstCommand;
  return NODE_LOCAL.has(path) && v.kind === "command" && first !== undefined && (v.at.input !== first.input || (v.cmd ?? v.at.line) !== first.line);
}

const MAX_STARTS = 32;

/** The first place a configuration started (of at most MAX_STARTS configurations); true when it is a new one. */
function keepStart(starts: Record<string, Located>, key: string, at: Located): boolean {
  const known = key in starts;
  if (known ? earlier(starts[key], at) === at : Object.keys(starts).length < MAX_STARTS) starts[key] = at;
  return !known && key in starts;
}

const MAX_RANKS = 4096;

/** facts each engine states for itself (its KV cache and its memory): a data-parallel rank's are not the run's */
const PER_ENGINE = /^(?:kvCache|memory)\./;

/**
 * the platform a banner's `device_config=` names (0.4 on: `cuda`, `cpu`, `neuron`, `tpu`, `xpu`, `hpu`, `openvino`, a
 * plugin's `npu`), but `cuda`, which ROCm builds printed too (the device type of every CUDA-alike platform), and `auto`
 */
function bannerDevice(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const d = /^(?:DeviceConfig\(device=)?'?([a-z]+)'?\)?$/.exec(v)?.[1];
  return d && d !== "cuda" && d !== "auto" ? d : null;
}

/** How much each kind of config statement counts when several disagree (the banner is what the engine used). */
const CONFIG_PRIORITY: Record<string, number> = { banner: 9, line: 8, "non-default-args": 7, namespace: 6, command: 5 };

function better(cur: Sourced | undefined, next: Sourced): boolean {
  if (!cur) return true;
  // an input appended to across restarts: an earlier run's statement outranks a later run's, however strong (the
  // facts of such a file are its first run's where that run states them, as its first error and results are)
  if (cur.at.input === next.at.input && (cur.run ?? 0) !== (next.run ?? 0)) return (next.run ?? 0) < (cur.run ?? 0);
  if (next.prio !== cur.prio) return next.prio > cur.prio;
  // data-parallel engines each size their own KV cache and print it: the run's figures are the lowest rank's, so that
  // the tokens, the concurrency and the memory they come from are one engine's, not whichever rank logged first
  if (cur.dp !== undefined && next.dp !== undefined && cur.dp !== next.dp) return next.dp < cur.dp;
  const first = earlier(cur.at, next.at);
  if (cur.at.input === next.at.input && cur.at.line === next.at.line) return false;
  // two lines of one launch command: argparse keeps a flag's last statement
  if (cur.cmd !== undefined && cur.cmd === next.cmd && cur.at.input === next.at.input) return first === cur.at;
  return first === next.at;
}

function offer(state: VllmState, path: string, value: Value | null | undefined, at: Located, prio: number, kind?: string, cmd?: number, dp?: number): void {
  if (value === null || value === undefined || value === "") return;
  if (typeof value === "number" && !Number.isFinite(value)) return;
  const next: Sourced = kind === undefined ? { value, at, prio } : { value, at, prio, kind };
  if (cmd !== undefined) next.cmd = cmd;
  if (dp !== undefined) next.dp = dp;
  const run = (state.runs?.[at.input] ?? 1) - 1;
  if (run > 0) next.run = run;
  if (better(state.values[path], next)) state.values[path] = next;
}

/** `server.awaitingEngines` when a line stated it */
const awaiting = (n: number | null | undefined) => (typeof n === "number" ? { awaitingEngines: n } : {});

export const vllmDomain: FactDomain<VllmState, Section> = {
  name: "vllm",
  init: () => ({ values: {}, metrics: { count: 0, peakKvUsagePct: null, last: null } }),
  reduce(state, e: Event) {
    switch (e.kind) {
      case "vllm.config": {
        const at = located(e);
        const prio = CONFIG_PRIORITY[e.source] ?? 5;
        // each engine start prints its banner: two configurations in one input are two runs in one file (the banner's
        // values are then the new run's)
        if (e.source === "banner" && typeof e.values.model === "string" && e.values.model) {
          const key = `${e.input}:${e.values.model} on TP ${e.values.tensorParallelSize ?? 1} × PP ${e.values.pipelineParallelSize ?? 1}`;
          if (keepStart((state.starts ??= {}), key, at)) (state.runs ??= {})[e.input] = (state.runs?.[e.input] ?? 0) + 1;
        }
        const cmd = e.source === "command" ? e.command : undefined;
        if (e.source === "command") {
          const line = cmd ?? e.ev.line;
          const first = state.firstCommand;
          if (!first || e.input < first.input || (e.input === first.input && line < first.line)) state.firstCommand = { input: e.input, line };
        }
        for (const [k, v] of Object.entries(e.values)) offer(state, `config.${k}`, v, at, prio, e.source, cmd);
        const device = e.source === "banner" ? bannerDevice(e.raw?.device_config) : null;
        if (device) offer(state, "gpu.platform", device, at, 5, e.source);
        if (e.source === "banner" && e.origin.ip) offer(state, "distributed.engineAddress", e.origin.ip, at, prio, e.source);
        break;
      }
      case "vllm.message": {
        const at = located(e);
        const dp = e.origin.dp;
        const proc = `${e.input}:${e.origin.process ?? ""}:${e.origin.pid ?? ""}`;
        if (e.id === "model.architecture") {
          const drafting = (state.drafting ??= {});
          if (proc in drafting || Object.keys(drafting).length < MAX_PROCESSES) drafting[proc] = DRAFTER_ARCH.test(String(e.facts.name));
        }
        // a drafter's `Using max model len` (its architecture line just before, in the same process) is not the server's
        const draftLength = e.id === "config.maxModelLen" && state.drafting?.[proc] === true;
        for (const [k, v] of Object.entries(e.facts)) if (k.includes(".") && !(draftLength && k === "config.maxModelLen")) offer(state, k, v, at, e.priority, "line", undefined, dp !== undefined && PER_ENGINE.test(k) ? dp : undefined);
        if (e.facts.worldAsTp && state.values["config.tensorParallelSize"]?.at === at) state.values["config.tensorParallelSize"].world = true;
        if (e.id === "dist.rankAssigned" && typeof e.facts.rank === "number") {
          const ranks = (state.ranks ??= {});
          const key = String(e.facts.rank);
          if (!(key in ranks) && Object.keys(ranks).length < MAX_RANKS) ranks[key] = [Number(e.facts["distributed.worldSize"]), Number(e.facts.dp), Number(e.facts.pp), Number(e.facts.tp), at];
        }
        break;
      }
      case "bench.ncclTestsDevice": {
        // nccl-tests' device column (`#  Rank  0 ... device  0 [0x1b] NVIDIA RTX A6000`) names the GPU the rank ran on;
        // a census (`GPU 0: …`, nvidia-smi) outranks it, and among device lines the first listed is taken
        const name = e.gpuName?.trim();
        if (name && /[A-Za-z]/.test(name) && name.length <= 80) offer(state, "gpu.name", name, located(e), 1, "line");
        break;
      }
      case "vllm.marker": {
        const at = located(e);
        if (e.engine) offer(state, "vllm.engine", e.engine, at, e.strength);
        if (e.backend) offer(state, "config.executorBackend", e.backend, at, e.strength);
        if (e.expertParallel) offer(state, "config.enableExpertParallel", true, at, e.strength);
        if (e.driverNodeWorker) offer(state, "distributed.workersOnDriverNode", true, at, e.strength, "line");
        // a platform's own module in the logger prefix: below every line that names the platform (banner 5, detection 7)
        if (e.platform) offer(state, "gpu.platform", e.platform, at, Math.min(e.strength, 3), "line");
        break;
      }
      case "signal": {
        // a line only ROCm prints (its runtime's GPU fault, rocBLAS's abort): the run is on ROCm, below every line that
        // names the platform (a module in the logger prefix 3, banner 5, detection 7)
        if (e.id === "vllm.rocrFault" || e.id === "vllm.rocblasFatal") offer(state, "gpu.platform", "rocm", located(e), 1, "line");
        if (e.id !== "vllm.cudaOom" || e.soft) break;
        const at = located(e);
        if (state.oom && earlier(state.oom.at, at) === state.oom.at) break;
        const value = parseTorchOom(e.captures.message ?? "");
        if (value) state.oom = { value, at };
        break;
      }
      case "vllm.metrics": {
        const m = state.metrics;
        m.count += e.count;
        if (e.peakKvUsagePct !== null && (m.peakKvUsagePct === null || e.peakKvUsagePct > m.peakKvUsagePct)) m.peakKvUsagePct = e.peakKvUsagePct;
        const at = located(e);
        if (!m.last || earlier(m.last, at) === m.last) m.last = at;
        break;
      }
    }
  },
  merge(a, b) {
    const out: VllmState = { values: { ...a.values }, metrics: { ...a.metrics } };
    for (const [k, v] of Object.entries(b.values)) if (better(out.values[k], v)) out.values[k] = v;
    out.metrics.count += b.metrics.count;
    const pa = a.metrics.peakKvUsagePct;
    const pb = b.metrics.peakKvUsagePct;
    out.metrics.peakKvUsagePct = pa === null ? pb : pb === null ? pa : Math.max(pa, pb);
    const la = a.metrics.last;
    const lb = b.metrics.last;
    out.metrics.last = !la ? lb : !lb ? la : earlier(la, lb) === la ? lb : la;
    const oom = !a.oom ? b.oom : !b.oom ? a.oom : earlier(a.oom.at, b.oom.at) === a.oom.at ? a.oom : b.oom;
    if (oom) out.oom = oom;
    if (a.starts || b.starts) {
      const starts: Record<string, Located> = { ...(a.starts ?? {}) };
      for (const [k, v] of Object.entries(b.starts ?? {})) keepStart(starts, k, v);
      out.starts = starts;
      // (counted again from the starts, whose evidence carries the input index a merge of reports shifts)
      out.runs = {};
      for (const at of Object.values(starts)) out.runs[at.input] = (out.runs[at.input] ?? 0) + 1;
    }
    const fa = a.firstCommand;
    const fb = b.firstCommand;
    const first = !fa ? fb : !fb ? fa : fa.input < fb.input || (fa.input === fb.input && fa.line <= fb.line) ? fa : fb;
    if (first) out.firstCommand = first;
    if (a.drafting || b.drafting) {
      out.drafting = { ...(a.drafting ?? {}) };
      for (const [k, v] of Object.entries(b.drafting ?? {})) if (k in out.drafting || Object.keys(out.drafting).length < MAX_PROCESSES) out.drafting[k] = v;
    }
    if (a.ranks || b.ranks) {
      out.ranks = { ...(a.ranks ?? {}) };
      for (const [k, v] of Object.entries(b.ranks ?? {})) if (!(k in out.ranks) && Object.keys(out.ranks).length < MAX_RANKS) out.ranks[k] = v;
    }
    return out;
  },
  finalize(state) {
    const pp = state.values["config.pipelineParallelSize"];
    // a world size worded as the tensor parallel size is no TP once a pipeline of several stages is known (Sourced.world)
    const worldNotTp = (path: string, v: Sourced): boolean => path === "config.tensorParallelSize" && v.world === true && pp !== undefined && typeof pp.value === "number" && pp.value > 1;
    const get = <T>(path: FactPath): T | null => {
      const v = state.values[path];
      return v && !otherNodesCommand(state, path, v) && !worldNotTp(path, v) ? (v.value as T) : null;
    };
    const sources: Record<string, Evidence> = {};
    for (const [k, v] of Object.entries(state.values)) if (!otherNodesCommand(state, k, v) && !worldNotTp(k, v)) sources[k] = plain(v.at)!;
    const engine = get<string>("vllm.engine");
    const source = configSource(state);
    if (source) sources["config.source"] = plain(source.at)!;
    if (state.oom) sources["memory.oom"] = plain(state.oom.at)!;
    const facts: Section = {
      vllm: { version: get("vllm.version"), engine: engine === "v0" || engine === "v1" ? engine : null },
      config: {
        model: get("config.model"),
        tensorParallelSize: get("config.tensorParallelSize"),
        pipelineParallelSize: get("config.pipelineParallelSize"),
        dataParallelSize: get("config.dataParallelSize"),
        executorBackend: get("config.executorBackend"),
        maxModelLen: get("config.maxModelLen"),
        gpuMemoryUtilization: get("config.gpuMemoryUtilization"),
        enableExpertParallel: get("config.enableExpertParallel"),
        nnodes: get("config.nnodes"),
        nodeRank: get("config.nodeRank"),
        masterAddr: get("config.masterAddr"),
        headless: get("config.headless"),
        dataParallelSizeLocal: get("config.dataParallelSizeLocal"),
        dataParallelStartRank: get("config.dataParallelStartRank"),
        dataParallelAddress: get("config.dataParallelAddress"),
        dtype: get("config.dtype"),
        quantization: get("config.quantization"),
        kvCacheDtype: get("config.kvCacheDtype"),
        enforceEager: get("config.enforceEager"),
        maxNumSeqs: get("config.maxNumSeqs"),
        maxNumBatchedTokens: get("config.maxNumBatchedTokens"),
        blockSize: get("config.blockSize"),
        seed: get("config.seed"),
        servedModelName: get("config.servedModelName"),
        source: source?.kind ?? null,
      },
      distributed: { worldSize: get("distributed.worldSize"), backend: get("distributed.backend"), hostIp: get("distributed.hostIp"), engineAddress: get("distributed.engineAddress"), ...onDriverNode(get<boolean>("distributed.workersOnDriverNode")) },
      gpu: { name: get("gpu.name"), count: get("gpu.count"), memoryGiB: get("gpu.memoryGiB"), platform: get("gpu.platform") },
      kvCache: {
        tokens: get("kvCache.tokens"),
        maxConcurrency: get("kvCache.maxConcurrency"),
        tokensPerRequest: get("kvCache.tokensPerRequest"),
        gpuBlocks: get("kvCache.gpuBlocks"),
        cpuBlocks: get("kvCache.cpuBlocks"),
        availableGiB: get("kvCache.availableGiB"),
        neededGiB: get("kvCache.neededGiB"),
        maxTokensStorable: get("kvCache.maxTokensStorable"),
      },
      memory: {
        modelWeightsGiB: get("memory.modelWeightsGiB"),
        totalGpuGiB: get("memory.totalGpuGiB"),
        peakActivationGiB: get("memory.peakActivationGiB"),
        nonTorchGiB: get("memory.nonTorchGiB"),
        cudaGraphGiB: get("memory.cudaGraphGiB"),
        cudaGraphEstimateGiB: get("memory.cudaGraphEstimateGiB"),
        loadSeconds: get("memory.loadSeconds"),
        initEngineSeconds: get("memory.initEngineSeconds"),
        ...(state.oom ? { oom: { ...state.oom.value } } : {}),
      },
      server: { ready: get<boolean>("server.ready") ?? false, readyLine: state.values["server.ready"] ? plain(state.values["server.ready"].at) : null, ...(state.metrics.count ? { metricsLines: state.metrics.count } : {}), ...awaiting(get<number>("server.awaitingEngines")) },
    };
    deriveV0Tokens(state, facts, sources);
    derivePeakActivation(state, facts, sources);
    derivePlatformOfBlocks(state, facts, sources);
    deriveLayout(state, facts, sources);
    deriveDataParallelNodes(facts, sources);
    return { facts, sources, missing: missingOf(facts) };
  },
};

/** vLLM's default KV cache block size on CUDA/ROCm (V0's `--block-size`; V0 printed blocks, never tokens) */
const DEFAULT_BLOCK_SIZE = 16;

/**
 * V0 prints `# GPU blocks: N, # CPU blocks: M` and no token count, and so does V1 up to 0.7.2 (`# GPU blocks: N`
 * alone): tokens = blocks × block size. The block size is the stated one; else the one that makes the blocks agree
 * with the engine's own `Maximum concurrency for L tokens per request: X` line (X = N × size / L; 16 by default, 64
 * under MLA backends); else vLLM's default 16 for V0 only (V1 without that agreement gives no tokens). The source is
 * the blocks line, marked `derived`.
 */
function deriveV0Tokens(state: VllmState, facts: Section, sources: Record<string, Evidence>): void {
  const kv = facts.kvCache;
  const blocks = state.values["kvCache.gpuBlocks"];
  if (kv.tokens !== null || kv.gpuBlocks === null || !blocks) return;
  const v0 = facts.vllm.engine === "v0" || kv.cpuBlocks !== null;
  const raw = state.values["kvCache.device"]?.value;
  const device = typeof raw === "string" ? raw.toUpperCase() : undefined;
  const stated = facts.config.blockSize;
  const agreed = stated === null ? blockSizeOfConcurrency(kv.gpuBlocks, kv.tokensPerRequest, kv.maxConcurrency) : null;
  // other accelerators (HPU, XLA, ...) have other defaults: only a stated or agreed block size counts there
  const fallback = v0 && (device === undefined || device === "GPU" || device === "CUDA") ? DEFAULT_BLOCK_SIZE : null;
  const size = stated ?? agreed ?? fallback;
  if (size === null) return;
  kv.tokens = kv.gpuBlocks * size;
  const why =
    stated !== null ? " (config.blockSize)" : size === DEFAULT_BLOCK_SIZE ? " (vLLM's default)" : ` (agrees with max concurrency ${kv.maxConcurrency}x for ${kv.tokensPerRequest} tokens)`;
  sources["kvCache.tokens"] = { ...plain(blocks.at)!, derived: `kvCache.gpuBlocks (${kv.gpuBlocks}) × block size ${size}${why}` };
}

/**
 * 0.6.3-0.6.4's one-line `Memory profiling results: ... peak_torch_memory=16.99GiB ...` states torch's allocated peak
 * over the profiling run, which starts from the loaded model: weights and activations together. The activation peak
 * is that less the weights (`Loading model weights took 14.9888 GB`), when the log states them; without them it stays
 * unknown (the figure is not an activation peak).
 */
function derivePeakActivation(state: VllmState, facts: Section, sources: Record<string, Evidence>): void {
  const peak = state.values["memory.peakTorchGiB"];
  const weights = facts.memory.modelWeightsGiB;
  if (facts.memory.peakActivationGiB !== null || !peak || typeof peak.value !== "number" || weights === null || peak.value < weights) return;
  facts.memory.peakActivationGiB = Math.round((peak.value - weights) * 100) / 100;
  sources["memory.peakActivationGiB"] = { ...plain(peak.at)!, derived: `peak_torch_memory (${peak.value} GiB) less memory.modelWeightsGiB (${weights} GiB)` };
}

/** block sizes vLLM's attention backends use, the default first */
const BLOCK_SIZES = [16, 32, 64, 128, 8, 256, 1, 2, 4];

/**
 * The block size that makes `blocks × size / tokensPerRequest` print as `concurrency` (two decimals), or null. A
 * concurrency below 0.01 fits many sizes and none is taken.
 */
function blockSizeOfConcurrency(blocks: number, perRequest: number | null, concurrency: number | null): number | null {
  if (perRequest === null || concurrency === null || perRequest <= 0 || concurrency < 0.01 || blocks <= 0) return null;
  return BLOCK_SIZES.find((size) => Math.abs((blocks * size) / perRequest - concurrency) <= 0.005 + 1e-9) ?? null;
}

/**
 * V0's blocks line names the device its blocks are on by the platform (vllm/executor/executor_base.py `# %s blocks:`):
 * first by its dispatch key (`CUDA`, `XLA`, `HPU`, `XPU`: CUDA and ROCm builds both say `CUDA`, TPU and Neuron both
 * `XLA`), later by its device name (`cuda`, `rocm`, `tpu`, `hpu`, `xpu`, `neuron`, a plugin's: Ascend's `npu`); before
 * either it said `GPU`, and the TPU's own executors print `# TPU blocks:`. Where no line names the platform, a name only one platform prints is taken
 * (the source is the blocks line, marked `derived`); `GPU`, `CUDA`, `XLA` and `CPU` (the CPU and OpenVINO executors) are not.
 */
const PLATFORM_OF_BLOCKS: Record<string, string> = { cuda: "cuda", rocm: "rocm", tpu: "tpu", TPU: "tpu", hpu: "hpu", HPU: "hpu", xpu: "xpu", XPU: "xpu", neuron: "neuron", npu: "npu", NPU: "npu" };

function derivePlatformOfBlocks(state: VllmState, facts: Section, sources: Record<string, Evidence>): void {
  const device = state.values["kvCache.device"];
  if (facts.gpu.platform != null || !device || typeof device.value !== "string") return;
  const platform = Object.hasOwn(PLATFORM_OF_BLOCKS, device.value) ? PLATFORM_OF_BLOCKS[device.value] : undefined;
  if (!platform) return;
  facts.gpu.platform = platform;
  sources["gpu.platform"] = { ...plain(device.at)!, derived: `the device V0's blocks line names (\`# ${device.value} blocks\`)` };
}

/**
 * vLLM ≥0.8 prints `rank R in world size M is assigned as DP rank d, PP rank p, TP rank t` once per rank (before
 * 0.11.1). When every rank's line is there, the largest coordinates + 1 are the TP, PP and DP sizes: a log without
 * the banner or the command still has them (each marked `derived`; a stated size always wins).
 */
function deriveLayout(state: VllmState, facts: Section, sources: Record<string, Evidence>): void {
  const lines = Object.values(state.ranks ?? {});
  if (lines.length === 0) return;
  const world = lines[0][0];
  if (lines.length !== world || lines.some((l) => l[0] !== world)) return;
  const first = lines.reduce((x, y) => (earlier(x[4], y[4]) === x[4] ? x : y))[4];
  const sizes: [keyof Section["config"], number][] = [
    ["dataParallelSize", Math.max(...lines.map((l) => l[1])) + 1],
    ["pipelineParallelSize", Math.max(...lines.map((l) => l[2])) + 1],
    ["tensorParallelSize", Math.max(...lines.map((l) => l[3])) + 1],
  ];
  // the three sizes must account for every rank, or the lines are not one layout
  if (sizes.reduce((p, [, n]) => p * n, 1) !== world) return;
  for (const [key, n] of sizes) {
    if (facts.config[key] !== null) continue;
    (facts.config as Record<string, unknown>)[key] = n;
    sources[`config.${key}`] = { ...plain(first)!, derived: `the largest of ${world} ranks' \`rank … is assigned as\` coordinates + 1` };
  }
}

/**
 * A multi-node data-parallel launch (`--data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-address
 * 10.99.48.128`, and `--headless --data-parallel-start-rank 2` on the other node) states no --nnodes: vLLM counts its
 * nodes as data_parallel_size / data_parallel_size_local (ParallelConfig's data-parallel node size), this node's rank as
 * the start rank / the local size, and the data-parallel head's address is the run's master address. Each is marked
 * `derived`; a stated --nnodes, --node-rank or --master-addr always wins.
 */
function deriveDataParallelNodes(facts: Section, sources: Record<string, Evidence>): void {
  const c = facts.config;
  const local = c.dataParallelSizeLocal;
  const derive = (key: "nnodes" | "nodeRank" | "masterAddr", value: number | string, from: string, how: string) => {
    if (c[key] !== null || !sources[from]) return;
    (c as Record<string, unknown>)[key] = value;
    sources[`config.${key}`] = { ...sources[from], derived: how };
  };
  if (c.dataParallelSize !== null && local !== null && local > 0 && local < c.dataParallelSize && c.dataParallelSize % local === 0) {
    derive("nnodes", c.dataParallelSize / local, "config.dataParallelSizeLocal", `data_parallel_size ${c.dataParallelSize} / data_parallel_size_local ${local}`);
  }
  if (c.dataParallelStartRank !== null && local !== null && local > 0 && c.dataParallelStartRank % local === 0) {
    derive("nodeRank", c.dataParallelStartRank / local, "config.dataParallelStartRank", `data_parallel_start_rank ${c.dataParallelStartRank} / data_parallel_size_local ${local}`);
  }
  if (c.dataParallelAddress !== null) derive("masterAddr", c.dataParallelAddress, "config.dataParallelAddress", "the data-parallel head's address (--data-parallel-address)");
}

/** The strongest kind of statement the config facts were read from: banner > non-default args > Namespace > command > line. */
const SOURCE_RANK = ["banner", "non-default-args", "namespace", "command", "line"] as const;
export type ConfigSource = (typeof SOURCE_RANK)[number];

function configSource(state: VllmState): { kind: ConfigSource; at: Located } | null {
  let best: number = SOURCE_RANK.length;
  let at: Located | null = null;
  for (const [k, v] of Object.entries(state.values)) {
    if (!k.startsWith("config.") || v.kind === undefined) continue;
    const r = SOURCE_RANK.indexOf(v.kind as ConfigSource);
    if (r < 0 || r > best) continue;
    if (r < best || !at || earlier(at, v.at) === v.at) at = v.at;
    best = r;
  }
  return at ? { kind: SOURCE_RANK[best], at } : null;
}

/** only where seen: its absence says nothing to look for (no Ray workers, or none on the driver's node) */
const onDriverNode = (v: boolean | null): { workersOnDriverNode?: true } => (v ? { workersOnDriverNode: true } : {});

// ---------------------------------------------------------------- facts.missing

const SECTIONS = new Set<string>(["vllm", "config", "distributed", "gpu", "kvCache", "memory", "server"]);

/** The catalog's facts of these sections, split once: [section, key, path] in the catalog's order. */
let sectionFacts: readonly [keyof Section, string, FactPath][] | undefined;

/** The catalog's facts of these sections that are null, in the catalog's order (src/facts/catalog.ts). */
function missingOf(facts: Section): Missing[] {
  sectionFacts ??= FACT_CATALOG.flatMap((f) => {
    const [section, key] = f.path.split(".") as [keyof Section, string | undefined];
    return SECTIONS.has(section) && key !== undefined ? [[section, key, f.path] as [keyof Section, string, FactPath]] : [];
  });
  const out: Missing[] = [];
  for (const [section, key, path] of sectionFacts) {
    const value = (facts[section] as Record<string, unknown>)[key];
    if (value === null || value === undefined) out.push(missingFact(path));
  }
  return out;
}

/**
 * Inputs that hold engine starts of different configurations (another model or parallel layout): a log appended to
 * across restarts, or several runs pasted into one file. Their facts mix the runs (the first statement of each
 * fact wins), so a gate on them judges no run; each with its starts in line order.
 */
export function runsInOneInput(state: VllmState, inputs: readonly { path: string }[]): { path: string; starts: { config: string; line: number }[] }[] {
  const byInput = new Map<number, { config: string; line: number }[]>();
  for (const [key, at] of Object.entries(state.starts ?? {})) {
    const list = byInput.get(at.input) ?? [];
    list.push({ config: key.slice(key.indexOf(":") + 1), line: at.line });
    byInput.set(at.input, list);
  }
  const out: { path: string; starts: { config: string; line: number }[] }[] = [];
  for (const [input, starts] of [...byInput].sort((x, y) => x[0] - y[0]))
    if (starts.length > 1) out.push({ path: inputs[input]?.path ?? "?", starts: starts.sort((x, y) => x.line - y.line) });
  return out;
}

/**
 * Which run of a mixed input each fact was read from: run k holds the lines from its banner to the next run's (the
 * lines before the first banner are the first run's). `sources` are the report's `facts.sources`; `runtime.*` facts are
 * left out (they summarise every stats line of the file).
 */
export function factsByRun(r: { path: string; starts: { config: string; line: number }[] }, sources: Record<string, Evidence>, firstError: Evidence | null): { line: number; config: string; facts: string[] }[] {
  const runs = r.starts.map((s) => ({ line: s.line, config: s.config, facts: [] as string[] }));
  const runAt = (line: number) => {
    let k = 0;
    while (k + 1 < runs.length && runs[k + 1].line <= line) k++;
    return runs[k];
  };
  for (const [path, ev] of Object.entries(sources)) {
    if (ev.file !== r.path || path.startsWith("runtime.") || path === "config.source") continue;
    runAt(ev.line).facts.push(path);
  }
  if (firstError?.file === r.path) runAt(firstError.line).facts.push("firstError");
  return runs;
}

/** Headline facts a notice names by run (the JSON lists them all). */
const HEADLINE: Record<string, string> = {
  "config.model": "model", "config.tensorParallelSize": "TP", "config.pipelineParallelSize": "PP", "config.maxModelLen": "max_model_len",
  "config.gpuMemoryUtilization": "gpu_memory_utilization", "vllm.version": "vLLM version", "kvCache.tokens": "KV cache tokens",
  "kvCache.maxConcurrency": "max concurrency", "kvCache.availableGiB": "KV cache memory", "kvCache.gpuBlocks": "GPU blocks",
  "memory.modelWeightsGiB": "model weights", "server.ready": "server ready", firstError: "first error",
};

/** `run 1 (line 3): model, TP, ...; run 2 (line 12): KV cache tokens, ...` for a notice. */
export function factsByRunText(runs: { line: number; facts: string[] }[], runtime: boolean): string {
  const parts = runs.map((run, i) => {
    const names = run.facts.filter((f) => f in HEADLINE).map((f) => HEADLINE[f]);
    return names.length ? `run ${i + 1} (line ${run.line}): ${names.join(", ")}` : "";
  }).filter(Boolean);
  return parts.length ? `; its facts are from ${parts.join("; ")}${runtime ? " (its runtime stats: all runs')" : ""}` : "";
}

/** How the verdict starts when an input holds several runs (src/analyze.ts); the HTML banner is then amber at best. */
export const MIXED_RUNS_LEAD = "Mixed runs: ";

/** The notice (and the gate's reason) for one such input. */
export function runsInOneInputText(r: { path: string; starts: { config: string; line: number }[] }): string {
  const list = r.starts.slice(0, 4).map((s) => `${s.config} at line ${s.line}`).join("; ");
  return `${r.path} holds ${r.starts.length} engine starts of different configurations (${list}${r.starts.length > 4 ? "; …" : ""}): its facts mix these runs; split it at line ${r.starts[1].line} (or, services interleaved, give each service's log alone) to read each run on its own`;
}
