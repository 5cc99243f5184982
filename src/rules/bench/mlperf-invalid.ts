import type { FindingDraft, RuleContext } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/mlperf-invalid",
  defaultSeverity: "error",
  title: "Benchmark: MLPerf LoadGen judged the run INVALID",
  tags: ["bench", "mlperf"],
  sources: [
    "mlcommons/inference loadgen/results.cc PerformanceSummary::PrintResults: `Result is : VALID|INVALID`, then `Performance constraints satisfied`, `Min duration satisfied`, `Min queries satisfied`, `Early stopping satisfied` (Yes / NO) and `Recommendations:`",
  ],
} satisfies RuleSpec;

/** what each unmet constraint means and what LoadGen's own recommendation for it is */
const ADVICE: Record<string, string> = {
  "Min queries": "Min queries not met: the run ended before LoadGen issued its minimum query count (the SUT stopped early or was too slow for the configured duration); look in mlperf_log_detail.txt and the server log for why it stopped, or lower the target QPS.",
  "Min duration": "Min duration not met: the run was shorter than the scenario's minimum (600 s for most); raise the duration or the number of samples in user.conf.",
  "Early stopping": "Early stopping not met: too few queries were processed to bound the tail latency; run longer (more queries) so LoadGen's early-stopping estimate can pass.",
  "Performance constraints": "Performance constraints not met: the latency percentile the scenario requires (server latency, or TTFT/TPOT for the LLM benchmarks) was over its bound; lower the target QPS or make the SUT faster.",
  "TTFT constraints": "The time-to-first-token bound was not met: lower the target QPS, or shorten prefill (chunked prefill, more prefill capacity).",
  "TPOT constraints": "The time-per-output-token bound was not met: lower the target QPS or the batch size the server runs at.",
};

export function check(ctx: RuleContext): FindingDraft[] {
  const invalid = signalHits(ctx, ["vllm.mlperfInvalid"]);
  if (!invalid.length) return [];
  const unmet = signalHits(ctx, ["vllm.mlperfConstraint"]);
  const names = [...new Set(unmet.map((h) => h.captures.constraint).filter((c): c is string => !!c))];
  return [{
    message:
      `MLPerf LoadGen judged the run INVALID${names.length ? ` (not satisfied: ${names.map((n) => n.toLowerCase()).join(", ")})` : ""}: ` +
      "its throughput and latency figures are no result to submit, compare or gate on.",
    evidence: hitEvidence([...invalid, ...unmet]),
    remediation: [
      ...names.map((n) => ADVICE[n]).filter((a): a is string => !!a),
      "Read LoadGen's `Recommendations:` under the summary and mlperf_log_detail.txt for the run's settings and errors.",
      "Gate a CI run on `Result is : VALID` before its samples or tokens per second.",
    ],
  }];
}

export const rule = defineRule(meta, check);
