import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twenty-second round of real vLLM logs from public issues (vLLM, Xinference, Gaudi, lm-eval, kvcached):
 * the V1 KV-cache error cut or wrapped right after its opening clause, V0's multiprocessing worker failing a start-up
 * method, Gaudi's pre-loading weights line, Xinference's own error records, a bench script's bare `Namespace(...)` print,
 * and a V1 engine that died while serving. Every log text here is written for the test, in the format's shape, with
 * variants the logs did not show (other versions, wrappers, kubectl timestamps, colour, CRLF).
 */

describe("the V1 KV-cache error reduced to its opening clause", () => {
  it("reads max_model_len and the KV problem when the sizes are wrapped onto a line that is lost or cut", async () => {
    for (const [log, len] of [
      // wrapped after the comma, indented, the continuation cut by the paste
      [["  ValueError: To serve at least one request with the model's max seq len (1048576),", "  23.32 GiB KV cache is need"], 1048576],
      // ≤0.20's `models's` spelling behind an EngineCore prefix, the rest on the next line without a prefix
      [["(EngineCore_DP0 pid=412) ValueError: To serve at least one request with the models's max seq len (40960),", "(5.62 GiB KV cache"], 40960],
      // cut by a terminal right after the clause
      [["(EngineCore pid=77) ERROR 03-02 10:11:12 [core.py:1108] ValueError: To serve at least one request with the model's max seq len (262144)"], 262144],
    ] as [string[], number][]) {
      for (const text of variants(log)) {
        const r = await analyzeText(text + "\n");
        expect(ids(r, "error"), JSON.stringify(text.slice(0, 50))).toContain("vllm/kv-cache-too-small");
        expect(r.facts.config.maxModelLen).toBe(len);
        const f = r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small")!;
        expect(f.message).toContain("the sizes vLLM states after this are not in the excerpt");
        expect(f.evidence[0].line).toBe(1);
      }
    }
  });

  it("still gives the sizes when the whole message is there, and says nothing for the V0 wording's own clause", async () => {
    const whole = await analyzeText(
      "(EngineCore_DP0 pid=9) ValueError: To serve at least one request with the model's max seq len (131072), (16.00 GiB KV cache is needed, which is larger than the available KV cache memory (9.66 GiB). Based on the available memory, the estimated maximum model length is 79136.\n",
    );
    expect(whole.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small")!.message).toContain("only 9.66 GiB is available");
    const v0 = await analyzeText("ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (7344).\n");
    expect(v0.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small")!.message).toContain("the cache holds 7,344");
  });
});

describe("V0's multiprocessing worker failing a start-up method (vllm/engine-init-failed)", () => {
  it("is a start-up failure for the set-up methods, in both the ≤0.6 form (with the error) and the later one", async () => {
    for (const line of [
      "(VllmWorkerProcess pid=2144909) ERROR 01-12 08:36:38 multiproc_worker_utils.py:233] Exception in worker VllmWorkerProcess while processing method initialize_cache: CUDA out of memory. Tried to allocate 2.00 GiB, Traceback (most recent call last):",
      "(VllmWorkerProcess pid=311) ERROR 09-23 10:49:13 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method init_device.",
      "(VllmWorkerProcess pid=77) ERROR 11-02 04:05:06 [multiproc_worker_utils.py:240] Exception in worker VllmWorkerProcess while processing method load_model.",
    ]) {
      for (const text of variants(["INFO 01-12 08:36:24 model_runner.py:1025] Loading model weights took 3.7710 GB", line])) {
        const r = await analyzeText(text + "\n");
        expect(ids(r, "error"), line.slice(60, 140)).toContain("vllm/engine-init-failed");
        expect(r.facts.firstError?.line).toBe(2);
      }
    }
  });

  it("is no start-up failure for a method of the running engine", async () => {
    const r = await analyzeText(
      [
        "INFO 01-12 08:40:00 metrics.py:341] Avg prompt throughput: 12.0 tokens/s, Avg generation throughput: 40.0 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 3.0%, CPU KV cache usage: 0.0%.",
        "(VllmWorkerProcess pid=7) ERROR 01-12 08:40:02 multiproc_worker_utils.py:233] Exception in worker VllmWorkerProcess while processing method execute_model: CUDA error: an illegal memory access was encountered, Traceback (most recent call last):",
      ].join("\n") + "\n",
    );
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
    expect(r.facts.firstError?.line).toBe(2);
  });
});

describe("Intel Gaudi's pre-loading weights line", () => {
  it("reads the device memory the weights took, in GiB or MiB", async () => {
    for (const [line, gib] of [
      ["INFO 08-02 17:37:52 habana_model_runner.py:430] Pre-loading model weights on hpu:0 took 14.97 GiB of device memory (14.97 GiB/94.62 GiB used) and 2.95 GiB of host memory (475.2 GiB/10", 14.97],
      ["INFO 01-20 12:46:13 [hpu_model_runner.py:709] Pre-loading model weights on hpu:3 took 512 MiB of device memory (1.1 GiB/94.62 GiB used) and 961 MiB of host memory (77.2 GiB/1007 GiB used)", 0.5],
    ] as [string, number][]) {
      for (const text of variants([line])) expect((await analyzeText(text + "\n")).facts.memory.modelWeightsGiB).toBe(gib);
    }
  });

  it("gives way to the `in total` line that follows it", async () => {
    const r = await analyzeText(
      [
        "INFO 02-04 12:35:22 hpu_model_runner.py:712] Pre-loading model weights on hpu:0 took 15.06 GiB of device memory (15.06 GiB/30.15 GiB used) and 1.135 GiB of host memory (54.29 GiB/748 GiB used)",
        "INFO 02-04 12:35:23 hpu_model_runner.py:794] Loading model weights took in total 15.05 GiB of device memory (15.05 GiB/30.15 GiB used) and 1.134 GiB of host memory (54.29 GiB/748 GiB used)",
      ].join("\n") + "\n",
    );
    expect(r.facts.memory.modelWeightsGiB).toBe(15.05);
  });
});

describe("Xinference's own error records", () => {
  it("counts its ERROR record as the first error, its stamp whole, cut at the head, or behind kubectl's", async () => {
    for (const head of ["2025-04-12 21:57:39,467 ", "025-04-12 21:57:39,467 ", ""]) {
      const log = [
        `${head}xinference.core.worker 155 INFO     Launching model Qwen2.5-7B-Instruct`,
        `${head}xinference.api.restful_api 1 ERROR    [address=0.0.0.0:43423, pid=167] The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (17744). Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`,
        "Traceback (most recent call last):",
      ];
      for (const text of variants(log)) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 40))).toBe(2);
        expect(ids(r, "error")).toContain("vllm/kv-cache-too-small");
        expect(r.facts.config.maxModelLen).toBe(32768);
      }
    }
  });

  it("leaves another program's record in the same shape alone", async () => {
    const r = await analyzeText("2025-04-12 21:57:39,467 myapp.jobs 12 ERROR    retrying the upload\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("a bench script's bare `Namespace(...)` print", () => {
  it("reads the engine's arguments from it, wrapped mid-token too", async () => {
    const log = [
      "When dataset path is not set, it will default to random dataset",
      "Namespace(subparser='bench', bench_type='throughput', backend='vllm', dataset_name='random', input_len=1000, output_len=100, num_prompts=1000, model='RedHatAI/Meta-Llama-3.1-8B-FP8', task='auto', tokenizer='RedHatAI/Meta-Llama-3.1-8B-FP8', max_model_len=4096, quantization=None, enforce_eager=F",
      "alse, pipeline_parallel_size=1, tensor_parallel_size=2, gpu_memory_utilization=0.85, max_num_seqs=256)",
    ];
    for (const text of variants(log)) {
      const c = (await analyzeText(text + "\n")).facts.config;
      expect(c.model, JSON.stringify(text.slice(0, 30))).toBe("RedHatAI/Meta-Llama-3.1-8B-FP8");
      expect(c.maxModelLen).toBe(4096);
      expect(c.tensorParallelSize).toBe(2);
      expect(c.gpuMemoryUtilization).toBe(0.85);
    }
    // an older benchmark_throughput.py's print, whole on one line
    const old = (await analyzeText("Namespace(backend='vllm', dataset='sharegpt.json', model='/data/Qwen2-7B-Instruct/', tokenizer='/data/Qwen2-7B-Instruct/', quantization=None, tensor_parallel_size=2, n=1, num_prompts=1000, max_model_len=None, dtype='auto', gpu_memory_utilization=0.7)\n")).facts.config;
    expect([old.model, old.tensorParallelSize, old.gpuMemoryUtilization]).toEqual(["/data/Qwen2-7B-Instruct/", 2, 0.7]);
  });

  it("is not read from another program's Namespace", async () => {
    const c = (await analyzeText("Namespace(model='Qwen/Qwen2.5-7B', use_vllm=True, vllm_gpu_memory_utilization=0.3, learning_rate=1e-06, output_dir='out')\n")).facts.config;
    expect(c.model).toBeNull();
    expect(c.gpuMemoryUtilization).toBeNull();
  });
});

describe("a V1 engine that died while serving", () => {
  it("is no start-up failure when the traceback's last line calls the busy loop, a progress bar glued before its record", async () => {
    const log = [
      "Processed prompts:   6%|█▋        | 29/512 [00:08<02:31,  3.19it/s, est. speed input: 1680.77 toks/s](EngineCore_DP0 pid=10311) ERROR 10-25 11:17:27 [core.py:720] EngineCore encountered a fatal error.",
      "(EngineCore_DP0 pid=10311) ERROR 10-25 11:17:27 [core.py:720] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=10311) ERROR 10-25 11:17:27 [core.py:720]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 711, in run_engine_core',
      "(EngineCore_DP0 pid=10311) ERROR 10-25 11:17:27 [core.py:720]     engine_core.run_busy_loop()",
    ];
    for (const text of variants(log)) {
      const r = await analyzeText(text + "\n");
      expect(ids(r), JSON.stringify(text.slice(0, 30))).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line).toBe(1);
    }
  });

  it("is one when the same frame's last line builds the engine", async () => {
    const log = [
      "(EngineCore_DP0 pid=88) ERROR 10-25 11:17:27 [core.py:708] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=88) ERROR 10-25 11:17:27 [core.py:708]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 699, in run_engine_core',
      "(EngineCore_DP0 pid=88) ERROR 10-25 11:17:27 [core.py:708]     engine_core = EngineCoreProc(*args, **kwargs)",
    ];
    for (const text of variants(log)) expect(ids(await analyzeText(text + "\n"), "error")).toContain("vllm/engine-init-failed");
  });
});

