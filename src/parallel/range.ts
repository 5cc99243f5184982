import { ActivityTable, createFastCounter, type NcclFastCounts } from "../events/nccl-fast-counter.js";
import { chunkLine, lineEnd, readTextChunks } from "../input/lines.js";

/**
 * What a second thread made of the later part of an input: the lines it only counted (NCCL collective and
 * TRACE lines, see createFastCounter's `speculative`), and every other line as text for the first thread to
 * read the ordinary way, in order, once it has read up to the cut.
 */
export interface RangeResult {
  /** lines for the ordinary path and their 1-based numbers within the range */
  residual: string[];
  residualLines: number[];
  /** how many of them were cut to the line cap */
  cut: number;
  counts: NcclFastCounts;
  /** lines in the range (when it was read to its end) */
  lines: number;
  /**
   * 0, or the first line of the range not looked at: the residual text grew past its cap, so the rest is
   * left to the first thread (the lines before it are all in `residual` or counted)
   */
  stoppedAt: number;
  /** when the counting ended (ms since the epoch, for VLLM_DOCTOR_DEBUG=threads) */
  doneAt: number;
}

export interface RangeOptions {
  maxLineChars: number;
  /** stop once the residual text holds this many characters (it is held in memory until the first thread takes it) */
  maxResidualChars: number;
  onBytes?: (n: number) => void;
}

/** Reads the later part of an input (a stream that starts at a line start) as `RangeResult` says. */
export async function countRange(stream: AsyncIterable<Uint8Array>, opts: RangeOptions): Promise<RangeResult> {
  // counts only: every line it does not count goes back as text, so no host is ever noted here
  const fast = createFastCounter(new ActivityTable(), { speculative: true, hostSeen: () => false });
  const residual: string[] = [];
  const residualLines: number[] = [];
  let chars = 0;
  let cut = 0;
  let lineNo = 1;
  const keep = (text: string, line: number) => {
    if (text.length === 0) return;
    residual.push(text);
    residualLines.push(line);
    chars += text.length + 16;
  };
  const countCut = () => cut++;
  for await (const chunk of readTextChunks(stream, { maxLineChars: opts.maxLineChars, onBytes: opts.onBytes, sniff: false })) {
    if (chars > opts.maxResidualChars) {
      // (leaving the loop closes the stream)
      return { residual, residualLines, cut, counts: fast.counts(), lines: lineNo - 1, stoppedAt: lineNo, doneAt: performance.timeOrigin + performance.now() };
    }
    const counter = chunk.bytes ? fast.fast.begin(chunk.bytes, opts.maxLineChars) : undefined;
    if (chunk.head !== null) {
      if (chunk.headCut) cut++;
      keep(chunk.head, lineNo++);
    }
    const { bytes, end } = chunk;
    if (bytes && counter) {
      for (let s = chunk.start; s < end; ) {
        const nl = bytes.indexOf(10, s);
        if (!counter.line(s, nl, lineNo)) keep(chunkLine(chunk, s, nl, opts.maxLineChars, countCut), lineNo);
        lineNo++;
        s = nl + 1;
      }
      counter.done();
    } else {
      for (let s = chunk.start; s < end; ) {
        const nl = lineEnd(chunk, s);
        keep(chunkLine(chunk, s, nl, opts.maxLineChars, countCut), lineNo);
        lineNo++;
        s = nl + 1;
      }
    }
  }
  return { residual, residualLines, cut, counts: fast.counts(), lines: lineNo - 1, stoppedAt: 0, doneAt: performance.timeOrigin + performance.now() };
}
