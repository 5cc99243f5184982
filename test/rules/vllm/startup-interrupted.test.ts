import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/**
 * The API server's `KeyboardInterrupt: terminated` (a SIGTERM before uvicorn runs) and the kubelet's probe events as
 * `kubectl describe pod` prints them, written for the test.
 */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "vllm/startup-interrupted");
const text = (lines: string[]) => lines.join("\n") + "\n";

const SIGTERM =
  "The API server received SIGTERM (in the newest releases SIGINT too) while it was still starting: vLLM turns a signal that arrives before its HTTP server runs into `KeyboardInterrupt: terminated`, so the model never finished loading. The engine did not fail by itself: something stopped it";
const SENDER =
  "In Kubernetes the sender is usually the kubelet: a startup probe (or a liveness probe without one) that ran out of failures before the server answered /health; also a rollout, an eviction, a scale-down or `kubectl delete`, or `docker stop` outside Kubernetes";
const interrupted = [
  "(APIServer pid=1) INFO 08-14 06:02:10 [api_server.py:1912] vLLM API server version 0.10.2",
  "(APIServer pid=1) INFO 08-14 06:02:31 [weight_utils.py:349] Using model weights format ['*.safetensors']",
  "(APIServer pid=1) Traceback (most recent call last):",
  '(APIServer pid=1)   File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 1860, in signal_handler',
  '(APIServer pid=1)     raise KeyboardInterrupt("terminated")',
  "(APIServer pid=1) KeyboardInterrupt: terminated",
];
const events = (probe: string, said: string) => [
  "Events:",
  "  Type     Reason     Age                  From               Message",
  "  ----     ------     ----                 ----               -------",
  "  Normal   Pulled     9m41s                kubelet            Container image \"vllm/vllm-openai:v0.10.2\" already present on machine",
  `  Warning  Unhealthy  2m12s (x28 over 9m)  kubelet            ${probe[0].toUpperCase()}${probe.slice(1)} probe failed: ${said}`,
  `  Normal   Killing    2m12s (x3 over 8m)   kubelet            Container llm-server failed ${probe} probe, will be restarted`,
];
const REFUSED = 'Get "http://10.8.0.21:8000/health": dial tcp 10.8.0.21:8000: connect: connection refused';

describe("vllm/startup-interrupted", () => {
  it("is an error on `KeyboardInterrupt: terminated`, naming the usual senders", async () => {
    const f = await mine(text(interrupted));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(`${SIGTERM}. ${SENDER}.`);
    expect(f[0].evidence.map((e) => e.line)).toEqual([6]);
    expect(f[0].remediation).toHaveLength(3);
    expect(f[0].remediation[0]).toMatch(/^Give the start-up time to finish: a startupProbe on \/health/);
  });

  it("names the container and the startup probe's last failure when the kubelet's events are pasted with it", async () => {
    const f = await mine(text([...interrupted, "", ...events("startup", REFUSED)]));
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      `${SIGTERM}. The kubelet restarted container llm-server because its startup probe failed failureThreshold times in a row (the probe's last failure: ${REFUSED}): vLLM answers /health only once its engine is up, and downloading the weights, loading them, torch.compile and CUDA graph capture can take many minutes.`,
    );
    expect(f[0].evidence.map((e) => e.line)).toEqual([6, 13, 12]);
  });

  it("tells a probe on the wrong path (404) and an unhealthy engine (500) apart, each with its own first remedy", async () => {
    const notFound = await mine(text(events("startup", "HTTP probe failed with statuscode: 404")));
    expect(notFound.map((x) => x.message)).toEqual([
      "The kubelet restarted container llm-server because its startup probe failed (the probe's last failure: HTTP probe failed with statuscode: 404): the server answered, so it was up, but not on the probe's path; vLLM answers GET /health (and /v1/models) on its --port, so a probe pointed elsewhere fails however long it waits.",
    ]);
    expect(notFound[0].remediation[0]).toMatch(/^Point the probes at vLLM's own endpoint/);
    expect(notFound[0].remediation).toHaveLength(4);
    const unhealthy = await mine(text(events("liveness", "HTTP probe failed with statuscode: 503")));
    expect(unhealthy.map((x) => x.message)).toEqual([
      "The kubelet restarted container llm-server because its liveness probe failed (the probe's last failure: HTTP probe failed with statuscode: 503): the server answered /health with an error, which vLLM does when its engine has died or stopped responding, so the engine's own error earlier in the log is the cause to fix.",
    ]);
    expect(unhealthy[0].remediation[0]).toMatch(/^Find why the engine stopped answering/);
  });

  it("reads a liveness probe failing after the server was ready as a hang, not a slow start", async () => {
    const f = await mine(text([
      "(APIServer pid=1) INFO 08-14 06:09:55 [launcher.py:36] Route: /health, Methods: GET",
      "(APIServer pid=1) INFO:     Started server process [1]",
      "(APIServer pid=1) INFO:     Application startup complete.",
      ...events("liveness", "Get \"http://10.8.0.21:8000/health\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
    ]));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^The kubelet restarted container llm-server because its liveness probe failed after the server had started \(the probe's last failure: Get "http:\/\/10\.8\.0\.21:8000\/health": context deadline exceeded/);
    expect(f[0].message).toContain("): /health stopped answering in time (an engine that hung or died, or a probe timeout too short for a busy server).");
    // the same liveness failure before the server was ready is a start that took too long
    const early = await mine(text(events("liveness", REFUSED)));
    expect(early.map((x) => x.message)).toEqual([
      `The kubelet restarted container llm-server because its liveness probe failed failureThreshold times in a row (the probe's last failure: ${REFUSED}): vLLM answers /health only once its engine is up, and downloading the weights, loading them, torch.compile and CUDA graph capture can take many minutes.`,
    ]);
  });

  it("stays quiet on Ctrl-C, on the raise line alone, and on readiness probes failing while the server starts", async () => {
    expect(await mine(text([
      "(APIServer pid=1) INFO 08-14 06:02:10 [api_server.py:1912] vLLM API server version 0.10.2",
      '(APIServer pid=1)     raise KeyboardInterrupt("terminated")',
      "KeyboardInterrupt",
      "KeyboardInterrupt: terminated by the user at step 3",
      "  Warning  Unhealthy  40s (x9 over 2m)  kubelet  Readiness probe failed: " + REFUSED,
      "  Normal   Killing    12s               kubelet  Stopping container llm-server",
    ]))).toEqual([]);
  });

  it("reads the traceback and the events the same behind kubectl --timestamps", async () => {
    const f = await mine(text([...interrupted, "", ...events("startup", REFUSED)].map((l) => `2026-08-14T06:02:44.918204571Z ${l}`)));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(`${SIGTERM}. The kubelet restarted container llm-server because its startup probe failed failureThreshold times in a row (the probe's last failure: ${REFUSED})`);
    expect(f[0].evidence.map((e) => e.line)).toEqual([6, 13, 12]);
  });
});
