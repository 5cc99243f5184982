import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// The command and the counting thread run from CommonJS bundles with V8's code cache (scripts/entry-loader.js,
// written by scripts/bundle.mjs). A cache V8 rejects costs only time, so these check that the build's fits.
const DIST = join(ROOT, "dist", "src");
const SAMPLE = join(ROOT, "samples", "cuda-oom.log");
// the V8 flags the loader sets before it compiles (scripts/entry-loader.js): V8 checks a cache against the flags too
const LOADER_FLAGS = [...readFileSync(join(DIST, "cli.js"), "utf8").matchAll(/setFlagsFromString\("(--[\w-]+(?:=\d+)?)"\)/g)].map((m) => m[1]);
// (a flag with a value back to V8's default)
const DEFAULTS: Record<string, string> = { "--semi-space-growth-factor": "2" };
const undo = (flag: string) => (flag.includes("=") ? `${flag.split("=")[0]}=${DEFAULTS[flag.split("=")[0]]}` : flag.startsWith("--no-") ? `--${flag.slice(5)}` : `--no-${flag.slice(2)}`);

describe("the code cache", () => {
  it.each(["cli", "range-worker"])("the %s bundle is ASCII (the loader reads it as latin1, without decoding)", (name) => {
    const text = readFileSync(join(DIST, `${name}.cjs`), "latin1");
    const wide = /[^\x00-\x7f]/.exec(text);
    expect(wide ? text.slice(Math.max(0, wide.index - 40), wide.index + 10) : null).toBeNull();
  });

  it.each(["cli", "range-worker"])("the build's cache for %s is one V8 takes for its bundle", (name) => {
    const cache = join(DIST, `${name}.${process.versions.v8}.code-cache`);
    expect(LOADER_FLAGS).toEqual(["--no-allocation-site-pretenuring", "--semi-space-growth-factor=1"]);
    for (const f of LOADER_FLAGS) setFlagsFromString(f);
    try {
      const script = new vm.Script(Module.wrap(readFileSync(join(DIST, `${name}.cjs`), "utf8")), { filename: join(DIST, `${name}.cjs`), cachedData: readFileSync(cache) });
      expect(script.cachedDataRejected).toBe(false);
    } finally {
      for (const f of LOADER_FLAGS) setFlagsFromString(undo(f));
    }
    // and no other V8's is left behind
    expect(readdirSync(DIST).filter((f) => f.startsWith(`${name}.`) && f.endsWith(".code-cache"))).toEqual([`${name}.${process.versions.v8}.code-cache`]);
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
