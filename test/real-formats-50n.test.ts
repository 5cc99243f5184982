import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fiftieth round of real logs: NCCL 2.23–2.30 from NVIDIA/nccl and nccl-tests issues (RAS, MNNVL on
 * GB200, GIN and NET plugin assignment, `Init timings -` lines, symmetric-memory windows, nccl-tests 2.17+ headers).
 * nccl-tests 2.17.4+ names the NCCL library it ran with only as a version code (`nccl-library=23007`), which left the
 * report without NCCL's version when no banner was in the paste. PyTorch's watchdog lines of two processes in different
 * subgroups (`[PG ID 11 PG GUID 119 Rank 1]` beside `[PG ID 11 PG GUID 112 Rank 0]`) were compared as one group, so the
 * finding called a rank of the other group "the lagging one". allocator.cc's `No suitable space found to accommodate`
 * (the symmetric-memory address space is full) got only the generic internal-error advice about versions and networks.
 * Every log text here is written for the test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-03-02T09:14:07.204118930Z ${l}`],
  ["docker compose", (l) => `trainer-2  | ${l}`],
  ["Ray", (l) => `(RayTrainWorker pid=30417, ip=10.4.0.21) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("nccl-tests' `nccl-library=` version code", () => {
  const header = [
    "# nccl-tests version 2.18.2 nccl-headers=22903 nccl-library=22903",
    "# Collective test starting: reduce_scatter_perf",
    "# nThread 1 nGpus 1 minBytes 1048576 maxBytes 1073741824 step: 4(factor) warmup iters: 2 iters: 10 agg iters: 1 validation: 1 graph: 0",
    "#",
    "# Using devices",
    "#  Rank  0 Group  0 Pid  51002 on   gpu-a07 device  0 [0000:18:00] NVIDIA H200",
    "#  Rank  1 Group  0 Pid  51003 on   gpu-a07 device  1 [0000:2a:00] NVIDIA H200",
  ];
  it("gives NCCL's version (2.9+ codes: major*10000 + minor*100 + patch) when no banner is in the log", async () => {
    await eachWrap(header, (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.29.3");
      expect(r.facts.bench.ncclTests?.collective, at).toBe("reduce_scatter_perf");
      expect(r.facts.missing.map((m) => m.fact), at).not.toContain("nccl.version");
    });
  });

  it("a two-digit minor reads as such (23007 = 2.30.7), and the githash form of 2.20 is read alike", async () => {
    const r = await analyzeText("# nccl-tests version 2.20.1 (c0ffee1) nccl-headers=23007 nccl-library=23007\n");
    expect(r.facts.nccl.version).toBe("2.30.7");
  });

  it("NCCL's own banner stays the source when both are there", async () => {
    const r = await analyzeText(join(["# nccl-tests version 2.18.2 nccl-headers=22903 nccl-library=22903", "gpu-a07:51002:51002 [0] NCCL INFO NCCL version 2.29.3+cuda12.9"], (l) => l));
    expect(r.facts.nccl.version).toBe("2.29.3");
    expect(ids(r)).not.toContain("cluster/version-mismatch");
  });

  it("the JSON output's `nccl_version` is read the same way", async () => {
    const doc = { nccl_version: 22806, config: { nthreads: 1, ngpus: 1, minimum_bytes: 8, maximum_bytes: 4096 }, devices: [{ rank: 0, group: 0, pid: 77, hostname: "gx3", device: 0, bus_id: "0x1b", name: "NVIDIA B200" }], results: [], average_bus_bandwidth: 0.1 };
    const r = await analyzeText(JSON.stringify(doc) + "\n");
    expect(r.facts.nccl.version).toBe("2.28.6");
  });

  it("near misses: an old code, the test's own version alone, and a pre-2.9 style number give no NCCL version", async () => {
    for (const line of ["# nccl-tests version 2.17.6", "# nccl-tests version 2.13.11 nccl-headers=2708 nccl-library=2708", "nccl-library=22903 was requested by the build script"]) {
      const r = await analyzeText(line + "\n");
      expect(r.facts.nccl.version, line).toBeNull();
    }
  });
});

