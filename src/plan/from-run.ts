/**
 * `plan --from run.log`: what a finished (or failed) run's facts say about its KV capacity, and what to change
 * to reach a target concurrency. The arithmetic: KV tokens = KV memory per GPU / KV bytes per token per GPU
 * (in whole blocks); concurrency = KV tokens / tokens per request.
 */
import type { Facts } from "../facts/schema.js";
import { findGpu, hasFastLink } from "./gpus.js";
import { DEFAULT_BLOCK_SIZE, expectedKvTokens, kvBytesPerTokenPerGpu } from "./kv.js";
import type { ModelShape } from "./model-config.js";
import { fmt, GIB, kvDtypeBytes } from "./units.js";

/** The parts of a report's facts this module reads; a whole `Facts` fits. */
export interface RunFacts {
  config?: Partial<Facts["config"]>;
  kvCache?: Partial<Facts["kvCache"]>;
  memory?: Partial<Facts["memory"]>;
  gpu?: Partial<Facts["gpu"]>;
  distributed?: Partial<Facts["distributed"]>;
  nccl?: Partial<Pick<Facts["nccl"], "ranks" | "nodes">>;
}

/** Above this, vLLM has too little slack for allocator fragmentation and other processes. */
export const MAX_SENSIBLE_UTILIZATION = 0.95;

export interface RunSummary {
  model: string | null;
  gpuName: string | null;
  gpuMemoryGiB: number | null;
  gpusPerNode: number | null;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  kvTokens: number | null;
  tokensPerRequest: number | null;
  maxConcurrency: number | null;
  availableGiB: number | null;
  gpuMemoryUtilization: number;
  gpuMemoryUtilizationAssumed: boolean;
  modelWeightsGiB: number | null;
  kvCacheDtype: string;
  /** KV bytes per token on one GPU: from the model config when given, else available KV memory / logged tokens */
  bytesPerTokenPerGpu: number | null;
  bytesPerTokenFrom: "model-config" | "log" | null;
}

export interface KvCheck {
  computedTokens: number;
  loggedTokens: number;
  tokensDeltaPct: number;
  computedConcurrency: number | null;
  loggedConcurrency: number | null;
  concurrencyDeltaPct: number | null;
}

export type LeverName = "gpu_memory_utilization" | "max_model_len" | "kv_cache_dtype" | "tensor_parallel_size" | "pipeline_parallel_size" | "data_parallel_size";

export interface Lever {
  lever: LeverName;
  /** the flag to set, e.g. "--gpu-memory-utilization 0.95" */
  change: string;
  kvTokens: number | null;
  maxConcurrency: number | null;
  /** null without a target */
  reachesTarget: boolean | null;
  arithmetic: string;
  caveat: string | null;
}

export interface RunPlan {
  run: RunSummary;
  check: KvCheck | null;
  targetConcurrency: number | null;
  tokensNeeded: number | null;
  levers: Lever[];
  advice: string[];
  missing: string[];
}

export interface FromRunOptions {
  targetConcurrency?: number | null;
  shape?: ModelShape | null;
  /** override what the log and the GPU table say (`--gpu`, `--gpu-memory`) */
  gpuMemoryGiB?: number | null;
  gpuName?: string | null;
  gpusPerNode?: number | null;
}

const pct = (a: number, b: number): number => (b === 0 ? 0 : ((a - b) / b) * 100);

/** GPUs per node as the run shows them: world size / nodes (from --nnodes or NCCL hosts). */
export function gpusPerNodeFromFacts(f: RunFacts): number | null {
  const world = f.distributed?.worldSize ?? ((f.config?.tensorParallelSize ?? 1) * (f.config?.pipelineParallelSize ?? 1));
  if (f.config?.nnodes && f.config.nnodes > 0 && world) return Math.max(1, Math.round(world / f.config.nnodes));
  if (f.nccl?.nodes && f.nccl.nodes > 0 && f.nccl.ranks) return Math.max(1, Math.round(f.nccl.ranks / f.nccl.nodes));
  return null;
}

