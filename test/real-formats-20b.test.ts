import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in logs committed to public repositories (write-ups, READMEs, notebooks exported to Markdown, analysis
 * documents) that quote vLLM output re-wrapped: a hanging indent under a record, a console's fixed-width gutter, an
 * arrow before a quoted error. Every log text here is written for the test, in the format's shape, with variants the
 * collected files did not show (other versions, wrappers, CRLF, other cut points).
 */

describe("a stats record hand-wrapped with a hanging indent", () => {
  it("reads the V1 record over three lines, its GPU KV cache usage from the last one, behind grep -n line numbers", async () => {
    const text = [
      "412: INFO 03-02 10:00:05 [loggers.py:248] Engine 000: Avg prompt throughput: 1520.4 tokens/s,",
      "      Avg generation throughput: 61.7 tokens/s, Running: 3 reqs, Waiting: 1 reqs,",
      "      GPU KV cache usage: 22.5%, Prefix cache hit rate: 4.0%",
      "413: INFO 03-02 10:00:15 [loggers.py:248] Engine 000: Avg prompt throughput: 0.0 tokens/s,",
      "      Avg generation throughput: 88.2 tokens/s, Running: 2 reqs, Waiting: 0 reqs,",
      "      GPU KV cache usage: 31.0%, Prefix cache hit rate: 4.0%",
      "",
    ].join("\n");
    const rt = (await analyzeText(text)).facts.runtime;
    expect(rt?.statsLines).toBe(2);
    expect(rt?.running.max).toBe(3);
    expect(rt?.waiting.max).toBe(1);
    expect(rt?.gpuKvUsagePct.max).toBe(31);
    expect(rt?.generationThroughput.max).toBe(88.2);
  });

  it("reads a V0 record wrapped at its commas, with CRLF line ends and a deeper indent", async () => {
    const text = [
      "INFO 07-10 09:00:00 metrics.py:345] Avg prompt throughput: 12.0 tokens/s, Avg generation throughput: 240.5 tokens/s,",
      "        Running: 17 reqs, Swapped: 0 reqs, Pending: 4 reqs,",
      "        GPU KV cache usage: 64.1%, CPU KV cache usage: 0.0%.",
      "",
    ].join("\r\n");
    const rt = (await analyzeText(text)).facts.runtime;
    expect(rt?.statsLines).toBe(1);
    expect(rt?.running.max).toBe(17);
    expect(rt?.waiting.max).toBe(4);
    expect(rt?.gpuKvUsagePct.max).toBe(64.1);
  });

  it("reads a record whose first line already holds the KV usage once, however the rest is indented", async () => {
    const text = [
      "INFO 01-05 12:00:00 [loggers.py:123] Engine 000: Avg prompt throughput: 5.0 tokens/s, Avg generation throughput: 9.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.5%,",
      "    Prefix cache hit rate: 0.0%",
      "INFO 01-05 12:00:10 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 30.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.7%, Prefix cache hit rate: 0.0%",
      "",
    ].join("\n");
    expect((await analyzeText(text)).facts.runtime?.statsLines).toBe(2);
  });
});

describe("output a console re-wrapped at a fixed width inside a gutter", () => {
  it("joins a V0 stats record cut over three gutter-aligned lines", async () => {
    const gutter = " ".repeat(9);
    const text = [
      `${gutter}INFO 11-02 08:15:40 metrics.py:467] Avg prompt throughput: 0.0 tokens/s, Avg generation          `,
      `${gutter}throughput: 45.3 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache       `,
      `${gutter}usage: 7.5%, CPU KV cache usage: 0.0%.`,
      "",
    ].join("\n");
    const rt = (await analyzeText(text)).facts.runtime;
    expect(rt?.statsLines).toBe(1);
    expect(rt?.running.max).toBe(2);
    expect(rt?.generationThroughput.max).toBe(45.3);
    expect(rt?.gpuKvUsagePct.max).toBe(7.5);
  });

  it("does not join an indented traceback to the record before it", async () => {
    const text = [
      "ERROR 02-01 10:00:00 [core.py:700] EngineCore failed to start.",
      "ERROR 02-01 10:00:00 [core.py:700] Traceback (most recent call last):",
      '    File "/usr/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 691, in run_engine_core',
      "      engine_core = EngineCoreProc(*args, **kwargs)",
      "    torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.57 GiB of which 1.02 GiB is free.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.runtime).toBeNull();
    expect(ids(r)).toContain("vllm/cuda-oom");
  });
});

describe("an error a write-up quotes after an arrow, wrapped over indented lines", () => {
  it("reads the V1 max-seq-len error: max_model_len, available KV memory, the first error and the finding", async () => {
    const text = [
      "util 0.9 -> 0.8 (max-model-len left at 65536)",
      "→ ValueError: To serve at least one request with the model's max seq len (65536),",
      "  8.00 GiB KV cache is needed, which is larger than the available KV cache memory (5.20 GiB).",
      "  Based on the available memory, the estimated maximum model length is 42592.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.config.maxModelLen).toBe(65536);
    expect(r.facts.kvCache.availableGiB).toBe(5.2);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r)).toContain("vllm/kv-cache-too-small");
  });

  it("reads the wording without the possessive (`the model max seq len`) under a ⇒ arrow", async () => {
    const text = "⇒ ValueError: To serve at least one request with the model max seq len (200000), 9.16 GiB KV cache is needed, which is larger than the available KV cache memory (2.50 GiB).\n";
    const r = await analyzeText(text);
    expect(r.facts.config.maxModelLen).toBe(200000);
    expect(r.facts.kvCache.availableGiB).toBe(2.5);
    expect(r.facts.firstError?.line).toBe(1);
  });
});

describe("the engine's banner wrapped before its version", () => {
  it("reads version, engine and the config dump that runs on over the indented lines below", async () => {
    const text = [
      "7: (EngineCore_DP0 pid=812) INFO 05-01 08:00:00 [core.py:74] Initializing a V1 LLM engine",
      "    (v0.10.1.dev5+g123abc) with config: model='Qwen/Qwen3-30B-A3B', speculative_config=None, tokenizer='Qwen/Qwen3-30B-A3B',",
      "    dtype=torch.bfloat16, max_seq_len=40960, tensor_parallel_size=2, pipeline_parallel_size=1,",
      "    quantization=None, enforce_eager=False, seed=0",
      "",
      "9: (EngineCore_DP0 pid=812) INFO 05-01 08:00:09 [gpu_worker.py:276] Available KV cache memory: 20.50 GiB",
      "",
    ].join("\n");
    const f = (await analyzeText(text)).facts;
    expect(f.vllm.version).toBe("0.10.1.dev5+g123abc");
    expect(f.vllm.engine).toBe("v1");
    expect(f.config.model).toBe("Qwen/Qwen3-30B-A3B");
    expect(f.config.maxModelLen).toBe(40960);
    expect(f.config.tensorParallelSize).toBe(2);
    expect(f.kvCache.availableGiB).toBe(20.5);
  });

  it("reads a V0 banner (`an LLM engine`) wrapped the same way under a four-space notebook indent", async () => {
    const text = [
      "    INFO 08-01 10:00:00 llm_engine.py:161] Initializing an LLM engine",
      "        (v0.5.3) with config: model='/data/llama-7b', tokenizer='/data/llama-7b', max_seq_len=4096,",
      "        tensor_parallel_size=1, seed=0)",
      "",
    ].join("\n");
    const f = (await analyzeText(text)).facts;
    expect(f.vllm.version).toBe("0.5.3");
    expect(f.config.model).toBe("/data/llama-7b");
    expect(f.config.maxModelLen).toBe(4096);
  });
});
