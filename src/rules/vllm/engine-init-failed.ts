import type { Event } from "../../events/index.js";
import type { TracebackEvent } from "../../events/common.js";
import type { Evidence } from "../../model.js";
import type { Rule, RuleContext, FindingDraft } from "../types.js";
import { docsPath } from "../types.js";
import { hitEvidence, uniqueEvidence } from "../helpers.js";
import { signalHits, signalMatches } from "../signals.js";
import { INIT_FUNCS } from "./context.js";
import { hasNcclInfo } from "../../facts/dialects.js";

export const meta = {
  id: "vllm/engine-init-failed",
  defaultSeverity: "error",
  title: "The vLLM engine failed to start",
  tags: ["vllm", "startup"],
  docs: docsPath("vllm/engine-init-failed"),
  sources: [
    "vLLM docs: usage/troubleshooting.md (Enable more logging; the root cause is the first traceback)",
    "vLLM source: vllm/v1/engine/utils.py wait_for_engine_startup ('Engine core initialization failed. See root cause above')",
  ],
} satisfies Rule["meta"];

/** Lines that say outright that start-up failed. */
const INIT_FAILED = /Engine core initialization failed|EngineCore failed to start|WorkerProc (?:failed to start|initialization failed)|Error executing method '?(?:init_device|load_model|initialize_cache|determine_num_available_blocks|init_worker|initialize_from_config|compile_or_warm_up_model|determine_available_memory|_init_workers_ray)\b|Engine process failed to start|Failed to initialize the engine/i;
/** Lines that say the engine died, at start-up or later: counted when the tracebacks point at start-up or the server never became ready. */
const DIED = /EngineCore hit an exception|fatal signal from worker processes|Worker proc \S+ died unexpectedly/i;
/** Messages that only point elsewhere for the cause. */
const WRAPPER = /Engine core initialization failed|EngineDeadError|AsyncEngineDeadError|EngineCore (?:hit an exception|failed to start)|fatal signal|root cause|stack trace above|Worker .*died|died unexpectedly|Traceback \(most recent|Error executing method|^\s*(?:RuntimeError|Exception)?:?\s*$|^Process \S+:$/i;
const ERROR_RETURN = /\.(?:cc|cpp|c|h|cu):\d+ -> \d+\s*$/;
const RUNTIME_FUNCS = new Set(["run_busy_loop", "step", "execute_model", "_process_engine_step", "engine_step", "run_engine_loop", "generate", "execute_model_ray"]);

/** Tracebacks that are not a failure of the engine: a warning raised as an exception, the user's Ctrl-C, a clean exit. */
const NOT_A_FAILURE = /^(?:\w+\.)*(?:\w*Warning|KeyboardInterrupt|SystemExit|GeneratorExit|CancelledError)$/;

export function isInitTraceback(t: TracebackEvent): boolean {
  if (t.errorType && NOT_A_FAILURE.test(t.errorType)) return false;
  const frames = t.frames ?? [];
  if (frames.some((f) => INIT_FUNCS.has(f.func) && f.func !== "run_engine_core" && f.func !== "_run_workers")) return true;
  return frames.some((f) => f.func === "run_engine_core") && !frames.some((f) => RUNTIME_FUNCS.has(f.func));
}

function rootCause(events: readonly Event[]): { text: string; ev: Evidence } | null {
  const candidates: { text: string; ev: Evidence; input: number; rank: number }[] = [];
  for (const e of events) {
    if (e.kind === "traceback") {
      const text = e.errorType ? `${e.errorType}: ${e.message}` : e.message;
      if (text && !WRAPPER.test(e.message ?? "") && !WRAPPER.test(text)) candidates.push({ text, ev: e.end ?? e.ev, input: e.input, rank: isInitTraceback(e) ? 0 : 1 });
      for (const c of e.causes ?? []) if (!WRAPPER.test(c.message)) candidates.push({ text: `${c.errorType}: ${c.message}`, ev: e.end ?? e.ev, input: e.input, rank: 0 });
    } else if (e.kind === "error") {
      // `file.cc:N -> M` only shows how an NCCL error travelled: the WARN before it says what failed
      if (ERROR_RETURN.test(e.ev.text)) continue;
      if (!WRAPPER.test(e.message) && !WRAPPER.test(e.ev.text)) candidates.push({ text: e.errorType && !e.message.startsWith(e.errorType) ? `${e.errorType}: ${e.message}` : e.message, ev: e.ev, input: e.input, rank: e.errorType ? 1 : 2 });
    }
  }
  if (!candidates.length) return null;
  candidates.sort((a, b) => a.rank - b.rank || a.input - b.input || a.ev.line - b.ev.line);
  return { text: candidates[0].text.trim(), ev: candidates[0].ev };
}

export function check(ctx: RuleContext): FindingDraft[] {
  const { events, facts } = ctx;
  const explicit = signalHits(ctx, ["vllm.engineInitFailed"]);
  const initTracebacks = events.filter((e): e is TracebackEvent => e.kind === "traceback" && isInitTraceback(e));
  const died = signalHits(ctx, ["vllm.engineDied"]);
  const runtimeOnly = events.some((e) => e.kind === "traceback" && !isInitTraceback(e) && (e.frames ?? []).some((f) => RUNTIME_FUNCS.has(f.func)));
  // a worker dying after the engine served requests (or while it shut down) is not a start-up failure
  const started = facts.server.ready || events.some((e) => e.kind === "vllm.metrics" || (e.kind === "vllm.message" && e.id === "initEngine.took"));
  const diedAtStart = died.length > 0 && (initTracebacks.length > 0 || (!started && !runtimeOnly));
  if (!explicit.length && !initTracebacks.length && !diedAtStart) return [];
  const root = rootCause(events);
  const evidence = uniqueEvidence([root?.ev, ...hitEvidence(explicit), ...initTracebacks.map((t) => t.end ?? t.ev), ...(diedAtStart ? hitEvidence(died) : [])]);
  const remediation = root ? adviceFor(root.text) : [];
  remediation.push(
    "Read the first traceback of the failing process (the worker or EngineCore rank that failed first): later errors in the API server only report that the engine died.",
    hasNcclInfo(facts)
      ? "Rerun with VLLM_LOGGING_LEVEL=DEBUG to see the step that failed."
      : "Rerun with VLLM_LOGGING_LEVEL=DEBUG (and NCCL_DEBUG=INFO for distributed start-ups) to see the step that failed.",
  );
  return [{
    message: root
      ? `The engine did not start. Root cause in the log: ${clipText(root.text)} (${root.ev.file}:${root.ev.line}).`
      : "The engine did not start, and this excerpt does not show the root cause: it is usually in an earlier traceback of a worker or EngineCore process.",
    evidence,
    remediation,
  }];
}

function clipText(s: string): string {
  return s.length > 300 ? s.slice(0, 299) + "…" : s;
}

/** Next steps for common root causes (the dedicated rules give the full advice). */
function adviceFor(root: string): string[] {
  // `Free memory on device (69.36/79.19 GiB) on startup is less than desired GPU memory utilization (0.92, 72.85 GiB)`
  const free = /Free memory on device \(([\d.]+)\/([\d.]+) GiB\).*?less than desired GPU memory utilization \(([\d.]+), ([\d.]+) GiB\)/i.exec(root);
  if (free) {
    const [have, total, util, want] = free.slice(1).map(Number);
    const fits = Math.floor((have / total) * 100 - 1) / 100;
    return [`Only ${have} of ${total} GiB were free at start-up and --gpu-memory-utilization ${util} asks for ${want} GiB (${Math.round((want - have) * 100) / 100} GiB more): lower it to ${fits} or less, or stop the other process on the GPU (\`nvidia-smi\` lists it).`];
  }
  if (/out of memory|OutOfMemoryError/i.test(root)) return ["The root cause is CUDA out of memory: see vllm/cuda-oom (more TP/PP, lower --gpu-memory-utilization or --max-model-len, quantization)."];
  if (/KV cache|cache blocks/i.test(root)) return ["The root cause is the KV cache: see vllm/kv-cache-too-small and vllm/no-kv-cache-memory (lower --max-model-len or raise --gpu-memory-utilization)."];
  if (/divisible/i.test(root)) return ["Choose a tensor parallel size that divides the attention heads (see vllm/tp-not-divisible)."];
  if (/NCCL|nccl|DistBackendError/.test(root)) return ["The root cause is in NCCL: see the nccl/* findings for the transport or connection that failed (rerun with NCCL_DEBUG=INFO if the log has no NCCL INFO lines)."];
  if (/ImportError|ModuleNotFoundError|undefined symbol/i.test(root)) return ["A compiled extension or package does not match this vLLM/torch build: reinstall vLLM for this CUDA and torch version, or use the official container image."];
  if (/huggingface|gated|401|403|RepositoryNotFound|LocalEntryNotFound/i.test(root)) return ["The model could not be fetched: see vllm/model-download (HF_TOKEN, local path, pre-download)."];
  return [];
}

export const rule: Rule = { meta, check };
