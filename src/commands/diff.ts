import type { Command } from "commander";
import { Redactor, hostsOf } from "../redact/redact.js";
import { UsageError } from "../util/errors.js";
import { refuseInputAsOutput, writeReport } from "../util/output.js";
import { safeText } from "../util/terminal.js";
import { configInput, rulesConfig } from "../config/cli.js";

interface DiffCliOptions {
  format: string;
  output?: string;
  exitCode?: boolean;
  redact?: boolean;
  redactModels?: boolean;
  config?: string;
  expectBusbw?: string;
  oneRun?: boolean;
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description("compare two runs fact by fact (each a log or a JSON report) and list findings that appeared or went away")
    .argument("<a>", "the earlier run: a log file or a JSON report")
    .argument("<b>", "the later run: a log file or a JSON report")
    .option("-f, --format <format>", "output format: text, json", "text")
    .option("-o, --output <file>", "write the comparison to a file (atomically) instead of stdout")
    .option("--exit-code", "exit 1 when anything differs (like git diff --exit-code)")
    .option("--redact", "replace hosts, IPs, user names and secrets with consistent pseudonyms")
    .option("--redact-models", "with --redact: also replace model names and paths")
    .option("--config <file>", "rule configuration for a side that is a log (default: the nearest .vllm-doctor.json in this folder or above), as analyze reads it")
    .option("--expect-busbw <GB/s>", "the nccl-tests bus bandwidth this fabric should reach, for a side that is a log (as analyze takes it)")
    .option("--one-run", "read a side that is a folder of logs as one run, even when they look like different runs")
    .action(async (a: string, b: string, opts: DiffCliOptions) => {
      if (opts.format !== "text" && opts.format !== "json") throw new UsageError(`unknown format '${opts.format}'; choose one of text, json`);
      // (the second would read nothing: the first has read stdin to its end)
      if (a === "-" && b === "-") throw new UsageError("only one side of diff can be - (stdin): save the other run to a file");
      const [{ loadReportOrLog }, { diffReports, renderDiffText }] = await Promise.all([import("../gate/load.js"), import("../gate/diff.js")]);
      // a side that is a log is analyzed with the rule configuration analyze would use (severities, user rules)
      const rules = await rulesConfig(opts.config, opts.expectBusbw);
      const ra = await loadReportOrLog(a, { rules, oneRun: opts.oneRun });
      const rb = await loadReportOrLog(b, { rules, oneRun: opts.oneRun });
      let diff = diffReports(ra, rb);
      if (opts.redact || opts.redactModels) {
        // one redactor for both sides, so a host keeps its pseudonym across the two runs
        const r = new Redactor({ models: Boolean(opts.redactModels) });
        r.learnHosts([...hostsOf(ra), ...hostsOf(rb)]);
        r.learnModels([ra.facts.config.model, rb.facts.config.model].filter((m): m is string => !!m));
        diff = r.value(diff);
      }
      const text = opts.format === "json" ? JSON.stringify(diff, null, 2) + "\n" : safeText(renderDiffText(diff));
      await refuseInputAsOutput(opts.output, [a, b, configInput(opts.config)]);
      const differs = diff.changes.length > 0 || diff.findings.appeared.length > 0 || diff.findings.resolved.length > 0;
      await writeReport(opts.output, text, opts.exitCode && differs ? 1 : 0);
    });
}
