/**
 * The cluster model on log shapes the code was not written from: each log here is written from NCCL's printf formats
 * (init.cc, transport/net.cc, p2p.cc, shm.cc, net_ib.cc, bootstrap.cc of the version named) and from how vLLM's Ray
 * and multiprocessing executors print, end to end through `check` with both transport gates.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJsonHere } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vd-cluster-adv-"));
let files = 0;

/** `check` with `--require-transport NET/IB --forbid-transport NET/Socket` on these logs: the cluster answer and the gate */
async function gate(...texts: string[]) {
  const paths = texts.map((t) => {
    const p = join(dir, `log-${files++}.log`);
    writeFileSync(p, t);
    return p;
  });
  const { status, report } = await runJsonHere(["check", ...paths, "--require-transport", "NET/IB", "--forbid-transport", "NET/Socket", "--fail-on", "none"]);
  const n = report.facts.nccl;
  const req = (k: string) => report.gate.requirements.find((r: any) => r.kind === k)?.passed;
  return {
    status,
    nodes: n.nodes,
    ranks: n.ranks,
    net: n.net,
    gdr: n.gdr,
    interNode: n.interNode,
    intraNode: n.intraNode,
    requireIb: req("require-transport"),
    forbidSocket: req("forbid-transport"),
    rules: report.findings.map((f: any) => f.ruleId).filter((id: string) => /^(nccl|vllm\/tp-spans)/.test(id)),
  };
}

/** a seeded shuffle of the processes' streams, each kept in order (how lines of several processes reach one pipe) */
function interleave(streams: string[][], seed: number): string[] {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 4294967296);
  const at = streams.map(() => 0);
  const live = streams.map((x, i) => i).filter((i) => streams[i].length);
  const out: string[] = [];
  while (live.length) {
    const k = Math.floor(next() * live.length);
    const i = live[k];
    out.push(streams[i][at[i]++]);
    if (at[i] === streams[i].length) live.splice(k, 1);
  }
  return out;
}

interface Node {
  host: string;
  ip: string;
}
interface Proc {
  world: number;
  node: number;
  local: number;
  host: string;
  ip: string;
  pid: number;
  lines: string[];
  started: boolean;
}

const BUS = ["1b000", "1c000", "3d000", "3e000", "9f000", "a0000", "c3000", "c4000"];

/**
 * vLLM 0.6 (V0) on Ray, NCCL 2.21.5: world rank 0 is the driver (no prefix), the head node's other workers print
 * `(RayWorkerWrapper pid=N)`, the other nodes' `(RayWorkerWrapper pid=N, ip=X)`. One communicator per TP group
 * (consecutive ranks) and per PP group (ranks TP apart), rings on 2 channels connected during init (vLLM sets
 * NCCL_CUMEM_ENABLE=0: P2P/IPC), each numbering its ranks from 0.
 */
