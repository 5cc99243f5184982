import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { banner, row, section } from "./helpers/serve-block.js";

/**
 * Shapes of an eighteenth round of real benchmark outputs: `vllm bench serve` blocks that a digest flattened onto one
 * line, sections the reader has no key for (`vllm bench serve --omni`), rows a markdown paste put in bold, sglang's
 * bench_serving (a fork of benchmark_serving.py with rows of its own), a server log flattened with its access lines
 * and a label a hard wrap split, and other tools' outputs that must give no serve facts. Every text is written for
 * the test in the printed layout (`{:<40} {:<10.2f}`, section rules `"{s:{c}^{n}}".format(s=header, n=50, c="-")`).
 */

const flat = (lines: string[]) => lines.map((l) => l.trim()).join(" ");

describe("a serve block flattened onto one line", () => {
  it("reads every row of a 2026 block behind prose and an inline fence, and drops a value the paste cut", async () => {
    const block = [
      banner,
      row("Successful requests:", "240"),
      row("Failed requests:", "0"),
      row("Maximum request concurrency:", "16"),
      row("Benchmark duration (s):", "71.05"),
      row("Total input tokens:", "245760"),
      row("Total generated tokens:", "61440"),
      row("Request throughput (req/s):", "3.38"),
      row("Output token throughput (tok/s):", "864.74"),
      row("Peak output token throughput (tok/s):", "1120.00"),
      row("Peak concurrent requests:", "31.00"),
      row("Total token throughput (tok/s):", "4323.68"),
      section("Time to First Token"),
      row("Mean TTFT (ms):", "812.40"),
      row("Median TTFT (ms):", "640.12"),
      row("P99 TTFT (ms):", "2410.77"),
      section("Time per Output Token (excl. 1st token)"),
      row("Mean TPOT (ms):", "17.20"),
      row("Median TPOT (ms):", "16.95"),
      row("P99 TPOT (ms):", "21.48"),
      section("Inter-token Latency"),
      row("Mean ITL (ms):", "17.05"),
    ];
    const text = `### 🐛 Describe the bug Bench command: \`\`\` vllm bench serve --model m --num-prompts 500 --max-concurrency 16 --num-prompts 240 \`\`\` Output: \`\`\` ${flat(block)} Median ITL (ms): 16.9...\n`;
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect(s.successfulRequests).toBe(240);
    expect(s.failedRequests).toBe(0);
    expect(s.maxRequestConcurrency).toBe(16);
    expect(s.durationS).toBe(71.05);
    expect(s.requestThroughput).toBe(3.38);
    expect(s.outputThroughput).toBe(864.74);
    expect(s.peakOutputThroughput).toBe(1120);
    expect(s.peakConcurrentRequests).toBe(31);
    expect(s.totalTokenThroughput).toBe(4323.68);
    expect([s.meanTtftMs, s.medianTtftMs, s.p99TtftMs]).toEqual([812.4, 640.12, 2410.77]);
    expect([s.meanTpotMs, s.p99TpotMs, s.meanItlMs]).toEqual([17.2, 21.48, 17.05]);
    // `16.9...`: a value the paste cut is no value
    expect(s.medianItlMs).toBeUndefined();
    expect(s.p99ItlMs).toBeNull();
    expect(s.complete).toBe(false);
    expect(s.runCount).toBe(1);
    // argparse keeps the last --num-prompts of a command line
    expect(s.numPromptsInCommand).toBe(240);
    expect(ids(r, "error")).toEqual([]);
  });

  it("reads a 2024 block with bold rows, its closing rule, and a second flattened block on the same line as a run of its own", async () => {
    const first = [
      banner,
      row("Successful requests:", "1000"),
      `**${row("Benchmark duration (s):", "118.85", false)}**`,
      row("Total input tokens:", "686000"),
      row("Total generated tokens:", "56000"),
      `**${row("Request throughput (req/s):", "8.41", false)}**`,
      row("Input token throughput (tok/s):", "5772.20"),
      row("Output token throughput (tok/s):", "471.20"),
      section("Time to First Token"),
      row("Mean TTFT (ms):", "47476.00"),
      row("Median TTFT (ms):", "50637.58"),
      row("P99 TTFT (ms):", "98138.44"),
      "=".repeat(50),
    ];
    const second = [banner, row("Successful requests:", "998"), row("Benchmark duration (s):", "131.02")];
    const text = `### fp16 python benchmark_serving.py --num-prompts 1000 ${flat(first)} ### awq: ${flat(second)}\r\n`;
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect(s.successfulRequests).toBe(1000);
    expect(s.durationS).toBe(118.85);
    expect(s.requestThroughput).toBe(8.41);
    expect(s.inputThroughput).toBe(5772.2);
    expect(s.outputThroughput).toBe(471.2);
    expect(s.totalTokenThroughput).toBeNull();
    expect(s.p99TtftMs).toBe(98138.44);
    expect(s.complete).toBe(true);
    expect(s.runCount).toBe(2);
    const runs = r.facts.bench!.runs.filter((x) => x.kind === "serve");
    expect(runs[1].values.successfulRequests).toBe(998);
    expect(runs[1].values.durationS).toBe(131.02);
  });

  it("reads the banner-less layout of 2024-02 flattened after prose (units after the values, no table)", async () => {
    const rows = ["Successful requests: 300", "Benchmark duration: 61.204518 s", "Total input tokens: 66120", "Request throughput: 4.90 requests/s", "Input token throughput: 1080.32 tokens/s", "Output token throughput: 1010.77 tokens/s", "Mean TTFT: 288.40 ms", "Median TTFT: 250.10 ms", "P99 TTFT: 1020.55 ms", "Mean TPOT: 39.90 ms", "P99 TPOT: 80.12 ms"];
    const r = await analyzeText(`vllm 0.3.3 on L40S \`\`\` python benchmarks/benchmark_serving.py --num-prompts 320 \`\`\` \`\`\` ${rows.join(" ")} \`\`\` Is this expected?\n`);
    const s = r.facts.bench!.serve!;
    expect([s.successfulRequests, s.durationS, s.requestThroughput, s.inputThroughput, s.outputThroughput]).toEqual([300, 61.204518, 4.9, 1080.32, 1010.77]);
    expect([s.meanTtftMs, s.medianTtftMs, s.p99TtftMs, s.meanTpotMs, s.p99TpotMs]).toEqual([288.4, 250.1, 1020.55, 39.9, 80.12]);
    expect(s.numPromptsInCommand).toBe(320);
    expect(s.unsuccessfulRequestsInferred).toBe(20);
    // a line that only starts with the row is the line layout's
    const one = await analyzeText("Successful requests: 300\nBenchmark duration: 61.204518 s\n");
    expect(one.facts.bench!.serve!.durationS).toBe(61.204518);
  });

  it("reads a pooling block flattened with the command after it, and leaves a lone banner line to the line reader", async () => {
    const rerank = [
      banner,
      row("Successful requests:", "120", false),
      row("Failed requests:", "0", false),
      row("Request rate configured (RPS):", "inf", false),
      row("Benchmark duration (s):", "12.40", false),
      row("Total input tokens:", "0", false),
      row("Request throughput (req/s):", "9.68", false),
      row("Total Token throughput (tok/s):", "0.00", false),
    ];
    const r = await analyzeText(`using vllm 0.12.0 \`\`\` ${flat(rerank)} \`\`\` running \`\`\` vllm bench serve --backend vllm-rerank --num-prompts 3000 \`\`\`\n`);
    const s = r.facts.bench!.serve!;
    expect(s.successfulRequests).toBe(120);
    expect(s.failedRequests).toBe(0);
    expect(s.requestRateConfiguredRps).toBe("inf");
    expect(s.durationS).toBe(12.4);
    expect(s.requestThroughput).toBe(9.68);
    expect(s.totalTokenThroughput).toBe(0);
    expect(s.totalInputTokens).toBe(0);
    // the lines layout is untouched: a `# `-commented block, one row per line
    const lines = [banner, row("Successful requests:", "8"), row("Benchmark duration (s):", "3.10"), "=".repeat(50)].map((l) => `# ${l}`);
    const r2 = await analyzeText(lines.join("\n") + "\n");
    expect(r2.facts.bench!.serve!.successfulRequests).toBe(8);
    expect(r2.facts.bench!.serve!.complete).toBe(true);
  });
});

