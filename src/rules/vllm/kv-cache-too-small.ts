import type { RuleContext, FindingDraft } from "../types.js";
import { factEvidence, fmt, hitEvidence, kvCacheEmpty, num, uniqueEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/kv-cache-too-small",
  defaultSeverity: "error",
  title: "max_model_len is larger than the KV cache can hold",
  tags: ["vllm", "memory", "kv-cache", "startup"],
  sources: [
    "vLLM docs: configuration/conserving_memory.md (linked from the error message since v0.13)",
    "vLLM source: vllm/v1/core/kv_cache_utils.py check_enough_kv_cache_memory; V0 vllm/worker/worker.py raise_if_cache_size_invalid",
  ],
} satisfies RuleSpec;


export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const gmu = facts.config.gpuMemoryUtilization;
  const v0 = signalHits(ctx, ["vllm.kvTooSmallV0"]);
  // the CPU and OpenVINO backends keep the cache in host memory of a fixed size, and their message names that knob
  const knob = firstValue(v0, "knob");
  // a cache sized by --kv-cache-memory-bytes: --gpu-memory-utilization does not size it, that flag does
  const fixed = firstValue(signalHits(ctx, ["vllm.kvCacheMemoryBytes"]), "gib");
  const raise = knob
    ? `raise ${knob} (the GiB of host memory the ${/OPENVINO/.test(knob) ? "OpenVINO" : "CPU"} backend sets aside for the KV cache)`
    : fixed !== undefined
      ? `raise --kv-cache-memory-bytes (now ${fixed} GiB, which sets the cache's size in place of --gpu-memory-utilization) within the GPU's free memory`
      : `raise --gpu-memory-utilization${gmu !== null ? ` (now ${gmu})` : ""} if nothing else uses the GPU`;
  const more = knob
    ? `use a quantized or smaller model, which leaves more host memory for a larger ${knob}`
    : "give the model more GPUs (--tensor-parallel-size / --pipeline-parallel-size) or use a quantized checkpoint, to free memory for the cache";
  if (v0.length) {
    const len = num(v0[0].captures.len)!;
    const cap = num(v0[0].captures.cap);
    // (a quote of the message on an error-help page can leave the cache's token count out)
    if (cap === null) {
      return [{
        message: `max_model_len ${fmt(len)} needs ${fmt(len)} tokens of KV cache; the cache holds fewer (the count vLLM states is not in the excerpt).`,
        evidence: hitEvidence(v0),
        remediation: [`Lower --max-model-len (vLLM's full message names how many tokens the cache holds), or ${raise}.`, `Otherwise ${more}.`],
      }];
    }
    return [{
      message: `max_model_len ${fmt(len)} needs ${fmt(len)} tokens of KV cache; the cache holds ${fmt(cap)}.`,
      evidence: hitEvidence(v0),
      remediation: [`Lower --max-model-len to ${cap} (what the cache holds), or ${raise}.`, `Otherwise ${more}.`],
    }];
  }
  const v1 = signalHits(ctx, ["vllm.kvTooSmallV1"]);
  if (v1.length) {
    const len = num(v1[0].captures.len)!;
    const need = Number(v1[0].captures.need);
    const have = Number(v1[0].captures.have);
    const est = signalHits(ctx, ["vllm.maxLenEstimate"])[0];
    const estimate = est ? num(est.captures.len) : null;
    const fit = estimate ?? Math.floor((len * have) / need);
    return [{
      message: `max_model_len ${fmt(len)} needs ${need} GiB of KV cache for one request; only ${have} GiB is available, enough for about ${fmt(fit, 0)} tokens${estimate ? " (vLLM's own estimate)" : ""}.`,
      evidence: uniqueEvidence([...hitEvidence(v1), est?.ev]),
      remediation: [`Lower --max-model-len to ${fit}, or ${raise} so the cache gains at least ${Math.round((need - have) * 100) / 100} GiB${knob || fixed !== undefined ? "" : " (each 0.01 is 1% of the GPU's memory)"}.`, `Otherwise ${more}.`],
    }];
  }
  // (a message cut short: its opening or its middle clause only)
  const cutAdvice = [`Lower --max-model-len (vLLM's full message names a length that fits), or ${raise}.`, `Otherwise ${more}.`];
  // the message's opening clause only (the sizes cut off, or on a line a paste wrapped and lost)
  const head = signalHits(ctx, ["vllm.kvTooSmallV1Head"]);
  if (head.length) {
    const len = num(head[0].captures.len)!;
    return [{
      message: `max_model_len ${fmt(len)} needs more KV cache for one request than is available (the sizes vLLM states after this are not in the excerpt).`,
      evidence: hitEvidence(head),
      remediation: cutAdvice,
    }];
  }
  // the middle clause alone (`KV cache is needed, which is larger than the available KV cache memory`): max_model_len
  // and, often, the sizes were cut away with the opening
  const tail = signalHits(ctx, ["vllm.kvTooSmallV1Tail"]);
  if (tail.length) {
    const need = firstValue(tail, "need");
    const have = firstValue(tail, "have");
    const len = facts.config.maxModelLen;
    const sizes = need !== undefined && have !== undefined ? `: ${need} GiB is needed, ${have} GiB is available` : " (the sizes vLLM states are not in the excerpt)";
    return [{
      message: `One request at ${len !== null ? `max_model_len ${fmt(len)}` : "the configured max_model_len"} needs more KV cache than is available${sizes}.`,
      evidence: hitEvidence(tail),
      remediation: cutAdvice,
    }];
  }
  // from the facts: a cache smaller than one full-length request
  const tokens = facts.kvCache.tokens;
  const len = facts.config.maxModelLen ?? facts.kvCache.tokensPerRequest;
  const conc = facts.kvCache.maxConcurrency;
  // An engine that went on to serve was accepted by vLLM's own check, which runs before these lines are printed and
  // raises the error above when one request does not fit: a sliding-window or hybrid model whose printed token count
  // assumes every layer holds the whole sequence (vllm/low-concurrency still reports the printed figure)
  const served = facts.server.ready || (facts.runtime?.statsLines ?? 0) > 0;
  // (no cache at all is vllm/no-kv-cache-memory's finding: no max_model_len fits a cache without blocks)
  if (tokens !== null && len !== null && tokens < len && (conc === null || conc < 1) && !served && !kvCacheEmpty(facts)) {
    // without the concurrency line (an excerpt, or a sliding-window model whose cache counts differently) this is a suspicion
    return [{
      ...(conc === null ? { severity: "warning" as const } : {}),
      message: `max_model_len ${fmt(len)} needs ${fmt(len)} tokens of KV cache; the cache holds ${fmt(tokens)}.`,
      evidence: factEvidence(facts, "kvCache.tokens", "config.maxModelLen", "kvCache.maxConcurrency"),
      remediation: [`Lower --max-model-len to ${tokens}, or ${raise}.`, `Otherwise ${more}.`],
    }];
  }
  return [];
}

export const rule = defineRule(meta, check);
