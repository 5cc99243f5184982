import type { Facts } from "./schema.js";
import { isRemoteAddress } from "./nccl.js";

/**
 * The NCCL facts that need the vLLM side too: the run's rank and node counts (a head-node log of a 2-node
 * run shows one host, but vLLM's configuration says the world), what each communicator carries, and the network
 * a multi-node run without connection lines implies. Pure: facts in, facts out.
 */
export function reconcileCluster(f: Facts): Facts {
  const n = f.nccl;
  const c = f.config;
  const hasNccl = n.ranks !== null || n.nodes !== null || n.hosts.length > 0 || n.communicatorCount > 0 || n.net !== null;
  const sources = { ...f.sources };
  const world = c.tensorParallelSize !== null || c.pipelineParallelSize !== null ? (c.tensorParallelSize ?? 1) * (c.pipelineParallelSize ?? 1) * (c.dataParallelSize ?? 1) : null;
  let ranks = n.ranks;
  if (hasNccl) {
    if (f.distributed.worldSize !== null && f.distributed.worldSize > (ranks ?? 0)) {
      ranks = f.distributed.worldSize;
      if (f.sources["distributed.worldSize"]) sources["nccl.ranks"] = f.sources["distributed.worldSize"];
    }
    if (world !== null && world > (ranks ?? 0)) {
      ranks = world;
      const at = f.sources["config.tensorParallelSize"] ?? f.sources["config.pipelineParallelSize"];
      if (at) sources["nccl.ranks"] = at;
    }
  }
  let nodes = n.nodes;
  if ((hasNccl || nodes !== null) && c.nnodes !== null && c.nnodes > (nodes ?? 0)) {
    nodes = c.nnodes;
    if (f.sources["config.nnodes"]) sources["nccl.nodes"] = f.sources["config.nnodes"];
  }
  // the lines no communicator could be told for, in a log whose NCCL names its communicators (a commId on Init lines):
  // those of several communicators whose Init lines the log lost (Ray's dedup folds most workers' lines), not one
  // group of vLLM's, so no role (its hosts are those of a TP group's and a PP group's lines together)
  const named = n.communicators.some((x) => x.commId !== null);
  const communicators = n.communicators.map((comm) => ({ ...comm, role: comm.role ?? (named && comm.id === "(no commId)" ? null : roleOf(comm.nranks ?? comm.ranksSeen, c, world)) }));
  const out: Facts = { ...f, sources, nccl: { ...n, ranks, nodes, communicators } };
  const anyInter = Object.values(n.interNode).some((v) => v > 0);
  out.nccl.multiNode = multiNodeReasons(out).length > 0;
  // hosts that chose different networks cannot all talk over the best of them: a node that fell back to Socket makes
  // the run's inter-node traffic TCP (or breaks it)
  const socketToo = n.net !== "Socket" && n.netChoices.length > 1 && n.netChoices.some((c) => c.net === "Socket");
  out.nccl.interNodeNet = !anyInter && out.nccl.multiNode && n.net ? (socketToo ? "NET/Socket" : netKind(n.net, n.gdr)) : null;
  return out;
}

/** GPUs one node holds at most (HGX/DGX boards): a communicator with more ranks spans nodes. */
export const GPUS_PER_NODE = 8;

type RankHigh = Facts["nccl"]["rankMap"][number];

