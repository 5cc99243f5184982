import type { Event } from "../events/index.js";
import type { RuntimeStatsEvent } from "../events/runtime.js";
import type { Evidence } from "../model.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";
import type { Missing, RuntimeFacts } from "./schema.js";
import { missingFact } from "./catalog.js";

/**
 * facts.runtime: the running server's periodic stats lines, request lines and HTTP statuses (CONTRACT.md
 * "runtime"). Bounded on a log of any size and mergeable:
 *
 * - Distributions (running, waiting, KV usage, throughputs, prefix-cache hit rate) are histograms keyed by the
 *   value in hundredths (vLLM prints them with one or two decimals), so min / median / p95 / max are exact
 *   while a series holds at most HIST_EXACT_KEYS distinct values. Past that, values of 10 and more keep three
 *   significant digits (an error below 0.5%; min and max stay exact, they are kept apart). Whether a
 *   histogram is coarse depends only on the set of values seen, so any split of the inputs merges to the same.
 * - Percentiles are nearest-rank: the smallest value with at least p% of the lines at or below it.
 * - The time series behind the HTML picture and runtime/throughput-drop is bucketed by time; the bucket width
 *   doubles (from 5 s) until at most SERIES_MAX_POINTS buckets remain, which again depends only on the lines.
 * - A stall is STALL_MIN_LINES or more consecutive stats lines of one engine with requests running and zero
 *   prompt and generation throughput. The first STALLS_KEPT stalls are kept, all are counted.
 */
export const HIST_EXACT_KEYS = 4096;
export const SERIES_MAX_POINTS = 240;
export const SERIES_BASE_WIDTH_S = 5;
export const STALL_MIN_LINES = 3;
export const STALLS_KEPT = 20;
/** stats lines "stop early" when the log goes on at least this long after the last one, with requests in flight */
export const STOPPED_EARLY_MIN_S = 60;
export const STOPPED_EARLY_INTERVALS = 6;
export const KV_FULL_PCT = 95;
/** engines tracked one by one (intervals, stalls); a log naming more is hostile or broken */
export const MAX_ENGINES = 256;

export interface Hist {
  n: number;
  min: number | null;
  max: number | null;
  /** false once the values were rounded to three significant digits */
  exact: boolean;
  /** value × 100 (an integer) -> lines */
  h: Record<string, number>;
  /** distinct keys in h */
  keys: number;
}

export interface SeriesPoint {
  /** bucket start, seconds (see RuntimeStatsEvent.t) */
  t: number;
  n: number;
  runningSum: number;
  runningMax: number;
  waitingMax: number;
  /** -1 when no line of the bucket showed KV usage */
  kvMax: number;
  genSum: number;
  promptSum: number;
}

interface Open {
  from: Located;
  to: Located;
  lines: number;
  t0: number | null;
  t1: number | null;
}

interface Last {
  at: Located;
  t: number | null;
  running: number;
  waiting: number;
}

export interface Stall {
  from: Located;
  to: Located;
  statsLines: number;
  seconds: number | null;
  fromT: number | null;
  toT: number | null;
}

