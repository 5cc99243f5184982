import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats of the first vLLM eras (0.1.x to 0.5.x) found in real pastes (round 40o). Every text here is written for the
 * test in the printed layout (paths, pids and values are made up); the facts and findings checked are exact.
 */

const text = (lines: string[]) => lines.join("\n") + "\n";

/** the same lines behind `kubectl logs --timestamps`, a docker compose prefix, a Ray worker prefix, and with CRLF */
const wrapped = (lines: string[]): string[] => [
  text(lines.map((l, i) => `2026-02-03T04:05:${String(10 + i).padStart(2, "0")}.987654321Z ${l}`)),
  text(lines.map((l) => `llm-1  | ${l}`)),
  text(lines.map((l) => `(RayWorkerVllm pid=5151) ${l}`)),
  text(lines).replace(/\n/g, "\r\n"),
];

// vLLM raises these as a ValueError and never logs them; an app that prints the exception (`print(e)`), or a user who
// pastes the message alone, leaves the message without its type
const V0_TOO_SMALL = "The model's max seq len (16384) is larger than the maximum number of tokens that can be stored in KV cache (6032). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
const NO_BLOCKS = "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.";
const V1_TOO_SMALL = "To serve at least one request with the models's max seq len (65536), (8.00 GiB KV cache is needed, which is larger than the available KV cache memory (5.25 GiB). Based on the available memory, the estimated maximum model length is 42992. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";

describe("a vLLM exception message printed without its type", () => {
  it("V0's KV check: the line is the first error, its finding and the length it names are read", async () => {
    const r = await analyzeText(text(["Loading the model for the eval run...", V0_TOO_SMALL]));
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.firstError?.text).toBe(V0_TOO_SMALL);
    expect(r.facts.config.maxModelLen).toBe(16384);
    expect(ids(r)).toContain("vllm/kv-cache-too-small");
    expect(r.summary.errors).toBeGreaterThan(0);
  });

  it("no memory for the cache blocks, and V1's KV check, are first errors too", async () => {
    const a = await analyzeText(text(["INFO 05-06 07:08:09 llm_engine.py:275] # GPU blocks: 0, # CPU blocks: 512", NO_BLOCKS]));
    expect(a.facts.firstError?.line).toBe(2);
    expect(ids(a)).toContain("vllm/no-kv-cache-memory");
    const b = await analyzeText(text([V1_TOO_SMALL]));
    expect(b.facts.firstError?.line).toBe(1);
    expect([b.facts.config.maxModelLen, b.facts.kvCache.availableGiB]).toEqual([65536, 5.25]);
    expect(ids(b)).toContain("vllm/kv-cache-too-small");
  });

  it("reads the same behind kubectl --timestamps, a compose prefix, a Ray prefix and with CRLF", async () => {
    for (const v of wrapped(["Starting the server", V0_TOO_SMALL])) {
      const r = await analyzeText(v);
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.firstError?.text.endsWith("when initializing the engine.")).toBe(true);
      expect(ids(r)).toContain("vllm/kv-cache-too-small");
    }
  });

  it("an earlier error stays first, and the typed line is still read once as an exception line", async () => {
    const r = await analyzeText(text([
      "ERROR 05-06 07:08:09 engine.py:160] The engine could not start.",
      V0_TOO_SMALL,
    ]));
    expect(r.facts.firstError?.line).toBe(1);
    const typed = await analyzeText(text(["INFO 05-06 07:08:08 llm_engine.py:70] Loading.", `ValueError: ${V0_TOO_SMALL}`]));
    expect(typed.facts.firstError?.line).toBe(2);
    expect(typed.facts.firstError?.text).toBe(`ValueError: ${V0_TOO_SMALL}`);
  });

  it("a sentence that quotes the message in its middle, or a line about another limit, is no error line", async () => {
    const r = await analyzeText(text([`I keep seeing "${V0_TOO_SMALL}" on the 4090`]));
    expect(r.facts.firstError).toBeNull();
    const other = await analyzeText(text(["The model's max seq len (4096) fits the cache, so nothing to change here."]));
    expect(other.facts.firstError).toBeNull();
    expect(ids(other)).not.toContain("vllm/kv-cache-too-small");
  });
});

describe("the oldest layouts read right (regression guard for the round's first-sight set)", () => {
  it("a shell prompt glued to the first record, then the config without a version and an AWQ warning", async () => {
    const r = await analyzeText(text([
      "(venv) [user@gpu-box srv]# python -m vllm.entrypoints.api_server --model /data/m/7B --quantization awq --gpu-memory-utilization 0.85 &",
      "[1] 40404",
      "(venv) [user@gpu-box srv]# WARNING 10-11 12:13:14 config.py:398] Casting torch.bfloat16 to torch.float16.",
      "WARNING 10-11 12:13:14 config.py:140] awq quantization is not fully optimized yet. The speed can be slower than non-quantized models.",
      "INFO 10-11 12:13:14 llm_engine.py:72] Initializing an LLM engine with config: model='/data/m/7B', tokenizer='/data/m/7B', tokenizer_mode=auto, revision=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.float16, max_seq_len=4096, download_dir=None, load_format=auto, tensor_parallel_size=1, quantization=awq, seed=0)",
    ]));
    expect([r.facts.vllm.engine, r.facts.config.model, r.facts.config.maxModelLen, r.facts.config.tensorParallelSize, r.facts.config.gpuMemoryUtilization]).toEqual(["v0", "/data/m/7B", 4096, 1, 0.85]);
    expect(r.facts.firstError).toBeNull();
    expect(r.summary.errors).toBe(0);
  });

  it("≤0.1's unclamped `# GPU blocks: -1` is no memory for the KV cache", async () => {
    const r = await analyzeText(text(["INFO 06-07 08:09:10 llm_engine.py:128] # GPU blocks: -1, # CPU blocks: 256"]));
    expect([r.facts.kvCache.gpuBlocks, r.facts.kvCache.cpuBlocks]).toEqual([-1, 256]);
    expect(ids(r)).toContain("vllm/no-kv-cache-memory");
  });
});
