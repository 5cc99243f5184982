import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/custom-allreduce-failed.js";
import { run } from "../helpers.js";

describe("vllm/custom-allreduce-failed", () => {
  it("reads the kernel's CUDA check line with its site and error, and says to disable the custom all-reduce", () => {
    const f = run(rule, { lines: ["Failed: Cuda error /build/vllm/csrc/custom_all_reduce.cuh:371 'invalid argument'"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("invalid argument at custom_all_reduce.cuh:371");
    expect(f[0].remediation[0]).toContain("--disable-custom-all-reduce");
    expect(f[0].remediation[1]).toContain("--ipc=host");
  });
  it("stays quiet on the disabled warning and on another program's check line", () => {
    expect(run(rule, { lines: [
      "(VllmWorker rank=1 pid=12) WARNING 03-04 05:06:07 [custom_all_reduce.py:137] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
      "Failed: Cuda error common.cu:734 'an illegal memory access was encountered'",
    ] })).toEqual([]);
  });
});
