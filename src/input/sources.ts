import { accessSync, closeSync, constants as fsc, openSync, promises as fs, read, readSync, statSync } from "node:fs";
import type { Stats } from "node:fs";
// (the module object: a regular file is opened through it, where a test can watch every open)
import nodeFs from "node:fs";
import { extname, isAbsolute, join } from "node:path";
import { Readable } from "node:stream";
import { DEFAULT_CHUNK_BYTES, DIRECTORY_SCAN, SCANNED_EXTENSIONS } from "./defaults.js";
import { releaseRing, ringBuffer } from "./chunk-scan.js";
import { decodeInput } from "./decode.js";
import { InputError } from "./errors.js";
import { isSystemError, systemErrorText } from "../util/errors.js";

export { InputError };

export interface InputSource {
  /** the name used in evidence: the path as given, or `<stdin>` */
  name: string;
  /**
   * opens a fresh byte stream, decompressed when the content is compressed (see ./decode.ts); what a reader
   * must know about how it was read (trailing garbage, UTF-16 without a byte order mark) goes to `notice`
   */
  open(limits: InputLimits, notice?: (message: string) => void): Promise<Readable>;
  /** size on disk when known */
  size?: number;
  /** the file it reads, when it is a file (so a worker thread can open it again) */
  path?: string;
  /**
   * A regular file's raw bytes `[start, end)`, not gunzipped or digested (for reading one file in parts). The
   * chunks share a few buffers: a chunk is valid until the consumer asks for the third one after it. `ahead`: each
   * next chunk is read by the thread pool while the consumer reads this one (a file read on one thread: the copy from
   * the page cache is then another core's work).
   */
  openRange?(start: number, end: number, limits: InputLimits, ring?: Buffer[], ahead?: boolean): Promise<AsyncIterable<Buffer>>;
}

export interface InputLimits {
  /** decompressed bytes allowed per compressed input (and per layer) before we stop with an error */
  maxDecompressedBytes: number;
  /** read chunk size */
  chunkBytes: number;
}

export const DEFAULT_LIMITS: InputLimits = { maxDecompressedBytes: 16 * 1024 ** 3, chunkBytes: DEFAULT_CHUNK_BYTES };

/** logrotate's `vllm.log.1` (its compressed siblings match by extension) */
// logrotate's numbered (`.log.3`) and dated names (`dateext`: `.log-20260105`, `.log.2026-01-05`, `.log-2026010512`)
const ROTATED_LOG = /\.log(?:\.\d+|[.-]\d{4}-?\d{2}-?\d{2}\d*)$/i;

/** What a directory scan reads, by file name (see DIRECTORY_SCAN in ./defaults.ts, which --help and the README quote). */
export function scannedName(name: string): boolean {
  return SCANNED_EXTENSIONS.includes(extname(name).toLowerCase()) || ROTATED_LOG.test(name);
}

/** Characters that make an operand a glob pattern (for a shell that did not expand it: quoted, or Windows). */
const GLOB_CHARS = /[*?[\]{}]/;

export interface ResolvedInputs {
  sources: InputSource[];
  failures: { path: string; message: string }[];
  /** per source (by index), what the reader must know about how the operands were resolved */
  notices: Map<number, string[]>;
  /** the paths found by a directory scan or a glob, not named by the user */
  found: Set<string>;
}

/**
 * Expands the command-line operands into input sources: files, directories (recursively, following symlinked
 * files such as Kubernetes' /var/log/containers), glob patterns the shell did not expand, `-` for stdin. The
 * same file (device and inode) reached twice is read once, with a notice on the one that is read.
 */