/** Why the run spans nodes, each reason with the fact path that shows it (empty: one node, as far as the log tells). */
export function multiNodeReasons(f: Facts, gpusPerNode = GPUS_PER_NODE): { why: string; fact: string }[] {
  const n = f.nccl;
  const out: { why: string; fact: string }[] = [];
  if ((n.nodes ?? 0) > 1) out.push({ why: n.hosts.length > 1 ? `NCCL lines come from ${n.hosts.length} hosts (${n.hosts.slice(0, 4).join(", ")})` : `the run has ${n.nodes} nodes`, fact: "nccl.nodes" });
  if ((f.config.nnodes ?? 0) > 1 && !((n.nodes ?? 0) > 1)) {
    const dp = f.sources["config.nnodes"]?.derived ? `data parallel size ${f.config.dataParallelSize} with ${f.config.dataParallelSizeLocal} engine(s) a node: ${f.config.nnodes} nodes` : null;
    out.push({ why: dp ?? `--nnodes ${f.config.nnodes}`, fact: "config.nnodes" });
  }
  // the front-end node of a data-parallel run whose engines all run elsewhere (--data-parallel-size-local 0)
  if (f.config.dataParallelSizeLocal === 0 && (f.config.dataParallelSize ?? 0) > 0 && !((n.nodes ?? 0) > 1)) out.push({ why: "--data-parallel-size-local 0: every data-parallel engine runs on another node", fact: "config.dataParallelSizeLocal" });
  // a headless node serves no API: vLLM starts one for the ranks of other nodes (multi-node DP, or --nnodes with mp)
  if (f.config.headless === true && !((n.nodes ?? 0) > 1) && !((f.config.nnodes ?? 0) > 1)) out.push({ why: "a headless node (--headless): the API server and the other ranks run on another node", fact: "config.headless" });
  const namesake = n.namesakes.find((x) => x.machines.length > 1);
  if (namesake && !((n.nodes ?? 0) > 1)) out.push({ why: `the processes named ${namesake.host} bootstrap from ${namesake.machines.length} addresses (${namesake.machines.map((m) => m.slice(m.lastIndexOf("@") + 1)).slice(0, 4).join(", ")}): one name for several machines`, fact: "nccl.namesakes" });
  const wide = n.communicators.find((c) => (c.nNodes ?? 0) > 1);
  if (wide && !((n.nodes ?? 0) > 1)) out.push({ why: `NCCL reports nNodes ${wide.nNodes}`, fact: "nccl.nodes" });
  const big = n.communicators.find((c) => (c.nranks ?? 0) > gpusPerNode);
  if (big) out.push({ why: `a communicator of ${big.nranks} ranks, more than the ${gpusPerNode} GPUs a node holds`, fact: "nccl.communicators" });
  // a rank id as high as the GPUs a node holds (`[rank9]: Traceback …`, `rank 12 nRanks …` cut before its size): its
  // communicator has more ranks than one node has GPUs, one GPU a rank
  const high = big || (n.nodes ?? 0) > 1 ? null : n.rankMap.reduce<RankHigh | null>((m, r) => (m === null || r.rank > m.rank ? r : m), null);
  if (high && high.rank >= gpusPerNode) out.push({ why: `rank ${high.rank}: at least ${high.rank + 1} ranks, more than the ${gpusPerNode} GPUs a node holds`, fact: "nccl.ranks" });
  if (Object.values(n.interNode).some((v) => v > 0) && !((n.nodes ?? 0) > 1)) out.push({ why: "network connections between ranks of different nodes", fact: "nccl.interNode" });
  if (n.remotePeers.length && !((n.nodes ?? 0) > 1)) out.push({ why: `NCCL connects to ${n.remotePeers.slice(0, 4).join(", ")}, an address of no process in the log (it runs on ${ownAddresses(n).slice(0, 4).join(", ")})`, fact: "nccl.remotePeers" });
  // torch.distributed's rendezvous (`distributed_init_method=tcp://10.0.0.2:29500`) on another machine than NCCL's own
  const init = f.distributed.hostIp;
  if (init && !((n.nodes ?? 0) > 1) && !n.remotePeers.includes(init) && isRemoteAddress(init, new Set([...ownAddresses(n), ...n.workerIps]))) out.push({ why: `the distributed init method is on ${init}, an address of no process in the log (it runs on ${ownAddresses(n).slice(0, 4).join(", ")})`, fact: "distributed.hostIp" });
  // Ray writes `ip=` on an actor's lines when the actor runs on another node than the Ray driver: for an engine that
  // itself lives in an actor (a Ray Serve replica, a trainer's rollout actor) that is the engine's own node, so the
  // address says the run spans nodes only when the run has more than one rank. One rank: TP 1 and PP 1 as the log
  // states them, no data parallelism over 1, and neither torch nor NCCL seeing a second rank.
  const c = f.config;
  const oneRank = c.tensorParallelSize === 1 && c.pipelineParallelSize === 1 && !((c.dataParallelSize ?? 1) > 1) && !((f.distributed.worldSize ?? 1) > 1) && !((n.ranks ?? 1) > 1);
  // (an engine that is itself an actor, at the one address every worker has, runs on their node: a Ray Serve replica and
  // its workers placed together)
  const withEngine = n.workerIps.length === 1 && n.workerIps[0] === f.distributed.engineAddress;
  // (the multiprocessing executor's workers are the engine's own subprocesses: an `ip=` on their lines is the node of
  // the Ray actor that hosts the engine, `(LLMServer pid=4321, ip=10.0.0.7) (VllmWorkerProcess pid=9) ...`, where they
  // all run; a second node of such a run shows as --nnodes, --headless or NCCL's own hosts, read above)
  const mpWorkers = c.executorBackend === "mp";
  // (V1's Ray executor runs every worker as an actor, the driver, its engine core, holding no GPU; with the Ray head on a
  // node without GPUs (as KubeRay often runs it) one `ip=` on every worker's lines is the one node of all the ranks,
  // unless some worker wrote without `ip=`, from the driver's node. V0's driver holds rank 0 itself. Where NCCL places
  // ranks, rayNodeHoldsEveryRank judges.)
  const oneActorNode = f.vllm.engine === "v1" && n.workerIps.length === 1 && !f.distributed.workersOnDriverNode && !n.rankMap.length && !(n.hosts.length > 1);
  if (n.workerIps.length && !oneRank && !withEngine && !mpWorkers && !oneActorNode && !rayNodeHoldsEveryRank(f)) out.push({ why: `Ray workers on another node (${n.workerIps.slice(0, 4).join(", ")})`, fact: "nccl.workerIps" });
  return out;
}

