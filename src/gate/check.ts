import type { Facts, Gate, GateRequirement, Report, Severity } from "../facts/schema.js";
import { UsageError } from "../util/errors.js";
import { compare, formatValue, parseRequirement, type Requirement } from "./expr.js";
import { readPath } from "./path.js";
import { judgeRegression, parseRegressionLimit, type RegressionLimit } from "./regression.js";
import { interNodeKinds, kindMatches } from "./transport.js";
import { transportKind } from "../../grammars/nccl.js";
import { reportPathType, unknownReportPath } from "./known-path.js";

export type FailOn = "error" | "warning" | "info" | "none";
export const FAIL_ON_LEVELS: FailOn[] = ["error", "warning", "info", "none"];

export interface GateOptionsInput {
  failOn?: string;
  maxWarnings?: string | number;
  require?: string[];
  requireTransport?: string[];
  forbidTransport?: string[];
  maxRegression?: string[];
}

export interface GateSpec {
  failOn: FailOn;
  maxWarnings: number | null;
  require: Requirement[];
  requireTransport: string[];
  forbidTransport: string[];
  maxRegression: RegressionLimit[];
}

/** Validates the gate options before any log is read: a mistake here is a usage error (exit 2). */
export function parseGateSpec(input: GateOptionsInput): GateSpec {
  const failOn = (input.failOn ?? "error") as FailOn;
  if (!FAIL_ON_LEVELS.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON_LEVELS.join(", ")}, not '${input.failOn}'`);
  let maxWarnings: number | null = null;
  if (input.maxWarnings !== undefined) {
    const n = Number(input.maxWarnings);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-warnings must be a whole number >= 0, not '${input.maxWarnings}'`);
    maxWarnings = n;
  }
  const kinds = (list: string[] | undefined, flag: string) =>
    (list ?? []).map((k) => {
      const t = k.trim();
      if (!t) throw new UsageError(`${flag} needs a transport kind such as NET/IB or NET/Socket`);
      // a kind no connection can have would never match: a forbidden one always passes, a required one always fails
      const canonical = /^(?:P2P|SHM|NET|NVLS|CollNet)(?:\/[^/\s]+)*\/?$/i.test(t) ? canonicalKind(t) : null;
      if (canonical === null) throw new UsageError(`${flag} '${t}' is not a transport kind: NCCL's kinds are P2P/IPC, P2P/CUMEM, P2P/direct, SHM, NET/IB, NET/IB/GDRDMA, NET/Socket, NET/OFI, NET/<plugin>, NVLS and CollNet`);
      if (canonical === OFI_GDR) throw new UsageError(`${flag} '${t}': NCCL's OFI connections are all of kind NET/OFI (their /GDRDMA is not split out); name NET/OFI, and require GPUDirect RDMA with --require 'nccl.gdr==true'`);
      return canonical;
    });
  const require = (input.require ?? []).map(parseRequirement);
  const maxRegression = (input.maxRegression ?? []).map(parseRegressionLimit);
  // a name the report cannot hold is a mistake in the command, not a fact the log lacks: it could never pass
  for (const [flag, r] of [...require.map((x) => ["--require", x] as const), ...maxRegression.map((x) => ["--max-regression", x] as const)]) {
    const why = unknownReportPath(r.path) ?? typeProblem(r, reportPathType(r.path));
    if (why) throw new UsageError(`${flag} '${r.text}': ${why}`);
  }
  return {
    failOn,
    maxWarnings,
    require,
    requireTransport: kinds(input.requireTransport, "--require-transport"),
    forbidTransport: kinds(input.forbidTransport, "--forbid-transport"),
    maxRegression,
  };
}

const OFI_GDR = "NET/OFI/GDRDMA";

/**
 * A transport kind as the report's facts name it (CONTRACT, "Transport kinds"), or null when no connection can have
 * it. What NCCL prints after `via` (`NET/Socket/0`, `NET/IBext_v8/1/GDRDMA`, `NET/AWS Libfabric`, `P2P/IPC/read`)
 * names a kind too: its device index and read/write suffix are never part of the kind, so taken as written it
 * would never match — a forbidden kind always passed and a required one always failed.
 */
