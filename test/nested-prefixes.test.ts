import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped } from "./rules/analyze-text.js";

/**
 * A line under two process prefixes was written by the process the inner one names: Ray's log monitor prefixes what an
 * actor printed, vLLM prefixes what its engine-core process printed (the Ray driver's copy of a worker's line among it).
 * Log text in, the cluster's facts out.
 */
const WRAPS = [
  ["bare", (l: string) => l],
  ["kubectl", (l: string) => `2026-03-05T10:00:01.123456789Z ${l}`],
  ["compose", (l: string) => `vllm-head-1  | ${l}`],
] as const;

describe("nested process prefixes", () => {
  it("a V1 engine core driving Ray workers on two nodes: each worker's lines stand at its own node's address", async () => {
    const lines = [
      "(EngineCore_DP0 pid=2210) INFO 03-05 10:00:01 [core.py:74] Initializing a V1 LLM engine (v0.10.1) with config: model='org/m', tensor_parallel_size=2, pipeline_parallel_size=1, distributed_executor_backend=ray",
      "(EngineCore_DP0 pid=2210) (RayWorkerWrapper pid=3301, ip=10.0.0.2) gpu-b:3301:3301 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.2<0>",
      "(EngineCore_DP0 pid=2210) (RayWorkerWrapper pid=3301, ip=10.0.0.2) gpu-b:3301:3301 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/Socket/0",
      "(EngineCore_DP0 pid=2210) (RayWorkerWrapper pid=3205) gpu-a:3205:3205 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
      "(EngineCore_DP0 pid=2210) (RayWorkerWrapper pid=3205) gpu-a:3205:3205 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.rankMap.map((x) => [x.rank, x.pid, x.host, x.ip]), at).toEqual([
        [0, 3205, "gpu-a", null],
        [1, 3301, "gpu-b", "10.0.0.2"],
      ]);
      expect(n.workerIps, at).toEqual(["10.0.0.2"]);
      expect(n.nodes, at).toBe(2);
      expect(n.interNode, at).toEqual({ "NET/Socket": 2 });
      expect(r.facts.config.executorBackend, at).toBe("ray");
    });
  });

  it("a Ray Serve replica's engine core runs on the replica's node; a worker the Ray driver inside it prints carries its own", async () => {
    const lines = [
      "(ServeReplica:default:VLLMDeployment pid=8812, ip=10.0.3.21) (EngineCore_DP0 pid=335) INFO 05-19 10:13:11 [core.py:74] Initializing a V1 LLM engine (v0.9.2) with config: model='org/m', tensor_parallel_size=2, distributed_executor_backend=ray",
      "(ServeReplica:default:VLLMDeployment pid=8812, ip=10.0.3.21) (EngineCore_DP0 pid=335) (RayWorkerWrapper pid=4410, ip=10.0.3.22) node-2:4410:4410 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/IB/0",
      "(ServeReplica:default:VLLMDeployment pid=8812, ip=10.0.3.21) (EngineCore_DP0 pid=335) (RayWorkerWrapper pid=4301) node-1:4301:4301 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/IB/0",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.rankMap.map((x) => [x.rank, x.pid, x.host, x.ip]), at).toEqual([
        [0, 4301, "node-1", "10.0.3.21"],
        [1, 4410, "node-2", "10.0.3.22"],
      ]);
      expect(n.workerIps, at).toEqual(["10.0.3.21", "10.0.3.22"]);
      expect(n.nodes, at).toBe(2);
    });
  });
});
