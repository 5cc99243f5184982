import { createDispatcher } from "./classify.js";
import type { Event } from "./events/index.js";
import { DEFAULT_LIMITS, InputError, resolveInputs, type InputLimits, type InputSource } from "./input/sources.js";
import { SPLIT_DEFAULTS } from "./input/split-point.js";
import type { Readable } from "node:stream";
import { readPlanned, type SplitOptions } from "./parallel/read-plan.js";
import { DEFAULT_MAX_LINE_CHARS } from "./input/lines.js";
import { readLineLoop } from "./input/line-loop.js";
import { toRecord } from "./records/peel.js";
import { splitPhysicalLine } from "./records/split.js";
import { finalizeFacts, initState, mergeStates, reduceEvent, type FactState } from "./facts/state.js";
import type { Report } from "./facts/schema.js";
import { SCHEMA_VERSION } from "./facts/schema-version.js";
import { runRules, type RulesConfig } from "./rules/engine.js";
import { chainOnRecord, createUserMatcher, withRecordMatches } from "./rules/user-hook.js";
import { createLinePrefilter } from "./rules/line-prefilter.js";
import { debug } from "./util/debug.js";
import { heapKeeper } from "./util/heap.js";
import { TOOL_VERSION } from "./version.js";

export interface AnalyzeOptions {
  limits?: Partial<InputLimits>;
  maxLineChars?: number;
  /** at most this many events of one kind are kept for rules and `--events` (the rest are counted) */
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
}

export interface Analysis {
  report: Report;
  state: FactState;
  events: Event[];
}

/** Events kept per input, bounded per kind so a gigabyte log keeps a small list. */
export class EventStore {
  readonly events: Event[] = [];
  private readonly perKind = new Map<string, number>();
  dropped = 0;
  constructor(private readonly maxPerKind: number) {}
  add(e: Event): void {
    const n = this.perKind.get(e.kind) ?? 0;
    if (n >= this.maxPerKind) {
      this.dropped++;
      return;
    }
    this.perKind.set(e.kind, n + 1);
    this.events.push(e);
  }
}

/** Reads one input into a fact state and its kept events. */
export async function analyzeSource(source: InputSource, inputIndex: number, opts: AnalyzeOptions = {}): Promise<{ state: FactState; events: Event[] }> {
  const state = initState();
  const store = new EventStore(opts.maxEventsPerKind ?? 2000);
  const emit = (e: Event) => {
    reduceEvent(state, e);
    store.add(e);
  };
  const dispatcher = createDispatcher();
  let lines = 0;
  let bytes = 0;
  let cutLines = 0;
  let ordinary = 0;
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  let error: string | undefined;
  try {
    const maxChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    const countCut = () => cutLines++;
    const readRecords = (raw: string, lineNo: number) => {
      ordinary++;
      if (raw.length === 0) return;
      const pieces = splitPhysicalLine(raw);
      for (const piece of pieces) {
        const rec = toRecord(source.name, inputIndex, lineNo, pieces.length === 1 ? raw : piece);
        opts.onRecord?.(rec);
        opts.recordPatterns?.onRecord(rec);
        dispatcher.dispatch(rec, emit);
      }
    };
    // lines that only count (collective, proxy and TRACE chatter) never become records; a user rule sees every record
    const fast = opts.onRecord || opts.fastPath === false ? undefined : dispatcher.fast;
    const prefilter = fast && opts.recordPatterns ? createLinePrefilter(opts.recordPatterns.patterns) : null;
    const keepHeap = heapKeeper();
    const onBytes = (n: number) => {
      bytes += n;
      opts.onBytes?.(n);
    };
    const readStream = async (stream: Readable | AsyncIterable<Uint8Array>, firstLine: number, sniff: boolean, skipUntil: number): Promise<number> => {
      const { next } = await readLineLoop(stream, {
        maxLineChars: maxChars, onBytes, sniff, firstLine, skipUntil, counter: fast, prefilter, onLine: readRecords, onCut: countCut,
        onChunk: (nextLine) => {
          keepHeap(bytes);
          lines = nextLine - 1;
          opts.onBatch?.(state, store.events);
        },
      });
      return next;
    };
    // (a second thread would count lines the user rules' patterns are to see, or that --follow wants as they come)
    const splittable = !!fast && !opts.onBatch && !opts.recordPatterns;
    lines = await readPlanned(source, { jobs: opts.jobs, split: opts.split, limits, maxLineChars: maxChars, splittable }, {
      readStream, readLine: readRecords, absorb: dispatcher.absorb, onBytes, cut: (n) => (cutLines += n),
    });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    error = e.message;
  }
  dispatcher.end(emit);
  debug("fast", `${source.name}: ${ordinary} of ${lines} lines read the ordinary way on this thread`);
  state.inputs.push({ path: source.name, lines, bytes: source.size ?? bytes, ...(error ? { error } : {}), ...(cutLines ? { cutLines } : {}) });
  return { state, events: store.events };
}