export interface RuntimeState {
  statsLines: number;
  firstT: number | null;
  lastT: number | null;
  running: Hist;
  waiting: Hist;
  kv: Hist;
  prompt: Hist;
  gen: Hist;
  prefix: Hist;
  spec: Hist;
  /** seconds between consecutive stats lines of one engine */
  interval: Hist;
  kvFull: number;
  v0Lines: number;
  v1Lines: number;
  /** V1 stats lines of a form only vLLM ≥0.11.1 prints (`N Engines Aggregated`, `Preemptions:`) */
  newForm: number;
  /** sum of V1 `Preemptions: N` fields */
  v1Preemptions: number;
  /** sum over closed inputs of the largest V0 cumulative preemption count; `v0PreemptCur` is the current input's */
  v0Preemptions: number;
  v0PreemptCur: number;
  preemptLines: number;
  /** lines: the request lines counted (an `Aborted request(s)` line once per id); more than 0 when the log has any */
  requests: { received: number; added: number; finished: number; aborted: number; lines: number };
  http: Record<string, number>;
  unknownModels: Record<string, number>;
  engines: string[];
  aggregated: number | null;
  stalls: Stall[];
  stallCount: number;
  /** open stall runs of the current input, per engine */
  open: Record<string, Open>;
  /** the last stats line of the current input, and request / HTTP lines after it */
  last: Last | null;
  lastPerEngine: Record<string, number | null>;
  afterLast: number;
  stoppedEarly: Located | null;
  /** the last vLLM timestamp of the current input (runtime.clock / runtime.end) */
  logLastT: number | null;
  series: { width: number; points: SeriesPoint[] };
  ev: {
    firstStats: Located | null;
    lastStats: Located | null;
    maxKv: Located | null;
    maxRunning: Located | null;
    maxWaiting: Located | null;
    firstPreempt: Located | null;
    first4xx: Located | null;
    first5xx: Located | null;
    firstUnknownModel: Located | null;
    firstWaitingFullKv: Located | null;
    firstWaitingFreeKv: Located | null;
  };
  /** stats lines with requests waiting while KV usage was at most 50% */
  waitingFreeKv: number;
  /** stats lines with requests waiting while KV usage was at least KV_FULL_PCT */
  waitingFullKv: number;
  /** stats lines with at most 2 requests running (and at least 1) */
  smallBatch: number;
  /** stats lines with at least one request running */
  busy: number;
}

// ---------------------------------------------------------------- histograms

export function newHist(): Hist {
  return { n: 0, min: null, max: null, exact: true, h: {}, keys: 0 };
}

function coarseKey(k: number): number {
  const a = Math.abs(k);
  if (a < 1000) return k;
  // 10 ** (floor(log10(a)) - 2), without the logarithm (the same for every finite key)
  let p = 10;
  if (a < 1e300) while (a >= p * 1000) p *= 10;
  else p = 10 ** (Math.floor(Math.log10(a)) - 2);
  return Math.round(k / p) * p;
}

function coarsen(h: Hist): void {
  const out: Record<string, number> = {};
  let keys = 0;
  for (const [k, c] of Object.entries(h.h)) {
    const ck = String(coarseKey(Number(k)));
    if (out[ck] === undefined) {
      out[ck] = c;
      keys++;
    } else out[ck] += c;
  }
  h.h = out;
  h.keys = keys;
  h.exact = false;
}

export function histAdd(h: Hist, v: number, times = 1): void {
  let k = Math.round(v * 100);
  if (!h.exact) k = coarseKey(k);
  // (a number as the key is the same property as its string, without making the string)
  const key = k as unknown as string;
  const cur = h.h[key];
  if (cur === undefined) {
    h.h[key] = times;
    h.keys++;
    if (h.keys > HIST_EXACT_KEYS && h.exact) coarsen(h);
  } else h.h[key] = cur + times;
  h.n += times;
  if (h.min === null || v < h.min) h.min = v;
  if (h.max === null || v > h.max) h.max = v;
}

export function histMerge(a: Hist, b: Hist): Hist {
  const out: Hist = { n: a.n + b.n, min: minN(a.min, b.min), max: maxN(a.max, b.max), exact: a.exact, h: { ...a.h }, keys: a.keys };
  if (!b.exact && out.exact) coarsen(out);
  for (const [k, c] of Object.entries(b.h)) {
    const key = out.exact ? k : String(coarseKey(Number(k)));
    if (out.h[key] === undefined) {
      out.h[key] = c;
      out.keys++;
      if (out.exact && out.keys > HIST_EXACT_KEYS) coarsen(out);
    } else out.h[key] += c;
  }
  return out;
}

const minN = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxN = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

