import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Round 31m (multi-node vLLM outside Ray: the mp backend across nodes, torchrun, RL trainers). vLLM ≈0.11.1–0.11.2
 * refuses a layout bigger than the node it starts on with `Tensor parallel size (N) cannot be larger than the number of
 * available GPUs (M).`, raised from vllm/config/parallel.py, where N is printed from `self.world_size` (TP × PP), not
 * from the tensor parallel size, and M counts this node's GPUs. Later releases word the same check `World size (N) is
 * larger than the number of available GPUs (M) in this node`. So N is the world size, and a TP the launch states
 * outranks it. Every text here is written for the test in vLLM's printed layout.
 */

const valueError = "  Value error, Tensor parallel size (16) cannot be larger than the number of available GPUs (8). [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]";

const pipelined = [
  "$ vllm serve /models/big-moe --tensor-parallel-size 8 --pipeline-parallel-size 2 --port 8000",
  "Traceback (most recent call last):",
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/engine/arg_utils.py", line 1370, in create_engine_config',
  "    parallel_config = ParallelConfig(",
  "                      ^^^^^^^^^^^^^^^",
  "pydantic_core._pydantic_core.ValidationError: 1 validation error for ParallelConfig",
  valueError,
];

/** wrappers a collector puts in front of every line: the reading must not change */
const wrappers: [string, (l: string, i: number) => string, string][] = [
  ["bare", (l) => l, "\n"],
  ["kubectl --timestamps", (l, i) => `2026-02-11T08:14:${String(10 + i).padStart(2, "0")}.120554301Z ${l}`, "\n"],
  ["docker compose", (l) => `vllm-head-1  | ${l}`, "\n"],
  ["CRLF", (l) => l, "\r\n"],
];

describe("`Tensor parallel size (N) cannot be larger than the number of available GPUs (M)` states the world size", () => {
  for (const [name, wrap, eol] of wrappers) {
    it(`${name}: -tp 8 -pp 2 on one 8-GPU node: TP 8 and PP 2 from the command, world size 16 and 8 GPUs from the error`, async () => {
      const r = await analyzeText(pipelined.map(wrap).join(eol) + eol);
      expect(r.facts.config.tensorParallelSize, name).toBe(8);
      expect(r.facts.config.pipelineParallelSize, name).toBe(2);
      expect(r.facts.distributed.worldSize, name).toBe(16);
      expect(r.facts.gpu.count, name).toBe(8);
      expect(r.facts.firstError?.line, name).toBe(6);
      // TP 8 fits a node of 8: nothing says the tensor-parallel group crosses nodes
      expect(r.findings.map((f) => f.ruleId), name).not.toContain("vllm/tp-spans-nodes");
    });
  }

  it("the message alone still gives the tensor parallel size (PP unknown), and the world size", async () => {
    const r = await analyzeText("Value error, Tensor parallel size (4) cannot be larger than the number of available GPUs (2)\n");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.distributed.worldSize).toBe(4);
    expect(r.facts.gpu.count).toBe(2);
  });

  it("non-default args printed before the error outrank its number too", async () => {
    const r = await analyzeText([
      "(APIServer pid=41) INFO 02-11 08:14:09 [utils.py:233] non-default args: {'model_tag': '/models/big-moe', 'model': '/models/big-moe', 'tensor_parallel_size': 4, 'pipeline_parallel_size': 3}",
      "(APIServer pid=41) ValueError: Tensor parallel size (12) cannot be larger than the number of available GPUs (4).",
    ].join("\n") + "\n");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.pipelineParallelSize).toBe(3);
    expect(r.facts.distributed.worldSize).toBe(12);
    expect(r.facts.firstError?.line).toBe(2);
  });
});
