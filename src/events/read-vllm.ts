import { commandOfArray, fastHead, harnessModelArgs, isCommandLine, isEngineCall, shellWord, mayHaveHead, parseConfigDump, parseEngineCall, parseEnvSettings, parseHead, parseLaunch, type DumpKind, type DumpValue, type LaunchLine, type LaunchState, type VllmHead, type VllmLevel } from "../../grammars/vllm.js";
import { ENV_NAME, type EnvVarEvent } from "./env.js";
import { customAllReduceReason, findMessageStart, matchAnywhere, matchGpuLine, matchLogo, matchMessage, matchTopologyStatus, matchEnvEcho, mayBeStats, parseBanner, type MetricsLine, type PhraseMatch } from "../../grammars/vllm-messages.js";
import { evidenceOf, type Evidence, type LogRecord, type Origin } from "../model.js";
import { base, type Emit, type RecordReader } from "./types.js";
import type { ConfigValue, VllmConfigEvent, VllmMarkerEvent, VllmMetricsEvent } from "./vllm.js";
import { createRuntimeFast, createRuntimeTap, isRequestMessage, readStats, type RuntimeLineCounter, type RuntimeTap, type StatsValues } from "./read-runtime.js";
import type { LearnedWrapper } from "./nccl-fast-counter.js";
import { PREFIX_NAME, processNames } from "../records/process-names.js";
import { stripAnsi } from "../records/peel.js";
import { flatTailException, isCppFrame, plainFrameQuotes } from "../../grammars/python.js";
import { CUMEM_ERROR, GGML_GPU_ERROR, RAY_UNHANDLED_ERROR, ROCBLAS_FATAL, ROCR_FAULT } from "../../grammars/signatures.js";

/** a container engine's refusal (see its use in the line reader): the docker CLI's or the NVIDIA container CLI's words */
const CONTAINER_ENGINE_ERROR = /^(?:docker(?:-compose)?: )?(Error response from daemon: \S.*|nvidia-container-cli: [a-z]+ error: \S.*)$/;

/**
 * Reads vLLM's own records: the logger prefix of every era (grammars/vllm.ts), config dumps (also when
 * hard-wrapped onto following lines), the phrase table (grammars/vllm-messages.ts), uvicorn's readiness
 * line, pasted command lines, and the engine / executor markers in file names and traceback paths.
 * ERROR/CRITICAL records that are not traceback structure become `error` events, WARNING records `warning`
 * events. A vLLM record is handed on as its message, so the python reader can fold tracebacks logged at
 * ERROR level.
 */
export function createVllmReader(opts: { othersAtRest?: (origin: Origin) => boolean } = {}): RecordReader & {
  fast: RuntimeLineCounter;
  /** the record at hand, read by every reader (this one too), made no event and left each reader at rest (see learnQuiet in src/events/read-runtime.ts) */
  noteQuiet: (rec: LogRecord) => void;
  /** this reader holds nothing the next record could continue or close */
  atRest: () => boolean;
  /** a record a terminal hard-wrapped, joined again (src/events/wrapped.ts): the phrase only the join states */
  readJoined: (joined: LogRecord, halves: [string, string], emit: Emit) => void;
  /** does the joined record state a phrase neither half does */
  joinedPhrase: (joined: LogRecord, halves: [string, string]) => boolean;
} {
  const markers = new Set<string>();
  let pending: PendingDump | null = null;
  const metrics = new MetricsTally();
  const other: OtherState = { launch: null, flagLines: false, call: null, list: null, script: null, envName: null, gpus: new Set() };
  const endCall = (emit: Emit): void => {
    const call = other.call;
    other.call = null;
    if (call) readCall(call.rec, call.text, emit);
  };
  // a command array a paste left open (its closing line cut, or another record after it): the items read so far
  const endArray = (emit: Emit): void => {
    const a = other.array;
    other.array = null;
    if (a) readArray(a, emit, other);
  };
  const runtime = createRuntimeTap((rec, m) => metrics.add(rec, m));
  const atRest = () => pending === null && cut === null && other.launch === null && !other.flagLines && other.call === null && other.list === null && other.script === null && !other.array && other.envName === null;
  /** wrapped stats records read so far without their GPU KV cache usage (see joinedStats) */
  const held: string[] = [];
  /**
   * a stats record a terminal may have cut: it stops before the GPU KV cache usage every version prints (`... Running:
   * 32 r`), or after it but not at the end of a field (`GPU KV cache usage: 1`): held until the next line, which may be
   * its rest (`eqs, Swapped: 0 reqs, ... GPU KV cache usage: 17.6%, ...`, read then as one record by readJoined);
   * `grown`: the line at hand continued it, the join still unfinished
   */
  let cut: { rec: LogRecord; msg: string; v: StatsValues; hasHead: boolean; tally: boolean; grown: boolean } | null = null;
  const flushCut = (emit: Emit) => {
    if (!cut) return;
    const c = cut;
    cut = null;
    if (c.tally) metrics.add(c.rec, c.v);
    runtime.stats(c.rec, c.msg, c.v, c.hasHead, emit);
  };
  /** a stats record read: counted, or held while a terminal may have cut it (`tally`: told to the metrics summary too) */
  const statsRecord = (rec: LogRecord, msg: string, v: StatsValues, hasHead: boolean, tally: boolean, emit: Emit) => {
    flushCut(emit);
    // V0's stats line (vllm/engine/metrics.py, and llm_engine.py before it) counts `Swapped:` and `Pending:`; V1's
    // (vllm/v1/metrics/loggers.py) has always said `Waiting:` and has no swap: the form alone tells the engine, whatever
    // the header (0.8–0.10's bracketed `[metrics.py:481]`, a custom logging format, none)
    if (v.v0) marker(rec, { marker: "stats:V0 form (Swapped/Pending)", engine: "v0", strength: 2 }, emit);
    if (rec.raw.length >= CUT_STATS_MIN && !wholeStats(msg)) {
      cut = { rec, msg, v, hasHead, tally, grown: false };
      return;
    }
    if (tally) metrics.add(rec, v);
    runtime.stats(rec, msg, v, hasHead, emit);
  };

  const marker = (rec: LogRecord, m: Omit<VllmMarkerEvent, "kind" | "ev" | "origin" | "input">, emit: Emit) => {
    const key = `${m.marker}|${m.engine ?? ""}|${m.backend ?? ""}${m.expertParallel ? "|ep" : ""}${m.platform ? `|${m.platform}` : ""}`;
    if (markers.has(key)) return;
    markers.add(key);
    emit({ kind: "vllm.marker", ...base(rec, evidenceOf(rec)), ...m });
  };

  const flush = (emit: Emit) => {
    if (!pending) return;
    const p = pending;
    pending = null;
    emitDump(p, emit);
  };

  /** the message just read was a stats line */
  let statsRead = false;
  /** reads one vLLM record; true when it was a runtime line that no later reader needs (see createRuntimeFast) */
  const readRecord = (rec: LogRecord, head: VllmHead, emit: Emit): boolean | void => {
    const msg = head.message;
    runtime.clock(head.date, head.time);
    fileMarkers(rec, head, emit, marker);
    // a process prefix the peel could not take off, inside a wrapper's text before the level
    // (`07:29:02 [INFO] [job] (EngineCore_DP0 pid=497) INFO ...`, ANSI rendered as HTML `<b>(Worker_TP0 pid=9)</b>`)
    if (head.leading.length > 8 && head.leading.indexOf(" pid=") > 0) leadingMarkers(rec, head.leading, emit, marker);
    // a paste that lost its line breaks puts the launch command in front of the first record, on one line
    // (`user@host:~$ python -m vllm.entrypoints.openai.api_server --tensor-parallel-size 4 ... INFO 05-22 23:31:03 llm_engine.py:100] ...`)
    if (head.leading.length > 20 && head.leading.indexOf(" --") > 0 && isCommandLine(head.leading)) readLeadingLaunch(rec, head.leading, emit);
    // the prefix without `[` is vLLM ≤0.7.3, where V0 is the engine unless a V1 marker says otherwise; but not on a
    // record that shows no engine (see engineless)
    if (!head.bracket && !engineless(head.file, msg)) marker(rec, { marker: "format:unbracketed-prefix", engine: "v0", strength: 1 }, emit);
    const level = head.level;
    if (msg.indexOf("RayWorker") >= 0 || msg.indexOf("EngineCoreActor") >= 0) rayActorNameMarker(rec, msg, emit, marker);
    if (level === "ERROR" || level === "CRITICAL") {
      if (msg.indexOf("RayChannel") >= 0 || msg.indexOf("compiled_dag_node") >= 0 || msg.indexOf("experimental") >= 0) compiledGraphMarker(rec, msg, emit, marker);
      if (msg.charCodeAt(0) === 32 && msg.indexOf("[FUNC:") > 0 && CANN_ERROR_DETAIL.test(msg)) {
        emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "vllm", message: msg.trimStart() });
      } else if (!isTracebackStructure(msg)) {
        const et = /^((?:[A-Za-z_][\w.]*)?(?:Error|Exception|Exit|Interrupt))(?::|$)/.exec(msg);
        emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "vllm", ...(et ? { errorType: et[1] } : {}), message: msg });
        // an exception line names modules and classes too (`ray.exceptions.RayTaskError(...): ray::RayWorkerWrapper...`)
        // (and the multiprocessing executor's `WorkerProc failed to start.`, which names no error type)
        // (and the Ray executor's GPU check, whose text a logger may print without its ValueError)
        if (et || msg.indexOf("Error") >= 0 || msg.indexOf("WorkerProc ") >= 0 || (msg.indexOf(" GPU") >= 0 && RAY_GPU_CHECK.test(msg))) pathMarkers(rec, msg, 2, emit, marker);
      } else if (msg.length > 8) {
        pathMarkers(rec, msg, 2, emit, marker);
        actorClassMarker(rec, msg, emit, marker);
      }
    } else if (level === "WARNING") {
      emit({ kind: "warning", ...base(rec, evidenceOf(rec)), source: "vllm", message: msg });
    }
    // the command line of launcher.py's shutdown notice (`port 8000 is used by process ... launched with command:` then the
    // process's argv joined by spaces, which vLLM's formatter prints as a record of its own with the same prefix): the
    // server's own launch (vllm/entrypoints/launcher.py, DEBUG ≤0.8, WARNING later). Read as a pasted command, below every
    // config echo of the engine's (it may name another process holding the port, in the versions that print it on a bind
    // failure too)
    if (LAUNCHER_FILE.test(head.file) && msg.indexOf(" --") > 0 && isCommandLine(msg)) readLeadingLaunch(rec, msg, emit);
    statsRead = false;
    readMessage(rec, msg, level, head.file, emit);
    // a request line (what follows its words is the client's) and a stats line are no later reader's
    return level === "INFO" && (statsRead || isRequestMessage(msg));
  };

  /**
   * A vLLM message, with or without the logger header (`level`/`file` null without one): VLLM_CONFIGURE_LOGGING=0,
   * a custom logging format or a pasted excerpt give the same facts as the header-prefixed record.
   */
  const readMessage = (rec: LogRecord, msg: string, level: VllmLevel | null, file: string | null, emit: Emit): boolean => {
    if (msg.length === 0) return false;
    // request, preemption, spec-decoding lines of the running server (facts.runtime), before the stats line: a
    // request's id and prompt are the client's and may quote anything
    if (runtime.message(rec, msg, emit)) return level === "INFO";
    const c = msg.charCodeAt(0);
    if (mayBeStats(msg)) {
      const v = readStats(msg);
      if (v) {
        statsRecord(rec, msg, v, true, true, emit);
        statsRead = true;
        return true;
      }
    }
    // config dumps
    if ((c === 73 /* I */ && msg.startsWith("Initializing ")) || (c === 68 /* D */ && msg.startsWith("Dumping input data for ")) || (c === 86 /* V */ && / LLM engine /.test(msg.slice(2, 14)))) {
      const b = parseBanner(msg);
      if (b) {
        const engine = b.engine ?? (file === null ? null : file.endsWith("core.py") || file.startsWith("v1/") ? "v1" : "v0");
        const facts: Record<string, string> = engine ? { "vllm.engine": engine } : {};
        // without the logger's file, `an LLM engine` is V0's wording (V1 used it too only while opt-in, v0.6.5–v0.7.0): a weak marker
        if (!engine) marker(rec, { marker: "phrase:Initializing an LLM engine", engine: "v0", strength: 1 }, emit);
        if (b.version) facts["vllm.version"] = b.version;
        emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: "banner", facts, priority: b.engine ? 9 : 8, level, message: clipMsg(msg) });
        startDump(rec, b.dump, "banner", emit);
        return true;
      }
      // the banner cut right after its version (`Initializing an LLM engine (v0.3.3)`, a window's or a terminal's end:
      // vLLM's message goes on with ` with config: ...`): the version and the engine's wording, no dump
      const cut = BANNER_CUT_AT_VERSION.exec(msg);
      if (cut) {
        const engine = cut[1] === "a V0" ? "v0" : cut[1] === "a V1" ? "v1" : file === null ? null : file.endsWith("core.py") || file.startsWith("v1/") ? "v1" : "v0";
        if (!engine) marker(rec, { marker: "phrase:Initializing an LLM engine", engine: "v0", strength: 1 }, emit);
        const facts: Record<string, string> = { "vllm.version": cut[2], ...(engine ? { "vllm.engine": engine } : {}) };
        emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: "banner", facts, priority: 7, level, message: clipMsg(msg) });
        return true;
      }
    }
    if (c === 110 /* n */ && msg.startsWith("non-default args: {")) {
      startDump(rec, msg.slice("non-default args: ".length), "dict", emit);
      return true;
    }
    if (c === 97 /* a */ && msg.startsWith("args: Namespace(")) {
      startDump(rec, msg.slice("args: ".length), "namespace", emit);
      return true;
    }
    const hit = matchMessage(msg) ?? matchLogo(msg) ?? (msg.indexOf("P2P") >= 0 || msg.indexOf("ll-reduce") >= 0 || msg.indexOf("llreduce") >= 0 ? matchTopologyStatus(msg) : null);
    if (hit) emitPhrase(rec, hit, level, msg, emit, marker);
    else if (level !== null && msg.length > 8 && level !== "ERROR" && level !== "CRITICAL" && msg.charCodeAt(0) === 32) pathMarkers(rec, msg, 2, emit, marker);
    // V0's multiprocessing front end and engine name themselves in their own records (vllm/engine/multiprocessing/:
    // `Waiting for output from MQLLMEngine.`, `MQLLMEngine is already dead, terminating server process`); V1 has no such class
    else if (level !== null && msg.indexOf("MQLLMEngine") >= 0 && /\bMQLLMEngine\b/.test(msg)) marker(rec, { marker: "name:V0 engine class", engine: "v0", strength: 1 }, emit);
    // a V1 object or class printed in a message (`Methods ... not implemented in <vllm.v1.worker.gpu_worker.Worker object
    // at 0x7f..>`, `<class 'vllm.v1.engine.core.EngineCore'>`): V1 code runs in this process
    if (level !== null && msg.indexOf("vllm.v1.") >= 0 && V1_OBJECT.test(msg)) marker(rec, { marker: "object:vllm.v1.", engine: "v1", strength: 2 }, emit);
    return hit !== null;
  };

  /** A record without vLLM's header: its message when a phrase of the table starts it (or starts after a foreign header). */
  const readBare = (rec: LogRecord, emit: Emit): boolean | LogRecord => {
    const text = rec.text;
    if (text.length < 10 || text.length > MAX_BARE_CHARS) return false;
    if (text.indexOf("(") >= 0) eatenPrefixMarker(rec, text, emit, marker);
    if (text.indexOf("RayWorker") >= 0 || text.indexOf("EngineCoreActor") >= 0) rayActorNameMarker(rec, text, emit, marker);
    if (text.charCodeAt(0) === 91 /* [ */) {
      // the tail of a ≥0.8 header whose level and time a paste cut off (`[multiproc_executor.py:492] ValueError: ...`):
      // the level is lost, so only an exception line counts as an error
      const cut = CUT_HEAD.exec(text);
      if (cut) {
        const msg = text.slice(cut[0].length);
        const et = CUT_HEAD_EXCEPTION.exec(msg);
        if (et) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "vllm", errorType: et[1], message: clipMsg(msg) });
        readMessage(rec, msg, null, cut[1], emit);
        return false;
      }
    }
    // a vLLM logger's record in another logging format: its level counts as the header's would
    const foreign = foreignHeader(rec);
    if (foreign) {
      // a peeled wrapper that names the record's logger names vLLM's module (VLLM_LOGGING_CONFIG_PATH with `%(name)s`,
      // under syslog too: `Apr  3 17:38:52 host app[9]: 2025-04-03 17:38:52,710 - vllm.v1.metrics.loggers - INFO - Avg ...`)
      if (foreign.length === 0 && rec.raw.lastIndexOf("vllm.v1.", rec.raw.length - text.length) >= 0) marker(rec, { marker: "logger:vllm.v1.", engine: "v1", strength: 2 }, emit);
      const level = foreign.level;
      const msg = foreign.fileTail ? text.slice(foreign.length).replace(FILE_TAIL, "") : text.slice(foreign.length);
      // the module the record came from, as vLLM's own header names its file (`multiproc_worker_utils.py`: the executor)
      if (foreign.file) fileMarkers(rec, { file: foreign.file } as VllmHead, emit, marker);
      if (level === "ERROR" || level === "CRITICAL") {
        if (!isTracebackStructure(msg)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "vllm", message: clipMsg(msg) });
      } else if (level === "WARNING") emit({ kind: "warning", ...base(rec, evidenceOf(rec)), source: "vllm", message: clipMsg(msg) });
      readMessage(rec, msg, level, foreign.file ?? null, emit);
      // a traceback logged through that format (its frames and code lines, one record each): handed on, as a vLLM
      // header's message is, for the python reader to fold (the record's exception line stays this reader's error)
      return msg.length > 0 && isTracebackStructure(msg) ? { ...rec, text: msg, ...(level === "ERROR" || level === "CRITICAL" ? { level } : {}) } : true;
    }
    // uvicorn's level prefix on an engine's own record (Aphrodite, a fork of vLLM that logs this way: `INFO:     # GPU
    // blocks: 17194, # CPU blocks: 4096`): read when a phrase of vLLM's follows it (not uvicorn's access lines)
    if (text.charCodeAt(0) === 73 /* I */ && text.startsWith("INFO:  ") && !UVICORN_REQUEST.test(text)) {
      const msg = text.slice(5).trimStart();
      if (matchMessage(msg)) return readMessage(rec, msg, "INFO", null, emit) !== false;
    }
    // a benchmark script of vLLM's printing the arguments it parsed (`print(args)` in benchmark_throughput.py and
    // `vllm bench`): `Namespace(subparser='bench', bench_type='throughput', ..., model='m', ..., tensor_parallel_size=1, ...)`
    if (text.charCodeAt(0) === 78 /* N */ && text.startsWith("Namespace(") && ENGINE_ARG.test(text)) {
      startDump(rec, text, "namespace", emit);
      return true;
    }
    const at = findMessageStart(text);
    if (at < 0) return false;
    return readMessage(rec, at === 0 ? text : text.slice(at), null, null, emit) !== false;
  };

  const startDump = (rec: LogRecord, text: string, kind: DumpKind, emit: Emit) => {
    const d: PendingDump = { rec, text, kind, parts: 0 };
    if (isClosed(text, kind)) emitDump(d, emit);
    else pending = d;
  };

  return {
    name: "vllm",
    read(rec, emit) {
      const text = rec.text;
      // (the line after a held stats record: its rest, joined already, or a record of its own)
      if (cut) {
        if (cut.grown) cut.grown = false;
        else flushCut(emit);
      }
      if (pending?.joinedTail !== undefined) {
        // the line a join ended with: its text is in the dump already
        const tail = pending.joinedTail;
        pending.joinedTail = undefined;
        if (tail === text.trim()) return true;
      }
      if (pending) {
        // a banner whose dump a paste put on the next lines, inside a code fence
        if (pending.parts === 0 && pending.text.trim() === "" && /^(?:`{3,}|~{3,})[\w-]*\s*$/.test(text)) return true;
        // a dump hand-wrapped with a hanging indent (`    dtype=torch.bfloat16, max_seq_len=4096,`): its pairs, after a blank
        if (pending.parts < 6 && HANGING_PAIRS.test(text) && INDENTED.test(rec.raw.slice(0, rec.raw.lastIndexOf(text)))) {
          pending.text += " " + text.trim();
          pending.parts++;
          if (isClosed(pending.text, pending.kind)) flush(emit);
          return true;
        }
        if (pending.parts < 6 && isContinuation(text)) {
          // (a terminal editor or pager that marks its wrap with a backslash at the cut, Emacs's continuation glyph:
          // `dtype=torch.bfloat16, max_seq_len=128, download_di\` / `r=None, ..., tensor_parallel_size=2, ...`)
          pending.text = (WRAP_MARK.test(pending.text) ? pending.text.slice(0, -1) : pending.text) + text;
          pending.parts++;
          if (isClosed(pending.text, pending.kind)) flush(emit);
          return true;
        }
        // a dump an author reflowed at its separators, every piece under a hanging indent (`INFO 09-20 15:54:42
        // llm_engine.py:223] ` / `    Initializing an LLM engine (v0.6.1.post2) ` / `    with config: model='m', ` /
        // `    max_seq_len=4096, download_dir=None, ...`): an indented piece continues it while the text so far ends at a comma
        if (pending.parts < MAX_HANGING_PIECES && hangingIndent(rec) && /,\s*$/.test(pending.text) && DUMP_PIECE.test(text.trimStart())) {
          pending.text = `${pending.text.trimEnd()} ${text.trim()}`;
          pending.parts++;
          if (isClosed(pending.text, pending.kind)) flush(emit);
          return true;
        }
        flush(emit);
      }
      // a uvicorn access line: its request is the client's, where no header or phrase is looked for
      // (a pasted command line or call left open is continued after it, as it is after a counted one)
      if (text.charCodeAt(4) === 58 /* : */ && runtime.other(rec, text, emit)) {
        // a flattened paste: the access line runs on into the server's next records (`... 200 OK (APIServer pid=9) INFO
        // 09-11 06:22:48 [loggers.py:123] Engine 000: Avg prompt throughput: ...`); they are read from the first header
        // after the request's closing quote (the request itself is the client's)
        const q = text.length > 120 ? text.indexOf('" ', text.indexOf(' - "') + 4) : -1;
        const next = q > 0 ? nextRecordStart(text.slice(q)) : -1;
        if (next >= 0) this.read({ ...rec, text: text.slice(q + next + 1) }, emit);
        return true;
      }
      let head = fastHead(text);
      if (!head && mayHaveHead(text)) head = parseHead(text);
      if (!head && text.length >= 40) {
        // a flattened paste whose first record follows other text (a sentence, an inline fence): the text before it
        // is read as a bare record, the records from that header on as below
        const at = nextRecordStart(text);
        if (at > 0) {
          head = fastHead(text.slice(at + 1));
          if (head) {
            const lead = text.slice(0, at);
            readBare({ ...rec, text: lead }, emit);
            // the text before it may be the launch command, its output run onto the same line
            if (lead.indexOf(" --") > 0 && isCommandLine(lead)) readLeadingLaunch(rec, lead, emit);
          }
        }
      }
      if (!head) {
        appErrorRecord(rec, emit);
        const c0 = text.charCodeAt(0);
        if ((c0 === 84 /* T */ || c0 === 78 /* N */ || c0 === 66 /* B */) && VLLM_RAISE_ONLY.test(text)) {
          emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "vllm", errorType: "ValueError", message: clipMsg(text) });
        }
        // SGLang's error-only records (see SGLANG_ERROR_ONLY), stamped or not: lines that report a failure though they
        // name no level
        if ((c0 === 91 /* [ */ || c0 === 83 /* S */ || c0 === 84 /* T */ || c0 === 68 /* D */ || c0 === 69 /* E */ || c0 === 77 /* M */ || c0 === 82 /* R */) && (text.indexOf(" hit an exception:") > 0 || text.indexOf("Exception in ModelTpServer:") >= 0 || text.indexOf("Received sigquit from a child") >= 0) && SGLANG_ERROR_ONLY.test(text)) {
          emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(c0 === 91 ? text.slice(text.indexOf("] ") + 2) : text) });
        }
        // LMDeploy's own ERROR records (see LMDEPLOY_PEELED_ERROR): the level is in the header the peel took off
        if (rec.raw.length > text.length && rec.raw.indexOf(" - lmdeploy - ") >= 0) {
          const at = rec.raw.lastIndexOf(text);
          if (at > 0 && LMDEPLOY_PEELED_ERROR.test(rec.raw.slice(Math.max(0, at - 64), at)) && !isTracebackStructure(text)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(text) });
        }
        const bare = readBare(rec, emit);
        if (!bare) return readOther(rec, emit, marker, other, runtime, statsRecord);
        // a message ends a command or call that a paste left open (the call's arguments so far are read)
        other.launch = null;
        other.flagLines = false;
        endCall(emit);
        endArray(emit);
        other.list = null;
        return bare === true ? false : bare;
      }
      other.flagLines = false;
      endArray(emit);
      if (other.list) {
        const list = other.list;
        other.list = null;
        readWords(list.rec, list.words.join(" "), emit, other);
      }
      endScript(other, emit);
      // (a request line's id and prompt are the client's: a record quoted there is no record)
      const next = isRequestMessage(head.message) ? -1 : nextRecordStart(head.message);
      if (next < 0) {
        if (readRecord(rec, head, emit) === true) return true;
        // (a traceback logged at ERROR is a failure's, whatever window of it the paste holds)
        return head.level === "ERROR" || head.level === "CRITICAL" ? { ...rec, text: head.message, level: head.level } : { ...rec, text: head.message };
      }
      // a flattened paste: several records on one line
      let rest = head.message;
      let cur: VllmHead | null = { ...head, message: rest.slice(0, next).trimEnd() };
      rest = rest.slice(next + 1);
      // the flattening took the indentation of a traceback's code lines: a message right after a `File "…", line N,
      // in f` frame (or after the cut tail of one, before the first header) is the frame's code line
      let afterFrame = FRAME_TAIL.test(head.leading);
      for (let guard = 0; cur && guard < 200; guard++) {
        if (afterFrame) cur = codeLine(cur);
        afterFrame = FRAME_TAIL.test(cur.message) && /^\s*File "/.test(cur.message);
        readRecord(rec, cur, emit);
        if (pending) flush(emit);
        const h = fastHead(rest);
        if (!h) break;
        const n = nextRecordStart(h.message);
        if (n < 0) {
          cur = afterFrame ? codeLine(h) : h;
          rest = "";
          readRecord(rec, cur, emit);
          break;
        }
        cur = { ...h, message: h.message.slice(0, n).trimEnd() };
        rest = h.message.slice(n + 1);
      }
      return true;
    },
    joinedPhrase(joined, [a, b]) {
      if (joinedBanner(joined.text, a) && pending === null) return true;
      const st = joinedStats(joined.text, a, b, held, cut?.rec.text);
      if (st?.defer) {
        // (the next line may bring the rest; the last few held joins are kept, one for each way the lines were joined)
        held.push(joined.text);
        if (held.length > 4) held.shift();
        // (held in place of its first part: read as it is unless the next line brings the rest)
        cut = { rec: joined, msg: st.msg, v: st.v, hasHead: fastHead(joined.text) !== null, tally: true, grown: true };
        return false;
      }
      if (st) return true;
      const hit = joinPhrase(joined.text);
      return hit !== null && joinPhrase(a)?.id !== hit.id && joinPhrase(b)?.id !== hit.id;
    },
    readJoined(joined, [a, b], emit) {
      // a banner wrapped before its version (`... Initializing a V1 LLM engine` / `    (v0.19.1) with config: model='m', ...`):
      // its dump is read from the join on, over the lines that follow it (the line at hand is in the join already)
      const banner = pending === null ? joinedBanner(joined.text, a) : null;
      if (banner) {
        const facts: Record<string, string> = banner.engine ? { "vllm.engine": banner.engine } : {};
        if (banner.version) facts["vllm.version"] = banner.version;
        emit({ kind: "vllm.message", ...base(joined, evidenceOf(joined)), id: "banner", facts, priority: banner.engine ? 9 : 8, level: null, message: clipMsg(joined.text) });
        startDump(joined, banner.dump, "banner", emit);
        if (pending !== null) (pending as PendingDump).joinedTail = b.trim();
        return;
      }
      // a stats record a terminal cut in two (`... Avg generation throug` / `hput: 834.0 tokens/s, Running: 39 reqs, ...`):
      // read once, as a record without its clock (no shape is learnt from a join)
      const st = joinedStats(joined.text, a, b, held, cut?.rec.text);
      if (st && !st.defer) {
        // (the record held whole is this join's first part: the join is read in its place, with its clock)
        // (a join whose first line has a vLLM header was read with that header's clock)
        const hasHead = fastHead(joined.text) !== null;
        if (cut !== null && (a === cut.rec.text || held.includes(a))) cut = null;
        metrics.add(joined, st.v);
        runtime.stats(joined, st.msg, st.v, hasHead, emit, false);
        return;
      }
      const hit = joinPhrase(joined.text);
      if (!hit || joinPhrase(a)?.id === hit.id || joinPhrase(b)?.id === hit.id) return;
      emit({ kind: "vllm.message", ...base(joined, evidenceOf(joined)), id: hit.id, facts: hit.facts, priority: hit.priority ?? 8, level: null, message: clipMsg(joined.text) });
    },
    // a request line closes a config dump left open and a pasted list of words (it is no part of them): the fast path
    // leaves such a line to the ordinary way
    fast: createRuntimeFast(runtime.fast, atRest, (origin) => opts.othersAtRest?.(origin) ?? false),
    noteQuiet: runtime.learnQuiet,
    atRest,
    end(emit) {
      flush(emit);
      flushCut(emit);
      // a call the paste cut (`AsyncEngineArgs(model='m', ..., tokenizer_pool_size=0,` as the last line)
      endCall(emit);
      endArray(emit);
      if (other.list) {
        const list = other.list;
        other.list = null;
        readWords(list.rec, list.words.join(" "), emit, other);
      }
      endScript(other, emit);
      runtime.end(emit);
      const m = metrics.event();
      if (m) emit(m);
    },
  };
}

