import type { Evidence } from "../model.js";
import { SIGNATURES } from "../../grammars/signatures.js";
import type { RuleContext } from "./types.js";

/** What rules read of the signals (src/facts/signals.ts): the lines of a signature that count, and how many. */

const NOTABLE = new Set(SIGNATURES.filter((s) => s.level === "info").map((s) => s.id));

/**
 * A line that matched one of a rule's signatures (from the signals the readers kept): where it is (its text only as
 * evidence to quote) and the values its signature read from it (`captures`: the pattern's groups, Signature.values,
 * `message` — the record's own words — and `level`).
 */
export interface Hit {
  id: string;
  ev: Evidence;
  input: number;
  captures: Record<string, string>;
}

/**
 * The lines of these signatures that count (retries NCCL got past are left out), in log order, one per line;
 * `withRecovered`: also the failures NCCL went on from, for a rule whose subject is that failure itself.
 */
export function signalHits(ctx: RuleContext, ids: readonly string[], opts: { withRecovered?: boolean } = {}): Hit[] {
  // (most rules ask of signatures the log does not show: no line, nothing to look up)
  if (!ids.some((id) => ctx.signals[id]?.lines.length)) return [];
  const recovered = recoveredOf(ctx);
  const seen = new Set<string>();
  const hits: Hit[] = [];
  for (const id of ids) {
    for (const l of ctx.signals[id]?.lines ?? []) {
      const k = `${l.input}\u0000${l.line}`;
      if (seen.has(k) || (!NOTABLE.has(id) && !opts.withRecovered && (recovered.has(`${l.file}\u0000${l.line}`) || recovered.has(`${l.file}\u0000${l.line}\u0000${l.text}`)))) continue;
      seen.add(k);
      hits.push({ id, ev: { file: l.file, line: l.line, text: l.text }, input: l.input, captures: l.captures });
    }
  }
  return hits.sort((a, b) => a.input - b.input || a.ev.line - b.ev.line);
}

const RECOVERED = new WeakMap<RuleContext, ReadonlySet<string>>();

/** The failures the facts show NCCL went on from (a NET plugin replaced by the internal transport, a retry that connected), as keys of their lines; once per report. */
function recoveredOf(ctx: RuleContext): ReadonlySet<string> {
  let set = RECOVERED.get(ctx);
  if (set === undefined) {
    set = new Set((ctx.facts.recovered ?? []).flatMap((r) => [
      `${r.failure.file}\u0000${r.failure.line}`,
      // a WARN record that starts at the wrapper-only line above it (src/events/read-nccl.ts startsWarnRecord: Ray's or
      // another pid-keyed launcher's prefix on NCCL's own blank line) holds its text one line down, where a signature read it
      `${r.failure.file}\u0000${r.failure.line + 1}\u0000${r.failure.text}`,
    ]));
    RECOVERED.set(ctx, set);
  }
  return set;
}

/** Whether any of these lines had a value read under a name: `const said = saidBy(hits); if (said("oom")) …` */
export function saidBy(hits: readonly Hit[]): (name: string) => boolean {
  return (name) => hits.some((h) => h.captures[name] !== undefined);
}

/** The first value a signature read under this name from these lines (Signature.values), in log order. */
export function firstValue(hits: readonly Hit[], name: string): string | undefined {
  return hits.map((h) => h.captures[name]).find((v) => v !== undefined);
}

/** How many lines show these signatures in all (the evidence holds the first few). */
export function signalCount(ctx: RuleContext, ids: readonly string[]): number {
  return ids.reduce((n, id) => n + (ctx.signals[id]?.count ?? 0), 0);
}

/** The failure and warning signatures a kept line matched (the first lines of each signature are kept, so an early line is found). */
export function signatureIdsAt(ctx: RuleContext, at: Pick<Evidence, "file" | "line">): string[] {
  return Object.values(ctx.signals)
    .filter((sig) => !NOTABLE.has(sig.id) && (sig.lines.some((l) => l.line === at.line && l.file === at.file) || (sig.last.line === at.line && sig.last.file === at.file)))
    .map((sig) => sig.id);
}