describe("the V1 KV-cache error that a terminal hard-wrapped mid-word", () => {
  it("is read whole from the joined lines, sizes and all, as before the opening clause counted alone", async () => {
    const log = [
      '(EngineCore pid=52) File "/opt/venv/lib/python3.12/site-packages/vllm/v1/core/kv_cache_utils.py", line 758, in _check_enough_kv_cache_memory',
      "(EngineCore pid=52)     raise ValueError(",
      "(EngineCore pid=52) ValueError: To serve at least one request with the model's max seq len (65536), (8.50 GiB KV cach",
      "e is needed, which is larger than the available KV cache memory (6.25 GiB). Based on the avai",
    ];
    for (const text of [log.join("\n"), log.join("\r\n")]) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.kvCache.availableGiB).toBe(6.25);
      expect(r.facts.config.maxModelLen).toBe(65536);
      expect(r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small")!.message).toContain("only 6.25 GiB is available");
    }
  });
});

describe("a log viewer's table copied with its columns tab-separated", () => {
  it("reads the message column behind the time, source and node columns, with junk lines between rows", async () => {
    const row = (t: string, msg: string) => `2025-08-27 16:58:${t}.962\tworker\t\tip-10-0-124-97\t${msg}`;
    const rows = [
      row("20", "(EngineCore_DP0 pid=3113) INFO 08-27 16:58:20 [kv_cache_utils.py:1087] GPU KV cache size: 223,392 tokens"),
      row("26", "(EngineCore_DP0 pid=3113) ERROR 08-27 16:58:26 [core.py:708] EngineCore failed to start."),
      row("26", '  File "/home/ray/anaconda3/lib/python3.11/site-packages/vllm/v1/worker/gpu_worker.py", line 181, in init_device'),
      row("26", "    self.worker.init_device()  # type: ignore"),
    ];
    for (const lines of [rows, rows.flatMap((l) => [l, "U"])]) {
      for (const text of [lines.join("\n"), lines.join("\r\n")]) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.kvCache.tokens).toBe(223392);
        expect(ids(r, "error")).toContain("vllm/engine-init-failed");
        expect(r.facts.firstError?.line).toBe(lines === rows ? 2 : 3);
        expect(r.facts.vllm.engine).toBe("v1");
      }
    }
  });
});

