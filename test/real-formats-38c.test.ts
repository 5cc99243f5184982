import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 38c: vLLM failing while it serves (after the server was ready). The misses of the round's real logs:
 * - a V1 engine core's traceback through `run_engine_core` into `engine_core.shutdown()` (its `finally`, which runs only
 *   for a core that was built) read as a start-up failure, so vllm/engine-init-failed named the cause of a serving crash;
 * - V0's multiprocessing engine logging what ended its loop as the exception's repr (`engine.py:135] IndexError('...')`):
 *   no rule explained it;
 * - a LoRA adapter the loader could not find or apply (`Loading lora X failed`, `No adapter found for ...`): no rule.
 * Every log text here is written for the test in the printed layout, with wrappers the collected files did not have.
 */

const stamp = (i: number) => `2026-04-05T06:07:${String(10 + (i % 50)).padStart(2, "0")}.000000001Z `;
const wrappers = (lines: string[]): string[] => [
  lines.map((l, i) => stamp(i) + l).join("\n") + "\n",
  lines.map((l) => "inference-1  | " + l).join("\n") + "\n",
  lines.join("\r\n") + "\r\n",
];

describe("a V1 engine core whose shutdown fails after serving, next to the API server's stream error", () => {
  const lines = (core: string, api: string) => [
    `${api}INFO 05-06 07:08:00 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 41.0 tokens/s, Running: 2 reqs, Waiting: 0 reqs, GPU KV cache usage: 3.1%, Prefix cache hit rate: 0.0%`,
    `${core}  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1150, in run_engine_core`,
    `${core}    engine_core.shutdown()`,
    `${core}  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 580, in shutdown`,
    `${core}    self.model_executor.shutdown()`,
    `${api}ERROR 05-06 07:08:09 [serving.py:1140] Error in chat completion stream generator.`,
    `${core}  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/executor/uniproc_executor.py", line 140, in shutdown`,
    `${api}ERROR 05-06 07:08:09 [serving.py:1140] Traceback (most recent call last):`,
  ];

  it("is no start-up failure: the engine had been built (only a built core is shut down there)", async () => {
    const r = await analyzeText(lines("(EngineCore pid=210) ", "(APIServer pid=101) ").join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
    expect(r.facts.firstError?.line).toBe(6);
    expect(r.facts.tracebacks?.counts.init).toBe(0);
  });

  it("reads the same without the stats line, behind kubectl --timestamps, docker compose and CRLF", async () => {
    for (const text of wrappers(lines("(EngineCore_DP0 pid=33) ", "(APIServer pid=7) ").slice(1))) {
      const r = await analyzeText(text);
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line).toBe(5);
    }
  });

  it("still reads a core that failed to start (`EngineCore failed to start.`, its construction on the stack) as a start-up failure", async () => {
    const text = [
      "(EngineCore_DP0 pid=33) ERROR 05-06 07:01:00 [core.py:1110] EngineCore failed to start.",
      "(EngineCore_DP0 pid=33) ERROR 05-06 07:01:00 [core.py:1110] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=33) ERROR 05-06 07:01:00 [core.py:1110]   File "/opt/vllm/vllm/v1/engine/core.py", line 1100, in run_engine_core',
      "(EngineCore_DP0 pid=33) ERROR 05-06 07:01:00 [core.py:1110]     engine_core = EngineCoreProc(*args, **kwargs)",
      '(EngineCore_DP0 pid=33) ERROR 05-06 07:01:00 [core.py:1110]   File "/opt/vllm/vllm/v1/engine/core.py", line 840, in __init__',
      "(EngineCore_DP0 pid=33) ERROR 05-06 07:01:00 [core.py:1110]     super().__init__(vllm_config, executor_class, log_stats,",
      "(EngineCore_DP0 pid=33) ERROR 05-06 07:01:00 [core.py:1110] RuntimeError: weights file is truncated",
      "",
    ].join("\n");
    expect(ids(await analyzeText(text), "error")).toContain("vllm/engine-init-failed");
  });
});

