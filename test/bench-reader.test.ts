import { describe, expect, it } from "vitest";
import { createReadStream, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBenchReader } from "../src/events/read-bench.js";
import { benchDomain } from "../src/facts/bench.js";
import { toRecord } from "../src/records/peel.js";
import { readLines } from "../src/input/lines.js";
import { digestJsonStream } from "../src/input/json-digest.js";
import type { Event } from "../src/events/index.js";

const FIX = join(import.meta.dirname, "fixtures", "bench");

/** The bench reader alone over a file (bytes -> digest -> lines -> records), then the bench facts. */
async function benchOf(path: string) {
  const reader = createBenchReader();
  const state = benchDomain.init();
  const events: Event[] = [];
  const emit = (e: Event) => {
    events.push(e);
    benchDomain.reduce(state, e);
  };
  for await (const batch of readLines(digestJsonStream(createReadStream(path)))) {
    let n = batch.firstLine;
    for (const line of batch.lines) {
      if (line) reader.read(toRecord(path, 0, n, line), emit);
      n++;
    }
  }
  reader.end?.(emit);
  return { ...benchDomain.finalize(state), events };
}

describe("bench reader: vllm bench serve", () => {
  it("reads the 2026 block with failure dump, E2EL, P99.9 and speculative decoding, between server log lines", async () => {
    const { facts, sources, missing } = await benchOf(join(FIX, "serve-2026-failed-spec.log"));
    expect(facts.serve).toMatchObject({
      successfulRequests: 197, failedRequests: 3, durationS: 61.4, requestThroughput: 3.21, outputThroughput: 821.37,
      totalTokenThroughput: 4106.84, meanTtftMs: 412.55, medianTtftMs: 380.02, p99TtftMs: 1210.75, meanTpotMs: 17.91,
      p99TpotMs: 22.46, meanItlMs: 17.85, p99ItlMs: 41.2, maxRequestConcurrency: 16, peakOutputThroughput: 1104,
      peakConcurrentRequests: 16, p99_9TtftMs: 1480.1, p99E2elMs: 7012.3, specAcceptanceRatePct: 71.25, specPosition1AcceptancePct: 70.42,
      complete: true, numPromptsInCommand: 200, maxConcurrencyInCommand: 16, failureDump: true, format: "text", runCount: 1,
    });
    expect(sources["bench.serve"].line).toBe(14);
    expect(missing).toEqual([]);
  });

  it("reads the banner-less 2024-02 layout; absent rows are null and listed as missing", async () => {
    const { facts, missing } = await benchOf(join(FIX, "serve-2024-02-no-banner.txt"));
    expect(facts.serve).toMatchObject({ successfulRequests: 1000, durationS: 212.077467, requestThroughput: 4.72, inputThroughput: 1171, outputThroughput: 934.91, p99TpotMs: 60.46, totalTokenThroughput: null, meanItlMs: null, complete: false });
    expect(missing.map((m) => m.fact)).toEqual(["bench.serve.failedRequests", "bench.serve.totalTokenThroughput", "bench.serve.meanItlMs", "bench.serve.p99ItlMs"]);
  });

  it("reads a `# `-commented block and a stripped, cut one: first in facts, both in runs", async () => {
    const { facts } = await benchOf(join(FIX, "serve-two-runs-hashed-stripped.txt"));
    expect(facts.serve).toMatchObject({ successfulRequests: 64, p99TtftMs: 700.25, complete: true, runCount: 2 });
    expect(facts.runs.map((r) => [r.kind, r.line, r.values.complete, r.values.requestThroughput])).toEqual([
      ["serve", 2, true, 2.12],
      ["serve", 16, false, 2.34],
    ]);
    expect(facts.runs[1].values.p99TtftMs).toBeNull();
  });

  it("reads a --save-result JSON of more than 1 MB on one line, with its errors counted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-json-"));
    const path = join(dir, "vllm-infqps-concurrency8-Llama-3.1-8B-20260301-101500.json");
    const n = 400;
    const doc = {
      date: "20260301-101500", endpoint_type: "openai", backend: "vllm", label: null, model_id: "meta-llama/Llama-3.1-8B", tokenizer_id: "meta-llama/Llama-3.1-8B",
      num_prompts: n, request_rate: "inf", burstiness: 1.0, max_concurrency: 8, duration: 80.25, completed: n - 2, failed: 2,
      total_input_tokens: 409600, total_output_tokens: 51200, request_throughput: 4.96, request_goodput: null, output_throughput: 638.0,
      total_token_throughput: 5741.9, max_output_tokens_per_s: 760.0, max_concurrent_requests: 8, mean_ttft_ms: 120.5, median_ttft_ms: 110.25,
      std_ttft_ms: 30.1, p99_ttft_ms: 350.75, mean_tpot_ms: 12.5, median_tpot_ms: 12.25, std_tpot_ms: 1.5, p99_tpot_ms: 16.5,
      mean_itl_ms: 12.4, median_itl_ms: 11.9, std_itl_ms: 4.2, p99_itl_ms: 33.3,
      input_lens: Array(n).fill(1024), output_lens: Array(n).fill(128), ttfts: Array(n).fill(0.12),
      itls: Array.from({ length: n }, () => Array(127).fill(0.0124)), generated_texts: Array(n).fill("lorem ipsum ".repeat(100)),
      errors: Array.from({ length: n }, (_, i) => (i === 17 || i === 300 ? "Server disconnected" : "")),
    };
    writeFileSync(path, JSON.stringify(doc));
    const { facts } = await benchOf(path);
    expect(facts.serve).toMatchObject({
      successfulRequests: 398, failedRequests: 2, durationS: 80.25, outputThroughput: 638, p99TtftMs: 350.75, p99ItlMs: 33.3,
      maxRequestConcurrency: 8, requestRate: "inf", peakOutputThroughput: 760, goodputKey: "request_goodput", errorsNonempty: 2,
      modelId: "meta-llama/Llama-3.1-8B", format: "json",
    });
    expect(facts.serve?.detailedArrays).toEqual(["errors", "generated_texts", "input_lens", "itls", "output_lens", "ttfts"]);
  });
});

