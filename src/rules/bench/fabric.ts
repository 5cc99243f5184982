import type { Evidence } from "../../model.js";
import type { RuleContext } from "../types.js";
import { factEvidence, uniqueEvidence } from "../helpers.js";
import { ncclEnv, socketNetwork } from "../nccl/net-common.js";

/*
 * What bus bandwidth an nccl-tests run should reach, from what the logs say about the GPUs and the network.
 * Figures are busbw at large sizes, all_reduce with the ring algorithm, as NCCL maintainers quote them
 * (shared reference "benchmarks.md" section 5). Every figure is a floor, so the rule errs towards silence:
 * a fabric the table does not know gives no expectation at all.
 */

/** Intra-node busbw (GB/s) of NVLink/NVSwitch GPU classes, matched on the GPU name. */
const NVLINK_CLASSES: { re: RegExp; gbs: number; label: string }[] = [
  { re: /\bA800\b(?!.*PCIe)/i, gbs: 160, label: "A800 (reduced NVLink): ~160 GB/s intra-node" },
  { re: /\bA100[- ]SXM/i, gbs: 200, label: "A100 SXM (NVLink3/NVSwitch): ~200 GB/s intra-node" },
  { re: /\b(?:H100|H200)\b(?!.*\b(?:PCIe|NVL)\b)/i, gbs: 370, label: "H100/H200 SXM (NVLink4/NVSwitch): ~370 GB/s intra-node with the ring algorithm" },
  { re: /\bB200\b(?!.*\bPCIe\b)/i, gbs: 370, label: "B200 (NVLink5): at least the NVLink4 figure, ~370 GB/s intra-node" },
];

/** A 100 Gb/s InfiniBand/RoCE NIC gives ~10 GB/s of busbw; every NIC in use today is at least that fast. */
export const PER_NIC_FLOOR_GBS = 10;

/** Collectives whose busbw compares with the slowest link of a ring (alltoall and send/recv are bounded by one NIC). */
export const RING_COLLECTIVE = /^(?:all_reduce|all_gather|reduce_scatter|broadcast|reduce)_perf/;

export interface Transports {
  /** inter-node traffic went over NET/Socket */
  socket: boolean;
  /** InfiniBand/RoCE in use */
  ib: boolean;
  /** InfiniBand without GPU Direct RDMA */
  ibNoGdr: boolean;
  /** NCCL_IB_DISABLE=1 or NCCL_NET=Socket */
  ibForcedOff: string | null;
  /** GPUs of one node talk through SHM/host memory, or P2P was disabled */
  p2pOff: string | null;
  hcas: string[];
  evidence: Evidence[];
}

/** The NCCL transport facts that bear on bandwidth, with the lines that show them. */
export function transportsOf(ctx: RuleContext): Transports {
  const n = ctx.facts.nccl;
  const count = (k: string) => n.transports[k] ?? 0;
  const sock = socketNetwork(ctx);
  const ib = n.net === "IB" || count("NET/IB") + count("NET/IB/GDRDMA") > 0;
  const ibNoGdr = ib && (n.gdr === false || (count("NET/IB") > 0 && count("NET/IB/GDRDMA") === 0));
  const ibDisable = ncclEnv(ctx, "NCCL_IB_DISABLE");
  const netEnv = ncclEnv(ctx, "NCCL_NET");
  const ibForcedOff = ibDisable?.value === "1" ? "NCCL_IB_DISABLE=1" : netEnv && /^socket$/i.test(netEnv.value) ? `NCCL_NET=${netEnv.value}` : null;
  const p2pDisable = ncclEnv(ctx, "NCCL_P2P_DISABLE");
  const intraShm = n.nodePairs.some((p) => p.a === p.b && (p.kinds.SHM ?? 0) > 0 && !Object.entries(p.kinds).some(([k, v]) => k.startsWith("P2P") && v > 0));
  const p2pOff = p2pDisable?.value === "1" ? "NCCL_P2P_DISABLE=1" : intraShm ? "GPUs of one node connect via SHM (host memory), not P2P" : null;
  const evidence = uniqueEvidence([
    ...(sock.socket ? sock.evidence : []),
    ...(ibForcedOff ? [ibDisable?.value === "1" ? ibDisable.ev : netEnv?.ev] : []),
    ...(ibNoGdr ? [...factEvidence(ctx.facts, "nccl.gdr"), n.firstConnections?.["NET/IB"]] : []),
    ...(p2pOff ? [p2pDisable?.ev, n.firstConnections?.SHM] : []),
  ]);
  return { socket: sock.socket, ib, ibNoGdr, ibForcedOff, p2pOff, hcas: [...new Set(n.ibHcas ?? [])], evidence };
}

export interface Expectation {
  gbs: number;
  /** how the figure was reached, for the message */
  basis: string;
  fromConfig: boolean;
}

export interface RunShape {
  gpuName: string | null;
  ranks: number | null;
  nodes: number;
}

export function nvlinkClass(gpuName: string | null): { gbs: number; label: string } | null {
  if (!gpuName) return null;
  return NVLINK_CLASSES.find((c) => c.re.test(gpuName)) ?? null;
}

/**
 * The busbw the fabric should give this run, or null when the logs do not say enough to know. Intra-node:
 * the NVLink class of the GPU. Inter-node: InfiniBand/RoCE NICs in use × the per-NIC floor (as many NICs as
 * GPUs per node can drive), capped by the intra-node figure, since a ring crosses both.
 */
export function fabricExpectation(shape: RunShape, t: Transports): Expectation | null {
  if (shape.ranks === null || shape.ranks < 2) return null;
  const perNode = Math.max(1, Math.floor(shape.ranks / Math.max(1, shape.nodes)));
  const intra = perNode >= 2 ? nvlinkClass(shape.gpuName) : null;
  if (shape.nodes <= 1) return intra ? { gbs: intra.gbs, basis: `${perNode} GPUs in one node, ${intra.label}`, fromConfig: false } : null;
  if (!t.ib || t.socket || t.ibForcedOff) return null; // the network's speed is unknown
  if (perNode >= 2 && !intra) return null; // a ring also crosses the PCIe of each node, whose speed is unknown
  const nics = Math.max(1, Math.min(t.hcas.length || 1, perNode));
  const inter = nics * PER_NIC_FLOOR_GBS;
  const interText = `${shape.nodes} nodes over InfiniBand/RoCE with ${nics} NIC${nics === 1 ? "" : "s"} per node in use${t.hcas.length ? ` (${t.hcas.slice(0, 8).join(", ")})` : ""}, at least ~${PER_NIC_FLOOR_GBS} GB/s each (a 100 Gb/s NIC)`;
  if (intra && intra.gbs < inter) return { gbs: intra.gbs, basis: `${interText}, capped by ${intra.label}`, fromConfig: false };
  return { gbs: inter, basis: interText, fromConfig: false };
}
