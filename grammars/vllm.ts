import { tooDeep, createToken, EmbeddedActionsParser, Lexer, LEXER_OPTIONS, PARSER_OPTIONS, once, type IToken, type TokenType } from "./chevrotain.js";

/**
 * vLLM's own record syntax, for every release from 0.4 to today:
 *  - the logger prefix `LEVEL MM-DD HH:MM:SS file.py:LINE] msg` (≤0.7) and `... [file.py:LINE] msg` (≥0.8),
 *    DEBUG relative paths (`[v1/engine/core.py:1067]`), `WARN`, a missing opening bracket, text that
 *    VLLM_LOGGING_PREFIX puts before the level, and a level whose first letters a paste cut off (`RROR`, `NFO`);
 *  - config dumps: the engine banner's `key=value, key=value`, `non-default args: {...}` (a Python dict repr)
 *    and `args: Namespace(...)`. A dump cut or wrapped mid-way yields the pairs that are complete.
 * Syntax only. `fastHead` is the hand-written hot path for well-formed prefixes; `parseHead` (chevrotain)
 * reads every shape, and the reader calls it only when the fast path fails on a line that looks like a record.
 */

export type VllmLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

export interface VllmHead {
  level: VllmLevel;
  /** the level as written: `WARN`, `RROR` ... */
  levelText: string;
  date: string;
  time: string;
  /** file name or DEBUG relative path */
  file: string;
  line: number;
  /** ≥0.8 `[file:line]` form */
  bracket: boolean;
  /** VLLM_LOGGING_PREFIX text in front of the level */
  leading: string;
  /** the level word lost its first letters */
  damaged: boolean;
  /** the record's message (one space after `]` removed; indentation of traceback lines kept) */
  message: string;
}

const LEVELS: Record<string, VllmLevel> = { DEBUG: "DEBUG", INFO: "INFO", WARNING: "WARNING", WARN: "WARNING", ERROR: "ERROR", CRITICAL: "CRITICAL" };

const FAST = /^(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) (\d\d-\d\d) (\d\d:\d\d:\d\d)(?:[.,]\d+)? (\[?)([^\s\[\]]{1,200}?):(\d+)\]/;

/** The hot path: a prefix at the very start of the text, no damage. */
export function fastHead(text: string): VllmHead | null {
  const c = text.charCodeAt(0);
  // D I W E C
  if (c !== 73 && c !== 87 && c !== 69 && c !== 68 && c !== 67) return null;
  const m = FAST.exec(text);
  if (!m) return null;
  return {
    level: LEVELS[m[1]],
    levelText: m[1],
    date: m[2],
    time: m[3],
    file: m[5],
    line: Number(m[6]),
    bracket: m[4] === "[",
    leading: "",
    damaged: false,
    message: messageAfter(text, m[0].length),
  };
}

function messageAfter(text: string, end: number): string {
  return text.charCodeAt(end) === 32 ? text.slice(end + 1) : text.slice(end);
}

// ---------------------------------------------------------------- prefix grammar (chevrotain)

