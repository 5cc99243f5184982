import type { Command } from "commander";
import { findRule } from "../rules/index.js";
import { UsageError } from "../util/errors.js";
import { writeOutput } from "../util/output.js";

/** `vllm-doctor explain <id>`: prints the rule's documentation page, or a user rule's definition. */
export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("print the documentation of a rule (see `vllm-doctor rules` for the ids)")
    .argument("<id>", "rule id, e.g. nccl/socket-fallback")
    .option("--config <file>", "rule configuration, for user rules (default: the nearest .vllm-doctor.json in this folder or above)")
    .action(async (id: string, opts: { config?: string }) => {
      const meta = findRule(id);
      // (a --config given is read whatever the rule: one that cannot be read is named, never passed over)
      if (opts.config !== undefined) (await import("../config/load.js")).loadConfig(opts.config);
      if (!meta) {
        // `rules` lists the user rules of the configuration: explain knows them too
        const { loadConfig } = await import("../config/load.js");
        const { path, config } = loadConfig(opts.config);
        const user = config.userRules?.find((u) => u.id === id);
        if (!user) throw new UsageError(`unknown rule id '${id}'; run \`vllm-doctor rules\` for the list`);
        const lines = [`# ${user.id}: ${user.title}`, "", `A user rule of ${path} (severity ${user.severity}); see docs/configuration.md, "userRules".`, ""];
        if (user.pattern !== undefined) lines.push(`- fires on a record matching \`${String(user.pattern)}\``);
        if (user.when) lines.push(`- ${user.pattern !== undefined ? "and " : "fires "}when \`${user.when.fact} ${user.when.op}${user.when.value !== undefined ? ` ${JSON.stringify(user.when.value)}` : ""}\``);
        lines.push(`- message: ${user.message}`);
        for (const r of user.remediation) lines.push(`- what to do: ${r}`);
        if (user.docs) lines.push(`- more: ${user.docs}`);
        await writeOutput(undefined, lines.join("\n") + "\n");
        return;
      }
      const { readRuleDoc } = await import("../rules/docs.js");
      const doc = readRuleDoc(meta.docs);
      if (doc === null) throw new Error(`the documentation page ${meta.docs} is missing from this installation`);
      await writeOutput(undefined, doc.endsWith("\n") ? doc : doc + "\n");
    });
}
