import { Transform, type Readable } from "node:stream";

/**
 * Shrinks JSON documents on their way to the line reader, so that a one-line benchmark result of
 * megabytes (`vllm bench serve --save-result` with its per-request arrays) fits the line cap and stays
 * valid JSON. Only streams whose first non-blank byte is `{` or `[` are touched; anything else passes
 * through unchanged. In a JSON stream:
 *  - an array keeps its first `keep` elements; later non-object elements are dropped and the array ends
 *    with a summary object `{"$elided": dropped, "$length": all, "$nonEmptyStrings": n}`;
 *  - a string that is an array element is cut after `maxString` bytes (with `…`);
 *  - every newline is kept, also inside dropped parts, so line numbers stay those of the file.
 * Objects (and arrays of objects, such as nccl-tests rows) are never shortened, and neither is the array that is a
 * `MESSAGE` member's value: `journalctl -o json` writes a message holding control bytes (a vLLM record's coloured
 * process prefix) as the array of its byte values, and the array is the record. A line that is not
 * JSON (a log line in a JSON-lines file) passes through as it is. A `[` opens JSON only when the next
 * byte that is not blank can follow it in a document (`{`, `[`, `"`, `]`): a log line that starts with a
 * bracket (DeepSpeed's `[2024-03-20 20:31:29,269] [ERROR] [launch.py:321:sigkill_handler] ['python', ...]`,
 * torchrun's `[rank0]:`, mpirun's `[1,0]<stdout>:`) is text, and a stream that starts with one passes
 * through untouched.
 */
export interface JsonDigestOptions {
  keep?: number;
  maxString?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const ELLIPSIS = [0xe2, 0x80, 0xa6];

interface Frame {
  array: boolean;
  /** elements started so far (arrays) */
  count: number;
  dropped: number;
  nonEmpty: number;
  /** a value is expected next (after `[` or `,`) */
  expectValue: boolean;
  /** a `,` was read and is held back until we know whether the next element is kept */
  pendingComma: boolean;
  /** every element is kept (a journald `MESSAGE` given as its bytes) */
  keepAll: boolean;
}

const MESSAGE_KEY = [0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45]; // MESSAGE

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === NL;
}

/** The digest as a pure state machine over bytes (exported for tests). */
export class JsonDigester {
  private mode: "undecided" | "json" | "plain" = "undecided";
  /** inside JSON: a non-JSON line is passed through up to its newline */
  private lineIsPlain = false;
  private stack: Frame[] = [];
  private inString = false;
  private escape = false;
  private hexLeft = 0;
  private stringBytes = 0;
  private stringCut = false;
  private stringIsElement = false;
  private stringFirstByte = false;
  /** bytes of the string being read (an object's key or value) that matched `MESSAGE` so far, or -1 */
  private keyMatched = -1;
  /** the last string read in an object was `MESSAGE` (the key of the value that follows its `:`) */
  private afterMessageKey = false;
  /** index of the frame whose current element is being dropped, or -1 */
  private skipAt = -1;
  private bomLeft = 3;
  /** a top-level `[` and the blanks after it, held until the next byte says whether it opens JSON */
  private openHeld: number[] | null = null;
  /** no top-level value has been decided yet: a first `[` that is text makes the whole stream text */
  private atStart = true;
  /** the first `[` was text: the rest of the stream passes through */
  private demoted = false;
  private readonly keep: number;
  private readonly maxString: number;

  constructor(opts: JsonDigestOptions = {}) {
    this.keep = opts.keep ?? 16;
    this.maxString = opts.maxString ?? 256;
  }

