import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalCount, signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/ras-report",
  defaultSeverity: "warning",
  title: "NCCL's RAS report (ncclras) names processes or ranks that are missing, failed or out of step",
  tags: ["nccl", "ras", "hang"],
  sources: [
    "NCCL source: src/ras/client_support.cc (2.24+: the report's Job summary, its Errors section with INCOMPLETE, DEAD and per-communicator INCOMPLETE / ERROR, its Warnings section with TIMEOUT and per-communicator MISMATCH; 2.26+ operation counts per collective)",
    "NCCL User Guide: troubleshooting/ras.html (NCCL_RAS_ENABLE, NCCL_RAS_ADDR, the ncclras client, what the report's sections mean)",
  ],
} satisfies RuleSpec;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const sum = (hits: readonly Hit[], name: string) => hits.reduce((n, h) => n + (h.captures[name] !== undefined ? Number(h.captures[name]) : 0), 0);

/**
 * The `ncclras` client's report on a running job (NCCL_RAS, on by default since 2.24): each process of the job answers
 * for its communicators, and the report lists what does not add up. Its Errors section (processes that did not answer or
 * are unreachable, communicators with missing ranks or NCCL errors) makes the finding an error; its Warnings section alone
 * (ranks of a communicator at different operations or states, RAS's own gathering timeouts) a warning, since ranks in
 * flight can differ for a moment.
 */
export function check(ctx: RuleContext): FindingDraft[] {
  const heads = signalHits(ctx, ["nccl.rasIssue"]);
  if (!heads.length) return [];
  const details = signalHits(ctx, ["nccl.rasDetail"]);
  const issue = (kind: string) => heads.filter((h) => h.captures.commIssue === kind);
  const incomplete = issue("INCOMPLETE"), failed = issue("ERROR"), mismatch = issue("MISMATCH");
  const missingProcs = sum(heads, "missingProcs"), deadProcs = sum(heads, "deadProcs"), timeouts = sum(heads, "gatherTimeouts");
  const said: string[] = [];
  if (missingProcs) said.push(`${plural(missingProcs, "job process", "job processes")} did not answer with ${missingProcs === 1 ? "its" : "their"} communicators' data`);
  if (deadProcs) said.push(`${plural(deadProcs, "job process is", "job processes are")} considered dead (unreachable over the RAS network)`);
  if (incomplete.length) {
    const ranks = sum(details, "missingRanks");
    said.push(`${plural(incomplete.length, "communicator lacks", "communicators lack")} the data of ${ranks ? plural(ranks, "rank", "ranks") : "some of their ranks"}`);
  }
  if (failed.length) {
    const phases = [...new Set(details.flatMap((h) => (h.captures.errPhase ? [h.captures.errPhase.toLowerCase()] : [])))];
    const ranks = sum(details, "errRanks");
    said.push(`${plural(failed.length, "communicator has", "communicators have")} ranks reporting NCCL errors${phases.length ? ` (${phases.join(" and ")})` : ""}${ranks ? ` on ${plural(ranks, "rank", "ranks")}` : ""}`);
  }
  if (mismatch.length) {
    const differ = details.find((h) => h.captures.differ !== undefined)?.captures.differ;
    // (NCCL prints a count for a group of ranks, the rank itself for a group of one)
    const steps = details.flatMap((h) => {
      const c = h.captures;
      if (c.launchedOp !== undefined) return [`${plural(Number(c.launchedRanks), "rank", "ranks")} up to operation ${c.launchedOp}`];
      if (c.oneOp !== undefined) return [`rank ${c.oneRank} up to operation ${c.oneOp}`];
      if (c.idleRanks !== undefined) return [`${plural(Number(c.idleRanks), "rank", "ranks")} at no operation yet`];
      if (c.idleRank !== undefined) return [`rank ${c.idleRank} at no operation yet`];
      if (c.ranksStatus !== undefined) return [`${plural(Number(c.statusRanks), "rank", "ranks")} ${c.ranksStatus}`];
      if (c.rankStatus !== undefined) return [`rank ${c.statusRank} ${c.rankStatus}`];
      return [];
    });
    said.push(`the ranks of ${plural(mismatch.length, "communicator", "communicators")} are out of step${differ ? ` (different ${differ})` : ""}${steps.length ? `: ${steps.join(", ")}` : ""}`);
  }
  if (timeouts) said.push(`RAS itself timed out ${plural(timeouts, "time", "times")} while gathering the communicators' data`);
  const errors = missingProcs > 0 || deadProcs > 0 || incomplete.length > 0 || failed.length > 0;
  const remediation: string[] = [];
  if (mismatch.length) remediation.push("The ranks behind (the lower operation count, or a status other than RUNNING) are where a hang starts: dump those processes' stacks (`py-spy dump --pid <process>` on the node the report names, `cuda-gdb` or `gdb -p` for a C++ program) to see what they wait for, and check that every rank issues the same collectives in the same order.");
  if (missingProcs || deadProcs || incomplete.length) remediation.push("For each process or rank the report names (`Process <pid> on node <host>`, `Rank N -- GPU g managed by process p on node h`): check that it is still alive (`ps -p <pid>` on that node), whether the kernel killed it (`dmesg` for the OOM killer or an Xid), and that the node is reachable from the others.");
  if (failed.length) remediation.push("The ranks that reported errors ran into an NCCL failure: their own log lines with NCCL_DEBUG=WARN (or INFO) say which one, and the job's other findings explain it.");
  remediation.push("Run `ncclras` (or `echo STATUS | nc localhost 28028`) again a few seconds later: a difference that stays, with the same ranks behind, is a hang; one that moves is ranks in flight. `ncclras -v` lists every rank instead of the outliers.");
  return [{
    message: `NCCL's RAS report (the ncclras client's status of the running job) says ${said.join("; ")}.${errors ? " These are in its Errors section: a process or rank the others depend on is gone, stuck outside NCCL or failed, and the job's collectives cannot complete without it." : " These are in its Warnings section: ranks that stay apart like this are a hang in the making (the ranks ahead wait for the ones behind)."}`,
    evidence: hitEvidence([...heads, ...details].sort((a, b) => a.input - b.input || a.ev.line - b.ev.line)).slice(0, 8),
    evidenceCount: signalCount(ctx, ["nccl.rasIssue", "nccl.rasDetail"]),
    remediation,
    severity: errors ? "error" : "warning",
  }];
}

export const rule = defineRule(meta, check);