export function summarizeRun(f: RunFacts, opts: FromRunOptions = {}): RunSummary {
  const kv = f.kvCache ?? {};
  const tp = f.config?.tensorParallelSize ?? 1;
  const pp = f.config?.pipelineParallelSize ?? 1;
  const blockSize = f.config?.blockSize ?? DEFAULT_BLOCK_SIZE;
  const tokens = kv.tokens ?? (kv.gpuBlocks ? kv.gpuBlocks * blockSize : null);
  const perRequest = kv.tokensPerRequest ?? f.config?.maxModelLen ?? null;
  const gpuName = opts.gpuName ?? f.gpu?.name ?? null;
  const kvCacheDtype = f.config?.kvCacheDtype ?? "auto";
  let bytesPerToken: number | null = null;
  let from: RunSummary["bytesPerTokenFrom"] = null;
  if (opts.shape) {
    bytesPerToken = kvBytesPerTokenPerGpu(opts.shape, kvDtypeBytes(kvCacheDtype), { tensorParallelSize: tp, pipelineParallelSize: pp });
    from = "model-config";
  } else if (kv.availableGiB && tokens) {
    bytesPerToken = (kv.availableGiB * GIB) / tokens;
    from = "log";
  }
  return {
    model: f.config?.model ?? null,
    gpuName,
    gpuMemoryGiB: opts.gpuMemoryGiB ?? f.gpu?.memoryGiB ?? f.memory?.totalGpuGiB ?? (gpuName ? findGpu(gpuName)?.memoryGiB ?? null : null),
    gpusPerNode: opts.gpusPerNode ?? gpusPerNodeFromFacts(f),
    tensorParallelSize: tp,
    pipelineParallelSize: pp,
    kvTokens: tokens,
    tokensPerRequest: perRequest,
    maxConcurrency: kv.maxConcurrency ?? (tokens && perRequest ? tokens / perRequest : null),
    availableGiB: kv.availableGiB ?? null,
    gpuMemoryUtilization: f.config?.gpuMemoryUtilization ?? 0.9,
    gpuMemoryUtilizationAssumed: f.config?.gpuMemoryUtilization === null || f.config?.gpuMemoryUtilization === undefined,
    modelWeightsGiB: f.memory?.modelWeightsGiB ?? null,
    kvCacheDtype,
    bytesPerTokenPerGpu: bytesPerToken,
    bytesPerTokenFrom: from,
  };
}

/** With a model config: recompute the log's KV tokens and concurrency from its available KV memory. */
export function checkKv(run: RunSummary): KvCheck | null {
  if (run.bytesPerTokenFrom !== "model-config" || !run.bytesPerTokenPerGpu || run.availableGiB === null || run.kvTokens === null) return null;
  const computed = expectedKvTokens(run.availableGiB * GIB, run.bytesPerTokenPerGpu);
  const conc = run.tokensPerRequest ? computed / run.tokensPerRequest : null;
  return {
    computedTokens: computed,
    loggedTokens: run.kvTokens,
    tokensDeltaPct: pct(computed, run.kvTokens),
    computedConcurrency: conc,
    loggedConcurrency: run.maxConcurrency,
    concurrencyDeltaPct: conc !== null && run.maxConcurrency ? pct(conc, run.maxConcurrency) : null,
  };
}

function tokensFor(kvBytes: number, bytesPerToken: number): number {
  return expectedKvTokens(kvBytes, bytesPerToken);
}

