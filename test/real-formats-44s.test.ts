import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";

/**
 * Formats found in a forty-fourth round of real logs from HPC clusters (Slurm `srun -l`, OpenMPI tagged output, pyxis and
 * Singularity containers, Slingshot/CXI, a log viewer's own prefix). Every log text here is written for the test in
 * the printed layout, with wrappers the logs did not all show (srun --label, mpirun, pdsh, a viewer's timestamp, CRLF).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["srun --label", (l) => `3: ${l}`],
  ["mpirun --tag-output", (l) => `[1,3]<stdout>:${l}`],
  ["pdsh", (l) => `gpu-n12: ${l}`],
  ["log viewer", (l) => `2026-12-06 09:10:11 UTC worker.2 -- [1,2]<stdout>:${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

describe("NCCL 2.4's `CUDA Dev N[M], <net> NIC distance :` names the network in use", () => {
  // transport/net.cc (2.4) prints one such line per GPU, with the name of the network whose NICs it measured
  // (ncclNetName(): IB, Socket, or a net plugin's own name), then the distance to each NIC
  const cases: [string, string, string][] = [
    ["Socket", "Socket", "SYS"],
    ["IB", "IB", "PIX SYS"],
    ["AWS Libfabric", "OFI", "PHB"],
  ];
  for (const [printed, net, dists] of cases) {
    it(`${printed} → ${net}, whatever wraps the line`, async () => {
      const log = [
        `cn-0417:5512:5530 [0] NCCL INFO CUDA Dev 0[0], ${printed} NIC distance :  ${dists}`,
        `cn-0418:7781:7799 [1] NCCL INFO CUDA Dev 1[1], ${printed} NIC distance :  ${dists}`,
      ];
      for (const [name, wrap] of WRAPS) {
        for (const eol of eolsFor(wrap)) {
          const r = await analyzeText(join(log, wrap, eol));
          expect(r.facts.nccl.net, `${name} ${JSON.stringify(eol)}`).toBe(net);
          expect(r.facts.nccl.nodes, name).toBe(2);
          expect(ids(r, "error"), name).toEqual([]);
        }
      }
    });
  }

  it("below `Using network`: the printed choice still decides, and the line makes no connection", async () => {
    const r = await analyzeText(
      join(
        [
          "cn-0417:5512:5512 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.20.0.17<0>",
          "cn-0417:5512:5512 [0] NCCL INFO Using network IB",
          "cn-0417:5512:5530 [0] NCCL INFO CUDA Dev 0[0], IB NIC distance :  PIX",
        ],
        (l) => l,
      ),
    );
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.nccl.ibHcas).toEqual(["mlx5_0:1"]);
    expect(Object.values(r.facts.nccl.transports).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("a line that only looks like it (no network name, another sentence) names nothing", async () => {
    const r = await analyzeText(
      join(
        ["cn-0417:5512:5530 [0] NCCL INFO CUDA Dev 0[0],  NIC distance :  SYS", "cn-0417:5512:5530 [0] NCCL INFO CUDA Dev 0[0], IB Ports : mlx5_0/1(PIX)"],
        (l) => l,
      ),
    );
    expect(r.facts.nccl.net).toBeNull();
  });

  it("the fast path reads it as the ordinary path does (collectives around it)", async () => {
    const lines: string[] = ["cn-0417:5512:5530 [0] NCCL INFO CUDA Dev 0[0], Socket NIC distance :  SYS"];
    for (let i = 0; i < 60; i++) lines.push(`cn-0417:5512:5512 [0] NCCL INFO AllReduce: opCount ${i.toString(16)} sendbuff 0x7f0000 recvbuff 0x7f0000 count 1024 datatype 7 op 0 root 0 comm 0x55aa00 [nranks=2] stream 0x55bb00`);
    lines.push("cn-0418:7781:7799 [0] NCCL INFO CUDA Dev 0[0], Socket NIC distance :  SYS");
    const text = lines.join("\n") + "\n";
    const reportOf = async (fastPath: boolean, chunkBytes: number) => {
      const part = await analyzeSource(memorySource("run.log", text), 0, { fastPath, limits: { chunkBytes } });
      return buildReport(part.state, part.events);
    };
    const slow = await reportOf(false, 8 << 20);
    expect(slow.facts.nccl.net).toBe("Socket");
    for (const chunk of [8 << 20, 97]) expect(JSON.stringify(await reportOf(true, chunk)), `chunk ${chunk}`).toBe(JSON.stringify(slow));
  });
});

describe("2.4's pciPath probe (`Could not find real path of /sys/class/net/eth0/device`, then `include/net.h:24 -> 2`) is read per thread", () => {
  // netGetDevices asks the net for each NIC's PCI path; a virtual NIC has none, ncclNetPciPath returns through
  // include/net.h and NCCL takes the NIC at SYS distance. Several processes print it at once, so their records
  // interleave: the `-> 2` is the next record of the probing thread, not the next line.
  const interleaved = [
    "node-a:22:30 [0] NCCL INFO CUDA Dev 0[0], Socket NIC distance :  SYS",
    "node-b:28:36 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device",
    "node-d:25:33 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device",
    "node-b:28:36 [0] NCCL INFO include/net.h:24 -> 2",
    "node-b:28:36 [0] NCCL INFO CUDA Dev 0[0], Socket NIC distance :  SYS",
    "node-c:25:33 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device",
    "node-c:25:33 [0] NCCL INFO include/net.h:24 -> 2",
    "node-c:25:33 [0] NCCL INFO CUDA Dev 0[0], Socket NIC distance :  SYS",
    "node-d:25:33 [0] NCCL INFO include/net.h:24 -> 2",
    "node-d:25:33 [0] NCCL INFO CUDA Dev 0[0], Socket NIC distance :  SYS",
  ];

  it("each probe's `-> 2` is recovered from, however far its line is from the probe; no finding", async () => {
    for (const [name, wrap] of WRAPS) {
      for (const blank of [false, true]) {
        // (the log viewer's paste put a blank line after every record)
        const lines = blank ? interleaved.flatMap((l) => [l, ""]) : interleaved;
        const r = await analyzeText(lines.map((l) => (l === "" ? l : wrap(l))).join("\n") + "\n");
        const at = `${name}${blank ? " double-spaced" : ""}`;
        expect(ids(r, "error"), at).toEqual([]);
        expect(r.facts.recovered?.filter((x) => x.kind === "error-return").length, at).toBe(3);
        // the first line reporting a failure is still the first `-> 2` (recovered or not)
        expect(r.facts.firstError?.line, at).toBe(blank ? 7 : 4);
        expect(r.facts.nccl.net, at).toBe("Socket");
        expect(r.facts.nccl.nodes, at).toBe(4);
      }
    }
  });

  it("a `-> 2` whose thread did something else since its probe, or whose thread never probed, is a failure", async () => {
    const other = await analyzeText(
      join(
        [
          "node-b:28:36 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device",
          "node-b:28:36 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.2<0>",
          "node-b:28:36 [0] NCCL INFO include/net.h:24 -> 2",
        ],
        (l) => l,
      ),
    );
    expect(ids(other, "error")).toContain("nccl/system-error");
    const elsewhere = await analyzeText(
      join(["node-b:28:36 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device", "node-b:28:37 [0] NCCL INFO include/net.h:24 -> 2"], (l) => l),
    );
    expect(ids(elsewhere, "error")).toContain("nccl/system-error");
    expect(elsewhere.facts.recovered ?? []).toEqual([]);
  });
});
