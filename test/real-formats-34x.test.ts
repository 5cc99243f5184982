import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 34x (vLLM's newest V1 features: disaggregated prefill over NIXL/UCX, speculative decoding, LoRA): shapes of
 * real pastes the readers missed. The log texts are written for the test in the printed layouts; the facts checked
 * are exact.
 */

const WRAPS: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => `2025-09-02T07:14:0${i % 10}.204118302Z ${l}`).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => `decode-1  | ${l}`).join("\n")],
];

// UCX's record (ucs/debug/log.c): `[sec.usec] [host:pid:thread] file:line UCX  LEVEL message`
const NIXL_DECODE_START = [
  "INFO 09-02 07:14:01 [gpu_worker.py:240] Available KV cache memory: 51.30 GiB",
  "INFO 09-02 07:14:01 [kv_cache_utils.py:720] GPU KV cache size: 420,160 tokens",
  "INFO 09-02 07:14:01 [kv_cache_utils.py:724] Maximum concurrency for 32,768 tokens per request: 12.82x",
  "INFO 09-02 07:14:02 [nixl_connector.py:590] Registering KV_Caches: use_mla: False, num_blocks: 26260",
  "[1756797242.118230] [pd-decode-7c9f:311  :0]    ib_mlx5dv_md.c:1100 UCX  ERROR mlx5_3: ibv_reg_dm(size 8192) failed: Operation not supported",
  "ERROR 09-02 07:14:02 [core.py:590] EngineCore failed to start.",
  "ERROR 09-02 07:14:02 [core.py:590] Traceback (most recent call last):",
  'ERROR 09-02 07:14:02 [core.py:590]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 580, in run_engine_core',
  "ERROR 09-02 07:14:02 [core.py:590]     engine_core = EngineCoreProc(*args, **kwargs)",
].join("\n");

