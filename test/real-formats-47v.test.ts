import { describe, expect, it } from "vitest";
import { analyzeText, eolsFor } from "./rules/analyze-text.js";

/**
 * Shapes seen in a forty-seventh round of real logs (vLLM issues found by component words: detokenizer, sampler,
 * guided decoding, pooling, scheduler, multimodal, offline inference). The round found nothing to fix; these tests pin
 * the shapes the readers already read right. Every log text here is written for the test in the printed layout, with
 * wrappers the logs did not all show (kubectl --timestamps, docker compose, CRLF).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T09:10:11.123456789Z ${l}`],
  ["docker compose", (l) => `infer-api-1  | ${l}`],
];

async function eachWrap(lines: string[], check: (r: Awaited<ReturnType<typeof analyzeText>>, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS) {
    for (const eol of eolsFor(wrap)) {
      check(await analyzeText(lines.map(wrap).join(eol) + eol), `${name} ${JSON.stringify(eol)}`);
    }
  }
}

const ids = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.map((f) => f.ruleId);

describe("a V0 preemption warning after a tqdm bar glued to a stats record", () => {
  // LLM.generate's `Processed prompts:` bar ends without a newline, so the next record starts on the bar's line
  const lines = [
    "Processed prompts:   1%|  | 52/8000 [00:31<1:12:05,  1.84it/s, est. speed input: 388.20 toks/s, output: 6120.45 toks/s]INFO 03-02 10:11:12 metrics.py:341] Avg prompt throughput: 2100.4 tokens/s, Avg generation throughput: 11020.7 tokens/s, Running: 40 reqs, Swapped: 88 reqs, Pending: 7700 reqs, GPU KV cache usage: 98.7%, CPU KV cache usage: 61.0%.",
    "WARNING 03-02 10:11:12 scheduler.py:1089] Sequence group 212 is preempted by PreemptionMode.SWAP mode because there is not enough KV cache space. This can affect the end-to-end performance. Increase gpu_memory_utilization or tensor_parallel_size to provide more KV cache memory. total_num_cumulative_preemption=97",
  ];
  it("reads the cumulative preemption count, reports KV-cache pressure and no error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.runtime?.preemptions, at).toBe(97);
      expect(ids(r), at).toContain("runtime/kv-cache-pressure");
      expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
    });
  });
});

describe("a frame-only engine-core traceback through _initialize_kv_caches is a start-up failure", () => {
  const p = "(EngineCore_DP0 pid=4410) ";
  const lines = [
    `${p}  File "/opt/env/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 833, in run_engine_core`,
    `${p}    engine_core = EngineCoreProc(*args, **kwargs)`,
    `${p}                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
    `${p}  File "/opt/env/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 109, in __init__`,
    `${p}    num_gpu_blocks, num_cpu_blocks, kv_cache_config = self._initialize_kv_caches(`,
    `${p}  File "/opt/env/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 231, in _initialize_kv_caches`,
    `${p}    available_gpu_memory = self.model_executor.determine_available_memory()`,
  ];
  it("engine v1, vllm/engine-init-failed", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
});

describe("an exception line before the client's `Engine core proc … died unexpectedly` record", () => {
  const lines = [
    `File "/srv/app/lib/python3.10/site-packages/vllm/multimodal/processing.py", line 1652, in _apply_prompt_updates`,
    "    assert update_idx is not None, (",
    "AssertionError: Failed to apply prompt replacement for mm_items['audio'][1]",
    "ERROR 05-06 07:08:09 [core_client.py:562] Engine core proc EngineCore_0 died unexpectedly, shutting down client.",
  ];
  it("the exception line is the first error, the engine is V1", async () => {
    await eachWrap(lines, (r, at) => {
      // (the text is the line as given, wrapper included)
      expect(r.facts.firstError?.text.endsWith("AssertionError: Failed to apply prompt replacement for mm_items['audio'][1]"), at).toBe(true);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });
});

describe("a Buildkite engine-core traceback whose ANSI escapes became U+FFFD", () => {
  const p = "[2025-09-10T11:12:13Z] \uFFFD[1;36m(EngineCore_0 pid=7321)\uFFFD[0;0m ";
  const lines = [
    `${p}  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/structured_output/backend_xgrammar.py", line 99, in compile_grammar`,
    `${p}    ctx = self.compiler.compile_grammar(grammar_spec)`,
    `${p}          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
  ];
  it("engine v1, no first error from frames, no error finding", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError, at).toBeNull();
      expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
    });
  });
});

describe("a pytest node id glued before an APIServer record", () => {
  const lines = [
    "[2025-08-01T12:00:01Z] tests/entrypoints/test_embeds.py::test_logprobs[--disable-frontend-multiprocessing-acme/tiny-7b-0] (APIServer pid=5120) INFO 08-01 05:00:01 [logger.py:41] Received request cmpl-1f2e3d4c-0: prompt: None, params: SamplingParams(n=1, temperature=0.0, max_tokens=5), lora_request: None.",
    "[2025-08-01T12:00:01Z] (APIServer pid=5120) INFO 08-01 05:00:01 [async_llm_engine.py:206] Added request cmpl-1f2e3d4c-0.",
  ];
  it("engine v1, no findings", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
    });
  });
});
