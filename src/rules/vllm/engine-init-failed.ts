import type { RuleContext, FindingDraft } from "../types.js";
import type { Facts } from "../../facts/schema.js";
import { hitEvidence, ncclPlatform, uniqueEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { hasNcclInfo } from "../../facts/dialects.js";
import { defineRule, type RuleSpec } from "../define.js";
import { V0_START_UP, exceptionKind } from "./engine-dead.js";

export const meta = {
  id: "vllm/engine-init-failed",
  defaultSeverity: "error",
  title: "The vLLM engine failed to start",
  tags: ["vllm", "startup"],
  sources: [
    "vLLM docs: usage/troubleshooting.md (Enable more logging; the root cause is the first traceback)",
    "vLLM source: vllm/v1/engine/utils.py wait_for_engine_startup ('Engine core initialization failed. See root cause above')",
    "vLLM source: vllm/executor/multiproc_worker_utils.py _run_worker_process (V0: `Exception in worker VllmWorkerProcess while processing method <method>`; the start-up methods init_device, load_model, determine_num_available_blocks, initialize_cache)",
  ],
} satisfies RuleSpec;


export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const explicit = signalHits(ctx, ["vllm.engineInitFailed"]);
  // V1's EngineDeadError / `EngineCore encountered a fatal error.` exist only for an engine that had started: its
  // tracebacks (cut after `run_engine_core`, which wraps both the start-up and the busy loop) are the engine dying later
  const deadAfterStart = signalHits(ctx, ["vllm.engineDeadAtRuntime"]).length > 0;
  // the Ray executor's compiled forward graph, built on the engine's first step, was torn down: the engine had run (a
  // traceback cut after `run_engine_core` is then its busy loop's, not its start-up's)
  const ranSteps = signalHits(ctx, ["vllm.rayForwardDag"]).length > 0;
  // tracebacks through vLLM's start-up path (src/facts/tracebacks.ts)
  // a worker dying after the engine served requests (or while it shut down) is not a start-up failure
  // (a LoRA adapter refused for its rank was being loaded, which only a started engine does: a worker's failure that
  // names it is no start-up failure)
  const adapterLoad = signalHits(ctx, ["vllm.loraRankTooLarge", "vllm.loraLoadFailed"]).length > 0;
  // (V0's multiprocessing engine logs what ended its loop only once it was built: `engine.py:135] IndexError('...')`)
  const loopEnded = signalHits(ctx, ["vllm.v0EngineLoopError"]).length > 0;
  const started = deadAfterStart || adapterLoad || loopEnded || ranSteps || facts.server.ready || (facts.server.metricsLines ?? 0) > 0 || facts.memory.initEngineSeconds !== null;
  // the API server's traceback known as start-up only by its entry running the server's coroutine (cut there) counts when an
  // engine core's own exception ended that process and the log shows no sign the server had come up: the front end's
  // wait for the engine core failed. (The entry's frames alone say only that the server stopped.)
  const engineCoreExited = (facts.tracebacks?.counts.engineCoreExit ?? 0) > 0;
  const initTracebacks = deadAfterStart ? [] : (facts.tracebacks?.list ?? []).filter((t) => t.stage === "init" && !(ranSteps && t.cut) && !(t.serverEntry && (started || !engineCoreExited)));
  const died = signalHits(ctx, ["vllm.engineDied"]);
  const runtimeOnly = (facts.tracebacks?.counts.runtime ?? 0) > 0;
  const diedAtStart = died.length > 0 && (initTracebacks.length > 0 || (!started && !runtimeOnly));
  const cause = facts.tracebacks?.rootCause ?? null;
  // the root cause is vLLM's start-up memory check (`Free memory on device ... on startup is less than desired GPU memory
  // utilization`, raised only while a worker sets up its device): the engine did not start, with or without frames
  const startupCheck = cause?.kind === "free-memory";
  if (!explicit.length && !initTracebacks.length && !diedAtStart && !startupCheck) return [];
  // a Ray worker process that ended without a Python error (no root cause in any traceback): Ray's own line says how it ended
  const rayDied = cause ? [] : signalHits(ctx, ["vllm.rayWorkerDied"]);
  const evidence = uniqueEvidence([cause?.evidence, ...hitEvidence(rayDied), ...hitEvidence(explicit), ...initTracebacks.map((t) => t.evidence), ...(diedAtStart ? hitEvidence(died) : [])]);
  // (pynccl not finding the NCCL library fails the start with an NCCL-looking traceback: its own rule has the advice)
  const ncclLibrary = signalHits(ctx, ["vllm.ncclLibraryLoadFailed"]).length > 0;
  const remediation = cause ? adviceFor(cause, ncclLibrary) : [];
  // V0's multiprocessing worker names the start-up method it was running (`Exception in worker VllmWorkerProcess while
  // processing method determine_num_available_blocks.`): the finding names the worker and the method with its line
  const v0 = v0WorkerAtStart(ctx);
  // (a CUDA error has no kind of its own among the root causes: the traceback's exception says it, vllm/cuda-error has its fix)
  const causeTb = cause ? facts.tracebacks?.list.find((t) => t.evidence.file === cause.evidence.file && t.evidence.line === cause.evidence.line) : undefined;
  if (v0 && cause && !cause.kind && causeTb && exceptionKind(`${causeTb.errorType ?? ""}: ${causeTb.message}`) === "cuda") remediation.push("The root cause is a CUDA error: see vllm/cuda-error (rerun with CUDA_LAUNCH_BLOCKING=1 to see the kernel that failed; a fault at start-up often means a driver, toolkit or kernel build that does not match the GPU).");
  const inWorker = v0 ? ` A worker (${v0.who}) failed in ${v0.method} (${v0.at}), a call of the engine's start-up.` : "";
  // the front end gave up waiting for the engine core's first message (VLLM_ENGINE_READY_TIMEOUT_S)
  const readyTimeout = explicit.find((h) => h.captures.readyTimeout !== undefined);
  const waited = firstValue(explicit, "waitedS");
  if (readyTimeout) remediation.push(`The API server waited ${waited ? `${waited} s` : "VLLM_ENGINE_READY_TIMEOUT_S (600 s unless set)"} for the engine core to report ready: if the engine was only slow (loading a large model from slow storage, a first torch.compile or JIT build), raise VLLM_ENGINE_READY_TIMEOUT_S; if it was stuck (its last lines stop in NCCL or distributed set-up), \`py-spy dump --pid <pid>\` of the engine core and its workers shows where.`);
  if (rayDied.length) remediation.push("Look for why the Ray worker process ended: the kernel's OOM killer (`dmesg`, the node's free memory), `ray stop --force`, or a crash (SIGSEGV) in the dead worker's log under /tmp/ray/session_latest/logs/.");
  remediation.push(
    "Read the first traceback of the failing process (the worker or EngineCore rank that failed first): later errors in the API server only report that the engine died.",
    hasNcclInfo(facts)
      ? "Rerun with VLLM_LOGGING_LEVEL=DEBUG to see the step that failed."
      : !ncclPlatform(facts)
        ? "Rerun with VLLM_LOGGING_LEVEL=DEBUG to see the step that failed."
        : `Rerun with VLLM_LOGGING_LEVEL=DEBUG (and${facts.gpu.platform ? "" : ", on NVIDIA or AMD GPUs,"} NCCL_DEBUG=INFO for distributed start-ups) to see the step that failed.`,
  );
  return [{
    message: readyTimeout && (!cause || (cause.evidence.file === readyTimeout.ev.file && cause.evidence.line === readyTimeout.ev.line))
      ? `The engine did not start in time: the API server gave up waiting for the engine core to report ready (${readyTimeout.ev.file}:${readyTimeout.ev.line}), after VLLM_ENGINE_READY_TIMEOUT_S${waited ? ` (${waited} s)` : ""}. The engine core was still loading, compiling or stuck; its own last lines show which.`
      : cause
      ? `The engine did not start.${inWorker} Root cause in the log: ${clipText(cause.text)} (${cause.evidence.file}:${cause.evidence.line}).`
      : rayDied.length
        ? `The engine did not start, after a Ray worker process died without a Python error${rayExit(rayDied)} (${rayDied[0].ev.file}:${rayDied[0].ev.line}): Ray names the host's OOM killer, \`ray stop --force\` or a crash such as SIGSEGV as the usual causes.`
        : v0
          ? `The engine did not start.${inWorker} This excerpt stops before the worker's exception line, which names the cause: it ends the worker's traceback (the ERROR records of ${v0.ray ? "worker_base.py" : "multiproc_worker_utils.py"}).`
          : "The engine did not start, and this excerpt does not show the root cause: it is usually in an earlier traceback of a worker or EngineCore process.",
    evidence,
    remediation,
  }];
}

