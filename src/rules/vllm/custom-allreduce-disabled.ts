import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { planAdvice } from "./context.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/custom-allreduce-disabled",
  defaultSeverity: "warning",
  title: "Custom all-reduce is off: tensor-parallel all-reduce goes through NCCL",
  tags: ["vllm", "performance", "tensor-parallel", "topology"],
  sources: [
    "vLLM docs: serving/parallelism_scaling (pipeline parallelism for GPUs without NVLink, e.g. L40S)",
    "vLLM source: vllm/distributed/device_communicators/custom_all_reduce.py",
  ],
} satisfies RuleSpec;

/** vLLM's warnings (`Custom allreduce is disabled because ...`, `Disabled the custom all-reduce ...`) and launcher status lines (`custom all-reduce OFF`). */

type Why = "pcie" | "world-size" | "multi-node" | "platform" | "unknown";

/** What a disabling line says about the cause. */
function whyOf(h: { captures: Record<string, string> }): Why {
  const said = (k: string) => h.captures[k] !== undefined;
  return said("pcie") ? "pcie" : said("worldSize") ? "world-size" : said("multiNode") ? "multi-node" : said("platform") ? "platform" : "unknown";
}

export function check(ctx: RuleContext): FindingDraft[] {
  // vLLM ≤0.3 also warned at world size 1 (`unsupported world size: 1`), where there is no all-reduce to speed up
  // (removed by vllm-project/vllm#2674): that warning says nothing about the GPUs' links
  const hits = signalHits(ctx, ["vllm.customAllreduceDisabled"]).filter((h) => h.captures.size !== "1");
  if (!hits.length) return [];
  const { facts } = ctx;
  // (`due to an unsupported world size: 3. Supported world sizes: [2, 4, 6, 8]` reads as the size and the sizes it takes)
  const reasonOf = (h: (typeof hits)[number]): string | undefined =>
    h.captures.size !== undefined ? `world size ${h.captures.size} is not one it supports (${h.captures.supported})` : (h.captures["1"] ?? h.captures["2"])?.trim();
  const reasons = [...new Set(hits.map(reasonOf).filter(Boolean))] as string[];
  const whys = new Set(hits.map(whyOf));
  const tp = facts.config.tensorParallelSize;
  const pp = facts.config.pipelineParallelSize ?? 1;
  const gpus = (tp ?? 1) * pp;
  const why = reasons.length ? ` because ${reasons.join("; ")}` : "";
  const advice = planAdvice(facts);
  const remediation: string[] = [];
  if (whys.has("multi-node")) {
    const nodeAdvice = advice.filter((a) => a.includes("spans nodes"));
    remediation.push(...(nodeAdvice.length ? nodeAdvice : ["The tensor-parallel group spans nodes: set --tensor-parallel-size to the GPUs per node and --pipeline-parallel-size to the number of nodes, so all-reduce stays inside a node."]));
  }
  if (whys.has("world-size")) {
    const size = hits.find((h) => h.captures.size !== undefined)?.captures;
    remediation.push(size ? `Tensor parallel size ${size.size} is not one the custom all-reduce supports (${size.supported}); pick one of those sizes if the model divides by it, or accept NCCL's all-reduce.` : "Pick a tensor parallel size the custom all-reduce supports (2, 4, 6 or 8) if the model divides by it.");
  }
  if (whys.has("pcie") || whys.has("unknown") || remediation.length === 0) {
    const nvlinkAdvice = advice.filter((a) => a.includes("no NVLink"));
    remediation.push(
      ...(nvlinkAdvice.length
        ? nvlinkAdvice
        : [`On GPUs without NVLink prefer pipeline parallelism: --tensor-parallel-size 1 --pipeline-parallel-size ${gpus > 1 ? gpus : "<number of GPUs>"} (the vLLM docs advise this for L40S-class GPUs); compare throughput with both layouts.`]),
      "Check the links with `nvidia-smi topo -m` (NV# means NVLink; PIX/PXB/PHB/SYS mean PCIe) and `nvidia-smi topo -p2p r` for P2P support.",
    );
  }
  remediation.push("If the layout is intended, pass --disable-custom-all-reduce to silence the warning.");
  const onlyPlatform = [...whys].every((w) => w === "platform");
  const effect = onlyPlatform
    ? "; this platform has no custom all-reduce kernel, so NCCL (or the platform's library) does every all-reduce, as intended"
    : whys.has("multi-node")
      ? "; the tensor-parallel all-reduce then crosses the network through NCCL"
      : [...whys].every((w) => w === "world-size")
        // the size alone turned it off: the GPUs' links may well be NVLink, so nothing is said of PCIe
        ? "; every layer's all-reduce goes through NCCL instead"
        : `${tp ? `; with tensor parallel size ${tp}` : ";"} every layer's all-reduce goes through NCCL over PCIe, which limits tensor-parallel speed on GPUs without NVLink`;
  return [{
    message: `vLLM's custom all-reduce is off${why}${effect}.`,
    evidence: hitEvidence(hits),
    remediation,
    ...(onlyPlatform ? { severity: "info" as const } : {}),
  }];
}

export const rule = defineRule(meta, check);
