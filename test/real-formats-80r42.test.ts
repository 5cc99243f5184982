import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r42 (vLLM on accelerators other than NVIDIA's: Google TPU over Ray, AWS Neuron, Intel XPU
 * through llm-scaler, the CPU backend, AMD ROCm on RDNA and Strix Halo, Apple silicon through vllm-metal). The tool read
 * every scored fact at first sight; what it missed was vllm-metal's own refusal to start when its KV cache budget came
 * out at zero or less (`Paged attention: not enough Metal memory for KV cache. metal_limit=..GB, fraction=..,
 * usable_metal=..GB, model_memory=..GB, overhead=..GB, kv_budget=-0.38GB. Mitigations: ...`, decimal GB), and, unscored,
 * the platform a DEBUG start names before its INFO `Automatically detected platform` line (`Confirmed ROCm platform is
 * available.`). Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-14T08:41:27.551203918Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("vllm-metal finding no Metal memory for the KV cache", () => {
  const oneLine = (mitigations: string) =>
    `(EngineCore pid=40213) ValueError: Paged attention: not enough Metal memory for KV cache. metal_limit=22.90GB, fraction=0.6, usable_metal=13.74GB, model_memory=12.61GB, overhead=1.40GB, kv_budget=-0.27GB. ${mitigations}`;
  const start = [
    "(APIServer pid=40190) INFO 02-11 09:14:03 [model.py:1680] Using max model len 16384",
    "(EngineCore pid=40213) Traceback (most recent call last):",
    '(EngineCore pid=40213)   File "/Users/dev/vllm-metal/vllm_metal/v1/worker.py", line 388, in determine_available_memory',
    "(EngineCore pid=40213)     raise ValueError(",
  ];
  it("is vllm/no-kv-cache-memory with Metal's numbers and the knob its message names, behind wrappers and CRLF", async () => {
    await eachWrap([...start, oneLine("Mitigations: increase VLLM_METAL_MEMORY_FRACTION, use a smaller or more quantized model.")], (r, at) => {
      expect(ids(r, "error"), at).toContain("vllm/no-kv-cache-memory");
      const f = r.findings.find((x) => x.ruleId === "vllm/no-kv-cache-memory");
      expect(f?.message, at).toBe("vllm-metal found no Metal memory left for the KV cache (usable Metal memory 13.74 GB at fraction 0.6, weights 12.61 GB): the budget is 0.27 GB short, so the engine cannot serve a single request.");
      expect(f?.remediation[0], at).toMatch(/^Raise VLLM_METAL_MEMORY_FRACTION: the share of the Metal memory limit vllm-metal may use \(now 0\.6\)/);
      expect(f?.remediation[2], at).toMatch(/a lower --max-model-len \(now 16384\)/);
      expect(f?.evidence.map((e) => e.line), at).toEqual([5]);
      expect(r.facts.firstError?.line, at).toBe(5);
    });
  });
  it("names --gpu-memory-utilization where the newer message does", async () => {
    const r = await analyzeText(text([oneLine("Mitigations: increase --gpu-memory-utilization (currently 0.6); use a smaller or more quantized model.")]));
    expect(r.findings.find((x) => x.ruleId === "vllm/no-kv-cache-memory")?.remediation[0]).toMatch(/^Raise --gpu-memory-utilization: /);
  });
  it("fires on the message's first line when a paste breaks the breakdown over lines, and not on its too-few-blocks refusal", async () => {
    const r = await analyzeText(text([
      "ValueError: Paged attention: not enough Metal memory for KV cache.",
      "metal_limit=14.30GB, fraction=0.5, usable_metal=7.15GB,",
      "model_memory=5.32GB, overhead=2.06GB, kv_budget=-0.38GB.",
    ]));
    const f = r.findings.find((x) => x.ruleId === "vllm/no-kv-cache-memory");
    expect(f?.message).toMatch(/^vllm-metal found no Metal memory left for the KV cache/);
    expect(f?.evidence.map((e) => e.line)).toEqual([1]);
    const blocks = await analyzeText(text([
      "Paged attention memory breakdown: metal_limit=55.66GB, fraction=0.90, usable_metal=50.10GB, model_memory=2.15GB, overhead=1.33GB, kv_budget=46.61GB, per_block_bytes=6291456, num_blocks=7409, max_tokens_cached=118544",
      "KV cache: 46613.4 MB (32 layers, 7409 blocks, 16 tokens/block)",
      "ValueError: Paged attention: computed num_blocks too low (12 < minimum 16). metal_limit=12.00GB, fraction=0.5, usable_metal=6.00GB, model_memory=5.10GB, overhead=0.80GB, kv_budget=0.10GB, per_block_bytes=6291456.",
    ]));
    expect(ids(blocks)).not.toContain("vllm/no-kv-cache-memory");
  });
});

describe("the platform a DEBUG start confirms before it names it at INFO", () => {
  const probe = [
    "root@gfx-box:/app# vllm serve Qwen/Qwen3-4B",
    "DEBUG 09-02 17:20:11 [__init__.py:34] Checking if TPU platform is available.",
    "DEBUG 09-02 17:20:11 [__init__.py:44] TPU platform is not available because: No module named 'libtpu'",
    "DEBUG 09-02 17:20:11 [__init__.py:52] Checking if CUDA platform is available.",
    "DEBUG 09-02 17:20:11 [__init__.py:93] CUDA platform is not available because: NVML Shared Library Not Found",
    "DEBUG 09-02 17:20:11 [__init__.py:100] Checking if ROCm platform is available.",
    "DEBUG 09-02 17:20:11 [__init__.py:107] Confirmed ROCm platform is available.",
    "DEBUG 09-02 17:20:11 [__init__.py:122] Checking if HPU platform is available.",
  ];
  it("reads rocm from the confirmation, behind wrappers and CRLF", async () => {
    await eachWrap(probe, (r, at) => {
      expect(r.facts.gpu.platform, at).toBe("rocm");
      expect(r.facts.config.model, at).toBe("Qwen/Qwen3-4B");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("lets the INFO line win, and reads no platform from XPU's collective backend", async () => {
    const later = await analyzeText(text([...probe, "INFO 09-02 17:20:12 [__init__.py:239] Automatically detected platform cpu."]));
    expect(later.facts.gpu.platform).toBe("cpu");
    const xccl = await analyzeText(text(["DEBUG 09-02 17:20:11 [__init__.py:150] Confirmed xccl backend is available."]));
    expect(xccl.facts.gpu.platform ?? null).toBeNull();
    const jetson = await analyzeText(text(["DEBUG 09-02 17:20:11 [__init__.py:83] Confirmed CUDA platform is available on Jetson."]));
    expect(jetson.facts.gpu.platform).toBe("cuda");
  });
});
