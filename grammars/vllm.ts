import { tooDeep, createToken, EmbeddedActionsParser, Lexer, LEXER_OPTIONS, PARSER_OPTIONS, once, type IToken, type TokenType } from "./chevrotain.js";

/**
 * vLLM's own record syntax, for every release from 0.4 to today:
 *  - the logger prefix `LEVEL MM-DD HH:MM:SS file.py:LINE] msg` (≤0.7) and `... [file.py:LINE] msg` (≥0.8),
 *    and a date format of one's own without the seconds (`MM-DD HH:MM`),
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

// (NVIDIA NIM's own formatter writes the year and milliseconds: `INFO 2025-01-24 21:14:50.213 metrics.py:351] ...`)
// (a logging config of one's own (VLLM_LOGGING_CONFIG_PATH) may give vLLM's formatter a date format without seconds:
// `ERROR 02-13 18:05 [multiproc_executor.py:852] ...`)
const FAST = /^(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) (?:\d{4}-)?(\d\d-\d\d) (\d\d:\d\d(?::\d\d)?)(?:[.,]\d+)? (\[?)([^\s\[\]]{1,200}?):(\d+)\]/;

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
const Time = createToken({ name: "Time", pattern: /\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?![\d:])/ });
const MonthDay = createToken({ name: "MonthDay", pattern: /\d\d-\d\d(?![\d-])/ });
// the year in front of the month and day (NIM's formatter, a wrapper's ISO date before the level)
const Year = createToken({ name: "Year", pattern: /\d{4}-(?=\d\d-\d\d(?![\d-]))/ });
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

const prefixTokens: TokenType[] = [PWS, Time, Year, MonthDay, FileLoc, PLBracket, PRBracket, Level, LevelFragment, LeadText];
const prefixLexer = once(() => new Lexer(prefixTokens, LEXER_OPTIONS));

interface HeadParts {
  leading: string;
  levelText: string;
  fragment: boolean;
  /** `2025-` before the month and day, or "" */
  year: string;
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
      // a wrapper's own clock (`07:29:02 [INFO] [job] ...`) may be part of the text before the level
      const t = this.OR([
        { ALT: () => this.CONSUME(LeadText) },
        { ALT: () => this.CONSUME(PLBracket) },
        { ALT: () => this.CONSUME(PRBracket) },
        { ALT: () => this.CONSUME2(Time) },
        { ALT: () => this.CONSUME2(MonthDay) },
        { ALT: () => this.CONSUME2(Year) },
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
    let year = "";
    this.OPTION2(() => {
      year = this.CONSUME(Year).image;
    });
    const date = this.CONSUME(MonthDay).image;
    const time = this.CONSUME(Time).image;
    let bracket = false;
    this.OPTION(() => {
      this.CONSUME2(PLBracket);
      bracket = true;
    });
    const fileLoc = this.CONSUME(FileLoc).image;
    this.CONSUME2(PRBracket);
    return { leading: lead.join(""), levelText: level.image, fragment, year, date, time, bracket, fileLoc };
  });
}

