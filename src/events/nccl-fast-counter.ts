import { peel } from "../records/peel.js";
import { splitPhysicalLine } from "../records/split.js";
import type { ChunkLineCounter, LineCounter } from "./fast.js";
import { COLL, DangerScan, Literal, NO_MATCH, matchAfterHeader } from "./nccl-fast-line.js";
import type { NcclWho } from "./nccl.js";

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

const FAST_HEADER = /^([A-Za-z0-9][\w.\-]*):(\d+):(\d+) \[(\d+)\]$/;

/**
 * Who a header of the fast path's shape, `host:pid:tid [dev]`, names, as the NCCL header grammar reads it
 * (test/nccl-fast-counter.test.ts compares them); null for any other shape, and for a host without a letter,
 * which the grammar may read otherwise.
 */
export function fastHeader(key: string): NcclWho | null {
  const m = FAST_HEADER.exec(key);
  if (!m || !/[A-Za-z]/.test(m[1])) return null;
  return { host: m[1], pid: Number(m[2]), dev: Number(m[4]) };
}

const FAST_MAX_KEYS = 4096;
const KEY_SHIFT = 20;
const KEY_SLOTS = 1 << (32 - KEY_SHIFT);

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
  /** the last communicator seen after this header and its counters */
  comm: Literal | null;
  commAct: Activity | null;
  devAct: Activity | null | undefined;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const NCCL_INFO_LENGTH = " NCCL INFO ".length;

