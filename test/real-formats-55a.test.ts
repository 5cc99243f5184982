import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fifth round of real logs: mainstream vllm-project/vllm bug reports of 0.6–0.9 (2024-09 to
 * 2025-06). The tool read every labelled fact of them at first sight; what the round changed is the KV cache token
 * count of the early V1 engine (0.7.0–0.7.2, `VLLM_USE_V1=1`), which printed `# GPU blocks: N` and `Maximum
 * concurrency for L tokens per request: X` but no `GPU KV cache size` line, so the token count stayed empty. The two
 * lines fix the block size (X = N × size / L), and V0's 16-by-default product now checks itself against the same line.
 * The other cases pin shapes of this era the tool already read: a TorchServe worker log around vLLM's multiprocessing
 * workers, V0 async-engine errors pasted as one physical line, 0.6.5's tabular memory profile, 0.8's bracketed V0
 * worker OOM and a raylet report of a dead worker under NCCL watchdog frames. Every log text here is written for the
 * test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T18:40:11.518204113Z ${l}`],
  ["docker compose", (l) => `vllm-server-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:default:LLMServer pid=5120, ip=10.2.0.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("early V1 (0.7.0–0.7.2): `# GPU blocks: N` and the concurrency line give the token count", () => {
  const v1 = (blocks: number, perRequest: number, x: string) => [
    "INFO 02-03 10:12:40 gpu_model_runner.py:872] Loading model weights took 14.9896 GB",
    "INFO 02-03 10:12:52 backends.py:585] Dynamo bytecode transform time: 9.41 s",
    "INFO 02-03 10:13:20 monitor.py:31] torch.compile takes 31.07 s in total",
    `INFO 02-03 10:13:21 kv_cache_utils.py:400] # GPU blocks: ${blocks}`,
    `INFO 02-03 10:13:21 kv_cache_utils.py:403] Maximum concurrency for ${perRequest} tokens per request: ${x}x`,
    "INFO 02-03 10:13:40 gpu_model_runner.py:1015] Graph capturing finished in 19 secs, took 0.51 GiB",
  ];

  it("reads tokens = blocks × 16 when the concurrency line agrees with vLLM's default", async () => {
    // 2,917 × 16 / 8,192 = 5.697 → 5.70x
    await eachWrap(v1(2917, 8192, "5.70"), (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.kvCache, at).toMatchObject({ gpuBlocks: 2917, cpuBlocks: null, tokens: 46672, maxConcurrency: 5.7, tokensPerRequest: 8192 });
      expect(r.facts.memory.modelWeightsGiB, at).toBe(14.9896);
      expect(r.facts.sources["kvCache.tokens"], at).toMatchObject({ line: 4, derived: "kvCache.gpuBlocks (2917) × block size 16 (vLLM's default)" });
    });
  });

  it("takes the block size the two lines agree on (64 under an MLA backend)", async () => {
    // 905 × 64 / 16,384 = 3.535 → 3.54x; 16 would print 0.88x
    const r = await analyzeText(join(v1(905, 16384, "3.54"), (l) => l));
    expect(r.facts.kvCache.tokens).toBe(57920);
    expect(r.facts.sources["kvCache.tokens"]).toMatchObject({ line: 4, derived: "kvCache.gpuBlocks (905) × block size 64 (agrees with max concurrency 3.54x for 16384 tokens)" });
  });

  it("no size agrees: no token count rather than a guess", async () => {
    const r = await analyzeText(join(v1(905, 16384, "2.00"), (l) => l));
    expect(r.facts.kvCache).toMatchObject({ gpuBlocks: 905, tokens: null, maxConcurrency: 2 });
  });

  it("the V1 blocks line alone gives no token count", async () => {
    const r = await analyzeText(join(v1(2917, 8192, "5.70").filter((l) => !l.includes("Maximum concurrency")), (l) => l));
    expect(r.facts.kvCache).toMatchObject({ gpuBlocks: 2917, tokens: null });
  });

  it("a printed `GPU KV cache size` wins over any product", async () => {
    const lines = [...v1(2917, 8192, "5.70"), "INFO 02-03 10:13:21 kv_cache_utils.py:537] GPU KV cache size: 46,000 tokens"];
    const r = await analyzeText(join(lines, (l) => l));
    expect(r.facts.kvCache.tokens).toBe(46000);
  });
});

