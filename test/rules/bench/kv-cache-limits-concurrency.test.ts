import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/bench/kv-cache-limits-concurrency.js";
import { runJsonHere } from "../../helpers/cli.js";
import { benchContext } from "./ctx.js";

const serve = (v: Record<string, unknown>) => ({ kind: "serve" as const, values: { successfulRequests: 500, totalInputTokens: 512000, totalGeneratedTokens: 128000, ...v }, line: 9 });

describe("bench/kv-cache-limits-concurrency", () => {
  it("fires when the peak concurrency exceeds what the KV cache holds at the benchmark's request length", async () => {
    const f = rule.check(benchContext([serve({ peakConcurrentRequests: 64, maxRequestConcurrency: 64 })], { facts: { kvCache: { tokens: 38912, maxConcurrency: 1.19, tokensPerRequest: 32768 } } }));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "The benchmark had 64 requests in flight (peak concurrent requests), but the KV cache of 38,912 tokens holds about 30.4 requests of this benchmark's average length (1,280 prompt + output tokens): the rest waited in the queue or were preempted, so TTFT and throughput measure the cache, not the model.",
    );
    expect(f[0].severity).toBeUndefined();
    expect(f[0].remediation[0]).toContain("--max-concurrency 30 or less");
    expect(f[0].evidence).toEqual([{ file: "b.log", line: 9, text: "run 1" }]);
  });

  it("counts data-parallel replicas and takes the limit, or all prompts at an infinite rate, when no peak is printed", async () => {
    const kv = { kvCache: { tokens: 38912 } };
    expect(rule.check(benchContext([serve({ maxRequestConcurrency: 64 })], { facts: { ...kv, config: { dataParallelSize: 2 } } }))).toHaveLength(1);
    expect(rule.check(benchContext([serve({ maxRequestConcurrency: 64 })], { facts: { ...kv, config: { dataParallelSize: 4 } } }))).toEqual([]);
    const inf = rule.check(benchContext([serve({ requestRate: "inf", numPrompts: 500 })], { facts: kv }));
    expect(inf[0].message).toMatch(/^The benchmark had 500 requests in flight \(all prompts at once \(request rate inf\)\)/);
  });

  it("falls back to the full-length maximum concurrency, as info, when the result has no token totals", async () => {
    const f = rule.check(benchContext([{ kind: "serve", values: { maxRequestConcurrency: 8 } }], { facts: { kvCache: { maxConcurrency: 1.19, tokensPerRequest: 32768 } } }));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("info");
    expect(f[0].message).toContain("the server's maximum concurrency is 1.19x for 32,768-token requests");
  });

  it("stays quiet when the cache holds the load, without a server log, or without a concurrency", async () => {
    expect(rule.check(benchContext([serve({ peakConcurrentRequests: 16 })], { facts: { kvCache: { tokens: 38912, maxConcurrency: 1.19 } } }))).toEqual([]);
    expect(rule.check(benchContext([serve({ peakConcurrentRequests: 64 })]))).toEqual([]);
    expect(rule.check(benchContext([serve({})], { facts: { kvCache: { tokens: 1000 } } }))).toEqual([]);
    expect(rule.check(benchContext([{ kind: "ncclTests", values: { peakConcurrentRequests: 64 } }], { facts: { kvCache: { tokens: 1000 } } }))).toEqual([]);
  });

  const stats = (over: Record<string, unknown>) => ({
    runtime: { statsLines: 40, running: { min: 0, median: 20, p95: 30, max: 32 }, waiting: { min: 0, median: 0, p95: 0, max: 0 }, gpuKvUsagePct: { min: 0, median: 40, p95: 60, max: 71.5 }, preemptions: 0, waitingFullKvLines: 0, waitingFreeKvLines: 0, busyShare: 0.9, ...over },
  });

  it("with the server's stats lines: says whether the benchmark measured the model, the queue or the cache", async () => {
    const model = rule.check(benchContext([serve({ peakConcurrentRequests: 32 })], { facts: stats({}) as never }));
    expect(model).toHaveLength(1);
    expect(model[0]).toMatchObject({ severity: "info", title: "Benchmark: the server kept up, so the result measures the model" });
    expect(model[0].message).toBe("The server's stats lines show no request waiting (up to 32 running, GPU KV cache usage at most 71.5%): the benchmark measured the model and the GPUs, not a queue.");
    const queue = rule.check(benchContext([serve({ peakConcurrentRequests: 64 })], { facts: { ...stats({ waiting: { min: 0, median: 10, p95: 30, max: 32 }, waitingFreeKvLines: 12 }), config: { maxNumSeqs: 32 } } as never }));
    expect(queue[0].message).toBe("The server's stats lines show requests waiting (up to 32) while the KV cache had room and 32 ran (max_num_seqs 32): the benchmark measured the scheduler's queue, not the model.");
    // the capacity estimate says "too many", but no request waited: the requests were shorter than estimated
    const shorter = rule.check(benchContext([serve({ peakConcurrentRequests: 64 })], { facts: { kvCache: { tokens: 38912 }, ...stats({}) } as never }));
    expect(shorter[0].severity).toBe("info");
    expect(shorter[0].message).toContain("But the server's stats lines show no request waiting");
  });

  it("end to end: the server log and the benchmark output of one run, read together", async () => {
    const r = await runJsonHere(["analyze", join("samples", "bench-serve-kv-server.txt"), join("samples", "bench-serve-kv-client.txt")]);
    const f = r.report.findings.filter((x: { ruleId: string }) => x.ruleId.startsWith("bench/"));
    expect(f.map((x: { ruleId: string; severity: string }) => [x.ruleId, x.severity])).toEqual([["bench/kv-cache-limits-concurrency", "warning"]]);
    expect(f[0].evidence.map((e: { file: string; line: number }) => `${e.file}:${e.line}`)).toEqual([
      "samples/bench-serve-kv-client.txt:9",
      "samples/bench-serve-kv-server.txt:14",
      "samples/bench-serve-kv-server.txt:15",
      "samples/bench-serve-kv-server.txt:22",
    ]);
    expect(f[0].message).toMatch(/The server's stats lines agree: on 2 of 3 of them requests waited \(up to 35, with 30 running\) at GPU KV cache usage up to 99\.2%: the benchmark measured the KV cache, not the model\.$/);
    expect(r.status).toBe(0);
    const alone = await runJsonHere(["analyze", join("samples", "bench-serve-kv-client.txt")]);
    expect(alone.report.findings).toEqual([]);
  });
});
