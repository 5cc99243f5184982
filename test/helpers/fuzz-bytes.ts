import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { analyzeSource, buildReport } from "../../src/analyze.js";
import { memorySource } from "../../src/input/memory.js";
import { ReportSchema, type Report } from "../../src/facts/schema.js";
import { readLines } from "../../src/input/lines.js";
import { DEFAULT_LIMITS } from "../../src/input/sources.js";

/**
 * Issue 7 §1 and §6: any byte sequence gives a report that validates, never an exception; the report does not
 * depend on how the input is cut into chunks; the same input always gives byte-identical JSON. Inputs are kept
 * small: the generator's fragments, not the number of cases, make the test strong. The properties run in
 * test/fuzz.test.ts (npm test) and again with more cases in test/scale/fuzz.test.ts (npm run test:scale).
 */

// The decoder looks at an input's first 4 KiB whole (text, UTF-16 or a container) before it streams the rest chunk by
// chunk: half the cases read a fuzzed input after a line that long, or no chunk size would ever cut it (the other half
// keep the input's first bytes first: byte order marks, gzip's magic).
const SNIFFED = Buffer.from(`${"# the decoder's look ahead ".repeat(160)}\n`, "utf8");

async function reportOf(bytes: Uint8Array, chunkBytes: number, maxLineChars?: number, afterSniff = false): Promise<Report> {
  const part = await analyzeSource(memorySource("fuzz.log", afterSniff ? Buffer.concat([SNIFFED, bytes]) : bytes), 0, { limits: { chunkBytes }, maxLineChars });
  return buildReport(part.state);
}

const enc = (s: string) => Buffer.from(s, "utf8");

/** Pieces of the formats we read, and of what breaks readers: joined at random they make log-like noise. */
const FRAGMENTS: Uint8Array[] = [
  "\n", "\r\n", "\r", " ", ":", "[", "]", "(", ")", "=", ",", "'", "\"", "{", "}", "0", "7", "255", "-1", "1e309",
  "node-a:1234:1301 [3] NCCL INFO ", "gpu7:99:100 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
  "Channel 02/1 : 3[3] -> 11[3] [send] via NET/IB/1/GDRDMA", "NCCL INFO NCCL_IB_HCA set by environment to mlx5_0",
  "NCCL version 2.21.5+cuda12.4", "NCCL INFO Using network IB", " - Init COMPLETE", "\nhost:1:2 [0] misc/socket.cc:50 NCCL WARN ",
  "AllReduce: opCount 1f sendbuff 0x7f00 recvbuff 0x7f00 count 4096 datatype 7 op 0 root 0 comm 0x55 [nranks=16] stream 0x56",
  "INFO 07-25 10:11:12 ", "ERROR 07-25 10:11:12 [core.py:512] ", "WARNING 01-02 03:04:05 [config.py:1] ", "(EngineCore_DP0 pid=42) ",
  "(RayWorkerWrapper pid=7, ip=10.0.0.2) ", "[rank3]: ", "[1,5]<stdout>:", "GPU KV cache size: 1,234,567 tokens",
  "Maximum concurrency for 32,768 tokens per request: 37.68x", "# GPU blocks: 4096, # CPU blocks: 512",
  "non-default args: {'model': 'x', 'tensor_parallel_size': 8}", "Traceback (most recent call last):\n",
  "  File \"/a/b.py\", line 12, in f\n", "RuntimeError: NCCL error: unhandled system error\n", "torch.OutOfMemoryError: CUDA out of memory",
  "Avg prompt throughput: 1.0 tokens/s, Running: 1 reqs", "============ Serving Benchmark Result ============",
  "Successful requests:                     100", "#  Avg bus bandwidth    : 180.5", "\x1b[31m", "\x1b[0m", "\x1b]0;title\x07", "\u202e", "\u0000",
  "é", "日本", "😀", "\ufeff",
].map(enc).concat([
  Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xe6, 0x97), Uint8Array.of(0xf0, 0x9f, 0x98), Uint8Array.of(0x1f, 0x8b),
  Uint8Array.of(0xfe, 0xff), Uint8Array.of(0xff, 0xfe), Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0x80, 0x80),
]);

const logLike = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => Buffer.concat(parts));
const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 160 }), logLike, fc.tuple(logLike, fc.uint8Array({ maxLength: 40 }), logLike).map((p) => Buffer.concat(p)));

/** how many cases each property draws (a property left out is not run: the scale run repeats only the larger counts) */
export interface FuzzRuns {
  chunking?: number;
  lines?: number;
  identical?: number;
  gzip?: number;
}

