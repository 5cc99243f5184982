import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/custom-allreduce-disabled.js";
import { run } from "../helpers.js";

describe("vllm/custom-allreduce-disabled", () => {
  it("fires on the PCIe-only warning and advises pipeline parallelism", () => {
    const f = run(rule, { lines: ["(VllmWorker rank=3 pid=1) WARNING 04-16 11:09:10 [custom_all_reduce.py:136] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly."], facts: { config: { tensorParallelSize: 4 } } });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("because it's not supported on more than two PCIe-only GPUs");
    expect(f[0].remediation[0]).toContain("--tensor-parallel-size 1 --pipeline-parallel-size 4");
  });
  it("stays quiet without the warning", () => {
    expect(run(rule, { lines: ["INFO Using Flash Attention backend on V1 engine."] })).toEqual([]);
  });
});