// built on first use: most logs never need it (the fast path reads their prefixes)
const prefixParser = once(() => new PrefixParser());
const HEAD_END = /:\d+\]/;
const HAS_STAMP = /\d\d-\d\d \d\d:\d\d(?![\d.,])/;

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
    leading: leadingText(text, p.levelText, p.year + p.date),
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
// a string whose quotes a markdown renderer made typographic (`model=‘meta-llama/Llama-3.2-3B-Instruct’`);
// a lone or same-facing pair (`[‘‘]`) is left to `Bare`
const CurlyStr = createToken({ name: "CurlyStr", pattern: /[\u2018\u201c][^\u2018\u2019\u201c\u201d\n\[\](){},=]*[\u2019\u201d]/ }); // ‘“ … ’”
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
// an ellipsis standing for items a paste left out (`model='m', ..., max_seq_len=4096`, `{'model': 'm', ...}`): skipped
// between pairs; inside a value it is a word like any other (`[1, 2, ..., 512]`)
const Elision = createToken({ name: "Elision", pattern: /(?:\.\.\.|\u2026)(?![^\s,)\]}])/ });
// unquoted text: paths, `google/gemma-2-27b-it`, `cuda:1` pieces, `<...>` reprs
const Bare = createToken({ name: "Bare", pattern: /[^\s'",=:()\[\]{}]+/ });

const dumpTokens: TokenType[] = [CWS, SqStr, DqStr, CurlyStr, Num, Ident, Eq, Colon, Comma, LParen, RParen, LBrack, RBrack, LBrace, RBrace, Elision, Bare];
const QUOTED: ReadonlySet<TokenType> = new Set([SqStr, DqStr, CurlyStr]);
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
        { ALT: () => this.CONSUME(Elision) },
      ]);
    });
  });

  kwPair = this.RULE("kwPair", (): void => {
    const key = this.CONSUME(Ident).image;
    this.CONSUME(Eq);
    // `middleware=,`: a paste whose markdown ate an empty `[]` leaves no value; the pairs after it still count
    const v = this.OPTION(() => this.SUBRULE(this.value)) ?? { tokens: [], closed: false };
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
        { ALT: () => this.CONSUME(Elision) },
      ]);
    });
    this.CONSUME(RBrace);
    this.ACTION(() => this.commit());
  });

  dictPair = this.RULE("dictPair", (): void => {
    const k = this.OR([{ ALT: () => this.CONSUME(SqStr) }, { ALT: () => this.CONSUME(DqStr) }, { ALT: () => this.CONSUME(CurlyStr) }]);
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
      { ALT: () => this.CONSUME(CurlyStr) },
      { ALT: () => this.CONSUME(Num) },
      { ALT: () => this.CONSUME(Ident) },
      { ALT: () => this.CONSUME(Bare) },
      { ALT: () => this.CONSUME(Colon) },
      { ALT: () => this.CONSUME(Elision) },
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
              closed = QUOTED.has(t.tokenType);
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
  if (t.length === 0) return "";
  if (t.length === 1) {
    const tok = t[0];
    if (tok.tokenType === SqStr || tok.tokenType === DqStr) return unquote(tok.image);
    if (tok.tokenType === CurlyStr) return tok.image.slice(1, -1);
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

// `vllm serve`, a wrapper's echo of it (`Run vllm with arguments: serve ...`), `python -m vllm.entrypoints...`, `--model X`,
// KServe's `python -m huggingfaceserver` (its vLLM backend takes vLLM's engine flags), FastChat's vLLM worker
// (`python -m fastchat.serve.vllm_worker`: vLLM's engine flags plus its own, see FASTCHAT_KEYS)
// (also right after a Windows cmd prompt, `C:\Users\me>vllm serve m`, and a notebook's shell escape, `!vllm serve m`)
const CMD_START = /(?:^|[\s\/"'=`\[>!])(?:vllm(?: with arguments:)? serve|vllm\.entrypoints\.[\w.]+|vllm\.entrypoints\/[\w\/]+\.py|-m huggingfaceserver(?!.*\s--backend[= ]huggingface)|fastchat(?:\.serve\.vllm_worker|\/serve\/vllm_worker\.py))\b|\s--model[\s=]/;
const FASTCHAT_WORKER = /fastchat[.\/]serve[.\/]vllm_worker/;
/**
 * FastChat's vllm_worker adds its own flags to vLLM's engine arguments (fastchat/serve/vllm_worker.py): `--model-path`
 * becomes vLLM's model, and `--num-gpus N` above 1 becomes the tensor parallel size (over `--tensor-parallel-size`).
 */
const FASTCHAT_KEYS: Record<string, string> = { model_path: "model" };
// `docker run ...`, `podman run ...`, `nerdctl run ...` (also `docker container run`, `create`)
const CONTAINER_START = /(?:^|[\s;&|(])(?:docker|podman|nerdctl)\s+(?:container\s+)?(?:run|create)\s/;
// shell assignments in front of a command: `NCCL_P2P_DISABLE=1 CUDA_VISIBLE_DEVICES=0,1 vllm serve ...`
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
// the words between a command's environment and the command itself: `env`, `sudo -E`, `nohup`, the interpreter and its
// options (`python3 -u -m vllm.entrypoints...`), a script (`python run.py --model m`)
const LAUNCHER_WORD = /^(?:env|sudo|-E|nohup|exec|(?:\S*\/)?python[\d.]*|-[muOB]|\S+\.py)$/;
/** `LLM(model=..., tensor_parallel_size=...)` and the engine-args classes: keyword calls in a pasted script */
const CALL_START = /(?:^|[\s=(.,])(?:LLM|AsyncEngineArgs|EngineArgs)\(/;

// another engine's launcher, whose `--model X --tp 8` are not vLLM's
const OTHER_ENGINE = /\bsglang\b|\blmdeploy\b|text-generation-launcher|\btrtllm-serve\b|\btensorrt_llm\b|\bllama-server\b|\bollama\b/;

/**
 * lm-evaluation-harness (`lm_eval --model vllm --model_args pretrained=M,tensor_parallel_size=2,...`, also `lm-eval`,
 * `python -m lm_eval`): its `--model` names the backend, and `--model_args` holds what it passes to vLLM's `LLM(...)`.
 */
const LM_EVAL = /(?:^|[\s\/"'`])lm[_-]eval(?=\s)/;

/**
 * lm-evaluation-harness's model arguments as vLLM config keys (`--model_args a=1,b=x`; the harness splits at commas and
 * the first `=`): `pretrained` is the model; `data_parallel_size` is the harness's own count of vLLM replicas (each its
 * own `LLM`), not vLLM's data parallelism, so it is left out.
 */
export function harnessModelArgs(pairs: Iterable<[string, DumpValue]>): Map<string, DumpValue> {
  const out = new Map<string, DumpValue>();
  for (const [k, v] of pairs) {
    if (k === "data_parallel_size") continue;
    out.set(k === "pretrained" ? "model" : k, v);
  }
  return out;
}

function modelArgsList(s: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of unq(s).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.push([part.slice(0, eq).trim(), unq(part.slice(eq + 1).trim())]);
  }
  return out;
}

/** Does `text` hold a `vllm serve ...` / `python -m vllm.entrypoints...` / `... --model X` command? */
export function isCommandLine(text: string): boolean {
  if (!CMD_START.test(text) && !CONTAINER_START.test(text) && !LM_EVAL.test(text)) return false;
  // `--model` alone does not make a vLLM command when another engine is named and vLLM is not
  return !(OTHER_ENGINE.test(text) && !/vllm/i.test(text));
}

/** Where a continued (`\`) launch command is: container flags before the image, or the vLLM arguments. */
export interface LaunchState {
  /** `other`: the rest of another program's command (only continuation lines to skip); `lmeval`: lm-evaluation-harness's */
  phase: "container" | "vllm" | "other" | "lmeval";
  /** the next positional word is the model (`vllm serve MODEL`, the vllm-openai image's arguments) */
  modelNext: boolean;
  /**
   * `vllm serve`'s positional model is still unset: argparse takes it wherever it stands, also after the flags
   * (`vllm serve --trust-remote-code -tp 2 /models/qwen`)
   */
  modelOpen?: boolean;
  /** the words that follow are more values of a flag that takes several (`--served-model-name a b`, `--lora-modules`) */
  multi?: boolean;
  /** FastChat's vllm_worker: its own flags name vLLM's settings (FASTCHAT_KEYS) */
  fastchat?: boolean;
  /** keys set by a statement no later flag overrides (`vllm serve`'s positional model, FastChat's `--num-gpus`) */
  fixed?: string[];
  /**
   * the quote the command opened in and has not closed yet (`bash -c "vllm serve m \`, markdown's inline code
   * `` `vllm serve m \ ``): the line that closes it ends the command there
   */
  quote?: string;
}

export interface LaunchLine {
  /** vLLM flags, keys with `_` for `-` (`tensor_parallel_size`), `model` for the positional model */
  flags: Map<string, string | true>;
  /** environment the command sets: shell assignments before it, container `-e NAME=value` / `--env` */
  env: Map<string, string>;
  /** the line ends with a backslash: how the next line continues the command */
  cont: LaunchState | null;
  /** the keys no later flag of this command overrides (LaunchState.fixed), so far */
  fixed?: string[];
}

// short forms of vLLM's flags (and the `--tp`-style shorthands users write)
const SHORT: Record<string, string> = {
  "-tp": "tensor_parallel_size", "--tp": "tensor_parallel_size", "-pp": "pipeline_parallel_size", "--pp": "pipeline_parallel_size",
  "-dp": "data_parallel_size", "--dp": "data_parallel_size", "-ep": "enable_expert_parallel", "-q": "quantization",
  // the data-parallel flags' own short forms (vllm/engine/arg_utils.py)
  "-dpl": "data_parallel_size_local", "-dpr": "data_parallel_start_rank", "-dpa": "data_parallel_address", "-dpp": "data_parallel_rpc_port",
  "-dpn": "data_parallel_rank", "-dpb": "data_parallel_backend",
};
// container-runtime flags that take a value (the next word when not written `--flag=value`)
const CONTAINER_VALUED = new Set([
  "-e", "--env", "-v", "--volume", "-p", "--publish", "--name", "--network", "--net", "--ipc", "--gpus", "--shm-size", "--runtime",
  "--device", "-w", "--workdir", "--entrypoint", "--env-file", "--mount", "--ulimit", "--cap-add", "--cap-drop", "--security-opt",
  "-u", "--user", "--platform", "--label", "-l", "--hostname", "-h", "--pull", "--restart", "--memory", "-m", "--cpus", "--log-driver",
  "--log-opt", "--add-host", "--dns", "--group-add", "--pid", "--uts", "--cgroupns", "--tmpfs", "--health-cmd", "--stop-signal",
]);

/**
 * vLLM's flags that take no value (argparse `store_true` or BooleanOptionalAction, with `--no-` forms; some ≤0.9 ones
 * a `True`/`False` after them): the word after one is the next argument, not its value (`--trust-remote-code /models/m`)
 */
const BOOLEAN_FLAGS = new Set([
  "trust_remote_code", "enforce_eager", "enable_prefix_caching", "enable_chunked_prefill", "enable_lora", "enable_lora_bias",
  "enable_expert_parallel", "enable_auto_tool_choice", "enable_reasoning", "disable_custom_all_reduce", "disable_log_requests",
  "disable_log_stats", "enable_log_requests", "disable_sliding_window", "skip_tokenizer_init", "use_v2_block_manager",
  "disable_frontend_multiprocessing", "enable_sleep_mode", "async_scheduling", "headless", "enable_prompt_tokens_details",
  "disable_fastapi_docs", "enable_request_id_headers", "disable_uvicorn_access_log", "enable_server_load_tracking",
  "enable_force_include_usage", "enable_tokenizer_info_endpoint", "return_tokens_as_token_ids", "enable_ssl_refresh",
  "allow_credentials", "fully_sharded_loras", "ray_workers_use_nsight", "disable_async_output_proc", "enable_eplb", "enable_dbo",
  "calculate_kv_scales", "disable_mm_preprocessor_cache", "disable_cascade_attn", "enable_return_routed_experts",
  "disable_hybrid_kv_cache_manager", "disable_chunked_mm_input", "enable_mfu_metrics", "multi_step_stream_outputs",
]);
const BOOLEAN_LITERAL = /^(?:true|false|True|False|TRUE|FALSE|1|0|yes|no)$/;
// flags that take several words (argparse nargs="+")
const MULTI_VALUED = new Set(["served_model_name", "lora_modules", "prompt_adapters", "middleware", "allowed_origins", "allowed_methods", "allowed_headers", "api_key", "cuda_graph_sizes"]);
// a positional word after the flags that names a model: a path or `org/name`, or a name with a version in it (`gpt2`,
// `opt-125m`), not a word of prose around a quoted command
const LATE_MODEL = /^['"]?(?:[^\s'"]*[\/\\][^\s'"]*|[A-Za-z][\w.]*[-_.\d][\w.\-]*)['"]?$/;
// where a shell command line ends: a redirection, pipe, background or list operator, a comment
const SHELL_END = /^(?:\d?>>?\S*|&>\S*|\|\|?|&&?|;|#.*)$/;

/** a line-continuation word at a command line's end: POSIX shells' `\`, cmd.exe's `^`, PowerShell's backtick */
const CONTINUATION = new Set(["\\", "^", "`"]);
// a shell word: a quoted part and the parts stuck to it after its closing quote are one word, as the shell joins them
// (`-v "${HOME}"/.cache:/root/.cache` is `-v` and one path); a word not opening with a quote runs to the next space
const SHELL_WORD = /(?:'[^']*'|"[^"]*")(?:'[^']*'|"[^"]*"|[^\s'",;|&<>()[\]{}]+)*|\S+/g;
function words(text: string): string[] {
  // a word opening with a backslash: the shell's escape of its next character (`\-` is `-`), as a command continued
  // with `\` reads once an editor joined its lines (`--name c \--ipc=host \--model /m`, a blog's or forum's paste)
  return (text.match(SHELL_WORD) ?? []).map((w) => (w.length > 1 && w[0] === "\\" && w[1] !== "\\" ? w.slice(1) : w));
}
function unq(w: string): string {
  return /^(['"]).*\1$/s.test(w) ? w.slice(1, -1) : w;
}
/** `NAME="a b"` -> [NAME, a b] */
function assignment(w: string): [string, string] | null {
  const m = ASSIGNMENT.exec(w);
  return m ? [m[1], unq(m[2])] : null;
}

/** The words of an lm-evaluation-harness command (line): `--model_args` read when the backend is vLLM. */
function lmEvalWords(ws: string[], out: LaunchLine): LaunchLine {
  const continued = ws.length > 0 && ws[ws.length - 1].endsWith("\\");
  if (ws.length && ws[ws.length - 1] === "\\") ws = ws.slice(0, -1);
  let flags = new Map<string, string | true>();
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    const eq = w.indexOf("=");
    const name = w.startsWith("--") && eq > 0 ? w.slice(0, eq) : w;
    const val = name !== w ? w.slice(eq + 1) : ws[i + 1];
    if (name === "--model" && val !== undefined) {
      // another backend (`hf`, `sglang`, `local-completions`): none of its arguments are vLLM's
      if (!/^['"]?vllm/.test(val)) return { ...out, flags: new Map(), cont: continued ? { phase: "other", modelNext: false } : null };
    } else if (name === "--model_args" && val !== undefined) {
      // (given twice, argparse keeps the last string whole; in one, the harness's dict keeps a key's last value)
      flags = new Map();
      for (const [k, v] of harnessModelArgs(modelArgsList(val.replace(/\\$/, "")))) if (typeof v === "string" && !v.includes("$")) flags.set(k, v);
    } else continue;
    if (name === w) i++;
  }
  for (const [k, v] of flags) if (!out.flags.has(k)) out.flags.set(k, v);
  out.cont = continued ? { phase: "lmeval", modelNext: false } : null;
  return out;
}

/**
 * Reads one line of a pasted launch command: `vllm serve MODEL --flags`, a wrapper's `Run vllm with arguments: serve ...`,
 * `python -m vllm.entrypoints.openai.api_server --model X -tp 2`, `docker run ... -e NAME=value IMAGE [args]`
 * (`podman`, `nerdctl` alike), with the shell's `NAME=value` assignments in front. Flags: `--flag value`, `--flag=value`,
 * bare booleans (`--enforce-eager` -> true) and the short forms `-tp -pp -dp -ep -q` (and `--tp`). `cont` continues a
 * command whose previous line ended with a backslash. Shell variables (`$MODEL`) are left out.
 */
export function parseLaunch(text: string, cont: LaunchState | null = null): LaunchLine {
  const out: LaunchLine = { flags: new Map(), env: new Map(), cont: null };
  let state: LaunchState;
  let ws: string[];
  // the command's quote closed on this line: the command ends there, whatever the line's end
  let closed = false;
  if (cont) {
    state = { ...cont };
    const t = text.trimEnd();
    if (state.quote) {
      const at = closingQuote(text, state.quote);
      if (at >= 0) {
        text = text.slice(0, at);
        closed = true;
        delete state.quote;
      }
    } else if (t.length > 1 && t.indexOf("`") === t.length - 1 && /\S/.test(t[t.length - 2])) {
      // markdown's inline code closing on this line (`` `vllm serve m \ `` ... `` --gpu-memory-utilization 0.90` ``), its
      // opening backtick taken off with the line's head (src/records/peel.ts): its one backtick, stuck to the last word,
      // ends the command (PowerShell's continuation backtick is a word of its own)
      text = t.slice(0, -1);
      closed = true;
    }
    ws = words(text);
    if (state.phase === "other") {
      out.cont = ws[ws.length - 1]?.endsWith("\\") || CONTINUATION.has(ws[ws.length - 1]) ? state : null;
      return out;
    }
    if (state.phase === "lmeval") return lmEvalWords(ws, out);
  } else {
    const c = CONTAINER_START.exec(text);
    const m = CMD_START.exec(text);
    const h = LM_EVAL.exec(text);
    if (h && (!m || h.index < m.index) && (!c || h.index < c.index)) return lmEvalWords(words(text.slice(h.index)), out);
    if (!c && !m) return out;
    const at = c && (!m || c.index <= m.index) ? c.index : m!.index;
    // `bash -c "NCCL_DEBUG=INFO vllm serve m -tp 2"`, `command: 'vllm serve ...'`: a quoted command ends at its quote;
    // so does one in markdown's inline-code backticks
    let start = 0;
    let end = text.length;
    let openQuote: string | undefined;
    for (const q of ['"', "'", "`"]) {
      const open = text.lastIndexOf(q, at);
      if (open < 0 || (text.slice(0, open).split(q).length - 1) % 2 !== 0) continue;
      start = open + 1;
      const close = text.indexOf(q, at + 1);
      if (close > 0) end = close;
      else openQuote = q;
      break;
    }
    // a launcher's bracketed argument list (gpustack: `arguments: [vllm serve m --max-model-len 8192 ...], ports: [...]`)
    if (text[at] === "[") {
      const close = text.indexOf("]", at);
      if (close > 0 && close < end) end = close;
    }
    // assignments right before the command (`A=1 B=2 vllm serve`, `env A=1 vllm serve`, `A=1 python -m vllm.entrypoints...`,
    // `A=1 python3 run.py --model m`), and those a shell list exported before it (`export A=1; vllm serve`, `export A=1 &&
    // python x.py`): a bare `A=1;` sets a shell variable the command does not see. The last assignment of a name counts.
    const before = words(text.slice(start, at));
    let listed: Array<[string, string]> | null = null;
    for (let k = before.length - 1; k >= 0; k--) {
      let w = before[k];
      if (w === ";" || w === "&&") {
        listed = [];
        continue;
      }
      if (w.length > 1 && w.endsWith(";")) {
        listed = [];
        w = w.slice(0, -1);
      }
      const a = assignment(w);
      if (a) {
        if (listed) listed.push(a);
        else if (!out.env.has(a[0])) out.env.set(a[0], a[1]);
      } else if (listed) {
        if (w !== "export" || !listed.length) break;
        for (const [n, v] of listed) if (!out.env.has(n)) out.env.set(n, v);
        listed = null;
      } else if (!LAUNCHER_WORD.test(w)) break;
    }
    ws = words(text.slice(text[at] === '"' || text[at] === "'" || text[at] === "[" ? at + 1 : at, end));
    if (c && c.index === at) {
      state = { phase: "container", modelNext: false };
      ws = ws.slice(ws.findIndex((w) => w === "run" || w === "create") + 1);
    } else {
      state = { phase: "vllm", modelNext: false, ...(FASTCHAT_WORKER.test(ws[0] ?? "") ? { fastchat: true } : {}) };
      const serve = ws.findIndex((w, k) => w === "serve" && k <= 4);
      if (serve >= 0) {
        ws = ws.slice(serve + 1);
        state.modelNext = true;
        state.modelOpen = true;
      }
    }
    if (openQuote) state.quote = openQuote;
  }
  const continued = ws.length > 0 && CONTINUATION.has(ws[ws.length - 1]);
  if (continued) ws = ws.slice(0, -1);
  else if (ws.length && ws[ws.length - 1].endsWith("\\")) ws[ws.length - 1] = ws[ws.length - 1].slice(0, -1);
  let i = 0;
  if (state.phase === "container") {
    for (; i < ws.length; i++) {
      const w = ws[i];
      if (w.startsWith("-")) {
        const eq = w.indexOf("=");
        const flag = eq > 0 ? w.slice(0, eq) : w;
        const val = eq > 0 ? w.slice(eq + 1) : CONTAINER_VALUED.has(flag) ? ws[++i] : undefined;
        if ((flag === "-e" || flag === "--env") && val !== undefined) {
          const a = assignment(unq(val));
          if (a) out.env.set(a[0], a[1]);
        }
        continue;
      }
      // the image; what follows is its command or, for vLLM's images (entrypoint `vllm serve`), vLLM's arguments
      const rest = ws.slice(i + 1);
      const cmd = rest.length ? CMD_START.exec(` ${rest.join(" ")}`) : null;
      if (cmd && cmd.index === 0) {
        const serve = rest.findIndex((x, k) => x === "serve" && k <= 4);
        ws = serve >= 0 ? rest.slice(serve + 1) : rest;
        state = { phase: "vllm", modelNext: serve >= 0, modelOpen: serve >= 0, ...(FASTCHAT_WORKER.test(rest[0] ?? "") ? { fastchat: true } : {}) };
      } else if (/vllm/i.test(w)) {
        ws = rest;
        state = { phase: "vllm", modelNext: true, modelOpen: true };
      } else {
        // another program's image: only its environment counts
        state = { phase: "other", modelNext: false };
        ws = [];
      }
      i = 0;
      break;
    }
    if (state.phase !== "vllm") {
      out.cont = continued ? state : null;
      return out;
    }
  }
  // argparse keeps the last of a flag given twice (`--max-model-len 4096 ... --max-model-len 8192`, also `-tp 2 ...
  // --tensor-parallel-size 4`): so does this line; a continued command's lines are ordered by the facts (src/facts/vllm.ts).
  // Two statements outrank a plain flag wherever they stand: `vllm serve`'s positional model (the serve command sets
  // `args.model` from it) and FastChat's `--num-gpus` (its worker sets the tensor parallel size from it)
  const fixed = new Set<string>(state.fixed);
  for (; i < ws.length; i++) {
    const w = ws[i];
    if (SHELL_END.test(w)) {
      // the command ends here (`> serve.log 2>&1 &`, `| tee log`): no word after it is vLLM's
      state.modelOpen = state.modelNext = state.multi = false;
      break;
    }
    if (state.modelNext || (state.modelOpen && !state.multi && LATE_MODEL.test(w))) {
      state.modelNext = false;
      if (!w.startsWith("-")) {
        state.modelOpen = false;
        // (argparse's usage line names the positional `[model_tag]`; a placeholder `<model>` is no model either)
        if (!w.includes("$") && !/^(?:python\d*(?:\.\d+)?|-m|\[[^\]\s]*\]|<[^>\s]*>)$/.test(w)) {
          out.flags.set("model", unq(w));
          fixed.add("model");
        }
        continue;
      }
    }
    if (!w.startsWith("-")) continue;
    state.multi = false;
    let key: string | undefined;
    let val: string | true | undefined;
    if (SHORT[w]) key = SHORT[w];
    // argparse takes a short form with `=` too: `-tp=2`, `-pp=2`
    else if (w.charCodeAt(1) !== 45 /* - */ && w.indexOf("=") > 1 && SHORT[w.slice(0, w.indexOf("="))]) {
      key = SHORT[w.slice(0, w.indexOf("="))];
      val = unq(w.slice(w.indexOf("=") + 1));
    } else if (w.startsWith("--") && w.length > 2) {
      const eq = w.indexOf("=");
      const name = eq > 0 ? w.slice(0, eq) : w;
      key = SHORT[name] ?? name.slice(2).replace(/-/g, "_");
      if (eq > 0) val = unq(w.slice(eq + 1));
    }
    if (!key) continue;
    if (val === undefined) {
      const next = ws[i + 1];
      const boolean = BOOLEAN_FLAGS.has(key) || key.startsWith("no_");
      if (next !== undefined && !next.startsWith("-") && !SHELL_END.test(next) && (!boolean || BOOLEAN_LITERAL.test(unq(next)))) {
        val = unq(next);
        i++;
        if (MULTI_VALUED.has(key)) state.multi = true;
      } else val = true;
    }
    if (typeof val === "string" && (val.includes("$") || PLACEHOLDER_VALUE.test(val))) continue;
    if (state.fastchat) {
      if (key === "num_gpus") {
        if (typeof val === "string" && Number(val) > 1) {
          out.flags.set("tensor_parallel_size", val);
          fixed.add("tensor_parallel_size");
        }
        continue;
      }
      key = FASTCHAT_KEYS[key] ?? key;
    }
    if (!fixed.has(key)) out.flags.set(key, val);
  }
  if (fixed.size) out.fixed = state.fixed = [...fixed];
  // (the state a continued line carries names only what is still open)
  if (!state.modelOpen) delete state.modelOpen;
  if (!state.multi) delete state.multi;
  out.cont = continued && !closed ? state : null;
  return out;
}

/**
 * A flag value that is a placeholder the user left in a pasted command, no value: a `<word>` (which a shell would read
 * as a redirection), or the first word of a bracketed phrase the shell split at its blanks (`--data-parallel-address
 * [master ip addr]` gives `[master`). A bracket that closes in the word stays a value (`[fd00::1]`, `[1,2,4]`).
 */
const PLACEHOLDER_VALUE = /^(?:<|\[[^\]]*$)/;

/** where a command's open quote closes on a continued line: the first such quote outside the line's other quotes, or -1 */
function closingQuote(text: string, quote: string): number {
  let inner: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inner !== null) {
      if (ch === inner) inner = null;
    } else if (ch === quote) return i;
    else if (ch === '"' || ch === "'") inner = ch;
  }
  return -1;
}

/** The flags of a pasted vLLM command line (see parseLaunch). */
export function parseCommandLine(text: string): Map<string, string | true> {
  return parseLaunch(text).flags;
}

/**
 * A keyword call that configures an engine in a pasted script: `LLM(model="m", tensor_parallel_size=2)`,
 * `AsyncEngineArgs(...)`, on one line. Only literal values count (`model=path` names a variable): returns the
 * `key -> value` pairs written as quoted strings, numbers, `True`/`False`.
 */
export function parseEngineCall(text: string): Map<string, DumpValue> {
  const m = CALL_START.exec(text);
  const out = new Map<string, DumpValue>();
  if (!m) return out;
  const open = text.indexOf("(", m.index);
  const name = text.slice(text.lastIndexOf(" ", open) + 1, open).replace(/^[=(.,]+/, "");
  const pairs = parseConfigDump(`${/^\w+$/.test(name) ? name : "LLM"}${text.slice(open)}`, "namespace");
  for (const [k, v] of pairs) {
    if (typeof v === "string" && !new RegExp(`\\b${k}\\s*=\\s*['"]`).test(text)) continue;
    out.set(k, v);
  }
  return out;
}

/** Does `text` hold an engine keyword call (`LLM(`, `EngineArgs(`)? */
export function isEngineCall(text: string): boolean {
  return CALL_START.test(text);
}

// `-x NAME=value` (mpirun), `-e`/`--env NAME=value` (containers, kubectl), `-genv NAME value` (MPICH), `--export=ALL,NAME=value` (srun)
const ENV_FLAG = /(?:^|\s)(?:-x|-e|--env|--env=|-genv)\s*([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)("[^"]*"|'[^']*'|[^\s"']\S*)/g;
const SRUN_EXPORT = /(?:^|\s)--export=(\S+)/;
const LEADING = /^(?:[$#>]\s+|\S*[$#]\s+)?(?:sudo\s+(?:-E\s+)?)?(?:env\s+)?((?:[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+)+)\S/;

/**
 * Environment settings on a launcher's command line that is not a vLLM command: assignments in front of it
 * (`NCCL_DEBUG=INFO NCCL_IB_DISABLE=1 mpirun ...`), mpirun's `-x NAME=value`, `-e`/`--env NAME=value`, MPICH's
 * `-genv NAME value`, srun's `--export=ALL,NAME=value`. All names; the caller keeps the ones it wants.
 */
export function parseEnvSettings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lead = LEADING.exec(text);
  if (lead) for (const w of words(lead[1])) {
    const a = assignment(w);
    if (a && !out.has(a[0])) out.set(a[0], a[1]);
  }
  ENV_FLAG.lastIndex = 0;
  for (let m = ENV_FLAG.exec(text); m; m = ENV_FLAG.exec(text)) if (!out.has(m[1])) out.set(m[1], unq(m[2]));
  const ex = SRUN_EXPORT.exec(text);
  if (ex) for (const part of ex[1].split(",")) {
    const a = assignment(part);
    if (a && !out.has(a[0])) out.set(a[0], a[1]);
  }
  return out;
}

// `["vllm", "serve", "m", "--tensor-parallel-size", "2"]`: a command written as a JSON / YAML flow / Dockerfile exec array
const STRING_ARRAY = /\[\s*((?:"[^"]*"|'[^']*')(?:\s*,\s*(?:"[^"]*"|'[^']*'))*)\s*,?\s*\]/;

/**
 * The words of a command written as an array of strings (a Kubernetes or compose `command:`/`args:`, a Dockerfile
 * `CMD [...]`), joined as a command line; null when the text holds no such array.
 */
export function commandOfArray(text: string): string | null {
  const m = STRING_ARRAY.exec(text);
  if (!m) return null;
  return (m[1].match(/"[^"]*"|'[^']*'/g) ?? []).map((w) => shellWord(w.slice(1, -1))).join(" ");
}

/** `a b` -> `'a b'`: a word with blanks quoted so that the command-line reader keeps it whole */
export function shellWord(w: string): string {
  return /\s/.test(w) && !w.includes("'") ? `'${w}'` : w;
}
