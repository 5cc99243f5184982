import type { FindingDraft, RuleContext } from "../types.js";
import { fmt, uniqueEvidence } from "../helpers.js";
import { duration, sourceOf, statsOf } from "./common.js";
import type { Evidence } from "../../model.js";
import { defineRule, type RuleSpec } from "../define.js";
import { signalHits, signatureIdsAt, type Hit } from "../signals.js";

export const meta = {
  id: "runtime/stall",
  defaultSeverity: "error",
  title: "The engine stopped generating while requests were running",
  tags: ["runtime", "hang"],
  sources: [
    "vllm/engine/metrics.py and vllm/v1/metrics/loggers.py: the stats line every 5 s (V0) or VLLM_LOG_STATS_INTERVAL (V1, 10 s)",
    "vLLM docs: usage/troubleshooting (a hang or silent stall: VLLM_LOGGING_LEVEL=DEBUG, NCCL_DEBUG=TRACE, CUDA_LAUNCH_BLOCKING=1, py-spy dump)",
    "vllm/engine/async_llm_engine.py (V0): run_engine_loop aborts a step that takes longer than VLLM_ENGINE_ITERATION_TIMEOUT_S ('Engine iteration timed out')",
    "vllm/v1/executor/multiproc_executor.py (V1): collective_rpc gives up on the workers' answer after VLLM_EXECUTE_MODEL_TIMEOUT_SECONDS ('RPC call to execute_model timed out.')",
    "vllm/distributed/device_communicators/shm_broadcast.py (V1): MessageQueue.acquire_read raises a bare TimeoutError when the executor's read of a worker's reply passes its deadline (in later releases from its ReadTimeoutWithWarnings.timeout_ms helper); collective_rpc re-raises it as the RPC timeout",
    "vllm/distributed/device_communicators/shm_broadcast.py: the engine core's message queue to its workers logs every VLLM_RINGBUFFER_WARNING_INTERVAL (60 s) it waits ('No available shared memory broadcast block found in 60 seconds')",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const r = statsOf(facts);
  // V0's engine loop saying it gave up on a step (the signature's comment in grammars/signatures.ts)
  const gaveUp = signalHits(ctx, ["vllm.engineIterationTimeout"])[0];
  // V1's executor giving up on the workers' answer to a call (the signature's comment in grammars/signatures.ts)
  const rpc = signalHits(ctx, ["vllm.rpcTimeout"])[0];
  // the same give-up seen one step lower, when a paste holds only the first part of the chain: the message queue's own
  // TimeoutError in the engine process's traceback, or under the executor's read of its workers' replies when the paste
  // shows no more of that process's traceback (facts.tracebacks, `queueTimeout`)
  const queue = rpc ? undefined : facts.tracebacks?.list.find((t) => t.queueTimeout && (t.engineProcess || t.executorRead))?.queueTimeout;
  const wait = queueWait(ctx);
  // stats lines and `Application startup complete` come only from a server that is up: a wait after one is the
  // serving engine's; a wait before them may be a long start-up step of the workers (torch.compile, CUDA graphs,
  // quantization), which passes
  const before = (e: Evidence | null) => !!wait && !!e && e.file === wait.first.ev.file && e.line < wait.first.ev.line;
  const serving = before(sourceOf(facts, "runtime.statsLines")) || before(facts.server.readyLine);
  // a worker's own wait is for the engine's next step, which an idle server never sends (vLLM 0.11 stopped printing the
  // line on the workers' side for that reason): it tells of a hang only while requests run, here when every stats line
  // before it shows some running
  const workerIdle = !!wait && wait.worker && !(serving && !!r && r.running.min >= 1 && before(sourceOf(facts, "runtime.statsLines")));
  const otherSign = !!gaveUp || !!rpc || !!queue || (!!r && (r.stalls.length > 0 || r.statsStoppedEarly));
  if (wait && workerIdle && !otherSign) return [workerWait(wait)];
  if (wait && !serving && !gaveUp && !rpc && !queue) return [startupWait(wait)];
  if (!gaveUp && !rpc && !queue && !wait && (!r || (r.stalls.length === 0 && !r.statsStoppedEarly))) return [];
  const parts: string[] = [];
  const evidence = [];
  if (gaveUp) {
    parts.push(`V0's engine loop gave up on a step at line ${gaveUp.ev.line} (\`Engine iteration timed out\`): the step did not finish within VLLM_ENGINE_ITERATION_TIMEOUT_S (60 s unless set), so the engine is marked dead and every later request fails`);
    evidence.push(gaveUp.ev);
  }
  if (rpc) {
    const method = rpc.captures.method ?? "a call";
    parts.push(`V1's executor gave up waiting for the workers' answer to \`${method}\` at line ${rpc.ev.line} (\`RPC call to ${method} timed out\`): a worker did not finish the step within VLLM_EXECUTE_MODEL_TIMEOUT_SECONDS (300 s unless set), so the engine core died`);
    evidence.push(rpc.ev);
  }
  if (queue) {
    parts.push(`the engine core gave up waiting for its workers' reply at line ${queue.line} (a \`TimeoutError\` out of vLLM's shared-memory message queue, shm_broadcast.py, in the engine process's traceback; V1's executor raises it on as \`RPC call to <method> timed out\`): a worker did not finish its step within VLLM_EXECUTE_MODEL_TIMEOUT_SECONDS (300 s unless set), so the engine core died`);
    evidence.push(queue);
  }
  if (r && r.stalls.length) {
    const s = r.stalls.reduce((a, b) => (b.statsLines > a.statsLines ? b : a));
    const more = r.stallCount > 1 ? ` (${fmt(r.stallCount, 0)} such stretches in all)` : "";
    parts.push(`from line ${s.from.line} for ${fmt(s.statsLines, 0)} stats lines${s.seconds !== null ? ` (${duration(s.seconds + (r.intervalS ?? 0))})` : ""} requests were running but the engine produced no prompt or generation tokens${more}`);
    evidence.push(s.from, s.to);
  }
  if (wait && wait.worker) {
    parts.push(`${workerIdle ? "" : "while requests were running, "}the workers waited ${duration(wait.seconds)} for the engine's next step (vLLM's shared-memory queue says so every ${fmt(wait.intervalS, 0)} s from line ${wait.first.ev.line}): the engine's own process (V0's driver worker, V1's engine core) did not send it${workerIdle ? "" : ", so it is stuck in its step"}`);
    evidence.push(wait.first.ev, wait.last.ev);
  } else if (wait) {
    parts.push(`the engine core waited ${duration(wait.seconds)} for its workers to take its next message (vLLM's shared-memory queue says so every ${fmt(wait.intervalS, 0)} s from line ${wait.first.ev.line}): a worker did not finish its step`);
    evidence.push(wait.first.ev, wait.last.ev);
  }
  if (r && r.statsStoppedEarly && r.statsStoppedAt) {
    parts.push(`the stats lines stop at line ${r.statsStoppedAt.line} with requests in flight, while the log goes on: the engine loop stopped reporting, which is what a hung engine or a dead engine core looks like`);
    evidence.push(r.statsStoppedAt);
  }
  const suspect = ncclSuspect(ctx);
  if (suspect) parts.push(suspect);
  if (facts.firstError) evidence.push(facts.firstError);
  return [{
    message: `${cap(parts.join("; "))}.`,
    evidence: uniqueEvidence(evidence),
    remediation: [
      "While it hangs, dump the Python stacks of the engine and worker processes (`py-spy dump --pid <pid>` for each) and the GPU state (`nvidia-smi`): a worker stuck in a collective, a kernel or a lock shows there.",
      "Run again with VLLM_LOGGING_LEVEL=DEBUG and NCCL_DEBUG=INFO (TRACE for collectives) to see the last step each rank finished; CUDA_LAUNCH_BLOCKING=1 pins a failing kernel (slow: only while debugging).",
      "Set VLLM_LOG_STATS_INTERVAL=1 to see when generation stops to the second, and put a watchdog on the server: a /health probe alone can pass while the engine is stuck.",
      ...(suspect ? ["Check the network between the ranks (see the NCCL findings): a collective that never completes stalls every rank."] : []),
      ...(gaveUp ? ["If the steps are only slow, not stuck (a CPU build, very long prompts), raise VLLM_ENGINE_ITERATION_TIMEOUT_S; if a worker hangs, the stack dumps above show where."] : []),
      ...(rpc || queue ? ["If the steps are only slow, not stuck (very long prompts, a first compilation), raise VLLM_EXECUTE_MODEL_TIMEOUT_SECONDS; if a worker hangs, the stack dumps above show where."] : []),
    ],
  }];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface QueueWait { first: Hit; last: Hit; lines: number; intervalS: number; seconds: number; worker: boolean }

/**
 * A worker process's prefix (`VllmWorkerProcess` in V0, `VllmWorker rank=N` / `VllmWorker TPn` / `Worker_TPn...` in V1,
 * Ray's `RayWorkerWrapper`): on the queue it is a reader, waiting for the engine's next step; the engine core (or V0's
 * driver in the main process, no prefix) is the writer, waiting for the workers to take its message.
 */
const WORKER_PROCESS = /^(?:VllmWorkerProcess|VllmWorker\b|Worker(?:_|$)|RayWorker)/;

/**
 * The longest wait of one process on vLLM's shared-memory queue: its `No available shared memory broadcast block found
 * in N seconds` lines, one every N seconds of one wait (the process is the line's prefix, capture `proc`). Null without them.
 */
function queueWait(ctx: RuleContext): QueueWait | null {
  const hits = signalHits(ctx, ["vllm.shmBroadcastWait"]);
  if (!hits.length) return null;
  const byProcess = new Map<string, Hit[]>();
  for (const h of hits) {
    const who = h.captures.proc ?? "";
    byProcess.set(who, [...(byProcess.get(who) ?? []), h]);
  }
  const isWorker = (who: string) => WORKER_PROCESS.test(who.split("|")[0]);
  // (the engine side's wait is the one that tells of a hang: it is read first, the workers' only without one)
  const runs = [...byProcess.entries()];
  const pool = runs.some(([who]) => !isWorker(who)) ? runs.filter(([who]) => !isWorker(who)) : runs;
  const [who, longest] = pool.reduce((a, b) => (b[1].length > a[1].length ? b : a));
  const intervalS = Number(longest[0].captures.waitS ?? 60) || 60;
  return { first: longest[0], last: longest[longest.length - 1], lines: longest.length, intervalS, seconds: longest.length * intervalS, worker: isWorker(who) };
}

/** The workers' own wait with no other sign of a hang: a note (an idle server or a long step of the engine's own process does it). */
function workerWait(w: QueueWait): FindingDraft {
  return {
    title: "vLLM's workers waited for the engine's next step",
    severity: "info",
    message: `vLLM's workers waited ${duration(w.seconds)} for the engine's next step (vLLM's shared-memory queue says so every ${fmt(w.intervalS, 0)} s${w.lines > 1 ? `, ${fmt(w.lines, 0)} times` : ""} from line ${w.first.ev.line}). An idle server does this, and so does a long start-up step of the engine's own process; only while requests run does it mean that process (V0's driver worker, V1's engine core) is stuck in its step.`,
    evidence: uniqueEvidence([w.first.ev, w.last.ev]),
    remediation: [
      "If requests hang meanwhile, dump the stacks of the engine's own process and the workers (`py-spy dump --pid <pid>` for each): the process stuck in a collective, a kernel or a lock shows there.",
    ],
  };
}

/** A wait on the queue with no sign of a serving engine: a warning once it has gone on for 5 minutes, a note before. */
function startupWait(w: QueueWait): FindingDraft {
  const long = w.seconds >= 300;
  return {
    title: "The engine core waited for its workers",
    severity: long ? "warning" : "info",
    message: `The engine core waited ${duration(w.seconds)} for its workers to take its next message (vLLM's shared-memory queue says so every ${fmt(w.intervalS, 0)} s${w.lines > 1 ? `, ${fmt(w.lines, 0)} times` : ""} from line ${w.first.ev.line}), and the log shows no serving engine. While the server starts, a long step of the workers does this (torch.compile, CUDA graph capture, weight or KV cache quantization) and it passes; if these lines go on with nothing else, a worker is stuck.`,
    evidence: uniqueEvidence([w.first.ev, w.last.ev]),
    remediation: [
      "If the lines keep coming, dump the stacks of the workers (`py-spy dump --pid <pid>` for each): a worker in a compiler, a kernel JIT or weight processing is slow; one in a collective or a lock is stuck.",
      "A start-up that only compiles for long is faster on the next run, from vLLM's compile cache (~/.cache/vllm/torch_compile_cache); -O0 skips torch.compile and --enforce-eager the CUDA graphs.",
    ],
  };
}

/** When the NCCL facts point at a collective: ranks that stopped at different operation counts. */
function ncclSuspect(ctx: RuleContext): string | null {
  const { facts } = ctx;
  const ranks = facts.nccl.rankMap.filter((r) => r.lastOpCount !== null);
  if (ranks.length >= 2) {
    const counts = ranks.map((r) => r.lastOpCount!);
    const lo = Math.min(...counts);
    const hi = Math.max(...counts);
    if (lo !== hi) {
      const behind = ranks.filter((r) => r.lastOpCount === lo).map((r) => r.rank);
      return `the NCCL lines show rank${behind.length > 1 ? "s" : ""} ${behind.slice(0, 4).join(", ")} stopped at collective ${lo} while others reached ${hi}: a collective is the suspect`;
    }
  }
  // the first error is one of NCCL's or torch's NCCL failure signatures (a watchdog timeout, an NCCL error)
  const first = facts.firstError;
  if (first && signatureIdsAt(ctx, first).some((id) => id.startsWith("nccl."))) return `the first error is an NCCL/collective failure (line ${facts.firstError!.line}): a collective is the suspect`;
  return null;
}

export const rule = defineRule(meta, check);