export async function resolveInputs(operands: string[], stdin: Readable = process.stdin): Promise<ResolvedInputs> {
  const sources: InputSource[] = [];
  const failures: { path: string; message: string }[] = [];
  const notices = new Map<number, string[]>();
  const seen = new Map<string, number>();
  const scannedPaths = new Set<string>();
  const add = (path: string, st: Stats, scanned = false) => {
    if (scanned) scannedPaths.add(path);
    const key = `${st.dev}:${st.ino}`;
    const first = st.ino ? seen.get(key) : undefined;
    if (first !== undefined) {
      const list = notices.get(first) ?? [];
      list.push(`${path} is the same file as ${sources[first].name} (given twice, or inside a directory given too): read once`);
      notices.set(first, list);
      return;
    }
    if (st.ino) seen.set(key, sources.length);
    sources.push(fileSourceOf(path, st));
  };
  for (const op of operands) {
    if (op === "-") {
      // a second `-` would read nothing (standard input is already used up): read once, and say so
      const first = sources.findIndex((src) => src.name === "<stdin>");
      if (first >= 0) notices.set(first, [...(notices.get(first) ?? []), "- (standard input) is given twice: read once"]);
      else sources.push(stdinSource(stdin));
      continue;
    }
    if (op === "") {
      // (`vllm-doctor analyze "$LOG"` with the variable unset: the file asked for is named by nothing)
      failures.push({ path: "''", message: "an empty file name (an unset shell variable?)" });
      continue;
    }
    let st: Stats;
    try {
      // (on this thread: the thread pool's round trip costs more than a stat from the inode cache)
      st = statSync(op);
    } catch (e) {
      if (GLOB_CHARS.test(op) && (e as NodeJS.ErrnoException)?.code === "ENOENT") {
        const matched = await expandGlob(op);
        if (matched.length === 0) failures.push({ path: op, message: "no file matches this pattern" });
        // as the shell expands it: a matched directory is read as a directory operand is (`'logs/*'` with logs/node1/
        // left the folders out); a file matched both by name and inside a matched folder (`**`) is one match, no notice
        const files: { path: string; st: Stats }[] = [];
        const skipped: string[] = [];
        for (const m of matched) {
          let mst: Stats | null = null;
          try {
            mst = await fs.stat(m);
          } catch (e) {
            // a match that cannot be opened (a dangling symlink) is named as failed, as a folder scan names it
            failures.push({ path: m, message: describeFsError(e) });
            continue;
          }
          // (a pattern ending in `/` matches folders only, in the shell)
          if (mst.isFile() && !/[\\/]$/.test(op)) files.push({ path: m, st: mst });
          else if (mst.isDirectory()) await walk(m.replace(/(.)\/+$/, "$1"), files, failures, skipped);
          else if (!mst.isFile()) skipped.push(`${m}: left out: not a regular file${mst.isFIFO() ? " (a FIFO)" : ""}; give it as an operand to read it`);
        }
        const once = new Set<string>();
        const firstAdded = sources.length;
        for (const f of files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) {
          const key = `${f.st.dev}:${f.st.ino}`;
          if (f.st.ino && once.has(key)) continue;
          once.add(key);
          add(f.path, f.st, true);
        }
        if (skipped.length && sources.length > firstAdded) notices.set(firstAdded, [...(notices.get(firstAdded) ?? []), ...skipped.sort()]);
        else if (skipped.length && !files.length) failures.push({ path: op, message: `nothing readable matches this pattern (${skipped.join("; ")})` });
        continue;
      }
      failures.push({ path: op, message: describeFsError(e) });
      continue;
    }
    if (st.isDirectory()) {
      const found: { path: string; st: Stats }[] = [];
      const skipped: string[] = [];
      await walk(op, found, failures, skipped);
      if (found.length === 0 && !failures.some((f) => f.path.startsWith(op))) failures.push({ path: op, message: `no ${DIRECTORY_SCAN} files in this directory${skipped.length ? ` (${skipped.join("; ")})` : ""}` });
      const firstAdded = sources.length;
      for (const f of found.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) add(f.path, f.st, true);
      if (skipped.length && sources.length > firstAdded) notices.set(firstAdded, [...(notices.get(firstAdded) ?? []), ...skipped.sort()]);
    } else if (st.isFile()) {
      add(op, st);
    } else if (st.isFIFO() || st.isCharacterDevice()) {
      sources.push({ ...fileSourceOf(op, st), size: undefined });
    } else {
      failures.push({ path: op, message: "not a regular file or directory" });
    }
  }
  return { sources, failures, notices, found: scannedPaths };
}

/** The files and folders a pattern matches, sorted (tinyglobby: `*`, `**`, `?`, `[…]`, `{a,b}`). */
async function expandGlob(pattern: string): Promise<string[]> {
  const { glob } = await import("tinyglobby");
  // Windows paths use backslashes; elsewhere a backslash escapes a glob character (`odd\[1\].log`)
  const posix = process.platform === "win32" ? pattern.replace(/\\/g, "/") : pattern;
  const matched = await glob([posix], { onlyFiles: false, absolute: isAbsolute(pattern), dot: false, followSymbolicLinks: true, expandDirectories: false });
  return matched.sort();
}

