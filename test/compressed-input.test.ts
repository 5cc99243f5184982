import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readLines } from "../src/input/lines.js";
import { DEFAULT_LIMITS } from "../src/input/sources.js";
import { analyze, analyzeSource } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { bomlessUtf16, containerOf } from "../src/input/magic.js";
import { zstdWindow } from "../src/input/decode.js";
import { runCli, runCliHere, runJsonHere, ROOT } from "./helpers/cli.js";

/*
 * Every common compression is read or refused by its magic bytes, never passed through as noise; damage is read
 * as far as it goes, with a notice or an input error (exit 2) for what was lost. The fixtures in
 * test/fixtures/compressed are one synthetic log (oom.log: 202 lines ending in a CUDA OOM) compressed with the
 * real tools: zstd -19, xz, bzip2, lz4, zip, and gzip inside zstd.
 */

const FIX = join(ROOT, "test", "fixtures", "compressed");
const fixture = (name: string) => join(FIX, name);
const tmp = mkdtempSync(join(tmpdir(), "vd-compressed-"));
const file = (name: string, bytes: Uint8Array | string) => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
};
const OOM_TEXT = readFileSync(fixture("oom.log"), "utf8");

/**
 * 2,500 numbered lines, the last one a CUDA OOM (the shape of the 6 MB log, smaller). Each carries 64 hex
 * digits of noise, so that its gzip is still more than one of the 64 KiB slices the inflater is fed (the trailer is
 * found past the first; 43,200 lines without the noise made that, and 10,000 with 16 digits, at 17 and 4 times the
 * lines to read).
 */
const MANY_LINES = 2_500;
let seed = 12_345;
const noise = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0).toString(16).padStart(8, "0");
const MANY = Array.from({ length: MANY_LINES - 1 }, (_, i) => `INFO 07-25 10:11:12 [core.py:1] step ${i} ${Array.from({ length: 8 }, noise).join("")}`).join("\n") + "\n" + OOM_TEXT.trimEnd().split("\n").at(-1) + "\n";

async function one(path: string, opts: Parameters<typeof analyze>[1] = {}) {
  const r = await analyze([path], opts);
  return { input: r.report.inputs[0], ids: r.report.findings.map((f) => f.ruleId), notices: r.report.notices ?? [], failures: r.failures };
}

