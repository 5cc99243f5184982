import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twentieth round of real vLLM pastes (TPU and ROCm threads, Dynamo's wrappers, vllm-omni, a custom
 * logging config, a paste that lost its line breaks) that the readers had not been written for. Every log text here
 * is written for the test, in the format's shape, with variants the pastes did not show (other versions and names,
 * kubectl timestamps, colour, CRLF).
 */

describe("the single-process executor in a traceback (`uniproc_executor.py`)", () => {
  it("names the executor `uni` from its frames, V1's path since 0.11 and the shared one of 0.7-0.10", async () => {
    const v1 = [
      "(EngineCore_DP0 pid=412) ERROR 02-11 09:14:03 [core.py:866] EngineCore failed to start.",
      "(EngineCore_DP0 pid=412) ERROR 02-11 09:14:03 [core.py:866] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=412) ERROR 02-11 09:14:03 [core.py:866]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 98, in __init__',
      "(EngineCore_DP0 pid=412) ERROR 02-11 09:14:03 [core.py:866]     self.model_executor = executor_class(vllm_config)",
      '(EngineCore_DP0 pid=412) ERROR 02-11 09:14:03 [core.py:866]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/executor/uniproc_executor.py", line 51, in _init_executor',
      "(EngineCore_DP0 pid=412) ERROR 02-11 09:14:03 [core.py:866]     self.driver_worker.load_model()",
    ];
    for (const text of variants(v1)) {
      const r = await analyzeText(text);
      expect(r.facts.config.executorBackend).toBe("uni");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(ids(r)).toContain("vllm/engine-init-failed");
    }
    // vLLM 0.8-0.10 kept the module outside v1/, and a bare paste has no logger header at all
    const bare = [
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.10/dist-packages/vllm/executor/executor_base.py", line 52, in __init__',
      "    self._init_executor()",
      '  File "/usr/local/lib/python3.10/dist-packages/vllm/executor/uniproc_executor.py", line 47, in _init_executor',
      '    self.collective_rpc("init_device")',
    ].join("\n");
    expect((await analyzeText(bare)).facts.config.executorBackend).toBe("uni");
  });

  it("takes the torchrun subclass of the same module for `external_launcher`, and leaves other executors' frames alone", async () => {
    const ext = await analyzeText(
      [
        "[rank1]: Traceback (most recent call last):",
        '[rank1]:   File "/usr/local/lib/python3.12/dist-packages/vllm/executor/uniproc_executor.py", line 133, in _init_executor',
        "[rank1]:     super()._init_executor()",
        "[rank1]: AssertionError: <vllm.executor.uniproc_executor.ExecutorWithExternalLauncher object at 0x7f1c2a3b4c50> needs torchrun",
      ].join("\n"),
    );
    expect(ext.facts.config.executorBackend).toBe("external_launcher");
    const mp = await analyzeText('  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py", line 96, in _init_executor\n');
    expect(mp.facts.config.executorBackend).toBe("mp");
    // a file that only shares the name's letters is no frame of vLLM's
    const other = await analyzeText('  File "/home/u/proj/my_uniproc_executor_test.py", line 3, in <module>\n');
    expect(other.facts.config.executorBackend).toBeNull();
  });
});