export function leversForRun(run: RunSummary, target: number | null, shape: ModelShape | null = null): { levers: Lever[]; missing: string[] } {
  const levers: Lever[] = [];
  const missing: string[] = [];
  const T = run.kvTokens;
  const L = run.tokensPerRequest;
  const b = run.bytesPerTokenPerGpu;
  const A = run.availableGiB;
  const u = run.gpuMemoryUtilization;
  const M = run.gpuMemoryGiB;
  const W = run.modelWeightsGiB;
  const tp = run.tensorParallelSize;
  const pp = run.pipelineParallelSize;
  if (T === null) missing.push("kvCache.tokens (the log's 'GPU KV cache size' or '# GPU blocks' line)");
  if (L === null) missing.push("the tokens per request (max_model_len)");
  if (A === null) missing.push("kvCache.availableGiB (the 'Available KV cache memory' line)");
  if (M === null) missing.push("the GPU memory (pass --gpu NAME or --gpu-memory)");
  if (W === null) missing.push("memory.modelWeightsGiB (the 'Model loading took' line)");
  if (T === null || L === null) return { levers, missing };
  const need = target !== null ? Math.ceil(target * L) : null;
  const conc = (tokens: number) => tokens / L;
  const reaches = (tokens: number | null) => (need === null || tokens === null ? null : tokens >= need);
  const rounded = (x: number) => Math.round(x * 100) / 100;
  const gb = (x: number) => `${fmt(x, 2)} GiB`;

  // gpu_memory_utilization: every extra fraction of the GPU goes to the KV cache
  if (b !== null && A !== null && M !== null) {
    const wanted = need !== null ? u + ((need * b) / GIB - A) / M : MAX_SENSIBLE_UTILIZATION;
    const next = Math.ceil(Math.max(wanted, u) * 100 - 1e-9) / 100;
    if (next > u) {
      const kvGiB = A + (next - u) * M;
      const tokens = tokensFor(kvGiB * GIB, b);
      levers.push({
        lever: "gpu_memory_utilization",
        change: `--gpu-memory-utilization ${next}`,
        kvTokens: tokens,
        maxConcurrency: conc(tokens),
        reachesTarget: next > MAX_SENSIBLE_UTILIZATION ? false : reaches(tokens),
        arithmetic: `KV memory per GPU ${gb(A)} + (${next} − ${u}) × ${gb(M)} = ${gb(kvGiB)}; ÷ ${fmt(b)} bytes per token = ${fmt(tokens)} tokens; ÷ ${fmt(L)} = ${fmt(conc(tokens), 2)}x`,
        caveat: next > 1
          ? `more than the whole GPU: not reachable this way alone`
          : next > MAX_SENSIBLE_UTILIZATION ? `above ${MAX_SENSIBLE_UTILIZATION}, leaving too little for other allocations: not reachable this way alone` : run.gpuMemoryUtilizationAssumed ? `the log does not show gpu_memory_utilization; assumed vLLM's default ${u}` : null,
      });
    }
  }

  // max_model_len: the same tokens shared by shorter requests
  {
    const len = need !== null && target ? Math.floor(T / target) : Math.floor(L / 2);
    if (len >= 1 && len < L) {
      levers.push({
        lever: "max_model_len",
        change: `--max-model-len ${len}`,
        kvTokens: T,
        maxConcurrency: T / len,
        reachesTarget: target !== null ? T / len >= target : null,
        arithmetic: `${fmt(T)} KV tokens ÷ ${fmt(len)} tokens per request = ${fmt(T / len, 2)}x`,
        caveat: `prompts plus outputs longer than ${fmt(len)} tokens are rejected`,
      });
    }
  }

  // fp8 KV cache: half the bytes per token
  const elem = kvDtypeBytes(run.kvCacheDtype);
  if (elem > 1) {
    const tokens = b !== null && A !== null ? tokensFor(A * GIB, b / elem) : T * elem;
    levers.push({
      lever: "kv_cache_dtype",
      change: "--kv-cache-dtype fp8",
      kvTokens: tokens,
      maxConcurrency: conc(tokens),
      reachesTarget: reaches(tokens),
      arithmetic: `${elem} bytes → 1 byte per KV element: ${fmt(T)} × ${elem} ≈ ${fmt(tokens)} tokens; ÷ ${fmt(L)} = ${fmt(conc(tokens), 2)}x`,
      caveat: "a small accuracy cost; check your model's outputs",
    });
  }

  // more tensor parallelism: the weights per GPU shrink and each GPU keeps fewer KV heads
  if (b !== null && A !== null) {
    const maxTp = run.gpusPerNode ?? 8;
    let chosen: Lever | null = null;
    for (let t = tp * 2; t <= maxTp; t *= 2) {
      const freed = W !== null ? W * (1 - tp / t) : 0;
      const perToken = shape ? kvBytesPerTokenPerGpu(shape, elem, { tensorParallelSize: t, pipelineParallelSize: pp }) : (b * tp) / t;
      const tokens = tokensFor((A + freed) * GIB, perToken);
      chosen = {
        lever: "tensor_parallel_size",
        change: `--tensor-parallel-size ${t}`,
        kvTokens: tokens,
        maxConcurrency: conc(tokens),
        reachesTarget: reaches(tokens),
        arithmetic:
          `KV memory per GPU ${gb(A)}` + (W !== null ? ` + weights freed ${gb(W)} × (1 − ${tp}/${t}) = ${gb(A + freed)}` : "") +
          `; ${fmt(perToken)} bytes per token per GPU → ${fmt(tokens)} tokens; ÷ ${fmt(L)} = ${fmt(conc(tokens), 2)}x`,
        caveat:
          `${t * pp} GPUs instead of ${tp * pp}` +
          (run.gpuName && findGpu(run.gpuName) && !hasFastLink(findGpu(run.gpuName)!.interconnect) ? `; ${run.gpuName} has no NVLink, so TP above 2 is slow: prefer pipeline parallelism` : "") +
          (W === null ? "; the weights freed per GPU are not counted (the log lacks the model weight size)" : ""),
      };
      if (target === null || chosen.reachesTarget) break;
    }
    if (chosen) levers.push(chosen);
  }

  // more pipeline stages: fewer layers (weights and KV) per GPU
  if (b !== null && A !== null) {
    const p = pp * 2;
    const freed = W !== null ? W / 2 : 0;
    const perToken = shape ? kvBytesPerTokenPerGpu(shape, elem, { tensorParallelSize: tp, pipelineParallelSize: p }) : b / 2;
    const tokens = tokensFor((A + freed) * GIB, perToken);
    levers.push({
      lever: "pipeline_parallel_size",
      change: `--pipeline-parallel-size ${p}`,
      kvTokens: tokens,
      maxConcurrency: conc(tokens),
      reachesTarget: reaches(tokens),
      arithmetic:
        `KV memory per GPU ${gb(A)}` + (W !== null ? ` + half the weights ${gb(W / 2)} = ${gb(A + freed)}` : "") +
        `; half the layers per GPU: ${fmt(perToken)} bytes per token → ${fmt(tokens)} tokens; ÷ ${fmt(L)} = ${fmt(conc(tokens), 2)}x`,
      caveat: `${tp * p} GPUs instead of ${tp * pp} (more nodes if one node is full); adds some latency per stage`,
    });
  }

  // more replicas: each brings its own KV cache
  {
    const current = conc(T);
    const replicas = target !== null && current > 0 ? Math.max(2, Math.ceil(target / current)) : 2;
    if (current > 0) {
      levers.push({
        lever: "data_parallel_size",
        change: `--data-parallel-size ${replicas}`,
        kvTokens: T * replicas,
        maxConcurrency: current * replicas,
        reachesTarget: target !== null ? current * replicas >= target : null,
        arithmetic: `${replicas} replicas × ${fmt(current, 2)}x = ${fmt(current * replicas, 2)}x (each replica has its own ${fmt(T)}-token KV cache)`,
        caveat: `${replicas * tp * pp} GPUs in all; a single request still gets at most ${fmt(T)} tokens`,
      });
    }
  }
  for (const l of levers) if (l.maxConcurrency !== null) l.maxConcurrency = rounded(l.maxConcurrency);
  return { levers, missing };
}

