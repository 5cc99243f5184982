import type { Command } from "commander";
import { mergeAnalyses, type MergeableState } from "../analyze.js";
import { initState } from "../facts/state.js";
import { prepareReport } from "../redact/prepare.js";
import { redactStderr } from "../redact/redact.js";
import { UsageError } from "../util/errors.js";
import { refuseInputAsOutput, writeReport } from "../util/output.js";
import { wantsColor } from "../util/color.js";
import { addOutputOptions, addReportOptions, loadRenderer, reportExit, type ReportCliOptions } from "./analyze.js";
import { configInput, rulesConfig } from "../config/cli.js";


/** The mergeable state a JSON report carries; a usage error when it has none, or one that is damaged. */
export function stateOf(report: { state?: unknown }, path: string): MergeableState {
  const s = report.state as Partial<MergeableState> | undefined;
  if (!s || s.version !== 1 || typeof s.facts !== "object" || s.facts === null || !Array.isArray(s.events))
    throw new UsageError("this JSON report carries no mergeable state: write it with `vllm-doctor analyze --format json`", path);
  const damage = stateDamage(s.facts as unknown as Record<string, unknown>);
  if (damage) throw new UsageError(`this JSON report's mergeable state is damaged (${damage})`, path);
  const part = s as MergeableState;
  try {
    mergeAnalyses([part]);
  } catch (e) {
    throw new UsageError(`this JSON report's mergeable state is damaged (${String((e as Error)?.message ?? e).split("\n")[0]})`, path);
  }
  return part;
}

const kindOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** What is missing or of the wrong kind in a report's fact state, compared with a fresh one (null: nothing). */
function stateDamage(facts: Record<string, unknown>): string | null {
  const fresh = initState() as unknown as Record<string, unknown>;
  for (const [domain, init] of Object.entries(fresh)) {
    const got = facts[domain];
    if (kindOf(got) !== kindOf(init)) return `${domain}: ${got === undefined ? "missing" : `a ${kindOf(got)}, not a ${kindOf(init)}`}`;
    if (kindOf(init) !== "object") continue;
    for (const [key, v] of Object.entries(init as Record<string, unknown>)) {
      const g = (got as Record<string, unknown>)[key];
      // a field whose fresh value is null or undefined may hold anything once set
      if (v === null || v === undefined) continue;
      if (kindOf(g) !== kindOf(v)) return `${domain}.${key}: ${g === undefined ? "missing" : `a ${kindOf(g)}, not a ${kindOf(v)}`}`;
    }
  }
  for (const inp of facts.inputs as unknown[]) {
    const i = inp as { path?: unknown; lines?: unknown; bytes?: unknown } | null;
    if (!i || typeof i.path !== "string" || typeof i.lines !== "number" || typeof i.bytes !== "number") return "inputs: an entry without path, lines and bytes";
  }
  return null;
}

export function registerMerge(program: Command): void {
  const cmd = program
    .command("merge")
    .description("combine the JSON reports of parts of a fleet into the report of all their logs at once (the rules run again on the merged facts)")
    .argument("<reports...>", "JSON reports written by `vllm-doctor analyze --format json`");
  addReportOptions(addOutputOptions(cmd, "json"), "read all reports as one run, even when they look like different runs")
    .action(async (paths: string[], opts: ReportCliOptions) => {
      redactStderr(Boolean(opts.redact || opts.redactModels));
      const render = await loadRenderer(opts.format, opts.events);
      const parts: MergeableState[] = [];
      const partPaths: string[] = [];
      const { readJsonReport } = await import("../gate/load.js");
      // (loaded here: node:crypto is ~5 ms of every command's start)
      const { sha256Hex } = await import("../util/sha256.js");
      const notices: string[] = [];
      const seen = new Map<string, string>();
      for (const p of paths) {
        const part = stateOf(await readJsonReport(p), p);
        // one report given twice (or a copy of it, or another report of the same log) is read once, as analyze
        // reads a log given twice: merged again, its lines would count twice
        const key = sha256Hex(JSON.stringify(part));
        const same = seen.get(key);
        if (same !== undefined) {
          notices.push(`${p} holds the same analysis as ${same} (${part.facts.inputs.map((i) => i.path).join(", ")}): read once`);
          continue;
        }
        seen.set(key, p);
        parts.push(part);
        partPaths.push(p);
      }
      // a report written with --redact names hosts, addresses and users by pseudonyms of its own: joined with another
      // report, its host-1 and the other's would be one host (two ranks on one GPU, one node where there are two)
      const redacted = parts.length > 1 ? partPaths.find((_, i) => parts[i].redacted) : undefined;
      if (redacted !== undefined)
        throw new UsageError("this report was written with --redact, and its pseudonyms (host-1, …) are its own: another report's host-1 is another host; merge the reports written without --redact, and redact the merged report (`vllm-doctor merge … --redact`)", redacted);
      // the rules run again on the merged facts: with the same configuration analyze used (severities, user rules)
      const merged = mergeAnalyses(parts, await rulesConfig(opts.config, opts.expectBusbw), { oneRun: opts.oneRun });
      if (notices.length) merged.report.notices = [...(merged.report.notices ?? []), ...notices];
      const out = prepareReport(merged.report, { format: opts.format, mergeable: { version: 1, facts: merged.state, events: merged.events, ...(parts.some((p) => p.redacted) ? { redacted: true as const } : {}) }, events: merged.events, withEvents: opts.events, redact: opts.redact, redactModels: opts.redactModels });
      const color = opts.format === "text" && !opts.output && opts.color !== false && wantsColor(process.stdout);
      await refuseInputAsOutput(opts.output, [...paths, configInput(opts.config)]);
      // as analyze of all the logs at once: a log one of the reports could not read (all or part of it) is exit 2 and its
      // stderr line, an error finding of any run exit 1
      const failures = merged.report.inputs.flatMap((i) => (i.error ? [{ path: i.path, message: i.error }] : []));
      const exit = reportExit(merged.report, failures);
      await writeReport(opts.output, render(out.report, { color, events: out.events }), exit.status, exit.lines);
    });
}
