import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes met in a round of real logs from vLLM on platforms other than NVIDIA CUDA (Intel XPU with oneCCL, AWS Neuron,
 * Ascend NPU, Gaudi HPU, TPU, CPU, Kunlun, ROCm). Every log text is written for the test, in the format's shape, with
 * variants the threads did not show.
 */

describe("Intel oneCCL's error record (XPU's xccl / ccl collectives)", () => {
  it("reads `|CCL_ERROR|` as the first error, before the worker's `Error executing method`, and not `|CCL_WARN|`", async () => {
    const lines = [
      "2026:01:20-08:15:02:( 4101) |CCL_WARN| value of CCL_LOCAL_RANK changed to be 1 (default:-1)",
      "2026:01:20-08:15:02:( 4101) |CCL_WARN| pidfd is not supported, fallbacks to drmfd exchange mode",
      "2026:01:20-08:15:02:( 4101) |CCL_ERROR| ze_handle_exchange.cpp:388 get_fd_from_peer: condition fd > 0 failed",
      "could not get fd from peer: errno: Bad file descriptor",
      "(VllmWorkerProcess pid=4101) ERROR 01-20 08:15:02 [worker_base.py:620] Error executing method 'init_device'. This might cause deadlock in distributed execution.",
      "(VllmWorkerProcess pid=4101) ERROR 01-20 08:15:02 [worker_base.py:620] Traceback (most recent call last):",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(r.facts.firstError?.line, what).toBe(3);
      expect(r.facts.firstError?.text, what).toContain("|CCL_ERROR| ze_handle_exchange.cpp:388 get_fd_from_peer");
    }
  });

  it("reads the record without its stamp (a paste that cut it), and no error in a log of CCL_WARN lines only", async () => {
    const cut = await analyzeText("|CCL_ERROR| atl_ofi_comm.cpp:301 init_transport: EXCEPTION: failed to initialize ATL\n");
    expect(cut.facts.firstError?.line).toBe(1);
    // printed by a Ray worker of a V0 XPU run
    const ray = await analyzeText([
      "(RayWorkerWrapper pid=913, ip=10.0.0.7) INFO 01-20 08:15:01 xpu_worker.py:160] world_size=4 rank=1",
      "(RayWorkerWrapper pid=913, ip=10.0.0.7) 2026:01:20-08:15:02:(  913) |CCL_ERROR| ze_fd_manager.cpp:214 fill_device_fds: condition fds[dev_idx] > 0 failed",
    ].join("\n") + "\n");
    expect(ray.facts.firstError?.line).toBe(2);
    const warns = await analyzeText([
      "2026:01:20-08:15:02:( 4101) |CCL_WARN| topology recognition shows PCIe connection between devices.",
      "(Worker pid=4101) INFO 01-20 08:15:03 [parallel_state.py:1615] world_size=2 rank=0 local_rank=0 backend=xccl",
    ].join("\n") + "\n");
    expect(warns.facts.firstError).toBeNull();
    expect(ids(warns, "error")).toEqual([]);
  });
});

