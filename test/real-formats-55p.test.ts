import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fifth round of real logs: disaggregated prefill/decode with a KV connector (NixlConnector
 * under Dynamo, MooncakeConnector and vllm-ascend's hybrid one, P2pNcclConnector, LMCacheConnectorV1, llm-d's prefill
 * pods, UCX's own INFO lines). One thing the tool got wrong: a traceback that ended in P2pNcclConnector's own code
 * (`KeyError: 'http_port'` read from kv_connector_extra_config in p2p_nccl_engine.py) was taken for a failure inside
 * NCCL, because the connector's file names hold `nccl`, and nccl/error reported it. vLLM's KV-transfer code
 * (vllm/distributed/kv_transfer/) now counts as vLLM's, not NCCL's; a traceback that goes on into pynccl or torch's
 * ProcessGroupNCCL still counts as NCCL's. The rest is what the round's logs showed and the tool already read. Every
 * log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T20:02:11.804512337Z ${l}`],
  ["docker compose", (l) => `decode-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=5120, ip=10.40.2.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);
const ncclIds = (r: Report) => ids(r).filter((id) => id.startsWith("nccl/"));

const SITE = "/usr/local/lib/python3.12/dist-packages";
const core = (msg: string) => `(EngineCore_DP0 pid=4117) ERROR 11-02 09:14:27 [core.py:708] ${msg}`;

describe("a traceback that ends in a KV connector's own code is not an NCCL failure", () => {
  const head = [
    core("EngineCore failed to start."),
    core("Traceback (most recent call last):"),
    core(`  File "${SITE}/vllm/distributed/kv_transfer/kv_connector/factory.py", line 64, in create_connector`),
    core("    return connector_cls(config, role)"),
    core(`  File "${SITE}/vllm/distributed/kv_transfer/kv_connector/v1/p2p/p2p_nccl_connector.py", line 79, in __init__`),
    core("    self.p2p_nccl_engine = P2pNcclEngine("),
  ];

  it("P2pNcclConnector reading a missing kv_connector_extra_config key: no nccl/* finding", async () => {
    const lines = [
      ...head,
      core(`  File "${SITE}/vllm/distributed/kv_transfer/kv_connector/v1/p2p/p2p_nccl_engine.py", line 97, in __init__`),
      core(`    port = int(self.config.kv_connector_extra_config["proxy_port"])`),
      core("KeyError: 'proxy_port'"),
    ];
    await eachWrap(lines, (r, at) => {
      expect(ncclIds(r), at).toEqual([]);
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.firstError?.line, at).toBe(1);
      const t = r.facts.tracebacks?.list?.[0];
      expect(t?.errorType, at).toBe("KeyError");
      expect(t?.libraries.nccl, at).toBeUndefined();
    });
  });

  it("the excerpt cut inside the connector (no error line): still not NCCL's", async () => {
    const lines = [
      ...head.slice(1),
      core(`  File "${SITE}/vllm/distributed/kv_transfer/kv_connector/v1/p2p/p2p_nccl_engine.py", line 97, in __init__`),
    ];
    await eachWrap(lines, (r, at) => {
      expect(ncclIds(r), at).toEqual([]);
    });
  });

  it("V0's PyNcclPipe (kv_pipe/pynccl_pipe.py) failing on its own configuration: not NCCL's", async () => {
    const lines = [
      "ERROR 03-11 10:02:41 [engine.py:400] Traceback (most recent call last):",
      `ERROR 03-11 10:02:41 [engine.py:400]   File "${SITE}/vllm/distributed/kv_transfer/kv_pipe/pynccl_pipe.py", line 71, in __init__`,
      "ERROR 03-11 10:02:41 [engine.py:400]     self.device = self._select_device(device)",
      `ERROR 03-11 10:02:41 [engine.py:400]   File "${SITE}/vllm/distributed/kv_transfer/kv_pipe/pynccl_pipe.py", line 96, in _select_device`,
      "ERROR 03-11 10:02:41 [engine.py:400]     raise ValueError(f\"Unsupported kv_buffer_device: {device}\")",
      "ERROR 03-11 10:02:41 [engine.py:400] ValueError: Unsupported kv_buffer_device: npu",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ncclIds(r), at).toEqual([]);
      expect(r.facts.tracebacks?.list?.[0]?.libraries.nccl, at).toBeUndefined();
    });
  });

  it("near miss: the connector's traceback goes on into pynccl's wrapper and stops there: NCCL set-up (the wrapper's frame only), nccl/error", async () => {
    const lines = [
      ...head.slice(1),
      core(`  File "${SITE}/vllm/distributed/kv_transfer/kv_connector/v1/p2p/p2p_nccl_engine.py", line 188, in create_connect`),
      core("    comm: ncclComm_t = self.nccl.ncclCommInitRank(2, unique_id, rank)"),
      core(`  File "${SITE}/vllm/distributed/device_communicators/pynccl_wrapper.py", line 331, in ncclCommInitRank`),
      core("    self.NCCL_CHECK(self._funcs[\"ncclCommInitRank\"](ctypes.byref(comm), world_size, unique_id, rank))"),
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toContain("nccl/error");
      expect(finding(r, "nccl/error")!.message, at).toBe("A traceback ends inside NCCL set-up (ncclCommInitRank), and the excerpt stops before the error text.");
      expect(r.facts.tracebacks?.list?.[0]?.libraries.nccl, at).toEqual(["ncclCommInitRank"]);
    });
  });

  it("near miss: torch's ProcessGroupNCCL under a connector frame still counts as NCCL's", async () => {
    const lines = [
      "[rank0]: Traceback (most recent call last):",
      `[rank0]:   File "${SITE}/vllm/distributed/kv_transfer/kv_connector/v1/p2p/p2p_nccl_engine.py", line 240, in send_tensor`,
      "[rank0]:     dist.barrier(group=self.group)",
      `[rank0]:   File "${SITE}/torch/distributed/distributed_c10d.py", line 4551, in barrier`,
      "[rank0]:     work = group.barrier(opts=opts)",
      "[rank0]: torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3356, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.26.2",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ncclIds(r).length, at).toBeGreaterThan(0);
    });
  });
});

