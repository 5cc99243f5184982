import { BANNER, parseConnection, parseNcclHeader, scanLegacyRecord, scanNcclRecord, transportKind, type NcclHeader, type NcclRecordSpan } from "../../grammars/nccl.js";
import { NCCL_ERROR_NAME, NCCL_RESULT_NAMES, classifyWarn, isBenignWarn, normalizeNet, readNcclMessage } from "../../grammars/nccl-messages.js";
import { evidenceOf, type LogRecord } from "../model.js";
import { peel } from "../records/peel.js";
import { splitPhysicalLine } from "../records/split.js";
import type { ChunkLineCounter, LineCounter } from "./fast.js";
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
  /** where the fast path last counted a collective of it in the current chunk, or -1 (not reported) */
  fastAt: number;
}

// INFO chatter of the PROXY/NET/ALLOC subsystems: counted, never parsed further
const CHATTER = /^(?:proxyProgress|Received and initiated|New proxy|ncclPollProxyResponse|resp\.opId|Connected to proxy|Connection to proxy|sendConnect|recvConnect|sendProxy|recvProxy|Allocated |[\w/.]+\.cc:\d+ (?:Cuda|Ib|Host)? ?(?:Host )?Alloc|[\w/.]+\.(?:cc|h):\d+ Cuda|Mem Realloc|MemoryPool|NET\/IB: NCCL Dev|NET\/IB: \w+ \d+ IbDev|transport\/\S+ \w+ Alloc|CUDA Dev \d+\[\d+\])/;

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

// The counting fast path (see ./fast.ts) takes a line that starts with a header `host:pid:tid [dev]` it has
// checked once, followed by a COLL record (`NCCL INFO <op>: opCount <hex> ...`) or a TRACE record
// (`[<ms>] [<func>:<line>] NCCL TRACE ...`), and counts it as `read` would. One sticky regex per header
// checks the whole line natively; whatever it does not accept goes the ordinary way.
const FAST_KEY = /^[A-Za-z0-9][\w.\-]*:\d+:\d+ \[\d+\]$/;
// Anywhere in a line these send it the ordinary way: they may split it into several records (a CR, a glued
// level word or process prefix), or peeling and the message table may read it differently (ANSI, `Init `).
const FAST_DANGERS = ["\r", "\x1b", "ESC[", "(", "Init ", "ERROR", "WARNING", "ITICAL"];
// the rest of a line: no `[` that could be an ANSI colour, a Ray dedup suffix or the `[1,0]<stdout>` / `[0] `
// of a glued record
const FAST_REST = String.raw`(?:[^\n\[]|\[(?!\d*[\],;m]|repeated ))*`;
// the collective names of the NCCL reference that the message table reads alike whatever follows them
const FAST_OPS = ["AllReduce", "AllGatherV", "AllGather", "ReduceScatter", "Broadcast", "Reduce", "Send", "Recv", "AlltoAll", "Gather", "Scatter", "PutSignal", "Signal", "WaitSignal"].filter(
  (op) => /^\w+$/.test(op) && !/^[CN]/.test(op) && !CHATTER.test(`${op}: opCount 0`),
);
const fastLineRegex = (key: string) =>
  new RegExp(
    `${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?: NCCL INFO (?:${FAST_OPS.join("|")}): opCount [0-9a-fA-F]+(?!\\w)${FAST_REST}(?<![\\s)\\]ET])` +
      `| (?:\\d+\\.\\d+ )?(?:[A-Za-z_][\\w./\\-]*:\\d+ )?NCCL TRACE(?:[ \\t]${FAST_REST})?(?<!\\)))\\n`,
    "y",
  );
const NOWHERE = 0x7fffffff;
const FAST_MAX_KEYS = 4096;

