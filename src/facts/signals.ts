import { SIGNATURES } from "../../grammars/signatures.js";
import type { Event } from "../events/index.js";
import type { SignalEvent } from "../events/common.js";
import type { Evidence } from "../model.js";
import { earlier, located, type FactDomain, type Located } from "./domain.js";

/** Lines kept per signature: the first few (evidence and the values rules read from them) and the last. */
export const SIGNAL_SAMPLES = 8;

export interface SignalLine extends Located {
  captures: Record<string, string>;
  rank: number | null;
  retry: boolean;
}

interface SignalState {
  /** lines that report the failure (hard) */
  count: number;
  first: SignalLine[];
  last: SignalLine | null;
  ranks: number[];
  /** NCCL INFO lines and retries: failures only when no `Init COMPLETE` follows them in their input */
  soft: { count: number; first: SignalLine[]; lastByInput: Record<string, SignalLine> };
}

export interface SignalsState {
  byId: Record<string, SignalState>;
  /** input -> the last line with `Init COMPLETE` */
  completeAt: Record<string, number>;
  /** `input\u0000line` of WARN records the NCCL reader found benign from the lines before them (a cut copy of a benign WARN) */
  benignAt?: string[];
}

/** how many such lines are kept (a paste's cut last line: one or two a log) */
const BENIGN_LINES = 64;
/** the signatures a benign NCCL WARN never counts for (as grammars/signatures.ts's matcher skips them on a benign line) */
const NCCL_FAILURE_IDS = new Set(SIGNATURES.filter((s) => s.dialect === "nccl" && s.level !== "info").map((s) => s.id));

/** What a rule reads of one signature: every line that counts, how many, and the first few of them in log order. */
export interface Signal {
  id: string;
  count: number;
  lines: SignalLine[];
  last: SignalLine;
  ranks: number[];
  /** every line that counts announces a retry: the log ends while NCCL is still trying */
  onlyRetries: boolean;
}

export type Signals = Readonly<Record<string, Signal>>;

const byPlace = (a: Located, b: Located) => a.input - b.input || a.line - b.line;

function keepFirst(list: SignalLine[], l: SignalLine): void {
  if (list.some((x) => x.input === l.input && x.line === l.line)) return;
  if (list.length >= SIGNAL_SAMPLES && byPlace(l, list[list.length - 1]) >= 0) return;
  list.push(l);
  list.sort(byPlace);
  if (list.length > SIGNAL_SAMPLES) list.pop();
}

const later = (a: SignalLine | null | undefined, b: SignalLine | null | undefined) => (!a ? b ?? null : !b ? a : earlier(a, b) === a ? b : a);

const fresh = (): SignalState => ({ count: 0, first: [], last: null, ranks: [], soft: { count: 0, first: [], lastByInput: {} } });

/**
 * `n` lines after the first alike that each made signal `e` (a hard one, whose first lines are all kept: see
 * src/classify.ts), the last at line `last`: as reading each would (they are later than every line kept first).
 */
export function reduceSignalRepeat(s: SignalsState, e: SignalEvent, n: number, last: number): void {
  const st = s.byId[e.id];
  st.count += n;
  // (a line made only when it is the later: `later` keeps the one of the two at or after the other)
  const cur = st.last;
  if (cur !== null && (cur.input > e.input || (cur.input === e.input && cur.line > last))) return;
  st.last = plainEvidence(e.ev) ? { file: e.ev.file, line: last, text: e.ev.text, input: e.input, captures: e.captures, rank: e.rank, retry: e.retry } : { ...located({ ev: { ...e.ev, line: last }, input: e.input }), captures: e.captures, rank: e.rank, retry: e.retry };
}

/** the evidence's fields are `file`, `line` and `text`, in that order (a copy of it made as one literal reads alike) */
function plainEvidence(ev: Evidence): boolean {
  let k = 0;
  for (const key in ev) if (key !== (k === 0 ? "file" : k === 1 ? "line" : k === 2 ? "text" : "") || k++ > 2) return false;
  return k === 3;
}

/**
 * The same line read again (a hard-wrapped record joined with its continuation, src/events/wrapped.ts): the values it
 * names that the line's first reading did not (the kept line is shared by `first` and `last`, its captures are replaced)
 */
function addCaptures(kept: SignalLine, more: Record<string, string>): void {
  let added: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(more)) if (kept.captures[k] === undefined) (added ??= { ...kept.captures })[k] = v;
  if (added) kept.captures = added;
}