function canonicalKind(written: string): string | null {
  const t = written.replace(/\/+$/, "");
  const net = /^NET\/([^/]+)((?:\/[^/]+)*)$/i.exec(t);
  if (net) {
    const rest = net[2].replace(/\/\d+(?=\/|$)/g, "");
    if (rest && !/^\/GDRDMA$/i.test(rest)) return null;
    const kind = transportKind(`NET/${net[1]}/0${rest ? "/GDRDMA" : ""}`);
    if (kind === "NET/OFI" && rest) return OFI_GDR;
    return kind;
  }
  if (/^P2P\/[^/]+\/./i.test(t)) return transportKind(t) ?? t;
  return t;
}

/**
 * Why a requirement could never hold for the type the report gives its fact (null when it can): a number against
 * text (`kvCache.tokens>=500k`), a number that is no number (`1e400`), an order on true/false, a regression of
 * something that is not a number. It used to be judged on the log: "cannot be compared", exit 1.
 */
function typeProblem(r: Requirement | RegressionLimit, type: string | null): string | null {
  if (!("op" in r)) return type === null || type === "number" || type === "unknown" ? null : `${r.path} is not a number (it is ${type === "enum" ? "text" : type}): only a number can regress`;
  const v = r.value;
  if (typeof v === "number" && !Number.isFinite(v)) return "the value is too large to be a number";
  if (type === "number" && typeof v === "string") return `${r.path} is a number, and '${v}' is not one (write 500000 or 500_000, with no unit)`;
  if (type === "boolean" && typeof v !== "boolean" && v !== null) return `${r.path} is true or false, not '${v}'`;
  if (type === "boolean" && r.op !== "==" && r.op !== "!=") return `${r.path} is true or false: compare it with == or !=`;
  if ((type === "object" || type === "record" || type === "array") && v !== null) return `${r.path} is not a single value; name one of its fields`;
  return null;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Whether a finding of this severity fails a gate with this --fail-on level (inclusive: warning fails on errors too). */
export function severityFails(sev: Severity, failOn: FailOn): boolean {
  return failOn !== "none" && RANK[sev] <= RANK[failOn];
}

/** Judges a finished report; every requirement carries a reason, passed or not. */
export function evaluateGate(report: Report, spec: GateSpec, baseline?: Report): Gate {
  const reqs: GateRequirement[] = [];
  reqs.push(judgeFailOn(report, spec.failOn));
  if (spec.maxWarnings !== null) {
    const w = report.summary.warnings;
    reqs.push({
      kind: "max-warnings",
      name: `max-warnings ${spec.maxWarnings}`,
      passed: w <= spec.maxWarnings,
      reason: `${w} warning${w === 1 ? "" : "s"}, at most ${spec.maxWarnings} allowed`,
    });
  }
  for (const r of spec.require) reqs.push(judgeBenchRuns(report, r) ?? judgeRequirement(report, r));
  for (const k of spec.requireTransport) reqs.push(judgeRequiredTransport(report.facts, k));
  for (const k of spec.forbidTransport) reqs.push(judgeForbiddenTransport(report.facts, k));
  for (const l of spec.maxRegression) {
    const name = `max-regression ${l.text}`;
    if (!baseline) {
      reqs.push({ kind: "max-regression", name, passed: false, reason: "--max-regression needs --baseline report.json" });
      continue;
    }
    const v = judgeRegression(l, readPath(baseline, l.path).value, readPath(report, l.path).value);
    reqs.push({ kind: "max-regression", name, ...v });
  }
  return { passed: reqs.every((r) => r.passed), failOn: spec.failOn, requirements: reqs };
}

function judgeFailOn(report: Report, failOn: FailOn): GateRequirement {
  const name = `fail-on ${failOn}`;
  if (failOn === "none") return { kind: "fail-on", name, passed: true, reason: "findings do not fail the gate (--fail-on none)" };
  const failing = report.findings.filter((f) => severityFails(f.severity, failOn));
  if (failing.length === 0) {
    const s = report.summary;
    return { kind: "fail-on", name, passed: true, reason: `no finding at or above ${failOn} (${s.errors} error, ${s.warnings} warning, ${s.infos} info)` };
  }
  const list = failing.slice(0, 10).map((f) => `${f.ruleId} (${f.severity})`).join(", ");
  const more = failing.length > 10 ? ` and ${failing.length - 10} more` : "";
  return { kind: "fail-on", name, passed: false, reason: `${failing.length} finding${failing.length === 1 ? "" : "s"} at or above ${failOn}: ${list}${more}` };
}

/** Why a benchmark section is null: the inputs hold no result of that kind. */
const NO_BENCH: Record<string, string> = {
  "bench.serve": "the inputs hold no `vllm bench serve` / benchmark_serving.py result block or --save-result JSON",
  "bench.throughput": "the inputs hold no `vllm bench throughput` result",
  "bench.latency": "the inputs hold no `vllm bench latency` result",
  "bench.ncclTests": "the inputs hold no nccl-tests output: no all_reduce_perf-style table",
};

/** The deepest prefix of `path` that the report holds, and its value (`runtime` null for `runtime.preemptions`). */
function deepestPrefix(report: Report, path: string): { prefix: string; value: unknown } | null {
  const parts = path.split(".");
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = parts.slice(0, i).join(".");
    const { found, value } = readPath(report, prefix);
    if (found) return { prefix, value };
  }
  return null;
}

