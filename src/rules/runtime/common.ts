import type { Facts, RuntimeFacts } from "../../facts/schema.js";
import type { Evidence } from "../../model.js";
import { fmt } from "../helpers.js";

/** facts.runtime with stats lines, or null (the runtime rules need the periodic stats lines). */
export function statsOf(facts: Facts): (RuntimeFacts & { running: NonNullable<RuntimeFacts["running"]>; waiting: NonNullable<RuntimeFacts["waiting"]> }) | null {
  const r = facts.runtime;
  if (!r || r.statsLines === 0 || !r.running || !r.waiting) return null;
  return r as RuntimeFacts & { running: NonNullable<RuntimeFacts["running"]>; waiting: NonNullable<RuntimeFacts["waiting"]> };
}

export const pct = (x: number): string => `${fmt(x * 100, 0)}%`;

/** `over 412 stats lines (1 h 8 min)` */
export function overLines(r: RuntimeFacts): string {
  return `${fmt(r.statsLines, 0)} stats line${r.statsLines === 1 ? "" : "s"}${r.spanS !== null && r.spanS > 0 ? ` (${duration(r.spanS)})` : ""}`;
}

export function duration(s: number): string {
  if (s < 120) return `${fmt(s, 0)} s`;
  if (s < 7200) return `${fmt(Math.round(s / 60), 0)} min`;
  const h = Math.floor(s / 3600);
  return `${h} h ${Math.round((s - h * 3600) / 60)} min`;
}

export function sourceOf(facts: Facts, key: string): Evidence | null {
  return facts.sources[key] ?? null;
}