  /** Returns the digested bytes of one chunk. */
  push(chunk: Uint8Array): Uint8Array {
    if (this.mode === "plain") return chunk;
    const out: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.mode === "undecided") {
        if (this.bomLeft > 0 && b === [0xef, 0xbb, 0xbf][3 - this.bomLeft]) {
          this.bomLeft--;
          out.push(b);
          continue;
        }
        this.bomLeft = 0;
        if (isSpace(b)) {
          out.push(b);
          continue;
        }
        if (b !== OPEN_OBJ && b !== OPEN_ARR) {
          this.mode = "plain";
          // everything before i went out as it came (BOM and blanks): the chunk passes through whole
          if (out.length === i) return chunk;
          for (let j = i; j < chunk.length; j++) out.push(chunk[j]);
          return Uint8Array.from(out);
        }
        this.mode = "json";
      }
      this.step(b, out);
      if (this.demoted) {
        this.mode = "plain";
        for (let j = i + 1; j < chunk.length; j++) out.push(chunk[j]);
        return Uint8Array.from(out);
      }
    }
    return Uint8Array.from(out);
  }

  /** The bytes still held at the end of the stream (a `[` with only blanks after it). */
  finish(): Uint8Array {
    const held = this.openHeld ?? [];
    this.openHeld = null;
    return Uint8Array.from(held);
  }

  private get skipping(): boolean {
    return this.skipAt >= 0;
  }

  private emit(out: number[], b: number): void {
    if (!this.skipping || b === NL) out.push(b);
  }

  private reset(): void {
    this.stack = [];
    this.inString = false;
    this.escape = false;
    this.hexLeft = 0;
    this.skipAt = -1;
  }

  private step(b: number, out: number[]): void {
    if (this.openHeld) {
      if (isSpace(b)) return void this.openHeld.push(b);
      const held = this.openHeld;
      this.openHeld = null;
      if (b === OPEN_OBJ || b === OPEN_ARR || b === QUOTE || b === CLOSE_ARR) {
        this.atStart = false;
        this.open(OPEN_ARR, out);
        for (let k = 1; k < held.length; k++) this.step(held[k], out);
        return this.step(b, out);
      }
      // a log line that starts with a bracket: text up to its newline (the whole stream, when it starts so)
      for (const h of held) out.push(h);
      out.push(b);
      if (this.atStart) this.demoted = true;
      else this.lineIsPlain = true;
      return;
    }
    if (this.lineIsPlain) {
      out.push(b);
      if (b === NL) this.lineIsPlain = false;
      return;
    }
    if (this.inString) return this.stringByte(b, out);
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (isSpace(b)) return void out.push(b);
      if (b === OPEN_ARR) {
        this.openHeld = [b];
        return;
      }
      if (b === OPEN_OBJ) {
        this.atStart = false;
        this.open(b, out);
        return;
      }
      this.atStart = false;
      this.lineIsPlain = true;
      out.push(b);
      return;
    }
    if (isSpace(b)) return this.emit(out, b);
    if (top.array) {
      if (b === COMMA) {
        if (this.skipAt === this.stack.length - 1) this.skipAt = -1;
        top.expectValue = true;
        if (!this.skipping) top.pendingComma = true;
        return;
      }
      if (b === CLOSE_ARR) return this.close(out);
      if (top.expectValue) this.startElement(top, b, out);
    }
    if (b === OPEN_OBJ || b === OPEN_ARR) return this.open(b, out);
    if (b === CLOSE_OBJ || b === CLOSE_ARR) return this.close(out);
    if (b === QUOTE) {
      this.inString = true;
      this.stringBytes = 0;
      this.stringCut = false;
      this.stringIsElement = !!top.array;
      this.stringFirstByte = true;
      this.keyMatched = top.array ? -1 : 0;
    }
    this.emit(out, b);
  }

  private startElement(frame: Frame, b: number, out: number[]): void {
    frame.expectValue = false;
    const index = frame.count++;
    if (!this.skipping && index >= this.keep && b !== OPEN_OBJ && !frame.keepAll) {
      frame.dropped++;
      frame.pendingComma = false;
      this.skipAt = this.stack.length - 1;
    } else if (frame.pendingComma) {
      frame.pendingComma = false;
      this.emit(out, COMMA);
    }
  }

  private open(b: number, out: number[]): void {
    const parent = this.stack[this.stack.length - 1];
    const keepAll = b === OPEN_ARR && !!parent && !parent.array && this.afterMessageKey;
    this.afterMessageKey = false;
    this.stack.push({ array: b === OPEN_ARR, count: 0, dropped: 0, nonEmpty: 0, expectValue: b === OPEN_ARR, pendingComma: false, keepAll });
    this.emit(out, b);
  }

  private close(out: number[]): void {
    const depth = this.stack.length - 1;
    const frame = this.stack.pop();
    if (!frame) return;
    if (this.skipAt === depth) this.skipAt = -1;
    if (frame.array && frame.dropped > 0 && !this.skipping) {
      const summary = `,{"$elided":${frame.dropped},"$length":${frame.count},"$nonEmptyStrings":${frame.nonEmpty}}`;
      for (let i = 0; i < summary.length; i++) out.push(summary.charCodeAt(i));
    }
    this.emit(out, frame.array ? CLOSE_ARR : CLOSE_OBJ);
  }

  private stringByte(b: number, out: number[]): void {
    if (b === NL) {
      // a raw newline cannot be inside a JSON string: this was not JSON after all
      this.reset();
      out.push(b);
      return;
    }
    if (this.stringFirstByte) {
      this.stringFirstByte = false;
      if (b !== QUOTE && this.stringIsElement) {
        const frame = this.stack[this.stack.length - 1];
        if (frame) frame.nonEmpty++;
      }
    }
    const wasEscape = this.escape;
    const wasHex = this.hexLeft;
    if (wasEscape) {
      this.escape = false;
      if (b === 0x75 /* u */) this.hexLeft = 4;
    } else if (wasHex > 0) {
      this.hexLeft--;
    } else if (b === BACKSLASH) {
      this.escape = true;
    } else if (b === QUOTE) {
      this.inString = false;
      this.afterMessageKey = this.keyMatched === MESSAGE_KEY.length;
      this.emit(out, b);
      return;
    }
    if (this.keyMatched >= 0) this.keyMatched = !wasEscape && wasHex === 0 && MESSAGE_KEY[this.keyMatched] === b ? this.keyMatched + 1 : -1;
    if (this.stringCut) return;
    // cut only between characters: not inside an escape, not inside a UTF-8 sequence
    const boundary = !wasEscape && wasHex === 0 && (b & 0xc0) !== 0x80;
    if (this.stringIsElement && this.stringBytes >= this.maxString && boundary) {
      this.stringCut = true;
      if (!this.skipping) out.push(...ELLIPSIS);
      return;
    }
    this.stringBytes++;
    this.emit(out, b);
  }
}

