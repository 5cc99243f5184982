import { DEBUG_HINT, ranksOf, signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";
import type { RuleContext } from "../types.js";
import { firstValue } from "../signals.js";

const IDS = ["nccl.remoteExited", "nccl.remoteExitedNet", "nccl.remoteErrorReturn"];

export const meta = {
  id: "nccl/remote-process-exited",
  defaultSeverity: "error",
  title: "NCCL: a remote process exited or the network failed",
  tags: ["nccl", "error", "network"],
  sources: ["NCCL source: src/init.cc (ncclRemoteError = 6)", "PyTorch: torch/csrc/distributed/c10d/NCCLUtils.cpp (ncclRemoteError text)"],
} satisfies RuleSpec;

/** the other end of an NCCL socket that was no rank: a port scan, a health check, a leftover process */
const FOREIGN_PEER_HINT = "If every rank was alive, the other end of the socket may not have been an NCCL rank: a port scanner or health check that connects to NCCL's listening port and closes it fails the bootstrap on NCCL before 2.27.3 (newer versions ignore it); so does a leftover process of an earlier run. Check what else reaches these nodes' ports and the NCCL version.";

/**
 * what shows a run of one rank, or null: nccl-tests' device list of one thread and one GPU in one process (a world of
 * one; a build without MPI started several times makes several such worlds, none with a peer rank either)
 */
function aloneRun(ctx: RuleContext): string | null {
  // (the report's nccl-tests facts carry the header's counts beside the keys the schema names)
  const nt = ctx.facts.bench?.ncclTests as { ranks: number | null; processes?: number | null; nThreads?: number | null; nGpus?: number | null } | null | undefined;
  if (nt && nt.ranks === 1 && (nt.processes ?? 1) === 1 && (nt.nThreads ?? 1) * (nt.nGpus ?? 1) === 1) return "nccl-tests lists one device of one thread";
  return null;
}

export const rule = signatureRule(meta, IDS, (hits, ctx) => {
  const peer = firstValue(hits, "peer");
  const ranks = ranksOf(ctx, IDS);
  // the error returned through bootstrap.cc: lost on the out-of-band sockets ranks use to set up communicators and
  // connections, where the other end may not be an NCCL rank at all (NCCL before 2.27.3 fails a bootstrap whose
  // listening socket gets a connection closed before NCCL's magic arrives: a port scan, a health check)
  const inBootstrap = hits.some((h) => h.captures.inBootstrap !== undefined);
  // a run of one rank (nccl-tests listing one device of one thread, or only one-rank communicators): no other rank to lose
  const alone = aloneRun(ctx);
  const said = alone
    ? ` The run has a single rank (${alone}), so the other end was no other rank: a process outside the communicator that connected to one of NCCL's listening sockets and closed it (a port scanner or health check, a leftover process of an earlier run), or one of this process's own NCCL threads closing its end as the process failed or was stopped.`
    : " On the surviving ranks this is a symptom: the root cause is usually on the rank or node that died first (out of memory, a crash, a GPU Xid error, a node or link going down).";
  return {
    message: `NCCL lost a peer${peer ? ` (${peer})` : ""}${inBootstrap ? " in its bootstrap (bootstrap.cc: the socket exchange ranks use to set up communicators and their connections)" : ""}${ranks.length ? `; reported by rank(s) ${ranks.join(", ")}` : ""}.${said}`,
    remediation: [
      ...(alone ? [FOREIGN_PEER_HINT, "Read the lines after the error for what stopped this process (a signal, a CUDA error, the test's own failure line)."] : ["Find the rank whose log ends first or without this error and read its last lines: an OOM kill, a Python exception, a segfault or `Cuda failure` there is the cause."]),
      ...(inBootstrap && !alone ? [FOREIGN_PEER_HINT] : []),
      "Check `dmesg` on the nodes for Xid errors and the OOM killer, and the fabric (`ibstat`, switch logs) for link flaps.",
      DEBUG_HINT,
    ],
  };
});
export const check = rule.check;
