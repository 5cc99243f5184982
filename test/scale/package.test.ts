import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

/*
 * The package as a user meets it: `npm pack`, installed into an empty folder, then the command on a packed
 * sample, `require` and `import` of the API, and the types of both entries checked by the TypeScript compiler.
 * The install takes the dependencies from npm's cache when it can (`--offline`), else from the registry.
 * Runs on the build of `npm test` (`npm pack --ignore-scripts`: prepack would build it again).
 */

const tmp = mkdtempSync(join(tmpdir(), "vd-package-"));
const run = (cmd: string, args: string[], cwd: string, timeout = 180_000) => spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" } });

describe("the packed package", () => {
  it("installs into an empty folder and works as a command, with require and import, typed for both", () => {
    const pack = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const packed = JSON.parse(pack.stdout)[0] as { filename: string; files: { path: string }[] };
    const files = packed.files.map((f) => f.path);
    // one dist: the bundles and the type declarations, nothing tsc wrote as a module graph
    expect(files).toContain("LICENSE");
    expect(files).toContain("bin/vllm-doctor.js");
    expect(files).toContain("dist/src/index.cjs");
    expect(files).toContain("dist/src/index.d.cts");
    // the command and the counting thread: their bundles and the code cache for the V8 that built them
    for (const name of ["cli", "range-worker"]) {
      expect(files).toContain(`dist/src/${name}.cjs`);
      expect(files).toContain(`dist/src/${name}.${process.versions.v8}.code-cache`);
    }
    expect(files.filter((f) => f.startsWith("dist/") && /\.js$/.test(f) && !/^dist\/src\/(?:bundle-[\w-]+|cli|index|worker|range-worker)\.js$/.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith("src/") || f.startsWith("test/"))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    // no install script: npm warns about every one in every install
    expect(Object.keys(pkg.scripts).filter((s) => /^(?:pre|post)?install$|^prepare$/.test(s))).toEqual([]);
    expect(pkg.scripts.prepack).toBe("npm run build");

    const app = join(tmp, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    const tarball = join(tmp, packed.filename);
    let install = run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], app);
    if (install.status !== 0) install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], app);
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toMatch(/install scripts/);

    // the command, on a sample the package ships
    const cli = run("npx", ["--no-install", "vllm-doctor", "analyze", "node_modules/vllm-doctor/samples/cuda-oom.log", "--format", "json"], app);
    expect(cli.status, cli.stderr).toBe(1);
    expect(JSON.parse(cli.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(["vllm/cuda-oom", "vllm/engine-init-failed"]);

    // require and import of the API; workers (two inputs, --jobs 2) and the xz reader from both
    const use = `analyze(["node_modules/vllm-doctor/samples/cuda-oom.log", "node_modules/vllm-doctor/samples/v1-single-gpu.log"], { jobs: 2 }).then((r) => console.log(JSON.stringify([r.report.inputs.map((i) => i.lines), r.report.findings.some((f) => f.ruleId === "vllm/cuda-oom"), typeof peel])));`;
    writeFileSync(join(app, "use.cjs"), `const { analyze, peel } = require("vllm-doctor");\n${use}\n`);
    writeFileSync(join(app, "use.mjs"), `import { analyze, peel } from "vllm-doctor";\n${use}\n`);
    const want = JSON.stringify([[55, 36], true, "function"]) + "\n";
    for (const f of ["use.cjs", "use.mjs"]) {
      const r = run(process.execPath, [f], app);
      expect([r.status, r.stdout, r.stderr], f).toEqual([0, want, ""]);
    }

    // the types of both entries, as a consumer's compiler resolves them (node16: the require and import conditions)
    writeFileSync(join(app, "types.cts"), `import vd = require("vllm-doctor");\nconst p: Promise<vd.Analysis> = vd.analyze(["x.log"]);\nconst ok: boolean = vd.ReportSchema.safeParse({}).success;\nvoid p; void ok;\n`);
    writeFileSync(join(app, "types.mts"), `import { analyze, type Report } from "vllm-doctor";\nconst r: Report = (await analyze(["x.log"])).report;\nconst id: string | undefined = r.findings[0]?.docsUrl;\nvoid id;\n`);
    writeFileSync(join(app, "bad.mts"), `import { analyze } from "vllm-doctor";\nconst n: number = analyze;\nvoid n;\n`);
    const tsc = join(ROOT, "node_modules", ".bin", "tsc");
    const opts = ["--noEmit", "--strict", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", "--types", "node", "--typeRoots", join(ROOT, "node_modules", "@types")];
    // one compiler run: the right uses type-check, and the check can fail (the wrong use is the only error)
    const types = run(tsc, [...opts, "types.cts", "types.mts", "bad.mts"], app);
    expect(types.stdout.trim().split("\n").map((l) => l.replace(/:.*/, ""))).toEqual(["bad.mts(2,7)"]);
    expect(types.stdout).toMatch(/^bad\.mts\(2,7\): error TS2322: Type '.*' is not assignable to type 'number'/);
    expect(existsSync(join(app, "node_modules", "vllm-doctor", "dist", "src", "index.js"))).toBe(true);
    expect(readdirSync(join(app, "node_modules", "vllm-doctor", "dist", "grammars")).every((f) => f.endsWith(".d.ts"))).toBe(true);
  }, 300_000);

  it("the command without a build: in a clone it builds dist/ first (checked by hand: README), elsewhere it says so, exit 2", () => {
    const bare = join(tmp, "bare");
    mkdirSync(join(bare, "bin"), { recursive: true });
    writeFileSync(join(bare, "bin", "vllm-doctor.js"), readFileSync(join(ROOT, "bin", "vllm-doctor.js")));
    const r = run(process.execPath, [join(bare, "bin", "vllm-doctor.js"), "analyze", "x.log"], bare);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, "", "vllm-doctor: this installation has no dist/ (reinstall the package)\n"]);
  });
});
