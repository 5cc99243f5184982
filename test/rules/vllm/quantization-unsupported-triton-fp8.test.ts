import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

const WRAPS: [string, (l: string) => string, string][] = [
  ["bare", (l) => l, "\n"],
  ["CRLF", (l) => l, "\r\n"],
  ["kubectl --timestamps", (l) => `2026-02-11T10:20:33.402911Z ${l}`, "\n"],
  ["docker compose", (l) => `qwen-1  | ${l}`, "\n"],
  ["Ray prefix", (l) => `(RayWorkerWrapper pid=3310) ${l}`, "\n"],
];

// a V100 server with an fp8 KV cache: the worker's first compile of a Triton kernel refuses E4M3
const V100_KV_FP8 = [
  "INFO 02-11 10:19:40 [api_server.py:1700] vLLM API server version 0.11.0",
  "INFO 02-11 10:19:40 [utils.py:326] non-default args: {'model': '/models/qwen-awq', 'quantization': 'awq', 'dtype': 'float16', 'kv_cache_dtype': 'fp8', 'tensor_parallel_size': 2}",
  "(Worker_TP0 pid=8811) ERROR 02-11 10:20:33 [multiproc_executor.py:852] WorkerProc hit an exception.",
  "(Worker_TP0 pid=8811) ERROR 02-11 10:20:33 [multiproc_executor.py:852] ValueError(\"type fp8e4nv not supported in this architecture. The supported fp8 dtypes are ('fp8e4b15', 'fp8e5')\")",
];

type Report = Awaited<ReturnType<typeof analyzeText>>;
const of = (r: Report) => r.findings.filter((f) => f.ruleId === "vllm/quantization-unsupported");

describe("vllm/quantization-unsupported: Triton's FP8 refusal (log text in, report out)", () => {
  it("an fp8 KV cache on a pre-Ada GPU, under every wrapper: E4M3 needs 8.9, drop --kv-cache-dtype fp8", async () => {
    for (const [name, wrap, eol] of WRAPS) {
      const r = await analyzeText(V100_KV_FP8.map(wrap).join(eol) + eol);
      const f = of(r);
      expect(f.map((x) => x.severity), name).toEqual(["error"]);
      expect(f[0].message, name).toBe(
        "The model's quantization cannot run here: a Triton kernel needs the FP8 type fp8e4nv (FP8 E4M3, torch.float8_e4m3fn), which Triton does not compile for this GPU (it offers ('fp8e4b15', 'fp8e5')); Triton offers E4M3 only on NVIDIA GPUs of compute capability 8.9 or newer (Ada, Hopper and later), so a V100, T4 or A100 cannot run it. This run stores its KV cache as fp8, whose attention kernels use it.",
      );
      expect(f[0].evidence.map((e) => e.line), name).toEqual([4]);
      expect(f[0].remediation[0], name).toMatch(/^Drop --kv-cache-dtype fp8 \(the KV cache then stays in the model's dtype\), or use --kv-cache-dtype fp8_e5m2/);
      expect(r.verdict, name).toMatch(/^Failed \(vllm\/quantization-unsupported\): The model's quantization cannot run here: a Triton kernel needs the FP8 type fp8e4nv/);
    }
  });

  it("an FP8 checkpoint's kernel with no KV cache dtype in the log: the checkpoint advice; AMD's list gets no NVIDIA capability claim", async () => {
    const nv = of(await analyzeText("triton.compiler.errors.CompilationError: at 1:0:\nValueError(\"type fp8e4nv not supported in this architecture. The supported fp8 dtypes are ('fp8e4b15', 'fp8e5')\")\n"));
    expect(nv.map((x) => x.severity)).toEqual(["error"]);
    expect(nv[0].remediation[0]).toMatch(/^If --kv-cache-dtype fp8 \(or fp8_e4m3\) is set, drop it or use fp8_e5m2; an FP8 checkpoint/);
    const amd = of(await analyzeText("(EngineCore_DP0 pid=91) ValueError(\"type fp8e4nv not supported in this architecture. The supported fp8 dtypes are ('fp8e5',)\")\n"));
    expect(amd).toHaveLength(1);
    expect(amd[0].message).toBe("The model's quantization cannot run here: a Triton kernel needs the FP8 type fp8e4nv (FP8 E4M3, torch.float8_e4m3fn), which Triton does not compile for this GPU (it offers ('fp8e5',)).");
  });

  it("stays quiet on vLLM's note that the KV cache is stored in fp8", async () => {
    const r = await analyzeText("INFO 02-11 10:20:01 [cache.py:120] Using fp8 data type to store kv cache. It reduces the GPU memory footprint and boosts the performance.\n");
    expect(of(r)).toEqual([]);
  });
});
