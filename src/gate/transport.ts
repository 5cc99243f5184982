import type { Facts } from "../facts/schema.js";

/**
 * Transport kinds of the run's inter-node NCCL traffic, with counts of connection lines (facts.nccl.interNode).
 * A multi-node run whose log has no connection lines counts the kind its chosen network implies, with 0 lines
 * (facts.nccl.interNodeNet). The gate, diff and the network rules all read this one classification.
 */
export function interNodeKinds(facts: Facts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(facts.nccl.interNode)) if (n > 0) out[k] = n;
  if (!Object.keys(out).length && facts.nccl.interNodeNet) out[facts.nccl.interNodeNet] = 0;
  return out;
}

/** Transport kinds of connections between ranks of one host, with counts. */
export function intraNodeKinds(facts: Facts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(facts.nccl.intraNode)) if (n > 0) out[k] = n;
  return out;
}

/** Whether a transport kind is KIND or a refinement of it (`NET/IB` covers `NET/IB/GDRDMA`). */
export function kindMatches(kind: string, wanted: string): boolean {
  const k = kind.toLowerCase();
  const w = wanted.toLowerCase().replace(/\/+$/, "");
  return k === w || k.startsWith(w + "/");
}

export function interNodePairs(facts: Facts): number {
  return facts.nccl.nodePairs.filter((p) => p.scope === "inter").length;
}
