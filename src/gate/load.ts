import { promises as fs } from "node:fs";
import { analyze, type AnalyzeOptions } from "../analyze.js";
import { ReportSchema, type Report } from "../facts/schema.js";
import { UsageError } from "../util/errors.js";

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
    data = JSON.parse(text);
  } catch {
    throw new UsageError("not a JSON report (cannot parse it as JSON)", path);
  }
  const parsed = ReportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`not a vllm-doctor JSON report (${issue.path.join(".") || "top level"}: ${issue.message})`, path);
  }
  return parsed.data;
}

/** A JSON report when the file holds one (it starts with `{` and has a schemaVersion), else the analysis of the file as a log. */
export async function loadReportOrLog(path: string, opts: AnalyzeOptions = {}): Promise<Report> {
  if (await looksLikeJsonReport(path)) return readJsonReport(path);
  const result = await analyze([path], opts);
  if (result.failures.length) throw new UsageError(result.failures[0].message, result.failures[0].path);
  return result.report;
}

async function looksLikeJsonReport(path: string): Promise<boolean> {
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
  return String((e as Error)?.message ?? e);
}
