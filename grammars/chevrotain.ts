import * as chevrotain from "chevrotain";

/*
 * chevrotain, imported without a top-level await (so that the CommonJS build of the library can be loaded with
 * `require`). Its multi-file ESM build costs several hundred milliseconds of module loading at every start, so
 * the bundles (scripts/bundle.mjs) and the tests (vitest.config.ts) resolve "chevrotain" to the single-file
 * build its package ships, chevrotain.min.mjs.
 */
type Chevrotain = typeof import("chevrotain");

export const createToken: Chevrotain["createToken"] = chevrotain.createToken;
export const Lexer: Chevrotain["Lexer"] = chevrotain.Lexer;
export type Lexer = import("chevrotain").Lexer;
export const CstParser: Chevrotain["CstParser"] = chevrotain.CstParser;
export type CstParser = import("chevrotain").CstParser;
export const EmbeddedActionsParser: Chevrotain["EmbeddedActionsParser"] = chevrotain.EmbeddedActionsParser;
export type EmbeddedActionsParser = import("chevrotain").EmbeddedActionsParser;
export type { CstNode, IToken, TokenType } from "chevrotain";
type AnyTokenType = import("chevrotain").TokenType;

/**
 * chevrotain's checks of a lexer's patterns and a parser's grammar find mistakes in our grammars, never in
 * logs, and cost milliseconds at every start: they run under the tests (and with
 * VLLM_DOCTOR_CHECK_GRAMMARS=1) and are skipped otherwise, as chevrotain's documentation suggests.
 */
const checkGrammars = process.env.VITEST !== undefined || process.env.VLLM_DOCTOR_CHECK_GRAMMARS === "1";

/** The options every lexer is built with. */
export const LEXER_OPTIONS = { positionTracking: "onlyOffset", ensureOptimizations: false, skipValidations: !checkGrammars } as const;

/** The options every parser is built with; grammars add their own (`maxLookahead`). */
export const PARSER_OPTIONS = { recoveryEnabled: false, skipValidations: !checkGrammars } as const;

/**
 * A lexer or parser built on its first use and kept from then on: once per process, never per line, and
 * never for a log that does not need it (building all of them at start-up costs tens of milliseconds).
 */
export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/**
 * The deepest bracket nesting a grammar reads. chevrotain's rules recurse, so a crafted line of thousands of
 * nested brackets would overflow the stack. A grammar entry point checks the nesting of its tokens first
 * (`tooDeep`) and reads a deeper text as nothing; the line reader sees the count go up (`tooDeepCount`) and
 * names the line in a notice. Real config dumps nest a few levels.
 */
export const MAX_NESTING = 64;

let tooDeepSeen = 0;

/** How many texts the grammars refused as nested deeper than `MAX_NESTING` so far (on this thread). */
export function tooDeepCount(): number {
  return tooDeepSeen;
}

/** True (and counted) when the bracket tokens in `tokens` (openers / closers by type) nest deeper than `MAX_NESTING`. */
export function tooDeep(tokens: readonly { tokenType: AnyTokenType }[], openers: ReadonlySet<AnyTokenType>, closers: ReadonlySet<AnyTokenType>): boolean {
  let depth = 0;
  for (const t of tokens) {
    if (openers.has(t.tokenType)) {
      if (++depth > MAX_NESTING) {
        tooDeepSeen++;
        return true;
      }
    } else if (closers.has(t.tokenType) && depth > 0) depth--;
  }
  return false;
}
