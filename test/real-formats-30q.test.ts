import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Shapes of a thirtieth round of real vLLM logs, pasted in the issues of model repositories (Qwen, DeepSeek, GLM, Kimi,
 * MiniMax, InternVL, Nemotron, ms-swift). Two things the text showed and the report did not say, or said wrongly:
 *
 * - expert parallelism: a MoE layer built with it logs `[EP Rank r/n] Expert parallelism is enabled. ...`
 *   (fused_moe/layer.py; ≤0.10 without the `Expert placement strategy` part), and V1's multiprocessing worker names
 *   itself `Worker_..._EP<r>` only when enable_expert_parallel is on (multiproc_executor.py). Either states
 *   config.enableExpertParallel; a worker with no `_EP` part says nothing.
 * - an OOM in an excerpt that states no tensor or pipeline parallel size (a Qwen3-VL-235B run on eight GPUs, cut to its
 *   traceback) was told "Layout: TP 1 × PP 1 (1 GPU)" and "raise --tensor-parallel-size (now 1) to 2": vLLM's default
 *   is not what the log shows.
 *
 * Every text is written for the test in the printed layout.
 */

const epLine = (rank: number, size: number, strategy: boolean) => {
  const local = 96 / size;
  const map = Array.from({ length: 4 }, (_, i) => `${i}->${rank * local + i}`).join(", ");
  return `[EP Rank ${rank}/${size}] Expert parallelism is enabled.${strategy ? " Expert placement strategy: linear." : ""} Local/global number of experts: ${local}/96. Experts local to global index map: ${map}.`;
};

const ep = async (text: string) => {
  const r = await analyzeText(text);
  return { value: r.facts.config.enableExpertParallel, line: r.facts.sources?.["config.enableExpertParallel"]?.line ?? null };
};

describe("real formats 30q: expert parallelism stated by the MoE layer and by the worker's name", () => {
  it("reads the MoE layer's line behind a 0.8-era worker prefix that has no EP part (the older wording)", async () => {
    const lines = [
      "(VllmWorker rank=1 pid=40212) INFO 05-02 09:14:40 [gpu_model_runner.py:1329] Starting to load model Qwen/Qwen3-30B-A3B...",
      `(VllmWorker rank=1 pid=40212) INFO 05-02 09:14:41 [layer.py:642] ${epLine(1, 2, false)}`,
      "(VllmWorker rank=1 pid=40212) INFO 05-02 09:14:52 [loader.py:458] Loading weights took 10.88 seconds",
    ];
    expect(await ep(lines.join("\n") + "\n")).toEqual({ value: true, line: 2 });
  });

  it("reads the newer wording behind Ray's worker prefix, kubectl --timestamps, docker compose and CRLF alike", async () => {
    const msg = `INFO 11-20 16:05:03 [layer.py:1179] ${epLine(5, 8, true)}`;
    const plain = `(RayWorkerWrapper pid=3391, ip=10.20.0.7) ${msg}`;
    const shapes = [
      ["INFO 11-20 16:04:58 [api_server.py:1772] vLLM API server version 0.11.0", plain],
      ["2025-11-20T16:04:58.101938554Z INFO 11-20 16:04:58 [api_server.py:1772] vLLM API server version 0.11.0", `2025-11-20T16:05:03.448120937Z ${plain}`],
      ["vllm-head-1  | INFO 11-20 16:04:58 [api_server.py:1772] vLLM API server version 0.11.0", `vllm-head-1  | ${plain}`],
    ];
    for (const lines of shapes) {
      expect(await ep(lines.join("\n") + "\n")).toEqual({ value: true, line: 2 });
      expect(await ep(lines.join("\r\n") + "\r\n")).toEqual({ value: true, line: 2 });
    }
  });

  it("takes the worker's EP name as the statement when no line says it (data, tensor and expert ranks in the name)", async () => {
    const lines = [
      "(EngineCore_DP1 pid=7710) INFO 03-11 02:40:19 [core.py:93] Initializing a V1 LLM engine (v0.10.1) with config: model='deepseek-ai/DeepSeek-V2-Lite-Chat', speculative_config=None",
      "(Worker_DP1_TP1_EP3 pid=7731) INFO 03-11 02:40:33 [multiproc_executor.py:546] Parent process exited, terminating worker",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.config.enableExpertParallel).toBe(true);
    expect(r.facts.sources?.["config.enableExpertParallel"]).toMatchObject({ line: 2 });
  });

  it("says nothing of expert parallelism for workers named without EP, and a MoE model's other lines", async () => {
    const lines = [
      "(Worker_TP0 pid=5120) INFO 09-02 12:01:10 [gpu_model_runner.py:2338] Starting to load model Qwen/Qwen3-235B-A22B-FP8...",
      "(Worker_TP1 pid=5121) INFO 09-02 12:01:11 [fused_moe.py:727] Using configuration from /opt/vllm/model_executor/layers/fused_moe/configs/E=128,N=384,device_name=NVIDIA_H100_80GB_HBM3,dtype=fp8_w8a8.json for MoE layer.",
      "(Worker_TP0 pid=5120) INFO 09-02 12:01:12 [layer.py:310] Enabling FlashInfer CUTLASS MoE for UnquantizedFusedMoEMethod",
    ];
    expect((await ep(lines.join("\n") + "\n")).value).toBeNull();
  });
});

