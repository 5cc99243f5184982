import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes met in a twenty-eighth round of real logs, of runs that span several nodes or several communicators: Ray
 * workers on other nodes whose NCCL lines carry the same host name and pid as a process of the driver's node
 * (identical containers number their processes alike, and keep one image's host name), child communicators
 * (ncclCommShrink, TP/PP groups) whose ranks are renumbered from 0, and NET transports of plugins outside the fixed
 * kinds (UCX). Every log text is written for the test, in the format's shape, with variants the threads did not show.
 */

describe("two Ray nodes whose workers print one host name and one pid", () => {
  // the driver's node prints its worker without `ip=`, the other node's worker with it: same name, same pid
  const v0 = (ip: string | null, l: string) => (ip ? `(RayWorkerWrapper pid=245, ip=${ip}) ${l}` : l);
  const v1 = (ip: string | null, l: string) => `(EngineCore_DP0 pid=88) (RayWorkerWrapper pid=301${ip ? `, ip=${ip}` : ""}) ${l}`;
  const run = (wrap: (ip: string | null, l: string) => string, pid: number, net: "Socket" | "IB", suffix: string) => {
    const a = "10.0.0.11", b = "10.0.0.12";
    const p = `node:${pid}:${pid} [0] NCCL INFO`;
    const via = net === "Socket" ? "NET/Socket/0" : "NET/IB/0/GDRDMA";
    const using = (ip: string) => (net === "Socket" ? `NET/Socket : Using [0]eth0:${ip}<0>` : `NET/IB : Using [0]mlx5_0:1/IB [RO]; OOB eth0:${ip}<0>`);
    return [
      wrap(null, `${p} Bootstrap : Using eth0:${a}<0>`),
      wrap(b, `${p} Bootstrap : Using eth0:${b}<0>`),
      wrap(null, `${p} ${using(a)}`),
      wrap(b, `${p} ${using(b)}`),
      wrap(null, `${p} Using network ${net}`),
      wrap(null, `${p} ncclCommInitRank comm 0x55a1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xabc - Init START`),
      wrap(b, `${p} ncclCommInitRank comm 0x55b2 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xabc - Init START`),
      wrap(null, `${p} Channel 00/0 : 1[0] -> 0[0] [receive] via ${via}${suffix}`),
      wrap(null, `${p} Channel 00/0 : 0[0] -> 1[0] [send] via ${via}${suffix}`),
      wrap(b, `${p} Channel 00/0 : 0[0] -> 1[0] [receive] via ${via}${suffix}`),
      wrap(b, `${p} Channel 00/0 : 1[0] -> 0[0] [send] via ${via}${suffix}`),
      wrap(null, `${p} ncclCommInitRank comm 0x55a1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xabc - Init COMPLETE`),
      wrap(b, `${p} ncclCommInitRank comm 0x55b2 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xabc - Init COMPLETE`),
    ];
  };

  it("judges the connections inter-node (no P2P warning), over sockets and over IB, V0 and V1 prefixes, in every wrapper", async () => {
    const cases = [
      { lines: run(v0, 245, "Socket", ""), kind: "NET/Socket" },
      { lines: run(v1, 301, "IB", " comm 0x55a1 nRanks 02"), kind: "NET/IB/GDRDMA" },
    ];
    for (const { lines, kind } of cases)
      for (const text of variants(lines, { compose: true })) {
        const r = await analyzeText(text + "\n");
        const what = `${kind} ${JSON.stringify(text.slice(0, 70))}`;
        const n = r.facts.nccl;
        expect(n.transports[kind], what).toBe(4);
        expect(n.interNode, what).toEqual({ [kind]: 4 });
        expect(n.intraNode, what).toEqual({});
        expect(n.netWithinHost, what).toBe(0);
        expect(n.ranks, what).toBe(2);
        // the names as written count the hosts (corpus NOTES.md); the one name stands for two machines
        expect(n.nodes, what).toBe(1);
        expect(n.namesakes, what).toEqual([{ host: "node", machines: ["node@10.0.0.11", "node@10.0.0.12"] }]);
        expect(ids(r), what).not.toContain("nccl/p2p-disabled");
        if (kind === "NET/Socket") expect(ids(r), what).toContain("nccl/socket-fallback");
        else expect(ids(r, "error"), what).toEqual([]);
      }
  });
});

describe("TP groups inside each node and a PP group across them, Ray workers of one name and one pid set on both nodes", () => {
  // V1 under Ray: the head node's workers print no `ip=`; both nodes' containers are `ubuntu` with pids 301, 302
  const line = (ip: string | null, pid: number, t: string) => `(EngineCore_DP0 pid=88) (RayWorkerWrapper pid=${pid}${ip ? `, ip=${ip}` : ""}) ubuntu:${pid}:${pid} [${pid - 301}] NCCL INFO ${t}`;
  const lines: string[] = [];
  for (const [ip, comm] of [[null, "11"], ["10.9.0.2", "22"]] as const) {
    for (const pid of [301, 302]) lines.push(line(ip, pid, `ncclCommInitRank comm 0x${comm}${pid} rank ${pid - 301} nranks 2 cudaDev ${pid - 301} nvmlDev ${pid - 301} busId ${pid - 300}000 commId 0x${comm} - Init START`));
    lines.push(line(ip, 301, "Channel 00/0 : 0[0] -> 1[1] via P2P/IPC"), line(ip, 302, "Channel 00/0 : 1[1] -> 0[0] via P2P/IPC"));
  }
  lines.push(
    line(null, 301, "ncclCommInitRank comm 0xc301 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x33 - Init START"),
    line("10.9.0.2", 301, "ncclCommInitRank comm 0xd301 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x33 - Init START"),
    line(null, 301, "Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IB/0/GDRDMA"),
    line("10.9.0.2", 301, "Channel 00/0 : 0[0] -> 1[0] [receive] via NET/IB/0/GDRDMA"),
  );

  it("keeps each TP group on its node and the PP group's IB links inter-node, with no P2P warning, in every wrapper", async () => {
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 70));
      const n = r.facts.nccl;
      expect(n.intraNode, what).toEqual({ "P2P/IPC": 4 });
      expect(n.interNode, what).toEqual({ "NET/IB/GDRDMA": 2 });
      expect(n.netWithinHost, what).toBe(0);
      // three communicators, each numbering its ranks from 0: the log shows ranks 0 and 1
      expect(n.ranks, what).toBe(2);
      expect(n.gdr, what).toBe(true);
      expect(n.namesakes.map((x) => x.machines.length), what).toEqual([2]);
      expect(ids(r), what).not.toContain("nccl/p2p-disabled");
      expect(ids(r, "error"), what).toEqual([]);
    }
  });
});

