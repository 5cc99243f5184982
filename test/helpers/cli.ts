import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "src", "cli.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (npm test builds first). */
export function runCli(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...opts.env },
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runJson(args: string[], opts: Parameters<typeof runCli>[1] = {}): JsonResult {
  return jsonResult(runCli([...args, "--format", "json"], opts));
}

export interface JsonResult {
  status: number | null;
  report: any;
  stderr: string;
}

function jsonResult(r: CliResult): JsonResult {
  let report: any = null;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    report = null;
  }
  return { status: r.status, report, stderr: r.stderr };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the command in this test process, as eslint's tests run its CLI: the same commander program, commands and
 * exit codes as the built binary, without the ~0.2 s start of a Node process (most of the suite's time when every
 * CLI test spawned one). stdout, stderr, stdin, the environment, the working directory and the exit code are the
 * process's own, so they are swapped for the call and restored after it, one call at a time. So is the resident size
 * that the command's heap upkeep reads (collectGarbage, src/util/heap.ts): past 128 MB it forces full collections, of
 * the command's own process when it runs as a binary, but here of the test worker's heap, which the test files share
 * and which is always past that (~25 ms of CPU a call in a worker that has run a few files, more as its heap grows).
 * The call reads 0 and collects nothing, as the library does for its callers; test/library-heap.test.ts counts the
 * collections the option makes, in a process of its own.
 * What only a real process shows stays with runCli: the bundle itself, colour and TTY detection (chalk reads the
 * environment once), `-o /dev/stdout`, the worker threads (absent when running from the sources), signals and EPIPE.
 */
export function runCliHere(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const run = queue.then(() => inProcess(args, opts));
  queue = run.catch(() => undefined);
  return run;
}

export async function runJsonHere(args: string[], opts: Parameters<typeof runCliHere>[1] = {}): Promise<JsonResult> {
  return jsonResult(await runCliHere([...args, "--format", "json"], opts));
}

async function inProcess(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  const { main } = await import("../../src/cli-main.js");
  const { Readable } = await import("node:stream");
  const out: string[] = [];
  const err: string[] = [];
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
      into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = typeof enc === "function" ? enc : cb;
      if (typeof done === "function") queueMicrotask(() => (done as (e?: Error | null) => void)(null));
      return true;
    }) as typeof process.stdout.write;
  const env = { NO_COLOR: "1", FORCE_COLOR: undefined, ...opts.env };
  const envBefore = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, "stdin")!;
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const cwd = process.cwd();
  const exitCodeBefore = process.exitCode;
  const setEnv = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
  const rss = process.memoryUsage.rss;
  try {
    process.memoryUsage.rss = () => 0;
    for (const [k, v] of Object.entries(env)) setEnv(k, v);
    Object.defineProperty(process, "stdin", { configurable: true, enumerable: stdinDescriptor.enumerable, value: Readable.from(opts.input === undefined ? [] : [Buffer.from(opts.input)]) });
    process.stdout.write = capture(out);
    process.stderr.write = capture(err);
    process.chdir(opts.cwd ?? ROOT);
    process.exitCode = undefined;
    await main([process.execPath, CLI, ...args]);
    return { status: typeof process.exitCode === "number" ? process.exitCode : 0, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.memoryUsage.rss = rss;
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    Object.defineProperty(process, "stdin", stdinDescriptor);
    for (const [k, v] of Object.entries(envBefore)) setEnv(k, v);
    process.chdir(cwd);
    process.exitCode = exitCodeBefore;
  }
}
