import { DEBUG_HINT, signatureRule } from "./signature-rule.js";
import { signalHits } from "../signals.js";
import type { RuleSpec } from "../define.js";
import { noAlgoAdvice, noAlgoOf, noAlgoSaid } from "./no-algo.js";
import { collMismatchOf, collMismatchSaid, SAME_CALLS_HINT, SAME_PROGRAM_HINT } from "./coll-mismatch.js";

export const meta = {
  id: "nccl/internal-error",
  defaultSeverity: "error",
  title: "NCCL: internal error",
  tags: ["nccl", "error"],
  sources: ["NCCL source: src/include/checks.h (ncclInternalError = 3)", "NCCL troubleshooting notes (version mismatch symptoms)", "NCCL source: src/allocator.cc ncclSpaceAlloc, src/dev_runtime.cc (symmetric VA size from NCCL_WIN_STRIDE)"],
} satisfies RuleSpec;

/**
 * NCCL merges the file NCCL_TOPO_FILE names (set by hand, in /etc/nccl.conf or ~/.nccl.conf, by a cloud image, or by
 * aws-ofi-nccl before 1.11 with its static p4d/p5 XML) into the topology it reads from sysfs; a file written for all the
 * GPUs of the machine breaks a job that sees only some of them (CUDA_VISIBLE_DEVICES, a container with a GPU subset).
 */
const TOPO_FILE_ADVICE = "Find the topology file NCCL loaded (NCCL_TOPO_FILE in the environment, /etc/nccl.conf or ~/.nccl.conf; aws-ofi-nccl before 1.11 sets it to its static p4d/p5 XML; some cloud images ship one) and unset it or fix it: a file written for all the GPUs of the machine often breaks a job that sees only some of them. Upgrading aws-ofi-nccl to 1.11 or later makes it generate the topology instead.";

/** a size NCCL printed (`0x2d00000000`, or decimal) in GiB */
function gib(v: string): string {
  const n = Number(v);
  return Number.isFinite(n) ? `${(n / 2 ** 30).toFixed(n % 2 ** 30 === 0 ? 0 : 1)} GiB` : v;
}

