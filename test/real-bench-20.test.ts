import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { banner, row, section } from "./helpers/serve-block.js";
import { stall } from "./fixtures/runtime/logs.js";

/**
 * Shapes of a twentieth round of real benchmark outputs: a closing rule cut short by the paste, the `--save-result`
 * JSON echoed next to its block by a job script, another benchmark's result block in the serve layout (sglang's
 * `Offline Throughput Benchmark Result`), a banner pasted without any serve row, and notes that quote a benchmark's
 * stats lines out of time order. Every text is written for the test in the printed layout (`{:<40} {:<10}`,
 * `"{s:{c}^{n}}".format(...)`, the vLLM logger header).
 */

const head = (pad: boolean) => [
  banner,
  row("Successful requests:", "768", pad),
  row("Benchmark duration (s):", "121.44", pad),
  row("Total input tokens:", "3145728", pad),
  row("Total generated tokens:", "768", pad),
  row("Request throughput (req/s):", "6.32", pad),
  row("Output token throughput (tok/s):", "6.32", pad),
  row("Total Token throughput (tok/s):", "25910.47", pad),
];
const latency = (pad: boolean) => [
  section("Time to First Token"),
  row("Mean TTFT (ms):", "33120.50", pad),
  row("Median TTFT (ms):", "38004.12", pad),
  row("P99 TTFT (ms):", "40112.96", pad),
  section("Time per Output Token (excl. 1st token)"),
  row("Mean TPOT (ms):", "0.00", pad),
  row("Median TPOT (ms):", "0.00", pad),
  row("P99 TPOT (ms):", "0.00", pad),
  section("Inter-token Latency"),
  row("Mean ITL (ms):", "0.21", pad),
  row("Median ITL (ms):", "0.04", pad),
  row("P99 ITL (ms):", "1.80", pad),
  section("End-to-end Latency"),
  row("Mean E2EL (ms):", "33120.77", pad),
  row("Median E2EL (ms):", "38004.30", pad),
  row("P99 E2EL (ms):", "40113.21", pad),
];

describe("a closing rule that the paste cut short", () => {
  it("ends the block but does not make it complete; the whole 50-'=' rule does", async () => {
    for (const pad of [true, false]) {
      for (const [rule, complete] of [["=".repeat(50), true], ["=".repeat(40), false], ["=".repeat(23), false]] as const) {
        for (const eol of ["\n", "\r\n"]) {
          const r = await analyzeText([...head(pad), ...latency(pad), rule].join(eol) + eol);
          const s = r.facts.bench!.serve!;
          expect(s.complete).toBe(complete);
          expect([s.successfulRequests, s.durationS, s.totalTokenThroughput, s.meanTtftMs, s.p99TpotMs, s.p99ItlMs]).toEqual([768, 121.44, 25910.47, 33120.5, 0, 1.8]);
          expect(s.meanE2elMs).toBe(33120.77);
          expect(s.runCount).toBe(1);
          expect(ids(r, "error")).toEqual([]);
        }
      }
    }
  });

  it("reads a cut rule the same behind the `# ` of a block saved as shell comments", async () => {
    const text = [...head(true), ...latency(true)].map((l) => `# ${l}`).join("\n") + "\n# " + "=".repeat(36) + "\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect(s.complete).toBe(false);
    expect([s.successfulRequests, s.p99E2elMs]).toEqual([768, 40113.21]);
  });

  it("a script's own shorter '=' separator after a complete block leaves the block complete and starts nothing", async () => {
    const text = [...head(true), ...latency(true), "=".repeat(50), "", "=".repeat(40), "Testing input=8192 output=1024 rps=65", "=".repeat(40)].join("\n") + "\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect(s.complete).toBe(true);
    expect(s.runCount).toBe(1);
  });
});

