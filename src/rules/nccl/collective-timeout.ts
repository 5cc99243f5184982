import type { RuleContext, FindingDraft } from "../types.js";
import type { Evidence } from "../../model.js";
import { fmt, uniqueEvidence } from "../helpers.js";
import { signalCount, signalHits, type Hit } from "../signals.js";
import { hasNcclInfo } from "../../facts/dialects.js";
import { defineRule, type RuleSpec } from "../define.js";
import { LIST_LIMITS } from "../../facts/cluster.js";

export const meta = {
  id: "nccl/collective-timeout",
  defaultSeverity: "error",
  title: "A collective operation timed out",
  tags: ["nccl", "hccl", "error", "hang"],
  sources: [
    "torch_npu ProcessGroupHCCL (a port of ProcessGroupNCCL: `Watchdog caught collective operation timeout: WorkHCCL(...)`, `Some HCCL operations have failed or timed out`)",
    "PyTorch docs: torch_nccl_environment_variables (TORCH_NCCL_DESYNC_DEBUG, TORCH_NCCL_DUMP_ON_TIMEOUT, TORCH_NCCL_TRACE_BUFFER_SIZE)",
    "NCCL troubleshooting: NCCL has no host-side timeout for a stuck collective; the framework's watchdog reports it",
  ],
} satisfies RuleSpec;


