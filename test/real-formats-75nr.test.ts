import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 75nr of real logs: NCCL's newer machinery (2.19 → 2.30) — RAS and the `ncclras` client's
 * report, tuner / profiler / net plugins loading or not, CollNet through the SHARP plugin, per-rank debug files. Three
 * misses of the tool:
 * - a CollNet set-up that failed (the SHARP plugin's `SHARP group create` / `SHARP coll init error` WARN, NCCL's own
 *   `Cannot initialize CollNet, using point-to-point network instead`) came with `transport.cc:N -> 2`,
 *   `transport/coll_net.cc:N -> 2` and `init.cc:N -> 2` returns that were read as an unhandled system error (and the
 *   `NET/IB : SHARP coll init error` WARN as an InfiniBand failure), though NCCL goes on without CollNet in every version;
 * - libsharp's newer record, with the time in a second bracket (`[host:0:pid - file.c:N][date] ERROR ...`), was no
 *   failure line;
 * - the `ncclras` report's Errors and Warnings sections (INCOMPLETE, DEAD, ERROR, MISMATCH, TIMEOUT) had no rule.
 * Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T05:02:11.480211367Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray worker", (l) => `(RayTrainWorker pid=4410, ip=10.8.0.3) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
// the cases after the first read behind two of the wrappers (one line end each), to keep the file cheap
const eachWrapTwo = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS.slice(1, 3), lines, check);
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("a CollNet (SHARP) set-up that failed: NCCL goes on, its error returns are no system error", () => {
  it("2.18's order: the plugin's init error, the ranks' returns, then NCCL's own fallback WARN", async () => {
    const lines = [
      "gpu-c3:51120:51188 [2] sharp_plugin.c:318 NCCL WARN NET/IB : SHARP coll init error: Cannot create SHARP job(-11)",
      "",
      "gpu-c3:51118:51190 [0] NCCL INFO 24 coll channels, 24 collnet channels, 0 nvls channels, 32 p2p channels, 32 p2p channels per peer",
      "gpu-c4:60210:60277 [1] NCCL INFO transport.cc:288 -> 2",
      "gpu-c3:51120:51188 [2] NCCL INFO transport.cc:288 -> 2",
      "gpu-c3:51119:51191 [1] NCCL INFO init.cc:1204 -> 2",
      "gpu-c3:51120:51188 [2] NCCL INFO init.cc:1204 -> 2",
      "",
      "gpu-c3:51118:51190 [0] transport.cc:331 NCCL WARN Cannot initialize CollNet, using point-to-point network instead",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toEqual(["nccl/sharp-failure"]);
      const f = finding(r, "nccl/sharp-failure")!;
      expect(f.severity, at).toBe("warning");
      expect(f.message, at).toContain("Cannot create SHARP job (-11)");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.nodes, at).toBe(2);
      // (the fallback WARN is line 9; behind a Ray prefix its record starts on the prefixed blank line above it)
      const recovered = (r.facts.recovered ?? []).filter((x) => x.kind === "collnet").map((x) => x.failure.line).sort((a, b) => a - b);
      expect(recovered.slice(0, 5), at).toEqual([1, 4, 5, 6, 7]);
      expect(recovered.length, at).toBe(6);
    });
  });

  it("2.19+'s order: the fallback WARN first, then coll_net.cc's return (with 2.2x's function name too)", async () => {
    const lines = [
      "h100-a:7001:7061 [0] sharp_plugin.c:365 NCCL WARN NET/IB : SHARP coll init error: Cannot connect to SHARPD(-53)",
      "h100-a:7001:7044 [0] NCCL INFO transport/coll_net.cc:1021 -> 2",
      "h100-a:7001:7044 [0] transport/coll_net.cc:1103 NCCL WARN Cannot initialize CollNet, using point-to-point network instead",
      "h100-a:7001:7044 [0] NCCL INFO transport/coll_net.cc:1358 (ncclCollNetSetup) -> 2",
      "h100-a:7002:7045 [1] NCCL INFO transport/coll_net.cc:1358 -> 2",
      "h100-a:7001:7044 [0] NCCL INFO 16 coll channels, 16 collnet channels, 0 nvls channels, 16 p2p channels, 2 p2p channels per peer",
    ];
    await eachWrapTwo(lines, (r, at) => {
      expect(ids(r), at).toEqual(["nccl/sharp-failure"]);
      expect(finding(r, "nccl/sharp-failure")!.remediation[0], at).toContain("sharpd");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("a SHARP group that could not lock its tree, no fallback line pasted: libsharp's dated ERROR record is the first error", async () => {
    const lines = [
      "[sn-7:0:3310 - context.c:871][2026-01-12 08:40:02] INFO sharp_job_id:41  tree_type:SAT tree_idx:1  treeID:520 caps:0x76",
      "sn-7:3310:3390 [2] NCCL INFO SHARP rank 0/4 initialized on mlx5_2:1",
      "[sn-7:0:3310 - tree_ops.c:314][2026-01-12 08:40:02] ERROR Failed to lock SAT tree(ID:0x208. ret:0x4)",
      "",
      "sn-7:3310:3390 [2] sharp_plugin.c:354 NCCL WARN SHARP group create: Streaming Tree lock failed (-18)",
      "",
      "sn-7:3310:3371 [2] NCCL INFO transport.cc:327 -> 2",
      "sn-7:3312:3372 [4] NCCL INFO CollNet 04/0 : 4 [receive] via COLLNET/SHARP/4/GDRDMA",
    ];
    await eachWrapTwo(lines, (r, at) => {
      expect(ids(r), at).toEqual(["nccl/sharp-failure"]);
      expect(finding(r, "nccl/sharp-failure")!.remediation.join("\n"), at).toContain("SHARP_COLL_ENABLE_SAT=0");
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(5);
      expect(r.facts.nccl.transports, at).toMatchObject({ CollNet: 1 });
      expect(r.facts.nccl.gdr, at).toBe(true);
      expect(r.facts.nccl.ranks, at).toBe(1);
    });
  });

  it("2.7's fallback WARN names the network (`using IB instead`): the set-up's return before it is recovered too", async () => {
    const r = await analyzeText([
      "dgx-4:2101:2160 [0] NCCL INFO transport.cc:205 -> 2",
      "dgx-4:2101:2160 [0] init.cc:524 NCCL WARN Cannot initialize CollNet, using IB instead",
      "",
    ].join("\r\n"));
    expect(ids(r, "error")).toEqual([]);
    expect((r.facts.recovered ?? []).map((x) => [x.kind, x.failure.line, x.by.line])).toEqual([["collnet", 2, 2], ["collnet", 1, 2]]);
  });

  it("libsharp's older undated record and its client-session record are failures too; its INFO record is not", async () => {
    const older = await analyzeText("[sn-2:1:880 - comm.c:370] ERROR Failed to lock SAT tree(ID:0x40 ret:0x4)\r\n");
    expect(older.facts.firstError?.line).toBe(1);
    const session = await analyzeText("[sn-2:0:880 unique id 9370583446459220315][2026-02-03 11:05:59] ERROR Job error in sharp_get_job_data_len.\n");
    expect(session.facts.firstError?.line).toBe(1);
    const info = await analyzeText("[sn-2:0:880 - context.c:660][2026-02-03 11:05:59] INFO job (ID: 35887842743275558) resource request quota: ( osts:0 user_data_per_ost:0 max_groups:0 max_qps:1 max_group_channels:1, num_trees:1)\n");
    expect(info.facts.firstError).toBeNull();
    expect(ids(info)).toEqual([]);
  });

  it("near misses: a fatal chain after a CollNet failure, one with no CollNet failure, one far past it, stay system errors", async () => {
    const socket = await analyzeText([
      "n1:900:960 [0] sharp_plugin.c:302 NCCL WARN SHARP group create: Streaming Tree lock failed (-18)",
      "n1:900:960 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.1.0.2<43117> failed : Connection refused",
      "n1:900:960 [0] NCCL INFO misc/socket.cc:564 -> 2",
      "n1:900:960 [0] NCCL INFO transport.cc:165 -> 2",
      "n1:900:960 [0] NCCL INFO init.cc:1320 -> 2",
      "",
    ].join("\n"));
    expect(ids(socket, "error")).toContain("nccl/system-error");
    expect(ids(socket)).toContain("nccl/sharp-failure");
    const alone = await analyzeText("n1:900:960 [0] NCCL INFO transport.cc:165 -> 2\nn1:900:960 [0] NCCL INFO init.cc:1320 -> 2\n");
    expect(ids(alone, "error")).toContain("nccl/system-error");
    const far = await analyzeText([
      "n1:900:960 [0] sharp_plugin.c:302 NCCL WARN SHARP group create: Streaming Tree lock failed (-18)",
      ...Array.from({ length: 70 }, (_, i) => `n1:900:960 [0] NCCL INFO Channel ${String(i % 32).padStart(2, "0")}/0 : 0[0] -> 1[1] via P2P/IPC`),
      "n1:901:961 [1] NCCL INFO init.cc:1320 -> 2",
      "",
    ].join("\n"));
    expect(ids(far, "error")).toContain("nccl/system-error");
  });
});

describe("the ncclras client's report (nccl/ras-report)", () => {
  const mismatch = [
    "NCCL version 2.27.5 compiled with CUDA 12.8",
    "CUDA runtime version 12080, driver version 12080",
    "",
    "Job summary",
    "===========",
    "",
    "  Nodes  Processes         GPUs  Processes     GPUs",
    "(total)   per node  per process    (total)  (total)",
    "      2          8            1         16       16",
    "",
    "Communicators... (0.01s)",
    "=============",
    "",
    "Group     Comms     Nodes     Ranks     Ranks     Ranks    Status  Errors",
    "    #  in group  per comm  per node  per comm  in group",
    "    0         1         2         8        16        16   RUNNING  MISMATCH",
    "",
    "Errors",
    "======",
    "",
    "Warnings",
    "========",
    "",
    "#0-0 (3c0d1e99a4f2b870) MISMATCH",
    "  Communicator ranks have different ReduceScatter operation counts",
    "  15 ranks have launched up to operation 2210",
    "  Rank 11 has launched up to operation 2209 -- GPU 3 managed by process 48117 on node 10.20.4.12",
  ];

  it("reads a MISMATCH of operation counts as a warning naming the ranks behind", async () => {
    await eachWrap(mismatch, (r, at) => {
      expect(ids(r), at).toEqual(["nccl/ras-report"]);
      const f = finding(r, "nccl/ras-report")!;
      expect(f.severity, at).toBe("warning");
      expect(f.message, at).toContain("different ReduceScatter operation counts");
      expect(f.message, at).toContain("15 ranks up to operation 2210, rank 11 up to operation 2209");
      expect(r.facts.nccl.ranks, at).toBe(1);
      expect(f.evidence[0].line, at).toBe(24);
      expect(f.remediation[0], at).toContain("py-spy dump");
      expect(r.facts.nccl.version, at).toBe("2.27.5");
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("reads 2.24's Errors section (missing ranks listed, dead processes, asynchronous errors) as an error", async () => {
    const lines = [
      "Errors",
      "======",
      "",
      "DEAD",
      "  2 job processes are considered dead (unreachable via the RAS network)",
      "  Process 7710 on node 10.0.0.9 managing GPU 0",
      "",
      "#0-0 (00a1b2c3d4e5f607) INCOMPLETE",
      "  Missing communicator data from 2 ranks",
      "  The missing ranks: 3,7",
      "",
      "#0-1 (00a1b2c3d4e5f608) ERROR",
      "  Asynchronous errors on 6 ranks",
      "",
      "Warnings",
      "========",
      "",
      "TIMEOUT",
      "  Encountered 2 communication timeouts while gathering communicator data",
    ];
    await eachWrapTwo(lines, (r, at) => {
      const f = finding(r, "nccl/ras-report")!;
      expect(f.severity, at).toBe("error");
      expect(f.message, at).toContain("2 job processes are considered dead");
      expect(f.message, at).toContain("1 communicator lacks the data of 2 ranks");
      expect(f.message, at).toContain("(asynchronous) on 6 ranks");
      expect(f.message, at).toContain("RAS itself timed out 2 times");
      expect(f.remediation.join("\n"), at).toContain("ps -p <pid>");
    });
  });

  it("near misses: a healthy report, and the summary table's Errors column alone, are no finding", async () => {
    const healthy = await analyzeText([...mismatch.slice(0, 15), "    0         1         2         8        16        16   RUNNING        OK", "", "Errors", "======", "", "Warnings", "========", ""].join("\r\n"));
    expect(ids(healthy)).toEqual([]);
    expect(healthy.facts.nccl.nodes).toBe(2);
    const column = await analyzeText(mismatch.slice(13, 16).join("\n") + "\n");
    expect(ids(column)).toEqual([]);
  });
});

describe("plugins NCCL goes on without (near misses)", () => {
  it("tuner, profiler and net plugins not found or without a symbol, in 2.19–2.28 wordings, are no finding", async () => {
    const lines = [
      "ip-10-1-2-3:7120:7180 [0] NCCL INFO NET/Plugin: Plugin load returned 2 : libnccl-net.so: cannot open shared object file: No such file or directory : when loading libnccl-net.so",
      "ip-10-1-2-3:7120:7180 [0] NCCL INFO NET/Plugin: Using internal network plugin.",
      "ip-10-1-2-3:7120:7180 [0] NCCL INFO TUNER/Plugin: Plugin name set by env to /opt/plugins/libnccl-tuner-x.so",
      "ip-10-1-2-3:7120:7180 [0] NCCL INFO TUNER/Plugin: Failed to find ncclTunerPlugin_v3 symbol.",
      "ip-10-1-2-3:7120:7180 [0] NCCL INFO TUNER/Plugin: Failed to find ncclTunerPlugin_v2 symbol, using internal tuner instead.",
      "ip-10-1-2-3:7120:7180 [0] NCCL INFO PROFILER/Plugin: Could not find: libnccl-profiler.so.",
      "ip-10-1-2-3:7120:7180 [0] NCCL INFO TUNER/Plugin: Could not find: libnccl-tuner.so. Using internal tuner plugin.",
    ];
    await eachWrapTwo(lines, (r, at) => {
      expect(ids(r), at).toEqual([]);
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
});

describe("per-rank NCCL_DEBUG_FILE files read together (tail's headers, grep -H's file prefix)", () => {
  const a = ["gpu-a:3301:3380 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/IB/0/GDRDMA", "gpu-a:3301:3380 [0] NCCL INFO comm 0x55d0 rank 0 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE"];
  const b = ["gpu-b:4410:4480 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/IB/0/GDRDMA", "gpu-b:4410:4480 [0] transport/net_ib.cc:1034 NCCL WARN NET/IB : Got completion from peer 10.0.0.1<4000> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.0.0.2 remoteGids::ffff:10.0.0.1"];
  it("reads both files' ranks, hosts and connections, and the WARN of the second", async () => {
    const tail = await analyzeText(["==> /tmp/nccl.gpu-a.3301 <==", ...a, "", "==> /tmp/nccl.gpu-b.4410 <==", ...b, ""].join("\n"));
    const grep = await analyzeText([...a.map((l) => `/tmp/nccl.gpu-a.3301:${l}`), ...b.map((l) => `/tmp/nccl.gpu-b.4410:${l}`), ""].join("\r\n"));
    for (const [r, warnAt] of [[tail, 7], [grep, 4]] as const) {
      expect(r.facts.nccl.ranks).toBe(2);
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.facts.nccl.transports).toMatchObject({ "NET/IB/GDRDMA": 2 });
      expect(r.facts.nccl.firstWarn?.line).toBe(warnAt);
      expect(ids(r)).toContain("nccl/ib-error");
    }
  });
});
