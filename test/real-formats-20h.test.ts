import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Healthy runs and multi-node runs (round 20, helper h): shapes met in real logs of runs that started and served, or
 * initialised and ran, and of multi-node jobs. Every log text here is written for the test in the format's shape
 * (other versions, wrappers, colour residue and CRLF beside it); the facts and findings checked are exact.
 */

describe("a Ray actor of class `Worker` on another node is not vLLM's worker", () => {
  // Ray prints `(Class pid=N, ip=A.B.C.D)` for an actor off the driver's node; a Ray collective test or trainer may
  // name its actor class `Worker`. vLLM's multiprocessing worker prints `(Worker pid=N)` and never an ip.
  const ncclLines = (prefix: (pid: number, ip: string) => string) =>
    [
      `${prefix(3590, "10.48.4.17")}pod-b:3590:3753 [2] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.48.4.17<0>`,
      `${prefix(3590, "10.48.4.17")}pod-b:3590:3753 [2] NCCL INFO Using network IB`,
      `${prefix(3590, "10.48.4.17")}pod-b:3590:3799 [2] NCCL INFO Channel 02/0 : 10[2] -> 2[2] [receive] via NET/IB/2/GDRDMA`,
      `${prefix(4100, "10.48.3.6")}pod-a:4100:4180 [2] NCCL INFO Channel 02/0 : 2[2] -> 10[2] [send] via NET/IB/2/GDRDMA`,
      `${prefix(3590, "10.48.4.17")}  Tensor 0 (originally on cuda:0): tensor([24., 24., 24., 24.])`,
    ];

  it("plain, with ANSI residue and with CRLF: no engine, no executor, the cluster facts all the same", async () => {
    const shapes: [string, (pid: number, ip: string) => string, string][] = [
      ["plain", (pid, ip) => `(Worker pid=${pid}, ip=${ip}) `, "\n"],
      ["ansi residue", (pid, ip) => ` [36m(Worker pid=${pid}, ip=${ip}) [0m `, "\n"],
      ["escape text", (pid, ip) => `ESC[36m(Worker pid=${pid}, ip=${ip})ESC[0m `, "\r\n"],
    ];
    for (const [name, prefix, eol] of shapes) {
      const r = await analyzeText(ncclLines(prefix).join(eol) + eol);
      expect(r.facts.vllm.engine, name).toBeNull();
      expect(r.facts.config.executorBackend, name).toBeNull();
      expect(r.facts.nccl.nodes, name).toBe(2);
      expect(r.facts.nccl.ranks, name).toBe(2);
      expect(r.facts.nccl.net, name).toBe("IB");
      expect(r.facts.nccl.gdr, name).toBe(true);
      expect(r.facts.nccl.ibHcas, name).toEqual(["mlx5_0:1", "mlx5_1:1"]);
      expect(r.facts.nccl.transports["NET/IB/GDRDMA"], name).toBe(2);
      expect(ids(r), name).toEqual([]);
    }
  });

  it("vLLM's own `(Worker pid=N)` still marks a V1 multiprocessing run", async () => {
    const r = await analyzeText(
      [
        "(Worker pid=185) INFO 04-15 13:41:17 [default_loader.py:384] Loading weights took 11.18 seconds",
        "(Worker pid=186) INFO 04-15 13:41:18 [default_loader.py:384] Loading weights took 11.31 seconds",
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.config.executorBackend).toBe("mp");
  });

  it("vLLM's Ray workers beside such a prefix still tell the Ray executor", async () => {
    const r = await analyzeText(
      [
        "INFO 05-11 14:01:51 [ray_distributed_executor.py:176] use_ray_spmd_worker: True",
        "(Worker pid=633, ip=10.244.1.196) INFO 05-11 14:02:00 [__init__.py:239] Automatically detected platform cuda.",
        "(RayWorkerWrapper pid=633, ip=10.244.1.196) INFO 05-11 14:02:09 [parallel_state.py:1004] rank 9 in world size 16 is assigned as DP rank 0, PP rank 1, TP rank 1",
      ].join("\n"),
    );
    expect(r.facts.config.executorBackend).toBe("ray");
  });
});

describe("multi-node NCCL behind launchers, healthy", () => {
  it("srun --label records with `set -x` traces, elisions and aws-ofi-nccl: two nodes, OFI, no rank id, no finding", async () => {
    const r = await analyzeText(
      [
        "+ TORCHRUN_ARGS=('--nproc_per_node=8' '--nnodes=2' '--rdzv_id=41' '--rdzv_backend=c10d' '--rdzv_endpoint=gpu-node-1')",
        "+ declare -a TORCHRUN_ARGS",
        "...",
        "0: 2026-01-10 10:00:01 I [train.py:156] Creating Model",
        "...",
        "1: gpu-node-2:5120:5120 [0] NCCL INFO NCCL version 2.27.3+cuda12.9",
        "1: gpu-node-2:5126:5126 [6] NCCL INFO cudaDriverVersion 12090",
        "0: gpu-node-1:7310:7402 [3] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.16.0",
        "0: gpu-node-1:7310:7402 [3] NCCL INFO NET/OFI Using Libfabric version 2.1",
        "...",
        "0: 2026-01-10 10:01:12 I [train.py:103] Batch 0 Loss: 11.2, Speed: 6.1 samples/sec, lr: 0.000006",
      ].join("\n"),
    );
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.hosts).toEqual(["gpu-node-1", "gpu-node-2"]);
    expect(r.facts.nccl.net).toBe("OFI");
    expect(r.facts.nccl.ranks).toBeNull();
    expect(r.facts.nccl.version).toBe("2.27.3");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });

  it("a timestamp before mpirun's tag, 2.5-era `Ring NN : a[dev] -> b[dev]` lines on one host: ranks from the lines, P2P/IPC", async () => {
    const lines: string[] = [];
    const pairs = [[5, 4, 0, 3], [3, 7, 0, 3], [4, 0, 5, 4], [2, 1, 4, 0], [1, 2, 3, 7], [7, 6, 6, 5], [0, 3, 2, 1], [6, 5, 1, 2]];
    for (const [a, da, b, db] of pairs)
      lines.push(`2021-03-02 11:20:49 [1,0]<stdout>:az-v100-worker-xk2:99${a}:110${a} [${a}] NCCL INFO Ring 07 : ${a}[${da}] -> ${b}[${db}] via P2P/IPC`);
    const r = await analyzeText(lines.join("\n"));
    expect(r.facts.nccl.ranks).toBe(8);
    expect(r.facts.nccl.nodes).toBe(1);
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(8);
    expect(ids(r)).toEqual([]);
  });

  it("a net plugin NCCL does not know (Google's gIB) keeps its name; GPU Direct RDMA is read off its lines", async () => {
    const r = await analyzeText(
      [
        "a4-worker-0:3590:3753 [2] NCCL INFO NET/gIB : Initializing gIB v1.0.6",
        "a4-worker-0:3590:3753 [2] NCCL INFO Initialized NET plugin gIB",
        "a4-worker-0:3590:3758 [7] NCCL INFO NET/gIB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'",
        "a4-worker-0:3590:3799 [2] NCCL INFO Channel 02/0 : 10[2] -> 2[2] [receive] via NET/gIB/2/GDRDMA",
        "a4-worker-1:4590:4799 [2] NCCL INFO Channel 02/0 : 2[2] -> 10[2] [send] via NET/gIB/2/GDRDMA",
        "a4-worker-1:4590:4799 [2] NCCL INFO Channel 02/0 : 2[2] -> 3[3] via P2P/IPC",
      ].join("\n"),
    );
    expect(r.facts.nccl.net).toBe("gIB");
    expect(r.facts.nccl.gdr).toBe(true);
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.transports["NET/gIB/GDRDMA"]).toBe(2);
    expect(r.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(0);
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(1);
    // not a fallback to TCP, not RDMA without GPU Direct
    expect(ids(r)).toEqual([]);
  });
});

