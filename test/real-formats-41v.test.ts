import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 41v: another random sample of vLLM bug reports of 2025 (30 pastes, 28 from vllm-project/vllm issues, found by
 * GPU, model-family and deployment words). First sight: every scored fact but one right and every problem found once
 * four labels were read as earlier rounds read them (frames of the start-up path are a start-up failure; the indented rows
 * of a tensor an exception message printed under ERROR state no error). One fact was wrong but not scored: the stats
 * lines of V1 in vLLM 0.7 (`INFO 03-05 18:47:03 loggers.py:78] Avg prompt throughput: ... Running: 1 reqs, Waiting: 0
 * reqs, GPU KV cache usage: 1.3%, Prefix cache hit rate: 0.0%`), with no other line, read as V0: the unbracketed prefix
 * is vLLM ≤0.7.3, when V0 was the default, but `loggers.py` is vllm/v1/metrics/loggers.py (V0 logs its stats from
 * vllm/engine/metrics.py, in the `Swapped: … Pending: …` form). Every log text here is written for the test in vLLM's
 * printed layouts.
 */

const stats07 = [
  "INFO 02-11 07:20:41 loggers.py:78] Avg prompt throughput: 512.4 tokens/s, Avg generation throughput: 14.0 tokens/s, Running: 2 reqs, Waiting: 0 reqs, GPU KV cache usage: 3.1%, Prefix cache hit rate: 12.5%      ",
  "INFO 02-11 07:20:47 loggers.py:78] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 61.7 tokens/s, Running: 3 reqs, Waiting: 1 reqs, GPU KV cache usage: 9.8%, Prefix cache hit rate: 12.5%      ",
  'INFO:     10.1.2.3:50412 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
  "INFO 02-11 07:20:53 loggers.py:78] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 58.3 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 11.0%, Prefix cache hit rate: 12.5%     ",
];

describe("V1's stats lines of vLLM 0.7 (unbracketed `loggers.py`)", () => {
  it.each(WRAPS)("tell the V1 engine %s", async (_name, wrap) => {
    const r = await analyzeText(wrap(stats07.join("\n") + "\n"));
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.runtime.statsLines).toBe(3);
    expect(r.facts.runtime.running.max).toBe(3);
    expect(r.facts.runtime.waiting.max).toBe(1);
    expect(r.facts.runtime.gpuKvUsagePct.max).toBe(11);
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    // the verdict still says what the lines show, after the engine they tell
    expect(r.verdict).toBe("Healthy: vLLM (V1 engine) server stats: 3 lines (up to 3 running, 1 waiting, GPU KV cache usage up to 11%).");
  });

  it("tell it with the bracketed header of 0.8 and later too", async () => {
    const r = await analyzeText(
      "INFO 05-20 11:02:10 [loggers.py:116] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 40.2 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.6%, Prefix cache hit rate: 0.0%\n",
    );
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("leave V0's stats lines of the same era (`metrics.py`, Swapped/Pending) V0", async () => {
    const r = await analyzeText(
      [
        "INFO 02-11 07:20:41 metrics.py:455] Avg prompt throughput: 512.4 tokens/s, Avg generation throughput: 14.0 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 3.1%, CPU KV cache usage: 0.0%.",
        "INFO 02-11 07:20:47 metrics.py:455] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 61.7 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 1 reqs, GPU KV cache usage: 9.8%, CPU KV cache usage: 0.0%.",
      ].join("\n") + "\n",
    );
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.runtime.statsLines).toBe(2);
  });

  it("leave a V0 start-up (its banner, its metrics.py stats) V0", async () => {
    const r = await analyzeText(
      [
        "INFO 02-11 07:18:02 llm_engine.py:232] Initializing a V0 LLM engine (v0.7.3) with config: model='/data/m/chat-3b', tokenizer='/data/m/chat-3b', dtype=torch.bfloat16, max_seq_len=4096, tensor_parallel_size=1, pipeline_parallel_size=1, seed=0",
        "INFO 02-11 07:20:41 metrics.py:455] Avg prompt throughput: 512.4 tokens/s, Avg generation throughput: 14.0 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 3.1%, CPU KV cache usage: 0.0%.",
      ].join("\n") + "\n",
    );
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.vllm.version).toBe("0.7.3");
  });
});

describe("the rows of a tensor an exception message printed under ERROR (label read at first sight)", () => {
  it.each(WRAPS)("are no first error %s", async (_name, wrap) => {
    const rows = [
      "ERROR 03-20 04:18:14 async_llm_engine.py:68]          [ 17,  17,  17],",
      "ERROR 03-20 04:18:14 async_llm_engine.py:68]          ...,",
      "ERROR 03-20 04:18:14 async_llm_engine.py:68]          [  4,   4,   4]],",
      "ERROR 03-20 04:18:14 async_llm_engine.py:68] ",
      "ERROR 03-20 04:18:14 async_llm_engine.py:68]         [[200, 200, 200],",
    ];
    const r = await analyzeText(wrap(rows.join("\n") + "\n"));
    expect(r.facts.firstError).toBeNull();
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
