import { expect } from "vitest";
import { clusterLog, ncclTestsSingleNode, type Net } from "../../helpers/cluster-logs.js";
import { ruleTester } from "../rule-tester.js";

const A = { host: "gpu-a", ip: "10.0.0.1" };
const B = { host: "gpu-b", ip: "10.0.0.2" };
const two = (net: Net) => clusterLog({ nodes: [A, B], gpusPerNode: 4, tp: 4, pp: 2, net, ray: true, seed: 5 });

ruleTester("nccl/gdrdma-disabled", {
  valid: [
    { name: "IB with /GDRDMA between nodes", log: two("IB-GDR") },
    { name: "EFA with /GDRDMA between nodes", log: two("OFI-GDR") },
    { name: "TCP sockets (socket-fallback's business, not GDR's)", log: two("Socket") },
    { name: "a single-node run with no network connection, whose NIC says DMA-BUF GDR is enabled", log: ncclTestsSingleNode(8) },
    {
      name: "a single-node run whose HCA says GPU Direct RDMA Disabled but that has no network traffic",
      log: "h:1:1 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'\nh:1:1 [0] NCCL INFO comm 0x1 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0\nh:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC\n",
    },
  ],
  invalid: [
    {
      name: "IB without /GDRDMA between two nodes: peer-memory advice",
      log: two("IB"),
      findings: [{ title: "InfiniBand is used without GPU Direct RDMA", messageIncludes: "32 inter-node connection line(s) over NET/IB lack /GDRDMA", remediation: ["nvidia-peermem"] }],
    },
    {
      name: "EFA (aws-ofi-nccl) without GDR: EFA advice, never peermem or HCA advice",
      log: two("OFI"),
      findings: [{ title: "Inter-node EFA/libfabric traffic without GPU Direct RDMA", messageIncludes: "over EFA / libfabric (OFI)", remediation: ["EFA supports GPUDirect RDMA", "FI_PROVIDER=efa", "NET/OFI Selected Provider is efa"] }],
      check: (r) => expect(r.findings.flatMap((f) => f.remediation).join(" ")).not.toMatch(/peermem|NCCL_IB_HCA/),
    },
    {
      name: "GPU Direct RDMA Disabled on a 2-node run without connection lines",
      log: "h:1:1 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'\nh:1:1 [0] NCCL INFO Using network IB\nh:1:1 [0] NCCL INFO comm 0x1 rank 0 nRanks 16 nNodes 2 localRanks 8 localRank 0 MNNVL 0\n",
      findings: [{ lines: [1, 2], messageIncludes: "NCCL says GPU Direct RDMA is disabled for its network devices on this multi-node run" }],
    },
    {
      name: "the HCA supports DMA-BUF GDR but the connections do not use it: distance advice first",
      log: "h:1:1 [0] NCCL INFO NET/IB : GPU Direct RDMA (DMABUF) enabled for HCA 0 'mlx5_0'\nh:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0\n",
      findings: [{ messageIncludes: "the NIC is too far from the GPU", remediation: ["nvidia-smi topo -m"] }],
    },
    {
      name: "NCCL_NET_GDR_LEVEL=LOC turns it off on purpose: info",
      log: "h:1:1 [0] NCCL INFO NCCL_NET_GDR_LEVEL set by environment to LOC\nh:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0\n",
      findings: [{ severity: "info", messageIncludes: "NCCL_NET_GDR_LEVEL=LOC turns it off on purpose", remediation: ["Unset NCCL_NET_GDR_LEVEL=LOC"] }],
    },
  ],
});