describe("TCP socket net plugins and plugins' own device lines", () => {
  // Google's nccl-fastsocket plugin moves data over TCP on several NICs; it prints NCCL's socket transport lines
  // under its own name, and GPU Direct RDMA does not apply to it
  const fastSocket = (eol: string) =>
    [
      "a3-node-0:1200:1200 [0] NCCL INFO NET/FastSocket : Using [0]ibs108:10.0.19.12<0> [1]ibs109:10.0.19.13<0> [2]ibs110:10.0.19.14<0>",
      "a3-node-0:1200:1290 [0] NCCL INFO Channel 00/0 : 8[0] -> 0[0] [receive] via NET/FastSocket/0",
      "a3-node-1:2200:2290 [0] NCCL INFO Channel 00/0 : 8[0] -> 0[0] [send] via NET/FastSocket/1",
      "a3-node-1:2200:2290 [0] NCCL INFO Channel 00/0 : 8[0] -> 9[1] via P2P/CUMEM/read",
    ].join(eol) + eol;

  it("FastSocket between nodes: its name as the network, no GPU Direct RDMA verdict, no finding", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(fastSocket(eol));
      expect(r.facts.nccl.net).toBe("FastSocket");
      expect(r.facts.nccl.gdr).toBeNull();
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.facts.nccl.transports["NET/FastSocket"]).toBe(2);
      expect(ids(r)).toEqual([]);
    }
  });

  it("NCCL's own socket transport still counts as inter-node TCP, and IB without /GDRDMA is still a warning", async () => {
    const socket = await analyzeText(fastSocket("\n").replaceAll("FastSocket", "Socket"));
    expect(socket.facts.nccl.net).toBe("Socket");
    expect(socket.facts.nccl.gdr).toBeNull();
    expect(ids(socket)).toEqual(["nccl/socket-fallback"]);
    const ib = await analyzeText(fastSocket("\n").replace(/NET\/FastSocket : Using .*/, "NET/IB : Using [0]mlx5_0:1/IB ; OOB eth0:10.0.19.2<0>").replaceAll("NET/FastSocket", "NET/IB"));
    expect(ib.facts.nccl.gdr).toBe(false);
    expect(ids(ib)).toEqual(["nccl/gdrdma-disabled"]);
  });

  it("a plugin's device line alone names the network, with or without the host prefix; `NET/Plugin :` lines do not", async () => {
    for (const prefix of ["", "a3-node-0:1200:1200 [0] ", "(RayWorkerWrapper pid=9, ip=10.0.0.2) a3-node-1:9:9 [0] "]) {
      const r = await analyzeText(`${prefix}NCCL INFO NET/FastSocket : Using [0]ibs108:10.0.19.12<0> [1]ibs109:10.0.19.13<0>\n`);
      expect(r.facts.nccl.net, prefix).toBe("FastSocket");
    }
    const gib = await analyzeText("a4-w0:3590:3758 [7] NCCL INFO NET/gIB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'\n");
    expect(gib.facts.nccl.net).toBe("gIB");
    const loader = await analyzeText("host1:11:11 [0] NCCL INFO NET/Plugin : Plugin load returned 2 : libnccl-net.so: cannot open shared object file\n");
    expect(loader.facts.nccl.net).toBeNull();
    // `Using network X` outranks a device line
    const both = await analyzeText("h:1:1 [0] NCCL INFO NET/FastSocket : Using [0]ibs108:10.0.19.12<0>\nh:1:1 [0] NCCL INFO Using network Socket\n");
    expect(both.facts.nccl.net).toBe("Socket");
  });

  it("the same report with the fast path on and off", async () => {
    const text = Array.from({ length: 40 }, () => fastSocket("\n")).join("");
    const run = async (fastPath: boolean) => {
      const part = await analyzeSource(memorySource("fs.log", text), 0, { fastPath, limits: { chunkBytes: 4096 } });
      return JSON.stringify(buildReport(part.state, part.events));
    };
    expect(await run(true)).toBe(await run(false));
  });
});

