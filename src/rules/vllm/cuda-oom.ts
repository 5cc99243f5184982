import type { Rule } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { signalCount, signalHits } from "../signals.js";
import { parallelSummary } from "./context.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/cuda-oom",
  defaultSeverity: "error",
  title: "CUDA out of memory",
  tags: ["vllm", "memory", "startup"],
  sources: [
    "vLLM docs: serving/parallelism_scaling (Troubleshooting: out of memory errors)",
    "vLLM docs: usage/troubleshooting.md (Out of memory), configuration/conserving_memory.md",
  ],
} satisfies RuleSpec;

export function check(ctx: Parameters<Rule["check"]>[0]) {
  // advice and help text name the error without reporting it
  const hits = signalHits(ctx, ["vllm.cudaOom"]);
  if (!hits.length) return allocatorOnly(ctx);
  const { facts } = ctx;
  const c = facts.config;
  const detail = hits.find((h) => h.captures.tried !== undefined)?.captures;
  // vLLM's own words for the sampler's (or pooler's) warm-up, else the deepest known frame of the first traceback that
  // shows where in the engine's life it failed
  const warm = hits.find((h) => h.captures.warmup !== undefined)?.captures;
  const phase = warm ? `while warming up the ${warm.warmup}` : (ctx.facts.tracebacks?.list ?? []).find((t) => t.phase)?.phase ?? null;
  // ROCm (HIP), Intel (XPU) and Ascend (NPU) allocators name their device; CUDA's is the default; XLA's RESOURCE_EXHAUSTED is a TPU's
  const xla = hits.find((h) => h.captures.xla !== undefined)?.captures;
  // (Gaudi's bridge and Level Zero name no device in their words: PT_DEVMEM is Gaudi's (HPU), Level Zero an Intel GPU's (XPU))
  const devmem = hits.find((h) => h.captures.hpuDevmem !== undefined)?.captures;
  const device = xla ? "TPU" : (hits.find((h) => h.captures.device !== undefined)?.captures.device ?? (devmem ? "HPU" : hits.some((h) => h.captures.levelZero !== undefined) ? "XPU" : undefined));
  const unit = device === "NPU" ? "NPU" : "GPU";
  const space = hits.find((h) => h.captures.memSpace !== undefined)?.captures;
  const xlaDetail = space
    ? ` (the XLA compiler's ${space.memSpace.toUpperCase()}: ${space.used} needed, ${space.limit} there)`
    : xla?.xlaTried !== undefined
      ? `: it tried to allocate ${xla.xlaTried} with ${xla.xlaFree} free`
      : devmem?.devmemMb !== undefined
        ? `: an allocation of ${devmem.devmemMb} MB failed`
        : "";
  const what = detail
    ? `${unit} ${detail.gpu} ran out of memory${phase ? ` ${phase}` : ""}: it tried to allocate ${detail.tried} with ${detail.free} free of ${detail.capacity}.`
    : `${device ?? "CUDA"} ran out of memory${phase ? ` ${phase}` : ""}${xlaDetail}.`;
  const tp = c.tensorParallelSize ?? 1;
  const pp = c.pipelineParallelSize ?? 1;
  const gmu = c.gpuMemoryUtilization;
  const weights = facts.memory.modelWeightsGiB;
  const flag = flagsFor(facts);
  const total = detail ? gib(detail.capacity) : (facts.gpu.memoryGiB ?? null);
  const need = weights ?? weightsEstimate(c.model, c.dtype, c.quantization);
  // the sizes the log states; with none stated the current layout is unknown, not vLLM's default of one GPU
  const spread = c.tensorParallelSize !== null || c.pipelineParallelSize !== null
    ? `Spread the model over more GPUs: raise ${flag.tp} (now ${tp}) to ${tp * 2}${flag.pp ? `, or add ${flag.pp} ${pp * 2} to split the layers across GPUs or nodes` : ""}.`
    : `Spread the model over more GPUs: raise ${flag.tp} above its current value${flag.pp ? `, or add ${flag.pp} to split the layers across GPUs or nodes` : ""}.`;
  const quant = `Use quantization: a quantized checkpoint (AWQ, GPTQ, FP8) or --quantization fp8${c.quantization ? ` (now ${c.quantization})` : ""}.`;
  const lowerUtil = gmu !== null
    ? `Lower ${flag.util} (now ${gmu}, e.g. ${Math.max(0.5, Math.round((gmu - 0.05) * 100) / 100)}) when other processes share the GPU; the engine then leaves more headroom.`
    : `Lower ${flag.util} (default ${flag.utilDefault}, e.g. ${Math.round((flag.utilDefault - 0.05) * 100) / 100}) when other processes share the GPU; the engine then leaves more headroom.`;
  const shorter = `Lower ${flag.maxLen}${c.maxModelLen !== null ? ` (now ${c.maxModelLen})` : ""} and/or ${flag.maxSeqs} to shrink activations and the KV cache.`;
  const eager = `Add ${flag.eager} to skip CUDA graphs (or capture fewer batch sizes).`;
  // advice for the phase the OOM hit: loading weights has nothing to do with the KV cache or CUDA graphs
  const byPhase: Record<string, string[]> = {
    "while loading the model weights": [
      need !== null && total !== null
        ? `Use a GPU with more memory, a quantized checkpoint, or split the weights over ${Math.max(2, Math.ceil((need * 1.2) / total))} or more GPUs: the weights alone take ${weights !== null ? "" : "about "}${need} GiB${weights !== null ? " per GPU" : ` (${c.model}, ${c.quantization ?? c.dtype ?? "16-bit"})`} and the GPU has ${total} GiB.`
        : "The weights alone do not fit on this GPU: use a GPU with more memory, a quantized checkpoint, or split the weights over more GPUs.",
      spread,
      quant,
    ],
    "while profiling memory": [`The profiling run's activations did not fit: lower ${flag.batched} and ${flag.maxLen}${c.maxModelLen !== null ? ` (now ${c.maxModelLen})` : ""}.`, spread, quant],
    "while allocating the KV cache": [lowerUtil.replace("when other processes share the GPU", "when memory was taken between profiling and allocation (another process on the GPU?)"), shorter, spread],
    "while capturing CUDA graphs": [eager, lowerUtil, spread],
    // the warm-up runs one batch of max_num_seqs dummy requests through the sampler (or pooler) after the KV cache took its share
    ...(warm ? { [`while warming up the ${warm.warmup}`]: [
      `Lower ${flag.maxSeqs} below ${warm.warmupReqs} (the warm-up ${warm.warmup === "pooler" ? "pools" : "samples"} ${warm.warmupReqs} dummy requests at once, after the KV cache has taken its share of the GPU), e.g. to ${Math.max(1, Math.floor(Number(warm.warmupReqs) / 2))}.`,
      lowerUtil.replace("when other processes share the GPU; the engine then leaves more headroom", "so the KV cache leaves the warm-up more headroom"),
      spread,
    ] } : {}),
    "while running the model": [`Serving needed more than the headroom left: lower ${flag.maxSeqs} and ${flag.batched}.`, lowerUtil, spread],
    // the engine maps its weights and KV cache back in on wake_up: what else took the GPU while it slept (a colocated
    // trainer's parameters, gradients, optimizer states, PyTorch's cached blocks) has to be gone again by then
    "while waking up from sleep mode": [
      "The engine maps back, on wake_up, the memory it released on sleep: whatever used the GPU while it slept (a colocated trainer's parameters, gradients and optimizer states, or blocks PyTorch's caching allocator still holds) must be freed first. Offload or free them (FSDP / DeepSpeed parameter and optimizer offload, then `torch.cuda.empty_cache()`) before waking the engine.",
      "Wake the weights alone for the weight update and the KV cache after it (`wake_up(tags=[\"weights\"])`, then `wake_up(tags=[\"kv_cache\"])`, where the vLLM release takes tags), so both never sit beside the trainer's copy at once.",
      lowerUtil.replace("when other processes share the GPU; the engine then leaves more headroom", "so that the engine's share and what the trainer keeps on the GPU fit together"),
    ],
  };
  // a TPU core's on-chip scratch memories (vmem, smem) hold a compiled kernel's working set, not the weights or the KV cache:
  // the shapes the kernels are compiled for (the sequence and batch sizes) are what outgrew them
  const scratch = space !== undefined && !/^hbm$/i.test(space.memSpace)
    ? [
        `The XLA compiler could not fit a kernel into the TPU core's ${space.memSpace.toUpperCase()} (on-chip scratch memory): lower ${flag.maxLen}${c.maxModelLen !== null ? ` (now ${c.maxModelLen})` : ""} and ${flag.batched}, the sizes the kernels are compiled for; more chips or a lower --gpu-memory-utilization do not help.`,
      ]
    : null;
  const tpu = (s: string) => (device === "TPU" ? s.replace(/\bGPUs\b/g, "TPU chips") : s);
  const remediation = scratch ?? ((phase && byPhase[phase]) || [spread, lowerUtil, shorter, `${quant} --kv-cache-dtype fp8 halves the KV cache.`, `If the OOM happens while capturing CUDA graphs, add ${flag.eager} (or capture fewer sizes).`]);
  return [{
    message: `${what}${weights !== null ? ` The weights take ${weights} GiB per GPU.` : ""} Layout: ${parallelSummary(facts)}.`,
    evidence: uniqueEvidence(hits.map((h) => h.ev)),
    evidenceCount: signalCount(ctx, ["vllm.cudaOom"]),
    remediation: remediation.map(tpu),
  }];
}

