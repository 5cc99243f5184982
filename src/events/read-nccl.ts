import { BANNER, parseConnection, parseNcclHeader, scanLegacyRecord, scanNcclRecord, transportKind, type NcclHeader, type NcclRecordSpan } from "../../grammars/nccl.js";
import { NCCL_ERROR_NAME, NCCL_RESULT_NAMES, classifyWarn, isBenignWarn, normalizeNet, readNcclMessage } from "../../grammars/nccl-messages.js";
import { evidenceOf, type LogRecord } from "../model.js";
import { peel } from "../records/peel.js";
import { splitPhysicalLine } from "../records/split.js";
import type { ChunkLineCounter, LineCounter } from "./fast.js";
import { CHATTER, COLL, DangerScan, FAST_KEY, Literal, NO_MATCH, matchAfterHeader } from "./nccl-fast-line.js";
import type { NcclActivityEvent, NcclWho } from "./nccl.js";
import { base, type Emit, type RecordReader } from "./types.js";

/** Bounds on what the reader keeps across a (possibly gigabyte) input. */
export const NCCL_READER_LIMITS = { heads: 20_000, hosts: 8192, activity: 8192, comms: 8192, pids: 8192 };

interface Activity {
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
  /** speculative counting: a line of it went the ordinary way first (see `createNcclReader`) */
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

const PYTORCH_RANK = /\[(?:PG [^\]]*?)?Rank (\d+)\]/g;
const TORCHRUN_RANK = /\[rank(\d+)\]:/g;
const RANK_AND_RANK = /\brank (\d+) and rank (\d+)\b/;
const FROM_RANK = /\bfrom rank (\d+)\b/;
const RANK_OF = /\brank (\d+) of (\d+) ranks\b/;
const APP_RANK = /\(rank (\d+)\)/;
const TESTS_HEADER = /(?:^|\s)#\s+Rank\s+(\d+)\s+(?:Group\s+\d+\s+)?Pid\s+(\d+)\s+on\s+(\S+)\s+device\s+(\d+)/;
const VLLM_NCCL = /\bvLLM is using nccl==(\d+\.\d+\.\d+\S*)/;
// the host must hold a letter; that is tested after the match, since a letter class inside the group backtracks quadratically
const BARE_PREFIX = /^([^\s:\[\]]+):(\d+):(\d+)(?: \[\d*\]?)?\s*$/;
const COMM_RANK = /\brank (\d+) n[A-Za-z]*ks?\b(?: (\d+))?/;
const LOOSE_CONNECTION = /^(?:Channel|Ring) \d+(?:\/\d+)? : (\d+)(\[[0-9A-Fa-f]*\]?)?(?: -> (\d+)(\[[0-9A-Fa-f]*\]?)?)?(.*)$/;