export { SPLIT_DEFAULTS };
export type { SplitOptions };

export interface InputFailure {
  path: string;
  message: string;
}

/** Analyzes inputs (paths, directories, `-`) into one report. Failed inputs are named in the report. */
export async function analyze(operands: string[], opts: AnalyzeOptions = {}): Promise<Analysis & { failures: InputFailure[] }> {
  const { sources, failures } = await resolveInputs(operands, (opts.stdin ?? process.stdin) as never);
  const userMatcher = createUserMatcher(opts.rules);
  if (userMatcher) {
    // the user rules only need the records their patterns may match, when that can be told from a chunk at once
    const patterns = opts.rules!.userRules!.flatMap((r) => (r.pattern ? [r.pattern] : []));
    opts = createLinePrefilter(patterns)
      ? { ...opts, recordPatterns: { patterns, onRecord: userMatcher.onRecord } }
      : { ...opts, onRecord: chainOnRecord(opts.onRecord, userMatcher.onRecord) };
  }
  let state = initState();
  const events: Event[] = [];
  const add = (i: number, part: { state: FactState; events: Event[] }) => {
    state = mergeStates(state, part.state);
    for (const e of part.events) events.push(i === 0 ? e : { ...e, input: i, ev: e.ev });
  };
  // a user rule sees every record, which only this thread can give it: with one, everything is read here
  if ((opts.jobs ?? 1) > 1 && sources.length > 1 && !opts.onRecord && !opts.recordPatterns) {
    const { analyzeInWorkers } = await import("./parallel/pool.js");
    const parts = await analyzeInWorkers(sources, opts);
    parts.forEach((p, i) => add(i, p));
  } else {
    for (let i = 0; i < sources.length; i++) add(i, await analyzeSource(sources[i], 0, opts));
  }
  for (const inp of state.inputs) if (inp.error) failures.push({ path: inp.path, message: inp.error });
  for (const f of failures) if (!state.inputs.some((i) => i.path === f.path)) state.inputs.push({ path: f.path, lines: 0, bytes: 0, error: f.message });
  const report = buildReport(state, events, withRecordMatches(opts.rules, userMatcher, events));
  return { report, state, events, failures };
}

/** Facts, findings and summary from a finished state. */
export function buildReport(state: FactState, events: Event[], rules?: RulesConfig): Report {
  const facts = finalizeFacts(state);
  const findings = runRules(facts, events, state, rules);
  const summary = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) {
    if (f.severity === "error") summary.errors++;
    else if (f.severity === "warning") summary.warnings++;
    else summary.infos++;
  }
  const notices = noticesOf(state);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "vllm-doctor", version: TOOL_VERSION },
    inputs: state.inputs.map(({ path, lines, bytes, error, cutLines }) => ({ path, lines, bytes, ...(error ? { error } : {}), ...(cutLines ? { cutLines } : {}) })),
    facts,
    findings,
    summary,
    ...(notices.length ? { notices } : {}),
  };
}

/** A fact domain that stops collecting distinct values past a limit records it here: what -> limit and how many more it saw. */
export type CapRecord = Record<string, { limit: number; dropped: number }>;

/** What the reader of a report must know about how it was read: cut lines, capped collections. */
export function noticesOf(state: FactState): string[] {
  const out: string[] = [];
  for (const inp of state.inputs) {
    if (inp.cutLines) out.push(`${inp.path}: ${inp.cutLines} line${inp.cutLines === 1 ? " was" : "s were"} longer than the parsing limit and cut; only the start of each was read`);
  }
  for (const [domain, value] of Object.entries(state)) {
    const said = (value as { notices?: unknown } | null)?.notices;
    if (Array.isArray(said)) for (const n of said) if (typeof n === "string" && !out.includes(n)) out.push(n);
    const capped = (value as { capped?: CapRecord } | null)?.capped;
    if (!capped || typeof capped !== "object") continue;
    for (const [what, c] of Object.entries(capped).sort(([a], [b]) => a.localeCompare(b))) {
      if (c && c.dropped > 0) out.push(`${domain}: more than ${c.limit} distinct ${what}; ${c.dropped} more were counted but not kept (memory cap)`);
    }
  }
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
}

export function mergeableStateOf(analysis: { state: FactState; events: Event[] }): MergeableState {
  return { version: 1, facts: analysis.state, events: analysis.events };
}

/** Combines the states of several reports, in order, into the analysis of all their inputs at once. */
export function mergeAnalyses(parts: MergeableState[], rules?: RulesConfig): Analysis {
  let state = initState();
  const events: Event[] = [];
  for (const part of parts) {
    const offset = state.inputs.length;
    state = mergeStates(state, part.facts);
    for (const e of part.events) events.push(offset === 0 ? e : { ...e, input: e.input + offset });
  }
  return { report: buildReport(state, events, rules), state, events };
}
