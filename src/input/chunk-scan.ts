import { FAST_DANGERS } from "../../grammars/nccl-fast.js";

/**
 * One pass over a chunk that finds where each line ends and, for the counting fast path, where its dangers start
 * (FAST_DANGERS, given as `needles`), each `[` its FAST_REST refuses and each ` comm `: instead of a native search per
 * line for the `\n`, the `[`, the communicator and each needle (one every line holds, a CRLF end or a Ray wrapper's
 * `(`, was searched again on every line).
 *
 * The pass is WebAssembly SIMD, assembled below from the needles (no tool chain; Node 20's V8 runs it): sixteen bytes
 * at a time are classed by table lookups on their nibbles, each with the byte after it; only a byte that may start one
 * of these, followed by a byte that may go on with it (` comm `'s first `m` by an `m`, `Init `'s `I` by an `n`: not
 * `INFO`'s), is looked at alone. `scanReference` is the same in plain code: the fallback where WebAssembly is off (`--jitless`), and what
 * test/chunk-scan.test.ts holds the pass to.
 *
 * A danger at `x`, as a search for the needle from a record's start found it: the needle's bytes stand at `x`
 * within the chunk; but a needle that cannot start a header (not a letter or digit first) is none right after a
 * `\n` (a record the fast path counts starts with its header: it stands in the line's wrapper), and one starting
 * with a CR is none right before a `\n` (a CRLF end). Without needles, only the line ends are found.
 */

/** what one pass found in `bytes[from, to)`, each list ascending: valid until the next pass */
export interface ChunkScan {
  /** the lists but `nl` were looked for (else they are empty) */
  full: boolean;
  /** where each `\n` stands */
  nl: Int32Array;
  nlCount: number;
  /** where each danger starts */
  danger: Int32Array;
  dangerCount: number;
  /** where each `[` stands that is followed by `\d*[\],;m]` or `repeated ` */
  bracket: Int32Array;
  bracketCount: number;
  /** where each ` comm ` starts (its first `m` in the range) */
  comm: Int32Array;
  commCount: number;
}

export interface ChunkScanner {
  /** scans `bytes[from, to)` (what is looked at after a byte may run on to the chunk's end); `full`: for more than the line ends */
  scan(bytes: Uint8Array, from: number, to: number, full?: boolean): ChunkScan;
}

const skipAfterNewline = (needle: string) => !/^[A-Za-z0-9]/.test(needle);
const REPEATED = "repeated ";
const COMM = " comm ";

/** whether a danger starts at `x` of `b` */
export function dangerAtByte(b: Uint8Array, x: number, needles: readonly string[]): boolean {
  for (const d of needles) {
    if (!textAt(b, x, d)) continue;
    if (d.charCodeAt(0) === 13 && b[x + 1] === 10) continue;
    if (skipAfterNewline(d) && x > 0 && b[x - 1] === 10) continue;
    return true;
  }
  return false;
}

const textAt = (b: Uint8Array, x: number, text: string) => {
  if (x < 0 || x + text.length > b.length) return false;
  for (let k = 0; k < text.length; k++) if (b[x + k] !== text.charCodeAt(k)) return false;
  return true;
};
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

/** The pass in plain code, byte by byte. */
export function scanReference(bytes: Uint8Array, from: number, to: number, needles: readonly string[]) {
  const out = { nl: [] as number[], danger: [] as number[], bracket: [] as number[], comm: [] as number[] };
  for (let x = from; x < to; x++) {
    if (bytes[x] === 10) out.nl.push(x);
    else if (needles.length === 0) continue;
    else if (bytes[x] === 91) {
      let q = x + 1;
      while (isDigit(bytes[q])) q++;
      const c = bytes[q];
      if (c === 93 || c === 44 || c === 59 || c === 109 || (q === x + 1 && textAt(bytes, q, REPEATED))) out.bracket.push(x);
    } else if (bytes[x] === 109 && textAt(bytes, x - 3, COMM)) out.comm.push(x - 3);
    else if (dangerAtByte(bytes, x, needles)) out.danger.push(x);
  }
  return out;
}

