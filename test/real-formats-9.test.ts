import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in real pastes (round 9) that the corpus does not hold. Every log text here is written for the test,
 * in the format's shape (several versions and wrappers each), and the facts checked are exact.
 */

describe("the V1 num_gpu_blocks line with and without the `Engine 000: ` prefix", () => {
  it("reads the 0.8-0.9 line that has no engine index", async () => {
    const r = await analyzeText(
      [
        "INFO 05-30 07:53:49 [kv_cache_utils.py:637] GPU KV cache size: 235,136 tokens",
        "INFO 05-30 07:53:59 [loggers.py:134] vllm cache_config_info with initialization after num_gpu_blocks is: 14696",
      ].join("\n"),
    );
    expect(r.facts.kvCache.gpuBlocks).toBe(14696);
    expect(r.facts.kvCache.tokens).toBe(235136);
  });

  it("reads it under an EngineCore prefix in a docker compose pane, and keeps the prefixed form", async () => {
    const bare = await analyzeText("vllm-1  | (EngineCore_0 pid=81) INFO 06-02 11:00:01 [loggers.py:116] vllm cache_config_info with initialization after num_gpu_blocks is: 8021\n");
    expect(bare.facts.kvCache.gpuBlocks).toBe(8021);
    const prefixed = await analyzeText("(EngineCore_DP0 pid=9) INFO 09-01 10:00:00 [loggers.py:147] Engine 000: vllm cache_config_info with initialization after num_gpu_blocks is: 57656\n");
    expect(prefixed.facts.kvCache.gpuBlocks).toBe(57656);
  });
});

