import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * A random sample of NCCL_DEBUG output in issues (round 39n): what the tool said too little about. Every log text
 * here is written for the test, in the printed shape of NCCL's own lines, and the facts are exact.
 */

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

const wraps: ((l: string) => string)[] = [
  (l) => (l ? `2026-02-03T04:05:06.123456789Z ${l}` : l),
  (l) => `trainer-1  | ${l}`,
  (l) => `(TrainWorker pid=5150) ${l}`,
];

/** The finding of rule `id` on `lines` under each wrapper a reader should not care about, and with CRLF line ends. */
async function throughWraps(lines: string[], id: string): Promise<(ReturnType<typeof finding>)[]> {
  const texts = [...wraps.map((wrap) => `${lines.map(wrap).join("\n")}\n`), `${lines.join("\r\n")}\r\n`];
  return Promise.all(texts.map(async (t) => finding(await analyzeText(t), id)));
}

// graph/topo.cc (2.13.4+) says, for every HCA of every communicator while it detects the topology, whether the HCA can
// do GPU Direct RDMA; net_ib.cc (2.7-2.13) said it with ` (no module)`. A paste of only these lines shows no traffic.
const hcaLines = [
  "dgx-b:3301:3390 [2] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_4'",
  "dgx-b:3301:3390 [2] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 1 'mlx5_7'",
  "dgx-b:3302:3391 [3] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_4'",
];

describe("`GPU Direct RDMA Disabled for HCA` lines without connection lines", () => {
  it("note the HCAs (info) when the log shows neither one node nor several", async () => {
    const r = await analyzeText(`${hcaLines.join("\n")}\n`);
    const f = finding(r, "nccl/gdrdma-disabled");
    expect(f?.severity).toBe("info");
    expect(f?.message).toContain("the HCAs mlx5_4, mlx5_7");
    expect(f?.message).toContain("does not show whether the run spans nodes");
    expect(f?.evidence.map((e) => e.line)).toEqual([1, 2]);
    expect(r.facts.nccl?.gdr).toBe(false);
    expect(ids(r, "error")).toEqual([]);
  });

  it("read the pre-2.13 `(no module)` form alike, one HCA", async () => {
    const r = await analyzeText("ib-7:88:99 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_1' (no module)\n");
    expect(finding(r, "nccl/gdrdma-disabled")?.message).toContain("for the HCA mlx5_1. The log does not show");
  });

  it("say nothing on a run NCCL puts on one node, or whose every rank is on one host", async () => {
    const nNodes1 = await analyzeText(`${hcaLines[0]}\ndgx-b:3301:3390 [2] NCCL INFO comm 0x5a1 rank 2 nRanks 4 nNodes 1 localRanks 4 localRank 2 MNNVL 0\n`);
    expect(ids(nNodes1)).not.toContain("nccl/gdrdma-disabled");
    const whole = [
      hcaLines[0],
      "dgx-b:3300:3389 [0] NCCL INFO comm 0x5a0 rank 0 nranks 2 cudaDev 0 busId 1b000 - Init COMPLETE",
      "dgx-b:3301:3390 [1] NCCL INFO comm 0x5a1 rank 1 nranks 2 cudaDev 1 busId 1c000 - Init COMPLETE",
    ];
    expect(ids(await analyzeText(`${whole.join("\n")}\n`))).not.toContain("nccl/gdrdma-disabled");
  });

  it("say nothing when the network is TCP sockets (IB disabled)", async () => {
    const r = await analyzeText(`${hcaLines[0]}\ndgx-b:3301:3390 [2] NCCL INFO NCCL_IB_DISABLE set by environment to 1.\ndgx-b:3301:3390 [2] NCCL INFO Using network Socket\n`);
    expect(ids(r)).not.toContain("nccl/gdrdma-disabled");
  });

  it("leave a run the log shows on several nodes to the inter-node warning", async () => {
    const spans = [...hcaLines, "dgx-a:2201:2290 [0] NCCL INFO Bootstrap : Using ens3:10.8.0.3<0>", "dgx-b:3301:3390 [2] NCCL INFO Bootstrap : Using ens3:10.8.0.4<0>"];
    const r = await analyzeText(`${spans.join("\n")}\n`);
    const f = r.findings.filter((x) => x.ruleId === "nccl/gdrdma-disabled");
    expect(f.map((x) => x.severity)).toEqual(["warning"]);
    expect(f[0].message).toContain("disabled for its network devices on this multi-node run");
  });

  it("leave the distance form of graph/paths.cc (a path decision, not the HCA) to the connection lines", async () => {
    const r = await analyzeText("dgx-b:3301:3390 [2] NCCL INFO GPU Direct RDMA Disabled for GPU 2 / HCA 0 (distance 5 > 4)\n");
    expect(ids(r)).not.toContain("nccl/gdrdma-disabled");
  });

  it("read the same through kubectl --timestamps, a compose pane, a Ray prefix and CRLF", async () => {
    for (const f of await throughWraps(hcaLines, "nccl/gdrdma-disabled")) {
      expect(f?.severity).toBe("info");
      expect(f?.message).toContain("the HCAs mlx5_4, mlx5_7");
    }
  });
});

