import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixtieth round of real logs: quantized checkpoints at start-up (AWQ, GPTQ, GGUF, bitsandbytes,
 * compressed-tensors, ModelOpt FP8, NVFP4). Two gaps:
 * - the quantization method was read from the banner, the arguments and the Marlin conversion lines, but not from the
 *   line a quantized layer logs when it picks its kernel (`Using MacheteLinearKernel for GPTQMarlinLinearMethod`,
 *   `Using CutlassScaledMMLinearKernel for CompressedTensorsW8A8Int8`), often the only one left in a pasted excerpt;
 * - a GPU the quantized GEMM has no kernel for was not recognised: a compressed-tensors scheme's own capability check
 *   (printed as a Python tuple by most releases) and a build compiled without the GPU's architecture (`No compiled
 *   cutlass_scaled_mm for a compute capability less than CUDA device capability: 75`).
 * Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T21:05:44.301927004Z ${l}`],
  ["docker compose", (l) => `vllm-openai-1  | ${l}`],
  ["Ray Serve", (l) => `(ServeReplica:default:VLLMDeployment pid=4410, ip=10.2.0.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("the quantization method read off a layer's kernel choice", () => {
  const cases: [string, string[], string][] = [
    [
      "V1 worker nested in its engine core (GPTQ through Marlin)",
      [
        "(EngineCore_0 pid=2210) (VllmWorker TP0 pid=2231) INFO 09-02 14:10:07 [gpu_model_runner.py:1901] Starting to load model Qwen/Qwen2.5-14B-Instruct-GPTQ-Int4...",
        "(EngineCore_0 pid=2210) (VllmWorker TP0 pid=2231) INFO 09-02 14:10:07 [gptq_marlin.py:266] Using MacheteLinearKernel for GPTQMarlinLinearMethod",
        "(EngineCore_0 pid=2210) (VllmWorker TP0 pid=2231) INFO 09-02 14:10:12 [gpu_model_runner.py:1923] Model loading took 9.3811 GiB and 4.771203 seconds",
      ],
      "gptq_marlin",
    ],
    [
      "V0 record without brackets (AWQ through Marlin)",
      ["INFO 12-02 08:11:03 awq_marlin.py:190] Using MarlinLinearKernel for AWQMarlinLinearMethod", "INFO 12-02 08:11:09 model_runner.py:1077] Loading model weights took 5.3431 GB"],
      "awq_marlin",
    ],
    [
      "an engine core's compressed-tensors scheme",
      ["(EngineCore_DP0 pid=901) INFO 05-19 11:40:02 [compressed_tensors_wNa16.py:95] Using MarlinLinearKernel for CompressedTensorsWNA16"],
      "compressed-tensors",
    ],
    [
      "an INT8 W8A8 scheme of a worker process",
      ["(Worker_TP1 pid=3302) INFO 11-08 09:01:44 [compressed_tensors_w8a8_int8.py:52] Using CutlassScaledMMLinearKernel for CompressedTensorsW8A8Int8"],
      "compressed-tensors",
    ],
    ["the later AutoGPTQ method", ["(EngineCore pid=77) INFO 04-03 19:20:51 [auto_gptq.py:332] Using ExllamaLinearKernel for AutoGPTQLinearMethod"], "auto_gptq"],
  ];
  for (const [name, lines, method] of cases) {
    it(`${name}: ${method}`, async () => {
      await eachWrap(lines, (r, at) => {
        expect(r.facts.config.quantization, at).toBe(method);
        expect(ids(r, "error"), at).toEqual([]);
      });
    });
  }

  it("ranks under the engine's own statement: a moe_wna16 model's linear layers run GPTQ's Marlin method", async () => {
    const lines = [
      "(EngineCore_DP0 pid=5120) INFO 08-30 02:12:40 [core.py:74] Initializing a V1 LLM engine (v0.10.1.1) with config: model='/models/Qwen3-30B-A3B-GPTQ-Int4', speculative_config=None, tokenizer='/models/Qwen3-30B-A3B-GPTQ-Int4', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.float16, max_seq_len=32768, download_dir=None, load_format=auto, tensor_parallel_size=1, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=moe_wna16, enforce_eager=False, kv_cache_dtype=auto, device_config=cuda",
      "(EngineCore_DP0 pid=5120) INFO 08-30 02:12:44 [gptq_marlin.py:266] Using MarlinLinearKernel for GPTQMarlinLinearMethod",
    ];
    await eachWrap(lines, (r, at) => expect(r.facts.config.quantization, at).toBe("moe_wna16"));
    // the kernel line first (the banner comes later in some wrappers' order): the banner still wins
    const r = await analyzeText([lines[1], lines[0]].join("\n") + "\n");
    expect(r.facts.config.quantization).toBe("moe_wna16");
  });

  it("reads no method from kernel lines that do not name one", async () => {
    const lines = [
      "(EngineCore pid=274) INFO 06-12 08:49:28 [nvfp4.py:88] Using CutlassNvFp4LinearKernel for NVFP4 GEMM",
      "(EngineCore pid=274) INFO 06-12 08:49:30 [cuda.py:252] Using Flash Attention backend on V1 engine.",
      "[2026-03-01 10:00:00] INFO gptq.py:140: Using MarlinLinearKernel for SglangGPTQMarlinLinearMethod",
      "(EngineCore pid=274) INFO 06-12 08:49:31 [gptq_marlin.py:266] Using MacheteLinearKernel for GPTQMarlinLin",
      "(EngineCore pid=274) WARNING 06-12 08:49:33 [marlin_utils_fp4.py:170] Your GPU does not have native support for FP4 computation but FP4 quantization is being used. Weight-only FP4 compression will be used leveraging the Marlin kernel. This may degrade performance for compute-heavy workloads.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.quantization, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("a GPU the quantized GEMM has no kernel for", () => {
  it("a compressed-tensors scheme's capability check, printed as a tuple, in an engine core's traceback", async () => {
    const lines = [
      "(EngineCore_DP0 pid=585) ERROR 09-16 17:46:22 [core.py:718] EngineCore failed to start.",
      "(EngineCore_DP0 pid=585) ERROR 09-16 17:46:22 [core.py:718] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=585) ERROR 09-16 17:46:22 [core.py:718]   File "/opt/conda/lib/python3.12/site-packages/vllm/model_executor/layers/quantization/compressed_tensors/compressed_tensors.py", line 574, in _check_scheme_supported',
      "(EngineCore_DP0 pid=585) ERROR 09-16 17:46:22 [core.py:718]     raise RuntimeError(",
      "(EngineCore_DP0 pid=585) ERROR 09-16 17:46:22 [core.py:718] RuntimeError: ('Quantization scheme is not supported for ', 'the current GPU. Min capability: 80. ', 'Current capability: 75.')",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/quantization-unsupported");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("The model's quantization cannot run here: the checkpoint's compressed-tensors scheme needs a GPU of compute capability 8.0 or newer, and this one has 7.5.");
      expect(f!.evidence[0].line, at).toBe(5);
      expect(f!.remediation.join("\n"), at).toMatch(/weight-only checkpoint/);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("the joined sentence of later releases, from a TP worker", async () => {
    const lines = [
      "(Worker_TP0 pid=1707110) ERROR 11-29 20:52:18 [multiproc_executor.py:671] WorkerProc failed to start.",
      "(Worker_TP0 pid=1707110) ERROR 11-29 20:52:18 [multiproc_executor.py:671] RuntimeError: Quantization scheme is not supported for the current GPU. Min capability: 89. Current capability: 86.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/quantization-unsupported");
      expect(f?.message, at).toContain("needs a GPU of compute capability 8.9 or newer, and this one has 8.6");
    });
  });

  it("a build without the GPU's CUTLASS kernel, whole and cut by the collector", async () => {
    const whole = [
      "(VllmWorkerProcess pid=3737) INFO 10-16 19:44:44 multiproc_worker_utils.py:242] Worker exiting",
      "Process SpawnProcess-1:",
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.12/site-packages/vllm/_custom_ops.py", line 512, in cutlass_scaled_mm',
      "    torch.ops._C.cutlass_scaled_mm(out, a, b, scale_a, scale_b, bias)",
      "NotImplementedError: No compiled cutlass_scaled_mm for a compute capability less than CUDA device capability: 75",
    ];
    await eachWrap(whole, (r, at) => {
      const f = finding(r, "vllm/quantization-unsupported");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("The model's quantization cannot run here: the installed vLLM build has no cutlass_scaled_mm kernel for this GPU (compute capability 7.5): the quantized layers' GEMM was not compiled for its architecture.");
      expect(f!.remediation[0], at).toContain("(sm_75)");
      expect(r.facts.firstError?.line, at).toBe(6);
    });
    const cut = [...whole.slice(0, 5), "NotImplementedError: No compiled cutlass_scaled_mm for a compute capability less tha"];
    await eachWrap(cut, (r, at) => {
      const f = finding(r, "vllm/quantization-unsupported");
      expect(f?.message, at).toContain("has no cutlass_scaled_mm kernel for this GPU: the quantized");
      expect(f!.remediation[0], at).not.toContain("sm_");
    });
  });

  it("the asymmetric INT8, MoE and NVFP4 kernels", async () => {
    const r1 = await analyzeText("(EngineCore_DP0 pid=3) ERROR 02-11 07:00:01 [core.py:842] RuntimeError: No compiled cutlass_scaled_mm for CUDA device capability: 80. Required capability: 90 or 100\n");
    expect(finding(r1, "vllm/quantization-unsupported")?.message).toContain("no cutlass_scaled_mm kernel for this GPU (compute capability 8.0)");
    const r2 = await analyzeText("NotImplementedError: No compiled cutlass_scaled_mm_azp for a compute capability less than CUDA device capability: 70\n");
    expect(finding(r2, "vllm/quantization-unsupported")?.message).toContain("no cutlass_scaled_mm_azp kernel for this GPU (compute capability 7.0)");
    const r3 = await analyzeText("(EngineCore pid=88) ERROR 07-04 12:00:09 [core.py:1108] NotImplementedError: No compiled nvfp4 quantization kernel for SM 89. Recompile with the appropriate CUDA arch.\n");
    const f3 = finding(r3, "vllm/quantization-unsupported");
    expect(f3?.message).toContain("has no nvfp4 quantization kernel for this GPU (compute capability 8.9)");
  });

  it("stays quiet on the kernel choice and the weight-only fallback warnings", async () => {
    const lines = [
      "INFO 06-21 09:57:36 [compressed_tensors_w8a8_int8.py:52] Using CutlassScaledMMLinearKernel for CompressedTensorsW8A8Int8",
      "WARNING 06-21 09:57:37 [marlin_utils_fp8.py:80] Your GPU does not have native support for FP8 computation but FP8 quantization is being used. Weight-only FP8 compression will be used leveraging the Marlin kernel. This may degrade performance for compute-heavy workloads.",
      "INFO 06-21 09:57:38 [cutlass.py:41] compiled cutlass_scaled_mm for CUDA device capability: 90",
    ];
    await eachWrap(lines, (r, at) => {
      expect(finding(r, "vllm/quantization-unsupported"), at).toBeUndefined();
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});
