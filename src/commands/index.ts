import type { Command } from "commander";
import { registerAnalyze } from "./analyze.js";
import { registerCheck } from "./check.js";
import { registerDiff } from "./diff.js";
import { registerMerge } from "./merge.js";
import { registerPlan } from "./plan.js";
import { registerRules } from "./rules.js";
import { registerExplain } from "./explain.js";

/** Every sub-command, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerAnalyze(program);
  registerCheck(program);
  registerDiff(program);
  registerMerge(program);
  registerPlan(program);
  registerRules(program);
  registerExplain(program);
}
