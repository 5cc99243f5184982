/**
 * The parallelism decision tree of vLLM's parallelism guide, with a simple memory model.
 *
 * Memory model, per GPU (all in bytes):
 *   usable    = GPU memory × gpu_memory_utilization            (what vLLM lets itself take)
 *   overhead  = a fixed reserve for activations, CUDA graphs and non-torch allocations (default 2 GiB)
 *   headroom  = the least KV cache worth starting with: 1 GiB, or with a model config one request of
 *               max_model_len, whichever is larger
 *   a layout fits when  weights / (TP × PP) + overhead + headroom ≤ usable
 * What is left after weights and overhead is the KV cache.
 */
import { fastGroupSize, type Interconnect } from "./gpus.js";
import { expectedKvTokens, kvBytesPerToken, kvBytesPerTokenPerGpu, maxConcurrency, type KvLayout } from "./kv.js";
import type { ModelShape } from "./model-config.js";
import { fmt, fmtGB, fmtGiB, GIB } from "./units.js";

export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;
export const DEFAULT_OVERHEAD_GIB = 2;
export const MIN_KV_HEADROOM_GIB = 1;

export interface PlanGpu {
  name: string;
  memoryGiB: number;
  interconnect: Interconnect;
}

export interface PlanInput {
  weightsBytes: number;
  /** how the weight size was obtained, for the reasoning ("70B × 2 bytes (bf16)") */
  weightsFrom: string;
  gpu: PlanGpu;
  gpusPerNode: number;
  nodes: number;
  gpuMemoryUtilization?: number;
  overheadGiB?: number;
  shape?: ModelShape | null;
  /** attention heads when no model config gives them */
  attentionHeads?: number | null;
  maxModelLen?: number | null;
  /** bytes per KV cache element (2 for bf16/fp16, 1 for fp8) */
  kvElementBytes?: number;
}

export interface KvEstimate {
  bytesPerToken: number;
  bytesPerTokenPerGpu: number;
  memoryPerGpuBytes: number;
  tokens: number;
  maxModelLen: number;
  maxConcurrency: number;
}

export interface Plan {
  fits: boolean;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  /** smallest TP (one pipeline stage) whose share of the weights fits one GPU; null when none up to all GPUs */
  minimumTensorParallelSize: number | null;
  gpusUsed: number;
  nodesUsed: number;
  /** when the model does not fit: nodes of this size it would need (null when it fits or is unknown) */
  nodesNeeded: number | null;
  weightsBytes: number;
  weightsPerGpuBytes: number;
  usablePerGpuBytes: number;
  overheadPerGpuBytes: number;
  kvHeadroomPerGpuBytes: number;
  kv: KvEstimate | null;
  reasoning: string[];
  alternatives: string[];
}

interface Ctx {
  input: PlanInput;
  usable: number;
  overhead: number;
  heads: number | null;
  maxModelLen: number | null;
  kvElementBytes: number;
}

function headroom(ctx: Ctx, layout: KvLayout): number {
  const min = MIN_KV_HEADROOM_GIB * GIB;
  const { shape } = ctx.input;
  if (!shape || !ctx.maxModelLen) return min;
  return Math.max(min, ctx.maxModelLen * kvBytesPerTokenPerGpu(shape, ctx.kvElementBytes, layout));
}

function perGpuWeights(ctx: Ctx, tp: number, pp: number): number {
  return ctx.input.weightsBytes / (tp * pp);
}

function fits(ctx: Ctx, tp: number, pp: number): boolean {
  return perGpuWeights(ctx, tp, pp) + ctx.overhead + headroom(ctx, { tensorParallelSize: tp, pipelineParallelSize: pp }) <= ctx.usable;
}

const isPowerOfTwo = (n: number): boolean => (n & (n - 1)) === 0;

