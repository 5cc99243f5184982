import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in an eighteenth round of real vLLM pastes (vLLM 0.1 to 0.27, Ray actors, V1 engine cores and
 * workers, LMCache/NIXL disaggregation, Kubernetes and journald wrappers) that the corpus does not hold. Every log
 * text here is written for the test, in the format's shape, with variants the pastes did not show (another version's
 * names, kubectl timestamps, colour, CRLF).
 */

describe("vLLM 0.1-0.3's Ray worker actor failing in its constructor", () => {
  it("reads Ray's `Exception raised in creation task` record as a start-up failure of the Ray executor (V0)", async () => {
    const lines = [
      "2023-08-01 09:00:01,100\tINFO worker.py:1612 -- Started a local Ray instance.",
      "(Worker pid=4410) 2023-08-01 09:00:09,512\tERROR worker.py:844 -- Exception raised in creation task: The actor died because of an error raised in its creation task, ray::Worker.__init__() (pid=4410, ip=10.1.2.3, actor_id=aa11, repr=<vllm.worker.worker.Worker object at 0x7f11>)",
      '(Worker pid=4410)   File "/opt/venv/lib/python3.10/site-packages/vllm/worker/worker.py", line 41, in __init__',
      "(Worker pid=4410)     _init_distributed_environment(parallel_config, rank,",
      "(Worker pid=4410) RuntimeError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1207, unhandled system error, NCCL version 2.14.3",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(r.facts.vllm.engine).toBe("v0");
      expect(r.facts.firstError?.line).toBe(2);
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });

  it("takes the actor's name alone (no Ray driver line, no V0 path) over the bare `(Worker pid=N)` prefix", async () => {
    const text = [
      "(Worker pid=77, ip=10.0.0.9) 2023-06-30 07:19:07,337\tERROR worker.py:861 -- Exception raised in creation task: The actor died because of an error raised in its creation task, ray::Worker.__init__() (pid=77, ip=10.0.0.9, actor_id=bb22, repr=<vllm.worker.worker.Worker object at 0x7e00>)",
      "(Worker pid=77, ip=10.0.0.9)     torch.distributed.all_reduce(torch.zeros(1).cuda())",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.firstError?.text).toContain("ERROR worker.py:861 -- Exception raised in creation task");
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });

  it("counts the later actors' constructors too (`RayWorkerVllm`, `RayWorkerWrapper`)", async () => {
    for (const actor of ["RayWorkerVllm", "RayWorkerWrapper"]) {
      const text = `(${actor} pid=12) 2024-04-07 00:57:46,001\tERROR worker.py:406 -- Exception raised in creation task: The actor died because of an error raised in its creation task, ray::${actor}.__init__() (pid=12, ip=10.0.0.4, actor_id=cc33, repr=<vllm.engine.ray_utils.${actor} object at 0x7f00>)\n`;
      const r = await analyzeText(text);
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });

  it("leaves another framework's `Worker` actor alone, and keeps V1's `(Worker pid=N)` a multiprocessing worker", async () => {
    const other = await analyzeText(
      "(Worker pid=5) 2025-01-01 10:00:00,000\tERROR worker.py:861 -- Exception raised in creation task: The actor died because of an error raised in its creation task, ray::Worker.__init__() (pid=5, ip=10.0.0.1, actor_id=dd44, repr=<trainer.Worker object at 0x7f00>)\n",
    );
    expect(ids(other, "error")).not.toContain("vllm/engine-init-failed");
    const v1 = await analyzeText([
      "(Worker pid=1939) INFO 10-11 10:42:13 [monitor.py:34] torch.compile takes 85.33 s in total",
      "(Worker pid=1939) INFO 10-11 10:42:14 [gpu_worker.py:298] Available KV cache memory: 13.69 GiB",
      "",
    ].join("\n"));
    expect(v1.facts.config.executorBackend).toBe("mp");
    expect(v1.facts.vllm.engine).toBe("v1");
    expect(v1.facts.kvCache.availableGiB).toBe(13.69);
  });

  it("reads a V0.2 traceback through the engine's cache set-up as a start-up failure", async () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/opt/venv/lib/python3.10/site-packages/vllm/engine/llm_engine.py", line 88, in __init__',
      "    self._init_cache()",
      '  File "/opt/venv/lib/python3.10/site-packages/vllm/engine/llm_engine.py", line 190, in _init_cache',
      '    num_blocks = self._run_workers("profile_num_available_blocks", get_all_outputs=True)',
      "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(expect.arrayContaining(["vllm/no-kv-cache-memory", "vllm/engine-init-failed"]));
  });
});

describe("a vLLM error record whose level and time the paste cut off", () => {
  it("takes a message vLLM logs only at ERROR as the first error when it opens the paste", async () => {
    const lines = [
      "EngineCore hit an exception: Traceback (most recent call last):",
      'ERROR 02-18 01:08:08 core.py:283]   File "/srv/vllm/vllm/v1/engine/core.py", line 276, in run_engine_core',
      "ERROR 02-18 01:08:08 core.py:283]     engine_core.run_busy_loop()",
      'ERROR 02-18 01:08:08 core.py:283]   File "/srv/vllm/vllm/v1/executor/ray_distributed_executor.py", line 24, in result',
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.firstError?.text).toContain("EngineCore hit an exception");
      expect(r.facts.config.executorBackend).toBe("ray");
    }
  });

  it("reads the other ERROR-only messages the same way, behind a process prefix too", async () => {
    for (const msg of [
      "(EngineCore_DP0 pid=120) EngineCore failed to start.",
      "(Worker_TP1 pid=88) WorkerProc failed to start.",
      "EngineCore encountered a fatal error.",
      "MultiprocExecutor got fatal signal from worker processes, shutting down. See stack trace above for root cause issue.",
      "Exception in worker VllmWorkerProcess while processing method init_device.",
      "Error executing method 'init_device'. This might cause deadlock in distributed execution.",
    ]) {
      const r = await analyzeText(["(APIServer pid=1) INFO 01-28 06:36:40 [api_server.py:1900] vLLM API server version 0.14.0", msg, ""].join("\n"));
      expect(r.facts.firstError?.line).toBe(2);
    }
  });

  it("does not take the same words in a sentence, a WARNING record or a quoted name for an error", async () => {
    const r = await analyzeText([
      "INFO 01-28 06:36:40 [api_server.py:1900] vLLM API server version 0.14.0",
      "If EngineCore failed to start. the log says why above",
      "WARNING 01-28 06:36:41 [core.py:100] retrying after: EngineCore hit an exception: Traceback (most recent call last):",
      "see `EngineCore encountered a fatal error.` in the FAQ",
      "EngineCore hit an exception count: 0",
      "",
    ].join("\n"));
    expect(r.facts.firstError).toBeNull();
  });
});

