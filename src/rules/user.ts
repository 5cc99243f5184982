import type { Facts, Severity } from "../facts/schema.js";
import type { RecordMatches } from "../events/user-patterns.js";
import type { FindingDraft } from "./types.js";
import { DOTTED_VERSION, compareVersions } from "../util/dotted-version.js";

export type Comparison = "==" | "!=" | "<" | "<=" | ">" | ">=" | "exists" | "missing";

/** A declarative rule from the configuration, with its regex compiled (and checked for catastrophic backtracking). */
export interface UserRule {
  id: string;
  severity: Severity;
  title: string;
  /** may use {count} (matching lines), {match} (first match, or its first group) and {value} (the fact's value) */
  message: string;
  remediation: string[];
  /** an absolute http(s) URL of the team's own page about the rule (the finding's `docsUrl`) */
  docs?: string;
  pattern?: RegExp;
  when?: { fact: string; op: Comparison; value?: string | number | boolean | null };
}

export function factValue(facts: Facts, path: string): unknown {
  let cur: unknown = facts;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export function compare(actual: unknown, op: Comparison, want: unknown): boolean {
  const present = actual !== null && actual !== undefined;
  if (op === "exists") return present;
  if (op === "missing") return !present;
  if (!present) return false;
  if (op === "==") return actual === want || String(actual) === String(want);
  if (op === "!=") return !(actual === want || String(actual) === String(want));
  // a version fact against a version written as a string (`"0.10"`: a JSON number would be 0.1) orders part by part
  if (typeof actual === "string" && typeof want === "string" && DOTTED_VERSION.test(actual) && DOTTED_VERSION.test(want)) {
    const c = compareVersions(actual, want);
    return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
  }
  const a = Number(actual);
  const b = Number(want);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

export function runUserRules(rules: readonly UserRule[], facts: Facts, matches: RecordMatches): { id: string; title: string; severity: Severity; docs?: string; draft: FindingDraft }[] {
  const out: { id: string; title: string; severity: Severity; docs?: string; draft: FindingDraft }[] = [];
  for (const r of rules) {
    const m = r.pattern ? matches[r.id] : undefined;
    if (r.pattern && (!m || m.count === 0)) continue;
    const value = r.when ? factValue(facts, r.when.fact) : undefined;
    if (r.when && !compare(value, r.when.op, r.when.value)) continue;
    const evidence = [...(m?.evidence ?? [])];
    if (r.when && facts.sources[r.when.fact]) evidence.push(facts.sources[r.when.fact]);
    const message = r.message
      .replaceAll("{count}", String(m?.count ?? 0))
      .replaceAll("{match}", m?.first ?? "")
      .replaceAll("{value}", value === undefined ? "" : JSON.stringify(value));
    const draft: FindingDraft = { message, evidence, remediation: r.remediation };
    if (m && m.count > evidence.length) draft.evidenceCount = m.count + (evidence.length - m.evidence.length);
    out.push({ id: r.id, title: r.title, severity: r.severity, ...(r.docs ? { docs: r.docs } : {}), draft });
  }
  return out;
}