// ---- the WebAssembly pass ----

// A chunk stands in the scanner's memory with zero bytes before and after it (so a needle or a neighbour looked at
// past either end of the chunk is never there, as in `dangerAtByte`): read there in the first place (a ring
// buffer of a file's range, `ringBuffer`) or copied there.
// (the class tables stand in the first 128 bytes, before the zero bytes before the first chunk)
const PAD = 256;
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
// (a function's body is thousands of bytes: joined with concat, which copies them at once; spread into a literal, item by
// item, they cost each thread ~15 ms at its start)
const section = (id: number, body: number[]) => [id].concat(leb(body.length), body);
const vector = (items: number[][]) => leb(items.length).concat(...items);
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
const leU = [0x4d];
const ctz = [0x68];
const add = [0x6a];
const sub = [0x6b];
const mul = [0x6c];
const and = [0x71];
const or = [0x72];
const xor = [0x73];
const shl = [0x74];
const shrU = [0x76];
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

// params: 0 from, 1 to (addresses), 2 base (the chunk's byte 0), 3 out (four counts, then the four lists), 4 a list's
// bytes, 5 the class tables (a byte's low nibble, high nibble, then the next byte's); locals: 6 p, 7 mask, 8 q, 9 c, 10 j,
// 11–14 where the lists' next entries go, 15–18 where the lists start (i32); 19 the low-nibble table, 20 the high-nibble
// table, 21 0x0f in each lane, 22 zero, 23 the bytes of a block, 24–27 the classes of four blocks, 28 and 29 the next
// byte's tables (v128)
const [FROM, TO, BASE, OUT, LIST_BYTES, TABLES, P, MASK, Q, C, J, N, L] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15];
const [LO, HI, NIBBLE, ZERO, V, CLS] = [19, 20, 21, 22, 23, 24];
const UNROLL = 4;
// the next byte's tables (v128)
const [LO2, HI2] = [CLS + UNROLL, CLS + UNROLL + 1];
const [NL, DANGER, BRACKET, COMM_AT] = [0, 1, 2, 3];

/** the bytes of `text` stand at q + `at` (compared four at a time; the last word masked) */
function textAtQ(text: string, at: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < text.length; k += 4) {
    const word = [...text.slice(k, k + 4)].map((ch) => ch.charCodeAt(0));
    let value = 0;
    for (let j = 0; j < word.length; j++) value |= word[j] << (8 * j);
    out.push(...get(Q), ...i32(at + k), ...add, ...load32(0));
    if (word.length < 4) out.push(...i32(2 ** (8 * word.length) - 1), ...and);
    out.push(...i32(value), ...eq);
    if (k > 0) out.push(...and);
  }
  return out.length ? out : i32(1);
}

/** q - base + `delta` is noted in list `k` */
const note = (k: number, delta = 0) => [
  ...get(N + k), ...get(Q), ...get(BASE), ...sub, ...(delta ? [...i32(delta), ...add] : []), ...store32(0),
  ...get(N + k), ...i32(4), ...add, ...set(N + k),
];

/** what may follow a byte the pass looks at for it to start what it is looked at for (null: anything) */
function nextBytes(c: number, needles: readonly string[]): Set<number> | null {
  if (c === 10) return null;
  // `[` then digits and `]`, `,`, `;` or `m` (scanReference's bracket), or `repeated `; the first `m` of ` comm `
  if (c === 91) return new Set([..."0123456789],;m", REPEATED[0]].map((ch) => ch.charCodeAt(0)));
  if (c === 109) return new Set([COMM.charCodeAt(COMM.indexOf("m") + 1)]);
  const next = new Set<number>();
  for (const d of needles) {
    if (d.charCodeAt(0) !== c) continue;
    if (d.length === 1) return null;
    next.add(d.charCodeAt(1));
  }
  return next;
}

