import type { Evidence } from "../../model.js";
import type { Rule, RuleContext, FindingDraft } from "../types.js";
import { docsPath } from "../types.js";
import { findHits, uniqueEvidence } from "../helpers.js";
import { ncclEnv } from "./net-common.js";
import { NCCL_CONTEXT, SIG } from "./signatures.js";

export const meta = {
  id: "nccl/wrong-interface",
  defaultSeverity: "warning",
  title: "NCCL bootstrap or sockets bound to a docker/virtual/loopback interface",
  tags: ["nccl", "network", "config"],
  docs: docsPath("nccl/wrong-interface"),
  sources: ["NCCL User Guide: troubleshooting.html (IP network interfaces), env.html NCCL_SOCKET_IFNAME", "vLLM docs: usage/troubleshooting.md (Incorrect network setup: VLLM_HOST_IP, NCCL_SOCKET_IFNAME, GLOO_SOCKET_IFNAME)"],
} satisfies Rule["meta"];

export const VIRTUAL_IFACE = /^(?:docker\d*|veth\w*|virbr\d*|lo|br-\w+|cni\d*|flannel[.\w]*|cali\w+|lxcbr\d*|vmnet\d*|tun\d*|tap\w*|tailscale\d*|ip6tnl\d*|podman\d*|kube-\w+|weave|vxlan[.\w]*)$/;
const USING = /(Bootstrap|NET\/Socket)\s?: Using (.*)$/;
const ITEM = /\[(\d+)\]([^:\s]+):([^<\s]+)<\d+>/g;

interface Iface {
  name: string;
  addr: string;
  index: number;
  ev: Evidence;
  role: string;
}

export function interfacesIn(ctx: RuleContext): Iface[] {
  const out: Iface[] = [];
  for (const h of findHits(ctx.events, USING)) {
    for (const m of h.match[2].matchAll(ITEM)) out.push({ index: Number(m[1]), name: m[2], addr: m[3], ev: h.ev, role: h.match[1] });
  }
  return out;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const ifaces = interfacesIn(ctx);
  const virtual = ifaces.filter((i) => VIRTUAL_IFACE.test(i.name));
  const firstVirtual = virtual.filter((i) => i.index === 0);
  const failures = [...findHits(ctx.events, SIG.bootstrap), ...findHits(ctx.events, SIG.bootstrapWeak).filter((h) => NCCL_CONTEXT.test(h.text))];
  const badAddr = findHits(ctx.events, /neither AF_INET\(2\) nor AF_INET6|no socket interface found|NET\/Socket : no interface found|Bootstrap : no socket interface/i);
  const ifname = ncclEnv(ctx, "NCCL_SOCKET_IFNAME");
  if (!firstVirtual.length && !(virtual.length && failures.length) && !badAddr.length) return [];
  const names = [...new Set((firstVirtual.length ? firstVirtual : virtual).map((i) => `${i.name} (${i.addr})`))];
  const parts: string[] = [];
  if (names.length) parts.push(`NCCL ${firstVirtual.length ? "uses" : "also lists"} the virtual or loopback interface${names.length > 1 ? "s" : ""} ${names.join(", ")}, which other nodes usually cannot reach`);
  if (virtual.length && failures.length) parts.push("and connections between ranks fail or time out");
  if (badAddr.length) parts.push(ifname ? `the interface filter NCCL_SOCKET_IFNAME=${ifname.value} matches no interface with a usable address` : "NCCL found no usable socket interface");
  return [{
    message: parts.join("; ") + ".",
    evidence: uniqueEvidence([ifname?.ev, ...firstVirtual.map((i) => i.ev), ...virtual.map((i) => i.ev), ...badAddr.map((h) => h.ev), ...failures.slice(0, 2).map((h) => h.ev)]),
    remediation: [
      `Set NCCL_SOCKET_IFNAME on every node to the routable interface${ifaces.find((i) => !VIRTUAL_IFACE.test(i.name)) ? ` (here probably =${ifaces.find((i) => !VIRTUAL_IFACE.test(i.name))!.name})` : ""}, or exclude the virtual ones: NCCL_SOCKET_IFNAME=^docker,lo,veth,virbr.`,
      "Set GLOO_SOCKET_IFNAME the same way, and VLLM_HOST_IP to this node's address on that network (a different value per node).",
      "Check with `ip -br addr` that the interface exists with an address on every node; NCCL_SOCKET_IFNAME entries are prefixes unless they start with `=`.",
    ],
  }];
}

export const rule: Rule = { meta, check };
