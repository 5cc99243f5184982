// Runs the library's analyze() ten times without collectGarbage, then ten times with it, in a process that holds
// 200 MB of its own, and prints how many full (major) garbage collections ran during each ten (one process for both:
// the first ten are a caller's calls before any forced collection). argv: the library entry, a log.
import { PerformanceObserver, constants } from "node:perf_hooks";
const { analyze } = await import(process.argv[2]);
const big = Buffer.alloc(200 << 20, 1); // the host's own memory: RSS over the command's 128 MB mark
let major = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++; }).observe({ entryTypes: ["gc"] });
const settle = () => new Promise((r) => setTimeout(r, 50)); // (the observer hears of a collection a little later)
const tenCalls = async (collectGarbage) => {
  await settle();
  const before = major;
  for (let i = 0; i < 10; i++) await analyze([process.argv[3]], { collectGarbage });
  await settle();
  return major - before;
};
const off = await tenCalls(false);
const on = await tenCalls(true);
console.log(JSON.stringify({ off, on, rss: process.memoryUsage.rss() > 128 << 20, kept: big.length }));
