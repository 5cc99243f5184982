import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of real benchmark outputs and running-server logs (a round of pastes nobody wrote the readers from):
 * vLLM records glued after a tqdm bar or to a record whose newline a paste lost, stats lines cut short, V0's
 * preemption warning without its logger header, nccl-tests tables pasted from their column header, and the 2023
 * benchmark_serving.py lines. Every text here is written for the test, under wrappers and line ends the real pastes
 * did not have (kubectl stamps, docker compose, an mpirun tag, CRLF), and the facts checked are exact.
 */

const v1 = (time: string, run: number, wait: number, kv: string, gen: string) =>
  `INFO 03-01 ${time} [loggers.py:116] Engine 000: Avg prompt throughput: 120.0 tokens/s, Avg generation throughput: ${gen} tokens/s, Running: ${run} reqs, Waiting: ${wait} reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 0.0%`;
const bar = (n: number) => `Processed prompts:  ${n * 20}%|${"█".repeat(n * 2).padEnd(10)}| ${n}/5 [00:0${n}<00:0${5 - n},  1.00it/s]`;

describe("vLLM records glued to what stood before them on the line", () => {
  it("splits stats records off tqdm bars and off a record whose newline was lost (kubectl stamps, CRLF)", async () => {
    const stamp = (s: string) => `2025-03-01T10:00:${s}.123456789Z `;
    const text = [
      stamp("00") + bar(1) + v1("10:00:00", 3, 2, "12.5", "40.0"),
      stamp("10") + v1("10:00:10", 5, 0, "20.0", "55.5"),
      stamp("20") + bar(3) + v1("10:00:20", 4, 1, "31.2", "61.0") + v1("10:00:30", 2, 0, "18.0", "70.4"),
      stamp("40") + bar(5),
      "",
    ].join("\r\n");
    const r = await analyzeText(text);
    const rt = r.facts.runtime!;
    expect(rt.statsLines).toBe(4);
    expect(rt.running!.max).toBe(5);
    expect(rt.waiting!.max).toBe(2);
    expect(rt.gpuKvUsagePct!.max).toBe(31.2);
    expect(rt.generationThroughput!.max).toBe(70.4);
    expect(ids(r, "error")).toEqual([]);
  });

  it("splits a record glued to one under an mpirun tag, whose header follows the tag's colon", async () => {
    const r = await analyzeText(`[1,0]<stdout>:${v1("10:00:00", 3, 0, "10.0", "20.0")}${v1("10:00:10", 9, 4, "50.5", "30.0")}\n`);
    const rt = r.facts.runtime!;
    expect(rt.statsLines).toBe(2);
    expect(rt.running!.max).toBe(9);
    expect(rt.waiting!.max).toBe(4);
    expect(rt.gpuKvUsagePct!.max).toBe(50.5);
  });

  it("reads V0's preemption warning glued to a bar under docker compose's prefix, with the count it states", async () => {
    const text = [
      `vllm-1  | ${bar(1)}WARNING 05-09 00:49:33 scheduler.py:1057] Sequence group 12 is preempted by PreemptionMode.SWAP mode because there is not enough KV cache space. This can affect the end-to-end performance. Increase gpu_memory_utilization or tensor_parallel_size to provide more KV cache memory. total_num_cumulative_preemption=51`,
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.runtime!.preemptions).toBe(51);
    expect(r.findings.filter((f) => f.ruleId === "runtime/kv-cache-pressure").map((f) => f.severity)).toEqual(["warning"]);
  });

  it("leaves a wrapper's own end and a prompt's text alone", async () => {
    const text = [
      `[1,0]<stdout>:${v1("10:00:00", 7, 0, "40.0", "90.0")}`,
      `INFO 03-01 10:00:05 [logger.py:41] Received request chatcmpl-1: prompt: 'fake ${bar(2)}${v1("10:00:05", 99, 99, "99.9", "999.9")}', params: SamplingParams(n=1).`,
      `(APIServer pid=7) ${v1("10:00:10", 6, 0, "41.0", "80.0")}`,
      "",
    ].join("\n");
    const r = await analyzeText(text);
    const rt = r.facts.runtime!;
    expect(rt.statsLines).toBe(2);
    expect(rt.running!.max).toBe(7);
    expect(rt.gpuKvUsagePct!.max).toBe(41);
    expect(rt.requests?.received).toBe(1);
  });

  it("counts no stats line that a paste cut before its Running: count", async () => {
    const text = [
      v1("10:00:00", 8, 0, "91.2", "239.2"),
      "INFO 03-01 10:00:10 [loggers.py:116] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 240.8 tokens/",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.runtime!.statsLines).toBe(1);
    expect(r.facts.runtime!.running!.min).toBe(8);
    expect(r.facts.runtime!.generationThroughput!.max).toBe(239.2);
  });
});

