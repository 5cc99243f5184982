import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70v5 of real logs: mainstream vLLM 0.5 → 0.6.x (mid to late 2024) as people pasted it into
 * issues. The API server's version line and its `args: Namespace(...)` echo (in declaration order, or sorted by name
 * as 0.5.5 printed it, often cut by the paste), the `Initializing an LLM engine (v0.x.y)` banner, `# GPU blocks: N,
 * # CPU blocks: M` from the executors, the 0.6 one-line memory profiling and concurrency lines, `(VllmWorkerProcess
 * pid=N)` and `(RayWorkerWrapper pid=N, ip=A)` workers, a worker's NCCL error at init_device, a model whose weights
 * fail to load (an MQLLMEngine `KeyError` then `Worker VllmWorkerProcess pid N died`), a notebook's traceback ending in
 * a bare `OutOfMemoryError:`, and uvicorn's `ERROR:    Exception in ASGI application` after a 500. All fourteen logs
 * were read right at first sight (one label was wrong: a 500 response is a problem the log shows); these tests pin
 * the formats under wrappers and CRLF, with near misses. Every log text here is written for the test.
 */

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS) check(await analyzeText(wrap(lines.join("\n") + "\n")), name);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("0.5 / 0.6 start-ups: API server args, engine banner, V0 block counts", () => {
  it("0.5.x with mp workers: the banner and Namespace agree; blocks, weights and NCCL version read; no error", async () => {
    const lines = [
      "INFO 07-26 14:02:10 api_server.py:219] vLLM API server version 0.5.3.post1",
      "INFO 07-26 14:02:10 api_server.py:220] args: Namespace(host='0.0.0.0', port=8010, lora_modules=[LoRAModulePath(name='sql', path='/adapters/sql')], model='acme/Chat-13B', tokenizer=None, max_model_len=12288, distributed_executor_backend=None, worker_use_ray=False, pipeline_parallel_size=1, tensor_parallel_size=2, block_size=16, swap_space=4, gpu_memory_utilization=0.87, num_gpu_blocks_override=None, served_model_name=['chat13b'], enable_lora=True, max_lora_rank=32)",
      "INFO 07-26 14:02:12 config.py:715] Defaulting to use mp for distributed inference",
      "INFO 07-26 14:02:12 llm_engine.py:176] Initializing an LLM engine (v0.5.3.post1) with config: model='acme/Chat-13B', speculative_config=None, tokenizer='acme/Chat-13B', skip_tokenizer_init=False, dtype=torch.float16, max_seq_len=12288, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=2, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, device_config=cuda, seed=0, served_model_name=chat13b, use_v2_block_manager=False, enable_prefix_caching=False)",
      "(VllmWorkerProcess pid=5120) INFO 07-26 14:02:19 multiproc_worker_utils.py:215] Worker ready; awaiting tasks",
      "INFO 07-26 14:02:20 pynccl.py:63] vLLM is using nccl==2.20.5",
      "INFO 07-26 14:02:31 model_runner.py:692] Loading model weights took 12.1204 GB",
      "(VllmWorkerProcess pid=5120) INFO 07-26 14:02:31 model_runner.py:692] Loading model weights took 12.1204 GB",
      "INFO 07-26 14:02:40 distributed_gpu_executor.py:56] # GPU blocks: 3113, # CPU blocks: 655",
      "INFO 07-26 14:02:42 model_runner.py:980] Capturing the model for CUDA graphs. This may lead to unexpected consequences if the model is not static.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.5.3.post1");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.model, at).toBe("acme/Chat-13B");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.pipelineParallelSize, at).toBe(1);
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.config.maxModelLen, at).toBe(12288);
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.87);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(3113);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(655);
      // blocks → tokens with the block size the args printed
      expect(r.facts.kvCache.tokens, at).toBe(3113 * 16);
      expect(r.facts.memory.modelWeightsGiB, at).toBe(12.1204);
      expect(r.facts.nccl.version, at).toBe("2.20.5");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("0.6 one-line memory profiling, the block line and the concurrency line (no thousands separators)", async () => {
    const lines = [
      "INFO 11-02 18:40:07 worker.py:232] Memory profiling results: total_gpu_memory=44.52GiB initial_memory_usage=14.86GiB peak_torch_memory=16.02GiB memory_usage_post_profile=15.01GiB non_torch_memory=0.41GiB kv_cache_size=23.64GiB gpu_memory_utilization=0.90",
      "INFO 11-02 18:40:07 gpu_executor.py:113] # GPU blocks: 12103, # CPU blocks: 2048",
      "INFO 11-02 18:40:07 gpu_executor.py:117] Maximum concurrency for 16384 tokens per request: 11.82x",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.9);
      expect(r.facts.kvCache.availableGiB, at).toBe(23.64);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(12103);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(2048);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(11.82);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(16384);
      // the concurrency line does not set max_model_len (NOTES: not inferred from other fields)
      expect(r.facts.config.maxModelLen, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("0.5.5's sorted Namespace cut before `model=`: only the keys printed; an override is no block count", async () => {
    const lines = [
      "INFO 08-29 09:15:40 api_server.py:440] vLLM API server version 0.5.5",
      "INFO 08-29 09:15:40 api_server.py:441] args: Namespace(allow_credentials=False, api_key=None, block_size=16, cpu_offload_gb=0, device='auto', disable_custom_all_reduce=False, distributed_executor_backend=None, dtype='auto', enable_lora=False, enable_prefix_caching=False, enforce_eager=False, engine_use_ray=False, gpu_memory_utilization=0.8, guided_decoding_backend='outlines', kv_cache_dtype='auto', load_format='auto', lora_modules=None, max_context_len",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.5.5");
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.8);
      expect(r.facts.config.model, at).toBeNull();
      expect(r.facts.config.tensorParallelSize, at).toBeNull();
      expect(r.facts.config.maxModelLen, at).toBeNull();
      expect(r.facts.config.executorBackend, at).toBeNull();
      expect(r.facts.kvCache.gpuBlocks, at).toBeNull();
      expect(r.findings, at).toEqual([]);
    });
    const override = await analyzeText(
      "INFO 08-30 10:00:00 api_server.py:441] args: Namespace(model_tag='/srv/m/VL-7B-AWQ', model='/srv/m/VL-7B-AWQ', max_model_len=None, pipeline_parallel_size=1, tensor_parallel_size=1, gpu_memory_utilization=0.9, num_gpu_blocks_override=1024, max_num_batched_toke\n",
    );
    expect(override.facts.config.model).toBe("/srv/m/VL-7B-AWQ");
    expect(override.facts.config.maxModelLen).toBeNull();
    expect(override.facts.kvCache.gpuBlocks).toBeNull();
  });

  it("0.5.0's worker_use_ray=True is the Ray executor; a pasted command line with --distributed-executor-backend too", async () => {
    const r = await analyzeText(
      "INFO 06-21 08:00:00 api_server.py:177] vLLM API server version 0.5.0.post1\r\nINFO 06-21 08:00:00 api_server.py:178] args: Namespace(host=None, port=8000, model='/srv/llama-3-8b', dtype='half', max_model_len=6144, distributed_executor_backend=None, worker_use_ray=True, pipeline_parallel_size=1, tensor_parallel_size=2, gpu_memory_utilization=0.95)\r\n",
    );
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.maxModelLen).toBe(6144);
    const cmd = await analyzeText(
      "(base) user@gpu07:~$ python -m vllm.entrypoints.openai.api_server --model /srv/qwen2-72b --served-model-name q72 --tensor-parallel-size 4 --distributed-executor-backend ray --max-model-len 20000 --gpu-memory-utilization 0.93\nINFO 09-03 12:00:01 api_server.py:459] vLLM API server version 0.6.0\n",
    );
    expect(cmd.facts.vllm.version).toBe("0.6.0");
    expect(cmd.facts.config.model).toBe("/srv/qwen2-72b");
    expect(cmd.facts.config.tensorParallelSize).toBe(4);
    expect(cmd.facts.config.executorBackend).toBe("ray");
    expect(cmd.facts.config.maxModelLen).toBe(20000);
    expect(cmd.facts.config.gpuMemoryUtilization).toBe(0.93);
  });
});