describe("V0 blocks line: the concurrency line settles the block size too", () => {
  const v0 = (extra: string[] = []) => [
    ...extra,
    "INFO 10-21 08:02:11 model_runner.py:1072] Loading model weights took 7.1015 GB",
    "INFO 10-21 08:02:19 gpu_executor.py:122] # GPU blocks: 3120, # CPU blocks: 1024",
    "INFO 10-21 08:02:19 gpu_executor.py:126] Maximum concurrency for 4096 tokens per request: 24.38x",
  ];

  it("32 when 32 is what the engine used (3,120 × 32 / 4,096 = 24.375)", async () => {
    await eachWrap(v0(), (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.kvCache, at).toMatchObject({ gpuBlocks: 3120, cpuBlocks: 1024, tokens: 99840, maxConcurrency: 24.38 });
    });
  });

  it("a stated block size wins over vLLM's default", async () => {
    const args = "INFO 10-21 08:01:40 api_server.py:529] args: Namespace(host=None, port=8000, model='acme/chat-7b', tokenizer=None, block_size=32, tensor_parallel_size=1, gpu_memory_utilization=0.9)";
    await eachWrap(v0([args]).slice(0, 3), (r, at) => {
      expect(r.facts.config.blockSize, at).toBe(32);
      expect(r.facts.kvCache.tokens, at).toBe(99840);
    });
  });

  it("a concurrency line that fits no size leaves V0 at vLLM's default", async () => {
    const lines = v0().map((l) => l.replace("24.38x", "3.00x"));
    const r = await analyzeText(join(lines, (l) => l));
    expect(r.facts.kvCache.tokens).toBe(49920);
  });

  it("without the concurrency line, vLLM's default 16", async () => {
    const r = await analyzeText(join(v0().slice(0, 2), (l) => l));
    expect(r.facts.kvCache.tokens).toBe(49920);
  });
});

describe("a TorchServe worker log around vLLM's multiprocessing workers (0.6)", () => {
  const ts = (stream: string, l: string) => `2024-10-02T07:31:${l.length % 50 + 10},${String(l.length).padStart(3, "0")} [${stream === "stderr" ? "WARN " : "INFO "}] W-9000-llama_1.0-${stream} MODEL_LOG - ${l}`;
  const lines = [
    ts("stderr", "Loading safetensors checkpoint shards: 100% Completed | 2/2 [00:21<00:00, 10.52s/it]"),
    ts("stdout", "(VllmWorkerProcess pid=40211) INFO 10-02 07:31:30 model_runner.py:1025] Loading model weights took 3.7551 GB"),
    ts("stdout", "INFO 10-02 07:31:30 model_runner.py:1025] Loading model weights took 3.7551 GB"),
    ts("stdout", "INFO 10-02 07:31:33 distributed_gpu_executor.py:57] # GPU blocks: 20510, # CPU blocks: 4096"),
    ts("stdout", "INFO 10-02 07:31:33 distributed_gpu_executor.py:61] Maximum concurrency for 32768 tokens per request: 10.01x"),
  ];
  it("reads the executor, the weights and the blocks through the wrapper", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol) + eol);
      expect(r.facts.config.executorBackend).toBe("mp");
      expect(r.facts.memory.modelWeightsGiB).toBe(3.7551);
      expect(r.facts.kvCache).toMatchObject({ gpuBlocks: 20510, cpuBlocks: 4096, tokens: 328160, maxConcurrency: 10.01, tokensPerRequest: 32768 });
      expect(r.facts.firstError).toBeNull();
      expect(ids(r, "error")).toEqual([]);
    }
  });
});

describe("V0 async-engine error records pasted as one physical line", () => {
  const flat =
    "ERROR 05-06 11:20:41 [async_llm_engine.py:68] Engine background task failed ERROR 05-06 11:20:41 [async_llm_engine.py:68] Traceback (most recent call last): ERROR 05-06 11:20:41 [async_llm_engine.py:68] File \"/opt/venv/lib/python3.11/site-packages/vllm/engine/async_llm_engine.py\", line 58, in _log_task_completion ERROR 05-06 11:20:41 [async_llm_engine.py:68] return_value = task.result()";
  it("the first record on the line is the first error and the engine is dead", async () => {
    await eachWrap([flat], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.firstError?.text, at).toContain("Engine background task failed");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(finding(r, "vllm/engine-dead"), at).toBeDefined();
      expect(ids(r, "error").filter((id) => id.startsWith("nccl/")), at).toEqual([]);
    });
  });
});

