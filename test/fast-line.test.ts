import { describe, expect, it } from "vitest";
import { expectEqual, expectSame } from "./helpers/hot-expect.js";
import fc from "fast-check";
import { CHAT, COLL, DangerScan, Literal, NO_MATCH, TRACE, matchAfterHeader } from "../src/events/nccl-fast-line.js";
import { chunkScanner } from "../src/input/chunk-scan.js";
import { CHATTER, FAST_DANGERS, FAST_OPS, fastLineRegex, parseNcclHeader, scanNcclRecord } from "../grammars/nccl.js";
import { readNcclMessage } from "../grammars/nccl-messages.js";
import { peel } from "../src/records/peel.js";

/**
 * The byte matcher of the counting fast path must accept exactly the lines its specification, the regex
 * `fastLineRegex` (grammars/nccl-fast.ts), accepts, and the grammar must read each such line as the fast path
 * counts it (a collective of that name and opCount, or a TRACE record): checked on lines built from the pieces
 * that matter (and noise), 20,000 of them.
 */

const KEY = "gpu-node-b:41063:41063 [1]";
const spec = fastLineRegex(KEY);

function byteVerdict(after: string): number {
  const b = Buffer.from(`${KEY}${after}\n`, "latin1");
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  return matchAfterHeader(b, dv, KEY.length - 1, b.length - 1);
}
/** what the grammar reads in the line as the ordinary way has it (peeled): its level, and a collective's name and opCount */
function grammarVerdict(after: string) {
  const span = scanNcclRecord(peel(`${KEY}${after}`).text);
  const who = span ? parseNcclHeader(span.head) : null;
  if (!span || !who || `${who.host}:${who.pid}|${who.dev}` !== "gpu-node-b:41063|1") return null;
  if (span.level !== "INFO") return { level: span.level };
  // (the reader counts chatter before it reads the message)
  if (CHATTER.test(span.msg)) return { level: "INFO", chatter: true };
  const m = readNcclMessage(span.msg);
  return m.kind === "collective" ? { level: "INFO", op: m.op, opCount: m.opCount } : { level: "INFO", kind: m.kind };
}
function specVerdict(after: string): boolean {
  spec.lastIndex = 0;
  return spec.test(`${KEY}${after}\n`);
}

const pieces = [
  " NCCL INFO ", " NCCL TRACE", "NCCL TRACE", " ", "  ", "\t", ": opCount ", ":", " comm 0x55d0c9a1bbc0", " [nranks=16]", "[", "]", "[1", "[12]", "[3,", "[0;", "[1m",
  "[repeated 2x]", "[repeat", "[2/2]", "0", "7", "1f", "E", "T", ")", "(", "x", "_", "-", ".", "/", "12.5 ", "1.", "5951.703353 ", "sendProxy:382 ", "net.cc:12 ",
  "a/b.cc:7 ", "NCCL INFO", "opCount", " sendbuff 0x7f3a80200000", "done", "\x1b", "\r", "~", "é",
  ...FAST_OPS, "AllGatherX", "CustomOp", "NVLSop", "Allreduce", "Reduce_", "SendRecv",
];
const after = fc.array(fc.constantFrom(...pieces), { minLength: 0, maxLength: 12 }).map((xs) => xs.join(""));
// lines that start the way counted lines do, so that most reach the deep checks
const infoLine = fc
  .tuple(fc.constantFrom(...FAST_OPS, "CustomOp"), fc.constantFrom("0", "1f", "2082", "aE", "7z", ""), fc.array(fc.constantFrom(...pieces), { maxLength: 8 }))
  .map(([op, hex, rest]) => ` NCCL INFO ${op}: opCount ${hex}${rest.join("")}`);
// INFO chatter the reader only counts, and set-up lines that start alike
const chatterLine = fc
  .tuple(
    fc.constantFrom("proxyProgress", "Allocated ", "NET/IB: NCCL Dev 3 IbDev 1", "transport/net.cc:12 Cuda Alloc", "misc/x.cc:7 Host Alloc", "sendConnect", "recvProxy", "CUDA Dev 0[0]", "Connected all rings", "Channel 00/0 :", "New proxy", "Alloc", ""),
    fc.array(fc.constantFrom(...pieces), { maxLength: 6 }),
  )
  .map(([start, rest]) => ` NCCL INFO ${start}${rest.join("")}`);
