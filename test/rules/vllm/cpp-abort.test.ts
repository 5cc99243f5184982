import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../../src/facts/schema.js";
import { analyzeText } from "../analyze-text.js";
import { demangle } from "../../../src/rules/vllm/cpp-abort.js";

/**
 * Processes ended by std::terminate (libstdc++'s verbose handler, Ray's TerminateHandler), written for the test in the
 * shapes of the reports in vllm-project/vllm#5785, #7057, #13535, #20170, NVIDIA/Megatron-LM#935, sgl-project/sglang#1693,
 * huggingface/open-r1#620 and ray-project/ray#26444.
 */
const ID = "vllm/cpp-abort";
const text = (lines: string[], eol = "\n") => lines.join(eol) + eol;
const mine = async (t: string) => (await analyzeText(t)).findings.filter((f) => f.ruleId === ID);
/** the rule's one finding in a report, of the severity expected */
function only(r: Report, severity: Finding["severity"]): Finding {
  const f = r.findings.filter((x) => x.ruleId === ID);
  expect(f.map((x) => x.severity)).toEqual([severity]);
  return f[0];
}

const BUG =
  "std::bad_array_new_length is the C++ standard library refusing a size, an index or an argument (a negative or huge length, an index past the end): a bug in the native code that threw it, or an input it did not expect (a request, a checkpoint or a configuration value out of range), not a resource that ran out.";
const MEMORY =
  "std::bad_alloc is thrown when an allocation of host memory (RAM) fails: the host or the container's memory limit ran out, or a size computed wrongly asked for more than any host has.";

const BARE = [
  "INFO 03-04 10:00:05 [config.py:717] This model supports multiple tasks: {'generate', 'embed'}. Defaulting to 'generate'.",
  "terminate called after throwing an instance of 'std::bad_array_new_length'",
  "  what():  std::bad_array_new_length",
  "Aborted (core dumped)",
];