const LEVEL_WORDS = ["DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"];
function startsWithLevel(text: string, i: number): boolean {
  for (const w of LEVEL_WORDS) if (text.startsWith(w, i)) return true;
  return false;
}
const PWS = createToken({ name: "PWS", pattern: /[ \t]+/, group: Lexer.SKIPPED });
const Time = createToken({ name: "Time", pattern: /\d\d:\d\d:\d\d(?:[.,]\d+)?/ });
const MonthDay = createToken({ name: "MonthDay", pattern: /\d\d-\d\d(?![\d-])/ });
const FileLoc = createToken({ name: "FileLoc", pattern: /[^\s\[\]:]{1,200}:\d+(?=\])/ });
const PLBracket = createToken({ name: "PLBracket", pattern: /\[/ });
const PRBracket = createToken({ name: "PRBracket", pattern: /\]/ });
const Level = createToken({ name: "Level", pattern: /(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)(?=[ \t])/ });
// what is left of a level word whose first letters were lost (only accepted at the very start of a record)
const FRAGMENTS: Record<string, VllmLevel> = {
  EBUG: "DEBUG", BUG: "DEBUG", UG: "DEBUG",
  NFO: "INFO", FO: "INFO", O: "INFO",
  ARNING: "WARNING", RNING: "WARNING", NING: "WARNING", ING: "WARNING", NG: "WARNING", ARN: "WARNING", RN: "WARNING",
  RROR: "ERROR", ROR: "ERROR", OR: "ERROR", R: "ERROR",
  RITICAL: "CRITICAL", ITICAL: "CRITICAL", TICAL: "CRITICAL", ICAL: "CRITICAL", CAL: "CRITICAL", AL: "CRITICAL",
};
const LevelFragment = createToken({
  name: "LevelFragment",
  pattern: new RegExp(`(?:${Object.keys(FRAGMENTS).sort((a, b) => b.length - a.length).join("|")})(?=[ \\t]\\d\\d-\\d\\d )`),
});
// prefix text: anything up to whitespace or the start of a level word (VLLM_LOGGING_PREFIX has no separator)
const LeadText = createToken({
  name: "LeadText",
  pattern: {
    exec(text: string, offset: number): RegExpExecArray | null {
      let i = offset;
      while (i < text.length) {
        const ch = text.charCodeAt(i);
        if (ch === 32 || ch === 9 || ch === 91 || ch === 93) break;
        if (i > offset && startsWithLevel(text, i)) break;
        i++;
      }
      if (i === offset) return null;
      const r = [text.slice(offset, i)] as unknown as RegExpExecArray;
      return r;
    },
  },
  line_breaks: false,
});

const prefixTokens: TokenType[] = [PWS, Time, MonthDay, FileLoc, PLBracket, PRBracket, Level, LevelFragment, LeadText];
const prefixLexer = once(() => new Lexer(prefixTokens, LEXER_OPTIONS));

interface HeadParts {
  leading: string;
  levelText: string;
  fragment: boolean;
  date: string;
  time: string;
  bracket: boolean;
  fileLoc: string;
}

class PrefixParser extends EmbeddedActionsParser {
  constructor() {
    super(prefixTokens, PARSER_OPTIONS);
    this.performSelfAnalysis();
  }

  head = this.RULE("head", (): HeadParts => {
    const lead: string[] = [];
    this.MANY(() => {
      const t = this.OR([
        { ALT: () => this.CONSUME(LeadText) },
        { ALT: () => this.CONSUME(PLBracket) },
        { ALT: () => this.CONSUME(PRBracket) },
      ]);
      this.ACTION(() => lead.push(t.image));
    });
    let fragment = false;
    const level = this.OR2([
      { ALT: () => this.CONSUME(Level) },
      {
        ALT: () => {
          const t = this.CONSUME(LevelFragment);
          this.ACTION(() => (fragment = true));
          return t;
        },
      },
    ]);
    const date = this.CONSUME(MonthDay).image;
    const time = this.CONSUME(Time).image;
    let bracket = false;
    this.OPTION(() => {
      this.CONSUME2(PLBracket);
      bracket = true;
    });
    const fileLoc = this.CONSUME(FileLoc).image;
    this.CONSUME2(PRBracket);
    return { leading: lead.join(""), levelText: level.image, fragment, date, time, bracket, fileLoc };
  });
}

// built on first use: most logs never need it (the fast path reads their prefixes)
const prefixParser = once(() => new PrefixParser());
const HEAD_END = /:\d+\]/;
const HAS_STAMP = /\d\d-\d\d \d\d:\d\d:\d\d/;

/**
 * Reads a vLLM record prefix anywhere near the start of `text`, in every shape vLLM and pastes produce.
 * Returns null when the text is not a vLLM record.
 */
export function parseHead(text: string): VllmHead | null {
  const fast = fastHead(text);
  if (fast) return fast;
  const m = HEAD_END.exec(text);
  if (!m || m.index > 240) return null;
  const end = m.index + m[0].length;
  const head = text.slice(0, end);
  if (!HAS_STAMP.test(head)) return null;
  const lexed = prefixLexer().tokenize(head);
  if (lexed.errors.length) return null;
  const parser = prefixParser();
  parser.input = lexed.tokens;
  const p = parser.head();
  if (parser.errors.length || !p) return null;
  // a cut level word is only believable at the very start of the record
  if (p.fragment && p.leading) return null;
  const level = p.fragment ? FRAGMENTS[p.levelText] : LEVELS[p.levelText];
  if (!level) return null;
  const colon = p.fileLoc.lastIndexOf(":");
  // leading text must end right before the level (VLLM_LOGGING_PREFIX) or with a space
  return {
    level,
    levelText: p.levelText,
    date: p.date,
    time: p.time,
    file: p.fileLoc.slice(0, colon),
    line: Number(p.fileLoc.slice(colon + 1)),
    bracket: p.bracket,
    leading: leadingText(text, p.levelText, p.date),
    damaged: p.fragment,
    message: messageAfter(text, end),
  };
}

