import { evidenceOf, type Evidence, type LogRecord } from "../model.js";
import type { UserRule } from "../rules/user.js";

/** Per user rule with a pattern: how many records matched, the first few of them, and the first match. */
export type RecordMatches = Record<string, { evidence: Evidence[]; count: number; first: string | null }>;

const KEEP = 20;

/**
 * The user rules' patterns applied to records as they are read, like the signature table: bounded (a count and
 * the first lines per rule) and kept in the fact state, so every way of reading (one thread, a split file,
 * --follow, a saved report) hands the rules the same matches.
 */
export function createUserPatternMatcher(rules: readonly UserRule[] | undefined): { patterns: RegExp[]; onRecord(rec: LogRecord): void; results(): RecordMatches } | null {
  const withPattern = rules?.filter((r) => r.pattern) ?? [];
  if (!withPattern.length) return null;
  const out: RecordMatches = {};
  for (const r of withPattern) out[r.id] = { evidence: [], count: 0, first: null };
  return {
    patterns: withPattern.map((r) => r.pattern!),
    onRecord(rec) {
      for (const r of withPattern) {
        const m = r.pattern!.exec(rec.text);
        if (!m) continue;
        const slot = out[r.id];
        slot.count++;
        if (slot.evidence.length < KEEP) slot.evidence.push(evidenceOf(rec));
        slot.first ??= m[1] ?? m[0];
      }
    },
    results: () => out,
  };
}

/** The matches of two inputs read in order (counts add, evidence keeps the first lines). */
export function mergeRecordMatches(a: RecordMatches | undefined, b: RecordMatches | undefined): RecordMatches | undefined {
  if (!a || !b) return a ?? b;
  const out: RecordMatches = { ...a };
  for (const [id, m] of Object.entries(b)) {
    const cur = out[id];
    out[id] = cur ? { count: cur.count + m.count, evidence: [...cur.evidence, ...m.evidence].slice(0, KEEP), first: cur.first ?? m.first } : m;
  }
  return out;
}
