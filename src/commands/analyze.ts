import type { Command } from "commander";
import { analyze } from "../analyze.js";
import { checkOutputPath, refuseInputAsOutput, writeReport } from "../util/output.js";
import { UsageError } from "../util/errors.js";
import type { Report } from "../facts/schema.js";
import { wantsColor } from "../util/color.js";
import { safeLine } from "../util/terminal.js";
import { Option } from "commander";
import type { AnalyzeOptions } from "../analyze.js";
import { parseByteSize } from "../input/size.js";
import { createProgress } from "../util/progress.js";
import { promises as fsp } from "node:fs";
import { availableParallelism } from "node:os";
import { SPLIT_DEFAULTS } from "../input/split-point.js";
import { prepareReport } from "../redact/prepare.js";
import { messageText, redactMessagesWith, redactStderr } from "../redact/redact.js";
import { EVENTS_KEPT, mergeableStateOf } from "../analyze.js";
import { configInput, rulesConfig } from "../config/cli.js";
import { DIRECTORY_SCAN } from "../input/defaults.js";
import { collectOver, heapKeeper } from "../util/heap.js";

export type Renderer = (report: Report, opts: { color: boolean; events?: unknown[] }) => string;

/** Output formats by name, each loaded when it is used (start-up loads none of them); other issues add theirs here. */
export const FORMATS: Record<string, () => Promise<Renderer>> = {
  text: async () => {
    const { renderText } = await import("../report/text.js");
    return (r, o) => renderText(r, { color: o.color, width: process.stdout.isTTY ? process.stdout.columns : 80, cwd: process.cwd() });
  },
  json: async () => {
    const { renderJson } = await import("../report/json.js");
    return (r) => renderJson(r);
  },
  markdown: async () => {
    const { renderMarkdown } = await import("../report/markdown.js");
    return (r) => renderMarkdown(r);
  },
  html: async () => {
    const { renderHtml } = await import("../report/html.js");
    return (r) => renderHtml(r);
  },
  sarif: async () => {
    const { renderSarif } = await import("../report/sarif.js");
    return (r) => renderSarif(r);
  },
  junit: async () => {
    const [{ renderJunit }, { RULES }] = await Promise.all([import("../report/junit.js"), import("../rules/index.js")]);
    return (r) => renderJunit(r, { ruleIds: RULES.map((rule) => rule.meta.id) });
  },
  github: async () => {
    const { appendStepSummary, renderGithub } = await import("../report/github.js");
    return (r) => (appendStepSummary(r), renderGithub(r));
  },
  ndjson: async () => {
    const { renderNdjson } = await import("../report/ndjson.js");
    return (r, o) => renderNdjson(r, { events: o.events });
  },
};

/** the pieces of a report's text, with the heap kept down as they are made (as while reading: src/util/heap.ts) */
function* keptSmall(pieces: Iterable<string>): Generator<string> {
  // (what reading left behind goes first)
  collectOver();
  // (all of what is made here dies as soon as it is written: every 1 MB, once the heap grew by a quarter; pieces of
  // 64 KB, each a string too small for V8's large-object space, which only a full collection empties)
  const keep = heapKeeper(undefined, 1 << 20, 0, 1.25);
  let chars = 0;
  for (const p of pieces) {
    yield p;
    keep((chars += p.length));
  }
}

/** The renderer of a format, or a usage error naming the formats there are (or saying --events needs ndjson). */
export async function loadRenderer(format: string, events?: boolean): Promise<Renderer> {
  const load = Object.hasOwn(FORMATS, format) ? FORMATS[format] : undefined;
  if (!load) throw new UsageError(`unknown format '${format}'; choose one of ${Object.keys(FORMATS).join(", ")}`);
  // only the ndjson report carries events: asked for with another format, they would be dropped without a word
  if (events && format !== "ndjson") throw new UsageError(`--events goes with --format ndjson (the ${format} report carries no events)`);
  return load();
}

/** The options of addInputOptions (and --follow, which turns the progress bar off). */
export interface InputCliOptions {
  jobs?: string;
  splitMin?: string;
  maxDecompressed?: string;
  chunkBytes?: string;
  progress?: boolean;
  follow?: boolean;
  untilIdle?: string;
}

/** The options of addOutputOptions and addReportOptions. */
export interface ReportCliOptions {
  format: string;
  output?: string;
  color?: boolean;
  redact?: boolean;
  redactModels?: boolean;
  events?: boolean;
  config?: string;
  expectBusbw?: string;
  oneRun?: boolean;
}

export interface AnalyzeCliOptions extends InputCliOptions, ReportCliOptions {}

/** What the inputs operand takes (analyze and check). */
export const INPUTS_HELP = `log files (plain, gzip, zstd or xz), directories (every ${DIRECTORY_SCAN} below, symlinked files followed), glob patterns ('logs/*.log') or - for stdin`;

