/**
 * `read`, its answer kept for the last `limit` distinct texts (at most: all are forgotten when that many are kept) of
 * at most `maxChars` characters; a longer text is read afresh. For logs that print the same lines again and again
 * (NCCL's set-up lines, communicator after communicator). The caller must not change an answer it is given.
 */
export function memoByText<T>(read: (text: string) => T, { limit, maxChars }: { limit: number; maxChars: number }): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    if (text.length > maxChars) return read(text);
    let v = seen.get(text);
    if (v === undefined) {
      v = read(text);
      if (seen.size >= limit) seen.clear();
      seen.set(text, v);
    }
    return v;
  };
}