/** the bytes a set of bytes' nibbles classes alike (their low nibbles with their high ones, every pairing) */
const product = (bytes: Iterable<number>): Set<number> => {
  const lo = new Set<number>();
  const hi = new Set<number>();
  for (const b of bytes) {
    lo.add(b & 15);
    hi.add(b >> 4);
  }
  const out = new Set<number>();
  for (const h of hi) for (const l of lo) out.add((h << 4) | l);
  return out;
};
const ALL_BYTES = Array.from({ length: 256 }, (_, b) => b);
// (printable ASCII and the line end: what a log holds most)
const common = (b: number) => (b >= 32 && b < 127) || b === 10;
const COMMON_BYTES = ALL_BYTES.filter(common).length;

/**
 * The class tables for the bytes looked at for `needles` (none: only `\n`), a byte and the byte after it at once: a
 * class bit for each group of such bytes, set for a byte whose low nibble and high nibble are both a group member's
 * (a group's bytes then share the bit, with the other pairings of their nibbles), and for a next byte that may follow
 * one of the group (the same way). Groups start one per byte and are merged, two at a time, where that makes the
 * fewest common bytes looked at alone, until eight are left. A byte or pair classed too widely is only looked at alone
 * for nothing. The first byte's low nibble's 16 bytes, its high nibble's, then the next byte's two.
 */
function classTables(needles: readonly string[]): number[] {
  const key = needles.join("\n");
  let tables = tablesMemo.get(key);
  if (tables === undefined) tablesMemo.set(key, (tables = classTablesOf(needles)));
  return tables;
}
// (worked out once a thread: each Room sets them, and merging the groups costs some 5 ms)
const tablesMemo = new Map<string, number[]>();
function classTablesOf(needles: readonly string[]): number[] {
  const looked = [...new Set(needles.length ? [10, 91, 109, ...needles.map((d) => d.charCodeAt(0))] : [10])];
  // (`cost`: the common bytes, and common pairs: a common byte before any common byte, the group looks at alone)
  type Group = { bytes: number[]; next: Set<number> | null; cost: number };
  const commonIn = (bytes: Set<number>) => {
    let n = 0;
    for (const b of bytes) if (common(b)) n++;
    return n;
  };
  const group = (bytes: number[], next: Set<number> | null): Group => ({ bytes, next, cost: commonIn(product(bytes)) * (next === null ? COMMON_BYTES : commonIn(product(next))) });
  let groups: Group[] = looked.map((c) => group([c], nextBytes(c, needles)));
  const merged = (a: Group, b: Group): Group => group([...a.bytes, ...b.bytes], a.next === null || b.next === null ? null : new Set([...a.next, ...b.next]));
  while (groups.length > 8) {
    let best: [number, number, number] = [Infinity, 0, 1];
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const extra = merged(groups[i], groups[j]).cost - groups[i].cost - groups[j].cost;
        if (extra < best[0]) best = [extra, i, j];
      }
    }
    const [, i, j] = best;
    groups = [...groups.filter((_, k) => k !== i && k !== j), merged(groups[i], groups[j])];
  }
  const tables = new Array<number>(64).fill(0);
  groups.forEach((g, k) => {
    const bit = 1 << k;
    for (const b of g.bytes) {
      tables[b & 15] |= bit;
      tables[16 + (b >> 4)] |= bit;
    }
    for (const b of g.next ?? ALL_BYTES) {
      tables[32 + (b & 15)] |= bit;
      tables[48 + (b >> 4)] |= bit;
    }
  });
  return tables;
}

