import { parentPort } from "node:worker_threads";
import type { WorkerMessage } from "./worker.js";

const PROGRESS_EVERY = 4 << 20;
/** set on a worker thread in the build's warm-up (scripts/entry-loader.js): writes the thread's code cache */
const JOB_DONE = Symbol.for("vllm-doctor.jobDone");

/**
 * Serves jobs on a worker thread: `run` does one, reporting bytes read (sent on in batches) and posting what it
 * makes; its answer goes last, after the bytes not yet reported. A failure is posted, never thrown.
 */
export function serveJobs<J>(run: (job: J, onBytes: (n: number) => void, post: (m: WorkerMessage) => void) => Promise<WorkerMessage>): void {
  parentPort?.on("message", async (job: J) => {
    const port = parentPort!;
    const post = (m: WorkerMessage) => port.postMessage(m);
    let pending = 0;
    const onBytes = (n: number) => {
      pending += n;
      if (pending >= PROGRESS_EVERY) {
        post({ type: "bytes", n: pending });
        pending = 0;
      }
    };
    try {
      const answer = await run(job, onBytes, post);
      (globalThis as { [JOB_DONE]?: () => void })[JOB_DONE]?.();
      if (pending) post({ type: "bytes", n: pending });
      post(answer);
    } catch (e) {
      const err = e as Error;
      post({ type: "failed", message: err?.message ?? String(e), inputError: err?.name === "InputError" });
    }
  });
}
