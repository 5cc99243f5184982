import type { Evidence } from "../../model.js";
import type { Rule, RuleContext, FindingDraft } from "../types.js";
import { docsPath } from "../types.js";
import { findHits, uniqueEvidence } from "../helpers.js";

export const meta = {
  id: "cluster/version-mismatch",
  defaultSeverity: "warning",
  title: "Different versions across nodes or ranks",
  tags: ["cluster", "multi-node", "versions"],
  docs: docsPath("cluster/version-mismatch"),
  sources: ["vLLM docs: serving/parallelism_scaling (Container consistency: identical images on all nodes)", "NCCL source: src/init.cc (Mismatched NCCL version detected, 2.23.4+)"],
} satisfies Rule["meta"];

const KINDS: { name: string; re: RegExp }[] = [
  { name: "NCCL", re: /(?:^|[\s\]>])NCCL version (\d+\.\d+\.\d+)/ },
  { name: "vLLM's NCCL", re: /vLLM is using nccl==(\d+\.\d+\.\d+)/ },
  { name: "vLLM", re: /vLLM API server version (\S+)|Initializing an? (?:V[01] )?LLM engine \(v([^)]+)\)|vLLM version (\S+)/ },
  { name: "torch", re: /torch(?:==| version )(\d+\.\d+\.\d+\S*)/ },
  { name: "CUDA", re: /\bCUDA (?:Version|version) (\d+\.\d+)/ },
];

export function check(ctx: RuleContext): FindingDraft[] {
  const explicit = findHits(ctx.events, /Mismatched NCCL version detected : rank (\d+) version (\d+) rank (\d+) version (\d+)/).filter((h) => h.match[2] !== h.match[4]);
  const found: { what: string; versions: string; evidence: Evidence[] }[] = [];
  if (explicit.length) {
    const m = explicit[0].match;
    found.push({ what: "NCCL", versions: `rank ${m[1]} has ${decode(m[2])}, rank ${m[3]} has ${decode(m[4])}`, evidence: explicit.map((h) => h.ev) });
  }
  for (const k of KINDS) {
    const byNode = new Map<string, { version: string; ev: Evidence }>();
    for (const h of findHits(ctx.events, k.re)) {
      const version = (h.match[1] ?? h.match[2] ?? h.match[3]).replace(/\+.*$/, "");
      const o = h.event.origin ?? {};
      const node = o.ip ?? o.host ?? nodeOfNcclLine(h.text) ?? `rank ${o.rank ?? "?"}`;
      const key = `${node}\u0000${version}`;
      if (!byNode.has(key)) byNode.set(key, { version, ev: h.ev });
    }
    const versions = new Map<string, { nodes: string[]; ev: Evidence }>();
    for (const [key, v] of byNode) {
      const node = key.split("\u0000")[0];
      const cur = versions.get(v.version);
      if (cur) cur.nodes.push(node);
      else versions.set(v.version, { nodes: [node], ev: v.ev });
    }
    if (versions.size > 1 && !(k.name === "NCCL" && explicit.length)) {
      found.push({ what: k.name, versions: [...versions.entries()].map(([v, x]) => `${v} on ${x.nodes.slice(0, 3).join(", ")}`).join("; "), evidence: [...versions.values()].map((x) => x.ev) });
    }
  }
  const rankVersions = new Set(ctx.facts.nccl.rankMap.map((r) => r.ncclVersion).filter(Boolean));
  if (rankVersions.size > 1 && !found.some((f) => f.what === "NCCL")) found.push({ what: "NCCL", versions: [...rankVersions].join(", "), evidence: [] });
  if (!found.length) return [];
  return [{
    message: `The processes do not run the same software: ${found.map((f) => `${f.what} ${f.versions}`).join(". ")}. Mixed versions cause hangs, 'internal error', wrong-magic socket errors or silent differences.`,
    evidence: uniqueEvidence(found.flatMap((f) => f.evidence)),
    remediation: [
      "Run the identical container image on every node (compare image digests, e.g. `docker inspect --format '{{.RepoDigests}}'`).",
      "Check for a second NCCL on LD_LIBRARY_PATH / LD_PRELOAD or a pip nvidia-nccl-cu12 that differs from the one torch was built with (`python -c 'import torch; print(torch.cuda.nccl.version())'`).",
      "Pre-install the same vLLM and torch wheels everywhere; with Ray, start every node from the same environment.",
    ],
  }];
}

function decode(code: string): string {
  const n = Number(code);
  return n >= 10000 ? `${Math.floor(n / 10000)}.${Math.floor((n % 10000) / 100)}.${n % 100}` : code;
}

function nodeOfNcclLine(text: string): string | null {
  const m = /(?:^|\s)([\w.-]+):\d+:\d+ \[\d+\]/.exec(text);
  return m ? m[1] : null;
}

export const rule: Rule = { meta, check };
