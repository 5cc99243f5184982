import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { banner, row, section } from "./helpers/serve-block.js";

/**
 * Shapes of a nineteenth round of real benchmark outputs, pasted outside vLLM's own threads: sglang's bench_serving
 * (a fork of benchmark_serving.py) pasted without its banner line, with rows and section names of its own; other
 * tools' summary tables (evalscope perf) that share row labels with the serve block; an nccl-tests device line cut
 * inside its bus id. Every text is written for the test in the printed layout (`{:<40} {:<10}`, section rules
 * `"{s:{c}^{n}}".format(s=header, n=50, c="-")`).
 */

/** sglang's rows above the latency sections (`Backend`, `Traffic request rate`, `Concurrency` have no serve key) */
const sglangHead = (pad: boolean) => [
  row("Backend:", "vllm", pad),
  row("Traffic request rate:", "128.0", pad),
  row("Max request concurrency:", "128", pad),
  row("Successful requests:", "512", pad),
  row("Benchmark duration (s):", "61.40", pad),
  row("Total input tokens:", "524288", pad),
  row("Total generated tokens:", "65536", pad),
  row("Total generated tokens (retokenized):", "65530", pad),
  row("Request throughput (req/s):", "8.34", pad),
  row("Input token throughput (tok/s):", "8538.76", pad),
  row("Output token throughput (tok/s):", "1067.36", pad),
  row("Total token throughput (tok/s):", "9606.12", pad),
  row("Concurrency:", "121.70", pad),
];
const sglangLatency = (pad: boolean) => [
  section("End-to-End Latency"),
  row("Mean E2E Latency (ms):", "14620.33", pad),
  row("Median E2E Latency (ms):", "14388.10", pad),
  section("Time to First Token"),
  row("Mean TTFT (ms):", "1210.45", pad),
  row("Median TTFT (ms):", "640.12", pad),
  row("P99 TTFT (ms):", "6120.98", pad),
  section("Inter-Token Latency"),
  row("Mean ITL (ms):", "52.70", pad),
  row("Median ITL (ms):", "21.03", pad),
  row("P95 ITL (ms):", "190.44", pad),
  row("P99 ITL (ms):", "201.87", pad),
  row("Max ITL (ms):", "880.02", pad),
];

describe("sglang's bench_serving block pasted without its banner line", () => {
  it("reads the latency sections past sglang's own rows (Concurrency, Max ITL), padded or not, LF or CRLF", async () => {
    for (const pad of [true, false]) {
      for (const eol of ["\n", "\r\n"]) {
        const text = ["# results of run A", ...sglangHead(pad), ...sglangLatency(pad), "", "LMCache INFO: Store 1792 tokens takes: 2.29 ms"].join(eol) + eol;
        const r = await analyzeText(text);
        const s = r.facts.bench!.serve!;
        expect([s.successfulRequests, s.durationS, s.requestThroughput, s.outputThroughput, s.totalTokenThroughput]).toEqual([512, 61.4, 8.34, 1067.36, 9606.12]);
        expect([s.meanTtftMs, s.medianTtftMs, s.p99TtftMs, s.meanItlMs, s.p99ItlMs]).toEqual([1210.45, 640.12, 6120.98, 52.7, 201.87]);
        expect([s.meanE2elMs, s.p95ItlMs, s.inputThroughput, s.totalGeneratedTokens]).toEqual([14620.33, 190.44, 8538.76, 65536]);
        expect(s.meanTpotMs).toBeNull();
        expect(s.complete).toBe(false);
        expect(s.runCount).toBe(1);
        expect(ids(r, "error")).toEqual([]);
      }
    }
  });

  it("ends the banner-less block at a line that is no row, and does not take rows with a unit after the number", async () => {
    const text = [...sglangHead(true).slice(3, 6), "Warmup time: 3.00 s", "Mean TTFT (ms):                          99.00"].join("\n") + "\n";
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect([s.successfulRequests, s.durationS, s.totalInputTokens]).toEqual([512, 61.4, 524288]);
    // (the TTFT row after `Warmup time: 3.00 s`, a row with a unit and no key here, is not this block's)
    expect(s.meanTtftMs).toBeNull();
  });

  it("reads a tail that starts at sglang's capitalised section rules", async () => {
    const text = sglangLatency(true).slice(3).join("\n") + "\n";
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect([s.meanTtftMs, s.p99TtftMs, s.meanItlMs]).toEqual([1210.45, 6120.98, 52.7]);
    expect(s.tailOnly).toBe(true);
  });
});

