import { DEBUG_HINT, signatureRule, wslAdvice } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";
import { cudaVersionOf } from "../helpers.js";
import { firstValue, saidBy } from "../signals.js";

export const meta = {
  id: "nccl/cuda-error",
  defaultSeverity: "error",
  title: "NCCL: CUDA failure",
  tags: ["nccl", "error", "cuda"],
  sources: ["NCCL source: src/include/checks.h, alloc.h (Cuda failure, Failed to CUDA calloc), transport/p2p.cc 2.4-2.7 (failed to open / get CUDA IPC handle), transport/nvls.cc (NVLS multicast set-up, Failed to bind NVLink SHARP)", "CUDA Runtime API: cudaError_t (cudaErrorSystemNotReady = 802, cudaErrorTooManyPeers = 711, cudaErrorMapBufferObjectFailed = 205, cudaErrorECCUncorrectable, cudaErrorNvlinkUncorrectable)", "CUDA C++ Programming Guide: peer-to-peer memory access (at most eight peer connections per device without NVSwitch)", "NCCL source: src/allocator.cc (ncclMemAlloc: cuMem allocation made accessible to peer GPUs)", "NCCL source: src/misc/cudawrap.cc (ncclCudaLibraryInit: cuGetProcAddress, CUDA_DRIVER_MIN_VERSION, cudaPfnFuncLoader)", "NVIDIA Xid catalog (48, 63, 64, 74, 94, 95)", "NVIDIA Fabric Manager user guide (NVSwitch systems: Fabric Manager state, start order)", "NCCL source: src/graph/paths.cc ncclTopoCheckP2p (P2P is disabled between NVLINK connected GPUs, NCCL_IGNORE_DISABLED_P2P)", "vLLM docs: usage/troubleshooting.md (Known issues: peer access is not supported)", "NCCL release notes 2.10.3 (WSL2 support, single GPU only)", "vLLM source: vllm/utils.py (is_pin_memory_available: WSL is detected)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.cudaError", "nccl.cudaErrorReturn"], (hits, ctx) => {
  // RCCL (ROCm's NCCL) keeps NCCL's `Cuda failure` words for its HIP calls
  const rccl = ctx.facts.dialects?.some((d) => d.name === "nccl" && d.library === "RCCL") === true;

  // what the lines say, as the signatures read it (grammars/signatures.ts CUDA_VALUES)
  const said = saidBy(hits);
  const failure = firstValue(hits, "cudaFailure");
  // (an HSA status string ends in its own full stop)
  // RCCL's P2P transport names the HIP IPC call that failed and HIP's error string (`hipIpcGetMemHandle failed : invalid
  // argument`): with no `Cuda failure` line after it, that call and its error are what failed
  const hipCall = firstValue(hits, "hipIpc");
  const hipReason = firstValue(hits, "hipIpcReason");
  const hipWhat = hipCall === undefined ? undefined : hipReason === undefined ? `${hipCall} failed` : `${hipCall} returned '${hipReason}'`;
  const what = (failure ?? hipWhat ?? (said("unhandledCuda") ? "unhandled cuda error" : "a CUDA call failed")).replace(/\.+$/, "");
  const remediation: string[] = [];
  const nvls = said("nvls");
  if (nvls)
    remediation.push(
      "The failing call is NCCL's NVLink SHARP (NVLS) multicast set-up on an NVSwitch machine: this is almost always the machine's state, not NCCL or vLLM (the Fabric Manager restarted while the GPUs were in use, stopped, or of another version than the driver; or a container without multicast access). Check `nvidia-smi -q` (Fabric: State Completed, Status Success) and `systemctl status nvidia-fabricmanager`; reboot the node if the Fabric Manager was restarted. To run meanwhile, set NCCL_NVLS_ENABLE=0: NCCL then uses NVLink P2P, a little slower for large all-reduces.",
    );
  if (said("systemNotReady"))
    remediation.push(
      "CUDA error 802 'system not yet initialized' on an NVSwitch machine (HGX/DGX A100, H100, H200, B200) means its Fabric Manager is not running or does not match the driver: install nvidia-fabricmanager of exactly the driver's version, `systemctl enable --now nvidia-fabricmanager`, and start the job once `nvidia-smi -q` shows the Fabric State Completed.",
    );
  if (said("oom")) remediation.push("NCCL could not allocate its buffers because the GPU was already full: lower --gpu-memory-utilization (leave 1–2 GiB for NCCL) or reduce the number of NCCL channels (NCCL_MAX_NCHANNELS).");
  if (said("hardware"))
    remediation.unshift(
      "The GPU reported an uncorrectable hardware error (ECC memory or NVLink), not a fault of NCCL or of the program: take the node out of service, check `nvidia-smi -q -d ECC` (and `-d PAGE_RETIREMENT` / row remapping) and `dmesg` for Xid errors (48, 63, 64, 74, 94, 95), and reset the GPU or replace it before rerunning.",
    );
  if (said("kernelFault") && !said("hardware"))
    remediation.push(
      `'${failure ?? "the kernel fault"}' is a fault a GPU kernel made, and CUDA keeps it on the process's context: NCCL's call (often an allocation or a launch at the next collective) only reported it, and the kernel that faulted may be the application's, not NCCL's. Rerun with CUDA_LAUNCH_BLOCKING=1 (slow) to stop at the faulting kernel, and check \`dmesg\` for Xid errors: 13, 31 or 43 name a kernel's fault (the program), 48, 63, 64, 74, 79, 94 or 95 the hardware (drain that GPU). If one GPU or node keeps failing with the same program elsewhere healthy, it is the hardware.`,
    );
  if (said("invalidDevice"))
    remediation.push(
      hits.some((h) => h.captures.testHarness !== undefined)
        ? "nccl-tests asked CUDA for a GPU number this process cannot see: each process takes -t x -g GPUs, numbered from its local rank times that count, so processes per node x -t x -g must not exceed the GPUs each process sees. Run one process per GPU with -g 1, or one process per node with -g set to its GPU count; with Slurm or CUDA_VISIBLE_DEVICES giving each task only its own GPU (or a MIG instance), use -g 1 (newer nccl-tests also take NCCL_TESTS_DEVICE=0)."
        : "A process asked CUDA for a GPU number it cannot see: CUDA_VISIBLE_DEVICES (or a scheduler's per-task binding such as Slurm's --gpus-per-task or --gpu-bind) renumbers the visible GPUs from 0, so a device index taken from the global or local rank, or a peer's GPU hidden from this process, is out of range. Select the device as the local rank within the GPUs the process sees (`torch.cuda.set_device(local_rank)` with `nvidia-smi -L` and `echo $CUDA_VISIBLE_DEVICES` in each task to check), or give every task of a node all its GPUs.",
    );
  // CUDA's peer-mapping limit: without NVSwitch a GPU holds at most eight peer mappings, and NCCL maps its buffers for
  // every GPU of the node it can reach (cuMem allocations made accessible to each peer, P2P): nine or more GPUs in one
  // node exhaust it, whatever NCCL_P2P_DISABLE says for the transports
  if (said("tooManyPeers"))
    remediation.unshift(
      "CUDA error 711 (cudaErrorTooManyPeers): a GPU can map the memory of at most eight peer GPUs on a machine without NVSwitch, and NCCL asked for more, which happens with nine or more GPUs in one node. Run on at most eight GPUs per node (CUDA_VISIBLE_DEVICES), or split the GPUs into groups of eight or fewer; setting NCCL_CUMEM_ENABLE=0 (NCCL then allocates without mapping every buffer for each peer) is worth a try when all of them must be used.",
    );
  // CUDA_ERROR_MAP_FAILED on a cuMem mapping (allocator.cc ncclMemAlloc, the P2P transport's buffers): the driver or the
  // platform refused the mapping, a different failure from memory running out
  if (said("mapFailed"))
    remediation.unshift(
      "CUDA error 205 'mapping of buffer object failed': the driver refused to map memory NCCL allocated through CUDA's virtual memory API (cuMem), usually a driver or platform limit rather than a full GPU: GPUs or drivers without full cuMem/P2P support (consumer cards, modified or vGPU drivers), or a BAR1 window too small for peer mappings (`nvidia-smi -q`, BAR1 Memory Usage; Resizable BAR and Above 4G Decoding in the BIOS). Try NCCL_CUMEM_ENABLE=0, and NCCL_P2P_DISABLE=1 if it still fails; an official driver of the GPU's branch is the lasting fix.",
    );
  // the library has no code for this GPU (see noKernelForArch in grammars/signatures.ts): the failing call is NCCL's or
  // RCCL's own kernel launch (enqueue.cc) or its first use of a kernel, not a fault of the program
  const noKernel = said("noKernelForArch");
  if (noKernel)
    remediation.unshift(
      rccl
        ? "This RCCL has no kernels for this GPU's architecture: the ROCm release it came with does not support the GPU, or it was built for other gfx targets. Find the GPU's target (`rocminfo | grep gfx`) and load an RCCL that has it: a ROCm release that supports this GPU, or RCCL built for it (`./install.sh --amdgpu_targets=<gfx target>`). A PyTorch ROCm wheel carries its own librccl in torch/lib, so check which library the process loads (vLLM prints `Found nccl from library ...`)."
        : "This NCCL has no kernels for this GPU's architecture: it is older than the GPU or was built for other architectures. Find the GPU's compute capability (`nvidia-smi --query-gpu=name,compute_cap --format=csv`) and load an NCCL release that supports it, or build NCCL for it (NVCC_GENCODE=\"-gencode=arch=compute_XY,code=sm_XY\"). PyTorch wheels depend on their own nvidia-nccl package, so check which libnccl the process loads (vLLM prints `Found nccl from library ...`).",
    );
  if (said("unknownError")) remediation.push("'unknown error' usually means the GPU or driver is in a bad state: check `dmesg` for Xid errors and `nvidia-smi`; reset or drain the GPU.");
  // NCCL 2.4-2.7's P2P transport maps the peer process's GPU buffer through CUDA IPC itself (transport/p2p.cc)
  const cudaIpc = said("cudaIpc");
  if (cudaIpc)
    remediation.unshift(
      "NCCL's P2P transport could not map the other process's GPU buffer through CUDA IPC: these two GPUs cannot reach each other peer to peer (no P2P between them on this PCIe topology or GPU model, or processes in separate containers without --ipc=host). Set NCCL_P2P_DISABLE=1 (NCCL then goes through host shared memory), or upgrade NCCL: from 2.8 it checks P2P between the GPUs before it uses it.",
    );
  else if (said("peerAccess")) remediation.push("Set NCCL_CUMEM_HOST_ENABLE=0 or upgrade the NVIDIA driver (a known driver issue on PCIe machines).");
  if (said("initError")) remediation.push("CUDA was probably initialised before the process forked: use the spawn start method (VLLM_WORKER_MULTIPROC_METHOD=spawn).");
  if (said("invalidArgument") && !nvls) remediation.push("'invalid argument' has several causes (shared-memory registration, cuMem); upgrading NCCL fixed several reported cases, and NCCL_CUMEM_ENABLE=0 is worth a try.");
  // RCCL's P2P transport maps another process's GPU buffer through HIP IPC (transport/p2p.cc)
  if (said("hipIpc"))
    remediation.unshift(
      "RCCL could not map another GPU's memory through HIP IPC (its P2P transport): run the container with --ipc=host and every GPU's device (/dev/kfd, /dev/dri), check how the GPUs reach each other (`rocm-smi --showtopo`), or work around it with NCCL_P2P_DISABLE=1 (vLLM then also needs --disable-custom-all-reduce, which maps memory the same way).",
    );
  // misc/cudawrap.cc: NCCL could not load the driver's entry points it was built against, before any CUDA call of its own
  if (said("driverLoad")) {
    const found = firstValue(hits, "driverFound");
    const needed = firstValue(hits, "driverNeeded");
    const symbol = firstValue(hits, "driverSymbol");
    remediation.unshift(
      `${found !== undefined && needed !== undefined ? `The driver supports CUDA ${cudaVersionOf(found)} and this NCCL needs ${cudaVersionOf(needed)}: the` : "The"} NVIDIA driver is older than the CUDA this NCCL (and PyTorch) was built with, or the libcuda.so the process loaded is not the kernel driver's. Compare \`nvidia-smi\` (its CUDA Version) with the build's (NCCL's \`NCCL version 2.x.y+cudaXX.Y\` line, \`torch.version.cuda\`), then update the driver or use a build for the driver's CUDA. Make sure LD_LIBRARY_PATH does not put a stub libcuda (cuda/lib64/stubs) or a cuda-compat directory that does not fit the driver first; in a container, the NVIDIA container toolkit must mount the host's libcuda.`,
    );
    remediation.push(DEBUG_HINT);
    return {
      message: `NCCL could not load the CUDA driver's functions it was built against (${symbol !== undefined ? `missing symbol ${symbol}` : found !== undefined ? `driver version ${found}, needs ${needed}` : "some PFN functions not found in the library"}) and stopped with ncclSystemError before any CUDA call of its own.`,
      remediation,
    };
  }
  // graph/paths.cc: NVML says two NVLink-connected GPUs cannot reach each other P2P, and NCCL stops with
  // ncclUnhandledCudaError before any CUDA call (the driver's NVLink state, not a CUDA failure)
  const nvlinkA = firstValue(hits, "nvlinkP2pA");
  if (nvlinkA !== undefined) {
    const pair = `GPUs ${nvlinkA} and ${firstValue(hits, "nvlinkP2pB")}`;
    remediation.unshift(
      `Check the NVLink between ${pair}: \`nvidia-smi nvlink --status\` (every link up, at its speed) and \`nvidia-smi topo -p2p n\` (OK for the pair). On a pair joined by an NVLink bridge (RTX 3090, RTX A6000) reseat the bridge and see that both cards show their links; on an NVSwitch or NVL72 system check the Fabric Manager (\`nvidia-smi -q\`: Fabric State Completed, a non-zero cluster UUID); a GPU passed into a VM or container without its NVLink peers shows the same.`,
      "To run meanwhile without NVLink P2P, set NCCL_IGNORE_DISABLED_P2P=1: NCCL then copies between these GPUs through host memory, much slower; for vLLM add --disable-custom-all-reduce, whose kernel needs P2P as well.",
    );
    return {
      message: `NCCL found P2P disabled between the NVLink-connected ${pair} (NVML reports their peer status not OK) and stopped with ncclUnhandledCudaError: no CUDA call failed, the NVLink between them is down or not enabled.`,
      remediation,
    };
  }
  remediation.unshift(...wslAdvice(ctx));
  remediation.push(DEBUG_HINT);
  // (NCCL's multi-node NVLink self-test allocates fabric memory first: its CUDA failure, 800 'operation not permitted' or
  // 801 'not supported', comes before the MNNVL WARN that nccl/system-error explains)
  const mnnvl = !nvls && "nccl.mnnvl" in ctx.signals;
  if (mnnvl) remediation.unshift("This CUDA failure is the fabric-memory allocation of NCCL's multi-node NVLink (MNNVL) check: see nccl/system-error for the IMEX channel or daemon to fix.");
  // (800 with no MNNVL verdict in the log: the paste stops before NCCL's own WARN, or another call was refused)
  else if (!nvls && said("notPermitted"))
    remediation.unshift(
      "CUDA error 800 'operation not permitted' is the driver refusing the call, not a GPU fault. Inside NCCL it is most often the fabric memory of multi-node NVLink (GB200/GH200 NVL systems), which a process can allocate only with an IMEX channel: the host needs the channel device (/dev/nvidia-caps-imex-channels/channel0) and a container needs it passed in (on Kubernetes, a ComputeDomain of NVIDIA's DRA driver). NCCL_MNNVL_ENABLE=0 runs without multi-node NVLink meanwhile. Elsewhere, look for what the container or a vGPU/MIG set-up forbids on the call the `-> 1` chain starts from.",
    );
  const where = nvls ? " while setting up NVLink SHARP (NVLS) multicast" : mnnvl ? " while allocating fabric memory for its multi-node NVLink (MNNVL) check" : "";
  // nccl-tests' own CUDA checks (`Test CUDA failure common.cu:N '...'`) are the test program's calls (device selection,
  // buffers), made around NCCL's: with nothing else failing, NCCL is not where it went wrong
  if (hits.every((h) => h.captures.testHarness !== undefined))
    return { message: `A CUDA call of the nccl-tests program itself failed (not one inside NCCL): ${what}.`, remediation };
  const forArch = noKernel ? ` (the library has no kernels for this GPU's architecture)` : "";
  return { message: rccl ? `A HIP call inside RCCL failed: ${what}${forArch}.` : `A CUDA call inside NCCL failed${where}: ${what}${forArch}.`, remediation };
});
export const check = rule.check;