describe("the --save-result JSON echoed next to its block", () => {
  const json = (completed: number, duration: number) =>
    JSON.stringify({ date: "20250530-203916", backend: "vllm", num_prompts: 768, request_rate: 30.0, burstiness: 1.0, max_concurrency: null, duration, completed,
      total_input_tokens: 3145728, total_output_tokens: 768, request_throughput: 6.3241, "request_goodput:": null, output_throughput: 6.3241,
      total_token_throughput: 25910.4711, mean_ttft_ms: 33120.4977, median_ttft_ms: 38004.1213, p99_ttft_ms: 40112.9588 }).replace(/,/g, ", ").replace(/:/g, ": ").replace(/: \/\//g, "://");

  it("is the same run, not a second one: the block's facts, one run", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const text = ["Running: python benchmark_serving.py --num-prompts 768 --save-result", ...head(false), ...latency(false), "=".repeat(50), "<<<RESULT_START>>>", json(768, 121.4398), "<<<RESULT_END>>>", "Appended results block for 30 QPS"].join(eol) + eol;
      const s = (await analyzeText(text)).facts.bench!.serve!;
      expect(s.runCount).toBe(1);
      expect(s.format).toBe("text");
      expect([s.successfulRequests, s.durationS, s.complete, s.numPromptsInCommand]).toEqual([768, 121.44, true, 768]);
    }
  });

  it("the JSON of another run (other request count or duration) still counts as one", async () => {
    for (const [completed, duration] of [[700, 121.4398], [768, 98.2]] as const) {
      const text = [...head(false), ...latency(false), "=".repeat(50), json(completed, duration)].join("\n") + "\n";
      const s = (await analyzeText(text)).facts.bench!.serve!;
      expect(s.runCount).toBe(2);
      expect(s.successfulRequests).toBe(768);
    }
  });

  it("a pretty-printed result file catted after the block (several lines, per-request arrays) is the same run too", async () => {
    const pretty = JSON.stringify({ backend: "vllm", duration: 121.437, completed: 768, total_input_tokens: 3145728, total_output_tokens: 768, request_throughput: 6.3242,
      output_throughput: 6.3242, total_token_throughput: 25910.6, mean_ttft_ms: 33120.51, input_lens: [4096, 4096], output_lens: [1, 1], ttfts: [33.1, 33.2], itls: [[], []],
      generated_texts: ["a", "b"], errors: ["", ""] }, null, 2);
    const text = [...head(true), ...latency(true), "=".repeat(50), "$ cat results.json", ...pretty.split("\n")].join("\n") + "\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect([s.runCount, s.format, s.successfulRequests, s.durationS]).toEqual([1, "text", 768, 121.44]);
  });

  it("a JSON file alone is one run read from the JSON", async () => {
    const s = (await analyzeText(json(768, 121.4398) + "\n", "result.json")).facts.bench!.serve!;
    expect([s.runCount, s.format, s.successfulRequests, s.durationS]).toEqual([1, "json", 768, 121.4398]);
  });
});

