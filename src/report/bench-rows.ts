import type { Facts } from "../facts/schema.js";
import { formatNumber } from "../util/number-format.js";

/*
 * The benchmark numbers every human-readable report shows (text, Markdown, HTML), built once here so that
 * the formats agree: one compact section per kind of result, the latency percentiles of a serve run and the
 * busbw curve of an nccl-tests run for the HTML charts.
 */

export type BenchRow = [label: string, value: string];

export interface BenchSection {
  kind: "serve" | "throughput" | "latency" | "ncclTests";
  title: string;
  rows: BenchRow[];
}

type Values = Record<string, unknown>;

const numberOf = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const n = (v: unknown, digits = 2): string => {
  const x = numberOf(v);
  return x === null ? "—" : formatNumber(x, digits);
};
const withUnit = (v: unknown, unit: string, digits = 2): string | null => (numberOf(v) === null ? null : `${n(v, digits)} ${unit}`);

/** 8 B, 1 KiB, 256 MiB, 8 GiB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

export interface LatencySeries {
  /** TTFT, TPOT, ITL, E2EL */
  metric: string;
  points: { label: string; value: number }[];
}

const METRICS: [key: string, name: string][] = [["Ttft", "TTFT"], ["Tpot", "TPOT"], ["Itl", "ITL"], ["E2el", "E2EL"]];

/** Mean, median and every printed percentile of each serve latency metric, in that order (P50 only when no median). */
export function servePercentiles(v: Values): LatencySeries[] {
  const out: LatencySeries[] = [];
  for (const [key, name] of METRICS) {
    const points: { label: string; value: number; order: number }[] = [];
    const mean = numberOf(v[`mean${key}Ms`]);
    const median = numberOf(v[`median${key}Ms`]);
    if (mean !== null) points.push({ label: "mean", value: mean, order: -2 });
    if (median !== null) points.push({ label: "median", value: median, order: -1 });
    for (const [k, raw] of Object.entries(v)) {
      const m = new RegExp(`^p(\\d+(?:_\\d+)?)${key}Ms$`).exec(k);
      const value = numberOf(raw);
      if (!m || value === null) continue;
      const p = Number(m[1].replace("_", "."));
      if (p === 50 && median !== null) continue;
      points.push({ label: `P${m[1].replace("_", ".")}`, value, order: p });
    }
    points.sort((a, b) => a.order - b.order);
    if (points.length) out.push({ metric: name, points: points.map(({ label, value }) => ({ label, value })) });
  }
  return out;
}

export interface BusbwPoint {
  sizeBytes: number;
  outOfPlace: number | null;
  inPlace: number | null;
}

/** busbw per size of an nccl-tests run, complete rows only, in size order. */
export function busbwCurve(v: Values): BusbwPoint[] {
  const rows = Array.isArray(v.rows) ? (v.rows as unknown[]) : [];
  const side = (s: unknown): number | null => (s && typeof s === "object" ? numberOf((s as Values).busbwGBs) : null);
  return rows
    .filter((r): r is Values => !!r && typeof r === "object" && numberOf((r as Values).sizeBytes) !== null && (r as Values).complete !== false)
    .map((r) => ({ sizeBytes: r.sizeBytes as number, outOfPlace: side(r.outOfPlace), inPlace: side(r.inPlace) }))
    .filter((p) => p.sizeBytes > 0 && (p.outOfPlace !== null || p.inPlace !== null))
    .sort((a, b) => a.sizeBytes - b.sizeBytes);
}

function serveRows(v: Values): BenchRow[] {
  const rows: BenchRow[] = [];
  const failed = numberOf(v.failedRequests);
  rows.push(["requests", `${n(v.successfulRequests, 0)} successful, ${failed === null ? "failed not shown" : `${n(failed, 0)} failed`}`]);
  const add = (label: string, value: string | null) => {
    if (value !== null) rows.push([label, value]);
  };
  add("duration", withUnit(v.durationS, "s"));
  add("request throughput", withUnit(v.requestThroughput, "req/s"));
  const peakOut = numberOf(v.peakOutputThroughput);
  add("output throughput", numberOf(v.outputThroughput) === null ? null : `${n(v.outputThroughput)} tok/s${peakOut !== null ? ` (peak ${n(peakOut)})` : ""}`);
  add("total token throughput", withUnit(v.totalTokenThroughput, "tok/s"));
  const limit = numberOf(v.maxRequestConcurrency) ?? numberOf(v.maxConcurrencyInCommand);
  const peak = numberOf(v.peakConcurrentRequests);
  if (limit !== null || peak !== null) add("concurrency", [limit !== null ? `max ${n(limit, 0)}` : null, peak !== null ? `peak ${n(peak)}` : null].filter(Boolean).join(", "));
  for (const s of servePercentiles(v)) rows.push([`${s.metric} (ms)`, s.points.map((p) => `${p.label} ${n(p.value)}`).join(" · ")]);
  return rows;
}