/** Marks the engine generation and executor from process prefixes; runs before any reader claims a record. */
export function createVllmOriginObserver(): ((rec: LogRecord, emit: Emit) => void) & { quiet: (w: LearnedWrapper) => boolean } {
  let lastKey = "";
  let rayDedupWorker = false;
  let driverNodeWorker = false;
  const seen = new Set<string>();
  const observe = (rec: LogRecord, emit: Emit) => {
    const o = rec.origin;
    if (o.process === undefined) return;
    // nested prefixes keep only the innermost name in the origin: read every `(Name pid=N...)` the peel took off
    // (only the wrappers before the text: a prefix glued inside a cut record's text is not this record's)
    const at = rec.text ? rec.raw.indexOf(rec.text) : -1;
    const wrappers = at >= 0 ? rec.raw.slice(0, at) : rec.raw;
    // an inner prefix under the same outer process (`(EngineCore_0 pid=7) (VllmWorker TP0 pid=9) `) is news too
    const inner = wrappers.indexOf(" pid=") !== wrappers.lastIndexOf(" pid=");
    // Ray's log monitor folds the same line from several actors into one with `[repeated Nx across cluster]`: a bare
    // `(Worker pid=N)` outermost on such a line is a Ray actor of class `Worker` (vLLM 0.1-0.2's Ray worker), never V1's
    // multiprocessing worker, whose lines reach the terminal without Ray (under a Ray actor, that actor's prefix is outermost)
    if (o.process === "Worker" && o.repeated !== undefined && !inner && !rayDedupWorker) {
      rayDedupWorker = true;
      emit({ kind: "vllm.marker", ...base(rec, evidenceOf(rec)), marker: "dedup:Ray actor Worker", engine: "v0", backend: "ray", strength: 2 });
    }
    // Ray writes `ip=` on an actor's lines only when the actor runs on another node than the driver
    if (!driverNodeWorker && o.ip === undefined && RAY_WORKER_ACTOR.test(o.process)) {
      driverNodeWorker = true;
      emit({ kind: "vllm.marker", ...base(rec, evidenceOf(rec)), marker: "ray:worker on the driver's node", backend: "ray", driverNodeWorker: true, strength: 3 });
    }
    const key = `${o.process}|${o.pid ?? ""}|${o.ip ?? ""}`;
    if (key === lastKey && !inner) return;
    lastKey = key;
    for (const name of processNames(o.process, wrappers)) {
      if (seen.has(name)) continue;
      if (name === "Worker" && rayActorOffNode(wrappers)) continue;
      seen.add(name);
      const hint = processHint(name);
      if (!hint) continue;
      emit({ kind: "vllm.marker", ...base(rec, evidenceOf(rec)), marker: `prefix:${name.replace(/[ _]?(?:rank=\d+|\d+|TP\d+|PP\d+|DP\d+|EP\d+)/g, "")}`, strength: 3, ...hint });
    }
  };
  /** `observe` would say nothing of a record behind this wrapper of the fast path; takes note of it as `observe` would */
  const quiet = (w: LearnedWrapper): boolean => {
    const o = w.origin;
    if (o.process === undefined) return true;
    if (!driverNodeWorker && o.ip === undefined && RAY_WORKER_ACTOR.test(o.process)) return false;
    const key = (w.memo.key ??= `${o.process}|${o.pid ?? ""}|${o.ip ?? ""}`);
    // the names first: a nested wrapper shares its outer process's key but may name a new inner process
    if (!w.memo.namesSeen) {
      for (const name of processNames(o.process, w.wrapper)) if (!seen.has(name)) return false;
      w.memo.namesSeen = true;
    }
    if (key === lastKey) return true;
    lastKey = key;
    return true;
  };
  return Object.assign(observe, { quiet });
}

function leadingMarkers(rec: LogRecord, leading: string, emit: Emit, marker: MarkerFn): void {
  for (const m of leading.matchAll(PREFIX_NAME)) {
    const name = m[1].trim();
    if (name === "Worker" && rayActorOffNode(leading)) continue;
    const hint = processHint(name);
    if (hint) {
      marker(rec, { marker: `prefix:${name.replace(/[ _]?(?:rank=\d+|\d+|TP\d+|PP\d+|DP\d+|EP\d+)/g, "")}`, strength: 3, ...hint }, emit);
    }
  }
}

/**
 * `(Worker pid=N, ip=A.B.C.D)`: Ray's prefix for an actor of class `Worker` on another node, which any Ray job may
 * run (a collective test, a trainer); vLLM's multiprocessing `(Worker pid=N)` never carries an ip, so the bare name
 * says nothing of vLLM's engine or executor there.
 */
