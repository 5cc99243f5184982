// Bundles the compiled CLI into a few files, because a Node start that loads ~120 modules one by one spends
// ~50 ms resolving, reading and linking them. Runs after tsc (`npm run build`) and rewrites only what the
// CLI loads: dist/src/cli.js (the bin) becomes the bundle's entry, its code goes to dist/src/bundle-*.js,
// and each worker thread's entry goes next to it. Everything else tsc wrote stays as it was, so the library
// (dist/src/index.js) is the plain module graph. A later `npx tsc -p .` writes the unbundled CLI back (it
// rewrites every output), so a stale bundle cannot outlive a build.
import { build } from "esbuild";
import { existsSync, openSync, readSync, closeSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
const entryPoints = { cli };
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

const result = await build({
  entryPoints,
  outdir: OUT,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // dependencies load from node_modules as before (chevrotain finds its own single-file build)
  packages: "external",
  // flat, so that every `import.meta.url`-relative path means what it meant in dist/src/
  chunkNames: "bundle-[name]-[hash]",
  keepNames: true,
  banner: { js: MARK },
  metafile: true,
  logLevel: "warning",
});

// every file the code looks for next to itself (workers, package.json) must be where the bundle looks
for (const file of Object.keys(result.metafile.outputs)) {
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
