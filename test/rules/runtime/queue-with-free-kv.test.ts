import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { healthy, kvPressure, queueFreeKv, stall } from "../../fixtures/runtime/logs.js";

const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "runtime/queue-with-free-kv");

describe("runtime/queue-with-free-kv", () => {
  it("fires when requests wait at low KV usage with running at max_num_seqs (V1 0.10)", async () => {
    const f = await mine(queueFreeKv("v1-0.10"));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "On 18 of 18 stats lines (3 min), requests were waiting (up to 17) while GPU KV cache usage was 50% or less; " +
        "running never went above 8, which is max_num_seqs (8): the scheduler admits no more sequences whatever the free KV space.",
    );
    expect(f[0].remediation[0]).toBe("Raise --max-num-seqs (now 8); the KV cache had room for more sequences.");
  });

  it("reads V0's `Pending:` the same way", async () => {
    expect(await mine(queueFreeKv("v0.5"))).toHaveLength(1);
  });

  it("stays quiet when the cache is full, when nothing moves (a stall) and on a healthy server", async () => {
    expect(await mine(kvPressure("newest"))).toEqual([]);
    expect(await mine(stall("newest"))).toEqual([]);
    expect(await mine(healthy("newest"))).toEqual([]);
  });
});