describe("other tools' summary tables that share the serve block's labels", () => {
  const rows: [string, string][] = [
    ["Time taken for tests (s)", "194.614"],
    ["Number of concurrency", "100"],
    ["Total requests", "500"],
    ["Succeed requests", "500"],
    ["Failed requests", "0"],
    ["Output token throughput (tok/s)", "3196.19"],
    ["Total token throughput (tok/s)", "3271.32"],
    ["Request throughput (req/s)", "2.5692"],
    ["Average latency (s)", "33.7728"],
  ];

  it("gives no serve facts for evalscope's markdown and grid summary tables", async () => {
    const markdown = ["Benchmarking summary:", "| Metrics | Value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
    const rule = `+${"-".repeat(35)}+${"-".repeat(11)}+`;
    const grid = ["Benchmarking summary:", rule, `| ${"Key".padEnd(33)} | ${"Value".padStart(9)} |`, rule.replace(/-/g, "="), ...rows.flatMap(([k, v]) => [`| ${k.padEnd(33)} | ${v.padStart(9)} |`, rule])];
    for (const lines of [markdown, grid]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.facts.bench?.serve ?? null).toBeNull();
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("still reads the serve block pasted as a markdown table (its Successful requests / Benchmark duration rows)", async () => {
    const text = ["| Metric | Value |", "|---|---|", "| Benchmark duration (s) | 45.10 |", "| Failed requests | 2 |", "| Request throughput (req/s) | 4.40 |", "| Mean TTFT (ms) | 88.20 |"].join("\n");
    const r = await analyzeText(`${text}\n`);
    const s = r.facts.bench!.serve!;
    expect([s.durationS, s.failedRequests, s.requestThroughput, s.meanTtftMs]).toEqual([45.1, 2, 4.4, 88.2]);
  });

  it("keeps a plain serve block with its banner as before (rows after an unknown row)", async () => {
    const text = [banner, row("Successful requests:", "64"), row("Benchmark duration (s):", "10.00"), row("Concurrency:", "7.10"), section("Time to First Token"), row("Mean TTFT (ms):", "50.00"), "=".repeat(50)].join("\n");
    const r = await analyzeText(`${text}\n`);
    const s = r.facts.bench!.serve!;
    expect([s.successfulRequests, s.durationS, s.meanTtftMs, s.complete]).toEqual([64, 10, 50, true]);
  });
});

describe("an nccl-tests device line cut inside its bus id", () => {
  it("counts the rank and takes no GPU name from the cut bus id (old and 2022+ device lines)", async () => {
    const dev = (r: number, host: string, d: number, old: boolean) =>
      old ? `#   Rank ${String(r).padStart(2)} Pid ${String(4100 + r).padStart(6)} on ${host} device ${String(d).padStart(2)} [0x1${d}] A100-SXM4-40GB` : `#  Rank ${String(r).padStart(2)} Group  0 Pid ${String(4100 + r).padStart(6)} on ${host} device ${String(d).padStart(2)} [0000:1${d}:00] NVIDIA H100 80GB HBM3`;
    for (const old of [true, false]) {
      const lines = [
        "# nThread 1 nGpus 1 minBytes 8 maxBytes 1048576 step: 2(factor) warmup iters: 5 iters: 20 validation: 1 ",
        "#",
        "# Using devices",
        dev(0, "node-a", 0, old),
        dev(1, "node-a", 1, old),
        dev(2, "node-b", 0, old),
        (old ? "#   Rank  3 Pid   4103 on node-b device  1 [0x1" : "#  Rank  3 Group  0 Pid   4103 on node-b device  1 [0000:1"),
      ];
      const r = await analyzeText(lines.join("\n") + "\n");
      const n = r.facts.bench!.ncclTests!;
      expect(n.ranks).toBe(4);
      expect(n.gpuNames).toEqual([old ? "A100-SXM4-40GB" : "NVIDIA H100 80GB HBM3"]);
      expect(n.hosts).toEqual(["node-a", "node-b"]);
    }
  });
});
