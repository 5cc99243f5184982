import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/tp-not-divisible",
  defaultSeverity: "error",
  title: "The tensor parallel size does not divide the model",
  tags: ["vllm", "tensor-parallel", "config", "startup"],
  sources: ["vLLM docs: serving/parallelism_scaling (Edge case: uneven GPU splits)", "vLLM source: vllm/config ModelConfig.verify_with_parallel_config", "vLLM source: quantization methods' create_weights (gptq, awq, marlin, gptq_marlin, fp8 block)"],
  thresholds: ["maxGpusPerNode"],
} satisfies RuleSpec;


export function check(ctx: RuleContext): FindingDraft[] {
  // a warning that vLLM pads or replicates to make the split work is not a failure
  const exact = signalHits(ctx, ["vllm.tpNotDivisibleHeads"]);
  // a quantized layer's per-GPU slice that is not a whole number of quantization groups or blocks
  const quant = exact.length ? [] : signalHits(ctx, ["vllm.tpQuantShape"]);
  if (quant.length) return [quantFinding(ctx, quant)];
  const hits = exact.length ? exact : signalHits(ctx, ["vllm.tpNotDivisible"]);
  if (!hits.length) return [];
  const m = exact[0]?.captures;
  const what = m ? m.what : "heads";
  const count = m ? Number(m.n) : null;
  const tp = m ? Number(m.tp) : ctx.facts.config.tensorParallelSize;
  const divisors = count ? divisorsUpTo(count, Math.max(ctx.thresholds.maxGpusPerNode, tp ?? 1)) : [];
  const gpus = tp ?? 0;
  return [{
    message: m
      ? `Tensor parallelism splits the ${what} across GPUs, so their number (${count}) must be divisible by the tensor parallel size (${tp}); it is not.`
      : "The model's heads (or another dimension) cannot be split evenly across the tensor parallel size.",
    evidence: hitEvidence(hits),
    remediation: [
      divisors.length ? `Use a tensor parallel size that divides ${count}: ${divisors.join(", ")}.` : "Use a tensor parallel size that divides the number of attention heads.",
      ppAdvice(gpus),
    ],
  }];
}

function ppAdvice(gpus: number): string {
  return gpus > 1
    ? `Or use pipeline parallelism, which splits by layers and allows uneven splits: --tensor-parallel-size 1 --pipeline-parallel-size ${gpus}.`
    : "Or use pipeline parallelism (--tensor-parallel-size 1 --pipeline-parallel-size <GPUs>), which allows uneven splits.";
}

function quantFinding(ctx: RuleContext, hits: ReturnType<typeof signalHits>): FindingDraft {
  const c = hits.find((h) => h.captures.n !== undefined)?.captures ?? hits[0].captures;
  const tp = ctx.facts.config.tensorParallelSize;
  const n = c.n !== undefined ? Number(c.n) : null;
  const block = c.block !== undefined ? Number(c.block) : null;
  const unit = c.unit ?? "";
  const fp8Block = unit.startsWith("block_");
  const marlin = /thread/.test(unit);
  const gateUp = (c.dim ?? "").includes("gate");
  // the whole dimension is the slice times the split; smaller splits that leave whole blocks on every GPU
  const whole = n !== null && tp !== null && tp > 1 ? n * tp : null;
  const fits = whole !== null && block ? splitsThatFit(whole, block, tp!) : [];
  const where = n !== null && block !== null
    ? `each GPU's slice of a quantized layer (${c.dim} = ${n}) is not a multiple of the ${fp8Block ? "FP8 block size" : marlin ? "Marlin kernel's minimum tile" : unit.replace(/_/g, " ")} (${unit} = ${block})`
    : `each GPU's slice of a quantized layer's ${c.side ?? "input"} dimension is not a whole number of quantization groups`;
  const remediation: string[] = tp === 1 ? [] : [
    fits.length
      ? `Use a smaller tensor parallel size that leaves whole blocks on every GPU: ${fits.join(", ")} (the layer is ${whole} wide), with pipeline parallelism for the rest of the GPUs (--tensor-parallel-size ${fits[0]} --pipeline-parallel-size ${tp! / fits[0]}).`
      : "Use a smaller tensor parallel size, so that each GPU's slice of every quantized layer holds whole quantization groups or blocks.",
    tp && tp > 1
      ? `Or split by layers only, which needs no even split of any layer: --tensor-parallel-size 1 --pipeline-parallel-size ${tp}.`
      : "Or split by layers only (--tensor-parallel-size 1 --pipeline-parallel-size <GPUs>), which needs no even split of any layer.",
  ];
  if (gateUp || fp8Block) remediation.push("For a mixture-of-experts model, --enable-expert-parallel places whole experts on each GPU instead of slicing every expert, which keeps their weights in whole blocks.");
  if (marlin) remediation.push("Or run the checkpoint without the Marlin kernels (--quantization gptq or awq): slower, but without Marlin's minimum tile size.");
  remediation.push(tp === 1 ? "With a tensor parallel size of 1 nothing is split: the checkpoint itself quantized a layer (often a vision tower) in a shape vLLM cannot load; use another quantization of the model." : "If the tensor parallel size is already 1, the checkpoint itself quantized a layer (often a vision tower) in a shape vLLM cannot load: use another quantization of the model.");
  return {
    message: `The quantized checkpoint does not split across the tensor parallel size${tp ? ` (${tp})` : ""}: ${where}, so vLLM refuses to create the layer's weights.`,
    evidence: hitEvidence(hits),
    remediation,
  };
}

/** tensor parallel sizes that divide `tp` (the rest of its GPUs then go to pipeline stages) and cut `whole` into slices that are multiples of `block` */
function splitsThatFit(whole: number, block: number, tp: number): number[] {
  const out: number[] = [];
  for (let d = tp - 1; d >= 2; d--) if (tp % d === 0 && whole % d === 0 && (whole / d) % block === 0) out.push(d);
  return out;
}

function divisorsUpTo(n: number, max: number): number[] {
  const out: number[] = [];
  for (let d = 2; d <= max; d++) if (n % d === 0) out.push(d);
  return out;
}

export const rule = defineRule(meta, check);
