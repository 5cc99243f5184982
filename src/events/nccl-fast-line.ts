import { isAscii } from "node:buffer";
/**
 * Which NCCL lines the counting fast path (./fast.ts) may take, read straight from the bytes of a chunk.
 *
 * `fastLineRegex` (grammars/nccl-fast.ts, beside the grammar) is the specification: a line that starts with a header `host:pid:tid [dev]` already checked
 * once, followed by a COLL record (`NCCL INFO <op>: opCount <hex> ...`) or a TRACE record
 * (`[<ms>] [<func>:<line>] NCCL TRACE ...`). `matchAfterHeader` answers the same question on bytes without
 * making a string of the line; test/fast-line.test.ts holds the two to each other. Whatever they do not
 * accept goes the ordinary way (records, peel, grammar).
 */

import { CHATTER, FAST_OPS } from "../../grammars/nccl-fast.js";
import { referenceScanner, type ChunkScan } from "../input/chunk-scan.js";

export { CHATTER, FAST_DANGERS, FAST_KEY, FAST_OPS, fastLineRegex } from "../../grammars/nccl-fast.js";

export const NO_MATCH = 0;
export const COLL = 1;
export const TRACE = 2;
/** INFO chatter (CHATTER): the reader only counts it */
export const CHAT = 3;

/**
 * A fixed string of bytes, compared eight at a time (as float64: equal bits are equal numbers and the reverse, but
 * for NaN and ±0, which no eight bytes of text here are; the last eight overlap when the length is no multiple of
 * eight), or four at a time when shorter or not text, through a DataView over the chunk (a chunk is read once per
 * line for several of these, so the per-byte loop showed in profiles).
 */
const NO_NUMBERS: readonly number[] = [];
// eight characters of a text as the bytes a chunk holds them (latin1), read as one float64
const SCRATCH = new DataView(new ArrayBuffer(8));
const eightAt = (text: string, p: number): number => {
  for (let k = 0; k < 8; k++) SCRATCH.setUint8(k, text.charCodeAt(p + k) & 0xff);
  return SCRATCH.getFloat64(0, true);
};

export class Literal {
  readonly length: number;
  readonly text: string;
  /** eight bytes at a time, the last eight at `length - 8`; empty when compared four at a time */
  private readonly eights: readonly number[];
  /** four bytes at a time (as int32), then the bytes left */
  private readonly words: readonly number[];
  private readonly tail: readonly number[];
  // (made from the text alone, with no buffer or view of its own, its numbers in plain arrays, not typed ones (a
  // typed array and its buffer cost some 200 bytes more): the fast path makes one for each header and connection
  // group, tens of thousands in a big job's set-up, and each lives long enough to reach the old heap)
  constructor(text: string) {
    this.text = text;
    const n = (this.length = text.length);
    let eights: number[] = [];
    for (let k = 0; n >= 8 && k < Math.ceil(n / 8); k++) {
      const f = eightAt(text, Math.min(8 * k, n - 8));
      if (f !== f || f === 0) {
        eights = [];
        break;
      }
      eights.push(f);
    }
    this.eights = eights.length ? eights : NO_NUMBERS;
    const whole = eights.length ? 0 : n & ~3;
    const byte = (k: number) => text.charCodeAt(k) & 0xff;
    const words: number[] = [];
    for (let k = 0; k < whole; k += 4) words.push(byte(k) | (byte(k + 1) << 8) | (byte(k + 2) << 16) | (byte(k + 3) << 24));
    this.words = words.length ? words : NO_NUMBERS;
    const tail: number[] = [];
    for (let k = whole; !eights.length && k < n; k++) tail.push(byte(k));
    this.tail = tail.length ? tail : NO_NUMBERS;
  }
  /** the literal stands at `dv[p]` (p ≥ 0), wholly before `limit` (at most the view's length) */
  at(dv: DataView, p: number, limit: number): boolean {
    const n = this.length;
    if (p + n > limit) return false;
    const f = this.eights;
    if (f.length > 0) {
      const last = f.length - 1;
      for (let k = 0; k < last; k++) if (dv.getFloat64(p + 8 * k, true) !== f[k]) return false;
      return dv.getFloat64(p + n - 8, true) === f[last];
    }
    const w = this.words;
    let q = p;
    for (let k = 0; k < w.length; k++, q += 4) if (dv.getInt32(q, true) !== w[k]) return false;
    const t = this.tail;
    for (let k = 0; k < t.length; k++) if (dv.getUint8(q + k) !== t[k]) return false;
    return true;
  }
}

