import { describe, expect, it } from "vitest";
import { evaluateGate, parseGateSpec } from "../src/gate/check.js";
import { renderText } from "../src/report/text.js";
import { clusterMap } from "../src/report/html-cluster.js";
import type { Report } from "../src/facts/schema.js";
import { variants } from "./helpers/variants.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Multi-node runs (round 22, helper h): the inter-node answer (nodes, ranks, per-pair transports, the network) and
 * the CI gate a user sets on it (`--require-transport NET/IB`, `--forbid-transport NET/Socket`). Every log text here
 * is written for the test in the format's shape (other NCCL versions, launcher wrappers, colour, CRLF); the facts,
 * findings and gate verdicts checked are exact.
 */

const gate = (r: Report) => {
  const g = evaluateGate(r, parseGateSpec({ failOn: "none", requireTransport: ["NET/IB"], forbidTransport: ["NET/Socket"] }));
  return Object.fromEntries(g.requirements.filter((q) => q.kind !== "fail-on").map((q) => [q.name, q.passed]));
};

describe("one host name for several machines: processes that bootstrap from different addresses", () => {
  // Pastes are anonymised with one name for every node (`hostname`, `xxx-xxx-xxx-xxx`), and nodes built from one image
  // can keep its host name. NCCL tells nodes apart by host name and boot id; the log shows the difference only in the
  // address each process bootstrapped from.
  const socketRun = (host: string, style: "2.18" | "2.19") => [
    `${host}:2101:2101 [0] NCCL INFO Bootstrap : Using ens3:10.20.0.11<0>`,
    `${host}:2101:2187 [0] NCCL INFO NET/IB : No device found.`,
    `${host}:2101:2187 [0] NCCL INFO NET/Socket : Using [0]ens3:10.20.0.11<0>`,
    `${host}:2101:2187 [0] NCCL INFO Using network Socket`,
    `${host}:5307:5307 [0] NCCL INFO Bootstrap : Using ens3:10.20.0.12<0>`,
    `${host}:5307:5390 [0] NCCL INFO NET/IB : No device found.`,
    `${host}:5307:5390 [0] NCCL INFO NET/Socket : Using [0]ens3:10.20.0.12<0>`,
    `${host}:5307:5390 [0] NCCL INFO Using network Socket`,
    ...(style === "2.19"
      ? [
          `${host}:2101:2187 [0] NCCL INFO comm 0x55d1 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
          `${host}:5307:5390 [0] NCCL INFO comm 0x5602 rank 1 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
        ]
      : []),
    `${host}:2101:2187 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/Socket/0`,
    `${host}:5307:5390 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [receive] via NET/Socket/0`,
    `${host}:2101:2187 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0`,
    `${host}:5307:5390 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/Socket/0`,
    `${host}:2101:2187 [0] NCCL INFO comm 0x55d1 rank 0 nranks 2 cudaDev 0 busId 1b000 - Init COMPLETE`,
    `${host}:5307:5390 [0] NCCL INFO comm 0x5602 rank 1 nranks 2 cudaDev 0 busId 1b000 - Init COMPLETE`,
  ];

  it("a Socket run on two machines named alike fails --forbid-transport NET/Socket, in every wrapper (≤2.18: no nNodes)", async () => {
    for (const text of variants(socketRun("hostname", "2.18"), { compose: true })) {
      const r = await analyzeText(text + "\n");
      const n = r.facts.nccl;
      expect(n.hosts).toEqual(["hostname"]);
      expect(n.nodes).toBe(1); // the names as written
      expect(n.namesakes).toEqual([{ host: "hostname", machines: ["hostname@10.20.0.11", "hostname@10.20.0.12"] }]);
      expect(n.interNode).toEqual({ "NET/Socket": 4 });
      expect(n.intraNode).toEqual({});
      expect(n.netWithinHost).toBe(0);
      expect(n.multiNode).toBe(true);
      expect(n.nodePairs).toEqual([{ a: "hostname@10.20.0.11", b: "hostname@10.20.0.12", scope: "inter", kinds: { "NET/Socket": 4 } }]);
      expect(ids(r)).toEqual(["nccl/socket-fallback"]);
      expect(gate(r)).toEqual({ "require-transport NET/IB": false, "forbid-transport NET/Socket": false });
    }
  });

  it("with NCCL's nNodes 2 the network lines are inter-node too: no P2P-disabled warning for them", async () => {
    const r = await analyzeText(socketRun("localhost", "2.19").join("\n") + "\n");
    const n = r.facts.nccl;
    const text = renderText(r, { color: false, width: 200 });
    expect(text).toContain("one name, machines     localhost: 2 machines by bootstrap address (10.20.0.11, 10.20.0.12)");
    expect(text).toContain("localhost@10.20.0.11 ↔ localhost@10.20.0.12");
    // the HTML picture draws the two machines, not a third box for the shared name
    const svg = clusterMap(r.facts);
    expect(svg).toContain(">localhost@10.20.0.11<");
    expect(svg).toContain(">localhost@10.20.0.12<");
    expect(svg).not.toMatch(/>localhost</);
    expect(n.nodes).toBe(2);
    expect(n.ranks).toBe(2);
    expect(n.interNode).toEqual({ "NET/Socket": 4 });
    expect(n.netWithinHost).toBe(0);
    expect(ids(r)).toEqual(["nccl/socket-fallback"]);
    expect(gate(r)).toEqual({ "require-transport NET/IB": false, "forbid-transport NET/Socket": false });
  });

  it("an IB run whose excerpt has no connection lines passes --require-transport NET/IB by the network it chose", async () => {
    const lines = [
      "xxx-xxx-xxx-xxx:172719:172719 [0] NCCL INFO Bootstrap : Using bond0:10.140.28.100<0>",
      "xxx-xxx-xxx-xxx:172719:172719 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB bond0:10.140.28.100<0>",
      "xxx-xxx-xxx-xxx:172719:172719 [0] NCCL INFO Using network IB",
      "xxx-xxx-xxx-xxx:162667:162667 [0] NCCL INFO Bootstrap : Using bond0:10.140.28.121<0>",
      "xxx-xxx-xxx-xxx:162667:162667 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB bond0:10.140.28.121<0>",
      "xxx-xxx-xxx-xxx:162667:162667 [0] NCCL INFO Using network IB",
      "xxx-xxx-xxx-xxx:172719:172823 [0] NCCL INFO Trees [0] 1/-1/-1->0->-1 [1] -1/-1/-1->0->1",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    const n = r.facts.nccl;
    expect(n.nodes).toBe(1);
    expect(n.multiNode).toBe(true);
    expect(n.interNodeNet).toBe("NET/IB");
    expect(gate(r)).toEqual({ "require-transport NET/IB": true, "forbid-transport NET/Socket": true });
  });

  it("stays one host: one address per name, a process with no address, a shared address, P2P between the two", async () => {
    // the two processes bootstrap from one address: one machine, and NET between them is NET within a host
    const oneAddress = socketRun("gpu-box", "2.18").map((l) => l.replace("10.20.0.12", "10.20.0.11"));
    // the second process's address lines were cut from the excerpt: it could be on either machine
    const cut = socketRun("gpu-box", "2.18").filter((l) => !l.includes("10.20.0.12"));
    // docker's default bridge: every machine's containers get 172.17.0.x
    const bridge = socketRun("gpu-box", "2.18").map((l) => l.replace("10.20.0.11", "172.17.0.2").replace("10.20.0.12", "172.17.0.3"));
    for (const [name, lines] of [["one address", oneAddress], ["cut", cut], ["bridge", bridge]] as const) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.facts.nccl.namesakes, name).toEqual([]);
      expect(r.facts.nccl.interNode, name).toEqual({});
      expect(r.facts.nccl.netWithinHost, name).toBe(4);
    }
    // two containers of one machine with one name: NCCL connects them over P2P, so they are one node
    const p2p = [
      "box:11:11 [0] NCCL INFO Bootstrap : Using eth0:10.1.0.5<0>",
      "box:22:22 [1] NCCL INFO Bootstrap : Using eth0:10.1.0.6<0>",
      "box:11:31 [0] NCCL INFO comm 0xa1 rank 0 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE",
      "box:22:32 [1] NCCL INFO comm 0xb2 rank 1 nranks 2 cudaDev 1 busId 2000 - Init COMPLETE",
      "box:11:31 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      "box:22:32 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC",
    ];
    const r = await analyzeText(p2p.join("\r\n") + "\r\n");
    expect(r.facts.nccl.namesakes).toEqual([]);
    expect(r.facts.nccl.intraNode).toEqual({ "P2P/IPC": 2 });
    expect(r.facts.nccl.multiNode).toBe(false);
  });
});