export const rule = signatureRule(meta, ["nccl.internalError", "nccl.internalErrorReturn"], (hits, ctx) => {
  // NCCL's own reason is often on a line of its own (`Last error:` text, a WARN before the error)
  const detail = signalHits(ctx, ["nccl.internalDetail"])[0] ?? hits.find((h) => h.captures.detail !== undefined);
  const said = detail ? detail.captures.message : null;
  // graph/xml.h's `Attribute arch of node cpu not found` (on its own line, after PyTorch's `Last error:` or inside XLA's
  // `Last NCCL warning(error) log entry`): the topology XML lacks what NCCL reads, not a version or network problem
  const topo = [...signalHits(ctx, ["nccl.internalDetail"]), ...hits].find((h) => h.captures.topoAttr !== undefined)?.captures;
  // graph/paths.cc's `Failed to find reverse path from remNode A nlinks N to node B`: the topology NCCL read (sysfs, or
  // NCCL_TOPO_FILE) has a link from one device to another with none back, so the path search gives up
  const path = topo ? undefined : signalHits(ctx, ["nccl.internalDetail"]).find((h) => h.captures.reversePath !== undefined)?.captures;
  // allocator.cc's `No suitable space found to accommodate size=… within limit=…`: the rank's symmetric-memory address
  // space (NCCL_WIN_STRIDE) has no room left for a window being registered
  const space = topo || path ? undefined : signalHits(ctx, ["nccl.internalDetail"]).find((h) => h.captures.spaceSize !== undefined)?.captures;
  // enqueue.cc's tuner found no algorithm and protocol for a collective (./no-algo.ts): NCCL names the cause itself
  const noAlgo = topo || path || space ? null : noAlgoOf(ctx);
  // net_ib's `collective mismatch error` (./coll-mismatch.ts), whose send returned ncclInternalError up to NCCL 2.11
  const mismatch = topo || path || space || noAlgo ? null : collMismatchOf(ctx);
  return {
    extraEvidence: [...(detail ? [detail.ev] : []), ...(noAlgo ? [noAlgo.hit.ev] : []), ...(mismatch && mismatch !== detail ? [mismatch.ev] : [])],
    message: mismatch
      ? `NCCL returned ncclInternalError: ${collMismatchSaid(mismatch)}, nor a version or network problem.`
      : noAlgo
      ? `NCCL returned ncclInternalError: ${noAlgoSaid(noAlgo)}. It is NCCL's choice of algorithm that failed, not the versions or the network.`
      : path
      ? `NCCL returned ncclInternalError while searching its topology: node ${path.pathTo} links to node ${path.pathFrom}, but it found no path back from ${path.pathFrom} to ${path.pathTo} (\`Failed to find reverse path\`). The PCI/NVLink/xGMI topology NCCL read is inconsistent: a virtual machine's emulated PCI tree, a topology file, or a driver that reports the links one way only. It is not a version or network problem.`
      : space
      ? `NCCL returned ncclInternalError: the rank's symmetric-memory address space is full. Registering a window (ncclCommWindowRegister: PyTorch's NCCL symmetric memory, NCCL_WIN_COLL_SYMMETRIC buffers, device-API resources) needed ${gib(space.spaceSize)}${space.spaceLimit ? ` and the space, NCCL_WIN_STRIDE, is ${gib(space.spaceLimit)} per rank` : ""}, but the windows registered before it leave no free range that large (\`No suitable space found to accommodate\`). It is not a version or network problem.`
      : topo
      ? `NCCL returned ncclInternalError: its topology has a ${topo.topoNode} node without the "${topo.topoAttr}" attribute NCCL reads (\`Attribute ${topo.topoAttr} of node ${topo.topoNode} not found\`). That comes from a topology XML file, not from the versions or the network.`
      : `NCCL returned ncclInternalError${said ? `: ${said.trim().slice(0, 200)}` : ""}. It is often a consequence of another problem: ranks running different NCCL versions, a foreign or stale peer on an NCCL port, or a misconfigured network interface.`,
    remediation: mismatch ? [SAME_CALLS_HINT, SAME_PROGRAM_HINT, DEBUG_HINT] : noAlgo ? [...noAlgoAdvice(noAlgo), DEBUG_HINT] : space ? [
      "Deregister the windows the program no longer uses (ncclCommWindowDeregister, or free the symmetric-memory tensors) before registering new ones, and register a buffer once rather than again for each use: each registration takes its own range of the space, even for memory already registered.",
      "If the registered windows legitimately need more, raise NCCL_WIN_STRIDE (bytes; by default the largest GPU memory of the communicator, rounded up to 4 GiB; NCCL prints it as `Symmetric VA size=…GB` at init) on every rank alike.",
      DEBUG_HINT,
    ] : [
      ...(topo || path ? [TOPO_FILE_ADVICE] : []),
      ...(path ? ["Dump the topology NCCL detected (NCCL_TOPO_DUMP_FILE=/tmp/topo.xml with NCCL_DEBUG_SUBSYS=GRAPH) and look for the two nodes it names: in a virtual machine, use the topology file the cloud provider ships for the instance (NCCL_TOPO_FILE), or a newer driver and NCCL/RCCL."] : []),
      "Make sure every rank and node runs the same container image (same NCCL, torch and vLLM versions): compare the `NCCL version` lines of all ranks.",
      ...(detail?.captures.badFamily !== undefined ? ["The address NCCL tried to use is empty or invalid: see nccl/wrong-interface (NCCL_SOCKET_IFNAME, MASTER_ADDR)."] : []),
      "Check NCCL_SOCKET_IFNAME on every node: it must name an interface that exists and has an address there.",
      DEBUG_HINT,
      "If it persists with consistent versions, upgrade NCCL and report it to the NCCL developers with the INFO log.",
    ],
  };
});
export const check = rule.check;
