import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { analyzeSource, type AnalyzeOptions } from "../analyze.js";
import type { Event } from "../events/index.js";
import type { FactState } from "../facts/state.js";
import type { InputSource } from "../input/sources.js";
import type { WorkerJob, WorkerMessage } from "./worker.js";

export interface Part {
  state: FactState;
  events: Event[];
}

const WORKER_URL = new URL("./worker.js", import.meta.url);

/**
 * Analyzes each input on one of up to `opts.jobs` worker threads and returns the parts in input order, ready
 * for mergeStates. Inputs that are not files (stdin, in-memory) are read on this thread meanwhile. When the
 * compiled worker is absent (running from the TypeScript sources), everything is read on this thread.
 */
export async function analyzeInWorkers(sources: InputSource[], opts: AnalyzeOptions): Promise<Part[]> {
  const parts: Part[] = new Array(sources.length);
  const fileJobs: number[] = [];
  const local: number[] = [];
  const haveWorker = existsSync(fileURLToPath(WORKER_URL));
  sources.forEach((s, i) => (haveWorker && s.path ? fileJobs : local).push(i));
  const threads = Math.min(Math.max(1, opts.jobs ?? 1), fileJobs.length);
  const jobOpts: WorkerJob["opts"] = { limits: opts.limits, maxLineChars: opts.maxLineChars, maxEventsPerKind: opts.maxEventsPerKind, collectGarbage: opts.collectGarbage };

  const runWorker = async (): Promise<void> => {
    const worker = new Worker(WORKER_URL);
    try {
      for (let i = fileJobs.shift(); i !== undefined; i = fileJobs.shift()) {
        const src = sources[i];
        parts[i] = await new Promise<Part>((resolve, reject) => {
          const onMessage = (m: WorkerMessage) => {
            if (m.type === "bytes") opts.onBytes?.(m.n);
            else if (m.type === "done") done(() => resolve(m.part));
            else if (m.type === "failed") done(() => reject(Object.assign(new Error(m.message), m.inputError ? { name: "InputError" } : {})));
          };
          const onError = (e: Error) => done(() => reject(e));
          const onExit = (code: number) => done(() => reject(new Error(`worker thread stopped (exit ${code}) while reading ${src.name}`)));
          const done = (then: () => void) => {
            worker.off("message", onMessage).off("error", onError).off("exit", onExit);
            then();
          };
          worker.on("message", onMessage).on("error", onError).on("exit", onExit);
          const job: WorkerJob = { path: src.path!, name: src.name, size: src.size, opts: jobOpts };
          worker.postMessage(job);
        });
      }
    } finally {
      await worker.terminate();
    }
  };

  const readLocal = async () => {
    for (const i of local) parts[i] = await analyzeSource(sources[i], 0, opts);
  };
  await Promise.all([readLocal(), ...Array.from({ length: threads }, runWorker)]);
  return parts;
}