describe("custom all-reduce warnings by world size", () => {
  it("says nothing of vLLM ≤0.3's warning at world size 1 (there is no all-reduce), but still warns at 16", async () => {
    const one = await analyzeText(
      "WARNING 01-30 21:39:03 custom_all_reduce.py:33] Custom allreduce is disabled due to an unsupported world size: 1. Supported world sizes: [2, 4, 6, 8]. To slience this warning, specifydisable_custom_all_reduce=True explicitly.\r\n",
    );
    expect(ids(one)).not.toContain("vllm/custom-allreduce-disabled");
    const sixteen = await analyzeText(
      "(VllmWorkerProcess pid=577) WARNING 04-12 07:54:15 [custom_all_reduce.py:97] Custom allreduce is disabled due to an unsupported world size: 16. Supported world sizes: [2, 4, 6, 8]. To silence this warning, specify disable_custom_all_reduce=True explicitly.\n",
    );
    expect(ids(sixteen, "warning")).toContain("vllm/custom-allreduce-disabled");
  });
});

describe("a launch command whose output a paste ran onto the same line", () => {
  it("reads the command's flags in front of the first record, whether the record starts near or far into the line", async () => {
    const cmd = "user@gpu-7:~/srv$ cd /srv ; CUDA_VISIBLE_DEVICES=0,1 python -m vllm.entrypoints.openai.api_server --gpu-memory-utilization 0.85 --max-model-len 4096 --model Qwen/Qwen2-7B-Instruct --tensor-parallel-size 2 --port 8000";
    const near = `${cmd} INFO 05-22 23:31:03 [api_server.py:1034] vLLM API server version 0.8.5`;
    const far = `${cmd} 2024-05-22 23:31:01,969 INFO worker.py:1749 -- Started a local Ray instance. INFO 05-22 23:31:03 llm_engine.py:100] Initializing an LLM engine (v0.4.2) with config: model='Qwen/Qwen2-7B-Instruct', tokenizer='Qwen/Qwen2-7B-Instruct', max_seq_len=4096, tensor_parallel_size=2, seed=0)`;
    const short = "$ vllm serve Qwen/Qwen2-7B-Instruct --tensor-parallel-size 2 --gpu-memory-utilization 0.85 --max-model-len 4096 INFO 05-22 23:31:03 [api_server.py:1034] vLLM API server version 0.8.5";
    for (const line of [short, near, far, `> ${far}`]) {
      const r = await analyzeText(`${line}\n`);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
      expect(r.facts.config.tensorParallelSize).toBe(2);
      expect(r.facts.config.maxModelLen).toBe(4096);
      expect(r.facts.config.model).toBe("Qwen/Qwen2-7B-Instruct");
    }
  });

  it("takes no flags from a sentence in front of a record", async () => {
    const r = await analyzeText("see the notes -- the run below used defaults INFO 05-22 23:31:03 [api_server.py:1034] vLLM API server version 0.8.5\n");
    expect(r.facts.config.gpuMemoryUtilization).toBeNull();
    expect(r.facts.vllm.version).toBe("0.8.5");
  });
});

