import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/driver-library-mismatch",
  defaultSeverity: "error",
  title: "The NVIDIA driver's libraries and its loaded kernel module are of different versions (Driver/library version mismatch)",
  tags: ["vllm", "gpu", "driver", "startup", "container"],
  sources: [
    "NVML API reference: nvmlInit_v2 and NVML_ERROR_LIB_RM_VERSION_MISMATCH (the library and the kernel's resource manager differ)",
    "nvidia-smi documentation: return codes (18: the NVML shared library and the driver do not match)",
    "NVIDIA kernel driver (open-gpu-kernel-modules): the `NVRM: API mismatch: the client has the version X, but this kernel module has the version Y` record",
    "NVIDIA Container Toolkit: nvidia-container-cli initialises NVML in the container's prestart hook (`initialization error: nvml error: ...`)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.driverLibraryMismatch"]);
  if (!hits.length) return [];
  const halves = signalHits(ctx, ["vllm.driverVersionHalves"]);
  const client = firstValue(hits, "client");
  const module = firstValue(halves, "module");
  const nvml = firstValue(halves, "nvml");
  const versions = client && module
    ? ` (the libraries are ${client}, the loaded kernel module ${module})`
    : nvml
      ? ` (the NVML library is ${nvml}; \`cat /proc/driver/nvidia/version\` shows the loaded module's)`
      : "";
  const container = hits.some((h) => h.captures.containerCli !== undefined);
  const remediation = [
    "Reboot the node: it loads the kernel module of the driver now installed. Without a reboot, stop everything that holds the GPU (the workloads, nvidia-persistenced, DCGM or the device plugin) and reload the modules (`sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia`, then `nvidia-smi`).",
    "Compare the two halves: `cat /proc/driver/nvidia/version` (the kernel module) against the user-space driver (`nvidia-smi` prints NVML's version with the error; the libnvidia-ml.so.* and libcuda.so.* files). An unattended upgrade of the driver packages is the usual cause: hold them on GPU nodes (`apt-mark hold` the nvidia driver packages) and upgrade with a drain and reboot.",
    container
      ? "The NVIDIA container toolkit failed here, before the container started: the host's driver is what needs the fix, not the image."
      : "In a container the driver libraries come from the host (the NVIDIA container toolkit mounts them): fix the host; an image that ships its own libnvidia-ml or libcuda of another version (other than CUDA's forward-compatibility package) causes the same error, so remove those from the image.",
  ];
  return [{
    message: `The NVIDIA driver's user-space libraries and the kernel module that is loaded are of different versions${versions}: NVML cannot start, and no program on this host can use its GPUs until both are the same version, usually after a driver upgrade without a reboot.`,
    evidence: hitEvidence([...hits, ...halves]),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
