import { finalizeSignals, type FactState } from "../facts/state.js";
import type { Facts, Finding, Severity } from "../facts/schema.js";
import { RULES } from "./index.js";
import { orderFindings, relationOf } from "./order.js";
import { DEBUG_HINT } from "./nccl/signature-rule.js";
import { DEFAULT_THRESHOLDS, docsPath, docsUrl, type FindingDraft, type Rule, type RuleContext, type RuleMeta, type Thresholds } from "./types.js";
import type { RecordMatches } from "../events/user-patterns.js";
import { runUserRules, type UserRule } from "./user.js";
import { hasNcclInfo } from "../facts/dialects.js";

/** Per-rule severity or "off", thresholds, user rules: filled by the configuration loader (src/config). */
export interface RulesConfig {
  rules?: Record<string, Severity | "off">;
  thresholds?: Partial<Record<string, number>>;
  userRules?: UserRule[];
  /** what the user rules' regexes matched in the records (filled by analyze) */
  recordMatches?: RecordMatches;
}

export const RULE_ERROR_ID = "internal/rule-error";

export function effectiveThresholds(config?: RulesConfig): Thresholds {
  const t: Thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [k, v] of Object.entries(config?.thresholds ?? {})) if (k in t && typeof v === "number") t[k as keyof Thresholds] = v;
  return t;
}

export function severityOf(rule: Rule, config?: RulesConfig): Severity | "off" {
  return config?.rules?.[rule.meta.id] ?? rule.meta.defaultSeverity;
}

/** Runs every registered rule in registry order; a rule that throws becomes an internal/rule-error finding. */
export function runRules(facts: Facts, state: FactState, config?: RulesConfig): Finding[] {
  const thresholds = effectiveThresholds(config);
  const ctx: RuleContext = { facts, signals: finalizeSignals(state), state, thresholds };
  const findings: Finding[] = [];
  const dialects = new Set((facts.dialects ?? []).map((d) => d.name));
  // another program wrote the log (SGLang, Hugging Face's TGI, TensorRT-LLM, LMDeploy, a torchrun job, nccl-tests): a rule
  // of a program not seen there is off; a bare excerpt that shows no program at all keeps every rule
  const foreign = dialects.has("sglang") || dialects.has("tgi") || dialects.has("trtllm") || dialects.has("lmdeploy") || dialects.has("nccl-tests") || (facts.dialects ?? []).some((d) => d.name === "pytorch" && d.detail === "torchrun");
  for (const rule of RULES) {
    const configured = config?.rules?.[rule.meta.id];
    if (configured === "off") continue;
    // a rule of one program (a vLLM rule) says nothing about a log that program did not write
    const only = DIALECTS_OF.get(rule);
    if (foreign && only?.length && !only.some((d) => dialects.has(d))) continue;
    let drafts: FindingDraft[];
    try {
      drafts = rule.check(ctx);
    } catch (e) {
      if (config?.rules?.[RULE_ERROR_ID] === "off") continue;
      findings.push(ruleError(rule.meta.id, e, config));
      continue;
    }
    if (!drafts.length) continue;
    const docs = { docs: rule.meta.docs, docsUrl: docsUrl(rule.meta.docs) };
    for (const d of drafts) findings.push(toFinding(rule.meta.id, rule.meta.title, d.severity && !configured ? d.severity : (configured ?? rule.meta.defaultSeverity), d, thresholds.maxEvidence, docs));
  }
  if (config?.userRules?.length) {
    try {
      for (const u of runUserRules(config.userRules, facts, config.recordMatches ?? state.userMatches ?? {})) {
        // a user rule's page is the team's own (its `docs` URL), or none; `docs` names where user rules are explained
        findings.push(toFinding(u.id, u.title, u.severity, u.draft, thresholds.maxEvidence, { docs: USER_RULES_DOCS, ...(u.docs ? { docsUrl: u.docs } : {}) }));
      }
    } catch (e) {
      findings.push(ruleError("user rules", e, config));
    }
  }
  // "rerun with NCCL_DEBUG=INFO" is no advice for a log that has NCCL's INFO lines; where it was a finding's only advice
  // and the log has no NCCL WARN (the INFO lines are there, the failing process's WARN is not), say where that WARN is
  const ncclInfo = hasNcclInfo(facts);
  const noWarn = facts.nccl?.firstWarn == null;
  const withoutHint = (f: Finding): string[] => {
    const rest = f.remediation.filter((r) => r !== DEBUG_HINT);
    return rest.length === 0 && f.remediation.length > 0 && noWarn ? [WARN_ELSEWHERE_HINT] : rest;
  };
  const helpful = ncclInfo ? findings.map((f) => ({ ...f, remediation: withoutHint(f) })) : findings;
  return orderFindings(helpful, META_BY_ID, state.inputs.map((i) => i.path));
}

/**
 * The advice for an NCCL failure in a log that has NCCL's INFO lines but no NCCL WARN: NCCL prints the WARN that names
 * the cause in the process where the failure began (debug.cc, to that process's stdout or NCCL_DEBUG_FILE), so it is in
 * another rank's output, node or file, or it was cut from the paste; the error lines here only carry its code.
 */
export const WARN_ELSEWHERE_HINT =
  "The log has NCCL's INFO lines but not the NCCL WARN that names the cause: NCCL prints it in the process where the failure began, so it is in another rank's or node's output, or in a file of its own (NCCL_DEBUG_FILE). Collect every rank's output (NCCL_DEBUG_FILE=/tmp/nccl.%h.%p.log writes one file per process on each node) and look for the first NCCL WARN.";

/** Where user rules are explained (the `docs` of a user rule's finding). */
export const USER_RULES_DOCS = "docs/configuration.md";

const META_BY_ID: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((r) => [r.meta.id, r.meta]));
/** the programs each rule is of (undefined: any) */
const DIALECTS_OF: ReadonlyMap<Rule, readonly string[] | undefined> = new Map(RULES.map((r) => [r, relationOf(r.meta.id, r.meta).dialects]));

function toFinding(ruleId: string, title: string, severity: Severity, d: FindingDraft, maxEvidence: number, docs: { docs: string; docsUrl?: string }): Finding {
  const evidence = d.evidence.slice(0, Math.max(0, maxEvidence));
  const total = Math.max(d.evidenceCount ?? 0, d.evidence.length);
  return {
    ruleId,
    severity,
    title: d.title ?? title,
    message: d.message,
    evidence,
    ...(total > evidence.length ? { evidenceCount: total } : {}),
    remediation: d.remediation,
    ...docs,
  };
}

function ruleError(id: string, e: unknown, config?: RulesConfig): Finding {
  const msg = e instanceof Error ? e.message : String(e);
  return {
    ruleId: RULE_ERROR_ID,
    severity: (config?.rules?.[RULE_ERROR_ID] as Severity | undefined) ?? "warning",
    title: "A rule failed; the analysis went on without it",
    message: `rule ${id} threw: ${msg.split("\n")[0]}`,
    evidence: [],
    remediation: ["Report this with the log (or a redacted excerpt) to the vllm-doctor maintainers; the other findings are unaffected."],
    docs: docsPath(RULE_ERROR_ID),
    docsUrl: docsUrl(docsPath(RULE_ERROR_ID)),
  };
}
