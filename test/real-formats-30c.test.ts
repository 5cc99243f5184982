import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";
import { banner, row } from "./helpers/serve-block.js";

/**
 * Shapes of a thirtieth round of real logs as CI systems and benchmark scripts print them: nccl-tests run under hydra's
 * `-l` (MPICH, Intel MPI: every chunk forwarded tagged `[rank] `, so the tag comes back inside a row that nccl-tests prints in
 * three pieces), an rccl-tests / nccl-tests tail pasted from below `# Collective test starting:` (only
 * `# Collective test concluded: X` names the test), and the one-line verdict of a benchmark output that has no footer or
 * no rows; from CI pastes, CUDA's driver check in a PyTorch test job, PyTorch's caching-allocator OOM warning with no error
 * after it, and a pre-2025-10 serve block short of its --num-prompts. Every text is written for the test in the printed layout (common.cu's `%12li  %12li  %8s  %6s  %6s` row head,
 * `  %7s  %6s  %6s  %6s` per placement, the `# %-20s : %g %s` footer).
 */

/** the row head nccl-tests prints first (size to root) */
const head = (size: number, op = "sum", root = "-1") => `${String(size).padStart(12)}  ${String(size / 4).padStart(12)}  ${"float".padStart(8)}  ${op.padStart(6)}  ${root.padStart(6)}`;
/** one placement's cells (time, algbw, busbw, #wrong) */
const cells = (time: string, alg: string, bus: string, wrong = "0") => `  ${time.padStart(7)}  ${alg.padStart(6)}  ${bus.padStart(6)}  ${wrong.padStart(6)}`;

const settings = "# nThread 1 nGpus 1 minBytes 1048576 maxBytes 8388608 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0";
const header = [
  "#                                                              out-of-place                       in-place          ",
  "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
  "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
];
const rows: [number, string, string, string, string, string, string][] = [
  [1048576, "701.3", "1.50", "2.81", "698.2", "1.50", "2.82"],
  [2097152, "811.9", "2.58", "4.84", "809.0", "2.59", "4.86"],
  [4194304, "1402.6", "2.99", "5.61", "1398.4", "3.00", "5.62"],
  [8388608, "2780.1", "3.02", "5.66", "2791.7", "3.00", "5.63"],
];

