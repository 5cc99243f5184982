import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/lora-rank-too-large",
  defaultSeverity: "error",
  title: "A LoRA adapter's rank is larger than the server's --max-lora-rank",
  tags: ["vllm", "lora", "config"],
  sources: [
    "vLLM docs: features/lora.md (--enable-lora, --max-lora-rank, --max-loras)",
    "vLLM source: vllm/lora/peft_helper.py validate_legal ('LoRA rank … is greater than max_lora_rank …'); vllm/config/lora.py (max_lora_rank's allowed values)",
  ],
} satisfies RuleSpec;

/** the ranks recent vLLM accepts for --max-lora-rank (vllm/config/lora.py MaxLoRARanks) */
const RANKS = [8, 16, 32, 64, 128, 256, 320, 512];

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.loraRankTooLarge"]);
  if (!hits.length) return [];
  const rank = firstValue(hits, "rank");
  const max = firstValue(hits, "max");
  const need = rank !== undefined ? RANKS.find((r) => r >= Number(rank)) : undefined;
  return [{
    message: `vLLM refused to load a LoRA adapter: its rank${rank ? ` (${rank})` : ""} is larger than the server's --max-lora-rank${max ? ` (${max})` : ""}, which sizes the LoRA buffers when the engine starts.`,
    evidence: hitEvidence(hits),
    remediation: [
      need !== undefined
        ? `Start vLLM with \`--max-lora-rank ${need}\` (or larger; recent versions accept ${RANKS.join(", ")}), next to --enable-lora; in Python, \`LLM(..., enable_lora=True, max_lora_rank=${need})\`.`
        : `Start vLLM with --max-lora-rank at least the adapter's rank (recent versions accept ${RANKS.join(", ")}); in Python, \`LLM(..., enable_lora=True, max_lora_rank=...)\`.`,
      "A larger --max-lora-rank reserves more GPU memory for every LoRA slot (--max-loras of them), leaving less for the KV cache: set it to the largest rank among the adapters you serve, not higher.",
    ],
  }];
}

export const rule = defineRule(meta, check);