/** Assembles the module for `needles` (see `scanReference`; the class tables are passed in). */
function assemble(needles: readonly string[]): Uint8Array<ArrayBuffer> {
  const firsts = [...new Set(needles.map((d) => d.charCodeAt(0)))];
  if (firsts.some((c) => c > 0x7f || c === 10 || c === 91 || c === 109) || needles.some((d) => d.length > 12 || d.includes("\0"))) {
    throw new Error("chunk-scan: a needle this pass cannot look for");
  }
  // the byte at q (in C): each of its kinds in turn, in a block that a note ends
  const check: number[] = [...get(Q), ...load8(0), ...tee(C), ...i32(10), ...eq, ...if_, ...note(NL), 0x05 /* else */, ...block];
  if (needles.length) {
    // `[` with digits after it, then `]`, `,`, `;` or `m`; or `repeated ` right after it
    check.push(...get(C), ...i32(91), ...eq, ...if_);
    check.push(...get(Q), ...i32(1), ...add, ...set(J), ...block, ...loop);
    check.push(...get(J), ...load8(0), ...i32(48), ...sub, ...i32(10), ...ltU, ...eqz, ...brIf(1), ...get(J), ...i32(1), ...add, ...set(J), ...br(0), ...end, ...end);
    check.push(...get(J), ...load8(0), ...tee(C), ...i32(93), ...eq, ...get(C), ...i32(44), ...eq, ...or, ...get(C), ...i32(59), ...eq, ...or, ...get(C), ...i32(109), ...eq, ...or);
    check.push(...get(J), ...get(Q), ...i32(1), ...add, ...eq, ...textAtQ(REPEATED, 1), ...and, ...or);
    check.push(...if_, ...note(BRACKET), ...end, ...br(1), ...end);
    // ` comm ` around the `m`
    check.push(...get(C), ...i32(109), ...eq, ...if_, ...textAtQ(COMM, -3), ...if_, ...note(COMM_AT, -3), ...end, ...br(1), ...end);
  }
  for (const c of firsts) {
    check.push(...get(C), ...i32(c), ...eq, ...if_);
    for (const d of needles.filter((x) => x.charCodeAt(0) === c)) {
      // the needle's bytes (zero bytes follow the chunk in memory, and no needle holds one) …
      const cond = textAtQ(d.slice(1), 1);
      // … not a CRLF end, nor a wrapper's first byte
      if (c === 13) cond.push(...get(Q), ...load8(1), ...i32(10), ...ne, ...and);
      if (skipAfterNewline(d)) cond.push(...get(Q), ...i32(1), ...sub, ...load8(0), ...i32(10), ...ne, ...and);
      check.push(...cond, ...if_, ...note(DANGER), ...br(2), ...end);
    }
    check.push(...end);
  }
  check.push(...end, ...end);
  // the class of the sixteen bytes at p + 16k, kept in CLS + k
  // (and of the byte after each: an unaligned load one further, which the zero bytes after a chunk allow)
  const classes = (k: number) => [
    ...get(LO), ...get(P), ...vload(16 * k), ...tee(V), ...get(NIBBLE), ...vand, ...swizzle,
    ...get(HI), ...get(V), ...i32(4), ...shrU8, ...swizzle,
    ...vand,
    ...get(LO2), ...get(P), ...vload(16 * k + 1), ...tee(V), ...get(NIBBLE), ...vand, ...swizzle,
    ...get(HI2), ...get(V), ...i32(4), ...shrU8, ...swizzle,
    ...vand, ...vand, ...tee(CLS + k),
  ];
  // each byte of block k with a class, in order (`inRange`: only those in [from, to), for a group that is not wholly in it)
  const bytesOf = (k: number, inRange: boolean) => [
    ...get(CLS + k), ...get(ZERO), ...veq8, ...bitmask8, ...i32(0xffff), ...xor, ...set(MASK),
    ...block, ...loop,
    ...get(MASK), ...eqz, ...brIf(1),
    ...get(P), ...i32(16 * k), ...add, ...get(MASK), ...ctz, ...add, ...set(Q),
    ...get(MASK), ...get(MASK), ...i32(1), ...sub, ...and, ...set(MASK),
  ].concat(inRange ? [...get(Q), ...get(FROM), ...geU, ...get(Q), ...get(TO), ...ltU, ...and, ...if_].concat(check, end) : check, [
    ...br(0),
    ...end, ...end,
  ]);
  const body = [
    ...get(TABLES), ...vload(0), ...set(LO), ...get(TABLES), ...vload(16), ...set(HI), ...get(TABLES), ...vload(32), ...set(LO2), ...get(TABLES), ...vload(48), ...set(HI2), ...vconst(new Array(16).fill(15)), ...set(NIBBLE),
    ...[0, 1, 2, 3].flatMap((k) => [...get(OUT), ...i32(16), ...add, ...get(LIST_BYTES), ...i32(k), ...mul, ...add, ...tee(L + k), ...set(N + k)]),
    ...get(FROM), ...i32(~15), ...and, ...set(P),
    ...block, ...loop,
    ...get(P), ...get(TO), ...geU, ...brIf(1),
    ...classes(0),
    ...Array.from({ length: UNROLL - 1 }, (_, k) => [...classes(k + 1), ...vor]).flat(),
    ...anyTrue, ...if_,
    ...get(P), ...get(FROM), ...geU, ...get(P), ...i32(16 * UNROLL), ...add, ...get(TO), ...leU, ...and, ...if_,
  ].concat(
    ...Array.from({ length: UNROLL }, (_, k) => bytesOf(k, false)),
    0x05 /* else */,
    ...Array.from({ length: UNROLL }, (_, k) => bytesOf(k, true)),
    [
      ...end,
      ...end,
      ...get(P), ...i32(16 * UNROLL), ...add, ...set(P), ...br(0),
      ...end, ...end,
      ...[0, 1, 2, 3].flatMap((k) => [...get(OUT), ...get(N + k), ...get(L + k), ...sub, ...i32(2), ...shrU, ...store32(4 * k)]),
      ...get(N), ...get(L), ...sub, ...i32(2), ...shrU,
    ],
  );
  const locals = [2, ...leb(13), 0x7f, ...leb(7 + UNROLL), 0x7b];
  const code = locals.concat(body, end);
  const I32 = 0x7f;
  return Uint8Array.from(
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00].concat(
      section(1, vector([[0x60, 6, I32, I32, I32, I32, I32, I32, 1, I32]])),
      section(2, vector([[...name("m"), ...name("memory"), 0x02, 0x00, ...leb(1)]])),
      section(3, vector([[0]])),
      section(7, vector([[...name("scan"), 0x00, 0]])),
      section(10, vector([leb(code.length).concat(code)])),
    ),
  );
}

