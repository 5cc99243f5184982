import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";

/**
 * Formats found in a forty-fifth round of real logs: NCCL performance and tuning pastes (slow all-reduce, low busbw,
 * NCCL_ALGO / NCCL_PROTO forced, TUNING tables, topology dumps, NVLS and CollNet summaries, PXN, nccl-tests around them).
 * Every log text here is written for the test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T09:10:11.123456789Z ${l}`],
  ["docker compose", (l) => `bench-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=5120, ip=10.1.2.3) ${l}`],
  ["srun --label", (l) => `12: ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;
const message = (r: Awaited<ReturnType<typeof analyzeText>>, id: string): string => r.findings.find((f) => f.ruleId === id)?.message ?? "";
const advice = (r: Awaited<ReturnType<typeof analyzeText>>, id: string): string => (r.findings.find((f) => f.ruleId === id)?.remediation ?? []).join(" ");

describe("NCCL's `no algorithm/protocol available` (enqueue.cc) names the collective and what restricted it", () => {
  it("a WARN that names NCCL_ALGO (2.19+): nccl/error says the setting left the collective no algorithm", async () => {
    const log = [
      "gpu-h7:3310:3310 [0] NCCL INFO NCCL_ALGO set by environment to Tree",
      "gpu-h7:3310:3310 [0] enqueue.cc:1788 NCCL WARN Error : no algorithm/protocol available for function Broadcast with datatype ncclUint8. NCCL_ALGO was set to Tree.",
      "gpu-h7:3310:3310 [0] NCCL INFO enqueue.cc:1901 -> 5",
      "gpu-h7:3310:3310 [0] NCCL INFO group.cc:160 -> 5",
    ];
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        const r = await analyzeText(join(log, wrap, eol));
        const at = `${name} ${JSON.stringify(eol)}`;
        expect(ids(r, "error"), at).toEqual(["nccl/error"]);
        expect(message(r, "nccl/error"), at).toContain("no algorithm and protocol to run Broadcast with datatype ncclUint8: NCCL_ALGO=Tree left none");
        expect(advice(r, "nccl/error"), at).toContain("Unset NCCL_ALGO ");
        expect(r.facts.nccl.env?.NCCL_ALGO, at).toBe("Tree");
        expect(r.facts.firstError?.line, at).toBe(2);
      }
    }
  });

  it("as PyTorch's `Last error:` text with neither named: nccl/internal-error says it, not a version or network guess", async () => {
    const log = [
      "[rank5]: torch.distributed.DistBackendError: NCCL error in: /src/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3690, internal error - please report this issue to the NCCL developers, NCCL version 2.27.3",
      "[rank5]: ncclInternalError: Internal check failed.",
      "[rank5]: Last error:",
      "[rank5]: Error : no algorithm/protocol available for function ReduceScatter with datatype ncclBfloat16.",
    ];
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(join(log, wrap));
      expect(ids(r, "error"), name).toEqual(["nccl/internal-error"]);
      const m = message(r, "nccl/internal-error");
      expect(m, name).toContain("no algorithm and protocol to run ReduceScatter with datatype ncclBfloat16 (`no algorithm/protocol available`)");
      expect(m, name).not.toContain("different NCCL versions");
      expect(advice(r, "nccl/internal-error"), name).toContain("NCCL_COLLNET_ENABLE");
      expect(r.findings[0].evidence.map((e) => e.line), name).toContain(4);
    }
  });

  it("NCCL before 2.19 names nothing (`Error : no algorithm/protocol available`, then `-> 3`)", async () => {
    const r = await analyzeText(
      join(
        [
          "tr-3:881:881 [1] NCCL INFO comm 0x5590 rank 1 nranks 4 cudaDev 1 busId 3b000 - Init COMPLETE",
          "tr-3:881:881 [1] enqueue.cc:422 NCCL WARN Error : no algorithm/protocol available",
          "tr-3:881:881 [1] NCCL INFO enqueue.cc:510 -> 3",
        ],
        (l) => l,
      ),
    );
    expect(ids(r, "error")).toEqual(["nccl/internal-error"]);
    expect(message(r, "nccl/internal-error")).toContain("no algorithm and protocol to run a collective");
    expect(advice(r, "nccl/internal-error")).toContain("NCCL before 2.19 does not name them");
  });

  it("2.31's wording with the env part on a line of its own, a per-collective NCCL_ALGO", async () => {
    const log = [
      "No algorithm/protocol nor symKernelId available for function AllGather with datatype ncclInt8.",
      "NCCL_ALGO was set to allreduce:ring. NCCL_PROTO was set to LL128.",
      "torch.distributed.DistBackendError: NCCL error in: /src/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.31.2",
    ];
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(join(log, wrap));
      expect(ids(r, "error"), name).toEqual(["nccl/error"]);
      expect(message(r, "nccl/error"), name).toContain("AllGather with datatype ncclInt8: NCCL_ALGO=allreduce:ring and NCCL_PROTO=LL128 left none");
      expect(advice(r, "nccl/error"), name).toContain("names algorithms for some collectives only");
      expect(advice(r, "nccl/error"), name).not.toContain("duplicate GPUs");
    }
  });

  it("the per-call choice lines of TUNING (`Bytes -> Algo`) and `NCCL_ALGO set by environment` are no error", async () => {
    const log = [
      "gpu-h7:3310:3310 [0] NCCL INFO NCCL_ALGO set by environment to Ring",
      "gpu-h7:3310:3310 [0] NCCL INFO NCCL_PROTO set by environment to Simple",
      "gpu-h7:3310:3310 [0] NCCL INFO 4194304 Bytes -> Algo 1 proto 2 time 61.250000",
      "gpu-h7:3310:3310 [0] NCCL INFO AllReduce: 33554432 Bytes -> Algo RING proto SIMPLE channel{Lo..Hi}={0..31}",
      "[0] NCCL INFO 8388608 Bytes -> Algo 1 proto 2 time 118.031250",
    ];
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(join(log, wrap));
      expect(r.findings, name).toEqual([]);
      expect(r.facts.firstError, name).toBeNull();
      expect(r.facts.nccl.env, name).toMatchObject({ NCCL_ALGO: "Ring", NCCL_PROTO: "Simple" });
    }
  });
});

describe("nccl-tests' `Test NCCL failure file:line '<result>'` and PyTorch's bare `ncclInvalidUsage:` are NCCL errors", () => {
  const row = "     1048576        262144     float     sum      -1    812.4    1.29    2.42      0    809.9    1.29    2.43      0";
  const results: [string, string, string][] = [
    ["invalid usage (run with NCCL_DEBUG=WARN for details) / ", "nccl/error", "invalid usage"],
    ["invalid argument (run with NCCL_DEBUG=WARN for details) / ", "nccl/error", "invalid argument"],
    ["invalid usage", "nccl/error", "invalid usage"],
    ["internal error - please report this issue to the NCCL developers / ", "nccl/internal-error", "ncclInternalError"],
    ["unhandled system error (run with NCCL_DEBUG=INFO for details) / ", "nccl/system-error", ""],
  ];
  for (const [said, rule, word] of results) {
    it(`'${said.trim()}' → ${rule}`, async () => {
      for (const [name, wrap] of WRAPS) {
        const r = await analyzeText(join([row, `gpu-n7: Test NCCL failure common.cu:1199 '${said}'`, " .. gpu-n7 pid 4410: Test failure common.cu:1077"], wrap));
        expect(ids(r, "error"), name).toEqual([rule]);
        expect(message(r, rule), name).toContain(word);
        expect(r.facts.firstError?.line, name).toBe(2);
      }
    });
  }

  it("'invalid usage' alone names NCCL_ALGO / NCCL_PROTO among its causes", async () => {
    const r = await analyzeText(join([row, "gpu-n7: Test NCCL failure common.cu:1199 'invalid usage (run with NCCL_DEBUG=WARN for details) / '"], (l) => l));
    expect(advice(r, "nccl/error")).toContain("NCCL_ALGO / NCCL_PROTO forcing an algorithm or protocol that some collective lacks");
  });

  it("a CUDA failure of the benchmark is not an NCCL error", async () => {
    const r = await analyzeText(join([row, "gpu-n7: Test CUDA failure common.cu:892 'invalid device ordinal'"], (l) => l));
    expect(ids(r)).not.toContain("nccl/error");
  });

  it("PyTorch's `ncclInvalidUsage:` line quoted without the `NCCL error in:` line before it", async () => {
    const log = [
      "> invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.26.5",
      "> ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
      "> Last error:",
      "> Error : no algorithm/protocol available for function Broadcast with datatype ncclInt8. NCCL_ALGO was set to NVLSTree.",
    ];
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(join(log, wrap));
      expect(ids(r, "error"), name).toEqual(["nccl/error"]);
      expect(message(r, "nccl/error"), name).toContain("NCCL reported ncclInvalidUsage: its tuner found no algorithm and protocol to run Broadcast with datatype ncclInt8: NCCL_ALGO=NVLSTree left none");
    }
  });
});

describe("tuning, topology and channel lines of a performance paste make no facts and no finding", () => {
  const paste = [
    "gpu-b2:7101:7160 [0] NCCL INFO === System : maxBw 48.0 totalBw 370.8 ===",
    "gpu-b2:7101:7160 [0] NCCL INFO CPU/0-0 (1/2/-1)",
    "gpu-b2:7101:7160 [0] NCCL INFO + PCI[48.0] - PCI/0-3a000 (1000c0301000100b)",
    "gpu-b2:7101:7160 [0] NCCL INFO              + PCI[48.0] - NIC/0-3c000",
    "gpu-b2:7101:7160 [0] NCCL INFO                            + NET[50.0] - NET/0-2 (0/9a0b1c0003ffee11/1/50.000000)",
    "gpu-b2:7101:7160 [0] NCCL INFO              + PCI[48.0] - GPU/0-3d000 (4)",
    "gpu-b2:7101:7160 [0] NCCL INFO                            + NVL[370.8] - NVS/0-0",
    "gpu-b2:7101:7160 [0] NCCL INFO GPU/3D000 :GPU/3D000 (0/5000.000000/LOC) NVS/0 (1/370.800000/NVL) NET/2 (3/48.000000/PXB) ",
    "gpu-b2:7101:7160 [0] NCCL INFO Pattern 4, crossNic 0, nChannels 8, bw 40.000000/40.000000, type NVL/PXB, sameChannels 1",
    "gpu-b2:7101:7160 [0] NCCL INFO  0 : NET/2 GPU/4 GPU/5 NET/3",
    "gpu-b2:7101:7160 [0] NCCL INFO comm 0x55d1c0 rank 4 nRanks 32 nNodes 4 localRanks 8 localRank 4 MNNVL 0",
    "gpu-b2:7101:7160 [0] NCCL INFO NVLS Head  0:  0  8 16 24",
    "gpu-b2:7101:7160 [0] NCCL INFO Channel 00/16 :    0   1   2   3   4   5   6   7   8   9  10  11  12  13  14  15",
    "gpu-b2:7101:7160 [0] NCCL INFO   Algorithm   |                            Tree                  |                            Ring                  |",
    "gpu-b2:7101:7160 [0] NCCL INFO   Protocol    |             LL |          LL128 |         Simple |             LL |          LL128 |         Simple |",
    "gpu-b2:7101:7160 [0] NCCL INFO  Max NThreads |            512 |            640 |            512 |            512 |            640 |            512 |",
    "gpu-b2:7101:7160 [0] NCCL INFO     AllReduce |    15.2/  26.7 |    27.0/ 148.6 |    52.0/ 190.0 |    10.1/  22.8 |    19.3/ 127.3 |    44.6/ 162.0 |",
    "gpu-b2:7101:7160 [0] NCCL INFO Latency/AlgBw |    Tree/    LL |    Tree/ LL128 |    Tree/Simple |    Ring/    LL |    Ring/ LL128 |    Ring/Simple |",
    "gpu-b2:7101:7160 [0] NCCL INFO 16 coll channels, 16 collnet channels, 16 nvls channels, 16 p2p channels, 2 p2p channels per peer",
    "gpu-b2:7101:7160 [0] NCCL INFO Comm config Min CTAs set to 8",
    "gpu-b2:7101:7160 [0] NCCL INFO TUNER/Plugin: Could not find: libnccl-tuner.so. Using internal tuner plugin.",
    "gpu-b2:7101:7160 [0] NCCL INFO TUNER/Plugin: Failed to find ncclTunerPlugin_v4 symbol.",
    "gpu-b2:7101:7160 [0] NCCL INFO PROFILER/Plugin: Could not find: libnccl-profiler.so.",
  ];

  it("no network, no connection, one rank (the comm line's), nodes from nNodes", async () => {
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(join(paste, wrap, eol));
        expect(r.findings, at).toEqual([]);
        expect(r.facts.nccl.ranks, at).toBe(1);
        expect(r.facts.nccl.nodes, at).toBe(4);
        expect(r.facts.nccl.net, at).toBeNull();
        expect(r.facts.nccl.gdr, at).toBeNull();
        expect(Object.values(r.facts.nccl.transports).reduce((a, b) => a + b, 0), at).toBe(0);
        expect(r.facts.firstError, at).toBeNull();
      }
    }
  });

  it("the same with every prefix stripped by the user: no host, no node", async () => {
    const bare = paste.map((l) => l.replace(/^gpu-b2:7101:7160 \[0\] NCCL INFO ?/, "").replace(/^comm /, "comm "));
    const r = await analyzeText(join(bare.filter((l) => !l.startsWith("comm ")), (l) => l));
    expect(r.findings).toEqual([]);
    expect(r.facts.nccl.nodes).toBeNull();
    expect(r.facts.nccl.net).toBeNull();
  });
});

describe("RCCL refusing NCCL_MIN_NCHANNELS (init.cc) is a dropped tuning setting, not a failure", () => {
  // both guards set the minimum to 2 and init goes on
  for (const why of ["less than 8 GPUs.", "greater than max allowed 48 channels."]) {
    it(`\`ignored due to ${why}\``, async () => {
      const log = [
        "mi-x4:5101:5101 [0] NCCL INFO NCCL_MIN_NCHANNELS set by environment to 112.",
        `mi-x4:5101:5190 [0] init.cc:1460 NCCL WARN NCCL_MIN_NCHANNELS set by environment is ignored due to ${why}`,
        "mi-x4:5101:5190 [0] NCCL INFO Channel 00/48 :    0   1   2   3",
        "mi-x4:5101:5190 [0] NCCL INFO comm 0x55aa rank 0 nranks 4 cudaDev 0 busId 5000 commId 0x12 - Init COMPLETE",
      ];
      for (const [name, wrap] of WRAPS) {
        const r = await analyzeText(join(log, wrap));
        expect(ids(r, "error"), name).toEqual([]);
        expect(r.facts.firstError, name).toBeNull();
        expect(r.facts.nccl.firstWarn?.line, name).toBe(2);
        expect(r.facts.nccl.env?.NCCL_MIN_NCHANNELS, name).toBe("112");
      }
    });
  }

  it("a WARN that only starts the same way is still a failure", async () => {
    const r = await analyzeText(join(["mi-x4:5101:5190 [0] init.cc:1460 NCCL WARN NCCL_MIN_NCHANNELS set by environment is ignored due to an invalid value", "mi-x4:5101:5190 [0] NCCL INFO init.cc:1470 -> 5"], (l) => l));
    expect(ids(r, "error")).toEqual(["nccl/error"]);
  });
});

describe("graph/tuning.cc's `Invalid NCCL_NTHREADS` WARNs: NCCL clamps the thread count and goes on", () => {
  const said = ["Invalid NCCL_NTHREADS 100 (must be a multiple of 32)", "Invalid NCCL_LL128_NTHREADS 1024 (maximum 640).", "Invalid NCCL_NTHREADS 32 (minimum 64)."];
  it("no error, no first error; the WARN is still the first WARN", async () => {
    for (const w of said) {
      for (const [name, wrap] of WRAPS) {
        const r = await analyzeText(join(["gpu-c1:600:640 [0] NCCL INFO NCCL_NTHREADS set by environment to 100.", `gpu-c1:600:640 [0] graph/tuning.cc:88 NCCL WARN ${w}`, "gpu-c1:600:640 [0] NCCL INFO comm 0x55aa rank 0 nranks 2 cudaDev 0 busId 5000 commId 0x12 - Init COMPLETE"], wrap));
        expect(ids(r, "error"), `${w} ${name}`).toEqual([]);
        expect(r.facts.firstError, `${w} ${name}`).toBeNull();
        expect(r.facts.nccl.firstWarn?.line, `${w} ${name}`).toBe(2);
      }
    }
  });

  it("another `Invalid NCCL_…` WARN is still a failure", async () => {
    const r = await analyzeText(join(["gpu-c1:600:600 [0] bootstrap.cc:90 NCCL WARN Invalid NCCL_COMM_ID, please use format: <ipv4>:<port> or [<ipv6>]:<port> or <hostname>:<port>", "gpu-c1:600:600 [0] NCCL INFO init.cc:1600 -> 4"], (l) => l));
    expect(ids(r, "error").length).toBeGreaterThan(0);
    expect(r.facts.firstError?.line).toBe(1);
  });
});

describe("graph/xml.cc's `Could not open XML topology file` (NCCL_TOPO_FILE): NCCL detects the topology itself and goes on", () => {
  it("no error, no first error", async () => {
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(join(["gpu-c1:600:640 [0] NCCL INFO NCCL_TOPO_FILE set by environment to /etc/ndv5/topo.xml", "gpu-c1:600:640 [0] graph/xml.cc:708 NCCL WARN Could not open XML topology file /etc/ndv5/topo.xml : No such file or directory", "gpu-c1:600:640 [0] NCCL INFO comm 0x55aa rank 0 nranks 2 cudaDev 0 busId 5000 commId 0x12 - Init COMPLETE"], wrap));
      expect(ids(r, "error"), name).toEqual([]);
      expect(r.facts.firstError, name).toBeNull();
      expect(r.facts.nccl.env?.NCCL_TOPO_FILE, name).toBe("/etc/ndv5/topo.xml");
    }
  });

  it("the XML graph file of NCCL_GRAPH_FILE missing is a failure (ncclSystemError)", async () => {
    const r = await analyzeText(join(["gpu-c1:600:640 [0] graph/xml.cc:770 NCCL WARN Could not open XML graph file /tmp/graph.xml : No such file or directory", "gpu-c1:600:640 [0] NCCL INFO graph/search.cc:1020 -> 2"], (l) => l));
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r, "error").length).toBeGreaterThan(0);
  });
});

describe("connection lines of performance pastes", () => {
  it("PXN's `NET/IBext_v8/0(7)/GDRDMA` (the NIC, then the proxy rank) is NET/IB with GDR", async () => {
    const log = [
      "gpu-b2:7101:7170 [0] NCCL INFO Channel 03/0 : 0[0] -> 7[7] via P2P/CUMEM",
      "gpu-b2:7101:7170 [0] NCCL INFO Channel 07/0 : 0[0] -> 23[7] [send] via NET/IBext_v8/0(7)/GDRDMA",
      "gpu-b2:7101:7170 [0] NCCL INFO Channel 15/0 : 0[0] -> 23[7] [send] via NET/IBext_v8/0(7)/GDRDMA",
    ];
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(join(log, wrap));
      expect(r.facts.nccl.transports, name).toMatchObject({ "P2P/CUMEM": 1, "NET/IB/GDRDMA": 2, "NET/IB": 0 });
      expect(r.facts.nccl.net, name).toBe("IB");
      expect(r.facts.nccl.gdr, name).toBe(true);
      expect(r.facts.nccl.ranks, name).toBe(3);
      expect(ids(r), name).toEqual([]);
    }
  });

  it("a prefix whose host the paste lost (`:22901:22901 [0]`) still gives ranks; no node; NET/IB without GDR is said", async () => {
    const log = [
      ":4180:4180 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/IB/2",
      ":4180:4180 [0] NCCL INFO Channel 01/0 : 0[0] -> 1[0] [send] via NET/IB/3",
      ":4180:4180 [0] NCCL INFO Connected all rings, use ring PXN 0 GDR 0",
    ];
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(join(log, wrap));
      expect(r.facts.nccl.ranks, name).toBe(2);
      // (Ray's own prefix names the node by its address)
      expect(r.facts.nccl.nodes, name).toBe(name === "Ray" ? 1 : null);
      expect(r.facts.nccl.gdr, name).toBe(false);
      expect(ids(r), name).toEqual(["nccl/gdrdma-disabled"]);
    }
  });

  it("the fast path reads PXN connections among many `Bytes -> Algo` lines as the ordinary path does", async () => {
    const lines: string[] = ["gpu-b2:7101:7101 [0] NCCL INFO NCCL_ALGO set by environment to Ring"];
    for (let i = 0; i < 80; i++) {
      lines.push(`gpu-b2:7101:7101 [0] NCCL INFO ${1 << (i % 24)} Bytes -> Algo 1 proto ${i % 3} time ${(20 + i).toFixed(6)}`);
      if (i % 10 === 0) lines.push(`gpu-b2:7101:7170 [0] NCCL INFO Channel ${String(i / 10).padStart(2, "0")}/0 : 0[0] -> 15[7] [send] via NET/IBext_v8/0(7)/GDRDMA`);
    }
    lines.push("gpu-c4:8202:8202 [7] NCCL INFO comm 0x55aa rank 15 nranks 16 cudaDev 7 nvmlDev 7 busId db000 commId 0x9f1 - Init COMPLETE");
    const text = lines.join("\n") + "\n";
    const reportOf = async (fastPath: boolean, chunkBytes: number) => {
      const part = await analyzeSource(memorySource("run.log", text), 0, { fastPath, limits: { chunkBytes } });
      return buildReport(part.state, part.events);
    };
    const slow = await reportOf(false, 8 << 20);
    expect(slow.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(8);
    expect(slow.facts.nccl.nodes).toBe(2);
    for (const chunk of [8 << 20, 97]) expect(JSON.stringify(await reportOf(true, chunk)), `chunk ${chunk}`).toBe(JSON.stringify(slow));
  });
});