describe("nccl-tests under hydra's -l (MPICH, Intel MPI): a `[rank] ` tag before every forwarded chunk", () => {
  // Hydra forwards what a process writes chunk by chunk and tags each chunk; nccl-tests writes a row's head, its
  // out-of-place cells and its in-place cells (and the newline) separately
  const tagged = (tag: string) => [
    `${tag} ${settings}`,
    `${tag} #`,
    `${tag} # Using devices`,
    `${tag} #  Rank  0 Group  0 Pid  40112 on   gpu-a01 device  0 [0000:17:00] NVIDIA L40S`,
    `${tag} #  Rank  1 Group  0 Pid  40113 on   gpu-a01 device  1 [0000:65:00] NVIDIA L40S`,
    `${tag} #`,
    ...header.map((h) => `${tag} ${h}`),
    ...rows.map(([size, t1, a1, b1, t2, a2, b2]) => `${tag} ${head(size)}${tag}${cells(t1, a1, b1)}${tag}${cells(t2, a2, b2)}`),
    `${tag} # Out of bounds values : 0 OK`,
    `${tag} # Avg bus bandwidth    : 4.73125 `,
    `${tag} #`,
  ];

  it("reads the rows, the ranks and the footer through the tags, as it reads the untagged output", async () => {
    const plain = await analyzeText(tagged("").map((l) => l.replace(/^ /, "")).join("\n") + "\n");
    const want = plain.facts.bench.ncclTests!;
    expect([want.ranks, want.maxBusbwGBs, want.wrongTotal, want.avgBusbwGBs, want.outOfBoundsOk]).toEqual([2, 5.66, 0, 4.73125, true]);
    for (const tag of ["[0]", "[1]", "[12]"]) {
      for (const text of variants(tagged(tag))) {
        const r = await analyzeText(text + "\n");
        const n = r.facts.bench.ncclTests!;
        expect([n.ranks, n.maxBusbwGBs, n.wrongTotal, n.avgBusbwGBs, n.outOfBoundsOk]).toEqual([2, 5.66, 0, 4.73125, true]);
        expect((n as unknown as { rowsComplete: number }).rowsComplete).toBe(4);
      }
    }
  });

  it("reads a paste that starts mid-row and has no header: the cut first line yields nothing, the whole rows count", async () => {
    const lines = [
      `[0]    ${"2291.4".padStart(7)}  ${"1.83".padStart(6)}  ${"3.43".padStart(6)}  ${"0".padStart(6)}[0]${cells("2288.0", "1.83", "3.44")}`,
      ...rows.map(([size, t1, a1, b1, t2, a2, b2]) => `[0] ${head(size)}[0]${cells(t1, a1, b1)}[0]${cells(t2, a2, b2)}`),
      `[0] ${head(16777216)}[0]  ${"5590.2".padStart(7)}`,
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    const n = r.facts.bench.ncclTests!;
    expect([n.maxBusbwGBs, n.wrongTotal, n.avgBusbwGBs]).toEqual([5.66, 0, null]);
    expect((n as unknown as { rowsComplete: number }).rowsComplete).toBe(4);
  });

  it("leaves a bracketed number before other text alone", async () => {
    const r = await analyzeText(["[0] starting job 4411 on 2 nodes", "[1] 2048 tasks queued", "[3] Avg bus bandwidth    : 9.5"].join("\n") + "\n");
    expect(r.facts.bench.ncclTests).toBeNull();
  });
});

describe("a tail pasted from below `# Collective test starting:`", () => {
  const tail = (name: string) => [
    ...rows.map(([size, t1, a1, b1, t2, a2, b2]) => `${head(size, "none", "0")}${cells(t1, a1, b1)}${cells(t2, a2, b2)}`),
    "# Errors with asterisks indicate errors that have exceeded the maximum threshold.",
    "# Out of bounds values : 0 OK",
    "# Avg bus bandwidth    : 4.73125 ",
    "#",
    `# Collective test concluded: ${name}`,
  ];

  it("names the test from `# Collective test concluded:` (rccl-tests' asterisk note between rows and footer)", async () => {
    for (const text of variants(tail("broadcast_perf"))) {
      const r = await analyzeText(text + "\n");
      const n = r.facts.bench.ncclTests!;
      expect([n.collective, n.maxBusbwGBs, n.avgBusbwGBs, n.outOfBoundsOk]).toEqual(["broadcast_perf", 5.66, 4.73125, true]);
      expect(r.verdict).toContain("nccl-tests broadcast_perf: average bus bandwidth 4.73 GB/s");
    }
  });

  it("keeps the name `# Collective test starting:` gave, and gives a concluded line's name to no later run", async () => {
    const whole = ["# Collective test starting: all_gather_perf", settings, "#", ...header, ...tail("all_gather_perf")];
    const r = await analyzeText([...whole, "", ...rows.slice(0, 2).map(([size, t1, a1, b1, t2, a2, b2]) => `${head(size)}${cells(t1, a1, b1)}${cells(t2, a2, b2)}`)].join("\n") + "\n");
    const runs = r.facts.bench.runs.filter((x) => x.kind === "ncclTests");
    expect(runs.map((x) => x.values.collective)).toEqual(["all_gather_perf", null]);
  });
});

describe("the verdict of a benchmark output with no footer or no rows", () => {
  it("names the peak bus bandwidth of a paste cut before the footer, and the ranks of one cut before the rows", async () => {
    const cut = [settings, "#", ...header, ...rows.map(([size, t1, a1, b1, t2, a2, b2]) => `${head(size)}${cells(t1, a1, b1)}${cells(t2, a2, b2)}`)];
    const r = await analyzeText(cut.join("\n") + "\n");
    expect(r.verdict).toBe("Healthy: nccl-tests: peak bus bandwidth 5.66 GB/s (no average: the footer is not in the log).");
    const devices = [settings, "#", "# Using devices", "#  Rank  0 Group  0 Pid   7001 on    node-17 device  0 [0000:1b:00] NVIDIA H100 80GB HBM3", "#  Rank  1 Group  0 Pid   7002 on    node-17 device  1 [0000:43:00] NVIDIA H100 80GB HBM3"];
    const h = await analyzeText(devices.join("\n") + "\n");
    // (the device lines name the GPU, gpu.name, which the verdict puts first)
    expect(h.verdict).toBe("Healthy: NVIDIA H100 80GB HBM3; nccl-tests: 2 ranks listed, no result rows.");
  });

  it("names the average of a latency run", async () => {
    const r = await analyzeText(["Avg latency: 2.4125530891120434 seconds", "10% percentile latency: 2.3980152290035039 seconds", "50% percentile latency: 2.4101775381714106 seconds"].join("\n") + "\n");
    expect(r.verdict).toBe("Healthy: latency benchmark: 2.41 s average.");
  });
});

describe("a serve block cut above its throughput rows", () => {
  it("is named in the verdict by its request counts", async () => {
    const counts: [string, string][] = [["Successful requests:", "120"], ["Failed requests:", "0"], ["Request rate configured (RPS):", "2.00"]];
    const lines = ["Traffic request rate: 2.0", banner, ...counts.map(([label, value]) => row(label, value))];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      expect(r.verdict).toBe("Healthy: benchmark: 120 successful requests, 0 failed (no throughput row in the log).");
    }
  });
});

