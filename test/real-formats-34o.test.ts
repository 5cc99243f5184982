import { describe, expect, it } from "vitest";
import { variants } from "./helpers/variants.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 34o (vLLM's V0 releases, CPU / XPU / Neuron backends): shapes of real pastes the readers missed. The log texts
 * are written for the test in the printed layouts; the facts checked are exact.
 */

describe("Ray's ActorDiedError logged inside a vLLM record names the Ray worker actor", () => {
  // the engine logs the exception with its multi-line message: every line of it behind the logger's header
  const ACTOR_DIED = [
    "ERROR 05-06 14:20:15 [core.py:387]   File \"/opt/py/lib/python3.12/site-packages/ray/_private/worker.py\", line 921, in get_objects",
    "ERROR 05-06 14:20:15 [core.py:387]     raise value",
    "ERROR 05-06 14:20:15 [core.py:387] ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.",
    "ERROR 05-06 14:20:15 [core.py:387] \tclass_name: RayWorkerWrapper",
    "ERROR 05-06 14:20:15 [core.py:387] \tactor_id: 0a1b2c3d4e5f60718293a4b501000000",
  ];

  it.each(variants(ACTOR_DIED, { compose: true }).map((t, i) => [i, t]))("takes the Ray executor from `class_name: RayWorkerWrapper` (variant %i)", async (_i, text) => {
    const r = await analyzeText(text);
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.firstError?.line).toBe(3);
  });

  it("the same line with spaces for the tab (a paste's rendering), and the bare line Ray prints itself", async () => {
    const spaced = await analyzeText(ACTOR_DIED.map((l) => l.replace("\t", "     ")).join("\n"));
    expect(spaced.facts.config.executorBackend).toBe("ray");
    const bare = await analyzeText(["ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.", "\tclass_name: RayWorkerWrapper"].join("\n"));
    expect(bare.facts.config.executorBackend).toBe("ray");
  });

  it("an actor class that is not vLLM's Ray worker says nothing of the executor", async () => {
    const r = await analyzeText(ACTOR_DIED.slice(0, 3).concat(["ERROR 05-06 14:20:15 [core.py:387] \tclass_name: TrainerActor"]).join("\n"));
    expect(r.facts.config.executorBackend).toBeNull();
    // a `class_name:` line in an INFO record is no dead actor's description
    const info = await analyzeText("INFO 05-06 14:20:15 [core.py:90]   class_name: RayWorkerWrapper");
    expect(info.facts.config.executorBackend).toBeNull();
  });
});

describe("V0's multiprocessing worker logs the exception's words before its traceback (multiproc_worker_utils.py)", () => {
  const WORKER_FAILED = [
    "(VllmWorkerProcess pid=311) INFO 09-21 10:01:02 selector.py:128] Using Torch SDPA backend.",
    "(VllmWorkerProcess pid=311) ERROR 09-21 10:01:03 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method load_model: Attention sinks are not supported on this device., Traceback (most recent call last):",
    "(VllmWorkerProcess pid=311) ERROR 09-21 10:01:03 multiproc_worker_utils.py:226]   File \"/opt/py/lib/python3.10/site-packages/vllm/executor/multiproc_worker_utils.py\", line 223, in _run_worker_process",
    "(VllmWorkerProcess pid=311) ERROR 09-21 10:01:03 multiproc_worker_utils.py:226]     output = executor(*args, **kwargs)",
  ];

  it.each(variants(WORKER_FAILED, { compose: true }).map((t, i) => [i, t]))("names those words as the root cause of the failed start (variant %i)", async (_i, text) => {
    const r = await analyzeText(text);
    expect(r.facts.tracebacks?.rootCause?.text).toBe("Attention sinks are not supported on this device.");
    expect(r.facts.tracebacks?.rootCause?.evidence.line).toBe(2);
    expect(r.facts.firstError?.line).toBe(2);
    const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed");
    expect(f?.message).toContain("Root cause in the log: Attention sinks are not supported on this device.");
    expect(r.facts.config.executorBackend).toBe("mp");
    expect(r.facts.vllm.engine).toBe("v0");
  });

  it("the exception line at the traceback's end outranks the words of the first line", async () => {
    const r = await analyzeText(
      WORKER_FAILED.concat([
        "(VllmWorkerProcess pid=311) ERROR 09-21 10:01:03 multiproc_worker_utils.py:226]     raise NotImplementedError(\"Attention sinks are not supported on this device.\")",
        "(VllmWorkerProcess pid=311) ERROR 09-21 10:01:03 multiproc_worker_utils.py:226] NotImplementedError: Attention sinks are not supported on this device.",
      ]).join("\n"),
    );
    expect(r.facts.tracebacks?.rootCause?.text).toBe("NotImplementedError: Attention sinks are not supported on this device.");
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });

  it("the first releases' form (`while processing method load_model.`, the words only at the end) names no root cause from its first line", async () => {
    const r = await analyzeText(
      [
        "(VllmWorkerProcess pid=311) ERROR 09-21 10:01:03 multiproc_worker_utils.py:233] Exception in worker VllmWorkerProcess while processing method load_model.",
        "(VllmWorkerProcess pid=311) ERROR 09-21 10:01:03 multiproc_worker_utils.py:233] Traceback (most recent call last):",
      ].join("\n"),
    );
    expect(r.facts.tracebacks?.rootCause ?? null).toBeNull();
    expect(r.facts.firstError?.line).toBe(1);
  });
});

