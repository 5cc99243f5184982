import type { Evidence } from "../../model.js";
import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence, uniqueEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { normalizeVersion, type VersionOf } from "../../facts/versions.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "cluster/version-mismatch",
  defaultSeverity: "warning",
  title: "Different versions across nodes or ranks",
  tags: ["cluster", "multi-node", "versions"],
  sources: ["vLLM docs: serving/parallelism_scaling (Container consistency: identical images on all nodes)", "NCCL source: src/init.cc (Mismatched NCCL version detected, 2.23.4+)", "Ray source: check_version_info in python/ray/_private/node.py, later _private/utils.py ('Version mismatch: The cluster was started with')"],
} satisfies RuleSpec;

const KINDS: readonly VersionOf[] = ["NCCL", "vLLM's NCCL", "vLLM", "torch", "CUDA"];

interface Found {
  what: string;
  versions: string;
  evidence: Evidence[];
}

export function check(ctx: RuleContext): FindingDraft[] {
  const explicit = signalHits(ctx, ["nccl.versionMismatch"]).filter((h) => h.captures.versionA !== undefined && h.captures.versionA !== h.captures.versionB);
  const found: Found[] = [];
  if (explicit.length) {
    const g = explicit[0].captures;
    found.push({ what: "NCCL", versions: `rank ${g.rankA} has ${decode(g.versionA)}, rank ${g.rankB} has ${decode(g.versionB)}`, evidence: explicit.map((h) => h.ev) });
  }
  // Ray's own check of a process joining its cluster: the Ray or Python version (minor; patch only in its warning form)
  // the cluster was started with differs from this process's; the lines after the header name both
  const ray = signalHits(ctx, ["vllm.rayVersionMismatch"]);
  const rayRefused = ray.some((h) => h.captures.patch === undefined);
  if (ray.length) {
    found.push({
      what: "Ray/Python",
      versions: rayRefused
        ? "differ between the Ray cluster and a process joining it: Ray refused the process (the lines after Ray's message name both versions)"
        : "differ in Python's patch version between the Ray cluster and a process joining it (Ray only warns)",
      evidence: hitEvidence(ray),
    });
  }
  const manyInputs = ctx.state.inputs.length > 1;
  const seen = ctx.facts.versions?.seen ?? [];
  const runtime = new Map<string, Evidence>();
  for (const what of KINDS) {
    const byNode = new Map<string, { version: string; ev: Evidence }>();
    for (const v of seen) {
      if (v.what !== what) continue;
      if (what === "NCCL" || what === "vLLM's NCCL") if (!runtime.has(v.version)) runtime.set(v.version, v.evidence);
      const node = v.node ?? (v.rank !== null || !manyInputs ? `rank ${v.rank ?? "?"}` : basename(v.evidence.file));
      const key = `${node}\u0000${v.version}`;
      if (!byNode.has(key)) byNode.set(key, { version: v.version, ev: v.evidence });
    }
    const versions = new Map<string, { nodes: string[]; ev: Evidence }>();
    for (const [key, v] of byNode) {
      const node = key.split("\u0000")[0];
      const cur = versions.get(v.version);
      if (cur) cur.nodes.push(node);
      else versions.set(v.version, { nodes: [node], ev: v.ev });
    }
    // one process or host printing two torch or CUDA versions usually means two things (driver vs toolkit, build vs runtime)
    const nodes = new Set([...byNode.keys()].map((key) => key.split("\u0000")[0]));
    const acrossNodes = nodes.size > 1 || what === "NCCL" || what === "vLLM's NCCL";
    if (versions.size > 1 && acrossNodes && !(what === "NCCL" && explicit.length)) {
      found.push({ what, versions: [...versions.entries()].map(([v, x]) => `${v} on ${x.nodes.slice(0, 3).join(", ")}`).join("; "), evidence: [...versions.values()].map((x) => x.ev) });
    }
  }
  const rankVersions = new Map<string, number[]>();
  for (const r of ctx.facts.nccl.rankMap) if (r.ncclVersion) rankVersions.set(normalizeVersion(r.ncclVersion), [...(rankVersions.get(normalizeVersion(r.ncclVersion)) ?? []), r.rank]);
  if (rankVersions.size > 1 && !found.some((f) => f.what === "NCCL")) {
    found.push({ what: "NCCL", versions: [...rankVersions.entries()].map(([v, ranks]) => `${v} on rank${ranks.length > 1 ? "s" : ""} ${ranks.slice(0, 4).join(", ")}`).join("; "), evidence: [] });
  }
  const image = imageVersusRuntime(ctx, runtime);
  if (!found.length && !image.length) return [];
  const parts: string[] = [];
  if (found.length) parts.push(`The processes do not run the same software: ${found.map((f) => `${f.what} ${f.versions}`).join(". ")}. Mixed versions cause hangs, 'internal error', wrong-magic socket errors or silent differences.`);
  for (const i of image) parts.push(i.message);
  const remediation = [
    "Run the identical container image on every node (compare image digests, e.g. `docker inspect --format '{{.RepoDigests}}'`).",
    "Check for a second NCCL on LD_LIBRARY_PATH / LD_PRELOAD or a pip nvidia-nccl-cu12 that differs from the one torch was built with (`python -c 'import torch; print(torch.cuda.nccl.version())'`).",
    "Pre-install the same vLLM and torch wheels everywhere; with Ray, start every node from the same environment.",
  ];
  for (const i of image) remediation.splice(i.what === "NCCL" ? 1 : remediation.length, 0, i.remediation);
  if (ray.length) remediation.unshift("Install the Ray and Python versions of the cluster's head in the process that failed (`ray --version`, `python --version` on both sides): Ray compares its own version and Python's minor version (patch too, by default) when a node, driver or client joins; on Kubernetes use the same image tag for the head, the workers and the job.");
  return [{
    ...(rayRefused ? { severity: "error" as const } : {}),
    message: parts.join(" "),
    evidence: uniqueEvidence([...found.flatMap((f) => f.evidence), ...image.flatMap((i) => i.evidence)]),
    remediation,
  }];
}

