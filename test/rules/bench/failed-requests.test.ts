import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { banner, row, section } from "../../helpers/serve-block.js";

/** `vllm bench serve` result blocks written for the test in serve.py's printed layout (`{:<40} {:<10}` rows). */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "bench/failed-requests");

const block = (ok: string, failed: string | null) => [
  banner,
  row("Successful requests:", ok),
  ...(failed === null ? [] : [row("Failed requests:", failed)]),
  row("Maximum request concurrency:", "32"),
  row("Benchmark duration (s):", "48.17"),
  row("Total input tokens:", "102400"),
  row("Total generated tokens:", "25600"),
  row("Request throughput (req/s):", "2.60"),
  row("Output token throughput (tok/s):", "531.46"),
  row("Total token throughput (tok/s):", "2657.30"),
  section("Time to First Token"),
  row("Mean TTFT (ms):", "288.10"),
  row("Median TTFT (ms):", "251.77"),
  row("P99 TTFT (ms):", "940.02"),
  "=".repeat(50),
];
const command = "$ vllm bench serve --model acme/tiny-8b --dataset-name random --num-prompts 125 --max-concurrency 32";
const dump = [
  "Failed requests during benchmark run detected (capping to 10):",
  "Error 0: Server disconnected",
  "Error 1: Server disconnected",
];
const FAILED_MSG = "2 requests failed out of 125; throughput and latency count successful requests only, so the run looks faster than it was.";

describe("bench/failed-requests", () => {
  it("is an error on the `Failed requests:` row above 0, its evidence the result block's banner", async () => {
    const lines = [command, "Starting main benchmark run...", ...dump, ...block("123", "2")];
    const f = await mine(lines.join("\n") + "\n");
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(FAILED_MSG);
    expect(f[0].evidence.map((e) => e.line)).toEqual([6]);
    expect(f[0].remediation[2]).toBe("Do not compare this run's throughput or latency with a baseline until it has 0 failed requests.");
  });

  it("says no request succeeded when `Successful requests: 0`", async () => {
    const f = await mine([command, ...block("0", "125")].join("\n") + "\n");
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("125 requests failed out of 125; throughput and latency count successful requests only, so the run looks faster than it was.");
    // the layout before the failed row: zero successes alone, the count taken from --num-prompts
    const old = await mine([command, ...block("0", null)].join("\n") + "\n");
    expect(old).toHaveLength(1);
    expect(old[0].severity).toBe("error");
    expect(old[0].message).toBe("No request succeeded: every latency and throughput number of this run is 0 or meaningless.");
  });

  it("is only a warning when the failures are inferred from --num-prompts in a layout with no failed row", async () => {
    const f = await mine([command, ...block("118", null)].join("\n") + "\n");
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toBe(
      "118 requests succeeded of the 125 the command's --num-prompts asked for, and this version of the result block prints no failed count: 7 requests failed, or the dataset held fewer prompts than asked for.",
    );
  });

  it("reads the non-empty `errors` of a --save-result JSON, one line (as serve.py writes it) or pretty-printed", async () => {
    const json = JSON.stringify({ date: "20260301-101500", backend: "vllm", model_id: "acme/tiny-8b", num_prompts: 4, duration: 3.2, completed: 3, failed: 0,
      total_input_tokens: 4096, total_output_tokens: 768, request_throughput: 0.94, output_throughput: 240.0, errors: ["", "", "Bad Request", ""] });
    const f = await mine(json + "\n");
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("1 request failed out of 4; throughput and latency count successful requests only, so the run looks faster than it was.");
    // and pretty-printed (`jq . result.json`), whose arrays end in an indented `]` of their own
    const pretty = await mine(JSON.stringify(JSON.parse(json), null, 2) + "\n");
    expect(pretty.map((x) => x.message)).toEqual(["1 request failed out of 4; throughput and latency count successful requests only, so the run looks faster than it was."]);
  });

  it("stays quiet on a clean run, on the failure dump's header alone, and on a run that asked for what succeeded", async () => {
    expect(await mine([command, ...block("125", "0")].join("\n") + "\n")).toEqual([]);
    expect(await mine([command, ...block("125", null)].join("\n") + "\n")).toEqual([]);
    expect(await mine([...dump, "the benchmark was stopped here"].join("\n") + "\n")).toEqual([]);
  });

  it("reads the block the same behind kubectl --timestamps", async () => {
    const lines = [command, "Starting main benchmark run...", ...dump, ...block("123", "2")].map((l) => `2026-03-01T10:15:02.123456789Z ${l}`);
    const f = await mine(lines.join("\n") + "\n");
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(FAILED_MSG);
    expect(f[0].evidence[0].line).toBe(6);
  });
});
