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
  // a layout with no failed count (before 2025-10) under a command that asked for more prompts than succeeded
  const inferred = numberOf(v.unsuccessfulRequestsInferred);
  if (inferred !== null && inferred > 0) return { failed: inferred, how: "inferred" };
  return null;
}

function inferredOnly(hits: { failed: number; ok: number | null; fromBar: boolean; ev: FindingDraft["evidence"][number] }[]): FindingDraft {
  const first = hits[0];
  const asked = first.ok !== null ? first.ok + first.failed : null;
  // the count comes from the command's --num-prompts, or (no command in the text) from the finished progress bar's total
  const whose = first.fromBar ? "requests the progress bar counted as sent" : "the command's --num-prompts asked for";
  const orFewer = first.fromBar ? "" : ", or the dataset held fewer prompts than asked for";
  return {
    severity: "warning",
    message:
      `${first.ok ?? "?"} request${first.ok === 1 ? "" : "s"} succeeded of the ${asked ?? "?"} ${whose}, and this version of the result block prints no failed count: ` +
      `${first.failed} request${first.failed === 1 ? "" : "s"} failed${orFewer}${hits.length > 1 ? ` (${hits.length} runs short)` : ""}.`,
    evidence: hits.map((h) => h.ev),
    remediation: [
      "Look in the server log of the same run for errors at that time (4xx/5xx responses, out of memory, requests longer than max_model_len).",
      "Check that the dataset has at least --num-prompts entries after its length filters (custom, sonnet and hf datasets can hold fewer).",
      "With vLLM 2025-10 or later the block prints `Failed requests:`, and --save-result's JSON keeps each request's error: gate on those.",
    ],
  };
}

export const rule = defineRule(meta, (ctx) => {
  const hits = benchRuns(ctx, "serve").flatMap((r) => {
    const f = failures(r.values);
    return f ? [{ ...f, ok: numberOf(r.values.successfulRequests), fromBar: r.values.numPromptsInCommand == null && r.values.requestsInProgressBar != null, ev: r.ev }] : [];
  });
  if (hits.length === 0) return [];
  // only counts inferred from --num-prompts: failures, or a dataset with fewer prompts than asked for; a warning
  if (hits.every((h) => h.how === "inferred")) return [inferredOnly(hits)];
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