describe("a paste that lost its line breaks between the records of one process", () => {
  const glued =
    '(APIServer pid=4410)   File "/usr/local/lib/python3.12/dist-packages/huggingface_hub/utils/_http.py", line 409, in hf_raise_for_status(APIServer pid=4410)     raise _format(GatedRepoError, message, response) from e' +
    "(APIServer pid=4410) huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-6700aa11-0bc2)(APIServer pid=4410)(APIServer pid=4410) Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/main/config.json." +
    "(APIServer pid=4410) Access to model meta-llama/Llama-3.1-8B-Instruct is restricted. You must have access to it and be authenticated to access it. Please log in.";

  it("splits the line where its process prefix comes again: the exception inside it is the first error, the hub the cause", async () => {
    for (const text of [glued, `2026-03-04T05:06:10.123456789Z ${glued}`, glued.replaceAll("(APIServer pid=4410)", "\x1b[36m(APIServer pid=4410)\x1b[0m"), `${glued}\r\n`]) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.firstError?.text).toContain("GatedRepoError");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(ids(r)).toContain("vllm/model-download");
    }
  });

  it("splits a Ray worker's glued records too, and leaves nested prefixes of two processes as one record", async () => {
    const ray = await analyzeText(
      "(RayWorkerWrapper pid=913, ip=10.0.3.7) INFO 05-02 11:00:01 [gpu_worker.py:227] Available KV cache memory: 21.4 GiB(RayWorkerWrapper pid=913, ip=10.0.3.7) ERROR 05-02 11:00:09 [worker_base.py:620] Error executing method 'determine_available_memory'. This might cause deadlock in distributed execution.\n",
    );
    expect(ray.facts.kvCache.availableGiB).toBe(21.4);
    expect(ray.facts.firstError?.text).toContain("Error executing method");
    expect(ray.facts.config.executorBackend).toBe("ray");
    const nested = await analyzeText("(EngineCore_DP0 pid=88) (RayWorkerWrapper pid=310, ip=10.0.3.8) INFO 05-02 11:00:02 [kv_cache_utils.py:716] GPU KV cache size: 212,880 tokens\n");
    expect(nested.facts.kvCache.tokens).toBe(212880);
    expect(nested.facts.firstError).toBeNull();
  });
});

describe("Rust `tracing` records whose span name is not an identifier (Dynamo's HTTP front end)", () => {
  it("reads `ERROR http-request{...}: tower_http::...: msg` as an error record, with or without the span's fields", async () => {
    const lines = [
      "2025-10-15T09:43:02.100211Z  INFO dynamo_runtime::distributed: Distributed runtime started",
      "2025-10-15T09:43:07.387037Z ERROR http-request{method=GET uri=/health version=HTTP/1.1}: tower_http::trace::on_failure: response failed classification=Status code: 503 Service Unavailable latency=0 ms",
      "2025-10-15T09:43:13.902042Z  INFO gpu_worker.determine_available_memory: Available KV cache memory: 16.83 GiB",
    ];
    for (const text of [lines.join("\n"), lines.join("\r\n"), lines.map((l) => l.replace(/\{[^}]*\}/, "")).join("\n")]) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(2);
    }
    // spans nested, the outer one hyphenated: still one record at ERROR; the same shape at WARN is no error
    const nested = await analyzeText("2026-01-09T10:00:00.000001Z ERROR grpc-server: request{id=7}: dynamo_llm::grpc::service: stream closed before the first token\n");
    expect(nested.facts.firstError?.text).toContain("stream closed");
    const warn = await analyzeText("2026-01-09T10:00:00.000001Z  WARN http-request: tower_http::trace::on_failure: response failed classification=Status code: 503\n");
    expect(warn.facts.firstError).toBeNull();
  });
});

