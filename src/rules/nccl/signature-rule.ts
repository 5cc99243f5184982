import type { Evidence } from "../../model.js";
import type { FindingDraft, Rule, RuleContext, RuleMeta } from "../types.js";
import { findHits, hitEvidence, type Hit } from "../helpers.js";
import { BENIGN_WARN, NCCL_CONTEXT, RETRY } from "./signatures.js";

/** Lines matching an NCCL failure signature; `needsContext` also requires an NCCL word on the line. Recovered lines are left out. */
export function signatureHits(ctx: RuleContext, re: RegExp, needsContext = false): Hit[] {
  const hits = findHits(ctx.events, re, { exclude: BENIGN_WARN }).filter((h) => !isBenignWarnEvent(h) && (!needsContext || NCCL_CONTEXT.test(h.text) || NCCL_CONTEXT.test(h.ev.text)));
  return dropRecovered(ctx, hits);
}

/** A WARN the NCCL reader itself classed as benign (CONTRACT.md's list). */
export function isBenignWarnEvent(h: Hit): boolean {
  return h.event.kind === "nccl.warn" && h.event.benign;
}

/**
 * A line NCCL logs at INFO level (an error-return `file.cc:N -> M` inside a probe NCCL tolerates, a WARN
 * downgraded inside a NOWARN region) or a connection retry, after which a communicator of the same input still
 * reached `Init COMPLETE`: NCCL recovered, so it reports no failure.
 */
export function isRecoverable(h: Hit): boolean {
  return (/NCCL INFO/.test(h.ev.text) && !/NCCL WARN/.test(h.ev.text)) || RETRY.test(h.text);
}

export function dropRecovered(ctx: RuleContext, hits: Hit[]): Hit[] {
  // a failure the facts show NCCL went on from (a NET plugin replaced by the internal transport, a retry that connected)
  const recovered = new Set((ctx.facts.recovered ?? []).map((r) => `${r.failure.file}:${r.failure.line}`));
  if (recovered.size) hits = hits.filter((h) => !recovered.has(`${h.ev.file}:${h.ev.line}`));
  if (!hits.some(isRecoverable)) return hits;
  const completeAt = new Map<number, number>();
  for (const e of ctx.events) {
    if ((e.kind === "nccl.init" && e.phase === "COMPLETE") || (e.ev?.text.includes("Init COMPLETE") ?? false)) {
      completeAt.set(e.input, Math.max(completeAt.get(e.input) ?? 0, e.ev.line));
    }
  }
  return hits.filter((h) => !(isRecoverable(h) && (completeAt.get(h.input) ?? 0) > h.ev.line));
}

/** Only retry lines are left: the log stops while NCCL is still trying, which is not yet a failure. */
export function onlyRetries(hits: readonly Hit[]): boolean {
  return hits.length > 0 && hits.every((h) => RETRY.test(h.text));
}

/** A rule that fires on lines matching a signature and explains them with `explain`. */
export function signatureRule(
  meta: RuleMeta,
  signatures: { re: RegExp; needsContext?: boolean }[],
  explain: (hits: Hit[], ctx: RuleContext) => { message: string; remediation: string[]; extraEvidence?: Evidence[] },
): Rule {
  return {
    meta,
    check(ctx: RuleContext): FindingDraft[] {
      const hits = signatures.flatMap((s) => signatureHits(ctx, s.re, s.needsContext));
      if (!hits.length) return [];
      const seen = new Set<string>();
      const unique = hits
        .sort((a, b) => a.input - b.input || a.ev.line - b.ev.line)
        .filter((h) => {
          const k = `${h.input}:${h.ev.file}:${h.ev.line}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      const { message, remediation, extraEvidence } = explain(unique, ctx);
      const retrying = onlyRetries(unique);
      return [{
        message: retrying ? `${message} The log shows only retries and ends before NCCL gave up or connected, so this may still have recovered.` : message,
        remediation,
        evidence: [...hitEvidence(unique), ...(extraEvidence ?? [])],
        ...(retrying ? { severity: "warning" as const } : {}),
      }];
    },
  };
}

/** "ranks 0, 3" or "" from PyTorch/NCCL rank markers on the lines. */
export function ranksOn(hits: Hit[]): number[] {
  const ranks = new Set<number>();
  for (const h of hits) {
    const r = h.event.origin?.rank;
    if (r !== undefined) ranks.add(r);
    const m = /\[(?:PG [^\]]*?)?Rank (\d+)\]|\brank(\d+)\]/.exec(h.text);
    if (m) ranks.add(Number(m[1] ?? m[2]));
  }
  return [...ranks].sort((a, b) => a - b);
}

export const DEBUG_HINT = "Rerun with NCCL_DEBUG=INFO (NCCL_DEBUG_SUBSYS=INIT,NET for network set-up; NCCL_DEBUG_FILE=/tmp/nccl.%h.%p.log for one file per process) to see the first NCCL WARN, which is the root cause; the `file.cc:N -> M` lines after it only show how the error travelled.";
