import type { Readable } from "node:stream";
import { jsonLineText } from "./ndjson.js";

export interface LineBatch {
  /** decoded lines, without their terminator (a trailing `\r` is kept off too) */
  lines: string[];
  /** 1-based physical number of lines[0] */
  firstLine: number;
}

export interface LineReaderOptions {
  /** a line longer than this is cut for parsing; the rest is skipped and counted */
  maxLineChars?: number;
  /** called once per cut line */
  onCutLine?: (line: number, length: number) => void;
  /** called with every chunk's byte length, for progress */
  onBytes?: (n: number) => void;
}

export const DEFAULT_MAX_LINE_CHARS = 1 << 16;

type Encoding = "utf-8" | "utf-16le" | "utf-16be";

function sniffEncoding(head: Uint8Array): { encoding: Encoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf-8", bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bom: 2 };
  return { encoding: "utf-8", bom: 0 };
}

/**
 * Splits a byte stream into physical lines, in batches, never holding more than one chunk and one
 * (capped) partial line. Line numbers count `\n`; a `\r` before it is dropped.
 */
export async function* readLines(stream: Readable, opts: LineReaderOptions = {}): AsyncGenerator<LineBatch> {
  const maxChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let decoder: TextDecoder | undefined;
  let swap: ((b: Uint8Array) => Uint8Array) | undefined;
  let carry = "";
  let carryCut = false;
  let carryLength = 0;
  let lineNo = 1;

  const flushBatch = (text: string, final: boolean): LineBatch | undefined => {
    const lines: string[] = [];
    const first = lineNo;
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      let piece = text.slice(start, nl);
      if (carry || carryCut) {
        carryLength += piece.length;
        piece = carryCut ? carry : carry + piece;
        if (carryCut || piece.length > maxChars) {
          opts.onCutLine?.(lineNo, carryLength);
          piece = piece.slice(0, maxChars);
        }
        carry = "";
        carryCut = false;
        carryLength = 0;
      } else if (piece.length > maxChars) {
        opts.onCutLine?.(lineNo, piece.length);
        piece = piece.slice(0, maxChars);
      }
      if (piece.charCodeAt(piece.length - 1) === 13) piece = piece.slice(0, -1);
      lines.push(piece.charCodeAt(0) === 123 || piece.charCodeAt(0) === 32 ? (jsonLineText(piece) ?? piece) : piece);
      lineNo++;
      start = nl + 1;
    }
    const rest = text.slice(start);
    if (rest) {
      carryLength += rest.length;
      if (!carryCut) {
        carry += rest;
        if (carry.length > maxChars) {
          carry = carry.slice(0, maxChars);
          carryCut = true;
        }
      }
    }
    if (final && (carry || carryCut)) {
      let piece = carry;
      if (carryCut) opts.onCutLine?.(lineNo, carryLength);
      if (piece.charCodeAt(piece.length - 1) === 13) piece = piece.slice(0, -1);
      lines.push(piece.charCodeAt(0) === 123 || piece.charCodeAt(0) === 32 ? (jsonLineText(piece) ?? piece) : piece);
      lineNo++;
      carry = "";
      carryCut = false;
    }
    return lines.length ? { lines, firstLine: first } : undefined;
  };

  // the encoding is sniffed from the first 3 bytes, whatever the chunk size (1-byte chunks included)
  let head: Uint8Array | undefined;
  const begin = (bytes: Uint8Array): Uint8Array => {
    const { encoding, bom } = sniffEncoding(bytes);
    if (encoding === "utf-16be") swap = byteSwapper();
    decoder = new TextDecoder(swap ? "utf-16le" : encoding, { fatal: false, ignoreBOM: true });
    return bytes.subarray(bom);
  };
  const decode = (bytes: Uint8Array, final: boolean): string => {
    if (swap) bytes = swap(bytes);
    const text = decoder!.decode(bytes, { stream: true });
    return final ? text + decoder!.decode() : text;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let bytes: Uint8Array = chunk;
    opts.onBytes?.(bytes.length);
    if (!decoder) {
      if (head) bytes = concatBytes(head, bytes);
      if (bytes.length < 3) {
        head = bytes;
        continue;
      }
      head = undefined;
      bytes = begin(bytes);
    }
    const batch = flushBatch(decode(bytes, false), false);
    if (batch) yield batch;
  }
  const tail = decoder ? decode(new Uint8Array(0), true) : head ? decode(begin(head), true) : "";
  const batch = flushBatch(tail, true);
  if (batch) yield batch;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** UTF-16BE to UTF-16LE across chunk boundaries (TextDecoder's utf-16be is not in every Node build). */
function byteSwapper(): (b: Uint8Array) => Uint8Array {
  let pendingOdd: number | undefined;
  return (b) => {
    const src = pendingOdd === undefined ? b : concatBytes(Uint8Array.of(pendingOdd), b);
    pendingOdd = undefined;
    const out = new Uint8Array(src.length - (src.length % 2));
    for (let i = 0; i + 1 < src.length; i += 2) {
      out[i] = src[i + 1];
      out[i + 1] = src[i];
    }
    if (src.length % 2) pendingOdd = src[src.length - 1];
    return out;
  };
}