describe("compressed input, by magic bytes", () => {
  it("tells every container by its first bytes, and not plain text that starts like one", () => {
    const names: Record<string, string> = { "oom.log.zst": "zstd", "oom.log.xz": "xz", "oom.log.bz2": "bzip2", "oom.log.lz4": "lz4", "oom.zip": "zip", "oom.log.gz.zst": "zstd", "oom.log": "null" };
    for (const [name, kind] of Object.entries(names)) expect(String(containerOf(readFileSync(fixture(name)).subarray(0, 16))), name).toBe(kind);
    expect(containerOf(gzipSync("x"))).toBe("gzip");
    expect(containerOf(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]))).toBe("7z");
    // a skippable zstd frame first (as pzstd writes)
    expect(containerOf(Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0]))).toBe("zstd");
    expect(containerOf(Buffer.from("BZh9 is how this line starts\n"))).toBeNull();
    expect(containerOf(Buffer.from("PK is not a zip\n"))).toBeNull();
  });

  it("reads zstd and xz (and gzip inside zstd, with a notice): the same report as the plain log", async () => {
    const plain = await one(fixture("oom.log"));
    expect(plain.ids).toEqual(["vllm/cuda-oom"]);
    for (const name of ["oom.log.zst", "oom.log.xz"]) {
      const r = await one(fixture(name));
      expect(r.failures, name).toEqual([]);
      expect(r.input.lines, name).toBe(202);
      expect(r.ids, name).toEqual(plain.ids);
      expect(r.notices, name).toEqual([]);
    }
    const nested = await one(fixture("oom.log.gz.zst"));
    expect([nested.input.lines, nested.ids, nested.notices]).toEqual([202, ["vllm/cuda-oom"], [`${fixture("oom.log.gz.zst")}: gzip inside zstd: every layer was opened`]]);
  });

  it("refuses bzip2, lz4, zip and 7z by name (exit 2), and check never passes on them", async () => {
    for (const [name, kind] of [["oom.log.bz2", "bzip2"], ["oom.log.lz4", "lz4"], ["oom.zip", "zip"]]) {
      const r = await one(fixture(name));
      expect(r.failures).toEqual([{ path: fixture(name), message: `compressed (${kind}) input is not supported` }]);
    }
    const sevenZip = file("x.7z", Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4, 1, 2, 3, 4]));
    expect((await one(sevenZip)).failures[0].message).toBe("compressed (7z) input is not supported");

    const refused = await runCliHere(["check", fixture("oom.log.bz2")]);
    expect([refused.status, refused.stdout, refused.stderr]).toEqual([2, "", `vllm-doctor: compressed (bzip2) input is not supported (${fixture("oom.log.bz2")})\n`]);
    // the case: a zstd log with a CUDA OOM fails the gate like the gzip of it
    const zst = await runCliHere(["check", fixture("oom.log.zst"), "--format", "json"]);
    expect(zst.status).toBe(1);
    expect(JSON.parse(zst.stdout).findings.map((f: any) => f.ruleId)).toEqual(["vllm/cuda-oom"]);
  });

  it("refuses a zstd frame whose window is past 128 MiB (the decoder would hold it), as zstd itself does", async () => {
    expect(zstdWindow(readFileSync(fixture("oom.log.zst")))).toBe(14_828); // single segment: the content size
    // `zstd --long=29`: a 512 MiB window
    const long = file("long.log.zst", Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 152, 0x64, 0, 0, 0x10, 0, 0, 2, 0]));
    expect(zstdWindow(readFileSync(long))).toBe(512 * 2 ** 20);
    expect((await one(long)).failures.map((f) => f.message)).toEqual(["zstd data needs a 512 MiB window, more than the 128 MiB this reader allows (decompress it with `zstd -d --memory=…` first)"]);
  });

  it("bounds zstd and xz like gzip: past --max-decompressed is an input error", async () => {
    // each layer is bounded: the gzip inside the zstd is the one that expands
    for (const [name, kind] of [["oom.log.zst", "zstd"], ["oom.log.xz", "xz"], ["oom.log.gz.zst", "gzip"]]) {
      const r = await one(fixture(name), { limits: { maxDecompressedBytes: 4000 } });
      expect(r.failures.map((f) => f.message), name).toEqual([`${kind} input expands past the limit of 4,000 bytes; stopped (raise --max-decompressed)`]);
    }
  });
});

