import { IB_STATUS } from "./signatures.js";
import { DEBUG_HINT, signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/ib-error",
  defaultSeverity: "error",
  title: "NCCL: InfiniBand / RDMA failure",
  tags: ["nccl", "error", "infiniband", "network"],
  sources: ["NCCL source: src/transport/net_ib.cc, src/misc/ibvwrap.cc, net_ib/common.h (completion status hints)", "NCCL User Guide: troubleshooting.html (InfiniBand), env.html NCCL_IB_TIMEOUT, NCCL_IB_GID_INDEX"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.ibError"], (hits) => {
  const all = hits.map((h) => h.text).join("\n");
  const status = /(?:status=|with error )(\d+)/.exec(all);
  const verb = /(ibv_\w+) failed(?: with error ([^\n]*?))?(?:\s+errno \d+)?$/m.exec(all);
  const peer = /from peer (\S+?)<\d+>/.exec(all);
  const code = status ? Number(status[1]) : null;
  const parts: string[] = [];
  if (verb) parts.push(`the verbs call ${verb[1]} failed${verb[2] ? ` (${verb[2].trim()})` : ""}`);
  if (code !== null) parts.push(`a work completion${peer ? ` from peer ${peer[1]}` : ""} came back with status ${code}${IB_STATUS[code] ? `: ${IB_STATUS[code]}` : ""}`);
  const remediation: string[] = [];
  if (verb && /modify_qp/.test(verb[1])) remediation.push("ibv_modify_qp failures usually mean a wrong RoCE GID or an unreachable port: set NCCL_IB_GID_INDEX (e.g. 3 for RoCEv2) or let NCCL ≥ 2.21 choose it, and check the HCA ports with `ibv_devinfo` / `show_gids`.");
  if (verb && /reg_mr/.test(verb[1])) remediation.push("Memory registration failed: raise the locked-memory limit (--ulimit memlock=-1, IPC_LOCK) and check GPU Direct RDMA (nvidia-peermem).");
  if (code === 12) remediation.push("Status 12: check the links and switches between the nodes (`ibstat`, port counters); raise NCCL_IB_TIMEOUT if the fabric is large or congested.");
  if (code === 5) remediation.push("Status 5 is a follow-on error: look for the first failing completion or the rank that died first.");
  if (code === 4) remediation.push("Status 4: disable PCIe ACS/IOMMU or test with NCCL_NET_GDR_LEVEL=0 to confirm GPU Direct RDMA is the problem.");
  remediation.push("Test the fabric outside NCCL with `ib_write_bw` between the two nodes, and compare `ibv_devinfo` on every node.", DEBUG_HINT);
  return { message: `InfiniBand/RDMA failed: ${parts.length ? parts.join("; ") : "an ibv_* call or a completion reported an error"}.`, remediation };
});
export const check = rule.check;
