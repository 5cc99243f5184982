import type { Emit, RecordReader } from "./types.js";
import type { Evidence, LogRecord, Origin } from "../model.js";
import { clip, evidenceOf } from "../model.js";
import type { TracebackEvent } from "./common.js";
import { calleeOfCode, classifyPythonLine, parseFrame, plainFrameQuotes, flatTailException, isErrorTypeName, isStopTypeName, isWarningTypeName, parseExceptionLine, type PyLine } from "../../grammars/python.js";
import { parseGlogHead, parsePgHead, parseWorkNccl } from "../../grammars/torch.js";
import { labelOrigin } from "../records/peel.js";

/**
 * Reads Python tracebacks and PyTorch (c10d / ProcessGroupNCCL) output.
 *
 * Tracebacks are folded into one `traceback` event per origin stream: lines of several workers interleave,
 * so one assembler is kept per origin key (process + pid + rank + ip), and their number is bounded.
 * `error` events follow CONTRACT.md's `firstError`: exception lines and PyTorch error lines count;
 * traceback frames, code lines, `Traceback (most recent call last):` and `Process X:` headers never do.
 */

/** callees kept per traceback */
const MAX_CALLS = 16;
function calleeOf(code: string): string[] {
  const callee = calleeOfCode(code);
  return callee === undefined ? [] : [callee];
}
/**
 * The method a code line has vLLM's executor run on its workers, named as a string (V0's and the Ray executor's
 * `self._run_workers("init_device")`, `self._run_workers("load_model", max_concurrent_workers=...)`, V1's
 * `self.collective_rpc("determine_available_memory")`, Ray's `worker.execute_method.remote("init_worker", ...)`)
 */
const RPC_CALL = /\b(?:_run_workers|collective_rpc|execute_method(?:\.remote)?)\(\s*["'](\w+)["']/;
function rpcOf(code: string): string | undefined {
  return code.includes("_run_workers") || code.includes("rpc(") || code.includes("execute_method") ? RPC_CALL.exec(code)?.[1] : undefined;
}

// a markdown heading's marks, perhaps in a list item, before an exception line a write-up turned into a heading
const MD_HEADING = /^(?:[-*+] )?#{1,6} +/;
/** pydantic's detail line: `Value error, <message> [type=value_error, ...]` (`Assertion failed, ...` for an assert) */
const PYDANTIC_DETAIL = /^(Value error|Assertion failed), /;
/** pytest's short test summary line: the result word, the test's node id (a path to a `.py` file, `::` and the test's name
 * with its parameters), ` - ` and the crash message (_pytest/terminal.py, `_get_line_with_reprcrash_message`) */
const PYTEST_SUMMARY = /^(?:FAILED|ERROR) \S+?\.py(?:::.*?)? - (.+)$/;
/** a logging level word: never an exception's name (uvicorn's `INFO:     …`, Python's `WARNING:root:…`) */
const LEVEL_WORD = /^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)$/;
const PYDANTIC_TYPE = /\[type=(?:value_error|assertion_error)\b/;
/** a pydantic detail line whose bracketed `[type=...]` part a paste cut off still ends its sentence */
const PYDANTIC_SENTENCE_END = /[.)\]]\s*$/;
/**
 * ... and names what it checked, as vLLM's validators do: a value in brackets (`(64)`), a setting's name (`max_model_len`)
 * or a quoted one; prose that only starts with the words (`Value error, as the docs call it, ...`) names none
 */
const PYDANTIC_VALUES = /\(-?\d|\b[a-z]\w*_\w+\b|`[^`]+`|'[^']+'/;
const MAX_ASSEMBLERS = 64;
const MAX_FRAMES_HEAD = 8;
const MAX_FRAMES_TAIL = 40;
const MAX_MESSAGE_LINES = 4;
const MAX_CAUSES = 8;
const MAX_MESSAGE_CHARS = 2000;

interface Assembler {
  key: string;
  origin: Origin;
  input: number;
  start: Evidence;
  /** indentation of the header (or, headless, of the first frame minus two) */
  indent: number;
  headless: boolean;
  frames: TracebackEvent["frames"];
  tail: TracebackEvent["frames"];
  dropped: number;
  process?: string;
  causes: TracebackEvent["causes"];
  /** set once the `Type: message` line was read */
  ended: { errorType: string; message: string; ev: Evidence; extra: number } | null;
  /** a chain separator was read after an ended exception: the next header continues this traceback */
  chained: boolean;
  /** the last line was a frame: the next deeper line is its code */
  lastFrameIndent: number;
  /** the code line of the last frame read (null until one follows it) */
  lastCode: string | null;
  /** IPython's (Jupyter's) traceback: numbered source lines around an arrow on the frame's own line */
  ipython?: boolean;
  /** the exception class on IPython's header line (`RuntimeError   Traceback (most recent call last)`) */
  headerType?: string;
  /** the functions the code lines under the frames so far called (`self.engine = LLM(` → `LLM`), at most MAX_CALLS */
  calls?: string[];
  /** the methods those code lines had vLLM's executor run on its workers (`self._run_workers("init_device")` → `init_device`) */
  rpcs?: string[];
  /** a line of it came as an ERROR record's message */
  atError?: boolean;
  /** `Exception ignored in: …` came before it */
  unraisable?: boolean;
  /** opened by a C++ backtrace frame logged at ERROR (`frame #27: …`), no Python frame read: a window of a c10::Error's
   * backtrace, the traceback and exception line it came under cut off above */
  cppOnly?: boolean;
}

interface PendingNcclError {
  key: string;
  origin: Origin;
  input: number;
  ev: Evidence;
  where: string | null;
  reason: string | null;
  version: string | null;
  ncclError: string | null;
  lastError: string | null;
  /** read `Last error:` alone: the next line is the text */
  awaitingLast: boolean;
  /** lines read since the error line */
  seen: number;
  rank: number | null;
}

function originKey(o: Origin): string {
  if (o.process === undefined && o.pid === undefined && o.rank === undefined && o.ip === undefined && o.host === undefined) return "";
  return `${o.process ?? ""}|${o.pid ?? ""}|${o.rank ?? ""}|${o.ip ?? o.host ?? ""}`;
}

// a launcher's label before an indented line (`0:     self.llm_engine = LLMEngine.from_engine_args(`, `node1:       ^^^^`),
// or its process index (MPICH's `-prepend-rank`, Intel MPI's `-l`: `[3]     self.run()`)
const LAUNCHER_LABELLED_INDENT = /^(?:([A-Za-z0-9][\w.\-]*):|\[\d+\]) (?=[ \t]+\S)/;

/**
 * The record as a line of the open traceback its launcher label names (the origin the records layer gives that label
 * on the traceback's other lines: `??=` over what an outer wrapper named), or null.
 */
function underLauncherLabel(rec: LogRecord, assemblers: ReadonlyMap<string, Assembler>): LogRecord | null {
  const m = LAUNCHER_LABELLED_INDENT.exec(rec.text);
  if (!m) return null;
  const label = m[1];
  const origin: Origin = { ...rec.origin };
  // (the records layer names no origin for a process index: it leaves the origin as it is)
  if (label !== undefined) labelOrigin(label, origin);
  const a = assemblers.get(originKey(origin));
  if (!a || a.ended) return null;
  return { ...rec, text: rec.text.slice(m[0].length), origin };
}

