import { describe, expect, it } from "vitest";
import { classifyPythonLine, isErrorTypeName, parseExceptionLine } from "../grammars/python.js";
import { parseGlogHead, parsePgHead, parseWorkNccl } from "../grammars/torch.js";
import { createPythonReader } from "../src/events/read-python.js";
import type { Event } from "../src/events/index.js";
import { toRecord } from "../src/records/peel.js";
import type { LogRecord } from "../src/model.js";

describe("grammars/python: traceback lines", () => {
  it("headers, also at the end of a logged message", () => {
    expect(classifyPythonLine("Traceback (most recent call last):")?.kind).toBe("header");
    expect(classifyPythonLine("EngineCore hit an exception: Traceback (most recent call last):")?.kind).toBe("header");
  });
  it("frames of every shape", () => {
    expect(classifyPythonLine('  File "/opt/vllm/v1/engine/core.py", line 294, in run_engine_core')).toEqual({
      kind: "frame",
      indent: 2,
      frame: { file: "/opt/vllm/v1/engine/core.py", line: 294, func: "run_engine_core" },
    });
    expect(classifyPythonLine('  File "<string>", line 11, in __init__')?.frame).toEqual({ file: "<string>", line: 11, func: "__init__" });
    expect(classifyPythonLine('  File "uvloop/cbhandles.pyx", line 63, in uvloop.loop.Handle._run')?.frame?.func).toBe("uvloop.loop.Handle._run");
    expect(classifyPythonLine('  File "<frozen runpy>", line 198, in _run_module_as_main')?.frame?.file).toBe("<frozen runpy>");
    expect(classifyPythonLine('  File "old.py", line 7')?.frame).toEqual({ file: "old.py", line: 7, func: "" });
  });
  it("3.11 markers, elisions and recursion notes", () => {
    expect(classifyPythonLine("    ~~~~~~~~~~~~~~~~~~~~~~~~~~~~^^^^^^^^^^")?.kind).toBe("marker");
    expect(classifyPythonLine("    ...<5 lines>...")?.kind).toBe("elision");
    expect(classifyPythonLine("  [Previous line repeated 996 more times]")?.kind).toBe("marker");
  });
  it("multiprocessing process headers", () => {
    expect(classifyPythonLine("Process SpawnProcess-1:8:")).toEqual({ kind: "process-header", indent: 0, process: "SpawnProcess-1:8" });
    expect(classifyPythonLine("Process EngineCore_0:")?.process).toBe("EngineCore_0");
    expect(classifyPythonLine("Process VLLM_DP_Coordinator:")?.process).toBe("VLLM_DP_Coordinator");
  });
  it("chain separators", () => {
    expect(classifyPythonLine("The above exception was the direct cause of the following exception:")?.chain).toBe("cause");
    expect(classifyPythonLine("During handling of the above exception, another exception occurred:")?.chain).toBe("context");
  });
  it("C++ frames PyTorch prints", () => {
    expect(classifyPythonLine("frame #3: c10d::ProcessGroupNCCL::~ProcessGroupNCCL() + 0x113 (0x7fa730e94233 in /x/libtorch_cuda_cpp.so)")?.kind).toBe("cpp-frame");
    expect(classifyPythonLine("Exception raised from ncclCommAbort at ../torch/csrc/distributed/c10d/NCCLUtils.hpp:181 (most recent call first):")?.kind).toBe("cpp-raised");
  });
  it("exception lines: dotted types, Ray's wrapped cause, a lone type", () => {
    expect(parseExceptionLine("torch.distributed.DistBackendError: NCCL error in: x.cpp:1, unhandled cuda error")).toEqual({
      errorType: "torch.distributed.DistBackendError",
      message: "NCCL error in: x.cpp:1, unhandled cuda error",
    });
    expect(parseExceptionLine("ray.exceptions.RayTaskError(DistBackendError): ray::RayWorkerWrapper.execute_method()")?.errorType).toBe("ray.exceptions.RayTaskError(DistBackendError)");
    expect(parseExceptionLine("KeyboardInterrupt")).toEqual({ errorType: "KeyboardInterrupt", message: "" });
    expect(parseExceptionLine("ncclInternalError: Internal check failed.")?.errorType).toBe("ncclInternalError");
  });
  it("lines that only look like exceptions", () => {
    expect(parseExceptionLine("host-1:1234:5678 [0] NCCL INFO Using network IB")).toBeNull();
    expect(parseExceptionLine("see https://docs.vllm.ai")).toBeNull();
    expect(parseExceptionLine("Total number of heads: 32")).toBeNull();
    expect(isErrorTypeName("INFO")).toBe(false);
    expect(isErrorTypeName("UserWarning")).toBe(false);
    expect(isErrorTypeName("vllm.engine.async_llm_engine.AsyncEngineDeadError")).toBe(true);
    expect(isErrorTypeName("RuntimeError")).toBe(true);
    expect(isErrorTypeName("ncclRemoteError")).toBe(true);
  });
});