describe("a serve block pasted as a markdown table or side by side", () => {
  const block = (ok: string, dur: string, p99: string) => [
    banner,
    row("Successful requests:", ok),
    row("Benchmark duration (s):", dur),
    row("Request throughput (req/s):", "8.19"),
    row("Total token throughput (tok/s):", "6001.10"),
    section("Time to First Token"),
    row("Mean TTFT (ms):", "120.50"),
    row("P99 TTFT (ms):", p99),
    "=".repeat(50),
  ];

  it("reads the rows of a markdown table (with or without the colon, bold labels, several run columns: the first)", async () => {
    const text = [
      "| Metric | main | this PR |",
      "|:---|---:|---:|",
      "| Successful requests: | 500 | 499 |",
      "| **Benchmark duration (s)** | 61.02 | 70.33 |",
      "| Request throughput (req/s) | 8.19 | 7.10 |",
      "| Mean TTFT (ms) | 120.50 | 130.50 |",
      "| P99 TTFT (ms) | **400.12** | 480.12 |",
      "",
      "TTFT got worse on the PR.",
    ].join("\n");
    const r = await analyzeText(`${text}\n`);
    const s = r.facts.bench!.serve!;
    expect([s.successfulRequests, s.durationS, s.requestThroughput, s.meanTtftMs, s.p99TtftMs]).toEqual([500, 61.02, 8.19, 120.5, 400.12]);
    expect(s.complete).toBe(false);
    expect(s.runCount).toBe(1);
  });

  it("gives no serve facts for a table of other metrics (an aiperf sweep, a nightly summary)", async () => {
    const text = ["| ISL | OSL | Concur | TTFT Avg (ms) | Req/s |", "|---|---|---|---|---|", "| 128 | 128 | 1 | 92.3 | 0.1956 |", "| Test name | Tput (req/s) |", "| serving_qps_1 | 0.99 |"].join("\n");
    const r = await analyzeText(`${text}\n`);
    expect(r.facts.bench?.serve ?? null).toBeNull();
  });

  it("reads the left run of two blocks side by side, closing rule included (paste with ' | ', diff -y)", async () => {
    const a = block("500", "61.02", "400.12");
    const b = block("499", "70.33", "480.12");
    for (const sep of ["  |  ", " | "]) {
      const text = a.map((l, i) => `${l.padEnd(60)}${l === b[i] ? "   " : sep}${b[i]}`).join("\n");
      const r = await analyzeText(`${text}\n`);
      const s = r.facts.bench!.serve!;
      expect([s.successfulRequests, s.durationS, s.p99TtftMs]).toEqual([500, 61.02, 400.12]);
      expect(s.complete).toBe(true);
      expect(s.runCount).toBe(1);
    }
  });
});