describe("KV transfer failures the tool already read", () => {
  it("Mooncake's glog ERROR records, then the connector's `Mooncake transfer failed`: the glog line is the first error", async () => {
    const lines = [
      "E20260214 03:11:09.418220  6021 ascend_direct_transport.cpp:820] Failed to connect to target: 10.8.1.22:25112, status: 103900",
      "E20260214 03:11:09.418251  6021 ascend_direct_transport.cpp:581] Failed to connect to segment: 10.8.1.22:16020",
      "(Worker_DP0_TP3 pid=8812) ERROR 02-14 03:11:09 [mooncake_connector.py:412] Mooncake transfer failed for request cmpl-5e0c8a41-77d2-4f05-9c1e-3b0a9d2e6f11-0",
      "(Worker_DP0_TP3 pid=8812) ERROR 02-14 03:11:09 [mooncake_connector.py:330] Failed to transfer KV cache for request cmpl-5e0c8a41-77d2-4f05-9c1e-3b0a9d2e6f11-0: Mooncake transfer failed, ret: -1",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/kv-transfer-failed"]);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.firstError?.text, at).toContain("Failed to connect to target: 10.8.1.22:25112");
      expect(finding(r, "vllm/kv-transfer-failed")!.message, at).toContain("Mooncake");
    });
  });

  it("a NIXL handshake_setup_failed record logged with its traceback (Dynamo's venv)", async () => {
    const w = (m: string) => `(Worker_TP1_EP1 pid=902) ERROR 06-03 11:40:02 [nixl_connector.py:1270] ${m}`;
    const lines = [
      w("NIXL transfer failure: handshake_setup_failed | Context: {'failure_type': 'handshake_setup_failed', 'request_id': None, 'engine_id': '3f1d2c4b-0a9e-4d61-8b7c-5e2f1a0d9c33', 'remote_engine_id': '9a0c7e15-2b4d-4f8a-a1c3-6d5e4f3b2a10'}"),
      w("Traceback (most recent call last):"),
      w('  File "/opt/dynamo/venv/lib/python3.12/site-packages/vllm/distributed/kv_transfer/kv_connector/v1/nixl_connector.py", line 1268, in done_callback'),
      w("    self._remote_agents[eid] = f.result()"),
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/kv-transfer-failed"]);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(finding(r, "vllm/kv-transfer-failed")!.message, at).toContain("handshake with the remote engine could not be set up");
    });
  });

  it("the engine id mismatch hard-wrapped inside the id", async () => {
    const lines = [
      "(Worker_DP1_EP1 pid=7731) ERROR 09-22 14:05:31 [nixl_connector.py:815] RuntimeError: Remote NIXL agent engine ID mismatch. Expected 5d2e8b10-4c3a",
      "-4e7f-9a12-0b6c3d8e1f25_dp1,received 7c1a9f02-3e5d-4b8c-8d21-9f0e6a4b3c57_dp1.",
      "(Worker_DP1_EP1 pid=7731) ERROR 09-22 14:05:31 [nixl_connector.py:827] Handshake failed for request chatcmpl",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/kv-transfer-failed"]);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(finding(r, "vllm/kv-transfer-failed")!.message, at).toContain("engine ID mismatch");
    });
  });
});

describe("a prefill pod's memory profiling under a log collector's pod and container prefix", () => {
  const pod = "pd-demo-modelservice-prefill-7c9d6b5f48-x2lqp vllm (APIServer pid=1) (EngineCore_DP0 pid=71)";
  it("utilization, weights and available KV cache memory are read; UCX's INFO lines add nothing", async () => {
    const lines = [
      `${pod} DEBUG 03-02 08:41:17 [v1/worker/gpu_worker.py:335] Initial free memory: 78.61 GiB; Requested memory: 0.85 (util), 67.32 GiB`,
      `${pod} DEBUG 03-02 08:41:17 [v1/worker/gpu_worker.py:347] Memory profiling takes 21.07 seconds. Total non KV cache memory: 18.40GiB; torch peak memory increase: 2.91GiB; non-torch forward increase memory: 0.22GiB; weights memory: 15.27GiB.`,
      `${pod} INFO 03-02 08:41:17 [v1/worker/gpu_worker.py:348] Available KV cache memory: 48.92 GiB`,
      "[1772441001.204113] [gpu-node-3:4410:0]      ucp_worker.c:1903 UCX  INFO    ucp_context_0 intra-node cfg#2 rma(cuda_ipc/cuda) am(sysv/memory cuda_ipc/cuda)",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(r.facts.config.gpuMemoryUtilization, at).toBeCloseTo(0.85, 5);
      expect(r.facts.memory.modelWeightsGiB, at).toBeCloseTo(15.27, 2);
      expect(r.facts.kvCache.availableGiB, at).toBeCloseTo(48.92, 2);
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});
