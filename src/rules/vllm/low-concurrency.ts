import type { RuleContext, FindingDraft } from "../types.js";
import { factEvidence, fmt, kvCacheEmpty, num } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/low-concurrency",
  defaultSeverity: "warning",
  title: "Low maximum concurrency: the KV cache holds few full-length requests",
  tags: ["vllm", "kv-cache", "capacity"],
  sources: ["vLLM docs: serving/parallelism_scaling (Memory and capacity planning: GPU KV cache size, Maximum concurrency)"],
  thresholds: ["minConcurrency"],
} satisfies RuleSpec;


export function check(ctx: RuleContext): FindingDraft[] {
  const { facts, thresholds } = ctx;
  let conc = facts.kvCache.maxConcurrency;
  let perReq = facts.kvCache.tokensPerRequest;
  let evidence = factEvidence(facts, "kvCache.maxConcurrency", "kvCache.tokens");
  if (conc === null) {
    const hits = signalHits(ctx, ["vllm.maxConcurrency"]);
    if (!hits.length) return [];
    const low = hits.reduce((a, b) => (Number(b.captures.x) < Number(a.captures.x) ? b : a));
    conc = Number(low.captures.x);
    perReq = num(low.captures.tokens);
    evidence = [low.ev];
  }
  if (conc >= thresholds.minConcurrency) return [];
  const tokens = facts.kvCache.tokens;
  // (V0's `# GPU blocks: 0` then `Maximum concurrency ...: 0.00x`: no cache at all is vllm/no-kv-cache-memory's finding)
  if (kvCacheEmpty(facts) || tokens === 0) return [];
  const len = perReq ?? facts.config.maxModelLen;
  const gmu = facts.config.gpuMemoryUtilization;
  const fits = conc < 1 ? "not even one full-length request fits at once" : `only ${fmt(conc)} full-length requests fit at once`;
  return [{
    message: `Maximum concurrency${len !== null ? ` for ${fmt(len)} tokens per request` : ""} is ${conc}x (threshold ${thresholds.minConcurrency}x): ${fits}${tokens !== null ? ` in a KV cache of ${fmt(tokens)} tokens` : ""}.`,
    evidence,
    remediation: [
      tokens !== null && len !== null && tokens < len
        ? `Lower --max-model-len to ${tokens} or less if requests do not need ${fmt(len)} tokens.`
        : `Lower --max-model-len${len !== null ? ` (now ${len})` : ""} if requests do not need that many tokens.`,
      `Raise --gpu-memory-utilization${gmu !== null ? ` (now ${gmu})` : ""} to give the KV cache more memory.`,
      "Add GPUs: a larger --tensor-parallel-size (or --pipeline-parallel-size across nodes) leaves more memory per GPU for the cache.",
    ],
  }];
}

export const rule = defineRule(meta, check);
