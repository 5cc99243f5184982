import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/ray-worker-died",
  defaultSeverity: "error",
  title: "A Ray worker process died without a Python error",
  tags: ["vllm", "ray", "multi-node"],
  sources: [
    "Ray source: python/ray/exceptions.py ActorDiedError ('The actor died unexpectedly before finishing this task'); src/ray/core_worker/transport/actor_task_submitter.cc and the GCS actor manager ('The actor is dead because its worker process has died.', then 'Worker exit type: ...')",
    "Ray source: the raylet's report of a dead worker ('A worker died or was killed while executing a task by an unexpected system error')",
    "Ray docs: ray-core/fault_tolerance/actors.rst and ray-observability logging (worker logs under /tmp/ray/session_latest/logs)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  // Ray's two reports of a worker process that ended under a pending call: the raylet's line and the caller's
  // ActorDiedError; a memory-monitor kill says so itself (ray.exceptions.OutOfMemoryError: vllm/host-oom)
  const hits = signalHits(ctx, ["vllm.rayWorkerDied", "vllm.rayActorDied"]);
  // an exit Ray itself calls intended (`Worker exit type: INTENDED_USER_EXIT ... exit_actor() is called`, INTENDED_SYSTEM_EXIT
  // when the job or cluster shuts down) is no death: only when every report says so
  if (!hits.length || hits.every((h) => /^INTENDED_/.test(h.captures.exitType ?? ""))) return [];
  const exitType = firstValue(hits, "exitType");
  const exitDetail = firstValue(hits, "exitDetail");
  const ray = ctx.facts.config.executorBackend === "ray";
  const how = exitType ? ` (exit type ${exitType}${exitDetail ? `: ${exitDetail.trim()}` : ""})` : "";
  return [{
    message: `A Ray worker process ended while a call to it was pending, without raising a Python error${how}.${ray ? " vLLM runs its workers as Ray actors here (its Ray executor), so the engine lost a rank: it fails to start or stops serving." : ""} Ray names the host's OOM killer, \`ray stop --force\` or a crash such as SIGSEGV in native code as the usual causes.`,
    evidence: hitEvidence(hits),
    evidenceCount: hits.length,
    remediation: [
      "On the node that ran the dead worker (the IP Ray names), look for the kernel's OOM killer: `dmesg -T | grep -i -E 'killed process|out of memory'`; a container's memory limit counts too.",
      "Read the dead worker's own log: `ray logs worker-<worker id>*` or /tmp/ray/session_latest/logs/worker-*.err and raylet.out on that node; a native crash leaves a stack there (a SIGSEGV, a CUDA or NCCL abort).",
      "Check that nothing stopped Ray under the job (`ray stop --force`, a pod restart or eviction in KubeRay: `kubectl describe pod`).",
    ],
  }];
}

export const rule = defineRule(meta, check);
