import type { Readable } from "node:stream";
import { isAscii } from "node:buffer";
import { csvEpochBareText, csvRowText, entryMemberText, jsonLineText } from "./ndjson.js";
import { logfmtLineText } from "./logfmt.js";

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
  /** false: the stream is a later part of a UTF-8 input, read without looking for a byte order mark */
  sniff?: boolean;
}

export { DEFAULT_MAX_LINE_CHARS } from "./defaults.js";
import { DEFAULT_MAX_LINE_CHARS } from "./defaults.js";

type Encoding = "utf-8" | "utf-16le" | "utf-16be";

function sniffEncoding(head: Uint8Array): { encoding: Encoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf-8", bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bom: 2 };
  return { encoding: "utf-8", bom: 0 };
}

/**
 * One chunk of a stream cut at line ends. `head` is the line that the previous chunks started and this
 * one ends (already joined, cut to the line cap and normalized, see `finishLine`); `[start, end)` holds the
 * lines that lie wholly in this chunk, raw, each ended by `\n`: their reader normalizes them itself
 * (`chunkLine`), which lets a hot loop look at a line inside the chunk before it makes a string of it.
 * A UTF-8 chunk keeps its bytes: a line is decoded when it is read (a line of ASCII as Latin-1, which is the
 * same characters without the decoder's work); a UTF-16 chunk is decoded text.
 */
export interface TextChunk {
  head: string | null;
  /** the length of `head` before it was cut, or 0 when it was not cut */
  headCut: number;
  /** the chunk's bytes when the input is UTF-8 (or ASCII), else null */
  bytes: Buffer | null;
  /** `bytes` holds only ASCII (a character is a byte) */
  ascii: boolean;
  /** the decoded chunk when the input is UTF-16, else "" */
  text: string;
  start: number;
  end: number;
}

/** Where the line that starts at `s` of a chunk ends: the index of its `\n`. */
export function lineEnd(chunk: TextChunk, s: number): number {
  return chunk.bytes ? chunk.bytes.indexOf(10, s) : chunk.text.indexOf("\n", s);
}

/** The line `[start, end)` of a chunk as `readLines` gives it; `onCut` is called with its length when it is cut. */
export function chunkLine(chunk: TextChunk, start: number, end: number, maxChars: number, onCut?: (length: number) => void): string {
  if (!chunk.bytes) return bodyLine(chunk.text, start, end, maxChars, onCut);
  // a line holds a whole number of characters (its ends are ASCII), so it decodes alone as in the stream
  if (!chunk.ascii && !isAscii(chunk.bytes.subarray(start, end))) return bodyLine(LINE_DECODER.decode(chunk.bytes.subarray(start, end)), 0, Infinity, maxChars, onCut);
  if (end - start > maxChars) {
    onCut?.(end - start);
    end = start + maxChars;
  }
  return finishLine(chunk.bytes.toString("latin1", start, end));
}

const LINE_DECODER = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** What the line reader does to every physical line: cut to the cap, a trailing `\r` off, JSON-lines and logfmt text out. */
export function finishLine(piece: string): string {
  if (piece.charCodeAt(piece.length - 1) === 13) piece = piece.slice(0, -1);
  const c = piece.charCodeAt(0);
  if (c === 123) return jsonLineText(piece) ?? piece;
  // (a pretty-printed JSON member, or a console's or YAML export's bare-key member: `textPayload: "..."`)
  if (c === 32 || c === 9) return jsonLineText(piece) ?? entryMemberText(piece) ?? piece;
  // (a Go launcher's logfmt record of a line of vLLM's output: src/input/logfmt.ts)
  if (c === 116 /* t */) return logfmtLineText(piece) ?? entryMemberText(piece) ?? piece;
  if (c === 109 /* m */ || c === 108 /* l */ || c === 77 /* M */ || c === 64 /* @ */) return entryMemberText(piece) ?? piece;
  // (a CSV row ends in its quoted message: the last character is tested before anything else)
  if ((c === 34 || (c >= 48 && c <= 57)) && piece.charCodeAt(piece.length - 1) === 34) return csvRowText(piece) ?? piece;
  // (a CloudWatch console CSV row with a bare message: thirteen digits of epoch milliseconds and a comma)
  if (c >= 49 && c <= 57 && piece.charCodeAt(13) === 44) return csvEpochBareText(piece) ?? piece;
  return piece;
}