describe("CUDA's driver check in a log vLLM did not write", () => {
  it("says the process, not vLLM, cannot use the GPU (PyTorch CI's `Mon DD HH:MM:SS ` stamps)", async () => {
    const gtest = `[ RUN      ] ProcessGroupNCCLTest.testAllreduce\nunknown file: Failure\nC++ exception with description "CUDA error: CUDA driver version is insufficient for CUDA runtime version
Exception raised from device_count_impl at /var/lib/ci/workspace/c10/cuda/CUDAFunctions.cpp:48 (most recent call first):`;
    const r = await analyzeText(gtest.split("\n").map((l) => `Mar 02 11:40:07 ${l}`).join("\n") + "\n");
    const f = r.findings.find((x) => x.ruleId === "vllm/cuda-driver-too-old")!;
    expect(f.severity).toBe("error");
    expect(f.message).toBe("The process cannot use the GPU: the driver does not support the CUDA runtime the program (torch) was built with. It fails at its first CUDA call.");
    // with vLLM's records round the same line, the message is vLLM's
    const v = await analyzeText(["INFO 03-02 11:40:01 [__init__.py:235] Automatically detected platform cuda.", "RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version"].join("\n") + "\n");
    expect(v.findings.find((x) => x.ruleId === "vllm/cuda-driver-too-old")!.message).toMatch(/^vLLM cannot use the GPU: the driver does not support the CUDA runtime torch and vLLM were built with\./);
  });
});

describe("PyTorch's caching allocator warning with no OutOfMemoryError after it", () => {
  const warn = (rank: number, dev: number) =>
    `[rank${rank}]:[W301 10:04:55.812203114 CUDACachingAllocator.cpp:3933] memory allocation failed with OOM on device ${dev} while trying to allocate 4294967296 bytes (free: 1073741824, total: 85899345920).`;

  it("is a cuda-oom warning that names the request, the free and the total memory", async () => {
    for (const text of variants([warn(2, 2), "", warn(0, 0), "", warn(1, 1)])) {
      const r = await analyzeText(text + "\n");
      const f = r.findings.filter((x) => x.ruleId === "vllm/cuda-oom");
      expect(f.map((x) => x.severity)).toEqual(["warning"]);
      expect(f[0].message).toMatch(/^PyTorch's allocator could not allocate 4 GiB on GPU 2 \(1 GiB free of 80 GiB\), in 3 lines\. No `CUDA out of memory` error follows/);
      expect(r.findings.filter((x) => x.severity === "error")).toEqual([]);
    }
  });

  it("leaves the error to the OutOfMemoryError that follows", async () => {
    const r = await analyzeText([warn(0, 0), "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.00 GiB. GPU 0 has a total capacity of 79.25 GiB of which 1.00 GiB is free."].join("\n") + "\n");
    const f = r.findings.filter((x) => x.ruleId === "vllm/cuda-oom");
    expect(f.map((x) => x.severity)).toEqual(["error"]);
    expect(f[0].message).toMatch(/^GPU 0 ran out of memory: it tried to allocate 4\.00 GiB with 1\.00 GiB free of 79\.25 GiB\./);
  });
});

describe("a pre-2025-10 serve block with fewer successes than --num-prompts", () => {
  const block = (ok: string) => [banner, ...([["Successful requests:", ok], ["Benchmark duration (s):", "86.44"], ["Total input tokens:", "75216"], ["Request throughput (req/s):", "0.19"]] as [string, string][]).map(([l, v]) => row(l, v, false)), "=".repeat(50)];
  const command = "python3 benchmarks/benchmark_serving.py --backend openai-chat --model Qwen/Qwen2.5-VL-7B-Instruct --num-prompts 32 --save-result";

  it("is a failed-requests warning that counts what the command asked for", async () => {
    for (const text of variants([command, "", ...block("16")])) {
      const r = await analyzeText(text + "\n");
      const f = r.findings.filter((x) => x.ruleId === "bench/failed-requests");
      expect(f.map((x) => x.severity)).toEqual(["warning"]);
      expect(f[0].message).toBe(
        "16 requests succeeded of the 32 the command's --num-prompts asked for, and this version of the result block prints no failed count: 16 requests failed, or the dataset held fewer prompts than asked for.",
      );
    }
  });

  it("stays quiet when every prompt succeeded or no command is in the log", async () => {
    for (const lines of [[command, "", ...block("32")], block("16")]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.findings.filter((x) => x.ruleId === "bench/failed-requests")).toEqual([]);
    }
  });
});
