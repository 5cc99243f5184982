import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a round of the newest real vLLM logs (V1, 0.11 and later): a multiproc worker's `logger.exception` header
 * (`WorkerProc hit an exception.` in worker_busy_loop, `WorkerProc failed to start.` in worker_main) and the engine
 * core's `EngineCore encountered a fatal error.` only point at the traceback logged under them, so they are never the
 * root cause a report names, also when a paste stops before the exception line. Every text is written for the test in
 * the printed layout (`(Worker_TP1 pid=N) ERROR MM-DD hh:mm:ss [multiproc_executor.py:N] …`).
 */

const at = (proc: string, file = "multiproc_executor.py:951") => `(${proc}) ERROR 02-11 08:15:42 [${file}]`;
const site = "/opt/venv/lib/python3.12/site-packages";
/** the reports of the lines as every collector writes them (test/helpers/variants.ts) */
const reportsOf = (lines: string[], opts: { compose?: boolean } = {}) => Promise.all(variants(lines, opts).map((text) => analyzeText(text + "\n")));

/** a worker's start-up call that failed inside worker_busy_loop (collective_rpc of compile_or_warm_up_model), cut after `capture_model()` */
const busyLoopHeader = (proc: string) => [
  `${at(proc)} WorkerProc hit an exception.`,
  `${at(proc)} Traceback (most recent call last):`,
  `${at(proc)}   File "${site}/vllm/v1/executor/multiproc_executor.py", line 940, in worker_busy_loop`,
  `${at(proc)}     output = func(*args, **kwargs)`,
  `${at(proc)}              ^^^^^^^^^^^^^^^^^^^^^`,
  `${at(proc)}   File "${site}/vllm/v1/worker/gpu_worker.py", line 601, in compile_or_warm_up_model`,
  `${at(proc)}     graph_bytes = self.model_runner.capture_model()`,
];

describe("V1 multiproc workers: `WorkerProc hit an exception.` / `WorkerProc failed to start.` only point at the traceback below", () => {
  it("a start-up traceback cut before its exception line names no root cause (not the header line)", async () => {
    for (const r of await reportsOf(busyLoopHeader("Worker_TP1 pid=4411"), { compose: true })) {
      expect(ids(r)).toContain("vllm/engine-init-failed");
      expect(r.facts.tracebacks?.rootCause ?? null).toBeNull();
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")!;
      expect(f.message).toMatch(/does not show the root cause/);
      expect(f.message).not.toMatch(/WorkerProc/);
      // the header is still the first line that states an error
      expect(r.facts.firstError?.line).toBe(1);
    }
  });

  it("with the exception line in the paste, the root cause is that exception", async () => {
    const lines = [
      ...busyLoopHeader("Worker_TP3 pid=4413"),
      `${at("Worker_TP3 pid=4413")}                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
      `${at("Worker_TP3 pid=4413")} torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 96.00 MiB. GPU 3 has a total capacity of 47.41 GiB of which 30.25 MiB is free. Including non-PyTorch memory, this process has 47.36 GiB memory in use. Of the allocated memory 45.02 GiB is allocated by PyTorch, and 1.21 GiB is reserved by PyTorch but unallocated.`,
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.tracebacks?.rootCause?.text).toMatch(/^torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 96\.00 MiB/);
      expect(r.facts.tracebacks?.rootCause?.evidence.line).toBe(9);
      expect(ids(r)).toEqual(expect.arrayContaining(["vllm/cuda-oom", "vllm/engine-init-failed"]));
      expect(r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")!.message).toMatch(/Root cause in the log: torch\.OutOfMemoryError/);
    }
  });

  it("`WorkerProc failed to start.` over a cut init_device traceback: no root cause named", async () => {
    const p = "Worker_TP0 pid=7120";
    const lines = [
      `${at(p, "multiproc_executor.py:655")} WorkerProc failed to start.`,
      `${at(p, "multiproc_executor.py:655")} Traceback (most recent call last):`,
      `${at(p, "multiproc_executor.py:655")}   File "${site}/vllm/v1/executor/multiproc_executor.py", line 626, in worker_main`,
      `${at(p, "multiproc_executor.py:655")}     worker = WorkerProc(*args, **kwargs)`,
      `${at(p, "multiproc_executor.py:655")}   File "${site}/vllm/v1/worker/gpu_worker.py", line 208, in init_device`,
      `${at(p, "multiproc_executor.py:655")}     current_platform.set_device(self.device)`,
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.tracebacks?.rootCause ?? null).toBeNull();
      expect(ids(r)).toContain("vllm/engine-init-failed");
    }
  });

  it("`EngineCore encountered a fatal error.` over a busy-loop traceback cut before its exception: no root cause, no start-up failure", async () => {
    const p = "EngineCore_DP0 pid=2288";
    const lines = [
      `${at(p, "core.py:842")} EngineCore encountered a fatal error.`,
      `${at(p, "core.py:842")} Traceback (most recent call last):`,
      `${at(p, "core.py:842")}   File "${site}/vllm/v1/engine/core.py", line 833, in run_engine_core`,
      `${at(p, "core.py:842")}     engine_core.run_busy_loop()`,
      `${at(p, "core.py:842")}   File "${site}/vllm/v1/engine/core.py", line 860, in run_busy_loop`,
      `${at(p, "core.py:842")}     self._process_engine_step()`,
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.tracebacks?.rootCause ?? null).toBeNull();
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line).toBe(1);
    }
  });
});

describe("V1's start-up memory check as a terminal wraps it: the tail of the sentence still says the engine did not start", () => {
  // an 80-column terminal cut the ValueError inside its figures; the continuation lines carry no prefix
  const wrapped80 = [
    "(EngineCore pid=5120) ValueError: Free memory on device cuda:0 (19.02/23.99 GiB",
    ") on startup is less than desired GPU memory utilization (0.85, 20.39 GiB). Decre",
    "ase GPU memory utilization or reduce GPU memory used by other processes.",
  ];

  it("reads the wrapped check as a start-up failure and its utilisation, in every wrapper", async () => {
    for (const r of await reportsOf(wrapped80, { compose: true })) {
      expect(ids(r)).toContain("vllm/engine-init-failed");
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
      expect(r.facts.firstError?.line).toBe(1);
    }
  });

  it("the check on one line is the same failure (the root cause names its figures)", async () => {
    const one = ["(EngineCore_DP0 pid=5120) ERROR 02-11 08:15:42 [core.py:940] ValueError: Free memory on device cuda:0 (19.02/23.99 GiB) on startup is less than desired GPU memory utilization (0.85, 20.39 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes."];
    for (const r of await reportsOf(one)) {
      expect(ids(r)).toContain("vllm/engine-init-failed");
      expect(r.facts.tracebacks?.rootCause?.kind).toBe("free-memory");
    }
  });

  it("the INFO line after profiling (`Desired GPU memory utilization is (...)`) is no failure", async () => {
    const info = ["(Worker_TP0 pid=5130) INFO 02-11 08:16:02 [gpu_worker.py:301] Free memory on device (46.10/47.40 GiB) on startup. Desired GPU memory utilization is (0.6, 28.44 GiB). Actual usage is 16.2 GiB for weights, 1.1 GiB for peak activation."];
    for (const r of await reportsOf(info)) {
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.6);
    }
  });
});
