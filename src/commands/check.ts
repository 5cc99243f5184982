import type { Command } from "commander";
import { analyze, mergeableStateOf } from "../analyze.js";
import type { Gate, Report } from "../facts/schema.js";
import type { FailOn } from "../gate/check.js";
import { prepareReport } from "../redact/prepare.js";
import { messageText, redactStderr } from "../redact/redact.js";
import { wantsColor } from "../util/color.js";
import { UsageError } from "../util/errors.js";
import { checkOutputPath, refuseInputAsOutput, writeReport } from "../util/output.js";
import { safeLine, safeText } from "../util/terminal.js";
import { addInputOptions, addOutputOptions, addReportOptions, INPUTS_HELP, loadRenderer, scaleOptions, type InputCliOptions, type ReportCliOptions } from "./analyze.js";
import { configInput, rulesConfig } from "../config/cli.js";
import { runsInOneInput, runsInOneInputText } from "../facts/vllm.js";
import { gateVerdict } from "../report/hints.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

// for the help text, without loading the gate at start-up; the type makes it list every level
const FAIL_ON_HELP: Record<FailOn, true> = { error: true, warning: true, info: true, none: true };

interface CheckCliOptions extends InputCliOptions, ReportCliOptions {
  failOn: string;
  maxWarnings?: string;
  require?: string[];
  requireTransport?: string[];
  forbidTransport?: string[];
  baseline?: string;
  maxRegression?: string[];
}

/** One gate over every run of the report (inputs read as several runs): each requirement once per run. */
export function gateEveryRun(report: Report, evaluate: (r: Report) => Gate): Gate {
  if (!report.runs?.length) return evaluate(report);
  const gates = report.runs.map((run) => evaluate({ ...report, facts: run.facts, findings: run.findings, summary: run.summary, verdict: run.verdict, runs: undefined }));
  return {
    passed: gates.every((g) => g.passed),
    failOn: gates[0].failOn,
    requirements: gates.flatMap((g, i) => g.requirements.map((q) => ({ ...q, name: `run ${i + 1} (${report.runs![i].inputs.join(", ")}): ${q.name}` }))),
  };
}