/** Names of logs compressed in formats the reader refuses (see ./decode.ts): a directory scan names them as failed. */
const UNREAD_COMPRESSED = /\.(bz2|lz4|zip|7z)$/i;

/**
 * Finds the logs under `dir`. What it passes over that a user may have meant as input goes to `skipped` (said as a
 * notice): a symlinked folder (never followed: links can loop) and a log name that is no regular file (a FIFO).
 */
async function walk(dir: string, out: { path: string; st: Stats }[], failures: { path: string; message: string }[], skipped: string[] = []): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    failures.push({ path: dir, message: describeFsError(e) });
    return;
  }
  for (const ent of entries) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) {
      if (ent.name === "node_modules" || ent.name.startsWith(".")) continue;
      await walk(p, out, failures, skipped);
    } else if ((ent.isFile() || ent.isSymbolicLink()) && UNREAD_COMPRESSED.test(ent.name)) {
      // a log this tool cannot open is an input it could not read (as an unreadable file is): named, never left out without a word
      failures.push({ path: p, message: `compressed (${UNREAD_COMPRESSED.exec(ent.name)![1].toLowerCase()}) input is not supported; decompress it first` });
    } else if ((ent.isFile() || ent.isSymbolicLink()) && scannedName(ent.name)) {
      // a symlink is followed to a file (never to a directory: no loops); a dangling one is named as failed
      try {
        // on this thread: a directory of many small files would wait on the thread pool for each
        const st = statSync(p);
        if (!st.isFile()) {
          skipped.push(`${p}: left out: not a regular file${st.isDirectory() ? " (a folder with a log's name)" : st.isFIFO() ? " (a FIFO)" : ""}`);
          continue;
        }
        accessSync(p, fsc.R_OK);
        out.push({ path: p, st });
      } catch (e) {
        failures.push({ path: p, message: describeFsError(e) });
      }
    } else if (ent.isSymbolicLink() && !ent.name.startsWith(".")) {
      const st = await fs.stat(p).catch(() => null);
      if (st?.isDirectory()) skipped.push(`${p}: left out: a symlinked folder is not followed (links can loop); give it as an operand to read it`);
    } else if ((ent.isFIFO() || ent.isSocket()) && scannedName(ent.name)) {
      skipped.push(`${p}: left out: not a regular file (a ${ent.isFIFO() ? "FIFO" : "socket"}); give it as an operand to read it`);
    }
  }
}

export async function fileSource(path: string): Promise<InputSource> {
  const st = await fs.stat(path).catch(() => undefined);
  return fileSourceOf(path, st);
}

/** A file as an input source, from what stat said of it (undefined: not known). */
function fileSourceOf(path: string, st: Stats | undefined): InputSource {
  const size = st?.size;
  const regular = st?.isFile() ?? false;
  return {
    name: path,
    path,
    size,
    async open(limits, notice) {
      // a regular file is opened and read on this thread (a FIFO's open waits for its writer: the thread pool's)
      if (regular) {
        let fd: number;
        try {
          fd = nodeFs.openSync(path, "r");
        } catch (e) {
          throw new InputError(describeFsError(e), path);
        }
        return decodeInput(readInPlace(fd, limits.chunkBytes, size), path, limits, notice);
      }
      const handle = await fs.open(path, "r").catch((e) => {
        throw new InputError(describeFsError(e), path);
      });
      return decodeInput(handle.createReadStream({ highWaterMark: limits.chunkBytes, autoClose: true }), path, limits, notice);
    },
    ...(regular
      ? {
          async openRange(start: number, end: number, limits: InputLimits, ring?: Buffer[], ahead?: boolean) {
            // opened on this thread: a range is often one of many segments, and the thread pool's round trip shows
            let fd: number;
            try {
              fd = nodeFs.openSync(path, "r");
            } catch (e) {
              throw new InputError(describeFsError(e), path);
            }
            return readRange(fd, limits.chunkBytes, start, end, ring, ahead);
          },
        }
      : {}),
  };
}

/**
 * A regular file's bytes, read on this thread as the reader asks for them: a read from the page cache is
 * cheaper than the round trip through the thread pool of an fs stream (pipes and devices keep that stream).
 */