/** Spaces in front of the record's text in its physical line (prefix separators count the same on every line of one origin). */
function indentOf(rec: LogRecord): number {
  const t = rec.text;
  if (!t) return 0;
  const at = rec.raw.lastIndexOf(t);
  if (at < 0) return 0;
  let i = at;
  // (a markdown backtick the peel took off, opening an inline-code span the paste put the line in, pads like a space: a
  // traceback's header in one, `` `Traceback (most recent call last): ``, stands one column in, as its frames do)
  for (let c = rec.raw.charCodeAt(i - 1); i > 0 && (c === 32 || c === 9 || c === 96); c = rec.raw.charCodeAt(--i - 1));
  // a message handed on by the vLLM reader keeps its own leading spaces
  let j = 0;
  while (j < t.length && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
  return at - i + j;
}

/**
 * The vLLM reader hands a vLLM record on as its message. Its level decides who reports it: ERROR and
 * CRITICAL records are the vLLM reader's `error` events already, and a lower level never is an error.
 * Only asked for lines that would become an `error` event, so the regex runs rarely.
 */
// the level word starts after anything but a letter: a space, a prefix's `)` or `]`, a wrapper's control byte (BEL), or
// the end of a colour code a wrapper glued to it (pm2's `\x1b[32m0|vllm  | \x1b[39m`)
const VLLM_HEAD_BEFORE = /(?:(?<![A-Za-z])|(?<=\x1b\[[\d;]*m))([A-Z]{1,8}) \d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \[?[^\]\s]+:\d+\]\s*$/;
function vllmLevelOf(rec: LogRecord): string | null {
  const at = rec.raw.lastIndexOf(rec.text);
  if (at <= 0) return null;
  const m = VLLM_HEAD_BEFORE.exec(rec.raw.slice(Math.max(0, at - 120), at));
  return m ? m[1] : null;
}

// a vLLM head whose level word the paste damaged (`RROR 12-18 19:47:34 engine.py:366] ...`): the vLLM reader leaves it
const DAMAGED_HEAD = /^[A-Z]{1,8} \d\d-\d\d \d\d:\d\d:\d\d \[?[\w.\/]+:\d+\]\s/;

// cheap gates, tested before any grammar
/**
 * A Python statement as a traceback shows it under a frame: a keyword statement, an assignment (`x, y = …`, `self.a[0] =
 * …`) or a call (`self.model_runner.load_model()`, `super().__init__(`); never a log record's head, which starts with a
 * level word and a date, a stamp or a bracket.
 */
const FLUSH_LEFT_CODE = /^(?:(?:return|raise|await|yield|(?:async )?with|for|if|elif|assert|del|import|from)\b(?! \d)|(?:self\.)?[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*\s*[+\-*\/|&]?=\s*[^=\s]|(?:[A-Za-z_][\w]*(?:\(\))?\.)*[A-Za-z_]\w*\()/;
/**
 * IPython's (Jupyter's) traceback frames: IPython ≥8 `File /path/x.py:144, in LLM.__init__(self, model, ...)` (JupyterLab
 * and VS Code copy the path as a markdown link, `File [/path/x.py:144](https://…), in …`), the notebook cell `Cell In[5],
 * line 3` (8.0–8.5: `Input In [5], in <cell line: 3>()`), IPython 7 `/path/x.py in __init__(self, ...)` and
 * `<ipython-input-3-5d3c> in <module>` (7.34, Colab's: `in <cell line: 0>()`; copied from Colab's rendered output, the
 * path is a markdown link: `[/usr/local/.../llm.py](https://localhost:8080/#) in __init__(...)`)
 */
const IPY_FRAME = /^File (?:\[([^\]"]+?):(\d+)\]\([^)]*\)|([^"\s][^"]*?):(\d+)), in ([\w.<>]+)\(/;
const IPY_CELL = /^(?:Cell In ?\[\d*\], line (\d+)|Input In \[\d*\], in <cell line: (\d+)>)/;
const IPY7_FRAME = /^(?:\[((?:[~\/]|[A-Za-z]:\\)[^\]\s]*?\.py|<ipython-input-[\w\-]+>)\]\([^)\s]*\)|((?:[~\/]|[A-Za-z]:\\)\S*?\.py|<ipython-input-[\w\-]+>)) in ([\w<>.]+|<cell line: \d+>)\(/;
/**
 * IPython's header of a traceback: the exception's class, padded to a column, then `Traceback (most recent call last)`
 * with no colon (`RuntimeError                              Traceback (most recent call last)`); Python's own header has
 * no class before it and a colon after it
 */
const IPY_HEADER = /^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:\([\w.]+\))?)\s{2,}Traceback \(most recent call last\)\s*$/;
/** the arrow on a frame's own line (`----> 3 llm = LLM(...)`, `--> 144 self.llm_engine = ...`) and the numbered lines around it */
const IPY_ARROW = /^-{1,8}> ?(\d+)(?:\s+(.*))?$/;
const IPY_CONTEXT = /^(?:\d+(?:\s|$)|\(\.\.\.\)$)/;
// (TensorFlow 1.x ends an OpError's printed form with `UnknownError (see above for traceback): <message>`)
// (its colon may be the full-width `：` a write-up retyped or translated the line with, which needs no space after it)
/** what a wrapped frame line leaves of a function's name (`ception_on_finish`, `dule>`); see the reader */
const FRAME_NAME_REST = /^[\w<>.]{1,100}$/;
/** a dotted name whose last part is a CapWords class (`KeyboardInterrupt`, `asyncio.exceptions.CancelledError`) */
const CLASS_LAST = /(?:^|\.)[A-Z][\w]*$/;
/** a statement that is one keyword (a frame's code line with its indentation lost) */
const BARE_STATEMENT = /^(?:raise|return|pass|continue|break|yield)$/;
const EXC_SHAPE = /^[A-Za-z_][\w.]*(?:\([\w.]+\))?(?: \(see above for traceback\))?(?::(?:\s|$)|\uff1a)/;
/** Python's report of an exception it could not raise: `Exception ignored in: <function X.__del__ at 0x…>`, 3.14's
 * `Exception ignored while calling deallocator <function X.__del__ at 0x…>:` */
const UNRAISABLE = /^Exception ignored (?:in: |in |while |on )\S/;
/** an exception line whose message is a traceback's header: `RuntimeError: Traceback (most recent call last):` */
const EXC_BEFORE_HEADER = /^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:\([\w.]+\))?): Traceback \(most recent call last\):\s*$/;
/** a frame inside a traceback whose lines a log viewer or a copy joined into one (newlines became spaces) */
const FRAME_THEN_NCCL_ERROR = /^File "[^"]{1,500}", line \d{1,9}, in \S{1,200} .{0,2000}?\s((?:[A-Za-z_]\w{0,60}\.){0,6}[A-Za-z_]\w{0,60}(?:Error|Exception)): (NCCL error\b.{0,500})/;
const FLAT_FRAME = /(?:^|\s)File "([^"]{1,500})", line (\d{1,9}), in ([\w<>.]{1,200})/g;
/** a frame head with more text after it on the same line */
const ONE_FLAT_FRAME = /^File "[^"]{1,500}", line \d{1,9}, in [\w<>.]{1,200}\s+(?=\S)/;
/** a vLLM record head: a joined line holding one is split by the vLLM reader */
const FLAT_VLLM_HEAD = /(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d/;
const NCCL_ERROR_AT = /NCCL error(?: in)?:/;
// `NCCL error in: <file>:<line>, <reason> (run with NCCL_DEBUG=INFO for details), NCCL version X`, or `NCCL error: <reason>, ...`;
// a flattened paste may go on with the detail and `Last error:` on the same line
const NCCL_ERROR_WHERE = /^NCCL error in:\s*([^\s,]+:\d+)\s*,?\s*/;
const NCCL_ERROR_LEAD = /^NCCL error(?: in)?:\s*/;
const NCCL_REASON_END = /\s*\(run with NCCL_DEBUG|,\s*NCCL version |\s+nccl[A-Z]\w*:|\s+Last error:|\s+Unknown NCCL error/;
const NCCL_VERSION = /NCCL version (\d+\.\d+\.\d+[\w.+\-]*)/;
const NCCL_DETAIL_IN = /(?:^|\s)(nccl[A-Z]\w*):\s/;
const NCCL_DETAIL = /^(nccl[A-Z]\w*|Unknown NCCL error!?)(?::\s*(.*))?$/;
const WORK_PROGRESS = /(?:detected by watchdog at work|Timeout at NCCL work): (\d+), last enqueued NCCL work: (-?\d+), last completed NCCL work: (-?\d+)/;
/**
 * PyTorch's `NCCL error in: <file>:<line>, <error string>, NCCL version X` with its head cut off by the paste (the line
 * starts inside the file's path: `GroupNCCL.cpp:1275, internal error, NCCL version 2.14.3`): the error strings are
 * ncclGetErrorString's (NCCL src/misc/argcheck.cc, later init.cc), with 2.13+'s longer internal-error text.
 */
const CUT_NCCL_ERROR =
  /^\S*?\.(?:cpp|hpp|cc|cu|h):\d{1,6}, (?:unhandled (?:cuda|system) error|internal error(?: - please report this issue to the NCCL developers)?|invalid (?:argument|usage)|remote process exited or there was a network error)(?: \(run with NCCL_DEBUG=INFO for details\))?, NCCL version \d+\.\d+\.\d+\S*\s*$/;
/**
 * torch elastic's (torchrun's) report of a worker that failed, its glog head (`E0121 10:00:00.123000 140 `) cut off by
 * the paste: `torch/distributed/elastic/multiprocessing/api.py:826] failed (exitcode: -9) local_rank: 0 (pid: 1322) of
 * binary: /usr/bin/python`. The agent logs this message at ERROR in every version (`logger.error("failed (exitcode: %s)
 * local_rank: %s (pid: %s) of binary: %s", ...)`, multiprocessing/api.py), so the line is the failure whatever its head.
 */
const ELASTIC_FAILED_CUT = /^\/?(?:[\w.\-]+\/)*torch\/distributed\/elastic\/multiprocessing\/api\.py:\d{1,6}\] (failed \(exitcode: -?\d+\) local_rank: \d+ \(pid: \d+\) of binary: \S.*)$/;
/** XLA's wording of a failed NCCL call (xla/service/gpu/nccl_utils.cc, later xla/backends/gpu/collectives) */
const XLA_NCCL_FAILED = /\bNCCL operation \S.{0,200}? failed: \S/;
/**
 * The wrappers' own report that a communicator could not be made (JAX/XLA clique set-up, Rust cudarc and other
 * bindings, serving engines): `Failed to create NCCL communicator: INTERNAL: ncclCommInitRankConfig(...) failed: ...`;
 * not inside a string literal (`raise RuntimeError("Failed to create NCCL communicator ...")` reports nothing)
 */
const COMM_CREATE_FAILED = /(?<!["'`(])\bFailed to create NCCL communicators?\b/i;
/** a note in CJK script (and a full-width colon or space) glued before an exception line: `报错ValueError: msg` */
const CJK_NOTE_THEN_EXC = /^[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{1,12}\s?(((?:[A-Za-z_]\w{0,60}\.){0,6}[A-Za-z_]\w{0,60}): \S.{0,2000})$/;
/** an exception line in markdown's inline code, one or three backticks each side */
const INLINE_CODE_EXC = /^(`{1,3})(((?:[A-Za-z_]\w{0,60}\.){0,6}[A-Za-z_]\w{0,60}): [^`].{0,2000}?)\1\s*$/;
/** `raise X(...` then, after a space, `X: msg` (or `mod.X: msg`): a code line and its exception line joined */
const RAISE_THEN_EXC = /^raise ((?:[A-Za-z_]\w{0,60}\.){0,6}([A-Za-z_]\w{0,60}))\(.{0,500}?\s((?:[A-Za-z_]\w{0,60}\.){0,6}\2): (\S.{0,2000})$/;
const TORCH_ERROR_PHRASES = ["Watchdog caught collective operation timeout", "terminate called after throwing an instance of"];
// CPython's fatal error (Py_FatalError, and faulthandler on a signal): `Fatal Python error: Segmentation fault`,
// `Fatal Python error: Bus error`, `Fatal Python error: Aborted`; the thread stacks it dumps next are frames
const FATAL_PYTHON = /^Fatal Python error: (\S.*)$/;
// the failure-signal handlers that C++ libraries install print one header line per fatal signal before their stack dump:
// abseil's (Ray's core worker and raylet, TensorFlow) `*** SIGBUS received at time=1692931519 on cpu 133 ***` (older abseil
// without ` on cpu N`), and glog's `*** Aborted at 1692931519 (unix time) try "date -d @1692931519" if you are using GNU
// date ***` then `*** SIGSEGV (@0x0) received by PID 4410 (TID 0x7f3a...) from PID 0; stack trace: ***`; the `PC: @ ...`
// and `@ 0x... (unknown)` lines after them are frames. A stop (SIGTERM, SIGINT) is not a failure of the process
const SIGNAL_HANDLER_HEADER = /^\*\*\* (?:(SIG(?:SEGV|BUS|FPE|ILL|ABRT)) (?:received at time=\d+(?: on cpu \d+)?|\(@0x[0-9a-fA-F]+\) received by PID \d+ \(TID 0x[0-9a-fA-F]+\)(?: from PID \d+)?; stack trace:)|Aborted at \d+ \(unix time\) try "date -d @\d+" if you are using GNU date) \*\*\*$/;

/**
 * A frame line that a terminal or a viewer wrapped at its width: what a logger record kept of it, before the file name's
 * end, before `line N` or before the function (`(Worker pid=213) ERROR ... [multiproc_executor.py:912]   File`, then
 * `"/usr/.../c10d_logger.py",` and `line 83, in wrapper` flush left on the lines below). The record says nothing else.
 */
const CUT_FRAME_HEAD = /^\s*File(?:\s+"[^"]*"?,?(?:\s+line(?:\s+\d+,?(?:\s+in)?)?)?)?\s*$/;
/** how many physical lines a wrapped frame line may run over after its head */
const MAX_FRAME_PIECES = 3;

export function createPythonReader(): RecordReader & { atRestFor(origin: Origin): boolean } {
  const assemblers = new Map<string, Assembler>();
  /** a logged frame line cut by a wrap (CUT_FRAME_HEAD), waiting for the lines that finish it: its record, the text so far */
  let cutFrame: { rec: LogRecord; text: string; last: number; pieces: number } | null = null;
  /**
   * per origin, a logged code line that no open traceback holds (a window of a traceback that starts under a frame whose
   * `File` line it cut: `ERROR ... [core.py:603]     self._run_workers("init_device")`): the code of that cut frame, if the
   * same origin's next line is a frame
   */
  const orphanCode = new Map<string, string>();
  const pendingNccl = new Map<string, PendingNcclError>();
  /** `Process X:` headers waiting for their `Traceback` line */
  const processHeaders = new Map<string, string>();
  /** origins whose last record was Python's `Exception ignored in: <obj>` (PyErr_WriteUnraisable, 3.13+ `Exception
   * ignored while …:`): the traceback or the exception line that follows is reported and then ignored (a `__del__`
   * that raised while a failed constructor's object was collected), no failure of the program */
  const unraisable = new Set<string>();
  /** origins whose last traceback ended in its exception line: C++ frames that follow are that exception's message */
  const endedAt = new Set<string>();
  /** origins whose last line was a bare `ncclXxxError:` line: its `Last error:` text may follow */
  const lastErrorAfter = new Map<string, { awaiting: boolean; left: number }>();

  /** `Last error:` and the NCCL WARN text after a bare `ncclXxxError:` line: the text becomes an error of its own line. */
  const continueLastError = (la: { awaiting: boolean; left: number }, key: string, rec: LogRecord, text: string, emit: Emit): boolean => {
    const t = text.trim();
    if (la.awaiting) {
      lastErrorAfter.delete(key);
      if (t) emitError(rec, emit, "nccl", t);
      return t.length > 0;
    }
    if (t.startsWith("Last error:")) {
      const rest = t.slice("Last error:".length).trim();
      if (rest) {
        lastErrorAfter.delete(key);
        emitError(rec, emit, "nccl", rest);
      } else la.awaiting = true;
      return true;
    }
    if (--la.left <= 0) lastErrorAfter.delete(key);
    return false;
  };

  const flush = (a: Assembler, emit: Emit): void => {
    assemblers.delete(a.key);
    const frames = a.tail.length ? [...a.frames, ...a.tail] : a.frames;
    if (!a.ended && frames.length === 0 && !a.cppOnly) return;
    if (!a.ended) endedAt.delete(a.key);
    else {
      if (endedAt.size >= MAX_ASSEMBLERS) endedAt.delete(endedAt.keys().next().value as string);
      endedAt.add(a.key);
    }
    const ev: TracebackEvent = {
      kind: "traceback",
      ev: a.start,
      origin: a.origin,
      input: a.input,
      errorType: a.ended?.errorType ?? null,
      message: a.ended?.message ?? "",
      frames,
      end: a.ended?.ev ?? null,
      causes: a.causes,
      complete: a.ended !== null,
    };
    if (a.process) ev.process = a.process;
    if (a.ipython) ev.notebook = true;
    if (a.headerType) ev.headerErrorType = a.headerType;
    if (a.dropped) ev.framesDropped = a.dropped;
    if (a.lastCode !== null) ev.lastCode = a.lastCode;
    const calls = a.lastCode !== null ? [...(a.calls ?? []), ...calleeOf(a.lastCode)] : a.calls;
    if (calls?.length) ev.calls = calls.slice(0, MAX_CALLS);
    const rpc = a.lastCode !== null ? rpcOf(a.lastCode) : undefined;
    const rpcs = rpc !== undefined ? [...(a.rpcs ?? []), rpc] : a.rpcs;
    if (rpcs?.length) ev.rpcs = rpcs.slice(0, MAX_CALLS);
    if (a.atError) ev.loggedAsError = true;
    if (a.unraisable) ev.unraisable = true;
    emit(ev);
  };

  const open = (rec: LogRecord, key: string, indent: number, headless: boolean, emit: Emit): Assembler => {
    const prev = assemblers.get(key);
    if (prev) flush(prev, emit);
    if (assemblers.size >= MAX_ASSEMBLERS) {
      const oldest = assemblers.values().next().value as Assembler;
      flush(oldest, emit);
    }
    const a: Assembler = {
      key,
      origin: rec.origin,
      input: rec.input,
      start: evidenceOf(rec),
      indent,
      headless,
      frames: [],
      tail: [],
      dropped: 0,
      causes: [],
      ended: null,
      chained: false,
      lastFrameIndent: -1,
      lastCode: null,
    };
    if (rec.level) a.atError = true;
    if (unraisable.delete(key)) a.unraisable = true;
    const proc = processHeaders.get(key);
    if (proc !== undefined) {
      a.process = proc;
      processHeaders.delete(key);
    }
    assemblers.set(key, a);
    return a;
  };

  const addFrame = (a: Assembler, frame: { file: string; line: number; func: string }): void => {
    if (a.lastCode !== null && (a.calls?.length ?? 0) < MAX_CALLS) (a.calls ??= []).push(...calleeOf(a.lastCode));
    const rpc = a.lastCode !== null ? rpcOf(a.lastCode) : undefined;
    if (rpc !== undefined && (a.rpcs?.length ?? 0) < MAX_CALLS) (a.rpcs ??= []).push(rpc);
    a.lastCode = null;
    if (a.frames.length < MAX_FRAMES_HEAD) a.frames.push(frame);
    else {
      a.tail.push(frame);
      if (a.tail.length > MAX_FRAMES_TAIL) {
        a.tail.shift();
        a.dropped++;
      }
    }
  };

  /** Frames joined on one line (`… in from_vllm_config     return cls(   File "…", line 124, in __init__ …`): each one, with its code line. */
  const readFlatFrames = (rec: LogRecord, key: string, a: Assembler | undefined, text: string, emit: Emit): boolean => {
    if (FLAT_VLLM_HEAD.test(text)) return false;
    const hits = [...text.matchAll(FLAT_FRAME)];
    if (hits.length < 2) return false;
    const cur = a && !a.ended ? a : open(rec, key, 0, true, emit);
    hits.forEach((m, i) => {
      addFrame(cur, { file: m[1]!, line: Number(m[2]), func: m[3]! });
      cur.lastFrameIndent = 0;
      const end = i + 1 < hits.length ? hits[i + 1]!.index : text.length;
      // the code line runs to the caret line under it (Python 3.11+) or to the next frame
      let code = text.slice(m.index + m[0].length, end).split(/\s[\^~]{2,}/)[0]!.trim();
      // the last frame's code runs on into the exception the traceback ends with: that part is the exception line
      const exc = i + 1 === hits.length ? flatTailException(code) : null;
      if (exc) code = code.slice(0, exc.at).trim();
      if (code) cur.lastCode = code.length > 200 ? code.slice(0, 200) : code;
      if (exc) readException(rec, { kind: "exception", indent: 0, errorType: exc.errorType, message: exc.message }, cur, emit);
    });
    return true;
  };

  /** An IPython (Jupyter) traceback's frame, or a source line under one (its arrow line is the frame's code). */
  const readIpython = (rec: LogRecord, key: string, a: Assembler | undefined, text: string, emit: Emit): boolean => {
    const t = text.charCodeAt(0) === 32 || text.charCodeAt(0) === 9 ? text.trimStart() : text;
    const open_ = a && !a.ended ? a : undefined;
    if (open_?.ipython) {
      const arrow = IPY_ARROW.exec(t);
      if (arrow) {
        const code = (arrow[2] ?? "").trim();
        if (open_.lastCode === null && code) open_.lastCode = code.length > 200 ? code.slice(0, 200) : code;
        return true;
      }
      if (IPY_CONTEXT.test(t)) return true;
    }
    let frame: { file: string; line: number; func: string } | null = null;
    const c = t.charCodeAt(0);
    if (c === 70 /* F */ && t.charCodeAt(5) !== 34 /* " */) {
      const m = t.startsWith("File ") ? IPY_FRAME.exec(t) : null;
      if (m) frame = { file: m[1] ?? m[3]!, line: Number(m[2] ?? m[4]), func: m[5]!.slice(m[5]!.lastIndexOf(".") + 1) };
    } else if (c === 67 /* C */ || c === 73 /* I */) {
      const m = IPY_CELL.exec(t);
      if (m) frame = { file: "<cell>", line: Number(m[1] ?? m[2]), func: "<module>" };
    } else if (c === 126 /* ~ */ || c === 47 /* / */ || c === 60 /* < */ || c === 91 /* [ */ || (c >= 65 && c <= 90 && t.charCodeAt(1) === 58)) {
      const m = IPY7_FRAME.exec(t);
      if (m) {
        const func = m[3]!.startsWith("<cell line:") ? "<module>" : m[3]!.slice(m[3]!.lastIndexOf(".") + 1);
        frame = { file: m[1] ?? m[2]!, line: 0, func };
      }
    }
    if (!frame) return false;
    const cur = open_ ?? open(rec, key, indentOf(rec), true, emit);
    cur.ipython = true;
    addFrame(cur, frame);
    cur.lastFrameIndent = indentOf(rec);
    return true;
  };

  const emitError = (rec: LogRecord, emit: Emit, source: "python" | "torch" | "nccl" | "other", message: string, errorType?: string): void => {
    if (rec.text !== rec.raw && vllmLevelOf(rec) !== null) return;
    emit({ kind: "error", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, source, message: clip(message, MAX_MESSAGE_CHARS), ...(errorType ? { errorType } : {}) });
  };

  const emitWarning = (rec: LogRecord, emit: Emit, source: "python" | "torch", message: string): void => {
    if (rec.text !== rec.raw && vllmLevelOf(rec) !== null) return;
    emit({ kind: "warning", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, source, message: clip(message, MAX_MESSAGE_CHARS) });
  };

  const flushNccl = (p: PendingNcclError, emit: Emit): void => {
    pendingNccl.delete(p.key);
    emit({
      kind: "torch.nccl-error",
      ev: p.ev,
      origin: p.origin,
      input: p.input,
      ncclError: p.ncclError,
      reason: p.reason,
      ncclVersion: p.version,
      lastError: p.lastError,
      where: p.where,
      rank: p.rank,
    });
  };

  /** Starts a `torch.nccl-error` from the text at `NCCL error...`. */
  const startNccl = (rec: LogRecord, key: string, fromNcclError: string, rank: number | null, emit: Emit): void => {
    const prev = pendingNccl.get(key);
    if (prev) flushNccl(prev, emit);
    let rest = fromNcclError.trimEnd();
    const w = NCCL_ERROR_WHERE.exec(rest);
    rest = w ? rest.slice(w[0].length) : rest.replace(NCCL_ERROR_LEAD, "");
    const end = rest.search(NCCL_REASON_END);
    const reason = (end >= 0 ? rest.slice(0, end) : rest).replace(/[,\s]+$/, "");
    const detail = NCCL_DETAIL_IN.exec(rest);
    const last = rest.indexOf("Last error:");
    const p: PendingNcclError = {
      key,
      origin: rec.origin,
      input: rec.input,
      ev: evidenceOf(rec),
      where: w ? w[1] : null,
      reason: reason || null,
      version: NCCL_VERSION.exec(rest)?.[1] ?? null,
      ncclError: detail ? detail[1] : null,
      lastError: null,
      awaitingLast: false,
      seen: 0,
      rank: rank ?? rec.origin.rank ?? null,
    };
    pendingNccl.set(key, p);
    if (last >= 0) {
      const text = rest.slice(last + "Last error:".length).trim();
      if (text) {
        p.lastError = clip(text, MAX_MESSAGE_CHARS);
        flushNccl(p, emit);
      } else p.awaitingLast = true;
    }
  };

  /** Lines after `NCCL error in:`: a wrapped location/reason, the `ncclXxxError:` detail, `Last error:` and its text. */
  const continueNccl = (p: PendingNcclError, text: string, emit: Emit): boolean => {
    p.seen++;
    const t = text.trim();
    if (p.awaitingLast) {
      p.lastError = clip(t, MAX_MESSAGE_CHARS);
      flushNccl(p, emit);
      return true;
    }
    const d = NCCL_DETAIL.exec(t);
    if (d) {
      p.ncclError = d[1].startsWith("Unknown") ? null : d[1];
      return false; // the detail line is an error line of its own
    }
    if (t.startsWith("Last error:")) {
      const rest = t.slice("Last error:".length).trim();
      if (rest) {
        p.lastError = clip(rest, MAX_MESSAGE_CHARS);
        flushNccl(p, emit);
      } else p.awaitingLast = true;
      return true;
    }
    if (p.seen <= 2 && !p.reason) {
      // torch's message wrapped after `NCCL error in:` (a pasted or re-flowed block)
      if (!p.where && /^\S+:\d+$/.test(t)) {
        p.where = t.slice(t.lastIndexOf("/") + 1);
        return true;
      }
      if (!EXC_SHAPE.test(t)) {
        const end = t.search(NCCL_REASON_END);
        p.reason = (end >= 0 ? t.slice(0, end) : t).replace(/[,\s]+$/, "") || null;
        p.version ??= NCCL_VERSION.exec(t)?.[1] ?? null;
        return true;
      }
    }
    if (p.seen > 4) flushNccl(p, emit);
    return false;
  };

  /** PyTorch error wording inside a message (a glog message or a plain line). Returns true when it reported an error. */
  const torchMessage = (rec: LogRecord, key: string, msg: string, rank: number | null, pg: string | null, emit: Emit): void => {
    if (msg.includes("Watchdog caught collective operation timeout")) {
      const w = parseWorkNccl(msg);
      emit({
        kind: "torch.watchdog-timeout",
        ev: evidenceOf(rec),
        origin: rec.origin,
        input: rec.input,
        rank: rank ?? rec.origin.rank ?? null,
        pg,
        seqNum: w?.work.seqNum ?? null,
        opType: w?.work.opType ?? null,
        numelIn: w?.work.numelIn ?? null,
        numelOut: w?.work.numelOut ?? null,
        timeoutMs: w?.work.timeoutMs ?? null,
        ranForMs: w?.ranForMs ?? null,
      });
    }
    const wp = msg.includes("last completed NCCL work") ? WORK_PROGRESS.exec(msg) : null;
    if (wp) {
      emit({
        kind: "torch.work-progress",
        ev: evidenceOf(rec),
        origin: rec.origin,
        input: rec.input,
        rank: rank ?? rec.origin.rank ?? null,
        pg,
        atWork: Number(wp[1]),
        lastEnqueued: Number(wp[2]),
        lastCompleted: Number(wp[3]),
      });
    }
    const at = msg.search(NCCL_ERROR_AT);
    if (at >= 0) startNccl(rec, key, msg.slice(at), rank, emit);
  };

  /**
   * XLA (JAX, TensorFlow) returns a failed NCCL call as a Status line of its own: `INTERNAL: .../nccl_utils.cc:275:
   * NCCL operation ncclCommInitRank(&comm, nranks, id, rank) failed: unhandled cuda error` (xla/service/gpu).
   */
  const xlaNcclFailure = (rec: LogRecord, text: string, emit: Emit): boolean => {
    let at = text.includes("NCCL operation ") ? text.search(XLA_NCCL_FAILED) : -1;
    if (at < 0 && text.includes("NCCL communicator")) at = text.search(COMM_CREATE_FAILED);
    if (at < 0) return false;
    emitError(rec, emit, "nccl", text.slice(at).trim());
    return true;
  };

  const readGlog = (rec: LogRecord, key: string, text: string, emit: Emit): boolean => {
    const g = parseGlogHead(text);
    if (!g) return false;
    let msg = g.rest;
    let rank: number | null = null;
    let pg: string | null = null;
    const p = parsePgHead(msg);
    if (p) {
      rank = p.head.rank;
      pg = p.head.pg ?? null;
      msg = p.rest;
    }
    const { level, file, line } = g.head;
    emit({ kind: "torch.log", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, level, file, line, pg, rank, message: clip(msg, MAX_MESSAGE_CHARS) });
    if (level === "E" || level === "F") emitError(rec, emit, "torch", msg);
    else if (level === "W") emitWarning(rec, emit, "torch", msg);
    torchMessage(rec, key, msg, rank, pg, emit);
    return true;
  };

  /** The exception line of an open traceback, or a bare one. */
  const readException = (rec: LogRecord, line: PyLine, a: Assembler | undefined, emit: Emit): void => {
    const type = line.errorType!;
    const message = line.message ?? "";
    const isError = isErrorTypeName(type);
    if (type.startsWith("nccl") && !a) {
      // a bare `ncclInternalError: Internal check failed.` may be followed by `Last error:` and NCCL's WARN text
      lastErrorAfter.set(originKey(rec.origin), { awaiting: false, left: 2 });
      if (lastErrorAfter.size > MAX_ASSEMBLERS) lastErrorAfter.delete(lastErrorAfter.keys().next().value as string);
    }
    if (a && !a.ended) {
      a.ended = { errorType: type, message: clip(message, MAX_MESSAGE_CHARS), ev: evidenceOf(rec), extra: 0 };
      if (isWarningTypeName(type) || a.unraisable) emitWarning(rec, emit, "python", `${type}: ${message}`);
      // a traceback that ends in a message-less stop (`SystemExit:` from vLLM's worker signal handler, a bare
      // `KeyboardInterrupt`) shows the process being stopped, not failing: no error line (`KeyboardInterrupt:
      // terminated`, vLLM's start-up stopped by SIGTERM, keeps its words and stays one)
      else if (!(isStopTypeName(type) && !message.trim())) emitError(rec, emit, "python", message ? `${type}: ${message}` : type, type);
      return;
    }
    const ignored = unraisable.delete(originKey(rec.origin));
    if (isError && message && !ignored) emitError(rec, emit, "python", `${type}: ${message}`, type);
    else if ((isWarningTypeName(type) || ignored) && message) emitWarning(rec, emit, "python", `${type}: ${message}`);
  };

  return {
    name: "python",
    // no frame cut by a wrap, and nothing of this origin's open (a traceback, the code of a cut frame, NCCL error text, a
    // process header, an unraisable's report, a bare ncclXxxError's text): a record of another origin changes none of
    // it, nor one that is no frame (`endedAt` is only asked of a C++ backtrace's lines)
    atRestFor(origin) {
      if (cutFrame !== null) return false;
      if (assemblers.size === 0 && orphanCode.size === 0 && pendingNccl.size === 0 && processHeaders.size === 0 && unraisable.size === 0 && lastErrorAfter.size === 0) return true;
      const k = originKey(origin);
      return !assemblers.has(k) && !orphanCode.has(k) && !pendingNccl.has(k) && !processHeaders.has(k) && !unraisable.has(k) && !lastErrorAfter.has(k);
    },
    read(rec, emit) {
      // a wrapped frame line goes on on the next physical lines, with no prefix of their own: the frame, once whole, is
      // read as its first line's record (its origin, its evidence)
      if (cutFrame) {
        const c = cutFrame;
        cutFrame = null;
        const piece = rec.text.trim();
        if (rec.input === c.rec.input && rec.line === c.last + 1 && !rec.level && rec.origin.process === undefined && rec.origin.pid === undefined && piece && piece.length <= 300) {
          const joined = [`${c.text} ${piece}`, c.text + piece].find((t) => parseFrame(plainFrameQuotes(t.trim())) !== null);
          if (joined) rec = { ...c.rec, text: `${" ".repeat(indentOf(c.rec))}${joined.trim()}` };
          else if (c.pieces < MAX_FRAME_PIECES) {
            cutFrame = { rec: c.rec, text: `${c.text} ${piece}`, last: rec.line, pieces: c.pieces + 1 };
            return true;
          }
        }
      }
      if (rec.level && rec.text.length <= 300 && rec.text.includes("File") && CUT_FRAME_HEAD.test(rec.text)) {
        cutFrame = { rec, text: rec.text.trim(), last: rec.line, pieces: 0 };
        return true;
      }
      let text = rec.text;
      if (text.length > 20 && text.charCodeAt(1) >= 65 && text.charCodeAt(1) <= 90 && DAMAGED_HEAD.test(text)) {
        // read it as the vLLM reader reads a record: an ERROR/CRITICAL message that is not traceback structure is an error
        const close = text.indexOf("] ");
        const word = text.slice(0, text.indexOf(" "));
        rec = { ...rec, text: text.slice(close + 2) };
        text = rec.text;
        const t = text.trimStart();
        const structure = t !== text || !t || t.startsWith("Traceback (most recent call last)") || t.startsWith('File "') || t.startsWith("File \u201c") || /^Process [\w.\-]+(?::\d+)*:$/.test(t);
        if (/(?:RROR|ITICAL)$/.test(word) && !structure) {
          const ex = EXC_SHAPE.test(t) ? t.slice(0, t.indexOf(":")) : undefined;
          emit({ kind: "error", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, source: "vllm", message: clip(t, MAX_MESSAGE_CHARS), ...(ex ? { errorType: ex } : {}) });
        }
      }
      // a launcher's label (srun --label's `N: `, pdsh's `host: `) comes off in the records layer only before a line that
      // says what it is (a traceback's header, frame or exception line): the code and caret lines under a frame keep it,
      // so they came without an origin. The same label then indentation, under an open traceback of that label's origin,
      // is that traceback's line (its separator space counts as on the frame lines)
      if (assemblers.size && text.length > 4 && text.charCodeAt(0) !== 32) {
        const under = underLauncherLabel(rec, assemblers);
        if (under) {
          rec = under;
          text = rec.text;
        }
      }
      const key = originKey(rec.origin);
      const a = assemblers.size ? assemblers.get(key) : undefined;
      if (a && rec.level) a.atError = true;
      const orphan = orphanCode.size ? orphanCode.get(key) : undefined;
      if (orphan !== undefined) orphanCode.delete(key);
      if (!text) {
        // blank lines sit between a chained exception and its separator
        return false;
      }
      const p = pendingNccl.size ? pendingNccl.get(key) : undefined;
      if (p && continueNccl(p, text, emit)) return true;
      const la = lastErrorAfter.size ? lastErrorAfter.get(key) : undefined;
      if (la && continueLastError(la, key, rec, text, emit)) return true;
      if (text.length > 80 && text.indexOf('File "') !== text.lastIndexOf('File "') && readFlatFrames(rec, key, a, text, emit)) return true;
      if (readIpython(rec, key, a, text, emit)) return true;
      if (text.startsWith("Exception ignored ") && UNRAISABLE.test(text)) {
        if (a) flush(a, emit);
        unraisable.add(key);
        if (unraisable.size > MAX_ASSEMBLERS) unraisable.delete(unraisable.values().next().value as string);
        return true;
      }
      // an exception line a user's note in another script runs into with no space (`报错ValueError: No available memory
      // for the cache blocks. ...`, `错误：RuntimeError: ...`): the note is no part of the line, which reports the failure
      if (text.charCodeAt(0) >= 0x2e80 && (!a || a.ended)) {
        const m = CJK_NOTE_THEN_EXC.exec(text);
        if (m && isErrorTypeName(m[2])) {
          emitError(rec, emit, "python", m[1], m[2]);
          return true;
        }
      }
      // an exception line a write-up put in inline code (`` ```ValueError: The number of required GPUs exceeds ...``` ``,
      // `` `RuntimeError: NCCL error ...` ``): the backticks are markdown, the line inside them reports the failure
      if ((text.charCodeAt(0) === 96 || (text.charCodeAt(0) === 32 && text.trimStart().charCodeAt(0) === 96)) && (!a || a.ended)) {
        const m = INLINE_CODE_EXC.exec(text.trimStart());
        if (m && isErrorTypeName(m[3])) {
          emitError(rec, emit, "python", m[2], m[3]);
          return true;
        }
      }
      // the code line under a traceback's last frame and its exception line joined into one (an issue title, a paste
      // whose newline became a space): `raise ValueError("No available memory for the cache blocks. " ValueError: No
      // available memory ...`. The class raised and the class printed are one: a code line never holds its own
      // exception's printed form, so the tail is the exception line.
      if (text.startsWith("raise ") && (!a || a.ended)) {
        const m = RAISE_THEN_EXC.exec(text);
        if (m && isErrorTypeName(m[2])) {
          emitError(rec, emit, "python", `${m[3]}: ${m[4]}`, m[3]);
          return true;
        }
      }
      // a flattened paste whose one frame line runs on into PyTorch's NCCL error (srun's `10: ` labels between the parts:
      // `File "…", line 1906, in broadcast 10: work = … 10: torch.distributed.DistBackendError: NCCL error in: …`): the
      // line reports the failure. (A code line never holds `…Error: NCCL error`, PyTorch's C++ message.)
      if (text.startsWith('File "') && text.includes("NCCL error")) {
        const m = FRAME_THEN_NCCL_ERROR.exec(text);
        if (m) emitError(rec, emit, "torch", `${m[1]}: ${m[2]}`, m[1]);
      }

      // a message handed on by the vLLM reader keeps its indentation; the grammar measures it
      const lead = text.charCodeAt(0) === 32 || text.charCodeAt(0) === 9 ? text.trimStart() : text;
      const c = lead.charCodeAt(0);
      // PyTorch c10/glog records
      if ((c === 91 || c === 73 || c === 87 || c === 69 || c === 70) && lead === text && readGlog(rec, key, text, emit)) return true;

      // the rest of a frame line that a fixed-width paste wrapped inside the function's name (`  File "…/async_llm_engine.py",
      // line 40, in _raise_ex` then `ception_on_finish` flush left): name characters only, right under a frame that has no
      // code line yet. An exception class (`KeyboardInterrupt`, `asyncio.exceptions.CancelledError` under a frame with
      // no source) names a CapWords class last, the rest of a function's name does not
      if (a && !a.ended && a.lastCode === null && a.lastFrameIndent >= 0 && text.length <= 120 && indentOf(rec) <= a.lastFrameIndent) {
        const rest = text.trim();
        // (a bare statement there is the frame's code line, its indentation lost in the paste: `raise`, `return`)
        if (BARE_STATEMENT.test(rest)) {
          a.lastCode = rest;
          return true;
        }
        if (FRAME_NAME_REST.test(rest) && !CLASS_LAST.test(rest)) {
          const frames = a.tail.length ? a.tail : a.frames;
          const last = frames[frames.length - 1];
          if (last) frames[frames.length - 1] = { ...last, func: clip(last.func + rest, 200) };
          return true;
        }
      }

      // traceback structure: only lines whose first characters could be one reach the grammar
      let line: PyLine | null = null;
      const firstIsLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
      const maybePy =
        c === 70 /* F */ ||
        c === 84 /* T */ ||
        c === 80 /* P */ ||
        c === 46 /* . */ ||
        c === 94 /* ^ */ ||
        c === 126 /* ~ */ ||
        c === 91 /* [ */ ||
        c === 68 /* D */ ||
        c === 102 /* f */ ||
        c === 69 /* E */ ||
        text.includes("Traceback (most recent call last)") ||
        // (an exception line a write-up's markdown made a heading: `## ValueError: ...`, `- ## ValueError: ...`)
        ((c === 35 || c === 45 || c === 42 || c === 43) && lead.includes("# ")) ||
        (firstIsLetter && (EXC_SHAPE.test(lead) || (a !== undefined && !a.ended && /^[A-Za-z_][\w.]*$/.test(lead))));
      if (maybePy) line = classifyPythonLine(text);
      if (line && line.kind === "exception" && !EXC_SHAPE.test(c === 35 || c === 45 || c === 42 || c === 43 ? lead.replace(MD_HEADING, "") : lead) && !(a && !a.ended)) line = null;
      // `INFO:     Waiting for application startup.` after a cut traceback is uvicorn's record, not an exception named INFO
      if (line && line.kind === "exception" && LEVEL_WORD.test(line.errorType ?? "")) line = null;
      if (!line && text.includes("Traceback (most recent call last)")) line = { kind: "header", indent: 0 };

      if (line) {
        const indent = indentOf(rec);
        switch (line.kind) {
          case "process-header":
            if (a) flush(a, emit);
            processHeaders.set(key, line.process!);
            if (processHeaders.size > MAX_ASSEMBLERS) processHeaders.delete(processHeaders.keys().next().value as string);
            return true;
          case "header":
            // an exception whose message is a whole traceback (Ray re-raises a remote failure as one, Ray Serve's
            // controller logs `RuntimeError: Traceback (most recent call last):` before the replica's frames): the
            // line names the failure, the frames below it are its message
            if (lead.length < 160) {
              const x = EXC_BEFORE_HEADER.exec(lead);
              if (x && isErrorTypeName(x[1])) emitError(rec, emit, "python", lead.trimEnd(), x[1]);
            }
            if (a && a.ended && a.chained) {
              a.ended = null;
              a.chained = false;
              a.frames = [];
              a.tail = [];
              a.lastFrameIndent = -1;
              a.lastCode = null;
              a.calls = undefined;
              a.indent = indent;
              a.headless = false;
            } else {
              const opened = open(rec, key, indent, false, emit);
              const ipy = lead.length < 200 ? IPY_HEADER.exec(lead.trimEnd()) : null;
              if (ipy) opened.headerType = ipy[1];
            }
            return true;
          case "frame": {
            let cur = a;
            // (a frame without its header sits two spaces in; one pasted flush left keeps its own level, and the one
            // space a process prefix leaves before it (`(Actor pid=7) File "..."`) is no indentation of the traceback's)
            if (!cur || cur.ended) {
              cur = open(rec, key, indent >= 2 ? indent - 2 : indent, true, emit);
              // (the code line just before it, of a frame the window cut, is what called this frame)
              if (orphan !== undefined) cur.lastCode = orphan;
            }
            addFrame(cur, line.frame!);
            cur.lastFrameIndent = indent;
            // one frame whose code and exception a copy joined onto its line (`File "…", line 90, in moe_permute a1q = …
            // torch.AcceleratorError: CUDA error: …`): the traceback ends there
            const head = lead.length > 60 ? ONE_FLAT_FRAME.exec(lead) : null;
            const exc = head ? flatTailException(lead.slice(head[0].length)) : null;
            // (one that runs on into PyTorch's `…Error: NCCL error …` was read as that failure's line above)
            if (exc && !exc.message.startsWith("NCCL error")) {
              const code = lead.slice(head![0].length, head![0].length + exc.at).trim();
              if (code) cur.lastCode = code.length > 200 ? code.slice(0, 200) : code;
              readException(rec, { kind: "exception", indent, errorType: exc.errorType, message: exc.message }, cur, emit);
            }
            return true;
          }
          case "cpp-frame":
            // a c10::Error's C++ backtrace that a worker logged at ERROR, one record a line (vLLM's formatter repeats the
            // header on each line of a message), with no traceback open and none ended on this origin before: the window
            // cut the Python traceback and the exception line it belongs to, so it is a traceback cut at ERROR
            if (!a && rec.level && !endedAt.has(key)) open(rec, key, indentOf(rec), true, emit).cppOnly = true;
            return true;
          case "elision":
          case "marker":
          case "cpp-raised":
            return true;
          case "chain":
            if (a && a.ended) {
              if (a.causes.length < MAX_CAUSES) {
                // (the part's innermost frame is where it was raised: its header resets the frames for the next part)
                const inner = a.tail.length ? a.tail[a.tail.length - 1] : a.frames[a.frames.length - 1];
                a.causes.push({ errorType: a.ended.errorType, message: a.ended.message, ev: a.ended.ev, ...(inner ? { raisedIn: { file: inner.file, func: inner.func } } : {}) });
              }
              a.chained = true;
            }
            return true;
          case "exception":
            // a code line shaped like `x: y` sits deeper than the traceback, and deeper than the frame above it too (Python
            // indents a frame's code two spaces under its `File` line): a line shallower than the frames is none (the
            // frame's own indentation was cut by a paste: ` File "…"` behind a collector's `svc-1  | `, its separator
            // counted with it), nor is an error type's line at the frames' own level (`  torch.distributed.DistStoreError:
            // …` two spaces in, under `  File` lines, as a V0 worker's traceback was pasted)
            if (a && !a.ended && indent > a.indent && !(a.headless && a.lastFrameIndent > indent) && !(a.lastFrameIndent === indent && isErrorTypeName(line.errorType ?? ""))) return true;
            if (a && a.ended && !a.chained) {
              // a message that goes on over several lines (`ncclInvalidUsage: ...` after a DistBackendError)
              if (a.ended.extra < MAX_MESSAGE_LINES) {
                a.ended.extra++;
                readException(rec, line, undefined, emit);
                torchMessage(rec, key, text, null, null, emit);
                return true;
              }
              flush(a, emit);
            }
            // XLA's Status line `INTERNAL: ... NCCL operation ... failed: ...` is shaped like an exception named INTERNAL
            if (!(a && !a.ended) && !isErrorTypeName(line.errorType ?? "") && xlaNcclFailure(rec, text, emit)) return true;
            readException(rec, line, a && !a.ended ? a : undefined, emit);
            torchMessage(rec, key, text, null, null, emit);
            return true;
        }
      }

      // a code line a logger printed (Python code sits four spaces under its frame) with no traceback open: the window
      // cut the frame line above it
      if (!a && rec.level && text.startsWith("    ")) {
        const code = text.trim();
        if (code.length <= 200 && calleeOfCode(code) !== undefined) {
          if (orphanCode.size >= MAX_ASSEMBLERS) orphanCode.delete(orphanCode.keys().next().value as string);
          orphanCode.set(key, code);
        }
      }
      // code lines and message continuations of an open traceback
      if (a) {
        if (!a.ended) {
          if (indentOf(rec) > a.indent) {
            // the first line under a frame is its code (a caret line `^^^^` under it is not)
            if (a.lastCode === null && a.lastFrameIndent >= 0 && indentOf(rec) > a.lastFrameIndent) {
              const code = text.trim();
              if (code && !/^[\^~\s]+$/.test(code)) a.lastCode = code.length > 200 ? code.slice(0, 200) : code;
            }
            return true;
          }
          // a traceback pasted with its indentation lost (`[rank0]: File "…", line 2904, in warmup_model` then
          // `[rank0]: self.warmup_graphs(` flush left): the statement right after a frame, at the frame's own level, is
          // that frame's code line, and the traceback goes on
          if (a.lastCode === null && a.lastFrameIndent === a.indent && indentOf(rec) === a.indent && FLUSH_LEFT_CODE.test(text.trimStart())) {
            const code = text.trim();
            a.lastCode = code.length > 200 ? code.slice(0, 200) : code;
            return true;
          }
          // back at the traceback's own indentation without a `Type: message` line: it was cut off
          flush(a, emit);
        } else if (!a.chained && a.ended.extra < MAX_MESSAGE_LINES) {
          a.ended.extra++;
        } else if (!a.chained) flush(a, emit);
      }

      // PyTorch error lines outside a glog head
      const trimmed = text.trimStart();
      // pydantic's line for each failed check under a `ValidationError` (vLLM validates its configs with pydantic since
      // 0.10): `  Value error, <what the validator raised> [type=value_error, input_value=..., input_type=...]`; pasted on its own it is the error.
      // A paste that kept only the sentence (`Value error, Total number of attention heads (64) must be divisible by tensor
      // parallel size (3).`, the bracketed details cut off) is the same line: its message ends the line with a full stop or bracket
      const pd = (trimmed.charCodeAt(0) === 86 /* V */ || trimmed.charCodeAt(0) === 65) /* A */ ? PYDANTIC_DETAIL.exec(trimmed) : null;
      const typeAt = pd ? trimmed.search(PYDANTIC_TYPE) : -1;
      const tail = typeAt > 0 ? typeAt : pd && PYDANTIC_SENTENCE_END.test(trimmed) && PYDANTIC_VALUES.test(trimmed.slice(pd[0].length)) ? trimmed.length : -1;
      if (pd && tail > 0) {
        const type = pd[1] === "Value error" ? "ValueError" : "AssertionError";
        emitError(rec, emit, "python", `${type}: ${trimmed.slice(pd[0].length, tail).trimEnd()}`, type);
        return true;
      }
      if (trimmed.startsWith("what():")) {
        emitError(rec, emit, "torch", trimmed.slice(7).trim(), "what()");
        torchMessage(rec, key, trimmed, null, null, emit);
        return true;
      }
      if (text.includes("NCCL error")) {
        const at = text.search(NCCL_ERROR_AT);
        // a string literal in a traceback's code line (`raise RuntimeError(f"NCCL error: {error_str}")`) reports nothing
        const quoted = at > 0 && (text.charCodeAt(at - 1) === 34 || text.charCodeAt(at - 1) === 39);
        if (at >= 0 && !quoted) {
          emitError(rec, emit, "torch", text.slice(at));
          torchMessage(rec, key, text, null, null, emit);
          return true;
        }
      }
      // the same message whose head (`…Error: NCCL error in: /path/ProcessGroupN`) a paste or a copy cut off
      const cut = text.includes(", NCCL version ") ? CUT_NCCL_ERROR.exec(text) : null;
      if (cut) {
        emitError(rec, emit, "torch", text.trim());
        startNccl(rec, key, `NCCL error in: ${text.trim()}`, null, emit);
        return true;
      }
      if (xlaNcclFailure(rec, text, emit)) return true;
      if (text.includes("] failed (exitcode: ") && text.length < 2000) {
        const m = ELASTIC_FAILED_CUT.exec(trimmed);
        if (m) {
          emitError(rec, emit, "torch", m[1]);
          return true;
        }
      }
      if (trimmed.startsWith("Fatal Python error: ") && FATAL_PYTHON.test(trimmed)) {
        emitError(rec, emit, "python", trimmed, "Fatal Python error");
        return true;
      }
      if (trimmed.startsWith("*** ") && SIGNAL_HANDLER_HEADER.test(trimmed)) {
        emitError(rec, emit, "other", trimmed);
        return true;
      }
      // pytest's report of a failed test marks the exception's lines with `E` and the indentation of the source lines above
      // them (_pytest/_code/code.py, `get_exconly`: `E       ValueError: ...`, `E   RuntimeError: ...` under --tb=short): the
      // first such line names the exception; the marked lines after it (`E       assert 3 == 4`, `E        +  where ...`)
      // and pytest's own `file.py:12: ValueError` line do not
      if (text.charCodeAt(0) === 69 /* E */ && text.charCodeAt(1) === 32 && text.startsWith("E   ")) {
        const marked = text.slice(1).trimStart();
        const ex = EXC_SHAPE.test(marked) ? parseExceptionLine(marked) : null;
        if (ex && isErrorTypeName(ex.errorType) && !LEVEL_WORD.test(ex.errorType)) {
          emitError(rec, emit, "python", marked, ex.errorType);
          return true;
        }
      }
      // pytest's short test summary (`-r`, on by default for failures and errors): `FAILED <node id> - <Type>: <message>`,
      // `ERROR <node id> - ...`, the message being the first line of the crash pytest reports for the test. It names the
      // exception that failed the test, as the traceback's own last line does
      if ((trimmed.charCodeAt(0) === 70 || trimmed.charCodeAt(0) === 69) /* F E */ && trimmed.includes(".py")) {
        const sm = PYTEST_SUMMARY.exec(trimmed);
        const ex = sm ? parseExceptionLine(sm[1]) : null;
        if (ex && isErrorTypeName(ex.errorType) && !LEVEL_WORD.test(ex.errorType)) {
          emitError(rec, emit, "python", sm![1], ex.errorType);
          return true;
        }
      }
      for (const phrase of TORCH_ERROR_PHRASES) {
        if (text.includes(phrase)) {
          emitError(rec, emit, "torch", text);
          torchMessage(rec, key, text, null, null, emit);
          return true;
        }
      }
      return false;
    },
    end(emit) {
      for (const p of [...pendingNccl.values()]) flushNccl(p, emit);
      for (const a of [...assemblers.values()]) flush(a, emit);
      processHeaders.clear();
      unraisable.clear();
    },
  };
}
