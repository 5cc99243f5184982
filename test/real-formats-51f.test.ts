import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-first round of real logs (vLLM failures the catalog should name). torch words a failed
 * cuBLAS / cuBLASLt call as `CUDA error: CUBLAS_STATUS_<status> when calling <call>` and a cuDNN one as `cuDNN error:
 * CUDNN_STATUS_<status>`: vllm/cuda-error knew only the CUDA runtime's fault words, so an engine core that died on
 * `CUBLAS_STATUS_INTERNAL_ERROR` in cublasGemmEx got no rule at all. The V1 API server's process monitor logs `Engine core
 * proc EngineCore_DP0 died unexpectedly, shutting down client.` when the engine core process vanishes while serving; the
 * engine-dead rule read only `Worker proc … died unexpectedly`. Every log text here is written for the test in the printed
 * layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T16:20:11.518204113Z ${l}`],
  ["docker compose", (l) => `vllm-openai-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:default:VLLMDeployment pid=5120, ip=10.4.0.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("a cuBLAS call that failed (torch's `CUDA error: CUBLAS_STATUS_…`)", () => {
  const gemm = [
    '(EngineCore_DP0 pid=418) ERROR 03-14 02:11:40 [core.py:1290]   File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/layers/utils.py", line 101, in default_unquantized_gemm',
    "(EngineCore_DP0 pid=418) ERROR 03-14 02:11:40 [core.py:1290]     return torch.nn.functional.linear(x, weight, bias)",
    "(EngineCore_DP0 pid=418) ERROR 03-14 02:11:40 [core.py:1290]            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    "(EngineCore_DP0 pid=418) ERROR 03-14 02:11:40 [core.py:1290] RuntimeError: CUDA error: CUBLAS_STATUS_INTERNAL_ERROR when calling `cublasGemmEx( handle, opa, opb, m, n, k, &falpha, a, CUDA_R_16BF, lda, b, CUDA_R_16BF, ldb, &fbeta, c, CUDA_R_16BF, ldc, compute_type, CUBLAS_GEMM_DEFAULT_TENSOR_OP)`",
    "(EngineCore_DP0 pid=418) Process EngineCore_DP0:",
  ];

  it("names the library, the call and the status, with the library's advice", async () => {
    await eachWrap(gemm, (r, at) => {
      const f = finding(r, "vllm/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A cuBLAS call (cublasGemmEx) failed with CUBLAS_STATUS_INTERNAL_ERROR. The engine or worker that made the call stops.");
      const advice = f!.remediation.join("\n");
      expect(advice, at).toContain("pip list | grep nvidia-cublas");
      expect(advice, at).not.toContain("illegal access after hours");
      expect(f!.evidence.map((e) => e.line), at).toEqual([4]);
      expect(r.facts.firstError?.line, at).toBe(4);
    });
  });

  it("cuBLASLt's execution failure (V0 record, no brackets) points at an earlier fault reported late", async () => {
    const lines = [
      'ERROR 06-21 14:10:32 async_llm_engine.py:52]   File "/opt/conda/lib/python3.10/site-packages/torch/nn/modules/linear.py", line 116, in forward',
      "ERROR 06-21 14:10:32 async_llm_engine.py:52]     return F.linear(input, self.weight, self.bias)",
      "ERROR 06-21 14:10:32 async_llm_engine.py:52] RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling cublasLtMatmul with transpose_mat1 t transpose_mat2 n m 5120 n 2211 k 5120 mat1_ld 5120 mat2_ld 5120 result_ld 5120 abcType 14 computeType 68 scaleType 0",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("A cuBLAS call (cublasLtMatmul) failed with CUBLAS_STATUS_EXECUTION_FAILED.");
      expect(f!.remediation[0], at).toContain("CUDA_LAUNCH_BLOCKING=1");
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });

  it("a handle that could not be created, and an unsupported call, get their own first advice", async () => {
    const create = await analyzeText(
      "(Worker_TP1 pid=2210) ERROR 11-02 07:40:03 [multiproc_executor.py:671] RuntimeError: CUDA error: CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate(handle)`\n",
    );
    const f1 = finding(create, "vllm/cuda-error")!;
    expect(f1.message).toContain("A cuBLAS call (cublasCreate) failed with CUBLAS_STATUS_NOT_INITIALIZED.");
    expect(f1.remediation[0]).toMatch(/no GPU memory was left/);
    const unsupported = await analyzeText("[rank0]: RuntimeError: CUDA error: CUBLAS_STATUS_NOT_SUPPORTED when calling `cublasGemmStridedBatchedEx(handle, opa, opb)`\r\n");
    const f2 = finding(unsupported, "vllm/cuda-error")!;
    expect(f2.message).toContain("CUBLAS_STATUS_NOT_SUPPORTED");
    expect(f2.remediation[0]).toMatch(/bfloat16 needs compute capability 8\.0/);
  });

  it("cuDNN's own wording (a vision encoder's convolution)", async () => {
    const lines = [
      "(EngineCore_DP0 pid=90) ERROR 02-20 10:00:01 [core.py:866] EngineCore failed to start.",
      "(EngineCore_DP0 pid=90) ERROR 02-20 10:00:01 [core.py:866] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=90) ERROR 02-20 10:00:01 [core.py:866]   File "/usr/local/lib/python3.12/dist-packages/torch/nn/modules/conv.py", line 717, in _conv_forward',
      "(EngineCore_DP0 pid=90) ERROR 02-20 10:00:01 [core.py:866] RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("A cuDNN call failed with CUDNN_STATUS_NOT_INITIALIZED.");
      expect(f!.remediation.join("\n"), at).toContain("grep nvidia-cudnn");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });

  it("a kernel fault before the library's error keeps the fault's reading", async () => {
    const r = await analyzeText(
      [
        "(Worker_TP0 pid=61) ERROR 05-02 09:00:00 [multiproc_executor.py:671] torch.AcceleratorError: CUDA error: an illegal memory access was encountered",
        "(Worker_TP0 pid=61) ERROR 05-02 09:00:01 [multiproc_executor.py:671] RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling `cublasGemmEx( handle )`",
      ].join("\n") + "\n",
    );
    const f = finding(r, "vllm/cuda-error")!;
    expect(f.message).toContain("A GPU kernel failed with CUDA error: an illegal memory access was encountered");
  });

  it("near misses: an allocation failure is out of memory, and a workspace setting is no error", async () => {
    const alloc = await analyzeText("RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`\n");
    expect(ids(alloc)).toContain("vllm/cuda-oom");
    expect(ids(alloc)).not.toContain("vllm/cuda-error");
    const quiet = await analyzeText(
      [
        "INFO 03-14 02:11:00 [envs.py:44] CUBLAS_WORKSPACE_CONFIG=:4096:8 is set, CUBLAS_STATUS_SUCCESS expected",
        "WARNING 03-14 02:11:01 [utils.py:90] cuDNN error reporting is verbose: CUDNN_LOGERR_DBG=1",
      ].join("\n") + "\n",
    );
    expect(ids(quiet)).toEqual([]);
    expect(quiet.facts.firstError).toBeNull();
  });
});