describe("a logging config of the user's that writes the process id where vLLM writes its date", () => {
  const lines = [
    "2024-12-19 21:40:30 INFO 56542 [model_runner.py:1072] Loading model weights took 14.9888 GB",
    "2024-12-19 21:40:33 INFO 56542 [gpu_executor.py:122] # GPU blocks: 2013, # CPU blocks: 512",
    "2024-12-19 21:40:35 ERROR 56542 [async_llm_engine.py:64]   File \"/opt/conda/lib/python3.10/site-packages/vllm/worker/model_runner_base.py\", line 146, in _wrapper^M",
    '2024-12-19 21:40:35 ERROR 56542 [async_llm_engine.py:64]     raise type(err)(f"Error in model execution: "^M',
    "2024-12-19 21:40:35 ERROR 56542 [async_llm_engine.py:64] RuntimeError: Error in model execution: CUDA error: an illegal memory access was encountered^M",
  ];

  it("reads its records as vLLM's: the facts of INFO lines, the first ERROR that is no traceback structure", async () => {
    for (const text of [lines.join("\n"), lines.join("\r\n"), lines.map((l) => l.slice(20)).join("\n")]) {
      const r = await analyzeText(text);
      expect(r.facts.memory.modelWeightsGiB).toBe(14.9888);
      expect(r.facts.kvCache.gpuBlocks).toBe(2013);
      expect(r.facts.kvCache.cpuBlocks).toBe(512);
      expect(r.facts.firstError?.line).toBe(5);
    }
  });

  it("needs the bracketed Python file: a level and a number alone are no such record", async () => {
    const r = await analyzeText("ERROR 404 [GET /v1/models] not found\nERROR 3 files failed to sync\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("a process prefix whose `pid=N) LEVEL` a wrapper ate (Dynamo 0.1's vLLM worker)", () => {
  it("still tells V0's multiprocessing worker, and V1's by its rank, from the name before vLLM's date", async () => {
    const lines = [
      "2025-04-23T03:32:58.533Z  INFO dynamo_engine_vllm::worker: VLLM: (VllmWorkerProcess 04-23 11:32:58 model_runner.py:1115] Loading model weights took 8.4974 GB",
      "2025-04-23T03:33:57.400Z  INFO dynamo_engine_vllm::worker: VLLM: (VllmWorkerProcess 04-23 11:33:57 worker.py:270] the current vLLM instance can use total_gpu_memory (79.15GiB) x gpu_memory_utilization (0.90) = 71.24GiB",
    ];
    for (const text of [lines.join("\n"), lines.join("\r\n")]) {
      const r = await analyzeText(text);
      expect(r.facts.config.executorBackend).toBe("mp");
      expect(r.facts.vllm.engine).toBe("v0");
      expect(r.facts.memory.modelWeightsGiB).toBe(8.4974);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
    }
    const v1 = await analyzeText("2025-06-01T10:00:00.000Z  INFO launcher: (VllmWorker rank=1 06-01 18:00:00 [gpu_model_runner.py:1534] Model loading took 7.12 GiB and 3.1 seconds\n");
    expect(v1.facts.config.executorBackend).toBe("mp");
    expect(v1.facts.vllm.engine).toBe("v1");
    // a name that is no vLLM process says nothing
    const other = await analyzeText("2025-06-01T10:00:00.000Z  INFO app: (Scheduler 06-01 18:00:00 queue.py:12] 3 jobs waiting\n");
    expect(other.facts.config.executorBackend).toBeNull();
  });
});

describe("vLLM's start-up memory check (`Free memory on device ... on startup is less than desired GPU memory utilization`)", () => {
  it("is an engine that did not start, with no traceback around it and under CI, colour and vllm-omni's stage tag", async () => {
    const msg = "ValueError: Free memory on device cuda:0 (1.53/22.05 GiB) on startup is less than desired GPU memory utilization (0.9, 19.84 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.";
    const texts = [
      `(EngineCore_DP0 pid=972) ERROR 01-28 15:59:42 [core.py:935] ${msg}`,
      `> [2026-01-28T23:59:42Z] (EngineCore_DP0 pid=972) ERROR 01-28 15:59:42 [core.py:935] ${msg}`,
      `[2026-01-26T17:25:37Z] \x1b[0;36m(EngineCore_DP0 pid=738)\x1b[0;0m \x1b[31mERROR\x1b[0m \x1b[90m01-26 09:25:37\x1b[0m \x1b[90m[core.py:935]\x1b[0m ${msg}`,
      `(Worker pid=2291010) [Stage-0] ERROR 03-12 08:22:28 [multiproc_executor.py:800] ${msg}\r\n[Stage-1] INFO 03-12 08:22:28 [diffusion_model_runner.py:172] Model runner: Initialization complete.`,
    ];
    for (const text of texts) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed");
      expect(f?.severity).toBe("error");
      expect(f?.remediation[0]).toContain("lower it to 0.05 or less");
    }
  });

  it("leaves a healthy start-up alone: the same numbers in a line that is no failure do not count", async () => {
    const r = await analyzeText(
      [
        "(EngineCore_DP0 pid=12) INFO 01-28 15:59:42 [gpu_worker.py:298] Available KV cache memory: 16.23 GiB",
        "(EngineCore_DP0 pid=12) INFO 01-28 15:59:43 [kv_cache_utils.py:1087] GPU KV cache size: 425,424 tokens",
        "(APIServer pid=1) INFO 01-28 15:59:50 [api_server.py:1940] Starting vLLM API server 0 on http://0.0.0.0:8000",
      ].join("\n"),
    );
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("Ray's autoscaler events on the driver (`(autoscaler +44s) ...`)", () => {
  it("takes its `Error:` event for an error record, the placement failure for Ray's resources; `Warning:` and `Tip:` are none", async () => {
    const lines = [
      "(autoscaler +7s) Tip: use `ray status` to view detailed cluster status. To disable these messages, set RAY_SCHEDULER_EVENTS=0.",
      "(autoscaler +7s) Warning: The following resource request cannot be scheduled right now: {'CPU': 1.0, 'GPU': 8.0}. This is likely due to all cluster resources being claimed by actors.",
      "(autoscaler +1m19s) Error: No available node types can fulfill resource request {'GPU': 8.0, 'CPU': 1.0}. Add suitable node types to this cluster to resolve this issue.",
    ];
    for (const text of [lines.join("\n"), lines.join("\r\n"), lines.map((l, i) => `2025-05-20 18:19:0${i},100\t${l}`).join("\n")]) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(3);
      expect(ids(r)).toContain("vllm/ray-insufficient-resources");
    }
    const hours = await analyzeText("(autoscaler +1h2m3s) Error: Failed to launch 2 node(s) of type gpu_worker.\n");
    expect(hours.facts.firstError?.line).toBe(1);
    const tip = await analyzeText(lines[0] + "\n");
    expect(tip.facts.firstError).toBeNull();
  });
});

describe("Python logging with the level before a dotted logger name (`%(asctime)s - %(levelname)s - %(name)s - `)", () => {
  it("peels the header, with or without milliseconds, and keeps an ERROR of a vLLM plugin's logger an error", async () => {
    const lines = [
      "2025-03-26 11:48:53 - INFO - vllm_ascend.worker.model_runner - Loading model weights took 5.7560 GB",
      "2025-03-26 11:48:54,120 - INFO - vllm.executor.executor_base - # npu blocks: 3915, # CPU blocks: 910",
      "2025-03-26 11:49:00 - ERROR - vllm_ascend.worker.worker - the device could not allocate its KV cache",
    ];
    for (const text of [lines.join("\n"), lines.join("\r\n"), lines.map((l) => `ray-worker-1  | ${l}`).join("\n")]) {
      const r = await analyzeText(text);
      expect(r.facts.memory.modelWeightsGiB).toBe(5.756);
      expect(r.facts.kvCache.gpuBlocks).toBe(3915);
      expect(r.facts.kvCache.cpuBlocks).toBe(910);
      expect(r.facts.firstError?.line).toBe(3);
    }
    // another program's logger at INFO is no vLLM error, and a message's own dashes stay in it
    const other = await analyzeText("2025-03-26 11:49:02 - INFO - trl.trainer.grpo - step 1 - loss 0.12\n");
    expect(other.facts.firstError).toBeNull();
  });
});

describe("a port that is already in use (vllm/port-in-use)", () => {
  it("reports the API server's bind failure under CI's quoted gutter, kubectl stamps and CRLF", async () => {
    const lines = [
      "INFO:     Started server process [60858]",
      "INFO:     Waiting for application startup.",
      "INFO:     Application startup complete.",
      "ERROR:    [Errno 98] error while attempting to bind on address ('0.0.0.0', 44319): [errno 98] address already in use",
      "INFO:     Waiting for application shutdown.",
    ];
    const quoted = lines.map((l, i) => `${i === 0 ? ">" : ">   |"} [2024-09-05T00:38:3${i}Z] ${l}`).join("\n");
    for (const text of [...variants(lines), quoted]) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(4);
      const f = r.findings.find((x) => x.ruleId === "vllm/port-in-use");
      expect(f?.message).toContain("port 44319");
    }
  });

  it("reports torch's store and a bare OSError inside a worker's traceback, and nothing on NCCL's RAS listener", async () => {
    const store = await analyzeText(
      [
        "(EngineCore_0 pid=892803)   File \"/usr/lib/python3.12/site-packages/torch/distributed/rendezvous.py\", line 189, in _create_c10d_store",
        "(EngineCore_0 pid=892803)     return TCPStore(",
        "(EngineCore_0 pid=892803) torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 41723, useIpv6: false, code: -98, name: EADDRINUSE, message: address already in use",
      ].join("\n"),
    );
    expect(store.findings.find((x) => x.ruleId === "vllm/port-in-use")?.message).toContain("store's port 41723");
    const bare = await analyzeText('  File "/usr/lib/python3.10/site-packages/vllm/utils.py", line 572, in get_open_port\n    s.bind(("", 0))\nOSError: [Errno 98] Address already in use\n');
    expect(ids(bare)).toContain("vllm/port-in-use");
    const ras = await analyzeText("[2025-06-05 10:45:19] node9:2528103:2528103 [0] ras/client_support.cc:160 NCCL WARN Call to bind failed: Address already in use\n");
    expect(ids(ras)).not.toContain("vllm/port-in-use");
  });
});

describe("colour in caret notation (`cat -v`, less: `^[[0;36m`)", () => {
  it("is peeled like the ESC byte: the process prefix, the level and the message read as from a plain record", async () => {
    const lines = [
      "^[[0;36m(Worker_TP1 pid=812)^[[0;0m ^[[32mINFO^[[0m ^[[90m01-26 09:25:30^[[0m ^[[90m[gpu_model_runner.py:2602]^[[0m Model loading took 7.1 GiB and 3.2 seconds",
      "> [2026-01-26T17:25:37Z] ^[[0;36m(EngineCore_DP0 pid=738)^[[0;0m ^[[31mERROR^[[0m ^[[90m01-26 09:25:37^[[0m ^[[90m[core.py:935]^[[0m ValueError: Free memory on device cuda:0 (1.54/22.05 GiB) on startup is less than desired GPU memory utilization (0.9, 19.84 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.",
    ];
    for (const text of [lines.join("\n"), lines.join("\r\n")]) {
      const r = await analyzeText(text);
      expect(r.facts.memory.modelWeightsGiB).toBe(7.1);
      expect(r.facts.config.executorBackend).toBe("mp");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.firstError?.line).toBe(2);
      expect(ids(r)).toContain("vllm/engine-init-failed");
    }
    // a Python caret line is no colour code
    const carets = await analyzeText('  File "/x/vllm/v1/engine/core.py", line 98, in __init__\n    self.model_executor = executor_class(vllm_config)\n                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n');
    expect(carets.facts.firstError).toBeNull();
  });
});

describe("a CUDA kernel fault in vLLM's processes (vllm/cuda-error)", () => {
  it("is reported from every era's wording: V1 worker and engine core, V0 model execution, the watchdog, a k9s pane", async () => {
    const texts = [
      variants([
        "(Worker_TP1 pid=409) ERROR 09-14 03:15:31 [multiproc_executor.py:671]     return F.gelu(input, approximate=self.approximate)",
        "(Worker_TP1 pid=409) ERROR 09-14 03:15:31 [multiproc_executor.py:671] torch.AcceleratorError: CUDA error: an illegal memory access was encountered",
        "(Worker_TP1 pid=409) ERROR 09-14 03:15:31 [multiproc_executor.py:671] CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
      ]),
      ["(EngineCore_DP0 pid=12244) ERROR 07-15 21:01:01 [core.py:1240] RuntimeError: Worker failed with error 'CUDA error: an illegal memory access was encountered", "(EngineCore_DP0 pid=12244) ERROR 07-15 21:01:01 [core.py:1240] ', please check the stack trace above for the root cause"].join("\r\n"),
      "ERROR 12-19 21:40:35 [async_llm_engine.py:64] RuntimeError: Error in model execution: CUDA error: misaligned address^M\n",
      "[rank3]:[E219 12:14:43.351647859 ProcessGroupNCCL.cpp:1595] [PG ID 2 PG GUID 3 Rank 3] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure\n",
      `│ ERROR 09-27 06:46:46 engine.py:157] RuntimeError: CUDA error: an illegal memory access was encountered${" ".repeat(40)}│\n`,
    ].flat();
    for (const text of texts) {
      const r = await analyzeText(text);
      const f = r.findings.find((x) => x.ruleId === "vllm/cuda-error");
      expect(f?.severity).toBe("error");
      expect(f?.remediation[0]).toContain("CUDA_LAUNCH_BLOCKING=1");
      expect(ids(r)).not.toContain("nccl/cuda-error");
    }
  });

  it("says a build has no kernels for the GPU, and leaves the advice lines and CUDA's out of memory alone", async () => {
    const hip = await analyzeText("(EngineCore_DP0 pid=88) ERROR 01-15 10:42:37 [core.py:866] RuntimeError: HIP error: no kernel image is available for execution on the device\n");
    expect(hip.findings.find((x) => x.ruleId === "vllm/cuda-error")?.remediation[0]).toContain("no kernels for this GPU's architecture");
    const advice = await analyzeText("CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1\n");
    expect(ids(advice)).toEqual([]);
    const oom = await analyzeText("(VllmWorker rank=3 pid=1090) ERROR 06-05 06:18:13 [multiproc_executor.py:470] RuntimeError: CUDA error: out of memory\n");
    expect(ids(oom)).not.toContain("vllm/cuda-error");
  });
});

describe("the round's new rules in the cause order", () => {
  it("puts a kernel fault or a taken port before the engine start-up failure they explain", async () => {
    const fault = await analyzeText(
      [
        "(EngineCore_DP0 pid=77) ERROR 02-11 09:14:03 [core.py:866] EngineCore failed to start.",
        '(EngineCore_DP0 pid=77) ERROR 02-11 09:14:03 [core.py:866]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py", line 2811, in profile_run',
        "(EngineCore_DP0 pid=77) ERROR 02-11 09:14:03 [core.py:866]     hidden_states = self._dummy_run(self.max_num_tokens)",
        "(EngineCore_DP0 pid=77) ERROR 02-11 09:14:03 [core.py:866] torch.AcceleratorError: CUDA error: an illegal memory access was encountered",
      ].join("\n"),
    );
    const init = fault.findings.find((x) => x.ruleId === "vllm/engine-init-failed");
    expect(init?.causedBy).toContain("vllm/cuda-error");
    expect(ids(fault).indexOf("vllm/cuda-error")).toBeLessThan(ids(fault).indexOf("vllm/engine-init-failed"));
    const port = await analyzeText(
      [
        "(EngineCore_0 pid=5) ERROR 05-02 11:00:09 [core.py:710] EngineCore failed to start.",
        "(EngineCore_0 pid=5) ERROR 05-02 11:00:09 [core.py:710] torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 41723, useIpv6: false, code: -98, name: EADDRINUSE, message: address already in use",
      ].join("\n"),
    );
    expect(port.findings.find((x) => x.ruleId === "vllm/engine-init-failed")?.causedBy).toContain("vllm/port-in-use");
  });
});
