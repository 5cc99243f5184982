import { FactsSchema, ReportSchema } from "../facts/schema.js";
import { REPORT_KEYS } from "./path.js";

/*
 * Whether a path a user wrote (`--require`, `--max-regression`, a user rule's `when.fact`) can name something in
 * the report at all, judged from the report's zod schema before any log is read. A misspelt name
 * (`kvCache.tokenz`) would otherwise be read as "the log does not show it": a requirement that can never pass,
 * or a user rule that can never fire, reported as a finding about the log instead of a mistake in the command.
 * Open parts of the schema (a record such as `nccl.transports`, the benchmark sections, whose keys follow the
 * tool's output, `state`) take any name.
 */

// the zod 4 definition fields this walk reads
interface Def {
  type: string;
  innerType?: Schema;
  getter?: () => Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  valueType?: Schema;
  element?: Schema;
  options?: Schema[];
}
interface Schema {
  _zod: { def: Def };
}

const WRAPPERS = new Set(["nullable", "optional", "default", "prefault", "readonly", "catch", "nonoptional"]);

function unwrap(s: Schema): Schema {
  for (let i = 0; i < 20; i++) {
    const d = s._zod.def;
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    else if (d.type === "lazy" && d.getter) s = d.getter();
    else if (d.type === "pipe" && d.in) s = d.in;
    else break;
  }
  return s;
}

type Walked = { why: string } | { leaf: string };

/** What the rest of the path names under `s`: the type of its value (`number`, `object`, `unknown` for an open part), or why nothing */
function walk(s: Schema, parts: string[], i: number, prefix: string): Walked {
  const node = unwrap(s);
  const d = node._zod.def;
  if (i === parts.length) return { leaf: d.type };
  const part = parts[i];
  const here = prefix ? `${prefix}.${part}` : part;
  switch (d.type) {
    case "object": {
      const shape = d.shape ?? {};
      if (Object.prototype.hasOwnProperty.call(shape, part)) return walk(shape[part], parts, i + 1, here);
      if (d.catchall && d.catchall._zod.def.type !== "never") return walk(d.catchall, parts, i + 1, here);
      const names = Object.keys(shape);
      const near = nearest(part, names);
      return { why: `${here} is not a fact of the report (${near ? `did you mean ${prefix ? `${prefix}.` : ""}${near}?` : `${prefix || "the facts"} ${prefix ? "has" : "are"}: ${names.join(", ")}`})` };
    }
    case "record":
      return d.valueType ? walk(d.valueType, parts, i + 1, here) : { leaf: "unknown" };
    case "array":
      if (!/^\d+$/.test(part)) return { why: `${prefix} is a list: name an item by its number (${prefix}.0)` };
      return d.element ? walk(d.element, parts, i + 1, here) : { leaf: "unknown" };
    case "union": {
      let first: Walked | null = null;
      for (const o of d.options ?? []) {
        const w = walk(o, parts, i, prefix);
        // (which option holds the value is known only from the report: its type is open)
        if ("leaf" in w) return { leaf: "unknown" };
        first ??= w;
      }
      return first ?? { leaf: "unknown" };
    }
    case "unknown":
    case "any":
      return { leaf: "unknown" };
    default:
      return { why: `${prefix} is a single value: it has no ${part}` };
  }
}

function walkPath(path: string, underFacts: boolean): Walked {
  const parts = path.split(".").filter((p) => p.length > 0);
  if (parts.length === 0) return { why: "an empty path names no fact" };
  const root = !underFacts && REPORT_KEYS.has(parts[0]) ? ReportSchema : FactsSchema;
  return walk(root as unknown as Schema, parts, 0, "");
}

/** null when `path` names a place in the report (`kvCache.tokens`, `summary.errors`, `nccl.transports.NET/IB`), else a one-line reason. */
export function unknownReportPath(path: string): string | null {
  const w = walkPath(path, false);
  return "why" in w ? w.why : null;
}

/** The same for a path read under `facts` only (a user rule's `when.fact`). */
export function unknownFactsPath(path: string): string | null {
  const w = walkPath(path, true);
  return "why" in w ? w.why : null;
}

/** The type the report's schema gives the value at `path` (`number`, `string`, `boolean`, `enum`, `object`, …; `unknown` where open), or null when the path names nothing. */
export function reportPathType(path: string): string | null {
  const w = walkPath(path, false);
  return "leaf" in w ? w.leaf : null;
}

/** The name closest to `want` (case aside, or at most a few edits away), if one is close enough to be a typo. */
function nearest(want: string, names: string[]): string | null {
  const lower = want.toLowerCase();
  const same = names.find((n) => n.toLowerCase() === lower);
  if (same) return same;
  let best: string | null = null;
  let bestD = Math.max(1, Math.min(3, Math.floor(want.length / 3)));
  for (const n of names) {
    const dist = editDistance(lower, n.toLowerCase());
    if (dist <= bestD && (best === null || dist < bestD)) {
      best = n;
      bestD = dist;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
