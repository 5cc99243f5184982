import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/structured-output-failed.js";
import { run } from "../helpers.js";

describe("vllm/structured-output-failed", () => {
  it("names the first request and counts the lines", () => {
    const f = run(rule, { lines: [
      "(EngineCore_DP0 pid=9) ERROR 01-02 03:04:05 [backend_xgrammar.py:165] Failed to advance FSM for request chatcmpl-q1 for tokens 318. Please file an issue.",
      "(EngineCore_DP0 pid=9) ERROR 01-02 03:04:05 [backend_xgrammar.py:165] Failed to advance FSM for request chatcmpl-q1 for tokens 12. Please file an issue.",
    ] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("refused tokens (2 lines) the model generated (request chatcmpl-q1 first)");
  });
  it("reads the scheduler's line and stays quiet on a grammar being compiled", () => {
    expect(run(rule, { lines: ["ERROR 01-02 03:04:05 [scheduler.py:1010] Unexpected: grammar rejected tokens [318]. Terminating request."] })).toHaveLength(1);
    expect(run(rule, { lines: ["INFO 01-02 03:04:00 [backend_xgrammar.py:60] Compiling grammar for request chatcmpl-q1"] })).toEqual([]);
  });
});