export interface Percentiles {
  min: number;
  median: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentiles; null for an empty histogram. */
export function percentiles(h: Hist): Percentiles | null {
  if (h.n === 0 || h.min === null || h.max === null) return null;
  const keys = Object.keys(h.h).map(Number).sort((x, y) => x - y);
  const at = (p: number): number => {
    const rank = Math.max(1, Math.ceil(p * h.n));
    let cum = 0;
    for (const k of keys) {
      cum += h.h[String(k)];
      if (cum >= rank) return k / 100;
    }
    return keys[keys.length - 1] / 100;
  };
  const clamp = (v: number) => Math.min(h.max!, Math.max(h.min!, v));
  return { min: h.min, median: clamp(at(0.5)), p95: clamp(at(0.95)), max: h.max };
}

/** The share of a histogram's lines at or above `v`. */
export function shareAtLeast(h: Hist, v: number): number | null {
  if (h.n === 0) return null;
  let n = 0;
  const k = Math.round(v * 100);
  for (const [key, c] of Object.entries(h.h)) if (Number(key) >= k) n += c;
  return n / h.n;
}

// ---------------------------------------------------------------- time series

function seriesAdd(s: RuntimeState["series"], e: RuntimeStatsEvent, t: number): void {
  const start = Math.floor(t / s.width) * s.width;
  const pts = s.points;
  // lines come in time order mostly: look from the end
  let i = pts.length - 1;
  while (i >= 0 && pts[i].t > start) i--;
  let p = i >= 0 && pts[i].t === start ? pts[i] : null;
  if (!p) {
    p = { t: start, n: 0, runningSum: 0, runningMax: 0, waitingMax: 0, kvMax: -1, genSum: 0, promptSum: 0 };
    pts.splice(i + 1, 0, p);
  }
  p.n++;
  p.runningSum += e.running;
  if (e.running > p.runningMax) p.runningMax = e.running;
  if (e.waiting > p.waitingMax) p.waitingMax = e.waiting;
  if (e.kvPct !== null && e.kvPct > p.kvMax) p.kvMax = e.kvPct;
  p.genSum += e.genTps ?? 0;
  p.promptSum += e.promptTps ?? 0;
  if (pts.length > SERIES_MAX_POINTS) s.points = rebucket(pts, s.width, s.width * 2, s);
}

function combine(into: SeriesPoint, p: SeriesPoint): void {
  into.n += p.n;
  into.runningSum += p.runningSum;
  into.runningMax = Math.max(into.runningMax, p.runningMax);
  into.waitingMax = Math.max(into.waitingMax, p.waitingMax);
  into.kvMax = Math.max(into.kvMax, p.kvMax);
  into.genSum += p.genSum;
  into.promptSum += p.promptSum;
}

/** Re-buckets sorted points to `width` (a multiple of the old one), doubling until they fit; sets s.width. */
function rebucket(points: SeriesPoint[], _old: number, width: number, s: { width: number }): SeriesPoint[] {
  for (;;) {
    const out: SeriesPoint[] = [];
    for (const p of points) {
      const start = Math.floor(p.t / width) * width;
      const last = out[out.length - 1];
      if (last && last.t === start) combine(last, p);
      else out.push({ ...p, t: start });
    }
    if (out.length <= SERIES_MAX_POINTS) {
      s.width = width;
      return out;
    }
    width *= 2;
  }
}

function seriesMerge(a: RuntimeState["series"], b: RuntimeState["series"]): RuntimeState["series"] {
  const width = Math.max(a.width, b.width);
  const all = [...a.points, ...b.points].map((p) => ({ ...p, t: Math.floor(p.t / width) * width })).sort((x, y) => x.t - y.t);
  const s = { width, points: [] as SeriesPoint[] };
  s.points = rebucket(all, width, width, s);
  return s;
}

// ---------------------------------------------------------------- the domain

export function initRuntime(): RuntimeState {
  return {
    statsLines: 0, firstT: null, lastT: null,
    running: newHist(), waiting: newHist(), kv: newHist(), prompt: newHist(), gen: newHist(), prefix: newHist(), spec: newHist(), interval: newHist(),
    kvFull: 0, v0Lines: 0, v1Lines: 0, newForm: 0, v1Preemptions: 0, v0Preemptions: 0, v0PreemptCur: 0, preemptLines: 0,
    requests: { received: 0, added: 0, finished: 0, aborted: 0, lines: 0 },
    http: {}, unknownModels: {}, engines: [], aggregated: null,
    stalls: [], stallCount: 0, open: {}, last: null, lastPerEngine: {}, afterLast: 0, stoppedEarly: null, logLastT: null,
    series: { width: SERIES_BASE_WIDTH_S, points: [] },
    ev: { firstStats: null, lastStats: null, maxKv: null, maxRunning: null, maxWaiting: null, firstPreempt: null, first4xx: null, first5xx: null, firstUnknownModel: null, firstWaitingFullKv: null, firstWaitingFreeKv: null },
    waitingFreeKv: 0, waitingFullKv: 0, smallBatch: 0, busy: 0,
  };
}

const isStallLine = (e: RuntimeStatsEvent) => e.running > 0 && e.genTps === 0 && (e.promptTps ?? 0) === 0;

function closeRun(state: RuntimeState, r: Open): void {
  if (r.lines < STALL_MIN_LINES) return;
  state.stallCount++;
  state.stalls.push({ from: r.from, to: r.to, statsLines: r.lines, seconds: r.t0 !== null && r.t1 !== null ? r.t1 - r.t0 : null, fromT: r.t0, toT: r.t1 });
  if (state.stalls.length > STALLS_KEPT) state.stalls = sortStalls(state.stalls).slice(0, STALLS_KEPT);
}

function sortStalls(s: Stall[]): Stall[] {
  return [...s].sort((x, y) => x.from.input - y.from.input || x.from.line - y.from.line);
}

/** Whether the current input's stats lines stopped with requests in flight while its log went on. */
function checkStopped(state: RuntimeState): void {
  const last = state.last;
  const end = state.logLastT;
  if (!last || last.t === null || end === null || state.stoppedEarly) return;
  if (last.running + last.waiting === 0 && state.afterLast === 0) return;
  const interval = percentiles(state.interval)?.median ?? 0;
  if (end - last.t >= Math.max(STOPPED_EARLY_MIN_S, STOPPED_EARLY_INTERVALS * interval)) state.stoppedEarly = last.at;
}

/** `clockBack`: the input's lines after its last stats line go back in time (no one log in time order): no judgement of when the stats stopped */
function closeInput(state: RuntimeState, clockBack = false): void {
  if (!clockBack) checkStopped(state);
  state.logLastT = null;
  for (const r of Object.values(state.open)) closeRun(state, r);
  state.open = {};
  state.v0Preemptions += state.v0PreemptCur;
  state.v0PreemptCur = 0;
  state.last = null;
  state.lastPerEngine = {};
  state.afterLast = 0;
}

function reduceStats(state: RuntimeState, e: RuntimeStatsEvent): void {
  // (located(e), written out: a stats event's evidence is a record's, with no `derived`)
  const at: Located = { file: e.ev.file, line: e.ev.line, text: e.ev.text, input: e.input };
  state.statsLines++;
  if (e.v0) state.v0Lines++;
  else state.v1Lines++;
  if (e.aggregated !== null || e.preemptions !== null) state.newForm++;
  if (e.aggregated !== null) state.aggregated = Math.max(state.aggregated ?? 0, e.aggregated);
  if (e.engine !== "" && e.engine !== "agg" && !state.engines.includes(e.engine) && state.engines.length < MAX_ENGINES) state.engines.push(e.engine);
  state.ev.firstStats ??= at;
  state.ev.lastStats = at;
  if (e.t !== null) {
    if (state.firstT === null || e.t < state.firstT) state.firstT = e.t;
    if (state.lastT === null || e.t > state.lastT) state.lastT = e.t;
    const prev = state.lastPerEngine[e.engine];
    if (prev !== undefined && prev !== null && e.t >= prev) histAdd(state.interval, e.t - prev);
    if (prev !== undefined || Object.keys(state.lastPerEngine).length < MAX_ENGINES) state.lastPerEngine[e.engine] = e.t;
    seriesAdd(state.series, e, e.t);
  }
  if (state.running.max === null || e.running > state.running.max) state.ev.maxRunning = at;
  if (state.waiting.max === null || e.waiting > state.waiting.max) state.ev.maxWaiting = at;
  histAdd(state.running, e.running);
  histAdd(state.waiting, e.waiting);
  if (e.kvPct !== null) {
    if (state.kv.max === null || e.kvPct > state.kv.max) state.ev.maxKv = at;
    histAdd(state.kv, e.kvPct);
    if (e.kvPct >= KV_FULL_PCT) state.kvFull++;
    if (e.waiting > 0 && e.kvPct >= KV_FULL_PCT) {
      state.waitingFullKv++;
      state.ev.firstWaitingFullKv ??= at;
    }
    // a queue while nothing moves is a stall, not a scheduler limit
    if (e.waiting > 0 && e.kvPct <= 50 && ((e.genTps ?? 0) > 0 || (e.promptTps ?? 0) > 0)) {
      state.waitingFreeKv++;
      state.ev.firstWaitingFreeKv ??= at;
    }
  }
  if (e.running > 0) {
    state.busy++;
    if (e.running <= 2) state.smallBatch++;
  }
  if (e.promptTps !== null) histAdd(state.prompt, e.promptTps);
  if (e.genTps !== null) histAdd(state.gen, e.genTps);
  if (e.prefixHitPct !== null) histAdd(state.prefix, e.prefixHitPct);
  if (e.preemptions !== null && e.preemptions > 0) {
    state.v1Preemptions += e.preemptions;
    state.ev.firstPreempt ??= at;
  }
  // stalls, per engine
  const open = state.open[e.engine];
  if (isStallLine(e)) {
    if (open) {
      open.to = at;
      open.lines++;
      if (e.t !== null) open.t1 = e.t;
    } else state.open[e.engine] = { from: at, to: at, lines: 1, t0: e.t, t1: e.t };
  } else if (open) {
    closeRun(state, open);
    delete state.open[e.engine];
  }
  if (state.open[e.engine] && Object.keys(state.open).length > MAX_ENGINES) delete state.open[e.engine];
  state.last = { at, t: e.t, running: e.running, waiting: e.waiting };
  state.afterLast = 0;
}

export const runtimeDomain: FactDomain<RuntimeState, RuntimeFacts | null> = {
  name: "runtime",
  init: initRuntime,
  reduce(state, e: Event) {
    switch (e.kind) {
      case "runtime.stats":
        reduceStats(state, e);
        break;
      case "runtime.count": {
        const r = state.requests;
        switch (e.what) {
          // (lines: by the count each event carries, not by event: the fast path's one event counts many lines, however
          // the chunks were cut, and the state is the same for any read: --follow's appends, --chunk-bytes, two threads)
          case "received": r.received += e.value; r.lines += e.value; state.afterLast += e.value; break;
          case "added": r.added += e.value; r.lines += e.value; break;
          case "finished": r.finished += e.value; r.lines += e.value; break;
          case "aborted": r.aborted += e.value; r.lines += e.value; break;
          case "preempted":
            state.preemptLines++;
            if (e.value > state.v0PreemptCur) state.v0PreemptCur = e.value;
            state.ev.firstPreempt = earlier(state.ev.firstPreempt, located(e));
            break;
          case "prefixHit": histAdd(state.prefix, e.value); break;
          case "specAccept": histAdd(state.spec, e.value); break;
          case "unknownModel": {
            const name = e.label ?? "";
            if (state.unknownModels[name] !== undefined || Object.keys(state.unknownModels).length < 20) state.unknownModels[name] = (state.unknownModels[name] ?? 0) + 1;
            state.ev.firstUnknownModel ??= located(e);
            break;
          }
          case "http": {
            const k = String(e.value);
            const n = e.n ?? 1;
            state.http[k] = (state.http[k] ?? 0) + n;
            // a scrape of /metrics or a health probe after the last stats line is no request in flight
            state.afterLast += n - (e.probes ?? 0);
            if (e.value >= 400 && e.value < 500) state.ev.first4xx ??= located(e);
            else if (e.value >= 500) state.ev.first5xx ??= located(e);
            break;
          }
        }
        break;
      }
      case "runtime.clock":
        if (state.logLastT === null || e.t > state.logLastT) state.logLastT = e.t;
        break;
      case "runtime.end":
        if (e.lastT !== null && (state.logLastT === null || e.lastT > state.logLastT)) state.logLastT = e.lastT;
        closeInput(state, e.clockBack === true);
        break;
    }
  },
  merge(a0, b0) {
    const a = structuredClone(a0);
    const b = b0;
    // a's inputs all come before b's: its open runs and its last input are closed
    closeInput(a);
    const out: RuntimeState = {
      ...a,
      statsLines: a.statsLines + b.statsLines,
      firstT: minN(a.firstT, b.firstT),
      lastT: maxN(a.lastT, b.lastT),
      running: histMerge(a.running, b.running),
      waiting: histMerge(a.waiting, b.waiting),
      kv: histMerge(a.kv, b.kv),
      prompt: histMerge(a.prompt, b.prompt),
      gen: histMerge(a.gen, b.gen),
      prefix: histMerge(a.prefix, b.prefix),
      spec: histMerge(a.spec, b.spec),
      interval: histMerge(a.interval, b.interval),
      kvFull: a.kvFull + b.kvFull,
      v0Lines: a.v0Lines + b.v0Lines,
      v1Lines: a.v1Lines + b.v1Lines,
      newForm: a.newForm + b.newForm,
      v1Preemptions: a.v1Preemptions + b.v1Preemptions,
      v0Preemptions: a.v0Preemptions + b.v0Preemptions,
      v0PreemptCur: b.v0PreemptCur,
      preemptLines: a.preemptLines + b.preemptLines,
      requests: {
        received: a.requests.received + b.requests.received,
        added: a.requests.added + b.requests.added,
        finished: a.requests.finished + b.requests.finished,
        aborted: a.requests.aborted + b.requests.aborted,
        lines: a.requests.lines + b.requests.lines,
      },
      http: addCounts(a.http, b.http),
      unknownModels: addCounts(a.unknownModels, b.unknownModels, 20),
      engines: [...a.engines, ...b.engines.filter((x) => !a.engines.includes(x))].slice(0, MAX_ENGINES),
      aggregated: a.aggregated === null ? b.aggregated : b.aggregated === null ? a.aggregated : Math.max(a.aggregated, b.aggregated),
      stalls: sortStalls([...a.stalls, ...b.stalls]).slice(0, STALLS_KEPT),
      stallCount: a.stallCount + b.stallCount,
      open: structuredClone(b.open),
      last: b.last,
      lastPerEngine: { ...b.lastPerEngine },
      afterLast: b.afterLast,
      logLastT: b.logLastT,
      stoppedEarly: earlier(a.stoppedEarly, b.stoppedEarly),
      series: seriesMerge(a.series, b.series),
      ev: {
        firstStats: earlier(a.ev.firstStats, b.ev.firstStats),
        lastStats: later(a.ev.lastStats, b.ev.lastStats),
        maxKv: a.kv.max !== null && (b.kv.max === null || a.kv.max >= b.kv.max) ? a.ev.maxKv : b.ev.maxKv,
        maxRunning: a.running.max !== null && (b.running.max === null || a.running.max >= b.running.max) ? a.ev.maxRunning : b.ev.maxRunning,
        maxWaiting: a.waiting.max !== null && (b.waiting.max === null || a.waiting.max >= b.waiting.max) ? a.ev.maxWaiting : b.ev.maxWaiting,
        firstPreempt: earlier(a.ev.firstPreempt, b.ev.firstPreempt),
        first4xx: earlier(a.ev.first4xx, b.ev.first4xx),
        first5xx: earlier(a.ev.first5xx, b.ev.first5xx),
        firstUnknownModel: earlier(a.ev.firstUnknownModel, b.ev.firstUnknownModel),
        firstWaitingFullKv: earlier(a.ev.firstWaitingFullKv, b.ev.firstWaitingFullKv),
        firstWaitingFreeKv: earlier(a.ev.firstWaitingFreeKv, b.ev.firstWaitingFreeKv),
      },
      waitingFreeKv: a.waitingFreeKv + b.waitingFreeKv,
      waitingFullKv: a.waitingFullKv + b.waitingFullKv,
      smallBatch: a.smallBatch + b.smallBatch,
      busy: a.busy + b.busy,
    };
    return out;
  },
  finalize(state0) {
    return finalizeRuntime(state0, null);
  },
};

function later<T extends Located | null>(a: T, b: T): T {
  if (!a) return b;
  if (!b) return a;
  return earlier(a, b) === a ? b : a;
}

function addCounts(a: Record<string, number>, b: Record<string, number>, cap = Infinity): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (out[k] === undefined && Object.keys(out).length >= cap) continue;
    out[k] = (out[k] ?? 0) + v;
  }
  return out;
}

