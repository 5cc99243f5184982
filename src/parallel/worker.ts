import { analyzeSource } from "../analyze.js";
import { fileSource } from "../input/sources.js";
import type { Part } from "./pool.js";
import type { RangeResult } from "./range.js";
import { serveJobs } from "./port.js";

/** One input for a worker thread to read. */
export interface WorkerJob {
  type?: "input";
  path: string;
  name: string;
  size?: number;
  opts: { limits?: { maxDecompressedBytes?: number; chunkBytes?: number }; maxLineChars?: number; maxEventsPerKind?: number; collectGarbage?: boolean };
}

/**
 * The later part `[start, end)` of a regular file, cut into segments (`segmentStarts`), to count from the back
 * (see ./range.ts and ./range-worker.ts) while the first thread takes segments from the front (`claims`).
 */
export interface RangeJob {
  type: "range";
  path: string;
  start: number;
  end: number;
  chunkBytes?: number;
  maxLineChars: number;
  /** what the counted segments may hand back as text in all, before the worker leaves the rest to the first thread */
  maxResidualChars: number;
  segmentBytes: number;
  /** the claim word (./claims.ts), shared with the first thread */
  claims: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: "bytes"; n: number }
  | { type: "done"; part: Part }
  | { type: "segment"; index: number; result: RangeResult }
  | { type: "range-done" }
  | { type: "failed"; message: string; inputError: boolean };

serveJobs<WorkerJob>(async (job, onBytes) => {
  const source = { ...(await fileSource(job.path)), name: job.name, size: job.size };
  const part = await analyzeSource(source, 0, { ...job.opts, onBytes, jobs: 1 });
  return { type: "done", part };
});
