/**
 * Text signatures of NCCL failures, shared by the nccl/* error rules and by nccl/error (which reports only
 * what none of the specific rules explains). Each is tested against an event's raw line and its message.
 */

/** A line said by or about NCCL (its WARN/INFO records, PyTorch's c10d NCCL errors, vLLM's pynccl). */
export const NCCL_CONTEXT = /NCCL|nccl|ProcessGroupNCCL|DistBackendError|socketProgress|Net : |NET\//;

/** NCCL WARNs that do not report a failure (CONTRACT.md: they never count as errors). */
export const BENIGN_WARN = /Failed to open libibverbs|CollNet is not supported|Could not find real path|nvmlDeviceGetP2PStatus|NCCL_IGNORE_DISABLED_P2P|Mismatched NCCL version detected : rank \d+ version (\d+) rank \d+ version \1\b|NET\/Plugin\s?: (?:No plugin found|Plugin load|dlerror|Could not find|Failed to find ncclNetPlugin|Using internal)|\bis deprecated\b|async event\s*:\s*(?:port active|GID table change|LID change|client reregistration|SM change|P_Key change)|set by environment to/i;

/** NCCL's INFO lines that announce a retry (2.24+ prints one per attempt): a failure only if the log never gets past it. */
export const RETRY = /\bretrying\b|\bRetry(?:ing)? \d+\s*\/\s*\d+|retry \d+\/\d+|, retrying|after sleep/i;

/**
 * `X.*Y` as a regex source that stays linear on a line: `X.*Y` searched from every position of a line holding
 * X many times and no Y backtracks to the line's end once per X (20 such 64 KB lines took a minute). The same
 * meaning is "the first X of a line is followed by a Y", tried once from each line's start (the regex has the `m`
 * flag, so a text of several lines is read line by line as before).
 */
export function firstThen(x: string, rest: string): string {
  return `^(?:(?!${x}).)*${x}${rest}`;
}

const alt = (parts: string[], flags: string) => new RegExp(parts.join("|"), `${flags}m`);

export const SIG = {
  systemError: /unhandled system error|ncclSystemError/i,
  internalError: /\binternal error\b|ncclInternalError|Internal check failed/i,
  remoteExited: /remote process exited or there was a network error|ncclRemoteError|remote process exiting prematurely/i,
  remoteExitedNet: /Connection closed by remote peer|Connection reset by peer|Call to recv from \S+ failed|Broken pipe/i,
  cudaError: /Cuda failure|unhandled cuda error|ncclUnhandledCudaError|Failed to CUDA (?:calloc|malloc|host ?alloc)/i,
  ibError: alt(["Call to ibv_\\w+ failed", "ibv_\\w+ failed", "Got completion from peer", firstThen("NET\\/IB\\s?: ", ".*(?:async (?:error )?event|error|failed)"), "ib_plugin\\.c:\\d+ NCCL WARN"], "i"),
  duplicateGpu: alt(["Duplicate GPU detected", firstThen("Multiple ranks ", ".* same (?:GPU|CUDA device)"), "NCCL_MULTI_RANK_GPU_ENABLE"], "i"),
  shm: alt(
    [
      "shared memory segment", "failed to extend \\/dev\\/shm", firstThen("\\/dev\\/shm\\/nccl-", "\\S.*(?:fail|error)"), "failed to create shared memory file", "ncclShmOpen",
      firstThen("No space left on device", ".*shm"), firstThen("shm", ".*No space left on device"),
    ],
    "i",
  ),
  bootstrap: alt(
    [
      "no socket interface found", firstThen("socketStartConnect: Connect to ", ".* failed"), "Call to connect failed", "Connect to \\S+ failed", "connect returned Connection (?:timed out|refused)",
      firstThen("Bootstrap", ".*(?:failed|timed? ?out)"), firstThen("bootstrap(?:Net)?(?:Accept|Connect|Recv|Send)", ".*(?:failed|error)"),
    ],
    "i",
  ),
  /** weaker words that count only on a line about NCCL */
  bootstrapWeak: /Connection refused|No route to host|exceeded retries|Connection timed out/i,
  timeout: alt(["Watchdog caught collective operation timeout", "Timeout at NCCL work", "collective operation timeout", "ncclTimeout", "Heartbeat monitor timed out", firstThen("NCCL (?:communicator|operation)", ".*timed? ?out")], "i"),
  versionMismatch: /Mismatched NCCL version detected/,
} as const;

/** A failure reported by NCCL or about NCCL, that a user should look at. */
export const GENERIC_NCCL_ERROR = /NCCL error|DistBackendError|\bnccl(?:Unhandled\w*|Invalid\w*|System|Internal|Remote)Error\b|NCCL WARN|\.(?:cc|cpp|c|h):\d+ -> [1-9]\d*\b|RuntimeError: NCCL/;

export function isSpecific(text: string): boolean {
  if ((SIG.remoteExitedNet.test(text) || SIG.bootstrapWeak.test(text)) && NCCL_CONTEXT.test(text)) return true;
  return [SIG.systemError, SIG.internalError, SIG.remoteExited, SIG.cudaError, SIG.ibError, SIG.duplicateGpu, SIG.shm, SIG.bootstrap, SIG.timeout, SIG.versionMismatch].some((re) => re.test(text));
}

/** Meaning of an InfiniBand work-completion status, as NCCL prints it in `Got completion from peer ... status=N`. */
export const IB_STATUS: Record<number, string> = {
  4: "local protection error (LOC_PROT_ERR): memory registration or protection, often ACS/IOMMU breaking GPU Direct RDMA",
  5: "work request flushed (WR_FLUSH_ERR): a secondary error, the queue pair had already failed; look for the first completion error",
  10: "remote access error (REM_ACCESS_ERR)",
  12: "transport retry counter exceeded (RETRY_EXC_ERR): the peer or the link stopped answering, or NCCL_IB_TIMEOUT is too short",
  13: "receiver-not-ready retry counter exceeded (RNR_RETRY_EXC_ERR)",
};
