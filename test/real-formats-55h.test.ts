import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fifth round of real logs: the oldest vLLM (0.2 to 0.6, the V0 engine, 2023-2024). The round's
 * pastes showed the banner without a version (`Initializing an LLM engine with config: …`, 0.2-0.3) and with one
 * (0.4-0.6), in every field order of those releases, hard-wrapped by a terminal at a fixed width (inside a key, inside a
 * number); `# GPU blocks: N, # CPU blocks: M` (and once with its `# ` lost); 0.6.4's one-line `Memory profiling results`
 * with `Maximum concurrency` below 1x and the bare max-seq-len message; scripts' and FastChat's tracebacks through
 * `from_engine_args`; V0 multiprocessing and Ray workers failing in `initialize_cache` and `init_device`; `args:
 * Namespace(…)` cut in the middle of a key. The tool read all of them at first sight; these tests pin those readings.
 * A second look at the era's failures found one it did not diagnose at all: bfloat16 on a GPU older than Ampere (the T4
 * of free notebooks, V100, P100), `Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your
 * Tesla T4 GPU has compute capability 7.5.` (new rule vllm/dtype-unsupported; the message pasted without its
 * `ValueError: ` is the first error, as the KV cache ones are), and 0.2-0.3's worker method `init_model` (the device set-up
 * that runs that check) was not known as start-up, so a paste of its frames alone said nothing. Nor did vLLM's compiled
 * kernels failing to load (`Failed to import from vllm._C with ImportError('libcudart.so.12: ...')`, a wheel for CUDA 12
 * beside a torch for 11.8; `_C.abi3.so: undefined symbol`), which 0.5 logs at WARNING before failing later elsewhere
 * (new rule vllm/kernels-import-failed).
 * Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T18:20:41.551023117Z ${l}`],
  ["docker compose", (l) => `llm-server-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=7301, ip=10.4.0.12) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void, wraps = WRAPS): Promise<void> {
  for (const [name, wrap] of wraps)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

// a 0.2/0.3 banner: no version, no pipeline_parallel_size, the fields of those releases in their order
const oldBanner = (model: string, maxSeqLen: number, tp: number) =>
  `INFO 02-14 09:12:40 llm_engine.py:70] Initializing an LLM engine with config: model='${model}', tokenizer='${model}', tokenizer_mode=auto, revision=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.float16, max_seq_len=${maxSeqLen}, download_dir=None, load_format=auto, tensor_parallel_size=${tp}, quantization=None, enforce_eager=False, seed=0)`;

describe("0.2-0.3 start-up: the banner without a version and `# GPU blocks` (tokens = blocks x 16)", () => {
  it("reads the banner and the blocks, and says the cache cannot hold one max-length sequence", async () => {
    await eachWrap(
      [oldBanner("/data/ckpt/baichuan2-13b", 4096, 1), "INFO 02-14 09:13:02 llm_engine.py:275] # GPU blocks: 201, # CPU blocks: 327"],
      (r, at) => {
        expect(r.facts.vllm.engine, at).toBe("v0");
        expect(r.facts.vllm.version, at).toBeNull();
        expect(r.facts.config.model, at).toBe("/data/ckpt/baichuan2-13b");
        expect(r.facts.config.maxModelLen, at).toBe(4096);
        expect(r.facts.config.tensorParallelSize, at).toBe(1);
        expect(r.facts.kvCache.gpuBlocks, at).toBe(201);
        expect(r.facts.kvCache.cpuBlocks, at).toBe(327);
        expect(r.facts.kvCache.tokens, at).toBe(3216);
        expect(finding(r, "vllm/kv-cache-too-small")?.message, at).toBe("max_model_len 4,096 needs 4,096 tokens of KV cache; the cache holds 3,216.");
        expect(r.facts.firstError, at).toBeNull();
      },
    );
  });

  it("near miss: blocks enough for one max-length sequence raise nothing", async () => {
    await eachWrap([oldBanner("/data/ckpt/baichuan2-13b", 4096, 1), "INFO 02-14 09:13:02 llm_engine.py:275] # GPU blocks: 256, # CPU blocks: 327"], (r, at) => {
      expect(r.facts.kvCache.tokens, at).toBe(4096);
      expect(ids(r), at).toEqual([]);
    });
  });

  it("the oldest field order (use_dummy_weights / use_np_weights, no max_seq_len)", async () => {
    const r = await analyzeText(
      "INFO 08-02 10:11:12 llm_engine.py:60] Initializing an LLM engine with config: model='facebook/opt-6.7b', tokenizer='facebook/opt-6.7b', tokenizer_mode=auto, trust_remote_code=False, dtype=torch.float16, use_dummy_weights=False, download_dir=None, use_np_weights=False, tensor_parallel_size=2, seed=0)\n",
    );
    expect(r.facts.config.model).toBe("facebook/opt-6.7b");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.maxModelLen).toBeNull();
  });
});

