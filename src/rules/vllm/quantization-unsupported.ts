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
    "vLLM docs: features/quantization/supported_hardware.md (which method runs on which GPU generation and platform)",
  ],
} satisfies RuleSpec;

/** `86` → `8.6` (vLLM prints the compute capability as major*10+minor) */
const capability = (c: string) => (c.length >= 2 ? `${c.slice(0, -1)}.${c.slice(-1)}` : c);

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.quantizationUnsupported"]);
  if (!hits.length) return [];
  const c = hits[0].captures;
  const version = ctx.facts.vllm.version;
  const vllm = version ? `vLLM ${version}` : "this vLLM";
  const hardware = "Check which methods the GPU generation runs on vLLM's supported-hardware page for quantization (features/quantization/supported_hardware.md), and pick a checkpoint quantized with one of them.";
  let what: string;
  let remediation: string[];
  if (c.unknown !== undefined) {
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
