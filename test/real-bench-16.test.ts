import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Shapes of a sixteenth round of real benchmark outputs: a serve result whose paste begins with the tail of an
 * earlier run (from a metric section down, or from a request row the tail reader skips) and goes on into a whole
 * block with its banner. Every text is written for the test in serve.py's layout (`{:<40} {:<10.2f}`, section rules
 * `"{s:{c}^{n}}".format(s=header, n=50, c="-")`), under wrappers the real pastes did not have; the facts are exact.
 */

const row = (label: string, value: string, pad = true) => `${label.padEnd(40)} ${pad ? value.padEnd(10) : value}`;
const section = (name: string) => {
  const left = Math.floor((50 - name.length) / 2);
  return "-".repeat(left) + name + "-".repeat(50 - left - name.length);
};
const banner = "============ Serving Benchmark Result ============";

describe("a serve paste that starts with an earlier run's tail and goes on into a whole block", () => {
  it("reads the bannered block, not the tail, behind a script's own 40-'=' echo lines (kubectl timestamps)", async () => {
    const tail = [
      row("P90 ITL (ms):", "31.50"),
      row("P99 ITL (ms):", "77.02"),
      section("End-to-end Latency"),
      row("Mean E2EL (ms):", "20410.66"),
      row("Median E2EL (ms):", "19876.10"),
      row("P99 E2EL (ms):", "30555.91"),
      "=".repeat(50),
    ];
    const next = [
      banner,
      row("Successful requests:", "480"),
      row("Failed requests:", "0"),
      row("Request rate configured (RPS):", "24.00"),
      row("Benchmark duration (s):", "41.27"),
      row("Request throughput (req/s):", "11.63"),
      row("Output token throughput (tok/s):", "2977.40"),
      "Total token throughput",
    ];
    const lines = [...tail, "", "=".repeat(40), "rate=24 prompts=480", "=".repeat(40), ...next];
    const text = lines.map((l, i) => `2026-03-02T10:00:${String(i).padStart(2, "0")}.000000000Z ${l}`).join("\n") + "\n";
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect(s.successfulRequests).toBe(480);
    expect(s.failedRequests).toBe(0);
    expect(s.durationS).toBe(41.27);
    expect(s.requestThroughput).toBe(11.63);
    expect(s.outputThroughput).toBe(2977.4);
    expect(s.totalTokenThroughput).toBeNull();
    expect(s.p99ItlMs).toBeNull();
    expect(s.complete).toBe(false);
    expect(s.runCount).toBe(2);
    // the tail is still a run of its own, marked as a tail
    const runs = r.facts.bench!.runs.filter((x) => x.kind === "serve");
    expect(runs.map((x) => x.values.tailOnly ?? false)).toEqual([true, false]);
    expect(runs[0].values.p99E2elMs).toBe(30555.91);
  });

  it("skips request rows above the tail's first section and reads the next block (unpadded, CRLF, compose prefix)", async () => {
    const tail = [
      row("Maximum request concurrency:", "4", false),
      row("Benchmark duration (s):", "88.10", false),
      row("Request throughput (req/s):", "2.27", false),
      section("Time to First Token"),
      row("Mean TTFT (ms):", "55.10", false),
      row("P99 TTFT (ms):", "140.00", false),
      section("Inter-token Latency"),
      row("Mean ITL (ms):", "6.02", false),
      row("P99 ITL (ms):", "9.75", false),
      "=".repeat(50),
    ];
    const next = [banner, row("Successful requests:", "200", false), row("Failed requests:", "0", false), row("Maximum request concurrency:", "4", false), row("Benchmark duration (s):", "86.92", false), "Total generated tokens:"];
    const text = [...tail, "", ...next].map((l) => `bench-1  | ${l}`).join("\r\n") + "\r\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect(s.successfulRequests).toBe(200);
    expect(s.durationS).toBe(86.92);
    expect(s.maxRequestConcurrency).toBe(4);
    expect(s.meanTtftMs).toBeNull();
    expect(s.requestThroughput).toBeNull();
    expect(s.runCount).toBe(2);
  });

  it("still reads the first tail when no block has a banner (two tails)", async () => {
    const a = [section("Time per Output Token (excl. 1st token)"), row("Mean TPOT (ms):", "12.50"), row("P99 TPOT (ms):", "20.00"), "=".repeat(50)];
    const b = [section("Time per Output Token (excl. 1st token)"), row("Mean TPOT (ms):", "8.00", false), row("P99 TPOT (ms):", "9.00", false)];
    const s = (await analyzeText([...a, "", ...b].join("\n") + "\n")).facts.bench!.serve!;
    expect(s.meanTpotMs).toBe(12.5);
    expect(s.p99TpotMs).toBe(20);
    expect(s.runCount).toBe(2);
  });
});