function rayActorOffNode(wrappers: string): boolean {
  return /\(Worker pid=\d+, ip=/.test(wrappers);
}

/** a Python object or class repr of a V1 module: `<vllm.v1.worker.gpu_worker.Worker object at 0x7f..>`, `<class 'vllm.v1.x.Y'>` */
const V1_OBJECT = /<(?:class ')?vllm\.v1\.[\w.]+(?: object at 0x|'>)/;

// a wrapper that re-logs vLLM's lines through its own pattern can eat a process prefix's `pid=N) LEVEL`, leaving the name
// right before vLLM's date (Dynamo 0.1's worker: `INFO dynamo_engine_vllm::worker: VLLM: (VllmWorkerProcess 04-23 11:32:58
// model_runner.py:1115] Loading model weights took 8.4974 GB`): the name still tells the process, a little less surely
const EATEN_PREFIX = /\(([A-Za-z_]\w*(?: rank=\d+| TP\d+)?) \d\d-\d\d \d\d:\d\d:\d\d /;

function eatenPrefixMarker(rec: LogRecord, text: string, emit: Emit, marker: MarkerFn): void {
  const m = EATEN_PREFIX.exec(text);
  const hint = m ? processHint(m[1]) : null;
  if (hint) marker(rec, { marker: `prefix:${m![1].replace(/[ _]?(?:rank=\d+|\d+|TP\d+)/g, "")}`, strength: 2, ...hint }, emit);
}

/**
 * Ray's RayActorError / ActorDiedError names the dead actor's class on a line of its own (`\tclass_name: RayWorkerWrapper`),
 * bare or inside the vLLM record that logged the exception (`ERROR 05-06 14:20:15 [core.py:387]      class_name: RayWorkerWrapper`)
 */
function actorClassMarker(rec: LogRecord, text: string, emit: Emit, marker: MarkerFn): void {
  const c = text.charCodeAt(0);
  if ((c !== 9 && c !== 32 && c !== 99) /* c */ || text.indexOf("class_name: ") < 0) return;
  const m = /^\s*class_name: (\w+)\s*$/.exec(text);
  const hint = m ? processHint(m[1]) : null;
  if (hint?.backend === "ray") marker(rec, { marker: `ray-actor:${m![1]}`, strength: 3, ...hint }, emit);
}

/**
 * Ray's own renderings of an actor's class, wherever a log quotes them: the actor handle's repr `Actor(RayWorkerWrapper,
 * 8a68478b2d9178e85688a01607000000)` (ray/actor.py ActorHandle; compiled_dag_node.py logs it at teardown: `Cancelling compiled
 * worker on actor: Actor(...)`), the memory monitor's kill report `(actor ID: ..., name=RayWorkerVllm.__init__, pid=308,
 * memory used=11.15GB)` (raylet worker_killing_policy), and a task's process title `ray::RayWorkerWrapper.__ray_call__` (its
 * `ray memory` / top-users table). The class is vLLM's Ray worker actor only under its Ray executor.
 */
const RAY_ACTOR_NAME = /\bActor\((\w+), [0-9a-f]{16,}\)|\bname=(\w+)\.\w+, pid=\d+|\bray::(\w+)\.\w+/;

function rayActorNameMarker(rec: LogRecord, text: string, emit: Emit, marker: MarkerFn): void {
  const m = RAY_ACTOR_NAME.exec(text);
  const name = m ? (m[1] ?? m[2] ?? m[3]) : null;
  const hint = name ? processHint(name) : null;
  if (hint?.backend === "ray") marker(rec, { marker: `ray-actor:${name}`, strength: 3, ...hint }, emit);
}

/**
 * A Ray compiled graph's failure inside a record vLLM's engine logged (`ERROR ... [core.py:505] ray.exceptions.RayChannelTimeoutError:
 * System error: Timed out waiting for object available to read`, a frame in ray/dag/compiled_dag_node.py or ray/experimental/channel/):
 * vLLM drives a compiled graph only from its Ray executor (the forward DAG of ray_distributed_executor.py / v1 ray_executor.py)
 */
const COMPILED_GRAPH = /\bray\.exceptions\.RayChannel\w*Error\b|[\/\\]ray[\/\\](?:dag[\/\\]compiled_dag_node|experimental[\/\\]channel[\/\\]\w+)\.py\b/;

/** Ray compiled graph's modules (ray/dag/compiled_dag_node.py, ray/experimental/channel/*_channel.py, nccl_group.py) as Ray's logger names them */
const COMPILED_GRAPH_MODULE = /^[A-Z]+ (?:compiled_dag_node|torch_tensor_(?:nccl|accelerator)_channel|shared_memory_channel|nccl_group)\.py:\d+ /;

function compiledGraphMarker(rec: LogRecord, text: string, emit: Emit, marker: MarkerFn): void {
  if (COMPILED_GRAPH.test(text)) marker(rec, { marker: "ray:compiled graph", backend: "ray", strength: 2 }, emit);
}

/** vLLM's banner message cut right after its version: `Initializing an LLM engine (v0.3.3)` and nothing after it */
const BANNER_CUT_AT_VERSION = /^Initializing (an|a V0|a V1) LLM engine \(v([^)\s]+)\)\s*$/;

/** vLLM's Ray worker actors: `RayWorkerWrapper` (and a platform's subclass of it), 0.1-0.2's `RayWorker`/`RayWorkerVllm`, V2's `RayWorkerProc` */
const RAY_WORKER_ACTOR = /^(?:[A-Za-z]*RayWorkerWrapper|RayWorker(?:Vllm|Proc)?)$/;

function processHint(name: string): { engine?: "v0" | "v1"; backend?: "mp" | "ray"; expertParallel?: true; strength?: number } | null {
  if (name === "VllmWorkerProcess") return { engine: "v0", backend: "mp" };
  if (/^VllmWorker\b/.test(name)) return { engine: "v1", backend: "mp" };
  // V1's worker name lists its coordinates in the groups larger than one (`_DP1`, `_PP0`, `_TP3`), and `_EP<n>` last
  // whenever expert parallelism is on (vllm/v1/executor/multiproc_executor.py, v0.11+): `Worker_TP0_EP0`, `Worker_DP0_TP5_EP5`
  if (/^Worker_/.test(name)) return /_EP\d+$/.test(name) ? { engine: "v1", backend: "mp", expertParallel: true } : { engine: "v1", backend: "mp" };
  // the bare name is V1's worker before it knows its ranks or with no parallel suffix (`Worker_TP0`...), but also Ray's
  // name for vLLM 0.1-0.2's Ray worker actor (class `Worker`, `(Worker pid=N)` beside `Started a local Ray instance`):
  // weak hints, that any other marker of the log outweighs (an earlier Ray driver line wins the executor)
  if (name === "Worker") return { engine: "v1", backend: "mp", strength: 1 };
  // Ray names the prefix by the actor's class, and hardware plugins run vLLM's Ray worker as a subclass of it named with
  // their platform (vllm-ascend's `NPURayWorkerWrapper`, vllm-mindspore's `MsRayWorkerWrapper`, an RL framework's
  // `DynamicRayWorkerWrapper`): the same actor, so the same executor
  if (/^[A-Za-z]*RayWorkerWrapper$/.test(name)) return { backend: "ray" };
  if (/^RayWorker(?:Vllm)?$/.test(name)) return { engine: "v0", backend: "ray" };
  // V1's Ray engine-core actors (`DPEngineCoreActor`, `DPMoEEngineCoreActor`), with a plugin's platform in front too
  // (vllm-mindspore's `MsDPEngineCoreActor`), and the V2 Ray executor's worker `RayWorkerProc`
  if (/^[A-Za-z]*EngineCoreActor|^RayWorkerProc/.test(name)) return { engine: "v1", backend: "ray" };
  // V1's engine core, and vllm-omni's subclass of it, one process per pipeline stage and replica (its process title
  // `StageEngineCoreProc_stage<N>_replica<M>`, `_DP<k>` added when the replica is data-parallel itself)
  if (/^(?:EngineCore|StageEngineCoreProc_stage\d)/.test(name)) return { engine: "v1" };
  // the API server, one of several (`--api-server-count`: `ApiServer_3`), or one per data-parallel rank under the
  // multi-port external load balancer's supervisor (`APIServer_DP1`, its process `APIServer_DPRank_1`)
  if (/^(?:APIServer(?:_DP\d+|_DPRank_\d+)?|ApiServer_\d+)$/.test(name)) return { engine: "v1" };
  return null;
}

type MarkerFn = (rec: LogRecord, m: Omit<VllmMarkerEvent, "kind" | "ev" | "origin" | "input">, emit: Emit) => void;

/** What a file named in the logger prefix says of the executor and engine (`bare`: only when named without its folder). */
type FileMarker = { engine?: "v0" | "v1"; backend?: "mp" | "ray"; strength: number; bare?: true };
const FILE_MARKERS = new Map<string, FileMarker>([
  ["multiproc_executor.py", { backend: "mp", strength: 3 }],
  // V1 0.8–0.10 also logs from multiproc_worker_utils.py (`Reducing Torch parallelism ...`): no engine from it
  ["multiproc_worker_utils.py", { backend: "mp", strength: 3 }],
  ["multiproc_gpu_executor.py", { backend: "mp", engine: "v0", strength: 3 }],
  // V0's multiprocessing executor of 0.7-0.10 (vllm/executor/mp_distributed_executor.py)
  ["mp_distributed_executor.py", { backend: "mp", strength: 3 }],
  // V0 had no `core.py`, `core_client.py` or `async_llm.py`; V1's engine core and client log from them
  ["core.py", { engine: "v1", strength: 2, bare: true }],
  ["core_client.py", { engine: "v1", strength: 2, bare: true }],
  ["async_llm.py", { engine: "v1", strength: 2, bare: true }],
  // the periodic stats line of V1 (vllm/v1/metrics/loggers.py, since 0.7: `loggers.py:78] Avg prompt throughput: ...
  // Running: 4 reqs, Waiting: 0 reqs, ...`, unbracketed before 0.8); V0 logs its stats from vllm/engine/metrics.py
  ["loggers.py", { engine: "v1", strength: 2, bare: true }],
  ["async_llm_engine.py", { engine: "v0", strength: 2 }],
  ["ray_distributed_executor.py", { backend: "ray", strength: 3 }],
  // V1's Ray executor since 0.11 (vllm/v1/executor/ray_executor.py; ray_distributed_executor.py stays as an alias)
  ["ray_executor.py", { backend: "ray", strength: 3 }],
  ["ray_utils.py", { backend: "ray", strength: 3 }],
  ["ray_gpu_executor.py", { backend: "ray", engine: "v0", strength: 3 }],
  ["kv_cache_utils.py", { engine: "v1", strength: 3 }],
  ["gpu_model_runner.py", { engine: "v1", strength: 3 }],
  ["gpu_worker.py", { engine: "v1", strength: 3 }],
]);

/**
 * The modules only one device platform runs, by the platform's name: V0's workers, model runners and executors
 * (vllm/worker/tpu_model_runner.py, hpu_worker.py, cpu_enc_dec_model_runner.py, multi_step_tpu_worker.py,
 * vllm/executor/xpu_executor.py, neuron_executor.py, and the Ray executors of 0.5–0.7 built on them: ray_tpu_executor.py,
 * ray_hpu_executor.py, ray_xpu_executor.py, which are V0's and Ray's, and multiproc_xpu_executor.py, V0's multiprocessing), V1's (vllm/v1/worker/tpu_model_runner.py,
 * xpu_worker.py, cpu_model_runner.py) and the Gaudi plugin's (vllm_gaudi/v1/worker/hpu_model_runner.py). The CUDA and ROCm
 * builds share `gpu_*` and `worker.py`/`model_runner.py` (no platform of their own), as does Ascend's plugin.
 */
const PLATFORM_MODULE = /^(ray_|multiproc_|multi_step_)?(tpu|hpu|xpu|cpu|neuron|openvino)_(?:(?:enc_dec_|pooling_|embedding_)?model_runner|worker|executor|input_batch)\.py$/;

/** The file in the logger prefix tells the executor and engine (`multiproc_executor.py`, `v1/...`, `ray_utils.py`). */
function fileMarkers(rec: LogRecord, head: VllmHead, emit: Emit, marker: MarkerFn): void {
  const f = head.file;
  const slash = f.lastIndexOf("/");
  const name = slash >= 0 ? f.slice(slash + 1) : f;
  if (slash >= 0 && f.startsWith("v1/")) marker(rec, { marker: "file:v1/", engine: "v1", strength: 3 }, emit);
  const own = PLATFORM_MODULE.exec(name);
  if (own) marker(rec, { marker: `file:${name}`, platform: own[2], strength: 3, ...(own[1] === "ray_" ? { backend: "ray" as const, engine: "v0" as const } : own[1] === "multiproc_" ? { backend: "mp" as const, engine: "v0" as const } : {}) }, emit);
  const m = FILE_MARKERS.get(name);
  if (m === undefined || (m.bare && slash >= 0)) return;
  marker(rec, { marker: `file:${name}`, ...(m.backend ? { backend: m.backend } : {}), ...(m.engine ? { engine: m.engine } : {}), strength: m.strength }, emit);
}

/**
 * vLLM's Ray executor refusing a cluster it cannot use (vllm/executor/ray_utils.py and the Ray executors, 0.2 on): raised
 * as a ValueError, so read from the exception line, or from the record of a logger that printed the exception's text alone
 * (V0's MQLLMEngine: `ERROR 02-09 02:31:11 engine.py:389] Ray does not allocate any GPUs on the driver node. ...`).
 */
const RAY_GPU_CHECK = /\bCurrent node has no GPU available\b|\bRay does not allocate any GPUs on the driver node\b/;

/** The V1 multiprocessing executor's worker class named in its start-up and busy-loop messages (see pathMarkers). */
const WORKER_PROC_PHRASE = /(?<![\w.])WorkerProc (?:initialization failed|failed to start|hit an exception)\b/;

/** Source paths in traceback lines: `vllm/v1/...`, V0's `vllm/worker/`, executors, `AsyncLLMEngine`. */
function pathMarkers(rec: LogRecord, text: string, strength: number, emit: Emit, marker: MarkerFn): void {
  // vLLM's Ray executor checking its cluster (vllm/executor/ray_utils.py): `ValueError: Current node has no GPU available.
  // current_node_resource={...}. vLLM engine cannot start without GPU.`, `Ray does not allocate any GPUs on the driver node.`
  if (text.indexOf(" GPU") >= 0 && RAY_GPU_CHECK.test(text))
    marker(rec, { marker: "phrase:Ray executor GPU check", backend: "ray", strength }, emit);
  // its placement-group wait, logged every 10 s, read whole even when a pane or a quote stripped the logger prefix:
  // `Waiting for creating a placement group of specs for 150 seconds. specs=[{'GPU': 1.0, ...}]. Check \`ray status\` ..`
  else if (text.indexOf("placement group of specs") >= 0 && /\bWaiting for creating a placement group of specs for \d+ seconds\b/.test(text))
    marker(rec, { marker: "phrase:Ray executor placement wait", backend: "ray", strength }, emit);
  // and the ValueError that ends the wait (ray_utils._wait_until_pg_ready): `Cannot provide a placement group of
  // placement_group_specs=[...] within 1800 seconds.`, since ≈0.11 `Cannot provide a placement group requiring 4.0 GPUs
  // (placement_group_specs=[...]) within 1800 seconds.`; only the Ray executor reserves a placement group
  else if (text.indexOf("Cannot provide a placement group") >= 0 && /\bCannot provide a placement group (?:of\b|requiring \d)/.test(text))
    marker(rec, { marker: "phrase:Ray executor placement timeout", backend: "ray", strength }, emit);
  // V1's front end waiting for its engine-core processes (vllm/v1/engine/core_client.py 0.8, vllm/v1/engine/utils.py
  // wait_for_engine_startup since 0.9): `RuntimeError: Engine core initialization failed. See root cause above. Failed
  // core proc(s): {'EngineCore_0': 1}`; V0 has no engine-core process and never prints it
  if (text.indexOf("Engine core initialization failed") >= 0) marker(rec, { marker: "phrase:V1 engine core start-up", engine: "v1", strength }, emit);
  // V1's multiprocessing executor names its worker class in what it raises and logs (vllm/v1/executor/multiproc_executor.py,
  // 0.8 on): wait_for_ready's `Exception: WorkerProc initialization failed due to an exception in a background process`
  // (raised in the engine core, so logged from core.py or printed bare under `(EngineCore pid=N)`), worker_main's
  // `WorkerProc failed to start.`, the busy loop's `WorkerProc hit an exception.`. No other executor has that class (the
  // look-behind keeps a longer name such as `RayWorkerProc` out).
  if (text.indexOf("WorkerProc ") >= 0 && WORKER_PROC_PHRASE.test(text)) marker(rec, { marker: "phrase:V1 mp worker", engine: "v1", backend: "mp", strength }, emit);
  if (text.indexOf("vllm") < 0 && text.indexOf("LLMEngine") < 0 && text.indexOf("EngineDead") < 0 && text.indexOf("ray::RayWorker") < 0) return;
  // (a Windows install writes the same paths with backslashes: `C:\venv\Lib\site-packages\vllm\v1\engine\core.py`)
  if (text.includes("vllm/v1/") || text.includes("vllm\\v1\\")) marker(rec, { marker: "path:vllm/v1/", engine: "v1", strength }, emit);
  // the dotted module path of a V1-only class: `vllm.v1.engine.exceptions.EngineDeadError: ...`
  else if (text.includes("vllm.v1.")) marker(rec, { marker: "module:vllm.v1.", engine: "v1", strength }, emit);
  // V1 up to 0.10 still runs through vllm/worker/worker_base.py and vllm/engine/arg_utils.py: a V1 path in the same log outweighs these
  else if (/vllm[\/\\](?:worker|engine)[\/\\]/.test(text)) marker(rec, { marker: "path:vllm/worker|engine/", engine: "v0", strength: 0.5 }, emit);
  if (/executor[\/\\]ray_|ray_distributed_executor|ray_gpu_executor/.test(text)) marker(rec, { marker: "path:ray executor", backend: "ray", strength }, emit);
  // Ray's own name for a task of vLLM's Ray worker actor, in RayTaskError/ActorDiedError text: `ray::RayWorkerWrapper.execute_method()`
  else if (/\bray::RayWorker(?:Wrapper|Vllm)?\.|vllm\.executor\.ray_(?:utils|distributed_executor|gpu_executor)\b/.test(text)) marker(rec, { marker: "name:Ray worker actor", backend: "ray", strength }, emit);
  // vLLM 0.1-0.2 ran its V0 `Worker` class itself as the Ray actor: `ray::Worker.__init__() (pid=81, ..., repr=<vllm.worker.worker.Worker ...>)`
  // (outweighs the bare `(Worker pid=N)` prefix, which since 0.11 is also V1's multiprocessing worker)
  else if (/\bray::Worker\.\w+\(\)/.test(text)) marker(rec, { marker: "name:Ray worker actor", backend: "ray", engine: "v0", strength: strength + 1 }, emit);
  else if (/multiproc_executor|multiproc_worker_utils|multiproc_gpu_executor|mp_distributed_executor/.test(text)) marker(rec, { marker: "path:mp executor", backend: "mp", strength }, emit);
  // the single-process executor's module (vllm/executor/uniproc_executor.py 0.7-0.10, vllm/v1/executor/ since 0.11): a frame
  // of it is `distributed_executor_backend="uni"`; its subclass for torchrun, named, is "external_launcher" (and outweighs
  // the frames the two share)
  else if (text.indexOf("uniproc_executor") >= 0) {
    if (text.indexOf("ExecutorWithExternalLauncher") >= 0) marker(rec, { marker: "name:ExecutorWithExternalLauncher", backend: "external_launcher", strength: strength + 1 }, emit);
    else if (/\buniproc_executor\.py\b/.test(text)) marker(rec, { marker: "path:uniproc executor", backend: "uni", strength }, emit);
  }
  // (`AsyncLLMEngine` is also V1's name: from 0.8 vllm/engine/async_llm_engine.py binds it to V1's AsyncLLM when V1 is on,
  // so a caller's `AsyncLLMEngine.from_engine_args(...)` line above `vllm/v1/engine/async_llm.py` frames is V1's: weaker)
  if (/\b(?:MQLLMEngine|AsyncEngineDeadError)\b/.test(text)) marker(rec, { marker: "name:V0 engine class", engine: "v0", strength: 1 }, emit);
  else if (/\bAsyncLLMEngine\b/.test(text)) marker(rec, { marker: "name:V0 engine class", engine: "v0", strength: 0.5 }, emit);
}

interface OtherState {
  /** the previous record was a launch command ending in a backslash: how this one continues it */
  launch: LaunchState | null;
  /**
   * the previous record was a vLLM command (or one of its flag lines) that did not end in a backslash: a paste whose
   * markdown ate the backslashes puts the rest of the command on lines of flags (`--tensor-parallel-size 8 `)
   */
  flagLines: boolean;
  /**
   * a YAML `command:` / `args:` list being read, item by item (`- --tensor-parallel-size`, `- "2"`); `quoted`: a JSON or
   * Python list of arguments written one quoted item per line (`"--tensor-parallel-size",`), brackets not pasted
   */
  list: { rec: LogRecord; words: string[]; quoted?: boolean; block?: boolean } | null;
  /**
   * another Python program's launch continued over lines (`python3 ./server.py \` then `--model m \` lines): its flags,
   * read as vLLM's when they hold one only vLLM has (a server that passes vLLM's engine arguments on, see endScript)
   */
  script: { rec: LogRecord; words: string[]; lines: number } | null;
  /**
   * a command written as an array whose items run over lines (a Dockerfile's exec form continued with `\`, a YAML flow
   * sequence wrapped by its writer): the items read so far, until the line that closes the bracket
   */
  array?: { rec: LogRecord; items: string[]; lines: number } | null;
  /** the record read before ended with a backslash (a shell command continued on this one) */
  continued?: boolean;
  /** a Kubernetes `- name: NCCL_X` whose `value:` line comes next */
  envName: string | null;
  /** the GPU indices listed (`nvidia-smi -L`, collect_env.py, the nvidia-smi table) */
  gpus: Set<number>;
  /** the distinct GPU models those rows name, in the order first listed (a machine with mixed GPUs lists several) */
  gpuModels?: string[];
  /** an `LLM(` / `EngineArgs(` call spread over lines, until its parenthesis closes */
  call: { rec: LogRecord; text: string; lines: number } | null;
  /** the launch command last read: the line it started on, the keys no later flag of it overrides (LaunchState.fixed) */
  command?: { line: number; fixed?: string[] };
  /**
   * the launch command just read may go on on the next line, a terminal having cut it at its width (no backslash, its
   * line long and ending inside a word): its text so far, the line it ended on, and the values its flags gave
   */
  wrapped?: { text: string; line: number; input: number; values: Record<string, ConfigValue>; lines: number } | null;
}

/** a keyword call is read over at most this many lines */
const MAX_CALL_LINES = 40;
/** a line inside a keyword call: `    model="m",`, `    max_model_len=4096,  # comment`, `)` */
const CALL_ARGUMENT = /^\s*(?:[A-Za-z_]\w*\s*=\s*\S.*|\)\s*(?:#.*)?)$/;

// another logging format's header on a vLLM logger's record: `logging.basicConfig()`'s `INFO:vllm.worker.worker:`,
// `[ERROR] [vllm.engine] `, `WARNING vllm.config: `
const PY_DEFAULT = /^(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL):vllm(?:\.[\w.]+)?:/;
// (the logger in brackets, dotted or followed by a colon: `INFO vllm serve ...` is a command, not a record); a format
// may put the thread's name between the level and the logger and a separator after it (`[%(asctime)s] [%(levelname)s]
// [%(threadName)s] [%(name)s] >>> %(message)s`, the stamp peeled: `[ERROR] [MainThread] [vllm.worker.worker_base] >>>   File ...`):
// one space after the separator is the format's, the rest is the message's (a traceback's indentation)
const LEVEL_LOGGER = /^\[?(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\]?\s+(?:\[[\w.\-]+\]\s+(?=\[vllm[.\]]))?(?:\[vllm(?:\.[\w.]+)?\]|vllm\.[\w.]+:?|vllm:)(?:\s+(?:>>>|-|\|) |\s+)/;
// the start of messages vLLM logs only at ERROR or CRITICAL: V1's engine core (`EngineCore hit an exception`, 0.8-0.9;
// `EngineCore failed to start.`, `EngineCore encountered a fatal error.`), its workers (`WorkerProc failed to start.`,
// `WorkerProc hit an exception.`), the executors' `(Mulitproc|Multiproc)Executor got fatal signal ...` / `Got fatal signal
// from worker processes`, V0's `Exception in worker VllmWorkerProcess while processing method ...`, the workers'
// `Error executing method 'init_device'. This might cause deadlock ...` and the API server's `AsyncLLM output_handler failed.`
const VLLM_ERROR_ONLY = /^(?:EngineCore (?:hit an exception:|failed to start\.|encountered a fatal error\.)|WorkerProc (?:failed to start|hit an exception)\.|(?:Mulitproc|Multiproc)Executor got fatal signal from worker processes|Got fatal signal from worker processes|Exception in worker VllmWorkerProcess while processing method |Error executing method '?\w+'?\. This might cause deadlock|AsyncLLM output_handler failed\.)/;
// the start of the messages vLLM only raises (a `ValueError`), never logs: V0's KV cache checks (`The model's max seq
// len (N) is larger than the maximum number of tokens that can be stored in KV cache (M).`, ≤0.2 llm_engine.py and later
// worker.py; `No available memory for the cache blocks.`) and V1's (`To serve at least one request with the model's max
// seq len (N), ...`), and the workers' device check of the model's dtype (`Bfloat16 is only supported on GPUs with compute
// capability of at least 8.0. Your ...`, every release): a line that begins with one is the exception's message without
// its type (an app's `print(e)`, a paste of the message alone), so a failure
const VLLM_RAISE_ONLY = /^(?:The model's max seq len \(\d+\) is larger than the maximum number of tokens that can be stored in KV cache|No available memory for the cache blocks\. Try increasing|To serve at least one request with the models?(?:'s)? max seq len \(\d+\)|Bfloat16 is only supported on GPUs with compute capability of at least \d)/;
// a level word alone before the message (no date after it: that is vLLM's own header, read elsewhere; nor a file and
// ` -- `: that is Ray's own logger inside the worker actor, `(Worker pid=81) ERROR worker.py:861 -- Exception raised ...`)
const TRIMMED_LEVEL = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL) (?!\d\d-\d\d )(?![\w.]+\.py:\d+ -- )(?=\S)/;
// a header the peel took off, right before the text: `2025-03-04 10:11:12,512 - vllm.engine - ERROR - `,
// `2025-03-04 10:11:12 | ERROR | vllm.engine | `
// `2025-03-26 11:48:53 - ERROR - vllm_ascend.worker.model_runner - ` (the level first; a platform plugin's logger)
const PEELED_HEADER = /(?:\s-\s+vllm(?:_\w+)?(?:\.[\w.]+)?\s+-\s+(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+-|\|\s+(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+\|\s+vllm(?:\.[\w.]+)?\s+\||\s-\s+(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+-\s+vllm(?:_\w+)?(?:\.[\w.]+)?\s+-)\s*$/;

// Dynamo's Python log handler (dynamo/runtime/logging.py) hands vLLM's records to Rust's `tracing`, the record's
// `module.funcName` as the target (the module alone at module level) and the message alone: `%(asctime) %(level:>5)
// module.func: msg`, the stamp peeled: `ERROR multiproc_worker_utils.run: Worker VllmWorkerProcess pid 8773 died, ...`,
// ` INFO core.__init__: Initializing a V1 LLM engine ...`. Read only after an RFC 3339 stamp (see DYNAMO_STAMP_BEFORE).
const DYNAMO_PY = /^(DEBUG|INFO|WARN|ERROR) +([a-z_][a-z0-9_]*)(?:\.[A-Za-z_]\w*)?: (?=\S|$)/;
/** the raw line's text before the record ends in the RFC 3339 stamp Rust's `tracing` writes (its year maybe cut by a paste) */
const DYNAMO_STAMP_BEFORE = /\d-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\s+$/;

/** The level of a vLLM logger's record written by another logging format, and the header's length in the text. */
function foreignHeader(rec: LogRecord): { level: VllmLevel; length: number; fileTail?: boolean; file?: string } | null {
  const text = rec.text;
  const c = text.charCodeAt(0);
  if ((c === 68 || c === 73 || c === 87 || c === 69) && rec.raw.length > text.length) {
    const d = DYNAMO_PY.exec(text);
    if (d) {
      // (tracing colours the stamp, level and target on a terminal: the raw line is read without the colour codes)
      const raw = rec.raw.indexOf("[") >= 0 ? stripAnsi(rec.raw) : rec.raw;
      const at = raw.lastIndexOf(text);
      if (at > 0 && DYNAMO_STAMP_BEFORE.test(raw.slice(Math.max(0, at - 48), at))) return { level: LEVELS_BY_WORD[d[1]], length: d[0].length, file: `${d[2]}.py` };
    }
  }
  if (c === 91 /* [ */ || (c >= 65 && c <= 90)) {
    const m = PY_DEFAULT.exec(text) ?? LEVEL_LOGGER.exec(text) ?? LMCACHE.exec(text) ?? LEVEL_PID_FILE.exec(text) ?? ELIDED_STAMP.exec(text);
    if (m) return { level: LEVELS_BY_WORD[m[1] ?? m[2]], length: m[0].length };
    const e = c === 69 || c === 67 ? ELIDED_NO_FILE.exec(text) : null;
    if (e) {
      const msg = text.slice(e[0].length);
      if (EXCEPTION_MESSAGE.test(msg) || VLLM_ERROR_ONLY.test(msg)) return { level: LEVELS_BY_WORD[e[1]], length: e[0].length };
    }
    const p = c === 91 ? PADDED_LEVEL.exec(text) : null;
    if (p) return { level: LEVELS_BY_WORD[p[1]], length: p[0].length, fileTail: true };
    // a vLLM process's record whose time and file a paste trimmed: `(Worker_TP0 pid=9) ERROR WorkerProc failed to start.`
    if (rec.origin.process !== undefined && processHint(rec.origin.process)) {
      const t = TRIMMED_LEVEL.exec(text);
      if (t) return { level: LEVELS_BY_WORD[t[1]], length: t[0].length };
    }
  }
  if (rec.raw.length === text.length) return null;
  const at = rec.raw.lastIndexOf(text);
  if (at <= 0) return null;
  const head = rec.raw.slice(Math.max(0, at - 200), at);
  if (head.indexOf("vllm") < 0) return null;
  const l = PEELED_HEADER.exec(head);
  return l ? { level: LEVELS_BY_WORD[l[1] ?? l[2] ?? l[3]], length: 0 } : null;
}

// a logging config of the user's (VLLM_LOGGING_CONFIG_PATH) that puts the process id where vLLM's format has its date,
// `%(asctime)s %(levelname)s %(process)d [%(filename)s:%(lineno)d] %(message)s`, the stamp peeled:
// `ERROR 56542 [async_llm_engine.py:64] RuntimeError: ...`
const LEVEL_PID_FILE = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL) \d{1,9} \[(?:[\w\-]+\/)*[\w\-]+\.py:\d+\] ?/;

// vLLM's header (≥0.8, the file in brackets) with its date and time elided or cut out by the writer who quoted it:
// `ERROR ... [core.py:2178] RuntimeError: ...`, `ERROR [core.py:1136] EngineCore failed to start.`
const ELIDED_STAMP = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL) (?:(?:\.{3}|\u2026) )?\[(?:[\w\-]+\/)*[\w\-]+\.py:\d+\] ?/;
// the same with the file elided too, read only where the message is one of vLLM's failure records (an exception's line,
// a message it logs only at ERROR): `ERROR ... RuntimeError: Engine core initialization failed.`; an ellipsis before
// other words is no header (`ERROR ... something went wrong somewhere`)
const ELIDED_NO_FILE = /^(ERROR|CRITICAL) (?:\.{3}|\u2026) (?=\S)/;
const EXCEPTION_MESSAGE = /^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception): \S/;

// a wrapper's root handler that re-formats vLLM's records (lighteval: `[%(asctime)s] [%(levelname)8s]: %(message)s
// (%(filename)s:%(lineno)s)`), the stamp peeled: `[   ERROR]: msg (model_runner.py:1750)`, `[    INFO]: Initializing ...`
const PADDED_LEVEL = /^\[ {0,4}(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]: /;
/** the `(file.py:N)` such a format writes after the message */
const FILE_TAIL = / \([\w.\-]+\.py:\d+\)\s*$/;

// LMCache, a KV connector logging inside vLLM's processes: `[2025-06-21 20:59:57,675] LMCache ERROR: msg (file.py:554:module)`
// (the peel takes the stamp off; a paste may have eaten its `[`), and lmcache-vllm 0.6's `ERROR LMCache: msg [stamp] -- path`
const LMCACHE = /^(?:\[?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[,.]\d+\]\s*)?(?:LMCache (DEBUG|INFO|WARNING|ERROR|CRITICAL):|(DEBUG|INFO|WARNING|ERROR|CRITICAL) LMCache:)\s?/;
const LEVELS_BY_WORD: Record<string, VllmLevel> = { DEBUG: "DEBUG", INFO: "INFO", WARNING: "WARNING", WARN: "WARNING", ERROR: "ERROR", CRITICAL: "CRITICAL" };
/** uvicorn's access line: `INFO:     127.0.0.1:34636 - "GET /health HTTP/1.1" 200 OK` */
const UVICORN_REQUEST = /^INFO:\s+\S+ - "/;
/** an argument only vLLM's engine takes, under its own name (a trainer's `vllm_gpu_memory_utilization=` is not one) */
const ENGINE_ARG = /[(, ](?:tensor_parallel_size|gpu_memory_utilization|max_model_len|max_num_seqs|enforce_eager)=/;
/** longer lines are not one message without a header (a flattened paste is read by the header path) */
const MAX_BARE_CHARS = 20000;

// rich's log record: its time column (`[%x %X]`, or blank), the level padded to 8 columns, the message, its file:line at the right
// (a paste may have squeezed the padding after a time column)
const RICH_RECORD = /^(?:\[\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\] (?:ERROR|CRITICAL) +|ERROR {4}|CRITICAL )(\S.*?)(?: {2,}[\w.\-]+\.py:\d+)?\s*$/;
// uvicorn's `ERROR:    msg` and Python logging's default `ERROR:logger:msg` (not a `vllm` logger's: PY_DEFAULT reads those),
// at WARNING too (`WARNING:torch.distributed.elastic.agent.server.api:Received 15 death signal, …`), and the level and
// message joined by two colons, no logger between: DJL Serving's Python engine (LMI, SageMaker's large-model containers)
// sets its root handler to `%(levelname)s::%(message)s` in the releases after 0.29 (before: the message alone), so its
// own failures read `ERROR::Failed invoke service.invoke_handler()`, `ERROR::Python engine process died` behind the
// `PyProcess W-…-stdout: ` wrapper (and Open MPI's `[1,0]<stdout>:` tag when the engine runs under mpirun)
const PY_LEVEL_RECORD = /^(ERROR|CRITICAL|WARNING):(?: +|:(?=\S)|(?!vllm\b)[A-Za-z_][\w.]*:)(\S.*)$/;
// vLLM's header from its file on (`[multiproc_executor.py:492] `, `[v1/engine/core.py:708] `), its level and time cut off
const CUT_HEAD = /^\[((?:[\w\-]+\/)*[\w\-]+\.py):\d+\] (?=\S)/;
const CUT_HEAD_EXCEPTION = /^((?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception)): \S/;
// `%(process)s %(name)s %(levelname)s [%(filename)s:%(funcName)s():%(lineno)s] %(message)s` (KServe) and its uvicorn
// formatter's `%(process)s %(name)s %(levelprefix)s %(message)s`, after the peel took `%(asctime)s.%(msecs)03d ` off
const PID_LOGGER_RECORD = /^\d+ [A-Za-z_][\w.\-]* (DEBUG|INFO|WARNING|ERROR|CRITICAL)(?: \[[^\]\s]+:\d+\]|:) +(\S.*)$/;
// Ray's Python logger: `ERROR worker.py:406 -- Unhandled error (suppress with ...): ...` (the timestamp is peeled)
// (a forum that typesets `--` as an en or em dash, Discourse or Medium, prints ` – ` / ` — ` for it)
const RAY_DRIVER = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+\.py:\d+ (?:--|\u2013|\u2014) (.*)$/;
// Ray Serve's component logger (ray/serve/_private/logging_utils.py), its timestamp after the level: `%(levelname)s
// %(asctime)s {component_name} {component_id} [request id, route, app] -- %(message)s` (Ray ≥2.10: `ERROR 2025-06-11
// 13:15:51,444 controller 45327 -- Exception in Replica(...)`), before that `... %(filename)s:%(lineno)d - %(message)s`
const RAY_SERVE = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?:\S+ ){1,6}?(?:--|[\w.]+\.py:\d+ -) (.*)$/;
// Rust's `tracing` fmt (Dynamo's runtime and front end beside vLLM), the stamp peeled: `ERROR dynamo_runtime::pipeline: msg`,
// spans before the target (`ERROR request{id=5}: dynamo_llm::http: msg`); the target is a Rust path (`a::b`)
// (a span's name is any string: `http-request{method=GET uri=/live}: tower_http::trace::on_failure: response failed ...`);
// a crate's root module is a target of one word, read for the crates of Hugging Face's TGI (its launcher logs under
// `text_generation_launcher`: `ERROR shard-manager: text_generation_launcher: Shard complete standard error output:`,
// `ERROR text_generation_launcher: Shard 0 failed to start`), not for any `ERROR word: ` line
const RUST_TRACING = /^ERROR (?:[A-Za-z_][\w\-]*(?:\{[^{}]*\})?: ?)*(?:[A-Za-z_]\w*(?:::[A-Za-z_]\w*)+|text_generation_(?:launcher|router|server)): (\S.*)$/;
// transformers' explicit format (HF Trainer, LLaMA-Factory): `[ERROR|trainer.py:123] 2024-04-05 17:49:10,001 >> msg`
const HF_EXPLICIT = /^\[(?:ERROR|CRITICAL)\|[\w.\-]+:\d+\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} >> (.*)$/;
// Ray's C++ (glog-style) logger: `[2025-05-26 18:58:10,599 E 629624 629624] logging.cc:496: *** SIGTERM received ...`
// (the peel may have taken the date off: `E 629624 629624] logging.cc:496: ...`), also under Ray's `(raylet) ` tag. Its
// spdlog pattern (src/ray/util/logging.cc) `[%Y-%m-%d %H:%M:%S,%e %L %P %t] (app) %v` writes spdlog's level letters
// (T D I W E C: RAY_LOG(FATAL) is `C`) and the process's name after the bracket: `[... C 42791 42791] (raylet) node_manager.cc:..`
const RAY_CPP = /^(?:\((?:raylet|gcs_server|dashboard_agent|runtime_env_agent|log_monitor)(?:, ip=[\w.:]+)?\) )?(?:\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[,.]\d+ )?([TDIWEFC]) \d+ \d+\] (?:\([\w.\-]+\) )?[\w.\/-]+\.(?:cc|cpp|h):\d+: (.*)$/;
// the stack its failure signal handler dumps after `*** SIGBUS received at time=...`, one frame a record at level E:
// `    @     0x7f8e0b442df0       1536  (unknown)`, `PC: @ 0x7f2a1c0b5e2d (unknown) raise` (frames, not failures)
const RAY_CPP_FRAME = /^\s*(?:PC: )?@\s+(?:0x[0-9a-fA-F]+|\(nil\))(?:\s|$)/;
const RAY_CREATION_TASK = "Exception raised in creation task: ";
/** The tags a Ray driver sets on lines of its cluster's own processes (ray/_private/worker.py print_worker_logs). */
const RAY_DRIVER_TAG = /^\((?:raylet|gcs_server|autoscaler)(?:, ip=[\w.:]+| \+(?:\d+h)?(?:\d+m)?\d+s)?\) \S/;
const RAY_AUTOSCALER_ERROR = /^\(autoscaler \+(?:\d+h)?(?:\d+m)?\d+s\) Error: (\S.*)$/;
// Slurm's own error records (its log.c prints `%s: error: %s` under the program's name): `slurmstepd: error: *** JOB 42 ON
// n1 CANCELLED AT ... ***`, `srun: error: n1: task 0: Exited with exit code 1`, `slurmstepd: error: couldn't chdir to ..`
const SLURM_ERROR = /^(?:slurmstepd(?:-[\w.\-]+)?|srun|salloc|sbatch): error: (\S.*)$/;
// MPI launchers' own reports of a rank that failed, printed once by the launcher (not under a rank's tag). Open MPI's runtime
// (ORTE in 1.x-4.x, PRRTE in 5.x; its help texts name the launcher as it was invoked: mpirun, mpiexec, orterun, prterun,
// prun, oshrun) writes `mpirun noticed that process rank 3 with PID 1167 on node n2 exited on signal 11 (Segmentation
// fault).` (1.2 wrote `job rank`; a signal without a name in some builds), `mpirun detected that one or more processes
// exited with non-zero status, thus causing` (then `Process name: [[jobid,1],rank]` and `Exit code: N` lines), `mpirun has
// exited due to process rank 0 with PID 0 on` (then `node n1 exiting improperly.` or `calling "abort".`) and `mpirun was
// unable to find the specified executable file, ...`; its `Primary job  terminated normally, but 1 process returned` preamble
// is no report of its own (the block that follows it names the rank). MPICH's and Intel MPI's Hydra frame theirs in `=`
// rules: `=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES`, then `=   RANK 3 PID 1234 RUNNING AT n1` (older: no
// RANK) and `=   KILLED BY SIGNAL: 9 (Killed)` or `=   EXIT CODE: 139`.
const MPI_LAUNCHER_REPORT = /^(?:mpirun|mpiexec|orterun|prterun|prun|oshrun)(?:\.[\w\-]+)? (?:noticed that (?:process|job) rank \d+ with PID \d+ on node \S+ exited on signal \d+\b.*|detected that one or more processes exited with non-zero status\b.*|has exited due to process rank \d+ with PID \d+ on\b.*|was unable to (?:find|launch|start) the specified (?:executable|application)\b.*)$/;
const HYDRA_BAD_TERMINATION = /^=\s+(BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES)\s*$/;
// Hydra's error printf (MPICH's and Intel MPI's launcher and its per-node proxies; HYDU_error_printf): its debug prefix,
// then the function, file and line, then the message: `[proxy:0:1@gpu-n4] HYDU_sock_write (utils/sock/sock.c:256): write
// error (Bad file descriptor)`, `[mpiexec@gpu-n3] HYDT_bscu_wait_for_completion (tools/bootstrap/utils/bscu_wait.c:76): one of
// the processes terminated badly; aborting`; builds without the function name print `file.c (line): `. Its debug output
// under the same prefix (`[proxy:0:0@n1] got pmi command (from 0): init`) names no source file, and is no failure.
const HYDRA_ERROR = /^\[(?:proxy:[\d:]+|mpiexec|mpirun)@[\w.\-]+\] ((?:[A-Za-z_]\w* \([\w.\/\-]+\.c:\d+\)|[\w.\/\-]+\.c \(\d+\)): \S.*)$/;

