import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runJsonHere } from "./helpers/cli.js";

const FIX = join("test", "fixtures", "bench");

describe("analyze reads benchmark results in the full pipeline (built CLI)", () => {
  it("a serve block between server log lines: facts.bench.serve, no bench missing entries", async () => {
    const { report } = await runJsonHere(["analyze", join(FIX, "serve-2026-failed-spec.log")]);
    expect(report.facts.bench.serve).toMatchObject({ successfulRequests: 197, failedRequests: 3, p99TtftMs: 1210.75, outputThroughput: 821.37, runCount: 1 });
    expect(report.facts.bench.throughput).toBeNull();
    expect(report.facts.bench.runs).toHaveLength(1);
    expect(report.facts.missing.filter((m: { fact: string }) => m.fact.startsWith("bench."))).toEqual([]);
  });

  it("an nccl-tests table with NCCL INFO lines between its rows (claimed by the NCCL reader) keeps every row", async () => {
    const { report } = await runJsonHere(["analyze", join(FIX, "nccltests-2node-wrong.log")]);
    expect(report.facts.bench.ncclTests).toMatchObject({ collective: "all_reduce_perf", ranks: 4, maxBusbwGBs: 1.77, wrongTotal: 15, outOfBoundsOk: false, rowsComplete: 6, hosts: ["node-a1", "node-b7"] });
    expect(report.facts.nccl.transports["NET/Socket"]).toBe(1);
  });

  it("several inputs: every kind found, the first of each kind in facts", async () => {
    const { report } = await runJsonHere(["analyze", join(FIX, "offline.txt"), join(FIX, "throughput.json"), join(FIX, "latency.json"), join(FIX, "nccltests-two-runs-old.txt")]);
    expect(report.facts.bench.throughput).toMatchObject({ requestsPerS: 24.18, outputTokensPerS: 4956.12, runCount: 2 });
    expect(report.facts.bench.latency).toMatchObject({ avgLatencyS: 1.2503617, runCount: 2 });
    expect(report.facts.bench.ncclTests).toMatchObject({ collective: "all_gather_perf", runCount: 2 });
    expect(report.facts.bench.runs.map((r: { kind: string }) => r.kind)).toEqual(["throughput", "latency", "throughput", "latency", "ncclTests", "ncclTests"]);
  });
});

describe("check gates benchmark facts", () => {
  it("--require on a serve result fails on P99 TTFT above 800 ms and passes under 1300 ms", async () => {
    const fail = await runJsonHere(["check", join(FIX, "serve-2026-failed-spec.log"), "--require", "bench.serve.p99TtftMs<=800"]);
    expect(fail.status).toBe(1);
    const pass = await runJsonHere(["check", join(FIX, "serve-2026-failed-spec.log"), "--require", "bench.serve.p99TtftMs<=1300", "--fail-on", "none"]);
    expect(pass.status).toBe(0);
  });

  it("--max-regression against a baseline: serve output throughput and nccl-tests busbw", async () => {
    const serve = await runJsonHere(["check", join(FIX, "serve-two-runs-hashed-stripped.txt"), "--baseline", join(FIX, "serve-2026-failed-spec.log"), "--max-regression", "bench.serve.outputThroughput=5%", "--fail-on", "none"]);
    expect(serve.status).toBe(1);
    const same = await runJsonHere(["check", join(FIX, "nccltests-two-runs-old.txt"), "--baseline", join(FIX, "nccltests-two-runs-old.txt"), "--max-regression", "bench.ncclTests.maxBusbwGBs=10%", "--fail-on", "none"]);
    expect(same.status).toBe(0);
  });
});
