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

/** the top levels are always taken apart, deeper only a collection of many entries or one that holds one */
const SPLIT_DEPTH = 3;
const SPLIT_ENTRIES = 64;

/** `value` (an object or array) holds a collection of SPLIT_ENTRIES entries or more (a set-up log's communicators) */
function holdsMany(value: object): boolean {
  for (const k in value) {
    const v: unknown = (value as Record<string, unknown>)[k];
    if (v === null || typeof v !== "object") continue;
    let n = 0;
    for (const _ in v) if (++n >= SPLIT_ENTRIES) return true;
  }
  return false;
}

/** what JSON.stringify leaves out of an object (and writes as `null` in an array) */
const skipped = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

// (a JSON string holds no raw line break: each one is where the indentation goes)
const indented = (text: string, pad: string) => (pad === "" ? text : text.replaceAll("\n", "\n" + pad));

/** `JSON.stringify(value, null, 2)` as it reads at indentation `pad`, in pieces */
function* jsonPieces(value: unknown, pad: string, depth: number): Generator<string> {
  if (value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    yield indented(JSON.stringify(value, null, 2), pad);
    return;
  }
  const array = Array.isArray(value);
  const keys = array ? null : Object.keys(value).filter((k) => !skipped((value as Record<string, unknown>)[k]));
  const n = array ? (value as unknown[]).length : keys!.length;
  if (depth >= SPLIT_DEPTH && n < SPLIT_ENTRIES && !holdsMany(value)) {
    yield indented(JSON.stringify(value, null, 2), pad);
    return;
  }
  if (n === 0) {
    yield array ? "[]" : "{}";
    return;
  }
  const inner = pad + "  ";
  yield array ? "[" : "{";
  for (let i = 0; i < n; i++) {
    const sep = i ? ",\n" : "\n";
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
