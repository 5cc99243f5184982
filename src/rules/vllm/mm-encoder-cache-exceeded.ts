import type { RuleContext, FindingDraft } from "../types.js";
import { fmt, hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/mm-encoder-cache-exceeded",
  defaultSeverity: "warning",
  title: "A request's image, video or audio item is larger than the encoder cache vLLM set aside",
  tags: ["vllm", "multimodal", "config", "requests"],
  sources: [
    "vLLM source: vllm/v1/engine/processor.py, later input_processor.py (the check of each multi-modal item against the encoder cache size); vllm/v1/core/encoder_cache_manager.py (the encoder compute and cache budget, from max_num_batched_tokens and the largest item of the modalities --limit-mm-per-prompt allows)",
    "vLLM source: vllm/v1/worker/gpu_model_runner.py profile_run ('Encoder cache will be initialized with a budget of N tokens')",
  ],
} satisfies RuleSpec;

/** The server refused a request whose multi-modal item needs more encoder output than the cache sized at start-up. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.mmEncoderCacheExceeded"]);
  if (!hits.length) return [];
  const c = hits[0].captures;
  const size = Number(c.len ?? c.tokens);
  const cache = Number(c.cache);
  const modality = c.modality ?? "multi-modal";
  const times = hits.length > 1 ? ` (${hits.length} times in the log)` : "";
  return [{
    message: `vLLM refused a request${times}: its ${modality} item needs ${fmt(size)} encoder tokens, more than the ${fmt(cache)}-token encoder cache it set aside at start-up. The server keeps running; that request fails (HTTP 400), and every ${modality} this large will too.`,
    evidence: hitEvidence(hits),
    remediation: [
      `Send smaller ${modality === "video" ? "videos (fewer frames, a lower resolution)" : modality === "audio" ? "audio clips (shorter ones)" : "images (a lower resolution)"}, or have the processor shrink them: --mm-processor-kwargs (for the Qwen-VL family \`max_pixels\`, for video \`fps\` or \`max_frames\`).`,
      `Or size the cache for them at start-up: the largest item vLLM profiles follows --limit-mm-per-prompt, whose per-modality size limits (\`'{"${modality}": {"count": 1, "width": …, "height": …}}'\` in releases that take them) raise it; the cache is at least --max-num-batched-tokens, so ${fmt(size)} or more there makes room too (less memory for the KV cache).`,
    ],
  }];
}

export const rule = defineRule(meta, check);
