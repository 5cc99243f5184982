import { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { digestJsonChunks } from "./json-digest.js";
import { bomlessUtf16, containerOf, looksBinary, type Container } from "./magic.js";
import type { InputLimits } from "./sources.js";
import { InputError } from "./errors.js";
import { formatNumber } from "../util/number-format.js";

/*
 * From raw bytes to the text the line reader wants: compressed containers are found by their magic bytes and
 * opened (gzip with node:zlib, zstd with fzstd, xz with xz-decompress), layer by layer (a gzip of a gzip), each
 * within the same bound on its expansion; bzip2, lz4, zip and 7z are refused by name. Damage is read as far as
 * it can be: a gzip with trailing garbage gives all its lines and a notice, one that fails its CRC gives all its
 * lines and then an input error (the report holds them; the exit status says the input was damaged).
 */

/** Containers we can open, and how. */
const OPENERS: Partial<Record<Container, (src: AsyncIterator<Buffer>, first: Buffer, path: string, limits: InputLimits, notice: (m: string) => void) => AsyncGenerator<Buffer>>> = {
  gzip: gunzip,
  zstd: unzstd,
  xz: unxz,
};

/** The most layers of compression opened one inside the other (a log compressed twice is real; ten times is not). */
const MAX_LAYERS = 4;

/** How much of the head is looked at to tell text from UTF-16 and binary data. */
const SNIFF_BYTES = 4096;

/**
 * The decoded text of an input. Pull-based from end to end and one chunk deep: a damaged input's error reaches
 * the reader only after every chunk before it (a read-ahead buffer would be dropped with the error).
 */
export async function decodeInput(raw: Readable | AsyncIterable<Buffer>, path: string, limits: InputLimits, notice: (message: string) => void = () => {}): Promise<Readable> {
  let text: AsyncIterable<Buffer>;
  try {
    text = await decodeLayers(raw, path, limits, notice, []);
  } catch (e) {
    // damage found while looking at the head (a gzip header cut off) comes from the stream, like damage later on
    if (!(e instanceof InputError)) throw e;
    // (the file is read no further: let it go now, not when the collector finds the stream)
    if (raw instanceof Readable) raw.destroy();
    text = (async function* (): AsyncGenerator<Buffer> {
      throw e;
    })();
  }
  return Readable.from(digestJsonChunks(text), { objectMode: true, highWaterMark: 1 });
}

async function decodeLayers(raw: Readable | AsyncIterable<Buffer>, path: string, limits: InputLimits, notice: (m: string) => void, layers: Container[]): Promise<AsyncIterable<Buffer>> {
  const iter = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const fsError = (e: unknown) => (e instanceof InputError ? e : new InputError(describeReadError(e), path));
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  // an error after some bytes (a damaged trailer) comes after them, in order
  let failed: InputError | undefined;
  while (head.length < SNIFF_BYTES) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iter.next();
    } catch (e) {
      if (!head.length) throw fsError(e);
      failed = fsError(e);
      done = true;
      break;
    }
    if (next.done) {
      done = true;
      break;
    }
    head = head.length ? Buffer.concat([head, next.value]) : next.value;
  }
  async function* replay(prefix?: Buffer): AsyncGenerator<Buffer> {
    if (prefix) yield prefix;
    if (head.length) yield head;
    if (failed) throw failed;
    while (!done) {
      const r = await iter.next().catch((e) => {
        throw fsError(e);
      });
      if (r.done) return;
      yield r.value;
    }
  }
  const container = containerOf(head);
  const what = [...layers].reverse().join(" inside ");
  if (container === null) {
    if (layers.length > 1) notice(`${path}: ${what}: every layer was opened`);
    const bom = (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) || (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
    if (bom) return replay();
    const utf16 = bomlessUtf16(head);
    if (utf16) {
      notice(`${path}: read as ${utf16 === "utf-16le" ? "UTF-16 LE" : "UTF-16 BE"} text (it has no byte order mark)`);
      return replay(Buffer.from(utf16 === "utf-16le" ? [0xff, 0xfe] : [0xfe, 0xff]));
    }
    // a report of this tool (a JSON or NDJSON one, or the text report: a folder's `-o report.json` of an earlier
    // run) read as a log gives facts about its own quoted evidence: refused, like any input that is not a log
    const report = ownReport(head);
    if (report) throw new InputError(report === "JSON" ? "a vllm-doctor JSON report, not a log (`vllm-doctor diff`, `merge` and `check --baseline` read reports)" : `a vllm-doctor ${report} report, not a log (write reports with --format json to compare or merge them)`, path);
    // read all the same (a tar of logs, a log with a crash's zero-filled block), but say so
    if (looksBinary(head)) notice(`${path}: ${layers.length ? `the ${what} data is` : "it looks like"} binary data, not text; read as text all the same`);
    return replay();
  }
  const open = OPENERS[container];
  if (!open) throw new InputError(`compressed (${container}) input is not supported`, path);
  if (layers.length >= MAX_LAYERS) throw new InputError(`more than ${MAX_LAYERS} layers of compression (${what} …)`, path);
  // when the whole input was in the head, the opener must not ask the finished iterator for more
  const rest: AsyncIterator<Buffer> = done ? { next: async () => (failed ? Promise.reject(failed) : { done: true, value: undefined }) } : iter;
  return decodeLayers(guard(open(rest, head, path, limits, notice), container, path, limits), path, limits, notice, [...layers, container]);
}

