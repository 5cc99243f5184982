import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/cuda-system-not-ready",
  defaultSeverity: "error",
  title: "CUDA refused the GPUs: the NVSwitch fabric is not up (error 802, Fabric Manager)",
  tags: ["vllm", "cuda", "gpu", "startup", "nvswitch"],
  sources: [
    "CUDA Runtime API: cudaError_t (cudaErrorSystemNotReady = 802: the system is not yet ready to start any CUDA work; on NVSwitch systems the Fabric Manager must be running)",
    "NVIDIA Fabric Manager user guide (NVSwitch systems: the service, its version matching the driver, the fabric state in nvidia-smi -q)",
    "PyTorch source: c10/cuda/CUDAFunctions.cpp device_count_impl (`Unexpected error from cudaGetDeviceCount() ... Error N: ...`), torch/cuda/__init__.py (`CUDA initialization:` warning)",
    "pytorch/pytorch#35710 and vLLM / Hugging Face issues with error 802 on HGX A100/H100/H200 hosts and instances",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.cudaSystemNotReady"]);
  if (!hits.length) return [];
  // torch's warning alone (it then sees no GPU) is an error once the log shows what failed after it
  const onlyWarned = hits.every((h) => h.captures.warning !== undefined);
  const failedAfter = !onlyWarned || ctx.facts.firstError !== null || (ctx.facts.tracebacks?.count ?? 0) > 0;
  return [{
    message:
      "CUDA refused to start on this machine: error 802, 'system not yet initialized' (cudaErrorSystemNotReady). On an NVSwitch system (HGX/DGX A100, H100, H200, B200) it means the NVIDIA Fabric Manager is not running, has not finished setting up the fabric, or is not the driver's version; until it is, no process can use any GPU. It is the host's state, not vLLM's or torch's.",
    evidence: hitEvidence(hits),
    remediation: [
      "On the host (not in the container): `systemctl status nvidia-fabricmanager`. If it is missing, install the nvidia-fabricmanager package of exactly the driver's version (`nvidia-smi` shows the driver, e.g. 570.133.20 needs nvidia-fabricmanager-570 at that version) and `systemctl enable --now nvidia-fabricmanager`; if it failed, /var/log/fabricmanager.log says why (most often a version other than the driver's after a driver update: update both, then reboot).",
      "Start the job only once the fabric is up: `nvidia-smi -q | grep -A 3 Fabric` must show State Completed and Status Success on every GPU (In Progress means wait; a node stuck there needs the Fabric Manager log and usually a reboot).",
      "Kubernetes: the NVIDIA GPU Operator runs the Fabric Manager on NVSwitch nodes (check its pods on the node); a cloud instance or managed node that shows this error needs its provider's image with the Fabric Manager, or a report to the provider.",
    ],
    ...(failedAfter ? {} : { severity: "warning" as const }),
  }];
}

export const rule = defineRule(meta, check);
