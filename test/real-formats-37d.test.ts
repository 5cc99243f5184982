import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Round 37d (disaggregated and distributed serving: NIXL, LMCache, Mooncake and P2pNccl connectors, multi-node data and
 * pipeline parallel): shapes of real pastes the readers missed. The log texts are written for the test in the printed
 * layouts; the facts checked are exact.
 */

/** the log as collectors write it (test/helpers/variants.ts), and behind Ray's worker prefix */
const wrapped = (lines: string[]): string[] => [...variants(lines, { compose: true }), lines.map((l) => `(RayWorkerWrapper pid=4410, ip=10.1.0.5) ${l}`).join("\n")];

const kvFinding = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.find((f) => f.ruleId === "vllm/kv-transfer-failed");

// Mooncake's transfer engine logs through glog: `E<mmdd> hh:mm:ss.uuuuuu <tid> <file>:<line>] <message>`
const MOONCAKE_RDMA = [
  "INFO 03-02 11:20:30 [api_server.py:1880] vLLM API server version 0.7.3",
  "I0302 11:20:31.000100  7712 transfer_engine.cpp:44] Transfer Engine starting. Server: 10.1.0.5:9100, Metadata: 10.1.0.2:2379",
  "E0302 11:20:41.100200  7712 worker_pool.cpp:281] Worker: Process failed for slice (opcode: 1, source_addr: 0x7f00aa000000, length: 2048, dest_addr: 139640000000000, local_nic: mlx5_2, peer_nic: 10.1.0.4:9100@mlx5_3, dest_rkey: 4410, retry_cnt: 0): transport retry counter exceeded",
  "E0302 11:20:45.100200  7712 worker_pool.cpp:281] Worker: Process failed for slice (opcode: 1, source_addr: 0x7f00aa000000, length: 2048, dest_addr: 139640000000000, local_nic: mlx5_2, peer_nic: 10.1.0.4:9100@mlx5_3, dest_rkey: 4410, retry_cnt: 1): transport retry counter exceeded",
];

