import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";
import { peel } from "../src/records/peel.js";

/**
 * Formats found in a twenty-sixth round of real logs, taken from web pages rather than issue threads (error-help sites,
 * vendor docs, blog posts, forum answers): an error line quoted behind an emoji marker (`🚫 ValueError: ...`), and V0's
 * "max seq len ... KV cache" message quoted without the cache's token count. Every log text here is written for the
 * test, in the format's shape, with variants the pages did not show (other emoji, other levels and messages, a marker
 * inside a blockquote, kubectl timestamps, colour, CRLF).
 */

describe("an emoji a write-up sets before the line it quotes", () => {
  const marked = (mark: string) => [
    `${mark} ValueError: No available memory for the cache blocks. Try increasing \`gpu_memory_utilization\` when initializing the engine.`,
    `${mark} RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}`,
  ];

  it("is taken off, so the bare exception behind it is the first error and the KV finding reads it", async () => {
    // U+1F6AB (astral, a surrogate pair), U+274C, U+26A0 with and without its variation selector, U+26D4, U+2757
    for (const mark of ["\u{1F6AB}", "\u274C", "\u26A0\uFE0F", "\u26A0", "\u26D4", "\u2757", "\u{1F534}"]) {
      for (const text of variants(marked(mark))) {
        const r = await analyzeText(text + "\n");
        const what = `${mark} ${JSON.stringify(text.slice(0, 50))}`;
        expect(r.facts.firstError?.line, what).toBe(1);
        expect(r.facts.firstError?.text, what).toContain(`${mark} ValueError: No available memory for the cache blocks.`);
        expect(ids(r), what).toContain("vllm/no-kv-cache-memory");
      }
    }
  });

  it("is taken off a vLLM record and inside a blockquote too", async () => {
    const text = [
      "> \u274C (EngineCore_DP0 pid=41) ERROR 03-04 05:06:07 [core.py:708] EngineCore failed to start.",
      "> \u274C ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.firstError?.text).toContain("EngineCore failed to start.");
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("needs a space after it, and leaves vLLM's banner glyphs, box drawings and an emoji inside a line alone", () => {
    expect(peel("\u{1F6AB} ValueError: boom").text).toBe("ValueError: boom");
    expect(peel("\u2705 Application startup complete.").text).toBe("Application startup complete.");
    // glued to the text: not a marker
    expect(peel("\u{1F6AB}ValueError: boom").text).toBe("\u{1F6AB}ValueError: boom");
    // alone on a line: nothing follows, so it stays
    expect(peel("\u274C").text).toBe("\u274C");
    // the block glyphs of vLLM ≥0.19's banner and a box-drawing bar are no pictographs
    expect(peel("\u2588\u2584\u2588\u2580 \u2588     \u2588  model   Qwen/Qwen3-8B").text).toBe("\u2588\u2584\u2588\u2580 \u2588     \u2588  model   Qwen/Qwen3-8B");
    expect(peel("INFO 03-04 05:06:07 [loader.py:1] done \u2705 ok").text).toBe("INFO 03-04 05:06:07 [loader.py:1] done \u2705 ok");
  });

  it("raises no finding on a healthy record behind a check mark", async () => {
    const text = [
      "\u2705 (APIServer pid=9) INFO 03-04 05:06:07 [api_server.py:1019] Starting vLLM API server 0 on http://0.0.0.0:8000",
      "\u2705 (APIServer pid=9) INFO 03-04 05:06:08 [launcher.py:37] Available routes are:",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.vllm.engine).toBe("v1");
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("V0's max-seq-len KV cache error quoted without the cache's token count", () => {
  const lines = (len: number, tail: string) => [
    `ValueError: The model's max seq len (${len}) is larger than the maximum number of tokens that can be stored in KV cache.${tail}`,
  ];

  it("still gives max_model_len and the KV finding, without inventing the cache's size", async () => {
    for (const [len, tail] of [
      [32768, " Try increasing gpu_memory_utilization or decreasing max_model_len."],
      [131072, " Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."],
      [4096, ""],
    ] as const) {
      for (const text of variants(lines(len, tail))) {
        const r = await analyzeText(text + "\n");
        const what = `${len} ${JSON.stringify(text.slice(0, 30))}`;
        expect(r.facts.config.maxModelLen, what).toBe(len);
        expect(r.facts.kvCache.maxTokensStorable, what).toBeNull();
        expect(r.facts.firstError?.line, what).toBe(1);
        const f = r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small");
        expect(f?.message, what).toContain(`max_model_len ${len.toLocaleString("en-US")}`);
        expect(f?.message, what).toContain("the count vLLM states is not in the excerpt");
      }
    }
  });

  it("keeps reading the count when it is there (V0 worker record, wrapped at a terminal's width)", async () => {
    const text = [
      "(VllmWorkerProcess pid=12) ERROR 03-04 05:06:07 multiproc_worker_utils.py:233] Exception in worker VllmWorkerProcess while processing method initialize_cache: The model's max seq len (65536) is larger than the maximum number of tokens that can be stored in KV cache (41232)., Traceback (most recent call last):",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.maxModelLen).toBe(65536);
    expect(r.facts.kvCache.maxTokensStorable).toBe(41232);
    expect(r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small")?.message).toContain("the cache holds 41,232");
    const wrapped = [
      "ValueError: The model's max seq len (32768) is larger than the maximum number of",
      "tokens that can be stored in KV cache (2048). Try increasing `gpu_memory_utilization`",
      "or decreasing `max_model_len` when initializing the engine.",
    ].join("\n");
    const w = await analyzeText(wrapped + "\n");
    expect(w.facts.config.maxModelLen).toBe(32768);
    expect(w.facts.kvCache.maxTokensStorable).toBe(2048);
  });

  it("does not take a sentence that goes on past `KV cache` for the count-less message", async () => {
    const r = await analyzeText("note: the model's max seq len (8192) is larger than the maximum number of tokens that can be stored in KV cache blocks of size 16\n");
    expect(r.facts.kvCache.maxTokensStorable).toBeNull();
    expect(ids(r)).not.toContain("vllm/kv-cache-too-small");
  });
});