describe("a script's or FastChat's traceback through the engine's construction", () => {
  const frames = (wrap: (l: string) => string) => [
    oldBanner("/srv/models/llama-2-7b", 4096, 2),
    wrap("Traceback (most recent call last):"),
    wrap('  File "/srv/app/main.py", line 21, in <module>'),
    wrap("    engine = AsyncLLMEngine.from_engine_args(engine_args)"),
    wrap('  File "/opt/venv/lib/python3.10/site-packages/vllm/engine/async_llm_engine.py", line 486, in from_engine_args'),
    wrap("    engine = cls(engine_args.worker_use_ray,"),
  ];
  const fastchat = (l: string) => `2023-12-15 00:46:02 | ERROR | stderr | ${l}`;

  it("a traceback into vLLM's from_engine_args is the engine failing to start; no frame is the first error", async () => {
    for (const [name, wrap] of [["plain", (l: string) => l], ["FastChat stderr", fastchat]] as const)
      await eachWrap(frames(wrap), (r, at) => {
        expect(ids(r, "error"), `${name} ${at}`).toEqual(["vllm/engine-init-failed"]);
        expect(r.facts.firstError, `${name} ${at}`).toBeNull();
        expect(r.facts.config.tensorParallelSize, `${name} ${at}`).toBe(2);
      }, WRAPS.slice(0, 3));
  });

  it("near miss: the paste stops at the caller's own line (no vLLM frame after it): no diagnosis", async () => {
    await eachWrap(frames(fastchat).slice(0, 4), (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
    }, WRAPS.slice(0, 3));
  });
});

describe("0.6.4's one-line memory profiling, `Maximum concurrency` and the bare max-seq-len message", () => {
  const profile = (peak: string, kv: string) =>
    `Memory profiling results: total_gpu_memory=23.58GiB initial_memory_usage=15.02GiB peak_torch_memory=${peak}GiB memory_usage_post_profile=15.11Gib non_torch_memory=0.41GiB kv_cache_size=${kv}GiB gpu_memory_utilization=0.92`;

  it("below 1x: the KV cache too small is the error and the first error; concurrency is a warning", async () => {
    await eachWrap(
      [
        "Loading model weights took 14.9890 GB",
        profile("17.40", "3.12"),
        "# GPU blocks: 1597, # CPU blocks: 2048",
        "Maximum concurrency for 30000 tokens per request: 0.85x",
        "The model's max seq len (30000) is larger than the maximum number of tokens that can be stored in KV cache (25552). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
      ],
      (r, at) => {
        expect(r.facts.memory.modelWeightsGiB, at).toBe(14.989);
        expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.92);
        expect(r.facts.kvCache.availableGiB, at).toBe(3.12);
        expect(r.facts.kvCache.gpuBlocks, at).toBe(1597);
        expect(r.facts.kvCache.maxConcurrency, at).toBe(0.85);
        expect(r.facts.kvCache.tokensPerRequest, at).toBe(30000);
        expect(r.facts.firstError?.line, at).toBe(5);
        expect(finding(r, "vllm/kv-cache-too-small")?.severity, at).toBe("error");
        expect(finding(r, "vllm/low-concurrency")?.severity, at).toBe("warning");
      },
    );
  });

  it("near miss: 1.56x and no message; a blocks line that lost its `# ` is still read", async () => {
    await eachWrap(
      ["Loading model weights took 14.9890 GB", profile("17.02", "3.85"), "GPU blocks: 1971, # CPU blocks: 2048", "Maximum concurrency for 20000 tokens per request: 1.56x"],
      (r, at) => {
        expect(r.facts.kvCache.gpuBlocks, at).toBe(1971);
        expect(r.facts.kvCache.cpuBlocks, at).toBe(2048);
        expect(r.facts.kvCache.maxConcurrency, at).toBe(1.56);
        expect(r.facts.firstError, at).toBeNull();
        expect(ids(r, "error"), at).toEqual([]);
        expect(finding(r, "vllm/low-concurrency"), at).toBeUndefined();
      },
    );
  });
});

