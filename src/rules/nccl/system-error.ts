import { DEBUG_HINT, signatureRule, wslAdvice } from "./signature-rule.js";
import type { RuleContext } from "../types.js";
import { signalHits } from "../signals.js";
import type { RuleSpec } from "../define.js";
import type { Evidence } from "../../model.js";
import { GIN_HINT, ncclFailureCaptures, OFI_CHECKS, ofiAdvice, ofiRailsAdvice } from "./ofi-advice.js";

export const meta = {
  id: "nccl/system-error",
  defaultSeverity: "error",
  title: "NCCL: unhandled system error",
  tags: ["nccl", "error"],
  sources: ["NCCL User Guide: troubleshooting.html (Sharing data; /dev/shm and memlock in containers)", "vLLM docs: usage/troubleshooting.md (unhandled system error at ncclCommInitRank: IPC_LOCK, /dev/shm)", "NCCL release notes 2.10.3 (WSL2 support, single GPU only)", "vLLM source: vllm/utils.py (is_pin_memory_available: WSL is detected)", "NCCL source: init.cc / mnnvl.cc (MNNVL fabric-memory self-test, IMEX channel and daemon)", "NCCL source: misc/cudawrap.cc (ncclCudaLibraryInit returns ncclSystemError when the driver's functions cannot be loaded)"],
} satisfies RuleSpec;

/** What NCCL's multi-node NVLink self-test says failed (grammars/signatures.ts nccl.mnnvl), and what to do about it. */
function mnnvlFailure(ctx: RuleContext): { message: string; remediation: string[] } | null {
  const hit = signalHits(ctx, ["nccl.mnnvl"])[0];
  if (!hit) return null;
  const w = hit.captures;
  const clique = w.cliqueSize ? `an NVLink clique of ${w.cliqueSize} GPUs` : "an NVLink clique";
  const daemon = w.imexDaemon !== undefined;
  return {
    message: `NCCL returned ncclSystemError from its multi-node NVLink (MNNVL) check: the GPUs form ${clique} across nodes, but NCCL could not ${daemon ? "export and import fabric memory between processes: the IMEX daemons do not serve this node (`Check the IMEX configuration (nvidia-imex-ctl -N)`)" : "allocate fabric memory: the process has no IMEX channel (`Check the IMEX channel configuration (/dev/nvidia-caps-imex-channels)`)"}. It is the node's or container's IMEX set-up, not the network or NCCL.`,
    remediation: [
      daemon
        ? "Check the IMEX service on every node of the clique: `nvidia-imex-ctl -N` must list all of them as connected; the nvidia-imex service needs the same node list (nodes_config.cfg) on each node and a version matching the driver."
        : "Give the process an IMEX channel: the host must have the channel device (/dev/nvidia-caps-imex-channels/channel0; the nvidia module option NVreg_CreateImexChannel0=1 creates it), and a container needs it passed in (`--device /dev/nvidia-caps-imex-channels/channel0`; on Kubernetes, a ComputeDomain of NVIDIA's DRA driver for GPUs).",
      "Check the fabric of every GPU: `nvidia-smi -q` shows Fabric State Completed, Status Success and one cluster UUID and clique id across the nodes.",
      "NCCL_MNNVL_ENABLE=0 lets the job start, but the traffic between nodes then leaves NVLink for the network (far slower on an NVL72 rack): use it to confirm the cause, not as the fix.",
      DEBUG_HINT,
    ],
  };
}

type ChainKind = "ib" | "socket" | "shm" | "net";

/**
 * the transports a `-> 2` chain's files belong to, and what their failing call is; `net`: NCCL's network transport
 * (transport/net.cc) or its GPU-initiated networking (2.28+, src/gin/), whose calls go into the network plugin, read as such
 * only when the log says which plugin or that GIN is in use
 */
const CHAIN_TRANSPORTS: { kind: ChainKind; file: RegExp; what: string }[] = [
  { kind: "ib", file: /(?:^|\/)(?:net_ib\w*|ib_plugin|ibvwrap)\.\w+$/, what: "the InfiniBand transport: its queue-pair set-up, a verbs call or its out-of-band connection to the peer" },
  { kind: "socket", file: /(?:^|\/)(?:socket|net_socket)\.\w+$/, what: "a socket operation between ranks" },
  { kind: "shm", file: /(?:^|\/)(?:shm|shmutils)\.\w+$/, what: "a shared-memory segment (/dev/shm)" },
  { kind: "net", file: /(?:^|\/)transport\/net\.(?:cc|cu|cpp)$|(?:^|\/)gin\/[\w.]+$/, what: "NCCL's network transport, a call into the network plugin" },
];

function chainTransport(files: (string | undefined)[], withNet = true): { kind: ChainKind; what: string; file: string } | null {
  for (const file of files) {
    if (file === undefined) continue;
    const t = CHAIN_TRANSPORTS.find((c) => (withNet || c.kind !== "net") && c.file.test(file));
    if (t) return { kind: t.kind, what: t.what, file };
  }
  return null;
}