function judgeRequirement(report: Report, r: Requirement): GateRequirement {
  const base = { kind: "require", name: r.text };
  const read = readPath(report, r.path);
  let value = read.value;
  let detail: string | undefined;
  if (!read.found) {
    // parseGateSpec refuses a name the report cannot hold; one that is absent here is a fact the logs do not show
    // (a null section such as `runtime` without stats lines or `bench.serve` without a benchmark, or a benchmark
    // metric the output did not print): it reads as null
    const unknown = unknownReportPath(r.path);
    if (unknown) return { ...base, passed: false, reason: unknown };
    const at = deepestPrefix(report, r.path);
    detail = at && at.value === null ? NO_BENCH[at.prefix] : at ? `${at.prefix} does not show it` : undefined;
    value = null;
  }
  if ((value === null || value === undefined) && r.value !== null) {
    const why = report.facts.missing.find((m) => m.fact === r.path || r.path.startsWith(m.fact + "."));
    detail = why ? `${why.why}; ${why.howToGet}` : detail;
    return { ...base, passed: false, reason: `${r.path} is missing from the logs${detail ? ` (${detail})` : ""}` };
  }
  if (value !== null && typeof value === "object") {
    // a whole section against null (parseGateSpec lets only that through): does the log show it at all?
    if (r.value === null && (r.op === "==" || r.op === "!=")) {
      const ok = r.op === "!=";
      return { ...base, passed: ok, reason: `${r.path} is in the logs${ok ? "" : `, required ${r.op} null`}` };
    }
    return { ...base, passed: false, reason: `${r.path} is not a single value; name one of its fields` };
  }
  const ok = compare(value, r.op, r.value, r.written);
  // a version is named as written (`required >= 0.10`, not 0.1)
  const wanted = typeof value === "string" && typeof r.value === "number" ? r.written : formatValue(r.value);
  if (ok === undefined) return { ...base, passed: false, reason: `${r.path} is ${formatValue(value)}, which cannot be compared with ${wanted}` };
  return { ...base, passed: ok, reason: `${r.path} is ${formatValue(value)}${ok ? "" : `, required ${r.op} ${wanted}`}` };
}

/**
 * A requirement on a benchmark metric when the inputs hold several runs of that benchmark (a sweep of nccl-tests,
 * two `vllm bench serve` blocks in one CI log): every run is judged, and the requirement holds only when it holds
 * for each. `facts.bench.<kind>` is the first run's alone, so a slow second run used to pass unseen. null when
 * there is one run or none (judged as any fact).
 */
