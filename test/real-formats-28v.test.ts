import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes met in a twenty-eighth round of real logs (vLLM 0.5 to 0.9, and the newest weeks): vLLM-Omni's multi-stage
 * server, whose stage engine processes fail to start in their own words; pydantic's `Value error, ...` line pasted
 * without its `[type=...]` details; a server built on vLLM (not vLLM's own entry point) launched over continued lines
 * that carry vLLM's engine flags; and the memory profile table of a v0.6.5 development build. Every log text is
 * written for the test, in the format's shape, with variants the threads did not show.
 */

describe("vLLM-Omni: a stage engine process that does not start", () => {
  it("reads the handshake's `died during READY` as a start-up failure and as the first error", async () => {
    const lines = [
      "(APIServer pid=4242) INFO 07-01 10:00:00 [async_omni_engine.py:512] [AsyncOmniEngine] Starting 3 stage(s)",
      "(APIServer pid=4242) ERROR 07-01 10:00:41 [async_omni_engine.py:960]   File \"/opt/venv/lib/python3.12/site-packages/vllm_omni/engine/stage_engine_core_proc.py\", line 230, in _recv",
      "(APIServer pid=4242) ERROR 07-01 10:00:41 [async_omni_engine.py:960]     raise RuntimeError(f\"StageEngineCoreProc died during {expected} (exit code {proc.exitcode})\")",
      "(APIServer pid=4242) ERROR 07-01 10:00:41 [async_omni_engine.py:960] RuntimeError: StageEngineCoreProc died during HELLO (exit code -9)",
      "(APIServer pid=4242) INFO 07-01 10:00:41 [async_omni_engine.py:1790] [AsyncOmniEngine] Shutting down Orchestrator",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(ids(r), what).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, what).toBe(4);
      expect(r.facts.firstError?.text, what).toContain("RuntimeError: StageEngineCoreProc died during HELLO (exit code -9)");
    }
  });

  it("reads the stage process's own `failed to start`, the orchestrator's message and the older `[Orchestrator]` line", async () => {
    const cases = [
      "(StageEngineCoreProc pid=77) ERROR 06-30 08:00:01 [stage_engine_core_proc.py:180] StageEngineCoreProc failed to start.",
      "RuntimeError: Orchestrator initialization failed: StageEngineCoreProc died during READY (exit code 1)",
      "ERROR 01-05 10:00:00 [omni.py:262] [Orchestrator] Stage initialization failed, shutting down. Suggestions:",
      "[Stage-0] ERROR 01-05 10:00:00 [async_omni.py:314] [AsyncOrchestrator] Stage initialization failed, shutting down. Suggestions:",
    ];
    for (const line of cases) {
      const r = await analyzeText(`${line}\n`);
      expect(ids(r), line).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, line).toBe(1);
    }
  });

  it("does not call a stage that died after serving a start-up failure", async () => {
    const lines = [
      "(APIServer pid=51) INFO 06-08 17:39:51 [stage_engine_core_client.py:295] [StageEngineCoreClient] stage-0 [rep-0] add request: chatcmpl-1",
      "(APIServer pid=51) INFO:     connection closed",
      "(StageEngineCoreProc pid=60) ERROR 06-08 17:39:53 [stage_engine_core_proc.py:174] StageEngineCoreProc encountered a fatal error.",
      "(StageEngineCoreProc pid=60) ERROR 06-08 17:39:53 [stage_engine_core_proc.py:174] Traceback (most recent call last):",
      "(StageEngineCoreProc pid=60) ERROR 06-08 17:39:53 [stage_engine_core_proc.py:174]   File \"/workdir/vllm_omni/engine/stage_engine_core_proc.py\", line 160, in run_stage_core",
      "(StageEngineCoreProc pid=60) ERROR 06-08 17:39:53 [stage_engine_core_proc.py:174]     engine_core.run_busy_loop()",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(ids(r), what).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, what).toBe(3);
    }
  });
});

describe("pydantic's `Value error, ...` line with its `[type=...]` details cut off", () => {
  it("is the first error and names the heads / TP mismatch, alone or under its ValidationError", async () => {
    const alone = await analyzeText("Value error, Total number of attention heads (40) must be divisible by tensor parallel size (3).\n");
    expect(alone.facts.firstError?.line).toBe(1);
    expect(ids(alone)).toContain("vllm/tp-not-divisible");
    const lines = [
      "(APIServer pid=9) INFO 08-02 10:11:12 [utils.py:233] non-default args: {'model': 'm', 'tensor_parallel_size': 6}",
      "(APIServer pid=9) pydantic_core._pydantic_core.ValidationError: 1 validation error for ModelConfig",
      "(APIServer pid=9)   Value error, Total number of attention heads (32) must be divisible by tensor parallel size (6).",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(ids(r), what).toContain("vllm/tp-not-divisible");
      expect(r.facts.config.tensorParallelSize, what).toBe(6);
      expect(r.facts.firstError?.line, what).toBe(2);
    }
  });

  it("reads a message that starts with a setting's name, and leaves prose that only starts the same way", async () => {
    const named = await analyzeText("INFO 08-02 10:11:12 [utils.py:233] non-default args: {'model': 'm'}\nValue error, max_num_batched_tokens (2048) is smaller than max_model_len (8192).\n");
    expect(named.facts.firstError?.line).toBe(2);
    for (const prose of ["Value error, see the notes below for the fix", "Value error, as we call it, comes first."]) {
      const r = await analyzeText(`${prose}\n`);
      expect(r.facts.firstError, prose).toBeNull();
      expect(ids(r, "error"), prose).toEqual([]);
    }
  });
});

