import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 36f (start-up failures across vLLM versions): shapes of real pastes the readers missed. The log texts are
 * written for the test in the printed layouts (models, paths, numbers made up); the findings checked are exact.
 */

const variants: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-03-02T09:14:5${i % 10}.220417893Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `vllm-1  | ${l}` : l)).join("\n")],
];

const finding = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id);

describe("a traceback cut while the API server enters the engine client's context manager", () => {
  // `vllm serve` -> run_server: `async with build_async_engine_client(args) as engine_client:` -> contextlib's
  // `__aenter__` -> `return await anext(self.gen)`; the paste stops there, before build_async_engine_client's own frame
  const CUT = [
    "ERROR 03-02 09:14:51 registry.py:264] ModuleNotFoundError: No module named 'acme_kernels'",
    "Traceback (most recent call last):",
    '  File "/opt/venv/bin/vllm", line 8, in <module>',
    "    sys.exit(main())",
    '  File "/opt/venv/lib/python3.11/site-packages/vllm/scripts.py", line 201, in main',
    "    args.dispatch_function(args)",
    '  File "/opt/venv/lib/python3.11/site-packages/vllm/scripts.py", line 42, in serve',
    "    uvloop.run(run_server(args))",
    '  File "/opt/venv/lib/python3.11/site-packages/vllm/entrypoints/openai/api_server.py", line 571, in run_server',
    "    async with build_async_engine_client(args) as engine_client:",
    '  File "/usr/lib/python3.11/contextlib.py", line 210, in __aenter__',
    "    return await anext(self.gen)",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`reports the engine's start-up failure and the error before it (${name})`, async () => {
      const r = await analyzeText(wrap(CUT) + "\n");
      expect(ids(r)).toEqual(["vllm/engine-init-failed"]);
      const f = finding(r, "vllm/engine-init-failed")!;
      expect(f.severity).toBe("error");
      expect(f.message).toContain("Root cause in the log: ModuleNotFoundError: No module named 'acme_kernels'");
      expect(f.evidence.map((e) => e.line)).toEqual([1, 2]);
      expect(r.facts.firstError?.line).toBe(1);
    });

  it("the same cut inside a context manager of the user's own is no start-up failure of vLLM's", async () => {
    const own = CUT.replace("async with build_async_engine_client(args) as engine_client:", "async with acme_session(args) as session:");
    const r = await analyzeText(own + "\n");
    expect(ids(r)).toEqual([]);
  });

  it("a whole traceback through the context manager is still read from its frames", async () => {
    const whole = [
      ...CUT.split("\n").slice(1),
      '  File "/opt/venv/lib/python3.11/site-packages/vllm/entrypoints/openai/api_server.py", line 122, in build_async_engine_client',
      "    async with build_async_engine_client_from_engine_args(",
      '  File "/usr/lib/python3.11/contextlib.py", line 210, in __aenter__',
      "    return await anext(self.gen)",
      '  File "/opt/venv/lib/python3.11/site-packages/vllm/entrypoints/openai/api_server.py", line 150, in build_async_engine_client_from_engine_args',
      "    engine_config = engine_args.create_engine_config()",
      "ValueError: acme test: no such dtype 'float13'",
    ].join("\n");
    const r = await analyzeText(whole + "\n");
    expect(ids(r)).toEqual(["vllm/engine-init-failed"]);
    expect(finding(r, "vllm/engine-init-failed")!.message).toContain("Root cause in the log: ValueError: acme test: no such dtype 'float13'");
  });
});

