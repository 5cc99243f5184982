import type { Facts, Finding, Report } from "../facts/schema.js";
import { interNodeKinds, intraNodeKinds } from "./transport.js";
import { formatNumber } from "../util/number-format.js";

/*
 * Fact-by-fact comparison of two runs: the facts people compare first (KV cache, transports, versions)
 * get a label and a unit, every other changed leaf is listed by its path.
 */

export interface FactChange {
  path: string;
  label: string;
  before: unknown;
  after: unknown;
  /** relative change of a number, in percent */
  changePercent?: number;
  text: string;
}

export interface FindingRef {
  ruleId: string;
  severity: Finding["severity"];
  title: string;
}

export interface ReportDiff {
  a: string[];
  b: string[];
  changes: FactChange[];
  findings: { appeared: FindingRef[]; resolved: FindingRef[] };
}

const LABELS: Record<string, [label: string, unit?: string]> = {
  "kvCache.tokens": ["KV cache", "tokens"],
  "kvCache.maxConcurrency": ["maximum concurrency", "x"],
  "kvCache.tokensPerRequest": ["tokens per request"],
  "kvCache.availableGiB": ["KV cache memory", "GiB"],
  "kvCache.gpuBlocks": ["GPU blocks"],
  "kvCache.cpuBlocks": ["CPU blocks"],
  "memory.modelWeightsGiB": ["model weights", "GiB"],
  "memory.peakActivationGiB": ["peak activation", "GiB"],
  "memory.nonTorchGiB": ["non-torch memory", "GiB"],
  "memory.cudaGraphGiB": ["CUDA graph memory", "GiB"],
  "memory.cudaGraphEstimateGiB": ["CUDA graph memory estimate", "GiB"],
  "nccl.version": ["NCCL"],
  "nccl.versions": ["NCCL versions"],
  "nccl.net": ["NCCL network"],
  "nccl.gdr": ["GPU Direct RDMA"],
  "nccl.ibHcas": ["InfiniBand HCAs"],
  "vllm.version": ["vLLM"],
  "vllm.engine": ["vLLM engine"],
  "config.model": ["model"],
  "config.tensorParallelSize": ["tensor parallel size"],
  "config.pipelineParallelSize": ["pipeline parallel size"],
  "config.dataParallelSize": ["data parallel size"],
  "config.maxModelLen": ["max_model_len"],
  "config.gpuMemoryUtilization": ["gpu_memory_utilization"],
  "gpu.name": ["GPU"],
  "runtime.generationThroughput.median": ["generation throughput (median)", "tokens/s"],
  "runtime.generationThroughput.p95": ["generation throughput (p95)", "tokens/s"],
  "runtime.running.median": ["running requests (median)"],
  "runtime.running.max": ["running requests (max)"],
  "runtime.waiting.p95": ["waiting requests (p95)"],
  "runtime.waiting.max": ["waiting requests (max)"],
  "runtime.gpuKvUsagePct.p95": ["GPU KV cache usage p95 (%)"],
  "runtime.kvFullShare": ["share of stats lines with KV ≥95%"],
  "runtime.preemptions": ["preemptions"],
  "runtime.stallCount": ["stalls"],
  "runtime.statsLines": ["stats lines"],
};

/** Paths not compared leaf by leaf: provenance, big per-rank tables, and what is summarized otherwise. */
const SKIP = [/^sources(\.|$)/, /^missing(\.|$)/, /^nccl\.matrix(\.|$)/, /^nccl\.(?:interNode|intraNode|interNodeNet|communicators|workerIps|remotePeers)(\.|$)/, /^nccl\.rankMap(\.|$)/, /^nccl\.nodePairs(\.|$)/, /^bench\.runs(\.|$)/, /^server\.readyLine(\.|$)/,
  // the runtime time series and stall evidence differ by nature between two runs: compared as counts and percentiles
  /^runtime\.series(\.|$)/, /^runtime\.stalls(\.|$)/, /^runtime\.statsStoppedAt(\.|$)/,
  // nccl-tests' table row by row (its busbw is compared as avg/max/largeSize), and the first connection line of each
  // transport kind (a quoted line whose pid differs between any two runs; the kinds are compared as transports)
  /^bench\.ncclTests\.rows(\.|$)/, /^nccl\.firstConnections(\.|$)/];
