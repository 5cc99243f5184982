import type { EventBase } from "./types.js";

/**
 * The running server's lines (facts.runtime): one event per periodic stats line, per request / preemption /
 * HTTP / spec-decoding line, and one at the end of each input with its last timestamp. They are many, so the
 * event store does not keep them (src/analyze.ts); the runtime domain (src/facts/runtime.ts) folds them.
 *
 * `t` is the time of vLLM's own record header (`INFO 08-19 10:03:02 ...`), in seconds from the start of a
 * leap year (the header has no year; a jump back of more than half a year within one input counts as a new
 * year), or null when the line has no header.
 */
export interface RuntimeStatsEvent extends EventBase {
  kind: "runtime.stats";
  t: number | null;
  /** `0` for `Engine 000:`, `agg` for `N Engines Aggregated:`, `` when the line names none */
  engine: string;
  /** N of `N Engines Aggregated:` */
  aggregated: number | null;
  running: number;
  waiting: number;
  kvPct: number | null;
  /** null where an author elided it from a write-up */
  promptTps: number | null;
  genTps: number | null;
  prefixHitPct: number | null;
  /** V1 ≥0.11.1 `Preemptions: N` (preemptions in this interval), printed only when N > 0 */
  preemptions: number | null;
  /** the V0 form (`Swapped: … Pending: …`) */
  v0: boolean;
}

export type RuntimeCountWhat =
  | "received" | "added" | "finished" | "aborted"
  /** V0 `... total_num_cumulative_preemption=N`: value is N */
  | "preempted"
  /** V0's separate `Prefix cache hit rate: GPU: X%, CPU: Y%` line: value is X */
  | "prefixHit"
  /** an uvicorn access line: value is the status code, label the method and path */
  | "http"
  /** a request for a model the server does not serve: label is the name */
  | "unknownModel"
  /** spec decoding acceptance rate in percent (V1 `Avg Draft acceptance rate`, V0 `Draft acceptance rate` × 100) */
  | "specAccept";

export interface RuntimeCountEvent extends EventBase {
  kind: "runtime.count";
  what: RuntimeCountWhat;
  /** how many (request ids of `Aborted request(s) a,b`), or the number the line states */
  value: number;
  label?: string;
  /** for `http`: how many responses of this status (the fast path counts them in batches); 1 when absent */
  n?: number;
  /**
   * for `http`: how many of those `n` answered no request for the engine: a GET (/metrics, /health, /v1/models:
   * monitoring and probes) or a POST to a control endpoint (/sleep, /wake_up, /reset_prefix_cache); 0 when absent
   */
  probes?: number;
  t: number | null;
}

/** The end of one input: the last vLLM timestamp of any record, to tell whether the stats lines stopped early. */
export interface RuntimeEndEvent extends EventBase {
  kind: "runtime.end";
  lastT: number | null;
  /**
   * a line after the last stats line is stamped well before it: the text is pieced together from several runs or
   * moments (notes, a thread that quotes logs out of order), so how long the log went on after the stats is unknown
   */
  clockBack?: boolean;
}

/** The log's clock moved on (at most one every CLOCK_EVENT_S of log time): lets --follow see stats lines that stopped. */
export interface RuntimeClockEvent extends EventBase {
  kind: "runtime.clock";
  t: number;
}

export type RuntimeEvent = RuntimeStatsEvent | RuntimeCountEvent | RuntimeEndEvent | RuntimeClockEvent;
