import { IB_STATUS } from "./signatures.js";
import { DEBUG_HINT, signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/ib-error",
  defaultSeverity: "error",
  title: "NCCL: InfiniBand / RDMA failure",
  tags: ["nccl", "error", "infiniband", "network"],
  sources: ["NCCL source: src/transport/net_ib.cc (async event thread), src/misc/ibvwrap.cc, net_ib/common.h (completion status hints)", "libibverbs: ibv_event_type_str, ibv_wc_status_str", "NCCL User Guide: troubleshooting.html (InfiniBand), env.html NCCL_IB_TIMEOUT, NCCL_IB_GID_INDEX"],
} satisfies RuleSpec;

/**
 * What an HCA async event (libibverbs' ibv_event_type_str, as net_ib.cc's async thread WARNs it) says of the fabric, and
 * where to look: a port that went down, the adapter itself failing, or a queue pair the adapter shut.
 */
function asyncEvent(event: string): { what: string; fix: string } {
  if (/^port error/i.test(event))
    return {
      what: "a port error (the link went down)",
      fix: "A port error is the link going down under the job: check that node's port (`ibstat` / `ibv_devinfo` state and rate, `ibqueryerrors` or `mlxlink -d <device>` for link-down and symbol-error counters), reseat or replace the cable or transceiver and check the switch port; port errors that repeat are a flapping link.",
    };
  if (/catastrophic/i.test(event))
    return {
      what: `a catastrophic error of the adapter (${event.trim()})`,
      fix: "A catastrophic error is the adapter itself failing (firmware or hardware): look in that node's `dmesg` for mlx5_core health or firmware errors, reset the adapter (`mlxfwreset`) or reboot the node, and take it out of service if it happens again.",
    };
  return {
    what: `an async error event (${event.trim()})`,
    fix: "A work-queue or CQ error event is the adapter shutting a queue pair that broke a rule: with `local access violation` the usual cause is the registration of GPU memory for GPU Direct RDMA (nvidia-peermem or DMA-BUF, PCIe ACS/IOMMU); test with NCCL_NET_GDR_LEVEL=0 to confirm.",
  };
}