describe("healthy vLLM servers and engines", () => {
  it("a journald prefix before V0 metrics and uvicorn access lines: the runtime facts, no finding", async () => {
    const r = await analyzeText(
      [
        'Mar 03 10:46:41 gpu-a100-3 vllm[361682]: INFO:     127.0.0.1:58286 - "POST /v1/chat/completions ',
        "Mar 03 10:46:42 gpu-a100-3 vllm[361991]: INFO 03-03 10:46:42 metrics.py:351] Avg prompt throughput: 5902.0 tokens/s, Avg generation throughput: 230.6 tokens/s, Running: 16 reqs, Swapped: 0 reqs, Pending: 11 reqs, GPU KV cache usage: 87.1%, CPU KV cache usage: 0.0%.",
        "Mar 03 10:46:42 gpu-a100-3 vllm[361991]: INFO 03-03 10:46:42 metrics.py:367] Prefix cache hit rate: GPU: 26.68%, CPU: 0.00%",
        'Mar 03 10:46:43 gpu-a100-3 vllm[361682]: INFO:     127.0.0.1:58048 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
      ].join("\n"),
    );
    expect(r.facts.runtime.statsLines).toBe(1);
    expect(r.facts.runtime.running.max).toBe(16);
    expect(r.facts.runtime.waiting.max).toBe(11);
    expect(r.facts.runtime.gpuKvUsagePct.max).toBeCloseTo(87.1, 5);
    expect(ids(r)).toEqual([]);
  });

  it("a Ray actor prefix of an RL framework's generation worker, with Ray's dedup suffix: the KV facts", async () => {
    const r = await analyzeText(
      [
        "(VllmGenerationWorker pid=208401) INFO 02-28 03:56:58 [gpu_worker.py:359] Available KV cache memory: 88.51 GiB",
        "(VllmGenerationWorker pid=208401) WARNING 02-28 03:56:58 [kv_cache_utils.py:979] Add 8 padding layers, may waste at most 15.38% KV cache memory",
        "(VllmGenerationWorker pid=208401) INFO 02-28 03:56:58 [kv_cache_utils.py:1229] GPU KV cache size: 165,712 tokens",
        "(VllmGenerationWorker pid=208401) INFO 02-28 03:56:58 [kv_cache_utils.py:1234] Maximum concurrency for 32,768 tokens per request: 8.45x",
        "(VllmGenerationWorker pid=208404, ip=10.4.28.6) INFO 02-28 03:57:02 [gpu_worker.py:359] Available KV cache memory: 88.51 GiB [repeated 7x across cluster]",
        "Processed prompts:  42%|████▏     | 415/1000 [00:38<00:43, 13.54it/s, est. speed input: 1019.75 toks/s, output: 3198.11 toks/s] [repeated 212x across cluster]",
      ].join("\n"),
    );
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.kvCache.availableGiB).toBeCloseTo(88.51, 5);
    expect(r.facts.kvCache.tokens).toBe(165712);
    expect(r.facts.kvCache.maxConcurrency).toBeCloseTo(8.45, 5);
    expect(r.facts.kvCache.tokensPerRequest).toBe(32768);
    expect(ids(r)).toEqual([]);
  });

  it("an offline run's exit: the engine-core-died ERROR after a clean shutdown is its first error, not a failure", async () => {
    const r = await analyzeText(
      [
        "INFO 05-27 11:40:38 [__init__.py:238] Platform plugin ascend is activated",
        "Prompt: 'The capital of France is', Generated text: ' a city. What is the capital of France? The capital of France is Paris'",
        "",
        "(EngineCore pid=970) INFO 05-12 11:36:00 [core.py:1201] Shutdown initiated (timeout=0)",
        "(EngineCore pid=970) INFO 05-12 11:36:00 [core.py:1224] Shutdown complete",
        "ERROR 05-12 11:36:01 [core_client.py:704] Engine core proc EngineCore died unexpectedly, shutting down client.",
        "sys:1: DeprecationWarning: builtin type swigvarlink has no __module__ attribute",
      ].join("\r\n"),
    );
    expect(r.facts.firstError?.line).toBe(6);
    expect(ids(r)).toEqual([]);
  });

  it("platform probes at DEBUG (`... is not available because: No module named 'libtpu'`) are no finding", async () => {
    const r = await analyzeText(
      [
        "DEBUG 09-23 06:36:34 [platforms/__init__.py:36] Checking if TPU platform is available.",
        "DEBUG 09-23 06:36:34 [platforms/__init__.py:55] TPU platform is not available because: No module named 'libtpu'",
        "DEBUG 09-23 06:36:34 [platforms/__init__.py:126] ROCm platform is not available because: No module named 'amdsmi'",
        "DEBUG 09-23 06:36:34 [platforms/__init__.py:280] Automatically detected platform cuda.",
      ].join("\n"),
    );
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });

  it("a test harness logging the `vllm serve` command it starts: the command's parallel layout", async () => {
    const r = await analyzeText(
      "[2025-12-30 11:01:01] INFO conftest.py:107: Starting server with command: vllm serve org/Model-W8A8 --host 0.0.0.0 --port 8080 --data-parallel-size 2 --tensor-parallel-size 8 --max-model-len 8192 --gpu-memory-utilization 0.9\n",
    );
    expect(r.facts.config.model).toBe("org/Model-W8A8");
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.dataParallelSize).toBe(2);
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
  });
});

