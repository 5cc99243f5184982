/**
 * One pass over a chunk that finds where each line ends and where a danger of the counting fast path starts
 * (FAST_DANGERS, given as `needles`), instead of a native search per line for the `\n` and one per needle (a needle
 * every line holds, a CRLF end or a Ray wrapper's `(`, was searched again on every line).
 *
 * The pass is WebAssembly SIMD, assembled below from the needles (no tool chain; Node 20's V8 runs it): sixteen bytes
 * at a time are classed by two table lookups on their nibbles; only a byte of a needle's first byte's class or a `\n`
 * is looked at alone. `scanReference` is the same in plain code: the fallback where WebAssembly is off
 * (`--jitless`), and what test/chunk-scan.test.ts holds the pass to.
 *
 * A danger at `x`, as a search for the needle from a record's start found it: the needle's bytes stand at `x`
 * within the chunk; but a needle that cannot start a header (not a letter or digit first) is none right after a
 * `\n` (a record the fast path counts starts with its header: it stands in the line's wrapper), and one starting
 * with a CR is none right before a `\n` (a CRLF end).
 */

/** what one pass found in `bytes[from, to)`: valid until the next pass of the same scanner */
export interface ChunkScan {
  /** where each `\n` stands, ascending: `nl[0 … nlCount)` */
  nl: Int32Array;
  nlCount: number;
  /** where each danger starts, ascending: `danger[0 … dangerCount)` */
  danger: Int32Array;
  dangerCount: number;
}

export interface ChunkScanner {
  /** scans `bytes[from, to)` (a danger's bytes may run on to the chunk's end) */
  scan(bytes: Uint8Array, from: number, to: number): ChunkScan;
}

const skipAfterNewline = (needle: string) => !/^[A-Za-z0-9]/.test(needle);

/** whether a danger starts at `x` of `b` */
export function dangerAtByte(b: Uint8Array, x: number, needles: readonly string[]): boolean {
  for (const d of needles) {
    let k = 0;
    while (k < d.length && x + k < b.length && b[x + k] === d.charCodeAt(k)) k++;
    if (k < d.length) continue;
    if (d.charCodeAt(0) === 13 && b[x + 1] === 10) continue;
    if (skipAfterNewline(d) && x > 0 && b[x - 1] === 10) continue;
    return true;
  }
  return false;
}

/** The pass in plain code, byte by byte. */
export function scanReference(bytes: Uint8Array, from: number, to: number, needles: readonly string[]): { nl: number[]; danger: number[] } {
  const nl: number[] = [];
  const danger: number[] = [];
  for (let x = from; x < to; x++) {
    if (bytes[x] === 10) nl.push(x);
    else if (dangerAtByte(bytes, x, needles)) danger.push(x);
  }
  return { nl, danger };
}

// ---- the WebAssembly pass ----

// A chunk stands in the scanner's memory with zero bytes before and after it (so a needle or a neighbour looked at
// past either end of the chunk is never there, as in `dangerAtByte`): read there in the first place (a ring
// buffer of a file's range, `ringBuffer`) or copied there.
const PAD = 128;
const PAGE = 65536;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vector = (items: number[][]) => [...leb(items.length), ...items.flat()];
const name = (s: string) => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// the instructions used (https://webassembly.github.io/spec/core/binary/instructions.html)
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const if_ = [0x04, 0x40];
const end = [0x0b];
const br = (l: number) => [0x0c, ...leb(l)];
const brIf = (l: number) => [0x0d, ...leb(l)];
const get = (i: number) => [0x20, ...leb(i)];
const set = (i: number) => [0x21, ...leb(i)];
const tee = (i: number) => [0x22, ...leb(i)];
const load32 = (off: number) => [0x28, 0x00, ...leb(off)];
const load8 = (off: number) => [0x2d, 0x00, ...leb(off)];
const store32 = (off: number) => [0x36, 0x02, ...leb(off)];
const i32 = (n: number) => [0x41, ...sleb(n | 0)];
const eqz = [0x45];
const eq = [0x46];
const ne = [0x47];
const ltU = [0x49];
const geU = [0x4f];
const ctz = [0x68];
const add = [0x6a];
const sub = [0x6b];
const and = [0x71];
const or = [0x72];
const xor = [0x73];
const shl = [0x74];
const vload = (off: number) => [0xfd, 0x00, 0x00, ...leb(off)];
const vconst = (bytes: number[]) => [0xfd, 0x0c, ...bytes];
const swizzle = [0xfd, 0x0e];
const splat8 = [0xfd, 0x0f];
const veq8 = [0xfd, 0x23];
const vand = [0xfd, 0x4e];
const vor = [0xfd, 0x50];
const anyTrue = [0xfd, 0x53];
const bitmask8 = [0xfd, 0x64];
const shrU8 = [0xfd, 0x6d];

