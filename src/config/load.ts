import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isSafePattern } from "redos-detector";
import type { z } from "zod";
import { isSystemError, systemErrorText, UsageError } from "../util/errors.js";
import type { RulesConfig } from "../rules/engine.js";
import { allRuleMetas } from "../rules/index.js";
import type { UserRule } from "../rules/user.js";
import { ConfigSchema, type ConfigFile } from "./schema.js";
import { CONFIG_NAME, findConfig } from "./find.js";
import { parseJsonFile } from "../util/json.js";
import { unknownFactsPath } from "../gate/known-path.js";

export { CONFIG_NAME, findConfig };

/** Reads the configuration named by `--config`, else the nearest one found upward; none → defaults. */
export function loadConfig(explicit?: string, cwd: string = process.cwd()): { path: string | null; config: RulesConfig } {
  // (`--config "$CFG"` with CFG unset: a configuration was asked for, not the one found upward)
  if (explicit === "") throw new UsageError("--config needs a file name");
  const path = explicit ? resolve(cwd, explicit) : findConfig(cwd);
  if (!path) return { path: null, config: {} };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read configuration: ${isSystemError(e) ? systemErrorText(e) : String(e)}`, path);
  }
  let json: unknown;
  try {
    json = parseJsonFile(text);
  } catch (e) {
    throw new UsageError(`configuration is ${(e as Error).message}`, path);
  }
  return { path, config: parseConfig(json, path) };
}

/** Validates a parsed configuration into what the rule engine takes; one clear line on the first problem. */
export function parseConfig(json: unknown, path?: string): RulesConfig {
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`invalid configuration: ${describeIssue(parsed.error.issues[0])}`, path);
  const cfg: ConfigFile = parsed.data;
  const known = new Set(allRuleMetas().map((m) => m.id));
  const userIds = new Set<string>();
  for (const u of cfg.userRules) {
    if (known.has(u.id)) throw new UsageError(`invalid configuration: userRules id '${u.id}' is a built-in rule id`, path);
    if (userIds.has(u.id)) throw new UsageError(`invalid configuration: userRules id '${u.id}' is used twice`, path);
    userIds.add(u.id);
    // a misspelt fact is never present: the rule would never fire (or, with `missing`, always)
    const why = u.when ? unknownFactsPath(u.when.fact) : null;
    if (why) throw new UsageError(`invalid configuration: userRules '${u.id}': when.fact: ${why}`, path);
  }
  for (const id of Object.keys(cfg.rules)) {
    if (!known.has(id) && !userIds.has(id)) throw new UsageError(`invalid configuration: rules: unknown rule id '${id}' (see \`vllm-doctor rules\`)`, path);
  }
  const userRules: UserRule[] = cfg.userRules.map((u) => ({
    id: u.id,
    severity: cfg.rules[u.id] && cfg.rules[u.id] !== "off" ? (cfg.rules[u.id] as UserRule["severity"]) : u.severity,
    title: u.title,
    message: u.message,
    remediation: u.remediation,
    ...(u.docs ? { docs: u.docs } : {}),
    ...(u.pattern !== undefined ? { pattern: compileSafe(u.id, u.pattern, u.flags ?? "", path) } : {}),
    ...(u.when ? { when: u.when } : {}),
  }));
  return {
    rules: cfg.rules,
    thresholds: cfg.thresholds as Record<string, number>,
    userRules: userRules.filter((u) => cfg.rules[u.id] !== "off"),
  };
}

/** Compiles a user regex, refusing one that can backtrack catastrophically. */
export function compileSafe(id: string, pattern: string, flags: string, path?: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags);
  } catch (e) {
    throw new UsageError(`invalid configuration: userRules '${id}': bad regular expression: ${(e as Error).message}`, path);
  }
  // Backreferences and repeating lookarounds are outside what the ReDoS check below can judge: `(\1?a)+b` and
  // `(?=(a+))+b` pass it and take minutes on a line of `a`s. Log rules need neither (RE2 and grep -E have none),
  // so they are refused; a lookaround of fixed text is linear and stays allowed.
  const unsupported = backtrackOnly(pattern);
  if (unsupported) throw new UsageError(`invalid configuration: userRules '${id}': ${unsupported} are not supported in patterns (they can take exponential time); match the text itself`, path);
  // An unanchored search retries from every position of a (bounded) line; what must not happen is
  // backtracking that grows exponentially from one position, which the anchored form shows.
  let verdict: ReturnType<typeof isSafePattern>;
  try {
    verdict = isSafePattern(`^(?:${pattern})`, { maxSteps: 3000, timeout: 1000, caseInsensitive: flags.includes("i"), dotAll: flags.includes("s"), multiLine: flags.includes("m"), unicode: flags.includes("u") });
  } catch {
    throw new UsageError(`invalid configuration: userRules '${id}': the regular expression cannot be checked for catastrophic backtracking; simplify it`, path);
  }
  if (!verdict.safe) throw new UsageError(`invalid configuration: userRules '${id}': the regular expression can backtrack catastrophically (${verdict.error}); rewrite nested or overlapping repetitions such as (a+)+ or .*x.*`, path);
  return new RegExp(re.source, flags.replace(/g|y/g, ""));
}

/**
 * "backreferences" / "lookarounds with a repetition inside" when the pattern uses one (escapes and character
 * classes understood), else null. A lookaround of fixed text (`(?<=comm )0x…`) stays allowed.
 */
export function backtrackOnly(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const n = pattern[i + 1] ?? "";
      if (!inClass && (/[1-9]/.test(n) || (n === "k" && pattern[i + 2] === "<"))) return "backreferences";
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") inClass = true;
    else if (c === "(" && pattern[i + 1] === "?" && (pattern[i + 2] === "=" || pattern[i + 2] === "!" || (pattern[i + 2] === "<" && (pattern[i + 3] === "=" || pattern[i + 3] === "!")))) {
      if (repeatsInside(pattern, i + (pattern[i + 2] === "<" ? 4 : 3))) return "lookarounds with a repetition inside";
    }
  }
  return null;
}

/** Does the group whose body starts at `from` hold a quantifier (`*`, `+`, `?`, `{`) before its closing `)`? */
function repeatsInside(pattern: string, from: number): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = from; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") inClass = true;
    else if (c === "(") {
      depth++;
      if (pattern[i + 1] === "?") i++;
    } else if (c === ")") {
      if (depth-- === 0) return false;
    } else if (c === "*" || c === "+" || c === "?" || c === "{") return true;
  }
  return false;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "unknown problem";
  const where = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
  return `${where}: ${issue.message}`;
}
