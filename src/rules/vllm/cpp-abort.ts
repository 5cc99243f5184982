import type { RuleContext, FindingDraft } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { signalHits, signatureIdsAt, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/cpp-abort",
  defaultSeverity: "error",
  title: "A process aborted on an uncaught C++ exception (std::terminate)",
  tags: ["crash", "c++", "abort", "sigabrt", "torch"],
  sources: [
    "libstdc++: __gnu_cxx::__verbose_terminate_handler (libsupc++/vterminate.cc: `terminate called after throwing an instance of '<type>'`, `  what():  <what()>`, `terminate called recursively`, `terminate called without an active exception`, then abort())",
    "PyTorch: c10/util/Exception.h (c10::Error's what() with `Exception raised from <function> at <file>:<line> (most recent call first):` and its frames), torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp (the watchdog rethrows a failed or timed-out collective as c10::DistBackendError on its own thread, which aborts the process)",
    "Ray: src/ray/util/logging.cc (ray::TerminateHandler: `Unhandled exception: <mangled type>. what(): <what()>` and a stack trace in every worker)",
    "cppreference: std::terminate, std::bad_alloc, std::bad_array_new_length, std::length_error, std::thread::~thread (terminate when joinable)",
  ],
} satisfies RuleSpec;

/** how many lines after `terminate called` its `what():` line may come (another thread's lines may stand between) */
const WHAT_WINDOW = 12;
/** the signatures of this rule (a line that matched only these is explained by nothing else) */
const OWN = new Set(["torch.terminate", "torch.terminateWhat", "torch.processAborted"]);
/** signatures whose rules read a collective backend's failure the abort carried, when its what() line is not in the log */
const NCCL_READ = ["nccl.timeout", "nccl.timeoutProgress", "torch.ncclWatchdogExit", "nccl.generic"];

/** An Itanium-mangled type name as Ray's handler prints it (`St12length_error`, `N3c1016DistBackendErrorE`); templates stay as written. */
export function demangle(name: string): string {
  let s = name;
  const parts: string[] = [];
  if (s.startsWith("N") && s.endsWith("E")) s = s.slice(1, -1);
  if (s.startsWith("St")) {
    parts.push("std");
    s = s.slice(2);
  }
  while (s) {
    const m = /^(\d+)/.exec(s);
    if (!m) return name;
    const n = Number(m[1]);
    const part = s.slice(m[1].length, m[1].length + n);
    if (part.length < n) return name;
    parts.push(part);
    s = s.slice(m[1].length + n);
  }
  return parts.length ? parts.join("::") : name;
}

interface Abort {
  term: Hit;
  what: Hit | undefined;
  type: string | undefined;
  text: string | undefined;
  said: (k: string) => boolean;
  explained: boolean;
}

