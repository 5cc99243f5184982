import type { Evidence, LogRecord, Origin } from "../model.js";

/** What every event carries: where it was read and who wrote it. */
export interface EventBase {
  ev: Evidence;
  origin: Origin;
  /** index of the input file, for ordering across files */
  input: number;
}

export type Emit = (e: import("./index.js").Event) => void;

/**
 * A dialect's reader: turns records into events. It may keep state across the records of one input
 * (tracebacks, wrapped config dumps, benchmark tables); `end` flushes it.
 * `read` returns true when the record was this reader's (later readers then do not see it), false when
 * it was not, or a narrower record (e.g. the message of a vLLM ERROR record, which may hold a traceback
 * frame) for the later readers to read instead.
 */
export interface RecordReader {
  readonly name: string;
  read(rec: LogRecord, emit: Emit): boolean | LogRecord;
  end?(emit: Emit): void;
}

export function base(rec: LogRecord, ev: Evidence): EventBase {
  return { ev, origin: rec.origin, input: rec.input };
}
