import { describe, expect, it } from "vitest";
import { peel } from "../src/records/peel.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

describe("Ray's own error lines and escapes written out as text", () => {
  it("takes Ray's Python `ERROR file.py:N -- msg` and C++ `[date E pid tid] file.cc:N:` lines as errors", async () => {
    for (const [lines, first] of [
      [["2025-05-26 18:58:09,100\tINFO worker.py:1888 -- Connected to Ray cluster.", "2025-05-26 18:58:10,599\tERROR worker.py:406 -- Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::RayWorkerWrapper.execute_method() (pid=1234, ip=10.0.0.3)"], 2],
      [["INFO worker.py:1888 -- Connected to Ray cluster.", "WARNING worker.py:2000 -- a warning", "[2025-05-26 18:58:10,599 E 629624 629624] logging.cc:496: *** SIGTERM received at time=1748285890 on cpu 3 ***"], 3],
      [["(raylet) [2025-05-26 18:58:10,599 I 10 10] main.cc:180: Setting cluster ID", "(raylet) [2025-05-26 18:58:11,000 F 10 10] node_manager.cc:99: Check failed: ok"], 2],
    ] as [string[], number][]) {
      const f = (await analyzeText(lines.join("\n") + "\n")).facts;
      expect(f.firstError?.line, lines.join(" | ")).toBe(first);
      expect(f.config.executorBackend).toBe(lines[0].includes("Connected to Ray cluster") ? "ray" : null);
    }
  });

  it("peels `\\x1b[36m`, `\\033[1;31m` and `\\u001b[0m` written out as text, as it peels real ANSI", async () => {
    const p = peel("\\x1b[36m(RayWorkerWrapper pid=1234, ip=10.0.0.3)\\x1b[0m ERROR 05-26 18:58:11 [worker_base.py:620] Error executing method 'load_model'.");
    expect(p.text).toBe("ERROR 05-26 18:58:11 [worker_base.py:620] Error executing method 'load_model'.");
    expect(p.origin).toMatchObject({ process: "RayWorkerWrapper", pid: 1234, ip: "10.0.0.3" });
    expect(peel("\\033[1;31mfailed\\u001b[0m here").text).toBe("failed here");
    // a Windows path with `\e[` is left alone
    expect(peel("C:\\e[1]x").text).toBe("C:\\e[1]x");
  });

  it("reads a Ray paste with text escapes end to end: the worker's error first, its process named", async () => {
    const r = await analyzeText(
      [
        "\\x1b[36m(RayWorkerWrapper pid=1234, ip=10.0.0.3)\\x1b[0m INFO 05-26 18:58:00 [utils.py:990] Found nccl from library libnccl.so.2.21.5",
        "\\x1b[36m(RayWorkerWrapper pid=1234, ip=10.0.0.3)\\x1b[0m ERROR 05-26 18:58:11 [worker_base.py:620] Error executing method 'load_model'. This might cause deadlock in distributed execution.",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.nccl.version).toBe("2.21.5");
    expect(r.facts.config.executorBackend).toBe("ray");
  });
});

// a 2022+ table row: size count type redop root | time algbw busbw #wrong | time algbw busbw #wrong
function row(size: number, bw: number, tag = ""): [string, string] {
  const t = ((size / (bw * 1e3)) || 1).toFixed(1);
  const out = `${String(size).padStart(12)}  ${String(size / 4).padStart(12)}     float     sum      -1  ${t.padStart(7)}  ${bw.toFixed(2).padStart(6)}  ${bw.toFixed(2).padStart(6)}      0`;
  return [out + tag, `  ${t.padStart(7)}  ${bw.toFixed(2).padStart(6)}  ${bw.toFixed(2).padStart(6)}      0`];
}

const HEAD = [
  "# nThread 1 nGpus 1 minBytes 1048576 maxBytes 8589934592 step: 8(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
  "#",
  "# Using devices",
  "#  Rank  0 Group  0 Pid  51001 on      gpu-a device  0 [0000:18:00] NVIDIA H100 80GB HBM3",
  "#  Rank  1 Group  0 Pid  51002 on      gpu-b device  0 [0000:18:00] NVIDIA H100 80GB HBM3",
  "#",
  "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
  "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)",
];
const FOOT = ["# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 141.2 "];
const SIZES: [number, number][] = [[1048576, 40.1], [8388608, 120.5], [67108864, 180.2], [536870912, 190.7], [4294967296, 194.3], [8589934592, 195.9]];

describe("nccl-tests tables with NCCL_DEBUG lines between the rows", () => {
  const nccl = (i: number) => `gpu-a:51001:51090 [0] NCCL INFO Channel 0${i % 4}/0 : 0[0] -> 1[0] [send] via NET/IB/0/GDRDMA`;

  it("keeps every row when NCCL lines sit between whole rows, or split a row in two (glued or on their own line)", async () => {
    const whole: string[] = [];
    const glued: string[] = [];
    const ownLine: string[] = [];
    SIZES.forEach(([s, bw], i) => {
      const [a, b] = row(s, bw);
      whole.push(`${a}${b}`, nccl(i), "gpu-a:51001:51090 [0] NCCL INFO Connected all rings");
      // nccl-tests prints the out-of-place half, runs the in-place collective, then prints the rest
      glued.push(`${a}${nccl(i)}`, "gpu-a:51001:51090 [0] NCCL INFO Connected all trees", b);
      ownLine.push(a, nccl(i), b);
    });
    for (const [name, body] of [["whole", whole], ["glued", glued], ["own line", ownLine]] as const) {
      const r = await analyzeText([...HEAD, ...body, ...FOOT].join("\n") + "\n");
      const t = r.facts.bench.ncclTests as Record<string, unknown>;
      expect(t, name).toMatchObject({ maxBusbwGBs: 195.9, largeSizeBusbwGBs: 195.9, rowsComplete: 6, rowsIncomplete: 0, wrongTotal: 0, avgBusbwGBs: 141.2, ranks: 2 });
      expect((t.rows as { sizeBytes: number }[]).map((x) => x.sizeBytes)).toEqual(SIZES.map(([s]) => s));
      expect(r.facts.nccl.transports["NET/IB/GDRDMA"], name).toBe(6);
    }
  });

  it("reads the same under mpirun's `[1,0]<stdout>:` tags", async () => {
    const body: string[] = [];
    SIZES.forEach(([s, bw], i) => {
      const [a, b] = row(s, bw);
      body.push(a, nccl(i), b);
    });
    const r = await analyzeText([...HEAD, ...body, ...FOOT].map((l) => `[1,0]<stdout>:${l}`).join("\n") + "\n");
    expect(r.facts.bench.ncclTests).toMatchObject({ largeSizeBusbwGBs: 195.9, rowsComplete: 6 });
  });
});

describe("older nccl-tests tables", () => {
  // 2019-2022 (NCCL 2.4 era): no root column, `error` = the largest deviation, `%5.0le`
  const old = [
    "# nThread 1 nGpus 8 minBytes 8 maxBytes 1073741824 step: 4(factor) warmup iters: 5 iters: 20 validation: 1",
    "#",
    "# Using devices",
    "#   Rank  0 Pid  12345 on     dgx1 device  0 [0x06] Tesla V100-SXM2-16GB",
    "#   Rank  1 Pid  12345 on     dgx1 device  1 [0x07] Tesla V100-SXM2-16GB",
    "#",
    "#                                                     out-of-place                       in-place",
    "#       size         count    type   redop     time   algbw   busbw  error     time   algbw   busbw  error",
    "#        (B)    (elements)                     (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)",
    "           8             2   float     sum    36.22    0.00    0.00  0e+00    35.90    0.00    0.00  0e+00",
    "      262144         65536   float     sum    60.61    4.33    7.57  2e-07    60.16    4.36    7.63  2e-07",
    "dgx1:12345:12399 [0] NCCL INFO Ring 00 :    0   1   2   3   4   5   6   7",
    "   268435456      67108864   float     sum   3451.1   77.78  136.12  2e-07   3449.8   77.81  136.17  2e-07",
    "  1073741824     268435456   float     sum    13701   78.37  137.14  2e-07    13699   78.38  137.17  2e-07",
    "# Out of bounds values : 0 OK",
    "# Avg bus bandwidth    : 70.2 ",
  ];

  it("gives busbw for the `error` column era, and no wrong-values count from deviations", async () => {
    const r = await analyzeText(old.join("\n") + "\n");
    expect(r.facts.bench.ncclTests).toMatchObject({ maxBusbwGBs: 137.14, largeSizeBusbwGBs: 137.14, errorColumn: "error", wrongTotal: null, rowsComplete: 4, avgBusbwGBs: 70.2 });
    expect(ids(r)).not.toContain("bench/nccl-tests-wrong");
  });

  it("tells the `error` column from `#wrong` by its values when the paste has no header", async () => {
    const r = await analyzeText(old.filter((l) => !l.startsWith("#  ") && !/^#\s+(?:size|\(B\)|out-of)/.test(l)).join("\n") + "\n");
    expect(r.facts.bench.ncclTests).toMatchObject({ maxBusbwGBs: 137.14, errorColumn: "error", wrongTotal: null });
    expect(ids(r)).not.toContain("bench/nccl-tests-wrong");
  });

  it("reads 2017's uncommented header and footer (`bytes N type op ... res`, time in ms)", async () => {
    const r = await analyzeText(
      [
        "nThread 1 nGpus 4 minBytes 8 maxBytes 268435456 step: 4(factor) warmup iters: 5 iters: 20 validation: 1 ",
        "#   Rank  0 on    p100a device  0 [0x04] Tesla P100-SXM2-16GB",
        "#   Rank  1 on    p100a device  1 [0x05] Tesla P100-SXM2-16GB",
        "                                                     out-of-place                    in-place",
        "      bytes             N    type      op     time  algbw  busbw      res     time  algbw  busbw      res",
        "           8             2   float     sum    0.017   0.00   0.00    0e+00    0.017   0.00   0.00    0e+00",
        "   268435456      67108864   float     sum   11.220  23.92  35.89    5e-07   11.201  23.96  35.95    5e-07",
        " Out of bounds values : 0 OK",
        " Avg bus bandwidth    : 16.8 ",
      ].join("\n") + "\n",
    );
    expect(r.facts.bench.ncclTests).toMatchObject({ maxBusbwGBs: 35.89, largeSizeBusbwGBs: 35.89, errorColumn: "res", wrongTotal: null, avgBusbwGBs: 16.8, outOfBoundsOk: true });
  });
});

describe("a mixed paste through the CLI (one run)", () => {
  it("reads every class of pasted input, under kubectl timestamps, into the JSON report", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { runJsonHere } = await import("./helpers/cli.js");
    const dir = mkdtempSync(join(tmpdir(), "vd-paste-cli-"));
    try {
      const log = join(dir, "paste.log");
      const lines = [
        "$ export NCCL_SOCKET_IFNAME=eth0",
        "Run vllm with arguments: serve org/llama-70b -tp 4 --max-model-len=8192",
        "Found nccl from library libnccl.so.2.19.3",
        "Loading model weights took 33.1234 GB",
        "# GPU blocks: 2000, # CPU blocks: 512",
        "Maximum concurrency for 8192 tokens per request: 3.91x",
        "2025-05-26 18:58:10,599\tERROR worker.py:406 -- Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::RayWorkerWrapper.execute_method()",
      ].map((l, i) => `2025-05-26T18:58:${String(i).padStart(2, "0")}.000000000Z ${l}`);
      writeFileSync(log, lines.join("\n") + "\n");
      const r = await runJsonHere(["analyze", log]);
      // an error line alone is no finding: exit 0
      expect(r.status).toBe(0);
      const f = r.report.facts;
      expect(f.config).toMatchObject({ model: "org/llama-70b", tensorParallelSize: 4, maxModelLen: 8192, source: "command" });
      expect(f.env).toEqual({ NCCL_SOCKET_IFNAME: "eth0" });
      expect(f.nccl.version).toBe("2.19.3");
      expect(f.memory.modelWeightsGiB).toBe(33.1234);
      expect(f.kvCache).toMatchObject({ gpuBlocks: 2000, tokens: 32000, maxConcurrency: 3.91 });
      expect(f.sources["kvCache.tokens"]).toMatchObject({ line: 5, derived: "kvCache.gpuBlocks (2000) × block size 16 (vLLM's default)" });
      expect(f.firstError.line).toBe(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
