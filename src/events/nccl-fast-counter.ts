import { peel } from "../records/peel.js";
import { splitPhysicalLine } from "../records/split.js";
import { processNames } from "../records/process-names.js";
import type { ChunkLineCounter, LineCounter } from "./fast.js";
import { at as wildAt, literal as wildLiteral, type Literal as WildLiteral } from "./byte-literal.js";
import { CHAT, COLL, DangerScan, Literal, NO_MATCH, matchAfterHeader, newChunk } from "./nccl-fast-line.js";
import { FAST_HEADER } from "../../grammars/nccl-fast.js";
import { chunkScanner, type ChunkScan } from "../input/chunk-scan.js";
import type { NcclConnectionEvent, NcclWho } from "./nccl.js";
import type { Origin } from "../model.js";
import { objectArray } from "../util/arrays.js";

/**
 * The counting fast path of the NCCL reader (see ./fast.ts): collective and TRACE lines after a header already
 * seen bump the counters of their process or communicator, read straight from the chunk's bytes
 * (./nccl-fast-line.ts says which lines). No grammar is loaded here, so a worker thread that only counts
 * (src/parallel/range.ts) starts quickly.
 */

/** Activity counters kept at most (one per process and device or communicator). */
export const ACTIVITY_LIMIT = 8192;

/** The counters of one process (and device) or communicator. */
export interface Activity {
  host: string | null;
  pid: number | null;
  comm: string | null;
  collectives: number;
  lastOpCount: string | null;
  lastCollective: string | null;
  trace: number;
  proxy: number;
  // not reported:
  dev: number | null;
  /** where the fast path last counted a collective of it in the current chunk, or -1 */
  fastAt: number;
  /** the line of the last collective counted, or 0 */
  lastLine: number;
  /** speculative counting: a line of it went the ordinary way first (see `createFastCounter`) */
  armed: boolean;
}

/** What a speculative counter counted of one process/communicator (see `NcclFastCounts`). */
export interface NcclFastEntry {
  who: NcclWho;
  comm: string | null;
  collectives: number;
  trace: number;
  proxy: number;
  lastOpCount: string | null;
  lastCollective: string | null;
  /** 1-based within the counted range, 0 when no collective was counted */
  lastLine: number;
}

/** The counts of a speculative fast path over a later part of the same input, for `absorb`. */
export interface NcclFastCounts {
  entries: NcclFastEntry[];
  lastFastLine: number;
}

/**
 * Speculative: lines behind this origin-naming wrapper were counted last before the `at`-th line handed back (or,
 * `at` = all of them, before the end): the reader in order takes note of the wrapper there, as it would have of each
 * counted line (the vLLM origin observer's last origin).
 */
export interface CountedBehind {
  at: number;
  wrapper: string;
  origin: Origin;
}


/** The activity counters by process and communicator, capped at ACTIVITY_LIMIT (the first cap reached is noted). */
export class ActivityTable {
  private byKey = new Map<string, Activity>();
  /** the first cap that dropped something, in words (also set by the NCCL reader for its own caps) */
  overflow: string | undefined;

  get(who: NcclWho, comm: string | null): Activity | null {
    const key = `${who.host ?? ""}|${who.pid ?? ""}|${comm ?? `dev${who.dev ?? ""}`}`;
    let a = this.byKey.get(key);
    if (!a) {
      if (this.byKey.size >= ACTIVITY_LIMIT) {
        this.overflow ??= `NCCL activity counters capped at ${ACTIVITY_LIMIT} processes/communicators`;
        return null;
      }
      a = { host: who.host, pid: who.pid, comm, collectives: 0, lastOpCount: null, lastCollective: null, trace: 0, proxy: 0, dev: who.dev, fastAt: -1, lastLine: 0, armed: false };
      this.byKey.set(key, a);
    }
    return a;
  }

  all(): IterableIterator<Activity> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  /** empties the table (the same object: code that holds it need not look it up again) */
  reset(): void {
    this.byKey = new Map();
    this.overflow = undefined;
  }
}


/**
 * Who a header of the fast path's shape, `host:pid:tid [dev]`, names, as the NCCL header grammar reads it
 * (test/nccl-fast-counter.test.ts compares them); null for any other shape, and for a host without a letter,
 * which the grammar may read otherwise.
 */
export function fastHeader(key: string): NcclWho | null {
  const h = fastNcclHeader(key);
  return h && { host: h.host, pid: h.pid, dev: h.dev };
}

/**
 * The whole header of fastHeader's shape as the header grammar reads it (the reader takes it so: a big job's set-up
 * brings a new header with each rank), or null (test/nccl-fast-counter.test.ts compares them).
 */
export function fastNcclHeader(key: string): { host: string; pid: number; tid: number; dev: number; ms: null; src: null; func: null } | null {
  const m = FAST_HEADER.exec(key);
  if (!m || !/[A-Za-z]/.test(m[1])) return null;
  return { host: m[1], pid: Number(m[2]), tid: Number(m[3]), dev: Number(m[4]), ms: null, src: null, func: null };
}

/**
 * headers kept, and lines folded (see `learnFold`) kept in all: past either, all are forgotten; runs pending at most,
 * then handed over (`foldsFull`) before the next line (tests lower them)
 */
export const FAST_LIMITS = { keys: 4096, folds: 16384, pending: 128 };
/** lines read to nothing kept (see `learnQuiet`), in all and after one header */
const MAX_QUIET = 4096;
const MAX_QUIET_PER_KEY = 64;
const MAX_QUIET_TEXT = 512;
/** a line `learnQuiet` was told of (no counter to bump) */
const QUIET = -1;
/** a line `learnFold` was told of (folded with the lines alike until the ordinary way reads a line) */
const FOLD = -2;
/** bare texts folded (see `learnBare`) */
const MAX_BARE = 8;
/** lines folded (see `learnFold`) kept after one header */
const MAX_FOLDS_PER_KEY = 128;
/** connection line shapes learnt (see learnConnShape) */
const MAX_SHAPES = 256;
/** a connection line read from the bytes (see learnConnShape): pending with its like until the ordinary way reads a line */
const CONN = -3;
/** a line `learnRest` was told of after another header (the event it read to, made again for this header) */
const REST = -4;
/**
 * A record text a line of the same bytes reads as again: printable ASCII (no CR, ESC or byte above 0x7F) that
 * splitting leaves whole, so none of the fast path's dangers can read it otherwise (they are properties of the text).
 */
const wholeLine = (text: string): boolean => {
  if (text.length > MAX_QUIET_TEXT || !/^[\x20-\x7e]*$/.test(text)) return false;
  const pieces = splitPhysicalLine(text);
  return pieces.length === 1 && pieces[0] === text;
};
const KEY_SHIFT = 20;
const KEY_SLOTS = 1 << (32 - KEY_SHIFT);

/** FNV-1a of a record's text after its header, from `from` (what `RestIndex.find` computes over a line's bytes). */
function restHash(rest: string, from = 0): number {
  let h = 0x811c9dc5;
  for (let x = from; x < rest.length; x++) h = Math.imul(h ^ rest.charCodeAt(x), 16777619);
  return h;
}

/**
 * Texts after a header, learnt from one header's line and found again from the bytes of a line after any other: by
 * hash, the lengths kept first (most lines are of none, and are not hashed).
 */
class RestIndex<T> {
  private readonly byHash = new Map<number, { lit: Literal; item: T }[]>();
  private readonly lengths = new Uint8Array(1024);
  size = 0;
  fits(rest: string): boolean {
    return rest.length < this.lengths.length;
  }
  has(rest: string, hash: number): boolean {
    return this.byHash.get(hash)?.some((x) => x.lit.text === rest) ?? false;
  }
  add(lit: Literal, item: T, hash: number): void {
    const same = this.byHash.get(hash);
    if (same === undefined) this.byHash.set(hash, [{ lit, item }]);
    else same.push({ lit, item });
    this.size++;
    this.lengths[lit.length] = 1;
  }
  /** what was learnt of the rest `[r, e)` of `body`, or undefined */
  find(body: Uint8Array, view: DataView, r: number, e: number): T | undefined {
    if (e - r >= this.lengths.length || this.lengths[e - r] === 0) return undefined;
    let h = 0x811c9dc5;
    for (let x = r; x < e; x++) h = Math.imul(h ^ body[x], 16777619);
    const same = this.byHash.get(h);
    if (same === undefined) return undefined;
    for (const x of same) if (x.lit.length === e - r && x.lit.at(view, r, e)) return x.item;
    return undefined;
  }
}

