import type { Event } from "../events/index.js";
import type { Report } from "../facts/schema.js";
import type { MergeableState } from "../analyze.js";
import { redactReport } from "./redact.js";

export interface PrepareOptions {
  format: string;
  /** carried by the JSON report so `merge` can combine it */
  mergeable?: MergeableState;
  events?: Event[];
  /** render the events too (ndjson `--events`) */
  withEvents?: boolean;
  redact?: boolean;
  redactModels?: boolean;
}

/** The report a renderer gets: with its mergeable state for JSON, then redacted as a whole when asked. */
export function prepareReport(report: Report, opts: PrepareOptions): { report: Report; events: Event[] | undefined } {
  let r: Report = opts.format === "json" && opts.mergeable ? { ...report, state: opts.mergeable } : report;
  let events = opts.withEvents ? (opts.events ?? []) : undefined;
  if (opts.redact || opts.redactModels) {
    const red = redactReport(r, events ?? [], { models: Boolean(opts.redactModels) });
    r = red.report;
    events = events ? red.events : undefined;
    // (merge tells it by this: its pseudonyms are its own, and another report's host-1 is another host)
    if (r.state) r = { ...r, state: { ...(r.state as MergeableState), redacted: true } };
  }
  return { report: r, events };
}
