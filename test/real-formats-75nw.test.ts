import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";

/**
 * Formats found in a round of the newest real reports (vLLM and NCCL issues opened 2026-07 → 2026-12: vLLM 0.25–0.28,
 * NCCL of the GIN era). The tool read every one of them at first sight; these cases keep it so, each behind the
 * collectors people paste from and with CRLF. Every log text here is written for the test in the printed layout (other
 * numbers, hosts and models than the pastes), with near misses that must not match.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-09-14T08:02:17.402118733Z ${l}`],
  ["docker compose", (l: string) => `vllm-serve-1  | ${l}`],
  ["Ray Serve replica", (l: string) => `(ServeReplica:llm:VLLMDeployment pid=5120, ip=10.20.0.9) ${l}`],
] as const;
/** plain text (LF and CRLF) and one collector, a different one per case, to keep the file cheap */
const withWrap = (i: number) => [WRAPS[0], WRAPS[i]] as const;

describe("vLLM 0.2x start-up lines", () => {
  it("reads the KV cache size given by kv_cache_memory_bytes (profiling skipped) as the KV cache memory", async () => {
    const lines = [
      "(EngineCore pid=412) INFO 10-02 07:14:55 [monitor.py:81] Initial profiling/warmup run took 0.21 s",
      "(EngineCore pid=412) INFO 10-02 07:14:56 [gpu_worker.py:481] Initial free memory 77.40 GiB, reserved 36.25 GiB memory for KV Cache as specified by kv_cache_memory_bytes config and skipped memory profiling. This does not respect the gpu_memory_utilization config. Only use kv_cache_memory_bytes config when you want manual control of KV cache memory size.",
    ];
    await eachWrapped(withWrap(1), lines, (r, at) => {
      expect(r.facts.kvCache.availableGiB, at).toBe(36.25);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("near miss: the advice sentence alone names kv_cache_memory_bytes but gives no size", async () => {
    const r = await analyzeText(
      "(EngineCore pid=412) INFO 10-02 07:14:56 [gpu_worker.py:481] Only use kv_cache_memory_bytes config when you want manual control of KV cache memory size.\n",
    );
    expect(r.facts.kvCache.availableGiB).toBeNull();
  });

  it("reads V1's bare `(Worker pid=N)` workers (before they are named Worker_TPn): engine v1, mp executor, world size", async () => {
    const lines = [0, 3, 1, 2].map(
      (rank, i) =>
        `(Worker pid=${70210 + rank}) INFO 11-05 19:40:0${i} [parallel_state.py:1622] world_size=4 rank=${rank} local_rank=${rank} distributed_init_method=tcp://127.0.0.1:41877 backend=nccl`,
    );
    await eachWrapped(withWrap(2), lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.distributed.worldSize, at).toBe(4);
      expect(r.findings, at).toEqual([]);
    });
  });

  it("reads a non-default args dict the paste cut mid-key, and the KV pool lines of 0.2x's kv_cache_utils", async () => {
    const lines = [
      "(APIServer pid=1) INFO 10-11 06:20:41 [api_utils.py:273] non-default args: {'model_tag': '/models/some-org/Coder-32B-FP8', 'host': '0.0.0.0', 'model': '/models/some-org/Coder-32B-FP8', 'dtype': 'bfloat16', 'max_model_len': 98304, 'tensor_parallel_size': 2, 'served_model_name': ['coder'], 'kv_cache_dtype': 'fp8', 'enable_prefix_cach",
      "(Worker_TP1 pid=88) INFO 10-11 06:23:02 [gpu_worker.py:566] Available KV cache memory: 13.42 GiB",
      "(EngineCore pid=71) INFO 10-11 06:23:02 [kv_cache_utils.py:2241] GPU KV cache size: 301,056 tokens",
      "(EngineCore pid=71) INFO 10-11 06:23:02 [kv_cache_utils.py:2242] Maximum concurrency for 98,304 tokens per request: 3.06x",
    ];
    await eachWrapped(WRAPS.slice(0, 3), lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("/models/some-org/Coder-32B-FP8");
      expect(r.facts.config.maxModelLen, at).toBe(98304);
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.kvCache.tokens, at).toBe(301056);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(3.06);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(98304);
      expect(r.facts.kvCache.availableGiB, at).toBe(13.42);
      expect(ids(r), at).not.toContain("vllm/low-concurrency");
    });
  });
});

