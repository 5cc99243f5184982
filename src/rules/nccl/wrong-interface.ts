import type { Evidence } from "../../model.js";
import type { RuleContext, FindingDraft } from "../types.js";
import { multiNodeEvidence, uniqueEvidence } from "../helpers.js";
import { ncclEnv } from "./net-common.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/wrong-interface",
  defaultSeverity: "warning",
  title: "NCCL bootstrap or sockets bound to a docker/virtual/loopback interface",
  tags: ["nccl", "network", "config"],
  sources: ["NCCL User Guide: troubleshooting.html (IP network interfaces), env.html NCCL_SOCKET_IFNAME", "vLLM docs: usage/troubleshooting.md (Incorrect network setup: VLLM_HOST_IP, NCCL_SOCKET_IFNAME, GLOO_SOCKET_IFNAME)"],
} satisfies RuleSpec;

export const VIRTUAL_IFACE = /^(?:docker\d*|veth\w*|virbr\d*|lo|br-\w+|cni\d*|flannel[.\w]*|cali\w+|lxcbr\d*|vmnet\d*|tun\d*|tap\w*|tailscale\d*|ip6tnl\d*|podman\d*|kube-\w+|weave|vxlan[.\w]*)$/;
interface Iface {
  name: string;
  addr: string;
  index: number;
  ev: Evidence;
  role: string;
  count: number;
}

/** The interfaces NCCL's `Bootstrap : Using` and `NET/Socket : Using` lines list (facts.nccl.interfaces), in log order. */
export function interfacesIn(ctx: RuleContext): Iface[] {
  return (ctx.facts.nccl.interfaces ?? []).filter((i) => i.role !== "NET/IB OOB").map((i) => ({ index: i.index, name: i.name, addr: i.address, ev: i.evidence, role: i.role, count: i.count }));
}

const PRIVATE_V4 = /^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;

/**
 * The interface to pin NCCL to: a real (not virtual) one with a private IPv4 address that NCCL's `Using` lines
 * show in use, the one most lines (of most nodes) name; null when none does.
 */