describe("the model registry's class check failing in its subprocess (vllm/model-support)", () => {
  // registry.py `_try_inspect_model_cls`: logger.exception("Error in inspecting model architecture '%s'", arch), with the
  // subprocess's traceback under it (≤0.7 header, then the ≥0.8 bracketed header behind a V1 API server's prefix)
  const V0 = [
    "INFO 03-02 09:14:40 api_server.py:528] vLLM API server version 0.6.3.post1",
    "ERROR 03-02 09:14:51 registry.py:267] Error in inspecting model architecture 'AcmeForCausalLM'",
    "ERROR 03-02 09:14:51 registry.py:267] Traceback (most recent call last):",
    'ERROR 03-02 09:14:51 registry.py:267]   File "/opt/venv/lib/python3.11/site-packages/vllm/model_executor/models/registry.py", line 429, in _run_in_subprocess',
    "ERROR 03-02 09:14:51 registry.py:267]     returned.check_returncode()",
    "ERROR 03-02 09:14:51 registry.py:267] subprocess.CalledProcessError: Command '['/opt/venv/bin/python', '-m', 'vllm.model_executor.models.registry']' returned non-zero exit status 1.",
  ].join("\n");
  const V1 = [
    "(APIServer pid=4411) INFO 03-02 09:14:40 [api_server.py:1805] vLLM API server version 0.10.1.1",
    "(APIServer pid=4411) ERROR 03-02 09:14:51 [registry.py:449] Error in loading model architecture 'AcmeMoeForCausalLM'",
    "(APIServer pid=4411) ERROR 03-02 09:14:51 [registry.py:449] Traceback (most recent call last):",
    '(APIServer pid=4411) ERROR 03-02 09:14:51 [registry.py:449]   File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/models/registry.py", line 867, in _run_in_subprocess',
    "(APIServer pid=4411) ERROR 03-02 09:14:51 [registry.py:449]     returned.check_returncode()",
  ].join("\n");

  for (const [name, wrap] of variants) {
    it(`names the failed class check, V0 header (${name})`, async () => {
      const r = await analyzeText(wrap(V0) + "\n");
      expect(ids(r)).toEqual(["vllm/model-support"]);
      const f = finding(r, "vllm/model-support")!;
      expect(f.severity).toBe("error");
      expect(f.message).toContain("vLLM 0.6.3.post1 knows the architecture 'AcmeForCausalLM', but importing or inspecting its class failed");
      expect(f.evidence.map((e) => e.line)).toEqual([2]);
      expect(f.remediation[0]).toContain("undefined symbol");
      expect(r.facts.firstError?.line).toBe(2);
    });
    it(`names the failed class check, V1 header (${name})`, async () => {
      const r = await analyzeText(wrap(V1) + "\n");
      expect(ids(r)).toEqual(["vllm/model-support"]);
      expect(finding(r, "vllm/model-support")!.message).toContain("vLLM 0.10.1.1 knows the architecture 'AcmeMoeForCausalLM'");
      expect(r.facts.firstError?.line).toBe(2);
    });
  }

  it("the check comes before the registry's later error, and that error's words say it failed to be inspected", async () => {
    const r = await analyzeText(
      [
        ...V1.split("\n"),
        "(APIServer pid=4411) ValueError: Model architectures ['AcmeMoeForCausalLM'] failed to be inspected. Please check the logs for more details.",
      ].join("\n") + "\n",
    );
    const f = finding(r, "vllm/model-support")!;
    expect(f.message).toContain("knows the architecture 'AcmeMoeForCausalLM'");
    expect(f.evidence.map((e) => e.line)).toEqual([2, 6]);
  });

  it("the later error alone names the architecture too", async () => {
    const r = await analyzeText("ValueError: Model architectures ['AcmeForCausalLM', 'AcmeModel'] failed to be inspected. Please check the logs for more details.\n");
    expect(ids(r)).toContain("vllm/model-support");
    expect(finding(r, "vllm/model-support")!.message).toContain("knows the architecture 'AcmeForCausalLM', 'AcmeModel', but importing");
  });
});

