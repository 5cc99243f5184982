import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runCliHere, runJsonHere } from "./helpers/cli.js";

const FIX = join("test", "fixtures", "plan");
const CFG8B = join(FIX, "llama-3.1-8b-config.json");
const CFG70B = join(FIX, "llama-3.1-70b-config.json");

describe("vllm-doctor plan (flags)", () => {
  it("70B on 4× A100 80GB: JSON with TP 4, PP 1, smallest TP 2, exit 0", async () => {
    const { status, report, stderr } = await runJsonHere(["plan", "--params", "70B", "--gpu", "A100 80GB", "--gpus-per-node", "4", "--model", "meta-llama/Llama-3.1-70B-Instruct"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(report).toMatchObject({
      tensorParallelSize: 4,
      pipelineParallelSize: 1,
      minimumTensorParallelSize: 2,
      fits: true,
      gpusUsed: 4,
      nodesUsed: 1,
      nodesNeeded: null,
      model: "meta-llama/Llama-3.1-70B-Instruct",
      gpu: { name: "NVIDIA A100 SXM 80GB", memoryGiB: 80, interconnect: "nvlink", gpusPerNode: 4, nodes: 1 },
      weights: { bytes: 140e9, gib: 130.39, perGpuGiB: 32.6 },
      memoryPerGpu: { usableGiB: 72, overheadGiB: 2, kvHeadroomGiB: 1 },
      kvCache: null,
      commands: {
        serve: ["vllm serve meta-llama/Llama-3.1-70B-Instruct \\\n    --tensor-parallel-size 4"],
        llm: 'LLM(model="meta-llama/Llama-3.1-70B-Instruct", tensor_parallel_size=4)',
      },
    });
    expect(report.reasoning.length).toBeGreaterThanOrEqual(5);
  });

  it("with a model config: KV bytes per token, expected tokens and concurrency", async () => {
    const { status, report } = await runJsonHere(["plan", "--gpu", "H100", "--gpus-per-node", "1", "--model-config", CFG8B, "--max-model-len", "32768"]);
    expect(status).toBe(0);
    // 8.03B estimated parameters × 2 bytes = 16.06 GB; KV memory 79.6 × 0.9 − 2 − 14.96 GiB
    expect(report.tensorParallelSize).toBe(1);
    expect(report.kvCache).toMatchObject({ bytesPerToken: 131072, bytesPerTokenPerGpu: 131072, maxModelLen: 32768 });
    const kvBytes = 79.6 * 0.9 * 2 ** 30 - 2 * 2 ** 30 - report.weights.bytes;
    expect(report.kvCache.tokens).toBe(Math.floor(kvBytes / (131072 * 16)) * 16);
    expect(report.kvCache.maxConcurrency).toBeCloseTo(report.kvCache.tokens / 32768, 2);
  });

  it("the text view prints the layout, the commands and the reasoning", async () => {
    const r = await runCliHere(["plan", "--params", "70B", "--gpu", "L40S", "--gpus-per-node", "8", "--model-config", CFG70B, "--max-model-len", "8192"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/tensor_parallel_size\s+1\n/);
    expect(r.stdout).toMatch(/pipeline_parallel_size\s+8\n/);
    expect(r.stdout).toContain("vllm serve meta-llama/Llama-3.1-70B-Instruct \\\n      --pipeline-parallel-size 8 \\\n      --max-model-len 8192");
    expect(r.stdout).toContain('LLM(model="meta-llama/Llama-3.1-70B-Instruct", pipeline_parallel_size=8, max_model_len=8192)');
    expect(r.stdout).toContain("prefer pipeline over tensor parallelism (TP=1, PP=8)");
    expect(r.stdout).toMatch(/KV bytes per token\s+327,680 \(40,960 per GPU\)/);
  });

  it("405B on 2 nodes × 8 A100: TP 8, PP 2, a head and a headless worker command", async () => {
    const { status, report } = await runJsonHere(["plan", "--params", "405B", "--gpu", "a100-80gb", "--gpus-per-node", "8", "--nodes", "2", "--model", "m"]);
    expect(status).toBe(0);
    expect([report.tensorParallelSize, report.pipelineParallelSize, report.minimumTensorParallelSize]).toEqual([8, 2, 16]);
    expect(report.commands.serve).toHaveLength(2);
    expect(report.commands.serve[1]).toContain("--headless");
  });

  it("a model that does not fit exits 1 and says how many nodes it needs", async () => {
    const { status, report } = await runJsonHere(["plan", "--params", "405B", "--gpu", "L4", "--gpus-per-node", "4"]);
    expect(status).toBe(1);
    expect(report.fits).toBe(false);
    expect(report.nodesNeeded).toBe(11);
  });

  it("--gpu-memory and --interconnect instead of --gpu", async () => {
    const { status, report } = await runJsonHere(["plan", "--model-size", "140GB", "--gpu-memory", "48GiB", "--interconnect", "pcie", "--gpus-per-node", "4"]);
    expect(status).toBe(0);
    expect(report.gpu).toMatchObject({ name: "GPU", memoryGiB: 48, interconnect: "pcie" });
    expect([report.tensorParallelSize, report.pipelineParallelSize]).toEqual([1, 4]);
  });

  it("--from with --gpu names that GPU (its memory was taken, its name shown as unknown); --gpu-memory alone names none", async () => {
    const from = join("samples", "ray-tp8-pp2-two-nodes.log");
    const named = await runJsonHere(["plan", "--from", from, "--gpu", "H100"]);
    expect(named.report.run).toMatchObject({ gpuName: "NVIDIA H100 SXM 80GB", gpuMemoryGiB: 79.6 });
    const sized = await runJsonHere(["plan", "--from", from, "--gpu-memory", "80GiB"]);
    expect(sized.report.run).toMatchObject({ gpuName: null, gpuMemoryGiB: 80 });
  });

  it.each([
    [["plan", "--params", "70B"], "say which GPU"],
    [["plan", "--gpu", "H100"], "say how large the model is"],
    [["plan", "--params", "70Q", "--gpu", "H100"], "--params must be a parameter count"],
    [["plan", "--params", "70B", "--gpu", "Voodoo5"], "unknown GPU 'Voodoo5'"],
    [["plan", "--params", "70B", "--gpu", "H100", "--gpus-per-node", "0"], "--gpus-per-node must be a positive whole number"],
    [["plan", "--params", "70B", "--gpu", "H100", "--gpu-memory-utilization", "1.5"], "--gpu-memory-utilization is a fraction"],
    [["plan", "--params", "70B", "--gpu", "H100", "--interconnect", "carrier-pigeon"], "--interconnect must be one of"],
    [["plan", "--params", "70B", "--gpu", "H100", "--kv-cache-dtype", "int3"], "--kv-cache-dtype must be auto or fp8"],
    [["plan", "--params", "70B", "--gpu", "H100", "--format", "yaml"], "unknown format 'yaml'"],
    [["plan", "--params", "70B", "--gpu", "H100", "--target-concurrency", "4"], "--target-concurrency needs --from"],
    [["plan", "--params", "70B", "--gpu", "H100", "--model-config", join(FIX, "nope.json")], "cannot read the model config"],
    [["plan", "--params", "70B", "--gpu", "H100", "--model-config", join(FIX, "v1-llama8b-single-h100.log")], "cannot use the model config"],
    [["plan", "--from", join(FIX, "nope.log")], "no such file or directory"],
    // a folder of different runs: their facts joined were planned as one run (a model of one, the GPUs of another)
    [["plan", "--from", "samples"], " different runs (samples/bench-nccl-baseline.txt + samples/bench-nccl-today.txt; "],
    [["plan", "--params", "70B", "--gpu", "H100", "--one-run"], "--one-run needs --from"],
    // --from reads the run's own values: a flag it would not read is refused, not dropped without a word
    [["plan", "--from", join(FIX, "v1-llama8b-single-h100.log"), "--max-model-len", "8192"], "--max-model-len does not go with --from"],
  ])("bad input %j → one line on stderr, exit 2", async (args, message) => {
    const r = await runCliHere(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
});

describe("vllm-doctor plan --from", () => {
  it("recomputes the log's KV tokens and concurrency from its available KV memory and the config within 2%", async () => {
    const log = join(FIX, "v1-llama8b-single-h100.log");
    const { status, report } = await runJsonHere(["plan", "--from", log, "--model-config", CFG8B, "--gpu", "H100"]);
    expect(status).toBe(0);
    expect(report.run).toMatchObject({
      kvTokens: 444896,
      availableGiB: 54.31,
      tokensPerRequest: 131072,
      maxConcurrency: 3.39,
      tensorParallelSize: 1,
      bytesPerTokenPerGpu: 131072,
      bytesPerTokenFrom: "model-config",
    });
    expect(report.check.computedTokens).toBe(444896);
    expect(Math.abs(report.check.tokensDeltaPct)).toBeLessThan(2);
    expect(Math.abs(report.check.concurrencyDeltaPct)).toBeLessThan(2);
  });

  it("a TP=4 run: per-GPU bytes per token and the check agree with the log", async () => {
    const log = join(FIX, "v1-llama70b-tp4-h100.log");
    const { status, report } = await runJsonHere(["plan", "--from", log, "--model-config", CFG70B]);
    expect(status).toBe(0);
    expect(report.run).toMatchObject({ tensorParallelSize: 4, gpuMemoryUtilization: 0.92, gpuMemoryUtilizationAssumed: false, bytesPerTokenPerGpu: 81920 });
    expect(report.check).toMatchObject({ computedTokens: 452448, loggedTokens: 452448 });
    expect(Math.abs(report.check.concurrencyDeltaPct)).toBeLessThan(2);
  });

  it("--target-concurrency lists the levers with their arithmetic", async () => {
    const log = join(FIX, "v1-llama8b-single-h100.log");
    const r = await runCliHere(["plan", "--from", log, "--model-config", CFG8B, "--gpu", "H100", "--target-concurrency", "8"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Target: 8 concurrent requests = 1,048,576 KV tokens");
    expect(r.stdout).toContain("✓ --max-model-len 55612: 8.00x, 444,896 KV tokens");
    expect(r.stdout).toContain("✗ --kv-cache-dtype fp8: 6.79x, 889,808 KV tokens");
    expect(r.stdout).toContain("✓ --tensor-parallel-size 4");
    expect(r.stdout).toContain("✓ --data-parallel-size 3: 10.18x");
  });
});
