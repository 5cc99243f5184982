import type { EventBase } from "./types.js";
import type { SignalEvent } from "./common.js";
import type { IbHca, NcclWarnKind } from "../../grammars/nccl-messages.js";

/** Who printed an NCCL record, from its `host:pid:tid [dev]` prefix (null where the prefix lacks it). */
export interface NcclWho {
  host: string | null;
  pid: number | null;
  /** the CUDA device of the printing thread; not the rank */
  dev: number | null;
}

/** One `... via X` connection record. */
export interface NcclConnectionEvent extends EventBase, NcclWho {
  kind: "nccl.connection";
  channel: number;
  connIndex: number | null;
  from: number;
  /** CollNet lines name one rank: then `to` equals `from` */
  to: number;
  /** hex bus id before 2.18.3, NVML index after, as printed */
  fromDev: string | null;
  toDev: string | null;
  direction: "send" | "receive" | null;
  via: string;
  /** the CONTRACT's transport kind of `via` */
  transport: string;
  /** the communicator (`comm 0x…` pointer within the process): the line's own suffix, else the one its thread or process set up last */
  comm: string | null;
}

/**
 * The NCCL version, from the banner, an INFO line, vLLM's `nccl==`, PyTorch's `NCCL version` suffix, or nccl-tests'
 * `nccl-library=NNNNN` (the library the test ran with, as ncclGetVersion gave it).
 */
export interface NcclVersionEvent extends EventBase, NcclWho {
  kind: "nccl.version";
  version: string;
  cuda: string | null;
  source: "banner" | "info" | "nccl-tests" | "vllm" | "pytorch";
}

/** `Using network X` (or 2.2's `Using internal Network X`). */
export interface NcclNetworkEvent extends EventBase, NcclWho {
  kind: "nccl.network";
  printed: string;
  /** IB, Socket, OFI or the plugin's name */
  net: string;
}

/** What the network transports report at init: IB HCAs, socket interfaces, OFI, or no IB device. */
export interface NcclNetDevicesEvent extends EventBase, NcclWho {
  kind: "nccl.netDevices";
  transport: "ib" | "ib-legacy" | "ib-none" | "socket" | "ofi";
  hcas: IbHca[];
  ifaces: string[];
  /** the device list was cut out of the paste (`NET/IB : Using ...`): the HCAs are unknown, not none */
  listElided?: boolean;
}

/**
 * A `NET/Plugin ...` line: NCCL's net plugin loader. Its place among its process's lines dates the start: NCCL ≤2.4 set
 * the socket transport up before it, for the bootstrap (init.cc initNet: `Always initialize sockets as we use it for
 * bootstrap`, then the plugin, then IB), so a `NET/Socket : Using` line ahead of it lists bootstrap interfaces; from
 * 2.5 `Bootstrap : Using` comes first and the socket transport starts only after the plugin and IB gave up.
 */
export interface NcclNetPluginEvent extends EventBase, NcclWho {
  kind: "nccl.netPlugin";
}

/**
 * `Bootstrap : Using ...`: the out-of-band interfaces. NCCL ≤2.3 printed one `NET : Using interface name:address` line
 * per interface instead, for the bootstrap's one interface and again for the socket transport's list: `legacyIndex` is
 * the line's place in its thread's run of such lines (the single interface a run names past its first is the socket
 * transport's).
 */
export interface NcclBootstrapEvent extends EventBase, NcclWho {
  kind: "nccl.bootstrap";
  ifaces: string[];
  legacyIndex?: number;
}

/** `NCCL_X set by environment to Y`. */
export interface NcclEnvEvent extends EventBase, NcclWho {
  kind: "nccl.env";
  name: string;
  value: string;
}

/** `comm 0x.. rank R nranks N ... - Init START|COMPLETE`. */
export interface NcclInitEvent extends EventBase, NcclWho {
  kind: "nccl.init";
  phase: "START" | "COMPLETE";
  comm: string | null;
  rank: number | null;
  nranks: number | null;
  nvmlDev: number | null;
  busId: string | null;
  commId: string | null;
  /** a child communicator's parent (`ncclCommSplit` / `ncclCommShrink … parent 0x… color C`): pointer and colour */
  parent?: string;
  color?: number;
}

/** A global rank id seen outside connection and init lines. */
export interface NcclRankEvent extends EventBase, NcclWho {
  kind: "nccl.rank";
  rank: number;
  nranks: number | null;
  /** commSummary, initTimings, pytorch, duplicateGpu, fromRank, rankOf, ncclTests, app */
  source: string;
  nNodes?: number;
  localRanks?: number;
  /** the communicator (`comm 0x…` pointer, within its process) the line is about, when known */
  comm?: string | null;
  /** `bootstrapSplit: comm 0x… parent 0x… … color C`: the child communicator's parent pointer and colour */
  parent?: string;
  color?: number;
}

/**
 * The tail of a connection record whose head was printed on an earlier line, glued to another process's record by
 * interleaving (`-> 6[2] via P2P/CUMEM/read`, `receive] via NET/AWS Libfabric/1/GDRDMA` alone on a line): the connection
 * counts in the transports, though its channel and first rank are not known.
 */
