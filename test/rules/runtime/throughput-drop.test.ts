import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { healthy, serverLog, throughputDrop, ticks } from "../../fixtures/runtime/logs.js";

const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "runtime/throughput-drop");

describe("runtime/throughput-drop", () => {
  it("fires when generation falls by more than half at the same load (V0 0.5)", async () => {
    const f = await mine(throughputDrop("v0.5"));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "Generation throughput fell from 2,015 tokens/s in the first third of the 3 min covered by the stats lines to 605 tokens/s in the last third (70% less), " +
        "while 16 and then 16 requests ran on average: 125.9 → 37.8 tokens/s per running request.",
    );
  });

  it("stays quiet when the load fell with the throughput, and on a steady server", async () => {
    const quieter = serverLog({ era: "v1-0.10", ticks: ticks(30, (i) => ({ prompt: 100, gen: i < 10 ? 2000 : 500, running: i < 10 ? 16 : 4, waiting: 0, kv: 20 })) });
    expect(await mine(quieter)).toEqual([]);
    expect(await mine(healthy("newest"))).toEqual([]);
  });
});
