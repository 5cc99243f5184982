import { numberAfter, type MetricsLine } from "../../grammars/vllm-messages.js";
import { evidenceOf, type LogRecord } from "../model.js";
import type { RuntimeCountWhat } from "./runtime.js";
import { base, type Emit } from "./types.js";
import type { ChunkLineCounter } from "./fast.js";
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

/** What the fast path tells the tap: request and access lines it counted, and their header times. */
export interface RuntimeFastSink {
  /** line shapes (process prefix, header file token) the ordinary path read, as bytes */
  readonly prefixes: Buffer[];
  readonly tokens: Buffer[];
  count(what: "received" | "added" | "finished" | "http", status: number): void;
  clock(mo: number, d: number, h: number, mi: number, sec: number): void;
  /** emits what was counted (the chunk is done) */
  flush(): void;
}

const numAfter = numberAfter;

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
  const prefixes: Buffer[] = [];
  const tokens: Buffer[] = [];
  /** a request or 2xx access line read the ordinary way: its shape may take the fast path from now on */
  const learn = (rec: LogRecord, emit: Emit, token: string | null) => {
    lastEmit = emit;
    lastRecord = rec;
    if (prefixes.length >= 16 || tokens.length >= 16) return;
    const raw = rec.raw;
    if (!raw.endsWith(rec.text) || raw.indexOf("\r") >= 0) return;
    const prefix = raw.slice(0, raw.length - rec.text.length);
    if (prefix !== "" && !/^\([A-Za-z][\w]* pid=\d+\) $/.test(prefix)) return;
    const pb = Buffer.from(prefix, "latin1");
    if (!prefixes.some((x) => x.equals(pb))) prefixes.push(pb);
    if (token !== null) {
      const tb = Buffer.from(token, "latin1");
      if (!tokens.some((x) => x.equals(tb))) tokens.push(tb);
    }
  };
  /** `[logger.py:41] ` or `logger.py:41] ` of a headed record's text */
  const tokenOf = (text: string): string | null => {
    const at = text.indexOf("] ", 24);
    if (at < 0 || at > 300) return null;
    return text.slice(20, at + 2);
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
          if (msg.startsWith("Received request ")) {
            count(rec, "received", 1, emit);
            learn(rec, emit, tokenOf(rec.text));
            return true;
          }
          return false;
        case 65: // A
          if (msg.startsWith("Added request ")) {
            count(rec, "added", 1, emit);
            learn(rec, emit, tokenOf(rec.text));
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
          if (msg.startsWith("Finished request ")) {
            count(rec, "finished", 1, emit);
            learn(rec, emit, tokenOf(rec.text));
            return true;
          }
          return false;
        case 83: // S
          if (msg.startsWith("Sequence group ") && msg.indexOf("is preempted by") > 0) {
            // the key was `total_cumulative_preemption_cnt=` in some versions (and in vLLM's optimization docs)
            const n = numAfter(msg, "total_num_cumulative_preemption=") ?? numAfter(msg, "total_cumulative_preemption_cnt=");
            count(rec, "preempted", n ?? 1, emit);
            return true;
          }
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
      if (c === 73 /* I */ && text.charCodeAt(5) === 32 && text.indexOf(' - "') > 0) {
        const m = UVICORN_ACCESS.exec(text);
        if (!m) return false;
        const status = Number(m[3]);
        count(rec, "http", status, emit, `${m[1]} ${m[2]}`);
        if (status < 400) learn(rec, emit, null);
        return true;
      }
      return false;
    },
    fast: {
      prefixes,
      tokens,
      count(what, status) {
        pending.any = true;
        if (what === "http") pending.http.set(status, (pending.http.get(status) ?? 0) + 1);
        else pending[what]++;
      },
      clock(mo, d, h, mi, sec) {
        const t0 = headerSecondsOf(mo, d, h, mi, sec);
        if (t0 !== null) {
          advance(t0);
          lastDate = "";
        }
      },
      flush,
    },
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
 * Text that sends a line the ordinary way: what the NCCL reader, the record splitter or the vLLM reader would
 * read in it (`NCCL`, `NET/`, `rank`, a second record header, a stats line), and the bytes the peel acts on.
 * Each is searched once over the whole chunk (see NeedleScan).
 */
// (a needle that starts with a common byte is slow to search: the level words are searched without their space,
// `Avg ` for a stats line, and for ranks the shapes the NCCL reader reads: `[rank3]:`, `(rank 3)`, `[PG 0 Rank 3]`,
// `rank 0 and rank 1` with `Duplicate GPU`; each finds more than the reader would read, never less)
const DANGERS = ["NCCL", "nccl==", "NET/", "Rank", "[rank", "(rank", "Duplicate GPU", "INFO ", "WARN", "ERROR", "DEBUG", "CRITICAL", "Avg ", "\r", "\x1b", "\t"];
const NOWHERE = 0x7fffffff;

class NeedleScan {
  private readonly needles = DANGERS.map((d) => Buffer.from(d, "latin1"));
  private starts: number[] = [NOWHERE];
  private next = 0;
  begin(b: Buffer): void {
    const starts: number[] = [];
    for (const needle of this.needles) for (let at = b.indexOf(needle, 0); at >= 0 && starts.length < 65536; at = b.indexOf(needle, at + 1)) starts.push(at);
    starts.sort((x, y) => x - y).push(NOWHERE);
    this.starts = starts;
    this.next = 0;
  }
  /** the first danger at or after `s` (asked with `s` not decreasing) */
  nextAt(s: number): number {
    const starts = this.starts;
    let k = this.next;
    while (starts[k] < s) k++;
    this.next = k;
    return starts[k];
  }
}

const RECEIVED = Buffer.from("Received request ", "latin1");
const ADDED = Buffer.from("Added request ", "latin1");
const FINISHED = Buffer.from("Finished request ", "latin1");

const isDigit = (c: number) => c >= 48 && c <= 57;
const two = (b: Buffer, i: number) => (b[i] - 48) * 10 + (b[i + 1] - 48);

function startsWith(b: Buffer, at: number, end: number, lit: Buffer): boolean {
  const n = lit.length;
  if (at + n > end) return false;
  // byte by byte: these literals are short, and a native compare costs more to call
  for (let i = 0; i < n; i++) if (b[at + i] !== lit[i]) return false;
  return true;
}

/** The known shape (prefix or file token) that `b` holds at `at`, or null. */
function known(b: Buffer, at: number, end: number, list: Buffer[]): Buffer | null {
  for (const x of list) if (startsWith(b, at, end, x)) return x;
  return null;
}

/**
 * Counts the request lines (`Received request`, `Added request`, `Finished request`) and 2xx/3xx uvicorn access
 * lines of a busy server straight from the chunk's bytes, once a line of the same shape (process prefix and
 * header file) went the ordinary way: they are most of such a log. `quiet` says the vLLM reader holds nothing
 * (a pending config dump or command line) that the next record would change. Every other line, and any line
 * holding a DANGER, goes the ordinary way, so the facts are the same either way (test/runtime-fast.test.ts).
 */
/** lines the fast path counted in this process (for tests and VLLM_DOCTOR_DEBUG) */
export const runtimeFastLines = { count: 0 };

export interface RuntimeLineCounter {
  /** null while no request line was read the ordinary way (then the chunk is not looked at) */
  begin(bytes: Buffer, maxChars: number): ChunkLineCounter | null;
}

export function createRuntimeFast(sink: RuntimeFastSink, quiet: () => boolean): RuntimeLineCounter {
  const scan = new NeedleScan();
  return {
    begin(b, maxChars) {
      if (sink.prefixes.length === 0) return null;
      // searched when a line of the chunk first gets that far: a chunk of NCCL lines costs nothing here
      let scanned = false;
      /** no danger in b[from, e) (the prefix and header before `from` are checked byte by byte) */
      const clean = (from: number, e: number) => {
        if (!scanned) {
          scan.begin(b);
          scanned = true;
        }
        return scan.nextAt(from) >= e;
      };
      return {
        line(s, e) {
          if (e - s > maxChars || e - s < 30) return false;
          let p = s;
          if (b[p] === 40 /* ( */) {
            const x = known(b, p, e, sink.prefixes);
            if (!x) return false;
            p += x.length;
          } else if (!sink.prefixes.some((x) => x.length === 0)) return false;
          // `INFO ` + `MM-DD HH:MM:SS ` + file token + message, or uvicorn `INFO:     ...`
          if (b[p] !== 73 || b[p + 1] !== 78 || b[p + 2] !== 70 || b[p + 3] !== 79) return false;
          if (b[p + 4] === 58 /* : */) return access(p + 5, e);
          if (b[p + 4] !== 32) return false;
          const d = p + 5;
          if (!(isDigit(b[d]) && isDigit(b[d + 1]) && b[d + 2] === 45 && isDigit(b[d + 3]) && isDigit(b[d + 4]) && b[d + 5] === 32)) return false;
          if (!(isDigit(b[d + 6]) && isDigit(b[d + 7]) && b[d + 8] === 58 && isDigit(b[d + 9]) && isDigit(b[d + 10]) && b[d + 11] === 58 && isDigit(b[d + 12]) && isDigit(b[d + 13]) && b[d + 14] === 32)) return false;
          const tok = known(b, d + 15, e, sink.tokens);
          if (!tok) return false;
          const m = d + 15 + tok.length;
          let what: "received" | "added" | "finished";
          if (startsWith(b, m, e, RECEIVED)) what = "received";
          else if (startsWith(b, m, e, ADDED)) what = "added";
          else if (startsWith(b, m, e, FINISHED)) what = "finished";
          else return false;
          if (!clean(m, e) || !quiet()) return false;
          sink.clock(two(b, d), two(b, d + 3), two(b, d + 6), two(b, d + 9), two(b, d + 12));
          sink.count(what, 0);
          runtimeFastLines.count++;
          return true;
        },
        pass() {},
        done() {
          sink.flush();
        },
      };
      /** `INFO:` then spaces, `host:port - "METHOD path ..." NNN`: exactly two quotes, a 2xx/3xx status */
      function access(p: number, e: number): boolean {
        if (b[p] !== 32 || !clean(p, e)) return false;
        while (p < e && b[p] === 32) p++;
        const host = p;
        while (p < e && b[p] !== 32) p++;
        if (p === host || b[p + 1] !== 45 || b[p + 2] !== 32 || b[p + 3] !== 34) return false;
        let q = p + 4;
        const method = q;
        while (q < e && b[q] >= 65 && b[q] <= 90) q++;
        if (q === method || b[q] !== 32 || q + 1 >= e || b[q + 1] === 32) return false;
        const close = b.indexOf(34, q + 1);
        if (close < 0 || close >= e || b.indexOf(34, close + 1) < e && b.indexOf(34, close + 1) >= 0) return false;
        if (b[close + 1] !== 32 || !isDigit(b[close + 2]) || !isDigit(b[close + 3]) || !isDigit(b[close + 4])) return false;
        const after = b[close + 5];
        if (close + 5 < e && (isDigit(after) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122) || after === 95)) return false;
        const status = (b[close + 2] - 48) * 100 + (b[close + 3] - 48) * 10 + (b[close + 4] - 48);
        if (status < 200 || status >= 400) return false;
        if (!quiet()) return false;
        sink.count("http", status);
        runtimeFastLines.count++;
        return true;
      }
    },
  };
}
