import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { managedHostGpuAdvice } from "../managed-host.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/no-gpu-platform",
  defaultSeverity: "error",
  title: "vLLM found no GPU to run on (UnspecifiedPlatform)",
  tags: ["vllm", "startup", "gpu", "kubernetes", "container"],
  sources: [
    "vLLM source: vllm/platforms/__init__.py (resolve_current_platform_cls_qualname: 'No platform detected, vLLM is running on UnspecifiedPlatform'; cuda_platform_plugin: 'CUDA platform is not available because: ...' at DEBUG)",
    "vLLM source: vllm/config.py DeviceConfig ('Failed to infer device type', 0.6 to 0.10)",
    "vLLM docs: deployment/k8s.md (nvidia.com/gpu in the container's resources); NVIDIA GPU Operator / container toolkit docs (runtimeClassName: nvidia, NVIDIA_VISIBLE_DEVICES)",
    "GKE docs: the managed GPU driver is mounted at /usr/local/nvidia (LD_LIBRARY_PATH must name /usr/local/nvidia/lib64)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  // 0.7.0–0.7.2 print the built-in resolution's verdict before a platform plugin takes over (`No platform detected ...`,
  // then `Platform plugin ascend is activated`): with a plugin activated, the verdict alone is that order, not a failure;
  // a device that still could not be inferred is
  const plugin = signalHits(ctx, ["vllm.platformPlugin"]).length > 0;
  const failed = signalHits(ctx, ["vllm.noPlatform"]).filter((h) => !plugin || h.captures.verdict === undefined);
  const why = signalHits(ctx, ["vllm.gpuPlatformUnavailable"]);
  // (a GPU platform's check failing is no failure alone: a CPU build probes CUDA first in every process it starts)
  if (!failed.length) return [];
  // the verdict is an INFO line: an error once the window shows what failed after it (the device inference, a traceback,
  // an error record), a warning while it shows nothing failing yet
  const failedAfter = failed.some((h) => h.captures.verdict === undefined) || ctx.facts.firstError !== null || (ctx.facts.tracebacks?.count ?? 0) > 0;
  const reason = firstValue(why, "why");
  const platform = firstValue(why, "platform");
  const said = reason ? ` The log says why: ${platform ? `the ${platform} platform is not available because ${reason}` : reason}.` : "";
  const verdict = firstValue(failed, "verdict")
    ? "vLLM found no platform to run on (`No platform detected, vLLM is running on UnspecifiedPlatform`): this process sees no GPU it can use, so the engine fails at the first device it needs"
    : "vLLM could not tell which device to run on (no GPU platform was found): this process sees no GPU it can use";
  const remediation = [
    ...managedHostGpuAdvice(ctx),
    "Check from inside the container: `nvidia-smi` must list the GPU (`kubectl exec <pod> -- nvidia-smi`); if it is missing or fails, the container was started without the GPU.",
    "Kubernetes: request the GPU in the container's resources (`limits: nvidia.com/gpu: 1`), and where the cluster's runtime needs it (CRI-O/OpenShift, k3s, containerd without the NVIDIA runtime as default) set `runtimeClassName: nvidia`; the NVIDIA device plugin (or the GPU Operator) must run on the node.",
    "GKE: its GPU driver is mounted at /usr/local/nvidia; newer vLLM images need `LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/cuda/lib64` in the container's env to find it.",
    "Docker: run with `--gpus all` (or `--runtime nvidia`), and do not set NVIDIA_VISIBLE_DEVICES empty in the image or the environment.",
    "Run once with VLLM_LOGGING_LEVEL=DEBUG: vLLM then says why each platform is not available (`CUDA platform is not available because: NVML Shared Library Not Found` means the driver's libraries are not mounted). An accelerator of another kind needs its platform plugin installed (vllm-ascend, a TPU or XPU build).",
  ];
  return [{
    message: `${verdict}.${said}`,
    evidence: hitEvidence([...why.slice(0, 1), ...failed]),
    remediation,
    ...(failedAfter ? {} : { severity: "warning" as const }),
  }];
}

export const rule = defineRule(meta, check);
