import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runJsonHere, ROOT } from "./helpers/cli.js";
import { rule as failedRequests } from "../src/rules/bench/failed-requests.js";
import { rule as ncclTestsWrong } from "../src/rules/bench/nccl-tests-wrong.js";
import type { RuleContext } from "../src/rules/types.js";

const FIX = join("test", "fixtures", "bench");

function ctxOf(runs: { kind: string; values: Record<string, unknown>; line?: number }[]): RuleContext {
  return {
    facts: {} as never,
    events: [],
    thresholds: {} as never,
    state: { bench: { runs: runs.map((r, i) => ({ kind: r.kind, file: "b.log", line: r.line ?? i + 1, text: `line ${r.line ?? i + 1}`, input: 0, values: r.values })) } } as never,
  };
}

describe("bench/failed-requests", () => {
  it("fires on a printed failed count, with the run's first line as evidence", async () => {
    const out = failedRequests.check(ctxOf([{ kind: "serve", values: { successfulRequests: 197, failedRequests: 3 }, line: 14 }]));
    expect(out).toHaveLength(1);
    expect(out[0].message).toMatch(/^3 requests failed out of 200;/);
    expect(out[0].evidence).toEqual([{ file: "b.log", line: 14, text: "line 14" }]);
  });
  it("fires on non-empty JSON errors and on zero successes", async () => {
    expect(failedRequests.check(ctxOf([{ kind: "serve", values: { successfulRequests: 398, failedRequests: null, errorsNonempty: 2 } }]))[0].message).toMatch(/^2 requests failed out of 400/);
    expect(failedRequests.check(ctxOf([{ kind: "serve", values: { successfulRequests: 0, failedRequests: null } }]))[0].message).toMatch(/^No request succeeded/);
  });
  it("stays silent on clean runs, unknown failure counts and other kinds", async () => {
    expect(failedRequests.check(ctxOf([{ kind: "serve", values: { successfulRequests: 10, failedRequests: 0 } }, { kind: "serve", values: { successfulRequests: 10, failedRequests: null } }, { kind: "ncclTests", values: { failedRequests: 5 } }]))).toEqual([]);
  });
});

describe("bench/nccl-tests-wrong", () => {
  it("fires on #wrong or FAILED out-of-bounds values", async () => {
    const out = ncclTestsWrong.check(ctxOf([{ kind: "ncclTests", values: { collective: "all_reduce_perf", wrongTotal: 15, outOfBoundsOk: false, outOfBoundsCount: 2 } }]));
    expect(out[0].message).toBe("all_reduce_perf: 15 wrong elements in the #wrong columns, Out of bounds values: 2 FAILED. A collective returned wrong data: this is corruption, not slowness.");
  });
  it("stays silent on clean runs and on the deviation-era tables (wrongTotal null)", async () => {
    expect(ncclTestsWrong.check(ctxOf([{ kind: "ncclTests", values: { wrongTotal: 0, outOfBoundsOk: true, outOfBoundsCount: 0 } }, { kind: "ncclTests", values: { wrongTotal: null, outOfBoundsOk: true, outOfBoundsCount: 0 } }]))).toEqual([]);
  });
  it("end to end: analyze reports both rules with their doc pages, and exits 1", async () => {
    const serve = await runJsonHere(["analyze", join(FIX, "serve-2026-failed-spec.log")]);
    expect(serve.report.findings.filter((f: { ruleId: string }) => f.ruleId.startsWith("bench/")).map((f: { ruleId: string; evidence: { line: number }[] }) => [f.ruleId, f.evidence[0].line])).toEqual([["bench/failed-requests", 14]]);
    const nccl = await runJsonHere(["analyze", join(FIX, "nccltests-2node-wrong.log")]);
    const f = nccl.report.findings.find((x: { ruleId: string }) => x.ruleId === "bench/nccl-tests-wrong");
    expect(f.severity).toBe("error");
    expect(nccl.status).toBe(1);
    for (const id of ["bench/failed-requests", "bench/nccl-tests-wrong"]) expect(existsSync(join(ROOT, "docs", "rules", `${id}.md`))).toBe(true);
  });
});
