import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in real benchmark pastes (round 35b) that the tool read wrong. Every text here is written for the test
 * in the printed layout (hosts, pids and values are made up); the facts and findings checked are exact.
 */

// an nccl-tests run on two hosts whose NET plugin (aws-ofi-nccl) refuses the machine: NCCL 2.4's initNet tries the
// plugin, then its own IB transport (no device here), then its socket transport; the paste ends before `Using network`
const PLUGIN_THEN_SOCKET = [
  "# nThread 1 nGpus 1 minBytes 1048576 maxBytes 67108864 step: 2(factor) warmup iters: 5 iters: 20 validation: 1 ",
  "#",
  "# Using devices",
  "#   Rank  0 Pid   3120 on node-a device  0 [0x00] Tesla V100-SXM2-16GB",
  "#   Rank  1 Pid   3377 on node-b device  0 [0x00] Tesla V100-SXM2-16GB",
  "node-a:3120:3120 [0] NCCL INFO Bootstrap : Using [0]eth0:10.20.0.11<0>",
  "node-a:3120:3120 [0] ofi_init:700 NCCL WARN NET/OFI Only EFA provider is supported",
  "node-a:3120:3120 [0] NCCL INFO NET/IB : No device found.",
  "node-a:3120:3120 [0] NCCL INFO NET/Socket : Using [0]eth0:10.20.0.11<0>",
  "NCCL version 2.4.8+cuda10.1",
];

const text = (lines: string[]) => lines.join("\n") + "\n";

describe("a NET plugin that failed, then NCCL's own transport starting (no `Using network` line in the paste)", () => {
  it("is the plugin fallback NCCL went on from, not an NCCL error", async () => {
    const r = await analyzeText(text(PLUGIN_THEN_SOCKET));
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r)).toContain("nccl/net-plugin-fallback");
    expect(ids(r)).toContain("nccl/socket-fallback");
    const rec = r.facts.recovered ?? [];
    expect(rec.map((x) => [x.kind, x.net, x.failure.line, x.by.line])).toEqual([["net-plugin", "Socket", 7, 9]]);
    expect(r.summary.errors).toBe(0);
  });

  it("NCCL's IB transport starting names IB as what it went on with", async () => {
    const lines = [...PLUGIN_THEN_SOCKET.slice(0, 7), "node-a:3120:3120 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB eth0:10.20.0.11<0>"];
    const r = await analyzeText(text(lines));
    expect(ids(r, "error")).toEqual([]);
    expect((r.facts.recovered ?? []).map((x) => [x.kind, x.net])).toEqual([["net-plugin", "IB"]]);
  });

  it("reads the same behind kubectl --timestamps, a compose prefix and with CRLF", async () => {
    const variants = [
      PLUGIN_THEN_SOCKET.map((l, i) => `2024-05-02T08:15:${String(10 + i).padStart(2, "0")}.000123456Z ${l}`),
      PLUGIN_THEN_SOCKET.map((l) => `nccl-test-1  | ${l}`),
    ].map(text);
    variants.push(text(PLUGIN_THEN_SOCKET).replace(/\n/g, "\r\n"));
    for (const v of variants) {
      const r = await analyzeText(v);
      expect(ids(r, "error")).toEqual([]);
      expect((r.facts.recovered ?? []).map((x) => [x.kind, x.net])).toEqual([["net-plugin", "Socket"]]);
    }
  });

  it("a transport line before the plugin's failure (NCCL ≤2.3 set sockets up first), or another process's, does not answer it", async () => {
    const warn = "node-a:3120:3120 [0] ofi_init:700 NCCL WARN NET/OFI Only EFA provider is supported";
    for (const lines of [
      ["node-a:3120:3120 [0] NCCL INFO NET/Socket : Using [0]eth0:10.20.0.11<0>", warn],
      [warn, "node-b:3377:3377 [0] NCCL INFO NET/Socket : Using [0]eth0:10.20.0.12<0>"],
    ]) {
      const r = await analyzeText(text(lines));
      expect(ids(r, "error")).toEqual(["nccl/error"]);
      expect(r.facts.recovered ?? []).toEqual([]);
    }
  });

  it("a transport line answers only a plugin's failure, not an error-return line on the way up", async () => {
    const r = await analyzeText(
      text([
        "node-a:3120:3120 [0] NCCL INFO transport/net_ib.cc:413 -> 2",
        "node-a:3120:3120 [0] NCCL INFO NET/Socket : Using [0]eth0:10.20.0.11<0>",
      ]),
    );
    expect(r.facts.recovered ?? []).toEqual([]);
  });
});

