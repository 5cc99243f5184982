import { defineRule, type RuleSpec } from "../define.js";
import { uniqueEvidence } from "../helpers.js";
import { signalCount, signalHits, type Hit } from "../signals.js";
import type { FindingDraft, RuleContext } from "../types.js";
import { wslAdvice } from "./signature-rule.js";

export const meta = {
  id: "nccl/shm-too-small",
  defaultSeverity: "error",
  title: "Shared memory (/dev/shm) too small or unavailable",
  tags: ["nccl", "container", "memory"],
  sources: ["NCCL User Guide: troubleshooting.html (Sharing data: --shm-size, --ipc=host)", "vLLM docs: serving/parallelism_scaling (docker --ipc=host --shm-size, Kubernetes memory-backed /dev/shm)", "Ray source: python/ray/_private/services.py (object store falls back to /tmp when /dev/shm is small)", "coreutils df (Size column of the /dev/shm mount)", "NCCL source: include/shm.h (2.4-2.11), misc/shmutils.cc (2.12+): the failing call and its errno text before `Error while creating shared memory segment`"],
} satisfies RuleSpec;

/**
 * Below this a /dev/shm is a container's small default rather than a host's: NCCL's SHM transport takes a segment of
 * about 9 MiB per peer, channel and direction, and vLLM's shared-memory queues take more, so with a few GPUs 64 MB
 * runs out (a size Ray reports is its free space, which it finds short of its own object store).
 */
const SMALL_DEV_SHM = 2 ** 30;

const REMEDIATION = [
  "Docker: run with --ipc=host, or --shm-size=16g (and -v /dev/shm:/dev/shm when ranks run in different containers on one host).",
  "Kubernetes: mount an emptyDir with medium: Memory at /dev/shm.",
  "Check free space with `df -h /dev/shm` inside the container; NCCL_SHM_DISABLE=1 avoids SHM as a last resort (slower).",
];

/**
 * NCCL 2.12+ (misc/shmutils.cc) page-locks each segment it made for the GPU (cudaHostRegister, then
 * cudaHostGetDevicePointer) and prints the same `Error while creating shared memory segment` when that CUDA call fails,
 * returning ncclUnhandledCudaError instead of ncclSystemError: /dev/shm had the room, the pinning was refused
 */
const CUDA_REGISTER_REMEDIATION = [
  "NCCL_SHM_DISABLE=1: the ranks of the host then use P2P or the network instead of shared memory, and NCCL does not pin the segments.",
  "In a container: raise the locked-memory limit (docker --ulimit memlock=-1, Kubernetes IPC_LOCK or a host limit of unlimited) so that page-locking host memory can succeed.",
  "Under WSL2 or a vGPU, whose driver limits pinned host memory: run tensor parallelism on native Linux or a VM with the GPUs passed through, or use one GPU.",
];

/** a peer's segment that was not there to attach to */
const ATTACH_REMEDIATION = [
  "Let the ranks of one host share /dev/shm: run them in one container, or with docker --ipc=host (Kubernetes: in one pod, or hostIPC), or mount the host's /dev/shm into each container.",
  "If systemd-logind runs with RemoveIPC=yes (the default on many distributions), it deletes a user's shared memory when that user's last session ends: run the job as a system user or under a service, or set RemoveIPC=no in /etc/systemd/logind.conf and restart systemd-logind.",
  "Check that no rank of the host died before its peers attached (its own error comes earlier in the log); NCCL_SHM_DISABLE=1 avoids SHM as a last resort (slower).",
];

/** the system refused the segment's file (EACCES, EPERM, EROFS): who may write /dev/shm, not how big it is */
const DENIED_REMEDIATION = [
  "Check /dev/shm itself: `ls -ld /dev/shm` should show drwxrwxrwt (mode 1777, owned by root); restore it with `chmod 1777 /dev/shm` as root, and in a container mount it read-write (docker --ipc=host or --shm-size; Kubernetes: an emptyDir with medium: Memory at /dev/shm).",
  "Remove leftover nccl-* files in /dev/shm that another user's or an earlier container's run left behind (`ls -l /dev/shm/nccl-*`): NCCL before 2.12 named each segment after the process, and containers reuse process ids, so a stale file owned by someone else blocks the next run.",
  "If the mode is right, a security policy refused it: check the audit log (`ausearch -m avc`, `dmesg | grep -i apparmor`); NCCL_SHM_DISABLE=1 avoids SHM as a last resort (slower).",
];