/** Whether the version prints V1's `Preemptions:` field (vLLM ≥0.11.1). */
function printsPreemptions(version: string | null): boolean | null {
  if (!version) return null;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return null;
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return maj > 0 || min > 11 || (min === 11 && pat >= 1);
}

const r2 = (x: number) => Math.round(x * 10000) / 10000;

/** The facts of the state (its current input closed); `version` is facts.vllm.version, which tells whether V1 logs preemptions. */
export function finalizeRuntime(state0: RuntimeState, version: string | null): { facts: RuntimeFacts | null; sources: Record<string, Evidence>; missing: Missing[] } {
  const sources: Record<string, Evidence> = {};
  const requestsSeen = state0.requests.lines > 0;
  const httpSeen = Object.keys(state0.http).length > 0;
  // (closing the input below changes none of these: a log with no server line costs no copy of the state)
  if (state0.statsLines === 0 && !requestsSeen && !httpSeen && state0.preemptLines === 0) {
    return {
      facts: null,
      sources,
      missing: [missingFact("runtime")],
    };
  }
  const state = structuredClone(state0);
  closeInput(state);
  const missing: Missing[] = [];
  const pct = (h: Hist) => percentiles(h);
  // preemptions: V0 prints a warning on the 1st and every 50th; V1 ≥0.11.1 a `Preemptions: N` field when N > 0
  let preemptions: number | null = null;
  if (state.v0Preemptions > 0 || state.v1Preemptions > 0 || state.preemptLines > 0) preemptions = state.v0Preemptions + state.v1Preemptions;
  else if (state.v0Lines > 0) preemptions = 0;
  else if (state.v1Lines > 0 && (state.newForm > 0 || printsPreemptions(version) === true)) preemptions = 0;
  if (preemptions === null && state.statsLines > 0) {
    missing.push(missingFact("runtime.preemptions", version ? { why: `V1 before vLLM 0.11.1 does not log preemptions (this is ${version})` } : {}));
  }
  const stats = state.statsLines > 0;
  if (!stats) missing.push(missingFact("runtime.statsLines"));
  const spanS = state.firstT !== null && state.lastT !== null ? state.lastT - state.firstT : null;
  if (stats && spanS === null) missing.push(missingFact("runtime.spanS"));
  const http = httpSeen ? httpClasses(state.http) : null;
  const e = state.ev;
  const src = (k: string, l: Located | null) => {
    if (l) sources[k] = plain(l)!;
  };
  src("runtime.statsLines", e.firstStats);
  src("runtime.gpuKvUsagePct", e.maxKv);
  src("runtime.running", e.maxRunning);
  src("runtime.waiting", e.maxWaiting);
  src("runtime.preemptions", e.firstPreempt);
  src("runtime.http.4xx", e.first4xx);
  src("runtime.http.5xx", e.first5xx);
  src("runtime.unknownModels", e.firstUnknownModel);
  src("runtime.waitingFullKv", e.firstWaitingFullKv);
  src("runtime.waitingFreeKv", e.firstWaitingFreeKv);
  src("runtime.lastStats", e.lastStats);
  const facts: RuntimeFacts = {
    statsLines: state.statsLines,
    spanS,
    running: stats ? pct(state.running) : null,
    waiting: stats ? pct(state.waiting) : null,
    gpuKvUsagePct: pct(state.kv),
    promptThroughput: stats ? pct(state.prompt) : null,
    generationThroughput: stats ? pct(state.gen) : null,
    kvFullShare: state.kv.n > 0 ? r2(state.kvFull / state.kv.n) : null,
    preemptions,
    prefixCacheHitRatePct: pct(state.prefix),
    requests: requestsSeen ? { received: state.requests.received, finished: state.requests.finished, aborted: state.requests.aborted } : null,
    http,
    stalls: sortStalls(state.stalls).map((s) => ({ from: plain(s.from)!, statsLines: s.statsLines, to: plain(s.to)!, seconds: s.seconds, fromT: s.fromT, toT: s.toT })),
    statsStoppedEarly: state.stoppedEarly !== null,
    // extensions
    intervalS: pct(state.interval)?.median ?? null,
    engines: state.aggregated ?? (state.engines.length > 0 ? state.engines.length : null),
    stallCount: state.stallCount,
    statsStoppedAt: plain(state.stoppedEarly),
    addedRequests: requestsSeen ? state.requests.added : null,
    httpStatus: httpSeen ? sortedCounts(state.http) : null,
    unknownModels: Object.keys(state.unknownModels).length ? sortedCounts(state.unknownModels) : null,
    specAcceptanceRatePct: pct(state.spec),
    busyShare: stats ? r2(state.busy / state.statsLines) : null,
    smallBatchShare: state.busy > 0 ? r2(state.smallBatch / state.busy) : null,
    waitingFullKvLines: state.waitingFullKv,
    waitingFreeKvLines: state.waitingFreeKv,
    exact: [state.running, state.waiting, state.kv, state.prompt, state.gen, state.prefix].every((h) => h.exact),
    series: state.series.points.length
      ? {
          widthS: state.series.width,
          points: state.series.points.map((p) => ({
            t: p.t,
            lines: p.n,
            running: r2(p.runningSum / p.n),
            runningMax: p.runningMax,
            waitingMax: p.waitingMax,
            kvMax: p.kvMax < 0 ? null : p.kvMax,
            generation: r2(p.genSum / p.n),
            prompt: r2(p.promptSum / p.n),
          })),
        }
      : null,
  };
  return { facts, sources, missing };
}

function httpClasses(byStatus: Record<string, number>): RuntimeFacts["http"] {
  const out = { "2xx": 0, "4xx": 0, "5xx": 0 };
  for (const [k, v] of Object.entries(byStatus)) {
    const c = Number(k);
    if (c >= 200 && c < 300) out["2xx"] += v;
    else if (c >= 400 && c < 500) out["4xx"] += v;
    else if (c >= 500) out["5xx"] += v;
  }
  return out;
}

function sortedCounts(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