describe("PyTorch's NCCL error with a markdown backtick or quote after its version", () => {
  it("still gives the NCCL version", async () => {
    for (const tail of ["`", "'", '"', "]"]) {
      const line = `(VllmWorkerProcess pid=221) ERROR 04-06 20:46:48 [multiproc_worker_utils.py:238] torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.hpp:268, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5${tail}`;
      for (const text of variants([line])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.nccl.version, tail).toBe("2.21.5");
        expect(ids(r, "error")).toContain("nccl/system-error");
      }
    }
  });
});

describe("Aphrodite's records behind uvicorn's level prefix", () => {
  it("reads vLLM's blocks line from them, and nothing from uvicorn's access lines", async () => {
    const log = [
      "INFO:     Initializing the Aphrodite Engine (v0.5.2) with the following config:",
      "INFO:     Model weights loaded. Memory usage: 3.88 GiB x 1 = 3.88 GiB",
      "INFO:     # GPU blocks: 17194, # CPU blocks: 4096",
      'INFO:     127.0.0.1:50412 - "GET /v1/models?q=%23%20GPU%20blocks:%201,%20%23%20CPU%20blocks:%202 HTTP/1.1" 200 OK',
    ];
    for (const text of variants(log)) {
      const k = (await analyzeText(text + "\n")).facts.kvCache;
      expect([k.gpuBlocks, k.cpuBlocks], JSON.stringify(text.slice(0, 30))).toEqual([17194, 4096]);
    }
    const access = (await analyzeText('INFO:     10.0.0.7:443 - "POST /v1/completions HTTP/1.1" 200 OK\n')).facts.kvCache;
    expect(access.gpuBlocks).toBeNull();
  });
});
