// Bundles the compiled code, because a Node start that loads ~120 modules one by one spends ~50 ms resolving,
// reading and linking them. Runs after tsc (`npm run build`). What the package ships is the bundles and tsc's
// type declarations, nothing else:
// - dist/src/cli.js (the bin) and dist/src/index.js (the library's ESM entry) become entries of one ESM bundle,
//   their code in dist/src/bundle-*.js, with each worker thread's entry next to them;
// - dist/src/index.cjs is the library for `require`: one CommonJS file with its dependencies inside (chevrotain,
//   chalk and others are ESM-only); its types are dist/src/index.d.cts;
// - every other .js that tsc wrote is removed (the .d.ts files stay: they are the types of both).
// chevrotain is bundled from the single-file build its package ships. A later `npx tsc -p .` writes the
// unbundled modules back, so a stale bundle cannot outlive a build.
import { build } from "esbuild";
import { existsSync, openSync, readSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = fileURLToPath(new URL("../dist/src/", import.meta.url));
const MARK = "// bundled by scripts/bundle.mjs";
// a module that starts a worker (or reads a file) next to itself: `new URL("./x.js", import.meta.url)`
const BESIDE = /new URL\("(\.{1,2}\/[^"]+)", import\.meta\.url\)/g;

const cli = join(OUT, "cli.js");
if (!existsSync(cli)) fail("dist/src/cli.js is missing: run `npx tsc -p .` first");
if (isBundleOutput(cli)) fail("dist/src/cli.js is a bundle already: run `npx tsc -p .` first (`npm run build` does both)");
for (const f of readdirSync(OUT)) if (f.endsWith(".js") && isBundleOutput(join(OUT, f))) rmSync(join(OUT, f));

// The bundle's files all sit in dist/src/, so a module that finds its worker at "./worker.js" next to itself
// finds it at dist/src/worker.js once bundled: each such worker becomes an entry of that name (and the CLI
// and its workers share one set of chunks).
const entryPoints = { cli, index: join(OUT, "index.js") };
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

// the library for require(): everything in one CommonJS file beside the ESM entry (so `./worker.js` and
// `../../package.json` are found from it as from the ESM bundle)
const cjs = await build({
  entryPoints: { index: join(OUT, "index.js") },
  outExtension: { ".js": ".cjs" },
  outdir: OUT,
  allowOverwrite: true,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  plugins: [chevrotain],
  define: { "import.meta.url": "__vllmDoctorModuleUrl" },
  banner: { js: `${MARK}\nconst __vllmDoctorModuleUrl = require("node:url").pathToFileURL(__filename).href;` },
  metafile: true,
  logLevel: "warning",
});
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
const outputs = new Set([...Object.keys(result.metafile.outputs), ...Object.keys(cjs.metafile.outputs)].map((f) => join(ROOT, f)));
for (const file of jsFiles(join(ROOT, "dist"))) if (!outputs.has(file)) rmSync(file);

// every file the code looks for next to itself (workers, package.json) must be where the bundle looks
for (const file of [...Object.keys(result.metafile.outputs), ...Object.keys(cjs.metafile.outputs)]) {
  for (const m of readFileSync(file, "utf8").matchAll(BESIDE)) {
    if (!existsSync(join(dirname(file), m[1]))) fail(`${file} looks for ${m[1]}, which is not there`);
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