type ScanFn = (from: number, to: number, base: number, out: number, listBytes: number, tables: number) => number;

// where the class tables stand in each memory (before the zero bytes before the first chunk): for a full pass and
// for line ends only
const FULL_TABLES = 0;
const LINE_TABLES = 64;

/** A memory laid out for chunks of up to `cap` bytes: `slots` places for them (each after PAD zero bytes), then the outputs. */
class Room {
  readonly slotAt: number[] = [];
  readonly outAt: number;
  readonly bytes: Uint8Array;
  readonly result: ChunkScan;
  private readonly counts: Int32Array;
  constructor(readonly memory: WebAssembly.Memory, readonly cap: number, slots: number) {
    let at = PAD;
    for (let k = 0; k < slots; k++, at += cap + PAD) this.slotAt.push(at);
    this.outAt = (at + 15) & ~15;
    const pages = Math.ceil((this.outAt + 16 + 16 * cap) / PAGE);
    if (memory.buffer.byteLength < pages * PAGE) memory.grow(pages - memory.buffer.byteLength / PAGE);
    const buf = memory.buffer;
    this.bytes = new Uint8Array(buf);
    this.bytes.set(classTables(FAST_DANGERS), FULL_TABLES);
    this.bytes.set(classTables([]), LINE_TABLES);
    this.counts = new Int32Array(buf, this.outAt, 4);
    const list = (k: number) => new Int32Array(buf, this.outAt + 16 + 4 * cap * k, cap);
    this.result = { full: true, nl: list(0), nlCount: 0, danger: list(1), dangerCount: 0, bracket: list(2), bracketCount: 0, comm: list(3), commCount: 0 };
  }
  run(fn: ScanFn, base: number, from: number, to: number, full: boolean): ChunkScan {
    fn(base + from, base + to, base, this.outAt, 4 * this.cap, full ? FULL_TABLES : LINE_TABLES);
    const r = this.result;
    const n = this.counts;
    r.full = full;
    r.nlCount = n[0];
    r.dangerCount = n[1];
    r.bracketCount = n[2];
    r.commCount = n[3];
    return r;
  }
}