/** an IB transport call that failed with a system error, no verbs WARN saying which */
const IB_CHAIN_HINT = "Check the HCAs of both nodes: `ibv_devinfo` shows each port ACTIVE (for RoCE, `show_gids` lists the GID index NCCL_IB_GID_INDEX names on both ends); a container needs the /dev/infiniband devices, the IPC_LOCK capability and an unlimited memlock; NCCL_IB_HCA can leave out an HCA that is down.";

/**
 * What a `-> 2` chain in NCCL's network transport or GIN is, when the log names the plugin (aws-ofi-nccl's lines, or the
 * network NCCL chose) or shows GIN in use (`ginChain`: a return in GIN's own files); null when it names neither, so the
 * chain reads as any other unexplained system error.
 */
function networkPath(ctx: RuleContext, ginChain: boolean): { what: string; advice: string[]; rails: Evidence | null } | null {
  const rails = signalHits(ctx, ["nccl.ofiRails"])[0];
  const ofi = rails !== undefined || ctx.facts.nccl.net === "OFI" || ncclFailureCaptures(ctx).some((c) => c.ofi !== undefined);
  const gin = ginChain || "nccl.gin" in ctx.signals;
  if (!ofi && !gin) return null;
  const plugin = ofi ? "the aws-ofi-nccl plugin (NET/OFI, EFA)" : ctx.facts.nccl.net ? `the ${ctx.facts.nccl.net} network` : "the network plugin";
  const generic = ofiAdvice(ncclFailureCaptures(ctx));
  return {
    what: gin ? `NCCL's GPU-initiated networking (GIN) set-up over ${plugin}` : `NCCL's network transport, a call into ${plugin}`,
    advice: rails ? ofiRailsAdvice(gin) : [...(gin ? [GIN_HINT] : []), ...(ofi ? (generic.length ? generic : [OFI_CHECKS]) : [])],
    rails: rails?.ev ?? null,
  };
}

