import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes seen in a forty-eighth round of real logs (Ray clusters under vLLM: raylet lines, the memory monitor, Ray
 * Serve LLM, KubeRay). One gap: a whole Ray node lost under the job (the GCS marks it dead after missed heartbeats, or
 * its raylet ends unexpectedly) was not reported. Every log text here is written for the test in the printed layout,
 * with wrappers the logs did not all show (kubectl --timestamps, docker compose, coloured prefixes, CRLF).
 */

/** `check` on the report of each variant of `lines` (test/helpers/variants.ts: as is, kubectl, compose, coloured, CRLF). */
async function eachWrap(lines: string[], check: (r: Awaited<ReturnType<typeof analyzeText>>, at: string) => void): Promise<void> {
  for (const [i, text] of variants(lines, { compose: true }).entries()) check(await analyzeText(`${text}\n`), `variant ${i}`);
}

const ids = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.map((f) => f.ruleId);

describe("a Ray node marked dead by the GCS while vLLM starts on the Ray executor", () => {
  const lines = [
    "$ python -m vllm.entrypoints.openai.api_server --model acme/coder-20b --tensor-parallel-size 8",
    "2026-03-04 05:06:07,100\tINFO worker.py:1564 -- Connecting to existing Ray cluster at address: 10.4.0.2:6379...",
    "2026-03-04 05:06:07,110\tINFO worker.py:1740 -- Connected to Ray cluster. View the dashboard at http://127.0.0.1:8265 ",
    "(raylet) The node with node id: 3e5a7c9b1d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b and address: 10.4.0.9 and node name: 10.4.0.9 has been marked dead because the detector has missed too many heartbeats from it. This can happen when a \t(1) raylet crashes unexpectedly (OOM, preempted node, etc.) ",
    "\t(2) raylet has lagging heartbeats due to slow network or busy workload.",
  ];
  it("reports the lost node with its address, and reads TP and the executor", async () => {
    await eachWrap(lines, (r, at) => {
      const f = r.findings.find((x) => x.ruleId === "vllm/ray-worker-died");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("marked a node (10.4.0.9) dead");
      expect(r.facts.config.tensorParallelSize, at).toBe(8);
      expect(r.facts.config.executorBackend, at).toBe("ray");
    });
  });
});

describe("an older Ray's node-removed line and a raylet that ended unexpectedly", () => {
  it("reads the old wording printed through the driver's worker.py", async () => {
    await eachWrap([
      "2023-05-06 07:08:09,010 WARNING worker.py:1866 -- The node with node id 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5 has been marked dead because the detector has missed too many heartbeats from it. This can happen when a raylet crashes unexpectedly or has lagging heartbeats.",
    ], (r, at) => {
      const f = r.findings.find((x) => x.ruleId === "vllm/ray-worker-died");
      expect(f?.message, at).toContain("marked a node dead");
    });
  });
  it("reports a raylet's unexpected end, with a Ray worker prefix before it", async () => {
    await eachWrap([
      "(RayWorkerWrapper pid=812, ip=10.4.0.9) INFO 03-04 05:06:30 [gpu_worker.py:110] Loading weights",
      "(raylet, ip=10.4.0.9) Raylet is terminated. Termination is unexpected. Possible reasons include: (1) SIGKILL by the user or system OOM killer, (2) Invalid memory access from Raylet causing SIGSEGV or SIGBUS, (3) Other termination signals. Last 20 lines of the Raylet logs:",
    ], (r, at) => {
      const f = r.findings.find((x) => x.ruleId === "vllm/ray-worker-died");
      expect(f?.message, at).toContain("A raylet (Ray's per-node agent) ended unexpectedly");
    });
  });
  it("says nothing for a raylet's expected end or a drained node", async () => {
    await eachWrap([
      "(raylet) Raylet is terminated. Termination is expected.",
      "The node with node id: 0a1b2c3d4e5f has been drained and marked dead by the autoscaler.",
    ], (r, at) => {
      expect(ids(r), at).not.toContain("vllm/ray-worker-died");
    });
  });
});

describe("Ray shapes the readers already read right", () => {
  it("a worker killed by the raylet and the memory monitor's summary glued on one line: both reported", async () => {
    await eachWrap([
      "(raylet) A worker died or was killed while executing a task by an unexpected system error. To troubleshoot the problem, check the logs for the dead worker. RayTask ID: ffff01 Worker ID: 9a8b Node ID: 7c6d Worker IP address: 10.4.0.9 Worker port: 10010 Worker PID: 5151 Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file. There are some potential root causes. (1) The process is killed by SIGKILL by OOM killer due to high memory usage. (2) ray stop --force is called. (3) The worker is crashed unexpectedly due to SIGSEGV or other unexpected errors.(raylet) [2026-03-04 05:07:00,123 E 4100 4100] (raylet) node_manager.cc:3219: 3 Workers (tasks / actors) killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: 7c6d, IP: 10.4.0.9) over the last time period.",
    ], (r, at) => {
      expect(ids(r), at).toContain("vllm/ray-worker-died");
      expect(ids(r), at).toContain("vllm/host-oom");
    });
  });
  it("Ray Serve LLM's engine actor dying in its creation task is an engine start-up failure", async () => {
    await eachWrap([
      "ray.exceptions.ActorDiedError: The actor died because of an error raised in its creation task, ray::_EngineBackgroundProcess.__init__() (pid=4242, ip=10.4.0.3, actor_id=aa11bb22cc33, repr=<ray.llm._internal.serve.deployments.llm.vllm.vllm_engine._EngineBackgroundProcess object at 0x7f00aa>)",
    ], (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
});
