import { CstParser, Lexer, LEXER_OPTIONS, PARSER_OPTIONS, createToken, once, type CstNode, type IToken } from "./chevrotain.js";
import { FAST_HEADER } from "./nccl-fast.js";

// what the counting fast path may read without this grammar, kept beside it (./nccl-fast.ts)
export { CHATTER, IB_QP_SETUP, FAST_DANGERS, FAST_HEADER, FAST_KEY, FAST_OPS, fastLineRegex } from "./nccl-fast.js";

/**
 * Syntax of NCCL debug records (NCCL 2.2 → 2.30): where a record sits inside a line, its header
 * (`host:pid:tid [dev] file:line (func)` before `NCCL INFO|WARN|TRACE|CALL`) and the connection lines of
 * every era (`Ring 00 : a[bus] -> b[bus] via ...`, `Channel 00/0 : a[d] -> b[d] [send] via NET/IB/0/GDRDMA`).
 * Syntax only: no I/O and no facts. Chevrotain reads the header and the connection line; finding the
 * record in a line is a cheap hand-written scan, so that chatter never reaches the lexer.
 */

export type NcclLevel = "INFO" | "WARN" | "TRACE" | "CALL";

/** Where the record's level token sits in a line of text. */
export interface NcclRecordSpan {
  /** text before `NCCL <LEVEL>` (the header, maybe with leading junk) */
  head: string;
  level: NcclLevel;
  /** text after the level token, trimmed */
  msg: string;
  /** true for the 2.2-era `[0] INFO ...` / `... WARN ...` records without the NCCL token */
  legacy: boolean;
}

const LEVELS: readonly NcclLevel[] = ["INFO", "WARN", "TRACE", "CALL"];

function levelAt(text: string, i: number): NcclLevel | null {
  for (const l of LEVELS) {
    if (text.startsWith(l, i)) {
      const after = text.charCodeAt(i + l.length);
      // the level word must be complete (`NCCL INF` of a cut record is not a record)
      if (Number.isNaN(after) || after === 32 || after === 9) return l;
    }
  }
  return null;
}

const LEGACY = /^(?:([^\s:\[\]]+):(\d+):(\d+) )?\[(\d+)\] (?:([\w./\-]+:\d+) )?(INFO|WARN) /;

/**
 * Finds the NCCL record in a peeled line. Cheap: `indexOf` first; returns null for anything that is
 * not a complete record (`... NCCL INF` cut short, a paraphrase without a level token).
 */
export function scanNcclRecord(text: string): NcclRecordSpan | null {
  let from = 0;
  for (;;) {
    const i = text.indexOf("NCCL ", from);
    if (i < 0) break;
    const before = i === 0 ? 32 : text.charCodeAt(i - 1);
    // markdown bold pasted around the record's text (`file.cc:28 **NCCL WARN ...**`) is residue, not part of the header
    if (before === 32 || before === 9 || before === 42) {
      const level = levelAt(text, i + 5);
      if (level) return { head: (before === 42 ? text.slice(0, i).replace(/\*+$/, "") : text.slice(0, i)).trimEnd(), level, msg: text.slice(i + 5 + level.length).trim(), legacy: false };
    }
    from = i + 5;
  }
  return null;
}

/**
 * WARNs older than 2.1's `host:pid:tid` header, and 2.1–2.3 ones quoted without it. NCCL 1.x printed
 * `WARN src/reduce.cu:126 <msg>` (debug.h: `"WARN %s:%d "`); 2.0 printed the host and device but no pid:tid
 * (`host [0] include/socket.h:185 WARN <msg>`, the host often redacted to several words); a user quoting a 2.x
 * record may keep only `include/socket.h:344 WARN <msg>`. Each needs the WARN's `file:line`, so prose does not match.
 */
