import type { Event } from "../events/index.js";
import type { NcclFoldedEvent, NcclInitEvent, NcclVersionEvent } from "../events/nccl.js";
import type { SignalEvent } from "../events/common.js";
import { benchDomain, type BenchState } from "./bench.js";
import { shiftInputs } from "./domain.js";
import { envDomain, type EnvState } from "./env.js";
import { errorsDomain, type ErrorsState } from "./errors.js";
import { ncclDomain, reduceInitAgainLine, reduceRepeated, type NcclState } from "./nccl.js";
import type { Facts, InputInfo } from "./schema.js";
import { vllmDomain, type VllmState } from "./vllm.js";
import { reconcileCluster } from "./reconcile.js";
import { SIGNAL_SAMPLES, reduceSignalRepeat, signalsDomain, type Signals, type SignalsState } from "./signals.js";
import { finalizeRuntime, runtimeDomain, type RuntimeState } from "./runtime.js";
import { dialectsDomain, type DialectsState } from "./dialects.js";
import { tracebacksDomain, type TracebacksState } from "./tracebacks.js";
import { versionKeptBefore, versionsDomain, type VersionsState } from "./versions.js";
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
  if (k === "signal" || k === "nccl.init" || (k === "nccl.warn" && e.cutCopyLine !== undefined)) signalsDomain.reduce(state.signals, e);
  if (k === "signal" || k === "vllm.message") versionsDomain.reduce((state.versions ??= versionsDomain.init()), e);
  if (k === "traceback" || k === "error") tracebacksDomain.reduce((state.tracebacks ??= tracebacksDomain.init()), e);
  // a traceback through a benchmark script: the benchmark stopped (facts.bench.aborted)
  if (k === "traceback") benchDomain.reduce(state.bench, e);
  // an nccl-tests device line names the GPU (gpu.name, below any census of the GPUs)
  if (k === "bench.ncclTestsDevice") vllmDomain.reduce(state.vllm, e);
  // the numbers of a CUDA out-of-memory error are memory facts
  if (k === "signal" && (e.id === "vllm.cudaOom" || e.id === "vllm.rocrFault" || e.id === "vllm.rocblasFatal")) vllmDomain.reduce(state.vllm, e);
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
  reduceRepeatLines(state, e.of, e.comm, e.n, e.ev.line, e.last, e.ev.text, e.signal);
}

/**
 * What the `nccl.repeat` event of `n` folded lines (`{ ev: { file: of.ev.file, line: first, text }, origin: of.origin,
 * input: of.input, of, comm, n, last, signal }`) does to a state, with no event made: the fast path hands a set-up log's
 * folded lines over so (src/events/read-nccl.ts `flushFolds`, a "repeat sink"), some two million runs on 400 MB.
 */
export function reduceRepeatLines(state: FactState, of: NcclFoldedEvent, comm: string | null, n: number, first: number, last: number, text: string, signal?: SignalEvent): void {
  // `of` stands where the first line of its text did, before these: for what keeps the first of something it changes
  // nothing, and a connection's samples are all kept already
  reduceRepeated(state.nccl, of, comm, n);
  if (signal) reduceSignalRepeat((state.signals ??= signalsDomain.init()), signal, n, last);
  if (of.kind === "nccl.env") for (let i = 0; i < n; i++) envDomain.reduce(state.env, of);
  // a failure NCCL went on after is recovered by the first of these lines after it (none was, before the first line)
  if (state.errors.tentative?.length) errorsDomain.reduce(state.errors, { ...of, ev: { file: of.ev.file, line: first, text } });
  // (the dialects domain has nothing to do with an NCCL line after the first; the timeline keeps the last NCCL line's
  // host: the last of these, unless a fold flushed with it holds a later one)
  const timeline = (state.timeline ??= timelineDomain.init());
  const lastHost = timeline.lastHost;
  if (!lastHost) timeline.lastHost = { input: of.input, line: last, host: of.host! };
  else if (lastHost.input < of.input || (lastHost.input === of.input && lastHost.line < last)) {
    lastHost.input = of.input;
    lastHost.line = last;
    lastHost.host = of.host!;
  }
}

