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
    "Ray source: src/ray/gcs/gcs_server/gcs_node_manager.cc ('The node with node id: ... has been marked dead because the detector has missed too many heartbeats from it'); the raylet's 'Raylet is terminated. Termination is unexpected.'",
    "Ray docs: ray-core/fault_tolerance/actors.rst and ray-observability logging (worker logs under /tmp/ray/session_latest/logs)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  // Ray's two reports of a worker process that ended under a pending call: the raylet's line and the caller's
  // ActorDiedError; a memory-monitor kill says so itself (ray.exceptions.OutOfMemoryError: vllm/host-oom)
  const hits = signalHits(ctx, ["vllm.rayWorkerDied", "vllm.rayActorDied"]);
  // an exit Ray itself calls intended (`Worker exit type: INTENDED_USER_EXIT ... exit_actor() is called`, INTENDED_SYSTEM_EXIT
  // when the job or cluster shuts down) is no death: only when every report says so
  // a whole node lost (the GCS marked it dead, or its raylet ended unexpectedly) takes every worker actor on it
  const nodeHits = signalHits(ctx, ["vllm.rayNodeDied"]);
  if ((!hits.length || hits.every((h) => /^INTENDED_/.test(h.captures.exitType ?? ""))) && !nodeHits.length) return [];
  if (!hits.length) {
    const address = firstValue(nodeHits, "address");
    const ray = ctx.facts.config.executorBackend === "ray";
    const what = nodeHits.some((h) => h.captures.raylet === undefined)
      ? `Ray's control store marked a node${address ? ` (${address})` : ""} dead: it missed too many heartbeats, so its raylet crashed, was killed (the host's OOM killer, a preempted or evicted node) or stopped answering`
      : "A raylet (Ray's per-node agent) ended unexpectedly: SIGKILL by a user or the host's OOM killer, or a crash";
    return [{
      message: `${what}. Every Ray worker process on that node ends with it.${ray ? " vLLM runs its workers as Ray actors here (its Ray executor), so the engine loses the ranks on that node: it fails to start or stops serving." : ""}`,
      evidence: hitEvidence(nodeHits),
      evidenceCount: nodeHits.length,
      remediation: [
        "On that node, look for the kernel's OOM killer (`dmesg -T | grep -i -E 'killed process|out of memory'`) and read /tmp/ray/session_latest/logs/raylet.out and raylet.err; in KubeRay, `kubectl describe pod` of the worker pod (OOMKilled, evicted, preempted).",
        "If the node was busy rather than dead (lagging heartbeats on a slow network or a saturated host), look at its CPU and network load; Ray's health-check timeouts are set at `ray start` (RAY_health_check_* settings).",
      ],
    }];
  }
  if (hits.every((h) => /^INTENDED_/.test(h.captures.exitType ?? ""))) return [];
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
