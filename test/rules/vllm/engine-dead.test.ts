import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/engine-dead.js";
import { run } from "../helpers.js";
import { ruleTester } from "../rule-tester.js";
import type { Report } from "../../../src/facts/schema.js";

describe("vllm/engine-dead", () => {
  it("reads V1's EngineDeadError as the engine dying while serving and points at the first worker error", () => {
    const f = run(rule, { lines: ["(APIServer pid=7) ERROR 02-03 04:05:06 [async_llm.py:480] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("died while serving");
    expect(f[0].remediation[0]).toContain("first error of the engine core or worker");
  });
  it("reads V0's AsyncEngineDeadError and the launcher's shutdown as one finding", () => {
    const f = run(rule, { lines: [
      "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop has errored already.",
      "CRITICAL 03-04 05:06:07 launcher.py:99] AsyncLLMEngine is already dead, terminating server process",
    ] });
    expect(f).toHaveLength(1);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("never takes the engine's dump of the failed step (dump_input.py) for the root cause", () => {
    const lines = [
      "ERROR 04-22 18:03:11 [dump_input.py:79] Dumping scheduler output for model execution:",
      "ERROR 04-22 18:03:11 [dump_input.py:80] SchedulerOutput(scheduled_new_reqs=[], scheduled_cached_reqs=[CachedRequestData(req_id='cmpl-77', resumed_from_preemption=false, new_token_ids=[905], num_computed_tokens=[4113])], total_num_scheduled_tokens=1)",
      "ERROR 04-22 18:03:11 [dump_input.py:82] SchedulerStats(num_running_reqs=1, num_waiting_reqs=0, gpu_cache_usage=0.004)",
      "ERROR 04-22 18:03:11 [core.py:517] EngineCore encountered a fatal error.",
      "ERROR 04-22 18:03:11 [core.py:517] Traceback (most recent call last):",
      'ERROR 04-22 18:03:11 [core.py:517]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/executor/multiproc_executor.py", line 220, in collective_rpc',
      "ERROR 04-22 18:03:11 [core.py:517]     result = get_response(w, dequeue_timeout)",
    ];
    const cut = run(rule, { lines });
    expect(cut).toHaveLength(1);
    expect(cut[0].message).toContain("This excerpt does not show why");
    // with the traceback's end in the excerpt, that is the cause
    const whole = run(rule, { lines: [...lines, "ERROR 04-22 18:03:11 [core.py:517] TimeoutError: RPC call to execute_model timed out."] });
    expect(whole[0].message).toContain("Root cause in the log: TimeoutError: RPC call to execute_model timed out. (");
  });
  it("leaves a start-up failure to vllm/engine-init-failed and stays quiet on the engine's start", () => {
    expect(run(rule, { lines: ["ERROR 05-14 10:02:41 [core.py:396] EngineCore failed to start.", "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop is not running."] })).toEqual([]);
    expect(run(rule, { lines: ["INFO 05-14 10:02:41 [core.py:61] Initializing a V1 LLM engine (v0.9.1) with config: model='m'"] })).toEqual([]);
  });
});

// A V1 server whose worker raised in a model step after start-up, in the layouts vLLM prints (written for these tests):
// the worker's `WorkerProc hit an exception.` and its traceback (multiproc_executor.py worker_busy_loop), the engine
// core's `EngineCore encountered a fatal error.` with the executor's `Worker failed with error '…'`, the API server's
// `AsyncLLM output_handler failed.` and EngineDeadError, then a 500.
const SITE = "/opt/venv/lib/python3.12/site-packages/";
/**
 * a worker's busy loop logging what the method it ran raised: the record, the traceback down `frames` ([file, line, func,
 * code, Python 3.12's marker line under the code]), the exception
 */
type Frame = [file: string, line: number, func: string, code: string, marker?: string];
function busyLoopRecords(head: string, frames: Frame[], exc: string | null): string[] {
  const lines = (...f: Frame) => [head + `  File "${SITE}vllm/${f[0]}", line ${f[1]}, in ${f[2]}`, head + `    ${f[3]}`, ...(f[4] ? [head + f[4]] : [])];
  return [
    head + "WorkerProc hit an exception.",
    head + "Traceback (most recent call last):",
    ...lines("v1/executor/multiproc_executor.py", 666, "worker_busy_loop", "output = func(*args, **kwargs)", "             ^^^^^^^^^^^^^^^^^^^^^"),
    ...frames.flatMap((f) => lines(...f)),
    ...(exc === null ? [] : [head + exc]),
  ];
}
function workerLog(exc: string, opts: { worker?: string } = {}): string[] {
  const W = `${opts.worker ?? "(Worker_TP1 pid=4412) "}ERROR 03-02 11:20:31 [multiproc_executor.py:671] `;
  const E = "(EngineCore_DP0 pid=4300) ERROR 03-02 11:20:31 [core.py:710] ";
  const A = "(APIServer pid=4200) ERROR 03-02 11:20:31 [async_llm.py:480] ";
  const words = exc.slice(exc.indexOf(": ") + 2);
  return [
    "(APIServer pid=4200) INFO 03-02 11:10:00 [api_server.py:1839] vLLM API server version 0.11.0",
    "(APIServer pid=4200) INFO 03-02 11:10:00 [utils.py:233] non-default args: {'model': 'acme/chat-7b', 'tensor_parallel_size': 2, 'max_model_len': 8192}",
    "(EngineCore_DP0 pid=4300) INFO 03-02 11:10:10 [core.py:77] Initializing a V1 LLM engine (v0.11.0) with config: model='acme/chat-7b', speculative_config=None, tokenizer='acme/chat-7b', max_seq_len=8192, tensor_parallel_size=2, pipeline_parallel_size=1",
    "(EngineCore_DP0 pid=4300) INFO 03-02 11:11:10 [kv_cache_utils.py:1087] GPU KV cache size: 200,000 tokens",
    "(EngineCore_DP0 pid=4300) INFO 03-02 11:11:10 [kv_cache_utils.py:1091] Maximum concurrency for 8,192 tokens per request: 24.41x",
    "(EngineCore_DP0 pid=4300) INFO 03-02 11:11:40 [core.py:210] init engine (profile, create kv cache, warmup model) took 30.12 seconds",
    "(APIServer pid=4200) INFO:     Application startup complete.",
    '(APIServer pid=4200) INFO:     10.0.0.9:51234 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
    "(APIServer pid=4200) INFO 03-02 11:20:00 [loggers.py:127] Engine 000: Avg prompt throughput: 120.0 tokens/s, Avg generation throughput: 80.0 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 2.1%, Prefix cache hit rate: 0.0%",
    // 10-20
    ...busyLoopRecords(W, [
      ["v1/worker/gpu_worker.py", 447, "execute_model", "output = self.model_runner.execute_model(scheduler_output, intermediate_tensors)"],
      ["v1/worker/gpu_model_runner.py", 2210, "execute_model", "positions = self.positions.gpu[token_indices]", "                ~~~~~~~~~~~~~~~~~~^^^^^^^^^^^^^^^"],
    ], exc),
    E + "EngineCore encountered a fatal error.", // 21
    E + "Traceback (most recent call last):",
    E + `  File "${SITE}vllm/v1/engine/core.py", line 701, in run_engine_core`,
    E + "    engine_core.run_busy_loop()",
    E + `  File "${SITE}vllm/v1/engine/core.py", line 728, in run_busy_loop`,
    E + "    self._process_engine_step()",
    E + `  File "${SITE}vllm/v1/engine/core.py", line 284, in step`,
    E + "    model_output = self.execute_model_with_error_logging(",
    E + `  File "${SITE}vllm/v1/executor/multiproc_executor.py", line 243, in get_response`,
    E + "    raise RuntimeError(",
    E + `RuntimeError: Worker failed with error '${words}', please check the stack trace above for the root cause`,
    A + "AsyncLLM output_handler failed.", // 32
    A + "Traceback (most recent call last):",
    A + `  File "${SITE}vllm/v1/engine/async_llm.py", line 439, in output_handler`,
    A + "    outputs = await engine_core.get_output_async()",
    A + "vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.", // 36
    '(APIServer pid=4200) INFO:     10.0.0.9:51240 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error',
  ];
}
const INDEX = "IndexError: index 8192 is out of bounds for dimension 0 with size 8192";
/** engine-dead's message with the scratch file's path written as `run.log`, as the evidence names it */
const deadMessage = (r: Report) => {
  const f = r.findings.find((x) => x.ruleId === "vllm/engine-dead")!;
  return f.message.split(f.evidence[0].file).join("run.log");
};
const DIES = " The multiprocessing executor raises it in the engine core, which dies with it (or, when this worker is not the one that replies, waits for it until the step times out): every request fails from here on (500s, EngineDeadError) until the server restarts.";
const kubectl = (lines: string[]) => lines.map((l, i) => `2026-03-02T11:20:${String(i).padStart(2, "0")}.000000001Z ${l}\r`).join("\n") + "\n";

ruleTester("vllm/engine-dead", {
  valid: [
    {
      // the busy loop also runs the engine's start-up calls: a worker failing in the profiling run is engine-init-failed's
      name: "a worker's exception in the start-up profiling run, through the same busy loop",
      log: [
        ...busyLoopRecords("(Worker_TP0 pid=81) ERROR 06-01 10:00:05 [multiproc_executor.py:671] ", [
          ["v1/worker/gpu_worker.py", 263, "determine_available_memory", "self.model_runner.profile_run()"],
          ["v1/worker/gpu_model_runner.py", 3004, "profile_run", "hidden_states = self._dummy_run(self.max_num_tokens)"],
        ], "ValueError: too many values to unpack (expected 2)"),
        "(EngineCore_DP0 pid=60) ERROR 06-01 10:00:05 [core.py:708] EngineCore failed to start.",
      ].join("\n") + "\n",
    },
    {
      // a LoRA adapter a worker could not load fails that call only: the engine core hands the error back and serves on
      name: "a served server whose worker raised in add_lora, the engine not shown dying",
      log: [
        ...workerLog(INDEX).slice(0, 9),
        ...busyLoopRecords("(Worker_TP0 pid=4411) ERROR 03-02 11:20:31 [multiproc_executor.py:671] ", [
          ["v1/worker/gpu_worker.py", 512, "add_lora", "return self.model_runner.add_lora(lora_request)"],
        ], "KeyError: 'base_model.model.lm_head'"),
        '(APIServer pid=4200) INFO:     10.0.0.9:51250 - "POST /v1/load_lora_adapter HTTP/1.1" 400 Bad Request',
        "(APIServer pid=4200) INFO 03-02 11:20:40 [loggers.py:127] Engine 000: Avg prompt throughput: 100.0 tokens/s, Avg generation throughput: 70.0 tokens/s, Running: 2 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.9%, Prefix cache hit rate: 0.0%",
      ].join("\n") + "\n",
    },
  ],
  invalid: [
    {
      name: "a worker's IndexError in a model step after start-up: named with its line, reported upstream with version and model",
      log: workerLog(INDEX).join("\n") + "\n",
      findings: [{
        severity: "error",
        lines: [20, 10, 21, 32, 36],
        messageIncludes: "A worker (Worker_TP1) raised IndexError: index 8192 is out of bounds for dimension 0 with size 8192 (",
        remediation: [
          "report it at https://github.com/vllm-project/vllm/issues with vLLM 0.11.0, the model (acme/chat-7b), the serve command, the request that triggered it",
          "serve without it, or try a newer vLLM release",
          "Restart the server",
        ],
      }],
      check: (r) => {
        expect(deadMessage(r)).toBe("A worker (Worker_TP1) raised IndexError: index 8192 is out of bounds for dimension 0 with size 8192 (run.log:20) while running the model for a request, after the engine had started (not at start-up). The engine core then died: every request fails from here on (500s, EngineDeadError) until the server restarts.");
        expect(r.verdict).toMatch(/^Failed \(vllm\/engine-dead, which explains runtime\/client-errors\): A worker \(Worker_TP1\) raised IndexError/);
        expect(r.findings.map((f) => f.ruleId)).not.toContain("vllm/engine-init-failed");
      },
    },
    {
      name: "the same behind kubectl --timestamps and CRLF line ends",
      log: kubectl(workerLog(INDEX)),
      findings: [{
        lines: [20, 10, 21, 32, 36],
        remediation: ["with vLLM 0.11.0, the model (acme/chat-7b)"],
      }],
      check: (r) => {
        expect(deadMessage(r)).toBe("A worker (Worker_TP1) raised IndexError: index 8192 is out of bounds for dimension 0 with size 8192 (run.log:20) while running the model for a request, after the engine had started (not at start-up). The engine core then died: every request fails from here on (500s, EngineDeadError) until the server restarts.");
        expect(r.findings.find((f) => f.ruleId === "vllm/engine-dead")!.evidence[0].text).not.toContain("\r");
      },
    },
    {
      name: "vLLM 0.10's `(VllmWorker TP1 pid=N)` prefix in ANSI colour",
      log: workerLog(INDEX, { worker: "\x1b[1;36m(VllmWorker TP1 pid=4412)\x1b[0;0m " }).join("\n") + "\n",
      findings: [{ lines: [20, 10, 21, 32, 36], messageIncludes: "A worker (VllmWorker TP1) raised IndexError: index 8192" }],
    },
    {
      name: "a paste of the worker's records alone, cut inside its traceback under execute_model",
      log: workerLog(INDEX, { worker: "(Worker_TP5 pid=9954) " }).slice(9, 18).join("\n") + "\n",
      findings: [{
        lines: [1, 2],
        remediation: ["Find the worker's exception line: the rest of Worker_TP5's traceback"],
      }],
      check: (r) => {
        expect(deadMessage(r)).toBe(`A worker (Worker_TP5) hit an exception (run.log:1) while running the model for a request, after the engine had started (not at start-up); the excerpt stops before its exception line, which names the cause.${DIES}`);
        expect(r.verdict).toMatch(/^Failed \(vllm\/engine-dead\): A worker \(Worker_TP5\) hit an exception/);
      },
    },
    {
      name: "a paste cut in the busy loop itself, ANSI colour in caret notation and a ^M at each end",
      log: workerLog(INDEX, { worker: "^[[1;36m(Worker_TP0 pid=7701)^[[0;0m " }).slice(9, 13).map((l) => `${l}^M`).join("\n") + "\n",
      findings: [{ lines: [1, 2], severity: "error" }],
      check: (r) => expect(deadMessage(r)).toBe(`A worker (Worker_TP0) hit an exception in its busy loop, after it had started (run.log:1); the excerpt stops before the method that raised and the exception line, which name the step and the cause.${DIES}`),
    },
    {
      name: "a worker's CUDA out of memory in a model step: vllm/cuda-oom stays the verdict, its fix named",
      log: workerLog("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of 79.19 GiB of which 1.02 GiB is free.").join("\n") + "\n",
      findings: [{ messageIncludes: "A worker (Worker_TP1) raised torch.OutOfMemoryError: CUDA out of memory.", remediation: ["The worker ran out of GPU memory on a step: vllm/cuda-oom has the fix"] }],
      check: (r) => {
        expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-oom, which explains vllm\/engine-dead/);
        expect(r.findings.find((f) => f.ruleId === "vllm/engine-dead")!.causedBy).toEqual(["vllm/cuda-oom"]);
      },
    },
    {
      name: "a worker's CUDA error in a model step: vllm/cuda-error stays the verdict",
      log: workerLog("torch.AcceleratorError: CUDA error: an illegal memory access was encountered").join("\n") + "\n",
      findings: [{ messageIncludes: "A worker (Worker_TP1) raised torch.AcceleratorError: CUDA error: an illegal memory access was encountered (", remediation: ["The worker's exception is a CUDA error: vllm/cuda-error has the fix"] }],
      check: (r) => expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-error, which explains vllm\/engine-dead/),
    },
    {
      name: "a worker's NCCL error in a model step: the nccl/* finding stays the verdict",
      log: workerLog("torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5").join("\n") + "\n",
      findings: [{ messageIncludes: "raised torch.distributed.DistBackendError: NCCL error in:", remediation: ["The worker's exception comes from NCCL: the nccl/* findings"] }],
      check: (r) => expect(r.verdict).toMatch(/^Failed \(nccl\/cuda-error, which explains vllm\/engine-dead/),
    },
  ],
});

// A V0 server (0.5–0.10's multiprocessing executor) whose tensor-parallel worker raised in its step loop, in the layouts
// vLLM prints (written for these tests): the worker's `Exception in worker VllmWorkerProcess while processing method
// start_worker_execution_loop.` and its traceback (multiproc_worker_utils.py _run_worker_process; 0.5 put the exception's
// words and the traceback's first line on the record's line), then the driver's AsyncLLMEngine failing.
const V0_SITE = "/usr/local/lib/python3.10/dist-packages/";
function v0Log(exc: string, opts: { method?: string; old?: boolean; frames?: Frame[] } = {}): string[] {
  const method = opts.method ?? "start_worker_execution_loop";
  const W = "(VllmWorkerProcess pid=4412) ERROR 03-02 11:20:31 multiproc_worker_utils.py:226] ";
  const words = exc.slice(exc.indexOf(": ") + 2);
  const frame = (f: Frame) => [W + `  File "${V0_SITE}vllm/${f[0]}", line ${f[1]}, in ${f[2]}`, W + `    ${f[3]}`];
  const frames: Frame[] = opts.frames ?? [
    ["worker/worker_base.py", 82, "start_worker_execution_loop", "output = self.execute_model(execute_model_req=None)"],
    ["worker/worker_base.py", 327, "execute_model", "output = self.model_runner.execute_model("],
    ["worker/model_runner.py", 1698, "execute_model", "hidden_or_intermediate_states = model_executable("],
  ];
  return v0Served("0.6.3", "acme/chat-7b", [
    ...(opts.old
      ? [W + `Exception in worker VllmWorkerProcess while processing method ${method}: ${words}, Traceback (most recent call last):`] // 7
      : [W + `Exception in worker VllmWorkerProcess while processing method ${method}.`, W + "Traceback (most recent call last):"]), // 7, 8
    ...frame(["executor/multiproc_worker_utils.py", 223, "_run_worker_process", "output = executor(*args, **kwargs)"]),
    ...frames.flatMap(frame),
    W + exc, // 17 (16 in 0.5's layout)
  ]);
}
/** A V0 server of that version and model that started and served, then the worker's records, then the driver's engine loop failing */
function v0Served(version: string, model: string, worker: string[]): string[] {
  return [
    `INFO 03-02 11:10:00 api_server.py:495] vLLM API server version ${version}`,
    `INFO 03-02 11:10:00 llm_engine.py:237] Initializing an LLM engine (v${version}) with config: model='${model}', speculative_config=None, tokenizer='${model}', tensor_parallel_size=2, pipeline_parallel_size=1`,
    "INFO 03-02 11:11:10 distributed_gpu_executor.py:57] # GPU blocks: 12000, # CPU blocks: 4096",
    "INFO:     Application startup complete.",
    'INFO:     10.0.0.9:51234 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
    "INFO 03-02 11:20:00 metrics.py:349] Avg prompt throughput: 120.0 tokens/s, Avg generation throughput: 80.0 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 2.1%, CPU KV cache usage: 0.0%.",
    ...worker,
    "ERROR 03-02 11:20:31 async_llm_engine.py:64] Engine background task failed",
    "CRITICAL 03-02 11:20:31 launcher.py:99] AsyncLLMEngine is already dead, terminating server process",
    'INFO:     10.0.0.9:51240 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error',
  ];
}
/** The invalid case of a V0 log whose worker raised in a model step, the driver's engine dying after it (lines 17, 7, 18, 19) */
function diedServing(name: string, log: string[], versionAndModel: string, said: string, who: string) {
  return {
    name,
    log: log.join("\n") + "\n",
    findings: [{
      severity: "error" as const,
      lines: [17, 7, 18, 19],
      remediation: [
        `report it at https://github.com/vllm-project/vllm/issues with ${versionAndModel}, the serve command, the request that triggered it and this worker's whole traceback.`,
        "serve without it, or try a newer vLLM release",
        "Restart the server",
      ],
    }],
    check: (r: Report) => {
      expect(deadMessage(r)).toBe(`${said} The engine then died: every request fails from here on (500s, AsyncEngineDeadError) until the server restarts.`);
      expect(r.verdict.startsWith("Failed (vllm/engine-dead"), r.verdict).toBe(true);
      expect(r.verdict).toContain(`: A worker (${who}) raised IndexError`);
      expect(r.findings.map((f) => f.ruleId)).not.toContain("vllm/engine-init-failed");
    },
  };
}
/** The invalid case of that log's worker records alone (lines 7–17), behind kubectl --timestamps and CRLF line ends */
function recordsAlone(name: string, log: string[], message: string, who: string) {
  return {
    name,
    log: kubectl(log.slice(6, 17)),
    findings: [{ severity: "error" as const, lines: [11, 1], remediation: ["with the vLLM version (`vllm --version`), the model, the serve command"] }],
    check: (r: Report) => {
      expect(deadMessage(r)).toBe(message);
      expect(r.verdict).toContain(`Failed (vllm/engine-dead): A worker (${who}) raised IndexError`);
      expect(r.findings.find((f) => f.ruleId === "vllm/engine-dead")!.evidence[0].text).not.toContain("\r");
    },
  };
}
/** The quiet case of a worker failing in determine_num_available_blocks through those frames, behind kubectl --timestamps and CRLF */
function inStartUp(name: string, log: typeof v0Log, frames: Frame[]) {
  return { name, log: kubectl(log("ValueError: too many values to unpack (expected 2)", { method: "determine_num_available_blocks", frames }).slice(1, 17)) };
}
const V0_DIES = " V0's engine gets it back from the worker (or, for a tensor-parallel worker's step loop, waits for it in the step's collectives until they time out) and its loop dies: every request fails from here on (500s, AsyncEngineDeadError) until the server restarts.";
const V0_SAID = "A worker (VllmWorkerProcess pid=4412) raised IndexError: index 8192 is out of bounds for dimension 0 with size 8192 (run.log:17) in start_worker_execution_loop while running the model for a request, after the engine had started (not at start-up).";

// A V0 server on the Ray executor (pipeline parallel across nodes) whose Ray worker raised in a model step, in the layout
// vLLM prints (written for these tests): vllm/worker/worker_base.py execute_method's `Error executing method
// 'execute_model'. This might cause deadlock in distributed execution.` (0.7 on; `... method execute_model. ...` before)
// and its traceback under the actor's `(RayWorkerWrapper pid=N, ip=A)` prefix, then the driver's engine loop failing.
function rayLog(exc: string, opts: { method?: string; old?: boolean; frames?: Frame[] } = {}): string[] {
  const method = opts.method ?? "execute_model";
  const W = opts.old
    ? "(RayWorkerWrapper pid=3312, ip=10.20.1.4) ERROR 03-02 11:20:31 worker_base.py:382] "
    : "(RayWorkerWrapper pid=3312, ip=10.20.1.4) ERROR 03-02 11:20:31 [worker_base.py:620] ";
  const frame = (f: Frame) => [W + `  File "${V0_SITE}vllm/${f[0]}", line ${f[1]}, in ${f[2]}`, W + `    ${f[3]}`];
  const frames: Frame[] = opts.frames ?? [
    ["worker/worker_base.py", 420, "execute_model", "output = self.model_runner.execute_model("],
    ["worker/model_runner.py", 1770, "execute_model", "hidden_or_intermediate_states = model_executable("],
  ];
  return v0Served("0.7.3", "acme/chat-70b", [
    W + `Error executing method ${opts.old ? method : `'${method}'`}. This might cause deadlock in distributed execution.`, // 7
    W + "Traceback (most recent call last):", // 8
    ...(opts.old
      ? frame(["worker/worker_base.py", 374, "execute_method", "return executor(*args, **kwargs)"])
      : [...frame(["worker/worker_base.py", 612, "execute_method", "return run_method(self, method, args, kwargs)"]), ...frame(["utils.py", 2216, "run_method", "return func(*args, **kwargs)"])]),
    ...frames.flatMap(frame),
    W + exc, // 17 (15 in the old layout)
  ]);
}
const RAY_DIES = " The Ray executor's driver gets it back from the worker's remote call (a RayTaskError) and the engine's loop dies (or, for a tensor-parallel worker's step loop, the driver waits for it in the step's collectives until they time out): every request fails from here on (500s, AsyncEngineDeadError) until the server restarts.";
const RAY_SAID = "A worker (RayWorkerWrapper pid=3312, ip=10.20.1.4) raised IndexError: index 8192 is out of bounds for dimension 0 with size 8192 (run.log:17) in execute_model while running the model for a request, after the engine had started (not at start-up).";

ruleTester("vllm/engine-dead", {
  valid: [
    // V0's start-up calls go through the same loop: determine_num_available_blocks failing is engine-init-failed's
    inStartUp("V0: a worker's exception in determine_num_available_blocks (start-up), CRLF behind kubectl stamps", v0Log, [
      ["worker/worker.py", 223, "determine_num_available_blocks", "self.model_runner.profile_run()"],
      ["worker/model_runner.py", 1310, "profile_run", "self.execute_model(model_input, kv_caches, intermediate_tensors)"],
      ["worker/model_runner.py", 1698, "execute_model", "hidden_or_intermediate_states = model_executable("],
    ]),
    {
      // the method alone tells start-up here: the paste stops in the worker loop's own frame, and the front end's error
      // after it reports the engine that never started
      name: "V0: determine_num_available_blocks's records cut in _run_worker_process, then AsyncEngineDeadError",
      log: [...v0Log(INDEX, { method: "determine_num_available_blocks" }).slice(6, 10), "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop is not running. If it was running, inspect the output to find the stacktrace of the error that caused the background loop to stop (AsyncEngineDeadError)."].join("\n") + "\n",
    },
    {
      // a LoRA adapter a worker could not load fails that call only: the engine hands the error back and serves on
      name: "V0: a served server whose worker raised in add_lora, the engine not shown dying",
      log: [
        ...v0Log("KeyError: 'base_model.model.lm_head'", { method: "add_lora", frames: [["worker/worker.py", 380, "add_lora", "return self.model_runner.add_lora(lora_request)"]] }).slice(0, 13),
        'INFO:     10.0.0.9:51250 - "POST /v1/load_lora_adapter HTTP/1.1" 400 Bad Request',
        "INFO 03-02 11:20:40 metrics.py:349] Avg prompt throughput: 100.0 tokens/s, Avg generation throughput: 70.0 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 1.9%, CPU KV cache usage: 0.0%.",
      ].join("\n") + "\n",
    },
    // the Ray workers run the engine's start-up calls through the same execute_method: a failure there is engine-init-failed's
    inStartUp("Ray: a worker's exception in determine_num_available_blocks (start-up), CRLF behind kubectl stamps", rayLog, [
      ["worker/worker.py", 229, "determine_num_available_blocks", "self.model_runner.profile_run()"],
      ["worker/model_runner.py", 1243, "profile_run", "self._dummy_run(max_num_batched_tokens, max_num_seqs)"],
    ]),
  ],
  invalid: [
    diedServing("V0: a worker's IndexError in start_worker_execution_loop after start-up: the worker, the method, the exception and its line", v0Log(INDEX), "vLLM 0.6.3, the model (acme/chat-7b)", V0_SAID, "VllmWorkerProcess pid=4412"),
    recordsAlone("V0: the worker's records alone, behind kubectl --timestamps and CRLF line ends", v0Log(INDEX), `${V0_SAID.replace("run.log:17", "run.log:11")}${V0_DIES}`, "VllmWorkerProcess pid=4412"),
    {
      name: "V0 0.5's one-line record, the paste cut before the exception line: the record's words name it",
      log: v0Log(INDEX, { old: true }).slice(6, 11).join("\n") + "\n",
      findings: [{ lines: [1] }],
      check: (r) => expect(deadMessage(r)).toMatch(/^A worker \(VllmWorkerProcess pid=4412\) raised index 8192 is out of bounds for dimension 0 with size 8192 \(run\.log:1\) in start_worker_execution_loop while running the model for a request, after the engine had started \(not at start-up\)\. V0's engine gets it back/),
    },
    {
      name: "V0: a cut paste of a pipeline stage's execute_model names the method and says the exception line is missing",
      log: v0Log(INDEX, { method: "execute_model", frames: [["worker/worker_base.py", 327, "execute_model", "output = self.model_runner.execute_model("]] }).slice(6, 11).join("\n") + "\n",
      findings: [{ lines: [1, 2], remediation: ["Find the worker's exception line: the rest of VllmWorkerProcess pid=4412's traceback after these lines (the last line of the ERROR records of multiproc_worker_utils.py)"] }],
      check: (r) => expect(deadMessage(r)).toBe(`A worker (VllmWorkerProcess pid=4412) hit an exception (run.log:1) in execute_model while running the model for a request, after the engine had started (not at start-up); the excerpt stops before its exception line, which names the cause.${V0_DIES}`),
    },
    {
      name: "V0: a worker's CUDA out of memory in its step loop: vllm/cuda-oom stays the verdict, its fix named",
      log: v0Log("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of 79.19 GiB of which 1.02 GiB is free.").join("\n") + "\n",
      findings: [{ messageIncludes: "A worker (VllmWorkerProcess pid=4412) raised torch.OutOfMemoryError: CUDA out of memory.", remediation: ["The worker ran out of GPU memory on a step: vllm/cuda-oom has the fix"] }],
      check: (r) => expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-oom, which explains vllm\/engine-dead/),
    },
    diedServing("Ray: a worker's IndexError in execute_model after start-up: the worker with its ip, the method, the exception and its line", rayLog(INDEX), "vLLM 0.7.3, the model (acme/chat-70b)", RAY_SAID, "RayWorkerWrapper pid=3312, ip=10.20.1.4"),
    recordsAlone("Ray: the worker's records alone, behind kubectl --timestamps and CRLF line ends", rayLog(INDEX), `${RAY_SAID.replace("run.log:17", "run.log:11")}${RAY_DIES}`, "RayWorkerWrapper pid=3312, ip=10.20.1.4"),
    {
      name: "Ray, the unquoted method of 0.4–0.6: a cut paste of start_worker_execution_loop names the method and points at worker_base.py's records",
      log: kubectl(rayLog(INDEX, { old: true, method: "start_worker_execution_loop", frames: [["worker/worker_base.py", 67, "start_worker_execution_loop", "output = self.execute_model(execute_model_req=None)"]] }).slice(6, 11)),
      findings: [{ lines: [1, 2], remediation: ["Find the worker's exception line: the rest of RayWorkerWrapper pid=3312, ip=10.20.1.4's traceback after these lines (the last line of the ERROR records of worker_base.py)"] }],
      check: (r) => expect(deadMessage(r)).toBe(`A worker (RayWorkerWrapper pid=3312, ip=10.20.1.4) hit an exception (run.log:1) in start_worker_execution_loop while running the model for a request, after the engine had started (not at start-up); the excerpt stops before its exception line, which names the cause.${RAY_DIES}`),
    },
    {
      name: "Ray: a worker's CUDA error in execute_model: vllm/cuda-error's fix named",
      log: rayLog("RuntimeError: CUDA error: an illegal memory access was encountered").join("\n") + "\n",
      findings: [{ messageIncludes: "A worker (RayWorkerWrapper pid=3312, ip=10.20.1.4) raised RuntimeError: CUDA error: an illegal memory access was encountered", remediation: ["The worker's exception is a CUDA error: vllm/cuda-error has the fix"] }],
    },
  ],
});
