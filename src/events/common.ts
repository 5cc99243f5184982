import type { EventBase } from "./types.js";

/** A line that reports a failure, in the sense of CONTRACT.md's `firstError`. */
export interface ErrorLineEvent extends EventBase {
  kind: "error";
  /** which dialect said it */
  source: "vllm" | "python" | "torch" | "nccl" | "ray" | "other";
  /** exception class or error code when the line names one (RuntimeError, ncclSystemError, ...) */
  errorType?: string;
  message: string;
  /**
   * a failure NCCL's own next lines show it went on from, told by the line that is its cause: 2.4's pciPath probe
   * (`Could not find real path of /sys/class/net/eth0/device`, then `include/net.h:24 -> 2`, then the NIC taken at SYS
   * distance). facts.recovered then holds it, never firstError.
   */
  toleratedBy?: EventBase["ev"];
}

/** A record read as one of the signatures of grammars/signatures.ts (one event per signature it is). */
export interface SignalEvent extends EventBase {
  kind: "signal";
  id: string;
  /** an NCCL INFO line or a retry: a failure only if no `Init COMPLETE` follows it in its input */
  soft: boolean;
  retry: boolean;
  /** the pattern's named captures, else its numbered groups */
  captures: Record<string, string>;
  /** the rank the line names (a launcher prefix, PyTorch's `[Rank N]` / `[rankN]`) */
  rank: number | null;
}

/** A WARNING-level record (never an error). */
export interface WarningLineEvent extends EventBase {
  kind: "warning";
  source: "vllm" | "python" | "torch" | "nccl" | "ray" | "other";
  message: string;
}

/** A Python traceback folded into one event: the exception, its message and the frames. */
export interface TracebackEvent extends EventBase {
  kind: "traceback";
  errorType: string | null;
  message: string;
  frames: { file: string; line: number; func: string }[];
  /** the line holding the final `Type: message` */
  end: import("../model.js").Evidence | null;
  /**
   * chained exceptions seen before the last one ("The above exception was the direct cause ..."), each with the innermost
   * frame of its own part (where it was raised) and its exception line, when those were read
   */
  causes: { errorType: string; message: string; raisedIn?: { file: string; func: string }; ev?: import("../model.js").Evidence }[];
  /** the `Process SpawnProcess-1:8:` header that came before it, when one did */
  process?: string;
  /** frames left out to bound memory (the first and the last frames are kept) */
  framesDropped?: number;
  /** false when the log ended, or the origin moved on, before the `Type: message` line */
  complete?: boolean;
  /** the code line under the innermost frame, when one was printed (`data = torch.zeros(1, device=device)`) */
  lastCode?: string;
  /** IPython's (Jupyter's) traceback of a notebook cell */
  notebook?: boolean;
  /** the exception class IPython names on its traceback's header line (`RuntimeError   Traceback (most recent call
   * last)`), read before any frame: a notebook traceback cut before its exception line still says what was raised */
  headerErrorType?: string;
  /** the functions the frames' code lines called, outermost first (`self.inference_engine = LLM(` → `LLM`), when printed */
  calls?: string[];
  /** the methods those code lines had vLLM's executor run on its workers, by name (`self._run_workers("init_device")` → `init_device`) */
  rpcs?: string[];
  /** its lines came as the messages of ERROR (or CRITICAL) records of a logger: vLLM's `logger.exception` */
  loggedAsError?: boolean;
  /** Python reported it as unraisable and went on (`Exception ignored in: <function X.__del__ …>` before it): no failure */
  unraisable?: boolean;
}

export type CommonEvent = ErrorLineEvent | WarningLineEvent | TracebackEvent | SignalEvent | import("./read-dialect.js").DialectEvent;