interface FastKey {
  key: string;
  /** checks a whole line after this header; null when the header may not take the fast path, undefined until it is seen twice */
  line: RegExp | null | undefined;
  who: NcclWho;
  /** noteHost has nothing left to do for this header */
  hostSeen: boolean;
  /** the last communicator seen after this header and its counters */
  comm: string | null;
  commAct: Activity | null;
  devAct: Activity | null | undefined;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

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

/** Reads NCCL records into events; claims every NCCL record (returns true). */
export function createNcclReader(): RecordReader & { fast: LineCounter } {
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
      a = { host: who.host, pid: who.pid, comm, collectives: 0, lastOpCount: null, lastCollective: null, trace: 0, proxy: 0, fastAt: -1 };
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
  const fastKeys = new Map<number, FastKey>();
  let lastFastLine = 0;

  const registerKey = (key: string): FastKey => {
    const h = FAST_KEY.test(key) ? parseNcclHeader(key) : null;
    const probe = `${key} NCCL INFO x`;
    const p = h ? peel(probe) : null;
    const ok = !!h && !!p && h.host !== null && p.text === probe && p.stamp === undefined && Object.keys(p.origin).length === 0 && splitPhysicalLine(probe).length === 1;
    return { key, line: ok ? undefined : null, who: { host: h?.host ?? null, pid: h?.pid ?? null, dev: h?.dev ?? null }, hostSeen: false, comm: null, commAct: null, devAct: undefined };
  };
  const devActivity = (k: FastKey): Activity | null => {
    if (k.devAct === undefined) k.devAct = activityOf(k.who, null);
    return k.devAct;
  };

  let body = "";
  const dangerAt: number[] = FAST_DANGERS.map(() => -1);
  let dangerMin = -1;
  let closeAt = -1;
  let commAt = -1;
  let maxLine = 0;
  // collectives counted but whose opCount and name are not yet read: read from their last line when the chunk
  // ends or before the ordinary path may touch the same counters
  const pending: Activity[] = [];
  const find = (what: string, from: number): number => {
    const i = body.indexOf(what, from);
    return i < 0 ? NOWHERE : i;
  };
  const nextDanger = (from: number) => {
    let min = NOWHERE;
    for (let i = 0; i < FAST_DANGERS.length; i++) {
      if (dangerAt[i] < from) dangerAt[i] = find(FAST_DANGERS[i], from);
      if (dangerAt[i] < min) min = dangerAt[i];
    }
    dangerMin = min;
  };
  const settle = () => {
    for (const a of pending) {
      const at = a.fastAt;
      a.fastAt = -1;
      const colon = body.indexOf(": opCount ", at);
      const m0 = body.indexOf(" NCCL INFO ", at) + 11;
      let e = colon + 10;
      while (isHex(body.charCodeAt(e))) e++;
      a.lastCollective = body.slice(m0, colon);
      a.lastOpCount = body.slice(colon + 10, e);
    }
    pending.length = 0;
  };

  const counter: ChunkLineCounter = {
    line(s, nl, lineNo) {
      if (nl - s > maxLine) return leave();
      if (dangerMin < s) nextDanger(s);
      if (dangerMin < nl) return leave();
      // the header up to its `]`, found by a hash of its length and last characters (pid, tid, device)
      if (closeAt < s) closeAt = find("]", s);
      const i = closeAt;
      if (i >= nl || i - s > 160) return leave();
      let h = i - s;
      for (let j = i - 1, stop = i - 12 > s ? i - 12 : s; j >= stop; j--) h = (Math.imul(h, 31) + body.charCodeAt(j)) | 0;
      const k = fastKeys.get(h);
      if (k === undefined) {
        if (fastKeys.size < FAST_MAX_KEYS) fastKeys.set(h, registerKey(body.slice(s, i + 1)));
        return leave();
      }
      let re = k.line;
      if (re === null) return leave();
      // compiled when the header comes back: a log of a million one-off headers compiles none
      if (re === undefined) re = k.line = fastLineRegex(k.key);
      // the regex starts with the header itself, so a header of the same hash is not taken for this one
      re.lastIndex = s;
      if (!re.test(body)) return leave();
      if (!k.hostSeen) {
        if (!hosts.has(k.who.host!)) return leave();
        k.hostSeen = true;
      }
      if (body.charCodeAt(i + 7) === 73 /* NCCL I(NFO) */) {
        // the first ` comm 0x<hex>` is the communicator, as the COLLECTIVE phrase reads it
        if (commAt <= i) commAt = find(" comm ", i);
        let a: Activity | null;
        if (commAt >= nl) a = devActivity(k);
        else {
          const cs = commAt + 6;
          const known = k.comm;
          if (known !== null && body.startsWith(known, cs) && !isHex(body.charCodeAt(cs + known.length))) a = k.commAct;
          else {
            if (body.charCodeAt(cs) !== 48 || body.charCodeAt(cs + 1) !== 120 || !isHex(body.charCodeAt(cs + 2))) return leave();
            let ce = cs + 2;
            while (isHex(body.charCodeAt(ce))) ce++;
            k.comm = body.slice(cs, ce);
            a = k.commAct = activityOf(k.who, k.comm);
          }
        }
        if (a) {
          a.collectives++;
          if (a.fastAt < 0) pending.push(a);
          a.fastAt = s;
        }
      } else {
        const a = devActivity(k);
        if (a) a.trace++;
      }
      lastFastLine = lineNo;
      return true;
    },
  };
  /** the line goes the ordinary way: the counters it may touch must be up to date */
  const leave = (): false => {
    if (pending.length) settle();
    return false;
  };
  const fast: LineCounter = {
    begin(text, maxChars) {
      if (pending.length) settle();
      body = text;
      maxLine = maxChars;
      dangerAt.fill(-1);
      dangerMin = -1;
      closeAt = commAt = -1;
      return counter;
    },
  };

  return {
    name: "nccl",
    fast,
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
        const { fastAt: _, ...counters } = a;
        entries.push({ ...counters, rank: r ?? null });
      }
      const ev = { file: lastRec?.file ?? "", line: Math.max(lastRec?.line ?? 0, lastFastLine), text: "" };
      emit({ kind: "nccl.activity", ev, origin: {}, input: lastRec?.input ?? 0, entries, ...(overflow ? { notice: overflow } : {}) });
    },
  };
}
