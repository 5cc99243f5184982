import type { Event } from "../events/index.js";
import { benchDomain, type BenchState } from "./bench.js";
import { shiftInputs } from "./domain.js";
import { envDomain, type EnvState } from "./env.js";
import { errorsDomain, type ErrorsState } from "./errors.js";
import { ncclDomain, reduceRepeated, type NcclState } from "./nccl.js";
import type { Facts, InputInfo } from "./schema.js";
import { vllmDomain, type VllmState } from "./vllm.js";
import { reconcileCluster } from "./reconcile.js";
import { reduceSignalRepeat, signalsDomain, type Signals, type SignalsState } from "./signals.js";
import { finalizeRuntime, runtimeDomain, type RuntimeState } from "./runtime.js";
import { dialectsDomain, type DialectsState } from "./dialects.js";
import { tracebacksDomain, type TracebacksState } from "./tracebacks.js";
import { versionsDomain, type VersionsState } from "./versions.js";
import { mergeRecordMatches, type RecordMatches } from "../events/user-patterns.js";
import { finalizeTimeline, timelineDomain, type TimelineState } from "./timeline.js";

/** Everything an analysis knows before rules run; plain JSON, mergeable. */
export interface FactState {
  inputs: InputInfo[];
  vllm: VllmState;
  nccl: NcclState;
  errors: ErrorsState;
  bench: BenchState;
  /** per signature (grammars/signatures.ts): count, first and last lines — what rules read instead of raw lines */
  signals: SignalsState;
  env: EnvState;
  runtime: RuntimeState;
  /** absent in states written before it existed (merge of older reports) */
  dialects?: DialectsState;
  /** the first events of each host; absent in states written before it existed */
  timeline?: TimelineState;
  /** absent in states written before they existed */
  versions?: VersionsState;
  tracebacks?: TracebacksState;
  /** what the user rules' patterns matched (src/events/user-patterns.ts); absent when no user rule has one */
  userMatches?: RecordMatches;
}

export function initState(): FactState {
  return { inputs: [], vllm: vllmDomain.init(), nccl: ncclDomain.init(), errors: errorsDomain.init(), bench: benchDomain.init(), signals: signalsDomain.init(), env: envDomain.init(), runtime: runtimeDomain.init(), dialects: dialectsDomain.init(), timeline: timelineDomain.init(), versions: versionsDomain.init(), tracebacks: tracebacksDomain.init() };
}

export function reduceEvent(state: FactState, e: Event): void {
  const k = e.kind;
  if (k === "nccl.repeat") return reduceRepeat(state, e);
  if (k.startsWith("nccl.")) ncclDomain.reduce(state.nccl, e);
  else if (k.startsWith("vllm.")) vllmDomain.reduce(state.vllm, e);
  else if (k.startsWith("bench.")) benchDomain.reduce(state.bench, e);
  else if (k.startsWith("runtime.")) {
    runtimeDomain.reduce(state.runtime, e);
    return;
  }
  if (k === "signal" || k === "nccl.init") signalsDomain.reduce(state.signals, e);
  if (k === "signal" || k === "vllm.message") versionsDomain.reduce((state.versions ??= versionsDomain.init()), e);
  if (k === "traceback" || k === "error") tracebacksDomain.reduce((state.tracebacks ??= tracebacksDomain.init()), e);
  // a traceback through a benchmark script: the benchmark stopped (facts.bench.aborted)
  if (k === "traceback") benchDomain.reduce(state.bench, e);
  // the numbers of a CUDA out-of-memory error are memory facts
  if (k === "signal" && e.id === "vllm.cudaOom") vllmDomain.reduce(state.vllm, e);
  if (k === "env.var" || k === "nccl.env") envDomain.reduce(state.env, e);
  // every event may also matter to more than one domain: errors read error/warning lines of all dialects
  errorsDomain.reduce(state.errors, e);
  dialectsDomain.reduce((state.dialects ??= dialectsDomain.init()), e);
  timelineDomain.reduce((state.timeline ??= timelineDomain.init()), e);
  if (k === "error" || k === "warning" || k === "traceback") {
    ncclDomain.reduce(state.nccl, e);
    vllmDomain.reduce(state.vllm, e);
  }
}

/**
 * `e.n` lines alike (see NcclRepeatEvent), as reading each would: the NCCL and env domains count every one (their caps
 * count what they drop per line); for the others a line like one read before changes nothing but where the last NCCL
 * line stands (the timeline's last host).
 */