function v0Ray(o: { nodes: Node[]; gpus: number; tp: number; pp: number; net: "IB-GDR" | "IB" | "Socket"; pid: (node: number, local: number) => number; seed?: number }): string {
  const procs: Proc[] = [];
  o.nodes.forEach((n, node) => {
    for (let local = 0; local < o.gpus; local++) procs.push({ world: procs.length, node, local, host: n.host, ip: n.ip, pid: o.pid(node, local), lines: [], started: false });
  });
  const info = (p: Proc, msg: string) => p.lines.push(`${p.host}:${p.pid}:${p.pid} [${p.local}] NCCL INFO ${msg}`);
  let hex = 0x5a17;
  const ptr = () => `0x${(hex = (hex * 48271) % 0x7fffffff).toString(16).padStart(8, "0")}a0`;
  const via = (p: Proc, dir: string) => `[${dir}] via ${o.net === "Socket" ? `NET/Socket/${p.local % 2}` : `NET/IB/${p.local}${o.net === "IB-GDR" ? "/GDRDMA" : ""}`}`;
  const comm = (members: number[]) => {
    const n = members.length;
    const commId = `0x${ptr().slice(2)}${ptr().slice(2, 8)}`;
    const nNodes = new Set(members.map((w) => procs[w].node)).size;
    const ptrs = members.map(() => ptr());
    members.forEach((w, i) => {
      const p = procs[w];
      if (!p.started) {
        p.started = true;
        info(p, `Bootstrap : Using bond0:${p.ip}<0>`);
        if (p.world === 0) p.lines.push("NCCL version 2.21.5+cuda12.4");
        info(p, "NET/Plugin: Using internal network plugin.");
        if (o.net === "Socket") {
          info(p, "NET/IB : No device found.");
          info(p, `NET/Socket : Using [0]bond0:${p.ip}<0>`);
          info(p, "Using network Socket");
        } else {
          info(p, `NET/IB : Using ${BUS.map((_, k) => `[${k}]mlx5_${k}:1/IB`).join(" ")} [RO]; OOB bond0:${p.ip}<0>`);
          info(p, "Using network IB");
          info(p, `NET/IB : GPU Direct RDMA ${o.net === "IB-GDR" ? "Enabled" : "Disabled"} for HCA ${p.local} 'mlx5_${p.local}'`);
        }
      }
      const local = members.filter((x) => procs[x].node === p.node);
      info(p, `ncclCommInitRank comm ${ptrs[i]} rank ${i} nranks ${n} cudaDev ${p.local} nvmlDev ${p.local} busId ${BUS[p.local]} commId ${commId} - Init START`);
      info(p, `comm ${ptrs[i]} rank ${i} nRanks ${n} nNodes ${nNodes} localRanks ${local.length} localRank ${local.indexOf(w)} MNNVL 0`);
      info(p, `Trees [0] ${i + 1 < n ? i + 1 : -1}/-1/-1->${i}->${i ? i - 1 : -1} [1] ${i + 1 < n ? i + 1 : -1}/-1/-1->${i}->${i ? i - 1 : -1}`);
      info(p, "P2P Chunksize set to 524288");
    });
    for (let c = 0; c < 2; c++) {
      members.forEach((w, i) => {
        const p = procs[w];
        const q = procs[members[(i + 1) % n]];
        const j = (i + 1) % n;
        if (p.node === q.node) info(p, `Channel 0${c}/0 : ${i}[${p.local}] -> ${j}[${q.local}] via P2P/IPC/read`);
        else {
          info(p, `Channel 0${c}/0 : ${i}[${p.local}] -> ${j}[${q.local}] ${via(p, "send")}`);
          info(q, `Channel 0${c}/0 : ${i}[${p.local}] -> ${j}[${q.local}] ${via(q, "receive")}`);
        }
      });
    }
    members.forEach((w, i) => {
      const p = procs[w];
      info(p, "Connected all rings");
      info(p, `ncclCommInitRank comm ${ptrs[i]} rank ${i} nranks ${n} cudaDev ${p.local} nvmlDev ${p.local} busId ${BUS[p.local]} commId ${commId} - Init COMPLETE`);
    });
  };
  for (let g = 0; g < o.pp; g++) comm(Array.from({ length: o.tp }, (_, t) => g * o.tp + t));
  for (let t = 0; t < o.tp; t++) comm(Array.from({ length: o.pp }, (_, g) => g * o.tp + t));
  const streams = procs.map((p) => {
    const prefix = p.world === 0 ? "" : p.node === 0 ? `(RayWorkerWrapper pid=${p.pid}) ` : `(RayWorkerWrapper pid=${p.pid}, ip=${p.ip}) `;
    return [`INFO 11-20 09:15:21 pynccl.py:69] vLLM is using nccl==2.21.5`, ...p.lines].map((l) => prefix + l);
  });
  const head = [
    "INFO 11-20 09:15:00 api_server.py:585] vLLM API server version 0.6.4.post1",
    `INFO 11-20 09:15:02 llm_engine.py:249] Initializing an LLM engine (v0.6.4.post1) with config: model='meta-llama/Llama-3.1-405B-Instruct-FP8', speculative_config=None, tokenizer='meta-llama/Llama-3.1-405B-Instruct-FP8', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=16384, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=${o.tp}, pipeline_parallel_size=${o.pp}, disable_custom_all_reduce=False, quantization=fp8, enforce_eager=False, kv_cache_dtype=auto, device_config=cuda, seed=0, served_model_name=meta-llama/Llama-3.1-405B-Instruct-FP8, use_v2_block_manager=True`,
    `INFO 11-20 09:15:09 ray_gpu_executor.py:178] driver_ip: ${o.nodes[0].ip}`,
  ];
  return [...head, ...interleave(streams, o.seed ?? 7), "INFO 11-20 09:15:59 distributed_gpu_executor.py:57] # GPU blocks: 13052, # CPU blocks: 4161", ""].join("\n");
}

