import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/lora-max-rank-invalid",
  defaultSeverity: "error",
  title: "--max-lora-rank is set to a value this vLLM does not accept",
  tags: ["vllm", "lora", "config", "startup"],
  sources: [
    "vLLM docs: features/lora.md (--enable-lora, --max-lora-rank)",
    "vLLM source: vllm/config.py LoRAConfig.__post_init__ (0.4-0.9: 'max_lora_rank (N) must be one of (...)', the allowed ranks by release); later vllm/config/lora.py (the ranks as argparse choices)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.loraMaxRankInvalid"]);
  if (!hits.length) return [];
  const c = hits[0].captures;
  const value = c.value !== undefined ? Number(c.value) : undefined;
  const allowed = (c.allowed ?? "").split(",").map((x) => Number(x.trim())).filter((n) => Number.isFinite(n) && n > 0).sort((a, b) => a - b);
  const version = ctx.facts.vllm.version;
  const release = version ? `vLLM ${version}` : "This vLLM";
  const list = allowed.length ? allowed.join(", ") : null;
  const next = value !== undefined ? allowed.find((r) => r >= value) : undefined;
  const top = allowed.length ? allowed[allowed.length - 1] : undefined;
  const message = `${release} refused its LoRA configuration before the engine started: --max-lora-rank${value !== undefined ? ` ${value}` : ""} is not one of the ranks it accepts${list ? ` (${list})` : ""}.`;
  const remediation: string[] = [];
  if (next !== undefined)
    remediation.push(`Start with \`--max-lora-rank ${next}\` (\`max_lora_rank=${next}\` in Python): the value is an upper bound for the adapters' ranks, so the next accepted rank above ${value} serves them.`);
  else if (value !== undefined && top !== undefined && value > top)
    remediation.push(`${release} takes ranks up to ${top}: serve adapters of rank ${top} or less, or upgrade vLLM (later releases accept larger ranks, recent ones up to 512; check \`vllm serve --help\` for --max-lora-rank's choices).`);
  else remediation.push(`Set --max-lora-rank to one of the ranks the error lists, at least the largest rank among the adapters you serve.`);
  remediation.push("A larger --max-lora-rank reserves more GPU memory for every LoRA slot (--max-loras of them), leaving less for the KV cache: use the smallest accepted rank that covers your adapters.");
  return [{ message, evidence: hitEvidence(hits), remediation }];
}

export const rule = defineRule(meta, check);