describe("vLLM 0.2x failures", () => {
  it("`EngineCore failed to start.` after the executor's shutdown warning: engine-init-failed, the ERROR record is the first error", async () => {
    const lines = [
      "(EngineCore pid=2290) WARNING 11-20 03:05:41 [multiproc_executor.py:490] [shutdown] Executor: workers still running after grace period; sending SIGTERM count=1",
      "(EngineCore pid=2290) ERROR 11-20 03:05:42 [core.py:1381] EngineCore failed to start.",
      "(EngineCore pid=2290) ERROR 11-20 03:05:42 [core.py:1381] Traceback (most recent call last):",
      '(EngineCore pid=2290) ERROR 11-20 03:05:42 [core.py:1381]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1340, in run_engine_core',
      "(EngineCore pid=2290) ERROR 11-20 03:05:42 [core.py:1381]     engine_core = EngineCoreProc(*args, engine_index=dp_rank, **kwargs)",
      '(EngineCore pid=2290) ERROR 11-20 03:05:42 [core.py:1381]   File "/opt/venv/lib/python3.12/site-packages/vllm/tracing/otel.py", line 181, in sync_wrapper',
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });

  it("near miss: only traceback frames logged at ERROR (a step's future raising) state no error and no start-up failure", async () => {
    const lines = [
      '(EngineCore pid=910) ERROR 12-01 22:10:09 [core.py:1380]   File "/srv/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 722, in step_with_batch_queue',
      "(EngineCore pid=910) ERROR 12-01 22:10:09 [core.py:1380]     exec_model_fut.result()",
      '(EngineCore pid=910) ERROR 12-01 22:10:09 [core.py:1380]   File "/srv/venv/lib/python3.12/site-packages/vllm/v1/executor/multiproc_executor.py", line 101, in result',
      "(EngineCore pid=910) ERROR 12-01 22:10:09 [core.py:1380]     return super().result()",
      "(EngineCore pid=910) ERROR 12-01 22:10:09 [core.py:1380]            ^^^^^^^^^^^^^^^^",
    ];
    await eachWrapped(withWrap(3), lines, (r, at) => {
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(ids(r), at).not.toContain("vllm/engine-init-failed");
    });
  });

  it("a worker's error whose own message runs over three lines (a C++ check with file:line) is one start-up failure", async () => {
    const lines = [
      "RuntimeError: Worker failed with error 'reshape_and_cache_kernel,",
      "/build/vllm/csrc/cache_kernels.cu:512,",
      "head_size must be 128 for this kv layout'",
    ];
    await eachWrapped(withWrap(2), lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
});

describe("NCCL of the GIN era", () => {
  it("reads the newest IB completion wording behind an outer timestamp, with GitHub's autolinked source file names", async () => {
    const lines = [
      "[2026-10-21 14:02:10] gpu-a07:88120:88199 [3] transport/net_ib/[p2p.cc:783](https://p2p.cc:783/) NCCL WARN NET/IB: ncclIbTest: Got CQE with error (devIndex=1, req=0x7f31dc0a1028, comm=0x7f31dc0a1000 (send), wr_id=0, qp_num=40117)",
      "",
      "[2026-10-21 14:02:10] gpu-a07:88120:88199 [3] transport/net_ib/[p2p.cc:648](https://p2p.cc:648/) NCCL WARN NET/IB: Got completion from peer 172.31.4.18<51320> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_RDMA_WRITE(1) vendor_err=129 localGid ::ffff:172.31.4.17 remoteGids::ffff:172.31.4.18 hca mlx5_3",
      "",
      "[2026-10-21 14:02:11] gpu-a08:90441:90502 [3] transport/net_ib/[p2p.cc:648](https://p2p.cc:648/) NCCL WARN NET/IB: Got completion from peer 172.31.4.17<40001> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_RECV_RDMA_WITH_IMM(129) vendor_err=129 localGid ::ffff:172.31.4.18 remoteGids::ffff:172.31.4.17 hca mlx5_3",
    ];
    await eachWrapped(withWrap(1), lines, (r, at) => {
      expect(ids(r), at).toContain("nccl/ib-error");
      expect(r.findings.find((f) => f.ruleId === "nccl/ib-error")?.message, at).toContain("RETRY_EXC_ERR");
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.ranks, at).toBeNull();
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("reads the GIN/RMA plugin init lines as a clean IB start; a missing optional plugin library is not an error", async () => {
    const lines = [
      "node-b1:5120:5120 [0] NCCL INFO ncclOsDlopen(libnccl-net.so) failed: libnccl-net.so: cannot open shared object file: No such file or directory",
      "node-b1:5120:5120 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so",
      "node-b1:5120:5120 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/IB [1]mlx5_5:1/IB [RO]; OOB bond0:10.44.1.21<0>",
      "node-b1:5120:5120 [0] NCCL INFO Initialized NET plugin IB",
      "node-b1:5120:5120 [0] NCCL INFO Assigned NET plugin IB to comm",
      "node-b1:5120:5120 [0] NCCL INFO ncclOsDlopen(libnccl-gin.so) failed: libnccl-gin.so: cannot open shared object file: No such file or directory",
      "node-b1:5120:5120 [0] NCCL INFO GIN/Plugin: Could not find: libnccl-gin.so",
      "node-b1:5120:5120 [0] NCCL INFO Assigned GIN plugin GIN_IB_GDAKI to comm",
      "node-b1:5120:5120 [0] NCCL INFO Assigned RMA plugin GIN_IB_PROXY to comm",
      "node-b1:5120:5120 [0] NCCL INFO Using network IB",
      "node-b1:5120:5120 [0] NCCL INFO Loaded NVML from libnvidia-ml.so.1",
      "node-b2:7733:7733 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/IB [1]mlx5_5:1/IB [RO]; OOB bond0:10.44.1.22<0>",
    ];
    await eachWrapped(withWrap(2), lines, (r, at) => {
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.ibHcas, at).toEqual(["mlx5_2:1", "mlx5_5:1"]);
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.firstWarn, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
      expect(r.findings.filter((f) => f.severity !== "info"), at).toEqual([]);
    });
  });
});