// misc/socket.cc (2.19+) `socketStartConnect: Connect to %s failed : %s`, then the `-> 2` chain through bootstrap.cc
const linkLocalConnect = [
  "gpu-c-07:5120:5120 [0] NCCL INFO Bootstrap : Using bond0:10.30.4.17<0>",
  "gpu-c-07:5120:5120 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB [RO]; OOB bond0:10.30.4.17<0>",
  "",
  "gpu-c-07:5120:5120 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 169.254.3.9<51020> failed : Software caused connection abort",
  "gpu-c-07:5120:5120 [0] NCCL INFO misc/socket.cc:567 -> 2",
  "gpu-c-07:5120:5120 [0] NCCL INFO bootstrap.cc:285 -> 2",
  "gpu-c-07:5120:5120 [0] NCCL INFO init.cc:1534 -> 2",
];

describe("a bootstrap connect to an IPv4 link-local address", () => {
  it("says the address is link-local (169.254.0.0/16) and where to pin the interface", async () => {
    const r = await analyzeText(`${linkLocalConnect.join("\n")}\n`);
    const f = finding(r, "nccl/bootstrap-failure");
    expect(f?.severity).toBe("error");
    expect(f?.message).toContain("(to 169.254.3.9 port 51020)");
    expect(f?.message).toContain("169.254.3.9 is an IPv4 link-local address (169.254.0.0/16)");
    expect(f?.remediation.join(" ")).toContain("NCCL_SOCKET_IFNAME=bond0 (the interface with 10.30.4.17 in this log)");
    expect(f?.remediation.join(" ")).toContain("which interface holds 169.254.3.9");
    expect(r.facts.firstError?.line).toBe(4);
  });

  it("says nothing of link-local for a routable or a look-alike address", async () => {
    for (const addr of ["10.169.254.3", "169.2540.1.1", "192.168.254.169"]) {
      const r = await analyzeText(`${linkLocalConnect.map((l) => l.replace("169.254.3.9", addr)).join("\n")}\n`);
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f?.message).toContain(`(to ${addr} port 51020)`);
      expect(f?.message).not.toContain("link-local");
    }
  });

  it("reads the same through kubectl --timestamps, a compose pane, a Ray prefix and CRLF", async () => {
    for (const f of await throughWraps(linkLocalConnect, "nccl/bootstrap-failure")) expect(f?.message).toContain("169.254.3.9 is an IPv4 link-local address");
  });
});

// a peer lost while bootstrapping: the `-> 6` (ncclRemoteError) chain runs through bootstrap.cc. 2.27+ appends the
// failing call to a chain line (`bootstrap.cc:868 -> 6 ncclSocketConnect()`); the send form of socketProgressOpt
// names the peer after `send to`
const bootstrapReset = [
  "node-4:700:700 [1] misc/socket.cc:46 NCCL WARN socketProgressOpt: Call to send to 10.2.7.40<40211> failed : Connection reset by peer",
  "node-4:700:700 [1] NCCL INFO misc/socket.cc:64 -> 6",
  "node-4:700:700 [1] NCCL INFO misc/socket.cc:684 -> 6",
  "node-4:700:700 [1] NCCL INFO bootstrap.cc:868 -> 6 ncclSocketConnect()",
  "node-4:700:700 [1] NCCL INFO init.cc:1402 -> 6",
];
const laterReset = [
  "node-4:700:790 [1] misc/socket.cc:46 NCCL WARN socketProgressOpt: Call to recv from 10.2.7.40<40211> failed : Connection reset by peer",
  "node-4:700:790 [1] NCCL INFO misc/socket.cc:64 -> 6",
  "node-4:700:790 [1] NCCL INFO transport/net_socket.cc:560 -> 6",
  "node-4:700:790 [1] NCCL INFO proxy.cc:700 -> 6 [Progress Thread]",
];

