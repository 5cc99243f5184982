/**
 * `read`, its answer kept for the last `limit` distinct texts (at most: all are forgotten when that many are kept) of
 * at most `maxChars` characters that were asked for twice within the last `RECENT` distinct texts; a longer text is
 * read afresh. For logs that print the same lines again and again (NCCL's set-up lines, communicator after
 * communicator). A text asked for once is kept only among the last few (a big job's per-rank lines, each made
 * once: kept until `limit` others came, every one outlived the young generation, ~3% of such a log's CPU in
 * collecting them). While under one in 32 texts is found, most are read without a look (a look hashes the text,
 * ~2 ns a character). The caller must not change an answer it is given.
 */
export function memoByText<T>(read: (text: string) => T, { limit, maxChars }: { limit: number; maxChars: number }): (text: string) => T {
  const seen = new Map<string, T>();
  const recent = new Map<string, T>();
  let asked = 0;
  let found = 0;
  let skip = 0;
  return (text) => {
    if (text.length > maxChars) return read(text);
    if (skip > 0) {
      skip--;
      return read(text);
    }
    if (++asked === PROBE) {
      if (found < PROBE / 32) skip = 16 * PROBE;
      asked = found = 0;
    }
    let v = seen.get(text);
    if (v !== undefined) {
      found++;
      return v;
    }
    v = recent.get(text);
    if (v === undefined) {
      v = read(text);
      if (recent.size >= RECENT) recent.clear();
      recent.set(text, v);
      return v;
    }
    found++;
    if (seen.size >= limit) seen.clear();
    seen.set(text, v);
    return v;
  };
}

const RECENT = 256;
/** texts looked up between two checks of how many were found */
const PROBE = 256;
