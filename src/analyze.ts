import { createDispatcher } from "./classify.js";
import type { Event } from "./events/index.js";
import { formatNumber } from "./util/number-format.js";
import { DEFAULT_LIMITS, InputError, resolveInputs, type InputLimits, type InputSource } from "./input/sources.js";
import { SPLIT_DEFAULTS } from "./input/split-point.js";
import type { Readable } from "node:stream";
import { readPlanned, type SplitOptions } from "./parallel/read-plan.js";
import { DEFAULT_MAX_LINE_CHARS } from "./input/lines.js";
import { readLineLoop, readLinesAt } from "./input/line-loop.js";
import { toRecord } from "./records/peel.js";
import { splitPhysicalLine } from "./records/split.js";
import { finalizeFacts, initState, mergeStates, reduceEvent, reduceBannerAgain, reduceInitAgain, reduceRepeatLines, type FactState } from "./facts/state.js";
import type { Facts, Report } from "./facts/schema.js";
import { SCHEMA_VERSION } from "./facts/schema-version.js";
import { runRules, type RulesConfig } from "./rules/engine.js";
import { verdictOf } from "./rules/verdict.js";
import { groupRuns, type RunPart } from "./runs.js";
import { MIXED_RUNS_LEAD, factsByRun, factsByRunText, runsInOneInput, runsInOneInputText } from "./facts/vllm.js";
import { createUserPatternMatcher } from "./events/user-patterns.js";
import { createLinePrefilter } from "./rules/line-prefilter.js";
import { debug, debugging } from "./util/debug.js";
import { MAX_NESTING, tooDeepCount } from "../grammars/chevrotain.js";
import { collectOver, heapKeeper } from "./util/heap.js";
import { TOOL_VERSION } from "./version.js";

export interface AnalyzeOptions {
  limits?: Partial<InputLimits>;
  maxLineChars?: number;
  /**
   * at most this many events of one kind are kept (the rest are counted; default EVENTS_KEPT.sample): for `--events`
   * reports and the JSON report's state; rules never see them
   */
  maxEventsPerKind?: number;
  rules?: RulesConfig;
  /** sees every record before the readers; must be cheap and keep bounded state (no line is only counted then) */
  onRecord?: (rec: import("./model.js").LogRecord) => void;
  /**
   * sees every record that one of `patterns` may match (the user rules' regexes): lines that none may match can
   * still be only counted (see src/rules/line-prefilter.ts); read on this thread
   */
  recordPatterns?: { patterns: readonly RegExp[]; onRecord: (rec: import("./model.js").LogRecord) => void };
  onBytes?: (n: number) => void;
  /** called after each batch of lines with the state so far (for `--follow`); must not keep or mutate them */
  onBatch?: (state: FactState, events: readonly Event[]) => void;
  stdin?: NodeJS.ReadableStream;
  /** read up to this many files at once on worker threads (1: all on this thread) */
  jobs?: number;
  /** false: every line goes through records and readers (the counting fast path is off; for tests) */
  fastPath?: boolean;
  /** how a big file is read on two threads when `jobs` ≥ 2 (the defaults suit; tests change them) */
  split?: SplitOptions;
  /** read every input as one run even when they look like different runs (the report then has no `runs`) */
  oneRun?: boolean;
  /**
   * the process is the command's own: full garbage collections during a long read and before the report keep its
   * peak memory down. Off for a library caller, whose process (and heap, which a full collection walks whole) is not
   * ours: forced there, each call cost a collection of the caller's heap.
   */
  collectGarbage?: boolean;
}

const whereAt = (name: string, at: number | "end") => (at === "end" ? `${name}: end` : `${name}:${at}`);

export interface Analysis {
  report: Report;
  state: FactState;
  events: Event[];
}

/**
 * Events kept of one kind per input: a sample (the JSON report's state carries it for `merge`), or, for `--events`,
 * more. The set-up lines of a kind the store keeps no more of are folded by the fast path: until then each is read the
 * ordinary way and kept, and kept events go out in the JSON report (2,000 of a kind: ~35% of the time of a log of
 * communicator after communicator, and half its report).
 */
export const EVENTS_KEPT = { sample: 100, asked: 2000 } as const;