describe("grammars/torch: c10 heads and the work repr", () => {
  it("old bracket head", () => {
    expect(parseGlogHead("[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught x")).toEqual({
      head: { level: "E", date: undefined, time: undefined, thread: undefined, file: "ProcessGroupNCCL.cpp", line: 563 },
      rest: "[Rank 0] Watchdog caught x",
    });
  });
  it("new bracket head with date and nanoseconds", () => {
    expect(parseGlogHead("[E723 19:34:51.785450177 ProcessGroupNCCL.cpp:1476] [PG 0 Rank 0] x")?.head).toMatchObject({ level: "E", date: "723", time: "19:34:51.785450177", line: 1476 });
  });
  it("bare glog head with thread id and path", () => {
    expect(parseGlogHead("W0714 23:06:54.603780 140446678845248 torch/distributed/run.py:757] ")).toEqual({
      head: { level: "W", date: "0714", time: "23:06:54.603780", thread: "140446678845248", file: "torch/distributed/run.py", line: 757 },
      rest: "",
    });
    expect(parseGlogHead("[W CUDAGraph.cpp:145] Warning: Waiting for pending NCCL work")?.head.level).toBe("W");
  });
  it("not a glog head", () => {
    expect(parseGlogHead("[EngineCore_DP0] x")).toBeNull();
    expect(parseGlogHead("ERROR 07-01 13:54:43 multiproc_worker_utils.py:120] x")).toBeNull();
    expect(parseGlogHead("[E ProcessGroupNCCL.cpp:563 no close")).toBeNull();
  });
  it("process-group heads of every form", () => {
    expect(parsePgHead("[PG 2 Rank 0] Timeout at NCCL work: 2")?.head).toEqual({ pg: "2", pgDesc: undefined, rank: 0 });
    expect(parsePgHead("[PG 0 (default_pg) Rank 7] Exception")?.head).toEqual({ pg: "0", pgDesc: "default_pg", rank: 7 });
    expect(parsePgHead("[PG ID 0 PG GUID 0(default_pg) Rank 3] x")?.head).toEqual({ pg: "ID 0", pgDesc: "default_pg", rank: 3 });
    expect(parsePgHead("[Rank 4] Watchdog caught")).toEqual({ head: { pg: undefined, pgDesc: undefined, rank: 4 }, rest: "Watchdog caught" });
  });
  it("WorkNCCL, current and old forms", () => {
    const w = parseWorkNccl("Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, NumelIn=134217728, NumelOut=134217728, Timeout(ms)=600000) ran for 600059 milliseconds before timing out.");
    expect(w?.work).toMatchObject({ seqNum: 2, opType: "ALLREDUCE", numelIn: 134217728, numelOut: 134217728, timeoutMs: 600000 });
    expect(w?.ranForMs).toBe(600059);
    const old = parseWorkNccl("WorkNCCL(OpType=BROADCAST, TensorShape=[1024, 8], Timeout(ms)=1800000) ran for 1800392 milliseconds before timing out.");
    expect(old?.work).toMatchObject({ opType: "BROADCAST", tensorShape: "[1024, 8]", timeoutMs: 1800000 });
    expect(old?.ranForMs).toBe(1800392);
    expect(parseWorkNccl("WorkNCCL(SeqNum=1, OpType=ALLRE")).toBeNull();
  });
});

/** runs the python reader over physical lines; returns what it emitted */
function read(lines: (string | LogRecord)[]): Event[] {
  const r = createPythonReader();
  const out: Event[] = [];
  const emit = (e: Event) => out.push(e);
  lines.forEach((l, i) => {
    const rec = typeof l === "string" ? toRecord("t.log", 0, i + 1, l) : l;
    if (rec.text || rec.raw) r.read(rec, emit);
  });
  r.end?.(emit);
  return out;
}
const errorLines = (ev: Event[]) => ev.filter((e) => e.kind === "error").map((e) => e.ev.line);
const tracebacks = (ev: Event[]) => ev.filter((e): e is Extract<Event, { kind: "traceback" }> => e.kind === "traceback");

