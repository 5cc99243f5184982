import type { Emit, RecordReader } from "./events/types.js";
import type { ChunkLineCounter, LineCounter } from "./events/fast.js";
import type { LogRecord } from "./model.js";
import { createNcclReader, type NcclFastCounts } from "./events/read-nccl.js";
import { createVllmOriginObserver, createVllmReader } from "./events/read-vllm.js";
import type { RuntimeLineCounter } from "./events/read-runtime.js";
import { createPythonReader } from "./events/read-python.js";
import { createBenchReader } from "./events/read-bench.js";
import { readSignals } from "./events/signals.js";
import { createDialectObserver } from "./events/read-dialect.js";
import { createWrapJoiner } from "./events/wrapped.js";

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
  const vllm = createVllmReader();
  // bench before python: benchmark rows such as `Throughput: 7.15 requests/s, ...` have the shape of `Type: message`
  const readers: RecordReader[] = [nccl, vllm, createBenchReader(), createPythonReader()];
  const observeDialect = createDialectObserver();
  // the events made of the record at hand are counted (see `noteQuiet`)
  let outer: Emit = () => {};
  let emitted = 0;
  const counting: Emit = (e) => {
    emitted++;
    outer(e);
  };
  // a long record a terminal hard-wrapped: what only the joined halves state (src/events/wrapped.ts)
  const wraps = createWrapJoiner(vllm.readJoined, vllm.joinedPhrase);
  return {
    // a line the NCCL reader only counts is its alone (it is the first reader and claims every NCCL record); one
    // behind a wrapper that names an origin is only counted while the vLLM origin observer has nothing to say of it;
    // a running server's request and access lines are only counted by the vLLM reader (src/events/read-runtime.ts)
    fast: bothCounters(vllm.fast, nccl.fast),
    absorb: nccl.absorb,
    dispatch(rec, emit) {
      outer = emit;
      const before = emitted;
      // process prefixes name the vLLM engine and executor even on lines another reader claims (NCCL INFO)
      observeVllmOrigin(rec, counting);
      // the signature table sees every record, whichever reader claims it (one regex test for most lines)
      readSignals(rec, counting);
      wraps.next(rec, counting);
      observeDialect(rec, counting);
      let r: LogRecord = rec;
      for (const reader of readers) {
        const out = reader.read(r, counting);
        if (out === true) break;
        if (out !== false) r = out;
      }
      // a record nothing made an event of: the NCCL reader may let the fast path take its like
      if (emitted === before) nccl.noteQuiet(rec);
    },
    end(emit) {
      for (const reader of readers) reader.end?.(emit);
    },
  };
}

/** The runtime counter first (its lines are never NCCL lines), then the NCCL counter; a line either counts is gone. */
function bothCounters(a: RuntimeLineCounter, b: LineCounter): LineCounter {
  return {
    begin(bytes, maxChars, opts): ChunkLineCounter {
      const cb = b.begin(bytes, maxChars, opts);
      // the server-line counter reads ASCII chunks only, and none under a user rule's prefilter (a pattern anchored at
      // a record's start must see the records behind wrappers)
      const ca = opts?.bare || opts?.ascii === false ? undefined : a.begin(bytes, maxChars);
      if (!ca) return cb;
      return {
        line: (s, e, n) => ca.line(s, e, n) || cb.line(s, e, n),
        pass() {
          ca.pass();
          cb.pass();
        },
        done() {
          ca.done();
          cb.done();
        },
      };
    },
  };
}