function reduceRepeat(state: FactState, e: Extract<Event, { kind: "nccl.repeat" }>): void {
  // `e.of` stands where the first line of its text did, before these: for what keeps the first of something it changes
  // nothing, and a connection's samples are all kept already
  const of = e.of;
  reduceRepeated(state.nccl, of, e.comm, e.n);
  if (e.signal) reduceSignalRepeat((state.signals ??= signalsDomain.init()), e.signal, e.n, e.last);
  if (of.kind === "nccl.env") for (let i = 0; i < e.n; i++) envDomain.reduce(state.env, of);
  // a failure NCCL went on after is recovered by the first of these lines after it (none was, before the first line)
  if (state.errors.tentative?.length) errorsDomain.reduce(state.errors, { ...of, ev: e.ev });
  // (the dialects domain has nothing to do with an NCCL line after the first; the timeline keeps the last NCCL line's
  // host: the last of these, unless a fold flushed with it holds a later one)
  const timeline = (state.timeline ??= timelineDomain.init());
  const last = timeline.lastHost;
  if (!last) timeline.lastHost = { input: e.input, line: e.last, host: of.host! };
  else if (last.input !== e.input || last.line < e.last) {
    last.input = e.input;
    last.line = e.last;
    last.host = of.host!;
  }
}

/** Combines the states of two analyses; b's inputs are numbered after a's. */
export function mergeStates(a: FactState, b: FactState): FactState {
  const shifted = shiftInputs(b, a.inputs.length);
  const merged: FactState = {
    inputs: [...a.inputs, ...shifted.inputs],
    vllm: vllmDomain.merge(a.vllm, shifted.vllm),
    nccl: ncclDomain.merge(a.nccl, shifted.nccl),
    errors: errorsDomain.merge(a.errors, shifted.errors),
    bench: benchDomain.merge(a.bench, shifted.bench),
    signals: signalsDomain.merge(a.signals ?? signalsDomain.init(), shifted.signals ?? signalsDomain.init()),
    // a state from a report written before facts.env has none
    env: envDomain.merge(a.env ?? envDomain.init(), shifted.env ?? envDomain.init()),
    // a report written before facts.runtime existed has none
    runtime: runtimeDomain.merge(a.runtime ?? runtimeDomain.init(), shifted.runtime ?? runtimeDomain.init()),
    dialects: dialectsDomain.merge(a.dialects ?? dialectsDomain.init(), shifted.dialects ?? dialectsDomain.init()),
    timeline: timelineDomain.merge(a.timeline ?? timelineDomain.init(), shifted.timeline ?? timelineDomain.init()),
    versions: versionsDomain.merge(a.versions ?? versionsDomain.init(), shifted.versions ?? versionsDomain.init()),
    tracebacks: tracebacksDomain.merge(a.tracebacks ?? tracebacksDomain.init(), shifted.tracebacks ?? tracebacksDomain.init()),
  };
  const userMatches = mergeRecordMatches(a.userMatches, shifted.userMatches);
  return userMatches ? { ...merged, userMatches } : merged;
}

export function finalizeFacts(state: FactState): Facts {
  const v = vllmDomain.finalize(state.vllm);
  const n = ncclDomain.finalize(state.nccl);
  const e = errorsDomain.finalize(state.errors);
  const b = benchDomain.finalize(state.bench);
  const env = envDomain.finalize(state.env ?? envDomain.init());
  const r = finalizeRuntime(state.runtime ?? runtimeDomain.init(), v.facts.vllm.version);
  const d = dialectsDomain.finalize(state.dialects ?? dialectsDomain.init());
  const versions = versionsDomain.finalize(state.versions ?? versionsDomain.init());
  const tracebacks = tracebacksDomain.finalize(state.tracebacks ?? tracebacksDomain.init());
  const facts = reconcileCluster({
    ...v.facts,
    nccl: n.facts,
    bench: b.facts,
    runtime: r.facts,
    firstError: e.facts.firstError,
    recovered: e.facts.recovered,
    dialects: d.facts.map((x) => ({ ...x, label: dialectLabel(x.name, x.detail, v.facts.vllm, n.facts.version) })),
    firstWarning: e.facts.firstWarning,
    env: env.facts,
    versions: versions.facts,
    tracebacks: tracebacks.facts,
    sources: { ...v.sources, ...n.sources, ...e.sources, ...b.sources, ...env.sources, ...r.sources },
    missing: [...v.missing, ...n.missing, ...e.missing, ...b.missing, ...r.missing],
  });
  facts.timeline = finalizeTimeline(state.timeline, facts.nccl);
  return facts;
}

/** The signals of a finished state, for the rules. */
export function finalizeSignals(state: FactState): Signals {
  return signalsDomain.finalize(state.signals ?? signalsDomain.init()).facts;
}

const DIALECT_NAMES: Record<string, string> = { vllm: "vLLM", sglang: "SGLang", pytorch: "PyTorch", nccl: "NCCL", "nccl-tests": "nccl-tests", ray: "Ray", "vllm-bench": "vLLM benchmark" };

/** How the report names a program: with the version and engine the log showed. */
function dialectLabel(name: string, detail: string | undefined, vllm: Facts["vllm"], ncclVersion: string | null): string {
  const base = DIALECT_NAMES[name] ?? name;
  if (name === "vllm") return `${base}${vllm.version ? ` ${vllm.version}` : ""}${vllm.engine ? ` (${vllm.engine.toUpperCase()} engine)` : ""}`;
  if (name === "nccl") return `${base}${ncclVersion ? ` ${ncclVersion}` : ""}`;
  if (name === "pytorch" && detail === "torchrun") return "PyTorch (torchrun)";
  return base;
}
