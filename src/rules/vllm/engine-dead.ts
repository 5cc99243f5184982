import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence, uniqueEvidence } from "../helpers.js";
import { signalHits, type Hit } from "../signals.js";
import type { Evidence } from "../../model.js";
import { defineRule, type RuleSpec } from "../define.js";
import { ENGINE_START_UP_METHODS } from "../../../grammars/signatures.js";

export const meta = {
  id: "vllm/engine-dead",
  defaultSeverity: "error",
  title: "The vLLM engine died after it had started: requests fail until the server restarts",
  tags: ["vllm", "serving"],
  sources: [
    "vLLM source: vllm/v1/engine/exceptions.py (EngineDeadError), vllm/v1/engine/core_client.py (the engine core process monitor: `Engine core proc … died unexpectedly`), vllm/v1/engine/core.py run_engine_core (`EngineCore encountered a fatal error.`), vllm/logging_utils/dump_input.py",
    "vLLM source: vllm/v1/executor/multiproc_executor.py (WorkerProc.worker_busy_loop: `WorkerProc hit an exception.`, the FAILURE reply that collective_rpc raises as `Worker failed with error '…'`)",
    "vLLM source: vllm/executor/multiproc_worker_utils.py _run_worker_process (V0, 0.5–0.10: `Exception in worker VllmWorkerProcess while processing method <method>.`, 0.5's `...: <exception>, Traceback ...`), vllm/worker/worker_base.py start_worker_execution_loop",
    "vLLM source: vllm/worker/worker_base.py WorkerWrapperBase.execute_method (the Ray executor's workers, 0.4 on: `Error executing method execute_model. This might cause deadlock in distributed execution.`, `'execute_model'` from 0.7)",
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
  // the engine core's own traceback through its busy loop (`run_engine_core` -> `engine_core.run_busy_loop()`, the
  // facts' `engineLoop`): run_engine_core logs it only when the loop raised, then reports the engine dead and re-raises.
  // It tells the death when the paste kept the traceback but not the record that heads it (`EngineCore encountered a
  // fatal error.`, `EngineCore hit an exception`) nor the front end's EngineDeadError
  const deathSaid = dead.length > 0 || died.length > 0 || procDied.length > 0;
  const loopDied = deathSaid ? [] : (tb?.list ?? []).filter((t) => t.engineLoop === true);
  // a multiprocessing worker's busy loop catching what a model step raised (`WorkerProc hit an exception.`, then that
  // worker's traceback): the executor raises it in the engine core, which dies (or, when the worker is not the rank that
  // replies, waits on its other workers until the step's time-out). The busy loop also runs the engine's start-up calls, so
  // only the worker's own traceback says which (see workerExceptions)
  const workers = workerExceptions(ctx, started, deathSaid || loopDied.length > 0);
  if (!deathSaid && !workers.length && !loopDied.length) return [];
  // a start-up that failed is told by vllm/engine-init-failed (V0's errors can follow it when a request came in)
  if (!dead.some((h) => h.id === "vllm.engineDeadAtRuntime") && !started && !workers.length && !loopDied.length && signalHits(ctx, ["vllm.engineInitFailed"]).length) return [];
  const hits = [...dead, ...died, ...procDied];
  // (a cause is another line than the ones that report the death)
  // (V0's loop record is itself the exception: its line names the cause when no traceback shows an earlier one)
  const loopError = hits.find((h) => h.id === "vllm.v0EngineLoopError");
  const cause = tb?.rootCause && !hits.some((h) => h !== loopError && h.ev.line === tb.rootCause!.evidence.line && h.ev.file === tb.rootCause!.evidence.file)
    ? tb.rootCause
    : loopError ? { text: loopError.ev.text, evidence: loopError.ev } : null;
  const worker = workers[0];
  if (worker) return [workerFinding(ctx, worker, hits, cause, started)];
  return [{
    message: cause
      ? `The engine died while serving; every request fails from here on (500s, EngineDeadError) until the server restarts. Root cause in the log: ${clip(cause.text)} (${cause.evidence.file}:${cause.evidence.line}).`
      : procDied.length && !dead.length && !died.length
      ? "The engine core process died while the server was serving, without an error of its own in this log; every request fails from here on until the server restarts. A process that vanishes without a traceback was usually killed (SIGKILL: the host's OOM killer) or crashed in native code."
      : "The engine died while serving; every request fails from here on (500s, EngineDeadError) until the server restarts. This excerpt does not show why: the first traceback of the engine core or of a worker, above these lines, does.",
    evidence: uniqueEvidence([cause?.evidence, ...hitEvidence(hits), ...loopDied.map((t) => t.evidence)]),
    remediation: [
      "Find the first error of the engine core or worker process (an EngineCore_* / Worker_* / VllmWorkerProcess / RayWorkerWrapper traceback, an NCCL WARN, a CUDA error): the API server's EngineDeadError only reports it.",
      "A worker killed without a traceback (`died unexpectedly`, exit code -9) is usually the host's OOM killer: check `dmesg` and the container's memory limit.",
      RESTART,
    ],
  }];
}

const RESTART = "Restart the server (an orchestrator should restart on the failed health check: `/health` answers 5xx once the engine is dead); if it dies again on the same request, the engine's input dump (`Dumping input data ...`) shows that request.";

type TracebackFact = NonNullable<RuleContext["facts"]["tracebacks"]>["list"][number];

/**
 * A worker's `WorkerProc hit an exception.` record (V0: `Exception in worker VllmWorkerProcess while processing method
 * <method>`) and the traceback that worker logged after it (null: not in the facts).
 */
interface WorkerException {
  hit: Hit;
  /** the worker's process name from its log prefix (`Worker_TP1`; V0's `VllmWorkerProcess pid=N`), when it had one */
  process: string | null;
  /** the method V0's record names (`start_worker_execution_loop`); V1's record names none */
  method: string | null;
  /** the record is worker_base.py's `Error executing method ...` (the Ray executor's workers), not multiproc_worker_utils.py's */
  ray: boolean;
  traceback: TracebackFact | null;
  /** the traceback runs through a model step (`execute_model`, the model's `forward`): the engine was serving */
  inStep: boolean;
}

const RUNNING_THE_MODEL = "while running the model";
/**
 * The methods V0's executor runs on its multiprocessing workers while the engine starts (vllm/executor: init_device,
 * load_model, determine_num_available_blocks, initialize_cache, ...): a worker's exception in one is the engine not
 * starting, vllm/engine-init-failed's (its signature is built from the same list)
 */
export const V0_START_UP = new RegExp(`^(?:${ENGINE_START_UP_METHODS.join("|")})$`);
/** V0's methods of a model step: the tensor-parallel workers' step loop, a pipeline stage's (or remote driver's) step */
const V0_STEP = /^(?:start_worker_execution_loop|execute_model)$/;

/**
 * The workers' busy-loop exceptions that kill a started engine, in log order. The worker's traceback decides: through a
 * start-up call (`determine_available_memory` -> `profile_run`, the CUDA graph capture) it is the engine failing to start,
 * vllm/engine-init-failed's; through a model step it is the engine serving; a traceback that a paste cut in the busy loop
 * itself (before the method that raised) counts as the facts stage it (serving, the busy loop's own stage). A complete
 * traceback through another method (a LoRA adapter's `add_lora`, a caller's `collective_rpc`) fails only that call: the
 * engine core hands the error back and serves on, unless a line of the log shows the engine die.
 */
function workerExceptions(ctx: RuleContext, started: boolean, deathShown: boolean): WorkerException[] {
  const hits = signalHits(ctx, ["vllm.workerProcException"]);
  if (!hits.length) return [];
  const list = ctx.facts.tracebacks?.list ?? [];
  const out: WorkerException[] = [];
  for (const hit of hits) {
    const parts = hit.captures.proc?.split("|") ?? [];
    const [name, pid] = parts;
    const ip = parts[6] || null;
    const process = name || null;
    const ray = hit.captures.rayMethod !== undefined;
    const method = hit.captures.method ?? hit.captures.rayMethod ?? null;
    // (V0's start-up calls are the engine failing to start, whatever its traceback shows)
    if (method !== null && V0_START_UP.test(method)) continue;
    // the first traceback this process logged at or after its record (the record is the traceback's first line's neighbour;
    // other workers' records interleave with it)
    const traceback = list.find((t) => t.evidence.file === hit.ev.file && t.evidence.line > hit.ev.line && (process === null || t.process === undefined || t.process === process)) ?? null;
    const v0Step = method !== null && V0_STEP.test(method);
    if (traceback?.stage === "init" && !v0Step) continue;
    const inStep = traceback?.phase === RUNNING_THE_MODEL || v0Step;
    const cutInLoop = traceback !== null && traceback.stage === "runtime" && traceback.cut === true;
    const named = process && method !== null && pid ? `${process} pid=${pid}${ip ? `, ip=${ip}` : ""}` : process;
    if (inStep || cutInLoop || deathShown || (started && traceback === null)) out.push({ hit, process: named, method, ray, traceback, inStep });
  }
  return out;
}

/** What the worker's exception is, by its words, for the rule that has its fix. */
export function exceptionKind(text: string): "oom" | "cuda" | "nccl" | null {
  if (/OutOfMemoryError|\bout of memory\b/i.test(text)) return "oom";
  if (/\bNCCL\b|DistBackendError|ProcessGroupNCCL/.test(text)) return "nccl";
  if (/\bCUDA error\b|AcceleratorError|CUBLAS_STATUS_|CUDNN_STATUS_|\bcudaError\w+|device-side assert/.test(text)) return "cuda";
  return null;
}

function workerFinding(ctx: RuleContext, w: WorkerException, hits: Hit[], cause: { text: string; evidence: Evidence } | null, started: boolean): FindingDraft {
  const { facts } = ctx;
  const who = w.process ? `A worker (${w.process})` : "A worker";
  const t = w.traceback;
  // (V0 0.5's record carries the exception's words before the traceback: they stand in when the paste stops before its end)
  const recordWords = w.hit.captures.v0exc ?? null;
  const exception = t?.errorType ? `${t.errorType}: ${t.message}` : t && !t.cut && t.message ? t.message : recordWords;
  const at = `${w.hit.ev.file}:${w.hit.ev.line}`;
  // V0's record names the method the worker was running
  const inMethod = w.method ? ` in ${w.method}` : "";
  const when = w.inStep || started ? `${inMethod}${w.inStep ? " while running the model for a request" : " while the server was serving"}, after the engine had started (not at start-up)` : null;
  const where = t?.errorType ? ` (${t.evidence.file}:${t.evidence.line})` : exception ? ` (${at})` : "";
  const said = exception
    ? `${who} raised ${clip(exception)}${where}${when ?? `${inMethod || " in its busy loop"}, after it had started (not at start-up)`}.`
    : when
      ? `${who} hit an exception (${at})${when}; the excerpt stops before its exception line, which names the cause.`
      : w.method
        ? `${who} hit an exception${inMethod}, after it had started (${at}); the excerpt stops before the exception line, which names the cause.`
        : `${who} hit an exception in its busy loop, after it had started (${at}); the excerpt stops before the method that raised and the exception line, which name the step and the cause.`;
  const death = hits.length
    ? ` The engine${w.method ? "" : " core"} then died: every request fails from here on (500s, ${w.method ? "AsyncEngineDeadError" : "EngineDeadError"}) until the server restarts.`
    : w.ray
      ? " The Ray executor's driver gets it back from the worker's remote call (a RayTaskError) and the engine's loop dies (or, for a tensor-parallel worker's step loop, the driver waits for it in the step's collectives until they time out): every request fails from here on (500s, AsyncEngineDeadError) until the server restarts."
    : w.method
      ? " V0's engine gets it back from the worker (or, for a tensor-parallel worker's step loop, waits for it in the step's collectives until they time out) and its loop dies: every request fails from here on (500s, AsyncEngineDeadError) until the server restarts."
      : " The multiprocessing executor raises it in the engine core, which dies with it (or, when this worker is not the one that replies, waits for it until the step times out): every request fails from here on (500s, EngineDeadError) until the server restarts.";
  // an earlier error than the worker's exception (another process's, an NCCL WARN) is named as the first in the log
  const earlier = cause && t?.errorType && (cause.evidence.file !== t.evidence.file || cause.evidence.line < t.evidence.line) ? ` The first error in the log is earlier: ${clip(cause.text)} (${cause.evidence.file}:${cause.evidence.line}).` : "";
  const kind = exception ? exceptionKind(exception) : null;
  const remediation: string[] = [];
  if (kind === "oom") remediation.push("The worker ran out of GPU memory on a step: vllm/cuda-oom has the fix (fewer tokens in flight: --max-num-seqs, --max-num-batched-tokens; a lower --gpu-memory-utilization leaves room for the activations; or more GPUs).");
  else if (kind === "cuda") remediation.push("The worker's exception is a CUDA error: vllm/cuda-error has the fix (a kernel fault leaves the GPU unusable; rerun with CUDA_LAUNCH_BLOCKING=1 to see the kernel that failed).");
  else if (kind === "nccl") remediation.push("The worker's exception comes from NCCL: the nccl/* findings name the transport or peer that failed (rerun with NCCL_DEBUG=INFO if the log has no NCCL INFO lines).");
  else if (exception) {
    const version = facts.vllm.version ? `vLLM ${facts.vllm.version}` : "the vLLM version (`vllm --version`)";
    const model = facts.config.model ? `the model (${facts.config.model})` : "the model";
    const dump = w.method ? "" : " (the engine's `Dumping input data` / `Dumping scheduler output` lines show the step's requests)";
    remediation.push(`An exception like this in a model step is a bug in vLLM or in the model's code, hit by one request's input: report it at https://github.com/vllm-project/vllm/issues with ${version}, ${model}, the serve command, the request that triggered it${dump} and this worker's whole traceback.`);
    remediation.push("Until it is fixed, find the feature on that request's path from the traceback's frames (speculative decoding, structured output, a multi-modal input, prefix caching, a quantized kernel) and serve without it, or try a newer vLLM release.");
  } else {
    remediation.push(`Find the worker's exception line: the rest of ${w.process ?? "the worker"}'s traceback after these lines (the last line of the ERROR records of ${w.ray ? "worker_base.py" : w.method ? "multiproc_worker_utils.py" : "multiproc_executor.py"}). It names the cause; the vllm/cuda-oom, vllm/cuda-error and nccl/* rules read it when it is in the log.`);
  }
  remediation.push(RESTART);
  return {
    message: `${said}${death}${earlier}`,
    evidence: uniqueEvidence([t?.errorType ? t.evidence : null, w.hit.ev, t && !t.errorType ? t.evidence : null, ...hitEvidence(hits)]),
    remediation,
  };
}

function clip(s: string): string {
  return s.length > 300 ? s.slice(0, 299) + "…" : s;
}

export const rule = defineRule(meta, check);
