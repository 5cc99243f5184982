import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "cluster/stopped-by-signal",
  defaultSeverity: "error",
  title: "The job was stopped by a signal from outside (SIGTERM, SIGHUP, SIGINT)",
  tags: ["cluster", "launcher", "slurm", "kubernetes"],
  sources: [
    "PyTorch source: torch/distributed/elastic/agent/server/api.py (run: 'Received %s death signal, shutting down workers', then _shutdown with that signal and re-raise); torch/distributed/elastic/multiprocessing/api.py (_terminate_process_handler: SignalException 'Process %d got signal: %d' for SIGTERM, SIGINT, SIGHUP, SIGQUIT)",
    "Slurm docs: scancel and slurm.conf KillWait (a cancelled or timed-out job's tasks get SIGTERM, then SIGKILL); slurmstepd's '*** JOB … CANCELLED AT … DUE TO TIME LIMIT ***'",
    "Kubernetes docs: Pod Lifecycle, termination of Pods (SIGTERM, then SIGKILL after terminationGracePeriodSeconds)",
  ],
} satisfies RuleSpec;

const NAMES: Readonly<Record<string, string>> = { "1": "SIGHUP", "2": "SIGINT", "3": "SIGQUIT", "15": "SIGTERM" };

/** who sends each signal, as a phrase */
const SENDERS: Readonly<Record<string, string>> = {
  SIGTERM: "a scheduler ending the job (Slurm at its time limit, on preemption or `scancel`; Kubernetes on eviction, a rollout or pod deletion), `kill`, or `docker stop`",
  SIGHUP: "the terminal or SSH session that started it closing",
  SIGINT: "Ctrl-C in the terminal that started it, or a launcher passing it on",
  SIGQUIT: "Ctrl-\\ in the terminal, or a process manager",
};

/** torchrun's agent told to stop by a signal from outside; a consequence only when the log shows an earlier failure. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["torch.deathSignal"]);
  if (!hits.length) return [];
  const first = hits[0];
  const number = first.captures.signal ?? "15";
  const name = NAMES[number] ?? `signal ${number}`;
  const cancel = signalHits(ctx, ["slurm.cancelled"]);
  const reason = cancel.find((h) => h.captures.reason !== undefined)?.captures.reason;
  // a failure earlier in the same file (not Slurm's own cancel line): srun, the scheduler or a peer ended the job after it
  const failure = ctx.facts.firstError;
  const after = failure !== null && failure.file === first.ev.file && failure.line < first.ev.line && !cancel.some((h) => h.ev.file === failure.file && h.ev.line === failure.line) && reason === undefined;
  const agent = `torchrun's agent received ${name} and stopped its workers`;
  if (after) {
    return [{
      severity: "info",
      message: `${agent} after the failure at ${failure.file}:${failure.line}: the launcher or scheduler (srun ends a step's other tasks when one exits with an error) or a peer's exit stopped the rest of the job. That failure is the cause, not the signal.`,
      evidence: [...hitEvidence(hits), ...cancel.slice(0, 1).map((h) => h.ev)],
      remediation: ["Read the failure at the line above and the failing task's own output (`srun: error: <node>: task N: Exited with exit code …` names the node and task); the signal only ended the rest of the job."],
    }];
  }
  const sender = reason ? `Slurm cancelled the job DUE TO ${reason}` : `it came from outside the job: ${SENDERS[name] ?? "another process"}`;
  return [{
    message: `${agent}: ${sender}. The workers did not fail by themselves; ${name === "SIGINT" ? "if nobody pressed Ctrl-C, find what sent it" : "the job was ended before it finished"}.`,
    evidence: [...hitEvidence(hits), ...cancel.slice(0, 1).map((h) => h.ev)],
    remediation: [
      reason === "TIME LIMIT"
        ? "Give the job more time (`#SBATCH --time`, within the partition's MaxTime), or save checkpoints often enough to resume from the last one (`--signal=B:USR1@300` asks Slurm to warn the batch script before the limit)."
        : reason === "PREEMPTION"
          ? "The job ran in a preemptible partition or QOS: run it where it cannot be preempted, or make it resume from checkpoints (`--requeue`)."
          : "Ask the scheduler why it ended the job: `sacct -j <jobid> -o JobID,State,ExitCode,Elapsed,Timelimit` (TIMEOUT, PREEMPTED, CANCELLED by a user) under Slurm; `kubectl describe pod` and `kubectl get events` (Killing, Evicted, Preempting, a failed liveness probe) under Kubernetes.",
      name === "SIGHUP"
        ? "Start long runs detached from the terminal: under `nohup`, `tmux` or `screen`, or as a batch job."
        : "If a step hung before the signal (no output for a long time, then the signal), the hang is the cause: rerun with NCCL_DEBUG=INFO and TORCH_NCCL_ASYNC_ERROR_HANDLING=1 so a stuck collective fails with its own error.",
    ],
  }];
}

export const rule = defineRule(meta, check);
