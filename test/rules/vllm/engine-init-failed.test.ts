import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/engine-init-failed.js";
import { run, traceback } from "../helpers.js";

describe("vllm/engine-init-failed", () => {
  it("quotes the root cause from the traceback, not the wrapper", () => {
    const f = run(rule, {
      events: [traceback(["run_engine_core", "__init__", "_initialize_kv_caches", "get_kv_cache_configs"], "ValueError", "No available memory for the cache blocks.", 8)],
      lines: ["RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}"],
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("The engine did not start. Root cause in the log: ValueError: No available memory for the cache blocks. (t.log:8).");
    expect(f[0].evidence[0].line).toBe(8);
  });
  it("stays quiet on a runtime traceback after the server was ready", () => {
    expect(run(rule, { events: [traceback(["run_busy_loop", "step", "execute_model", "forward"], "RuntimeError", "boom")], facts: { server: { ready: true, readyLine: null } } })).toEqual([]);
  });
});
