import { signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";
import type { RuleContext } from "../types.js";
import { firstValue, type Hit } from "../signals.js";
import { multiNodeEvidence } from "../helpers.js";

const IDS = ["torch.glooIo"];

export const meta = {
  id: "nccl/gloo-error",
  defaultSeverity: "error",
  title: "Gloo (torch's CPU process group) lost or timed out on a peer",
  tags: ["gloo", "torch", "error", "network"],
  sources: [
    "pytorch/gloo source: gloo/transport/tcp/unbound_buffer.cc (waitRecv/waitSend: 'Timed out waiting <ms>ms for recv|send operation to complete'), gloo/transport/tcp/pair.cc ('Connection closed by peer <addr>', 'Read error <addr>: <strerror>', 'Write error <addr>: <strerror>')",
    "vLLM docs: usage/troubleshooting.md (Incorrect network setup: VLLM_HOST_IP, GLOO_SOCKET_IFNAME); serving/data_parallel_deployment (--data-parallel-address, --data-parallel-rpc-port)",
  ],
} satisfies RuleSpec;

/** `30 min` for 1800000 ms, `45 s` for 45000 */
function duration(ms: string): string {
  const n = Number(ms);
  if (n >= 60000 && n % 60000 === 0) return `${n / 60000} min`;
  return n >= 1000 ? `${Math.round(n / 100) / 10} s` : `${n} ms`;
}

/** who wrote the line: its launcher rank and the prefix's process (process|pid|dp|pp|tp|rank|ip|host) */
function who(h: Hit): string {
  const [proc, pid, dp, , , rank, ip, host] = (h.captures.proc ?? "").split("|");
  const r = h.captures.launcherRank ?? rank;
  const parts = [r ? `rank ${r}` : "", dp ? `DP rank ${dp}` : "", proc ? `${proc}${pid ? ` pid ${pid}` : ""}` : "", ip || host ? `on ${ip || host}` : ""].filter(Boolean);
  return parts.length ? parts.join(", ") : "";
}

/** what one line says failed, and between whom */
function describe(h: Hit): string {
  const c = h.captures;
  const at = who(h);
  const from = at ? ` (${at})` : "";
  if (c.op !== undefined) {
    return `a Gloo ${c.op} waited ${c.timeoutMs ? duration(c.timeoutMs) : "its timeout"} and never completed${from}; Gloo's timeout message does not name the peer it was ${c.op === "recv" ? "waiting for" : "sending to"}`;
  }
  if (c.closed !== undefined) return `Gloo's TCP connection to ${c.peer ?? "a peer"} was closed by that peer${from}`;
  if (c.rw !== undefined) return `a Gloo ${c.rw.toLowerCase()} on the connection to ${c.peer ?? "a peer"} failed: ${c.reason ?? "an I/O error"}${from}`;
  return `a Gloo operation failed${from}`;
}

export const rule = signatureRule(meta, IDS, (hits, ctx: RuleContext) => {
  const first = hits[0];
  const others = hits.slice(1).map(describe).filter((d, i, all) => all.indexOf(d) === i && d !== describe(first));
  const timedOut = firstValue(hits, "op") !== undefined;
  const lost = hits.some((h) => h.captures.closed !== undefined || h.captures.rw !== undefined);
  const peerHost = /^\[([^\]]+)\]/.exec(firstValue(hits, "peer") ?? "")?.[1];
  const dp = (ctx.facts.config.dataParallelSize ?? 1) > 1;
  const multi = multiNodeEvidence(ctx).multi;
  const where = dp
    ? "vLLM runs its data-parallel coordination over Gloo (the DP group's CPU all-reduce that keeps the engines in step), beside each group's CPU side and the stateless groups"
    : "vLLM and PyTorch use Gloo for the CPU side of every process group (metadata broadcasts, barriers, the same-node check) and for vLLM's stateless and data-parallel groups";
  const meaning = timedOut && !lost
    ? "A Gloo timeout is almost always a symptom: the peer did not reach the same collective, because it died, hung, or is still stuck in something else (loading, an NCCL call, an exception of its own). Its own log holds the first error."
    : "A peer that closes or resets its connection has usually died (a crash, an OOM kill, a node lost) or was stopped; the first error is in its log. If every process was alive, the connection was cut between the nodes (a firewall or load balancer idle timeout, an interface going down).";
  return {
    message: `${describe(first).replace(/^./, (x) => x.toUpperCase())}.${others.length ? ` Also: ${others.slice(0, 2).join("; ")}.` : ""} ${where}. ${meaning}`,
    remediation: [
      `Find the process that failed first: read the other ranks' and nodes' logs${peerHost ? ` (above all the one at ${peerHost})` : ""} for an earlier exception, an OOM kill, a \`WorkerProc hit an exception\` or an NCCL error, and fix that one.`,
      `Pin Gloo to the interface the nodes share on every node: GLOO_SOCKET_IFNAME=<interface> and VLLM_HOST_IP=<this node's address on it>${multi ? " (a different value per node)" : ""}; a process that bound Gloo to another interface (docker0, a loopback address from /etc/hosts) is unreachable from the others.`,
      "Open TCP between the nodes in the firewall or security group: Gloo listens on random ports, so a port range blocked between nodes cuts its connections.",
      ...(dp ? ["Start every node with the same --data-parallel-address and --data-parallel-rpc-port (the DP master's), and the same --data-parallel-size: a node pointed at another master or port never joins the DP group the others wait in."] : []),
      ...(timedOut ? ["Only if a peer is legitimately slow (a long first load on one node), raise the group timeout (torch's default for a group is 30 min): a longer wait does not help a peer that died."] : []),
    ],
  };
});
export const check = rule.check;
