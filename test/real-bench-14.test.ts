import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of a fourteenth round of real benchmark outputs and server logs: a serve result pasted from one of its metric
 * sections down, nccl-tests rows of the years without an op column (sendrecv, alltoall), device lines whose `#` a
 * markdown rendering took or a paste cut after the host, a flattened paste whose first vLLM record follows other
 * text, and a stats record a terminal hard-wrapped. Every text is written for the test, in the printf layouts of the
 * tools (vLLM's `{:<40} {:<10.2f}`, nccl-tests' `%12li  %12li  %8s ...`) and under wrappers the real pastes did not
 * have; the facts checked are exact.
 */

const row = (label: string, value: string, pad = true) => `${label.padEnd(40)} ${pad ? value.padEnd(10) : value}`;
/** serve.py's `"{s:{c}^{n}}".format(s=header, n=50, c="-")` */
const section = (name: string) => {
  const left = Math.floor((50 - name.length) / 2);
  return "-".repeat(left) + name + "-".repeat(50 - left - name.length);
};

describe("a serve result pasted from a metric section down (no banner, no request rows)", () => {
  it("reads the first fragment's metrics and counts the second fragment as a run (docker compose prefix, CRLF)", async () => {
    const first = [
      section("Time to First Token"),
      row("Mean TTFT (ms):", "812.40"),
      row("Median TTFT (ms):", "790.05"),
      row("P99 TTFT (ms):", "1502.77"),
      section("Time per Output Token (excl. 1st token)"),
      row("Mean TPOT (ms):", "21.08"),
      row("Median TPOT (ms):", "20.96"),
      row("P99 TPOT (ms):", "30.12"),
      section("Inter-token Latency"),
      row("Mean ITL (ms):", "21.10"),
      row("Median ITL (ms):", "18.44"),
      row("P99 ITL (ms):", "95.31"),
      "=".repeat(50),
    ];
    const second = [section("Time per Output Token (excl. 1st token)"), row("Mean TPOT (ms):", "9.90", false), row("P99 TPOT (ms):", "12.00", false), "P99 ITL (m"];
    const text = [...first, "", "run 2:", ...second].map((l) => `bench-1  | ${l}`).join("\r\n") + "\r\n";
    const r = await analyzeText(text);
    const s = r.facts.bench!.serve!;
    expect([s.meanTtftMs, s.medianTtftMs, s.p99TtftMs, s.meanTpotMs, s.p99TpotMs, s.meanItlMs, s.p99ItlMs]).toEqual([812.4, 790.05, 1502.77, 21.08, 30.12, 21.1, 95.31]);
    expect([s.successfulRequests, s.durationS, s.requestThroughput, s.failedRequests]).toEqual([null, null, null, null]);
    expect(s.complete).toBe(true);
    expect(s.runCount).toBe(2);
    expect(r.facts.bench!.runs.filter((x) => x.kind === "serve").map((x) => x.values.meanTpotMs)).toEqual([21.08, 9.9]);
  });

  it("reads an E2EL-only section (--percentile-metrics e2el) followed by the next run's command", async () => {
    const text = [section("End-to-end Latency"), row("Mean E2EL (ms):", "4410.20"), row("Median E2EL (ms):", "4388.00"), row("P90 E2EL (ms):", "5102.50"), "=".repeat(50), "", "python3 benchmarks/benchmark_serving.py --num-prompts 64", ""].join("\n");
    const s = (await analyzeText(text)).facts.bench!.serve! as Record<string, unknown>;
    expect([s.meanE2elMs, s.medianE2elMs, s.p90E2elMs, s.meanTtftMs]).toEqual([4410.2, 4388, 5102.5, null]);
  });

  it("makes no result of a lone section rule or of other dashed headings", async () => {
    const text = ["-----Notes about latency-----", "Mean ITL (ms): 3.00", "", section("Time to First Token"), "nothing below", "Mean TTFT (ms): 9.00", ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.bench?.serve ?? null).toBeNull();
  });
});

// nccl-tests' row printf of 2019-2021 (common.cu): `%12li  %12li  %8s  %6s` for size, count, type and op, then per side
// `%7s %6.2f %6.2f  %5.0le` for time, algbw, busbw and the largest deviation
const oldSide = (time: string, alg: number, bus: number, err: string) => `${time.padStart(7)} ${alg.toFixed(2).padStart(6)} ${bus.toFixed(2).padStart(6)}  ${err.padStart(5)}`;
const oldRow = (size: number, type: string, op: string, a: [string, number, number, string], b: [string, number, number, string]) =>
  `${String(size).padStart(12)}  ${String(size / 4).padStart(12)}  ${type.padStart(8)}  ${op.padStart(6)}  ${oldSide(...a)}  ${oldSide(...b)}`;

