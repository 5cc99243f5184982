import type { EventBase } from "./types.js";

/**
 * An environment variable the input shows being set: NCCL's own `NCCL_X set by environment to Y`, a shell's
 * `export NAME=value` / `declare -x` / `env` output, assignments in front of a command, a container's
 * `-e NAME=value`, mpirun's `-x NAME=value`. Only the families that matter to the rules (see ENV_NAME).
 */
export interface EnvVarEvent extends EventBase {
  kind: "env.var";
  name: string;
  value: string;
  /** who says so: NCCL's echo of what it read, or a line that sets it (shell, container, launcher) */
  via: "nccl" | "shell" | "container" | "launcher";
}

/**
 * The variables worth keeping: NCCL's, vLLM's, PyTorch's NCCL knobs, the GPUs a process sees, rendezvous. Never a
 * secret, whatever its family (`VLLM_API_KEY`).
 */
export const ENV_NAME = /^(?!\w*(?:KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH))(?:(?:NCCL|VLLM|TORCH_NCCL|GLOO|UCX|FI|NV_LIBNCCL)_[A-Z0-9_]+|CUDA_VISIBLE_DEVICES|NVIDIA_VISIBLE_DEVICES|CUDA_DEVICE_MAX_CONNECTIONS|MASTER_ADDR|MASTER_PORT)$/;