const GIB = 2 ** 30;
const asGiB = (bytes: string | undefined) => (bytes === undefined ? null : Math.round((Number(bytes) / GIB) * 100) / 100);

/**
 * Only PyTorch's allocator warnings (`memory allocation failed with OOM on device N ...`) and no OutOfMemoryError: the
 * process asked for more than the GPU had, but the exception may have been caught (an autotuner, a fallback path) or
 * the log ends before it. A warning that names the request, not the error of a failed run.
 */
function allocatorOnly(ctx: Parameters<Rule["check"]>[0]) {
  const hits = signalHits(ctx, ["torch.allocatorOom"]);
  if (!hits.length) return [];
  const c = hits[0].captures;
  const tried = asGiB(c.bytes);
  const free = asGiB(c.freeBytes);
  const total = asGiB(c.totalBytes);
  const count = signalCount(ctx, ["torch.allocatorOom"]);
  return [{
    severity: "warning" as const,
    message:
      `PyTorch's allocator could not allocate ${tried !== null ? `${tried} GiB` : "memory"} on GPU ${c.gpu}${free !== null && total !== null ? ` (${free} GiB free of ${total} GiB)` : ""}` +
      `${count > 1 ? `, in ${count} lines` : ""}. ` +
      "No `CUDA out of memory` error follows in the log: a caller may have caught it and gone on (an autotuner, a fallback), or the log ends before the failure.",
    evidence: uniqueEvidence(hits.map((h) => h.ev)),
    evidenceCount: count,
    remediation: [
      "Look after these lines for an OutOfMemoryError or a failed request: if the run went on, the request was retried or served another way; if it stopped, treat it as out of memory.",
      "Leave more headroom: lower --gpu-memory-utilization, --max-num-seqs or --max-num-batched-tokens, or --max-model-len; large one-off requests (a prefill buffer, an autotuner's workspace) are what usually trips it.",
      "Set PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True when the free memory is larger than the request (fragmentation).",
    ],
  }];
}

