import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fifth round of real logs: vLLM on platforms other than CUDA GPUs (Intel Gaudi, Google TPU,
 * Ascend NPUs through vllm-ascend, Intel XPU with oneCCL, the CPU backend, AWS Neuron).
 * - 0.7.0–0.7.2 resolved the built-in platforms before the out-of-tree plugins, so with vllm-ascend installed every
 *   process printed `No platform detected, vLLM is running on UnspecifiedPlatform` and then `Platform plugin ascend is
 *   activated`: vllm/no-gpu-platform warned of a missing GPU on a run that had its NPU. A plugin activated now makes that
 *   verdict the order of those releases; a device that still could not be inferred stays a failure.
 * - Many excerpts never print the platform line, but name the platform otherwise: a module only that platform runs in
 *   the logger prefix (`tpu_model_runner.py`, `hpu_worker.py`, `ray_tpu_executor.py`), V0's blocks line by the device
 *   (`# TPU blocks`, `# npu blocks`), the attention selector refusing a backend `on XPU`, a platform refusing pinned
 *   memory (`Pin memory is not supported on Neuron.`), the CPU backend's own warnings. These now name `gpu.platform`,
 *   below any line that states it; the messages above the banner's device, which 0.3–0.4 printed as `cpu` on Neuron.
 * - An HCCL or oneCCL failure is no NCCL failure: no NCCL rule but the library's own (nccl/hccl-error, and since round
 *   80r22 nccl/oneccl-error) reads them.
 * Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T18:21:44.918230114Z ${l}`],
  ["docker compose", (l) => `npu-serve-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:llm:Deployment pid=7342, ip=10.30.1.8) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const platformOf = async (lines: string[]) => (await analyzeText(lines.join("\n") + "\n")).facts.gpu.platform ?? null;
const ncclIds = (r: Report) => ids(r).filter((id) => id.startsWith("nccl/"));

