import { createToken, EmbeddedActionsParser, Lexer, LEXER_OPTIONS, PARSER_OPTIONS, once, type IToken, type TokenType } from "./chevrotain.js";

/**
 * PyTorch's c10 / glog output, syntax only:
 *  - the glog head: `[E ProcessGroupNCCL.cpp:563]`, `[E723 19:34:51.785450177 ProcessGroupNCCL.cpp:1476]`,
 *    `W0714 23:06:54.603780 140446678845248 torch/distributed/run.py:757]`, `[W CUDAGraph.cpp:145]`, and glog ≥0.7's
 *    head with the year (`log_year_in_prefix`, on by default): `E20260608 14:45:44.404089 342420 transport.cpp:1107]`;
 *  - the process-group head: `[PG 2 Rank 0]`, `[PG 0 (default_pg) Rank 7]`,
 *    `[PG ID 0 PG GUID 0(default_pg) Rank 0]`, `[Rank 4]`;
 *  - the work repr: `WorkNCCL(SeqNum=2, OpType=ALLREDUCE, NumelIn=.., NumelOut=.., Timeout(ms)=600000)`
 *    and its older `TensorShape=[..]` forms, followed by `ran for N milliseconds`.
 * Callers run the cheap `looksLike*` tests first; only the short head of a line reaches the lexer.
 */

const WS = createToken({ name: "WS", pattern: /[ \t]+/, group: Lexer.SKIPPED });
const Ident = createToken({ name: "Ident", pattern: /[A-Za-z_][\w.\-]*/ });
const WorkNccl = createToken({ name: "WorkNccl", pattern: /WorkNCCL/, longer_alt: Ident });
const TimeoutMs = createToken({ name: "TimeoutMs", pattern: /Timeout\(ms\)/ });
const GlogStamp = createToken({ name: "GlogStamp", pattern: /[IWEF](?:\d{8}|\d{3,4})(?=[ \t])/ });
const GlogLevel = createToken({ name: "GlogLevel", pattern: /[IWEF](?=[ \t])/ });
const Clock = createToken({ name: "Clock", pattern: /\d{1,2}:\d\d:\d\d(?:\.\d+)?/ });
const FileLine = createToken({ name: "FileLine", pattern: /[A-Za-z_<.][\w.\/\-<>]*\.[A-Za-z]\w*:\d+/ });
const Pg = createToken({ name: "Pg", pattern: /PG/, longer_alt: Ident });
const Id = createToken({ name: "Id", pattern: /ID/, longer_alt: Ident });
const Guid = createToken({ name: "Guid", pattern: /GUID/, longer_alt: Ident });
const Rank = createToken({ name: "Rank", pattern: /Rank/, longer_alt: Ident });
const Int = createToken({ name: "Int", pattern: /-?\d+/ });
const LParen = createToken({ name: "LParen", pattern: /\(/ });
const RParen = createToken({ name: "RParen", pattern: /\)/ });
const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
const RBracket = createToken({ name: "RBracket", pattern: /\]/ });
const Comma = createToken({ name: "Comma", pattern: /,/ });
const Equals = createToken({ name: "Equals", pattern: /=/ });
const Other = createToken({ name: "Other", pattern: /[^\s\[\](),=]+/ });

const allTokens: TokenType[] = [
  WS,
  WorkNccl,
  TimeoutMs,
  GlogStamp,
  GlogLevel,
  Clock,
  FileLine,
  Pg,
  Id,
  Guid,
  Rank,
  Int,
  Ident,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Equals,
  Other,
];

const lexer = once(() => new Lexer(allTokens, LEXER_OPTIONS));

export interface GlogHead {
  level: "I" | "W" | "E" | "F";
  /** `0714` / `723` / `20260608`: the date as printed (month and day, glog ≥0.7 the year first), when the head carries a time */
  date?: string;
  time?: string;
  thread?: string;
  file: string;
  line: number;
}

export interface PgHead {
  /** process-group id or name (`2`, `0`, `ID 0`), absent for work-level `[Rank N]` */
  pg?: string;
  /** the description in parentheses (`default_pg`) */
  pgDesc?: string;
  rank: number;
}

export interface WorkNcclRepr {
  seqNum?: number;
  opType?: string;
  numelIn?: number;
  numelOut?: number;
  timeoutMs?: number;
  tensorShape?: string;
  fields: Record<string, string>;
}

class TorchParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, PARSER_OPTIONS);
    this.performSelfAnalysis();
  }

  glogHead = this.RULE("glogHead", (): GlogHead => {
    let level = "";
    let date: string | undefined;
    let time: string | undefined;
    let thread: string | undefined;
    this.OPTION(() => this.CONSUME(LBracket));
    this.OR([
      {
        ALT: () => {
          const s = this.CONSUME(GlogStamp).image;
          level = s[0];
          date = s.slice(1);
          time = this.CONSUME(Clock).image;
          this.OPTION2(() => (thread = this.CONSUME(Int).image));
        },
      },
      { ALT: () => (level = this.CONSUME(GlogLevel).image) },
    ]);
    const fl = this.CONSUME(FileLine).image;
    this.CONSUME(RBracket);
    const colon = fl.lastIndexOf(":");
    return { level: level as GlogHead["level"], date, time, thread, file: fl.slice(0, colon), line: Number(fl.slice(colon + 1)) };
  });

  pgHead = this.RULE("pgHead", (): PgHead => {
    let pg: string | undefined;
    let pgDesc: string | undefined;
    this.CONSUME(LBracket);
    this.OPTION(() => {
      this.CONSUME(Pg);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Id);
            pg = "ID " + this.CONSUME(Int).image;
            this.CONSUME2(Pg);
            this.CONSUME(Guid);
            this.OR2([{ ALT: () => this.CONSUME2(Int) }, { ALT: () => this.CONSUME(Ident) }]);
          },
        },
        { ALT: () => (pg = this.OR3([{ ALT: () => this.CONSUME3(Int) }, { ALT: () => this.CONSUME2(Ident) }]).image) },
      ]);
      this.OPTION2(() => {
        this.CONSUME(LParen);
        pgDesc = this.CONSUME3(Ident).image;
        this.CONSUME(RParen);
      });
    });
    this.CONSUME(Rank);
    const rank = Number(this.CONSUME4(Int).image);
    this.CONSUME(RBracket);
    return { pg, pgDesc, rank };
  });

  workNccl = this.RULE("workNccl", (): Record<string, string> => {
    const fields: Record<string, string> = {};
    this.CONSUME(WorkNccl);
    this.CONSUME(LParen);
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        const key = this.OR([{ ALT: () => this.CONSUME(Ident).image }, { ALT: () => (this.CONSUME(TimeoutMs), "Timeout(ms)") }]);
        this.CONSUME(Equals);
        fields[key] = this.SUBRULE(this.value);
      },
    });
    this.CONSUME(RParen);
    return fields;
  });

  private value = this.RULE("value", (): string => {
    return this.OR([
      { ALT: () => this.CONSUME(Int).image },
      { ALT: () => this.CONSUME(Ident).image },
      { ALT: () => this.CONSUME(Other).image },
      {
        ALT: () => {
          const parts: string[] = [];
          this.CONSUME(LBracket);
          this.MANY_SEP({ SEP: Comma, DEF: () => parts.push(this.CONSUME2(Int).image) });
          this.CONSUME(RBracket);
          return `[${parts.join(", ")}]`;
        },
      },
    ]);
  });
}

const torchParser = once(() => new TorchParser());

function run<T>(text: string, rule: (parser: TorchParser) => T): { value: T; end: number } | null {
  const lexed = lexer().tokenize(text);
  if (lexed.errors.length) return null;
  const parser = torchParser();
  parser.input = lexed.tokens;
  const value = rule(parser);
  if (parser.errors.length) return null;
  const last: IToken | undefined = lexed.tokens[lexed.tokens.length - 1];
  return { value, end: last ? last.startOffset + last.image.length : 0 };
}

const GLOG_BARE = /^[IWEF](?:\d{8}|\d{3,4}) \d{1,2}:\d\d:\d\d/;

/** Cheap test: does the text start with a c10/glog head? */
export function looksLikeGlog(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 91 /* [ */) {
    const l = text.charCodeAt(1);
    if (l !== 73 && l !== 87 && l !== 69 && l !== 70) return false;
    const n = text.charCodeAt(2);
    return n === 32 || (n >= 48 && n <= 57);
  }
  return (c === 73 || c === 87 || c === 69 || c === 70) && GLOG_BARE.test(text);
}

/** Reads a glog head at the start of `text`; `rest` is the message after it. */
export function parseGlogHead(text: string): { head: GlogHead; rest: string } | null {
  if (!looksLikeGlog(text)) return null;
  const close = text.indexOf("]");
  if (close < 0 || close > 200) return null;
  const r = run(text.slice(0, close + 1), (parser) => parser.glogHead());
  if (!r) return null;
  return { head: r.value, rest: text.slice(close + 1).replace(/^\s+/, "") };
}

/** Reads a `[PG .. Rank N]` or `[Rank N]` head at the start of `text`. */
export function parsePgHead(text: string): { head: PgHead; rest: string } | null {
  if (text.charCodeAt(0) !== 91 || !(text.startsWith("[PG ") || text.startsWith("[Rank "))) return null;
  const close = text.indexOf("]");
  if (close < 0 || close > 160) return null;
  const r = run(text.slice(0, close + 1), (parser) => parser.pgHead());
  if (!r) return null;
  return { head: r.value, rest: text.slice(close + 1).replace(/^\s+/, "") };
}

