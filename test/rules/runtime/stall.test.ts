import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { healthy, serverLog, stall, ticks } from "../../fixtures/runtime/logs.js";

const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "runtime/stall");

describe("runtime/stall", () => {
  it("is an error when requests run with zero throughput and the stats lines then stop", async () => {
    const f = await mine(stall("newest"));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(
      "From line 22 for 8 stats lines (80 s) requests were running but the engine produced no prompt or generation tokens; " +
        "the stats lines stop at line 29 with requests in flight, while the log goes on: the engine loop stopped reporting, which is what a hung engine or a dead engine core looks like.",
    );
    expect(f[0].evidence.map((e) => e.line)).toEqual([22, 29]);
  });

  it("names a collective when the first error is an NCCL watchdog timeout", async () => {
    const text = stall("v1-0.10") + "[rank1]:[E819 10:06:40.123456 ProcessGroupNCCL.cpp:616] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, OpType=ALLREDUCE, NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) ran for 600012 milliseconds before timing out.\n";
    const f = await mine(text);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/the first error is an NCCL\/collective failure \(line 33\): a collective is the suspect\.$/);
  });

  it("names no collective when the first error is not NCCL's (a Python error, then an NCCL error)", async () => {
    const text = stall("v1-0.10") + "ERROR 08-19 10:06:40 [core.py:700] ValueError: invalid sampling parameter\n" + "RuntimeError: NCCL error: unhandled system error\n";
    const f = await mine(text);
    expect(f).toHaveLength(1);
    expect(f[0].message).not.toContain("collective");
  });

  it("stays quiet on a healthy server, on an idle one and on a short pause", async () => {
    expect(await mine(healthy("v1-0.10"))).toEqual([]);
    expect(await mine(serverLog({ era: "v0.6", ticks: ticks(10, () => ({ prompt: 0, gen: 0, running: 0, waiting: 0, kv: 0 })) }))).toEqual([]);
    const pause = serverLog({ era: "v1-0.8", ticks: ticks(10, (i) => ({ prompt: 0, gen: i === 4 || i === 5 ? 0 : 300, running: 3, waiting: 0, kv: 10 })) });
    expect(await mine(pause)).toEqual([]);
  });
});