interface RankState {
  /** the rank to name: torchrun's global `[rankN]:` when the line has it, else ProcessGroupNCCL's own `[Rank N]` */
  rank: number;
  /** the process group the progress line names (`[PG ID 2 PG GUID 11 Rank 1]`: `PG GUID 11`; `[PG 5 Rank 3]`: `PG 5`), when it names one */
  group?: string;
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
  // one state per reporting rank: ProcessGroupNCCL's `[Rank N]` is the rank within its process group, so a log whose
  // lines carry torchrun's `[rankN]:` keys them by that global rank (two processes of different subgroups can both be
  // `[Rank 1]`), and a progress line's `[PG ID i PG GUID g …]` tells which group its work counters count in
  const ranks = new Map<string, RankState>();
  const get = (h: Hit, pgRank: number) => {
    const global = h.captures.launcherRank;
    // (a line without the prefix, beside prefixed ones, is of the process whose global rank it names, when there is one)
    const key = global !== undefined ? `g${global}` : ranks.has(`g${pgRank}`) ? `g${pgRank}` : `r${pgRank}`;
    return ranks.get(key) ?? (ranks.set(key, { rank: global !== undefined ? Number(global) : pgRank }), ranks.get(key)!);
  };
  const progress = signalHits(ctx, ["nccl.timeoutProgress"]);
  // only `failed or timed out`, beside an NCCL failure (a completion error, `unhandled system error` …): the operation failed
  if (!progress.length && hits.every((h) => h.captures.failedOrTimedOut !== undefined) && signalHits(ctx, FAILURES).length) return [];
  for (const h of [...hits, ...progress]) {
    // the watchdog's and the progress line's values, as the signatures read them (grammars/signatures.ts TIMEOUT_VALUES)
    const w = h.captures;
    if (w.wRank !== undefined) {
      const s = get(h, Number(w.wRank));
      s.seq ??= Number(w.seq);
      s.op ??= w.op;
      if (w.timeoutMs) s.timeoutMs ??= Number(w.timeoutMs);
      if (w.ranMs) s.ranMs ??= Number(w.ranMs);
    }
    if (w.pRank !== undefined) {
      const s = get(h, Number(w.pRank));
      const { pgId, pgGuid } = h.captures;
      if (pgId !== undefined) s.group ??= pgGuid !== undefined ? `PG GUID ${pgGuid}` : `PG ${pgId}`;
      s.enqueued ??= Number(w.pEnqueued);
      s.completed ??= Number(w.pCompleted);
    }
  }
  // torch_npu's HCCL process group (Ascend NPUs): NCCL's and PyTorch's NCCL settings do not apply there
  const hccl = hits.some((h) => h.captures.lib === "H" || h.captures.foLib === "H");
  const lib = hccl ? "HCCL" : "NCCL";
  const stuckSec = hits.map((h) => h.captures.stuckSec).find((v) => v !== undefined);
  const heartbeatOnly = ranks.size === 0 && hits.every((h) => h.captures.heartbeat !== undefined);
  const states = [...ranks.values()].sort((a, b) => a.rank - b.rank);
  const reported = states.map((s) => s.rank);
  const first = states.find((s) => s.op);
  const groups = groupsOf(states);
  const parts: string[] = [];
  if (first && groups.length > 1) {
    // ranks of different process groups wait on unrelated collectives: each group's own, never one range of them
    const said = groups.map(([g, list]) => {
      const op = list.find((s) => s.op);
      return `${list.length > 1 ? "ranks" : "rank"} ${list.map((s) => s.rank).join(", ")} in ${op?.op ?? "a collective"}${seqRange(list)} of ${g}`;
    });
    parts.push(`Ranks of ${groups.length} different process groups timed out${first.timeoutMs ? ` after the ${fmt(first.timeoutMs / 1000)} s timeout` : ""}: ${said.join("; ")}`);
  } else if (first) {
    parts.push(`${reported.length > 1 ? `Ranks ${reported.join(", ")}` : `Rank ${reported[0]}`} waited in ${first.op}${seqRange(states)}${first.timeoutMs ? ` longer than the ${fmt(first.timeoutMs / 1000)} s timeout` : ""}`);
  } else if (heartbeatOnly) {
    parts.push(`PyTorch's heartbeat monitor found the process group's watchdog thread stuck${stuckSec ? ` for ${stuckSec} s` : ""} and ended the process: a CUDA or NCCL call it waits on hangs (a collective that never completes, or a CUDA call blocked by another thread)`);
  } else if (hits.every((h) => h.captures.failedOrTimedOut !== undefined))
    // ProcessGroupNCCL's words alone say no more than that: a failed collective reads the same as a timed-out one
    parts.push(`PyTorch's ProcessGroup${lib} reports that ${lib} operations failed or timed out and takes the process down; these lines do not say which, nor which collective`);
  else parts.push("A collective operation did not finish within the process group's timeout");
  const root = elasticRootCause(ctx);
  // torchrun's first observed failure, when it is a rank that did not itself time out: the one the others waited for
  const culprit = root && !reported.includes(root.rank) && ranks.size > 0 ? root : null;
  const lag = culprit
    ? `torchrun's failure summary names rank ${culprit.rank}${culprit.host ? ` (host ${culprit.host})` : ""}${culprit.exit !== undefined ? `, exit code ${culprit.exit},` : ""} as the first observed failure, and it did not report the timeout: look at it first`
    : laggingRanks(groups, ctx.facts.distributed.worldSize, seenRanks(ctx));
  if (lag) parts.push(lag);
  else parts.push(`the log does not show which rank fell behind: ${hccl ? "the process group's watchdog, not HCCL, reported the timeout" : "NCCL itself never times out a stuck collective"}, so the rank that never joined is the one to look at`);
  return [{
    message: parts.join("; ") + ".",
    evidence: uniqueEvidence([...[...hits, ...progress].map((h) => h.ev), ...(culprit ? [culprit.ev] : [])]),
    evidenceCount: signalCount(ctx, ["nccl.timeout", "nccl.timeoutProgress"]),
    remediation: hccl ? [
      "Look at the lagging rank's own log just before the timeout: an exception, an out-of-memory error, a data-loading stall or a different code path there is the cause; the other ranks only wait for it.",
      "Read the CANN log of each rank (`~/ascend/log/debug/plog`, or under ASCEND_PROCESS_LOG_PATH; ASCEND_GLOBAL_LOG_LEVEL=1 logs more): its `[ERROR] HCCL` lines name the collective and the rank HCCL waited for; `py-spy dump --pid <pid>` on a hung rank shows where it is stuck.",
      "Raise the timeout only when the work is legitimately long (e.g. first-time graph compilation): the process group's timeout, not as a fix for a hang.",
    ] : [
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

/** the sequence numbers the ranks wait on: ranks a collective apart wait on different ones, so the range, not the first's */
function seqRange(states: RankState[]): string {
  const seqs = states.map((s) => s.seq).filter((q): q is number => q !== undefined);
  if (!seqs.length) return "";
  const low = Math.min(...seqs);
  const high = Math.max(...seqs);
  return low === high ? ` (SeqNum ${low})` : ` (SeqNum ${low}–${high})`;
}

/**
 * The reporting ranks by the process group their progress line names (a rank whose lines name none is of the group
 * the others name, or of one unnamed group when none does); one entry when all are of one group.
 */
function groupsOf(states: RankState[]): [string, RankState[]][] {
  const named = [...new Set(states.map((s) => s.group).filter((g): g is string => g !== undefined))];
  if (named.length < 2) return [[named[0] ?? "", states]];
  return named.map((g) => [g, states.filter((s) => s.group === g)] as [string, RankState[]]);
}

/** Names the rank(s) behind: the smallest completed work, a different operation, or ranks that never reported. */
function laggingRanks(groups: [string, RankState[]][], worldSize: number | null, seen: number[] | null): string | null {
  // (work counters and operations compare within one process group: another group's collectives are no step of these)
  for (const [g, list] of groups) {
    const done = list.filter((s) => s.completed !== undefined);
    if (done.length < 2) continue;
    const min = Math.min(...done.map((s) => s.completed!));
    const max = Math.max(...done.map((s) => s.completed!));
    if (min < max) {
      const slow = done.filter((s) => s.completed === min).map((s) => s.rank);
      const of = groups.length > 1 ? ` of ${g}` : "";
      return `rank${slow.length > 1 ? "s" : ""} ${slow.join(", ")}${of} completed only NCCL work ${min} while others reached ${max}: ${slow.length > 1 ? "they are" : "it is"} the lagging one${slow.length > 1 ? "s" : ""}`;
    }
  }
  for (const [g, list] of groups) {
    const ops = new Map<string, number[]>();
    for (const s of list) if (s.op) ops.set(s.op, [...(ops.get(s.op) ?? []), s.rank]);
    if (ops.size > 1) {
      const sorted = [...ops.entries()].sort((a, b) => a[1].length - b[1].length);
      const [op, odd] = sorted[0];
      const of = groups.length > 1 ? ` of ${g}` : "";
      return `rank${odd.length > 1 ? "s" : ""} ${odd.join(", ")}${of} ran ${op} while the others ran ${sorted[sorted.length - 1][0]}: the ranks are out of step (desynchronised), starting at rank ${odd[0]}`;
    }
  }
  // (which ranks are missing is a question of one group: the world size is the default group's)
  if (groups.length > 1) return null;
  const ranks = new Set(groups[0][1].map((s) => s.rank));
  if (worldSize && ranks.size > 1 && ranks.size < worldSize) {
    const missing: number[] = [];
    for (let r = 0; r < worldSize && missing.length < 8; r++) if (!ranks.has(r)) missing.push(r);
    return `rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${worldSize} did not report the timeout: look at ${missing.length > 1 ? "them" : "it"} first`;
  }
  // no world size in the log: the ranks it shows that did not report (the count of ranks seen is no world size, and
  // ranks 0..n-1 are not the ones seen when a failed rank's lines name rank 3 of 0, 1, 3)
  const missing = worldSize || ranks.size < 2 || !seen ? [] : seen.filter((r) => !ranks.has(r)).slice(0, 8);
  if (missing.length) return `rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "show" : "shows"} in the log but did not report the timeout: look at ${missing.length > 1 ? "them" : "it"} first`;
  return null;
}

/**
 * The root cause of torchrun's failure summary (grammars/signatures.ts torch.elasticRootCause and its rows): the last
 * rank row of the log, when it comes after the summary's `Root Cause (first observed failure):` header, with the exit
 * code and host rows of its block.
 */
function elasticRootCause(ctx: RuleContext): { rank: number; exit?: string; host?: string; ev: Evidence } | null {
  const head = ctx.signals["torch.elasticRootCause"]?.last;
  const row = ctx.signals["torch.elasticRank"]?.last;
  if (!head || !row || row.input !== head.input || row.line <= head.line || row.line - head.line > 8) return null;
  // (the block's rows: `host` above `rank`, `exitcode` below it)
  const near = (id: string) => {
    const l = ctx.signals[id]?.last;
    return l && l.input === row.input && Math.abs(l.line - row.line) <= 3 ? l.captures : undefined;
  };
  return { rank: Number(row.captures.rank), exit: near("torch.elasticExit")?.exit, host: near("torch.elasticHost")?.host, ev: { file: row.file, line: row.line, text: row.text } };
}

/** The rank numbers the log shows (NCCL's and PyTorch's), or null when the list was capped. */
function seenRanks(ctx: RuleContext): number[] | null {
  const map = ctx.facts.nccl.rankMap;
  if (!map.length || map.length >= LIST_LIMITS.rankMap) return null;
  return [...new Set(map.map((r) => r.rank))].sort((a, b) => a - b);
}

export const rule = defineRule(meta, check);
