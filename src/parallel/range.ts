import { ActivityTable, createFastCounter, type CountedBehind, type FastCounter, type NcclFastCounts } from "../events/nccl-fast-counter.js";
import { releaseRing } from "../input/chunk-scan.js";
import { readLineLoop } from "../input/line-loop.js";
import { DEFAULT_LIMITS, fileSource } from "../input/sources.js";
import { segmentStarts } from "../input/split-point.js";
import { claimBack } from "./claims.js";
import type { RangeJob } from "./worker.js";
import { objectArray } from "../util/arrays.js";

/**
 * What a second thread made of the later part of an input: the lines it only counted (NCCL collective and
 * TRACE lines, see createFastCounter's `speculative`), and every other line as text for the first thread to
 * read the ordinary way, in order, once it has read up to the cut.
 */
export interface RangeResult {
  /** lines for the ordinary path and their 1-based numbers within the range */
  residual: string[];
  residualLines: number[];
  /** how many of them were cut to the line cap */
  cut: number;
  counts: NcclFastCounts;
  /** where lines behind which origin-naming wrapper were counted, between the lines handed back */
  behind: CountedBehind[];
  /** lines in the range (when it was read to its end) */
  lines: number;
  /**
   * 0, or the first line of the range not looked at: the residual text grew past its cap, so the rest is
   * left to the first thread (the lines before it are all in `residual` or counted)
   */
  stoppedAt: number;
  /** when the counting ended (ms since the epoch, for VLLM_DOCTOR_DEBUG=threads) */
  doneAt: number;
  /** when it started counting (ms since the epoch, as doneAt) */
  startAt: number;
}

export interface RangeOptions {
  maxLineChars: number;
  /** stop once the residual text holds this many characters (it is held in memory until the first thread takes it) */
  maxResidualChars: number;
  onBytes?: (n: number) => void;
}

const MOSTLY_AFTER = 1 << 20;

const speculativeCounter = () => createFastCounter(new ActivityTable(), { speculative: true, hostSeen: () => false });

/**
 * The lines a counter hands back, taken by one function for all the ranges it counts (a function made per range would
 * be a new call target in the reading loop each time, which throws the loop's optimized code away).
 */
class HandBack {
  residual = objectArray<string>();
  residualLines: number[] = [];
  chars = 0;
  constructor(private readonly fast: FastCounter) {}
  /** a new range: its own lists (the last range's were handed on) */
  start(): this {
    this.residual = objectArray<string>();
    this.residualLines = [];
    this.chars = 0;
    return this;
  }
  readonly keep = (text: string, line: number): void => {
    if (text.length === 0) return;
    this.fast.handedBack(text);
    this.residual.push(text);
    this.residualLines.push(line);
    this.chars += text.length + 16;
  };
}
const handBacks = new WeakMap<FastCounter, HandBack>();

/** Reads the later part of an input (a stream that starts at a line start) as `RangeResult` says. */
export async function countRange(stream: AsyncIterable<Uint8Array>, opts: RangeOptions, counter?: FastCounter): Promise<RangeResult> {
  // counts only: every line it does not count goes back as text, so no host is ever noted here
  const fast = counter ?? speculativeCounter();
  if (counter) counter.newRegion();
  let back = handBacks.get(fast);
  if (!back) handBacks.set(fast, (back = new HandBack(fast)));
  const h = back.start();
  const { residual, residualLines, keep } = h;
  let cut = 0;
  let read = 0;
  const startAt = performance.timeOrigin + performance.now();
  const { next, stopped } = await readLineLoop(stream, {
    maxLineChars: opts.maxLineChars, sniff: false, firstLine: 1, counter: fast.fast, onLine: keep,
    onBytes: (n) => {
      read += n;
      opts.onBytes?.(n);
    },
    onCut: () => cut++,
    // (leaving the loop closes the stream) a part it mostly hands back is better read by the first thread alone
    stop: () => h.chars > opts.maxResidualChars || (read >= MOSTLY_AFTER && h.chars > read / 4),
  });
  return { residual, residualLines, cut, counts: fast.counts(), behind: fast.behind(), lines: next - 1, stoppedAt: stopped ? next : 0, doneAt: performance.timeOrigin + performance.now(), startAt };
}

/**
 * Counts the segments of a range job from the back, each on its own (a fresh counter: a segment's first line of
 * each process or communicator goes back as text, so that the first thread creates the counters in file order),
 * until the first thread's claims from the front meet them or the text handed back reaches the job's limit.
 */
export async function countSegments(job: Omit<RangeJob, "type">, onBytes: ((n: number) => void) | undefined, each: (index: number, result: RangeResult) => void): Promise<void> {
  const starts = segmentStarts(job.path, job.start, job.end, job.segmentBytes);
  const claims = new Int32Array(job.claims);
  const source = await fileSource(job.path);
  const limits = { ...DEFAULT_LIMITS, ...(job.chunkBytes ? { chunkBytes: job.chunkBytes } : {}) };
  let budget = job.maxResidualChars;
  const ring: Buffer[] = [];
  // one counter for all segments (a fresh one would be compiled afresh by the engine, slow for its first megabytes)
  const counter = speculativeCounter();
  try {
    for (let k = claimBack(claims); k >= 0; k = budget > 0 ? claimBack(claims) : -1) {
      const result = await countRange(await source.openRange!(starts[k], starts[k + 1], limits, ring), { maxLineChars: job.maxLineChars, maxResidualChars: budget, onBytes }, counter);
      for (const t of result.residual) budget -= t.length + 16;
      if (result.stoppedAt) budget = 0;
      each(k, result);
    }
  } finally {
    releaseRing(ring);
  }
}