describe("another benchmark's result block in the serve layout", () => {
  /** sglang's bench_offline_throughput: its own banner, rows that share labels with the serve block */
  const offline = (pad: boolean, banner = "====== Offline Throughput Benchmark Result =======") => [
    banner,
    row("Backend:", "engine", pad),
    row("Successful requests:", "1000", pad),
    row("Benchmark duration (s):", "88.20", pad),
    row("Total input tokens:", "1529157", pad),
    row("Total generated tokens:", "1020175", pad),
    row("Last generation throughput (tok/s):", "98.10", pad),
    row("Request throughput (req/s):", "11.34", pad),
    row("Input token throughput (tok/s):", "17337.38", pad),
    row("Output token throughput (tok/s):", "11566.61", pad),
    row("Total token throughput (tok/s):", "28903.99", pad),
    "=".repeat(50),
  ];

  it("gives no serve result, padded or not, one block or two with labels between", async () => {
    for (const pad of [true, false]) {
      const text = ["Llama-70B(dp=2, tp=4)", ...offline(pad), "Llama-70B-FP8(dp=2, tp=4)", ...offline(pad), "Ll"].join("\n") + "\n";
      const r = await analyzeText(text);
      expect(r.facts.bench?.serve ?? null).toBeNull();
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("gives no serve result behind the `# ` of output saved as shell comments either, and a hashed serve block after it is read", async () => {
    const text = [...offline(true), ...head(true), ...latency(true), "=".repeat(50)].map((l) => `# ${l}`).join("\n") + "\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect([s.successfulRequests, s.durationS, s.runCount, s.complete]).toEqual([768, 121.44, 1, true]);
  });

  it("still reads a serve block that follows it, with or without the other block's closing rule", async () => {
    for (const closed of [true, false]) {
      const other = offline(true).slice(0, closed ? undefined : -1);
      const text = [...other, "", ...head(true), ...latency(true), "=".repeat(50)].join("\n") + "\n";
      const s = (await analyzeText(text)).facts.bench!.serve!;
      expect([s.successfulRequests, s.durationS, s.runCount, s.complete]).toEqual([768, 121.44, 1, true]);
    }
  });

  it("a serve block a user renamed (`Helion Serving Benchmark Result`) is still a serve block", async () => {
    const text = ["=========== Helion Serving Benchmark Result ============", ...head(true).slice(1), ...latency(true), "=".repeat(50)].join("\n") + "\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect([s.successfulRequests, s.runCount]).toEqual([768, 1]);
  });
});

describe("a banner pasted with no serve row under it", () => {
  it("is a serve result that is not complete (every contract key null), counted as a run", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const text = ["    0 +---------------------------------------------+", "      0      5      10     15     20", "", banner, row("Backend:", "sglang-oai", false), row("Traffic request rate:", "inf", true), "Max request concurrency"].join(eol) + eol;
      const r = await analyzeText(text);
      const s = r.facts.bench!.serve!;
      expect([s.complete, s.runCount, s.successfulRequests, s.durationS, s.meanTtftMs]).toEqual([false, 1, null, null, null]);
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("a second run's banner cut right below it counts as the second run; the first block's facts stay", async () => {
    const text = ["# before", ...head(true), ...latency(true), "=".repeat(50), "", "# after", banner].join("\n") + "\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect([s.runCount, s.successfulRequests, s.complete]).toEqual([2, 768, true]);
  });

  it("a banner quoted in prose with no block is no result", async () => {
    const r = await analyzeText("The tool prints `============ Serving Benchmark Result ============` and then the rows.\n");
    expect(r.facts.bench?.serve ?? null).toBeNull();
  });
});

describe("stats lines quoted out of time order (notes that piece several runs together)", () => {
  const v0 = (t: string, running: number) =>
    `INFO 08-27 ${t} metrics.py:406] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 75.3 tokens/s, Running: ${running} reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 9.2%, CPU KV cache usage: 0.0%.`;
  const later = "INFO 08-27 15:50:04 spec_decode_worker.py:773] SpecDecodeWorker stage times: average_time_per_proposal_tok_ms=3.17 scoring_time_ms=52.52";
  const earlier = "INFO 08-27 15:12:21 spec_decode_worker.py:773] SpecDecodeWorker stage times: average_time_per_proposal_tok_ms=3.39 scoring_time_ms=58.08";
  const result = ["Avg latency: 17.36865475117229 seconds", "10% percentile latency: 17.05709356125444 seconds", "99% percentile latency: 17.688288543568923 seconds"];

  it("does not call the stats lines stopped when a later line goes back before them", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const text = ["prefill:", ...result, "", v0("15:21:10", 6), "", "without cuda graph:", later, "", "batch:", ...result, "", earlier].join(eol) + eol;
      const r = await analyzeText(text);
      expect(ids(r)).not.toContain("runtime/stall");
      expect(r.facts.runtime!.statsStoppedEarly).toBe(false);
      expect(r.facts.bench!.latency!.avgLatencyS).toBe(17.36865475117229);
    }
  });

  it("still calls them stopped when the log only goes forward (the same lines without the earlier one)", async () => {
    const text = ["prefill:", ...result, "", v0("15:21:10", 6), "", "without cuda graph:", later].join("\n") + "\n";
    const r = await analyzeText(text);
    expect(ids(r, "error")).toContain("runtime/stall");
    expect(r.facts.runtime!.statsStoppedEarly).toBe(true);
  });

  it("keeps a zero-throughput stretch, and drops only the stopped-early part, in a V1 server log with a line from before it appended", async () => {
    const base = stall("v1-0.10");
    const before = "(APIServer pid=1) INFO 08-19 09:58:00 [api_server.py:1880] vLLM API server version 0.10.1.1\n";
    const f = (await analyzeText(base + before)).findings.filter((x) => x.ruleId === "runtime/stall");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/requests were running but the engine produced no prompt or generation tokens/);
    expect(f[0].message).not.toContain("the stats lines stop at line");
    const g = (await analyzeText(base)).findings.filter((x) => x.ruleId === "runtime/stall");
    expect(g[0].message).toContain("the stats lines stop at line");
  });

  it("still judges the stop when the lines that step back are another node's clock in another time zone (whole hours, half hours)", async () => {
    const lines = stall("v1-0.10").split("\n");
    const at = lines.findIndex((l) => l.includes("10:06:05"));
    for (const [stamp, zone] of [["02:06:09", "UTC-8h"], ["04:36:07", "UTC-5h30"], ["11:06:06", "UTC+1h"]] as const) {
      const worker = `(RayWorkerWrapper pid=412, ip=10.0.0.2) INFO 08-19 ${stamp} [custom_all_reduce.py:210] Registering 4 cuda graph addresses (${zone})`;
      const text = [...lines.slice(0, at + 1), worker, ...lines.slice(at + 1)].join("\n");
      const f = (await analyzeText(text)).findings.filter((x) => x.ruleId === "runtime/stall");
      expect(f).toHaveLength(1);
      expect(f[0].message).toContain("the stats lines stop at line");
    }
  });
});

describe("the same shapes behind a log wrapper (kubectl --timestamps, docker compose)", () => {
  const wrappers: Array<(l: string) => string> = [(l) => `2025-05-30T20:38:10.123456789Z ${l}`, (l) => `bench-1  | ${l}`];
  const offline = [
    "====== Offline Throughput Benchmark Result =======",
    row("Successful requests:", "1000", true),
    row("Benchmark duration (s):", "88.20", true),
    row("Request throughput (req/s):", "11.34", true),
    "=".repeat(50),
  ];
  it("reads a cut closing rule, ignores the offline block and folds the JSON echo, line by line behind the wrapper", async () => {
    for (const w of wrappers) {
      const echo = JSON.stringify({ completed: 768, duration: 121.4423, request_throughput: 6.3239, total_input_tokens: 3145728, total_token_throughput: 25910.1 });
      const lines = [...offline, "", ...head(true), ...latency(true), "=".repeat(50), echo, "", ...head(false), ...latency(false), "=".repeat(44)];
      const bench = (await analyzeText(lines.map(w).join("\n") + "\n")).facts.bench!;
      const s = bench.serve!;
      expect([s.successfulRequests, s.durationS, s.complete, s.runCount]).toEqual([768, 121.44, true, 2]);
      const runs = bench.runs!.filter((r) => r.kind === "serve");
      expect(runs.map((r) => [r.values.format, r.values.complete])).toEqual([["text", true], ["text", false]]);
    }
  });
});
