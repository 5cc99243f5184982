import { UsageError } from "../util/errors.js";
import { formatNumber } from "../util/number-format.js";

export interface RegressionLimit {
  path: string;
  /** allowed worsening: a fraction of the baseline (0.1 for 10%) or an absolute amount */
  amount: number;
  relative: boolean;
  text: string;
}

/** Parses `kvCache.tokens=10%` (relative) or `bench.serve.p99TtftMs=50` (absolute, in the fact's unit). */
export function parseRegressionLimit(text: string): RegressionLimit {
  const m = /^\s*([A-Za-z_][\w./-]*)\s*=\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$/.exec(text);
  if (!m) throw new UsageError(`cannot read --max-regression '${text}': write PATH=N% or PATH=N (e.g. 'kvCache.tokens=10%')`);
  const n = Number(m[2]);
  return { path: m[1], amount: m[3] ? n / 100 : n, relative: m[3] === "%", text: text.trim() };
}

/**
 * Latencies, durations, failures and counts of problems get worse when they grow; everything else when it shrinks.
 * The serving stats count problems too: preempted and aborted requests, HTTP 4xx/5xx, requests waiting, the share of
 * stats lines with a full KV cache, stalls (read as throughputs, 0 → 21 preemptions passed any limit).
 */
export function lowerIsBetter(path: string): boolean {
  return /(?:Ms|LatencyS|durationS|Seconds|failedRequests|wrongTotal|errors|warnings|infos|warnCount|preemptions|aborted|\.4xx|\.5xx|kvFullShare|stallCount|\.waiting\.\w+)$/.test(path);
}

export interface RegressionVerdict {
  passed: boolean;
  reason: string;
}

const fmt = (v: number) => formatNumber(v, 4);

export function judgeRegression(limit: RegressionLimit, baseline: unknown, current: unknown): RegressionVerdict {
  if (typeof baseline !== "number") return { passed: false, reason: `${limit.path} is missing from the baseline, so a regression cannot be ruled out` };
  if (typeof current !== "number") return { passed: false, reason: `${limit.path} is missing from this run (baseline ${fmt(baseline)})` };
  const worse = lowerIsBetter(limit.path) ? current - baseline : baseline - current;
  const allowed = limit.relative ? Math.abs(baseline) * limit.amount : limit.amount;
  const change = baseline === 0 ? "" : ` (${current >= baseline ? "+" : "−"}${fmt(Math.round((Math.abs(current - baseline) / Math.abs(baseline)) * 1000) / 10)}%)`;
  const allowedText = limit.relative ? `${fmt(limit.amount * 100)}%` : fmt(limit.amount);
  const desc = `${limit.path} ${fmt(baseline)} → ${fmt(current)}${change}`;
  if (worse > allowed + 1e-9) return { passed: false, reason: `${desc}: regressed by more than the allowed ${allowedText}` };
  return { passed: true, reason: `${desc}: within the allowed ${allowedText}` };
}
