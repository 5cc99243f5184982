import type { FindingDraft } from "../types.js";
import { benchRuns, numberOf } from "./runs.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/failed-requests",
  defaultSeverity: "error",
  title: "Benchmark: requests failed",
  tags: ["bench", "serve"],
  sources: [
    "vllm/benchmarks/serve.py: `Failed requests:` row (since 2025-10-17, #26478), failure dump `Failed requests during benchmark run detected` (#31808)",
    "benchmarks/benchmark_serving.py --save-result: `failed` key, per-request `errors`",
  ],
} satisfies RuleSpec;

/** Failed requests of a serve run: the printed count, else the non-empty `errors` of its JSON, else 0 successes. */
function failures(v: Record<string, unknown>): { failed: number; how: string } | null {
  const failed = numberOf(v.failedRequests);
  if (failed !== null && failed > 0) return { failed, how: "failed" };
  const errors = numberOf(v.errorsNonempty);
  if (errors !== null && errors > 0) return { failed: errors, how: "errors" };
  if (numberOf(v.successfulRequests) === 0) return { failed: numberOf(v.numPromptsInCommand) ?? numberOf(v.numPrompts) ?? 0, how: "none" };
  return null;
}

export const rule = defineRule(meta, (ctx) => {
  const hits = benchRuns(ctx, "serve").flatMap((r) => {
    const f = failures(r.values);
    return f ? [{ ...f, ok: numberOf(r.values.successfulRequests), ev: r.ev }] : [];
  });
  if (hits.length === 0) return [];
  const first = hits[0];
  const total = first.ok !== null ? first.ok + first.failed : null;
  const what =
    first.how === "none"
      ? "No request succeeded: every latency and throughput number of this run is 0 or meaningless."
      : `${first.failed} request${first.failed === 1 ? "" : "s"} failed${total ? ` out of ${total}` : ""}; throughput and latency count successful requests only, so the run looks faster than it was.`;
  const draft: FindingDraft = {
    message: `${what}${hits.length > 1 ? ` (${hits.length} runs with failures)` : ""}`,
    evidence: hits.map((h) => h.ev),
    remediation: [
      "Read the failure dump above the result block (`Error N: ...`, vLLM 2026-01+) or the `errors` list of the --save-result JSON (--save-detailed) for the reason.",
      "Check the server log of the same run for errors at that time (out of memory, a request longer than max_model_len, a restarted server).",
      "Do not compare this run's throughput or latency with a baseline until it has 0 failed requests.",
    ],
  };
  return [draft];
});
export const check = rule.check;
