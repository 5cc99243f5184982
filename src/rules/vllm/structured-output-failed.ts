import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/structured-output-failed",
  defaultSeverity: "warning",
  title: "Structured output: the grammar refused a token the model generated",
  tags: ["vllm", "structured-output", "serving"],
  sources: [
    "vLLM docs: features/structured_outputs.md (--structured-outputs-config / --guided-decoding-backend: xgrammar, guidance, outlines)",
    "vLLM source: vllm/v1/structured_output/backend_xgrammar.py accept_tokens ('Failed to advance FSM for request … for tokens …. Please file an issue.'); vllm/v1/core/sched/scheduler.py ('grammar rejected tokens … Terminating request.')",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.grammarRejected"]);
  if (!hits.length) return [];
  const request = firstValue(hits, "request");
  const count = ctx.signals["vllm.grammarRejected"]?.count ?? hits.length;
  return [{
    message: `The structured-output backend's grammar refused ${count === 1 ? "a token" : `tokens (${count} lines)`} the model generated${request ? ` (request ${request} first)` : ""}: the grammar and the sampled tokens went out of step, so that request ends early or breaks its format. The engine goes on serving the others.`,
    evidence: hitEvidence(hits),
    remediation: [
      "Find what those requests share (a JSON schema, a regex, tool calling with a reasoning parser) and whether speculative decoding, async scheduling or pipeline parallelism is on: the grammar and the tokens going out of step has been a vLLM bug in those combinations; upgrade vLLM, or turn that feature off for structured requests.",
      "Try another backend (`--structured-outputs-config '{\"backend\": \"guidance\"}'`, `--guided-decoding-backend` in older versions) to see whether it is the xgrammar backend's.",
    ],
  }];
}

export const rule = defineRule(meta, check);
