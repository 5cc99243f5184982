import type { RuleContext, FindingDraft } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { DEBUG_HINT } from "./signature-rule.js";
import { signalCount, signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";
import { ofiAdvice } from "./ofi-advice.js";
import { noAlgoAdvice, noAlgoOf, noAlgoSaid } from "./no-algo.js";
import { collMismatchOf, collMismatchSaid, SAME_CALLS_HINT, SAME_PROGRAM_HINT } from "./coll-mismatch.js";

/** The signatures a specific nccl/* rule explains: with any of them in the log, this rule stays quiet. */
const SPECIFIC = ["nccl.systemError", "nccl.mnnvl", "nccl.internalError", "nccl.remoteExited", "nccl.remoteExitedNet", "nccl.cudaError", "nccl.ibError", "nccl.duplicateGpu", "nccl.shm", "nccl.bootstrap", "nccl.bootstrapWeak", "torch.uniqueIdStore", "nccl.timeout", "nccl.versionMismatch", "nccl.sharpFailed", "nccl.ofiRails", "nccl.collMismatchWarn"];

export const meta = {
  id: "nccl/error",
  defaultSeverity: "error",
  title: "NCCL reported an error",
  tags: ["nccl", "error"],
  sources: ["vLLM docs: serving/parallelism_scaling (Communication errors: reachability, firewall, same versions, NCCL_DEBUG=INFO)", "vLLM source: pynccl_wrapper.py (bare 'NCCL error: <string>')"],
} satisfies RuleSpec;

/** NCCL's own reading of `message truncated`, and what to check first */
const TRUNCATED_HINT = SAME_CALLS_HINT;

/**
 * bootstrap's framing check (`Message truncated : received N bytes instead of M`): the two ranks are at different steps of
 * NCCL's set-up exchange, which no collective's size or protocol takes part in
 */
const SETUP_TRUNCATED_HINT = "Run one NCCL on every rank and node (compare the `NCCL version` lines: an LD_LIBRARY_PATH or LD_PRELOAD libnccl.so.2 can differ from the one the framework ships) with the same NCCL_* settings, give each run its own master port so no process of an earlier or parallel run answers on it, and create communicators (process groups) in the same order on every rank; when it comes and goes with one NCCL release only, try another release.";

/** the NCCL a PyTorch build expects */
const UNDEF_HINT = "Make the process load the NCCL that comes with this PyTorch (the nvidia-nccl wheel of the same pip environment): remove the LD_LIBRARY_PATH or LD_PRELOAD entry that puts an older system, module or conda libnccl.so.2 first, or upgrade that NCCL to the wheel's version.";

/** RCCL reading the KFD topology of GPUs the process cannot see */
const KFD_HINT = "Make all GPUs of the node visible to every rank (SLURM --gpus-per-node instead of --gpus-per-task; the container's /dev/dri and /dev/kfd devices for all GPUs) and select the rank's GPU by its local rank; check that /sys/class/kfd/kfd/topology/nodes is readable inside the container.";

/** one launcher per process, distinct ranks, one rendezvous per run */
const TWICE_HINT = "Let one launcher start the processes: under SLURM either srun starts one task per GPU (--ntasks-per-node = GPUs per node, the framework reading SLURM_PROCID / SLURM_LOCALID) or srun starts one torchrun per node (--ntasks-per-node=1) that spawns the GPUs, never both. Check that RANK differs across the processes (print it at start-up), and give runs that share nodes different MASTER_PORT values.";

/** what an exception the watchdog carried is, when another rule reads it: a CUDA fault, a timeout */
const WATCHDOG_EXPLAINED = ["vllm.cudaFault", "torch.cudaKernelAssert", "vllm.rocrFault", "nccl.timeout", "nccl.timeoutProgress"];

/**
 * PyTorch's NCCL watchdog thread ended on an exception no other rule reads (grammars/signatures.ts torch.ncclWatchdogExit):
 * an INTERNAL ASSERT of PyTorch's own, `unknown`, or only the C++ frames of the error it rethrew, its message cut off
 */
function watchdogExit(ctx: RuleContext, generic: Hit[] = []): FindingDraft[] {
  const hits = signalHits(ctx, ["torch.ncclWatchdogExit"]);
  if (!hits.length || WATCHDOG_EXPLAINED.some((id) => id in ctx.signals)) return [];
  const said = hits.find((h) => h.captures.dogWhat !== undefined)?.captures.dogWhat.replace(/\.+$/, "");
  // (an NCCL error it carried, `NCCL error: invalid usage ...`, is the generic finding's, which names its code)
  if (generic.length && said !== undefined && /\bNCCL error\b|\bnccl[A-Z]\w*Error\b/.test(said)) return [];
  const known = said !== undefined && !/^unknown$/i.test(said);
  const assert = hits.some((h) => h.captures.dogAssert !== undefined);
  const rank = ctx.signals["torch.ncclWatchdogExit"]?.ranks[0];
  return [{
    message: `PyTorch's NCCL watchdog thread${rank !== undefined ? ` of rank ${rank}` : ""} ended with an exception${known ? `: ${said}` : said !== undefined ? " it could not name (unknown)" : " whose message is not in the log (only the C++ frames of the error it rethrew are)"}. ${hits.some((h) => h.captures.dogInfo !== undefined) ? "PyTorch of this age logs it and lets the thread end: the process goes on, but nothing checks its collectives for errors or timeouts any more, so a later failure hangs instead of stopping" : "The watchdog rethrows it and the process aborts, so every collective of its process groups stops with it"}${assert ? "; an INTERNAL ASSERT FAILED is a check inside PyTorch itself, a PyTorch bug rather than a fault of NCCL or the network" : "; the log does not show a more specific cause"}.`,
    evidence: uniqueEvidence([...hits, ...generic].map((h) => h.ev)),
    evidenceCount: signalCount(ctx, ["torch.ncclWatchdogExit"]) + generic.length,
    remediation: [
      ...(assert ? ["Upgrade PyTorch (the assert names its source file and line: search PyTorch's issues for it), and turn off the debug option that runs that check if one is set (TORCH_NCCL_DESYNC_DEBUG, TORCH_DISTRIBUTED_DEBUG=DETAIL)."] : []),
      "Read the lines just before the watchdog's message on the same rank: the first NCCL WARN, CUDA error or timeout there is what it carried; a pasted excerpt that starts at the C++ frames has cut that message off.",
      DEBUG_HINT,
    ],
  }];
}

/** Reports NCCL errors that no specific nccl/* rule explains. */
export function check(ctx: RuleContext): FindingDraft[] {
  const all = signalHits(ctx, ["nccl.generic"]);
  // a topology XML without an attribute NCCL reads (`Attribute arch of node cpu not found`) followed by its `-> 3` returns
  // is nccl/internal-error's, which names it, even with no `internal error` text in the log
  // (so is graph/paths.cc's `Failed to find reverse path …` before its `-> 3`: the topology search, and allocator.cc's
  // `No suitable space found to accommodate …`: the symmetric-memory address space)
  const topoXml = "nccl.internalErrorReturn" in ctx.signals && signalHits(ctx, ["nccl.internalDetail"]).some((h) => h.captures.topoAttr !== undefined || h.captures.reversePath !== undefined || h.captures.spaceSize !== undefined);
  const specific = topoXml || SPECIFIC.some((id) => id in ctx.signals);
  // a traceback that ends inside vLLM's pynccl or torch's NCCL set-up failed in NCCL even when its last line was cut off
  const ncclTracebacks = (ctx.facts.tracebacks?.list ?? []).filter((t) => t.libraries.nccl);
  if (!all.length && ncclTracebacks.length) {
    if (specific) return [];
    const t = ncclTracebacks[0];
    // (a communicator's constructor or its unique id is set-up; `all_reduce` → `NCCL_CHECK` is a collective)
    const setUp = t.libraries.nccl!.some((f) => /init|unique_?id|create/i.test(f));
    return [{
      message: `A traceback ends inside ${setUp ? "NCCL set-up" : "an NCCL call"} (${t.libraries.nccl!.join(" → ")})${t.errorType ? `: ${t.errorType}: ${t.message}` : ", and the excerpt stops before the error text"}.`,
      evidence: [t.evidence],
      remediation: [DEBUG_HINT, "Check that all nodes can reach each other by IP and that no firewall blocks TCP between them.", "Run the same container image (same vLLM, torch and NCCL) on every node."],
    }];
  }
  if (!all.length) return specific ? [] : watchdogExit(ctx);
  if (specific) return [];
  // an NCCL INFO line is an error only as an error return (`file.cc:N -> M`); the values are the signature's (grammars/signatures.ts)
  const hits = all.filter((h) => h.captures.info === undefined || h.captures.errorReturn !== undefined);
  if (!hits.length) return [];
  // the watchdog's own message names what ended it, when the generic lines do not (torch's `terminate called after
  // throwing an instance of 'c10::DistBackendError'` after it); an NCCL error text inside it is read below, by its code
  if (!hits.some((h) => h.captures.codeName !== undefined || h.captures.codeText !== undefined)) {
    const dog = watchdogExit(ctx, hits);
    if (dog.length) return dog;
  }
  const code = hits.find((h) => h.captures.codeName !== undefined || h.captures.codeText !== undefined)?.captures;
  const what = code ? (code.codeName ? `nccl${code.codeName}` : code.codeText.trim()) : "an error";
  const invalid = hits.some((h) => h.captures.invalidUsage !== undefined);
  // NET/Socket's or NET/IB's `message truncated`: NCCL names the cause itself (a receive smaller than what the peer sent)
  const truncated = signalHits(ctx, ["nccl.internalDetail"]).find((h) => h.captures.truncated !== undefined);
  const sizes = truncated?.captures.gotBytes !== undefined ? ` (${truncated.captures.gotBytes} bytes arrived where ${truncated.captures.wantBytes} were posted)` : "";
  // bootstrap's own check (the past tense, in no socket transport file): a set-up message, not a collective's data
  const setupTruncated = truncated !== undefined && truncated.captures.setupStep !== undefined && truncated.captures.socketFile === undefined;
  // the rank of the first failure NCCL did not go on from: with processes interleaved, the first generic line can be
  // another rank's plugin failure that a later line of its own answered (facts.recovered), which is no failure
  const firstHit = ctx.signals["nccl.generic"]?.lines.find((l) => l.input === hits[0].input && l.line === hits[0].ev.line);
  const on = firstHit?.rank != null ? ` on rank ${firstHit.rank}` : "";
  // bootstrap.cc's root heard from one rank twice: the launcher started two processes as that rank
  const twice = hits.find((h) => h.captures.twiceRank !== undefined);
  // NCCL_CONFIG_UNDEF_INT refused: an NCCL older than the headers PyTorch was built with
  const undef = signalHits(ctx, ["nccl.configBlocking"]).find((h) => h.captures.blockingValue === "-2147483648");
  // RCCL's SMI fallback (misc/alt_rsmi.cc) could not read a KFD topology node (/sys/class/kfd/kfd/topology/nodes/N):
  // the process sees part of the machine's GPU topology only, and what RCCL builds from it fails later
  const kfd = hits.find((h) => h.captures.kfdNode !== undefined)?.captures.kfdNode;
  // aws-ofi-nccl giving up its own start (no EFA provider, no protocol that worked): NCCL does not use it, and the log
  // stops before showing what NCCL did next (nccl/net-plugin-fallback says so when a later line shows it went on)
  const ofiOut = hits.find((h) => h.captures.ofiGaveUp !== undefined)?.captures.ofiGaveUp;
  // enqueue.cc's tuner found no algorithm and protocol for a collective (./no-algo.ts), NCCL_ALGO / NCCL_PROTO set; when
  // the call returned ncclInternalError instead (its `-> 3` chain), nccl/internal-error names the same cause
  const noAlgo = noAlgoOf(ctx);
  if (noAlgo && "nccl.internalErrorReturn" in ctx.signals) return [];
  // a `-> 2` return chain is nccl/system-error's, which names the failing call from the lines before it: with nothing of
  // its own to add (no cause this rule names below, no plugin advice), this rule's "no more specific cause" would only
  // repeat that error under a vaguer title (real: a 2.4 `Net : Socket creation failed` WARN and an unreadable GPU sysfs
  // path, each followed by `-> 2`)
  // net_ib's `collective mismatch error` (./coll-mismatch.ts): from 2.12 the send returns ncclInvalidUsage; before, its
  // `-> 3` chain is nccl/internal-error's, which names the same cause
  const mismatch = collMismatchOf(ctx);
  if (mismatch && "nccl.internalErrorReturn" in ctx.signals) return [];
  const ownCause = undef || kfd || truncated || twice || noAlgo || mismatch || ofiOut !== undefined;
  if (!ownCause && "nccl.systemErrorReturn" in ctx.signals && !ofiAdvice(hits.map((h) => h.captures)).length) return [];
  const said = undef
    ? `: NCCL refused the communicator config PyTorch passed (blocking = -2147483648, the value newer NCCL headers use for "not set"). The libnccl loaded at run time is older than the NCCL PyTorch was built against: NCCL before 2.17 accepts only 0 and 1 there.`
    : kfd
    ? `: RCCL could not read KFD topology node ${kfd} (/sys/class/kfd/kfd/topology/nodes/${kfd}), so the GPU topology it builds is incomplete. This happens when the process sees only some of the node's GPUs (a container or a scheduler cgroup, e.g. SLURM --gpus-per-task) or in a virtual machine; communicator set-up then fails (unhandled cuda error, or the topology search).`
    : setupTruncated
    ? `: a set-up message from a peer was larger than the one this rank expected at that step${sizes.replace("were posted", "were expected")}. The two ranks are at different steps of NCCL's set-up exchange: ranks with a different NCCL or different NCCL_* settings plan different connections, a process of another run answers on this run's port, or the ranks create their communicators in a different order. No collective's size or protocol takes part in it.`
    : mismatch
    ? `: ${collMismatchSaid(mismatch)}.`
    : truncated
    ? `: a peer sent a message larger than the receive this rank posted${sizes}. The ranks disagree on a collective: its size, its order, or the protocol (NCCL_PROTO, NCCL_ALGO) each rank runs.`
    : twice
      ? `: NCCL's bootstrap root heard from rank ${twice.captures.twiceRank} of ${twice.captures.twiceOf} twice, so two processes started as the same rank and the communicator never forms. Either two launchers each started the processes (srun's tasks and torchrun's or the framework's own spawn), or two runs share one master address and port.`
      : noAlgo
      ? `: ${noAlgoSaid(noAlgo)}.`
      : ofiOut
      ? `: the aws-ofi-nccl plugin gave up its initialisation (${ofiOut}), so NCCL cannot use the OFI (EFA) network; the log stops before showing whether NCCL went on with its own IB or socket transport.`
      : ". The log does not show a more specific cause.";
  return [{
    message: `NCCL reported ${what}${on}${said}`,
    evidence: uniqueEvidence([...(undef ? [undef.ev] : []), ...(mismatch ? [mismatch.ev] : []), ...(truncated ? [truncated.ev] : []), ...(twice ? [twice.ev] : []), ...(noAlgo ? [noAlgo.hit.ev] : []), ...hits.map((h) => h.ev)]),
    evidenceCount: signalCount(ctx, ["nccl.generic"]),
    remediation: [
      ...(undef ? [UNDEF_HINT] : []),
      ...(kfd ? [KFD_HINT] : []),
      ...(mismatch ? [SAME_CALLS_HINT, SAME_PROGRAM_HINT] : truncated ? [setupTruncated ? SETUP_TRUNCATED_HINT : TRUNCATED_HINT] : []),
      ...(twice ? [TWICE_HINT] : []),
      ...(noAlgo ? noAlgoAdvice(noAlgo) : []),
      // aws-ofi-nccl's own WARNs name the plugin and often the cause (./ofi-advice.ts): first, as they are the log's own words
      ...(ofiOut ? ofiAdvice(hits.map((h) => h.captures)) : []),
      DEBUG_HINT,
      ...(ofiOut ? [] : ofiAdvice(hits.map((h) => h.captures))),
      "Check that all nodes can reach each other by IP and that no firewall blocks TCP between them.",
      "Run the same container image (same vLLM, torch and NCCL) on every node.",
      ...(invalid && !noAlgo ? ["'invalid usage' means NCCL was called or configured in a way it refuses: duplicate GPUs, mismatched versions or ranks, a wrong NCCL_NET setting, or NCCL_ALGO / NCCL_PROTO forcing an algorithm or protocol that some collective lacks (NCCL_DEBUG=WARN names which)."] : []),
    ],
  }];
}

export const rule = defineRule(meta, check);