describe("PyTorch watchdog timeouts of different process groups", () => {
  const twoGroups = [
    "[rank6]:[E0917 03:12:44.180422911 ProcessGroupNCCL.cpp:632] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4410, OpType=REDUCE_SCATTER, NumelIn=65536, NumelOut=16384, Timeout(ms)=900000) ran for 900113 milliseconds before timing out.",
    "[rank6]:[E0917 03:12:44.180590277 ProcessGroupNCCL.cpp:2271] [PG ID 7 PG GUID 41 Rank 2]  failure detected by watchdog at work sequence id: 4410 PG status: last enqueued work: 4418, last completed work: 4409",
    "[rank9]:[E0917 03:12:45.002117640 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=900000) ran for 900020 milliseconds before timing out.",
    "[rank9]:[E0917 03:12:45.002301985 ProcessGroupNCCL.cpp:2271] [PG ID 7 PG GUID 45 Rank 1]  failure detected by watchdog at work sequence id: 88 PG status: last enqueued work: 88, last completed work: 87",
  ];
  it("lists each group's ranks, collective and SeqNum apart, and calls no rank of one group the laggard of another", async () => {
    await eachWrap(twoGroups, (r, at) => {
      const f = finding(r, "nccl/collective-timeout");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("Ranks of 2 different process groups timed out after the 900 s timeout: rank 6 in REDUCE_SCATTER (SeqNum 4410) of PG GUID 41; rank 9 in ALLREDUCE (SeqNum 88) of PG GUID 45");
      expect(f!.message, at).not.toMatch(/lagging one|desynchronised|completed only/);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("within one group, the laggard is named by torchrun's global rank, not by its rank in the group", async () => {
    const oneGroup = [
      "[rank5]:[E0917 03:12:44.180422911 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=230, OpType=ALLGATHER, NumelIn=512, NumelOut=2048, Timeout(ms)=600000) ran for 600052 milliseconds before timing out.",
      "[rank5]:[E0917 03:12:44.180590277 ProcessGroupNCCL.cpp:2271] [PG ID 3 PG GUID 12 Rank 1]  failure detected by watchdog at work sequence id: 230 PG status: last enqueued work: 231, last completed work: 229",
      "[rank7]:[E0917 03:12:44.301998412 ProcessGroupNCCL.cpp:632] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=229, OpType=ALLGATHER, NumelIn=512, NumelOut=2048, Timeout(ms)=600000) ran for 600044 milliseconds before timing out.",
      "[rank7]:[E0917 03:12:44.302101733 ProcessGroupNCCL.cpp:2271] [PG ID 3 PG GUID 12 Rank 3]  failure detected by watchdog at work sequence id: 229 PG status: last enqueued work: 231, last completed work: 228",
    ];
    await eachWrap(oneGroup, (r, at) => {
      const f = finding(r, "nccl/collective-timeout");
      expect(f!.message, at).toBe("Ranks 5, 7 waited in ALLGATHER (SeqNum 229–230) longer than the 600 s timeout; rank 7 completed only NCCL work 228 while others reached 229: it is the lagging one.");
    });
  });

  it("a progress line that lost its torchrun prefix stays with the process of that rank", async () => {
    const r = await analyzeText([
      "[rank0]:[E0101 00:00:00.000000001 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600001 milliseconds before timing out.",
      "[E0101 00:00:00.000000002 ProcessGroupNCCL.cpp:2271] [PG ID 0 PG GUID 0(default_pg) Rank 0]  failure detected by watchdog at work sequence id: 5 PG status: last enqueued work: 5, last completed work: 4",
      "[rank1]:[E0101 00:00:00.000000003 ProcessGroupNCCL.cpp:2271] [PG ID 0 PG GUID 0(default_pg) Rank 1]  failure detected by watchdog at work sequence id: 5 PG status: last enqueued work: 5, last completed work: 2",
    ].join("\n") + "\n");
    expect(finding(r, "nccl/collective-timeout")!.message).toBe("Ranks 0, 1 waited in ALLREDUCE (SeqNum 5) longer than the 600 s timeout; rank 1 completed only NCCL work 2 while others reached 4: it is the lagging one.");
  });

  it("PyTorch 2.3's `[PG 4 Rank N]` names the group too; lines without any group stay one group", async () => {
    const older = await analyzeText([
      "[rank0]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=BROADCAST, NumelIn=8, NumelOut=8, Timeout(ms)=600000) ran for 600101 milliseconds before timing out.",
      "[rank0]:[E ProcessGroupNCCL.cpp:1537] [PG 4 Rank 0] Timeout at NCCL work: 9, last enqueued NCCL work: 9, last completed NCCL work: 8.",
      "[rank2]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=40, OpType=ALLREDUCE, NumelIn=8, NumelOut=8, Timeout(ms)=600000) ran for 600077 milliseconds before timing out.",
      "[rank2]:[E ProcessGroupNCCL.cpp:1537] [PG 6 Rank 0] Timeout at NCCL work: 40, last enqueued NCCL work: 40, last completed NCCL work: 39.",
    ].join("\n") + "\n");
    const f = finding(older, "nccl/collective-timeout")!;
    expect(f.message).toContain("rank 0 in BROADCAST (SeqNum 9) of PG 4; rank 2 in ALLREDUCE (SeqNum 40) of PG 6");
    const plain = await analyzeText([
      "[E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800563 milliseconds before timing out.",
      "[E ProcessGroupNCCL.cpp:475] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800488 milliseconds before timing out.",
      "[E ProcessGroupNCCL.cpp:475] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77, OpType=BROADCAST, Timeout(ms)=1800000) ran for 1800402 milliseconds before timing out.",
    ].join("\n") + "\n");
    expect(finding(plain, "nccl/collective-timeout")!.message).toContain("rank 3 ran BROADCAST while the others ran ALLREDUCE");
  });
});

describe("NCCL's symmetric-memory address space full (`No suitable space found to accommodate`)", () => {
  const lines = [
    "gb-n14:40211:40211 [1] NCCL INFO Symmetric VA size=192GB",
    "gb-n14:40211:40388 [1] allocator.cc:229 NCCL WARN Allocation failed. No suitable space found to accommodate size=0x1a00000000 within limit=0x3000000000",
    "gb-n14:40211:40388 [1] NCCL INFO dev_runtime.cc:602 -> 3",
    "gb-n14:40211:40388 [1] NCCL INFO dev_runtime.cc:901 -> 3",
    "gb-n14:40211:40388 [1] NCCL INFO group.cc:79 -> 3 [Async thread]",
  ];
  it("says which space is full, with both sizes, and gives window advice instead of version and network advice", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/internal-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("the rank's symmetric-memory address space is full");
      expect(f!.message, at).toContain("needed 104 GiB and the space, NCCL_WIN_STRIDE, is 192 GiB per rank");
      expect(f!.message, at).not.toMatch(/different NCCL versions/);
      expect(f!.remediation.join("\n"), at).toMatch(/ncclCommWindowDeregister/);
      expect(f!.remediation.join("\n"), at).toMatch(/raise NCCL_WIN_STRIDE/);
      expect(ids(r), at).not.toContain("nccl/error");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(2);
    });
  });

  it("reads the function-tagged source path of newer builds (`nccl/src/allocator.cc:229 (ncclSpaceAlloc)`) and no host prefix", async () => {
    const r = await analyzeText([
      "[3] nccl/src/allocator.cc:229 (ncclSpaceAlloc) NCCL WARN Allocation failed. No suitable space found to accommodate size=0x900000000 within limit=0x2400000000",
      "[3] NCCL INFO nccl/src/dev_runtime.cc:602 (symMemoryObtain) -> 3",
      "[3] NCCL INFO nccl/src/group.cc:79 (ncclAsyncJobMain) -> 3 [Async thread]",
    ].join("\n") + "\n");
    expect(finding(r, "nccl/internal-error")!.message).toContain("needed 36 GiB and the space, NCCL_WIN_STRIDE, is 144 GiB per rank");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("near misses: the INFO size line alone is no failure; another allocator WARN keeps the generic reading", async () => {
    const info = await analyzeText(lines[0] + "\n");
    expect(info.findings.filter((f) => f.severity === "error")).toEqual([]);
    const other = await analyzeText([
      "gb-n14:40211:40388 [1] allocator.cc:240 NCCL WARN No allocation found at offset=0x200000",
      "gb-n14:40211:40388 [1] NCCL INFO dev_runtime.cc:700 -> 3",
    ].join("\n") + "\n");
    const f = finding(other, "nccl/internal-error");
    expect(f).toBeDefined();
    expect(f!.message).not.toContain("symmetric-memory");
  });
});

describe("NCCL's multi-node NVLink check failing (`MNNVL (cliqueSize N) is available but not working`)", () => {
  const channel = [
    "gb-r2t5: Test NCCL failure common.cu:1279 'unhandled system error (run with NCCL_DEBUG=INFO for details) / '",
    "[2026-02-11 07:41:09] gb-r2t5:9120:9120 [2] include/alloc.h:228 NCCL WARN Cuda failure 800 'operation not permitted'",
    "[2026-02-11 07:41:09] gb-r2t5:9120:9120 [2] mnnvl.cc:67 NCCL WARN MNNVL (cliqueSize 16) is available but not working on this system. Check the IMEX channel configuration (/dev/nvidia-caps-imex-channels). Set NCCL_MNNVL_ENABLE=0 to ignore this issue.",
    "gb-r2t5:9120:9120 [2] NCCL INFO init.cc:915 -> 2",
    "gb-r2t5:9120:9120 [2] NCCL INFO group.cc:76 -> 2 [Async thread]",
  ];
  it("names the missing IMEX channel instead of shared memory and sockets, and ties the CUDA failure to it", async () => {
    await eachWrap(channel, (r, at) => {
      const f = finding(r, "nccl/system-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("multi-node NVLink (MNNVL) check: the GPUs form an NVLink clique of 16 GPUs across nodes, but NCCL could not allocate fabric memory: the process has no IMEX channel");
      expect(f!.message, at).not.toMatch(/shared memory, sockets/);
      const advice = f!.remediation.join("\n");
      expect(advice, at).toContain("--device /dev/nvidia-caps-imex-channels/channel0");
      expect(advice, at).toContain("NCCL_MNNVL_ENABLE=0 lets the job start");
      expect(finding(r, "nccl/cuda-error")!.message, at).toBe("A CUDA call inside NCCL failed while allocating fabric memory for its multi-node NVLink (MNNVL) check: operation not permitted.");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("the daemon form (`nvidia-imex-ctl -N`) points at the IMEX service; PyTorch's `Last error:` form reads alike", async () => {
    const daemon = await analyzeText("nvl-a1:300:300 [0] init.cc:1340 NCCL WARN MNNVL (cliqueSize 72) is available but not working on this system. Check the IMEX configuration (nvidia-imex-ctl -N). Set NCCL_MNNVL_ENABLE=0 to ignore this issue.\nnvl-a1:300:300 [0] NCCL INFO init.cc:1402 -> 2\n");
    const f = finding(daemon, "nccl/system-error")!;
    expect(f.message).toContain("could not export and import fabric memory between processes: the IMEX daemons do not serve this node");
    expect(f.remediation[0]).toContain("`nvidia-imex-ctl -N` must list all of them");
    const torch = await analyzeText([
      "[rank3]: torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.27.3",
      "[rank3]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error. ",
      "[rank3]: Last error:",
      "[rank3]: MNNVL (cliqueSize 8) is available but not working on this system. Check the IMEX channel configuration (/dev/nvidia-caps-imex-channels). Set NCCL_MNNVL_ENABLE=0 to ignore this issue.",
    ].join("\n") + "\n");
    expect(finding(torch, "nccl/system-error")!.message).toContain("NVLink clique of 8 GPUs");
    expect(ids(torch)).not.toContain("nccl/error");
  });

  it("near misses: MNNVL INFO lines of a healthy start-up give no finding", async () => {
    const r = await analyzeText([
      "nvl-a1:300:330 [0] NCCL INFO MNNVL busId 0x1901000 fabric UUID 5c1d00aa12f3e4b5.6a7b8c9d0e1f2a3b cliqueId 0x7ffe state 3 healthMask 0xaa",
      "nvl-a1:300:330 [0] NCCL INFO MNNVL 1 cliqueId 7ffe cliqueSize 8 cliqueRank 0",
      "nvl-a1:300:330 [0] NCCL INFO comm 0x55aa01 rank 0 nRanks 8 nNodes 2 localRanks 4 localRank 0 MNNVL 1",
    ].join("\n") + "\n");
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});

describe("new-era init lines read as facts, with no finding (RAS, GIN, MNNVL, `Init timings -`)", () => {
  const lines = [
    "dgx-b07:2201:2201 [0] NCCL INFO Assigned NET plugin IB to comm",
    "dgx-b07:2201:2201 [0] NCCL INFO Assigned GIN plugin GIN_IB_PROXY to comm",
    "dgx-b07:2201:2201 [0] NCCL INFO Using network IB",
    "dgx-b07:2201:2201 [0] NCCL INFO ncclCommInitRankConfig comm 0x55d0c1a3e2f0 rank 0 nranks 16 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a11c0de44aa0b17 - Init START",
    "dgx-b07:2201:2201 [0] NCCL INFO RAS client listening socket at ::1<28028>",
    "dgx-b07:2201:2290 [0] NCCL INFO MNNVL busId 0x18000 fabric UUID 9a1f00c2d4e6b801.77e2c4a6b8d0f213 cliqueId 0x7fff state 3 healthMask 0xaa",
    "dgx-b08:3310:3310 [1] NCCL INFO ncclCommInitRankConfig comm 0x5610aa01b7c0 rank 9 nranks 16 cudaDev 1 nvmlDev 1 busId 2a000 commId 0x7a11c0de44aa0b17 - Init START",
    "dgx-b08:3310:3402 [1] NCCL INFO ncclCommInitRankConfig comm 0x5610aa01b7c0 rank 9 nranks 16 cudaDev 1 nvmlDev 1 busId 2a000 commId 0x7a11c0de44aa0b17 - Init COMPLETE",
    "dgx-b08:3310:3402 [1] NCCL INFO Init timings - ncclCommInitRankConfig: rank 9 nranks 16 total 2.41 (kernels 0.19, alloc 0.88, bootstrap 0.61, allgathers 0.02, topo 0.30, graphs 0.05, connections 0.36, rest 0.00)",
  ];
  it("ranks, nodes, network and Init COMPLETE, and no error", async () => {
    await eachWrap(lines, (r, at) => {
      expect([r.facts.nccl.ranks, r.facts.nccl.nodes, r.facts.nccl.net, r.facts.nccl.initComplete], at).toEqual([2, 2, "IB", 1]);
      expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});

describe("an IPv6 bootstrap address (NCCL 2.2x `Bootstrap: Using iface:addr<0>` with a global IPv6 address)", () => {
  it("a global unicast address is public: security/public-address warns, with an IPv6 private-range hint", async () => {
    await eachWrap([
      "trn-7:4410:4410 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to enp",
      "trn-7:4410:4410 [0] NCCL INFO Bootstrap: Using enp65s0f0:2a01:4f8:1c1e:9a77::1<0>",
      "trn-7:4410:4410 [0] NCCL INFO NCCL version 2.26.5+cuda12.8",
    ], (r, at) => {
      const f = finding(r, "security/public-address");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("warning");
      expect(f!.message, at).toContain("the NCCL bootstrap interface enp65s0f0 is 2a01:4f8:1c1e:9a77::1: a public address");
      expect(f!.remediation[0], at).toContain("IPv6 unique-local fd00::/8");
    });
  });

  it("near misses: unique-local, link-local, documentation, loopback and an IPv4-mapped private address stay quiet", async () => {
    for (const addr of ["fd12:3456:789a::21", "fe80::a00:27ff:fe4e:66a1%enp1s0", "2001:db8:10::5", "::1", "::ffff:10.20.30.40"]) {
      const r = await analyzeText(`trn-7:4410:4410 [0] NCCL INFO Bootstrap: Using eth1:${addr}<0>\n`);
      expect(ids(r), addr).not.toContain("security/public-address");
    }
    const mapped = await analyzeText("trn-7:4410:4410 [0] NCCL INFO Bootstrap: Using eth1:::ffff:81.2.69.160<0>\n");
    expect(ids(mapped)).toContain("security/public-address");
  });
});
