import type { MetricsLine } from "../../grammars/vllm-messages.js";
import { evidenceOf, type LogRecord } from "../model.js";
import type { RuntimeCountWhat } from "./runtime.js";
import { base, type Emit } from "./types.js";
import { headerSeconds, YEAR } from "../util/header-time.js";

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
}

/** The number right after `label` (digits and one dot), from `from`; null when absent. */
function numAfter(msg: string, label: string, from = 0): number | null {
  const i = msg.indexOf(label, from);
  if (i < 0) return null;
  let j = i + label.length;
  const start = j;
  while (j < msg.length) {
    const c = msg.charCodeAt(j);
    if ((c >= 48 && c <= 57) || c === 46) j++;
    else break;
  }
  return j > start ? Number(msg.slice(start, j)) : null;
}

const AGGREGATED = /^(\d+) Engines Aggregated: /;
const UVICORN_ACCESS = /^INFO:\s+\S+ - "([A-Z]+) (\S+)[^"]*" (\d{3})\b/;
const UNKNOWN_MODEL = /The model `([^`]{1,200})` does not exist/;

export function createRuntimeTap(): RuntimeTap {
  let lastDate = "";
  let lastTime = "";
  let lastT: number | null = null;
  /** seconds added for each year the header wrapped round (Dec -> Jan) */
  let yearOffset = 0;
  let lastStatsRec: LogRecord | null = null;

  const timeOf = (date: string, time: string): number | null => {
    if (date === lastDate && time === lastTime) return lastT;
    const t0 = headerSeconds(date, time);
    if (t0 === null) return null;
    let t = t0 + yearOffset;
    if (lastT !== null && t < lastT - YEAR / 2) {
      yearOffset += YEAR;
      t += YEAR;
    }
    // a clock that went back a little (another node's local time) is kept as written
    lastDate = date;
    lastTime = time;
    lastT = t;
    return t;
  };

  const count = (rec: LogRecord, what: RuntimeCountWhat, value: number, emit: Emit, label?: string) => {
    emit({ kind: "runtime.count", ...base(rec, evidenceOf(rec)), what, value, ...(label !== undefined ? { label } : {}), t: lastT });
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
            return true;
          }
          return false;
        case 65: // A
          if (msg.startsWith("Added request ")) {
            count(rec, "added", 1, emit);
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
            return true;
          }
          return false;
        case 83: // S
          if (msg.startsWith("Sequence group ") && msg.indexOf("is preempted by") > 0) {
            const n = numAfter(msg, "total_num_cumulative_preemption=");
            count(rec, "preempted", n ?? 1, emit);
            return true;
          }
          if (msg.startsWith("SpecDecoding metrics: ")) {
            // V1: `... Avg Draft acceptance rate: 61.2%`; 0.8.x: `Draft acceptance rate: 0.612, ...`
            const pct = numAfter(msg, "Avg Draft acceptance rate: ");
            const frac = pct === null ? numAfter(msg, "Draft acceptance rate: ") : null;
            const v = pct ?? (frac !== null ? frac * 100 : null);
            if (v !== null) count(rec, "specAccept", v, emit);
            return true;
          }
          if (msg.startsWith("Speculative metrics: ")) {
            // V0: `Speculative metrics: Draft acceptance rate: 0.651, System efficiency: 0.570, ...`
            const frac = numAfter(msg, "Draft acceptance rate: ");
            if (frac !== null) count(rec, "specAccept", frac * 100, emit);
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
        count(rec, "http", Number(m[3]), emit, `${m[1]} ${m[2]}`);
        return true;
      }
      return false;
    },
    end(emit) {
      const at = lastStatsRec;
      if (!at) return;
      emit({ kind: "runtime.end", ...base(at, evidenceOf(at)), lastT });
    },
  };
}