describe("0.6.5's tabular `Memory profiling results:`", () => {
  const lines = [
    "$ vllm serve acme/chat-13b --gpu-memory-utilization 0.85",
    "INFO 12-20 09:11:02 worker.py:241] Memory profiling results:",
    "INFO 12-20 09:11:02 worker.py:241] duration\t1.12 seconds",
    "INFO 12-20 09:11:02 worker.py:241] total_gpu_memory\t44.34GiB",
    "INFO 12-20 09:11:02 worker.py:241] gpu_memory_utilization\t0.85",
    "INFO 12-20 09:11:02 worker.py:241] the current vLLM instance can use\t37.69GiB",
    "INFO 12-20 09:11:02 worker.py:241] model weights take\t24.32GiB",
    "INFO 12-20 09:11:02 worker.py:241] non_torch_memory\t0.21GiB",
    "INFO 12-20 09:11:02 worker.py:241] PyTorch activation peak memory\t2.04GiB",
    "INFO 12-20 09:11:02 worker.py:241] available_kv_cache_memory\t11.12GiB",
  ];
  it("reads the breakdown, with tabs or with the runs of spaces a paste leaves", async () => {
    for (const sep of ["\t", "     "])
      await eachWrap(lines.map((l) => l.replace("\t", sep)), (r, at) => {
        expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
        expect(r.facts.memory, at).toMatchObject({ modelWeightsGiB: 24.32, totalGpuGiB: 44.34, peakActivationGiB: 2.04, nonTorchGiB: 0.21 });
        expect(r.facts.kvCache.availableGiB, at).toBe(11.12);
        expect(r.facts.vllm.engine, at).toBe("v0");
      });
  });
});

