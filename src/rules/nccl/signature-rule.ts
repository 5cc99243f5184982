import type { Evidence } from "../../model.js";
import type { FindingDraft, Rule, RuleContext, RuleMeta } from "../types.js";
import { findHits, hitEvidence, type Hit } from "../helpers.js";
import { BENIGN_WARN, NCCL_CONTEXT } from "./signatures.js";

/** Lines matching an NCCL failure signature; `needsContext` also requires an NCCL word on the line. */
export function signatureHits(ctx: RuleContext, re: RegExp, needsContext = false): Hit[] {
  return findHits(ctx.events, re, { exclude: BENIGN_WARN }).filter((h) => !needsContext || NCCL_CONTEXT.test(h.text) || NCCL_CONTEXT.test(h.ev.text));
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
      return [{ message, remediation, evidence: [...hitEvidence(unique), ...(extraEvidence ?? [])] }];
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