/** The format of a report this tool wrote when the head is the start of one, else null. */
function ownReport(head: Buffer): string | null {
  const text = head.subarray(0, 2048).toString("latin1").replace(/^\uFEFF|^\xEF\xBB\xBF/, "");
  if (/^\s*\{/.test(text)) {
    if (/"schemaVersion"\s*:\s*\d/.test(text) && /"tool"\s*:\s*\{\s*"name"\s*:\s*"vllm-doctor"/.test(text)) return "JSON";
    return /"\$schema"\s*:\s*"[^"]*sarif/.test(text) && /"driver"\s*:\s*\{\s*"name"\s*:\s*"vllm-doctor"/.test(text) ? "SARIF" : null;
  }
  // (a report of several runs opens with their verdict, then ` Run 1 of N ` and the first run's header)
  if (/^vllm-doctor \d+\.\d+\.\d+\S* {2}\S/.test(text) || (/^\d+ separate runs, each reported on its own /.test(text) && /\n(?:\x1b\[\d+m)? Run 1 of \d+ (?:\x1b\[\d+m)?[^\n]*\nvllm-doctor \d/.test(head.toString("latin1")))) return "text";
  if (/^# vllm-doctor report/.test(text)) return "Markdown";
  if (/^<!DOCTYPE html>/i.test(text) && /<title>vllm-doctor: /.test(text)) return "HTML";
  return /^<\?xml[^>]*>\s*<testsuites name="vllm-doctor"/.test(text) ? "JUnit" : null;
}

/** The bounded-expansion guard: a decompressed layer may not grow past `maxDecompressedBytes`. */
async function* guard(src: AsyncGenerator<Buffer>, container: Container, path: string, limits: InputLimits): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of src) {
    total += chunk.length;
    if (total > limits.maxDecompressedBytes) throw new InputError(`${container} input expands past the limit of ${formatNumber(limits.maxDecompressedBytes, 3)} bytes; stopped (raise --max-decompressed)`, path);
    yield chunk;
  }
}

/** Feeds a decompressor in slices of this size, so one read chunk cannot expand into one huge buffer. */
const SLICE = 64 << 10;

const EMPTY: Buffer = Buffer.alloc(0);

/** Length of the gzip member header at the start of `b`; null when more bytes are needed; -1 when it is no gzip header. */
export function gzipHeaderLength(b: Buffer): number | null {
  if (b.length < 10) return b.length >= 1 && (b[0] !== 0x1f || (b.length >= 2 && b[1] !== 0x8b) || (b.length >= 3 && b[2] !== 8)) ? -1 : null;
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8 || b[3] & 0xe0) return -1;
  const flags = b[3];
  let at = 10;
  if (flags & 4) {
    if (b.length < at + 2) return null;
    at += 2 + b.readUInt16LE(at);
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    const end = b.indexOf(0, at);
    if (end < 0) return b.length - at > 65536 ? -1 : null;
    at = end + 1;
  }
  if (flags & 2) at += 2;
  return b.length >= at ? at : null;
}

const crc32: (data: Uint8Array, value?: number) => number = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32 ?? jsCrc32;

let CRC_TABLE: Int32Array | undefined;
function jsCrc32(data: Uint8Array, value = 0): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c;
    }
  }
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * gzip, member after member, each member's deflate data through a raw inflater: where the data ends is then
 * known (the inflater stops taking input), so the 8-byte trailer is checked here (CRC-32 and length) and what
 * follows is either another member or trailing garbage, which is reported and skipped. Every decompressed byte
 * is passed on before a damaged trailer is reported, so nothing that could be read is lost.
 */