/** Events kept per input, bounded per kind so a gigabyte log keeps a small list. */
export class EventStore {
  readonly events: Event[] = [];
  private readonly perKind = new Map<string, number>();
  dropped = 0;
  constructor(private readonly maxPerKind: number) {}
  add(e: Event): void {
    // the running server's per-line events (stats, request, HTTP lines) are folded into facts.runtime and not kept:
    // rules read the facts, and a server log has millions of them
    if (e.kind.charCodeAt(0) === 114 /* r */ && e.kind.startsWith("runtime.")) return;
    // lines the fast path folded: only once this store keeps no more of their kind (src/events/nccl.ts)
    if (e.kind === "nccl.repeat") return;
    const n = this.perKind.get(e.kind) ?? 0;
    if (n >= this.maxPerKind) {
      this.dropped++;
      return;
    }
    this.perKind.set(e.kind, n + 1);
    this.events.push(e);
  }
  /** it keeps no more events of this kind */
  full(kind: string): boolean {
    return (this.perKind.get(kind) ?? 0) >= this.maxPerKind;
  }
  /** an event it would not keep (see `full`) was not offered: counted as add counts it */
  drop(): true {
    this.dropped++;
    return true;
  }
}

/** Reads one input into a fact state and its kept events. */
export async function analyzeSource(source: InputSource, inputIndex: number, opts: AnalyzeOptions = {}): Promise<{ state: FactState; events: Event[] }> {
  const state = initState();
  const userMatcher = createUserPatternMatcher(opts.rules?.userRules);
  if (userMatcher) {
    // the user rules only need the records their patterns may match, when that can be told from a chunk at once
    const seeAll = opts.onRecord;
    opts = createLinePrefilter(userMatcher.patterns)
      ? { ...opts, recordPatterns: { patterns: userMatcher.patterns, onRecord: userMatcher.onRecord } }
      : { ...opts, onRecord: seeAll ? (rec) => (seeAll(rec), userMatcher.onRecord(rec)) : userMatcher.onRecord };
  }
  const keptPerKind = opts.maxEventsPerKind ?? EVENTS_KEPT.sample;
  const store = new EventStore(keptPerKind);
  const emit = (e: Event) => {
    reduceEvent(state, e);
    store.add(e);
  };
  // (the lines the fast path folds reduce the state with no event made: the store keeps no `nccl.repeat`; nor an Init
  // line read from the bytes once it keeps no more of its kind)
  const dispatcher = createDispatcher({
    keptPerKind,
    repeat: (of, comm, n, first, last, text, signal) => reduceRepeatLines(state, of, comm, n, first, last, text, signal),
    init: (like, comm, commId, line, text) => store.full(like.kind) && reduceInitAgain(state, like, comm, commId, line, text) && store.drop(),
    again: ([sig, version], line) =>
      sig.kind === "signal" && version.kind === "nccl.version" && store.full(sig.kind) && store.full(version.kind) && reduceBannerAgain(state, sig, version, line) && store.drop() && store.drop(),
    // (folded lines reduce to counts, the latest line and host but for a failure that waits for a line to show NCCL went
    // on, which the first of them after it recovers: none waits, and none can start to until a line is read the ordinary way)
    anyOrder: () => !state.errors.tentative?.length,
  });
  let lines = 0;
  let bytes = 0;
  let cutLines = 0;
  let unparsedLines = 0;
  /**
   * runs a reader step on `arg` (at line `at`, or at the end); a text too deep for a grammar, or a reader failing on
   * a record, costs only that record (no closure or text made per record: this runs on every line read the ordinary way)
   */
  const guarded = <T>(step: (arg: T) => void, arg: T, at: number | "end") => {
    const deep = tooDeepCount();
    try {
      step(arg);
    } catch (e) {
      if (e instanceof InputError) throw e;
      debug("unparsed", `${whereAt(source.name, at)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      unparsedLines++;
      return;
    }
    const more = tooDeepCount() - deep;
    if (more > 0) {
      debug("unparsed", `${whereAt(source.name, at)}: nested deeper than ${MAX_NESTING} levels`);
      unparsedLines += more;
    }
  };
  const dispatchRecord = (rec: import("./model.js").LogRecord) => dispatcher.dispatch(rec, emit);
  let ordinary = 0;
  let ordinaryChars = 0;
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  let error: string | undefined;
  const notices: string[] = [];
  const notice = (m: string) => {
    if (!notices.includes(m)) notices.push(m);
  };
  try {
    const maxChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    const countCut = () => cutLines++;
    // (VLLM_DOCTOR_DEBUG=ordinary: which lines the fast path left to the ordinary way, to find the next to make fast)
    const showOrdinary = debugging("ordinary");
    const readRecords = (raw: string, lineNo: number) => {
      if (showOrdinary) debug("ordinary", `${lineNo}: ${raw}`);
      ordinary++;
      ordinaryChars += raw.length;
      if (raw.length === 0) return;
      const pieces = splitPhysicalLine(raw);
      for (const piece of pieces) {
        const rec = toRecord(source.name, inputIndex, lineNo, pieces.length === 1 ? raw : piece);
        opts.onRecord?.(rec);
        opts.recordPatterns?.onRecord(rec);
        // a record the grammars cannot read (nested too deep for them, or a reader's own failure) is read as
        // text: counted, seen by user rules, and named in a notice; it never costs the rest of the report
        guarded(dispatchRecord, rec, lineNo);
      }
    };
    // lines that only count (collective, proxy and TRACE chatter) never become records; a user rule sees every record
    const fast = opts.onRecord || opts.fastPath === false ? undefined : dispatcher.fast;
    const prefilter = fast && opts.recordPatterns ? createLinePrefilter(opts.recordPatterns.patterns) : null;
    const keepHeap = opts.collectGarbage ? heapKeeper(undefined, undefined, undefined, 1.75) : () => {};
    const onBytes = (n: number) => {
      bytes += n;
      opts.onBytes?.(n);
    };
    const readStream = async (stream: Readable | AsyncIterable<Uint8Array>, firstLine: number, sniff: boolean, skipUntil: number): Promise<number> => {
      const { next } = await readLineLoop(stream, {
        maxLineChars: maxChars, onBytes, sniff, firstLine, skipUntil, counter: fast, prefilter, onLine: readRecords, onCut: countCut,
        onChunk: (nextLine) => {
          // (what was read the ordinary way makes most garbage, lines the fast path folds into events some: a read it
          // only counts asks for the RSS every 4 MB, and never holds 128 MB)
          keepHeap(ordinaryChars + dispatcher.madeChars() + bytes / 16);
          // (what --follow reports after each chunk holds the lines folded in it)
          if (opts.onBatch) dispatcher.flush(emit);
          lines = nextLine - 1;
          opts.onBatch?.(state, store.events);
        },
      });
      return next;
    };
    // (a second thread would count lines the user rules' patterns are to see, or that --follow wants as they come)
    const splittable = !!fast && !opts.onBatch && !opts.recordPatterns;
    lines = await readPlanned(source, { jobs: opts.jobs, split: opts.split, limits, maxLineChars: maxChars, splittable, notice }, {
      readStream, readLines: (texts, lineNos, from, to) => readLinesAt(texts, lineNos, from, to, { maxLineChars: maxChars, counter: fast, onLine: readRecords }), absorb: dispatcher.absorb, countedBehind: dispatcher.countedBehind, onBytes, cut: (n) => (cutLines += n),
    });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    error = e.message;
  }
  guarded((e: typeof emit) => dispatcher.end(e, lines), emit, "end");
  if (userMatcher) state.userMatches = userMatcher.results();
  debug("fast", `${source.name}: ${ordinary} of ${lines} lines read the ordinary way on this thread`);
  state.inputs.push({ path: source.name, lines, bytes: source.size ?? bytes, ...(error ? { error } : {}), ...(cutLines ? { cutLines } : {}), ...(unparsedLines ? { unparsedLines } : {}), ...(notices.length ? { notices } : {}) });
  return { state, events: store.events };
}

/**
 * Reads whole lines of one input through the same records, readers and fact domains as analyzeSource, on this
 * thread and synchronously (no chunking, no fast path): for tests and tools that hold the lines already.
 */
export function analyzeLines(lines: readonly string[], file = "t.log"): { state: FactState; events: Event[] } {
  const state = initState();
  const events: Event[] = [];
  const emit = (e: Event) => {
    reduceEvent(state, e);
    events.push(e);
  };
  const dispatcher = createDispatcher();
  lines.forEach((raw, i) => {
    if (raw.length === 0) return;
    const pieces = splitPhysicalLine(raw);
    for (const piece of pieces) dispatcher.dispatch(toRecord(file, 0, i + 1, pieces.length === 1 ? raw : piece), emit);
  });
  dispatcher.end(emit, lines.length);
  state.inputs.push({ path: file, lines: lines.length, bytes: lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) });
  return { state, events };
}


export { SPLIT_DEFAULTS };
export type { SplitOptions };

export interface InputFailure {
  path: string;
  message: string;
}

/** Analyzes inputs (paths, directories, `-`) into one report. Failed inputs are named in the report. */
export async function analyze(operands: string[], opts: AnalyzeOptions = {}): Promise<Analysis & { failures: InputFailure[] }> {
  const { sources, failures, notices, found } = await resolveInputs(operands, (opts.stdin ?? process.stdin) as never);
  const events: Event[] = [];
  // merged like a binary counter (two parts of equal weight at a time): merging each part into the total
  // would copy the total's input list every time, quadratic in the number of files
  const stack: { state: FactState; weight: number }[] = [];
  const parts: RunPart[] = [];
  const add = (i: number, part: { state: FactState; events: Event[] }) => {
    parts.push(part);
    const said = notices.get(i);
    if (said) for (const inp of part.state.inputs) inp.notices = [...(inp.notices ?? []), ...said];
    let top = { state: part.state, weight: 1 };
    while (stack.length && stack[stack.length - 1].weight === top.weight) {
      const left = stack.pop()!;
      top = { state: mergeStates(left.state, top.state), weight: left.weight * 2 };
    }
    stack.push(top);
    for (const e of part.events) events.push(i === 0 ? e : { ...e, input: i, ev: e.ev });
  };
  // a user rule sees every record, which only this thread can give it: with one, everything is read here
  if ((opts.jobs ?? 1) > 1 && sources.length > 1 && !opts.onRecord && !opts.recordPatterns && !opts.rules?.userRules?.some((r) => r.pattern)) {
    const { analyzeInWorkers } = await import("./parallel/pool.js");
    const parts = await analyzeInWorkers(sources, opts);
    parts.forEach((p, i) => add(i, p));
  } else {
    for (let i = 0; i < sources.length; i++) add(i, await analyzeSource(sources[i], 0, opts));
  }
  // the rest from the smallest part up: each step copies a part and what was merged after it, 2n in all
  let state = stack.length ? stack[stack.length - 1].state : initState();
  for (let k = stack.length - 2; k >= 0; k--) state = mergeStates(stack[k].state, state);
  // a report of this tool that a folder or glob brought in (an earlier `-o logs/report.json`) is no log: left out
  // with a notice when there are logs beside it; named by the user, or alone, it stays an input error
  const readSome = state.inputs.some((i) => !i.error);
  for (const inp of state.inputs) {
    if (!readSome || !inp.error || !found.has(inp.path) || !OWN_REPORT.test(inp.error)) continue;
    inp.notices = [...(inp.notices ?? []), `${inp.path}: left out: ${inp.error}`];
    delete inp.error;
  }
  for (const inp of state.inputs) if (inp.error) failures.push({ path: inp.path, message: inp.error });
  for (const f of failures) if (!state.inputs.some((i) => i.path === f.path)) state.inputs.push({ path: f.path, lines: 0, bytes: 0, error: f.message });
  const rules = opts.rules;
  // (what reading left behind goes before the report is built: a big set-up log's heap is mostly garbage by now)
  if (opts.collectGarbage) collectOver();
  const report = buildReport(state, rules);
  if (!opts.oneRun) addRuns(report, parts, rules);
  return { report, state, events, failures };
}

/** The input error of a report of this tool given as a log (src/input/decode.ts). */
const OWN_REPORT = /^a vllm-doctor \S+ report, not a log /;

/** Inputs that look like different runs (see ./runs.ts): each run's own report in `runs`, and their verdict. */
function addRuns(report: Report, parts: readonly RunPart[], rules: RulesConfig | undefined): void {
  const groups = parts.length < 2 ? [] : groupRuns(parts);
  if (groups.length < 2) return;
  const runs = groups.map((g) => {
    let st = initState();
    for (const m of g.members) st = mergeStates(st, parts[m].state);
    const r = buildReport(st, rules);
    return { inputs: r.inputs.map((i) => i.path), why: g.why, verdict: r.verdict ?? "", facts: r.facts, findings: r.findings, summary: r.summary };
  });
  report.runs = runs;
  report.verdict = runsVerdict(runs, groups.map((g) => g.kind));
}

/** The verdict of inputs read as several runs: how many, why apart, and each run's own verdict. */
function runsVerdict(runs: NonNullable<Report["runs"]>, kinds: string[]): string {
  const BECAUSE: Record<string, string> = {
    model: "they serve different models",
    layout: "they use different parallel layouts",
    comm: "their NCCL communicators share no commId",
    day: "they started on different days",
    ambiguous: "some inputs fit more than one run",
    unmatched: "some inputs show nothing to match them to a run",
  };
  const because = [...new Set(kinds.filter((k) => BECAUSE[k]).map((k) => BECAUSE[k]))];
  const each = runs.map((r, i) => {
    const lead = r.findings.find((f) => f.severity === "error") ?? r.findings.find((f) => f.severity === "warning");
    const state = !lead ? "healthy" : lead.severity === "error" ? `failed (${lead.ruleId})` : `works, with a warning (${lead.ruleId})`;
    const names = r.inputs.length > 2 ? `${r.inputs[0]} and ${r.inputs.length - 1} more` : r.inputs.join(", ");
    return `run ${i + 1} (${names}) ${state}`;
  });
  return `${runs.length} separate runs, each reported on its own because ${because.join("; ")}: ${each.join("; ")}. --one-run reads them as one.`;
}

/** Facts, findings and summary from a finished state. */
export function buildReport(state: FactState, rules?: RulesConfig): Report {
  const facts = finalizeFacts(state);
  const findings = runRules(facts, state, rules);
  const summary = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) {
    if (f.severity === "error") summary.errors++;
    else if (f.severity === "warning") summary.warnings++;
    else summary.infos++;
  }
  const byRun = runsByInput(state, facts);
  // (the notice of an input holding several runs says which run the headline facts are from)
  const notices = noticesOf(state).map((n) => {
    const r = runsInOneInput(state.vllm, state.inputs).find((x) => runsInOneInputText(x) === n);
    return r ? n + factsByRunText(byRun.get(r.path) ?? [], facts.runtime !== null) : n;
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "vllm-doctor", version: TOOL_VERSION },
    inputs: state.inputs.map(({ path, lines, bytes, error, cutLines, unparsedLines, notices }) => ({ path, lines, bytes, ...(error ? { error } : {}), ...(cutLines ? { cutLines } : {}), ...(unparsedLines ? { unparsedLines } : {}), ...(notices?.length ? { notices } : {}), ...(byRun.has(path) ? { runs: byRun.get(path) } : {}) })),
    facts,
    verdict: mixedRunsLead(state) + verdictOf(facts, findings, state.inputs),
    findings,
    summary,
    ...(notices.length ? { notices } : {}),
  };
}

/** Per input that holds several runs: each run's start and the facts read from it. */
function runsByInput(state: FactState, facts: Facts): Map<string, { line: number; config: string; facts: string[] }[]> {
  const out = new Map<string, { line: number; config: string; facts: string[] }[]>();
  for (const r of runsInOneInput(state.vllm, state.inputs)) out.set(r.path, factsByRun(r, facts.sources, facts.firstError));
  return out;
}

/** The verdict's warning, first, when an input holds engine starts of different configurations: what follows mixes runs. */
function mixedRunsLead(state: FactState): string {
  const mixed = runsInOneInput(state.vllm, state.inputs);
  if (!mixed.length) return "";
  const each = mixed.map((r) => `${r.path} holds ${r.starts.length} runs (engine starts of different configurations at lines ${r.starts.map((x) => x.line).join(", ")})`);
  return `${MIXED_RUNS_LEAD}${each.join("; ")}, so the facts below mix them; split the file to read each run. `;
}

/** A fact domain that stops collecting distinct values past a limit records it here: what -> limit and how many more it saw. */
export type CapRecord = Record<string, { limit: number; dropped: number }>;

/** How a notice names a capped collection (the state's own key otherwise: hosts, ranks). */
const CAPPED_NAMES: Record<string, string> = { procs: "processes", activity: "activity counters (process and communicator)", matrix: "rank pairs" };

/** What the reader of a report must know about how it was read: cut lines, capped collections. */
export function noticesOf(state: FactState): string[] {
  const out: string[] = [];
  for (const inp of state.inputs) {
    for (const n of inp.notices ?? []) if (!out.includes(n)) out.push(n);
    if (inp.cutLines) out.push(`${inp.path}: ${inp.cutLines} line${inp.cutLines === 1 ? " was" : "s were"} longer than the parsing limit and cut; only the start of each was read`);
    if (inp.unparsedLines) {
      const n = inp.unparsedLines;
      out.push(`${inp.path}: ${n} line${n === 1 ? " was" : "s were"} not parsed (nested deeper than ${MAX_NESTING} brackets, or a reader failed; VLLM_DOCTOR_DEBUG=unparsed says which) and read as plain text`);
    }
  }
  for (const r of runsInOneInput(state.vllm, state.inputs)) out.push(runsInOneInputText(r));
  // a reader that stops taking new values of a collection says `NCCL hosts capped at 8192`; when the fact domain
  // caps the same collection too, the two become one notice whose numbers agree (the domain's count of what it
  // dropped is then a lower bound: the reader no longer passed new values on)
  const readerCaps = new Map<string, number>();
  const said: string[] = [];
  for (const value of Object.values(state)) {
    const notes = (value as { notices?: unknown } | null)?.notices;
    if (!Array.isArray(notes)) continue;
    for (const n of notes) {
      if (typeof n !== "string" || said.includes(n)) continue;
      const m = /^NCCL (\w+) capped at (\d+)$/.exec(n);
      if (m) readerCaps.set(m[1], Number(m[2]));
      said.push(n);
    }
  }
  const folded = new Set<string>();
  const capNotices: string[] = [];
  for (const [domain, value] of Object.entries(state)) {
    const capped = (value as { capped?: CapRecord } | null)?.capped;
    if (!capped || typeof capped !== "object") continue;
    for (const [what, c] of Object.entries(capped).sort(([a], [b]) => a.localeCompare(b))) {
      if (!c || !(c.dropped > 0)) continue;
      const reader = readerCaps.get(what);
      const things = CAPPED_NAMES[what] ?? what;
      // dropped counts the lines that named a value past the cap, not distinct values (telling those apart needs the memory the cap saves)
      if (reader === undefined) capNotices.push(`${domain}: more than ${formatNumber(c.limit, 0)} distinct ${things}; ${formatNumber(c.dropped, 0)} more line${c.dropped === 1 ? "" : "s"} about ${things} past the cap not kept (memory cap)`);
      else {
        folded.add(`NCCL ${what} capped at ${reader}`);
        capNotices.push(`${domain}: more than ${formatNumber(c.limit, 0)} distinct ${things}; at least ${formatNumber(c.dropped, 0)} more were seen but not kept (memory cap; the reader stops looking for new ${things} after ${formatNumber(reader, 0)})`);
      }
    }
  }
  for (const n of said) if (!folded.has(n) && !out.includes(n)) out.push(n);
  for (const n of capNotices) if (!out.includes(n)) out.push(n);
  return out;
}

/**
 * What a JSON report carries (as its `state` field) so that `merge` can combine it with the reports of
 * other parts of a fleet: the mergeable fact state and the kept events (already bounded per kind and input).
 */
export interface MergeableState {
  version: 1;
  facts: FactState;
  events: Event[];
  /** written with --redact: its hosts, addresses and users are pseudonyms of this report's own (host-1 is another host in another report) */
  redacted?: true;
}

export function mergeableStateOf(analysis: { state: FactState; events: Event[] }): MergeableState {
  return { version: 1, facts: analysis.state, events: analysis.events };
}

/** Combines the states of several reports, in order, into the analysis of all their inputs at once. */
export function mergeAnalyses(parts: MergeableState[], rules?: RulesConfig, opts: { oneRun?: boolean } = {}): Analysis {
  let state = initState();
  const events: Event[] = [];
  for (const part of parts) {
    const offset = state.inputs.length;
    state = mergeStates(state, part.facts);
    for (const e of part.events) events.push(offset === 0 ? e : { ...e, input: e.input + offset });
  }
  const report = buildReport(state, rules);
  // reports of different runs are reported run by run, as analyze of all their logs does (one imaginary run
  // gave, among others, a cluster/version-mismatch between the runs)
  if (!opts.oneRun) addRuns(report, parts.map((p) => ({ state: p.facts, events: p.events })), rules);
  return { report, state, events };
}
