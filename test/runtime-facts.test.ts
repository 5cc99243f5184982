import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, mergeAnalyses, mergeableStateOf, type MergeableState } from "../src/analyze.js";
import { histAdd, histMerge, newHist, percentiles, HIST_EXACT_KEYS } from "../src/facts/runtime.js";
import { analyzeText } from "./rules/analyze-text.js";
import { ROOT } from "./helpers/cli.js";
import { healthy, kvPressure, serverLog, smallBatchTp, stall, ticks, wrongModel } from "./fixtures/runtime/logs.js";

const runtimeOf = async (text: string) => (await analyzeText(text)).facts.runtime;
const P = (min: number, median: number, p95: number, max: number) => ({ min, median, p95, max });

describe("facts.runtime: the stats line of every version", () => {
  it("V0 0.5 (`Swapped` / `Pending`, 5 s), with requests and access lines", async () => {
    const r = await runtimeOf(wrongModel("v0.5"));
    expect(r).toMatchObject({
      statsLines: 8, spanS: 35, intervalS: 5,
      running: P(2, 2, 2, 2), waiting: P(0, 0, 0, 0), gpuKvUsagePct: P(5, 5, 5, 5),
      promptThroughput: P(100, 100, 100, 100), generationThroughput: P(200, 200, 200, 200),
      kvFullShare: 0, preemptions: 0, prefixCacheHitRatePct: null,
      requests: { received: 12, finished: 12, aborted: 0 }, addedRequests: 12,
      http: { "2xx": 12, "4xx": 12, "5xx": 0 }, httpStatus: { "200": 12, "404": 12 },
      unknownModels: { "gpt-4": 12 }, stalls: [], statsStoppedEarly: false, engines: null, exact: true,
    });
  });

  it("V1 0.8 (`Engine 000:`), 0.10 (`(APIServer pid=N)`) and the newest form (`Preemptions:`)", async () => {
    expect(await runtimeOf(smallBatchTp("v1-0.8"))).toMatchObject({
      statsLines: 24, spanS: 230, running: P(1, 1, 2, 2), gpuKvUsagePct: P(0.4, 0.5, 0.6, 0.6), generationThroughput: P(38, 39, 40, 40),
      preemptions: null, prefixCacheHitRatePct: P(41, 41, 41, 41), engines: 1, requests: { received: 6, finished: 0, aborted: 0 },
    });
    expect(await runtimeOf(healthy("v1-0.10"))).toMatchObject({
      statsLines: 30, spanS: 290, running: P(20, 24, 30, 30), waiting: P(0, 0, 0, 0), gpuKvUsagePct: P(30, 44, 58, 59), preemptions: null,
      http: { "2xx": 20, "4xx": 0, "5xx": 0 }, busyShare: 1, smallBatchShare: 0,
    });
    const newest = await runtimeOf(kvPressure("newest"));
    expect(newest).toMatchObject({
      statsLines: 20, running: P(10, 14, 14, 14), waiting: P(0, 7, 10, 10), gpuKvUsagePct: P(60, 97, 99, 99), kvFullShare: 0.8, preemptions: 10,
      prefixCacheHitRatePct: P(22.5, 22.5, 22.5, 22.5), waitingFullKvLines: 16, waitingFreeKvLines: 0,
    });
  });

  it("V0 preemption warnings: the largest cumulative count, under either key", async () => {
    expect((await runtimeOf(kvPressure("v0.6")))?.preemptions).toBe(101);
    const other = kvPressure("v0.5").replace(/total_num_cumulative_preemption=/g, "total_cumulative_preemption_cnt=");
    expect((await runtimeOf(other))?.preemptions).toBe(101);
  });

  it("reads each version's variants: no final dot (0.4), the missing comma (V1 0.7.1), aggregated DP, extra fields, spec decoding", async () => {
    const text = [
      "INFO 07-25 10:11:12 llm_engine.py:706] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 12.5 tokens/s, Running: 1 reqs, Swapped: 0 reqs, Pending: 3 reqs, GPU KV cache usage: 4.2%, CPU KV cache usage: 0.0%",
      "INFO 07-25 10:11:17 metrics.py:295] Prefix cache hit rate: GPU: 33.33%, CPU: 0.00%",
      "INFO 07-25 10:11:22 loggers.py:78] Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 7 reqs, Waiting: 2 reqs GPU KV cache usage: 5.0%.",
      "(APIServer pid=9) INFO 07-25 10:11:32 [loggers.py:248] 4 Engines Aggregated: Avg prompt throughput: 10.0 tokens/s, Avg generation throughput: 20.0 tokens/s, Running: 40 reqs, Waiting: 0 reqs, Deferred: 3 reqs, Preemptions: 5, GPU KV cache usage: 50.0%, Prefix cache hit rate: 10.0%, Corrupted: 0 reqs, External prefix cache hit rate: 2.0%, MM cache hit rate: 1.0%",
      "(APIServer pid=9) INFO 07-25 10:11:32 [metrics.py:96] SpecDecoding metrics: Mean acceptance length: 2.71, Accepted throughput: 51.20 tokens/s, Drafted throughput: 90.10 tokens/s, Accepted: 512 tokens, Drafted: 901 tokens, Per-position acceptance rate: 0.812, 0.603, 0.411, Avg Draft acceptance rate: 56.8%",
      "INFO 07-25 10:11:40 [async_llm.py:411] Aborted request(s) cmpl-1,cmpl-2,cmpl-3.",
      "INFO 07-25 10:11:41 [metrics.py:80] SpecDecoding metrics: Draft acceptance rate: 61.2%, Accepted: 612 tokens, Drafted: 1000 tokens",
      "INFO 07-25 10:11:42 metrics.py:394] Speculative metrics: Draft acceptance rate: 0.651, System efficiency: 0.570, Number of speculative tokens: 4, Number of accepted tokens: 651, Number of draft tokens: 1000, Number of emitted tokens: 1141.",
    ].join("\n");
    expect(await runtimeOf(text)).toMatchObject({
      statsLines: 3, spanS: 20, running: P(1, 7, 40, 40), waiting: P(0, 2, 3, 3), gpuKvUsagePct: P(4.2, 5, 50, 50),
      preemptions: 5, prefixCacheHitRatePct: P(10, 10, 33.33, 33.33), specAcceptanceRatePct: P(56.8, 61.2, 65.1, 65.1), engines: 4,
      requests: { received: 0, finished: 0, aborted: 3 },
    });
  });

  it("keeps the same facts through wrappers: docker compose, kubectl timestamps, ANSI colour, CRLF", async () => {
    const plain = stall("v1-0.10");
    const strip = (r: unknown) => JSON.parse(JSON.stringify(r, (k, v) => (k === "text" || k === "file" ? undefined : v)));
    const base = strip(await runtimeOf(plain));
    const lines = plain.trimEnd().split("\n");
    const variants = [
      lines.map((l) => `vllm-1  | ${l}`),
      lines.map((l, i) => `2025-08-19T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000000000Z ${l}`),
      lines.map((l) => l.replace(/^(\(\w+ pid=\d+\) )?INFO /, "$1\x1b[32mINFO\x1b[0m ")),
    ];
    for (const v of variants) expect(strip(await runtimeOf(v.join("\n") + "\n"))).toEqual(base);
    expect(strip(await runtimeOf(plain.replace(/\n/g, "\r\n")))).toEqual(base);
    expect(base).toMatchObject({ statsLines: 18, stalls: [{ statsLines: 8, seconds: 70 }], statsStoppedEarly: true });
  });

  it("without vLLM timestamps: counts and distributions, spanS null (with a missing entry)", async () => {
    const text = ticks(4, (i) => `Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: ${i}.0 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 1.0%, CPU KV cache usage: 0.0%.`).join("\n");
    const report = await analyzeText(text);
    expect(report.facts.runtime).toMatchObject({ statsLines: 4, spanS: null, generationThroughput: P(0, 1, 3, 3), series: null, statsStoppedEarly: false });
    expect(report.facts.missing.map((m) => m.fact)).toContain("runtime.spanS");
  });

  it("a log across New Year: the span runs on", async () => {
    const text = serverLog({ era: "v1-0.10", start: Date.UTC(2025, 11, 31, 23, 59, 0), ticks: ticks(12, () => ({ prompt: 1, gen: 1, running: 1, waiting: 0, kv: 1 })) });
    expect((await runtimeOf(text))?.spanS).toBe(110);
  });

  it("samples/server-kv-pressure.log: the README's sample", async () => {
    const { report } = await analyze([join(ROOT, "samples", "server-kv-pressure.log")]);
    expect(report.facts.runtime).toMatchObject({
      statsLines: 30, spanS: 290, intervalS: 10, running: P(10, 24, 26, 26), waiting: P(0, 7, 14, 14), gpuKvUsagePct: P(35, 96, 99.6, 99.6),
      generationThroughput: P(1400, 1650, 1710, 1710), kvFullShare: 0.6, preemptions: 21, requests: { received: 51, finished: 0, aborted: 0 },
      http: { "2xx": 49, "4xx": 2, "5xx": 0 }, stalls: [], statsStoppedEarly: false,
    });
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([["runtime/kv-cache-pressure", "warning"], ["runtime/client-errors", "warning"]]);
  });

  it("is null, with a missing entry, for a start-up log", async () => {
    const report = await analyzeText("INFO 08-19 10:00:00 [api_server.py:1805] vLLM API server version 0.10.1\n");
    expect(report.facts.runtime).toBeNull();
    expect(report.facts.missing.find((m) => m.fact === "runtime")?.why).toMatch(/no periodic stats lines/);
  });
});

