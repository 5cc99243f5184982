import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Shapes of a sixteenth round of real benchmark outputs: a serve result whose paste begins with the tail of an
 * earlier run (from a metric section down, or from a request row the tail reader skips) and goes on into a whole
 * block with its banner. Every text is written for the test in serve.py's layout (`{:<40} {:<10.2f}`, section rules
 * `"{s:{c}^{n}}".format(s=header, n=50, c="-")`), under wrappers the real pastes did not have; the facts are exact.
 */

const row = (label: string, value: string, pad = true) => `${label.padEnd(40)} ${pad ? value.padEnd(10) : value}`;
const section = (name: string) => {
  const left = Math.floor((50 - name.length) / 2);
  return "-".repeat(left) + name + "-".repeat(50 - left - name.length);
};
const banner = "============ Serving Benchmark Result ============";

describe("a serve paste that starts with an earlier run's tail and goes on into a whole block", () => {
  it("reads the bannered block, not the tail, behind a script's own 40-'=' echo lines (kubectl timestamps)", async () => {
    const tail = [
      row("P90 ITL (ms):", "31.50"),
      row("P99 ITL (ms):", "77.02"),
      section("End-to-end Latency"),
      row("Mean E2EL (ms):", "20410.66"),
      row("Median E2EL (ms):", "19876.10"),
      row("P99 E2EL (ms):", "30555.91"),
      "=".repeat(50),
    ];
    const next = [
      banner,
      row("Successful requests:", "480"),
      row("Failed requests:", "0"),
      row("Request rate configured (RPS):", "24.00"),
      row("Benchmark duration (s):", "41.27"),
      row("Request throughput (req/s):", "11.63"),
      row("Output token throughput (tok/s):", "2977.40"),
      "Total token throughput",
    ];
    const lines = [...tail, "", "=".repeat(40), "rate=24 prompts=480", "=".repeat(40), ...next];
    const text = lines.map((l, i) => `2026-03-02T10:00:${String(i).padStart(2, "0")}.000000000Z ${l}`).join("\n") + "\n";
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect(s.successfulRequests).toBe(480);
    expect(s.failedRequests).toBe(0);
    expect(s.durationS).toBe(41.27);
    expect(s.requestThroughput).toBe(11.63);
    expect(s.outputThroughput).toBe(2977.4);
    expect(s.totalTokenThroughput).toBeNull();
    expect(s.p99ItlMs).toBeNull();
    expect(s.complete).toBe(false);
    expect(s.runCount).toBe(2);
    // the tail is still a run of its own, marked as a tail
    const runs = r.facts.bench!.runs.filter((x) => x.kind === "serve");
    expect(runs.map((x) => x.values.tailOnly ?? false)).toEqual([true, false]);
    expect(runs[0].values.p99E2elMs).toBe(30555.91);
  });

  it("skips request rows above the tail's first section and reads the next block (unpadded, CRLF, compose prefix)", async () => {
    const tail = [
      row("Maximum request concurrency:", "4", false),
      row("Benchmark duration (s):", "88.10", false),
      row("Request throughput (req/s):", "2.27", false),
      section("Time to First Token"),
      row("Mean TTFT (ms):", "55.10", false),
      row("P99 TTFT (ms):", "140.00", false),
      section("Inter-token Latency"),
      row("Mean ITL (ms):", "6.02", false),
      row("P99 ITL (ms):", "9.75", false),
      "=".repeat(50),
    ];
    const next = [banner, row("Successful requests:", "200", false), row("Failed requests:", "0", false), row("Maximum request concurrency:", "4", false), row("Benchmark duration (s):", "86.92", false), "Total generated tokens:"];
    const text = [...tail, "", ...next].map((l) => `bench-1  | ${l}`).join("\r\n") + "\r\n";
    const s = (await analyzeText(text)).facts.bench!.serve!;
    expect(s.successfulRequests).toBe(200);
    expect(s.durationS).toBe(86.92);
    expect(s.maxRequestConcurrency).toBe(4);
    expect(s.meanTtftMs).toBeNull();
    expect(s.requestThroughput).toBeNull();
    expect(s.runCount).toBe(2);
  });

  it("still reads the first tail when no block has a banner (two tails)", async () => {
    const a = [section("Time per Output Token (excl. 1st token)"), row("Mean TPOT (ms):", "12.50"), row("P99 TPOT (ms):", "20.00"), "=".repeat(50)];
    const b = [section("Time per Output Token (excl. 1st token)"), row("Mean TPOT (ms):", "8.00", false), row("P99 TPOT (ms):", "9.00", false)];
    const s = (await analyzeText([...a, "", ...b].join("\n") + "\n")).facts.bench!.serve!;
    expect(s.meanTpotMs).toBe(12.5);
    expect(s.p99TpotMs).toBe(20);
    expect(s.runCount).toBe(2);
  });
});

// nccl-tests' printf layouts: settings `# nThread %d nGpus %d minBytes %ld ...`, devices `#  Rank %2d Group %2d Pid %6d on %10s device %2d [%s] %s`
const settingsLine = (minBytes: number) =>
  `# nThread 1 nGpus 4 minBytes ${minBytes} maxBytes 67108864 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0`;
