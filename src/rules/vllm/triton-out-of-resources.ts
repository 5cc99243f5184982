import type { RuleContext, FindingDraft } from "../types.js";
import { fmt, hitEvidence } from "../helpers.js";
import { signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/triton-out-of-resources",
  defaultSeverity: "error",
  title: "A Triton kernel asked for more shared memory (or threads) than this GPU has",
  tags: ["vllm", "gpu", "kernels"],
  sources: [
    "Triton source: python/triton/compiler/compiler.py `_init_handles` (the kernel's shared memory checked against the device's `max_shared_mem` before launch) and python/triton/runtime/errors.py `OutOfResources` (`out of resource: <name>, Required: N, Hardware limit: M. Reducing block sizes or `num_stages` may help.`)",
    "NVIDIA CUDA C++ Programming Guide: compute capabilities, maximum shared memory per thread block (64 KiB on Turing 7.5, 96 KiB on Volta 7.0, 99 KiB on 8.6/8.9/12.0, 163 KiB on A100 8.0, 227 KiB on Hopper 9.0)",
    "vLLM source: vllm/attention/ops and vllm/v1/attention/ops/triton_unified_attention.py (tile sizes), vllm/model_executor/layers/fused_moe (per-GPU tuned configs), quantization/utils/fp8_utils.py (block FP8 matmul)",
  ],
} satisfies RuleSpec;

/** What a device's per-block shared memory limit says about the GPU (bytes as Triton prints them). */
function gpuClass(limit: number): string | null {
  if (limit === 65536) return "64 KiB: a Turing GPU (T4, RTX 20xx, Quadro RTX) or an older one";
  if (limit === 98304) return "96 KiB: a Volta GPU (V100)";
  if (limit === 101376) return "99 KiB: a consumer or workstation Ampere, Ada or Blackwell GPU (RTX 30xx/40xx/50xx, A10, L4, L40, RTX PRO)";
  if (limit === 166912) return "163 KiB: an A100 or A800";
  if (limit === 232448) return "227 KiB: a Hopper or data-centre Blackwell GPU";
  return null;
}

/** The numbers of the first hit: on its own line, or on the line a paste wrapped them to. */
function numbers(hits: readonly Hit[], wrapped: readonly Hit[]): { required: number; limit: number } | null {
  for (const h of hits) {
    if (h.captures.required !== undefined && h.captures.limit !== undefined) return { required: Number(h.captures.required), limit: Number(h.captures.limit) };
    const next = wrapped.find((w) => w.input === h.input && w.ev.file === h.ev.file && w.ev.line === h.ev.line + 1);
    if (next?.captures.required !== undefined && next.captures.limit !== undefined) return { required: Number(next.captures.required), limit: Number(next.captures.limit) };
  }
  return null;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.tritonOutOfResources"]);
  if (!hits.length) return [];
  const wrapped = signalHits(ctx, ["vllm.tritonResourceLimit"]);
  const resource = hits.map((h) => h.captures.resource).find((r) => r !== undefined) ?? "shared memory";
  const n = numbers(hits, wrapped);
  const limitClass = n ? gpuClass(n.limit) : null;
  const gpu = ctx.facts.gpu.name;
  const sizes = n ? ` (it needs ${fmt(n.required)} bytes, the ${gpu ?? "GPU"} allows ${fmt(n.limit)} per block${limitClass ? `, ${limitClass}` : ""})` : gpu ? ` on the ${gpu}` : "";
  const remediation: string[] = [];
  if (resource === "shared memory") {
    remediation.push(
      "The kernel's tile sizes were chosen for GPUs with more shared memory. The traceback above the error names the kernel: for attention (`unified_attention`, `triton_attn`, `flex_attention`), choose another attention backend (`--attention-backend` or VLLM_ATTENTION_BACKEND; on Volta and Turing with V0 releases, XFORMERS) or run a model with a smaller head size; for the fused MoE kernel, give vLLM a tuned config for this GPU (VLLM_TUNED_CONFIG_FOLDER, or benchmarks/kernels/benchmark_moe.py --tune); for FP8 block matmul or an FP8 KV cache, use another quantization or `--kv-cache-dtype auto`.",
      "Upgrade vLLM: later releases pick smaller tiles on GPUs with little shared memory for several of these kernels. Otherwise use a GPU with more shared memory per block (an A100 or a Hopper GPU has 163 to 227 KiB; a T4 has 64 KiB).",
    );
  } else {
    remediation.push(`The kernel was compiled for more ${resource} than this GPU gives one block: look in the traceback for the kernel and its launch configuration (num_warps), and choose another backend or configuration for it.`);
  }
  remediation.push("The error comes at the kernel's first launch: at start-up when the profiling run or CUDA graph capture uses it, otherwise at the first request that reaches it, which then kills the engine. Test with a request as long as the ones you serve before going live.");
  return [{
    message: `Triton could not launch a kernel: it asks for more ${resource} than this GPU has${sizes}. The engine or worker that ran it stops.`,
    evidence: hitEvidence([...hits, ...wrapped.filter((w) => hits.some((h) => h.input === w.input && w.ev.line === h.ev.line + 1))]),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