const EVIDENCE_PATHS = new Set(["firstError", "firstWarning", "nccl.firstWarn"]);

/** A log line as evidence: `{ file, line, text }`. */
function isEvidence(v: unknown): v is { file: string; line: number; text: string } {
  return v !== null && typeof v === "object" && typeof (v as { file?: unknown }).file === "string" && typeof (v as { line?: unknown }).line === "number" && typeof (v as { text?: unknown }).text === "string";
}

/** Evidence compares by its text: where it is (the file's name, the line number) differs between any two runs. */
const evidenceAsText = (_k: string, x: unknown) => (isEvidence(x) ? x.text.trim() : x);

/**
 * Evidence in a list of records is where the record was read, not what it says, and a process id differs between
 * any two runs (nccl-tests' device list): two runs compare without them.
 */
const withoutEvidence = (k: string, x: unknown) => (isEvidence(x) || k === "pid" ? undefined : x);

/**
 * Each leaf of `v` under `prefix`: in `out` as the diff shows it, in `same` as two runs compare (a list of records
 * without its evidence, which differs between any two runs and which a changed line would list as `X → X`)
 */
function leaves(v: unknown, prefix: string, out: Map<string, unknown>, same: Map<string, unknown>): void {
  if (SKIP.some((re) => re.test(prefix))) return;
  if (EVIDENCE_PATHS.has(prefix) || isEvidence(v)) {
    out.set(prefix, isEvidence(v) ? v.text.trim() : null);
    same.set(prefix, out.get(prefix));
    return;
  }
  if (Array.isArray(v)) {
    const scalars = v.every((x) => x === null || typeof x !== "object");
    out.set(prefix, scalars ? v.join(", ") : JSON.stringify(v, evidenceAsText));
    same.set(prefix, scalars ? out.get(prefix) : JSON.stringify(v, withoutEvidence));
    return;
  }
  if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) leaves(x, prefix ? `${prefix}.${k}` : k, out, same);
    return;
  }
  out.set(prefix, v);
  same.set(prefix, v);
}

const fmtNum = (n: number) => formatNumber(n, 2);

function show(v: unknown, unit?: string): string {
  if (v === null || v === undefined || v === "") return "none";
  if (typeof v === "number") return unit === "x" ? `${fmtNum(v)}x` : fmtNum(v);
  // a list of records is compared as its JSON; a person reads what names each record
  if (typeof v === "string" && v.startsWith("[{")) {
    try {
      const items = (JSON.parse(v) as unknown[]).map(itemText);
      // the same text many times (an interface on every rank) reads as one with a count
      const counts = new Map<string, number>();
      for (const t of items) counts.set(t, (counts.get(t) ?? 0) + 1);
      const text = [...counts].filter(([t]) => t).map(([t, n]) => (n > 1 ? `${t} ×${n}` : t)).join(", ");
      return text || `${items.length} entr${items.length === 1 ? "y" : "ies"}`;
    } catch {
      return v;
    }
  }
  return String(v);
}

/** How a record of a fact list reads in one line: its label or name (and version), else its fields. */
function itemText(x: unknown): string {
  if (x === null || typeof x !== "object") return String(x);
  const o = x as Record<string, unknown>;
  const withVersion = (n: unknown) => (n !== undefined ? `${n}${o.version !== undefined ? ` ${o.version}` : ""}` : undefined);
  const named = o.label ?? withVersion(o.name) ?? withVersion(o.what) ?? o.host ?? o.id;
  if (typeof named === "string" && named) return named;
  return Object.entries(o)
    // (the quoted line is what differs between any two runs; it stays in the JSON diff)
    .filter(([k, y]) => y !== null && typeof y !== "object" && k !== "evidence" && k !== "text" && String(y).length <= 60)
    .map(([k, y]) => `${k} ${y}`)
    .join(" ");
}

