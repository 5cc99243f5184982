import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a round of real vLLM start-up logs (the core facts: KV cache, memory breakdown, parallel sizes). V1's
 * gpu_worker.py prints, after CUDA graph capture, one INFO line with the whole memory breakdown:
 * `Free memory on device (F/T GiB) on startup. Desired GPU memory utilization is (u, w GiB). Actual usage is ...
 * Current kv cache memory in use is ...`. Windows of a paste often hold only that line, so the weights and the KV
 * cache size are read from it too, in each wording it had (≈v0.10.2 with the KV size in bytes, later in GiB, newest
 * with weights and non-torch memory as one sum, vllm-ascend's `Actual usage: ...`). Every text is written for the
 * test in the printed layout.
 */

const reportsOf = (lines: string[], opts: { compose?: boolean } = {}) => Promise.all(variants(lines, opts).map((text) => analyzeText(text + "\n")));
const ray = (lines: string[]) => lines.map((l) => l.replace(/^\((\w+) pid=(\d+)\) /, "(RayWorkerWrapper pid=$2, ip=10.20.0.7) "));

const freeLine = (proc: string, rest: string) => `(${proc}) INFO 03-14 09:26:53 [gpu_worker.py:402] Free memory on device (77.10/79.25 GiB) on startup. Desired GPU memory utilization is (0.88, 69.74 GiB). ${rest}`;

/** ≈v0.11: each suggested size also in GiB, the KV cache in use in GiB */
const gibWording = freeLine(
  "EngineCore_DP0 pid=812",
  "Actual usage is 15.27 GiB for weight, 2.31 GiB for peak activation, 0.18 GiB for non-torch memory, and 0.52 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=55008624640` (51.23 GiB) to fit into requested memory, or `--kv-cache-memory=64244809728` (59.83 GiB) to fully utilize gpu memory. Current kv cache memory in use is 51.46 GiB.",
);
/** ≈v0.10.2: no GiB after the suggestions, the KV cache in use in bytes */
const bytesWording = freeLine(
  "Worker_TP1_EP1 pid=2231",
  "Actual usage is 30.05 GiB for weight, 1.12 GiB for peak activation, 0.25 GiB for non-torch memory, and 2.90 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=38654705664` to fit into requested memory, or `--kv-cache-memory=47244640256` to fully utilize gpu memory. Current kv cache memory in use is 40265318400 bytes.",
);
/** newest: weights and non-torch memory only as their sum, which is neither fact */
const consumedWording = freeLine(
  "Worker_TP2 pid=904",
  "Actual usage is 44.61 GiB for consumed memory (weights + non-torch), 0.93 GiB for peak activation, and 0.41 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=25662586060` (23.90 GiB) to fit into requested memory, or `--kv-cache-memory=34359738368` (32.00 GiB) to fully utilize gpu memory. Current kv cache memory in use is 23.62 GiB.",
);

describe("V1 `Free memory on device ... Actual usage is ...` line: the memory breakdown and the KV cache size", () => {
  it("reads weights, peak activation, non-torch, CUDA graph and the KV cache in use (GiB wording)", async () => {
    for (const r of [...(await reportsOf([gibWording], { compose: true })), await analyzeText(ray([gibWording])[0] + "\n")]) {
      expect(r.facts.memory.modelWeightsGiB).toBe(15.27);
      expect([r.facts.memory.peakActivationGiB, r.facts.memory.nonTorchGiB, r.facts.memory.cudaGraphGiB]).toEqual([2.31, 0.18, 0.52]);
      expect(r.facts.kvCache.availableGiB).toBe(51.46);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.88);
    }
  });

  it("converts the KV cache in use printed in bytes (≈v0.10.2) to GiB", async () => {
    for (const r of await reportsOf([bytesWording])) {
      expect(r.facts.kvCache.availableGiB).toBe(37.5);
      expect(r.facts.memory.modelWeightsGiB).toBe(30.05);
      expect(r.facts.memory.cudaGraphGiB).toBe(2.9);
    }
  });

  it("takes no weights from `consumed memory (weights + non-torch)`", async () => {
    for (const r of await reportsOf([consumedWording])) {
      expect(r.facts.memory.modelWeightsGiB).toBeNull();
      expect(r.facts.memory.nonTorchGiB).toBeNull();
      expect([r.facts.memory.peakActivationGiB, r.facts.memory.cudaGraphGiB, r.facts.kvCache.availableGiB]).toEqual([0.93, 0.41, 23.62]);
    }
  });

  it("the start-up's own `Model loading took` and `Available KV cache memory` lines win over the summary", async () => {
    const lines = [
      "(Worker_TP0 pid=903) INFO 03-14 09:21:07 [gpu_model_runner.py:2392] Model loading took 44.2810 GiB and 61.027344 seconds",
      "(Worker_TP0 pid=903) INFO 03-14 09:25:40 [gpu_worker.py:298] Available KV cache memory: 23.71 GiB",
      "(EngineCore_DP0 pid=880) INFO 03-14 09:25:41 [kv_cache_utils.py:864] GPU KV cache size: 412,896 tokens",
      bytesWording,
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.memory.modelWeightsGiB).toBe(44.281);
      expect(r.facts.kvCache.availableGiB).toBe(23.71);
      expect(r.facts.kvCache.tokens).toBe(412896);
    }
  });

  it("reads vllm-ascend's `Actual usage: X GiB for weights, ...` wording", async () => {
    const line =
      "(EngineCore pid=3170) INFO 11-02 14:05:19 [worker.py:575] Free memory on device (59.70/61.27 GiB) on startup. Desired GPU memory utilization is (0.9, 55.14 GiB). Actual usage: 8.52 GiB for weights, 0.64 GiB for peak activation, 0.21 GiB for non-torch memory, 0.06 GiB for NPU graph memory. Replace gpu_memory_utilization with `--kv-cache-memory=48695648256` (45.35 GiB) to fit in requested memory.";
    for (const r of await reportsOf([line])) {
      expect([r.facts.memory.modelWeightsGiB, r.facts.memory.peakActivationGiB, r.facts.memory.nonTorchGiB, r.facts.memory.cudaGraphGiB]).toEqual([8.52, 0.64, 0.21, 0.06]);
      expect(r.facts.kvCache.availableGiB).toBeNull();
    }
  });
});