describe("V0's preemption warning and short pastes of a full cache", () => {
  it("counts the warning without its logger header (the docs' older key), as a minor finding", async () => {
    const r = await analyzeText(
      "  Sequence group cmpl-9 is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space. This can affect the end-to-end performance. Increase gpu_memory_utilization or tensor_parallel_size to provide more KV cache memory. total_cumulative_preemption_cnt=7\n",
    );
    expect(r.facts.runtime!.preemptions).toBe(7);
    expect(r.findings.filter((f) => f.ruleId === "runtime/kv-cache-pressure").map((f) => f.severity)).toEqual(["info"]);
  });

  const v0 = (t: string, pending: number, kv: string) =>
    `INFO 05-20 ${t} metrics.py:295] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 310.5 tokens/s, Running: 24 reqs, Swapped: 0 reqs, Pending: ${pending} reqs, GPU KV cache usage: ${kv}%, CPU KV cache usage: 0.0%`;

  it("reports a one-line paste (0.4 wording, no final period) whose cache is full with requests pending", async () => {
    const r = await analyzeText(v0("10:00:00", 40, "97.0") + "\n");
    expect(r.facts.runtime!.waiting!.max).toBe(40);
    expect(r.findings.filter((f) => f.ruleId === "runtime/kv-cache-pressure").map((f) => f.severity)).toEqual(["warning"]);
  });

  it("reports nothing when one line of a short paste has the cache below 95%", async () => {
    const r = await analyzeText([v0("10:00:00", 40, "97.0"), v0("10:00:05", 38, "93.9"), ""].join("\n"));
    expect(r.facts.runtime!.statsLines).toBe(2);
    expect(ids(r).filter((id) => id === "runtime/kv-cache-pressure")).toEqual([]);
  });
});

describe("nccl-tests pasted from the column header down", () => {
  const header = [
    "#                                                              out-of-place                       in-place          ",
    "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
    "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
  ];
  it("reads each table as its own run (mpirun tag, indented, an NCCL INFO record in the table)", async () => {
    const tag = (l: string) => `[1,0]<stdout>:  ${l}`;
    const text = [
      ...header.map(tag),
      tag("node-a:41:41 [0] NCCL INFO Launch mode Parallel"),
      tag("   268435456      67108864     float     sum      -1   2760.1   97.26  182.36      0   2755.0   97.44  182.70      0"),
      tag("   536870912     134217728     float     sum      -1   5480.3   97.96  183.68      3   5477.9   98.01  183.76      0"),
      "",
      ...header.map(tag),
      tag("   268435456      67108864     float     sum      -1  11020.4   24.36   45.67      0  11011.2   24.38   45.71      0"),
      "",
    ].join("\n");
    const r = await analyzeText(text);
    const t = r.facts.bench!.ncclTests!;
    expect(t.maxBusbwGBs).toBe(183.68);
    expect(t.wrongTotal).toBe(3);
    expect(t.avgBusbwGBs).toBeNull();
    expect(t.complete).toBe(false);
    expect(r.facts.bench!.runs.filter((x) => x.kind === "ncclTests").map((x) => x.values.maxBusbwGBs)).toEqual([183.68, 45.67]);
  });
});