describe("a public bootstrap address on a job that is not vLLM's", () => {
  it("names the job's traffic, not vLLM's, and counts the addresses; a vLLM log keeps vLLM's wording", async () => {
    const training = await analyzeText(
      [
        "gpu-a:3120:3120 [0] NCCL INFO Bootstrap : Using enp36s0f1:168.188.129.189<0>",
        "gpu-b:4120:4120 [0] NCCL INFO Bootstrap : Using enp36s0f1:168.188.129.190<0>",
        "gpu-a:3120:3120 [0] NCCL INFO NET/Socket : Using [0]enp36s0f1:168.188.129.189<0>",
      ].join("\n"),
    );
    const t = training.findings.find((f) => f.ruleId === "security/public-address");
    expect(t?.message).toContain("public addresses. The job's distributed traffic (NCCL, torch.distributed) is unencrypted");
    expect(t?.message).not.toContain("vLLM");
    expect(t?.remediation[0]).not.toContain("VLLM_HOST_IP");
    const served = await analyzeText(
      [
        "INFO 07-14 23:06:54 api_server.py:212] vLLM API server version 0.5.1",
        "flow-matic:820398:820398 [0] NCCL INFO Bootstrap : Using eno3:169.229.48.108<0>",
      ].join("\n"),
    );
    const v = served.findings.find((f) => f.ruleId === "security/public-address");
    expect(v?.message).toContain("a public address. vLLM's distributed traffic");
    expect(v?.remediation[0]).toContain("VLLM_HOST_IP");
  });
});