describe("a peer lost in NCCL's bootstrap", () => {
  it("names the peer of a failed send and says the loss happened in the bootstrap", async () => {
    const r = await analyzeText(`${bootstrapReset.join("\n")}\n`);
    const f = finding(r, "nccl/remote-process-exited");
    expect(f?.message).toContain("NCCL lost a peer (10.2.7.40) in its bootstrap (bootstrap.cc");
    expect(f?.remediation.join(" ")).toContain("before 2.27.3");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("does not call a loss in the proxy's data path a bootstrap one", async () => {
    const r = await analyzeText(`${laterReset.join("\n")}\n`);
    const f = finding(r, "nccl/remote-process-exited");
    expect(f?.message).toContain("NCCL lost a peer (10.2.7.40).");
    expect(f?.message).not.toContain("bootstrap");
    expect(f?.remediation.join(" ")).not.toContain("2.27.3");
  });

  it("reads a bare `[dev]` record (no host prefix) and the wrapped forms alike", async () => {
    const bare = bootstrapReset.map((l) => l.replace("node-4:700:700 ", ""));
    expect(finding(await analyzeText(`${bare.join("\n")}\n`), "nccl/remote-process-exited")?.message).toContain("in its bootstrap");
    for (const f of await throughWraps(bootstrapReset, "nccl/remote-process-exited")) expect(f?.message).toContain("(10.2.7.40) in its bootstrap");
  });
});

// NCCL 2.4-2.7 transport/p2p.cc: the P2P transport's own CUDA IPC calls, WARNed by name, then `-> 1` (ncclUnhandledCudaError)
const ipcFailure = [
  "w7:3120:3190 [1] NCCL INFO Ring 00 : 1[1] -> 0[0] via P2P/IPC",
  "",
  "w7:3120:3190 [1] transport/p2p.cc:237 NCCL WARN failed to open CUDA IPC handle : 217 peer access is not supported between these two devices",
  "w7:3120:3190 [1] NCCL INFO transport.cc:68 -> 1",
  "w7:3120:3190 [1] NCCL INFO init.cc:778 -> 1",
];

describe("the P2P transport's CUDA IPC WARNs of NCCL 2.4-2.7", () => {
  it("are CUDA errors with the CUDA text, and P2P advice, not an unexplained NCCL error", async () => {
    const r = await analyzeText(`${ipcFailure.join("\n")}\n`);
    const f = finding(r, "nccl/cuda-error");
    expect(f?.message).toBe("A CUDA call inside NCCL failed: peer access is not supported between these two devices.");
    expect(f?.remediation[0]).toContain("NCCL_P2P_DISABLE=1");
    expect(f?.remediation.join(" ")).not.toContain("NCCL_CUMEM_HOST_ENABLE");
    expect(ids(r)).not.toContain("nccl/error");
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.nccl?.firstWarn?.line).toBe(3);
  });

  it("read the `failed to get` form with its device and bus id alike", async () => {
    const r = await analyzeText("w7:3121:3188 [0] transport/p2p.cu:404 NCCL WARN rank 1 failed to get CUDA IPC handle to device 0(=3b000) : 11 invalid argument\nw7:3121:3188 [0] NCCL INFO init.cu:568 -> 1\n");
    expect(finding(r, "nccl/cuda-error")?.message).toBe("A CUDA call inside NCCL failed: invalid argument.");
    expect(ids(r)).not.toContain("nccl/error");
  });

  it("read the same through kubectl --timestamps, a compose pane, a Ray prefix and CRLF", async () => {
    for (const f of await throughWraps(ipcFailure, "nccl/cuda-error")) expect(f?.message).toContain("peer access is not supported between these two devices");
  });
});

// NCCL 2.28's plugin lines when the IB transport cannot load libibverbs in a container: `Failed to open
// libibverbs.so[.1]` is an INFO there, its `-> 3` return follows, then `Failed to initialize NET plugin IB` and the
// Socket transport takes over (`Initialized NET plugin Socket`, `Assigned NET plugin Socket to comm`)
const ibPluginFallback = [
  "c0ffee12ab34:9001:9001 [0] NCCL INFO ENV/Plugin: Could not find: libnccl-env.so",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO Bootstrap: Using eth0:172.18.0.5<0>",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO NCCL version 2.28.9+cuda13.0",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO Failed to open libibverbs.so[.1]",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO transport/net_ib.cc:852 -> 3",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO Failed to initialize NET plugin IB",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO NET/Socket : Using [0]eth0:172.18.0.5<0>",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO Initialized NET plugin Socket",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO Assigned NET plugin Socket to comm",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO Using network Socket",
  "c0ffee12ab34:9001:9001 [0] NCCL INFO ncclCommInitRankConfig comm 0x1d00 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x51f0 - Init START",
];

describe("NCCL 2.28's IB plugin that fails to load, then Socket", () => {
  it("is a Socket run with nothing wrong: the `-> 3` return is a failure NCCL went on from", async () => {
    const r = await analyzeText(`${ibPluginFallback.join("\n")}\n`);
    expect(r.facts.nccl?.net).toBe("Socket");
    expect(r.facts.nccl?.version).toBe("2.28.9");
    expect(r.facts.nccl?.ranks).toBe(1);
    expect(r.findings.map((f) => f.severity)).toEqual([]);
    // CONTRACT.md: the first line that reports a failure, also when NCCL went on from it (facts.recovered says so)
    expect(r.facts.firstError?.line).toBe(5);
    expect(r.facts.recovered?.map((x) => [x.failure.line, x.by.line, x.net])).toEqual([[5, 10, "Socket"]]);
  });
});
