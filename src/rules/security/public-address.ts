import type { Evidence } from "../../model.js";
import type { RuleContext, FindingDraft } from "../types.js";
import { signalHits } from "../signals.js";
import { interfacesIn, privateInterface } from "../nccl/wrong-interface.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "security/public-address",
  defaultSeverity: "warning",
  title: "Distributed traffic bound to a public IP address",
  tags: ["security", "network", "multi-node"],
  sources: ["vLLM docs: serving/parallelism_scaling (Network security: distributed traffic is unencrypted; use private networks, VLLM_HOST_IP)"],
} satisfies RuleSpec;

/** Whether an IPv4 address is routable on the internet (not private, loopback, link-local, CGNAT, multicast or reserved). */
export function isPublicIPv4(ip: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if ([a, b, Number(m[3]), Number(m[4])].some((x) => x > 255)) return false;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 192 && b === 0) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  return true;
}

/**
 * Whether an IPv6 address is routable on the internet: global unicast 2000::/3 (NCCL 2.2x binds its bootstrap to such an
 * address where the interface has one: `Bootstrap: Using eth0:2a02:6b8:c41::e148:fea0<0>`), not the documentation prefix
 * 2001:db8::/32; ULA (fc00::/7), link-local (fe80::/10), loopback and multicast are not. An IPv4-mapped address
 * (`::ffff:203.0.113.9`) is its IPv4 address.
 */
export function isPublicIPv6(ip: string): boolean {
  const a = ip.replace(/%.*$/, "").replace(/^\[|\]$/g, "").toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return isPublicIPv4(mapped[1]);
  // (a colon-separated form of hex groups with at most one `::`)
  if (!/^[0-9a-f:]+$/.test(a) || !a.includes(":") || (a.match(/::/g) ?? []).length > 1) return false;
  const first = /^([0-9a-f]{1,4}):/.exec(a);
  if (!first) return false;
  const h = parseInt(first[1], 16);
  if (h < 0x2000 || h > 0x3fff) return false;
  return !/^2001:0?db8:/.test(a);
}

/** Whether an address (IPv4 or IPv6) is routable on the internet. */
export const isPublicIP = (ip: string): boolean => isPublicIPv4(ip) || isPublicIPv6(ip);

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const found: { what: string; ip: string; ev: Evidence | null }[] = [];
  const add = (what: string, ip: string | null | undefined, ev: Evidence | null | undefined) => {
    if (ip && isPublicIP(ip) && !found.some((f) => f.ip === ip && f.what === what)) found.push({ what, ip, ev: ev ?? null });
  };
  add("VLLM_HOST_IP", facts.distributed.hostIp, facts.sources["distributed.hostIp"]);
  add(facts.sources["config.masterAddr"]?.derived ? "the data-parallel head address (--data-parallel-address)" : "the master address (--master-addr)", facts.config.masterAddr, facts.sources["config.masterAddr"]);
  for (const i of interfacesIn(ctx)) if (i.role === "Bootstrap" && i.index === 0) add(`the NCCL bootstrap interface ${i.name}`, i.addr, i.ev);
  for (const h of signalHits(ctx, ["torch.rendezvousAddress"])) add("the torch.distributed rendezvous address", h.captures["1"] ?? h.captures["2"] ?? h.captures["3"], h.ev);
  if (!found.length) return [];
  const priv = privateInterface(ctx);
  // a training job or a bare NCCL test has no vLLM processes: say whose traffic it is only when the log is vLLM's
  const vllm = facts.vllm.engine !== null || facts.vllm.version !== null || facts.config.executorBackend !== null || facts.config.model !== null;
  const ips = new Set(found.map((f) => f.ip)).size;
  return [{
    message: `${found.map((f) => `${f.what} is ${f.ip}`).join("; ")}: ${ips > 1 ? "public addresses" : "a public address"}. ${vllm ? "vLLM's distributed traffic (NCCL, torch.distributed, its message queues)" : "The job's distributed traffic (NCCL, torch.distributed)"} is unencrypted and accepts data that can lead to remote code execution.`,
    evidence: found.map((f) => f.ev).filter((e): e is Evidence => e !== null),
    remediation: [
      vllm
        ? "Put the nodes on a private network segment and set VLLM_HOST_IP on each node to its private address (e.g. 10.x / 172.16–31.x / 192.168.x)."
        : `Put the nodes on a private network segment and give the job their private addresses (e.g. 10.x / 172.16–31.x / 192.168.x${found.some((f) => f.ip.includes(":")) ? ", or IPv6 unique-local fd00::/8" : ""}).`,
      `Pin NCCL and Gloo to the private interface: ${priv ? `NCCL_SOCKET_IFNAME=${priv.name} GLOO_SOCKET_IFNAME=${priv.name} (${priv.addr} in this log)` : "NCCL_SOCKET_IFNAME=<private iface> GLOO_SOCKET_IFNAME=<private iface>"}, and use a private --master-addr.`,
      "Firewall the distributed ports from the internet; expose only the API server port, behind authentication.",
    ],
  }];
}

export const rule = defineRule(meta, check);
