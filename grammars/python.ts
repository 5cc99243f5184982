import { createToken, EmbeddedActionsParser, Lexer, LEXER_OPTIONS, PARSER_OPTIONS, once, type TokenType } from "./chevrotain.js";

/**
 * Python traceback lines and the C++ frames PyTorch prints, syntax only. One call classifies one line:
 *  - `Traceback (most recent call last):` (also at the end of a message: `EngineCore hit an exception: Traceback ...`)
 *  - `  File "path", line N, in func` (and the old form without `, in func`)
 *  - code lines, caret/tilde lines (`~~~~^^^^`), `...<5 lines>...`, `[Previous line repeated 996 more times]`
 *  - `Process SpawnProcess-1:8:` / `Process EngineCore_0:` headers
 *  - chained-exception separators
 *  - the exception line `pkg.mod.SomeError: message` (or the type alone)
 *  - C++ `frame #3: c10d::...` lines and `Exception raised from X at file:line (most recent call first):`
 * Cheap string tests decide the kind; chevrotain reads the structured parts of frame and exception lines.
 */

const WS = createToken({ name: "WS", pattern: /[ \t]+/, group: Lexer.SKIPPED });
const FileKw = createToken({ name: "FileKw", pattern: /File(?=[ \t]+")/ });
const Str = createToken({ name: "Str", pattern: /"(?:[^"\\]|\\.)*"/ });
const Comma = createToken({ name: "Comma", pattern: /,/ });
const LineKw = createToken({ name: "LineKw", pattern: /line(?=[ \t]+\d)/ });
const InKw = createToken({ name: "InKw", pattern: /in(?=[ \t])/ });
const Int = createToken({ name: "Int", pattern: /\d+/ });
const Rest = createToken({ name: "Rest", pattern: /\S+/ });

const frameTokens: TokenType[] = [WS, FileKw, Str, Comma, LineKw, InKw, Int, Rest];
const frameLexer = once(() => new Lexer(frameTokens, LEXER_OPTIONS));

// Exception heads: a dotted name, an optional `(Cause)` (Ray's `RayTaskError(DistBackendError)`), a colon.
const XWS = createToken({ name: "XWS", pattern: /[ \t]+/ });
const Name = createToken({ name: "Name", pattern: /[A-Za-z_][\w]*/ });
const Dot = createToken({ name: "Dot", pattern: /\./ });
const LParen = createToken({ name: "LParen", pattern: /\(/ });
const RParen = createToken({ name: "RParen", pattern: /\)/ });
const Colon = createToken({ name: "Colon", pattern: /:/ });
const Tail = createToken({ name: "Tail", pattern: /[^\w.():\s]+/ });
const exTokens: TokenType[] = [XWS, Name, Dot, LParen, RParen, Colon, Tail];
const exLexer = once(() => new Lexer(exTokens, LEXER_OPTIONS));

class PyParser extends EmbeddedActionsParser {
  constructor() {
    super([...frameTokens, ...exTokens.filter((t) => !frameTokens.includes(t))], PARSER_OPTIONS);
    this.performSelfAnalysis();
  }

  frame = this.RULE("frame", (): { file: string; line: number; func: string } => {
    this.CONSUME(FileKw);
    const file = this.CONSUME(Str).image;
    this.CONSUME(Comma);
    this.CONSUME(LineKw);
    const line = Number(this.CONSUME(Int).image);
    let func = "";
    this.OPTION(() => {
      this.CONSUME2(Comma);
      this.CONSUME(InKw);
      const parts: string[] = [];
      this.MANY(() => parts.push(this.OR([{ ALT: () => this.CONSUME(Rest).image }, { ALT: () => this.CONSUME2(Int).image }, { ALT: () => this.CONSUME3(Comma).image }])));
      func = parts.join(" ");
    });
    return { file: unquote(file), line, func };
  });

  /** `a.b.Type(Inner):` — returns the type and how many tokens it used; the message is the rest of the line */
  exceptionHead = this.RULE("exceptionHead", (): string => {
    let name = this.CONSUME(Name).image;
    this.MANY(() => {
      this.CONSUME(Dot);
      name += "." + this.CONSUME2(Name).image;
    });
    this.OPTION(() => {
      this.CONSUME(LParen);
      name += "(" + this.CONSUME3(Name).image;
      this.MANY2(() => {
        this.CONSUME2(Dot);
        name += "." + this.CONSUME4(Name).image;
      });
      this.CONSUME(RParen);
      name += ")";
    });
    return name;
  });
}

/** Python's traceback writes the file name as it is (`File "{}"`, not its repr): a Windows path keeps its backslashes */
function unquote(s: string): string {
  return s.slice(1, -1);
}

const pyParser = once(() => new PyParser());

export type PyLineKind =
  | "header"
  | "process-header"
  | "frame"
  | "elision"
  | "marker"
  | "chain"
  | "cpp-frame"
  | "cpp-raised"
  | "exception";

export interface PyLine {
  kind: PyLineKind;
  /** leading spaces before the line's content */
  indent: number;
  /** `frame` */
  frame?: { file: string; line: number; func: string };
  /** `exception`: the type as written (`torch.distributed.DistBackendError`) and the message ("" when absent) */
  errorType?: string;
  message?: string;
  /** `chain`: `cause` for "direct cause", `context` for "During handling" */
  chain?: "cause" | "context";
  /** `process-header`: the process name (`SpawnProcess-1:8`, `EngineCore_0`) */
  process?: string;
}

const HEADER = "Traceback (most recent call last):";
const CHAIN_CAUSE = "The above exception was the direct cause of the following exception:";
const CHAIN_CONTEXT = "During handling of the above exception, another exception occurred:";
const PROCESS_HEADER = /^Process ([\w.\-]+(?::\d+)*):$/;
const ELISION = /^\.\.\.<\d+ lines?>\.\.\.$/;
const CARETS = /^[~^\s]+$/;
/** a line of the C++ backtrace PyTorch prints under a c10::Error (`frame #3: c10d::ProcessGroupNCCL::...`, also a frame
 * with only an address and the caller: `frame #27: ray::RayWorkerWrapper.execute_method() [0x508006]`) */
const CPP_FRAME = /^frame #\d+: /;

/** A C++ backtrace frame line (see CPP_FRAME): part of a traceback, never the line that states the error. */
export function isCppFrame(text: string): boolean {
  return text.charCodeAt(0) === 102 /* f */ && CPP_FRAME.test(text);
}

function countIndent(s: string): number {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

/** The last component of a dotted exception type says whether a `Name: text` line is an exception. */
export function isErrorTypeName(type: string): boolean {
  const bare = type.replace(/\(.*\)$/, "");
  const last = bare.slice(bare.lastIndexOf(".") + 1);
  // NCCL's result names as torch prints them: ncclSystemError, ncclInvalidUsage, ncclInvalidArgument (and pasted `ncclRemoteERror`)
  if (/^nccl(?:[A-Z]\w*Err?or|InvalidUsage|InvalidArgument)$/i.test(last)) return true;
  if (/Warning$/.test(last)) return false;
  // huggingface_hub's exceptions whose names carry no error suffix: `huggingface_hub.utils._http.OfflineModeIsEnabled:
  // Cannot reach https://huggingface.co/...: offline mode is enabled.` and `huggingface_hub.errors.CacheNotFound: Cache
  // directory not found: ...`
  if (last === "OfflineModeIsEnabled" || last === "CacheNotFound") return true;
  // Triton's launch-time resource check, raised when a compiled kernel asks for more of the GPU than it has:
  // `triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: N, Hardware limit: M. ...` (older
  // releases `triton.runtime.autotuner.OutOfResources`)
  if (last === "OutOfResources") return true;
  return /(?:Error|Exception|Exit|Interrupt|Failure|Fault|Abort|Timeout|Cancelled|DeadError|Full|Empty)$/.test(last) || last === "Exception" || last === "StopIteration";
}

/** the exception that ends a flattened traceback, after its last frame's code (`… varlen_fwd(...) torch.AcceleratorError: CUDA error: …`):
 * a dotted or plain type name after a space, then `: ` and the message (`except ValueError:` in a code line is not one) */
const FLAT_TAIL_EXC = /(^|\s)((?:[A-Za-z_]\w{0,60}\.){0,6}[A-Za-z_]\w{0,60}(?:\([\w.]{1,120}\))?): (?=\S)/g;

/** The first `Type: message` in the text after a flattened traceback's last frame whose type names an error, or null. */
export function flatTailException(rest: string): { at: number; errorType: string; message: string } | null {
  if (rest.indexOf(": ") < 0) return null;
  for (const m of rest.matchAll(FLAT_TAIL_EXC)) {
    const type = m[2]!;
    const at = m.index + m[1]!.length;
    if (!isErrorTypeName(type) || /\b(?:except|raise|as)\s*$/.test(rest.slice(0, at))) continue;
    return { at, errorType: type, message: rest.slice(at + type.length + 2).trim() };
  }
  return null;
}

/**
 * Exceptions that stop a process without a fault of its own: the user's Ctrl-C or a signal turned into one
 * (KeyboardInterrupt, vLLM's worker signal handler raising SystemExit), a generator or task closed (GeneratorExit,
 * asyncio's CancelledError). Raised with no message they report no failure.
 */
export function isStopTypeName(type: string): boolean {
  return /(?:^|\.)(?:KeyboardInterrupt|SystemExit|GeneratorExit|CancelledError)$/.test(type.replace(/\(.*\)$/, ""));
}

/** `UserWarning: ...`, `FutureWarning: ...` printed by `warnings.warn`. */
export function isWarningTypeName(type: string): boolean {
  return /Warning$/.test(type.replace(/\(.*\)$/, ""));
}

/** TensorFlow 1.x's OpError as str() prints it, its last line: `UnknownError (see above for traceback): ncclCommInitRank
 * failed: unhandled system error` (the exception line proper, `...errors_impl.UnknownError: ...`, came before the stack) */
const TF_OP_ERROR = /^([A-Z]\w{0,60}) \(see above for traceback\): (?=\S)/;

/**
 * Reads `Type: message` or a lone `Type` at the start of `text` (after indentation). Returns null when the
 * text is not shaped like an exception line; the caller decides whether the name is an error type.
 */
export function parseExceptionLine(text: string): { errorType: string; message: string } | null {
  const t = text.trimStart();
  const c = t.charCodeAt(0);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return null;
  // the name's colon: ASCII, or the full-width `：` (U+FF1A) a Chinese or Japanese input method types, as in a write-up that
  // retyped or translated the line (`torch.cuda.OutOfMemoryError：CUDA 内存不足。…`); whichever comes first
  const ascii = t.indexOf(":");
  const wide = t.indexOf("\uff1a");
  const colon = wide >= 0 && (ascii < 0 || wide < ascii) ? wide : ascii;
  const headEnd = colon < 0 ? t.length : colon;
  if (headEnd > 200) return null;
  const head = t.slice(0, headEnd);
  // fast reject: an exception head has no spaces, but for TensorFlow 1.x's OpError, whose printed form ends, after the
  // op's creation stack, in its class name, ` (see above for traceback)` and its message again
  if (head.indexOf(" ") >= 0 || head.indexOf("\t") >= 0) {
    const tf = TF_OP_ERROR.exec(t);
    return tf && isErrorTypeName(tf[1]) ? { errorType: tf[1], message: t.slice(tf[0].length).trim() } : null;
  }
  const name = exceptionHead(head);
  if (name === null) return null;
  if (colon < 0) return { errorType: name, message: "" };
  // `name:` must be followed by a space or the end (not `host:pid:tid`, not `http://`); the full-width colon carries its
  // own spacing and is in neither
  const after = t.charCodeAt(colon + 1);
  if (colon !== wide && colon + 1 < t.length && after !== 32 && after !== 9) return null;
  return { errorType: name, message: t.slice(colon + 1).trim() };
}

// heads already read (a log repeats a few: `INFO` of uvicorn's lines, its error types), so the grammar reads each once
const HEADS = new Map<string, string | null>();
const MAX_HEADS = 4096;

/** The exception name `head` spells (`pkg.mod.Error`, `Error(args)`...), or null. */
function exceptionHead(head: string): string | null {
  let name = HEADS.get(head);
  if (name !== undefined) return name;
  const lexed = exLexer().tokenize(head);
  if (lexed.errors.length || lexed.tokens.length === 0) name = null;
  else {
    const parser = pyParser();
    parser.input = lexed.tokens;
    const parsed = parser.exceptionHead();
    name = parser.errors.length ? null : parsed;
  }
  if (HEADS.size >= MAX_HEADS) HEADS.clear();
  HEADS.set(head, name);
  return name;
}

/**
 * The function a frame's code line calls (`engine = MQLLMEngine.from_engine_args(` → `from_engine_args`, `self.x = LLM(` →
 * `LLM`, `async with build_async_engine_client(args) as engine_client:` → `build_async_engine_client`), or undefined.
 */
const CALLEE = /^(?:return\s+|await\s+|(?:async\s+)?with\s+|[\w.\[\], ]+=\s*(?:await\s+)?)?(?:\w+\.)*(\w+)\(/;
export function calleeOfCode(code: string): string | undefined {
  return CALLEE.exec(code.trim())?.[1];
}

/**
 * A frame line whose file name a paste through a rich-text editor quoted typographically (`File “/x/core.py”, line 699,
 * in f`) with Python's own quotes; any other text as it is.
 */
export function plainFrameQuotes(t: string): string {
  if (!t.startsWith("File \u201c")) return t;
  const close = t.indexOf("\u201d", 6);
  return close > 0 && !t.slice(6, close).includes('"') ? `File "${t.slice(6, close)}"${t.slice(close + 1)}` : t;
}

/** Reads a `File "...", line N, in f` line. */
export function parseFrame(text: string): { file: string; line: number; func: string } | null {
  const lexed = frameLexer().tokenize(text.trim());
  if (lexed.errors.length) return null;
  const parser = pyParser();
  parser.input = lexed.tokens;
  const f = parser.frame();
  return parser.errors.length ? null : f;
}

/**
 * Classifies one line of a traceback. Returns null for anything else (including code lines, which only
 * the caller can tell apart from prose, by their place after a frame).
 */
export function classifyPythonLine(text: string): PyLine | null {
  const indent = countIndent(text);
  const t = indent ? text.slice(indent) : text;
  if (t.length === 0) return null;
  const c = t.charCodeAt(0);
  if (c === 70 /* F */ && (t.startsWith('File "') || t.startsWith("File \u201c"))) {
    const frame = parseFrame(plainFrameQuotes(t));
    return frame ? { kind: "frame", indent, frame } : null;
  }
  if (c === 84 /* T */ && t === HEADER) return { kind: "header", indent };
  if (t.endsWith(HEADER)) return { kind: "header", indent };
  if (c === 80 /* P */ && t.startsWith("Process ")) {
    const m = PROCESS_HEADER.exec(t);
    return m ? { kind: "process-header", indent, process: m[1] } : null;
  }
  if (c === 46 /* . */ && ELISION.test(t)) return { kind: "elision", indent };
  if ((c === 94 || c === 126) /* ^ ~ */ && CARETS.test(t)) return { kind: "marker", indent };
  if (c === 91 /* [ */ && t.startsWith("[Previous line repeated")) return { kind: "marker", indent };
  if (c === 84 && t === CHAIN_CAUSE) return { kind: "chain", indent, chain: "cause" };
  if (c === 68 /* D */ && t === CHAIN_CONTEXT) return { kind: "chain", indent, chain: "context" };
  if (c === 102 /* f */ && CPP_FRAME.test(t)) return { kind: "cpp-frame", indent };
  if (c === 69 /* E */ && t.startsWith("Exception raised from ") && t.endsWith("(most recent call first):")) return { kind: "cpp-raised", indent };
  const ex = parseExceptionLine(t);
  if (ex) return { kind: "exception", indent, errorType: ex.errorType, message: ex.message };
  // a write-up's markdown made the exception line a heading, perhaps of a list item (`- ## ValueError: To serve ...`):
  // read when what follows the marks is an error's line
  if (c === 35 /* # */ || ((c === 45 || c === 42 || c === 43) /* - * + */ && t.charCodeAt(1) === 32 && t.charCodeAt(2) === 35)) {
    const m = MD_HEADING.exec(t);
    const hx = m ? parseExceptionLine(t.slice(m[0].length)) : null;
    if (hx && isErrorTypeName(hx.errorType) && hx.message) return { kind: "exception", indent, errorType: hx.errorType, message: hx.message };
  }
  return null;
}

const MD_HEADING = /^(?:[-*+] )?#{1,6} +/;