function throughputRows(v: Values): BenchRow[] {
  return [
    ["requests", withUnit(v.requestsPerS, "req/s") ?? "—"],
    ["total tokens", withUnit(v.totalTokensPerS, "tok/s") ?? "—"],
    ["output tokens", withUnit(v.outputTokensPerS, "tok/s") ?? "—"],
  ];
}

function latencyRows(v: Values): BenchRow[] {
  const rows: BenchRow[] = [["average latency", withUnit(v.avgLatencyS, "s", 4) ?? "—"]];
  const p = v.percentilesS && typeof v.percentilesS === "object" ? Object.entries(v.percentilesS as Values).filter(([, x]) => numberOf(x) !== null) : [];
  if (p.length) rows.push(["percentiles (s)", p.sort((a, b) => Number(a[0]) - Number(b[0])).map(([k, x]) => `P${k} ${n(x, 4)}`).join(" · ")]);
  return rows;
}

function ncclTestsRows(v: Values): BenchRow[] {
  const rows: BenchRow[] = [];
  const ranks = numberOf(v.ranks);
  const nodes = numberOf(v.nodes);
  const gpus = Array.isArray(v.gpuNames) ? v.gpuNames.filter((g) => typeof g === "string") : [];
  const who = [ranks !== null ? `${n(ranks, 0)} rank${ranks === 1 ? "" : "s"}` : null, nodes !== null ? `on ${n(nodes, 0)} node${nodes === 1 ? "" : "s"}` : null, gpus.length ? `(${gpus.join(", ")})` : null].filter(Boolean).join(" ");
  rows.push(["test", [typeof v.collective === "string" ? v.collective : "nccl-tests", who].filter(Boolean).join(", ")]);
  rows.push(["busbw at ≥ 256 MiB", withUnit(v.largeSizeBusbwGBs, "GB/s") ?? "— (no size of 256 MiB or more)"]);
  rows.push(["peak busbw", withUnit(v.maxBusbwGBs, "GB/s") ?? "—"]);
  rows.push(["avg bus bandwidth", numberOf(v.avgBusbwGBs) === null ? "—" : `${n(v.avgBusbwGBs)} GB/s (mean over every size)`]);
  const wrong = numberOf(v.wrongTotal);
  const oob = v.outOfBoundsOk === true ? "OK" : v.outOfBoundsOk === false ? `${n(v.outOfBoundsCount, 0)} FAILED` : "not shown";
  rows.push(["validation", `#wrong ${wrong === null ? "not counted" : n(wrong, 0)}, out of bounds ${oob}`]);
  const curve = busbwCurve(v);
  if (curve.length) rows.push(["sizes", `${formatBytes(curve[0].sizeBytes)} – ${formatBytes(curve[curve.length - 1].sizeBytes)}, ${curve.length} row${curve.length === 1 ? "" : "s"}`]);
  return rows;
}

const SECTIONS: { kind: BenchSection["kind"]; title: string; rows: (v: Values) => BenchRow[] }[] = [
  { kind: "serve", title: "Serving benchmark", rows: serveRows },
  { kind: "throughput", title: "Offline throughput benchmark", rows: throughputRows },
  { kind: "latency", title: "Latency benchmark", rows: latencyRows },
  { kind: "ncclTests", title: "nccl-tests", rows: ncclTestsRows },
];

/** One section per kind of benchmark result the inputs hold (the first run of each kind, as in the facts). */
export function benchSections(f: Facts): BenchSection[] {
  const bench = f.bench as unknown as Record<string, Values | null> | undefined;
  if (!bench) return [];
  return SECTIONS.flatMap(({ kind, title, rows }) => {
    const v = bench[kind];
    if (!v) return [];
    const out = rows(v);
    const count = numberOf(v.runCount);
    if (count !== null && count > 1) out.push(["runs", `${n(count, 0)} (the first is shown; all are in facts.bench.runs)`]);
    return [{ kind, title, rows: out }];
  });
}

/** The values of every nccl-tests run, for one chart each. */
export function ncclTestsRuns(f: Facts): Values[] {
  return (f.bench?.runs ?? []).filter((r) => r.kind === "ncclTests").map((r) => r.values);
}
