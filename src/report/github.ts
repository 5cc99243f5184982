import { safeText } from "../util/terminal.js";
import { appendFileSync, statSync } from "node:fs";
import { isSystemError, systemErrorText, UsageError } from "../util/errors.js";
import type { Report } from "../facts/schema.js";
import { renderMarkdown } from "./markdown.js";
import { gatePlace } from "./sarif.js";

/*
 * GitHub Actions workflow commands: one annotation per finding (error / warning / notice) at its first
 * evidence line, one error per failed gate requirement, and a Markdown summary for $GITHUB_STEP_SUMMARY.
 */

/** Escapes a workflow command's message; other control characters are shown escaped, as the Actions log renders ANSI. */
export const escapeData = (s: string) => safeText(s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A"));
/** Escapes a workflow command's property value (also `:` and `,`, which end properties). */
export const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

const COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

export function renderGithub(report: Report): string {
  const out: string[] = [];
  for (const f of report.findings) {
    const props: string[] = [];
    const e = f.evidence[0];
    if (e) props.push(`file=${escapeProperty(e.file)}`, `line=${Math.max(1, e.line)}`);
    props.push(`title=${escapeProperty(`${f.ruleId}: ${f.title}`)}`);
    const msg = [f.message, ...f.remediation.map((r) => `→ ${r}`)].join("\n");
    out.push(`::${COMMAND[f.severity]} ${props.join(",")}::${escapeData(msg)}`);
  }
  for (const r of report.gate?.requirements ?? []) {
    if (r.passed) continue;
    // at the line the judged fact was read from, as in SARIF (line 1 of the first input when the log does not show it)
    const at = gatePlace(r, report);
    out.push(`::error file=${escapeProperty(at.file)},line=${Math.max(1, at.line)},title=${escapeProperty(`vllm-doctor gate: ${r.name}`)}::${escapeData(r.reason)}`);
  }
  const s = report.summary;
  const gate = report.gate ? `; gate ${report.gate.passed ? "passed" : "failed"}` : "";
  out.push(`vllm-doctor: ${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info${gate}`);
  return out.join("\n") + "\n";
}

/** The job summary: the post-mortem in compact form. */
export function renderGithubSummary(report: Report): string {
  return renderMarkdown(report, { compact: true }) + "\n";
}

/** Appends the summary to $GITHUB_STEP_SUMMARY when the job has one; returns whether it did. */
export function appendStepSummary(report: Report, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return false;
  const fail = (what: string) => new UsageError(`cannot append the job summary (GITHUB_STEP_SUMMARY): ${what}`, path);
  // only ever a regular file (or a new one), and never one of the inputs: the summary is appended, not atomic
  const st = statSync(path, { throwIfNoEntry: false });
  // (a character device such as /dev/null takes an append as it is: nothing there is replaced)
  if (st && !st.isFile() && !st.isCharacterDevice()) throw fail(st.isDirectory() ? "is a directory" : "not a regular file");
  for (const input of report.inputs) {
    const i = st ? statSync(input.path, { throwIfNoEntry: false }) : undefined;
    if (i && i.dev === st!.dev && i.ino === st!.ino) throw fail(input.path === path ? "it is one of the inputs" : `it is the same file as ${input.path}, one of the inputs`);
  }
  try {
    appendFileSync(path, renderGithubSummary(report));
  } catch (e) {
    throw isSystemError(e) ? fail(systemErrorText(e)) : e;
  }
  return true;
}
