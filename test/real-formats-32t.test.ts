import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a round of real NCCL_DEBUG=INFO pastes (the connection answer: network, GDR, P2P, per-pair transports)
 * that the tool read short: SGLang's copy of pynccl's version line, NCCL_P2P_LEVEL=LOC (P2P off by its level),
 * aws-ofi-nccl turning GPU Direct RDMA off, and a paste of intra-node connection lines only, whose verdict said no
 * NCCL fact was recognised. Every text is written for the test in the printed layout (NCCL's `host:pid:tid [dev] NCCL
 * INFO …`, SGLang's `[date TPn] …`); the collectors' wrappers (test/helpers/variants.ts) must not change the answer.
 */

const reportsOf = (lines: string[], opts: { compose?: boolean } = {}) => Promise.all(variants(lines, opts).map((text) => analyzeText(text + "\n")));

describe("pynccl's `is using nccl==` line as SGLang and newer vLLM print it", () => {
  it("SGLang's scheduler line gives the NCCL version, and the log stays SGLang's", async () => {
    const lines = [
      "[2026-01-12 03:14:15 TP0] Init torch distributed begin.",
      "[2026-01-12 03:14:17 TP3] sglang is using nccl==2.27.3",
      "gpu-node-7:4101:4101 [3] NCCL INFO Bootstrap : Using eth0:10.8.0.7<0>",
    ];
    for (const r of await reportsOf(lines, { compose: true })) {
      expect(r.facts.nccl.version).toBe("2.27.3");
      expect(r.facts.sources["nccl.version"]?.line).toBe(2);
      expect(r.facts.vllm.version).toBeNull();
    }
  });

  it("sglang-diffusion's line and vLLM's `(via nccl4py)` form too", async () => {
    const diffusion = await analyzeText("[2026-02-01 10:00:00 TP1] sglang-diffusion is using nccl==2.26.2\n");
    expect(diffusion.facts.nccl.version).toBe("2.26.2");
    const v = await analyzeText("(Worker_TP0 pid=812) INFO 03-02 09:11:12 [pynccl.py:101] vLLM is using nccl==2.28.9 (via nccl4py)\n");
    expect(v.facts.nccl.version).toBe("2.28.9");
  });

  it("a line that only mentions a package pin is no version", async () => {
    const r = await analyzeText("pip install sglang==0.4.9 nvidia-nccl-cu12==2.27.3\n");
    expect(r.facts.nccl.version).toBeNull();
  });
});

describe("NCCL_P2P_LEVEL=LOC turns P2P off between GPUs (graph/paths.cc ncclGetLevel)", () => {
  const node = (level: string) => [
    "trainer-3:5120:5120 [0] NCCL INFO cudaDriverVersion 12040",
    "trainer-3:5120:5188 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.",
    `trainer-3:5120:5188 [0] NCCL INFO NCCL_P2P_LEVEL set by environment to ${level}`,
    "trainer-3:5121:5190 [1] NCCL INFO Using network Socket",
  ];

  it("the ≥2.5 form names the level: LOC is P2P off, with the env line as evidence", async () => {
    for (const r of await reportsOf(node("LOC"), { compose: true })) {
      expect(ids(r)).toContain("nccl/p2p-disabled");
      const f = r.findings.find((x) => x.ruleId === "nccl/p2p-disabled")!;
      expect(f.severity).toBe("warning");
      expect(f.message).toMatch(/NCCL_P2P_LEVEL=LOC is set/);
      expect(f.evidence.map((e) => e.line)).toContain(3);
      expect(f.remediation[0]).toMatch(/Unset NCCL_P2P_LEVEL/);
    }
  });

  it("NCCL 2.4 prints the number (`to 0.`): P2P off too", async () => {
    const r = await analyzeText(node("0.").join("\n") + "\n");
    expect(ids(r)).toContain("nccl/p2p-disabled");
  });

  it("a level that lets P2P through (NVL, PIX, SYS) is not P2P off", async () => {
    for (const level of ["NVL", "PIX", "SYS"]) {
      const r = await analyzeText(node(level).join("\n") + "\n");
      expect(ids(r)).not.toContain("nccl/p2p-disabled");
    }
  });
});

describe("aws-ofi-nccl turning GPU Direct RDMA off", () => {
  const init = [
    "ip-10-1-2-3:711:790 [0] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.9.1-aws",
    "ip-10-1-2-3:711:790 [0] NCCL INFO NET/OFI Selected Provider is efa (found 1 nics)",
    "ip-10-1-2-3:711:790 [0] NCCL INFO NET/OFI Could not disable CUDA API usage for HMEM, disabling GDR",
    "ip-10-1-2-3:711:790 [0] NCCL INFO NET/OFI Setting NCCL_PROTO to \"simple\"",
    "ip-10-1-2-3:711:790 [0] NCCL INFO comm 0x3a1f0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1e0 commId 0x77aa - Init START",
  ];

  it("the INFO line says GDR is off (nccl.gdr false, its line the source), the network OFI", async () => {
    for (const r of await reportsOf(init)) {
      expect(r.facts.nccl.gdr).toBe(false);
      expect(r.facts.sources["nccl.gdr"]?.line).toBe(3);
      expect(r.facts.nccl.net).toBe("OFI");
    }
  });

  it("also with no host prefix (` [0] NCCL INFO NET/OFI …`) and behind mpirun's tag", async () => {
    const bare = await analyzeText(init.map((l) => l.replace(/^\S+ /, " ")).join("\n") + "\n");
    expect(bare.facts.nccl.gdr).toBe(false);
    const tagged = await analyzeText(init.map((l) => `[1,0]<stdout>:${l}`).join("\n") + "\n");
    expect(tagged.facts.nccl.gdr).toBe(false);
  });

  it("connection lines decide: `/GDRDMA` on them says GDR is on whatever a device line said", async () => {
    const r = await analyzeText(
      [...init, "ip-10-1-2-3:711:790 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/AWS Libfabric/0/GDRDMA"].join("\n") + "\n",
    );
    expect(r.facts.nccl.gdr).toBe(true);
  });

  it("an OFI line about something else says nothing of GDR", async () => {
    const r = await analyzeText(init.filter((l) => !l.includes("disabling GDR")).join("\n") + "\n");
    expect(r.facts.nccl.gdr).toBeNull();
  });
});

describe("a paste of intra-node connection lines only (no network named): the verdict names the transports", () => {
  it("P2P/direct pointer lines of one process (2.7-era `Channel 00 : a[busid] -> b[busid]`)", async () => {
    const lines = [
      "dgx-a:9001:9050 [0] NCCL INFO Channel 00 : 0[7000] -> 1[b000] via P2P/direct pointer",
      "dgx-a:9001:9051 [1] NCCL INFO Channel 00 : 1[b000] -> 2[48000] via P2P/direct pointer",
      "dgx-a:9001:9052 [2] NCCL INFO Channel 00 : 2[48000] -> 0[7000] via P2P/direct pointer",
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.verdict).toBe("Healthy: NCCL via P2P/direct, 3 ranks on 1 node.");
      expect(r.facts.nccl.transports["P2P/direct"]).toBe(3);
    }
  });

  it("SHM and P2P/IPC lines of the 2.1x form name both kinds, the most used first", async () => {
    const r = await analyzeText(
      [
        "box:300:340 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via SHM/direct/direct",
        "box:300:340 [1] NCCL INFO Channel 01 : 1[1] -> 0[0] via SHM/direct/direct",
        "box:301:341 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC/read",
      ].join("\n") + "\n",
    );
    expect(r.verdict).toBe("Healthy: NCCL via SHM and P2P/IPC, 2 ranks on 1 node.");
  });

  it("a named network is still what the verdict names (`over IB`)", async () => {
    const r = await analyzeText(
      [
        "n1:10:20 [0] NCCL INFO Using network IB",
        "n1:10:20 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      ].join("\n") + "\n",
    );
    expect(r.verdict).toMatch(/^Healthy: NCCL over IB, 2 ranks/);
    expect(r.verdict).not.toMatch(/via P2P/);
  });
});

describe("the rank map of a process that drives several GPUs (one thread per GPU, `-g 2`)", () => {
  const init = (host: string, pid: number, tid: number, dev: number, rank: number, busId: string, commPtr: string, commId: string, nranks: number) =>
    `${host}:${pid}:${tid} [${dev}] NCCL INFO comm ${commPtr} rank ${rank} nranks ${nranks} cudaDev ${dev} nvmlDev ${dev} busId ${busId} commId ${commId} - Init START`;

  it("lists every rank with its own device and bus id, on each of two hosts", async () => {
    const lines = [
      init("gpu-a", 4410, 4421, 0, 0, "1b000", "0x55d1c0a0", "0x9f31c2d4e5a6b7c8", 4),
      init("gpu-a", 4410, 4422, 1, 1, "3d000", "0x55d1c0b0", "0x9f31c2d4e5a6b7c8", 4),
      init("gpu-b", 7702, 7711, 0, 2, "1b000", "0x5611a0c0", "0x9f31c2d4e5a6b7c8", 4),
      init("gpu-b", 7702, 7712, 1, 3, "3d000", "0x5611a0d0", "0x9f31c2d4e5a6b7c8", 4),
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.nccl.rankMap.map((e) => [e.rank, e.host, e.pid, e.device, e.busId])).toEqual([
        [0, "gpu-a", 4410, 0, "1b000"],
        [1, "gpu-a", 4410, 1, "3d000"],
        [2, "gpu-b", 7702, 0, "1b000"],
        [3, "gpu-b", 7702, 1, "3d000"],
      ]);
      expect(r.facts.nccl.ranks).toBe(4);
    }
  });

  it("a process of one GPU in two communicators (world and a TP group) is still listed once, by its world rank", async () => {
    // (pid, tid, device and rank, busId, comm pointer, commId, size): the world communicator, then each process's own
    const comms: [number, number, number, number, string, string, string, number][] = [
      [510, 530, 0, 0, "18000", "0x7f01", "0xaaaa000000000001", 2],
      [511, 531, 1, 1, "2a000", "0x7f02", "0xaaaa000000000001", 2],
      [510, 540, 0, 0, "18000", "0x7f03", "0xbbbb000000000002", 1],
      [511, 541, 1, 0, "2a000", "0x7f04", "0xcccc000000000003", 1],
    ];
    const r = await analyzeText(comms.map((c) => init("node-1", ...c)).join("\n") + "\n");
    expect(r.facts.nccl.rankMap.map((e) => [e.rank, e.pid, e.device, e.comm])).toEqual([
      [0, 510, 0, "0xaaaa000000000001"],
      [1, 511, 1, "0xaaaa000000000001"],
    ]);
  });
});

describe("P2P/MNNVL: NVLink between the hosts of one NVLink domain (GB200 NVL72), which NCCL counts as one node", () => {
  const lines = [
    "nvl-a:500:520 [0] NCCL INFO comm 0x5500 rank 0 nRanks 8 nNodes 1 localRanks 8 localRank 0 MNNVL 1",
    "nvl-b:700:720 [0] NCCL INFO comm 0x7700 rank 4 nRanks 8 nNodes 1 localRanks 8 localRank 4 MNNVL 1",
    "nvl-a:503:523 [3] NCCL INFO Channel 00/0 : 3[3] -> 4[0] via P2P/MNNVL",
    "nvl-a:503:523 [3] NCCL INFO Channel 01/0 : 3[3] -> 4[0] via P2P/MNNVL/read",
    "nvl-b:707:727 [3] NCCL INFO Channel 00/0 : 7[3] -> 0[0] via P2P/MNNVL",
    "nvl-a:500:520 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/MNNVL",
  ];

  it("a hop whose two ranks are on two hosts is inter-node; one whose far rank's host is unknown stays in its node", async () => {
    for (const r of await reportsOf(lines)) {
      const n = r.facts.nccl;
      expect(n.transports["P2P/MNNVL"]).toBe(4);
      expect(n.interNode).toEqual({ "P2P/MNNVL": 3 });
      expect(n.intraNode).toEqual({ "P2P/MNNVL": 1 });
      expect(n.nodePairs.find((p) => p.scope === "inter")).toMatchObject({ a: "nvl-a", b: "nvl-b", kinds: { "P2P/MNNVL": 3 } });
      expect(n.nodes).toBe(2);
      expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
    }
  });

  it("other P2P kinds between ranks printed on two hosts stay intra-node (P2P never leaves a host)", async () => {
    const r = await analyzeText(lines.map((l) => l.replace("P2P/MNNVL", "P2P/CUMEM")).join("\n") + "\n");
    expect(r.facts.nccl.interNode).toEqual({});
  });
});

describe("an HCA NCCL could not open is skipped, not a failure (ncclIbInit: `Unable to open device`, then `continue`)", () => {
  const head = (host: string) => [
    `${host}:4100:4100 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 0.`,
    `${host}:4100:4100 [0] misc/ibvwrap.cc:212 NCCL WARN Call to ibv_open_device failed`,
    `${host}:4100:4100 [0] transport/net_ib.cc:148 NCCL WARN NET/IB : Unable to open device mlx5_bond_3`,
    `${host}:4100:4100 [0] NCCL INFO NET/IB : No device found.`,
  ];
  const went = (host: string) => [`${host}:4100:4100 [0] NCCL INFO NET/Socket : Using [0]bond0:10.20.0.5<0>`, `${host}:4100:4100 [0] NCCL INFO Using network Socket`];

  it("NCCL going on with sockets makes both WARNs recovered: no nccl/ib-error, the first one still the first error", async () => {
    for (const r of await reportsOf([...head("trn-01"), ...went("trn-01")])) {
      expect(ids(r)).not.toContain("nccl/ib-error");
      expect(r.facts.recovered?.map((x) => [x.kind, x.failure.line, x.by.line])).toEqual([
        ["error-return", 2, 6],
        ["error-return", 3, 6],
      ]);
      expect(r.facts.firstError?.line).toBe(2);
      // (no failure, but the IB device's WARN and no Init COMPLETE: no sign of health either)
      expect(r.verdict).toMatch(/^No failure in the log, which shows warnings and no sign the run worked \(.*\): NCCL over Socket\. First warning at \S+:2: /);
    }
  });

  it("with the host prefixes stripped by the user, too", async () => {
    const r = await analyzeText([...head("x"), ...went("x")].map((l) => l.replace(/^x:4100:4100 \[0\] /, "")).join("\n") + "\n");
    expect(ids(r)).not.toContain("nccl/ib-error");
    expect(r.facts.recovered?.length).toBe(2);
  });

  it("on a multi-node run the socket fallback names the device NCCL could not open", async () => {
    const r = await analyzeText(
      [...head("trn-01"), ...went("trn-01"), "trn-01:4100:4170 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0", "trn-02:5200:5270 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [receive] via NET/Socket/0"].join("\n") + "\n",
    );
    const f = r.findings.find((x) => x.ruleId === "nccl/socket-fallback")!;
    expect(f.message).toContain("NCCL could not open the RDMA device mlx5_bond_3 (ibv_open_device failed)");
    expect(f.evidence.map((e) => e.line)).toContain(2);
    expect(ids(r)).not.toContain("nccl/ib-error");
  });

  it("a log that ends before NCCL went on keeps it an InfiniBand failure", async () => {
    const r = await analyzeText(head("trn-01").slice(0, 3).join("\n") + "\n");
    expect(ids(r)).toContain("nccl/ib-error");
  });
});
