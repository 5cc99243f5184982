import type { Emit, RecordReader } from "./events/types.js";
import type { LineCounter } from "./events/fast.js";
import type { LogRecord, Origin } from "./model.js";
import { createNcclReader, type AgainSink, type InitSink, type NcclFastCounts, type RepeatSink } from "./events/read-nccl.js";
import type { LearnedWrapper } from "./events/nccl-fast-counter.js";
import { createVllmOriginObserver, createVllmReader } from "./events/read-vllm.js";
import { clientDataAt, mayBeQuiet, runtimeFirst } from "./events/read-runtime.js";
import { createPythonReader } from "./events/read-python.js";
import { createBenchReader } from "./events/read-bench.js";
import { readSignals } from "./events/signals.js";
import { readCutTail } from "./events/cut-tail.js";
import { createDialectObserver } from "./events/read-dialect.js";
import { MIN_CUT, createWrapJoiner } from "./events/wrapped.js";
import type { Event } from "./events/index.js";
import type { SignalEvent } from "./events/common.js";
import { SIGNAL_SAMPLES } from "./facts/signals.js";
import { VERSION_SIGNATURES } from "./facts/versions.js";
import { isCiExitVerdict } from "../grammars/ci.js";

/** NCCL's banner as it prints it alone on a line (init.cc: `NCCL version %s+cuda%d.%d`) */
const BARE_BANNER = /^NCCL version \d+\.\d+\.\d+[\w.+\-]*$/;

/**
 * The hot path: every record passes here. Readers are asked in order; each does its own cheap
 * first-character / `includes` tests before any grammar runs, and may claim the record.
 */
export interface Dispatcher {
  dispatch(rec: LogRecord, emit: Emit): void;
  /** makes events of the lines the fast path folded (they are made before any later line's in any case) */
  flush(emit: Emit): void;
  /** `lastLine`: the input's last line, whose record an excerpt may have cut inside its message (src/events/cut-tail.ts) */
  end(emit: Emit, lastLine?: number): void;
  fast: LineCounter;
  /** adds the counts of a speculative NCCL counter over later lines (see createNcclReader) */
  absorb(counts: NcclFastCounts, lineOffset: number): void;
  /** a speculative NCCL counter counted lines behind this wrapper here: the vLLM origin observer takes note (false: it had something to say) */
  countedBehind(w: LearnedWrapper): boolean;
  /** the characters of the lines the fast path took that were made events again (their garbage: see src/util/heap.ts) */
  madeChars(): number;
}

/**
 * `keptPerKind`: the events of one kind the caller keeps (set-up lines are folded once it keeps no more); `repeat`,
 * `init`: where folded lines and Init lines read from the bytes go instead of events (see RepeatSink, InitSink)
 */