function leadingText(text: string, level: string, date: string): string {
  const i = text.indexOf(`${level} ${date}`);
  return i > 0 ? text.slice(0, i) : "";
}

/** Cheap test: may `text` hold a vLLM record prefix somewhere near its start (for `parseHead`)? */
export function mayHaveHead(text: string): boolean {
  if (text.length < 20) return false;
  const i = text.indexOf(":");
  if (i < 0 || i > 240) return false;
  return HAS_STAMP.test(text.length > 260 ? text.slice(0, 260) : text);
}

// ---------------------------------------------------------------- config dumps (chevrotain)

const CWS = createToken({ name: "CWS", pattern: /\s+/, group: Lexer.SKIPPED });
const SqStr = createToken({ name: "SqStr", pattern: /'(?:[^'\\]|\\.)*'/ });
const DqStr = createToken({ name: "DqStr", pattern: /"(?:[^"\\]|\\.)*"/ });
const Num = createToken({ name: "Num", pattern: /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![\w.\/-])/ });
const Ident = createToken({ name: "Ident", pattern: /[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?![\w\/.~-])/ });
const Eq = createToken({ name: "Eq", pattern: /=/ });
const Colon = createToken({ name: "Colon", pattern: /:/ });
const Comma = createToken({ name: "Comma", pattern: /,/ });
const LParen = createToken({ name: "LParen", pattern: /\(/ });
const RParen = createToken({ name: "RParen", pattern: /\)/ });
const LBrack = createToken({ name: "LBrack", pattern: /\[/ });
const RBrack = createToken({ name: "RBrack", pattern: /\]/ });
const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
const RBrace = createToken({ name: "RBrace", pattern: /\}/ });
// unquoted text: paths, `google/gemma-2-27b-it`, `cuda:1` pieces, `<...>` reprs
const Bare = createToken({ name: "Bare", pattern: /[^\s'",=:()\[\]{}]+/ });

const dumpTokens: TokenType[] = [CWS, SqStr, DqStr, Num, Ident, Eq, Colon, Comma, LParen, RParen, LBrack, RBrack, LBrace, RBrace, Bare];
const dumpLexer = once(() => new Lexer(dumpTokens, LEXER_OPTIONS));
const OPENERS: ReadonlySet<TokenType> = new Set([LParen, LBrack, LBrace]);
const CLOSERS: ReadonlySet<TokenType> = new Set([RParen, RBrack, RBrace]);

export type DumpValue = string | number | boolean | null;

interface RawValue {
  tokens: IToken[];
  /** the value ends in a closing bracket or quote, so it cannot have been cut */
  closed: boolean;
}

class DumpParser extends EmbeddedActionsParser {
  /** pairs read so far; a pair is committed once what follows it proves it complete */
  pairs: [string, RawValue][] = [];
  private pending: [string, RawValue] | null = null;

  constructor() {
    super(dumpTokens, { ...PARSER_OPTIONS, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  override reset(): void {
    super.reset();
    this.pairs = [];
    this.pending = null;
  }

  private commit(): void {
    if (this.pending) this.pairs.push(this.pending);
    this.pending = null;
  }

  /** `key=value, key=value` (banner) — also the inside of `Namespace(...)` */
  kwargs = this.RULE("kwargs", (): void => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.kwPair) },
        {
          ALT: () => {
            this.CONSUME(Comma);
            this.ACTION(() => this.commit());
          },
        },
      ]);
    });
  });

  kwPair = this.RULE("kwPair", (): void => {
    const key = this.CONSUME(Ident).image;
    this.CONSUME(Eq);
    const v = this.SUBRULE(this.value);
    this.ACTION(() => {
      this.commit();
      this.pending = [key, v];
    });
  });

  namespace = this.RULE("namespace", (): void => {
    this.CONSUME(Ident);
    this.CONSUME(LParen);
    this.SUBRULE(this.kwargs);
    this.CONSUME(RParen);
    this.ACTION(() => this.commit());
  });

  dict = this.RULE("dict", (): void => {
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.dictPair) },
        {
          ALT: () => {
            this.CONSUME(Comma);
            this.ACTION(() => this.commit());
          },
        },
      ]);
    });
    this.CONSUME(RBrace);
    this.ACTION(() => this.commit());
  });

  dictPair = this.RULE("dictPair", (): void => {
    const k = this.OR([{ ALT: () => this.CONSUME(SqStr) }, { ALT: () => this.CONSUME(DqStr) }]);
    this.CONSUME(Colon);
    const v = this.SUBRULE(this.value);
    this.ACTION(() => {
      this.commit();
      this.pending = [unquote(k.image), v];
    });
  });

  /** one string, number, word or colon: what a value is made of, inside a group or not */
  atom = this.RULE("atom", (): IToken =>
    this.OR([
      { ALT: () => this.CONSUME(SqStr) },
      { ALT: () => this.CONSUME(DqStr) },
      { ALT: () => this.CONSUME(Num) },
      { ALT: () => this.CONSUME(Ident) },
      { ALT: () => this.CONSUME(Bare) },
      { ALT: () => this.CONSUME(Colon) },
    ]),
  );

  /** a run of atoms and bracketed groups, up to a comma or closer at this depth */
  value = this.RULE("value", (): RawValue => {
    const tokens: IToken[] = [];
    let closed = false;
    this.AT_LEAST_ONE(() => {
      this.OR([
        {
          ALT: () => {
            const t = this.SUBRULE(this.atom);
            this.ACTION(() => {
              tokens.push(t);
              closed = t.tokenType === SqStr || t.tokenType === DqStr;
            });
          },
        },
        {
          ALT: () => {
            const g = this.SUBRULE(this.group);
            this.ACTION(() => {
              tokens.push(...g);
              closed = true;
            });
          },
        },
      ]);
    });
    return { tokens, closed };
  });

  /** a balanced ( ) [ ] { } group with anything inside */
  group = this.RULE("group", (): IToken[] => {
    const out: IToken[] = [];
    const open = this.OR([{ ALT: () => this.CONSUME(LParen) }, { ALT: () => this.CONSUME(LBrack) }, { ALT: () => this.CONSUME(LBrace) }]);
    this.ACTION(() => out.push(open));
    this.MANY(() => {
      this.OR2([
        {
          ALT: () => {
            const g = this.SUBRULE(this.group);
            this.ACTION(() => out.push(...g));
          },
        },
        {
          ALT: () => {
            const t = this.OR3([{ ALT: () => this.SUBRULE(this.atom) }, { ALT: () => this.CONSUME(Comma) }, { ALT: () => this.CONSUME(Eq) }]);
            this.ACTION(() => out.push(t));
          },
        },
      ]);
    });
    const close = this.OR4([{ ALT: () => this.CONSUME(RParen) }, { ALT: () => this.CONSUME(RBrack) }, { ALT: () => this.CONSUME(RBrace) }]);
    this.ACTION(() => out.push(close));
    return out;
  });
}

