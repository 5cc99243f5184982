import type { RuleContext, FindingDraft } from "../types.js";
import { multiNodeEvidence, uniqueEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { interNodeKinds } from "../../gate/transport.js";
import { ncclEnv } from "./net-common.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/socket-fallback",
  defaultSeverity: "warning",
  title: "Inter-node NCCL traffic goes over TCP sockets",
  tags: ["nccl", "network", "multi-node", "performance"],
  sources: [
    "vLLM docs: serving/parallelism_scaling (GPUDirect RDMA: via NET/Socket is the inefficient TCP fallback)",
    "NCCL User Guide: env.html NCCL_IB_DISABLE, NCCL_NET, NCCL_IB_HCA; NVIDIA/nccl#259 (Socket is irrelevant on one node)",
  ],
  thresholds: ["maxGpusPerNode"],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const n = facts.nccl;
  // the gate's classification (facts.nccl.interNode, or the network a multi-node run without connection lines chose)
  const kinds = interNodeKinds(facts);
  // HCAs ncclIbInit could not open and skipped (facts.recovered: `NET/IB : Unable to open device mlx5_0`)
  const unopened = [...new Set((facts.recovered ?? []).flatMap((r) => /Unable to open device (\S+)/.exec(r.failure.text)?.[1] ?? []))];
  const openFailed = unopened.length > 0 || (facts.recovered ?? []).some((r) => r.failure.text.includes("Call to ibv_open_device failed"));
  // a log that says nothing of its nodes (no host names, no nNodes: a paste whose NCCL prefixes were stripped) in
  // which NCCL could not open the RDMA device it found and took Socket: the machine has the fabric the container
  // was not given, which matters as soon as the run spans nodes (on one node it does not: NVIDIA/nccl#259)
  const nodesUnknown = !n.multiNode && n.nodes === null && n.hosts.length === 0;
  const unopenedFallback = !("NET/Socket" in kinds) && n.net === "Socket" && nodesUnknown && openFailed;
  // a paste that holds part of a run on a host with an InfiniBand network interface (IPoIB: ib0, ibp12s0, ibs3), whose
  // InfiniBand set-up ran and found no port it could use (2.2–2.3's side-channel line with no port listed, 2.4+'s
  // `No device found`, or a device it could not open): the communicator counts more ranks than the log shows and
  // NCCL does not say how many nodes it spans, so the ranks left out may run on other nodes (NVIDIA/nccl#207: one
  // node's lines of an eight-rank, two-node run)
  const partOfRun = !n.multiNode && n.communicators.length > 0 && n.communicators.every((c) => c.nNodes === null) && n.communicators.some((c) => c.nranks !== null && c.ranksSeen < c.nranks);
  const ipoib = (n.interfaces ?? []).filter((i) => IPOIB.test(i.name)).map((i) => i.name);
  const ibFoundNothing = openFailed || signalHits(ctx, ["nccl.ibNoDevice"]).length > 0 || (!(n.ibHcas?.length) && signalHits(ctx, ["nccl.ibSideband"]).length > 0);
  const partialFallback = !("NET/Socket" in kinds) && !unopenedFallback && n.net === "Socket" && partOfRun && ipoib.length > 0 && ibFoundNothing;
  if (!("NET/Socket" in kinds) && !unopenedFallback && !partialFallback) return [];
  const ibDisable = ncclEnv(ctx, "NCCL_IB_DISABLE");
  const forced = ncclEnv(ctx, "NCCL_NET");
  if (ibDisable?.value === "1" || (forced && /^socket$/i.test(forced.value))) return []; // nccl/ib-disabled says so instead
  const lines = kinds["NET/Socket"];
  // the hosts disagree: some chose Socket, others a better network (`NET/IB : No device found` on one node only)
  const named = (hosts: string[]) => (hosts.length ? ` (${hosts.slice(0, 3).join(", ")}${hosts.length > 3 ? ", …" : ""})` : "");
  const sock = n.netChoices.find((c) => c.net === "Socket");
  const others = n.netChoices.filter((c) => c.net !== "Socket");
  const mixed = sock && others.length ? `the nodes chose different networks: Socket${named(sock.hosts)}, ${others.map((c) => `${c.net}${named(c.hosts)}`).join(", ")}` : null;
  const pairs = n.nodePairs.filter((p) => p.scope === "inter" && (p.kinds["NET/Socket"] ?? 0) > 0).map((p) => `${p.a} ↔ ${p.b ?? "a node not in the log"}`);
  const multi = multiNodeEvidence(ctx);
  const noVerbs = signalHits(ctx, ["nccl.noVerbs"]);
  const noDevice = signalHits(ctx, ["nccl.ibNoDevice"]);
  // NCCL 2.2–2.3 say no `No device found`: IB's set-up picked its side-channel interface (libibverbs loaded, IB not
  // disabled) and the process then chose Socket, so it found no active InfiniBand/RoCE port (net_ib.cu initDevices,
  // init.cu initNet); with a port it lists `NET/IB: [0] mlx5_0:1/IB` and chooses IB
  const sideband = n.net === "Socket" && !(n.ibHcas?.length) ? signalHits(ctx, ["nccl.ibSideband"]) : [];
  const sidebandIface = firstValue(sideband, "iface");
  const hcaFilter = ncclEnv(ctx, "NCCL_IB_HCA");
  // every host of the log an AWS EC2 instance by its default name and no InfiniBand device listed: EC2's RDMA network is
  // EFA, which NCCL reaches only through the aws-ofi-nccl net plugin (NET/OFI, `Using network Libfabric`), never through
  // its own NET/IB, so InfiniBand advice (ibstat, NCCL_IB_HCA) does not apply there
  const ec2 = n.hosts.length > 0 && n.hosts.every((h) => EC2_HOST.test(h)) && !(n.ibHcas?.length) && !noVerbs.length && !openFailed;
  const why = lines > 0
    ? `${lines} connection line(s) between nodes use NET/Socket${pairs.length ? ` (${pairs.slice(0, 3).join(", ")}${pairs.length > 3 ? ", …" : ""})` : ""}`
    : mixed
      ? `${mixed}, on a multi-node run: ${multi.why.join("; ")}`
      : `NCCL chose the Socket network on a multi-node run: ${multi.why.join("; ")}`;
  const cause = noVerbs.length
    ? " libibverbs could not be loaded, so NCCL never tried InfiniBand/RoCE."
    : openFailed
      ? ` NCCL could not open the RDMA device${unopened.length === 1 ? "" : "s"}${unopened.length ? ` ${unopened.slice(0, 4).join(", ")}` : ""} (ibv_open_device failed), so it had no InfiniBand/RoCE device to use.`
      : noDevice.length || sideband.length
        ? ` NCCL found no active InfiniBand/RoCE device${hcaFilter ? ` matching NCCL_IB_HCA=${hcaFilter.value}` : ""}${!noDevice.length && sidebandIface ? ` (its InfiniBand set-up ran, with ${sidebandIface} as the side channel, and listed no port)` : ""}.`
        : "";
  const onEc2 = ec2
    ? ` The hosts are AWS EC2 instances (${n.hosts[0]}${n.hosts.length > 1 ? ", …" : ""}): their RDMA network is EFA, which NCCL uses only through the aws-ofi-nccl plugin; without the plugin (or on an instance type without EFA) it takes TCP.`
    : "";
  const remediation = ec2 ? [
    "On an EFA-capable instance type (p3dn, p4d, p5 and later), install the EFA software and the aws-ofi-nccl plugin (the AWS Deep Learning AMIs and containers ship both), put the plugin's libnccl-net.so on LD_LIBRARY_PATH, and give containers the EFA devices (/dev/infiniband/uverbs*) with --ulimit memlock=-1.",
    "Launch the instances in one placement group with a security group that allows all traffic between its members (EFA needs it).",
    "Verify with NCCL_DEBUG=INFO: the log should say `NET/OFI Selected Provider is efa`, `Using network Libfabric` (or AWS Libfabric) and the inter-node channels `via NET/AWS Libfabric` or `NET/OFI`.",
    "On instance types without EFA, prefer pipeline parallelism across nodes (TP inside a node) to keep the traffic over TCP small.",
  ] : [
    noVerbs.length
      ? "Install the RDMA user-space libraries (rdma-core / libibverbs) in the image, and pass the RDMA devices to the container (--device /dev/infiniband, or --privileged), with IPC_LOCK / --ulimit memlock=-1."
      : "Give the containers the RDMA devices (--device /dev/infiniband or --privileged) and the IPC_LOCK capability, and check that `ibstat` / `ibv_devinfo` show an ACTIVE port on every node.",
    hcaFilter ? `Check NCCL_IB_HCA=${hcaFilter.value}: it is a prefix filter and must match the HCAs \`ibv_devinfo\` lists.` : "If the nodes have several HCAs, select them with NCCL_IB_HCA (e.g. NCCL_IB_HCA=mlx5).",
    "Verify with NCCL_DEBUG=INFO: the log should say `Using network IB` and the inter-node channels `via NET/IB/<n>/GDRDMA`.",
    "If the nodes have no InfiniBand/RoCE, prefer pipeline parallelism across nodes (TP inside a node) to keep the traffic over TCP small.",
  ];
  return [{
    message: unopenedFallback
      ? `NCCL chose TCP sockets for its traffic between nodes:${cause} The log does not say how many nodes the run spans (no host names, no nNodes): on one node the choice goes unused; across nodes, TCP gives one to two orders of magnitude less bandwidth than InfiniBand with GPU Direct RDMA.`
      : partialFallback
        ? `NCCL chose TCP sockets although the host has the InfiniBand interface ${ipoib[0]}:${cause} The log shows ${partial(n)}, and NCCL does not say how many nodes the run spans: on one node the choice goes unused; across nodes, TCP gives one to two orders of magnitude less bandwidth than InfiniBand with GPU Direct RDMA.`
        : `NCCL carries inter-node traffic over TCP sockets: ${why}.${cause}${onEc2} TCP gives one to two orders of magnitude less bandwidth than InfiniBand with GPU Direct RDMA.`,
    evidence: uniqueEvidence([facts.sources["nccl.interNode.NET/Socket"], facts.sources["nccl.net"], partialFallback ? (n.interfaces ?? []).find((i) => IPOIB.test(i.name))?.evidence : undefined, ...multi.evidence, noVerbs[0]?.ev, sideband[0]?.ev, openFailed ? (facts.recovered ?? []).find((r) => /ibv_open_device|Unable to open device/.test(r.failure.text))?.failure : undefined, noDevice[0]?.ev]),
    remediation,
  }];
}