export interface FastCounter {
  fast: LineCounter;
  /** reads what is still pending of the counted lines: before the ordinary path touches the same counters */
  settle(): void;
  /** the last line counted here, or 0 */
  lastFastLine(): number;
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
 * the counters there and notes the host as a one-thread reading would; `absorb` then adds the rest.
 */
export function createFastCounter(table: ActivityTable, options: { speculative: boolean; hostSeen: (host: string) => boolean }): FastCounter {
  const speculative = options.speculative;
  // headers seen, by `keyHash`, chained; and the lengths of those that may take the fast path
  const keySlots: (FastKey | undefined)[] = new Array(KEY_SLOTS).fill(undefined);
  const keyLengths: number[] = [];
  let keyCount = 0;
  // the four characters before the `]` (tid and device), one from the middle (the host) and the length
  const keyHash = (s: number, i: number, len: number) => Math.imul(view.getUint32(i - 4, true) ^ (len << 24) ^ (body[s + (len >> 2)] << 16), 0x9e3779b1) >>> KEY_SHIFT;
  let lastFastLine = 0;

  const registerKey = (key: string): FastKey => {
    const h = fastHeader(key);
    const probe = `${key} NCCL INFO x`;
    const p = h ? peel(probe) : null;
    const ok = !!h && !!p && p.text === probe && p.stamp === undefined && Object.keys(p.origin).length === 0 && splitPhysicalLine(probe).length === 1;
    return {
      key: new Literal(key), ok: ok ? undefined : false, who: { host: h?.host ?? null, pid: h?.pid ?? null, dev: h?.dev ?? null },
      next: undefined, hostSeen: false, comm: null, commAct: null, devAct: undefined,
    };
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
  const pending: Activity[] = [];
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
  /** the first ` comm ` at or after `from` and before `nl`, or -1 */
  const commAfter = (from: number, nl: number): number => {
    // within the line only (an indexOf could run on to the chunk's end on every line)
    for (let m = from + 3; m + 2 < nl; m++) {
      if (body[m] === 109 /* m */ && body[m - 3] === 32 && body[m - 2] === 99 && body[m - 1] === 111 && body[m + 1] === 109 && body[m + 2] === 32) return m - 3;
    }
    return -1;
  };

  // one function that only says whether it counted the line, and one place that sends a line the ordinary way:
  // a call site the optimizing compiler has seen no call at makes it throw its code away when the call comes
  const count = (s: number, nl: number, lineNo: number): boolean => {
    if (nl - s > maxLine) return false;
    // the header: a known one is found by the length of a known header (its only `]` ends it), a hash of a few
    // characters (device, tid, host) and a whole comparison; any other is registered
    let k: FastKey | undefined;
    let i = -1;
    for (let n = 0; n < keyLengths.length && k === undefined; n++) {
      const len = keyLengths[n];
      i = s + len - 1;
      if (i >= nl || body[i] !== 93) continue;
      k = keySlots[keyHash(s, i, len)];
      while (k !== undefined && (k.key.length !== len || !k.key.at(view, s, i + 1))) k = k.next;
    }
    if (k === undefined) {
      // the header's `]`, looked for in this line's first 160 characters only (a search to the chunk's end for
      // every line without one was quadratic: 20 MB of empty lines took minutes)
      const stop = Math.min(nl, s + 160);
      for (i = s; i < stop && body[i] !== 93 /* ] */; i++);
      const len = i + 1 - s;
      if (i >= stop || len < 8 || keyCount >= FAST_MAX_KEYS) return false;
      const slot = keyHash(s, i, len);
      for (k = keySlots[slot]; k !== undefined; k = k.next) if (k.key.length === len && k.key.at(view, s, i + 1)) break;
      if (k === undefined) {
        keyCount++;
        const fresh = registerKey(body.toString("latin1", s, i + 1));
        fresh.next = keySlots[slot];
        keySlots[slot] = fresh;
        // only headers that may take the fast path: every other length would be tried on every line
        if (fresh.ok !== false && !keyLengths.includes(len)) keyLengths.push(len);
      }
      return false;
    }
    if (k.ok === false) return false;
    if (k.ok === undefined) k.ok = true;
    const kind = matchAfterHeader(body, view, i, nl);
    if (kind === NO_MATCH) return false;
    if (dangerAt < s) dangerAt = dangers.nextAt(s);
    if (dangerAt < nl) return false;
    if (!k.hostSeen && !speculative) {
      if (!options.hostSeen(k.who.host!)) return false;
      k.hostSeen = true;
    }
    if (kind === COLL) {
      // the first ` comm 0x<hex>` is the communicator, as the COLLECTIVE phrase reads it
      const at = commAfter(i, nl);
      let a: Activity | null;
      if (at < 0) a = devActivity(k);
      else {
        const cs = at + 6;
        const known = k.comm;
        if (known !== null && known.at(view, cs, nl) && !isHex(body[cs + known.length])) a = k.commAct;
        else {
          if (body[cs] !== 48 || body[cs + 1] !== 120 || !isHex(body[cs + 2])) return false;
          let ce = cs + 2;
          while (isHex(body[ce])) ce++;
          const comm = body.toString("latin1", cs, ce);
          k.comm = new Literal(comm);
          a = k.commAct = table.get(k.who, comm);
        }
      }
      if (speculative && !arm(a)) return false;
      if (a) {
        a.collectives++;
        a.lastLine = lineNo;
        if (a.fastAt < 0) pending.push(a);
        a.fastAt = i;
      }
    } else {
      const a = devActivity(k);
      if (speculative && !arm(a)) return false;
      if (a) a.trace++;
    }
    lastFastLine = lineNo;
    return true;
  };
  const counter: ChunkLineCounter = {
    line(s, nl, lineNo) {
      return count(s, nl, lineNo) || leave();
    },
    pass() {
      if (pending.length) settle();
    },
    done() {
      if (pending.length) settle();
    },
  };
  /** speculative: may this activity's lines be counted here yet? (its first one goes the ordinary way) */
  const arm = (a: Activity | null): boolean => {
    if (!a) return false;
    if (a.armed) return true;
    a.armed = true;
    return false;
  };
  /** the line goes the ordinary way: the counters it may touch must be up to date */
  const leave = (): false => {
    if (pending.length) settle();
    return false;
  };
  const fast: LineCounter = {
    begin(bytes, maxChars) {
      if (pending.length) settle();
      body = bytes;
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      maxLine = maxChars;
      dangers.begin(bytes);
      dangerAt = -1;
      return counter;
    },
  };

  const fastCounts = (): NcclFastCounts => {
    if (pending.length) settle();
    const entries: NcclFastEntry[] = [];
    for (const a of table.all()) {
      if (a.collectives === 0 && a.trace === 0) continue;
      entries.push({ who: { host: a.host, pid: a.pid, dev: a.dev }, comm: a.comm, collectives: a.collectives, trace: a.trace, lastOpCount: a.lastOpCount, lastCollective: a.lastCollective, lastLine: a.lastLine });
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
    counts: fastCounts,
    absorb,
  };
}