export const rule = signatureRule(meta, ["nccl.ibError"], (hits, ctx) => {
  // the values the signature reads from its lines (grammars/signatures.ts): the first line that states each. The first
  // lines of a signature are kept, and its last: a completion error after a run of async events is often only the last
  const last = ctx.signals["nccl.ibError"]?.last;
  const lines = [...hits.map((h) => ({ line: h.ev.line, input: h.input, captures: h.captures })), ...(last && (last.captures.ncclSays !== undefined || ctx.signals["vllm.nvshmemFailure"] === undefined) && !hits.some((h) => h.input === last.input && h.ev.line === last.line) ? [last] : [])];
  const first = (name: string) => lines.find((l) => l.captures[name] !== undefined);
  const statusAt = first("status");
  const status = statusAt?.captures.status;
  const verbAt = first("verb");
  const verb = verbAt ? { call: verbAt.captures.verb, error: verbAt.captures.verbError } : null;
  // 2.27+ names the HCA, port and QP transition of a failed ibv_modify_qp (`on dev mlx5_4:1, curr state INIT, next state RTR`)
  const qp = verbAt?.captures.qpDev !== undefined ? verbAt.captures : undefined;
  const peer = first("peer")?.captures.peer;
  // the HCA a completion error came through (`... hca mlx5_3`, last on the completion line)
  const hca = statusAt?.captures.hca ?? first("hca")?.captures.hca;
  const eventAt = first("event");
  const event = eventAt ? asyncEvent(eventAt.captures.event) : null;
  const code = status !== undefined ? Number(status) : null;
  const cqeAt = first("cqeDump");
  // each part where its first line is, in log order
  const parts: { at: { input: number; line: number }; text: string }[] = [];
  if (eventAt && event) {
    const dev = eventAt.captures.eventDev ?? lines.find((l) => l.captures.eventDev !== undefined)?.captures.eventDev;
    const port = dev === eventAt.captures.eventDev ? eventAt.captures.eventPort : undefined;
    parts.push({ at: eventAt, text: `the HCA${dev ? ` ${dev}${port ? ` port ${port}` : ""}` : ""} reported ${event.what}` });
  }
  if (verbAt && verb) parts.push({ at: verbAt, text: `the verbs call ${verb.call} failed${verb.error ? ` (${verb.error.trim()})` : ""}${qp ? ` on ${qp.qpDev} port ${qp.qpPort}, moving a queue pair from ${qp.qpFrom} to ${qp.qpTo}${qp.gidIndex !== undefined ? ` with local GID index ${qp.gidIndex}` : ""}` : ""}` });
  if (cqeAt) {
    const lib = cqeAt.captures.cqeProvider ? `lib${cqeAt.captures.cqeProvider}` : "the verbs provider";
    parts.push({ at: cqeAt, text: `${lib} polled a work completion in error and dumped it (it dumps neither flushed nor retry-exceeded completions, so this one failed on the adapter or at the peer)` });
  }
  if (statusAt && code !== null) parts.push({ at: statusAt, text: `a work completion${peer ? ` from peer ${peer}` : ""}${hca ? ` on HCA ${hca}` : ""} came back with status ${code}${IB_STATUS[code] ? `: ${IB_STATUS[code]}` : ""}` });
  parts.sort((a, b) => a.at.input - b.at.input || a.at.line - b.at.line);
  const remediation: string[] = [];
  if (event) remediation.push(event.fix);
  if (verb && /modify_qp/.test(verb.call)) remediation.push("ibv_modify_qp failures usually mean a wrong RoCE GID or an unreachable port: set NCCL_IB_GID_INDEX (e.g. 3 for RoCEv2) or let NCCL ≥ 2.21 choose it, and check the HCA ports with `ibv_devinfo` / `show_gids`.");
  // the move to RTR is where the QP is given the peer's address: failing there, the local HCA cannot reach the peer's GID
  if (qp && /^RTR$/i.test(qp.qpTo)) remediation.push(`The queue pair on ${qp.qpDev} port ${qp.qpPort} failed to reach RTR, the step that points it at the peer's GID: check \`show_gids\` on ${qp.qpDev} of both nodes${qp.gidIndex !== undefined ? ` (index ${qp.gidIndex} must hold the RoCE v2 entry with the interface's IP on both)` : ""}, that the two RDMA interfaces route to each other, and, on a rail-optimized fabric where only NICs of the same rail reach each other, set NCCL_CROSS_NIC=0.`);
  if (verb && /reg_mr/.test(verb.call)) remediation.push("Memory registration failed: raise the locked-memory limit (--ulimit memlock=-1, IPC_LOCK) and check GPU Direct RDMA (nvidia-peermem).");
  // RoCE: an IPv4-mapped GID in the completion line, or RoCE ports in the NET/IB device list; there a retry-exceeded
  // completion is most often two NICs that cannot reach each other over the GID NCCL picked, not a slow fabric
  const gid = first("localGid")?.captures.localGid;
  const roce = (gid !== undefined && /^::ffff:/i.test(gid)) || (ctx.facts.nccl.ibLinkLayers ?? []).includes("RoCE");
  if (code === 12 && roce) remediation.push(`Status 12: on RoCE${gid ? ` (local GID ${gid})` : ""} it most often means the two NICs cannot reach each other over the GID NCCL chose, so the first transfer fails. Check that NCCL_IB_GID_INDEX names the RoCE v2 entry with the interface's IP on both nodes (\`show_gids\`; NCCL ≥ 2.21 picks one itself, NCCL_IB_ROCE_VERSION_NUM / NCCL_IB_ADDR_FAMILY steer it), that the two IPs route to each other over the RDMA interfaces, and the switches' RoCE settings (PFC/ECN, NCCL_IB_TC); reproduce with \`ib_write_bw -x <gid index>\` between the same two NICs.`);
  else if (code === 12) remediation.push("Status 12: check the links and switches between the nodes (`ibstat`, port counters); raise NCCL_IB_TIMEOUT if the fabric is large or congested.");
  if (code === 5) remediation.push("Status 5 is a follow-on error: look for the first failing completion or the rank that died first.");
  if (code === 4) remediation.push("Status 4: disable PCIe ACS/IOMMU or test with NCCL_NET_GDR_LEVEL=0 to confirm GPU Direct RDMA is the problem.");
  if (hca) remediation.push(`The failing completion came through ${hca}: check that HCA's port and link (\`ibstat ${hca}\`, \`ibv_devinfo -d ${hca}\`, its port counters, cable and switch port); if the errors come from this HCA only, exclude it (NCCL_IB_HCA=^${hca}) to confirm.`);
  if (cqeAt && code === null) remediation.push("The four hex lines after the provider's line are the completion entry: on the last of them, the second word ends in the vendor syndrome and the syndrome (one byte each) and the third word holds the QP number; the process that owns the queue (NCCL's proxy thread in a GPU job) fails the operation next, so read that process's own error and its peer's.");
  remediation.push("Test the fabric outside NCCL with `ib_write_bw` between the two nodes, and compare `ibv_devinfo` on every node.", DEBUG_HINT);
  return { message: `InfiniBand/RDMA failed: ${parts.length ? parts.map((p) => p.text).join("; ") : "an ibv_* call or a completion reported an error"}.`, remediation };
  // NVSHMEM (DeepEP's RDMA library) prints its verbs failures too, a bare `ibv_modify_qp failed` among them: where its
  // set-up failed, only the lines that say they are NCCL's are this rule's (vllm/ep-all2all-failed explains the rest)
}, (h, ctx) => h.captures.ncclSays !== undefined || ctx.signals["vllm.nvshmemFailure"] === undefined);
export const check = rule.check;