describe("a banner hard-wrapped by the terminal at a fixed width (inside a key, inside a number)", () => {
  const physical = [
    "INFO 10-27 16:21:47 llm_engine.py:174] Initializing an LLM engine (v0.5.4) with config: model='/lustre/share/models/hf/llama",
    "-3.1-405b-instruct', speculative_config=None, tokenizer='/lustre/share/models/hf/llama-3.1-405b-instruct', skip_tokenizer_init=False, tokenizer_mode=slow, rev",
    "ision=None, rope_scaling=None, rope_theta=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=81",
    "92, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=1",
    "6, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=True, kv_cache_dtype=auto, quantization_param_path=N",
    "one, device_config=cuda, seed=0, served_model_name=/lustre/share/models/hf/llama-3.1-405b-instruct, use_v2_block_manager=False, enable_prefix_caching=False)",
    "INFO 10-27 16:21:47 ray_gpu_executor.py:120] driver_ip: 10.8.0.182",
    "INFO 10-27 16:30:57 pynccl.py:63] vLLM is using nccl==2.20.5",
  ];
  // a collector writes its prefix on each line it received; the terminal wrapped them after that
  const wraps: [string, (l: string) => string][] = WRAPS.slice(0, 3).map(([n, w]) => [n, (l: string) => (l.startsWith("INFO") ? w(l) : l)]);

  it("joins the pieces into the values", async () => {
    await eachWrap(physical, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.5.4");
      expect(r.facts.config.model, at).toBe("/lustre/share/models/hf/llama-3.1-405b-instruct");
      expect(r.facts.config.maxModelLen, at).toBe(8192);
      expect(r.facts.config.tensorParallelSize, at).toBe(16);
      expect(r.facts.config.pipelineParallelSize, at).toBe(1);
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.nccl.version, at).toBe("2.20.5");
      expect(ids(r, "error"), at).toEqual([]);
    }, wraps);
  });
});

describe("V0 workers failing while the engine starts", () => {
  it("a multiprocessing worker's ValueError inside its ERROR records", async () => {
    const p = "(VllmWorkerProcess pid=5112) ERROR 07-24 14:07:40 multiproc_worker_utils.py:226]";
    await eachWrap(
      [
        `${p}   File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py", line 212, in initialize_cache`,
        `${p}     raise_if_cache_size_invalid(num_gpu_blocks,`,
        `${p}   File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py", line 372, in raise_if_cache_size_invalid`,
        `${p}     raise ValueError(`,
        `${p} ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (61440). Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`,
      ],
      (r, at) => {
        expect(r.facts.firstError?.line, at).toBe(5);
        expect(r.facts.config.maxModelLen, at).toBe(131072);
        expect(ids(r, "error").sort(), at).toEqual(["vllm/engine-init-failed", "vllm/kv-cache-too-small"]);
      },
      WRAPS.slice(0, 3),
    );
  });

  it("an RL framework's Ray actor failing in initialize_cache, behind kubectl's timestamps", async () => {
    const p = "(LLMRayActor pid=40211) ERROR 06-28 06:11:45 worker_base.py:145]";
    await eachWrap(
      [
        "(LLMRayActor pid=40211) INFO 06-28 06:11:45 distributed_gpu_executor.py:45] # GPU blocks: 412, # CPU blocks: 1638",
        `${p} Error executing method initialize_cache. This might cause deadlock in distributed execution.`,
        `${p} Traceback (most recent call last):`,
        `${p}   File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker_base.py", line 137, in execute_method`,
        `${p}     return executor(*args, **kwargs)`,
      ],
      (r, at) => {
        expect(r.facts.kvCache.gpuBlocks, at).toBe(412);
        expect(r.facts.kvCache.tokens, at).toBe(6592);
        expect(r.facts.firstError?.line, at).toBe(2);
        expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      },
      WRAPS.slice(0, 2),
    );
  });

  it("a Ray TP group's pynccl internal error under `[rank0]:` and the worker's init_device", async () => {
    const r = await analyzeText(
      [
        '[rank0]:   File "/opt/conda/lib/python3.10/site-packages/vllm/distributed/device_communicators/pynccl_wrapper.py", line 223, in NCCL_CHECK',
        '[rank0]:     raise RuntimeError(f"NCCL error: {error_str}")',
        "[rank0]: RuntimeError: NCCL error: internal error - please report this issue to the NCCL developers",
        "(RayWorkerWrapper pid=6104) ERROR 08-26 19:08:22 worker_base.py:382] Error executing method init_device. This might cause deadlock in distributed execution.",
        "(RayWorkerWrapper pid=6104) ERROR 08-26 19:08:22 worker_base.py:382] Traceback (most recent call last):",
        "",
      ].join("\r\n"),
    );
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r, "error").sort()).toEqual(["nccl/internal-error", "vllm/engine-init-failed"]);
  });

  it("0.3's CuPy NCCL communicator error names NCCL's code", async () => {
    const r = await analyzeText(
      [
        oldBanner("meta-llama/Llama-2-13b-chat-hf", 4096, 2),
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.10/dist-packages/vllm/model_executor/parallel_utils/cupy_utils.py", line 96, in init_process_group',
        "    _NCCL_BACKEND = NCCLBackendWithBFloat16(world_size, rank, host, port)",
        '  File "cupy_backends/cuda/libs/nccl.pyx", line 129, in cupy_backends.cuda.libs.nccl.check_status',
        "cupy_backends.cuda.libs.nccl.NcclError: NCCL_ERROR_UNHANDLED_CUDA_ERROR: unhandled cuda error",
        "",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(6);
    expect(ids(r, "error")).toContain("nccl/cuda-error");
  });
});