describe("a traceback cut right after the frame whose code line starts the engine", () => {
  it("V0 run_mp_engine calling MQLLMEngine.from_engine_args is a start-up failure", async () => {
    const r = await analyzeText(
      [
        "ERROR 11-27 08:34:57 engine.py:366] 'model.norm.weight'",
        "ERROR 11-27 08:34:57 engine.py:366] Traceback (most recent call last):",
        'ERROR 11-27 08:34:57 engine.py:366]   File "/usr/lib/python3/dist-packages/vllm/engine/multiprocessing/engine.py", line 357, in run_mp_engine',
        "ERROR 11-27 08:34:57 engine.py:366]     engine = MQLLMEngine.from_engine_args(engine_args=engine_args,",
      ].join("\n"),
    );
    expect(ids(r)).toContain("vllm/engine-init-failed");
    expect(r.facts.tracebacks?.list.map((t) => t.stage)).toEqual(["init"]);
  });

  it("an offline LLM(...) whose paste stops at `self.llm_engine = LLMEngine.from_engine_args(` too", async () => {
    const r = await analyzeText(
      [
        "Traceback (most recent call last):",
        '  File "/home/u/run.py", line 4, in <module>',
        "    llm = LLM(model=m)",
        '  File "/opt/venv/lib/python3.10/site-packages/vllm/entrypoints/llm.py", line 243, in __init__',
        "    self.llm_engine = LLMEngine.from_engine_args(",
      ].join("\n"),
    );
    expect(r.facts.tracebacks?.list[0]?.stage).toBe("init");
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("run_mp_engine calling engine.start() on to the serving loop is not a start-up failure", async () => {
    const r = await analyzeText(
      [
        "ERROR 11-27 09:10:00 engine.py:366] Traceback (most recent call last):",
        'ERROR 11-27 09:10:00 engine.py:366]   File "/usr/lib/python3/dist-packages/vllm/engine/multiprocessing/engine.py", line 368, in run_mp_engine',
        "ERROR 11-27 09:10:00 engine.py:366]     engine.start()",
        'ERROR 11-27 09:10:00 engine.py:366]   File "/usr/lib/python3/dist-packages/vllm/engine/multiprocessing/engine.py", line 155, in start',
        "ERROR 11-27 09:10:00 engine.py:366]     self.run_engine_loop()",
        'ERROR 11-27 09:10:00 engine.py:366]   File "/usr/lib/python3/dist-packages/vllm/engine/multiprocessing/engine.py", line 218, in run_engine_loop',
        "ERROR 11-27 09:10:00 engine.py:366]     request_outputs = self.engine_step()",
        "ERROR 11-27 09:10:00 engine.py:366] RuntimeError: CUDA error: an illegal memory access was encountered",
      ].join("\n"),
    );
    expect(r.facts.tracebacks?.list[0]?.stage).toBe("runtime");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("a traceback whose lines a log viewer joined into one", () => {
  const frame = (file: string, line: number, func: string, code: string, carets = "") =>
    `File "${file}", line ${line}, in ${func}     ${code}${carets ? "            " + carets : ""}`;
  const V1 = "/usr/local/lib/python3.12/site-packages/vllm/v1/engine";

  it("reads the frames of a 3.12 paste with caret lines, over a line the copy wrapped mid-word", async () => {
    const r = await analyzeText(
      [
        "n run_server     async with build_async_engine_client(args) as engine_client:   " +
          [
            frame(`${V1}/async_llm.py`, 162, "from_vllm_config", "return cls(", "^^^^"),
            frame(`${V1}/async_llm.py`, 124, "__init__", "self.engine_core = EngineCoreClient.make_async_mp_client(", "^^^^^^^^^^"),
            frame(`${V1}/core_client.py`, 716, "__init__", "super().__init__("),
          ].join("   "),
        "ine_direct(   " + frame(`${V1}/core_client.py`, 511, "_wait_for_engine_startup", "wait_for_engine_startup(") + "   " + frame(`${V1}/utils.py`, 960, "wait_for_engine_startup", "raise RuntimeError("),
      ].join("\n"),
    );
    expect(r.facts.tracebacks?.list[0]?.stage).toBe("init");
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("reads a 3.10 paste without carets, joined with single spaces, through a worker's load_model", async () => {
    const W = "/opt/conda/lib/python3.10/site-packages/vllm/worker";
    const r = await analyzeText(
      `  File "${W}/worker_base.py", line 465, in execute_method return executor(*args, **kwargs) File "${W}/worker.py", line 183, in load_model self.model_runner.load_model() File "${W}/model_runner.py", line 1112, in load_model self.model = get_model(vllm_config=self.vllm_config)\n`,
    );
    expect(r.facts.tracebacks?.list[0]?.stage).toBe("init");
    expect(r.facts.tracebacks?.list[0]?.phase).toBe("while loading the model weights");
  });

  it("a joined serving traceback is not a start-up failure, and a joined line of vLLM records is left to the vLLM reader", async () => {
    const serving = await analyzeText(
      `   ${frame(`${V1}/core.py`, 701, "run_busy_loop", "self._process_engine_step()")}   ${frame(`${V1}/core.py`, 728, "_process_engine_step", "outputs, model_executed = self.step_fn()")}\n`,
    );
    expect(serving.facts.tracebacks?.list[0]?.stage).toBe("runtime");
    expect(ids(serving)).not.toContain("vllm/engine-init-failed");
    const records = await analyzeText(
      `ERROR 07-31 02:52:28 [core.py:586] EngineCore failed to start. ERROR 07-31 02:52:28 [core.py:586] Traceback (most recent call last): ERROR 07-31 02:52:28 [core.py:586] File "${V1}/core.py", line 577, in run_engine_core ERROR 07-31 02:52:28 [core.py:586] engine_core = EngineCoreProc(*args, **kwargs) ERROR 07-31 02:52:28 [core.py:586] File "${V1}/core.py", line 82, in __init__\n`,
    );
    expect(records.facts.firstError?.line).toBe(1);
    expect(ids(records)).toContain("vllm/engine-init-failed");
  });
});

describe("a vLLM command inside a launcher's bracketed argument list", () => {
  it("reads gpustack's `arguments: [vllm serve ...]` and stops at the bracket", async () => {
    const r = await analyzeText(
      "2026-01-30 12:12:37.709359+08:00 - gpustack.worker.backends.vllm - INFO - With image: gpustack/runner:cuda12.9-vllm0.14.1, command: [], arguments: [vllm serve /var/lib/gpustack/cache/huggingface/Qwen/Qwen3-Embedding-0.6B --max-model-len 8192 --host 10.20.0.5 --port 40042 --served-model-name qwen3-embedding-0.6b], ports: [40042], envs(inconsistent input items mean unchangeable):\n",
    );
    expect(r.facts.config.model).toBe("/var/lib/gpustack/cache/huggingface/Qwen/Qwen3-Embedding-0.6B");
    expect(r.facts.config.maxModelLen).toBe(8192);
  });

  it("reads another launcher's `args=[vllm serve m -tp 2]` with flags after the bracket left out", async () => {
    const r = await analyzeText("launcher INFO starting replica 0 args=[vllm serve Qwen/Qwen2.5-7B-Instruct -tp 2 --gpu-memory-utilization 0.85] --max-model-len 999\n");
    expect(r.facts.config.model).toBe("Qwen/Qwen2.5-7B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
    expect(r.facts.config.maxModelLen).toBeNull();
  });
});

describe("an engine-args call that the paste cut before its closing parenthesis", () => {
  it("reads Ray Serve's `Starting with engine args: AsyncEngineArgs(...` when it is the last line", async () => {
    const r = await analyzeText(
      "INFO 2024-11-18 01:46:34,210 default_VLLMDeployment ujj4diu5 app.py:47 - Starting with engine args: AsyncEngineArgs(model='NousResearch/Meta-Llama-3-8B-Instruct', max_model_len=None, pipeline_parallel_size=1, tensor_parallel_size=2, gpu_memory_utilization=0.85, max_num_seqs=256, tokenizer_pool_size=0,",
    );
    expect(r.facts.config.model).toBe("NousResearch/Meta-Llama-3-8B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
    expect(r.facts.config.maxModelLen).toBeNull();
  });

  it("reads an `LLM(` call cut by the next vLLM record, with the arguments it had", async () => {
    const r = await analyzeText(
      [
        "llm = LLM(model='Qwen/Qwen2.5-1.5B-Instruct', tensor_parallel_size=4, max_model_len=4096,",
        "INFO 07-01 13:54:43 config.py:1020] Defaulting to use mp for distributed inference",
      ].join("\n"),
    );
    expect(r.facts.config.model).toBe("Qwen/Qwen2.5-1.5B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    expect(r.facts.config.maxModelLen).toBe(4096);
  });
});