const traceLine = fc
  .tuple(fc.constantFrom("", "5951.703353 ", "12. ", "7 "), fc.constantFrom("", "recvProxy:522 ", "net_ib.cc:1 ", "x: "), fc.constantFrom(" ", "\t", "", "x"), fc.array(fc.constantFrom(...pieces), { maxLength: 8 }))
  .map(([ms, fn, sep, rest]) => ` ${ms}${fn}NCCL TRACE${sep}${rest.join("")}`);

describe("matchAfterHeader reads what fastLineRegex reads", () => {
  it("on 20,000 built lines: accepted alike, COLL and CHAT exactly for INFO records", () => {
    const seen = { [NO_MATCH]: 0, [COLL]: 0, [TRACE]: 0, [CHAT]: 0 };
    fc.assert(
      fc.property(fc.oneof(after, infoLine, chatterLine, traceLine), (text) => {
        const kind = byteVerdict(text);
        seen[kind as 0 | 1 | 2 | 3]++;
        expectSame(kind !== NO_MATCH, specVerdict(text), () => JSON.stringify(text));
        if (kind !== NO_MATCH) expectSame(kind, text.startsWith(" NCCL INFO ") ? (CHATTER.test(text.slice(11)) ? CHAT : COLL) : TRACE);
        // (a line with a danger in it is never counted: test below)
        if (kind !== NO_MATCH && !FAST_DANGERS.some((d) => text.includes(d)))
          expectEqual(
            grammarVerdict(text),
            kind === COLL ? { level: "INFO", op: /^ NCCL INFO (\w+)/.exec(text)![1], opCount: /opCount ([0-9a-fA-F]+)/.exec(text)![1] } : kind === CHAT ? { level: "INFO", chatter: true } : { level: "TRACE" },
            () => JSON.stringify(text),
          );
      }),
      { numRuns: 20_000, seed: 6 },
    );
    // both ways are well travelled
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(500);
  });

  it("named lines", () => {
    const ok = [
      " NCCL INFO AllReduce: opCount 2082 sendbuff 0x7f3a80200000 recvbuff 0x7f3a90200000 count 262144 datatype 7 op 0 root 0 comm 0x55d0c9a1bbc0 [nranks=16] stream 0x55d0c9a1c900",
      " 5951.703353 recvProxy:522 NCCL TRACE recvProxy [2/2] request 0x7f3b1003f180 done",
      " NCCL TRACE",
      " NCCL INFO Send: opCount 0",
    ];
    for (const t of ok) expect([t, byteVerdict(t) !== NO_MATCH]).toEqual([t, true]);
    const no = [
      " NCCL INFO AllReduce: opCount 1E", // ends in E
      " NCCL INFO AllReduce: opCount 2082 [1m",
      " NCCL INFO AllReduce: opCount 2082 x [repeated 3x across cluster]x",
      " NCCL INFO AllReduce: opCount 2082z",
      " NCCL INFO CustomOp: opCount 1 x",
      " NCCL TRACE (x)",
      " 12. NCCL TRACE x",
      "NCCL INFO AllReduce: opCount 1 x",
    ];
    for (const t of no) expect([t, byteVerdict(t)]).toEqual([t, NO_MATCH]);
    for (const t of [...ok, ...no]) expect(specVerdict(t)).toBe(ok.includes(t));
  });
});

/** for each line, whether no danger starts in it (asked in order, as the counter asks) */
function linesClear(lines: string[], ascii = true): boolean[] {
  const b = Buffer.from(lines.join("\n") + "\n", ascii ? "latin1" : "utf8");
  const scan = new DangerScan();
  scan.begin(b, ascii, chunkScanner().scan(b, 0, b.length));
  const clear: boolean[] = [];
  for (let s = 0; s < b.length; ) {
    const nl = b.indexOf(10, s);
    clear.push(scan.nextAt(s) >= nl);
    s = nl + 1;
  }
  return clear;
}