/** an MPI launcher's report of a failed rank or its own failure (MPI_LAUNCHER_REPORT, HYDRA_BAD_TERMINATION, HYDRA_ERROR), or null */
function mpiLauncherReport(text: string): string | null {
  if (text.length > MAX_BARE_CHARS) return null;
  const c = text.charCodeAt(0);
  if (c === 61 /* = */) return text.indexOf("BAD TERMINATION") > 0 ? HYDRA_BAD_TERMINATION.exec(text)?.[1] ?? null : null;
  if (c === 91 /* [ */) return text.indexOf("@") > 0 && text.indexOf(".c") > 0 ? HYDRA_ERROR.exec(text)?.[1] ?? null : null;
  if (c !== 109 /* m */ && c !== 111 /* o */ && c !== 112 /* p */) return null;
  if (text.indexOf(" noticed that ") < 0 && text.indexOf(" detected that ") < 0 && text.indexOf(" has exited due to ") < 0 && text.indexOf(" was unable to ") < 0) return null;
  return MPI_LAUNCHER_REPORT.test(text) ? text : null;
}
// Ascend CANN's log record (its dlog/plog format `[LEVEL] MODULE(pid,process):yyyy-mm-dd-hh:mm:ss.ms.us [file:line]...`):
// `[ERROR] HCCL(36035,mindie_llm_backend_connector):2025-05-13-02:25:58.068.817 [op_base.cc:974]... HcclCommInitRootInfo failed.`
// (another program's `[ERROR] [myapp] msg` is not an error of the run: test/pasted-messages.test.ts)
const BRACKET_LEVEL_ERROR = /^\[ERROR\] ([A-Z][A-Z0-9_]*\(\d+,[^)\s]*\):\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\S* .*)$/;
// gunicorn's error log record (gunicorn/glogging.py `%(asctime)s [%(process)d] [%(levelname)s] %(message)s`; the peel took
// the stamp off): `[109] [ERROR] Exception in worker process` (a worker, the app with vLLM in it, failed to boot), `[1]
// [CRITICAL] WORKER TIMEOUT (pid:109)`
const GUNICORN_ERROR = /^\[\d{1,9}\] \[(?:ERROR|CRITICAL)\] (\S.*)$/;
// BentoML's server records (`%(asctime)s [%(levelname)s] [%(component)s] %(message)s`, the stamp peeled), its components
// the CLI, the API server and its workers, a runner, a service: `[ERROR] [runner:llm-llama-runner:1] An exception occurred
// while instantiating runner ...`, `[ERROR] [entry_service:bentovllm-llama3-8b-service:1] Initializing service error`
const BENTOML_ERROR = /^\[(?:ERROR|CRITICAL)\] \[(?:cli|(?:dev_)?api_server(?::\d+)?|(?:entry_)?service:[^\]\s]+|runner:[^\]\s]+)\] (\S.*)$/;
// TensorRT-LLM's records. Its C++ logger (cpp/include/tensorrt_llm/common/logger.h) wrote `[TensorRT-LLM][LEVEL] msg`, with
// the rank `[TensorRT-LLM][LEVEL][N] msg` (LEVEL TRACE, DEBUG, INFO, WARNING or ERROR), and from 2024 writes its own stamp
// and a one-letter level: `MM-DD-YYYY HH:MM:SS.uuuuuu [TRT-LLM] [E] msg`, `... [TRT-LLM] [E] [N] msg` (V, D, I, W, E). Its
// Python logger (tensorrt_llm/logger.py) writes `[MM/DD/YYYY-HH:MM:SS] [TRT-LLM] [E] msg`, under MPI `[TRT-LLM] [MPI_Rank N]
// [E] msg`, in the 1.x releases `[TRT-LLM] [RANK N] [E] msg` (F for critical, E, W, I, V). 1: the C++ level word; 2: the
// level letter; 3: the message.
const TRTLLM_RECORD = /^(?:\[TensorRT-LLM\]\[(TRACE|DEBUG|INFO|WARNING|ERROR)\](?:\[\d+\])? ?|(?:\[\d\d\/\d\d\/\d{4}-\d\d:\d\d:\d\d\] |\d\d-\d\d-\d{4} \d\d:\d\d:\d\d(?:\.\d+)? )?\[TRT-LLM\] (?:\[(?:MPI_Rank|RANK) \d+\] )?\[([FEWIVD])\] (?:\[\d+\] )?)(.*)$/;
// LMDeploy's TurboMind engine's records (src/turbomind/utils/logger.h): `[TM][LEVEL] msg`, with the rank `[TM][LEVEL][N] msg`
// (TRACE, DEBUG, INFO, WARNING, ERROR); its later logger and check macros add FATAL and WARN and may put the time and the
// source in brackets before the message: `[TM][FATAL] models/llama/LlamaBatch.cc(362): Check failed: ...`,
// `[TM][FATAL][0914.14:00:37.807188][cast.cu:264] CUDA error: ...`. 1: the level; 2: the message.
const TURBOMIND_RECORD = /^\[TM\]\[(TRACE|DEBUG|INFO|WARN(?:ING)?|ERROR|FATAL)\](?:\[[^\]\s]*\])* ?(.*)$/;
// GPUStack's own record, the stamp peeled (records/peel.ts keeps this header for its ERROR and CRITICAL records only)
/**
 * SGLang's records of messages it logs only at ERROR (its format, `[%(asctime)s%(prefix)s] %(message)s`, prints no level
 * word, the prefix being the process's ` TP0`, ` DP1 TP1`, ` PP0 TP3`, ` EP2` tags): a process's last words before it
 * sends SIGQUIT to its parent, `<Process> hit an exception: ` and the formatted traceback (the scheduler, the tokenizer and
 * detokenizer managers, the data-parallel controller, the overlap and speculative worker threads), 0.2's `Exception in
 * ModelTpServer:` (the traceback on the next lines), and the parent's `Received sigquit from a child process. It usually
 * means the child failed.` (`proces.` in early 2025 releases). With or without the stamp: a paste often drops it.
 */