export function percentText(p: number): string {
  const r = Math.abs(p) >= 10 ? Math.round(Math.abs(p)) : Math.round(Math.abs(p) * 10) / 10;
  return `${p < 0 ? "−" : "+"}${r}%`;
}

function describeChange(path: string, before: unknown, after: unknown): FactChange {
  const [label, unit] = LABELS[path] ?? [path];
  let changePercent: number | undefined;
  if (typeof before === "number" && typeof after === "number" && before !== 0) changePercent = ((after - before) / Math.abs(before)) * 100;
  const unitText = unit && unit !== "x" ? ` ${unit}` : "";
  const text = `${label} ${show(before, unit)} → ${show(after, unit)}${unitText}${changePercent !== undefined ? ` (${percentText(changePercent)})` : ""}`;
  return { path, label, before, after, ...(changePercent !== undefined ? { changePercent } : {}), text };
}

/** The inter-node and intra-node transport kinds, most used first. */
function transportSummary(f: Facts, inter: boolean): string | null {
  const kinds = inter ? interNodeKinds(f) : intraNodeKinds(f);
  const list = Object.entries(kinds).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([k]) => k);
  return list.length ? list.join(", ") : null;
}

function refs(fs: Finding[]): Map<string, FindingRef> {
  const m = new Map<string, FindingRef>();
  for (const f of fs) if (!m.has(f.ruleId)) m.set(f.ruleId, { ruleId: f.ruleId, severity: f.severity, title: f.title });
  return m;
}

export function diffReports(a: Report, b: Report): ReportDiff {
  const changes: FactChange[] = [];
  for (const inter of [true, false]) {
    const before = transportSummary(a.facts, inter);
    const after = transportSummary(b.facts, inter);
    if (before !== after) {
      const label = inter ? "inter-node transport" : "intra-node transport";
      changes.push({ path: inter ? "nccl.interNode" : "nccl.intraNode", label, before, after, text: `${label} ${before ?? "none"} → ${after ?? "none"}` });
    }
  }
  const la = new Map<string, unknown>();
  const lb = new Map<string, unknown>();
  const sa = new Map<string, unknown>();
  const sb = new Map<string, unknown>();
  leaves(a.facts, "", la, sa);
  leaves(b.facts, "", lb, sb);
  const paths = [...new Set([...la.keys(), ...lb.keys()])];
  const rank = (p: string) => (p in LABELS ? Object.keys(LABELS).indexOf(p) : 1000);
  paths.sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  for (const p of paths) {
    const before = la.has(p) ? la.get(p) : null;
    const after = lb.has(p) ? lb.get(p) : null;
    // (an empty list and no value both read "none": no change to show)
    const none = (v: unknown) => v === null || v === undefined || v === "";
    if (before === after || sa.get(p) === sb.get(p) || (none(before) && none(after))) continue;
    changes.push(describeChange(p, before ?? null, after ?? null));
  }
  const ra = refs(a.findings);
  const rb = refs(b.findings);
  return {
    a: a.inputs.map((i) => i.path),
    b: b.inputs.map((i) => i.path),
    changes,
    findings: {
      appeared: [...rb.values()].filter((f) => !ra.has(f.ruleId)),
      resolved: [...ra.values()].filter((f) => !rb.has(f.ruleId)),
    },
  };
}

export function renderDiffText(d: ReportDiff): string {
  const out = [`A: ${d.a.join(", ")}`, `B: ${d.b.join(", ")}`, ""];
  out.push(d.changes.length ? `Facts that changed (${d.changes.length}):` : "No fact changed.");
  for (const c of d.changes) out.push(`  ${c.text}`);
  const { appeared, resolved } = d.findings;
  if (appeared.length || resolved.length) {
    out.push("", "Findings:");
    for (const f of appeared) out.push(`  + ${f.severity.padEnd(7)} ${f.ruleId}: ${f.title} (new in B)`);
    for (const f of resolved) out.push(`  - ${f.severity.padEnd(7)} ${f.ruleId}: ${f.title} (gone in B)`);
  } else out.push("", "Findings: the same rules fired in both.");
  return out.join("\n") + "\n";
}
