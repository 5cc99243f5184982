import type { FindingDraft, Rule, RuleContext, RuleMeta } from "./types.js";
import { docsPath } from "./types.js";

/** What a rule file states about itself: its metadata without `docs`, which is derived from the id. */
export type RuleSpec = Omit<RuleMeta, "docs">;

const defined = new Map<string, Rule>();

/**
 * A built-in rule: the metadata and check of one `src/rules/<area>/<name>.ts`, with its documentation page
 * (`docs/rules/<area>/<name>.md`) derived from the id. The rule registers itself; `src/rules/all.ts` (generated
 * by scripts/rules-index.mjs at build time from the files that call this) imports every rule file in a fixed
 * order, so a new rule is its file, its doc page and its test, with no list to edit.
 */
export function defineRule(spec: RuleSpec, check: (ctx: RuleContext) => FindingDraft[]): Rule {
  const prior = defined.get(spec.id);
  if (prior) throw new Error(`rule ${spec.id} is defined twice`);
  const rule: Rule = { meta: { ...spec, docs: docsPath(spec.id) }, check };
  defined.set(spec.id, rule);
  return rule;
}

/** Every rule defined so far (the rule files imported), by id. */
export function definedRules(): ReadonlyMap<string, Rule> {
  return defined;
}
