import { createDispatcher } from "../../src/classify.js";
import type { Event } from "../../src/events/index.js";
import { finalizeFacts, initState, reduceEvent } from "../../src/facts/state.js";
import { toRecord } from "../../src/records/peel.js";
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

/** `facts.env` (and its `env.NAME` sources) as the readers derive it from `lines` (`NCCL_X set by environment to Y`, `export ...`). */
function envOf(lines: string[], file: string): Pick<Facts, "env" | "sources"> {
  const state = initState();
  const d = createDispatcher();
  const emit = (e: Event) => reduceEvent(state, e);
  lines.forEach((text, i) => d.dispatch(toRecord(file, 0, i + 1, text), emit));
  d.end(emit);
  const f = finalizeFacts(state);
  return { env: f.env, sources: Object.fromEntries(Object.entries(f.sources).filter(([k]) => k.startsWith("env."))) };
}

export function makeContext(opts: { lines?: string[]; events?: Event[]; facts?: DeepPartial<Facts>; thresholds?: Partial<RuleContext["thresholds"]> } = {}): RuleContext {
  const facts = merge(merge(finalizeFacts(initState()), envOf(opts.lines ?? [], "t.log")), opts.facts ?? {});
  return {
    facts,
    events: [...(opts.events ?? []), ...lineEvents(opts.lines ?? [])],
    state: initState(),
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