/**
 * The version the image's environment declares (`NCCL_VERSION=2.15.5-1`, `VLLM_VERSION=...`) against the one the
 * processes report at run time (`NCCL version 2.19.3`, `vLLM API server version ...`).
 */
function imageVersusRuntime(ctx: RuleContext, ncclRuntime: Map<string, Evidence>): { what: string; message: string; remediation: string; evidence: Evidence[] }[] {
  const out: { what: string; message: string; remediation: string; evidence: Evidence[] }[] = [];
  const declared = (names: RegExp) => {
    const d = (ctx.facts.versions?.declared ?? []).find((x) => names.test(x.name));
    return d ? { name: d.name, version: d.version, ev: d.evidence } : null;
  };
  // the pip wheel torch loads its NCCL from, when listed, before the image's own libnccl (a CUDA base image's
  // NCCL_VERSION, which a pip-installed torch does not use: vllm/vllm-openai sets one and runs the wheel's); a version a
  // listed wheel provides is no other library first on the path (vLLM 0.4's vllm-nccl-cu12 2.18.1 beside torch's)
  const wheels = (ctx.facts.versions?.declared ?? []).filter((x) => /^(?:nvidia|vllm)-nccl-cu\d+$/.test(x.name));
  const nccl = declared(/^nvidia-nccl-cu\d+$/) ?? declared(/^(?:NCCL_VERSION|NV_LIBNCCL_PACKAGE_VERSION|NV_LIBNCCL_DEV_PACKAGE_VERSION)$/) ?? declared(/^vllm-nccl-cu\d+$/);
  if (nccl && ncclRuntime.size) {
    const other = [...ncclRuntime.entries()].filter(([v]) => !sameVersion(v, nccl.version) && !wheels.some((w) => sameVersion(v, w.version)));
    if (other.length) {
      const [v, ev] = other[0];
      out.push({
        what: "NCCL",
        message: nccl.name.includes("-nccl-cu")
          ? `The installed wheel ${nccl.name} is NCCL ${nccl.version} (line ${nccl.ev.line}) but the process loaded NCCL ${v} (line ${ev.line}): another libnccl comes first on the library path.`
          : `The image declares NCCL ${nccl.version} (${nccl.name}, line ${nccl.ev.line}) but the process loaded NCCL ${v} (line ${ev.line}): the NCCL in use is not the image's own.`,
        remediation: `Decide which NCCL should run: the image's libnccl ${nccl.version} or the ${v} that was loaded (usually the pip wheel nvidia-nccl-cu12 that torch depends on, or one on LD_LIBRARY_PATH / VLLM_NCCL_SO_PATH); make every node load the same one, and check it with \`python -c 'import torch; print(torch.cuda.nccl.version())'\`.`,
        evidence: [nccl.ev, ev],
      });
    }
  }
  const vllm = declared(/^VLLM_VERSION$/);
  const running = ctx.facts.vllm.version;
  if (vllm && running && !sameVersion(running.replace(/\+.*$/, ""), vllm.version)) {
    const ev = ctx.facts.sources["vllm.version"];
    out.push({
      what: "vLLM",
      message: `The image declares vLLM ${vllm.version} (${vllm.name}, line ${vllm.ev.line}) but the server reports vLLM ${running}${ev ? ` (line ${ev.line})` : ""}.`,
      remediation: `Install vLLM ${vllm.version} as the image intends, or rebuild the image for ${running}; a second vLLM installed over the image's one mixes compiled kernels and Python code.`,
      evidence: [vllm.ev, ...(ev ? [ev] : [])],
    });
  }
  return out;
}

/** 2.15.5 and 2.15.5-1 and 2.15 are the same release for this purpose. */
function sameVersion(a: string, b: string): boolean {
  const pa = a.split(/[.-]/).slice(0, 3);
  const pb = b.split(/[.-]/).slice(0, 3);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) if (Number(pa[i]) !== Number(pb[i])) return false;
  return true;
}

function basename(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

function decode(code: string): string {
  const n = Number(code);
  return n >= 10000 ? `${Math.floor(n / 10000)}.${Math.floor((n % 10000) / 100)}.${n % 100}` : code;
}

export const rule = defineRule(meta, check);