describe("offline results flattened onto one line", () => {
  it("reads each throughput run, old and new line, and the token totals, from a line of prose and inline fences", async () => {
    const text =
      "On main: ```shell $ vllm bench throughput --model m --input-len 1024 --output-len 128 Throughput: 12.40 requests/s, 14287.51 total tokens/s, 1587.20 output tokens/s Total num prompt tokens:  1048576 Total num output tokens:  131072 ``` " +
      "On v0.5: ```shell $ python benchmarks/benchmark_throughput.py --model m Throughput: 9.85 requests/s, 11346.06 tokens/s ``` and the next run was cut: ``` Throughput: 1.02 requests/s, 1175.04 total tokens/s, 130.5...\r\n";
    const r = await analyzeText(text);
    const t = r.facts.bench!.throughput!;
    expect([t.requestsPerS, t.totalTokensPerS, t.outputTokensPerS]).toEqual([12.4, 14287.51, 1587.2]);
    expect([t.totalPromptTokens, t.totalOutputTokens]).toEqual([1048576, 131072]);
    expect(t.runCount).toBe(3);
    const runs = r.facts.bench!.runs.filter((x) => x.kind === "throughput").map((x) => x.values);
    expect([runs[1].requestsPerS, runs[1].totalTokensPerS, runs[1].outputTokensPerS, runs[1].lineFormat]).toEqual([9.85, 11346.06, null, "requests+tokens"]);
    // the output figure the paste cut is not read
    expect([runs[2].totalTokensPerS, runs[2].outputTokensPerS]).toEqual([1175.04, null]);
  });

  it("reads a latency run flattened with its percentiles, and a whole throughput line alone stays as it was", async () => {
    const r = await analyzeText("# now ``` Avg latency: 0.5762 seconds 10% percentile latency: 0.5759 seconds 50% percentile latency: 0.5762 seconds 99% percentile latency: 0.5775 seconds ``` # before\n");
    const l = r.facts.bench!.latency!;
    expect(l.avgLatencyS).toBe(0.5762);
    expect(l.percentilesS).toEqual({ "10": 0.5759, "50": 0.5762, "99": 0.5775 });
    const one = await analyzeText("Throughput: 7.15 requests/s, 4656.00 total tokens/s, 1072.15 output tokens/s\n");
    expect(one.facts.bench!.throughput!.outputTokensPerS).toBe(1072.15);
    expect(one.facts.bench!.throughput!.runCount).toBe(1);
  });
});

