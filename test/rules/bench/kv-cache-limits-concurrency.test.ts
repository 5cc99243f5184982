import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/bench/kv-cache-limits-concurrency.js";
import { runJson } from "../../helpers/cli.js";
import { benchContext } from "./ctx.js";

const serve = (v: Record<string, unknown>) => ({ kind: "serve" as const, values: { successfulRequests: 500, totalInputTokens: 512000, totalGeneratedTokens: 128000, ...v }, line: 9 });

describe("bench/kv-cache-limits-concurrency", () => {
  it("fires when the peak concurrency exceeds what the KV cache holds at the benchmark's request length", () => {
    const f = rule.check(benchContext([serve({ peakConcurrentRequests: 64, maxRequestConcurrency: 64 })], { facts: { kvCache: { tokens: 38912, maxConcurrency: 1.19, tokensPerRequest: 32768 } } }));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "The benchmark had 64 requests in flight (peak concurrent requests), but the KV cache of 38,912 tokens holds about 30.4 requests of this benchmark's average length (1,280 prompt + output tokens): the rest waited in the queue or were preempted, so TTFT and throughput measure the cache, not the model.",
    );
    expect(f[0].severity).toBeUndefined();
    expect(f[0].remediation[0]).toContain("--max-concurrency 30 or less");
    expect(f[0].evidence).toEqual([{ file: "b.log", line: 9, text: "run 1" }]);
  });

  it("counts data-parallel replicas and takes the limit, or all prompts at an infinite rate, when no peak is printed", () => {
    const kv = { kvCache: { tokens: 38912 } };
    expect(rule.check(benchContext([serve({ maxRequestConcurrency: 64 })], { facts: { ...kv, config: { dataParallelSize: 2 } } }))).toHaveLength(1);
    expect(rule.check(benchContext([serve({ maxRequestConcurrency: 64 })], { facts: { ...kv, config: { dataParallelSize: 4 } } }))).toEqual([]);
    const inf = rule.check(benchContext([serve({ requestRate: "inf", numPrompts: 500 })], { facts: kv }));
    expect(inf[0].message).toMatch(/^The benchmark had 500 requests in flight \(all prompts at once \(request rate inf\)\)/);
  });

  it("falls back to the full-length maximum concurrency, as info, when the result has no token totals", () => {
    const f = rule.check(benchContext([{ kind: "serve", values: { maxRequestConcurrency: 8 } }], { facts: { kvCache: { maxConcurrency: 1.19, tokensPerRequest: 32768 } } }));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("info");
    expect(f[0].message).toContain("the server's maximum concurrency is 1.19x for 32,768-token requests");
  });

  it("stays quiet when the cache holds the load, without a server log, or without a concurrency", () => {
    expect(rule.check(benchContext([serve({ peakConcurrentRequests: 16 })], { facts: { kvCache: { tokens: 38912, maxConcurrency: 1.19 } } }))).toEqual([]);
    expect(rule.check(benchContext([serve({ peakConcurrentRequests: 64 })]))).toEqual([]);
    expect(rule.check(benchContext([serve({})], { facts: { kvCache: { tokens: 1000 } } }))).toEqual([]);
    expect(rule.check(benchContext([{ kind: "ncclTests", values: { peakConcurrentRequests: 64 } }], { facts: { kvCache: { tokens: 1000 } } }))).toEqual([]);
  });

  it("end to end: the server log and the benchmark output of one run, read together", () => {
    const r = runJson(["analyze", join("samples", "bench-serve-kv-server.txt"), join("samples", "bench-serve-kv-client.txt")]);
    const f = r.report.findings.filter((x: { ruleId: string }) => x.ruleId.startsWith("bench/"));
    expect(f.map((x: { ruleId: string; severity: string }) => [x.ruleId, x.severity])).toEqual([["bench/kv-cache-limits-concurrency", "warning"]]);
    expect(f[0].evidence.map((e: { file: string; line: number }) => `${e.file}:${e.line}`)).toEqual([
      "samples/bench-serve-kv-client.txt:9",
      "samples/bench-serve-kv-server.txt:14",
      "samples/bench-serve-kv-server.txt:15",
    ]);
    expect(r.status).toBe(0);
    const alone = runJson(["analyze", join("samples", "bench-serve-kv-client.txt")]);
    expect(alone.report.findings).toEqual([]);
  });
});
