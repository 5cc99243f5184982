import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 43n: a random sample of NVIDIA/nccl (and nccl-tests) issues of 2023–2025 (12 pastes: init START lines, SHARP and
 * CollNet fallback, RoCE, WSL topology, /dev/shm failures, proxy Connect failures, nccl-tests headers). First sight: 61/63
 * facts, every problem found, no false alarm. The two misses were one shape: an nccl-tests device line cut before its
 * `Pid` (`#  Rank 12 Grou`, `#  Rank  6 Group  0`) at the end of a paste. nccl-tests prints it as
 * `#  Rank %2d Group %2d Pid %6d on %10s device %2d [%s] %s` (`Group` since 2022; before that `#   Rank %2d Pid ...`), so the
 * rank id is whole once whitespace follows it. The reader took such a line only from its `Pid` on. Every log text here
 * is written for the test in the printed layout.
 */

const header = (n: number, host: string) => `#  Rank ${String(n).padStart(2)} Group  0 Pid 512340 on ${host.padStart(10)} device ${String(n % 8).padStart(2)} [0x${(0x1b + n).toString(16)}] NVIDIA H100 80GB HBM3`;

const top = [
  "# nThread 1 nGpus 8 minBytes 1048576 maxBytes 1073741824 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
  "#",
  "# Using devices",
];

describe("an nccl-tests device line cut before its Pid", () => {
  const cases: Array<[string, string, number]> = [
    ["inside `Group`", "#  Rank 10 Grou", 11],
    ["after `Group N`", "#  Rank 10 Group  0", 11],
    ["inside `Pid`", "#  Rank 10 Group  0 Pi", 11],
    ["after the one-digit rank's `Group` (padded `%2d`)", "#  Rank  9 G", 10],
  ];
  for (const [name, cut, ranks] of cases) {
    it.each(WRAPS)(`counts the rank of a line cut ${name} %s`, async (_w, wrap) => {
      const lines = [...top, ...Array.from({ length: 9 }, (_, i) => header(i, i < 8 ? "gpu-a17" : "gpu-a18")), ...(ranks === 11 ? [header(9, "gpu-a18")] : []), cut];
      const r = await analyzeText(wrap(lines.join("\n") + "\n"));
      expect(r.facts.nccl.ranks).toBe(ranks);
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    });
  }

  it("does not take a line cut inside the rank number, nor a markdown heading, nor text after the rank", async () => {
    const lines = [...top, header(0, "gpu-a17"), header(1, "gpu-a17")];
    for (const tail of ["#  Rank 1", "# Rank 7 Group", "#  Rank 7 Group 0 is the slow one", "#  Rank 7 logs"]) {
      const r = await analyzeText([...lines, tail].join("\n") + "\n");
      expect(r.facts.nccl.ranks, tail).toBe(2);
    }
  });
});
