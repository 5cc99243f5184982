import type { RuleContext, FindingDraft } from "../types.js";
import { factEvidence, hitEvidence, kvCacheEmpty, uniqueEvidence } from "../helpers.js";
import { firstValue, signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/no-kv-cache-memory",
  defaultSeverity: "error",
  title: "No GPU memory left for the KV cache",
  tags: ["vllm", "memory", "kv-cache", "startup"],
  sources: [
    "vLLM docs: usage/troubleshooting.md and configuration/conserving_memory.md",
    "vLLM source: vllm/v1/core/kv_cache_utils.py ('No available memory for the cache blocks')",
    "vLLM source: vllm/v1/worker/gpu_model_runner.py ('Estimated CUDA graph memory: %.2f GiB total') and gpu_worker.py (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS)",
  ],
} satisfies RuleSpec;

// `# CPU blocks: 0` is the normal V0 line without swap space: only the device blocks count

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const hits = signalHits(ctx, ["vllm.noKvMemory"]);
  const factZero = kvCacheEmpty(facts);
  if (!hits.length && !factZero) return [];
  // the CPU and OpenVINO backends keep the cache in a fixed size of host memory, named in their message
  const knob = firstValue(hits, "knob");
  if (knob) {
    const backend = /OPENVINO/.test(knob) ? "OpenVINO" : "CPU";
    return [{
      message: `The ${backend} backend found no room for a single KV cache block in the host memory ${knob} sets aside for it, so the engine cannot serve a request.`,
      evidence: hitEvidence(hits),
      remediation: [
        `Raise ${knob} (GiB of host memory for the KV cache), keeping it within the host's free memory next to the weights.`,
        `Lower --max-model-len${facts.config.maxModelLen !== null ? ` (now ${facts.config.maxModelLen})` : ""} and --max-num-seqs, or use a quantized or smaller model.`,
      ],
    }];
  }
  // vllm-metal (Apple silicon) sizes the cache in its own worker, from the share of the Metal memory limit it may use
  // (unified memory, shared with macOS and every other app): its message carries the whole budget, in decimal GB
  const metal = hits.filter((h) => h.captures.metal !== undefined);
  if (metal.length) return [metalFinding(metal, facts.config.maxModelLen)];
  const m = facts.memory;
  const gmu = facts.config.gpuMemoryUtilization;
  const parts: string[] = [];
  if (m.totalGpuGiB !== null) parts.push(`GPU memory ${m.totalGpuGiB} GiB`);
  if (gmu !== null) parts.push(`gpu_memory_utilization ${gmu}`);
  if (m.modelWeightsGiB !== null) parts.push(`weights ${m.modelWeightsGiB} GiB`);
  if (m.peakActivationGiB !== null) parts.push(`activation peak ${m.peakActivationGiB} GiB`);
  if (m.nonTorchGiB !== null) parts.push(`non-torch ${m.nonTorchGiB} GiB`);
  // ≈v0.21+: the CUDA graph memory the profiler estimated (`Estimated CUDA graph memory: X GiB total`) comes off the KV
  // budget before it is sized; an estimate out of proportion (118.65 GiB on a GPU of less) leaves nothing
  const graphs = m.cudaGraphEstimateGiB;
  if (graphs !== null) parts.push(`CUDA graph estimate ${graphs} GiB`);
  const budget = parts.length ? ` (${parts.join(", ")})` : "";
  // how far below zero the KV budget came out: `Available KV cache memory: -2.14 GiB`
  const neg = facts.kvCache.availableGiB !== null && facts.kvCache.availableGiB < 0 ? -facts.kvCache.availableGiB : firstValue(hits, "negativeGiB");
  const short = neg !== undefined && neg !== null ? Number(neg) : null;
  const total = m.totalGpuGiB ?? facts.gpu.memoryGiB;
  const raise = raiseAdvice(gmu, short, total);
  // the estimate is the part to look at first when it is large: several GiB, or more than the budget is short
  const graphsFirst = graphs !== null && (graphs >= 4 || (short !== null && graphs >= short));
  const graphAdvice = graphs === null ? [] : [
    `The CUDA graph memory estimate (${graphs} GiB) was taken off the KV cache budget: set VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0 to size the KV cache without it (as before v0.21; keep --gpu-memory-utilization a little lower then, the graphs still need their memory), or capture fewer graphs (--compilation-config '{"max_cudagraph_capture_size": 64}', or --enforce-eager).`,
  ];
  return [{
    message: `After the weights, activations and CUDA graphs nothing was left for KV cache blocks under the memory budget${budget}${short !== null ? `: it is ${short} GiB short` : ""}, so the engine cannot serve a single request.`,
    evidence: uniqueEvidence([...hitEvidence(hits), ...(factZero ? factEvidence(facts, "kvCache.gpuBlocks", "kvCache.availableGiB") : [])]),
    remediation: [
      ...(graphsFirst ? graphAdvice : []),
      ...(raise.covers ? [raise.text] : []),
      `Lower --max-model-len${facts.config.maxModelLen !== null ? ` (now ${facts.config.maxModelLen})` : ""} and --max-num-seqs to shrink the activation peak.`,
      "Split the model over more GPUs (--tensor-parallel-size / --pipeline-parallel-size) or use a quantized checkpoint so the weights take less memory.",
      ...(graphs === null ? ["Add --enforce-eager to skip CUDA graph memory."] : graphsFirst ? [] : graphAdvice),
      ...(raise.covers ? [] : [raise.text]),
    ],
  }];
}

