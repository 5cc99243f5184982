import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/host-oom",
  defaultSeverity: "error",
  title: "The host's memory ran out: the process was killed",
  tags: ["vllm", "memory", "host", "ray", "kubernetes"],
  sources: [
    "vLLM docs: getting_started/troubleshooting.md (out of memory while loading weights; --swap-space and CPU memory); serving/distributed_troubleshooting.md",
    "Ray docs: ray-core/scheduling/ray-oom-prevention.rst (the memory monitor, RAY_memory_usage_threshold)",
    "Linux: mm/oom_kill.c (`Out of memory: Killed process`); Kubernetes: container status reason OOMKilled",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.hostMemoryKilled"]);
  if (!hits.length) return [];
  const saysMemory = hits.some((h) => h.captures.oom !== undefined);
  const byRay = hits.some((h) => h.captures.ray !== undefined);
  const proc = firstValue(hits, "proc");
  // every line a launcher's report of a task it saw die of SIGKILL (srun, mpirun, Hydra), after a failure the log shows
  // earlier in the same file: srun's --kill-on-bad-exit and mpirun's clean-up kill the other tasks with SIGKILL, so the
  // kill is that failure's knock-on, not memory
  const byLauncher = hits.every((h) => h.captures.launcher !== undefined || h.captures.launcher2 !== undefined);
  const failure = ctx.facts.firstError;
  const first = hits[0].ev;
  // (Hydra's frame head is the same report as its KILLED BY SIGNAL line, no failure before it)
  const sameReport = [...hits, ...signalHits(ctx, ["mpi.hydraBadTermination"])];
  if (byLauncher && !saysMemory && failure !== null && failure.file === first.file && failure.line < first.line && !sameReport.some((h) => h.ev.file === failure.file && h.ev.line === failure.line)) {
    return [{
      severity: "info",
      message: `The launcher reports tasks ended by SIGKILL (${first.file}:${first.line}) after the failure at ${failure.file}:${failure.line}: srun (with --kill-on-bad-exit) and mpirun end a job's other tasks with SIGKILL once one has failed. That failure is the cause, not the kill.`,
      evidence: hitEvidence(hits),
      remediation: ["Read the failure at the line above and the failing task's own output; if no task had failed before the kill, check the node's memory (`dmesg -T | grep -i -E 'killed process|out of memory'`)."],
    }];
  }
  const what = byRay
    ? "Ray's memory monitor killed a task or actor: the node's RAM passed its threshold"
    : saysMemory
      ? `the kernel's OOM killer ended ${proc ? `\`${proc}\`` : "the process"}: the host (or the container's memory limit) ran out of RAM`
      : "the process was ended by SIGKILL (`Killed`, exit code 137 or -9), which is most often the kernel's OOM killer when the host or the container runs out of RAM";
  return [{
    message: `${what[0].toUpperCase()}${what.slice(1)}. This is CPU memory, not a GPU's: loading the weights (safetensors read into RAM, one copy per worker), swap space for the KV cache, the API server and the tokenizer processes all count against it.`,
    // SIGKILL alone may also be a stop that timed out (docker stop, a pod deleted): a warning until the words say memory
    ...(saysMemory ? {} : { severity: "warning" as const }),
    evidence: hitEvidence(hits),
    remediation: [
      "Confirm it was memory: `dmesg -T | grep -i -E 'killed process|out of memory'` on the node, `kubectl describe pod` (Last State: OOMKilled), or `docker inspect -f '{{.State.OOMKilled}}' <container>`.",
      "Give the process more RAM (the pod's memory limit, `docker run --memory`, a bigger node) or need less: keep the checkpoint in safetensors (memory-mapped, not read whole), and on the V0 engine lower --swap-space (CPU memory reserved per GPU for swapped KV blocks, 4 GiB by default); every worker of a node loads its shard at the same time.",
      byRay
        ? "Under Ray, check `ray memory` / the dashboard for what holds the node's RAM; RAY_memory_usage_threshold (default 0.95) and RAY_memory_monitor_refresh_ms tune the monitor, but the fix is room, not a higher threshold."
        : "Raise /dev/shm in containers that share tensors between processes (`--shm-size` or `--ipc=host`): it is RAM too and counts against the container's limit.",
    ],
  }];
}

export const rule = defineRule(meta, check);
