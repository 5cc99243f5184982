import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a round of real logs pasted in the threads of projects that run vLLM (serving wrappers, RL
 * trainers, eval harnesses, desktop toolboxes): V1's engine dying after it started (`EngineDeadError` in the API
 * server, the engine core's `EngineCore encountered a fatal error.`), pasted cut right after the engine core's
 * `run_engine_core` frame, which wraps the start-up and the busy loop alike, or next to a worker's
 * `died unexpectedly`. That is no start-up failure. Every log text here is written for the test, in the format's
 * shape, with variants the threads did not show (other versions' prefixes, kubectl timestamps, compose, colour, CRLF).
 */

describe("V1's engine dying after it started", () => {
  const servingDeath = [
    "(APIServer pid=12) ERROR 07-08 09:10:11 [serving_chat.py:990]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/async_llm.py\", line 612, in output_handler",
    "(APIServer pid=12) ERROR 07-08 09:10:11 [serving_chat.py:990]     outputs = await engine_core.get_output_async()",
    "(APIServer pid=12) ERROR 07-08 09:10:11 [serving_chat.py:990] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.",
    "(EngineCore_DP0 pid=88) Process EngineCore_DP0:",
    "(EngineCore_DP0 pid=88) Traceback (most recent call last):",
    "(EngineCore_DP0 pid=88)   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py\", line 1021, in run_engine_core",
  ];

  it("is not read as a failed start-up when the paste stops at the engine core's run_engine_core frame", async () => {
    for (const text of variants(servingDeath, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(ids(r), what).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, what).toBe(3);
      expect(r.facts.firstError?.text, what).toContain("EngineDeadError: EngineCore encountered an issue.");
      expect(r.facts.vllm.engine, what).toBe("v1");
    }
  });

  it("reads the engine core's own fatal-error record and a bare exception line the same way", async () => {
    const coreFatal = [
      "(EngineCore pid=140) ERROR 01-02 03:04:05 [core.py:866] EngineCore encountered a fatal error.",
      "(EngineCore pid=140) ERROR 01-02 03:04:05 [core.py:866] Traceback (most recent call last):",
      "(EngineCore pid=140) ERROR 01-02 03:04:05 [core.py:866]   File \"/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py\", line 857, in run_engine_core",
      "(EngineCore pid=140) ERROR 01-02 03:04:05 [core.py:866]     raise e",
    ];
    const bareThenWorker = [
      "vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue.",
      "(EngineCore_DP0 pid=559) ERROR 10-20 03:20:46 [multiproc_executor.py:149] Worker proc VllmWorker-3 died unexpectedly, shutting down executor.",
    ];
    for (const lines of [coreFatal, bareThenWorker]) {
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        expect(ids(r), JSON.stringify(text.slice(0, 60))).not.toContain("vllm/engine-init-failed");
      }
    }
  });

  it("still reports a start-up failure when the log says so, and V0's dead-engine classes change nothing", async () => {
    const startup = [
      "(EngineCore_DP0 pid=88) ERROR 07-08 09:10:11 [core.py:708] EngineCore failed to start.",
      "(EngineCore_DP0 pid=88) ERROR 07-08 09:10:11 [core.py:708] Traceback (most recent call last):",
      "(EngineCore_DP0 pid=88) ERROR 07-08 09:10:11 [core.py:708]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py\", line 699, in run_engine_core",
      "(APIServer pid=12) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ];
    for (const text of variants(startup)) expect(ids(await analyzeText(text + "\n"))).toContain("vllm/engine-init-failed");
    // start-up frames through run_engine_core with no dead-engine line: still the engine failing to start
    const framesOnly = [
      "(EngineCore_DP0 pid=88) ERROR 07-08 09:10:11 [core.py:708]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py\", line 83, in __init__",
      "(EngineCore_DP0 pid=88) ERROR 07-08 09:10:11 [core.py:708]     self.model_executor = executor_class(vllm_config)",
      "(EngineCore_DP0 pid=88) ERROR 07-08 09:10:11 [core.py:708]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py\", line 106, in _init_executor",
      "(EngineCore_DP0 pid=88) ERROR 07-08 09:10:11 [core.py:708]     self.workers = WorkerProc.wait_for_ready(unready_workers)",
    ];
    expect(ids(await analyzeText(framesOnly.join("\n") + "\n"))).toContain("vllm/engine-init-failed");
    // V0's AsyncEngineDeadError is another class: a start-up traceback next to it is still read as one
    const v0 = [
      "ERROR 05-06 07:08:09 engine.py:366] Traceback (most recent call last):",
      "ERROR 05-06 07:08:09 engine.py:366]   File \"/usr/local/lib/python3.10/dist-packages/vllm/worker/worker.py\", line 176, in init_device",
      "ERROR 05-06 07:08:09 engine.py:366]     init_worker_distributed_environment(self.parallel_config, self.rank,",
      "ERROR 05-06 07:08:09 engine.py:366] RuntimeError: NCCL error: unhandled system error",
      "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop is not running.",
    ];
    expect(ids(await analyzeText(v0.join("\n") + "\n"))).toContain("vllm/engine-init-failed");
  });
});
