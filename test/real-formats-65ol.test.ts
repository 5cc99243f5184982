import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixty-fifth round of real logs (theme "ol": offline inference scripts, `LLM(...)` and
 * `llm.generate`, vLLM 0.4 → newest). Scripts' output read right: the engine's config line, `non-default args`, the KV
 * cache lines, `Processed prompts` bars with a record glued after their `\r` updates, the user's own prints. What did
 * not: a notebook's traceback as Colab shows it. IPython 7 (Colab's) names a frame `<ipython-input-14-…> in <cell
 * line: 0>()`, and copied from Colab's rendered output every path is a markdown link (`[/usr/…/vllm/utils.py](https://
 * localhost:8080/#) in inner(...)`): neither was read as a frame. And a notebook traceback cut before its exception
 * line was never a failure (it may be the user interrupting the cell), even when IPython's header had named what was
 * raised (`RuntimeError      Traceback (most recent call last)`). Every log text here is written for the test in the
 * printed layout.
 */

const KUBE = (l: string) => `2026-12-06T23:58:12.004211907Z ${l}`;
const text = (lines: string[], wrap: (l: string) => string = (l) => l, eol = "\n") => lines.map(wrap).join(eol) + eol;
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

async function each(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  check(await analyzeText(text(lines)), "plain");
  check(await analyzeText(text(lines, KUBE, "\r\n")), "kubectl CRLF");
}

const RULE = "---------------------------------------------------------------------------";

describe("a Colab cell's traceback (IPython 7, paths as markdown links) cut inside LLM(...)", () => {
  const lines = [
    "INFO 06-02 09:41:07 [config.py:793] This model supports multiple tasks: {'generate', 'embed'}. Defaulting to 'generate'.",
    RULE,
    "RuntimeError                              Traceback (most recent call last)",
    "[<ipython-input-7-3f9e0c2a1b44>](https://localhost:8080/#) in <cell line: 0>()",
    "      1 from vllm import LLM, SamplingParams",
    "----> 2 llm = LLM(model=\"Qwen/Qwen2.5-0.5B-Instruct\", gpu_memory_utilization=0.6)",
    "      3 params = SamplingParams(max_tokens=64)",
    "",
    "6 frames",
    "[/usr/local/lib/python3.11/dist-packages/vllm/utils.py](https://localhost:8080/#) in inner(*args, **kwargs)",
    "   1198 ",
    "-> 1199             return fn(*args, **kwargs)",
    "   1200 ",
  ];
  it("is the engine failing to start, the header no first error", async () => {
    await each(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.tracebacks?.list[0], at).toMatchObject({ stage: "init", cut: true });
      expect(r.facts.tracebacks?.list[0].evidence.line, at).toBe(3);
    });
  });

  it("reads the same frames without links (IPython 7 in a terminal or Jupyter)", async () => {
    const plain = lines.map((l) => l.replace(/^\[([^\]]+)\]\([^)]*\)/, "$1"));
    await each(plain, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.tracebacks?.list[0], at).toMatchObject({ stage: "init", cut: true });
    });
  });

  it("IPython 8's frames (`Cell In[4], line 2`, `File ~/…/llm.py:243, in LLM.__init__(…)`) under a named header", async () => {
    const r = await analyzeText(text([
      RULE,
      "ValueError                                Traceback (most recent call last)",
      "Cell In[4], line 2",
      "      1 from vllm import LLM",
      "----> 2 llm = LLM(model=\"facebook/opt-350m\", tensor_parallel_size=1)",
      "",
      "File ~/venvs/infer/lib/python3.11/site-packages/vllm/entrypoints/llm.py:243, in LLM.__init__(self, model, tokenizer, **kwargs)",
      "    240 engine_args = EngineArgs(model=model, **kwargs)",
      "--> 243 self.llm_engine = LLMEngine.from_engine_args(engine_args, usage_context=UsageContext.LLM_CLASS)",
    ]));
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("near misses: a KeyboardInterrupt header, or no header at all, is no failure of the engine", async () => {
    const interrupted = await analyzeText(text(lines.map((l) => l.replace(/^RuntimeError {2}/, "KeyboardInterrupt"))));
    expect(ids(interrupted)).not.toContain("vllm/engine-init-failed");
    const headless = await analyzeText(text(lines.filter((l) => !l.includes("Traceback") && l !== RULE)));
    expect(ids(headless)).not.toContain("vllm/engine-init-failed");
    // Python's own header (a colon, no class before it) names nothing
    const python = await analyzeText(text(["Traceback (most recent call last):", "  File \"/srv/run.py\", line 4, in <module>", "    main()"]));
    expect(ids(python)).not.toContain("vllm/engine-init-failed");
  });
});

describe("an offline script's run: KV cache lines, tqdm bars with a record glued on, the user's prints", () => {
  const lines = [
    "INFO 07-14 10:02:11 [utils.py:326] non-default args: {'model': 'Qwen/Qwen3-1.7B', 'max_model_len': 8192, 'gpu_memory_utilization': 0.75, 'disable_log_stats': True}",
    "loading prompts from eval_set.jsonl ... 256 prompts",
    "(EngineCore_0 pid=51234) INFO 07-14 10:02:31 [gpu_worker.py:276] Available KV cache memory: 9.42 GiB",
    "(EngineCore_0 pid=51234) INFO 07-14 10:02:31 [kv_cache_utils.py:849] GPU KV cache size: 88,192 tokens",
    "(EngineCore_0 pid=51234) INFO 07-14 10:02:31 [kv_cache_utils.py:853] Maximum concurrency for 8,192 tokens per request: 10.77x",
    "Adding requests: 100%|██████████| 256/256 [00:00<00:00, 1804.22it/s]",
    "Processed prompts:   0%|          | 0/256 [00:00<?, ?it/s, est. speed input: 0.00 toks/s, output: 0.00 toks/s]WARNING 07-14 10:02:33 [sampling_params.py:372] temperature 1e-06 is less than 0.01, which may cause numerical errors",
    "Processed prompts: 100%|██████████| 256/256 [00:41<00:00,  6.21it/s, est. speed input: 812.40 toks/s, output: 1590.07 toks/s]",
    "wrote 256 answers to out/answers.jsonl",
  ];
  it("reads the config and the KV cache, and finds nothing wrong", async () => {
    await each(lines, (r, at) => {
      expect(r.facts.config, at).toMatchObject({ model: "Qwen/Qwen3-1.7B", maxModelLen: 8192, gpuMemoryUtilization: 0.75 });
      expect(r.facts.kvCache, at).toMatchObject({ availableGiB: 9.42, tokens: 88192, maxConcurrency: 10.77, tokensPerRequest: 8192 });
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});
