import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of a thirtieth round of real logs (data parallel, expert parallel and disaggregated serving: vLLM's engine
 * cores `EngineCore_DPn`, workers `Worker_DPd_TPt_EPe`, verl's / llm-d's wrappers around them). Every text is written
 * for the test in the printed layout.
 */

const kubectl = (l: string, i: number) => `2026-03-04T11:20:${String(10 + (i % 40)).padStart(2, "0")}.${String(200000000 + i * 7349).slice(1)}Z ${l}`;
const compose = (l: string) => `vllm-dp-1  | ${l}`;

/** the shapes a reader should not care about: as written, kubectl --timestamps, docker compose, CRLF */
async function variants(lines: string[]) {
  return Promise.all([
    analyzeText(lines.join("\n") + "\n"),
    analyzeText(lines.map(kubectl).join("\n") + "\n"),
    analyzeText(lines.map(compose).join("\n") + "\n"),
    analyzeText(lines.join("\r\n") + "\r\n"),
  ]);
}

/**
 * vLLM's `run_engine_core` logs the engine's traceback at ERROR (`EngineCore failed to start.` first, when the engine
 * object does not exist yet). A paste that keeps only the frames inside `EngineCore.__init__` (building the executor)
 * still shows the start-up failing, also behind a Ray actor's prefix (verl's `vLLMHttpServer`, on another node).
 */
describe("real formats 30d: an engine-core traceback cut inside EngineCore.__init__", () => {
  const outer = "(vLLMHttpServer pid=40211, ip=10.31.8.22) (EngineCore_DP1 pid=40577) ";
  const head = `${outer}ERROR 03-04 11:20:31 [core.py:851] `;
  const frames = [
    `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1131, in __init__`,
    `${head}    super().__init__(`,
    `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 615, in __init__`,
    `${head}    super().__init__(`,
    `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 104, in __init__`,
    `${head}    self.model_executor = executor_class(vllm_config)`,
    `${head}                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
  ];

  it("reports the engine's start-up failure, whatever wraps the lines", async () => {
    for (const r of await variants(frames)) expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
  });

  it("a traceback through the running engine.s busy loop is no start-up failure", async () => {
    const busy = [
      `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1012, in run_busy_loop`,
      `${head}    self._process_engine_step()`,
      `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1044, in _process_engine_step`,
      `${head}    outputs, model_executed = self.step_fn()`,
    ];
    for (const r of await variants(busy)) expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

/**
 * The multiprocessing traceback of an engine-core process that died (`Process EngineCore_DP1:`): `run_engine_core`
 * wraps the engine's construction and its busy loop in one `try` and re-raises (`raise e`), so a paste cut at that
 * frame says neither; the frame below it (`engine_core = DPEngineCoreProc(...)` or `engine_core.run_busy_loop()`) does.
 */
describe("real formats 30d: an engine-core process traceback cut at run_engine_core's re-raise", () => {
  const p = "(EngineCore_DP1 pid=61802) ";
  const top = [
    `${p}Process EngineCore_DP1:`,
    `${p}Traceback (most recent call last):`,
    `${p}  File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap`,
    `${p}    self.run()`,
    `${p}  File "/usr/lib/python3.12/multiprocessing/process.py", line 108, in run`,
    `${p}    self._target(*self._args, **self._kwargs)`,
    `${p}  File "/srv/vllm/vllm/v1/engine/core.py", line 946, in run_engine_core`,
    `${p}    raise e`,
  ];

  it("reports no start-up failure when the paste stops at `raise e`", async () => {
    for (const r of await variants(top)) expect(ids(r, "error")).toEqual([]);
  });

  it("reports it when the next frame builds the engine, and not when it runs the busy loop", async () => {
    const built = [...top, `${p}  File "/srv/vllm/vllm/v1/engine/core.py", line 933, in run_engine_core`, `${p}    engine_core = DPEngineCoreProc(*args, **kwargs)`];
    for (const r of await variants(built)) expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    const serving = [...top, `${p}  File "/srv/vllm/vllm/v1/engine/core.py", line 935, in run_engine_core`, `${p}    engine_core.run_busy_loop()`];
    for (const r of await variants(serving)) expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("still reports it when the engine says it failed to start, whatever the traceback shows", async () => {
    const said = [`${p}ERROR 03-04 11:20:40 [core.py:940] EngineCore failed to start.`, ...top];
    for (const r of await variants(said)) expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });
});

/**
 * Expert parallel without the launch command: the fused-MoE layer's `[EP Rank r/n] Expert parallelism is enabled.`
 * (printed only when it shards experts) and V1's worker name, which ends in `_EP<rank>` only with expert parallel on.
 */
describe("real formats 30d: expert parallel read from the MoE layer's line and the worker's name", () => {
  const moe = (w: string, r: number) =>
    `(${w} pid=${7100 + r}) INFO 03-04 11:21:02 [layer.py:512] [EP Rank ${r}/8] Expert parallelism is enabled. Expert placement strategy: linear. Local/global number of experts: 20/160. Experts local to global index map: 0->${20 * r}, 1->${20 * r + 1}.`;

  it("reads enableExpertParallel from the layer's line behind each wrapper", async () => {
    // DP with TP 1: each engine core runs its model in its own process, so the line carries the engine's prefix
    const lines = [moe("EngineCore_DP2", 2), moe("EngineCore_DP3", 3)];
    for (const r of await variants(lines)) {
      expect(r.facts.config.enableExpertParallel).toBe(true);
      expect(r.facts.sources["config.enableExpertParallel"]?.line).toBe(1);
    }
  });

  it("reads it from an `_EP<n>` worker prefix alone, and not from a worker without one", async () => {
    const ep = ["(Worker_TP1_EP1 pid=7210) INFO 03-04 11:21:05 [gpu_model_runner.py:2811] Model loading took 28.1406 GiB memory and 41.502337 seconds"];
    for (const r of await variants(ep)) expect(r.facts.config.enableExpertParallel).toBe(true);
    const tp = ["(Worker_DP1_TP1 pid=7211) INFO 03-04 11:21:05 [gpu_model_runner.py:2811] Model loading took 28.1406 GiB memory and 41.502337 seconds"];
    for (const r of await variants(tp)) expect(r.facts.config.enableExpertParallel).toBeNull();
  });

  it("does not take a rank line's `EP rank` (printed for every MoE model) for expert parallel", async () => {
    const rank = ["(Worker_TP1 pid=7301) INFO 03-04 11:20:58 [parallel_state.py:1311] rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 1, EP rank 1"];
    for (const r of await variants(rank)) expect(r.facts.config.enableExpertParallel).toBeNull();
  });
});
