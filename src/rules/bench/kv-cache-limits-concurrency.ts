import type { Evidence } from "../../model.js";
import type { Facts } from "../../facts/schema.js";
import type { FindingDraft, RuleContext } from "../types.js";
import { factEvidence, fmt, uniqueEvidence } from "../helpers.js";
import { benchRuns, numberOf } from "./runs.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/kv-cache-limits-concurrency",
  defaultSeverity: "warning",
  title: "Benchmark: the server's KV cache holds fewer requests than the benchmark sent at once",
  tags: ["bench", "serve", "kv-cache", "capacity"],
  sources: [
    "vLLM docs: serving/parallelism_scaling (GPU KV cache size, Maximum concurrency)",
    "vllm/v1/metrics/loggers.py, vllm/engine/metrics.py: the server's stats lines during the run (Running, Waiting, GPU KV cache usage)",
    "vllm/benchmarks/serve.py: `Maximum request concurrency`, `Peak concurrent requests`, `Total input tokens`, `Total generated tokens`",
  ],
} satisfies RuleSpec;

interface Load {
  concurrency: number;
  /** which row or setting gave it */
  source: string;
  ev: Evidence;
  /** average prompt + output tokens of one request, when the result shows the totals */
  tokensPerRequest: number | null;
}

/** How many requests the benchmark had in flight at once: observed peak, else its limit, else all prompts at an infinite rate. */
function loadOf(values: Record<string, unknown>, ev: Evidence): Load | null {
  const peak = numberOf(values.peakConcurrentRequests);
  const limit = numberOf(values.maxRequestConcurrency) ?? numberOf(values.maxConcurrencyInCommand);
  const infinite = values.requestRate === "inf" || values.requestRate === Infinity;
  const prompts = numberOf(values.numPromptsInCommand) ?? numberOf(values.numPrompts);
  const [concurrency, source] =
    peak !== null ? [peak, "peak concurrent requests"]
      : limit !== null ? [limit, "maximum request concurrency"]
        : infinite && prompts !== null ? [prompts, "all prompts at once (request rate inf)"]
          : [null, ""];
  if (concurrency === null || concurrency <= 1) return null;
  const ok = numberOf(values.successfulRequests);
  const input = numberOf(values.totalInputTokens);
  const output = numberOf(values.totalGeneratedTokens);
  const tokensPerRequest = ok && input !== null && output !== null ? (input + output) / ok : null;
  return { concurrency, source, ev, tokensPerRequest };
}

/**
 * What the server's own stats lines (facts.runtime) say the benchmark measured, when the server log was read
 * with the result: the KV cache (requests waited at ≥95% KV usage, or were preempted), the scheduler's queue
 * (requests waited with KV room), or the model (no request waited).
 */
export interface ServerVerdict {
  measured: "kv-cache" | "queue" | "model";
  text: string;
  evidence: Evidence[];
}

export function serverVerdict(facts: Facts): ServerVerdict | null {
  const r = facts.runtime;
  if (!r || r.statsLines === 0 || !r.waiting || !r.running) return null;
  const preempt = r.preemptions ?? 0;
  if (r.waitingFullKvLines > 0 || preempt > 0) {
    const kv = r.gpuKvUsagePct ? `GPU KV cache usage up to ${fmt(r.gpuKvUsagePct.max, 1)}%` : "a full KV cache";
    return {
      measured: "kv-cache",
      text: `The server's stats lines agree: on ${fmt(r.waitingFullKvLines, 0)} of ${fmt(r.statsLines, 0)} of them requests waited (up to ${fmt(r.waiting.max, 0)}, with ${fmt(r.running.max, 0)} running) at ${kv}${preempt > 0 ? `, and ${fmt(preempt, 0)} requests were preempted` : ""}: the benchmark measured the KV cache, not the model.`,
      evidence: uniqueEvidence([facts.sources["runtime.waitingFullKv"], facts.sources["runtime.preemptions"]]),
    };
  }
  if (r.waitingFreeKvLines > 0) {
    const seqs = facts.config.maxNumSeqs;
    return {
      measured: "queue",
      text: `The server's stats lines show requests waiting (up to ${fmt(r.waiting.max, 0)}) while the KV cache had room and ${fmt(r.running.max, 0)} ran${seqs !== null ? ` (max_num_seqs ${seqs})` : ""}: the benchmark measured the scheduler's queue, not the model.`,
      evidence: uniqueEvidence([facts.sources["runtime.waitingFreeKv"]]),
    };
  }
  // "the model" needs the server busy on a few stats lines (a lone idle line after the run says nothing)
  if (r.waiting.max === 0 && Math.round((r.busyShare ?? 0) * r.statsLines) >= 3)
    return {
      measured: "model",
      text: `The server's stats lines show no request waiting (up to ${fmt(r.running.max, 0)} running${r.gpuKvUsagePct ? `, GPU KV cache usage at most ${fmt(r.gpuKvUsagePct.max, 1)}%` : ""}): the benchmark measured the model and the GPUs, not a queue.`,
      evidence: uniqueEvidence([facts.sources["runtime.running"]]),
    };
  return null;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const out = capacityCheck(ctx);
  const verdict = serverVerdict(ctx.facts);
  const serve = benchRuns(ctx, "serve");
  if (!verdict || serve.length === 0) return out;
  if (out.length) {
    // the estimate and the stats lines: say whether the log confirms it
    const f = out[0];
    if (verdict.measured !== "model") return [{ ...f, severity: undefined, message: `${f.message} ${verdict.text}`, evidence: uniqueEvidence([...f.evidence, ...verdict.evidence]) }];
    return [{ ...f, severity: "info", message: `${f.message} But ${verdict.text.charAt(0).toLowerCase()}${verdict.text.slice(1)} The benchmark's requests were likely shorter than the estimate assumes.`, evidence: uniqueEvidence([...f.evidence, ...verdict.evidence]) }];
  }
  const ev = uniqueEvidence([serve[0].ev, ...verdict.evidence]);
  if (verdict.measured === "model")
    return [{ title: "Benchmark: the server kept up, so the result measures the model", severity: "info", message: verdict.text, evidence: ev, remediation: ["Nothing to change for this benchmark: to find the server's limit, raise --max-concurrency or the request rate until the stats lines show requests waiting."] }];
  return [{
    title: verdict.measured === "queue" ? "Benchmark: requests queued in the scheduler, so the result measures the queue" : "Benchmark: requests waited for KV cache space, so the result measures the cache",
    message: verdict.text,
    evidence: ev,
    remediation: verdict.measured === "queue"
      ? ["Raise --max-num-seqs / --max-num-batched-tokens (see runtime/queue-with-free-kv), or benchmark at a lower --max-concurrency when you measure latency."]
      : remediation(ctx.facts.config.gpuMemoryUtilization, ctx.facts.config.maxModelLen, Math.max(1, Math.floor(ctx.facts.runtime?.running?.max ?? 1))),
  }];
}

