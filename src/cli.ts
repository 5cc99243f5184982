#!/usr/bin/env node
import { startEarlyCount } from "./parallel/early.js";

// Before the rest of the CLI loads: when it is to read one big file on two threads, the second starts counting
// the later part now (see src/parallel/early.ts).
startEarlyCount(process.argv);

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
});

const { main } = await import("./cli-main.js");
await main(process.argv);