describe("an nccl-tests paste cut after its opening lines", () => {
  it("the verdict names the test that started instead of saying nothing was recognised", async () => {
    const r = await analyzeText(
      text([
        "+ mpirun -np 4 --allow-run-as-root /opt/rccl-tests/build/all_gather_perf -b 1G -e 4G -f 2 -g 1",
        "# Collective test starting: all_gather_perf",
        "# nThread 1 nGpus 1 minBytes 1073741824 maxBytes 4294967296 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1",
      ]),
    );
    expect(r.facts.bench?.ncclTests?.collective).toBe("all_gather_perf");
    expect(r.verdict).toBe("Healthy: nccl-tests all_gather_perf: started, no rank or result rows in the log.");
  });
});

describe("nccl-tests rows pasted as a markdown table", () => {
  // cells split by ` | `, GitHub's separator under the first row, a spreadsheet's dropped trailing zeros
  const PIPES = [
    "2048 | 512 | bfloat16 | sum | -1 | 6.1 | 0.34 | 0.59 | 0 | 6.02 | 0.34 | 0.6 | 0",
    "-- | -- | -- | -- | -- | -- | -- | -- | -- | -- | -- | -- | --",
    "4096 | 1024 | bfloat16 | sum | -1 | 6.33 | 0.65 | 1.13 | 0 | 6.3 | 0.65 | 1.14 | 0",
    "8192 | 2048 | bfloat16 | sum | -1 | 6.9 | 1.19 | 2.08 | 0 | 6.85 | 1.2 | 2.09 | 0",
    "16384 | 4096 | bfloat16 | sum | -1 | 7.4",
  ];

  it("reads each row as the row it was (a cut last row is an incomplete one)", async () => {
    for (const lines of [PIPES, PIPES.map((l) => `| ${l} |`), PIPES.map((l) => `2024-07-01T10:00:00.000000000Z ${l}`)]) {
      const t = (await analyzeText(text(lines))).facts.bench?.ncclTests;
      expect(t?.maxBusbwGBs).toBe(2.08);
      expect(t?.wrongTotal).toBe(0);
      expect(t?.rowsComplete).toBe(3);
      expect(t?.rowsIncomplete).toBe(1);
    }
  });

  it("another program's table of numbers is no nccl-tests table", async () => {
    const r = await analyzeText(text(["| 128 | 128 | 1 | 8 | 650.5 | 645.4 | 662.0 | 30.5 |", "| 256 | 128 | 4 | 8 | 700.1 | 690.0 | 720.3 | 31.0 |"]));
    expect(r.facts.bench?.ncclTests ?? null).toBeNull();
  });
});

describe("nccl-tests processes that ran as separate jobs (a build without the launcher's MPI)", () => {
  const dev = (rank: number, pid: number, host: string) => `#  Rank ${String(rank).padStart(2)} Group  0 Pid ${String(pid).padStart(6)} on ${host.padStart(10)} device  ${rank} [0x1b] NVIDIA A100-SXM4-80GB`;
  const header = (pid: number, host: string) => [
    "# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
    "#",
    "# Using devices",
    dev(0, pid, host),
  ];
  const ROW = "   134217728      33554432     float     sum      -1    812.4  165.21    0.00      0    801.9  167.38    0.00      0";
  const FOOTER = ["# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 0 ", "#"];

  it("every process's own header, all Rank 0, is reported (also where a markdown rendering took the `#`)", async () => {
    const hashed = [...header(41001, "gpu-node-a"), ...header(41002, "gpu-node-a"), ...header(52001, "gpu-node-b")];
    const eaten = ["Using devices ", ...[[41001, "gpu-node-a"], [41002, "gpu-node-a"], [52001, "gpu-node-b"]].map(([p, h]) => dev(0, p as number, h as string).slice(3))];
    for (const lines of [hashed, eaten, eaten.map((l) => `2024-09-26T03:11:09.120000000Z ${l}`)]) {
      for (const t of [text(lines), text(lines).replace(/\n/g, "\r\n")]) {
        const r = await analyzeText(t);
        expect(ids(r, "error")).toEqual(["bench/nccl-tests-separate-processes"]);
        expect(r.findings[0].message).toMatch(/^3 processes on gpu-node-a, gpu-node-b each printed their own nccl-tests header/);
      }
    }
  });

  it("one job's ranks, and runs one after another with their rows, are no such case", async () => {
    const oneJob = ["# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0", "#", "# Using devices", dev(0, 41001, "gpu-node-a"), dev(1, 41002, "gpu-node-a")];
    const oneAfterAnother = [...header(41001, "gpu-node-a"), ROW, ...FOOTER, ...header(41077, "gpu-node-a"), ROW, ...FOOTER];
    for (const lines of [oneJob, oneAfterAnother]) expect(ids(await analyzeText(text(lines)))).not.toContain("bench/nccl-tests-separate-processes");
  });
});
