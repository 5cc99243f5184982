import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { peel } from "../src/records/peel.js";

/**
 * Shapes found by reading real logs wrapped the way more collectors write them (every line of ../shared/corpus behind
 * srun --label's `N: `, kubectl's stamps, compose's service ...) and comparing with the plain reading. Each text is
 * written for the test in the printed layout of Ray's own logger (`%(asctime)s\t%(levelname)s %(filename)s:%(lineno)s
 * -- %(message)s`), vLLM's and NCCL's.
 */

const rayDriverV0 = [
  "2024-01-22 14:32:19,671\tINFO worker.py:1540 -- Connecting to existing Ray cluster at address: 10.20.0.11:6379...",
  "2024-01-22 14:32:19,702 INFO worker.py:1715 -- Connected to Ray cluster. View the dashboard at 127.0.0.1:8265 ",
  "INFO 01-22 14:32:25 llm_engine.py:70] Initializing an LLM engine with config: model='mistralai/Mixtral-8x7B-Instruct-v0.1', tokenizer='mistralai/Mixtral-8x7B-Instruct-v0.1', tensor_parallel_size=4, seed=0)",
  "INFO 01-22 14:33:40 llm_engine.py:275] # GPU blocks: 27008, # CPU blocks: 8192",
];

const labels: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["srun --label", (l) => `0: ${l}`],
  ["pdsh", (l) => `gpu-node-1: ${l}`],
  ["kubectl --timestamps, srun --label", (l) => `2024-01-22T14:32:19.671000000Z 0: ${l}`],
];

describe("Ray's own log lines behind a launcher's line label", () => {
  for (const [name, wrap] of labels) {
    it(`the driver's 'Connecting to existing Ray cluster' says vLLM runs on Ray (${name})`, async () => {
      const r = await analyzeText(rayDriverV0.map(wrap).join("\n") + "\n");
      expect([r.facts.config.executorBackend, r.facts.config.tensorParallelSize, r.facts.kvCache.gpuBlocks]).toEqual(["ray", 4, 27008]);
    });
  }

  it("the label comes off only before Ray's whole head (stamp, level, `file.py:N --`); the stamp comes off as on an unlabelled line", () => {
    expect(peel("0: 2024-01-22 14:32:19,671 INFO worker.py:1540 -- Connecting to existing Ray cluster").text).toBe("INFO worker.py:1540 -- Connecting to existing Ray cluster");
    for (const line of ["step 3: 2024-01-22 14:32:19,671 INFO worker.py:1540 -- x", "0: 2024-01-22 14:32:19,671 INFO Connecting to existing Ray cluster", "0: 2024-01-22 14:32:19,671 INFO worker.py:1540 - x"]) expect(peel(line).text, line).toBe(line);
  });
});
