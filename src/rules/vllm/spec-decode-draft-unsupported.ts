import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/spec-decode-draft-unsupported",
  defaultSeverity: "error",
  title: "Speculative decoding with a separate draft model was refused by this vLLM release",
  tags: ["vllm", "speculative-decoding", "config", "startup"],
  sources: [
    "vLLM source: vllm/engine/arg_utils.py EngineArgs._is_v1_supported_oracle (0.9, 0.10: the draft_model method refused under V1)",
    "vLLM source: vllm/config/speculative.py SpeculativeConfig.__post_init__ (0.11-0.13: the same refusal)",
    "vLLM docs: features/spec_decode.md (the methods each release runs: ngram, EAGLE/EAGLE-3, Medusa, MTP, draft models)",
    "vLLM PR #24322 (draft-model speculative decoding in the V1 engine)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.specDraftUnsupported"]);
  if (!hits.length) return [];
  const release = ctx.facts.vllm.version ? `vLLM ${ctx.facts.vllm.version}` : "This vLLM";
  const methods = firstValue(hits, "methods")?.trim();
  const listed = methods ? ` (the refusal lists what it runs instead: ${methods})` : "";
  const model = ctx.facts.config.model ? ` for ${ctx.facts.config.model}` : "";
  return [
    {
      message: `${release} has no standalone draft-model proposer in its V1 engine: the speculative config${model} names a separate draft model (method draft_model, or a "model" with no EAGLE/Medusa/MTP method), and the configuration check refused it before anything was loaded${listed}. V0's draft-model speculative decoding was removed, and the V1 engine only gained a draft-model proposer in a later release.`,
      evidence: hitEvidence(hits.slice(0, 2)),
      remediation: [
        `Use a method this release runs: \`--speculative-config '{"method": "ngram", "num_speculative_tokens": 5, "prompt_lookup_max": 4}'\` needs no second model; EAGLE / EAGLE-3 or Medusa need heads trained for the target model ("method": "eagle3" with "model": "<its EAGLE-3 head>"); "mtp" uses the multi-token-prediction layers some checkpoints ship (DeepSeek-V3, Qwen3-Next, GLM-4.5 and others).`,
        "Or upgrade vLLM to a release whose V1 engine runs draft models again (PR #24322, `\"method\": \"draft_model\"`, the draft sharing the target's vocabulary), and check features/spec_decode.md of that release for the combinations it supports.",
        "Or start without --speculative-config: speculative decoding is an optimisation, the server runs the same model without it.",
      ],
    },
  ];
}

export const rule = defineRule(meta, check);
