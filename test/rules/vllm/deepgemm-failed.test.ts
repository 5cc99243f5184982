import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** vLLM's placeholder for a missing `deep_gemm` and DeepGEMM's own C++ errors (csrc/utils/exception.hpp), written for the test. */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "vllm/deepgemm-failed");
const text = (lines: string[]) => lines.join("\n") + "\n";

const OFF = "To run without it, start with VLLM_USE_DEEP_GEMM=0 (FP8 layers then use vLLM's other kernels); models whose layers have no other kernel (DeepSeek V3.2's sparse attention indexer) need DeepGEMM itself.";
const start = "(APIServer pid=90) INFO 04-09 13:20:05 [api_server.py:1896] vLLM API server version 0.11.0";

describe("vllm/deepgemm-failed", () => {
  it("is an error when the `deep_gemm` package is missing, in the older and the newer (`or outdated`) wording", async () => {
    const older = await mine(text([start, "ERROR 04-09 13:21:44 [core.py:700] RuntimeError: DeepGEMM backend is not available. Please install the `deep_gemm` package to enable FP8 kernels."]));
    expect(older).toHaveLength(1);
    expect(older[0].severity).toBe("error");
    expect(older[0].message).toBe("DeepGEMM failed: vLLM took the DeepGEMM path for FP8 GEMMs but the `deep_gemm` package is not installed.");
    expect(older[0].evidence.map((e) => e.line)).toEqual([2]);
    expect(older[0].remediation).toHaveLength(2);
    expect(older[0].remediation[0]).toMatch(/^Install the DeepGEMM revision this vLLM release is built against/);
    expect(older[0].remediation[1]).toBe(OFF);

    const newer = await mine(text([start, "(EngineCore_DP0 pid=311) RuntimeError: Worker failed with error 'DeepGEMM backend is not available or outdated. Please install or update the `deep_gemm` to a newer version to enable FP8 kernels.', please check the stack trace above for the root cause"]));
    expect(newer.map((f) => f.message)).toEqual(["DeepGEMM failed: vLLM took the DeepGEMM path for FP8 GEMMs but the `deep_gemm` package is missing or older than this vLLM expects."]);
  });

  it("names DeepGEMM's own failed check or call, in its JIT or its kernels, with the file shortened to DeepGEMM's part", async () => {
    const assertion = await mine(text([start, "(Worker_TP1 pid=1207) ERROR 04-09 13:22:10 [multiproc_executor.py:671] RuntimeError: Assertion error (csrc/apis/../jit_kernels/impls/../../jit/compiler.hpp:141): exit_code == 0"]));
    expect(assertion).toHaveLength(1);
    expect(assertion[0].message).toBe(
      "DeepGEMM failed: DeepGEMM's own check failed in its JIT, which compiles and loads the kernels at run time (`Assertion error ... exit_code == 0` in jit_kernels/impls/../../jit/compiler.hpp).",
    );
    expect(assertion[0].remediation[0]).toMatch(/^DeepGEMM compiles its kernels on first use: it needs an NVCC of CUDA 12.3\+/);
    expect(assertion[0].remediation[1]).toBe(OFF);

    const driver = await mine(text(["RuntimeError: CUDA driver error (/opt/src/DeepGEMM/csrc/jit/handle.hpp:87): 218 (CUDA_ERROR_INVALID_PTX, a PTX JIT compilation failed)"]));
    expect(driver.map((f) => f.message)).toEqual([
      "DeepGEMM failed: DeepGEMM's own CUDA driver call failed in its JIT, which compiles and loads the kernels at run time (`CUDA driver error ... 218 (CUDA_ERROR_INVALID_PTX, a PTX JIT compilation failed)` in jit/handle.hpp).",
    ]);
    const kernels = await mine(text(["RuntimeError: CUDA runtime error (/usr/local/lib/python3.12/dist-packages/deep_gemm/include/deep_gemm/common/utils.cuh:52): an illegal memory access was encountered"]));
    expect(kernels.map((f) => f.message)).toEqual([
      "DeepGEMM failed: DeepGEMM's own CUDA runtime call failed in its kernels (`CUDA runtime error ... an illegal memory access was encountered` in deep_gemm/include/deep_gemm/common/utils.cuh).",
    ]);
  });

  it("stays quiet on vLLM choosing DeepGEMM and on another library's error in the same layout", async () => {
    expect(await mine(text([
      start,
      "(Worker_TP0 pid=1206) INFO 04-09 13:21:02 [fp8_utils.py:114] Using DeepGEMM kernels for Fp8LinearMethod",
      "RuntimeError: CUDA error (/workspace/csrc/quantization/fp8/common.cu:77): invalid device function",
      "AssertionError: Assertion error (loader.py:212): expected 2 shards",
    ]))).toEqual([]);
  });

  it("reads the error the same behind a docker compose prefix", async () => {
    const f = await mine(text([start, "ERROR 04-09 13:21:44 [core.py:700] RuntimeError: DeepGEMM backend is not available. Please install the `deep_gemm` package to enable FP8 kernels."].map((l) => `vllm-h100-1  | ${l}`)));
    expect(f.map((x) => x.message)).toEqual(["DeepGEMM failed: vLLM took the DeepGEMM path for FP8 GEMMs but the `deep_gemm` package is not installed."]);
    expect(f[0].evidence[0].line).toBe(2);
  });
});
