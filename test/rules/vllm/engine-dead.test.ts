import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/engine-dead.js";
import { run } from "../helpers.js";

describe("vllm/engine-dead", () => {
  it("reads V1's EngineDeadError as the engine dying while serving and points at the first worker error", () => {
    const f = run(rule, { lines: ["(APIServer pid=7) ERROR 02-03 04:05:06 [async_llm.py:480] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("died while serving");
    expect(f[0].remediation[0]).toContain("first error of the engine core or worker");
  });
  it("reads V0's AsyncEngineDeadError and the launcher's shutdown as one finding", () => {
    const f = run(rule, { lines: [
      "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop has errored already.",
      "CRITICAL 03-04 05:06:07 launcher.py:99] AsyncLLMEngine is already dead, terminating server process",
    ] });
    expect(f).toHaveLength(1);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("leaves a start-up failure to vllm/engine-init-failed and stays quiet on the engine's start", () => {
    expect(run(rule, { lines: ["ERROR 05-14 10:02:41 [core.py:396] EngineCore failed to start.", "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop is not running."] })).toEqual([]);
    expect(run(rule, { lines: ["INFO 05-14 10:02:41 [core.py:61] Initializing a V1 LLM engine (v0.9.1) with config: model='m'"] })).toEqual([]);
  });
});
