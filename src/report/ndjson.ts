import ndjson from "ndjson";
import type { Report } from "../facts/schema.js";

/*
 * One JSON object per line, each with a `type`: `report` (identity, inputs, summary, verdict), `facts`, one
 * `finding` per finding, one `run` per run when the inputs were several runs, `gate` after `check`, and one
 * `event` per kept event with `--events`.
 */

export interface NdjsonOptions {
  events?: readonly unknown[];
}

export function ndjsonObjects(report: Report, opts: NdjsonOptions = {}): object[] {
  const objs: object[] = [
    {
      type: "report",
      schemaVersion: report.schemaVersion,
      tool: report.tool,
      inputs: report.inputs,
      summary: report.summary,
      ...(report.verdict !== undefined ? { verdict: report.verdict } : {}),
      ...(report.notices ? { notices: report.notices } : {}),
    },
    { type: "facts", facts: report.facts },
    ...report.findings.map((f) => ({ type: "finding", ...f })),
  ];
  for (const [i, r] of (report.runs ?? []).entries()) objs.push({ type: "run", index: i + 1, ...r });
  if (report.gate) objs.push({ type: "gate", ...report.gate });
  for (const e of opts.events ?? []) objs.push({ type: "event", ...(e as object) });
  return objs;
}

/** Writes the objects through the ndjson package's serializer (which emits each line as it is written). */
export function renderNdjson(report: Report, opts: NdjsonOptions = {}): string {
  const stream = ndjson.stringify();
  const chunks: string[] = [];
  stream.on("data", (d: Buffer | string) => chunks.push(String(d)));
  for (const o of ndjsonObjects(report, opts)) stream.write(o);
  stream.end();
  return chunks.join("");
}
