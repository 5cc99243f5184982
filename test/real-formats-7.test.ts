import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a round of real vLLM pastes (set 7: Ray Serve, KServe, lm-evaluation-harness, Gaudi, Triton, RL
 * trainers). Every log text here is written for the test in the format's shape, with variants the pastes did not show
 * (another version's wording, another wrapper or backend).
 */

describe("the config the engine dumps when a step fails (vllm/logging_utils/dump_input.py)", () => {
  it("reads ≥0.10's one record `Dumping input data for V1 LLM engine (vX) with config: ...`, hard-wrapped, behind an EngineCore prefix", async () => {
    const text = [
      "(Worker_TP3 pid=811) INFO 10-23 17:17:47 [multiproc_executor.py:558] Parent process exited, terminating worker",
      "(EngineCore_DP0 pid=700) ERROR 10-23 17:17:52 [dump_input.py:69] Dumping input data for V1 LLM engine (v0.11.2) with config: model='org/Some-Model-72B', speculative_config=None, tokenizer='org/Some-Model-72B', dtype=torch.bfloat16, max_seq_len=32000, download_dir=None, load_format=auto, tensor_parallel_size=4, pipeline_parallel_size=2, data_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, seed=0, served_model_name=sm, enable_p",
      "refix_caching=True, chunked_prefill_enabled=True, pooler_config=None, compilation_config={\"level\":3,\"",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("org/Some-Model-72B");
    expect(r.facts.config.maxModelLen).toBe(32000);
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.pipelineParallelSize).toBe(2);
    expect(r.facts.config.dataParallelSize).toBe(1);
    expect(r.facts.vllm.version).toBe("0.11.2");
    expect(r.facts.vllm.engine).toBe("v1");
    // the dump is logged at ERROR: it is the first line that states an error
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("reads ≈0.9's two records (`Dumping input data`, then `V1 LLM engine (vX) with config: ...`) and V0's own wording", async () => {
    const v1 = [
      "ERROR 06-01 10:00:00 [dump_input.py:68] Dumping input data",
      "ERROR 06-01 10:00:00 [dump_input.py:70] V1 LLM engine (v0.9.1) with config: model='/models/qwen', speculative_config=None, tokenizer='/models/qwen', dtype=torch.float16, max_seq_len=8192, tensor_parallel_size=2, pipeline_parallel_size=1, seed=0, ",
    ].join("\n");
    const a = await analyzeText(v1 + "\n");
    expect(a.facts.config.model).toBe("/models/qwen");
    expect(a.facts.config.maxModelLen).toBe(8192);
    expect(a.facts.config.tensorParallelSize).toBe(2);
    expect(a.facts.vllm.version).toBe("0.9.1");
    expect(a.facts.vllm.engine).toBe("v1");
    const v0 = "ERROR 05-01 10:00:00 [dump_input.py:87] V0 LLM engine (v0.8.5) with config: model='facebook/opt-125m', tokenizer='facebook/opt-125m', max_seq_len=2048, tensor_parallel_size=1, pipeline_parallel_size=1, seed=0, use_cached_outputs=False, ";
    const b = await analyzeText(v0 + "\n");
    expect(b.facts.config.model).toBe("facebook/opt-125m");
    expect(b.facts.config.maxModelLen).toBe(2048);
    expect(b.facts.vllm.engine).toBe("v0");
  });
});

describe("lm-evaluation-harness running vLLM", () => {
  it("reads `--model_args` over a continued command, not `--model vllm` as the model; its data_parallel_size is not vLLM's", async () => {
    const text = [
      "lm_eval --model vllm \\",
      '  --model_args pretrained="./ckpt/Llama-3.1-8B-W4A16",tensor_parallel_size=2,gpu_memory_utilization=0.7,max_model_len=4096,data_parallel_size=4 \\',
      "  --tasks gsm8k \\",
      "  --batch_size auto",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("./ckpt/Llama-3.1-8B-W4A16");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.7);
    expect(r.facts.config.maxModelLen).toBe(4096);
    expect(r.facts.config.dataParallelSize).toBeNull();
  });

  it("reads `--model_args=...` on one line (`python -m lm_eval`), and nothing from another backend's arguments", async () => {
    const a = await analyzeText("python -m lm_eval --model vllm --model_args=pretrained=Qwen/Qwen2.5-7B,tensor_parallel_size=4 --tasks mmlu\n");
    expect(a.facts.config.model).toBe("Qwen/Qwen2.5-7B");
    expect(a.facts.config.tensorParallelSize).toBe(4);
    const b = await analyzeText("lm-eval --model hf --model_args pretrained=gpt2,dtype=float16 --tasks hellaswag --device cuda:0\n");
    expect(b.facts.config.model).toBeNull();
    expect(b.facts.config.dtype).toBeNull();
  });

  it("reads the evaluator's `Initializing vllm model, with arguments: {...}` behind the harness's own logging header", async () => {
    const text = [
      "2025-03-02:09:10:11,120 INFO     [__main__.py:376] Selected Tasks: ['arc_easy']",
      "2025-03-02:09:10:11,125 INFO     [evaluator.py:201] Initializing vllm model, with arguments: {'pretrained': 'meta-llama/Llama-3.1-8B', 'tensor_parallel_size': 4, 'data_parallel_size': 2, 'max_model_len': 8192, 'gpu_memory_utilization': 0.85}",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-8B");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
    expect(r.facts.config.dataParallelSize).toBeNull();
  });
});

describe("the executor backend stated by other lines", () => {
  it("reads async scheduling's choice: ≈0.11 `Defaulting to mp-based ...`, ≈0.10 `Using mp-based ...`", async () => {
    const a = await analyzeText("(APIServer pid=5) INFO 11-12 06:27:56 [arg_utils.py:1293] Defaulting to mp-based distributed executor backend for async scheduling.\n");
    expect(a.facts.config.executorBackend).toBe("mp");
    const b = await analyzeText("INFO 08-05 19:37:42 [arg_utils.py:1188] Using mp-based distributed executor backend for async scheduling.\n");
    expect(b.facts.config.executorBackend).toBe("mp");
  });

  it("reads a platform's fallback (`uni is not supported on CPU, fallback to mp ...`; XPU's to ray)", async () => {
    const a = await analyzeText("WARNING 05-14 17:28:21 [cpu.py:119] uni is not supported on CPU, fallback to mp distributed executor backend.\n");
    expect(a.facts.config.executorBackend).toBe("mp");
    const b = await analyzeText("WARNING 03-01 12:00:00 [_logger.py:72] mp is not supported on XPU, fallback to ray distributed executor backend.\n");
    expect(b.facts.config.executorBackend).toBe("ray");
  });

  it("reads the class Ray names under a RayActorError (`class_name: RayWorkerWrapper`), not any actor's", async () => {
    const block = (cls: string) =>
      [
        "ray.exceptions.RayActorError: The actor died unexpectedly before finishing this task.",
        `\tclass_name: ${cls}`,
        "\tactor_id: 0123456789abcdef01000000",
        "\tpid: 4242",
      ].join("\n");
    const a = await analyzeText(block("RayWorkerWrapper") + "\n");
    expect(a.facts.config.executorBackend).toBe("ray");
    const b = await analyzeText(block("TrainerActor") + "\n");
    expect(b.facts.config.executorBackend).toBeNull();
  });
});

describe("records of other programs around vLLM", () => {
  it("takes KServe's ERROR record (`PID kserve ERROR [file:func():N] msg`) and its uvicorn one as errors, not its INFO", async () => {
    const text = [
      "2025-05-14 17:28:15.863 167991 kserve INFO [model_server.py:register_model():398] Registering model: model",
      "2024-07-01 07:28:04.488 1 kserve ERROR [__main__.py:<module>():254] Failed to start model server: integer division or modulo by zero",
    ].join("\n");
    const a = await analyzeText(text + "\n");
    expect(a.facts.firstError?.line).toBe(2);
    const b = await analyzeText("2025-02-02 10:00:00.123 77 uvicorn.error ERROR:    Exception in ASGI application\n");
    expect(b.facts.firstError?.line).toBe(1);
  });

  it("reads KServe's `python -m huggingfaceserver` flags as vLLM's, unless it runs the Hugging Face backend", async () => {
    const a = await analyzeText("python -m huggingfaceserver --model_id=Qwen/Qwen3-14B --max-model-len=4096 --tensor-parallel-size 2\n");
    expect(a.facts.config.maxModelLen).toBe(4096);
    expect(a.facts.config.tensorParallelSize).toBe(2);
    const b = await analyzeText("python -m huggingfaceserver --model_id=bert-base --backend=huggingface --max-model-len=512\n");
    expect(b.facts.config.maxModelLen).toBeNull();
  });

  it("reads Gaudi's weights line (`Loading model weights took in total N GiB of device memory ...`), also in MiB", async () => {
    const a = await analyzeText("INFO 02-04 12:35:23 hpu_model_runner.py:794] Loading model weights took in total 15.05 GiB of device memory (15.05 GiB/30.15 GiB used) and 1.134 GiB of host memory (54.29 GiB/748 GiB used)\n");
    expect(a.facts.memory.modelWeightsGiB).toBe(15.05);
    const b = await analyzeText("(Worker_TP0 pid=12) INFO 04-09 11:20:00 [hpu_model_runner.py:3001] Loading model weights took in total 512 MiB of device memory (512 MiB/94.62 GiB used) and 20 MiB of host memory (8.1 GiB/1007 GiB used)\n");
    expect(b.facts.memory.modelWeightsGiB).toBe(0.5);
  });
});

describe("copy damage", () => {
  it("takes a trailing `^M` (a carriage return in caret notation) off, so the frames' functions read whole", async () => {
    // no line says the start-up failed: only the frame `in run_engine_core` on the stack tells it
    const text = [
      "(EngineCore_DP0 pid=135) ERROR 08-29 02:16:17 [core.py:1368] Traceback (most recent call last):^M",
      '(EngineCore_DP0 pid=135) ERROR 08-29 02:16:17 [core.py:1368]   File "/opt/app/core.py", line 1324, in run_engine_core^M',
      "(EngineCore_DP0 pid=135) ERROR 08-29 02:16:17 [core.py:1368]     engine_core = DPEngineCoreProc(*args, **kwargs)^M",
      "(EngineCore_DP0 pid=135) ERROR 08-29 02:16:17 [core.py:1368]                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^M",
      '(EngineCore_DP0 pid=135) ERROR 08-29 02:16:17 [core.py:1368]   File "/opt/app/core.py", line 2040, in __init__^M',
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.vllm.engine).toBe("v1");
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });

  it("reads an exception line whose vLLM header a paste cut down to `[file.py:N] `; a cut INFO message is no error", async () => {
    const text = [
      "[multiproc_executor.py:492] ValueError: Free memory on device (31.44/47.38 GiB) on startup is less than desired GPU memory utilization (0.95, 45.01 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.",
      "ERROR 06-30 13:53:19 [core.py:515] EngineCore failed to start.",
    ].join("\n");
    const a = await analyzeText(text + "\n");
    expect(a.facts.firstError?.line).toBe(1);
    expect(a.facts.config.gpuMemoryUtilization).toBe(0.95);
    const b = await analyzeText("[v1/engine/core.py:88] Waiting for init message from front-end.\n[gpu_worker.py:12] RuntimeError: CUDA error: no kernel image is available for execution on the device\n");
    expect(b.facts.firstError?.line).toBe(2);
  });

  it("reads the tensor parallel size from `Tensor parallel size (N) cannot be larger than the number of available GPUs (M)`", async () => {
    const a = await analyzeText("Value error, Tensor parallel size (16) cannot be larger than the number of available GPUs (8)\n");
    expect(a.facts.config.tensorParallelSize).toBe(16);
    const b = await analyzeText("(APIServer pid=1) ValueError: Tensor parallel size (2) cannot be larger than the number of available GPUs (1).\n");
    expect(b.facts.config.tensorParallelSize).toBe(2);
  });
});

describe("a traceback cut inside vLLM's NCCL set-up", () => {
  const cut = (code: string, prefix = "") =>
    [
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/parallel_state.py", line 376, in __init__',
      "    self.device_communicator = device_comm_cls(",
      "                               ^^^^^^^^^^^^^^^^",
      '  File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl.py", line 143, in __init__',
      `    ${code}`,
      "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ]
      .map((l) => prefix + l)
      .join("\n");

  it("is no NCCL error when its last line is a plain torch call (where a CUDA fault of the device surfaces)", async () => {
    const a = await analyzeText(cut("data = torch.zeros(1, device=device)") + "\n");
    expect(ids(a)).not.toContain("nccl/error");
    // the same behind a worker's ERROR prefix
    const b = await analyzeText(cut("data = torch.zeros(1, device=device)", "(Worker_TP1 pid=365) ERROR 04-18 15:45:48 [multiproc_executor.py:870] ") + "\n");
    expect(ids(b)).not.toContain("nccl/error");
  });

  it("is still one when its last line calls NCCL", async () => {
    const r = await analyzeText(cut("self.comm: ncclComm_t = self.nccl.ncclCommInitRank(") + "\n");
    expect(ids(r, "error")).toContain("nccl/error");
  });
});
