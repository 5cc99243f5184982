import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";

/**
 * Formats met in a second unbiased draw of real logs (vllm-project/vllm issues #1000–#9000 and #30000–#50000,
 * NVIDIA/nccl issues #1–#450). The tool read them at first sight (its one false alarm was our label's error);
 * reading the same lines behind a Ray actor's prefix showed one wrong fact: a vLLM engine started inside a Ray actor
 * (a Ray Serve replica, a trainer's rollout actor) with the multiprocessing executor prints every line, its workers'
 * too, under that actor's `(Name pid=…, ip=…)`, and the tool took the address for "Ray workers on another node", so a
 * one-node TP run over NCCL's Socket transport got a multi-node socket-fallback warning. The multiprocessing
 * executor's workers are the engine's own subprocesses: they run where the actor runs. Every log text here is written
 * for the test in the printed layout.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-11-02T08:15:40.118204113Z ${l}`],
  ["docker compose", (l: string) => `serve-1  | ${l}`],
] as const;

const ACTOR = (l: string) => `(ServeReplica:default:LLMServer pid=2100, ip=10.0.0.7) ${l}`;

describe("a multiprocessing-executor engine inside one Ray actor", () => {
  // V0 engine in the actor's process, its TP worker a subprocess; NCCL finds no IB and takes the socket transport
  const engine = [
    "INFO 03-04 10:11:12 config.py:1020] Defaulting to use mp for distributed inference",
    "(VllmWorkerProcess pid=2211) INFO 03-04 10:11:20 multiproc_worker_utils.py:215] Worker ready; awaiting tasks",
    "INFO 03-04 10:11:21 pynccl.py:63] vLLM is using nccl==2.20.5",
    "replica-a:2100:2100 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.7<0>",
    "replica-a:2100:2100 [0] NCCL INFO NET/IB : No device found.",
    "replica-a:2100:2100 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.7<0>",
    "replica-a:2100:2100 [0] NCCL INFO Using network Socket",
    "(VllmWorkerProcess pid=2211) replica-a:2211:2211 [1] NCCL INFO Using network Socket",
    "replica-a:2100:2150 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via SHM/direct/direct",
    "(VllmWorkerProcess pid=2211) replica-a:2211:2151 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via SHM/direct/direct",
  ];

  it("keeps the run on one node: the actor's address is where its workers run", async () => {
    await eachWrapped(WRAPS, engine.map(ACTOR), (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.nccl.workerIps, at).toEqual(["10.0.0.7"]);
      expect(r.facts.nccl.multiNode, at).toBe(false);
      expect(r.facts.nccl.transports["SHM"], at).toBe(2);
      expect(ids(r), at).not.toContain("nccl/socket-fallback");
    });
  });

  it("near miss: Ray's own executor, a worker actor at another address, still spans nodes", async () => {
    const ray = engine.map((l) =>
      l.includes("Defaulting to use mp")
        ? l.replace("use mp", "use ray")
        : l.replace("(VllmWorkerProcess pid=2211) ", "(RayWorkerWrapper pid=3300, ip=10.0.0.8) "),
    );
    await eachWrapped(WRAPS, ray, (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.nccl.multiNode, at).toBe(true);
    });
  });
});

describe("vLLM shapes of the draw, read end to end", () => {
  it("a V0 worker's exception interleaved with other workers' traceback frames", async () => {
    const lines = [
      '(VllmWorkerProcess pid=5003) ERROR 02-11 09:30:41 multiproc_worker_utils.py:226]   File "/opt/venv/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 65, in start_worker_execution_loop',
      "(VllmWorkerProcess pid=5004) ERROR 02-11 09:30:41 multiproc_worker_utils.py:226]     output = self.execute_model(execute_model_req=None)",
      "(VllmWorkerProcess pid=5001) ERROR 02-11 09:30:41 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method start_worker_execution_loop: , Traceback (most recent call last):",
      "(VllmWorkerProcess pid=5004) ERROR 02-11 09:30:41 multiproc_worker_utils.py:226]     return func(*args, **kwargs)",
    ];
    await eachWrapped([...WRAPS, ["Ray actor", ACTOR]], lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.nccl.multiNode, at).toBe(false);
    });
  });

  it("an engine core's traceback frames alone: init failed, no first error line", async () => {
    const lines = [
      "(EngineCore_DP0 pid=812) ERROR 02-11 10:02:03 [core.py:866] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=812) ERROR 02-11 10:02:03 [core.py:866]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 857, in run_engine_core',
      "(EngineCore_DP0 pid=812) ERROR 02-11 10:02:03 [core.py:866]     engine_core = EngineCoreProc(*args, **kwargs)",
      '(EngineCore_DP0 pid=812) ERROR 02-11 10:02:03 [core.py:866]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 240, in _initialize_kv_caches',
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
    });
  });

  it("a compose-prefixed Ray worker's watchdog timeout hard-wrapped by the terminal", async () => {
    const pad = " ".repeat(40);
    const lines = [
      "api-1  | (RayWorkerVllm pid=611) [E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=204, OpType=ALLREDUCE, NumelIn=4096, NumelOut=40",
      `96, Timeout(ms)=1800000) ran for 1800355 milliseconds before timing out.${pad}`,
      "api-1  | [E ProcessGroupNCCL.cpp:475] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=204, OpType=BROADCAST, NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 18",
      `00912 milliseconds before timing out.${pad}`,
    ];
    await eachWrapped([["plain", (l: string) => l]], lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r, "error"), at).toContain("nccl/collective-timeout");
    });
  });

  it("near miss: V0 engine-loop frames quoted as a markdown list under ISO stamps state no error", async () => {
    const lines = [
      '> - 2025-01-09T07:12:55.301+00:00 ERROR 01-09 07:12:55 async_llm_engine.py:52]   File "/usr/local/lib/python3.10/dist-packages/vllm/engine/async_llm_engine.py", line 532, in run_engine_loop',
      "> - 2025-01-09T07:12:55.301+00:00 ERROR 01-09 07:12:55 async_llm_engine.py:52]     has_requests_in_progress = await asyncio.wait_for(",
      '> - 2025-01-09T07:12:55.301+00:00 ERROR 01-09 07:12:55 async_llm_engine.py:52]   File "/usr/lib/python3.10/asyncio/tasks.py", line 445, in wait_for',
      "> - 2025-01-09T07:12:55.301+00:00 ERROR 01-09 07:12:55 async_llm_engine.py:52]     return fut.result()",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("KV cache and memory lines of the draw", () => {
  it("near miss: `Overriding num_gpu_blocks=0` is an override, not an empty KV cache", async () => {
    const lines = [
      "(EngineCore pid=4410) INFO 06-02 08:01:10 [kv_cache_utils.py:829] Overriding num_gpu_blocks=0 with num_gpu_blocks_override=256",
      "(EngineCore pid=4410) INFO 06-02 08:01:14 [gpu_worker.py:436] Available KV cache memory: 3.4 GiB",
      "(EngineCore pid=4410) INFO 06-02 08:01:14 [kv_cache_utils.py:1319] GPU KV cache size: 44,880 tokens",
      "(EngineCore pid=4410) INFO 06-02 08:01:14 [kv_cache_utils.py:1324] Maximum concurrency for 131,072 tokens per request: 0.34x",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.kvCache.gpuBlocks, at).toBe(256);
      expect(r.facts.kvCache.tokens, at).toBe(44880);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(0.34);
      expect(ids(r), at).not.toContain("vllm/no-kv-cache-memory");
    });
  });

  it("V0's weights line in MB (MiB) reads as GiB", async () => {
    const lines = [
      "INFO 05-14 11:20:03 model_runner.py:736] Loading model weights took 7168.0000 MB",
      "INFO 05-14 11:20:06 gpu_executor.py:103] # GPU blocks: 2048, # CPU blocks: 256",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.memory.modelWeightsGiB, at).toBe(7);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(2048);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(256);
    });
  });
});