/** The line `body[start, end)` of a chunk as `readLines` gives it; `onCut` is called with its length when it is cut. */
export function bodyLine(body: string, start: number, end: number, maxChars: number, onCut?: (length: number) => void): string {
  if (end > body.length) end = body.length;
  let piece: string;
  if (end - start > maxChars) {
    onCut?.(end - start);
    piece = body.slice(start, start + maxChars);
  } else piece = body.slice(start, end);
  return finishLine(piece);
}

/**
 * Splits a byte stream into chunks of whole lines, never holding more than one chunk and one (capped)
 * partial line. Line numbers count `\n`; a `\r` before it is dropped. An ASCII chunk is decoded as
 * Latin-1 (the same characters, without the UTF-8 decoder's work).
 */
export async function* readTextChunks(stream: Readable | AsyncIterable<Uint8Array>, opts: LineReaderOptions = {}): AsyncGenerator<TextChunk> {
  const maxChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let decoder: TextDecoder | undefined;
  let swap: ((b: Uint8Array) => Uint8Array) | undefined;
  // the decoder holds no partial character (its last input ended with an ASCII byte)
  let decoderClean = true;
  let carry = "";
  let carryCut = false;
  let carryLength = 0;

  const addCarry = (rest: string) => {
    carryLength += rest.length;
    if (!carryCut) {
      carry += rest;
      if (carry.length > maxChars) {
        carry = carry.slice(0, maxChars);
        carryCut = true;
      }
    }
  };
  /** the carried line completed by `piece` (the text up to its `\n`) */
  const takeCarry = (piece: string): { head: string; headCut: number } => {
    carryLength += piece.length;
    let head = carryCut ? carry : carry + piece;
    let headCut = 0;
    if (carryCut || head.length > maxChars) {
      headCut = carryLength;
      head = head.slice(0, maxChars);
    }
    carry = "";
    carryCut = false;
    carryLength = 0;
    return { head: finishLine(head), headCut };
  };

  const split = (text: string): TextChunk | undefined => {
    const first = text.indexOf("\n");
    if (first < 0) {
      addCarry(text);
      return undefined;
    }
    let head: string | null = null;
    let headCut = 0;
    let from = 0;
    if (carry || carryCut) {
      ({ head, headCut } = takeCarry(text.slice(0, first)));
      from = first + 1;
    }
    const last = text.lastIndexOf("\n");
    const end = last >= from ? last + 1 : from;
    if (last + 1 < text.length) addCarry(text.slice(last + 1));
    return head !== null || end > from ? { head, headCut, bytes: null, ascii: false, text, start: from, end } : undefined;
  };
  /** `bytes[a, b)` as text: through the streaming decoder, which may hold part of a character between chunks */
  const piece = (bytes: Buffer, ascii: boolean, a: number, b: number): string => {
    if (ascii && decoderClean) return bytes.toString("latin1", a, b);
    decoderClean = bytes[b - 1] < 0x80;
    return decoder!.decode(bytes.subarray(a, b), { stream: true });
  };
  const splitBytes = (bytes: Buffer, ascii: boolean): TextChunk | undefined => {
    const first = bytes.indexOf(10);
    if (first < 0) {
      addCarry(piece(bytes, ascii, 0, bytes.length));
      return undefined;
    }
    let head: string | null = null;
    let headCut = 0;
    let from = 0;
    if (carry || carryCut || !decoderClean) {
      // (with its `\n`, which ends any character the decoder holds)
      ({ head, headCut } = takeCarry(piece(bytes, ascii, 0, first + 1).slice(0, -1)));
      from = first + 1;
    }
    const last = bytes.lastIndexOf(10);
    const end = last >= from ? last + 1 : from;
    if (last + 1 < bytes.length) addCarry(piece(bytes, ascii, last + 1, bytes.length));
    return head !== null || end > from ? { head, headCut, bytes, ascii, text: "", start: from, end } : undefined;
  };
  /** the unterminated last line of the stream, if any */
  const finalCarry = (): TextChunk | undefined => {
    if (!carry && !carryCut) return undefined;
    const headCut = carryCut ? carryLength : 0;
    const head = finishLine(carry);
    carry = "";
    carryCut = false;
    carryLength = 0;
    return { head, headCut, bytes: null, ascii: false, text: "", start: 0, end: 0 };
  };

  // the encoding is sniffed from the first 3 bytes, whatever the chunk size (1-byte chunks included)
  let head: Uint8Array | undefined;
  const begin = (bytes: Uint8Array): Uint8Array => {
    const { encoding, bom } = opts.sniff === false ? { encoding: "utf-8" as const, bom: 0 } : sniffEncoding(bytes);
    if (encoding === "utf-16be") swap = byteSwapper();
    decoder = new TextDecoder(swap ? "utf-16le" : encoding, { fatal: false, ignoreBOM: true });
    return bytes.subarray(bom);
  };
  /** the chunk may be read as bytes: UTF-8 */
  const byteReadable = () => !swap && decoder!.encoding === "utf-8";
  const decode = (bytes: Uint8Array, final: boolean): string => {
    if (swap) bytes = swap(bytes);
    if (!swap && decoder!.encoding === "utf-8" && bytes.length > 0) decoderClean = bytes[bytes.length - 1] < 0x80;
    const text = decoder!.decode(bytes, { stream: true });
    return final ? text + decoder!.decode() : text;
  };

  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    let bytes: Uint8Array = chunk;
    opts.onBytes?.(bytes.length);
    if (!decoder) {
      if (head) bytes = concatBytes(head, bytes);
      if (bytes.length < 3) {
        head = bytes.slice();
        continue;
      }
      head = undefined;
      bytes = begin(bytes);
    }
    if (byteReadable()) {
      const ascii = isAscii(bytes);
      if (ascii && decoderClean && carryCut && bytes.indexOf(10) < 0) {
        // more of a line already cut: only its length counts, no need to decode it
        carryLength += bytes.length;
        continue;
      }
      const out = splitBytes(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), ascii);
      if (out) yield out;
      continue;
    }
    const out = split(decode(bytes, false));
    if (out) yield out;
  }
  const tail = decoder ? decode(new Uint8Array(0), true) : head ? decode(begin(head), true) : "";
  const out = split(tail);
  if (out) yield out;
  const last = finalCarry();
  if (last) yield last;
}

/**
 * Splits a byte stream into physical lines, in batches, never holding more than one chunk and one
 * (capped) partial line. Line numbers count `\n`; a `\r` before it is dropped.
 */
export async function* readLines(stream: Readable, opts: LineReaderOptions = {}): AsyncGenerator<LineBatch> {
  const maxChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let lineNo = 1;
  for await (const chunk of readTextChunks(stream, opts)) {
    const lines: string[] = [];
    const first = lineNo;
    if (chunk.head !== null) {
      if (chunk.headCut) opts.onCutLine?.(lineNo, chunk.headCut);
      lines.push(chunk.head);
      lineNo++;
    }
    for (let s = chunk.start; s < chunk.end; ) {
      const nl = lineEnd(chunk, s);
      lines.push(chunkLine(chunk, s, nl, maxChars, (n) => opts.onCutLine?.(lineNo, n)));
      lineNo++;
      s = nl + 1;
    }
    if (lines.length) yield { lines, firstLine: first };
  }
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
