import type { RuleContext, FindingDraft } from "../types.js";
import { factEvidence, uniqueEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { interNodeKinds } from "../../gate/transport.js";
import { isTcpKind } from "../../../grammars/nccl.js";
import { ncclEnv } from "./net-common.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/gdrdma-disabled",
  defaultSeverity: "warning",
  title: "Inter-node NCCL traffic without GPU Direct RDMA",
  tags: ["nccl", "network", "infiniband", "efa", "performance"],
  sources: [
    "vLLM docs: serving/parallelism_scaling (GPUDirect RDMA: look for via NET/IB/GDRDMA)",
    "NCCL User Guide: env.html NCCL_NET_GDR_LEVEL, NCCL_DMABUF_ENABLE; NVIDIA GPU Operator docs (nvidia-peermem)",
    "aws-ofi-nccl and AWS EFA docs (FI_PROVIDER=efa, FI_EFA_USE_DEVICE_RDMA, GPUDirect RDMA on p4d/p5)",
  ],
} satisfies RuleSpec;

type Provider = "ib" | "ofi" | "plugin";

function providerOf(net: string | null, kinds: string[]): Provider {
  if (net === "OFI" || kinds.includes("NET/OFI")) return "ofi";
  if (net === "IB" || net === null || kinds.some((k) => k.startsWith("NET/IB"))) return "ib";
  return "plugin";
}

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const n = facts.nccl;
  const kinds = interNodeKinds(facts);
  // GDR only matters for network traffic between nodes, and not over TCP sockets (NCCL's or a plugin's, `NET/FastSocket`)
  const netKinds = Object.keys(kinds).filter((k) => k.startsWith("NET/") && !isTcpKind(k));
  if (!netKinds.length) return hcaWithoutGdr(ctx);
  // lines without /GDRDMA; OFI does not split GDR out of its kind, so there the gdr fact decides
  const lacking = netKinds.filter((k) => !k.endsWith("/GDRDMA") && (k !== "NET/OFI" || n.gdr === false) && (kinds[k] > 0 || n.gdr === false));
  if (!lacking.length) return [];
  const provider = providerOf(n.net, netKinds);
  const count = lacking.reduce((a, k) => a + kinds[k], 0);
  const withGdr = netKinds.filter((k) => k.endsWith("/GDRDMA")).reduce((a, k) => a + kinds[k], 0);
  const level = ncclEnv(ctx, "NCCL_NET_GDR_LEVEL");
  const byUser = level && /^(?:0|LOC)$/i.test(level.value);
  const saidOn = signalHits(ctx, ["nccl.gdrSaidOn"]);
  const saidOff = signalHits(ctx, ["nccl.gdrSaidOff"]);
  const name = provider === "ofi" ? "EFA / libfabric (OFI)" : provider === "ib" ? `InfiniBand/RoCE${n.ibHcas?.length ? ` (${n.ibHcas.join(", ")})` : ""}` : `the ${n.net} network plugin`;
  const what = count > 0
    ? `${count} inter-node connection line(s) over ${lacking.join(", ")} lack /GDRDMA${withGdr ? ` while ${withGdr} others use it` : ""}`
    : `NCCL says GPU Direct RDMA is disabled for its network devices on this multi-node run`;
  const why = byUser
    ? ` NCCL_NET_GDR_LEVEL=${level.value} turns it off on purpose.`
    : saidOn.length && provider === "ib"
      ? " The NIC supports it (the log says GPU Direct RDMA is enabled for the HCA), so NCCL left it off for distance: the NIC is too far from the GPU in the PCIe topology."
      : "";
  const ibAdvice = [
    saidOn.length
      ? "Check where the NIC sits relative to each GPU with `nvidia-smi topo -m`: NCCL uses GDR only within NCCL_NET_GDR_LEVEL (default PXB, same PCIe switch); NCCL_NET_GDR_LEVEL=PHB (or SYS) forces it for NICs behind the CPU, at your own risk."
      : "Load the peer-memory module on every host (not in the container): `sudo modprobe nvidia-peermem` (check `lsmod | grep peermem`), or use a kernel/driver/rdma-core with DMA-BUF support (NCCL_DMABUF_ENABLE=1, the default on recent NCCL).",
    saidOn.length
      ? "In VMs, give NCCL the real topology with NCCL_TOPO_FILE; on bare metal disable PCIe ACS so GPU and NIC can talk peer to peer."
      : "Check where the NIC sits relative to each GPU with `nvidia-smi topo -m`: NCCL uses GDR only within NCCL_NET_GDR_LEVEL (default PXB); in VMs give NCCL the topology with NCCL_TOPO_FILE, on bare metal disable PCIe ACS.",
    "Verify with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET: inter-node channels should read `via NET/IB/<n>/GDRDMA`.",
  ];
  const ofiAdvice = [
    "Run on an instance type whose EFA supports GPUDirect RDMA (e.g. p4d, p5) with the EFA installer's libfabric and the aws-ofi-nccl plugin that matches your NCCL; older aws-ofi-nccl/libfabric need FI_EFA_USE_DEVICE_RDMA=1.",
    "Set FI_PROVIDER=efa and check `fi_info -p efa -t FI_EP_RDM` lists the EFA devices inside the container (pass /dev/infiniband/uverbs* and the EFA device to it).",
    "Verify with NCCL_DEBUG=INFO: `NET/OFI Selected Provider is efa` and inter-node channels `via NET/AWS Libfabric/<n>/GDRDMA`.",
  ];
  const pluginAdvice = [
    `Check the requirements of the ${n.net} plugin for GPU Direct RDMA (kernel module or DMA-BUF support, supported NICs) and its own log lines.`,
    "Verify with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET: inter-node channels should end in `/GDRDMA`.",
  ];
  return [{
    title: provider === "ofi" ? "Inter-node EFA/libfabric traffic without GPU Direct RDMA" : provider === "ib" ? "InfiniBand is used without GPU Direct RDMA" : undefined,
    severity: byUser ? "info" : undefined,
    message: `NCCL moves inter-node data over ${name} without GPU Direct RDMA: ${what}.${why} Every transfer is then staged through host memory, costing bandwidth and CPU.`,
    evidence: uniqueEvidence([...lacking.map((k) => facts.sources[`nccl.interNode.${k}`]), ...saidOff.slice(0, 2).map((h) => h.ev), level?.ev, ...factEvidence(facts, "nccl.gdr", "nccl.net")]),
    remediation: byUser ? [`Unset NCCL_NET_GDR_LEVEL=${level.value} unless GDR was turned off to work around a problem.`, ...(provider === "ofi" ? ofiAdvice : provider === "ib" ? ibAdvice : pluginAdvice).slice(-1)] : provider === "ofi" ? ofiAdvice : provider === "ib" ? ibAdvice : pluginAdvice,
  }];
}