describe("a host elided as dots is no host", () => {
  // A writer who quotes a log elides the host name as `...` (`[default0]:...:78:108 [0] NCCL INFO ..`); NCCL prints the
  // host name up to its first dot, so a host made of dots was never NCCL's
  it("the pod's lines and the elided ones: one host, the elided records still read (ranks, Init COMPLETE)", async () => {
    const lines = [
      "[default0]:trainer-pod-0:41:41 [0] NCCL INFO NCCL version 2.26.2+cuda12.8",
      "[default0]:trainer-pod-0:41:95 [0] NCCL INFO comm 0x7a1 rank 0 nRanks 4 nNodes 1 localRanks 4 localRank 0 MNNVL 0",
      "[default2]:...:43:97 [2] NCCL INFO ncclCommInitRankConfig comm 0x7c3 rank 2 nranks 4 cudaDev 2 nvmlDev 2 busId 3b000 commId 0x9e1 - Init COMPLETE",
      "[default3]:…:44:98 [3] NCCL INFO ncclCommInitRankConfig comm 0x7d4 rank 3 nranks 4 cudaDev 3 nvmlDev 3 busId 3c000 commId 0x9e1 - Init COMPLETE",
      "[default0]:trainer-pod-0:41:95 [0] NCCL INFO Channel 00/1 : 0[0] -> 1[1] via P2P/CUMEM",
    ];
    for (const text of variants(lines)) {
      const n = (await analyzeText(text + "\n")).facts.nccl;
      expect(n.hosts).toEqual(["trainer-pod-0"]);
      expect(n.nodes).toBe(1);
      expect(n.ranks).toBe(4);
      expect(n.initComplete).toBe(2);
      expect(n.transports["P2P/CUMEM"]).toBe(1);
    }
  });
});

