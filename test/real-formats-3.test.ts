import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a second round of real pastes (NCCL multi-node set-ups, Ray/verl timeouts, NCCL ≤2.3 and 2.5–2.12
 * output) that the corpus does not hold. Every log text here is written for the test, in the format's shape, under
 * several wrappers, and the facts checked are exact.
 */

describe("a connection record hard-wrapped right after `via`", () => {
  // a terminal copy pads each record to its width and glues several on a line; the width falls after `via`
  const pad = (s: string) => s.padEnd(150, " ");
  it("reads the kind from the next line (padded, glued records; IBext plugin, GDRDMA)", async () => {
    const text = [
      pad("gpu-a:101:201 [0] NCCL INFO Channel 00/0 : 8[0] -> 0[0] [receive] via NET/IBext/0/GDRDMA") +
        pad("gpu-a:102:202 [1] NCCL INFO Channel 00/0 : 1[1] -> 9[1] [send] via NET/IBext/1/GDRDMA") +
        "gpu-a:103:203 [2] NCCL INFO Channel 01/0 : 10[2] -> 2[2] [receive] via",
      pad(" NET/IBext/2/GDRDMA") + "gpu-a:104:204 [3] NCCL INFO Channel 01/0 : 3[3] -> 11[3] [send] via NET/IBext/3/GDRDMA",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(4);
    expect(r.facts.nccl.ranks).toBe(8);
    expect(r.facts.nccl.gdr).toBe(true);
    expect(ids(r, "error")).toEqual([]);
  });

  it("under an mpirun tag, with the kind alone on the next line (P2P/IPC/read, SHM, the 2.5 `direct shared memory`)", async () => {
    const text = [
      "[1,0]<stdout>:node1:11:21 [0] NCCL INFO Channel 00 : 0[3d000] -> 1[3e000] via",
      "P2P/IPC/read",
      "[1,1]<stdout>:node1:12:22 [1] NCCL INFO Channel 00 : 1[3e000] -> 2[b1000] via",
      "SHM/direct/direct",
      "[1,2]<stdout>:node1:13:23 [2] NCCL INFO Ring 00 : 2[b1000] -> 3[b2000] via",
      "direct shared memory",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(1);
    expect(r.facts.nccl.transports.SHM).toBe(2);
  });

  it("does not take a line that is not a kind, nor one two lines below, for the rest of the record", async () => {
    const text = [
      "node1:11:21 [0] NCCL INFO Channel 00 : 0[3d000] -> 1[3e000] via",
      "NET has been slow today",
      "node1:11:21 [0] NCCL INFO Channel 01 : 0[3d000] -> 1[3e000] via",
      "",
      "NET/Socket/0",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(Object.values(r.facts.nccl.transports).reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe("NCCL ≤2.3's bare `rank N nranks M` init line", () => {
  it("counts the ranks it names (with the later `comm 0x… rank N nranks M`)", async () => {
    const text = [
      "gpu2:600:600 [0] NCCL INFO Using internal Network Socket",
      "NCCL version 2.3.7+cuda9.0",
      "gpu2:600:600 [0] NCCL INFO rank 0 nranks 8",
      "gpu2:601:601 [1] NCCL INFO rank 1 nranks 8",
      "gpu2:602:602 [2] NCCL INFO rank 2 nranks 8",
      "gpu2:601:700 [1] NCCL INFO comm 0x7f1300000000 rank 1 nranks 8",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.version).toBe("2.3.7");
    expect(r.facts.nccl.net).toBe("Socket");
  });

  it("under a Ray worker prefix too, and not from a sentence that only mentions a rank", async () => {
    const text = [
      "(RayWorkerVllm pid=51) node7:51:51 [0] NCCL INFO rank 4 nranks 8",
      "(RayWorkerVllm pid=52) node7:52:52 [1] NCCL INFO rank 5 nranks 8",
      "node7:52:52 [1] NCCL INFO the rank 6 nranks 8 layout was chosen",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.ranks).toBe(2);
  });
});

describe("graph/search.cc `Could not find a path for pattern N, falling back to simple order`", () => {
  it("is a benign WARN (2.5–2.12): first WARN, but no error and no failure finding", async () => {
    const text = [
      "box:404:404 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.",
      "box:404:404 [0] NCCL INFO Using network Socket",
      "NCCL version 2.8.4+cuda11.2",
      "",
      "box:404:456 [0] graph/search.cc:765 NCCL WARN Could not find a path for pattern 4, falling back to simple order",
      "",
      "[1,1]<stdout>:box:405:457 [1] graph/search.cc:765 NCCL WARN Could not find a path for pattern 3, falling back to simple order",
      "box:404:456 [0] NCCL INFO Channel 00/02 :    0   1",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.firstWarn?.line).toBe(5);
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });

  it("stays a failure in the 2.4 form that returns ncclInternalError", async () => {
    const text = "box:404:456 [0] graph/search.cc:700 NCCL WARN Could not find a path for pattern 4\n";
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r, "error").length).toBeGreaterThan(0);
  });
});

describe("a PyTorch watchdog timeout line cut after `Watchdog caught collective`", () => {
  const cut = "[rank62]:[E809 14:59:33.656957424 ProcessGroupNCCL.cpp:629] [Rank 62] Watchdog caught collective oper";
  for (const [name, line] of [
    ["bare", cut],
    ["under a Ray actor with ip", `(WorkerDict pid=833, ip=172.26.1.2) ${cut}`],
    ["cut right after `collective`", "(RayWorkerWrapper pid=9) [rank1]:[E ProcessGroupNCCL.cpp:563] [Rank 1] Watchdog caught collective"],
  ] as const)
    it(`is still a collective timeout (${name})`, async () => {
      const r = await analyzeText(`(WorkerDict pid=833, ip=172.26.1.2) /usr/lib/x86_64-linux-gnu/libc.so.6(+0x94ac3) [0x14c05d3fdac3]\n${line}\n`);
      expect(ids(r)).toContain("nccl/collective-timeout");
      expect(r.facts.firstError?.line).toBe(2);
    });

  it("is not read from a sentence that goes on after `collective`", async () => {
    const r = await analyzeText("INFO 01-01 00:00:00 [x.py:1] Watchdog caught collective behaviour changes in the last release notes\n");
    expect(ids(r)).not.toContain("nccl/collective-timeout");
  });
});

describe("a flattened paste (every record of a traceback on one line, indentation gone)", () => {
  const flat = (head: string) =>
    [
      `Traceback (most recent call last): ${head} File "/venv/lib/python3.12/site-packages/vllm/worker/worker_base.py", line 40, in execute_method ${head} return run_method(self, method, args, kwargs) ${head} File "/venv/lib/python3.12/site-packages/vllm/utils.py", line 2196, in run_method ${head} return func(*args, **kwargs)`,
      ` ${head} ValueError: No available memory for the cache blocks. Try increasing \`gpu_memory_utilization\` when initializing the engine.`,
      "",
    ].join("\n");
  for (const [name, head] of [
    ["≤0.7 header", "(VllmWorkerProcess pid=52) ERROR 03-05 07:15:39 multiproc_worker_utils.py:240]"],
    ["≥0.8 header with a v1 path", "ERROR 11-04 18:02:56 [v1/executor/multiproc_executor.py:597]"],
  ] as const)
    it(`reads a frame's code line as part of the traceback, the exception as the first error (${name})`, async () => {
      const r = await analyzeText(flat(head));
      expect(r.facts.firstError?.line).toBe(2);
    });

  it("the code line after a frame cut before the first header (`…, line 139, in **init** ERROR …`) too", async () => {
    const text =
      'l/lib/python3.12/site-packages/vllm/distributed/pynccl.py", line 139, in **init** ERROR 11-04 18:02:56 [v1/executor/multiproc_executor.py:597] self.all_reduce(data) ERROR 11-04 18:02:56 [v1/executor/multiproc_executor.py:597] RuntimeError: NCCL error: invalid usage\n';
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.firstError?.text).toContain("RuntimeError: NCCL error");
  });

  it("an unindented message after an exception is still an error", async () => {
    const h = "ERROR 01-02 03:04:05 [core.py:1]";
    const r = await analyzeText(`${h} EngineCore failed to start. ${h} Traceback (most recent call last):\n`);
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });
});

describe("an NCCL record glued after a vLLM record on one line", () => {
  it("is split off: the vLLM error is read, and the NCCL record too", async () => {
    const text = [
      "INFO 11-04 18:02:50 [pynccl.py:70] vLLM is using nccl==2.26.2",
      "(Worker_TP1 pid=213) ERROR 11-04 18:02:56 [multiproc_executor.py:597] RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details) gpu-7:213:213 [1] NCCL INFO cudaDriverVersion 12080 gpu-7:213:213 [1] NCCL INFO Using network Socket",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.firstError?.text.startsWith("(Worker_TP1 pid=213) ERROR")).toBe(true);
    expect(r.facts.nccl.nodes).toBe(1);
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("leaves a kubectl stamp or a Ray prefix before an NCCL record alone", async () => {
    const text = [
      "2024-10-23T19:30:56.633819710Z pod-a:273:273 [3] NCCL INFO Using network Socket",
      "(RayWorkerWrapper pid=9, ip=10.0.0.2) pod-b:9:9 [0] NCCL INFO Using network Socket",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.net).toBe("Socket");
  });
});

describe("NCCL <2.5: `NET/Socket : Using` names the data network only when IB is unavailable", () => {
  const head = ["NCCL version 2.4.8+cuda10.1", "node-a:5359:5359 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.1.2<0> [1]docker0:172.17.0.1<0>"];
  it("a missing verbs library (WARN Failed to open libibverbs.so) says Socket", async () => {
    const r = await analyzeText([...head, "", "node-a:5359:5359 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]", ""].join("\n"));
    expect(r.facts.nccl.net).toBe("Socket");
    expect(r.facts.firstError).toBeNull();
  });
  it("under an mpirun tag too", async () => {
    const r = await analyzeText(["[1,0]<stdout>:" + head[1], "[1,0]<stdout>:node-a:5359:5359 [0] misc/ibvwrap.cu:63 NCCL WARN Failed to open libibverbs.so[.1]", "[1,0]<stdout>:" + head[0], ""].join("\n"));
    expect(r.facts.nccl.net).toBe("Socket");
  });
  it("without it the line may be the bootstrap interface of an IB run: no network is claimed", async () => {
    const r = await analyzeText([...head, ""].join("\n"));
    expect(r.facts.nccl.net).toBeNull();
  });
});

describe("Google Cloud Logging's copy/download format (`SEVERITY TIMESTAMP [field: value] message`)", () => {
  const gcp = (sev: string, ts: string, fields: string, msg: string) => `${sev} ${ts}${fields} ${msg}`;
  for (const [name, fields] of [
    ["with a container summary field", " [resource.labels.containerName: vllm]"],
    ["with two summary fields", " [resource.labels.podName: vllm-0] [labels.k8s-pod/app: vllm]"],
    ["with none", ""],
  ] as const)
    it(`peels it and reads the vLLM record inside (${name})`, async () => {
      const text = [
        gcp("INFO", "2025-11-19T20:16:36.096625454Z", fields, "(EngineCore_DP0 pid=270) ERROR 11-19 12:16:36 [v1/engine/core.py:842] Traceback (most recent call last):"),
        gcp("ERROR", "2025-11-19T20:16:36.096638074Z", fields, "(EngineCore_DP0 pid=270) ERROR 11-19 12:16:36 [v1/engine/core.py:842] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.47 GiB."),
        "",
      ].join("\n");
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.vllm.engine).toBe("v1");
      expect(ids(r)).toContain("vllm/cuda-oom");
    });
});

describe("a traceback's code lines whose indentation a log viewer took", () => {
  const h = "(EngineCore_DP0 pid=270) ERROR 11-19 12:16:36 [v1/engine/core.py:842]";
  it("assignment, return, raise, await, call and block lines are structure; the exception is the first error", async () => {
    const text = [
      `${h} logits_sort, logits_idx = logits.sort(dim=-1, descending=False)`,
      `${h} self.x[0] += f(y)`,
      `${h} return self._call_impl(*args, **kwargs)`,
      `${h} raise RuntimeError(f"NCCL error: {error_str}")`,
      `${h} await engine_core.get_output_async()`,
      `${h} self.run()`,
      `${h} with torch.cuda.graph(cudagraph, pool=self.graph_pool):`,
      `${h} torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.47 GiB.`,
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(8);
  });
  it("a sentence is still an error, lowercase or not", async () => {
    for (const msg of ["model loading failed: no such file", "EngineCore failed to start.", "error(s) occurred while loading", "check(x) failed", "max_tokens = 100 is too large", "return code 1 from worker 3"]) {
      const r = await analyzeText(`${h} ${msg}\n`);
      expect(r.facts.firstError?.line, msg).toBe(1);
    }
  });
});

describe("a launch argument vector printed as a Python list (pprint: one item a line)", () => {
  it("reads `['serve', model, --flag, value, ...]` under a Ray actor prefix, with underscore flags", async () => {
    const items = ["'/mnt/w/Qwen2.5-32B',", "'--max_model_len',", "'131072',", "'--gpu_memory_utilization',", "'0.8',", "'--tensor_parallel_size',", "'2']"];
    const text = ["(vLLMHttpServer pid=61) ['serve',", ...items.map((i) => `(vLLMHttpServer pid=61)  ${i}`), ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.config.model).toBe("/mnt/w/Qwen2.5-32B");
    expect(r.facts.config.maxModelLen).toBe(131072);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.8);
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });
  it("bare (after a vLLM line), with double quotes and hyphen flags", async () => {
    const text = ["INFO 05-26 03:09:13 [__init__.py:243] Automatically detected platform cuda.", '["serve",', ' "meta-llama/Llama-3.1-8B",', ' "--tensor-parallel-size",', ' "4"]', ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-8B");
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });
});

describe("LMCache's records inside vLLM's processes", () => {
  it("an LMCache ERROR is an error record, a WARNING a warning (current format, under V1 prefixes and journald)", async () => {
    const text = [
      "(EngineCore_DP0 pid=21) INFO 10-08 06:08:17 [core.py:218] init engine (profile, create kv cache, warmup model) took 13.90 seconds",
      "(EngineCore_DP0 pid=21) [2025-12-19 02:07:16,164] LMCache WARNING: The cache block is in the storage, but it can't be retrieved (cache_engine.py:1473:lmcache.v1.cache_engine)",
      "(EngineCore_DP0 pid=21) [2025-12-19 02:07:16,164] LMCache INFO: Retrieved 0 out of 256 required tokens (cache_engine.py:703:lmcache.v1.cache_engine)",
      "Dec 19 02:07:16 gpu-a bash[21]: (EngineCore_DP0 pid=21) [2025-12-19 02:07:16,165] LMCache ERROR: Num retrieved tokens: 0, num expected tokens: 16 (vllm_v1_adapter.py:1038:lmcache.integration.vllm.vllm_v1_adapter)",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(4);
  });
  it("with the stamp's `[` eaten by the paste, under a V1 worker prefix", async () => {
    const text = [
      "[2025-06-21 20:59:57,672] LMCache INFO: Reqid: chatcmpl-1, Total tokens 263, LMCache hit tokens: 256, need to load: 256 (vllm_v1_adapter.py:812:lmcache.integration.vllm.vllm_v1_adapter)",
      "(VllmWorker rank=4 engine_index=0 pid=31778)2025-06-21 20:59:57,675] LMCache ERROR:Num retrieved tokens: 0, num expected tokens: 253 (vllm_v1_adapter.py:558:lmcache.integration.vllm.vllm_v1_adapter)",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.vllm.engine).toBe("v1");
  });
  it("lmcache-vllm 0.6's `LEVEL LMCache: msg [stamp] -- path`", async () => {
    const text = [
      "INFO 11-19 20:08:40 api_server.py:585] vLLM API server version 0.6.3.post1",
      "INFO LMCache: Stored/updated 1 chunks, total time 0.00s [2024-11-19 20:08:43,749] -- /envs/lmcache/cache_engine.py:311",
      "ERROR LMCache: Failed to connect to remote backend [2024-11-19 20:08:44,001] -- /envs/lmcache/storage_backend/remote_backend.py:90",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(3);
  });
});
