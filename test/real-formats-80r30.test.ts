import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r30 (vllm-project/vllm issues numbered ...2/4/6/8 with multi-GPU logs: a 0.19 banner with TP=4
 * and a WorkerProc start-up failure, a TP=8 expert-parallel start with pynccl's version line, an unprefixed ROCm
 * pipeline-parallel `EngineCore failed to start.`, a Ray worker on another node failing `initialize_cache`, a Slurm job
 * with srun `--label` prefixes, environment modules and placement-group waits, a DeepEP traceback whose ANSI colours
 * were pasted in caret notation, stats lines with the newer `Corrupted:` field, and PyTorch's watchdog on a BROADCAST).
 * The tool read every labelled fact and problem at first sight. What it said nothing about: an engine core's own
 * traceback through its busy loop (`run_engine_core` -> `engine_core.run_busy_loop()`) that a paste kept without the
 * record heading it (`EngineCore encountered a fatal error.`) or the front end's EngineDeadError. Only run_engine_core's
 * `except` logs that traceback, then reports the engine dead and re-raises: the engine core died while serving.
 * Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-11T08:14:22.518204117Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

const PY = "/opt/venv/lib/python3.12/site-packages";
const core = (pid: number, ts: string, src: string) => (msg: string) => `(EngineCore_DP1 pid=${pid}) ERROR ${ts} [${src}] ${msg}`;
type Frame = [line: number, func: string, code: string];
/** A traceback through vllm/v1/engine/core.py: its header, each frame's File line and code line, then its last line if any, each through `rec`. */
const traceback = (rec: (m: string) => string, frames: Frame[], last?: string) => [
  rec("Traceback (most recent call last):"),
  ...frames.flatMap(([line, func, code]) => [rec(`  File "${PY}/vllm/v1/engine/core.py", line ${line}, in ${func}`), rec(`    ${code}`)]),
  ...(last === undefined ? [] : [rec(last)]),
];
const ENTRY: Frame = [1003, "run_engine_core", "engine_core.run_busy_loop()"];

describe("an engine core's traceback through its busy loop, the record heading it cut off", () => {
  const e = core(40817, "05-19 03:12:48", "core.py:1021");
  const loop = [
    e("    raise TimeoutError"),
    e("TimeoutError"),
    e(""),
    e("The above exception was the direct cause of the following exception:"),
    e(""),
    ...traceback(e, [ENTRY, [1310, "run_busy_loop", "self._process_engine_step()"], [1342, "_process_engine_step", "outputs, model_executed = self.step_fn()"]]),
  ];
  it("reports the engine dead with the exception as the cause, behind wrappers and CRLF", async () => {
    await eachWrap(loop, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/engine-dead"]);
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-dead");
      expect(f?.message, at).toMatch(/died while serving.*Root cause in the log: TimeoutError/s);
      expect(f?.evidence.map((x) => x.text), at).toEqual([
        expect.stringMatching(/\[core\.py:1021\] TimeoutError$/),
        expect.stringMatching(/\[core\.py:1021\] Traceback \(most recent call last\):$/),
      ]);
      expect(r.facts.tracebacks?.list.map((t) => t.engineLoop === true), at).toEqual([true]);
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });
  it("reads a paste cut at the call into the loop, and 0.8's records with no process prefix", async () => {
    const cut = await analyzeText(text(loop.slice(5, 8)));
    expect(ids(cut, "error")).toEqual(["vllm/engine-dead"]);
    expect(cut.findings[0].message).toMatch(/does not show why/);
    const old = (msg: string) => `ERROR 04-02 10:11:12 [core.py:344] ${msg}`;
    const r = await analyzeText(text(traceback(old, [
      [337, "run_engine_core", "engine_core.run_busy_loop()"],
      [371, "run_busy_loop", "outputs = step_fn()"],
      [192, "step", "output = self.model_executor.execute_model(scheduler_output)"],
    ], "RuntimeError: shape mismatch in the sampler")));
    expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
    expect(r.findings[0].message).toMatch(/Root cause in the log: RuntimeError: shape mismatch in the sampler/);
  });
  it("keeps the engine core's own death record as the evidence when the paste has it", async () => {
    const r = await analyzeText(text([e("EngineCore encountered a fatal error."), ...loop.slice(5), e("ValueError: bad block table")]));
    expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
    const f = r.findings.find((x) => x.ruleId === "vllm/engine-dead");
    expect(f?.evidence.map((x) => x.text)).toEqual([
      expect.stringMatching(/ValueError: bad block table$/),
      expect.stringMatching(/EngineCore encountered a fatal error\.$/),
    ]);
    expect(r.facts.tracebacks?.list.map((t) => t.engineLoop === true)).toEqual([true]);
  });
  it("leaves a start-up through run_engine_core to vllm/engine-init-failed, and Ctrl-C in the loop alone (not a failure in it)", async () => {
    const init = await analyzeText(text(traceback(e, [
      [1003, "run_engine_core", "engine_core = EngineCoreProc(*args, **kwargs)"],
      [611, "__init__", "super().__init__(vllm_config, executor_class, log_stats)"],
    ], "RuntimeError: CUDA driver initialization failed")));
    expect(ids(init, "error")).toContain("vllm/engine-init-failed");
    expect(ids(init)).not.toContain("vllm/engine-dead");
    // the process's own traceback (no log level) after the loop raised: a failure ends the engine core, Ctrl-C does not say so
    const exit = (last: string) => text(["Process EngineCore_DP0:", ...traceback((m) => m, [ENTRY, [1310, "run_busy_loop", "self._process_input_queue()"]], last)]);
    const ctrlC = await analyzeText(exit("KeyboardInterrupt"));
    expect(ids(ctrlC)).not.toContain("vllm/engine-dead");
    expect(ctrlC.facts.tracebacks?.list.some((t) => t.engineLoop === true) ?? false).toBe(false);
    const failed = await analyzeText(exit("AssertionError: request id already in the scheduler"));
    expect(ids(failed, "error")).toEqual(["vllm/engine-dead"]);
  });
});