describe("damaged input: read what can be read, say what was lost", () => {
  const gz = gzipSync(MANY);

  it("gzip with trailing garbage: every line read, a notice, no error", async () => {
    expect(gz.length).toBeGreaterThan(64 << 10);
    for (const tail of [Buffer.from("garbage\0\x01 after the end"), Buffer.from([0x1f, 0x8b, 0x41])]) {
      const p = file("garbage.log.gz", Buffer.concat([gz, tail]));
      const r = await one(p);
      expect(r.failures).toEqual([]);
      expect(r.input.lines).toBe(MANY_LINES);
      expect(r.ids).toEqual(["vllm/cuda-oom"]);
      expect(r.notices).toEqual([`${p}: ${tail.length} bytes of trailing garbage after the gzip data were ignored`]);
    }
  });

  it("gzip with a bad CRC: every line read (the large file and a two-line one), then an input error", async () => {
    const bad = Buffer.from(gz);
    bad[bad.length - 8] ^= 0xff;
    const r = await one(file("badcrc.log.gz", bad));
    expect(r.input.lines).toBe(MANY_LINES);
    expect(r.ids).toEqual(["vllm/cuda-oom"]);
    expect(r.failures.map((f) => f.message)).toEqual(["gzip data fails its CRC check: everything was read, but it may be damaged"]);
    const small = gzipSync(OOM_TEXT.split("\n").slice(-2).join("\n"));
    small[small.length - 8] ^= 1;
    const s = await one(file("small-badcrc.log.gz", small));
    expect([s.input.lines, s.ids, s.failures.length]).toEqual([1, ["vllm/cuda-oom"], 1]);
    // and the CLI: the report holds what was read, the exit status says the input was damaged
    const cli = await runCliHere(["check", join(tmp, "small-badcrc.log.gz"), join(tmp, "garbage.log.gz"), "--format", "json"]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`vllm-doctor: gzip data fails its CRC check: everything was read, but it may be damaged (${join(tmp, "small-badcrc.log.gz")})\n`);
    expect(JSON.parse(cli.stdout).inputs.map((i: any) => i.lines)).toEqual([1, MANY_LINES]);
  });

  it("gzip of a gzip, and several gzip members one after the other (cat a.gz b.gz), cut into 7-byte chunks", async () => {
    const double = gzipSync(gzipSync(MANY));
    const r = await analyzeSource(memorySource("double.log.gz", double), 0, { limits: { chunkBytes: 4096 } });
    expect(r.state.inputs[0]).toMatchObject({ lines: MANY_LINES, notices: ["double.log.gz: gzip inside gzip: every layer was opened"] });
    // a gzip of a gzip cut inside the outer data: the inner reader's source fails; an error, not a wait forever
    const cut = gzipSync(gzipSync("INFO 07-25 10:11:12 [core.py:1] step\n")).subarray(0, 17);
    for (const chunkBytes of [3, 1 << 20]) {
      const c = await analyzeSource(memorySource("cut.log.gz", cut), 0, { limits: { chunkBytes } });
      expect(c.state.inputs[0].error).toBe("corrupt or truncated gzip data: unexpected end of file");
    }
    // a trailer cut off: the data cannot be vouched for
    const noTrailer = gzipSync(OOM_TEXT).subarray(0, -5);
    expect((await one(file("no-trailer.log.gz", noTrailer))).failures.map((f) => f.message)).toEqual(["corrupt or truncated gzip data: the trailer (CRC and length) is missing"]);
    const members = Buffer.concat([gzipSync("INFO a\n"), gzipSync("INFO b\n"), gzipSync(OOM_TEXT)]);
    for (const chunkBytes of [1, 7, 1 << 20]) {
      const m = await analyzeSource(memorySource("members.log.gz", members), 0, { limits: { chunkBytes } });
      expect(m.state.inputs[0], String(chunkBytes)).toEqual({ path: "members.log.gz", lines: 204, bytes: members.length });
    }
  });

  it("truncated zstd and xz: the lines before the cut, an input error", async () => {
    const big = readFileSync(fixture("oom.log.zst"));
    const r = await one(file("cut.log.zst", big.subarray(0, big.length - 20)));
    expect(r.failures[0].message).toMatch(/^truncated zstd data after [\d,]+ decompressed bytes: /);
    const xz = readFileSync(fixture("oom.log.xz"));
    const x = await one(file("cut.log.xz", xz.subarray(0, xz.length - 30)));
    expect(x.failures[0].message).toMatch(/^corrupt or truncated xz data after [\d,]+ decompressed bytes/);
  });

  it("UTF-16 LE and BE without a byte order mark: decoded, with a notice; the OOM found", async () => {
    expect(bomlessUtf16(Buffer.from("INFO hello\n", "utf16le"))).toBe("utf-16le");
    expect(bomlessUtf16(Buffer.from("INFO hello\n", "latin1"))).toBeNull();
    const le = Buffer.from(OOM_TEXT, "utf16le");
    const be = Buffer.from(le);
    be.swap16();
    for (const [name, bytes, label] of [["le.log", le, "UTF-16 LE"], ["be.log", be, "UTF-16 BE"]] as const) {
      const p = file(name, bytes);
      const r = await one(p);
      expect([r.input.lines, r.ids, r.notices], name).toEqual([202, ["vllm/cuda-oom"], [`${p}: read as ${label} text (it has no byte order mark)`]]);
    }
    // inside gzip too
    const p = file("le.log.gz", gzipSync(le));
    expect((await one(p)).ids).toEqual(["vllm/cuda-oom"]);
  });

  it("binary-looking data is read as text all the same, with a notice (a tar of logs still gives its lines)", async () => {
    const header = Buffer.alloc(512, 0);
    header.write("logs/oom.log", 0);
    const p = file("logs.tar", Buffer.concat([header, Buffer.from(OOM_TEXT)]));
    const r = await one(p);
    expect(r.ids).toEqual(["vllm/cuda-oom"]);
    expect(r.notices).toEqual([`${p}: it looks like binary data, not text; read as text all the same`]);
  });
});

