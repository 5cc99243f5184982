import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 44g: torch.compile, CUDA graphs and speculative decoding in vLLM logs (14 real pastes: graph capture progress
 * bars and failures in `capture_model`, compile cache and Dynamo timing lines, a draft model's compile config, EAGLE /
 * ngram / draft-model launch commands, engine cores dying at start-up). First sight: 23 of 26 scored facts, every
 * problem found, no false alarm. The three misses were one paste: a `docker run` whose container flags held
 * `-v "${HOME}"/.cache:$HOME/.cache/`, a word the shell joins from a quoted part and the path stuck to it. The command
 * reader split it in two, took the path for the image, and read the image's vLLM arguments (`--model=...`,
 * `--tensor-parallel-size=1`, `--max-model-len=...`) as nothing. A shell word is now a quoted part with whatever is
 * stuck to its closing quote. Beyond the scored facts: a worker's start-up traceback that runs out of memory inside
 * the CUDA graph capture (`capture_model` -> `_dummy_run` -> the model's `forward` -> `capture_end`) was put in the
 * phase "while running the model", its deepest known frame, so vllm/cuda-oom advised lowering --max-num-seqs for a
 * serving engine. The capture and the profiling run both run the model as their own step: under them the model's
 * frames now keep their phase, and the advice is --enforce-eager. An engine core's start-up traceback ending in
 * torch.compile's own error (`torch._inductor.exc.InductorError: ...`, Dynamo's `BackendCompilerFailed`, a Triton
 * `CompilationError`) was named as the root cause with no advice for it: its kind is now `compile`, with the eager /
 * -O0 check and the compiler and compile-cache steps. Every log text here is written for the test in the printed
 * layouts.
 */

const dockerRun = [
  "docker run -d --restart=unless-stopped \\",
  "    --gpus '\"device=0,1\"' \\",
  "    -v \"${HOME}\"/.cache/huggingface:/root/.cache/huggingface -v \"$PWD\"/draft:/draft  \\",
  "    -u `id -u`:`id -g` \\",
  "    --ipc=host \\",
  "    vllm/vllm-openai:v0.6.3 \\",
  "        --model=Qwen/Qwen2.5-14B-Instruct \\",
  "        --tensor-parallel-size=2 \\",
  "        --max-model-len=24576 \\",
  "        --speculative-model=\"[ngram]\" \\",
  "        --num-speculative-tokens=4 \\",
  "        --ngram-prompt-lookup-max=3 &>> serve.log",
];

