import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliHere } from "./helpers/cli.js";
import { busbwCurve, formatBytes, servePercentiles } from "../src/report/bench-rows.js";

const NCCL = join("samples", "bench-nccl-today.txt");
const SERVE = join("samples", "bench-serve-today.txt");

describe("benchmark numbers in the reports", () => {
  it("text: a section per result kind with the large-size busbw and the latency percentiles", async () => {
    const out = (await runCliHere(["analyze", "--no-color", NCCL, SERVE])).stdout;
    expect(out).toContain("\nServing benchmark\n  requests               1,000 successful, 0 failed\n");
    expect(out).toContain("  output throughput      1,258.54 tok/s (peak 1,664)\n");
    expect(out).toContain("  TTFT (ms)              mean 318.27 · median 261.04 · P90 604.18 · P99 912.4\n");
    // (wrapped at 80 columns off a terminal)
    expect(out).toContain("\nnccl-tests\n  test                   all_reduce_perf, 16 ranks on 2 nodes (NVIDIA H100 80GB\n                         HBM3)\n  busbw at ≥ 256 MiB     349.48 GB/s\n");
    expect(out).toContain("  avg bus bandwidth      114.9 GB/s (mean over every size)\n  validation             #wrong 0, out of bounds OK\n  sizes                  8 B – 8 GiB, 31 rows\n");
  });

  it("markdown: a Benchmarks section with one table per kind", async () => {
    const md = (await runCliHere(["analyze", "--format", "markdown", NCCL, SERVE])).stdout;
    const section = md.slice(md.indexOf("## Benchmarks"), md.indexOf("## Findings"));
    expect(section.match(/^### .*/gm)).toEqual(["### Serving benchmark", "### nccl-tests"]);
    expect(section).toContain("| TTFT (ms) | mean 318.27 · median 261.04 · P90 604.18 · P99 912.4 |");
    expect(section).toContain("| busbw at ≥ 256 MiB | 349.48 GB/s |");
    expect(section).toContain("| test | all_reduce_perf, 16 ranks on 2 nodes (NVIDIA H100 80GB HBM3) |");
  });

  it("html: tables and both charts, drawn with presentation attributes only (the CSP allows no style attribute)", async () => {
    const html = (await runCliHere(["analyze", "--format", "html", NCCL, SERVE])).stdout;
    expect(html).toContain("<h2>Benchmarks</h2>");
    expect(html).toMatch(/<svg id="busbw-chart-1" class="busbw-chart" role="img" aria-label="all_reduce_perf: bus bandwidth by message size"/);
    expect(html).toMatch(/<svg id="latency-chart" role="img"/);
    expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    expect((html.match(/<circle class="busbw-point"/g) ?? []).length).toBe(62);
    expect((html.match(/<rect class="latency-bar"/g) ?? []).length).toBe(12);
  });

  it("json and ndjson carry facts.bench as the contract has it", async () => {
    const nd = (await runCliHere(["analyze", "--format", "ndjson", NCCL])).stdout.trim().split("\n").map((l) => JSON.parse(l));
    const facts = nd.find((o) => o.type === "facts").facts;
    expect(facts.bench.ncclTests).toMatchObject({ collective: "all_reduce_perf", ranks: 16, avgBusbwGBs: 114.9, maxBusbwGBs: 349.48, largeSizeBusbwGBs: 349.48, wrongTotal: 0, outOfBoundsOk: true });
  });

  it("percentiles come in order, P50 dropped next to the median, P99.9 kept; the busbw curve skips incomplete rows", async () => {
    expect(servePercentiles({ meanTtftMs: 10, p99_9TtftMs: 40, p50TtftMs: 8, medianTtftMs: 8, p99TtftMs: 30, stdTtftMs: 3, meanItlMs: 1 })).toEqual([
      { metric: "TTFT", points: [{ label: "mean", value: 10 }, { label: "median", value: 8 }, { label: "P99", value: 30 }, { label: "P99.9", value: 40 }] },
      { metric: "ITL", points: [{ label: "mean", value: 1 }] },
    ]);
    expect(busbwCurve({ rows: [{ sizeBytes: 1024, outOfPlace: { busbwGBs: 1 }, inPlace: { busbwGBs: 1.1 }, complete: true }, { sizeBytes: 8, outOfPlace: { busbwGBs: 0 }, inPlace: null, complete: true }, { sizeBytes: 2048, outOfPlace: null, inPlace: null, complete: false }] })).toEqual([
      { sizeBytes: 8, outOfPlace: 0, inPlace: null },
      { sizeBytes: 1024, outOfPlace: 1, inPlace: 1.1 },
    ]);
    expect([8, 1024, 1536, 268435456, 8589934592].map(formatBytes)).toEqual(["8 B", "1 KiB", "1.5 KiB", "256 MiB", "8 GiB"]);
  });
});
