import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 37x: vLLM on platforms other than CUDA and ROCm (TPU, Gaudi, XPU, Ascend, Neuron, CPU, Jetson). The one miss:
 * a V1 start-up pasted as its tail only, the engine core's own exception (printed by the process with no log level, after
 * `run_engine_core` re-raised it) and then the API server's top-level traceback out of `vllm serve` (`cmd` ->
 * `uvloop.run(run_server(args))` -> the event loop's runner), cut before `Engine core initialization failed`.
 * Every log text here is written for the test in the printed layout, with wrappers the collected file did not have.
 */

const engineCoreExit = (prefix: string) => [
  `${prefix}  File "/opt/vllm/vllm/model_executor/models/mixtral.py", line 412, in forward`,
  `${prefix}    hidden = attn_out + residual`,
  `${prefix}ValueError: operands could not be broadcast together with shapes (8, 128) (16, 128)`,
];

const apiServerEntry = (prefix: string, entry = "/opt/vllm/vllm/entrypoints/cli/serve.py", func = "cmd") => [
  `${prefix}Traceback (most recent call last):`,
  `${prefix}  File "/opt/venv/bin/vllm", line 10, in <module>`,
  `${prefix}    sys.exit(main())`,
  `${prefix}             ^^^^^^`,
  `${prefix}  File "/opt/vllm/vllm/entrypoints/cli/main.py", line 73, in main`,
  `${prefix}    args.dispatch_function(args)`,
  `${prefix}  File "${entry}", line 61, in ${func}`,
  `${prefix}    uvloop.run(run_server(args))`,
  `${prefix}  File "/opt/venv/lib/python3.12/site-packages/uvloop/__init__.py", line 109, in run`,
  `${prefix}    return __asyncio.run(`,
  `${prefix}           ^^^^^^^^^^^^^^`,
  `${prefix}  File "/usr/lib/python3.12/asyncio/runners.py", line 194, in run`,
  `${prefix}    return runner.run(main)`,
];

describe("an engine core's own exception, then the API server's traceback out of `vllm serve`, cut", () => {
  it("is the engine failing to start: the engine core's exception is the root cause", async () => {
    const text = [...engineCoreExit("(EngineCore_DP0 pid=4410) "), ...apiServerEntry("(APIServer pid=4302) "), ""].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")!;
    expect(f.message).toContain("ValueError: operands could not be broadcast together");
    expect(r.facts.firstError?.line).toBe(3);
  });

  it("reads it behind kubectl --timestamps, behind docker compose's service column, and with CRLF line ends", async () => {
    const stamp = (i: number) => `2026-03-04T05:06:${String(10 + i).padStart(2, "0")}.123456789Z `;
    const lines = [...engineCoreExit("(EngineCore_DP0 pid=88) "), ...apiServerEntry("(APIServer pid=1) ")];
    for (const text of [
      lines.map((l, i) => stamp(i) + l).join("\n") + "\n",
      lines.map((l) => "vllm-tpu-1  | " + l).join("\n") + "\n",
      lines.join("\r\n") + "\r\n",
    ]) expect(ids(await analyzeText(text), "error")).toEqual(["vllm/engine-init-failed"]);
  });

  it("reads an unprefixed paste whose engine core names itself in its `Process EngineCore_0:` header, run as `python -m ...api_server`", async () => {
    const text = [
      "Process EngineCore_0:",
      "Traceback (most recent call last):",
      '  File "/usr/lib/python3.11/multiprocessing/process.py", line 314, in _bootstrap',
      "    self.run()",
      ...engineCoreExit(""),
      "Traceback (most recent call last):",
      '  File "/srv/env/lib/python3.11/site-packages/vllm/entrypoints/openai/api_server.py", line 1121, in <module>',
      "    uvloop.run(run_server(args))",
      '  File "/srv/env/lib/python3.11/site-packages/uvloop/__init__.py", line 105, in run',
      "    return runner.run(wrapper())",
      "",
    ].join("\n");
    expect(ids(await analyzeText(text), "error")).toEqual(["vllm/engine-init-failed"]);
  });

  it("stays quiet on the API server's cut traceback alone: the entry's frames say only that the server stopped", async () => {
    const text = ["INFO 03-04 05:06:07 [api_server.py:1800] vLLM API server version 0.11.0", ...apiServerEntry("")].join("\n") + "\n";
    expect(ids(await analyzeText(text), "error")).toEqual([]);
    // vLLM 0.5–0.6's `vllm serve` entry (vllm/scripts.py `serve`), the same
    const old = apiServerEntry("", "/srv/env/lib/python3.10/site-packages/vllm/scripts.py", "serve").join("\n") + "\n";
    expect(ids(await analyzeText(old), "error")).toEqual([]);
  });

  it("does not call it a start-up failure when the server had come up and served, nor when the engine core was interrupted", async () => {
    const served = [
      "(APIServer pid=7) INFO:     Application startup complete.",
      "(APIServer pid=7) INFO 03-04 05:07:00 [loggers.py:127] Engine 000: Avg prompt throughput: 40.0 tokens/s, Avg generation throughput: 12.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.4%, Prefix cache hit rate: 0.0%",
      ...engineCoreExit("(EngineCore_DP0 pid=9) "),
      ...apiServerEntry("(APIServer pid=7) "),
      "",
    ].join("\n");
    expect(ids(await analyzeText(served))).not.toContain("vllm/engine-init-failed");
    const interrupted = [
      "(EngineCore_DP0 pid=9)   File \"/opt/vllm/vllm/v1/engine/core.py\", line 700, in run_busy_loop",
      "(EngineCore_DP0 pid=9)     self._process_input_queue()",
      "(EngineCore_DP0 pid=9) KeyboardInterrupt",
      ...apiServerEntry("(APIServer pid=7) "),
      "",
    ].join("\n");
    expect(ids(await analyzeText(interrupted), "error")).toEqual([]);
  });
});