describe("UCX's own log records (the transport NIXL uses)", () => {
  for (const [name, wrap] of WRAPS)
    it(`a UCX ERROR record before the engine's failure is the first error (${name})`, async () => {
      const r = await analyzeText(wrap(NIXL_DECODE_START));
      expect(r.facts.firstError?.line).toBe(5);
      expect(r.facts.kvCache.tokens).toBe(420160);
      expect(r.facts.kvCache.availableGiB).toBe(51.3);
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    });

  it("reads the short form, the stamp or the process part cut off, and a FATAL record", async () => {
    for (const line of [
      "[1756797242.118230]      tcp_ep.c:1244 UCX  ERROR tcp_ep 0x55d1c0 (state=CONNECTED): recv(47) failed: Connection reset by peer",
      "[pd-prefill-0:88   :1]       tcp_ep.c:1244 UCX  ERROR tcp_ep 0x55d1c0: send(12) failed: Broken pipe",
      "      ucp_worker.c:1820 UCX  FATAL failed to create worker: Out of memory",
    ]) {
      const r = await analyzeText(["INFO 09-02 07:14:01 [api_server.py:1880] vLLM API server version 0.10.1", line].join("\n"));
      expect(r.facts.firstError?.line, line).toBe(2);
    }
  });

  it("a UCX record behind an EngineCore prefix with a hard wrap after it is still the first error", async () => {
    const r = await analyzeText([
      "(EngineCore_DP0 pid=610) INFO 09-02 07:14:01 [nixl_connector.py:800] Initializing NIXL worker 5f0e",
      "(EngineCore_DP0 pid=610) [1756797242.502201] [node-b:610  :2]     ib_mlx5_log.c:179  UCX  ERROR Remote access error on mlx5_1:1/RoCE (synd 0x13 vend 0x88 hw",
      "_synd 0/0)",
    ].join("\n"));
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("a UCX WARN or DIAG record is a warning, never the first error", async () => {
    const r = await analyzeText([
      "[1746690000.100200] [gpu-3:4411 :0]     ucp_context.c:1268 UCX  WARN  transports 'cuda_ipc' are not available, please use one or more of: posix, self, tcp",
      "[1746690000.100300] [gpu-3:4411 :0]        uct_iface.c:210  UCX  DIAG  no active ports on mlx5_0",
      "[1746690000.100400] [gpu-3:4411 :0]       parser.c:2036 UCX  INFO  UCX_* env variable: UCX_TLS=tcp",
      "INFO 05-08 00:47:57 [core.py:160] init engine (profile, create kv cache, warmup model) took 21.30 seconds",
    ].join("\n"));
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.firstWarning?.line).toBe(1);
    expect(ids(r, "error")).toEqual([]);
  });

  it("text that mentions UCX ERROR in a sentence is no UCX record", async () => {
    const r = await analyzeText("INFO 05-08 00:47:57 [utils.py:40] grep the log for UCX  ERROR lines to find the failing link");
    expect(r.facts.firstError).toBeNull();
  });
});

// the worker's exception through V1's MultiprocExecutor (collective_rpc's get_response), the API server's traceback after it
const WORKER_FAILED = (error: string) => [
  '(EngineCore_DP0 pid=7021)   File "/usr/lib/python3.12/site-packages/vllm/v1/executor/multiproc_executor.py", line 360, in get_response',
  "(EngineCore_DP0 pid=7021)     raise RuntimeError(",
  `(EngineCore_DP0 pid=7021) RuntimeError: Worker failed with error '${error}', please check the stack trace above for the root cause`,
  "(APIServer pid=6990) Traceback (most recent call last):",
  '(APIServer pid=6990)   File "/usr/bin/vllm", line 8, in <module>',
  "(APIServer pid=6990)     sys.exit(main())",
  '(APIServer pid=6990)   File "/usr/lib/python3.12/site-packages/vllm/entrypoints/cli/main.py", line 73, in main',
  "(APIServer pid=6990)     args.dispatch_function(args)",
  '(APIServer pid=6990)   File "/usr/lib/python3.12/site-packages/vllm/entrypoints/cli/serve.py", line 112, in cmd',
  "(APIServer pid=6990)     uvloop.run(run_server(args))",
].join("\n");

describe("V1's `Worker failed with error '…'` (the executor's report of a worker's exception)", () => {
  for (const [name, wrap] of WRAPS)
    it(`is a start-up failure when nothing shows the engine had started (${name})`, async () => {
      const r = await analyzeText(wrap(WORKER_FAILED("tuple index out of range")));
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line).toBe(3);
    });

  it("the empty message of a worker that raised without one too", async () => {
    const r = await analyzeText(WORKER_FAILED(""));
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });

  it("is no start-up failure after the engine served requests", async () => {
    const r = await analyzeText([
      "(APIServer pid=6990) INFO 10-02 11:00:00 [api_server.py:1900] Starting vLLM API server 0 on http://0.0.0.0:8000",
      "(APIServer pid=6990) INFO 10-02 11:00:10 [loggers.py:123] Engine 000: Avg prompt throughput: 310.2 tokens/s, Avg generation throughput: 42.0 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 4.1%, Prefix cache hit rate: 0.0%",
      "(EngineCore_DP0 pid=7021) ERROR 10-02 11:00:12 [core.py:790] EngineCore encountered a fatal error.",
      "(EngineCore_DP0 pid=7021) RuntimeError: Worker failed with error 'CUDA error: an illegal memory access was encountered', please check the stack trace above for the root cause",
    ].join("\n"));
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("a sentence about workers failing with errors is no such report", async () => {
    const r = await analyzeText("INFO 05-14 10:02:41 [client.py:90] Worker failed with errors in 0 of 12 health checks");
    expect(ids(r)).toEqual([]);
  });
});

describe("KV transfer failures beyond NIXL's own failure records", () => {
  const finding = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.find((f) => f.ruleId === "vllm/kv-transfer-failed");

  for (const [name, wrap] of WRAPS)
    it(`an engine ID mismatch in the handshake points at the side channel host (${name})`, async () => {
      // a terminal wrap inside the expected engine id, then the connector's own line for the request
      const r = await analyzeText(wrap([
        "(Worker_DP0_EP0 pid=4410) ERROR 03-04 12:00:01 [nixl_connector.py:815] RuntimeError: Remote NIXL agent engine ID mismatch. Expected 7a0c11d2-55e1",
        "-4b7e-9f10-6c2d8e0a1b3c_dp0,received 3f9d2b70-0c4a-4e11-8d2e-91a0b7c6d5e4_dp0.",
        "(Worker_DP0_EP0 pid=4410) ERROR 03-04 12:00:01 [nixl_connector.py:827] Handshake failed for request cmpl-51f0",
      ].join("\n")));
      const f = finding(r);
      expect(f?.severity).toBe("error");
      expect(f?.message).toContain("Remote NIXL agent engine ID mismatch");
      expect(f?.remediation[0]).toContain("VLLM_NIXL_SIDE_CHANNEL_HOST on the prefill instance");
      expect(f?.evidence.map((e) => e.line)).toEqual([1, 3]);
    });

  it("a Mooncake connector's failed transfer, its transfer engine's glog lines before it", async () => {
    const r = await analyzeText([
      "E0912 04:11:20.418210  8812 transfer_engine.cpp:611] Failed to connect to target: 10.20.0.7:17002, status: 103900",
      "(Worker_DP0_TP0 pid=8790) ERROR 09-12 04:11:20 [mooncake_connector.py:774] Mooncake transfer failed for request. remote_request_id=cmpl-a81c-0, ret=-1.",
      "(Worker_DP0_TP0 pid=8790) ERROR 09-12 04:11:20 [mooncake_connector.py:330] Failed to transfer KV cache for request cmpl-a81c-0: Mooncake transfer failed, ret: -1",
    ].join("\n"));
    const f = finding(r);
    expect(f?.message).toContain("Mooncake transfer engine could not read the KV blocks from the prefill instance (ret -1)");
    expect(f?.remediation.join(" ")).not.toContain("UCX_TLS");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("UCX's own ERROR record is a transport failure; its WARN record is not", async () => {
    const err = await analyzeText("[1749803291.555759] [lmcache-pod-7d9:7053 :0]          tcp_ep.c:1260 UCX  ERROR tcp_ep 0x3c5 (state=CONNECTED): send(110) failed: Input/output error");
    expect(finding(err)?.message).toContain("UCX, the transport NIXL moves the blocks over, reported: tcp_ep 0x3c5 (state=CONNECTED): send(110) failed");
    const warn = await analyzeText("[1749803291.555759] [lmcache-pod-7d9:7053 :0]     ucp_context.c:1268 UCX  WARN  transports 'cuda_ipc' are not available");
    expect(finding(warn)).toBeUndefined();
  });

  it("another framework's decode handshake and the connectors' start-up lines are no failure", async () => {
    const r = await analyzeText([
      "ERROR 03-04 12:00:01 [decode.py:547] Decode handshake failed for request rank=0 rid=7",
      "INFO 03-04 12:00:01 [mooncake_connector.py:900] Mooncake transfer engine initialized on 10.0.0.5",
      "(EngineCore_DP0 pid=594) WARNING 09-24 16:35:21 [nixl_connector.py:1048] Releasing expired KV blocks for request cmpl-3da2-0 which were retrieved by 0 decode worker(s) within 120 seconds.",
    ].join("\n"));
    expect(finding(r)).toBeUndefined();
  });
});

describe("a traceback through vLLM's torch.compile backend (the start-up's compilation)", () => {
  const FRAMES = (func: string, head = "ERROR 05-27 11:47:57 [core.py:396] ") => [
    `${head}  File "/opt/conda/lib/python3.10/site-packages/vllm/compilation/backends.py", line 264, in ${func}`,
    `${head}    compiled_graph_for_general_shape = self.vllm_backend.compiler_manager.compile(`,
    `${head}  File "/opt/conda/lib/python3.10/site-packages/vllm/compilation/compiler_interface.py", line 318, in compile`,
    `${head}    compiled_graph = compile_fx(`,
    `${head}  File "/opt/conda/lib/python3.10/site-packages/torch/_inductor/compile_fx.py", line 1552, in compile_fx`,
    `${head}    return aot_autograd(`,
  ].join("\n");

  for (const [name, wrap] of WRAPS)
    it(`frames of the piecewise compile alone are a start-up failure (${name})`, async () => {
      const r = await analyzeText(wrap(FRAMES("call_module")));
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError).toBeNull();
    });

  it("behind a worker's prefix too", async () => {
    const r = await analyzeText(FRAMES("call_module", "(VllmWorker rank=1 pid=3310) ERROR 05-27 11:47:57 [multiproc_executor.py:470] "));
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });

  it("the compiled graph called while serving (a step on the stack) is no start-up", async () => {
    const r = await analyzeText([
      "ERROR 05-27 11:47:57 [core.py:400] EngineCore encountered a fatal error.",
      "ERROR 05-27 11:47:57 [core.py:400] Traceback (most recent call last):",
      'ERROR 05-27 11:47:57 [core.py:400]   File "/opt/conda/lib/python3.10/site-packages/vllm/v1/engine/core.py", line 220, in step',
      "ERROR 05-27 11:47:57 [core.py:400]     output = self.model_executor.execute_model(scheduler_output)",
      'ERROR 05-27 11:47:57 [core.py:400]   File "/opt/conda/lib/python3.10/site-packages/vllm/compilation/backends.py", line 610, in __call__',
      "ERROR 05-27 11:47:57 [core.py:400]     return self.compiled_graph_for_general_shape(*args)",
      "ERROR 05-27 11:47:57 [core.py:400] RuntimeError: CUDA error: an illegal memory access was encountered",
    ].join("\n"));
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("a LoRA adapter refused for its rank, reported through V1's executor", () => {
  for (const [name, wrap] of WRAPS)
    it(`is the adapter's rank, not a start-up failure (${name})`, async () => {
      const r = await analyzeText(wrap([
        "(EngineCore_DP0 pid=210) ERROR 11-19 12:54:26 [core.py:710]     raise RuntimeError(",
        "(EngineCore_DP0 pid=210) ERROR 11-19 12:54:26 [core.py:710] RuntimeError: Worker failed with error 'LoRA rank 64 is greater than max_lora_rank 16.', please check the stack trace above for the root cause",
      ].join("\n")));
      expect(ids(r, "error")).toEqual(["vllm/lora-rank-too-large"]);
      expect(r.facts.firstError?.line).toBe(2);
    });
});