describe("tracebacks through start-up functions, inside and outside vLLM", () => {
  it("does not call a user's script failing in torch's process-group set-up a vLLM start-up failure", async () => {
    const lines = [
      "root@vllm-deployment-5c4d7b-x2k9q:/vllm-workspace# python3 check_nccl.py",
      "Traceback (most recent call last):",
      '  File "/vllm-workspace/check_nccl.py", line 7, in <module>',
      '    dist.init_process_group(backend="nccl")',
      '  File "/usr/local/lib/python3.12/dist-packages/torch/distributed/distributed_c10d.py", line 1710, in init_process_group',
      "    store, rank, world_size = next(rendezvous_iterator)",
      "ValueError: Error initializing torch.distributed using env:// rendezvous: environment variable RANK expected, but not set",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(7);
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
    }
  });

  it("keeps a window of torch's frames alone (the tail of vLLM's own traceback) a start-up failure", async () => {
    const r = await analyzeText([
      '  File "/usr/local/lib/python3.12/dist-packages/torch/distributed/c10d_logger.py", line 81, in wrapper',
      "    return func(*args, **kwargs)",
      '  File "/usr/local/lib/python3.12/dist-packages/torch/distributed/distributed_c10d.py", line 1710, in init_process_group',
      "    store, rank, world_size = next(rendezvous_iterator)",
      "torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 1/2 clients joined.",
      "",
    ].join("\n"));
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });

  it("still reads the same torch set-up failing under vLLM's worker as a start-up failure", async () => {
    const text = [
      "(VllmWorker rank=1 pid=77) ERROR 08-11 10:45:36 [multiproc_executor.py:511] WorkerProc failed to start.",
      "(VllmWorker rank=1 pid=77) ERROR 08-11 10:45:36 [multiproc_executor.py:511] Traceback (most recent call last):",
      '(VllmWorker rank=1 pid=77) ERROR 08-11 10:45:36 [multiproc_executor.py:511]   File "/opt/venv/lib/python3.12/site-packages/vllm/distributed/parallel_state.py", line 1000, in init_distributed_environment',
      '(VllmWorker rank=1 pid=77) ERROR 08-11 10:45:36 [multiproc_executor.py:511]   File "/opt/venv/lib/python3.12/site-packages/torch/distributed/distributed_c10d.py", line 1710, in init_process_group',
      "(VllmWorker rank=1 pid=77) ERROR 08-11 10:45:36 [multiproc_executor.py:511] torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 1/2 clients joined.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });

  it("counts a platform plugin's frames (vllm_gaudi, vllm_ascend) as vLLM's, with or without the worker's prefix", async () => {
    const frames = [
      "Traceback (most recent call last):",
      '  File "/workspace/vllm-gaudi/vllm_gaudi/v1/worker/hpu_worker.py", line 249, in compile_or_warm_up_model',
      "    self.model_runner.warmup_model()",
      '  File "/usr/local/lib/python3.12/dist-packages/torch/utils/_contextlib.py", line 116, in decorate_context',
      "    return func(*args, **kwargs)",
      "RuntimeError: synStatus=26 [Generic failure] Device acquire failed.",
    ];
    for (const text of [frames.join("\n"), frames.map((l) => `(Worker_TP6 pid=142964) ERROR 09-17 20:31:15 [multiproc_executor.py:671] ${l}`).join("\n")]) {
      const r = await analyzeText(text);
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });

  it("keeps the backslashes of a Windows install's frame paths (vLLM's package and its V1 executor are read from them)", async () => {
    const text = [
      '(EngineCore pid=4546) ERROR 07-17 21:06:24 [core.py:1240]   File "C:\\vllm-env\\Lib\\site-packages\\vllm\\v1\\executor\\multiproc_executor.py", line 108, in __init__',
      "(EngineCore pid=4546) ERROR 07-17 21:06:24 [core.py:1240]     super().__init__(vllm_config)",
      '(EngineCore pid=4546) ERROR 07-17 21:06:24 [core.py:1240]   File "C:\\vllm-env\\Lib\\site-packages\\vllm\\v1\\executor\\multiproc_executor.py", line 201, in _init_executor',
      "(EngineCore pid=4546) ERROR 07-17 21:06:24 [core.py:1240]     self.workers = WorkerProc.wait_for_ready(unready_workers)",
    ];
    for (const text2 of [text.join("\n"), text.join("\r\n")]) {
      const r = await analyzeText(text2);
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.config.executorBackend).toBe("mp");
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });
});

describe("vLLM 0.8-0.10's engine oracle falling back to V0", () => {
  it("reads V0 from either wording, with no other engine marker in the log", async () => {
    for (const line of [
      "WARNING 07-21 10:02:11 [arg_utils.py:1761] --task transcription is not supported by the V1 Engine. Falling back to V0. ",
      "INFO 08-16 18:11:21 [arg_utils.py:1746] rocm is experimental on VLLM_USE_V1=1. Falling back to V0 Engine.",
    ]) {
      for (const text of variants([line, "INFO 07-21 10:02:12 [api_server.py:257] Started engine process with PID 14775"])) {
        const r = await analyzeText(text);
        expect(r.facts.vllm.engine).toBe("v0");
      }
    }
  });

  it("does not read V0 from a sentence that only mentions the fallback", async () => {
    const r = await analyzeText("INFO 07-21 10:02:12 [api_server.py:257] Started engine process with PID 14775\nnote: Falling back to V0 is not what we want here\n");
    expect(r.facts.vllm.engine).not.toBe("v0");
  });
});

describe("a pasted command's short flags written with `=`", () => {
  it("reads `-tp=2` / `-pp=2` / `-dp=4` as argparse does, the command hard-wrapped or not", async () => {
    for (const text of [
      "root@6aa4:~/llm# CUDA_VISIBLE_DEVICES=1,2  vllm serve /root/llm/model-a -tp=2 -pp=2 -dp=4 --gpu-memory-utilization 0.95 --sw\nap-space 8\n",
      "$ vllm serve /root/llm/model-a -tp=2 -pp=2 -dp=4 --gpu-memory-utilization=0.95\r\n",
    ]) {
      const r = await analyzeText(text);
      expect(r.facts.config.model).toBe("/root/llm/model-a");
      expect(r.facts.config.tensorParallelSize).toBe(2);
      expect(r.facts.config.pipelineParallelSize).toBe(2);
      expect(r.facts.config.dataParallelSize).toBe(4);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.95);
    }
  });
});
