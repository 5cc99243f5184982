import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planParallelism, type PlanInput } from "../src/plan/decide.js";
import { findGpu, GPU_TABLE } from "../src/plan/gpus.js";
import { expectedKvTokens, kvBytesPerToken, kvBytesPerTokenPerGpu, maxConcurrency } from "../src/plan/kv.js";
import { readModelConfig } from "../src/plan/model-config.js";
import { llmCall, serveCommands } from "../src/plan/commands.js";
import { parseBytes, parseParams, GIB } from "../src/plan/units.js";

const FIX = join(import.meta.dirname, "fixtures", "plan");
const config = (name: string) => readModelConfig(JSON.parse(readFileSync(join(FIX, name), "utf8")));
const A100 = findGpu("A100 80GB")!;
const L40S = findGpu("L40S")!;

function plan(over: Partial<PlanInput> & Pick<PlanInput, "weightsBytes" | "gpu" | "gpusPerNode">) {
  return planParallelism({ weightsFrom: "test", nodes: 1, ...over });
}

describe("plan: the seed's examples", () => {
  it("Llama-3.1-70B (~140 GB) on one node of 4× A100 80GB → TP=4, PP=1, smallest fitting TP 2", () => {
    const p = plan({ weightsBytes: 140e9, gpu: A100, gpusPerNode: 4 });
    expect([p.tensorParallelSize, p.pipelineParallelSize, p.minimumTensorParallelSize, p.fits]).toEqual([4, 1, 2, true]);
  });

  it("Llama-3.1-405B (~810 GB) on 2 nodes × 8× A100 80GB → TP=8, PP=2", () => {
    const p = plan({ weightsBytes: 810e9, gpu: A100, gpusPerNode: 8, nodes: 2 });
    expect([p.tensorParallelSize, p.pipelineParallelSize, p.nodesUsed, p.fits]).toEqual([8, 2, 2, true]);
    expect(p.reasoning.some((r) => r.includes("TP = GPUs per node (8) and PP = nodes (2)"))).toBe(true);
  });

  it("70B on 8× L40S (no NVLink) → TP=1, PP=8", () => {
    const p = plan({ weightsBytes: 140e9, gpu: L40S, gpusPerNode: 8 });
    expect([p.tensorParallelSize, p.pipelineParallelSize]).toEqual([1, 8]);
    expect(p.reasoning.some((r) => r.includes("prefer pipeline over tensor parallelism"))).toBe(true);
  });

  it("70B on one node of 6 GPUs (64 attention heads) → TP=1, PP=6", () => {
    const p = plan({ weightsBytes: 140e9, gpu: A100, gpusPerNode: 6, attentionHeads: 64 });
    expect([p.tensorParallelSize, p.pipelineParallelSize, p.minimumTensorParallelSize]).toEqual([1, 6, 2]);
    expect(p.alternatives).toContain("TP=4 on 4 of the 6 GPUs also works (4 divides 64 heads), leaving 2 GPU(s) unused.");
  });

  it("the 6-GPU case takes the heads from a model config too", () => {
    const p = plan({ weightsBytes: 140e9, gpu: A100, gpusPerNode: 6, shape: config("llama-3.1-70b-config.json"), maxModelLen: 8192 });
    expect([p.tensorParallelSize, p.pipelineParallelSize]).toEqual([1, 6]);
  });

  it("a 7B model on one 80GB GPU → TP=1, PP=1", () => {
    const p = plan({ weightsBytes: 7e9 * 2, gpu: A100, gpusPerNode: 1 });
    expect([p.tensorParallelSize, p.pipelineParallelSize, p.minimumTensorParallelSize, p.gpusUsed]).toEqual([1, 1, 1, 1]);
  });
});

