import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { banner, row, section } from "./helpers/serve-block.js";

/**
 * Shapes of round 54b's real benchmark pastes, each written for the test in the printed layout: a nccl-tests table
 * whose `#` marks GitHub's markdown ate (every comment line left with a leading space, or none), a table pasted from
 * the middle of its column-group line down to its footer, a serve block with the speculative-decoding section cut
 * after its first label, two serve blocks with the second cut inside its second row, `vllm bench latency` runs whose
 * last one is cut inside a value, and the interleaved headers of processes of a build without MPI.
 */

type Wrap = (lines: string[]) => string;
const plain: Wrap = (l) => l.join("\n") + "\n";
const crlf: Wrap = (l) => l.join("\r\n") + "\r\n";
const kubets: Wrap = (l) => l.map((x, i) => `2026-03-02T08:15:${String(10 + (i % 50)).padStart(2, "0")}.${String(100000 + i * 7919).slice(0, 6)}000Z ${x}`).join("\n") + "\n";
const compose: Wrap = (l) => l.map((x) => `bench-1  | ${x}`).join("\n") + "\n";
const ray: Wrap = (l) => l.map((x) => `(bench_task pid=7312, ip=10.4.0.9) ${x}`).join("\n") + "\n";
const wrappers: [string, Wrap][] = [["plain", plain], ["crlf", crlf], ["kubectl --timestamps", kubets], ["compose", compose], ["ray", ray]];

const bench = (r: Awaited<ReturnType<typeof analyzeText>>) => (r.facts as unknown as { bench: Record<string, Record<string, unknown> | null> }).bench;

/** nccl-tests device line of the 2019-2021 era (`#   Rank %2d Pid %6d on %10s device %2d [0x%02x] %s`) */
const oldRank = (rank: number, pid: number, host: string, dev: number, gpu: string) =>
  `#   Rank ${String(rank).padStart(2)} Pid ${String(pid).padStart(6)} on ${host.padStart(10)} device ${String(dev).padStart(2)} [0x${(dev * 16).toString(16).padStart(2, "0")}] ${gpu}`;