// params: 0 from, 1 to (addresses), 2 nl out, 3 danger out, 4 base (the chunk's byte 0); locals: 5 p, 6 mask, 7 q,
// 8 c, 9 nl count, 10 danger count (i32); 11 low-nibble table, 12 high-nibble table, 13 0x0f in each lane, 14 zero,
// 15 the bytes of a block, 16–19 the classes of four blocks (v128)
const [FROM, TO, NL_OUT, DANGER_OUT, BASE, P, MASK, Q, C, NL_N, DANGER_N, LO, HI, NIBBLE, ZERO, V, CLS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const UNROLL = 4;

/** the bytes `rest` stand at q + 1 (compared four at a time; the last word masked) */
function restAt(rest: number[]): number[] {
  if (rest.length === 0) return i32(1);
  const out: number[] = [];
  for (let k = 0; k < rest.length; k += 4) {
    const word = rest.slice(k, k + 4);
    let value = 0;
    for (let j = 0; j < word.length; j++) value |= word[j] << (8 * j);
    out.push(...get(Q), ...load32(1 + k));
    if (word.length < 4) out.push(...i32(2 ** (8 * word.length) - 1), ...and);
    out.push(...i32(value), ...eq);
    if (k > 0) out.push(...and);
  }
  return out;
}

/** Assembles the module for `needles` (see `dangerAtByte`). */
function assemble(needles: readonly string[]): Uint8Array<ArrayBuffer> {
  const firsts = [...new Set(needles.map((d) => d.charCodeAt(0)))];
  if (firsts.some((c) => c > 0x7f || c === 10)) throw new Error("chunk-scan: a needle starts with a byte above 0x7F or \\n");
  // each first byte and `\n` a class bit (bytes that share a bit only make more bytes looked at alone)
  const lo = new Array<number>(16).fill(0);
  const hi = new Array<number>(16).fill(0);
  [10, ...firsts].forEach((c, k) => {
    const bit = 1 << (k % 8);
    lo[c & 15] |= bit;
    hi[c >> 4] |= bit;
  });
  // the byte at q (in C): a `\n` is noted; a danger is noted and ends the block; anything else falls through
  const check: number[] = [...get(Q), ...load8(0), ...tee(C), ...i32(10), ...eq, ...if_];
  check.push(...get(NL_OUT), ...get(NL_N), ...i32(2), ...shl, ...add, ...get(Q), ...get(BASE), ...sub, ...store32(0), ...get(NL_N), ...i32(1), ...add, ...set(NL_N));
  check.push(0x05 /* else */, ...block);
  for (const c of firsts) {
    const group = needles.filter((d) => d.charCodeAt(0) === c);
    check.push(...get(C), ...i32(c), ...eq, ...if_);
    for (const d of group) {
      const rest = [...d.slice(1)].map((ch) => ch.charCodeAt(0));
      // the needle ends within the chunk (zero bytes follow it in memory, and no needle holds a zero byte) …
      const cond = [...restAt(rest)];
      if (d.includes("\0")) throw new Error("chunk-scan: a needle holds a zero byte");
      // … and is not a CRLF end, nor a wrapper's first byte
      if (c === 13) cond.push(...get(Q), ...load8(1), ...i32(10), ...ne, ...and);
      if (skipAfterNewline(d)) cond.push(...get(Q), ...i32(1), ...sub, ...load8(0), ...i32(10), ...ne, ...and);
      check.push(...cond, ...if_, ...get(DANGER_OUT), ...get(DANGER_N), ...i32(2), ...shl, ...add, ...get(Q), ...get(BASE), ...sub, ...store32(0));
      check.push(...get(DANGER_N), ...i32(1), ...add, ...set(DANGER_N), ...br(2), ...end);
    }
    check.push(...end);
  }
  check.push(...end, ...end);
  // the class of the sixteen bytes at p + 16k, kept in CLS + k
  const classes = (k: number) => [
    ...get(LO), ...get(P), ...vload(16 * k), ...tee(V), ...get(NIBBLE), ...vand, ...swizzle,
    ...get(HI), ...get(V), ...i32(4), ...shrU8, ...swizzle,
    ...vand, ...tee(CLS + k),
  ];
  // each byte of block k with a class, in order, if it is in [from, to)
  const bytesOf = (k: number) => [
    ...get(CLS + k), ...get(ZERO), ...veq8, ...bitmask8, ...i32(0xffff), ...xor, ...set(MASK),
    ...block, ...loop,
    ...get(MASK), ...eqz, ...brIf(1),
    ...get(P), ...i32(16 * k), ...add, ...get(MASK), ...ctz, ...add, ...set(Q),
    ...get(MASK), ...get(MASK), ...i32(1), ...sub, ...and, ...set(MASK),
    ...get(Q), ...get(FROM), ...geU, ...get(Q), ...get(TO), ...ltU, ...and, ...if_, ...check, ...end,
    ...br(0),
    ...end, ...end,
  ];
  const body = [
    ...vconst(lo), ...set(LO), ...vconst(hi), ...set(HI), ...vconst(new Array(16).fill(15)), ...set(NIBBLE),
    ...get(FROM), ...i32(~15), ...and, ...set(P),
    ...block, ...loop,
    ...get(P), ...get(TO), ...geU, ...brIf(1),
    ...classes(0),
    ...Array.from({ length: UNROLL - 1 }, (_, k) => [...classes(k + 1), ...vor]).flat(),
    ...anyTrue, ...if_,
    ...Array.from({ length: UNROLL }, (_, k) => bytesOf(k)).flat(),
    ...end,
    ...get(P), ...i32(16 * UNROLL), ...add, ...set(P), ...br(0),
    ...end, ...end,
    // the danger count is stored after the last `\n` found
    ...get(DANGER_OUT), ...i32(-4), ...add, ...get(DANGER_N), ...store32(0),
    ...get(NL_N),
  ];
  const locals = [2, ...leb(6), 0x7f, ...leb(5 + UNROLL), 0x7b];
  const code = [...locals, ...body, ...end];
  const I32 = 0x7f;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 5, I32, I32, I32, I32, I32, 1, I32]])),
    ...section(2, vector([[...name("m"), ...name("memory"), 0x02, 0x00, ...leb(1)]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name("scan"), 0x00, 0]])),
    ...section(10, vector([[...leb(code.length), ...code]])),
  ]);
}

