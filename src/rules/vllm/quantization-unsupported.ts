import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/quantization-unsupported",
  defaultSeverity: "error",
  title: "The model's quantization cannot run here: an unknown or contradicted method, or a GPU, dtype or platform it lacks kernels for",
  tags: ["vllm", "quantization", "startup", "config"],
  sources: [
    "vLLM source: vllm/config.py (≥0.10 vllm/config/model.py) `_verify_quantization` (unknown method, --quantization against the checkpoint's quant_method, platform support); vllm/model_executor/model_loader (the GPU's capability against the method's minimum, the dtypes it supports)",
    "vLLM source: model_executor/layers/quantization/compressed_tensors/compressed_tensors.py `_check_scheme_supported` (a scheme's minimum capability); csrc/quantization (cutlass_w8a8 scaled_mm_entry.cu, fp4): `No compiled … kernel` when the build lacks the GPU's architecture",
    "vLLM docs: features/quantization/supported_hardware.md (which method runs on which GPU generation and platform); features/quantization/quantized_kvcache.md (--kv-cache-dtype fp8, fp8_e4m3, fp8_e5m2)",
    "Triton source: the NVIDIA backend's supported FP8 types (fp8e5 and fp8e4b15 on every GPU, fp8e4nv from compute capability 8.9); the code generator's 'type … not supported in this architecture. The supported fp8 dtypes are …'",
  ],
} satisfies RuleSpec;