describe("nccl-tests output whose `#` marks markdown removed", () => {
  const hashed = [
    "# nThread 1 nGpus 1 minBytes 64 maxBytes 4294967296 step: 2(factor) warmup iters: 5       iters: 20 validation: 1 single_test: 0 test_buffer_kind: 2",
    "#",
    "# Using devices",
    ...[0, 1, 2, 3].map((i) => oldRank(i, 40210 + i, "dgx-b07", i, "NVIDIA A100-SXM4-80GB")),
    "#",
    "#                                                     out-of-place                       in-place",
    "#       size         count    type   redop     time   algbw   busbw  error     time   algbw   busbw  error",
    "#        (B)    (elements)                     (",
  ];
  // markdown turns `# text` into a heading: the paste keeps the text after the `#`, with or without the space
  const stripped = (keepSpace: boolean) => hashed.map((l) => (l === "#" ? "" : l.replace(/^#/, keepSpace ? " " : "").replace(/^ (?=\S)/, keepSpace ? " " : "")));

  for (const keepSpace of [true, false]) {
    for (const [name, wrap] of wrappers) {
      it(`reads settings, devices and the column kind (${keepSpace ? "leading space kept" : "no leading space"}, ${name})`, async () => {
        const r = await analyzeText(wrap(["mpirun -np 4 ./all_reduce_perf -b 64 -f 2 -e 4G", ...stripped(keepSpace)]));
        const n = bench(r).ncclTests!;
        expect(n.collective).toBe("all_reduce_perf");
        expect([n.nThreads, n.nGpus, n.minBytes, n.maxBytes]).toEqual([1, 1, 64, 4294967296]);
        expect(n.ranks).toBe(4);
        expect(n.processes).toBe(4);
        expect(n.hosts).toEqual(["dgx-b07"]);
        expect(n.gpuNames).toEqual(["NVIDIA A100-SXM4-80GB"]);
        expect(n.errorColumn).toBe("error");
        expect(n.rowsComplete).toBe(0);
        expect(n.complete).toBe(false);
        expect(ids(r, "error")).toEqual([]);
      });
    }
  }

  it("reads the same text with its `#` marks as the tool printed it", async () => {
    const n = bench(await analyzeText(plain(hashed))).ncclTests!;
    expect([n.ranks, n.processes, n.errorColumn, n.collective]).toEqual([4, 4, "error", null]);
  });
});

describe("an nccl-tests table pasted from the tail of its column-group line to its footer", () => {
  // 2022+ layout: `%12li  %12li  %8s  %6s  %6i  %7s  %6s  %6s  %6s  %7s  %6s  %6s  %6s`-shaped rows
  const rowOf = (size: number, t1: string, a1: string, b1: string, t2: string, a2: string, b2: string) =>
    `${String(size).padStart(12)}  ${String(size / 4).padStart(12)}     float     sum      -1  ${t1.padStart(7)}  ${a1.padStart(6)}  ${b1.padStart(6)}      0  ${t2.padStart(7)}  ${a2.padStart(6)}  ${b2.padStart(6)}      0`;
  const lines = [
    "      in-place",
    "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
    "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)",
    rowOf(268435456, "5880.2", "45.65", "79.89", "5791.4", "46.35", "81.11"),
    rowOf(536870912, "11402", "47.09", "82.40", "11377", "47.19", "82.58"),
    rowOf(1073741824, "22650", "47.41", "82.96", "22711", "47.28", "82.74"),
    "# Out of bounds values : 0 OK",
    "# Avg bus bandwidth    : 81.9467",
  ];
  for (const [name, wrap] of wrappers) {
    it(`reads rows, the largest busbw and the footer (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = bench(r).ncclTests!;
      expect(n.collective).toBeNull();
      expect(n.ranks).toBeNull();
      expect(n.errorColumn).toBe("#wrong");
      expect(n.rowsComplete).toBe(3);
      expect(n.maxBusbwGBs).toBeCloseTo(82.96, 2);
      expect(n.wrongTotal).toBe(0);
      expect(n.avgBusbwGBs).toBeCloseTo(81.9467, 4);
      expect(n.outOfBoundsOk).toBe(true);
      expect(n.complete).toBe(true);
      expect(ids(r, "error")).toEqual([]);
    });
  }

  it("near miss: a row cut after its out-of-place #wrong is no complete row and sets no busbw", async () => {
    const cut = [...lines.slice(0, 3), rowOf(268435456, "5880.2", "45.65", "79.89", "5791.4", "46.35", "81.11").slice(0, 90)];
    const n = bench(await analyzeText(plain(cut))).ncclTests!;
    expect(n.rowsComplete).toBe(0);
    expect(n.maxBusbwGBs).toBeNull();
    expect(n.complete).toBe(false);
  });
});

describe("vllm bench serve blocks cut in new places", () => {
  const specBlock = (pad: boolean) => [
    banner,
    row("Successful requests:", "640", pad),
    row("Failed requests:", "0", pad),
    row("Maximum request concurrency:", "16", pad),
    row("Benchmark duration (s):", "211.47", pad),
    row("Total input tokens:", "655360", pad),
    row("Total generated tokens:", "163840", pad),
    row("Request throughput (req/s):", "3.03", pad),
    row("Output token throughput (tok/s):", "774.77", pad),
    row("Peak output token throughput (tok/s):", "912.00", pad),
    row("Peak concurrent requests:", "21.00", pad),
    row("Total token throughput (tok/s):", "3873.83", pad),
    section("Time to First Token"),
    row("Mean TTFT (ms):", "233.91", pad),
    row("Median TTFT (ms):", "201.06", pad),
    row("P99 TTFT (ms):", "811.40", pad),
    section("Time per Output Token (excl. 1st token)"),
    row("Mean TPOT (ms):", "19.62", pad),
    row("Median TPOT (ms):", "19.48", pad),
    row("P99 TPOT (ms):", "24.05", pad),
    section("Inter-token Latency"),
    row("Mean ITL (ms):", "41.37", pad),
    row("Median ITL (ms):", "38.88", pad),
    row("P99 ITL (ms):", "122.93", pad),
  ];

  for (const pad of [true, false]) {
    for (const [name, wrap] of wrappers) {
      it(`reads a block whose speculative-decoding section is cut after its first label (${pad ? "padded" : "unpadded"}, ${name})`, async () => {
        const r = await analyzeText(wrap([...specBlock(pad), section("Speculative Decoding"), "Acceptance rate (%):"]));
        const s = bench(r).serve!;
        expect(s.successfulRequests).toBe(640);
        expect(s.failedRequests).toBe(0);
        expect(s.maxRequestConcurrency).toBe(16);
        expect(s.durationS).toBe(211.47);
        expect(s.peakOutputThroughput).toBe(912);
        expect(s.peakConcurrentRequests).toBe(21);
        expect(s.totalTokenThroughput).toBe(3873.83);
        expect([s.meanTtftMs, s.medianTtftMs, s.p99TtftMs]).toEqual([233.91, 201.06, 811.4]);
        expect([s.meanTpotMs, s.medianTpotMs, s.p99TpotMs]).toEqual([19.62, 19.48, 24.05]);
        expect([s.meanItlMs, s.medianItlMs, s.p99ItlMs]).toEqual([41.37, 38.88, 122.93]);
        expect(s.complete).toBe(false);
        expect(s.runCount).toBe(1);
        expect(ids(r, "error")).toEqual([]);
      });
    }
  }

  it("a closing rule cut short does not complete the block; the last label without a value yields nothing", async () => {
    const lines = [...specBlock(true).slice(0, -1), "P99 ITL (ms):"];
    for (const tail of [["=".repeat(29)], []]) {
      const s = bench(await analyzeText(plain([...lines, ...tail]))).serve!;
      expect(s.p99ItlMs).toBeNull();
      expect(s.meanItlMs).toBe(41.37);
      expect(s.complete).toBe(false);
    }
  });

  for (const [name, wrap] of wrappers) {
    it(`two blocks, the second cut inside its second row: the first is the result, both are counted (${name})`, async () => {
      const r = await analyzeText(wrap([...specBlock(false), "=".repeat(50), "", banner, row("Successful requests:", "640", false), "Fa"]));
      const s = bench(r).serve!;
      expect(s.runCount).toBe(2);
      expect(s.complete).toBe(true);
      expect(s.p99ItlMs).toBe(122.93);
      expect(s.successfulRequests).toBe(640);
    });
  }
});

describe("vllm bench latency runs, the last cut inside a value", () => {
  const run = (avg: string, ps: string[]) => [
    `Avg latency: ${avg} seconds`,
    ...[10, 25, 50, 75, 90, 99].map((p, i) => `${p}% percentile latency: ${ps[i]} seconds`),
  ];
  const lines = [
    ...run("0.61830477299890124", ["0.61702219150029123", "0.61766040462401086", "0.61822938092518598", "0.61905116711556911", "0.61987704390473664", "0.62133109871298075"]),
    "",
    "Avg latency: 0.62017380401492119 seconds",
    "10% percentile latency: 0.61840093117021024 seconds",
    "25% percentile latency: 0.6193012",
  ];
  for (const [name, wrap] of wrappers) {
    it(`counts both runs, keeps the first's values and drops the cut percentile (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const l = bench(r).latency!;
      expect(l.runCount).toBe(2);
      expect(l.avgLatencyS).toBeCloseTo(0.61830477299890124, 12);
      expect((l.percentilesS as Record<string, number>)["99"]).toBeCloseTo(0.62133109871298075, 12);
      const runs = (bench(r) as unknown as { runs: { kind: string; values: Record<string, unknown> }[] }).runs.filter((x) => x.kind === "latency");
      expect(Object.keys(runs[1]!.values.percentilesS as object)).toEqual(["10"]);
    });
  }
});

describe("interleaved headers of processes built without MPI", () => {
  const settings = "# nThread 1 nGpus 1 minBytes 1073741824 maxBytes 1073741824 step: 1048576(bytes) warmup iters: 5 iters: 20 validation: 1";
  const header = [
    "#",
    "#                                                       out-of-place                       in-place",
    "#       size         count      type   redop     time   algbw   busbw  error     time   algbw   busbw  error",
  ];
  for (const [name, wrap] of wrappers) {
    it(`two processes each listing Rank 0 before any row are two 1-process jobs (${name})`, async () => {
      const lines = [settings, "#", "# Using devices", settings, "#", "# Using devices",
        oldRank(0, 5120, "node-a", 0, "Tesla V100-SXM2-32GB"), oldRank(0, 6688, "node-b", 0, "Tesla V100-SXM2-32GB"), ...header, ...header];
      const r = await analyzeText(wrap(lines));
      expect(ids(r, "error")).toContain("bench/nccl-tests-separate-processes");
      expect(bench(r).ncclTests!.ranks).toBe(1);
    });
  }

  it("near miss: one job whose two processes list Rank 0 and Rank 1 is no finding", async () => {
    const lines = [settings, "#", "# Using devices",
      oldRank(0, 5120, "node-a", 0, "Tesla V100-SXM2-32GB"), oldRank(1, 6688, "node-b", 0, "Tesla V100-SXM2-32GB"), ...header];
    const r = await analyzeText(plain(lines));
    expect(ids(r)).not.toContain("bench/nccl-tests-separate-processes");
    const n = bench(r).ncclTests!;
    expect([n.ranks, n.processes]).toEqual([2, 2]);
    expect(n.hosts).toEqual(["node-a", "node-b"]);
    expect(n.errorColumn).toBe("error");
  });
});

describe("the text around a result: prose after the closing rule, NCCL INFO between device lines and the table", () => {
  const closed = [
    banner,
    row("Successful requests:", "300", false),
    row("Benchmark duration (s):", "95.10", false),
    row("Total input tokens:", "61440", false),
    row("Total generated tokens:", "76800", false),
    row("Request throughput (req/s):", "3.15", false),
    row("Output token throughput (tok/s):", "807.57", false),
    row("Total Token throughput (tok/s):", "1453.63", false),
    section("Time to First Token"),
    row("Mean TTFT (ms):", "150.22", false),
    row("Median TTFT (ms):", "131.70", false),
    row("P99 TTFT (ms):", "512.64", false),
    section("Time per Output Token (excl. 1st token)"),
    row("Mean TPOT (ms):", "61.30", false),
    row("Median TPOT (ms):", "60.94", false),
    row("P99 TPOT (ms):", "88.15", false),
    section("Inter-token Latency"),
    row("Mean ITL (ms):", "60.87", false),
    row("Median ITL (ms):", "49.33", false),
    row("P99 ITL (ms):", "203.50", false),
    "=".repeat(50),
  ];
  for (const [name, wrap] of wrappers) {
    it(`near miss: a sentence after the block that restates a row label with another number changes nothing (${name})`, async () => {
      const r = await analyzeText(wrap([...closed, "", "Output token throughput (tok/s) is 807.57, so why is P99 TPOT (ms) 88.15 and Mean ITL (ms) 999"]));
      const s = bench(r).serve!;
      expect(s.outputThroughput).toBe(807.57);
      expect(s.meanItlMs).toBe(60.87);
      expect(s.p99TpotMs).toBe(88.15);
      expect(s.complete).toBe(true);
      expect(s.runCount).toBe(1);
      expect(s.failedRequests).toBeNull();
    });
  }

  for (const [name, wrap] of wrappers) {
    it(`keeps the device lines of a run whose NCCL INFO lines follow them, cut before the table (${name})`, async () => {
      const lines = [
        "mpirun --np 2 -H 10.1.0.4,10.1.0.5 -x NCCL_DEBUG=INFO ./build/all_reduce_perf -b 64 -e 256 -f 2 -g 1",
        "",
        "# nThread 1 nGpus 1 minBytes 64 maxBytes 256 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
        "#",
        "# Using devices",
        "#  Rank  0 Group  0 Pid  30417 on     node-x device  0 [0x01] NVIDIA L4",
        "#  Rank  1 Group  0 Pid   8842 on     node-y device  0 [0x41] NVIDIA T4",
        "node-x:30417:30417 [0] NCCL INFO Bootstrap : Using eth0:10.1.0.4<0>",
        "node-x:30417:30417 [0] NCCL INFO cudaDriverVersion 12040",
        "NCCL version 2.21.5+cuda12.4",
        "node-y:8842:8842 [0] NCCL INFO Bootstrap : Using eth0:10.1.0.5<0>",
      ];
      const r = await analyzeText(wrap(lines));
      const n = bench(r).ncclTests!;
      expect(n.collective).toBe("all_reduce_perf");
      expect([n.nThreads, n.nGpus, n.minBytes, n.maxBytes]).toEqual([1, 1, 64, 256]);
      expect([n.ranks, n.processes]).toEqual([2, 2]);
      expect(n.hosts).toEqual(["node-x", "node-y"]);
      expect(n.gpuNames).toEqual(["NVIDIA L4", "NVIDIA T4"]);
      expect(n.rowsComplete).toBe(0);
      expect(n.complete).toBe(false);
      expect(ids(r, "error")).toEqual([]);
    });
  }
});