const device = (rank: number, pid: number, host: string, dev: number, bus: string) =>
  `#  Rank ${String(rank).padStart(2)} Group  0 Pid ${String(pid).padStart(6)} on ${host.padStart(10)} device ${String(dev).padStart(2)} [${bus}] NVIDIA A100-SXM4-80GB`;
const header = [
  "#                                                              out-of-place                       in-place          ",
  "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
  "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
];
const ncclRow = (size: number, busbw: string) =>
  `${String(size).padStart(12)}  ${String(size / 16).padStart(12)}  ${"float".padStart(8)}  ${"sum".padStart(6)}  ${"-1".padStart(6)}  ${"812.4".padStart(7)}  ${"20.65".padStart(6)}  ${busbw.padStart(6)}  ${"0".padStart(5)}  ${"815.0".padStart(7)}  ${"20.58".padStart(6)}  ${busbw.padStart(6)}  ${"0".padStart(5)}`;

describe("nccl-tests output of a build without MPI under mpirun: every process prints the header", () => {
  it("keeps the repeated settings line in one run (Open MPI's [1,N]<stdout>: prefixes)", async () => {
    const out = [
      "mpirun -np 2 --host node-a,node-b ./build/reduce_scatter_perf -b 8M -e 64M -f 2 -g 4",
      `[1,0]<stdout>:${settingsLine(8388608)}`,
      "[1,0]<stdout>:#",
      "[1,0]<stdout>:# Using devices",
      `[1,1]<stdout>:${settingsLine(8388608)}`,
      "[1,1]<stdout>:#",
      "[1,1]<stdout>:# Using devices",
      ...[0, 1, 2, 3].map((i) => `[1,0]<stdout>:${device(i, 7120, "node-a", i, `0x${(0x1b + i).toString(16)}`)}`),
      ...header.map((l) => `[1,0]<stdout>:${l}`),
      `[1,0]<stdout>:${ncclRow(8388608, "61.20")}`,
    ];
    const r = await analyzeText(out.join("\n") + "\n");
    const n = r.facts.bench!.ncclTests! as Record<string, unknown>;
    expect([n.collective, n.ranks, n.nGpus, n.hosts, n.maxBusbwGBs, n.runCount]).toEqual(["reduce_scatter_perf", 4, 4, ["node-a"], 61.2, 1]);
  });

  it("still starts a second run when the next settings line differs", async () => {
    const out = [settingsLine(8), "#", "# Using devices", settingsLine(1024), "#", "# Using devices", device(0, 300, "node-a", 0, "0x1b")];
    const n = (await analyzeText(out.join("\n") + "\n")).facts.bench!.ncclTests! as Record<string, unknown>;
    expect(n.runCount).toBe(2);
    expect(n.minBytes).toBe(8);
  });
});

describe("nccl-tests device lines whose `#` a markdown rendering took, with no settings line above", () => {
  it("reads the ranks below a bare `Using devices` line (CRLF, the command above)", async () => {
    const out = [
      "mpirun -np 2 ./build/all_gather_perf -b 1M -e 1G -f 2 -g 1",
      "Using devices ",
      device(0, 4411, "gpu-a", 0, "0x1b").replace(/^#\s+/, ""),
      device(1, 4412, "gpu-a", 1, "0x1c").replace(/^#\s+/, ""),
      "Rank  1 Group  0 Pid   4412 on      gpu-a dev",
    ];
    const n = (await analyzeText(out.join("\r\n") + "\r\n")).facts.bench!.ncclTests! as Record<string, unknown>;
    expect([n.collective, n.ranks, n.processes, n.hosts]).toEqual(["all_gather_perf", 2, 2, ["gpu-a"]]);
  });

  it("reads no run from a prose `Using devices` line without device lines", async () => {
    const r = await analyzeText("Using devices\nRank order does not matter here.\n");
    expect(r.facts.bench?.ncclTests ?? null).toBeNull();
  });
});

describe("an nccl-tests device line cut right after the word `device`", () => {
  it("counts its rank with the host and no device number (Ray prefix, -t 4 in one process)", async () => {
    const settings = "# nThread 4 nGpus 1 minBytes 8 maxBytes 1073741824 step: 4(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0";
    const out = [
      "./build/all_gather_perf -b 8 -e 1G -f 4 -g 1 -t 4",
      settings,
      "#",
      "# Using devices",
      device(0, 91, "c0ffee01", 0, "0x07"),
      device(1, 91, "c0ffee01", 1, "0x0b"),
      "#  Rank  2 Group  0 Pid     91 on   c0ffee01 device",
    ].map((l) => `(RayWorkerWrapper pid=91, ip=10.0.0.5) ${l}`);
    const n = (await analyzeText(out.join("\n") + "\n")).facts.bench!.ncclTests! as Record<string, unknown>;
    expect([n.collective, n.ranks, n.hosts, n.nThreads]).toEqual(["all_gather_perf", 3, ["c0ffee01"], 4]);
    const devices = n.devices as { rank: number; device: number | null }[];
    expect(devices.map((d) => [d.rank, d.device])).toEqual([[0, 0], [1, 1], [2, null]]);
  });
});
