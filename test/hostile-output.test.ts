import { describe, expect, it, vi } from "vitest";
import fs, { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync, promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runCliHere, runJsonHere } from "./helpers/cli.js";
import { analyze } from "../src/analyze.js";
import { FORMATS } from "../src/commands/analyze.js";
import { ReportSchema } from "../src/facts/schema.js";

/** Issue 7 §3–5: a crafted log cannot drive the terminal; errors are one line; inputs are never written. */

const ESC = "\x1b";
const BEL = "\x07";
const tmp = mkdtempSync(join(tmpdir(), "vd-out-"));
// a file name and log lines that carry OSC (title, hyperlink), CSI (clear screen), 8-bit CSI, BEL and a bidi override
const evilName = join(tmp, `evil${ESC}]0;owned${BEL}.log`);
const evilLines = [
  `gpu1:23:45 [0] misc/socket.cc:50 NCCL WARN ${ESC}]8;;http://x${BEL}click${ESC}]8;;${BEL} ${ESC}[2J\u009b31m \u202egnp.exe`,
  `ERROR 07-25 10:11:12 [core.py:1] ${ESC}[31mboom${ESC}[0m${BEL} RuntimeError: bad \u2066x\u2069`,
  `Traceback (most recent call last):`,
  `  File "/x/${ESC}[8mhidden.py", line 1, in f`,
  `RuntimeError: NCCL error: unhandled system error ${ESC}P1$r${ESC}\\ ${ESC}[?1049h`,
];
writeFileSync(evilName, evilLines.join("\n") + "\n");

