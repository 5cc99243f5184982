import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a round of real vLLM pastes (set 4) (0.4 to 0.25, TPU, CPU, ROCm, Ray). Every log text here is written
 * for the test in the format's shape, with variants the pastes did not show (another version's wording, a wrapper).
 */

describe("a config dump whose quotes markdown made typographic", () => {
  it("reads `args: Namespace(model=‘…’, …)` past a value the paste lost (`middleware=,`) and a hard wrap", async () => {
    const text = [
      "INFO 04-14 16:15:32 [api_server.py:982] args: Namespace(host=None, port=8000, uvicorn_log_level=‘info’, allowed_origins=[‘‘], allowed_methods=[’’], middleware=, tool_parser_plugin=‘’, model=‘Qwen/Qwen2.5-7B-Instruct’, task=‘auto’, config_format=<ConfigFo",
      "rmat.AUTO: ‘auto’>, dtype=‘auto’, max_model_len=4096, pipeline_parallel_size=2, tensor_parallel_size=4, gpu_memory_utilization=0.85, block_siz",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("Qwen/Qwen2.5-7B-Instruct");
    expect(r.facts.config.maxModelLen).toBe(4096);
    expect(r.facts.config.pipelineParallelSize).toBe(2);
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
  });

  it("reads a `non-default args: {‘…’: …}` dict with typographic single and double quotes (≥0.9 wording, V1 prefix)", async () => {
    const text = "(APIServer pid=9) INFO 10-02 08:00:01 [utils.py:233] non-default args: {‘model’: “/models/Llama-3.1-8B”, ‘max_model_len’: 8192, ‘tensor_parallel_size’: 2, ‘served_model_name’: [‘llama’]}";
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("/models/Llama-3.1-8B");
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("keeps plain quotes and a real empty value apart: `key=''` and `key=[]` are not taken for missing values", async () => {
    const text = "INFO 08-08 14:47:21 api_server.py:220] args: Namespace(host='', middleware=[], model='microsoft/Phi-3-mini-4k-instruct', max_model_len=16384, tensor_parallel_size=1)";
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("microsoft/Phi-3-mini-4k-instruct");
    expect(r.facts.config.maxModelLen).toBe(16384);
    expect(r.facts.config.tensorParallelSize).toBe(1);
  });
});

describe("pydantic's `Value error, … [type=value_error, …]` line (vLLM ≥0.10 config validation)", () => {
  it("is the first error when it is pasted without its ValidationError header", async () => {
    const text = [
      "vllm serve gaunernst/gemma-3-27b-it-int4-awq -tp 2 --gpu-memory-utilization 0.68 --dtype bfloat16",
      "Value error, torch.bfloat16 is not supported for quantization method awq. Supported dtypes: [torch.float16] [type=value_error, input_value=ArgsKwargs((), {'model_co...additional_config': {}}), input_type=ArgsKwargs]",
      "(APIServer pid=4185) For further information visit https://errors.pydantic.dev/2.11/v/value_error",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.68);
  });

  it("under the header and an APIServer prefix the header stays first; `Assertion failed, …` is read the same way", async () => {
    const header = [
      "(APIServer pid=71) pydantic_core._pydantic_core.ValidationError: 1 validation error for ModelConfig",
      "(APIServer pid=71)   Value error, User-specified max_model_len (513) is greater than the derived max_model_len (max_position_embeddings=512 or model_max_length=None in model's config.json). [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]",
    ].join("\n");
    const a = await analyzeText(header + "\n");
    expect(a.facts.firstError?.line).toBe(1);
    expect(a.facts.config.maxModelLen).toBe(513);
    const b = await analyzeText("  Assertion failed, world_size must be a multiple of tensor_parallel_size [type=assertion_error, input_value={}, input_type=dict]\n");
    expect(b.facts.firstError?.line).toBe(1);
  });

  it("is not read from a sentence that only starts with the words", async () => {
    const r = await analyzeText("Value error, as the docs call it, is what pydantic prints.\nINFO 05-13 21:09:20 [api_server.py:1043] vLLM API server version 0.8.5\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("V1's Ray executor file (vllm/v1/executor/ray_executor.py, ≥0.11)", () => {
  it("names the Ray backend from the record's file, bare or as a DEBUG relative path", async () => {
    const bare = await analyzeText("(EngineCore_DP0 pid=504) INFO 11-23 11:58:35 [ray_executor.py:121] Shutting down Ray distributed executor. If you see error log from logging.cc regarding SIGTERM received, please ignore because this is the expected termination process in Ray.\n");
    expect(bare.facts.config.executorBackend).toBe("ray");
    expect(bare.facts.vllm.engine).toBe("v1");
    const debug = await analyzeText("(EngineCore_DP0 pid=88) DEBUG 01-05 09:00:00 [v1/executor/ray_executor.py:97] use_ray_compiled_dag: True\n");
    expect(debug.facts.config.executorBackend).toBe("ray");
  });

  it("and from a traceback frame in that file", async () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/ray_executor.py", line 112, in _init_executor',
      "    self._init_workers_ray(placement_group)",
      "ValueError: Current node has no GPU available.",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.executorBackend).toBe("ray");
  });
});

describe("engine from traceback paths: V1 up to 0.10 still runs through vllm/worker/ and vllm/engine/", () => {
  const frames = (prefix: string) =>
    [
      `${prefix}  File "/opt/venv/lib/python3.12/site-packages/vllm/worker/worker_base.py", line 606, in init_device`,
      `${prefix}    self.worker.init_device()  # type: ignore`,
      `${prefix}  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 145, in init_device`,
      `${prefix}    raise ValueError(`,
      `${prefix}ValueError: Free memory on device (59.32/79.15 GiB) on startup is less than desired GPU memory utilization (0.9, 71.24 GiB).`,
    ].join("\n");

  it("a vllm/v1/ path outweighs an earlier vllm/worker/ path, bare or under a Ray actor prefix", async () => {
    expect((await analyzeText(frames("") + "\n")).facts.vllm.engine).toBe("v1");
    expect((await analyzeText(frames("(RayWorkerWrapper pid=31, ip=10.0.0.2) ") + "\n")).facts.vllm.engine).toBe("v1");
  });

  it("without a V1 path, vllm/worker/ and vllm/engine/ paths still say V0", async () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.10/dist-packages/vllm/engine/llm_engine.py", line 291, in __init__',
      "    self._initialize_kv_caches()",
      '  File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py", line 229, in determine_num_available_blocks',
      "    self.model_runner.profile_run()",
      "RuntimeError: CUDA error: out of memory",
    ].join("\n");
    expect((await analyzeText(text + "\n")).facts.vllm.engine).toBe("v0");
  });
});

describe("huggingface_hub before 0.21 raised from utils/_errors.py (hf_raise_for_status)", () => {
  const frames = [
    "Traceback (most recent call last):",
    '  File "/root/env/lib/python3.10/site-packages/huggingface_hub/utils/_errors.py", line 304, in hf_raise_for_status',
    "    response.raise_for_status()",
    '  File "/root/env/lib/python3.10/site-packages/requests/models.py", line 1024, in raise_for_status',
    "    raise HTTPError(http_error_msg, response=self)",
  ];

  it("a traceback through it is a model download failure, even when the error line is cut before the URL", async () => {
    const r = await analyzeText([...frames, "requests.exceptions.HTTPError: 401 Client Error:"].join("\n") + "\n");
    expect(ids(r, "error")).toContain("vllm/model-download");
    expect(r.facts.firstError?.line).toBe(6);
  });

  it("under torchrun's `[rank0]: ` prefix too", async () => {
    const r = await analyzeText([...frames, "requests.exceptions.HTTPError: 403 Client Error: Forbidden"].map((l) => `[rank0]: ${l}`).join("\n") + "\n");
    expect(ids(r, "error")).toContain("vllm/model-download");
  });
});

describe("`--max-model-len` / `--max-num-batched-tokens` with vLLM's human-readable suffixes (0.9 on)", () => {
  const config = async (text: string) => (await analyzeText(text + "\n")).facts.config;

  it("lowercase is decimal, uppercase binary, on a `vllm serve` line", async () => {
    const c = await config("vllm serve Qwen/Qwen3-8B --max-model-len 32K --max-num-batched-tokens 16k -tp 2");
    expect(c.maxModelLen).toBe(32768);
    expect(c.maxNumBatchedTokens).toBe(16000);
    expect((await config("vllm serve Qwen/Qwen3-8B --max-model-len=25.6k")).maxModelLen).toBe(25600);
  });

  it("in a Kubernetes args list and a docker run line too", async () => {
    const k8s = ["        args:", '        - "--model=meta-llama/Llama-3.1-8B-Instruct"', '        - "--max-model-len"', '        - "128K"', '        - "--tensor-parallel-size=4"'].join("\n");
    const c = await config(k8s);
    expect(c.maxModelLen).toBe(131072);
    expect(c.tensorParallelSize).toBe(4);
    const d = await config("docker run --gpus all vllm/vllm-openai:v0.11.0 --model Qwen/Qwen3-8B --max-model-len 1m");
    expect(d.maxModelLen).toBe(1000000);
  });

  it("states no length for `auto` or `-1` (vLLM chooses), nor for a decimal with a binary suffix (vLLM rejects it)", async () => {
    expect((await config("vllm serve Qwen/Qwen3-8B --max-model-len auto -tp 2")).maxModelLen).toBeNull();
    expect((await config("vllm serve Qwen/Qwen3-8B --max-model-len -1 -tp 2")).maxModelLen).toBeNull();
    expect((await config("vllm serve Qwen/Qwen3-8B --max-model-len 1.5K -tp 2")).maxModelLen).toBeNull();
  });
});

describe("out of memory on other accelerators: ROCm (HIP), Intel (XPU), Ascend (NPU)", () => {
  it("torch_npu's message under vllm-ascend's Ray worker (`(NPU 3; … total capacity; … free; …)`, Ray dedup suffix)", async () => {
    const text =
      "(NPURayWorkerWrapper pid=45464) ERROR 06-09 06:57:48 worker_base.py:581] RuntimeError: NPU out of memory. Tried to allocate 30.00 MiB (NPU 3; 60.96 GiB total capacity; 60.34 GiB already allocated; 60.34 GiB current active; 14.24 MiB free; 60.60 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation. [repeated 6x across cluster]";
    const r = await analyzeText(text + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-oom"]);
    const f = r.findings.find((x) => x.ruleId === "vllm/cuda-oom")!;
    expect(f.message).toContain("NPU 3 ran out of memory: it tried to allocate 30.00 MiB with 14.24 MiB free of 60.96 GiB");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("IPEX's XPU message without a free figure, and PyTorch <2.1's CUDA form with one", async () => {
    const xpu = await analyzeText("(EngineCore pid=518) ERROR 07-29 21:48:54 [core.py:1141] RuntimeError: XPU out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.11 GiB total capacity; 12.00 GiB already allocated)\n");
    expect(ids(xpu, "error")).toContain("vllm/cuda-oom");
    expect(xpu.findings.find((x) => x.ruleId === "vllm/cuda-oom")!.message).toMatch(/^XPU ran out of memory/);
    const old = await analyzeText("torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 1; 23.69 GiB total capacity; 21.47 GiB already allocated; 3.06 MiB free; 22.10 GiB reserved in total by PyTorch)\n");
    expect(old.findings.find((x) => x.ruleId === "vllm/cuda-oom")!.message).toContain("GPU 1 ran out of memory: it tried to allocate 20.00 MiB with 3.06 MiB free of 23.69 GiB");
  });

  it("advice that names the device is not an out-of-memory error", async () => {
    const r = await analyzeText("WARNING 06-09 06:57:40 platform.py:90] To avoid NPU out of memory errors, lower gpu_memory_utilization.\n");
    expect(ids(r)).not.toContain("vllm/cuda-oom");
  });
});

describe("Ray's autoscaler on GPUs it cannot place (what a vLLM placement group waits on)", () => {
  it("both autoscaler wordings are a Ray placement wait: a warning, not an error", async () => {
    for (const line of [
      "(autoscaler +1m2s) Warning: The following resource request cannot be scheduled right now: {'GPU': 1.0, 'node:10.0.0.2': 0.001}. This is likely due to all cluster resources being claimed by actors. Consider creating fewer actors or adding more nodes to this Ray cluster.",
      "2025-08-29 14:19:36,207\tWARNING resource_demand_scheduler.py:839 -- The autoscaler could not find a node type to satisfy the request: [{'GPU': 1.0}, {'GPU': 1.0}]. Please specify a node type with the necessary resources.",
    ]) {
      const r = await analyzeText(line + "\n");
      expect(ids(r)).toEqual(["vllm/ray-insufficient-resources"]);
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("a request without GPUs is not vLLM's workers", async () => {
    const r = await analyzeText("(autoscaler +1m2s) Warning: The following resource request cannot be scheduled right now: {'CPU': 1.0}. This is likely due to all cluster resources being claimed by actors.\n");
    expect(ids(r)).toEqual([]);
  });
});

describe("uvicorn's and Python logging's own ERROR records (`ERROR:    msg`, `ERROR:logger:msg`)", () => {
  it("uvicorn's error is the first error, bare or behind vLLM's APIServer prefix (v0.10.1 on)", async () => {
    const text = [
      "(APIServer pid=1) INFO 05-01 10:00:00 [api_server.py:1] Starting vLLM API server 0 on http://0.0.0.0:8000",
      "(APIServer pid=1) ERROR:    Exception in ASGI application",
      "(APIServer pid=1) Traceback (most recent call last):",
    ].join("\n");
    expect((await analyzeText(text + "\n")).facts.firstError?.line).toBe(2);
    expect((await analyzeText("INFO:     Started server process [7]\nCRITICAL: Application startup failed. Exiting.\n")).facts.firstError?.line).toBe(2);
  });

  it("Python's default format on another logger counts too; a traceback header, an INFO or WARNING record does not", async () => {
    expect((await analyzeText("INFO:     Started server process [7]\nERROR:asyncio:Task exception was never retrieved\n")).facts.firstError?.line).toBe(2);
    const quiet = await analyzeText("ERROR:    Traceback (most recent call last):\nINFO:     Waiting for application startup.\nWARNING:root:slow tokenizer\n");
    expect(quiet.facts.firstError).toBeNull();
  });
});
