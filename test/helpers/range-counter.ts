import { claimBack, newClaims } from "../../src/parallel/claims.js";
import { countSegments, type RangeResult } from "../../src/parallel/range.js";
import type { RangeCounter } from "../../src/parallel/split.js";
import { segmentStarts } from "../../src/input/split-point.js";

/**
 * A range counter on this thread that takes every segment before the reader in order can claim one (the one
 * reading in order then only reads what it is handed back), so that the speculative counting is sure to run; keeps
 * what it counted for the test to look at.
 */
export function greedyRangeCounter(): { counter: RangeCounter; counted: Map<number, RangeResult>[] } {
  const counted: Map<number, RangeResult>[] = [];
  const counter: RangeCounter = (job, onBytes) => {
    const starts = segmentStarts(job.path, job.start, job.end, job.segmentBytes);
    const claims = newClaims(starts.length - 1);
    while (claimBack(claims) >= 0);
    const mine = new Map<number, RangeResult>();
    counted.push(mine);
    const own = newClaims(starts.length - 1);
    const segments = countSegments({ ...job, claims: own.buffer as SharedArrayBuffer }, onBytes, (k, r) => mine.set(k, r)).then(() => mine);
    return { job, starts, claims, segments, onBytes: () => {} };
  };
  return { counter, counted };
}
