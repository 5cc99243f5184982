import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import type { Missing } from "./schema.js";

/**
 * One area of facts (vLLM, NCCL, errors, benchmarks). Its state is plain JSON, so that a report can carry it
 * and `merge` can combine the states of several reports: merge must be associative, and merging the
 * states of inputs A and B must equal the state of analysing A and B together.
 */
export interface FactDomain<S, F> {
  readonly name: string;
  init(): S;
  /** folds one event into the state (mutates it: this is the hot path) */
  reduce(state: S, e: Event): void;
  /** combines two states; `b`'s inputs come after `a`'s */
  merge(a: S, b: S): S;
  /** the facts, where each non-null one was read, and how to get each missing one */
  finalize(state: S): { facts: F; sources: Record<string, Evidence>; missing: Missing[] };
}

/** Evidence with its input index, so "first" can be decided across files. */
export interface Located extends Evidence {
  input: number;
}

export function earlier<T extends Located | null | undefined>(a: T, b: T): T {
  if (!a) return b;
  if (!b) return a;
  return a.input < b.input || (a.input === b.input && a.line <= b.line) ? a : b;
}

export function located(e: { ev: Evidence; input: number }): Located {
  return { ...e.ev, input: e.input };
}

/** `earlier(cur, located(e))`, with no copy of the evidence made when `cur` stays (a reducer's hot path) */
export function earlierThan(cur: Located | null | undefined, e: { ev: Evidence; input: number }): Located {
  return !cur || e.input < cur.input || (e.input === cur.input && e.ev.line < cur.line) ? located(e) : cur;
}

/**
 * `s` apart from the text it was cut from: V8 keeps a substring of 13 characters or more as a view of its whole line,
 * which a state that keeps the substring (a communicator's pointer, of a set-up log's 16,384) would keep alive too.
 */
export function detached<T extends string | null>(s: T): T {
  return (s === null || s.length < 13 ? s : (" " + s).slice(1)) as T;
}

export function plain(l: Located | null | undefined): Evidence | null {
  if (!l) return null;
  return { file: l.file, line: l.line, text: l.text };
}

/** Shifts the input indices of a state's evidence when a later report's state is merged after another. */
export function shiftInputs<T>(value: T, by: number): T {
  if (by === 0) return value;
  return JSON.parse(JSON.stringify(value), (k, v) => (k === "input" && typeof v === "number" ? v + by : v)) as T;
}