const LEGACY_WARN_1X = /^WARN ([\w./\-]+\.(?:cc|cu|cpp|h|c):\d+) /;
const LEGACY_WARN_DEV = /^(?:[^\s\[\]][^\[\]]{0,80} )?(\[\d+\] [\w./\-]+\.(?:cc|cu|cpp|h|c):\d+) WARN /;
const LEGACY_WARN_SRC = /^([\w./\-]+\.(?:cc|cu|cpp|h|c):\d+) WARN /;

/**
 * The log of aws-ofi-nccl's own test programs (nccl_message_transfer, ring, inflight_close, the functional tests): their
 * `logger` stands in for NCCL's and prints `WARN: Function: <func> Line: <n>: ` (also `INFO:`, `TRACE:`) before the
 * plugin's message, which its NCCL_OFI_* macros always start with `NET/OFI `. <func> is `__PRETTY_FUNCTION__`: a bare
 * name from C builds, a whole signature with spaces and parentheses from C++ ones, so it is found by ` Line: `, not
 * matched. The record names no host, pid or device.
 */
const OFI_TEST_HEAD = /^(WARN|INFO|TRACE): Function: /;
const OFI_TEST_LINE = /^ Line: \d+: (?=NET\/OFI )/;
function scanOfiTestRecord(text: string): NcclRecordSpan | null {
  const h = OFI_TEST_HEAD.exec(text);
  if (!h) return null;
  for (let at = text.indexOf(" Line: ", h[0].length); at >= 0; at = text.indexOf(" Line: ", at + 7)) {
    const l = OFI_TEST_LINE.exec(text.slice(at, at + 24));
    if (l) return { head: "", level: h[1] as NcclLevel, msg: text.slice(at + l[0].length).trim(), legacy: true };
  }
  return null;
}

/** The 2.2-era record: `host:pid:tid [0] INFO ...`, `[0] INFO ...`, `host:pid:tid [0] include/socket.h:360 WARN ...`. */
export function scanLegacyRecord(text: string): NcclRecordSpan | null {
  if (text.charCodeAt(4) === 58 || text.charCodeAt(5) === 58) {
    const o = scanOfiTestRecord(text);
    if (o) return o;
  }
  const m = LEGACY.exec(text);
  if (m) return { head: m[0].slice(0, m[0].length - m[6].length - 1).trimEnd(), level: m[6] as NcclLevel, msg: text.slice(m[0].length).trim(), legacy: true };
  const w = LEGACY_WARN_1X.exec(text);
  if (w) return { head: w[1], level: "WARN", msg: text.slice(w[0].length).trim(), legacy: true };
  // (a host before the device bracket is dropped: NOTES counts nodes from `host:pid:tid` prefixes only)
  const b = LEGACY_WARN_DEV.exec(text) ?? LEGACY_WARN_SRC.exec(text);
  if (b) return { head: b[1], level: "WARN", msg: text.slice(b[0].length).trim(), legacy: true };
  return null;
}

/**
 * The bare version banner (no prefix): `NCCL version 2.21.5+cuda12.4`. A build whose CUDA macros were not expanded
 * prints `2.8.3+cudaCUDA_MAJOR.CUDA_MINOR` (TensorFlow's bazel build): the release is read, the tag is not a CUDA version.
 * A quote or a markdown backtick may close the text around it (`... unhandled system error, NCCL version 2.21.5` + "`").
 * A line cut inside the suffix (`NCCL version 2.27.5+cuda12`) still names the release; its CUDA part stays unknown.
 */
export const BANNER = /(?:^|\s)NCCL version (\d+\.\d+\.\d+[\w.\-]*?)(?:\+cuda(\d+\.\d+)|\+cuda[A-Z_]+\.[A-Z_]+|\+(?:c(?:u(?:d(?:a\d*\.?)?)?)?)?(?=\s*$))?(?=$|[\s,.;)\]'"`])/;

/**
 * RCCL's banner, the NCCL release it follows: `RCCL version 2.18.3+hip6.0` (init.cc's VERSION_STRING) and, from ROCm
 * 6.x, `RCCL version : 2.21.5-HEAD:9a0e6a1` followed by `HIP version  : …` lines.
 */
