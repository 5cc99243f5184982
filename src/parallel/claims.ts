/**
 * Segments shared out between two threads through one shared word: the first thread takes them from the front,
 * the second from the back, until they meet; each segment is taken exactly once.
 */

/** A claim word for `count` segments (at most 65,535). */
export function newClaims(count: number): Int32Array {
  if (count > 0xffff) throw new Error(`too many segments (${count})`);
  const claims = new Int32Array(new SharedArrayBuffer(4));
  claims[0] = count << 16;
  return claims;
}

/** The next segment from the front, or -1 when none is left. */
export const claimFront = (claims: Int32Array): number => claim(claims, false);

/** The next segment from the back, or -1 when none is left. */
export const claimBack = (claims: Int32Array): number => claim(claims, true);

function claim(claims: Int32Array, fromBack: boolean): number {
  for (;;) {
    const w = Atomics.load(claims, 0);
    const front = w & 0xffff;
    const back = w >>> 16;
    if (front >= back) return -1;
    const next = fromBack ? ((back - 1) << 16) | front : (back << 16) | (front + 1);
    if (Atomics.compareExchange(claims, 0, w, next) === w) return fromBack ? back - 1 : front;
  }
}

/** The first segment the front did not take (all before it were the front's, all from it on the back's). */
export function frontEnd(claims: Int32Array): number {
  return Atomics.load(claims, 0) & 0xffff;
}
