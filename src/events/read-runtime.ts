import { numberAfter, type MetricsLine } from "../../grammars/vllm-messages.js";
import { evidenceOf, type LogRecord } from "../model.js";
import { peel } from "../records/peel.js";
import type { RuntimeCountWhat } from "./runtime.js";
import { base, type Emit } from "./types.js";
import type { ChunkLineCounter, LineCounter } from "./fast.js";
import { headerSeconds, headerSecondsOf, YEAR } from "../util/header-time.js";

/**
 * Reads the running server's lines for facts.runtime, called by the vLLM reader (src/events/read-vllm.ts),
 * which has already split the logger header off: the periodic stats lines of every version, V0 preemption
 * warnings, request lines, uvicorn access lines, spec-decoding metrics and unknown-model errors. Every test
 * starts with the message's first character or a fixed prefix, so the other records cost one comparison.
 */
export interface RuntimeTap {
  /** every vLLM record's header time (MM-DD, HH:MM:SS), for the span and for stats that stop early */
  clock(date: string, time: string): void;
  /** a stats line the vLLM reader parsed */
  stats(rec: LogRecord, msg: string, m: MetricsLine, hasHead: boolean, emit: Emit): void;
  /** any other vLLM message; true when it was a runtime line */
  message(rec: LogRecord, msg: string, emit: Emit): boolean;
  /** a record without a vLLM header (uvicorn `INFO:     ip:port - "POST ..." 200 OK`, a bare stats line); true when read */
  other(rec: LogRecord, text: string, emit: Emit): boolean;
  end(emit: Emit): void;
  /** the counting fast path over the chunk's bytes (see createRuntimeFast) */
  fast: RuntimeFastSink;
}

/** A header time as one number (month, day, hour, minute, second), for comparing. */
const timeKey = (mo: number, d: number, h: number, mi: number, s: number) => (((mo * 32 + d) * 24 + h) * 60 + mi) * 61 + s;

