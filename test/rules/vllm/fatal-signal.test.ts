import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** Crash reports of torchrun, torch.multiprocessing, vLLM V0, faulthandler, Ray, UCX and the shell, written for the test. */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "vllm/fatal-signal");
const text = (lines: string[]) => lines.join("\n") + "\n";

const BUS =
  "SIGBUS (bus error) is what Linux sends when a process touches memory that cannot be backed: most often shared memory in /dev/shm that ran out — a container's /dev/shm is 64 MB unless --shm-size or --ipc=host says otherwise — which vLLM's queue between the engine and its workers, NCCL's SHM transport and tensors shared between processes all use; less often a memory-mapped checkpoint file that was cut or changed while it was read";
const SEGV =
  "SIGSEGV (segmentation fault) is a crash in native code: a CUDA or C++ extension (vLLM's kernels, NCCL, NVSHMEM, a communication library) or a mismatch between binary builds; the stack printed with it names the library";
const LAUNCHER = "A launcher reports the dead process's signal as a negative exit code (`exitcode: -7` is SIGBUS, -11 SIGSEGV): the other ranks then fail or time out as a consequence, so this process's crash is the one to fix.";

// torchrun's record of the failed child and its summary (torch/distributed/elastic), for a worker that died of SIGBUS
const torchrun = (code: number, name: string) => [
  "INFO 04-12 08:13:02 [gpu_model_runner.py:2033] Model loading took 14.99 GiB and 21.40 seconds",
  `E0412 08:14:31.551000 2231 torch/distributed/elastic/multiprocessing/api.py:874] failed (exitcode: -${code}) local_rank: 1 (pid: 2290) of binary: /usr/bin/python3`,
  "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
  "============================================================",
  "serve_offline.py FAILED",
  "------------------------------------------------------------",
  "Root Cause (first observed failure):",
  "[0]:",
  "  time      : 2026-04-12_08:14:31",
  "  host      : gpu-a3",
  "  rank      : 1 (local_rank: 1)",
  `  exitcode  : -${code} (pid: 2290)`,
  "  error_file: <N/A>",
  `  traceback : Signal ${code} (${name}) received by PID 2290`,
  "============================================================",
];

describe("vllm/fatal-signal", () => {
  it("is an error on a worker killed by SIGBUS, with the shared-memory reading and remedies, evidence on each line that says it", async () => {
    const f = await mine(text(torchrun(7, "SIGBUS")));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(`A process was killed by SIGBUS. ${BUS}.`);
    expect(f[0].evidence.map((e) => e.line)).toEqual([2, 12, 14]);
    expect(f[0].remediation).toHaveLength(3);
    expect(f[0].remediation[0]).toMatch(/^Check the shared memory: `df -h \/dev\/shm` where the process ran/);
    expect(f[0].remediation[2]).toBe(LAUNCHER);
  });

  it("says when the line itself names insufficient shared memory", async () => {
    const f = await mine(text(["ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm)."]));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("most often shared memory in /dev/shm that ran out (the line itself names insufficient shared memory) — a container's");
  });

  it("reads SIGSEGV in its several printed forms, with the native-stack remedy instead of the shared-memory ones", async () => {
    for (const lines of [
      torchrun(11, "SIGSEGV"),
      ["torch.multiprocessing.spawn.ProcessExitedException: process 3 terminated with signal SIGSEGV"],
      ["Fatal Python error: Segmentation fault", "", "Thread 0x00007f1c2a7fe640 (most recent call first):", "  File \"/opt/venv/lib/python3.12/site-packages/vllm/distributed/parallel_state.py\", line 1021 in init_distributed_environment", "Segmentation fault (core dumped)"],
      ["[node-c2:51200:0:51244] Caught signal 11 (Segmentation fault: address not mapped to object at address 0x20)"],
      ["ERROR 06-11 02:40:17 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 8842 died, exit code: -11"],
    ]) {
      const f = await mine(text(lines));
      expect(f.map((x) => x.message), lines[0]).toEqual([`A process was killed by SIGSEGV. ${SEGV}.`]);
      expect(f[0].remediation).toHaveLength(2);
      expect(f[0].remediation[0]).toMatch(/^Read the native stack printed with the crash/);
    }
  });

  it("names SIGILL and both signals when two processes died of different ones", async () => {
    const ill = await mine(text(["./start.sh: line 14: 30871 Illegal instruction     (core dumped) vllm serve acme/tiny-8b"]));
    expect(ill.map((x) => x.message)).toEqual(["A process was killed by SIGILL. SIGILL / SIGFPE come from native code built for another CPU or GPU than this one, or an arithmetic fault in it."]);
    expect(ill[0].remediation).toEqual([LAUNCHER]);
    const two = await mine(text(["Fatal Python error: Bus error", "torch.multiprocessing.spawn.ProcessExitedException: process 1 terminated with signal SIGSEGV"]));
    expect(two).toHaveLength(1);
    expect(two[0].message).toBe(`A process was killed by SIGBUS and SIGSEGV. ${BUS}. ${SEGV}.`);
    expect(two[0].remediation).toHaveLength(4);
  });

  it("stays quiet on SIGKILL and SIGTERM, on a non-signal exit code and on the handler being installed", async () => {
    expect(await mine(text([
      "INFO 03-18 11:21:42 [launcher.py:80] Handling SIGBUS and SIGSEGV with a stack dump",
      "WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 7210 closing signal SIGTERM",
      "E0412 08:14:31.551000 2231 torch/distributed/elastic/multiprocessing/api.py:874] failed (exitcode: 1) local_rank: 0 (pid: 7210) of binary: /usr/bin/python3",
      "  exitcode  : 1 (pid: 7210)",
      "ERROR 06-11 02:40:17 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 8843 died, exit code: -15",
      "[node-c2:51200:0:51244] Caught signal 15 (Terminated)",
      "the bus error counters stayed at zero",
    ]))).toEqual([]);
  });

  it("reads a Ray worker's handler line, and the torchrun summary behind kubectl --timestamps", async () => {
    const ray = await mine(text(["(RayWorkerWrapper pid=4417, ip=10.0.3.12) *** SIGBUS received at time=1775981671 on cpu 37 ***"]));
    expect(ray.map((x) => x.message)).toEqual([`A process was killed by SIGBUS. ${BUS}.`]);
    const stamped = await mine(text(torchrun(7, "SIGBUS").map((l) => `2026-04-12T08:14:31.552000000Z ${l}`)));
    expect(stamped.map((x) => x.message)).toEqual([`A process was killed by SIGBUS. ${BUS}.`]);
    expect(stamped[0].evidence.map((e) => e.line)).toEqual([2, 12, 14]);
  });
});
