import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalCount, signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";
import { OFI_RAILS_CAUSES, ofiRailsAdvice } from "./ofi-advice.js";

export const meta = {
  id: "nccl/ofi-rail-mismatch",
  defaultSeverity: "error",
  title: "aws-ofi-nccl: the peers group their EFA devices into different numbers of rails",
  tags: ["nccl", "network", "plugin", "efa"],
  sources: [
    "aws-ofi-nccl source: src/nccl_ofi_rdma.c / .cpp (accept_wait_for_connection and finish_connect: `Unexpected number of remote rails for dev %d. Expected %i but got %i`, 1.7.0 on; the control-rail check from 1.14; -EINVAL, ncclInternalError to NCCL)",
    "aws-ofi-nccl: include/nccl_ofi_param.h OFI_NCCL_FORCE_NUM_RAILS (1.14+, PR #771: P5/P5e and P5en in one job); RELEASENOTES.md (jobs where the number of NICs per GPU differs across systems)",
    "aws-ofi-nccl issue #990 (the check failing at 256 GPUs); NVIDIA/nccl issue #1921 and aws-ofi-nccl issue #1061 (NCCL 2.28's GIN proxy on p5 over the plugin: `Expected 3 but got 2`, then `internal error`)",
    "aws-ofi-nccl doc/gin-getting-started.md (GIN support from plugin 1.21 with NCCL 2.31.2+)",
  ],
} satisfies RuleSpec;

/** `dev 0 (expected 3, got 2)` for each device the lines name, the first few */
function perDevice(hits: readonly Hit[]): string {
  const seen = new Map<string, string>();
  for (const h of hits) {
    const c = h.captures;
    const key = `${c.railsControl ? "control " : ""}${c.railsDev}`;
    if (seen.has(key)) continue;
    const counts = c.railsExpected !== undefined ? ` (expected ${c.railsExpected}${c.railsGot !== undefined ? `, got ${c.railsGot}` : ""})` : "";
    seen.set(key, `${c.railsControl ? "control rails of " : ""}dev ${c.railsDev}${counts}`);
  }
  const all = [...seen.values()];
  return all.length > 4 ? `${all.slice(0, 4).join(", ")} and ${all.length - 4} more` : all.join(", ");
}

/** aws-ofi-nccl refused connections whose peer has another number of rails for the device. */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["nccl.ofiRails"]);
  if (!hits.length) return [];
  const hosts = [...new Set(hits.map((h) => h.captures.ncclHost).filter((h): h is string => h !== undefined))];
  const on = hosts.length ? `, on ${hosts.slice(0, 3).join(", ")}${hosts.length > 3 ? ` and ${hosts.length - 3} more hosts` : ""}` : "";
  // NCCL's GPU-initiated networking in the log: its set-up lines, or an error return of its own files
  const gin = signalHits(ctx, ["nccl.gin"])[0] ?? signalHits(ctx, ["nccl.systemErrorReturn", "nccl.internalErrorReturn"]).find((h) => /(?:^|\/)gin\//.test(h.captures.chainFile ?? ""));
  return [{
    message: `aws-ofi-nccl (NET/OFI, EFA) refused connections because the two ends have different numbers of rails for the device: ${perDevice(hits)}${on}. The plugin groups a node's EFA devices around its GPUs, a rail per EFA device, and both ends of a connection must have the same count; ${OFI_RAILS_CAUSES}. The plugin fails each such connection, and NCCL's set-up stops with an internal or system error.${gin ? ` The log shows NCCL's GPU-initiated networking (GIN) in use (line ${gin.ev.line}), whose connections go through the same plugin.` : ""}`,
    evidence: hitEvidence(hits),
    evidenceCount: signalCount(ctx, ["nccl.ofiRails"]),
    remediation: ofiRailsAdvice(gin !== undefined),
  }];
}

export const rule = defineRule(meta, check);
