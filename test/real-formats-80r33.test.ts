import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r33 (vllm-project/vllm issues numbered ...3 and ...7 with pasted start-up logs): a V1
 * data-parallel example run started from a shell prompt with an unprefixed print among the records, and a 0.5-era Ray
 * run over two hosts with Ray's dedup suffix and worker tracebacks logged at ERROR. The tool read the round's labelled
 * facts at first sight (those shapes need no new test). What it left unsaid was that the engine runs eager: vLLM prints
 * `To see benefits of async output processing, enable CUDA graph. Since, enforce-eager is enabled, ...` only when
 * enforce_eager is set, and `Data Parallel: Forcing enforce eager to be True ...` when the platform sets it for a
 * data-parallel run, yet config.enforceEager stayed null without a banner or args. Every log text here is written for
 * the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-05-22T05:33:50.123456789Z ${l}`],
  ["compose", (l) => `llm-1  | ${l}`],
  ["mpi-tag", (l) => `[1,0]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("enforce eager read off the lines vLLM prints only when it is on", () => {
  it("reads the async-output warning of a V0/V1 start-up without banner or args, behind wrappers and CRLF", async () => {
    await eachWrap([
      "user@node-a:~/work$ bash launch_dp.sh",
      "INFO 06-14 09:12:01 [__init__.py:248] Automatically detected platform cuda.",
      "DP rank 0 needs to process 64 prompts",
      "INFO 06-14 09:12:09 [config.py:1869] Defaulting to use mp for distributed inference",
      "INFO 06-14 09:12:09 [config.py:2112] Chunked prefill is enabled with max_num_batched_tokens=8192.",
      "WARNING 06-14 09:12:09 [cuda.py:87] To see benefits of async output processing, enable CUDA graph. Since, enforce-eager is enabled, async output processor cannot be used",
    ], (r, at) => {
      expect(r.facts.config.enforceEager, at).toBe(true);
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.config.maxNumBatchedTokens, at).toBe(8192);
      expect(ids(r), at).toEqual([]);
    });
  });

  it("reads the ≤0.6 config.py wording, the NPU wording and the data-parallel forcing line", async () => {
    const old = await analyzeText(text([
      "WARNING 10-02 14:20:31 config.py:380] To see benefits of async output processing, enable CUDA graph. Since, enforce-eager is enabled, async output processor cannot be used",
    ]));
    expect(old.facts.config.enforceEager).toBe(true);
    const npu = await analyzeText(text([
      "WARNING 11-03 08:01:12 [platform.py:210] To see benefits of async output processing, enable NPU graph. Since, enforce-eager is enabled, async output processor cannot be used",
    ]));
    expect(npu.facts.config.enforceEager).toBe(true);
    const dp = await analyzeText(text([
      "INFO 07-09 16:40:02 [config.py:1869] Defaulting to use mp for distributed inference",
      "INFO 07-09 16:40:02 [cuda.py:156] Data Parallel: Forcing enforce eager to be True since DP is currently not supported with CUDA Graphs.",
    ]));
    expect(dp.facts.config.enforceEager).toBe(true);
  });

  it("lets the forcing line outrank the arguments, and says nothing of eager mode from prose", async () => {
    const forced = await analyzeText(text([
      "INFO 07-09 16:39:58 [cli_args.py:300] non-default args: {'model': 'org/moe-16b', 'data_parallel_size': 2, 'enforce_eager': False}",
      "INFO 07-09 16:40:02 [cuda.py:156] Data Parallel: Forcing enforce eager to be True since DP is currently not supported with CUDA Graphs.",
    ]));
    expect(forced.facts.config.enforceEager).toBe(true);
    expect(forced.facts.config.dataParallelSize).toBe(2);
    const prose = await analyzeText(text([
      "INFO 06-14 09:12:09 [config.py:1869] Defaulting to use mp for distributed inference",
      "we think enforce-eager is enabled somewhere, to see benefits of async output processing enable CUDA graph",
    ]));
    expect(prose.facts.config.enforceEager).toBeNull();
  });
});