describe("the checkpoint's quantization refused at start-up (vllm/quantization-unsupported)", () => {
  // V0 with Ray: the exception line the driver prints, then the worker's `Error executing method load_model`
  const CAPABILITY = [
    "ValueError: The quantization method fp8 is not supported for the current GPU. Minimum capability: 89. Current capability: 80.",
    "(RayWorkerWrapper pid=31877) ERROR 05-14 08:02:11 worker_base.py:157] Error executing method load_model. This might cause deadlock in distributed execution.",
    "(RayWorkerWrapper pid=31877) ERROR 05-14 08:02:11 worker_base.py:157] Traceback (most recent call last):",
    '(RayWorkerWrapper pid=31877) ERROR 05-14 08:02:11 worker_base.py:157]   File "/opt/venv/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 149, in execute_method',
    "(RayWorkerWrapper pid=31877) ERROR 05-14 08:02:11 worker_base.py:157]     return executor(*args, **kwargs)",
  ].join("\n");
  // V1's engine core logging the exception of a compressed-tensors MoE layer (≥0.8 header)
  const MOE = [
    "(EngineCore_DP0 pid=2210) ERROR 09-25 12:08:30 [core.py:718]   File \"/opt/venv/lib/python3.12/site-packages/vllm/model_executor/layers/quantization/compressed_tensors/compressed_tensors_moe.py\", line 135, in get_moe_method",
    "(EngineCore_DP0 pid=2210) ERROR 09-25 12:08:30 [core.py:718]     raise RuntimeError(",
    "(EngineCore_DP0 pid=2210) ERROR 09-25 12:08:30 [core.py:718] RuntimeError: Unsupported FusedMoe scheme: num_bits=4 type='int' symmetric=True group_size=64 strategy='group', num_bits=8 type='float' strategy='token' dynamic=True",
  ].join("\n");
  // ≥0.10: the config's validation error, its detail line behind the API server's prefix
  const DTYPE = [
    "(APIServer pid=88) pydantic_core._pydantic_core.ValidationError: 1 validation error for ModelConfig",
    "(APIServer pid=88)   Value error, torch.float32 is not supported for quantization method gptq. Supported dtypes: [torch.float16, torch.bfloat16] [type=value_error, input_value=ArgsKwargs((), {'model': 'acme/m-gptq'}), input_type=ArgsKwargs]",
  ].join("\n");

  for (const [name, wrap] of variants) {
    it(`names the GPU's capability, and the engine's failure it explains (${name})`, async () => {
      const r = await analyzeText(wrap(CAPABILITY) + "\n");
      expect(ids(r)).toEqual(["vllm/quantization-unsupported", "vllm/engine-init-failed"]);
      const f = finding(r, "vllm/quantization-unsupported")!;
      expect(f.severity).toBe("error");
      expect(f.message).toBe("The model's quantization cannot run here: the method fp8 needs a GPU of compute capability 8.9 or newer, and this one has 8.0.");
      expect(f.evidence.map((e) => e.line)).toEqual([1]);
      expect(r.facts.firstError?.line).toBe(1);
    });
    it(`names a MoE scheme without a kernel (${name})`, async () => {
      const r = await analyzeText(wrap(MOE) + "\n");
      expect(ids(r)).toEqual(["vllm/quantization-unsupported"]);
      expect(finding(r, "vllm/quantization-unsupported")!.evidence.map((e) => e.line)).toEqual([3]);
      expect(r.facts.firstError?.line).toBe(3);
    });
    it(`names the dtype the method refuses (${name})`, async () => {
      const r = await analyzeText(wrap(DTYPE) + "\n");
      expect(ids(r)).toEqual(["vllm/quantization-unsupported"]);
      expect(finding(r, "vllm/quantization-unsupported")!.message).toContain("gptq has no kernel for torch.float32 (it supports [torch.float16, torch.bfloat16])");
    });
  }
});

describe("a traceback pasted through a rich-text editor: typographic quotes, indentation lost", () => {
  // an issue's paste of an engine core's start-up failure, cut before the exception line: “ ” around the file names,
  // every frame and code line flush left after the logger's head, `__init__` turned into `init` by markdown
  const PASTED = [
    "(EngineCore_DP0 pid=8120) INFO 04-11 16:02:10 [pynccl.py:103] vLLM is using nccl==2.26.2",
    "(EngineCore_DP0 pid=8120) ERROR 04-11 16:02:11 [core.py:708] EngineCore failed to start.",
    "(EngineCore_DP0 pid=8120) ERROR 04-11 16:02:11 [core.py:708] Traceback (most recent call last):",
    "(EngineCore_DP0 pid=8120) ERROR 04-11 16:02:11 [core.py:708] File \u201c/srv/conda/envs/serve/lib/python3.10/site-packages/vllm/v1/engine/core.py\u201d, line 699, in run_engine_core",
    "(EngineCore_DP0 pid=8120) ERROR 04-11 16:02:11 [core.py:708] engine_core = EngineCoreProc(*args, **kwargs)",
    "(EngineCore_DP0 pid=8120) ERROR 04-11 16:02:11 [core.py:708] File \u201c/srv/conda/envs/serve/lib/python3.10/site-packages/vllm/v1/engine/core.py\u201d, line 498, in init",
    "(EngineCore_DP0 pid=8120) ERROR 04-11 16:02:11 [core.py:708] super().init(vllm_config, executor_class, log_stats,",
    "",
  ].join("\n");

  for (const [name, wrap] of variants) {
    it(`reads the frames and the code as the traceback, not as the cause (${name})`, async () => {
      const r = await analyzeText(wrap(PASTED));
      expect(ids(r)).toEqual(["vllm/engine-init-failed"]);
      expect(finding(r, "vllm/engine-init-failed")!.message).toBe(
        "The engine did not start, and this excerpt does not show the root cause: it is usually in an earlier traceback of a worker or EngineCore process.",
      );
      expect(r.facts.tracebacks?.rootCause ?? null).toBeNull();
    });
  }

  it("with the exception line there, that is the cause", async () => {
    const r = await analyzeText(`${PASTED}(EngineCore_DP0 pid=8120) ERROR 04-11 16:02:11 [core.py:708] RuntimeError: CUDA driver initialization failed, you might not have a CUDA gpu.\n`);
    expect(r.facts.tracebacks?.rootCause?.text).toBe("RuntimeError: CUDA driver initialization failed, you might not have a CUDA gpu.");
  });
});
