import { DEBUG_HINT, signatureRule } from "./signature-rule.js";
import { privateInterface } from "./wrong-interface.js";
import type { RuleSpec } from "../define.js";
import { saidBy, type Hit } from "../signals.js";

export const meta = {
  id: "nccl/bootstrap-failure",
  defaultSeverity: "error",
  title: "NCCL ranks cannot connect to each other (bootstrap / socket)",
  tags: ["nccl", "error", "network", "startup"],
  sources: ["NCCL User Guide: troubleshooting.html (IP network interfaces), env.html NCCL_SOCKET_IFNAME, NCCL_SOCKET_RETRY_CNT", "vLLM docs: serving/parallelism_scaling (Communication errors: verify reachability, firewall)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.bootstrap", "nccl.bootstrapWeak", "torch.uniqueIdStore"], (all, ctx) => {
  // PyTorch's fetch of NCCL's unique id from the c10d store, which comes before any NCCL connection
  const idFetch = all.filter((h) => h.id === "torch.uniqueIdStore");
  const hits = all.filter((h) => h.id !== "torch.uniqueIdStore");
  if (!hits.length) return uniqueIdFailure(idFetch);
  // what the lines say, as the signatures read it (grammars/signatures.ts BOOTSTRAP_VALUES)
  const said = saidBy(hits);
  const at = hits.find((h) => h.captures.target !== undefined)?.captures;
  const target = at ? { host: at.target, port: at.port } : null;
  const kind = said("refused") ? "connection refused (nothing listening: the peer is not up yet, died, or uses another port)" : said("timedOut") ? "connection timed out (a firewall drops the packets, or the address is not routable from here)" : said("noRoute") ? "no route to host" : said("unreachable") ? "the network is unreachable (this node has no route to that address)" : said("noIface") ? "no usable network interface matches the NCCL_SOCKET_IFNAME filter" : "the connection failed";
  // fe80::/10: an IPv6 address that is only valid on one link, which NCCL may pick when an interface has no other;
  // 169.254.0.0/16 (RFC 3927): IPv4's, which a peer advertises when NCCL took an interface whose only address is
  // self-assigned or a node-local dummy (Kubernetes' NodeLocal DNSCache listens on 169.254.20.10)
  const linkLocal6 = target !== null && /^\[?fe[89ab][0-9a-f]:/i.test(target.host);
  const linkLocal4 = target !== null && /^169\.254\.\d{1,3}\.\d{1,3}$/.test(target.host);
  const linkLocal = linkLocal6 || linkLocal4;
  // Azure's accelerated networking shows its SR-IOV VF as enP<n>s<n> beside the synthetic eth0 it backs
  const azureVf = linkLocal ? /%(enP\d+s\d+)$/.exec(target.host)?.[1] : undefined;
  const pin = privateInterface(ctx);
  const pinText = pin ? `NCCL_SOCKET_IFNAME=${pin.name} (the interface with ${pin.addr} in this log)` : "NCCL_SOCKET_IFNAME=<the interface the nodes share>";
  return {
    message: `NCCL's bootstrap could not connect ranks${target ? ` (to ${target.host}${target.port ? ` port ${target.port}` : ""})` : ""}: ${kind}.${linkLocal6 ? ` ${target.host.split("%")[0]} is an IPv6 link-local address, which other nodes cannot reach: NCCL picked an interface that has no routable address.` : ""}${linkLocal4 ? ` ${target.host} is an IPv4 link-local address (169.254.0.0/16), which other nodes cannot reach: the peer's NCCL took an interface whose only address is self-assigned or node-local (a dummy or virtual one) and advertised it.` : ""}`,
    remediation: [
      ...(linkLocal6 ? [`Pin NCCL to a routable interface on every node: ${pinText}, or NCCL_SOCKET_FAMILY=AF_INET to keep NCCL off IPv6; set GLOO_SOCKET_IFNAME the same way.${azureVf ? ` ${azureVf} looks like the VF Azure's accelerated networking pairs with eth0, with no routable address of its own: name eth0.` : ""}`] : []),
      ...(linkLocal4 ? [`Pin NCCL to a routable interface on every node, above all on the node that advertised this address (the root that created the unique id, or a peer rank): ${pinText}; set GLOO_SOCKET_IFNAME the same way. \`ip -4 addr\` there shows which interface holds ${target!.host}.`] : []),
      target
        ? `Check that this node reaches ${target.host}${target.port ? ` on port ${target.port}` : ""} (\`ping ${target.host}\`${target.port ? `, \`nc -zv ${target.host} ${target.port}\`` : ""}), and that every node reaches every other at the address in its \`Bootstrap : Using\` line.`
        : "Check that every node reaches every other at the address in its `Bootstrap : Using` line (ping, and `nc -zv <ip> <port>` for TCP).",
      "Open the firewall between the nodes for TCP (NCCL picks random ports for bootstrap and proxies).",
      ...(linkLocal ? [] : [`Pin the interface on all nodes with ${pin ? pinText : "NCCL_SOCKET_IFNAME (e.g. NCCL_SOCKET_IFNAME=eth0, or ^docker,lo,virbr to exclude virtual ones)"}, and GLOO_SOCKET_IFNAME for torch's store.`]),
      "On large jobs, raise NCCL_SOCKET_RETRY_CNT / NCCL_SOCKET_RETRY_SLEEP_MSEC if peers start slowly.",
      DEBUG_HINT,
    ],
  };
});
export const check = rule.check;

/** Ranks that never got NCCL's unique id from the root through torch's key-value store: the communicator never started. */
function uniqueIdFailure(hits: Hit[]): { message: string; remediation: string[] } {
  const c = hits[0].captures;
  const ranks = [...new Set(hits.map((h) => h.captures.rank).filter((r): r is string => r !== undefined))];
  const root = c.root ?? "0";
  const why = hits.some((h) => h.captures.timedOut !== undefined)
    ? `rank ${root} never put it there in time: it crashed, hung or was still busy before creating its communicator (a prompt waiting for input, a slow load, an earlier error), or it cannot reach the store`
    : hits.some((h) => h.captures.closed !== undefined)
      ? `the store's connection was closed: rank ${root} (or the process holding the store) died`
      : `the store returned an error`;
  return {
    message: `${ranks.length ? `Rank${ranks.length > 1 ? "s" : ""} ${ranks.join(", ")}` : "A rank"} could not get NCCL's unique id from rank ${root} through torch's c10d key-value store${c.storeError ? ` (${c.storeError})` : ""}: ${why}. The NCCL communicator never started, so no NCCL network setting is involved yet.`,
    remediation: [
      `Read rank ${root}'s own output first: its error or its last line before the hang is the cause; the other ranks only waited for it.`,
      "Check that every node reaches MASTER_ADDR:MASTER_PORT (the store) and that all ranks use the same address, port and world size.",
      "If rank 0 legitimately needs longer before its first collective (loading, interactive login such as wandb), raise the process group timeout (init_process_group(timeout=...)).",
    ],
  };
}
