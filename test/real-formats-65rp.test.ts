import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixty-fifth round of real logs (theme "rp": vLLM on Ray across nodes, 2024 → 2026): the Ray
 * executor's GPU check printed by V0's MQLLMEngine as a bare ERROR record (no `ValueError:` in front), a raylet's report
 * forwarded into vLLM's engine-core process (which makes that process the Ray driver, so the executor is Ray's), and
 * libmlx5's own report of an error completion (`mlx5: <host>: got completion with error:` and its CQE dump) in a Ray
 * worker's output before PyTorch's remote-process error. Every log text here is written for the test in the printed layout.
 */

const KUBE = (l: string) => `2026-03-02T17:05:44.918204330Z ${l}`;
const text = (lines: string[], wrap: (l: string) => string = (l) => l, eol = "\n") => lines.map(wrap).join(eol) + eol;
const variants = (lines: string[]): [string, string][] => [
  ["plain", text(lines)],
  ["kubectl CRLF", text(lines, KUBE, "\r\n")],
];

describe("the Ray executor's GPU check as V0's MQLLMEngine logs it", () => {
  const lines = [
    "INFO 07-14 10:02:51 __init__.py:183] Automatically detected platform cuda.",
    "ERROR 07-14 10:02:55 engine.py:387] Ray does not allocate any GPUs on the driver node. Consider adjusting the Ray placement group or running the driver on a GPU node.",
    "ERROR 07-14 10:02:55 engine.py:387] Traceback (most recent call last):",
    'ERROR 07-14 10:02:55 engine.py:387]   File "/opt/venv/lib/python3.11/site-packages/vllm/engine/multiprocessing/engine.py", line 378, in run_mp_engine',
    "ERROR 07-14 10:02:55 engine.py:387]     engine = MQLLMEngine.from_engine_args(engine_args=engine_args,",
  ];
  it("reads the executor as Ray and reports the placement problem at the error record", async () => {
    for (const [at, t] of variants(lines)) {
      const r: Report = await analyzeText(t);
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r, "error"), at).toContain("vllm/ray-insufficient-resources");
    }
  });
  it("the older wording of the same check (`Current node has no GPU available`) counts too", async () => {
    const r = await analyzeText(text([
      "ERROR 11-03 08:40:12 engine.py:366] Current node has no GPU available. current_node_resource={'CPU': 32.0, 'memory': 99.5, 'node:10.8.0.3': 1.0}. vLLM engine cannot start without GPU. Make sure you have at least 1 GPU available in a node current_node_id='3f1c' current_ip='10.8.0.3'.",
    ]));
    expect(r.facts.config.executorBackend).toBe("ray");
  });
  it("near miss: an ERROR record that only mentions GPUs says nothing of the executor", async () => {
    const r = await analyzeText(text(["ERROR 07-14 10:02:55 engine.py:387] Not enough GPUs on the driver node for tensor_parallel_size=4."]));
    expect(r.facts.config.executorBackend).toBeNull();
  });
});

describe("a raylet's report inside vLLM's engine-core output", () => {
  const lines = [
    "(EngineCore pid=2207) (raylet) A worker died or was killed while executing a task by an unexpected system error. To troubleshoot the problem, check the logs for the dead worker. Worker IP address: 10.30.4.12 Worker port: 10004 Worker PID: 518 Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file.",
    "(EngineCore pid=2207) ERROR 05-21 03:14:09 [core.py:1011] EngineCore failed to start.",
    "(EngineCore pid=2207) ERROR 05-21 03:14:09 [core.py:1011] Traceback (most recent call last):",
  ];
  it("makes the engine core a Ray driver: the executor is Ray's", async () => {
    for (const [at, t] of variants(lines)) {
      const r = await analyzeText(t);
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r, "error"), at).toEqual(expect.arrayContaining(["vllm/ray-worker-died", "vllm/engine-init-failed"]));
    }
  });
  it("the remote node's tag (`(raylet, ip=...)`) and the autoscaler's count as well", async () => {
    for (const tag of ["(raylet, ip=10.30.4.13)", "(autoscaler +1m12s)"]) {
      const r = await analyzeText(text([`(EngineCore_DP0 pid=88) ${tag} Tip: use \`ray status\` to view detailed cluster status.`]));
      expect(r.facts.config.executorBackend, tag).toBe("ray");
    }
  });
  it("near misses: under the front end, or a parenthesis that is no Ray tag, the executor stays unknown", async () => {
    const front = await analyzeText(text(["(APIServer pid=61) (raylet) A worker died or was killed while executing a task by an unexpected system error."]));
    expect(front.facts.config.executorBackend).toBeNull();
    const prose = await analyzeText(text(["(EngineCore pid=2207) (raylet logs are under /tmp/ray) nothing to report"]));
    expect(prose.facts.config.executorBackend).toBeNull();
  });
});

describe("libmlx5's error-completion dump in a Ray worker's output", () => {
  const lines = [
    "(RayWorkerWrapper pid=40417, ip=10.30.4.13) mlx5: gpu-b12: got completion with error:",
    "(RayWorkerWrapper pid=40417, ip=10.30.4.13) 00000000 00000000 00000000 00000000",
    "(RayWorkerWrapper pid=40417, ip=10.30.4.13) 00000000 00000000 00000000 00000000",
    "(RayWorkerWrapper pid=40417, ip=10.30.4.13) 00000004 00000000 00000000 00000000",
    "(RayWorkerWrapper pid=40417, ip=10.30.4.13) 00000000 00008813 08001c4a 0b39a2d3",
    "(RayWorkerWrapper pid=40417, ip=10.30.4.13) [rank3]:[E302 17:05:49.118230571 ProcessGroupNCCL.cpp:568] [Rank 3] Collective WorkNCCL(SeqNum=9, OpType=ALLREDUCE, NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) raised the following async exception: NCCL error: remote process exited or there was a network error, NCCL version 2.26.2",
  ];
  it("reports an RDMA failure beside the remote-process error, and the first error stays PyTorch's line", async () => {
    for (const [at, t] of variants(lines)) {
      const r = await analyzeText(t);
      expect(ids(r, "error"), at).toEqual(expect.arrayContaining(["nccl/ib-error", "nccl/remote-process-exited"]));
      expect(r.findings.find((f) => f.ruleId === "nccl/ib-error")?.message, at).toContain("libmlx5");
      expect(r.facts.firstError?.line, at).toBe(6);
      expect(r.facts.config.executorBackend, at).toBe("ray");
    }
  });
  it("a provider without the `mlx5: ` tag, and Ray's dedup suffix, still count", async () => {
    const r = await analyzeText(text(["node-17.rack2: got completion with error:", "(RayWorkerWrapper pid=9, ip=10.0.0.2) mlx5: host_unknown: got completion with error: [repeated 2x across cluster]"]));
    expect(ids(r)).toContain("nccl/ib-error");
  });
  it("near miss: the words in prose are no provider's report", async () => {
    const r = await analyzeText(text(["INFO 05-21 03:14:09 [worker.py:88] the probe got completion with error codes cleared"]));
    expect(ids(r)).not.toContain("nccl/ib-error");
  });
});
