import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, saidBy, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/cuda-error",
  defaultSeverity: "error",
  title: "A CUDA kernel faulted (illegal memory access, device-side assert, no kernel for this GPU)",
  tags: ["vllm", "cuda", "gpu"],
  sources: [
    "vLLM docs: usage/troubleshooting.md (CUDA error: debug with CUDA_LAUNCH_BLOCKING=1, VLLM_TRACE_FUNCTION)",
    "CUDA Runtime API: cudaError_t (cudaErrorIllegalAddress, cudaErrorAssert, cudaErrorLaunchFailure, cudaErrorNoKernelImageForDevice)",
    "PyTorch docs: notes/cuda.html (asynchronous execution: CUDA_LAUNCH_BLOCKING=1; TORCH_USE_CUDA_DSA)",
    "PyTorch on ROCm: c10/hip (a HIP error's own hint: AMD_SERIALIZE_KERNEL=3, TORCH_USE_HIP_DSA)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.cudaFault"]);
  if (!hits.length) return [];
  const said = saidBy(hits);
  const fault = firstValue(hits, "fault") ?? "a kernel fault";
  // ROCm's torch raises the same faults as `HIP error: ...`: its debugging switches and tools are AMD's
  const hip = firstValue(hits, "api") === "HIP";
  const api = hip ? "HIP" : "CUDA";
  const remediation: string[] = [];
  if (said("arch")) {
    remediation.push(
      hip
        ? `This build of vLLM or torch has no kernels for this GPU's architecture (${ctx.facts.gpu.name ? `${ctx.facts.gpu.name}, ` : ""}its gfx target: \`rocminfo | grep gfx\`): install a ROCm wheel or image built for it (a newer release, or a source build with PYTORCH_ROCM_ARCH naming the gfx target).`
        : `This build of vLLM or torch has no kernels for this GPU's architecture (${ctx.facts.gpu.name ?? "its compute capability"}): install a wheel or image built for it (a newer release, or a source build with TORCH_CUDA_ARCH_LIST / PYTORCH_ROCM_ARCH naming the GPU).`,
      hip
        ? "Check which gfx target torch sees (`python -c 'import torch; print(torch.cuda.get_device_properties(0).gcnArchName)'`) and that the vLLM wheel matches the torch and ROCm versions."
        : "Check that torch sees the GPU you expect (`python -c 'import torch; print(torch.cuda.get_device_capability())'`) and that the vLLM wheel matches the torch and CUDA/ROCm versions.",
    );
  } else if (said("hardware")) {
    remediation.push(
      "The GPU reported an uncorrectable hardware error: take the node out of service and check `nvidia-smi -q -d ECC`, `dmesg` for Xid errors, and the fabric (NVLink) state before rerunning.",
    );
  } else {
    remediation.push(
      hip
        ? "HIP reports kernel faults asynchronously, so the traceback may point at a later call: rerun with AMD_SERIALIZE_KERNEL=3 (slow) to stop at the kernel that failed."
        : "CUDA reports kernel faults asynchronously, so the traceback may point at a later call: rerun with CUDA_LAUNCH_BLOCKING=1 (slow) to stop at the kernel that failed.",
    );
    if (said("assert"))
      remediation.push(`A device-side assert is an index check failing inside a kernel: common causes are token ids beyond the vocabulary (a tokenizer that does not match the model) and invalid sampling parameters; ${hip ? "TORCH_USE_HIP_DSA" : "TORCH_USE_CUDA_DSA"} (a torch build with it) names the assert.`);
    else
      remediation.push(
        `Narrow the faulting kernel down: --enforce-eager (no CUDA graphs), another attention backend (VLLM_ATTENTION_BACKEND${hip ? ", or the ROCm AITER switches VLLM_ROCM_USE_AITER=0" : ""}), --disable-custom-all-reduce with tensor parallelism, or the model without quantization / speculative decoding; report the smallest reproducer with the vLLM, torch and driver versions.`,
      );
    remediation.push(
      hip
        ? "An illegal access after hours of serving with no code change can be the hardware: look for amdgpu errors in `dmesg` and the ECC counts of `amd-smi metric --ecc`."
        : "An illegal access after hours of serving with no code change can be the hardware: look for Xid errors in `dmesg` / `nvidia-smi -q`.",
    );
  }
  return [{
    message: `A GPU kernel failed with ${api} error: ${fault}. The process cannot use the device after this; the engine or worker stops.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