/** Ranks visible in a connection line that was cut (`-> 1[`, `[se`, `vERROR`); not in ring-order lines. */
export function looseConnectionRanks(msg: string): number[] {
  const m = LOOSE_CONNECTION.exec(msg);
  if (!m) return [];
  const rest = m[5];
  if (/^\s*->/.test(rest)) return []; // ring order `7 -> 0 -> 1`
  const bracketed = m[2] !== undefined || m[4] !== undefined;
  if (m[3] === undefined) return bracketed && m[2] !== undefined && !m[2].endsWith("]") ? [Number(m[1])] : [];
  if (!bracketed && !/^\s*(?:\[|via|$)/.test(rest)) return [];
  if (rest !== "" && !/^\s*(?:\[|v|$)/.test(rest)) return [];
  return [Number(m[1]), Number(m[3])];
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
/**
 * NCCL writes a WARN as a newline followed by the record. When a launcher (Ray, vLLM, mpirun) prefixes every
 * line, that newline shows as a line holding only the prefix, right above the WARN: the record starts there.
 */
function startsWarnRecord(prev: LogRecord, rec: LogRecord): boolean {
  return (
    prev.input === rec.input &&
    prev.line === rec.line - 1 &&
    prev.text === "" &&
    prev.raw.trim() !== "" &&
    prev.origin.pid !== undefined &&
    prev.origin.pid === rec.origin.pid
  );
}

export interface NcclReader extends RecordReader {
  fast: LineCounter;
  /** the speculative counter's counts (after its last chunk) */
  fastCounts(): NcclFastCounts;
  /** adds what a speculative counter counted over lines that follow this reader's last, numbered from `lineOffset + 1` */
  absorb(counts: NcclFastCounts, lineOffset: number): void;
}

/**
 * Reads NCCL records into events; claims every NCCL record (returns true).
 *
 * `speculative`: the reader only counts, over a later part of an input that another reader reads up to there
 * (a second thread). It cannot know what came before, so the first line it could count of each process or
 * communicator goes the ordinary way instead (the caller hands it to the other reader, in order), which creates
 * the counters there and notes the host, as the one-thread reading would; `absorb` then adds the rest.
 */
export function createNcclReader(options: { speculative?: boolean } = {}): NcclReader {
  const speculative = options.speculative === true;
  const heads = new Map<string, NcclHeader | null>();
  const hosts = new Set<string>();
  const commRank = new Map<string, number>();
  const activity = new Map<string, Activity>();
  let overflow: string | undefined;
  let lastRec: LogRecord | null = null;
  let lastNccl: { input: number; line: number } | null = null;

  const headerOf = (head: string): NcclHeader | null => {
    let h = heads.get(head);
    if (h === undefined) {
      h = parseNcclHeader(head);
      if (heads.size >= NCCL_READER_LIMITS.heads) heads.clear();
      heads.set(head, h);
    }
    return h;
  };

  const activityOf = (who: NcclWho, comm: string | null): Activity | null => {
    const key = `${who.host ?? ""}|${who.pid ?? ""}|${comm ?? `dev${who.dev ?? ""}`}`;
    let a = activity.get(key);
    if (!a) {
      if (activity.size >= NCCL_READER_LIMITS.activity) {
        overflow ??= `NCCL activity counters capped at ${NCCL_READER_LIMITS.activity} processes/communicators`;
        return null;
      }
      a = { host: who.host, pid: who.pid, comm, collectives: 0, lastOpCount: null, lastCollective: null, trace: 0, proxy: 0, dev: who.dev, fastAt: -1, lastLine: 0, armed: false };
      activity.set(key, a);
    }
    return a;
  };

  const noteHost = (rec: LogRecord, who: NcclWho, emit: Emit) => {
    if (!who.host || hosts.has(who.host)) return;
    if (hosts.size >= NCCL_READER_LIMITS.hosts) {
      overflow ??= `NCCL hosts capped at ${NCCL_READER_LIMITS.hosts}`;
      return;
    }
    hosts.add(who.host);
    emit({ kind: "nccl.host", ...base(rec, evidenceOf(rec)), ...who });
  };

  const processSeen = new Map<number, string>();
  const noteProcess = (rec: LogRecord, emit: Emit) => {
    const o = rec.origin;
    if (o.pid === undefined) return;
    if (o.ip === undefined && o.host === undefined && o.tp === undefined && o.pp === undefined && o.dp === undefined && o.rank === undefined) return;
    const sig = `${o.ip ?? ""}|${o.host ?? ""}|${o.rank ?? ""}|${o.tp ?? ""}|${o.pp ?? ""}|${o.dp ?? ""}`;
    const seen = processSeen.get(o.pid);
    if (seen === sig) return;
    if (seen === undefined && processSeen.size >= NCCL_READER_LIMITS.pids) return;
    processSeen.set(o.pid, sig);
    emit({
      kind: "nccl.process", ...base(rec, evidenceOf(rec)), pid: o.pid, ip: o.ip ?? null, host: o.host ?? null,
      rank: o.rank ?? null, tp: o.tp ?? null, pp: o.pp ?? null, dp: o.dp ?? null,
    });
  };

  const rank = (rec: LogRecord, emit: Emit, who: NcclWho, r: number, source: string, nranks: number | null = null, extra: { nNodes?: number; localRanks?: number } = {}) =>
    emit({ kind: "nccl.rank", ...base(rec, evidenceOf(rec)), ...who, rank: r, nranks, source, ...extra });

  const NOBODY: NcclWho = { host: null, pid: null, dev: null };

  /** Lines that are not NCCL records but say something about NCCL: PyTorch errors and ranks, versions, nccl-tests headers. */
  const readForeign = (rec: LogRecord, emit: Emit): boolean => {
    const t = rec.text;
    let m: RegExpExecArray | null;
    if (t.includes("NCCL version") && (m = BANNER.exec(t))) {
      const bare = /^NCCL version \S+\s*$/.test(t);
      emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: m[2] ?? null, source: bare ? "banner" : "pytorch" });
      if (bare) return true;
    }
    if (t.includes("nccl==") && (m = VLLM_NCCL.exec(t))) emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: null, source: "vllm" });
    if (t.includes("NET/")) {
      if (/NET\/IB ?:|NET\/IBext/.test(t)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "IB" });
      else if (/NET\/OFI\b/.test(t)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "OFI" });
    }
    if (rec.raw.includes("[rank")) {
      TORCHRUN_RANK.lastIndex = 0;
      for (let r = TORCHRUN_RANK.exec(rec.raw); r; r = TORCHRUN_RANK.exec(rec.raw)) rank(rec, emit, NOBODY, Number(r[1]), "pytorch");
    }
    if (t.includes("ank")) {
      PYTORCH_RANK.lastIndex = 0;
      for (let r = PYTORCH_RANK.exec(t); r; r = PYTORCH_RANK.exec(t)) rank(rec, emit, NOBODY, Number(r[1]), "pytorch");
      if (t.includes("#") && (m = TESTS_HEADER.exec(t))) {
        const who: NcclWho = { host: m[3], pid: Number(m[2]), dev: Number(m[4]) };
        noteHost(rec, who, emit);
        rank(rec, emit, who, Number(m[1]), "ncclTests");
      } else if ((m = APP_RANK.exec(t)) && /distributed init/.test(t)) rank(rec, emit, NOBODY, Number(m[1]), "app");
      if ((m = RANK_AND_RANK.exec(t)) && /Duplicate GPU/.test(t)) {
        rank(rec, emit, NOBODY, Number(m[1]), "duplicateGpu");
        rank(rec, emit, NOBODY, Number(m[2]), "duplicateGpu");
      }
    }
    if (NCCL_ERROR_NAME.test(t) && !t.includes("Error:") && !/Error\b.*\bError\b/.test(t)) {
      // an `ncclXxxError: ...` detail line of a PyTorch error block is the python reader's; nothing to do here
    }
    // a record cut right after its `host:pid:tid` prefix still names its host
    if ((m = BARE_PREFIX.exec(t)) && /[A-Za-z]/.test(m[1])) noteHost(rec, { host: m[1], pid: Number(m[2]), dev: null }, emit);
    // a fused remainder of a cut record: `... -> 1[1] vERROR` split off as a bare level word
    if ((t === "ERROR" || t === "CRITICAL") && lastNccl && lastNccl.line === rec.line && lastNccl.input === rec.input) {
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: t });
      return true;
    }
    return false;
  };

  /** `startLine`: where the WARN record begins (NCCL writes a newline first, which a launcher may have prefixed) */
  const readWarn = (rec: LogRecord, emit: Emit, who: NcclWho, header: NcclHeader | null, span: NcclRecordSpan, startLine: number) => {
    const msg = span.msg;
    const at = { ...evidenceOf(rec), line: startLine };
    const benign = isBenignWarn(msg);
    const warnKind = classifyWarn(msg);
    let named: number | null = null;
    let m: RegExpExecArray | null;
    if ((m = RANK_AND_RANK.exec(msg))) {
      rank(rec, emit, who, Number(m[1]), "duplicateGpu");
      rank(rec, emit, who, Number(m[2]), "duplicateGpu");
      named = Number(m[1]);
    }
    if ((m = FROM_RANK.exec(msg))) {
      rank(rec, emit, who, Number(m[1]), "fromRank");
      named ??= Number(m[1]);
    }
    if ((m = RANK_OF.exec(msg))) rank(rec, emit, who, Number(m[1]), "rankOf", Number(m[2]));
    if (/^NET\/IB\b|^NET\/IBext/.test(msg)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "IB" });
    else if (/^NET\/OFI\b/.test(msg)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "OFI" });
    if (!span.legacy) {
      emit({ kind: "nccl.warn", ...base(rec, at), ...who, warnKind, message: msg, benign, src: header?.src ?? null, func: header?.func ?? null, rank: named });
    }
    if (!benign || span.legacy) {
      const name = NCCL_ERROR_NAME.exec(msg);
      emit({ kind: "error", ...base(rec, at), source: "nccl", ...(name ? { errorType: name[0] } : {}), message: msg });
    }
  };

  const readInfo = (rec: LogRecord, emit: Emit, who: NcclWho, span: NcclRecordSpan): void => {
    const msg = span.msg;
    const c = msg.charCodeAt(0);
    // connection lines of every era
    if ((c === 67 /* C */ || c === 82 /* R */) && (msg.startsWith("Channel ") || msg.startsWith("Ring ") || msg.startsWith("Coll"))) {
      if (msg.includes("via")) {
        const conn = parseConnection(msg);
        const kind = conn ? transportKind(conn.via) : null;
        if (conn && kind) {
          emit({
            kind: "nccl.connection", ...base(rec, evidenceOf(rec)), ...who, channel: conn.channel, connIndex: conn.connIndex,
            from: conn.from, to: conn.to ?? conn.from, fromDev: conn.fromDev, toDev: conn.toDev, direction: conn.direction,
            via: conn.via, transport: kind, comm: conn.comm,
          });
          return;
        }
      }
      for (const r of looseConnectionRanks(msg)) rank(rec, emit, who, r, "connection");
      if (!msg.startsWith("Coll")) return;
    }
    if (msg.includes("Init COMPLETE") || msg.includes("Init START")) {
      const parsed = readNcclMessage(msg);
      if (parsed.kind === "init") {
        emit({ kind: "nccl.init", ...base(rec, evidenceOf(rec)), ...who, phase: parsed.phase, comm: parsed.comm, rank: parsed.rank, nranks: parsed.nranks, nvmlDev: parsed.nvmlDev, busId: parsed.busId, commId: parsed.commId });
        if (parsed.comm && parsed.rank !== null && commRank.size < NCCL_READER_LIMITS.comms) commRank.set(`${who.host}|${who.pid}|${parsed.comm}`, parsed.rank);
        return;
      }
    }
    const parsed = readNcclMessage(msg);
    const ev = () => base(rec, evidenceOf(rec));
    switch (parsed.kind) {
      case "version":
        emit({ kind: "nccl.version", ...ev(), ...who, version: parsed.version, cuda: parsed.cuda, source: "info" });
        return;
      case "usingNetwork":
        emit({ kind: "nccl.network", ...ev(), ...who, printed: parsed.net, net: normalizeNet(parsed.net) });
        return;
      case "ibUsing":
        emit({ kind: "nccl.netDevices", ...ev(), ...who, transport: "ib", hcas: parsed.hcas, ifaces: parsed.oob ? [parsed.oob] : [] });
        return;
      case "ibHcaLegacy":
        emit({ kind: "nccl.netDevices", ...ev(), ...who, transport: "ib-legacy", hcas: [parsed.hca], ifaces: [] });
        return;
      case "ibNoDevice":
        emit({ kind: "nccl.netDevices", ...ev(), ...who, transport: "ib-none", hcas: [], ifaces: [] });
        return;
      case "socketUsing":
        emit({ kind: "nccl.netDevices", ...ev(), ...who, transport: "socket", hcas: [], ifaces: parsed.ifaces });
        return;
      case "ofi":
        emit({ kind: "nccl.netDevices", ...ev(), ...who, transport: "ofi", hcas: [], ifaces: [] });
        return;
      case "bootstrapUsing":
        emit({ kind: "nccl.bootstrap", ...ev(), ...who, ifaces: parsed.ifaces });
        return;
      case "env":
        emit({ kind: "nccl.env", ...ev(), ...who, name: parsed.name, value: parsed.value });
        return;
      case "init":
        emit({ kind: "nccl.init", ...ev(), ...who, phase: parsed.phase, comm: parsed.comm, rank: parsed.rank, nranks: parsed.nranks, nvmlDev: parsed.nvmlDev, busId: parsed.busId, commId: parsed.commId });
        return;
      case "commSummary":
        if (commRank.size < NCCL_READER_LIMITS.comms) commRank.set(`${who.host}|${who.pid}|${parsed.comm}`, parsed.rank);
        rank(rec, emit, who, parsed.rank, "commSummary", parsed.nranks, { nNodes: parsed.nNodes, localRanks: parsed.localRanks });
        return;
      case "initTimings":
        rank(rec, emit, who, parsed.rank, "initTimings", parsed.nranks);
        return;
      case "gdr":
        emit({ kind: "nccl.gdr", ...ev(), ...who, enabled: parsed.enabled, scope: parsed.scope });
        return;
      case "nvls":
      case "collnet":
        emit({ kind: "nccl.feature", ...ev(), ...who, feature: parsed.kind, text: parsed.text });
        return;
      case "collective": {
        const a = activityOf(who, parsed.comm);
        if (a) {
          a.collectives++;
          a.lastOpCount = parsed.opCount;
          a.lastCollective = parsed.op;
          a.lastLine = rec.line;
        }
        return;
      }
      case "errorReturn":
        emit({ kind: "nccl.errorReturn", ...ev(), ...who, src: parsed.src, code: parsed.code, thread: parsed.thread });
        if (parsed.code !== 0) emit({ kind: "error", ...ev(), source: "nccl", errorType: NCCL_RESULT_NAMES[parsed.code] ?? `nccl result ${parsed.code}`, message: msg });
        return;
      case "retry":
        emit({ kind: "error", ...ev(), source: "nccl", message: msg });
        return;
    }
    let m: RegExpExecArray | null;
    if (msg.includes("rank")) {
      if (/^(?:\[Rank \d+\] )?(?:\w+ )?comm /.test(msg) && (m = COMM_RANK.exec(msg))) rank(rec, emit, who, Number(m[1]), "comm", m[2] ? Number(m[2]) : null);
      if ((m = FROM_RANK.exec(msg))) rank(rec, emit, who, Number(m[1]), "fromRank");
      if ((m = RANK_OF.exec(msg))) rank(rec, emit, who, Number(m[1]), "rankOf", Number(m[2]));
    }
  };

  // ---- the counting fast path ----
  // headers seen, by `keyHash`, chained; and the lengths they have, the most common first
  const keySlots: (FastKey | undefined)[] = new Array(KEY_SLOTS).fill(undefined);
  const keyLengths: number[] = [];
  let keyCount = 0;
  // the four characters before the `]` (tid and device), one from the middle (the host) and the length
  const keyHash = (s: number, i: number, len: number) => Math.imul(view.getUint32(i - 4, true) ^ (len << 24) ^ (body[s + (len >> 2)] << 16), 0x9e3779b1) >>> KEY_SHIFT;
  let lastFastLine = 0;

  const registerKey = (key: string): FastKey => {
    const h = FAST_KEY.test(key) ? parseNcclHeader(key) : null;
    const probe = `${key} NCCL INFO x`;
    const p = h ? peel(probe) : null;
    const ok = !!h && !!p && h.host !== null && p.text === probe && p.stamp === undefined && Object.keys(p.origin).length === 0 && splitPhysicalLine(probe).length === 1;
    return {
      key: new Literal(key), ok: ok ? undefined : false, who: { host: h?.host ?? null, pid: h?.pid ?? null, dev: h?.dev ?? null },
      next: undefined, hostSeen: false, comm: null, commAct: null, devAct: undefined,
    };
  };
  const devActivity = (k: FastKey): Activity | null => {
    if (k.devAct === undefined) k.devAct = activityOf(k.who, null);
    return k.devAct;
  };

  let body: Buffer = Buffer.alloc(0);
  let view = new DataView(body.buffer);
  const dangers = new DangerScan();
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
    for (let m = body.indexOf(109 /* m */, from + 3); m >= 0 && m + 2 < nl; m = body.indexOf(109, m + 1)) {
      if (body[m - 3] === 32 && body[m - 2] === 99 && body[m - 1] === 111 && body[m + 1] === 109 && body[m + 2] === 32) return m - 3;
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
      i = body.indexOf(93 /* ] */, s);
      const len = i + 1 - s;
      if (i < 0 || i >= nl || len > 160 || len < 8 || keyCount >= FAST_MAX_KEYS) return false;
      const slot = keyHash(s, i, len);
      for (k = keySlots[slot]; k !== undefined; k = k.next) if (k.key.length === len && k.key.at(view, s, i + 1)) break;
      if (k === undefined) {
        keyCount++;
        const fresh = registerKey(body.toString("latin1", s, i + 1));
        fresh.next = keySlots[slot];
        keySlots[slot] = fresh;
        if (!keyLengths.includes(len)) keyLengths.push(len);
      }
      return false;
    }
    if (k.ok === false) return false;
    if (k.ok === undefined) k.ok = true;
    const kind = matchAfterHeader(body, view, i, nl);
    if (kind === NO_MATCH || !dangers.clear(s, nl)) return false;
    if (!k.hostSeen && !speculative) {
      if (!hosts.has(k.who.host!)) return false;
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
          a = k.commAct = activityOf(k.who, comm);
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
      return counter;
    },
  };

  const fastCounts = (): NcclFastCounts => {
    if (pending.length) settle();
    const entries: NcclFastEntry[] = [];
    for (const a of activity.values()) {
      if (a.collectives === 0 && a.trace === 0) continue;
      entries.push({ who: { host: a.host, pid: a.pid, dev: a.dev }, comm: a.comm, collectives: a.collectives, trace: a.trace, lastOpCount: a.lastOpCount, lastCollective: a.lastCollective, lastLine: a.lastLine });
    }
    return { entries, lastFastLine };
  };
  const absorb = (counts: NcclFastCounts, lineOffset: number) => {
    if (pending.length) settle();
    for (const e of counts.entries) {
      const a = activityOf(e.who, e.comm);
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

  return {
    name: "nccl",
    fast,
    fastCounts,
    absorb,
    read(rec, emit) {
      const t = rec.text;
      noteProcess(rec, emit);
      const prev = lastRec;
      lastRec = rec;
      let span: NcclRecordSpan | null = t.includes("NCCL ") ? scanNcclRecord(t) : null;
      if (!span && (t.includes(" INFO ") || t.includes(" WARN ")) && (t.charCodeAt(0) === 91 || t.includes("] ")) && !t.includes("NCCL")) span = scanLegacyRecord(t);
      if (!span) return readForeign(rec, emit);
      lastNccl = { input: rec.input, line: rec.line };
      const header = span.head === "" ? null : headerOf(span.head);
      const who: NcclWho = { host: header?.host ?? null, pid: header?.pid ?? null, dev: header?.dev ?? null };
      noteHost(rec, who, emit);
      if (span.level === "TRACE" || span.level === "CALL") {
        const a = activityOf(who, null);
        if (a) a.trace++;
        return true;
      }
      if (span.level === "WARN") {
        readWarn(rec, emit, who, header, span, prev && startsWarnRecord(prev, rec) ? prev.line : rec.line);
        return true;
      }
      const msg = span.msg;
      if (CHATTER.test(msg)) {
        const a = activityOf(who, null);
        if (a) a.proxy++;
        return true;
      }
      if (span.legacy && msg.startsWith("Using internal Network")) {
        emit({ kind: "nccl.network", ...base(rec, evidenceOf(rec)), ...who, printed: msg.replace(/^Using internal Network\s*/, ""), net: normalizeNet(msg.replace(/^Using internal Network\s*/, "")) });
        return true;
      }
      readInfo(rec, emit, who, span);
      return true;
    },
    end(emit) {
      if (pending.length) settle();
      if (activity.size === 0 && !overflow) return;
      const entries: NcclActivityEvent["entries"] = [];
      for (const a of activity.values()) {
        const r = a.comm ? commRank.get(`${a.host}|${a.pid}|${a.comm}`) : undefined;
        const { dev: _d, fastAt: _f, lastLine: _l, armed: _a, ...counters } = a;
        entries.push({ ...counters, rank: r ?? null });
      }
      const ev = { file: lastRec?.file ?? "", line: Math.max(lastRec?.line ?? 0, lastFastLine), text: "" };
      emit({ kind: "nccl.activity", ev, origin: {}, input: lastRec?.input ?? 0, entries, ...(overflow ? { notice: overflow } : {}) });
    },
  };
}
