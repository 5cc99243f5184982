import type { Command } from "commander";
import { mergeAnalyses, type MergeableState } from "../analyze.js";
import { prepareReport } from "../redact/prepare.js";
import { UsageError } from "../util/errors.js";
import { writeOutput } from "../util/output.js";
import { wantsColor } from "../util/color.js";
import { FORMATS, loadRenderer } from "./analyze.js";

interface MergeCliOptions {
  format: string;
  output?: string;
  color?: boolean;
  redact?: boolean;
  redactModels?: boolean;
  events?: boolean;
}

/** The mergeable state a JSON report carries; a usage error when it has none. */
export function stateOf(report: { state?: unknown }, path: string): MergeableState {
  const s = report.state as Partial<MergeableState> | undefined;
  if (!s || s.version !== 1 || typeof s.facts !== "object" || !Array.isArray(s.events))
    throw new UsageError("this JSON report carries no mergeable state: write it with `vllm-doctor analyze --format json`", path);
  return s as MergeableState;
}

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("combine the JSON reports of parts of a fleet into the report of all their logs at once")
    .argument("<reports...>", "JSON reports written by `vllm-doctor analyze --format json`")
    .option("-f, --format <format>", `output format: ${Object.keys(FORMATS).join(", ")}`, "json")
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--no-color", "never colour the text report")
    .option("--redact", "replace hosts, IPs, user names and secrets with consistent pseudonyms")
    .option("--redact-models", "with --redact: also replace model names and paths")
    .option("--events", "ndjson: also write every kept event")
    .action(async (paths: string[], opts: MergeCliOptions) => {
      const render = await loadRenderer(opts.format);
      const parts: MergeableState[] = [];
      const { readJsonReport } = await import("../gate/load.js");
      for (const p of paths) parts.push(stateOf(await readJsonReport(p), p));
      const merged = mergeAnalyses(parts);
      const out = prepareReport(merged.report, { format: opts.format, mergeable: { version: 1, facts: merged.state, events: merged.events }, events: merged.events, withEvents: opts.events, redact: opts.redact, redactModels: opts.redactModels });
      const color = opts.format === "text" && !opts.output && opts.color !== false && wantsColor(process.stdout);
      await writeOutput(opts.output, render(out.report, { color, events: out.events }));
      process.exitCode = merged.report.summary.errors > 0 ? 1 : 0;
    });
}