const NCCL_INFO = new Literal(" NCCL INFO ");
const NCCL_TRACE = new Literal("NCCL TRACE");
// ` NCCL INFO <op>: opCount ` for each of FAST_OPS, by the first character of <op>
const INFO_OP_AT = NCCL_INFO.length;
// (no list where no op starts: every list read is then of one kind, and the compiled code stays)
const INFO_OPS_BY_FIRST: (Literal[] | undefined)[] = Array.from({ length: 128 }, (_, c) => {
  const ops = FAST_OPS.filter((op) => op.charCodeAt(0) === c).map((op) => new Literal(` NCCL INFO ${op}: opCount `));
  return ops.length ? ops : undefined;
});

// character classes by byte, one table lookup each (`undefined`, past the end of a buffer, is in none)
const DIGIT = 1;
const HEX = 2;
const WORD = 4;
const LETTER = 8;
const FUNC = 16; // what `[\w./\-]` holds
const CLASSES = new Uint8Array(256).map((_, c) => {
  const ch = String.fromCharCode(c);
  return (/\d/.test(ch) ? DIGIT : 0) | (/[0-9a-fA-F]/.test(ch) ? HEX : 0) | (/\w/.test(ch) ? WORD : 0) | (/[A-Za-z_]/.test(ch) ? LETTER : 0) | (/[\w./\-]/.test(ch) ? FUNC : 0);
});
const isDigit = (c: number) => (CLASSES[c] & DIGIT) !== 0;
const isHex = (c: number) => (CLASSES[c] & HEX) !== 0;
const isWord = (c: number) => (CLASSES[c] & WORD) !== 0;
const isLetter = (c: number) => (CLASSES[c] & LETTER) !== 0;
const isFuncChar = (c: number) => (CLASSES[c] & FUNC) !== 0;


// the pass over the chunk (src/input/chunk-scan.ts) the counter began, and the next `[` it found that FAST_REST refuses
// (asked with `r` not decreasing); a buffer no counter began (a test's) is scanned here, in plain code
let scanOf: Buffer | null = null;
let scanNow: ChunkScan | null = null;
let bracketNext = 0;
let bracketFrom = 0;

/** FAST_REST over `b[r, nl)`: every `[` is followed by neither `\d*[\],;m]` nor `repeated `. */
function restIsPlain(b: Buffer, r: number, nl: number): boolean {
  if (scanOf !== b) newChunk(b, referenceScanner.scan(b, 0, b.length));
  const scan = scanNow!;
  const at = scan.bracket;
  let j = r >= bracketFrom ? bracketNext : 0;
  while (j < scan.bracketCount && at[j] < r) j++;
  bracketNext = j;
  bracketFrom = r;
  return j >= scan.bracketCount || at[j] >= nl;
}

/** the length of ` NCCL INFO <op>: opCount ` at `b[p]` when <op> is one of FAST_OPS, else 0 */
function infoOpLength(b: Buffer, dv: DataView, p: number, nl: number): number {
  const ops = INFO_OPS_BY_FIRST[b[p + INFO_OP_AT] & 127];
  if (ops !== undefined) for (let k = 0; k < ops.length; k++) if (ops[k].at(dv, p, nl)) return ops[k].length;
  return 0;
}