async function* gunzip(src: AsyncIterator<Buffer>, first: Buffer, path: string, limits: InputLimits, notice: (m: string) => void): AsyncGenerator<Buffer> {
  let pending = first;
  let srcDone = false;
  const more = async (): Promise<boolean> => {
    if (srcDone) return false;
    const r = await src.next();
    if (r.done) {
      srcDone = true;
      return false;
    }
    pending = pending.length ? Buffer.concat([pending, r.value]) : r.value;
    return true;
  };
  const chunkSize = Math.max(64, Math.min(limits.chunkBytes, SLICE));
  for (let member = 0; ; member++) {
    if (member > 0 && pending.length === 0 && !(await more())) return;
    let hl: number | null;
    while ((hl = gzipHeaderLength(pending)) === null && (await more()));
    if (hl === null || hl < 0) {
      if (member === 0) throw new InputError(hl === null ? "truncated gzip data: the header is cut off" : "corrupt gzip data: not a deflate header", path);
      let garbage = pending.length;
      while (await more()) {
        garbage += pending.length;
        pending = EMPTY;
      }
      notice(`${path}: ${formatNumber(garbage, 3)} byte${garbage === 1 ? "" : "s"} of trailing garbage after the gzip data were ignored`);
      return;
    }
    pending = pending.subarray(hl);

    const inflater = zlib.createInflateRaw({ chunkSize });
    const written: Buffer[] = [];
    let writtenStart = 0;
    let writtenTotal = 0;
    const write = (b: Buffer) =>
      new Promise<void>((resolve) => {
        written.push(b);
        writtenTotal += b.length;
        inflater.write(b, () => resolve());
      });
    const ended = () => inflater.bytesWritten < writtenTotal || inflater.destroyed || inflater.writableEnded;
    // writes the member's deflate data, a slice at a time, until the inflater stops taking input (its data ended)
    const pump = (async () => {
      const feed = async (b: Buffer) => {
        for (let i = 0; i < b.length && !ended(); i += SLICE) {
          await write(b.subarray(i, i + SLICE));
          while (written.length > 1 && writtenStart + written[0].length <= inflater.bytesWritten) writtenStart += written.shift()!.length;
        }
      };
      const start = pending;
      pending = EMPTY;
      await feed(start);
      while (!ended()) {
        const r = await src.next();
        if (r.done) {
          srcDone = true;
          break;
        }
        await feed(r.value);
      }
      if (!inflater.writableEnded && !inflater.destroyed) inflater.end();
    })();
    // the input failing (an inner layer's source is damaged) ends the inflater with that error, or it would wait forever
    pump.catch((e) => inflater.destroy(e instanceof Error ? e : new Error(String(e))));
    let crc = 0;
    let size = 0;
    try {
      for await (const out of inflater as AsyncIterable<Buffer>) {
        crc = crc32(out, crc);
        size += out.length;
        yield out;
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`corrupt or truncated gzip data: ${(e as Error).message}`, path);
    }
    await pump;
    // what the inflater did not take: the trailer, then maybe another member
    const rest = Buffer.concat(written);
    pending = rest.subarray(Math.max(0, inflater.bytesWritten - writtenStart));
    while (pending.length < 8 && (await more()));
    // (an error, not a notice: without the trailer nothing says the data is what was written)
    if (pending.length < 8) throw new InputError("corrupt or truncated gzip data: the trailer (CRC and length) is missing", path);
    const want = pending.readUInt32LE(0);
    const length = pending.readUInt32LE(4);
    pending = pending.subarray(8);
    if (want !== crc >>> 0 || length !== size % 2 ** 32) {
      throw new InputError(`gzip data fails its ${want !== crc >>> 0 ? "CRC" : "length"} check: everything was read, but it may be damaged`, path);
    }
  }
}