/** Smallest TP with PP = 1 that fits; TP must divide the attention heads (or, heads unknown, be a power of two). */
function minimumTp(ctx: Ctx, maxGpus: number): number | null {
  for (let t = 1; t <= maxGpus; t++) {
    const valid = ctx.heads !== null ? ctx.heads % t === 0 : isPowerOfTwo(t);
    if (valid && fits(ctx, t, 1)) return t;
  }
  return null;
}

function estimateKv(ctx: Ctx, tp: number, pp: number): KvEstimate | null {
  const { shape } = ctx.input;
  if (!shape || !ctx.maxModelLen) return null;
  const layout = { tensorParallelSize: tp, pipelineParallelSize: pp };
  const perGpu = kvBytesPerTokenPerGpu(shape, ctx.kvElementBytes, layout);
  const memory = Math.max(0, ctx.usable - ctx.overhead - perGpuWeights(ctx, tp, pp));
  const tokens = expectedKvTokens(memory, perGpu);
  return {
    bytesPerToken: kvBytesPerToken(shape, ctx.kvElementBytes),
    bytesPerTokenPerGpu: perGpu,
    memoryPerGpuBytes: memory,
    tokens,
    maxModelLen: ctx.maxModelLen,
    maxConcurrency: maxConcurrency(tokens, ctx.maxModelLen),
  };
}

const linkWords: Record<Interconnect, string> = {
  nvlink: "NVLink",
  xgmi: "xGMI (Infinity Fabric)",
  "nvlink-pairs": "NVLink bridges in pairs only",
  pcie: "PCIe only, no NVLink",
};

