import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { banner, row, section } from "./helpers/serve-block.js";

/**
 * Shapes of a twenty-eighth round of real benchmark outputs: vLLM's benchmark clients run under `srun --label` or
 * pdsh (every line behind `N: ` / `host: `), sglang's bench_serving of 2024 (`Total throughput (tok/s):`) and its
 * `--output-file` JSON lines, and a result block whose banner and closing rule a paste wrapped in markdown emphasis.
 * Every text is written for the test in the printed layout (`{:<40} {:<10}`, `"{s:{c}^{n}}".format(...)`, the
 * `Throughput:` / `Avg latency:` f-strings of benchmark_throughput.py and benchmark_latency.py).
 */

/** a 2025-10+ block (`Failed requests`, `Maximum request concurrency`, peak rows), padded or not */
const block = (pad: boolean, successes = "256"): string[] => [
  banner,
  row("Successful requests:", successes, pad),
  row("Failed requests:", "2", pad),
  row("Maximum request concurrency:", "32", pad),
  row("Benchmark duration (s):", "88.14", pad),
  row("Total input tokens:", "262144", pad),
  row("Total generated tokens:", "65536", pad),
  row("Request throughput (req/s):", "2.90", pad),
  row("Output token throughput (tok/s):", "743.54", pad),
  row("Peak output token throughput (tok/s):", "1024.00", pad),
  row("Peak concurrent requests:", "34.00", pad),
  row("Total token throughput (tok/s):", "3717.72", pad),
  section("Time to First Token"),
  row("Mean TTFT (ms):", "412.08", pad),
  row("Median TTFT (ms):", "388.61", pad),
  row("P99 TTFT (ms):", "1502.33", pad),
  section("Time per Output Token (excl. 1st token)"),
  row("Mean TPOT (ms):", "38.20", pad),
  row("Median TPOT (ms):", "37.95", pad),
  row("P99 TPOT (ms):", "44.71", pad),
  section("Inter-token Latency"),
  row("Mean ITL (ms):", "38.02", pad),
  row("Median ITL (ms):", "36.40", pad),
  row("P99 ITL (ms):", "97.15", pad),
  "=".repeat(50),
];

const servePreamble = [
  "Starting initial single prompt test run...",
  "Initial test run completed. Starting main benchmark run...",
  "Traffic request rate: inf",
  "Burstiness factor: 1.0 (Poisson process)",
  "Maximum request concurrency: 32",
];

/** `srun --label`: the task id right-aligned to the width of the largest one (`%*d: `) */
const srunLabel = (task: number, tasks: number) => `${String(task).padStart(String(tasks - 1).length)}: `;

