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

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  // the weights loaded, the KV cache was sized or the server came up: whatever failed before did not stop the run
  const loaded = facts.memory.modelWeightsGiB !== null || facts.kvCache.tokens !== null || (facts.kvCache.gpuBlocks ?? 0) > 0 || facts.server.ready;
  // huggingface_hub / urllib3 retrying a request (the signature's `retry`): a failure only if the download never completes
  const soft = (h: Hit) => h.captures.level === "warning" || h.captures.retry !== undefined;
  let hits = signalHits(ctx, ["vllm.modelDownload"]);
  if (loaded) hits = hits.filter((h) => !soft(h));
  const hubTracebacks = (ctx.facts.tracebacks?.list ?? []).filter((t) => t.libraries.hub);
  if (!hits.length && !hubTracebacks.length) return [];
  const severity = loaded || (hits.length > 0 && hits.every(soft) && !hubTracebacks.length) ? ("warning" as const) : undefined;
  // the repository the failing request names, when the log does not state the model
  const model = ctx.facts.config.model ?? hits.map((h) => h.captures.repo).find((m) => m && m !== "api/models") ?? null;
  const multi = multiNodeEvidence(ctx);
  const said = (k: string) => hits.some((h) => h.captures[k] !== undefined);
  const auth = said("auth");
  const notFound = said("notFound");
  const offline = said("offline");
  const cache = said("cache");
  // vLLM's own words: no weight files, or no config, under the name it was given (a hub id it could not fetch, or a folder)
  const unlocated = said("unlocated");
  const what = auth ? "access was denied (gated or private repository, or a missing token)" : notFound ? "the repository, revision or file does not exist" : unlocated ? "no config or weight files were found under the name it was given (neither a hub repository it could fetch nor a folder holding them)" : cache ? "the Hugging Face cache folder it was pointed at does not exist" : offline ? "the hub could not be reached and no local copy was found" : "the download failed";
  const remediation: string[] = [];
  if (auth) remediation.push("Accept the model's licence on its Hugging Face page and export HF_TOKEN (with read access) in every process and node that loads it.");
  if (notFound || unlocated) remediation.push(`Check the model id${model ? ` '${model}'` : ""} and --revision / --tokenizer for typos, or pass a local path.`);
  if (unlocated) remediation.push("A local folder must hold the model's config.json and its weight files in the format --load-format expects (*.safetensors, or *.bin / *.pt with --load-format pt); check the path exists in this container or node.");
  if (cache) remediation.push("Point HF_HUB_CACHE / HF_HOME (or --download-dir) at a folder that exists in this container or node, e.g. the mounted cache, or create it.");
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