/** The largest zstd window read (zstd's own decoder refuses more unless told `--memory`): 128 MiB. */
export const MAX_ZSTD_WINDOW = 1 << 27;

/**
 * The window a zstd frame at the start of `b` needs (the decoder holds that much), from its header: the window
 * descriptor, or the content size of a single-segment frame; null when it cannot be told from `b`.
 */
export function zstdWindow(b: Uint8Array): number | null {
  if (b.length < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f || b[3] !== 0xfd) return null;
  const fhd = b[4];
  const single = (fhd >> 5) & 1;
  if (!single) {
    const wd = b[5];
    const base = 2 ** (10 + (wd >> 3));
    return base + (base / 8) * (wd & 7);
  }
  const at = 5 + [0, 1, 2, 4][fhd & 3];
  const size = [1, 2, 4, 8][fhd >> 6];
  if (b.length < at + size) return null;
  let fcs = 0;
  for (let i = size - 1; i >= 0; i--) fcs = fcs * 256 + b[at + i];
  return size === 2 ? fcs + 256 : fcs;
}

/** zstd with fzstd (pure JavaScript, streaming: it keeps one window, not the whole output). */
async function* unzstd(src: AsyncIterator<Buffer>, first: Buffer, path: string): AsyncGenerator<Buffer> {
  const window = zstdWindow(first);
  if (window !== null && window > MAX_ZSTD_WINDOW) throw new InputError(`zstd data needs a ${formatMiB(window)} window, more than the ${formatMiB(MAX_ZSTD_WINDOW)} this reader allows (decompress it with \`zstd -d --memory=…\` first)`, path);
  const { Decompress } = await import("fzstd");
  let out: Uint8Array[] = [];
  const d = new Decompress((chunk) => {
    out.push(chunk);
  });
  let size = 0;
  // a slice at a time: one read chunk of a highly compressed log would otherwise come out as one huge buffer
  const push = function* (b: Uint8Array, final: boolean): Generator<Buffer> {
    let failure: Error | undefined;
    for (let i = 0; i < b.length || final; i += SLICE) {
      try {
        if (i < b.length) d.push(b.subarray(i, i + SLICE), false);
        else d.push(new Uint8Array(0), true);
      } catch (e) {
        failure = e as Error;
      }
      // what was decompressed before a failure is passed on first
      for (const c of out) {
        size += c.length;
        yield Buffer.from(c.buffer, c.byteOffset, c.length);
      }
      out = [];
      if (failure) throw new InputError(`${/EOF|end/i.test(failure.message) ? "truncated" : "corrupt"} zstd data after ${formatNumber(size, 3)} decompressed bytes: ${failure.message}`, path);
      if (i >= b.length) break;
    }
  };
  for (let cur: Buffer = first; ; ) {
    yield* push(cur, false);
    const r = await src.next();
    if (r.done) {
      yield* push(new Uint8Array(0), true);
      return;
    }
    cur = r.value;
  }
}

type XzModule = { XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };

/** xz with xz-decompress (XZ Embedded in WebAssembly, streaming with fixed buffers). */
async function* unxz(src: AsyncIterator<Buffer>, first: Buffer, path: string): AsyncGenerator<Buffer> {
  // a CommonJS (webpack UMD) module: its exports are the default export
  const xz = (await import("xz-decompress")) as unknown as { default?: XzModule } & XzModule;
  const XzReadableStream = (xz.default ?? xz).XzReadableStream;
  let sentFirst = false;
  const input = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentFirst) {
        sentFirst = true;
        controller.enqueue(first);
        return;
      }
      const r = await src.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
  });
  let size = 0;
  try {
    for await (const chunk of new XzReadableStream(input) as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      // xz-decompress hands out views of its WebAssembly memory: copy before the next read reuses it
      yield Buffer.from(chunk);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`corrupt or truncated xz data after ${formatNumber(size, 3)} decompressed bytes: ${(e as Error).message ?? String(e)}`, path);
  }
}

const formatMiB = (n: number) => `${formatNumber(n / 2 ** 20, 1)} MiB`;

function describeReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "EISDIR") return "is a directory";
  if (err?.code === "EACCES" || err?.code === "EPERM") return "permission denied";
  return err?.message ?? String(e);
}