describe("config echoes cut by the paste", () => {
  it("`args: Namespace(…)` hard-wrapped inside a key and cut at the end", async () => {
    await eachWrap(
      [
        "INFO 08-16 11:21:48 api_server.py:340] args: Namespace(model_tag=None, host=None, port=8080, model='/mnt/models/Qwen2-72B-Instruct/', tokenizer=None, max_model_len=None, distributed_executor_backend=None, worker_u",
        "se_ray=False, pipeline_parallel_size=1, tensor_parallel_size=4, block_size=16, swap_space=4, gpu_memory_utilization=0.85, num_gpu_blocks_override=Non",
      ],
      (r, at) => {
        expect(r.facts.config.model, at).toBe("/mnt/models/Qwen2-72B-Instruct/");
        expect(r.facts.config.tensorParallelSize, at).toBe(4);
        expect(r.facts.config.pipelineParallelSize, at).toBe(1);
        expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
        expect(r.facts.config.maxModelLen, at).toBeNull();
        expect(r.facts.config.executorBackend, at).toBeNull();
      },
      WRAPS.slice(0, 1),
    );
  });

  it("0.6.4's banner cut mid-field after `Defaulting to use mp`; 0.4.3's after an existing Ray cluster", async () => {
    await eachWrap(
      [
        "INFO 11-25 08:17:27 config.py:1020] Defaulting to use mp for distributed inference",
        "INFO 11-25 08:17:27 llm_engine.py:249] Initializing an LLM engine (v0.6.4.post1) with config: model='/models/Qwen2-VL-7B-Instruct', speculative_config=None, tokenizer='/models/Qwen2-VL-7B-Instruct', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, override_neuron_config=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=16384, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=2, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, quantization_param_path=None, device_config=cuda, decoding_config=DecodingConfig(guided_decoding_backend='outlines'), observability_config=Obse",
      ],
      (r, at) => {
        expect(r.facts.vllm.version, at).toBe("0.6.4.post1");
        expect(r.facts.config.executorBackend, at).toBe("mp");
        expect(r.facts.config.maxModelLen, at).toBe(16384);
        expect(r.facts.config.tensorParallelSize, at).toBe(2);
      },
      WRAPS.slice(0, 3),
    );
    const ray = await analyzeText(
      [
        "2024-06-10 16:36:06,142 INFO worker.py:1568 -- Connecting to existing Ray cluster at address: 192.168.19.245:6379...",
        "INFO 06-10 16:36:06 llm_engine.py:161] Initializing an LLM engine (v0.4.3) with config: model='/ckpt/llama3-8b-sft', speculative_config=None, tokenizer='meta-llama/Meta-Llama-3-8B-Instruct', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, rope_scaling=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=8192, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=2, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, quantization_param_path=None, device_config=cuda, decoding_config=DecodingConfig(guided_decoding_backend='outlines'), seed=0, served_model_name=/ckpt/llama3-8b-sft)",
        "",
      ].join("\n"),
    );
    expect(ray.facts.vllm.version).toBe("0.4.3");
    expect(ray.facts.config.executorBackend).toBe("ray");
    expect(ray.facts.config.model).toBe("/ckpt/llama3-8b-sft");
  });
});

