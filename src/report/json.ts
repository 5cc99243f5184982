import type { Report } from "../facts/schema.js";

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/**
 * The text of `renderJson`, in pieces of about `batch` characters: a report that carries a big state (thousands of
 * communicators and kept events) is never one string, nor one string and its bytes at once (test/report-json.test.ts
 * holds the two to each other).
 */
export function* renderJsonPieces(report: Report, batch = 1 << 20): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const p of jsonPieces(report, "", 0)) {
    parts.push(p);
    size += p.length;
    if (size >= batch) {
      yield parts.join("");
      parts = [];
      size = 0;
    }
  }
  parts.push("\n");
  yield parts.join("");
}

/** the top levels are always taken apart, deeper only a value too big to be one piece (see `spend`) */
const SPLIT_DEPTH = 3;
const PIECE_BUDGET = 512;

/**
 * what is left of `budget` after `value`, or -1 once it is spent: 1 for each value, key and array item, and 1 for each
 * 32 characters of a string (a piece is then at most some 16 kB of text; a set-up log's communicator with its
 * connections is one, its thousands of communicators are not)
 */
function spend(value: unknown, budget: number): number {
  if (typeof value === "string") return budget - 1 - (value.length >> 5);
  if (value === null || typeof value !== "object") return budget - 1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && budget >= 0; i++) budget = spend(value[i], budget - 1);
  } else {
    for (const k in value) {
      budget = spend((value as Record<string, unknown>)[k], budget - 1 - (k.length >> 5));
      if (budget < 0) return -1;
    }
  }
  return budget < 0 ? -1 : budget;
}

/** what JSON.stringify leaves out of an object (and writes as `null` in an array) */
const skipped = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

/**
 * `JSON.stringify(value, null, 2)` as it reads at indentation `pad` (its first line not indented): the value
 * stringified as deep in arrays as `pad` is, cut out of them (no copy of the text to indent it)
 */
function indented(value: unknown, pad: string): string {
  if (pad === "") return JSON.stringify(value, null, 2);
  const k = pad.length >> 1;
  let v: unknown = value;
  for (let i = 0; i < k; i++) v = [v];
  const text = JSON.stringify(v, null, 2);
  // (each array adds `[`, a line break and its items' indentation before, a line break, its own and `]` after)
  return text.slice(2 * k + k * (k + 1), text.length - (2 * k + k * (k - 1)));
}

/**
 * the keys `keys[i..j)` of `o` and their values, in that order (a run of an object's keys: its array-index keys come
 * first, in order, as they do here), `__proto__` an own key too
 */
function pick(o: Record<string, unknown>, keys: string[], i: number, j: number): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (let q = i; q < j; q++) out[keys[q]] = o[keys[q]];
  return out;
}

/** `JSON.stringify(value, null, 2)` as it reads at indentation `pad`, in pieces */
function* jsonPieces(value: unknown, pad: string, depth: number): Generator<string> {
  if (value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function" || (depth >= SPLIT_DEPTH && spend(value, PIECE_BUDGET) >= 0)) {
    yield indented(value, pad);
    return;
  }
  const array = Array.isArray(value);
  const keys = array ? null : Object.keys(value).filter((k) => !skipped((value as Record<string, unknown>)[k]));
  const n = array ? (value as unknown[]).length : keys!.length;
  if (n === 0) {
    yield array ? "[]" : "{}";
    return;
  }
  const inner = pad + "  ";
  yield array ? "[" : "{";
  for (let i = 0; i < n; i++) {
    const sep = i ? ",\n" : "\n";
    // (items each one piece, as many as one piece holds, stringified at once: a set-up log's tens of thousands of
    // kept events and communicators are otherwise a call each)
    if (depth + 1 >= SPLIT_DEPTH) {
      let budget = PIECE_BUDGET;
      let j = i;
      while (j < n && (budget = spend(array ? (value as unknown[])[j] : (value as Record<string, unknown>)[keys![j]], budget - 1)) >= 0) j++;
      if (j > i + 1) {
        const some = array ? (value as unknown[]).slice(i, j) : pick(value as Record<string, unknown>, keys!, i, j);
        const text = indented(some, pad);
        // (`[` or `{` and its line break before the items, `\n` + pad and `]` or `}` after)
        yield (i ? "," : "") + text.slice(1, text.length - pad.length - 2);
        i = j - 1;
        continue;
      }
    }
    if (array) {
      const v = (value as unknown[])[i];
      yield sep + inner;
      if (skipped(v)) yield "null";
      else yield* jsonPieces(v, inner, depth + 1);
    } else {
      const k = keys![i];
      yield `${sep}${inner}${JSON.stringify(k)}: `;
      yield* jsonPieces((value as Record<string, unknown>)[k], inner, depth + 1);
    }
  }
  yield "\n" + pad + (array ? "]" : "}");
}
