import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/custom-allreduce-disabled.js";
import { run } from "../helpers.js";

const TOPO = "Check the links with `nvidia-smi topo -m` (NV# means NVLink; PIX/PXB/PHB/SYS mean PCIe) and `nvidia-smi topo -p2p r` for P2P support.";
const SILENCE = "If the layout is intended, pass --disable-custom-all-reduce to silence the warning.";
const PCIE = "(VllmWorker rank=3 pid=1) WARNING 04-16 11:09:10 [custom_all_reduce.py:136] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.";

describe("vllm/custom-allreduce-disabled", () => {
  it("fires on the PCIe-only warning and advises pipeline parallelism", () => {
    const f = run(rule, { lines: [PCIE], facts: { config: { tensorParallelSize: 4 } } });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("because it's not supported on more than two PCIe-only GPUs");
    expect(f[0].remediation[0]).toContain("--tensor-parallel-size 1 --pipeline-parallel-size 4");
  });
  it("stays quiet without the warning", () => {
    expect(run(rule, { lines: ["INFO Using Flash Attention backend on V1 engine."] })).toEqual([]);
  });
  it("gives the plan's advice when the GPU is known to lack NVLink", () => {
    const f = run(rule, { lines: [PCIE], facts: { config: { tensorParallelSize: 4, pipelineParallelSize: 2 }, gpu: { name: "NVIDIA L40S" } } });
    expect(f[0].remediation).toEqual([
      "NVIDIA L40S GPUs have no NVLink, so tensor parallelism over 4 GPUs runs its all-reduce over PCIe: prefer pipeline parallelism, --tensor-parallel-size 1 --pipeline-parallel-size 8.",
      TOPO,
      SILENCE,
    ]);
    expect(f[0].evidence).toEqual([{ file: "t.log", line: 1, text: PCIE }]);
  });
  it("gives the rule's own layout with the log's GPU count when the GPU model is unknown", () => {
    const f = run(rule, { lines: [PCIE], facts: { config: { tensorParallelSize: 4, pipelineParallelSize: 2 } } });
    expect(f[0].remediation[0]).toBe("On GPUs without NVLink prefer pipeline parallelism: --tensor-parallel-size 1 --pipeline-parallel-size 8 (the vLLM docs advise this for L40S-class GPUs); compare throughput with both layouts.");
  });
  it("advises TP = GPUs per node when the group spans nodes", () => {
    const line = "(RayWorkerWrapper pid=581, ip=10.0.0.18) WARNING 08-01 10:00:00 custom_all_reduce.py:95] Custom allreduce is disabled because this process group spans across nodes.";
    const f = run(rule, { lines: [line], facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 } } });
    expect(f[0].message).toBe("vLLM's custom all-reduce is off because this process group spans across nodes; the tensor-parallel all-reduce then crosses the network through NCCL.");
    expect(f[0].remediation).toEqual([
      "tensor_parallel_size 16 spans nodes of 8 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 8 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
      SILENCE,
    ]);
  });
  it("names the supported sizes for an unsupported world size", () => {
    const line = "WARNING 07-13 03:43:42 custom_all_reduce.py:129] Custom allreduce is disabled due to an unsupported world size: 3. Supported world sizes: [2, 4, 6, 8]. To silence this warning, specify disable_custom_all_reduce=True explicitly.";
    const f = run(rule, { lines: [line], facts: { config: { tensorParallelSize: 3 } } });
    expect(f[0].remediation[0]).toBe("Tensor parallel size 3 is not one the custom all-reduce supports (2, 4, 6, 8); pick one of those sizes if the model divides by it, or accept NCCL's all-reduce.");
    expect(f[0].severity).toBeUndefined();
  });
  it("is only informational where the platform has no custom all-reduce", () => {
    const f = run(rule, { lines: ["INFO 04-08 10:00:00 [custom_all_reduce.py:75] Custom allreduce is disabled because of missing custom allreduce library"] });
    expect(f[0].severity).toBe("info");
  });
  it("reads a launcher's status line (custom all-reduce OFF, P2P disabled)", () => {
    const line = "[launch] PCIe only, P2P disabled: NCCL_P2P_DISABLE=1, custom all-reduce OFF";
    const f = run(rule, { lines: ["starting", line], facts: { config: { tensorParallelSize: 2 } } });
    expect(f).toHaveLength(1);
    expect(f[0].evidence).toEqual([{ file: "t.log", line: 2, text: line }]);
    expect(f[0].remediation[0]).toContain("--tensor-parallel-size 1 --pipeline-parallel-size 2");
    expect(f[0].severity).toBeUndefined();
  });
});