/** Where the report goes and in what format, the same on analyze, check and merge. */
export function addOutputOptions(cmd: Command, defaultFormat = "text"): Command {
  return cmd
    .option("-f, --format <format>", `output format: ${Object.keys(FORMATS).join(", ")}`, defaultFormat)
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--no-color", "never colour the text report");
}

/** What the report holds and which rules make it, the same on analyze, check and merge. */
export function addReportOptions(cmd: Command, oneRunHelp: string): Command {
  return cmd
    .option("--redact", "replace hosts, IPs, user names and secrets with consistent pseudonyms in every format")
    .option("--redact-models", "with --redact: also replace model names and paths")
    .option("--events", `ndjson: also write the events kept (up to ${EVENTS_KEPT.asked} of a kind per input), one per line`)
    .option("--config <file>", "rule configuration (default: the nearest .vllm-doctor.json in this folder or above)")
    .option("--expect-busbw <GB/s>", "the nccl-tests bus bandwidth this fabric should reach (overrides thresholds.expectBusbwGBs)")
    .option("--one-run", oneRunHelp);
}

/** The options about reading the inputs, the same on analyze and check. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option("-j, --jobs <n>", "threads to read with (1 to 64): up to N input files at once, a big file in two parts (auto: one per CPU core, at most 8, when the files add up to 32 MB or more; 1: this thread only)", "auto")
    .option("--max-decompressed <bytes>", "stop reading a compressed input (each layer of it) that expands past this size (e.g. 2GB)", "16GiB")
    .option("--no-progress", "never draw a progress bar on stderr")
    .addOption(new Option("--chunk-bytes <bytes>", "read chunk size").hideHelp())
    .addOption(new Option("--split-min <bytes>", "read a file this big or bigger in two parts (with --jobs 2 or more)").hideHelp());
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command("analyze")
    .description("read vLLM / NCCL logs and print the facts and findings")
    .argument("<inputs...>", INPUTS_HELP);
  addInputOptions(addOutputOptions(cmd))
    .option("--follow", "tail one growing log: print findings as they appear, the report on Ctrl-C")
    .option("--until-idle <seconds>", "with --follow: stop once the file has not grown for this long");
  addReportOptions(cmd, "read all inputs as one run, even when they look like different runs")
    .action(async (inputs: string[], opts: AnalyzeCliOptions) => {
      redactStderr(Boolean(opts.redact || opts.redactModels));
      const render = await loadRenderer(opts.format, opts.events);
      // (the operands as given now; the files of folders and globs once they are known, below)
      await checkOutputPath(opts.output);
      await refuseInputAsOutput(opts.output, [...inputs, configInput(opts.config)]);
      const libOpts = await scaleOptions(inputs, opts);
      libOpts.rules = await rulesConfig(opts.config, opts.expectBusbw);
      libOpts.oneRun = opts.oneRun;
      const result = opts.follow ? await runFollow(inputs, opts, libOpts) : await analyze(inputs, libOpts);
      libOpts.progressEnd?.();
      // nothing was read at all: one line and exit 2; inputs that failed part-way (a truncated .gz) still report what they held
      if (result.failures.length > 0 && result.report.inputs.every((i) => i.error && i.lines === 0)) {
        const f = result.failures[0];
        throw new UsageError(f.message, f.path);
      }
      const color = opts.format === "text" && !opts.output && opts.color !== false && wantsColor(process.stdout);
      const out = prepareReport(result.report, { format: opts.format, mergeable: mergeableStateOf(result), events: result.events, withEvents: opts.events, redact: opts.redact, redactModels: opts.redactModels });
      // a JSON report goes out in pieces: the state of a big set-up log (thousands of communicators) is never one string
      const body = opts.format === "json" ? keptSmall((await import("../report/json.js")).renderJsonPieces(out.report, 1 << 16)) : render(out.report, { color, events: out.events });
      await refuseInputAsOutput(opts.output, [...result.report.inputs.map((i) => i.path), configInput(opts.config)]);
      const exit = reportExit(result.report, result.failures);
      await writeReport(opts.output, body, exit.status, exit.lines);
    });
}

/**
 * The exit status of a report, analysed or merged: 2 when an input could not be read (all or part of it), else 1 when
 * a finding, of any run, is an error; and the stderr line of each input that could not be read.
 */
export function reportExit(report: Report, failures: readonly { path: string; message: string }[]): { status: number; lines: string[] } {
  const errors = report.summary.errors > 0 || (report.runs ?? []).some((r) => r.summary.errors > 0);
  const lines = failures.map((f) => safeLine(messageText(`vllm-doctor: ${f.message} (${f.path})`)) + "\n");
  return { status: failures.length ? 2 : errors ? 1 : 0, lines };
}

/** The bytes of the inputs that are regular files (directories and stdin count nothing). */
async function fileBytes(inputs: string[]): Promise<number> {
  let total = 0;
  for (const p of inputs) total += p === "-" ? 0 : await fsp.stat(p).then((st) => (st.isFile() ? st.size : 0), () => 0);
  return total;
}

