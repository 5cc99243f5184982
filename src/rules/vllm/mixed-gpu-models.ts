import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/mixed-gpu-models",
  defaultSeverity: "warning",
  title: "The host has GPUs of different models and CUDA numbers them in another order than nvidia-smi",
  tags: ["vllm", "cuda", "gpu", "startup", "config"],
  sources: [
    "vLLM source: vllm/platforms/cuda.py NvmlCudaPlatform.log_warnings (0.6.4 on: NVML's names of every GPU on the host, warned when they differ and CUDA_DEVICE_ORDER is not PCI_BUS_ID; one name per record up to 0.7, one `, `-joined record later)",
    "CUDA C Programming Guide, CUDA environment variables: CUDA_DEVICE_ORDER (FASTEST_FIRST by default, PCI_BUS_ID orders like nvidia-smi)",
  ],
} satisfies RuleSpec;

/** vLLM saw unlike GPUs on the host with CUDA's default, speed-based device order. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.mixedGpuModels"]);
  if (!hits.length) return [];
  const listed = firstValue(hits, "devices");
  const names = listed ? listed.split(/,\s*/).filter(Boolean) : [];
  const models = [...new Set(names)];
  const order = `${firstValue(hits, "orderVar") ?? "CUDA"}_DEVICE_ORDER`;
  const what = names.length
    ? `${names.length} GPUs of ${models.length} models (${models.join(", ")})`
    : "GPUs of more than one model";
  return [{
    message: `vLLM found ${what} on this host while ${order} is not PCI_BUS_ID. CUDA then numbers the GPUs fastest first, nvidia-smi by PCI bus: GPU 0 in CUDA_VISIBLE_DEVICES may be another card than nvidia-smi's GPU 0, so this run can be on other GPUs than meant, and a parallel group that mixes models runs at the pace and memory of its smallest card.`,
    evidence: hitEvidence(hits),
    remediation: [
      `Set ${order}=PCI_BUS_ID in the environment that starts vLLM (and its Ray or worker processes), so CUDA_VISIBLE_DEVICES counts the GPUs the way nvidia-smi lists them.`,
      "Give one tensor or pipeline parallel group GPUs of one model (pick them with CUDA_VISIBLE_DEVICES); with unlike cards, vLLM sizes the KV cache from the GPU with the least free memory.",
    ],
  }];
}

export const rule = defineRule(meta, check);