const getDumpParser = once(() => new DumpParser());

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, "$1");
}

function toValue(text: string, v: RawValue): DumpValue {
  const t = v.tokens;
  if (t.length === 1) {
    const tok = t[0];
    if (tok.tokenType === SqStr || tok.tokenType === DqStr) return unquote(tok.image);
    if (tok.tokenType === Num) return Number(tok.image);
    if (tok.tokenType === Ident) {
      if (tok.image === "None") return null;
      if (tok.image === "True") return true;
      if (tok.image === "False") return false;
      return tok.image;
    }
  }
  const last = t[t.length - 1];
  return text.slice(t[0].startOffset, last.startOffset + last.image.length);
}

export type DumpKind = "banner" | "dict" | "namespace";

/**
 * Reads a config dump into its complete `key -> value` pairs. `banner`: the text after `with config: `;
 * `dict`: `{'k': v, ...}`; `namespace`: `Namespace(k=v, ...)`. Strings are unquoted, `None` is null,
 * `True`/`False` are booleans, numbers are numbers, anything compound is its source text.
 * A value cut by the end of the text (or by a lexing problem) is left out, and so is everything after it.
 * `complete`: the caller knows the banner text was not cut, so its last unquoted value counts too.
 * A dump nested deeper than `MAX_NESTING` (grammars/chevrotain.ts) yields nothing: the nested-group rule
 * recurses, so it is never run on one; the line reader counts it and says so in a notice.
 */
