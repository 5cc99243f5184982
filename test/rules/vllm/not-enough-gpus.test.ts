import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/not-enough-gpus.js";
import { run } from "../helpers.js";
import { analyzeText, ids } from "../analyze-text.js";

describe("vllm/not-enough-gpus", () => {
  it("says how many GPUs the layout needs and how many the node sees, with the stated TP × PP", () => {
    const f = run(rule, {
      lines: [
        "(APIServer pid=12) INFO 11-20 09:14:05 [utils.py:326] non-default args: {'model': 'org/m', 'tensor_parallel_size': 8, 'pipeline_parallel_size': 2}",
        "(APIServer pid=12) ValueError: World size (16) is larger than the number of available GPUs (8) in this node. If this is intentional and you are using:",
      ],
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("needs 16 GPUs (TP 8 × PP 2) on this node, which sees 8 GPUs");
    expect(f[0].evidence.map((e) => e.line)).toEqual([2]);
    expect(f[0].remediation[0]).toContain("at most 8");
  });
  it("reads the newer wording and the 0.4-0.6 assert alike", () => {
    const newer = run(rule, { lines: ["  Value error, Tensor parallel size (4) cannot be larger than the number of available GPUs (2). [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]"] });
    expect(newer[0].message).toContain("needs 4 GPUs (TP 4) on this node, which sees 2 GPUs");
    const old = run(rule, { lines: ["AssertionError: please set tensor_parallel_size (2) to less than max local gpu count (1)"] });
    expect(old[0].message).toContain("needs 2 GPUs (TP 2) on this node, which sees 1 GPU.");
  });
  it("stays quiet on PyTorch's local-rank check and Ray's placement group", () => {
    expect(run(rule, { lines: ["RuntimeError: The local rank is larger than the number of available GPUs.", "ValueError: The number of required GPUs exceeds the total number of available GPUs (4) in the placement group."] })).toEqual([]);
  });
  it("end to end, wrapped by kubectl: the root cause of the failed start, before engine-init-failed", async () => {
    const lines = [
      "INFO 11-20 09:14:02 [__init__.py:241] Automatically detected platform cuda.",
      "(APIServer pid=1) INFO 11-20 09:14:05 [api_server.py:1805] vLLM API server version 0.10.1.1",
      "(APIServer pid=1) INFO 11-20 09:14:05 [utils.py:326] non-default args: {'model': 'org/m', 'tensor_parallel_size': 2}",
      "(APIServer pid=1) Traceback (most recent call last):",
      '(APIServer pid=1)   File "/usr/local/lib/python3.12/dist-packages/vllm/engine/arg_utils.py", line 1120, in create_engine_config',
      "(APIServer pid=1)     parallel_config = ParallelConfig(",
      "(APIServer pid=1) pydantic_core._pydantic_core.ValidationError: 1 validation error for ParallelConfig",
      "(APIServer pid=1)   Value error, World size (2) is larger than the number of available GPUs (1) in this node. If this is intentional and you are using:",
      "(APIServer pid=1) - ray, set '--distributed-executor-backend ray'.",
      "(APIServer pid=1) - multiprocessing, set '--nnodes' appropriately. [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]",
    ];
    for (const text of [lines.join("\n"), lines.map((l, i) => `2025-11-20T09:14:0${i}.123456789Z ${l}`).join("\n")]) {
      const r = await analyzeText(text + "\n");
      expect(ids(r, "error")[0]).toBe("vllm/not-enough-gpus");
      const f = r.findings.find((x) => x.ruleId === "vllm/not-enough-gpus")!;
      expect(f.evidence[0].line).toBe(8);
      expect(f.message).toContain("needs 2 GPUs (TP 2) on this node, which sees 1 GPU.");
      expect(r.facts.config.tensorParallelSize).toBe(2);
    }
  });
});