describe("the API server's monitor: `Engine core proc … died unexpectedly, shutting down client.`", () => {
  const serving = [
    "(APIServer pid=3310) INFO 04-02 11:20:15 [loggers.py:127] Engine 000: Avg prompt throughput: 210.4 tokens/s, Avg generation throughput: 88.0 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 21.5%, Prefix cache hit rate: 40.2%",
    '(APIServer pid=3310) INFO:     10.2.0.17:51820 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
    "(APIServer pid=3310) ERROR 04-02 11:20:19 [core_client.py:564] Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.",
    "(Worker_TP0 pid=3502) INFO 04-02 11:20:19 [multiproc_executor.py:546] Parent process exited, terminating worker",
    "(Worker_TP1 pid=3503) INFO 04-02 11:20:19 [multiproc_executor.py:546] Parent process exited, terminating worker",
  ];

  it("after the server served: the engine died, and a death without a traceback points at a kill", async () => {
    await eachWrap(serving, (r, at) => {
      const f = finding(r, "vllm/engine-dead");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toMatch(/^The engine core process died while the server was serving, without an error of its own/);
      expect(f!.message, at).toContain("OOM killer");
      expect(f!.evidence.map((e) => e.line), at).toEqual([3]);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r, "error"), at).toEqual(["vllm/engine-dead"]);
    });
  });

  it("with the engine core's own fatal error above it, that error leads", async () => {
    const r = await analyzeText(
      [
        serving[0],
        "(EngineCore_DP0 pid=3400) ERROR 04-02 11:20:18 [core.py:900] EngineCore encountered a fatal error.",
        serving[2],
      ].join("\n") + "\n",
    );
    const f = finding(r, "vllm/engine-dead")!;
    expect(f.message).toMatch(/^The engine died while serving/);
    expect(f.evidence.map((e) => e.line)).toEqual([2, 3]);
  });

  it("near misses: an offline script's exit, and the line alone, are no death while serving", async () => {
    const offline = await analyzeText(
      [
        "INFO 04-02 11:00:02 [core.py:216] init engine (profile, create kv cache, warmup model) took 21.40 seconds",
        "Processed prompts: 100%|██████████| 50/50 [00:31<00:00,  1.60it/s, est. speed input: 820.11 toks/s, output: 410.37 toks/s]",
        "ERROR 04-02 11:00:40 [core_client.py:564] Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.",
      ].join("\n") + "\n",
    );
    expect(ids(offline)).not.toContain("vllm/engine-dead");
    const alone = await analyzeText(serving[2] + "\n");
    expect(ids(alone)).not.toContain("vllm/engine-dead");
    // a worker's `died unexpectedly` is another line, read as before
    const worker = await analyzeText(
      [serving[0], "ERROR 04-02 11:20:19 [multiproc_executor.py:140] Worker proc VllmWorker-1 died unexpectedly, shutting down executor."].join("\n") + "\n",
    );
    expect(ids(worker)).toContain("vllm/engine-dead");
  });
});

