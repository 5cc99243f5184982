import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/tp-spans-nodes.js";
import { run } from "../helpers.js";

describe("vllm/tp-spans-nodes", () => {
  it("fires when TP is larger than a node", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 } } });
    expect(f).toHaveLength(1);
    expect(f[0].remediation[0]).toContain("--tensor-parallel-size 8 --pipeline-parallel-size 2");
  });
  it("stays quiet for TP inside a node and PP across nodes", () => {
    expect(run(rule, { facts: { config: { tensorParallelSize: 8, pipelineParallelSize: 2, nnodes: 2 } } })).toEqual([]);
  });
});