describe("bfloat16 on a GPU older than compute capability 8.0 (vllm/dtype-unsupported)", () => {
  const old = "ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5.";
  const hint = `${old} You can use float16 instead by explicitly setting the\`dtype\` flag in CLI, for example: --dtype=half.`;

  it("the bare ValueError, either wording, under every wrapper: the first error, the GPU's name, float16 advice", async () => {
    for (const line of [old, hint])
      await eachWrap([oldBanner("Qwen/Qwen-7B-Chat", 8192, 1).replace("dtype=torch.float16", "dtype=torch.bfloat16"), line], (r, at) => {
        const f = finding(r, "vllm/dtype-unsupported");
        expect(f?.severity, at).toBe("error");
        expect(f?.message, at).toContain("dtype=torch.bfloat16 in the engine's config");
        expect(f?.message, at).toContain("the Tesla T4 has compute capability 7.5.");
        expect(f?.remediation[0], at).toContain("`--dtype half`");
        expect(r.facts.gpu.name, at).toBe("Tesla T4");
        expect(r.facts.firstError?.line, at).toBe(2);
      });
  });

  it("the message pasted without `ValueError: ` is still the first error (as the KV cache messages are)", async () => {
    await eachWrap(
      [
        "Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla P100-PCIE-16GB GPU has compute capability 6.0.",
        "RuntimeError: GPUs with compute capability below 7.0 are not supported.",
      ],
      (r, at) => {
        expect(r.facts.firstError?.line, at).toBe(1);
        expect(r.facts.gpu.name, at).toBe("Tesla P100-PCIE-16GB");
        expect(finding(r, "vllm/dtype-unsupported")?.remediation[2], at).toContain("older than Volta");
      },
      WRAPS.slice(0, 3),
    );
  });

  it("inside a worker's traceback: the engine's failure names it as its cause", async () => {
    const r = await analyzeText(
      [
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py", line 71, in init_model',
        "    _check_if_gpu_supports_dtype(self.model_config.dtype)",
        '  File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py", line 231, in _check_if_gpu_supports_dtype',
        "    raise ValueError(",
        "ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-SXM2-16GB GPU has compute capability 7.0.",
        "",
      ].join("\r\n"),
    );
    expect(ids(r, "error")).toEqual(["vllm/dtype-unsupported", "vllm/engine-init-failed"]);
    expect(finding(r, "vllm/engine-init-failed")?.causedBy).toContain("vllm/dtype-unsupported");
  });

  it("near misses: vLLM's cast warning, a troubleshooting table's row", async () => {
    for (const line of ["WARNING 12-05 10:00:00 config.py:188] Casting torch.bfloat16 to torch.float16.", "| `Bfloat16 is only supported` on a T4 | use --dtype half |"]) {
      const r = await analyzeText(line + "\n");
      expect(finding(r, "vllm/dtype-unsupported"), line).toBeUndefined();
      expect(r.facts.firstError, line).toBeNull();
    }
  });
});