export function createDispatcher(opts: { keptPerKind?: number; repeat?: RepeatSink; init?: InitSink; again?: AgainSink; anyOrder?: () => boolean } = {}): Dispatcher {
  const observeVllmOrigin = createVllmOriginObserver();
  // (folds are learnt from a line read the ordinary way: `outer` is its caller's emit by the time runs pend)
  const nccl = createNcclReader({ originQuiet: observeVllmOrigin.quiet, keptPerKind: opts.keptPerKind, repeat: opts.repeat, init: opts.init, again: opts.again, foldEmit: () => outer, anyOrder: opts.anyOrder });
  // (the vLLM reader's fast path counts a quiet text's lines only while every reader is at rest: bound below)
  let othersAtRest = (_origin: Origin) => false;
  const vllm = createVllmReader({ othersAtRest: (origin) => othersAtRest(origin) });
  const bench = createBenchReader();
  const python = createPythonReader();
  // bench before python: benchmark rows such as `Throughput: 7.15 requests/s, ...` have the shape of `Type: message`
  const readers: RecordReader[] = [nccl, vllm, bench, python];
  const observeDialect = createDialectObserver();
  // the events made of the record at hand are counted (see `noteQuiet`)
  let outer: Emit = () => {};
  let emitted = 0;
  let last: unknown = null;
  let prev: unknown = null;
  // signal events made, and the lines each signature was seen on (up to the samples its fact keeps)
  let signals = 0;
  const signalLines = new Map<string, { lines: number; input: number; line: number }>();
  const counting: Emit = (e) => {
    emitted++;
    prev = last;
    last = e;
    if (e.kind === "signal") {
      signals++;
      // (a soft line is not among the first lines a fact keeps of its signature)
      const s = e.soft ? null : signalLines.get(e.id);
      if (s === undefined) signalLines.set(e.id, { lines: 1, input: e.input, line: e.ev.line });
      else if (s !== null && s.lines < SIGNAL_SAMPLES && (s.input !== e.input || s.line !== e.ev.line)) {
        s.lines++;
        s.input = e.input;
        s.line = e.ev.line;
      }
    }
    outer(e);
  };
  const keptPerKind = opts.keptPerKind ?? Infinity;
  /**
   * a signal of a line that also made one NCCL event, which lines alike may fold with (src/facts/state.ts
   * reduceRepeat): a hard one, of no version or memory fact, once the store keeps no more signals and the signature's
   * fact all its first lines
   */
  const foldableSignal = (e: unknown): e is SignalEvent =>
    (e as SignalEvent).kind === "signal" && !(e as SignalEvent).soft && signals >= keptPerKind && VERSION_SIGNATURES[(e as SignalEvent).id] === undefined &&
    (e as SignalEvent).id !== "vllm.cudaOom" && (signalLines.get((e as SignalEvent).id)?.lines ?? 0) >= SIGNAL_SAMPLES;
  /**
   * NCCL's banner alone on its line, read to its signal and its version (`source: "banner"`), which a line of its text
   * makes again wherever it stands: no rank, no context (no reader before the NCCL reader sees it, which claims it),
   * too short for a terminal to have cut it or to be continued (the wrap joiner holds nothing after it)
   */
  const bannerAgain = (rec: LogRecord, sig: unknown, e: unknown): boolean =>
    (sig as SignalEvent).kind === "signal" && (sig as SignalEvent).id === "nccl.versionLine" && !(sig as SignalEvent).soft && (sig as SignalEvent).rank === null &&
    (e as Event).kind === "nccl.version" && (e as { source?: string }).source === "banner" && rec.raw.length < MIN_CUT && BARE_BANNER.test(rec.raw);
  // a long record a terminal hard-wrapped: what only the joined halves state (src/events/wrapped.ts)
  const wraps = createWrapJoiner(vllm.readJoined, vllm.joinedPhrase);
  // (the wrap joiner and the NCCL reader need no asking before a line: a record they hold waits for the very next line,
  // which a line counted between them is not, as a line read would not be; NCCL's folded lines are made events before the
  // next read)
  othersAtRest = (origin) => bench.atRest() && python.atRestFor(origin);
  const allAtRest = (origin: Origin) => vllm.atRest() && othersAtRest(origin);
  // (after a line to learn, the joiner holds nothing: a record it could continue with the next line, as it judges by the
  // record's text and length alone, is never learnt, so whatever line follows a counted one is read as after a read one)
  const learnable = (origin: Origin) => allAtRest(origin) && wraps.atRest();
  // the record of the furthest line read the ordinary way: an excerpt's last line, when it is the input's
  let tail: LogRecord | null = null;
  return {
    // a line the NCCL reader only counts is its alone (it is the first reader and claims every NCCL record); one
    // behind a wrapper that names an origin is only counted while the vLLM origin observer has nothing to say of it;
    // a running server's request and access lines are only counted by the vLLM reader (src/events/read-runtime.ts)
    fast: runtimeFirst(vllm.fast, nccl.fast, observeDialect.skip),
    absorb: nccl.absorb,
    flush(emit) {
      if (nccl.folding()) nccl.flushFolds(emit);
    },
    countedBehind: observeVllmOrigin.quiet,
    madeChars: () => nccl.madeChars(),
    dispatch(rec, emit) {
      outer = emit;
      if (nccl.folding()) nccl.flushFolds(emit);
      const before = emitted;
      // (asked only of a record that may be learnt: the readers' state is looked at on no other line)
      const restBefore = mayBeQuiet(rec.text) && allAtRest(rec.origin);
      // process prefixes name the vLLM engine and executor even on lines another reader claims (NCCL INFO)
      observeVllmOrigin(rec, counting);
      // a request or access line holds the client's text (a prompt, a path): the vLLM reader counts the line, the
      // others see it only up to where that text starts
      const cut = clientDataAt(rec.text);
      const seen = cut < 0 ? rec : beforeClientData(rec, cut);
      // the signature table sees every record, whichever reader claims it (one regex test for most lines)
      readSignals(seen, counting);
      if (tail === null || rec.line >= tail.line) tail = seen;
      // (a request or access line is never the start of a message a terminal wrapped, nor its rest: the joiner skips it,
      // as it skips a line the fast path only counts)
      if (cut < 0) wraps.next(rec, counting);
      observeDialect(seen, counting);
      let r: LogRecord = seen;
      // a CI runner's verdict on its job's exit status (`ERROR: Job failed: exit code 1`) is no failure of the log it ends:
      // no reader makes an error, an exception or a traceback's end of it (the signatures above saw it)
      if (isCiExitVerdict(seen.text)) return;
      for (const reader of readers) {
        const out = reader.read(reader === vllm && cut >= 0 ? rec : r, counting);
        if (out === true) break;
        if (out !== false) r = out;
      }
      // a record nothing made an event of: the NCCL reader may let the fast path take its like, and the vLLM reader
      // the like of a vLLM record read so with every reader at rest before and after it
      if (emitted === before) {
        nccl.noteQuiet(rec);
        if (restBefore && learnable(rec.origin)) vllm.noteQuiet(rec);
      }
      // one event: the NCCL reader may let the fast path fold the lines of its text
      else if (emitted === before + 1) nccl.noteFold(rec, last);
      else if (emitted === before + 2 && foldableSignal(prev)) nccl.noteFold(rec, last, prev);
      else if (emitted === before + 2 && bannerAgain(rec, prev, last)) nccl.noteAgain(rec, [prev as Event, last as Event]);
    },
    end(emit, lastLine) {
      if (tail !== null && tail.line === lastLine) readCutTail(tail, emit);
      for (const reader of readers) reader.end?.(emit);
    },
  };
}

/** A record's text and raw line cut where the client's text starts (at `cut` of the text). */
function beforeClientData(rec: LogRecord, cut: number): LogRecord {
  const text = rec.text.slice(0, cut);
  const at = rec.raw.indexOf(text);
  return { ...rec, text, raw: at >= 0 ? rec.raw.slice(0, at + cut) : text };
}

