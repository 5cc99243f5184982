import { closeSync, openSync, readSync } from "node:fs";
import { bomlessUtf16, containerOf, looksBinary } from "./magic.js";

/** How one big file is read on two threads (see AnalyzeOptions.split). */
export const SPLIT_DEFAULTS = {
  /** a regular file at least this big is read in two parts */
  minBytes: 32 << 20,
  /** the share of the file the first thread reads before the segments (it starts later: it loads the CLI first) */
  share: 0.3,
  /** what the second thread may hand back as text in all before it leaves the rest to the first */
  maxResidualChars: 16 << 20,
  /** the rest is shared out in segments of about this size: the first thread takes them from the front once it is done with its share, the second from the back */
  segmentBytes: 8 << 20,
};

/**
 * Where a regular file may be cut in two for reading on two threads: the start of the first line at or after
 * `at`, or null when the file must be read in one go: gzip, JSON (digested as a whole), UTF-16, or no line
 * end within 1 MiB after `at`.
 * (Compressed, UTF-16 without a byte order mark and binary data too.) Throws when the file cannot be read.
 */
export function splitPoint(path: string, at: number): number | null {
  const fd = openSync(path, "r");
  try {
    if (!plainHead(fd)) return null;
    const window = Buffer.alloc(1 << 20);
    const got = readSync(fd, window, 0, window.length, at - 1);
    const nl = window.subarray(0, got).indexOf(10);
    return nl < 0 ? null : at + nl;
  } finally {
    closeSync(fd);
  }
}

const SAMPLE_BYTES = 64 << 10;
// what a line the second thread counts holds: a collective's `opCount`, a TRACE record
const COUNTED = [Buffer.from(" opCount ", "latin1"), Buffer.from("NCCL TRACE", "latin1")];

/**
 * Whether a second thread would find lines to count in `[at, size)` of a file: it counts only NCCL collective and
 * TRACE lines, so a file whose samples there (64 KiB at the cut, in the middle of the rest and at its end) hold none
 * (a vLLM server's request and stats lines; NCCL's set-up lines, which it would hand back to this thread) is read on
 * one thread. False when the file cannot be read.
 */
export function mayCountFrom(path: string, at: number, size: number): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const window = Buffer.alloc(SAMPLE_BYTES);
    for (const from of [at, Math.floor((at + size) / 2), Math.max(at, size - SAMPLE_BYTES)]) {
      const got = readSync(fd, window, 0, window.length, from);
      const sample = window.subarray(0, got);
      if (COUNTED.some((c) => sample.indexOf(c) >= 0)) return true;
    }
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The file's head says its lines may be read straight from its bytes: not gzip, UTF-16 or a JSON document. */
export function plainHead(fd: number): boolean {
  const head = Buffer.alloc(4096);
  const n = readSync(fd, head, 0, head.length, 0);
  const h = head.subarray(0, n);
  // compressed (any container the decoder knows), UTF-16 with or without a BOM, or binary: read through the decoder
  if (n < 2 || containerOf(h) || (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || bomlessUtf16(h) || looksBinary(h)) return false;
  const first = head.subarray(head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0, n).find((c) => c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d);
  return first !== undefined && first !== 0x7b && first !== 0x5b;
}

/** `plainHead` of the file at `path` (false when it cannot be read). */
export function plainFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    return plainHead(fd);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const MAX_SEGMENTS = 0xffff;

/**
 * `[start, end)` of a file cut into segments of about `segmentBytes`, each starting at a line start (`start` is
 * one): their starts in order, then `end`. Both threads of a split reading compute the same.
 */
export function segmentStarts(path: string, start: number, end: number, segmentBytes: number): number[] {
  const starts = [start];
  // at most MAX_SEGMENTS of them (the claim word's limit): on a huge file they grow
  const size = Math.max(segmentBytes, Math.ceil((end - start) / MAX_SEGMENTS));
  const fd = openSync(path, "r");
  try {
    const window = Buffer.alloc(4096);
    for (let at = start + size; at < end; at += size) {
      // the first line start after `at - 1`, looked for within a window (a segment without one joins the next)
      const got = readSync(fd, window, 0, Math.min(window.length, end - (at - 1)), at - 1);
      const nl = window.subarray(0, got).indexOf(10);
      if (nl < 0) continue;
      const next = at + nl;
      if (next > starts[starts.length - 1] && next < end) starts.push(next);
    }
  } finally {
    closeSync(fd);
  }
  starts.push(end);
  return starts;
}
