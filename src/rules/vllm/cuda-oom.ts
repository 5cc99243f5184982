import type { Rule } from "../types.js";
import { docsPath } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { signalCount, signalHits } from "../nccl/signature-rule.js";
import { parallelSummary, phaseOfFailure } from "./context.js";

export const meta = {
  id: "vllm/cuda-oom",
  defaultSeverity: "error",
  title: "CUDA out of memory",
  tags: ["vllm", "memory", "startup"],
  docs: docsPath("vllm/cuda-oom"),
  sources: [
    "vLLM docs: serving/parallelism_scaling (Troubleshooting: out of memory errors)",
    "vLLM docs: usage/troubleshooting.md (Out of memory), configuration/conserving_memory.md",
  ],
} satisfies Rule["meta"];

const DETAIL = /Tried to allocate ([\d.]+ [KMGT]i?B)\.?\s*GPU (\d+) has a total capacity of ([\d.]+ [KMGT]i?B) of which ([\d.]+ [KMGT]i?B) is free/;

export function check(ctx: Parameters<Rule["check"]>[0]) {
  // advice and help text name the error without reporting it
  const hits = signalHits(ctx, ["vllm.cudaOom"]);
  if (!hits.length) return [];
  const { facts } = ctx;
  const c = facts.config;
  const detail = hits.map((h) => DETAIL.exec(h.text)).find(Boolean);
  const phase = phaseOfFailure(ctx.events);
  const what = detail
    ? `GPU ${detail[2]} ran out of memory${phase ? ` ${phase}` : ""}: it tried to allocate ${detail[1]} with ${detail[4]} free of ${detail[3]}.`
    : `CUDA ran out of memory${phase ? ` ${phase}` : ""}.`;
  const tp = c.tensorParallelSize ?? 1;
  const pp = c.pipelineParallelSize ?? 1;
  const gmu = c.gpuMemoryUtilization;
  const weights = facts.memory.modelWeightsGiB;
  const remediation = [
    `Spread the model over more GPUs: raise --tensor-parallel-size (now ${tp}) to ${tp * 2}, or add --pipeline-parallel-size ${pp * 2} to split the layers across GPUs or nodes.`,
    gmu !== null
      ? `Lower --gpu-memory-utilization (now ${gmu}, e.g. ${Math.max(0.5, Math.round((gmu - 0.05) * 100) / 100)}) when other processes share the GPU or the OOM came after start-up; vLLM then leaves more headroom.`
      : "Lower --gpu-memory-utilization (default 0.9, e.g. 0.85) when other processes share the GPU or the OOM came after start-up; vLLM then leaves more headroom.",
    c.maxModelLen !== null
      ? `Lower --max-model-len (now ${c.maxModelLen}) and/or --max-num-seqs to shrink activations and the KV cache.`
      : "Lower --max-model-len and/or --max-num-seqs to shrink activations and the KV cache.",
    `Use quantization: a quantized checkpoint (AWQ, GPTQ, FP8) or --quantization fp8${c.quantization ? ` (now ${c.quantization})` : ""}; --kv-cache-dtype fp8 halves the KV cache.`,
    "If the OOM happens while capturing CUDA graphs, add --enforce-eager (or capture fewer sizes).",
  ];
  return [{
    message: `${what}${weights !== null ? ` The weights take ${weights} GiB per GPU.` : ""} Layout: ${parallelSummary(facts)}.`,
    evidence: uniqueEvidence(hits.map((h) => h.ev)),
    evidenceCount: signalCount(ctx, ["vllm.cudaOom"]),
    remediation,
  }];
}

export const rule: Rule = { meta, check };
