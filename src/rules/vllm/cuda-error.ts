import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, saidBy, signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";
import { CUDA_FAULTS } from "../../../grammars/signatures.js";

export const meta = {
  id: "vllm/cuda-error",
  defaultSeverity: "error",
  title: "A CUDA kernel or GPU library call failed (illegal memory access, device-side assert, no kernel for this GPU, cuBLAS/cuDNN)",
  tags: ["vllm", "cuda", "gpu"],
  sources: [
    "vLLM docs: usage/troubleshooting.md (CUDA error: debug with CUDA_LAUNCH_BLOCKING=1, VLLM_TRACE_FUNCTION)",
    "CUDA Runtime API: cudaError_t (cudaErrorIllegalAddress, cudaErrorAssert, cudaErrorLaunchFailure, cudaErrorNoKernelImageForDevice, cudaErrorOperatingSystem = 304, cudaErrorNotSupported = 801, cudaErrorLaunchTimeout = 702)",
    "PyTorch source: c10/macros/Macros.h CUDA_KERNEL_ASSERT (a device assert prints `<file>:<line>: <function>: block: [..], thread: [..] Assertion \`<expr>\` failed.`), aten/src/ATen/native/cuda/Indexing.cu, TensorCompare.cu",
    "PyTorch source: c10/cuda/CUDAException (`CUDA error: <cudaGetErrorString>` and the hint `Search for \`<cudaGetErrorName>' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html`)",
    "NVIDIA CUDA on WSL User Guide (pinned system memory and IPC limits under WSL2)",
    "PyTorch docs: notes/cuda.html (asynchronous execution: CUDA_LAUNCH_BLOCKING=1; TORCH_USE_CUDA_DSA)",
    "PyTorch source: torch/cuda/__init__.py (_check_capability: `... with CUDA capability sm_N is not compatible with the current PyTorch installation`)",
    "PyTorch on ROCm: c10/hip (a HIP error's own hint: AMD_SERIALIZE_KERNEL=3, TORCH_USE_HIP_DSA)",
    "PyTorch source: aten/src/ATen/cuda/CUDABlas.cpp (TORCH_CUDABLAS_CHECK: `CUDA error: <cublasStatus_t name> when calling <call>`), aten/src/ATen/cudnn/Exceptions.h (`cuDNN error: <cudnnStatus_t name>`)",
    "cuBLAS docs: cublasStatus_t (CUBLAS_STATUS_NOT_INITIALIZED, _INTERNAL_ERROR, _EXECUTION_FAILED, _NOT_SUPPORTED, _ARCH_MISMATCH)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  // torch's CUDA error, and a kernel's own assert (the check that failed, printed before torch raises it)
  const torchHits = signalHits(ctx, ["vllm.cudaFault", "torch.cudaKernelAssert"]);
  // ROCm's runtime aborting on a GPU fault (`Memory access fault by GPU node-N ...`, `HW Exception by GPU node-N ...`)
  const rocrHits = signalHits(ctx, ["vllm.rocrFault"]);
  // rocBLAS aborting while it loads its GEMM kernels (`rocBLAS error: Cannot read .../TensileLibrary.dat ... for GPU arch : gfxN`)
  const rocblasHits = signalHits(ctx, ["vllm.rocblasFatal"]);
  const hits = [...torchHits, ...rocrHits, ...rocblasHits];
  if (!hits.length) return verdictOnly(ctx);
  const said = saidBy(hits);
  const rocr = rocrFault(rocrHits);
  // the error's words, or the runtime's words for the enum torch's hint line names (a paste that starts below the message)
  const code = firstValue(torchHits, "code");
  const fault = firstValue(torchHits, "fault") ?? (code ? CUDA_FAULTS[code] : undefined) ?? (said("kernelAssert") || said("expr") ? CUDA_FAULTS.cudaErrorAssert : undefined) ?? rocr?.fault ?? "a kernel fault";
  // ROCm's torch raises the same faults as `HIP error: ...`: its debugging switches and tools are AMD's
  const hip = firstValue(torchHits, "api") === "HIP" || rocr !== null || rocblasHits.length > 0;
  // rocBLAS's abort is the failure only where neither torch nor the runtime reported a fault
  const rocblas = !torchHits.length && rocr === null ? rocblasFailure(rocblasHits) : null;
  // a GPU hang with no fault before it (a fault's abort often ends in the hang report, which then says nothing new)
  const hangOnly = said("hang") && !torchHits.length && !rocrHits.some((h) => h.captures.rocr === "Memory access fault");
  const api = hip ? "HIP" : "CUDA";
  // a math library's status (cuBLAS / cuDNN), with the call torch names for cuBLAS
  const blas = firstValue(torchHits, "blas");
  const libStatus = blas ?? firstValue(torchHits, "dnn");
  const library = blas !== undefined ? "cuBLAS" : "cuDNN";
  const remediation: string[] = [];
  // torch's own words on the GPU (torch.archUnsupported): its architecture and the ones the installed build has kernels for
  const archSaid = said("arch") && !hip ? signalHits(ctx, ["torch.archUnsupported"]) : [];
  // (2.8+ says it as a GPU older than every architecture it lists: torch.ccUnsupportedGpu)
  const olderSaid = said("arch") && !hip && !archSaid.length ? olderThanBuild(ctx) : null;
  if (said("arch")) {
    if (archSaid.length) remediation.push(archAdvice(ctx, archSaid));
    else if (olderSaid) remediation.push(olderAdvice(ctx, olderSaid));
    remediation.push(
      hip
        ? `This build of vLLM or torch has no kernels for this GPU's architecture (${ctx.facts.gpu.name ? `${ctx.facts.gpu.name}, ` : ""}its gfx target: \`rocminfo | grep gfx\`): install a ROCm wheel or image built for it (a newer release, or a source build with PYTORCH_ROCM_ARCH naming the gfx target).`
        : `This build of vLLM or torch has no kernels for this GPU's architecture (${ctx.facts.gpu.name ?? "its compute capability"}): install a wheel or image built for it (a newer release, or a source build with TORCH_CUDA_ARCH_LIST / PYTORCH_ROCM_ARCH naming the GPU).`,
      hip
        ? "Check which gfx target torch sees (`python -c 'import torch; print(torch.cuda.get_device_properties(0).gcnArchName)'`) and that the vLLM wheel matches the torch and ROCm versions."
        : "Check that torch sees the GPU you expect (`python -c 'import torch; print(torch.cuda.get_device_capability())'`) and that the vLLM wheel matches the torch and CUDA/ROCm versions.",
    );
  } else if (rocblas) {
    remediation.push(
      said("noDevice")
        ? "rocBLAS found no GPU when it started: check that the process sees the devices (`rocm-smi` / `amd-smi list` inside the container, /dev/kfd and /dev/dri passed in, the user in the video and render groups, HIP_VISIBLE_DEVICES / ROCR_VISIBLE_DEVICES not empty)."
        : "rocBLAS could not read its Tensile kernel library: check that the rocBLAS package is complete (its library directory, the one the message names, holds TensileLibrary files and code objects for this GPU's gfx target) and that ROCBLAS_TENSILE_LIBPATH, if set, points at it.",
    );
  } else if (said("hardware") || hangOnly) {
    if (hangOnly && !said("hardware"))
      remediation.push(
        "The GPU stopped responding and the driver reset it: a kernel that never finishes (a deadlock in a custom or AITER kernel, a collective whose peers never arrive) or the hardware; look at `dmesg` for amdgpu ring timeouts and reset messages, and rerun with --enforce-eager and VLLM_ROCM_USE_AITER=0 to rule the kernels out.",
      );
    else
    remediation.push(
      hip
        ? "The GPU reported an uncorrectable memory (ECC) error: take the node out of service and check `amd-smi metric --ecc` and `dmesg` for amdgpu RAS errors before rerunning."
        : "The GPU reported an uncorrectable hardware error: take the node out of service and check `nvidia-smi -q -d ECC`, `dmesg` for Xid errors, and the fabric (NVLink) state before rerunning.",
    );
  } else if (said("platform")) {
    // cudaErrorOperatingSystem / cudaErrorNotSupported: the driver could not do what the OS or the virtualisation allows
    const wsl = signalHits(ctx, ["vllm.wslPlatform"]).length > 0;
    remediation.push(
      `This is no kernel fault: the ${api} driver asked the operating system (or the virtualisation under it) for something it refused${wsl ? ", and this run is under WSL2" : ""}. The usual requests are page-locked (pinned) host memory, CUDA IPC or peer memory between processes, and CUDA's virtual memory calls (cuMem, used by sleep mode and expandable_segments).`,
      wsl
        ? "WSL2's GPU driver limits pinned memory and does not support CUDA IPC: vLLM turns pin_memory off itself when it detects WSL, but a kernel library can still pin its own buffers (the traceback's last frames show which). Run on native Linux, or keep the run to one GPU with --enforce-eager and without the feature that pins or shares memory."
        : "Look at the traceback's last frames for the call that failed (`pin_memory=True`, `cudaHostAlloc`, an IPC handle, `expandable_segments`). Under WSL2, vGPU, MIG or a restricted container these are limited: run on native Linux or a full GPU, or turn the feature off (PYTORCH_CUDA_ALLOC_CONF without expandable_segments, no sleep mode, --disable-custom-all-reduce).",
    );
  } else if (said("blas") || said("dnn")) {
    remediation.push(...libraryAdvice(libStatus ?? "", library));
  } else if (said("launchTimeout")) {
    remediation.push(
      `A kernel ran longer than the display driver's watchdog allows (cudaErrorLaunchTimeout): the GPU drives a display (X on Linux) or the run is under Windows/WSL2, whose TDR stops a kernel after about two seconds. Use a GPU that drives no display (or stop the display server), raise Windows' TdrDelay, or shorten the kernels (--max-num-batched-tokens smaller, --enforce-eager).`,
    );
  } else {
    remediation.push(
      hip
        ? "HIP reports kernel faults asynchronously, so the traceback may point at a later call: rerun with AMD_SERIALIZE_KERNEL=3 (slow) to stop at the kernel that failed."
        : "CUDA reports kernel faults asynchronously, so the traceback may point at a later call: rerun with CUDA_LAUNCH_BLOCKING=1 (slow) to stop at the kernel that failed.",
    );
    // the kernel's assert line names the check that failed (torch.cudaKernelAssert)
    const expr = firstValue(torchHits, "expr");
    const where = [firstValue(torchHits, "kernelFunc"), firstValue(torchHits, "kernelFile")?.split("/").pop()].filter(Boolean).join(" in ");
    const check = expr ? `The kernel's assert says which check failed: \`${expr}\`${where ? ` (${where})` : ""}. ` : "";
    if (said("indexBound"))
      remediation.push(`${check}An index went past the end of a table: in an embedding lookup, a token id at or beyond the model's vocabulary size. Check that the tokenizer matches the checkpoint (its length against the config's vocab_size, added special tokens), the token ids a client sends (prompt_token_ids), and, with speculative decoding, the draft model's vocabulary and its proposed ids (a -1 placeholder reaching the embedding).`);
    else if (said("badProbs"))
      remediation.push(`${check}The sampler's probabilities held inf, NaN or negative values: the logits overflowed or the weights produce NaN (float16 for a model trained in bfloat16, a broken quantized checkpoint or kernel). Rerun with --dtype bfloat16 and without the quantization or attention backend in question; one request's sampling parameters (an extreme temperature, logit_bias) can cause it too.`);
    else if (said("assert"))
      remediation.push(`${check}A device-side assert is an index check failing inside a kernel: common causes are token ids beyond the vocabulary (a tokenizer that does not match the model) and invalid sampling parameters; ${hip ? "TORCH_USE_HIP_DSA" : "TORCH_USE_CUDA_DSA"} (a torch build with it) names the assert.`);
    else
      remediation.push(
        `Narrow the faulting kernel down: --enforce-eager (no CUDA graphs), another attention backend (VLLM_ATTENTION_BACKEND${hip ? ", or the ROCm AITER switches VLLM_ROCM_USE_AITER=0" : ""}), --disable-custom-all-reduce with tensor parallelism, or the model without quantization / speculative decoding; report the smallest reproducer with the vLLM, torch and driver versions.`,
      );
    // (a failed assert is a check the kernel made on its inputs, not a fault the hardware can cause)
    if (!said("assert") && !said("indexBound") && !said("badProbs"))
      remediation.push(
        hip
          ? "An illegal access after hours of serving with no code change can be the hardware: look for amdgpu errors in `dmesg` and the ECC counts of `amd-smi metric --ecc`."
          : "An illegal access after hours of serving with no code change can be the hardware: look for Xid errors in `dmesg` / `nvidia-smi -q`.",
      );
  }
  const name = code ? ` (${code})` : "";
  // (the library's call failed, no kernel fault beside it)
  const libFailed = libStatus !== undefined && !said("assert") && !said("arch") && !said("hardware") && !(firstValue(torchHits, "fault") ?? code);
  const libCall = firstValue(torchHits, "blasCall");
  const what = libFailed
    ? `A ${library} call${libCall ? ` (${libCall})` : ""} failed with ${libStatus}.`
    : rocblas
    ? `rocBLAS aborted the process: ${rocblas}.`
    : torchHits.length || rocr === null
    ? said("platform") || said("launchTimeout") ? `A ${api} call failed with ${api} error: ${fault}${name}.` : `A GPU kernel failed with ${api} error: ${fault}${name}.`
    : `ROCm's runtime aborted the process: ${rocr.what}.`;
  return [{
    // (a refused call leaves the device usable, a kernel fault does not; a library's failed call ends the step that made it)
    message: rocblas ? `${what} The engine or worker that loaded it stops.` : libFailed || (said("platform") && !said("assert") && !said("arch") && !said("hardware")) ? `${what} The engine or worker that made the call stops.` : `${what} The process cannot use the device after this; the engine or worker stops.`,
    evidence: hitEvidence([...hits, ...archSaid, ...(olderSaid?.hits ?? [])]),
    remediation,
  }];
}

export const rule = defineRule(meta, check);

/** What torch's verdict on the GPU asks for: a build with kernels for it (Blackwell: CUDA 12.8+), or an older one. */
function archAdvice(ctx: RuleContext, verdict: readonly Hit[]): string {
  if (firstValue(verdict, "tooOld") !== undefined)
    return `torch says this GPU${ctx.facts.gpu.name ? ` (${ctx.facts.gpu.name})` : ""} is older than any architecture its build supports: install an older torch (and a vLLM built against it) that still supports it, or use a newer GPU.`;
  const sm = firstValue(verdict, "sm");
  const supported = firstValue(verdict, "supported");
  // (sm_100 is B200/GB200, sm_103 B300, sm_120 the RTX 50 and RTX PRO Blackwell cards, sm_121 GB10)
  const blackwell = sm !== undefined && /^sm_1[02]\d$/.test(sm);
  return `torch says its build has no kernels for this GPU${ctx.facts.gpu.name || sm ? ` (${[ctx.facts.gpu.name, sm].filter(Boolean).join(", ")})` : ""}${supported ? `: it was built for ${supported}` : ""}. ${blackwell ? "Blackwell GPUs need a torch built with CUDA 12.8 or later (the cu128 wheel index or newer) and a vLLM wheel or image built against that torch" : "Install a torch build that lists this architecture (a newer release, or a wheel for a newer CUDA) and a vLLM wheel or image built against that torch"}; the NVIDIA driver must support that CUDA version too.`;
}

/**
 * torch's verdict on the GPU (torch.archUnsupported, printed once at the GPU's first use) with no CUDA error after it in
 * the log: the paste or the run ended before the first kernel this build lacks, which fails with `no kernel image is
 * available for execution on the device`. A warning: some calls (those with PTX the driver can still compile) may run.
 */
function verdictOnly(ctx: RuleContext): FindingDraft[] {
  const verdict = signalHits(ctx, ["torch.archUnsupported"]);
  if (!verdict.length) return olderOnly(ctx);
  const tooOld = firstValue(verdict, "tooOld") !== undefined;
  const sm = firstValue(verdict, "sm");
  const gpu = [ctx.facts.gpu.name, sm].filter(Boolean).join(", ");
  return [{
    severity: "warning",
    message: `torch says ${tooOld ? "this GPU is too old for its build" : "its build has no kernels for this GPU"}${gpu ? ` (${gpu})` : ""}. No CUDA error follows in this log, but the first kernel the build lacks will fail with \`no kernel image is available for execution on the device\` and stop the engine or worker that runs it.`,
    evidence: hitEvidence(verdict),
    remediation: [
      archAdvice(ctx, verdict),
      "Check which architectures the installed torch has kernels for (`python -c 'import torch; print(torch.cuda.get_arch_list(), torch.cuda.get_device_capability())'`) and that the vLLM wheel or image was built against that torch.",
    ],
  }];
}

/** What to do about a cuBLAS / cuDNN status that torch raised, by the status the library returned. */
function libraryAdvice(status: string, library: "cuBLAS" | "cuDNN"): string[] {
  const advice: string[] = [];
  if (/_EXECUTION_FAILED$/.test(status))
    advice.push(
      `${status} means a ${library} kernel failed on the GPU. It is often an earlier kernel's fault reported late (CUDA reports faults asynchronously): rerun with CUDA_LAUNCH_BLOCKING=1 (slow) to stop at the kernel that failed, and look above for an illegal memory access.`,
    );
  else if (/_NOT_INITIALIZED$/.test(status))
    advice.push(
      `${status} (typically when calling cublasCreate) means ${library} could not set up its handle: usually no GPU memory was left for it (lower --gpu-memory-utilization, or check what else holds the GPU with nvidia-smi), or the CUDA driver and the ${library} library do not match.`,
    );
  else if (/_(?:NOT_SUPPORTED|ARCH_MISMATCH)$/.test(status))
    advice.push(
      `${status} means this GPU or data type is not supported by that ${library} call: a dtype the GPU lacks (bfloat16 needs compute capability 8.0 or later, FP8 needs 8.9 or later), or a ${library} build without kernels for this GPU. Use --dtype float16 on older GPUs, or a quantization the GPU supports.`,
    );
  advice.push(
    `Check that the ${library} library in the environment is the one torch was built with: \`pip list | grep nvidia-${library === "cuBLAS" ? "cublas" : "cudnn"}\` against torch's requirements (installing another package can replace it with a different version), and that the NVIDIA driver supports torch's CUDA version.`,
    "Rerun with --enforce-eager to rule out CUDA graphs and torch.compile, and report the versions (vLLM, torch, CUDA, driver) and the GPU with the traceback if it persists.",
  );
  return advice;
}

/** What rocBLAS said when it gave up loading its kernels: the file it could not read and the GPU architecture, or no device. */
function rocblasFailure(hits: readonly Hit[]): string | null {
  if (!hits.length) return null;
  const arch = firstValue(hits, "arch");
  const file = firstValue(hits, "tensileFile");
  if (firstValue(hits, "noDevice") !== undefined) return "it found no GPU to load its kernels for (Could not initialize Tensile host: No devices found)";
  if (arch) return `it has no GEMM (Tensile) kernel library for this GPU's architecture, ${arch}${file ? ` (it could not read ${file})` : ""}, so this ROCm build does not support the GPU`;
  if (file) return `it could not read its GEMM (Tensile) kernel library ${file}`;
  return `it could not load its GEMM (Tensile) kernel library (${firstValue(hits, "rocblas") ?? "Tensile"})`;
}

/** What ROCm's runtime said of its fault: the kind, the KFD node and its reason (`Write access to a read-only page`, `GPU Hang`). */
function rocrFault(hits: readonly Hit[]): { fault: string; what: string } | null {
  const h = hits[0];
  if (!h) return null;
  const kind = h.captures.rocr === "HW Exception" ? "a hardware exception" : h.captures.rocr === "Memory critical error" ? "a memory critical error (GPU memory freed while still in use)" : "a memory access fault";
  const reason = h.captures.reason?.trim();
  const who = h.captures.rocr === "Memory critical error" ? "agent" : "GPU";
  const node = h.captures.node !== undefined ? ` by ${who} node-${h.captures.node} (a KFD topology node, numbered after the CPUs, not the HIP device index)` : "";
  return { fault: reason ?? kind, what: `${kind}${node}${reason ? `, reason: ${reason}` : ""}` };
}

/** torch 2.8+'s capability warning for one GPU: the GPU's compute capability under the architectures the build lists. */
interface OlderThanBuild {
  /** the `Found GPU<i> ...` line and the architecture lines read under it */
  hits: Hit[];
  gpuIndex: string | undefined;
  /** compute capability, as printed (`7.0`) */
  device: string;
  /** the oldest architecture the build lists */
  oldest: string;
}

const ccValue = (cc: string): number => {
  const [major, minor] = cc.split(".").map(Number);
  return major * 10 + minor;
};

/**
 * torch.ccUnsupportedGpu with the torch.ccBuildArch lines under it (same file and process, before the next GPU's block),
 * for the first GPU older than every architecture listed: no kernel of the build (compiled code or PTX) runs on a GPU
 * older than its architecture, so that GPU has none, whatever torch's compatibility table says. A GPU newer than one of
 * them is not judged here (the table can be out of date for it).
 */
function olderThanBuild(ctx: RuleContext): OlderThanBuild | null {
  const gpus = signalHits(ctx, ["torch.ccUnsupportedGpu"]);
  if (!gpus.length) return null;
  const archs = signalHits(ctx, ["torch.ccBuildArch"]);
  for (const [i, gpu] of gpus.entries()) {
    const device = gpu.captures.deviceCc;
    if (device === undefined) continue;
    const next = gpus.slice(i + 1).find((g) => g.input === gpu.input && g.captures.proc === gpu.captures.proc);
    const listed = archs.filter((a) =>
      a.input === gpu.input && a.captures.proc === gpu.captures.proc && a.ev.line > gpu.ev.line &&
      a.ev.line <= gpu.ev.line + 40 && (!next || a.ev.line < next.ev.line) && a.captures.codeCc !== undefined);
    if (!listed.length) continue;
    const oldest = listed.map((a) => a.captures.codeCc).reduce((x, y) => (ccValue(y) < ccValue(x) ? y : x));
    if (ccValue(device) < ccValue(oldest)) return { hits: [gpu, ...listed], gpuIndex: gpu.captures.gpuIndex, device, oldest };
  }
  return null;
}

function olderAdvice(ctx: RuleContext, older: OlderThanBuild): string {
  const gpu = ctx.facts.gpu.name ?? `GPU${older.gpuIndex ?? ""}`;
  return `torch's build starts at compute capability ${older.oldest} and the ${gpu} is ${older.device}: no torch kernel runs on it. Install a torch build that still compiles for ${older.device} (the cu126 wheels list 5.0 to 9.0; cu128 and later start at 7.0 or 7.5) and a vLLM wheel or image built against that torch, or move to a newer GPU (on Kaggle or Colab, pick a T4 or L4 rather than a P100).`;
}

/** torch 2.8+'s capability warning for a GPU older than its build, with no CUDA error after it in the log. */
function olderOnly(ctx: RuleContext): FindingDraft[] {
  const older = olderThanBuild(ctx);
  if (!older) return [];
  const gpu = ctx.facts.gpu.name ?? `GPU${older.gpuIndex ?? ""}`;
  return [{
    severity: "warning",
    message: `torch says its build has no kernels for the ${gpu} (compute capability ${older.device}, older than the build's oldest architecture, ${older.oldest}). No CUDA error follows in this log, but the first kernel that runs on it will fail with \`no kernel image is available for execution on the device\` and stop the engine or worker that runs it.`,
    evidence: hitEvidence(older.hits.slice(0, 3)),
    remediation: [
      olderAdvice(ctx, older),
      "Check which architectures the installed torch has kernels for (`python -c 'import torch; print(torch.cuda.get_arch_list(), torch.cuda.get_device_capability())'`) and that the vLLM wheel or image was built against that torch.",
    ],
  }];
}
