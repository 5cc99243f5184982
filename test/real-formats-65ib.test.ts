import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a round of real logs whose story is the InfiniBand / RoCE set-up (NET/IB device lists, GID
 * selection, HCA filters, GPU Direct RDMA, SHARP). One miss of the tool: libsharp's own ERROR record (`[host:rank:pid -
 * comm.c:374] ERROR Failed to lock SAT tree(...)`) was no failure line, and the SHARP plugin's WARN after it was reported
 * as an unexplained NCCL error with network-reachability advice (now the warning nccl/sharp-failure). One miss was the
 * label's: NCCL's per-GPU/NIC GDR lines (`GPU Direct RDMA Enabled for GPU 86000 / HCA 0 (distance 4 <= 4)`) are no
 * statement about the run's GDR, as an earlier round settled. Besides, the report lists the link layers the `NET/IB :
 * Using` lists print (facts.nccl.ibLinkLayers), and a completion that timed out (status 12) on RoCE gets RoCE's advice
 * (the GID index and the route between the two NICs) where the completion line's GID is IPv4-mapped or the device list
 * says RoCE. Every log text here is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string, string[]][] = [
  ["plain", (l) => l, ["\n"]],
  ["kubectl --timestamps", (l) => `2026-12-06T23:58:02.104511871Z ${l}`, eolsFor((l) => `2026-12-06T23:58:02.104511871Z ${l}`)],
  ["Ray worker", (l) => `(RayWorkerWrapper pid=3318, ip=10.8.0.21) ${l}`, eolsFor((l) => `(RayWorkerWrapper pid=3318, ip=10.8.0.21) ${l}`)],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap, eols] of WRAPS) for (const eol of eols) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("GPU Direct RDMA decided per GPU and NIC (`Enabled for GPU x / HCA y (distance d <= l)`)", () => {
  // graph/paths.cc (2.7+) checks every GPU against every NIC while it computes paths, far NICs the GPU never uses
  // included: a pair's line is no statement about the run's connections (test/reference-patterns.test.ts, gdr.path)
  const mixed = [
    "gpu-a:510:600 [2] NCCL INFO NCCL_NET_GDR_LEVEL set by environment to PHB",
    "gpu-a:510:600 [2] NCCL INFO GPU Direct RDMA Disabled for GPU 1b000 / HCA 1 (distance 5 > 4)",
    "gpu-a:510:600 [2] NCCL INFO GPU Direct RDMA Enabled for GPU 9c000 / HCA 1 (distance 3 <= 4), read 1",
    "gpu-a:511:601 [3] NCCL INFO GPU Direct RDMA Disabled for GPU 3d000 / HCA 1 (distance 5 >",
  ];
  it("leaves nccl.gdr unknown, either way, and raises nothing", async () => {
    await eachWrap(mixed, (r, at) => {
      expect(r.facts.nccl.gdr, at).toBeNull();
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.env?.NCCL_NET_GDR_LEVEL, at).toBe("PHB");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("connection lines decide (near miss: an Enabled pair beside a connection without /GDRDMA)", async () => {
    await eachWrap([mixed[2], "gpu-a:510:602 [2] NCCL INFO Channel 00/0 : 2[2] -> 10[2] [send] via NET/IB/1"], (r, at) => expect(r.facts.nccl.gdr, at).toBe(false));
  });
});

describe("the link layers of the NET/IB device list (facts.nccl.ibLinkLayers)", () => {
  it("lists each printed link layer once, first seen first, beside the HCAs", async () => {
    await eachWrap([
      "ib-7:88:140 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/RoCE [2]mlx5_4:1/IB/SHARP [RO]; OOB ib0:10.20.0.7<0>",
      "ib-7:89:141 [1] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/RoCE [2]mlx5_4:1/IB/SHARP [RO]; OOB ib0:10.20.0.7<0>",
      "ib-7:88:140 [0] NCCL INFO Using network IB",
    ], (r, at) => {
      expect(r.facts.nccl.ibHcas, at).toEqual(["mlx5_0:1", "mlx5_3:1", "mlx5_4:1"]);
      expect(r.facts.nccl.ibLinkLayers, at).toEqual(["IB", "RoCE", "IB/SHARP"]);
      expect(r.facts.nccl.net, at).toBe("IB");
    });
  });
  it("a record cut inside its last link layer adds no cut word (near miss)", async () => {
    await eachWrap([
      "ib-7:88:140 [0] NCCL INFO NET/IB : Using [0]mlx5_9:1/IB/SHARP [RO]; OOB eth0:10.20.0.7<0>",
      "ib-7:90:142 [2] NCCL INFO NET/IB : Using [0]mlx5_9:1/IB/SH",
      "ib-7:91:143 [3] NCCL INFO NET/IB : Using [0]mlx5_9:1/IB [1]mlx5_8:1/Ro",
    ], (r, at) => {
      expect(r.facts.nccl.ibLinkLayers, at).toEqual(["IB/SHARP", "IB"]);
      expect(r.facts.nccl.ibHcas, at).toEqual(["mlx5_9:1", "mlx5_8:1"]);
    });
  });
  it("reads the pre-2.5 one-HCA-a-line form, and stays null without a device list", async () => {
    const old = await analyzeText(["ib-7:88:88 [0] NCCL INFO NET/IB: [0] mlx5_1:1/RoCE ", "ib-7:88:88 [0] NCCL INFO Using internal Network IB"].join("\n") + "\n");
    expect(old.facts.nccl.ibLinkLayers).toEqual(["RoCE"]);
    const sock = await analyzeText(["ib-7:88:140 [0] NCCL INFO NET/IB : No device found.", "ib-7:88:140 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.7<0>"].join("\n") + "\n");
    expect(sock.facts.nccl.ibLinkLayers).toBeNull();
  });
});

describe("a retry-exceeded completion (status 12) on RoCE", () => {
  const roce = [
    "rdma-3:2201:2290 [6] transport/net_ib.cc:2244 NCCL WARN NET/IB: Got completion from peer 10.44.6.9<50211> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.44.6.8 remoteGids::ffff:10.44.6.9 hca mlx5_7",
    "rdma-3:2201:2290 [6] NCCL INFO transport/net.cc:1362 -> 6",
  ];
  it("an IPv4-mapped GID names RoCE: the advice is the GID and the route between the two NICs", async () => {
    await eachWrap(roce, (r, at) => {
      const f = finding(r, "nccl/ib-error")!;
      expect(f.remediation[0], at).toContain("Status 12: on RoCE (local GID ::ffff:10.44.6.8) it most often means");
      expect(f.remediation[0], at).toContain("NCCL_IB_GID_INDEX");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
  it("the device list's link layer says RoCE where the old WARN prints no GID", async () => {
    const r = await analyzeText([
      "rdma-3:2201:2201 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE [RO]; OOB ens9f0np0:10.44.6.8<0>",
      "-ker-1:946:988 [0] transport/net_ib.cc:839 NCCL WARN NET/IB : Got completion with error 12, opcode 1, len 0, vendor err 129",
    ].join("\n") + "\n");
    expect(finding(r, "nccl/ib-error")!.remediation[0]).toMatch(/^Status 12: on RoCE it most often means/);
  });
  it("near miss: an InfiniBand link-local GID keeps the fabric advice", async () => {
    const r = await analyzeText("ib-9:77:90 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.1.0.9<4011> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid fe80::966d:ae03:8b:df54 remoteGidsfe80::966d:ae03:8b:df78\n");
    const f = finding(r, "nccl/ib-error")!;
    expect(f.remediation[0]).toMatch(/^Status 12: check the links/);
    expect(f.remediation.join("\n")).not.toContain("on RoCE");
  });
});

describe("InfiniBand SHARP (CollNet) failing to set up", () => {
  const lines = [
    "[fab-a:0:7101 - context.c:702] INFO job (ID: 4402) resource request quota: ( osts:0 user_data_per_ost:0 max_groups:0 max_qps:1 max_group_channels:1, num_trees:1)",
    "fab-b:6120:6190 [1] NCCL INFO SHARP rank 1/2 initialized on mlx5_2:1",
    "fab-a:7101:7188 [1] NCCL INFO SHARP rank 0/2 initialized on mlx5_2:1",
    "[fab-a:0:7101 - comm.c:374] ERROR Failed to lock SAT tree(ID:0x40 ret:0x4)",
    "fab-a:7101:7188 [1] sharp_plugin.c:302 NCCL WARN SHARP group create: Streaming Tree lock failed (-18)",
  ];
  it("libsharp's ERROR record is the first error; a warning names SHARP, not the network", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(5);
      expect(r.facts.nccl.nodes, at).toBe(2);
      const f = finding(r, "nccl/sharp-failure");
      expect(f?.severity, at).toBe("warning");
      expect(f?.message, at).toContain("Streaming Tree lock failed (-18)");
      expect(f?.remediation.join("\n"), at).toContain("SHARP_COLL_ENABLE_SAT=0");
      expect(ids(r), at).not.toContain("nccl/error");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("the plugin's init error and a sharpd session failure get the daemon's advice", async () => {
    const r = await analyzeText([
      "[fab-c:3:881 - context.c:276] ERROR failed to open sharp session with SHARPD daemon. please check daemon status",
      "fab-c:881:920 [0] sharp_plugin.c:276 NCCL WARN NET/IB : SHARP coll init error: Cannot connect to SHARPD(-53)",
    ].join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(1);
    const f = finding(r, "nccl/sharp-failure")!;
    expect(f.message).toContain("Cannot connect to SHARPD (-53)");
    expect(f.remediation[0]).toContain("sharpd");
  });
  it("near misses: libsharp's INFO records, the plugin's group-size fallback and NVLink SHARP are not this", async () => {
    const info = await analyzeText([lines[0], lines[1], "fab-b:6120:6190 [1] NCCL INFO SHARP: Group size:1 is less than threshold:2. fallback to non-sharp"].join("\n") + "\n");
    expect(info.facts.firstError).toBeNull();
    expect(ids(info)).not.toContain("nccl/sharp-failure");
    const nvls = await analyzeText("hgx-2:4100:4180 [3] transport/nvls.cc:287 NCCL WARN Failed to bind NVLink SHARP (NVLS) Multicast memory of size 4194304 : CUDA error 401 'the operation cannot be performed in the present state'.\n");
    expect(ids(nvls)).not.toContain("nccl/sharp-failure");
    expect(ids(nvls)).toContain("nccl/cuda-error");
  });
});