interface FastKey {
  /** the header, `host:pid:tid [dev]` */
  key: Literal;
  /** the header may take the fast path; undefined until it is seen twice */
  ok: boolean | undefined;
  who: NcclWho;
  /** noteHost has nothing left to do for this header */
  hostSeen: boolean;
  /** the next header of the same hash */
  next: FastKey | undefined;
  /** what the reader read to nothing after this header (see `learnQuiet`), or undefined */
  quiet: Literal[] | undefined;
  /** what the reader reads to one event alike each time after this header (see `learnFold`), or undefined */
  folds: Fold[] | undefined;
  /** the hashes of the texts `learnFold` was told of once after this header (learnt when told again), or undefined */
  asked: number[] | undefined;
  /** the last communicator seen after this header and its counters */
  comm: Literal | null;
  commAct: Activity | null;
  devAct: Activity | null | undefined;
  /** the exact wrapper the last of its lines behind one stood behind (compared first: see `exactAt`), or undefined */
  wrap: ExactWrapper | undefined;
  /** its thread id; whether a connection line after it may be read from the bytes (asked once); the reader's notes */
  tid: number;
  connOk: boolean | undefined;
  memo: { thread?: string; proc?: string };
  /** the connection lines read from the bytes after it, by shape and peers (see `connRead`), or undefined */
  conns: ConnGroup[] | undefined;
  /** the texts `learnRest` was told of that a line after it was read to (each once), or undefined */
  rests: Fold[] | undefined;
  /** the header as `takeFolds` gives it (made once) */
  at: FoldedAt | undefined;
}

/** The header a line taken by `learnRest` stood after (see `takeFolds`). */
export interface FoldedAt {
  head: string;
  who: NcclWho;
  tid: number;
}

/** Connection lines of one shape and peers after one header (see `connRead`). */
interface ConnGroup extends ConnRead {
  /** the group of its shape and peers its lines are pending with: itself, or the first of another network device index */
  root: ConnGroup;
  /** its lines pending in the current run (of a root) */
  open: Pending | undefined;
  openRun: number;
  /**
   * its first line's rest after the channel number and the rest's length, when its shape has no RCCL suffix: a line of
   * the same text but for the channel is of the group (found without reading the line's parts)
   */
  after: Literal | undefined;
  restLength: number;
}

/**
 * A wrapper a collector writes before the record (`records/peel.ts` peels it), learned from a line of the input
 * that went the ordinary way. One that says nothing of the origin (a timestamp: kubectl `--timestamps`, CRI) is a
 * template: its bytes, any digit where it held a digit. One that names an origin (a Ray or vLLM process prefix,
 * a compose container) is its exact bytes, and a line behind it is counted only while the readers that see origins
 * have nothing to say of it (`originQuiet`).
 */
export interface LearnedWrapper {
  /** the wrapper's text, as it stands before the record */
  wrapper: string;
  /** what peeling it says of the origin (never empty for an exact wrapper) */
  origin: Origin;
  /** for the readers that see origins: what they worked out of it once (they own these) */
  memo: { key?: string; namesSeen?: boolean; sig?: string };
}

/** A text the fast path folds (see `learnFold`). */
interface Fold {
  /** the rest of the line after the header (compared whole when nothing in it may vary) */
  rest: Literal | undefined;
  text: string;
  length: number;
  /** where the rest may vary (`[a, b)` pairs, ascending), and the literals around them (one more than the pairs) */
  spans: number[];
  segs: Literal[];
  /** what may stand there: any digits, or any lower-case hex digits */
  hex: boolean;
  /** each line is its own (an Init line): no line alike folds with it, nor across it */
  each: boolean;
  /** its lines may fold across an `each` line (see `learnFold`), gathered on it while `foldsInAnyOrder` allows */
  acrossInit: boolean;
  /** (acrossInit) its lines counted since the last `takeFolds`, when they may be handed over after the others (see `gathered`) */
  gathered: number;
  gatheredFirst: number;
  gatheredLast: number;
  /** a text `learnRest` was told of: its hash (see `restHash`) */
  hash?: number;
  /** what the reader folds the lines into */
  id: unknown;
  /** its lines pending since the last line that ended a run (an `each` line, or the ordinary way's) */
  open: Pending | undefined;
  openRun: number;
}

/** Lines of one fold, or connection lines of one shape and peers after one header, pending, in the order of their first lines. */
interface Pending {
  fold: Fold | undefined;
  conn: ConnRead | undefined;
  /** the communicator connection lines of a shape with RCCL's suffix name */
  comm: string | null;
  n: number;
  first: number;
  last: number;
  /** the first line's rest, when it may vary */
  rest: string | undefined;
  /** the header of a line `learnRest` was told of the text of */
  at: FoldedAt | undefined;
}

/**
 * A connection line's shape as the regex of the ordinary way reads it (grammars/nccl.ts `CONNECTION_LINE`):
 * `Channel|Ring <channel>[/<connIndex>] : <from>[[<dev>]] -> <to>[[<dev>]][ [send]| [receive]] via …`, each number of
 * 1 to 9 digits, each device bracket of its length and kind of digits, the text from `via` to the line's end as it was.
 */
export interface ConnShape {
  ring: boolean;
  connIndex: boolean;
  /** the device brackets' lengths (-1: none) and whether they hold hex digits */
  fromDev: number;
  fromHex: boolean;
  toDev: number;
  toHex: boolean;
  /** 0, or 1 for ` [send]`, 2 for ` [receive]` */
  dir: number;
  /**
   * the text from `via` to the line's end, or (`comm`) to RCCL's ` comm 0x<hex>[ nRanks <n>]` there; with `net`, up
   * to the network's device digits (`via NET/<name>/`), `netTail` the text after them
   */
  tail: Literal;
  net: boolean;
  netTail: Literal | undefined;
  /** the rest before the channel number (` NCCL INFO Channel `) */
  pre: Literal;
  comm: boolean;
  nRanks: boolean;
  /** what the reader reads lines of this shape to (see `learnConnShape`) */
  id: unknown;
}

/** Connection lines of one shape and peers after one header read from the bytes: the header's, and the first line's numbers (see `ConnShape`). */
export interface ConnRead extends Pick<NcclConnectionEvent, "channel" | "connIndex" | "from" | "to" | "fromDev" | "toDev"> {
  shape: ConnShape;
  /** the first line's network device digits (a shape with `net`), or null */
  netDev: string | null;
  /** what the reader made of the first line (it keeps it here) */
  memo: { of?: unknown };
  /** the header, `host:pid:tid [dev]` */
  head: string;
  who: NcclWho;
  tid: number;
  keys: { thread?: string; proc?: string };
}

/** where connParse found a connection line's parts (start, end pairs; -1 where absent) */
const C_CH = 0, C_CI = 2, C_FROM = 4, C_FD = 6, C_TO = 8, C_TD = 10, C_DIR = 12, C_TAIL = 13, C_RING = 14, C_COMM = 15, C_NR = 17, C_SFX = 19, C_NET = 20, C_SIZE = 22;
const NCCL_INFO_BYTES = Buffer.from(" NCCL INFO ", "latin1");
/** a run of 1 to 9 decimal digits at `x` (before `e`): where it ends, or -1 */
const digitsAt = (b: Uint8Array, x: number, e: number): number => {
  const s = x;
  while (x < e && b[x] >= 48 && b[x] <= 57) x++;
  return x > s && x - s <= 9 ? x : -1;
};
const bracketAt = (b: Uint8Array, x: number, e: number, out: Int32Array, at: number): number => {
  if (b[x] !== 91 /* [ */) {
    out[at] = out[at + 1] = -1;
    return x;
  }
  let y = x + 1;
  while (y < e && y - x <= 16 && isHex(b[y])) y++;
  if (b[y] !== 93 || y >= e) return -1;
  out[at] = x + 1;
  out[at + 1] = y;
  return y + 1;
};
const same = (b: Uint8Array, x: number, lit: Uint8Array): boolean => {
  for (let q = 0; q < lit.length; q++) if (b[x + q] !== lit[q]) return false;
  return true;
};
const CHANNEL_ = Buffer.from("Channel ", "latin1");
const RING_ = Buffer.from("Ring ", "latin1");
const _COLON_ = Buffer.from(" : ", "latin1");
const _ARROW_ = Buffer.from(" -> ", "latin1");
const _SEND = Buffer.from(" [send]", "latin1");
const _RECEIVE = Buffer.from(" [receive]", "latin1");
const _COMM_0X = Buffer.from(" comm 0x", "latin1");
const _NRANKS_ = Buffer.from(" nRanks ", "latin1");
const VIA_NET_ = Buffer.from("via NET/", "latin1");
/**
 * Reads the rest of a record after its header, `[r, e)` (` NCCL INFO Channel …`), as a connection line of the usual
 * shape into `out` (see C_*): false when it is not one.
 */