describe("0.5 / 0.6 failures", () => {
  it("a Ray worker's `Error executing method load_model`: engine-init-failed, the model from `Starting to load model`", async () => {
    const lines = [
      "(RayWorkerWrapper pid=88121) INFO 08-01 10:20:30 pynccl.py:63] vLLM is using nccl==2.20.5 [repeated 15x across cluster]",
      "(RayWorkerWrapper pid=9031, ip=10.8.1.22) INFO 08-01 10:20:31 model_runner.py:680] Starting to load model /nfs/models/Big-Model-70B... [repeated 7x across cluster]",
      "(RayWorkerWrapper pid=88120) INFO 08-01 10:24:02 model_runner.py:692] Loading model weights took 8.8551 GB",
      "(RayWorkerWrapper pid=88122) ERROR 08-01 10:24:02 worker_base.py:382] Error executing method load_model. This might cause deadlock in distributed execution.",
      "(RayWorkerWrapper pid=88122) ERROR 08-01 10:24:02 worker_base.py:382] Traceback (most recent call last):",
      '(RayWorkerWrapper pid=88122) ERROR 08-01 10:24:02 worker_base.py:382]   File "/opt/conda/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 374, in execute_method',
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.config.model, at).toBe("/nfs/models/Big-Model-70B");
      expect(r.facts.memory.modelWeightsGiB, at).toBe(8.8551);
      expect(r.facts.nccl.version, at).toBe("2.20.5");
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });

  it("a VllmWorkerProcess's NCCL `unhandled system error` at init_device: nccl/system-error and engine-init-failed", async () => {
    const lines = [
      "(VllmWorkerProcess pid=301) ERROR 08-20 11:05:07 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method init_device: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details), Traceback (most recent call last):",
      '(VllmWorkerProcess pid=301) ERROR 08-20 11:05:07 multiproc_worker_utils.py:226]   File "/usr/local/lib/python3.10/dist-packages/vllm/executor/multiproc_worker_utils.py", line 223, in _run_worker_process',
      "(VllmWorkerProcess pid=301) ERROR 08-20 11:05:07 multiproc_worker_utils.py:226]     output = executor(*args, **kwargs)",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r, "error"), at).toEqual(expect.arrayContaining(["nccl/system-error", "vllm/engine-init-failed"]));
    });
  });

  it("MQLLMEngine's KeyError loading weights, then a worker killed: the KeyError is first; facts from `vllm serve`", async () => {
    const lines = [
      "vllm serve /data/InternVL-8B-AWQ --served-model-name ivl --gpu_memory_utilization 0.97 --tensor-parallel-size 2",
      "INFO 01-20 16:40:02 api_server.py:651] vLLM API server version 0.6.5",
      'ERROR 01-20 16:40:31 engine.py:366]   File "/usr/local/lib/python3.10/dist-packages/vllm/model_executor/models/internlm2.py", line 430, in load_weights',
      "ERROR 01-20 16:40:31 engine.py:366]     param = params_dict[name]",
      "ERROR 01-20 16:40:31 engine.py:366] KeyError: 'model.layers.0.feed_forward.w1.qweight'",
      "ERROR 01-20 16:40:32 multiproc_worker_utils.py:123] Worker VllmWorkerProcess pid 7707 died, exit code: -15",
      "INFO 01-20 16:40:32 multiproc_worker_utils.py:127] Killing local vLLM worker processes",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.6.5");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.model, at).toBe("/data/InternVL-8B-AWQ");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.97);
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.firstError?.line, at).toBe(5);
      expect(r.facts.firstError?.text, at).toContain("KeyError: 'model.layers.0.feed_forward.w1.qweight'");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });

  it("a notebook's traceback (`File path:N, in f(...)`, `--> N` arrows) ending in a bare `OutOfMemoryError:`", async () => {
    const lines = [
      "File /local_disk0/envs/py-3f2a/lib/python3.11/site-packages/vllm/spec_decode/spec_decode_worker.py:402, in SpecDecodeWorker.execute_model(self, execute_model_req)",
      "    401 if no_spec:",
      "--> 402     return self._run_no_spec(execute_model_req,",
      "    403                              skip_proposer=disable_all_speculation)",
      "OutOfMemoryError: CUDA out of memory. Tried to allocate 2.44 GiB. GPU 0 has a total capacity of 23.68 GiB of which 812.50 MiB is free. Process 4410 has 22.87 GiB memory in use.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(5);
      const f = finding(r, "vllm/cuda-oom");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("2.44 GiB");
    });
  });

  it("uvicorn's `ERROR:    Exception in ASGI application` after a 500 is the first error; the 5xx is reported", async () => {
    const lines = [
      'INFO:     127.0.0.1:50412 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error',
      "ERROR:    Exception in ASGI application",
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.10/dist-packages/uvicorn/protocols/http/httptools_impl.py", line 399, in run_asgi',
      "    result = await app(  # type: ignore[func-returns-value]",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r), at).toContain("runtime/client-errors");
    });
  });
});