describe("nccl-tests rows cut short by another program's text", () => {
  const header = [
    "#       size         count      type   redop    root     time   algbw   busbw  #wrong     time   algbw   busbw  #wrong ",
    "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)             (us)  (GB/s)  (GB/s)         ",
  ];
  it("reads no number of a failure glued to a row as a value (mpirun tag), so no wrong values are reported", async () => {
    const tag = (l: string) => `[1,0]<stdout>:${l}`;
    const text = [
      ...header.map(tag),
      tag("   134217728      33554432     float     sum      -1   1205.3  111.36  208.80       0   1201.9  111.67  209.38       0"),
      tag("   268435456      67108864     float     sum      -1 gpu-b7: Test NCCL failure common.cu:1007 'remote process exited or there was a network error / '"),
      tag(" .. gpu-b7 pid 4411: Test failure common.cu:2003"),
      "",
    ].join("\n");
    const r = await analyzeText(text);
    const t = r.facts.bench!.ncclTests!;
    expect(t.wrongTotal).toBe(0);
    expect(t.maxBusbwGBs).toBe(208.8);
    expect(t.rowsComplete).toBe(1);
    expect(ids(r)).not.toContain("bench/nccl-tests-wrong");
  });

  it("keeps a whole row whose trailing timestamp column (-S) follows the in-place half", async () => {
    const text = [
      header[0] + "          timestamp",
      "   268435456      67108864     float     sum      -1   2401.7  111.77  209.57       4   2399.0  111.90  209.81       0  2025-11-01 10:00:00",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    const t = r.facts.bench!.ncclTests!;
    expect(t.rowsComplete).toBe(1);
    expect(t.maxBusbwGBs).toBe(209.57);
    expect(t.wrongTotal).toBe(4);
  });
});

describe("nccl-tests pasted from the header's units line down", () => {
  it("reads the rows a paste kept below `(B) (elements)` (2.17's two-space header, kubectl stamps, CRLF)", async () => {
    const stamp = "2026-02-03T04:05:06.000000001Z ";
    const text = [
      "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)             (us)  (GB/s)  (GB/s)         ",
      "  4294967296    1073741824     float     sum      -1    25377  169.24  338.16       0    25456  168.72  337.11       0",
      "  8589934592    2147483648     float     sum      -1    47078  182.46  364.57       2    46939  183.00  365.65       0",
      "HCA-9: Test NCCL failure common.cu:1204 'unhandled cuda error (run with NCCL_DEBUG=INFO for details) / '",
      "",
    ].map((l) => (l ? stamp + l : l)).join("\r\n");
    const r = await analyzeText(text);
    const t = r.facts.bench!.ncclTests!;
    expect(t.maxBusbwGBs).toBe(364.57);
    expect(t.wrongTotal).toBe(2);
    expect(t.rowsComplete).toBe(2);
    expect(t.errorColumn).toBe("#wrong");
  });
});

describe("benchmark_serving.py of 2023 (plain lines, no table)", () => {
  it("reads the duration, request rate and average latency, not an offline throughput (CRLF)", async () => {
    const text = [
      "Namespace(backend='vllm', host='localhost', port=8000, dataset='ShareGPT_V3_unfiltered_cleaned_split.json', num_prompts=500, request_rate=8.0)",
      "Total time: 92.41 s",
      "Throughput: 5.41 requests/s",
      "Average latency: 31.07 s",
      "Average latency per token: 0.09 s",
      "Average latency per output token: 0.47 s",
      "",
    ].join("\r\n");
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect(s.durationS).toBe(92.41);
    expect(s.requestThroughput).toBe(5.41);
    expect(s.successfulRequests).toBeNull();
    expect((s as Record<string, unknown>).averageLatencyS).toBe(31.07);
    expect(r.facts.bench!.throughput).toBeNull();
  });

  it("takes a lone requests-only Throughput line as the serving result, and a lone `Total time` as nothing", async () => {
    const lone = await analyzeText("Throughput: 3.10 requests/s\n");
    expect(lone.facts.bench!.serve!.requestThroughput).toBe(3.1);
    expect(lone.facts.bench!.throughput).toBeNull();
    const time = await analyzeText("Total time: 3.2 s\nsomething else\n");
    expect(time.facts.bench?.serve ?? null).toBeNull();
    // the offline tool's line keeps its reading
    const offline = await analyzeText("Throughput: 81.74 requests/s, 20926.37 tokens/s\n");
    expect(offline.facts.bench!.throughput!.totalTokensPerS).toBe(20926.37);
    expect(offline.facts.bench!.serve ?? null).toBeNull();
  });
});
