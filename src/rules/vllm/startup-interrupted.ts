import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/startup-interrupted",
  defaultSeverity: "error",
  title: "The server was stopped from outside (SIGTERM, a failed Kubernetes probe) before it was ready",
  tags: ["vllm", "startup", "kubernetes"],
  sources: [
    "vLLM source: vllm/entrypoints/openai/api_server.py (run_server / setup_server: a SIGTERM before uvicorn installs its handlers raises KeyboardInterrupt(\"terminated\"), 'Interrupt server on sigterm while initializing')",
    "vLLM docs: deployment/k8s.md, Troubleshooting: 'Startup Probe or Readiness Probe Failure, container log contains \"KeyboardInterrupt: terminated\"' (raise the probe's failureThreshold)",
    "Kubernetes source: pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions: 'Container %s failed startup|liveness probe', killed and restarted); pkg/kubelet/prober/prober.go ('%s probe failed: %s')",
    "Kubernetes docs: Configure Liveness, Readiness and Startup Probes (a startup probe holds off the liveness probe; failureThreshold × periodSeconds is the time a container gets to start)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const interrupted = signalHits(ctx, ["vllm.startupInterrupted"]);
  const restarted = signalHits(ctx, ["vllm.probeRestart"]);
  if (!interrupted.length && !restarted.length) return [];
  const probes = [...new Set(restarted.map((h) => h.captures.probe).filter((p): p is string => p !== undefined))];
  const container = firstValue(restarted, "container");
  // the prober's own words for the probe that failed (its last check: `connection refused`, a status code, a timeout)
  const failed = signalHits(ctx, ["vllm.probeFailed"]).filter((h) => h.captures.probe?.toLowerCase() !== "readiness");
  const said = lastSaid(failed);
  const ready = ctx.facts.server.ready;
  const parts: string[] = [];
  if (interrupted.length) {
    parts.push(
      "The API server received SIGTERM (in the newest releases SIGINT too) while it was still starting: vLLM turns a signal that arrives before its HTTP server runs into `KeyboardInterrupt: terminated`, so the model never finished loading. The engine did not fail by itself: something stopped it",
    );
  }
  // what the failing check met: a server that answered with a status (it was up) or none (not listening yet, or too slow)
  const status = said ? /statuscode: (\d{3})/.exec(said)?.[1] : undefined;
  const wrongPath = status === "404" || status === "405";
  const unhealthy = status !== undefined && status.startsWith("5");
  if (restarted.length) {
    const which = probes.length ? `${probes.join(" and ")} probe` : "probe";
    const who = container ? `container ${container}` : "the container";
    const why = said ? ` (the probe's last failure: ${said})` : "";
    parts.push(
      wrongPath
        ? `The kubelet restarted ${who} because its ${which} failed${why}: the server answered, so it was up, but not on the probe's path; vLLM answers GET /health (and /v1/models) on its --port, so a probe pointed elsewhere fails however long it waits`
        : unhealthy
          ? `The kubelet restarted ${who} because its ${which} failed${why}: the server answered /health with an error, which vLLM does when its engine has died or stopped responding, so the engine's own error earlier in the log is the cause to fix`
          : probes.length === 1 && probes[0] === "liveness" && ready
            ? `The kubelet restarted ${who} because its liveness probe failed after the server had started${why}: /health stopped answering in time (an engine that hung or died, or a probe timeout too short for a busy server)`
            : `The kubelet restarted ${who} because its ${which} failed failureThreshold times in a row${why}: vLLM answers /health only once its engine is up, and downloading the weights, loading them, torch.compile and CUDA graph capture can take many minutes`,
    );
  } else {
    parts.push(
      "In Kubernetes the sender is usually the kubelet: a startup probe (or a liveness probe without one) that ran out of failures before the server answered /health; also a rollout, an eviction, a scale-down or `kubectl delete`, or `docker stop` outside Kubernetes",
    );
  }
  const remediation: string[] = [];
  if (wrongPath) remediation.push("Point the probes at vLLM's own endpoint: `httpGet` with `path: /health` and the port the server listens on (`--port`, 8000 by default); a path this server does not serve answers 404 for ever.");
  if (unhealthy) remediation.push("Find why the engine stopped answering: the first error before the restarts in this container's previous log (`kubectl logs <pod> --previous`); the probe only reported it.");
  remediation.push(
    "Give the start-up time to finish: a startupProbe on /health with failureThreshold × periodSeconds above the longest start seen (the first start downloads the weights; later ones compile and capture CUDA graphs), and liveness/readiness probes that begin only after it; or measure the start once with the probes removed.",
    "Check who sent the signal: `kubectl describe pod <pod>` (Events: `Startup probe failed`, `Container ... failed startup probe, will be restarted`, Last State: Terminated with exit code 143), `kubectl get events --field-selector involvedObject.name=<pod>`.",
    "Shorten the start if it is too slow: keep the weights on a volume that survives restarts (a PVC or a node-local cache) so they are not downloaded again, keep vLLM's compile cache (~/.cache/vllm) on it too, and leave VLLM_TRACE_FUNCTION unset (it slows everything down).",
  );
  return [{
    message: `${parts.join(". ")}.`,
    evidence: hitEvidence([...interrupted, ...restarted, ...failed.slice(-1)]),
    remediation,
  }];
}

/** What the last failing startup or liveness check said (`HTTP probe failed with statuscode: 500`), clipped. */
function lastSaid(hits: readonly Hit[]): string | undefined {
  const s = hits.map((h) => h.captures.said).filter((v): v is string => v !== undefined).at(-1);
  if (!s) return undefined;
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}

export const rule = defineRule(meta, check);