export const signalsDomain: FactDomain<SignalsState, Signals> = {
  name: "signals",
  init: () => ({ byId: {}, completeAt: {} }),
  reduce(s, e: Event) {
    if (e.kind === "nccl.init" && e.phase === "COMPLETE") {
      s.completeAt[e.input] = Math.max(s.completeAt[e.input] ?? 0, e.ev.line);
      return;
    }
    if (e.kind === "nccl.warn") {
      if (e.cutCopyLine !== undefined && (s.benignAt ??= []).length < BENIGN_LINES) s.benignAt.push(`${e.input}\u0000${e.cutCopyLine}`);
      return;
    }
    if (e.kind !== "signal") return;
    const st = (s.byId[e.id] ??= fresh());
    const line: SignalLine = { ...located(e), captures: e.captures, rank: e.rank, retry: e.retry };
    if (e.soft) {
      // one record split into glued pieces is one line (a hard-wrapped record read again whole names more: see addCaptures)
      const prev = st.soft.lastByInput[e.input];
      if (prev && prev.line === line.line) return addCaptures(prev, e.captures);
      st.soft.count++;
      keepFirst(st.soft.first, line);
      st.soft.lastByInput[e.input] = later(prev, line)!;
    } else {
      if (st.last && st.last.input === line.input && st.last.line === line.line) return addCaptures(st.last, e.captures);
      st.count++;
      keepFirst(st.first, line);
      st.last = later(st.last, line);
    }
    if (e.rank !== null && !st.ranks.includes(e.rank) && st.ranks.length < 64) st.ranks.push(e.rank);
  },
  merge(a, b) {
    const out: SignalsState = structuredClone(a);
    for (const [k, v] of Object.entries(b.completeAt)) out.completeAt[k] = Math.max(out.completeAt[k] ?? 0, v);
    if (b.benignAt?.length) out.benignAt = [...(out.benignAt ?? []), ...b.benignAt].slice(0, BENIGN_LINES);
    for (const [id, sb] of Object.entries(b.byId)) {
      const sa = (out.byId[id] ??= fresh());
      sa.count += sb.count;
      for (const l of sb.first) keepFirst(sa.first, l);
      sa.last = later(sa.last, sb.last);
      for (const r of sb.ranks) if (!sa.ranks.includes(r) && sa.ranks.length < 64) sa.ranks.push(r);
      sa.soft.count += sb.soft.count;
      for (const l of sb.soft.first) keepFirst(sa.soft.first, l);
      for (const [k, l] of Object.entries(sb.soft.lastByInput)) sa.soft.lastByInput[k] = later(sa.soft.lastByInput[k], l)!;
    }
    return out;
  },
  finalize(s) {
    const out: Record<string, Signal> = {};
    const benign = new Set(s.benignAt ?? []);
    const isBenign = (l: SignalLine | null) => l !== null && benign.has(`${l.input}\u0000${l.line}`);
    for (const [id, whole] of Object.entries(s.byId)) {
      let st = whole;
      if (benign.size && NCCL_FAILURE_IDS.has(id) && (st.first.some(isBenign) || isBenign(st.last))) {
        // (each such line counted once: among the first kept, or as the last)
        const first = st.first.filter((l) => !isBenign(l));
        const dropped = st.first.length - first.length + (isBenign(st.last) && !st.first.includes(st.last!) ? 1 : 0);
        st = { ...st, count: st.count - dropped, first, last: isBenign(st.last) ? first[first.length - 1] ?? null : st.last };
      }
      // a soft line counts only when its input never got to `Init COMPLETE` after it
      const soft = st.soft.first.filter((l) => (s.completeAt[l.input] ?? 0) < l.line);
      const lastSoft = Object.values(st.soft.lastByInput).filter((l) => (s.completeAt[l.input] ?? 0) < l.line);
      const lines = [...st.first, ...soft].sort(byPlace).slice(0, SIGNAL_SAMPLES);
      const softCount = soft.length ? Math.max(soft.length, lastSoft.length) : lastSoft.length;
      const count = st.count + (soft.length || lastSoft.length ? Math.max(softCount, 1) : 0);
      if (count === 0) continue;
      const last = [st.last, ...lastSoft].filter((l): l is SignalLine => l !== null).sort(byPlace).at(-1) ?? lines[lines.length - 1];
      out[id] = { id, count, lines: lines.length ? lines : [last], last, ranks: [...st.ranks].sort((x, y) => x - y), onlyRetries: st.count === 0 && lines.every((l) => l.retry) };
    }
    return { facts: out, sources: {}, missing: [] };
  },
};

export type { Evidence };
