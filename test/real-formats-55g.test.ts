import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 55g of real logs: NCCL_DEBUG=INFO output pasted in issues of multi-node training frameworks
 * (Megatron-LM, DeepSpeed, NeMo, torchtitan, FSDP). Shapes: Slurm's `srun --label` task prefix (`3: `) before the NCCL
 * prefix, pdsh's `host: ` prefix with its empty records, torchrun's `[rankN]:` glued to the host, child communicators
 * made by ncclCommSplit (`bootstrapSplit`, `ncclCommSplit ... splitCount N ... - Init COMPLETE`, `Init timings -
 * ncclCommSplit:`), a communicator whose own `nNodes` is larger than the hosts pasted, records glued mid-line by
 * interleaved writes, the subnet manager's routine async events, and markdown quoting. Every log text here is written
 * for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T19:50:03.204118872Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray", (l) => `(TrainWorker pid=9120, ip=10.20.0.4) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const ZERO = { "P2P/IPC": 0, "P2P/CUMEM": 0, "P2P/direct": 0, SHM: 0, "NET/IB": 0, "NET/IB/GDRDMA": 0, "NET/Socket": 0, "NET/OFI": 0, NVLS: 0, CollNet: 0 };

describe("Slurm `srun --label` task prefix before the NCCL prefix", () => {
  const lines = [
    "3: step 0 of 500, loss 10.93",
    "3: trn-b07:40211:40211 [3] NCCL INFO Bootstrap: Using ens5:10.3.0.17<0>",
    "3: trn-b07:40211:40211 [3] NCCL INFO NCCL version 2.26.2+cuda12.4",
    "3: trn-b07:40211:40290 [3] NCCL INFO NET/OFI Selected provider is efa, fabric is efa-direct (found 4 nics)",
    "12: trn-c11:51002:51090 [4] NCCL INFO NET/OFI Using transport protocol RDMA",
    "12: trn-c11:51002:51002 [4] NCCL INFO Comm config Blocking set to 1",
  ];
  it("reads the hosts, the version and the network; the task id is not a rank", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.nodes, at).toBe(2);
      expect([...n.hosts].sort(), at).toEqual(["trn-b07", "trn-c11"]);
      expect(n.ranks, at).toBeNull();
      expect(n.net, at).toBe("OFI");
      expect(n.version, at).toBe("2.26.2");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("pdsh `host: ` prefix, empty records, IB without GPU Direct RDMA", () => {
  const lines = [
    "dgx12: dgx12:7731:7790 [0] NCCL INFO Allocated 4194656 bytes of shared memory in /dev/shm/nccl-Qz81aa",
    "dgx12: ",
    "dgx12: dgx12:7731:7790 [0] NCCL INFO New proxy recv connection 0 from local rank 0, transport 2",
    "dgx13: dgx13:9902:9950 [0] NCCL INFO Channel 00/0 : 0[17000] -> 1[17000] [receive] via NET/IB/0",
    "dgx13: ",
    "dgx12: dgx12:7731:7788 [0] NCCL INFO Channel 00/0 : 1[17000] -> 0[17000] [receive] via NET/IB/0",
    "dgx13: dgx13:9902:9950 [0] NCCL INFO Connection to proxy localRank 0 -> connection 0x7f10c0004010",
  ];
  it("counts two hosts and two NET/IB connections, and says GDR is off", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.nodes, at).toBe(2);
      expect(n.ranks, at).toBe(2);
      expect(n.transports, at).toEqual({ ...ZERO, "NET/IB": 2 });
      expect(n.gdr, at).toBe(false);
      expect(ids(r), at).toContain("nccl/gdrdma-disabled");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("a child communicator made by ncclCommSplit", () => {
  const lines = [
    "gpu-a3:88120:88201 [1] NCCL INFO bootstrapSplit: comm 0x5581aa10c2e0 parent 0x5581a9ff1200 rank 1 nranks 2 color 91827364 key 1 prev 0 next 0 - DONE",
    "gpu-a3:88120:88201 [1] NCCL INFO ncclCommSplit comm 0x5581aa10c2e0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2a000 parent 0x5581a9ff1200 splitCount 3 color 91827364 key 1 - Init COMPLETE",
    "gpu-a3:88120:88201 [1] NCCL INFO Init timings - ncclCommSplit: rank 1 nranks 2 total 0.09 (kernels 0.00, alloc 0.00, bootstrap 0.01, allgathers 0.00, topo 0.07, graphs 0.00, connections 0.01, rest 0.00)",
    "gpu-a3:88120:88209 [1] NCCL INFO Channel 00/0 : 0[2a000] -> 1[2a000] [receive] via NET/IBext_v8/2/GDRDMA",
    "gpu-a3:88120:88209 [1] NCCL INFO Channel 01/0 : 0[2a000] -> 1[2a000] [receive] via NET/IBext_v8/2/GDRDMA",
    "gpu-a3:88120:88209 [1] NCCL INFO Channel 00/0 : 1[2a000] -> 0[2a000] [send] via NET/IBext_v8/2/GDRDMA",
  ];
  it("counts its Init COMPLETE, its ranks and its plugin connections", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.initComplete, at).toBe(1);
      expect(n.ranks, at).toBe(2);
      expect(n.net, at).toBe("IB");
      expect(n.gdr, at).toBe(true);
      expect(n.transports, at).toEqual({ ...ZERO, "NET/IB/GDRDMA": 3 });
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("NCCL's own nNodes larger than the hosts pasted", () => {
  const lines = [
    "[rank4]:train-w0:5120:5301 [4] NCCL INFO comm 0x3c1e9a0 rank 4 nRanks 16 nNodes 2 localRanks 8 localRank 4 MNNVL 0",
    "[rank4]:train-w0:5120:5301 [4] NCCL INFO Channel 00/24 : 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
    "[rank5]:train-w0:5121:5302 [5] NCCL INFO comm 0x3d00a10 rank 5 nRanks 16 nNodes 2 localRanks 8 localRank 5 MNNVL 0",
  ];
  it("takes the node count from nNodes; ring-order lines add no ranks", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.nodes, at).toBe(2);
      expect(n.hosts, at).toEqual(["train-w0"]);
      expect(n.ranks, at).toBe(2);
      expect(n.transports, at).toEqual(ZERO);
    });
  });
});

describe("the subnet manager's routine async events after Init COMPLETE", () => {
  const lines = [
    "node7:3301:3390 [0] NCCL INFO comm 0x2a81c40 rank 0 nranks 2 cudaDev 0 busId 4f000 - Init COMPLETE",
    "node7:3302:3391 [1] NCCL INFO comm 0x2b0d190 rank 1 nranks 2 cudaDev 1 busId 52000 - Init COMPLETE",
    "",
    "node7:3301:3396 [0] transport/net_ib.cc:93 NCCL WARN NET/IB : Got async event : client reregistration",
    "",
    "node7:3302:3397 [0] transport/net_ib.cc:93 NCCL WARN NET/IB : Got async event : client reregistr",
  ];
  it("keeps the WARN as the first warning, but reports no failure", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.initComplete, at).toBe(2);
      expect(n.firstWarn?.text, at).toContain("NCCL WARN NET/IB : Got async event : client reregistration");
      // NCCL writes the newline before a WARN itself: under a pid prefix (Ray) the record starts on that prefixed blank
      expect(n.firstWarn?.line, at).toBe(at.startsWith("Ray") ? 3 : 4);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("near miss: a port error is an IB failure", async () => {
    const r = await analyzeText(lines.map((l) => l.replace(/client reregistr(?:ation)?/, "port error")).join("\n") + "\n");
    expect(ids(r)).toContain("nccl/ib-error");
  });
});

describe("records glued mid-line by interleaved writes", () => {
  const lines = [
    "h42:7001:7100 [3] NCCL INFO Channel 02/0 : 3[3] -> 2[2] via P2P/CUMEM",
    "h42:7001:7100 [3] NCCL INFO Channel 04/0 : 3[3] -> 2[h42:6999:7102 [1] NCCL INFO Connected all rings",
    "h42:6999:71h42:7001:7100 [3] NCCL INFO Channel 03/0 : 3[3] -> 11[3] [send] via NET/IB/3/GDRDMA",
    "h42:7001:7100 [3] NCCL INFO Channel 06/0 : 3[3] -> h42:6999:7102 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/CUMEM",
    "h42:6999:7102 [1] NCCL INFO Channel 02/0 : 1[1] -> 0[0] via P2P/CUM",
  ];
  it("counts each complete record once, not the cut ones, and sees one host", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.transports, at).toEqual({ ...ZERO, "P2P/CUMEM": 2, "NET/IB/GDRDMA": 1 });
      expect(n.nodes, at).toBe(1);
      expect(n.ranks, at).toBe(5);
      expect(n.gdr, at).toBe(true);
    });
  });
});