/**
 * Parallelism advice for a run, reusable by rules: a TP larger than one node's GPUs, or TP > 2 on GPUs without
 * NVLink, each get the layout the decision tree would pick. Empty when nothing applies or the facts are missing.
 */
export function adviseFromFacts(f: RunFacts): string[] {
  const advice: string[] = [];
  const tp = f.config?.tensorParallelSize ?? null;
  const pp = f.config?.pipelineParallelSize ?? 1;
  if (tp === null) return advice;
  const perNode = gpusPerNodeFromFacts(f);
  if (perNode !== null && tp > perNode) {
    const nodes = Math.ceil((tp * pp) / perNode);
    advice.push(
      `tensor_parallel_size ${tp} spans nodes of ${perNode} GPUs, so every layer's all-reduce crosses the network: ` +
        `use --tensor-parallel-size ${perNode} --pipeline-parallel-size ${nodes} (TP = GPUs per node, PP = nodes).`,
    );
  }
  const spec = f.gpu?.name ? findGpu(f.gpu.name) : null;
  if (spec && tp > 2 && !hasFastLink(spec.interconnect)) {
    advice.push(
      `${f.gpu!.name} GPUs have no NVLink, so tensor parallelism over ${tp} GPUs runs its all-reduce over PCIe: ` +
        `prefer pipeline parallelism, --tensor-parallel-size 1 --pipeline-parallel-size ${tp * pp}` +
        (spec.interconnect === "nvlink-pairs" ? ` (or TP=2 inside each NVLink pair with --pipeline-parallel-size ${(tp * pp) / 2})` : "") +
        ".",
    );
  }
  return advice;
}

export function planFromFacts(f: RunFacts, opts: FromRunOptions = {}): RunPlan {
  const run = summarizeRun(f, opts);
  const target = opts.targetConcurrency ?? null;
  const { levers, missing } = leversForRun(run, target, opts.shape ?? null);
  return {
    run,
    check: checkKv(run),
    targetConcurrency: target,
    tokensNeeded: target !== null && run.tokensPerRequest !== null ? Math.ceil(target * run.tokensPerRequest) : null,
    levers,
    advice: adviseFromFacts(f),
    missing,
  };
}
