import type { RuleContext, FindingDraft } from "../types.js";
import { factEvidence, hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { managedHostGpuAdvice } from "../managed-host.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/no-visible-gpu",
  defaultSeverity: "error",
  title: "A process found no GPU it may use (No CUDA GPUs are available)",
  tags: ["vllm", "startup", "gpu", "ray", "kubernetes", "container"],
  sources: [
    "PyTorch source: torch/cuda/__init__.py _lazy_init (the CUDA runtime counts no device: 'No CUDA GPUs are available'; no driver library: 'Found no NVIDIA driver on your system')",
    "CUDA runtime docs: CUDA_VISIBLE_DEVICES (an empty value or only indices that do not exist hide every device)",
    "Ray docs: GPU support (Ray sets CUDA_VISIBLE_DEVICES of an actor or task to the GPUs it reserved for it, none when num_gpus is 0)",
    "vLLM docs: serving/distributed_serving.md and the Ray Serve / KubeRay deployment examples (the engine's process and each worker need their GPU)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["torch.noCudaDevice"]);
  if (!hits.length) return [];
  const f = ctx.facts;
  const noDriver = firstValue(hits, "kind") === "Found no NVIDIA driver";
  const ray = f.config.executorBackend === "ray" || (f.dialects ?? []).some((d) => d.name === "ray");
  const visible = f.env?.CUDA_VISIBLE_DEVICES;
  // vLLM's platform check reads the devices through NVML, which CUDA_VISIBLE_DEVICES does not hide
  const platformSawCuda = f.gpu.platform === "cuda";
  const what = noDriver
    ? "PyTorch found no NVIDIA driver in this process (`Found no NVIDIA driver on your system`): the driver's user-space libraries are not there, so no GPU can be used"
    : "The CUDA runtime of a process counted no GPU (`No CUDA GPUs are available`): it may not use any, whatever the machine has";
  const causes: string[] = [];
  if (!noDriver) {
    if (visible !== undefined) causes.push(`The log shows CUDA_VISIBLE_DEVICES=${visible === "" ? "(empty)" : visible}, which decides what the process may see`);
    if (platformSawCuda) causes.push("vLLM's own check found the CUDA platform (it reads the devices through NVML, which CUDA_VISIBLE_DEVICES does not filter), so the GPUs are there but hidden from this process");
    if (ray) causes.push("Under Ray a process sees only the GPUs Ray reserved for it: an actor, task or Serve replica started with no GPU gets an empty CUDA_VISIBLE_DEVICES");
  }
  const remediation = [...managedHostGpuAdvice(ctx), ...(noDriver
    ? [
        "Check inside the container: `nvidia-smi` must work there. Docker: run with `--gpus all` (or `--runtime nvidia`); Kubernetes: request `nvidia.com/gpu` in the container's limits, and set `runtimeClassName: nvidia` where the runtime needs it.",
        "On a host without a container: install the NVIDIA driver that matches the GPU (`nvidia-smi` must list it).",
      ]
    : [
        "Print what the failing process sees: `echo $CUDA_VISIBLE_DEVICES` and `python -c 'import torch; print(torch.cuda.device_count())'` in the same environment; unset CUDA_VISIBLE_DEVICES or give it indices that exist (0 to N-1 of what `nvidia-smi -L` lists).",
        ...(ray
          ? ["Under Ray: give the process that builds the engine its GPUs (`num_gpus` on the actor or task, `ray_actor_options={\"num_gpus\": ...}` on a Serve deployment, or a placement group for tensor parallel workers), and check with `ray status` that the nodes list their GPUs; a process with `num_gpus=0` gets none."]
          : []),
        "In a container: start it with its GPUs (`docker run --gpus all`, the pod's `nvidia.com/gpu` limit) and do not set NVIDIA_VISIBLE_DEVICES or CUDA_VISIBLE_DEVICES empty in the image.",
      ])];
  return [{
    message: `${what}.${causes.length ? ` ${causes.join(". ")}.` : ""}`,
    evidence: [...hitEvidence(hits), ...(platformSawCuda && !noDriver ? factEvidence(f, "gpu.platform") : [])],
    remediation,
  }];
}

export const rule = defineRule(meta, check);