/**
 * An Init line the fast path read from the bytes (src/events/read-nccl.ts `takeInit`): reduced as reduceEvent reduces
 * its event, the one of the line it was learnt from, `like`, but for communicator, commId and line (`{ ...like, ev: {
 * file: like.ev.file, line, text }, comm, commId }`), with none of the domains that would make nothing of it asked: done
 * (true) when only the NCCL facts, the signals' last COMPLETE line and the timeline's last host would change, the first
 * NCCL line and its host's first Init line being earlier, and no failure waiting for a line that shows NCCL went on;
 * otherwise nothing is done (false) and the caller reduces the event. A set-up log has some 600,000 on 400 MB.
 */
export function reduceInitAgain(state: FactState, like: NcclInitEvent, comm: string, commId: string | null, line: number, text: string): boolean {
  const host = like.host;
  const input = like.input;
  const dialects = state.dialects;
  const known = dialects?.first.nccl;
  const firsts = host ? state.timeline?.byHost[host] : undefined;
  const init = firsts?.ncclInit;
  if (
    !host ||
    state.errors.tentative?.length ||
    !dialects!.ncclInfo ||
    !known ||
    !(known.input < input || (known.input === input && known.line <= line)) ||
    !init ||
    input < init.input ||
    (input === init.input && line < init.line)
  )
    return false;
  reduceInitAgainLine(state.nccl, like, comm, commId, line, text);
  if (like.phase === "COMPLETE") state.signals.completeAt[input] = Math.max(state.signals.completeAt[input] ?? 0, line);
  // (only forward, as the timeline's own reduce: see there)
  const last = state.timeline!.lastHost;
  if (!last) state.timeline!.lastHost = { input, line, host };
  else if (last.input < input || (last.input === input && last.line <= line)) {
    last.input = input;
    last.line = line;
    last.host = host;
  }
  return true;
}

/**
 * NCCL's banner alone on a line, folded by the fast path (src/events/read-nccl.ts `noteAgain`): its signal and version
 * event, `sig` and `version`, made again at `line` (a later line of their input), reduced as reduceEvent reduces them,
 * with none of the domains that would make nothing of them asked: done (true) when only the signal's count and last
 * line would change (its first lines kept, the version kept by the NCCL and versions facts and the first NCCL line from
 * earlier lines, no failure waiting for a line that shows NCCL went on); otherwise nothing is done (false) and the
 * caller reduces the events. (No host, rank or `NCCL INFO`: the timeline and dialects take nothing of them.)
 */
export function reduceBannerAgain(state: FactState, sig: SignalEvent, version: NcclVersionEvent, line: number): boolean {
  const st = state.signals.byId[sig.id];
  const lastFirst = st?.first[st.first.length - 1];
  const input = version.input;
  const known = state.dialects?.first.nccl;
  if (
    state.errors.tentative?.length ||
    sig.soft || sig.rank !== null || sig.input !== input || version.host !== null || version.pid !== null || version.ev.text.includes("NCCL INFO") ||
    !st || st.first.length < SIGNAL_SAMPLES || !(lastFirst!.input < input || (lastFirst!.input === input && lastFirst!.line < line)) ||
    !known || !(known.input < input || (known.input === input && known.line < line)) ||
    !state.nccl.versions.some((v) => v.version === version.version && v.source === version.source && v.host === null && v.pid === null) ||
    !versionKeptBefore((state.versions ??= versionsDomain.init()), sig, line)
  )
    return false;
  reduceSignalRepeat(state.signals, sig, 1, line);
  return true;
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
    dialects: d.facts.map((x) => ({ ...x, label: dialectLabel(x.name, x.detail, v.facts.vllm, n.facts.version, x.library) })),
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

const DIALECT_NAMES: Record<string, string> = { vllm: "vLLM", sglang: "SGLang", tgi: "TGI", trtllm: "TensorRT-LLM", lmdeploy: "LMDeploy", pytorch: "PyTorch", nccl: "NCCL", "nccl-tests": "nccl-tests", ray: "Ray", "vllm-bench": "vLLM benchmark" };

/** How the report names a program: with the version and engine the log showed. */
function dialectLabel(name: string, detail: string | undefined, vllm: Facts["vllm"], ncclVersion: string | null, library?: string): string {
  const base = (name === "nccl" ? library : undefined) ?? DIALECT_NAMES[name] ?? name;
  if (name === "vllm") return `${base}${vllm.version ? ` ${vllm.version}` : ""}${vllm.engine ? ` (${vllm.engine.toUpperCase()} engine)` : ""}`;
  if (name === "nccl") return `${base}${ncclVersion ? ` ${ncclVersion}` : ""}`;
  if (name === "pytorch" && detail === "torchrun") return "PyTorch (torchrun)";
  return base;
}
