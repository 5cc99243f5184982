// Bundles the compiled code, because a Node start that loads ~120 modules one by one spends ~50 ms resolving,
// reading and linking them. Runs after tsc (`npm run build`). What the package ships is the bundles and tsc's
// type declarations, nothing else:
// - dist/src/index.js (the library's ESM entry) becomes an entry of one ESM bundle, its code in
//   dist/src/bundle-*.js, with each worker thread's entry next to it;
// - the command (dist/src/cli.js) and the thread that counts a big file's later part (dist/src/range-worker.js)
//   are one CommonJS file each, <name>.cjs, run by scripts/entry-loader.js (copied to <name>.js) with V8's code
//   cache, which a warm-up run writes here (<name>.<V8 version>.code-cache);
// - dist/src/index.cjs is the library for `require`: one CommonJS file with its dependencies inside (chevrotain,
//   chalk and others are ESM-only); its types are dist/src/index.d.cts;
// - every other .js that tsc wrote is removed (the .d.ts files stay: they are the types of both).
// chevrotain is bundled from the single-file build its package ships. A later `npx tsc -p .` writes the
// unbundled modules back, so a stale bundle cannot outlive a build.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const OUT = fileURLToPath(new URL("../dist/src/", import.meta.url));
const MARK = "// bundled by scripts/bundle.mjs";
// a module that starts a worker (or reads a file) next to itself: `new URL("./x.js", import.meta.url)`
const BESIDE = /new URL\("(\.{1,2}\/[^"]+)", import\.meta\.url\)/g;

const cli = join(OUT, "cli.js");
if (!existsSync(cli)) fail("dist/src/cli.js is missing: run `npx tsc -p .` first");
if (isBundleOutput(cli)) fail("dist/src/cli.js is a bundle already: run `npx tsc -p .` first (`npm run build` does both)");
for (const f of readdirSync(OUT)) if ((f.endsWith(".js") && isBundleOutput(join(OUT, f))) || f.endsWith(".code-cache")) rmSync(join(OUT, f));

// The bundle's files all sit in dist/src/, so a module that finds its worker at "./worker.js" next to itself
// finds it at dist/src/worker.js once bundled: each such worker becomes an entry of that name (and the CLI
// and its workers share one set of chunks).
const entryPoints = { index: join(OUT, "index.js") };
for (const file of jsFiles(OUT)) {
  for (const m of readFileSync(file, "utf8").matchAll(BESIDE)) {
    const target = join(dirname(file), m[1]);
    if (!m[1].startsWith("./") || !target.endsWith(".js") || !existsSync(target)) continue;
    const name = basename(target, ".js");
    if (entryPoints[name] && entryPoints[name] !== target) fail(`two workers are called ${name}.js: ${entryPoints[name]} and ${target}`);
    if (existsSync(join(OUT, `${name}.js`)) && join(OUT, `${name}.js`) !== target) fail(`${relative(OUT, target)} would overwrite dist/src/${name}.js`);
    entryPoints[name] = target;
  }
}

// the command and the thread that counts a file's later part are bundled apart (below)
const CACHED = { cli, "range-worker": entryPoints["range-worker"] };
if (!CACHED["range-worker"]) fail("no module starts dist/src/range-worker.js any more: update CACHED");
delete entryPoints["range-worker"];

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
// "chevrotain" is its single-file build (lib/chevrotain.min.mjs beside lib/src/api.js)
const chevrotainFile = join(dirname(createRequire(join(ROOT, "package.json")).resolve("chevrotain")), "..", "chevrotain.min.mjs");
if (!existsSync(chevrotainFile)) fail(`chevrotain's single-file build is not at ${chevrotainFile}`);
const chevrotain = {
  name: "chevrotain-single-file",
  setup(b) {
    b.onResolve({ filter: /^chevrotain$/ }, () => ({ path: chevrotainFile }));
  },
};