export function privateInterface(ctx: RuleContext): { name: string; addr: string } | null {
  const votes = new Map<string, { name: string; addr: string; n: number }>();
  for (const i of interfacesIn(ctx)) {
    if (VIRTUAL_IFACE.test(i.name) || !PRIVATE_V4.test(i.addr)) continue;
    const v = votes.get(i.name) ?? { name: i.name, addr: i.addr, n: 0 };
    v.n += i.count;
    votes.set(i.name, v);
  }
  const best = [...votes.values()].sort((a, b) => b.n - a.n)[0];
  return best ? { name: best.name, addr: best.addr } : null;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const ifaces = interfacesIn(ctx);
  const virtual = ifaces.filter((i) => VIRTUAL_IFACE.test(i.name));
  // the bootstrap uses its first interface only; the socket transport carries data over every device it lists, when
  // it is the network: NCCL 2.4 prints the socket list also when the data goes over IB (the bootstrap's first entry)
  const { net, netChoices } = ctx.facts.nccl;
  const socketCarries = net == null || net === "Socket" || (netChoices ?? []).some((c) => c.net === "Socket");
  const firstVirtual = virtual.filter((i) => i.index === 0 || (i.role === "NET/Socket" && socketCarries));
  const noIface = signalHits(ctx, ["nccl.noInterface"]);
  const failures = signalHits(ctx, ["nccl.bootstrap", "nccl.bootstrapWeak"]).filter((h) => !noIface.some((n) => n.input === h.input && n.ev.line === h.ev.line));
  const badAddr = signalHits(ctx, ["nccl.badAddress"]);
  const badCommId = signalHits(ctx, ["nccl.badCommId"]);
  const gloo = signalHits(ctx, ["torch.glooNoInterface"]);
  // a failed connect to an IPv6 link-local address whose zone is a virtual interface: the peer advertised the address of
  // its docker/veth interface, so this rank's socket goes out through that interface and cannot reach the other node
  const zoned = failures.filter((h) => h.captures.zone !== undefined && VIRTUAL_IFACE.test(h.captures.zone));
  const ifname = ncclEnv(ctx, "NCCL_SOCKET_IFNAME");
  const oobIfname = ncclEnv(ctx, "NCCL_OOB_NET_IFNAME");
  if (!firstVirtual.length && !(virtual.length && failures.length) && !zoned.length && !noIface.length && !badAddr.length && !badCommId.length && !gloo.length) return [];
  const names = [...new Set((firstVirtual.length ? firstVirtual : virtual).map((i) => (i.addr ? `${i.name} (${i.addr})` : i.name)))];
  const parts: string[] = [];
  if (names.length) parts.push(`NCCL ${firstVirtual.length ? "uses" : "also lists"} the virtual or loopback interface${names.length > 1 ? "s" : ""} ${names.join(", ")}, which other nodes usually cannot reach`);
  if (virtual.length && failures.length) parts.push("and connections between ranks fail or time out");
  if (zoned.length) {
    const z = zoned[0].captures;
    parts.push(`NCCL failed to connect to ${z.target ?? "a link-local address"}, an IPv6 link-local address on the virtual interface ${z.zone}: a peer advertised the address of its docker/veth interface, which other nodes cannot reach`);
  }
  if (noIface.length) {
    const filter = [ifname ? `NCCL_SOCKET_IFNAME=${ifname.value}` : null, oobIfname ? `NCCL_OOB_NET_IFNAME=${oobIfname.value}` : null].filter(Boolean).join(", ");
    parts.push(filter ? `no network interface matches ${filter} on this node (a typo, or an interface that does not exist inside the container)` : "NCCL found no usable socket interface (the interface filter matches nothing here, or the container has no routable interface)");
  }
  if (badAddr.length) {
    const m = badAddr[0].captures;
    const addr = m.address !== undefined ? (m.address ? `'${m.address}'` : "an empty address") : "an address";
    parts.push(`NCCL was handed ${addr}${m.family ? ` of family ${m.family}` : ""}, which is neither IPv4 nor IPv6: the bootstrap address it received is empty or garbage, usually because the interface${ifname ? ` named by NCCL_SOCKET_IFNAME=${ifname.value}` : ""} has no address on some node, or ranks disagree on the interface or master address`);
  }
  if (gloo.length) {
    const name = gloo[0].captures["1"] ?? gloo[0].captures["2"];
    parts.push(`Gloo (torch's CPU process group) found no address for the interface ${name}: GLOO_SOCKET_IFNAME names an interface that does not exist on this node, or the interface has no address`);
  }
  if (badCommId.length) parts.push("NCCL_COMM_ID is not of the form <ipv4>:<port>, [<ipv6>]:<port> or <hostname>:<port>");
  // a private-range interface the lines show in use beats the first real one (which may hold a public address)
  const good = privateInterface(ctx) ?? ifaces.find((i) => !VIRTUAL_IFACE.test(i.name));
  const multi = multiNodeEvidence(ctx).multi;
  // loopback or docker0 on a single node that works is how NCCL behaves in a container without other networks
  const harmless = !multi && !failures.length && !noIface.length && !badAddr.length && !badCommId.length && !gloo.length;
  // a peer that closed or reset its socket on one node is not the interface's doing: loopback and bridges reach local peers
  const peerLost = harmless && signalHits(ctx, ["nccl.remoteExitedNet"]).length > 0;
  const note = peerLost
    ? " The log shows a single node, where this interface reaches every local peer: the connection a peer closed is not its doing, and it only matters if more nodes join."
    : " The log shows a single node and no failed connection, so this only matters if more nodes join.";
  return [{
    message: parts.join("; ") + "." + (harmless ? note : ""),
    evidence: uniqueEvidence([ifname?.ev, oobIfname?.ev, ...firstVirtual.map((i) => i.ev), ...virtual.map((i) => i.ev), ...noIface.map((h) => h.ev), ...badAddr.map((h) => h.ev), ...badCommId.map((h) => h.ev), ...gloo.map((h) => h.ev), ...zoned.slice(0, 2).map((h) => h.ev), ...failures.slice(0, 2).map((h) => h.ev)]),
    remediation: [
      `Set NCCL_SOCKET_IFNAME on every node to the routable interface${good ? ` (here probably =${good.name})` : ""}, or exclude the virtual ones: NCCL_SOCKET_IFNAME=^docker,lo,veth,virbr.`,
      "Set GLOO_SOCKET_IFNAME the same way, and VLLM_HOST_IP to this node's address on that network (a different value per node); MASTER_ADDR must be an address every node reaches.",
      `Check with \`ip -br addr\` that ${ifname ? `an interface starting with '${ifname.value.replace(/^[=^]+/, "")}'` : "the interface"} exists with an address on every node; NCCL_SOCKET_IFNAME entries are prefixes unless they start with \`=\`.`,
    ],
    ...(harmless ? { severity: "info" as const } : {}),
  }];
}

export const rule = defineRule(meta, check);
