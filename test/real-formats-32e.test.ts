import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in round 32e of real vLLM logs (failed runs, 0.4 to the newest: CUDA graph capture, the custom
 * all-reduce's CUDA check, engines that died while serving, start-up tracebacks cut inside the model's constructors,
 * records glued to tqdm bars whose carriage return a paste lost). Every log text here is written for the test in the
 * printed layout, with wrappers the logs did not all show (kubectl --timestamps, docker compose, colour, CRLF).
 */

const all = (lines: string[]) => variants(lines, { compose: true });

describe("a process prefix glued to a padded tqdm bar", () => {
  // a terminal-wide bar: the block characters and the padding tqdm draws to the screen's width
  const bar = (done: number, width: number) => "█".repeat(done) + "▊" + " ".repeat(width - done);
  it("starts a record of that process: its engine, its executor and its numbers are read", async () => {
    const v1 = [`Capturing CUDA graphs (PIECEWISE):  82%|${bar(150, 184)}| 41/50 [00:31<00:06,  1.31it/s](EngineCore pid=7710) INFO 03-11 12:13:14 [shm_broadcast.py:466] No available shared memory broadcast block found in 60 second.`];
    for (const text of all(v1)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.vllm.engine, JSON.stringify(text.slice(0, 60))).toBe("v1");
      expect(r.facts.firstError).toBeNull();
    }
    const v0 = [`Loading safetensors checkpoint shards:  50%|${bar(60, 120)}| 2/4 [00:04<00:04,  2.01s/it](VllmWorkerProcess pid=7731) INFO 03-11 12:12:01 model_runner.py:1008] Loading model weights took 6.0251 GB`];
    for (const text of all(v0)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.vllm.engine).toBe("v0");
      expect(r.facts.config.executorBackend).toBe("mp");
      expect(r.facts.memory.modelWeightsGiB).toBeCloseTo(6.0251, 4);
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("does not split a bar that holds no process prefix, nor a prefix that stands after a blank", async () => {
    const r = await analyzeText(
      [
        "Processed prompts:  40%|████████                    | 4/10 [00:03<00:04,  1.33it/s, est. speed input: 512.00 toks/s, output: 64.00 toks/s]",
        "(EngineCore_DP0 pid=12) INFO 03-11 12:13:14 [core.py:76] Initializing a V1 LLM engine (v0.10.1) with config: model='org/m', max_seq_len=8192, tensor_parallel_size=1",
      ].join("\n") + "\n",
    );
    expect(r.facts.vllm.version).toBe("0.10.1");
    expect(r.facts.config.maxModelLen).toBe(8192);
  });
});

describe("a start-up traceback cut inside the model's constructors (engine-init-failed)", () => {
  const frames = (head: string) => [
    `${head}   File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/models/qwen2.py", line 301, in __init__`,
    `${head}     self.start_layer, self.end_layer, self.layers = make_layers(`,
    `${head}   File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/models/utils.py", line 640, in make_layers`,
    `${head}     maybe_offload_to_cpu(layer_fn(prefix=f"{prefix}.{idx}"))`,
    `${head}   File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/layers/linear.py", line 402, in __init__`,
    `${head}     self.quant_method.create_weights(`,
  ];
  it("reads the frames of a model class and of make_layers as the engine's start-up, V1 and V0 heads alike", async () => {
    for (const head of ["ERROR 07-08 09:10:11 [core.py:396]", "(EngineCore_DP0 pid=51) ERROR 07-08 09:10:11 [core.py:700]", "(VllmWorkerProcess pid=88) ERROR 07-08 09:10:11 multiproc_worker_utils.py:226]"]) {
      for (const text of all(frames(head))) {
        const r = await analyzeText(text + "\n");
        expect(ids(r, "error"), JSON.stringify(text.slice(0, 60))).toContain("vllm/engine-init-failed");
      }
    }
  });
  it("reads a device communicator's constructor behind a Ray worker's prefix as the start-up too", async () => {
    const log = [
      '(RayWorkerWrapper pid=901) ERROR 05-06 07:08:09 worker_base.py:145]   File "/usr/local/lib/python3.10/dist-packages/vllm/distributed/device_communicators/custom_all_reduce.py", line 201, in __init__',
      "(RayWorkerWrapper pid=901) ERROR 05-06 07:08:09 worker_base.py:145]     handles, offsets = self._get_ipc_meta(self.meta)",
      '(RayWorkerWrapper pid=901) ERROR 05-06 07:08:09 worker_base.py:145]   File "/usr/local/lib/python3.10/dist-packages/torch/distributed/distributed_c10d.py", line 2310, in all_gather_object',
      "(RayWorkerWrapper pid=901) ERROR 05-06 07:08:09 worker_base.py:145]     object_list[i] = _tensor_to_object(tensor, tensor_size)",
    ];
    for (const text of all(log)) expect(ids(await analyzeText(text + "\n"), "error"), JSON.stringify(text.slice(0, 60))).toContain("vllm/engine-init-failed");
  });
  it("does not when a forward pass is on the stack (a layer built while the model runs is no start-up)", async () => {
    const log = [
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/models/qwen2.py", line 360, in forward',
      "    hidden_states = layer(positions, hidden_states)",
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/model_executor/layers/rotary_embedding.py", line 90, in __init__',
      "    cache = self._compute_cos_sin_cache()",
    ];
    const r = await analyzeText(log.join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("CUDA graph capture failures (vllm/cuda-graph-capture-failed)", () => {
  it("reads a V1 worker's capture error, torch's cudaError hint and chained traceback; the engine failure names it as cause", async () => {
    const log = [
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671] WorkerProc hit an exception.",
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671] Traceback (most recent call last):",
      '(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_worker.py", line 402, in compile_or_warm_up_model',
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671]     self.model_runner.capture_model()",
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671] torch.AcceleratorError: CUDA error: operation not permitted when stream is capturing",
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671] Search for `cudaErrorStreamCaptureUnsupported' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information.",
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671] ",
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671] During handling of the above exception, another exception occurred:",
      "(Worker_TP0 pid=301) ERROR 09-10 11:12:13 [multiproc_executor.py:671] RuntimeError: CUDA error: operation failed due to a previous error during capture",
      "(APIServer pid=1) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ];
    for (const text of all(log)) {
      const r = await analyzeText(text + "\n");
      const f = r.findings.find((x) => x.ruleId === "vllm/cuda-graph-capture-failed");
      expect(f, JSON.stringify(text.slice(0, 60))).toBeDefined();
      expect(f!.message).toContain("operation not permitted when stream is capturing");
      expect(f!.evidence[0].line).toBe(5);
      expect(r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")!.causedBy).toContain("vllm/cuda-graph-capture-failed");
      expect(r.facts.firstError!.line).toBe(1);
    }
  });
  it("reads NCCL's WARN behind a Ray prefix as NCCL failing inside the capture, beside nccl/cuda-error", async () => {
    const log = [
      "(RayWorkerWrapper pid=4410, ip=10.2.0.7) ",
      "(RayWorkerWrapper pid=4410, ip=10.2.0.7) gpu-b:4410:4410 [3] enqueue.cc:1541 NCCL WARN Cuda failure 'operation would make the legacy stream depend on a capturing blocking stream'",
      "(RayWorkerWrapper pid=4410, ip=10.2.0.7) gpu-b:4410:4410 [3] NCCL INFO enqueue.cc:1600 -> 1",
    ];
    for (const text of all(log)) {
      const r = await analyzeText(text + "\n");
      expect(ids(r, "error")).toEqual(expect.arrayContaining(["vllm/cuda-graph-capture-failed", "nccl/cuda-error"]));
      expect(r.findings.find((x) => x.ruleId === "vllm/cuda-graph-capture-failed")!.remediation.join(" ")).toContain("NCCL failed inside the capture");
    }
  });
});

describe("the custom all-reduce's CUDA check (vllm/custom-allreduce-failed)", () => {
  it("reads the bare check line between capture bars and worker records as the failure and the first error", async () => {
    const log = [
      "Capturing CUDA graphs (FULL): 100%|██████████████████████████████████████| 35/35 [00:09<00:00,  3.61it/s]",
      "Failed: Cuda error /opt/vllm/csrc/custom_all_reduce.cuh:412 'invalid argument'",
      "(EngineCore_DP0 pid=77) ERROR 06-07 08:09:10 [multiproc_executor.py:150] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
    ];
    for (const text of all(log)) {
      const r = await analyzeText(text + "\n");
      const f = r.findings.find((x) => x.ruleId === "vllm/custom-allreduce-failed");
      expect(f, JSON.stringify(text.slice(0, 60))).toBeDefined();
      expect(f!.message).toContain("invalid argument at custom_all_reduce.cuh:412");
      expect(r.facts.firstError!.line).toBe(2);
    }
  });
});

describe("an engine that died after its start (vllm/engine-dead)", () => {
  it("reads V1's engine-core fatal error and the API server's EngineDeadError, naming the worker's CUDA fault as cause", async () => {
    const log = [
      "(APIServer pid=1) INFO 10-11 12:00:00 [api_server.py:1818] Starting vLLM API server 0 on http://0.0.0.0:8000",
      "(Worker_TP1 pid=220) ERROR 10-11 12:30:01 [multiproc_executor.py:671] RuntimeError: CUDA error: an illegal memory access was encountered",
      "(EngineCore_DP0 pid=150) ERROR 10-11 12:30:01 [core.py:710] EngineCore encountered a fatal error.",
      "(APIServer pid=1) ERROR 10-11 12:30:01 [async_llm.py:480] AsyncLLM output_handler failed.",
      "(APIServer pid=1) ERROR 10-11 12:30:01 [async_llm.py:480] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.",
    ];
    for (const text of all(log)) {
      const r = await analyzeText(text + "\n");
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-dead");
      expect(f, JSON.stringify(text.slice(0, 60))).toBeDefined();
      expect(f!.causedBy).toContain("vllm/cuda-error");
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
    }
  });
  it("reads the input dump's scheduler-output record alone, and V0's dead engine behind docker compose", async () => {
    const dump = await analyzeText(
      "(EngineCore_0 pid=66) ERROR 08-09 10:11:12 [dump_input.py:76] Dumping scheduler output for model execution: SchedulerOutput(scheduled_new_reqs=[NewRequestData(req_id=cmpl-1,prompt_token_ids_len=12)], num_scheduled_tokens={cmpl-1: 12}, total_num_scheduled_tokens=12)\n",
    );
    expect(ids(dump, "error")).toEqual(["vllm/engine-dead"]);
    expect(dump.facts.firstError!.line).toBe(1);
    // the API server's output task, which runs only once the engine is up, failing with a blank line after it
    const handler = await analyzeText("(APIServer pid=3) DEBUG 06-02 01:41:20 [v1/engine/core_client.py:600] shm reader cancelled\n(APIServer pid=3) ERROR 06-02 01:41:21 [v1/engine/async_llm.py:704] AsyncLLM output_handler failed.\n\n");
    expect(ids(handler, "error")).toEqual(["vllm/engine-dead"]);
    expect(handler.facts.firstError!.line).toBe(2);
    const v0 = await analyzeText(
      [
        "vllm-1  | INFO 05-06 07:08:09 metrics.py:351] Avg prompt throughput: 120.5 tokens/s, Avg generation throughput: 33.1 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 4.1%, CPU KV cache usage: 0.0%.",
        "vllm-1  | vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop has errored already.",
        "vllm-1  | CRITICAL 05-06 07:09:10 launcher.py:99] AsyncLLMEngine is already dead, terminating server process",
      ].join("\n") + "\n",
    );
    const f = v0.findings.find((x) => x.ruleId === "vllm/engine-dead")!;
    expect(f.evidence.map((e) => e.line)).toEqual([2, 3]);
    expect(f.message).toContain("does not show why");
  });
});