describe("Literal and DangerScan", () => {
  it("Literal compares whole words and the tail, never past the limit", () => {
    const b = Buffer.from("xx NCCL INFO yy", "latin1");
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    const lit = new Literal(" NCCL INFO ");
    expect(lit.at(dv, 2, b.length)).toBe(true);
    expect(lit.at(dv, 1, b.length)).toBe(false);
    expect(lit.at(dv, 2, 12)).toBe(false);
    expect(lit.at(dv, 5, b.length)).toBe(false);
  });

  it("Literal says what comparing the bytes says, for any length and bytes (eight at a time only where that is exact)", () => {
    let x = 3;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    // bytes that make float64 NaN and ±0 patterns (0x00, 0x80, 0x7f, 0xff, 0xf8) among text
    const alphabet = [0x00, 0x80, 0x7f, 0xff, 0xf8, 0x41, 0x42, 0x20];
    for (let t = 0; t < 3000; t++) {
      const n = 1 + rnd(40);
      const lit = Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]);
      const b = Buffer.from(Array.from({ length: 64 }, () => alphabet[rnd(alphabet.length)]));
      const at = rnd(64);
      // most probes hold the literal, some with one byte changed (0x00 for 0x80 makes -0 of +0)
      if (rnd(3) > 0) b.set(lit.slice(0, 64 - at), at);
      if (rnd(2) === 0 && at + n <= 64) b[at + rnd(n)] ^= [0x80, 0x01, 0x7f][rnd(3)];
      const dv = new DataView(b.buffer, b.byteOffset, b.length);
      const limit = at + rnd(64 - at + 1);
      const want = at + n <= limit && Buffer.from(lit).equals(b.subarray(at, at + n));
      expectSame(new Literal(String.fromCharCode(...lit)).at(dv, at, limit), want, () => `${lit} at ${at} of ${[...b]}`);
    }
  });

  it("DangerScan finds each danger in the lines that hold it, asked in order", () => {
    const lines = ["plain line", "has ( paren", "plain", "an ERROR here", "x", "ESC[0m", "Init COMPLETE", "a\x1b[1m", "c\rr", "crlf\r", "ok\r", "cr\r\r", "(Ray pid=1) h", "\x1b[1m", "\rx", "ERROR at the start", "(x) (y", "0x9CRITICAL y", "CRITICAL", "a WARNING"];
    const clear = linesClear(lines);
    // a CR is a danger, but not the one that ends a CRLF line; a `(`, ESC or CR is none where a line starts (no
    // record the fast path counts starts with one: it is the line's wrapper)
    expect(clear).toEqual([true, false, true, false, true, false, false, false, false, true, true, false, true, true, true, false, false, false, false, false]);
  });

  it("DangerScan: a chunk crowded with one danger still finds the clean lines between and after", () => {
    const lines = ["clean", ...Array.from({ length: 3000 }, (_, i) => (i % 7 === 3 ? `clean ${i}` : i % 5 === 1 ? `(Ray pid=${i}) clean` : `w(x${i})`)), "clean again"];
    const clear = linesClear(lines);
    expect(clear).toEqual(lines.map((l) => !l.slice(1).includes("(")));
  });

  it("DangerScan: a byte above 0x7F is a danger in the line that holds it, wherever the line stands", () => {
    // (over several of the wide windows it looks at first, with lines across their edges)
    const lines = Array.from({ length: 40_000 }, (_, i) => (i % 9973 === 3 || i === 5 ? `tqdm ${"█".repeat(i % 13)}| ${i}` : i % 1500 === 7 ? `${"x".repeat(i % 2 ? 5000 : 70_000)}é` : `plain ${i}`));
    const b = Buffer.from(lines.join("\n") + "\n", "utf8");
    const scan = new DangerScan();
    scan.begin(b, false, chunkScanner().scan(b, 0, b.length));
    const clear: boolean[] = [];
    for (let s = 0; s < b.length; ) {
      const nl = b.indexOf(10, s);
      clear.push(scan.nextAt(s) >= nl);
      s = nl + 1;
    }
    expect(clear).toEqual(lines.map((l) => !/[^\x00-\x7f]/.test(l)));
    // one such line anywhere in 200 KB of ASCII
    for (let at = 3; at < 20_000; at += 397) {
      const sparse = Array.from({ length: 20_000 }, (_, i) => (i === at ? "é" : `line ${i % 10}`));
      expect(linesClear(sparse, false).indexOf(false), `line ${at}`).toBe(at);
    }
  });
});