describe("V0's multiprocessing engine logging the exception that ended its loop", () => {
  const lines = [
    "INFO 03-04 05:06:07 engine.py:275] Added request chatcmpl-5d1e.",
    "INFO 03-04 05:06:08 model_runner_base.py:120] Writing input of failed execution to /tmp/err_execute_model_input_20250304-050608.pkl...",
    "ERROR 03-04 05:06:08 engine.py:135] KeyError('Error in model execution: 17')",
    "ERROR 03-04 05:06:08 engine.py:135] Traceback (most recent call last):",
    'ERROR 03-04 05:06:08 engine.py:135]   File "/usr/lib/python3.10/site-packages/vllm/engine/multiprocessing/engine.py", line 133, in start',
    "ERROR 03-04 05:06:08 engine.py:135]     self.run_engine_loop()",
  ];

  it("is the engine dying while serving, the repr its root cause", async () => {
    for (const text of wrappers(lines)) {
      const r = await analyzeText(text);
      expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
      expect(r.findings[0].message).toContain("Root cause in the log: KeyError('Error in model execution: 17')");
      expect(r.facts.firstError?.line).toBe(3);
    }
  });

  it("reads 0.8's bracketed file and a repr in double quotes", async () => {
    const text = "ERROR 02-03 04:05:06 [engine.py:160] RuntimeError(\"CUDA error: an illegal memory access was encountered\")\n";
    expect(ids(await analyzeText(text), "error")).toContain("vllm/engine-dead");
  });

  it("is not another file's repr or the loop's own INFO line", async () => {
    for (const line of ["ERROR 03-04 05:06:08 async_llm_engine.py:65] RuntimeError('stop')", "INFO 03-04 05:06:07 engine.py:275] Added request chatcmpl-5d1e."]) {
      expect(ids(await analyzeText(line + "\n"))).not.toContain("vllm/engine-dead");
    }
  });
});

