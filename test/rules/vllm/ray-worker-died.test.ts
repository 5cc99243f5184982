import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/ray-worker-died.js";
import { run } from "../helpers.js";

const RAYLET = "(raylet) A worker died or was killed while executing a task by an unexpected system error. To troubleshoot the problem, check the logs for the dead worker. RayTask ID: ffff0a1b Worker ID: 3c4d Node ID: 5e6f Worker IP address: 10.40.5.6 Worker port: 10021 Worker PID: 3318 Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file. There are some potential root causes. (1) The process is killed by SIGKILL by OOM killer due to high memory usage. (2) ray stop --force is called. (3) The worker is crashed unexpectedly due to SIGSEGV or other unexpected errors.";

describe("vllm/ray-worker-died", () => {
  it("the raylet's report quotes how the worker ended", () => {
    const f = run(rule, { lines: [RAYLET] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "A Ray worker process ended while a call to it was pending, without raising a Python error (exit type SYSTEM_ERROR: Worker unexpectedly exits with a connection error code 2). Ray names the host's OOM killer, `ray stop --force` or a crash such as SIGSEGV in native code as the usual causes.",
    );
    expect(f[0].evidence.map((e) => e.line)).toEqual([1]);
  });
  it("the caller's ActorDiedError over vLLM's worker actor says the engine lost a rank", () => {
    const at = "(EngineCore_DP0 pid=2051) ERROR 03-14 12:01:02 [core.py:710]";
    const f = run(rule, {
      lines: [
        `${at} ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.`,
        `${at}   class_name: RayWorkerWrapper`,
        `${at}   pid: 7730`,
        `${at} The actor is dead because its worker process has died. Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file.`,
      ],
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("vLLM runs its workers as Ray actors here (its Ray executor), so the engine lost a rank");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 4]);
  });
  it("stays quiet on an exit Ray calls intended (exit_actor(), a shutdown)", () => {
    expect(run(rule, { lines: ["error_message: 'The actor is dead because its worker process has died. Worker exit type: INTENDED_USER_EXIT Worker exit detail: Worker exits by an user request. exit_actor() is called.'"] })).toEqual([]);
  });
  it("stays quiet on a creation-task error (Python raised) and on Ray's memory monitor (vllm/host-oom)", () => {
    expect(run(rule, { lines: ["(LLMRayActor pid=9) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::LLMRayActor.__init__() (pid=9, ip=10.0.0.2)"] })).toEqual([]);
    expect(run(rule, { lines: ["ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory."] })).toEqual([]);
  });
});
