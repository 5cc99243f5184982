import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70tr of real logs: NCCL's debug subsystems beyond the INIT lines (NCCL_DEBUG_SUBSYS=COLL, P2P,
 * GRAPH, TUNING, PROXY, NET, and TRACE builds). The tool read all of them right at first sight; these cases hold that:
 *  - COLL/P2P call lines (`AllReduce: opCount ... [nranks=N] stream ...`, `Send:`/`Recv:`) name hosts but no rank id:
 *    `[nranks=N]` is a size and `root N` an argument;
 *  - GRAPH and topology dumps (`=== System : maxBw ...` / 2.7-era `maxWidth`, `+ NET[50.0] - NET/0-c (...)`,
 *    `GPU/0-68000 (8)`, `Pattern 4, crossNic 0, ...`, ` 0 : NET/0 GPU/0 ... NET/0`, path lines `NET/3 :GPU/2000 (...)`)
 *    invent no network, transport or rank;
 *  - TUNING tables (2.6-era `Latency/AlgBw |` and newer `Algorithm |`/`Protocol |` headers, `N Bytes -> Algo A proto P`)
 *    and TRACE/CALL lines invent nothing;
 *  - PROXY chatter (`proxyProgressAsync opId=`, `New proxy send connection N from local rank R, transport T`) between
 *    connection lines: only the connection lines count;
 *  - a net plugin's `NET/FastSocket : GPU Direct RDMA Disabled for HCA` names the network and says gdr false, with no
 *    InfiniBand finding;
 *  - records whose NCCL hostname is empty (`:168:1228 [2] NCCL INFO`) behind a collector's `<date> <time> host >> `:
 *    connections and ranks count, nodes stays unknown.
 * Every log text here is written for the test in the printed layout; each case is read plain (LF) and behind wrappers
 * (kubectl --timestamps with CRLF, docker compose, a Ray worker prefix).
 */

const WRAPS: [string, (l: string) => string, string][] = [
  ["plain", (l) => l, "\n"],
  ["plain CRLF", (l) => l, "\r\n"],
  ["kubectl --timestamps CRLF", (l) => `2026-12-07T01:40:11.518302114Z ${l}`, "\r\n"],
  ["docker compose", (l) => `trainer-1  | ${l}`, "\n"],
];

async function eachWrap(lines: string[], check: (r: Report, at: string) => void, wraps = WRAPS): Promise<void> {
  for (const [name, wrap, eol] of wraps) check(await analyzeText(lines.map(wrap).join(eol) + eol), name);
}

const used = (r: Report) => Object.fromEntries(Object.entries(r.facts.nccl.transports ?? {}).filter(([, n]) => n));

function nothingInvented(r: Report, at: string): void {
  expect(r.facts.nccl.ranks, at).toBeNull();
  expect(r.facts.nccl.net, at).toBeNull();
  expect(r.facts.nccl.gdr, at).toBeNull();
  expect(r.facts.nccl.ibHcas, at).toBeNull();
  expect(r.facts.nccl.version, at).toBeNull();
  expect(r.facts.nccl.initComplete, at).toBe(0);
  expect(used(r), at).toEqual({});
  expect(r.facts.firstError, at).toBeNull();
  expect(ids(r), at).toEqual([]);
}

