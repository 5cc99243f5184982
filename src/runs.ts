import type { Event } from "./events/index.js";
import { finalizeFacts, type FactState } from "./facts/state.js";
import type { Report } from "./facts/schema.js";
import { UsageError } from "./util/errors.js";

/*
 * One run at a time: inputs that look like different runs (another model, another parallel layout, another day
 * in vLLM's timestamps, NCCL communicators with no commId in common) are reported separately instead of as one imaginary run. Per-node logs
 * of one job share their model and layout, and their NCCL commIds, so they stay one run.
 */

export interface RunPart {
  state: FactState;
  events: Event[];
}

/** What tells runs apart, per input. */
interface Identity {
  path: string;
  model: string | null;
  layout: string | null;
  commIds: Set<string>;
  /** the day (MM-DD) of the first vLLM logger line, when it has one */
  day: string | null;
}

export interface RunGroup {
  /** indices of the parts, in input order */
  members: number[];
  /** why these inputs are taken as one run (or, when alone, why apart from the others) */
  why: string;
  /** the kind of reason, for a short summary: model, layout, comm, ambiguous, unmatched; same for the first */
  kind: "same" | "model" | "layout" | "comm" | "day" | "ambiguous" | "unmatched";
}

function identityOf(part: RunPart): Identity {
  const f = finalizeFacts(part.state);
  // (the communicators the state keeps, and the kept Init events: those of a line that names no communicator too)
  const commIds = new Set<string>();
  for (const key in part.state.nccl.locals) {
    const id = part.state.nccl.locals[key].commId;
    if (id) commIds.add(id);
  }
  for (const e of part.events) if (e.kind === "nccl.init" && e.commId) commIds.add(e.commId);
  const tp = f.config.tensorParallelSize;
  const pp = f.config.pipelineParallelSize;
  return {
    path: part.state.inputs[0]?.path ?? "?",
    model: f.config.model,
    layout: tp !== null ? `TP ${tp} × PP ${pp ?? 1}` : null,
    commIds,
    // vLLM's logger prefix: `INFO 05-14 10:02:11 [core.py:58] ...`
    day: /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) (\d\d-\d\d) \d\d:\d\d/.exec(part.state.dialects?.first.vllm?.text.replace(/^\([^)]*\)\s*/, "") ?? "")?.[1] ?? null,
  };
}

const shares = (a: Set<string>, b: Set<string>) => [...a].some((x) => b.has(x));

interface Conflict {
  why: string;
  kind: RunGroup["kind"];
}

/** Why two inputs cannot be one run, or null when nothing they show disagrees. */
function conflict(a: Identity, b: Identity): Conflict | null {
  if (a.commIds.size && b.commIds.size && shares(a.commIds, b.commIds)) return null;
  if (a.model && b.model && a.model !== b.model) return { kind: "model", why: `they serve different models (${a.model} in ${a.path}, ${b.model} in ${b.path})` };
  if (a.layout && b.layout && a.layout !== b.layout) return { kind: "layout", why: `they use different parallel layouts (${a.layout} in ${a.path}, ${b.layout} in ${b.path})` };
  if (a.day && b.day && a.day !== b.day) return { kind: "day", why: `they started on different days (${a.day} in ${a.path}, ${b.day} in ${b.path})` };
  if (a.commIds.size && b.commIds.size) return { kind: "comm", why: `their NCCL communicators have no commId in common (${a.path}, ${b.path})` };
  return null;
}

/** Two inputs positively look like one run: a shared NCCL commId, or the same model and layout. */
function agrees(a: Identity, b: Identity): boolean {
  return shares(a.commIds, b.commIds) || (a.model !== null && a.model === b.model && a.layout === b.layout);
}

const identified = (i: Identity) => Boolean(i.model || i.layout || i.commIds.size);

/**
 * Groups inputs into runs. An input joins the first run none of whose inputs disagree with it; an input that
 * shows nothing to tell (no model, layout or commId) joins the run when there is only one, and stays apart
 * otherwise. One group means one run: the report is the same as before.
 */
export function groupRuns(parts: readonly RunPart[]): RunGroup[] {
  if (parts.length < 2) return [{ members: parts.map((_, i) => i), why: "one input", kind: "same" }];
  const ids = parts.map(identityOf);
  const groups: { members: number[]; apart: Conflict[] }[] = [];
  const loose: number[] = [];
  ids.forEach((id, i) => {
    if (!identified(id)) return void loose.push(i);
    const reasons: Conflict[] = [];
    const open = groups.filter((g) => {
      const c = g.members.map((m) => conflict(ids[m], id)).find(Boolean);
      if (c) reasons.push(c);
      return !c;
    });
    // a run this input positively matches (a shared commId, the same model and layout), else the only one it fits
    const match = open.find((g) => g.members.some((m) => agrees(ids[m], id))) ?? (open.length === 1 ? open[0] : undefined);
    if (match) return void match.members.push(i);
    if (open.length > 1) reasons.unshift({ kind: "ambiguous", why: `${id.path} fits more than one run and matches none` });
    groups.push({ members: [i], apart: reasons });
  });
  if (groups.length <= 1) return [{ members: parts.map((_, i) => i), why: sameWhy(ids), kind: "same" }];
  const out: RunGroup[] = groups.map((g, k) => (k === 0 || !g.apart.length ? { members: g.members, why: sameWhy(g.members.map((m) => ids[m])), kind: "same" } : { members: g.members, ...g.apart[0] }));
  // inputs that show nothing to match (a client's benchmark output, a config file) are one more run of their own
  if (loose.length) out.push({ members: loose, why: `${loose.map((i) => ids[i].path).join(", ")} show${loose.length === 1 ? "s" : ""} no model, parallel layout or NCCL commId to match to another run`, kind: "unmatched" });
  return out;
}

function sameWhy(ids: Identity[]): string {
  const shared = ids.length > 1 && ids.every((x) => x.commIds.size) ? [...ids[0].commIds].find((c) => ids.every((x) => x.commIds.has(c))) : undefined;
  if (shared) return `the inputs share NCCL commId ${shared}`;
  const model = ids.find((x) => x.model)?.model;
  return ids.length > 1 ? `nothing in the inputs disagrees${model ? ` (model ${model})` : ""}` : "one input";
}

/**
 * Refuses a report of several runs where one run is wanted (plan --from, a side of diff, a baseline): the facts
 * of different runs joined describe none of them.
 */
export function refuseSeveralRuns(report: Report, path: string, advice: string): void {
  const runs = report.runs ?? [];
  if (runs.length > 1)
    throw new UsageError(`these logs are ${runs.length} different runs (${runs.slice(0, 3).map((r) => r.inputs.join(" + ")).join("; ")}${runs.length > 3 ? "; …" : ""}): ${advice}`, path);
}