describe("real formats 30q: an OOM whose excerpt states no layout", () => {
  const oomTail = (p: string) => [
    `${p}ERROR 10-23 08:05:13 [core.py:708] EngineCore failed to start.`,
    `${p}ERROR 10-23 08:05:13 [core.py:708] Traceback (most recent call last):`,
    `${p}ERROR 10-23 08:05:13 [core.py:708]   File "/opt/conda/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 699, in run_engine_core`,
    `${p}ERROR 10-23 08:05:13 [core.py:708]     engine_core = EngineCoreProc(*args, **kwargs)`,
    `${p}ERROR 10-23 08:05:13 [core.py:708] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.17 GiB. GPU 3 has a total capacity of 79.25 GiB of which 402.50 MiB is free.`,
  ];

  it("does not claim TP 1 × PP 1: the layout is unknown and the advice raises the sizes without a value", async () => {
    const r = await analyzeText(oomTail("(EngineCore_DP0 pid=7291) ").join("\n") + "\n");
    const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom")!;
    expect(oom.message).toContain("Layout: unknown (no tensor or pipeline parallel size read from the log).");
    expect(oom.message).not.toMatch(/TP 1 × PP 1/);
    const text = oom.remediation.join(" ");
    expect(text).toContain("Spread the model over more GPUs: raise --tensor-parallel-size above its current value, or add --pipeline-parallel-size to split the layers across GPUs or nodes.");
    expect(text).not.toContain("(now 1)");
    expect(r.facts.config.tensorParallelSize).toBeNull();
  });

  it("keeps the stated size in the layout and the advice when a line states it", async () => {
    const args = "(APIServer pid=7001) INFO 10-23 08:04:02 [utils.py:233] non-default args: {'model_tag': 'Qwen/Qwen3-VL-235B-A22B-Instruct', 'model': 'Qwen/Qwen3-VL-235B-A22B-Instruct', 'tensor_parallel_size': 8}";
    const r = await analyzeText([args, ...oomTail("(EngineCore_DP0 pid=7291) ")].join("\n") + "\n");
    const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom")!;
    expect(oom.message).toContain("Layout: TP 8 × PP 1 (8 GPUs).");
    expect(oom.remediation.join(" ")).toContain("raise --tensor-parallel-size (now 8) to 16, or add --pipeline-parallel-size 2");
  });

  it("counts the ranks a world-size line shows without inventing their split", async () => {
    const lines = ["(Worker pid=611) INFO 10-23 08:04:40 [parallel_state.py:1165] world_size=8 rank=3 local_rank=3 distributed_init_method=tcp://127.0.0.1:51137 backend=nccl", ...oomTail("(EngineCore_DP0 pid=7291) ")];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.findings.find((f) => f.ruleId === "vllm/cuda-oom")!.message).toContain("Layout: 8 ranks, their TP/PP split not read from the log.");
  });
});

