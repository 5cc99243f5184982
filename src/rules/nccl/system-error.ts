import type { Rule } from "../types.js";
import { docsPath } from "../types.js";
import { DEBUG_HINT, signatureRule } from "./signature-rule.js";

export const meta = {
  id: "nccl/system-error",
  defaultSeverity: "error",
  title: "NCCL: unhandled system error",
  tags: ["nccl", "error"],
  docs: docsPath("nccl/system-error"),
  sources: ["NCCL User Guide: troubleshooting.html (Sharing data; /dev/shm and memlock in containers)", "vLLM docs: usage/troubleshooting.md (unhandled system error at ncclCommInitRank: IPC_LOCK, /dev/shm)"],
} satisfies Rule["meta"];

export const rule: Rule = signatureRule(meta, ["nccl.systemError", "nccl.systemErrorReturn"], (_hits, ctx) => {
  const shm = "nccl.shm" in ctx.signals;
  const ib = "nccl.ibError" in ctx.signals;
  const sock = "nccl.socketWarn" in ctx.signals;
  const likely = shm ? "a shared-memory failure (/dev/shm)" : ib ? "an InfiniBand verbs call that failed" : sock ? "a socket operation between ranks" : "a system call (shared memory, sockets, InfiniBand verbs or memory registration)";
  return {
    message: `NCCL returned ncclSystemError: a system call failed; the lines before it point at ${likely}.`,
    remediation: [
      "In containers: run with --ipc=host or --shm-size=16g and --ulimit memlock=-1, and add the IPC_LOCK capability (Kubernetes: a memory-backed emptyDir at /dev/shm).",
      "Check that every node can reach the others at the addresses in the `Bootstrap : Using` / `NET/Socket : Using` lines and that firewalls allow NCCL's TCP ports.",
      DEBUG_HINT,
    ],
  };
});
export const check = rule.check;
