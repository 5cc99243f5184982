import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RangeResult } from "./range.js";
import { spawnRangeCount, takeEarlyCount, type RangeCount, type RangeJobSpec } from "./early.js";
import { segmentStarts } from "../input/split-point.js";
import { newClaims } from "./claims.js";
import { debug } from "../util/debug.js";

/** Starts counting the segments of `[start, end)` of a file from the back (see ./range.ts). */
export type RangeCounter = (job: RangeJobSpec, onBytes?: (n: number) => void) => RangeCount;

/**
 * The worker-thread range counter (taking over the count the CLI started early, when it is this one), or
 * undefined when the compiled worker is absent (running from the TypeScript sources).
 */
export function workerRangeCounter(): RangeCounter | undefined {
  if (!existsSync(fileURLToPath(new URL("./range-worker.js", import.meta.url)))) return undefined;
  return (job, onBytes) => {
    const early = takeEarlyCount(job);
    debug("threads", `${job.path}: bytes ${job.start}-${job.end} counted from the back on a worker thread ${early ? "started before the CLI loaded" : "started now"}`);
    const count = early ?? spawnRangeCount(job);
    if (onBytes) count.onBytes(onBytes);
    return count;
  };
}

/** The same counting on this thread, taking turns with the reading at each chunk (for tests). */
export const localRangeCounter: RangeCounter = (job, onBytes) => {
  const starts = segmentStarts(job.path, job.start, job.end, job.segmentBytes);
  const claims = newClaims(starts.length - 1);
  const counted = new Map<number, RangeResult>();
  const segments = (async () => {
    const { countSegments } = await import("./range.js");
    await countSegments({ ...job, claims: claims.buffer as SharedArrayBuffer }, onBytes, (index, result) => counted.set(index, result));
    return counted;
  })();
  return { job, starts, claims, segments, onBytes: () => {} };
};
