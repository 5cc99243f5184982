import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in real benchmark pastes (round 39b) that the tool read wrong. Every text here is written for the test
 * in the printed layout (hosts, pids and values are made up); the facts and findings checked are exact.
 */

const text = (lines: string[]) => lines.join("\n") + "\n";

/** the same lines behind `kubectl logs --timestamps`, a docker compose prefix, and with CRLF line ends */
const wrapped = (lines: string[]): string[] => [
  text(lines.map((l, i) => `2026-03-04T05:06:${String(10 + i).padStart(2, "0")}.123456789Z ${l}`)),
  text(lines.map((l) => `bench-1  | ${l}`)),
  text(lines).replace(/\n/g, "\r\n"),
];

// two rows of `vllm bench serve`'s block quoted alone (no banner, no request rows), the second with the writer's note
const TWO_ROWS = [
  "Output token throughput (tok/s):         512.40",
  "Peak output token throughput (tok/s):    140.00   <-- below the mean",
];

const BLOCK = [
  "============ Serving Benchmark Result ============",
  "Successful requests:                     64",
  "Failed requests:                         0",
  "Benchmark duration (s):                  12.50",
  "Total input tokens:                      65536",
  "Total generated tokens:                  8192",
  "Request throughput (req/s):              5.12",
  "Output token throughput (tok/s):         655.36",
  "Total token throughput (tok/s):          5898.24",
  "---------------Time to First Token----------------",
  "Mean TTFT (ms):                          210.00",
  "Median TTFT (ms):                        190.00",
  "P99 TTFT (ms):                           480.00",
  "==================================================",
];

describe("rows of the serve block quoted without its banner or request rows", () => {
  it("are read as a part of a result: the rows' values, the rest null", async () => {
    const r = await analyzeText(text(TWO_ROWS));
    const s = r.facts.bench.serve!;
    expect([s.outputThroughput, s.peakOutputThroughput, s.successfulRequests, s.requestThroughput, s.meanTtftMs]).toEqual([512.4, 140, null, null, null]);
    expect(r.verdict).toBe("Healthy: benchmark: 512.4 output tokens/s (rows of a result block without its request rows).");
    expect(r.summary.errors).toBe(0);
  });

  it("reads the same behind kubectl --timestamps, a compose prefix and with CRLF", async () => {
    for (const v of wrapped(TWO_ROWS)) {
      const r = await analyzeText(v);
      expect([r.facts.bench.serve?.outputThroughput, r.facts.bench.serve?.peakOutputThroughput]).toEqual([512.4, 140]);
    }
  });

  it("one such row alone (a sentence may quote one), or a row with no unit, is no result", async () => {
    for (const lines of [[TWO_ROWS[0]], ["Total input tokens:                      65536", "Total generated tokens:                  8192"]]) {
      const r = await analyzeText(text(["The run printed:", ...lines, "and then stopped."]));
      expect(r.facts.bench.serve).toBeNull();
    }
  });

  it("yield to a whole block in the same text, which gives the headline facts", async () => {
    const r = await analyzeText(text([...TWO_ROWS, "", ...BLOCK]));
    const s = r.facts.bench.serve!;
    expect([s.successfulRequests, s.outputThroughput, s.meanTtftMs, s.complete]).toEqual([64, 655.36, 210, true]);
    expect(r.facts.bench.runs.filter((x) => x.kind === "serve").map((x) => x.line)).toEqual([1, 4]);
  });

  it("a tail from a metric section down says what it holds in the verdict", async () => {
    const r = await analyzeText(text(["-----Time per Output Token (excl. 1st token)------", "Mean TPOT (ms):                          18.20", "P99 TPOT (ms):                           40.10", "=================================================="]));
    expect(r.facts.bench.serve?.meanTpotMs).toBe(18.2);
    expect(r.verdict).toBe("Healthy: benchmark: mean TPOT 18.2 ms (rows of a result block without its request rows).");
  });
});

// nccl-tests with NCCL_DEBUG=WARN on two GPUs of one process: both threads print the same benign topology WARN, and the
// window of the paste ends inside the second one (NCCL 2.5-2.12 graph/search.cc: no path, a simple ring instead)
const CUT_COPY = [
  "# nThread 1 nGpus 2 minBytes 8 maxBytes 1048576 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
  "#",
  "# Using devices",
  "#  Rank  0 Group  0 Pid  40211 on    box-one device  0 [0x05] NVIDIA GeForce RTX 3060",
  "#  Rank  1 Group  0 Pid  40211 on    box-one device  1 [0x0a] NVIDIA GeForce RTX 3060",
  "NCCL version 2.12.12+cuda11.7",
  "",
  "box-one:40211:40230 [1] graph/search.cc:885 NCCL WARN Could not find a path for pattern 2, falling back to simple order",
  "",
  "box-one:40211:40229 [0] graph/search.cc:885 NCCL WARN Could not find a path for pat",
];

describe("a benign NCCL WARN cut inside a word, after a whole copy from the same call site", () => {
  it("is that benign WARN: no error finding, no first error", async () => {
    const r = await analyzeText(text(CUT_COPY));
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.nccl.firstWarn?.line).toBe(8);
    expect(r.facts.bench.ncclTests?.ranks).toBe(2);
  });

  it("reads the same behind kubectl --timestamps, a compose prefix and with CRLF", async () => {
    for (const v of wrapped(CUT_COPY)) {
      const r = await analyzeText(v);
      expect(ids(r, "error")).toEqual([]);
      expect(r.facts.firstError).toBeNull();
    }
  });

  it("stays an NCCL error alone, from another call site, or when it is not cut inside a word", async () => {
    const whole = CUT_COPY[7];
    const cut = CUT_COPY[9];
    for (const [lines, line] of [
      [[...CUT_COPY.slice(0, 6), "", cut], 8],
      [[...CUT_COPY.slice(0, 9), cut.replace("search.cc:885", "search.cc:901")], 10],
      [[...CUT_COPY.slice(0, 9), cut.replace(/ pat$/, "")], 10],
      // (the copy before the whole one: the reader has not seen the benign record yet)
      [[...CUT_COPY.slice(0, 6), "", cut, "", whole], 8],
    ] as const) {
      const r = await analyzeText(text([...lines]));
      expect(ids(r, "error")).toEqual(["nccl/error"]);
      expect(r.facts.firstError?.line).toBe(line);
    }
  });
});
