import type { FindingDraft, RuleContext } from "../types.js";
import { fmt, uniqueEvidence } from "../helpers.js";
import { overLines, sourceOf, statsOf } from "./common.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "runtime/queue-with-free-kv",
  defaultSeverity: "warning",
  title: "Requests waited while the KV cache had room: a scheduler limit, not memory",
  tags: ["runtime", "scheduler", "latency"],
  sources: [
    "vllm/v1/core/sched/scheduler.py and vllm/core/scheduler.py: a request is scheduled only while running < max_num_seqs and the step's tokens < max_num_batched_tokens",
    "vLLM docs: configuration/optimization (max_num_seqs, max_num_batched_tokens, chunked prefill)",
  ],
} satisfies RuleSpec;

/** stats lines with requests waiting at <= 50% KV usage needed */
export const MIN_LINES = 3;
/** ... and at least this share of the stats lines */
export const MIN_SHARE = 0.05;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const r = statsOf(facts);
  if (!r || r.waitingFreeKvLines < MIN_LINES || r.waitingFreeKvLines < MIN_SHARE * r.statsLines) return [];
  const seqs = facts.config.maxNumSeqs;
  const batched = facts.config.maxNumBatchedTokens;
  const atSeqLimit = seqs !== null && r.running.max >= seqs;
  const why = atSeqLimit
    ? `running never went above ${fmt(r.running.max, 0)}, which is max_num_seqs (${seqs}): the scheduler admits no more sequences whatever the free KV space`
    : `running peaked at ${fmt(r.running.max, 0)}${seqs !== null ? ` (max_num_seqs is ${seqs})` : ""}: the scheduler's limits on sequences${batched !== null ? ` or on tokens per step (max_num_batched_tokens ${fmt(batched, 0)})` : " or tokens per step (max_num_batched_tokens)"} held requests back, not memory`;
  const remediation = [
    atSeqLimit
      ? `Raise --max-num-seqs (now ${seqs}); the KV cache had room for more sequences.`
      : `Raise --max-num-seqs${seqs !== null ? ` (now ${seqs})` : ""} so more sequences run at once while KV space is free.`,
    `Raise --max-num-batched-tokens${batched !== null ? ` (now ${fmt(batched, 0)})` : ""} when long prompts wait for prefill: a larger step budget admits them sooner (at some cost to the latency of running requests).`,
    "If the queue is short and brief, it may be bursts of arrivals being admitted step by step: compare with the time to first token your clients see.",
  ];
  return [{
    message: `On ${fmt(r.waitingFreeKvLines, 0)} of ${overLines(r)}, requests were waiting (up to ${fmt(r.waiting.max, 0)}) while GPU KV cache usage was 50% or less; ${why}.`,
    evidence: uniqueEvidence([sourceOf(facts, "runtime.waitingFreeKv"), sourceOf(facts, "runtime.waiting"), sourceOf(facts, "config.maxNumSeqs")]),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