type ScanFn = (from: number, to: number, nlOut: number, dangerOut: number, base: number) => number;

/** A memory laid out for chunks of up to `cap` bytes: `slots` places for them (each after PAD zero bytes), then the outputs. */
class Room {
  readonly slotAt: number[] = [];
  readonly nlAt: number;
  readonly dangerAt: number;
  readonly bytes: Uint8Array;
  readonly result: ChunkScan;
  constructor(readonly memory: WebAssembly.Memory, readonly cap: number, slots: number) {
    let at = PAD;
    for (let k = 0; k < slots; k++, at += cap + PAD) this.slotAt.push(at);
    this.nlAt = (at + 15) & ~15;
    this.dangerAt = this.nlAt + 4 * cap + 16;
    const pages = Math.ceil((this.dangerAt + 4 * cap) / PAGE);
    if (memory.buffer.byteLength < pages * PAGE) memory.grow(pages - memory.buffer.byteLength / PAGE);
    this.bytes = new Uint8Array(memory.buffer);
    this.result = { nl: new Int32Array(memory.buffer, this.nlAt, cap), nlCount: 0, danger: new Int32Array(memory.buffer, this.dangerAt, cap), dangerCount: 0 };
  }
  run(fn: ScanFn, base: number, from: number, to: number): ChunkScan {
    this.result.nlCount = fn(base + from, base + to, this.nlAt, this.dangerAt, base);
    this.result.dangerCount = new Int32Array(this.memory.buffer, this.dangerAt - 4, 1)[0];
    return this.result;
  }
}