const result = await build({
  entryPoints,
  outdir: OUT,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // dependencies load from node_modules as before, but for chevrotain (bundled from its single file)
  external: Object.keys(pkg.dependencies ?? {}).filter((d) => d !== "chevrotain"),
  plugins: [chevrotain],
  // flat, so that every `import.meta.url`-relative path means what it meant in dist/src/
  chunkNames: "bundle-[name]-[hash]",
  // no keepNames: it wraps every function the code creates in a defineProperty call (`__name`), which on a reader's
  // hot path (a closure per record) cost ~3% of a set-up log's time; nothing reads a function's name
  banner: { js: MARK },
  metafile: true,
  logLevel: "warning",
});

// One CommonJS file each, with everything inside: the library for require(), beside the ESM entry (so `./worker.js`
// and `../../package.json` are found from it as from the ESM bundle); the command and the thread that counts a
// file's later part, which start faster so: scripts/entry-loader.js, copied to dist/src/<name>.js, runs each with
// V8's code cache for it (a code cache is per script; writeCodeCache makes them). The library's ESM entry and its
// chunks spawn the same counting thread (its URL is dist/src/range-worker.js either way).
const cjs = await build({
  entryPoints: { index: join(OUT, "index.js"), ...CACHED },
  outExtension: { ".js": ".cjs" },
  outdir: OUT,
  allowOverwrite: true,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  plugins: [chevrotain],
  define: { "import.meta.url": "__vllmDoctorModuleUrl" },
  // no comments or indentation: a smaller file to read at every start (identifiers stay), and with the regular
  // expressions written in \u escapes, ASCII (checked below)
  minifyWhitespace: true,
  banner: { js: `${MARK}\nconst __vllmDoctorModuleUrl = require("node:url").pathToFileURL(__filename).href;` },
  metafile: true,
  logLevel: "warning",
});
const loader = readFileSync(join(ROOT, "scripts", "entry-loader.js"), "utf8").replace(/\n/, `\n${MARK}\n`);
for (const name of Object.keys(CACHED)) {
  const bundle = join(OUT, `${name}.cjs`);
  // (the loader wraps the bundle in a function, where a `#!` line cannot stand)
  const text = readFileSync(bundle, "utf8").replace(/^#!.*\n/, "");
  // a source with one character above 0x7F is read into a two-byte string, through UTF-8 decoding that costs ~10 ms
  // a start for this size (an ASCII one is copied, see entry-loader.js): esbuild escapes strings, not regular
  // expression literals or String.raw
  const wide = /[^\x00-\x7f]/.exec(text);
  // (the bundle is still written, but the build fails: a warning alone went unseen)
  if (wide) {
    console.error(`bundle: ${name}.cjs holds ${JSON.stringify(text.slice(Math.max(0, wide.index - 40), wide.index + 10))}, so each start would decode it (~10 ms): write that character as a \\u escape in the source`);
    process.exitCode = 1;
  }
  // a dynamic import left in the bundle (of a Node module: `await import("node:crypto")`) cannot be resolved from the
  // script the loader compiles on Node 20 ("A dynamic import callback was not specified"): import it statically, or
  // from a module of ours, which the bundle inlines
  const dynamic = /(?<![\w$.])import\(/.exec(text);
  if (dynamic) {
    console.error(`bundle: ${name}.cjs holds a dynamic import (${JSON.stringify(text.slice(Math.max(0, dynamic.index - 40), dynamic.index + 40))}), which fails when the command runs: load that module statically or through a module of ours`);
    process.exitCode = 1;
  }
  writeFileSync(bundle, text);
  writeFileSync(join(OUT, `${name}.js`), loader);
}

// its types: the ESM entry's declarations read as an ES module ("resolution-mode": "import"), every type as it is
// and every value by name (a plain `export * from` in a .d.cts would be a require() of an ES module to tsc)
const values = Object.keys(createRequire(import.meta.url)(join(OUT, "index.cjs"))).filter((n) => n !== "__esModule").sort();
writeFileSync(
  join(OUT, "index.d.cts"),
  [
    "// the CommonJS entry's types: the same API as the ESM entry (written by scripts/bundle.mjs)",
    `export type * from "./index.js" with { "resolution-mode": "import" };`,
    `type Api = typeof import("./index.js", { with: { "resolution-mode": "import" } });`,
    ...values.map((n) => `export declare const ${n}: Api[${JSON.stringify(n)}];`),
    "",
  ].join("\n"),
);

// ship the bundles only: the modules tsc wrote are inside them now
const bundles = [...Object.keys(result.metafile.outputs), ...Object.keys(cjs.metafile.outputs)];
const outputs = new Set([...bundles.map((f) => join(ROOT, f)), ...Object.keys(CACHED).map((name) => join(OUT, `${name}.js`))]);
for (const file of jsFiles(join(ROOT, "dist"))) if (!outputs.has(file)) rmSync(file);

// every file the code looks for next to itself (workers, package.json) must be where the bundle looks
for (const file of bundles) {
  for (const m of readFileSync(file, "utf8").matchAll(BESIDE)) {
    if (!existsSync(join(dirname(file), m[1]))) fail(`${file} looks for ${m[1]}, which is not there`);
  }
}

writeCodeCache();

/**
 * Runs the command once on a small log of every kind it reads fast (bench/generate.mjs's, else a sample) for the
 * code cache: V8 keeps the compiled code of each function that ran. A failure leaves no cache, never a broken one.
 */
function writeCodeCache() {
  const dir = mkdtempSync(join(tmpdir(), "vllm-doctor-warm-"));
  try {
    const generator = join(ROOT, "bench", "generate.mjs");
    let log = join(ROOT, "samples", "ray-tp8-pp2-two-nodes.log");
    if (existsSync(generator)) {
      log = join(dir, "warm.log");
      const made = spawnSync(process.execPath, ["--input-type=module", "-e", `import { writeLog } from ${JSON.stringify(pathToFileURL(generator).href)}; await writeLog(${JSON.stringify(log)}, { bytes: 2e6 });`], { stdio: "inherit" });
      if (made.status !== 0) fail("could not write the warm-up log");
    }
    const env = { ...process.env, VLLM_DOCTOR_WRITE_CODE_CACHE: "1" };
    // the counting thread's: it writes its cache once it has counted its range, so the log is read in two parts here
    // (the hidden --split-min); this run's command writes one too, which the next run's replaces
    const split = spawnSync(process.execPath, [cli, "analyze", "--split-min", "16KiB", "--jobs", "2", "--format", "json", "--no-progress", log], { env, stdio: ["ignore", "ignore", "inherit"] });
    if (split.status !== 0 && split.status !== 1) fail(`the counting thread's warm-up exited ${split.status}`);
    const run = spawnSync(process.execPath, [cli, "analyze", "--jobs", "1", "--format", "json", "--no-progress", log], { env, stdio: ["ignore", "ignore", "inherit"] });
    if (run.status !== 0 && run.status !== 1) fail(`the warm-up run exited ${run.status}`);
    // (a sample has no run of collectives for the counting thread to count, which then starts without a cache)
    const needed = existsSync(generator) ? Object.keys(CACHED) : ["cli"];
    for (const name of needed) if (!existsSync(join(OUT, `${name}.${process.versions.v8}.code-cache`))) fail(`the warm-up wrote no code cache for ${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? jsFiles(join(dir, d.name)) : d.name.endsWith(".js") ? [join(dir, d.name)] : []));
}

/** Written by an earlier run of this script (tsc never writes the mark)? */
function isBundleOutput(file) {
  const fd = openSync(file, "r");
  const head = Buffer.alloc(256);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  return head.subarray(0, n).toString("utf8").includes(MARK);
}

function fail(message) {
  console.error(`bundle: ${message}`);
  process.exit(1);
}
