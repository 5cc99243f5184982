import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/tp-spans-nodes.js";
import { run } from "../helpers.js";

const IB = "If TP must span nodes, make sure NCCL uses InfiniBand with GPU Direct RDMA (look for `via NET/IB/<n>/GDRDMA` with NCCL_DEBUG=INFO).";

describe("vllm/tp-spans-nodes", () => {
  it("fires when TP is larger than a node", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 } } });
    expect(f).toHaveLength(1);
    expect(f[0].remediation[0]).toContain("--tensor-parallel-size 8 --pipeline-parallel-size 2");
  });
  it("stays quiet for TP inside a node and PP across nodes", () => {
    expect(run(rule, { facts: { config: { tensorParallelSize: 8, pipelineParallelSize: 2, nnodes: 2 } } })).toEqual([]);
  });
  it("carries the plan's advice with the log's numbers: TP 16 on two nodes", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 } } });
    expect(f[0].remediation).toEqual([
      "tensor_parallel_size 16 spans nodes of 8 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 8 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
      IB,
    ]);
  });
  it("takes the node size from NCCL's hosts and ranks: TP 8 over two nodes of 4 GPUs", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 8, pipelineParallelSize: 1 }, nccl: { nodes: 2, ranks: 8 } } });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("NCCL lines come from 2 hosts");
    expect(f[0].remediation[0]).toBe(
      "tensor_parallel_size 8 spans nodes of 4 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 4 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
    );
  });
  it("assumes nodes of maxGpusPerNode when the log shows no node size", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16 } } });
    expect(f[0].remediation[0]).toBe(
      "tensor_parallel_size 16 spans nodes of 8 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 8 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
    );
  });
  it("adds the no-NVLink advice for a PCIe GPU", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 }, gpu: { name: "NVIDIA L40S" } } });
    expect(f[0].remediation[1]).toBe(
      "NVIDIA L40S GPUs have no NVLink, so tensor parallelism over 16 GPUs runs its all-reduce over PCIe: prefer pipeline parallelism, --tensor-parallel-size 1 --pipeline-parallel-size 16.",
    );
  });
  it("falls back to the rule's own advice when only Ray shows the second node", () => {
    const f = run(rule, {
      facts: { config: { tensorParallelSize: 4, pipelineParallelSize: 1 } },
      events: [{ kind: "warning", source: "vllm", message: "x", ev: { file: "t.log", line: 3, text: "(RayWorkerWrapper pid=5, ip=10.0.0.2) WARNING x" }, origin: { process: "RayWorkerWrapper", pid: 5, ip: "10.0.0.2" }, input: 0 }],
    });
    expect(f[0].remediation).toEqual(["Set --tensor-parallel-size to the GPUs per node and --pipeline-parallel-size to the number of nodes.", IB]);
    expect(f[0].evidence).toEqual([{ file: "t.log", line: 3, text: "(RayWorkerWrapper pid=5, ip=10.0.0.2) WARNING x" }]);
  });
});
