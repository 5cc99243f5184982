import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/bad-cli-args",
  defaultSeverity: "error",
  title: "vLLM's command line was rejected: it exited before starting",
  tags: ["vllm", "config", "startup"],
  sources: [
    "Python docs: argparse (ArgumentParser.error prints the usage and `prog: error: message`, then exits with status 2)",
    "vLLM source: vllm/utils (FlexibleArgumentParser, an ArgumentParser); vLLM docs: cli/serve (the flags of each release)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.badCliArgs"]);
  if (!hits.length) return [];
  const c = hits[0].captures;
  const version = ctx.facts.vllm.version;
  const what = c.unrecognized !== undefined
    ? `${version ? `vLLM (the log shows ${version})` : "this vLLM"} does not know ${c.unrecognized.trim()}`
    : c.flag !== undefined
      ? `${c.flag.trim()}: ${c.problem!.trim()}`
      : c.required !== undefined
        ? `a required argument is missing: ${c.required.trim()}`
        : `an abbreviated flag is ambiguous: ${c.ambiguous!.trim()}`;
  const runs = hits.length > 1 ? ` (${hits.length} starts failed this way)` : "";
  const remediation = [
    c.unrecognized !== undefined
      ? `Check the flags against \`vllm serve --help\` of the installed version${version ? ` (${version})` : ""}: flags are added, renamed and removed between releases; drop the unknown ones or upgrade vLLM to a release that has them.`
      : c.flag !== undefined
        ? `Give ${c.flag.trim()} a value it accepts (\`vllm serve --help\` lists the choices and types of this version).`
        : c.required !== undefined
          ? "Name the model: `vllm serve <model>` (or `--model <model>` with the module entry point)."
          : "Spell the flag out in full: argparse accepts a prefix only when one flag starts with it.",
    "A wrapper script or a config file (`--config`, a YAML of arguments) may add flags you did not type: look at the command line the log prints above the error.",
  ];
  // the pooling models' task flag: added in 0.6.4 (`--task embedding`, later `embed`), replaced by `--runner` / `--convert`
  // in 0.10.1 and removed in 0.13, so the unknown flag means either a release too old for it or one that dropped it
  if (c.unrecognized !== undefined && /(?:^|\s)--task(?:[=\s]|$)/.test(c.unrecognized)) remediation.splice(1, 0,
    "`--task` (embed, classify, score, reward) was replaced by `--runner pooling` and `--convert <embed|classify|...>` in vLLM 0.10.1 and removed in 0.13: on a current release drop it (a pooling checkpoint is detected from its architecture) or write `--runner pooling`, with `--convert embed` or `--convert classify` for a generative checkpoint served as a pooling model; releases before 0.6.4 had no such flag.");
  return [{
    message: `${c.prog}'s arguments were rejected${runs}: ${what}. argparse exits with status 2 at this line, before the engine starts.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
