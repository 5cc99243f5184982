import type { Rule, RuleContext, FindingDraft } from "../types.js";
import { docsPath } from "../types.js";
import { factEvidence, findHits, hitEvidence, uniqueEvidence } from "../helpers.js";

export const meta = {
  id: "vllm/no-kv-cache-memory",
  defaultSeverity: "error",
  title: "No GPU memory left for the KV cache",
  tags: ["vllm", "memory", "kv-cache", "startup"],
  docs: docsPath("vllm/no-kv-cache-memory"),
  sources: [
    "vLLM docs: usage/troubleshooting.md and configuration/conserving_memory.md",
    "vLLM source: vllm/v1/core/kv_cache_utils.py ('No available memory for the cache blocks')",
  ],
} satisfies Rule["meta"];

// `# CPU blocks: 0` is the normal V0 line without swap space: only the device blocks count
const NO_MEMORY = /No available memory for the cache blocks|# (?!CPU )\w+ blocks: 0\b|Available KV cache memory: -[\d.]+ ?GiB/;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const hits = findHits(ctx.events, NO_MEMORY);
  const factZero = facts.kvCache.gpuBlocks === 0 || (facts.kvCache.availableGiB !== null && facts.kvCache.availableGiB <= 0);
  if (!hits.length && !factZero) return [];
  const m = facts.memory;
  const gmu = facts.config.gpuMemoryUtilization;
  const parts: string[] = [];
  if (m.totalGpuGiB !== null) parts.push(`GPU memory ${m.totalGpuGiB} GiB`);
  if (gmu !== null) parts.push(`gpu_memory_utilization ${gmu}`);
  if (m.modelWeightsGiB !== null) parts.push(`weights ${m.modelWeightsGiB} GiB`);
  if (m.peakActivationGiB !== null) parts.push(`activation peak ${m.peakActivationGiB} GiB`);
  if (m.nonTorchGiB !== null) parts.push(`non-torch ${m.nonTorchGiB} GiB`);
  const budget = parts.length ? ` (${parts.join(", ")})` : "";
  const next = gmu !== null ? Math.min(0.98, Math.round((gmu + 0.05) * 100) / 100) : 0.95;
  return [{
    message: `After the weights, activations and CUDA graphs nothing was left for KV cache blocks under the memory budget${budget}, so the engine cannot serve a single request.`,
    evidence: uniqueEvidence([...hitEvidence(hits), ...(factZero ? factEvidence(facts, "kvCache.gpuBlocks", "kvCache.availableGiB") : [])]),
    remediation: [
      `Raise --gpu-memory-utilization${gmu !== null ? ` from ${gmu} to ${next}` : " (default 0.9)"} if no other process uses the GPU.`,
      `Lower --max-model-len${facts.config.maxModelLen !== null ? ` (now ${facts.config.maxModelLen})` : ""} and --max-num-seqs to shrink the activation peak.`,
      "Split the model over more GPUs (--tensor-parallel-size / --pipeline-parallel-size) or use a quantized checkpoint so the weights take less memory.",
      "Add --enforce-eager to skip CUDA graph memory.",
    ],
  }];
}

export const rule: Rule = { meta, check };
