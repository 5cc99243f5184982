import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r36 (benchmark output pasted in vllm-project/vllm, ROCm, LMCache-Ascend, recipes, sglang,
 * mscclpp, Mooncake and nccl-tests threads): serve blocks with a `Request rate configured (RPS)` row, indented or
 * wide-padded rows, author title lines in the fence, an arrow after a value, a headerless tail before a bannered
 * block, a 2020 nccl-tests table without `#` and with `Out of bounds values : 2 FAILED`, and side-by-side nccl-tests
 * tables. The tool read every scored fact at first sight. The one thing it left unsaid: a pre-2025-10 block (no
 * `Failed requests:` row) under tqdm's finished bar `100%|...| 4096/4096 [...]` with 979 successful requests, and no
 * command line in the paste. The bar is `tqdm(total=len(input_requests))`, ticked once per request whatever its
 * outcome, so its total is the count of requests sent. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-02-03T11:20:05.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const row = (label: string, value: string) => `${label.padEnd(40)} ${value.padEnd(10)}`;

const block = (ok: string, failedRow: boolean) => [
  "============ Serving Benchmark Result ============",
  row("Successful requests:", ok),
  ...(failedRow ? [row("Failed requests:", "0")] : []),
  row("Benchmark duration (s):", "61.40"),
  row("Total input tokens:", "101376"),
  row("Total generated tokens:", "98112"),
  row("Request throughput (req/s):", "8.34"),
  row("Output token throughput (tok/s):", "1597.92"),
  row("Total Token throughput (tok/s):", "3249.02"),
  "---------------Time to First Token----------------",
  row("Mean TTFT (ms):", "21450.10"),
  row("Median TTFT (ms):", "19877.31"),
  row("P99 TTFT (ms):", "48210.66"),
  "-----Time per Output Token (excl. 1st token)------",
  row("Mean TPOT (ms):", "71.25"),
  row("Median TPOT (ms):", "70.02"),
  row("P99 TPOT (ms):", "139.80"),
  "---------------Inter-token Latency----------------",
  row("Mean ITL (ms):", "69.90"),
  row("Median ITL (ms):", "61.13"),
  row("P99 ITL (ms):", "402.57"),
  "=".repeat(50),
];

const bar = (n: string, total: string, desc = "") =>
  `${desc}${n === total ? "100%" : " 63%"}|████████████████████████████████▌                   | ${n}/${total} [01:01<00:00, 8.34it/s]`;

describe("serve block under a finished progress bar, no failed count, no command line", () => {
  const lines = (barLine: string, ok = "512", failedRow = false) => [
    "Starting main benchmark run...",
    "Traffic request rate: inf",
    barLine,
    ...block(ok, failedRow),
  ];

  it("takes the bar's total as the requests sent and warns about the missing ones, behind wrappers and CRLF", async () => {
    await eachWrap(lines(bar("2048", "2048")), (r, at) => {
      const s = r.facts.bench?.serve as Record<string, unknown> | null | undefined;
      expect(s?.successfulRequests, at).toBe(512);
      expect(s?.failedRequests, at).toBeNull();
      expect(s?.requestsInProgressBar, at).toBe(2048);
      expect(s?.unsuccessfulRequestsInferred, at).toBe(1536);
      expect(ids(r, "warning"), at).toContain("bench/failed-requests");
      const f = r.findings.find((x) => x.ruleId === "bench/failed-requests");
      expect(f?.message, at).toMatch(/512 requests succeeded of the 2048 requests the progress bar counted as sent/);
      expect(f?.message, at).not.toMatch(/--num-prompts/);
    });
  });

  it("says nothing when every request the bar counted succeeded", async () => {
    await eachWrap(lines(bar("2048", "2048"), "2048"), (r, at) => {
      expect((r.facts.bench?.serve as Record<string, unknown>)?.unsuccessfulRequestsInferred, at).toBe(0);
      expect(ids(r), at).not.toContain("bench/failed-requests");
    });
  });

  it("reads only a finished bar without a description, before this block, when the block has no failed count or command", async () => {
    // the finished bar counts (what the fix adds); everything below is where it must not
    const base = await analyzeText(lines(bar("2048", "2048")).join("\n") + "\n");
    expect((base.facts.bench?.serve as Record<string, unknown>)?.requestsInProgressBar).toBe(2048);
    for (const b of [bar("1290", "2048"), bar("2048", "2048", "Warmup: ")]) {
      const r = await analyzeText(lines(b).join("\n") + "\n");
      const s = r.facts.bench?.serve as Record<string, unknown>;
      expect(s?.successfulRequests, b).toBe(512);
      expect(s?.requestsInProgressBar, b).toBeUndefined();
      expect(ids(r), b).not.toContain("bench/failed-requests");
    }
    // the command's --num-prompts wins over the bar
    const cmd = await analyzeText(["vllm bench serve --model m --num-prompts 1024", ...lines(bar("2048", "2048"))].join("\n") + "\n");
    const c = cmd.facts.bench?.serve as Record<string, unknown>;
    expect(c?.numPromptsInCommand).toBe(1024);
    expect(c?.unsuccessfulRequestsInferred).toBe(512);
    expect(cmd.findings.find((x) => x.ruleId === "bench/failed-requests")?.message).toMatch(/--num-prompts/);
    // a 2025-10+ block prints its failed count: nothing is inferred
    const printed = (await analyzeText(lines(bar("2048", "2048"), "512", true).join("\n") + "\n")).facts.bench?.serve as Record<string, unknown>;
    expect(printed?.failedRequests).toBe(0);
    expect(printed?.unsuccessfulRequestsInferred).toBeUndefined();
    // the bar belongs to the block under it, not to the next run's
    const two = await analyzeText([...lines(bar("2048", "2048"), "2048"), "", ...block("512", false)].join("\n") + "\n");
    const runs = (two.facts.bench?.runs ?? []) as { values: Record<string, unknown> }[];
    expect(runs.length).toBe(2);
    expect(runs[0].values.requestsInProgressBar).toBe(2048);
    expect(runs[1].values.unsuccessfulRequestsInferred).toBeUndefined();
    expect(ids(two)).not.toContain("bench/failed-requests");
  });
});