describe("`vllm serve`'s positional model after the flags (argparse takes it wherever it stands)", () => {
  it("reads the model written last, after boolean and `=` flags", async () => {
    const line = "vllm serve --trust-remote-code --tensor_parallel_size 2 --gpu_memory_utilization=0.97  /data/models/Qwen2.5-14B-Instruct";
    for (const r of await reportsOf([line, "INFO 05-02 11:20:31 model_runner.py:1115] Loading model weights took 13.9476 GB"])) {
      expect(r.facts.config.model).toBe("/data/models/Qwen2.5-14B-Instruct");
      expect([r.facts.config.tensorParallelSize, r.facts.config.gpuMemoryUtilization]).toEqual([2, 0.97]);
    }
  });

  it("a boolean flag takes no value: the word after it is the model; a continued command and a redirection end alike", async () => {
    const continued = ["nohup vllm serve --trust-remote-code \\", "    --max-model-len 16384 -tp 4 \\", "    /mnt/llm/glm-4-9b-chat > serve.log 2>&1 &"];
    for (const r of [await analyzeText("vllm serve --trust-remote-code /mnt/llm/glm-4-9b-chat --port 8100\n"), await analyzeText(continued.join("\n") + "\n")]) {
      expect(r.facts.config.model).toBe("/mnt/llm/glm-4-9b-chat");
    }
    const r = await analyzeText(continued.join("\n") + "\n");
    expect([r.facts.config.maxModelLen, r.facts.config.tensorParallelSize]).toEqual([16384, 4]);
  });

  it("takes no model from a flag's further values or from prose around a command", async () => {
    const names = await analyzeText("vllm serve --served-model-name qwen-chat qwen-2.5 -tp 2\n");
    expect(names.facts.config.model).toBeNull();
    expect(names.facts.config.tensorParallelSize).toBe(2);
    const prose = await analyzeText("I start vllm serve --tensor-parallel-size 2 on both cards and it hangs\n");
    expect(prose.facts.config.model).toBeNull();
  });
});

describe("`Loading model weights took N MB` (the first form of the line, in MiB)", () => {
  it("reads it in GiB", async () => {
    for (const r of await reportsOf([">> INFO 03-01 09:12:44 model_runner.py:90] Loading model weights took 512.00 MB", "INFO 03-01 09:12:45 llm_engine.py:338] # GPU blocks: 61440, # CPU blocks: 7281"])) {
      expect(r.facts.memory.modelWeightsGiB).toBe(0.5);
      expect(r.facts.kvCache.gpuBlocks).toBe(61440);
    }
  });
});

describe("docker compose `command:` written as a YAML block or a flow sequence over lines", () => {
  it("reads a folded block (`command: >`), one argument per line, the image's positional model first", async () => {
    const compose = ["services:", "  llm:", "    image: vllm/vllm-openai:v0.11.1", "    command: >", "      /models/Mistral-Small-24B", "      --trust-remote-code", "      --tensor-parallel-size 2", "      --max-model-len 24576", "      --gpu-memory-utilization 0.87", "    ports:", '      - "8000:8000"'];
    for (const r of await Promise.all([analyzeText(compose.join("\n") + "\n"), analyzeText(compose.join("\r\n") + "\r\n")])) {
      expect(r.facts.config.model).toBe("/models/Mistral-Small-24B");
      expect([r.facts.config.tensorParallelSize, r.facts.config.maxModelLen, r.facts.config.gpuMemoryUtilization]).toEqual([2, 24576, 0.87]);
    }
    // a block that starts with the command itself
    const serve = await analyzeText(["    command: |", "      vllm serve org/Model-8B", "      --max-model-len 8192", "    restart: always"].join("\n") + "\n");
    expect([serve.facts.config.model, serve.facts.config.maxModelLen]).toEqual(["org/Model-8B", 8192]);
  });

  it("reads a flow sequence opened on the key's line, items several to a line", async () => {
    const r = await analyzeText(["    command: [", '      "--model", "/mnt/weights/phi-4",', '      "--tensor-parallel-size", "4",', '      "--gpu-memory-utilization", "0.8"', "    ]"].join("\n") + "\n");
    expect([r.facts.config.model, r.facts.config.tensorParallelSize, r.facts.config.gpuMemoryUtilization]).toEqual(["/mnt/weights/phi-4", 4, 0.8]);
  });
});