describe("a LoRA adapter the loader could not load", () => {
  it("reads V1's engine core record, names the adapter and the path, and no start-up failure", async () => {
    const lines = [
      "(EngineCore_DP0 pid=902) ERROR 07-08 09:10:11 [core.py:918]   File \"/opt/vllm/vllm/lora/worker_manager.py\", line 138, in _load_adapter",
      "(EngineCore_DP0 pid=902) ERROR 07-08 09:10:11 [core.py:918]     raise ValueError(",
      "(EngineCore_DP0 pid=902) ERROR 07-08 09:10:11 [core.py:918] ValueError: Loading lora support-bot failed: No adapter found for /adapters/support-bot",
      "(APIServer pid=880) Traceback (most recent call last):",
    ];
    for (const text of wrappers(lines)) {
      const r = await analyzeText(text);
      expect(ids(r, "error")).toEqual(["vllm/lora-load-failed"]);
      expect(r.findings[0].message).toContain("the LoRA adapter support-bot: no adapter was found at /adapters/support-bot");
      expect(r.facts.firstError?.line).toBe(3);
    }
  });

  it("reads vLLM ≤0.6's bare exception line under the API's traceback", async () => {
    const text = [
      '  File "/usr/lib/python3.10/site-packages/vllm/lora/worker_manager.py", line 150, in _load_lora',
      "    raise RuntimeError(",
      "RuntimeError: Loading lora /srv/lora/ckpt-120 failed",
      "",
      "The above exception was the direct cause of the following exception:",
      "",
      "Traceback (most recent call last):",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(["vllm/lora-load-failed"]);
    expect(r.findings[0].message).toContain("the LoRA adapter /srv/lora/ckpt-120.");
  });

  it("stays quiet on an adapter that loaded", async () => {
    const text = "INFO 07-08 09:10:11 [serving_models.py:174] Loaded new LoRA adapter: name 'support-bot', path '/adapters/support-bot'\n";
    expect(ids(await analyzeText(text))).toEqual([]);
  });
});

describe("a window of the server's stats lines alone", () => {
  it("is healthy with what the lines show, not `no vLLM facts were recognised`", async () => {
    const line = (t: string, run: number, wait: number, kv: string) =>
      `INFO 09-10 11:12:${t} [loggers.py:122] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 410.5 tokens/s, Running: ${run} reqs, Waiting: ${wait} reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 0.0%`;
    const lines = [line("10", 12, 4, "7.5"), line("20", 24, 0, "12.25"), line("30", 24, 0, "14.0")];
    for (const text of wrappers(lines)) {
      const r = await analyzeText(text);
      expect(ids(r)).toEqual([]);
      expect(r.verdict).toBe("Healthy: vLLM (V1 engine) server stats: 3 lines (up to 24 running, 4 waiting, GPU KV cache usage up to 14%).");
    }
  });
});

describe("the server's 5xx answers after the engine died", () => {
  const lines = [
    "INFO 04-05 06:07:08 engine.py:275] Added request chatcmpl-90.",
    "CRITICAL 04-05 06:07:09 launcher.py:99] MQLLMEngine is already dead, terminating server process",
    'INFO:     10.1.2.3:40000 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error',
    'INFO:     10.1.2.3:40002 - "POST /v1/completions HTTP/1.1" 404 Not Found',
  ];

  it("are explained by the engine's death (the 5xx error, not the clients' 4xx)", async () => {
    for (const text of wrappers(lines)) {
      const r = await analyzeText(text);
      expect(r.verdict).toMatch(/^Failed \(vllm\/engine-dead, which explains runtime\/client-errors\)/);
      const http = r.findings.filter((f) => f.ruleId === "runtime/client-errors");
      expect(http.map((f) => [f.severity, f.causedBy ?? null])).toEqual([["error", ["vllm/engine-dead"]], ["warning", null]]);
    }
  });

  it("a wrapper's own record quoting EngineDeadError's words is the engine dead", async () => {
    const text = "[2026-02-03 04:05:06,789] [ERROR] [trace_id=0] gateway.py:88 worker-3 - [ERROR] request failed, msg: EngineCore encountered an issue. See stack trace (above) for the root cause.\n";
    expect(ids(await analyzeText(text), "error")).toEqual(["vllm/engine-dead"]);
  });
});

describe("a request the OpenAI server refused before it reached the engine", () => {
  const lines = (api: string) => [
    `${api}INFO:     10.9.8.7:50000 - "GET /health HTTP/1.1" 200 OK`,
    `${api}ERROR 08-09 10:11:12 [serving_chat.py:210] Error in preprocessing prompt inputs`,
    `${api}ERROR 08-09 10:11:12 [serving_chat.py:210] Traceback (most recent call last):`,
    `${api}ERROR 08-09 10:11:12 [serving_chat.py:210]   File "/opt/vllm/vllm/entrypoints/openai/serving_engine.py", line 600, in _validate_input`,
    `${api}ERROR 08-09 10:11:12 [serving_chat.py:210]     raise ValueError(`,
    `${api}ERROR 08-09 10:11:12 [serving_chat.py:210] ValueError: This model's maximum context length is 4096 tokens. However, you requested 4600 tokens (3600 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.`,
  ];

  it("is a warning with the numbers, not an error with no known cause", async () => {
    for (const text of wrappers(lines("(APIServer pid=61) "))) {
      const r = await analyzeText(text);
      expect(ids(r, "error")).toEqual([]);
      expect(r.verdict).toMatch(/^Works, with a warning \(runtime\/client-errors\): The server refused a request while preparing the prompt and answered 400/);
      expect(r.findings[0].message).toContain("asked for 4600 tokens, more than the served max_model_len of 4096");
      expect(r.facts.firstError?.line).toBe(2);
    }
  });

  it("reads the record head alone, and the V1 processor's wording", async () => {
    const head = await analyzeText(lines("").slice(0, 4).join("\n") + "\n");
    expect(head.findings.map((f) => [f.ruleId, f.severity])).toEqual([["runtime/client-errors", "warning"]]);
    const v1 = await analyzeText("ValueError: The decoder prompt (length 40000) is longer than the maximum model length of 32768. Make sure that `max_model_len` is no smaller than the number of text tokens.\n");
    expect(v1.findings[0].message).toContain("asked for 40000 tokens, more than the served max_model_len of 32768");
  });

  it("counts the requests by their record heads, not by the lines of their tracebacks", async () => {
    for (const text of wrappers([...lines("(APIServer pid=61) "), ...lines("(APIServer pid=61) ").slice(1), ...lines("(APIServer pid=61) ").slice(1)])) {
      const r = await analyzeText(text);
      expect(r.findings[0].message).toMatch(/^The server refused 3 requests while preparing the prompt and answered 400/);
    }
  });
});

describe("the structured-output grammar refusing a sampled token", () => {
  it("is a warning that names the request, not an error with no known cause or a dead engine", async () => {
    const lines = [
      "(EngineCore_DP0 pid=4410) ERROR 12-01 02:03:04 [backend_xgrammar.py:165] Failed to advance FSM for request chatcmpl-7f3e for tokens 2711. Please file an issue.   ",
      "(EngineCore_DP0 pid=4410) ERROR 12-01 02:03:04 [backend_xgrammar.py:165] Failed to advance FSM for request chatcmpl-7f3e for tokens 88. Please file an issue.",
      "(APIServer pid=4300) INFO 12-01 02:03:10 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 52.0 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 2.0%, Prefix cache hit rate: 0.0%",
    ];
    for (const text of wrappers(lines)) {
      const r = await analyzeText(text);
      expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["vllm/structured-output-failed", "warning"]]);
      expect(r.verdict).toMatch(/^Works, with a warning \(vllm\/structured-output-failed\): The structured-output backend's grammar refused tokens \(2 lines\) the model generated \(request chatcmpl-7f3e first\)/);
    }
  });
});
