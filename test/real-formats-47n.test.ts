import { describe, expect, it } from "vitest";
import { analyzeText, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a forty-seventh round of real logs: the NVIDIA/nccl-tests tracker and NCCL pastes in other NVIDIA
 * repositories. nccl-tests before its `Pid` column (2017-2018, printf `#   Rank %2d on %10s device %2d [0x%02x] %s`)
 * names each rank's host in its device lines just as later versions do, but the NCCL reader only knew the lines with
 * `Pid`, so such a header gave no ranks and no nodes. Every log text here is written for the test in the printed layout,
 * with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T14:40:11.518204113Z ${l}`],
  ["docker compose", (l) => `bench-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=8812, ip=10.4.1.9) ${l}`],
  ["mpirun --tag-output", (l) => `[1,0]<stdout>:${l}`],
  ["indented list item", (l) => `      ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

describe("nccl-tests device lines without the Pid column name ranks and hosts", () => {
  const header = [
    "nThread 1 nGpus 2 minBytes 64 maxBytes 8388608 step: 1048576(bytes) warmup iters: 5 iters: 20 validation: 1 ",
    "# NCCL Tests compiled with NCCL 2.1",
    "# Using devices",
    "#   Rank  0 on  gpu-left7 device  0 [0x05] Tesla V100-SXM2-16GB",
    "#   Rank  1 on  gpu-left7 device  1 [0x06] Tesla V100-SXM2-16GB",
    "#   Rank  2 on gpu-right3 device  0 [0x05] Tesla V100-SXM2-16GB",
    "#   Rank  3 on gpu-right3 device  1 [0x06] Tesla V100-SXM2-16GB",
    "#",
  ];

  it("reads 4 ranks on 2 hosts from `#   Rank  N on HOST device D [0xNN] GPU`, under any wrapper and line end", async () => {
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(join(header, wrap, eol));
        expect(r.facts.nccl.ranks, at).toBe(4);
        expect(r.facts.nccl.nodes, at).toBe(2);
        expect(r.findings.map((f) => f.ruleId), at).toEqual([]);
      }
    }
  });

  it("reads the same line with its `#` eaten by markdown, and a line cut after `on`", async () => {
    const r = await analyzeText(
      [" Using devices", "   Rank  0 on  gpu-left7 device  0 [0x05] Tesla V100-SXM2-16GB", "   Rank  1 on gpu-right3 device  0 [0x05] Tesla V100-SXM2-16GB", "#   Rank  2 on gpu-"].join("\n") + "\n",
    );
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.nodes).toBe(2);
  });

  it("a sentence with `Rank N on HOST device N` and no bus bracket names no rank and no host", async () => {
    const r = await analyzeText(["we saw Rank 3 on gpu-left7 device 1 stall", "Rank 0 on node2 device 0 was fine"].join("\n") + "\n");
    expect(r.facts.nccl.ranks ?? null).toBe(null);
    expect(r.facts.nccl.nodes ?? null).toBe(null);
  });

  it("the later header with Pid still reads the same", async () => {
    const r = await analyzeText(
      [
        "#  Rank  0 Group  0 Pid  40211 on  gpu-left7 device  0 [0x05] Tesla V100-SXM2-16GB",
        "#  Rank  1 Group  0 Pid  18830 on gpu-right3 device  0 [0x05] Tesla V100-SXM2-16GB",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl.ranks).toBe(2);
    expect(r.facts.nccl.nodes).toBe(2);
  });
});