describe("identical containers on two nodes: the same pid on each node", () => {
  // Ray's workers in identical pods start in the same order, so node 0's worker and node 1's share pids (and NCCL's
  // `host:pid:tid`, when the pods share a name too): one node's Init lines must not take the other's connections
  const samePids = (node: number, local: number) => 4100 + 61 * local + 0 * node;
  const A = { host: "vllm-head", ip: "172.16.1.10" };
  const B = { host: "vllm-worker", ip: "172.16.1.11" };

  it("two host names: TP groups stay on their node, the PP links are the inter-node ones (IB with GDR)", async () => {
    expect(await gate(v0Ray({ nodes: [A, B], gpus: 8, tp: 8, pp: 2, net: "IB-GDR", pid: samePids }))).toEqual({
      status: 0, nodes: 2, ranks: 16, net: "IB", gdr: true, interNode: { "NET/IB/GDRDMA": 64 }, intraNode: { "P2P/IPC": 32 }, requireIb: true, forbidSocket: true, rules: [],
    });
  });

  it("one host name on both nodes, told apart by Ray's ip=: no NET link inside a node, no P2P-disabled finding", async () => {
    const one = [{ host: "vllm-0", ip: A.ip }, { host: "vllm-0", ip: B.ip }];
    expect(await gate(v0Ray({ nodes: one, gpus: 8, tp: 8, pp: 2, net: "IB-GDR", pid: samePids }))).toEqual({
      status: 0, nodes: 2, ranks: 16, net: "IB", gdr: true, interNode: { "NET/IB/GDRDMA": 64 }, intraNode: { "P2P/IPC": 32 }, requireIb: true, forbidSocket: true, rules: [],
    });
  });

  it("the same over TCP sockets: both gates fail on every PP link", async () => {
    const one = [{ host: "vllm-0", ip: A.ip }, { host: "vllm-0", ip: B.ip }];
    expect(await gate(v0Ray({ nodes: one, gpus: 8, tp: 8, pp: 2, net: "Socket", pid: samePids, seed: 11 }))).toEqual({
      status: 1, nodes: 2, ranks: 16, net: "Socket", gdr: null, interNode: { "NET/Socket": 64 }, intraNode: { "P2P/IPC": 32 }, requireIb: false, forbidSocket: false, rules: ["nccl/socket-fallback"],
    });
  });
});

/**
 * Ray's log monitor (RAY_DEDUP_LOGS, on by default): an actor's line whose words without digits match an earlier
 * line's is held back, and the window's last such line is printed once with `[repeated Nx across cluster]`; the
 * driver's own lines are not folded. Most workers' Init and Channel lines then vanish.
 */
function rayDedup(text: string, window = 120): string {
  const out: string[] = [];
  let held = new Map<string, { last: string; n: number }>();
  const seen = new Set<string>();
  const flush = () => {
    for (const { last, n } of held.values()) out.push(`${last} [repeated ${n}x across cluster]`);
    held = new Map();
  };
  text.split("\n").forEach((l, i) => {
    if (i % window === window - 1) flush();
    const m = /^\(RayWorkerWrapper pid=\d+(?:, ip=[\d.]+)?\) (.*)$/.exec(l);
    if (!m) return void out.push(l);
    const key = m[1].split(/\s+/).filter((w) => !/\d/.test(w)).join(" ");
    if (!seen.has(key)) {
      seen.add(key);
      return void out.push(l);
    }
    const h = held.get(key);
    if (h) {
      h.last = l;
      h.n++;
    } else held.set(key, { last: l, n: 1 });
  });
  flush();
  return out.join("\n");
}

describe("Ray's dedup folds the workers' NCCL lines", () => {
  it("TP 8 × PP 2 over IB: two nodes, 16 ranks, the IB gate passes, and no TP group is said to cross nodes that NCCL put on one", async () => {
    const A = { host: "gpu-node-0", ip: "10.0.0.1" };
    const B = { host: "gpu-node-1", ip: "10.0.0.2" };
    const pid = (node: number, local: number) => 31000 + 1000 * node + 37 * local;
    const t = rayDedup(v0Ray({ nodes: [A, B], gpus: 8, tp: 8, pp: 2, net: "IB-GDR", pid }));
    const r = await gate(t);
    expect({ ...r, interNode: Object.keys(r.interNode), intraNode: Object.keys(r.intraNode) }).toEqual({
      status: 0, nodes: 2, ranks: 16, net: "IB", gdr: true, interNode: ["NET/IB/GDRDMA"], intraNode: ["P2P/IPC"], requireIb: true, forbidSocket: true, rules: [],
    });
  });
});
