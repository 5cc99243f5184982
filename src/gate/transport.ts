import type { Facts } from "../facts/schema.js";

/** Transport kinds used by connections between different hosts (facts.nccl.nodePairs with a != b), with counts. */
export function interNodeKinds(facts: Facts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of facts.nccl.nodePairs) {
    if (p.a === p.b) continue;
    for (const [k, n] of Object.entries(p.kinds)) if (n > 0) out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

/** Whether a transport kind is KIND or a refinement of it (`NET/IB` covers `NET/IB/GDRDMA`). */
export function kindMatches(kind: string, wanted: string): boolean {
  const k = kind.toLowerCase();
  const w = wanted.toLowerCase().replace(/\/+$/, "");
  return k === w || k.startsWith(w + "/");
}

export function interNodePairs(facts: Facts): number {
  return facts.nccl.nodePairs.filter((p) => p.a !== p.b).length;
}
