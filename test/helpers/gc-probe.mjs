// Runs the library's analyze() ten times in a process that holds 200 MB of its own and prints how many full
// (major) garbage collections ran meanwhile. argv: the library entry, a log, "on" to pass collectGarbage.
import { PerformanceObserver, constants } from "node:perf_hooks";
const { analyze } = await import(process.argv[2]);
const big = Buffer.alloc(200 << 20, 1); // the host's own memory: RSS over the command's 128 MB mark
let major = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++; }).observe({ entryTypes: ["gc"] });
for (let i = 0; i < 10; i++) await analyze([process.argv[3]], { collectGarbage: process.argv[4] === "on" });
await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ major, rss: process.memoryUsage.rss() > 128 << 20, kept: big.length }));
