import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/cuda-graph-capture-failed.js";
import { run } from "../helpers.js";

describe("vllm/cuda-graph-capture-failed", () => {
  it("names the capture error torch raised and says to confirm with --enforce-eager", () => {
    const f = run(rule, { lines: ["(Worker_TP0 pid=31) ERROR 02-03 04:05:06 [multiproc_executor.py:700] RuntimeError: CUDA error: operation not permitted when stream is capturing"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("operation not permitted when stream is capturing");
    expect(f[0].remediation[0]).toContain("--enforce-eager");
    expect(f[0].remediation.join(" ")).toContain("--disable-custom-all-reduce");
  });
  it("says a capture invalidated by an earlier call has its cause above, and reads NCCL's WARN as NCCL inside the capture", () => {
    const prev = run(rule, { lines: ["RuntimeError: CUDA error: operation failed due to a previous error during capture"] });
    expect(prev).toHaveLength(1);
    expect(prev[0].remediation.join(" ")).toContain("an earlier call invalidated the capture");
    const nccl = run(rule, { lines: ["gpu-7:310:310 [2] enqueue.cc:1130 NCCL WARN Cuda failure 'dependency created on uncaptured work in another stream'"] });
    expect(nccl).toHaveLength(1);
    expect(nccl[0].message).toContain("dependency created on uncaptured work in another stream");
    expect(nccl[0].remediation.join(" ")).toContain("NCCL failed inside the capture");
  });
  it("says the failure in its own words, not the whole record (a line naming only the error code)", () => {
    const coded = run(rule, { lines: ["(Worker_TP1 pid=88) ERROR 03-09 10:11:12 [multiproc_executor.py:962] Search for `cudaErrorStreamCaptureUnsupported' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information."] });
    expect(coded[0].message).toMatch(/^CUDA graph capture failed \(cudaErrorStreamCaptureUnsupported\)\. vLLM records/);
    const torch = run(rule, { lines: ["(Worker_TP0 pid=31) ERROR 02-03 04:05:06 [multiproc_executor.py:700] RuntimeError: CUDA error: operation not permitted when stream is capturing"] });
    expect(torch[0].message).toMatch(/^CUDA graph capture failed \(operation not permitted when stream is capturing\)\. vLLM records/);
  });
  it("stays quiet on the capture progress lines, the eager-mode advice and CUDA's out of memory", () => {
    expect(run(rule, { lines: [
      "(EngineCore_DP0 pid=40) INFO 02-03 04:05:06 [gpu_model_runner.py:3480] Capturing CUDA graphs (decode, FULL): 100%|██████████| 35/35 [00:03<00:00, 10.1it/s]",
      "INFO 02-03 04:05:06 model_runner.py:1024] Capturing the model for CUDA graphs. This may lead to unexpected consequences if the model is not static. To run the model in eager mode, set 'enforce_eager=True' or use '--enforce-eager' in the CLI.",
      "RuntimeError: CUDA error: out of memory",
    ] })).toEqual([]);
  });
});