describe("a server built on vLLM launched over continued lines with vLLM's engine flags", () => {
  it("reads the flags as vLLM's config, whatever the indentation and shell words on the lines", async () => {
    for (const pad of ["", "    "]) {
      const lines = [
        "CUDA_VISIBLE_DEVICES=0,1 python3 ./serving/entrypoints/api_server.py --port $PORT \\",
        `${pad}--model /models/Qwen2.5-14B-Instruct \\`,
        `${pad}--request-queue-port $(($PORT + 100)) \\`,
        `${pad}--worker-use-ray \\`,
        `${pad}--gpu-memory-utilization 0.85 \\`,
        `${pad}--tensor-parallel-size 2`,
        "",
        "(ServeActor pid=1201) INFO 11-20 11:23:35 pynccl.py:63] vLLM is using nccl==2.20.5",
      ];
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        const what = JSON.stringify(text.slice(0, 80));
        expect(r.facts.config.model, what).toBe("/models/Qwen2.5-14B-Instruct");
        expect(r.facts.config.tensorParallelSize, what).toBe(2);
        expect(r.facts.config.gpuMemoryUtilization, what).toBe(0.85);
        expect(r.facts.config.executorBackend, what).toBe("ray");
        expect(r.facts.nccl.version, what).toBe("2.20.5");
      }
    }
  });

  it("reads a `python -m` server the same way, and the command's last line ending the paste", async () => {
    const text = ["python -u -m my_pkg.server \\", "  --model meta-llama/Llama-3.1-8B \\", "  --max-model-len 8192 \\", "  -tp 4"].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-8B");
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("leaves another program's flags alone: a training script, another engine's server, a distributed launcher", async () => {
    const others = [
      ["python3 train.py \\", "  --model llama-7b \\", "  --lr 1e-4 \\", "  --batch-size 8"],
      ["python3 -m sglang.launch_server \\", "  --model-path m \\", "  --tensor-parallel-size 2"],
      ["python -m torch.distributed.run --nproc-per-node 8 pretrain.py \\", "  --tensor-parallel-size 2 \\", "  --model gpt"],
    ];
    for (const lines of others) {
      const r = await analyzeText(lines.join("\n") + "\n");
      const what = lines[0];
      expect(r.facts.config.tensorParallelSize, what).toBeNull();
      expect(r.facts.config.model, what).toBeNull();
    }
  });
});

describe("the memory profile table of a v0.6.5 development build", () => {
  it("reads the rows under `Memory profiling results:` as V0's profile", async () => {
    const rows: [string, string][] = [
      ["duration", "0.75 seconds"],
      ["total_gpu_memory", "79.22GiB"],
      ["gpu_memory_utilization", "0.90"],
      ["the current vLLM instance can use", "71.29GiB"],
      ["model weights take", "14.96GiB"],
      ["non_torch_memory", "1.79GiB"],
      ["PyTorch activation peak memory", "1.26GiB"],
      ["available_kv_cache_memory", "53.29GiB"],
    ];
    for (const prefix of ["", "(VllmWorkerProcess pid=2607784) "]) {
      const lines = [
        `${prefix}INFO 12-13 19:54:18 worker.py:243] Memory profiling results:`,
        ...rows.map(([k, v]) => `${prefix}INFO 12-13 19:54:18 worker.py:243] ${k}${" ".repeat(Math.max(2, 7 - (k.length % 5)))}${v}`),
      ];
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        const what = JSON.stringify(text.slice(0, 70));
        expect(r.facts.vllm.engine, what).toBe("v0");
        expect(r.facts.config.gpuMemoryUtilization, what).toBe(0.9);
        expect(r.facts.memory.totalGpuGiB, what).toBe(79.22);
        expect(r.facts.memory.modelWeightsGiB, what).toBe(14.96);
        expect(r.facts.memory.nonTorchGiB, what).toBe(1.79);
        expect(r.facts.memory.peakActivationGiB, what).toBe(1.26);
        expect(r.facts.kvCache.availableGiB, what).toBe(53.29);
        expect(ids(r, "error"), what).toEqual([]);
      }
    }
  });

  it("does not take one space between a name and a number for a table row", async () => {
    const r = await analyzeText("INFO 12-13 19:54:18 worker.py:243] gpu_memory_utilization 0.90\n");
    expect(r.facts.config.gpuMemoryUtilization).toBeNull();
  });
});
