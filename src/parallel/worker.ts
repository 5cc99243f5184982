import { parentPort } from "node:worker_threads";
import { analyzeSource } from "../analyze.js";
import { fileSource } from "../input/sources.js";
import type { Part } from "./pool.js";

/** One input for a worker thread to read. */
export interface WorkerJob {
  path: string;
  name: string;
  size?: number;
  opts: { limits?: { maxDecompressedBytes?: number; chunkBytes?: number }; maxLineChars?: number; maxEventsPerKind?: number };
}

export type WorkerMessage =
  | { type: "bytes"; n: number }
  | { type: "done"; part: Part }
  | { type: "failed"; message: string; inputError: boolean };

const PROGRESS_EVERY = 4 << 20;

parentPort?.on("message", async (job: WorkerJob) => {
  const port = parentPort!;
  let pending = 0;
  try {
    const source = { ...(await fileSource(job.path)), name: job.name, size: job.size };
    const part = await analyzeSource(source, 0, {
      ...job.opts,
      onBytes: (n) => {
        pending += n;
        if (pending >= PROGRESS_EVERY) {
          port.postMessage({ type: "bytes", n: pending } satisfies WorkerMessage);
          pending = 0;
        }
      },
    });
    if (pending) port.postMessage({ type: "bytes", n: pending } satisfies WorkerMessage);
    port.postMessage({ type: "done", part } satisfies WorkerMessage);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ type: "failed", message: err?.message ?? String(e), inputError: err?.name === "InputError" } satisfies WorkerMessage);
  }
});
