/**
 * Synthetic logs of multi-node vLLM / NCCL runs, written from NCCL's format strings (2.18.3–2.21: `rank[nvmlDev]`,
 * `ncclCommInitRank comm … commId … - Init START|COMPLETE`, `comm … nRanks … nNodes …`) and from how vLLM forms its
 * communicators: one per TP group (consecutive world ranks) and one per PP group (ranks TP apart), each numbering
 * its ranks from 0. Every process writes its own lines in order; processes interleave by a seeded shuffle.
 */

export type Net = "IB-GDR" | "IB" | "Socket" | "OFI" | "OFI-GDR";

export interface NodeSpec {
  host: string;
  /** the address Ray names the node by (`ip=`) */
  ip: string;
  /** the address NCCL bootstraps over (defaults to ip) */
  bootstrapIp?: string;
}

export interface ClusterSpec {
  nodes: NodeSpec[];
  gpusPerNode: number;
  tp: number;
  pp: number;
  net: Net;
  /** Ray prefixes on worker lines (workers on the head node carry no ip=) */
  ray?: boolean;
  /** only the head node's lines (a per-node log) */
  headOnly?: boolean;
  /** a world communicator as well (old vLLM's warm-up all-reduce) */
  world?: boolean;
  /** cut this many characters off the host name at the start of some lines of this node (Ray interleaving) */
  cutHostOf?: string;
  seed?: number;
  /** vLLM's own start-up lines (version, config with TP/PP) */
  vllmHeader?: boolean;
  /** the pid of each world rank (default: a pattern per node) */
  pids?: number[];
}

interface Proc {
  world: number;
  node: number;
  host: string;
  pid: number;
  dev: number;
  prefix: string;
  lines: string[];
}

/** a deterministic random number generator (xorshift32) in [0, 1) */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const hex = (n: number) => n.toString(16);

function via(net: Net, dev: number, dir: "send" | "receive"): string {
  const d = dev % 4;
  switch (net) {
    case "IB-GDR":
      return `[${dir}] via NET/IB/${d}/GDRDMA`;
    case "IB":
      return `[${dir}] via NET/IB/${d}`;
    case "Socket":
      return `[${dir}] via NET/Socket/${d}`;
    case "OFI":
      return `[${dir}] via NET/AWS Libfabric/${d}`;
    case "OFI-GDR":
      return `[${dir}] via NET/AWS Libfabric/${d}/GDRDMA`;
  }
}

/** Lines of one communicator's set-up in every member process: init, summary, ring connections on 2 channels, complete. */
function communicator(procs: Proc[], members: number[], commId: string, net: Net, commBase: number): void {
  const nNodes = new Set(members.map((w) => procs[w].node)).size;
  const n = members.length;
  members.forEach((w, r) => {
    const p = procs[w];
    const local = members.filter((x) => procs[x].node === p.node);
    const head = `${p.host}:${p.pid}:${p.pid} [${p.dev}] NCCL INFO`;
    const comm = `0x${hex(commBase + w * 0x1000)}`;
    const busId = `${hex(0x18 + p.dev * 0x11)}000`;
    p.lines.push(`${head} ncclCommInitRank comm ${comm} rank ${r} nranks ${n} cudaDev ${p.dev} nvmlDev ${p.dev} busId ${busId} commId ${commId} - Init START`);
    p.lines.push(`${head} comm ${comm} rank ${r} nRanks ${n} nNodes ${nNodes} localRanks ${local.length} localRank ${local.indexOf(w)} MNNVL 0`);
    if (r === 0) p.lines.push(`${head} Channel 00/02 : ${members.map((_, i) => ` ${i}`).join("")}`);
    for (let ch = 0; ch < 2 && n > 1; ch++) {
      const next = members[(r + 1) % n];
      const prev = members[(r - 1 + n) % n];
      const q = procs[next];
      const c = `Channel ${String(ch).padStart(2, "0")}/0`;
      if (q.node === p.node) p.lines.push(`${head} ${c} : ${r}[${p.dev}] -> ${(r + 1) % n}[${q.dev}] via P2P/IPC`);
      else p.lines.push(`${head} ${c} : ${r}[${p.dev}] -> ${(r + 1) % n}[${q.dev}] ${via(net, ch, "send")}`);
      const o = procs[prev];
      if (o.node !== p.node) p.lines.push(`${head} ${c} : ${(r - 1 + n) % n}[${o.dev}] -> ${r}[${p.dev}] ${via(net, ch, "receive")}`);
    }
    p.lines.push(`${head} Connected all rings`);
    p.lines.push(`${head} ncclCommInitRank comm ${comm} rank ${r} nranks ${n} cudaDev ${p.dev} nvmlDev ${p.dev} busId ${busId} commId ${commId} - Init COMPLETE`);
  });
}