function readInPlace(fd: number, chunkBytes: number, size = Infinity): Readable {
  let position = 0;
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      try {
        closeSync(fd);
      } catch {
        // (nothing to do: the bytes were read)
      }
    }
  };
  return new Readable({
    // one read, one chunk: a byte-mode stream would join two reads into a copy
    objectMode: true,
    highWaterMark: 1,
    read() {
      try {
        // no bigger than what is left of the file (and one byte to see its end): a megabyte for each of
        // 50,000 tiny files is 50 GB for the garbage collector
        const left = size - position;
        const want = left >= 0 ? Math.min(chunkBytes, left + 1) : chunkBytes;
        const buf = Buffer.allocUnsafe(want);
        const n = readSync(fd, buf, 0, want, null);
        position += n;
        if (n === 0) {
          close();
          if (Number.isFinite(size) && position < size) this.destroy(shrank(position, size));
          else this.push(null);
        } else this.push(n < buf.length ? buf.subarray(0, n) : buf);
      } catch (e) {
        this.destroy(e as Error);
      }
    },
    destroy(err, cb) {
      close();
      cb(err);
    },
  });
}

/**
 * A regular file that ends before the size it had when it was opened (truncated while read: a log rotated with
 * copytruncate, a job that cleared its log): what was read is a part, never taken for the whole.
 */
function shrank(at: number, size: number): InputError {
  return new InputError(`the file was cut while it was read: it ended at byte ${at} of the ${size} it held when opened (rotated or truncated meanwhile?)`);
}

/**
 * `[start, end)` of a regular file in chunks read into a ring of three buffers: no fresh memory per chunk (two
 * threads reading one file each fault in fresh pages under the same process-wide lock). A caller that reads
 * several ranges one after the other passes its own ring to use for all (never two ranges at once).
 */
async function* readRange(fd: number, chunkBytes: number, start: number, end: number, shared?: Buffer[], ahead = false): AsyncGenerator<Buffer> {
  const ring = shared ?? [];
  const slot = (k: number, position: number) => {
    if (!ring[k] || ring[k].length < Math.min(chunkBytes, end - position)) ring[k] = ringBuffer(chunkBytes) ?? Buffer.allocUnsafe(chunkBytes);
    return ring[k];
  };
  // (ahead: the next chunk is read by the thread pool while this one is read here, one slot more so that a chunk is
  // valid as long)
  let next: Promise<number> | null = null;
  try {
    if (!ahead) {
      for (let position = start, k = 0; position < end; k = (k + 1) % 3) {
        const buf = slot(k, position);
        const n = readSync(fd, buf, 0, Math.min(buf.length, end - position), position);
        if (n === 0) throw shrank(position, end);
        position += n;
        yield buf.subarray(0, n);
      }
      return;
    }
    const readAt = (k: number, position: number): Promise<number> => {
      const buf = slot(k, position);
      return new Promise((resolve, reject) => read(fd, buf, 0, Math.min(buf.length, end - position), position, (e, n) => (e ? reject(e) : resolve(n))));
    };
    let position = start;
    let k = 0;
    next = position < end ? readAt(k, position) : null;
    while (next !== null) {
      const n = await next;
      next = null;
      if (n === 0) throw shrank(position, end);
      const chunk = ring[k].subarray(0, n);
      position += n;
      k = (k + 1) % 4;
      if (position < end) next = readAt(k, position);
      yield chunk;
    }
  } finally {
    // (a read still under way writes into a buffer of the ring and needs the descriptor)
    if (next !== null) await next.catch(() => 0);
    closeSync(fd);
    if (!shared) releaseRing(ring);
  }
}

function stdinSource(stdin: Readable): InputSource {
  let used = false;
  return {
    name: "<stdin>",
    async open(limits, notice) {
      if (used) throw new InputError("standard input can be read only once", "-");
      used = true;
      return decodeInput(stdin, "-", limits, notice);
    },
  };
}

/** A raw byte stream as the line reader wants it: decompressed (within the limits) when it is compressed. */
export function openDecoded(raw: Readable, name: string, limits: InputLimits, notice?: (message: string) => void): Promise<Readable> {
  return decodeInput(raw, name, limits, notice);
}

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "EMFILE":
      return "too many open files";
    default:
      // (Node's own message repeats the path, which the line gives once: `ENAMETOOLONG: name too long, stat '…'`)
      return isSystemError(e) ? systemErrorText(e) : (err?.message ?? String(e));
  }
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n % 1 === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