describe("plan: other branches", () => {
  it("a model too large for the GPUs given does not fit and says how many nodes it needs", () => {
    const p = plan({ weightsBytes: 810e9, gpu: A100, gpusPerNode: 8, nodes: 1 });
    expect(p.fits).toBe(false);
    expect(p.nodesNeeded).toBe(2);
    expect([p.tensorParallelSize, p.pipelineParallelSize]).toEqual([8, 1]);
  });

  it("a model that fits one node uses one node even when more are given", () => {
    const p = plan({ weightsBytes: 140e9, gpu: A100, gpusPerNode: 8, nodes: 2 });
    expect([p.tensorParallelSize, p.pipelineParallelSize, p.nodesUsed]).toEqual([8, 1, 1]);
    expect(p.alternatives[0]).toContain("--data-parallel-size 2");
  });

  it("H100 NVL (NVLink pairs) keeps TP inside a pair and pipelines across pairs", () => {
    const p = plan({ weightsBytes: 405e9 * 1, gpu: findGpu("H100 NVL")!, gpusPerNode: 8 });
    expect([p.tensorParallelSize, p.pipelineParallelSize]).toEqual([2, 4]);
  });

  it("multi-node PCIe GPUs: pipeline parallelism over all GPUs", () => {
    const p = plan({ weightsBytes: 810e9, gpu: L40S, gpusPerNode: 8, nodes: 4 });
    expect([p.tensorParallelSize, p.pipelineParallelSize, p.fits]).toEqual([1, 32, true]);
  });

  it("with a model config the headroom is one full-length request, which can raise the smallest TP", () => {
    const shape = config("llama-3.1-70b-config.json");
    // at 131072 tokens one request needs 131072 × 163840 B = 20 GiB per GPU at TP=2: 65.2 + 2 + 20 > 72
    const p = plan({ weightsBytes: 140e9, gpu: A100, gpusPerNode: 4, shape });
    expect(p.minimumTensorParallelSize).toBe(4);
    expect(p.kv!.maxModelLen).toBe(131072);
  });
});

describe("plan: KV capacity", () => {
  it("Llama-3.1-8B in bf16 takes 131072 KV bytes per token", () => {
    const s = config("llama-3.1-8b-config.json");
    expect(kvBytesPerToken(s, 2)).toBe(131072);
    expect(kvBytesPerTokenPerGpu(s, 2, { tensorParallelSize: 2, pipelineParallelSize: 1 })).toBe(65536);
    expect(kvBytesPerTokenPerGpu(s, 1, { tensorParallelSize: 1, pipelineParallelSize: 2 })).toBe(32768);
    // more TP ranks than KV heads: each rank keeps one replicated head
    expect(kvBytesPerTokenPerGpu(s, 2, { tensorParallelSize: 16, pipelineParallelSize: 1 })).toBe(2 * 32 * 1 * 128 * 2);
  });

  it("whole blocks of 16 tokens: 112.61 GiB at 131072 B/token is 922,496 tokens", () => {
    expect(expectedKvTokens(112.61 * GIB, 131072)).toBe(922496);
    expect(maxConcurrency(922496, 40000)).toBeCloseTo(23.06, 2);
  });

  it("estimates KV tokens and concurrency for a planned layout", () => {
    const shape = config("llama-3.1-70b-config.json");
    const p = plan({ weightsBytes: 140e9, gpu: A100, gpusPerNode: 4, shape, maxModelLen: 32768 });
    expect(p.kv!.bytesPerToken).toBe(327680);
    expect(p.kv!.bytesPerTokenPerGpu).toBe(81920);
    // (72 − 2 − 130.385/4) GiB = 37.40 GiB per GPU; ÷ 81920 B, in blocks of 16
    const expected = Math.floor((72 * GIB - 2 * GIB - 140e9 / 4) / (81920 * 16)) * 16;
    expect(p.kv!.tokens).toBe(expected);
    expect(p.kv!.tokens).toBe(490256);
    expect(p.kv!.maxConcurrency).toBeCloseTo(490256 / 32768, 6);
  });

  it("estimates parameters from a config (Llama-3.1-8B ≈ 8.03B, 70B ≈ 70.6B)", () => {
    expect(config("llama-3.1-8b-config.json").estimatedParams! / 1e9).toBeCloseTo(8.03, 2);
    expect(config("llama-3.1-70b-config.json").estimatedParams! / 1e9).toBeCloseTo(70.55, 1);
  });

  it("reads head_dim from hidden_size / heads, nested text_config, and MLA configs", () => {
    const nested = readModelConfig({ text_config: { num_hidden_layers: 4, num_attention_heads: 8, hidden_size: 1024 } });
    expect([nested.layers, nested.kvHeads, nested.headDim]).toEqual([4, 8, 128]);
    const mla = readModelConfig({ num_hidden_layers: 61, num_attention_heads: 128, hidden_size: 7168, kv_lora_rank: 512, qk_rope_head_dim: 64 });
    expect(kvBytesPerToken(mla, 2)).toBe(61 * 576 * 2);
    expect(() => readModelConfig({ num_attention_heads: 8 })).toThrow("num_hidden_layers");
    expect(() => readModelConfig([])).toThrow("not a JSON object");
  });
});

