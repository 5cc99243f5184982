import type { Event } from "../events/index.js";
import type { Facts } from "../facts/schema.js";
import type { Evidence } from "../model.js";
import type { RuleContext } from "./types.js";
import { multiNodeReasons } from "../facts/reconcile.js";
import { formatNumber } from "../util/number-format.js";

/** A line of the log that matched a signature. */
export interface Hit {
  ev: Evidence;
  input: number;
  /** the text that matched (event message or raw line) */
  text: string;
  match: RegExpExecArray;
  event: Event;
}

interface Searchable {
  text: string;
  ev: Evidence;
}

/**
 * The texts of an event worth matching, each with the line it stands on: the raw line, and the message
 * fields (a traceback's exception line, its chained causes). Works for every event kind, including domain
 * events added later, so rules match the same lines whichever reader produced them.
 */
export function searchableTexts(e: Event): readonly Searchable[] {
  let out = searched.get(e);
  if (!out) searched.set(e, (out = textsOf(e)));
  return out;
}
// every rule searches the same kept events, often with several patterns: their texts are worked out once
const searched = new WeakMap<Event, Searchable[]>();

function textsOf(e: Event): Searchable[] {
  const out: Searchable[] = [];
  const ev = e.ev;
  if (ev?.text) out.push({ text: ev.text, ev });
  const any = e as unknown as Record<string, unknown>;
  if (e.kind === "traceback") {
    const at = e.end ?? ev;
    if (e.errorType || e.message) out.push({ text: `${e.errorType ?? ""}: ${e.message ?? ""}`, ev: at });
    for (const c of e.causes ?? []) out.push({ text: `${c.errorType}: ${c.message}`, ev: at });
  } else if (typeof any.message === "string" && ev && !ev.text.includes(any.message)) {
    out.push({ text: any.message, ev });
  }
  return out;
}

/** Lines matching `re` in the kept events, one hit per line, in log order. */
export function findHits(events: readonly Event[], re: RegExp, opts: { kinds?: readonly string[]; exclude?: RegExp } = {}): Hit[] {
  const seen = new Set<string>();
  const hits: Hit[] = [];
  for (const e of events) {
    if (opts.kinds && !opts.kinds.includes(e.kind)) continue;
    for (const s of searchableTexts(e)) {
      const m = re.exec(s.text);
      if (!m) continue;
      if (opts.exclude && opts.exclude.test(s.text)) continue;
      const key = `${e.input}\u0000${s.ev.file}\u0000${s.ev.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ ev: s.ev, input: e.input, text: s.text, match: m, event: e });
    }
  }
  return hits.sort((a, b) => a.input - b.input || a.ev.line - b.ev.line);
}

/** First hit of any of the patterns, trying them in order. */
export function firstHit(events: readonly Event[], res: RegExp[]): Hit | null {
  for (const re of res) {
    const h = findHits(events, re);
    if (h.length) return h[0];
  }
  return null;
}

/** Evidence without duplicates (same file and line), nulls dropped, order kept. */
export function uniqueEvidence(list: readonly (Evidence | null | undefined)[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of list) {
    if (!e) continue;
    const key = `${e.file}\u0000${e.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: e.file, line: e.line, text: e.text });
  }
  return out;
}

export function hitEvidence(hits: readonly { ev: Evidence }[]): Evidence[] {
  return uniqueEvidence(hits.map((h) => h.ev));
}

/** Where the log stated these facts. */
export function factEvidence(facts: Facts, ...paths: string[]): Evidence[] {
  return uniqueEvidence(paths.map((p) => facts.sources[p]));
}

/** A number as the reports write it (`1,234.57`; see formatNumber). */
export function fmt(n: number, digits = 2): string {
  return formatNumber(n, digits);
}

/** Parses a number written with thousands separators ("623,873"). */
export function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = Number(s.replace(/,/g, ""));
  return Number.isFinite(v) ? v : null;
}

/** Why the run spans nodes (facts.nccl.multiNode), with the lines that show it. */
export function multiNodeEvidence(ctx: RuleContext): { multi: boolean; why: string[]; evidence: Evidence[] } {
  const reasons = multiNodeReasons(ctx.facts, ctx.thresholds.maxGpusPerNode);
  const s = ctx.facts.sources;
  const evidence = reasons.flatMap((r) => {
    if (r.fact === "nccl.interNode") return Object.entries(s).filter(([k]) => k.startsWith("nccl.interNode.")).slice(0, 1).map(([, v]) => v);
    return s[r.fact] ? [s[r.fact]] : [];
  });
  return { multi: reasons.length > 0, why: reasons.map((r) => r.why), evidence: uniqueEvidence(evidence) };
}