describe("a result file that is no JSON any more", () => {
  const result = {
    date: "20260301-120000",
    backend: "vllm",
    model_id: "m",
    num_prompts: 200,
    request_rate: "inf",
    max_concurrency: 16,
    duration: 41.5,
    completed: 197,
    failed: 3,
    total_input_tokens: 204800,
    total_output_tokens: 51200,
    request_throughput: 4.75,
    output_throughput: 1233.73,
    total_token_throughput: 6168.67,
    mean_ttft_ms: 210.4,
    p99_ttft_ms: 912.75,
  };

  it("reads the scalar keys of a --save-result file whose arrays a paste elided, and of the dict a script printed", async () => {
    const elided = JSON.stringify({ ...result, ttfts: [0.1, 0.2], errors: ["", ""] }, null, 2)
      .replace(/\[\s*0\.1,\s*0\.2\s*\]/, "[0.1, 0.2, ...]")
      .replace(/\[\s*"",\s*""\s*\]/, '["", "", ...]');
    const pyRepr = "{" + Object.entries(result).map(([k, v]) => `'${k}': ${typeof v === "string" ? `'${v}'` : v}`).join(", ") + ", 'request_goodput': None}";
    for (const text of [`$ cat result.json\n${elided}\n`, `${pyRepr}\r\n`]) {
      const r = await analyzeText(text);
      const s = r.facts.bench!.serve!;
      expect([s.successfulRequests, s.failedRequests, s.durationS, s.requestThroughput, s.totalTokenThroughput, s.p99TtftMs]).toEqual([197, 3, 41.5, 4.75, 6168.67, 912.75]);
      expect(s.maxRequestConcurrency).toBe(16);
      expect(s.requestRate).toBe("inf");
      expect(s.format).toBe("json");
      expect(s.jsonRepaired).toBe(true);
      // an elided `errors` list counts nothing
      expect(s.errorsNonempty).toBeUndefined();
      expect(ids(r, "error")).toEqual(["bench/failed-requests"]);
    }
  });

  it("reads a latency result printed as a dict, and leaves a dict of something else alone", async () => {
    const r = await analyzeText("{'avg_latency': 1.8342, 'latencies': [1.82, 1.84, ...], 'percentiles': {'10': 1.81, '50': 1.83, '99': 1.9}}\n");
    expect(r.facts.bench!.latency!.avgLatencyS).toBe(1.8342);
    expect(r.facts.bench!.latency!.jsonRepaired).toBe(true);
    const other = await analyzeText("{'duration': 3.5, 'completed': 10, 'status': 'ok', 'items': [1, 2, ...]}\n");
    expect(other.facts.bench?.serve ?? null).toBeNull();
  });
});

