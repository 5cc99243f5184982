import { parentPort } from "node:worker_threads";
import { countSegments } from "./range.js";
import type { RangeJob, WorkerMessage } from "./worker.js";

// A worker thread that only counts segments of the later part of a file, from the back (./range.ts); it loads no
// more than that needs, so that it is ready soon after the first thread starts reading.

const PROGRESS_EVERY = 4 << 20;

parentPort?.on("message", async (job: RangeJob) => {
  const port = parentPort!;
  let pending = 0;
  const onBytes = (n: number) => {
    pending += n;
    if (pending >= PROGRESS_EVERY) {
      port.postMessage({ type: "bytes", n: pending } satisfies WorkerMessage);
      pending = 0;
    }
  };
  try {
    await countSegments(job, onBytes, (index, result) => port.postMessage({ type: "segment", index, result } satisfies WorkerMessage));
    if (pending) port.postMessage({ type: "bytes", n: pending } satisfies WorkerMessage);
    port.postMessage({ type: "range-done" } satisfies WorkerMessage);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ type: "failed", message: err?.message ?? String(e), inputError: err?.name === "InputError" } satisfies WorkerMessage);
  }
});