export function parseConfigDump(text: string, kind: DumpKind, complete = false): Map<string, DumpValue> {
  const out = new Map<string, DumpValue>();
  const lexed = dumpLexer().tokenize(text);
  let tokens = lexed.tokens;
  if (lexed.errors.length) {
    const cut = lexed.errors[0].offset;
    tokens = tokens.filter((t) => t.startOffset < cut);
  }
  if (tokens.length === 0) return out;
  if (tooDeep(tokens, OPENERS, CLOSERS)) return out;
  const dumpParser = getDumpParser();
  dumpParser.reset();
  dumpParser.input = tokens;
  if (kind === "dict") dumpParser.dict();
  else if (kind === "namespace") dumpParser.namespace();
  else {
    dumpParser.kwargs();
    // a banner ends without a closer: its last pair is complete only if its value closed itself
    const last = (dumpParser as unknown as { pending: [string, RawValue] | null }).pending;
    if (last && (last[1].closed || complete) && !lexed.errors.length && !dumpParser.errors.length) dumpParser.pairs.push(last);
  }
  for (const [k, v] of dumpParser.pairs) if (!out.has(k)) out.set(k, toValue(text, v));
  return out;
}

// ---------------------------------------------------------------- pasted command lines

const CMD_START = /(?:^|[\s\/])(?:vllm serve|vllm\.entrypoints\.[\w.]+|vllm\.entrypoints\/[\w\/]+\.py)\b|\s--model[\s=]/;

/** Does `text` hold a `vllm serve ...` / `python -m vllm.entrypoints...` / `... --model X` command? */
export function isCommandLine(text: string): boolean {
  return CMD_START.test(text);
}

/**
 * Reads the flags of a pasted vLLM command line: `--tensor-parallel-size 4`, `--max-num-seqs=32`, bare
 * boolean flags (`--enforce-eager` -> true), `vllm serve MODEL`'s positional model (as `model`) and the
 * short forms `-tp`/`-pp`/`-dp`. Keys come back with `_` for `-`. Shell variables (`$MODEL`) are left out.
 */
export function parseCommandLine(text: string): Map<string, string | true> {
  const out = new Map<string, string | true>();
  const m = CMD_START.exec(text);
  if (!m) return out;
  const words = text.slice(m.index).match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const unq = (w: string) => (/^(['"]).*\1$/.test(w) ? w.slice(1, -1) : w);
  let i = 0;
  const serve = words.findIndex((w, k) => w === "serve" && words[k - 1]?.endsWith("vllm"));
  if (serve >= 0) {
    i = serve + 1;
    const model = words[i];
    if (model && !model.startsWith("-")) {
      if (!model.includes("$")) out.set("model", unq(model));
      i++;
    }
  }
  const SHORT: Record<string, string> = { "-tp": "tensor_parallel_size", "-pp": "pipeline_parallel_size", "-dp": "data_parallel_size" };
  for (; i < words.length; i++) {
    const w = words[i];
    let key: string | undefined;
    let val: string | true | undefined;
    if (w.startsWith("--") && w.length > 2) {
      const eq = w.indexOf("=");
      key = (eq > 0 ? w.slice(2, eq) : w.slice(2)).replace(/-/g, "_");
      if (eq > 0) val = unq(w.slice(eq + 1));
    } else if (SHORT[w]) key = SHORT[w];
    if (!key) continue;
    if (val === undefined) {
      const next = words[i + 1];
      if (next !== undefined && !next.startsWith("-")) {
        val = unq(next);
        i++;
      } else val = true;
    }
    if (typeof val === "string" && val.includes("$")) continue;
    if (!out.has(key)) out.set(key, val);
  }
  return out;
}