/**
 * Every rank of the run is on the one node Ray's `ip=` names: the workers' address is the node of all the ranks NCCL
 * shows (one host, one address), and a communicator as large as the run (its TP × PP, or its world size) has all its
 * ranks there. A V1 Ray executor's workers are all actors, so with the Ray head on a node without GPUs (as KubeRay
 * often runs it) every worker line carries `ip=` though the ranks share a node; V0's driver holds rank 0 itself, so a
 * communicator that whole includes the driver's node.
 */
function rayNodeHoldsEveryRank(f: Facts): boolean {
  const n = f.nccl;
  if (n.hosts.length !== 1 || n.workerIps.length !== 1 || !n.rankMap.length || n.rankMap.some((r) => r.ip !== n.workerIps[0])) return false;
  const c = f.config;
  const layout = (c.tensorParallelSize ?? 1) * (c.pipelineParallelSize ?? 1);
  const world = Math.max(layout, f.distributed.worldSize ?? 1, n.ranks ?? 1);
  // (all its ranks seen there, or NCCL's own `nNodes 1` for it: the ranks the paste left out are on that node too)
  return n.communicators.some((x) => x.nranks !== null && x.nranks >= world && (x.ranksSeen === x.nranks || x.nNodes === 1) && x.hosts.length === 1 && x.hosts[0] === n.hosts[0]);
}

/** the addresses the log's NCCL processes bootstrapped or send from */
function ownAddresses(n: Facts["nccl"]): string[] {
  return [...new Set((n.interfaces ?? []).map((i) => i.address).filter((a) => a !== ""))];
}

/** The transport kind of NCCL's network name, as a `via NET/…` line would count it. */
export function netKind(net: string, gdr: boolean | null): string {
  if (net === "IB") return gdr ? "NET/IB/GDRDMA" : "NET/IB";
  if (net === "Socket" || net === "OFI") return `NET/${net}`;
  return gdr ? `NET/${net}/GDRDMA` : `NET/${net}`;
}

function roleOf(size: number, c: Facts["config"], world: number | null): string | null {
  if (size < 2 || world === null) return null;
  const names: string[] = [];
  if (c.tensorParallelSize === size) names.push("TP group");
  if (c.pipelineParallelSize === size) names.push("PP group");
  if (c.dataParallelSize === size) names.push("DP group");
  if (!names.length && size === world) names.push("world");
  return names.length ? names.join(" or ") : null;
}