describe("sections and rows the serve reader has no key for", () => {
  it("keeps `vllm bench serve --omni` sections (MB, s rows) in the block, so its E2EL section is the block's own", async () => {
    const lines = [
      banner,
      row("Successful requests:", "10", false),
      row("Failed requests:", "0", false),
      row("Maximum request concurrency:", "1", false),
      row("Benchmark duration (s):", "58.70", false),
      row("Request throughput (req/s):", "0.17", false),
      section("Peak Memory"),
      row("Mean PEAK_MEMORY_MB (MB):", "40960.00", false),
      row("Median PEAK_MEMORY_MB (MB):", "40960.00", false),
      row("P99 PEAK_MEMORY_MB (MB):", "40960.00", false),
      section(" Stage Durations "),
      ...["Text Encoder Forward", "Denoise", "Vae Decode"].flatMap((n) => ["Mean", "Median", "P99"].map((s) => row(`${s} ${n} (s):`, "0.42", false))),
      row("Mean Queue Wait (ms):", "0.35", false),
      section("End-to-end Latency"),
      row("Mean E2EL (ms):", "5870.12", false),
      row("P99 E2EL (ms):", "5901.77", false),
      "=".repeat(50),
    ];
    const r = await analyzeText(lines.map((l) => `omni-bench-1  | ${l}`).join("\n") + "\n");
    const s = r.facts.bench!.serve!;
    expect(s.successfulRequests).toBe(10);
    expect(s.durationS).toBe(58.7);
    expect(s.meanE2elMs).toBe(5870.12);
    expect(s.p99E2elMs).toBe(5901.77);
    expect(s.complete).toBe(true);
    expect(s.runCount).toBe(1);
    expect(s.outputThroughput).toBeNull();
  });

  it("reads sglang's bench_serving block: its E2E Latency rows are E2EL, its own rows give no fact, --num-prompts is compared", async () => {
    const lines = [
      "python3 -m sglang.bench_serving --backend sglang --num-prompts 300",
      banner,
      row("Backend:", "sglang"),
      row("Traffic request rate:", "inf"),
      row("Max request concurrency:", "not set"),
      row("Successful requests:", "288"),
      row("Benchmark duration (s):", "40.11"),
      row("Total input tokens:", "61240"),
      row("Total generated tokens:", "55301"),
      row("Total generated tokens (retokenized):", "55288"),
      row("Request throughput (req/s):", "7.18"),
      row("Input token throughput (tok/s):", "1526.80"),
      row("Output token throughput (tok/s):", "1378.73"),
      row("Total token throughput (tok/s):", "2905.53"),
      row("Concurrency:", "211.40"),
      section("End-to-End Latency"),
      row("Mean E2E Latency (ms):", "29441.08"),
      row("Median E2E Latency (ms):", "30017.55"),
      section("Time to First Token"),
      row("Mean TTFT (ms):", "11890.31"),
      row("Median TTFT (ms):", "11522.09"),
      row("P99 TTFT (ms):", "25011.73"),
      section("Inter-Token Latency"),
      row("Mean ITL (ms):", "33.71"),
      row("Median ITL (ms):", "30.02"),
      row("P95 ITL (ms):", "61.40"),
      row("P99 ITL (ms):", "120.88"),
      row("Max ITL (ms):", "2011.50"),
      "=".repeat(50),
    ];
    const r = await analyzeText(lines.map((l) => `\x1b[0m${l}`).join("\r\n") + "\r\n");
    const s = r.facts.bench!.serve!;
    expect(s.successfulRequests).toBe(288);
    expect(s.failedRequests).toBeNull();
    expect(s.totalGeneratedTokens).toBe(55301);
    expect(s.meanE2elMs).toBe(29441.08);
    expect(s.medianE2elMs).toBe(30017.55);
    expect([s.meanTtftMs, s.p99TtftMs, s.meanItlMs, s.p99ItlMs]).toEqual([11890.31, 25011.73, 33.71, 120.88]);
    expect(s.meanTpotMs).toBeNull();
    expect(s.complete).toBe(true);
    expect(s.numPromptsInCommand).toBe(300);
    expect(s.unsuccessfulRequestsInferred).toBe(12);
    expect(s.maxRequestConcurrency).toBeUndefined();
  });
});

