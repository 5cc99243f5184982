import type { RuleContext, FindingDraft } from "../types.js";
import { fmt, uniqueEvidence } from "../helpers.js";
import { signalCount, signalHits } from "../signals.js";
import { hasNcclInfo } from "../../facts/dialects.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/collective-timeout",
  defaultSeverity: "error",
  title: "A collective operation timed out",
  tags: ["nccl", "error", "hang"],
  sources: [
    "PyTorch docs: torch_nccl_environment_variables (TORCH_NCCL_DESYNC_DEBUG, TORCH_NCCL_DUMP_ON_TIMEOUT, TORCH_NCCL_TRACE_BUFFER_SIZE)",
    "NCCL troubleshooting: NCCL has no host-side timeout for a stuck collective; the framework's watchdog reports it",
  ],
} satisfies RuleSpec;


interface RankState {
  seq?: number;
  op?: string;
  timeoutMs?: number;
  ranMs?: number;
  enqueued?: number;
  completed?: number;
}

/** NCCL failures that make PyTorch's `Some NCCL operations have failed or timed out` a failure, not a timeout */
const FAILURES = ["nccl.systemError", "nccl.internalError", "nccl.remoteExited", "nccl.remoteExitedNet", "nccl.cudaError", "nccl.ibError", "nccl.duplicateGpu", "nccl.shm", "nccl.bootstrap"];

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["nccl.timeout"]);
  if (!hits.length) return [];
  const ranks = new Map<number, RankState>();
  const get = (r: number) => ranks.get(r) ?? (ranks.set(r, {}), ranks.get(r)!);
  const progress = signalHits(ctx, ["nccl.timeoutProgress"]);
  // only `failed or timed out`, beside an NCCL failure (a completion error, `unhandled system error` …): the operation failed
  if (!progress.length && hits.every((h) => h.captures.failedOrTimedOut !== undefined) && signalHits(ctx, FAILURES).length) return [];
  for (const h of [...hits, ...progress]) {
    // the watchdog's and the progress line's values, as the signatures read them (grammars/signatures.ts TIMEOUT_VALUES)
    const w = h.captures;
    if (w.wRank !== undefined) {
      const s = get(Number(w.wRank));
      s.seq ??= Number(w.seq);
      s.op ??= w.op;
      if (w.timeoutMs) s.timeoutMs ??= Number(w.timeoutMs);
      if (w.ranMs) s.ranMs ??= Number(w.ranMs);
    }
    if (w.pRank !== undefined) {
      const s = get(Number(w.pRank));
      s.enqueued ??= Number(w.pEnqueued);
      s.completed ??= Number(w.pCompleted);
    }
  }
  const stuckSec = hits.map((h) => h.captures.stuckSec).find((v) => v !== undefined);
  const heartbeatOnly = ranks.size === 0 && hits.every((h) => h.captures.heartbeat !== undefined);
  const reported = [...ranks.keys()].sort((a, b) => a - b);
  const first = reported.map((r) => ranks.get(r)!).find((s) => s.op);
  const parts: string[] = [];
  if (first) {
    // (ranks a collective apart wait on different sequence numbers: the range, not the first rank's alone)
    const seqs = reported.map((r) => ranks.get(r)!.seq).filter((q): q is number => q !== undefined);
    const low = Math.min(...seqs);
    const high = Math.max(...seqs);
    const seq = !seqs.length ? "" : low === high ? ` (SeqNum ${low})` : ` (SeqNum ${low}–${high})`;
    parts.push(`${reported.length > 1 ? `Ranks ${reported.join(", ")}` : `Rank ${reported[0]}`} waited in ${first.op}${seq}${first.timeoutMs ? ` longer than the ${fmt(first.timeoutMs / 1000)} s timeout` : ""}`);
  } else if (heartbeatOnly) {
    parts.push(`PyTorch's heartbeat monitor found the process group's watchdog thread stuck${stuckSec ? ` for ${stuckSec} s` : ""} and ended the process: a CUDA or NCCL call it waits on hangs (a collective that never completes, or a CUDA call blocked by another thread)`);
  } else parts.push("A collective operation did not finish within the process group's timeout");
  const lag = laggingRanks(ranks, ctx.facts.distributed.worldSize ?? ctx.facts.nccl.ranks);
  if (lag) parts.push(lag);
  else parts.push("the log does not show which rank fell behind: NCCL itself never times out a stuck collective, so the rank that never joined is the one to look at");
  return [{
    message: parts.join("; ") + ".",
    evidence: uniqueEvidence([...hits, ...progress].map((h) => h.ev)),
    evidenceCount: signalCount(ctx, ["nccl.timeout", "nccl.timeoutProgress"]),
    remediation: [
      "Look at the lagging rank's own log just before the timeout: an exception, an OOM, a data-loading stall or a different code path there is the cause; the other ranks only wait for it.",
      "Rerun with TORCH_NCCL_DESYNC_DEBUG=1 and TORCH_NCCL_DUMP_ON_TIMEOUT=1 TORCH_NCCL_TRACE_BUFFER_SIZE=2000 (flight recorder) to see which rank and which collective diverged; `py-spy dump --pid <pid>` on a hung rank shows where it is stuck.",
      hasNcclInfo(ctx.facts)
        ? "Check the transports in the NCCL INFO lines (the NCCL section of this report): a network that stalls without erroring (wrong interface, Socket fallback) can also cause this."
        : "Set NCCL_DEBUG=INFO to confirm the transports; a network that stalls without erroring (wrong interface, Socket fallback) can also cause this.",
      "Raise the timeout only when the work is legitimately long (e.g. first-time compilation): vLLM/torch's process-group timeout, not as a fix for a hang.",
      ...(heartbeatOnly ? ["The heartbeat monitor has its own, shorter budget (TORCH_NCCL_HEARTBEAT_TIMEOUT_SEC, 480 s by default): raise it only when a rank legitimately waits longer than that (e.g. while another rank loads a model); TORCH_NCCL_ENABLE_MONITORING=0 turns the monitor off."] : []),
    ],
  }];
}

