#!/usr/bin/env node
import { startEarlyCount } from "./parallel/early.js";
import { sayAfterword } from "./util/output.js";
import { catchStopSignalsEarly } from "./follow/stop.js";

// Before the rest of the CLI loads: when it is to read one big file on two threads, the second starts counting
// the later part now (see src/parallel/early.ts).
startEarlyCount(process.argv);

// `analyze --follow` ends with its report on SIGINT or SIGTERM, even one that comes while the command loads
if (process.argv.includes("--follow")) catchStopSignalsEarly();

// a reader that closed stdout early (`| head`): the report's own exit status and stderr lines (src/util/output.ts)
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") return;
  sayAfterword();
  process.exit(process.exitCode ?? 0);
});

// A failure outside the command's own error handling (a stream's callback, a promise nobody awaited) is still one
// line and exit 2, never Node's stack trace with a page of minified source (--debug adds the stack)
const lastResort = (e: unknown) => {
  const msg = String((e as Error)?.message ?? e).split("\n")[0].replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, "?");
  process.stderr.write(`vllm-doctor: internal error: ${msg}\n`);
  if (process.argv.includes("--debug") && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
  process.exit(2);
};
process.on("uncaughtException", lastResort);
process.on("unhandledRejection", lastResort);

// (no top-level await: the build bundles this file as CommonJS, see scripts/bundle.mjs)
void import("./cli-main.js").then(({ main }) => main(process.argv));
