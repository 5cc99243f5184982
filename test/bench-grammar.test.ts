import { describe, expect, it } from "vitest";
import { parseLabelRow } from "../grammars/bench-row.js";
import { parseDeviceLine, parseSettingsLine, tableCells } from "../grammars/bench-nccltests.js";

describe("bench-row grammar: `Label: value ...`", () => {
  it("reads a padded serve row and keeps the value apart from the padding", () => {
    expect(parseLabelRow("Successful requests:                     1000      ")).toEqual({ label: "Successful requests", value: { text: "1000", number: true }, rest: [] });
  });
  it("takes the first token after the label; an annotation after it goes to rest", () => {
    const row = parseLabelRow("Failed requests:                         0          <<<<<<< New line");
    expect(row?.label).toBe("Failed requests");
    expect(row?.value).toEqual({ text: "0", number: true });
    expect(row?.rest.map((p) => p.text)).toEqual(["<<<<<<<", "New", "line"]);
  });
  it("keeps units and dotted percentiles in the label", () => {
    expect(parseLabelRow("P99.9 TTFT (ms):                         1480.10   ")?.label).toBe("P99.9 TTFT (ms)");
    expect(parseLabelRow("Request rate configured (RPS):           inf")?.value).toEqual({ text: "inf", number: false });
  });
  it("a row cut at its colon has no value; a line without a colon is no row", () => {
    expect(parseLabelRow("Total input tokens:")).toEqual({ label: "Total input tokens", value: null, rest: [] });
    expect(parseLabelRow("Mean TPOT (ms)")).toBeNull();
    expect(parseLabelRow("")).toBeNull();
  });
  it("splits the throughput line into numbers, units and commas", () => {
    const row = parseLabelRow("Throughput: 7.15 requests/s, 4656.00 total tokens/s, 1072.15 output tokens/s");
    expect(row?.label).toBe("Throughput");
    expect(row?.rest.filter((p) => p.number).map((p) => p.text)).toEqual(["4656.00", "1072.15"]);
  });
});

describe("bench-nccltests grammar", () => {
  it("reads a 2022+ device line with group, pid, padded host, PCI BDF and a GPU name of several words", () => {
    expect(parseDeviceLine("#  Rank  3 Group  0 Pid  51878 on    node-b7 device  1 [0000:2a:00] NVIDIA H100 80GB HBM3")).toEqual({
      rank: 3, group: 0, pid: 51878, host: "node-b7", device: 1, busId: "0000:2a:00", gpuName: "NVIDIA H100 80GB HBM3",
    });
  });
  it("reads the 2019 form (no Group) and an IP-shaped host", () => {
    expect(parseDeviceLine("#   Rank  7 Pid 112424 on 10.0.3.17 device  7 [0x00] A100-SXM4-40GB")).toMatchObject({ rank: 7, group: null, pid: 112424, host: "10.0.3.17", busId: "0x00", gpuName: "A100-SXM4-40GB" });
  });
  it("rejects lines that only look alike", () => {
    expect(parseDeviceLine("# Using devices")).toBeNull();
    expect(parseDeviceLine("[Rank 0] Watchdog caught collective operation timeout")).toBeNull();
  });
  it("reads the settings line, with step unit and two-word keys", () => {
    expect(parseSettingsLine("# nThread 1 nGpus 8 minBytes 8 maxBytes 8589934592 step: 1048576(bytes) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0 unalign: 0")).toEqual({
      nThread: 1, nGpus: 8, minBytes: 8, maxBytes: 8589934592, step: 1048576, stepUnit: "bytes", "warmup iters": 5, iters: 20, "agg iters": 1, validation: 1, graph: 0, unalign: 0,
    });
  });
  it("splits a row with overflowing columns, N/A and exponents into cells", () => {
    const cells = tableCells("    33554432       8388608     float    none      -1    19.56  1715.44    0.00      0     0.78  43046.10    0.00    N/A");
    expect(cells?.map((c) => c.value)).toEqual([33554432, 8388608, null, null, -1, 19.56, 1715.44, 0, 0, 0.78, 43046.1, 0, null]);
    expect(tableCells("           8             2     float     sum    40.17    0.00    0.00  1e-07")?.[7].value).toBe(1e-7);
  });
});