describe("real formats 30q: a model nothing installed can build, or whose code must be trusted (vllm/model-support)", () => {
  const pydantic = (p: string) => [
    `${p}INFO 10-21 07:40:02 [utils.py:253] non-default args: {'model_tag': '/models/FooOCR-3B', 'model': '/models/FooOCR-3B', 'trust_remote_code': True}`,
    `${p}Traceback (most recent call last):`,
    `${p}  File "/usr/local/lib/python3.12/dist-packages/vllm/engine/arg_utils.py", line 1150, in create_model_config`,
    `${p}    return ModelConfig(`,
    `${p}pydantic_core._pydantic_core.ValidationError: 1 validation error for ModelConfig`,
    `${p}  Value error, Model architectures ['FooOCRForCausalLM'] are not supported for now. Supported architectures: dict_keys(['ApertusForCausalLM', 'AquilaModel', 'ArceeForCausalLM']) [type=value_error, input_value=ArgsKwargs((), {'model': '/models/FooOCR-3B'}), input_type=ArgsKwargs]`,
  ];

  it("reads the registry's refusal inside a validation error behind the API server's prefix, kubectl stamps and CRLF", async () => {
    const p = "(APIServer pid=352) ";
    for (const [lines, eol] of [[pydantic(p), "\n"], [pydantic(p), "\r\n"], [pydantic(p).map((l, i) => `2025-10-21T07:40:0${i}.204118Z ${l}`), "\n"]] as const) {
      const r = await analyzeText(lines.join(eol) + eol);
      const f = r.findings.find((x) => x.ruleId === "vllm/model-support");
      expect(f?.message).toBe("The model could not be built: this vLLM has no implementation of the model's architecture 'FooOCRForCausalLM': its model registry refused it before loading any weights.");
      expect(f?.evidence[0].line).toBe(6);
      expect(r.verdict).toMatch(/^Failed \(vllm\/model-support/);
    }
  });

  it("explains the engine that did not start when the refusal is its root cause (a V0 engine's traceback, ms-swift's rank prefix)", async () => {
    const v0 = [
      "INFO 11-26 10:12:00 api_server.py:528] vLLM API server version 0.6.3.post1",
      "ERROR 11-26 10:12:03 engine.py:158] Model architectures ['GlmForCausalLM'] are not supported for now. Supported architectures: ['AquilaModel', 'ChatGLMModel', 'LlamaForCausalLM']",
      "ERROR 11-26 10:12:03 engine.py:158] Traceback (most recent call last):",
      'ERROR 11-26 10:12:03 engine.py:158]   File "/opt/venv/lib/python3.11/site-packages/vllm/engine/multiprocessing/engine.py", line 156, in run_mp_engine',
      "ERROR 11-26 10:12:03 engine.py:158]     engine = MQLLMEngine.from_engine_args(engine_args=engine_args,",
      "ERROR 11-26 10:12:03 engine.py:158] ValueError: Model architectures ['GlmForCausalLM'] are not supported for now. Supported architectures: ['AquilaModel', 'ChatGLMModel', 'LlamaForCausalLM']",
    ];
    const r = await analyzeText(v0.join("\n") + "\n");
    expect(r.findings[0]).toMatchObject({ ruleId: "vllm/model-support" });
    expect(r.findings[0].message).toContain("vLLM 0.6.3.post1 has no implementation of the model's architecture 'GlmForCausalLM'");
    const init = r.findings.find((f) => f.ruleId === "vllm/engine-init-failed");
    expect(init?.causedBy).toContain("vllm/model-support");
    const swift = await analyzeText([
      "[rank0]: Traceback (most recent call last):",
      '[rank0]:   File "/opt/conda/lib/python3.10/site-packages/swift/llm/infer/infer_engine/vllm_engine.py", line 118, in _prepare_engine',
      "[rank0]: ValueError: The checkpoint you are trying to load has model type `qwen3_moe` but Transformers does not recognize this architecture. This could be because of an issue with the checkpoint, or because your version of Transformers is out of date.",
    ].join("\n") + "\n");
    expect(swift.findings.find((f) => f.ruleId === "vllm/model-support")?.message).toContain("does not know the model type 'qwen3_moe'");
  });

  it("tells a repository whose code must be trusted from a harmless trust_remote_code note", async () => {
    const r = await analyzeText([
      "INFO 03-21 14:02:11 api_server.py:149] vLLM API server version 0.3.3",
      "RuntimeError: Failed to load the tokenizer. If the tokenizer is a custom tokenizer not yet available in the HuggingFace transformers library, consider setting `trust_remote_code=True` in LLM or using the `--trust-remote-code` flag in the CLI.",
    ].join("\n") + "\n");
    expect(r.findings.map((f) => f.ruleId)).toContain("vllm/model-support");
    expect(r.findings.find((f) => f.ruleId === "vllm/model-support")!.remediation[0]).toContain("pass --trust-remote-code");
    const note = await analyzeText([
      "(APIServer pid=1) INFO 02-13 00:37:51 [utils.py:261] non-default args: {'model_tag': 'zai-org/GLM-4.6', 'model': 'zai-org/GLM-4.6', 'trust_remote_code': True, 'tensor_parallel_size': 8}",
      "(APIServer pid=1) The argument `trust_remote_code` is to be used with Auto classes. It has no effect here and is ignored.",
    ].join("\n") + "\n");
    expect(note.findings.map((f) => f.ruleId)).not.toContain("vllm/model-support");
  });
});

describe("real formats 30q: a launch command's float written as Python reads it", () => {
  it("takes --gpu-memory-utilization .95 from a docker run line, a shell prompt and a CRLF paste", async () => {
    const cmd = "docker run --gpus all --ipc=host -p 8000:8000 vllm/vllm-openai:v0.9.2 --model Qwen/Qwen3-235B-A22B-FP8 --tensor-parallel-size 8 --max-model-len 32k --enable-expert-parallel --gpu-memory-utilization .95";
    for (const [line, eol] of [[cmd, "\n"], [`root@gpu-node-3:~# ${cmd}`, "\n"], [cmd, "\r\n"]] as const) {
      const c = (await analyzeText(line + eol)).facts.config;
      expect(c).toMatchObject({ model: "Qwen/Qwen3-235B-A22B-FP8", tensorParallelSize: 8, maxModelLen: 32000, gpuMemoryUtilization: 0.95, enableExpertParallel: true });
    }
  });
  it("still reads no size from a leading-dot value of an integer flag (argparse refuses it)", async () => {
    const c = (await analyzeText("vllm serve Qwen/Qwen3-8B --tensor-parallel-size .5\n")).facts.config;
    expect(c.tensorParallelSize).toBeNull();
  });
});

describe("real formats 30q: a worker's traceback that the paste cuts before its exception line", () => {
  const frames = (p: string) => [
    "vllm serve zai-org/GLM-4.5V --tensor_parallel_size 4",
    `${p}ERROR 08-13 22:40:00 [multiproc_executor.py:596]   File "/opt/venv/lib/python3.11/site-packages/vllm/compilation/cuda_piecewise_backend.py", line 112, in __call__`,
    `${p}ERROR 08-13 22:40:00 [multiproc_executor.py:596]     return self.compiled_graph_for_general_shape(*args)`,
    `${p}ERROR 08-13 22:40:00 [multiproc_executor.py:596]   File "/opt/venv/lib/python3.11/site-packages/torch/_functorch/aot_autograd.py", line 1209, in forward`,
    `${p}ERROR 08-13 22:40:00 [multiproc_executor.py:596]     return compiled_fn(full_args)`,
  ];

  it("is no health: the verdict sends the reader to its first frame, behind the worker prefix, kubectl stamps and CRLF", async () => {
    const p = "(VllmWorker TP0 pid=2748156) ";
    for (const [lines, eol] of [[frames(p), "\n"], [frames(p), "\r\n"], [frames(p).map((l) => `2025-08-13T22:40:00.118230Z ${l}`), "\n"]] as const) {
      const r = await analyzeText(lines.join(eol) + eol);
      expect(r.verdict).toMatch(/^Error with no known cause at \S*run\.log:2 \(a traceback while running the model that the log cuts before its exception line: no rule of the catalog explains it; read the full log from there\): /);
      expect(r.facts.firstError).toBeNull();
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    }
  });

  it("stays healthy for a paste cut inside a chain of imports, which shows no failure", async () => {
    const r = await analyzeText([
      "INFO 07-02 15:53:59 [__init__.py:244] Automatically detected platform cuda.",
      "Traceback (most recent call last):",
      '  File "/opt/venv/bin/vllm", line 5, in <module>',
      "    from vllm.entrypoints.cli.main import main",
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/cli/__init__.py", line 3, in <module>',
      "    from vllm.entrypoints.cli.benchmark.latency import BenchmarkLatencySubcommand",
    ].join("\n") + "\n");
    expect(r.verdict).not.toMatch(/a traceback .* that the log cuts before its exception line/);
  });
});
