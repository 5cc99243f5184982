import type { FindingDraft, RuleContext } from "../types.js";
import { fmt, factEvidence, uniqueEvidence } from "../helpers.js";
import { overLines, pct, sourceOf, statsOf } from "./common.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "runtime/small-batch-tp",
  defaultSeverity: "warning",
  title: "Tensor parallelism serving one or two requests at a time: communication overhead dominates",
  tags: ["runtime", "parallelism", "throughput"],
  sources: [
    "vLLM docs: serving/parallelism_scaling — slow performance with tensor parallelism: small batch sizes (communication overhead dominates); increase batch size or concurrent requests",
  ],
} satisfies RuleSpec;

/** busy stats lines needed before the rule judges */
export const MIN_BUSY_LINES = 6;
/** share of busy stats lines with at most 2 requests running */
export const MIN_SMALL_SHARE = 0.8;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const r = statsOf(facts);
  const tp = facts.config.tensorParallelSize;
  if (!r || tp === null || tp < 2) return [];
  const busyLines = Math.round((r.busyShare ?? 0) * r.statsLines);
  if (busyLines < MIN_BUSY_LINES || (r.smallBatchShare ?? 0) < MIN_SMALL_SHARE) return [];
  // a queue means the server is the bottleneck, not the clients: other rules speak to that
  if (r.waiting.p95 > 0) return [];
  const gen = r.generationThroughput;
  const conc = facts.kvCache.maxConcurrency;
  const weights = facts.memory.modelWeightsGiB;
  const gpuGiB = facts.gpu.memoryGiB ?? facts.memory.totalGpuGiB;
  const fitsOne = weights !== null && gpuGiB !== null ? weights * tp < gpuGiB * 0.8 : null;
  const remediation = [
    `Send more requests at once: the server ran ${fmt(r.running.median, 0)} (median) of the ${conc !== null ? `${fmt(conc)}x full-length requests its KV cache holds` : "requests its KV cache could hold"}. Each decode step pays ${tp - 1} all-reduces per layer whatever the batch, so a larger batch costs little more time.`,
    fitsOne === true
      ? `The weights (${fmt(weights! * tp, 1)} GiB in all) fit on one ${fmt(gpuGiB!, 0)} GiB GPU: serve ${tp} replicas of --tensor-parallel-size 1 (--data-parallel-size ${tp}, or separate servers behind a load balancer) for ${tp}x the throughput at this load.`
      : `If the model fits on fewer GPUs, serve several smaller replicas (--data-parallel-size, or separate servers) instead of one TP ${tp} server: at this load, tensor parallelism buys latency, not throughput.`,
    "For single-stream latency, TP is right; then check the link: NVLink or NVSwitch keeps all-reduce cheap (see nccl/p2p-disabled and vllm/custom-allreduce-disabled findings).",
  ];
  return [{
    message: `tensor_parallel_size is ${tp}, but on ${pct(r.smallBatchShare ?? 0)} of the ${fmt(busyLines, 0)} busy stats lines (of ${overLines(r)}) only 1 or 2 requests were running, and none waited${gen ? `; generation ran at ${fmt(gen.median, 1)} tokens/s (median)` : ""}. With so small a batch the ${tp} GPUs spend much of each step in all-reduce, not in compute.`,
    evidence: uniqueEvidence([...factEvidence(facts, "config.tensorParallelSize"), sourceOf(facts, "runtime.running"), sourceOf(facts, "runtime.statsLines")]),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
