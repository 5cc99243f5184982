import { METRICS_LABEL, METRICS_MAX_AT, numberAfter, parseMetrics, type MetricsLine } from "../../grammars/vllm-messages.js";
import { signatureFreeAroundNumbers } from "../../grammars/signatures.js";
import { fastHead } from "../../grammars/vllm.js";
import { evidenceOf, type LogRecord, type Origin } from "../model.js";
import { peel } from "../records/peel.js";
import type { RuntimeCountWhat } from "./runtime.js";
import { base, type Emit } from "./types.js";
import type { ChunkLineCounter, LineCounter } from "./fast.js";
import { at, literal, type Literal } from "./byte-literal.js";
import { headerSeconds, headerSecondsOf, YEAR } from "../util/header-time.js";
import { objectArray } from "../util/arrays.js";

/**
 * Reads the running server's lines for facts.runtime, called by the vLLM reader (src/events/read-vllm.ts),
 * which has already split the logger header off: the periodic stats lines of every version, V0 preemption
 * warnings, request lines, uvicorn access lines, spec-decoding metrics and unknown-model errors. Every test
 * starts with the message's first character or a fixed prefix, so the other records cost one comparison.
 */
export interface RuntimeTap {
  /** every vLLM record's header time (MM-DD, HH:MM:SS), for the span and for stats that stop early */
  clock(date: string, time: string): void;
  /** a stats line the vLLM reader parsed (readStats); `learn`: its shape may take the fast path (not a join's) */
  stats(rec: LogRecord, msg: string, v: StatsValues, hasHead: boolean, emit: Emit, learn?: boolean): void;
  /** any other vLLM message; true when it was a runtime line */
  message(rec: LogRecord, msg: string, emit: Emit): boolean;
  /** a record without a vLLM header (uvicorn `INFO:     ip:port - "POST ..." 200 OK`, a bare stats line); true when read */
  other(rec: LogRecord, text: string, emit: Emit): boolean;
  end(emit: Emit): void;
  /** the counting fast path over the chunk's bytes (see createRuntimeFast) */
  fast: RuntimeFastSink;
  /** a record every reader read to nothing, with every reader at rest before and after it: its like may be counted (see learnQuiet) */
  learnQuiet(rec: LogRecord): void;
}


/** What the fast path tells the tap: request and access lines it counted, and their header times. */
export interface RuntimeFastSink {
  /** the line shapes the ordinary path read (see createRuntimeFast) */
  readonly shapes: RuntimeShapes;
  /** `n` more lines of a kind (`status`: an access line's; `probes`: how many of them were not a POST) */
  count(what: RequestWhat | "http", status: number, n: number, probes?: number): void;
  /** a stats line of a learnt shape (after its clock), as `stats` reads it: line `line`, its text behind a wrapper of `origin` */
  stats(line: number, raw: string, text: string, origin: Origin, v: StatsValues): void;
  clock(mo: number, d: number, h: number, mi: number, sec: number): void;
  /** emits what was counted (the chunk is done) */
  flush(): void;
}

const numAfter = numberAfter;

/**
 * The request lines the tap counts, by the words their message starts with. What follows the words is the client's
 * (request id, prompt, sampling parameters), as is the quoted request of a uvicorn access line: no reader reads it
 * (see clientDataAt), so a prompt that quotes a log line or an error is not taken for one.
 */
// (`Aborted request %s.`, one id: ≥0.10's `Aborted request(s) id1,id2.` names how many by its ids, and is read the
// ordinary way)
export const REQUEST_WORDS = { received: "Received request ", added: "Added request ", finished: "Finished request ", aborted: "Aborted request " } as const;
export type RequestWhat = keyof typeof REQUEST_WORDS;
const REQUEST_KINDS = Object.keys(REQUEST_WORDS) as RequestWhat[];
/** a vLLM INFO header (as grammars/vllm.ts's fast header reads it) and the words of a request line */
const REQUEST_LINE = new RegExp(`^INFO \\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)? \\[?[^\\s\\[\\]]{1,200}?:\\d+\\] (?:${Object.values(REQUEST_WORDS).join("|")})`);

/** Where the client's text starts in a record's text (a request line's id and prompt, an access line's request), or -1. */
export function clientDataAt(text: string): number {
  if (text.charCodeAt(0) !== 73 /* I */) return -1;
  if (text.charCodeAt(4) === 58 /* : */) return UVICORN_ACCESS.test(text) ? text.indexOf('"') : -1;
  if (text.indexOf("ed request ", 20) < 0) return -1;
  const m = REQUEST_LINE.exec(text);
  return m ? m[0].length : -1;
}

/** A message that starts with a request line's words (its rest is the client's). */
export function isRequestMessage(msg: string): boolean {
  const c = msg.charCodeAt(0);
  return (c === 82 || c === 65 || c === 70) && REQUEST_KINDS.some((k) => msg.startsWith(REQUEST_WORDS[k]));
}

/**
 * What a stats line states: parseMetrics's numbers, and the tap's own (the engine or engines it sums, the V0 form,
 * the prefix-cache hit rate and preemptions of V1). The fast path reads a learnt shape's numbers with this very
 * function (see learnStats), so the two cannot read a line otherwise.
 */
export interface StatsValues extends MetricsLine {
  /** N of `N Engines Aggregated:` */
  aggregated: number | null;
  prefixHitPct: number | null;
  preemptions: number | null;
  v0: boolean;
}

export function readStats(msg: string): StatsValues | null {
  const m = parseMetrics(msg);
  if (!m) return null;
  const at = msg.indexOf(METRICS_LABEL);
  let aggregated: number | null = null;
  if (m.engine === null && at > 0) {
    const a = AGGREGATED.exec(msg);
    if (a) aggregated = Number(a[1]);
  }
  const v0 = msg.indexOf("Pending: ", at) > 0 || msg.indexOf("Swapped: ", at) > 0;
  return {
    ...m,
    aggregated,
    prefixHitPct: v0 ? null : numAfter(msg, "Prefix cache hit rate: ", at),
    preemptions: v0 ? null : numAfter(msg, "Preemptions: ", at),
    v0,
  };
}

const AGGREGATED = /^(\d+) Engines Aggregated: /;
/** seconds of log time between two runtime.clock events */
const CLOCK_EVENT_S = 10;
/** a line stamped this much before the last stats line, after it: the text is no one log in time order */
const CLOCK_BACK_S = 60;
/**
 * A step back from the line before of about a whole number of half hours (±5 min) is another node's clock in another
 * time zone (Ray workers' lines among the head's), not a paste out of order.
 */
