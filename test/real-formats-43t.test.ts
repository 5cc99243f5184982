import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Round 43t: nccl-tests and `vllm bench serve` output inside bigger pastes. Every text here is written for the test in
 * the printed layout (nccl-tests common.cu's footer `# Out of bounds values : %d %s` then `# Avg bus bandwidth    : %g %s`),
 * with wrappers the pastes did not show.
 */

const footerOnly = (lines: string[]) => lines.join("\n") + "\n";

describe("an nccl-tests footer pasted without its table", () => {
  // a build without MPI run under mpirun: each process runs its own test and prints its own footer
  const text = footerOnly([
    "mpirun -H 10.0.0.5,10.0.0.6 -np 2 ./build/all_reduce_perf -b 8 -e 256M -f 4 -g 2",
    "# Out of bounds values : 0 OK",
    "# Avg bus bandwidth    : 5.21877 ",
    "#",
    "# Out of bounds values : 0 OK",
    "# Avg bus bandwidth    : 5.20914 ",
  ]);

  it("is a run: the first footer's values, the command's collective, every footer in runs", async () => {
    const b = (await analyzeText(text, "tail.txt")).facts.bench;
    expect(b?.ncclTests).toMatchObject({ collective: "all_reduce_perf", avgBusbwGBs: 5.21877, outOfBoundsOk: true, outOfBoundsCount: 0, complete: true, rowsComplete: 0, ranks: null, maxBusbwGBs: null, wrongTotal: null });
    expect(b?.ncclTests?.runCount).toBe(2);
    const runs = (b as unknown as { runs: Array<{ kind: string; line: number; values: { avgBusbwGBs: number } }> }).runs.filter((r) => r.kind === "ncclTests");
    expect(runs.map((r) => [r.line, r.values.avgBusbwGBs])).toEqual([[2, 5.21877], [5, 5.20914]]);
  });

  it("reads the same under kubectl --timestamps, docker compose, a Ray prefix and CRLF", async () => {
    const wrap = (p: (l: string, i: number) => string, eol = "\n") => text.trimEnd().split("\n").map(p).join(eol) + eol;
    for (const [name, t] of [
      ["kubectl", wrap((l, i) => `2026-03-02T08:00:0${i}.123456789Z ${l}`)],
      ["compose", wrap((l) => `nccl-bench-1  | ${l}`)],
      ["ray", wrap((l) => `(RayWorkerWrapper pid=4411, ip=10.0.0.5) ${l}`)],
      ["crlf", wrap((l) => l, "\r\n")],
    ] as const) {
      const nt = (await analyzeText(t, `${name}.txt`)).facts.bench?.ncclTests;
      expect(nt, name).toMatchObject({ collective: "all_reduce_perf", avgBusbwGBs: 5.21877, outOfBoundsOk: true });
      expect(nt?.runCount, name).toBe(2);
    }
  });

  it("a FAILED count alone is a failed check; the old layout without `#` reads the same", async () => {
    const failed = (await analyzeText(footerOnly(["# Out of bounds values : 12 FAILED", "# Avg bus bandwidth    : 0.4471 "]), "f.txt")).facts.bench?.ncclTests;
    expect(failed).toMatchObject({ outOfBoundsOk: false, outOfBoundsCount: 12, avgBusbwGBs: 0.4471 });
    const old = (await analyzeText(footerOnly([" Out of bounds values : 3 FAILED", " Avg bus bandwidth    : 17.5532"]), "o.txt")).facts.bench?.ncclTests;
    expect(old).toMatchObject({ outOfBoundsOk: false, outOfBoundsCount: 3, avgBusbwGBs: 17.5532 });
  });

  it("a label with no count, or prose naming the footer, opens no run", async () => {
    const cut = await analyzeText(footerOnly(["# Out of bounds values :", "# Avg bus bandwidth    : 2.5"]), "cut.txt");
    expect(cut.facts.bench?.ncclTests ?? null).toBeNull();
    const prose = await analyzeText(footerOnly(["Out of bounds values: many, see the table above", "Avg bus bandwidth = 0 on one node"]), "p.txt");
    expect(prose.facts.bench?.ncclTests ?? null).toBeNull();
  });
});

describe("nccl-tests tables with other programs' lines in them", () => {
  it("NCCL INFO Destroy records between the last row and the footer leave the run whole", async () => {
    const text = footerOnly([
      "   268435456      67108864     float     sum      -1  10381.7   25.86   25.86      0  10373.4   25.88   25.88      0",
      "box:88120:88133 [0] NCCL INFO comm 0x5611aa3c00 rank 0 nranks 2 cudaDev 0 busId 1a000 - Destroy COMPLETE",
      "box:88120:88133 [1] NCCL INFO comm 0x5611aa4e10 rank 1 nranks 2 cudaDev 1 busId 3b000 - Destroy COMPLETE",
      "# Out of bounds values : 0 OK",
      "# Avg bus bandwidth    : 9.10458 ",
      "#",
    ]);
    const r = await analyzeText(text, "destroy.txt");
    expect(r.facts.bench?.ncclTests).toMatchObject({ rowsComplete: 1, maxBusbwGBs: 25.86, wrongTotal: 0, avgBusbwGBs: 9.10458, outOfBoundsOk: true, complete: true });
    expect(r.facts.bench?.ncclTests?.runCount).toBe(1);
  });

  it("an rccl-tests version line inside the header and a launcher's node lines above it", async () => {
    const text = footerOnly([
      "Node mi-a01: Pulling container image and saving to rccl-image.sqsh",
      "# Collective test starting: all_gather_perf",
      "# nThread 1 nGpus 8 minBytes 1048576 maxBytes 1073741824 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
      "#",
      "rccl-tests: Version develop:1a2b3c4",
      "# Using devices",
      ...Array.from({ length: 8 }, (_, i) => `#  Rank  ${i} Group  0 Pid  51200 on     mi-a01 device  ${i} [0000:${(16 * i + 5).toString(16).padStart(2, "0")}:00] AMD Instinct MI300X`),
      "#",
      "#                                                              out-of-place                       in-place          ",
      "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
      "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
      "     1048576         32768     float    none      -1    40.21   26.08   22.82      0    39.87   26.30   23.01      0",
    ]);
    const nt = (await analyzeText(text, "rccl.txt")).facts.bench?.ncclTests;
    expect(nt).toMatchObject({ collective: "all_gather_perf", ranks: 8, hosts: ["mi-a01"], gpuNames: ["AMD Instinct MI300X"], rowsComplete: 1, maxBusbwGBs: 22.82, wrongTotal: 0, avgBusbwGBs: null, complete: false });
  });
});

describe("`vllm bench serve` blocks inside bigger pastes", () => {
  it("a banner indented by the paste (only that line) still opens the block; a cut closing rule is not complete", async () => {
    const text = footerOnly([
      "   ============ Serving Benchmark Result ============",
      "Successful requests:                     64",
      "Failed requests:                         0",
      "Benchmark duration (s):                  21.07",
      "Total input tokens:                      65536",
      "Total generated tokens:                  16384",
      "Request throughput (req/s):              3.04",
      "Output token throughput (tok/s):         777.61",
      "Total token throughput (tok/s):          3888.04",
      "---------------Time to First Token----------------",
      "Mean TTFT (ms):                          211.40",
      "Median TTFT (ms):                        198.22",
      "P99 TTFT (ms):                           402.90",
      "-----Time per Output Token (excl. 1st token)------",
      "Mean TPOT (ms):                          12.48",
      "Median TPOT (ms):                        12.31",
      "P99 TPOT (ms):                           14.02",
      "---------------Inter-token Latency----------------",
      "Mean ITL (ms):                           12.47",
      "Median ITL (ms):                         11.90",
      "P99 ITL (ms):                            30.55",
      "=====================",
    ]);
    const s = (await analyzeText(text, "serve.txt")).facts.bench?.serve;
    expect(s).toMatchObject({ successfulRequests: 64, failedRequests: 0, durationS: 21.07, outputThroughput: 777.61, p99TtftMs: 402.9, meanTpotMs: 12.48, p99ItlMs: 30.55, complete: false });
  });
});

describe("an nccl-tests device line cut inside a word", () => {
  it("counts its rank for the benchmark as the NCCL facts do (round 43n's shape)", async () => {
    const lines = ["# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0", "#", "# Using devices"];
    for (let r = 0; r < 12; r++) lines.push(`#  Rank ${String(r).padStart(2)} Group  0 Pid ${String(4100 + r).padStart(6)} on   node-${r < 8 ? "a" : "b"} device  ${r % 8} [0x${(r % 8) * 10 + 18}] NVIDIA H100 80GB HBM3`);
    for (const cut of ["#  Rank 12 Grou", "#  Rank 12 G", "#  Rank 12 Group  0 Pi"]) {
      const r = await analyzeText([...lines, cut].join("\n") + "\n", "cut.txt");
      expect([r.facts.bench?.ncclTests?.ranks, r.facts.nccl.ranks], cut).toEqual([13, 13]);
    }
    // (a word that is not the line's next one is no cut)
    const other = await analyzeText([...lines, "#  Rank 12 Gone"].join("\n") + "\n", "other.txt");
    expect(other.facts.bench?.ncclTests?.ranks).toBe(12);
  });
});
