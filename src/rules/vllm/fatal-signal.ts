import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/fatal-signal",
  defaultSeverity: "error",
  title: "A process died of a fatal signal (SIGBUS, SIGSEGV)",
  tags: ["vllm", "crash", "memory", "shm", "host"],
  sources: [
    "PyTorch source: torch/distributed/elastic/multiprocessing/errors/__init__.py (`Signal N (SIGxxx) received by PID`, a negative exitcode is the signal's number), torch/multiprocessing/spawn.py, torch/utils/data/_utils/signal_handling.py (DataLoader: bus error and insufficient shared memory)",
    "vLLM docs: deployment/docker.md (--ipc=host or --shm-size: PyTorch shares memory between processes through /dev/shm); vllm/distributed/device_communicators/shm_broadcast.py (the shared-memory queue between the engine and its workers)",
    "Linux: signal(7) (SIGBUS: access to an undefined portion of a memory object, as a page of a full tmpfs or a truncated mapped file; SIGSEGV: invalid memory reference)",
  ],
} satisfies RuleSpec;

const BY_NUMBER: Record<string, string> = { "4": "SIGILL", "7": "SIGBUS", "8": "SIGFPE", "11": "SIGSEGV" };
const BY_WORDS: Record<string, string> = { "bus error": "SIGBUS", "segmentation fault": "SIGSEGV", segfault: "SIGSEGV", "floating point exception": "SIGFPE", "illegal instruction": "SIGILL" };
/** glibc's strsignal words for the same signals under a zh_CN locale (what bash prints for a job that died). */
const BY_WORDS_ZH: Record<string, string> = { "\u6bb5\u9519\u8bef": "SIGSEGV", "\u603b\u7ebf\u9519\u8bef": "SIGBUS", "\u6d6e\u70b9\u6570\u4f8b\u5916": "SIGFPE", "\u975e\u6cd5\u6307\u4ee4": "SIGILL" };

/** The signal a line names: its name, its number (a negative exit code), or the words a shell or CPython prints for it. */
function signalOf(h: Hit): string | undefined {
  const c = h.captures;
  if (c.signal) return c.signal;
  if (c.code && BY_NUMBER[c.code]) return BY_NUMBER[c.code];
  if (c.whatZh) return BY_WORDS_ZH[c.whatZh];
  const words = (c.what ?? c.what2)?.toLowerCase();
  return words ? BY_WORDS[words] : undefined;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.fatalSignal"]);
  if (!hits.length) return [];
  const signals = [...new Set(hits.map(signalOf).filter((s): s is string => s !== undefined))];
  const bus = signals.includes("SIGBUS");
  const segv = signals.includes("SIGSEGV");
  const shmSaid = hits.some((h) => h.captures.shm !== undefined);
  const named = signals.length ? signals.join(" and ") : "a fatal signal";
  const parts: string[] = [];
  if (bus) parts.push(`SIGBUS (bus error) is what Linux sends when a process touches memory that cannot be backed: most often shared memory in /dev/shm that ran out${shmSaid ? " (the line itself names insufficient shared memory)" : ""} — a container's /dev/shm is 64 MB unless --shm-size or --ipc=host says otherwise — which vLLM's queue between the engine and its workers, NCCL's SHM transport and tensors shared between processes all use; less often a memory-mapped checkpoint file that was cut or changed while it was read`);
  if (segv) parts.push("SIGSEGV (segmentation fault) is a crash in native code: a CUDA or C++ extension (vLLM's kernels, NCCL, NVSHMEM, a communication library) or a mismatch between binary builds; the stack printed with it names the library");
  if (signals.includes("SIGILL") || signals.includes("SIGFPE")) parts.push("SIGILL / SIGFPE come from native code built for another CPU or GPU than this one, or an arithmetic fault in it");
  const remediation: string[] = [];
  if (bus) {
    remediation.push(
      "Check the shared memory: `df -h /dev/shm` where the process ran. In Docker run with `--ipc=host` or `--shm-size=16g` (or more); in Kubernetes mount an `emptyDir` with `medium: Memory` (and a sizeLimit) at /dev/shm; it is RAM, so count it in the memory limit.",
      "If /dev/shm has room, check the model files the process maps: a checkpoint on a full disk or on network storage that changed while it loaded gives the same signal; copy it to local disk and verify its size.",
    );
  }
  if (segv) remediation.push("Read the native stack printed with the crash (faulthandler's `Fatal Python error` stack, the `PC: @` frames) for the library that crashed; make sure vLLM, torch and the kernel packages (flashinfer, DeepEP/NVSHMEM, DeepGEMM) are builds meant for each other, and retry with the previous release or without the feature in that stack (e.g. --enforce-eager when it crashed in CUDA graph capture).");
  remediation.push("A launcher reports the dead process's signal as a negative exit code (`exitcode: -7` is SIGBUS, -11 SIGSEGV): the other ranks then fail or time out as a consequence, so this process's crash is the one to fix.");
  return [{
    message: `A process was killed by ${named}. ${parts.length ? `${parts.join(". ")}.` : "The process crashed in native code rather than raising a Python error."}`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