describe("vLLM's DP `Adjusting world_size=N` line cut at its end still gives the world size", () => {
  it("whole (`.. for DP`), cut inside the address, behind an engine prefix and a stamp", async () => {
    const whole = "(EngineCore_DP3 pid=5121) INFO 09-02 10:11:12 [parallel_state.py:1017] Adjusting world_size=16 rank=3 distributed_init_method=tcp://10.1.0.4:41233 for DP";
    const cut = "(EngineCore_DP3 pid=5121) INFO 09-02 10:11:12 [parallel_state.py:1017] Adjusting world_size=16 rank=3 distributed_init_method=tcp://10.1.0.4:412";
    for (const text of [...variants([whole]), ...variants([cut])]) {
      expect((await analyzeText(text)).facts.distributed.worldSize).toBe(16);
    }
    // the line cut before its address is not read
    expect((await analyzeText("INFO 09-02 10:11:12 [parallel_state.py:1017] Adjusting world_size=16 rank=3 distributed_init")).facts.distributed.worldSize).toBeNull();
  });
});

describe("nodes that chose different networks: one fell back to Socket", () => {
  // A node whose container lacks the RDMA devices prints `NET/IB : No device found.` and `Using network Socket` while
  // the others print `Using network IB`: inter-node traffic cannot be IB end to end.
  const run = (bNet: "IB" | "Socket", prefix: (pid: number) => string) => [
    `${prefix(880)}gpu-a:880:880 [0] NCCL INFO Bootstrap : Using eth0:10.4.0.7<0>`,
    `${prefix(880)}gpu-a:880:951 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [RO]; OOB eth0:10.4.0.7<0>`,
    `${prefix(880)}gpu-a:880:951 [0] NCCL INFO Using network IB`,
    `${prefix(1210)}gpu-b:1210:1210 [0] NCCL INFO Bootstrap : Using eth0:10.4.0.8<0>`,
    ...(bNet === "Socket"
      ? [`${prefix(1210)}gpu-b:1210:1277 [0] NCCL INFO NET/IB : No device found.`, `${prefix(1210)}gpu-b:1210:1277 [0] NCCL INFO NET/Socket : Using [0]eth0:10.4.0.8<0>`]
      : [`${prefix(1210)}gpu-b:1210:1277 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [RO]; OOB eth0:10.4.0.8<0>`]),
    `${prefix(1210)}gpu-b:1210:1277 [0] NCCL INFO Using network ${bNet}`,
    `${prefix(880)}gpu-a:880:951 [0] NCCL INFO ncclCommInitRank comm 0x5a10 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x77aa - Init START`,
    `${prefix(1210)}gpu-b:1210:1277 [0] NCCL INFO ncclCommInitRank comm 0x6b20 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x77aa - Init START`,
  ];
  const plain = () => "";
  const ray = (pid: number) => (pid === 1210 ? `(RayWorkerWrapper pid=${pid}, ip=10.4.0.8) ` : `(RayWorkerWrapper pid=${pid}) `);

  it("the gate fails --require-transport NET/IB and --forbid-transport NET/Socket, and socket-fallback names the hosts", async () => {
    for (const prefix of [plain, ray]) {
      for (const text of variants(run("Socket", prefix))) {
        const r = await analyzeText(text + "\n");
        const n = r.facts.nccl;
        expect(n.net).toBe("IB");
        expect(n.netChoices).toEqual([{ net: "IB", hosts: ["gpu-a"] }, { net: "Socket", hosts: ["gpu-b"] }]);
        expect(n.interNodeNet).toBe("NET/Socket");
        expect(gate(r)).toEqual({ "require-transport NET/IB": false, "forbid-transport NET/Socket": false });
        const f = r.findings.find((x) => x.ruleId === "nccl/socket-fallback");
        expect(f?.message).toContain("the nodes chose different networks: Socket (gpu-b), IB (gpu-a)");
        expect(renderText(r, { color: false, width: 200 })).toContain("networks chosen        IB (gpu-a); Socket (gpu-b)");
      }
    }
  });

  it("both nodes on IB: the gate passes on the network they chose", async () => {
    const r = await analyzeText(run("IB", ray).join("\n") + "\n");
    expect(r.facts.nccl.netChoices).toEqual([{ net: "IB", hosts: ["gpu-a", "gpu-b"] }]);
    expect(r.facts.nccl.interNodeNet).toBe("NET/IB");
    expect(ids(r)).toEqual([]);
    expect(gate(r)).toEqual({ "require-transport NET/IB": true, "forbid-transport NET/Socket": true });
  });
});

