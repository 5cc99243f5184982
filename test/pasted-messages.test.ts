import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { runJsonHere } from "./helpers/cli.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * vLLM messages read by their body when vLLM's logger header is missing (VLLM_CONFIGURE_LOGGING=0, a custom
 * logging format, an excerpt pasted without prefixes), under the wrappers launchers and shippers add.
 * The lines are written from ../shared/reference/vllm-log-formats.md (one message per era).
 */

// a V0 start-up (v0.6.4 profiling line, v0.4–0.6 blocks line), then the V0 KV-cache error
const V0_BODIES = [
  "Loading model weights took 14.9888 GB",
  "Memory profiling results: total_gpu_memory=23.58GiB initial_memory_usage=15.37GiB peak_torch_memory=16.99GiB memory_usage_post_profile=15.43Gib non_torch_memory=0.06GiB kv_cache_size=2.89GiB gpu_memory_utilization=0.90",
  "# GPU blocks: 1478, # CPU blocks: 2048",
  "Maximum concurrency for 29000 tokens per request: 0.82x",
  "The model's max seq len (29000) is larger than the maximum number of tokens that can be stored in KV cache (23648). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
];

// a V1 start-up of ≥0.9.1 (thousands separators, `GiB`)
const V1_BODIES = [
  "vLLM API server version 0.9.2",
  "Model loading took 15.2684 GiB and 6.541241 seconds",
  "Available KV cache memory: 51.46 GiB",
  "GPU KV cache size: 843,024 tokens",
  "Maximum concurrency for 40,960 tokens per request: 20.58x",
];

const WRAPPERS: [string, (line: string, i: number) => string][] = [
  ["bare", (l) => l],
  ["kubectl --timestamps", (l, i) => `2025-03-04T10:11:${String(10 + i).padStart(2, "0")}.123456789Z ${l}`],
  ["docker compose", (l) => `vllm-1  | ${l}`],
  ["Ray worker prefix", (l) => `(RayWorkerWrapper pid=4411, ip=10.0.0.7) ${l}`],
  ["logging.basicConfig", (l) => `INFO:vllm.worker.worker:${l}`],
  ["custom format", (l, i) => `2025-03-04 10:11:${String(10 + i).padStart(2, "0")},512 - vllm.engine - INFO - ${l}`],
  ["bracketed header", (l) => `[2025-03-04 10:11:12] [INFO] [vllm.worker] ${l}`],
  ["CRLF and ANSI", (l) => `\u001b[32m${l}\u001b[0m\r`],
];

