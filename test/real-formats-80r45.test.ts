import { describe, expect, it } from "vitest";
import { analyzeText, eachCommonWrap, logText } from "./rules/analyze-text.js";

/**
 * Formats met in round 80r45 (vLLM tensor parallel on workstation GPUs: SHM instead of P2P, docker /dev/shm limits,
 * WSL): a terminal copy that glued every NCCL record of a two-GPU run onto one line, then broke the line inside a
 * `host:pid` prefix, so one `via SHM/direct/direct` record starts with the tail of a pid and has no host. The tool
 * counted that record in the transports and in `intraNode`, but left it out of `nodePairs` (3 SHM connections on the
 * host against 4 everywhere else): an intra-node connection whose own host is lost sits on its peer's machine. Every log
 * text here is written for the test.
 */

const glued = (a: string[]) => a.join(" ");

const LINES = [
  glued([
    "ws7:41210:41210 [0] NCCL INFO comm 0xa10 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0",
    "ws7:41288:41288 [1] NCCL INFO comm 0xb20 rank 1 nRanks 2 nNodes 1 localRanks 2 localRank 1 MNNVL 0",
    "ws7:41210:41210 [0] NCCL INFO Channel 00/02 : 0 1",
    "ws7:41210:41210 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via SHM/direct/direct",
    "ws7:41288:41288 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via SHM/direct/direct",
    "ws7:41210:412",
  ]),
  glued([
    "10 [0] NCCL INFO Channel 01 : 0[0] -> 1[1] via SHM/direct/direct",
    "ws7:41288:41288 [1] NCCL INFO Channel 01 : 1[1] -> 0[0] via SHM/direct/direct",
    "ws7:41210:41210 [0] NCCL INFO Connected all rings",
  ]),
];

describe("glued NCCL records with a hard wrap inside a host:pid prefix", () => {
  it("puts the hostless SHM record on its peer's host in nodePairs, behind wrappers and CRLF", async () => {
    await eachCommonWrap(LINES, (r, at) => {
      expect(r.facts.nccl.transports.SHM, at).toBe(4);
      expect(r.facts.nccl.intraNode, at).toEqual({ SHM: 4 });
      expect(r.facts.nccl.nodePairs, at).toEqual([{ a: "ws7", b: "ws7", scope: "intra", kinds: { SHM: 4 } }]);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.findings.map((f) => f.ruleId), at).toContain("nccl/p2p-disabled");
    });
    // with no record naming a host, nothing is placed
    const alone = await analyzeText(logText([LINES[1].split(" ws7:")[0]]));
    expect(alone.facts.nccl.transports.SHM).toBe(1);
    expect(alone.facts.nccl.nodePairs).toEqual([]);
  });
});