describe("vllm/cpp-abort: an exception nothing caught, as its own failure", () => {
  it("names the exception and its what(), says a bug or bad input, and cites the terminate, what() and abort lines; the verdict and first error point at the terminate line", async () => {
    const r = await analyzeText(text(BARE));
    const f = [only(r, "error")];
    expect(f[0].message).toBe(`A process aborted on an uncaught std::bad_array_new_length (what(): std::bad_array_new_length). ${BUG} The abort shows at line 4: \`Aborted (core dumped)\`.`);
    expect(f[0].evidence.map((e) => [e.line, e.text])).toEqual([
      [2, "terminate called after throwing an instance of 'std::bad_array_new_length'"],
      [3, "  what():  std::bad_array_new_length"],
      [4, "Aborted (core dumped)"],
    ]);
    expect(f[0].remediation).toHaveLength(3);
    expect(f[0].remediation[0]).toMatch(/^This is most likely a bug or an input the native code did not expect: file an issue with vLLM .* \(the exception, std::bad_array_new_length, and its what\(\)\)/);
    expect(f[0].remediation[2]).toMatch(/catch throw/);
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.verdict).toMatch(/^Failed \(vllm\/cpp-abort\): A process aborted on an uncaught std::bad_array_new_length \(what\(\): std::bad_array_new_length\)\. First: This is most likely a bug/);
  });

  it("std::length_error and the other standard checks are the same bug-or-input case; Fatal Python error: Aborted is the abort line", async () => {
    const f = await mine(text(["terminate called after throwing an instance of 'std::length_error'", "  what():  vector::_M_default_append", "Fatal Python error: Aborted"]));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("A process aborted on an uncaught std::length_error (what(): vector::_M_default_append). std::length_error is the C++ standard library refusing a size");
    expect(f[0].message).toContain("The abort shows at line 3: `Fatal Python error: Aborted`.");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2, 3]);
  });

  it("std::bad_alloc under Ray's worker prefix is host memory, with abseil's SIGABRT line as the abort", async () => {
    const w = "(RayWorkerWrapper pid=4151, ip=192.168.200.191) ";
    const f = await mine(text([
      "INFO 08-02 11:20:01 [ray_utils.py:331] Waiting for creating a placement group of specs for 10 seconds.",
      `${w}terminate called after throwing an instance of 'std::bad_alloc'`,
      `${w}  what():  std::bad_alloc`,
      `${w}*** SIGABRT received at time=1719222540 on cpu 223 ***`,
      `${w}PC: @     0x7fa62482000b  (unknown)  raise`,
    ]));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(`A process aborted on an uncaught std::bad_alloc (what(): std::bad_alloc). ${MEMORY} The abort shows at line 4: \`*** SIGABRT received at time=1719222540 on cpu 223 ***\`.`);
    expect(f[0].evidence.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(f[0].remediation[0]).toMatch(/^Give the process more host memory, or make it need less: check `free -g`/);
    expect(f[0].remediation[1]).toMatch(/^If the host had memory to spare/);
  });

  it("a c10::Error of PyTorch's CPU allocator is host memory too", async () => {
    const f = await mine(text([
      "terminate called after throwing an instance of 'c10::Error'",
      "  what():  [enforce fail at alloc_cpu.cpp:117] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 68719476736 bytes. Error code 12 (Cannot allocate memory)",
      "Exception raised from alloc_cpu at ../c10/core/impl/alloc_cpu.cpp:117 (most recent call first):",
      "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x57 (0x7f3a in /usr/lib/python3.10/site-packages/torch/lib/libc10.so)",
    ]));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("A process aborted on an uncaught c10::Error (what(): [enforce fail at alloc_cpu.cpp:117] err == 0. DefaultCPUAllocator: can't allocate memory");
    expect(f[0].message).toContain(MEMORY);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });

  it("reads vLLM V1 workers, whose C++ stderr has no worker prefix, under kubectl's timestamps and CRLF line ends; the what() line of another process's window is not taken", async () => {
    const ts = (s: string) => `2025-06-26T23:10:17.123456789Z ${s}`;
    const f = await mine(text([
      ts("(VllmWorker TP0 pid=223) INFO 06-26 23:10:01 [gpu_model_runner.py:1595] Model loading took 14.99 GiB and 12.40 seconds"),
      ts("terminate called after throwing an instance of 'std::out_of_range'"),
      ts("  what():  map::at"),
      ts("(VllmWorker TP0 pid=223) ERROR 06-26 23:10:17 [multiproc_executor.py:527] WorkerProc hit an exception."),
    ], "\r\n"));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^A process aborted on an uncaught std::out_of_range \(what\(\): map::at\)\. std::out_of_range is the C\+\+ standard library refusing/);
    expect(f[0].evidence.map((e) => e.line)).toEqual([2, 3]);
    expect(f[0].evidence[0].text).not.toContain("\r");
  });

  it("reads mpirun's output tags and counts the processes that aborted", async () => {
    const f = await mine(text([
      "[1,0]<stderr>:terminate called after throwing an instance of 'std::invalid_argument'",
      "[1,1]<stderr>:terminate called after throwing an instance of 'std::invalid_argument'",
      "[1,0]<stderr>:  what():  stoi",
      "[1,1]<stderr>:  what():  stoi",
      "mpirun noticed that process rank 0 with PID 2207 on node gpu-b2 exited on signal 6 (Aborted).",
    ]));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("A process aborted on an uncaught std::invalid_argument (what(): stoi).");
    expect(f[0].message).toContain("The abort shows at line 5: `mpirun noticed that process rank 0 with PID 2207 on node gpu-b2 exited on signal 6 (Aborted).`. 2 processes aborted this way.");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 3, 5]);
  });

  it("reads Ray's own terminate handler (`logging.cc: Unhandled exception <mangled>. what(): ...`), its type demangled", async () => {
    const f = await mine(text(["(RayWorkerWrapper pid=881) [2024-06-24 02:49:00,315 E 881 903] logging.cc:97: Unhandled exception: St12length_error. what(): basic_string::_M_create"]));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^A process aborted on an uncaught std::length_error \(what\(\): basic_string::_M_create\)\. std::length_error is the C\+\+ standard library/);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1]);
    expect(demangle("N3c1016DistBackendErrorE")).toBe("c10::DistBackendError");
    expect(demangle("St9bad_alloc")).toBe("std::bad_alloc");
    expect(demangle("N5boost10wrapexceptINS_6system12system_errorEEE")).toBe("N5boost10wrapexceptINS_6system12system_errorEEE");
  });

  it("`terminate called without an active exception` is a native bug (a thread left joinable); `recursively` alone names no type", async () => {
    const none = await mine(text(["INFO 03-04 10:00:05 [launcher.py:29] Shutting down", "terminate called without an active exception", "Aborted (core dumped)"]));
    expect(none).toHaveLength(1);
    expect(none[0].message).toBe("A process aborted on std::terminate with no active exception. std::terminate ran without an exception: a std::thread destroyed while still joinable (often while the process shuts down) or a direct call of std::terminate, a bug in the native code or an exit that did not stop its threads. The abort shows at line 3: `Aborted (core dumped)`.");
    expect(none[0].evidence.map((e) => e.line)).toEqual([2, 3]);
    const rec = await mine(text(["terminate called recursively", "Aborted (core dumped)"]));
    expect(rec).toHaveLength(1);
    expect(rec[0].message).toMatch(/^A process aborted on an uncaught C\+\+ exception whose type the log does not show \(`terminate called recursively`/);
    // one thread's typed line after the other's `recursively` line leads
    const both = await mine(text(["terminate called recursively", "terminate called after throwing an instance of 'std::bad_alloc'", "  what():  std::bad_alloc"]));
    expect(both[0].message).toContain("A process aborted on an uncaught std::bad_alloc (what(): std::bad_alloc).");
    expect(both[0].evidence.map((e) => e.line)).toEqual([2, 3]);
  });

  it("makes the worker's death its consequence: vllm/engine-dead is caused by it", async () => {
    const r = await analyzeText(text([
      "INFO 05-14 10:00:01 [core.py:58] Initializing a V1 LLM engine (v0.9.0) with config: model='Qwen/Qwen3-8B', tensor_parallel_size=2",
      "INFO 05-14 10:01:00 [api_server.py:1090] Starting vLLM API server on http://0.0.0.0:8000",
      "terminate called after throwing an instance of 'std::bad_array_new_length'",
      "  what():  std::bad_array_new_length",
      "ERROR 05-14 10:02:41 [multiproc_executor.py:140] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
    ]));
    const dead = r.findings.find((f) => f.ruleId === "vllm/engine-dead");
    expect(dead?.causedBy).toEqual([ID]);
    expect(r.findings[0].ruleId).toBe(ID);
    expect(r.verdict).toMatch(/^Failed \(vllm\/cpp-abort, which explains vllm\/engine-dead\): /);
  });
});

