import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-third round of real logs: vLLM across nodes (Ray clusters with TP within a node and PP across
 * nodes, data parallel engines, NCCL_DEBUG=INFO from each node). A Ray worker on another node timed out connecting to
 * torch's c10d store at a Docker default-bridge address (172.17.0.0/16), with the paste hard-wrapped right after the
 * address: the store's address was lost (the value wanted `(host, port)` on one line), and nothing said that the address
 * is one no other node can reach. Windows consoles render the ESC of Ray's colour codes as `←`
 * (`←[36m(RayWorkerWrapper pid=N)←[0m `). Every log text here is written for the test in the printed layout, with
 * wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T17:20:05.310442871Z ${l}`],
  ["docker compose", (l) => `vllm-head-1  | ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("a c10d store at a Docker bridge address, seen from a Ray worker on another node", () => {
  // the client's line hard-wrapped after the address, as a terminal of fixed width pastes it
  const wrapped = [
    "(RayWorkerVllm pid=40112, ip=10.4.0.21) [E socket.cpp:922] [c10d] The client socket has timed out after 900s while trying to connect to (172.17.0.5",
    ", 29511).",
    "(ActorModelRayActor pid=40007, ip=10.4.0.21) [E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=12, OpType=BROADCAST, NumelIn=1, NumelOut=1, Timeout(ms)=900000) ran for 900311 milliseconds before timing out.",
  ];

  it("reads the address cut at the end of the line and says no other node reaches it", async () => {
    await eachWrap(wrapped, (r, at) => {
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f, at).toBeDefined();
      // (bare, the next line continues the cut one and the join gives the port too; behind a collector's wrapper that
      // line is a record of its own, and only the address is read)
      const tail = at.startsWith("plain") ? " port 29511 (it gave up after 900s)" : " (it gave up after 900s)";
      expect(f!.message, at).toContain(`could not connect to torch's c10d store at 172.17.0.5${tail}`);
      expect(f!.message, at).toContain("172.17.0.5 is in Docker's default bridge network (docker0, 172.17.0.0/16)");
      expect(f!.remediation[0], at).toMatch(/--network host/);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("nccl/collective-timeout");
    });
  });

  it("the unwrapped line keeps its port", async () => {
    const r = await analyzeText([wrapped[0] + wrapped[1], wrapped[2]].join("\n") + "\n");
    expect(finding(r, "nccl/bootstrap-failure")!.message).toContain("at 172.17.0.5 port 29511 (it gave up after 900s)");
  });

  it("near misses: one node, a cluster numbered inside 172.17.0.0/16, or another private range say nothing of Docker", async () => {
    const noRay = wrapped.map((l) => l.replace(/^\([^)]*\) /, ""));
    const inside = wrapped.map((l) => l.replace("ip=10.4.0.21", "ip=172.17.3.9"));
    const other = wrapped.map((l) => l.replace("172.17.0.5", "172.18.0.5"));
    for (const lines of [noRay, inside, other]) {
      const f = finding(await analyzeText(lines.join("\n") + "\n"), "nccl/bootstrap-failure");
      expect(f).toBeDefined();
      expect(f!.message).not.toContain("Docker");
      expect(f!.remediation.join("\n")).not.toContain("--network host");
    }
  });

  it("a retry line of the client is no failure, wrapped or not", async () => {
    const r = await analyzeText(
      "[W728 15:01:59.562622567 TCPStore.cpp:340] [c10d] TCP client failed to connect/validate to host 172.17.0.5:29511 - retrying (try=0, timeout=900000ms, delay=3392ms): The client socket has timed out after 900000ms while trying to connect to (172.17.0.5\n, 29511).\n",
    );
    expect(ids(r)).not.toContain("nccl/bootstrap-failure");
  });
});

describe("NCCL's bootstrap connecting to a Docker bridge address across nodes", () => {
  const lines = [
    "node-a:12:12 [0] NCCL INFO Bootstrap : Using eth0:172.17.0.3<0>",
    "(RayWorkerWrapper pid=77, ip=10.1.0.9) node-b:77:91 [1] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 172.17.0.3<43125> failed : Software caused connection abort",
    "(RayWorkerWrapper pid=77, ip=10.1.0.9) node-b:77:91 [1] NCCL INFO misc/socket.cc:565 -> 2",
  ];
  it("names the bridge network and the two nodes", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(2);
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f!.message, at).toContain("(to 172.17.0.3 port 43125)");
      expect(f!.message, at).toContain("Docker's default bridge network");
    });
  });
  it("a routable peer address is not called a bridge one", async () => {
    const r = await analyzeText(lines.map((l) => l.replaceAll("172.17.0.3", "10.1.0.8")).join("\n") + "\n");
    expect(finding(r, "nccl/bootstrap-failure")!.message).not.toContain("Docker");
  });
});