/** A multi-node vLLM run's log: TP groups inside nodes, PP groups across them, as `vllm serve` with Ray writes it. */
export function clusterLog(spec: ClusterSpec): string {
  const random = rng(spec.seed ?? 7);
  const world = spec.tp * spec.pp;
  const procs: Proc[] = [];
  for (let w = 0; w < world; w++) {
    const node = Math.floor(w / spec.gpusPerNode);
    const nd = spec.nodes[node];
    const pid = spec.pids?.[w] ?? 4000 + node * 1000 + (w % spec.gpusPerNode) * 7;
    const driver = w === 0;
    const prefix = !spec.ray || driver ? "" : node === 0 ? `(RayWorkerWrapper pid=${pid}) ` : `(RayWorkerWrapper pid=${pid}, ip=${nd.ip}) `;
    procs.push({ world: w, node, host: nd.host, pid, dev: w % spec.gpusPerNode, prefix, lines: [] });
  }
  const netName = spec.net.startsWith("IB") ? "IB" : spec.net === "Socket" ? "Socket" : "AWS Libfabric";
  for (const p of procs) {
    const nd = spec.nodes[p.node];
    const head = `${p.host}:${p.pid}:${p.pid} [${p.dev}] NCCL INFO`;
    p.lines.push(`${head} Bootstrap : Using eth0:${nd.bootstrapIp ?? nd.ip}<0>`);
    if (spec.net.startsWith("IB")) p.lines.push(`${head} NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB [RO]; OOB eth0:${nd.bootstrapIp ?? nd.ip}<0>`);
    else if (spec.net === "Socket") {
      p.lines.push(`${head} NET/IB : No device found.`);
      p.lines.push(`${head} NET/Socket : Using [0]eth0:${nd.bootstrapIp ?? nd.ip}<0>`);
    } else p.lines.push(`${head} NET/OFI Selected Provider is efa (found 4 nics)`);
    p.lines.push(`${head} Using network ${netName}`);
  }
  if (spec.world) communicator(procs, procs.map((p) => p.world), "0x5ee1d0c0ffee0001", spec.net, 0x55d000000000);
  for (let g = 0; g < spec.pp; g++) {
    const members = procs.filter((p) => Math.floor(p.world / spec.tp) === g).map((p) => p.world);
    communicator(procs, members, `0x7a${hex(0x10000 + g)}c0de`, spec.net, 0x55e000000000 + g * 0x100);
  }
  for (let t = 0; t < spec.tp; t++) {
    const members = procs.filter((p) => p.world % spec.tp === t).map((p) => p.world);
    if (members.length > 1) communicator(procs, members, `0x9b${hex(0x10000 + t)}feed`, spec.net, 0x55f000000000 + t * 0x100);
  }
  const shown = spec.headOnly ? procs.filter((p) => p.node === 0) : procs;
  // interleave: each process's lines in order, processes shuffled line by line
  const queues = shown.map((p) => ({ p, i: 0 }));
  const out: string[] = [];
  if (spec.vllmHeader) {
    out.push("INFO 02-26 14:02:13 api_server.py:912] vLLM API server version 0.7.3");
    out.push(`INFO 02-26 14:02:22 llm_engine.py:234] Initializing a V0 LLM engine (v0.7.3) with config: model='meta-llama/Llama-3.1-70B-Instruct', tensor_parallel_size=${spec.tp}, pipeline_parallel_size=${spec.pp}, disable_custom_all_reduce=False, seed=0`);
    out.push("INFO 02-26 14:02:33 pynccl.py:69] vLLM is using nccl==2.21.5");
  }
  while (queues.some((q) => q.i < q.p.lines.length)) {
    const live = queues.filter((q) => q.i < q.p.lines.length);
    const q = live[Math.floor(random() * live.length)];
    let line = q.p.lines[q.i++];
    if (spec.cutHostOf === q.p.host && random() < 0.3) line = line.slice(3);
    out.push(q.p.prefix + line);
  }
  return out.join("\n") + "\n";
}