/** AWS EC2's default host names: `ip-172-31-44-237`, with `.ec2.internal` or `.<region>.compute.internal` when printed in full */
const EC2_HOST = /^ip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}(?:\.(?:ec2|[a-z]{2}(?:-[a-z]+)+-\d\.compute)\.internal)?$/;

/** Linux names of IP-over-InfiniBand interfaces: `ib0`, `ib1.8001` (a partition), and the predictable `ibp12s0`, `ibs3` */
const IPOIB = /^ib(?:\d+(?:\.\w+)?|p\d+s\d+\w*|s\d+\w*)$/;

/** the ranks the log shows of the largest communicator only partly seen, and its hosts */
function partial(n: RuleContext["facts"]["nccl"]): string {
  const c = n.communicators.filter((x) => x.nranks !== null && x.ranksSeen < x.nranks).sort((a, b) => (b.nranks ?? 0) - (a.nranks ?? 0))[0];
  if (!c) return "part of the run";
  const hosts = c.hosts.length ? `, ${c.hosts.length === 1 ? `all on ${c.hosts[0]}` : `on ${c.hosts.slice(0, 3).join(", ")}`}` : "";
  return `${c.ranksSeen} of the ${c.nranks} ranks of its communicator${hosts}`;
}

export const rule = defineRule(meta, check);
