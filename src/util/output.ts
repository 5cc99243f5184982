import { constants as fsc, promises as fs } from "node:fs";
import { dirname, basename, join } from "node:path";
import { isSystemError, systemErrorText, UsageError } from "./errors.js";

/**
 * Writes a report (a text, or its pieces in order). `-` or no path: stdout. Otherwise only ever a regular file, atomically: a new temporary file
 * beside it (never an existing one), the text, the existing file's mode, then a rename over it. What is not a
 * regular file is refused, exit 2, with the path the user gave:
 *  - a symbolic link is written through: the file it points to is replaced (atomically) and the link stays;
 *    a link to nothing is refused;
 *  - a device (`/dev/null`, `/dev/full`), FIFO, socket or directory is refused (the shell's `>` writes to those);
 *  - a missing folder, a file the user may not write, a full disk: refused, and no temporary file is left.
 */
export async function writeOutput(path: string | undefined, text: string | Iterable<string>): Promise<void> {
  // (`-o "$OUT"` with OUT unset: the report was asked for in a file, not on stdout)
  if (path === "") throw new UsageError("-o needs a file name (or - for stdout)");
  if (path === undefined || path === "-" || isStdoutPath(path)) {
    for (const piece of typeof text === "string" ? [text] : text) {
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(piece, (e) => (e ? reject(isSystemError(e) ? new UsageError(`cannot write the report: ${systemErrorText(e)}`, "<stdout>") : e) : resolve())),
      );
    }
    return;
  }
  const target = await outputTarget(path);
  const tmp = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.tmp`);
  let fh: fs.FileHandle | undefined;
  let made = false;
  try {
    // `wx`: a new file, never one (or a link) someone put at the temporary name
    fh = await fs.open(tmp, "wx", target.mode ?? 0o666);
    made = true;
    if (typeof text === "string") await fh.writeFile(text);
    else for (const piece of text) await fh.write(piece);
    if (target.mode !== undefined) {
      await fh.chmod(target.mode);
      // keep the owner too when we may (root writing over another user's report)
      if (target.uid !== undefined && (target.uid !== process.getuid?.() || target.gid !== process.getgid?.())) await fh.chown(target.uid, target.gid!).catch(() => {});
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fs.rename(tmp, target.path);
  } catch (e) {
    await fh?.close().catch(() => {});
    if (made) await fs.rm(tmp, { force: true });
    throw isSystemError(e) ? new UsageError(`cannot write the report: ${systemErrorText(e)}`, path) : e;
  }
}

/** The exit status and stderr lines of the report being written (see writeReport). */
let afterword: { status: number; lines: string[] } | undefined;

/**
 * Writes a command's report (as writeOutput) with what the command says after it: its exit status and lines for
 * stderr (inputs it could not read, a failed gate). Both are settled before the report is written: a reader that
 * closes stdout early (`check … | head`) ends the process on EPIPE (src/cli.ts), which says these lines and exits
 * with this status, never 0 for a failed gate or an input that could not be read.
 */
export async function writeReport(path: string | undefined, text: string | Iterable<string>, status: number, lines: string[] = []): Promise<void> {
  afterword = { status, lines };
  process.exitCode = status;
  try {
    await writeOutput(path, text);
  } catch (e) {
    afterword = undefined;
    throw e;
  }
  sayAfterword();
}

/** Writes the stderr lines of the report being written, once (after it, or when stdout's reader closed it first). */
export function sayAfterword(): void {
  const said = afterword;
  afterword = undefined;
  for (const line of said?.lines ?? []) process.stderr.write(line);
}

/** Refuses an `-o` path the report could not be written to, before the inputs are read (a long read, or a --follow session, would be lost). */
export async function checkOutputPath(path: string | undefined): Promise<void> {
  if (path === "") throw new UsageError("-o needs a file name (or - for stdout)");
  if (path && path !== "-" && !isStdoutPath(path)) await outputTarget(path);
}

/**
 * `-o /dev/stdout` (or `/dev/fd/1`, `/proc/self/fd/1`) is stdout, whatever it is: a pipe in CI, a terminal, a file
 * the shell opened (a rename over it would leave the shell's file empty). It used to be refused as a FIFO, a
 * character device or a link to nothing.
 */
export function isStdoutPath(path: string): boolean {
  return path === "/dev/stdout" || path === "/dev/fd/1" || path === "/proc/self/fd/1";
}

/**
 * Refuses an output path that is one of the inputs (the same file, through any name or link): a report written
 * over the log it was made from would destroy the evidence. Nothing at the path is a new file: nothing to check.
 */
export async function refuseInputAsOutput(output: string | undefined, inputs: Iterable<string | undefined>): Promise<void> {
  if (!output || output === "-" || isStdoutPath(output)) return;
  const out = await fs.stat(output).catch(() => null);
  if (!out?.isFile()) return;
  for (const input of inputs) {
    if (!input || input === "-" || input === "<stdin>") continue;
    const st = await fs.stat(input).catch(() => null);
    if (st && st.dev === out.dev && st.ino === out.ino) throw refuse(`${input === output ? "it is" : `it is the same file as ${input},`} one of the inputs: write the report somewhere else`, output);
  }
}

interface Target {
  /** where the report goes: the path, or the file a symbolic link at it points to */
  path: string;
  /** an existing file's permission bits, kept */
  mode?: number;
  uid?: number;
  gid?: number;
}

const refuse = (what: string, path: string) => new UsageError(`cannot write the report: ${what}`, path);

function kindOf(st: import("node:fs").Stats): string {
  if (st.isDirectory()) return "is a directory";
  if (st.isCharacterDevice()) return "a character device, not a regular file (redirect stdout to it: > path)";
  if (st.isBlockDevice()) return "a block device, not a regular file";
  if (st.isFIFO()) return "a FIFO, not a regular file (redirect stdout to it: > path)";
  if (st.isSocket()) return "a socket, not a regular file";
  return "not a regular file";
}

/** Where `-o path` may write, or a UsageError naming `path`. */
async function outputTarget(path: string): Promise<Target> {
  let st: import("node:fs").Stats;
  try {
    st = await fs.lstat(path);
  } catch (e) {
    if (!isSystemError(e) || e.code !== "ENOENT") throw isSystemError(e) ? refuse(systemErrorText(e), path) : e;
    const dir = dirname(path);
    const d = await fs.stat(dir).catch((err: unknown) => err as NodeJS.ErrnoException);
    if (!("isDirectory" in d)) throw refuse(d.code === "ENOENT" ? "its folder does not exist" : systemErrorText(d), path);
    if (!d.isDirectory()) throw refuse("a part of the path is not a directory", path);
    return { path };
  }
  let real = path;
  if (st.isSymbolicLink()) {
    try {
      real = await fs.realpath(path);
      st = await fs.stat(real);
    } catch (e) {
      throw refuse(isSystemError(e) && e.code === "ENOENT" ? "a symbolic link to a file that does not exist" : isSystemError(e) ? systemErrorText(e) : String(e), path);
    }
  }
  if (!st.isFile()) throw refuse(kindOf(st), path);
  try {
    await fs.access(real, fsc.W_OK);
  } catch (e) {
    throw refuse(isSystemError(e) ? systemErrorText(e) : String(e), path);
  }
  return { path: real, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}