/** V0's first multiprocessing worker record of an exception in a start-up method (the worker with its pid, the method, the line) */
function v0WorkerAtStart(ctx: RuleContext): { who: string; method: string; at: string; ray: boolean } | null {
  for (const h of signalHits(ctx, ["vllm.workerProcException"])) {
    const ray = h.captures.rayMethod !== undefined;
    const method = h.captures.method ?? h.captures.rayMethod;
    if (!method || !V0_START_UP.test(method)) continue;
    const parts = h.captures.proc?.split("|") ?? [];
    const [name, pid] = parts;
    const ip = parts[6] ? `, ip=${parts[6]}` : "";
    return { who: name ? (pid ? `${name} pid=${pid}${ip}` : name) : ray ? "the driver's worker" : "VllmWorkerProcess", method, at: `${h.ev.file}:${h.ev.line}`, ray };
  }
  return null;
}

/** ` (exit type SYSTEM_ERROR: Worker unexpectedly exits with a connection error code 2)` from Ray's line, when it says so */
function rayExit(hits: ReturnType<typeof signalHits>): string {
  const type = firstValue(hits, "exitType");
  const detail = firstValue(hits, "exitDetail");
  if (!type) return "";
  return ` (exit type ${type}${detail ? `: ${detail}` : ""})`;
}

