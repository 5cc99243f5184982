import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "cluster/slurm-cancelled",
  defaultSeverity: "error",
  title: "Slurm cancelled the job or step (time limit, preemption, node failure, scancel)",
  tags: ["cluster", "launcher", "slurm"],
  sources: [
    "Slurm docs: slurm.conf KillWait (a cancelled or timed-out job's tasks get SIGTERM, then SIGKILL), srun --kill-on-bad-exit, sbatch --time and --requeue; slurmstepd's '*** JOB … CANCELLED AT … [DUE TO TIME LIMIT|PREEMPTION|NODE FAILURE] ***'",
  ],
} satisfies RuleSpec;

/** Slurm's step daemon cancelled the job or a step; torchrun's own report of the signal is cluster/stopped-by-signal's. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["slurm.cancelled"]);
  // (torchrun's agent logged the signal: cluster/stopped-by-signal reports the cancel with it)
  if (!hits.length || signalHits(ctx, ["torch.deathSignal"]).length) return [];
  const reason = hits.find((h) => h.captures.reason !== undefined)?.captures.reason;
  const first = hits[0].ev;
  const failure = ctx.facts.firstError;
  // a failure earlier in the same file that is not Slurm's cancel itself
  const earlier = failure !== null && failure.file === first.file && failure.line < first.line && !hits.some((h) => h.ev.file === failure.file && h.ev.line === failure.line) ? failure : null;
  const evidence = hitEvidence(hits.slice(0, 2));
  const ask = "Ask Slurm why it ended the job: `sacct -j <jobid> -o JobID,State,ExitCode,Elapsed,Timelimit,NodeList` (TIMEOUT, PREEMPTED, NODE_FAIL, CANCELLED by <uid>).";
  if (reason === undefined) {
    return [{
      severity: earlier ? "info" : "warning",
      message: earlier
        ? `Slurm cancelled the step (${first.file}:${first.line}) after the failure at ${earlier.file}:${earlier.line}: srun ends a step's other tasks once one task fails (and with --kill-on-bad-exit at once). That failure is the cause, not the cancel.`
        : `Slurm cancelled the job or step (${first.file}:${first.line}) without naming a reason: a user's or an orchestrator's \`scancel\`, or srun ending the step after a task failed in output this log does not hold.`,
      evidence,
      remediation: earlier ? ["Read the failure at the line above and the failing task's own output (`srun: error: <node>: task N: …` names the node and task)."] : [ask, "Look in the other tasks' output (`--output=%x-%j-%t.out` writes one file a task) for the task that failed first."],
    }];
  }
  const why: Record<string, string> = {
    "TIME LIMIT": "the job reached its time limit",
    PREEMPTION: "a job of higher priority preempted it",
    "NODE FAILURE": "one of its nodes failed (Slurm lost contact with it or marked it down)",
    "JOB REQUEUE": "the job was requeued",
  };
  const remediation: Record<string, string> = {
    "TIME LIMIT": "Give the job more time (`#SBATCH --time`, within the partition's MaxTime), or save checkpoints often enough to resume from the last one (`--signal=B:USR1@300` asks Slurm to warn the batch script before the limit).",
    PREEMPTION: "Run where the job cannot be preempted (another partition or QOS), or make it resume from checkpoints (`--requeue`).",
    "NODE FAILURE": "Check the node (`scontrol show node <node>`: Reason, State DOWN or DRAIN; its kernel log for GPU Xid or memory errors) and exclude it (`--exclude=<node>`) until it is fixed.",
    "JOB REQUEUE": "The job runs again from its start: make it resume from checkpoints.",
  };
  return [{
    message: `Slurm cancelled the job: ${why[reason] ?? reason.toLowerCase()} (${first.file}:${first.line}).${earlier ? ` The log shows a failure before it (${earlier.file}:${earlier.line}): if the job stopped making progress there, that failure kept it waiting until Slurm ended it.` : " Its tasks got SIGTERM, then SIGKILL: the lines after it are the job being stopped, not failures of their own."}`,
    evidence,
    remediation: [remediation[reason] ?? ask, ...(reason === "TIME LIMIT" ? ["If the run hung before the limit (no output for a long time), the hang is the cause: rerun with NCCL_DEBUG=INFO and TORCH_NCCL_ASYNC_ERROR_HANDLING=1 so a stuck collective fails with its own error."] : []), ask],
  }];
}

export const rule = defineRule(meta, check);
