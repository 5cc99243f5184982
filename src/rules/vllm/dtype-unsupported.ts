import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/dtype-unsupported",
  defaultSeverity: "error",
  title: "The GPU cannot run the model's dtype (bfloat16 before compute capability 8.0)",
  tags: ["vllm", "startup", "config", "gpu"],
  sources: [
    "vLLM source: vllm/worker/worker.py `_check_if_gpu_supports_dtype` (V0, 0.1 to 0.6), later the platform's `check_if_supports_dtype` (vllm/platforms/cuda.py): bfloat16 refused below compute capability 8.0",
    "vLLM docs: engine arguments (--dtype: auto takes the checkpoint's torch_dtype; half/float16, bfloat16, float/float32)",
    "NVIDIA CUDA C++ Programming Guide: compute capabilities (native bfloat16 arithmetic from 8.0, Ampere)",
  ],
} satisfies RuleSpec;

/** `b'Tesla T4'` (a device name handed back as bytes) → `Tesla T4` */
const gpuName = (s: string | undefined) => s?.replace(/^b'(.*)'$/, "$1");

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.bf16Unsupported"]);
  if (!hits.length) return [];
  const need = firstValue(hits, "need") ?? "8.0";
  const gpu = gpuName(firstValue(hits, "gpu")) ?? ctx.facts.gpu.name;
  const cap = firstValue(hits, "cap");
  const capNum = cap !== undefined ? Number(cap) : null;
  const has = cap !== undefined ? `has compute capability ${cap}` : firstValue(hits, "noCap") !== undefined ? "reports no compute capability" : null;
  // the banner's `dtype=torch.bfloat16` or an explicit --dtype: whether bfloat16 was asked for or taken from the checkpoint
  const asked = ctx.facts.config.dtype;
  const source = asked && /bfloat16/i.test(asked) ? ` (dtype=${asked} in the engine's config: the checkpoint's torch_dtype under \`--dtype auto\`, the default, or an explicit --dtype bfloat16)` : "";
  const remediation = [
    "Run the model in float16: `--dtype half` (or `--dtype float16`) on the command line, `dtype=\"half\"` in `LLM(...)` / `EngineArgs(...)`. It takes the same memory as bfloat16 and runs on Volta and Turing GPUs (V100, T4, RTX 20xx).",
    "A few checkpoints trained in bfloat16 overflow in float16 (NaN or garbage output): then use `--dtype float32` (twice the weight memory, slower), or a GPU of compute capability 8.0 or newer (A10, A100, L4, RTX 30xx and later).",
  ];
  if (capNum !== null && Number.isFinite(capNum) && capNum < 7) remediation.push(`This GPU (compute capability ${cap}) is older than Volta: vLLM's CUDA kernels need compute capability 7.0 or newer, so float16 will not start on it either; use a newer GPU.`);
  return [{
    message: `vLLM refused to start: the model runs in bfloat16${source}, which needs a GPU of compute capability ${need} or newer, and ${gpu ? `the ${gpu}` : "this GPU"}${has ? ` ${has}` : " is older"}.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
