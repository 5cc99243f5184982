import type { Evidence } from "../../model.js";
import type { RuleContext } from "../types.js";
import { signalHits } from "../signals.js";

/**
 * An NCCL environment variable's value and the line that shows it, from `facts.env` (NCCL's own
 * `X set by environment to V` first, then a line that sets it: `export`, `env` output, `NAME=v cmd`, `-e NAME=v`).
 */
export function ncclEnv(ctx: RuleContext, name: string): { value: string; ev: Evidence | null } | null {
  const f = ctx.facts;
  const v = f.env?.[name];
  if (v !== undefined) return { value: v, ev: f.sources[`env.${name}`] ?? null };
  const n = f.nccl.env[name];
  if (n !== undefined) return { value: n, ev: f.sources[`nccl.env.${name}`] ?? null };
  return null;
}

/** Whether NCCL's network is TCP sockets, with the lines that say so. */
export function socketNetwork(ctx: RuleContext): { socket: boolean; connections: number; evidence: Evidence[] } {
  const n = ctx.facts.nccl;
  const lines = signalHits(ctx, ["nccl.usingSocket"]);
  const connections = n.transports["NET/Socket"] ?? 0;
  const socket = n.net === "Socket" || connections > 0 || lines.length > 0;
  const evidence = lines.slice(0, 5).map((h) => h.ev);
  if (socket && !evidence.length && ctx.facts.sources["nccl.net"]) evidence.push(ctx.facts.sources["nccl.net"]);
  return { socket, connections, evidence };
}