describe("vLLM's benchmark clients behind srun --label and pdsh prefixes", () => {
  it("reads the serve block, padded or not, when every line carries `0: `, ` 0: ` or `host: `", async () => {
    for (const [prefix, pad] of [
      [srunLabel(0, 1), true],
      [srunLabel(0, 16), false],
      [srunLabel(3, 12), true],
      ["gpu-node-07: ", true],
      ["10.20.0.5: ", false],
    ] as const) {
      const text = [...servePreamble, ...block(pad)].map((l) => prefix + l).join("\n") + "\n";
      const s = (await analyzeText(text)).facts.bench!.serve!;
      expect([s.successfulRequests, s.failedRequests, s.maxRequestConcurrency, s.durationS, s.totalTokenThroughput]).toEqual([256, 2, 32, 88.14, 3717.72]);
      expect([s.meanTtftMs, s.p99TtftMs, s.meanTpotMs, s.p99TpotMs, s.meanItlMs, s.p99ItlMs]).toEqual([412.08, 1502.33, 38.2, 44.71, 38.02, 97.15]);
      expect([s.complete, s.runCount]).toEqual([true, 1]);
    }
  });

  it("keeps two labelled runs apart and takes a speculative-decoding section's indented rows as the block's", async () => {
    const spec = [
      section("Speculative Decoding"),
      row("Acceptance rate (%):", "61.20"),
      row("Acceptance length:", "2.84"),
      row("Drafts:", "23071"),
      row("Draft tokens:", "69213"),
      row("Accepted tokens:", "42358"),
      "Per-position acceptance (%):",
      `  ${"Position 0:".padEnd(38)} ${"80.11".padEnd(10)}`,
      `  ${"Position 1:".padEnd(38)} ${"61.02".padEnd(10)}`,
    ];
    const first = block(true);
    const lines = [...first.slice(0, -1), ...spec, first[first.length - 1], "", ...block(true, "250")];
    const r = await analyzeText(lines.map((l) => srunLabel(0, 4) + l).join("\n") + "\n");
    const s = r.facts.bench!.serve!;
    expect([s.successfulRequests, s.complete, s.runCount]).toEqual([256, true, 2]);
    expect([s.specAcceptanceRatePct, s.specAcceptanceLength, s.specPosition1AcceptancePct]).toEqual([61.2, 2.84, 61.02]);
    expect(r.facts.bench!.runs.map((x) => x.values.successfulRequests)).toEqual([256, 250]);
  });

  it("reads `vllm bench latency` and `vllm bench throughput` lines behind the prefixes", async () => {
    const latency = [
      "Avg latency: 1.2841096701333268 seconds",
      "10% percentile latency: 1.2790318510122597 seconds",
      "25% percentile latency: 1.2811749435010331 seconds",
      "50% percentile latency: 1.2836623294968065 seconds",
      "75% percentile latency: 1.2869901642512923 seconds",
      "90% percentile latency: 1.2901547001016728 seconds",
      "99% percentile latency: 1.2958870119987113 seconds",
    ];
    for (const prefix of [srunLabel(0, 1), srunLabel(0, 10), "dgx-b200-3: "]) {
      const l = (await analyzeText(latency.map((x) => prefix + x).join("\n") + "\n")).facts.bench!.latency!;
      expect([l.avgLatencyS, l.p50LatencyS, l.p99LatencyS]).toEqual([1.2841096701333268, 1.2836623294968065, 1.2958870119987113]);
    }
    const throughput = [
      "Throughput: 12.40 requests/s, 6348.80 total tokens/s, 3174.40 output tokens/s",
      "Total num prompt tokens:  256000",
      "Total num output tokens:  256000",
    ];
    for (const prefix of [srunLabel(0, 1), "gpu-a01: "]) {
      const t = (await analyzeText(throughput.map((x) => prefix + x).join("\n") + "\n")).facts.bench!.throughput!;
      expect([t.requestsPerS, t.totalTokensPerS, t.outputTokensPerS, t.totalPromptTokens, t.totalOutputTokens]).toEqual([12.4, 6348.8, 3174.4, 256000, 256000]);
    }
  });

  it("takes no word of prose for a prefix unless a benchmark line follows it", async () => {
    const r = await analyzeText(
      ["Summary: the Throughput: line was missing", "Note: Successful requests: were few", "0: Total time was long", "Result: see below"].join("\n") + "\n",
    );
    expect(r.facts.bench?.serve ?? null).toBeNull();
    expect(r.facts.bench?.throughput ?? null).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("sglang's bench_serving of 2024 and its --output-file JSON lines", () => {
  it("reads `Total throughput (tok/s):` as the total token throughput, and a fork's `Input/Output throughput (tok/s):` rows", async () => {
    const sglang2024 = [
      banner,
      row("Backend:", "sglang"),
      row("Traffic request rate:", "8.0"),
      row("Successful requests:", "1000"),
      row("Benchmark duration (s):", "131.06"),
      row("Total input tokens:", "215312"),
      row("Total generated tokens:", "198343"),
      row("Total generated tokens (retokenized):", "198101"),
      row("Request throughput (req/s):", "7.63"),
      row("Input token throughput (tok/s):", "1642.85"),
      row("Output token throughput (tok/s):", "1513.36"),
      row("Total throughput (tok/s):", "3156.21"),
      section("End-to-End Latency"),
      row("Mean E2E Latency (ms):", "8211.40"),
      row("Median E2E Latency (ms):", "6620.17"),
      section("Time to First Token"),
      row("Mean TTFT (ms):", "92.33"),
      row("Median TTFT (ms):", "71.08"),
      row("P99 TTFT (ms):", "391.52"),
      section("Time per Output Token (excl. 1st token)"),
      row("Mean TPOT (ms):", "41.26"),
      row("Median TPOT (ms):", "40.80"),
      row("P99 TPOT (ms):", "66.47"),
      section("Inter-token Latency"),
      row("Mean ITL (ms):", "40.94"),
      row("Median ITL (ms):", "33.15"),
      row("P99 ITL (ms):", "168.30"),
      "=".repeat(50),
    ];
    const s = (await analyzeText(sglang2024.join("\n") + "\n")).facts.bench!.serve!;
    expect([s.successfulRequests, s.durationS, s.inputThroughput, s.outputThroughput, s.totalTokenThroughput]).toEqual([1000, 131.06, 1642.85, 1513.36, 3156.21]);
    expect([s.meanE2elMs, s.p99TtftMs, s.p99TpotMs, s.p99ItlMs, s.complete]).toEqual([8211.4, 391.52, 66.47, 168.3, true]);

    // a fork that printed `{:<42}` rows with `Input throughput` / `Output throughput` (no `token`)
    const fork = [
      banner,
      `${"Successful requests:".padEnd(42)} ${"64".padEnd(10)}`,
      `${"Benchmark duration (s):".padEnd(42)} ${"20.52".padEnd(10)}`,
      `${"Request throughput (req/s):".padEnd(42)} ${"3.12".padEnd(10)}`,
      `${"Input throughput (tok/s):".padEnd(42)} ${"3193.76".padEnd(10)}`,
      `${"Output throughput (tok/s):".padEnd(42)} ${"399.22".padEnd(10)}`,
      `${"Total throughput (tok/s):".padEnd(42)} ${"3592.98".padEnd(10)}`,
      "=".repeat(50),
    ];
    const f = (await analyzeText(fork.join("\n") + "\n")).facts.bench!.serve!;
    expect([f.successfulRequests, f.inputThroughput, f.outputThroughput, f.totalTokenThroughput]).toEqual([64, 3193.76, 399.22, 3592.98]);
  });

  it("reads the JSON lines of both eras: `mean_e2e_latency_ms`, `total_throughput`, and a 2024 line with no request_throughput", async () => {
    const line2025 = JSON.stringify({
      backend: "sglang-oai", dataset_name: "random", request_rate: 16, max_concurrency: 64, random_input_len: 2048, random_output_len: 512,
      duration: 140.52271938324, completed: 2048, total_input_tokens: 4194304, total_output_tokens: 1048576, total_output_tokens_retokenized: 1047201,
      request_throughput: 14.5741, input_throughput: 29847.79, output_throughput: 7461.95, total_throughput: 37309.74,
      mean_e2e_latency_ms: 4301.58, median_e2e_latency_ms: 4287.02, std_e2e_latency_ms: 311.4, p99_e2e_latency_ms: 5102.77,
      mean_ttft_ms: 210.33, median_ttft_ms: 188.9, std_ttft_ms: 70.1, p99_ttft_ms: 488.26,
      mean_tpot_ms: 8.01, median_tpot_ms: 7.98, std_tpot_ms: 0.4, p99_tpot_ms: 9.12,
      mean_itl_ms: 8.0, median_itl_ms: 7.71, std_itl_ms: 3.2, p95_itl_ms: 11.5, p99_itl_ms: 19.86, concurrency: 62.7, accept_length: null,
    });
    const s = (await analyzeText(`max_prefill:16384,tp:4\n${line2025}\n`)).facts.bench!.serve!;
    expect([s.successfulRequests, s.failedRequests, s.durationS, s.requestThroughput, s.totalTokenThroughput, s.maxRequestConcurrency]).toEqual([
      2048, null, 140.52271938324, 14.5741, 37309.74, 64,
    ]);
    expect([s.meanE2elMs, s.medianE2elMs, s.p99E2elMs, s.p99TtftMs, s.p95ItlMs, s.format]).toEqual([4301.58, 4287.02, 5102.77, 488.26, 11.5, "json"]);

    // 2024: the script wrote only some keys (no request_throughput, no total_throughput)
    const line2024 = JSON.stringify({
      backend: "sglang", request_rate: 4, total_input_tokens: 120311, total_output_tokens: 96114, total_output_tokens_retokenized: 95980,
      mean_e2e_latency_ms: 11734.2, median_e2e_latency_ms: 9871.55, median_ttft_ms: 61.2, median_itl_ms: 21.43, output_throughput: 1130.78,
      random_input_len: 1024, random_output_len: 1024, random_range_ratio: 0.5, duration: 85.0, completed: 500,
    });
    const old = (await analyzeText(line2024 + "\n")).facts.bench!.serve!;
    expect([old.successfulRequests, old.durationS, old.outputThroughput, old.requestThroughput, old.meanE2elMs, old.medianItlMs]).toEqual([500, 85, 1130.78, null, 11734.2, 21.43]);
  });

  it("leaves the offline throughput JSON of benchmark_throughput.py to the throughput reader", async () => {
    const r = await analyzeText(
      JSON.stringify({ elapsed_time: 40.1, num_requests: 1000, total_num_tokens: 512000, requests_per_second: 24.94, tokens_per_second: 12768.08 }, null, 4) + "\n",
    );
    expect(r.facts.bench!.serve ?? null).toBeNull();
    expect(r.facts.bench!.throughput!.requestsPerS).toBe(24.94);
  });
});

describe("a result block wrapped in markdown emphasis", () => {
  it("reads `_====== Serving Benchmark Result =======` ... `================================_` blocks as banners, one run each", async () => {
    const body = (n: string) => block(false, n).slice(1, -1);
    const text =
      [
        "_====== Serving Benchmark Result =======",
        ...body("999"),
        "================================_",
        "",
        "_======== Serving Benchmark Result ========",
        "Successful requests:",
      ].join("\n") + "\n";
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    // the second banner, cut right below itself, is a second run (as a plain banner on a line of its own is)
    expect([s.successfulRequests, s.p99ItlMs, s.runCount]).toEqual([999, 97.15, 2]);
    // a closing rule shorter than 50 is no proof the block ended
    expect(s.complete).toBe(false);
    expect(r.facts.bench!.runs.map((x) => x.values.successfulRequests)).toEqual([999, null]);
  });

  it("reads a bold-wrapped banner and closing rule, and CRLF line ends, as the plain block", async () => {
    const lines = block(true);
    lines[0] = `**${lines[0]}**`;
    lines[lines.length - 1] = `**${lines[lines.length - 1]}**`;
    const s = (await analyzeText(lines.join("\r\n") + "\r\n")).facts.bench!.serve!;
    expect([s.successfulRequests, s.p99ItlMs, s.complete, s.runCount]).toEqual([256, 97.15, true, 1]);
  });

  it("leaves an emphasized rule of other text alone", async () => {
    const r = await analyzeText(["_" + "=".repeat(30) + " Release notes " + "=".repeat(30) + "_", "Successful: yes", "*" + "=".repeat(40)].join("\n") + "\n");
    expect(r.facts.bench?.serve ?? null).toBeNull();
  });
});

describe("nccl-tests output kept as comments", () => {
  const out = [
    "# Collective test starting: all_reduce_perf",
    "# nThread 1 nGpus 4 minBytes 67108864 maxBytes 268435456 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
    "#",
    "# Using devices",
    ...[0, 1, 2, 3].map((i) => `#  Rank  ${i} Group  0 Pid  40112 on    gpu-h07 device  ${i} [0000:${["1b", "43", "52", "9d"][i]}:00] NVIDIA H100 80GB HBM3`),
    "#",
    "#                                                              out-of-place                       in-place          ",
    "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
    "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
    "    67108864      16777216     float     sum      -1    401.2  167.27  250.91      0    400.8  167.44  251.16      0",
    "   134217728      33554432     float     sum      -1    771.9  173.88  260.82      0    772.4  173.77  260.65      0",
    "   268435456      67108864     float     sum      -1   1519.3  176.68  265.02      2   1518.7  176.75  265.13      0",
    "# Out of bounds values : 1 FAILED",
    "# Avg bus bandwidth    : 258.948 ",
    "#",
    "# Collective test concluded: all_reduce_perf",
  ];

  it("reads data rows a writer put behind `# ` (indented code comments), the `#` lines round them as they are", async () => {
    const asCode = out.map((l) => "    " + (l.startsWith("#") ? l : "# " + l.trimStart()));
    const r = await analyzeText(["    # Example output:", ...asCode].join("\n") + "\n");
    const t = r.facts.bench!.ncclTests!;
    expect([t.collective, t.ranks, t.rowsComplete, t.maxBusbwGBs, t.wrongTotal, t.avgBusbwGBs, t.outOfBoundsOk]).toEqual([
      "all_reduce_perf", 4, 3, 265.02, 2, 258.948, false,
    ]);
    expect(ids(r, "error")).toContain("bench/nccl-tests-wrong");
  });

  it("reads an output whose every line got `# ` (its own `#` lines become `# #`), with CRLF", async () => {
    const r = await analyzeText(out.map((l) => "# " + l).join("\r\n") + "\r\n");
    const t = r.facts.bench!.ncclTests!;
    expect([t.ranks, t.rowsComplete, t.maxBusbwGBs, t.wrongTotal, t.avgBusbwGBs, t.outOfBoundsOk]).toEqual([4, 3, 265.02, 2, 258.948, false]);
  });

  it("takes no commented number line outside a table for a row", async () => {
    const r = await analyzeText(["# 134217728      33554432     float     sum      -1    582.1  230.57  403.50      0    581.7  230.73  403.77      0", "# done"].join("\n") + "\n");
    expect(r.facts.bench?.ncclTests ?? null).toBeNull();
  });
});

describe("the newest serve.py sections (2026)", () => {
  it("keeps the headline facts through the probe, client-queue and queue-inclusive sections", async () => {
    const text = [
      banner,
      row("Successful requests:", "400"),
      row("Failed requests:", "0"),
      row("Maximum request concurrency:", "16"),
      row("Request rate configured (RPS):", "8.00"),
      row("Benchmark duration (s):", "52.31"),
      row("Total input tokens:", "409600"),
      row("Total generated tokens:", "51200"),
      row("Request throughput (req/s):", "7.65"),
      row("Output token throughput (tok/s):", "978.78"),
      row("Peak output token throughput (tok/s):", "1312.00"),
      row("Peak concurrent requests:", "18.00"),
      row("Total token throughput (tok/s):", "8808.99"),
      section("Probe Requests"),
      row("Probe requests completed:", "52"),
      row("Probe requests failed:", "1"),
      row("Median probe E2EL (ms):", "48.20"),
      row("P99 probe E2EL (ms):", "301.77"),
      row("Max probe E2EL (ms):", "356.02"),
      section("Time to First Token"),
      row("Mean TTFT (ms):", "161.40"),
      row("Median TTFT (ms):", "150.02"),
      row("P99 TTFT (ms):", "402.33"),
      section("Time per Output Token (excl. 1st token)"),
      row("Mean TPOT (ms):", "15.11"),
      row("Median TPOT (ms):", "15.02"),
      row("P99 TPOT (ms):", "17.90"),
      section("Inter-token Latency"),
      row("Mean ITL (ms):", "15.08"),
      row("Median ITL (ms):", "14.61"),
      row("P99 ITL (ms):", "38.44"),
      section("End-to-end Latency"),
      row("Mean E2EL (ms):", "2081.53"),
      row("Median E2EL (ms):", "2066.10"),
      row("P99 E2EL (ms):", "2512.90"),
      section("Client-side Queueing"),
      row("Mean Client Queue Time (ms):", "3.02"),
      row("Median Client Queue Time (ms):", "0.05"),
      row("P99 Client Queue Time (ms):", "61.40"),
      section("Queue-inclusive End-to-end Latency"),
      row("Mean E2EL incl. Client Queue (ms):", "2084.55"),
      row("Median E2EL incl. Client Queue (ms):", "2066.15"),
      row("P99 E2EL incl. Client Queue (ms):", "2570.31"),
      "=".repeat(50),
    ];
    const s = (await analyzeText(text.join("\n") + "\n")).facts.bench!.serve!;
    expect([s.successfulRequests, s.failedRequests, s.requestRateConfiguredRps, s.totalTokenThroughput, s.p99TtftMs, s.p99ItlMs]).toEqual([400, 0, 8, 8808.99, 402.33, 38.44]);
    // the queue-inclusive E2EL rows are not the E2EL rows, the probe's P99 is not one either
    expect([s.meanE2elMs, s.p99E2elMs, s.complete, s.runCount]).toEqual([2081.53, 2512.9, true, 1]);
  });

  it("does not take an embedding run's `Input throughput (inputs/s)` for a token rate", async () => {
    const text = [
      banner,
      row("Successful requests:", "1000"),
      row("Failed requests:", "0"),
      row("Benchmark duration (s):", "21.40"),
      row("Total input tokens:", "512000"),
      row("Request throughput (req/s):", "46.73"),
      row("Input throughput (inputs/s):", "46.73"),
      row("Total token throughput (tok/s):", "23925.23"),
      section("End-to-end Latency"),
      row("Mean E2EL (ms):", "402.17"),
      row("Median E2EL (ms):", "398.60"),
      row("P99 E2EL (ms):", "611.08"),
      "=".repeat(50),
    ];
    const s = (await analyzeText(text.join("\n") + "\n")).facts.bench!.serve!;
    expect([s.successfulRequests, s.requestThroughput, s.totalTokenThroughput, s.p99E2elMs]).toEqual([1000, 46.73, 23925.23, 611.08]);
    expect(s.inputThroughput ?? null).toBeNull();
  });
});
