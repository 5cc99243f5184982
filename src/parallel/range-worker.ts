import { serveJobs } from "./port.js";
import { countSegments } from "./range.js";
import type { RangeJob } from "./worker.js";

// A worker thread that only counts segments of the later part of a file, from the back (./range.ts); it loads no
// more than that needs, so that it is ready soon after the first thread starts reading.

serveJobs<RangeJob>(async (job, onBytes, post) => {
  await countSegments(job, onBytes, (index, result) => post({ type: "segment", index, result }));
  return { type: "range-done" };
});