describe("COLL and P2P call lines", () => {
  it("AllReduce lines from four hosts behind Ray's worker prefix: four nodes, no rank, nothing else", async () => {
    const lines = [
      "(TrainWorker pid=411, ip=10.8.1.4) rc-worker-a100-abcde:411:9001 [1] NCCL INFO AllReduce: opCount 2f1 sendbuff 0x7a1000200000 recvbuff 0x7a1000200000 count 5120000 datatype 7 op 0 root 0 comm 0x7a0f00045800 [nranks=64] stream 0x7a1100002000",
      "(TrainWorker pid=1802, ip=10.8.2.4) rc-worker-a100-fghij:1802:9120 [6] NCCL INFO AllReduce: opCount 2f1 sendbuff 0x7f2200200000 recvbuff 0x7f2200200000 count 5120000 datatype 7 op 0 root 0 comm 0x7f21e0e6e000 [nranks=64] stream 0x7f2300004000",
      "(TrainWorker pid=415, ip=10.8.3.4) rc-worker-a100-klmno:415:9004 [3] NCCL INFO AllReduce: opCount 2f2 sendbuff 0x7c5500000000 recvbuff 0x7c5500000000 count 4718592 datatype 7 op 0 root 0 comm 0x7c54a016e000 [nranks=64] stream 0x7c5600006000",
      "(TrainWorker pid=419, ip=10.8.4.4) rc-worker-a100-pqrst:419:9007 [2] NCCL INFO AllReduce: opCount 2f2 sendbuff 0x7d3300000000 recvbuff 0x7d3300000000 count 4718592 datatype 7 op 0 root 0 comm 0x7d32",
    ];
    await eachWrap(lines, (r, at) => {
      nothingInvented(r, at);
      expect(r.facts.nccl.nodes, at).toBe(4);
    });
  });

  it("Send/Recv, AllGather and ReduceScatter from one host, a user's `...` elision and a markdown quote: one node, no rank", async () => {
    const lines = [
      "> node07:52110:52190 [1] NCCL INFO Send: opCount 1a sendbuff 0x7f3a10000000 recvbuff (nil) count 1048576 datatype 7 op 0 root 0 comm 0x7f3b2c002e10 [nranks=2] stream 0x5610aa001000 ",
      "> node07:52110:52190 [1] NCCL INFO Recv: opCount 1a sendbuff (nil) recvbuff 0x7f3a18000000 count 1048576 datatype 7 op 0 root 0 comm 0x7f3b2c002e10 [nranks=2] stream 0x5610aa001000 ",
      "",
      "...",
      "",
      "node07:52109:52188 [0] NCCL INFO AllGather: opCount 1b sendbuff 0x7e0010000000 recvbuff 0x7e0012000000 count 262144 datatype 9 op 0 root 0 comm 0x55aa10bd3200 [nranks=2] stream 0x55aa1067e400",
      "node07:52109:52188 [0] NCCL INFO ReduceScatter: opCount 1c sendbuff 0x7e0014000000 recvbuff 0x7e0016000000 count 262144 datatype 9 op 0 root 0 comm 0x55aa10bd3200 [nranks=2] stream 0x55aa1067e400",
      "node07:52109:52188 [0] NCCL INFO AllReduce: opCount 1d sendbuff 0x7e00180",
    ];
    await eachWrap(lines, (r, at) => {
      nothingInvented(r, at);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });

  it("the call lines between another framework's glog lines: no error, no rank from `on rank N`", async () => {
    const lines = [
      "2026-03-01 10:00:01.100200: I runtime/collectives.cc:210] Acquired clique 0x7f0012 on rank 1",
      "2026-03-01 10:00:01.100300: I runtime/collectives.cc:210] Acquired clique 0x7f0012 on rank 0",
      "edge3:4410:4470 [0] NCCL INFO Recv: opCount 0 sendbuff (nil) recvbuff 0x7f8036000400 count 8 datatype 7 op 0 root 1 comm 0x7f890bd02120 [nranks=2] stream 0x7f89080a4f30",
      "2026-03-01 10:00:01.100400: I runtime/send_recv.cc:88] Send step 4",
      "edge3:4410:4471 [1] NCCL INFO Send: opCount 0 sendbuff 0x7f8034c05500 recvbuff (nil) count 8 datatype 7 op 0 root 0 comm 0x7f76840081a0 [nranks=2] stream 0x7f7684aa1a30",
    ];
    await eachWrap(lines, (r, at) => {
      nothingInvented(r, at);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
});

describe("GRAPH, topology and TUNING dumps invent no fact", () => {
  it("a newer topology dump (`maxBw`, `CPU/0-0`, `NET/0-c (...)`, `GPU/0-68000 (8)`)", async () => {
    const lines = [
      "hx-12:3301:3390 [2] NCCL INFO === System : maxBw 24.0 totalBw 240.0 ===",
      "hx-12:3301:3390 [2] NCCL INFO CPU/0-0 (1/2/-1)",
      "hx-12:3301:3390 [2] NCCL INFO + SYS[10.0] - CPU/0-1",
      "hx-12:3301:3390 [2] NCCL INFO + PCI[24.0] - PCI/0-45000 (1000c0301000100b)",
      "hx-12:3301:3390 [2] NCCL INFO              + PCI[24.0] - NIC/0-47000",
      "hx-12:3301:3390 [2] NCCL INFO                            + NET[25.0] - NET/0-3 (0/7b35a80003a1420c/1/25.000000)",
      "hx-12:3301:3390 [2] NCCL INFO              + PCI[24.0] - GPU/0-48000 (5)",
      "hx-12:3301:3390 [2] NCCL INFO                            + NVL[240.0] - NVS/0-0",
      "hx-12:3301:3390 [2] NCCL INFO",
    ];
    await eachWrap(lines, (r, at) => {
      nothingInvented(r, at);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });

  it("an older dump after libibverbs failed: the data network is Socket, the WARN is the first warning and no error, no finding on one node", async () => {
    const lines = [
      "box2:2210:2210 [0] NCCL INFO Bootstrap : Using ib0:10.40.2.7<0>",
      "box2:2210:2210 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]",
      "box2:2210:2210 [0] NCCL INFO NET/Socket : Using [0]ib0:10.40.2.7<0> [1]ib1:10.41.2.7<0>",
      "box2:2210:2251 [0] NCCL INFO Attribute coll of node net not found",
      "box2:2210:2251 [0] NCCL INFO === System : maxWidth 120.0 totalWidth 120.0 ===",
      "box2:2210:2251 [0] NCCL INFO CPU/0 (1/2/-1)",
      "box2:2210:2251 [0] NCCL INFO + PCI[12.0] - PCI/3000",
      "box2:2210:2251 [0] NCCL INFO               + PCI[12.0] - GPU/5000 (0)",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.firstWarn?.line, at).toBe(2);
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.nccl.ranks, at).toBeNull();
      expect(used(r), at).toEqual({});
      expect(ids(r), at).toEqual([]);
    });
  });

  it("graph search and path lines from two hosts: two nodes, no network, no connection", async () => {
    const lines = [
      "n31:710:720 [0] NCCL INFO NET/1 :GPU/1000 (3/1.250000/PHB) GPU/2000 (4/1.250000/SYS) CPU/0 (2/1.250000/PHB) NET/0 (2/1.250000/LOC) NET/1 (0/5000.000000/LOC) ",
      "n31:710:720 [0] NCCL INFO Pattern 4, crossNic 0, nChannels 2, speed 1.200000/1.200000, type SYS/SYS, sameChannels 0",
      "n32:815:830 [1] NCCL INFO Pattern 4, crossNic 1, nChannels 2, bw 24.000000/24.000000, type NVL/PIX, sameChannels 0",
      "n31:710:720 [0] NCCL INFO  0 : NET/0 GPU/0 GPU/1 NET/0",
      "n32:815:830 [1] NCCL INFO  1 : NET/1 GPU/3 GPU/2 NET/1",
      "n32:815:830 [1] NCCL INFO Tree 0 : -1 -> 2 -> 3/-1/-1",
      "n32:815:830 [1] NCCL INFO Ring 00 : 1 -> 2 -> 3",
      "n31:710:720 [0] NCCL INFO Channel 00/02 :    0   1   2   3",
      "n31:710:720 [0] NCCL INFO Trees [0] 1/-1/-1->0->-1|-1->0->1/-1/-1 [1] 1/-1/-1->0->-1|-1->0->1/-1/-1",
    ];
    await eachWrap(lines, (r, at) => {
      nothingInvented(r, at);
      expect(r.facts.nccl.nodes, at).toBe(2);
    });
  });

  it("tuning tables of both layouts, `Bytes -> Algo` lines, TRACE and CALL lines", async () => {
    const lines = [
      "t4a:1802:1851 [0] NCCL INFO NCCL_ALGO set by environment to Ring",
      "t4a:1802:1851 [0] NCCL INFO Latency/AlgBw |    Tree/    LL |    Tree/ LL128 |    Tree/Simple |    Ring/    LL |    Ring/ LL128 |    Ring/Simple |",
      "t4a:1802:1851 [0] NCCL INFO  Max NThreads |            512 |            640 |            512 |            512 |            640 |            256 |",
      "t4a:1802:1851 [0] NCCL INFO     Broadcast |     0.0/   0.0 |     0.0/   0.0 |     0.0/   0.0 |     6.3/   3.1 |    14.0/   4.0 |    18.0/   9.0 |",
      "t4a:1802:1851 [0] NCCL INFO   Algorithm   |                            Tree                  |                            Ring                  |",
      "t4a:1802:1851 [0] NCCL INFO   Protocol    |             LL |          LL128 |         Simple |             LL |          LL128 |         Simple |",
      "t4a:1802:1851 [0] NCCL INFO     AllReduce |    10.4/   2.1 |    18.9/  20.0 |    52.0/  44.8 |     6.8/   4.4 |    14.2/  12.3 |    32.0/  40.2 |",
      "t4a:1802:1851 [0] NCCL INFO threadThresholds 8/8/64 | 16/8/64 | 512 | 512",
      "t4a:1802:1802 [0] NCCL INFO 1048576 Bytes -> Algo 1 proto 2 time 34.693867",
      "t4a:1802:1851 [0] 12.345678 ncclProxyProgress:812 NCCL TRACE posted 4 received 3 transmitted 3 done 2",
      "t4a:1802:1802 NCCL CALL ncclAllReduce(0x7f0,0x7f0,1024,7,0,0x55d0,0x5600)",
    ];
    await eachWrap(lines, (r, at) => {
      nothingInvented(r, at);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
});

describe("a TRACE build's lines (NCCL_DEBUG=TRACE with `make TRACE=1`) and CALL lines", () => {
  it("init steps, tuning picks, proxy steps and a successful IB completion make no error, network or connection", async () => {
    const lines = [
      "tb-1:5100:5100 NCCL CALL ncclGetUniqueId(0x3c5a1b9e0f)",
      "tb-1:5100:5100 NCCL CALL ncclCommInitRank(0x7ffd2a10, 2, 0x3c5a1b9e0f, 0, 0)",
      "tb-1:5100:5180 [0] 301.442017 ncclCommInitRankFunc:1710 NCCL TRACE comm 0x55d0a0, commHash 3c5a1b9e0f, rank 0 nranks 2 - BEGIN",
      "tb-1:5100:5180 [0] 355.120044 initTransportsRank:1301 NCCL TRACE rank 0 nranks 2 - BUILT 2 TREES/RINGS",
      "tb-1:5100:5100 NCCL CALL ncclAllReduce(7f0a00000000,7f0a00000000,1024,7,0,0,0x55d0a0,0x5600aa)",
      "tb-1:5100:5100 [0] 402.550310 ncclGetAlgoInfo:1601 NCCL TRACE 4096 Bytes -> Algo 1 proto 0 time 12.480000",
      "tb-1:5100:5100 [0] 402.551001 hostStreamPlanTask:1100 NCCL TRACE tunedColl enqueue coll AllReduce(Sum, float, RING, LL), nChannels 2, nThreads 512",
      "tb-1:5100:5190 [0] 403.120001 sendProxyProgress:1102 NCCL TRACE sendProxy [3/1] Isend posted, req 0x7f0a30001000, size 4096, proto 0, myRank 0, channelId 1",
      "tb-1:5100:5190 [0] 403.180044 ncclIbCompletionEventProcess:1222 NCCL TRACE Got completion from peer 10.9.0.2<47122> with status=0 opcode=0 len=4096 wr_id=3 r=0x7f0a30001000 type=0 events={1,0,0,0}, devIndex=0",
      "tb-2:6200:6290 [0] 403.120001 recvProxyProgress:1302 NCCL TRACE recvProxy [3/1] posted recv request 0x7f0b30001000, myRank 1, channelId 1",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.net, at).toBeNull();
      expect(r.facts.nccl.gdr, at).toBeNull();
      expect(used(r), at).toEqual({});
      expect(r.facts.nccl.firstWarn, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r), at).toEqual([]);
    });
  });
});

describe("PROXY chatter between connection lines", () => {
  it("counts the two connection lines and their ranks only, and calls nothing P2P-disabled", async () => {
    const lines = [
      "wk5:7021:7090 [2] NCCL INFO Channel 01 : 2[41000] -> 1[21000] via SHM/direct/direct",
      "wk5:7022:7092 [3] NCCL INFO New proxy send connection 2 from local rank 3, transport 0",
      "wk5:7022:7092 [3] NCCL INFO proxyProgressAsync opId=0x7f99934aa7b0 op.type=1 op.reqBuff=0x7f9984009300 op.respSize=16 done",
      "wk5:7022:7089 [3] NCCL INFO ncclPollProxyResponse Received new opId=0x7f99934aa7b0",
      "wk5:7022:7089 [3] NCCL INFO recvOpId=0x7f99934aa7b0 matches expected opId=0x7f99934aa7b0",
      "wk5:7022:7092 [3] NCCL INFO Received and initiated operation=Init res=0",
      "wk5:7022:7089 [3] NCCL INFO Connection to proxy localRank 3 -> connection 0x7f9984004fc0",
      "wk5:7022:7092 [3] NCCL INFO transport/p2p.cc:204 Cuda Alloc Size 2097152 pointer 0x7f998da00000",
      "wk5:7022:7089 [3] NCCL INFO Channel 01/0 : 3[61000] -> 2[41000] via P2P/IPC",
      "wk5:7022:7092 [3] NCCL INFO New proxy send connection 3 from local rank 3,",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(3);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(used(r), at).toEqual({ SHM: 1, "P2P/IPC": 1 });
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r), at).toEqual([]);
    });
  });

  it("ring-order lines, Trees and a service-thread line with a bare `rank 0` give no rank", async () => {
    const lines = [
      "h9:1387:1395 [0] NCCL INFO Ring 02 : 1 -> 0 -> 7",
      "h9:1387:1395 [0] NCCL INFO Ring 03 : 1 -> 0 -> 7",
      "h9:1387:1395 [0] NCCL INFO Trees [0] 1/-1/-1->0->7 [1] 1/-1/-1->0->7",
      "h9:1387:1395 [0] NCCL INFO P2P Chunksize set to 131072",
      "h9:1387:1395 [0] NCCL INFO UDS: Creating service thread comm 0x5621491aec20 rank 0",
    ];
    await eachWrap(lines, (r, at) => {
      nothingInvented(r, at);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
});

describe("a net plugin's GPU Direct RDMA lines", () => {
  it("`NET/FastSocket : GPU Direct RDMA Disabled for HCA`: net FastSocket, gdr false, no InfiniBand finding", async () => {
    const lines = [
      "gce-a3-1:13878:13953 [0] NCCL INFO Topology detection : could not read /sys/devices/pci0000:00/0000:00:0c.0/max_link_speed, ignoring",
      ...[0, 1, 2, 3].map((i) => `gce-a3-1:13878:13953 [0] NCCL INFO NET/FastSocket : GPU Direct RDMA Disabled for HCA ${i} 'eth${i}'`),
      "gce-a3-1:13878:13953 [0] NCCL INFO NCCL_TOPO_DUMP_FILE set by environment to topo.xml",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.net, at).toBe("FastSocket");
      expect(r.facts.nccl.gdr, at).toBe(false);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r), at).not.toContain("nccl/gdrdma-disabled");
      expect(ids(r), at).toEqual([]);
    });
  });

  it("near miss: the same line from the IB transport still says InfiniBand without GPU Direct RDMA", async () => {
    const r = await analyzeText(
      [
        "ib-1:200:210 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.9.0.1<0>",
        "ib-1:200:210 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'",
        "ib-1:200:230 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IB/0",
        "ib-2:300:310 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [receive] via NET/IB/0",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.nccl.gdr).toBe(false);
    expect(ids(r)).toContain("nccl/gdrdma-disabled");
  });
});

describe("records with an empty NCCL hostname behind a collector's `<date> <time> host >> `", () => {
  const lines = [
    "2026-05-02 09:37:02.216313 node-4 >> :168:1228 [2] NCCL INFO Connected all trees",
    "2026-05-02 09:37:02.25487 node-4 >> :169:1234 [3] NCCL INFO Connected all trees",
    "2026-05-02 09:37:03.463948 node-4 >> [2026-05-02 01:37:03] :166:1226 [0] misc/socket.cc:484 NCCL WARN socketFinalizeAccept: wrong magic 4745542f20485454 != 6a1f3b906d70b9c2",
    "2026-05-02 09:37:14.267026 node-4 >> :166:1835 [0] NCCL INFO Channel 00/0 : 40[0] -> 47[7] via P2P/CUMEM",
    "2026-05-02 09:37:14.28165 node-4 >> :168:1836 [2] NCCL INFO Channel 03/0 : 42[2] -> 50[2] [send] via NET/IBext_v10/10/GDRDMA",
    "2026-05-02 09:37:14.28173 node-4 >> :168:1836 [2] NCCL INFO Channel 11/0 : 42[2] -> 50[2] [send] via NET/IBext_v10/10/GDRDMA",
    "2026-05-02 09:37:14.288816 node-4 >> :",
  ];
  it("connections and ranks count, IB with GDRDMA, the wrong-magic WARN is the first warning and error, nodes unknown", async () => {
    await eachWrap(lines, (r, at) => {
      expect(used(r), at).toEqual({ "P2P/CUMEM": 1, "NET/IB/GDRDMA": 2 });
      expect(r.facts.nccl.ranks, at).toBe(4);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.gdr, at).toBe(true);
      expect(r.facts.nccl.nodes, at).toBeNull();
      expect(r.facts.nccl.firstWarn?.line, at).toBe(3);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toContain("nccl/error");
    });
  });
});