function clipText(s: string): string {
  return s.length > 300 ? s.slice(0, 299) + "…" : s;
}

/** Next steps for the common root causes (the dedicated rules give the full advice). */
function adviceFor(cause: NonNullable<NonNullable<Facts["tracebacks"]>["rootCause"]>, ncclLibrary: boolean): string[] {
  const free = cause.freeMemory;
  if (free) {
    const fits = Math.floor((free.freeGiB / free.totalGiB) * 100 - 1) / 100;
    return [`Only ${free.freeGiB} of ${free.totalGiB} GiB were free at start-up and --gpu-memory-utilization ${free.utilization} asks for ${free.wantGiB} GiB (${Math.round((free.wantGiB - free.freeGiB) * 100) / 100} GiB more): lower it to ${fits} or less, or stop the other process on the GPU (\`nvidia-smi\` lists it).`];
  }
  switch (cause.kind) {
    case "cuda-oom": return ["The root cause is CUDA out of memory: see vllm/cuda-oom (more TP/PP, lower --gpu-memory-utilization or --max-model-len, quantization)."];
    case "kv-cache": return ["The root cause is the KV cache: see vllm/kv-cache-too-small and vllm/no-kv-cache-memory (lower --max-model-len or raise --gpu-memory-utilization)."];
    case "tp-not-divisible": return ["Choose a tensor parallel size that divides the attention heads (see vllm/tp-not-divisible)."];
    case "nccl":
      return ncclLibrary
        ? ["The process could not load the NCCL library vLLM looks for: see vllm/nccl-library-load-failed (VLLM_NCCL_SO_PATH, the nvidia-nccl wheel)."]
        : ["The root cause is in NCCL: see the nccl/* findings for the transport or connection that failed (rerun with NCCL_DEBUG=INFO if the log has no NCCL INFO lines)."];
    case "compile": return [
      "The root cause is in compilation (torch.compile's Dynamo or Inductor, or the Triton kernels they build): start once with --enforce-eager or -O0, which turn torch.compile off; if the engine then starts, the compilation is the cause.",
      "Inductor and Triton build their kernels at start-up with the host's C compiler and Python headers (a missing `cc`/`gcc` or `Python.h` fails there): install them, or set CC. A compile cache written by another vLLM or torch version can also fail: remove ~/.cache/vllm/torch_compile_cache (or set VLLM_DISABLE_COMPILE_CACHE=1) and retry.",
    ];
    case "import": return ["A compiled extension or package does not match this vLLM/torch build: reinstall vLLM for this CUDA and torch version, or use the official container image."];
    case "model-fetch": return ["The model could not be fetched: see vllm/model-download (HF_TOKEN, local path, pre-download)."];
    default: return [];
  }
}

export const rule = defineRule(meta, check);
