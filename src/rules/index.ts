import type { Rule, RuleMeta } from "./types.js";
import { docsPath } from "./types.js";
import { ALL_RULES } from "./all.js";

/**
 * Every built-in rule, in the order findings are reported (src/rules/all.ts, generated from the rule files that
 * call defineRule: by area — vLLM start-up and capacity, NCCL, cluster, security, benchmarks, a running server —
 * then by name). The report's order of findings is decided by src/rules/order.ts; this one breaks ties.
 */
export const RULES: readonly Rule[] = ALL_RULES;

/** Findings the engine itself produces. */
export const ENGINE_RULES: readonly RuleMeta[] = [
  {
    id: "internal/rule-error",
    defaultSeverity: "warning",
    title: "A rule failed; the analysis went on without it",
    tags: ["internal"],
    docs: docsPath("internal/rule-error"),
    sources: [],
  },
];

/** Metadata of every rule id, built-in and engine, in registry order. */
export function allRuleMetas(): RuleMeta[] {
  return [...RULES.map((r) => r.meta), ...ENGINE_RULES];
}

export function findRule(id: string): RuleMeta | undefined {
  return allRuleMetas().find((m) => m.id === id);
}