describe("facts.runtime: bounded and mergeable", () => {
  const tmp = mkdtempSync(join(tmpdir(), "vd-runtime-"));
  const viaJson = (s: MergeableState): MergeableState => JSON.parse(JSON.stringify(s));
  const write = (name: string, text: string) => {
    const f = join(tmp, name);
    writeFileSync(f, text);
    return f;
  };

  it("merge(analyze(A), analyze(B)) equals analyze(A, B), associatively, stalls and preemptions included", async () => {
    const files = [write("a.log", kvPressure("v0.6")), write("b.log", stall("newest")), write("c.log", wrongModel("v0.6"))];
    const whole = await analyze(files);
    const parts = await Promise.all(files.map((f) => analyze([f])));
    const states = parts.map((p) => viaJson(mergeableStateOf(p)));
    const all = mergeAnalyses(states);
    expect(JSON.parse(JSON.stringify(all.report))).toEqual(JSON.parse(JSON.stringify(whole.report)));
    const left = mergeAnalyses([viaJson(mergeableStateOf(mergeAnalyses(states.slice(0, 2)))), states[2]]);
    const right = mergeAnalyses([states[0], viaJson(mergeableStateOf(mergeAnalyses(states.slice(1))))]);
    expect(JSON.parse(JSON.stringify(left.report))).toEqual(JSON.parse(JSON.stringify(all.report)));
    expect(JSON.parse(JSON.stringify(right.report))).toEqual(JSON.parse(JSON.stringify(all.report)));
    expect(all.report.facts.runtime).toMatchObject({ statsLines: 46, preemptions: 101, stallCount: 1, statsStoppedEarly: true, unknownModels: { "gpt-4": 12 } });
    expect(all.report.findings.map((f) => f.ruleId).filter((id) => id.startsWith("runtime/"))).toEqual(["runtime/stall", "runtime/kv-cache-pressure", "runtime/client-errors"]);
  });

  it("histograms: exact nearest-rank percentiles, then three significant digits past the cap, the same for any split", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 9000 }, () => Math.round(rnd() * 500000) / 10);
    const small = values.slice(0, 3000);
    const h = newHist();
    for (const v of small) histAdd(h, v);
    const sorted = [...small].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.ceil(p * sorted.length) - 1];
    expect(h.exact).toBe(true);
    expect(percentiles(h)).toEqual({ min: sorted[0], median: rank(0.5), p95: rank(0.95), max: sorted[sorted.length - 1] });
    const whole = newHist();
    for (const v of values) histAdd(whole, v);
    expect(whole.exact).toBe(false);
    expect(whole.keys).toBeLessThanOrEqual(HIST_EXACT_KEYS + 1000);
    const parts = [values.slice(0, 2000), values.slice(2000, 2500), values.slice(2500)].map((vs) => {
      const p = newHist();
      for (const v of vs) histAdd(p, v);
      return p;
    });
    expect(histMerge(histMerge(parts[0], parts[1]), parts[2])).toEqual(whole);
    expect(histMerge(parts[0], histMerge(parts[1], parts[2]))).toEqual(whole);
    const all = [...values].sort((a, b) => a - b);
    const p = percentiles(whole)!;
    expect(p.min).toBe(all[0]);
    expect(p.max).toBe(all[all.length - 1]);
    expect(Math.abs(p.median - all[Math.ceil(0.5 * all.length) - 1]) / p.median).toBeLessThan(0.005);
  });
});
