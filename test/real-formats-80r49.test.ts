import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachCommonWrap, logText } from "./rules/analyze-text.js";

/**
 * Formats met in round 80r49 (vLLM under Kubernetes and cluster managers: llm-d, AIBrix, KubeRay / Ray Serve, a
 * vGPU device plugin, a Kubeflow PyTorchJob): stern's `<pod> <container> ` prefix in front of nested vLLM process
 * prefixes, a log viewer's paste with the newest line first and a line holding one TAB after every record, Ray's
 * colour codes with the ESC byte and the space both lost (`[36m(RayWorkerWrapper pid=N)[0m `) in front of Ray's C++
 * `E` records, the V1 engine's input dump header as the only line, a Ray Serve replica's `RayTaskError(RuntimeError)`,
 * and NCCL_DEBUG_SUBSYS=ALL proxy chatter whose `-> connection 0x…` and `net.cc:554 Cuda Alloc` look like connection
 * and error-return lines. The tool read every fact and problem of the round at first sight (the one miss was a label),
 * so these cases guard the shapes rather than a fix. Every log text here is written for the test.
 */

describe("stern's pod and container prefix in front of nested vLLM prefixes", () => {
  const pod = "ms-pd-llm-d-modelservice-decode-7f9c5d6b8-q2xkz vllm ";
  const lines = [
    `${pod}(APIServer pid=1) INFO 03-14 09:12:01 [entrypoints/openai/api_server.py:1896] vLLM API server version 0.11.0`,
    `${pod}(APIServer pid=1) (EngineCore_DP0 pid=118) INFO 03-14 09:12:06 [v1/engine/core.py:77] Initializing a V1 LLM engine (v0.11.0) with config: model='org/dense-8b', tokenizer='org/dense-8b', dtype=torch.bfloat16, max_seq_len=16384, tensor_parallel_size=2, pipeline_parallel_size=1, data_parallel_size=1, seed=0`,
    `${pod}(APIServer pid=1) (EngineCore_DP0 pid=118) INFO 03-14 09:12:40 [v1/core/kv_cache_utils.py:1087] GPU KV cache size: 220,416 tokens`,
    `${pod}(APIServer pid=1) (EngineCore_DP0 pid=118) DEBUG 03-14 09:13:02 [distributed/.../v1/nixl_connector.py:303] NIXLConnector get_num_new_matched_tokens: num_computed_tokens=0, kv_transfer_params={'do_remote_decode': False, 'do_remote_prefill': True}`,
    `${pod}(APIServer pid=1) ERROR 03-14 09:13:05 [v1/engine/async_llm.py:480] Traceback (most recent call last):`,
    `${pod}(APIServer pid=1) ERROR 03-14 09:13:05 [v1/engine/async_llm.py:480]   File "/opt/vllm-source/vllm/v1/engine/core_client.py", line 846, in get_output_async`,
    `${pod}(APIServer pid=1) ERROR 03-14 09:13:05 [v1/engine/async_llm.py:480]     raise self._format_exception(outputs) from None`,
    `${pod}(APIServer pid=1) ERROR 03-14 09:13:05 [v1/engine/async_llm.py:480] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.`,
  ];
  it("reads the start-up facts and the engine's death, behind wrappers and CRLF", async () => {
    await eachCommonWrap(lines, (r, at) => {
      expect(r.facts.vllm, at).toEqual({ version: "0.11.0", engine: "v1" });
      expect(r.facts.config.model, at).toBe("org/dense-8b");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.maxModelLen, at).toBe(16384);
      expect(r.facts.kvCache.tokens, at).toBe(220416);
      expect(r.facts.firstError?.line, at).toBe(8);
      expect(ids(r, "error"), at).toEqual(["vllm/engine-dead"]);
    });
  });
});

describe("a log viewer's paste: newest record first, a TAB line after each", () => {
  const rec = [
    "(EngineCore pid=377)   File \"/usr/lib/python3.12/multiprocessing/process.py\", line 314, in _bootstrap",
    "(EngineCore pid=377) Traceback (most recent call last):",
    "(EngineCore pid=377) Process EngineCore:",
    "(EngineCore pid=377) ERROR 06-02 08:41:17 [core.py:1110] Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.",
    "(EngineCore pid=377) ERROR 06-02 08:41:17 [core.py:1110]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py\", line 756, in wait_for_ready",
  ];
  const lines = rec.flatMap((l) => [l, "\t"]);
  it("takes the Exception record (line 7) as the first error and calls it a start-up failure", async () => {
    await eachCommonWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(7);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
    });
  });
});

