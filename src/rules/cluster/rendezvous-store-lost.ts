import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "cluster/rendezvous-store-lost",
  defaultSeverity: "error",
  title: "torchrun's agent lost its c10d rendezvous store after the job had started",
  tags: ["cluster", "launcher", "torchrun", "network"],
  sources: [
    "PyTorch source: torch/distributed/elastic/rendezvous/dynamic_rendezvous.py (_keep_alive and shutdown log 'The node … has failed to send a keep-alive heartbeat to / shutdown the rendezvous … due to an error of type …'); c10d_rendezvous_backend.py (_call_store raises RendezvousConnectionError when a store operation fails)",
    "PyTorch docs: torchrun (Elastic Launch), --rdzv-backend=c10d: the store is hosted by the agent on the --rdzv-endpoint node",
  ],
} satisfies RuleSpec;

/**
 * The agent's keep-alive writes or its leaving the rendezvous could not reach the c10d store that the agent on the
 * rendezvous endpoint hosts: that node's agent exited or the network to it dropped. A leave that fails while the job
 * ends, or after an earlier failure in the same file, is a consequence and only noted.
 */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["torch.rendezvousLost"]);
  if (!hits.length) return [];
  const first = hits[0];
  const keepAlive = hits.filter((h) => h.captures.keepAlive !== undefined);
  const node = first.captures.node;
  const rdzv = first.captures.rdzvId;
  const who = node ? `the agent of node '${node}'` : "torchrun's agent";
  const of = rdzv ? ` of rendezvous '${rdzv}'` : "";
  const failure = ctx.facts.firstError;
  const before = failure !== null && failure.file === first.ev.file && failure.line < first.ev.line;
  const readHost = "Read the log of the node named by --rdzv-endpoint (or MASTER_ADDR): its agent hosts the store, and its own error or its last line says why it went away.";
  if (before || !keepAlive.length) {
    return [{
      severity: "info",
      message: before
        ? `${who[0].toUpperCase()}${who.slice(1)} could not reach the c10d store${of} after the failure at ${failure.file}:${failure.line}: the job was already going down, and the node that hosts the store (the agent on the rendezvous endpoint) had stopped first. That failure is the cause.`
        : `${who[0].toUpperCase()}${who.slice(1)} could not leave the rendezvous${of}: the c10d store was already gone, because the agent on the rendezvous endpoint, which hosts it, exited first. When the job had finished, this is noise at exit; when it had not, that node's exit is the cause.`,
      evidence: hitEvidence(hits.slice(0, 2)),
      remediation: [before ? `Read the failure at ${failure.file}:${failure.line} and the failing rank's own output.` : readHost],
    }];
  }
  return [{
    message: `${who[0].toUpperCase()}${who.slice(1)} lost the c10d store${of} while the job ran: its keep-alive heartbeat failed with RendezvousConnectionError. The store lives in the torchrun agent on the rendezvous endpoint node; that agent exited (its workers failed, it was killed, the node went down) or the network to it dropped, and this agent then stopped its own workers. The cause is on that node, not here.`,
    evidence: hitEvidence(hits.slice(0, 3)),
    remediation: [
      readHost,
      "If that node is healthy, check the network between the nodes for the whole run (a firewall or NAT that drops idle TCP connections, an interface that flaps), and that every node uses the same --rdzv-endpoint.",
      "With --max-restarts above 0 the surviving agents re-form the rendezvous only while the endpoint's agent is alive: host the rendezvous where it outlives the job (an etcd backend, or a node that runs no workers) when nodes can fail.",
    ],
  }];
}

export const rule = defineRule(meta, check);