describe("a platform plugin activated after the built-in resolution found none (0.7.0–0.7.2)", () => {
  const plugins = [
    "INFO 05-14 09:02:11 __init__.py:28] Available plugins for group vllm.platform_plugins:",
    "INFO 05-14 09:02:11 __init__.py:30] name=ascend, value=vllm_ascend:register",
    "INFO 05-14 09:02:11 __init__.py:42] plugin ascend loaded.",
    "INFO 05-14 09:02:12 __init__.py:187] No platform detected, vLLM is running on UnspecifiedPlatform",
    `WARNING 05-14 09:02:12 _custom_ops.py:19] Failed to import from vllm._C with ModuleNotFoundError("No module named 'vllm._C'")`,
    "INFO 05-14 09:02:12 __init__.py:174] Platform plugin ascend is activated",
    "INFO 05-14 09:02:14 api_server.py:838] vLLM API server version 0.7.1",
  ];

  it("is no missing GPU: no finding, the plugin's platform, no error", async () => {
    await eachWrap(plugins, (r, at) => {
      expect(ids(r), at).toEqual([]);
      expect(r.facts.gpu.platform, at).toBe("ascend");
      expect(r.facts.vllm.version, at).toBe("0.7.1");
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("near misses: the verdict with no plugin after it still warns; a device not inferred still fails", async () => {
    const alone = await analyzeText(plugins.filter((l) => !l.includes("is activated")).join("\n") + "\n");
    expect(alone.findings.find((f) => f.ruleId === "vllm/no-gpu-platform")?.severity).toBe("warning");
    const failed = await analyzeText([...plugins, "ERROR 05-14 09:02:15 engine.py:389] RuntimeError: Failed to infer device type", ""].join("\n"));
    expect(failed.findings.find((f) => f.ruleId === "vllm/no-gpu-platform")?.severity).toBe("error");
    // plugins loaded, none activated (a broken vllm-ascend install): the verdict stands
    const loaded = await analyzeText(plugins.slice(0, 5).join("\n") + "\n");
    expect(ids(loaded)).toContain("vllm/no-gpu-platform");
  });
});

describe("the platform a module of its own names, in the logger prefix", () => {
  it("V0 and V1 TPU model runners, with the KV lines of a TPU run and its failure", async () => {
    const v1 = [
      "INFO 04-02 11:20:05 [loader.py:447] Loading weights took 3.12 seconds",
      "INFO 04-02 11:20:19 [kv_cache_utils.py:578] GPU KV cache size: 412,896 tokens",
      "INFO 04-02 11:20:19 [kv_cache_utils.py:581] Maximum concurrency for 2,048 tokens per request: 201.61x",
      "INFO 04-02 11:20:19 [tpu_model_runner.py:771] Compiling the model with different input shapes.",
      "INFO 04-02 11:20:19 [tpu_model_runner.py:775]   -- num_tokens: 16",
      "INFO 04-02 11:20:44 [tpu_model_runner.py:775]   -- num_tokens: 32",
      "ERROR 04-02 11:20:51 [core.py:369] EngineCore hit an exception: Traceback (most recent call last):",
      `ERROR 04-02 11:20:51 [core.py:369]   File "/opt/vllm/vllm/v1/engine/core.py", line 357, in run_engine_core`,
      "ERROR 04-02 11:20:51 [core.py:369]     engine_core = EngineCoreProc(*args, **kwargs)",
    ];
    await eachWrap(v1, (r, at) => {
      expect(r.facts.gpu.platform, at).toBe("tpu");
      expect(r.facts.kvCache.tokens, at).toBe(412896);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(201.61);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(2048);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError?.line, at).toBe(7);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(ncclIds(r), at).toEqual([]);
    });
    expect(await platformOf(["INFO 11-03 08:14:52 tpu_model_runner.py:276] Compiling the model with different input shapes..."])).toBe("tpu");
  });

  it("V0's Ray executor of the TPU: platform, Ray and V0 from its file, and the `# TPU blocks` line", async () => {
    const ray = [
      "INFO 11-03 08:14:40 ray_tpu_executor.py:272] # TPU blocks: 20480, # CPU blocks: 9362",
      "(RayWorkerWrapper pid=88412) INFO 11-03 08:14:47 tpu_model_runner.py:276] Compiling the model with different input shapes...",
      "INFO 11-03 08:16:30 tpu_model_runner.py:286] batch_size: 1, seq_len: 16",
    ];
    await eachWrap(ray, (r, at) => {
      expect(r.facts.gpu.platform, at).toBe("tpu");
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.kvCache.gpuBlocks, at).toBe(20480);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(9362);
      // TPU blocks hold another number of tokens than CUDA's default 16: no tokens from them
      expect(r.facts.kvCache.tokens, at).toBeNull();
    });
    // the executor file alone
    const alone = await analyzeText("INFO 11-03 08:14:40 ray_tpu_executor.py:272] # TPU blocks: 20480, # CPU blocks: 9362\n");
    expect(alone.facts.config.executorBackend).toBe("ray");
    expect(alone.facts.gpu.platform).toBe("tpu");
  });

  it("Gaudi's, Intel GPU's, the CPU backend's and Neuron's own modules", async () => {
    expect(await platformOf(["(EngineCore_DP0 pid=4410) INFO 01-22 10:41:07 [hpu_model_runner.py:3530] Warmup finished in 212 secs, allocated 3.1 GiB of device memory"])).toBe("hpu");
    expect(await platformOf(["INFO 09-14 11:01:29 hpu_worker.py:190] Model profiling run took 4.2 GiB of device memory"])).toBe("hpu");
    expect(await platformOf(["(VllmWorker rank=1 pid=812) INFO 05-09 13:03:52 [xpu_worker.py:104] Before memory profiling run, total GPU memory: 64.00 GiB"])).toBe("xpu");
    expect(await platformOf(["INFO 08-12 16:22:40 [cpu_model_runner.py:55] Starting to load model facebook/opt-125m..."])).toBe("cpu");
    expect(await platformOf(["INFO 12-18 07:15:33 neuron_model_runner.py:112] Starting to load model meta-llama/Llama-3.2-1B..."])).toBe("neuron");
    const mp = await analyzeText("INFO 07-10 12:00:01 multiproc_xpu_executor.py:48] Reducing Torch parallelism from 56 threads to 1\n");
    expect([mp.facts.gpu.platform, mp.facts.config.executorBackend, mp.facts.vllm.engine]).toEqual(["xpu", "mp", "v0"]);
  });

  it("near misses: modules every GPU build runs name no platform", async () => {
    expect(await platformOf(["INFO 04-02 11:20:05 [gpu_model_runner.py:1329] Starting to load model Qwen/Qwen2.5-7B-Instruct..."])).toBeNull();
    expect(await platformOf(["INFO 11-03 08:14:47 model_runner.py:1072] Starting to load model Qwen/Qwen2.5-7B-Instruct..."])).toBeNull();
    expect(await platformOf(["INFO 11-03 08:14:47 worker.py:232] Memory profiling takes 4.10 seconds"])).toBeNull();
    expect(await platformOf(["INFO 11-03 08:14:47 [cpu_offload.py:40] Offloading 12 layers to CPU"])).toBeNull();
    // a traceback frame in a platform's file is no logger prefix
    expect(await platformOf([`  File "/opt/vllm/vllm/worker/tpu_model_runner.py", line 512, in _dummy_run`])).toBeNull();
  });

  it("a line that states the platform outranks a module's name", async () => {
    expect(
      await platformOf([
        "INFO 10-29 07:08:44 [__init__.py:207] Platform plugin ascend is activated",
        "INFO 10-29 07:09:02 [tpu_model_runner.py:1] Compiling the model with different input shapes.",
      ]),
    ).toBe("ascend");
  });
});

describe("the device V0's blocks line names", () => {
  it("device names and the TPU executor's own name; Ascend's plugin logger beside it", async () => {
    const npu = [
      "2025-04-01 10:12:40 - INFO - vllm_ascend.worker.model_runner - Loading model weights took 6.1023 GB",
      "INFO 04-01 10:12:47 executor_base.py:111] # npu blocks: 4012, # CPU blocks: 873",
      "INFO 04-01 10:12:47 executor_base.py:116] Maximum concurrency for 16384 tokens per request: 31.34x",
    ];
    await eachWrap(npu, (r, at) => {
      expect(r.facts.gpu.platform, at).toBe("npu");
      expect(r.facts.kvCache.gpuBlocks, at).toBe(4012);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(873);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(31.34);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(16384);
      expect(r.facts.memory.modelWeightsGiB, at).toBe(6.1023);
      expect(r.facts.vllm.engine, at).toBe("v0");
    });
    for (const [device, platform] of [["hpu", "hpu"], ["HPU", "hpu"], ["xpu", "xpu"], ["XPU", "xpu"], ["tpu", "tpu"], ["neuron", "neuron"], ["rocm", "rocm"], ["cuda", "cuda"]])
      expect(await platformOf([`INFO 02-11 17:30:02 executor_base.py:111] # ${device} blocks: 1200, # CPU blocks: 512`]), device).toBe(platform);
  });

  it("the plugin's own name wins over its device's", async () => {
    expect(await platformOf(["INFO 04-01 10:12:30 __init__.py:174] Platform plugin ascend is activated", "INFO 04-01 10:12:47 executor_base.py:111] # npu blocks: 4012, # CPU blocks: 873"])).toBe("ascend");
  });

  it("near misses: names more than one platform printed (GPU, CUDA, XLA) and the CPU executor's line", async () => {
    for (const line of [
      "INFO 02-11 17:30:02 gpu_executor.py:122] # GPU blocks: 1200, # CPU blocks: 512",
      "INFO 02-11 17:30:02 executor_base.py:111] # CUDA blocks: 1200, # CPU blocks: 512",
      "INFO 02-11 17:30:02 executor_base.py:111] # XLA blocks: 1200, # CPU blocks: 512",
      "INFO 02-11 17:30:02 llm_engine.py:190] # CPU blocks: 27306",
    ])
      expect(await platformOf([line]), line).toBeNull();
    // the CPU executor's own file names it (the OpenVINO executor printed the same line)
    expect(await platformOf(["INFO 02-11 17:30:02 cpu_executor.py:190] # CPU blocks: 27306"])).toBe("cpu");
    expect(await platformOf(["INFO 02-11 17:30:02 openvino_executor.py:102] # CPU blocks: 27306"])).toBe("openvino");
    // V0's default block size still gives the tokens of CUDA's lines, whatever the case it prints the name in
    const cuda = await analyzeText("INFO 02-11 17:30:02 executor_base.py:111] # cuda blocks: 1200, # CPU blocks: 512\n");
    expect(cuda.facts.kvCache.tokens).toBe(19200);
  });
});

describe("lines only one platform prints", () => {
  it("the attention selector refusing a backend on XPU, under Ray's dedup", async () => {
    const xpu = [
      "2024:10:02-14:20:11:(  311) |CCL_WARN| topology recognition shows PCIe connection between devices. If this is not correct, you can disable topology recognition, with CCL_TOPO_FABRIC_VERTEX_CONNECTION_CHECK=0. This will assume XeLinks across devices",
      "(WrapperWithLoadBit pid=5120) INFO 10-02 14:20:03 selector.py:127] Cannot use _Backend.FLASH_ATTN backend on XPU. [repeated 7x across cluster]",
      "(WrapperWithLoadBit pid=5120) INFO 10-02 14:20:03 selector.py:76] Using IPEX attention backend. [repeated 7x across cluster]",
    ];
    await eachWrap(xpu, (r, at) => {
      expect(r.facts.gpu.platform, at).toBe("xpu");
      // a oneCCL warning is no failure and no NCCL line
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
      expect(ncclIds(r), at).toEqual([]);
    });
    for (const [line, platform] of [
      ["INFO 11-22 04:57:52 cpu.py:31] Cannot use _Backend.FLASH_ATTN backend on CPU.", "cpu"],
      ["INFO 06-03 02:11:09 selector.py:62] Cannot use _Backend.XFORMERS backend on TPU.", "tpu"],
      ["INFO 06-03 02:11:09 selector.py:58] Cannot use _Backend.FLASH_ATTN backend on OpenVINO.", "openvino"],
      ["INFO 06-03 02:11:09 [xpu.py:40] Cannot use AttentionBackendEnum.FLASH_ATTN backend on XPU.", "xpu"],
    ])
      expect(await platformOf([line]), line).toBe(platform);
  });

  it("the CPU backend's own warnings, in each unit they printed", async () => {
    const cpu = [
      "INFO 10-31 06:02:15 [utils.py:243] non-default args: {'max_model_len': 8192, 'model': 'Qwen/Qwen3-0.6B'}",
      "INFO 10-31 06:02:21 [model.py:1741] Using max model len 8192",
      "WARNING 10-31 06:02:21 [cpu.py:152] Environment variable VLLM_CPU_KVCACHE_SPACE (GiB) for CPU backend is not set, using 4 by default.",
    ];
    await eachWrap(cpu, (r, at) => {
      expect(r.facts.gpu.platform, at).toBe("cpu");
      expect(r.facts.config.model, at).toBe("Qwen/Qwen3-0.6B");
      expect(r.facts.config.maxModelLen, at).toBe(8192);
      expect(r.facts.firstError, at).toBeNull();
    });
    expect(await platformOf(["WARNING 12-12 22:52:57 cpu.py:68] Environment variable VLLM_CPU_KVCACHE_SPACE (GB) for CPU backend is not set, using 4 by default."])).toBe("cpu");
    expect(await platformOf(["WARNING 12-12 22:52:57 cpu.py:56] CUDA graph is not supported on CPU, fallback to the eager mode."])).toBe("cpu");
  });

  it("each platform's refusal of pinned memory, which outranks 0.3–0.4's banner device (Neuron ran as `device_config=cpu`)", async () => {
    const neuron = [
      "INFO 04-08 15:40:12 llm_engine.py:74] Initializing an LLM engine (v0.4.0.post1) with config: model='openlm-research/open_llama_3b', tokenizer='openlm-research/open_llama_3b', tokenizer_mode=auto, revision=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=256, download_dir=None, load_format=auto, tensor_parallel_size=2, disable_custom_all_reduce=True, quantization=None, enforce_eager=False, kv_cache_dtype=auto, device_config=cpu, seed=0)",
      "WARNING 04-08 15:40:14 utils.py:333] Pin memory is not supported on Neuron.",
      "2024-04-08 15:40:31.000212:  30211  INFO ||NEURON_CACHE||: Compile cache path: /var/tmp/neuron-compile-cache",
    ];
    await eachWrap(neuron, (r, at) => {
      expect(r.facts.gpu.platform, at).toBe("neuron");
      expect(r.facts.vllm.version, at).toBe("0.4.0.post1");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.maxModelLen, at).toBe(256);
      // (under a Ray actor's `ip=`, TP 2 with no NCCL line to place the ranks reads as Ray workers on another node:
      // vllm/tp-spans-nodes' warning, the Ray heuristic of src/facts/reconcile.ts, whatever the platform)
      expect(ids(r).filter((id) => !(at.startsWith("Ray") && id === "vllm/tp-spans-nodes")), at).toEqual([]);
    });
    // the banner alone still says what it says
    expect(await platformOf([neuron[0]])).toBe("cpu");
    for (const [line, platform] of [
      ["WARNING 01-27 11:07:57 [platform.py:163] Pin memory is not supported on HPU.", "hpu"],
      ["(EngineCore_DP0 pid=8933) WARNING 10-23 18:38:47 [cpu.py:316] Pin memory is not supported on CPU.", "cpu"],
      ["WARNING 07-02 09:30:18 [tpu.py:88] Pin memory is not supported on TPU.", "tpu"],
      ["WARNING 05-20 08:12:40 utils.py:721] Pin memory is not supported on WSL.", null],
    ])
      expect(await platformOf([line as string]), line as string).toBe(platform);
    // a line that states the platform outranks it
    expect(await platformOf(["INFO 10-23 18:38:44 [__init__.py:216] Automatically detected platform cpu.", "WARNING 10-23 18:38:47 [tpu.py:88] Pin memory is not supported on TPU."])).toBe("cpu");
  });

  it("near misses: the selector's other refusals, and prose about the variable", async () => {
    for (const line of [
      "INFO 06-03 02:11:09 selector.py:51] Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
      "INFO 06-03 02:11:09 selector.py:81] Cannot use FlashAttention-2 backend because the vllm_flash_attn package is not found.",
      "INFO 06-03 02:11:09 selector.py:81] Cannot use FlashAttention backend on this GPU.",
      "Set VLLM_CPU_KVCACHE_SPACE for CPU backend to 40 before you start the server",
    ])
      expect(await platformOf([line]), line).toBeNull();
  });
});

describe("collectives of other libraries fail without NCCL's rules", () => {
  it("an HCCL communicator that fails in a V1 worker: its own rule only, the first error its RuntimeError", async () => {
    const hccl = [
      "(VllmWorker rank=1 pid=6120) ERROR 09-04 02:13:20 [multiproc_executor.py:522]     pg.recv([tensor], group_src_rank, tag).wait()",
      "(VllmWorker rank=1 pid=6120) ERROR 09-04 02:13:20 [multiproc_executor.py:522] RuntimeError: create_config:build/CMakeFiles/torch_npu.dir/compiler_depend.ts:148 HCCL function error: hcclCommInitRootInfoConfig(numRanks, &rootInfo, rank, config, &(comm->hcclComm_)), error code is 7",
      "(VllmWorker rank=1 pid=6120) ERROR 09-04 02:13:20 [multiproc_executor.py:522] [ERROR] 2025-09-04-02:13:20 (PID:6120, Device:1, RankID:-1) ERR02200 DIST call hccl api failed.",
    ];
    await eachWrap(hccl, (r, at) => {
      expect(ncclIds(r), at).toEqual(["nccl/hccl-error"]);
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });

  it("oneCCL's error line is the first error of a worker that failed to start: its own rule only (round 80r22)", async () => {
    const ccl = [
      "2025:03:20-09:12:41:(  702) |CCL_WARN| value of CCL_LOCAL_RANK changed to be 0 (default:-1)",
      "2025:03:20-09:12:41:(  702) |CCL_WARN| pidfd is not supported, fallbacks to drmfd exchange mode",
      "2025:03:20-09:12:41:(  702) |CCL_ERROR| ze_fd_manager.cpp:214 fill_device_fds: condition fds[dev_idx] > 0 failed",
      "open failed: fd: -1, errno: No such file or directory",
      "ERROR 03-20 09:12:41 [worker_base.py:620] Error executing method 'init_device'. This might cause deadlock in distributed execution.",
      "ERROR 03-20 09:12:41 [worker_base.py:620] Traceback (most recent call last):",
    ];
    await eachWrap(ccl, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(ncclIds(r), at).toEqual(["nccl/oneccl-error"]);
    });
  });
});
