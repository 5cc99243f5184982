/**
 * The counting fast path of the hot loop. Most lines of a big NCCL COLL/TRACE log only bump a counter;
 * a reader that can recognise such a line inside the chunk text (without copying it out, without a
 * record, a peel or a grammar) offers a `LineCounter`. It must count a line exactly as its `read` would
 * have, and leave every line it is not sure of (returns false) to the ordinary path.
 */
export interface LineCounter {
  /**
   * Starts a chunk of whole lines, each ended by `\n`, and returns the counter for its lines when they are
   * plain ASCII (`ascii`). Called for every chunk, before any of its lines (also the one it completes) is read
   * the ordinary way: what the counter holds back for the previous chunk is settled here. Lines longer than
   * `maxChars` are left to the ordinary path (which cuts them).
   */
  begin(body: string, maxChars: number): ChunkLineCounter;
}

export interface ChunkLineCounter {
  /** Counts `body[start, end)` (end is its `\n`) as line `line` and returns true, or returns false and counts nothing. */
  line(start: number, end: number, line: number): boolean;
}
