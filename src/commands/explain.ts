import type { Command } from "commander";
import { findRule } from "../rules/index.js";
import { UsageError } from "../util/errors.js";
import { writeOutput } from "../util/output.js";

/** `vllm-doctor explain <id>`: prints the rule's documentation page. */
export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("print the documentation of a rule (see `vllm-doctor rules` for the ids)")
    .argument("<id>", "rule id, e.g. nccl/socket-fallback")
    .action(async (id: string) => {
      const meta = findRule(id);
      if (!meta) throw new UsageError(`unknown rule id '${id}'; run \`vllm-doctor rules\` for the list`);
      const { readRuleDoc } = await import("../rules/docs.js");
      const doc = readRuleDoc(meta.docs);
      if (doc === null) throw new Error(`the documentation page ${meta.docs} is missing from this installation`);
      await writeOutput(undefined, doc.endsWith("\n") ? doc : doc + "\n");
    });
}
