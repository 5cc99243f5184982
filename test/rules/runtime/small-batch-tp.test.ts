import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { healthy, serverLog, smallBatchTp, ticks } from "../../fixtures/runtime/logs.js";

const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "runtime/small-batch-tp");

describe("runtime/small-batch-tp", () => {
  it("fires on a TP 4 server (V1 0.8) running one request at a time", async () => {
    const f = await mine(smallBatchTp("v1-0.8"));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "tensor_parallel_size is 4, but on 100% of the 24 busy stats lines (of 24 stats lines (4 min)) only 1 or 2 requests were running, and none waited; " +
        "generation ran at 39 tokens/s (median). With so small a batch the 4 GPUs spend much of each step in all-reduce, not in compute.",
    );
    expect(f[0].remediation[0]).toContain("the server ran 1 (median) of the 30.72x full-length requests its KV cache holds");
  });

  it("stays quiet with TP 1, with a real batch, and when requests wait", async () => {
    expect(await mine(smallBatchTp("v1-0.8").replace(/tensor_parallel_size=4/g, "tensor_parallel_size=1"))).toEqual([]);
    expect(await mine(healthy("v1-0.10").replace(/tensor_parallel_size=1/g, "tensor_parallel_size=4"))).toEqual([]);
    const queued = serverLog({ era: "v1-0.10", tp: 4, ticks: ticks(12, () => ({ prompt: 0, gen: 40, running: 1, waiting: 5, kv: 2 })) });
    expect(await mine(queued)).toEqual([]);
  });
});