describe("a config dump wrapped by a viewer that marks the cut with a backslash", () => {
  it("reads the pairs after the cut (V0 banner, a V1 banner, behind wrappers)", async () => {
    const v0 = [
      "INFO 05-02 09:00:00 llm_engine.py:72] Initializing an LLM engine (v0.4.0) with config: model='facebook/opt-1.3b', tokenizer='facebook/opt-1.3b', tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.float16, max_seq_len=2048, download_d\\",
      "ir=None, load_format=auto, tensor_parallel_size=4, disable_custom_all_reduce=True, quantization=None, enforce_eager=False, kv_cache_dtype=auto, device_config=neuron, seed=0)",
      "WARNING 05-02 09:00:01 utils.py:324] Pin memory is not supported on Neuron.",
    ];
    for (const text of variants(v0, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 40));
      expect(r.facts.config.model, what).toBe("facebook/opt-1.3b");
      expect(r.facts.config.maxModelLen, what).toBe(2048);
      expect(r.facts.config.tensorParallelSize, what).toBe(4);
      expect(r.facts.vllm.version, what).toBe("0.4.0");
    }
    const v1 = [
      "(EngineCore_DP0 pid=88) INFO 02-10 11:00:00 [core.py:93] Initializing a V1 LLM engine (v0.11.0) with config: model='Qwen/Qwen3-8B', speculative_config=None, tokenizer='Qwen/Qwen3-8B', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, max_seq_len=8192,\\",
      " download_dir=None, load_format=auto, tensor_parallel_size=2, pipeline_parallel_size=1, data_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, device_config=xpu, seed=0, compilation_config={\"level\":0}",
    ];
    const r = await analyzeText(v1.join("\n") + "\n");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.pipelineParallelSize).toBe(1);
    expect(r.facts.config.maxModelLen).toBe(8192);
  });
});

describe("Ascend CANN's error report logged line by line at ERROR", () => {
  it("reads an indented `... failed ...[FUNC:f][FILE:x.cc][LINE:n]` line as the first error, not a code line", async () => {
    const lines = [
      "(RayWorkerWrapper pid=2211) ERROR 03-11 10:20:30 worker_base.py:572]         rtGetDevMsg execute failed, reason=[driver error:internal error][FUNC:FuncErrorReason][FILE:error_message_manage.cc][LINE:53]",
      "(RayWorkerWrapper pid=2211) ERROR 03-11 10:20:30 worker_base.py:572]         Failed to open device, retCode=0x7020014, deviceId=3.[FUNC:InitRawDriver][FILE:raw_device.cc][LINE:123]",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 40));
      expect(r.facts.firstError?.line, what).toBe(1);
      expect(r.facts.firstError?.text, what).toContain("rtGetDevMsg execute failed");
    }
  });

  it("keeps indented code lines and a CANN line that states no failure out of the errors", async () => {
    const r = await analyzeText([
      "ERROR 03-11 10:20:30 [core.py:708]   File \"/vllm-workspace/vllm-ascend/vllm_ascend/worker/worker_v1.py\", line 90, in __init__",
      "ERROR 03-11 10:20:30 [core.py:708]     init_ascend_soc_version()",
      "ERROR 03-11 10:20:30 [core.py:708]         TraceBack (most recent call last):[FUNC:ReportInnerError][FILE:log_inner.cpp][LINE:145]",
    ].join("\n") + "\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("a worker that dies while the engine serves (Kunlun, any platform)", () => {
  it("is no start-up failure when the engine dumps the step it failed", async () => {
    const lines = [
      "XX: (pid 5100,tid 140001)cuda/src/api/apimem.cc:302:cuapiMemFree_common cuapiMemFree() failed in cuiInitCheckCtx, Incompatible context or Context error, status= 700",
      "(EngineCore pid=5020) ERROR 09-07 13:13:12 [multiproc_executor.py:284] Worker proc VllmWorker-0 died unexpectedly, shutting down executor.",
      "(EngineCore pid=5020) INFO 09-07 13:13:13 [multiproc_executor.py:433] [shutdown] Executor: all workers exited gracefully",
      "(EngineCore pid=5020) ERROR 09-07 13:13:13 [dump_input.py:72] Dumping input data for V1 LLM engine (v0.25.1) with config: model='Qwen/Qwen3-8B', speculative_config=None, tokenizer='Qwen/Qwen3-8B'",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 40));
      expect(ids(r), what).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, what).toBe(2);
      expect(r.facts.vllm.version, what).toBe("0.25.1");
    }
    // without the dump the same death is read as a start-up failure, as before
    const atStart = await analyzeText(lines.slice(0, 3).join("\n") + "\n");
    expect(ids(atStart)).toContain("vllm/engine-init-failed");
  });
});