export function planParallelism(input: PlanInput): Plan {
  const G = input.gpusPerNode;
  const N = input.nodes;
  const total = G * N;
  const util = input.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
  const ctx: Ctx = {
    input,
    usable: input.gpu.memoryGiB * GIB * util,
    overhead: (input.overheadGiB ?? DEFAULT_OVERHEAD_GIB) * GIB,
    heads: input.attentionHeads ?? input.shape?.attentionHeads ?? null,
    maxModelLen: input.maxModelLen ?? input.shape?.maxPositionEmbeddings ?? null,
    kvElementBytes: input.kvElementBytes ?? 2,
  };
  const why: string[] = [];
  const alternatives: string[] = [];
  const W = input.weightsBytes;
  const gibOf = (b: number) => fmtGiB(b);

  why.push(`Weights: ${input.weightsFrom} = ${fmtGB(W)} (${gibOf(W)}).`);
  why.push(
    `Per-GPU budget: ${fmt(input.gpu.memoryGiB, 1)} GiB × gpu_memory_utilization ${util} = ${gibOf(ctx.usable)}; ` +
      `${gibOf(ctx.overhead)} of it is reserved for activations, CUDA graphs and non-torch memory, and at least ` +
      (ctx.input.shape && ctx.maxModelLen
        ? `one ${fmt(ctx.maxModelLen)}-token request of KV cache (or ${MIN_KV_HEADROOM_GIB} GiB) must remain.`
        : `${MIN_KV_HEADROOM_GIB} GiB must remain for the KV cache.`),
  );
  const describeFit = (tp: number, pp: number, label: string): string => {
    const share = perGpuWeights(ctx, tp, pp);
    const room = headroom(ctx, { tensorParallelSize: tp, pipelineParallelSize: pp });
    const need = share + ctx.overhead + room;
    const ok = need <= ctx.usable;
    return `${label}: ${gibOf(share)} of weights per GPU + ${gibOf(ctx.overhead)} + ${gibOf(room)} = ${gibOf(need)} ${ok ? "≤" : ">"} ${gibOf(ctx.usable)} → ${ok ? "fits" : "does not fit"}.`;
  };

  const fastGroup = fastGroupSize(input.gpu.interconnect, G);
  const headsOk = (t: number) => ctx.heads === null || ctx.heads % t === 0;
  let tp: number;
  let pp: number;
  let ok = true;
  let nodesNeeded: number | null = null;

  why.push(describeFit(1, 1, "One GPU"));
  if (fits(ctx, 1, 1)) {
    tp = 1;
    pp = 1;
    why.push("The model fits one GPU: no parallelism needed.");
    if (total > 1) alternatives.push(`The other ${total - 1} GPU(s) can serve replicas: --data-parallel-size ${total} (or one server per GPU behind a load balancer).`);
  } else {
    const nodeLayout = chooseNodeLayout(G, fastGroup, headsOk);
    why.push(describeFit(nodeLayout.tp, nodeLayout.pp, `One node (${G} GPU${G === 1 ? "" : "s"})`));
    if (G > 1 && fits(ctx, nodeLayout.tp, nodeLayout.pp)) {
      ({ tp, pp } = nodeLayout);
      why.push(nodeLayoutReason(G, input.gpu.interconnect, nodeLayout, ctx.heads, fastGroup));
      if (N > 1) alternatives.push(`The model fits one node; the other ${N - 1} node(s) can serve replicas (--data-parallel-size ${N}).`);
    } else {
      const multi = chooseMultiNodeLayout(G, N, fastGroup, headsOk);
      if (N > 1) why.push(describeFit(multi.tp, multi.pp, `${N} nodes × ${G} GPUs`));
      ({ tp, pp } = multi);
      if (N > 1 && fits(ctx, tp, pp)) {
        why.push(multiNodeReason(G, N, input.gpu.interconnect, multi, ctx.heads, fastGroup));
      } else {
        ok = false;
        nodesNeeded = smallestNodeCount(ctx, G, fastGroup, headsOk);
        why.push(
          `The model does not fit ${total} GPU${total === 1 ? "" : "s"}` +
            (nodesNeeded !== null ? `: it needs ${nodesNeeded} node(s) of ${G} GPU(s), or GPUs with more memory, or a smaller dtype (fp8, int4).` : `, not even with 64 nodes of ${G} GPU(s).`),
        );
      }
    }
  }

  const minTp = minimumTp(ctx, total);
  if (minTp !== null) {
    why.push(
      `Smallest tensor_parallel_size whose share of the weights fits: ${minTp} (${gibOf(perGpuWeights(ctx, minTp, 1))} per GPU)` +
        (ctx.heads !== null ? `, counting only sizes that divide the ${ctx.heads} attention heads.` : `, counting powers of two (attention heads unknown).`),
    );
    if (ok && minTp < tp && minTp > 1 && total >= 2 * minTp && (fastGroup >= minTp))
      alternatives.push(`TP=${minTp} uses only ${minTp} GPUs: ${Math.floor(total / minTp)} replicas of TP=${minTp} (--data-parallel-size ${Math.floor(total / minTp)}) serve more requests, each with less KV cache than TP=${tp}.`);
  }
  if (ok && tp === 1 && pp > 1 && ctx.heads !== null && ctx.heads % G !== 0 && fastGroup > 1) {
    const divisor = largestDivisor(ctx.heads, Math.min(G, fastGroup));
    if (divisor > 1 && fits(ctx, divisor, 1)) alternatives.push(`TP=${divisor} on ${divisor} of the ${G} GPUs also works (${divisor} divides ${ctx.heads} heads), leaving ${G - divisor} GPU(s) unused.`);
  }
  if (input.shape && pp > input.shape.layers) why.push(`Warning: pipeline_parallel_size ${pp} exceeds the model's ${input.shape.layers} layers.`);

  const kv = estimateKv(ctx, tp, pp);
  if (kv) {
    why.push(
      `KV cache per GPU: ${gibOf(ctx.usable)} − ${gibOf(perGpuWeights(ctx, tp, pp))} weights − ${gibOf(ctx.overhead)} overhead = ${gibOf(kv.memoryPerGpuBytes)}; ` +
        `at ${fmt(kv.bytesPerTokenPerGpu)} bytes per token per GPU that holds ${fmt(kv.tokens)} tokens, ` +
        `${fmt(kv.maxConcurrency, 2)}x requests of ${fmt(kv.maxModelLen)} tokens.`,
    );
  }

  return {
    fits: ok,
    tensorParallelSize: tp,
    pipelineParallelSize: pp,
    minimumTensorParallelSize: minTp,
    gpusUsed: tp * pp,
    nodesUsed: Math.ceil((tp * pp) / G),
    nodesNeeded,
    weightsBytes: W,
    weightsPerGpuBytes: perGpuWeights(ctx, tp, pp),
    usablePerGpuBytes: ctx.usable,
    overheadPerGpuBytes: ctx.overhead,
    kvHeadroomPerGpuBytes: headroom(ctx, { tensorParallelSize: tp, pipelineParallelSize: pp }),
    kv,
    reasoning: why,
    alternatives,
  };
}

