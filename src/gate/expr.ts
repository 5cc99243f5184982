import { UsageError } from "../util/errors.js";
import { formatNumber } from "../util/number-format.js";
import { DOTTED_VERSION, compareVersions } from "../util/dotted-version.js";

export type Operator = ">=" | "<=" | ">" | "<" | "==" | "!=";
export type Literal = number | string | boolean | null;

export interface Requirement {
  path: string;
  op: Operator;
  value: Literal;
  /** the value as written (quotes taken off): `2.30` stays `2.30` for a dotted version, where the number is 2.3 */
  written: string;
  /** as written */
  text: string;
}

const REQUIREMENT = /^\s*([A-Za-z_][\w./-]*?)\s*(>=|<=|==|!=|>|<)\s*(.*?)\s*$/;

/** Parses `kvCache.tokens>=500000`, `nccl.net==IB`, `config.enforceEager!=true`, `nccl.version>=2.21`. */
export function parseRequirement(text: string): Requirement {
  const m = REQUIREMENT.exec(text);
  if (!m || m[3] === "" || /^[<>=!]/.test(m[3])) throw new UsageError(`cannot read --require '${text}': write PATH OP VALUE with OP one of >= <= > < == != (e.g. 'kvCache.tokens>=500000')`);
  return { path: m[1], op: m[2] as Operator, value: parseLiteral(m[3]), written: unquote(m[3]), text: text.trim() };
}

const unquote = (raw: string) => raw.trim().replace(/^(['"])(.*)\1$/, "$2");

export function parseLiteral(raw: string): Literal {
  const s = unquote(raw);
  if (s === "null") return null;
  if (s === "true") return true;
  if (s === "false") return false;
  const num = s.replace(/[_,]/g, "");
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(num)) return Number(num);
  return s;
}


/**
 * Evaluates `actual OP expected`; undefined when the two cannot be ordered (e.g. a string against a number).
 * `written` is the value as the requirement wrote it: a version fact is compared with that text, since the number
 * `expected` has lost a dotted version's trailing zeros (`vllm.version>=0.10` is not `>=0.1`).
 */
export function compare(actual: unknown, op: Operator, expected: Literal, written?: string): boolean | undefined {
  const versionText = typeof expected === "number" && written !== undefined && DOTTED_VERSION.test(written) ? written : String(expected);
  if (op === "==" || op === "!=") {
    const eq = typeof actual === "string" && typeof expected === "number" && DOTTED_VERSION.test(actual) && DOTTED_VERSION.test(versionText) ? compareVersions(actual, versionText) === 0 : looseEqual(actual, expected);
    return op === "==" ? eq : !eq;
  }
  let c: number;
  if (typeof actual === "number" && typeof expected === "number") c = actual === expected ? 0 : actual < expected ? -1 : 1;
  else if (typeof actual === "string" && DOTTED_VERSION.test(actual) && (typeof expected === "number" || (typeof expected === "string" && DOTTED_VERSION.test(expected))))
    c = compareVersions(actual, typeof expected === "number" ? versionText : expected);
  else if (typeof actual === "string" && typeof expected === "string") c = actual.localeCompare(expected);
  else return undefined;
  switch (op) {
    case ">=": return c >= 0;
    case "<=": return c <= 0;
    case ">": return c > 0;
    default: return c < 0;
  }
}

function looseEqual(actual: unknown, expected: Literal): boolean {
  if (actual === expected) return true;
  if (typeof actual === "number" && typeof expected === "string") return String(actual) === expected;
  if (typeof actual === "string" && typeof expected === "number") return actual === String(expected);
  if (typeof actual === "string" && typeof expected === "string" && DOTTED_VERSION.test(actual) && DOTTED_VERSION.test(expected)) return compareVersions(actual, expected) === 0;
  return false;
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return formatNumber(v, 4);
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}
