import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes seen in real pastes (round 13: /tmp/reallogs13, 49 files: programs that start vLLM for you — OpenRLHF, verl,
 * TRL, LLaMA-Factory, Dynamo, Ray Serve LLM, KubeRay, AIBrix, production-stack, SkyRL, LiteLLM — and vLLM 0.1 to the
 * 2026 releases). Every log text here is written for the test in the format's shape, with unseen variants next to it.
 */

const cur = (level: string, file: string, msg: string, stamp = "06-11 13:15:50") => `${level} ${stamp} [${file}] ${msg}`;

describe("Ray Serve's component logger (`LEVEL date time component id -- message`)", () => {
  it("takes an ERROR record of the Serve controller as the first error, inside Ray's actor prefix", async () => {
    const r = await analyzeText(
      [
        "(_get_vllm_engine_config pid=610) " + cur("INFO", "config.py:2118", "Chunked prefill is enabled with max_num_batched_tokens=8192."),
        "(ServeController pid=4512) ERROR 2025-09-02 08:01:02,117 controller 4512 -- Exception in Replica(id='ab12cd34', deployment='LLMServer:m', app='llm'), the replica will be stopped.",
        "(ServeController pid=4512) Traceback (most recent call last):",
        '(ServeController pid=4512)   File "/home/ray/anaconda3/lib/python3.11/site-packages/ray/serve/_private/deployment_state.py", line 718, in check_ready',
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.firstError?.text).toContain("Exception in Replica(id='ab12cd34'");
  });

  it("reads a replica's record with a request id, and the older `file.py:N - ` form; INFO records are no errors (variants)", async () => {
    const r = await analyzeText(
      [
        "INFO 2024-11-18 01:46:34,210 default_VLLMDeployment ujj4 replica.py:893 - Started initializing replica.",
        "WARNING 2025-05-23 00:41:00,001 default_LLMDeploymentm rcja 7f0c-11 -- Slow startup.",
        "CRITICAL 2024-11-18 01:47:02,318 default_VLLMDeployment ujj4 replica.py:640 - Replica crashed while initializing.",
        "ERROR 2025-05-23 00:42:04,876 default_LLMDeploymentm rcja 700823bf-0cfe -- Encountered failure while handling request 700823bf-0cfe",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.firstError?.text).toContain("Replica crashed while initializing");
  });

  it("does not take a traceback header logged at ERROR by the controller as the error", async () => {
    const r = await analyzeText(
      [
        "(ServeController pid=9) ERROR 2026-01-05 10:00:00,001 controller 9 -- Traceback (most recent call last):",
        "(ServeController pid=9) ERROR 2026-01-05 10:00:00,002 controller 9 -- Replica failed health check.",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(2);
  });
});

describe("V0's multiprocessing engine named in its own records", () => {
  it("tells V0 from `Waiting for output from MQLLMEngine.` behind a CRI timestamp", async () => {
    const r = await analyzeText(
      [
        "2025-04-06T07:55:21.108632509Z INFO 04-06 00:55:21 [llm_engine.py:447] init engine (profile, create kv cache, warmup model) took 71.33 seconds",
        "2025-04-06T07:55:29.219474213Z DEBUG 04-06 00:55:29 [client.py:193] Waiting for output from MQLLMEngine.",
        "2025-04-06T07:55:55.793894054Z DEBUG 04-06 00:55:55 [engine.py:155] Starting Startup Loop.",
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v0");
  });

  it("tells V0 from the launcher's CRITICAL `MQLLMEngine is already dead` in the unbracketed ≤0.7 format (variant)", async () => {
    const r = await analyzeText(
      [
        "DEBUG 10-10 01:25:14 client.py:170] Heartbeat successful.",
        "CRITICAL 10-10 01:25:14 launcher.py:99] MQLLMEngine is already dead, terminating server process",
        'INFO:     10.0.0.5:41000 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error',
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("keeps V1 when a V1 log mentions nothing of the kind and V1 markers are there (variant)", async () => {
    const r = await analyzeText(
      [
        "(APIServer pid=7) " + cur("DEBUG", "v1/engine/utils.py:980", "Waiting for 1 local, 0 remote core engine proc(s) to start."),
        "(EngineCore_DP0 pid=9) " + cur("INFO", "core.py:93", "Initializing a V1 LLM engine (v0.12.0) with config: model='m', max_seq_len=4096, tensor_parallel_size=1"),
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.vllm.version).toBe("0.12.0");
  });
});

describe("V1's post-profiling line `Free memory on device (a/b GiB) on startup. Desired GPU memory utilization is (u, x GiB)`", () => {
  it("reads the utilisation configured and the device's memory from the 0.11 wording, between a wrapper's Rust tracing lines", async () => {
    const r = await analyzeText(
      [
        "2025-11-27T03:23:59.116166Z  INFO dynamo_llm::block_manager::distributed::worker: Initializing KvbmWorker with params: num_device_blocks=3202, page_size=16",
        "(EngineCore_DP0 pid=77) " +
          cur(
            "INFO",
            "gpu_worker.py:391",
            "Free memory on device (47.23/47.53 GiB) on startup. Desired GPU memory utilization is (0.15, 7.13 GiB). Actual usage is 1.12 GiB for weight, 0.52 GiB for peak activation, 0.02 GiB for non-torch memory, and 0.0 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=5720014438` to fit into requested memory, or `--kv-cache-memory=48772880384` to fully utilize gpu memory. Current kv cache memory in use is 5877300838 bytes.",
          ),
      ].join("\n"),
    );
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.15);
    expect(r.facts.gpu.memoryGiB).toBe(47.53);
    expect(ids(r, "error")).toEqual([]);
  });

  it("reads the 2026 wording under a Worker_TP prefix, and a paste that starts at `Desired` (variants)", async () => {
    const r = await analyzeText(
      "(Worker_TP0 pid=510) INFO 05-02 11:00:01 [gpu_worker.py:935] Free memory on device (31.23/31.86 GiB) on startup. Desired GPU memory utilization is (0.97, 30.9 GiB). Actual usage is 24.58 GiB for consumed memory (weights + non-torch), 1.46 GiB for peak activation, and 0.49 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with --kv-cache-memory=4536913634 (4.23 GiB) to fit into requested memory, or --kv-cache-memory=4887892992 (4.55 GiB) to fully utilize gpu memory.\n",
    );
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.97);
    expect(r.facts.gpu.memoryGiB).toBe(31.86);
    const cut = await analyzeText("Desired GPU memory utilization is (0.92, 21.64 GiB). Actual usage is 9.1 GiB for consumed memory (weights + non-torch)\n");
    expect(cut.facts.config.gpuMemoryUtilization).toBe(0.92);
  });

  it("still reads the start-up error form (`is less than desired GPU memory utilization`)", async () => {
    const r = await analyzeText(
      "(EngineCore_DP0 pid=3) ERROR 09-28 15:47:24 [core.py:718] ValueError: Free memory on device (3.22/4.0 GiB) on startup is less than desired GPU memory utilization (0.9, 3.6 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.\n",
    );
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
    expect(r.facts.gpu.memoryGiB).toBe(4);
  });
});

describe("the bare `(Worker pid=N)` prefix", () => {
  it("is not V1's multiproc worker beside a Ray driver line of vLLM 0.1 (Ray's name for the `Worker` actor)", async () => {
    const r = await analyzeText(
      [
        "2024-01-09 16:05:01,012 INFO worker.py:1724 -- Started a local Ray instance.",
        "(Worker pid=1566) [W CUDAGraph.cpp:145] Warning: Waiting for pending NCCL work to finish before starting graph capture. (function operator())",
      ].join("\n"),
    );
    expect(r.facts.config.executorBackend).toBe("ray");
  });

  it("stays V1 multiproc when V1 records follow it (variants: nested, and a multiproc_executor traceback)", async () => {
    const nested = await analyzeText(
      [
        "(Worker pid=352) " + cur("INFO", "parallel_state.py:1715", "rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 1, EP rank 1, EPLB rank N/A"),
        "(Worker pid=352) (Worker_TP1 pid=352) " + cur("INFO", "gpu_model_runner.py:4108", "Model loading took 7.5 GiB memory and 9.1 seconds"),
      ].join("\n"),
    );
    expect(nested.facts.vllm.engine).toBe("v1");
    expect(nested.facts.config.executorBackend).toBe("mp");
    expect(nested.facts.distributed.worldSize).toBe(2);
    const tb = await analyzeText(
      [
        "(Worker pid=364) ERROR 04-18 15:45:48 [multiproc_executor.py:870] WorkerProc failed to start.",
        '(Worker pid=364) ERROR 04-18 15:45:48 [multiproc_executor.py:870]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py", line 841, in worker_main',
      ].join("\n"),
    );
    expect(tb.facts.vllm.engine).toBe("v1");
    expect(tb.facts.config.executorBackend).toBe("mp");
  });

  it("is Ray's new executor under a RayWorkerProc prefix, three prefixes deep in Ray Serve LLM", async () => {
    const r = await analyzeText(
      [
        "(ServeReplica:default:LLMServer:m pid=62) (EngineCore pid=64) (RayWorkerProc pid=65) " + cur("WARNING", "worker_base.py:306", "Missing `shared_worker_lock` argument from executor."),
        "(RayWorkerProc pid=65) (Worker pid=65) " + cur("INFO", "parallel_state.py:1946", "rank 0 in world size 1 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 0, EP rank N/A, EPLB rank N/A"),
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.distributed.worldSize).toBe(1);
  });
});

describe("guards for shapes round 13 read right before any change", () => {
  it("reads V1 multiproc from the 0.10 `(VllmWorker TP3 pid=N)` prefix and the 2026 `(Worker_TP3_DCP1 pid=N)` one", async () => {
    const a = await analyzeText("(VllmWorker TP3 pid=2012) " + cur("INFO", "__init__.py:1392", "Found nccl from library libnccl.so.2") + "\n");
    expect(a.facts.vllm.engine).toBe("v1");
    expect(a.facts.config.executorBackend).toBe("mp");
    const b = await analyzeText(
      [
        "(Worker_TP1_DCP1 pid=5006) 2026-04-03 16:43:52,478 - INFO - autotuner.py:268 - flashinfer.jit: [Autotuner]: Autotuning process ends",
        "(EngineCore pid=5004) ERROR 04-03 16:43:52 [multiproc_executor.py:273] Worker proc VllmWorker-3 died unexpectedly, shutting down executor.",
        "(EngineCore pid=5004) ERROR 04-03 16:43:53 [core.py:1108] EngineCore failed to start.",
      ].join("\n"),
    );
    expect(b.facts.vllm.engine).toBe("v1");
    expect(b.facts.config.executorBackend).toBe("mp");
    expect(b.facts.firstError?.line).toBe(2);
    expect(ids(b, "error")).toContain("vllm/engine-init-failed");
  });

  it("reads KV lines behind OpenRLHF's `(LLMRayActor pid=N)` and a Ray task's `(name pid=N, ip=A)` before EngineCore_DP0", async () => {
    const r = await analyzeText(
      [
        "(LLMRayActor pid=1234) INFO 04-09 01:52:12 [kv_cache_utils.py:566] GPU KV cache size: 5,854,768 tokens",
        "(LLMRayActor pid=1234) INFO 04-09 01:52:12 [kv_cache_utils.py:569] Maximum concurrency for 2,048 tokens per request: 2858.77x",
      ].join("\n"),
    );
    expect(r.facts.kvCache.tokens).toBe(5854768);
    expect(r.facts.kvCache.maxConcurrency).toBe(2858.77);
    expect(r.facts.kvCache.tokensPerRequest).toBe(2048);
    const t = await analyzeText("(inference_worker_task pid=67, ip=10.128.0.88) (EngineCore_DP0 pid=71) " + cur("INFO", "gpu_worker.py:298", "Available KV cache memory: 16.23 GiB") + "\n");
    expect(t.facts.kvCache.availableGiB).toBe(16.23);
    expect(t.facts.vllm.engine).toBe("v1");
  });

  it("does not read a wrapper's own `VllmWorker` component (Dynamo) as V1's worker in a V0 log", async () => {
    const r = await analyzeText(
      [
        "INFO 04-03 01:39:44 worker.py:270] the current vLLM instance can use total_gpu_memory (79.10GiB) x gpu_memory_utilization (0.90) = 71.19GiB",
        "INFO 04-03 01:39:44 executor_base.py:110] # CUDA blocks: 6953, # CPU blocks: 512",
        "Waiting for workers to be ready.",
        " Current: 0, Required: 1",
        "VllmWorker has been initialized",
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.kvCache.gpuBlocks).toBe(6953);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
  });

  it("takes the model vLLM loaded from the banner, not a launcher's own `--model_name_or_path` (LLaMA-Factory)", async () => {
    const r = await analyzeText(
      [
        "CUDA_VISIBLE_DEVICES=0 API_PORT=9527 python src/api_demo.py \\",
        "    --model_name_or_path /models/base-13b \\",
        "    --infer_backend vllm",
        "INFO 04-05 17:48:59 llm_engine.py:74] Initializing an LLM engine (v0.4.0.post1) with config: model='/models/sft-13b', tokenizer='/models/sft-13b', dtype=torch.bfloat16, max_seq_len=2048, tensor_parallel_size=2, seed=0)",
        "[INFO|tokenization_utils_base.py:2082] 2024-04-05 17:48:59,887 >> loading file tokenizer.model",
      ].join("\n"),
    );
    expect(r.facts.config.model).toBe("/models/sft-13b");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.vllm.version).toBe("0.4.0.post1");
  });

  it("raises no error for a front end's traceback with no vLLM in it (LiteLLM, Python 3.13 elisions)", async () => {
    const r = await analyzeText(
      [
        '  File "/usr/lib/python3.13/site-packages/openai/resources/chat/completions.py", line 1661, in create',
        "    return await self._post(",
        "           ^^^^^^^^^^^^^^^^^",
        "    ...<41 lines>...",
        "    )",
        "    ^",
      ].join("\n"),
    );
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("vLLM's Ray executor checking its cluster (vllm/executor/ray_utils.py)", () => {
  it("reads the Ray executor from `Current node has no GPU available` behind a Ray task prefix whose ESC a paste lost", async () => {
    const r = await analyzeText(
      [
        "lighteval vllm model_name=org/m,dtype=bfloat16,data_parallel_size=2 --output-dir out",
        "[36m(run_inference_one_model pid=2816)[0m ValueError: Current node has no GPU available. current_node_resource={'CPU': 96.0, 'memory': 1824080048128.0}. vLLM engine cannot start without GPU. Make sure you have at least 1 GPU available in a node ",
      ].join("\n"),
    );
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("vllm/ray-insufficient-resources");
  });

  it("reads it from `Ray does not allocate any GPUs on the driver node` under a CI timestamp (variant)", async () => {
    const r = await analyzeText(
      [
        "[2024-07-13T07:40:01Z] INFO 07-13 07:40:01 llm_engine.py:174] Initializing an LLM engine (v0.5.1) with config: model='m', tensor_parallel_size=2, pipeline_parallel_size=2, seed=0)",
        "[2024-07-13T07:43:35Z] ValueError: Ray does not allocate any GPUs on the driver node. Consider adjusting the Ray placement group or running the driver on a GPU node.",
      ].join("\n"),
    );
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.config.pipelineParallelSize).toBe(2);
  });
});

describe("vLLM's records re-formatted by a wrapper's root handler (`[stamp] [%(levelname)8s]: msg (file.py:N)`, lighteval)", () => {
  it("takes an ERROR record as the first error and reads the banner and KV lines with the file after the message", async () => {
    const r = await analyzeText(
      [
        '> lighteval vllm "pretrained=org/m-1.7b,dtype=bfloat16" "leaderboard|truthfulqa:mc|0|0"',
        "[2025-02-25 19:17:54,082] [    INFO]: --- LOADING MODEL --- (pipeline.py:186)",
        "[2025-02-25 19:18:00,444] [    INFO]: Initializing a V0 LLM engine (v0.7.3) with config: model='org/m-1.7b', tokenizer='org/m-1.7b', dtype=torch.bfloat16, max_seq_len=4096, tensor_parallel_size=1, pipeline_parallel_size=1, seed=0, served_model_name=org/m-1.7b, use_async_output_proc=True, mm_processor_kwargs=None (llm_engine.py:234)",
        "[2025-02-25 19:18:09,010] [    INFO]: # CUDA blocks: 9362, # CPU blocks: 1365 (executor_base.py:111)",
        "[2025-02-25 19:18:09,011] [    INFO]: Maximum concurrency for 4096 tokens per request: 36.57x (executor_base.py:116)",
        "[2025-02-25 19:18:20,300] [ WARNING]: Your GPU does not have native support for FP8 computation. (fp8.py:53)",
        "[2025-02-25 19:18:21,300] [   ERROR]: Error in model execution: CUDA error: an illegal memory access was encountered (model_runner.py:1750)",
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBe("0.7.3");
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.config.model).toBe("org/m-1.7b");
    expect(r.facts.config.maxModelLen).toBe(4096);
    expect(r.facts.kvCache.gpuBlocks).toBe(9362);
    expect(r.facts.kvCache.cpuBlocks).toBe(1365);
    expect(r.facts.kvCache.maxConcurrency).toBe(36.57);
    expect(r.facts.kvCache.tokensPerRequest).toBe(4096);
    expect(r.facts.firstError?.line).toBe(7);
  });

  it("reads a CRITICAL record and a V1 KV line in the same format (variant)", async () => {
    const r = await analyzeText(
      [
        "[2025-06-01 10:00:00,001] [    INFO]: GPU KV cache size: 204,800 tokens (kv_cache_utils.py:716)",
        "[2025-06-01 10:00:05,001] [CRITICAL]: Engine core proc EngineCore_0 died unexpectedly, shutting down client. (core_client.py:369)",
      ].join("\n"),
    );
    expect(r.facts.kvCache.tokens).toBe(204800);
    expect(r.facts.firstError?.line).toBe(2);
  });
});

describe("error records of the programs around vLLM, in their own formats", () => {
  it("takes Rust `tracing`'s ERROR record (Dynamo) as the first error, not its INFO/WARN records", async () => {
    const r = await analyzeText(
      [
        "(EngineCore_DP0 pid=1) " + cur("INFO", "core.py:218", "init engine (profile, create kv cache, warmup model) took 10.52 seconds"),
        "2025-11-27T03:23:59.116013Z  INFO dynamo_llm::block_manager::distributed::worker: Initializing KvbmWorker with params: num_device_blocks=3202",
        "2025-11-27T03:24:11.116013Z  WARN dynamo_llm::kv_router::scheduler: no endpoints yet",
        "2025-11-27T03:24:12.116013Z ERROR dynamo_runtime::pipeline::network: failed to connect to nats: connection refused",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(4);
    expect(r.facts.firstError?.text).toContain("failed to connect to nats");
  });

  it("reads a span before the target, and leaves a plain `ERROR word: msg` that is no Rust path alone (variants)", async () => {
    const r = await analyzeText(
      [
        "INFO 03-19 17:02:10 model_runner.py:1115] Loading model weights took 14.9888 GB",
        "ERROR note: this line is prose, not a tracing record",
        "2025-06-05T18:11:50.100Z ERROR request{id=42}: dynamo_llm::http::service: stream ended before the first token",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(3);
  });

  it("takes transformers' explicit format `[ERROR|file.py:N] stamp >> msg` (LLaMA-Factory) as an error record, not its INFO lines", async () => {
    const r = await analyzeText(
      [
        "INFO 04-05 17:48:59 llm_engine.py:74] Initializing an LLM engine (v0.4.0.post1) with config: model='/m/sft-13b', tokenizer='/m/sft-13b', max_seq_len=2048, tensor_parallel_size=2, seed=0)",
        "[INFO|tokenization_utils_base.py:2082] 2024-04-05 17:48:59,887 >> loading file tokenizer.model",
        "[WARNING|logging.py:314] 2024-04-05 17:49:00,101 >> Special tokens have been added in the vocabulary",
        "[ERROR|trainer.py:2081] 2024-04-05 17:49:10,001 >> Checkpoint /out/checkpoint-500 could not be loaded",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(4);
    expect(r.facts.config.model).toBe("/m/sft-13b");
  });
});