function judgeBenchRuns(report: Report, r: Requirement): GateRequirement | null {
  const m = /^(?:facts\.)?bench\.(serve|throughput|latency|ncclTests)\.(.+)$/.exec(r.path);
  if (!m) return null;
  const all = report.facts.bench.runs.filter((x) => x.kind === m[1]);
  // (a serve block's tail pasted from an earlier run yields to the whole blocks, as in facts.bench)
  const runs = all.some((x) => x.values.tailOnly !== true) ? all.filter((x) => x.values.tailOnly !== true) : all;
  if (runs.length < 2) return null;
  const judged = runs.map((run) => {
    const one: Report = { ...report, facts: { ...report.facts, bench: { ...report.facts.bench, [m[1]]: { ...run.values } } } };
    return { run, q: judgeRequirement(one, r) };
  });
  const where = (i: number) => `run ${i + 1} of ${runs.length} (${judged[i].run.file}:${judged[i].run.line})`;
  const failed = judged.map((j, i) => ({ ...j, i })).filter((j) => !j.q.passed);
  if (failed.length) return { kind: "require", name: r.text, passed: false, reason: failed.map((j) => `${where(j.i)}: ${j.q.reason}`).join("; ") };
  return { kind: "require", name: r.text, passed: true, reason: `in each of the ${runs.length} ${m[1]} runs: ${judged.map((j, i) => `${where(i)}: ${j.q.reason}`).join("; ")}` };
}

const kindList = (k: Record<string, number>) => Object.entries(k).map(([n, c]) => (c > 0 ? `${n} ×${c}` : `${n} (no connection lines; implied by the network NCCL chose)`)).join(", ");

/** `, between 2 node pairs: a ↔ b, c ↔ d`: the inter-node pairs whose connection lines use a kind `which` takes (the first three named) */
function pairsUsing(facts: Facts, which: (kind: string) => boolean): string {
  const pairs = (facts.nccl.nodePairs ?? []).filter((p) => p.scope === "inter" && Object.entries(p.kinds).some(([k, c]) => c > 0 && which(k)));
  if (!pairs.length) return "";
  const names = pairs.slice(0, 3).map((p) => `${p.a} ↔ ${p.b ?? "a node not in the log"}`);
  return `, between ${pairs.length} node pair${pairs.length === 1 ? "" : "s"}: ${names.join(", ")}${pairs.length > 3 ? ", …" : ""}`;
}

function judgeRequiredTransport(facts: Facts, kind: string): GateRequirement {
  const base = { kind: "require-transport", name: `require-transport ${kind}` };
  const kinds = interNodeKinds(facts);
  if (Object.keys(kinds).length === 0) return { ...base, passed: false, reason: "no inter-node NCCL connections in the logs (a multi-node run with NCCL_DEBUG=INFO shows them)" };
  const other = Object.fromEntries(Object.entries(kinds).filter(([k]) => !kindMatches(k, kind)));
  if (Object.keys(other).length) return { ...base, passed: false, reason: `inter-node connections use ${kindList(other)}, not only ${kind} (all: ${kindList(kinds)})${pairsUsing(facts, (k) => !kindMatches(k, kind))}` };
  return { ...base, passed: true, reason: `every inter-node connection uses ${kind} (${kindList(kinds)})` };
}

function judgeForbiddenTransport(facts: Facts, kind: string): GateRequirement {
  const base = { kind: "forbid-transport", name: `forbid-transport ${kind}` };
  const kinds = interNodeKinds(facts);
  if (Object.keys(kinds).length === 0) return { ...base, passed: true, reason: "no inter-node NCCL connections in the logs" };
  const bad = Object.fromEntries(Object.entries(kinds).filter(([k]) => kindMatches(k, kind)));
  if (Object.keys(bad).length) return { ...base, passed: false, reason: `inter-node connections use ${kindList(bad)}${pairsUsing(facts, (k) => kindMatches(k, kind))}` };
  return { ...base, passed: true, reason: `no inter-node connection uses ${kind} (${kindList(kinds)})` };
}
