import type { Command } from "commander";
import { analyze } from "../analyze.js";
import { renderJson } from "../report/json.js";
import { renderText } from "../report/text.js";
import { writeOutput } from "../util/output.js";
import { UsageError } from "../util/errors.js";
import type { Report } from "../facts/schema.js";
import { wantsColor } from "../util/color.js";

export type Renderer = (report: Report, opts: { color: boolean; events?: unknown[] }) => string;

/** Output formats by name; other issues add theirs here. */
export const FORMATS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color, width: process.stdout.columns }),
  json: (r) => renderJson(r),
};

export interface AnalyzeCliOptions {
  format: string;
  output?: string;
  color?: boolean;
}

export function registerAnalyze(program: Command): void {
  program
    .command("analyze")
    .description("read vLLM / NCCL logs and print the facts and findings")
    .argument("<inputs...>", "log files, directories (every *.log, *.txt, *.out, *.gz below) or - for stdin")
    .option("-f, --format <format>", `output format: ${Object.keys(FORMATS).join(", ")}`, "text")
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--no-color", "never colour the text report")
    .action(async (inputs: string[], opts: AnalyzeCliOptions) => {
      const render = FORMATS[opts.format];
      if (!render) throw new UsageError(`unknown format '${opts.format}'; choose one of ${Object.keys(FORMATS).join(", ")}`);
      const result = await analyze(inputs);
      if (result.failures.length === inputs.length && result.report.inputs.every((i) => i.error)) {
        const f = result.failures[0];
        throw new UsageError(f.message, f.path);
      }
      const color = opts.format === "text" && !opts.output && opts.color !== false && wantsColor(process.stdout);
      await writeOutput(opts.output, render(result.report, { color }));
      for (const f of result.failures) process.stderr.write(`vllm-doctor: ${f.message} (${f.path})\n`);
      process.exitCode = result.failures.length ? 2 : result.report.summary.errors > 0 ? 1 : 0;
    });
}