describe("vLLM's Ray placement-group wait without its logger prefix", () => {
  // vllm/executor/ray_utils.py logs the wait every 10 s; a kubectl pane or a quote may keep the message alone
  const wait = (s: number) =>
    `Waiting for creating a placement group of specs for ${s} seconds. specs=[{'node:10.2.0.5': 0.001, 'GPU': 1.0}, {'GPU': 1.0}]. Check \`ray status\` to see if you have enough resources, and make sure the IP addresses used by ray cluster are the same as VLLM_HOST_IP environment variable specified in each node if you are running on a multi-node.`;
  it("names the Ray executor and the placement problem, bare or behind an engine prefix", async () => {
    for (const text of [...variants([wait(150), wait(160)]), `(EngineCore_DP0 pid=88) INFO 05-06 07:08:09 [ray_utils.py:399] ${wait(30)}`]) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(ids(r)).toEqual(["vllm/ray-insufficient-resources"]);
    }
  });
  it("the Ray executor's local-GPU warning on a multi-node run is no placement failure", async () => {
    // `Tensor parallel size (16) exceeds available GPUs (8)` counts the GPUs of the driver's node only
    const r = await analyzeText(
      "(EngineCore_DP0 pid=34) WARNING 03-30 14:11:45 [ray_utils.py:352] Tensor parallel size (16) exceeds available GPUs (8). This may result in Ray placement group allocation failures. Consider reducing tensor_parallel_size to 8 or less, or ensure your Ray cluster has 16 GPUs available.\n",
    );
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(ids(r)).not.toContain("vllm/ray-insufficient-resources");
  });
});

describe("node IP mismatch in vLLM's Ray executor", () => {
  it("the engine's ERROR record and the traceback's RuntimeError, in every wrapper: one error finding, first error on the record", async () => {
    const msg = "Every node should have a unique IP address. Got 2 nodes with node ids ['5d0e61f3', '9a1c77b2'] and 1 unique IP addresses {'10.0.0.7'}. Please check your network configuration. If you set `VLLM_HOST_IP` environment variable, make sure it is unique for each node.";
    const lines = [
      "(EngineCore_DP0 pid=411) INFO 06-11 09:00:01 [ray_distributed_executor.py:176] use_ray_spmd_worker: True",
      `(EngineCore_DP0 pid=411) ERROR 06-11 09:00:09 [core.py:708] ${msg}`,
      `(EngineCore_DP0 pid=411) RuntimeError: ${msg}`,
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      expect(ids(r, "error")).toEqual(["vllm/ray-node-ip-mismatch"]);
      expect(r.findings[0].message).toContain("It found 2 nodes but 1 distinct IP address (10.0.0.7).");
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.config.executorBackend).toBe("ray");
    }
  });
});

