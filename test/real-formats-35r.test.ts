import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a round of real logs of vLLM on Ray clusters (round 35r): Ray's own renderings of vLLM's worker actor class
 * (the actor handle `Actor(RayWorkerWrapper, <id>)` that compiled_dag_node.py logs at teardown, the memory monitor's
 * `name=RayWorkerVllm.__init__, pid=N` and its `ray::RayWorkerWrapper.__ray_call__` table), a Ray compiled graph's
 * exception logged by vLLM's engine core (RayChannelTimeoutError: only the Ray executor drives a compiled graph), Ray's
 * `Version mismatch: The cluster was started with:` check, vLLM's Ray executor refusing a node without a GPU
 * (`vLLM engine cannot start without GPU`), and the memory monitor's kill report in every wording and wrap.
 * Every text is written for the test in the printed layout, with its own values.
 */

const reportsOf = (lines: string[], opts: { compose?: boolean } = {}) => Promise.all(variants(lines, opts).map((text) => analyzeText(text + "\n")));
const site = "/usr/lib/python3.12/site-packages";

describe("Ray's names of vLLM's worker actor say the Ray executor", () => {
  it("compiled-graph teardown `Cancelling compiled worker on actor: Actor(RayWorkerWrapper, <id>)`", async () => {
    const lines = [
      "2026-01-14 08:02:11,512\tINFO compiled_dag_node.py:2178 -- Tearing down compiled DAG",
      "2026-01-14 08:02:11,512\tINFO compiled_dag_node.py:2183 -- Cancelling compiled worker on actor: Actor(RayWorkerWrapper, 3f0a9c1d2e4b5a6978c0d1e2f3a4b5c6)",
      "2026-01-14 08:02:11,513\tINFO compiled_dag_node.py:2183 -- Cancelling compiled worker on actor: Actor(RayWorkerWrapper, 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b)",
    ];
    for (const r of await reportsOf(lines, { compose: true })) expect(r.facts.config.executorBackend).toBe("ray");
  });

  it("a torn-down forward graph means the engine had run: `EngineCore hit an exception` cut after run_engine_core is a death while serving", async () => {
    const crash = [
      "ERROR 01-14 08:02:11 [core.py:343] EngineCore hit an exception: Traceback (most recent call last):",
      `ERROR 01-14 08:02:11 [core.py:343]   File "${site}/vllm/v1/engine/core.py", line 336, in run_engine_core`,
    ];
    const teardown = [
      "2026-01-14 08:02:11,512\tINFO compiled_dag_node.py:2178 -- Tearing down compiled DAG",
      "2026-01-14 08:02:11,512\tINFO compiled_dag_node.py:2183 -- Cancelling compiled worker on actor: Actor(RayWorkerWrapper, 3f0a9c1d2e4b5a6978c0d1e2f3a4b5c6)",
    ];
    for (const r of await reportsOf([...teardown, ...crash])) {
      expect(ids(r)).toContain("vllm/engine-dead");
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
    }
    // without the graph the same cut traceback may be the start-up's (run_engine_core wraps both)
    for (const r of await reportsOf(crash)) expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("a user's own compiled graph over its own actor class says nothing of vLLM's executor", async () => {
    const lines = [
      "2026-01-14 08:02:11,512\tINFO compiled_dag_node.py:2183 -- Cancelling compiled worker on actor: Actor(Trainer, 3f0a9c1d2e4b5a6978c0d1e2f3a4b5c6)",
      "INFO 01-14 08:02:12 [loggers.py:127] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 0 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.0%, Prefix cache hit rate: 0.0%",
    ];
    for (const r of await reportsOf(lines)) expect(r.facts.config.executorBackend).toBeNull();
  });

  it("the memory monitor's kill report names the V0 actor `RayWorkerVllm.__init__`: Ray executor, V0, host memory", async () => {
    const lines = [
      "Memory on the node (IP: 10.40.1.7, ID: 77ab01) where the task (actor ID: 1c2d3e4f, name=RayWorkerVllm.__init__, pid=5120, memory used=27.40GB) was running was 60.31GB / 62.80GB (0.960351), which exceeds the memory usage threshold of 0.95. Ray killed this worker (ID: 5d6e7f80) because it was the most recently scheduled task; to see more information about memory usage on this node, use `ray logs raylet.out -ip 10.40.1.7`.",
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(r.facts.vllm.engine).toBe("v0");
      expect(r.findings.find((f) => f.ruleId === "vllm/host-oom")?.severity).toBe("error");
    }
  });

  it("its top-users table inside the engine core's record (`ray::RayWorkerWrapper.__ray_call__`)", async () => {
    const at = "ERROR 02-09 14:41:03 [core.py:391]";
    const lines = [
      `${at} ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.`,
      `${at} PID  MEM(GB) COMMAND`,
      `${at} 30417        188.20  ray::RayWorkerWrapper.__ray_call__`,
      `${at} 30415        6.02    ray::RayWorkerWrapper.__ray_call__`,
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(ids(r)).toContain("vllm/host-oom");
      expect(r.facts.firstError?.line).toBe(1);
    }
    // the table alone, without the exception's line, still names the actor
    for (const r of await reportsOf(lines.slice(1))) expect(r.facts.config.executorBackend).toBe("ray");
  });

  it("Ray's bare `(pid=N)` prefix is any Ray worker process before its task or actor is named: it names no executor", async () => {
    // ray-logging docs: a task's output is `(pid=45601) task`, an actor's `(MyActor pid=480956) ...`; vLLM run inside a
    // user's actor prints under `(pid=N)` first, under its actor's name after
    const lines = [
      "(pid=80311) INFO 07-02 11:20:04 [__init__.py:244] Automatically detected platform cuda.",
      "(ScoringActor pid=80311) INFO 07-02 11:20:09 [config.py:3131] Downcasting torch.float32 to torch.float16.",
    ];
    for (const r of await reportsOf(lines)) expect(r.facts.config.executorBackend).toBeNull();
    // vLLM's own Ray worker actor does name it
    const worker = ["(RayWorkerWrapper pid=80377, ip=10.40.1.8) INFO 07-02 11:20:14 [__init__.py:244] Automatically detected platform cuda."];
    for (const r of await reportsOf(worker)) expect(r.facts.config.executorBackend).toBe("ray");
  });
});

describe("a Ray compiled graph's failure in vLLM's engine core says the Ray executor", () => {
  const at = "ERROR 03-05 21:17:40 [core.py:588]";
  it("RayChannelTimeoutError logged by the engine core (no executor line in the window)", async () => {
    const lines = [
      `${at}   File "python/ray/includes/common.pxi", line 93, in ray._raylet.check_status`,
      `${at} ray.exceptions.RayChannelTimeoutError: System error: Timed out waiting for object available to read. ObjectID: 0a1b2c3d4e5f60718293a4b5c6d7e8f901020304`,
      `${at}`,
      `${at} The above exception was the direct cause of the following exception:`,
      `${at} Traceback (most recent call last):`,
      `${at}   File "${site}/vllm/v1/engine/core.py", line 611, in run_engine_core`,
      `${at}     engine_core.run_busy_loop()`,
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(r.facts.firstError?.line).toBe(2);
    }
  });

  it("a frame in ray/dag/compiled_dag_node.py under the engine core's record", async () => {
    const lines = [
      `${at} EngineCore encountered a fatal error.`,
      `${at} Traceback (most recent call last):`,
      `${at}   File "${site}/ray/dag/compiled_dag_node.py", line 2433, in _execute_until`,
      `${at}     result = self._dag_output_fetcher.read(timeout)`,
    ];
    for (const r of await reportsOf(lines)) expect(r.facts.config.executorBackend).toBe("ray");
  });

  it("Ray's compiled-graph channel module logging inside the engine-core process (`torch_tensor_accelerator_channel.py`)", async () => {
    const lines = [
      "(EngineCore_DP0 pid=41207) 2026-02-17 06:40:11,903\tINFO torch_tensor_accelerator_channel.py:833 -- Communicator group initialized.",
      "(EngineCore_DP0 pid=41207) INFO 02-17 06:40:12 [core.py:229] init engine (profile, create kv cache, warmup model) took 61.02 seconds",
    ];
    for (const r of await reportsOf(lines)) expect(r.facts.config.executorBackend).toBe("ray");
    // the module's record in a process that is not vLLM's engine core (a program's own compiled graph) names no executor
    for (const r of await reportsOf(["2026-02-17 06:40:11,903\tINFO torch_tensor_accelerator_channel.py:833 -- Communicator group initialized."])) {
      expect(r.facts.config.executorBackend).toBeNull();
    }
  });

  it("the same exception printed by a program of its own (no vLLM record) names no executor", async () => {
    const lines = [
      "Traceback (most recent call last):",
      `  File "${site}/ray/experimental/channel/common.py", line 301, in read`,
      "ray.exceptions.RayChannelTimeoutError: System error: Timed out waiting for object available to read. ObjectID: 0a1b2c3d",
    ];
    for (const r of await reportsOf(lines)) expect(r.facts.config.executorBackend).toBeNull();
  });
});

describe("ray.init's words for an address from the environment", () => {
  it("`Using address ray://... set in the environment variable RAY_ADDRESS` before vLLM's start is its Ray executor connecting", async () => {
    const lines = [
      "2026-03-02 10:05:44,210\tINFO worker.py:1520 -- Using address ray://10.40.0.2:10001 set in the environment variable RAY_ADDRESS",
      "2026-03-02 10:05:44,219\tINFO client_builder.py:244 -- Passing the following kwargs to ray.init() on the server: ignore_reinit_error, log_to_driver",
      "Traceback (most recent call last):",
    ];
    for (const r of await reportsOf(lines)) expect(r.facts.config.executorBackend).toBe("ray");
  });
});

describe("Ray's version check of a process joining the cluster", () => {
  it("`RuntimeError: Version mismatch: The cluster was started with:` is an error finding of cluster/version-mismatch", async () => {
    const lines = [
      "RuntimeError: Version mismatch: The cluster was started with:",
      "    Ray: 2.46.0",
      "    Python: 3.12.9",
      "This process on node 10.40.1.9 was started with:",
      "    Ray: 2.47.1",
      "    Python: 3.12.9",
    ];
    for (const r of await reportsOf(lines)) {
      const f = r.findings.find((x) => x.ruleId === "cluster/version-mismatch");
      expect(f?.severity).toBe("error");
      expect(f?.message).toMatch(/Ray refused the process/);
      expect(f?.evidence[0].line).toBe(1);
      expect(r.facts.firstError?.line).toBe(1);
    }
  });

  it("a Python patch difference is only Ray's warning, and the finding a warning", async () => {
    for (const header of [
      "2026-04-01 09:30:12,004\tWARNING utils.py:1602 -- Python patch version mismatch: The cluster was started with:",
      "2023-06-21 16:05:40,377\tWARNING node.py:322 -- Version mismatch: The cluster was started with:",
    ]) {
      for (const r of await reportsOf([header, "    Ray: 2.46.0", "    Python: 3.11.8", "This process on Ray Client was started with:", "    Ray: 2.46.0", "    Python: 3.11.5"])) {
        expect(r.findings.find((x) => x.ruleId === "cluster/version-mismatch")?.severity).toBe("warning");
      }
    }
  });
});

describe("vLLM's Ray executor on a node without a GPU", () => {
  it("`vLLM engine cannot start without GPU` is the engine's start-up failing, caused by Ray's resources", async () => {
    const lines = [
      "(EngineCore_DP0 pid=812) ValueError: Current node has no GPU available. current_node_resource={'CPU': 64.0, 'memory': 98000000000.0, 'node:10.40.2.3': 1.0, 'object_store_memory': 42000000000.0}. vLLM engine cannot start without GPU. Make sure you have at least 1 GPU available in a node current_node_id='5a6b7c' current_ip='10.40.2.3'.",
      "(EngineCore_DP0 pid=812) INFO 05-11 02:14:57 [ray_executor.py:121] Shutting down Ray distributed executor. If you see error log from logging.cc regarding SIGTERM received, please ignore because this is the expected termination process in Ray.",
      "(APIServer pid=640) Traceback (most recent call last):",
      `(APIServer pid=640)   File "${site}/vllm/entrypoints/cli/main.py", line 73, in main`,
    ];
    for (const r of await reportsOf(lines, { compose: true })) {
      expect(ids(r)).toEqual(expect.arrayContaining(["vllm/ray-insufficient-resources", "vllm/engine-init-failed"]));
      expect(r.facts.config.executorBackend).toBe("ray");
    }
  });
});

describe("Ray's memory monitor, wrapped by a terminal or a syslog forwarder", () => {
  it("the raylet's OOM line cut inside `(tasks /` still reads as host memory", async () => {
    const lines = [
      "(raylet) [2026-02-02 03:04:05,678 E 9110 9110] (raylet) node_manager.cc:3102: 3 Workers (tasks /",
      " actors) killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: 4e5f, IP: 10.40.3.4) over the last time period.",
    ];
    for (const r of await reportsOf(lines)) expect(r.findings.find((f) => f.ruleId === "vllm/host-oom")?.severity).toBe("error");
  });
});

describe("a Ray worker process that died under a pending call (vllm/ray-worker-died)", () => {
  const at = "(EngineCore_DP0 pid=3301) ERROR 08-19 22:05:31 [core.py:722]";
  const died = [
    `${at} ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.`,
    `${at} \tclass_name: RayWorkerWrapper`,
    `${at} \tactor_id: 0f1e2d3c4b5a69788796a5b4c3d2e1f0`,
    `${at} The actor is dead because its worker process has died. Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file.`,
  ];
  it("inside the engine core's records: an error finding with the exit type, the Ray executor read from the class name", async () => {
    for (const r of await reportsOf(died, { compose: true })) {
      const f = r.findings.find((x) => x.ruleId === "vllm/ray-worker-died");
      expect(f?.severity).toBe("error");
      expect(f?.message).toContain("(exit type SYSTEM_ERROR: Worker unexpectedly exits with a connection error code 2)");
      expect(f?.evidence.map((e) => e.line)).toEqual([1, 4]);
      expect(r.facts.config.executorBackend).toBe("ray");
    }
  });
  it("at start-up it is the cause the failed start names", async () => {
    const start = [
      "ERROR 08-19 22:05:31 [core.py:396] The actor is dead because its worker process has died. Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file.",
      "Process EngineCore_0:",
      "Traceback (most recent call last):",
      `  File "${site}/vllm/v1/engine/core.py", line 387, in run_engine_core`,
      "    engine_core = EngineCoreProc(*args, **kwargs)",
    ];
    for (const r of await reportsOf(start)) {
      expect(ids(r)).toEqual(expect.arrayContaining(["vllm/ray-worker-died", "vllm/engine-init-failed"]));
      expect(r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")?.causedBy).toContain("vllm/ray-worker-died");
    }
  });
});
