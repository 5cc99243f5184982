import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-third round of real logs: running servers (periodic stats lines of every era, access and
 * request lines, the shared-memory queue's wait line). The one miss of the round: V0's stats line under 0.8–0.10's
 * bracketed header (`INFO 03-18 09:04:46 [metrics.py:481] Avg prompt throughput: … Running: 2 reqs, Swapped: 0 reqs,
 * Pending: 0 reqs, …`) told no engine, though only V0 ever counted `Swapped:`/`Pending:` (V1's loggers.py says
 * `Waiting:`); the engine was read from the unbracketed header of older V0 only. Every log text here is written for
 * the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T17:20:41.204118877Z ${l}`],
  ["docker compose", (l) => `llm-api-1  | ${l}`],
  ["Ray Serve", (l) => `(ServeReplica:llm:VLLMDeployment pid=4410, ip=10.2.0.7) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

/** a V0 stats line as vllm/engine/metrics.py printed it (0.4–0.10), under the header `head` */
const v0Stats = (head: string, gen: number, running: number, pending: number, kv: number, dot = ".") =>
  `${head} Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: ${gen.toFixed(1)} tokens/s, Running: ${running} reqs, Swapped: 0 reqs, Pending: ${pending} reqs, GPU KV cache usage: ${kv.toFixed(1)}%, CPU KV cache usage: 0.0%${dot}`;

describe("V0's stats line tells the engine whatever its header", () => {
  const heads: [string, (t: string) => string][] = [
    ["0.8–0.10 bracketed", (t) => `INFO 07-02 11:40:${t} [metrics.py:486]`],
    ["0.4–0.7 unbracketed", (t) => `INFO 07-02 11:40:${t} metrics.py:341]`],
    ["custom logging format", (t) => `2024-07-02 11:40:${t} - vllm.engine.metrics - INFO -`],
  ];
  for (const [era, head] of heads) {
    it(`${era}: engine v0, and the runtime numbers`, async () => {
      const lines = [
        v0Stats(head("05"), 12.3, 3, 0, 4.5),
        v0Stats(head("15"), 12.9, 3, 1, 4.9),
        v0Stats(head("25"), 13.1, 4, 0, 5.6),
      ];
      await eachWrap(lines, (r, at) => {
        expect(r.facts.vllm.engine, at).toBe("v0");
        expect(r.facts.runtime?.statsLines, at).toBe(3);
        expect(r.facts.runtime?.running.max, at).toBe(4);
        expect(r.facts.runtime?.waiting.max, at).toBe(1);
        expect(r.facts.runtime?.gpuKvUsagePct.max, at).toBe(5.6);
        expect(r.facts.runtime?.generationThroughput.max, at).toBe(13.1);
        expect(ids(r, "error"), at).toEqual([]);
      });
    });
  }

  it("the oldest form (llm_engine.py, with iteration times and no trailing dot) is V0 too", async () => {
    const line = "INFO 02-03 09:12:44 [llm_engine.py:702] Avg prompt throughput: 211.0 tokens/s, Avg generation throughput: 96.4 tokens/s, Max iteration time: 212.5 ms, Avg time/tok:88.1 ms, Running: 12 reqs, Swapped: 0 reqs, Pending: 4 reqs, GPU KV cache usage: 41.0%, CPU KV cache usage: 0.0%";
    await eachWrap([line], (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.runtime?.waiting.max, at).toBe(4);
    });
  });

  it("near misses: V1's stats line, its spec-decoding line under metrics.py, and a request quoting a V0 line", async () => {
    const v1 = "INFO 07-02 11:40:05 [loggers.py:118] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 40.2 tokens/s, Running: 2 reqs, Waiting: 0 reqs, GPU KV cache usage: 3.3%, Prefix cache hit rate: 12.0%";
    await eachWrap([v1], (r, at) => expect(r.facts.vllm.engine, at).toBe("v1"));
    const spec = "INFO 07-02 11:40:05 [metrics.py:96] SpecDecoding metrics: Mean acceptance length: 1.91, Accepted throughput: 11.20 tokens/s, Drafted throughput: 24.40 tokens/s, Accepted: 112 tokens, Drafted: 244 tokens, Per-position acceptance rate: 0.602, 0.311, Avg Draft acceptance rate: 45.9%";
    await eachWrap([spec], (r, at) => expect(r.facts.vllm.engine, at).not.toBe("v0"));
    const quoted = `INFO 07-02 11:40:05 [logger.py:43] Received request chatcmpl-5b1e: prompt: 'why does my log say ${v0Stats("INFO 07-02 11:39:00 [metrics.py:486]", 1, 1, 2, 3).replace(/'/g, "")}', params: SamplingParams(n=1, temperature=0.7), prompt_token_ids: None, lora_request: None.`;
    await eachWrap([quoted], (r, at) => {
      expect(r.facts.vllm.engine, at).not.toBe("v0");
      expect(r.facts.runtime?.statsLines ?? 0, at).toBe(0);
    });
  });

  it("a log whose V1 markers are stronger keeps v1", async () => {
    const lines = [
      "INFO 07-02 11:38:51 [gpu_model_runner.py:1801] Model loading took 14.9885 GiB and 5.112704 seconds",
      v0Stats("INFO 07-02 11:40:05 [metrics.py:486]", 20, 1, 0, 1.2),
    ];
    await eachWrap(lines, (r, at) => expect(r.facts.vllm.engine, at).toBe("v1"));
  });
});

