import type { Evidence } from "../../model.js";
import type { RuleContext } from "../types.js";
import { findHits } from "../helpers.js";

/** An NCCL environment variable's value, from the facts or from its `X set by environment to V` echo. */
export function ncclEnv(ctx: RuleContext, name: string): { value: string; ev: Evidence | null } | null {
  const v = ctx.facts.nccl.env[name];
  const hits = findHits(ctx.events, new RegExp(`\\b${name} set (?:by environment )?to ([^\\s.]+(?:\\.\\d+)?)`));
  if (v !== undefined) return { value: v, ev: hits[0]?.ev ?? ctx.facts.sources[`nccl.env.${name}`] ?? null };
  if (hits.length) return { value: hits[0].match[1].replace(/\.$/, ""), ev: hits[0].ev };
  // an environment echo or a launcher line: `NCCL_P2P_DISABLE=1`, `declare -x NCCL_SOCKET_IFNAME="eth0"`, `-e NCCL_...=...`
  const echo = findHits(ctx.events, new RegExp(`(?:^|[\\s,;:(])${name}=["']?([^\\s,;"')]+)`));
  if (echo.length) return { value: echo[0].match[1].replace(/\.$/, ""), ev: echo[0].ev };
  return null;
}

/** Whether NCCL's network is TCP sockets, with the lines that say so. */
export function socketNetwork(ctx: RuleContext): { socket: boolean; connections: number; evidence: Evidence[] } {
  const n = ctx.facts.nccl;
  const using = findHits(ctx.events, /Using network Socket\b/);
  const via = findHits(ctx.events, /via NET\/Socket/);
  const connections = Math.max(n.transports["NET/Socket"] ?? 0, via.length);
  const socket = n.net === "Socket" || connections > 0 || using.length > 0;
  const evidence = [...using.slice(0, 2).map((h) => h.ev), ...via.slice(0, 3).map((h) => h.ev)];
  if (socket && !evidence.length && ctx.facts.sources["nccl.net"]) evidence.push(ctx.facts.sources["nccl.net"]);
  return { socket, connections, evidence };
}