describe("markdown-quoted newest NCCL lines", () => {
  const lines = [
    "> ws-0a9f:2201:2290 [6] NCCL INFO Channel 11/0 : 0[6] -> 1[7] via P2P/CUMEM/read",
    "> ws-0a9f:2201:2290 [6] NCCL INFO Connected all rings, use ring PXN 0 GDR 1",
    "> ws-0a9f:2202:2292 [7] NCCL INFO Assigned NET plugin IB to comm",
  ];
  it("reads the plugin's network; the GDR flag of a summary is not a connection", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.net, at).toBe("IB");
      expect(n.transports, at).toEqual({ ...ZERO, "P2P/CUMEM": 1 });
      expect(n.gdr, at).toBeNull();
      expect(n.nodes, at).toBe(1);
    });
  });
});

describe("torchrun `[rankN]: ` before PyTorch's NCCL system error", () => {
  const lines = [
    "[rank6]: torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
    "[rank6]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.",
    "[rank6]: Last error:",
    "[rank6]: socketPollConnect poll() returned 1, no POLLOUT events",
  ];
  it("reports the system error at its first line, with the version PyTorch printed", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toContain("nccl/system-error");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl!.version, at).toBe("2.21.5");
      expect(r.facts.nccl!.ranks, at).toBe(1);
      expect(r.facts.nccl!.nodes, at).toBeNull();
    });
  });
});