describe("a queue at free KV: three stats lines make a finding, one line does not", () => {
  const head = (t: string) => `INFO 12-23 18:28:${t} [metrics.py:486]`;
  it("three lines with requests pending at 3-4% KV usage: runtime/queue-with-free-kv", async () => {
    const lines = [v0Stats(head("10"), 45.1, 1, 3, 3.1), v0Stats(head("20"), 45.6, 1, 3, 3.4), v0Stats(head("30"), 45.2, 1, 4, 3.8)];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("runtime/queue-with-free-kv");
      expect(r.facts.vllm.engine, at).toBe("v0");
    });
  });
  it("one such line is a moment, not a pattern: no finding", async () => {
    await eachWrap([v0Stats(head("10"), 45.1, 1, 3, 3.1)], (r, at) => {
      expect(ids(r), at).not.toContain("runtime/queue-with-free-kv");
      expect(r.facts.runtime?.waiting.max, at).toBe(3);
    });
  });
});

describe("V1 stats lines a terminal wrapped mid-word, among access lines (docker logs --timestamps)", () => {
  const lines = [
    "2025-11-02T03:14:10.511204881Z (APIServer pid=1) INFO 11-02 03:14:10 [loggers.py:123] Engine 000: Avg prompt throughput: 512.0 tokens/s, Avg generation throug",
    "hput: 611.4 tokens/s, Running: 27 reqs, Waiting: 0 reqs, GPU KV cache usage: 71.2%, Prefix cache hit rate: 30.5%",
    '2025-11-02T03:14:14.100338120Z (APIServer pid=1) INFO:     10.9.1.4:51220 - "GET /metrics HTTP/1.1" 200 OK',
    '2025-11-02T03:14:15.700912004Z (APIServer pid=1) INFO:     10.9.1.8:40118 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
    "2025-11-02T03:14:20.512008317Z (APIServer pid=1) INFO 11-02 03:14:20 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughpu",
    "t: 655.0 tokens/s, Running: 29 reqs, Waiting: 0 reqs, GPU KV cache usage: 74.0%, Prefix cache hit rate: 30.5%",
  ];
  it("joins each line with its rest and reads it once", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol) + eol);
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.runtime?.statsLines).toBe(2);
      expect(r.facts.runtime?.running.max).toBe(29);
      expect(r.facts.runtime?.gpuKvUsagePct.max).toBe(74);
      expect(r.facts.runtime?.generationThroughput.max).toBe(655);
      expect(r.facts.runtime?.http?.["2xx"]).toBe(2);
      expect(ids(r, "error")).toEqual([]);
    }
  });
});
