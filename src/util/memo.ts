/**
 * `read`, its answer kept for the last `limit` distinct texts (at most: all are forgotten when that many are kept) of
 * at most `maxChars` characters; a longer text is read afresh. For logs that print the same lines again and again
 * (NCCL's set-up lines, communicator after communicator). The caller must not change an answer it is given.
 *
 * Where texts seldom come again (a big job's set-up: a new process for every rank), what is kept is only garbage that
 * lives long enough to fill the old heap: when fewer than one in eight texts asked since the last forgetting were
 * kept ones, only every second new text is kept from then on (then every fourth, down to one in 64), all again once
 * they come back.
 */
export function memoByText<T>(read: (text: string) => T, { limit, maxChars }: { limit: number; maxChars: number }): (text: string) => T {
  const seen = new Map<string, T>();
  let hits = 0;
  let misses = 0;
  let every = 1;
  let skip = 0;
  return (text) => {
    if (text.length > maxChars) return read(text);
    let v = seen.get(text);
    if (v !== undefined) {
      hits++;
      return v;
    }
    v = read(text);
    misses++;
    if (++skip < every) return v;
    skip = 0;
    if (seen.size >= limit) {
      every = hits * 8 < misses ? Math.min(every * 2, 64) : 1;
      hits = misses = 0;
      seen.clear();
    }
    seen.set(text, v);
    return v;
  };
}