describe("a server log flattened with its access lines", () => {
  it("reads the stats records after a run of access lines, one of whose labels a hard wrap split", async () => {
    const access = (port: number) => `(APIServer pid=4410) INFO:     10.0.0.7:${port} - "POST /v1/embeddings HTTP/1.1" 200 OK`;
    const stats = (engine: string, gen: string, running: number, waiting: number, kv: string) =>
      `(APIServer pid=4410) INFO 03-02 11:20:40 [loggers.py:127] Engine ${engine}: Avg prompt throughput: 1520.4 tokens/s, Avg generation throughpu t: ${gen} tokens/s, Running: ${running} reqs, Waiting: ${waiting} reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 12.5%`;
    const line = [access(50110), access(50112), stats("000", "88.0", 3, 1, "4.2"), stats("001", "91.5", 5, 0, "6.8"), "(APIServer pid=4410) INFO 03-02 11:20:41 [logger..."].join(" ");
    const r = await analyzeText(`${line}\n`);
    const rt = r.facts.runtime!;
    expect(rt.statsLines).toBe(2);
    expect(rt.running!.max).toBe(5);
    expect(rt.waiting!.max).toBe(1);
    expect(rt.gpuKvUsagePct!.max).toBe(6.8);
    expect(rt.generationThroughput!.max).toBe(91.5);
    expect(rt.engines).toBe(2);
    expect(ids(r, "error")).toEqual([]);
  });

  it("still reads a lone access line and a stats line whose labels are whole", async () => {
    const text = [
      'INFO:     127.0.0.1:40522 - "POST /v1/completions HTTP/1.1" 200 OK',
      "INFO 03-02 11:20:40 [loggers.py:127] Engine 000: Avg prompt throughput: 10.0 tokens/s, Avg generation throughput: 42.0 tokens/s, Running: 2 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.5%, Prefix cache hit rate: 0.0%",
    ].join("\n");
    const r = await analyzeText(`${text}\n`);
    expect(r.facts.runtime!.statsLines).toBe(1);
    expect(r.facts.runtime!.generationThroughput!.max).toBe(42);
    expect(r.facts.runtime!.http).toEqual({ "2xx": 1, "4xx": 0, "5xx": 0 });
  });
});

describe("other tools' outputs are not vLLM results", () => {
  it("gives no serve, throughput or nccl-tests facts for genai-perf, guidellm, aiperf tables and vLLM's other scripts", async () => {
    const texts = [
      [
        "                                        NVIDIA GenAI-Perf | LLM Metrics",
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━┓",
        "┃                            Statistic ┃       avg ┃       p99 ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━┩",
        "│             Time To First Token (ms) │  1,204.10 │  1,611.52 │",
        "│             Request Throughput (per sec) │      3.10 │       N/A │",
      ],
      ["Benchmark Results:", "=".repeat(50), "Completed requests: 64/64 (100.00%)", "Request throughput: 5.10 requests/s", "Output Token throughput: 2011.00 tokens/s", "Time to First Token (ms):", "  Mean: 61.20", "  P99: 140.07"],
      ["====Result for Model: m====", "Total time: 98.20 s", "Successful/total requests: 64/64", "Requests/min: 39.10", "Average Time to First Token (s): 0.42"],
      ["| Test name | Request rate (req/s) | Tput (req/s) | TTFT (ms) |", "|:---|---:|---:|---:|", "| serving_llama8B_tp1_qps_1 | 1 | 0.99 | 31.20 |"],
      ["Statistics summary:", "runtime_sec = 40.210", "requests_per_sec = 0.050", "                   count      mean      std", "ttft_ms              2.0  20010.10  1001.22"],
    ];
    for (const t of texts) {
      const r = await analyzeText(t.join("\n") + "\n");
      expect(r.facts.bench?.serve ?? null).toBeNull();
      expect(r.facts.bench?.throughput ?? null).toBeNull();
      expect(r.facts.bench?.ncclTests ?? null).toBeNull();
      expect(ids(r, "error")).toEqual([]);
    }
  });
});

