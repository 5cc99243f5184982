import type { Facts } from "../facts/schema.js";
import { formatNumber } from "../util/number-format.js";
import { commNodes } from "../facts/cluster.js";

/** `2 × 8 ranks (TP group), 8 × 2 ranks across 2 nodes (PP group)`: the communicators by shape. */
export function communicatorLine(n: Facts["nccl"]): string | null {
  const shapes = new Map<string, number>();
  for (const c of n.communicators) {
    if (c.commId === null) continue;
    const size = c.nranks ?? c.ranksSeen;
    const { nodes, atLeast } = commNodes(c);
    const key = `${formatNumber(size, 0)} rank${size === 1 ? "" : "s"}${nodes > 1 ? ` across ${atLeast ? "at least " : ""}${formatNumber(nodes, 0)} nodes` : ""}${c.role ? ` (${c.role})` : ""}`;
    shapes.set(key, (shapes.get(key) ?? 0) + 1);
  }
  if (!shapes.size) return null;
  const more = n.communicatorCount - n.communicators.length;
  return [...shapes].map(([k, m]) => `${formatNumber(m, 0)} × ${k}`).join(", ") + (more > 0 ? `, ${formatNumber(more, 0)} more` : "");
}