describe("nccl-tests rows of the years without an op column", () => {
  it("starts a headerless table at 11-cell rows whose error cells are deviations, down to the footer (mpirun tag)", async () => {
    const rows = [
      oldRow(1048576, "float", "", ["51.20", 20.48, 20.48, "0e+00"], ["50.90", 20.6, 20.6, "0e+00"]),
      oldRow(4194304, "float", "", ["170.4", 24.61, 24.61, "0e+00"], ["168.8", 24.85, 24.85, "0e+00"]),
      oldRow(16777216, "float", "", ["655.1", 25.61, 25.61, "0e+00"], ["650.7", 25.78, 25.78, "0e+00"]),
    ];
    const text = [...rows, "# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 24.3883 ", "", "./build/sendrecv_perf -b 8 -e 16M -f 2 -g 2", "# nThread 1 nGpus 2 minBytes 8 maxBytes 16777216 step: 2(factor) warmup iters: 5 iters: 20"]
      .map((l) => `[1,0]<stdout>:${l}`)
      .join("\n");
    const r = await analyzeText(text + "\n");
    const n = r.facts.bench!.ncclTests! as Record<string, unknown>;
    expect([n.avgBusbwGBs, n.maxBusbwGBs, n.outOfBoundsOk, n.wrongTotal, n.errorColumn, n.rowsComplete, n.collective]).toEqual([24.3883, 25.61, true, null, "error", 3, null]);
    expect(n.runCount).toBe(2);
  });

  it("reads rows that leave an empty op under a `redop` header (alltoall before 2022)", async () => {
    const header = "#       size         count      type   redop     time   algbw   busbw  error     time   algbw   busbw  error";
    const text = [
      "#                                                       out-of-place                       in-place          ",
      header,
      oldRow(33554432, "float", "", ["9020.4", 3.72, 3.25, "0e+00"], ["9011.0", 3.72, 3.26, "1e+00"]),
      oldRow(67108864, "float", "", ["17992", 3.73, 3.26, "0e+00"], ["18010", 3.73, 3.26, "1e+00"]),
      "# Out of bounds values : 0 OK",
      "# Avg bus bandwidth    : 3.2575 ",
      "",
    ].join("\n");
    const n = (await analyzeText(text)).facts.bench!.ncclTests! as Record<string, unknown>;
    const rows = n.rows as { redop: string; complete: boolean; outOfPlace: { busbwGBs: number }; inPlace: { maxDeviation: number } }[];
    expect(rows.map((x) => [x.redop, x.complete, x.outOfPlace.busbwGBs, x.inPlace.maxDeviation])).toEqual([["", true, 3.25, 1], ["", true, 3.26, 1]]);
    expect([n.maxBusbwGBs, n.avgBusbwGBs]).toEqual([3.26, 3.2575]);
  });

  it("does not start a table at 11-cell lines with counts where the deviations would be", async () => {
    const text = ["     1048576        262144     float    51.20   20.48   20.48      0    50.90   20.60   20.60      0", "done", ""].join("\n");
    expect((await analyzeText(text)).facts.bench?.ncclTests ?? null).toBeNull();
  });
});

