import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/custom-allreduce-failed",
  defaultSeverity: "error",
  title: "The custom all-reduce kernel failed a CUDA call and exited the worker",
  tags: ["vllm", "tensor-parallel", "cuda", "topology"],
  sources: [
    "vLLM source: csrc/custom_all_reduce.cuh (CUDACHECK: `Failed: Cuda error %s:%d '%s'` then exit), vllm/distributed/device_communicators/custom_all_reduce.py",
    "vLLM docs: serving/distributed_serving (--disable-custom-all-reduce), usage/troubleshooting (P2P, NCCL fallback)",
    "CUDA Runtime API: cudaIpcOpenMemHandle, cudaErrorPeerAccessUnsupported, cudaErrorInvalidValue",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.customAllreduceFailure"]);
  if (!hits.length) return [];
  const cuda = firstValue(hits, "cuda") ?? "a CUDA error";
  const site = firstValue(hits, "site");
  const peer = /peer access|peer mapping|invalid (?:argument|device context|resource handle)|IPC/i.test(cuda);
  const remediation = [
    "Run with --disable-custom-all-reduce (disable_custom_all_reduce=True): tensor-parallel all-reduces then go through NCCL, which checks what the GPUs support; the cost is some latency on small batches.",
  ];
  if (peer)
    remediation.push(
      "The kernels map the other GPUs' memory through CUDA IPC and peer access: check that the GPUs can reach each other (`nvidia-smi topo -p2p r`), that a container runs with --ipc=host (or a shared IPC namespace) and sees all the GPUs of the group, and that no virtualisation layer (vGPU, some cloud VMs, IOMMU/ACS) blocks peer-to-peer.",
    );
  remediation.push("If it fails only while CUDA graphs are captured, --enforce-eager tells the two apart; report the vLLM, torch and driver versions with the line.");
  return [{
    message: `The custom all-reduce kernel (vLLM's csrc/custom_all_reduce.cuh) failed a CUDA call (${cuda}${site ? ` at ${site}` : ""}); its check exits the process, so the worker stopped.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