describe("a host whose name is a bare number (`17:pid:tid [dev]`)", () => {
  const lines = [
    "17:3120:3301 [2] NCCL INFO Channel 00/0 : 2[56000] -> 1[49000] via P2P/IPC",
    "17:3120:3301 [2] NCCL INFO Channel 08/0 : 2[56000] -> 1[49000] via P2P/IPC",
    "17:3122:3310 [4] NCCL INFO Channel 04/0 : 12[85000] -> 4[85000] [receive] via NET/IB/3/GDRDMA",
    "17:3122:3310 [4] NCCL INFO Channel 04/0 : 4[85000] -> 12[85000] [send] via NET/IB/3/GDRDMA",
    "17:3125:3312 [7] NCCL INFO Channel 07/0 : 15[dd000] -> 7[dd000] [receive] via NE",
  ];
  it("is one host; its connections are read, the cut one adds its ranks only", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.nodes, at).toBe(1);
      expect(n.ranks, at).toBe(6);
      expect(n.transports, at).toEqual({ ...ZERO, "P2P/IPC": 2, "NET/IB/GDRDMA": 2 });
      expect(n.gdr, at).toBe(true);
    });
  });
});

describe("HPC-X plugin completion error in a container, then PyTorch's remote error", () => {
  const lines = [
    "7f3c2a91d0b4:5120:6601 [2] ib_plugin.c:1673 NCCL WARN NET/IB: Got completion from peer 10.9.0.31<41822> with status=5 opcode=0 len=0 vendor err 249 (Recv) hca ibp24s0",
    "7f3c2a91d0b4:5120:6601 [2] NCCL INFO transport/net.cc:1314 -> 6",
    "7f3c2a91d0b4:5120:6601 [2] NCCL INFO proxy.cc:819 -> 6 [Progress Thread]",
    "[rank2]:[E0412 03:11:09.118200731 ProcessGroupNCCL.cpp:541] [Rank 2] found async exception when checking for NCCL errors: NCCL error: remote process exited or there was a network error, NCCL version 2.22.3",
    "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
  ];
  it("reports the IB failure and the remote error, first at the WARN", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(expect.arrayContaining(["nccl/ib-error", "nccl/remote-process-exited"]));
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl!.firstWarn?.line, at).toBe(1);
      expect(r.facts.nccl!.net, at).toBe("IB");
      expect(r.facts.nccl!.version, at).toBe("2.22.3");
      expect(r.facts.nccl!.nodes, at).toBe(1);
    });
  });
});

describe("communicators torn down: `Abort COMPLETE` and `Destroy COMPLETE` are not Init COMPLETE", () => {
  const lines = [
    "pp-node:40112:40190 [1] NCCL INFO comm 0x55d0a1c0e480 rank 0 nranks 1 cudaDev 1 busId 2d000 - Abort COMPLETE",
    "pp-node:40112:40201 [1] NCCL INFO comm 0x55d0a2b127e0 rank 1 nranks 2 cudaDev 1 busId 2d000 - Abort COMPLETE",
    "pp-node:40113:40207 [2] NCCL INFO comm 0x55e1b0c03a10 rank 0 nranks 2 cudaDev 2 busId 3d000 - Destroy COMPLETE",
  ];
  it("counts no Init COMPLETE but still reads the ranks", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl!;
      expect(n.initComplete, at).toBe(0);
      expect(n.ranks, at).toBe(2);
      expect(n.nodes, at).toBe(1);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});
