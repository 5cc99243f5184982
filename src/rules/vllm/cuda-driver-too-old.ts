import type { RuleContext, FindingDraft } from "../types.js";
import { cudaVersionOf, hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/cuda-driver-too-old",
  defaultSeverity: "error",
  title: "The NVIDIA driver is older than the CUDA runtime vLLM was built for",
  tags: ["vllm", "cuda", "gpu", "startup"],
  sources: [
    "CUDA docs: CUDA Compatibility (minor version compatibility, forward compatibility on data-center GPUs only, cuda-compat)",
    "CUDA Runtime API: cudaError_t (cudaErrorInsufficientDriver = 35, cudaErrorSystemDriverMismatch = 803, cudaErrorCompatNotSupportedOnDevice = 804)",
    "PyTorch source: torch/cuda/__init__.py _lazy_init / _check_driver (`The NVIDIA driver on your system is too old (found version N)`); c10/cuda/CUDAFunctions.cpp device_count_impl",
    "NVIDIA Container Toolkit: NVIDIA_REQUIRE_CUDA (`requirement error: unsatisfied condition: cuda>=X`)",
    "vLLM docs: getting_started/installation/gpu (wheels and images are built for a CUDA version; the driver must support it)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.cudaDriver"]);
  if (!hits.length) return [];
  const found = firstValue(hits, "found");
  const required = firstValue(hits, "required");
  const code = firstValue(hits, "code");
  const container = firstValue(hits, "container") !== undefined;
  const driverCuda = found ? cudaVersionOf(found) : undefined;
  // the check is CUDA's, whatever program made it: a log vLLM did not write (a PyTorch test, a training job) is told so
  const vllm = (ctx.facts.dialects ?? []).some((d) => d.name === "vllm") || !(ctx.facts.dialects ?? []).length;
  const built = vllm ? "torch and vLLM were built with" : "the program (torch) was built with";
  const what = container
    ? `the NVIDIA container toolkit refused to start the container: the image needs CUDA ${required ?? "newer than the driver supports"}${driverCuda ? ` and the driver supports CUDA ${driverCuda}` : ""}`
    : code === "804"
      ? "CUDA could not run the build's newer runtime on this driver (error 804: forward compatibility is supported only on data-center GPUs)"
      : driverCuda
        ? `the driver supports CUDA up to ${driverCuda}, older than the CUDA runtime ${built}`
        : `the driver does not support the CUDA runtime ${built}`;
  const remediation = [
    "Compare the driver's CUDA with the build's: `nvidia-smi` shows the highest CUDA version the driver supports; `python -c 'import torch; print(torch.version.cuda)'` (or the image tag, e.g. a CUDA 12.9 / 13.0 vllm-openai image) shows the runtime's.",
    "Update the host's NVIDIA driver to a branch that supports that CUDA version (CUDA 12.8 needs R570 or later, CUDA 13.0 needs R580 or later), then restart the machine or reload the driver; under WSL update the Windows driver and run `wsl --shutdown`.",
    "Or run a build made for the driver you have: an earlier vllm/vllm-openai tag, or vLLM and torch wheels for an older CUDA (pip's `--extra-index-url https://download.pytorch.org/whl/cu128`, vLLM's per-CUDA wheels), keeping vLLM and torch on the versions they were released together with.",
  ];
  if (code === "804" || code === "803")
    remediation.push("The cuda-compat (forward compatibility) libraries only help on data-center GPUs with a supported driver branch; on GeForce/RTX workstation cards the only fixes are a newer driver or an older CUDA build.");
  if (container) remediation.push("Do not bypass the check with NVIDIA_DISABLE_REQUIRE=1: the CUDA runtime in the image would still fail once vLLM initialises the GPU.");
  return [{
    message: vllm ? `vLLM cannot use the GPU: ${what}. The engine fails before it loads the model.` : `The process cannot use the GPU: ${what}. It fails at its first CUDA call.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