/** Reads the first `WorkNCCL(...)` in `text`, and `ran for N milliseconds` after it when present. */
export function parseWorkNccl(text: string): { work: WorkNcclRepr; ranForMs?: number } | null {
  const at = text.indexOf("WorkNCCL(");
  if (at < 0) return null;
  let depth = 0;
  let end = -1;
  for (let i = at + 8; i < text.length && i < at + 600; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 40) depth++;
    else if (ch === 41 && --depth === 0) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const r = run(text.slice(at, end + 1), (parser) => parser.workNccl());
  if (!r) return null;
  const f = r.value;
  const num = (k: string) => (f[k] !== undefined && /^-?\d+$/.test(f[k]) ? Number(f[k]) : undefined);
  const work: WorkNcclRepr = {
    seqNum: num("SeqNum"),
    opType: f.OpType,
    numelIn: num("NumelIn"),
    numelOut: num("NumelOut"),
    timeoutMs: num("Timeout(ms)"),
    tensorShape: f.TensorShape,
    fields: f,
  };
  const ran = /^\s*ran for (\d+) milliseconds/.exec(text.slice(end + 1, end + 60));
  return { work, ranForMs: ran ? Number(ran[1]) : undefined };
}

/** The numbers of PyTorch's CUDA/HIP out-of-memory message, in GiB; null where this version's message has no such number. */
export interface TorchOom {
  gpu: number | null;
  /** the allocation that failed */
  triedGiB: number | null;
  /** the GPU's capacity */
  totalGiB: number | null;
  freeGiB: number | null;
  /** everything this process held, PyTorch's and not (≥2.1: `this process has X memory in use`) */
  inUseGiB: number | null;
  /** tensors PyTorch had allocated (≥2.1 `X is allocated by PyTorch`; ≤2.0 `X already allocated`) */
  allocatedGiB: number | null;
  /** PyTorch's cache: reserved but not allocated (≥2.1), or reserved in total (≤2.0) */
  reservedUnallocatedGiB: number | null;
  reservedGiB: number | null;
}

const SIZE = String.raw`(\d+(?:\.\d+)?) ?(bytes|B|KiB|MiB|GiB|TiB)`;
// (PyTorch 2.1 wrote `has a total capacty of`)
const OOM_NEW = new RegExp(String.raw`Tried to allocate ${SIZE}\. GPU (\d+) has a total capaci?ty of ${SIZE} of which ${SIZE} is free\.`);
const OOM_IN_USE = new RegExp(String.raw`this process has ${SIZE} memory in use`);
const OOM_BY_TORCH = new RegExp(String.raw`Of the allocated memory ${SIZE} is allocated by PyTorch, (?:with ${SIZE} allocated in private pools \([^)]*\), )?and ${SIZE} is reserved by PyTorch but unallocated`);
// PyTorch ≤2.0: `Tried to allocate 20.00 MiB (GPU 0; 15.78 GiB total capacity; 14.56 GiB already allocated; 3.44 MiB free; 14.75 GiB reserved in total by PyTorch)`
const OOM_OLD = new RegExp(String.raw`Tried to allocate ${SIZE} \(GPU (\d+); ${SIZE} total capacity; ${SIZE} already allocated; ${SIZE} free; (?:${SIZE} allowed; )?${SIZE} reserved in total by PyTorch\)`);

const UNIT_GIB: Record<string, number> = { bytes: 2 ** -30, B: 2 ** -30, KiB: 2 ** -20, MiB: 2 ** -10, GiB: 1, TiB: 1024 };
const gib = (v: string | undefined, unit: string | undefined): number | null => (v === undefined || unit === undefined ? null : Math.round(Number(v) * UNIT_GIB[unit] * 1000) / 1000);

/** Reads PyTorch's out-of-memory message (c10 CUDACachingAllocator, every format since 1.x); null when it has no numbers. */
export function parseTorchOom(text: string): TorchOom | null {
  if (text.indexOf("Tried to allocate") < 0) return null;
  const n = OOM_NEW.exec(text);
  if (n) {
    const use = OOM_IN_USE.exec(text);
    const by = OOM_BY_TORCH.exec(text);
    const allocated = by ? gib(by[1], by[2]) : null;
    const unallocated = by ? gib(by[5], by[6]) : null;
    return {
      gpu: Number(n[3]),
      triedGiB: gib(n[1], n[2]),
      totalGiB: gib(n[4], n[5]),
      freeGiB: gib(n[6], n[7]),
      inUseGiB: use ? gib(use[1], use[2]) : null,
      allocatedGiB: allocated,
      reservedUnallocatedGiB: unallocated,
      reservedGiB: allocated !== null && unallocated !== null ? Math.round((allocated + unallocated) * 1000) / 1000 : null,
    };
  }
  const o = OOM_OLD.exec(text);
  if (!o) return null;
  const allocated = gib(o[6], o[7]);
  const reserved = gib(o[12], o[13]);
  return {
    gpu: Number(o[3]),
    triedGiB: gib(o[1], o[2]),
    totalGiB: gib(o[4], o[5]),
    freeGiB: gib(o[8], o[9]),
    inUseGiB: null,
    allocatedGiB: allocated,
    reservedUnallocatedGiB: allocated !== null && reserved !== null ? Math.round((reserved - allocated) * 1000) / 1000 : null,
    reservedGiB: reserved,
  };
}
