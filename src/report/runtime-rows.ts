import type { Facts } from "../facts/schema.js";
import { formatNumber } from "../util/number-format.js";

type Row = [string, string];
type P = { min: number; median: number; p95: number; max: number } | null;

const n = (v: number, d = 1) => formatNumber(v, d);
const dist = (p: P, unit = "", d = 1) => (p ? `median ${n(p.median, d)}${unit}, p95 ${n(p.p95, d)}${unit}, max ${n(p.max, d)}${unit}` : "—");

function span(s: number): string {
  if (s < 120) return `${n(s, 0)} s`;
  if (s < 7200) return `${n(s / 60, 0)} min`;
  return `${n(s / 3600, 1)} h`;
}

/** One line per topic of the running server (load, KV, throughput, preemptions, requests, stalls), for every report format. */
export function runtimeRows(f: Facts): Row[] {
  const r = f.runtime;
  if (!r) return [];
  const rows: Row[] = [];
  if (r.statsLines > 0) {
    // (one line spans no time)
    const when = r.spanS !== null && r.statsLines > 1 ? ` over ${span(r.spanS)}` : "";
    rows.push(["stats lines", `${n(r.statsLines, 0)}${when}${r.intervalS !== null ? `, every ${n(r.intervalS, 0)} s` : ""}${r.engines !== null && r.engines > 1 ? `, ${r.engines} engines` : ""}`]);
    rows.push(["load", `running ${dist(r.running, "", 0)}; waiting ${dist(r.waiting, "", 0)}`]);
    rows.push(["KV cache", r.gpuKvUsagePct ? `GPU usage ${dist(r.gpuKvUsagePct, "%")}; ≥95% on ${n((r.kvFullShare ?? 0) * 100, 0)}% of lines` : "—"]);
    rows.push(["throughput", `generation ${dist(r.generationThroughput)} tokens/s; prompt median ${n(r.promptThroughput?.median ?? 0)} tokens/s`]);
    if (r.prefixCacheHitRatePct) rows.push(["prefix cache", `hit rate ${dist(r.prefixCacheHitRatePct, "%")}`]);
    if (r.specAcceptanceRatePct) rows.push(["spec decoding", `acceptance ${dist(r.specAcceptanceRatePct, "%")}`]);
  }
  rows.push(["preemptions", r.preemptions === null ? "— (not logged by this version)" : n(r.preemptions, 0)]);
  const req = r.requests;
  const http = r.http;
  if (req || http) {
    const parts: string[] = [];
    if (req) parts.push(requestCounts(req));
    if (http) parts.push(`HTTP 2xx ${n(http["2xx"], 0)}, 4xx ${n(http["4xx"], 0)}, 5xx ${n(http["5xx"], 0)}`);
    if (r.unknownModels) parts.push(`unknown models: ${Object.entries(r.unknownModels).map(([m, c]) => `${m} (${c})`).join(", ")}`);
    rows.push(["requests", parts.join("; ")]);
  }
  if (r.stallCount > 0 || r.statsStoppedEarly) {
    const parts: string[] = [];
    if (r.stallCount > 0) parts.push(`${r.stallCount} stretch${r.stallCount > 1 ? "es" : ""} of zero throughput with requests running (longest ${n(Math.max(...r.stalls.map((s) => s.statsLines)), 0)} stats lines)`);
    if (r.statsStoppedEarly) parts.push(`stats lines stop early${r.statsStoppedAt ? ` (line ${r.statsStoppedAt.line})` : ""}`);
    rows.push(["stalls", parts.join("; ")]);
  }
  return rows;
}

/**
 * `51 received (no finished or aborted request lines)`: the counts of the request lines the log has; a kind with no
 * line is named as such, not counted as 0, since a version or logging level that prints none (V1 logs no `Finished
 * request`) would read as "no request finished" beside 49 responses of HTTP 200.
 */
function requestCounts(req: { received: number; finished: number; aborted: number }): string {
  const kinds = [["received", req.received], ["finished", req.finished], ["aborted", req.aborted]] as const;
  const shown = kinds.filter(([, v]) => v > 0);
  const none = kinds.filter(([, v]) => v <= 0).map(([k]) => k);
  if (!shown.length) return kinds.map(([k, v]) => `${n(v, 0)} ${k}`).join(", ");
  return `${shown.map(([k, v]) => `${n(v, 0)} ${k}`).join(", ")}${none.length ? ` (no ${none.join(" or ")} request lines)` : ""}`;
}
