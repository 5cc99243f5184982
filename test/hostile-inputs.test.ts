import { describe, expect, it, vi } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import fs, { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync, promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGzip, gzipSync } from "node:zlib";
import { CLI, runCli, runCliHere, runJsonHere, runJson } from "./helpers/cli.js";
import { analyze, analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { readLines } from "../src/input/lines.js";
import { ReportSchema } from "../src/facts/schema.js";

/** Issue 7 §2: each hostile input by name — what it must give, exactly. */

const tmp = mkdtempSync(join(tmpdir(), "vd-hostile-"));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const P2P_01 = "gpu7:99:100 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC";
const P2P_10 = "gpu7:99:101 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC";
const SHM_10 = "gpu7:99:102 [1] NCCL INFO Channel 01/0 : 1[1] -> 0[0] via SHM/direct/direct";

async function linesOf(bytes: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  for await (const b of readLines(Readable.from([Buffer.from(bytes)]))) out.push(...b.lines);
  return out;
}

function validates(report: unknown): void {
  const r = ReportSchema.safeParse(report);
  expect(r.success, r.success ? "" : JSON.stringify(r.error.issues.slice(0, 3))).toBe(true);
}

/** deterministic noise: a linear congruential generator */
function noise(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe("hostile inputs, by name", () => {
  it.skipIf(!existsSync("/proc/self/fd"))("a refused container read only to its magic bytes leaves no file open (50 times, 2 MB each)", async () => {
    // (bzip2's magic and more than the decoder's look-ahead: the rest of the file is never read)
    const p = file("huge.log.bz2", Buffer.concat([Buffer.from("BZh91AY&SY"), Buffer.alloc(2 << 20, 120)]));
    const open = () => readdirSync("/proc/self/fd").length;
    const before = open();
    for (let i = 0; i < 50; i++) {
      const r = await analyze([p]);
      if (r.report.inputs[0].error !== "compressed (bzip2) input is not supported") expect(r.report.inputs[0].error).toBe("compressed (bzip2) input is not supported");
    }
    expect(open()).toBeLessThan(before + 5);
  });

  it("empty file: a valid report of 0 lines, exit 0", async () => {
    const p = file("empty.log", "");
    const { status, report } = await runJsonHere(["analyze", p]);
    expect(status).toBe(0);
    validates(report);
    expect(report.inputs).toEqual([{ path: p, lines: 0, bytes: 0 }]);
    expect(report.findings).toEqual([]);
  });

  it("binary file (256 KiB of noise): a valid report, every newline byte counted as a line end, exit 0", async () => {
    const bytes = noise(256 * 1024);
    const p = file("noise.bin.log", bytes);
    const newlines = bytes.filter((c) => c === 10).length;
    const { status, report } = await runJsonHere(["analyze", p]);
    expect(status).toBe(0);
    validates(report);
    expect(report.inputs[0].lines).toBe(bytes[bytes.length - 1] === 10 ? newlines : newlines + 1);
    expect(report.inputs[0].bytes).toBe(256 * 1024);
  });

  it("invalid UTF-8: bad bytes become U+FFFD, the valid record beside them is still read", async () => {
    const bytes = Buffer.concat([Buffer.from("ok"), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from("\n" + P2P_01 + "\n")]);
    expect(await linesOf(bytes)).toEqual(["ok\ufffd\ufffd(\ufffd", P2P_01]);
    const { status, report } = await runJsonHere(["analyze", file("bad-utf8.log", bytes)]);
    expect(status).toBe(0);
    expect(report.facts.nccl.transports["P2P/IPC"]).toBe(1);
  });

  it("UTF-16 LE and BE with a BOM: decoded, the BOM dropped, the records read", async () => {
    const text = `${P2P_01}\n${SHM_10}\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le);
    be.swap16(); // FE FF, then big-endian code units
    for (const [name, bytes] of [["le", le], ["be", be]] as const) {
      expect(await linesOf(bytes)).toEqual([P2P_01, SHM_10]);
      const { status, report } = await runJsonHere(["analyze", file(`utf16${name}.log`, bytes)]);
      expect(status).toBe(0);
      expect(report.inputs[0].lines).toBe(2);
      expect(report.facts.nccl.transports).toMatchObject({ "P2P/IPC": 1, SHM: 1 });
    }
  });

  it("CRLF and lone CR: lines are counted by LF; a CR inside a line separates records, both read", async () => {
    const bytes = Buffer.from(`${P2P_01}\r\n${P2P_10}\r${SHM_10}\n`);
    expect(await linesOf(bytes)).toEqual([P2P_01, `${P2P_10}\r${SHM_10}`]);
    const { report } = await runJsonHere(["analyze", file("crlf.log", bytes)]);
    expect(report.inputs[0].lines).toBe(2);
    expect(report.facts.nccl.transports).toMatchObject({ "P2P/IPC": 2, SHM: 1 });
  });

  it("NUL bytes: kept in the line, never crash, the record after them still read", async () => {
    const bytes = Buffer.from(`\0\0\0${"\0".repeat(5000)}\n${P2P_01}\0\n`);
    const lines = await linesOf(bytes);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("\0".repeat(5003));
    const { status, report } = await runJsonHere(["analyze", file("nul.log", bytes)]);
    expect(status).toBe(0);
    validates(report);
    expect(report.inputs[0].lines).toBe(2);
  });

  it("a 100 MB line without a newline: read in bounded memory, cut for parsing, counted and noticed", async () => {
    const MB = 1 << 20;
    const block = Buffer.alloc(MB, "x");
    function* hundredMegabytes() {
      yield Buffer.from(P2P_01 + "\n");
      for (let i = 0; i < 100; i++) yield block;
    }
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const part = await analyzeSource(memorySource("long.log", hundredMegabytes), 0, {
      onBytes: () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    const report = buildReport(part.state);
    validates(report);
    expect(report.inputs).toEqual([{ path: "long.log", lines: 2, bytes: P2P_01.length + 1 + 100 * MB, cutLines: 1 }]);
    expect(report.notices).toContain("long.log: 1 line was longer than the parsing limit and cut; only the start of each was read");
    expect(report.facts.nccl.transports["P2P/IPC"]).toBe(1);
    // holding the line would cost >= 100 MB on top of the garbage of the chunks read (GC is lazy about
    // those); the reader keeps one chunk and 64 K characters
    expect(peak - before).toBeLessThan(90 * MB);
  });

  it("a truncated gzip: the lines before the cut are reported, the input named as failed, exit 2", async () => {
    const text = Array.from({ length: 20000 }, (_, i) => (i % 2 ? P2P_01 : P2P_10)).join("\n") + "\n";
    const gz = gzipSync(text);
    const p = file("cut.log.gz", gz.subarray(0, gz.length >> 1));
    const r = await runJsonHere(["analyze", p]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vllm-doctor: corrupt or truncated gzip data: unexpected end of file (${p})\n`);
    validates(r.report);
    expect(r.report.inputs[0].error).toBe("corrupt or truncated gzip data: unexpected end of file");
    expect(r.report.inputs[0].lines).toBeGreaterThan(100);
    expect(r.report.inputs[0].lines).toBeLessThan(20000);
  });

  it("a gzip bomb: decompression stops past --max-decompressed with a clear error, in bounded memory", async () => {
    // 64 MiB of zeros in ~64 KiB of gzip, written as a stream
    const p = join(tmp, "bomb.log.gz");
    const zeros = Buffer.alloc(1 << 20);
    await new Promise<void>((resolve, reject) => {
      const gz = createGzip({ level: 9 });
      const out = gz.pipe(createWriteStream(p));
      out.on("finish", resolve).on("error", reject);
      (async () => {
        for (let i = 0; i < 64; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once("drain", r));
        gz.end();
      })();
    });
    expect((await fsp.stat(p)).size).toBeLessThan(200 * 1024);
    const r = await runCliHere(["analyze", p, "--max-decompressed", "8MiB"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`vllm-doctor: gzip input expands past the limit of 8,388,608 bytes; stopped (raise --max-decompressed) (${p})\n`);
    // the library's limit is the same check
    const lib = await analyze([p], { limits: { maxDecompressedBytes: 1_000_000 } });
    expect(lib.failures).toEqual([{ path: p, message: "gzip input expands past the limit of 1,000,000 bytes; stopped (raise --max-decompressed)" }]);
    // under the limit it is read to the end
    expect((await runCliHere(["analyze", p, "--max-decompressed", "100MB", "--format", "json"])).status).toBe(0);
  });

  it("a nonexistent path beside a good file: the good one is reported, the bad one named in inputs[].error, exit 2", async () => {
    const good = file("good.log", P2P_01 + "\n");
    const bad = join(tmp, "missing.log");
    const r = await runJsonHere(["analyze", good, bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vllm-doctor: no such file or directory (${bad})\n`);
    expect(r.report.inputs).toEqual([
      { path: good, lines: 1, bytes: P2P_01.length + 1 },
      { path: bad, lines: 0, bytes: 0, error: "no such file or directory" },
    ]);
    expect(r.report.facts.nccl.transports["P2P/IPC"]).toBe(1);
  });

  it("permission denied (injected EACCES on open): one line naming the file, exit 2", async () => {
    const p = file("locked.log", P2P_01 + "\n");
    const spy = vi.spyOn(fs, "openSync").mockImplementation(() => {
      throw Object.assign(new Error("EACCES: permission denied, open"), { code: "EACCES" });
    });
    try {
      const r = await analyze([p]);
      expect(r.failures).toEqual([{ path: p, message: "permission denied" }]);
      expect(r.report.inputs).toEqual([{ path: p, lines: 0, bytes: P2P_01.length + 1, error: "permission denied" }]);
    } finally {
      spy.mockRestore();
    }
  });

  // root reads a mode-000 file anyway, so these run the CLI as `nobody` (setpriv); skipped where that is impossible:
  // not root, no setpriv, or a checkout `nobody` cannot reach (a clone under a folder only root may enter)
  const setpriv = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;
  const nobodyReaches = setpriv && spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", "require('fs').accessSync(process.argv[1], 4)", CLI]).status === 0;
  if (setpriv && !nobodyReaches) console.log(`hostile-inputs: user nobody cannot read ${CLI} (the checkout sits under a folder only root may enter), so the two as-nobody permission tests are skipped`);
  const canDropPrivileges = setpriv && nobodyReaches;
  const asNobody = (args: string[]) => {
    const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it.skipIf(!canDropPrivileges)("permission denied (as nobody, mode 000): one line `vllm-doctor: permission denied (<path>)`, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-perm-"));
    chmodSync(dir, 0o755);
    const p = join(dir, "secret.log");
    writeFileSync(p, P2P_01 + "\n");
    chmodSync(p, 0o000);
    const r = asNobody(["analyze", p]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`vllm-doctor: permission denied (${p})\n`);
  });

  it.skipIf(!canDropPrivileges)("a directory with an unreadable file (as nobody): the readable file is reported, the other named, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-dir-"));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "a.log"), P2P_01 + "\n");
    writeFileSync(join(dir, "b.log"), P2P_10 + "\n");
    chmodSync(join(dir, "b.log"), 0o000);
    mkdirSync(join(dir, "sub"), { mode: 0o700 }); // an unreadable subdirectory too (owned by root)
    writeFileSync(join(dir, "sub", "c.log"), SHM_10 + "\n");
    const r = asNobody(["analyze", dir, "--format", "json"]);
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.inputs).toEqual([
      { path: join(dir, "a.log"), lines: 1, bytes: P2P_01.length + 1 },
      { path: join(dir, "b.log"), lines: 0, bytes: 0, error: "permission denied" },
      { path: join(dir, "sub"), lines: 0, bytes: 0, error: "permission denied" },
    ]);
    expect(report.facts.nccl.transports["P2P/IPC"]).toBe(1);
    expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual([`vllm-doctor: permission denied (${join(dir, "b.log")})`, `vllm-doctor: permission denied (${join(dir, "sub")})`]);
  });

  it("stdin that closes early, mid-line: what arrived is read, the partial last line counted, exit 0", async () => {
    const child = spawn(process.execPath, [CLI, "analyze", "-", "--format", "json"], { env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stdin.write(P2P_01 + "\n" + P2P_10.slice(0, 30));
    await new Promise((r) => setTimeout(r, 100));
    child.stdin.destroy(); // the writer goes away without finishing its line
    const code = await new Promise((r) => child.on("close", r));
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.inputs).toEqual([{ path: "<stdin>", lines: 2, bytes: P2P_01.length + 1 + 30 }]);
    expect(report.facts.nccl.transports["P2P/IPC"]).toBe(1);
  });

  it("stdin closed before anything was written: an empty report, exit 0", () => {
    const { status, report } = runJson(["analyze", "-"], { input: "" });
    expect(status).toBe(0);
    expect(report.inputs).toEqual([{ path: "<stdin>", lines: 0, bytes: 0 }]);
  });

  it("a truncated gzip on stdin: reported as <stdin>, exit 2", () => {
    const gz = gzipSync(Array.from({ length: 5000 }, () => P2P_01).join("\n"));
    const r = runJson(["analyze", "-"], { input: gz.subarray(0, gz.length - 40) });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vllm-doctor: corrupt or truncated gzip data: unexpected end of file (<stdin>)\n");
    expect(r.report.inputs[0]).toMatchObject({ path: "<stdin>", error: "corrupt or truncated gzip data: unexpected end of file" });
    expect(r.report.inputs[0].lines).toBeGreaterThan(100);
  });
});
