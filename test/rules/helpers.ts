import type { Event } from "../../src/events/index.js";
import { finalizeFacts, finalizeSignals, reduceEvent } from "../../src/facts/state.js";
import { analyzeLines } from "../../src/analyze.js";
import type { Facts } from "../../src/facts/schema.js";
import type { Origin } from "../../src/model.js";
import { DEFAULT_THRESHOLDS, type FindingDraft, type Rule, type RuleContext } from "../../src/rules/types.js";

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | T[K] : T[K] };

/** One `error` event per line (line numbers from 1), as a reader would emit for the failing lines. */
export function lineEvents(lines: string[], opts: { file?: string; origin?: (i: number) => Origin } = {}): Event[] {
  return lines.map((text, i) => ({
    kind: "error",
    source: "other",
    message: text,
    ev: { file: opts.file ?? "t.log", line: i + 1, text },
    origin: opts.origin?.(i) ?? {},
    input: 0,
  }));
}

function merge<T>(base: T, over: unknown): T {
  if (over === null || typeof over !== "object" || Array.isArray(over)) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = v !== null && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" ? merge(out[k], v) : v;
  return out as T;
}

/**
 * A rule's context for `lines` read through the real pipeline (records, readers, fact domains; analyzeLines),
 * with hand-made `events` folded into the same fact domains and `facts` laid over the facts they give.
 */
export function makeContext(opts: { lines?: string[]; events?: Event[]; facts?: DeepPartial<Facts>; thresholds?: Partial<RuleContext["thresholds"]> } = {}): RuleContext {
  const read = analyzeLines(opts.lines ?? []);
  // hand-made events reach the rules only as the fact domains read them, as a reader's would
  for (const e of opts.events ?? []) reduceEvent(read.state, e);
  const facts = merge(finalizeFacts(read.state), opts.facts ?? {});
  return {
    facts,
    signals: finalizeSignals(read.state),
    state: read.state,
    thresholds: { ...DEFAULT_THRESHOLDS, ...opts.thresholds },
  };
}

export function run(rule: Rule, opts: Parameters<typeof makeContext>[0] = {}): FindingDraft[] {
  return rule.check(makeContext(opts));
}

export function traceback(frames: string[], errorType: string | null, message: string, line = 10): Event {
  return {
    kind: "traceback",
    errorType,
    message,
    frames: frames.map((func, i) => ({ file: "/x/vllm/worker.py", line: i + 1, func })),
    end: errorType ? { file: "t.log", line, text: `${errorType}: ${message}` } : null,
    causes: [],
    ev: { file: "t.log", line: line - frames.length - 1, text: "Traceback (most recent call last):" },
    origin: {},
    input: 0,
  } as Event;
}
