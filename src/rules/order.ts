import type { Finding, Severity } from "../facts/schema.js";
import type { RuleMeta } from "./types.js";
import { DEFAULT_RELATION, LAYERS, RELATIONS, type Relation } from "./relations.js";

/** A rule's layer, causes and dialects: its meta's own, else the catalog table's, else a symptom of any log. */
export function relationOf(id: string, meta?: RuleMeta): Relation {
  const table = RELATIONS[id] ?? DEFAULT_RELATION;
  return {
    layer: meta?.layer ?? table.layer,
    causedBy: meta?.causedBy ?? table.causedBy,
    dialects: meta?.dialects ?? table.dialects,
    causedAt: table.causedAt,
    causesAt: table.causesAt,
  };
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

interface Pos {
  input: number;
  line: number;
}

function firstPos(f: Finding, inputIndex: Map<string, number>): Pos | null {
  let best: Pos | null = null;
  for (const e of f.evidence) {
    const p = { input: inputIndex.get(e.file) ?? 0, line: e.line };
    if (!best || p.input < best.input || (p.input === best.input && p.line < best.line)) best = p;
  }
  return best;
}

/** The cause's first line is not after every line of the consequence in the same file (other files: any order). */
function notAfter(cause: Finding, effect: Finding): boolean {
  const effectLast = new Map<string, number>();
  for (const e of effect.evidence) effectLast.set(e.file, Math.max(effectLast.get(e.file) ?? 0, e.line));
  const shared = cause.evidence.filter((e) => effectLast.has(e.file));
  if (!shared.length) return true;
  return shared.some((e) => e.line <= effectLast.get(e.file)!);
}

/**
 * Findings in cause order, each consequence naming its causes (`causedBy`) and every finding its layer.
 * Findings linked by cause form a chain; chains with an error come first. Inside, by layer (setup → network →
 * memory → NCCL → engine → symptom), then severity, then the line of the first evidence; a finding never comes
 * before one of its causes. See docs/rules/ordering.md.
 */
export function orderFindings(findings: readonly Finding[], metas: ReadonlyMap<string, RuleMeta>, inputs: readonly string[] = []): Finding[] {
  const inputIndex = new Map(inputs.map((p, i) => [p, i]));
  const rel = findings.map((f) => relationOf(f.ruleId, metas.get(f.ruleId)));
  const n = findings.length;
  // links: i caused j
  const causes: number[][] = findings.map(() => []);
  for (let j = 0; j < n; j++) {
    const may = rel[j].causedBy;
    if (!may?.length || (rel[j].causedAt && !rel[j].causedAt!.includes(findings[j].severity))) continue;
    for (let i = 0; i < n; i++) {
      if (i === j || findings[i].ruleId === findings[j].ruleId || !may.includes(findings[i].ruleId)) continue;
      if (rel[i].causesAt && !rel[i].causesAt!.includes(findings[i].severity)) continue;
      if (notAfter(findings[i], findings[j])) causes[j].push(i);
    }
  }
  // chains: the connected groups of links, each as bad as its worst finding
  const group = findings.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i])));
  causes.forEach((cs, j) => cs.forEach((i) => (group[root(i)] = root(j))));
  const chainRank = new Map<number, number>();
  findings.forEach((f, i) => chainRank.set(root(i), Math.min(chainRank.get(root(i)) ?? 9, SEVERITY_RANK[f.severity])));
  const pos = findings.map((f) => firstPos(f, inputIndex));
  const key = (i: number): number[] => [
    chainRank.get(root(i))!,
    LAYERS.indexOf(rel[i].layer),
    SEVERITY_RANK[findings[i].severity],
    pos[i]?.input ?? Number.MAX_SAFE_INTEGER,
    pos[i]?.line ?? Number.MAX_SAFE_INTEGER,
    i,
  ];
  const keys = findings.map((_, i) => key(i));
  const cmp = (a: number, b: number) => {
    for (let k = 0; k < keys[a].length; k++) if (keys[a][k] !== keys[b][k]) return keys[a][k] - keys[b][k];
    return 0;
  };
  const sorted = findings.map((_, i) => i).sort(cmp);
  // a stable topological pass: the first finding in key order whose causes are all placed
  const placed = new Set<number>();
  const out: Finding[] = [];
  while (out.length < n) {
    const next = sorted.find((i) => !placed.has(i) && causes[i].every((c) => placed.has(c))) ?? sorted.find((i) => !placed.has(i))!;
    placed.add(next);
    const by = [...new Set(causes[next].map((c) => findings[c].ruleId))];
    out.push({ ...findings[next], layer: rel[next].layer, ...(by.length ? { causedBy: by } : {}) });
  }
  return out;
}
