import type { Report } from "../facts/schema.js";

export const REPORT_KEYS: ReadonlySet<string> = new Set(["facts", "summary", "inputs", "findings", "tool", "schemaVersion", "notices"]);

/**
 * Reads a dotted path of the report. A path that does not start with a top-level report key is read
 * under `facts` (so `kvCache.tokens` means `facts.kvCache.tokens`). Keys may hold slashes
 * (`nccl.transports.NET/IB/GDRDMA`); array items are numbered (`nccl.rankMap.0.host`).
 */
export function readPath(report: Report, path: string): { found: boolean; value: unknown } {
  const parts = path.split(".").filter((p) => p.length > 0);
  if (parts.length === 0) return { found: false, value: undefined };
  let cur: unknown = REPORT_KEYS.has(parts[0]) ? report : report.facts;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, p)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[p];
  }
  return { found: true, value: cur };
}

/** Whether a path names something in the report's shape, even when its value is null. */
export function isKnownPath(report: Report, path: string): boolean {
  return readPath(report, path).found;
}