describe("0.5's AsyncLLMEngine stopping: stats lines at zero generation, then `Engine iteration timed out`", () => {
  it("the stats lines are read (V0's `Pending` is waiting), the timeout is the first error, the run is a stall", async () => {
    const lines = [
      "INFO 08-12 21:10:04 metrics.py:406] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 1 reqs, GPU KV cache usage: 2.7%, CPU KV cache usage: 0.0%.",
      "INFO 08-12 21:10:14 metrics.py:406] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 1 reqs, GPU KV cache usage: 2.7%, CPU KV cache usage: 0.0%.",
      'INFO:     10.0.0.4:51522 - "GET /health HTTP/1.1" 200 OK',
      "INFO 08-12 21:10:24 metrics.py:406] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 1 reqs, GPU KV cache usage: 2.7%, CPU KV cache usage: 0.0%.",
      "ERROR 08-12 21:10:31 async_llm_engine.py:663] Engine iteration timed out. This should never happen!",
      "ERROR 08-12 21:10:31 async_llm_engine.py:56] Engine background task failed",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.runtime?.statsLines, at).toBe(3);
      expect(r.facts.runtime?.running?.max, at).toBe(3);
      expect(r.facts.runtime?.waiting?.max, at).toBe(1);
      expect(r.facts.runtime?.gpuKvUsagePct?.max, at).toBe(2.7);
      expect(r.facts.firstError?.line, at).toBe(5);
      expect(ids(r), at).toContain("runtime/stall");
    });
  });
});

