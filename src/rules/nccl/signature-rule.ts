import type { Evidence } from "../../model.js";
import type { FindingDraft, Rule, RuleContext } from "../types.js";
import { defineRule, type RuleSpec } from "../define.js";
import { uniqueEvidence } from "../helpers.js";
import { signalCount, signalHits, type Hit } from "../signals.js";

/**
 * A rule that fires on lines of its signatures (grammars/signatures.ts) and explains them with `explain`. `keep`: which
 * of the lines are the rule's (all when absent), for words another program's lines share.
 */
export function signatureRule(
  meta: RuleSpec,
  ids: readonly string[],
  explain: (hits: Hit[], ctx: RuleContext) => { message: string; remediation: string[]; extraEvidence?: Evidence[] },
  keep?: (hit: Hit, ctx: RuleContext) => boolean,
): Rule {
  return defineRule(meta, signatureCheck(ids, explain, keep));
}

/** signatureRule's check alone, for a rule that asks one set of signatures first and another only when it says nothing */
export function signatureCheck(
  ids: readonly string[],
  explain: (hits: Hit[], ctx: RuleContext) => { message: string; remediation: string[]; extraEvidence?: Evidence[] },
  keep?: (hit: Hit, ctx: RuleContext) => boolean,
): (ctx: RuleContext) => FindingDraft[] {
  return (ctx: RuleContext): FindingDraft[] => {
    const all = signalHits(ctx, ids);
    const hits = keep ? all.filter((h) => keep(h, ctx)) : all;
    if (!hits.length) return [];
    const { message, remediation, extraEvidence } = explain(hits, ctx);
    const retrying = ids.every((id) => !ctx.signals[id] || ctx.signals[id].onlyRetries);
    return [{
      message: retrying ? `${message} The log shows only retries and ends before NCCL gave up or connected, so this may still have recovered.` : message,
      remediation,
      evidence: uniqueEvidence([...hits.map((h) => h.ev), ...(extraEvidence ?? [])]),
      evidenceCount: signalCount(ctx, ids),
      ...(retrying ? { severity: "warning" as const } : {}),
    }];
  };
}

/** The ranks the lines of these signatures name (launcher prefixes, PyTorch's `[Rank N]`). */
export function ranksOf(ctx: RuleContext, ids: readonly string[]): number[] {
  return [...new Set(ids.flatMap((id) => ctx.signals[id]?.ranks ?? []))].sort((a, b) => a - b);
}

export const DEBUG_HINT = "Rerun with NCCL_DEBUG=INFO (NCCL_DEBUG_SUBSYS=INIT,NET for network set-up; NCCL_DEBUG_FILE=/tmp/nccl.%h.%p.log for one file per process) to see the first NCCL WARN, which is the root cause; the `file.cc:N -> M` lines after it only show how the error travelled.";

/**
 * WSL2's limits, when the log shows the run is under it (the vllm.wslPlatform signature): NCCL's release notes gave WSL2
 * single-GPU support (2.10.3), and with several GPUs NCCL's P2P and shared-memory set-up there often fail.
 */
export function wslAdvice(ctx: RuleContext): string[] {
  const wsl = signalHits(ctx, ["vllm.wslPlatform"])[0];
  if (!wsl) return [];
  return [
    `This run is under WSL2 (line ${wsl.ev.line}): NCCL's release notes list WSL2 support for a single GPU (NCCL 2.10.3), and with several GPUs NCCL's peer-to-peer and shared-memory set-up there often fail. Try NCCL_P2P_DISABLE=1 (with vLLM's --disable-custom-all-reduce) and a large /dev/shm; for tensor parallelism that holds, run on native Linux or in a Linux VM with the GPUs passed through.`,
  ];
}
