import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { variants } from "../../helpers/variants.js";

/**
 * MLPerf LoadGen summaries written for the test in the layout of loadgen/results.cc (PerformanceSummary::PrintResults):
 * the `====` rules, `SUT name : ...`, `Result is : VALID|INVALID` and the constraint lines, each `Yes` or `NO`.
 */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "bench/mlperf-invalid");

const rule = "=".repeat(48);
const summary = (result: "VALID" | "INVALID", minQueries: "Yes" | "NO", early: "Yes" | "NO") => [
  rule,
  "MLPerf Results Summary",
  rule,
  "SUT name : VllmSUT",
  "Scenario : Server",
  "Mode     : PerformanceOnly",
  "Completed samples per second    : 7.42",
  "Completed tokens per second: 2210.58",
  `Result is : ${result}`,
  "  Performance constraints satisfied : Yes",
  "  Min duration satisfied : Yes",
  `  Min queries satisfied : ${minQueries}`,
  `  Early stopping satisfied: ${early}`,
  ...(result === "INVALID" ? ["Recommendations:", " * The test exited early, before enough queries were issued."] : []),
  "",
  rule,
  "Additional Stats",
  rule,
  "Scheduled samples per second : 7.45",
  "Mean latency (ns)               : 3120448811",
  "99.00 percentile latency (ns)   : 9981225040",
];

describe("bench/mlperf-invalid", () => {
  it("is an error on `Result is : INVALID`, naming the constraints the summary says were not met", async () => {
    for (const text of variants(summary("INVALID", "NO", "NO"))) {
      const f = await mine(text + "\n");
      expect(f).toHaveLength(1);
      expect(f[0].severity).toBe("error");
      expect(f[0].message).toBe(
        "MLPerf LoadGen judged the run INVALID (not satisfied: min queries, early stopping): its throughput and latency figures are no result to submit, compare or gate on.",
      );
      expect(f[0].evidence.map((e) => e.line)).toEqual([9, 12, 13]);
      expect(f[0].remediation[0]).toMatch(/^Min queries not met:/);
    }
  });

  it("stays quiet on a VALID summary, and on a constraint line alone", async () => {
    expect(await mine(summary("VALID", "Yes", "Yes").join("\n") + "\n")).toEqual([]);
    expect(await mine("  Min queries satisfied : NO\n")).toEqual([]);
    // LoadGen's `percentile latency (ns)` rows are no `vllm bench latency` result
    const r = await analyzeText(summary("VALID", "Yes", "Yes").join("\n") + "\n");
    expect(r.facts.bench.latency).toBeNull();
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
