import { DEBUG_HINT, signatureCheck } from "./signature-rule.js";
import { privateInterface } from "./wrong-interface.js";
import { defineRule, type RuleSpec } from "../define.js";
import type { RuleContext } from "../types.js";
import { saidBy, signalHits, type Hit } from "../signals.js";
import type { Facts } from "../../facts/schema.js";
import { multiNodeEvidence } from "../helpers.js";

/**
 * Docker's default bridge network (docker0, 172.17.0.0/16): the address a container gets when it runs without host
 * networking, reachable from its own host only. A peer or a store at such an address, on a job that spans nodes, was
 * advertised by a process in such a container (vLLM's get_ip(), torch's MASTER_ADDR, NCCL's bootstrap interface).
 */
function dockerBridgeNote(host: string | undefined, ctx: RuleContext | undefined): string {
  const bridge = /^172\.17\.\d{1,3}\.\d{1,3}$/;
  if (host === undefined || ctx === undefined || !bridge.test(host) || !multiNodeEvidence(ctx).multi) return "";
  // some clusters number their real network inside 172.17.0.0/16 too: only when the log shows a node of this job at an
  // address outside it (a Ray worker's ip=, an interface NCCL uses, vLLM's host IP) is the bridge address out of place
  const { nccl, distributed } = ctx.facts;
  const seen = [...(nccl.workerIps ?? []), ...(nccl.interfaces ?? []).map((i) => i.address), distributed.hostIp ?? ""];
  if (!seen.some((a) => /^\d{1,3}(?:\.\d{1,3}){3}$/.test(a) && !bridge.test(a))) return "";
  return ` ${host} is in Docker's default bridge network (docker0, 172.17.0.0/16), an address a container gets on its own host, which other nodes cannot reach: the process that advertised it runs in a container without host networking (or picked its docker0 interface).`;
}
const DOCKER_BRIDGE_FIX = "Run the containers with host networking (`docker run --network host`, hostNetwork: true on Kubernetes), or advertise each node's routable address: VLLM_HOST_IP (for vLLM on Ray: also `ray start --node-ip-address`), MASTER_ADDR, and NCCL_SOCKET_IFNAME / GLOO_SOCKET_IFNAME set to the host's interface.";

export const meta = {
  id: "nccl/bootstrap-failure",
  defaultSeverity: "error",
  title: "NCCL ranks cannot connect to each other (bootstrap / socket)",
  tags: ["nccl", "error", "network", "startup"],
  sources: ["NCCL User Guide: troubleshooting.html (IP network interfaces), env.html NCCL_SOCKET_IFNAME, NCCL_SOCKET_RETRY_CNT", "vLLM docs: serving/parallelism_scaling (Communication errors: verify reachability, firewall)", "Docker docs: network/drivers/bridge (the default bridge network docker0, 172.17.0.0/16; --network host)", "PyTorch source: torch/csrc/distributed/c10d/TCPStore.cpp (a store wait that ran out: 'wait timeout after <ms>ms, keys: …', DistStoreError); torch/distributed/distributed_c10d.py _new_process_group_helper (the Gloo helper group of _create_process_group_wrapper under TORCH_DISTRIBUTED_DEBUG=DETAIL)"],
} satisfies RuleSpec;

