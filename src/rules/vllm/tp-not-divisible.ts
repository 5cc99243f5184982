import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/tp-not-divisible",
  defaultSeverity: "error",
  title: "The tensor parallel size does not divide the model",
  tags: ["vllm", "tensor-parallel", "config", "startup"],
  sources: ["vLLM docs: serving/parallelism_scaling (Edge case: uneven GPU splits)", "vLLM source: vllm/config ModelConfig.verify_with_parallel_config"],
  thresholds: ["maxGpusPerNode"],
} satisfies RuleSpec;


export function check(ctx: RuleContext): FindingDraft[] {
  // a warning that vLLM pads or replicates to make the split work is not a failure
  const exact = signalHits(ctx, ["vllm.tpNotDivisibleHeads"]);
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
      gpus > 1
        ? `Or use pipeline parallelism, which splits by layers and allows uneven splits: --tensor-parallel-size 1 --pipeline-parallel-size ${gpus}.`
        : "Or use pipeline parallelism (--tensor-parallel-size 1 --pipeline-parallel-size <GPUs>), which allows uneven splits.",
    ],
  }];
}

function divisorsUpTo(n: number, max: number): number[] {
  const out: number[] = [];
  for (let d = 2; d <= max; d++) if (n % d === 0) out.push(d);
  return out;
}

export const rule = defineRule(meta, check);
