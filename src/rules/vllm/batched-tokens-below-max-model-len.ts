import type { RuleContext, FindingDraft } from "../types.js";
import { fmt, hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/batched-tokens-below-max-model-len",
  defaultSeverity: "error",
  title: "--max-num-batched-tokens is below --max-model-len while chunked prefill is off",
  tags: ["vllm", "config", "context-length", "startup"],
  sources: [
    "vLLM source: vllm/config SchedulerConfig (_verify_args, later verify_max_model_len): the step budget against max_model_len when chunked prefill is off",
    "vLLM docs: configuration/optimization (chunked prefill, max_num_batched_tokens)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.batchedTokensBelowMaxLen"]);
  if (!hits.length) return [];
  const batched = Number(hits[0].captures.batched);
  const len = Number(hits[0].captures.len);
  return [{
    message: `vLLM refused the configuration: one scheduler step may hold ${fmt(batched)} tokens (max_num_batched_tokens) but a request may be ${fmt(len)} tokens long (max_model_len). Without chunked prefill a prompt is prefilled in a single step, so a prompt longer than ${fmt(batched)} tokens could never run.`,
    evidence: hitEvidence(hits),
    remediation: [
      `Raise --max-num-batched-tokens to ${len} or more (a larger step budget takes more activation memory, leaving less for the KV cache).`,
      `Or lower --max-model-len to ${batched} or less, if requests that long are enough.`,
      "Or turn chunked prefill on (--enable-chunked-prefill), which splits a long prompt over several steps. Where vLLM turns it off itself (some CPU backends, models or features that do not support it; a wrapper passing enable_chunked_prefill=False) the budget must cover max_model_len.",
    ],
  }];
}

export const rule = defineRule(meta, check);