// the first two characters of CHATTER's words (`proxyProgress`, `Connected to proxy`, `NET/IB: NCCL Dev`, …); its
// `file.cc:NNN …` forms hold `.cc:` or `.h:` (a message that matches neither is no chatter, without making its string)
const CHATTER_STARTS = new Set(["pr", "Re", "Ne", "NE", "nc", "re", "Co", "se", "Al", "Me", "tr"].map((w) => w.charCodeAt(0) | (w.charCodeAt(1) << 8)));
const DOT_CC = new Literal(".cc:");
const DOT_H = new Literal(".h:");
// the first `.` at or after `dotFrom` in `dotIn` (-1: none), as last searched: lines come in order, so a chunk is
// searched about once however many lines hold no `.` (a set-up log's connection lines); forgotten with each chunk
// (`newChunk`: a buffer may be filled again)
let dotIn: Buffer | null = null;
/** a counter begins the chunk `b`, scanned as `scan` */
export function newChunk(b: Buffer, scan: ChunkScan): void {
  dotIn = null;
  scanOf = b;
  scanNow = scan;
  bracketNext = 0;
  bracketFrom = 0;
}
let dotFrom = 0;
let dotAt = -1;
function mayBeChatter(b: Buffer, dv: DataView, m: number, nl: number): boolean {
  if (CHATTER_STARTS.has(b[m] | (b[m + 1] << 8))) return true;
  let d: number;
  if (dotIn === b && dotFrom <= m && (dotAt >= m || dotAt < 0)) d = dotAt;
  else {
    d = b.indexOf(46 /* . */, m);
    dotIn = b;
    dotFrom = m;
    dotAt = d;
  }
  for (; d >= 0 && d < nl; d = b.indexOf(46, d + 1)) if (DOT_CC.at(dv, d, nl) || DOT_H.at(dv, d, nl)) return true;
  return false;
}

/**
 * What the line whose header ends with the `]` at `b[i]` and whose `\n` is at `b[nl]` is after that header,
 * as `fastLineRegex` reads it: COLL, CHAT, TRACE or NO_MATCH. `b` holds ASCII; `dv` views the same bytes.
 */
export function matchAfterHeader(b: Buffer, dv: DataView, i: number, nl: number): number {
  if (b[i + 1] !== 32) return NO_MATCH;
  // ` NCCL INFO ...` (a TRACE line goes on with its timestamp, a function or `NCCL TRACE`)
  const info = b[i + 2] === 78 ? infoOpLength(b, dv, i + 1, nl) : 0;
  if (info > 0) {
    let h = i + 1 + info;
    if (!isHex(b[h])) return NO_MATCH;
    while (isHex(b[h])) h++;
    if (h > nl || isWord(b[h])) return NO_MATCH;
    const last = b[nl - 1];
    // (?<![\s)\]ET]) before the newline
    if (last === 32 || (last >= 9 && last <= 13) || last === 41 || last === 93 || last === 69 || last === 84) return NO_MATCH;
    return restIsPlain(b, h, nl) ? COLL : NO_MATCH;
  }
  if (NCCL_INFO.at(dv, i + 1, nl)) {
    // INFO chatter: the message, as the reader reads it, starts as CHATTER says
    const m = i + 1 + NCCL_INFO.length;
    const last = b[nl - 1];
    if (m >= nl || last === 32 || (last >= 9 && last <= 13) || last === 41 || last === 93 || last === 69 || last === 84) return NO_MATCH;
    if (!mayBeChatter(b, dv, m, nl) || !CHATTER.test(b.toString("latin1", m, nl))) return NO_MATCH;
    return restIsPlain(b, m, nl) ? CHAT : NO_MATCH;
  }
  let p = i + 2;
  if (isDigit(b[p])) {
    // `<seconds>.<fraction> `
    while (isDigit(b[p])) p++;
    if (b[p] !== 46 || !isDigit(b[p + 1])) return NO_MATCH;
    p++;
    while (isDigit(b[p])) p++;
    if (b[p] !== 32) return NO_MATCH;
    p++;
  }
  if (isLetter(b[p])) {
    // an optional `<func>:<line> `; when it is not one, `NCCL TRACE` must stand here
    let q = p + 1;
    while (isFuncChar(b[q])) q++;
    if (b[q] === 58 && isDigit(b[q + 1])) {
      q++;
      while (isDigit(b[q])) q++;
      if (b[q] === 32) p = q + 1;
    }
  }
  if (!NCCL_TRACE.at(dv, p, nl)) return NO_MATCH;
  const r = p + NCCL_TRACE.length;
  if (r === nl) return TRACE;
  if (b[r] !== 32 && b[r] !== 9) return NO_MATCH;
  if (b[nl - 1] === 41) return NO_MATCH;
  return restIsPlain(b, r + 1, nl) ? TRACE : NO_MATCH;
}

