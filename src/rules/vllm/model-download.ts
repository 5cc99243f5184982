import type { RuleContext, FindingDraft } from "../types.js";
import { multiNodeEvidence, uniqueEvidence } from "../helpers.js";
import { signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/model-download",
  defaultSeverity: "error",
  title: "The model or tokenizer could not be downloaded or found",
  tags: ["vllm", "model", "startup", "network"],
  sources: [
    "vLLM docs: usage/troubleshooting.md (Hangs downloading a model)",
    "vLLM docs: serving/parallelism_scaling (Pre-download models on all nodes to avoid concurrent download issues)",
  ],
} satisfies RuleSpec;

/** huggingface_hub / urllib3 retrying a request: a failure only if the download never completes. */
const RETRY = /Retrying in \d|\[Retry \d+\/\d+\]|Retry\(total=|\bretrying\b|thrown while requesting/i;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  // the weights loaded, the KV cache was sized or the server came up: whatever failed before did not stop the run
  const loaded = facts.memory.modelWeightsGiB !== null || facts.kvCache.tokens !== null || (facts.kvCache.gpuBlocks ?? 0) > 0 || facts.server.ready;
  const soft = (h: Hit) => h.captures.level === "warning" || RETRY.test(h.text);
  let hits = signalHits(ctx, ["vllm.modelDownload"]);
  if (loaded) hits = hits.filter((h) => !soft(h));
  const hubTracebacks = (ctx.facts.tracebacks?.list ?? []).filter((t) => t.libraries.hub);
  if (!hits.length && !hubTracebacks.length) return [];
  const severity = loaded || (hits.length > 0 && hits.every(soft) && !hubTracebacks.length) ? ("warning" as const) : undefined;
  // the repository the failing request names, when the log does not state the model
  const model = ctx.facts.config.model ?? hits.map((h) => /(?:huggingface\.co|hf\.co)\/(?:api\/models\/)?([\w.-]+\/[\w.-]+?)(?:\/|\.git\b|['"\s)]|$)/.exec(h.text)?.[1]).find((m) => m && m !== "api/models") ?? null;
  const multi = multiNodeEvidence(ctx);
  const all = hits.map((h) => h.text).join("\n");
  const auth = /401|403|gated|GatedRepo|token/i.test(all);
  const notFound = /404|RepositoryNotFound|EntryNotFound|RevisionNotFound|not a valid model identifier|does not appear to have|Incorrect path/i.test(all);
  const offline = /OfflineModeIsEnabled|LocalEntryNotFound|couldn't connect|HTTPSConnectionPool|Timeout/i.test(all);
  const what = auth ? "access was denied (gated or private repository, or a missing token)" : notFound ? "the repository, revision or file does not exist" : offline ? "the hub could not be reached and no local copy was found" : "the download failed";
  const remediation: string[] = [];
  if (auth) remediation.push("Accept the model's licence on its Hugging Face page and export HF_TOKEN (with read access) in every process and node that loads it.");
  if (notFound) remediation.push(`Check the model id${model ? ` '${model}'` : ""} and --revision / --tokenizer for typos, or pass a local path.`);
  remediation.push(
    `Download the model once before starting vLLM (\`huggingface-cli download ${model ?? "<model>"}\` or snapshot_download) and pass the local path; this separates download problems from vLLM problems.`,
  );
  if (multi.multi) remediation.push("On several nodes, pre-download to every node (or to shared storage such as NFS/Lustre) instead of letting each node download at once: concurrent downloads of the same model race on the cache and its lock files.");
  if (offline) remediation.push("Behind a proxy or offline, set HF_ENDPOINT (a mirror) or HF_HUB_OFFLINE=1 with a populated cache.");
  return [{
    message: `vLLM could not get the model${model ? ` '${model}'` : ""}: ${what}.${loaded ? " The model loaded afterwards (from a cache or a later attempt), so this did not stop the run." : severity ? " The log shows only retries and ends before the download gave up or finished." : ""}`,
    ...(severity ? { severity } : {}),
    evidence: uniqueEvidence([...hits.map((h) => h.ev), ...hubTracebacks.map((t) => t.evidence)]),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
