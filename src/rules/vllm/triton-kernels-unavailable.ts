import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/triton-kernels-unavailable",
  defaultSeverity: "warning",
  title: "vLLM could not import the Triton MoE kernels (triton_kernels does not match the installed triton)",
  tags: ["vllm", "quantization", "mxfp4", "environment"],
  sources: [
    "vLLM source: vllm/model_executor/layers/fused_moe/gpt_oss_triton_kernels_moe.py and the MXFP4 quantization module (the guarded import of triton_kernels, logged at ERROR: `Failed to import Triton kernels. Please make sure your triton version is compatible. Error: ...`), vllm/model_executor/layers/quantization/mxfp4.py (the MXFP4 MoE backend chosen by GPU and what is installed)",
    "vLLM recipes: gpt-oss (the Triton MoE kernels come from the triton_kernels package of the Triton release that matches the installed triton)",
    "Triton repository: python/triton_kernels (modules such as routing, matmul_ogs and swiglu added, moved or removed between Triton releases)",
  ],
} satisfies RuleSpec;

/** The triton_kernels import failed: an environment mismatch that matters for MXFP4 MoE models (gpt-oss) only. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.tritonKernelsImport"]);
  if (!hits.length) return [];
  const reason = firstValue(hits, "reason");
  const model = ctx.facts.config.model;
  // gpt-oss ships MXFP4 weights; an explicit `mxfp4` in the name says so for other checkpoints
  const mxfp4 = model !== null && /gpt-oss|mxfp4/i.test(model);
  const what = `vLLM could not import OpenAI's triton_kernels package${reason ? ` (${reason})` : ""}: the installed triton_kernels was not built from the same Triton release as the installed triton, or is missing, so the Triton MoE kernels of vLLM's MXFP4 path are unavailable.`;
  const effect = mxfp4
    ? `This model (${model}) uses MXFP4 MoE layers: vLLM falls back to another MXFP4 MoE backend when one supports this GPU (Marlin, FlashInfer), which can be slower, and start-up fails when none does.`
    : "vLLM logs this at ERROR at import and goes on: models without MXFP4 MoE layers (gpt-oss and similar) do not use these kernels, so the line is harmless for them.";
  return [{
    message: `${what} ${effect}`,
    evidence: hitEvidence(hits),
    remediation: [
      "Install the triton_kernels package from the same Triton release as the installed triton (`pip show triton` gives the version; triton_kernels lives in the Triton repository under python/triton_kernels at that release's tag), or use the vLLM wheel or image with the versions it pins instead of upgrading triton separately.",
      mxfp4
        ? "Check which MXFP4 MoE backend vLLM chose (its start-up log names it): if it is not the one you expect, fix the import above and restart."
        : "If this model does not use MXFP4 MoE layers, the line can be left alone: look at the log's other errors for a failure.",
    ],
  }];
}

export const rule = defineRule(meta, check);
