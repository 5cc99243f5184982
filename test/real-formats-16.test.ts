import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes seen in real pastes (round 16: /tmp/reallogs16, bug reports about subsystems — speculative decoding, LoRA,
 * multimodal, quantization, TPU / Gaudi / Neuron / ROCm back-ends). Every log text here is written for the test in the
 * format's shape, with unseen variants next to it.
 */

const v0 = (level: string, file: string, msg: string, stamp = "12-27 00:09:08") => `${level} ${stamp} ${file}] ${msg}`;
const cur = (level: string, file: string, msg: string, stamp = "08-17 22:39:33") => `${level} ${stamp} [${file}] ${msg}`;

describe("a worker prefix nested under the same engine process (`(EngineCore_0 pid=N) (VllmWorker TP0 pid=M)`)", () => {
  it("takes the executor from the inner worker name after a line of the outer process alone", async () => {
    const r = await analyzeText(
      [
        "(EngineCore_0 pid=5120) " + cur("INFO", "core.py:74", "Initializing a V1 LLM engine with config: model='org/m'"),
        "(EngineCore_0 pid=5120) (VllmWorker TP0 pid=5126) " + cur("INFO", "pynccl.py:70", "vLLM is using nccl==2.26.2"),
        "(EngineCore_0 pid=5120) (VllmWorker TP1 pid=5127) " + cur("INFO", "pynccl.py:70", "vLLM is using nccl==2.26.2"),
      ].join("\n"),
    );
    expect(r.facts.config.executorBackend).toBe("mp");
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("reads the other inner names the same way (variants: `rank=N`, `Worker_TP0`, a Ray actor)", async () => {
    const rank = await analyzeText(
      ["(EngineCore_DP0 pid=7) " + cur("INFO", "core.py:1", "x"), "(EngineCore_DP0 pid=7) (VllmWorker rank=1 pid=9) " + cur("INFO", "parallel_state.py:1", "y")].join("\n"),
    );
    expect(rank.facts.config.executorBackend).toBe("mp");
    const tp = await analyzeText(
      ["(EngineCore_DP0 pid=7) " + cur("INFO", "core.py:1", "x"), "(EngineCore_DP0 pid=7) (Worker_TP1 pid=9) " + cur("INFO", "parallel_state.py:1", "y")].join("\n"),
    );
    expect(tp.facts.config.executorBackend).toBe("mp");
    const ray = await analyzeText(
      [
        "(EngineCore_DP0 pid=7) " + cur("INFO", "core.py:1", "x"),
        "(EngineCore_DP0 pid=7) (RayWorkerWrapper pid=88, ip=10.0.0.2) " + cur("INFO", "parallel_state.py:1", "y"),
      ].join("\n"),
    );
    expect(ray.facts.config.executorBackend).toBe("ray");
  });

  it("gives no executor when only the engine process is named (near miss)", async () => {
    const r = await analyzeText(
      ["(EngineCore_0 pid=5120) " + cur("INFO", "core.py:74", "a"), "(EngineCore_0 pid=5120) " + cur("INFO", "core.py:75", "b")].join("\n"),
    );
    expect(r.facts.config.executorBackend).toBeNull();
  });
});

describe("V0's run_mp_engine handler (`ERROR engine.py:N] msg` + a traceback from `run_mp_engine`)", () => {
  it("is a start-up failure even when the paste stops at the first frame (indented)", async () => {
    const r = await analyzeText(
      [
        "   " + v0("ERROR", "engine.py:366", "'RowParallelLinear' object has no attribute 'weight_scale'"),
        "   " + v0("ERROR", "engine.py:366", "Traceback (most recent call last):"),
        "   " + v0("ERROR", "engine.py:366", '  File "/opt/venv/vllm/engine/multiprocessing/engine.py", line 357, in run_mp_engine'),
      ].join("\n"),
    );
    expect(ids(r)).toContain("vllm/engine-init-failed");
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.vllm.engine).toBe("v0");
  });

  it("reads the process's own traceback the same way (variant: `Process SpawnProcess-1:`)", async () => {
    const r = await analyzeText(
      [
        "Process SpawnProcess-1:",
        "Traceback (most recent call last):",
        '  File "/usr/lib/python3.10/multiprocessing/process.py", line 314, in _bootstrap',
        "    self.run()",
        '  File "/usr/local/lib/python3.10/dist-packages/vllm/engine/multiprocessing/engine.py", line 390, in run_mp_engine',
        "    raise e",
        "KeyError: 'model.layers.0.mlp.gate.weight'",
      ].join("\n"),
    );
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("is not one when the traceback runs through the serving loop (`start` -> `run_engine_loop`) (near miss)", async () => {
    const r = await analyzeText(
      [
        v0("ERROR", "engine.py:160", "RuntimeError('CUDA error: an illegal memory access was encountered')"),
        v0("ERROR", "engine.py:160", "Traceback (most recent call last):"),
        v0("ERROR", "engine.py:160", '  File "/opt/venv/vllm/engine/multiprocessing/engine.py", line 158, in start'),
        v0("ERROR", "engine.py:160", "    self.run_engine_loop()"),
        v0("ERROR", "engine.py:160", '  File "/opt/venv/vllm/engine/multiprocessing/engine.py", line 221, in run_engine_loop'),
        v0("ERROR", "engine.py:160", "    request_outputs = self.engine_step()"),
      ].join("\n"),
    );
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("a Python-logging wrapper naming vLLM's logger (`stamp - vllm.v1.x - LEVEL - msg`)", () => {
  const stats = "Avg prompt throughput: 10.5 tokens/s, Avg generation throughput: 42.0 tokens/s, Running: 2 reqs, Waiting: 0 reqs, GPU KV cache usage: 3.1%, Prefix cache hit rate: 0.0%";
  it("takes the engine from a V1 module's logger name, under a syslog prefix", async () => {
    const r = await analyzeText(`May 17 09:01:44 gpu-node-3 llmsvc[4410]: 2025-05-17 09:01:44,113 - vllm.v1.metrics.loggers - INFO - ${stats}\n`);
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.runtime?.statsLines).toBe(1);
  });

  it("reads it without the syslog prefix, and not from a V0 module or another logger (variants, near misses)", async () => {
    const bare = await analyzeText(`2025-05-17 09:01:44,113 - vllm.v1.engine.core - INFO - Waiting for init message from front-end.\n`);
    expect(bare.facts.vllm.engine).toBe("v1");
    const v0mod = await analyzeText(`2025-05-17 09:01:44,113 - vllm.engine.llm_engine - INFO - ${stats}\n`);
    expect(v0mod.facts.vllm.engine).not.toBe("v1");
    const other = await analyzeText(`2025-05-17 09:01:44,113 - app.vllm_client.v1 - INFO - ${stats}\n`);
    expect(other.facts.vllm.engine).toBeNull();
  });
});

describe("a launcher's echo of vLLM's arguments in brackets (`label: [--flag v ...]`)", () => {
  it("reads every flag, those before `--model` too, behind a CloudWatch export's stamp", async () => {
    const r = await analyzeText(
      "1756140000000,serving args: [--port 8080 --tensor-parallel-size 4 --max-model-len 8192 --model /opt/ml/model --gpu-memory-utilization 0.9]\n",
    );
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.model).toBe("/opt/ml/model");
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
  });

  it("reads a YAML args list that starts with flags before `--model` the same way (variant)", async () => {
    const r = await analyzeText(["args:", "- --pipeline-parallel-size", '- "2"', "- --model", "- org/m", "- --max-num-seqs", '- "64"', ""].join("\n"));
    expect(r.facts.config.pipelineParallelSize).toBe(2);
    expect(r.facts.config.model).toBe("org/m");
  });

  it("reads nothing from a bracketed list of another program's flags (near miss)", async () => {
    const r = await analyzeText("trainer args: [--lr 0.0001 --model bert-base --epochs 3]\n");
    expect(r.facts.config.tensorParallelSize).toBeNull();
    expect(r.facts.config.maxModelLen).toBeNull();
  });
});

describe("vLLM ≤0.5's `--worker-use-ray` (`worker_use_ray=True`)", () => {
  it("reads the Ray executor from the flag on a pasted command line", async () => {
    const r = await analyzeText(
      "python3 -m vllm.entrypoints.openai.api_server --model /models/m --tensor-parallel-size 4 --worker-use-ray --max-model-len 2048\n",
    );
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("reads it from the args Namespace too, and not when it is False or another backend is given (variants, near misses)", async () => {
    const ns = (extra: string) =>
      v0("INFO", "api_server.py:150", `args: Namespace(host=None, port=8000, model='org/m', ${extra}, pipeline_parallel_size=1, tensor_parallel_size=2, block_size=16)`, "05-22 23:31:03");
    const on = await analyzeText(ns("distributed_executor_backend=None, worker_use_ray=True") + "\n");
    expect(on.facts.config.executorBackend).toBe("ray");
    const off = await analyzeText(ns("distributed_executor_backend=None, worker_use_ray=False") + "\n");
    expect(off.facts.config.executorBackend).not.toBe("ray");
    const mp = await analyzeText("vllm serve org/m --worker-use-ray --distributed-executor-backend mp -tp 2\n");
    expect(mp.facts.config.executorBackend).toBe("mp");
  });
});

describe("a vLLM process's record whose time and file the paste trimmed (`(Worker_TP0 pid=N) ERROR msg`)", () => {
  it("takes the ERROR record as the first error, after a command whose `\\` lines end in spaces", async () => {
    const r = await analyzeText(
      [
        "vllm serve org/moe-fp8 \\  ",
        "  --tensor-parallel-size 4 \\  ",
        "  --gpu-memory-utilization 0.85",
        "",
        "(Worker_TP2 pid=4410) ERROR WorkerProc failed to start.",
        '(Worker_TP2 pid=4410)   File "vllm/v1/executor/multiproc_executor.py", line 679, in __init__',
        "(Worker_TP2 pid=4410)     self.worker.load_model()",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(5);
    expect(ids(r)).toContain("vllm/engine-init-failed");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
  });

  it("reads the other levels and process names the same way (variants), not a level word behind no vLLM process (near miss)", async () => {
    const warn = await analyzeText("(EngineCore_DP0 pid=7) WARNING Using default MoE config. Performance might be sub-optimal!\n(APIServer pid=3) CRITICAL Engine died.\n");
    expect(warn.facts.firstError?.line).toBe(2);
    const other = await analyzeText("(train pid=12) ERROR dataset shard missing\nERROR something else entirely\n");
    expect(other.facts.firstError).toBeNull();
  });
});
