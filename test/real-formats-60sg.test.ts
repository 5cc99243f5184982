import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixtieth round of real logs (theme "sg": the newest NCCL, 2.25 → 2.29, on H200/B200/GB200): MNNVL
 * fabric lines, `Bootstrap timings`, the 2.28+ plugin lines (`Initialized NET plugin IB`, `Assigned GIN plugin …`), and
 * a paste whose `NET/IB : Using ...` line had its device list cut by the user. NCCL never prints an ellipsis there, so
 * the HCAs are unknown, not "no device". Every log text here is written for the test in the printed layout.
 */

const KUBE = (l: string) => `2026-11-02T09:41:07.300128114Z ${l}`;
const text = (lines: string[], wrap: (l: string) => string = (l) => l, eol = "\n") => lines.map(wrap).join(eol) + eol;
const variants = (lines: string[]): [string, string][] => [
  ["plain", text(lines)],
  ["kubectl CRLF", text(lines, KUBE, "\r\n")],
];

describe("`NET/IB : Using ...` with the device list cut by the user", () => {
  const lines = [
    "[0] NCCL INFO NET/IB : Using ...",
    "[0] NCCL INFO Initialized NET plugin IB",
    "[0] NCCL INFO Assigned NET plugin IB to comm",
    "[0] NCCL INFO Assigned GIN plugin GIN_IB_GDAKI to comm",
    "[0] NCCL INFO Using network IB",
    "[1] NCCL INFO Using network IB",
    "[0] NCCL INFO [Rank 0] ncclCommInitRank comm 0x7f10a2000000 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0x51c0de77aa01b2c3 - Init START",
    "[1] NCCL INFO [Rank 1] ncclCommInitRank comm 0x7f10a9c40000 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 43000 commId 0x51c0de77aa01b2c3 - Init START",
  ];
  it("keeps the network and leaves the HCAs unknown", async () => {
    for (const [at, t] of variants(lines)) {
      const r: Report = await analyzeText(t);
      const n = r.facts.nccl!;
      expect(n.net, at).toBe("IB");
      expect(n.ibHcas, at).toBeNull();
      expect(n.ranks, at).toBe(2);
    }
  });
  it("a unicode ellipsis is a cut too", async () => {
    const r = await analyzeText(text(lines.map((l) => l.replace("Using ...", "Using \u2026"))));
    expect(r.facts.nccl!.ibHcas).toBeNull();
    expect(r.facts.nccl!.net).toBe("IB");
  });
  it("near misses: a real empty list is still none, a listed HCA is still read", async () => {
    const empty = await analyzeText(text(["gb-node7:5120:5120 [0] NCCL INFO NET/IB : Using [RO]; OOB enP5p9s0:10.40.2.17<0>"]));
    expect(empty.facts.nccl!.ibHcas).toEqual([]);
    const one = await analyzeText(text(["gb-node7:5120:5120 [0] NCCL INFO NET/IB : Using [0]mlx5_3:1/IB [RO]; OOB enP5p9s0:10.40.2.17<0>"]));
    expect(one.facts.nccl!.ibHcas).toEqual(["mlx5_3:1"]);
  });
});

describe("MNNVL fabric lines and Init START on a second-node H200 host", () => {
  const lines = [
    "h200-b07:18811:18870 [2] NCCL INFO comm 0x5581c0a1e2f0 rank 10 nranks 16 cudaDev 2 nvmlDev 2 busId 4c000 commId 0x7a3f90c2d11e0b58 - Init START",
    "h200-b07:18812:18871 [3] NCCL INFO comm 0x55d30bb47a10 rank 11 nranks 16 cudaDev 3 nvmlDev 3 busId 5d000 commId 0x7a3f90c2d11e0b58 - Init START",
    "h200-b07:18811:18870 [2] NCCL INFO Bootstrap timings total 0.004121 (create 0.000031, send 0.000104, recv 0.003702, ring 0.000090, delay 0.000000)",
    "h200-b07:18811:18870 [2] NCCL INFO MNNVL busId 0x4c000 fabric UUID 0.0 cliqueId 0x0 state 3 healthMask 0x0",
    "h200-b07:18812:18871 [3] NCCL INFO MNNVL busId 0x5d000 fabric UUID 0.0 cliqueId 0x0 state 3 healthMa",
  ];
  it("counts the ranks from Init START and the one host, with no finding", async () => {
    for (const [at, t] of variants(lines)) {
      const r = await analyzeText(t);
      const n = r.facts.nccl!;
      expect(n.ranks, at).toBe(2);
      expect(n.nodes, at).toBe(1);
      expect(n.ibHcas, at).toBeNull();
      expect(r.findings.filter((f) => f.ruleId.startsWith("nccl/")), at).toEqual([]);
    }
  });
});
