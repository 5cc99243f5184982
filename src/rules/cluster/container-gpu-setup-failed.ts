import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "cluster/container-gpu-setup-failed",
  defaultSeverity: "error",
  title: "The container runtime could not give the container its GPUs (NVIDIA container toolkit, CDI, enroot hook)",
  tags: ["cluster", "container", "gpu", "startup"],
  sources: [
    "NVIDIA Container Toolkit docs: installing the toolkit, `nvidia-ctk runtime configure`, CDI support (`nvidia-ctk cdi generate`, `nvidia-ctk cdi list`)",
    "libnvidia-container: nvidia-container-cli's `<stage> error:` reports (initialization loads NVML from the host's driver)",
    "enroot: hooks.d/98-nvidia.sh calls nvidia-container-cli; pyxis prints enroot's log under `slurmstepd: error: pyxis:`",
    "Container Device Interface (CDI) specification: fully qualified device names vendor/class=name, specs in /etc/cdi and /var/run/cdi",
  ],
} satisfies RuleSpec;

/** What each kind of refusal means and how to fix it, in the order a reader meets them. */
const KINDS = [
  {
    capture: "noDriver",
    what: "the NVIDIA container CLI found no working NVIDIA driver on the host (its NVML library is missing or the kernel module is not loaded)",
    fix: "Check the host outside any container: `nvidia-smi` must work there. Install the driver or load its module (`sudo modprobe nvidia`, or reboot after a driver install); when `nvidia-smi` works on the host but the hook still cannot load libnvidia-ml.so.1, the runtime looks in the wrong place (a snap-packaged docker, a driver installed outside the linker's path): fix the toolkit's `ldconfig` setting in /etc/nvidia-container-runtime/config.toml or use the distribution's docker.",
  },
  {
    capture: "noCli",
    what: "enroot's NVIDIA hook could not run nvidia-container-cli (the libnvidia-container tools are not installed on that node)",
    fix: "Install libnvidia-container-tools (nvidia-container-cli) on every node enroot runs on, or remove enroot's 98-nvidia.sh hook on nodes without GPUs; `nvidia-container-cli info` on the node tells whether it works.",
  },
  {
    capture: "noRuntime",
    what: "docker was asked for GPUs (`--gpus`, compose's `driver: nvidia`) but no NVIDIA runtime is configured in the daemon",
    fix: "Install the NVIDIA container toolkit on the host, then `sudo nvidia-ctk runtime configure --runtime=docker` and restart docker (`sudo systemctl restart docker`); `docker info | grep -i runtime` then lists nvidia.",
  },
  {
    capture: "cdi",
    what: "the CDI device name the container asked for is in no CDI spec the runtime reads",
    fix: "Generate the spec on the host (`sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`, again after every driver upgrade) and use a name it lists (`nvidia-ctk cdi list`: nvidia.com/gpu=0, =all or a UUID); rootless podman reads /etc/cdi and /var/run/cdi, so the spec must be readable there by the user.",
  },
  {
    capture: "cdiInject",
    what: "the runtime could not inject the CDI devices into the container",
    fix: "Regenerate the CDI spec (`sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`) after the driver's last upgrade, and check that every device node and library it names exists on the host.",
  },
] as const;

/** The container engine refused to start the container because it could not attach its GPUs: nothing in it ran. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.containerGpuSetup"]);
  if (!hits.length) return [];
  const kinds = KINDS.filter((k) => hits.some((h) => h.captures[k.capture] !== undefined));
  const cdiName = hits.find((h) => h.captures.cdi !== undefined)?.captures.cdi;
  const what = kinds.length ? kinds.map((k) => (k.capture === "cdi" && cdiName ? `${k.what} (${cdiName})` : k.what)).join("; ") : "the runtime's GPU set-up failed";
  return [{
    message: `The container never started: ${what}. Nothing inside it (vLLM, NCCL, the job) ran, so the fix is on the host, not in the image or the command the container runs.`,
    evidence: hitEvidence(hits.slice(0, 3)),
    remediation: [
      ...kinds.map((k) => k.fix),
      "Test the host's GPU set-up alone with the same runtime: `docker run --rm --gpus all ubuntu nvidia-smi` (podman: `podman run --rm --device nvidia.com/gpu=all ubuntu nvidia-smi`; pyxis: `srun --container-image=ubuntu nvidia-smi`).",
    ],
  }];
}

export const rule = defineRule(meta, check);
