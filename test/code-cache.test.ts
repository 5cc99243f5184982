import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// The command and the counting thread run from CommonJS bundles with V8's code cache (scripts/entry-loader.js,
// written by scripts/bundle.mjs). A cache V8 rejects costs only time, so these check that the build's fits.
const DIST = join(ROOT, "dist", "src");
const SAMPLE = join(ROOT, "samples", "cuda-oom.log");
// the V8 flags the loader sets before it compiles (scripts/entry-loader.js): V8 checks a cache against the flags too
const LOADER_FLAGS = [...readFileSync(join(DIST, "cli.js"), "utf8").matchAll(/setFlagsFromString\("(--[\w-]+(?:=\d+)?)"\)/g)].map((m) => m[1]);

describe("the code cache", () => {
  it.each(["cli", "range-worker"])("the %s bundle is ASCII (the loader reads it as latin1, without decoding)", (name) => {
    const text = readFileSync(join(DIST, `${name}.cjs`), "latin1");
    const wide = /[^\x00-\x7f]/.exec(text);
    expect(wide ? text.slice(Math.max(0, wide.index - 40), wide.index + 10) : null).toBeNull();
  });

  it.each(["cli", "range-worker"])("the build's cache for %s is one V8 takes for its bundle", (name) => {
    const cache = join(DIST, `${name}.${process.versions.v8}.code-cache`);
    expect(LOADER_FLAGS).toEqual(["--semi-space-growth-factor=1"]);
    // in a fresh Node: V8 checks a cache against every flag, and a test process may have set others (the in-process
    // CLI runs expose the collector, see src/util/heap.ts)
    const check = [
      ...LOADER_FLAGS.map((f) => `require("node:v8").setFlagsFromString(${JSON.stringify(f)});`),
      `const { readFileSync } = require("node:fs");`,
      `const s = new (require("node:vm").Script)(require("node:module").wrap(readFileSync(process.argv[1], "utf8")), { filename: process.argv[1], cachedData: readFileSync(process.argv[2]) });`,
      `process.stdout.write(String(s.cachedDataRejected));`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["-e", check, join(DIST, `${name}.cjs`), cache], { encoding: "utf8" });
    expect([r.stdout, r.stderr]).toEqual(["false", ""]);
    // and no other V8's is left behind
    expect(readdirSync(DIST).filter((f) => f.startsWith(`${name}.`) && f.endsWith(".code-cache"))).toEqual([`${name}.${process.versions.v8}.code-cache`]);
  });

  it("the counting thread's holds the code it counts with, not only its loading code (the build gives it a range to count)", () => {
    // what a cache made right after the bundle loads holds, against the build's
    const check = [
      ...LOADER_FLAGS.map((f) => `require("node:v8").setFlagsFromString(${JSON.stringify(f)});`),
      `const { readFileSync } = require("node:fs");`,
      `const s = new (require("node:vm").Script)(require("node:module").wrap(readFileSync(process.argv[1], "latin1")), { filename: process.argv[1] });`,
      `s.runInThisContext()({}, require, { exports: {} }, process.argv[1], require("node:path").dirname(process.argv[1]));`,
      `process.stdout.write(String(s.createCachedData().length));`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["-e", check, join(DIST, "range-worker.cjs")], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const loadedOnly = Number(r.stdout);
    expect(loadedOnly).toBeGreaterThan(0);
    expect(statSync(join(DIST, `range-worker.${process.versions.v8}.code-cache`)).size).toBeGreaterThan(1.5 * loadedOnly);
  });

  it.skipIf(process.getuid === undefined)("without one for its V8 the command writes its own, in a folder only its user can write, and uses none that others can", () => {
    // a copy of the command without the build's cache
    const dir = mkdtempSync(join(tmpdir(), "vd-cache-"));
    const dist = join(dir, "dist");
    mkdirSync(dist);
    for (const f of ["cli.js", "cli.cjs"]) copyFileSync(join(DIST, f), join(dist, f));
    const home = join(dir, "tmp");
    mkdirSync(home);
    const run = (env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [join(dist, "cli.js"), "analyze", "--format", "json", SAMPLE], { encoding: "utf8", env: { ...process.env, TMPDIR: home, ...env } });
    const folder = join(home, `vllm-doctor-code-cache-${process.getuid!()}`);

    const off = run({ VLLM_DOCTOR_CODE_CACHE: "0" });
    expect(off.status).toBe(1);
    expect(readdirSync(home)).toEqual([]);

    const first = run();
    expect([first.status, first.stderr]).toEqual([1, ""]);
    expect(JSON.parse(first.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(["vllm/cuda-oom", "vllm/engine-init-failed"]);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const [cache] = readdirSync(folder);
    expect(cache).toMatch(new RegExp(`^cli-${process.versions.v8.replace(/\./g, "\\.")}-\\d+-\\d+\\.code-cache$`));
    const written = statSync(join(folder, cache)).mtimeMs;

    // found: not written again, and the same report
    const second = run();
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(join(folder, cache)).mtimeMs).toBe(written);

    // a folder others may write to is not used (a cache is code): nothing is written there
    chmodSync(folder, 0o777);
    const shared = run();
    expect(shared.stdout).toBe(first.stdout);
    expect(readdirSync(folder)).toEqual([cache]);
    expect(statSync(join(folder, cache)).mtimeMs).toBe(written);
  });
});