export interface NcclConnectionTailEvent extends EventBase {
  kind: "nccl.connectionTail";
  via: string;
  transport: string;
  to: number | null;
}

/** A host seen in an NCCL prefix (or in an nccl-tests header), once per reader. */
export interface NcclHostEvent extends EventBase, NcclWho {
  kind: "nccl.host";
}

/** GPU Direct RDMA Enabled/Disabled lines. */
export interface NcclGdrEvent extends EventBase, NcclWho {
  kind: "nccl.gdr";
  enabled: boolean;
  scope: "hca" | "gpu";
}

/** An `NCCL WARN` record (benign or not), classified for the rules. */
export interface NcclWarnEvent extends EventBase, NcclWho {
  kind: "nccl.warn";
  warnKind: NcclWarnKind;
  message: string;
  benign: boolean;
  /**
   * the record is a cut copy of a benign WARN printed earlier from the same call site (benign for that reason only):
   * the line its text is on (the record may begin at the blank line NCCL writes first), which the signatures, reading
   * each line alone, took for a failure (src/facts/signals.ts drops them there)
   */
  cutCopyLine?: number;
  /** source file:line of the WARN */
  src: string | null;
  func: string | null;
  /** a rank the message names, when it names one */
  rank: number | null;
}

/** An error-return line `file.cc:NNN -> N`. */
export interface NcclErrorReturnEvent extends EventBase, NcclWho {
  kind: "nccl.errorReturn";
  src: string;
  code: number;
  thread: string | null;
}

/** NVLS or CollNet lines (NVLS prints no `via` lines). */
/**
 * The `ncclras` client's job summary (ras/client_support.cc, 2.24+): the job's node count from its totals table, a
 * `  Nodes  Processes ..` header over a `(total) ..` line over the numbers (`      4          8            1  ..`).
 */
export interface NcclRasNodesEvent extends EventBase {
  kind: "nccl.rasNodes";
  nodes: number;
}

export interface NcclFeatureEvent extends EventBase, NcclWho {
  kind: "nccl.feature";
  feature: "nvls" | "collnet";
  text: string;
}

/** Per rank (or per process and communicator) counts of collective calls, TRACE and proxy chatter; emitted once at the end. */
export interface NcclActivityEvent extends EventBase {
  kind: "nccl.activity";
  entries: { host: string | null; pid: number | null; comm: string | null; rank: number | null; collectives: number; lastOpCount: string | null; lastCollective: string | null; trace: number; proxy: number }[];
  /** set when the bounded maps overflowed */
  notice?: string;
}

/** The network named by other evidence: `NET/IB :`, `NET/OFI` or a socket data-path WARN (`NET/Socket : .. message truncated`) inside error text, `Using internal Network`. */
export interface NcclNetHintEvent extends EventBase {
  kind: "nccl.netHint";
  net: string;
}

/** What vLLM and Ray prefixes say about a process: its node address and parallel coordinates. */
export interface NcclProcessEvent extends EventBase {
  kind: "nccl.process";
  pid: number;
  ip: string | null;
  host: string | null;
  rank: number | null;
  tp: number | null;
  pp: number | null;
  dp: number | null;
}

/** Connection lines the fact domain keeps per transport kind as evidence (the first ones of each input). */
export const CONN_SAMPLES = 16;

/** The NCCL events a line the fast path folds may stand for (see NcclRepeatEvent). */
export type NcclFoldedEvent = NcclConnectionEvent | NcclVersionEvent | NcclNetworkEvent | NcclNetDevicesEvent | NcclNetPluginEvent | NcclBootstrapEvent | NcclEnvEvent | NcclGdrEvent;

/**
 * `n` lines of one text after one header that the fast path folded (src/events/nccl-fast-counter.ts): the facts are
 * those of `of` (the event the first line of that text made) read `n` times, of communicator `comm` for a connection,
 * `ev` being the first of the lines and `last` the last. Made only once the event store holds all it keeps of
 * `of.kind` and the fact domain all its samples (so neither would have kept one of them); not kept in the store itself.
 */
export interface NcclRepeatEvent extends EventBase {
  kind: "nccl.repeat";
  of: NcclFoldedEvent;
  /** the signal each line also made (a hard one, its signature's first lines all kept: see src/classify.ts) */
  signal?: SignalEvent;
  comm: string | null;
  n: number;
  last: number;
}

export type NcclEvent =
  | NcclRepeatEvent
  | NcclConnectionEvent
  | NcclVersionEvent
  | NcclNetworkEvent
  | NcclNetDevicesEvent
  | NcclNetPluginEvent
  | NcclBootstrapEvent
  | NcclEnvEvent
  | NcclInitEvent
  | NcclRankEvent
  | NcclHostEvent
  | NcclConnectionTailEvent
  | NcclGdrEvent
  | NcclWarnEvent
  | NcclErrorReturnEvent
  | NcclFeatureEvent
  | NcclRasNodesEvent
  | NcclActivityEvent
  | NcclProcessEvent
  | NcclNetHintEvent;