describe("torchrun on two nodes in identical containers: one host name, one pid, two bootstrap addresses", () => {
  const node = (n: 0 | 1) => [
    `trainer:78:78 [0] NCCL INFO Bootstrap : Using eth0:10.1.0.1${n}<0>`,
    `trainer:78:78 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [RO]; OOB eth0:10.1.0.1${n}<0>`,
    "trainer:78:78 [0] NCCL INFO Using network IB",
    `trainer:78:90 [0] NCCL INFO comm 0x5a0${n} rank ${n} nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
    `trainer:78:90 [0] NCCL INFO Channel 00/0 : ${1 - n}[0] -> ${n}[0] [receive] via NET/IB/0/GDRDMA`,
    `trainer:78:90 [0] NCCL INFO Channel 00/0 : ${n}[0] -> ${1 - n}[0] [send] via NET/IB/0/GDRDMA`,
    `trainer:78:90 [0] NCCL INFO ncclCommInitRank comm 0x5a0${n} rank ${n} nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0x77 - Init COMPLETE`,
  ];

  it("takes NCCL's `localRanks 1` as the word that each rank is alone on its node: the IB links are inter-node", async () => {
    for (const text of variants([...node(0), ...node(1)], { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 70));
      const n = r.facts.nccl;
      expect(n.interNode, what).toEqual({ "NET/IB/GDRDMA": 4 });
      expect(n.intraNode, what).toEqual({});
      expect(n.netWithinHost, what).toBe(0);
      expect(n.nodes, what).toBe(2); // NCCL's nNodes (the names as written say 1)
      expect(n.ranks, what).toBe(2);
      expect(ids(r), what).not.toContain("nccl/p2p-disabled");
      expect(ids(r, "error"), what).toEqual([]);
    }
  });

  it("still calls NET between two ranks NCCL counts on one node (`localRanks 2`) a connection within the host", async () => {
    const lines = [
      "box:78:90 [0] NCCL INFO comm 0x5a00 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0",
      "box:79:91 [1] NCCL INFO comm 0x5a01 rank 1 nRanks 2 nNodes 1 localRanks 2 localRank 1 MNNVL 0",
      "box:78:90 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] [send] via NET/IB/0/GDRDMA",
      "box:79:91 [1] NCCL INFO Channel 00/0 : 0[0] -> 1[1] [receive] via NET/IB/0/GDRDMA",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.nccl.intraNode).toEqual({ "NET/IB/GDRDMA": 2 });
    expect(r.facts.nccl.netWithinHost).toBe(2);
    expect(ids(r)).toContain("nccl/p2p-disabled");
  });
});

describe("a Ray worker's NCCL lines of which only some kept their `ip=` prefix", () => {
  it("stays one process on one machine (its prefix cut or buried is no second process of the driver's node)", async () => {
    const lines = [
      "(RayWorkerWrapper pid=3590, ip=10.48.4.17) gpu-w:3590:3778 [6] NCCL INFO NET/IB: IbDev 6 Port 1 qpn 2440 set_ece={supported=1}",
      "[... (RayWorkerWrapper pid=3590, ip=10.48.4.17) [0m gpu-w:3590:3799 [2] NCCL INFO Channel 02/0 : 10[2] -> 2[2] [receive] via NET/IB/2/GDRDMA",
      "gpu-w:3590:3799 [2] NCCL INFO Channel 02/0 : 2[2] -> 10[2] [send] via NET/IB/2/GDRDMA",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 70));
      const n = r.facts.nccl;
      expect(n.namesakes, what).toEqual([]);
      expect(n.hosts, what).toEqual(["gpu-w"]);
      expect(n.nodes, what).toBe(1);
      expect(n.interNode, what).toEqual({ "NET/IB/GDRDMA": 2 });
      expect(n.netWithinHost, what).toBe(0);
    }
  });
});

describe("a child communicator (ncclCommShrink / ncclCommSplit) renumbering its parent's ranks", () => {
  // the parent: ranks 0,1 on hostA, 2,3 on hostB; the child: hostB's two GPUs as ranks 0,1 (no commId printed)
  const parent = (h: string, pid: number, r: number, dev: number) => [
    `${h}:${pid}:${pid} [${dev}] NCCL INFO [Rank ${r}] ncclCommInitRank comm 0x7a${r}0 rank ${r} nranks 4 cudaDev ${dev} nvmlDev ${dev} busId ${dev}9000 commId 0xabc123 - Init START`,
    `${h}:${pid}:${pid} [${dev}] NCCL INFO comm 0x7a${r}0 rank ${r} nRanks 4 nNodes 2 localRanks 2 localRank ${dev} MNNVL 0`,
  ];
  const child = (form: "shrink" | "split", pid: number, r: number, dev: number, phase: string) =>
    form === "shrink"
      ? `hostB:${pid}:${pid} [${dev}] NCCL INFO ncclCommShrink comm 0x9c${r}0 rank ${r} nranks 2 cudaDev ${dev} nvmlDev ${dev} busId ${dev}9000 parent 0x7a${r + 2}0 childCount 0 color 0 key ${r + 2}- Init ${phase}`
      : `hostB:${pid}:${pid} [${dev}] NCCL INFO ncclCommSplit comm 0x9c${r}0 rank ${r} nranks 2 cudaDev ${dev} nvmlDev ${dev} busId ${dev}9000 parent 0x7a${r + 2}0 splitCount 1 color 7 key ${r} - Init ${phase}`;
  const run = (form: "shrink" | "split") => [
    ...parent("hostA", 100, 0, 0), ...parent("hostA", 101, 1, 1), ...parent("hostB", 200, 2, 0), ...parent("hostB", 201, 3, 1),
    "hostA:100:100 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via P2P/IPC",
    "hostA:101:101 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via NET/IB/0/GDRDMA",
    "hostB:200:200 [0] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via NET/IB/0/GDRDMA",
    "hostB:200:200 [0] NCCL INFO Channel 00 : 2[0] -> 3[1] via P2P/IPC",
    "hostB:201:201 [1] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [send] via NET/IB/0/GDRDMA",
    "hostA:100:100 [0] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [receive] via NET/IB/0/GDRDMA",
    child(form, 200, 0, 0, "START"), child(form, 201, 1, 1, "START"),
    "hostB:200:200 [0] NCCL INFO comm 0x9c00 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0",
    "hostB:200:200 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via P2P/IPC",
    "hostB:201:201 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via P2P/IPC",
    child(form, 200, 0, 0, "COMPLETE"), child(form, 201, 1, 1, "COMPLETE"),
  ];

  it("is its own communicator on the one host, and leaves the parent's ranks where they are, in every wrapper", async () => {
    for (const form of ["shrink", "split"] as const)
      for (const text of variants(run(form), { compose: true })) {
        const r = await analyzeText(text + "\n");
        const what = `${form} ${JSON.stringify(text.slice(0, 70))}`;
        const n = r.facts.nccl;
        expect(n.communicatorCount, what).toBe(2);
        const [world, kid] = n.communicators;
        expect(world.id, what).toBe("0xabc123");
        expect(world.hosts, what).toEqual(["hostA", "hostB"]);
        expect(world.interNode, what).toEqual({ "NET/IB/GDRDMA": 4 });
        expect(kid.id, what).toBe(`0xabc123/${form === "shrink" ? 0 : 7}`);
        expect([kid.nranks, kid.nNodes, kid.hosts], what).toEqual([2, 1, ["hostB"]]);
        expect(kid.transports, what).toEqual({ "P2P/IPC": 2 });
        expect(n.ranks, what).toBe(4);
        expect(n.nodes, what).toBe(2);
        expect(n.interNode, what).toEqual({ "NET/IB/GDRDMA": 4 });
        expect(n.intraNode, what).toEqual({ "P2P/IPC": 4 });
        // the parent's ranks stay on their hosts (the child's 0 and 1 are hostB's GPUs, not hostA's ranks 0 and 1)
        const world0 = n.rankMap.find((e) => e.comm === "0xabc123" && e.rank === 0);
        expect(world0?.host, what).toBe("hostA");
        expect(ids(r, "error"), what).toEqual([]);
      }
  });
});

describe("children of one split whose parent's lines are not in the paste", () => {
  it("meet by colour and size: one communicator for the processes of one colour, one per colour", async () => {
    const lines = [
      "gpu-a:33:90 [0] NCCL INFO bootstrapSplit: comm 0x7fd77cf70b90 parent 0xd809c70 rank 2 nranks 8 color -934961569 key 2 prev 1 next 3 - DONE",
      "gpu-a:38:95 [5] NCCL INFO bootstrapSplit: comm 0x7feb50f56ae0 parent 0xe1f0120 rank 7 nranks 8 color -934961569 key 7 prev 6 next 0 - DONE",
      "gpu-a:40:97 [6] NCCL INFO ncclCommSplit comm 0x7f0000001000 rank 0 nranks 2 cudaDev 6 nvmlDev 6 busId c1000 parent 0xe2f0000 splitCount 1 color 923304772 key 0- Init START",
      "gpu-a:41:98 [7] NCCL INFO ncclCommSplit comm 0x7f0000002000 rank 0 nranks 2 cudaDev 7 nvmlDev 7 busId c2000 parent 0xe3f0000 splitCount 1 color 1449462471 key 0- Init START",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 70));
      const ids_ = r.facts.nccl.communicators.map((c) => c.id).sort();
      expect(ids_, what).toEqual(["split/-934961569/8", "split/1449462471/2", "split/923304772/2"]);
      // the rank numbers shown: 2 and 7 of the 8-rank child, 0 of each 2-rank one
      expect(r.facts.nccl.ranks, what).toBe(3);
    }
  });
});