/** The most threads --jobs may ask for: each worker thread holds a heap of its own (about 30 MB), and more of them than cores read no faster. */
const MAX_JOBS = 64;

/** --jobs, --max-decompressed, --chunk-bytes and the progress bar, as library options. */
export async function scaleOptions(inputs: string[], opts: InputCliOptions & { events?: boolean }): Promise<AnalyzeOptions & { progressEnd?: () => void }> {
  const auto = opts.jobs === undefined || opts.jobs === "auto";
  let jobs = auto ? Math.min(availableParallelism(), 8) : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs wants a whole number of at least 1 or 'auto', not '${opts.jobs}'`);
  // (a worker thread per file, each with its own heap: --jobs 99999999999 on 150 small files took 4 GB and 37 s, --jobs 1 2 s)
  if (jobs > MAX_JOBS) throw new UsageError(`--jobs wants at most ${MAX_JOBS} threads, not '${opts.jobs}' (auto: one per CPU core, at most 8)`);
  const splitMin = opts.splitMin === undefined ? undefined : parseByteSize(opts.splitMin);
  if (opts.splitMin !== undefined && splitMin === undefined) throw new UsageError(`--split-min wants a size, not '${opts.splitMin}'`);
  // auto: threads only pay when there is much to read (a worker thread takes tens of milliseconds to start)
  if (auto && jobs > 1 && (await fileBytes(inputs)) < (splitMin ?? SPLIT_DEFAULTS.minBytes)) jobs = 1;
  const maxDecompressedBytes = parseByteSize(opts.maxDecompressed ?? "16GiB");
  if (!maxDecompressedBytes) throw new UsageError(`--max-decompressed wants a size such as 500MB or 2GiB, not '${opts.maxDecompressed}'`);
  const chunkBytes = opts.chunkBytes === undefined ? undefined : parseByteSize(opts.chunkBytes);
  if (chunkBytes === 0 || (opts.chunkBytes !== undefined && chunkBytes === undefined)) throw new UsageError(`--chunk-bytes wants a size, not '${opts.chunkBytes}'`);
  if (chunkBytes !== undefined && chunkBytes > 1 << 30) throw new UsageError(`--chunk-bytes wants a size of at most 1GiB, not '${opts.chunkBytes}'`);
  if (opts.untilIdle !== undefined && !opts.follow) throw new UsageError("--until-idle goes with --follow");
  const out: AnalyzeOptions & { progressEnd?: () => void } = {
    jobs,
    collectGarbage: true,
    limits: { maxDecompressedBytes, ...(chunkBytes ? { chunkBytes } : {}) },
    // (the events written out, else a sample for the JSON report's state)
    ...(opts.events ? { maxEventsPerKind: EVENTS_KEPT.asked } : {}),
    ...(splitMin !== undefined ? { split: { minBytes: splitMin } } : {}),
  };
  if (opts.progress !== false && !opts.follow && process.stderr.isTTY) {
    const bar = createProgress(process.stderr, await fileBytes(inputs));
    out.onBytes = (n) => bar.add(n);
    out.progressEnd = () => bar.end();
  }
  return out;
}

/** `--follow FILE`: live findings (on stdout for the text report, else on stderr), then the final result when the file has been idle, or on SIGINT or SIGTERM. */
async function runFollow(inputs: string[], opts: AnalyzeCliOptions, libOpts: AnalyzeOptions) {
  if (inputs.length !== 1 || inputs[0] === "-") throw new UsageError("--follow reads exactly one log file");
  let untilIdleMs: number | undefined;
  if (opts.untilIdle !== undefined) {
    const s = Number(opts.untilIdle);
    if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--until-idle wants a number of seconds, not '${opts.untilIdle}'`);
    untilIdleMs = s * 1000;
  }
  const { followFile } = await import("../follow/tail.js");
  const { renderLiveFinding } = await import("../follow/live.js");
  const live = opts.format === "text" && !opts.output ? process.stdout : process.stderr;
  const { onStopSignal } = await import("../follow/stop.js");
  const stop = new AbortController();
  const letGo = onStopSignal(() => stop.abort());
  try {
    return await followFile(inputs[0], {
      untilIdleMs,
      signal: stop.signal,
      analyze: libOpts,
      onFinding: (f, report) => {
        // with --redact, the hosts and models the log has shown so far are replaced too (a file may be named after its host)
        redactMessagesWith(report, { models: Boolean(opts.redactModels) });
        // the status of the report so far: the one to exit with should the reader close stdout now (`| head`)
        process.exitCode = report.summary.errors > 0 ? 1 : 0;
        live.write(messageText(renderLiveFinding(f, new Date())) + "\n");
      },
      onNotice: (m) => process.stderr.write(safeLine(messageText(`vllm-doctor: ${m}`)) + "\n"),
    });
  } finally {
    letGo();
  }
}