describe("plan: GPU table and units", () => {
  it("finds GPUs by the names users type and logs print", () => {
    const id = (n: string) => findGpu(n)?.id ?? null;
    expect(id("NVIDIA A100-SXM4-80GB")).toBe("a100-80gb");
    expect(id("NVIDIA A100-SXM4-40GB")).toBe("a100-40gb");
    expect(id("NVIDIA A100 80GB PCIe")).toBe("a100-80gb-pcie");
    expect(id("NVIDIA H100 80GB HBM3")).toBe("h100");
    expect(id("NVIDIA H100 PCIe")).toBe("h100-pcie");
    expect(id("NVIDIA H100 NVL")).toBe("h100-nvl");
    expect(id("NVIDIA H200")).toBe("h200");
    expect(id("NVIDIA L40S")).toBe("l40s");
    expect(id("NVIDIA L40")).toBe("l40");
    expect(id("NVIDIA L4")).toBe("l4");
    expect(id("NVIDIA A10G")).toBe("a10g");
    expect(id("NVIDIA A10")).toBe("a10");
    expect(id("Tesla T4")).toBe("t4");
    expect(id("Tesla V100-SXM2-32GB")).toBe("v100");
    expect(id("NVIDIA GeForce RTX 4090")).toBe("rtx-4090");
    expect(id("NVIDIA GeForce RTX 3090")).toBe("rtx-3090");
    expect(id("NVIDIA GeForce RTX 5090")).toBe("rtx-5090");
    expect(id("AMD Instinct MI300X")).toBe("mi300x");
    expect(id("MI250")).toBe("mi250");
    expect(id("B200")).toBe("b200");
    expect(id("rtx-4090")).toBe("rtx-4090");
    expect(id("Voodoo 5")).toBeNull();
    for (const g of GPU_TABLE) expect(findGpu(g.id)).toBe(g);
  });

  it("parses parameter counts and sizes", () => {
    expect(parseParams("70B")).toBe(70e9);
    expect(parseParams("1.5t")).toBe(1.5e12);
    expect(parseParams("7000000000")).toBe(7e9);
    expect(parseParams("seventy")).toBeNull();
    expect(parseBytes("140GB", "gb")).toBe(140e9);
    expect(parseBytes("80GiB", "gb")).toBe(80 * GIB);
    expect(parseBytes("80", "gib")).toBe(80 * GIB);
    expect(parseBytes("-3GB", "gb")).toBeNull();
  });
});

describe("plan: launch lines", () => {
  it("single node", () => {
    const s = { model: "meta-llama/Llama-3.1-70B-Instruct", tensorParallelSize: 4, pipelineParallelSize: 1, nodes: 1, gpuMemoryUtilization: 0.9 };
    expect(serveCommands(s)).toEqual(["vllm serve meta-llama/Llama-3.1-70B-Instruct \\\n    --tensor-parallel-size 4"]);
    expect(llmCall(s)).toBe('LLM(model="meta-llama/Llama-3.1-70B-Instruct", tensor_parallel_size=4)');
  });

  it("two nodes: head and headless worker", () => {
    const s = { model: "m", tensorParallelSize: 8, pipelineParallelSize: 2, nodes: 2, kvCacheDtype: "fp8", maxModelLen: 8192 };
    const [head, worker] = serveCommands(s);
    expect(head.split(" \\\n    ")).toEqual(["vllm serve m", "--tensor-parallel-size 8", "--pipeline-parallel-size 2", "--max-model-len 8192", "--kv-cache-dtype fp8", "--nnodes 2", "--master-addr <HEAD_NODE_IP>", "--node-rank 0"]);
    expect(worker.endsWith("--node-rank 1 \\\n    --headless")).toBe(true);
    expect(llmCall(s)).toBe('LLM(model="m", tensor_parallel_size=8, pipeline_parallel_size=2, max_model_len=8192, kv_cache_dtype="fp8")');
  });
});