/**
 * How far to raise --gpu-memory-utilization, from the log's own numbers: the shortfall over the GPU's memory, plus
 * room for a few KV blocks. When that passes 0.98 (or the GPU size is unknown), the advice says so and comes last.
 */
function raiseAdvice(gmu: number | null, short: number | null, total: number | null): { text: string; covers: boolean } {
  const from = gmu ?? 0.9;
  if (short !== null && total) {
    const need = Math.ceil((from + (short + 0.5) / total) * 100) / 100;
    if (need <= 0.98) return { covers: true, text: `Raise --gpu-memory-utilization from ${from} to at least ${need}: the budget is ${short} GiB short, and each 0.01 adds ${Math.round(total) / 100} GiB on this ${total} GiB GPU.` };
    return { covers: false, text: `Raising --gpu-memory-utilization cannot cover it: ${short} GiB more needs ${need} of this ${total} GiB GPU, above what a GPU can give; shrink the model's share instead (the steps above).` };
  }
  if (short !== null) return { covers: false, text: `Raising --gpu-memory-utilization helps only if it adds more than ${short} GiB: each 0.01 is 1% of the GPU's memory (+0.03 is 2.4 GiB on an 80 GiB GPU, +0.09 is 2.2 GiB on a 24 GiB GPU); from ${from}, 0.98 is the most it can go.` };
  const next = Math.min(0.98, Math.round((from + 0.05) * 100) / 100);
  return { covers: true, text: `Raise --gpu-memory-utilization${gmu !== null ? ` from ${gmu} to ${next}` : " (default 0.9)"} if no other process uses the GPU.` };
}

/**
 * vllm-metal's `Paged attention: not enough Metal memory for KV cache.`: the fraction of the Metal limit it may use,
 * less the weights and a fixed overhead, left nothing. Its numbers are decimal GB (1e9 bytes), quoted as printed.
 */
function metalFinding(hits: Hit[], maxModelLen: number | null): FindingDraft {
  const short = firstValue(hits, "negativeGB");
  const model = firstValue(hits, "modelGB");
  const usable = firstValue(hits, "usableGB");
  const fraction = firstValue(hits, "fraction");
  // the knob its mitigations name: VLLM_METAL_MEMORY_FRACTION, or --gpu-memory-utilization in releases that read it
  const knob = firstValue(hits, "metalKnob") ?? "VLLM_METAL_MEMORY_FRACTION (or --gpu-memory-utilization, in vllm-metal releases that read it)";
  const parts: string[] = [];
  if (usable !== undefined) parts.push(`usable Metal memory ${usable} GB${fraction !== undefined ? ` at fraction ${fraction}` : ""}`);
  if (model !== undefined) parts.push(`weights ${model} GB`);
  return {
    message: `vllm-metal found no Metal memory left for the KV cache${parts.length ? ` (${parts.join(", ")})` : ""}${short !== undefined ? `: the budget is ${short} GB short` : ""}, so the engine cannot serve a single request.`,
    evidence: hitEvidence(hits),
    remediation: [
      `Raise ${knob}: the share of the Metal memory limit vllm-metal may use${fraction !== undefined ? ` (now ${fraction})` : ""}. The limit is part of the Mac's unified memory, so closing other applications also leaves more.`,
      "Use a smaller or more quantized checkpoint (4-bit MLX weights take about a quarter of BF16's).",
      `For a hybrid (linear-attention) model, lower --max-num-seqs: each sequence slot reserves state memory before the KV cache is sized${maxModelLen !== null ? `; a lower --max-model-len (now ${maxModelLen}) shrinks what one request needs` : ""}.`,
    ],
  };
}

export const rule = defineRule(meta, check);
