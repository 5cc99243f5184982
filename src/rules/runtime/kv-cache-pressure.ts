import type { Facts } from "../../facts/schema.js";
import { planFromFacts } from "../../plan/from-run.js";
import type { FindingDraft, RuleContext } from "../types.js";
import { fmt, uniqueEvidence } from "../helpers.js";
import { overLines, pct, sourceOf, statsOf } from "./common.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "runtime/kv-cache-pressure",
  defaultSeverity: "warning",
  title: "The KV cache was full: requests waited or were preempted",
  tags: ["runtime", "kv-cache", "capacity", "latency"],
  sources: [
    "vllm/engine/metrics.py and vllm/v1/metrics/loggers.py: the periodic stats line (GPU KV cache usage, Waiting/Pending, Preemptions)",
    "vllm/core/scheduler.py: `Sequence group … is preempted by PreemptionMode… total_num_cumulative_preemption=N`",
    "vLLM docs: configuration/optimization (Preemption: raise gpu_memory_utilization, lower max_num_seqs / max_num_batched_tokens, more TP or PP)",
  ],
} satisfies RuleSpec;

/** stats lines with requests waiting at >= 95% KV usage needed (besides any preemption) */
export const MIN_FULL_LINES = 3;
/** fewer preemptions than this, without such a queue, are reported as info */
export const MINOR_PREEMPTIONS = 10;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const r = statsOf(facts);
  const preempt = facts.runtime?.preemptions ?? 0;
  if (!r && preempt === 0) return [];
  const full = r?.waitingFullKvLines ?? 0;
  // (a short paste counts when every stats line it shows has the cache full and requests waiting)
  const allFull = r !== null && full > 0 && full === r.statsLines;
  if (preempt === 0 && full < MIN_FULL_LINES && !allFull) return [];
  const parts: string[] = [];
  if (r?.gpuKvUsagePct) parts.push(`GPU KV cache usage reached ${fmt(r.gpuKvUsagePct.max, 1)}% and was at 95% or more on ${pct(r.kvFullShare ?? 0)} of ${overLines(r)}`);
  if (full > 0 && r) parts.push(`on ${fmt(full, 0)} of them requests waited (up to ${fmt(r.waiting.max, 0)}) while ${fmt(r.running.max, 0)} ran at most`);
  if (preempt > 0) parts.push(`${fmt(preempt, 0)} request${preempt === 1 ? " was" : "s were"} preempted (their KV blocks freed and recomputed or swapped later)`);
  const demand = r ? r.running.max + r.waiting.max : null;
  const kv = facts.kvCache;
  const capacity = kv.tokens !== null
    ? ` The KV cache holds ${fmt(kv.tokens, 0)} tokens${kv.maxConcurrency !== null ? ` (${fmt(kv.maxConcurrency)}x requests of ${fmt(kv.tokensPerRequest ?? facts.config.maxModelLen ?? 0, 0)} tokens)` : ""}.`
    : "";
  // a few preemptions and no queue at a full cache: worth knowing, not yet a problem
  const minor = full < MIN_FULL_LINES && !allFull && preempt < MINOR_PREEMPTIONS;
  return [{
    ...(minor ? { severity: "info" as const } : {}),
    message: `${parts.join("; ")}.${capacity} Requests queue for KV space rather than for compute, so time to first token grows with the queue and preempted requests start over.`,
    evidence: uniqueEvidence([sourceOf(facts, "runtime.waitingFullKv"), sourceOf(facts, "runtime.gpuKvUsagePct"), sourceOf(facts, "runtime.preemptions"), sourceOf(facts, "kvCache.tokens")]),
    remediation: remediation(facts, demand),
  }];
}

function remediation(facts: Facts, demand: number | null): string[] {
  const out: string[] = [];
  const plan = planFromFacts(facts, { targetConcurrency: demand !== null && demand > 0 ? demand : null });
  const order = ["gpu_memory_utilization", "kv_cache_dtype", "max_model_len", "data_parallel_size", "tensor_parallel_size"];
  const levers = plan.levers.filter((l) => order.includes(l.lever)).sort((a, b) => order.indexOf(a.lever) - order.indexOf(b.lever));
  const target = demand !== null && demand > 0 ? ` (the log shows up to ${fmt(demand, 0)} requests running or waiting at once)` : "";
  if (levers.length) out.push(`Give the cache room for the load${target}:`);
  for (const l of levers.slice(0, 4)) {
    const gives = l.kvTokens !== null ? ` → ${fmt(l.kvTokens, 0)} KV tokens, ${fmt(l.maxConcurrency ?? 0)}x full-length requests` : "";
    const reach = l.reachesTarget === true ? " (enough)" : l.reachesTarget === false ? " (not enough alone)" : "";
    out.push(`  ${l.change}${gives}${reach}${l.caveat ? ` — ${l.caveat}` : ""}`);
  }
  if (!levers.length) {
    out.push(`Raise --gpu-memory-utilization${facts.config.gpuMemoryUtilization !== null ? ` (now ${facts.config.gpuMemoryUtilization})` : ""}, use --kv-cache-dtype fp8, lower --max-model-len, or add a replica: each gives the cache more tokens per request in flight.`);
    if (plan.missing.length) out.push(`(The log lacks ${plan.missing.slice(0, 2).join(" and ")}, so the tokens each lever gives cannot be computed here; \`vllm-doctor plan --from <log>\` does it with the start-up lines.)`);
  }
  out.push(`Or cap the batch so requests are not preempted: a lower --max-num-seqs${facts.config.maxNumSeqs !== null ? ` (now ${facts.config.maxNumSeqs})` : ""} or --max-num-batched-tokens keeps the running set within the cache; the rest wait instead of being evicted.`);
  return out;
}

export const rule = defineRule(meta, check);
