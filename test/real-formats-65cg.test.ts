import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixty-fifth round of real logs (theme "cg": CUDA graphs, torch.compile and memory profiling at
 * start-up, vLLM 0.5 → newest). The memory and KV cache lines of every era read right; what did not: a torch.compile
 * failure (`torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:`, torch ≥2.7's
 * `torch._inductor.exc.InductorError: …`) was no finding unless its traceback showed the engine's start-up, and a
 * worker's traceback that ended in a message-less `SystemExit:` (vLLM's worker signal handler stopping it) was taken
 * for the log's first error. Every log text here is written for the test in the printed layout.
 */

const KUBE = (l: string) => `2026-12-06T23:41:07.300128114Z ${l}`;
const COMPOSE = (l: string) => `vllm-1  | ${l}`;
const text = (lines: string[], wrap: (l: string) => string = (l) => l, eol = "\n") => lines.map(wrap).join(eol) + eol;
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

async function each(lines: string[], wrap: (l: string) => string, wrapName: string, check: (r: Report, at: string) => void): Promise<void> {
  check(await analyzeText(text(lines)), "plain");
  check(await analyzeText(text(lines, wrap, "\r\n")), `${wrapName} CRLF`);
}

describe("V0 (0.7–0.8) memory profiling of a multiprocessing run, then the CUDA graph capture", () => {
  const lines = [
    "(VllmWorkerProcess pid=412) INFO 02-11 08:15:40 [worker.py:267] Memory profiling takes 12.40 seconds",
    "(VllmWorkerProcess pid=412) INFO 02-11 08:15:40 [worker.py:267] the current vLLM instance can use total_gpu_memory (47.54GiB) x gpu_memory_utilization (0.92) = 43.74GiB",
    "(VllmWorkerProcess pid=412) INFO 02-11 08:15:40 [worker.py:267] model weights take 30.11GiB; non_torch_memory takes 0.42GiB; PyTorch activation peak memory takes 2.05GiB; the rest of the memory reserved for KV Cache is 11.16GiB.",
    "INFO 02-11 08:15:40 [worker.py:267] Memory profiling takes 12.38 seconds",
    "INFO 02-11 08:15:40 [worker.py:267] the current vLLM instance can use total_gpu_memory (47.54GiB) x gpu_memory_utilization (0.92) = 43.74GiB",
    "INFO 02-11 08:15:40 [worker.py:267] model weights take 30.11GiB; non_torch_memory takes 0.42GiB; PyTorch activation peak memory takes 2.05GiB; the rest of the memory reserved for KV Cache is 11.16GiB.",
    "INFO 02-11 08:15:41 [executor_base.py:111] # cuda blocks: 4570, # CPU blocks: 1638",
    "INFO 02-11 08:15:41 [executor_base.py:116] Maximum concurrency for 8192 tokens per request: 8.93x",
    "(VllmWorkerProcess pid=412) INFO 02-11 08:15:44 [model_runner.py:1450] Capturing cudagraphs for decoding. This may lead to unexpected consequences if the model is not static. To run the model in eager mode, set 'enforce_eager=True' or use '--enforce-eager' in the CLI. If out-of-memory error occurs during cudagraph capture, consider decreasing `gpu_memory_utilization` or switching to eager mode.",
    "INFO 02-11 08:16:02 [model_runner.py:1592] Graph capturing finished in 18 secs, took 0.35 GiB",
  ];
  it("reads the whole breakdown, the blocks and the graphs' memory, with no finding", async () => {
    await each(lines, KUBE, "kubectl", (r, at) => {
      expect(r.facts.memory, at).toMatchObject({ modelWeightsGiB: 30.11, totalGpuGiB: 47.54, peakActivationGiB: 2.05, nonTorchGiB: 0.42, cudaGraphGiB: 0.35 });
      expect(r.facts.kvCache, at).toMatchObject({ availableGiB: 11.16, gpuBlocks: 4570, cpuBlocks: 1638, maxConcurrency: 8.93, tokensPerRequest: 8192 });
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.92);
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("V1's compile, KV cache and capture lines with torch's graph-capture warnings from each rank", () => {
  const lines = [
    "(Worker_TP0 pid=5120) INFO 11-20 09:02:11 [backends.py:1148] Dynamo bytecode transform time: 9.84 s",
    "(Worker_TP0 pid=5120) INFO 11-20 09:02:30 [backends.py:393] Compiling a graph for compile range (1, 16384) takes 18.02 s",
    "(Worker_TP0 pid=5120) INFO 11-20 09:02:30 [monitor.py:53] torch.compile took 28.40 s in total",
    "(Worker_TP0 pid=5120) INFO 11-20 09:02:33 [gpu_worker.py:460] Available KV cache memory: 27.45 GiB",
    "(EngineCore_DP0 pid=5001) INFO 11-20 09:02:33 [kv_cache_utils.py:1307] GPU KV cache size: 719,584 tokens",
    "(EngineCore_DP0 pid=5001) INFO 11-20 09:02:33 [kv_cache_utils.py:1312] Maximum concurrency for 65,536 tokens per request: 10.98x",
    "(Worker_TP0 pid=5120) ",
    "Capturing CUDA graphs (mixed prefill-decode, PIECEWISE):   0%|          | 0/67 [00:00<?, ?it/s][rank1]:[W1120 09:02:34.118204551 CUDAGraph.cpp:137] Warning: Waiting for pending NCCL work to finish before starting graph capture. (function operator())",
    "[rank0]:[W1120 09:02:34.118209918 CUDAGraph.cpp:137] Warning: Waiting for pending NCCL work to finish before starting graph capture. (function operator())",
  ];
  it("reads the KV cache and raises nothing for the capture warnings", async () => {
    await each(lines, COMPOSE, "compose", (r, at) => {
      expect(r.facts.kvCache, at).toMatchObject({ availableGiB: 27.45, tokens: 719584, maxConcurrency: 10.98, tokensPerRequest: 65536 });
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
      expect(ids(r), at).not.toContain("vllm/torch-compile-failed");
    });
  });
});

describe("torch.compile failing at start-up (vllm/torch-compile-failed)", () => {
  const bare = [
    "vllm serve /models/Qwen2.5-14B-Instruct-GPTQ-Int4 --max-model-len 4096 --tensor-parallel-size 2 -O3",
    "Traceback (most recent call last):",
    '  File "/opt/venv/lib/python3.10/site-packages/torch/_inductor/codegen/triton_utils.py", line 160, in signature_of',
    "    return AttrsDescriptor.from_dict(desc)",
    '  File "/opt/triton/python/triton/backends/compiler.py", line 190, in from_dict',
    "    props[name] = list(map(tuple, ids))",
    "torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:",
    "TypeError: 'int' object is not iterable",
    "",
    "You can suppress this exception and fall back to eager by setting:",
    "    import torch._dynamo",
    "    torch._dynamo.config.suppress_errors = True",
  ];
  it("names Dynamo's backend and points at the next line for what it raised", async () => {
    await each(bare, KUBE, "kubectl", (r, at) => {
      const f = finding(r, "vllm/torch-compile-failed");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toBe(
        "torch.compile failed: Dynamo's compiler backend failed (backend 'inductor'); the exception it raised is on the line after this one. vLLM compiles the model with Dynamo and Inductor at start-up (V1 by default, V0 with -O3), so the engine stops there.",
      );
      expect(f!.evidence.map((e) => e.line), at).toEqual([7]);
      expect(f!.remediation[0], at).toContain("--enforce-eager");
      expect(f!.remediation.join(" "), at).toContain("torch_compile_cache");
      expect(r.facts.firstError?.line, at).toBe(7);
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
    });
  });

  it("reads Inductor's error on V1 workers, with the C compiler advice first, and explains the engine's failure", async () => {
    const lines = [
      "(EngineCore_DP0 pid=301) (Worker_TP0 pid=377) ERROR 09-02 03:04:05 [multiproc_executor.py:671] WorkerProc failed to start.",
      "(EngineCore_DP0 pid=301) (Worker_TP0 pid=377) ERROR 09-02 03:04:05 [multiproc_executor.py:671] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=301) (Worker_TP0 pid=377) ERROR 09-02 03:04:05 [multiproc_executor.py:671]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_worker.py", line 263, in determine_available_memory',
      "(EngineCore_DP0 pid=301) (Worker_TP0 pid=377) ERROR 09-02 03:04:05 [multiproc_executor.py:671]     self.model_runner.profile_run()",
      "(EngineCore_DP0 pid=301) (Worker_TP0 pid=377) ERROR 09-02 03:04:05 [multiproc_executor.py:671] torch._inductor.exc.InductorError: RuntimeError: Failed to find C compiler. Please specify via CC environment variable or set triton.knobs.build.impl.",
      "(EngineCore_DP0 pid=301) ERROR 09-02 03:04:06 [core.py:700] EngineCore failed to start.",
      "(APIServer pid=200) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ];
    await each(lines, COMPOSE, "compose", (r, at) => {
      const f = finding(r, "vllm/torch-compile-failed");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("Inductor failed to compile the traced graph (RuntimeError: Failed to find C compiler.");
      expect(f!.remediation[0], at).toContain("Install a C compiler");
      expect(f!.evidence.map((e) => e.line), at).toEqual([5]);
      const engine = finding(r, "vllm/engine-init-failed");
      expect(engine?.causedBy, at).toEqual(["vllm/torch-compile-failed"]);
    });
  });

  it("says to clear the compile cache first when vLLM reports a corrupted artifact or a full disk", async () => {
    const cache = await analyzeText(text([
      "(VllmWorker rank=0 pid=88) ERROR 05-02 10:00:00 [multiproc_executor.py:470] RuntimeError: vLLM failed to compile the model. The most likely reason for this is that a previous compilation failed, leading to a corrupted compilation artifact. We recommend trying to remove ~/.cache/vllm/torch_compile_cache and try again to see the real issue.",
    ]));
    const f = finding(cache, "vllm/torch-compile-failed")!;
    expect(f.message).toContain("a previous compilation left a corrupted artifact in its compile cache");
    expect(f.remediation[0]).toContain("Remove vLLM's compile cache");
    const full = await analyzeText(text([
      "(Worker_TP1 pid=1405) ERROR 07-01 14:35:41 [multiproc_executor.py:962] torch._inductor.exc.InductorError: OSError: [Errno 28] No space left on device",
    ]));
    const g = finding(full, "vllm/torch-compile-failed")!;
    expect(g.remediation.slice(0, 2).join(" ")).toContain("TORCHINDUCTOR_CACHE_DIR");
    const own = await analyzeText(text([
      "(VllmWorkerProcess pid=802) ERROR 04-23 00:04:19 multiproc_worker_utils.py:240] torch._dynamo.exc.BackendCompilerFailed: backend='<vllm.compilation.backends.VllmBackend object at 0x7f2a1c3d5e80>' raised:",
    ]));
    expect(finding(own, "vllm/torch-compile-failed")!.message).toContain("(vLLM's compile backend)");
  });

  it("near misses: the compile INFO lines, code that names the exception, Dynamo's hint, and a torchrun job's own compile", async () => {
    const quiet = await analyzeText(text([
      "(Worker_TP0 pid=9) INFO 05-18 06:17:38 [backends.py:393] Compiling a graph for compile range (1, 8192) takes 34.03 s",
      "INFO 04-24 16:33:12 [monitor.py:33] torch.compile takes 6.41 s in total",
      "(Worker_TP0 pid=9) INFO 09-29 09:51:34 [backends.py:164] Directly load the compiled graph(s) for dynamic shape from the cache, took 4.510 s",
      "Traceback (most recent call last):",
      '  File "/opt/app/serve.py", line 40, in build',
      "    except torch._dynamo.exc.BackendCompilerFailed as e:",
      "ValueError: bad engine argument",
      "    torch._dynamo.config.suppress_errors = True",
      "(EngineCore_DP0 pid=12) WARNING 10-02 03:04:05 [backends.py:210] torch._dynamo.exc.Unsupported: Dynamic shape operator, compiling this submodule eagerly",
    ]));
    expect(ids(quiet)).not.toContain("vllm/torch-compile-failed");
    const training = await analyzeText(text([
      "[rank0]: Traceback (most recent call last):",
      '[rank0]:   File "/workspace/train.py", line 88, in <module>',
      "[rank0]:     loss = compiled(batch)",
      "[rank0]: torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:",
      "[rank0]: RuntimeError: Triton Error [CUDA]: device kernel image is invalid",
      "E1203 10:11:12.345000 140230 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 (pid: 8812) of binary: /usr/bin/python3",
      "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
    ]));
    expect(ids(training)).not.toContain("vllm/torch-compile-failed");
  });
});

describe("a worker's traceback that ends in a message-less SystemExit (stopped by its signal handler)", () => {
  const P = "(EngineCore_DP0 pid=4410) (Worker_TP3 pid=4431) ";
  const lines = [
    `${P}Traceback (most recent call last):`,
    `${P}  File "/usr/local/lib/python3.12/dist-packages/torch/_dynamo/utils.py", line 988, in <lambda>`,
    `${P}    self.refs[idx] = weakref.ref(key, lambda ref: self._remove_id(idx))`,
    `${P}  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py", line 682, in signal_handler`,
    `${P}    raise SystemExit()`,
    `${P}SystemExit:`,
    `${P}ERROR 12-03 08:09:10 [multiproc_executor.py:815] WorkerProc hit an exception.`,
  ];
  it("is no error: the ERROR record after it is the first error", async () => {
    await each(lines, KUBE, "kubectl", (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(7);
    });
  });
  it("nor a bare KeyboardInterrupt; a stop that says why (`KeyboardInterrupt: terminated`) stays the first error", async () => {
    const bare = await analyzeText(text([...lines.slice(0, 4), `${P}KeyboardInterrupt`, lines[6]]));
    expect(bare.facts.firstError?.line).toBe(6);
    const said = await analyzeText(text(["(APIServer pid=7) Traceback (most recent call last):", '(APIServer pid=7)   File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 1360, in signal_handler', '(APIServer pid=7)     raise KeyboardInterrupt("terminated")', "(APIServer pid=7) KeyboardInterrupt: terminated"]));
    expect(said.facts.firstError?.line).toBe(4);
  });
});

describe("failures during the CUDA graph capture", () => {
  it("CUDA's out of memory at capture_end is vllm/cuda-oom during the capture", async () => {
    const P = "(VllmWorker rank=1 pid=640) ERROR 06-02 11:12:13 [multiproc_executor.py:470] ";
    const lines = [
      `${P}  File "/usr/local/lib/python3.12/dist-packages/torch/cuda/graphs.py", line 186, in __exit__`,
      `${P}    self.cuda_graph.capture_end()`,
      `${P}  File "/usr/local/lib/python3.12/dist-packages/torch/cuda/graphs.py", line 84, in capture_end`,
      `${P}    super().capture_end()`,
      `${P}RuntimeError: CUDA error: out of memory`,
      `${P}CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.`,
      `${P}`,
    ];
    await each(lines, COMPOSE, "compose", (r, at) => {
      const f = finding(r, "vllm/cuda-oom");
      expect(f?.message, at).toContain("while capturing CUDA graphs");
      expect(f!.remediation[0], at).toContain("--enforce-eager");
      expect(r.facts.firstError?.line, at).toBe(5);
      expect(ids(r), at).not.toContain("vllm/cuda-graph-capture-failed");
    });
  });
  it("torch ≥2.8 names the same failure torch.AcceleratorError: still vllm/cuda-oom during the capture", async () => {
    const P = "(Worker_TP5 pid=90412) ERROR 10-01 02:03:04 [multiproc_executor.py:674] ";
    const r = await analyzeText(text([
      `${P}  File "/opt/conda/lib/python3.12/site-packages/torch/cuda/graphs.py", line 104, in capture_end`,
      `${P}    super().capture_end()`,
      `${P}torch.AcceleratorError: CUDA error: out of memory`,
      `${P}For debugging consider passing CUDA_LAUNCH_BLOCKING=1`,
    ]));
    expect(finding(r, "vllm/cuda-oom")?.message).toContain("while capturing CUDA graphs");
    expect(r.facts.firstError?.line).toBe(3);
  });
  it("an all-reduce inside the capture on a Windows build's V0 engine is vllm/cuda-graph-capture-failed", async () => {
    const lines = [
      'ERROR 04-01 09:10:11 [engine.py:448]   File "D:\\vllm\\venv\\Lib\\site-packages\\torch\\distributed\\distributed_c10d.py", line 2867, in all_reduce',
      "ERROR 04-01 09:10:11 [engine.py:448]     work = group.allreduce([tensor], opts)",
      "ERROR 04-01 09:10:11 [engine.py:448]            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "ERROR 04-01 09:10:11 [engine.py:448] RuntimeError: CUDA error: operation not permitted when stream is capturing",
    ];
    await each(lines, KUBE, "kubectl", (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/cuda-graph-capture-failed"]);
      expect(r.facts.firstError?.line, at).toBe(4);
    });
  });
});