/** What the fast path tells the tap: request and access lines it counted, and their header times. */
export interface RuntimeFastSink {
  /** the line shapes the ordinary path read (see createRuntimeFast) */
  readonly shapes: RuntimeShapes;
  /** `n` more lines of a kind (`status`: an access line's) */
  count(what: RequestWhat | "http", status: number, n: number): void;
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
export const REQUEST_WORDS = { received: "Received request ", added: "Added request ", finished: "Finished request " } as const;
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

const AGGREGATED = /^(\d+) Engines Aggregated: /;
/** seconds of log time between two runtime.clock events */
const CLOCK_EVENT_S = 10;
const UVICORN_ACCESS = /^INFO:\s+\S+ - "([A-Z]+) (\S+)[^"]*" (\d{3})\b/;
const UNKNOWN_MODEL = /The model `([^`]{1,200})` does not exist/;

export function createRuntimeTap(): RuntimeTap {
  let lastDate = "";
  let lastTime = "";
  let lastT: number | null = null;
  /** seconds added for each year the header wrapped round (Dec -> Jan) */
  let yearOffset = 0;
  let lastStatsRec: LogRecord | null = null;

  let clockSent: number | null = null;
  const advance = (t0: number): number => {
    let t = t0 + yearOffset;
    if (lastT !== null && t < lastT - YEAR / 2) {
      yearOffset += YEAR;
      t += YEAR;
    }
    lastT = t;
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
  const pending = { received: 0, added: 0, finished: 0, any: false, http: new Map<number, number>() };
  const flush = () => {
    if (!pending.any || !lastEmit || !lastRecord) return;
    const b = base(lastRecord, { file: lastRecord.file, line: lastRecord.line, text: "" });
    for (const what of ["received", "added", "finished"] as const) {
      if (pending[what] > 0) lastEmit({ kind: "runtime.count", ...b, what, value: pending[what], t: lastT });
      pending[what] = 0;
    }
    for (const [status, n] of pending.http) lastEmit({ kind: "runtime.count", ...b, what: "http", value: status, n, t: lastT });
    pending.http.clear();
    pending.any = false;
  };
  const count = (rec: LogRecord, what: RuntimeCountWhat, value: number, emit: Emit, label?: string) => {
    flush();
    emit({ kind: "runtime.count", ...base(rec, evidenceOf(rec)), what, value, ...(label !== undefined ? { label } : {}), t: lastT });
  };
  const shapes: RuntimeShapes = { wrappers: [], heads: [], kinds: [] };
  /** a request or 2xx/3xx access line read the ordinary way: its shape may take the fast path from now on */
  const learn = (rec: LogRecord, emit: Emit, what: RequestWhat | null, msgStart: number) => {
    lastEmit = emit;
    lastRecord = rec;
    learnShape(shapes, rec, what, msgStart);
  };
  const fastSink: RuntimeFastSink = {
    shapes,
    count(what, status, n) {
      pending.any = true;
      if (what === "http") pending.http.set(status, (pending.http.get(status) ?? 0) + n);
      else pending[what] += n;
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
    stats(rec, msg, m, hasHead, emit) {
      const at = msg.indexOf("Avg prompt throughput: ");
      let engine = m.engine !== null ? String(m.engine) : "";
      let aggregated: number | null = null;
      if (m.engine === null && at > 0) {
        const a = AGGREGATED.exec(msg);
        if (a) {
          engine = "agg";
          aggregated = Number(a[1]);
        }
      }
      const v0 = msg.indexOf("Pending: ", at) > 0 || msg.indexOf("Swapped: ", at) > 0;
      const prefixHitPct = v0 ? null : numAfter(msg, "Prefix cache hit rate: ", at);
      const preemptions = v0 ? null : numAfter(msg, "Preemptions: ", at);
      if (hasHead) lastStatsRec = rec;
      lastEmit = emit;
      lastRecord = rec;
      flush();
      emit({
        kind: "runtime.stats",
        ...base(rec, evidenceOf(rec)),
        t: hasHead ? lastT : null,
        engine,
        aggregated,
        running: m.running,
        waiting: m.waiting,
        kvPct: m.kvUsagePct,
        promptTps: m.promptTps,
        genTps: m.genTps,
        prefixHitPct,
        preemptions,
        v0,
      });
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
          if (msg.startsWith("Aborted request")) {
            // `Aborted request %s.` or (≥0.10) `Aborted request(s) id1,id2.`
            let n = 1;
            if (msg.startsWith("Aborted request(s) ")) for (let i = 19; i < msg.length; i++) if (msg.charCodeAt(i) === 44) n++;
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
        count(rec, "http", status, emit, `${m[1]} ${m[2]}`);
        if (status < 400) learn(rec, emit, null, 0);
        return true;
      }
      return false;
    },
    fast: fastSink,
    end(emit) {
      flush();
      const at = lastStatsRec;
      if (!at) return;
      emit({ kind: "runtime.end", ...base(at, evidenceOf(at)), lastT });
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
  heads: Buffer[];
  /** each head's kind, as its index in REQUEST_KINDS */
  kinds: number[];
}

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
  if (wrapper && !shapes.wrappers.some((w) => w.length === wrapper.length && w.every((x, i) => x === wrapper[i]))) shapes.wrappers.push(wrapper);
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

/**
 * Bytes to compare four at a time (0 in `bytes`: any digit): per word of four, the bytes that must be as they are
 * (`want` under `exact`) and the bytes that must be digits (`digit`, the high bit of each such byte).
 */
interface Literal {
  bytes: Uint8Array;
  want: Int32Array;
  exact: Int32Array;
  digit: Int32Array;
}

function literal(bytes: Uint8Array): Literal {
  const n = bytes.length >> 2;
  const want = new Int32Array(n), exact = new Int32Array(n), digit = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < 4; k++) {
      const c = bytes[j * 4 + k];
      if (c === 0) digit[j] |= 0x80 << (8 * k);
      else {
        want[j] |= c << (8 * k);
        exact[j] |= 0xff << (8 * k);
      }
    }
  }
  return { bytes, want, exact, digit };
}

/**
 * The high bit of each byte of `x` (four ASCII or other bytes, little-endian) that is a digit: at least `0` (with the
 * high bit set first, a byte's subtraction never borrows from the next), below `:` (adding 0x46 carries into the high
 * bit from `:` on), and itself below 0x80.
 */
const digits = (x: number) => ((x | 0x80808080) - 0x30303030) & ~((x & 0x7f7f7f7f) + 0x46464646) & ~x & 0x80808080;

/** `x` stands in the chunk at `at` (its end at most `e`) */
function at(view: DataView, b: Buffer, i: number, e: number, x: Literal): boolean {
  const bytes = x.bytes;
  const n = bytes.length;
  if (i + n > e) return false;
  const { want, exact, digit } = x;
  let k = 0;
  for (let j = 0; j < want.length; j++, k += 4) {
    const w = view.getInt32(i + k, true);
    if (((w ^ want[j]) & exact[j]) !== 0) return false;
    const d = digit[j];
    if (d !== 0 && (digits(w) & d) !== d) return false;
  }
  for (; k < n; k++) {
    const c = b[i + k];
    const wanted = bytes[k];
    if (wanted === 0 ? !(c >= 48 && c <= 57) : c !== wanted) return false;
  }
  return true;
}

const NCCL = Buffer.from("NCCL", "latin1");
const isDigit = (c: number) => c >= 48 && c <= 57;
const two = (b: Buffer, i: number) => (b[i] - 48) * 10 + (b[i + 1] - 48);

/** lines the fast path counted in this process (for tests and VLLM_DOCTOR_DEBUG) */
export const runtimeFastLines = { count: 0 };

export interface RuntimeLineCounter {
  /** `nccl`: where the chunk's first `NCCL` is, -1 for none (when the caller searched for it) */
  begin(bytes: Buffer, maxChars: number, nccl?: number): ChunkLineCounter;
}

/**
 * Counts the request lines (`Received request`, `Added request`, `Finished request`) and 2xx/3xx uvicorn access
 * lines of a busy server straight from the chunk's bytes, once a line of the same shape (wrapper, header file and
 * words) went the ordinary way: they are most of such a log. The rest of such a line is the client's, which no
 * reader reads (clientDataAt), so only a DANGER in it sends it the ordinary way. `quiet` says the vLLM reader holds
 * nothing (a pending config dump or command line) that the next record would change. The report is the same either
 * way (test/runtime-fast.test.ts).
 */
export function createRuntimeFast(sink: RuntimeFastSink, quiet: () => boolean): RuntimeLineCounter {
  const shapes = sink.shapes;
  // the shapes as literals, brought up to date when a chunk starts and when a line went the ordinary way
  const wrappers: Literal[] = [];
  const heads: Literal[] = [];
  const sync = () => {
    while (wrappers.length < shapes.wrappers.length) wrappers.push(literal(shapes.wrappers[wrappers.length]));
    while (heads.length < shapes.heads.length) heads.push(literal(shapes.heads[heads.length]));
  };
  /** the header time last given to the sink, while no line went the ordinary way since */
  let lastTime = -1;
  // what was counted since the sink was last told (it is told before any line goes the ordinary way)
  const counted = new Int32Array(REQUEST_KINDS.length);
  const http = new Int32Array(200);
  let any = false;
  const tell = () => {
    if (!any) return;
    any = false;
    for (let k = 0; k < counted.length; k++) {
      if (counted[k] > 0) sink.count(REQUEST_KINDS[k], 0, counted[k]);
      counted[k] = 0;
    }
    for (let i = 0; i < http.length; i++) {
      if (http[i] > 0) sink.count("http", 200 + i, http[i]);
      http[i] = 0;
    }
  };
  // the chunk at hand (the functions below are made once: made for each chunk, the engine would compile them anew)
  let b: Buffer = Buffer.alloc(0);
  let view = new DataView(b.buffer);
  let maxChars = 0;
  // the next CR and `NCCL` at or after the line at hand (searched again only once passed)
  let cr = -1;
  let ncclAt = -1;
  /** no DANGER in b[s, e) (asked with `s` not decreasing) */
  const clean = (s: number, e: number): boolean => {
    if (cr < s) {
      cr = b.indexOf(CR, s);
      if (cr < 0) cr = NOWHERE;
    }
    if (ncclAt < s) {
      ncclAt = b.indexOf(NCCL, s);
      if (ncclAt < 0) ncclAt = NOWHERE;
    }
    return cr >= e && ncclAt >= e;
  };
  /** the request line `<head: INFO MM-DD HH:MM:SS, file token, words><client's text>.` at p */
  const request = (s: number, p: number, e: number): boolean => {
    if (b[e - 1] !== 46 /* . */) return false;
    let k = 0;
    while (k < heads.length && !at(view, b, p, e, heads[k])) k++;
    if (k === heads.length || !clean(s, e) || !quiet()) return false;
    const d = p + 5;
    const mo = two(b, d), dd = two(b, d + 3), hh = two(b, d + 6), mi = two(b, d + 9), ss = two(b, d + 12);
    const t = timeKey(mo, dd, hh, mi, ss);
    if (t !== lastTime) {
      sink.clock(mo, dd, hh, mi, ss);
      lastTime = t;
    }
    counted[shapes.kinds[k]]++;
    any = true;
    return true;
  };
  /** `INFO:`, spaces, `host - "METHOD path ..." NNN ...` with a 2xx/3xx status and two quotes */
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
    if (status < 200 || status >= 400 || !clean(s, e) || !quiet()) return false;
    http[status - 200]++;
    any = true;
    return true;
  };
  const chunk: ChunkLineCounter = {
    line(s, nl) {
      if (wrappers.length === 0 || nl - s > maxChars) return false;
      // (the line reader takes a CR before the `\n` off)
      const e = b[nl - 1] === 13 ? nl - 1 : nl;
      if (e - s < 30) return false;
      for (let w = 0; w < wrappers.length; w++) {
        const x = wrappers[w];
        if (!at(view, b, s, e, x)) continue;
        const p = s + x.bytes.length;
        if (b[p] !== 73 || b[p + 1] !== 78 || b[p + 2] !== 70 || b[p + 3] !== 79) continue;
        const c4 = b[p + 4];
        if (c4 === 32 ? request(s, p, e) : c4 === 58 && access(s, p, e)) {
          runtimeFastLines.count++;
          return true;
        }
      }
      return false;
    },
    pass() {
      lastTime = -1;
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
      lastTime = -1;
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
    begin(bytes, maxChars, opts): ChunkLineCounter {
      cb = b.begin(bytes, maxChars, opts);
      const nccl = bytes.indexOf(NCCL);
      ncclIn = nccl >= 0;
      // none under a user rule's prefilter (a pattern anchored at a record's start must see the records behind wrappers)
      ca = opts?.bare ? null : a.begin(bytes, maxChars, nccl);
      return chunk;
    },
  };
}
