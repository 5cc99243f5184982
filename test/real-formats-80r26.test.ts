import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r26 (NCCL_DEBUG output in NVIDIA/nccl and aws/aws-ofi-nccl issues numbered ...1, ...5 and ...9,
 * multi-node runs): a terminal log viewer that boxes every record between `│ ` and ` │` padded to its width, p4d runs
 * through `NET/AWS Libfabric/N/GDRDMA`, an indented mpirun + nccl-tests header, a user's `< snip >` marker among
 * `P2P/direct pointer` records. The tool read all of them at first sight but one fact: the second pod of a two-pod run
 * showed only in a record cut inside its level word (`task-b:27:52 [0] NCC`), and a head cut there named no host, so
 * the run read as one node. Every log text here is written for the test.
 */

const BOX = 120;
const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-02-03T11:20:05.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,3]<stdout>:${l}`],
  // a log viewer's box: `│ ` before, and (when the record fits) padding plus ` │` after
  ["box", (l) => (l.length + 4 < BOX ? `│ ${l}`.padEnd(BOX - 2) + " │" : `│ ${l}`)],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("a record cut inside its level word still names its host", () => {
  const pod1 = [
    "train-7f9c-xk2lp:31:58 [0] NCCL INFO Channel 00 : 3[51000] -> 0[cb000] [receive] via NET/IB/0",
    "train-7f9c-xk2lp:32:61 [1] NCCL INFO Channel 00 : 1[d0000] -> 2[4b000] [send] via NET/IB/0",
    "train-7f9c-xk2lp:31:58 [0] NCCL INFO Channel 00 : 0[cb000] -> 1[d0000] via P2P/IPC/read",
    "train-7f9c-xk2lp:32:61 [1] NCCL INFO Channel 01 : 1[d0000] -> 2[4b000] [send] via NET/IB/0",
  ];
  for (const cut of ["N", "NC", "NCC", "NCCL", "NCCL I", "NCCL INF", "NCCL WA"]) {
    it(`counts the second pod from 'host:pid:tid [0] ${cut}' under wrappers and CRLF`, async () => {
      await eachWrap([...pod1, "", `train-7f9c-q8mzt:27:52 [0] ${cut}`], (r, at) => {
        const n = r.facts.nccl;
        expect(n.nodes, at).toBe(2);
        expect(n.ranks, at).toBe(4);
        expect(n.transports["NET/IB"], at).toBe(3);
        expect(n.transports["P2P/IPC"], at).toBe(1);
        expect(n.gdr, at).toBe(false);
        expect(n.net, at).toBe("IB");
        expect(ids(r), at).toContain("nccl/gdrdma-disabled");
      });
    });
  }
  it("takes the host from a whole head only: not from a clock or a number before the bracket, nor a bracket cut open", async () => {
    const whole = await analyzeText([...pod1, "train-7f9c-q8mzt:27:52 [0] NCC"].join("\n") + "\n");
    expect(whole.facts.nccl.nodes).toBe(2);
    for (const tail of ["10:27:52 [0] NCC", "64:220:577 [5] NCCL INF", "train-7f9c-q8mzt:27:52 [0 NCC", "train-7f9c-q8mzt:27:52 [0] NCCX"]) {
      const r = await analyzeText([...pod1, tail].join("\n") + "\n");
      expect(r.facts.nccl.nodes, tail).toBe(1);
    }
  });
});