export const rule = signatureRule(meta, ["nccl.systemError", "nccl.systemErrorReturn", "nccl.mnnvl"], (_hits, ctx) => {
  const mnnvl = mnnvlFailure(ctx);
  if (mnnvl) return mnnvl;
  // NCCL's CUDA library set-up (misc/cudawrap.cc) returns ncclSystemError when it cannot load the driver's functions: no
  // system call of the kinds below failed, and nccl/cuda-error says what to do
  const driver = signalHits(ctx, ["nccl.cudaError"]).find((h) => h.captures.driverLoad !== undefined);
  if (driver)
    return {
      message: `NCCL returned ncclSystemError from loading the CUDA driver's functions (\`${driver.captures.driverLoad}\`, line ${driver.ev.line}): the driver or the libcuda.so the process loaded does not fit this NCCL, which nccl/cuda-error explains; no shared memory, socket or network call failed.`,
      remediation: ["Fix the driver as nccl/cuda-error says: an NVIDIA driver at least as new as the CUDA this NCCL was built with, and the kernel driver's libcuda.so first on the library path.", DEBUG_HINT],
    };
  const shm = "nccl.shm" in ctx.signals;
  // (the shared-memory call refused outright, EACCES / EPERM / EROFS: nccl/shm-too-small says why)
  const shmDenied = signalHits(ctx, ["nccl.shm"]).find((h) => h.captures.denied !== undefined)?.captures.denied;
  const ib = "nccl.ibError" in ctx.signals;
  // (the proxy's `Failed to execute operation Connect` names no socket call: the transport it ran is in the chain below)
  const sockWarn = signalHits(ctx, ["nccl.socketWarn"]).find((h) => h.captures.proxyOp === undefined || h.captures.call !== undefined);
  // the transport whose call the `-> 2` chain starts in, when no WARN names the call: the first return in a transport's file
  const returns = signalHits(ctx, ["nccl.systemErrorReturn"]);
  const files = returns.map((h) => h.captures.chainFile);
  const first = chainTransport(files);
  // a chain in NCCL's network transport or GIN, with the plugin or GIN named by the log: the network path, whose advice is
  // the plugin's, not the shared memory and sockets of the generic case (./ofi-advice.ts); named by neither, the chain is
  // read past those files as before
  const net = first?.kind === "net" ? networkPath(ctx, files.some((f) => f !== undefined && /(?:^|\/)gin\//.test(f))) : null;
  const chain = first?.kind === "net" && !net ? chainTransport(files, false) : first;
  // the socket call that failed, with its peer: `Connect to 10.0.0.2<43117> failed : Connection refused`
  const call = sockWarn?.captures.call !== undefined ? sockWarn.captures : null;
  const sockWhat = call ? ` (${call.call.toLowerCase()} ${call.callPeer}${call.callPort ? ` port ${call.callPort}` : ""}${call.callError ? `: ${call.callError.trim()}` : ""})` : "";
  // socket(2) itself refused (`Socket creation failed : <errno text>`): no peer involved yet
  const created = signalHits(ctx, ["nccl.socketWarn"]).find((h) => h.captures.createError !== undefined)?.captures.createError;
  const family = created !== undefined && /address family not supported/i.test(created);
  const fds = created !== undefined && /too many open files/i.test(created);
  // topology detection could not find a GPU's device under /sys (grammars/signatures.ts nccl.pciPathMissing)
  const pci = signalHits(ctx, ["nccl.pciPathMissing"])[0];
  const pciBus = pci?.captures.pciBusId;
  // XLA's quote of NCCL's last WARN (grammars/signatures.ts nccl.xlaLastWarn): a JAX or TensorFlow log often has no NCCL
  // line of its own, and XLA says the WARN may be unrelated, so it is quoted as such and names the call only when nothing
  // in the log does
  const quoted = signalHits(ctx, ["nccl.xlaLastWarn"])[0]?.captures.lastWarn?.trim();
  const quotedSocket = quoted !== undefined && /\bsocket|connect|accept|\brecv\b|\bsend\b/i.test(quoted);
  const likely = pci
    ? `NCCL's topology detection: it could not find ${pciBus ? `GPU ${pciBus}` : "a GPU"} under /sys/class/pci_bus, so this process does not see the machine's PCI tree (WSL2 before NCCL supported it, a sandboxed container runtime, or a VM whose GPU bus ids /sys does not list)`
    : shm ? `a shared-memory failure (/dev/shm${shmDenied ? `: ${shmDenied}` : ""})` : ib ? "an InfiniBand verbs call that failed" : created !== undefined
      ? `the socket NCCL tried to open (socket() failed: ${created}${family ? ": the interface NCCL picked has no usable address, or one of a family (usually IPv6) this kernel or container does not support" : fds ? ": the process reached its open-file limit" : ""})`
      : sockWarn ? `a socket operation between ranks${sockWhat}`
      : net ? `${net.what}, not shared memory or sockets (${chain!.file} in the error chain)${net.rails ? `; aws-ofi-nccl refused connections there because the two ends have different numbers of rails (\`Unexpected number of remote rails\`, line ${net.rails.line}: nccl/ofi-rail-mismatch)` : ""}`
      : chain ? `${chain.what} (${chain.file} in the error chain)` : quotedSocket ? "a socket operation between ranks" : "a system call (shared memory, sockets, InfiniBand verbs or memory registration)";
  // a socket between ranks and nothing else: reachability comes before the container's shared memory
  const socketOnly = !pci && !shm && !ib && created === undefined && (sockWarn !== undefined || chain?.kind === "socket" || (chain === null && quotedSocket));
  // the network path and nothing else: the container's shared memory and the reachability of sockets are beside the point
  const netOnly = net !== null && !pci && !shm && !ib && created === undefined && !sockWarn;
  // shared memory and nothing else: within one node, so the reachability of other nodes is beside the point
  const shmOnly = shm && !pci && !ib && created === undefined && !sockWarn && chain?.kind !== "socket" && chain?.kind !== "net";
  const CONTAINER = "In containers: run with --ipc=host or --shm-size=16g and --ulimit memlock=-1, and add the IPC_LOCK capability (Kubernetes: a memory-backed emptyDir at /dev/shm).";
  const REACH = "Check that every node can reach the others at the addresses in the `Bootstrap : Using` / `NET/Socket : Using` lines and that firewalls allow NCCL's TCP ports.";
  return {
    message: `NCCL returned ncclSystemError: a system call failed; the lines before it point at ${likely}.${quoted ? ` XLA quotes NCCL's last warning (it says it may be unrelated): \`${quoted}\`.` : ""}`,
    remediation: [
      ...(pci ? [
        `Check what the process sees: \`ls -l /sys/class/pci_bus/\`${pciBus ? ` and \`ls -l /sys/bus/pci/devices/${pciBus.toLowerCase()}\`` : ""} inside the container or VM; \`nvidia-smi --query-gpu=pci.bus_id --format=csv\` gives the bus ids NCCL looks up.`,
        "In a container, let it see the host's /sys (runtimes such as gVisor, or a read-only or masked /sys, hide the PCI devices); under WSL2, use an NCCL new enough to know WSL (2.10.3 or later) and a single GPU per process; in a VM, pass the GPUs through with their PCI topology.",
      ] : []),
      ...(family ? ["Pin NCCL to an interface with an IPv4 address (NCCL_SOCKET_IFNAME=eth0, or NCCL_SOCKET_FAMILY=AF_INET); for InfiniBand, check that the `NET/IB : Using ... ; OOB <iface>:<address>` line names an address, or enable IPv6 in the kernel or container if that interface is meant to carry NCCL's traffic."] : []),
      ...(fds ? ["Raise the open-file limit of the processes (ulimit -n, the container's --ulimit nofile=, LimitNOFILE= for a systemd service): NCCL opens several sockets per peer and channel."] : []),
      ...wslAdvice(ctx),
      ...(chain?.kind === "ib" && !ib && !shm && !pci ? [IB_CHAIN_HINT] : []),
      ...(netOnly ? net.advice : socketOnly ? [REACH, CONTAINER] : shmOnly ? [CONTAINER] : [CONTAINER, REACH]),
      DEBUG_HINT,
    ],
  };
});
export const check = rule.check;