/**
 * NCCL says an HCA cannot do GPU Direct RDMA (`NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0' (no module)`,
 * transport/net_ib.cc 2.7-2.13; `NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'`, graph/topo.cc 2.13.4+): it
 * probes every HCA while detecting the topology of each communicator, so the line comes on single-node runs too,
 * where GDR does not matter. A log that shows the run on one node (NCCL's
 * `nNodes 1`, or a communicator whose every rank is on one host) gets nothing; one that shows neither that nor the
 * traffic between nodes (a cut paste) gets a note, since the next inter-node transfer over that HCA is staged.
 */
function hcaWithoutGdr(ctx: RuleContext): FindingDraft[] {
  // (not the distance form `... Disabled for GPU x / HCA y (distance d > l)` of graph/paths.cc: a path decision, not the HCA)
  const lines = signalHits(ctx, ["nccl.gdrSaidOff"]).filter((h) => h.captures.hca !== undefined);
  if (!lines.length) return [];
  const n = ctx.facts.nccl;
  const oneNode = n.communicators.some((c) => c.nNodes === 1 || (c.nranks !== null && c.ranksSeen === c.nranks && c.hosts.length === 1));
  if (oneNode) return [];
  // a run whose network is TCP sockets (IB disabled, or no usable HCA) has no use for GDR; one shown to span nodes with
  // a network has the inter-node kind check() reads (facts.nccl.interNodeNet)
  if ((n.net !== null && isTcpKind(`NET/${n.net}`)) || n.multiNode) return [];
  const hcas = [...new Set(lines.map((h) => h.captures.hca))];
  return [{
    severity: "info",
    title: "NCCL says the HCAs cannot do GPU Direct RDMA",
    message: `NCCL says GPU Direct RDMA is disabled for ${hcas.length ? `the HCA${hcas.length > 1 ? "s" : ""} ${hcas.join(", ")}` : "its HCAs"}. The log does not show whether the run spans nodes: if it does, every inter-node transfer over ${hcas.length > 1 ? "them" : "it"} is staged through host memory, costing bandwidth and CPU.`,
    evidence: uniqueEvidence([...lines.slice(0, 2).map((h) => h.ev), ...factEvidence(ctx.facts, "nccl.net")]),
    remediation: [
      "Load the peer-memory module on every host (not in the container): `sudo modprobe nvidia-peermem` (check `lsmod | grep peermem`); NCCL before 2.23 looks for nv_peer_mem only, so with nvidia-peermem use a newer NCCL or DMA-BUF (NCCL_DMABUF_ENABLE=1 with a kernel and driver that support it).",
      "Verify with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET on a multi-node run: inter-node channels should read `via NET/IB/<n>/GDRDMA`.",
    ],
  }];
}

export const rule = defineRule(meta, check);
