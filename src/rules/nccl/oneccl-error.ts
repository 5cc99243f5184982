import { signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/oneccl-error",
  defaultSeverity: "error",
  title: "oneCCL (Intel's collective library) failed",
  tags: ["oneccl", "xccl", "xpu", "intel", "error"],
  sources: [
    "oneCCL src/common/log/log.hpp (CCL_THROW: `oneCCL: <file>:<line> <function>: EXCEPTION: <reason>`; the |CCL_ERROR| / |CCL_WARN| logger)",
    "oneCCL src/common/global/ze/ze_fd_manager.cpp (fill_device_fds: the drmfd / pidfd exchange of GPU device handles) and src/exec/exec.cpp (start_workers)",
    "oneCCL docs: environment variables (CCL_ZE_IPC_EXCHANGE, CCL_WORKER_COUNT, CCL_WORKER_AFFINITY, CCL_LOG_LEVEL)",
  ],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["vllm.oneCclError"], (hits) => {
  const first = (k: string) => hits.find((h) => h.captures[k] !== undefined)?.captures[k]?.trim();
  const func = first("func");
  const where = first("where");
  const reason = first("reason");
  const said = hits.map((h) => `${h.captures.func ?? ""} ${h.captures.reason ?? ""}`).join(" ");
  // the exchange of GPU device handles between the ranks' processes (ze_fd_manager: drmfd opens /dev/dri's render
  // nodes, pidfd needs pidfd_getfd): a container without the devices or their by-path links fails here
  const fds = /fill_device_fds|ze_fd_manager|\bfd: -1|drmfd|pidfd/i.test(said) || /ze_fd_manager/.test(where ?? "");
  // oneCCL's worker threads (CCL_WORKER_COUNT, pinned to CCL_WORKER_AFFINITY's cores) could not start
  const workers = /start_workers|worker thread|failed to start worker|pthread_create/i.test(said);
  return {
    message:
      `oneCCL, the collective library Intel GPUs (XPU) communicate through, failed${func ? ` in ${func}` : ""}${where ? ` (${where})` : ""}${reason ? `: ${reason}` : ""}.` +
      (fds
        ? " The ranks could not exchange their GPUs' device handles, so the communicator between the GPUs was not set up and the workers stop."
        : workers
          ? " oneCCL could not start its worker threads, so the communicator was not set up and the workers stop."
          : ""),
    remediation: [
      ...(fds
        ? ["oneCCL's `drmfd` exchange opens the GPUs' render nodes: in a container pass /dev/dri (with `-v /dev/dri/by-path:/dev/dri/by-path`) and run as a user in the `render` group; or switch the exchange with CCL_ZE_IPC_EXCHANGE=sockets (or pidfd on kernels that support it)."]
        : []),
      ...(workers
        ? ["oneCCL pins CCL_WORKER_COUNT worker threads (default 1 per rank) to cores: set CCL_WORKER_AFFINITY to cores this process may use (a container's or Slurm's cpuset, `taskset -p $$` shows them) or lower CCL_WORKER_COUNT; `pthread_create returns 22` means the pinning asked for a core outside the allowed set."]
        : []),
      "oneCCL's own reason is in its |CCL_ERROR| lines: rerun with CCL_LOG_LEVEL=info (debug for more) to see the step that failed, and run the same oneCCL, torch XPU and vLLM versions on every rank. NCCL's settings (NCCL_*) do not apply on XPU.",
    ],
  };
});
export const check = rule.check;