const SGLANG_ERROR_ONLY = /^(?:\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?(?: (?:TP|DP|PP|EP)\d+)*\] )?(?:(?:Scheduler|TokenizerManager|DetokenizerManager|DataParallelController|ModelWorkerClient|EAGLEWorkerClient) hit an exception:(?: |$)|Exception in ModelTpServer:|Received sigquit from a child process?\. It usually means the child failed)/;
/**
 * LMDeploy's Python logger (`%(asctime)s - %(name)s - %(levelname)s - [%(filename)s:%(lineno)d - ]%(message)s`, its name
 * `lmdeploy`): the header the peel took off, right before the text, of an ERROR or CRITICAL record. Only its own
 * logger's: another program's records in that format are not read here, and a vLLM logger's are read as vLLM's.
 */
const LMDEPLOY_PEELED_ERROR = /\s-\s+lmdeploy(?:\.[\w.]+)?\s+-\s+(?:ERROR|CRITICAL)\s+-\s*$/;
/**
 * A record in vLLM's ≤0.7 layout that shows no engine, by the file (and words) that print it: what vLLM's import
 * prints, which any process that imports vllm prints (SGLang of early 2025 did, for its layers) and collect_env.py
 * shows too (`__init__.py`: vllm/platforms' `Automatically detected platform cuda.`, vllm/plugins' plugin list;
 * 0.5-0.7's vllm/_custom_ops `Failed to import from vllm._C with …`, vllm/platforms/rocm's module-level `\`fork\`
 * method is not supported by ROCm. …`), and NIM for LLMs' own modules logging through the same formatter (its profile
 * selection `ngc_profile.py`/`ngc_injector.py`, its launcher `launch.py`: the container picking a profile).
 */
function engineless(file: string, msg: string): boolean {
  return (
    file === "__init__.py" ||
    NIM_OWN_FILE.test(file) ||
    (file === "_custom_ops.py" && msg.startsWith("Failed to import from vllm._C")) ||
    (file === "rocm.py" && msg.startsWith("`fork` method is not supported by ROCm"))
  );
}
const NIM_OWN_FILE = /^(?:ngc_(?:profile|injector)|launch)\.py$/;

/**
 * The name a GPU census gives: its one model, or on a machine with mixed GPUs (`GPU 0: NVIDIA GeForce RTX 4090`,
 * `GPU 1: NVIDIA GeForce RTX 3090`) every model it lists, in the order first listed and joined by ` + `, so that no
 * one of them stands for the rest. The nvidia-smi table cuts a long name (`NVIDIA RTX 6000 Ada Gene...`): a name that
 * begins another, once the cut mark is off, is the same model, and the whole one is kept.
 */
function censusName(state: OtherState, name: string): string {
  const models = (state.gpuModels ??= []);
  const cut = (n: string) => /(?:\.\.\.|\u2026)$/.test(n);
  const bare = (n: string) => n.replace(/\s*(?:\.\.\.|\u2026)$/, "");
  // (only a cut name may stand for a longer one: an RTX 3090 is no RTX 3090 Ti)
  const same = models.findIndex((m) => m === name || (cut(name) && m.startsWith(bare(name))) || (cut(m) && name.startsWith(bare(m))));
  if (same < 0) {
    if (models.length < 8) models.push(name);
  } else if (cut(models[same]) && !cut(name)) models[same] = name;
  return models.join(" + ");
}

const GPUSTACK_ERROR = /^gpustack(?:\.[\w\-]+)* - (?:ERROR|CRITICAL) - (\S.*)$/;

// a wrapper's own error record, its header peeled off the text: Lemonade's server log (it runs vLLM as a wrapped server),
// `2026-05-08 11:50:25.739 [Error] (Router) Retry also failed: vllm-server failed to start within timeout`, and
// loguru's default format, `2026-05-06 10:00:09.457 | ERROR    | launcher.vllm:wait:120 - vLLM exited before ...`
const WRAPPER_ERROR = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (?:\[(?:Error|Critical|Fatal)\] \(\w+\) |\| (?:ERROR|CRITICAL) *\| [\w.<>\-]+:[\w.<>\-]+:\d+ - )/;
// Xinference's record (it runs vLLM as one of its engines; `%(asctime)s %(name)s %(process)d %(levelname)s %(message)s`
// on its own loggers), the stamp peeled or cut at its head by a paste: `025-04-12 21:57:39,467 xinference.api.restful_api 1
// ERROR    [address=0.0.0.0:43423, pid=167] msg` (another program's error record is no error of the run: test/pasted-messages.test.ts).
// Xinference's logging config (`%(asctime)s %(name)-12s %(process)d %(levelname)-8s %(message)s`) also formats the `vllm.*`
// loggers of the engine it runs in its model process, so vLLM's own error record comes in that layout, its name padded to
// 12 columns when shorter: `2024-09-09 02:11:21,828 vllm.worker.worker_base 3592 ERROR    Error executing method
// init_device. This might cause deadlock in distributed execution.`
// a run's process's `[ERROR] msg` (not one whose message starts with a logger's name in brackets, `[ERROR] [myapp]
// retrying`: another program's logging format, which counts only on a vLLM logger, see foreignHeader)
const BRACKET_LEVEL_RECORD = /^\[(?:ERROR|CRITICAL|FATAL)\] +([^\s\[].*)$/;
const DEEPSPEED_ERROR = /^\[(?:ERROR|CRITICAL)\] \[[\w.\-]+\.py:\d+:[\w<>]+\] (\S.*)$/;
const UNDOCUMENTED_ARG = /^`[^`]+` is part of [^,]+, but not documented\b/;
const LOGGER_PID_RECORD = /^(?:\d{1,3}-\d\d-\d\d \d\d:\d\d:\d\d[,.]\d+ )?(?:xinference|vllm)(?:\.[\w\-]+)* +\d{1,9} (?:ERROR|CRITICAL) +(\S.*)$/;
// Xinference ≥2's text formatter (xinference/deploy/utils.py TextFileFormatter): `{ts} {levelname} {name} pid:{process}
// role:{role} address:{address} node:{hostname} {msg}`, its RFC 3339 stamp peeled: `ERROR xinference.core.worker pid:41
// role:local address:0.0.0.0:26776 node:3d67e2e62a71 Failed to load model qwen3-rep0` (role and address may be empty)
const XINFERENCE_FIELDS_RECORD = /^(?:ERROR|CRITICAL) xinference(?:\.[\w\-]+)* pid:\d{1,9} role:\S* address:\S* node:\S* (\S.*)$/;

// AWS Neuron's compiler wrapper and cache loggers (libneuronxla, run while vLLM compiles its graphs on Inferentia/Trainium;
// `%(asctime)s:  %(process)d  %(levelname)s ||%(name)s||: %(message)s`), with the stamp and pid or without:
// `2024-06-21 09:33:40.000866:  38168  ERROR ||NEURON_CC_WRAPPER||: Failed compilation with [...]`
const NEURON_LOGGER_ERROR = /^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?:\s+\d{1,9}\s+)?(?:ERROR|CRITICAL|FATAL) \|\|[A-Z][A-Z0-9_]*\|\|: (\S.*)$/;

// Intel oneCCL's error record (the collective library under XPU's `xccl`/`ccl` backend; src/common/log/log.hpp LOG_ERROR
// writes `%Y:%m:%d-%H:%M:%S:(tid) ` then `|CCL_ERROR| file:line function: msg`), with its stamp or without (a paste may cut it):
// `2025:03:13-10:36:27:(  636) |CCL_ERROR| ze_fd_manager.cpp:214 fill_device_fds: condition fds[dev_idx] > 0 failed`
// (its `|CCL_WARN|` records are advice, not failures)
const ONECCL_ERROR = /^(?:\d{4}:\d\d:\d\d-\d\d:\d\d:\d\d:\(\s*\d+\)\s+)?\|CCL_ERROR\|\s+(\S.*)$/;

// UCX's own log record (the transport under NIXL, vLLM's KV connector for disaggregated serving; ucs/debug/log.c
// writes `[sec.usec] [host:pid:thread] file:line COMPONENT LEVEL message`, the file right-aligned in 16 to 18 columns,
// the component `UCX` padded to four and the level to five; a short form leaves out the bracketed process part):
// `[1754890927.298391] [decode-0:270  :0]    ib_mlx5dv_md.c:1100 UCX  ERROR mlx5_7: ibv_modify_qp(...) failed ...`.
// FATAL and ERROR report failures, WARN and DIAG are advice; the other levels (INFO, DEBUG, TRACE, REQ, ...) are neither.
// (the stamp and the process part may be peeled or cut by a paste: the file, line, component and level stay)
const UCX_RECORD = /^(?:\[\d{6,}\.\d{1,9}\]\s+)?(?:\[[^\s\[\]:]+:\s*\d+\s*:\s*[\w.\-]+\]\s+)?[\w.\-\/]+\.(?:c|cc|cpp|h|inl):\d+\s+(?:UCX|UCS|UCT|UCP|UCC)\s+(FATAL|ERROR|WARN|DIAG)\s+(\S.*)$/;

// NVIDIA SHARP's own log record (libsharp / libsharp_coll, loaded by HPC-X's NCCL SHARP plugin and by HCOLL): `[host:rank:pid
// - file.c:line] LEVEL message`, or `[host:rank:pid unique id N] LEVEL message` from its client session; later SHARP
// releases (HPC-X 2.1x+) put the time in a second bracket right after the first (`[node:0:174 - tree_ops.c:314][2024-05-30
// 12:26:47] ERROR ...`). Its ERROR record is a failure (`[node-3:0:7101 - comm.c:374] ERROR Failed to lock SAT
// tree(ID:0x40 ret:0x4)`); INFO and the like are not
const SHARP_RECORD = /^\[[^\s\[\]:]{1,64}:\d{1,7}:\d{1,9}(?: - [\w.\-]{1,64}\.(?:c|cc|cpp|h):\d{1,6}| unique id \d{1,20})\](?:\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?\])? ERROR (\S.*)$/;

/** UCX's own FATAL/ERROR record is a failure, its WARN/DIAG record a warning (see UCX_RECORD). */
function ucxRecord(rec: LogRecord, emit: Emit): boolean {
  const text = rec.text;
  const at = text.indexOf(" UC");
  if (at < 0 || text.length > MAX_BARE_CHARS) return false;
  const m = UCX_RECORD.exec(text.trimStart());
  if (!m) return false;
  const msg = clipMsg(m[2]);
  if (m[1] === "FATAL" || m[1] === "ERROR") emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: msg });
  else emit({ kind: "warning", ...base(rec, evidenceOf(rec)), source: "other", message: msg });
  return true;
}

/** The error record of a program that runs vLLM, in its own logging format (the header peeled, or left on the text). */
function appErrorRecord(rec: LogRecord, emit: Emit): void {
  const text = rec.text;
  if (ucxRecord(rec, emit)) return;
  let msg: string | null = null;
  if (rec.raw.length > text.length && rec.raw.charCodeAt(0) === 50 /* 2 */ && rec.raw.charCodeAt(4) === 45 /* - */ && WRAPPER_ERROR.test(rec.raw)) msg = text;
  else if (text.indexOf("|CCL_ERROR|") >= 0 && text.length < MAX_BARE_CHARS) msg = ONECCL_ERROR.exec(text)?.[1] ?? null;
  else if (text.indexOf("||: ") > 0 && text.indexOf(" ||") > 0) msg = NEURON_LOGGER_ERROR.exec(text.length > MAX_BARE_CHARS ? text.slice(0, MAX_BARE_CHARS) : text)?.[1] ?? null;
  else if (text.charCodeAt(0) === 91 /* [ */ && text.indexOf("] ERROR ") > 0 && text.length < MAX_BARE_CHARS && SHARP_RECORD.test(text)) msg = SHARP_RECORD.exec(text)![1];
  else if ((text.indexOf(" ERROR ") > 0 || text.indexOf(" CRITICAL ") > 0) && text.length < MAX_BARE_CHARS) msg = LOGGER_PID_RECORD.exec(text)?.[1] ?? null;
  else if (text.charCodeAt(0) === 69 /* E */ || text.charCodeAt(0) === 67 /* C */) {
    if (text.indexOf(" pid:") > 0 && text.length < MAX_BARE_CHARS) msg = XINFERENCE_FIELDS_RECORD.exec(text)?.[1] ?? null;
  }
  else if (text.charCodeAt(0) === 116 /* t */ && text.startsWith("torch.") && text.length < MAX_BARE_CHARS) msg = TORCH_LOGS_ERROR.exec(text)?.[1] ?? null;
  // DeepSpeed's own record (deepspeed/utils/logging.py: `[%(asctime)s] [%(levelname)s] [%(filename)s:%(lineno)d:%(funcName)s]
  // %(message)s`), the stamp peeled: its launcher's report of a worker that failed, `[ERROR] [launch.py:321:sigkill_handler]
  // ['/usr/bin/python3', '-u', 'train.py', '--local_rank=1'] exits with return code = 1` (the run's launcher, as torchrun's agent)
  else if (text.charCodeAt(0) === 91 /* [ */ && text.length < MAX_BARE_CHARS && DEEPSPEED_ERROR.test(text)) msg = DEEPSPEED_ERROR.exec(text)![1];
  // a record whose level stands alone in brackets at its start, printed by one of the run's processes (a vLLM or Ray
  // process prefix): Ascend CANN's TBE compiler in a worker, `(RayWorkerWrapper pid=1027) [ERROR] TBE Subprocess[...]
  // raise error[], main process disappeared!`; not transformers 5's docstring check, which prints `[ERROR] \`min_frames\`
  // is part of X, but not documented. ...` at import
  else if (text.charCodeAt(0) === 91 /* [ */ && rec.origin.process !== undefined && text.length < MAX_BARE_CHARS) {
    msg = BRACKET_LEVEL_RECORD.exec(text)?.[1] ?? null;
    if (msg !== null && UNDOCUMENTED_ARG.test(msg)) msg = null;
  }
  if (msg !== null && !isTracebackStructure(msg)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(msg) });
}

// PyTorch 2.1-2.3's own log records (torch._logging's formatter on the `torch.*` loggers: `[%Y-%m-%d %H:%M:%S,ms] name:
// [LEVEL] msg`), the stamp peeled: torchrun's agent, `torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode:
// 1) local_rank: 0 (pid: 3154) of binary: /usr/bin/python3` (the format before 2.4's glog-like `E0816 01:45:43.466000 ...`
// and after 2.0's `ERROR:torch.distributed.elastic...:`)
const TORCH_LOGS_ERROR = /^torch(?:\.[A-Za-z_]\w*)+: \[(?:ERROR|CRITICAL)\] (\S.*)$/;
const UNSLOTH_BANNER = /^==\(\(====\)\)==\s+Unsloth \S+: Fast \S+ patching\. Transformers: \S+?\. vLLM: (\d+\.\d+\S*?)\.\s*$/;
/** a stats record read (see statsRecord in createVllmReader) */
type StatsSink = (rec: LogRecord, msg: string, v: StatsValues, hasHead: boolean, tally: boolean, emit: Emit) => void;

/** a stats record's physical line shorter than this is no terminal's cut (the shortest width a pasted log wraps at is 80) */
const CUT_STATS_MIN = 60;

/**
 * A stats record that ends where a record of any version does: past its GPU KV cache usage, at the end of a field
 * (`%`, V0's `%.`, a count of `reqs`). One that does not may be a terminal's cut (an author's elision ends in `...`).
 */
function wholeStats(msg: string): boolean {
  const kv = msg.indexOf("GPU KV cache usage: ");
  return kv >= 0 && /(?:%\.?|\breqs|\.\.\.|\u2026)\s*$/.test(msg.slice(kv));
}