function capacityCheck(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const kvTokens = facts.kvCache.tokens;
  const replicas = Math.max(1, facts.config.dataParallelSize ?? 1);
  const fullLength = facts.kvCache.maxConcurrency;
  if (kvTokens === null && fullLength === null) return [];
  for (const run of benchRuns(ctx, "serve")) {
    const load = loadOf(run.values, run.ev);
    if (!load) continue;
    const kvEvidence = factEvidence(facts, "kvCache.tokens", "kvCache.maxConcurrency");
    const dp = replicas > 1 ? ` across ${replicas} data-parallel replicas` : "";
    if (kvTokens !== null && load.tokensPerRequest !== null && load.tokensPerRequest > 0) {
      const capacity = (kvTokens * replicas) / load.tokensPerRequest;
      if (load.concurrency <= capacity) continue;
      return [{
        message: `The benchmark had ${fmt(load.concurrency, 0)} requests in flight (${load.source}), but the KV cache of ${fmt(kvTokens, 0)} tokens${dp} holds about ${fmt(capacity, 1)} requests of this benchmark's average length (${fmt(load.tokensPerRequest, 0)} prompt + output tokens): the rest waited in the queue or were preempted, so TTFT and throughput measure the cache, not the model.`,
        evidence: uniqueEvidence([load.ev, ...kvEvidence]),
        remediation: remediation(facts.config.gpuMemoryUtilization, facts.config.maxModelLen, Math.floor(capacity)),
      }];
    }
    if (fullLength !== null && load.tokensPerRequest === null && load.concurrency > fullLength * replicas) {
      return [{
        message: `The benchmark had ${fmt(load.concurrency, 0)} requests in flight (${load.source}), but the server's maximum concurrency is ${fmt(fullLength)}x${facts.kvCache.tokensPerRequest ? ` for ${fmt(facts.kvCache.tokensPerRequest, 0)}-token requests` : ""}${dp}: if the requests are that long, the rest queued. The result does not show its token totals, so the benchmark's real request length is unknown.`,
        severity: "info",
        evidence: uniqueEvidence([load.ev, ...kvEvidence]),
        remediation: remediation(facts.config.gpuMemoryUtilization, facts.config.maxModelLen, Math.floor(fullLength * replicas)),
      }];
    }
  }
  return [];
}

function remediation(gmu: number | null, maxModelLen: number | null, fits: number): string[] {
  return [
    `Benchmark at a concurrency the cache holds (--max-concurrency ${Math.max(1, fits)} or less) when you measure latency, or report the queueing with the result.`,
    `Give the KV cache more memory: raise --gpu-memory-utilization${gmu !== null ? ` (now ${gmu})` : ""}, use --kv-cache-dtype fp8, or add GPUs (a larger tensor or pipeline parallel size, or more replicas).`,
    `Confirm it in the server log of the run: the periodic stats line shows \`Waiting: N reqs\` above 0 and \`GPU KV cache usage\` near 100%${maxModelLen !== null ? ` (max_model_len is ${fmt(maxModelLen, 0)})` : ""}.`,
  ];
}

export const rule = defineRule(meta, check);
