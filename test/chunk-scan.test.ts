import { afterAll, describe, expect, it } from "vitest";
import { expectEqual } from "./helpers/hot-expect.js";
import { FAST_DANGERS } from "../grammars/nccl-fast.js";
import { chunkScanner, dangerAtByte, releaseRing, ringBuffer, scanReference } from "../src/input/chunk-scan.js";

// The one pass over a chunk (WebAssembly SIMD) is held to the same pass in plain code, and that to the needles' meaning.

const scanner = chunkScanner();
const ring = ringBuffer(1 << 20);
afterAll(() => releaseRing(ring ? [ring] : []));

function seeded(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

/** what the pass found in `b[from, to)`, the chunk read into a ring buffer (in place) or elsewhere (copied) */
function found(b: Buffer, from: number, to: number, inRing: boolean) {
  let bytes = b;
  if (inRing) {
    // (what a longer chunk left in the buffer after this one is never read as this one's)
    ring!.fill(0x49);
    b.copy(ring!);
    bytes = ring!.subarray(0, b.length);
  }
  const r = scanner.scan(bytes, from, to);
  const list = (xs: Int32Array, n: number) => [...xs.subarray(0, n)];
  return { nl: list(r.nl, r.nlCount), danger: list(r.danger, r.dangerCount), bracket: list(r.bracket, r.bracketCount), comm: list(r.comm, r.commCount) };
}

describe("chunk scan", () => {
  it("the reference finds each needle where it stands, but a CRLF end and a wrapper's first byte", () => {
    const b = Buffer.from("(a\r\nInit x\r(ERROR\n(b WARNING\x1b[0m\n\x1bESC[TICAL\rInit", "latin1");
    const at = (s: string, from = 0) => b.indexOf(s, from, "latin1");
    expect(scanReference(b, 0, b.length, FAST_DANGERS)).toEqual({
      // (the ANSI colour's `[0m`)
      bracket: [at("[0m")],
      comm: [],
      nl: [at("\n"), at("\n(b"), at("\n\x1bE")],
      // `(` at the chunk's start is one (no `\n` before it), the CR before `\n` is none, the CR before `(` is one,
      // `(` and ESC after a `\n` are none, `Init` at the very end is none (no space)
      danger: [0, at("Init"), at("\r("), at("(ERROR"), at("ERROR"), at("WARNING"), at("\x1b[0m"), at("ESC["), at("TICAL"), at("\rInit")],
    });
    expect(dangerAtByte(b, b.length - 4, FAST_DANGERS)).toBe(false);
  });

  it("finds what the reference finds: any bytes, any range, in place and copied", () => {
    const rnd = seeded(7);
    // the needles' bytes, their neighbours and what they are told from
    // (and, for the pass's look at a byte with the byte after it, what follows them in text: `INFO`, `Isend`, `myRank`,
    // `[nranks`, `+cuda`, control bytes classed with the line end)
    const alphabet = [..."\r\n\x1b([IEWTnitRROSCARNGICAL x[]],;m0123comrepatedNsy+/\x0b\x1a\x1d"].map((c) => c.charCodeAt(0)).concat([0x80, 0xe2, 0x00]);
    for (let t = 0; t < 4000; t++) {
      const len = 1 + rnd(t % 50 === 0 ? 5000 : 200);
      const b = Buffer.from(Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]));
      const from = rnd(len);
      const to = from + rnd(len - from + 1);
      const want = scanReference(b, from, to, FAST_DANGERS);
      expectEqual(found(b, from, to, false), want, () => `${JSON.stringify(b.toString("latin1"))} [${from}, ${to})`);
      expectEqual(found(b, from, to, true), want, () => `in place: ${JSON.stringify(b.toString("latin1"))} [${from}, ${to})`);
    }
  });

  it("each danger at every position of a block of 64 bytes, at the chunk's ends and across them", () => {
    for (const needle of [...FAST_DANGERS, "\r\n", "\n(", "\n\x1b", "\nInit ", "[]", "[12;", "[0,", "[9m", "[repeated ", "[1repeated ", "[12/", " comm ", " comm", "comm "]) {
      for (const len of [needle.length, 63, 64, 65, 130]) {
        // (from its whole to its first byte at the chunk's last)
        for (let at = 0; at < len; at++) {
          const b = Buffer.alloc(len, 0x78);
          b.write(needle.slice(0, len - at), at, "latin1");
          const want = scanReference(b, 0, len, FAST_DANGERS);
          expectEqual(found(b, 0, len, false), want, () => `${JSON.stringify(needle)} at ${at} of ${len}`);
          expectEqual(found(b, 0, len, true), want, () => `in place: ${JSON.stringify(needle)} at ${at} of ${len}`);
        }
      }
    }
  });

  it("a chunk bigger than the ring's buffers is copied (the room for it grows)", () => {
    const line = "gpu-node-a:1:1 [0] NCCL INFO AllReduce: opCount 1 (x)\r\n";
    const b = Buffer.from(line.repeat(Math.ceil((3 << 20) / line.length)), "latin1");
    const r = scanner.scan(b, 0, b.length);
    const want = scanReference(b, 0, b.length, FAST_DANGERS);
    expect([r.nlCount, r.dangerCount]).toEqual([want.nl.length, want.danger.length]);
    expect([r.nl[r.nlCount - 1], r.danger[r.dangerCount - 1]]).toEqual([want.nl.at(-1), want.danger.at(-1)]);
    // and a small one after it
    expect(found(Buffer.from("a(b\n"), 0, 4, false)).toEqual({ nl: [3], danger: [1], bracket: [], comm: [] });
  });

  it("the brackets FAST_REST refuses and each ` comm `", () => {
    const b = Buffer.from("h [3] x [nranks=16] [12,3] [m [repeated 2x] [4repeated ] comm 0x1 comm\n comm [0/1] [", "latin1");
    const at = (s: string, from = 0) => b.indexOf(s, from, "latin1");
    const want = { bracket: [at("[3]"), at("[12,"), at("[m"), at("[repeated")], comm: [at(" comm 0x1"), at(" comm [")] };
    expect(found(b, 0, b.length, false)).toMatchObject(want);
    expect(scanReference(b, 0, b.length, FAST_DANGERS)).toMatchObject(want);
  });

  it("not full, it finds the line ends only", () => {
    const b = Buffer.from("a\nbb\r\n\n(ERROR [1] comm \n", "latin1");
    const r = chunkScanner().scan(b, 1, b.length, false);
    expect([...r.nl.subarray(0, r.nlCount)]).toEqual([1, 5, 6, b.length - 1]);
    expect([r.dangerCount, r.bracketCount, r.commCount]).toEqual([0, 0, 0]);
  });
  it("the ring's four buffers go back when a reader gives them, for the next file of the process", () => {
    const taken = [ringBuffer(1 << 20), ringBuffer(1 << 20), ringBuffer(1 << 20)];
    expect(taken.every((b) => b !== undefined)).toBe(true);
    // (this file holds the fourth)
    expect(ringBuffer(1 << 20)).toBeUndefined();
    const offsets = taken.map((b) => b!.byteOffset);
    const held = taken as Buffer[];
    releaseRing(held);
    expect(held).toEqual([]);
    const again = [ringBuffer(1 << 20), ringBuffer(1 << 20), ringBuffer(1 << 20)];
    expect(again.map((b) => b!.byteOffset).sort()).toEqual(offsets.sort());
    // a buffer of other memory is no slot: giving it changes nothing
    releaseRing([Buffer.alloc(16)]);
    expect(ringBuffer(1 << 20)).toBeUndefined();
    releaseRing(again as Buffer[]);
  });
});
