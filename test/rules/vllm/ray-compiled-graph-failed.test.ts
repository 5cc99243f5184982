import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

const WRAPS: [string, (l: string) => string, string][] = [
  ["bare", (l) => l, "\n"],
  ["CRLF", (l) => l, "\r\n"],
  ["kubectl --timestamps", (l) => `2026-03-02T08:15:03.118273645Z ${l}`, "\n"],
  ["docker compose", (l) => `vllm-head-1  | ${l}`, "\n"],
  ["Ray prefix", (l) => `(EngineCore_DP0 pid=4410) ${l}`, "\n"],
];

// vLLM's engine core on its Ray executor: the driver's read of a step's output timed out (Ray's channel error, then
// the compiled graph's own re-raise naming the timeout in use), and the engine died of it
const TIMEOUT = [
  "INFO 03-02 08:10:02 [ray_distributed_executor.py:579] RAY_CGRAPH_get_timeout is set to 300",
  "ERROR 03-02 08:15:03 [core.py:512] EngineCore encountered a fatal error.",
  "ERROR 03-02 08:15:03 [core.py:512] Traceback (most recent call last):",
  'ERROR 03-02 08:15:03 [core.py:512]   File "/opt/venv/lib/python3.12/site-packages/ray/experimental/channel/common.py", line 312, in _read_list',
  "ERROR 03-02 08:15:03 [core.py:512]     result = c.read(min(remaining_timeout, iteration_timeout))",
  "ERROR 03-02 08:15:03 [core.py:512] ray.exceptions.RayChannelTimeoutError: System error: Timed out waiting for object available to read. ObjectID: 7d1e0a9c3b5f4e2d8a6c0b1f9e3d5a7c2b4f6e8d0100000002e1f505",
  "ERROR 03-02 08:15:03 [core.py:512] ",
  "ERROR 03-02 08:15:03 [core.py:512] The above exception was the direct cause of the following exception:",
  "ERROR 03-02 08:15:03 [core.py:512] ",
  "ERROR 03-02 08:15:03 [core.py:512] Traceback (most recent call last):",
  'ERROR 03-02 08:15:03 [core.py:512]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 503, in run_engine_core',
  "ERROR 03-02 08:15:03 [core.py:512]     engine_core.run_busy_loop()",
  'ERROR 03-02 08:15:03 [core.py:512]   File "/opt/venv/lib/python3.12/site-packages/ray/dag/compiled_dag_node.py", line 2520, in _execute_until',
  "ERROR 03-02 08:15:03 [core.py:512]     raise RayChannelTimeoutError(",
  "ERROR 03-02 08:15:03 [core.py:512] ray.exceptions.RayChannelTimeoutError: If the execution is expected to take a long time, increase RAY_CGRAPH_get_timeout which is currently 300 seconds. Otherwise, this may indicate that the execution is hanging.",
];

// the raylet of one node failing under a channel, and a worker whose write to it then failed
const CLOSED = [
  "(EngineCore_DP0 pid=7731) (RayWorkerWrapper pid=7902) [2026-02-03 10:11:12,345 E 7902 7990] raylet_client.cc:199: Error pushing mutable object: RpcError: RPC Error message: Socket closed; RPC Error details:  rpc_code: 14",
  "(EngineCore_DP0 pid=7731) (raylet, ip=10.4.0.13) [2026-02-03 10:11:12,340 C 5511 5511] (raylet) experimental_mutable_object_provider.cc:153:  An unexpected system state has occurred. You have likely discovered a bug in Ray. Check failed: object_manager_->WriteAcquire(id, 512, nullptr, 0, 1, store) Status not OK: ChannelError: Channel closed. ",
];

type Report = Awaited<ReturnType<typeof analyzeText>>;
const of = (r: Report) => r.findings.filter((f) => f.ruleId === "vllm/ray-compiled-graph-failed");

describe("vllm/ray-compiled-graph-failed (log text in, report out)", () => {
  it("a compiled graph's read timing out in the engine core, under every wrapper: the timeout in use, the cause of the engine's death", async () => {
    for (const [name, wrap, eol] of WRAPS) {
      const r = await analyzeText(TIMEOUT.map(wrap).join(eol) + eol);
      const f = of(r);
      expect(f, name).toHaveLength(1);
      expect(f[0].severity, name).toBe("error");
      expect(f[0].message, name).toBe(
        "A Ray compiled graph timed out: the driver waited RAY_CGRAPH_get_timeout = 300 seconds for a worker's output and none came. One worker was still busy or stuck: a first step that compiles or captures for long, a very long prefill, a collective that hangs between the workers (NCCL across nodes, pipeline-parallel send/recv), or a worker that died without telling the graph. Here vLLM's Ray executor runs every model step as a Ray compiled graph over its worker actors, so the step, and the engine with it, failed.",
      );
      // the two exception lines; the `raise RayChannelTimeoutError(` source line is no evidence
      expect(f[0].evidence.map((e) => e.line), name).toEqual([6, 15]);
      expect(f[0].remediation[1], name).toMatch(/^If a step is legitimately that long .* export RAY_CGRAPH_get_timeout=<seconds>/);
      expect(r.findings.map((x) => [x.ruleId, x.causedBy ?? []]), name).toEqual([
        ["vllm/ray-compiled-graph-failed", []],
        ["vllm/engine-dead", ["vllm/ray-compiled-graph-failed"]],
      ]);
      expect(r.verdict, name).toMatch(/^Failed \(vllm\/ray-compiled-graph-failed, which explains vllm\/engine-dead\): A Ray compiled graph timed out/);
    }
  });

  it("a channel closed under the raylet: the raylet named, Ray's version advice instead of the timeout's", async () => {
    for (const [name, wrap, eol] of WRAPS) {
      const r = await analyzeText(CLOSED.map(wrap).join(eol) + eol);
      const f = of(r);
      expect(f.map((x) => x.severity), name).toEqual(["error"]);
      expect(f[0].message, name).toMatch(/^A Ray compiled graph lost a channel under a running step \(the channel was closed; the raylet's shared-object path between the processes failed with it\): .* The channel error is what the others saw; the first error of a worker or of the raylet is the cause\. Here /);
      expect(f[0].evidence.map((e) => e.line), name).toEqual([1, 2]);
      expect(f[0].remediation.some((x) => x.includes("RAY_CGRAPH_get_timeout")), name).toBe(false);
      expect(f[0].remediation[1], name).toMatch(/^A raylet that stops on `An unexpected system state has occurred`/);
      expect(r.verdict, name).toMatch(/^Failed \(vllm\/ray-compiled-graph-failed\)/);
    }
  });

  it("a channel error that ended a task of another Ray program (no vLLM): named as such", async () => {
    const r = await analyzeText("ray.exceptions.RayTaskError(RayChannelError): ray::train_loop() (pid=81234, ip=10.4.0.12)\n");
    const f = of(r);
    expect(f.map((x) => x.severity)).toEqual(["error"]);
    expect(f[0].message).toMatch(/^A Ray compiled graph lost a channel under a running step \(RayChannelError\): .* Here the graph's step failed\.$/);
  });

  it("stays quiet on vLLM's timeout notice, a handler's source line and an import", async () => {
    const r = await analyzeText(
      [
        "INFO 03-02 08:10:02 [ray_distributed_executor.py:579] RAY_CGRAPH_get_timeout is set to 300",
        "ERROR 03-02 08:15:03 [core.py:512]     except ray.exceptions.RayChannelTimeoutError:",
        "from ray.exceptions import RayChannelError, RayChannelTimeoutError",
        "",
      ].join("\n"),
    );
    expect(of(r)).toEqual([]);
  });
});
