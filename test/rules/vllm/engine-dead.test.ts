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
  it("never takes the engine's dump of the failed step (dump_input.py) for the root cause", () => {
    const lines = [
      "ERROR 04-22 18:03:11 [dump_input.py:79] Dumping scheduler output for model execution:",
      "ERROR 04-22 18:03:11 [dump_input.py:80] SchedulerOutput(scheduled_new_reqs=[], scheduled_cached_reqs=[CachedRequestData(req_id='cmpl-77', resumed_from_preemption=false, new_token_ids=[905], num_computed_tokens=[4113])], total_num_scheduled_tokens=1)",
      "ERROR 04-22 18:03:11 [dump_input.py:82] SchedulerStats(num_running_reqs=1, num_waiting_reqs=0, gpu_cache_usage=0.004)",
      "ERROR 04-22 18:03:11 [core.py:517] EngineCore encountered a fatal error.",
      "ERROR 04-22 18:03:11 [core.py:517] Traceback (most recent call last):",
      'ERROR 04-22 18:03:11 [core.py:517]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/executor/multiproc_executor.py", line 220, in collective_rpc',
      "ERROR 04-22 18:03:11 [core.py:517]     result = get_response(w, dequeue_timeout)",
    ];
    const cut = run(rule, { lines });
    expect(cut).toHaveLength(1);
    expect(cut[0].message).toContain("This excerpt does not show why");
    // with the traceback's end in the excerpt, that is the cause
    const whole = run(rule, { lines: [...lines, "ERROR 04-22 18:03:11 [core.py:517] TimeoutError: RPC call to execute_model timed out."] });
    expect(whole[0].message).toContain("Root cause in the log: TimeoutError: RPC call to execute_model timed out. (");
  });
  it("leaves a start-up failure to vllm/engine-init-failed and stays quiet on the engine's start", () => {
    expect(run(rule, { lines: ["ERROR 05-14 10:02:41 [core.py:396] EngineCore failed to start.", "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop is not running."] })).toEqual([]);
    expect(run(rule, { lines: ["INFO 05-14 10:02:41 [core.py:61] Initializing a V1 LLM engine (v0.9.1) with config: model='m'"] })).toEqual([]);
  });
});
