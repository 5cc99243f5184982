import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RangeResult } from "./range.js";
import { spawnRangeCount, takeEarlyCount, type RangeJobSpec } from "./early.js";
import { debug } from "../util/debug.js";

/** Counts `[start, end)` of a file (see ./range.ts). */
export type RangeCounter = (job: RangeJobSpec, onBytes?: (n: number) => void) => Promise<RangeResult>;

/**
 * The worker-thread range counter (taking over the count the CLI started early, when it is this one), or
 * undefined when the compiled worker is absent (running from the TypeScript sources).
 */
export function workerRangeCounter(): RangeCounter | undefined {
  if (!existsSync(fileURLToPath(new URL("./range-worker.js", import.meta.url)))) return undefined;
  return (job, onBytes) => {
    const early = takeEarlyCount(job);
    debug("threads", `${job.path}: bytes ${job.start}-${job.end} counted on a worker thread ${early ? "started before the CLI loaded" : "started now"}`);
    const count = early ?? spawnRangeCount(job);
    if (onBytes) count.onBytes(onBytes);
    return count.result;
  };
}

/** The same counting on this thread (for tests, and where worker threads are not wanted). */
export const localRangeCounter: RangeCounter = async (job, onBytes) => {
  const { fileSource, DEFAULT_LIMITS } = await import("../input/sources.js");
  const { countRange } = await import("./range.js");
  const source = await fileSource(job.path);
  const limits = { ...DEFAULT_LIMITS, ...(job.chunkBytes ? { chunkBytes: job.chunkBytes } : {}) };
  return countRange(await source.openRange!(job.start, job.end, limits), { maxLineChars: job.maxLineChars, maxResidualChars: job.maxResidualChars, onBytes });
};