/** Records without a vLLM prefix: uvicorn, Ray's driver, pasted command lines, exception lines, traceback paths. */
function readOther(rec: LogRecord, emit: Emit, marker: MarkerFn, state: OtherState, runtime: RuntimeTap, stats: StatsSink): boolean | LogRecord {
  const text = rec.text;
  const continued = state.continued === true;
  state.continued = endsWithBackslash(text);
  if (state.wrapped) {
    const w = state.wrapped;
    state.wrapped = null;
    if (readWrappedLaunch(rec, w, emit, state)) return false;
  }
  if (state.launch) {
    // `vllm serve m \` / `docker run ... \` followed by `  --flag value \` lines
    const cont = state.launch;
    state.launch = null;
    if (text.length < 4000) {
      readLaunch(rec, parseLaunch(text, cont), emit, state, true);
      return false;
    }
  }
  if (state.script) {
    const script = state.script;
    const t = text.trim();
    // (the line before ended with a backslash: this one is the command's, whatever its words, `$(($1 + 1000))` too)
    if (t.length < 4000 && script.lines < MAX_CALL_LINES) {
      const more = t.endsWith("\\");
      script.words.push(more ? t.slice(0, -1).trim() : t);
      script.lines++;
      if (!more) endScript(state, emit);
      return false;
    }
    endScript(state, emit);
  }
  if (state.flagLines) {
    state.flagLines = false;
    if (text.length < 4000 && FLAG_LINE.test(text)) {
      const fixed = state.command?.fixed;
      readLaunch(rec, parseLaunch(text, { phase: "vllm", modelNext: false, ...(fixed ? { fixed } : {}) }), emit, state, true);
      if (state.launch === null) state.flagLines = true;
      return false;
    }
  }
  if (state.call) {
    // `llm = LLM(` then `    model="m",` lines: the keyword arguments, Python comments left out; a line of another
    // shape (a traceback showing only the call's first line) ends it
    const call = state.call;
    if (CALL_ARGUMENT.test(text) && text.length < 4000) {
      call.text += " " + text.replace(/\s+#[^'"]*$/, "");
      if (balanced(call.text) || ++call.lines >= MAX_CALL_LINES) {
        state.call = null;
        readCall(call.rec, call.text, emit);
      }
      return false;
    }
    state.call = null;
    readCall(call.rec, call.text, emit);
  }
  if (state.array) {
    const a = state.array;
    const t = text.trim();
    const more = ARRAY_MORE.exec(t);
    if (more && a.lines < MAX_CALL_LINES) {
      a.items.push(more[1]);
      a.lines++;
      return false;
    }
    state.array = null;
    const last = ARRAY_LAST.exec(t);
    if (last?.[1]) a.items.push(last[1]);
    readArray(a, emit, state);
    if (last) return false;
  }
  if (state.list?.block) {
    // a YAML block scalar's lines (`command: >` then `/model`, `--tensor-parallel-size 4`, ...): arguments until a line
    // that is none (the next key, a list item)
    const t = text.trim();
    if (BLOCK_ARGS.test(t) && state.list.words.length < MAX_CALL_LINES) {
      state.list.words.push(t);
      return false;
    }
    const list = state.list;
    state.list = null;
    readWords(list.rec, list.words.join(" "), emit, state);
  }
  if (state.list) {
    const item = state.list.quoted ? QUOTED_ITEM.exec(text.trimStart()) : YAML_ITEM.exec(text);
    if (item && state.list.words.length < MAX_CALL_LINES) {
      state.list.words.push(shellWord(state.list.quoted ? item[2] : item[1].replace(/^(["'])(.*)\1$/, "$2")));
      return false;
    }
    // the last item closes the list on its line: `'2']`
    const last = state.list.quoted ? LAST_QUOTED_ITEM.exec(text.trimStart()) : null;
    if (last) state.list.words.push(shellWord(last[2]));
    const list = state.list;
    state.list = null;
    readWords(list.rec, list.words.join(" "), emit, state);
    if (last) return false;
  }
  if (state.envName) {
    // Kubernetes: `- name: NCCL_SOCKET_IFNAME` then `value: eth0`
    const name = state.envName;
    state.envName = null;
    const v = YAML_VALUE.exec(text);
    if (v) {
      emitEnv(rec, new Map([[name, v[1].replace(/^(["'])(.*)\1$/, "$2")]]), "container", emit);
      return false;
    }
  }
  if (text.length < 6) {
    if (YAML_COMMAND_KEY.test(text)) state.list = { rec, words: [] };
    return false;
  }
  // ROCm's runtime aborting the process on a GPU fault (`Memory access fault by GPU node-N ... Reason: R.`, `HW Exception
  // by GPU node-N ... reason :GPU Hang`, `Memory critical error by agent node-N ... Reason: Memory in use.`; see the
  // vllm.rocrFault signature): a line that reports a failure, with no
  // logger header and often the last one the process prints
  if (text.indexOf(" by GPU node-") > 0 || text.indexOf(" by agent node-") > 0) {
    const m = ROCR_FAULT.exec(text);
    if (m) {
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(text.slice(m.index).trim()) });
      return false;
    }
  }
  // the container engine refusing to start the container, before any program in it ran: the docker CLI's report of the
  // daemon's error (`docker: Error response from daemon: ...`; `docker compose`, `docker start` and the API clients print
  // it bare), and the NVIDIA container toolkit's CLI on its own (enroot's and nvidia-container-runtime's hook, or
  // `nvidia-container-cli info`): `nvidia-container-cli: initialization error: nvml error: driver not loaded`, `...:
  // mount error: ...`, `...: requirement error: unsatisfied condition: cuda>=12.8 ...`
  if (text.indexOf("rror response from daemon: ") > 0 || text.indexOf("nvidia-container-cli: ") >= 0) {
    const m = CONTAINER_ENGINE_ERROR.exec(text);
    if (m) {
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(m[1]) });
      return false;
    }
  }
  // rocBLAS aborting the process while it loads its Tensile kernels (`rocBLAS error: Cannot read <dir>/TensileLibrary.dat:
  // ... for GPU arch : gfxNNNN`, `Could not initialize Tensile host: ...`; see the vllm.rocblasFatal signature): a line
  // that reports a failure, with no logger header, the last the process prints before the abort
  if (text.indexOf("rocBLAS error: ") >= 0) {
    const m = ROCBLAS_FATAL.exec(text);
    if (m) {
      const at = text.indexOf("rocBLAS error: ", m.index);
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(text.slice(at).trim()) });
      return false;
    }
  }
  const c = text.charCodeAt(0);
  // what a Ray driver prints for its cluster's raylets and autoscaler (ray/_private/worker.py print_worker_logs: `(raylet) `,
  // `(raylet, ip=A.B.C.D) `, `(autoscaler +1m2s) `) inside the output of vLLM's engine-core process, under the prefix vLLM
  // sets on it (`(EngineCore pid=1879) (raylet) A worker died ...`): that process is the Ray driver, which it is only when
  // it runs vLLM's Ray executor (a DP engine run by Ray is Ray's actor, and its driver is the front end)
  if (c === 40 /* ( */ && rec.origin.process?.startsWith("EngineCore") && RAY_DRIVER_TAG.test(text)) marker(rec, { marker: "ray:driver in engine core", backend: "ray", strength: 2 }, emit);
  // vLLM's cumem allocator (sleep mode) reporting a failed driver call on stderr, no logger header (see CUMEM_ERROR): a
  // line that reports a failure, often the only one an RL framework's wake_up/sleep shows before its own traceback
  if ((c === 67 /* C */ || c === 91 /* [ */) && text.indexOf("CUDA Error: ") >= 0) {
    const m = CUMEM_ERROR.exec(text);
    if (m) {
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "vllm", message: clipMsg(text) });
      return false;
    }
  }
  // ggml's GPU back end (llama.cpp) aborting on a failed CUDA / cuBLAS / NCCL call, no logger header (see GGML_GPU_ERROR):
  // a line that reports a failure, its `current device` and statement lines and the abort line after it
  if ((c === 67 /* C */ || c === 82 /* R */ || c === 77 /* M */) && text.startsWith(" error", 4)) {
    const m = GGML_GPU_ERROR.exec(text.trimEnd());
    if (m) {
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(text.trimEnd()) });
      return false;
    }
  }
  // Ray's ERROR record of a task error nobody collected, its logger header dropped by Ray's streaming of an actor's output
  // (see RAY_UNHANDLED_ERROR): a line that reports a failure; the header-kept copy is read as Ray's logger record below
  if (c === 85 /* U */ && text.startsWith("Unhandled error (suppress with ")) {
    if (RAY_UNHANDLED_ERROR.test(text)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "ray", message: clipMsg(text) });
  }
  if (c === 73 /* I */ && text.startsWith("INFO:")) {
    if (runtime.other(rec, text, emit)) return true;
    const msg = text.slice(5).trimStart();
    if (msg.startsWith("Application startup complete") || msg.startsWith("Uvicorn running on")) {
      emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: "server.ready", facts: { "server.ready": true }, priority: 8, level: "INFO", message: msg });
      return true;
    }
    return false;
  }
  // V0's preemption warning that lost its logger header (an eval harness's output, a quote in an issue)
  if (c === 83 /* S */ && runtime.other(rec, text, emit)) return true;
  // an ERROR record of uvicorn (`ERROR:    Exception in ASGI application`, its `%(levelprefix)s` padded to 9 columns;
  // `(APIServer pid=N) ` in front from v0.10.1) or of Python's default format on another logger (`ERROR:asyncio:…`;
  // a `vllm…` logger's record is read as vLLM's own): an error unless it is traceback structure; a WARNING one a warning
  if ((c === 69 /* E */ || c === 67 /* C */ || c === 87 /* W */) && (text.startsWith("ERROR:") || text.startsWith("CRITICAL:") || text.startsWith("WARNING:"))) {
    const m = PY_LEVEL_RECORD.exec(text);
    if (m && !isTracebackStructure(m[2])) emit({ kind: m[1] === "WARNING" ? "warning" : "error", ...base(rec, evidenceOf(rec)), source: "python", message: clipMsg(m[2]) });
  }
  // rich's RichHandler (a pipeline around vLLM: distilabel, a Ray job), its level padded to 8 columns after the time
  // column, which it leaves blank for a record of the same second: `[10/21/24 06:53:04] ERROR    ['pipeline'] msg   file.py:302`
  if ((c === 91 /* [ */ && (text.indexOf("] ERROR ") === 18 || text.indexOf("] CRITICAL ") === 18)) || ((c === 69 /* E */ || c === 67 /* C */) && (text.startsWith("ERROR    ") || text.startsWith("CRITICAL ")))) {
    const m = RICH_RECORD.exec(text);
    if (m && !isTracebackStructure(m[1])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "python", message: clipMsg(m[1]) });
  }
  // KServe's model server (kserve/logging.py; the peel took the stamp off): `1 kserve ERROR [__main__.py:<module>():254] msg`,
  // its uvicorn records `1 uvicorn.error ERROR:    msg`
  if (c >= 49 && c <= 57 && (text.indexOf(" ERROR") > 0 || text.indexOf(" CRITICAL") > 0)) {
    const m = PID_LOGGER_RECORD.exec(text);
    if (m && (m[1] === "ERROR" || m[1] === "CRITICAL") && !isTracebackStructure(m[2])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "python", message: clipMsg(m[2]) });
  }
  // a stats line that lost its vLLM header (pasted, or cut by a wrapper): counted, without a time
  if (mayBeStats(text)) {
    const v = readStats(text);
    if (v) {
      stats(rec, text, v, false, false, emit);
      return true;
    }
  }
  if (c >= 65 && c <= 90 && (text.indexOf(" -- ") > 0 || text.indexOf(" \u2013 ") > 0 || text.indexOf(" \u2014 ") > 0)) {
    const m = RAY_DRIVER.exec(text);
    if (m) {
      // ray.init's own words (worker.py): `Connecting to existing Ray cluster at address`, `Started a local Ray instance`, and
      // for an address from the environment (a Ray client's `ray://` among them) `Using address X set in the environment variable RAY_ADDRESS`
      if (/Ray cluster|local Ray instance|environment variable RAY_ADDRESS/.test(m[2])) marker(rec, { marker: "ray-driver", backend: "ray", strength: 1 }, emit);
      // a Ray compiled graph's own modules logging in vLLM's engine-core process (`(EngineCore_DP0 pid=9) 2025-10-06 13:20:06,152 INFO
      // torch_tensor_accelerator_channel.py:833 -- Communicator group initialized.`): the engine drives a compiled graph, which
      // only vLLM's Ray executor builds
      const proc = rec.origin.process;
      if (proc !== undefined && proc.startsWith("EngineCore") && COMPILED_GRAPH_MODULE.test(text)) marker(rec, { marker: "ray:compiled graph", backend: "ray", strength: 2 }, emit);
      if (m[1] === "ERROR" || m[1] === "CRITICAL") emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "ray", message: clipMsg(m[2]) });
      pathMarkers(rec, m[2], 1, emit, marker);
      return false;
    }
  }
  if (c === 69 /* E */ && text.startsWith("ERROR ") && (text.indexOf("::") > 0 || text.indexOf(" text_generation_") > 0)) {
    const m = RUST_TRACING.exec(text);
    if (m) {
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(m[1]) });
      return false;
    }
  }
  if (c === 91 /* [ */ && (text.startsWith("[ERROR|") || text.startsWith("[CRITICAL|"))) {
    const m = HF_EXPLICIT.exec(text);
    if (m && !isTracebackStructure(m[1])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "python", message: clipMsg(m[1]) });
  }
  // another program's bracketed ERROR record: HCCL's and BentoML's (the level first), gunicorn's (its pid first)
  if (c === 91 /* [ */) {
    const m =
      text.startsWith("[ERROR] ") || text.startsWith("[CRITICAL] ")
        ? (BRACKET_LEVEL_ERROR.exec(text) ?? BENTOML_ERROR.exec(text))
        : text.indexOf("] [ERROR] ") > 0 || text.indexOf("] [CRITICAL] ") > 0
          ? GUNICORN_ERROR.exec(text)
          : null;
    if (m && !isTracebackStructure(m[1])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(m[1]) });
  }
  // TensorRT-LLM's own records (its C++ logger and its Python one): an ERROR, `[E]` or `[F]` one is an error
  if ((c === 91 /* [ */ || (c >= 48 && c <= 57)) && (text.indexOf("[TRT-LLM] ") >= 0 || text.startsWith("[TensorRT-LLM]["))) {
    const m = TRTLLM_RECORD.exec(text);
    if (m && (m[1] === "ERROR" || m[2] === "E" || m[2] === "F") && !isTracebackStructure(m[3])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(m[3]) });
  }
  // LMDeploy's TurboMind engine's records: an ERROR or FATAL one is an error
  if (c === 91 /* [ */ && text.startsWith("[TM][")) {
    const m = TURBOMIND_RECORD.exec(text);
    if (m && (m[1] === "ERROR" || m[1] === "FATAL") && !isTracebackStructure(m[2])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(m[2]) });
  }
  // a serving framework's own error record (GPUStack), as KServe's above
  if (c === 103 /* g */ && text.startsWith("gpustack")) {
    const m = GPUSTACK_ERROR.exec(text);
    if (m && !isTracebackStructure(m[1])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(m[1]) });
  }
  // a vLLM record whose level, time and file a paste cut off, its message one vLLM logs only at ERROR or CRITICAL
  // (logger.exception / logger.critical): `EngineCore hit an exception: Traceback (most recent call last):`
  if ((c === 69 /* E */ || c === 87 /* W */ || c === 77 /* M */ || c === 71 /* G */ || c === 65 /* A */) && VLLM_ERROR_ONLY.test(text)) {
    emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "vllm", message: clipMsg(text) });
  }
  if (c === 115 /* s */ && text.indexOf(": error: ") > 0) {
    const m = SLURM_ERROR.exec(text);
    if (m) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(m[1]) });
  }
  const mpi = mpiLauncherReport(text);
  if (mpi !== null) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(mpi) });
  if (text.includes("nvshmem") && NVSHMEM_ERROR.test(text)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: clipMsg(text) });
  // a Ray Serve record: the date right after the level word
  if ((c === 69 /* E */ || c === 67 /* C */) && text.length > 30 && text.charCodeAt(text.indexOf(" ") + 5) === 45 /* - */) {
    const m = RAY_SERVE.exec(text);
    if (m) {
      if (!isTracebackStructure(m[2])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "ray", message: clipMsg(m[2]) });
      pathMarkers(rec, m[2], 1, emit, marker);
      return false;
    }
  }
  // Ray's autoscaler events, printed to the driver by elapsed time: `(autoscaler +1m19s) Error: No available node types can
  // fulfill resource request {...}` (its `Tip:` and `Warning:` events are no failure)
  if (c === 40 /* ( */ && text.startsWith("(autoscaler +")) {
    const m = RAY_AUTOSCALER_ERROR.exec(text);
    if (m) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "ray", message: clipMsg(m[1]) });
  }
  // Ray's worker logs an actor whose `__init__` raised at ERROR (`ERROR worker.py:451 -- Exception raised in creation task:
  // ...`, read above); on the driver the forwarded line keeps only the actor's tag, `(LLMRayActor pid=9) Exception raised
  // in creation task: The actor died because of an error raised in its creation task, ray::LLMRayActor.__init__() (...)`
  if (c === 69 /* E */ && text.startsWith(RAY_CREATION_TASK)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "ray", message: clipMsg(text) });
  if ((c === 69 /* E */ || c === 70 /* F */ || c === 67 /* C */ || c === 91 /* [ */ || c === 40 /* ( */) && text.indexOf("] ") > 0) {
    const m = RAY_CPP.exec(text);
    if (m) {
      if ((m[1] === "E" || m[1] === "F" || m[1] === "C") && !RAY_CPP_FRAME.test(m[2])) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "ray", message: clipMsg(m[2]) });
      return false;
    }
  }
  // a command written as an array (`command: ["vllm", "serve", ...]`, `CMD [...]`) before the quoted words are read as one
  if (text.indexOf("[") >= 0 && ARRAY_START.test(text) && (text.indexOf("vllm") >= 0 || text.indexOf("--") >= 0)) {
    const words = commandOfArray(text);
    if (words !== null && readWords(rec, words, emit, state)) return false;
    // the array left open at the line's end (`CMD [ "python", "-m", "vllm.entrypoints.openai.api_server", \`): its
    // items go on over the next lines
    const open = words === null ? ARRAY_OPEN.exec(text) : null;
    if (open) {
      state.array = { rec, items: [open[1]], lines: 1 };
      return false;
    }
  }
  // a launcher's echo of the arguments it passes, unquoted in brackets (a shell's `echo "vLLM engine args: [$ARGS]"`):
  // vLLM's own arguments when they hold a flag only vLLM has (readWords)
  if (text.indexOf("[--") > 0) {
    const m = ECHOED_ARGS.exec(text);
    if (m && readWords(rec, m[1], emit, state)) return false;
  }
  // another Python program launched over continued lines (`python3 ./sllm/.../api_server.py \`, ServerlessLLM's server with
  // vLLM's engine flags on the lines after it): its flags are collected, read when the command ends (endScript)
  if (text.indexOf("python") >= 0 && text.length < 4000) {
    const m = SCRIPT_LAUNCH.exec(text);
    if (m && !isCommandLine(text) && !OTHER_ENGINE_SCRIPT.test(text)) {
      state.script = { rec, words: m[1] ? [m[1].trim()] : [], lines: 0 };
      return false;
    }
  }
  // vLLM's arguments pasted one flag a line with no command before them (`--model m`, then `--tensor-parallel-size 8`
  // ...: an issue's "launch command (relevant flags)"): the `--model` line starts the command at the line's start, as
  // it does inside a line (CMD_START), and the flag lines after it continue it (flagLines); argparse's help (`--model
  // MODEL` with its metavar) is no such line
  // (not the last line of another program's command a backslash continued: `python -m torch.distributed.run … \`)
  if (c === 45 /* - */ && !continued && text.length < 4000 && HEADLESS_MODEL_FLAG.test(text) && FLAG_LINE.test(text)) {
    readLaunch(rec, parseLaunch(` ${text}`), emit, state);
    return false;
  }
  // (`python -m vllm.entrypoints.openai.api_server \` may stand alone on its line, its flags on the next ones)
  if ((text.indexOf("--") >= 0 || text.indexOf(" serve") >= 0 || text.indexOf(" run ") >= 0 || text.indexOf("vllm.entrypoints") >= 0 || text.indexOf("vllm_worker") >= 0) && isCommandLine(text)) {
    readLaunch(rec, parseLaunch(text), emit, state);
    return false;
  }
  if (c === 45 /* - */ || c === 110 /* n */ || c === 99 /* c */ || c === 97 /* a */) {
    const n = YAML_ENV_NAME.exec(text);
    if (n && ENV_NAME.test(n[1])) {
      state.envName = n[1];
      return false;
    }
    if (YAML_COMMAND_KEY.test(text)) {
      state.list = { rec, words: [] };
      return false;
    }
    // docker compose's `command: >` (a folded block, one argument or flag per line) and `command: [` (a flow sequence
    // whose quoted items follow on the next lines, several to a line)
    if (YAML_BLOCK_KEY.test(text)) {
      state.list = { rec, words: [], block: true };
      return false;
    }
    if (YAML_FLOW_OPEN.test(text)) {
      state.array = { rec, items: [], lines: 1 };
      return false;
    }
  }
  if ((c === 34 /* " */ || c === 39 /* ' */ || c === 91) /* [ */ && text.length < 400) {
    // the items of a JSON / Python argument list, one per line: `"--tensor-parallel-size",` then `"8",`; pprint
    // opens the list on its first item's line (`['serve',` then ` '/models/m',`)
    const item = QUOTED_ITEM.exec(c === 91 ? text.replace(/^\[\s*/, "") : text);
    if (item && item[2].length > 0) {
      state.list = { rec, words: [shellWord(item[2])], quoted: true };
      return false;
    }
  }
  // lm-evaluation-harness's evaluator: `Initializing vllm model, with arguments: {'pretrained': 'm', 'tensor_parallel_size': 2}`
  // (behind its own logging header), what it passes to vLLM's `LLM(...)`
  if (c >= 48 && c <= 73 && text.length < 8000) {
    const at = text.indexOf("Initializing vllm model, with arguments: {");
    if (at >= 0) {
      const values = configFromDump(harnessModelArgs(parseConfigDump(text.slice(at + 41), "dict", true)));
      if (Object.keys(values).length) emit({ kind: "vllm.config", ...base(rec, evidenceOf(rec)), source: "command", values });
      return false;
    }
  }
  if (text.length < 8000 && text.indexOf("(") > 0 && isEngineCall(text)) {
    if (balanced(text)) readCall(rec, text, emit);
    else state.call = { rec, text, lines: 1 };
    return false;
  }
  // a GPU census's stated total above its `GPU i: name` rows (FlashInfer's API-logging system information, torch-based
  // environment reports: `Number of GPUs: 8`): outranks the rows counted, which a cut paste lists only in part
  if (c === 78 /* N */ && text.startsWith("Number of GPUs: ")) {
    const m = /^Number of GPUs: ([1-9]\d{0,3})\s*$/.exec(text);
    if (m) {
      emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: "gpu.list", facts: { "gpu.count": Number(m[1]) }, priority: 3, level: null, message: clipMsg(text) });
      return false;
    }
  }
  if ((c === 71 /* G */ && text.startsWith("GPU ")) || ((c === 124 /* | */ || c === 78 /* N */ || (c >= 48 && c <= 57)) && (text.indexOf("MiB /") > 0 || text.indexOf("NVIDIA") > 0 || text.indexOf("Tesla") > 0)) || text.indexOf(" capability ") > 0) {
    const g = matchGpuLine(text);
    if (g) {
      const facts: Record<string, number | string> = {};
      if (g.name) facts["gpu.name"] = g.index !== null ? censusName(state, g.name) : g.name;
      if (g.memoryGiB !== null) facts["gpu.memoryGiB"] = g.memoryGiB;
      if (g.index !== null && state.gpus.size < 1024) {
        state.gpus.add(g.index);
        facts["gpu.count"] = state.gpus.size;
      }
      // a longer list outranks its first lines: the count is the number of GPUs listed
      emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: "gpu.list", facts, priority: 2 + state.gpus.size / 10000, level: null, message: clipMsg(text) });
      return false;
    }
  }
  if (c === 118 /* v */ && text.startsWith("vLLM Version")) {
    // the NGC container banner (`vLLM Version 0.10.1.1+381074ae`), collect_env.py's `vLLM Version: 0.9.2` (sectioned
    // layout, 0.9+: `vLLM Version                 : 0.9.1`, padded to the key column): below vLLM's own statement of its
    // version, which the container's label may shorten (NGC 26.01 labels `0.13.0+faa43dbf`, the server says `vLLM API
    // server version 0.13.0+faa43dbf.nv26.01`). collect_env's value is the version, then for a dev build ` (git sha: …)`
    // (0.6.x: `0.6.0@<commit>`); `N/A`, `N/A (dev)` and `Could not collect` state none.
    const v = /^vLLM Version(?::| +:)? +v?(\d[^\s@]*)/.exec(text);
    if (v) emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: "version.ngc", facts: { "vllm.version": v[1] }, priority: 7, level: null, message: text });
    return false;
  }
  if (c === 61 /* = */ && text.startsWith("==((====))==")) {
    // Unsloth's start banner (unsloth/models/*.py) names the vLLM it imports when `fast_inference` loads one:
    // `==((====))==  Unsloth 2025.6.9: Fast Qwen3 patching. Transformers: 4.51.3. vLLM: 0.9.1.` (installed package metadata)
    const v = UNSLOTH_BANNER.exec(text);
    if (v) emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: "version.unsloth", facts: { "vllm.version": v[1] }, priority: 7, level: null, message: text });
    return false;
  }
  if (text.indexOf("█") >= 0 || text.indexOf("▄") >= 0) {
    const logo = matchLogo(text);
    if (logo) emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: logo.id, facts: logo.facts, priority: 8, level: null, message: text });
  }
  if (text.indexOf("P2P") >= 0 || text.indexOf("eer access") >= 0 || text.indexOf("llreduce") >= 0 || text.indexOf("ll-reduce") >= 0 || text.indexOf("ll_reduce") >= 0) {
    // launcher / wrapper status lines about custom all-reduce and GPU P2P (not vLLM records)
    const st = matchTopologyStatus(text);
    if (st) emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: st.id, facts: st.facts, priority: 1, level: null, message: clipMsg(text) });
  }
  if (((c >= 65 && c <= 122) || c === 36 /* $ */ || c === 35 /* # */ || c === 45 /* - */ || c === 40 /* ( a virtualenv's prompt */) && (((text.indexOf("=") > 0 || text.indexOf(": ") > 0 || text.startsWith("ENV ")) && text.indexOf("_") > 0) || ((c === 110 /* n */ || c === 118 /* v */ || c === 91 /* [ collect_env's [pip3] / [conda] */) && text.indexOf("-nccl-cu") > 0))) {
    const env = matchEnvEcho(text);
    if (env) {
      emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: env.id, facts: env.facts, priority: 1, level: null, message: clipMsg(text) });
      emitEnv(rec, new Map([[String(env.facts.name), String(env.facts.value)]]), "shell", emit);
    } else if (text.indexOf("=") > 0) emitEnv(rec, parseEnvSettings(text), "launcher", emit);
  }
  actorClassMarker(rec, text, emit, marker);
  // (and V1's KV check and the dtype check printed without their `ValueError: `, which name no error: see VLLM_RAISE_ONLY)
  if (text.indexOf("rror") >= 0 || text.indexOf("xception") >= 0 || text.indexOf("esired GPU memory") >= 0 || (c === 84 /* T */ && text.startsWith("To serve at least one request")) || (c === 66 /* B */ && text.startsWith("Bfloat16 is only supported"))) {
    const hit = matchAnywhere(text);
    if (hit) emit({ kind: "vllm.message", ...base(rec, evidenceOf(rec)), id: hit.id, facts: hit.facts, priority: hit.priority ?? 8, level: null, message: clipMsg(text) });
  }
  pathMarkers(rec, text, 1, emit, marker);
  return false;
}

