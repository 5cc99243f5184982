import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/max-model-len-exceeds-model",
  defaultSeverity: "error",
  title: "--max-model-len is longer than the model's context",
  tags: ["vllm", "config", "context-length", "startup"],
  sources: [
    "vLLM source: vllm/config ModelConfig (_get_and_verify_max_len, VLLM_ALLOW_LONG_MAX_MODEL_LEN)",
    "vLLM docs: serving/engine_args (--max-model-len, --hf-overrides)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.maxModelLenDerived"]);
  if (!hits.length) return [];
  // with VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 vLLM logs the same words as a WARNING and goes on
  const refused = hits.find((h) => h.captures.level !== "warning");
  const c = (refused ?? hits[0]).captures;
  const want = Number(c.want);
  const derived = Number(c.derived);
  // `max_position_embeddings=32768`, `seq_length=2048`; 0.2–0.4 printed `None=2048` when no key was named
  const from = c.key && c.key !== "None" ? `${c.key} in the model's config.json` : "the model's config.json";
  const message = refused
    ? `--max-model-len ${want} is longer than the context the model was built for (${derived}, from ${from}); vLLM refuses it because positions past that length give wrong outputs or CUDA errors.`
    : `--max-model-len ${want} is longer than the context the model was built for (${derived}, from ${from}); vLLM went on only because VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 is set, and positions past ${derived} give NaNs or CUDA out-of-bounds errors unless the model is RoPE-scaled.`;
  return [{
    message,
    ...(refused ? {} : { severity: "warning" as const }),
    evidence: hitEvidence(hits),
    remediation: [
      `Lower --max-model-len to ${derived} or less, or leave it out: vLLM then uses the model's own length.`,
      `If the model supports a longer context through RoPE scaling (YaRN), configure it so the derived length grows: --hf-overrides '{"rope_scaling": {"rope_type": "yarn", "factor": ${Math.max(2, Math.ceil(want / derived))}.0, "original_max_position_embeddings": ${derived}}}' (--rope-scaling on vLLM before 0.10).`,
      "Set VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 only when the model is known to handle the longer context; it turns the check into a warning and does not extend the model.",
    ],
  }];
}

export const rule = defineRule(meta, check);
