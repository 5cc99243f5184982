import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { classifyRootCause } from "../src/facts/tracebacks.js";

/**
 * Shapes of round 55e's real pastes of vLLM refusing to start for memory (vLLM 0.2 to V1 0.1x: `# GPU blocks: 0`, V0.7's
 * negative `the rest of the memory reserved for KV Cache is -1.05GiB` with `# cuda blocks: 0` and `0.00x`, V1's
 * `To serve at least one request with the model's max seq len …` cut in two by a paste's hard wrap, an out-of-memory
 * in CUDA graph capture pasted from inside the capture). Each log text is written for the test in the printed layout,
 * under wrappers the pastes did not all show. The readings they corrected:
 * - a cache with no blocks at all is vllm/no-kv-cache-memory alone: vllm/kv-cache-too-small (advising `--max-model-len
 *   0`) and vllm/low-concurrency (`0x`, advising the same) only repeated it with advice that cannot work;
 * - an out-of-memory whose traceback keeps only torch's `capture_begin` / `capture_end` frames is named as CUDA graph
 *   capture, with that phase's advice (eager mode first);
 * - an engine that failed on V1's KV check whose message a hard wrap cut before `KV cache` still names the KV cache as
 *   the root cause;
 * - vllm/kv-cache-too-small's second remedy no longer reads `Otherwise or give …`.
 */

type Wrap = (lines: string[]) => string;
const plain: Wrap = (l) => l.join("\n") + "\n";
const crlf: Wrap = (l) => l.join("\r\n") + "\r\n";
const kubets: Wrap = (l) => l.map((x, i) => `2025-02-11T08:31:${String(10 + (i % 50)).padStart(2, "0")}.${String(300000 + i * 4099).slice(0, 6)}551Z ${x}`).join("\n") + "\n";
const compose: Wrap = (l) => l.map((x) => `llm-api-1  | ${x}`).join("\n") + "\n";
const ray: Wrap = (l) => l.map((x) => `(LLMRayActor pid=40213) ${x}`).join("\n") + "\n";
const wrappers: [string, Wrap][] = [["plain", plain], ["crlf", crlf], ["kubectl --timestamps", kubets], ["compose", compose], ["ray", ray]];

