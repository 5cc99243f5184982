import { DEBUG_HINT, signatureRule, wslAdvice } from "./signature-rule.js";
import { signalHits } from "../signals.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/system-error",
  defaultSeverity: "error",
  title: "NCCL: unhandled system error",
  tags: ["nccl", "error"],
  sources: ["NCCL User Guide: troubleshooting.html (Sharing data; /dev/shm and memlock in containers)", "vLLM docs: usage/troubleshooting.md (unhandled system error at ncclCommInitRank: IPC_LOCK, /dev/shm)", "NCCL release notes 2.10.3 (WSL2 support, single GPU only)", "vLLM source: vllm/utils.py (is_pin_memory_available: WSL is detected)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.systemError", "nccl.systemErrorReturn"], (_hits, ctx) => {
  const shm = "nccl.shm" in ctx.signals;
  const ib = "nccl.ibError" in ctx.signals;
  const sockWarn = signalHits(ctx, ["nccl.socketWarn"])[0];
  // the socket call that failed, with its peer: `Connect to 10.0.0.2<43117> failed : Connection refused`
  const call = sockWarn?.captures.call !== undefined ? sockWarn.captures : null;
  const sockWhat = call ? ` (${call.call.toLowerCase()} ${call.callPeer}${call.callPort ? ` port ${call.callPort}` : ""}${call.callError ? `: ${call.callError.trim()}` : ""})` : "";
  const likely = shm ? "a shared-memory failure (/dev/shm)" : ib ? "an InfiniBand verbs call that failed" : sockWarn ? `a socket operation between ranks${sockWhat}` : "a system call (shared memory, sockets, InfiniBand verbs or memory registration)";
  return {
    message: `NCCL returned ncclSystemError: a system call failed; the lines before it point at ${likely}.`,
    remediation: [
      ...wslAdvice(ctx),
      "In containers: run with --ipc=host or --shm-size=16g and --ulimit memlock=-1, and add the IPC_LOCK capability (Kubernetes: a memory-backed emptyDir at /dev/shm).",
      "Check that every node can reach the others at the addresses in the `Bootstrap : Using` / `NET/Socket : Using` lines and that firewalls allow NCCL's TCP ports.",
      DEBUG_HINT,
    ],
  };
});
export const check = rule.check;