describe("nccl-tests #wrong totals", () => {
  const head = [
    "# nThread 1 nGpus 2 minBytes 1073741824 maxBytes 2147483648 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 0 graph: 0",
    "#",
    "# Using devices",
    "#  Rank  0 Group  0 Pid  12345 on      node1 device  0 [0x1b] NVIDIA H100 80GB HBM3",
    "#  Rank  1 Group  0 Pid  12345 on      node1 device  1 [0x2c] NVIDIA H100 80GB HBM3",
    "#",
    "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
    "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
  ];

  it("gives no total when validation was off (-c 0: every #wrong N/A) or no row is there, and counts an alltoall's numeric column", async () => {
    const unchecked = [
      ...head,
      "  1073741824     268435456     float     sum      -1   9201.1  116.70  116.70    N/A   9200.2  116.71  116.71    N/A",
      "# Out of bounds values : 0 OK",
      "# Avg bus bandwidth    : 116.705 ",
    ];
    const r = await analyzeText(unchecked.map((l) => `[1,0]<stdout>:${l}`).join("\n") + "\n");
    const t = r.facts.bench!.ncclTests!;
    expect(t.wrongTotal).toBeNull();
    expect(t.maxBusbwGBs).toBe(116.7);
    expect(t.validation).toBe(0);
    expect(r.facts.missing.some((m) => m.fact === "bench.ncclTests.wrongTotal")).toBe(true);
    const headerOnly = await analyzeText(head.join("\r\n") + "\r\n");
    expect(headerOnly.facts.bench!.ncclTests!.wrongTotal).toBeNull();
    const alltoall = await analyzeText(
      [...head.slice(0, 6), head[6].replace("sum", "none"), head[7], "  1073741824     134217728     float    none      -1   9801.3  109.55   54.78      0   9800.0  109.56   54.78    N/A"].join("\n") + "\n",
    );
    expect(alltoall.facts.bench!.ncclTests!.wrongTotal).toBe(0);
  });
});

describe("nccl-tests output behind srun --label and pdsh prefixes", () => {
  it("reads the table when every line carries `0: ` or `host: ` (and the row of `Test CUDA failure` keeps its own host)", async () => {
    const lines = [
      "# nThread 1 nGpus 1 minBytes 1073741824 maxBytes 2147483648 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
      "#",
      "# Using devices",
      ...[0, 1, 2, 3].map((i) => `#  Rank ${String(i).padStart(2)} Group  0 Pid  2200${i} on      gn-0${i >> 1} device ${String(i % 2).padStart(2)} [0000:${i}b:00] NVIDIA A100-SXM4-80GB`),
      "#",
      "#                                                              out-of-place                       in-place          ",
      "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
      "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
      "  1073741824     268435456     float     sum      -1    12402   86.58  129.87      0    12398   86.61  129.91      0",
      "  2147483648     536870912     float     sum      -1    24611   87.26  130.89      3    24605   87.28  130.92      0",
      "# Out of bounds values : 1 FAILED",
      "# Avg bus bandwidth    : 130.398 ",
      "#",
    ];
    for (const prefix of ["0: ", "gn-00: ", "10.1.2.3: "]) {
      const r = await analyzeText(lines.map((l) => prefix + l).join("\n") + "\n");
      const t = r.facts.bench!.ncclTests!;
      expect([t.ranks, t.maxBusbwGBs, t.avgBusbwGBs, t.wrongTotal, t.outOfBoundsOk]).toEqual([4, 130.89, 130.398, 3, false]);
      expect(t.hosts).toEqual(["gn-00", "gn-01"]);
      expect(ids(r, "error")).toContain("bench/nccl-tests-wrong");
    }
    // a sentence that happens to start with a word and a colon is not a prefix
    const prose = await analyzeText("Note: # of GPUs was 8, see below\nResult: 12 34 float sum -1 is not a row\n");
    expect(prose.facts.bench?.ncclTests ?? null).toBeNull();
  });
});