describe("Mooncake's own glog ERROR records (its transfer engine and store)", () => {
  wrapped(MOONCAKE_RDMA).forEach((text, n) =>
    it(`a transfer engine's failed slice is a KV transfer failure, and no PyTorch line (variant ${n})`, async () => {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(3);
      const f = kvFinding(r);
      expect(f?.severity).toBe("error");
      expect(f?.message).toContain("the Mooncake transfer engine reported: Worker: Process failed for slice");
      expect(f?.message).toContain("(worker_pool.cpp)");
      expect(f?.evidence.map((e) => e.line)).toContain(3);
      expect((r.facts.dialects ?? []).map((d) => d.name)).not.toContain("pytorch");
    }),
  );

  it("reads glog's head with the year (glog 0.7) and a FATAL record of a transport", async () => {
    for (const line of [
      "E20260302 11:20:41.100200  7712 ascend_direct_transport.cpp:812] Failed to connect to target: 10.1.0.4:20110, status: 103901",
      "F0302 11:20:41.100400  7712 rdma_endpoint.cpp:240] Failed to modify QP to RTR, check mtu, gid, peer lid, peer qp num",
      "E0302 11:20:41.100500    88 tcp_transport.cpp:301] TcpTransport::startTransfer encountered an ASIO exception: Connection refused",
    ]) {
      const r = await analyzeText(["INFO 03-02 11:20:30 [api_server.py:1880] vLLM API server version 0.9.2", line].join("\n"));
      expect(ids(r, "error"), line).toEqual(["vllm/kv-transfer-failed"]);
      expect(r.facts.firstError?.line, line).toBe(2);
    }
  });

  it("the store's client failing to mount its segment names the master", async () => {
    const r = await analyzeText([
      "2026-03-02 11:20:41.100100 ERROR    [902] [coro_rpc_client.hpp:978] read rpc body failed, error msg:End of file. close the socket.",
      "E0302 11:20:41.100200   903 master_client.cpp:190] Failed to mount segment due to rpc error",
      "(EngineCore_DP0 pid=44) E0302 11:20:41.100300   903 store_py.cpp:188] Failed to mount segment: RPC_FAIL",
    ].join("\n"));
    const f = kvFinding(r);
    expect(f?.message).toContain("the Mooncake store's client reported: Failed to mount segment due to rpc error (master_client.cpp)");
    expect(f?.remediation.join(" ")).toContain("Mooncake master");
    expect(f?.evidence.map((e) => e.line)).toEqual([2, 3]);
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("a warning or info record of the same sources, and PyTorch's own glog error, are not a transfer failure", async () => {
    const r = await analyzeText([
      "I0302 11:20:31.000100  7712 transfer_engine.cpp:44] Transfer Engine starting. Server: 10.1.0.5:9100",
      "W0302 11:20:41.100200  7712 transfer_metadata.cpp:150] Failed to retrieve segment descriptor, name 10.1.0.4:9100",
      "E0302 11:20:42.100200  7712 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=ALLREDUCE) ran for 600010 milliseconds before timing out.",
    ].join("\n"));
    expect(kvFinding(r)).toBeUndefined();
    expect(ids(r, "error")).toContain("nccl/collective-timeout");
  });
});

describe("V0's MooncakePipe (vllm/distributed/kv_transfer/kv_pipe/mooncake_pipe.py)", () => {
  // the engine's frames, then the exception it raised when the transfer engine's transferSync returned < 0
  const PIPE = [
    "INFO 03-02 11:20:30 api_server.py:712] vLLM API server version 0.7.2",
    'ERROR 03-02 11:20:41 engine.py:141]   File "/usr/local/lib/python3.10/dist-packages/vllm/distributed/kv_transfer/kv_pipe/mooncake_pipe.py", line 190, in recv_bytes',
    "ERROR 03-02 11:20:41 engine.py:141]     self.transfer_sync(dst_ptr, src_ptr, length)",
    "ERROR 03-02 11:20:41 engine.py:141] Exception: Transfer Return Error",
    "INFO:     Shutting down",
  ];
  wrapped(PIPE).forEach((text, n) =>
    it(`the pipe's Transfer Return Error is a KV transfer failure (variant ${n})`, async () => {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(4);
      const f = kvFinding(r);
      expect(f?.message).toContain("returned an error to vLLM's MooncakePipe (`Transfer Return Error`)");
      expect(f?.evidence.map((e) => e.line)).toContain(4);
    }),
  );

  it("reads the return code a later copy adds, and leaves a retry's warning alone", async () => {
    const r = await analyzeText("(VllmWorkerProcess pid=12) ERROR 03-02 11:20:41 mooncake_pipe.py:170] Transfer Return Error: -1");
    expect(kvFinding(r)?.message).toContain("(`Transfer Return Error`, ret -1)");
    const w = await analyzeText("WARNING 03-02 11:20:41 [mooncake_pipe.py:180] Transfer Return Error attempt=1/3 session=10.1.0.4:9100 len=4096");
    expect(kvFinding(w)).toBeUndefined();
  });
});

describe("V1's engine core stepping with a batch queue (pipeline parallel)", () => {
  // a window of the engine core's frames below its busy loop, then the executor's line for the worker that died
  const PP_DIED = [
    "(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720] Traceback (most recent call last):",
    '(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 690, in run_engine_core',
    "(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720]     raise e",
    '(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 351, in step_with_batch_queue',
    "(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720]     model_output = self.execute_model_with_error_logging(",
    '(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 270, in execute_model_with_error_logging',
    "(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720]     return model_fn(scheduler_output)",
    "(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:41 [core.py:720] RuntimeError: CUDA error: an illegal memory access was encountered",
    "(EngineCore_DP0 pid=2710) ERROR 03-02 11:20:42 [multiproc_executor.py:150] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
  ];
  variants(PP_DIED).forEach((text, n) =>
    it(`a worker dying under step_with_batch_queue is the engine dying while serving, not a start-up (variant ${n})`, async () => {
      const r = await analyzeText(text);
      expect(r.facts.tracebacks?.list[0]?.stage).toBe("runtime");
      expect(ids(r, "error")).toContain("vllm/engine-dead");
      expect(ids(r)).not.toContain("vllm/engine-init-failed");
    }),
  );
});

describe("each node's launch command pasted one after the other (multi-node data parallel)", () => {
  const HEAD = "vllm serve Qwen/Qwen3-30B-A3B --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-address 10.1.0.5 --data-parallel-rpc-port 13345 --tensor-parallel-size 2";
  const WORKER = "vllm serve Qwen/Qwen3-30B-A3B --headless --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-start-rank 2 --data-parallel-address 10.1.0.5 --data-parallel-rpc-port 13345 --tensor-parallel-size 2";

  it("the run's sizes come from the commands, the node's own flags only from the first node's command", async () => {
    const r = await analyzeText(["# Node 1 (10.1.0.5)", HEAD, "# Node 2", WORKER].join("\n"));
    const c = r.facts.config;
    expect([c.model, c.tensorParallelSize, c.dataParallelSize, c.dataParallelSizeLocal, c.masterAddr, c.nnodes]).toEqual(["Qwen/Qwen3-30B-A3B", 2, 4, 2, "10.1.0.5", 2]);
    // the second node's --headless and start rank are not the first node's launch
    expect([c.headless, c.dataParallelStartRank, c.nodeRank]).toEqual([null, null, null]);
  });

  it("the worker node's command alone is that node's launch: headless, its start rank and node rank", async () => {
    for (const text of variants(["# Node 2", WORKER])) {
      const c = (await analyzeText(text)).facts.config;
      expect([c.headless, c.dataParallelStartRank, c.nodeRank, c.nnodes]).toEqual([true, 2, 1, 2]);
    }
  });

  it("a flag on a continued line of the first command still counts (argparse keeps its last statement)", async () => {
    const r = await analyzeText([
      "vllm serve Qwen/Qwen3-30B-A3B \\",
      "  --headless \\",
      "  --data-parallel-size 4 --data-parallel-size-local 2 \\",
      "  --data-parallel-start-rank 0 \\",
      "  --data-parallel-start-rank 2",
      "vllm serve Qwen/Qwen3-30B-A3B --data-parallel-size 4 --data-parallel-size-local 2 --data-parallel-start-rank 0",
    ].join("\n"));
    const c = r.facts.config;
    expect([c.headless, c.dataParallelStartRank, c.nodeRank]).toEqual([true, 2, 1]);
  });
});
