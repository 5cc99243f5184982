import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { adviseFromFacts, planFromFacts, gpusPerNodeFromFacts, type RunFacts } from "../src/plan/from-run.js";
import { readModelConfig } from "../src/plan/model-config.js";

const FIX = join(import.meta.dirname, "fixtures", "plan");
const shape8b = readModelConfig(JSON.parse(readFileSync(join(FIX, "llama-3.1-8b-config.json"), "utf8")));
const shape70b = readModelConfig(JSON.parse(readFileSync(join(FIX, "llama-3.1-70b-config.json"), "utf8")));

/** The facts of test/fixtures/plan/v1-llama8b-single-h100.log, as a report would carry them. */
const run8b: RunFacts = {
  config: { model: "meta-llama/Llama-3.1-8B-Instruct", tensorParallelSize: 1, pipelineParallelSize: 1, maxModelLen: 131072, gpuMemoryUtilization: null, kvCacheDtype: "auto" },
  kvCache: { tokens: 444896, maxConcurrency: 3.39, tokensPerRequest: 131072, availableGiB: 54.31 },
  memory: { modelWeightsGiB: 14.9889 },
  gpu: { name: null },
};

describe("plan --from: checking a run's KV numbers", () => {
  it("recomputes the logged KV tokens and concurrency from available KV memory and the config within 2%", () => {
    const p = planFromFacts(run8b, { shape: shape8b });
    expect(p.run.bytesPerTokenPerGpu).toBe(131072);
    expect(p.check!.computedTokens).toBe(444896);
    expect(Math.abs(p.check!.tokensDeltaPct)).toBeLessThan(2);
    expect(p.check!.computedConcurrency!).toBeCloseTo(3.394, 3);
    expect(Math.abs(p.check!.concurrencyDeltaPct!)).toBeLessThan(2);
  });

  it("a TP=4 70B run: 81920 bytes per token per GPU, 452,448 tokens, 13.81x", () => {
    const f: RunFacts = {
      config: { tensorParallelSize: 4, pipelineParallelSize: 1, maxModelLen: 32768, gpuMemoryUtilization: 0.92 },
      kvCache: { tokens: 452448, maxConcurrency: 13.81, tokensPerRequest: 32768, availableGiB: 34.52 },
      memory: { modelWeightsGiB: 32.8848 },
    };
    const p = planFromFacts(f, { shape: shape70b });
    expect(p.run.bytesPerTokenPerGpu).toBe(81920);
    expect(p.check).toMatchObject({ computedTokens: 452448, loggedTokens: 452448, tokensDeltaPct: 0 });
    expect(p.check!.computedConcurrency!).toBeCloseTo(13.8076, 4);
  });

  it("without a config the bytes per token come from the log itself, and there is no check", () => {
    const p = planFromFacts(run8b);
    expect(p.run.bytesPerTokenFrom).toBe("log");
    expect(p.run.bytesPerTokenPerGpu!).toBeCloseTo((54.31 * 2 ** 30) / 444896, 6);
    expect(p.check).toBeNull();
  });

  it("V0 runs: tokens from # GPU blocks × block size", () => {
    const p = planFromFacts({ config: { maxModelLen: 4096, blockSize: 16 }, kvCache: { gpuBlocks: 2553 } });
    expect(p.run.kvTokens).toBe(40848);
    expect(p.run.maxConcurrency).toBeCloseTo(40848 / 4096, 6);
  });
});

