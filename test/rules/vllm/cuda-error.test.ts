import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/cuda-error.js";
import { run } from "../helpers.js";

describe("vllm/cuda-error", () => {
  it("names an illegal memory access and says to rerun with CUDA_LAUNCH_BLOCKING=1 and narrow the kernel down", () => {
    const f = run(rule, { lines: ["(VllmWorker TP1 pid=409) ERROR 09-14 03:15:31 [multiproc_executor.py:596] RuntimeError: CUDA error: an illegal memory access was encountered"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("CUDA error: an illegal memory access was encountered");
    expect(f[0].remediation[0]).toContain("CUDA_LAUNCH_BLOCKING=1");
    expect(f[0].remediation[1]).toContain("--enforce-eager");
    expect(f[0].remediation[2]).toMatch(/^An illegal access after hours of serving .* can be the hardware/);
  });
  it("does not suggest the hardware for a failed assert, a check the kernel made on its inputs", () => {
    const f = run(rule, { lines: ["torch.AcceleratorError: CUDA error: device-side assert triggered"] });
    expect(f[0].remediation).toHaveLength(2);
    expect(f[0].remediation.join(" ")).not.toMatch(/hardware/);
  });
  it("tells a device-side assert, a build without kernels for the GPU and a hardware error apart", () => {
    expect(run(rule, { lines: ["torch.AcceleratorError: CUDA error: device-side assert triggered"] })[0].remediation[1]).toContain("tokenizer that does not match the model");
    expect(run(rule, { lines: ["RuntimeError: HIP error: no kernel image is available for execution on the device"] })[0].remediation[0]).toContain("no kernels for this GPU's architecture");
    expect(run(rule, { lines: ["RuntimeError: CUDA error: an uncorrectable ECC error was encountered"] })[0].remediation[0]).toContain("uncorrectable hardware error");
  });
  it("leaves CUDA's out of memory and NCCL's unhandled cuda error to their own rules", () => {
    expect(run(rule, { lines: ["RuntimeError: CUDA error: out of memory"] })).toEqual([]);
    expect(run(rule, { lines: ["torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled cuda error"] })).toEqual([]);
  });
});
