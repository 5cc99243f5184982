import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { RangeResult } from "./range.js";
import type { RangeJob, WorkerMessage } from "./worker.js";

const WORKER_URL = new URL("./range-worker.js", import.meta.url);

/** Counts `[start, end)` of a file (see ./range.ts) on a worker thread. */
export type RangeCounter = (job: Omit<RangeJob, "type">, onBytes?: (n: number) => void) => Promise<RangeResult>;

/** The worker-thread range counter, or undefined when the compiled worker is absent (running from the TypeScript sources). */
export function workerRangeCounter(): RangeCounter | undefined {
  if (!existsSync(fileURLToPath(WORKER_URL))) return undefined;
  return (job, onBytes) =>
    new Promise<RangeResult>((resolve, reject) => {
      const worker = new Worker(WORKER_URL);
      const finish = (then: () => void) => {
        worker.removeAllListeners();
        void worker.terminate();
        then();
      };
      worker.on("message", (m: WorkerMessage) => {
        if (m.type === "bytes") onBytes?.(m.n);
        else if (m.type === "range-done") finish(() => resolve(m.result));
        else if (m.type === "failed") finish(() => reject(new Error(m.message)));
      });
      worker.on("error", (e) => finish(() => reject(e)));
      worker.on("exit", (code) => finish(() => reject(new Error(`worker thread stopped (exit ${code})`))));
      worker.postMessage({ type: "range", ...job } satisfies RangeJob);
    });
}

/** The same counting on this thread (for tests, and where worker threads are not wanted). */
export const localRangeCounter: RangeCounter = async (job, onBytes) => {
  const { fileSource, DEFAULT_LIMITS } = await import("../input/sources.js");
  const { countRange } = await import("./range.js");
  const source = await fileSource(job.path);
  const limits = { ...DEFAULT_LIMITS, ...(job.chunkBytes ? { chunkBytes: job.chunkBytes } : {}) };
  return countRange(await source.openRange!(job.start, job.end, limits), { maxLineChars: job.maxLineChars, maxResidualChars: job.maxResidualChars, onBytes });
};
