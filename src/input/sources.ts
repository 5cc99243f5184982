import { closeSync, createReadStream, openSync, promises as fs, constants as fsc, readSync } from "node:fs";
import { join, extname } from "node:path";
import { Readable } from "node:stream";
import { DEFAULT_CHUNK_BYTES } from "./defaults.js";
import { decodeInput } from "./decode.js";
import { InputError } from "./errors.js";

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
   * chunks share a few buffers: a chunk is valid until the consumer asks for the third one after it.
   */
  openRange?(start: number, end: number, limits: InputLimits, ring?: Buffer[]): Promise<AsyncIterable<Buffer>>;
}

export interface InputLimits {
  /** decompressed bytes allowed per compressed input (and per layer) before we stop with an error */
  maxDecompressedBytes: number;
  /** read chunk size */
  chunkBytes: number;
}

export const DEFAULT_LIMITS: InputLimits = { maxDecompressedBytes: 16 * 1024 ** 3, chunkBytes: DEFAULT_CHUNK_BYTES };

/** logrotate's `vllm.log.1` (its `.gz` siblings match by extension) */
const ROTATED_LOG = /\.log\.\d+$/i;
const LOG_EXTENSIONS = new Set([".log", ".txt", ".out", ".gz", ".json", ".jsonl", ".ndjson"]);

/** Expands the command-line operands into input sources: files, directories (recursively), `-` for stdin. */
export async function resolveInputs(operands: string[], stdin: Readable = process.stdin): Promise<{ sources: InputSource[]; failures: { path: string; message: string }[] }> {
  const sources: InputSource[] = [];
  const failures: { path: string; message: string }[] = [];
  for (const op of operands) {
    if (op === "-") {
      sources.push(stdinSource(stdin));
      continue;
    }
    let st;
    try {
      st = await fs.stat(op);
    } catch (e) {
      failures.push({ path: op, message: describeFsError(e) });
      continue;
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      await walk(op, found, failures);
      if (found.length === 0 && !failures.some((f) => f.path.startsWith(op))) failures.push({ path: op, message: "no *.log, *.txt, *.out or *.gz files in this directory" });
      for (const f of found.sort()) sources.push(await fileSource(f));
    } else if (st.isFile() || st.isFIFO() || st.isCharacterDevice()) {
      sources.push({ ...(await fileSource(op)), size: st.isFile() ? st.size : undefined });
    } else {
      failures.push({ path: op, message: "not a regular file or directory" });
    }
  }
  return { sources, failures };
}

async function walk(dir: string, out: string[], failures: { path: string; message: string }[]): Promise<void> {
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
      await walk(p, out, failures);
    } else if (ent.isFile() && (LOG_EXTENSIONS.has(extname(ent.name).toLowerCase()) || ROTATED_LOG.test(ent.name))) {
      try {
        await fs.access(p, fsc.R_OK);
        out.push(p);
      } catch (e) {
        failures.push({ path: p, message: describeFsError(e) });
      }
    }
  }
}

export async function fileSource(path: string): Promise<InputSource> {
  let size: number | undefined;
  let regular = false;
  try {
    const st = await fs.stat(path);
    size = st.size;
    regular = st.isFile();
  } catch {
    size = undefined;
  }
  return {
    name: path,
    path,
    size,
    async open(limits, notice) {
      const handle = await fs.open(path, "r").catch((e) => {
        throw new InputError(describeFsError(e), path);
      });
      const raw = regular ? readInPlace(handle, limits.chunkBytes) : handle.createReadStream({ highWaterMark: limits.chunkBytes, autoClose: true });
      return decodeInput(raw, path, limits, notice);
    },
    ...(regular
      ? {
          async openRange(start: number, end: number, limits: InputLimits, ring?: Buffer[]) {
            // opened on this thread: a range is often one of many segments, and the thread pool's round trip shows
            let fd: number;
            try {
              fd = openSync(path, "r");
            } catch (e) {
              throw new InputError(describeFsError(e), path);
            }
            return readRange(fd, limits.chunkBytes, start, end, ring);
          },
        }
      : {}),
  };
}

/**
 * A regular file's bytes, read on this thread as the reader asks for them: a read from the page cache is
 * cheaper than the round trip through the thread pool of an fs stream (pipes and devices keep that stream).
 */
function readInPlace(handle: fs.FileHandle, chunkBytes: number): Readable {
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      handle.close().catch(() => {});
    }
  };
  return new Readable({
    // one read, one chunk: a byte-mode stream would join two reads into a copy
    objectMode: true,
    highWaterMark: 1,
    read() {
      try {
        const buf = Buffer.allocUnsafe(chunkBytes);
        const n = readSync(handle.fd, buf, 0, chunkBytes, null);
        if (n === 0) {
          close();
          this.push(null);
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
 * `[start, end)` of a regular file in chunks read into a ring of three buffers: no fresh memory per chunk (two
 * threads reading one file each fault in fresh pages under the same process-wide lock). A caller that reads
 * several ranges one after the other passes its own ring to use for all (never two ranges at once).
 */
async function* readRange(fd: number, chunkBytes: number, start: number, end: number, ring: Buffer[] = []): AsyncGenerator<Buffer> {
  try {
    for (let position = start, k = 0; position < end; k = (k + 1) % 3) {
      if (!ring[k] || ring[k].length < Math.min(chunkBytes, end - position)) ring[k] = Buffer.allocUnsafe(chunkBytes);
      const n = readSync(fd, ring[k], 0, Math.min(ring[k].length, end - position), position);
      if (n === 0) return;
      position += n;
      yield ring[k].subarray(0, n);
    }
  } finally {
    closeSync(fd);
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
      return err?.message ?? String(e);
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