export const RCCL_BANNER = /(?:^|\s)RCCL version\s?:?\s?(\d+\.\d+\.\d+)(?=$|[\s+\-,;)])/;

// ---------------------------------------------------------------------------------------------------
// Header: `host:pid:tid [dev] [ms] [file:line] [(func)]`

const HWs = createToken({ name: "HWs", pattern: /[ \t]+/, group: Lexer.SKIPPED });
// a pid or tid as printed, or the placeholder a user masked it with (`[Node-A]:[PID]:[Thread]`, `host:<pid>:<tid>`)
const PID_FIELD = String.raw`(?:\w+|\[\w+\]|<\w+>)`;
const Triple = createToken({ name: "Triple", pattern: new RegExp(String.raw`[^\s:]+:${PID_FIELD}:${PID_FIELD}`) });
// a WARN's file:line, relative (`transport/net_ib.cc:1295`) or the absolute path of a build that kept it (RCCL's hipified
// sources: `/home/u/rccl/build/release/hipify/src/init.cc:125`, `/longer_pathname_so_that_rpms_can_support_packaging_..`)
const SrcLoc = createToken({ name: "SrcLoc", pattern: /\/?[A-Za-z_][\w./\-]*:\d+/ });
const Millis = createToken({ name: "Millis", pattern: /\d+\.\d+/ });
const Dev = createToken({ name: "Dev", pattern: /\[\d+\]/ });
const Func = createToken({ name: "Func", pattern: /\([^()\s]*\)/ });
const headerTokens = [HWs, Dev, Triple, SrcLoc, Millis, Func];
const headerLexer = once(() => new Lexer(headerTokens, LEXER_OPTIONS));

class HeaderParser extends CstParser {
  constructor() {
    super(headerTokens, PARSER_OPTIONS);
    this.performSelfAnalysis();
  }
  header = this.RULE("header", () => {
    this.OPTION(() => this.CONSUME(Triple));
    this.OPTION2(() => this.CONSUME(Dev));
    this.OPTION3(() => this.CONSUME(Millis));
    this.OPTION4(() => this.CONSUME(SrcLoc));
    this.OPTION5(() => this.CONSUME(Func));
  });
}
const headerParser = once(() => new HeaderParser());

export interface NcclHeader {
  host: string | null;
  pid: number | null;
  tid: number | null;
  /** the CUDA device of the printing thread (not the rank) */
  dev: number | null;
  /** TRACE: ms since debug init */
  ms: number | null;
  /** WARN: source file:line; TRACE: function:line */
  src: string | null;
  /** 2.30.7+ WARN: the function name */
  func: string | null;
}

// the prefix proper starts at `host:pid:tid ` followed by `[dev]`, a file:line or the level; anything
// before it (timestamps, stray wrappers) is skipped
// (entered only where a run of host characters starts: from inside a long run it would rescan the run each time)
const TRIPLE_AT = new RegExp(String.raw`(?<![^\s:])([^\s:]+):(${PID_FIELD}):(${PID_FIELD})(?= \[\w+\]| \S+:\d+ |$)`, "g");
/**
 * A real header (a host name of at most 253 characters, pid, tid, device, ms, file:line and function) ends within
 * this many characters of ` NCCL `: only those are read, so a crafted line of 64 K characters before ` NCCL INFO`
 * costs no more than a real one (the lexer retries its patterns at every position of what it is given).
 */
const MAX_HEAD = 1024;

/** `HH:MM:SS` where a header's `host:pid:tid` would stand (see isClockTriple) */
const CLOCK_TRIPLE = /^(?:[01]?\d|2[0-3]):[0-5]\d:[0-5]\d(?= )/;

/** Whether `host:pid:tid` is a clock (`12:31:45`), not NCCL's header: a host of one or two digits, a pid and tid of two. */
export function isClockTriple(host: string, pid: string, tid: string): boolean {
  return CLOCK_TRIPLE.test(`${host}:${pid}:${tid} `);
}

