import type { Command } from "commander";
import { registerAnalyze } from "./analyze.js";
import { registerPlan } from "./plan.js";

/** Every sub-command, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerAnalyze(program);
  registerPlan(program);
}
