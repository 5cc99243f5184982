import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70cl of real logs: vLLM under GPU clouds' consoles (RunPod serverless workers, Modal's log
 * viewer, Replicate's cog JSON lines, SkyPilot's job log stream). vLLM's V0 AsyncLLMEngine raises AsyncEngineDeadError
 * with the words `Task finished unexpectedly. This should never happen! Please open an issue on Github` when its
 * background loop dies; a RunPod serverless handler returns only the exception's message in its JSON `"error"` field, so
 * the class name the dead-engine signature knew was gone and the death went unreported. Every log text here is written
 * for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["RunPod console", (l) => `2026-12-07T10:00:01.123456789Z ${l}`],
  ["Modal log viewer", (l) => `Dec 07  10:00:01.123 | ${l}`],
  ["docker compose", (l) => `worker-1  | ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("V0's dead-engine message without its class name (a serverless handler's JSON error)", () => {
  const handlerJson = [
    "{",
    '  "delayTime": 2210,',
    '  "error": "handler: Task finished unexpectedly. This should never happen! Please open an issue on Github. See stack trace above for the actual cause.',
    "traceback: Traceback (most recent call last):",
    '  File "/opt/vllm/vllm/engine/async_llm_engine.py", line 31, in _raise_exception_on_finish',
    "    task.result()",
    '  File "/opt/vllm/vllm/engine/async_llm_engine.py", line 420, in run_engine_loop',
    "    has_requests_in_progress = await self.engine_step()",
  ];
  it("reports the engine's death while serving", async () => {
    await eachWrap(handlerJson, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-dead");
      expect(ids(r), at).not.toContain("vllm/engine-init-failed");
    });
  });

  it("reads the later GitHub spelling and a bare RuntimeError carrying the message", async () => {
    const r = await analyzeText(
      "RuntimeError: Task finished unexpectedly. This should never happen! Please open an issue on GitHub. See stack trace above for the actual cause.\n",
    );
    expect(ids(r)).toContain("vllm/engine-dead");
  });

  it("does not take another engine's copy of the first sentence (no request to open an issue) for vLLM's", async () => {
    const r = await analyzeText(
      "RuntimeError: Task finished unexpectedly. This should never happen!  See stack trace above for the actual cause.\n" +
        "Task finished unexpectedly.\n",
    );
    expect(ids(r)).not.toContain("vllm/engine-dead");
  });
});

describe("start-ups under the clouds' log viewers", () => {
  const startup = [
    "INFO 12-07 18:01:02 [api_server.py:1900] vLLM API server version 0.10.1",
    "INFO 12-07 18:01:03 [utils.py:326] non-default args: {'model': 'Qwen/Qwen3-8B', 'max_model_len': 16384, 'tensor_parallel_size': 2, 'gpu_memory_utilization': 0.85}",
    "(EngineCore_0 pid=311) INFO 12-07 18:01:40 [gpu_worker.py:276] Available KV cache memory: 20.51 GiB",
    "(EngineCore_0 pid=311) INFO 12-07 18:01:40 [kv_cache_utils.py:849] GPU KV cache size: 298,672 tokens",
    "(EngineCore_0 pid=311) INFO 12-07 18:01:40 [kv_cache_utils.py:853] Maximum concurrency for 16,384 tokens per request: 18.23x",
  ];
  const expectStartup = (r: Report, at: string): void => {
    expect(r.facts.vllm.version, at).toBe("0.10.1");
    expect(r.facts.config.model, at).toBe("Qwen/Qwen3-8B");
    expect(r.facts.config.maxModelLen, at).toBe(16384);
    expect(r.facts.config.tensorParallelSize, at).toBe(2);
    expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
    expect(r.facts.kvCache.tokens, at).toBe(298672);
    expect(r.facts.kvCache.maxConcurrency, at).toBe(18.23);
    expect(ids(r, "error"), at).toEqual([]);
  };
  it("reads the facts through each wrapper", async () => {
    await eachWrap(startup, expectStartup);
  });
  it("reads them from cog's JSON lines", async () => {
    const text = startup.map((m) => JSON.stringify({ logger: "cog.server.worker", timestamp: "2026-12-07T10:00:01.123Z", severity: "INFO", message: m })).join("\n") + "\n";
    expectStartup(await analyzeText(text), "cog");
  });
  it("finds no problem in the platforms' own queue and health lines", async () => {
    const r = await analyzeText(
      [
        '{"requestId": null, "message": "Jobs in queue: 0", "level": "INFO"}',
        '{"requestId": null, "message": "Jobs in progress: 0", "level": "INFO"}',
        "Runner terminated, in-progress inputs will be re-scheduled",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual([]);
  });
});