export function fuzzAnyBytes(runs: FuzzRuns): void {
  describe("fuzz: any bytes, any chunking", () => {
    if (runs.chunking)
      it(`${runs.chunking} cases: a valid report, no exception, the same JSON whatever the chunk size`, async () => {
        await fc.assert(
          fc.asyncProperty(anyBytes, fc.integer({ min: 1, max: 64 }), fc.constantFrom(undefined, 16, 50), fc.boolean(), async (bytes, chunk, maxLineChars, afterSniff) => {
            const whole = await reportOf(bytes, 1 << 20, maxLineChars, afterSniff);
            const parsed = ReportSchema.safeParse(whole);
            expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
            const chunked = await reportOf(bytes, chunk, maxLineChars, afterSniff);
            expect(JSON.stringify(chunked)).toBe(JSON.stringify(whole));
          }),
          // fast-check draws a new seed each run (a failure prints it, and the case, to replay): each run of the suite
          // tries other cases, so the cases add up over runs rather than within one. 150 cases draw each of the three
          // arms ~50 times and every fragment in every run (a case holds up to 30 of the 62); the scale run's 400 draw
          // each arm ~130 times (sampled over seeds: all 62 fragments each time, and a third of the fragment pairs that
          // meet, 70% at 1,200 cases)
          { numRuns: runs.chunking },
        );
        // (seconds of CPU alone: a wall-clock limit of its own so a busy machine does not fail it)
      }, 300_000);

    if (runs.lines)
      it("the decoded lines, their numbers and the cut count do not depend on the chunk size (BOMs, gzip magic, split characters)", async () => {
        // straight into the line reader, one chunk at a time (a Readable's buffer would glue small chunks together),
        // and through an input source (gzip detection)
        const linesOf = async (bytes: Uint8Array, chunkBytes: number, direct: boolean) => {
          const pieces: Buffer[] = [];
          for (let i = 0; i < bytes.length; i += chunkBytes) pieces.push(Buffer.from(bytes.subarray(i, i + chunkBytes)));
          const stream = direct ? Readable.from(pieces) : await memorySource("x", bytes).open({ ...DEFAULT_LIMITS, chunkBytes });
          const out: string[] = [];
          let cut = 0;
          let error = "";
          try {
            for await (const b of readLines(stream, { maxLineChars: 20, onCutLine: () => cut++ })) b.lines.forEach((l, i) => out.push(`${b.firstLine + i}:${l}`));
          } catch (e) {
            error = (e as Error).message; // a corrupt gzip: the lines before it and the error must not depend on chunking either
          }
          return { out, cut, error };
        };
        const withHeads = fc.tuple(fc.constantFrom(...FRAGMENTS.slice(-9), new Uint8Array(0)), logLike).map((p) => Buffer.concat(p));
        await fc.assert(
          fc.asyncProperty(withHeads, fc.integer({ min: 1, max: 8 }), async (bytes, chunk) => {
            expect(await linesOf(bytes, chunk, true)).toEqual(await linesOf(bytes, 1 << 20, true));
            expect(await linesOf(bytes, chunk, false)).toEqual(await linesOf(bytes, 1 << 20, false));
          }),
          { numRuns: runs.lines },
        );
      });

    if (runs.identical)
      it("the same input always gives byte-identical JSON", async () => {
        await fc.assert(
          fc.asyncProperty(logLike, async (bytes) => {
            const a = JSON.stringify(await reportOf(bytes, 7));
            const b = JSON.stringify(await reportOf(bytes, 7));
            expect(b).toBe(a);
          }),
          // (a regex with the g flag shared across runs, planted in grammars/vllm-messages.ts: over 20 seeds the first
          // failing case was the 1st to the 124th, never a later one; 250 keeps twice that. The line reader's sweep in the
          // test above found its planted bug as late as the 988th case: its 1,000 stay)
          { numRuns: runs.identical },
        );
      });

    if (runs.gzip)
      it("a gzip'ed input gives the same facts, findings and line count as the plain one, for any chunk size", async () => {
        await fc.assert(
          fc.asyncProperty(logLike, fc.integer({ min: 1, max: 32 }), async (bytes, chunk) => {
            fc.pre(!(bytes[0] === 0x1f && bytes[1] === 0x8b)); // that input is itself read as gzip
            const plain = await reportOf(bytes, 1 << 20);
            const zipped = await reportOf(gzipSync(bytes), chunk);
            expect(zipped.facts).toEqual(plain.facts);
            expect(zipped.findings).toEqual(plain.findings);
            expect(zipped.inputs[0].lines).toBe(plain.inputs[0].lines);
          }),
          { numRuns: runs.gzip },
        );
      });
  });
}
