import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/lora-load-failed",
  defaultSeverity: "error",
  title: "vLLM could not load a LoRA adapter",
  tags: ["vllm", "lora", "serving"],
  sources: [
    "vLLM docs: features/lora.md (--enable-lora, --lora-modules, dynamic loading with /v1/load_lora_adapter)",
    "vLLM source: vllm/lora/worker_manager.py _load_adapter ('Loading lora … failed', '… failed: No adapter found for …'); vllm/lora/models.py ('… is unsupported LoRA weight', 'expected target modules in … but received …')",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.loraLoadFailed"]);
  if (!hits.length) return [];
  const adapter = firstValue(hits, "adapter");
  const path = firstValue(hits, "path");
  const module = firstValue(hits, "module");
  const what = adapter ? `the LoRA adapter ${adapter}` : "a LoRA adapter";
  const why = path
    ? `: no adapter was found at ${path} (neither a local folder with adapter_config.json and the weights, nor a Hugging Face repository it could download)`
    : module
      ? `: its weights hold \`${module}\`, a module vLLM cannot apply a LoRA to (the adapter was trained with extra modules, such as lm_head, embeddings or norms saved in full)`
      : "";
  return [{
    message: `vLLM could not load ${what}${why}. The engine loads an adapter when a request names it, when --lora-modules loads it after start-up, or on /v1/load_lora_adapter: that request fails, and some versions take the engine down with it.`,
    evidence: hitEvidence(hits),
    remediation: [
      "Check the adapter's path as the server sees it (inside the container, the mounted folder): it must hold adapter_config.json and adapter_model.safetensors (or .bin); for a Hugging Face repository, that the server can download it (HF_TOKEN, HF_HUB_OFFLINE unset).",
      "Check that the adapter matches the served base model and targets only modules vLLM supports: retrain or re-save it without modules_to_save (lm_head, embed_tokens, norms), or merge it into the base model.",
      "The traceback above the line (the exception `from e`) shows what the loader itself hit: a missing file, a shape mismatch, a rank above --max-lora-rank (vllm/lora-rank-too-large).",
    ],
  }];
}

export const rule = defineRule(meta, check);