function lastTripleStart(head: string): number {
  let last = -1;
  TRIPLE_AT.lastIndex = 0;
  for (let m = TRIPLE_AT.exec(head); m; m = TRIPLE_AT.exec(head)) last = m.index;
  return last;
}

// `host:` then a blanked pid (and tid): a run of X, x, * or #, an ellipsis, or a `<placeholder>`
const BLANK_ID = String.raw`(?:[Xx*#]{2,}|\.{3}|\u2026|<[\w-]+>)`;
const REDACTED_IDS = new RegExp(String.raw`(?:^|\s)([^\s:\[\]]+):${BLANK_ID}(?::${BLANK_ID})?$`);

// a host whose `:pid:tid` the quoter cut out altogether (`gpu-server320 [5] NCCL INFO ...`, behind a timestamp or not): a
// hostname-shaped word (a letter first, then a digit, `-` or `.` somewhere: no level word, no clock, no launcher tag)
const BARE_HOST = /(?:^|[\s\]])([A-Za-z][\w.\-]*[\d.\-][\w.\-]*)$/;
const NOT_A_HOST = /^(?:rank|local_?rank|node_?rank|task|proc|trainer|worker_?rank|tp|pp|dp|ep)[_\-]?\d+$/i;

// tqdm's `rate]` (`2.46s/it]`, `?it/s]`, `12.3MB/s]`) at the head of a host token, with the host's own name after it
const PROGRESS_RATE = /^[^\]\/]*\/\w+\](?=[^\]]+$)/;

const token = (node: CstNode, name: string): IToken | undefined => (node.children[name]?.[0] as IToken | undefined);
const toInt = (s: string): number | null => (/^\d+$/.test(s) ? Number(s) : null);

/** Reads a record header. Returns null when the header is not NCCL's (then the line is not a record). */
// Alibaba's ACCL (an NCCL fork) brackets each part: `[host][pid:tid][dev][file:line] NCCL WARN ..`
const BRACKETED_HEAD = /(?:^|\s)\[([^\s\[\]:]+)\]\[(\d+):(\d+)\]\[(\d+)\](?:\[(\/?[A-Za-z_][\w./\-]*:\d+)\])?$/;

/**
 * The usual layout, FAST_HEADER's `host:pid:tid [dev]` then a TRACE line's `ms func:line` or a WARN's `file:line` (a host with a
 * letter, nothing around it): read by one regular expression, as the grammar reads it (test/nccl-grammar.test.ts
 * holds the two to each other). A TRACE header differs line by line in its milliseconds, so no memo spares the
 * grammar's lexer and parser, which cost some 50 µs a header.
 */
const PLAIN_HEAD = new RegExp(`${FAST_HEADER.source.slice(0, -1)}(?: (\\d+\\.\\d+))?(?: (\\/?[A-Za-z_][\\w./\\-]*:\\d+))?$`);
const HAS_LETTER = /[A-Za-z]/;

export function parseNcclHeader(head: string): NcclHeader | null {
  const m = head.length <= MAX_HEAD ? PLAIN_HEAD.exec(head) : null;
  if (m && HAS_LETTER.test(m[1])) return { host: m[1], pid: Number(m[2]), tid: Number(m[3]), dev: Number(m[4]), ms: m[5] === undefined ? null : Number(m[5]), src: m[6] ?? null, func: null };
  return parseNcclHeaderByGrammar(head);
}

