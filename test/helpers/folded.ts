import { analyzeSource, buildReport, mergeableStateOf, type AnalyzeOptions } from "../../src/analyze.js";
import { createDispatcher } from "../../src/classify.js";
import { memorySource } from "../../src/input/memory.js";
import type { Event } from "../../src/events/index.js";
import { chunkLine } from "../../src/input/lines.js";
import { toRecord } from "../../src/records/peel.js";
import { splitPhysicalLine } from "../../src/records/split.js";

/**
 * How many lines of `text` the fast path folded (`repeats`) and how many it left to the ordinary way, reading it as
 * analyzeSource does with a store of `kept` events a kind.
 */
export function foldedLines(text: string, kept: number): { repeats: number; ordinary: string[]; events: Event[] } {
  const b = Buffer.from(text, "latin1");
  const d = createDispatcher({ keptPerKind: kept });
  const c = d.fast.begin(b, 10_000, { ascii: true });
  let repeats = 0;
  const events: Event[] = [];
  const emit = (e: Event) => {
    events.push(e);
    if (e.kind === "nccl.repeat") repeats += e.n;
  };
  let n = 0;
  const ordinary: string[] = [];
  for (let s = 0; s < b.length; ) {
    const nl = b.indexOf(10, s);
    n++;
    if (!c.line(s, nl, n)) {
      c.pass();
      const line = chunkLine({ head: null, headCut: 0, bytes: b, ascii: true, text: "", start: 0, end: b.length }, s, nl, 10_000);
      ordinary.push(line);
      for (const piece of splitPhysicalLine(line)) d.dispatch(toRecord("x", 0, n, piece), emit);
    }
    s = nl + 1;
  }
  c.done();
  d.end(emit);
  return { repeats, ordinary, events };
}

/**
 * The report, the mergeable state and the kept events of reading `text` as one input named `name`, as JSON: what the
 * fast path and the ordinary way (or any two ways of reading) must agree on.
 */
export async function readWhole(name: string, text: string, opts: AnalyzeOptions = {}, chunkBytes = 16384): Promise<string> {
  const part = await analyzeSource(memorySource(name, text), 0, { limits: { chunkBytes }, jobs: 1, ...opts });
  return JSON.stringify({ report: buildReport(part.state, part.events), state: mergeableStateOf(part), events: part.events });
}
