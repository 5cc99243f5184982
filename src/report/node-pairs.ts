import { formatNumber } from "../util/number-format.js";
import type { Facts } from "../facts/schema.js";

/*
 * The transport by node pair as a person reads it. A few pairs are listed one by one; a big job's hundreds (a 256-node
 * ring names ~770) would bury the one pair that matters, so past PAIRS_IN_FULL they are grouped by scope and the
 * transports they use, and only the pairs unlike most of their scope (the one node pair on sockets) are named. The JSON
 * report keeps every pair (facts.nccl.nodePairs).
 */

export interface PairRow {
  a: string;
  /** the other end's host, or UNKNOWN_HOST when it is not in the log */
  b: string;
  scope: "intra-node" | "inter-node";
  kinds: [string, number][];
}

export const UNKNOWN_HOST = "(a node not in the log)";

export function pairRows(f: Facts): PairRow[] {
  return f.nccl.nodePairs.map((p) => ({
    a: p.a,
    b: p.b ?? UNKNOWN_HOST,
    scope: p.scope === "intra" ? "intra-node" : "inter-node",
    kinds: Object.entries(p.kinds).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]),
  }));
}

export const kindsText = (kinds: [string, number][]) => (kinds.length ? kinds.map(([k, v]) => `${k} ×${formatNumber(v, 0)}`).join(", ") : "—");

/** up to this many pairs are listed one by one */
export const PAIRS_IN_FULL = 12;
/** of the pairs unlike most of their scope, this many are named */
export const MAX_ODD_PAIRS = 20;

/** pairs of one scope that use the same transports (their counts added up) */
export interface PairGroup {
  /** "intra-node", "inter-node", or "inter-node, other end not in the log" */
  scope: string;
  pairs: number;
  kinds: [string, number][];
}

export type PairView =
  | { grouped: false; rows: PairRow[] }
  | { grouped: true; total: number; groups: PairGroup[]; odd: PairRow[]; oddMore: number };

const groupScope = (p: PairRow) => (p.scope === "intra-node" ? "intra-node" : p.b === UNKNOWN_HOST ? "inter-node, other end not in the log" : "inter-node");

/** The pairs one by one, or (past PAIRS_IN_FULL) grouped, with the pairs unlike the largest group of their scope named. */
export function pairView(f: Facts): PairView {
  const rows = pairRows(f);
  if (rows.length <= PAIRS_IN_FULL) return { grouped: false, rows };
  const groups = new Map<string, PairGroup & { members: PairRow[] }>();
  for (const p of rows) {
    const scope = groupScope(p);
    const key = `${scope}\u0000${p.kinds.map(([k]) => k).sort().join("\u0000")}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { scope, pairs: 0, kinds: [], members: [] }));
    g.pairs++;
    g.members.push(p);
    for (const [k, v] of p.kinds) {
      const at = g.kinds.find((x) => x[0] === k);
      if (at) at[1] += v;
      else g.kinds.push([k, v]);
    }
  }
  const all = [...groups.values()];
  for (const g of all) g.kinds.sort((x, y) => y[1] - x[1]);
  const order = ["intra-node", "inter-node", "inter-node, other end not in the log"];
  all.sort((x, y) => order.indexOf(x.scope) - order.indexOf(y.scope) || y.pairs - x.pairs);
  // the largest group of each scope is the rule there; a pair of any other group is named (a scope of one group has none)
  const largest = new Map<string, PairGroup>();
  for (const g of all) if (!largest.has(g.scope)) largest.set(g.scope, g);
  const odd = all.filter((g) => largest.get(g.scope) !== g).flatMap((g) => g.members);
  return {
    grouped: true,
    total: rows.length,
    groups: all.map(({ scope, pairs, kinds }) => ({ scope, pairs, kinds })),
    odd: odd.slice(0, MAX_ODD_PAIRS),
    oddMore: Math.max(0, odd.length - MAX_ODD_PAIRS),
  };
}

/** "256 nodes", "511 node pairs", "3 pairs with a node not in the log" */
export function groupLabel(g: PairGroup): string {
  if (g.scope === "intra-node") return `${formatNumber(g.pairs, 0)} node${g.pairs === 1 ? "" : "s"}, each within itself`;
  if (g.scope === "inter-node") return `${formatNumber(g.pairs, 0)} node pair${g.pairs === 1 ? "" : "s"}`;
  return `${formatNumber(g.pairs, 0)} pair${g.pairs === 1 ? "" : "s"} with a node not in the log`;
}

/** the sentence before the grouped rows */
export function groupedLead(v: Extract<PairView, { grouped: true }>): string {
  return `${formatNumber(v.total, 0)} node pairs, grouped by the transports they use (the JSON report lists each)`;
}

/** the sentence before the pairs unlike most of their scope */
export function oddLead(v: Extract<PairView, { grouped: true }>): string {
  const n = v.odd.length + v.oddMore;
  return `${n} pair${n === 1 ? "" : "s"} unlike most of ${n === 1 ? "its" : "their"} scope${v.oddMore ? ` (the first ${v.odd.length})` : ""}`;
}
