import type { FindingDraft, RuleContext } from "../types.js";
import { defineRule, type RuleSpec } from "../define.js";
import { ncclFailureCaptures, ofiGdrAdvice } from "./ofi-advice.js";

export const meta = {
  id: "nccl/net-plugin-fallback",
  defaultSeverity: "warning",
  title: "An NCCL network plugin failed to start; NCCL went on without it",
  tags: ["nccl", "network", "plugin"],
  sources: [
    "NCCL User Guide: env.html NCCL_NET_PLUGIN, NCCL_NET (plugin → IB → Socket order before 2.27)",
    "aws-ofi-nccl README (the plugin needs a libfabric provider such as efa)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const fails = (ctx.facts.recovered ?? []).filter((r) => r.kind === "net-plugin");
  if (!fails.length) return [];
  // the first line that names aws-ofi-nccl, else the first plugin a line names (facts.recovered, src/facts/errors.ts)
  const plugin = fails.find((f) => f.plugin === "aws-ofi-nccl (NET/OFI)")?.plugin ?? fails.find((f) => f.plugin !== "the external NET plugin")?.plugin ?? "the external NET plugin";
  const net = fails.find((f) => f.net)?.net ?? ctx.facts.nccl.net;
  const replaced = net ? `its internal ${net} transport` : "its internal transport";
  const why = fails.map((f) => f.said ?? "").filter((t, i, all) => all.indexOf(t) === i).slice(0, 2).join("; ");
  const socket = net === "Socket";
  // platform-aws's GDR-required check names its own fix (./ofi-advice.ts)
  const gdr = ofiGdrAdvice(ncclFailureCaptures(ctx));
  return [{
    message: `${plugin} failed to initialise (${why}); NCCL went on with ${replaced}, so the run is not stopped by it${socket ? ", but inter-node traffic now goes over TCP sockets" : ""}.`,
    evidence: [...fails.map((f) => f.failure), fails[fails.length - 1].by],
    remediation: [
      ...(gdr ? [gdr] : []),
      `If this machine should use the plugin's fabric (EFA on AWS): check that the provider is there (\`fi_info -p efa\`), that the plugin version matches the NCCL version, and that the container sees the device (--device /dev/infiniband, the EFA device plugin on Kubernetes).`,
      `If it should not: remove the plugin from LD_LIBRARY_PATH or set NCCL_NET_PLUGIN=none, so NCCL stops trying it${net ? ` and uses ${net} directly` : ""}.`,
    ],
  }];
}

export const rule = defineRule(meta, check);