describe("0.8's V0 worker OOM in the bracketed record format", () => {
  const lines = [
    "(VllmWorkerProcess pid=7702) ERROR 04-14 16:05:09 [multiproc_worker_utils.py:238] Exception in worker VllmWorkerProcess while processing method determine_num_available_blocks.",
    "(VllmWorkerProcess pid=7702) ERROR 04-14 16:05:09 [multiproc_worker_utils.py:238] Traceback (most recent call last):",
    "(VllmWorkerProcess pid=7702) ERROR 04-14 16:05:09 [multiproc_worker_utils.py:238]   File \"/opt/venv/lib/python3.12/site-packages/vllm/worker/model_runner.py\", line 1309, in profile_run",
    "(VllmWorkerProcess pid=7702) ERROR 04-14 16:05:09 [multiproc_worker_utils.py:238] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB. GPU 1 has a total capacity of 23.55 GiB of which 1.02 GiB is free. Including non-PyTorch memory, this process has 22.52 GiB memory in use. Of the allocated memory 21.80 GiB is allocated by PyTorch, and 310.45 MiB is reserved by PyTorch but unallocated.",
  ];
  it("is a CUDA OOM of a multiprocessing worker, first error at the worker's exception", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(finding(r, "vllm/cuda-oom"), at).toBeDefined();
      expect(r.facts.memory.oom, at).toMatchObject({ gpu: 1, triedGiB: 1.96, totalGiB: 23.55 });
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
});

describe("a raylet report of a dead worker under NCCL watchdog frames", () => {
  const died = (exitType: string) => [
    "(RayWorkerWrapper pid=31877) /usr/lib/x86_64-linux-gnu/libstdc++.so.6(+0xdc253) [0x7f1a2c4dc253]",
    "(RayWorkerWrapper pid=31877) /opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so(+0xd1c7a2) [0x7f0f9a51c7a2] c10d::ProcessGroupNCCL::ncclCommWatchdog()",
    "(RayWorkerWrapper pid=31877) /usr/lib/x86_64-linux-gnu/libc.so.6(+0x94ac3) [0x7f1a2e894ac3]",
    "(RayWorkerWrapper pid=31877) ",
    `(raylet) A worker died or was killed while executing a task by an unexpected system error. To troubleshoot the problem, check the logs for the dead worker. RayTask ID: ffffffffffffffff11aa Worker ID: 9c1e Node ID: 77b0 Worker IP address: 10.40.3.21 Worker port: 10011 Worker PID: 31877 Worker exit type: ${exitType} Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file.`,
  ];
  it("reports the dead Ray worker, and no NCCL failure the frames do not state", async () => {
    await eachWrap(died("SYSTEM_ERROR"), (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(finding(r, "vllm/ray-worker-died"), at).toBeDefined();
      expect(ids(r, "error").filter((id) => id.startsWith("nccl/")), at).toEqual([]);
    });
  });
  it("an intended exit is no finding", async () => {
    const r = await analyzeText(join(died("INTENDED_USER_EXIT"), (l) => l));
    expect(finding(r, "vllm/ray-worker-died")).toBeUndefined();
  });
});

describe("vllm/no-visible-gpu: torch's `No CUDA GPUs are available` (0.6–0.9 under Ray, containers, CUDA_VISIBLE_DEVICES)", () => {
  const rayInit = [
    "INFO 03-06 16:01:58 [__init__.py:207] Automatically detected platform cuda.",
    "INFO 03-06 16:02:05 [ray_distributed_executor.py:153] use_ray_spmd_worker: False",
    "(RayWorkerWrapper pid=5871, ip=10.12.0.7) ERROR 03-06 16:02:11 [worker_base.py:620] Error executing method 'init_device'. This might cause deadlock in distributed execution.",
    "(RayWorkerWrapper pid=5871, ip=10.12.0.7) ERROR 03-06 16:02:11 [worker_base.py:620] Traceback (most recent call last):",
    "(RayWorkerWrapper pid=5871, ip=10.12.0.7) ERROR 03-06 16:02:11 [worker_base.py:620]   File \"/opt/venv/lib/python3.11/site-packages/torch/cuda/__init__.py\", line 319, in _lazy_init",
    "(RayWorkerWrapper pid=5871, ip=10.12.0.7) ERROR 03-06 16:02:11 [worker_base.py:620]     torch._C._cuda_init()",
    "(RayWorkerWrapper pid=5871, ip=10.12.0.7) ERROR 03-06 16:02:11 [worker_base.py:620] RuntimeError: No CUDA GPUs are available",
  ];

  it("a Ray worker that got no GPU: the GPUs are there (platform cuda) but hidden, with Ray's way out", async () => {
    await eachWrap(rayInit, (r, at) => {
      const f = finding(r, "vllm/no-visible-gpu");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("counted no GPU (`No CUDA GPUs are available`)");
      expect(f!.message, at).toContain("so the GPUs are there but hidden from this process");
      expect(f!.message, at).toContain("Under Ray a process sees only the GPUs Ray reserved for it");
      expect(f!.remediation.join("\n"), at).toContain("ray_actor_options");
      expect(f!.evidence[0].line, at).toBe(7);
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });

  it("the engine failing after it is a knock-on", async () => {
    const lines = [...rayInit, "RuntimeError: Engine process failed to start. See stack trace for the root cause."];
    const r = await analyzeText(join(lines, (l) => l));
    const root = finding(r, "vllm/no-visible-gpu")!;
    const after = finding(r, "vllm/engine-init-failed");
    expect(root).toBeDefined();
    expect(after?.causedBy).toContain("vllm/no-visible-gpu");
    expect(r.findings[0].ruleId).toBe("vllm/no-visible-gpu");
  });

  it("a bare torch error with an echoed empty CUDA_VISIBLE_DEVICES names the variable and no Ray", async () => {
    const lines = ["$ export CUDA_VISIBLE_DEVICES=", "$ python serve.py", "Traceback (most recent call last):", '  File "/opt/venv/lib/python3.11/site-packages/torch/cuda/__init__.py", line 319, in _lazy_init', "    torch._C._cuda_init()", "RuntimeError: No CUDA GPUs are available"];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol) + eol);
      const f = finding(r, "vllm/no-visible-gpu")!;
      expect(f).toBeDefined();
      expect(f.message).toContain("The log shows CUDA_VISIBLE_DEVICES=(empty)");
      expect(f.message).not.toMatch(/Ray|NVML/);
      expect(f.remediation.join("\n")).not.toContain("ray status");
      expect(r.facts.firstError?.line).toBe(6);
    }
  });

  it("no driver library: the container or host advice", async () => {
    const r = await analyzeText(join(["RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx"], (l) => `vllm-server-1  | ${l}`));
    const f = finding(r, "vllm/no-visible-gpu")!;
    expect(f.message).toContain("found no NVIDIA driver in this process");
    expect(f.remediation[0]).toContain("`nvidia-smi` must work there");
  });

  it("near misses: collect_env's answers and the platform line are no finding", async () => {
    const r = await analyzeText(join(["Is CUDA available: False", "GPU models and configuration: No CUDA", "INFO 03-06 16:01:58 [__init__.py:207] Automatically detected platform cuda."], (l) => l));
    expect(finding(r, "vllm/no-visible-gpu")).toBeUndefined();
  });
});