const isZoneStep = (back: number): boolean => back >= 1500 && (back % 1800 <= 300 || back % 1800 >= 1500);
const UVICORN_ACCESS = /^INFO:\s+\S+ - "([A-Z]+) (\S+)[^"]*" (\d{3})\b/;
/**
 * A POST to one of vLLM's control endpoints (sleep mode, cache resets, profiling, LoRA loading, tokenizing) or trl's
 * weight-sync ones: no request for the engine to generate, so none the stats lines would show running.
 */
const CONTROL_NAMES = ["sleep", "wake_up", "is_sleeping", "reset_", "collective_rpc", "update_", "init_communicator", "close_communicator", "pause", "resume", "start_profile", "stop_profile", "tokenize", "detokenize", "load_lora_adapter", "unload_lora_adapter", "scale_elastic_ep"];
const CONTROL_PATH = new RegExp(`^/(?:${CONTROL_NAMES.join("|")})`);
/** the longest name CONTROL_PATH tells apart, with its slash */
const CONTROL_PATH_CHARS = Math.max(...CONTROL_NAMES.map((n) => n.length)) + 1;
/** the first letters of those names: a path starting otherwise (`/v1/...`, `/generate`) is no control call, no string made */
const CONTROL_FIRST = new Uint8Array(128);
for (const n of CONTROL_NAMES) CONTROL_FIRST[n.charCodeAt(0)] = 1;
/** Whether an access line answered a request for the engine (an inference POST), not a probe, a scrape or a control call. */
export const isEngineRequest = (method: string, path: string): boolean => method === "POST" && !CONTROL_PATH.test(path);
const UNKNOWN_MODEL = /The model `([^`]{1,200})` does not exist/;

/** `tally`: what else a stats line with a vLLM header is told to (the vLLM reader's metrics), for the ones the fast path reads */
export function createRuntimeTap(tally: (rec: LogRecord, m: MetricsLine) => void): RuntimeTap {
  let lastDate = "";
  let lastTime = "";
  let lastT: number | null = null;
  /** seconds added for each year the header wrapped round (Dec -> Jan) */
  let yearOffset = 0;
  let lastStatsRec: LogRecord | null = null;

  let clockSent: number | null = null;
  /** the last stats line's time, and whether a later line was stamped well before it */
  let statsT: number | null = null;
  let backSinceStats = false;
  const advance = (t0: number): number => {
    let t = t0 + yearOffset;
    if (lastT !== null && t < lastT - YEAR / 2) {
      yearOffset += YEAR;
      t += YEAR;
    }
    const prev = lastT;
    lastT = t;
    if (statsT !== null && t < statsT - CLOCK_BACK_S && !(prev !== null && isZoneStep(prev - t))) backSinceStats = true;
    // the clock for --follow, now and then (the stats lines may have stopped while the log goes on)
    if (lastEmit && lastRecord && (clockSent === null || t - clockSent >= CLOCK_EVENT_S)) {
      clockSent = t;
      lastEmit({ kind: "runtime.clock", ...base(lastRecord, { file: lastRecord.file, line: lastRecord.line, text: "" }), t });
    }
    return t;
  };
  const timeOf = (date: string, time: string): number | null => {
    if (date === lastDate && time === lastTime) return lastT;
    const t0 = headerSeconds(date, time);
    if (t0 === null) return null;
    // a clock that went back a little (another node's local time) is kept as written
    lastDate = date;
    lastTime = time;
    return advance(t0);
  };

  // the fast path's counts, emitted as one event each before the next runtime event (and when a chunk is done)
  let lastEmit: Emit | null = null;
  let lastRecord: LogRecord | null = null;
  const pending = { received: 0, added: 0, finished: 0, aborted: 0, any: false, http: new Map<number, number>(), probes: new Map<number, number>() };
  const flush = () => {
    if (!pending.any || !lastEmit || !lastRecord) return;
    const b = base(lastRecord, { file: lastRecord.file, line: lastRecord.line, text: "" });
    for (const what of REQUEST_KINDS) {
      if (pending[what] > 0) lastEmit({ kind: "runtime.count", ...b, what, value: pending[what], t: lastT });
      pending[what] = 0;
    }
    for (const [status, n] of pending.http) {
      const probes = pending.probes.get(status) ?? 0;
      lastEmit({ kind: "runtime.count", ...b, what: "http", value: status, n, ...(probes > 0 ? { probes } : {}), t: lastT });
    }
    pending.http.clear();
    pending.probes.clear();
    pending.any = false;
  };
  const count = (rec: LogRecord, what: RuntimeCountWhat, value: number, emit: Emit, label?: string, probes?: number) => {
    flush();
    emit({ kind: "runtime.count", ...base(rec, evidenceOf(rec)), what, value, ...(label !== undefined ? { label } : {}), ...(probes ? { probes } : {}), t: lastT });
  };
  const shapes: RuntimeShapes = { wrappers: [], origins: [], heads: [], kinds: [], stats: [], tried: new Set(), errorsSeen: [false, false], quiet: [new QuietTexts(), new QuietTexts()] };
  /** a request or 2xx/3xx access line read the ordinary way: its shape may take the fast path from now on */
  const learn = (rec: LogRecord, emit: Emit, what: RequestWhat | null, msgStart: number) => {
    lastEmit = emit;
    lastRecord = rec;
    learnShape(shapes, rec, what, msgStart);
  };
  const statsEvent = (rec: LogRecord, v: StatsValues, hasHead: boolean, emit: Emit) => {
    if (hasHead) {
      lastStatsRec = rec;
      statsT = lastT;
      backSinceStats = false;
    }
    lastEmit = emit;
    lastRecord = rec;
    flush();
    emit({
      kind: "runtime.stats",
      ev: evidenceOf(rec),
      origin: rec.origin,
      input: rec.input,
      t: hasHead ? lastT : null,
      engine: v.engine !== null ? String(v.engine) : v.aggregated !== null ? "agg" : "",
      aggregated: v.aggregated,
      running: v.running,
      waiting: v.waiting,
      kvPct: v.kvUsagePct,
      promptTps: v.promptTps,
      genTps: v.genTps,
      prefixHitPct: v.prefixHitPct,
      preemptions: v.preemptions,
      v0: v.v0,
    });
  };
  const fastSink: RuntimeFastSink = {
    shapes,
    count(what, status, n, probes) {
      pending.any = true;
      if (what === "http") {
        pending.http.set(status, (pending.http.get(status) ?? 0) + n);
        if (probes) pending.probes.set(status, (pending.probes.get(status) ?? 0) + probes);
      }
      else pending[what] += n;
    },
    stats(line, raw, text, origin, v) {
      const at = lastRecord!;
      const rec: LogRecord = { file: at.file, input: at.input, line, raw, text, origin };
      tally(rec, v);
      statsEvent(rec, v, true, lastEmit!);
    },
    clock(mo, d, h, mi, sec) {
      const t0 = headerSecondsOf(mo, d, h, mi, sec);
      if (t0 !== null) {
        advance(t0);
        lastDate = "";
      }
    },
    flush,
  };

  /** V0's `Sequence group 221 is preempted by PreemptionMode.RECOMPUTE mode ... total_num_cumulative_preemption=101` */
  const preempted = (rec: LogRecord, msg: string, emit: Emit): boolean => {
    if (!msg.startsWith("Sequence group ") || msg.indexOf("is preempted by") < 0) return false;
    // the key was `total_cumulative_preemption_cnt=` in some versions (and in vLLM's optimization docs)
    const n = numAfter(msg, "total_num_cumulative_preemption=") ?? numAfter(msg, "total_cumulative_preemption_cnt=");
    count(rec, "preempted", n ?? 1, emit);
    return true;
  };

  return {
    clock(date, time) {
      timeOf(date, time);
    },
    learnQuiet(rec) {
      learnQuiet(shapes, rec);
    },
    stats(rec, msg, v, hasHead, emit, learn = hasHead) {
      statsEvent(rec, v, hasHead, emit);
      if (!hasHead || !learn) return;
      learnShape(shapes, rec, null, 0);
      learnStats(shapes, rec, msg, v);
    },
    message(rec, msg, emit) {
      const c = msg.charCodeAt(0);
      switch (c) {
        case 82: // R
          if (msg.startsWith(REQUEST_WORDS.received)) {
            count(rec, "received", 1, emit);
            learn(rec, emit, "received", rec.text.length - msg.length);
            return true;
          }
          return false;
        case 65: // A
          if (msg.startsWith(REQUEST_WORDS.added)) {
            count(rec, "added", 1, emit);
            learn(rec, emit, "added", rec.text.length - msg.length);
            return true;
          }
          if (msg.startsWith(REQUEST_WORDS.aborted)) {
            count(rec, "aborted", 1, emit);
            learn(rec, emit, "aborted", rec.text.length - msg.length);
            return true;
          }
          if (msg.startsWith("Aborted request(s) ")) {
            let n = 1;
            for (let i = 19; i < msg.length; i++) if (msg.charCodeAt(i) === 44) n++;
            count(rec, "aborted", n, emit);
            return true;
          }
          return false;
        case 70: // F
          if (msg.startsWith(REQUEST_WORDS.finished)) {
            count(rec, "finished", 1, emit);
            learn(rec, emit, "finished", rec.text.length - msg.length);
            return true;
          }
          return false;
        case 83: // S
          if (preempted(rec, msg, emit)) return true;
          if (msg.startsWith("SpecDecoding metrics: ")) {
            // ≥0.9: `... Avg Draft acceptance rate: 61.2%`; 0.8.x: `SpecDecoding metrics: Draft acceptance rate: 61.2%, ...` (both in percent)
            const v = numAfter(msg, "Avg Draft acceptance rate: ") ?? numAfter(msg, "Draft acceptance rate: ");
            if (v !== null) count(rec, "specAccept", v, emit);
            return true;
          }
          if (msg.startsWith("Speculative metrics: ")) {
            // V0: `Speculative metrics: Draft acceptance rate: 0.651, System efficiency: 0.570, ...`
            const frac = numAfter(msg, "Draft acceptance rate: ");
            if (frac !== null) count(rec, "specAccept", Math.round(frac * 100000) / 1000, emit);
            return true;
          }
          return false;
        case 80: // P
          if (msg.startsWith("Prefix cache hit rate: GPU: ")) {
            const v = numAfter(msg, "Prefix cache hit rate: GPU: ");
            if (v !== null) count(rec, "prefixHit", v, emit);
            return true;
          }
          return false;
        case 69: // E
          // `Error with model object='error' message='The model `x` does not exist.' type='NotFoundError' ... code=404`
          if (msg.startsWith("Error with model ") || msg.startsWith("Error in ")) {
            const u = UNKNOWN_MODEL.exec(msg);
            if (u) count(rec, "unknownModel", 1, emit, u[1]);
            return false;
          }
          return false;
        default:
          return false;
      }
    },
    other(rec, text, emit) {
      const c = text.charCodeAt(0);
      // the warning pasted without its logger header (an eval harness's output, a quote)
      if (c === 83 /* S */) return preempted(rec, text, emit);
      if (c === 73 /* I */ && text.charCodeAt(5) === 32 && text.indexOf(' - "') > 0) {
        const m = UVICORN_ACCESS.exec(text);
        if (!m) return false;
        const status = Number(m[3]);
        count(rec, "http", status, emit, `${m[1]} ${m[2]}`, isEngineRequest(m[1], m[2]) ? 0 : 1);
        if (status < 400) learn(rec, emit, null, 0);
        else if (status < 600) shapes.errorsSeen[status < 500 ? 0 : 1] = true;
        return true;
      }
      return false;
    },
    fast: fastSink,
    end(emit) {
      flush();
      const at = lastStatsRec;
      if (!at) return;
      emit({ kind: "runtime.end", ...base(at, evidenceOf(at)), lastT, ...(backSinceStats ? { clockBack: true } : {}) });
    },
  };
}

// ---------------------------------------------------------------- the counting fast path

/**
 * The line shapes the fast path counts, learnt from lines the ordinary path read: what stood before the record
 * (a process prefix, a collector's wrapper: its bytes, 0 where any digit may stand) and, for request lines, the
 * header through the request words (`INFO MM-DD HH:MM:SS [logger.py:43] Received request `, 0 for the digits).
 */
export interface RuntimeShapes {
  wrappers: Uint8Array[];
  /** the origin the peel gives a record behind each wrapper */
  origins: Origin[];
  heads: Buffer[];
  /** each head's kind, as its index in REQUEST_KINDS */
  kinds: number[];
  stats: StatsShape[];
  /** the stats shapes weighed (learnStats), by their header and text */
  tried: Set<string>;
  /**
   * an access line of a 4xx status (index 0) and of a 5xx (index 1) went the ordinary way: the first of each is the
   * report's evidence, the later ones only counts
   */
  errorsSeen: [boolean, boolean];
  /**
   * the texts after the date and time of INFO (index 0) and DEBUG (1) records every reader read to nothing
   * (`[core.py:781] EngineCore loop active.`), see learnQuiet
   */
  quiet: [QuietTexts, QuietTexts];
}

/**
 * A stats line's shape: its header through `] ` (0 for the digits of the date and time) and its message cut into
 * the text between numbers (`lits`, ASCII with no digit, nor a dot next to a number; the first one empty when the
 * message starts with a number) and the numbers (one fewer: digits, a dot and digits).
 */
export interface StatsShape {
  head: Buffer;
  lits: Buffer[];
  /** which value each number is (null: none), read as Number() reads it; `whole`: a value read as `\d+` (no dot) */
  feeds: (StatsNumber | null)[];
  whole: boolean[];
  /** what the line learnt from read: the values no number feeds */
  values: StatsValues;
  /** METRICS_LABEL starts `labelAt` into literal `labelLit` (parseMetrics's `at` depends on the numbers before it) */
  labelLit: number;
  labelAt: number;
}

type StatsNumber = { [K in keyof StatsValues]: StatsValues[K] extends boolean ? never : K }[keyof StatsValues];
const STATS_NUMBERS: StatsNumber[] = ["engine", "aggregated", "promptTps", "genTps", "running", "waiting", "kvUsagePct", "prefixHitPct", "preemptions"];
/** the header of a stats line the fast path reads: INFO, the date and time (no fraction) and the file, as fastHead reads them */
const STATS_HEAD = /^INFO \d\d-\d\d \d\d:\d\d:\d\d \[?[^\s\[\]]{1,200}?:\d+\] $/;
const NUMBER_RUN = /[0-9.]+/g;
const NUMBER = /^\d+(?:\.\d*)?$/;
/** a level word inside a message: a record glued on (see read-vllm's nextRecordStart) */
const GLUED_LEVEL = / (?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) /;
const MAX_STATS_NUMBERS = 32;
/** digits a number may have to be read exactly from the bytes (below 2^53) */
const MAX_DIGITS = 15;

/**
 * Learns the shape of a stats line the ordinary way read (`msg` after its header, `v` what readStats read of it), when
 * every line of that shape reads alike but for its numbers: the other readers' tests look for words (which lie in the
 * text between numbers), and readStats reads each value as the number right after a label of no digit or dot,
 * or `\d+` at the start. Which number is which value is found by reading the message again with one number
 * changed at a time (readStats itself: no second list of labels).
 */
function learnStats(shapes: RuntimeShapes, rec: LogRecord, msg: string, v: StatsValues): void {
  if (shapes.stats.length >= MAX_SHAPES) return;
  const { raw, text } = rec;
  const headLen = text.length - msg.length;
  if (!raw.endsWith(text) || !text.endsWith(msg) || !PRINTABLE.test(text) || !STATS_HEAD.test(text.slice(0, headLen))) return;
  const lits: string[] = [];
  const nums: string[] = [];
  let from = 0;
  for (const m of msg.matchAll(NUMBER_RUN)) {
    // (dots alone are text: V0's line ends in `%.`)
    if (!/\d/.test(m[0])) continue;
    if (!NUMBER.test(m[0])) return;
    lits.push(msg.slice(from, m.index));
    nums.push(m[0]);
    from = m.index + m[0].length;
  }
  lits.push(msg.slice(from));
  if (nums.length > MAX_STATS_NUMBERS || nums.some((n) => n.replace(".", "").length > MAX_DIGITS)) return;
  const head = Buffer.from(text.slice(0, headLen), "latin1");
  for (let i = 5; i < HEAD_AT; i++) if (head[i] >= 48 && head[i] <= 57) head[i] = 0;
  // a shape is weighed once (a line of a shape learnt already went the ordinary way for what came after it, or the
  // chunk's end; one of a shape turned down comes again)
  const key = `${head.toString("latin1")}\n${lits.join("\n")}`;
  if (shapes.tried.has(key) || shapes.tried.size >= MAX_TRIED) return;
  shapes.tried.add(key);
  if (fastHead(text)?.message !== msg || clientDataAt(text) >= 0 || GLUED_LEVEL.test(msg) || !signatureFreeAroundNumbers(text.split(NUMBER_RUN))) return;
  const feeds: (StatsNumber | null)[] = [];
  const whole: boolean[] = [];
  const fed = new Set<StatsNumber>();
  for (let i = 0; i < nums.length; i++) {
    // the same number with every digit changed: the value it is changes with it, and nothing else does
    const other = nums[i].replace(/\d/g, (d) => String((Number(d) + 1) % 10));
    const w = readStats(lits.map((l, k) => (k < nums.length ? l + (k === i ? other : nums[k]) : l)).join(""));
    if (!w || w.v0 !== v.v0) return;
    const changed = STATS_NUMBERS.filter((k) => w[k] !== v[k]);
    if (changed.length > 1 || (changed.length === 1 && (fed.has(changed[0]) || w[changed[0]] !== Number(other)))) return;
    feeds.push(changed[0] ?? null);
    whole.push(changed[0] === "engine" || changed[0] === "aggregated");
    if (changed.length) fed.add(changed[0]);
  }
  const at = msg.indexOf(METRICS_LABEL);
  let labelLit = 0;
  let start = 0;
  while (labelLit < lits.length - 1 && start + lits[labelLit].length + nums[labelLit].length <= at) start += lits[labelLit].length + nums[labelLit++].length;
  const labelAt = at - start;
  if (labelAt < 0 || labelAt + METRICS_LABEL.length > lits[labelLit].length) return;
  shapes.stats.push({ head, lits: lits.map((l) => Buffer.from(l, "latin1")), feeds, whole, values: { ...v }, labelLit, labelAt });
}

/** stats shapes weighed at most (learnt or turned down) */
const MAX_TRIED = 256;
const MAX_SHAPES = 16;
const MAX_WRAPPER = 160;
/** `INFO MM-DD HH:MM:SS `: the header's fixed part before its file token */
const HEAD_AT = 20;
const PRINTABLE = /^[\x20-\x7e]*$/;
const DIGIT_RUN = /\d+/g;

function learnShape(shapes: RuntimeShapes, rec: LogRecord, what: RequestWhat | null, msgStart: number): void {
  if (what !== null && shapes.heads.length < MAX_SHAPES) {
    const text = rec.text;
    const m = REQUEST_LINE.exec(text);
    const end = msgStart + REQUEST_WORDS[what].length;
    // a header with fractions of a second (`10:09:01,123`) is left to the ordinary way
    if (m && m[0].length === end && text.charCodeAt(HEAD_AT - 1) === 32 && PRINTABLE.test(m[0])) {
      // `INFO MM-DD HH:MM:SS ` with any digits (0), then the file token and words as they are
      const head = Buffer.from(m[0], "latin1");
      for (let i = 5; i < HEAD_AT; i++) if (head[i] >= 48 && head[i] <= 57) head[i] = 0;
      if (!shapes.heads.some((h) => h.equals(head))) {
        shapes.heads.push(head);
        shapes.kinds.push(REQUEST_KINDS.indexOf(what));
      }
    }
  }
  if (shapes.wrappers.length >= MAX_SHAPES) return;
  // (a wrapper a template learnt already stands for is not peeled again: each try peels a few times)
  const { raw, text } = rec;
  if (raw.endsWith(text) && shapes.wrappers.some((w) => fits(w, raw, raw.length - text.length))) return;
  const wrapper = wrapperTemplate(rec);
  if (wrapper && !shapes.wrappers.some((w) => w.length === wrapper.length && w.every((x, i) => x === wrapper[i]))) {
    shapes.wrappers.push(wrapper);
    shapes.origins.push(rec.origin);
  }
}

/** A record that may be a quiet text's (learnQuiet): its text starts with an INFO or DEBUG header's level word. */
export function mayBeQuiet(text: string): boolean {
  return text.startsWith("INFO ") || text.startsWith("DEBUG ");
}

/** quiet texts kept at most, and the longest kept (a line past it is read the ordinary way) */
const MAX_QUIET = 4096;
const MAX_QUIET_CHARS = 400;
/** an INFO or DEBUG header with whole seconds (QUIET_AT: where its date and time end), and the text after it */
const QUIET_HEAD = /^(?:INFO|DEBUG) \d\d-\d\d \d\d:\d\d:\d\d \[?[^\s\[\]]{1,200}?:\d+\] /;
/** the end of an Init record a terminal cut (`… busId 1b000 c` / `ommId 0x… - Init COMPLETE`), which the NCCL reader joins to the NCCL line above */
const NCCL_TAIL_LIKE = /E\s*$|Init COMPLETE/;

/**
 * A vLLM record of INFO or DEBUG that every reader read to nothing (no event, no signal) with each of them at rest
 * before and after it (src/classify.ts): a line of the same wrapper and the same text after its date and time reads to
 * nothing again whenever they are at rest (their state holds nothing a record could continue or close, and what a
 * reader keeps of a line it read to nothing, a process name, a dialect, a marker, was kept the first time), but for its
 * clock. Such lines are most of a DEBUG-level server's log (`EngineCore loop active.`, `Called check_health.`).
 */
function learnQuiet(shapes: RuntimeShapes, rec: LogRecord): void {
  const text = rec.text;
  const level = text.charCodeAt(0) === 73 /* I */ ? 0 : 1;
  const set = shapes.quiet[level];
  const at = HEAD_AT + level;
  if (shapes.quiet[0].size + shapes.quiet[1].size >= MAX_QUIET || text.length > MAX_QUIET_CHARS || text.length < at + QuietTexts.MIN || !QUIET_HEAD.test(text)) return;
  const rest = text.slice(at);
  if (!rec.raw.endsWith(text) || !PRINTABLE.test(text) || text.includes("NCCL") || GLUED_LEVEL.test(rest) || NCCL_TAIL_LIKE.test(rest) || clientDataAt(text) >= 0) return;
  // (a text learnt already may come behind a wrapper not learnt yet: another process's prefix)
  learnShape(shapes, rec, null, 0);
  set.add(rest);
}

/** Texts of ASCII, looked up by the bytes of a line (no string made): by their length and three words of them, then compared whole. */
export class QuietTexts {
  /** the shortest text kept: three 4-byte words are read from it */
  static readonly MIN = 8;
  private readonly byKey = new Map<number, DataView[]>();
  size = 0;
  private static key(view: DataView, r: number, e: number): number {
    const n = e - r;
    return Math.imul(n, 0x9e3779b1) ^ view.getInt32(r, true) ^ Math.imul(view.getInt32(e - 4, true), 31) ^ Math.imul(view.getInt32(r + (n >> 1) - 2, true), 17);
  }
  /** keeps `text` (ASCII, at least MIN long) unless it is kept already */
  add(text: string): void {
    const b = Buffer.from(text, "latin1");
    const v = new DataView(b.buffer, b.byteOffset, b.length);
    if (b.length < QuietTexts.MIN || this.hasBytes(v, b, 0, b.length)) return;
    const k = QuietTexts.key(v, 0, b.length);
    const list = this.byKey.get(k);
    if (list) list.push(v);
    else this.byKey.set(k, [v]);
    this.size++;
  }
  /** `b[r, e)` (viewed by `view`) is a text kept */
  hasBytes(view: DataView, b: Buffer, r: number, e: number): boolean {
    if (e - r < QuietTexts.MIN) return false;
    const list = this.byKey.get(QuietTexts.key(view, r, e));
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) if (same(list[i], view, r, e)) return true;
    return false;
  }
}

/** the text `t` is the bytes `[r, e)` of `view` (four bytes at a time; texts are at least four long) */
function same(t: DataView, view: DataView, r: number, e: number): boolean {
  const n = e - r;
  if (t.byteLength !== n) return false;
  let i = 0;
  for (; i + 4 <= n; i += 4) if (t.getInt32(i, true) !== view.getInt32(r + i, true)) return false;
  return i === n || t.getInt32(n - 4, true) === view.getInt32(e - 4, true);
}

/** `raw`'s first `n` characters are what the template `w` stands for */
function fits(w: Uint8Array, raw: string, n: number): boolean {
  if (w.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (w[i] === 0 ? !(c >= 48 && c <= 57) : c !== w[i]) return false;
  }
  return true;
}

/**
 * What stood before a record's text, as a template: its bytes, with 0 for each run of digits that the peel
 * (records/peel.ts) takes off alike whatever they are (a collector's timestamp; checked with all 0 and all 9),
 * while digits that name an origin (a pid, `vllm-head-1`) stay as they are. Null when the line has no such
 * wrapper the bytes can be compared with (the peel changed the text, a wrapper too long or not printable ASCII).
 */
export function wrapperTemplate(rec: LogRecord): Uint8Array | null {
  const { raw, text } = rec;
  if (!raw.endsWith(text)) return null;
  const prefix = raw.slice(0, raw.length - text.length);
  const c = prefix.charCodeAt(0);
  // (the line reader reads a line that starts with `{` or a space as JSON-lines text)
  if (prefix.length > MAX_WRAPPER || !PRINTABLE.test(prefix) || c === 123 || c === 32 || DANGERS.some((d) => prefix.includes(d))) return null;
  const same = (p: string): boolean => {
    const q = peel(p + text);
    return q.text === text && JSON.stringify(q.origin) === JSON.stringify(rec.origin);
  };
  const runs: [number, number][] = [];
  for (const m of prefix.matchAll(DIGIT_RUN)) {
    const at = m.index, n = m[0].length;
    const with_ = (d: string) => prefix.slice(0, at) + d.repeat(n) + prefix.slice(at + n);
    if (same(with_("0")) && same(with_("9"))) runs.push([at, n]);
  }
  const all = (d: string) => {
    let p = prefix;
    for (const [at, n] of runs) p = p.slice(0, at) + d.repeat(n) + p.slice(at + n);
    return p;
  };
  const wild = runs.length > 0 && same(all("0")) && same(all("9"));
  const out = Uint8Array.from(Buffer.from(prefix, "latin1"));
  if (wild) for (const [at, n] of runs) out.fill(0, at, at + n);
  return out;
}

/**
 * Text that makes the ordinary way read a line otherwise than as the request or access line it starts as, even
 * inside the client's text: a carriage return or `NCCL` splits the physical line (records/split.ts). (What the
 * peel takes off a line's end, Ray's dedup suffix and advice, colour codes, a compose line's `|`, cannot end a
 * request line, which ends in vLLM's `.`, nor an access line held to printable ASCII without `[` after its request.)
 */
const DANGERS = ["\r", "NCCL"];
const CR = Buffer.from("\r", "latin1");
const NOWHERE = 0x7fffffff;

const CCL = Buffer.from("CCL", "latin1");

/**
 * `b.indexOf("NCCL", from)`, found as `CCL` after an `N`: the search for `NCCL` stops at every `N` (one in each
 * `INFO`), the one for `CCL` at every `C`, which a server's lines seldom hold.
 */
export function indexOfNccl(b: Buffer, from: number): number {
  for (let i = b.indexOf(CCL, from + 1); i >= 0; i = b.indexOf(CCL, i + 1)) if (b[i - 1] === 78 /* N */) return i - 1;
  return -1;
}
/** `INFO` as a little-endian word, and the date and time after it (any digit where 0 stands) */
const INFO = Buffer.from("INFO", "latin1").readInt32LE(0);
const DEBU = Buffer.from("DEBU", "latin1").readInt32LE(0);
const TIME = literal(Buffer.from(" 00-00 00:00:00 ", "latin1").map((c) => (c === 48 ? 0 : c)));
/** what starts a record of vLLM's or uvicorn's (read as a record's start by the wrap joiner's RECORD_START) */
const LEVEL_WORDS = ["INFO ", "INFO:", "WARNING ", "ERROR ", "DEBUG ", "CRITICAL "].map((w) => literal(Buffer.from(w, "latin1")));
const isDigit = (c: number) => c >= 48 && c <= 57;
const two = (b: Buffer, i: number) => (b[i] - 48) * 10 + (b[i + 1] - 48);

/** lines the fast path counted in this process (for tests and VLLM_DOCTOR_DEBUG) */
export const runtimeFastLines = { count: 0, stats: 0 };

export interface RuntimeLineCounter {
  /** `nccl`: where the chunk's first `NCCL` is, -1 for none (when the caller searched for it) */
  begin(bytes: Buffer, maxChars: number, nccl?: number): ChunkLineCounter;
}

/**
 * Counts the request lines (`Received request`, `Added request`, `Finished request`, `Aborted request`) and uvicorn access
 * lines of a busy server straight from the chunk's bytes, once a line of the same shape (wrapper, header file and
 * words) went the ordinary way: they are most of such a log. The rest of such a line is the client's, which no
 * reader reads (clientDataAt), so only a DANGER in it sends it the ordinary way. `quiet` says the vLLM reader holds
 * nothing (a pending config dump or command line) that the next record would change. The report is the same either
 * way (test/runtime-fast.test.ts). It counts stats lines of a learnt shape (learnStats) and the records of a quiet
 * text (learnQuiet) too, the latter while `othersAtRest` says the other readers hold nothing of the wrapper's origin
 * either (test/quiet-lines.test.ts).
 */
export function createRuntimeFast(sink: RuntimeFastSink, quiet: () => boolean, othersAtRest: (origin: Origin) => boolean = () => false): RuntimeLineCounter {
  const shapes = sink.shapes;
  const [quietInfo, quietDebug] = shapes.quiet;
  // the shapes as literals, brought up to date when a chunk starts and when a line went the ordinary way
  const wrappers = objectArray<Literal>();
  /** each request head after its date and time (`[logger.py:43] Received request `), whose bytes are exact */
  const heads = objectArray<Literal>();
  const statsShapes = objectArray<{ head: Literal; lits: Literal[]; shape: StatsShape }>();
  const sync = () => {
    while (wrappers.length < shapes.wrappers.length) wrappers.push(literal(shapes.wrappers[wrappers.length]));
    while (heads.length < shapes.heads.length) heads.push(literal(shapes.heads[heads.length].subarray(HEAD_AT)));
    while (statsShapes.length < shapes.stats.length) {
      const x = shapes.stats[statsShapes.length];
      statsShapes.push({ head: literal(x.head), lits: x.lits.map(literal), shape: x });
    }
  };
  /** the numbers of the stats line read last */
  const nums = new Float64Array(MAX_STATS_NUMBERS);
  /** the header time last given to the sink (its bytes as four words), while no line went the ordinary way since */
  let timeKnown = false;
  let time0 = 0, time1 = 0, time2 = 0, time3 = 0;
  /** what `quiet` said since the last line that went the ordinary way (only such a line changes the vLLM reader) */
  let quietSaid = 0;
  const isQuiet = () => (quietSaid === 0 ? (quietSaid = quiet() ? 1 : 2) : quietSaid) === 1;
  // what was counted since the sink was last told (it is told before any line goes the ordinary way)
  const counted = new Int32Array(REQUEST_KINDS.length);
  const http = new Int32Array(400);
  /** of those, the responses to a request other than a POST (probes, monitoring) */
  const httpProbes = new Int32Array(400);
  /** the statuses (less 200) counted in `http` */
  const statuses: number[] = [];
  let any = false;
  const tell = () => {
    if (!any) return;
    any = false;
    for (let k = 0; k < counted.length; k++) {
      if (counted[k] > 0) sink.count(REQUEST_KINDS[k], 0, counted[k]);
      counted[k] = 0;
    }
    if (statuses.length > 1) statuses.sort((x, y) => x - y);
    for (const i of statuses) {
      sink.count("http", 200 + i, http[i], httpProbes[i]);
      http[i] = 0;
      httpProbes[i] = 0;
    }
    statuses.length = 0;
  };
  // the chunk at hand (the functions below are made once: made for each chunk, the engine would compile them anew)
  let b: Buffer = Buffer.alloc(0);
  let view = new DataView(b.buffer);
  let maxChars = 0;
  // the next CR and `NCCL` at or after the line at hand (searched again only once passed)
  let cr = -1;
  let ncclAt = -1;
  /** no DANGER in b[s, e): at once when the next CR and NCCL known lie past it (most lines) */
  const clear = (s: number, e: number): boolean => (cr >= e && ncclAt >= e) || clean(s, e);
  /** no DANGER in b[s, e) (asked with `s` not decreasing) */
  const clean = (s: number, e: number): boolean => {
    if (cr < s) {
      cr = b.indexOf(CR, s);
      if (cr < 0) cr = NOWHERE;
    }
    if (ncclAt < s) {
      ncclAt = indexOfNccl(b, s);
      if (ncclAt < 0) ncclAt = NOWHERE;
    }
    return cr >= e && ncclAt >= e;
  };
  /** the request line `<head: INFO MM-DD HH:MM:SS, file token, words><client's text>.` at p */
  const request = (s: number, p: number, e: number): boolean => {
    if (b[e - 1] !== 46 /* . */) return false;
    // (the date and time of the line before, checked then, need no checking again)
    const sameTime = timeKnown && view.getInt32(p + 4, true) === time0 && view.getInt32(p + 8, true) === time1 && view.getInt32(p + 12, true) === time2 && view.getInt32(p + 16, true) === time3;
    if (!sameTime && !at(view, b, p + 4, e, TIME)) return false;
    let k = 0;
    while (k < heads.length && !at(view, b, p + HEAD_AT, e, heads[k])) k++;
    if (k === heads.length || !clear(s, e) || !isQuiet()) return false;
    if (!sameTime) clockAt(p + 4);
    counted[shapes.kinds[k]]++;
    any = true;
    return true;
  };
  /** the header time ` MM-DD HH:MM:SS` at q, after the level word (checked digits), to the sink when it changed */
  const clockAt = (q: number) => {
    const w0 = view.getInt32(q, true), w1 = view.getInt32(q + 4, true), w2 = view.getInt32(q + 8, true), w3 = view.getInt32(q + 12, true);
    if (timeKnown && w0 === time0 && w1 === time1 && w2 === time2 && w3 === time3) return;
    const d = q + 1;
    sink.clock(two(b, d), two(b, d + 3), two(b, d + 6), two(b, d + 9), two(b, d + 12));
    timeKnown = true;
    time0 = w0;
    time1 = w1;
    time2 = w2;
    time3 = w3;
  };
  /** the stats line of shape x at p (to e): its numbers into `nums` */
  const statsAt = (p: number, e: number, x: (typeof statsShapes)[number]): boolean => {
    if (!at(view, b, p, e, x.head)) return false;
    const m = x.shape;
    const lits = x.lits;
    const last = lits.length - 1;
    const msgAt = p + x.head.n;
    let q = msgAt;
    let label = NOWHERE;
    for (let i = 0; ; i++) {
      if (i === m.labelLit) label = q - msgAt + m.labelAt;
      const lit = lits[i];
      if (!at(view, b, q, e, lit)) return false;
      q += lit.n;
      if (i === last) break;
      // digits, a dot and digits, read as Number() reads them: exact below 2^53, then one correctly rounded division
      let v = 0;
      let digits = 0;
      let scale = 1;
      for (; q < e && isDigit(b[q]); q++, digits++) v = v * 10 + (b[q] - 48);
      if (digits === 0) return false;
      if (q < e && b[q] === 46) {
        if (m.whole[i]) return false;
        for (q++; q < e && isDigit(b[q]); q++, digits++, scale *= 10) v = v * 10 + (b[q] - 48);
      }
      if (digits > MAX_DIGITS) return false;
      nums[i] = v / scale;
    }
    return q === e && label <= METRICS_MAX_AT;
  };
  /**
   * The line after a stats line starts a record (or is empty): a terminal's hard wrap cannot have cut the stats
   * line there, which the ordinary way would try to join (src/events/wrapped.ts). Its wrapper and a level word.
   */
  const recordNext = (nl: number): boolean => {
    const n0 = nl + 1;
    const end = b.length;
    if (n0 >= end) return false;
    if (b[n0] === 10 || (b[n0] === 13 && n0 + 1 < end && b[n0 + 1] === 10)) return true;
    for (let w = 0; w < wrappers.length; w++) {
      if (!at(view, b, n0, end, wrappers[w])) continue;
      const q = n0 + wrappers[w].n;
      for (const level of LEVEL_WORDS) if (at(view, b, q, end, level)) return true;
    }
    return false;
  };
  /** a stats line of a learnt shape behind wrapper w: read as the ordinary way reads it, unless a signature is in it */
  const stats = (s: number, p: number, e: number, nl: number, w: number, line: number): boolean => {
    let k = 0;
    while (k < statsShapes.length && !statsAt(p, e, statsShapes[k])) k++;
    if (k === statsShapes.length || !recordNext(nl) || !clear(s, e) || !isQuiet()) return false;
    const raw = b.toString("latin1", s, e);
    const x = statsShapes[k].shape;
    const c = x.values;
    const v: StatsValues = {
      engine: c.engine, promptTps: c.promptTps, genTps: c.genTps, running: c.running, waiting: c.waiting, kvUsagePct: c.kvUsagePct,
      aggregated: c.aggregated, prefixHitPct: c.prefixHitPct, preemptions: c.preemptions, v0: c.v0,
    };
    for (let i = 0; i < x.feeds.length; i++) {
      const f = x.feeds[i];
      if (f !== null) v[f] = nums[i];
    }
    tell();
    clockAt(p + 4);
    sink.stats(line, raw, raw.slice(p - s), shapes.origins[w], v);
    runtimeFastLines.stats++;
    return true;
  };
  /**
   * a record of a quiet text (learnQuiet) at p, its level word `level` characters long (INFO, DEBUG): only its clock
   * is read, while every reader is at rest (what follows it is read as after a read one: no quiet text is a record the
   * wrap joiner would continue, see src/classify.ts)
   */
  const quietLine = (s: number, p: number, e: number, nl: number, w: number, level: number, texts: QuietTexts): boolean => {
    const t = p + level;
    if (!at(view, b, t, e, TIME) || !texts.hasBytes(view, b, t + TIME.n, e)) return false;
    if (!clear(s, e) || !isQuiet() || !othersAtRest(shapes.origins[w])) return false;
    // (the counts so far need not be told first: no event is made before the next line read, or the chunk's end, tells them)
    clockAt(t);
    return true;
  };
  /** `INFO:`, spaces, `host - "METHOD path ..." NNN ...` with a 2xx–5xx status (see errorsSeen) and two quotes */
  const access = (s: number, p: number, e: number): boolean => {
    let q = p + 5;
    if (b[q] !== 32) return false;
    while (q < e && b[q] === 32) q++;
    const host = q;
    while (q < e && b[q] > 32 && b[q] < 127) q++;
    if (q === host || b[q] !== 32 || b[q + 1] !== 45 || b[q + 2] !== 32 || b[q + 3] !== 34) return false;
    let m = q + 4;
    const method = m;
    while (m < e && b[m] >= 65 && b[m] <= 90) m++;
    if (m === method || b[m] !== 32 || !(b[m + 1] > 32 && b[m + 1] < 127)) return false;
    // the request is the client's (any bytes but a quote); after it, printable ASCII without a quote or `[`
    const close = b.indexOf(34, m + 1);
    if (close < 0 || close >= e) return false;
    for (let i = close + 1; i < e; i++) {
      const c = b[i];
      if (c < 32 || c >= 127 || c === 34 || c === 91) return false;
    }
    if (b[close + 1] !== 32 || !isDigit(b[close + 2]) || !isDigit(b[close + 3]) || !isDigit(b[close + 4])) return false;
    const after = b[close + 5];
    if (close + 5 < e && (isDigit(after) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122) || after === 95)) return false;
    const last = b[e - 1];
    if (!(isDigit(last) || (last >= 65 && last <= 90) || (last >= 97 && last <= 122))) return false;
    const status = (b[close + 2] - 48) * 100 + (b[close + 3] - 48) * 10 + (b[close + 4] - 48);
    // (a 4xx or 5xx once the first of its class went the ordinary way: that one is the evidence)
    if (status < 200 || status >= 600 || (status >= 400 && !shapes.errorsSeen[status < 500 ? 0 : 1]) || !clear(s, e) || !isQuiet()) return false;
    if (http[status - 200]++ === 0) statuses.push(status - 200);
    // not a POST (a probe or a scrape: GET /metrics, /health) or a POST to a control endpoint: never the engine's work
    const post = m - method === 4 && b[method] === 80 && b[method + 1] === 79 && b[method + 2] === 83 && b[method + 3] === 84;
    if (!post || (CONTROL_FIRST[b[m + 2]] === 1 && CONTROL_PATH.test(b.toString("latin1", m + 1, Math.min(close, m + 1 + CONTROL_PATH_CHARS))))) httpProbes[status - 200]++;
    any = true;
    return true;
  };
  const chunk: ChunkLineCounter = {
    line(s, nl, n) {
      // (the length first: a comparison first made after the code was optimized would make the engine drop it)
      if (nl - s > maxChars || wrappers.length === 0) return false;
      // (the line reader takes a CR before the `\n` off)
      const e = b[nl - 1] === 13 ? nl - 1 : nl;
      if (e - s < 30) return false;
      for (let w = 0; w < wrappers.length; w++) {
        const x = wrappers[w];
        const p = s + x.n;
        // (`INFO` after it first: an NCCL line behind the wrapper has a header there)
        if (p + HEAD_AT > e) continue;
        const word = view.getInt32(p, true);
        if (word === INFO) {
          if (!at(view, b, s, e, x)) continue;
          const c4 = b[p + 4];
          if (c4 === 32 ? request(s, p, e) || (statsShapes.length > 0 && stats(s, p, e, nl, w, n)) || (quietInfo.size > 0 && quietLine(s, p, e, nl, w, 4, quietInfo)) : c4 === 58 && access(s, p, e)) {
            runtimeFastLines.count++;
            return true;
          }
        } else if (word === DEBU && b[p + 4] === 71 /* G */ && quietDebug.size > 0 && at(view, b, s, e, x) && quietLine(s, p, e, nl, w, 5, quietDebug)) {
          runtimeFastLines.count++;
          return true;
        }
      }
      return false;
    },
    pass() {
      timeKnown = false;
      quietSaid = 0;
      tell();
      sync();
    },
    done() {
      tell();
      sink.flush();
    },
  };
  return {
    begin(bytes, max, nccl) {
      sync();
      // (another thread's runs may have been told since the last chunk)
      timeKnown = false;
      quietSaid = 0;
      b = bytes;
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      maxChars = max;
      cr = -1;
      ncclAt = nccl === undefined ? -1 : nccl < 0 ? NOWHERE : nccl;
      return chunk;
    },
  };
}