describe("vLLM's import of triton_kernels failing (`Failed to import Triton kernels. …`)", () => {
  const gptOss = [
    "ERROR 02-03 08:10:12 [gpt_oss_triton_kernels_moe.py:34] Failed to import Triton kernels. Please make sure your triton version is compatible. Error: No module named 'triton_kernels.routing'",
    "(APIServer pid=41) INFO 02-03 08:10:14 [utils.py:346] non-default args: {'model_tag': 'openai/gpt-oss-20b', 'model': 'openai/gpt-oss-20b', 'max_model_len': 32768}",
  ];

  it("an MXFP4 model: a warning that names the missing module and the backend fallback, and explains the ERROR line", async () => {
    await eachWrap(gptOss, (r, at) => {
      const f = finding(r, "vllm/triton-kernels-unavailable");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("warning");
      expect(f!.message, at).toContain("(No module named 'triton_kernels.routing')");
      expect(f!.message, at).toContain("This model (openai/gpt-oss-20b) uses MXFP4 MoE layers");
      expect(f!.remediation[0], at).toContain("pip show triton");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r, "error"), at).toEqual([]);
      expect(r.verdict, at).not.toMatch(/^Error with no known cause/);
    });
  });

  it("another model: the same warning says the line is harmless for it", async () => {
    const r = await analyzeText(
      [
        "ERROR 04-01 11:21:57 [config.py:29] Failed to import Triton kernels. Please make sure your triton version is compatible. Error: No module named 'triton_kernels.matmul_ogs'",
        "(APIServer pid=9) INFO 04-01 11:21:59 [utils.py:233] non-default args: {'model': 'Qwen/Qwen3-8B'}",
      ].join("\r\n") + "\r\n",
    );
    const f = finding(r, "vllm/triton-kernels-unavailable")!;
    expect(f.message).toContain("the line is harmless for them");
    expect(f.remediation[1]).toMatch(/can be left alone/);
  });

  it("near misses: Triton itself missing, and another import failing, are not this", async () => {
    const r = await analyzeText(
      [
        "INFO 05-04 00:53:59 [importing.py:68] Triton not installed or not compatible; certain GPU-related functions will not be available.",
        "WARNING 05-04 00:54:00 [_custom_ops.py:20] Failed to import from vllm._C with ImportError('libcudart.so.12: cannot open shared object file')",
      ].join("\n") + "\n",
    );
    expect(ids(r)).not.toContain("vllm/triton-kernels-unavailable");
  });
});