export function connParse(b: Uint8Array, r: number, e: number, out: Int32Array): boolean {
  if (e - r < 30 || !same(b, r, NCCL_INFO_BYTES)) return false;
  let x = r + 11;
  if (same(b, x, CHANNEL_)) {
    out[C_RING] = 0;
    x += 8;
  } else if (same(b, x, RING_)) {
    out[C_RING] = 1;
    x += 5;
  } else return false;
  let y = digitsAt(b, x, e);
  if (y < 0) return false;
  out[C_CH] = x;
  out[C_CH + 1] = y;
  x = y;
  out[C_CI] = out[C_CI + 1] = -1;
  if (b[x] === 47 /* / */) {
    if ((y = digitsAt(b, x + 1, e)) < 0) return false;
    out[C_CI] = x + 1;
    out[C_CI + 1] = y;
    x = y;
  }
  if (!same(b, x, _COLON_) || (y = digitsAt(b, x + 3, e)) < 0) return false;
  out[C_FROM] = x + 3;
  out[C_FROM + 1] = y;
  if ((x = bracketAt(b, y, e, out, C_FD)) < 0 || !same(b, x, _ARROW_) || (y = digitsAt(b, x + 4, e)) < 0) return false;
  out[C_TO] = x + 4;
  out[C_TO + 1] = y;
  if ((x = bracketAt(b, y, e, out, C_TD)) < 0) return false;
  out[C_DIR] = 0;
  if (same(b, x, _SEND)) {
    out[C_DIR] = 1;
    x += 7;
  } else if (same(b, x, _RECEIVE)) {
    out[C_DIR] = 2;
    x += 10;
  }
  if (b[x] !== 32 || x + 1 >= e) return false;
  out[C_TAIL] = x + 1;
  // RCCL's ` comm 0x<hex>[ nRanks <n>]` at the end: `[C_TAIL, C_SFX)` is then the rest
  out[C_SFX] = e;
  out[C_COMM] = out[C_COMM + 1] = out[C_NR] = out[C_NR + 1] = -1;
  for (let q = e - 9; q > x; q--) {
    if (b[q] !== 32 || b[q + 1] !== 99 || !same(b, q, _COMM_0X)) continue;
    let h = q + 8;
    while (h < e && h - q <= 24 && isHex(b[h])) h++;
    if (h === q + 8) break;
    let nr = -1;
    if (h < e && (!same(b, h, _NRANKS_) || (nr = digitsAt(b, h + 8, e)) !== e)) break;
    out[C_SFX] = q;
    out[C_COMM] = q + 6;
    out[C_COMM + 1] = h;
    if (nr > 0) {
      out[C_NR] = h + 8;
      out[C_NR + 1] = nr;
    }
    break;
  }
  // a network's device digits, `via NET/<name>/<digits>` (as transportKind reads them)
  out[C_NET] = out[C_NET + 1] = -1;
  const t = x + 1;
  if (same(b, t, VIA_NET_)) {
    let n = t + 8;
    while (n < out[C_SFX] && b[n] !== 47 /* / */) n++;
    const z = n > t + 8 && n < out[C_SFX] ? digitsAt(b, n + 1, out[C_SFX]) : -1;
    if (z > 0) {
      out[C_NET] = n + 1;
      out[C_NET + 1] = z;
    }
  }
  return true;
}
/** the number of the digits `[a, b)` (at most 9) */
const numberAt = (b: Uint8Array, a: number, z: number): number => {
  let n = 0;
  for (let x = a; x < z; x++) n = n * 10 + b[x] - 48;
  return n;
};
/** the bracket `[a, b)` is of length `len` (-1: none) and holds digits of its kind */
const bracketFits = (b: Uint8Array, a: number, z: number, len: number, hex: boolean): boolean => {
  if (a < 0 || len < 0) return a < 0 && len < 0;
  if (z - a !== len) return false;
  for (let x = a; x < z; x++) if (!(hex ? isHex(b[x]) : b[x] >= 48 && b[x] <= 57)) return false;
  return true;
};
/** How a connection line of the usual shape is made, for the reader to check (see `learnConnShape`). */
export interface ConnLayout {
  /** the text around the numbers and device digits, after the header: one more than `runs` */
  parts: string[];
  /** what stands between them: channel, [connIndex,] from, [fromDev,] to, [toDev,] [netDev,] [comm hex digits, [nRanks]] */
  runs: { field: "channel" | "connIndex" | "from" | "fromDev" | "to" | "toDev" | "netDev" | "comm" | "nRanks"; hex: boolean; min: number; max: number }[];
}
/** the layout of rest-of-record `rest` (` NCCL INFO Channel …`) as a connection line of the usual shape, or null */
export function connLayout(rest: string): ConnLayout | null {
  const b = Buffer.from(rest, "latin1");
  const at = new Int32Array(C_SIZE);
  if (!connParse(b, 0, b.length, at)) return null;
  const spans: [ConnLayout["runs"][number]["field"], number][] = [["channel", C_CH], ["connIndex", C_CI], ["from", C_FROM], ["fromDev", C_FD], ["to", C_TO], ["toDev", C_TD], ["netDev", C_NET], ["comm", C_COMM], ["nRanks", C_NR]];
  const parts: string[] = [];
  const runs: ConnLayout["runs"] = [];
  let from = 0;
  for (const [field, k] of spans) {
    const a = at[k];
    const z = at[k + 1];
    if (a < 0) continue;
    const dev = field === "fromDev" || field === "toDev";
    if (dev && a === z) continue;
    // (the communicator's `0x` stays in the text around it)
    const x = field === "comm" ? a + 2 : a;
    parts.push(rest.slice(from, x));
    runs.push(dev ? { field, hex: /[^0-9]/.test(rest.slice(a, z)), min: z - a, max: z - a } : field === "comm" ? { field, hex: true, min: 1, max: 16 } : { field, hex: false, min: 1, max: 9 });
    from = z;
  }
  parts.push(rest.slice(from));
  return { parts, runs };
}

/** How the text `learnFold` is told of may vary: at `spans` (`[a, b)` pairs of the text), digits or hex digits. */
export interface FoldVariance {
  spans: readonly number[];
  hex?: boolean;
  each?: boolean;
}

interface ExactWrapper extends LearnedWrapper {
  bytes: Literal;
  /** `quietEra` when the readers that see origins last said nothing of a line behind it (see `count`) */
  quietIn: number;
  // speculative counting (see `armed`):
  /** its lines may be counted: no nested prefix names a process the origin does not */
  countable: boolean;
  /** its origin, for telling origins apart (equal origins: the readers in order note them alike) */
  originKey: string;
  /** the region in which a line behind it went back to the reader in order, or -1 */
  armedIn: number;
  /** `pidChanges` when its pid last had its origin */
  pidOkAt: number;
}

const MAX_TEMPLATES = 32;
const MAX_EXACT_WRAPPERS = 1024;
const MAX_WRAPPER_LENGTH = 200;
// a fast record after the wrapper: its header, then a space
const HEADER_AHEAD = /^[A-Za-z0-9][\w.\-]*:\d+:\d+ \[\d+\](?= )/;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const sameOrigin = (a: Origin, b: Origin) => {
  const ka = Object.keys(a) as (keyof Origin)[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};
const NCCL_INFO_LENGTH = " NCCL INFO ".length;
const originKey = (o: Origin) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k as keyof Origin]]));

export interface FastCounter {
  fast: LineCounter;
  /** reads what is still pending of the counted lines: before the ordinary path touches the same counters */
  settle(): void;
  /** the last line counted here, or 0 */
  lastFastLine(): number;
  /** speculative: the line was handed back to the reader in order (it reads it before the lines that follow) */
  handedBack(text: string): void;
  /** speculative: where the reader in order takes note of the wrappers lines were counted behind (see CountedBehind) */
  behind(): CountedBehind[];
  /**
   * `text`, a bare ASCII record `host:pid:tid [dev] NCCL INFO …`, was read to nothing (no event, no counter) and would
   * be again wherever it stands (the reader says when): a bare line of the same text is taken from now on
   */
  learnQuiet(text: string): void;
  /**
   * `text`, a bare ASCII record `host:pid:tid [dev] NCCL INFO …`, was read to one event that a line of the same text
   * would make again wherever it stands, up to the communicator of its thread (the reader says when): a bare line of
   * the same text is folded from now on, `id` standing for it, until `takeFolds`. `vary`: where the text may hold other
   * digits too (a connection's channel, an Init line's communicator: the reader says the line reads alike but for them).
   * `acrossInit`: what the line reads to is not its thread's communicator's, so its lines fold across an Init line too
   */
  learnFold(text: string, id: unknown, vary?: FoldVariance, acrossInit?: boolean): boolean;
  /**
   * `text`, a record with no header (NCCL's banner, `NCCL version 2.21.5+cuda12.4`), was read to events that a line of
   * the same bytes with no wrapper would make again wherever it stands but for the line (the reader says when): such a
   * line is folded alone from now on, `id` standing for it, until `takeFolds`
   */
  learnBare(text: string, id: unknown): boolean;
  /**
   * `text`, a bare ASCII record `host:pid:tid [dev] NCCL INFO …`, was read to one event that its text after the header
   * makes after any header `connHeaderOk` passes, but for the header's host, pid and device (the reader says when: `id()`
   * is then what stands for it, else undefined; asked once a text): the first line of that text after any other
   * header is taken from now on, each line its own entry (ending every run) that `takeFolds` hands over with its header
   */
  learnRest(text: string, id: () => unknown): boolean;
  /**
   * hands over (in the order of their first lines; those of a fold `learnFold` was told may fold across an Init line
   * after all others, when `foldsInAnyOrder` allowed it) and forgets the lines folded since the last call:
   * `visit(id, n, first, last, rest, conn, comm)`, `rest` the first line's text after its header where it may vary,
   * for connection lines read from the bytes `conn` what was read of the first line of its header, shape and peers,
   * `comm` the communicator an RCCL suffix names
   */
  takeFolds(visit: (id: unknown, n: number, first: number, last: number, rest: string | undefined, conn: ConnRead | undefined, comm: string | null, at: FoldedAt | undefined) => void): void;
  /**
   * Connection lines of `text`'s shape (see ConnShape: `text`, a bare ASCII record, is one), `id` standing for what the
   * reader reads them to, are read from the bytes after any header from now on (those of one header, shape and peers
   * in a run become one pending entry, as a fold's lines do; `takeFolds` hands them over). `headerOk`: whether such a
   * line may be read so after a header (asked once per header).
   */
  learnConnShape(text: string, id: unknown): boolean;
  /** the shape learnConnShape learnt of `text`'s shape, if any */
  connShapeOf(text: string): ConnShape | undefined;
  /**
   * The thread of header `head` finished a communicator (its `Init COMPLETE` line was read the ordinary way, so no
   * line is pending): what was read of its connection lines is forgotten (a connection line after it is read afresh).
   */
  connsDone(head: string): void;
  /** some lines are folded and not yet taken */
  folding(): boolean;
  /** what was counted, for `absorb` on the thread that reads the input in order */
  counts(): NcclFastCounts;
  /** adds what a speculative counter counted over lines that follow the last read here, numbered from `lineOffset + 1` */
  absorb(counts: NcclFastCounts, lineOffset: number): void;
  /**
   * Speculative: the lines that follow are another region (a segment elsewhere in the file), counted afresh (the
   * table is emptied), lines numbered from 1 again. The headers already seen stay known (so does the compiled code).
   */
  newRegion(): void;
}