/** The digest (which passes non-JSON input through untouched) as a pull-based generator: nothing is read ahead. */
export async function* digestJsonChunks(source: AsyncIterable<Buffer>, opts: JsonDigestOptions = {}): AsyncGenerator<Buffer> {
  const digester = new JsonDigester(opts);
  for await (const chunk of source) {
    const out = digester.push(chunk);
    yield out === chunk ? chunk : Buffer.from(out.buffer, out.byteOffset, out.length);
  }
  const rest = digester.finish();
  if (rest.length) yield Buffer.from(rest.buffer, rest.byteOffset, rest.length);
}

/** Wraps a byte stream with the digest (which passes non-JSON streams through untouched). */
export function digestJsonStream(source: Readable, opts: JsonDigestOptions = {}): Readable {
  const digester = new JsonDigester(opts);
  const t = new Transform({
    // one chunk out per chunk in: a byte-mode readable side would join what is buffered into a new copy
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, cb) {
      const out = digester.push(chunk);
      cb(null, out === chunk ? chunk : Buffer.from(out.buffer, out.byteOffset, out.length));
    },
    flush(cb) {
      const rest = digester.finish();
      if (rest.length) cb(null, Buffer.from(rest.buffer, rest.byteOffset, rest.length));
      else cb();
    },
  });
  source.on("error", (e) => t.destroy(e));
  return source.pipe(t);
}
