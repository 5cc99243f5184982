import type { LabelRow, RowPart } from "../../grammars/bench-row.js";

/** `vllm bench throughput` and `vllm bench latency` results (text lines and `--output-json`), as facts. */

/**
 * `Throughput: 7.15 requests/s, 4656.00 total tokens/s, 1072.15 output tokens/s` (2024-10 on) or
 * `Throughput: 81.74 requests/s, 20926.37 tokens/s` (before; its tokens/s counts prompt + output tokens).
 */
export function throughputFromRow(row: LabelRow): Record<string, unknown> | null {
  if (row.label !== "Throughput" || !row.value?.number) return null;
  const parts: RowPart[] = [row.value, ...row.rest];
  // groups of `number unit words` separated by commas
  const groups: { value: number; unit: string }[] = [];
  let cur: { value: number; words: string[] } | null = null;
  for (const p of parts) {
    if (p.text === ",") continue;
    if (p.number) {
      if (cur) groups.push({ value: cur.value, unit: cur.words.join(" ") });
      cur = { value: Number(p.text), words: [] };
    } else if (cur) {
      cur.words.push(p.text.replace(/,$/, ""));
    }
  }
  if (cur) groups.push({ value: cur.value, unit: cur.words.join(" ") });
  const find = (re: RegExp) => groups.find((g) => re.test(g.unit))?.value ?? null;
  const requestsPerS = find(/^requests\/s$/);
  if (requestsPerS === null) return null;
  const total = find(/^total tokens\/s$/);
  const output = find(/^output tokens\/s$/);
  const old = total === null && output === null ? find(/^tokens\/s$/) : null;
  // a line with requests/s alone is the 2023 serving benchmark's (see bench-serve.ts), not this tool's
  if (total === null && output === null && old === null) return null;
  return {
    requestsPerS,
    totalTokensPerS: total ?? old,
    outputTokensPerS: output,
    lineFormat: old !== null ? "requests+tokens" : "requests+total+output",
    totalPromptTokens: null,
    totalOutputTokens: null,
  };
}

/** `Total num prompt tokens:  5014` / `Total num output tokens:  1500` -> the key it fills */
export function throughputTotalKey(label: string): string | null {
  if (label === "Total num prompt tokens") return "totalPromptTokens";
  if (label === "Total num output tokens") return "totalOutputTokens";
  return null;
}

/** `Avg latency: 0.576 seconds` -> a new run; only values followed by `seconds` count (a cut value is dropped). */
export function latencyAvg(row: LabelRow): number | null {
  if (row.label !== "Avg latency" || !row.value?.number || row.rest[0]?.text !== "seconds") return null;
  return Number(row.value.text);
}

/** `99% percentile latency: 0.577 seconds` -> [99, 0.577] */
export function latencyPercentile(t: string): [string, number] | null {
  const m = /^(\d+(?:\.\d+)?)% percentile latency:\s+([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?) seconds\s*$/.exec(t);
  return m ? [m[1], Number(m[2])] : null;
}

export function latencyFacts(avg: number, percentiles: Record<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = { avgLatencyS: avg, percentilesS: percentiles };
  for (const [p, v] of Object.entries(percentiles)) out[`p${p.replace(".", "_")}LatencyS`] = v;
  return out;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export const isThroughputJson = (o: Record<string, unknown>): boolean => "requests_per_second" in o && ("elapsed_time" in o || "tokens_per_second" in o);
export const isLatencyJson = (o: Record<string, unknown>): boolean => "avg_latency" in o && ("latencies" in o || "percentiles" in o);

/** `--output-json` of throughput: it has no output tokens/s. */
export function throughputFromJson(o: Record<string, unknown>): Record<string, unknown> {
  return {
    requestsPerS: num(o.requests_per_second),
    totalTokensPerS: num(o.tokens_per_second),
    outputTokensPerS: null,
    elapsedTimeS: num(o.elapsed_time),
    numRequests: num(o.num_requests),
    totalNumTokens: num(o.total_num_tokens),
  };
}

export function latencyFromJson(o: Record<string, unknown>): Record<string, unknown> {
  const percentiles: Record<string, number> = {};
  if (o.percentiles && typeof o.percentiles === "object") {
    for (const [k, v] of Object.entries(o.percentiles as Record<string, unknown>)) if (num(v) !== null) percentiles[k] = v as number;
  }
  const out = latencyFacts(num(o.avg_latency) ?? NaN, percentiles);
  if (!Number.isFinite(out.avgLatencyS as number)) out.avgLatencyS = null;
  if (Array.isArray(o.latencies)) {
    const last = o.latencies[o.latencies.length - 1] as Record<string, unknown> | undefined;
    out.iterations = last && typeof last === "object" && "$length" in last ? Number(last.$length) : o.latencies.length;
  }
  return out;
}
