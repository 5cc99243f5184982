import { IB_STATUS } from "./signatures.js";
import { DEBUG_HINT, signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";
import { firstValue } from "../signals.js";

export const meta = {
  id: "nccl/ib-error",
  defaultSeverity: "error",
  title: "NCCL: InfiniBand / RDMA failure",
  tags: ["nccl", "error", "infiniband", "network"],
  sources: ["NCCL source: src/transport/net_ib.cc, src/misc/ibvwrap.cc, net_ib/common.h (completion status hints)", "NCCL User Guide: troubleshooting.html (InfiniBand), env.html NCCL_IB_TIMEOUT, NCCL_IB_GID_INDEX"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.ibError"], (hits) => {
  // the values the signature reads from its lines (grammars/signatures.ts): the first line that states each
  const status = firstValue(hits, "status");
  const verbHit = hits.find((h) => h.captures.verb !== undefined);
  const verb = verbHit ? { call: verbHit.captures.verb, error: verbHit.captures.verbError } : null;
  const peer = firstValue(hits, "peer");
  const code = status !== undefined ? Number(status) : null;
  const parts: string[] = [];
  if (verb) parts.push(`the verbs call ${verb.call} failed${verb.error ? ` (${verb.error.trim()})` : ""}`);
  if (code !== null) parts.push(`a work completion${peer ? ` from peer ${peer}` : ""} came back with status ${code}${IB_STATUS[code] ? `: ${IB_STATUS[code]}` : ""}`);
  const remediation: string[] = [];
  if (verb && /modify_qp/.test(verb.call)) remediation.push("ibv_modify_qp failures usually mean a wrong RoCE GID or an unreachable port: set NCCL_IB_GID_INDEX (e.g. 3 for RoCEv2) or let NCCL ≥ 2.21 choose it, and check the HCA ports with `ibv_devinfo` / `show_gids`.");
  if (verb && /reg_mr/.test(verb.call)) remediation.push("Memory registration failed: raise the locked-memory limit (--ulimit memlock=-1, IPC_LOCK) and check GPU Direct RDMA (nvidia-peermem).");
  if (code === 12) remediation.push("Status 12: check the links and switches between the nodes (`ibstat`, port counters); raise NCCL_IB_TIMEOUT if the fabric is large or congested.");
  if (code === 5) remediation.push("Status 5 is a follow-on error: look for the first failing completion or the rank that died first.");
  if (code === 4) remediation.push("Status 4: disable PCIe ACS/IOMMU or test with NCCL_NET_GDR_LEVEL=0 to confirm GPU Direct RDMA is the problem.");
  remediation.push("Test the fabric outside NCCL with `ib_write_bw` between the two nodes, and compare `ibv_devinfo` on every node.", DEBUG_HINT);
  return { message: `InfiniBand/RDMA failed: ${parts.length ? parts.join("; ") : "an ibv_* call or a completion reported an error"}.`, remediation };
  // NVSHMEM (DeepEP's RDMA library) prints its verbs failures too, a bare `ibv_modify_qp failed` among them: where its
  // set-up failed, only the lines that say they are NCCL's are this rule's (vllm/ep-all2all-failed explains the rest)
}, (h, ctx) => h.captures.ncclSays !== undefined || ctx.signals["vllm.nvshmemFailure"] === undefined);
export const check = rule.check;