type Report = Awaited<ReturnType<typeof analyzeText>>;
const find = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);
const line = (lines: string[], needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;

describe("a KV cache with no blocks at all", () => {
  // V0 0.7-0.8: the profiling summary leaves a negative budget, the executor prints zero device blocks and 0.00x
  const v07 = [
    "INFO 03-14 16:02:11 model_runner.py:1115] Loading model weights took 6.8840 GB",
    "INFO 03-14 16:02:15 worker.py:267] Memory profiling takes 3.02 seconds",
    "INFO 03-14 16:02:15 worker.py:267] the current vLLM instance can use total_gpu_memory (11.72GiB) x gpu_memory_utilization (0.75) = 8.79GiB",
    "INFO 03-14 16:02:15 worker.py:267] model weights take 6.88GiB; non_torch_memory takes 0.05GiB; PyTorch activation peak memory takes 2.31GiB; the rest of the memory reserved for KV Cache is -0.45GiB.",
    "INFO 03-14 16:02:15 executor_base.py:111] # cuda blocks: 0, # CPU blocks: 2340",
    "INFO 03-14 16:02:15 executor_base.py:116] Maximum concurrency for 8192 tokens per request: 0.00x",
    "[rank0]: Traceback (most recent call last):",
    '[rank0]:   File "/srv/app/serve.py", line 41, in <module>',
    "[rank0]:     engine = LLM(model=args.model, gpu_memory_utilization=0.75)",
  ];
  // V0 0.2-0.3: the engine's config echo, then zero GPU blocks, then a framework's stderr logger
  const v03 = [
    "INFO 02-09 11:40:27 llm_engine.py:72] Initializing an LLM engine with config: model='/models/baichuan2-13b-chat', tokenizer='/models/baichuan2-13b-chat', tokenizer_mode=auto, revision=None, tokenizer_revision=None, trust_remote_code=True, dtype=torch.float16, max_seq_len=8192, download_dir=None, load_format=auto, tensor_parallel_size=1, quantization=None, enforce_eager=False, seed=0)",
    "INFO 02-09 11:42:03 llm_engine.py:322] # GPU blocks: 0, # CPU blocks: 327",
    "2024-02-09 11:42:03 | ERROR | stderr | Traceback (most recent call last):",
  ];

  it("V0.7's negative budget: vllm/no-kv-cache-memory only, with the budget's numbers", async () => {
    for (const [name, wrap] of wrappers) {
      const r = await analyzeText(wrap(v07));
      expect(r.facts.kvCache.gpuBlocks, name).toBe(0);
      expect(r.facts.kvCache.availableGiB, name).toBe(-0.45);
      expect(r.facts.kvCache.maxConcurrency, name).toBe(0);
      expect(r.facts.config.gpuMemoryUtilization, name).toBe(0.75);
      expect(ids(r), name).toEqual(["vllm/no-kv-cache-memory"]);
      const f = find(r, "vllm/no-kv-cache-memory")!;
      expect(f.severity, name).toBe("error");
      expect(f.message, name).toContain("0.45 GiB short");
      expect(f.remediation.join("\n"), name).not.toMatch(/--max-model-len to 0\b/);
      expect(r.facts.firstError, name).toBeNull();
    }
  });

  it("V0.3's zero GPU blocks: vllm/no-kv-cache-memory only, not a max_model_len that a cache of 0 tokens cannot hold", async () => {
    for (const [name, wrap] of wrappers) {
      const r = await analyzeText(wrap(v03));
      expect([r.facts.config.maxModelLen, r.facts.kvCache.gpuBlocks, r.facts.kvCache.cpuBlocks], name).toEqual([8192, 0, 327]);
      expect(r.facts.vllm.engine, name).toBe("v0");
      expect(ids(r), name).toEqual(["vllm/no-kv-cache-memory"]);
      expect(find(r, "vllm/no-kv-cache-memory")!.evidence[0].line, name).toBe(2);
    }
  });

  it("near miss: a small cache that has blocks is still too small for max_model_len, and its low concurrency is a knock-on", async () => {
    const small = [v03[0], "INFO 02-09 11:42:03 llm_engine.py:322] # GPU blocks: 300, # CPU blocks: 327"];
    for (const [name, wrap] of wrappers) {
      const r = await analyzeText(wrap(small));
      expect(r.facts.kvCache.tokens, name).toBe(4800);
      expect(ids(r), name).toContain("vllm/kv-cache-too-small");
      expect(ids(r), name).not.toContain("vllm/no-kv-cache-memory");
      const f = find(r, "vllm/kv-cache-too-small")!;
      expect(f.message, name).toBe("max_model_len 8,192 needs 8,192 tokens of KV cache; the cache holds 4,800.");
      expect(f.remediation[0], name).toMatch(/^Lower --max-model-len to 4800, or raise --gpu-memory-utilization/);
      expect(f.remediation[1], name).toMatch(/^Otherwise give the model more GPUs/);
    }
    // with the concurrency line vLLM 0.6+ prints, the finding is an error and the concurrency a symptom of it
    const r = await analyzeText(plain([...small, "INFO 02-09 11:42:03 llm_engine.py:330] Maximum concurrency for 8192 tokens per request: 0.59x"]));
    expect(find(r, "vllm/kv-cache-too-small")!.severity).toBe("error");
    expect(find(r, "vllm/low-concurrency")!.causedBy).toEqual(["vllm/kv-cache-too-small"]);
  });

  it("near miss: 0.00x from a cache that holds a few blocks still reports the low concurrency", async () => {
    const r = await analyzeText(plain([
      "INFO 03-14 16:02:15 executor_base.py:111] # cuda blocks: 3, # CPU blocks: 2340",
      "INFO 03-14 16:02:15 executor_base.py:116] Maximum concurrency for 131072 tokens per request: 0.00x",
    ]));
    expect(r.facts.kvCache.tokens).toBe(48);
    expect(ids(r)).toContain("vllm/low-concurrency");
    expect(ids(r)).not.toContain("vllm/no-kv-cache-memory");
  });
});

describe("an out-of-memory pasted from inside CUDA graph capture", () => {
  const pre = "(VllmWorker rank=1 pid=5120) ERROR 06-21 14:09:55 [multiproc_executor.py:470]";
  const capture = (enterOrExit: "capture_begin" | "capture_end") => [
    `${pre}   File "/opt/venv/lib/python3.12/site-packages/vllm/compilation/cuda_piecewise_backend.py", line 204, in __call__`,
    `${pre}     with torch.cuda.graph(cudagraph, pool=self.graph_pool):`,
    `${pre}   File "/opt/venv/lib/python3.12/site-packages/torch/cuda/graphs.py", line ${enterOrExit === "capture_end" ? 186 : 173}, in ${enterOrExit === "capture_end" ? "__exit__" : "__enter__"}`,
    `${pre}     self.cuda_graph.${enterOrExit}()`,
    `${pre}   File "/opt/venv/lib/python3.12/site-packages/torch/cuda/graphs.py", line ${enterOrExit === "capture_end" ? 84 : 69}, in ${enterOrExit}`,
    `${pre}     super().${enterOrExit}()`,
    `${pre} RuntimeError: CUDA error: out of memory`,
    `${pre} CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.`,
  ];

  it("names the phase and puts eager mode first, on capture's entry and exit", async () => {
    for (const which of ["capture_end", "capture_begin"] as const) {
      const lines = capture(which);
      for (const [name, wrap] of wrappers) {
        const r = await analyzeText(wrap(lines));
        const f = find(r, "vllm/cuda-oom");
        expect(f, `${which} ${name}`).toBeDefined();
        expect(f!.message, `${which} ${name}`).toContain("ran out of memory while capturing CUDA graphs");
        expect(f!.remediation[0], `${which} ${name}`).toMatch(/^Add --enforce-eager to skip CUDA graphs/);
        expect(r.facts.firstError?.line, `${which} ${name}`).toBe(line(lines, "RuntimeError: CUDA error: out of memory"));
      }
    }
  });

  it("near miss: an out-of-memory under weight loading keeps its own phase", async () => {
    const lines = [
      `${pre}   File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/model_loader/default_loader.py", line 269, in load_weights`,
      `${pre}     loaded_weights = model.load_weights(`,
      `${pre}   File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/layers/linear.py", line 1190, in weight_loader`,
      `${pre}     param_data.copy_(loaded_weight)`,
      `${pre} torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 448.00 MiB. GPU 1 has a total capacity of 23.55 GiB of which 301.44 MiB is free. Including non-PyTorch memory, this process has 23.23 GiB memory in use. Of the allocated memory 22.87 GiB is allocated by PyTorch, and 9.12 MiB is reserved by PyTorch but unallocated.`,
    ];
    const r = await analyzeText(plain(lines));
    const f = find(r, "vllm/cuda-oom")!;
    expect(f.message).toContain("while loading the model weights");
    expect(f.message).not.toContain("capturing CUDA graphs");
  });
});

describe("V1's KV check cut in two by a paste's hard wrap", () => {
  const lines = [
    "(EngineCore_DP0 pid=2291) ERROR 09-30 21:14:07 [core.py:708] EngineCore failed to start.",
    "(EngineCore_DP0 pid=2291) ERROR 09-30 21:14:07 [core.py:708] Traceback (most recent call last):",
    '(EngineCore_DP0 pid=2291) ERROR 09-30 21:14:07 [core.py:708]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/core/kv_cache_utils.py", line 699, in check_enough_kv_cache_memory',
    "(EngineCore_DP0 pid=2291) ERROR 09-30 21:14:07 [core.py:708]     raise ValueError(",
    "(EngineCore_DP0 pid=2291) ERROR 09-30 21:14:07 [core.py:708] ValueError: To serve at least one request with the model's max seq len (65536), (6.00 GiB KV cac",
    "he is needed, which is larger than the available KV cache memory (2.10 GiB). Based on the available memory, the estimated maximum model length is 22912. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
  ];

  it("reads the sizes and names the KV cache as the engine's root cause", async () => {
    for (const [name, wrap] of [["plain", plain], ["crlf", crlf]] as [string, Wrap][]) {
      const r = await analyzeText(wrap(lines));
      expect([r.facts.config.maxModelLen, r.facts.kvCache.availableGiB], name).toEqual([65536, 2.1]);
      const kv = find(r, "vllm/kv-cache-too-small")!;
      expect(kv.message, name).toContain("enough for about 22,912 tokens (vLLM's own estimate)");
      const init = find(r, "vllm/engine-init-failed")!;
      expect(init.causedBy, name).toEqual(["vllm/kv-cache-too-small"]);
      expect(init.remediation[0], name).toMatch(/^The root cause is the KV cache/);
      expect(r.facts.firstError?.line, name).toBe(1);
    }
  });

  it("the check's opening clause classifies a root cause; other max-length errors do not", () => {
    const at = { file: "run.log", line: 1, text: "" };
    expect(classifyRootCause("ValueError: To serve at least one request with the models's max seq len (1048576), (24.00 GiB KV cach", at).kind).toBe("kv-cache");
    expect(classifyRootCause("ValueError: To serve at least one request with the model's max seq len (100000), (4.26 GiB", at).kind).toBe("kv-cache");
    expect(classifyRootCause("ValueError: User-specified max_model_len (300000) is greater than the derived max_model_len (max_position_embeddings=131072 or model_max_length=None in model's config.json).", at).kind).toBeNull();
  });
});

describe("the start-up memory check, failing and passing", () => {
  it("a failing check is engine-init-failed with the utilization that fits; the passing INFO line is not", async () => {
    const fail = ["(EngineCore_DP0 pid=812) ValueError: Free memory on device cuda:0 (38.02/79.15 GiB) on startup is less than desired GPU memory utilization (0.9, 71.24 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes."];
    for (const [name, wrap] of wrappers) {
      const r = await analyzeText(wrap(fail));
      expect(r.facts.config.gpuMemoryUtilization, name).toBe(0.9);
      const f = find(r, "vllm/engine-init-failed")!;
      expect(f.remediation[0], name).toContain("lower it to 0.47 or less");
      expect(ids(r, "error"), name).not.toContain("vllm/no-kv-cache-memory");
    }
    const pass = await analyzeText(plain([
      "(Worker_TP0 pid=318) INFO 01-19 10:22:41 [gpu_worker.py:412] Free memory on device (78.61/79.15 GiB) on startup. Desired GPU memory utilization is (0.9, 71.24 GiB). Actual usage is 15.02 GiB for consumed memory (weights + non-torch), 2.11 GiB for peak activation, and 0.38 GiB for CUDAGraph memory.",
    ]));
    expect(ids(pass, "error")).toEqual([]);
  });
});

describe("0.6.3-0.6.4's `Memory profiling results: ... peak_torch_memory=...`", () => {
  // torch's allocated peak over the profiling run, which starts from the loaded model: weights plus activations
  const profile = (sep: string) =>
    ["total_gpu_memory=44.34GiB", "initial_memory_usage=27.91GiB", "peak_torch_memory=29.86GiB", "memory_usage_post_profile=27.97GiB", "non_torch_memory=0.43GiB", "kv_cache_size=9.61GiB", "gpu_memory_utilization=0.90"].join(sep);
  const weights = "INFO 11-28 02:14:09 model_runner.py:1077] Loading model weights took 27.3410 GB";
  const shapes: [string, string][] = [
    ["0.6.3 (spaces)", `INFO 11-28 02:14:31 worker.py:232] Memory profiling results: ${profile(" ")}`],
    ["0.6.4 (duration, commas, a full stop)", `INFO 11-28 02:14:31 worker.py:232] Memory profiling results: duration=3.84 seconds, ${profile(", ")}.`],
  ];

  it("the activation peak is the torch peak less the weights the log states", async () => {
    for (const [shape, line] of shapes)
      for (const [name, wrap] of wrappers) {
        const r = await analyzeText(wrap([weights, line]));
        const at = `${shape} ${name}`;
        expect(r.facts.memory, at).toMatchObject({ modelWeightsGiB: 27.341, totalGpuGiB: 44.34, nonTorchGiB: 0.43, peakActivationGiB: 2.52 });
        expect([r.facts.kvCache.availableGiB, r.facts.config.gpuMemoryUtilization], at).toEqual([9.61, 0.9]);
      }
  });

  it("without the weights line the torch peak is not taken for an activation peak", async () => {
    for (const [shape, line] of shapes) {
      const r = await analyzeText(plain([line]));
      expect(r.facts.memory.peakActivationGiB, shape).toBeNull();
      expect(r.facts.memory.totalGpuGiB, shape).toBe(44.34);
    }
  });

  it("near miss: 0.6.5+'s own `PyTorch activation peak memory takes` is read as it is", async () => {
    const r = await analyzeText(plain([
      weights,
      "INFO 11-28 02:14:31 worker.py:241] model weights take 27.34GiB; non_torch_memory takes 0.43GiB; PyTorch activation peak memory takes 1.95GiB; the rest of the memory reserved for KV Cache is 10.18GiB.",
    ]));
    expect(r.facts.memory.peakActivationGiB).toBe(1.95);
  });
});

describe("a KV cache sized by --kv-cache-memory-bytes that is too small for max_model_len", () => {
  const reserved = "(EngineCore_DP0 pid=640) INFO 10-21 17:03:12 [gpu_worker.py:262] Initial free memory 43.87 GiB, reserved 6.00 GiB memory for KV Cache as specified by kv_cache_memory_bytes config and skipped memory profiling. This does not respect the gpu_memory_utilization config. Only use kv_cache_memory_bytes config when you want manual control of KV cache memory size. If OOM'ed, check the difference of initial free memory between the current run and the previous run where kv_cache_memory_bytes is suggested and update it correspondingly.";
  const tooSmall = "(EngineCore_DP0 pid=640) ERROR 10-21 17:03:14 [core.py:708] ValueError: To serve at least one request with the model's max seq len (262144), (18.00 GiB KV cache is needed, which is larger than the available KV cache memory (6.00 GiB). Based on the available memory, the estimated maximum model length is 87376. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";

  it("advises the flag that sized the cache, not --gpu-memory-utilization", async () => {
    for (const [name, wrap] of wrappers) {
      const r = await analyzeText(wrap([reserved, tooSmall]));
      expect([r.facts.kvCache.availableGiB, r.facts.kvCache.neededGiB, r.facts.config.maxModelLen], name).toEqual([6, 18, 262144]);
      const f = find(r, "vllm/kv-cache-too-small")!;
      expect(f.remediation[0], name).toContain("raise --kv-cache-memory-bytes (now 6.00 GiB");
      expect(f.remediation[0], name).toContain("so the cache gains at least 12 GiB.");
      expect(f.remediation[0], name).not.toContain("raise --gpu-memory-utilization");
      expect(r.facts.firstError?.line, name).toBe(2);
    }
  });

  it("near miss: without the reservation line the advice stays --gpu-memory-utilization's", async () => {
    const r = await analyzeText(plain([tooSmall]));
    const f = find(r, "vllm/kv-cache-too-small")!;
    expect(f.remediation[0]).toContain("raise --gpu-memory-utilization if nothing else uses the GPU so the cache gains at least 12 GiB (each 0.01 is 1% of the GPU's memory).");
  });
});