/**
 * A fast path over `table`. `hostSeen`: the ordinary path has noted this host (its first lines go that way, so the
 * host event stands where it would without the fast path). `speculative`: counting a later part of an input that
 * another reader reads up to there; it cannot know what came before, so the first line it could count of each
 * process or communicator goes the ordinary way (the caller hands it to the other reader, in order), which creates
 * the counters there and notes the host as a one-thread reading would; `absorb` then adds the rest. So does the
 * first line behind each origin-naming wrapper in a region (see `armed`).
 */
export function createFastCounter(
  table: ActivityTable,
  options: {
    speculative: boolean;
    hostSeen: (host: string) => boolean;
    originQuiet?: (w: LearnedWrapper) => boolean;
    /**
     * a bare line read to nothing (see `learnQuiet`): whether its text after the header reads to nothing after any
     * header `connHeaderOk` passes too (the message does: the reader checks what the rest could change with another
     * header, peeling, splitting, signatures)
     */
    quietElsewhere?: (line: string) => boolean;
    /** whether a connection line of a learnt shape may be read from the bytes after this header (see learnConnShape) */
    connHeaderOk?: (header: string) => boolean;
    /**
     * `FAST_LIMITS.pending` runs are pending: the caller takes them (`takeFolds`) now, before the next line, as it
     * would before a line read the ordinary way (held longer, runs outlive young collections: a set-up log with few
     * lines read the ordinary way pends thousands, ~20% more CPU)
     */
    foldsFull?: () => void;
    /**
     * whether the lines folded from now until the next `takeFolds` may be handed over out of the order of their first
     * lines (the reader says: no fact it reduces them to depends on that order). Asked once between two `takeFolds`.
     */
    foldsInAnyOrder?: () => boolean;
  },
): FastCounter {
  const speculative = options.speculative;
  // headers seen, by `keyHash`, chained; and the lengths of those that may take the fast path
  const keySlots: (FastKey | undefined)[] = new Array(KEY_SLOTS).fill(undefined);
  const keyLengths: number[] = [];
  let keyCount = 0;
  // every four characters and the length (a few of them left most of a big job's headers in one chain: its hosts
  // differ in the middle, its processes' tids and devices alike by rank; walking chains of hundreds was ~8% of its CPU)
  const keyHash = (s: number, i: number, len: number) => {
    let h = Math.imul(len ^ view.getUint32(i - 4, true), 0x9e3779b1);
    for (let x = s; x < i - 4; x += 4) h = Math.imul(h ^ (h >>> 15) ^ view.getUint32(x, true), 0x85ebca6b);
    return Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> KEY_SHIFT;
  };
  let lastFastLine = 0;

  const registerKey = (key: string): FastKey => {
    const h = fastNcclHeader(key);
    const probe = `${key} NCCL INFO x`;
    const p = h ? peel(probe) : null;
    const ok = !!h && !!p && p.text === probe && p.stamp === undefined && Object.keys(p.origin).length === 0 && splitPhysicalLine(probe).length === 1;
    const k: FastKey = {
      key: new Literal(key), ok: ok ? undefined : false, who: { host: h?.host ?? null, pid: h?.pid ?? null, dev: h?.dev ?? null },
      next: undefined, hostSeen: false, quiet: undefined, folds: undefined, asked: undefined, comm: null, commAct: null, devAct: undefined,
      tid: h?.tid ?? -1, connOk: undefined, memo: {}, conns: undefined, wrap: undefined, rests: undefined, at: undefined,
    };
    if (ok) keysByText.set(key, k);
    return k;
  };
  const keysByText = new Map<string, FastKey>();
  let quietCount = 0;
  const learnQuiet = (text: string): void => {
    const head = HEADER_AHEAD.exec(text);
    const k = head ? keysByText.get(head[0]) : undefined;
    if (k === undefined || k.ok === false || quietCount >= MAX_QUIET || !wholeLine(text)) return;
    const rest = text.slice(head![0].length);
    const list = (k.quiet ??= []);
    if (list.length >= MAX_QUIET_PER_KEY || list.some((q) => q.length === rest.length && q.text === rest)) return;
    const lit = new Literal(rest);
    list.push(lit);
    quietCount++;
    // (and after any header `connHeaderOk` passes, once the reader says so of its rest: a big job's ranks print the
    // same set-up lines)
    if (options.quietElsewhere !== undefined && quietRests.size < MAX_QUIET && quietRests.fits(rest)) {
      const h = restHash(rest);
      if (quietRests.has(rest, h) || !options.quietElsewhere(text)) return;
      quietRests.add(lit, lit, h);
    }
  };
  // texts read to nothing after some header (see learnQuiet)
  const quietRests = new RestIndex<Literal>();
  let foldCount = 0;
  // the lines folded pending, in the order of their first lines; `run` counts the runs they were cut into
  const folded = objectArray<Pending>();
  let run = 0;
  // the folds whose lines fold across an Init line, with lines gathered on them (a set-up log's texts each folded
  // once per communicator: ~60% of its lines, each a pending entry of its own else, as an Init line ends every run),
  // and whether they may be (`foldsInAnyOrder`, asked once between two `takeFolds`)
  const gathered: Fold[] = [];
  let anyOrder: boolean | undefined;
  const learnFold = (text: string, id: unknown, vary?: FoldVariance, acrossInit = false): boolean => {
    // (past the cap, what was learnt is forgotten and learnt afresh: a big job's set-up brings new processes)
    if (foldCount >= FAST_LIMITS.folds && folded.length === 0 && gathered.length === 0) forgetFolds();
    const head = HEADER_AHEAD.exec(text);
    const k = head ? keysByText.get(head[0]) : undefined;
    if (k === undefined || k.ok === false || foldCount >= FAST_LIMITS.folds) return false;
    const h = head![0].length;
    // (a text whole, learnt when its header prints it again: in a big job's set-up a thread prints each text once)
    if (vary === undefined) {
      const asked = (k.asked ??= []);
      const hash = restHash(text, h);
      if (!asked.includes(hash)) {
        if (asked.length < MAX_FOLDS_PER_KEY) asked.push(hash);
        return false;
      }
    }
    if (!wholeLine(text)) return false;
    const rest = text.slice(h);
    const spans = (vary?.spans ?? []).map((x) => x - h);
    const hex = vary?.hex === true;
    const segs: string[] = [];
    for (let q = 0, from = 0; q <= spans.length; q += 2) {
      const a = q < spans.length ? spans[q] : rest.length;
      if (a < from || (q < spans.length && !(hex ? /^[0-9a-f]+$/ : /^[0-9]+$/).test(rest.slice(a, spans[q + 1])))) return false;
      segs.push(rest.slice(from, a));
      from = spans[q + 1];
    }
    const list = (k.folds ??= []);
    const same = (f: Fold) => f.length === rest.length && f.hex === hex && f.spans.length === spans.length && f.spans.every((x, q) => x === spans[q]) && (f.rest !== undefined ? f.rest.text === rest : f.segs.every((g, x) => g.text === segs[x]));
    if (list.length >= MAX_FOLDS_PER_KEY || list.some(same)) return false;
    const varies = spans.length > 0;
    list.push({
      rest: varies ? undefined : new Literal(rest), text: rest, length: rest.length, spans, segs: varies ? segs.map((g) => new Literal(g)) : [], hex,
      each: vary?.each === true, acrossInit: acrossInit && vary?.each !== true, gathered: 0, gatheredFirst: 0, gatheredLast: 0, id, open: undefined, openRun: -1,
    });
    foldCount++;
    return true;
  };
  // bare texts learnt (see learnBare), kept past the caps (a file has one banner or a few)
  const bareFolds: Fold[] = [];
  const learnBare = (text: string, id: unknown): boolean => {
    if (bareFolds.length >= MAX_BARE || !wholeLine(text) || bareFolds.some((f) => f.text === text)) return false;
    bareFolds.push({ rest: new Literal(text), text, length: text.length, spans: [], segs: [], hex: false, each: true, acrossInit: false, gathered: 0, gatheredFirst: 0, gatheredLast: 0, id, open: undefined, openRun: -1 });
    return true;
  };
  // texts read to one event after some header (see learnRest)
  const restFolds = new RestIndex<Fold>();
  const learnRest = (text: string, idOf: () => unknown): boolean => {
    const head = HEADER_AHEAD.exec(text);
    const k = head ? keysByText.get(head[0]) : undefined;
    if (k === undefined || k.ok === false || restFolds.size >= MAX_QUIET) return false;
    const rest = text.slice(head![0].length);
    const hash = restHash(rest);
    if (!restFolds.fits(rest) || restFolds.has(rest, hash) || !wholeLine(text)) return false;
    const id = idOf();
    if (id === undefined) return false;
    const lit = new Literal(rest);
    const f: Fold = { rest: lit, text: rest, length: rest.length, spans: [], segs: [], hex: false, each: true, acrossInit: false, gathered: 0, gatheredFirst: 0, gatheredLast: 0, hash, id, open: undefined, openRun: -1 };
    restFolds.add(lit, f, hash);
    // (its header took it: not again, see `count`)
    (k.rests ??= []).push(f);
    return true;
  };
  const takeFolds = (visit: (id: unknown, n: number, first: number, last: number, rest: string | undefined, conn: ConnRead | undefined, comm: string | null, at: FoldedAt | undefined) => void): void => {
    for (const p of folded) {
      visit(p.conn !== undefined ? p.conn.shape.id : p.fold!.id, p.n, p.first, p.last, p.rest, p.conn, p.comm, p.at);
      // (a group keeps no text past its run)
      if (p.conn !== undefined) (p.conn as ConnGroup).open = undefined;
    }
    folded.length = 0;
    for (const f of gathered) {
      visit(f.id, f.gathered, f.gatheredFirst, f.gatheredLast, undefined, undefined, null, undefined);
      f.gathered = 0;
    }
    gathered.length = 0;
    anyOrder = undefined;
    run++;
  };

  // connection line shapes learnt (see learnConnShape), and where connParse found the parts of the line at hand
  const shapes: ConnShape[] = [];
  const cf = new Int32Array(C_SIZE);
  const shapeFits = (sh: ConnShape, b: Uint8Array, e: number): boolean =>
    (sh.net ? cf[C_NET] >= 0 && sh.tail.length === cf[C_NET] - cf[C_TAIL] && sh.netTail!.length === cf[C_SFX] - cf[C_NET + 1] && sh.netTail!.at(view, cf[C_NET + 1], cf[C_SFX]) : sh.tail.length === cf[C_SFX] - cf[C_TAIL]) && sh.comm === cf[C_COMM] >= 0 && sh.nRanks === cf[C_NR] >= 0 && sh.dir === cf[C_DIR] && sh.ring === (cf[C_RING] === 1) && sh.connIndex === cf[C_CI] >= 0 &&
    bracketFits(b, cf[C_FD], cf[C_FD + 1], sh.fromDev, sh.fromHex) && bracketFits(b, cf[C_TD], cf[C_TD + 1], sh.toDev, sh.toHex) &&
    sh.tail.at(view, cf[C_TAIL], cf[C_TAIL] + sh.tail.length);
  const connShapeOf = (text: string): ConnShape | undefined => {
    const head = HEADER_AHEAD.exec(text);
    if (!head) return undefined;
    const b = Buffer.from(text, "latin1");
    if (!connParse(b, head[0].length, b.length, cf)) return undefined;
    const save = view;
    view = new DataView(b.buffer, b.byteOffset, b.length);
    try {
      return shapes.find((sh) => shapeFits(sh, b, b.length));
    } finally {
      view = save;
    }
  };
  const learnConnShape = (text: string, id: unknown): boolean => {
    const head = HEADER_AHEAD.exec(text);
    if (!head || shapes.length >= MAX_SHAPES || !wholeLine(text) || connShapeOf(text) !== undefined) return false;
    const b = Buffer.from(text, "latin1");
    if (!connParse(b, head[0].length, b.length, cf)) return false;
    const len = (k: number) => (cf[k] < 0 ? -1 : cf[k + 1] - cf[k]);
    const hex = (k: number) => cf[k] >= 0 && /[^0-9]/.test(text.slice(cf[k], cf[k + 1]));
    const net = cf[C_NET] >= 0;
    shapes.push({
      ring: cf[C_RING] === 1, connIndex: cf[C_CI] >= 0, fromDev: len(C_FD), fromHex: hex(C_FD), toDev: len(C_TD), toHex: hex(C_TD), dir: cf[C_DIR],
      tail: new Literal(text.slice(cf[C_TAIL], net ? cf[C_NET] : cf[C_SFX])), net, netTail: net ? new Literal(text.slice(cf[C_NET + 1], cf[C_SFX])) : undefined, pre: new Literal(text.slice(head[0].length, cf[C_CH])), comm: cf[C_COMM] >= 0, nRanks: cf[C_NR] >= 0, id,
    });
    return true;
  };
  /** the learnt shape the rest of the line `[r, e)` after header `k` is of (its parts in `cf`), or undefined */
  const connAt = (k: FastKey, r: number, e: number): ConnShape | undefined => {
    if (!connParse(body, r, e, cf)) return undefined;
    let sh: ConnShape | undefined;
    for (let q = 0; q < shapes.length && sh === undefined; q++) if (shapeFits(shapes[q], body, e)) sh = shapes[q];
    if (sh === undefined) return undefined;
    if (k.connOk === undefined) k.connOk = options.connHeaderOk?.(k.key.text) ?? false;
    return k.connOk ? sh : undefined;
  };
  /** the chunk's `[a, z)` holds the text `t` */
  const sameText = (t: string, a: number, z: number): boolean => {
    if (z - a !== t.length) return false;
    for (let q = 0; q < t.length; q++) if (body[a + q] !== t.charCodeAt(q)) return false;
    return true;
  };
  /**
   * the connection line at hand (after `connAt`), line `lineNo`, after header `k`, `[r, e)` its rest: pending with the
   * lines of its header, shape and peers in this run; false past the groups kept after a header
   */
  const connRead = (k: FastKey, sh: ConnShape, r: number, e: number, lineNo: number): boolean => {
    const from = numberAt(body, cf[C_FROM], cf[C_FROM + 1]);
    const to = numberAt(body, cf[C_TO], cf[C_TO + 1]);
    const groups = (k.conns ??= []);
    let g: ConnGroup | undefined;
    let root: ConnGroup | undefined;
    for (let q = 0; q < groups.length && g === undefined; q++) {
      const o = groups[q];
      if (o.shape !== sh || o.from !== from || o.to !== to) continue;
      // (one of another network device index: its lines are pending with that one's)
      if (o.netDev === null || sameText(o.netDev, cf[C_NET], cf[C_NET + 1])) g = o;
      else root ??= o.root;
    }
    if (g === undefined) {
      if (groups.length >= MAX_FOLDS_PER_KEY) return false;
      const dev = (a: number, z: number) => (a < 0 ? null : body.toString("latin1", a, z));
      groups.push((g = {
        root: undefined!,
        shape: sh, memo: {}, head: k.key.text, who: k.who, tid: k.tid, keys: k.memo, channel: numberAt(body, cf[C_CH], cf[C_CH + 1]),
        connIndex: cf[C_CI] < 0 ? null : numberAt(body, cf[C_CI], cf[C_CI + 1]), from, to, fromDev: dev(cf[C_FD], cf[C_FD + 1]), toDev: dev(cf[C_TD], cf[C_TD + 1]),
        netDev: sh.net ? body.toString("latin1", cf[C_NET], cf[C_NET + 1]) : null,
        open: undefined, openRun: -1, after: sh.comm ? undefined : new Literal(body.toString("latin1", cf[C_CH + 1], e)), restLength: e - r,
      }));
      g.root = root ?? g;
    }
    connPend(g, sh.comm ? cf[C_COMM] : -1, r, e, lineNo);
    return true;
  };
  /** the group of header `k` whose first line's text the rest `[r, e)` is but for the channel number, or undefined */
  const groupAt = (groups: ConnGroup[], r: number, e: number): ConnGroup | undefined => {
    for (let q = 0; q < groups.length; q++) {
      const g = groups[q];
      const after = g.after;
      if (after === undefined || g.restLength !== e - r) continue;
      const pre = g.shape.pre;
      let x = r + pre.length;
      if (!pre.at(view, r, x)) continue;
      const d = x;
      while (x < e && body[x] >= 48 && body[x] <= 57) x++;
      if (x > d && x - d <= 9 && e - x === after.length && after.at(view, x, e)) return g;
    }
    return undefined;
  };
  /** the line `lineNo` of group `g` (`[r, e)` its rest, `c` where its RCCL communicator starts or -1): pending with its like */
  const connPend = (line: ConnGroup, c: number, r: number, e: number, lineNo: number): void => {
    const g = line.root;
    const o = g.open;
    if (o !== undefined && g.openRun === run && (o.comm === null || sameText(o.comm, c, cf[C_COMM + 1]))) {
      o.n++;
      o.last = lineNo;
      return;
    }
    const comm = c >= 0 ? body.toString("latin1", c, cf[C_COMM + 1]) : null;
    folded.push((g.open = { fold: undefined, conn: g, comm, n: 1, first: lineNo, last: lineNo, rest: body.toString("latin1", r, e), at: undefined }));
    g.openRun = run;
  };
  const eachKey = (f: (k: FastKey) => void) => {
    for (let k of keySlots) for (; k !== undefined; k = k.next) f(k);
  };
  const forgetFolds = () => {
    eachKey((k) => (k.folds = undefined));
    foldCount = 0;
  };
  /** the header `[p, i]` (i: its `]`) as known, registered when new; undefined past the cap or when too long */
  const keyFor = (p: number, i: number): FastKey | undefined => {
    const len = i + 1 - p;
    if (len > 160 || len < 8) return undefined;
    // (past the cap, the headers are forgotten and learnt afresh, with what was learnt after them: a big job's
    // set-up brings new processes; lines folded and not yet taken stay)
    if (keyCount >= FAST_LIMITS.keys) {
      keySlots.fill(undefined);
      keyLengths.length = 0;
      keysByText.clear();
      keyCount = quietCount = foldCount = 0;
    }
    // ` [<digits>]` ends a header (most lines' first `]` ends something else: `[logger.py:43]`)
    let d = i - 1;
    while (d > p && body[d] >= 48 && body[d] <= 57) d--;
    if (d === i - 1 || body[d] !== 91 || body[d - 1] !== 32) return undefined;
    const slot = keyHash(p, i, len);
    let k: FastKey | undefined;
    for (k = keySlots[slot]; k !== undefined; k = k.next) if (k.key.length === len && k.key.at(view, p, i + 1)) return k;
    keyCount++;
    const fresh = registerKey(body.toString("latin1", p, i + 1));
    fresh.next = keySlots[slot];
    keySlots[slot] = fresh;
    // only headers that may take the fast path: every other length would be tried on every line
    if (fresh.ok !== false && !keyLengths.includes(len)) keyLengths.push(len);
    return fresh;
  };
  // where the header found by `keyAt` ends (its `]`)
  let keyEnd = -1;
  /** the known header that starts the record at `p` (before `e`), or undefined */
  const keyAt = (p: number, e: number): FastKey | undefined => {
    for (let n = 0; n < keyLengths.length; n++) {
      const len = keyLengths[n];
      const i = p + len - 1;
      if (i >= e || body[i] !== 93) continue;
      let k = keySlots[keyHash(p, i, len)];
      while (k !== undefined && (k.key.length !== len || !k.key.at(view, p, i + 1))) k = k.next;
      if (k !== undefined) {
        keyEnd = i;
        return k;
      }
    }
    return undefined;
  };

  // wrappers learned from the input (none when a user rule's patterns are searched in the raw bytes)
  /** learnt wrappers that say nothing of the origin: their bytes, 0 where any digit may stand */
  const templates = objectArray<WildLiteral>();
  // (by their bytes: a line whose wrapper is none of them is looked up with no string made, once per wrapper length)
  const wrapsByText = new RestIndex<ExactWrapper>();
  const wrapLengths: number[] = [];
  let wrapCount = 0;
  let learnTries = 0;
  let ncclAt = -1;
  let wrappersOn = true;
  /** the length of a learned template at `p` (before `e`), or 0 */
  const templateAt = (p: number, e: number): number => {
    for (let t = 0; t < templates.length; t++) if (wildAt(view, body, p, e, templates[t])) return templates[t].n;
    return 0;
  };
  // the known header behind the wrapper `exactAt` found, or undefined
  let exactKey: FastKey | undefined;
  /**
   * The learned exact wrapper at `p` (before `e`), or undefined; the known header behind it in `exactKey`. A header's
   * lines stand behind one wrapper (a process prefix names the process of the header): the one its last line stood
   * behind is compared first, and a wrapper is looked up by its text only when that fails.
   */
  const exactAt = (p: number, e: number): ExactWrapper | undefined => {
    for (let n = 0; n < wrapLengths.length; n++) {
      const len = wrapLengths[n];
      const k = p + len < e ? keyAt(p + len, e) : undefined;
      if (k === undefined) continue;
      const last = k.wrap;
      const w = last !== undefined && last.bytes.length === len && last.bytes.at(view, p, p + len) ? last : wrapsByText.find(body, view, p, p + len);
      if (w === undefined) continue;
      exactKey = k;
      return (k.wrap = w);
    }
    // no known header behind one: the line goes the ordinary way, and what stands behind a wrapper is learnt (only of a
    // line with ` NCCL ` in it: where the next stands, asked with `p` not decreasing, so the chunk is searched once;
    // most lines of a vLLM log have none, and were each looked up behind every length of wrapper learnt)
    exactKey = undefined;
    if (ncclAt < p) ncclAt = body.indexOf(" NCCL ", p, "latin1") >>> 0;
    if (ncclAt >= e) return undefined;
    for (let n = 0; n < wrapLengths.length; n++) {
      const w = p + wrapLengths[n] < e ? wrapsByText.find(body, view, p, p + wrapLengths[n]) : undefined;
      if (w !== undefined) return w;
    }
    return undefined;
  };
  /**
   * The line `[s, e)` (its wrappers up to `p` known) found no known header at `p`: when what stands there is a
   * wrapper peeling takes off before a record the fast path could read, learn it (the line itself goes the
   * ordinary way). Peeling is the judge: the wrapper must come off whole before the line and before a probe
   * record, leave the record as it is and say the same of the origin; a template also with other digits.
   */
  const learnWrapper = (s: number, p: number, e: number): void => {
    if (learnTries > 4096 && learnTries > 16 * (templates.length + wrapCount + 1)) return;
    // where the next ` NCCL ` of the chunk stands (asked with `p` not decreasing, so the chunk is searched once)
    if (ncclAt < p) ncclAt = body.indexOf(" NCCL ", p, "latin1") >>> 0;
    if (ncclAt >= e || e - s > 4096) return;
    learnTries++;
    const whole = body.toString("latin1", s, e);
    const line = whole.slice(p - s);
    const peeled = peel(line);
    const text = peeled.text;
    const wlen = line.length - text.length;
    if (wlen <= 0 || wlen > MAX_WRAPPER_LENGTH || !line.endsWith(text) || peeled.origin.repeated !== undefined) return;
    const head = HEADER_AHEAD.exec(text);
    if (!head || !fastHeader(head[0])) return;
    const wrapper = line.slice(0, wlen);
    if (wrapper.includes("NCCL") || splitPhysicalLine(whole).length !== 1 || peel(whole).text !== text) return;
    const probe = `${head[0]} NCCL INFO x`;
    const holds = (w: string, origin: Origin) => {
      const q = peel(w + probe);
      return q.text === probe && sameOrigin(q.origin, origin) && splitPhysicalLine(w + probe).length === 1;
    };
    if (Object.keys(peeled.origin).length === 0) {
      if (templates.length >= MAX_TEMPLATES || wlen < 2) return;
      if (!holds(wrapper, {}) || !holds(wrapper.replace(/\d/g, "0"), {}) || !holds(wrapper.replace(/\d/g, "9"), {})) return;
      templates.push(wildLiteral(Uint8Array.from(wrapper, (c) => (c >= "0" && c <= "9" ? 0 : c.charCodeAt(0)))));
    } else {
      if (!(options.originQuiet || speculative) || wrapCount >= MAX_EXACT_WRAPPERS || wlen < 4 || wrapsByText.has(wrapper, restHash(wrapper)) || !holds(wrapper, peeled.origin)) return;
      wrapCount++;
      const o = peeled.origin;
      // (a nested prefix naming another process: the observer's note of a line behind it depends on more than its origin)
      const countable = o.process === undefined || processNames(o.process, wrapper).size === 1;
      const bytes = new Literal(wrapper);
      wrapsByText.add(bytes, { wrapper, origin: o, memo: {}, bytes, countable, originKey: originKey(o), armedIn: -1, pidOkAt: -1, quietIn: -1 }, restHash(wrapper));
      if (!wrapLengths.includes(wlen)) wrapLengths.push(wlen);
    }
    // the header behind it, so that its next line finds it
    keyFor(p + wlen, p + wlen + head[0].length - 1);
  };

  const devActivity = (k: FastKey): Activity | null => {
    if (k.devAct === undefined) k.devAct = table.get(k.who, null);
    return k.devAct;
  };

  let body: Buffer = Buffer.alloc(0);
  let view = new DataView(body.buffer);
  const dangers = new DangerScan();
  // where the next danger of the chunk starts, as last asked (valid while lines start before it)
  let dangerAt = -1;
  let maxLine = 0;
  // collectives counted but whose opCount and name are not yet read: read from their last line when the chunk
  // ends or before the ordinary path may touch the same counters
  const pending = objectArray<Activity>();
  const settle = () => {
    for (const a of pending) {
      const at = a.fastAt;
      a.fastAt = -1;
      const m0 = at + 1 + NCCL_INFO_LENGTH;
      const colon = body.indexOf(58, m0);
      let e = colon + 10;
      while (isHex(body[e])) e++;
      a.lastCollective = body.toString("latin1", m0, colon);
      a.lastOpCount = body.toString("latin1", colon + 10, e);
    }
    pending.length = 0;
  };
  // the chunk's pass (src/input/chunk-scan.ts), and the next ` comm ` in it to look at (asked with `from` not decreasing)
  let scan: ChunkScan = chunkScanner().scan(body, 0, 0);
  let commNext = 0;
  let commFrom = -1;
  /** the first ` comm ` at or after `from` and wholly before `nl`, or -1 */
  const commAfter = (from: number, nl: number): number => {
    const at = scan.comm;
    let j = from >= commFrom ? commNext : 0;
    while (j < scan.commCount && at[j] < from) j++;
    commNext = j;
    commFrom = from;
    return j < scan.commCount && at[j] + 5 < nl ? at[j] : -1;
  };

  // What the readers that see origins say of a wrapper (`originQuiet`) changes only when they read a line: so between
  // two lines the ordinary way reads (an era), each wrapper is asked once, and before the next such line they take
  // note of the wrapper lines were counted behind last, as they would have of each line (their only note: the vLLM
  // origin observer's last origin; asking again of a wrapper they were quiet about changes nothing else).
  let quietEra = 0;
  let behindLast: ExactWrapper | undefined;
  const endQuietEra = () => {
    if (!speculative) options.originQuiet!(behindLast!);
    behindLast = undefined;
    quietEra++;
  };

  // one function that only says whether it counted the line, and one place that sends a line the ordinary way:
  // a call site the optimizing compiler has seen no call at makes it throw its code away when the call comes
  const count = (s: number, nl: number, lineNo: number): boolean => {
    if (nl - s > maxLine || !scan.full) return false;
    // (a CRLF line's CR is not part of it)
    const e = body[nl - 1] === 13 ? nl - 1 : nl;
    // the header: a known one is found by the length of a known header (its only `]` ends it), a hash of a few
    // characters (device, tid, host) and a whole comparison; before it, a learned template, then a learned exact
    // wrapper; any other header is registered
    let p = s;
    let k = keyAt(p, e);
    let exact: ExactWrapper | undefined;
    let first = false;
    if (k === undefined && wrappersOn) {
      if (templates.length > 0) {
        const t = templateAt(p, e);
        if (t > 0) k = keyAt((p += t), e);
      }
      if (k === undefined && wrapLengths.length > 0 && (exact = exactAt(p, e)) !== undefined) {
        p += exact.bytes.length;
        k = exactKey;
      }
    }
    if (k === undefined) {
      // (a bare text learnt: its very bytes, with no wrapper, each line its own pending entry, as a line read the
      // ordinary way ends every run)
      let f: Fold | undefined;
      if (bareFolds.length > 0 && p === s && !speculative && (f = foldAfter(bareFolds, s, e)) !== undefined) {
        folded.push({ fold: f, conn: undefined, comm: null, n: 1, first: lineNo, last: lineNo, rest: undefined, at: undefined });
        run++;
        lastFastLine = lineNo;
        return true;
      }
      if (wrappersOn) {
        const before = templates.length + wrapCount;
        learnWrapper(s, p, e);
        if (templates.length + wrapCount > before) return false;
      }
      // (a header is at most 160 characters: never a search to the chunk's end)
      const to = Math.min(e, p + 161);
      let i = p;
      while (i < to && body[i] !== 93 /* ] */) i++;
      // (a new header's first line is taken only as a text learnRest was told of, once its host was noted)
      if (i >= to || (k = keyFor(p, i)) === undefined || speculative || restFolds.size === 0 || p !== s) return false;
      keyEnd = i;
      first = true;
    }
    const i = keyEnd;
    if (k.ok === false) return false;
    if (k.ok === undefined) k.ok = true;
    let kind = NO_MATCH;
    let fold: Fold | undefined;
    let shape: ConnShape | undefined;
    let group: ConnGroup | undefined;
    // (only a bare line: it is then the very text the reader read to nothing, or to the one event it folds. Looked for
    // before matchAfterHeader, which reads such a line to nothing: the reader counted none of them, and what an Init
    // line or a group's line may hold else, hex digits after ` comm 0x`, a channel after ` NCCL INFO Channel ` or
    // `Ring `, makes no collective, chatter or TRACE line; a set-up log's NET/IB and `Connected all rings` lines would
    // each be made a string for CHATTER to refuse)
    if (first) {
      if ((fold = restFolds.find(body, view, i + 1, e)) === undefined || !(k.connOk ??= options.connHeaderOk?.(k.key.text) ?? false)) return false;
      kind = REST;
    } else if (p === s) {
      if (k.quiet !== undefined && quietAfter(k.quiet, i + 1, e)) kind = QUIET;
      // (a connection line of a group first: most set-up lines are)
      else if (k.conns !== undefined && (group = groupAt(k.conns, i + 1, e)) !== undefined) kind = CONN;
      else if (k.folds !== undefined && (fold = foldAfter(k.folds, i + 1, e)) !== undefined) kind = FOLD;
    }
    if (kind === NO_MATCH && (kind = matchAfterHeader(body, view, i, e)) === NO_MATCH) {
      if (p !== s) return false;
      let q: Literal | undefined;
      if (shapes.length > 0 && (shape = connAt(k, i + 1, e)) !== undefined) kind = CONN;
      // (a text its header printed before goes the ordinary way: that one learns to fold its like, see learnFold)
      else if (restFolds.size > 0 && !speculative && (fold = restFolds.find(body, view, i + 1, e)) !== undefined && !(k.rests?.includes(fold) ?? false) && (k.connOk ??= options.connHeaderOk?.(k.key.text) ?? false)) kind = REST;
      else if (quietRests.size > 0 && (k.quiet?.length ?? 0) < MAX_QUIET_PER_KEY && (q = quietRests.find(body, view, i + 1, e)) !== undefined && (k.connOk ??= options.connHeaderOk?.(k.key.text) ?? false)) {
        kind = QUIET;
        (k.quiet ??= []).push(q);
      } else return false;
    }
    // (what stands in a learned wrapper is no danger; nor in the very text of a line read before, which splitting
    // left whole: see `wholeLine`)
    if (kind > 0) {
      if (dangerAt < p) dangerAt = dangers.nextAt(p);
      if (dangerAt < e) return false;
    }
    if (!k.hostSeen && !speculative) {
      if (!options.hostSeen(k.who.host!)) return false;
      k.hostSeen = true;
    }
    if (exact !== undefined) {
      if (speculative) {
        if (!exact.countable) return false;
      } else if (exact.quietIn !== quietEra) {
        if (!options.originQuiet!(exact)) return false;
        exact.quietIn = quietEra;
      }
      behindLast = exact;
    }
    if (kind === COLL) {
      // the first ` comm 0x<hex>` is the communicator, as the COLLECTIVE phrase reads it
      const at = commAfter(i, e);
      let a: Activity | null;
      if (at < 0) a = devActivity(k);
      else {
        const cs = at + 6;
        const known = k.comm;
        if (known !== null && known.at(view, cs, e) && !isHex(body[cs + known.length])) a = k.commAct;
        else {
          if (body[cs] !== 48 || body[cs + 1] !== 120 || !isHex(body[cs + 2])) return false;
          let ce = cs + 2;
          while (isHex(body[ce])) ce++;
          const comm = body.toString("latin1", cs, ce);
          k.comm = new Literal(comm);
          a = k.commAct = table.get(k.who, comm);
        }
      }
      if (speculative && !armed(a, exact)) return false;
      if (a) {
        a.collectives++;
        a.lastLine = lineNo;
        if (a.fastAt < 0) pending.push(a);
        a.fastAt = i;
      }
    } else if (kind === CONN) {
      if (group !== undefined) connPend(group, -1, i + 1, e, lineNo);
      else if (!connRead(k, shape!, i + 1, e, lineNo)) return false;
    } else if (kind === FOLD) {
      const f = fold!;
      const o = f.open;
      if (f.acrossInit && (anyOrder ??= options.foldsInAnyOrder?.() ?? false)) {
        if (f.gathered++ === 0) {
          gathered.push(f);
          f.gatheredFirst = lineNo;
        }
        f.gatheredLast = lineNo;
      } else if (o !== undefined && f.openRun === run) {
        o.n++;
        o.last = lineNo;
      } else {
        const pend: Pending = { fold: f, conn: undefined, comm: null, n: 1, first: lineNo, last: lineNo, rest: f.spans.length > 0 ? body.toString("latin1", i + 1, e) : undefined, at: undefined };
        folded.push(pend);
        // (an Init line ends the run of every fold: the lines alike after it are of another communicator)
        if (f.each) run++;
        else {
          f.open = pend;
          f.openRun = run;
        }
      }
    } else if (kind === REST) {
      const f = fold!;
      const rests = (k.rests ??= []);
      if (rests.length >= MAX_FOLDS_PER_KEY) return false;
      rests.push(f);
      // (as the ordinary way's reading would have asked learnFold of it: see there)
      const asked = (k.asked ??= []);
      if (asked.length < MAX_FOLDS_PER_KEY && !asked.includes(f.hash!)) asked.push(f.hash!);
      folded.push({ fold: f, conn: undefined, comm: null, n: 1, first: lineNo, last: lineNo, rest: f.text, at: (k.at ??= { head: k.key.text, who: k.who, tid: k.tid }) });
      // (its event is made alone, before any line after it: no run spans it)
      run++;
    } else if (kind !== QUIET) {
      const a = devActivity(k);
      if (speculative && !armed(a, exact)) return false;
      if (a) {
        if (kind === CHAT) a.proxy++;
        else a.trace++;
      }
    }
    if (speculative && exact !== undefined && exact.origin.process !== undefined) lastBehind = exact;
    lastFastLine = lineNo;
    return true;
  };
  /** the fold whose text is the rest of the line, `[r, e)`, or undefined */
  const foldAfter = (folds: Fold[], r: number, e: number): Fold | undefined => {
    const len = e - r;
    for (let q = 0; q < folds.length; q++) {
      const f = folds[q];
      if (f.length === len && (f.rest !== undefined ? f.rest.at(view, r, e) : variedAt(f, r, e))) return f;
    }
    return undefined;
  };
  /** the rest `[r, e)` is fold `f`'s text, any digits (or hex digits) where it may vary */
  const variedAt = (f: Fold, r: number, e: number): boolean => {
    const { spans, segs } = f;
    let from = r;
    for (let q = 0; q < spans.length; q += 2) {
      if (!segs[q >> 1].at(view, from, r + spans[q])) return false;
      for (let x = r + spans[q]; x < r + spans[q + 1]; x++) {
        const c = body[x];
        if ((c < 48 || c > 57) && (!f.hex || c < 97 || c > 102)) return false;
      }
      from = r + spans[q + 1];
    }
    return segs[spans.length >> 1].at(view, from, e);
  };
  /** the rest of the line, `[r, e)`, is one of `quiet` */
  const quietAfter = (quiet: Literal[], r: number, e: number): boolean => {
    const len = e - r;
    for (let q = 0; q < quiet.length; q++) if (quiet[q].length === len && quiet[q].at(view, r, e)) return true;
    return false;
  };
  const counter: ChunkLineCounter = {
    line(s, nl, lineNo) {
      if (folded.length >= FAST_LIMITS.pending && options.foldsFull !== undefined) options.foldsFull();
      return count(s, nl, lineNo) || leave();
    },
    pass() {
      leave();
    },
    done() {
      leave();
    },
  };
  /** speculative: may this activity's lines be counted here yet? (its first one goes the ordinary way) */
  const arm = (a: Activity | null): boolean => {
    if (!a) return false;
    if (a.armed) return true;
    a.armed = true;
    return false;
  };

  // Speculative counting behind an origin-naming wrapper. A line behind one is counted only when the readers in
  // order, reading it there, would say nothing of its origin: the NCCL reader notes a process whenever its pid comes
  // with another origin than last time, the vLLM origin observer each process name it has not seen. So in each
  // region the first line behind a wrapper goes back to them (its pid then has the wrapper's origin, its names are
  // seen, for good), and so does every line behind it after a line handed back gave its pid another origin; for
  // the observer's last origin, `behind` says where lines behind which wrapper were counted.
  let region = 0;
  /** the origin each pid has for the readers in order at the line at hand, as far as this region shows */
  const pidOrigin = new Map<number, string>();
  // how often a pid was given another origin (a wrapper whose pid had its origin since need not look again)
  let pidChanges = 0;
  const setPidOrigin = (pid: number, key: string) => {
    if (pidOrigin.get(pid) === key) return;
    pidOrigin.set(pid, key);
    pidChanges++;
  };
  let lastBehind: ExactWrapper | undefined;
  let handed = 0;
  let behindList: CountedBehind[] = [];
  /** may the line at hand, of activity `a` behind `w`, be counted here? (if not, it goes back, which arms them) */
  const armed = (a: Activity | null, w: ExactWrapper | undefined): boolean => {
    const ok = arm(a);
    if (w === undefined) return ok;
    const pid = w.origin.pid;
    if (w.armedIn === region && w.pidOkAt === pidChanges) return ok;
    const wOk = w.armedIn === region && (pid === undefined || pidOrigin.get(pid) === w.originKey);
    w.armedIn = region;
    if (pid !== undefined) setPidOrigin(pid, w.originKey);
    w.pidOkAt = pidChanges;
    return ok && wOk;
  };
  const noteBehind = () => {
    if (lastBehind === undefined) return;
    behindList.push({ at: handed, wrapper: lastBehind.wrapper, origin: lastBehind.origin });
    lastBehind = undefined;
  };
  const handedBack = (text: string) => {
    noteBehind();
    handed++;
    // a pid this line gives another origin (any record's origin reaches the NCCL reader's process notes)
    if (pidOrigin.size === 0) return;
    for (const piece of splitPhysicalLine(text)) {
      const o = peel(piece).origin;
      if (o.pid !== undefined) setPidOrigin(o.pid, originKey(o));
    }
  };
  /** the line goes the ordinary way (or the pass ends): the counters it may touch must be up to date */
  const leave = (): false => {
    if (pending.length) settle();
    if (behindLast !== undefined) endQuietEra();
    return false;
  };
  const fast: LineCounter = {
    fullScan: () => true,
    begin(bytes, maxChars, opts) {
      if (pending.length) settle();
      body = bytes;
      // (the reading loop's pass over the chunk, else one of its own; one for the line ends only counts nothing)
      scan = opts?.scan ?? chunkScanner().scan(bytes, 0, bytes.length);
      commNext = 0;
      commFrom = -1;
      newChunk(bytes, scan);
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      maxLine = maxChars;
      wrappersOn = opts?.bare !== true;
      ncclAt = -1;
      dangers.begin(bytes, opts?.ascii ?? true, scan);
      dangerAt = -1;
      return counter;
    },
  };

  const fastCounts = (): NcclFastCounts => {
    if (pending.length) settle();
    const entries: NcclFastEntry[] = [];
    for (const a of table.all()) {
      if (a.collectives === 0 && a.trace === 0 && a.proxy === 0) continue;
      entries.push({ who: { host: a.host, pid: a.pid, dev: a.dev }, comm: a.comm, collectives: a.collectives, trace: a.trace, proxy: a.proxy, lastOpCount: a.lastOpCount, lastCollective: a.lastCollective, lastLine: a.lastLine });
    }
    return { entries, lastFastLine };
  };
  const absorb = (counts: NcclFastCounts, lineOffset: number) => {
    if (pending.length) settle();
    for (const e of counts.entries) {
      const a = table.get(e.who, e.comm);
      if (!a) continue;
      a.collectives += e.collectives;
      a.trace += e.trace;
      a.proxy += e.proxy;
      if (e.lastLine > 0 && e.lastLine + lineOffset > a.lastLine) {
        a.lastLine = e.lastLine + lineOffset;
        a.lastOpCount = e.lastOpCount;
        a.lastCollective = e.lastCollective;
      }
    }
    if (counts.lastFastLine > 0) lastFastLine = Math.max(lastFastLine, counts.lastFastLine + lineOffset);
  };

  const newRegion = () => {
    if (pending.length) settle();
    table.reset();
    lastFastLine = 0;
    region++;
    pidOrigin.clear();
    lastBehind = undefined;
    handed = 0;
    behindList = [];
    // what a header remembered of its counters belongs to the last region
    for (let k of keySlots) {
      for (; k !== undefined; k = k.next) {
        k.comm = null;
        k.commAct = null;
        k.devAct = undefined;
      }
    }
  };

  return {
    fast,
    newRegion,
    settle: () => {
      if (pending.length) settle();
    },
    lastFastLine: () => lastFastLine,
    handedBack,
    behind: () => {
      noteBehind();
      return behindList;
    },
    learnQuiet,
    learnFold,
    learnBare,
    learnRest,
    learnConnShape,
    connShapeOf,
    takeFolds,
    folding: () => folded.length > 0 || gathered.length > 0,
    connsDone: (head) => {
      const k = keysByText.get(head);
      if (k !== undefined) k.conns = undefined;
    },
    counts: fastCounts,
    absorb,
  };
}