describe("Ray's colour codes as a Windows console prints them (`←[36m … ←[0m`)", () => {
  const arrow = (l: string, ip = "") => `←[36m(RayWorkerWrapper pid=593${ip})←[0m ${l}`;

  it("a Socket run across two nodes stays Socket, on both nodes' lines", async () => {
    const lines = [
      "INFO 07-20 17:27:20 pynccl.py:63] vLLM is using nccl==2.21.5",
      arrow("gpu-b:593:593 [0] NCCL INFO NET/IB : No device found.", ", ip=10.5.6.103"),
      arrow("gpu-b:593:593 [0] NCCL INFO NET/Socket : Using [0]eth0:10.5.6.103<0>", ", ip=10.5.6.103"),
      arrow("gpu-b:593:593 [0] NCCL INFO Using network Socket", ", ip=10.5.6.103"),
      "gpu-a:411:411 [0] NCCL INFO Using network Socket",
      "gpu-a:411:411 [0] NCCL INFO comm 0x7f01 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0",
      "gpu-a:411:411 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/Socket/0",
      "gpu-a:411:411 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0",
      arrow("gpu-b:593:593 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [receive] via NET/Socket/0", ", ip=10.5.6.103"),
    ];
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.net, at).toBe("Socket");
      expect(n.nodes, at).toBe(2);
      expect(n.ranks, at).toBe(2);
      expect(n.version, at).toBe("2.21.5");
      expect(n.transports, at).toMatchObject({ "NET/Socket": 3 });
      expect(n.transports?.["NET/IB"] ?? 0, at).toBe(0);
      expect(ids(r), at).toContain("nccl/socket-fallback");
    });
  });

  it("an IB run with the same prefixes never passes as Socket", async () => {
    const lines = [
      arrow("gpu-b:593:593 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.5.6.103<0>", ", ip=10.5.6.103"),
      arrow("gpu-b:593:593 [0] NCCL INFO Using network IB", ", ip=10.5.6.103"),
      "gpu-a:411:411 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.5.6.102<0>",
      "gpu-a:411:411 [0] NCCL INFO Using network IB",
      "gpu-a:411:411 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IB/0/GDRDMA",
      arrow("gpu-b:593:593 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [receive] via NET/IB/0/GDRDMA", ", ip=10.5.6.103"),
    ];
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.net, at).toBe("IB");
      expect(n.nodes, at).toBe(2);
      expect(n.ibHcas, at).toEqual(["mlx5_0:1", "mlx5_1:1"]);
      expect(n.gdr, at).toBe(true);
      expect(n.transports, at).toMatchObject({ "NET/IB/GDRDMA": 2, "NET/Socket": 0 });
      expect(ids(r), at).not.toContain("nccl/socket-fallback");
    });
  });

  it("hard-wrapped `P2P is disabled between connected GPUs` lines of one node: P2P disabled, no network claimed", async () => {
    const lines = [
      arrow("vllm-0:367:367 [1] NCCL INFO P2P is disabled between connected GPUs 2 and 0. You can repress this message with NCCL_IGN"),
      "ORE_DISABLED_P2P=1.",
      arrow("vllm-0:367:367 [1] NCCL INFO P2P is disabled between connected GPUs 3 and 1. You can repress this message with NCCL_IGN"),
      "ORE_DISABLED_P2P=1.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.net, at).toBeNull();
      expect(ids(r), at).toContain("nccl/p2p-disabled");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("a Ray worker's traceback cut inside pynccl's communicator set-up", () => {
  const lines = [
    '(RayWorkerWrapper pid=182, ip=192.168.1.178) ERROR 03-02 03:24:44 worker_base.py:581]   File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl.py", line 99, in __init__',
    "(RayWorkerWrapper pid=182, ip=192.168.1.178) ERROR 03-02 03:24:44 worker_base.py:581]     self.comm: ncclComm_t = self.nccl.ncclCommInitRank(",
    '(RayWorkerWrapper pid=182, ip=192.168.1.178) ERROR 03-02 03:24:44 worker_base.py:581]   File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl_wrapper.py", line 277, in ncclCommInitRank',
    '(RayWorkerWrapper pid=182, ip=192.168.1.178) ERROR 03-02 03:24:44 worker_base.py:581]   File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl_wrapper.py", line 256, in NCCL_CHECK',
  ];
  it("is an NCCL set-up failure with no error line (frames are not errors)", async () => {
    await eachWrap(lines, (r, at) => {
      expect(finding(r, "nccl/error")?.message, at).toContain("A traceback ends inside NCCL set-up");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.config.executorBackend, at).toBe("ray");
    });
  });
});