// A file's range is read into three ring buffers (src/input/sources.ts): they are slots of this memory, which then
// never grows (a buffer over it would be cut loose), so that their chunks are scanned where they stand.
const RING_SLOTS = 3;
const RING_CAP = 1 << 20;
let ring: Room | null | undefined;
let ringHandedOut = 0;
const ringRoom = (): Room | null => {
  if (ring === undefined) {
    try {
      ring = typeof WebAssembly === "object" ? new Room(new WebAssembly.Memory({ initial: 1 }), RING_CAP, RING_SLOTS) : null;
    } catch {
      ring = null;
    }
  }
  return ring;
};

/** A buffer of `size` bytes whose chunks are scanned in place, while there is one (else undefined). */
export function ringBuffer(size: number): Buffer | undefined {
  const r = size <= RING_CAP && ringHandedOut < RING_SLOTS ? ringRoom() : null;
  if (!r) return undefined;
  return Buffer.from(r.memory.buffer, r.slotAt[ringHandedOut++], size);
}

/** the WebAssembly scanner for `needles`, or null where WebAssembly SIMD is not to be had */
function wasmScanner(needles: readonly string[]): ChunkScanner | null {
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(assemble(needles));
  } catch {
    return null;
  }
  const instance = (memory: WebAssembly.Memory) => new WebAssembly.Instance(module, { m: { memory } }).exports.scan as ScanFn;
  // the ring's memory, and one a chunk read elsewhere is copied to (grown as chunks need)
  const inRing = ringRoom();
  const ringFn = inRing ? instance(inRing.memory) : null;
  const copyMemory = new WebAssembly.Memory({ initial: 1 });
  const copyFn = instance(copyMemory);
  let copy: Room | null = null;
  return {
    scan(bytes, from, to) {
      const r = inRing;
      if (r !== null && bytes.buffer === r.memory.buffer) {
        const k = r.slotAt.indexOf(bytes.byteOffset);
        if (k >= 0 && bytes.length <= r.cap) {
          r.bytes.fill(0, bytes.byteOffset + bytes.length, bytes.byteOffset + bytes.length + 16);
          return r.run(ringFn!, bytes.byteOffset, from, to);
        }
      }
      // (a needle may run past `to`, and one byte past a needle is looked at: copied up to the chunk's end)
      const len = Math.min(bytes.length, to + 16);
      if (copy === null || len > copy.cap) copy = new Room(copyMemory, Math.max(len, RING_CAP), 1);
      const at = copy.slotAt[0];
      copy.bytes.set(len === bytes.length ? bytes : bytes.subarray(0, len), at);
      copy.bytes.fill(0, at + len, at + len + PAD);
      return copy.run(copyFn, at, from, to);
    },
  };
}

function referenceScanner(needles: readonly string[]): ChunkScanner {
  return {
    scan(bytes, from, to) {
      const { nl, danger } = scanReference(bytes, from, to, needles);
      return { nl: Int32Array.from(nl), nlCount: nl.length, danger: Int32Array.from(danger), dangerCount: danger.length };
    },
  };
}

const scanners = new Map<string, ChunkScanner>();

/** The scanner of a thread for `needles` (one memory each, reused chunk after chunk). */
export function chunkScanner(needles: readonly string[], reference = false): ChunkScanner {
  if (reference) return referenceScanner(needles);
  const key = needles.join("\0");
  let s = scanners.get(key);
  if (s === undefined) scanners.set(key, (s = wasmScanner(needles) ?? referenceScanner(needles)));
  return s;
}