describe("vLLM messages without vLLM's logger header", () => {
  for (const [name, wrap] of WRAPPERS) {
    it(`reads a V0 start-up's facts (${name})`, async () => {
      const r = await analyzeText(V0_BODIES.map(wrap).join("\n") + "\n");
      const f = r.facts;
      expect(f.memory.modelWeightsGiB).toBe(14.9888);
      expect(f.memory.totalGpuGiB).toBe(23.58);
      expect(f.kvCache.availableGiB).toBe(2.89);
      expect(f.config.gpuMemoryUtilization).toBe(0.9);
      expect(f.kvCache).toMatchObject({ gpuBlocks: 1478, cpuBlocks: 2048, maxConcurrency: 0.82, tokensPerRequest: 29000, maxTokensStorable: 23648 });
      expect(f.config.maxModelLen).toBe(29000);
      expect(f.vllm.engine).toBe("v0");
      // V0 prints blocks, not tokens: 1478 × 16
      expect(f.kvCache.tokens).toBe(23648);
      expect(f.sources["kvCache.tokens"]).toMatchObject({ line: 3, derived: "kvCache.gpuBlocks (1478) × block size 16 (vLLM's default)" });
      expect(f.sources["memory.modelWeightsGiB"].line).toBe(1);
      expect(ids(r, "error")).toContain("vllm/kv-cache-too-small");
      expect(ids(r, "warning")).toContain("vllm/low-concurrency");
    });
  }

  it("reads a V1 start-up's facts bare and after a foreign header", async () => {
    for (const wrap of [WRAPPERS[0][1], WRAPPERS[6][1]]) {
      const f = (await analyzeText(V1_BODIES.map(wrap).join("\n") + "\n")).facts;
      expect(f.vllm).toEqual({ version: "0.9.2", engine: "v1" });
      expect(f.kvCache).toMatchObject({ tokens: 843024, maxConcurrency: 20.58, tokensPerRequest: 40960, availableGiB: 51.46 });
      expect(f.memory).toMatchObject({ modelWeightsGiB: 15.2684, loadSeconds: 6.541241 });
    }
  });

  it("reads the V0 three-line profiling record and a bare banner and `non-default args`", async () => {
    const f = (
      await analyzeText(
        [
          "Initializing a V0 LLM engine (v0.7.3) with config: model='Qwen/Qwen2.5-14B', tensor_parallel_size=2, pipeline_parallel_size=1, max_seq_len=16384, seed=0, ",
          "non-default args: {'model': 'Qwen/Qwen2.5-14B', 'tensor_parallel_size': 2, 'gpu_memory_utilization': 0.85, 'block_size': 32}",
          "Memory profiling takes 4.12 seconds",
          "the current vLLM instance can use total_gpu_memory (79.19GiB) x gpu_memory_utilization (0.85) = 67.31GiB",
          "model weights take 13.93GiB; non_torch_memory takes 0.52GiB; PyTorch activation peak memory takes 2.10GiB; the rest of the memory reserved for KV Cache is 50.76GiB.",
          "# CUDA blocks: 8662, # CPU blocks: 1365",
        ].join("\n"),
      )
    ).facts;
    expect(f.vllm).toEqual({ version: "0.7.3", engine: "v0" });
    expect(f.config).toMatchObject({ model: "Qwen/Qwen2.5-14B", tensorParallelSize: 2, maxModelLen: 16384, gpuMemoryUtilization: 0.85, blockSize: 32, source: "banner" });
    expect(f.memory).toMatchObject({ totalGpuGiB: 79.19, modelWeightsGiB: 13.93, nonTorchGiB: 0.52, peakActivationGiB: 2.1 });
    expect(f.kvCache.availableGiB).toBe(50.76);
    // the stated block size, not the default
    expect(f.kvCache.tokens).toBe(8662 * 32);
    expect(f.sources["kvCache.tokens"].derived).toBe("kvCache.gpuBlocks (8662) × block size 32 (config.blockSize)");
  });

  it("derives no tokens for V1's bare `# GPU blocks: N` nor for another accelerator without a stated block size", async () => {
    const v1 = (await analyzeText("INFO 02-01 10:00:00 [core.py:61] Initializing a V1 LLM engine (v0.7.2) with config: model='m', seed=0, \n# GPU blocks: 5000\n")).facts;
    expect(v1.kvCache).toMatchObject({ gpuBlocks: 5000, tokens: null });
    expect(v1.missing.map((m) => m.fact)).toContain("kvCache.tokens");
    const hpu = (await analyzeText("# HPU blocks: 900, # CPU blocks: 100\n")).facts;
    expect(hpu.kvCache).toMatchObject({ gpuBlocks: 900, tokens: null });
  });

  it("takes the utilisation printed inside the free-memory start-up error, also when a paste wrapped it", async () => {
    const one = (await analyzeText("ValueError: Free memory on device cuda:0 (69.51/79.19 GiB) on startup is less than desired GPU memory utilization (0.92, 72.86 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.\n")).facts;
    expect(one.config.gpuMemoryUtilization).toBe(0.92);
    expect(one.gpu.memoryGiB).toBe(79.19);
    const wrapped = (await analyzeText("(EngineCore_DP0 pid=77) ValueError: Free memory on device (3.27/15.98 GiB) on startup\n(EngineCore_DP0 pid=77) is less than desired GPU memory utilization (0.9, 14.39 GiB)\n")).facts;
    expect(wrapped.config.gpuMemoryUtilization).toBe(0.9);
    expect(wrapped.sources["config.gpuMemoryUtilization"].line).toBe(2);
  });

  it("keeps the header's level: a basicConfig ERROR record is the first error, a WARNING the first warning", async () => {
    const f = (await analyzeText("INFO:vllm.engine.llm_engine:GPU KV cache size: 1,024 tokens\nWARNING:vllm.config:Casting torch.bfloat16 to torch.float16.\nERROR:vllm.worker.worker:Error executing method 'load_model'.\n")).facts;
    expect(f.kvCache.tokens).toBe(1024);
    expect(f.config.dtype).toBe("torch.float16");
    expect(f.firstWarning?.line).toBe(2);
    expect(f.firstError?.line).toBe(3);
  });

  it("keeps the level of another logging format's header on a vLLM logger, and only on a vLLM logger", async () => {
    for (const line of [
      "2025-03-04 10:11:12,512 - vllm.engine.async_llm_engine - ERROR - Engine background task failed",
      "[2025-03-04 10:11:12] [ERROR] [vllm.engine] Engine background task failed",
      "ERROR vllm.engine: Engine background task failed",
    ]) {
      const f = (await analyzeText(`INFO:vllm.entrypoints:started\n${line}\n`)).facts;
      expect(f.firstError?.line, line).toBe(2);
    }
    const other = (await analyzeText("2025-03-04 10:11:12,512 - myapp.jobs - ERROR - retrying\n[ERROR] [myapp] retrying\n")).facts;
    expect(other.firstError).toBeNull();
  });

  it("reads no vLLM fact from other programs' text that shares words with a phrase", async () => {
    const f = (
      await analyzeText(
        [
          "Loading model weights took a while, as usual",
          "GPU KV cache size is something we tune later",
          "nodeA:41001:41050 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC/read",
          "Maximum concurrency for the pool is 8",
          "xAvailable KV cache memory: 3.0 GiB",
        ].join("\n"),
      )
    ).facts;
    expect(f.memory.modelWeightsGiB).toBeNull();
    expect(f.kvCache).toMatchObject({ tokens: null, maxConcurrency: null, availableGiB: null });
    expect(f.vllm.engine).toBeNull();
  });

  it("reads the GPUs `nvidia-smi -L`, collect_env.py and the nvidia-smi table list, and collect_env's vLLM version", async () => {
    const f = (
      await analyzeText(
        [
          "$ nvidia-smi -L",
          "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5c8f0b1a-1111-2222-3333-444455556666)",
          "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-5c8f0b1a-1111-2222-3333-444455556667)",
          "|   2  NVIDIA H100 80GB HBM3          On  |   00000000:2A:00.0 Off |                    0 |",
          "| N/A   32C    P0             69W /  700W |       4MiB /  81559MiB |      0%      Default |",
          "vLLM Version: 0.9.2",
        ].join("\n"),
      )
    ).facts;
    expect(f.gpu).toEqual({ name: "NVIDIA H100 80GB HBM3", count: 3, memoryGiB: 79.65, platform: null });
    expect(f.sources["gpu.count"].line).toBe(4);
    expect(f.vllm.version).toBe("0.9.2");
    expect(f.missing.map((m) => m.fact)).not.toContain("gpu.name");
  });

  it("derives TP/PP/DP from every rank's `rank R in world size M is assigned as` line, and not from some of them", async () => {
    const line = (r: number) => `rank ${r} in world size 8 is assigned as DP rank ${r >> 2}, PP rank ${(r >> 1) & 1}, PCP rank 0, TP rank ${r & 1}, EP rank N/A`;
    const all = (await analyzeText([0, 1, 2, 3, 4, 5, 6, 7].map((r) => `(Worker_TP${r & 1} pid=${10 + r}) INFO 05-01 10:00:00 [parallel_state.py:1102] ${line(r)}`).join("\n"))).facts;
    expect(all.config).toMatchObject({ tensorParallelSize: 2, pipelineParallelSize: 2, dataParallelSize: 2 });
    expect(all.sources["config.tensorParallelSize"]).toMatchObject({ line: 1, derived: "the largest of 8 ranks' `rank … is assigned as` coordinates + 1" });
    const some = (await analyzeText([0, 1, 2].map(line).join("\n"))).facts;
    expect(some.config).toMatchObject({ tensorParallelSize: null, pipelineParallelSize: null, dataParallelSize: null });
    expect(some.distributed.worldSize).toBe(8);
    // a stated size wins over the derived one
    const stated = (await analyzeText(["vllm serve m -tp 4", ...[0, 1, 2, 3, 4, 5, 6, 7].map(line)].join("\n"))).facts;
    expect(stated.config.tensorParallelSize).toBe(4);
  });

  it("`check --require 'kvCache.tokens>=…'` passes on a V0 run (the CLI, one spawn)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-paste-"));
    try {
      const log = join(dir, "v0.log");
      writeFileSync(log, "INFO 09-12 10:00:01 gpu_executor.py:122] # GPU blocks: 31000, # CPU blocks: 2048\nINFO 09-12 10:00:02 api_server.py:99] Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)\n");
      const r = await runJsonHere(["check", log, "--require", "kvCache.tokens>=496000", "--require", "kvCache.tokens<=496000"]);
      expect(r.status).toBe(0);
      expect(r.report.facts.kvCache.tokens).toBe(496000);
      const req = r.report.gate.requirements.filter((q: { kind: string }) => q.kind === "require");
      expect(req.map((q: { name: string; passed: boolean }) => [q.name, q.passed])).toEqual([["kvCache.tokens>=496000", true], ["kvCache.tokens<=496000", true]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
