import type { FindingDraft, RuleContext } from "../types.js";
import { fmt, hitEvidence, uniqueEvidence } from "../helpers.js";
import { sourceOf } from "./common.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "runtime/client-errors",
  defaultSeverity: "warning",
  title: "Requests answered with HTTP errors",
  tags: ["runtime", "http", "clients"],
  sources: [
    "uvicorn access log: `INFO:     ip:port - \"POST /v1/chat/completions HTTP/1.1\" 404 Not Found`",
    "vllm/entrypoints/openai/serving_engine.py: `The model `x` does not exist.` (NotFoundError, 404)",
    "vllm/entrypoints/openai/serving_chat.py, serving_completion.py: `Error in preprocessing prompt inputs` (a request refused with 400: serving_engine.py `_validate_input`, `This model's maximum context length is ...`)",
  ],
} satisfies RuleSpec;

/** 4xx responses below this share of all responses (and no unknown model) are reported as info */
export const MINOR_4XX_SHARE = 0.01;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const r = facts.runtime;
  const rejected = rejectedRequests(ctx);
  if (!r) return rejected;
  const http = r.http ?? { "2xx": 0, "4xx": 0, "5xx": 0 };
  const models = r.unknownModels ?? {};
  const unknown = Object.entries(models);
  if (http["4xx"] === 0 && http["5xx"] === 0 && unknown.length === 0) return rejected;
  const total = Object.values(r.httpStatus ?? {}).reduce((a, b) => a + b, 0);
  const codes = Object.entries(r.httpStatus ?? {}).filter(([c]) => Number(c) >= 400).map(([c, n]) => `${fmt(n, 0)} × ${c}`).join(", ");
  const served = facts.config.servedModelName ?? facts.config.model;
  const out: FindingDraft[] = [];
  if (http["5xx"] > 0) {
    out.push({
      title: "Requests failed with server errors (HTTP 5xx)",
      severity: "error",
      message: `${fmt(http["5xx"], 0)} of ${fmt(total, 0)} responses were server errors (${codes}). A 5xx is the server failing a valid request: the engine died or timed out, or a request crashed it.${facts.firstError ? ` The first error line is line ${facts.firstError.line}.` : ""}`,
      evidence: uniqueEvidence([sourceOf(facts, "runtime.http.5xx"), facts.firstError]),
      remediation: [
        "Read the ERROR lines and tracebacks around the first 5xx (the first error is in the evidence): an EngineDeadError or a worker crash makes every later request fail until the server restarts.",
        "Restart the server if the engine is dead, and put a liveness probe on /health so the orchestrator does it.",
      ],
    });
  }
  if (http["4xx"] > 0 || unknown.length > 0) {
    const names = unknown.map(([m, n]) => `\`${m}\` (${fmt(n, 0)})`).join(", ");
    const minor = unknown.length === 0 && total > 0 && http["4xx"] / total < MINOR_4XX_SHARE;
    const why = unknown.length
      ? ` Clients asked for model${unknown.length > 1 ? "s" : ""} ${names} that the server does not serve${served ? `; it serves \`${served}\`` : ""}: those are 404 NotFoundError answers.`
      : " A 4xx is the server rejecting a request: a wrong path or model name (404), a prompt longer than max_model_len or bad parameters (400), or a missing API key (401).";
    out.push({
      title: unknown.length ? "Clients requested a model the server does not serve (HTTP 404)" : "Requests rejected with client errors (HTTP 4xx)",
      severity: minor ? "info" : "warning",
      message: `${http["4xx"] > 0 ? `${fmt(http["4xx"], 0)} of ${fmt(total, 0)} responses were client errors (${codes}).` : `${fmt(unknown.reduce((a, [, n]) => a + n, 0), 0)} requests named an unknown model.`}${why}`,
      evidence: uniqueEvidence([sourceOf(facts, "runtime.unknownModels"), sourceOf(facts, "runtime.http.4xx")]),
      remediation: unknown.length
        ? [
            `Make the clients send "model": "${served ?? "<the served name>"}" (GET /v1/models lists what the server serves).`,
            `Or serve the names they use as aliases: --served-model-name ${served ?? "<name>"} ${unknown.map(([m]) => m).slice(0, 3).join(" ")} (every name given is accepted).`,
          ]
        : [
            "Read the response bodies on the client side (or run with --enable-log-requests / uvicorn access logs) to see which requests fail and why.",
            "Check the endpoint paths and the model name the clients use against GET /v1/models, and prompt lengths against max_model_len.",
          ],
    });
  }
  return [...out, ...rejected];
}

/**
 * Requests the OpenAI server refused before they reached the engine (a 400 to the client, the server serving on): vLLM
 * logs them at ERROR with a traceback, which is no failure of the server.
 */
function rejectedRequests(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.requestRejected"]);
  if (!hits.length) return [];
  const max = firstValue(hits, "max");
  const requested = firstValue(hits, "requested");
  // (one request's record head and its exception line are two lines; the heads count the requests)
  const heads = hits.filter((h) => h.captures.recordHead !== undefined).length;
  const why = max && requested
    ? ` The prompt and the completion asked for ${requested} tokens, more than the served max_model_len of ${max}.`
    : " Its traceback, right below the line, says why (a prompt longer than max_model_len, a chat template or a multi-modal input it could not render).";
  return [{
    title: "Requests rejected before they reached the engine (HTTP 400)",
    severity: "warning",
    message: `The server refused ${heads > 1 ? `${fmt(heads, 0)} requests` : "a request"} while preparing the prompt and answered 400; it went on serving.${why}`,
    evidence: hitEvidence(hits),
    remediation: [
      max
        ? `Make the clients keep the prompt plus max_tokens within ${max} tokens (truncate the history, lower max_tokens), or serve with a larger --max-model-len if the model and the KV cache allow it.`
        : "Read the exception under `Error in preprocessing prompt inputs`: it names what the request got wrong; the client received it as the 400's message.",
      "These lines are logged at ERROR with a traceback, but the engine is fine: alert on 5xx answers and engine errors, not on them.",
    ],
  }];
}

export const rule = defineRule(meta, check);