describe("a headless node's log is part of a multi-node run", () => {
  // `vllm serve --headless --data-parallel-start-rank 2 ..` on the second node: its engines join DP/EP groups whose other
  // ranks are on the head node, so the network NCCL chose carries inter-node traffic
  const lines = [
    "INFO 07-01 10:00:03 [core.py:1184] Launching 2 data parallel engine(s) in headless mode, with head node address tcp://10.99.48.128:13345.",
    "(EngineCore_DP2 pid=101) gpu-b:101:101 [0] NCCL INFO NET/IB : No device found.",
    "(EngineCore_DP2 pid=101) gpu-b:101:101 [0] NCCL INFO NET/Socket : Using [0]eth0:10.99.48.129<0>",
    "(EngineCore_DP2 pid=101) gpu-b:101:101 [0] NCCL INFO Using network Socket",
  ];
  it("--forbid-transport NET/Socket fails and socket-fallback says why, in every wrapper", async () => {
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.config.headless).toBe(true);
      expect(r.facts.nccl.multiNode).toBe(true);
      expect(r.facts.nccl.interNodeNet).toBe("NET/Socket");
      expect(ids(r)).toContain("nccl/socket-fallback");
      expect(r.findings.find((f) => f.ruleId === "nccl/socket-fallback")?.message).toContain("a headless node (--headless)");
      expect(gate(r)).toEqual({ "require-transport NET/IB": false, "forbid-transport NET/Socket": false });
    }
  });
  it("without --headless the same NCCL lines are one node's: no finding, no inter-node kind", async () => {
    const r = await analyzeText(lines.slice(1).join("\n") + "\n");
    expect(r.facts.nccl.multiNode).toBe(false);
    expect(ids(r)).toEqual([]);
  });
});

describe("one host name on two Ray nodes: Ray's `ip=` tells the machines apart", () => {
  // Ray folds the other processes' `Bootstrap : Using` lines into `[repeated Nx across cluster]`; its prefix still
  // names each worker's node (`ip=`), and none on the driver's node
  const lines = [
    "(RayWorkerWrapper pid=501) ubuntu:501:501 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
    "(RayWorkerWrapper pid=501) ubuntu:501:580 [0] NCCL INFO Using network Socket",
    "(RayWorkerWrapper pid=733, ip=10.0.0.2) ubuntu:733:733 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.2<0> [repeated 3x across cluster]",
    "(RayWorkerWrapper pid=733, ip=10.0.0.2) ubuntu:733:790 [0] NCCL INFO Using network Socket",
    "(RayWorkerWrapper pid=502) ubuntu:502:590 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC",
    "(RayWorkerWrapper pid=501) ubuntu:501:580 [0] NCCL INFO Channel 00/0 : 0[0] -> 2[0] [send] via NET/Socket/0",
    "(RayWorkerWrapper pid=733, ip=10.0.0.2) ubuntu:733:790 [0] NCCL INFO Channel 00/0 : 0[0] -> 2[0] [receive] via NET/Socket/0",
    "(RayWorkerWrapper pid=734, ip=10.0.0.2) ubuntu:734:791 [1] NCCL INFO Channel 00/0 : 3[1] -> 2[0] via P2P/IPC",
  ];
  it("the driver's-node workers and the ip= workers are two machines; the Socket line between them fails the gate", async () => {
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      const n = r.facts.nccl;
      expect(n.namesakes).toEqual([{ host: "ubuntu", machines: ["ubuntu@10.0.0.1", "ubuntu@10.0.0.2"] }]);
      expect(n.interNode).toEqual({ "NET/Socket": 2 });
      expect(n.intraNode).toEqual({ "P2P/IPC": 2 });
      expect(gate(r)).toEqual({ "require-transport NET/IB": false, "forbid-transport NET/Socket": false });
    }
  });
});

describe("vLLM's header with its time elided by the writer (`ERROR ... [core.py:2178] ..`)", () => {
  it("is a record of its level: the first error, not a stray line", async () => {
    const lines = [
      "INFO ... [shm_broadcast.py:698] No available shared memory broadcast block found in 600 seconds.",
      "[W ... socket.cpp:764] [c10d] ... (errno: 97 - Address family not supported by protocol).",
      "ERROR … [v1/engine/core.py:2178] RuntimeError: Timed out waiting 1800000ms for recv operation to complete",
      "ERROR ... [core.py:2190] EngineCore encountered a fatal error.",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError?.line).toBe(3);
    }
    // an ellipsis with no file after it is no vLLM header
    const r = await analyzeText("ERROR ... something went wrong somewhere\n");
    expect(r.facts.firstError).toBeNull();
  });
});
