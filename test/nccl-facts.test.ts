import { describe, expect, it } from "vitest";
import { analyzeSource } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { finalizeFacts, mergeStates, initState } from "../src/facts/state.js";
import { splitPhysicalLine } from "../src/records/split.js";

async function factsOf(text: string) {
  const { state, events } = await analyzeSource(memorySource("t.log", text), 0);
  return { facts: finalizeFacts(state), state, events };
}

const TWO_NODES = [
  "nodeA:100:110 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
  "nodeA:100:110 [0] NCCL INFO NET/IB : No device found.",
  "nodeA:100:110 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>",
  "nodeA:100:110 [0] NCCL INFO Using network Socket",
  "NCCL version 2.21.5+cuda12.4",
  "nodeA:100:110 [0] NCCL INFO comm 0x1 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xabc - Init START",
  "nodeA:101:111 [1] NCCL INFO comm 0x2 rank 1 nranks 4 cudaDev 1 nvmlDev 1 busId 1c000 commId 0xabc - Init START",
  "nodeB:200:210 [0] NCCL INFO comm 0x3 rank 2 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xabc - Init START",
  "nodeB:201:211 [1] NCCL INFO comm 0x4 rank 3 nranks 4 cudaDev 1 nvmlDev 1 busId 1c000 commId 0xabc - Init START",
  "nodeA:100:120 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC/read",
  "nodeA:101:121 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via NET/Socket/0",
  "nodeB:200:220 [0] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via NET/Socket/0",
  "nodeB:200:220 [0] NCCL INFO Channel 00/0 : 2[0] -> 3[1] via SHM/direct/direct",
  "nodeB:201:221 [1] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [send] via NET/Socket/0",
  "nodeA:100:110 [0] NCCL INFO comm 0x1 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xabc - Init COMPLETE",
  "nodeA:100:100 [0] NCCL INFO AllReduce: opCount 0 sendbuff 0x1 recvbuff 0x1 count 8 datatype 7 op 0 root 0 comm 0x1 [nranks=4] stream 0x9",
  "nodeA:100:100 [0] NCCL INFO AllReduce: opCount 1f sendbuff 0x1 recvbuff 0x1 count 8 datatype 7 op 0 root 0 comm 0x1 [nranks=4] stream 0x9",
].join("\n");