/** A single-node nccl-tests run with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=ALL: one process per GPU, one communicator. */
export function ncclTestsSingleNode(gpus: number, host = "dgx-07"): string {
  const out = [`# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0`, "#", "# Using devices"];
  for (let r = 0; r < gpus; r++) out.push(`#  Rank ${String(r).padStart(2)} Group  0 Pid ${3000 + r} on ${host} device  ${r} [0x${hex(0x18 + r * 0x11)}] NVIDIA H100 80GB HBM3`);
  const procs = Array.from({ length: gpus }, (_, r) => ({ r, head: `${host}:${3000 + r}:${3000 + r} [${r}] NCCL INFO` }));
  for (const { head } of procs) {
    out.push(`${head} Bootstrap : Using bond0:10.1.0.7<0>`);
    out.push(`${head} NCCL_DEBUG_SUBSYS set by environment to ALL.`);
    out.push(`${head} NET/IB : Using [0]mlx5_0:1/IB [RO]; OOB bond0:10.1.0.7<0>`);
    out.push(`${head} Using network IB`);
    out.push(`${head} NET/IB : GPU Direct RDMA (DMABUF) enabled for HCA 0 'mlx5_0'`);
  }
  for (const { r, head } of procs) {
    out.push(`${head} ncclCommInitRank comm 0x5${r}0000 rank ${r} nranks ${gpus} cudaDev ${r} nvmlDev ${r} busId ${hex(0x18 + r * 0x11)}000 commId 0x1234abcd5678ef00 - Init START`);
    out.push(`${head} comm 0x5${r}0000 rank ${r} nRanks ${gpus} nNodes 1 localRanks ${gpus} localRank ${r} MNNVL 0`);
    for (let ch = 0; ch < 2; ch++) out.push(`${head} Channel ${String(ch).padStart(2, "0")}/0 : ${r}[${r}] -> ${(r + 1) % gpus}[${(r + 1) % gpus}] via P2P/IPC/read`);
    out.push(`${head} 24 coll channels, 24 collnet channels, 16 nvls channels, 32 p2p channels, 32 p2p channels per peer`);
    out.push(`${head} ncclCommInitRank comm 0x5${r}0000 rank ${r} nranks ${gpus} cudaDev ${r} nvmlDev ${r} busId ${hex(0x18 + r * 0x11)}000 commId 0x1234abcd5678ef00 - Init COMPLETE`);
  }
  out.push("#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong");
  out.push("     1048576        262144     float     sum      -1    42.15   24.88   43.54      0    41.90   25.03   43.80      0");
  out.push("# Avg bus bandwidth    : 43.67");
  return out.join("\n") + "\n";
}

export interface RandomCluster {
  log: string;
  /** connection lines between processes of different hosts, by kind (what facts.nccl.interNode must say) */
  inter: Record<string, number>;
  intra: Record<string, number>;
  /** hosts whose lines are in the log */
  hosts: string[];
  /** every process's lines are in the log */
  complete: boolean;
  /** the address a wrapper with Ray's `ip=` gives each host's lines */
  ipOfHost: Record<string, string>;
}

/** Ray's prefix as vLLM's driver prints it: the head node's workers carry no `ip=` */
const rayActor = (p: { pid: number; ip: string }) => (p.ip === "10.9.0.1" ? `(RayWorkerWrapper pid=${p.pid}) ` : `(RayWorkerWrapper pid=${p.pid}, ip=${p.ip}) `);

const WRAPPERS: ((line: string, p: { pid: number; ip: string; host: string }, i: number) => string)[] = [
  (l) => l,
  (l, _p, i) => `2025-11-20T09:14:${String(i % 60).padStart(2, "0")}.123456789Z ${l}`,
  (l, p) => `(RayWorkerWrapper pid=${p.pid}, ip=${p.ip}) ${l}`,
  (l, p) => `vllm-${p.host}-1  | ${l}`,
  (l) => `\x1b[36m${l}\x1b[0m`,
  // one systemd unit's journal on the head: its own pid on every line, the Ray actor's inside
  (l, p, i) => `Nov 20 09:14:${String(i % 60).padStart(2, "0")} head-0 vllm[777]: ${rayActor(p)}${l}`,
  (l, p) => `[pod/vllm-head-0/vllm] ${rayActor(p)}${l}`,
  (l, p, i) => JSON.stringify({ log: `${rayActor(p)}${l}\n`, stream: "stderr", time: `2025-11-20T09:14:${String(i % 60).padStart(2, "0")}.123456789Z` }),
];

