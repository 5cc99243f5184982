import { DEBUG_HINT, ranksOf, signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";
import { firstValue } from "../signals.js";

const IDS = ["nccl.remoteExited", "nccl.remoteExitedNet", "nccl.remoteErrorReturn"];

export const meta = {
  id: "nccl/remote-process-exited",
  defaultSeverity: "error",
  title: "NCCL: a remote process exited or the network failed",
  tags: ["nccl", "error", "network"],
  sources: ["NCCL source: src/init.cc (ncclRemoteError = 6)", "PyTorch: torch/csrc/distributed/c10d/NCCLUtils.cpp (ncclRemoteError text)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, IDS, (hits, ctx) => {
  const peer = firstValue(hits, "peer");
  const ranks = ranksOf(ctx, IDS);
  // the error returned through bootstrap.cc: lost on the out-of-band sockets ranks use to set up communicators and
  // connections, where the other end may not be an NCCL rank at all (NCCL before 2.27.3 fails a bootstrap whose
  // listening socket gets a connection closed before NCCL's magic arrives: a port scan, a health check)
  const inBootstrap = hits.some((h) => h.captures.inBootstrap !== undefined);
  return {
    message: `NCCL lost a peer${peer ? ` (${peer})` : ""}${inBootstrap ? " in its bootstrap (bootstrap.cc: the socket exchange ranks use to set up communicators and their connections)" : ""}${ranks.length ? `; reported by rank(s) ${ranks.join(", ")}` : ""}. On the surviving ranks this is a symptom: the root cause is usually on the rank or node that died first (out of memory, a crash, a GPU Xid error, a node or link going down).`,
    remediation: [
      "Find the rank whose log ends first or without this error and read its last lines: an OOM kill, a Python exception, a segfault or `Cuda failure` there is the cause.",
      ...(inBootstrap ? ["If every rank was alive, the other end of the bootstrap socket may not have been an NCCL rank: a port scanner or health check that connects to NCCL's listening port and closes it fails the bootstrap on NCCL before 2.27.3 (newer versions ignore it); so does a leftover process of an earlier run. Check what else reaches these nodes' ports and the NCCL version."] : []),
      "Check `dmesg` on the nodes for Xid errors and the OOM killer, and the fabric (`ibstat`, switch logs) for link flaps.",
      DEBUG_HINT,
    ],
  };
});
export const check = rule.check;