describe("--max-lora-rank outside the release's accepted ranks (vllm/lora-max-rank-invalid)", () => {
  it("the engine process's ERROR record: the version, the accepted ranks and the next one above the value", async () => {
    const lines = [
      "INFO 09-20 10:00:00 api_server.py:527] vLLM API server version 0.6.1.post2",
      "ERROR 09-20 10:00:03 engine.py:366] max_lora_rank (48) must be one of (8, 16, 32, 64, 128, 256).",
      "ERROR 09-20 10:00:03 engine.py:366] Traceback (most recent call last):",
      'ERROR 09-20 10:00:03 engine.py:366]   File "/usr/local/lib/python3.10/dist-packages/vllm/engine/multiprocessing/engine.py", line 357, in run_mp_engine',
      "ERROR 09-20 10:00:03 engine.py:366] ValueError: max_lora_rank (48) must be one of (8, 16, 32, 64, 128, 256).",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/lora-max-rank-invalid");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("vLLM 0.6.1.post2 refused its LoRA configuration");
      expect(f!.message, at).toContain("--max-lora-rank 48 is not one of the ranks it accepts (8, 16, 32, 64, 128, 256)");
      expect(f!.remediation[0], at).toContain("`--max-lora-rank 64`");
      expect(f!.evidence[0].line, at).toBe(2);
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });

  it("a value above the release's largest rank says to upgrade or use a smaller adapter; behind `[rank0]:` too", async () => {
    const r = await analyzeText("[rank0]: Traceback (most recent call last):\r\n[rank0]: ValueError: max_lora_rank (128) must be one of (8, 16, 32, 64).\r\n");
    const f = finding(r, "vllm/lora-max-rank-invalid")!;
    expect(f.message).toContain("--max-lora-rank 128 is not one of the ranks it accepts (8, 16, 32, 64)");
    expect(f.remediation[0]).toContain("takes ranks up to 64");
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("near misses: the adapter-rank error, the echoed setting, the source line a traceback quotes, argparse's refusal", async () => {
    const rank = await analyzeText("ValueError: LoRA rank 64 is greater than max_lora_rank 16.\n");
    expect(ids(rank)).toEqual(["vllm/lora-rank-too-large"]);
    const echo = await analyzeText("INFO 07-26 14:02:10 api_server.py:220] args: Namespace(model='acme/Chat-13B', enable_lora=True, max_loras=2, max_lora_rank=128)\n");
    expect(ids(echo)).not.toContain("vllm/lora-max-rank-invalid");
    const quoted = await analyzeText('  File "/usr/local/lib/python3.10/dist-packages/vllm/config.py", line 1394, in __post_init__\n    raise ValueError(f"max_lora_rank ({self.max_lora_rank}) must be one of {possible_max_ranks}.")\n');
    expect(ids(quoted)).not.toContain("vllm/lora-max-rank-invalid");
    const argparse = await analyzeText("vllm serve: error: argument --max-lora-rank: invalid choice: 48 (choose from 1, 8, 16, 32, 64, 128, 256, 320, 512)\n");
    expect(ids(argparse)).toEqual(["vllm/bad-cli-args"]);
  });
});

describe("near misses", () => {
  it("a `[rank0]: Traceback` header, an fp8 WARNING and shard bars state no error", async () => {
    const lines = [
      "(VllmWorkerProcess pid=7001) WARNING 07-30 05:10:02 fp8.py:39] Detected fp8 checkpoint. Please note that the format is experimental and subject to change.",
      "INFO 07-30 05:10:02 selector.py:80] Using Flashinfer backend.",
      "Loading safetensors checkpoint shards: 100% Completed | 4/4 [00:03<00:00,  1.31it/s]",
      "[rank0]: Traceback (most recent call last):",
      '[rank0]:   File "/usr/lib/python3.10/runpy.py", line 196, in _run_module_as_main',
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("asyncio's `Future exception was never retrieved` with a quoted RuntimeError is not an exception line; 2xx alone is no finding", async () => {
    const r = await analyzeText(
      [
        "INFO 09-18 02:18:58 server.py:228] vLLM ZMQ RPC Server was interrupted.",
        "Future exception was never retrieved",
        "future: <Future finished exception=RuntimeError('LLMEngine should not be pickled!')>",
        'INFO:     10.0.0.5:4410 - "POST /v1/completions HTTP/1.1" 200 OK',
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).not.toContain("runtime/client-errors");
  });
});
