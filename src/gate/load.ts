import { promises as fs } from "node:fs";
import { analyze, type AnalyzeOptions } from "../analyze.js";
import { ReportSchema, type Report } from "../facts/schema.js";
import { isSystemError, systemErrorText, UsageError } from "../util/errors.js";
import { refuseSeveralRuns } from "../runs.js";
import { runsInOneInput, runsInOneInputText } from "../facts/vllm.js";
import { parseJsonFile } from "../util/json.js";

/** Reads a JSON report written by `analyze --format json`; a usage error when it is not one. */
export async function readJsonReport(path: string): Promise<Report> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(describeFsError(e), path);
  }
  return parseJsonReport(text, path);
}

export function parseJsonReport(text: string, path: string): Report {
  let data: unknown;
  try {
    data = parseJsonFile(text);
  } catch (e) {
    // a log given where a report is wanted (`merge node1.log …`): say what to do with it
    const log = !text.trimStart().startsWith("{") ? ": a log, not a report; analyze it (`vllm-doctor analyze LOG --format json -o report.json`) or give the logs to analyze together" : "";
    throw new UsageError(`not a JSON report (${(e as Error).message})${log}`, path);
  }
  const parsed = ReportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`not a vllm-doctor JSON report (${issue.path.join(".") || "top level"}: ${issue.message})`, path);
  }
  return parsed.data;
}

/**
 * A JSON report when the file holds one (it starts with `{` and has a schemaVersion), else the analysis of the
 * file as a log. A file that is one JSON value but gives no fact at all (`[]`, `null`, `{}`, any other JSON that
 * is neither a report nor a benchmark result) is a usage error, not an empty baseline.
 */
export async function loadReportOrLog(path: string, opts: AnalyzeOptions = {}): Promise<Report> {
  const saved = await looksLikeJsonReport(path);
  const report = await (async () => {
    if (saved) return readJsonReport(path);
    const result = await analyze([path], opts);
    const failed = result.failures[0];
    // (a report is told from a log by its first bytes, which stdin cannot give back to be read again)
    if (failed && path === "-" && /^a vllm-doctor JSON report, not a log /.test(failed.message)) throw new UsageError("a vllm-doctor JSON report on stdin: a report is read from a file; save it and name the file", failed.path);
    if (failed) throw new UsageError(failed.message, failed.path);
    if (Object.keys(result.report.facts.sources).length === 0 && (await isOneJsonValue(path)))
      throw new UsageError("JSON, but neither a vllm-doctor JSON report nor a result the readers know (write one with `vllm-doctor analyze --format json`)", path);
    // one file of several runs (a log appended to across restarts) is refused as a folder of several is
    const mixed = opts.oneRun ? undefined : runsInOneInput(result.state.vllm, result.state.inputs)[0];
    if (mixed) throw new UsageError(`${runsInOneInputText(mixed)}; compare one run at a time (--one-run reads it as one)`, path);
    return result.report;
  })();
  // one side of a comparison is one run (a folder of several is refused)
  refuseSeveralRuns(report, path, saved ? "compare one run at a time (`analyze --one-run` writes their logs as one)" : "compare one run at a time (--one-run reads them as one)");
  return report;
}

/** Does the file hold exactly one JSON value (checked only for files up to 64 MiB)? */
async function isOneJsonValue(path: string): Promise<boolean> {
  if (path === "-") return false;
  try {
    if ((await fs.stat(path)).size > 64 << 20) return false;
    parseJsonFile(await fs.readFile(path, "utf8"));
    return true;
  } catch {
    return false;
  }
}

/** Does the file start as a JSON report of this tool (`{` and a schemaVersion in its first 512 bytes)? */
export async function looksLikeJsonReport(path: string): Promise<boolean> {
  if (path === "-") return false;
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(path, "r");
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    const head = buf.subarray(0, bytesRead).toString("utf8").trimStart();
    return head.startsWith("{") && /"schemaVersion"\s*:/.test(head);
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return isSystemError(e) ? systemErrorText(e) : String((e as Error)?.message ?? e);
}