describe("0.2-0.3's worker method init_model is start-up", () => {
  const frames = [
    '  File "/usr/local/lib/python3.10/dist-packages/vllm/engine/llm_engine.py", line 795, in _run_workers',
    "    driver_worker_output = getattr(self.driver_worker,",
    '  File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py", line 71, in init_model',
    "    _check_if_gpu_supports_dtype(self.model_config.dtype)",
    '  File "/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py", line 231, in _check_if_gpu_supports_dtype',
  ];
  it("frames alone (the paste cut before and after them), behind FastChat's stderr logger and docker compose", async () => {
    await eachWrap(frames.map((l) => `2024-02-20 21:46:23 | ERROR | stderr | ${l}`), (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.firstError, at).toBeNull();
    }, WRAPS.slice(0, 3));
  });
  it("near miss: a trainer's own init_model (not vLLM's file) in a Ray actor is no start-up of vLLM's", async () => {
    const r = await analyzeText(
      [
        "(PolicyActor pid=9120) Traceback (most recent call last):",
        '(PolicyActor pid=9120)   File "/workspace/rlhf/trainer/actor.py", line 88, in init_model',
        "(PolicyActor pid=9120)     self.model = AutoModelForCausalLM.from_pretrained(path)",
        '(PolicyActor pid=9120)   File "/usr/local/lib/python3.10/dist-packages/transformers/modeling_utils.py", line 3310, in from_pretrained',
        "",
      ].join("\n"),
    );
    expect(finding(r, "vllm/engine-init-failed")).toBeUndefined();
  });
});

describe("vLLM's compiled kernels that cannot be loaded (vllm/kernels-import-failed)", () => {
  it("0.5's WARNING before the banner: an error finding, though the record is a warning (and no first error)", async () => {
    await eachWrap(
      [
        "WARNING 08-27 13:59:59 _custom_ops.py:15] Failed to import from vllm._C with ImportError('libcudart.so.12: cannot open shared object file: No such file or directory')",
        "INFO 08-27 14:00:04 llm_engine.py:174] Initializing an LLM engine (v0.5.4) with config: model='/data/models/glm-4-9b-chat', speculative_config=None, tokenizer='/data/models/glm-4-9b-chat', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, rope_scaling=None, rope_theta=None, tokenizer_revision=None, trust_remote_code=True, dtype=torch.bfloat16, max_seq_len=8192, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=1, pipeline_parallel_size=1",
      ],
      (r, at) => {
        expect(ids(r, "error"), at).toEqual(["vllm/kernels-import-failed"]);
        expect(finding(r, "vllm/kernels-import-failed")?.message, at).toContain("vLLM's compiled kernels (vllm._C) could not load libcudart.so.12: it was built for CUDA 12");
        expect(r.facts.firstError, at).toBeNull();
        expect(r.facts.vllm.version, at).toBe("0.5.4");
      },
    );
  });

  it("≤0.3: the import of vLLM itself fails (the exception line is the first error)", async () => {
    await eachWrap(
      [
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.8/dist-packages/vllm/utils.py", line 8, in <module>',
        "    from vllm import cuda_utils",
        "ImportError: libcudart.so.12: cannot open shared object file: No such file or directory",
      ],
      (r, at) => {
        expect(ids(r, "error"), at).toEqual(["vllm/kernels-import-failed"]);
        expect(r.facts.firstError?.line, at).toBe(4);
      },
      WRAPS.slice(0, 3),
    );
  });

  it("in a worker's start-up traceback: the engine's failure names it as its cause", async () => {
    const r = await analyzeText(
      [
        "Traceback (most recent call last):",
        '  File "/srv/vllm/vllm/executor/gpu_executor.py", line 77, in _init_worker',
        "    self.driver_worker.load_model()",
        '  File "/srv/vllm/vllm/model_executor/layers/activation.py", line 9, in <module>',
        "    from vllm._C import ops",
        "ImportError: /srv/vllm/vllm/_C.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c106detail14torchCheckFailEPKcS2_jRKSs",
        "",
      ].join("\r\n"),
    );
    expect(ids(r, "error")).toEqual(["vllm/kernels-import-failed", "vllm/engine-init-failed"]);
    expect(finding(r, "vllm/engine-init-failed")?.causedBy).toContain("vllm/kernels-import-failed");
  });

  it("near misses: the driver's libcuda.so.1 and a CPU build without `vllm._C`", async () => {
    for (const line of [
      "WARNING 09-02 06:44:03 _custom_ops.py:20] Failed to import from vllm._C with ImportError('libcuda.so.1: cannot open shared object file: No such file or directory')",
      "WARNING 06-01 10:00:00 _custom_ops.py:14] Failed to import from vllm._C with ModuleNotFoundError(\"No module named 'vllm._C'\")",
    ]) {
      const r = await analyzeText(line + "\n");
      expect(finding(r, "vllm/kernels-import-failed"), line).toBeUndefined();
    }
  });
});
