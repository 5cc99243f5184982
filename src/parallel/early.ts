import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { DEFAULT_CHUNK_BYTES, DEFAULT_MAX_LINE_CHARS } from "../input/defaults.js";
import { SPLIT_DEFAULTS, mayCountFrom, segmentStarts, splitPoint } from "../input/split-point.js";
import { parseByteSize } from "../input/size.js";
import { newClaims } from "./claims.js";
import { debug } from "../util/debug.js";
import type { RangeResult } from "./range.js";
import type { RangeJob, WorkerMessage } from "./worker.js";

// Kept to the node: built-ins and a few small modules: the CLI loads this before anything else.

const RANGE_WORKER_URL = new URL("./range-worker.js", import.meta.url);

export type RangeJobSpec = Omit<RangeJob, "type" | "claims">;

/** The segments of a range being counted from the back by another thread, while this one claims from the front. */
export interface RangeCount {
  job: RangeJobSpec;
  /** the segments' starts, then the range's end (`segmentStarts`) */
  starts: number[];
  /** the claim word shared with the counting thread (./claims.ts) */
  claims: Int32Array;
  /** the counted segments by index, once the counting thread is done */
  segments: Promise<Map<number, RangeResult>>;
  /** where the counting thread's progress goes (bytes reported before are passed on at once) */
  onBytes(report: (n: number) => void): void;
}

export function spawnRangeCount(job: RangeJobSpec): RangeCount & { worker: Worker } {
  const starts = segmentStarts(job.path, job.start, job.end, job.segmentBytes);
  const claims = newClaims(starts.length - 1);
  const worker = new Worker(RANGE_WORKER_URL);
  let report: ((n: number) => void) | undefined;
  let unreported = 0;
  const counted = new Map<number, RangeResult>();
  const segments = new Promise<Map<number, RangeResult>>((resolve, reject) => {
    const finish = (then: () => void) => {
      worker.removeAllListeners();
      void worker.terminate();
      then();
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "bytes") {
        if (report) report(m.n);
        else unreported += m.n;
      } else if (m.type === "segment") counted.set(m.index, m.result);
      else if (m.type === "range-done") finish(() => resolve(counted));
      else if (m.type === "failed") finish(() => reject(new Error(m.message)));
    });
    worker.on("error", (e) => finish(() => reject(e)));
    worker.on("exit", (code) => finish(() => reject(new Error(`worker thread stopped (exit ${code})`))));
  });
  segments.catch(() => {});
  worker.postMessage({ type: "range", ...job, claims: claims.buffer as SharedArrayBuffer } satisfies RangeJob);
  return {
    job,
    starts,
    claims,
    segments,
    worker,
    onBytes(f) {
      report = f;
      if (unreported) f(unreported);
      unreported = 0;
    },
  };
}

let early: (RangeCount & { worker: Worker }) | undefined;

/**
 * When the command line asks `analyze` to read one big regular file on more than one thread, starts counting its
 * later part now, while this thread is still loading the rest of the CLI. `takeEarlyCount` hands it to the
 * analysis if that asks for the same range; an early count nobody takes never holds the process open.
 */
export function startEarlyCount(argv: readonly string[]): void {
  try {
    const job = earlyJob(argv);
    if (!job) return;
    early = spawnRangeCount(job);
    early.worker.unref();
  } catch {
    early = undefined;
  }
}

/** The early count of exactly this range, if one was started (any other is stopped). */
export function takeEarlyCount(job: RangeJobSpec): RangeCount | undefined {
  const e = early;
  early = undefined;
  if (!e) return undefined;
  const same = (Object.keys(job) as (keyof RangeJobSpec)[]).every((k) => job[k] === e.job[k]) && Object.keys(e.job).length === Object.keys(job).length;
  if (!same) {
    void e.worker.terminate();
    return undefined;
  }
  e.worker.ref();
  return e;
}

/** Stops the early count, if any: the analysis reads the file another way (a user rule sees every line, say). */
export function dropEarlyCount(): void {
  if (!early) return;
  debug("threads", `${early.job.path}: the count started before the CLI loaded is not used; stopped`);
  void early.worker.terminate();
  early = undefined;
}

// `analyze` options as the CLI defines them; anything else on the line and no early start is tried
const VALUE_OPTIONS = new Set(["-f", "--format", "-o", "--output", "-j", "--jobs", "--max-decompressed", "--config", "--expect-busbw", "--split-min"]);
const FLAGS = new Set(["--no-color", "--no-progress", "--redact", "--redact-models", "--events", "--debug"]);

/** The range the analysis will ask to count, read off the command line the way the CLI reads it, or null. */
export function earlyJob(argv: readonly string[]): RangeJobSpec | null {
  const args = argv.slice(2);
  while (args[0] === "--debug") args.shift();
  if (args.shift() !== "analyze") return null;
  const operands: string[] = [];
  let jobs: string | undefined;
  let splitMin: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (name === "-j" || name === "--jobs") jobs = value;
      else if (name === "--split-min") splitMin = value;
    } else if (FLAGS.has(a)) continue;
    else if (a.startsWith("-") && a !== "-") return null;
    else operands.push(a);
  }
  const threads = jobs === undefined || jobs === "auto" ? Math.min(availableParallelism(), 8) : Number(jobs);
  if (!(threads >= 2) || operands.length !== 1 || operands[0] === "-") return null;
  const path = operands[0];
  const st = statSync(path);
  // (the hidden --split-min: the analysis reads a smaller file in two parts too; a size it refuses, and none is started)
  const minBytes = splitMin === undefined ? SPLIT_DEFAULTS.minBytes : parseByteSize(splitMin);
  if (minBytes === undefined || !st.isFile() || st.size < Math.max(minBytes, 2)) return null;
  const at = splitPoint(path, Math.max(1, Math.floor(st.size * SPLIT_DEFAULTS.share)));
  if (at === null || at >= st.size || !mayCountFrom(path, at, st.size)) return null;
  return {
    path, start: at, end: st.size, chunkBytes: DEFAULT_CHUNK_BYTES, maxLineChars: DEFAULT_MAX_LINE_CHARS,
    maxResidualChars: SPLIT_DEFAULTS.maxResidualChars, segmentBytes: SPLIT_DEFAULTS.segmentBytes,
  };
}
