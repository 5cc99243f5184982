import type { Evidence } from "../../model.js";
import type { RuleContext } from "../types.js";

/** The benchmark runs of one kind, with the line each began on, in input order. */
export function benchRuns(ctx: RuleContext, kind: "serve" | "throughput" | "latency" | "ncclTests"): { values: Record<string, unknown>; ev: Evidence }[] {
  return (ctx.state.bench?.runs ?? [])
    .filter((r) => r.kind === kind)
    .sort((a, b) => a.input - b.input || a.line - b.line)
    .map((r) => ({ values: r.values, ev: { file: r.file, line: r.line, text: r.text ?? "" } }));
}

export const numberOf = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
