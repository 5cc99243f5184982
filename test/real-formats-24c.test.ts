import { describe, expect, it } from "vitest";
import { variants } from "./helpers/variants.js";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Formats found in a twenty-fourth round of real logs committed to repositories (notes, READMEs, runbooks quoting a
 * server's start-up). Every log text here is written for the test, in the format's shape, with variants the committed
 * logs did not show (record prefixes, kubectl stamps, colour, CRLF, other devices and separators).
 */

describe("KV cache size and maximum concurrency quoted on one line with the author's own separator", () => {
  // vLLM prints two messages (`GPU KV cache size: N tokens`, `Maximum concurrency for L tokens per request: Xx`) or, since
  // update_kv_cache_capacity, one joined by `, `; notes that quote the pair on one line join them with ` | `, `; `, ` / `
  const shapes: Array<[string, number, number, number]> = [
    ["GPU KV cache size: 412,160 tokens | Maximum concurrency for 131,072 tokens per request: 3.14x", 412160, 131072, 3.14],
    ["GPU KV cache size: 98,304 tokens; Maximum concurrency for 8,192 tokens per request: 12.00x", 98304, 8192, 12],
    ["NPU KV cache size: 1,500,000 tokens / Maximum concurrency for 65,536 tokens per request: 22.89x", 1500000, 65536, 22.89],
    ["GPU KV cache size: 70,000 tokens · Maximum concurrency for 4,096 tokens per request: 17.09x", 70000, 4096, 17.09],
    ["GPU KV cache size: 55,296 tokens, Maximum concurrency for 2,048 tokens per request: 27.00x", 55296, 2048, 27],
  ];

  it("reads tokens, tokens per request and concurrency from each join, bare and behind a V1 record header", async () => {
    for (const [line, tokens, perRequest, conc] of shapes) {
      const lines = [
        "init engine (profile, create kv cache, warmup model) took 41.07 s (compilation: 12.50 s)",
        line,
        "Application startup complete.",
      ];
      const recorded = [
        `(EngineCore_DP0 pid=4242) INFO 11-02 08:09:10 [kv_cache_utils.py:1240] ${line}`,
        "(APIServer pid=4100) INFO 11-02 08:09:20 [launcher.py:46] Application startup complete.",
      ];
      for (const text of [...variants(lines), ...variants(recorded)]) {
        const r = await analyzeText(text + "\n");
        const label = JSON.stringify(text.slice(0, 70));
        expect(r.facts.kvCache.tokens, label).toBe(tokens);
        expect(r.facts.kvCache.tokensPerRequest, label).toBe(perRequest);
        expect(r.facts.kvCache.maxConcurrency, label).toBe(conc);
      }
    }
  });

  it("takes no concurrency from other text after the size", async () => {
    for (const tail of [" | warmup done", " (80 GiB card) Maximum concurrency 3x", " / see Maximum concurrency below"]) {
      const r = await analyzeText(`GPU KV cache size: 120,000 tokens${tail}\n`);
      expect(r.facts.kvCache.tokens, tail).toBe(120000);
      expect(r.facts.kvCache.maxConcurrency ?? null, tail).toBeNull();
      expect(r.facts.kvCache.tokensPerRequest ?? null, tail).toBeNull();
    }
  });
});

describe("`Model loading took` quoted without its seconds: cut, or annotated after the size", () => {
  it("reads the weights from a cut or annotated line and the seconds only where they are printed", async () => {
    const shapes: Array<[string, number, number | null]> = [
      ["Model loading took 31.42 GiB memory            (text-only) / consumed 35.00 GiB (serving shape)", 31.42, null],
      ["Model loading took 7.1 GiB memory", 7.1, null],
      ["Model loading took 15.2673 GiB", 15.2673, null],
      ["Model loading took 15.2673 GiB and 9.817 seconds", 15.2673, 9.817],
      ["Model loading took 62.05 GiB memory and 48.213509 seconds", 62.05, 48.213509],
    ];
    for (const [msg, gib, secs] of shapes) {
      const bare = ["Loading weights took 20.51 seconds", msg, "Available KV cache memory: 9.87 GiB"];
      const recorded = [
        `(Worker_TP0 pid=311) INFO 12-01 01:02:03 [gpu_model_runner.py:2653] ${msg}`,
        "(EngineCore_DP0 pid=300) INFO 12-01 01:02:09 [gpu_worker.py:298] Available KV cache memory: 9.87 GiB",
      ];
      for (const text of [...variants(bare), ...variants(recorded)]) {
        const r = await analyzeText(text + "\n");
        const label = JSON.stringify(text.slice(0, 70));
        expect(r.facts.memory.modelWeightsGiB, label).toBe(gib);
        expect(r.facts.memory.loadSeconds ?? null, label).toBe(secs);
        expect(r.facts.kvCache.availableGiB, label).toBe(9.87);
      }
    }
  });

  it("reads no weights from a `Model loading took` line that states no size", async () => {
    const r = await analyzeText("Model loading took 25.3 seconds\nModel loading took a while\n");
    expect(r.facts.memory.modelWeightsGiB ?? null).toBeNull();
  });
});
