import type { RuleContext, FindingDraft } from "../types.js";
import { fmt, hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/mm-profile-too-short",
  defaultSeverity: "warning",
  title: "The multi-modal worst case does not fit the sequence vLLM profiles memory with",
  tags: ["vllm", "multimodal", "config", "memory", "startup"],
  sources: [
    "vLLM source: vllm/multimodal/processing.py (0.6) and vllm/multimodal/profiling.py (0.7 on): the dummy data for memory profiling, sized by --limit-mm-per-prompt and each modality's most tokens per item, and the warning when it is longer than the profiled sequence",
    "vLLM source: vllm/worker/model_runner.py profile_run (V0): max_num_seqs for profiling from max_num_batched_tokens and the multi-modal worst case",
    "vLLM docs: configuration/conserving_memory (limit_mm_per_prompt, mm_processor_kwargs) and models/vlm",
  ],
} satisfies RuleSpec;

/** `{'image': 163840, 'video': 16384}` as [modality, tokens] pairs, largest first */
function split(text: string | undefined): [string, number][] {
  if (!text) return [];
  return [...text.matchAll(/'([A-Za-z_]+)':\s*(\d+)/g)].map((m) => [m[1], Number(m[2])] as [string, number]).sort((a, b) => b[1] - a[1]);
}

/** vLLM's start-up profiling ran with a shorter sequence than the largest multi-modal input the configuration allows. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.mmProfileTooShort"]);
  if (!hits.length) return [];
  const c = hits[0].captures;
  const seq = Number(c.seq ?? c.ctx);
  const total = c.total !== undefined ? Number(c.total) : null;
  const parts = split(c.split);
  const what = c.seq !== undefined ? `the ${c.encoder ? "encoder " : ""}sequence it profiles with (max_num_batched_tokens / max_num_seqs = ${fmt(seq)} tokens)` : `the model's context length it profiles with (${fmt(seq)} tokens)`;
  const worst = total === null
    ? "the largest multi-modal input the configuration allows"
    : `the largest multi-modal input the configuration allows (${fmt(total)} tokens${parts.length ? `: ${parts.map(([m, n]) => `${m} ${fmt(n)}`).join(", ")}` : ""})`;
  const biggest = parts[0]?.[0];
  return [{
    message: `At start-up vLLM sized ${worst} and found it longer than ${what}. The memory profile therefore measured a smaller input than a request may send: a prompt with that many ${biggest ? `${biggest} items` : "images, videos or audio clips"} can fail at inference, or need more activation memory than was set aside${total !== null && seq > 0 ? ` (${fmt(total / seq, 1)}× the profiled length)` : ""}.`,
    evidence: hitEvidence(hits),
    remediation: [
      `Allow only the items your requests send: --limit-mm-per-prompt (\`image=1,video=0\` before 0.9, \`'{"image": 1, "video": 0}'\` from 0.9 on). The worst case is the count of each modality times its largest item${biggest ? `, and ${biggest} is the largest part here` : ""}.`,
      "Make each item smaller where the model's processor allows it: --mm-processor-kwargs (for the Qwen-VL family `'{\"max_pixels\": 1003520}'`, fewer video frames with `fps` or `max_frames`), or the size limits of --limit-mm-per-prompt in releases that take them.",
      total !== null
        ? `Or give profiling room for the whole worst case: --max-num-batched-tokens (and --max-model-len) of ${fmt(total)} or more, or a smaller --max-num-seqs; this sets more memory aside for activations and leaves less for the KV cache.`
        : "Or give profiling room for the whole worst case: a larger --max-num-batched-tokens and --max-model-len, or a smaller --max-num-seqs; this sets more memory aside for activations and leaves less for the KV cache.",
    ],
  }];
}

export const rule = defineRule(meta, check);