describe("a docker run whose container flags join a quoted part and a path into one word", () => {
  it.each(WRAPS.filter(([name]) => name === "bare" || name === "CRLF"))("reads the image's vLLM arguments %s", async (_n, wrap) => {
    const r = await analyzeText(wrap(dockerRun.join("\n") + "\n"));
    expect(r.facts.config.model).toBe("Qwen/Qwen2.5-14B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.maxModelLen).toBe(24576);
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("reads a quoted part with a path after it on the command's one line", async () => {
    const r = await analyzeText('docker run --gpus all -v "$HOME"/models:/models vllm/vllm-openai:latest --model /models/Llama-3.1-8B -tp 4\n');
    expect(r.facts.config.model).toBe("/models/Llama-3.1-8B");
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("still ends a quoted value at the space after it (a JSON speculative config, then the next flag)", async () => {
    const text = [
      "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 8 \\",
      "  --speculative-config '{\"method\": \"eagle3\", \"model\": \"org/eagle3-draft\", \"num_speculative_tokens\": 3}' \\",
      "  --max-model-len 16384",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-70B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.maxModelLen).toBe(16384);
  });
});

const compileStartup = [
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:02 [backends.py:548] Using cache directory: /root/.cache/vllm/torch_compile_cache/3be1c07d2f/rank_0_0/backbone for vLLM's torch.compile",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:02 [backends.py:559] Dynamo bytecode transform time: 6.21 s",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:09 [backends.py:215] Compiling a graph for dynamic shape takes 5.87 s",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:11 [monitor.py:34] torch.compile takes 12.08 s in total",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:12 [gpu_worker.py:298] Available KV cache memory: 9.41 GiB",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:12 [kv_cache_utils.py:1087] GPU KV cache size: 154,160 tokens",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:12 [kv_cache_utils.py:1091] Maximum concurrency for 32,768 tokens per request: 4.70x",
  "Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|██████████| 67/67 [00:03<00:00, 19.02it/s]",
  "Capturing CUDA graphs (decode, FULL): 100%|██████████| 35/35 [00:01<00:00, 22.75it/s]",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:17 [gpu_model_runner.py:3480] Graph capturing finished in 5 secs, took 0.61 GiB",
];

describe("a V1 start-up with torch.compile and CUDA graph capture lines", () => {
  it.each(WRAPS)("reads the KV cache and the graphs' memory %s", async (_n, wrap) => {
    const r = await analyzeText(wrap(compileStartup.join("\n") + "\n"));
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.kvCache.availableGiB).toBe(9.41);
    expect(r.facts.kvCache.tokens).toBe(154160);
    expect(r.facts.kvCache.maxConcurrency).toBe(4.7);
    expect(r.facts.kvCache.tokensPerRequest).toBe(32768);
    expect(r.facts.memory.cudaGraphGiB).toBe(0.61);
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

/** a V1 worker's start-up traceback through `step` (the start-up method), the model run under it, and the error */
function workerTrace(step: string[], error: string): string[] {
  const p = "(VllmWorker rank=0 pid=8812) ERROR 02-17 21:03:55 [multiproc_executor.py:522] ";
  return [
    `${p}WorkerProc failed to start.`,
    `${p}Traceback (most recent call last):`,
    ...step.map((l) => p + l),
    `${p}  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py", line 2210, in _dummy_run`,
    `${p}    outputs = self.model(`,
    `${p}  File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/models/qwen2.py", line 477, in forward`,
    `${p}    hidden_states = self.model(input_ids, positions, intermediate_tensors,`,
    `${p}  File "/opt/venv/lib/python3.12/site-packages/vllm/compilation/cuda_graph.py", line 170, in __call__`,
    `${p}    with torch.cuda.graph(cudagraph, pool=self.graph_pool, stream=current_stream()):`,
    `${p}  File "/opt/venv/lib/python3.12/site-packages/torch/cuda/graphs.py", line 186, in __exit__`,
    `${p}    self.cuda_graph.capture_end()`,
    `${p}${error}`,
  ];
}

const captureStep = [
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 301, in compile_or_warm_up_model',
  "    self.model_runner.capture_model()",
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py", line 2650, in capture_model',
  "    self._capture_cudagraphs(compilation_cases, cudagraph_runtime_mode=cudagraph_mode)",
];
const profileStep = [
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 233, in determine_available_memory',
  "    self.model_runner.profile_run()",
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py", line 2580, in profile_run',
  "    hidden_states, last_hidden_states = self._dummy_run(self.max_num_tokens, is_profile=True)",
];

describe("a start-up traceback that runs the model for a start-up step", () => {
  it.each(WRAPS)("puts an out-of-memory error under capture_model in the CUDA graph capture %s", async (_n, wrap) => {
    const r = await analyzeText(wrap(workerTrace(captureStep, "RuntimeError: CUDA error: out of memory").join("\n") + "\n"));
    expect(r.facts.tracebacks?.list[0]?.phase).toBe("while capturing CUDA graphs");
    const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom");
    expect(oom?.message).toContain("while capturing CUDA graphs");
    expect(oom?.remediation[0]).toMatch(/^Add --enforce-eager to skip CUDA graphs/);
    expect(r.findings.map((f) => f.ruleId)).toContain("vllm/engine-init-failed");
  });

  it("puts the same frames under profile_run in the profiling run", async () => {
    const r = await analyzeText(workerTrace(profileStep, "RuntimeError: CUDA error: out of memory").join("\n") + "\n");
    expect(r.facts.tracebacks?.list[0]?.phase).toBe("while profiling memory");
  });

  it("keeps a serving engine's model run as running the model", async () => {
    const busy = [
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/executor/multiproc_executor.py", line 517, in worker_busy_loop',
      "    output = func(*args, **kwargs)",
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 312, in execute_model',
      "    output = self.model_runner.execute_model(scheduler_output)",
    ];
    const lines = workerTrace(busy, "RuntimeError: CUDA error: out of memory").map((l) => l.replace("WorkerProc failed to start.", "WorkerProc hit an exception."));
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.tracebacks?.list[0]?.phase).toBe("while running the model");
  });
});

const compileFail = (error: string) => {
  const p = "(EngineCore_DP0 pid=4410) ERROR 03-02 16:20:41 [core.py:708] ";
  return [
    `${p}EngineCore failed to start.`,
    `${p}Traceback (most recent call last):`,
    `${p}  File "/srv/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 699, in run_engine_core`,
    `${p}    engine_core = EngineCoreProc(*args, **kwargs)`,
    `${p}  File "/srv/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 91, in __init__`,
    `${p}    self._initialize_kv_caches(vllm_config)`,
    `${p}  File "/srv/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py", line 2618, in profile_run`,
    `${p}    hidden_states, last_hidden_states = self._dummy_run(self.max_num_tokens, is_profile=True)`,
    `${p}  File "/srv/venv/lib/python3.12/site-packages/vllm/compilation/backends.py", line 214, in compile`,
    `${p}    compiled_graph, handle = self.compiler.compile(`,
    `${p}  File "/srv/venv/lib/python3.12/site-packages/torch/_inductor/compile_fx.py", line 2160, in compile_fx`,
    `${p}    return aot_autograd(`,
    `${p}${error}`,
  ];
};

describe("an engine core that failed to start in torch.compile", () => {
  it.each(WRAPS)("names the compilation as the root cause's kind and says how to confirm it %s", async (_n, wrap) => {
    const r = await analyzeText(wrap(compileFail("torch._inductor.exc.InductorError: CalledProcessError: Command '['/usr/bin/gcc', '/tmp/tmpq1w2e3/cuda_utils.c', '-O3', '-shared']' returned non-zero exit status 1.").join("\n") + "\n"));
    expect(r.facts.tracebacks?.rootCause?.kind).toBe("compile");
    const init = r.findings.find((f) => f.ruleId === "vllm/engine-init-failed");
    expect(init?.message).toContain("Root cause in the log: torch._inductor.exc.InductorError:");
    expect(init?.remediation[0]).toMatch(/^The root cause is in compilation .*--enforce-eager or -O0/);
  });

  it("reads Dynamo's wrapped backend failure as a compilation failure too, and an out-of-memory error inside it as out of memory", async () => {
    const dynamo = await analyzeText(compileFail("torch._dynamo.exc.BackendCompilerFailed: backend='<vllm.compilation.backends.VllmBackend object at 0x7f3a2c1d5e80>' raised:").join("\n") + "\n");
    expect(dynamo.facts.tracebacks?.rootCause?.kind).toBe("compile");
    const oom = await analyzeText(compileFail("torch._inductor.exc.InductorError: OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.57 GiB of which 1.12 GiB is free.").join("\n") + "\n");
    expect(oom.facts.tracebacks?.rootCause?.kind).toBe("cuda-oom");
  });
});
