import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70nq: NCCL_DEBUG=INFO output pasted in NVIDIA/nccl and NVIDIA/nccl-tests issues of the
 * NCCL 2.3–2.12 years. One miss: a paste of one node's lines of a larger run (NCCL 2.3's `rank 0 nranks 8` with three
 * of its ranks shown), whose InfiniBand set-up ran over the IPoIB interface ib0, listed no port and left the process
 * on `Using internal Network Socket`. socket-fallback waited for proof of a second node, which a one-node chunk of a
 * thread never gives. The other shapes of the round (2.4's bracketless `Ring 00 : 15 -> 0 [send] via NET/Socket/0`,
 * 2.5's `via direct shared memory`, `Init COMPLETE` without a busId, markdown bold around records, a pod-log word before
 * the host, nccl-tests' own `Test CUDA failure`) were read right at first sight and are held here. Every log text is
 * written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2020-04-02T09:15:27.004711230Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["mpirun --tag-output", (l) => `[1,0]<stdout>:${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const fallback = (r: Report) => r.findings.find((f) => f.ruleId === "nccl/socket-fallback");

// NCCL 2.3 (net_ib.cu, init.cu): the IB set-up names its side channel, lists no port, and the process takes Socket;
// the communicator has eight ranks, the paste shows three of them, all on one host
const oneNodeOfEight = [
  "dgx7:2101:2101 [0] NCCL INFO NET : Using interface ib0:10.31.4.7<0>",
  "dgx7:2101:2101 [0] NCCL INFO NET/IB : Using interface ib0 for sideband communication",
  "dgx7:2101:2101 [0] NCCL INFO Using internal Network Socket",
  "dgx7:2101:2101 [0] NCCL INFO NET/Socket : 1 interfaces found",
  "NCCL version 2.3.7+cuda9.2",
  "dgx7:2101:2101 [0] NCCL INFO rank 0 nranks 8",
  "dgx7:2102:2102 [1] NCCL INFO NET/IB : Using interface ib0 for sideband communication",
  "dgx7:2102:2102 [1] NCCL INFO Using internal Network Socket",
  "dgx7:2102:2102 [1] NCCL INFO rank 1 nranks 8",
  "dgx7:2103:2103 [2] NCCL INFO Using internal Network Socket",
  "dgx7:2103:2103 [2] NCCL INFO rank 2 nranks 8",
];

describe("one node's lines of a larger run: IB's set-up on an IPoIB interface found no port, the process took Socket", () => {
  it("warns that the run may span nodes over TCP, naming the interface, the missing port and the ranks shown", async () => {
    await eachWrap(oneNodeOfEight, (r, at) => {
      expect(r.facts.nccl?.net, at).toBe("Socket");
      expect(r.facts.nccl?.version, at).toBe("2.3.7");
      expect(r.facts.nccl?.nodes, at).toBe(1);
      expect(r.facts.nccl?.ranks, at).toBe(3);
      const f = fallback(r);
      expect(f?.severity, at).toBe("warning");
      expect(f?.message, at).toContain("although the host has the InfiniBand interface ib0");
      expect(f?.message, at).toContain("with ib0 as the side channel, and listed no port");
      expect(f?.message, at).toContain("The log shows 3 of the 8 ranks of its communicator, all on dgx7");
      expect(f?.evidence.map((e) => e.line), at).toEqual(expect.arrayContaining([1, 2, 3]));
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("reads NCCL 2.4+'s `No device found` with the socket transport on ib0 the same way", async () => {
    const newer = [
      "gpu12:880:880 [0] NCCL INFO Bootstrap : Using [0]ib0:172.20.1.12<0>",
      "gpu12:880:880 [0] NCCL INFO NET/IB : No device found.",
      "gpu12:880:880 [0] NCCL INFO NET/Socket : Using [0]ib0:172.20.1.12<0>",
      "gpu12:880:880 [0] NCCL INFO Using network Socket",
      "NCCL version 2.7.8+cuda11.0",
      "gpu12:880:931 [0] NCCL INFO comm 0x7f3c90001060 rank 0 nranks 8 cudaDev 0 busId 1a000 - Init COMPLETE",
      "gpu12:881:932 [1] NCCL INFO comm 0x7f51a4001060 rank 1 nranks 8 cudaDev 1 busId 1b000 - Init COMPLETE",
    ];
    const r = await analyzeText(join(newer, (l) => l));
    expect(r.facts.nccl?.initComplete).toBe(2);
    expect(fallback(r)?.message).toContain("although the host has the InfiniBand interface ib0: NCCL found no active InfiniBand/RoCE device");
    expect(fallback(r)?.message).toContain("2 of the 8 ranks");
  });

  it("stays silent when every rank is shown on the one host, when NCCL says one node, or when the host has no IPoIB interface", async () => {
    // all three ranks of a three-rank communicator on dgx7: one node, where the network choice goes unused
    const whole = oneNodeOfEight.map((l) => l.replace("nranks 8", "nranks 3"));
    expect(fallback(await analyzeText(join(whole, (l) => l)))).toBeUndefined();
    // an Ethernet side channel: no sign the host has InfiniBand at all
    const eth = oneNodeOfEight.map((l) => l.replace(/\bib0\b/g, "enp1s0f0"));
    expect(fallback(await analyzeText(join(eth, (l) => l)))).toBeUndefined();
    // NCCL 2.19+'s own count of the communicator's nodes
    const counted = [
      "node3:51:51 [0] NCCL INFO NET/IB : No device found.",
      "node3:51:51 [0] NCCL INFO NET/Socket : Using [0]ib0:10.0.0.3<0>",
      "node3:51:51 [0] NCCL INFO Using network Socket",
      "node3:51:90 [0] NCCL INFO comm 0x55d1c2b0 rank 0 nRanks 8 nNodes 1 localRanks 8 localRank 0 MNNVL 0",
    ];
    expect(fallback(await analyzeText(join(counted, (l) => l)))).toBeUndefined();
  });

  it("says nothing when the set-up listed a port and the process chose IB", async () => {
    const withPort = oneNodeOfEight.flatMap((l) =>
      l.includes("sideband") ? [l, l.replace(/NET\/IB : Using interface ib0 for sideband communication/, "NET/IB: [0] mlx5_0:1/IB")] : [l.replace("Using internal Network Socket", "Using internal Network IB")]);
    const r = await analyzeText(join(withPort, (l) => l));
    expect(r.facts.nccl?.net).toBe("IB");
    expect(r.facts.nccl?.ibHcas).toEqual(["mlx5_0:1"]);
    expect(fallback(r)).toBeUndefined();
  });
});

describe("the round's other old shapes, read at first sight", () => {
  it("2.4 rings: `a[dev] -> b[dev] via P2P/IPC` inside a node, bracketless `15 -> 0 [send] via NET/Socket/0` between nodes", async () => {
    const lines = [
      "ip-10-0-1-5:700:760 [3] NCCL INFO Ring 00 : 3[3] -> 2[2] via P2P/IPC",
      "ip-10-0-1-6:811:870 [5] NCCL INFO Ring 00 : 13[5] -> 15[7] via P2P/IPC",
      "ip-10-0-1-6:813:871 [7] NCCL INFO Ring 00 : 15 -> 0 [send] via NET/Socket/0",
      "ip-10-0-1-5:704:765 [7] NCCL INFO Ring 00 : 7 -> 8 [send] via NET/Socket/0",
      "ip-10-0-1-6:811:870 [5] NCCL INFO Ring 01 : 13[5] -> 15[7] via P2",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl?.transports, at).toMatchObject({ "P2P/IPC": 2, "NET/Socket": 2 });
      expect(r.facts.nccl?.ranks, at).toBe(7);
      expect(r.facts.nccl?.nodes, at).toBe(2);
      expect(ids(r), at).toContain("nccl/socket-fallback");
    });
  });

  it("2.5's `via direct shared memory` counts as SHM, `Init COMPLETE` without a busId counts, a cut one does not", async () => {
    const lines = [
      "box-3:5120:5160 [0] NCCL INFO Channel 00 : 0[4000] -> 1[5000] via P2P/direct pointer",
      "box-3:5120:5162 [2] NCCL INFO Channel 00 : 2[8000] -> 1[5000] via direct shared memory",
      "box-3:5120:5160 [0] NCCL INFO comm 0x7f0a10001ca0 rank 0 nranks 4 cudaDev 0 nvmlDev 0 - Init COMPLETE",
      "box-3:5120:5162 [2] NCCL INFO comm 0x7f0a18001ca0 rank 2 nranks 4 cudaDev",
    ];
    const r = await analyzeText(join(lines, (l) => l, "\r\n"));
    expect(r.facts.nccl?.transports).toMatchObject({ "P2P/direct": 1, SHM: 1 });
    expect(r.facts.nccl?.initComplete).toBe(1);
    expect(r.facts.nccl?.ranks).toBe(3);
  });

  it("a record in markdown bold and a pod-log word before the host still read as NCCL's", async () => {
    const bold = [
      "**NCCL version 2.4.7+cudaCUDA_MAJOR.CUDA_MINOR**",
      "**wk1:31:40 [0] external/nccl_archive/src/transport/net_socket.cc:200 NCCL WARN NET/Socket : message truncated : receiving 8192 bytes instead of 4096**",
      "wk1:31:41 [0] NCCL INFO Channel 00 :    0   1",
    ];
    const r = await analyzeText(join(bold, (l) => l));
    expect(r.facts.nccl?.version).toBe("2.4.7");
    expect(r.facts.nccl?.net).toBe("Socket");
    expect(r.facts.nccl?.ranks).toBeNull();
    expect(r.facts.nccl?.firstWarn?.line).toBe(2);
    expect(r.facts.firstError?.line).toBe(2);
    const pod = [
      "pytorch trainer-master-0:300:410 [0] NCCL INFO Channel 00/02 : 0 3 6 7 0 3 6 7",
      "pytorch trainer-master-0:300:410 [0] graph/rings.cc:38 NCCL WARN Error : ring 0 does not loop back to start (6 != 0)",
    ];
    const p = await analyzeText(join(pod, (l) => l));
    expect(p.facts.nccl?.nodes).toBe(1);
    expect(p.facts.nccl?.ranks).toBeNull();
    expect(p.facts.firstError?.line).toBe(2);
    expect(ids(p).some((id) => id.startsWith("nccl/"))).toBe(true);
  });

  it("nccl-tests' own `Test CUDA failure` under mpirun is the first error, and its `[1,N]` are no NCCL ranks", async () => {
    const lines = [
      "[1,0]<stdout>:# Using devices",
      "[1,9]<stdout>:10.1.0.8: Test CUDA failure common.cu:732 'invalid device ordinal'",
      "[1,10]<stdout>:10.1.0.8: Test CUDA failure common.cu:732 'invalid device ordinal'",
    ];
    const r = await analyzeText(join(lines, (l) => l));
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.nccl?.ranks).toBeNull();
    expect(r.facts.nccl?.nodes).toBeNull();
  });
});