/** parseNcclHeader without its fast lane: the grammar's reading of any header */
export function parseNcclHeaderByGrammar(head: string): NcclHeader | null {
  let h = (head.length > MAX_HEAD ? head.slice(-MAX_HEAD) : head).trim();
  const b = h.endsWith("]") ? BRACKETED_HEAD.exec(h) : null;
  if (b && /[A-Za-z]/.test(b[1])) return { host: b[1], pid: Number(b[2]), tid: Number(b[3]), dev: Number(b[4]), ms: null, src: b[5] ?? null, func: null };
  let start = lastTripleStart(h);
  // a clock before a record NCCL printed with no host (`12:31:45 [0] NCCL INFO ...`: a logger's time, the host cut) is no
  // `host:pid:tid`: no host is a number of one or two digits with a pid and a tid of two digits each, all of a clock's range
  if (start >= 0) {
    const clock = CLOCK_TRIPLE.exec(h.slice(start));
    if (clock) {
      h = h.slice(start + clock[0].length).trimStart();
      start = -1;
    }
  }
  let hostPrefix = "";
  let redactedHost: string | null = null;
  if (start > 0) {
    // `...-07:00ip-10-36-1-2:12:34`: a host glued to the timestamp before it keeps only its own name
    hostPrefix = h.slice(0, start);
    h = h.slice(start);
  } else if (start < 0) {
    const dev = h.lastIndexOf("[");
    const devOk = dev >= 0 && /^\[\d+\]/.test(h.slice(dev));
    if (devOk) {
      // a host whose pid and tid a quoter blanked (`host-01.example.com:XXXXXX [5] ...`, `node3:<pid>:<tid> [0] ...`)
      const r = REDACTED_IDS.exec(h.slice(0, dev).trimEnd());
      if (r && /[A-Za-z]/.test(r[1])) redactedHost = r[1].replace(/^[`'"*>]+/, "");
      else {
        const bare = BARE_HOST.exec(h.slice(0, dev).trimEnd());
        if (bare && !NOT_A_HOST.test(bare[1]) && !/[.\-]$/.test(bare[1])) redactedHost = bare[1];
      }
      h = h.slice(dev);
    }
    else {
      const src = /(?:^|\s)(\/?[A-Za-z_][\w./\-]*:\d+(?: \([^()\s]*\))?)$/.exec(h);
      h = src ? src[1] : h === "" ? "" : h;
    }
  }
  const lexed = headerLexer().tokenize(h);
  if (lexed.errors.length) return null;
  const parser = headerParser();
  parser.input = lexed.tokens;
  const cst = parser.header();
  if (parser.errors.length) return null;
  const out: NcclHeader = { host: null, pid: null, tid: null, dev: null, ms: null, src: null, func: null };
  const tri = token(cst, "Triple");
  if (!tri && redactedHost) out.host = redactedHost;
  if (tri) {
    const parts = tri.image.split(":");
    let host = parts.slice(0, -2).join(":");
    if (hostPrefix.endsWith(":") || /\d$/.test(hostPrefix)) host = host.replace(/^\d+(?=[A-Za-z])/, "");
    // markdown residue stuck to the first line of a paste (`` `ps-8:796:796 [1] NCCL INFO …``): no host name holds these
    host = host.replace(/^[`'"*>]+/, "");
    // an ellipsis a program printed with no newline before the record (DeepEP's `[testing] Running ... ...host:pid:tid [6]
    // NCCL INFO ...`): no host name starts with a dot
    host = host.replace(/^(?:\.+|\u2026+)(?=[A-Za-z0-9])/, "");
    // a progress bar's rate field glued before the record (`... 5/750 [00:11<30:35,  2.46s/it]ip-1:31394:31394 [0] NCCL
    // INFO ...`, tqdm writes no newline until the bar ends): no host name holds a `/`, so `2.46s/it]` is not part of it
    host = host.replace(PROGRESS_RATE, "");
    out.host = host;
    out.pid = toInt(parts[parts.length - 2]);
    out.tid = toInt(parts[parts.length - 1]);
  }
  const dev = token(cst, "Dev");
  if (dev) out.dev = Number(dev.image.slice(1, -1));
  const ms = token(cst, "Millis");
  if (ms) out.ms = Number(ms.image);
  const src = token(cst, "SrcLoc");
  if (src) out.src = src.image;
  const fn = token(cst, "Func");
  if (fn) out.func = fn.image.slice(1, -1) || null;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Connection lines

const CWs = createToken({ name: "CWs", pattern: /[ \t]+/, group: Lexer.SKIPPED });
const Via = createToken({ name: "Via", pattern: /via[ \t]+[^\n]*/ });
const Kw = createToken({ name: "Kw", pattern: /CollNet|Coll|Channel|Ring/ });
const Send = createToken({ name: "Send", pattern: /\[(?:send|receive)\]/ });
const Arrow = createToken({ name: "Arrow", pattern: /->/ });
const Colon = createToken({ name: "Colon", pattern: /:/ });
const Slash = createToken({ name: "Slash", pattern: /\// });
const Bracketed = createToken({ name: "Bracketed", pattern: /\[[0-9A-Fa-f]*\]/ });
const Num = createToken({ name: "Num", pattern: /\d+/ });
const connTokens = [CWs, Via, Kw, Send, Arrow, Colon, Slash, Bracketed, Num];
const connLexer = once(() => new Lexer(connTokens, LEXER_OPTIONS));

class ConnectionParser extends CstParser {
  constructor() {
    super(connTokens, PARSER_OPTIONS);
    this.performSelfAnalysis();
  }
  connection = this.RULE("connection", () => {
    this.CONSUME(Kw);
    this.CONSUME(Num, { LABEL: "channel" });
    this.OPTION(() => {
      this.CONSUME(Slash);
      this.CONSUME2(Num, { LABEL: "connIndex" });
    });
    this.CONSUME(Colon);
    this.SUBRULE(this.endpoint, { LABEL: "from" });
    this.OPTION2(() => {
      this.CONSUME(Arrow);
      this.SUBRULE2(this.endpoint, { LABEL: "to" });
    });
    this.OPTION3(() => this.CONSUME(Send));
    this.CONSUME(Via);
  });
  endpoint = this.RULE("endpoint", () => {
    this.CONSUME(Num, { LABEL: "rank" });
    this.OPTION(() => this.CONSUME(Bracketed, { LABEL: "dev" }));
  });
}
const connParser = once(() => new ConnectionParser());

export interface NcclConnection {
  /** `Ring`, `Channel`, `CollNet` or `Coll`; "" for the ≤2.3 net record `7 -> 8 via NET/Socket/0` (PRE_RING_NET_LINE) */
  keyword: string;
  channel: number;
  connIndex: number | null;
  from: number;
  /** hex bus id before 2.18.3, NVML index after; as printed */
  fromDev: string | null;
  /** null for CollNet lines, which name one rank */
  to: number | null;
  toDev: string | null;
  direction: "send" | "receive" | null;
  /** the transport as printed (`P2P/IPC/read`, `NET/AWS Libfabric/0/GDRDMA`), without RCCL's `comm 0x.. nRanks N` suffix */
  via: string;
  /** the `comm 0x..` suffix of newer lines */
  comm: string | null;
}

const COMM_SUFFIX = /\s+comm (0x[0-9a-fA-F]+)(?:\s+nRanks\s+\d+)?\s*$/;

/** Reads a connection line's message (`Channel 00/0 : 0[0] -> 1[1] via P2P/IPC`). Null when it is not one (ring order, Trees, cut). */
export function parseConnection(msg: string): NcclConnection | null {
  const m = CONNECTION_LINE.exec(msg);
  if (m) return connectionOf(m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9]);
  const old = PRE_RING_NET_LINE.exec(msg);
  if (old) return connectionOf("", "0", undefined, old[1], undefined, old[2], undefined, "receive", old[3]);
  const local = PRE_RING_LOCAL_LINE.exec(msg);
  return local ? connectionOf("", "0", undefined, local[1], undefined, local[2], undefined, undefined, local[3]) : parseConnectionByGrammar(msg);
}

/**
 * The intra-node record of the closed-source 2.1/2.2 releases (before the GitHub history, which starts at 2.3.5 with
 * `Ring %02d : %d[%d] -> %d[%d] via ...`): no ring number, the transport as later; 2.1 prints the bare ranks
 * (`0 -> 1 via P2P/direct pointer`), 2.2 each rank followed by its process id in brackets (`1[5224] -> 0[5223] via
 * direct shared memory`). The bracket is no CUDA device, so it is not kept as one. Read as a connection of keyword ""
 * and channel 0 (not printed).
 */
const PRE_RING_LOCAL_LINE = /^(\d{1,9})(?:\[\d{1,9}\])? -> (\d{1,9})(?:\[\d{1,9}\])? (via[ \t]+(?:P2P\/\S|SHM\b|direct shared memory)[^\n]*)$/;

/**
 * The early (≤2.3) net transport's record, printed by the receiving side's setup with no ring number or devices:
 * `INFO("%d -> %d via NET/%s/%d%s", peerRank, myRank, netName, dev, hostDevMem ? "/GDCopy" : "")`, e.g.
 * `7 -> 8 via NET/Socket/0`, `3 -> 4 via NET/IB/1/GDCopy` (P2P and SHM records of that era carry `Ring NN :`).
 * Read as a `[receive]` connection of keyword "" and channel 0 (not printed).
 */
const PRE_RING_NET_LINE = /^(\d{1,9}) -> (\d{1,9}) (via[ \t]+NET\/\S[^\n]*)$/;

/**
 * The usual shape of a connection line, single-spaced, as the grammar below reads it (its tokens in their order, no
 * skipped blank but one space between them): read with one regex, the grammar reading every other shape.
 * test/nccl-grammar.test.ts holds the two to each other.
 */
const CONNECTION_LINE = /^(Channel|Ring) (\d+)(?:\/(\d+))? : (\d+)(\[[0-9A-Fa-f]*\])? -> (\d+)(\[[0-9A-Fa-f]*\])?(?: \[(send|receive)\])? (via[ \t]+[^\n]*)$/;

function connectionOf(keyword: string, channel: string, connIndex: string | undefined, from: string, fromDev: string | undefined, to: string | undefined, toDev: string | undefined, dir: string | undefined, viaToken: string): NcclConnection {
  let via = viaToken.replace(/^via[ \t]+/, "").trimEnd();
  let comm: string | null = null;
  const sfx = COMM_SUFFIX.exec(via);
  if (sfx) {
    comm = sfx[1];
    via = via.slice(0, sfx.index);
  }
  return {
    keyword,
    channel: Number(channel),
    connIndex: connIndex !== undefined ? Number(connIndex) : null,
    from: Number(from),
    fromDev: fromDev !== undefined ? fromDev.slice(1, -1) : null,
    to: to !== undefined ? Number(to) : null,
    toDev: toDev !== undefined ? toDev.slice(1, -1) : null,
    direction: dir === "send" ? "send" : dir === "receive" ? "receive" : isRecvSideRing(keyword, fromDev, toDev, via) ? "receive" : null,
    via,
    comm,
  };
}

/**
 * The 2.3 net record `Ring 00 : 0 -> 1 via NET/IB/0`: no devices and no `[send]`/`[receive]`, yet printed by the receiving
 * side only (2.3.5–2.3.7 transport/net.cu netRecvSetup logs `Ring %02d : %d -> %d via NET/...` with the peer's rank, then its
 * own; netSendSetup logs nothing). 2.4 added the tags (`[send]` from the sender, `[receive]` from the receiver) and 2.5 the
 * bus ids, while the bare-rank P2P record of every version (`Ring 00 : 0 -> 1 via P2P/common device`) is the sender's.
 * Read as a `[receive]` record, so the printing process is placed on the right-hand rank.
 */
function isRecvSideRing(keyword: string, fromDev: string | undefined, toDev: string | undefined, via: string): boolean {
  return keyword === "Ring" && fromDev === undefined && toDev === undefined && /^NET\//.test(via);
}

/** parseConnection by the grammar alone (exported for the test that holds CONNECTION_LINE to it) */
export function parseConnectionByGrammar(msg: string): NcclConnection | null {
  const lexed = connLexer().tokenize(msg);
  if (lexed.errors.length) return null;
  const parser = connParser();
  parser.input = lexed.tokens;
  const cst = parser.connection();
  if (parser.errors.length) return null;
  const c = cst.children;
  const fromNode = c.from[0] as CstNode;
  const toNode = c.to?.[0] as CstNode | undefined;
  const keyword = (c.Kw[0] as IToken).image;
  if (!toNode && !/^Coll/.test(keyword)) return null;
  const image = (t: unknown) => (t as IToken | undefined)?.image;
  const dirTok = image(c.Send?.[0]);
  return connectionOf(
    keyword, image(c.channel[0])!, image(c.connIndex?.[0]), image(fromNode.children.rank[0])!, image(fromNode.children.dev?.[0]),
    toNode ? image(toNode.children.rank[0]) : undefined, toNode ? image(toNode.children.dev?.[0]) : undefined, dirTok?.slice(1, -1), image(c.Via[0])!,
  );
}

/**
 * A network name that means NCCL's IB verbs transport: `IB`, the IBext plugins (`IBext`, `IBext_v8`), and
 * nccl-rdma-sharp-plugins' own name `NCCL RDMA Plugin v8` / `NCCL RDMA SHARP Plugin`, which its forks keep (Tencent
 * Cloud's `NCCL RDMA Plugin v6`, whose connections print `via NET/NCCL RDMA Plugin v6/0(2)/GDRDMA/Shared`).
 */
export const IB_NET_NAME = /^IB(?:ext(?:_v\d+)?)?$|^NCCL RDMA (?:SHARP )?Plugin(?: v\d+)?$/i;

/**
 * The CONTRACT's transport kind of a `via` text, or null when the text was cut before its kind token was
 * complete (`P2P/CUME`, `P2P`, `NET/IBext_v8/`).
 */
export function transportKind(via: string): string | null {
  const x = via.trim();
  if (x.startsWith("P2P/")) {
    if (/^P2P\/IPC\b/.test(x)) return "P2P/IPC";
    if (/^P2P\/CUMEM\b/.test(x)) return "P2P/CUMEM";
    if (/^P2P\/direct\b/.test(x)) return "P2P/direct";
    const m = /^P2P\/(indirect|MNNVL)\b/.exec(x);
    return m ? `P2P/${m[1]}` : null;
  }
  if (/^SHM\b/.test(x) || /^direct shared memory/.test(x)) return "SHM";
  if (/^NVLS\b/.test(x)) return "NVLS";
  if (/^(?:COLLNET|CollNet)\//.test(x)) return "CollNet";
  const m = /^NET\/([^/]+)\/(\d+)(.*)$/.exec(x);
  if (!m) return null;
  // (a record cut inside its `/GDRDMA` at a terminal's width, `NET/IB/0/GDRD` then `MA` on the next line, says GDRDMA:
  // NCCL prints no other part that starts so)
  const gdr = /\/GDRDMA|\/G(?:D(?:R(?:D(?:M)?)?)?)?\s*$/.test(m[3]) ? "/GDRDMA" : "";
  const name = m[1];
  if (IB_NET_NAME.test(name)) return "NET/IB" + gdr;
  if (/^Socket$/i.test(name)) return "NET/Socket";
  if (/libfabric|^OFI$/i.test(name)) return "NET/OFI";
  return `NET/${name}${gdr}`;
}

/**
 * Whether a network transport kind carries data over TCP sockets: NCCL's own `NET/Socket` or a socket plugin such as
 * Google's `NET/FastSocket`. GPU Direct RDMA does not apply to them, so their lines never carry `/GDRDMA`.
 */
export function isTcpKind(kind: string): boolean {
  return /^NET\/[\w-]*Socket(?:\/|$)/i.test(kind);
}

/** The ten kinds the report always lists. */
export const TRANSPORT_KINDS = ["P2P/IPC", "P2P/CUMEM", "P2P/direct", "SHM", "NET/IB", "NET/IB/GDRDMA", "NET/Socket", "NET/OFI", "NVLS", "CollNet"] as const;