// A file's range is read into three ring buffers (four when read ahead) (src/input/sources.ts): they are slots of this memory, which then
// never grows (a buffer over it would be cut loose), so that their chunks are scanned where they stand.
const RING_SLOTS = 4;
const RING_CAP = 1 << 20;
let ring: Room | null | undefined;
// the slots no reader holds (a reader gives its back when its file is read: a process may read many files)
let freeSlots: number[] | undefined;
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
  const r = size <= RING_CAP && wasmScanner() !== null ? ringRoom() : null;
  freeSlots ??= Array.from({ length: RING_SLOTS }, (_, k) => RING_SLOTS - 1 - k);
  const slot = r ? freeSlots.pop() : undefined;
  return slot === undefined ? undefined : Buffer.from(r!.memory.buffer, r!.slotAt[slot], size);
}

/** Gives back the buffers of a ring that `ringBuffer` handed out (others are left to the collector); empties it. */
export function releaseRing(buffers: Buffer[]): void {
  for (const b of buffers.splice(0)) {
    const slot = ring && b.buffer === ring.memory.buffer ? ring.slotAt.indexOf(b.byteOffset) : -1;
    if (slot >= 0 && !freeSlots!.includes(slot)) freeSlots!.push(slot);
  }
}

let wasm: ChunkScanner | null | undefined;

/** the WebAssembly scanner, or null where WebAssembly SIMD is not to be had */
function wasmScanner(): ChunkScanner | null {
  if (wasm !== undefined) return wasm;
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(assemble(FAST_DANGERS));
  } catch {
    return (wasm = null);
  }
  const instance = (memory: WebAssembly.Memory) => new WebAssembly.Instance(module, { m: { memory } }).exports.scan as ScanFn;
  // the ring's memory (made when a reader first asks for a ring buffer: a small input never does), and one a chunk read
  // elsewhere is copied to (grown as chunks need)
  let ringFn: ScanFn | null = null;
  const copyMemory = new WebAssembly.Memory({ initial: 1 });
  const copyFn = instance(copyMemory);
  let copy: Room | null = null;
  return (wasm = {
    scan(bytes, from, to, full = true) {
      const r = ring;
      if (r && bytes.buffer === r.memory.buffer && r.slotAt.includes(bytes.byteOffset) && bytes.length <= r.cap) {
        r.bytes.fill(0, bytes.byteOffset + bytes.length, bytes.byteOffset + bytes.length + 16);
        return r.run((ringFn ??= instance(r.memory)), bytes.byteOffset, from, to, full);
      }
      // (what is looked at after a byte may run on to the chunk's end)
      const len = bytes.length;
      if (copy === null || len > copy.cap) copy = new Room(copyMemory, Math.max(len, RING_CAP), 1);
      const at = copy.slotAt[0];
      copy.bytes.set(bytes, at);
      copy.bytes.fill(0, at + len, at + len + PAD);
      return copy.run(copyFn, at, from, to, full);
    },
  });
}

/** The pass in plain code (the same lists). */
export const referenceScanner: ChunkScanner = {
  scan(bytes, from, to, full = true) {
    const { nl, danger, bracket, comm } = scanReference(bytes, from, to, full ? FAST_DANGERS : []);
    const list = (xs: number[]) => Int32Array.from(xs);
    return { full, nl: list(nl), nlCount: nl.length, danger: list(danger), dangerCount: danger.length, bracket: list(bracket), bracketCount: bracket.length, comm: list(comm), commCount: comm.length };
  },
};

/** The scanner of this thread for FAST_DANGERS (one memory, reused chunk after chunk; only one pass is used at a time). */
export function chunkScanner(): ChunkScanner {
  return wasmScanner() ?? referenceScanner;
}