describe("nccl facts", () => {
  it("reads the transport matrix, node pairs, rank map and the CONTRACT facts of a two-node Socket run", async () => {
    const { facts } = await factsOf(TWO_NODES);
    const n = facts.nccl;
    expect(n.version).toBe("2.21.5");
    expect(n.net).toBe("Socket");
    expect(n.ranks).toBe(4);
    expect(n.nodes).toBe(2);
    expect(n.hosts).toEqual(["nodeA", "nodeB"]);
    expect(n.initComplete).toBe(1);
    expect(n.gdr).toBeNull();
    expect(n.transports).toEqual({ "P2P/IPC": 1, "P2P/CUMEM": 0, "P2P/direct": 0, SHM: 1, "NET/IB": 0, "NET/IB/GDRDMA": 0, "NET/Socket": 3, "NET/OFI": 0, NVLS: 0, CollNet: 0 });
    expect(n.matrix["1"]["2"]).toEqual({ "NET/Socket": 2 });
    expect(n.nodePairs).toEqual([
      { a: "nodeA", b: "nodeA", scope: "intra", kinds: { "P2P/IPC": 1 } },
      { a: "nodeA", b: "nodeB", scope: "inter", kinds: { "NET/Socket": 3 } },
      { a: "nodeB", b: "nodeB", scope: "intra", kinds: { SHM: 1 } },
    ]);
    expect(n.interNode).toEqual({ "NET/Socket": 3 });
    expect(n.intraNode).toEqual({ "P2P/IPC": 1, SHM: 1 });
    expect(n.communicators).toEqual([
      { id: "0xabc", commId: "0xabc", nranks: 4, nNodes: null, ranksSeen: 4, hosts: ["nodeA", "nodeB"], role: null, transports: { "P2P/IPC": 1, "NET/Socket": 3, SHM: 1 }, interNode: { "NET/Socket": 3 } },
    ]);
    const r0 = n.rankMap.find((r) => r.rank === 0)!;
    expect(r0).toMatchObject({ host: "nodeA", pid: 100, device: 0, busId: "1b000", ncclVersion: "2.21.5", lastOpCount: 0x1f, lastCollective: "AllReduce", collectives: 2 });
    expect(n.rankMap.find((r) => r.rank === 3)).toMatchObject({ host: "nodeB", pid: 201 });
    expect(n.bootstrapInterfaces).toEqual(["eth0:10.0.0.1"]);
    expect(n.firstWarn).toBeNull();
    expect(facts.firstError).toBeNull();
  });

  it("places a rank only from lines it printed itself, and a silent rank on its P2P peer's node", async () => {
    const { facts } = await factsOf([
      "A:1:2 [1] NCCL INFO Channel 01/0 : 1[1] -> 0[0] via P2P/CUMEM",
      "B:3:4 [0] NCCL INFO Channel 07/0 : 0[0] -> 2[0] [receive] via NET/IB/3/GDRDMA",
      "B:3:4 [0] NCCL INFO Channel 00/0 : 2[0] -> 0[0] [se",
    ].join("\n"));
    expect(facts.nccl.rankMap.map((r) => [r.rank, r.host])).toEqual([[0, "A"], [1, "A"], [2, "B"]]);
    expect(facts.nccl.nodePairs).toEqual([
      { a: "A", b: "A", scope: "intra", kinds: { "P2P/CUMEM": 1 } },
      { a: "A", b: "B", scope: "inter", kinds: { "NET/IB/GDRDMA": 1 } },
    ]);
    expect(facts.nccl.ranks).toBe(3);
  });

  it("before 2.5, `NET/Socket : Using [0]ib0` is the bootstrap interface, not a socket fallback", async () => {
    const { facts } = await factsOf([
      "m:1:2 [0] NCCL INFO NET/Socket : Using [0]ib0:192.168.11.1<0>",
      "m:1:2 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:192.168.11.1<0>",
      "NCCL version 2.4.7+cuda10.0",
    ].join("\n"));
    expect(facts.nccl.net).toBe("IB");
    expect(facts.nccl.ibHcas).toEqual(["mlx5_0:1"]);
    expect(facts.nccl.version).toBe("2.4.7");
  });

  it("GDR: /GDRDMA on any NET line is true; IB lines without it are false", async () => {
    expect((await factsOf("h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/IB/0/GDRDMA")).facts.nccl.gdr).toBe(true);
    expect((await factsOf("h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/IBext_v8/0")).facts.nccl.gdr).toBe(false);
    expect((await factsOf("h:1:2 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'")).facts.nccl.gdr).toBe(false);
    expect((await factsOf("h:1:2 [0] NCCL INFO Channel 00 : 1[1e0] -> 0[1e0] [receive] via NET/Socket/0")).facts.nccl.gdr).toBeNull();
     // a connection line with no host prefix (the fuzz found it): the network is known, its source is absent, never null
    const bare = (await factsOf("NCCL INFO NCCL_IB_HCA set by environment to mlx5_0\n(Channel 02/1 : 3[3] -> 11[3] [send] via NET/IB/1/GDRDMA")).facts;
    expect([bare.nccl.net, "nccl.net" in bare.sources, Object.values(bare.sources).includes(null as never)]).toEqual(["IB", false, false]);
     // gdr null is explained (what a failed `--require nccl.gdr==true` quotes): over sockets it cannot be true
    const gdrWhy = async (text: string) => (await factsOf(text)).facts.missing.find((m) => m.fact === "nccl.gdr")?.why;
    expect(await gdrWhy("h:1:2 [0] NCCL INFO Using network Socket\nh:1:2 [0] NCCL INFO Channel 00 : 1[1e0] -> 0[1e0] [receive] via NET/Socket/0")).toBe("the run's network is TCP sockets (NET/Socket): GPU Direct RDMA is a property of InfiniBand/RoCE connections");
    expect(await gdrWhy("h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC")).toBe("no NET/IB connection line (`via NET/IB/N/GDRDMA`, or without `/GDRDMA`) and no `GPU Direct RDMA Disabled` line");
    expect(await gdrWhy("h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/IB/0/GDRDMA")).toBeUndefined();
  });

  it("first WARN and first error: benign WARNs are WARNs but not errors; error returns with N != 0 are errors", async () => {
    const { facts, events } = await factsOf([
      "h:1:2 [0] NCCL INFO init.cc:100 -> 0",
      "",
      "h:1:2 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]",
      "h:1:2 [0] NCCL INFO transport/net.cc:1298 -> 6",
      "",
      "h:1:3 [0] misc/socket.cc:49 NCCL WARN socketProgress: Connection closed by remote peer h2<51159>",
    ].join("\n"));
    expect(facts.nccl.firstWarn?.line).toBe(3);
    expect(facts.firstError?.line).toBe(4);
    expect(facts.nccl.warnCount).toBe(2);
    const warns = events.filter((e) => e.kind === "nccl.warn");
    expect(warns.map((w) => (w.kind === "nccl.warn" ? [w.warnKind, w.benign] : null))).toEqual([["ib", true], ["remote", false]]);
    expect(events.find((e) => e.kind === "error")).toMatchObject({ source: "nccl", errorType: "ncclRemoteError" });
  });

  it("a legacy 2.2 WARN is an error but not nccl.firstWarn", async () => {
    const { facts } = await factsOf("g:1:2 [0] INFO comm 0x7fa4 rank 0 nranks 2\ng:1:3 [0] include/socket.h:360 WARN Call to connect failed : Connection timed out");
    expect(facts.nccl.firstWarn).toBeNull();
    expect(facts.firstError?.line).toBe(2);
    expect(facts.nccl.ranks).toBe(1);
  });

  it("joins NCCL ranks to vLLM/Ray processes by pid: node address and parallel coordinates", async () => {
    const { facts } = await factsOf([
      "(RayWorkerWrapper pid=539, ip=10.0.0.7) INFO 10-27 07:48:16 pynccl.py:63] vLLM is using nccl==2.20.5",
      "(Worker_PP1_TP0 pid=539) INFO 10-27 07:48:17 worker.py:1] ready",
      "(RayWorkerWrapper pid=539, ip=10.0.0.7) NCCL INFO comm 0x2fa8 rank 4 nranks 8 cudaDev 0 nvmlDev 0 busId ca000 commId 0xaa - Init START",
    ].join("\n"));
    const r = facts.nccl.rankMap.find((x) => x.rank === 4)!;
    // no NCCL host prefix: the process is known by the node address Ray gave it
    expect(r).toMatchObject({ host: "10.0.0.7", ip: "10.0.0.7", pp: 1, tp: 0, comm: "0xaa" });
    expect(facts.nccl.version).toBe("2.20.5");
    expect(facts.nccl.nodes).toBe(1);
    expect(facts.nccl.workerIps).toEqual(["10.0.0.7"]);
    expect(facts.nccl.multiNode).toBe(true);
  });

  it("states of two inputs merge to the state of both read together", async () => {
    const lines = TWO_NODES.split("\n");
    const a = await analyzeSource(memorySource("a.log", lines.slice(0, 10).join("\n")), 0);
    const b = await analyzeSource(memorySource("b.log", lines.slice(10).join("\n")), 0);
    const merged = finalizeFacts(mergeStates(mergeStates(initState(), a.state), b.state)).nccl;
    expect(merged.transports["NET/Socket"]).toBe(3);
    expect(merged.ranks).toBe(4);
    expect(merged.nodePairs.map((p) => `${p.a}-${p.b}`)).toEqual(["nodeA-nodeA", "nodeA-nodeB", "nodeB-nodeB"]);
  });

  it("no NCCL lines: null facts, all ten kinds at 0, and a missing entry saying how to get them", async () => {
    const { facts } = await factsOf("INFO 10-27 07:48:16 llm_engine.py:1] hello");
    expect(facts.nccl.ranks).toBeNull();
    expect(Object.values(facts.nccl.transports)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(facts.missing.find((m) => m.fact === "nccl.transports")?.howToGet).toMatch(/NCCL_DEBUG=INFO/);
  });
});

describe("glued records", () => {
  it("splits terminal-padded records glued on one line", () => {
    const line = "[1,0]<stdout>:h:1:2 [0] init.cc:748 NCCL WARN Duplicate GPU detected : rank 0 and rank 1 both on CUDA device 3b000" + " ".repeat(20) + "[1,0]<stdout>:h:1:2 [0] NCCL INFO init.cc:1309 -> 5" + " ".repeat(30);
    const parts = splitPhysicalLine(line);
    expect(parts).toHaveLength(2);
    expect(parts[1].startsWith("[1,0]<stdout>:h:1:2 [0] NCCL INFO init.cc:1309 -> 5")).toBe(true);
  });

  it("splits a cut NCCL record from the record glued after it", () => {
    expect(splitPhysicalLine("h:1:2 [2] NCCL INFO Channel 04/0 : 2[2] -> 1[1] vERROR")).toEqual(["h:1:2 [2] NCCL INFO Channel 04/0 : 2[2] -> 1[1] v", "ERROR"]);
    expect(splitPhysicalLine("h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2(APIServer pid=12) INFO 05-01 10:00:00 api.py:1] up")).toHaveLength(2);
    expect(splitPhysicalLine("h:1:2 [0] NCCL WARN NET/OFI Couldn't open AV. RC: -22, ERROR: Invalid argument")).toHaveLength(1);
  });

  it("counts each glued connection and keeps the physical line number", async () => {
    const pad = " ".repeat(12);
    const { facts, events } = await factsOf(`(RayWorker pid=7) h:7:8 [3] NCCL INFO Channel 05/0 : 3[af000] -> 0[18000] via P2P/IPC${pad}(RayWorker pid=7) h:7:8 [3] NCCL INFO Channel 07/0 : 3[af000] -> 0[18000] via P2P/IPC`);
    expect(facts.nccl.transports["P2P/IPC"]).toBe(2);
    expect(events.filter((e) => e.kind === "nccl.connection").map((e) => e.ev.line)).toEqual([1, 1]);
  });
});
