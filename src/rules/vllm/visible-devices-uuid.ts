import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/visible-devices-uuid",
  defaultSeverity: "error",
  title: "CUDA_VISIBLE_DEVICES names GPUs or MIG instances by UUID, which this vLLM reads as numbers",
  tags: ["vllm", "cuda", "gpu", "startup", "mig"],
  sources: [
    "vLLM source: vllm/platforms/cuda.py and interface.py device_id_to_physical_device_id (int() of each CUDA_VISIBLE_DEVICES entry), vllm/executor/ray_gpu_executor.py 0.4-0.5",
    "CUDA C Programming Guide: CUDA_VISIBLE_DEVICES (indices or UUIDs; GPU-<uuid>, MIG-<uuid>)",
    "NVIDIA MIG user guide (device enumeration: a CUDA process uses one MIG instance; naming instances in CUDA_VISIBLE_DEVICES and through the container runtime)",
    "vllm-project/vllm#7211, #17047, #41848 (ValueError on a MIG UUID)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.visibleDevicesUuid"]);
  if (!hits.length) return [];
  const uuid = firstValue(hits, "uuid");
  const mig = hits.some((h) => h.captures.kind === "MIG");
  const remediation = mig
    ? [
        "Give vLLM the MIG instance through the container runtime instead, and a plain number inside: `docker run --gpus '\"device=MIG-<uuid>\"'` (or NVIDIA_VISIBLE_DEVICES=MIG-<uuid>, or a Kubernetes MIG resource such as nvidia.com/mig-3g.40gb) with CUDA_VISIBLE_DEVICES unset or 0 in the container; `nvidia-smi -L` lists the instances and their UUIDs.",
        "A CUDA process can use only one MIG instance: tensor or pipeline parallelism across MIG slices needs one process per slice (Ray workers each started with their own instance), and many collective and custom all-reduce paths are not supported there; a whole GPU (MIG off) avoids all of it.",
      ]
    : [
        "Name the GPUs by number in CUDA_VISIBLE_DEVICES (`nvidia-smi -L` prints each GPU's index beside its UUID, in the order CUDA uses with CUDA_DEVICE_ORDER=PCI_BUS_ID), or select them by UUID in the container runtime (`docker run --gpus '\"device=GPU-<uuid>\"'`, NVIDIA_VISIBLE_DEVICES) and leave CUDA_VISIBLE_DEVICES numeric or unset inside.",
      ];
  remediation.push("Check what each process inherits: a scheduler or device plugin may set CUDA_VISIBLE_DEVICES to UUIDs for you (`env | grep VISIBLE_DEVICES` in the container or Ray worker).");
  return [{
    message: `CUDA_VISIBLE_DEVICES names ${mig ? "a MIG instance" : "a GPU"} by its UUID${uuid ? ` (${uuid})` : ""}, and vLLM turns every entry of that variable into a GPU number: it stopped with a ValueError before using any GPU. CUDA itself accepts UUIDs; this vLLM does not.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
