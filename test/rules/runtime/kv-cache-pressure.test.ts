import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { healthy, kvPressure, queueFreeKv, serverLog, ticks } from "../../fixtures/runtime/logs.js";

const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "runtime/kv-cache-pressure");

describe("runtime/kv-cache-pressure", () => {
  it("fires on the newest form's full cache, queue and `Preemptions:` fields, with the plan's levers", async () => {
    const f = await mine(kvPressure("newest"));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toBe(
      "GPU KV cache usage reached 99% and was at 95% or more on 80% of 20 stats lines (3 min); on 16 of them requests waited (up to 10) while 14 ran at most; " +
        "10 requests were preempted (their KV blocks freed and recomputed or swapped later). The KV cache holds 65,536 tokens (8x requests of 8,192 tokens). " +
        "Requests queue for KV space rather than for compute, so time to first token grows with the queue and preempted requests start over.",
    );
    expect(f[0].remediation[0]).toBe("Give the cache room for the load (the log shows up to 24 requests running or waiting at once):");
    expect(f[0].remediation).toContain("  --kv-cache-dtype fp8 → 131,072 KV tokens, 16x full-length requests (not enough alone) — a small accuracy cost; check your model's outputs");
    expect(f[0].remediation).toContain("  --data-parallel-size 3 → 196,608 KV tokens, 24x full-length requests (enough) — 3 GPUs in all; a single request still gets at most 65,536 tokens");
    expect(f[0].evidence.map((e) => e.line)).toEqual([16, 19, 18, 6]);
  });

  it("fires on V0 preemption warnings (the largest cumulative count)", async () => {
    const f = await mine(kvPressure("v0.6"));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("101 requests were preempted");
  });

  it("a few preemptions without a queue at a full cache are info", async () => {
    const f = await mine(serverLog({ era: "newest", ticks: ticks(8, (i) => ({ prompt: 100, gen: 500, running: 8, waiting: 0, kv: 80, preempt: i === 4 ? 2 : 0 })) }));
    expect(f.map((x) => x.severity)).toEqual(["info"]);
    expect(f[0].message).toMatch(/^GPU KV cache usage reached 80% and was at 95% or more on 0% of 8 stats lines \(70 s\); 2 requests were preempted/);
  });

  it("stays quiet on a healthy busy server and on a queue with free KV", async () => {
    expect(await mine(healthy("v1-0.10"))).toEqual([]);
    expect(await mine(queueFreeKv("v1-0.10"))).toEqual([]);
  });
});
