import type { Facts, Gate, Missing, Report } from "../facts/schema.js";
import { NO_FAILURE_LEAD, UNEXPLAINED_ERROR_LEAD } from "../rules/verdict.js";
import { hasNcclInfo } from "../facts/dialects.js";

/**
 * The `facts.missing` entries worth showing a reader: none about vLLM for a log no vLLM wrote, none about NCCL
 * for a single-GPU run (it uses no NCCL), no "set NCCL_DEBUG=INFO" when NCCL's INFO lines are in the log, and none
 * for the GPU's capacity when the report shows it from the other fact that states it.
 * The JSON report keeps every entry.
 */
export function helpfulMissing(f: Facts): Missing[] {
  const names = new Set((f.dialects ?? []).map((d) => d.name));
  const known = f.dialects !== undefined && names.size > 0;
  const noVllm = known && !names.has("vllm");
  const singleGpu = f.config.tensorParallelSize === 1 && (f.config.pipelineParallelSize ?? 1) === 1 && (f.config.dataParallelSize ?? 1) === 1;
  const ncclInfo = hasNcclInfo(f);
  return f.missing.filter((m) => {
    // the GPU's capacity is one number to a reader: the report shows it ("GPU memory") from either fact
    if (m.fact === "gpu.memoryGiB" && f.memory.totalGpuGiB !== null) return false;
    if (m.fact === "memory.totalGpuGiB" && f.gpu.memoryGiB !== null) return false;
    if (m.fact.startsWith("nccl.")) return !singleGpu && !(ncclInfo && /NCCL_DEBUG=INFO/.test(m.howToGet)) && !(noVllm && !names.has("nccl") && !names.has("nccl-tests"));
    if (m.fact.startsWith("bench.")) return true;
    return !noVllm;
  });
}

/** What shows NCCL went on after the first error, when that error is one it recovered from (facts.recovered). */
export function recoveredFrom(f: Facts): NonNullable<Facts["recovered"]>[number] | undefined {
  const first = f.firstError;
  return first ? f.recovered?.find((r) => r.failure.file === first.file && r.failure.line === first.line) : undefined;
}

/**
 * What a report with no finding says of it, and in which tone: `warning` beside an error no rule explains (or a
 * traceback the log cuts before its exception line, which the verdict names), `neutral` for a verdict of no failure
 * but no sign of health either (a start-up the log stops in, a few lines of a run), `ok` otherwise.
 */
export function noFindings(report: Report): { text: string; tone: "ok" | "neutral" | "warning" } {
  if (report.verdict?.startsWith(UNEXPLAINED_ERROR_LEAD)) {
    return { text: `No known problem matched: ${report.facts.firstError ? "the first error" : "the traceback the verdict names"} is not explained.`, tone: "warning" };
  }
  return { text: "No problems found.", tone: report.verdict?.startsWith(NO_FAILURE_LEAD) ? "neutral" : "ok" };
}

/**
 * The answer first: a failed gate says which requirements failed (up to 3) before what the log shows. A failed
 * fail-on is left out: it repeats the findings the verdict already leads with.
 */
export function gateVerdict(gate: Gate, verdict: string | undefined): string | undefined {
  const failed = gate.requirements.filter((q) => !q.passed && q.kind !== "fail-on");
  if (!failed.length) return verdict;
  return `Gate failed: ${failed.map((q) => `${q.name} (${q.reason})`).slice(0, 3).join("; ")}${failed.length > 3 ? `; ${failed.length - 3} more` : ""}. ${verdict ?? ""}`.trim();
}