/**
 * A Python program started on a line that a backslash continues: `python3 ./server.py \`, `CUDA_VISIBLE_DEVICES=0 python -u
 * -m pkg.api_server --port 8000 \` (group 1: the flags on the line). Training launchers (`python -m torch.distributed.run`,
 * deepspeed, accelerate) are not it.
 */
const SCRIPT_LAUNCH = /(?:^|[\s;&|])(?:\S*\/)?python\d*(?:\.\d+)?(?:\s+-[uOBsE]+)*\s+(?:-m\s+(?!torch\.|deepspeed|accelerate)[A-Za-z_][\w.]*|(?!-)\S+\.py)((?:\s+-\S*(?:\s+[^\s\\-]\S*)?)*)\s+\\\s*$/;
/** another engine's server, whose `--model` / `--tp` flags are its own */
const OTHER_ENGINE_SCRIPT = /\bsglang\b|\blmdeploy\b|\btensorrt_llm\b|\bllama[._-]cpp\b/;
// a line of nothing but command-line flags: `--max-model-len 10000 `, `-tp 2 --enforce-eager`, `--gpu-memory-utilization=0.8`
// (a flag's name ends where `-`/word characters end, and a value never starts with `-`: one way to read each line)
const FLAG_LINE = /^(?:-{1,2}[A-Za-z][\w-]*(?![\w-])(?:(?:=|[ \t]+)(?:"[^"]*"|'[^']*'|[^\s"'-]\S*))?\s*)+\\?\s*$/;

/** the line ends with a backslash (spaces after it aside): a shell command goes on on the next line */
function endsWithBackslash(text: string): boolean {
  let i = text.length - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  return i >= 0 && text.charCodeAt(i) === 92;
}

/** a line that opens with `--model` and its value, the value no argparse metavar (`MODEL`) */
const HEADLESS_MODEL_FLAG = /^--model(?:=|[ \t]+)(?!["']?[A-Z_]+["']?(?:\s|$))\S/;

// YAML: `command:` / `args:` with the list on the next lines, its items, a Kubernetes env entry
const YAML_COMMAND_KEY = /^(?:- )?(?:command|args|entrypoint):\s*$/;
const YAML_BLOCK_KEY = /^(?:- )?(?:command|args):\s*[>|][-+]?\s*$/;
const YAML_FLOW_OPEN = /^(?:- )?(?:command|args|entrypoint):\s*\[\s*$/;
/** a line of a block scalar that holds arguments: a flag and its value, or one word (the positional model) */
const BLOCK_ARGS = /^(?:--?[A-Za-z][\w.\-]*(?:[= ]\S.*)?|[^\s:#'"\-][^\s]*)$/;
// quoted items of an array, comma-separated: `"--model", "m"` (ARRAY_*: a command array whose items run over lines)
const QUOTED_ITEMS = String.raw`(?:"[^"]*"|'[^']*')(?:\s*,\s*(?:"[^"]*"|'[^']*'))*`;
/** a bracket a quoted item follows (`["vllm"`, `[ "python"`, `['serve'`) */
const ARRAY_START = /\[\s*["']/;
/**
 * an array opened on this line and not closed on it, perhaps continued with a backslash: at the line's start, or after a
 * Dockerfile instruction (`CMD`, `ENTRYPOINT`, `RUN`), a YAML key (`command:`, `- args:`) or an assignment (`cmd = [`)
 */
const ARRAY_OPEN = new RegExp(String.raw`^(?:(?:CMD|ENTRYPOINT|RUN)\s+|(?:- )?[A-Za-z_][\w\-]*:\s*|[A-Za-z_][\w.]*\s*=\s*)?\[\s*(${QUOTED_ITEMS})\s*,?\s*\\?\s*$`);
/** a line of the array's items only, the array still open */
const ARRAY_MORE = new RegExp(String.raw`^(${QUOTED_ITEMS})\s*,?\s*\\?$`);
/** the line that closes the array, with its last items if any */
const ARRAY_LAST = new RegExp(String.raw`^(${QUOTED_ITEMS})?\s*,?\s*\]`);
const YAML_ITEM = /^-\s+(\S.*?)\s*$/;
const QUOTED_ITEM = /^(["'])([^"'\\]*)\1\s*,?\s*$/;
const LAST_QUOTED_ITEM = /^(["'])([^"'\\]*)\1\s*\]\s*$/;
// flags only vLLM has among the launchers pasted with it: an argument list holding one is vLLM's (`vllm-openai` image args)
const VLLM_FLAG = /(?:^|\s)--(?:tensor-parallel-size|pipeline-parallel-size|data-parallel-size|gpu-memory-utilization|max-model-len|distributed-executor-backend|served-model-name|max-num-batched-tokens|kv-cache-dtype)(?:[\s=]|$)/;
// `label: [--flag value --flag value]`, the list closing the line
const ECHOED_ARGS = /:\s*\[(--[^[\]]*)\]\s*$/;
const YAML_ENV_NAME = /^(?:- )?name:\s*["']?([A-Z][A-Z0-9_]*)["']?\s*$/;
const YAML_VALUE = /^value:\s*(\S.*?)\s*$/;

/** The words of a command from an array or a YAML list: a vLLM command, or vLLM's arguments alone (`--model m ...`). */
/** the items of a command array read over lines, as one command */
function readArray(a: NonNullable<OtherState["array"]>, emit: Emit, state: OtherState): void {
  const words = commandOfArray(`[${a.items.join(", ")}]`);
  if (words !== null) readWords(a.rec, words, emit, state);
}

function readWords(rec: LogRecord, words: string, emit: Emit, state: OtherState): boolean {
  // the argument vector of the `vllm` entry point (`sys.argv[1:]`, as a launcher prints it) starts at the subcommand
  const line = /^serve\s/.test(words) ? ` vllm ${words}` : ` ${words}`;
  // vLLM's arguments alone (a container's `args:`, a list whose first lines were not pasted): all of them are vLLM's,
  // also those before a `--model` (which alone would start a command line there)
  const vllmArgs = VLLM_FLAG.test(line) && !/(?:^|\s)(?:\S*\/)?(?:python\d*|torchrun|deepspeed|accelerate)(?:\s|$)|sglang/.test(line);
  if (isCommandLine(line) && !(vllmArgs && line.startsWith(" -"))) readLaunch(rec, parseLaunch(line), emit, state);
  // (a word before the first flag is the positional model the vllm-openai image's `vllm serve` entry point takes)
  else if (vllmArgs) readLaunch(rec, parseLaunch(line, { phase: "vllm", modelNext: !line.startsWith(" -") }), emit, state);
  else return false;
  state.launch = null;
  state.flagLines = false;
  return true;
}

/**
 * A Python program's launch read over its continued lines (OtherState.script): its flags are vLLM's engine arguments when
 * one of them is a flag only vLLM has (VLLM_FLAG: `--tensor-parallel-size`, `--gpu-memory-utilization`, ...), as in the
 * servers built on vLLM that take its arguments (ServerlessLLM, Llumnix, a team's own `api_server.py`); otherwise they are
 * the program's own and nothing is read.
 */
function endScript(state: OtherState, emit: Emit): void {
  const script = state.script;
  if (!script) return;
  state.script = null;
  const words = script.words.join(" ").trim();
  if (words && VLLM_FLAG.test(` ${words}`)) readWords(script.rec, words, emit, state);
}

function readCall(rec: LogRecord, text: string, emit: Emit): void {
  const values = configFromDump(parseEngineCall(text));
  if (Object.keys(values).length) emit({ kind: "vllm.config", ...base(rec, evidenceOf(rec)), source: "command", values });
}

/**
 * A line of a launch command: its vLLM flags as config, its environment settings as env facts. `continues`: the line
 * continues the command before it (after a backslash, or a line of flags): its values carry the line the command
 * started on, so that the facts keep a flag's last statement in the command, as argparse does.
 */
function readLaunch(rec: LogRecord, line: LaunchLine, emit: Emit, state: OtherState, continues = false): void {
  if (!continues || !state.command) state.command = { line: rec.line };
  if (line.fixed) state.command.fixed = line.fixed;
  const values = configFromFlags(line.flags);
  if (Object.keys(values).length) emit({ kind: "vllm.config", ...base(rec, evidenceOf(rec)), source: "command", values, command: state.command.line });
  emitEnv(rec, line.env, line.cont?.phase === "container" ? "container" : "shell", emit);
  state.launch = line.cont;
  state.flagLines = line.cont === null && line.flags.size > 0;
  state.wrapped = rec.raw.trim() === rec.text.trim() ? mayGoOn(rec, rec.raw, values, 1) : null;
}

/**
 * A line of a terminal's width may go on on the next line (see readWrappedLaunch), also one that ends in a flag awaiting
 * its value: the flag's name may be what the cut split. `text`: the command so far, as written.
 */
function mayGoOn(rec: LogRecord, text: string, values: Record<string, ConfigValue>, lines: number): OtherState["wrapped"] {
  return !endsWithBackslash(text) && rec.raw.length >= MIN_WRAP_WIDTH ? { text, line: rec.line, input: rec.input, values, lines } : null;
}

/** the narrowest terminal a pasted command is taken to have been hard-wrapped at */
const MIN_WRAP_WIDTH = 60;
/** what starts a record, not the rest of a cut command: a level word or `WORD:`, a date or clock, a bracket, a prompt, a traceback */
// (a program's own `usage: ` / `vllm: error: ` line too: flags do not hold `: `)
const RECORD_OF_ITS_OWN = /^(?:[\w.\-]+: |[A-Z][A-Z_]+:|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\b|Traceback|File "|\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|[\[(<$#>|])/;

/**
 * The line right after a launch command that a terminal cut at its width (`... --max-model-le` / `n 32768 --gpu-...`,
 * `--model meta-llama/` / `Llama-3.1-405B-Instruct-FP8 --tensor-...`): the two joined where the cut fell are read as
 * the command's next statement, whose values argparse's last-statement rule lets stand over the cut ones (a cut that
 * fell at a blank leaves it at the end of the one line or the start of the other, and the join keeps it). Taken only
 * when the join keeps every value the cut line gave (or makes one longer) and adds or lengthens one: a record of
 * its own after a whole command (`INFO 07-02 ...`) would spoil the last value instead.
 */
function readWrappedLaunch(rec: LogRecord, w: NonNullable<OtherState["wrapped"]>, emit: Emit, state: OtherState): boolean {
  const text = rec.text;
  if (rec.input !== w.input || rec.line !== w.line + 1 || rec.raw.trim() !== text.trim() || text.trim().length === 0 || text.length > 4000 || w.lines >= 8) return false;
  // (a record of its own, and a line that shows no cut: neither flags after the cut word, nor a cut flag or path before it)
  if (RECORD_OF_ITS_OWN.test(text.trimStart())) return false;
  const cutWord = /(\S*)\s*$/.exec(w.text)![1];
  if (!/(?:^|\s)-/.test(text) && !cutWord.startsWith("-") && !/[\/\-=_.:]$/.test(cutWord)) return false;
  // (the lines as written: a cut that fell at a blank left it at the end of the one, which the record's text trims; a
  // line that starts with a long flag starts a word, as a line of flags whose backslash a paste ate does: not `-70B-…`,
  // the rest of a cut name, nor `-max-model-len`, a flag cut between its dashes)
  const joined = w.text + (/^--[A-Za-z]/.test(rec.raw) && /\S$/.test(w.text) ? " " : "") + rec.raw;
  // (a join that ends in a flag still waiting for its value reads that value on the next line, as after a backslash)
  const line = parseLaunch(joined);
  const values = configFromFlags(line.flags);
  let gained = false;
  for (const [k, v] of Object.entries(w.values)) {
    const now = values[k];
    if (now === v) continue;
    // (a value the cut shortened: `3276` of `32768`, `meta-llama/` of the model's name)
    if ((typeof v === "string" || typeof v === "number") && typeof now === typeof v && String(now).startsWith(String(v))) gained = true;
    else return false;
  }
  if (!gained && !Object.keys(values).some((k) => !(k in w.values))) return false;
  const command = state.command?.line ?? w.line;
  emit({ kind: "vllm.config", ...base(rec, evidenceOf(rec)), source: "command", values, command });
  emitEnv(rec, line.env, line.cont?.phase === "container" ? "container" : "shell", emit);
  state.launch = line.cont;
  state.flagLines = line.cont === null && line.flags.size > 0;
  state.wrapped = mayGoOn(rec, joined, values, w.lines + 1);
  return true;
}

/** the logger header's file of vllm/entrypoints/launcher.py (`launcher.py:59]`, `[launcher.py:64]`, `[entrypoints/launcher.py:71]`) */
const LAUNCHER_FILE = /(?:^|\/)launcher\.py$/;

/** The launch command a flattened paste left before a record's header: its flags and environment, as on a line of its own. */
function readLeadingLaunch(rec: LogRecord, leading: string, emit: Emit): void {
  const line = parseLaunch(leading);
  const values = configFromFlags(line.flags);
  if (Object.keys(values).length) emit({ kind: "vllm.config", ...base(rec, evidenceOf(rec)), source: "command", values });
  emitEnv(rec, line.env, "shell", emit);
}

function emitEnv(rec: LogRecord, vars: Map<string, string>, via: EnvVarEvent["via"], emit: Emit): void {
  for (const [name, value] of vars) {
    if (!ENV_NAME.test(name) || value.includes("$")) continue;
    emit({ kind: "env.var", ...base(rec, evidenceOf(rec)), name, value, via });
    // the engine the launch asks for (vllm/envs.py, 0.7-0.10: `bool(int(os.getenv("VLLM_USE_V1", ...)))`): a weak
    // marker, below every line the engine itself prints (a fallback to V0, V1's files and process names)
    if (name === "VLLM_USE_V1" && (value === "0" || value === "1"))
      emit({ kind: "vllm.marker", ...base(rec, evidenceOf(rec)), marker: "env:VLLM_USE_V1", engine: value === "0" ? "v0" : "v1", strength: 1 });
  }
}

function emitPhrase(rec: LogRecord, hit: PhraseMatch, level: string | null, msg: string, emit: Emit, marker: MarkerFn): void {
  const ev = evidenceOf(rec);
  const facts = { ...hit.facts };
  const engine = facts["vllm.engine"];
  if (engine === "v0" || engine === "v1") {
    delete facts["vllm.engine"];
    marker(rec, { marker: `phrase:${hit.id}`, engine, strength: 3 }, emit);
  }
  if (hit.id === "config.defaultBackend" || hit.id === "config.asyncSchedulingBackend") {
    const b = String(facts["config.executorBackend"]);
    delete facts["config.executorBackend"];
    const name = hit.id === "config.defaultBackend" ? "phrase:Defaulting to use" : "phrase:Async scheduling will be disabled";
    if (b === "mp" || b === "ray" || b === "uni" || b === "external_launcher") marker(rec, { marker: name, backend: b, strength: 4 }, emit);
  }
  const values: Record<string, string | number | boolean> = facts;
  if (hit.id === "customAllReduce.disabled") {
    const reason = customAllReduceReason(msg);
    if (reason) values.reason = reason;
  }
  emit({ kind: "vllm.message", ...base(rec, ev), id: hit.id, facts: values, priority: hit.priority ?? 8, level, message: clipMsg(msg) });
}

// ---------------------------------------------------------------- config dumps

interface PendingDump {
  rec: LogRecord;
  text: string;
  kind: DumpKind;
  parts: number;
  /** a dump started by a join (see readJoined): the text of the join's last line, which the reader sees next */
  joinedTail?: string;
}

function isClosed(text: string, kind: DumpKind): boolean {
  const t = text.trimEnd();
  const last = t.charCodeAt(t.length - 1);
  if (kind === "dict") return last === 125 /* } */ && balanced(t);
  if (kind === "namespace") return last === 41 /* ) */ && balanced(t);
  // a banner: V1 ends with `compilation_config={...}`, ≤0.6.4 with `)`, 0.6.5–0.10 V0 with `use_cached_outputs=False, `
  return (last === 125 || last === 41) && balanced(t.replace(/\)$/, ""));
}

function balanced(t: string): boolean {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (quote) {
      if (c === 92) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 39 || c === 34) quote = c;
    else if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
  }
  return depth === 0 && quote === 0;
}

/** a line of a dump's `key=value, ` (or `'key': value, `) pairs, or of an ellipsis standing for some (indented: INDENTED before it) */
const HANGING_PAIRS = /^(?:[A-Za-z_]\w*=[^=\s]|'\w+': \S|(?:\.\.\.|\u2026)[,\s])/;
const INDENTED = /[ \t]{2}$/;

/** a dump's text cut at a backslash a viewer put at its wrap, after a word, a value or a separator */
const WRAP_MARK = /[\w=,.)'"]\\$/;

/** A hard-wrapped piece of a dump: no prefix of its own, shaped like `key=value, ...` text. */
function isContinuation(text: string): boolean {
  if (text.length === 0) return false;
  const c = text.charCodeAt(0);
  if (c === 32 && text.charCodeAt(1) === 32) return false;
  if (text.indexOf("=") < 0 && text.indexOf("': ") < 0 && !/^[\w'"\])}]*[,)}]/.test(text)) return false;
  if (/^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\b/.test(text)) return false;
  if (text.startsWith("Traceback") || text.startsWith("File ") || text.startsWith("Process ")) return false;
  if (mayHaveHead(text)) return false;
  // the next message of a log without headers, or of a markdown list of them (`- Initializing a V1 LLM engine ...`)
  const at = findMessageStart(text);
  if (at === 0 || (at === 2 && /^[-*+] /.test(text))) return false;
  return /^[ \w'"{}\[\](),.=:\/~-]/.test(text);
}

function emitDump(p: PendingDump, emit: Emit): void {
  let text = p.text;
  let complete = isClosed(text, p.kind);
  if (p.kind === "banner" && complete && text.trimEnd().endsWith(")") && !balanced(text.trimEnd())) {
    text = text.trimEnd().slice(0, -1);
  }
  if (p.kind === "banner" && /,\s*$/.test(text)) complete = true;
  const raw = parseConfigDump(text, p.kind, complete);
  if (raw.size === 0) return;
  const values = configFromDump(raw);
  const source: VllmConfigEvent["source"] = p.kind === "banner" ? "banner" : p.kind === "dict" ? "non-default-args" : "namespace";
  const rawObj: Record<string, ConfigValue> = {};
  for (const [k, v] of raw) rawObj[k] = v as DumpValue;
  emit({ kind: "vllm.config", ...base(p.rec, evidenceOf(p.rec)), source, values, raw: rawObj });
}

// ---------------------------------------------------------------- helpers

/**
 * The stats record two joined lines state and neither line did alone: its message and values. `held`: joins read as stats whose lines stopped
 * before the GPU KV cache usage every version prints (a hand-wrapped or console-wrapped record, `..., Waiting: 0 reqs,` /
 * `GPU KV cache usage: 16.4%, ...`): such a join is held (`defer`) for the next line, and a join that grows from a held
 * one is still read.
 */
/** the line's text stands under an indent of two or more blanks (the peel takes the indent off the text, not the raw line) */
function hangingIndent(rec: LogRecord): boolean {
  const t = rec.text.trimStart();
  const at = t.length ? rec.raw.lastIndexOf(t) : -1;
  return at >= 2 && /[ \t]{2}$/.test(rec.raw.slice(0, at));
}

/** a piece of a `key=value, ...` dump: it starts with a key and its `=`, or closes what an earlier piece opened */
const DUMP_PIECE = /^(?:[A-Za-z_]\w*=(?!=)|[\w'"\])}]*[,)}]\s*(?:[A-Za-z_]\w*=|$))/;

/** a reflowed dump's pieces read at most (a V0 banner reflowed at 70 columns is some twenty lines) */
const MAX_HANGING_PIECES = 40;

/**
 * The phrase a join's text states: one found anywhere in it, or the start-anchored one its message begins with (after a
 * vLLM header, or where a known message starts: `model weights take 30.73GiB; non_torch_memory takes 0.74GiB;` /
 * `PyTorch activation peak memory takes 1.41GiB;` / `the rest of the memory reserved for KV Cache is 53.19GiB.`).
 */
function joinPhrase(text: string): PhraseMatch | null {
  const hit = matchAnywhere(text);
  if (hit) return hit;
  const head = fastHead(text);
  if (head) return matchMessage(head.message);
  const at = findMessageStart(text);
  return at < 0 ? null : matchMessage(at === 0 ? text : text.slice(at));
}

/** The banner two joined lines make when the first alone is none (`Initializing a V1 LLM engine` / `(v0.9.1) with config: ...`). */
function joinedBanner(joined: string, a: string): ReturnType<typeof parseBanner> {
  if (joined.indexOf(" LLM engine") < 0 || joined.indexOf("with config") < 0) return null;
  const msgOf = (t: string) => fastHead(t)?.message ?? t;
  const b = parseBanner(msgOf(joined));
  return b && b.version !== null && parseBanner(msgOf(a)) === null ? b : null;
}

function joinedStats(joined: string, a: string, b: string, held: readonly string[], cut?: string): { msg: string; v: StatsValues; defer: boolean } | null {
  if (joined.indexOf("Avg prompt throughput: ") < 0 && joined.indexOf("Running: ") < 0) return null;
  // (a blank put back between two digits splits a number a terminal cut: `usage: 1` / `7.6%` is 17.6, never 1)
  if (joined.length > a.length + b.length && /[\d.]$/.test(a) && /^[\d.]/.test(b)) return null;
  const msgOf = (t: string) => fastHead(t)?.message ?? t;
  const msg = msgOf(joined);
  const v = readStats(msg);
  if (!v || v.running === null || (readStats(msgOf(a)) && !held.includes(a) && a !== cut) || readStats(b)) return null;
  return { msg, v, defer: !wholeStats(msg) };
}

const NEXT_RECORD = / (?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d \[?[^\s\]]+:\d+\] /;

function nextRecordStart(msg: string): number {
  if (msg.length < 40) return -1;
  const m = NEXT_RECORD.exec(msg);
  return m ? m.index : -1;
}

// a traceback frame's end, `line 139, in __init__` (markdown may have turned `__init__` into `**init**`)
// (in a flattened paste the next record's process prefix, `(VllmWorkerProcess pid=52)`, ends the message before it)
const FRAME_TAIL = /\bline \d+, in [^\s]+(?:\s+\([^()]*\bpid=\d+[^()]*\))?\s*$/;
const FRAME_HEAD = /^File "[^"]*", line \d+, in \S+\s*/;
const EXCEPTION_LINE = /^(?:[A-Za-z_][\w.]*)?(?:Error|Exception|Exit|Interrupt)(?::|$)/;

/** a flattened record's message that stands where a frame's code line does: indented back, unless it is the exception */
function codeLine(h: VllmHead): VllmHead {
  const m = h.message;
  return m.length === 0 || m.charCodeAt(0) === 32 || EXCEPTION_LINE.test(m) || /^File "/.test(m) ? h : { ...h, message: `    ${m}` };
}

// a statement: `a, b = f(x)` / `self.x = y[0]`, `return f(...)`, `raise E(...)`, `await f()`, `self.run()`, a block header,
// a call whose arguments go on on the next line (`super().__init__(vllm_config, executor_class,`: Python 3.10 prints its first line)
const UNINDENTED_CODE =
  /^(?:[a-z_][\w.]*(?:\[[^\]]*\])?(?:, ?[a-z_][\w.]*)* [+\-*/|&]?= (?:await )?[\w.]+(?:\[[^\]]*\])?(?:\(.*)?,?|(?:return|raise|await|yield|assert|del) [\w.]+(?:\[[^\]]*\])?(?:\(.*)?,?|(?:async )?(?:with|for|if|elif|while|try|except) .*:|[a-z_][\w.]*\([^)]*\)?(?:[.\w()\[\]]*)?,?|[a-z_][\w.]*(?:\(\)\.[a-z_][\w.]*)?\([^()]*(?:\([^()]*\)[^()]*)*,)$/;

/** the start of a traceback frame that ends before its line number: inside the quoted path, or in `", line` */
const CUT_FRAME = /^File "(?:[^"]*|[^"]*",?(?: (?:l|li|lin|line))?)\s*$/;

/** Traceback structure logged at ERROR level: frames, code and caret lines, headers, chain separators. */
/**
 * A failure line of Ascend CANN's error report, indented under the exception it belongs to (torch_npu puts the
 * runtime's report in its RuntimeError's message, a worker logs each line at ERROR): its tail names the C++ function,
 * file and line (`        rtSetDevice execute failed, reason=[device id error][FUNC:FuncErrorReason][FILE:error_message_manage.cc][LINE:53]`).
 * Indented text is a traceback's code line otherwise.
 */
const CANN_ERROR_DETAIL = /^\s+\S.*\b(?:failed|[Ff]ailed to|error|invalid)\b.*\[FUNC:[\w:~]+\]\[FILE:[\w.\-]+\]\[LINE:\d+\]\s*$/;

/**
 * An exception line at a traceback's frame level (`  torch.distributed.DistStoreError: wait timeout ...`, two spaces in
 * like the `  File` lines above it, as a V0 worker's logged traceback was pasted): a frame's code line sits four or more
 * spaces in, so a line less deep that names an error type is the exception, not code.
 */
const FRAME_LEVEL_EXCEPTION = /^ {1,3}(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception)(?:\([\w.]+\))?: \S/;

/**
 * NVSHMEM's error print (the library under DeepEP's internode kernels and pplx-kernels): its error macros write the
 * source file and line, then the status and what failed, on stderr with no header of their own (`/tmp/nvshmem_src/src/
 * host/init/init.cu:1034: non-zero status: 28 nvshmem detect topo failed`, `.../ibgda.cpp:2301: NULL value Unable to
 * create ah.`, `.../mem_heap.cpp:1498: error status: 2 (NVSHMEMX_ERROR_OUT_OF_MEMORY) cuMemCreate failed`, `[.../barrier.cpp:21]
 * cuda failed with an illegal memory access was encountered`), and its error print with the function between file and
 * line (`.../transport.cpp:nvshmemi_transport_init:290: Unable to initialize any transports. returning error.`): a
 * failure, as NCCL's error-return lines are, even one NVSHMEM goes on from. Its `NVSHMEM INFO` lines and its warnings
 * (`WARN: ...`, on stdout) are not; the path names NVSHMEM's sources (grammars/signatures.ts vllm.nvshmemFailure reads
 * the same lines for the rule).
 */
const NVSHMEM_ERROR = /^\[?(?=[\w./-]*?nvshmem)[\w./-]+\.(?:cpp|cu|cc|c|h|hpp)(?::[A-Za-z_]\w*:\d+: \S|:\d+:? (?:non-zero status: -?\d+|error status: -?\d+|NULL value \S)|:\d+\] cuda failed with \S)/;

/**
 * A line of pybind11's "incompatible function arguments" TypeError, the overloads it lists under the message (four spaces,
 * a number, the signature: `    2. torch._C._distributed_c10d.ProcessGroup(arg0: torch._C._distributed_c10d.Store, arg1: int)`,
 * `-> None` after it where the overload returns one): the exception's own words, not a frame's code line, since no
 * Python statement starts with a number and a dot. A method's or a function's overload has no name before its
 * parenthesis (`    1. (self: torch._C.Graph, arg0: int) -> None`).
 */
const PYBIND_OVERLOAD = /^ {4}\d+\. (?:[A-Za-z_][\w.]*)?\(.*\)(?: -> \S.*)?\s*$/;

export function isTracebackStructure(msg: string): boolean {
  if (msg.length === 0) return true;
  const c = msg.charCodeAt(0);
  if (c === 32 || c === 9) return !(c === 32 && (FRAME_LEVEL_EXCEPTION.test(msg) || PYBIND_OVERLOAD.test(msg)));
  if (c === 84 /* T */ && msg.startsWith("Traceback (most recent call last)")) return true;
  // a frame, or a frame's code line, whose indentation a flattened paste or a log viewer took (Cloud Logging shows
  // `[core.py:842] logits_sort, logits_idx = logits.sort(dim=-1)`): Python statements, never a sentence
  // (unless the flattening ran on into the exception the traceback ends with: `File "…", line 90, in f a = … torch.AcceleratorError: …`)
  if (c === 70 /* F */) {
    const frame = plainFrameQuotes(msg);
    if (/^File "[^"]*", line \d+/.test(frame)) return msg.length < 60 || flatTailException(frame.replace(FRAME_HEAD, "")) === null;
  }
  // a frame a hard wrap or a flattened paste cut before its line number (`File "/home/user/envs/py310/` and the path goes on
  // on the next physical line): Python prints `File "<path>", line N, in <name>`, so the record ends inside that form
  if (c === 70 && CUT_FRAME.test(msg)) return true;
  if (c >= 97 && c <= 122 && UNINDENTED_CODE.test(msg)) return true;
  if (c === 80 /* P */ && /^Process [\w.\-]+(?::\d+)*:\s*$/.test(msg)) return true;
  if ((c === 94 || c === 126) && /^[~^\s]+$/.test(msg)) return true;
  if (c === 84 && msg.startsWith("The above exception was the direct cause")) return true;
  if (c === 68 && msg.startsWith("During handling of the above exception")) return true;
  if (c === 46 && /^\.\.\.<\d+ lines?>\.\.\.$/.test(msg)) return true;
  // a line of the C++ backtrace under a c10::Error: vLLM's NewLineFormatter repeats the record's header on every line of
  // a message, so the traceback a worker logs at ERROR (V0 worker_base.py's `Error executing method …`) comes one header
  // a line, its C++ frames too (`(RayWorkerWrapper pid=9) ERROR 04-27 23:46:13 worker_base.py:157] frame #27:
  // ray::RayWorkerWrapper.execute_method() [0x508006]`): a frame, as Python's `File` lines are
  if (c === 102 /* f */ && isCppFrame(msg)) return true;
  return false;
}

function clipMsg(s: string): string {
  return s.length > 600 ? s.slice(0, 599) + "…" : s;
}

class MetricsTally {
  count = 0;
  first: LogRecord | null = null;
  lastRec: LogRecord | null = null;
  last: VllmMetricsEvent["last"] | null = null;
  peakKv: number | null = null;
  peakRunning = 0;
  peakWaiting = 0;
  add(rec: LogRecord, m: MetricsLine): void {
    this.count++;
    this.first ??= rec;
    this.lastRec = rec;
    this.last = { promptTps: m.promptTps, genTps: m.genTps, running: m.running, waiting: m.waiting, kvUsagePct: m.kvUsagePct };
    if (m.kvUsagePct !== null && (this.peakKv === null || m.kvUsagePct > this.peakKv)) this.peakKv = m.kvUsagePct;
    if (m.running > this.peakRunning) this.peakRunning = m.running;
    if (m.waiting > this.peakWaiting) this.peakWaiting = m.waiting;
  }
  event(): VllmMetricsEvent | null {
    if (!this.count || !this.lastRec || !this.last) return null;
    const ev: Evidence = evidenceOf(this.lastRec);
    return { kind: "vllm.metrics", ...base(this.lastRec, ev), count: this.count, last: this.last, peakKvUsagePct: this.peakKv, peakRunning: this.peakRunning, peakWaiting: this.peakWaiting };
  }
}

// ---------------------------------------------------------------- config keys -> facts

const CONFIG_KEYS: Record<string, string> = {
  model: "model",
  tensor_parallel_size: "tensorParallelSize",
  pipeline_parallel_size: "pipelineParallelSize",
  data_parallel_size: "dataParallelSize",
  distributed_executor_backend: "executorBackend",
  max_model_len: "maxModelLen",
  max_seq_len: "maxModelLen",
  gpu_memory_utilization: "gpuMemoryUtilization",
  enable_expert_parallel: "enableExpertParallel",
  nnodes: "nnodes",
  node_rank: "nodeRank",
  master_addr: "masterAddr",
  headless: "headless",
  data_parallel_size_local: "dataParallelSizeLocal",
  data_parallel_start_rank: "dataParallelStartRank",
  data_parallel_address: "dataParallelAddress",
  dtype: "dtype",
  quantization: "quantization",
  kv_cache_dtype: "kvCacheDtype",
  enforce_eager: "enforceEager",
  max_num_seqs: "maxNumSeqs",
  max_num_batched_tokens: "maxNumBatchedTokens",
  block_size: "blockSize",
  seed: "seed",
  served_model_name: "servedModelName",
};
const NUMERIC = new Set(["tensorParallelSize", "pipelineParallelSize", "dataParallelSize", "dataParallelSizeLocal", "dataParallelStartRank", "maxModelLen", "gpuMemoryUtilization", "nnodes", "nodeRank", "maxNumSeqs", "maxNumBatchedTokens", "blockSize", "seed"]);
const BOOLEAN = new Set(["enableExpertParallel", "headless", "enforceEager"]);
const BACKENDS = new Set(["mp", "ray", "uni", "external_launcher"]);

/** A config value as the fact wants it, or undefined when the text does not state one. */
function factValue(fact: string, v: DumpValue | true): ConfigValue | undefined {
  if (v === null) return undefined;
  if (NUMERIC.has(fact)) {
    // the float flag takes what Python's float() takes from a command line: `.95` and `1.` alike (argparse `type=float`)
    const shape = fact === "gpuMemoryUtilization" ? /^-?(?:\d[\d,]*(?:\.\d*)?|\.\d+)$/ : /^-?\d[\d,]*(?:\.\d+)?$/;
    const n = typeof v === "number" ? v : typeof v === "string" && shape.test(v) ? Number(v.replace(/,/g, "")) : NaN;
    // `--max-model-len auto` reaches the dumps as -1 (`'max_model_len': -1` in non-default args, `max_model_len=-1` in a
    // Namespace): vLLM is asked to choose, so the dump states no length (the auto-fit line or the banner then does)
    if (fact === "maxModelLen" && n <= 0) return undefined;
    return Number.isFinite(n) ? n : undefined;
  }
  if (BOOLEAN.has(fact)) {
    if (typeof v === "boolean") return v;
    if (v === "True" || v === "true") return true;
    if (v === "False" || v === "false") return false;
    return undefined;
  }
  if (typeof v !== "string" || v.length === 0 || v === "None") return undefined;
  if (fact === "executorBackend") {
    const b = v.replace(/^DistributedExecutorBackend\./, "").toLowerCase();
    return BACKENDS.has(b) ? b : undefined;
  }
  if (fact === "servedModelName") {
    // a list of names: vLLM serves under all of them and names the model by the first (get_served_model_name)
    const list = /^\[\s*['"]([^'"]+)['"]\s*[,\]]/.exec(v);
    return list ? list[1] : v;
  }
  if (fact === "quantization" && v === "None") return undefined;
  return v;
}

export function configFromDump(raw: Map<string, DumpValue>): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of raw) {
    const fact = CONFIG_KEYS[k];
    if (!fact || out[fact] !== undefined) continue;
    const fv = factValue(fact, v);
    if (fv !== undefined) out[fact] = fv;
  }
  if (out.model === undefined && raw.has("model_tag")) {
    const fv = factValue("model", raw.get("model_tag")!);
    if (fv !== undefined) out.model = fv;
  }
  workerUseRay(out, raw.get("worker_use_ray"));
  return out;
}

/**
 * vLLM ≤0.4's `--worker-use-ray` (`worker_use_ray=True` in its args): the Ray executor; 0.5–0.6 keep the flag and turn it
 * into `distributed_executor_backend="ray"` when that is not given. `False` says nothing (the default).
 */
function workerUseRay(out: Record<string, ConfigValue>, v: unknown): void {
  if (out.executorBackend === undefined && (v === true || v === "True" || v === "true")) out.executorBackend = "ray";
}

// argparse takes an unambiguous prefix of a flag (`--tensor_parallel 2`); these have no other vLLM flag that starts alike
const ABBREVIABLE = ["tensor_parallel_size", "pipeline_parallel_size", "gpu_memory_utilization", "max_model_len"];

function unabbreviated(k: string): string {
  if (CONFIG_KEYS[k] || k.length < 7) return k;
  return ABBREVIABLE.find((f) => f.startsWith(k)) ?? k;
}

// vLLM reads these two flags with `human_readable_int` (0.9 on): lowercase suffixes are decimal (`25.6k` = 25600),
// uppercase binary (`32K` = 32768, whole numbers only); `--max-model-len auto` / `-1` (0.11 on) asks vLLM to choose
const HUMAN_READABLE = new Set(["maxModelLen", "maxNumBatchedTokens"]);
const HUMAN_INT = /^(\d+(?:\.\d+)?)([kmgtKMGT])$/;
const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

function humanReadableInt(v: string): string | null {
  const m = HUMAN_INT.exec(v);
  if (!m) return v === "auto" || v.startsWith("-") ? null : v;
  const binary = m[2] === m[2].toUpperCase();
  if (binary && m[1].includes(".")) return null;
  return String(Math.trunc(Number(m[1]) * SUFFIX[m[2]]));
}

export function configFromFlags(flags: Map<string, string | true>): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [key, v] of flags) {
    const k = unabbreviated(key);
    // argparse's BooleanOptionalAction: `--no-enforce-eager`
    const negated = k.startsWith("no_") && BOOLEAN.has(CONFIG_KEYS[k.slice(3)] ?? "") && v === true;
    if (negated) {
      const fact = CONFIG_KEYS[k.slice(3)];
      if (out[fact] === undefined) out[fact] = false;
      continue;
    }
    const fact = CONFIG_KEYS[k];
    if (!fact || out[fact] !== undefined) continue;
    const given = HUMAN_READABLE.has(fact) && typeof v === "string" ? humanReadableInt(v) : v;
    const fv = factValue(fact, given === true ? (BOOLEAN.has(fact) ? true : null) : given);
    if (fv !== undefined) out[fact] = fv;
  }
  workerUseRay(out, flags.get("worker_use_ray"));
  return out;
}