describe("damaged compressed input, every way (property)", () => {
  /** What a reader gets from the bytes: the lines, and the error that ended them (if any). */
  const read = async (bytes: Uint8Array, chunkBytes: number) => {
    const lines: string[] = [];
    let error = "";
    const notices: string[] = [];
    try {
      const stream = await memorySource("x", bytes).open({ ...DEFAULT_LIMITS, chunkBytes }, (m) => notices.push(m));
      for await (const b of readLines(stream)) lines.push(...b.lines);
    } catch (e) {
      error = (e as Error).message;
    }
    return { lines, error, notices };
  };
  const text = fc.array(fc.constantFrom("INFO 07-25 10:11:12 [core.py:1] step", "ERROR 07-25 10:11:12 [core.py:2] torch.OutOfMemoryError: CUDA out of memory.", "", "x".repeat(300), "ünïcödé line"), { minLength: 1, maxLength: 400 }).map((ls) => ls.join("\n") + "\n");
  type Damage = { kind: "cut"; at: number } | { kind: "flip"; at: number; xor: number } | { kind: "append"; bytes: Uint8Array } | { kind: "insert"; at: number; bytes: Uint8Array };
  const damage: fc.Arbitrary<Damage> = fc.oneof(
    fc.record({ kind: fc.constant("cut" as const), at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x) as unknown as fc.Arbitrary<number> }),
    fc.record({ kind: fc.constant("flip" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) as unknown as fc.Arbitrary<number>, xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant("append" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) as unknown as fc.Arbitrary<number>, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  );
  const apply = (data: Uint8Array, d: Damage): Buffer => {
    const b = Buffer.from(data);
    // past the magic bytes (up to 6): input whose magic is gone cannot be told from text, and is read as text
    // (with a notice when it looks binary; see the test of that above)
    const at = "at" in d ? Math.max(6, Math.min(b.length - 1, Math.floor(d.at * b.length))) : 0;
    if (d.kind === "cut") return b.subarray(0, at);
    if (d.kind === "flip") {
      b[at] ^= d.xor;
      return b;
    }
    if (d.kind === "append") return Buffer.concat([b, d.bytes]);
    return Buffer.concat([b.subarray(0, at), d.bytes, b.subarray(at)]);
  };

  it("gzip (and a gzip of a gzip) damaged any way: either every line exactly as written, or an error; never other lines silently", async () => {
    await fc.assert(
      fc.asyncProperty(text, damage, fc.boolean(), fc.constantFrom(3, 64, 1 << 20), async (t, d, twice, chunkBytes) => {
        const whole = twice ? gzipSync(gzipSync(t)) : gzipSync(t);
        const want = t.slice(0, -1).split("\n");
        const got = await read(apply(whole, d), chunkBytes);
        // (with an error, what streamed out before it may be garbage: damaged deflate data can decode to
        // something before the CRC says it is wrong, as with `gzip -dc`; the error is what makes it known)
        if (!got.error) expect(got.lines).toEqual(want);
        // trailing bytes after a whole gzip are never an error, and are said
        if (d.kind === "append" && !twice) expect([got.error, got.lines.length, got.notices.length]).toEqual(["", want.length, 1]);
      }),
      { numRuns: 400, timeout: 10_000 },
    );
  });

  it("zstd and xz cut anywhere, xz with a flipped byte: either every line, or an error", async () => {
    const original = OOM_TEXT.slice(0, -1).split("\n");
    for (const [name, kinds] of [["oom.log.zst", ["cut"]], ["oom.log.xz", ["cut", "flip"]]] as const) {
      const data = readFileSync(fixture(name));
      await fc.assert(
        fc.asyncProperty(damage.filter((d) => (kinds as readonly string[]).includes(d.kind)), fc.constantFrom(5, 1 << 20), async (d, chunkBytes) => {
          const got = await read(apply(data, d), chunkBytes);
          if (!got.error) expect(got.lines).toEqual(original);
        }),
        { numRuns: 150, timeout: 10_000 },
      );
    }
  });
});