describe("the CPU and OpenVINO backends' KV-cache errors name their host-memory knob (V0 cpu_worker / openvino_worker)", () => {
  const TOO_SMALL = "ValueError: The model's max seq len (65536) is larger than the maximum number of tokens that can be stored in KV cache (30720). Try increasing `VLLM_CPU_KVCACHE_SPACE` or decreasing `max_model_len` when initializing the engine.";

  it.each(variants([`ERROR 03-02 11:12:13 engine.py:366] ${TOO_SMALL}`], { compose: true }).map((t, i) => [i, t]))("advises the knob, not --gpu-memory-utilization, when the cache is too small (variant %i)", async (_i, text) => {
    const r = await analyzeText(text);
    const f = r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small");
    expect(f?.severity).toBe("error");
    expect(f?.message).toBe("max_model_len 65,536 needs 65,536 tokens of KV cache; the cache holds 30,720.");
    expect(f?.remediation[0]).toBe("Lower --max-model-len to 30720 (what the cache holds), or raise VLLM_CPU_KVCACHE_SPACE (the GiB of host memory the CPU backend sets aside for the KV cache).");
    expect(f?.remediation.join(" ")).not.toContain("gpu-memory-utilization");
  });

  it("the GPU wording keeps the GPU advice", async () => {
    const r = await analyzeText(TOO_SMALL.replace("`VLLM_CPU_KVCACHE_SPACE`", "`gpu_memory_utilization`"));
    expect(r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small")?.remediation[0]).toBe("Lower --max-model-len to 30720 (what the cache holds), or raise --gpu-memory-utilization if nothing else uses the GPU.");
  });

  it("no room at all: the OpenVINO knob, named from the message", async () => {
    const r = await analyzeText(
      [
        "INFO 07-09 12:00:01 openvino_executor.py:72] # CPU blocks: 0",
        "ERROR 07-09 12:00:01 engine.py:366] ValueError: No available memory for the cache blocks. Try increasing `VLLM_OPENVINO_KVCACHE_SPACE` when initializing the engine.",
      ].join("\n"),
    );
    const f = r.findings.find((x) => x.ruleId === "vllm/no-kv-cache-memory");
    expect(f?.message).toBe("The OpenVINO backend found no room for a single KV cache block in the host memory VLLM_OPENVINO_KVCACHE_SPACE sets aside for it, so the engine cannot serve a request.");
    expect(f?.remediation[0]).toBe("Raise VLLM_OPENVINO_KVCACHE_SPACE (GiB of host memory for the KV cache), keeping it within the host's free memory next to the weights.");
    expect(f?.evidence.map((e) => e.line)).toEqual([2]);
    expect(r.facts.firstError?.line).toBe(2);
  });
});

describe("Ray's raylet line for a worker process that died without a Python error", () => {
  const RAYLET = "(EngineCore pid=2210) (raylet) A worker died or was killed while executing a task by an unexpected system error. To troubleshoot the problem, check the logs for the dead worker. Lease ID: 04000000aa Worker ID: 5b5b Node ID: 6c6c Worker IP address: 10.20.30.40 Worker port: 10011 Worker PID: 917 Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file. Some common causes include: (1) the process was killed by the OOM killer due to high memory usage, (2) ray stop --force was called, or (3) the worker crashed unexpectedly due to SIGSEGV or another unexpected error.";
  const FAILED = [
    RAYLET,
    "(EngineCore pid=2210) ERROR 04-02 09:10:11 [core.py:1099] EngineCore failed to start.",
    "(EngineCore pid=2210) ERROR 04-02 09:10:11 [core.py:1099] Traceback (most recent call last):",
  ];

  it.each(variants(FAILED, { compose: true }).map((t, i) => [i, t]))("the failed start names the worker's death and how it ended (variant %i)", async (_i, text) => {
    const r = await analyzeText(text);
    const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed");
    expect(f?.message.replace(/\(\S*run\.log:/, "(run.log:")).toBe(
      "The engine did not start, after a Ray worker process died without a Python error (exit type SYSTEM_ERROR: Worker unexpectedly exits with a connection error code 2) (run.log:1): Ray names the host's OOM killer, `ray stop --force` or a crash such as SIGSEGV as the usual causes.",
    );
    expect(f?.evidence.map((e) => e.line)).toEqual([1, 2]);
    // Ray's line is no failure record of its own: the first error stays vLLM's
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("a worker's death with no failed start is no finding of this rule, and a root cause in the log wins", async () => {
    expect(ids(await analyzeText(RAYLET))).not.toContain("vllm/engine-init-failed");
    const r = await analyzeText(FAILED.concat(["(EngineCore pid=2210) ERROR 04-02 09:10:11 [core.py:1099] RuntimeError: NCCL error: unhandled system error"]).join("\n"));
    expect(r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")?.message).toContain("Root cause in the log: RuntimeError: NCCL error: unhandled system error");
  });
});
