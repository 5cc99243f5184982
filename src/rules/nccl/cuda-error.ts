import { DEBUG_HINT, signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/cuda-error",
  defaultSeverity: "error",
  title: "NCCL: CUDA failure",
  tags: ["nccl", "error", "cuda"],
  sources: ["NCCL source: src/include/checks.h, alloc.h (Cuda failure, Failed to CUDA calloc)", "vLLM docs: usage/troubleshooting.md (Known issues: peer access is not supported)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.cudaError", "nccl.cudaErrorReturn"], (hits) => {
  const all = hits.map((h) => h.text).join("\n");
  const m = /Cuda failure (\d+ )?'([^']+)'/.exec(all);
  const what = m ? m[2] : /unhandled cuda error/i.test(all) ? "unhandled cuda error" : "a CUDA call failed";
  const remediation: string[] = [];
  if (/out of memory|calloc|malloc/i.test(all)) remediation.push("NCCL could not allocate its buffers because the GPU was already full: lower --gpu-memory-utilization (leave 1–2 GiB for NCCL) or reduce the number of NCCL channels (NCCL_MAX_NCHANNELS).");
  if (/unknown error|999/.test(all)) remediation.push("'unknown error' usually means the GPU or driver is in a bad state: check `dmesg` for Xid errors and `nvidia-smi`; reset or drain the GPU.");
  if (/peer access is not supported/i.test(all)) remediation.push("Set NCCL_CUMEM_HOST_ENABLE=0 or upgrade the NVIDIA driver (a known driver issue on PCIe machines).");
  if (/initialization error/i.test(all)) remediation.push("CUDA was probably initialised before the process forked: use the spawn start method (VLLM_WORKER_MULTIPROC_METHOD=spawn).");
  if (/invalid argument/i.test(all)) remediation.push("'invalid argument' has several causes (shared-memory registration, cuMem); upgrading NCCL fixed several reported cases, and NCCL_CUMEM_ENABLE=0 is worth a try.");
  remediation.push(DEBUG_HINT);
  return { message: `A CUDA call inside NCCL failed: ${what}.`, remediation };
});
export const check = rule.check;