/**
 * Where FAST_DANGERS start in a chunk, from the one pass over it (src/input/chunk-scan.ts); a byte above 0x7F is found
 * a window at a time when the chunk begins. A line's check is then a few comparisons (and has no rarely taken path that would make the
 * optimizing compiler drop its caller's code).
 */
const NOWHERE = 0x7fffffff;
const HIGH_WINDOW = 4096;

export class DangerScan {
  /** the pass over the chunk (its dangers ascending), and the next of them to look at */
  private scan: ChunkScan = referenceScanner.scan(Buffer.alloc(0), 0, 0);
  private next = 0;
  /** where the lines holding a byte above 0x7F hold their first, ascending, ended by a sentinel past any line */
  private high: number[] = [NOWHERE];
  private nextHigh = 0;

  /** `ascii`: the chunk holds no byte above 0x7F (else where they stand is found too); `scan`: the pass over it */
  begin(b: Buffer, ascii: boolean, scan: ChunkScan): void {
    this.scan = scan;
    this.next = 0;
    this.high = ascii ? [NOWHERE] : highBytes(b);
    this.nextHigh = 0;
  }

  /** Where the first danger at or after `s` starts; asked with `s` not decreasing. A caller may keep the answer for every later line that starts before it. */
  nextAt(s: number): number {
    const scan = this.scan;
    const at = scan.danger;
    let j = this.next;
    while (j < scan.dangerCount && at[j] < s) j++;
    this.next = j;
    const min = j < scan.dangerCount ? at[j] : NOWHERE;
    const high = this.high;
    let h = this.nextHigh;
    while (high[h] < s) h++;
    this.nextHigh = h;
    return high[h] < min ? high[h] : min;
  }
}

/** Where each line of `b` that holds a byte above 0x7F holds its first, ascending, then NOWHERE. */
function highBytes(b: Buffer): number[] {
  const out: number[] = [];
  // (a wide window first: most are ASCII, and each window asked costs a Buffer)
  let wideEnd = 0;
  let wideAscii = false;
  for (let from = 0; from < b.length; from += HIGH_WINDOW) {
    if (from >= wideEnd) {
      wideEnd = Math.min(b.length, from + 16 * HIGH_WINDOW);
      wideAscii = isAscii(b.subarray(from, wideEnd));
    }
    if (wideAscii) {
      from = wideEnd - HIGH_WINDOW;
      continue;
    }
    const to = Math.min(b.length, from + HIGH_WINDOW);
    if (isAscii(b.subarray(from, to))) continue;
    for (let p = from; p < to; p++) {
      if (b[p] < 0x80) continue;
      out.push(p);
      const nl = b.indexOf(10, p);
      if (nl < 0) return [...out, NOWHERE];
      p = nl;
    }
    // (the line that ran past the window was seen to its end)
    const last = out.length ? out[out.length - 1] : -1;
    if (last >= from) {
      const nl = b.indexOf(10, last);
      if (nl >= to) from = nl + 1 - HIGH_WINDOW;
    }
  }
  out.push(NOWHERE);
  return out;
}