describe("nccl-tests device lines without their `#`, and one cut after the host", () => {
  it("reads the rank lines of an output whose `#` a markdown rendering took, after its settings line", async () => {
    const text = [
      "mpirun -n 2 -host a:1,b:1 ./build/all_gather_perf -b 8 -e 1M -f 2 -g 1",
      " nThread 1 nGpus 1 minBytes 8 maxBytes 1048576 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
      "",
      " Using devices",
      "  Rank  0 Group  0 Pid   4101 on      node-a device  0 [0x1b] NVIDIA L4",
      "  Rank  1 Group  0 Pid   3877 on      node-b device  0 [0x1b] NVIDIA L4",
      "",
      "       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
      "           8             2     float    none      -1    20.11    0.00    0.00      0    19.87    0.00    0.00      0",
      "",
    ].join("\n");
    const n = (await analyzeText(text)).facts.bench!.ncclTests! as Record<string, unknown>;
    expect([n.collective, n.ranks, n.processes, n.hosts, n.gpuNames, n.maxBusbwGBs]).toEqual(["all_gather_perf", 2, 2, ["node-a", "node-b"], ["NVIDIA L4"], 0]);
  });

  it("counts a rank whose line a paste cut after the host name, and no line with more words there", async () => {
    const dev = (r: number, pid: number, host: string) => `#  Rank ${String(r).padStart(2)} Group  0 Pid ${String(pid).padStart(6)} on ${host.padStart(10)} device ${String(r % 2).padStart(2)} [0x${(r + 10).toString(16)}] NVIDIA H100 80GB HBM3`;
    const head = "# nThread 1 nGpus 1 minBytes 8 maxBytes 8589934592 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0";
    const cut = [head, "#", "# Using devices", dev(0, 900, "gpu-a"), dev(1, 901, "gpu-a"), dev(2, 700, "gpu-b"), "#  Rank  3 Group  0 Pid    701 on      gpu-b", ""].join("\r\n");
    const n = (await analyzeText(cut)).facts.bench!.ncclTests! as Record<string, unknown>;
    expect([n.ranks, n.processes, n.hosts]).toEqual([4, 4, ["gpu-a", "gpu-b"]]);
    expect((n.devices as { device: number | null }[]).map((d) => d.device)).toEqual([0, 1, 0, null]);

    const prose = [head, "#", "# Using devices", dev(0, 900, "gpu-a"), "#  Rank  1 Group  0 Pid    901 on the other node", ""].join("\n");
    expect(((await analyzeText(prose)).facts.bench!.ncclTests! as Record<string, unknown>).ranks).toBe(1);
  });

  it("counts a rank whose line a paste cut before the host (after `Pid`, inside the pid), and no longer line that is not one", async () => {
    const dev = (r: number) => `#  Rank ${String(r).padStart(2)} Group  0 Pid  31200 on   node-x device ${String(r).padStart(2)} [0000:${(r * 16 + 5).toString(16).padStart(2, "0")}:00] AMD Instinct MI300X`;
    const head = "# nThread 1 nGpus 4 minBytes 16 maxBytes 1024 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0";
    for (const [last, ranks] of [["#  Rank  3 Group  0 Pid", 4], ["#  Rank  3 Group  0 Pid 312", 4], ["#  Rank  3", 4], ["#  Rank  3 Group  0 Pid 312 was killed", 3]] as const) {
      const n = (await analyzeText([head, "# Using devices", dev(0), dev(1), dev(2), last, ""].join("\n"))).facts.bench!.ncclTests! as Record<string, unknown>;
      expect([last, n.ranks, n.hosts]).toEqual([last, ranks, ["node-x"]]);
    }
  });

  it("leaves an uncommented `Rank ... on ...` line alone when no nccl-tests settings line came before", async () => {
    const text = ["Rank 0 on node1 device 0 [0x1b] is ready", "Rank 1 on node1 device 1 [0x1c] is ready", ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.bench?.ncclTests ?? null).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});

const preempt = (n: number) =>
  `WARNING 05-02 11:20:31 scheduler.py:1560] Sequence group cmpl-9f2-0 is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space. This can affect the end-to-end performance. Increase gpu_memory_utilization or tensor_parallel_size to provide more KV cache memory. total_num_cumulative_preemption=${n}`;
const v0stats = (run: number, pend: number, kv: string) =>
  `INFO 05-02 11:20:35 metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 210.4 tokens/s, Running: ${run} reqs, Swapped: 0 reqs, Pending: ${pend} reqs, GPU KV cache usage: ${kv}%, CPU KV cache usage: 0.0%.`;

describe("a flattened paste whose first vLLM record follows other text on the line", () => {
  it("reads the records from the first header on: the preemption count and the stats record after it", async () => {
    // (an issue body whose line breaks a scraper dropped: the first header far into the line, past a sentence and a command)
    const intro =
      "### Describe the bug When the server runs with a small cache the benchmark slows down. Client: ``` python benchmark_serving.py --model m --request-rate 4 --num-prompts 500 --dataset-path data.json ``` Server: ``` vllm serve m --max-model-len 4096 --gpu-memory-utilization 0.5 --swap-space 4 --max-num-seqs 64 ``` Server-side log: ```";
    const text = `${intro} ${preempt(51)} ${v0stats(20, 3, "99.1")} ERROR 05-02 11:20:36 engine.py:135] AssertionError \`\`\`\n`;
    const r = await analyzeText(text);
    const rt = r.facts.runtime!;
    expect(rt.preemptions).toBe(51);
    expect([rt.statsLines, rt.running!.max, rt.waiting!.max, rt.gpuKvUsagePct!.max]).toEqual([1, 20, 3, 99.1]);
    expect(ids(r)).toContain("runtime/kv-cache-pressure");
  });

  it("reads V1's bracketed header behind a sentence, and nothing from a sentence that only names a level and a date", async () => {
    const v1 = "INFO 07-01 09:00:10 [loggers.py:123] Engine 000: Avg prompt throughput: 5.0 tokens/s, Avg generation throughput: 61.0 tokens/s, Running: 4 reqs, Waiting: 0 reqs, GPU KV cache usage: 12.5%, Prefix cache hit rate: 0.0%";
    const said = "We run the model behind a gateway on two nodes, with prefix caching on and the default scheduler settings; after an hour under a steady load of about forty users the replies slowed down a lot, and the only thing the server kept printing, every ten seconds, was the line below, which we copied from the pod's log viewer:";
    expect(said.length).toBeGreaterThan(300);
    const r = await analyzeText(`${said} ${v1}\n`);
    expect([r.facts.runtime!.statsLines, r.facts.runtime!.running!.max, r.facts.runtime!.generationThroughput!.max]).toEqual([1, 4, 61]);

    const prose = await analyzeText("we saw an INFO 07-01 09:00:10 line and then a WARNING about KV cache space being low, nothing else\n");
    expect(prose.facts.runtime?.statsLines ?? 0).toBe(0);
    expect(prose.facts.runtime?.preemptions ?? null).toBeNull();
  });
});

describe("a stats record a terminal hard-wrapped", () => {
  const v1 = (t: string, run: number, kv: string, gen: string) =>
    `(APIServer pid=1) INFO 10-14 17:00:${t} [loggers.py:123] Engine 000: Avg prompt throughput: 1479.5 tokens/s, Avg generation throughput: ${gen} tokens/s, Running: ${run} reqs, Waiting: 2 reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 42.4%`;
  const stamp = (s: string) => `2025-10-15T00:00:${s}.753199366Z `;

  it("reads the record once from its two halves, cut inside a label (kubectl stamps on the first half only, CRLF)", async () => {
    const whole = v1("48", 39, "75.8", "834.0");
    const cut = whole.indexOf("throughput: 834.0") + 6;
    const text = [
      `${stamp("43")}(APIServer pid=1) INFO:     10.250.5.33:58396 - "GET /metrics HTTP/1.1" 200 OK`,
      stamp("48") + whole.slice(0, cut),
      whole.slice(cut),
      stamp("58") + v1("58", 40, "76.0", "820.9"),
      "",
    ].join("\r\n");
    const rt = (await analyzeText(text)).facts.runtime!;
    expect([rt.statsLines, rt.running!.max, rt.waiting!.max, rt.gpuKvUsagePct!.max, rt.generationThroughput!.max]).toEqual([2, 40, 2, 76, 834]);
  });

  it("counts two whole adjacent records once each, and joins nothing onto a line that starts a record", async () => {
    const whole = v1("48", 7, "10.0", "50.0");
    const text = [whole, v1("58", 8, "11.0", "51.0"), whole.slice(0, 90), `INFO 10-14 17:01:08 [loggers.py:123] Engine 000: ${whole.slice(whole.indexOf("Avg prompt"))}`, ""].join("\n");
    const rt = (await analyzeText(text)).facts.runtime!;
    expect([rt.statsLines, rt.running!.max]).toEqual([3, 8]);
  });
});

describe("offline results kept as comments", () => {
  it("reads latency runs whose lines are `# ` comments under labels, with trailing blanks", async () => {
    const run = (avg: string, ps: string[]) => [`# Avg latency: ${avg} seconds`, ...["10", "50", "90", "99"].map((p, i) => `# ${p}% percentile latency: ${ps[i]} seconds`)];
    const text = ["## int4 weights", ...run("0.8123", ["0.8001", "0.8110", "0.8250", "0.8399"]).map((l) => l.padEnd(120)), "", "## baseline", ...run("1.2950", ["1.2800", "1.2931", "1.3102", "1.3300"]), ""].join("\n");
    const b = (await analyzeText(text)).facts.bench!;
    expect(b.latency!.avgLatencyS).toBe(0.8123);
    expect((b.latency as Record<string, unknown>).percentilesS).toEqual({ "10": 0.8001, "50": 0.811, "90": 0.825, "99": 0.8399 });
    expect(b.runs.filter((r) => r.kind === "latency").map((r) => r.values.avgLatencyS)).toEqual([0.8123, 1.295]);
  });

  it("reads a throughput run behind `#` and leaves comments that only mention the words", async () => {
    const text = ["# Throughput: 3.10 requests/s, 1590.20 total tokens/s, 397.55 output tokens/s", "# Total num prompt tokens:  153600", "# Total num output tokens:  38400", "# Throughput: should be near 3 requests/s", "# Avg latency: lower is better", ""].join("\n");
    const b = (await analyzeText(text)).facts.bench!;
    const t = b.throughput as Record<string, unknown>;
    expect([t.requestsPerS, t.totalTokensPerS, t.outputTokensPerS, t.totalPromptTokens, t.totalOutputTokens, t.runCount]).toEqual([3.1, 1590.2, 397.55, 153600, 38400, 1]);
    expect(b.latency ?? null).toBeNull();
  });
});
