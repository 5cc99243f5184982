import type { Readable } from "node:stream";
import type { LearnedWrapper, NcclFastCounts } from "../events/nccl-fast-counter.js";
import type { InputLimits, InputSource } from "../input/sources.js";
import { SPLIT_DEFAULTS, mayCountFrom, plainFile, splitPoint } from "../input/split-point.js";
import { releaseRing } from "../input/chunk-scan.js";
import { debug } from "../util/debug.js";
import { claimFront, frontEnd } from "./claims.js";
import type { RangeCounter } from "./split.js";

export interface SplitOptions {
  /** a regular file at least this big is read on two threads */
  minBytes?: number;
  /** the share of the file the first thread reads before the segments */
  share?: number;
  /** what the second thread may hand back as text in all before it leaves the rest to the first */
  maxResidualChars?: number;
  /** the size of the segments the rest is shared out in */
  segmentBytes?: number;
  /** counts segments of the later part (default: on a worker thread; tests pass one that runs on this thread) */
  counter?: RangeCounter;
}

/** What a read plan needs of the reader in order (analyzeSource). */
export interface OrderedReader {
  /** reads a stream whose first line is `firstLine`, lines before `skipUntil` only counted; the next line's number */
  readStream(stream: Readable | AsyncIterable<Uint8Array>, firstLine: number, sniff: boolean, skipUntil: number): Promise<number>;
  /** lines `[from, to)` the other thread handed back, in order: each counted where the counter can, else read the ordinary way */
  readLines(texts: readonly string[], lineNos: readonly number[], from: number, to: number): void;
  /** what the other thread counted over the lines after `lineOffset` */
  absorb(counts: NcclFastCounts, lineOffset: number): void;
  /** the other thread counted lines behind this wrapper here (false: the readers in order would have said something of them) */
  countedBehind(w: LearnedWrapper): boolean;
  /** lines the other thread cut to the line cap */
  cut(n: number): void;
  onBytes(n: number): void;
}

export interface PlanOptions {
  jobs?: number;
  split?: SplitOptions;
  limits: InputLimits;
  maxLineChars: number;
  /** the input may be read on two threads (its lines can be counted and nobody needs them as they come) */
  splittable: boolean;
  /** what opening the input found worth saying (layers of compression, a missing byte order mark) */
  notice?: (message: string) => void;
}

/**
 * Reads an input in order, in one pass or (a big regular file, `jobs` ≥ 2) in two parts: this thread reads up to a
 * cut, then takes segments of the rest from the front while a second thread counts what it can of segments from
 * the back and hands the rest back as text (./range.ts). Resolves with the number of lines.
 */