/** A random cluster: hosts, processes, communicators over random members, a transport per link, hidden hosts, wrappers. */
export function randomCluster(seed: number): RandomCluster {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const nHosts = 1 + Math.floor(random() * 3);
  const gpus = 1 + Math.floor(random() * 4);
  const wrap = pick(WRAPPERS);
  const procs = Array.from({ length: nHosts * gpus }, (_, i) => ({
    host: `node-${String.fromCharCode(97 + Math.floor(i / gpus))}${random() < 0.5 ? "-x" : ""}`,
    node: Math.floor(i / gpus), pid: 100 + i * 3, dev: i % gpus, lines: [] as string[],
  }));
  // one host name per node
  for (const p of procs) p.host = procs[p.node * gpus].host;
  const hidden = nHosts > 1 && random() < 0.3 ? nHosts - 1 : -1;
  const interNet = pick(["NET/IB/0/GDRDMA", "NET/IB/1", "NET/Socket/0", "NET/AWS Libfabric/2/GDRDMA"] as const);
  const intraVia = () => pick(["P2P/IPC", "P2P/CUMEM/read", "SHM/direct/direct", "NET/IB/0/GDRDMA", "P2P/direct pointer"] as const);
  const kindOf = (v: string) => (v.startsWith("P2P/IPC") ? "P2P/IPC" : v.startsWith("P2P/CUMEM") ? "P2P/CUMEM" : v.startsWith("P2P/direct") ? "P2P/direct" : v.startsWith("SHM") ? "SHM" : v.startsWith("NET/Socket") ? "NET/Socket" : v.startsWith("NET/AWS") ? "NET/OFI" : v.endsWith("GDRDMA") ? "NET/IB/GDRDMA" : "NET/IB");
  const inter: Record<string, number> = {};
  const intra: Record<string, number> = {};
  const count = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);
  const nComms = 1 + Math.floor(random() * 3);
  // NCCL initialises on the calling thread: vLLM sets every communicator up on its main thread, others use one thread each
  const tidStep = random() < 0.5 ? 0 : 1;
  for (let c = 0; c < nComms; c++) {
    const members = procs.filter(() => random() < 0.7);
    if (members.length < 2) continue;
    const commId = `0x${(0xc0ffee00 + c * 17 + seed).toString(16)}`;
    const nNodes = new Set(members.map((m) => m.node)).size;
    members.forEach((p, r) => {
      const head = `${p.host}:${p.pid}:${p.pid + c * tidStep} [${p.dev}] NCCL INFO`;
      const comm = `0x${(0x55000 + c * 0x100 + p.pid).toString(16)}`;
      p.lines.push(`${head} comm ${comm} rank ${r} nranks ${members.length} cudaDev ${p.dev} nvmlDev ${p.dev} busId 1b000 commId ${commId} - Init START`);
      // NCCL's count of the communicator's ranks on this node, and this rank's place among them
      const local = members.filter((m) => m.node === p.node);
      p.lines.push(`${head} comm ${comm} rank ${r} nRanks ${members.length} nNodes ${nNodes} localRanks ${local.length} localRank ${local.indexOf(p)} MNNVL 0`);
    });
    members.forEach((p, r) => {
      const q = members[(r + 1) % members.length];
      const rn = (r + 1) % members.length;
      const head = `${p.host}:${p.pid}:${p.pid + c * tidStep} [${p.dev}] NCCL INFO`;
      const qHead = `${q.host}:${q.pid}:${q.pid + c * tidStep} [${q.dev}] NCCL INFO`;
      const v = q.node === p.node ? intraVia() : interNet;
      const scope = q.node === p.node ? intra : inter;
      if (v.startsWith("NET/")) {
        p.lines.push(`${head} Channel 00/0 : ${r}[${p.dev}] -> ${rn}[${q.dev}] [send] via ${v}`);
        q.lines.push(`${qHead} Channel 00/0 : ${r}[${p.dev}] -> ${rn}[${q.dev}] [receive] via ${v}`);
        if (p.node !== hidden) count(scope, kindOf(v));
        if (q.node !== hidden) count(scope, kindOf(v));
      } else {
        p.lines.push(`${head} Channel 00/0 : ${r}[${p.dev}] -> ${rn}[${q.dev}] via ${v}`);
        if (p.node !== hidden) count(scope, kindOf(v));
      }
    });
    for (const p of members) p.lines.push(`${p.host}:${p.pid}:${p.pid + c * tidStep} [${p.dev}] NCCL INFO comm 0x${(0x55000 + c * 0x100 + p.pid).toString(16)} rank ${members.indexOf(p)} nranks ${members.length} cudaDev ${p.dev} nvmlDev ${p.dev} busId 1b000 commId ${commId} - Init COMPLETE`);
  }
  const shown = procs.filter((p) => p.node !== hidden);
  const queues = shown.map((p) => ({ p, i: 0 }));
  const out: string[] = [];
  let n = 0;
  while (queues.some((q) => q.i < q.p.lines.length)) {
    const live = queues.filter((q) => q.i < q.p.lines.length);
    const q = live[Math.floor(random() * live.length)];
    out.push(wrap(q.p.lines[q.i++], { pid: q.p.pid, ip: `10.9.0.${q.p.node + 1}`, host: q.p.host }, n++));
  }
  const hosts = [...new Set(shown.filter((p) => p.lines.length).map((p) => p.host))].sort();
  const ipOfHost = Object.fromEntries(procs.map((p) => [p.host, `10.9.0.${p.node + 1}`]));
  return { log: out.join("\n") + "\n", inter, intra, hosts, complete: hidden < 0, ipOfHost };
}
