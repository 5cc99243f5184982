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
  if (!netKinds.length) return [];
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

export const rule = defineRule(meta, check);
