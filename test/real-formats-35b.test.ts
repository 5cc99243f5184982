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
