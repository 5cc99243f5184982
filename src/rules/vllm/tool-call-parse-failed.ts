import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/tool-call-parse-failed",
  defaultSeverity: "warning",
  title: "Tool calling: the tool-call parser could not read the model's tool call",
  tags: ["vllm", "tool-calling", "serving"],
  sources: [
    "vLLM docs: features/tool_calling.md (--enable-auto-tool-choice, --tool-call-parser and the parser for each model family)",
    "vLLM source: the tool parsers' extract_tool_calls / extract_tool_calls_streaming ('Error in extracting tool call from response.', 'Error trying to handle streaming tool call.'), which then return the text as content",
  ],
} satisfies RuleSpec;

/** model families whose tool-call format vLLM's tool-calling docs give a parser of its own (name as the model path spells it) */
const FAMILY_PARSERS: readonly [RegExp, string][] = [
  [/qwen3[-_.]?coder/i, "qwen3_coder"],
  [/glm-?4\.[5-9]/i, "glm45"],
  [/deepseek-?v3\.1/i, "deepseek_v31"],
  // (not the R1 distills: Qwen and Llama models that write their own families' format)
  [/deepseek-?(?:v3(?!\.)|r1(?!-distill))/i, "deepseek_v3"],
  [/kimi-?k2/i, "kimi_k2"],
  [/llama-?4/i, "llama4_pythonic"],
  [/llama-?3\.[123]/i, "llama3_json"],
  [/(?:^|[/_-])(?:mistral|ministral|devstral|magistral)/i, "mistral"],
  [/internlm2/i, "internlm"],
];

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.toolCallParseFailed"]);
  if (!hits.length) return [];
  const parser = firstValue(hits, "parser");
  const count = ctx.signals["vllm.toolCallParseFailed"]?.count ?? hits.length;
  const streaming = hits.some((h) => h.captures.streaming !== undefined);
  const whole = hits.some((h) => h.captures.streaming === undefined);
  const model = ctx.facts.config.model;
  const family = model ? FAMILY_PARSERS.find(([re]) => re.test(model))?.[1] : undefined;
  const other = family && parser && family !== parser ? family : undefined;
  const what = count === 1 ? (streaming ? "a streamed chunk" : "a response") : streaming && !whole ? "streamed chunks" : streaming ? "responses and streamed chunks" : "responses";
  const remediation: string[] = [];
  if (other) remediation.push(`The model (${model}) writes its tool calls in the format vLLM's \`${other}\` parser reads, not \`${parser}\`'s: start with --tool-call-parser ${other} (vLLM's tool-calling docs list the parser for each model family).`);
  else remediation.push(`Check that --tool-call-parser${parser ? ` (here \`${parser}\`)` : ""} is the one vLLM's tool-calling docs give for this model family, and that the chat template is the model's own or the tool-call template the docs name for it: a parser reads one format only.`);
  remediation.push(
    "Read the exception under the record (a JSONDecodeError means the model wrote the call in the expected tags but with malformed JSON): the model's recommended sampling settings (a lower temperature) make malformed calls rarer, and a newer vLLM carries fixes to several parsers.",
    "The client sees those calls as plain text in `content` with an empty `tool_calls`: an agent that only reads `tool_calls` stops or loops there.",
  );
  return [{
    message: `The ${parser ? `\`${parser}\` ` : ""}tool-call parser could not read the tool call in the model's output (${count === 1 ? `once, in ${what}` : `${count} times, in ${what}`}): vLLM answered ${count === 1 ? "it" : "those"} with the model's text as content and no tool_calls. The server itself went on.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
