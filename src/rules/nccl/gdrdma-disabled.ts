import type { Rule, RuleContext, FindingDraft } from "../types.js";
import { docsPath } from "../types.js";
import { factEvidence, findHits, uniqueEvidence } from "../helpers.js";

export const meta = {
  id: "nccl/gdrdma-disabled",
  defaultSeverity: "warning",
  title: "InfiniBand is used without GPU Direct RDMA",
  tags: ["nccl", "network", "infiniband", "performance"],
  docs: docsPath("nccl/gdrdma-disabled"),
  sources: [
    "vLLM docs: serving/parallelism_scaling (GPUDirect RDMA: look for via NET/IB/GDRDMA)",
    "NCCL User Guide: env.html NCCL_NET_GDR_LEVEL, NCCL_DMABUF_ENABLE; NVIDIA GPU Operator docs (nvidia-peermem)",
  ],
} satisfies Rule["meta"];

export function check(ctx: RuleContext): FindingDraft[] {
  const n = ctx.facts.nccl;
  const disabledHca = findHits(ctx.events, /GPU Direct RDMA Disabled for HCA|GPU Direct RDMA Disabled for GPU|DMA-BUF is not available|\bGDR 0\b/);
  const ibNoGdr = findHits(ctx.events, /via NET\/IB\w*\/\d/).filter((h) => !/GDRDMA/.test(h.text));
  const ibCount = (n.transports["NET/IB"] ?? 0) || ibNoGdr.length;
  const gdrCount = n.transports["NET/IB/GDRDMA"] ?? 0;
  const gdrOff = n.gdr === false || disabledHca.length > 0 || (ibCount > 0 && gdrCount === 0 && findHits(ctx.events, /\/GDRDMA/).length === 0);
  if (!gdrOff) return [];
  if (n.gdr === true) return [];
  const hcas = n.ibHcas?.length ? n.ibHcas.join(", ") : null;
  return [{
    message: `NCCL moves inter-node data over InfiniBand${hcas ? ` (${hcas})` : ""} without GPU Direct RDMA${ibCount ? `: ${ibCount} NET/IB connection line(s) lack /GDRDMA` : ""}; every transfer is staged through host memory, costing bandwidth and CPU.`,
    evidence: uniqueEvidence([...disabledHca.map((h) => h.ev), ...ibNoGdr.map((h) => h.ev), ...factEvidence(ctx.facts, "nccl.gdr")]),
    remediation: [
      "Load the peer-memory module on every host (not in the container): `sudo modprobe nvidia-peermem` (check `lsmod | grep peermem`), or use a kernel/driver/rdma-core with DMA-BUF support.",
      "Check where the NIC sits relative to each GPU with `nvidia-smi topo -m`: NCCL uses GDR only within NCCL_NET_GDR_LEVEL (default PXB, same PCIe switch); NCCL_NET_GDR_LEVEL=PHB (or SYS) forces it for NICs behind the CPU, at your own risk.",
      "In VMs, give NCCL the real topology with NCCL_TOPO_FILE; on bare metal disable PCIe ACS.",
      "Verify with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET: channels should read `via NET/IB/<n>/GDRDMA`.",
    ],
  }];
}

export const rule: Rule = { meta, check };