/** GiB from `5.79 GiB` / `260.00 MiB`. */
function gib(s: string): number | null {
  const m = /([\d.]+) ([KMGT])i?B/.exec(s);
  if (!m) return null;
  const f = { K: 1 / 1024 / 1024, M: 1 / 1024, G: 1, T: 1024 }[m[2] as "K" | "M" | "G" | "T"];
  return Math.round(Number(m[1]) * f * 100) / 100;
}

/** Weights of `Org/Name-7B` in GiB from the parameter count in the name and the dtype (16-bit unless quantized). */
export function weightsEstimate(model: string | null, dtype: string | null, quantization: string | null): number | null {
  const m = model ? /(?:^|[-_/])(\d+(?:\.\d+)?)[Bb](?:$|[-_.])/.exec(model) : null;
  if (!m) return null;
  const bytes = quantization && /awq|gptq|int4|4bit|bnb|bitsandbytes/i.test(quantization) ? 0.5 : quantization && /fp8|int8|8bit/i.test(quantization) ? 1 : dtype && /float32|fp32/.test(dtype) ? 4 : 2;
  return Math.round(((Number(m[1]) * 1e9 * bytes) / 2 ** 30) * 10) / 10;
}

/** The server's own flag names: SGLang's when the log is SGLang's and not vLLM's. */
function flagsFor(facts: Parameters<Rule["check"]>[0]["facts"]) {
  const names = new Set((facts.dialects ?? []).map((d) => d.name));
  if (names.has("sglang") && !names.has("vllm")) {
    return { tp: "--tp-size", pp: null, util: "--mem-fraction-static", utilDefault: 0.88, maxLen: "--context-length", maxSeqs: "--max-running-requests", batched: "--chunked-prefill-size", eager: "--disable-cuda-graph" };
  }
  return { tp: "--tensor-parallel-size", pp: "--pipeline-parallel-size", util: "--gpu-memory-utilization", utilDefault: 0.9, maxLen: "--max-model-len", maxSeqs: "--max-num-seqs", batched: "--max-num-batched-tokens", eager: "--enforce-eager" };
}

export const rule = defineRule(meta, check);
