import { clusterLog } from "../../helpers/cluster-logs.js";
import { ruleTester } from "../rule-tester.js";

const A = { host: "gpu-a", ip: "10.0.0.1" };
const B = { host: "gpu-b", ip: "10.0.0.2" };
const two = (net: "Socket" | "IB-GDR") => clusterLog({ nodes: [A, B], gpusPerNode: 4, tp: 4, pp: 2, net, ray: true, seed: 3 });
// NCCL's lines with their `host:pid:tid [dev]` prefix stripped by the one who pasted them (or `head` for one host): the
// RDMA device is there but the container cannot open it, and NCCL takes Socket
const unopened = (head: string) =>
  [
    "NCCL INFO NCCL_IB_DISABLE set by environment to 0.",
    "misc/ibvwrap.cc:212 NCCL WARN Call to ibv_open_device failed",
    "transport/net_ib.cc:148 NCCL WARN NET/IB : Unable to open device mlx5_bond_1",
    "NCCL INFO NET/IB : No device found.",
    "NCCL INFO NET/Socket : Using [0]bond1:10.7.3.2<0>",
    "NCCL INFO Using network Socket",
  ].map((l) => `${head}${l}`).join("\n") + "\n";

ruleTester("nccl/socket-fallback", {
  valid: [
    { name: "IB with GDR between two nodes", log: two("IB-GDR") },
    { name: "an RDMA device NCCL could not open, on the one host the log names (the network is not used)", log: unopened("node7:31:31 [0] ") },
    { name: "Socket with no RDMA device at all, in a log that says nothing of its nodes", log: "NCCL INFO NET/IB : No device found.\nNCCL INFO NET/Socket : Using [0]eth0:10.7.3.2<0>\nNCCL INFO Using network Socket\n" },
    { name: "a single node's Socket choice (the network is not used)", log: "node1:1:1 [0] NCCL INFO Using network Socket\nnode1:1:1 [0] NCCL INFO comm 0x1 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0\n" },
    {
      name: "NCCL_IB_DISABLE=1 set on purpose (nccl/ib-disabled says so)",
      log: "node1:1:1 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.\nnode1:1:1 [0] NCCL INFO Using network Socket\nnode1:1:1 [0] NCCL INFO Channel 00/0 : 1[1e0] -> 0[1e0] [receive] via NET/Socket/0\n",
    },
  ],
  invalid: [
    {
      name: "an RDMA device NCCL could not open, in a log that says nothing of its nodes (prefixes stripped)",
      log: unopened(""),
      findings: [{ lines: [6, 2, 4], messageIncludes: ["NCCL chose TCP sockets for its traffic between nodes", "could not open the RDMA device mlx5_bond_1", "does not say how many nodes"], severity: "warning" }],
    },
    {
      name: "socket connections between two hosts of a TP 4 × PP 2 Ray run",
      log: two("Socket"),
      findings: [{ messageIncludes: ["32 connection line(s) between nodes use NET/Socket (gpu-a ↔ gpu-b)", "NCCL found no active InfiniBand/RoCE device"], severity: "warning" }],
    },
    {
      name: "a receive over NET/Socket from a peer whose host is not in the log",
      log: "node1:1:1 [0] NCCL INFO Using network Socket\nnode1:1:1 [0] NCCL INFO Channel 00/0 : 1[1e0] -> 0[1e0] [receive] via NET/Socket/0\n",
      findings: [{ lines: [2, 1], messageIncludes: "1 connection line(s) between nodes use NET/Socket (node1 ↔ a node not in the log)" }],
    },
    {
      name: "Using network Socket on a 2-node run whose log has no connection lines",
      log: "a:1:1 [0] NCCL INFO Using network Socket\na:1:1 [0] NCCL INFO comm 0x1 rank 0 nRanks 16 nNodes 2 localRanks 8 localRank 0 MNNVL 0\n",
      findings: [{ lines: [1], messageIncludes: "NCCL chose the Socket network on a multi-node run: the run has 2 nodes" }],
    },
  ],
});
