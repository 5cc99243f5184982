import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { peel } from "../src/records/peel.js";

/**
 * Shapes found by reading real logs wrapped the way more collectors write them (every line of ../shared/corpus behind
 * srun --label's `N: `, kubectl's stamps, compose's service, a viewer's line numbers ...) and comparing with the plain reading. Each text is
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

const v1Failure = [
  "(APIServer pid=5120) INFO 03-04 10:11:12 [api_server.py:1818] vLLM API server version 0.10.1",
  "(APIServer pid=5120) INFO 03-04 10:11:12 [utils.py:326] non-default args: {'model': 'Qwen/Qwen3-32B', 'tensor_parallel_size': 2}",
  "(VllmWorker rank=1 pid=5402) INFO 03-04 10:11:40 [parallel_state.py:1134] rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 1",
  "(APIServer pid=5120) Traceback (most recent call last):",
  '(APIServer pid=5120)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core_client.py", line 92, in make_async_mp_client',
  "(APIServer pid=5120)     return AsyncMPClient(*client_args)",
  "(APIServer pid=5120) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
]

const numbered: [string, (l: string, i: number) => string][] = [
  ["cat -n", (l, i) => `${String(i + 1).padStart(6)}\t${l}`],
  ["less -N", (l, i) => `${String(i + 1).padStart(7)} ${l}`],
  ["less -N, kubectl --timestamps", (l, i) => `${String(i + 1).padStart(7)} 2025-03-04T10:11:12.${String(100000 + i)}Z ${l}`],
];

describe("a viewer's line numbers before vLLM's process-prefixed lines", () => {
  const PLAIN_FINDINGS = ["vllm/engine-init-failed"];
  it("the log without them", async () => {
    const r = await analyzeText(v1Failure.join("\n") + "\n");
    expect([r.facts.vllm.engine, r.facts.config.executorBackend, r.facts.firstError?.line]).toEqual(["v1", "mp", 7]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(PLAIN_FINDINGS);
  });
  for (const [name, wrap] of numbered) {
    it(`reads the engine's failure as without them (${name})`, async () => {
      const r = await analyzeText(v1Failure.map(wrap).join("\n") + "\n");
      expect([r.facts.vllm.engine, r.facts.config.executorBackend, r.facts.config.tensorParallelSize, r.facts.config.model]).toEqual(["v1", "mp", 2, "Qwen/Qwen3-32B"]);
      expect(r.facts.firstError?.line).toBe(7);
      expect(r.findings.map((f) => f.ruleId)).toEqual(PLAIN_FINDINGS);
    });
  }

  it("only the number and its one tab or blank come off: a frame keeps its indentation; a number before prose stays", () => {
    const frame = '  File "/x/core.py", line 691, in run_engine_core';
    expect(peel(`    42\t${frame}`)).toEqual(peel(frame));
    expect(peel("   43 (EngineCore_0 pid=5301) ValueError: bad").origin).toMatchObject({ process: "EngineCore_0", pid: 5301 });
    for (const line of ["3 GPUs found", "12 (approx) Error: none"]) expect(peel(line).text, line).toBe(line);
  });
});

describe("srun --label before the last line of a paste, an NCCL record cut after its header", () => {
  const lines = [
    "gpu-a:97:221 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
    "gpu-a:97:221 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>",
    "NCCL version 2.5.6+cuda10.0",
    "gpu-a:98:220 [1] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
    "gpu-b:84:206",
  ];
  for (const [name, wrap] of labels.filter(([n]) => n !== "pdsh"))
    it(`names the second host (${name})`, async () => {
      const r = await analyzeText(lines.map(wrap).join("\n") + "\n");
      expect(r.facts.nccl.nodes).toBe(2);
    });

  // (a pdsh host label there is left on: `note: host:1:2` would read the same)
  it("takes off only a task number there", () => {
    expect(peel("3: gpu-b:84:206").text).toBe("gpu-b:84:206");
    expect(peel("3: gpu-b:84:206 [").text).toBe("gpu-b:84:206 [");
    expect(peel("note: gpu-b:84:206").text).toBe("note: gpu-b:84:206");
  });
});
