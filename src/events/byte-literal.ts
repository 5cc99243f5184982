import { Literal as ExactBytes } from "./nccl-fast-line.js";

// Byte literals where a byte may stand for any digit: a learnt wrapper's timestamp, a server line's date and time.

/**
 * Bytes to compare four at a time (0 in `bytes`: any digit): per word of four, the bytes that must be as they are
 * (`want` under `exact`) and the bytes that must be digits (`digit`, the high bit of each such byte). The last word
 * may reach past the literal: what it holds there is no part of it (neither exact nor a digit).
 */
export interface Literal {
  bytes: Uint8Array;
  /** bytes.length (a number kept apart: the bytes are a Buffer or a Uint8Array) */
  n: number;
  want: Int32Array;
  exact: Int32Array;
  digit: Int32Array;
  /** the same bytes compared eight at a time, when they hold no digit wildcard (wrappers, request heads) */
  whole: ExactBytes | null;
}

export function literal(bytes: Uint8Array): Literal {
  const whole = bytes.length >= 8 && !bytes.includes(0) ? new ExactBytes(Buffer.from(bytes).toString("latin1")) : null;
  const n = (bytes.length + 3) >> 2;
  const want = new Int32Array(n), exact = new Int32Array(n), digit = new Int32Array(n);
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    const j = i >> 2, shift = 8 * (i & 3);
    if (c === 0) digit[j] |= 0x80 << shift;
    else {
      want[j] |= c << shift;
      exact[j] |= 0xff << shift;
    }
  }
  return { bytes, n: bytes.length, want, exact, digit, whole };
}

/**
 * The high bit of each byte of `x` (four ASCII or other bytes, little-endian) that is a digit: at least `0` (with the
 * high bit set first, a byte's subtraction never borrows from the next), below `:` (adding 0x46 carries into the high
 * bit from `:` on), and itself below 0x80.
 */
const digits = (x: number) => ((x | 0x80808080) - 0x30303030) & ~((x & 0x7f7f7f7f) + 0x46464646) & ~x & 0x80808080;

/** `x` stands in the chunk at `i` (its end at most `e`), compared a word at a time (small: the engine inlines it) */
export function at(view: DataView, b: Buffer, i: number, e: number, x: Literal): boolean {
  if (i + x.n > e) return false;
  if (x.whole !== null) return x.whole.at(view, i, e);
  const { want, exact, digit } = x;
  // (the buffer's length: a DataView's byteLength is a call the engine does not inline)
  if (i + (want.length << 2) > b.length) return atEnd(b, i, x);
  for (let j = 0, k = i; j < want.length; j++, k += 4) {
    const w = view.getInt32(k, true);
    if (((w ^ want[j]) & exact[j]) !== 0) return false;
    const d = digit[j];
    if (d !== 0 && (digits(w) & d) !== d) return false;
  }
  return true;
}

/** `at` a byte at a time, where the last word would reach past the chunk */
function atEnd(b: Buffer, i: number, x: Literal): boolean {
  const bytes = x.bytes;
  for (let k = 0; k < bytes.length; k++) {
    const c = b[i + k];
    const wanted = bytes[k];
    if (wanted === 0 ? !(c >= 48 && c <= 57) : c !== wanted) return false;
  }
  return true;
}

