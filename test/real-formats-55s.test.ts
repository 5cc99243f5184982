import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a round of real logs of vLLM runs with features switched on: speculative decoding (MTP, ngram,
 * `SpecDecoding metrics` lines beside the stats lines), LoRA adapters, structured output backends and multimodal
 * processors. The one miss of the round: V0's memory-profile line (`model weights take X; non_torch_memory takes Y;
 * PyTorch activation peak memory takes Z; the rest of the memory reserved for KV Cache is W.`) cut by a window after a
 * clause was not read at all, though the clauses before the cut state the weights. Every log text here is written for
 * the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T20:02:11.518204113Z ${l}`],
  ["docker compose", (l) => `vllm-vl-1  | ${l}`],
  ["Ray Serve", (l) => `(ServeReplica:default:VLLMDeployment pid=5120, ip=10.2.0.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

describe("V0's memory-profile line cut after a clause", () => {
  const head = [
    "(VllmWorkerProcess pid=40121) INFO 03-11 09:12:40 worker.py:266] Memory profiling takes 12.07 seconds",
    "(VllmWorkerProcess pid=40121) INFO 03-11 09:12:40 worker.py:266] the current vLLM instance can use total_gpu_memory (44.52GiB) x gpu_memory_utilization (0.85) = 37.84GiB",
  ];
  const parts = "(VllmWorkerProcess pid=40121) INFO 03-11 09:12:40 worker.py:266] model weights take 15.62GiB; non_torch_memory takes 0.51GiB; PyTorch activation peak memory takes 2.30GiB; the rest of the memory reserved for KV Cache is 19.41GiB.";

  it("reads the weights from a line cut inside the third clause", async () => {
    await eachWrap([...head, parts.slice(0, parts.indexOf("PyTorch") + 9)], (r, at) => {
      expect(r.facts.memory.modelWeightsGiB, at).toBe(15.62);
      expect(r.facts.memory.nonTorchGiB, at).toBe(0.51);
      expect(r.facts.memory.peakActivationGiB, at).toBeNull();
      expect(r.facts.kvCache.availableGiB, at).toBeNull();
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.executorBackend, at).toBe("mp");
    });
  });

  it("reads every clause of the whole line, and each clause before a cut", async () => {
    const whole = await analyzeText(join([...head, parts], (l) => l));
    expect(whole.facts.memory).toMatchObject({ modelWeightsGiB: 15.62, nonTorchGiB: 0.51, peakActivationGiB: 2.3 });
    expect(whole.facts.kvCache.availableGiB).toBe(19.41);
    const afterWeights = await analyzeText(join([parts.slice(0, parts.indexOf(" non_torch"))], (l) => l));
    expect(afterWeights.facts.memory.modelWeightsGiB).toBe(15.62);
    expect(afterWeights.facts.memory.nonTorchGiB).toBeNull();
    const beforeLast = await analyzeText(join([parts.slice(0, parts.indexOf(" the rest"))], (l) => l));
    expect(beforeLast.facts.memory.peakActivationGiB).toBe(2.3);
    expect(beforeLast.facts.kvCache.availableGiB).toBeNull();
  });

  it("a number cut before its unit is no clause", async () => {
    const r = await analyzeText(join([parts.slice(0, parts.indexOf("0.51") + 3)], (l) => l));
    expect(r.facts.memory.modelWeightsGiB).toBe(15.62);
    expect(r.facts.memory.nonTorchGiB).toBeNull();
    const cutWeights = await analyzeText(join(["INFO 03-11 09:12:40 worker.py:266] model weights take 15.6"], (l) => l));
    expect(cutWeights.facts.memory.modelWeightsGiB).toBeNull();
  });

  it("near misses: other sentences about model weights state no weights", async () => {
    const r = await analyzeText(
      join(
        [
          "INFO 03-11 09:12:40 worker.py:266] model weights taken from /models/qwen2.5-vl-7b; 15.62GiB expected",
          "WARNING 03-11 09:12:41 app.py:88] the model weights take 15.62GiB; please check the disk",
        ],
        (l) => l,
      ),
    );
    expect(r.facts.memory.modelWeightsGiB).toBeNull();
  });
});

describe("feature lines around the start-up facts", () => {
  it("SpecDecoding metrics lines between stats lines leave the stats and KV facts alone", async () => {
    const lines = [
      "(EngineCore_DP0 pid=2231) INFO 11-02 16:20:05 [kv_cache_utils.py:1087] GPU KV cache size: 412,880 tokens",
      "(EngineCore_DP0 pid=2231) INFO 11-02 16:20:05 [kv_cache_utils.py:1091] Maximum concurrency for 32,768 tokens per request: 12.60x",
      "(APIServer pid=2118) INFO 11-02 16:21:15 [loggers.py:127] Engine 000: Avg prompt throughput: 52.3 tokens/s, Avg generation throughput: 88.1 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 4.2%, Prefix cache hit rate: 12.5%",
      "(APIServer pid=2118) INFO 11-02 16:21:15 [metrics.py:96] SpecDecoding metrics: Mean acceptance length: 2.41, Accepted throughput: 51.20 tokens/s, Drafted throughput: 108.40 tokens/s, Accepted: 512 tokens, Drafted: 1084 tokens, Per-position acceptance rate: 0.702, 0.455, 0.253, Avg Draft acceptance rate: 47.2%",
      "(APIServer pid=2118) INFO 11-02 16:21:25 [loggers.py:127] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 91.4 tokens/s, Running: 4 reqs, Waiting: 0 reqs, GPU KV cache usage: 5.0%, Prefix cache hit rate: 12.5%",
      "(APIServer pid=2118) INFO 11-02 16:21:25 [metrics.py:96] SpecDecoding metrics: Draft acceptance rate: 46.8%, Mean acceptance length: 2.40, Accepted: 498 tokens, Drafted: 1064 tokens, Per-position acceptance rate: 0.699, 0.452, 0.250",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.kvCache.tokens, at).toBe(412880);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(12.6);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(32768);
      expect(r.facts.runtime?.statsLines, at).toBe(2);
      expect(r.facts.runtime?.running.max, at).toBe(4);
      expect(r.facts.firstError, at).toBeNull();
      expect(r.findings, at).toEqual([]);
    });
  });

  it("a LoRA adapter that is not found: the load failure, its ValueError as first error", async () => {
    const lines = [
      "(EngineCore_DP0 pid=90412) ERROR 02-20 10:31:07 [core.py:932]   File \"/opt/venv/lib/python3.12/site-packages/vllm/lora/worker_manager.py\", line 141, in _load_adapter",
      "(EngineCore_DP0 pid=90412) ERROR 02-20 10:31:07 [core.py:932]     raise ValueError(",
      "(EngineCore_DP0 pid=90412) ERROR 02-20 10:31:07 [core.py:932] ValueError: Loading lora sql-adapter failed: No adapter found for /srv/adapters/sql-adapter/step-400",
      "(APIServer pid=90301) Traceback (most recent call last):",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/lora-load-failed");
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });

  it("guided decoding's fallback warning on a TPU run is no failure; the TPU blocks are read", async () => {
    const lines = [
      "(eval_actor pid=7730, ip=10.40.1.12) INFO 01-14 11:02:51 tpu_executor.py:81] # TPU blocks: 3120, # CPU blocks: 1024",
      "(eval_actor pid=7730, ip=10.40.1.12) WARNING 01-14 11:02:52 __init__.py:49] xgrammar only supports json or grammar guided decoding. Falling back to use outlines instead.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.kvCache.gpuBlocks, at).toBe(3120);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(1024);
      expect(r.facts.gpu.platform, at).toBe("tpu");
      expect(r.facts.firstError, at).toBeNull();
      expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
    });
  });
  it("a draft model inside speculative_config is not the served model", async () => {
    const lines = [
      "INFO 07-02 08:14:21 [api_server.py:1290] vLLM API server version 0.9.1",
      "INFO 07-02 08:14:21 [cli_args.py:309] non-default args: {'model': 'Qwen/Qwen2.5-32B-Instruct', 'max_model_len': 8192, 'tensor_parallel_size': 2, 'speculative_config': {'model': 'Qwen/Qwen2.5-0.5B-Instruct', 'num_speculative_tokens': 4}}",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("Qwen/Qwen2.5-32B-Instruct");
      expect(r.facts.config.maxModelLen, at).toBe(8192);
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.vllm.version, at).toBe("0.9.1");
    });
  });
});