describe("start-ups in a platform's own words raise no CUDA or NCCL finding", () => {
  it("reads Gaudi's weights line and Ascend's V0 block line, and flags nothing", async () => {
    const hpu = [
      "INFO 02-11 09:00:01 hpu_model_runner.py:791] Loading model weights took in total 14.2 GiB of device memory (14.2 GiB/94.62 GiB used) and 800 MiB of host memory (60.1 GiB/1007 GiB used)",
      "",
    ].join("\n");
    const h = await analyzeText(hpu);
    expect(h.facts.memory.modelWeightsGiB).toBe(14.2);
    expect(h.findings.filter((f) => f.severity !== "info")).toEqual([]);
    const npu = [
      "INFO 05-06 07:08:09 executor_base.py:111] # npu blocks: 2048, # CPU blocks: 512",
      "INFO 05-06 07:08:09 executor_base.py:116] Maximum concurrency for 16384 tokens per request: 2.00x",
      "",
    ].join("\r\n");
    const n = await analyzeText(npu);
    expect([n.facts.kvCache.gpuBlocks, n.facts.kvCache.cpuBlocks, n.facts.kvCache.maxConcurrency]).toEqual([2048, 512, 2]);
    expect(ids(n).filter((id) => id.startsWith("nccl/") || id === "vllm/cuda-oom")).toEqual([]);
  });
});