/** a peer's segment this rank may not open: NCCL makes each one for its owner only (mode 0600) */
const DENIED_ATTACH_REMEDIATION = [
  "Run every rank of a host as the same user: NCCL creates each segment readable and writable by its owner only (mode 0600), so ranks in containers with different uids (docker --user, a pod's runAsUser) that share /dev/shm cannot open each other's.",
  ...DENIED_REMEDIATION.slice(2),
];

/** df's size: `64M`, `7.8G` (`-h`, powers of 1024), or a bare count of 1K blocks (plain `df`) */
const dfBytes = (size: string, unit: string | undefined) => Number(size.replace(",", ".")) * 1024 ** ("KMGT".indexOf(unit || "K") + 1);

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 1 : 0)} MiB`;

export const rule = defineRule(meta, (ctx: RuleContext): FindingDraft[] => {
  const failures = signalHits(ctx, ["nccl.shm"]);
  // the smallest /dev/shm the log reports (Ray's start-up warning: its free size; a pasted df row: the mount's size),
  // when it is a container's small default
  const small = [
    ...signalHits(ctx, ["vllm.rayDevShmSize"]).map((h): [Hit, number, string] => [h, Number(h.captures.devShmBytes), "free"]),
    ...signalHits(ctx, ["vllm.dfDevShm"]).map((h): [Hit, number, string] => [h, dfBytes(h.captures.dfShmSize, h.captures.dfShmUnit), "in all"]),
  ]
    .filter(([, n]) => Number.isFinite(n) && n < SMALL_DEV_SHM)
    .sort((a, b) => a[1] - b[1])[0];
  const sizeSaid = small ? ` The log reports /dev/shm with only ${mib(small[1])} ${small[2]} (line ${small[0].ev.line}).` : "";
  if (failures.length) {
    const size = failures.map((h) => h.captures.size ?? h.captures.sizeTo).find((v) => v !== undefined);
    const bytes = size ? Number(size) : null;
    const ofSize = bytes ? ` of ${(bytes / 2 ** 20).toFixed(1)} MiB` : "";
    const attach = failures.some((h) => h.captures.attach !== undefined);
    const retrying = !ctx.signals["nccl.shm"] || ctx.signals["nccl.shm"].onlyRetries;
    // a creation that failed with a CUDA error and no sign of a full /dev/shm: the segment was made, pinning it failed
    const cudaHits = signalHits(ctx, ["nccl.cudaError"]);
    // (NCCL 2.4-2.11's include/shm.h, segments named nccl-shm-send-/recv-, printed the WARN on system failures only; a
    // log that also says `unhandled system error` returned the system error, whatever CUDA failed elsewhere)
    const oldShm = failures.some((h) => h.captures.oldShm !== undefined);
    if (!attach && !retrying && !oldShm && cudaHits.length && !("nccl.systemError" in ctx.signals) && !failures.some((h) => h.captures.noRoom !== undefined)) {
      const wsl = wslAdvice(ctx);
      return [{
        message: `NCCL made a shared-memory segment in /dev/shm${ofSize} but could not register it with CUDA: the set-up failed with a CUDA error (line ${cudaHits[0].ev.line}), not a system error, and nothing in the log says /dev/shm ran out of room, so a larger /dev/shm does not help. NCCL page-locks each SHM segment for the GPU; that is refused where pinned host memory is limited: under WSL2, in a container with a low locked-memory limit, or on a vGPU.${sizeSaid}${wsl.length ? ` ${wsl[0]}` : ""}`,
        remediation: CUDA_REGISTER_REMEDIATION,
        evidence: uniqueEvidence([...failures.map((h) => h.ev), cudaHits[0].ev, small?.[0].ev, ...signalHits(ctx, ["vllm.wslPlatform"]).slice(0, 1).map((h) => h.ev)]).sort((x, y) => (x.file === y.file ? x.line - y.line : 0)),
        evidenceCount: signalCount(ctx, ["nccl.shm"]) + 1,
      }];
    }
    // the call that opened or made the file failed with a refusal (grammars/signatures.ts nccl.shm `denied`): a bigger
    // /dev/shm does not help; its mode, mount or a file of the same name owned by someone else does
    const denied = failures.find((h) => h.captures.denied !== undefined);
    if (denied && !retrying && !failures.some((h) => h.captures.noRoom !== undefined)) {
      const why = denied.captures.denied;
      const readOnly = /read-only/i.test(why);
      // only attaches were refused: the file is there, made by a rank this one may not open it as
      const peer = attach && !failures.some((h) => h.captures.creating !== undefined) && !readOnly;
      return [{
        message: `NCCL could not ${attach ? "attach to" : "create"} a shared-memory segment in /dev/shm${ofSize}: the system refused the file (${why}), so the size of /dev/shm is not the problem. ${readOnly ? "/dev/shm is mounted read-only here (a container or sandbox that mounts it so)." : peer ? "Another rank of this host made the segment, and NCCL makes it for its owner only: the ranks run as different users (containers with different uids sharing /dev/shm), or a security policy (SELinux, AppArmor) denies it." : "This user may not write there: /dev/shm lost its usual mode 1777, a file of the same name left by another user's run is in the way, or a security policy (SELinux, AppArmor) denies it."}${sizeSaid}`,
        remediation: peer ? DENIED_ATTACH_REMEDIATION : DENIED_REMEDIATION,
        evidence: uniqueEvidence([denied.ev, ...failures.map((h) => h.ev), small?.[0].ev]).sort((x, y) => (x.file === y.file ? x.line - y.line : 0)),
        evidenceCount: signalCount(ctx, ["nccl.shm"]) + (small ? 1 : 0),
      }];
    }
    // only attaches failed, and the segment was not there (ENOENT): the peer that made it is in another /dev/shm, or
    // the file went before this rank opened it; a full /dev/shm fails the creating rank, not this one
    const missing = attach && !failures.some((h) => h.captures.creating !== undefined) && failures.some((h) => h.captures.notThere !== undefined);
    const message = missing
      ? `NCCL could not attach to a shared-memory segment in /dev/shm that another rank of this host made: the file was not there (No such file or directory). The ranks then do not see one /dev/shm (separate containers or IPC namespaces), or the segment was removed before this rank opened it (systemd-logind's RemoveIPC deletes a user's segments when that user's last session ends; a rank that died first). A small /dev/shm fails the rank that creates a segment, not the one that attaches.${sizeSaid}`
      : `NCCL could not ${attach ? "attach to" : "create"} a shared-memory segment in /dev/shm${ofSize}. Docker gives containers a 64 MB /dev/shm by default, too small for NCCL's SHM transport${attach ? "; failing to attach also happens when ranks do not share the IPC namespace or /dev/shm" : ""}.${sizeSaid}`;
    return [{
      message: retrying ? `${message} The log shows only retries and ends before NCCL gave up or connected, so this may still have recovered.` : message,
      remediation: missing ? ATTACH_REMEDIATION : REMEDIATION,
      evidence: uniqueEvidence([...failures.map((h) => h.ev), small?.[0].ev]).sort((x, y) => (x.file === y.file ? x.line - y.line : 0)),
      evidenceCount: signalCount(ctx, ["nccl.shm"]) + (small ? 1 : 0),
      ...(retrying ? { severity: "warning" as const } : {}),
    }];
  }
  if (!small) return [];
  // no failure yet: the size alone, a warning; a run the log shows on one GPU (TP 1, PP 1) never needs the room
  const c = ctx.facts.config;
  const gpus = (c.tensorParallelSize ?? 1) * (c.pipelineParallelSize ?? 1);
  if (c.tensorParallelSize !== null && gpus === 1) return [];
  return [{
    severity: "warning",
    message: `/dev/shm has only ${mib(small[1])} ${small[2]} (line ${small[0].ev.line}), about a container's default size. NCCL's SHM transport between GPUs of one host and vLLM's shared-memory queues allocate there, ${gpus > 1 ? `so with ${gpus} GPUs (TP × PP) ` : "so with several GPUs "}they can run out of room; that shows later as NCCL \`Error while creating shared memory segment\`, \`unhandled system error\` or a worker's \`Bus error\`.`,
    remediation: REMEDIATION,
    evidence: [small[0].ev],
  }];
});
export const check = rule.check;