interface Layout {
  tp: number;
  pp: number;
}

/** One node of G GPUs: TP over the fast group (all of it with NVLink), pipeline over the rest; PP only when heads do not divide. */
function chooseNodeLayout(G: number, fastGroup: number, headsOk: (t: number) => boolean): Layout {
  if (!headsOk(G)) return { tp: 1, pp: G };
  if (fastGroup >= G) return { tp: G, pp: 1 };
  if (fastGroup > 1 && G % fastGroup === 0 && headsOk(fastGroup)) return { tp: fastGroup, pp: G / fastGroup };
  return { tp: 1, pp: G };
}

function chooseMultiNodeLayout(G: number, N: number, fastGroup: number, headsOk: (t: number) => boolean): Layout {
  const node = chooseNodeLayout(G, fastGroup, headsOk);
  return { tp: node.tp, pp: node.pp * N };
}

function smallestNodeCount(ctx: Ctx, G: number, fastGroup: number, headsOk: (t: number) => boolean): number | null {
  for (let n = 1; n <= 64; n++) {
    const l = n === 1 ? chooseNodeLayout(G, fastGroup, headsOk) : chooseMultiNodeLayout(G, n, fastGroup, headsOk);
    if (fits(ctx, l.tp, l.pp)) return n;
  }
  return null;
}

function largestDivisor(heads: number, max: number): number {
  for (let t = max; t > 1; t--) if (heads % t === 0) return t;
  return 1;
}

function nodeLayoutReason(G: number, link: Interconnect, l: Layout, heads: number | null, fastGroup: number): string {
  if (heads !== null && heads % G !== 0)
    return `The model fits one node, but ${heads} attention heads are not divisible by ${G} GPUs: use pipeline parallelism alone (TP=1, PP=${G}); PP splits by layers and allows uneven splits.`;
  if (l.tp === G) return `The model fits one node with ${linkWords[link]}: tensor parallelism over the node's ${G} GPUs (TP=${G}).`;
  if (l.tp > 1) return `The model fits one node, but the GPUs have ${linkWords[link]}: tensor parallelism inside each group of ${fastGroup} (TP=${l.tp}) and pipeline parallelism across groups (PP=${l.pp}).`;
  return `The model fits one node, but the GPUs have ${linkWords[link]}: prefer pipeline over tensor parallelism (TP=1, PP=${G}), which passes activations between stages instead of an all-reduce per layer.`;
}

function multiNodeReason(G: number, N: number, link: Interconnect, l: Layout, heads: number | null, fastGroup: number): string {
  if (heads !== null && heads % G !== 0)
    return `${heads} attention heads are not divisible by ${G} GPUs per node: pipeline parallelism alone over all ${G * N} GPUs (TP=1, PP=${G * N}).`;
  if (l.tp === G) return `The model needs more than one node: TP = GPUs per node (${G}) and PP = nodes (${N}), so the all-reduce traffic stays inside each node.`;
  if (l.tp > 1) return `The model needs more than one node and the GPUs have ${linkWords[link]}: TP=${l.tp} inside each group of ${fastGroup}, PP=${l.pp} across groups and nodes.`;
  return `The model needs more than one node and the GPUs have ${linkWords[link]}: pipeline parallelism over all ${G * N} GPUs (TP=1, PP=${G * N}).`;
}