describe("V0's CPU and OpenVINO executors' block line: the device's own blocks under the CPU's name", () => {
  it("reads `# CPU blocks: N` alone as the KV cache's blocks (no swap count), behind a worker prefix and a Ray actor's", async () => {
    for (const [line, want] of [
      ["INFO 09-10 11:12:13 cpu_executor.py:212] # CPU blocks: 21845", 21845],
      ["(VllmWorkerProcess pid=812) INFO 09-10 11:12:13 openvino_executor.py:93] # CPU blocks: 3276", 3276],
      ["\u001b[36m(RayWorkerWrapper pid=77, ip=10.1.2.3)\u001b[0m INFO 09-10 11:12:13 cpu_executor.py:212] # CPU blocks: 910", 910],
    ] as const) {
      const r = await analyzeText(line + "\n");
      expect([r.facts.kvCache.gpuBlocks, r.facts.kvCache.cpuBlocks, r.facts.vllm.engine]).toEqual([want, null, "v0"]);
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("reads none left as no memory for the KV cache, and keeps the two-part line's swap count", async () => {
    const none = await analyzeText("INFO 09-10 11:12:13 cpu_executor.py:212] # CPU blocks: 0\r\n");
    expect(none.facts.kvCache.gpuBlocks).toBe(0);
    expect(ids(none, "error")).toContain("vllm/no-kv-cache-memory");
    const two = await analyzeText("INFO 09-10 11:12:13 executor_base.py:110] # cpu blocks: 4681, # CPU blocks: 0\n");
    expect([two.facts.kvCache.gpuBlocks, two.facts.kvCache.cpuBlocks]).toEqual([4681, 0]);
  });
});

describe("V0's AsyncLLMEngine recording its background loop's end (`Engine background task failed`)", () => {
  const loop = (prefix: string) => [
    `${prefix}INFO 02-03 04:05:06 async_llm_engine.py:208] Added request cmpl-5d1e2f.`,
    `${prefix}ERROR 02-03 04:05:08 async_llm_engine.py:64] Engine background task failed`,
    `${prefix}ERROR 02-03 04:05:08 async_llm_engine.py:64] Traceback (most recent call last):`,
    `${prefix}ERROR 02-03 04:05:08 async_llm_engine.py:64]   File "/srv/env/lib/python3.10/site-packages/vllm/engine/async_llm_engine.py", line 54, in _log_task_completion`,
    `${prefix}ERROR 02-03 04:05:08 async_llm_engine.py:64]     return_value = task.result()`,
  ];

  it("is the engine dying after it had started, behind a Ray driver's prefix and with CRLF too, not a start-up failure", async () => {
    for (const text of [loop("").join("\n") + "\n", loop("(ServeReplica:default:VLLMDeployment pid=301) ").join("\r\n") + "\r\n"]) {
      const r = await analyzeText(text);
      expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
      expect(r.facts.firstError?.line).toBe(2);
    }
  });

  it("reads the same record in the bracketed 0.8 layout", async () => {
    const r = await analyzeText("ERROR 05-06 07:08:09 [async_llm_engine.py:68] Engine background task failed\n");
    expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
  });
});

describe("a device running out of memory in Gaudi's and Level Zero's words", () => {
  it("reads Gaudi's PT_DEVMEM allocation failure as the HPU's memory running out, inside an engine core's traceback", async () => {
    const text = [
      "(EngineCore_DP0 pid=2201) ERROR 04-05 06:07:08 [core.py:708] EngineCore failed to start.",
      "(EngineCore_DP0 pid=2201) ERROR 04-05 06:07:08 [core.py:708] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=2201) ERROR 04-05 06:07:08 [core.py:708]   File "/opt/vllm_gaudi/v1/worker/hpu_model_runner.py", line 3120, in warmup_model',
      "(EngineCore_DP0 pid=2201) ERROR 04-05 06:07:08 [core.py:708]     self.warmup_graphs(buckets)",
      "(EngineCore_DP0 pid=2201) ERROR 04-05 06:07:08 [core.py:708] RuntimeError: [Rank:0] FATAL ERROR :: MODULE:PT_DEVMEM Allocation failed for size::1073741824 (1024)MB",
      "",
    ].join("\r\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(expect.arrayContaining(["vllm/cuda-oom"]));
    const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom")!;
    expect(oom.message).toContain("HPU ran out of memory");
    expect(oom.message).toContain("an allocation of 1024 MB failed");
    expect(ids(r).filter((id) => id.startsWith("nccl/"))).toEqual([]);
  });

  it("reads Level Zero's out-of-device-memory result as the XPU's, behind kubectl --timestamps; its out-of-resources result is not", async () => {
    const oom = await analyzeText("2026-01-02T03:04:05.000000001Z (EngineCore_DP0 pid=5) ERROR 01-02 03:04:05 [core.py:900] RuntimeError: level_zero backend failed with error: 39 (UR_RESULT_ERROR_OUT_OF_DEVICE_MEMORY)\n");
    expect(ids(oom, "error")).toContain("vllm/cuda-oom");
    expect(oom.findings.find((f) => f.ruleId === "vllm/cuda-oom")!.message).toContain("XPU ran out of memory");
    const other = await analyzeText("RuntimeError: level_zero backend failed with error: 40 (UR_RESULT_ERROR_OUT_OF_RESOURCES)\n");
    expect(ids(other)).not.toContain("vllm/cuda-oom");
  });
});
