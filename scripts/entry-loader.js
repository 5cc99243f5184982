#!/usr/bin/env node
// An entry of the build (scripts/bundle.mjs copies this file to dist/src/cli.js and dist/src/range-worker.js). It
// runs the CommonJS bundle of its name, <name>.cjs, with V8's code cache for it: a start that parses and compiles
// megabytes of code costs ~40 ms more than one that takes the compiled code from a cache. The build writes one for
// the V8 it ran on (<name>.<V8 version>.code-cache beside the bundle); under another V8 the command writes its own
// when a run ends, where Node keeps its own compile cache (the temporary directory; VLLM_DOCTOR_CODE_CACHE=0 turns
// that off). V8 checks a cache against the code, its version and flags: one that does not fit (a profiler's flag)
// is ignored, the code compiled as usual, and nothing else changes.
import { isAscii } from "node:buffer";
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { isMainThread } from "node:worker_threads";
import { setFlagsFromString } from "node:v8";

// V8 grows the young generation (two semi-spaces, from 1 MB each) up to 16 MB each while much of it survives a young
// collection: a log read the ordinary way makes garbage fast enough to grow it, and a collection of a young generation
// that big costs more than the many small ones it saves (a big job's set-up log: ~10% less CPU and ~10 MB less peak
// RSS kept at its first size; a log the fast path counts makes little garbage either way). Set before the code is
// compiled: V8 checks a code cache against the flags it was made under. (--no-allocation-site-pretenuring, set here
// before, no longer paid on any shape and made the counting thread start ~55 ms later: a flag set at run time can cost
// every thread started after it.)
setFlagsFromString("--semi-space-growth-factor=1");

const self = fileURLToPath(import.meta.url);
const name = basename(self, ".js");
const file = join(dirname(self), `${name}.cjs`);
const source = readSource(file);
const warmUp = process.env.VLLM_DOCTOR_WRITE_CODE_CACHE === "1";
const built = join(dirname(self), `${name}.${process.versions.v8}.code-cache`);
const userCacheOn = !warmUp && isMainThread && process.env.VLLM_DOCTOR_CODE_CACHE !== "0";
// the build's cache, else (the command, under another V8) this user's; none in the build's warm-up, which writes one
let cachedData = warmUp ? undefined : readIfThere(built);
const userFile = cachedData === undefined && userCacheOn ? userCache() : undefined;
if (userFile) cachedData = readIfThere(userFile);
const found = cachedData !== undefined;
const script = new vm.Script(Module.wrap(source), {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
// (V8 has taken what it needs: the buffer need not live as long as the process)
cachedData = undefined;
const writeCache = (to) => {
  try {
    writeFileSync(`${to}.${process.pid}.tmp`, script.createCachedData());
    renameSync(`${to}.${process.pid}.tmp`, to);
  } catch (e) {
    if (warmUp) throw e;
  }
};
// the build's warm-up: the command's cache is written when a run ends (it then holds the code of every function
// the run compiled), a worker thread's each time it has done a job (src/parallel/port.ts calls this hook: a thread
// whose cache held only its loading code compiled all its counting code while the command started, ~3% of a 400 MB
// log's time); a command that found no cache for its V8 writes one when it ends
const writeTo = warmUp && isMainThread ? built : found ? undefined : userFile;
if (writeTo) process.on("exit", () => writeCache(writeTo));
if (warmUp && !isMainThread) globalThis[Symbol.for("vllm-doctor.jobDone")] = () => writeCache(built);
const module = { exports: {}, filename: file, id: file, loaded: false };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));

/**
 * Where this user's cache of this very bundle under this V8 is kept (undefined: none can be). The folder must be
 * this user's alone: a cache is code, and the temporary directory is shared.
 */
function userCache() {
  try {
    const uid = process.getuid?.();
    if (uid === undefined) return undefined;
    const dir = join(tmpdir(), `vllm-doctor-code-cache-${uid}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const d = lstatSync(dir);
    if (!d.isDirectory() || d.uid !== uid || (d.mode & 0o077) !== 0) return undefined;
    const { size, mtimeMs } = statSync(file);
    return join(dir, `${name}-${process.versions.v8}-${size}-${Math.floor(mtimeMs)}.code-cache`);
  } catch {
    return undefined;
  }
}

/**
 * The bundle's text. The build makes it ASCII: latin1 then reads it as UTF-8 would, as a copy rather than a decoding
 * into a two-byte string (~10 ms and 7 MB less a start).
 */
function readSource(f) {
  const bytes = readFileSync(f);
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

function readIfThere(f) {
  try {
    return readFileSync(f);
  } catch {
    return undefined;
  }
}
