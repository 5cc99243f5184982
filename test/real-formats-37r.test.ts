import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of round 37r's real logs: RL and training frameworks that run vLLM as their rollout engine (OpenRLHF, verl,
 * SkyRL, NeMo-RL, TRL). They build the whole engine in a Ray actor's constructor, so a failed start shows on the driver
 * only as Ray's `The actor died because of an error raised in its creation task, ray::<Actor>.__init__() (..., repr=<...>)`
 * for an actor whose class or module names vLLM; and they put the engine to sleep between rollouts, so an OOM can come
 * from `wake_up` mapping the engine's memory back while the trainer still holds the GPU. Every text is written for the
 * test in the printed layout.
 */

/** the report of each wrapped form of `lines` (bare, kubectl --timestamps, docker compose, coloured prefixes, CRLF) */
async function eachWrapped(lines: string[], check: (r: Awaited<ReturnType<typeof analyzeText>>) => void): Promise<void> {
  for (const text of variants(lines, { compose: true })) check(await analyzeText(text + "\n"));
}

const driverDied = [
  "Traceback (most recent call last):",
  '  File "/srv/rl/train.py", line 88, in <module>',
  "    out = ray.get(engine.generate.remote(prompts))",
  '  File "/opt/py/lib/python3.10/site-packages/ray/_private/worker.py", line 863, in get_objects',
  "    raise value",
  "ray.exceptions.ActorDiedError: The actor died because of an error raised in its creation task, ray::LLMRayActor.__init__() (pid=40210, ip=10.8.1.4, actor_id=7d2c9a11e0f3b4a5c6d7e8f901000000, repr=<rl.trainer.ray.vllm_engine.LLMRayActor object at 0x7f1a2b3c4d50>)",
];

const actorTagged = [
  "(RolloutEngine pid=5120) INFO 07-02 10:11:12 [loader.py:40] reading the policy checkpoint",
  "(RolloutEngine pid=5120) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::RolloutEngine.__init__() (pid=5120, ip=10.8.1.5, actor_id=0a1b2c3d4e5f60718293a4b502000000, repr=<myrl.inference.vllm.engine.RolloutEngine object at 0x7e5500aa1230>)",
  '(RolloutEngine pid=5120)   File "/srv/myrl/inference/vllm/engine.py", line 31, in __init__',
  "(RolloutEngine pid=5120)     self.engine = build(cfg)",
];

describe("real formats 37r: an RL framework's engine actor dying in its constructor", () => {
  it("is the engine failing to start when Ray's line names a vLLM module in the actor's repr, behind every wrapper", async () => {
    for (const [lines, first] of [[driverDied, 6], [actorTagged, 2]] as const) {
      await eachWrapped([...lines], (r) => {
        expect(ids(r, "error")).toContain("vllm/engine-init-failed");
        expect(r.facts.firstError?.line).toBe(first);
      });
    }
  });

  it("is so too when the actor's class names vLLM and Ray's line carries no repr", async () => {
    for (const actor of ["AsyncVLLMInferenceEngine", "VllmGenerationWorker", "AsyncvLLMServer"]) {
      const r = await analyzeText(`(${actor} pid=31) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::${actor}.__init__() (pid=31, ip=10.8.1.6)\n`);
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });

  it("leaves a trainer's actor alone, even with vLLM named elsewhere on the line", async () => {
    const r = await analyzeText([
      "(PolicyTrainer pid=77) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::PolicyTrainer.__init__() (pid=77, ip=10.8.1.7, actor_id=11aa, repr=<rl.trainer.policy.PolicyTrainer object at 0x7f00aa>) before the vllm engines started",
      "ray.exceptions.ActorDiedError: The actor died because of an error raised in its creation task, ray::CriticActor.__init__() (pid=78, ip=10.8.1.7)",
      "",
    ].join("\n"));
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

const wakeV0 = (tag: string) => [
  `${tag}Traceback (most recent call last):`,
  `${tag}  File "/srv/rl/rollout.py", line 120, in generate`,
  `${tag}    self.llm.wake_up()`,
  `${tag}  File "/opt/py/lib/python3.10/site-packages/vllm/entrypoints/llm.py", line 1210, in wake_up`,
  `${tag}    self.llm_engine.wake_up()`,
  `${tag}  File "/opt/py/lib/python3.10/site-packages/vllm/executor/executor_base.py", line 216, in wake_up`,
  `${tag}    self.collective_rpc("wake_up")`,
  `${tag}  File "/opt/py/lib/python3.10/site-packages/vllm/worker/worker.py", line 140, in wake_up`,
  `${tag}    allocator.wake_up()`,
  `${tag}  File "/opt/py/lib/python3.10/site-packages/vllm/device_allocator/cumem.py", line 207, in wake_up`,
  `${tag}    create_and_map(handle)`,
  `${tag}  File "/opt/py/lib/python3.10/site-packages/vllm/device_allocator/cumem.py", line 75, in create_and_map`,
  `${tag}    python_create_and_map(*allocation_handle)`,
  `${tag}RuntimeError: CUDA Error: out of memory at /workspace/csrc/cumem_allocator.cpp:62`,
];

const wakeV1 = [
  "(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101] Invocation of wake_up method failed",
  "(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101] Traceback (most recent call last):",
  '(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101]   File "/usr/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 520, in wake_up',
  "(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101]     self.model_executor.wake_up(tags)",
  '(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101]   File "/usr/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 130, in wake_up',
  "(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101]     allocator.wake_up(tags)",
  '(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101]   File "/usr/lib/python3.12/site-packages/vllm/device_allocator/cumem.py", line 240, in wake_up',
  "(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101]     create_and_map(handle)",
  "(EngineCore_DP0 pid=902) ERROR 05-06 07:08:09 [core.py:1101] RuntimeError: CUDA Error: out of memory at /workspace/csrc/cumem_allocator.cpp:62",
];

describe("real formats 37r: CUDA out of memory while the engine wakes up from sleep mode", () => {
  it("names the phase and gives the wake-up advice (V0's LLM in an actor, behind every wrapper)", async () => {
    await eachWrapped(wakeV0("(ActorModelRayActor pid=4420) "), (r) => {
      const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom");
      expect(oom?.message).toContain("ran out of memory while waking up from sleep mode");
      expect(oom?.remediation[0]).toContain("on wake_up, the memory it released on sleep");
      expect(oom?.remediation.join(" ")).toContain('wake_up(tags=["weights"])');
      expect(oom?.remediation.join(" ")).not.toContain("--enforce-eager");
      expect(r.facts.firstError?.line).toBe(14);
    });
  });

  it("names it in V1's engine core too", async () => {
    const r = await analyzeText(wakeV1.join("\n") + "\n");
    const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom");
    expect(oom?.message).toContain("while waking up from sleep mode");
  });

  it("keeps another phase's advice: an OOM loading the weights at start-up is no wake-up", async () => {
    const r = await analyzeText([
      "Traceback (most recent call last):",
      '  File "/opt/py/lib/python3.10/site-packages/vllm/worker/worker.py", line 183, in load_model',
      "    self.model_runner.load_model()",
      '  File "/opt/py/lib/python3.10/site-packages/vllm/model_executor/model_loader/loader.py", line 402, in load_weights',
      "    param.data.copy_(w)",
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.10 GiB of which 1.20 GiB is free.",
      "",
    ].join("\n"));
    const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom");
    expect(oom?.message).toContain("while loading the model weights");
    expect(oom?.remediation.join(" ")).not.toContain("wake_up");
  });
});