export async function readPlanned(source: InputSource, o: PlanOptions, reader: OrderedReader): Promise<number> {
  const split = o.splittable ? await planSplit(source, o) : null;
  // a count the CLI started before it loaded is of no use then: it would only take a core from this thread
  if (!split && (o.jobs ?? 1) > 1 && source.path) (await import("./early.js")).dropEarlyCount();
  if (!split) {
    // a big plain regular file is read straight into a ring of buffers, as the parts of a split read are (fresh
    // memory for every chunk costs page faults, and is only returned at the next collection)
    const big = source.size !== undefined && source.size > 4 * o.limits.chunkBytes;
    const plain = o.splittable && big && source.openRange && source.path && plainFile(source.path);
    const stream = plain ? await source.openRange!(0, source.size!, o.limits, undefined, true) : await source.open(o.limits, o.notice);
    return (await reader.readStream(stream, 1, true, 0)) - 1;
  }
  const count = split.counter(
    { path: source.path!, start: split.at, end: source.size!, chunkBytes: o.limits.chunkBytes, maxLineChars: o.maxLineChars, maxResidualChars: split.maxResidualChars, segmentBytes: split.segmentBytes },
    (n) => reader.onBytes(n),
  );
  const { starts, claims } = count;
  const ring: Buffer[] = [];
  try {
    const readSegment = async (k: number, firstLine: number, skipUntil = 0) => reader.readStream(await source.openRange!(starts[k], starts[k + 1], o.limits, ring), firstLine, false, skipUntil);
    const startedAt = performance.now();
    let lineNo = await reader.readStream(await source.openRange!(0, split.at, o.limits, ring), 1, true, 0);
    const firstPartAt = performance.now();
    let mine = 0;
    for (let k = claimFront(claims); k >= 0; k = claimFront(claims), mine++) lineNo = await readSegment(k, lineNo);
    const firstDone = performance.now();
    const counted = await count.segments.catch(() => null);
    const from = frontEnd(claims);
    const otherDone = counted?.size ? Math.max(...[...counted.values()].map((r) => r.doneAt)) - performance.timeOrigin : NaN;
    const otherStart = counted?.size ? Math.min(...[...counted.values()].map((r) => r.startAt)) - performance.timeOrigin : NaN;
    debug("threads", `${source.name}: this thread started reading at ${Math.round(startedAt)} ms, read up to the cut at ${Math.round(firstPartAt)} ms; the other started counting at ${Math.round(otherStart)} ms`);
    debug("threads", `${source.name}: ${mine} of ${starts.length - 1} segments read here, ${counted?.size ?? 0} counted on the other thread; this thread done at ${Math.round(firstDone)} ms, the other at ${Math.round(otherDone)} ms`);
    // the other thread's segments, in order: the lines it handed back, then its counts
    for (let k = from; k < starts.length - 1; k++) {
      const r = counted?.get(k);
      if (!r) {
        lineNo = await readSegment(k, lineNo);
        continue;
      }
      const base = lineNo - 1;
      let b = 0;
      const behindTo = (j: number) => {
        for (; b < r.behind.length && r.behind[b].at <= j; b++) {
          const { wrapper, origin } = r.behind[b];
          if (!reader.countedBehind({ wrapper, origin, memo: {} })) debug("threads", `${source.name}: lines counted behind ${wrapper.trim()} before line ${base + (r.residualLines[j] ?? r.lines + 1)} were not quiet`);
        }
      };
      const lineNos = r.residualLines.map((n) => base + n);
      // (in runs between the places lines were counted behind a wrapper, each asked of in its place)
      for (let j = 0; j < r.residual.length; ) {
        behindTo(j);
        let to = r.residual.length;
        if (b < r.behind.length) to = Math.min(to, Math.max(j + 1, r.behind[b].at));
        reader.readLines(r.residual, lineNos, j, to);
        j = to;
      }
      behindTo(r.residual.length);
      reader.cut(r.cut);
      reader.absorb(r.counts, base);
      lineNo = r.stoppedAt ? await readSegment(k, base + 1, base + r.stoppedAt) : base + r.lines + 1;
    }
    debug("threads", `${source.name}: the other thread's part taken in at ${Math.round(performance.now())} ms`);
    return lineNo - 1;
  } finally {
    // (the ring's buffers go back for the next file this thread reads)
    releaseRing(ring);
  }
}

async function planSplit(source: InputSource, o: PlanOptions): Promise<{ at: number; counter: RangeCounter; maxResidualChars: number; segmentBytes: number } | null> {
  const split = { ...SPLIT_DEFAULTS, ...o.split };
  if ((o.jobs ?? 1) < 2 || !source.path || !source.openRange || source.size === undefined || source.size < Math.max(split.minBytes, 2)) return null;
  const counter = split.counter ?? (await import("./split.js")).workerRangeCounter();
  if (!counter) return null;
  let at: number | null = null;
  try {
    at = splitPoint(source.path, Math.max(1, Math.floor(source.size * split.share)));
  } catch {
    at = null;
  }
  if (at === null || at >= source.size) return null;
  // (a counter passed in is a test's, which splits what it is given)
  if (!split.counter && !mayCountFrom(source.path, at, source.size)) {
    debug("threads", `${source.name}: no NCCL line to count after the cut; read on one thread`);
    return null;
  }
  return { at, counter, maxResidualChars: split.maxResidualChars, segmentBytes: split.segmentBytes };
}
