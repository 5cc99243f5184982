import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import type { Report } from "../src/facts/schema.js";
import { mixedLog } from "./helpers/nccl-mixed.js";

/**
 * The counting fast path (src/events/fast.ts, the NCCL reader's line counter) must count exactly what the
 * ordinary path (records, peel, readers) would. These logs mix plain COLL and TRACE lines with lines that
 * look like them but must not be counted the fast way: the report must be the same with the fast path on
 * and off, whatever the chunk size and the line cap.
 */

/** The report and the kept events (among them the NCCL activity counters). */
async function reportOf(text: string, fastPath: boolean, chunkBytes: number, maxLineChars?: number): Promise<{ report: Report; events: unknown[] }> {
  const part = await analyzeSource(memorySource("mixed.log", text), 0, { fastPath, limits: { chunkBytes }, maxLineChars });
  return { report: buildReport(part.state, part.events), events: part.events };
}

describe("the counting fast path counts what the ordinary path reads", () => {
  const log = mixedLog();
  // the first 400 lines and the last 250: every kind of line of the mix, the look-alikes five times and the
  // non-ASCII one too, is among them (for what the whole log would repeat: the smallest chunks, the log's ends)
  const lines = log.split("\n");
  const head = [...lines.slice(0, 400), ...lines.slice(-250)].join("\n") + "\n";

  it("same report with the fast path on and off (one chunk of ASCII)", async () => {
    const ascii = log.replace(" ümlaut", "");
    const slow = await reportOf(ascii, false, 8 << 20);
    const fast = await reportOf(ascii, true, 8 << 20);
    // the log was read: collectives were counted on every communicator, and TRACE lines per process
    const activity = slow.events.find((e) => (e as { kind: string }).kind === "nccl.activity") as { entries: { host: string; comm: string | null; collectives: number; trace: number; lastOpCount: string | null }[] };
    const entry = (host: string, comm: string | null) => activity.entries.find((e) => e.host === host && e.comm === comm);
    expect(entry("node-b", "0x55d0c9a1b3c0")?.collectives).toBeGreaterThanOrEqual(400);
    expect(entry("node-a", "0x55d0c9a1b2c0")?.lastOpCount).toBe((399).toString(16));
    expect(entry("node-a", null)?.collectives).toBeGreaterThanOrEqual(400);
    expect(slow.report.facts.nccl.rankMap.find((r) => r.rank === 1)?.lastOpCount).toBe(399);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
  });

  it("same report for chunks of 1 B, 7 B, 4 KiB and 64 KiB, and with a line cap of 120 characters", async () => {
    const slow = JSON.stringify(await reportOf(log, false, 8 << 20));
    for (const chunk of [4096, 65536]) expect(JSON.stringify(await reportOf(log, true, chunk)), `chunk ${chunk}`).toBe(slow);
    // byte by byte and in 7-byte chunks, on the head (the whole log took seconds)
    expect(head).toContain(" ümlaut");
    expect(head.split("\n").filter((l) => l.endsWith(" [7/9]")).length).toBe(5);
    const headSlow = JSON.stringify(await reportOf(head, false, 8 << 20));
    for (const chunk of [1, 7]) expect(JSON.stringify(await reportOf(head, true, chunk)), `chunk ${chunk}`).toBe(headSlow);
    // (the line cap on the head too, across its 4 KiB chunk ends)
    const capped = JSON.stringify(await reportOf(head, false, 8 << 20, 120));
    expect(JSON.stringify(await reportOf(head, true, 4096, 120))).toBe(capped);
  }, 120_000);

  it("same report when the log ends without a newline and when it is CRLF", async () => {
    // (on the head, across its 4 KiB chunk ends)
    for (const text of [head.trimEnd(), head.replace(/\n/g, "\r\n")]) {
      expect(JSON.stringify(await reportOf(text, true, 4096))).toBe(JSON.stringify(await reportOf(text, false, 4096)));
    }
  }, 60_000);
});

describe("what the chunk pass finds, at every position of a counted line", () => {
  // (src/input/chunk-scan.ts: the dangers, the `[` FAST_REST refuses and ` comm ` are found once a chunk; a line's
  // check compares with the next of each)
  const head = (tid: number) => `node-a:500:${tid} [0]`;
  const collRest = (n: number) => ` NCCL INFO AllReduce: opCount ${n.toString(16)} sendbuff 0x7f3a80000000 count 1024 comm 0x55d0c9a1b2c0 [nranks=4] stream 0x55d0c9a1c000`;
  const traceRest = (n: number) => ` ${(5120 + n / 1000).toFixed(6)} sendProxy:380 NCCL TRACE sendProxy [${n % 8}/0] Isend posted, size 2048`;
  // (a refused `[` that the ordinary way reads otherwise: a glued record's launcher label, Ray's dedup suffix)
  const tokens = ["\r", "\x1b", "ESC[", "(", "Init ", "ERROR", "WARNING", "CRITICAL", "é", "[3]", "[12;", "[m", " [repeated 2x across cluster]", " [1,0]<stdout>:node-z:1:2 [0] NCCL INFO Broadcast: opCount 5 comm 0x1", " comm 0x77 ", "comm"];

  /** clean lines that teach the counter the header and its communicator, then each token at each position of each record */
  function log(wrap: (line: string) => string): string {
    const lines: string[] = [];
    let n = 0;
    const clean = () => {
      lines.push(wrap(head(500) + collRest(n++)), wrap(head(640) + traceRest(n++)));
    };
    for (let k = 0; k < 4; k++) clean();
    for (const [tid, rest] of [[500, collRest], [640, traceRest]] as const) {
      const record = rest(7);
      for (const t of tokens) {
        for (let at = 1; at <= record.length; at += 1) {
          lines.push(wrap(head(tid) + record.slice(0, at) + t + record.slice(at)));
          clean();
        }
      }
    }
    return lines.join("\n") + "\n";
  }

  it("the report is the one of the ordinary way, bare, CRLF and behind a Ray wrapper, across chunk ends", async () => {
    for (const [name, wrap] of [["bare", (l: string) => l], ["CRLF", (l: string) => `${l}\r`], ["Ray", (l: string) => `(RayWorkerWrapper pid=500, ip=10.0.0.1) ${l}`]] as const) {
      const text = log(wrap);
      const slow = JSON.stringify(await reportOf(text, false, 8 << 20));
      // (a chunk of 64 KiB, and one that ends at another place in a line, mid-token)
      for (const chunk of [65536, 40961]) expect(JSON.stringify(await reportOf(text, true, chunk)), `${name}, chunk ${chunk}`).toBe(slow);
    }
  }, 120_000);
});