/** Names the rank(s) behind: the smallest completed work, a different operation, or ranks that never reported. */
function laggingRanks(ranks: Map<number, RankState>, worldSize: number | null): string | null {
  const done = [...ranks.entries()].filter(([, s]) => s.completed !== undefined);
  if (done.length > 1) {
    const min = Math.min(...done.map(([, s]) => s.completed!));
    const max = Math.max(...done.map(([, s]) => s.completed!));
    if (min < max) {
      const slow = done.filter(([, s]) => s.completed === min).map(([r]) => r);
      return `rank${slow.length > 1 ? "s" : ""} ${slow.join(", ")} completed only NCCL work ${min} while others reached ${max}: ${slow.length > 1 ? "they are" : "it is"} the lagging one${slow.length > 1 ? "s" : ""}`;
    }
  }
  const ops = new Map<string, number[]>();
  for (const [r, s] of ranks) if (s.op) ops.set(s.op, [...(ops.get(s.op) ?? []), r]);
  if (ops.size > 1) {
    const sorted = [...ops.entries()].sort((a, b) => a[1].length - b[1].length);
    const [op, odd] = sorted[0];
    return `rank${odd.length > 1 ? "s" : ""} ${odd.join(", ")} ran ${op} while the others ran ${sorted[sorted.length - 1][0]}: the ranks are out of step (desynchronised), starting at rank ${odd[0]}`;
  }
  if (worldSize && ranks.size > 1 && ranks.size < worldSize) {
    const missing: number[] = [];
    for (let r = 0; r < worldSize && missing.length < 8; r++) if (!ranks.has(r)) missing.push(r);
    return `rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${worldSize} did not report the timeout: look at ${missing.length > 1 ? "them" : "it"} first`;
  }
  return null;
}

export const rule = defineRule(meta, check);