/**
 * The server-line counter first (its lines are never NCCL lines), then the NCCL counter, offered only a chunk that
 * holds `NCCL` at all (every line it counts does); a line either counts is gone. `skipped` is told how many lines
 * were counted before the next one goes the ordinary way (each is a record the dialect observer would have seen).
 */
export function runtimeFirst(a: RuntimeLineCounter, b: LineCounter, skipped?: (records: number) => void): LineCounter {
  let counted = 0;
  const tell = () => {
    if (counted > 0) skipped?.(counted);
    counted = 0;
  };
  // the chunk's counters (the functions below are made once, see createRuntimeFast)
  let ca: ChunkLineCounter | null = null;
  let cb: ChunkLineCounter | null = null;
  let ncclIn = false;
  // where the chunk asked about last holds `NCCL` (the pass over it is made before it begins)
  let askedOf: Buffer | null = null;
  let askedNccl = -1;
  const chunk: ChunkLineCounter = {
    line(s, e, n) {
      if (ca === null ? !cb!.line(s, e, n) : !ca.line(s, e, n) && !(ncclIn && cb!.line(s, e, n))) return false;
      counted++;
      return true;
    },
    pass() {
      tell();
      ca?.pass();
      cb!.pass();
    },
    done() {
      tell();
      ca?.done();
      cb!.done();
    },
  };
  return {
    // (the NCCL counter is offered lines of a chunk that holds `NCCL`, or every line under a user rule's prefilter)
    fullScan(bytes, bare) {
      askedOf = bytes;
      askedNccl = indexOfNccl(bytes, 0);
      return (bare || askedNccl >= 0) && (b.fullScan?.(bytes, bare) ?? false);
    },
    begin(bytes, maxChars, opts): ChunkLineCounter {
      cb = b.begin(bytes, maxChars, opts);
      const nccl = askedOf === bytes ? askedNccl : indexOfNccl(bytes, 0);
      askedOf = null;
      ncclIn = nccl >= 0;
      // none under a user rule's prefilter (a pattern anchored at a record's start must see the records behind wrappers)
      ca = opts?.bare ? null : a.begin(bytes, maxChars, nccl);
      return chunk;
    },
  };
}