/** The gate's verdict as lines of plain text. */
export function renderGateText(gate: Gate): string {
  const lines = ["", `Gate: ${gate.passed ? "PASSED" : "FAILED"}`];
  for (const r of gate.requirements) lines.push(`  ${r.passed ? "pass" : "FAIL"}  ${safeText(r.name)}: ${safeText(r.reason)}`);
  return lines.join("\n") + "\n";
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command("check")
    .description("CI gate: analyze logs and exit 0 (pass), 1 (gate failed) or 2 (usage or input error)")
    .argument("<inputs...>", INPUTS_HELP);
  addInputOptions(addOutputOptions(cmd))
    .option("--fail-on <level>", `fail on findings of this severity or worse: ${Object.keys(FAIL_ON_HELP).join(", ")}`, "error")
    .option("--max-warnings <n>", "fail when there are more than N warnings")
    .option("--require <expr>", "a fact requirement such as 'kvCache.tokens>=500000' (>= <= > < == !=; repeatable)", collect)
    .option("--require-transport <kind>", "every inter-node NCCL connection must use this kind, e.g. NET/IB (repeatable)", collect)
    .option("--forbid-transport <kind>", "no inter-node NCCL connection may use this kind, e.g. NET/Socket (repeatable)", collect)
    .option("--baseline <report>", "a JSON report (or a log) of a known-good run, for --max-regression")
    .option("--max-regression <limit>", "allowed worsening against the baseline, e.g. 'kvCache.tokens=10%' (repeatable)", collect);
  addReportOptions(cmd, "read all inputs (and a --baseline that is a folder of logs) as one run, even when they look like different runs")
    .action(async (inputs: string[], opts: CheckCliOptions) => {
      redactStderr(Boolean(opts.redact || opts.redactModels));
      const render = await loadRenderer(opts.format, opts.events);
      await checkOutputPath(opts.output);
      await refuseInputAsOutput(opts.output, [...inputs, opts.baseline, configInput(opts.config)]);
      const { evaluateGate, parseGateSpec } = await import("../gate/check.js");
      const spec = parseGateSpec(opts);
      // (`--baseline "$LAST_GOOD"` with the variable unset: a baseline was asked for)
      if (opts.baseline === "") throw new UsageError("--baseline needs a file name");
      if (spec.maxRegression.length && !opts.baseline) throw new UsageError("--max-regression needs --baseline report.json");
      // (the inputs would read nothing: the baseline has read stdin to its end)
      if (opts.baseline === "-" && inputs.includes("-")) throw new UsageError("--baseline - and the input - cannot both read stdin: save one of them to a file");
      if (opts.baseline !== undefined && !spec.maxRegression.length) throw new UsageError("--baseline goes with --max-regression 'PATH=N%' (alone it judges nothing)");
      const libOpts = await scaleOptions(inputs, opts);
      libOpts.rules = await rulesConfig(opts.config, opts.expectBusbw);
      // the report loader validates with zod: loaded only for a baseline; a baseline log is read as the inputs are
      const baseline: Report | undefined = opts.baseline ? await (await import("../gate/load.js")).loadReportOrLog(opts.baseline, { rules: libOpts.rules, limits: libOpts.limits, oneRun: opts.oneRun }) : undefined;
      // an empty baseline (a job that wrote nothing, a report of one) has no fact to compare: every regression of a count would pass
      if (baseline && baseline.inputs.every((i) => i.lines === 0)) throw new UsageError("the baseline holds no lines: there is nothing to compare with", opts.baseline);
      libOpts.oneRun = opts.oneRun;
      const result = await analyze(inputs, libOpts);
      libOpts.progressEnd?.();
      // nothing was read at all: one line and exit 2 (as analyze); inputs damaged part-way still report what they held
      if (result.failures.length > 0 && result.report.inputs.every((i) => i.error && i.lines === 0)) {
        const f = result.failures[0];
        throw new UsageError(f.message, f.path);
      }
      const judged = gateEveryRun(result.report, (r) => evaluateGate(r, spec, baseline));
      // an input read only in part (a truncated .gz, an unreadable file in a folder) never lets the gate pass
      const inputFailures = result.failures.map((f) => ({ kind: "inputs", name: `read ${f.path}`, passed: false, reason: `${f.message}: the gate cannot judge what the tool could not read` }));
      // an empty log (a job that crashed before it wrote, a collector that caught nothing) is no evidence of a good run
      if (!inputFailures.length && result.report.inputs.every((i) => i.lines === 0)) inputFailures.push({ kind: "inputs", name: "inputs hold lines", passed: false, reason: "every input is empty: there is nothing to judge" });
      // a file that holds several runs (a log appended to across restarts) gives facts of none of them: a requirement
      // would be judged on the first run's values and the others' mixed in (unless --one-run says to read it so)
      if (!opts.oneRun) for (const r of runsInOneInput(result.state.vllm, result.state.inputs)) inputFailures.push({ kind: "inputs", name: `one run in ${r.path}`, passed: false, reason: `${runsInOneInputText(r)} (or pass --one-run to judge them as one)` });
      const gate: Gate = inputFailures.length ? { ...judged, passed: false, requirements: [...inputFailures, ...judged.requirements] } : judged;
      // the answer first: a failed gate says which requirement failed before what the log shows
      const verdict = gateVerdict(gate, result.report.verdict);
      const gated: Report = { ...result.report, gate, ...(verdict !== undefined ? { verdict } : {}) };
      const out = prepareReport(gated, { format: opts.format, mergeable: mergeableStateOf(result), events: result.events, withEvents: opts.events, redact: opts.redact, redactModels: opts.redactModels });
      const toTerminal = opts.format === "text" && (!opts.output || opts.output === "-");
      const color = toTerminal && opts.color !== false && wantsColor(process.stdout);
      let text = render(out.report, { color, events: out.events });
      if (opts.format === "text") text += renderGateText(out.report.gate!);
      await refuseInputAsOutput(opts.output, [...result.report.inputs.map((i) => i.path), opts.baseline, configInput(opts.config)]);
      const said: string[] = [];
      if (!toTerminal) {
        // (an input that failed is named below, with its error)
        for (const r of out.report.gate!.requirements) if (!r.passed && (r.kind !== "inputs" || !result.failures.length)) said.push(safeLine(messageText(`vllm-doctor: gate failed: ${r.name}: ${r.reason}`)) + "\n");
        said.push(`vllm-doctor: gate ${gate.passed ? "passed" : "failed"}\n`);
      }
      for (const f of result.failures) said.push(safeLine(messageText(`vllm-doctor: ${f.message} (${f.path})`)) + "\n");
      await writeReport(opts.output, text, result.failures.length ? 2 : gate.passed ? 0 : 1, said);
    });
}
