import type { Emit, RecordReader } from "./events/types.js";
import type { LineCounter } from "./events/fast.js";
import type { LogRecord } from "./model.js";
import { createNcclReader, type NcclFastCounts } from "./events/read-nccl.js";
import { createVllmOriginObserver, createVllmReader } from "./events/read-vllm.js";
import { createPythonReader } from "./events/read-python.js";
import { createBenchReader } from "./events/read-bench.js";

/**
 * The hot path: every record passes here. Readers are asked in order; each does its own cheap
 * first-character / `includes` tests before any grammar runs, and may claim the record.
 */
export interface Dispatcher {
  dispatch(rec: LogRecord, emit: Emit): void;
  end(emit: Emit): void;
  fast: LineCounter;
  /** adds the counts of a speculative NCCL counter over later lines (see createNcclReader) */
  absorb(counts: NcclFastCounts, lineOffset: number): void;
}

export function createDispatcher(): Dispatcher {
  const observeVllmOrigin = createVllmOriginObserver();
  const nccl = createNcclReader({ originQuiet: observeVllmOrigin.quiet });
  // bench before python: benchmark rows such as `Throughput: 7.15 requests/s, ...` have the shape of `Type: message`
  const readers: RecordReader[] = [nccl, createVllmReader(), createBenchReader(), createPythonReader()];
  return {
    // a line the NCCL reader only counts is its alone (it is the first reader and claims every NCCL record); one
    // behind a wrapper that names an origin is only counted while the vLLM origin observer has nothing to say of it
    fast: nccl.fast,
    absorb: nccl.absorb,
    dispatch(rec, emit) {
      // process prefixes name the vLLM engine and executor even on lines another reader claims (NCCL INFO)
      observeVllmOrigin(rec, emit);
      let r: LogRecord = rec;
      for (const reader of readers) {
        const out = reader.read(r, emit);
        if (out === true) return;
        if (out !== false) r = out;
      }
    },
    end(emit) {
      for (const reader of readers) reader.end?.(emit);
    },
  };
}