describe("bench reader: vllm bench throughput / latency", () => {
  it("reads the throughput line with token totals and the latency lines, dropping a percentile cut before `seconds`", async () => {
    const { facts } = await benchOf(join(FIX, "offline.txt"));
    expect(facts.throughput).toEqual({ requestsPerS: 24.18, totalTokensPerS: 11064.98, outputTokensPerS: 4956.12, lineFormat: "requests+total+output", totalPromptTokens: 253452, totalOutputTokens: 204964, format: "text", runCount: 1 });
    expect(facts.latency).toMatchObject({ avgLatencyS: 1.2503617, percentilesS: { "10": 1.2401, "50": 1.2499 }, p50LatencyS: 1.2499 });
    expect(facts.latency).not.toHaveProperty("p99LatencyS");
  });

  it("reads --output-json files of both (indented JSON over several lines)", async () => {
    expect((await benchOf(join(FIX, "throughput.json"))).facts.throughput).toMatchObject({ requestsPerS: 24.18, totalTokensPerS: 11086.24, outputTokensPerS: null, elapsedTimeS: 41.35, format: "json" });
    const lat = (await benchOf(join(FIX, "latency.json"))).facts.latency;
    expect(lat).toMatchObject({ avgLatencyS: 0.8123, p99LatencyS: 0.8146, iterations: 2, format: "json" });
  });
});

describe("bench reader: nccl-tests", () => {
  it("reads a two-node mpirun table: hosts, GPUs, #wrong, FAILED out-of-bounds, NCCL lines between rows", async () => {
    const { facts, events } = await benchOf(join(FIX, "nccltests-2node-wrong.log"));
    expect(facts.ncclTests).toMatchObject({
      collective: "all_reduce_perf", ranks: 4, avgBusbwGBs: 1.7125, maxBusbwGBs: 1.77, wrongTotal: 15, outOfBoundsOk: false, outOfBoundsCount: 2,
      largeSizeBusbwGBs: 1.77, hosts: ["node-a1", "node-b7"], nodes: 2, processes: 4, gpuNames: ["NVIDIA H100 80GB HBM3"], rowsComplete: 6,
      ncclTestsVersion: "2.17.6", ncclVersion: "2.28.3", errorColumn: "#wrong", complete: true,
    });
    const rows = facts.ncclTests?.rows as { sizeBytes: number; outOfPlace: { busbwGBs: number; wrong: number }; inPlace: { wrong: number } }[];
    expect(rows.map((r) => [r.sizeBytes, r.outOfPlace.busbwGBs, r.outOfPlace.wrong, r.inPlace.wrong])[2]).toEqual([16777216, 1.76, 12, 0]);
    expect(events.filter((e) => e.kind === "bench.ncclTestsDevice").map((e) => (e as { host: string; rank: number }).host + "/" + (e as { rank: number }).rank)).toEqual(["node-a1/0", "node-a1/1", "node-b7/2", "node-b7/3"]);
  });

  it("splits two old-era runs (error column, no root, all_gather without redop) and takes collectives from the commands", async () => {
    const { facts } = await benchOf(join(FIX, "nccltests-two-runs-old.txt"));
    expect(facts.runs.map((r) => [r.values.collective, r.values.ranks, r.values.maxBusbwGBs, r.values.avgBusbwGBs, r.values.wrongTotal, r.values.errorColumn, r.values.stepBytes])).toEqual([
      ["all_gather_perf", 2, 24.16, 23.3575, null, "error", null],
      ["broadcast_perf", 2, 92.96, 93.04, null, "error", 1048576],
    ]);
    const first = (facts.ncclTests?.rows as { redop: string; outOfPlace: { maxDeviation: number | null } }[])[0];
    expect(first.redop).toBe("");
    expect(first.outOfPlace.maxDeviation).toBeNull();
  });

  it("yields nothing from a plain server log: no bench facts, no missing entries", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-plain-"));
    const path = join(dir, "server.log");
    writeFileSync(path, "INFO 05-02 11:20:31 [core.py:61] Initializing a V1 LLM engine\nMaximum concurrency for 4096 tokens per request: 12.5x\nThroughput warning: none\n# a comment\n");
    const { facts, missing } = await benchOf(path);
    expect([facts.serve, facts.throughput, facts.latency, facts.ncclTests, facts.runs.length]).toEqual([null, null, null, null, 0]);
    expect(missing).toEqual([]);
  });
});