describe("python reader: tracebacks", () => {
  it("folds interleaved tracebacks of two workers into one event each", () => {
    const ev = read([
      "(VllmWorker rank=1 pid=788) Process SpawnProcess-1:2:",
      "(VllmWorker rank=0 pid=754) Traceback (most recent call last):",
      "(VllmWorker rank=1 pid=788) Traceback (most recent call last):",
      '(VllmWorker rank=0 pid=754)   File "/v/worker.py", line 10, in run',
      '(VllmWorker rank=1 pid=788)   File "/v/worker.py", line 10, in run',
      "(VllmWorker rank=0 pid=754)     self.load()",
      '(VllmWorker rank=1 pid=788)   File "/v/loader.py", line 20, in load',
      "(VllmWorker rank=0 pid=754) torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.81 GiB",
      "(VllmWorker rank=1 pid=788)     raise ValueError(",
      "(VllmWorker rank=1 pid=788) ValueError: bad shard",
    ]);
    const tbs = tracebacks(ev);
    expect(tbs.map((t) => [t.origin.rank, t.errorType, t.message, t.frames.length, t.end?.line, t.ev.line, t.process ?? null])).toEqual([
      [0, "torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 2.81 GiB", 1, 8, 2, null],
      [1, "ValueError", "bad shard", 2, 10, 3, "SpawnProcess-1:2"],
    ]);
    expect(errorLines(ev)).toEqual([8, 10]);
  });

  it("keeps chained exceptions as causes of the last one", () => {
    const ev = read([
      "Traceback (most recent call last):",
      '  File "a.py", line 1, in f',
      "ValueError: inner",
      "",
      "The above exception was the direct cause of the following exception:",
      "",
      "Traceback (most recent call last):",
      '  File "b.py", line 2, in g',
      "RuntimeError: outer",
    ]);
    const [t] = tracebacks(ev);
    expect(tracebacks(ev)).toHaveLength(1);
    const causes = t.causes.map((c) => ({ errorType: c.errorType, message: c.message, raisedIn: c.raisedIn, line: c.ev?.line }));
    // (each cause keeps where it was raised, its part's innermost frame, and its exception line)
    expect([t.errorType, t.message, causes, t.frames.map((f) => f.file), t.complete]).toEqual(["RuntimeError", "outer", [{ errorType: "ValueError", message: "inner", raisedIn: { file: "a.py", func: "f" }, line: 3 }], ["b.py"], true]);
    expect(errorLines(ev)).toEqual([3, 9]);
  });

  it("3.11 carets, tildes and elisions are neither frames nor errors; a headless traceback still folds", () => {
    const ev = read([
      '(APIServer pid=1)   File "/v/utils.py", line 732, in launch_core_engines',
      "(APIServer pid=1)     wait_for_engine_startup(",
      "(APIServer pid=1)     ~~~~~~~~~~~~~~~~~~~~~~~^",
      "(APIServer pid=1)     ...<5 lines>...",
      "(APIServer pid=1)     )",
      '(APIServer pid=1)   File "/v/utils.py", line 785, in wait_for_engine_startup',
      '(APIServer pid=1)     raise RuntimeError("Engine core initialization failed. "',
      '(APIServer pid=1)                        f"Failed core proc(s): {finished}")',
      "(APIServer pid=1) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ]);
    const [t] = tracebacks(ev);
    expect([t.errorType, t.frames.map((f) => f.line), t.end?.line]).toEqual(["RuntimeError", [732, 785], 9]);
    expect(errorLines(ev)).toEqual([9]);
  });

  it("a code line shaped like `name: value` inside a traceback is not an exception", () => {
    const ev = read(["Traceback (most recent call last):", '  File "a.py", line 1, in f', "    KeyError: oops = 1", "KeyError: 'model'"]);
    expect(errorLines(ev)).toEqual([4]);
    expect(tracebacks(ev)[0].errorType).toBe("KeyError");
  });

  it("bounds open assemblers and frames", () => {
    const lines: string[] = [];
    for (let w = 0; w < 100; w++) lines.push(`(Worker_TP${w} pid=${1000 + w}) Traceback (most recent call last):`, `(Worker_TP${w} pid=${1000 + w})   File "w.py", line 1, in run`);
    for (let i = 0; i < 200; i++) lines.push(`(Worker_TP0 pid=1000)   File "f${i}.py", line ${i + 1}, in f`);
    lines.push("(Worker_TP0 pid=1000) RecursionError: maximum recursion depth exceeded");
    const tbs = tracebacks(read(lines));
    // at most 64 stay open: Worker_TP0's first traceback was flushed when the 65th opened, so its frames start a new one
    expect(tbs).toHaveLength(101);
    const deep = tbs.find((t) => t.errorType === "RecursionError")!;
    expect(deep.frames).toHaveLength(48);
    expect(deep.framesDropped).toBe(152);
    expect(deep.frames[0].file).toBe("f0.py");
    expect(deep.frames[47].file).toBe("f199.py");
    expect(tbs.filter((t) => !t.complete)).toHaveLength(100);
  });
});

describe("python reader: firstError lines", () => {
  it("headers, frames and process headers never count; the exception line does", () => {
    const ev = read([
      "Process EngineCore_0:",
      "Traceback (most recent call last):",
      '  File "/usr/lib64/python3.11/multiprocessing/process.py", line 314, in _bootstrap',
      "    self.run()",
      "    raise ValueError(",
      "ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3).",
    ]);
    expect(errorLines(ev)).toEqual([6]);
  });
  it("PyTorch error lines: [E ...], what(), NCCL error in, terminate called", () => {
    const ev = read([
      "[W CUDAGraph.cpp:145] Warning: Waiting for pending NCCL work to finish before starting graph capture.",
      "terminate called after throwing an instance of 'c10::DistBackendError'",
      "  what():  NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:181, unhandled cuda error, NCCL version 21.0.3",
      "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x42 (0x7fa6 in /x/libc10.so)",
      "[rank0]:[E ProcessGroupNCCL.cpp:577] [Rank 0] Some NCCL operations have failed or timed out.",
      ".DistBackendError: NCCL error in: /opt/pytorch/ProcessGroupNCCL.cpp:1727, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.19.3",
    ]);
    expect(errorLines(ev)).toEqual([2, 3, 5, 6]);
    expect(ev.filter((e) => e.kind === "warning").map((e) => e.ev.line)).toEqual([1]);
  });
  it("not errors: uvicorn access lines, Jupyter headers, warnings, a vLLM WARNING record's exception text", () => {
    const warningRecord: LogRecord = { ...toRecord("t.log", 0, 4, "WARNING 03-10 08:07:20 [core.py:1] UserWarning: careful"), text: "UserWarning: careful" };
    const ev = read([
      'INFO:     10.24.240.158:55624 - "POST /v1/completions HTTP/1.1" 500 Internal Server Error',
      "RayTaskError(DistBackendError)            Traceback (most recent call last)",
      "/usr/lib/python3/warnings.py:1: FutureWarning: old api",
      warningRecord,
    ]);
    expect(errorLines(ev)).toEqual([]);
    expect(ev.filter((e) => e.kind === "warning")).toHaveLength(0);
  });
  it("an ERROR record handed on by the vLLM reader is its error already; its frames still fold", () => {
    const narrowed = (line: number, raw: string) => {
      const r = toRecord("t.log", 0, line, raw);
      return { ...r, text: r.text.slice(r.text.indexOf("] ") + 2) };
    };
    const ev = read([
      narrowed(1, 'ERROR 06-29 19:20:00 [core.py:515]   File "/v/multiproc_executor.py", line 427, in wait_for_ready'),
      narrowed(2, "ERROR 06-29 19:20:00 [core.py:515]     raise e from None"),
      narrowed(3, "ERROR 06-29 19:20:00 [core.py:515] Exception: WorkerProc initialization failed due to an exception in a background process."),
    ]);
    expect(errorLines(ev)).toEqual([]);
    expect(tracebacks(ev).map((t) => [t.errorType, t.frames.length, t.end?.line])).toEqual([["Exception", 1, 3]]);
  });
  it("a vLLM head whose level word the paste damaged", () => {
    const ev = read(["RROR 12-18 19:47:34 engine.py:366] ValueError: Total number of attention heads (64) must be divisible by tensor parallel size (3)."]);
    expect(errorLines(ev)).toEqual([1]);
  });
});

describe("python reader: PyTorch events", () => {
  it("watchdog timeout with rank, pg and the work", () => {
    const ev = read([
      "[rank0]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, NumelIn=134217728, NumelOut=134217728, Timeout(ms)=600000) ran for 600059 milliseconds before timing out.",
      "[rank0]:[E ProcessGroupNCCL.cpp:1537] [PG 2 Rank 0] Timeout at NCCL work: 2, last enqueued NCCL work: 2, last completed NCCL work: 1.",
    ]);
    const w = ev.find((e) => e.kind === "torch.watchdog-timeout");
    expect(w).toMatchObject({ rank: 0, pg: null, seqNum: 2, opType: "ALLREDUCE", numelIn: 134217728, timeoutMs: 600000, ranForMs: 600059 });
    const p = ev.find((e) => e.kind === "torch.work-progress");
    expect(p).toMatchObject({ rank: 0, pg: "2", atWork: 2, lastEnqueued: 2, lastCompleted: 1 });
    const logs = ev.filter((e) => e.kind === "torch.log");
    expect(logs.map((e) => (e.kind === "torch.log" ? [e.level, e.line, e.rank] : null))).toEqual([
      ["E", 563, 0],
      ["E", 1537, 0],
    ]);
    expect(errorLines(ev)).toEqual([1, 2]);
  });
  it("NCCL error with its detail line, version and Last error", () => {
    const ev = read([
      "[rank3]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3763, remote process exited or there was a network error, NCCL version 2.28.8",
      "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
      "[rank3]: Last error:",
      "[rank3]: NET/OFI Request 0x7f14cc5b60c0 completed with error. RC: 113. Error: 2 (UNDELIVERABLE). Completed length: 0",
    ]);
    const e = ev.find((x) => x.kind === "torch.nccl-error");
    expect(e).toMatchObject({
      ncclError: "ncclRemoteError",
      reason: "remote process exited or there was a network error",
      ncclVersion: "2.28.8",
      where: "/opt/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3763",
      lastError: "NET/OFI Request 0x7f14cc5b60c0 completed with error. RC: 113. Error: 2 (UNDELIVERABLE). Completed length: 0",
      rank: 3,
    });
    expect(e?.ev.line).toBe(1);
    expect(errorLines(ev)).toEqual([1, 2]);
  });
  it("an NCCL error whose location and reason wrapped onto the next lines", () => {
    const ev = read([
      "torch.distributed.DistBackendError: NCCL error in:",
      "/opt/conda/conda-bld/pytorch_1708025847130/work/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1691",
      "internal error - please report this issue to the NCCL developers, NCCL version 2.19.3",
      "ncclInternalError: Internal check failed.",
    ]);
    expect(ev.find((x) => x.kind === "torch.nccl-error")).toMatchObject({
      where: "ProcessGroupNCCL.cpp:1691",
      reason: "internal error - please report this issue to the NCCL developers",
      ncclVersion: "2.19.3",
      ncclError: "ncclInternalError",
      lastError: null,
    });
    expect(errorLines(ev)).toEqual([1, 4]);
  });
  it("a flattened paste: glog head, NCCL error, detail and Last error on one line", () => {
    const ev = read([
      "[E ProcessGroupNCCL.cpp:455] Some NCCL operations have failed or timed out. [E ProcessGroupNCCL.cpp:460] To avoid data inconsistency, we are taking the entire process down. terminate called after throwing an instance of 'std::runtime_error' what(): NCCL error: remote process exited or there was a network error, NCCL version 2.14.3 ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely. Last error: NET/IB : Got completion from peer 11.214.147.122<39138> with error 12, opcode 0, len 0, vendor err 129",
    ]);
    expect(ev.find((x) => x.kind === "torch.nccl-error")).toMatchObject({
      reason: "remote process exited or there was a network error",
      ncclVersion: "2.14.3",
      ncclError: "ncclRemoteError",
      lastError: "NET/IB : Got completion from peer 11.214.147.122<39138> with error 12, opcode 0, len 0, vendor err 129",
    });
    expect(errorLines(ev)).toEqual([1]);
  });
  it("ncclInvalidUsage is a detail line and an error line", () => {
    const ev = read([
      "torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/ProcessGroupNCCL.cpp:1727, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.19.3",
      "ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
      "Last error:",
      "Duplicate GPU detected : rank 3 and rank 0 both on CUDA device f000",
    ]);
    expect(ev.find((x) => x.kind === "torch.nccl-error")).toMatchObject({ ncclError: "ncclInvalidUsage", reason: "invalid usage", lastError: "Duplicate GPU detected : rank 3 and rank 0 both on CUDA device f000" });
    expect(errorLines(ev)).toEqual([1, 2]);
  });
  it("the old torch `NCCL error:` inside a what() line", () => {
    const ev = read(["  what():  NCCL error: remote process exited or there was a network error, NCCL version 2.14.3", "ncclRemoteError: A call failed", "Last error: NET/IB : Got completion from peer 11.214.147.122<39138> with error 12"]);
    expect(ev.find((x) => x.kind === "torch.nccl-error")).toMatchObject({ reason: "remote process exited or there was a network error", ncclVersion: "2.14.3", ncclError: "ncclRemoteError", lastError: "NET/IB : Got completion from peer 11.214.147.122<39138> with error 12" });
  });
});
