import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/engine-init-failed.js";
import { run, traceback } from "../helpers.js";
import { ruleTester } from "../rule-tester.js";
import type { Report } from "../../../src/facts/schema.js";

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

// V0's multiprocessing worker failing a start-up call (vllm/executor/multiproc_worker_utils.py _run_worker_process), in the
// layouts vLLM prints (written for these tests): 0.6 on `Exception in worker VllmWorkerProcess while processing method
// <method>.` then the traceback; 0.5 `... method <method>: <exception>, Traceback (most recent call last):` on one line
const V0_SITE = "/usr/local/lib/python3.10/dist-packages/";
function v0StartLog(method: string, frames: [string, number, string, string][], exc: string, opts: { old?: boolean } = {}): string[] {
  const W = "(VllmWorkerProcess pid=571) ERROR 04-12 05:35:29 multiproc_worker_utils.py:226] ";
  const frame = (f: [string, number, string, string]) => [W + `  File "${V0_SITE}vllm/${f[0]}", line ${f[1]}, in ${f[2]}`, W + `    ${f[3]}`];
  return [
    "INFO 04-12 05:33:00 llm_engine.py:237] Initializing an LLM engine (v0.6.3) with config: model='acme/chat-70b', speculative_config=None, tokenizer='acme/chat-70b', tensor_parallel_size=4, pipeline_parallel_size=1",
    ...(opts.old
      ? [W + `Exception in worker VllmWorkerProcess while processing method ${method}: ${exc.slice(exc.indexOf(": ") + 2)}, Traceback (most recent call last):`]
      : [W + `Exception in worker VllmWorkerProcess while processing method ${method}.`, W + "Traceback (most recent call last):"]),
    ...frame(["executor/multiproc_worker_utils.py", 223, "_run_worker_process", "output = executor(*args, **kwargs)"]),
    ...frames.flatMap(frame),
    W + exc,
  ];
}
const PROFILE: [string, number, string, string][] = [
  ["worker/worker.py", 223, "determine_num_available_blocks", "self.model_runner.profile_run()"],
  ["worker/model_runner.py", 1310, "profile_run", "self.execute_model(model_input, kv_caches, intermediate_tensors)"],
];
const OOM = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.75 GiB. GPU 3 has a total capacity of 79.19 GiB of which 1.02 GiB is free.";
const kubectl = (lines: string[]) => lines.map((l, i) => `2026-04-12T05:35:${String(i).padStart(2, "0")}.000000001Z ${l}\r`).join("\n") + "\n";
const initMessage = (r: Report) => {
  const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")!;
  return f.message.split(f.evidence[0].file).join("run.log");
};

ruleTester("vllm/engine-init-failed", {
  valid: [],
  invalid: [
    {
      name: "V0: a worker's CUDA OOM in determine_num_available_blocks behind kubectl stamps and CRLF: the worker, the method, the exception",
      log: kubectl(v0StartLog("determine_num_available_blocks", PROFILE, OOM)),
      findings: [{ severity: "error", lines: [10, 2], remediation: ["The root cause is CUDA out of memory: see vllm/cuda-oom"] }],
      check: (r) => {
        expect(initMessage(r)).toBe(`The engine did not start. A worker (VllmWorkerProcess pid=571) failed in determine_num_available_blocks (run.log:2), a call of the engine's start-up. Root cause in the log: ${OOM} (run.log:10).`);
        expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-oom, which explains vllm\/engine-init-failed/);
        expect(r.findings.map((f) => f.ruleId)).not.toContain("vllm/engine-dead");
      },
    },
    {
      name: "V0: a worker's CUDA error in load_model defers to vllm/cuda-error",
      log: v0StartLog("load_model", [["worker/worker.py", 183, "load_model", "self.model_runner.load_model()"]], "RuntimeError: CUDA error: no kernel image is available for execution on the device").join("\n") + "\n",
      findings: [{ messageIncludes: ["A worker (VllmWorkerProcess pid=571) failed in load_model (", "Root cause in the log: RuntimeError: CUDA error: no kernel image is available"], remediation: ["The root cause is a CUDA error: see vllm/cuda-error"] }],
    },
    {
      name: "V0 0.5's one-line record of initialize_cache, the worker named",
      log: v0StartLog("initialize_cache", [["worker/worker.py", 240, "initialize_cache", "raise_if_cache_size_invalid(num_gpu_blocks,"]], "ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (86432).", { old: true }).join("\n") + "\n",
      findings: [{ lines: [7, 2], remediation: ["The root cause is the KV cache: see vllm/kv-cache-too-small"] }],
      check: (r) => expect(initMessage(r)).toBe("The engine did not start. A worker (VllmWorkerProcess pid=571) failed in initialize_cache (run.log:2), a call of the engine's start-up. Root cause in the log: ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (86432). (run.log:7)."),
    },
    {
      // the Ray executor's worker (vllm/worker/worker_base.py execute_method, 0.7's quoted method), the paste cut in its traceback
      name: "Ray: a worker's record of init_device cut before its exception line, behind kubectl stamps and CRLF: the worker with its ip and the method",
      log: kubectl([
        "(RayWorkerWrapper pid=2207, ip=10.41.0.8) ERROR 04-12 05:35:29 [worker_base.py:620] Error executing method 'init_device'. This might cause deadlock in distributed execution.",
        "(RayWorkerWrapper pid=2207, ip=10.41.0.8) ERROR 04-12 05:35:29 [worker_base.py:620] Traceback (most recent call last):",
        `(RayWorkerWrapper pid=2207, ip=10.41.0.8) ERROR 04-12 05:35:29 [worker_base.py:620]   File "${V0_SITE}vllm/worker/worker_base.py", line 612, in execute_method`,
      ]),
      findings: [{ lines: [1] }],
      check: (r) => expect(initMessage(r)).toBe("The engine did not start. A worker (RayWorkerWrapper pid=2207, ip=10.41.0.8) failed in init_device (run.log:1), a call of the engine's start-up. This excerpt stops before the worker's exception line, which names the cause: it ends the worker's traceback (the ERROR records of worker_base.py)."),
    },
  ],
});
