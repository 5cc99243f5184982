import type { EventBase } from "./types.js";

/** A c10/glog record of PyTorch (`[E ProcessGroupNCCL.cpp:563] ...`, `W0714 ... run.py:757] ...`). */
export interface TorchLogEvent extends EventBase {
  kind: "torch.log";
  level: "I" | "W" | "E" | "F";
  /** the source file and line the head names (`ProcessGroupNCCL.cpp`, 563) */
  file: string;
  line: number;
  /** `[PG 2 Rank 0]` / `[Rank 4]` after the head, when present */
  pg: string | null;
  rank: number | null;
  message: string;
}

/** ProcessGroupNCCL's watchdog: `Watchdog caught collective operation timeout: WorkNCCL(...) ran for N milliseconds`. */
export interface TorchWatchdogTimeoutEvent extends EventBase {
  kind: "torch.watchdog-timeout";
  rank: number | null;
  pg: string | null;
  seqNum: number | null;
  opType: string | null;
  numelIn: number | null;
  numelOut: number | null;
  timeoutMs: number | null;
  ranForMs: number | null;
}

/** Watchdog bookkeeping: `... at work: N, last enqueued NCCL work: N, last completed NCCL work: N.` */
export interface TorchWorkProgressEvent extends EventBase {
  kind: "torch.work-progress";
  rank: number | null;
  pg: string | null;
  atWork: number;
  lastEnqueued: number;
  lastCompleted: number;
}

/**
 * An NCCL failure as PyTorch reports it: `NCCL error in: file:line, <error string>, NCCL version X`
 * (or `NCCL error: ...`), the `ncclXxxError: ...` detail line and the `Last error:` text when they follow.
 */
export interface TorchNcclErrorEvent extends EventBase {
  kind: "torch.nccl-error";
  /** `ncclRemoteError`, `ncclUnhandledCudaError`, ... when the detail line was seen */
  ncclError: string | null;
  /** NCCL's error string: `unhandled cuda error`, `remote process exited or there was a network error` */
  reason: string | null;
  /** the version PyTorch appends (`2.19.3`; old torch mis-decodes 2.10.3 as `21.0.3`) */
  ncclVersion: string | null;
  /** the text after `Last error:` (an NCCL WARN message without its prefix) */
  lastError: string | null;
  /** `ProcessGroupNCCL.cpp:1727` where torch raised it */
  where: string | null;
  rank: number | null;
}

export type TorchEvent = TorchLogEvent | TorchWatchdogTimeoutEvent | TorchWorkProgressEvent | TorchNcclErrorEvent;
