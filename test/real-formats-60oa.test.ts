import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 60oa of real logs (a running OpenAI-compatible server's failures): a server log pasted into an
 * issue with its line breaks turned into single blanks, so one physical line holds a uvicorn access line, `Added request`,
 * the periodic stats lines and an `Error in preprocessing prompt inputs` record with its traceback. The records were read
 * as one, so the stats lines were not counted and the error was not the first error. A whole vLLM header after a blank
 * (level, date, time, the logger's `file:line]` in either era's form) now starts a record, on a line holding two such
 * headers or more. Every log text here is written for the test in the printed layout.
 */

type Wrap = [string, (l: string) => string, string];
const VARIANTS: Wrap[] = [
  ["plain", (l) => l, "\n"],
  ["kubectl --timestamps", (l) => `2026-12-06T21:14:03.118204113Z ${l}`, "\n"],
  ["docker compose CRLF", (l) => `api-1  | ${l}`, "\r\n"],
];

async function eachVariant(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap, eol] of VARIANTS) check(await analyzeText(lines.map(wrap).join(eol) + eol), name);
}

const STATS_V0 = (t: string, prompt: string, gen: string, running: number, pending: number, kv: string) =>
  `INFO 03-14 ${t} metrics.py:351] Avg prompt throughput: ${prompt} tokens/s, Avg generation throughput: ${gen} tokens/s, Running: ${running} reqs, Swapped: 0 reqs, Pending: ${pending} reqs, GPU KV cache usage: ${kv}%, CPU KV cache usage: 0.0%.`;

describe("a V0 server log flattened into blank-joined records", () => {
  const lines = [
    [
      'INFO:     10.4.0.17:40122 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
      "INFO 03-14 09:12:01 engine.py:280] Added request chatcmpl-5d1e.",
      STATS_V0("09:12:06", "811.4", "3.0", 2, 1, "41.2"),
      STATS_V0("09:12:11", "0.0", "47.9", 3, 0, "44.8"),
      "ERROR 03-14 09:12:12 serving_chat.py:197] Error in preprocessing prompt inputs",
      "ERROR 03-14 09:12:12 serving_chat.py:197] Traceback (most recent call last):",
      'ERROR 03-14 09:12:12 serving_chat.py:197] File "/opt/venv/lib/python3.11/site-packages/vllm/entrypoints/openai/serving_chat.py", line 181, in create_chat_completion',
    ].join(" "),
    ["self._tokenize(", "ERROR 03-14 09:12:12 serving_chat.py:197] ValueError: This model's maximum context length is 8192 tokens. However, you requested 9310 tokens."].join(" "),
  ];
  it("counts each stats line and finds the error record inside the line", async () => {
    await eachVariant(lines, (r, at) => {
      const rt = r.facts.runtime!;
      expect(rt.statsLines, at).toBe(2);
      expect(rt.running.max, at).toBe(3);
      expect(rt.waiting.max, at).toBe(1);
      expect(rt.gpuKvUsagePct.max, at).toBe(44.8);
      expect(rt.generationThroughput.max, at).toBe(47.9);
      expect(rt.http, at).toEqual({ "2xx": 1, "4xx": 0, "5xx": 0 });
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.firstError?.text, at).toBe("ERROR 03-14 09:12:12 serving_chat.py:197] Error in preprocessing prompt inputs");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("a newer server's records flattened the same way (`[file.py:N]` headers, no process prefix)", () => {
  const stats = (t: string, gen: string, running: number, waiting: number, kv: string) =>
    `INFO 11-02 17:40:${t} [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: ${gen} tokens/s, Running: ${running} reqs, Waiting: ${waiting} reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 12.5%`;
  const line = [stats("10", "61.5", 4, 0, "20.1"), stats("20", "58.2", 5, 2, "23.9"), stats("30", "60.0", 5, 0, "24.4")].join(" ");
  it("reads three stats lines off one physical line", async () => {
    await eachVariant([line], (r, at) => {
      expect(r.facts.runtime?.statsLines, at).toBe(3);
      expect(r.facts.runtime?.running.max, at).toBe(5);
      expect(r.facts.runtime?.waiting.max, at).toBe(2);
      expect(r.facts.runtime?.generationThroughput.max, at).toBe(61.5);
    });
  });
});

describe("near misses: what stays one record", () => {
  it("a request's prompt that quotes a stats line is the client's text", async () => {
    const r = await analyzeText(
      `INFO 03-14 09:12:01 logger.py:37] Received request chatcmpl-9a: prompt: 'why does my log say ${STATS_V0("09:11:00", "1.0", "2.0", 9, 7, "99.0")} and stop', params: SamplingParams(n=1, max_tokens=64), prompt_token_ids: None, lora_request: None.\n`,
    );
    expect(r.facts.runtime?.statsLines ?? 0).toBe(0);
    expect(r.facts.runtime?.running?.max ?? null).toBeNull();
  });

  it("one stats line behind a wrapper's blank, and a level word with a date but no logger file, are not split", async () => {
    const r = await analyzeText(
      [
        `vllm-1  | ${STATS_V0("09:12:06", "10.0", "20.0", 1, 0, "5.0")}`,
        "note INFO 03-14 09:12:07 the collector restarted, INFO 03-14 09:12:08 again",
      ].join("\n") + "\n",
    );
    expect(r.facts.runtime?.statsLines).toBe(1);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("V0's multiprocessing client reporting `Engine loop has died` (the heartbeat of a loop that stopped coming round)", () => {
  const lines = [
    "INFO 08-14 10:30:58 engine.py:290] Added request chat-41c2.",
    "ERROR 08-14 10:31:02 client.py:262] RuntimeError('Engine loop has died')",
    "ERROR 08-14 10:31:02 client.py:262] Traceback (most recent call last):",
    'ERROR 08-14 10:31:02 client.py:262]   File "/opt/venv/lib/python3.10/site-packages/vllm/engine/multiprocessing/client.py", line 150, in run_heartbeat_loop',
    "ERROR 08-14 10:31:02 client.py:262]     await self._check_success(",
    "ERROR 08-14 10:31:02 client.py:262] RuntimeError: Engine loop has died",
    STATS_V0("10:31:03", "12.5", "0.0", 1, 0, "7.5"),
    'INFO:     10.4.0.17:40130 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
    "CRITICAL 08-14 10:31:05 launcher.py:99] MQLLMEngine is already dead, terminating server process",
  ];
  it("is the engine's death, and its own traceback's last line is not named as the cause", async () => {
    await eachVariant(lines, (r, at) => {
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-dead");
      expect(f, at).toBeDefined();
      expect(f!.message, at).not.toContain("Root cause in the log");
      expect(f!.evidence.map((e) => e.line), at).toEqual([2, 6, 9]);
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });

  it("the exception that ended the loop, logged by the engine, is still the cause", async () => {
    const r = await analyzeText(
      ["ERROR 08-14 10:31:00 engine.py:135] IndexError('list index out of range')", ...lines.slice(1)].join("\n") + "\n",
    );
    expect(r.findings.find((x) => x.ruleId === "vllm/engine-dead")!.message).toContain("IndexError('list index out of range')");
  });
});
