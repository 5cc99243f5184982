import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a round of real logs whose story is the InfiniBand / RoCE set-up (NET/IB device lists, GID
 * selection, HCA filters, GPU Direct RDMA, SHARP). Two misses: NCCL's per-path GPU Direct RDMA decision (`GPU Direct RDMA
 * Enabled for GPU 86000 / HCA 0 (distance 4 <= 4), read 0` and its `Disabled ... (distance 5 > 4)`, NCCL 2.4 to now,
 * under `NET/IB : ` before 2.7) did not set nccl.gdr when no connection line followed; and libsharp's own ERROR record
 * (`[host:rank:pid - comm.c:374] ERROR Failed to lock SAT tree(...)`) was no failure line, while the SHARP plugin's WARN
 * after it was reported as an unexplained NCCL error with network-reachability advice. Besides, the report now lists
 * the link layers the `NET/IB : Using` lists print (facts.nccl.ibLinkLayers). Every log text here is written for the
 * test in the printed layout.
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
  const mixed = [
    "gpu-a:510:600 [2] NCCL INFO NCCL_NET_GDR_LEVEL set by environment to PHB",
    "gpu-a:510:600 [2] NCCL INFO GPU Direct RDMA Disabled for GPU 1b000 / HCA 1 (distance 5 > 4)",
    "gpu-a:510:600 [2] NCCL INFO GPU Direct RDMA Enabled for GPU 9c000 / HCA 1 (distance 3 <= 4), read 1",
    "gpu-a:511:601 [3] NCCL INFO GPU Direct RDMA Disabled for GPU 3d000 / HCA 1 (distance 5 >",
  ];
  it("one path with GDR on says the network connections from that GPU use it", async () => {
    await eachWrap(mixed, (r, at) => {
      expect(r.facts.nccl.gdr, at).toBe(true);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("every path turned off by distance says false, and a log that shows no second node gets no error", async () => {
    await eachWrap([mixed[0], mixed[1], mixed[3]], (r, at) => {
      expect(r.facts.nccl.gdr, at).toBe(false);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("NCCL 2.4-2.6 print the decision under the transport's name", async () => {
    const r = await analyzeText([
      "hpc-0:9100:9147 [0] NCCL INFO NET/IB : GPU Direct RDMA Enabled for GPU 18100000 / HCA 0 (distance 1 < 2), read 0",
      "hpc-0:9100:9147 [0] NCCL INFO NET/IB: Dev 0 Port 1 qpn 624257 mtu 5 LID 129",
    ].join("\n") + "\n");
    expect(r.facts.nccl.gdr).toBe(true);
    const off = await analyzeText("hpc-0:9100:9147 [1] NCCL INFO NET/IB : GPU Direct RDMA Disabled for GPU 1[1] / HCA 0 (distance 4 >= 2)\n");
    expect(off.facts.nccl.gdr).toBe(false);
  });
  it("connection lines still decide, and the HCA-wide lines keep their meaning (near misses)", async () => {
    await eachWrap([
      mixed[2],
      "gpu-a:510:602 [2] NCCL INFO Channel 00/0 : 2[2] -> 10[2] [send] via NET/IB/1",
    ], (r, at) => expect(r.facts.nccl.gdr, at).toBe(false));
    const hca = await analyzeText("gpu-a:510:600 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0' (no module)\n");
    expect(hca.facts.nccl.gdr).toBe(false);
    const able = await analyzeText("gpu-a:510:600 [0] NCCL INFO NET/IB : GPU Direct RDMA (DMABUF) enabled for HCA 0 'mlx5_0'\n");
    expect(able.facts.nccl.gdr).toBeNull();
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
  it("reads the pre-2.5 one-HCA-a-line form, and stays null without a device list", async () => {
    const old = await analyzeText(["ib-7:88:88 [0] NCCL INFO NET/IB: [0] mlx5_1:1/RoCE ", "ib-7:88:88 [0] NCCL INFO Using internal Network IB"].join("\n") + "\n");
    expect(old.facts.nccl.ibLinkLayers).toEqual(["RoCE"]);
    const sock = await analyzeText(["ib-7:88:140 [0] NCCL INFO NET/IB : No device found.", "ib-7:88:140 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.7<0>"].join("\n") + "\n");
    expect(sock.facts.nccl.ibLinkLayers).toBeNull();
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
