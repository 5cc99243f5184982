import { signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/shm-too-small",
  defaultSeverity: "error",
  title: "Shared memory (/dev/shm) too small or unavailable",
  tags: ["nccl", "container", "memory"],
  sources: ["NCCL User Guide: troubleshooting.html (Sharing data: --shm-size, --ipc=host)", "vLLM docs: serving/parallelism_scaling (docker --ipc=host --shm-size, Kubernetes memory-backed /dev/shm)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.shm"], (hits) => {
  const size = hits.map((h) => h.captures.size ?? h.captures.sizeTo).find((v) => v !== undefined);
  const bytes = size ? Number(size) : null;
  const attach = hits.some((h) => h.captures.attach !== undefined);
  return {
    message: `NCCL could not ${attach ? "attach to" : "create"} a shared-memory segment in /dev/shm${bytes ? ` of ${(bytes / 2 ** 20).toFixed(1)} MiB` : ""}. Docker gives containers a 64 MB /dev/shm by default, too small for NCCL's SHM transport${attach ? "; failing to attach also happens when ranks do not share the IPC namespace or /dev/shm" : ""}.`,
    remediation: [
      "Docker: run with --ipc=host, or --shm-size=16g (and -v /dev/shm:/dev/shm when ranks run in different containers on one host).",
      "Kubernetes: mount an emptyDir with medium: Memory at /dev/shm.",
      "Check free space with `df -h /dev/shm` inside the container; NCCL_SHM_DISABLE=1 avoids SHM as a last resort (slower).",
    ],
  };
});
export const check = rule.check;