describe("the verdict of a vLLM log that shows only its executor", () => {
  it("says vLLM and the executor, not that nothing was recognised", async () => {
    const r = await analyzeText(
      [
        "(VllmGenerationWorker pid=8926, ip=10.4.1.7) INFO 02-27 17:46:23 [ray_executor.py:538] RAY_CGRAPH_get_timeout is set to 300",
        "(VllmGenerationWorker pid=8926, ip=10.4.1.7) INFO 02-27 17:46:23 [ray_executor.py:605] Using RayPPCommunicator (which wraps vLLM _PP GroupCoordinator) for Ray Compiled Graph communication.",
        "▶ Computing advantages...",
      ].join("\n"),
    );
    expect(r.facts.config.executorBackend).toBe("ray");
    // (a window with no sign the engine came up is no failure, not health)
    expect(r.verdict).toBe("No failure in these 3 lines of a vLLM log, which do not show the engine come up or serve (no KV cache size, server ready or request line): vLLM (ray executor).");
  });
});

describe("XLA's communicator lines (JAX, TensorFlow) name the ranks", () => {
  it("both eras of `Initialized NCCL communicator ... for rank R of N`, behind glog and TensorFlow prefixes", async () => {
    const r = await analyzeText(
      [
        "I0612 10:00:00.123456   4121 nccl_communicator.cc:196] [0] [rank=0] Initialized NCCL communicator for rank 0 of 4 in 12.3ms",
        "2026-06-12 10:00:00.123999: I external/xla/xla/backends/gpu/collectives/nccl_communicator.cc:196] [1] [rank=1] Initialized NCCL communicator for rank 1 of 4 in 12.4ms",
        "[2] [rank=2] Initialized NCCL communicator 0x70ebfc0bdc20 for rank 2 of 4 in 192.514143ms; devices=4:[0,1,2,3]; size(id)=1; fingerprint(id)=1197051945",
        "[0,1] [ranks=0,1] Split 2 NCCL communicators using color 0 and keys [0,1]",
        "[0] [rank=0] Split NCCL communicator 0x70ebfc0bdc20 -> 0x70ea60513490 with color 0 and key 0 in 168.850032ms",
      ].join("\r\n"),
    );
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.nodes).toBeNull();
    expect(ids(r)).toEqual([]);
  });
});
