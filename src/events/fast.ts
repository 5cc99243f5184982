import type { ChunkScan } from "../input/chunk-scan.js";

/**
 * The counting fast path of the hot loop. Most lines of a big NCCL COLL/TRACE log only bump a counter;
 * a reader that can recognise such a line in the bytes of its chunk (without making a string of it, a
 * record, a peel or a grammar) offers a `LineCounter`. It must count a line exactly as its `read` would
 * have, and leave every line it is not sure of (returns false) to the ordinary path.
 */
export interface LineCounter {
  /**
   * Starts a chunk of whole lines of UTF-8, each ended by `\n`, and returns the counter for its lines.
   * Called before any line of the chunk (also the one it completes) is read the ordinary way. Lines longer
   * than `maxChars` are left to the ordinary path (which cuts them).
   */
  begin(bytes: Buffer, maxChars: number, opts?: ChunkOptions): ChunkLineCounter;
  /** whether the reading loop's one pass over this chunk is to find more than the line ends (`ChunkOptions.scan`) */
  fullScan?(bytes: Buffer, bare: boolean): boolean;
}

export interface ChunkOptions {
  /** false: some byte of the chunk is above 0x7F (a line holding one is left to the ordinary path) */
  ascii?: boolean;
  /** only lines without a wrapper before the record are counted (a user rule's patterns see the raw line) */
  bare?: boolean;
  /** the one pass over the chunk's lines (src/input/chunk-scan.ts): a counter that needs a full one counts nothing without it */
  scan?: ChunkScan;
}

export interface ChunkLineCounter {
  /** Counts `bytes[start, end)` (end is its `\n`) as line `line` and returns true, or returns false and counts nothing. */
  line(start: number, end: number, line: number): boolean;
  /** The line at hand goes the ordinary way (offered to `line` or not): the counters it may touch are brought up to date. */
  pass(): void;
  /** The chunk's lines are all seen: whatever the counter read lazily from them is read now (the bytes may go). */
  done(): void;
}
