import type { Readable } from "node:stream";
import type { ChunkLineCounter, LineCounter } from "../events/fast.js";
import type { LinePrefilter } from "../rules/line-prefilter.js";
import { chunkScanner } from "./chunk-scan.js";
import { chunkLine, finishLine, lineEnd, readTextChunks, type TextChunk } from "./lines.js";

export interface LineLoopOptions {
  maxLineChars: number;
  onBytes?: (n: number) => void;
  /** false: a later part of a UTF-8 input (no byte order mark is looked for) */
  sniff?: boolean;
  /** the number of the stream's first line */
  firstLine: number;
  /** lines before this one are only counted, never read */
  skipUntil?: number;
  /** takes the lines it can only count (see src/events/fast.ts); the rest go to `onLine` */
  counter?: LineCounter;
  /** lines a user rule's pattern may match are not offered to the counter (src/rules/line-prefilter.ts) */
  prefilter?: LinePrefilter | null;
  /** a line read the ordinary way, as the line reader gives it (cut to the cap, no CR, JSON-lines text out) */
  onLine(text: string, lineNo: number): void;
  /** a line was longer than the cap and cut */
  onCut(): void;
  /** after each chunk, with the next line's number */
  onChunk?(nextLine: number): void;
  /** asked before each chunk: true stops the reading there */
  stop?(): boolean;
}

/**
 * The one reading loop: a stream's chunks to lines, each offered to the counter first (when there is one) and
 * otherwise read the ordinary way. Resolves with the next line's number and whether `stop` ended it early.
 */
export async function readLineLoop(stream: Readable | AsyncIterable<Uint8Array>, o: LineLoopOptions): Promise<{ next: number; stopped: boolean }> {
  const { maxLineChars: maxChars, counter: fast, prefilter, onLine, onCut } = o;
  const skipUntil = o.skipUntil ?? 0;
  let lineNo = o.firstLine;
  for await (const chunk of readTextChunks(stream, { maxLineChars: maxChars, onBytes: o.onBytes, sniff: o.sniff })) {
    if (o.stop?.()) return { next: lineNo, stopped: true };
    const { bytes, end } = chunk;
    if (chunk.head !== null) {
      if (lineNo >= skipUntil) {
        if (chunk.headCut) onCut();
        // (the line the last chunk began, offered to the counter as a line handed back is; before this chunk's pass,
        // which may use the memory the head's would)
        if (bytes && fast && !prefilter && !chunk.headCut) readLinesAt([chunk.head], [lineNo], 0, 1, { maxLineChars: maxChars, counter: fast, onLine });
        else onLine(chunk.head, lineNo);
      }
      lineNo++;
    }
    // (the line ends and what the counter looks for in one pass)
    const scan = bytes && fast ? chunkScanner().scan(bytes, chunk.start, end, fast.fullScan?.(bytes, !!prefilter) ?? false) : undefined;
    const counter = scan && fast ? fast.begin(bytes!, maxChars, { ascii: chunk.ascii, bare: !!prefilter, scan }) : undefined;
    let s = chunk.start;
    for (; s < end && lineNo < skipUntil; lineNo++) s = lineEnd(chunk, s) + 1;
    if (bytes && counter && scan) {
      prefilter?.begin(bytes);
      let j = 0;
      while (j < scan.nlCount && scan.nl[j] < s) j++;
      lineNo = countLines(chunk, bytes, s, end, lineNo, counter, prefilter, maxChars, onLine, onCut, scan.nl, j);
      counter.done();
    } else {
      for (; s < end; ) {
        const nl = lineEnd(chunk, s);
        onLine(chunkLine(chunk, s, nl, maxChars, onCut), lineNo);
        lineNo++;
        s = nl + 1;
      }
    }
    o.onChunk?.(lineNo);
  }
  return { next: lineNo, stopped: false };
}

/**
 * The hot loop over a chunk's lines, each offered to the counter first; returns the next line's number. (Apart from
 * the async loop above, so that the engine optimizes it as a plain function: no property of it is looked up per line.)
 */
function countLines(
  chunk: TextChunk, bytes: Buffer, s: number, end: number, lineNo: number, counter: ChunkLineCounter,
  prefilter: LinePrefilter | null | undefined, maxChars: number, onLine: (text: string, lineNo: number) => void, onCut: () => void,
  ends: Int32Array, j: number,
): number {
  for (; s < end; j++) {
    const nl = ends[j];
    // a line a user rule's pattern may match is not offered to the counter: the rule must see its record
    if (prefilter?.mayMatch(s, nl) || !counter.line(s, nl, lineNo)) {
      counter.pass();
      onLine(chunkLine(chunk, s, nl, maxChars, onCut), lineNo);
    }
    lineNo++;
    s = nl + 1;
  }
  return lineNo;
}

/**
 * Lines given as text with their numbers (what another thread handed back of the part it counted), each offered to
 * the counter first as the reading loop offers a chunk's lines, and otherwise read the ordinary way (`onLine`). A line
 * is offered only where its text is the line as it stood in the file (ASCII, and nothing the line reader takes off
 * or out: see finishLine): a counter reads bytes, the ordinary way the reader's text.
 */
export function readLinesAt(texts: readonly string[], lineNos: readonly number[], from: number, to: number, o: { maxLineChars: number; counter?: LineCounter; onLine(text: string, lineNo: number): void }): void {
  const { counter, onLine } = o;
  const offered: boolean[] = [];
  let any = false;
  for (let i = from; i < to; i++) {
    const t = texts[i];
    const ok = counter !== undefined && t.length > 0 && t.length <= o.maxLineChars && isAsciiText(t) && finishLine(t) === t;
    offered.push(ok);
    any ||= ok;
  }
  if (!any) {
    for (let i = from; i < to; i++) onLine(texts[i], lineNos[i]);
    return;
  }
  // (a line not offered stands in the buffer as an empty one, so that the offsets stay simple)
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(offered[i - from] ? texts[i] : "");
  const bytes = Buffer.from(parts.join("\n") + "\n", "latin1");
  const scan = chunkScanner().scan(bytes, 0, bytes.length, counter!.fullScan?.(bytes, false) ?? false);
  const c = counter!.begin(bytes, o.maxLineChars, { ascii: true, bare: false, scan });
  let s = 0;
  for (let i = from; i < to; i++) {
    const nl = s + parts[i - from].length;
    if (!offered[i - from] || !c.line(s, nl, lineNos[i])) {
      c.pass();
      onLine(texts[i], lineNos[i]);
    }
    s = nl + 1;
  }
  c.done();
}

const isAsciiText = (t: string): boolean => {
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) > 0x7f) return false;
  return true;
};