/** Only our own SGR colour codes may reach a terminal; no other ESC, no C1, no BEL, no bidi controls. */
function expectTerminalSafe(out: string): void {
  const withoutSgr = out.replace(/\x1b\[[0-9;]*m/g, "");
  expect(withoutSgr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  expect(withoutSgr).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
}

describe("output safety: the text report", () => {
  for (const color of [false, true]) {
    it(`shows control sequences and bidi overrides from the log and its name escaped (colour ${color ? "on" : "off"})`, async () => {
      const r = await runCliHere(["analyze", evilName], { env: color ? { FORCE_COLOR: "1", NO_COLOR: undefined } : {} });
      expect(r.status).not.toBe(2);
      expectTerminalSafe(r.stdout);
      expect(r.stdout).toContain("evil\\x1b]0;owned\\x07.log");
      expect(r.stdout).toContain("\\x1b]8;;http://x\\x07click\\x1b]8;;\\x07 \\x1b[2J\\x9b31m \\u202egnp.exe");
      if (color) expect(r.stdout).toMatch(/\x1b\[[0-9;]*m/);
    });
  }

  it("error messages on stderr are escaped too (a crafted file name that does not exist)", async () => {
    const r = await runCliHere(["analyze", join(tmp, `gone${ESC}]0;x${BEL}.log`)]);
    expect(r.status).toBe(2);
    expectTerminalSafe(r.stderr);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("output safety: every other format is well formed whatever the log holds", () => {
  const formats = Object.keys(FORMATS).filter((f) => f !== "text");

  for (const format of formats) {
    it(`${format}: no raw control characters, parses where it is JSON`, async () => {
      const r = await runCliHere(["analyze", evilName, "--format", format], { env: { GITHUB_STEP_SUMMARY: "" } });
      expect(r.status === 0 || r.status === 1).toBe(true);
      // JSON must escape C0 controls (\u001b) and may carry DEL and C1 as they are; XML 1.0 cannot carry C0
      // controls at all; Markdown and HTML must not pass any of them on
      const json = format === "json" || format === "sarif" || format === "ndjson" || format === "github";
      expect(r.stdout).not.toMatch(json ? /[\x00-\x08\x0b\x0c\x0e-\x1f]/ : /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/);
      if (format === "json" || format === "sarif") expect(() => JSON.parse(r.stdout)).not.toThrow();
      if (format === "json") expect(ReportSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
      if (format === "ndjson") for (const line of r.stdout.split("\n").filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    });
  }
});

describe("errors: one line, exit 2, a stack only with --debug", () => {
  it("a usage error and an input error are one line each", async () => {
    const missing = join(tmp, "nope.log");
    const r = await runCliHere(["analyze", missing]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`vllm-doctor: no such file or directory (${missing})\n`);
    const u = await runCliHere(["analyze", evilName, "--jobs", "0"]);
    expect(u.status).toBe(2);
    expect(u.stderr).toBe("vllm-doctor: --jobs wants a whole number of at least 1 or 'auto', not '0'\n");
  });

  it("--debug adds the stack trace", async () => {
    const r = await runCliHere(["--debug", "analyze", join(tmp, "nope.log")]);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`vllm-doctor: no such file or directory (${join(tmp, "nope.log")})`);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe("inputs are read-only; -o is atomic", () => {
  it("opens every input with flag 'r' only", async () => {
    const p = join(tmp, "ro.log");
    writeFileSync(p, "a\n");
    // (a regular file is opened on this thread, anything else through the thread pool)
    const spy = vi.spyOn(fsp, "open");
    const spySync = vi.spyOn(fs, "openSync");
    try {
      await analyze([p, tmp]);
      expect(spySync.mock.calls.length).toBeGreaterThan(1);
      for (const call of [...spy.mock.calls, ...spySync.mock.calls]) expect(call[1] ?? "r").toBe("r");
    } finally {
      spy.mockRestore();
      spySync.mockRestore();
    }
  });

  it("leaves the inputs' content and mtime alone, writes nothing beside them, and -o leaves no temporary file", async () => {
    const inDir = mkdtempSync(join(tmpdir(), "vd-in-"));
    const outDir = mkdtempSync(join(tmpdir(), "vd-o-"));
    const a = join(inDir, "a.log");
    const b = join(inDir, "b.log.gz");
    writeFileSync(a, evilLines.join("\n"));
    writeFileSync(b, gzipSync("hi\n"));
    const old = new Date("2020-01-02T03:04:05Z");
    utimesSync(a, old, old);
    utimesSync(b, old, old);
    const before = { a: readFileSync(a), b: readFileSync(b) };

    const out = join(outDir, "report.json");
    const r = await runCliHere(["analyze", inDir, "--format", "json", "-o", out]);
    expect(r.status).toBe(1); // the log holds an error
    expect(r.stdout).toBe("");
    expect(readdirSync(inDir).sort()).toEqual(["a.log", "b.log.gz"]);
    expect(readdirSync(outDir)).toEqual(["report.json"]);
    expect(readFileSync(a).equals(before.a)).toBe(true);
    expect(readFileSync(b).equals(before.b)).toBe(true);
    expect(statSync(a).mtime.getTime()).toBe(old.getTime());
    expect(statSync(b).mtime.getTime()).toBe(old.getTime());
    const report = JSON.parse(readFileSync(out, "utf8"));
    expect(report.inputs.map((i: { path: string; lines: number }) => [i.path, i.lines])).toEqual([[a, 5], [b, 1]]);

    // overwriting replaces the file whole (a rename), again with nothing left behind
    writeFileSync(out, "old");
    expect((await runCliHere(["analyze", a, "--format", "json", "-o", out])).status).toBe(1);
    expect(JSON.parse(readFileSync(out, "utf8")).inputs).toHaveLength(1);
    expect(readdirSync(outDir)).toEqual(["report.json"]);
  });

  it("-o naming an input (itself, a link to it, a file found in a directory given) is refused: the log stays", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-self-"));
    const log = join(dir, "run.log");
    writeFileSync(log, evilLines.join("\n") + "\n");
    symlinkSync(log, join(dir, "report.md"));
    const before = readFileSync(log);
    // it used to write the report over the log it was made from
    const self = await runCliHere(["analyze", log, "-o", log]);
    expect(self).toMatchObject({ status: 2, stdout: "", stderr: `vllm-doctor: cannot write the report: it is one of the inputs: write the report somewhere else (${log})\n` });
    const viaLink = await runCliHere(["check", dir, "-o", join(dir, "report.md")]);
    expect(viaLink.status).toBe(2);
    expect(viaLink.stderr).toContain(`vllm-doctor: cannot write the report: it is the same file as ${log}, one of the inputs: write the report somewhere else (${join(dir, "report.md")})`);
    expect(readFileSync(log).equals(before)).toBe(true);
  });

  it("-o '' (an unset shell variable) is refused, not taken for stdout", async () => {
    expect(await runCliHere(["analyze", evilName, "-o", ""])).toMatchObject({ status: 2, stdout: "", stderr: "vllm-doctor: -o needs a file name (or - for stdout)\n" });
  });

  it("-o into a directory that does not exist: one line, exit 2, nothing created", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "vd-o2-"));
    mkdirSync(join(outDir, "exists"));
    const r = await runJsonHere(["analyze", evilName, "-o", join(outDir, "missing", "r.json")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^vllm-doctor: /);
    expect(readdirSync(outDir)).toEqual(["exists"]);
  });
});
