import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** CUDA error 802 outside NCCL, in the wordings torch, c10 and CUDA print it (texts written for the test). */
const findings = async (lines: string[]) => (await analyzeText(lines.join("\n") + "\n")).findings;
const MESSAGE =
  "CUDA refused to start on this machine: error 802, 'system not yet initialized' (cudaErrorSystemNotReady). On an NVSwitch system (HGX/DGX A100, H100, H200, B200) it means the NVIDIA Fabric Manager is not running, has not finished setting up the fabric, or is not the driver's version; until it is, no process can use any GPU. It is the host's state, not vLLM's or torch's.";

const WORKER = (prefix: string) => [
  `${prefix}ERROR 05-11 08:02:17 [multiproc_executor.py:611] WorkerProc failed to start.`,
  `${prefix}ERROR 05-11 08:02:17 [multiproc_executor.py:611] Traceback (most recent call last):`,
  `${prefix}ERROR 05-11 08:02:17 [multiproc_executor.py:611]   File "/opt/venv/lib/python3.12/site-packages/torch/cuda/__init__.py", line 372, in _lazy_init`,
  `${prefix}ERROR 05-11 08:02:17 [multiproc_executor.py:611]     torch._C._cuda_init()`,
  `${prefix}ERROR 05-11 08:02:17 [multiproc_executor.py:611] RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized`,
  `(EngineCore_DP0 pid=300) ERROR 05-11 08:02:19 [core.py:700] EngineCore failed to start.`,
  `(APIServer pid=120) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}`,
];

describe("vllm/cuda-system-not-ready", () => {
  it("names the Fabric Manager for a worker that could not count its GPUs, and explains the failed start", async () => {
    const f = await findings(WORKER(""));
    expect(f.map((x) => [x.ruleId, x.severity, x.causedBy ?? []])).toEqual([
      ["vllm/cuda-system-not-ready", "error", []],
      ["vllm/engine-init-failed", "error", ["vllm/cuda-system-not-ready"]],
    ]);
    expect(f[0].message).toBe(MESSAGE);
    expect(f[0].evidence.map((e) => e.line)).toEqual([5]);
    expect(f[0].remediation[0]).toMatch(/^On the host \(not in the container\): `systemctl status nvidia-fabricmanager`/);
  });

  it("reads the same under kubectl timestamps and CRLF", async () => {
    const lines = WORKER("(Worker_TP1 pid=4410) ").map((l, i) => `2026-05-11T08:02:${String(17 + i).padStart(2, "0")}.000000001Z ${l}\r`);
    const mine = (await findings(lines)).filter((x) => x.ruleId === "vllm/cuda-system-not-ready");
    expect(mine).toHaveLength(1);
    expect([mine[0].message, mine[0].evidence[0].line]).toEqual([MESSAGE, 5]);
  });

  it("explains vllm/no-gpu-platform after torch's warning, and reads torch's, THC's and the driver's wordings", async () => {
    const noPlatform = await findings([
      "/opt/venv/lib/python3.12/site-packages/torch/cuda/__init__.py:734: UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized (Triggered internally at /pytorch/c10/cuda/CUDAFunctions.cpp:109.)",
      "RuntimeError: Failed to infer device type",
    ]);
    expect(noPlatform.map((x) => [x.ruleId, x.causedBy ?? []])).toEqual([
      ["vllm/cuda-system-not-ready", []],
      ["vllm/no-gpu-platform", ["vllm/cuda-system-not-ready"]],
    ]);
    for (const line of [
      "RuntimeError: CUDA error: system not yet initialized",
      "RuntimeError: cuda runtime error (802) : system not yet initialized at /opt/conda/conda-bld/pytorch_1/work/aten/src/THC/THCGeneral.cpp:50",
      "jaxlib.xla_extension.XlaRuntimeError: INTERNAL: cuInit(0) failed: CUDA_ERROR_SYSTEM_NOT_READY: system not yet initialized",
    ])
      expect((await findings([line])).map((x) => [x.ruleId, x.severity]), line).toEqual([["vllm/cuda-system-not-ready", "error"]]);
  });

  it("is a warning while torch's warning is all the log shows, and leaves NCCL's own 802 to nccl/cuda-error", async () => {
    const warned = await findings(["/x/torch/cuda/__init__.py:129: UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized"]);
    expect(warned.map((x) => [x.ruleId, x.severity])).toEqual([["vllm/cuda-system-not-ready", "warning"]]);
    const nccl = await findings(["gpu-a:812:812 [3] include/alloc.h:125 NCCL WARN Cuda failure 802 'system not yet initialized'"]);
    expect(nccl.map((x) => x.ruleId)).toEqual(["nccl/cuda-error"]);
    expect(await findings(["INFO 05-11 08:02:10 [__init__.py:241] Automatically detected platform cuda."])).toEqual([]);
  });
});