const clip = (t: string, max: number) => (t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}\u2026`);

const sameProc = (a: Hit, b: Hit) => a.captures.proc === b.captures.proc;

/** Each `terminate called` line with the `what():` line of its process after it and what the two say. */
function abortsOf(ctx: RuleContext): Abort[] {
  const terms = signalHits(ctx, ["torch.terminate"]);
  const whats = signalHits(ctx, ["torch.terminateWhat"]);
  const used = new Set<Hit>();
  return terms.map((t, i) => {
    // the next terminate line of the same process closes the window
    const next = terms.slice(i + 1).find((o) => o.input === t.input && sameProc(o, t));
    const inWindow = (w: Hit) => !used.has(w) && w.input === t.input && w.ev.line > t.ev.line && w.ev.line <= t.ev.line + WHAT_WINDOW && (next === undefined || w.ev.line < next.ev.line);
    // (a terminate line read joined with the line after it, as a wrapped record is, carries its what() too: the what()
    // line is still the evidence)
    const what = whats.find((w) => inWindow(w) && sameProc(w, t)) ?? whats.find(inWindow);
    if (what) used.add(what);
    const c = { ...t.captures, ...(what?.captures ?? {}) };
    const type = c.excType ?? (c.mangled !== undefined ? demangle(c.mangled) : undefined);
    const said = (k: string) => c[k] !== undefined;
    // another rule reads the failure the exception carried from its own line (NCCL's error, the watchdog's timeout, a
    // CUDA error): the abort is how that failure ended the process
    const at = what?.ev ?? t.ev;
    const others = signatureIdsAt(ctx, at).filter((id) => !OWN.has(id));
    const explained = others.length > 0 || (what === undefined && t.captures.what === undefined && said("distType") && NCCL_READ.some((id) => id in ctx.signals));
    return { term: t, what, type, text: c.what, said, explained };
  });
}

const MEMORY = "std::bad_alloc is thrown when an allocation of host memory (RAM) fails: the host or the container's memory limit ran out, or a size computed wrongly asked for more than any host has.";

export function check(ctx: RuleContext): FindingDraft[] {
  const aborts = abortsOf(ctx);
  if (!aborts.length) return [];
  // the first abort nothing else explains leads; a `terminate called recursively` line names no exception, so one that does is preferred
  const unexplained = aborts.filter((a) => !a.explained);
  const pool = unexplained.length ? unexplained : aborts;
  const lead = pool.find((a) => a.type !== undefined) ?? pool.find((a) => a.said("noActive")) ?? pool[0];
  const s = lead.said;
  const procs = new Set(aborts.map((a) => `${a.term.input}\u0000${a.term.captures.proc ?? ""}`)).size;
  const ended = signalHits(ctx, ["torch.processAborted"]).find((h) => h.input === lead.term.input && h.ev.line > lead.term.ev.line && (h.captures.proc === undefined || lead.term.captures.proc === undefined || sameProc(h, lead.term)));
  const evidence = uniqueEvidence([lead.term.ev, lead.what?.ev, ended?.ev]);
  const exception = lead.type !== undefined ? `an uncaught ${lead.type}${lead.text ? ` (what(): ${clip(lead.text, 300)})` : ""}` : s("noActive") ? "std::terminate with no active exception" : "an uncaught C++ exception whose type the log does not show (`terminate called recursively`: a second thread terminated while the first was still reporting)";
  const more = procs > 1 ? ` ${procs} processes aborted this way.` : "";
  const endedSaid = ended ? ` The abort shows at line ${ended.ev.line}: \`${clip(ended.captures.message.trim(), 120)}\`.` : "";

  if (!unexplained.length) {
    const what = s("ncclSaid") || s("distType") ? "the collective backend's (NCCL) failure" : s("cudaSaid") || s("cudaType") ? "the CUDA error" : "the failure";
    return [{
      severity: "info",
      message: `The process aborted (std::terminate, SIGABRT) on ${exception}: it carries ${what} that another finding of this report reads, whose cause and fix are this abort's too.${more}`,
      evidence,
      remediation: ["Fix the failure the other finding names: the abort only ended the process, because PyTorch rethrows a failed collective or a CUDA error on a background thread (the NCCL watchdog, a CUDA event or allocator callback), where no Python code can catch it."],
    }];
  }

  const mem = s("memType") || s("memMangled") || s("memSaid");
  const cuda = !mem && (s("cudaType") || s("cudaSaid"));
  const dist = !mem && !cuda && (s("distType") || s("ncclSaid"));
  const bug = !mem && !cuda && !dist && (s("bugType") || s("bugMangled"));
  const why = mem
    ? MEMORY
    : cuda
      ? "The exception is a CUDA error raised in native code no Python frame was around to catch (CUDA reports kernel faults asynchronously, at a later call)."
      : dist
        ? "The exception is the collective backend's: PyTorch's NCCL watchdog rethrows a failed or timed-out collective on its own thread, which aborts the process; the lines of this rank before it say which collective failed and how."
        : bug
          ? `${lead.type} is the C++ standard library refusing a size, an index or an argument (a negative or huge length, an index past the end): a bug in the native code that threw it, or an input it did not expect (a request, a checkpoint or a configuration value out of range), not a resource that ran out.`
          : s("noActive")
            ? "std::terminate ran without an exception: a std::thread destroyed while still joinable (often while the process shuts down) or a direct call of std::terminate, a bug in the native code or an exit that did not stop its threads."
            : "Nothing caught it, so the C++ runtime called std::terminate, which aborts the process (SIGABRT); the native library that threw it is the one to look at.";
  const remediation: string[] = [];
  if (mem) {
    remediation.push(
      "Give the process more host memory, or make it need less: check `free -g` on the host and the container's limit (`docker stats`, the pod's `resources.limits.memory`), lower --swap-space, --cpu-offload-gb or --max-num-seqs, and run fewer processes per node; `dmesg` shows whether the kernel's OOM killer acted too.",
      "If the host had memory to spare, the size asked for was wrong (a corrupt checkpoint, an overflowed length): file an issue with the log from `terminate called` on and the versions (`python collect_env.py`).",
    );
  } else if (cuda) {
    remediation.push("Rerun with CUDA_LAUNCH_BLOCKING=1 (slow) so the error is raised at the kernel that failed, and read the lines before the abort on the same process; a fault that moves with the GPU is the hardware's (`nvidia-smi -q -d ECC`, `dmesg | grep Xid`).");
  } else if (dist) {
    remediation.push("Rerun with NCCL_DEBUG=INFO and read this rank's NCCL and watchdog lines before the abort: a timeout means a rank that fell behind or hung, an NCCL error names the call and the peer; the abort itself is PyTorch's way of stopping a rank whose collective failed (TORCH_NCCL_ASYNC_ERROR_HANDLING).");
  } else {
    remediation.push(
      `This is most likely a bug or an input the native code did not expect: file an issue with vLLM (or the library in the stack: PyTorch, the attention or quantization kernels) with the log from \`terminate called\` on${lead.type ? ` (the exception, ${lead.type}, and its what())` : ""}, the command line, the request or input it was processing, and \`python collect_env.py\`.`,
      "Try to reproduce it with that input alone, and with the previous release; meanwhile avoid the feature or input that triggers it.",
    );
  }
  remediation.push("To see where it was thrown, run the process under gdb (`gdb -ex 'catch throw' -ex r --args python -m vllm.entrypoints.openai.api_server ...`, then `bt` at the catch) or let it dump core (`ulimit -c unlimited`) and read the core's stack with `gdb python core`.");
  return [{
    message: `A process aborted on ${exception}. ${why}${endedSaid}${more}`,
    evidence,
    remediation,
  }];
}

export const rule = defineRule(meta, check);
