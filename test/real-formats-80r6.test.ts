import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 80r6 of real logs: vLLM logs pasted in other projects' trackers (vllm-ascend, gpustack,
 * LMCache, OpenRLHF, rllm, kserve, ramalama, TorchServe, xinference, HabanaAI's fork...). Two misses of the tool:
 * - a hardware plugin runs vLLM's Ray worker as a subclass named with its platform (vllm-ascend's `NPURayWorkerWrapper`,
 *   vllm-mindspore's `MsRayWorkerWrapper` and `MsDPEngineCoreActor`), and Ray prefixes the worker's lines with that
 *   class: the executor was not read as Ray's;
 * - an RL trainer's method named like torch's set-up (OpenRLHF's `init_process_group`) calling `collective_rpc` on the
 *   `LLM` it had built was read as the engine failing to start.
 * Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T07:41:09.118204551Z ${l}`],
  ["docker compose", (l) => `rollout-1  | ${l}`],
];
const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const eachWrapTwo = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS.slice(1), lines, check);

describe("a platform plugin's subclass of vLLM's Ray worker names the Ray executor", () => {
  it("V0 on Ascend: the NPU worker's repeated weights line and its start-up error", async () => {
    const lines = [
      "INFO 06-02 10:11:05 model_runner.py:1094] Loading model weights took 18.4117 GB",
      "(NPURayWorkerWrapper pid=3310) INFO 06-02 10:11:09 model_runner.py:1094] Loading model weights took 18.4117 GB [repeated 2x across cluster]",
      "(NPURayWorkerWrapper pid=5120, ip=10.20.0.8) INFO 06-02 10:11:12 model_runner.py:1094] Loading model weights took 18.4117 GB",
      "(NPURayWorkerWrapper pid=3311) ERROR 06-02 10:11:20 worker_base.py:620] Error executing method 'determine_num_available_blocks'. This might cause deadlock in distributed execution.",
      "(NPURayWorkerWrapper pid=3311) ERROR 06-02 10:11:20 worker_base.py:620] Traceback (most recent call last):",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.memory.modelWeightsGiB, at).toBeCloseTo(18.4117, 4);
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
    });
  });

  it("MindSpore's worker and data-parallel engine actor; a name that only contains the class is no worker", async () => {
    const ms = await analyzeText([
      "(MsDPEngineCoreActor pid=901) INFO 08-14 03:02:11 [core.py:70] Initializing a V1 LLM engine (v0.9.1) with config: model='/data/qwen3-8b', tensor_parallel_size=2, pipeline_parallel_size=1, max_seq_len=8192",
      "(MsRayWorkerWrapper pid=944, ip=192.168.3.4) INFO 08-14 03:02:40 [parallel_state.py:1065] rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 1",
    ].join("\n") + "\n");
    expect(ms.facts.vllm.engine).toBe("v1");
    expect(ms.facts.config.executorBackend).toBe("ray");
    expect(ms.facts.config.tensorParallelSize).toBe(2);
    expect(ms.facts.dialects?.map((d) => d.name)).toContain("ray");
    // Ray's word for the plugin's worker whose constructor raised, with no repr naming vLLM
    const died = await analyzeText("(NPURayWorkerWrapper pid=3312) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::NPURayWorkerWrapper.__init__() (pid=3312, ip=10.20.0.8, actor_id=9a8b7c6d5e)\n");
    expect(ids(died, "error")).toContain("vllm/engine-init-failed");
    const near = await analyzeText("(NPURayWorkerWrapperPool pid=77) INFO 06-02 10:11:09 model_runner.py:1094] Loading model weights took 4.5 GB\n");
    expect(near.facts.config.executorBackend).toBeNull();
    expect(near.facts.memory.modelWeightsGiB).toBeCloseTo(4.5, 2);
  });
});

describe("a trainer working on the LLM it built is no engine start-up", () => {
  const call = [
    "Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::RolloutActor.init_process_group() (pid=5521, ip=10.1.0.9, actor_id=0c1d2e3f40, repr=<rlkit.rollout.vllm_actor.RolloutActor object at 0x7f00aa11bb20>)",
    'File "/opt/env/lib/python3.11/site-packages/rlkit/rollout/vllm_actor.py", line 71, in init_process_group',
    "return self.llm.collective_rpc(",
    'File "/opt/env/lib/python3.11/site-packages/vllm/entrypoints/llm.py", line 505, in collective_rpc',
    "executor = self.llm_engine.model_executor",
    "AttributeError: 'LLMEngine' object has no attribute 'model_executor'",
  ];

  it("OpenRLHF's shape: Ray's unhandled error, frames flush left behind the trainer's prefix", async () => {
    await eachWrapTwo(call.map((l) => `(TrainerActor pid=5400) ${l}`), (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).not.toContain("vllm/engine-init-failed");
    });
  });

  it("the same method run by the LLM's constructor chain is still a start-up failure", async () => {
    const r = await analyzeText([
      "Traceback (most recent call last):",
      '  File "/opt/env/lib/python3.11/site-packages/rlkit/rollout/vllm_actor.py", line 40, in __init__',
      "    self.llm = vllm.LLM(*args, **kwargs)",
      '  File "/opt/env/lib/python3.11/site-packages/vllm/entrypoints/llm.py", line 243, in __init__',
      "    self.llm_engine = LLMEngine.from_engine_args(",
      '  File "/opt/env/lib/python3.11/site-packages/vllm/distributed/parallel_state.py", line 988, in init_distributed_environment',
      "    torch.distributed.init_process_group(",
      "RuntimeError: The server socket has failed to listen on any local network address.",
    ].join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(8);
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });
});