describe("Ray's colour codes without ESC and without the space, in front of Ray's C++ E records", () => {
  const w = "[36m(RayWorkerWrapper pid=905)[0m ";
  const lines = [
    `${w}    @ ... and at least 500 more frames`,
    `${w}[2025-09-03 07:15:42,118 E 905 905] logging.cc:447: *** SIGSEGV received at time=1756883742 on cpu 21 ***`,
    `${w}[2025-09-03 07:15:42,118 E 905 905] logging.cc:447: PC: @     0x7f3a11c2d0ad  (unknown)  ncclGroupEnd()`,
    `${w}[2025-09-03 07:15:42,119 E 905 905] logging.cc:447:     @     0x7f3a3d173520  (unknown)  (unknown)`,
  ];
  it("names the signal, takes the SIGSEGV record as first error and the Ray backend", async () => {
    await eachCommonWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(ids(r, "error"), at).toEqual(["vllm/fatal-signal"]);
    });
  });
});

describe("the V1 engine's input dump header alone, and a Ray Serve replica's RayTaskError", () => {
  it("reads version and config off the dump header, and the dump as the engine's death", async () => {
    await eachCommonWrap([
      "ERROR 02-11 16:03:27 [dump_input.py:69] Dumping input data for V1 LLM engine (v0.1.dev7123+gabc1234) with config: model='org/small-1b', tokenizer='org/small-1b', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=1, pipeline_parallel_size=1, seed=0, served_model_name=org/small-1b, enable_prefix_cach",
    ], (r, at) => {
      expect(r.facts.vllm, at).toEqual({ version: "0.1.dev7123+gabc1234", engine: "v1" });
      expect(r.facts.config.model, at).toBe("org/small-1b");
      expect(r.facts.config.maxModelLen, at).toBe(8192);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r, "error"), at).toEqual(["vllm/engine-dead"]);
    });
  });
  it("takes `RayTaskError(RuntimeError): ray::ServeReplica…` as the first error and invents no cause", async () => {
    const r = await analyzeText(logText([
      "  File \"/home/ray/anaconda3/lib/python3.11/site-packages/ray/_private/worker.py\", line 871, in get_objects",
      "    raise value.as_instanceof_cause()",
      "ray.exceptions.RayTaskError(RuntimeError): ray::ServeReplica:llm:LLMServer.initialize_and_get_metadata() (pid=2210, ip=10.4.0.17, actor_id=1a2b3c, repr=<ray.serve._private.replica.ServeReplica:llm:LLMServer object at 0x7f00aa11bb22>)",
      "  File \"/home/ray/anaconda3/lib/python3.11/site-packages/ray/serve/_private/replica.py\", line 631, in initialize_and_get_metadata",
      "    raise RuntimeError(traceback.format_exc()) from None",
      "RuntimeError: Traceback (most recent call last):",
    ]));
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("NCCL proxy chatter and a PyTorchJob pod's broken pipe", () => {
  it("counts no rank, connection or error in proxy chatter", async () => {
    await eachCommonWrap([
      "gpu-7:33120:33188 [1] NCCL INFO Connected to proxy localRank 1 -> connection 0x7f2c880065c0",
      "gpu-7:33120:33190 [1] NCCL INFO [Proxy Progress] Device 1 CPU core 12",
      "gpu-7:33120:33189 [1] NCCL INFO transport/net.cc:554 Cuda Alloc Size 268435456 pointer 0x470200000",
      "gpu-7:33120:33189 [1] NCCL INFO Received and initiated operation=SharedInit res=0",
      "gpu-7:33120:33188 [1] NCCL INFO threadThresholds 8/8/64 | 16/8/64 | 512 | 512",
    ], (r, at) => {
      expect(r.facts.nccl.ranks, at).toBeNull();
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(Object.values(r.facts.nccl.transports).every((n) => n === 0), at).toBe(true);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("takes the proxy's `-> 6` as the first error and names the remote exit", async () => {
    await eachCommonWrap([
      "train-llm-worker-1:5120:5302 [2] NCCL INFO proxy.cc:878 -> 6 [Progress Thread]",
      "train-llm-worker-1:5120:5297 [2] NCCL INFO [Service thread] Connection closed by localRank 2",
      "train-llm-worker-1:5120:5199 [2] NCCL INFO comm 0x55d0c10e2c40 rank 6 nranks 8 cudaDev 2 busId 61000 - Abort COMPLETE",
      "[rank6]:[E311 04:22:51.402113562 ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank 6] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
      "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
      "Last error:",
      "socketProgressOpt: Call to recv from 10.20.3.41<51344> failed : Broken pipe",
    ], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.version, at).toBe("2.21.5");
      expect(r.facts.nccl.ranks, at).toBe(1);
      expect(r.facts.nccl.net, at).toBeNull();
      expect(ids(r, "error"), at).toContain("nccl/remote-process-exited");
    });
  });
});
