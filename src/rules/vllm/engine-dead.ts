import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence, uniqueEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/engine-dead",
  defaultSeverity: "error",
  title: "The vLLM engine died after it had started: requests fail until the server restarts",
  tags: ["vllm", "serving"],
  sources: [
    "vLLM source: vllm/v1/engine/exceptions.py (EngineDeadError), vllm/v1/engine/core_client.py (the engine core process monitor: `Engine core proc … died unexpectedly`), vllm/v1/engine/core.py run_engine_core (`EngineCore encountered a fatal error.`), vllm/logging_utils/dump_input.py",
    "vLLM source: vllm/engine/async_llm_engine.py (AsyncEngineDeadError), vllm/engine/multiprocessing (MQEngineDeadError), vllm/entrypoints/launcher.py",
    "vLLM docs: usage/troubleshooting.md (the root cause is the first traceback)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  // what only a started engine says when it dies: V1's EngineDeadError, the engine core's fatal error and its input dump,
  // V0's AsyncEngineDeadError / MQEngineDeadError and the launcher's `... is already dead`
  // V0's multiprocessing engine's record of the exception that ended its loop (`engine.py:135] IndexError('...')`), which it
  // logs only once the engine was built
  const dead = signalHits(ctx, ["vllm.engineDeadAtRuntime", "vllm.v0EngineDead", "vllm.v0EngineLoopError"]);
  // an engine core or worker dying (`EngineCore hit an exception`, `died unexpectedly`): a death at runtime once the engine
  // had started, or when its traceback shows the engine serving and no start-up (a start-up's is vllm/engine-init-failed's)
  // (or the Ray executor's compiled forward graph, built on the engine's first step, existed: src/rules/vllm/engine-init-failed.ts)
  const started = facts.server.ready || (facts.server.metricsLines ?? 0) > 0 || facts.memory.initEngineSeconds !== null || signalHits(ctx, ["vllm.rayForwardDag"]).length > 0;
  const tb = facts.tracebacks;
  const servingTraceback = (tb?.counts.runtime ?? 0) > 0 && (tb?.counts.init ?? 0) === 0;
  const died = started || servingTraceback ? signalHits(ctx, ["vllm.engineDied"]) : [];
  // the API server's monitor seeing an engine core process vanish: a death while serving when the log shows the server
  // served (stats lines, the ready line) or an engine traceback from serving; an offline script's LLM can print it at
  // interpreter exit after a finished run, where its init timing alone says nothing of a death
  const servedAsServer = facts.server.ready || (facts.server.metricsLines ?? 0) > 0;
  const procDied = servedAsServer || servingTraceback ? signalHits(ctx, ["vllm.engineCoreProcDied"]) : [];
  if (!dead.length && !died.length && !procDied.length) return [];
  // a start-up that failed is told by vllm/engine-init-failed (V0's errors can follow it when a request came in)
  if (!dead.some((h) => h.id === "vllm.engineDeadAtRuntime") && !started && signalHits(ctx, ["vllm.engineInitFailed"]).length) return [];
  const hits = [...dead, ...died, ...procDied];
  // (a cause is another line than the ones that report the death)
  // (V0's loop record is itself the exception: its line names the cause when no traceback shows an earlier one)
  const loopError = hits.find((h) => h.id === "vllm.v0EngineLoopError");
  const cause = tb?.rootCause && !hits.some((h) => h !== loopError && h.ev.line === tb.rootCause!.evidence.line && h.ev.file === tb.rootCause!.evidence.file)
    ? tb.rootCause
    : loopError ? { text: loopError.ev.text, evidence: loopError.ev } : null;
  return [{
    message: cause
      ? `The engine died while serving; every request fails from here on (500s, EngineDeadError) until the server restarts. Root cause in the log: ${clip(cause.text)} (${cause.evidence.file}:${cause.evidence.line}).`
      : procDied.length && !dead.length && !died.length
      ? "The engine core process died while the server was serving, without an error of its own in this log; every request fails from here on until the server restarts. A process that vanishes without a traceback was usually killed (SIGKILL: the host's OOM killer) or crashed in native code."
      : "The engine died while serving; every request fails from here on (500s, EngineDeadError) until the server restarts. This excerpt does not show why: the first traceback of the engine core or of a worker, above these lines, does.",
    evidence: uniqueEvidence([cause?.evidence, ...hitEvidence(hits)]),
    remediation: [
      "Find the first error of the engine core or worker process (an EngineCore_* / Worker_* / VllmWorkerProcess / RayWorkerWrapper traceback, an NCCL WARN, a CUDA error): the API server's EngineDeadError only reports it.",
      "A worker killed without a traceback (`died unexpectedly`, exit code -9) is usually the host's OOM killer: check `dmesg` and the container's memory limit.",
      "Restart the server (an orchestrator should restart on the failed health check: `/health` answers 5xx once the engine is dead); if it dies again on the same request, the engine's input dump (`Dumping input data ...`) shows that request.",
    ],
  }];
}

function clip(s: string): string {
  return s.length > 300 ? s.slice(0, 299) + "…" : s;
}

export const rule = defineRule(meta, check);