describe("vllm/cpp-abort: an exception another rule reads is a note, never a competing error", () => {
  it("c10::DistBackendError carrying the watchdog's timeout: nccl/collective-timeout is the verdict, the abort an info note", async () => {
    const r = await analyzeText(text([
      "[rank1]:[E626 23:10:17.000000000 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4, OpType=ALLREDUCE, NumelIn=112, NumelOut=112, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
      "terminate called after throwing an instance of 'c10::DistBackendError'",
      "  what():  [PG ID 0 PG GUID 0(default_pg) Rank 1] Process group watchdog thread terminated with exception: [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4, OpType=ALLREDUCE, NumelIn=112, NumelOut=112, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
      "Exception raised from checkTimeout at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:632 (most recent call first):",
      "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x7f5a9616c1b6 in /usr/lib/python3.12/site-packages/torch/lib/libc10.so)",
      "",
      "Fatal Python error: Aborted",
    ]));
    const f = [only(r, "info")];
    expect(f[0].message).toMatch(/^The process aborted \(std::terminate, SIGABRT\) on an uncaught c10::DistBackendError \(what\(\): \[PG ID 0 PG GUID 0\(default_pg\) Rank 1\] Process group watchdog thread terminated with exception: .*\): it carries the collective backend's \(NCCL\) failure that another finding of this report reads/);
    expect(f[0].evidence.map((e) => e.line)).toEqual([2, 3, 7]);
    expect(r.findings.filter((x) => x.severity === "error").map((x) => x.ruleId)).toEqual(["nccl/collective-timeout"]);
    expect(r.verdict).toMatch(/^Failed \(nccl\/collective-timeout\): /);
  });

  it("c10::Error carrying a CUDA fault: vllm/cuda-error explains the note", async () => {
    const r = await analyzeText(text([
      "terminate called after throwing an instance of 'c10::Error'",
      "  what():  CUDA error: an illegal memory access was encountered",
      "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
      "Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:44 (most recent call first):",
      "Aborted (core dumped)",
    ]));
    const f = [only(r, "info")];
    expect(f[0].message).toContain("on an uncaught c10::Error (what(): CUDA error: an illegal memory access was encountered): it carries the CUDA error that another finding");
    expect(f[0].causedBy).toEqual(["vllm/cuda-error"]);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2, 5]);
    expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-error, which explains vllm\/cpp-abort\): /);
  });

  it("a paste that joined the watchdog's lines into one (stanford_alpaca#207): the NCCL rules' error, the abort a note", async () => {
    const r = await analyzeText(text([
      "[E ProcessGroupNCCL.cpp:460] To avoid data inconsistency, we are taking the entire process down. terminate called after throwing an instance of 'std::runtime_error' what(): NCCL error: remote process exited or there was a network error, NCCL version 2.14.3",
    ]));
    const f = [only(r, "info")];
    expect(f[0].message).toContain("uncaught std::runtime_error (what(): NCCL error: remote process exited or there was a network error, NCCL version 2.14.3)");
    expect(r.findings.filter((x) => x.severity === "error").map((x) => x.ruleId)).toEqual(["nccl/remote-process-exited"]);
  });

  it("an info note explains nothing: the worker's death stays the CUDA error's alone", async () => {
    const r = await analyzeText(text([
      "INFO 05-14 10:00:01 [core.py:58] Initializing a V1 LLM engine (v0.9.0) with config: model='Qwen/Qwen3-8B', tensor_parallel_size=2",
      "INFO 05-14 10:01:00 [api_server.py:1090] Starting vLLM API server on http://0.0.0.0:8000",
      "terminate called after throwing an instance of 'c10::Error'",
      "  what():  CUDA error: an illegal memory access was encountered",
      "ERROR 05-14 10:02:41 [multiproc_executor.py:140] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
    ]));
    only(r, "info");
    expect(r.findings.find((f) => f.ruleId === "vllm/engine-dead")?.causedBy).toEqual(["vllm/cuda-error"]);
    expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-error, which explains vllm\/cpp-abort and vllm\/engine-dead\): /);
  });
});

describe("vllm/cpp-abort: quiet without a terminate line", () => {
  it("an abort alone, a what() alone, a log that only talks about terminate", async () => {
    expect(await mine(text(["Aborted (core dumped)"]))).toEqual([]);
    expect(await mine(text(["  what():  std::bad_alloc"]))).toEqual([]);
    expect(await mine(text(["INFO 03-04 10:00:05 [engine.py:300] Aborted request cmpl-1234.", "[Rank 0] NCCL watchdog thread terminated normally", "grep -n 'terminated called' worker.log"]))).toEqual([]);
  });
});