describe("plan --from: levers toward a target concurrency", () => {
  const levers = (target: number) => {
    const p = planFromFacts(run8b, { targetConcurrency: target, shape: shape8b, gpuMemoryGiB: 79.6 });
    return Object.fromEntries(p.levers.map((l) => [l.lever, l]));
  };

  it("target 8: every lever with its value and whether it gets there", () => {
    const L = levers(8);
    // 8 × 131072 = 1,048,576 tokens = 128 GiB of KV: +73.69 GiB over 79.6 GiB → u = 0.9 + 0.926 → 1.83
    expect(L.gpu_memory_utilization.change).toBe("--gpu-memory-utilization 1.83");
    expect(L.gpu_memory_utilization.reachesTarget).toBe(false);
    expect(L.gpu_memory_utilization.caveat).toBe("more than the whole GPU: not reachable this way alone");
    expect(L.max_model_len.change).toBe("--max-model-len 55612");
    expect(L.max_model_len.reachesTarget).toBe(true);
    // 54.31 GiB ÷ 65536 B, in blocks of 16 (a little more than 2 × 444,896)
    expect(L.kv_cache_dtype.kvTokens).toBe(889808);
    expect(L.kv_cache_dtype.maxConcurrency).toBe(6.79);
    expect(L.kv_cache_dtype.reachesTarget).toBe(false);
    // TP=2: 54.31 + 14.99/2 = 61.80 GiB at 65536 B/token → 1,012,576 tokens = 7.73x; TP=4 gets there
    expect(L.tensor_parallel_size.change).toBe("--tensor-parallel-size 4");
    expect(L.tensor_parallel_size.reachesTarget).toBe(true);
    expect(L.pipeline_parallel_size.change).toBe("--pipeline-parallel-size 2");
    expect(L.data_parallel_size.change).toBe("--data-parallel-size 3");
    expect(L.data_parallel_size.maxConcurrency).toBe(10.18);
  });

  it("target 4: a little more gpu_memory_utilization is enough", () => {
    const L = levers(4);
    // 4 × 131072 × 131072 B = 64 GiB: +9.69 GiB over 79.6 GiB → 0.9 + 0.1217 = 1.03 (> 0.95)
    expect(L.gpu_memory_utilization.change).toBe("--gpu-memory-utilization 1.03");
    expect(L.gpu_memory_utilization.reachesTarget).toBe(false);
    expect(L.gpu_memory_utilization.caveat).toBe("more than the whole GPU: not reachable this way alone");
    expect(L.kv_cache_dtype.reachesTarget).toBe(true);
    expect(L.tensor_parallel_size.change).toBe("--tensor-parallel-size 2");
  });

  it("target 3.5 at 0.8 utilization: raising it to 0.83 reaches the target", () => {
    const p = planFromFacts(
      { ...run8b, config: { ...run8b.config, gpuMemoryUtilization: 0.8 } },
      { targetConcurrency: 3.5, shape: shape8b, gpuMemoryGiB: 79.6 },
    );
    const u = p.levers.find((l) => l.lever === "gpu_memory_utilization")!;
    // 3.5 × 131072 tokens × 131072 B = 56 GiB: +1.69 GiB over 79.6 GiB = +0.0212 → 0.8212, rounded up
    expect(u.change).toBe("--gpu-memory-utilization 0.83");
    expect(u.reachesTarget).toBe(true);
    expect(u.kvTokens! / 131072).toBeGreaterThanOrEqual(3.5);
  });

  it("target 3.65: 0.96 would do it, but above 0.95 is not counted as reaching it", () => {
    const p = planFromFacts(run8b, { targetConcurrency: 3.65, shape: shape8b, gpuMemoryGiB: 79.6 });
    const u = p.levers.find((l) => l.lever === "gpu_memory_utilization")!;
    // 3.65 × 131072 × 131072 B = 58.4 GiB: +4.09 GiB over 79.6 GiB = +0.0514 → 0.9514, rounded up
    expect(u.change).toBe("--gpu-memory-utilization 0.96");
    expect(u.reachesTarget).toBe(false);
    expect(u.caveat).toBe("above 0.95, leaving too little for other allocations: not reachable this way alone");
  });

  it("names what the log lacks", () => {
    const p = planFromFacts({ kvCache: { tokens: 1000 } }, { targetConcurrency: 2 });
    expect(p.missing).toContain("the tokens per request (max_model_len)");
    expect(p.levers).toEqual([]);
  });
});

describe("adviseFromFacts (reused by rules)", () => {
  it("TP larger than one node's GPUs → TP = GPUs per node, PP = nodes", () => {
    const f: RunFacts = { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 }, distributed: { worldSize: 16 } };
    expect(gpusPerNodeFromFacts(f)).toBe(8);
    expect(adviseFromFacts(f)).toEqual([
      "tensor_parallel_size 16 spans nodes of 8 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 8 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
    ]);
  });

  it("GPUs per node from NCCL ranks and hosts", () => {
    expect(gpusPerNodeFromFacts({ config: { tensorParallelSize: 8 }, nccl: { ranks: 8, nodes: 2 } })).toBe(4);
    expect(adviseFromFacts({ config: { tensorParallelSize: 8 }, nccl: { ranks: 8, nodes: 2 } })[0]).toContain("--tensor-parallel-size 4 --pipeline-parallel-size 2");
  });

  it("TP > 2 on GPUs without NVLink → pipeline parallelism", () => {
    expect(adviseFromFacts({ config: { tensorParallelSize: 4, pipelineParallelSize: 1 }, gpu: { name: "NVIDIA L40S" } })).toEqual([
      "NVIDIA L40S GPUs have no NVLink, so tensor parallelism over 4 GPUs runs its all-reduce over PCIe: prefer pipeline parallelism, --tensor-parallel-size 1 --pipeline-parallel-size 4.",
    ]);
  });

  it("nothing to say: TP=2 on PCIe, TP=8 on H100, or no TP known", () => {
    expect(adviseFromFacts({ config: { tensorParallelSize: 2 }, gpu: { name: "NVIDIA GeForce RTX 4090" } })).toEqual([]);
    expect(adviseFromFacts({ config: { tensorParallelSize: 8 }, gpu: { name: "NVIDIA H100 80GB HBM3" } })).toEqual([]);
    expect(adviseFromFacts({ gpu: { name: "NVIDIA L40S" } })).toEqual([]);
  });
});
