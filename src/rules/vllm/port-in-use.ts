import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/port-in-use",
  defaultSeverity: "error",
  title: "A port vLLM needs is already in use",
  tags: ["vllm", "network", "startup"],
  sources: [
    "vLLM docs: serving/openai_compatible_server (--host/--port), usage/troubleshooting.md",
    "vLLM docs: configuration/env_vars (VLLM_PORT: the base port of vLLM's internal communication)",
    "vLLM source: vllm/entrypoints/openai/api_server.py create_server_socket; vllm/utils get_open_port",
    "PyTorch docs: distributed (TCPStore, MASTER_PORT)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.portInUse"]);
  if (!hits.length) return [];
  const first = (k: string) => hits.map((h) => h.captures[k]).find((v) => v !== undefined);
  const apiPort = first("port");
  const storePort = first("store") !== undefined ? first("storePort") : undefined;
  const zmqPort = first("zmq") !== undefined ? first("zmqPort") : undefined;
  const where =
    apiPort !== undefined
      ? `the API server's port ${apiPort}${first("host") ? ` on ${first("host")}` : ""}`
      : first("store") !== undefined
        ? `the torch.distributed store's port${storePort ? ` ${storePort}` : ""} (the rendezvous of vLLM's workers)`
        : first("zmq") !== undefined
          ? `a port of vLLM's ZMQ sockets${zmqPort ? ` (${zmqPort})` : ""} (the engine handshake or data parallel RPC)`
          : "a port it binds";
  const port = apiPort ?? storePort ?? zmqPort;
  const remediation: string[] = [
    port
      ? `Find what holds port ${port} (\`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\`): usually an earlier vLLM, or its leftover worker processes, that did not exit; stop it, or wait until it is gone.`
      : "Find the process that holds the port (`ss -ltnp`, `lsof -i`): usually an earlier vLLM, or its leftover worker processes, that did not exit; stop it.",
  ];
  if (apiPort !== undefined) remediation.push("Or serve on another port: `vllm serve ... --port <free port>` (and point clients and health checks at it).");
  else if (first("store") !== undefined) remediation.push("Or give the distributed set-up other ports: VLLM_PORT for vLLM's own, --master-port (multi-node multiprocessing) or MASTER_PORT for torch's store; two vLLM instances on one host need ports that do not overlap.");
  else if (first("zmq") !== undefined) remediation.push("Or choose other ports for the data parallel RPC (--data-parallel-rpc-port) and VLLM_PORT, so that instances on one host do not share them.");
  else remediation.push("Or move the instance to free ports (--port, VLLM_PORT), so that two servers on one host do not share them.");
  return [{
    message: `vLLM could not bind ${where}: another process already uses it, so the server or its distributed set-up cannot start.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