function explain(all: Hit[], ctx: RuleContext): { message: string; remediation: string[] } {
  // PyTorch's c10d store: the rendezvous every rank reaches first, then its fetch of NCCL's unique id through it, both
  // before any NCCL connection; Gloo's CPU group, whose ranks connect to each other right after the store
  const store = all.filter((h) => h.id === "torch.storeConnect");
  const idFetch = all.filter((h) => h.id === "torch.uniqueIdStore");
  const waits = all.filter((h) => h.id === "torch.storeWait");
  const gloo = all.filter((h) => h.id === "torch.glooConnect");
  const listen = all.filter((h) => h.id === "torch.storeListen");
  const rdzv = all.filter((h) => h.id === "torch.rendezvousTimeout");
  const hits = all.filter((h) => !h.id.startsWith("torch."));
  if (!hits.length) {
    if (idFetch.length) return uniqueIdFailure(idFetch);
    if (store.length) return storeFailure(store, ctx.facts, ctx);
    if (waits.length) return storeWaitFailure(waits);
    if (rdzv.length && !gloo.length && !listen.length) return rendezvousTimeoutFailure(rdzv, ctx);
    return gloo.length ? glooFailure(gloo, ctx) : storeListenFailure(listen);
  }
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
  const docker = dockerBridgeNote(target?.host, ctx);
  const pin = privateInterface(ctx);
  const pinText = pin ? `NCCL_SOCKET_IFNAME=${pin.name} (the interface with ${pin.addr} in this log)` : "NCCL_SOCKET_IFNAME=<the interface the nodes share>";
  // the same socket WARN (`socketStartConnect: Connect to ... failed`) comes from the bootstrap and from a transport's
  // connection to its peer (the proxy's connect of net.cc, a net plugin's out-of-band socket): the `-> 2` chain says
  // which, bootstrap.cc for the first, the transport's files alone for the second (bootstrap had worked then)
  const chainFiles = signalHits(ctx, ["nccl.systemErrorReturn"]).flatMap((h) => (h.captures.chainFile === undefined ? [] : [h.captures.chainFile]));
  const transportConnect =
    chainFiles.length > 0 && !chainFiles.some((f) => /(?:^|\/)bootstrap\.cc$/.test(f)) && chainFiles.some((f) => /(?:^|\/)(?:transport\/net\w*|proxy)\.cc$/.test(f));
  const who = transportConnect ? "NCCL's network transport could not connect ranks" : "NCCL's bootstrap could not connect ranks";
  // no WARN named the call: only the `-> 2` chain from the socket code up through bootstrap.cc says it (bootstrapChains)
  const chainOnly = hits.every((h) => h.id === "nccl.systemErrorReturn");
  const errno = hits.map((h) => h.captures.chainErrno).find((t) => t !== undefined);
  const chainNote = chainOnly ? ` No NCCL WARN names the failing call: the error-return chain runs from the socket code (${hits.find((h) => h.captures.chainFile !== undefined && SOCKET_FILE.test(h.captures.chainFile))?.captures.chainFile ?? "misc/socket.cc"}${errno ? `, errno ${errno}` : ""}) up through bootstrap.cc with ncclSystemError (2).${errno && /in progress/i.test(errno) ? " The non-blocking connect had not completed (EINPROGRESS): the peer's address is not reachable from here, or a firewall drops the packets." : ""}` : "";
  return {
    message: `${who}${target ? ` (to ${target.host}${target.port ? ` port ${target.port}` : ""})` : ""}: ${kind}.${chainNote}${linkLocal6 ? ` ${target.host.split("%")[0]} is an IPv6 link-local address, which other nodes cannot reach: NCCL picked an interface that has no routable address.` : ""}${linkLocal4 ? ` ${target.host} is an IPv4 link-local address (169.254.0.0/16), which other nodes cannot reach: the peer's NCCL took an interface whose only address is self-assigned or node-local (a dummy or virtual one) and advertised it.` : ""}${docker}`,
    remediation: [
      ...(docker ? [DOCKER_BRIDGE_FIX] : []),
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
}

/** the lines that say it; the `-> 2` chains through bootstrap.cc only when none does (their own count, not the WARNs') */
const named = signatureCheck(["nccl.bootstrap", "nccl.bootstrapWeak", "torch.uniqueIdStore", "torch.storeConnect", "torch.storeWait", "torch.glooConnect", "torch.storeListen", "torch.rendezvousTimeout"], explain, (h, ctx) => !midRunRendezvous(h, ctx));
const chained = signatureCheck(["nccl.systemErrorReturn"], explain, (h, ctx) => bootstrapChains(ctx).has(`${h.input}|${h.ev.line}`));
export const rule = defineRule(meta, (ctx) => {
  const found = named(ctx);
  return found.length ? found : chained(ctx);
});
export const check = rule.check;

/**
 * torchrun's `RendezvousConnectionError` (the store named by nothing else) in a log whose agent had already met the
 * others and then lost the store (its keep-alive failed: cluster/rendezvous-store-lost): no start-up connection failed.
 */
function midRunRendezvous(h: Hit, ctx: RuleContext): boolean {
  if (h.id !== "torch.storeConnect") return false;
  const c = h.captures;
  if (c.rendezvous === undefined || c.target !== undefined || c.after !== undefined || c.anyAddress !== undefined || c.joined !== undefined || c.connectTimedOut !== undefined) return false;
  return (ctx.signals["torch.rendezvousLost"]?.lines ?? []).some((l) => l.captures.keepAlive !== undefined);
}

/**
 * torchrun's agents that never all met in the rendezvous before its deadline (torch.rendezvousTimeout): no worker was
 * started, so neither NCCL nor the process group was reached. An agent waits there for the others its --nnodes counts.
 */
function rendezvousTimeoutFailure(hits: Hit[], ctx: RuleContext): { message: string; remediation: string[] } {
  const detail = hits.find((h) => h.captures.detail !== undefined)?.captures.detail;
  const multi = multiNodeEvidence(ctx).multi;
  return {
    message: `torchrun's rendezvous timed out${detail ? ` (${detail})` : ""}: this agent waited for the other agents its --nnodes counts and not all of them joined before the deadline, so no worker process was started. The other nodes' agents were not started, could not reach the rendezvous endpoint, or joined another rendezvous (a different --rdzv-id, --rdzv-endpoint or --nnodes). NCCL was not reached yet.`,
    remediation: [
      "Check that torchrun runs on every node of the job with the same --nnodes, --rdzv-backend, --rdzv-id and --rdzv-endpoint (on SLURM: one srun task per node, the endpoint taken from the first node of $SLURM_JOB_NODELIST).",
      `Check that every node reaches the rendezvous endpoint's host and port (\`nc -zv <host> <port>\`)${multi ? "" : ", and that the nodes were actually allocated to this job"}; read the other nodes' output for an agent that failed before joining.`,
      "If some nodes start much later (a slow image pull, a queue), raise the join timeout (--rdzv-conf join_timeout=<seconds>, 600 by default).",
    ],
  };
}

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

/**
 * A rank that reached torch's c10d store and waited there in vain for the keys the other ranks of a process group write
 * when they create it (grammars/signatures.ts torch.storeWait): the store answered, the other ranks never came that far.
 */
function storeWaitFailure(hits: Hit[]): { message: string; remediation: string[] } {
  const cap = (k: string) => hits.find((h) => h.captures[k] !== undefined)?.captures[k];
  const ms = cap("afterMs");
  const keys = cap("keys");
  const after = ms === undefined ? "" : Number(ms) % 60000 === 0 ? ` ${Number(ms) / 60000} min` : ` ${Number(ms) / 1000} s`;
  const wrapper = hits.some((h) => h.captures.pgWrapper !== undefined);
  return {
    message: `A rank waited${after} in torch's c10d store for the key${keys ? ` ${keys}` : "s"} that the other ranks of the same process group write when they create it, and it never came. This rank reached the store (its address and port work); the other ranks did not reach the same step in time: they crashed or hung before it, were still loading, or were started with another world size or rank layout.${wrapper ? " The key is that of the Gloo helper group PyTorch adds to every group when TORCH_DISTRIBUTED_DEBUG=DETAIL is set, which connects every pair of ranks over TCP." : ""} This is PyTorch's process group set-up, before any NCCL call.`,
    remediation: [
      "Read the other ranks' own output (each node's, each worker's): the first error there, or the rank whose last line is the furthest behind, is the cause; this rank only waited for it.",
      "Check that every node runs the same command and versions with the same world size (for vLLM: the same --tensor-parallel-size, --pipeline-parallel-size and data parallel settings on every node) and that all of them were started.",
      ...(wrapper ? ["Unset TORCH_DISTRIBUTED_DEBUG (or set it to INFO) unless you are debugging PyTorch itself; if it must stay, pin Gloo to the interface the nodes share with GLOO_SOCKET_IFNAME."] : ["Across nodes, pin Gloo and NCCL to the interface the nodes share (GLOO_SOCKET_IFNAME, NCCL_SOCKET_IFNAME): a rank that cannot connect to its peers never finishes creating the group."]),
      "If some ranks legitimately start much later (a slow image pull or model load on one node), start them together or raise the process group's timeout.",
    ],
  };
}

/**
 * A rank that could not reach torch's c10d store (MASTER_ADDR:MASTER_PORT, torchrun's rendezvous endpoint), or the
 * store's server that waited in vain for the other ranks (grammars/signatures.ts torch.storeConnect).
 */
function storeFailure(hits: Hit[], facts?: Facts, ctx?: RuleContext): { message: string; remediation: string[] } {
  const cap = (k: string) => hits.find((h) => h.captures[k] !== undefined)?.captures[k];
  const target = cap("target");
  const port = cap("port");
  // torch ≤1.10's client named no address, only the timeout in ms
  const oldMs = cap("oldTimeoutMs");
  const after = cap("after") ?? (oldMs !== undefined ? `${oldMs}ms` : undefined);
  const joined = cap("joined");
  const expected = cap("expected");
  const where = target ? `${target}${port ? ` port ${port}` : ""}` : "the master's address";
  // a host name of digits alone is read by the resolver as one 32-bit IPv4 address (inet_aton: `6841231` is 0.104.99.143)
  const digits = target !== undefined && /^\d{1,10}$/.test(target) ? Number(target) : null;
  const asAddress = digits !== null && digits <= 0xffffffff ? [24, 16, 8, 0].map((b) => (digits >>> b) & 255).join(".") : null;
  const loopback = target !== undefined && /^(?:127\.\d+\.\d+\.\d+|localhost|::1)$/.test(target);
  const docker = dockerBridgeNote(target, ctx);
  const client = target !== undefined || after !== undefined || hits.some((h) => h.captures.anyAddress !== undefined || h.captures.connectTimedOut !== undefined);
  const server = joined !== undefined && expected !== undefined;
  const said = [
    client ? `could not connect to torch's c10d store at ${where}${after ? ` (it gave up after ${after})` : hits.some((h) => h.captures.anyAddress !== undefined) ? " (no address of it answered)" : ""}` : "",
    server ? `${client ? "and the store" : "The c10d store"} waited ${cap("waitSec") ?? "its timeout"} s for the ranks, but only ${joined} of ${expected} joined` : "",
    !client && !server && hits.some((h) => h.captures.rendezvous !== undefined) ? "torchrun's agent could not connect to its c10d rendezvous store (--rdzv_endpoint)" : "",
  ].filter(Boolean);
  const what = said.join("; ");
  // vLLM with data parallel: the rendezvous counts every rank of every DP engine (TP × PP × DP, parallel_state.py
  // init_distributed_environment), each engine a process of its own; V0 never starts the other DP engines itself (only
  // V1's front end launches the local ones), so its store waits for ranks nobody started
  const cfg = facts?.config;
  const dp = cfg?.dataParallelSize ?? null;
  const dpWorld = server && dp !== null && dp > 1 && Number(expected) === (cfg?.tensorParallelSize ?? 1) * (cfg?.pipelineParallelSize ?? 1) * dp;
  const v0 = facts?.vllm.engine === "v0";
  const dpText = dpWorld
    ? ` The store counts the ranks of all ${dp} data parallel engines (TP × PP × DP = ${expected}), each engine a process of its own${v0 ? ": vLLM's V0 engine never starts the other data parallel engines itself, so their ranks never came" : ""}.`
    : "";
  const dpAdvice = !dpWorld
    ? []
    : v0
      ? ["Run data parallel on the V1 engine (drop VLLM_USE_V1=0: V1's front end starts every local data parallel engine), or run one server per replica behind a load balancer: a V0 server only joins a data parallel group whose other engines something else starts."]
      : ["Start every data parallel engine the group counts: on the other nodes `vllm serve ... --headless --data-parallel-start-rank <first rank of that node> --data-parallel-size-local <n>` with the same --data-parallel-size, --data-parallel-address and --data-parallel-rpc-port; then read the output of the engines that did not join."];
  return {
    message: `${client ? `A rank ${what}` : what}. This is PyTorch's rendezvous (init_process_group / torchrun), which comes before any NCCL call: no NCCL network setting is involved yet.${dpText}${asAddress ? ` The host name ${target} is all digits, which the resolver reads as the IPv4 address ${asAddress}: set MASTER_ADDR to the master's real name or address.` : ""}${loopback ? ` ${target} is this machine itself: on a multi-node job every node must use the address of the node where rank 0 runs.` : ""}${docker}`,
    remediation: [
      ...(docker ? [DOCKER_BRIDGE_FIX] : []),
      ...dpAdvice,
      server && !client
        ? "The ranks that did not join never reached this store: read their own output (they may have crashed before init_process_group, still be starting, or use another MASTER_ADDR, MASTER_PORT or world size)."
        : "Check that the store is up where the ranks look for it: rank 0 (or torchrun's agent on the node named by --rdzv_endpoint) starts it, so it must be running, and started with the same MASTER_ADDR, MASTER_PORT (or rendezvous endpoint) and world size as every other node.",
      target
        ? `From this node, check that ${target}${port ? ` port ${port}` : ""} is reachable (\`ping ${target}\`${port ? `, \`nc -zv ${target} ${port}\`` : ""}) and that the name resolves to the address the master listens on; open the port in the firewall or security group.`
        : "From every node, check that MASTER_ADDR resolves and that MASTER_PORT is reachable (`nc -zv <addr> <port>`); open the port in the firewall or security group.",
      "A script that sets os.environ['MASTER_PORT'] (or MASTER_ADDR) itself overrides what torchrun chose: the ranks then look for a store nobody started.",
      "If some nodes start much later than others (a queue, a slow image pull), start them together or raise the rendezvous timeout (init_process_group(timeout=...), torchrun --rdzv_conf timeout=...).",
    ],
  };
}

/**
 * Ranks that reached torch's c10d store but could not connect Gloo's TCP pairs to each other (grammars/signatures.ts
 * torch.glooConnect): each rank binds to the address its host name resolves to (or GLOO_SOCKET_IFNAME's interface),
 * publishes it through the store, and every other rank connects to it.
 */
function glooFailure(hits: Hit[], ctx: RuleContext): { message: string; remediation: string[] } {
  const cap = (k: string) => hits.find((h) => h.captures[k] !== undefined)?.captures[k];
  const peer = cap("peer");
  const reason = cap("reason");
  const loopback = signalHits(ctx, ["torch.glooLoopback"]);
  const peerLoopback = peer !== undefined && /^\[(?:127\.|::1\])/.test(peer);
  const multi = multiNodeEvidence(ctx).multi;
  const why = loopback.length
    ? ` A rank warned that its host name resolves to no local address and bound Gloo to the loopback address${multi ? ", which no other node can reach" : ""}.`
    : peerLoopback
      ? ` The peer's address ${peer} is a loopback address: its host name resolves to 127.x (an /etc/hosts entry), which ${multi ? "no other node can reach" : "only works when every rank runs on that machine"}.`
      : "";
  return {
    message: `Torch's Gloo process group (the CPU-side group PyTorch and vLLM create beside NCCL's) could not connect its ranks to each other${peer ? ` (connect to ${peer}${reason && reason !== "no error" ? `: ${reason}` : ""})` : reason && reason !== "no error" ? ` (${reason})` : ""}. The ranks had found each other through the c10d store; then each one connects to the address every other published, and some of those connections failed.${why} This comes before any NCCL call: no NCCL setting is involved yet.`,
    remediation: [
      "Set GLOO_SOCKET_IFNAME on every node to the interface the nodes share (the one whose address the others reach, e.g. GLOO_SOCKET_IFNAME=eth0), and NCCL_SOCKET_IFNAME the same way; for vLLM also VLLM_HOST_IP to this node's address on it.",
      "Check that each node's host name resolves to its routable address, not 127.0.1.1 (`getent hosts $(hostname)`; fix /etc/hosts), since Gloo binds to it when no interface is named.",
      "Open TCP between the nodes in the firewall or security group (Gloo listens on random ports), and run containers with host networking so that the published addresses are reachable.",
    ],
  };
}

/** torch's c10d store server could not listen on its port for a reason other than the port being taken (vllm/port-in-use's). */
function storeListenFailure(hits: Hit[]): { message: string; remediation: string[] } {
  const cap = (k: string) => hits.find((h) => h.captures[k] !== undefined)?.captures[k];
  const port = cap("port");
  // Linux errno numbers, for a line cut after its complete code but before the name
  const byCode: Record<string, string> = { "97": "EAFNOSUPPORT", "98": "EADDRINUSE", "99": "EADDRNOTAVAIL" };
  const code = cap("code");
  const name = cap("errName") ?? (code !== undefined ? byCode[code] : undefined);
  const text = cap("errText");
  const reason = name ? (text ? `${name}: ${text}` : name) : code !== undefined ? `code -${code}` : null;
  const notLocal = name === "EADDRNOTAVAIL";
  const taken = name === "EADDRINUSE";
  const ipv6 = cap("ipv6") !== undefined && name === "EAFNOSUPPORT";
  return {
    message: `The c10d store's server (rank 0, which every other rank connects to first) could not listen${port ? ` on port ${port}` : ""}${reason ? ` (${reason})` : ": the line was cut before its reason"}.${taken ? " Another process holds that port (an earlier server, or its leftover workers)." : ""}${notLocal ? " The address it was told to listen on (MASTER_ADDR, or the host of vLLM's distributed_init_method from VLLM_HOST_IP) is not an address of this machine." : ""}${ipv6 ? " IPv6 is off on this host while the store was asked to use it." : ""} This is PyTorch's rendezvous, before any NCCL call.`,
    remediation: [
      ...(notLocal ? ["Set MASTER_ADDR (for vLLM: VLLM_HOST_IP) on the node of rank 0 to one of its own addresses (`ip -br addr`); in a container with its own network namespace, the host's address is not the container's."] : []),
      ...(ipv6 ? ["Give the store an IPv4 address (MASTER_ADDR, VLLM_HOST_IP), or enable IPv6 on the host."] : []),
      reason
        ? "Check the port and address the store was given: the port must be free and at most 65535, the address one of this machine's."
        : "Find the whole line (the reason follows `code:`): EADDRINUSE is a port another process holds (an earlier server or its leftover workers), EADDRNOTAVAIL an address that is not this machine's.",
    ],
  };
}

/** the socket code's files: `misc/socket.cc` (2.12+), `include/socket.h` (before) */
const SOCKET_FILE = /(?:^|\/)socket\.(?:cc|h)$/;
const BOOTSTRAP_CHAINS = new WeakMap<RuleContext, ReadonlySet<string>>();

/**
 * The `-> 2` returns of NCCL threads whose ncclSystemError travelled from the socket code up through bootstrap.cc
 * (`misc/socket.cc:505 -> 2 (Operation now in progress)`, …, `bootstrap.cc:275 -> 2`, `init.cc:1493 -> 2`): a bootstrap
 * connection between ranks that failed where NCCL printed no WARN naming the call (2.18's socket progress path logs
 * only the errno). A chain of the transports' files alone (net.cc, proxy.cc) is a transport's connection, not this.
 */
function bootstrapChains(ctx: RuleContext): ReadonlySet<string> {
  let set = BOOTSTRAP_CHAINS.get(ctx);
  if (set !== undefined) return set;
  const byThread = new Map<string, Hit[]>();
  for (const h of signalHits(ctx, ["nccl.systemErrorReturn"])) {
    const key = `${h.input}|${h.captures.chainThread ?? ""}`;
    byThread.set(key, [...(byThread.get(key) ?? []), h]);
  }
  const keep = new Set<string>();
  for (const chain of byThread.values()) {
    const files = chain.map((h) => h.captures.chainFile ?? "");
    const sock = files.findIndex((f) => SOCKET_FILE.test(f));
    if (sock >= 0 && files.some((f, i) => i > sock && /(?:^|\/)bootstrap\.cc$/.test(f))) for (const h of chain) keep.add(`${h.input}|${h.ev.line}`);
  }
  BOOTSTRAP_CHAINS.set(ctx, keep);
  return keep;
}
