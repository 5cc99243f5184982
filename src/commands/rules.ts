import type { Command } from "commander";
import { allRuleMetas } from "../rules/index.js";
import { docsUrl } from "../rules/types.js";
import { relationOf } from "../rules/order.js";
import { UsageError } from "../util/errors.js";
import { writeOutput } from "../util/output.js";

interface RulesCliOptions {
  format: string;
  config?: string;
}

/** `vllm-doctor rules`: every rule id with its severity (after configuration), tags and title. */
export function registerRules(program: Command): void {
  program
    .command("rules")
    .description("list the rules: id, severity, tags and title")
    .option("-f, --format <format>", "output format: text, json", "text")
    .option("--config <file>", "rule configuration (default: the nearest .vllm-doctor.json in this folder or above)")
    .action(async (opts: RulesCliOptions) => {
      if (opts.format !== "text" && opts.format !== "json") throw new UsageError(`unknown format '${opts.format}'; choose one of text, json`);
      const { loadConfig } = await import("../config/load.js");
      const { config } = loadConfig(opts.config);
      const rows = allRuleMetas().map((m) => ({
        id: m.id,
        severity: config.rules?.[m.id] ?? m.defaultSeverity,
        defaultSeverity: m.defaultSeverity,
        tags: m.tags,
        title: m.title,
        docs: m.docs,
        docsUrl: docsUrl(m.docs) as string | undefined,
        sources: m.sources,
        // where the rule sits in cause order, what may cause it, which programs' logs it applies to (docs/rules/ordering.md)
        ...relationOf(m.id, m),
      }));
      for (const u of config.userRules ?? []) rows.push({ id: u.id, severity: u.severity, defaultSeverity: u.severity, tags: ["user"], title: u.title, docs: "docs/configuration.md", docsUrl: u.docs, sources: [], ...relationOf(u.id) });
      if (opts.format === "json") return writeOutput(undefined, JSON.stringify(rows, null, 2) + "\n");
      const idW = Math.max(...rows.map((r) => r.id.length));
      const tagW = Math.max(...rows.map((r) => r.tags.join(",").length));
      const lines = rows.map((r) => `${r.id.padEnd(idW)}  ${r.severity.padEnd(7)}  ${r.tags.join(",").padEnd(tagW)}  ${r.title}`);
      await writeOutput(undefined, lines.join("\n") + "\n");
    });
}
