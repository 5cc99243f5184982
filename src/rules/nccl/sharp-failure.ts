import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/sharp-failure",
  defaultSeverity: "warning",
  title: "InfiniBand SHARP (NCCL CollNet) could not be set up; NCCL went on without it",
  tags: ["nccl", "network", "infiniband", "sharp", "collnet"],
  sources: [
    "nccl-rdma-sharp-plugins source: src/sharp_plugin.c (ncclSharpConnect: `SHARP coll init error`, `SHARP group create`, `sharp_coll_caps_query failed` WARNs returning ncclInternalError; NCCL_SHARP_DISABLE; SHARP_COLL_ENABLE_SAT set to 1 unless the environment sets it)",
    "NCCL User Guide: env.html NCCL_COLLNET_ENABLE (CollNet, in-network reduction through a collective network plugin such as SHARP)",
    "NVIDIA SHARP documentation (sharpd on the hosts, the Aggregation Manager on the subnet manager node, sharp_hello)",
  ],
} satisfies RuleSpec;

/** NCCL's SHARP plugin, or libsharp under it, failed for a communicator: NCCL runs its collectives without the switch offload. */
export function check(ctx: RuleContext): FindingDraft[] {
  // (NCCL goes on from these: facts.recovered holds them, and this rule is the one that says what it went on without)
  const hits = signalHits(ctx, ["nccl.sharpFailed"], { withRecovered: true });
  if (!hits.length) return [];
  const said = hits.find((h) => h.captures.reason !== undefined);
  const why = said ? `${said.captures.reason}${said.captures.code !== undefined ? ` (${said.captures.code})` : ""}` : null;
  const sharpd = hits.some((h) => h.captures.sharpd !== undefined) || (why !== null && /sharpd/i.test(why));
  const treeLock = hits.some((h) => h.captures.treeLock !== undefined);
  const remediation: string[] = [];
  if (sharpd) remediation.push("Start the SHARP daemon on every host and check it answers: `systemctl status sharpd` (HPC-X ships it), then `sharp_hello` from the same container the job runs in.");
  if (treeLock) remediation.push("The Aggregation Manager gave the job no streaming-aggregation (SAT) tree: check that sharp_am runs on the subnet manager node and that no other job holds the tree; `SHARP_COLL_ENABLE_SAT=0` keeps SHARP on the low-latency (LLT) trees only.");
  if (!sharpd && !treeLock) remediation.push("Check the SHARP set-up of the fabric: switches that support SHARP, sharp_am on the subnet manager node, sharpd on each host, and `sharp_hello` passing from inside the container.");
  remediation.push("If the job does not need SHARP, turn it off so NCCL stops trying it: `NCCL_COLLNET_ENABLE=0` (or `NCCL_SHARP_DISABLE=1` for the SHARP plugin alone).");
  remediation.push("Verify with NCCL_DEBUG=INFO: `SHARP rank N/M initialized on <hca>` with no SHARP WARN after it.");
  return [{
    message: `NVIDIA SHARP, the in-network reduction NCCL reaches through its CollNet plugin, could not be set up${why ? `: ${why}` : ""}. The plugin gives up on CollNet for that communicator and NCCL runs its collectives over the ordinary ring and tree algorithms, so the job goes on, without the switch offload.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