/** `86` → `8.6` (vLLM prints the compute capability as major*10+minor) */
const capability = (c: string) => (c.length >= 2 ? `${c.slice(0, -1)}.${c.slice(-1)}` : c);

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.quantizationUnsupported", "vllm.tritonFp8Unsupported"]);
  if (!hits.length) return [];
  const c = hits[0].captures;
  const triton = hits.find((h) => h.captures.tritonType !== undefined)?.captures;
  const version = ctx.facts.vllm.version;
  const vllm = version ? `vLLM ${version}` : "this vLLM";
  const hardware = "Check which methods the GPU generation runs on vLLM's supported-hardware page for quantization (features/quantization/supported_hardware.md), and pick a checkpoint quantized with one of them.";
  let what: string;
  let remediation: string[];
  if (triton && c.tritonType !== undefined) {
    // a Triton kernel refused an FP8 type at compile time (grammars/signatures.ts vllm.tritonFp8Unsupported)
    // Triton's NVIDIA backend offers fp8e4nv (float8_e4m3fn) only from compute capability 8.9; e5m2 (fp8e5) everywhere
    const kv = ctx.facts.config.kvCacheDtype;
    const kvFp8 = kv !== null && /^fp8/i.test(kv);
    const e4m3 = triton.tritonType === "fp8e4nv";
    // the NVIDIA backend's list holds fp8e4b15; AMD's does not (`('fp8e5',)`): the capability rule is NVIDIA's
    const nvidia = triton.tritonSupported === undefined || triton.tritonSupported.includes("fp8e4b15");
    what = `a Triton kernel needs the FP8 type ${triton.tritonType}${e4m3 ? " (FP8 E4M3, torch.float8_e4m3fn)" : ""}, which Triton does not compile for this GPU${triton.tritonSupported ? ` (it offers ${triton.tritonSupported})` : ""}${e4m3 && nvidia ? "; Triton offers E4M3 only on NVIDIA GPUs of compute capability 8.9 or newer (Ada, Hopper and later), so a V100, T4 or A100 cannot run it" : ""}${kvFp8 ? `. This run stores its KV cache as ${kv}, whose attention kernels use it` : ""}`;
    remediation = [
      kvFp8
        ? `Drop --kv-cache-dtype ${kv} (the KV cache then stays in the model's dtype), or use --kv-cache-dtype fp8_e5m2 if this vLLM offers it: E5M2 is the FP8 type older GPUs' Triton kernels support.`
        : "If --kv-cache-dtype fp8 (or fp8_e4m3) is set, drop it or use fp8_e5m2; an FP8 checkpoint (E4M3 weights or activations) needs a GPU of compute capability 8.9+ for these kernels: serve a BF16/FP16 or weight-only (AWQ, GPTQ) checkpoint of the model instead.",
      hardware,
    ];
  } else if (c.unknown !== undefined) {
    what = `${vllm} does not know the quantization method '${c.unknown}'${c.known ? ` (it knows ${c.known.replace(/^dict_keys\((.*)\)$/, "$1")})` : ""}`;
    remediation = [
      "Upgrade vLLM to a release that supports the method (the model card or the checkpoint's quantization_config.quant_method names it).",
      "If --quantization was passed by hand, check its spelling, or leave it out: vLLM reads the method from the checkpoint's config.json.",
    ];
  } else if (c.inConfig !== undefined) {
    what = `--quantization ${c.inArg} contradicts the checkpoint's config.json, which says it is quantized with ${c.inConfig}`;
    remediation = [
      `Leave --quantization out (vLLM reads ${c.inConfig} from config.json and picks a faster kernel for it, e.g. Marlin, by itself), or pass --quantization ${c.inConfig}.`,
      "A GGUF file or a checkpoint converted to another format needs the config.json of that format, not the original model's.",
    ];
  } else if (c.method !== undefined) {
    what = `the method ${c.method} needs a GPU of compute capability ${capability(c.minCap!)} or newer, and this one has ${capability(c.curCap!)}`;
    remediation = [
      hardware,
      "Newer vLLM releases run some methods on older GPUs through weight-only kernels (e.g. FP8 through Marlin on Ampere): upgrading may help when the model card says so.",
    ];
  } else if (c.schemeMin !== undefined) {
    // compressed-tensors picks a scheme per layer from the checkpoint's config_groups (W8A8 FP8/INT8, W4A16, NVFP4 ...) and
    // each scheme names the oldest GPU it runs on
    what = `the checkpoint's compressed-tensors scheme needs a GPU of compute capability ${capability(c.schemeMin)} or newer, and this one has ${capability(c.schemeCur!)}`;
    remediation = [
      hardware,
      "A weight-only checkpoint of the model (W4A16 / W8A16, AWQ or GPTQ, which run through Marlin kernels on older GPUs) or the unquantized model avoids the activation quantization older GPUs lack kernels for.",
    ];
  } else if (c.kernelOp !== undefined) {
    const cap = c.kernelCap !== undefined ? capability(c.kernelCap) : null;
    // (`nvfp4 quantization kernel` names itself a kernel)
    what = `the installed vLLM build has no ${c.kernelOp.replace(/ kernel$/, "")} kernel for this GPU${cap ? ` (compute capability ${cap})` : ""}: the quantized layers' GEMM was not compiled for its architecture`;
    remediation = [
      `Use a vLLM build compiled for this GPU's architecture${cap ? ` (sm_${c.kernelCap})` : ""}: an official wheel or image that lists it, or a source build with TORCH_CUDA_ARCH_LIST naming it; a wheel built for other GPUs (or a release that dropped the architecture) lacks the kernel.`,
      "Or serve a checkpoint whose method runs through other kernels on this GPU (weight-only AWQ/GPTQ through Marlin) or the unquantized model.",
      hardware,
    ];
  } else if (c.dtype !== undefined) {
    what = `${c.dtypeMethod} has no kernel for ${c.dtype} (it supports ${c.dtypes})`;
    remediation = [
      `Pass --dtype with one of ${c.dtypes} (\`--dtype float16\` is \`--dtype half\`); \`auto\` takes the checkpoint's dtype, which may be the unsupported one.`,
      "If the model itself refuses that dtype (some need bfloat16 for numerical stability), use a checkpoint quantized with another method that supports bfloat16.",
    ];
  } else if (c.platformMethod !== undefined) {
    what = `${c.platformMethod} quantization has no kernels on ${c.platform}`;
    remediation = [hardware, `Use a checkpoint quantized with a method ${c.platform} supports, or the unquantized model.`];
  } else {
    what = "the checkpoint's compressed-tensors MoE scheme (the bit widths and strategies of its expert weights and activations) has no fused-MoE kernel in this vLLM";
    remediation = [
      "Upgrade vLLM: the MoE schemes of compressed-tensors checkpoints gain kernels release by release.",
      "Or quantize the model with a scheme the installed release lists for MoE layers (the llm-compressor recipes name them).",
    ];
  }
  return [{
    message: `The model's quantization cannot run here: ${what}.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
