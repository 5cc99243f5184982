import type { Rule } from "../types.js";
import { docsPath } from "../types.js";
import { DEBUG_HINT, signatureRule } from "./signature-rule.js";

export const meta = {
  id: "nccl/bootstrap-failure",
  defaultSeverity: "error",
  title: "NCCL ranks cannot connect to each other (bootstrap / socket)",
  tags: ["nccl", "error", "network", "startup"],
  docs: docsPath("nccl/bootstrap-failure"),
  sources: ["NCCL User Guide: troubleshooting.html (IP network interfaces), env.html NCCL_SOCKET_IFNAME, NCCL_SOCKET_RETRY_CNT", "vLLM docs: serving/parallelism_scaling (Communication errors: verify reachability, firewall)"],
} satisfies Rule["meta"];

export const rule: Rule = signatureRule(meta, ["nccl.bootstrap", "nccl.bootstrapWeak"], (hits) => {
  const all = hits.map((h) => h.text).join("\n");
  const target = /Connect to (\S+?)(?:<(\d+)>)? failed/.exec(all);
  const noIface = /no socket interface found|no interface found/i.test(all);
  const kind = /refused/i.test(all) ? "connection refused (nothing listening: the peer is not up yet, died, or uses another port)" : /timed? ?out/i.test(all) ? "connection timed out (a firewall drops the packets, or the address is not routable from here)" : /No route to host/i.test(all) ? "no route to host" : noIface ? "no usable network interface matches the NCCL_SOCKET_IFNAME filter" : "the connection failed";
  return {
    message: `NCCL's bootstrap could not connect ranks${target ? ` (to ${target[1]}${target[2] ? ` port ${target[2]}` : ""})` : ""}: ${kind}.`,
    remediation: [
      target
        ? `Check that this node reaches ${target[1]}${target[2] ? ` on port ${target[2]}` : ""} (\`ping ${target[1]}\`${target[2] ? `, \`nc -zv ${target[1]} ${target[2]}\`` : ""}), and that every node reaches every other at the address in its \`Bootstrap : Using\` line.`
        : "Check that every node reaches every other at the address in its `Bootstrap : Using` line (ping, and `nc -zv <ip> <port>` for TCP).",
      "Open the firewall between the nodes for TCP (NCCL picks random ports for bootstrap and proxies).",
      "Pin the interface on all nodes with NCCL_SOCKET_IFNAME (e.g. NCCL_SOCKET_IFNAME=eth0, or ^docker,lo,virbr to exclude virtual ones), and GLOO_SOCKET_IFNAME for torch's store.",
      "On large jobs, raise NCCL_SOCKET_RETRY_CNT / NCCL_SOCKET_RETRY_SLEEP_MSEC if peers start slowly.",
      DEBUG_HINT,
    ],
  };
});
export const check = rule.check;
