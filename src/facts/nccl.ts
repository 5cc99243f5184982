import type { Event } from "../events/index.js";
import { CONN_SAMPLES, type NcclConnectionEvent, type NcclFoldedEvent, type NcclInitEvent, type NcclProcessEvent } from "../events/nccl.js";
import type { Evidence } from "../model.js";
import { TRANSPORT_KINDS, isTcpKind } from "../../grammars/nccl.js";
import { normalizeNet, OFI_GAVE_UP, splitIface } from "../../grammars/nccl-messages.js";
import { detached, earlier, earlierThan, located, plain, type FactDomain, type Located } from "./domain.js";
import { RAY_DRIVER, buildCluster, sharedAddress, type ConnSample, type LocalComm, type RankPlace } from "./cluster.js";

import type { Missing, NcclFacts } from "./schema.js";
import { missingFact } from "./catalog.js";
import { addKey } from "../util/capped.js";

/** Caps so that a fleet's gigabyte logs keep a small state (a report names what a cap dropped). */
export const NCCL_STATE_LIMITS = { ranks: 4096, hosts: 4096, procs: 4096, activity: 4096, communicators: 16384, connections: 65536, links: 8192 };

type Capped = "ranks" | "hosts" | "procs" | "activity" | "communicators" | "connections" | "links";

/** Counts kept entries per capped collection, so a cap test is O(1) per event; rebuilt after a merge. */
interface CapCounters {
  kept: Record<Capped, number>;
}

/** `lines`: how many lines alike ask (each one a cap drops counts) */
function keep(s: NcclState, what: Capped, lines = 1): boolean {
  const limit = NCCL_STATE_LIMITS[what];
  if (s.cap.kept[what] < limit) {
    s.cap.kept[what]++;
    return true;
  }
  const c = (s.capped[what] ??= { limit, dropped: 0 });
  c.dropped += lines;
  recording?.push(c, "dropped");
  return false;
}

function recount(s: NcclState): void {
  s.cap.kept = {
    ranks: Object.keys(s.anonRanks).length,
    hosts: Object.keys(s.hosts).length,
    procs: Object.keys(s.procs).length,
    activity: Object.keys(s.activity).length,
    communicators: Object.keys(s.locals).length,
    connections: Object.values(s.locals).reduce((n, l) => n + Object.keys(l.conns).length, 0),
    links: Object.values(s.links).reduce((n, l) => n + l.length, 0) + Object.values(s.pidHosts).reduce((n, l) => n + l.length, 0),
  };
}

interface ActivityState {
  host: string | null;
  pid: number | null;
  comm: string | null;
  rank: number | null;
  collectives: number;
  lastOpCount: string | null;
  lastCollective: string | null;
  trace: number;
  proxy: number;
}

type ProcState = Pick<NcclProcessEvent, "ip" | "host" | "rank" | "tp" | "pp" | "dp">;

export interface NcclState {
  transports: Record<string, number>;
  /** the communicators each process took part in, with the connections it printed (see ./cluster.ts) */
  locals: Record<string, LocalComm>;
  /** transport kind -> its first connection lines, the evidence of the connection facts */
  connSamples: Record<string, ConnSample[]>;
  /** rank ids seen outside any communicator, and where they run when the rank printed it */
  anonRanks: Record<string, Located>;
  anonPlaced: Record<string, RankPlace>;
  /** the sizes those ranks' own lines gave their communicator with no pointer to name it (NCCL ≤2.3's `rank N nranks M`) */
  anonSizes?: number[];
  /** an address -> the host names seen with it (Ray `ip=`, bootstrap and OOB interfaces) */
  links: Record<string, string[]>;
  /** pid -> host names its NCCL lines carried */
  pidHosts: Record<string, string[]>;
  /**
   * `host|pid` -> the launcher addresses (Ray's `ip=`) its NCCL lines carried, `@` for a process prefix without one
   * (no entry: lines without a prefix only): one name and pid on two machines (the driver's process and a worker's in
   * an identical container) are two processes
   */
  procVias?: Record<string, string[]>;
  gdrConn: Located | null;
  noGdrConn: Located | null;
  gdrDisabledHca: Located | null;
  /** `GPU Direct RDMA (DMABUF) enabled` and the like: GDR said to be on, whatever the connection lines show */
  gdrEnabledSaid: Located | null;
  /** version -> where it was first seen, per source */
  versions: { version: string; source: string; host: string | null; pid: number | null; at: Located }[];
  /** normalized `Using network` value -> count and first evidence */
  /** each `Using network X` choice (normalised): how many lines, the first, and the hosts that printed it (at most NET_HOSTS) */
  networks: Record<string, { count: number; at: Located; hosts?: string[] }>;
  printedNets: string[];
  ibUsing: Located | null;
  ibNone: Located | null;
  socketUsing: Located | null;
  /** per process (host|pid, at most NET_ORDER_PROCS), its first `NET/Socket : Using`, `Bootstrap : Using` and `NET/Plugin` lines (see socketForBootstrap) */
  netOrder: Record<string, { socket?: Located; boot?: Located; plugin?: Located }>;
  ofi: Located | null;
  /** aws-ofi-nccl giving up its initialisation (OFI_GAVE_UP): its NET/OFI lines then name no network NCCL uses */
  ofiGaveUp: Located | null;
  netHints: Record<string, Located>;
  ibHcas: string[] | null;
  ibHcasAt: Located | null;
  /** the link layers the `NET/IB : Using` lists print after each HCA (`IB`, `RoCE`, `IB/SHARP`), in first-seen order */
  ibLinkLayers: string[] | null;
  hosts: Record<string, Located>;
  initComplete: number;
  initCompleteAt: Located | null;
  firstWarn: Located | null;
  warnCount: number;
  warnKinds: Record<string, number>;
  procs: Record<string, ProcState>;
  env: Record<string, string>;
  envAt: Record<string, Located>;
  bootstrap: string[];
  /** the interfaces NCCL's `Using` lines list, per role, list index, interface, address, host and process */
  ifaces?: Record<string, IfaceState>;
  activity: Record<string, ActivityState>;
  notices: string[];
  anyRecord: boolean;
  /** addresses NCCL's socket calls connected to (`Connect to 10.0.0.2<43117> failed`): address -> the first such line (at most MAX_PEERS) */
  peers?: Record<string, Located>;
  /**
   * a node count NCCL printed outside the communicator lines: the nodes its `NVLS Head h: r r ..` line lists (one head
   * rank per node, up to 20, where a log shows one host), or the `ncclras` job summary's
   */
  nvlsHeadNodes?: { n: number; at: Located };
  /**
   * `commId|host|busId` -> the first rank whose Init line put it on that GPU (see GpuSeat), and the pairs of ranks of one
   * communicator that two processes of one host put on one GPU (at most MAX_SHARED_GPUS)
   */
  gpuSeats?: Record<string, GpuSeat>;
  sharedGpus?: SharedGpu[];
  cap: CapCounters;
  /** what a cap dropped: collection -> limit and how many more distinct values were seen */
  capped: Partial<Record<Capped, { limit: number; dropped: number }>>;
}

/** hosts kept per network choice (the report names a few; a choice that differs between hosts is what matters) */
const NET_HOSTS = 64;

/** distinct interface entries kept (a process prints its list once) */
const MAX_IFACES = 256;

interface IfaceState {
  role: "Bootstrap" | "NET/Socket" | "NET/IB OOB";
  index: number;
  name: string;
  address: string;
  host: string | null;
  pid: number | null;
  /** the launcher address (Ray's `ip=`) of the line, when it had one */
  via?: string;
  count: number;
  at: Located;
}

/**
 * The address each process bootstrapped from: the first of its `Bootstrap : Using` list, else of `NET/IB : Using … OOB`,
 * else of `NET/Socket : Using` (NCCL picks these from one interface list, so one machine's processes print one address).
 */
function procAddresses(s: NcclState): { host: string; pid: number; address: string; via?: string }[] {
  const rank = { Bootstrap: 0, "NET/IB OOB": 1, "NET/Socket": 2 } as const;
  const best = new Map<string, { host: string; pid: number; address: string; via?: string; r: number }>();
  for (const v of Object.values(s.ifaces ?? {})) {
    if (v.index !== 0 || !v.host || v.pid === null || !v.address) continue;
    const k = `${v.host}|${v.pid}|${v.via ?? ""}`;
    const cur = best.get(k);
    if (!cur || rank[v.role] < cur.r) best.set(k, { host: v.host, pid: v.pid, address: v.address, via: v.via, r: rank[v.role] });
  }
  const out: { host: string; pid: number; address: string; via?: string }[] = [...best.values()].map(({ host, pid, address, via }) => (via ? { host, pid, address, via } : { host, pid, address }));
  // a launcher prefix with the worker's address (Ray's `ip=`): where a log has one, a process without it runs on the
  // driver's node (Ray prints no `ip=` there, and the driver's own NCCL lines carry no Ray prefix). Ray folds the
  // bootstrap lines of other processes into `[repeated Nx across cluster]`, so many processes show only this
  const vias = s.procVias ?? {};
  const isAddress = (x: string) => x !== "" && x !== "@";
  const ips = Object.values(s.procs).some((p) => p.ip) || Object.values(vias).some((v) => v.some(isAddress));
  if (!ips) return out;
  // a pid whose NCCL lines carried an address names a worker there. The same pid under a process prefix without one
  // is another process, on the driver's node; without any prefix it may be the driver's own process or that worker's
  // lines whose prefix was cut: its bootstrap address alone tells (no Ray token)
  const viaPids = new Set<string>();
  for (const [k, v] of Object.entries(vias)) if (v.some(isAddress)) viaPids.add(k.slice(k.lastIndexOf("|") + 1));
  for (const [pid, hosts] of Object.entries(s.pidHosts))
    for (const host of hosts) {
      const seen = vias[`${host}|${pid}`] ?? [""];
      for (const via of seen) {
        if (isAddress(via)) out.push({ host, pid: Number(pid), address: via, via });
        else if (via === "@" || !viaPids.has(pid)) out.push({ host, pid: Number(pid), address: via === "@" ? RAY_DRIVER : (s.procs[pid]?.ip ?? RAY_DRIVER) });
      }
    }
  return out;
}

// a socket call's peer in NCCL's messages (`Net : Connect to 10.0.0.2<43117> failed`, `socketStartConnect: Connect to
// fe80::1%ib0<51577> failed`, `socketPollConnect: Connect to 10.0.0.4<56849> returned 113(No route to host)`)
const CONNECT_TO = /\bConnect to \[?([0-9A-Fa-f.:]+?)\]?(?:%[\w.]+)?<\d+>/;
const MAX_PEERS = 64;
const MAX_SHARED_GPUS = 16;

/** a rank an `Init START` / `Init COMPLETE` line placed on a GPU: the process and the line */
interface GpuSeat {
  rank: number;
  pid: number;
  at: Located;
}

/** two ranks of one communicator that two processes of one host run on one GPU (the same bus id) */
interface SharedGpu {
  comm: string;
  host: string;
  busId: string;
  ranks: [number, number];
  at: [Located, Located];
}

/**
 * A rank's Init line (`comm 0x.. rank R nranks N cudaDev D nvmlDev D busId B commId 0x.. - Init START`): NCCL refuses a
 * communicator with two ranks on one GPU (init.cc, `Duplicate GPU detected`, unless NCCL_MULTI_RANK_GPU_ENABLE lets it
 * from 2.30.3), and a paste cut before that WARN still shows the two ranks' Init lines with one bus id on one host. Read
 * only where the line names its communicator's id, its host and its process: another communicator, another host's GPU
 * with the same bus id, or the same process printing its rank twice is no such pair.
 */
function seatRank(s: NcclState, commId: string | null, host: string | null, busId: string | null, rank: number | null, pid: number | null, e: { ev: Evidence; input: number }): void {
  if (!commId || !host || !busId || rank === null || pid === null) return;
  const key = `${commId}|${host}|${busId}`;
  const seats = (s.gpuSeats ??= {});
  const first = seats[key];
  // (the line's evidence is copied only where it is kept: most Init lines seat a new rank past the cap, or the same one)
  if (!first) {
    addSeat(seats, key, () => ({ rank, pid, at: located(e) }));
    return;
  }
  if (first.rank !== rank && first.pid !== pid) noteShared(s, commId, host, busId, first, { rank, pid, at: located(e) });
}

// how many seats each map holds, counted once (a count of its keys per seat added was quadratic: a big job's set-up log
// seats thousands of ranks)
const seatCounts = new WeakMap<Record<string, GpuSeat>, number>();
/** adds the seat `seat()` makes to `seats` while they hold fewer than the state's cap of ranks */
function addSeat(seats: Record<string, GpuSeat>, key: string, seat: () => GpuSeat): void {
  const n = seatCounts.get(seats) ?? Object.keys(seats).length;
  if (n >= NCCL_STATE_LIMITS.ranks) return;
  seats[key] = seat();
  seatCounts.set(seats, n + 1);
}

function noteShared(s: NcclState, comm: string, host: string, busId: string, a: GpuSeat, b: GpuSeat): void {
  if (a.rank === b.rank || a.pid === b.pid) return;
  const list = (s.sharedGpus ??= []);
  if (list.length >= MAX_SHARED_GPUS || list.some((x) => x.comm === comm && x.host === host && x.busId === busId && x.ranks.includes(b.rank))) return;
  const [p, q] = a.at.input < b.at.input || (a.at.input === b.at.input && a.at.line <= b.at.line) ? [a, b] : [b, a];
  list.push({ comm, host, busId, ranks: [p.rank, q.rank], at: [p.at, q.at] });
}

function notePeer(s: NcclState, address: string, at: Located): void {
  const peers = (s.peers ??= {});
  if (address in peers) peers[address] = earlier(peers[address], at)!;
  else if (Object.keys(peers).length < MAX_PEERS) peers[address] = at;
}

/**
 * The addresses NCCL connected to that are no process's of the log, on the network its own interfaces are on: another
 * machine's (a rank on a node whose lines are not in the input). Not a loopback, link-local or unspecified address,
 * nor Docker's default bridge (containers of one host talk over it), and only where the log lists addresses of its own
 * to compare with: a connection to an address of a second interface of the host (another network) says nothing.
 */
function remotePeers(s: NcclState, workerIps: string[]): string[] {
  if (!s.peers) return [];
  const own = new Set<string>(workerIps);
  for (const v of Object.values(s.ifaces ?? {})) if (v.address) own.add(v.address);
  for (const a of Object.keys(s.links)) own.add(a);
  return Object.keys(s.peers).filter((a) => isRemoteAddress(a, own)).sort();
}

/** `address` is another machine's: not one of `own` (the log's own addresses) nor local-only, on a network of one of them */
export function isRemoteAddress(address: string, own: ReadonlySet<string>): boolean {
  if (own.has(address) || sharedAddress(address)) return false;
  const net = networkOf(address);
  return net !== null && [...own].some((a) => networkOf(a) === net);
}


/** the network an address is on, as far as a log can tell: an IPv4 /16 or an IPv6 /64 (null for anything else) */
function networkOf(a: string): string | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(a);
  if (v4) return `${v4[1]}.${v4[2]}`;
  if (!a.includes(":")) return null;
  const [head, tail] = a.toLowerCase().split("::");
  const groups = head ? head.split(":") : [];
  if (tail === undefined && groups.length !== 8) return null;
  while (groups.length < 4) groups.push("0");
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":");
}

/** Notes each `name:address` item of an interface list with its index in the list. */
function noteIfaces(s: NcclState, role: IfaceState["role"], list: readonly string[], host: string | null, pid: number | null, e: { ev: Evidence; input: number; origin?: { ip?: string } }): void {
  const all = (s.ifaces ??= {});
  for (let index = 0; index < list.length; index++) {
    const item = splitIface(list[index]);
    if (item) noteIface(all, role, index, item.name, item.address, host, pid, e);
  }
}

function noteIface(all: Record<string, IfaceState>, role: IfaceState["role"], index: number, name: string, address: string, host: string | null, pid: number | null, e: { ev: Evidence; input: number; origin?: { ip?: string } }, via = e.origin?.ip, key = ifaceKey(role, index, name, address, host, pid, via)): void {
  // (the evidence copied only for a new entry or an earlier line: a set-up log repeats these lines per communicator)
  const kept = ifaceIndex(all);
  const cur = kept.get(key);
  if (cur) {
    cur.count++;
    cur.at = earlierThan(cur.at, e);
    recording?.push(cur, "count");
  } else if (kept.size < MAX_IFACES) {
    offerIface(all, via ? { role, index, name, address, host, pid, via, count: 1, at: located(e) } : { role, index, name, address, host, pid, count: 1, at: located(e) }, key);
    recording?.push(all[key], "count");
  }
}

/**
 * The socket transport's topology check names each of its devices, which are the data NICs (transport/net.cc, ≥2.7):
 * `NET/Socket : GPU Direct RDMA Disabled for HCA 1 'virbr0'` (the address is not printed)
 */
const SOCKET_GDR_HCA = /\bNET\/Socket ?: ?GPU Direct RDMA (?:Disabled|Enabled) for HCA (\d{1,3}) ['\u2018\u2019]([^'\u2018\u2019\s]{1,64})['\u2018\u2019]/;

const ifaceKey = (role: string, index: number, name: string, address: string, host: string | null, pid: number | null, via?: string) => `${role}|${index}|${name}|${address}|${host ?? ""}|${pid ?? ""}${via ? `|${via}` : ""}`;

function offerIface(all: Record<string, IfaceState>, v: IfaceState, k = ifaceKey(v.role, v.index, v.name, v.address, v.host, v.pid, v.via)): void {
  const index = ifaceIndex(all);
  const cur = index.get(k);
  if (cur) {
    cur.count += v.count;
    cur.at = earlier(cur.at, v.at);
    return;
  }
  if (index.size >= MAX_IFACES) return;
  index.set(k, (all[k] = { ...v }));
}
// a map of each `ifaces` beside it (made again for one a merge or a thread copied): a big job's set-up offers a new key
// per process and line, and a fresh key looked up in an object of 256 costs a search of all strings the engine keeps
const ifaceIndexes = new WeakMap<Record<string, IfaceState>, Map<string, IfaceState>>();
function ifaceIndex(all: Record<string, IfaceState>): Map<string, IfaceState> {
  let index = ifaceIndexes.get(all);
  if (index === undefined) ifaceIndexes.set(all, (index = new Map(Object.entries(all))));
  return index;
}

const add = (o: Record<string, number>, k: string, n = 1) => {
  o[k] = (o[k] ?? 0) + n;
};

const OWN_RANK_SOURCES = new Set(["commSummary", "initTimings", "comm", "ncclTests"]);

/** a network kind GPU Direct RDMA applies to (not TCP sockets, NCCL's or a plugin's) */
function isNetKind(kind: string): boolean {
  return kind.startsWith("NET/") && !isTcpKind(kind);
}

/** the host a record names: NCCL's prefix, else the node address a launcher prefix gave */
function hostOfEvent(e: { host: string | null; origin: { ip?: string } }): string | null {
  return e.host ?? e.origin.ip ?? null;
}

function local(s: NcclState, host: string | null, pid: number | null, ptr: string | null, lines = 1, via?: string): LocalComm | null {
  const p = ptr ?? "";
  // (found through an index by pointer: no key `host|pid|ptr` built and looked up among a set-up log's 16,384
  // communicators per Init or connection line; a key with a `|` in a part is ambiguous, looked up by its text, and so
  // is a line with a launcher address: `host|pid|ptr|via`, another process than the same name and pid without one)
  const h = host ?? "";
  if (via || h.includes("|") || p.includes("|")) {
    const key = localKey(host, pid, p, via);
    let l: LocalComm | null = s.locals[key] ?? null;
    if (!l && keep(s, "communicators", lines)) l = s.locals[key] = newLocal(host, pid, p, via);
    return l;
  }
  const index = localIndex(s);
  // (a pointer whose bit is clear is in no key: past the cap, a set-up log's lookups all miss)
  const bit = ptrBit(p);
  if ((index.ptrs[bit >>> 5] & (1 << (bit & 31))) !== 0) {
    const first = index.byPtr.get(p)?.get(h);
    for (let x = first; x !== undefined; x = x.next) if (x.pid === pid || (x.pid !== x.pid && pid !== pid)) return x.l;
  }
  // (not in the index, so not kept: past the cap no key is made)
  if (!keep(s, "communicators", lines)) return null;
  const l = newLocal(host, pid, p);
  s.locals[`${h}|${pid ?? ""}|${p}`] = l;
  addLocal(index, l.ptr, l.host ?? "", pid, l);
  index.kept = s.cap.kept.communicators;
  return l;
}

/** a pointer's bit in `LocalIndex.ptrs` (a hash of its text) */
const PTR_BITS = 17;
function ptrBit(p: string): number {
  let x = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) x = Math.imul(x ^ p.charCodeAt(i), 0x01000193);
  return (x ^ (x >>> 15)) >>> (32 - PTR_BITS);
}

const newLocal = (host: string | null, pid: number | null, p: string, via?: string): LocalComm => {
  const l: LocalComm = { host: detached(host), pid, ptr: detached(p), commId: null, rank: null, nranks: null, nNodes: null, localRanks: null, device: null, busId: null, conns: {} };
  if (via) l.via = detached(via);
  return l;
};
/** a process's communicator in `NcclState.locals` (and the samples' `local`) */
const localKey = (host: string | null, pid: number | null, ptr: string | null, via?: string) => `${host ?? ""}|${pid ?? ""}|${ptr ?? ""}${via ? `|${via}` : ""}`;

/** what says a line's process is a launcher's worker on another node (Ray's `ip=`), none when it had no such prefix */
const viaOf = (e: { origin: { ip?: string } }): string | undefined => e.origin.ip || undefined;

/**
 * What a line's launcher prefix says of its machine (see NcclState.procVias): the address (Ray's `ip=`), `@` for a
 * process prefix without one (Ray prints none on the driver's node), "" for no prefix at all (the driver's own lines,
 * or a line whose prefix was cut or buried)
 */
const viaTag = (e: { origin: { ip?: string; pid?: number } }): string => e.origin.ip || (e.origin.pid !== undefined ? "@" : "");

/** a process's host by its pid (what a piece of the name glued or cut elsewhere joins), and the launcher tag its line carried */
function notePidHost(s: NcclState, host: string, pid: number, e: { origin: { ip?: string; pid?: number } }, lines = 1): void {
  link(s, "pidHosts", String(pid), host, lines);
  noteVia(s, host, pid, viaTag(e));
}

/** the launcher addresses each process's NCCL lines carried (see NcclState.procVias) */
function noteVia(s: NcclState, host: string, pid: number, v: string): void {
  // (a line without a prefix adds nothing: a process no tag was seen for is one without a prefix, and the hot path of
  // a plain set-up log builds no key per line)
  if (v === "") return;
  const k = `${host}|${pid}`;
  const all = (s.procVias ??= {});
  const list = all[k];
  if (!list) addKey(all, k, [v], NCCL_STATE_LIMITS.procs);
  else if (!list.includes(v) && list.length < 8) list.push(v);
}

/**
 * `s.locals` by pointer, then host ("" for none), each with the pid of its key (the keys without a `|` in a part), made
 * again when the communicators kept are not the ones it was made of (a merge adds them elsewhere). By host too, not a
 * chain of a pointer's hosts: lines of many hosts that share one pointer (none printed, or a big job's alike) would
 * walk a chain as long as the cap each.
 */
interface LocalEntry {
  pid: number | null;
  l: LocalComm;
  next: LocalEntry | undefined;
}
/** `ptrs`: a bit set by `ptrBit` for each pointer in `byPtr` */
type LocalIndex = { byPtr: Map<string, Map<string, LocalEntry>>; ptrs: Int32Array; kept: number };
function addLocal(index: LocalIndex, p: string, h: string, pid: number | null, l: LocalComm): void {
  let hosts = index.byPtr.get(p);
  if (hosts === undefined) index.byPtr.set(p, (hosts = new Map()));
  hosts.set(h, { pid, l, next: hosts.get(h) });
  const bit = ptrBit(p);
  index.ptrs[bit >>> 5] |= 1 << (bit & 31);
}
const localIndexes = new WeakMap<object, LocalIndex>();
function localIndex(s: NcclState): LocalIndex {
  let index = localIndexes.get(s.locals);
  if (index !== undefined && index.kept === s.cap.kept.communicators) return index;
  index = { byPtr: new Map(), ptrs: new Int32Array(1 << (PTR_BITS - 5)), kept: s.cap.kept.communicators };
  for (const key in s.locals) {
    const a = key.indexOf("|"), b = key.indexOf("|", a + 1);
    if (b < 0 || key.indexOf("|", b + 1) >= 0) continue;
    const pidText = key.slice(a + 1, b);
    const pid = pidText === "" ? null : Number(pidText);
    if (pid !== null && String(pid) !== pidText) continue;
    addLocal(index, key.slice(b + 1), key.slice(0, a), pid, s.locals[key]);
  }
  localIndexes.set(s.locals, index);
  return index;
}

function fillLocal(l: LocalComm, f: Partial<Omit<LocalComm, "conns" | "host" | "pid" | "ptr">>): void {
  // (`for in`, not `Object.entries`: this runs for every Init line of a set-up log)
  for (const key in f) {
    const k = key as keyof typeof f;
    const v: unknown = f[k];
    if (v === null || v === undefined) continue;
    if (k === "nranks" || k === "nNodes" || k === "localRanks") (l as unknown as Record<string, number | null>)[k] = Math.max((l[k] as number | null) ?? 0, v as number);
    else if (l[k] === null) (l as unknown as Record<string, unknown>)[k] = typeof v === "string" ? detached(v) : v;
  }
}

/** a child communicator's parent (see LocalComm.parent), the first a line names */
function noteParent(l: LocalComm, parent: string, color: number | undefined): void {
  if (l.parent !== undefined) return;
  l.parent = detached(parent);
  if (color !== undefined) l.color = color;
}

function link(s: NcclState, table: "links" | "pidHosts", key: string, host: string, lines = 1): void {
  const list = s[table][key];
  if (list && holds(list, host)) return;
  if (!keep(s, "links", lines)) return;
  if (list) {
    list.push(host);
    listSets.get(list)?.add(host);
  } else s[table][key] = [host];
}

// a long list's items as a set beside it (a pid that every node of a big job has names hundreds of hosts), made again
// when the list changed elsewhere (a merge copies the lists)
const listSets = new WeakMap<string[], Set<string>>();
function holds(list: string[], x: string): boolean {
  if (list.length < 16) return list.includes(x);
  let set = listSets.get(list);
  if (!set || set.size !== list.length) listSets.set(list, (set = new Set(list)));
  return set.has(x);
}

// the address part of a bootstrap item (splitIface), without an IPv6 `%scope`
const ADDRESS = /^([0-9A-Fa-f.:]+)(?:%[\w.]+)?$/;

/**
 * `lines` connection lines alike of communicator `comm`: `e` read that many times (a fold, src/facts/state.ts
 * `reduceRepeat`, comes only once its kind's samples are all kept, and after a line of its text: its evidence is then
 * never kept, nor the first of anything).
 */
export function reduceConnections(s: NcclState, e: NcclConnectionEvent, comm: string | null, lines: number, key = connKey(e)): void {
  s.anyRecord = true;
  const host = hostOfEvent(e);
  const pid = e.pid ?? e.origin.pid ?? null;
  countConnections(s, e, comm, lines, key, host, pid);
  connectionOnce(s, e, host, pid, lines);
}

/** what each connection line adds: its transport's and connection's counts, the communicator, the samples */
function countConnections(s: NcclState, e: NcclConnectionEvent, comm: string | null, lines: number, key: string, host: string | null, pid: number | null): void {
  add(s.transports, e.transport, lines);
  const via = viaOf(e);
  const l = local(s, host, pid, comm, lines, via);
  if (l) {
    const c = l.conns[key];
    if (c) c.n += lines;
    else if (keep(s, "connections", lines)) l.conns[key] = { n: lines };
    if (e.dev !== null) l.device ??= e.dev;
  }
  // a few lines of each kind as evidence (every connection's own line would make a set-up log's state huge)
  const list = (s.connSamples[e.transport] ??= []);
  if (list.length < CONN_SAMPLES) list.push({ ...located(e), local: localKey(host, pid, comm, via), conn: key });
}

/** what a connection line adds that a line of the same event read again adds only to a cap's count */
function connectionOnce(s: NcclState, e: NcclConnectionEvent, host: string | null, pid: number | null, lines: number): void {
  if (host && pid !== null) {
    notePidHost(s, host, pid, e, lines);
  }
  if (e.via.includes("GDRDMA")) {
    if (!s.gdrConn || e.input < s.gdrConn.input) s.gdrConn = located(e);
  } else if (isNetKind(e.transport) && (!s.noGdrConn || e.input < s.noGdrConn.input)) s.noGdrConn = located(e);
}

/**
 * What reading a folded event again adds to a state once it was read there twice, but for a connection's counts:
 * counts only (an interface's or a network's lines, what a cap dropped), as `[object, field]` pairs. Its first reading
 * kept the first of everything, and each list it offers a value to holds it or is full (caps only fill); `recording`
 * collects them. Until then, its connection key alone (most of a big job's set-up lines come once).
 */
const recounts = new WeakMap<object, string | { s: NcclState; bumps: unknown[]; key: string }>();
let recording: unknown[] | null = null;

/** `lines` lines alike that read to `e` (a connection's of communicator `comm`): what reading each would add. */
export function reduceRepeated(s: NcclState, e: NcclFoldedEvent, comm: string | null, lines: number): void {
  const conn = e.kind === "nccl.connection";
  let again = recounts.get(e);
  if (again === undefined || (typeof again !== "string" && again.s !== s)) {
    const key = conn ? connKey(e) : "";
    recounts.set(e, key);
    if (!conn) for (let i = 0; i < lines; i++) ncclDomain.reduce(s, e);
    else {
      if (e.host && e.origin.ip && e.origin.ip !== e.host) link(s, "links", e.origin.ip, e.host, lines);
      reduceConnections(s, e, comm, lines, key);
    }
    return;
  }
  if (typeof again === "string") {
    const bumps: unknown[] = [];
    recording = bumps;
    try {
      if (!conn) ncclDomain.reduce(s, e);
      else {
        if (e.host && e.origin.ip && e.origin.ip !== e.host) link(s, "links", e.origin.ip, e.host);
        s.anyRecord = true;
        const host = hostOfEvent(e);
        const pid = e.pid ?? e.origin.pid ?? null;
        recording = null;
        countConnections(s, e, comm, lines, again, host, pid);
        recording = bumps;
        connectionOnce(s, e, host, pid, 1);
      }
    } finally {
      recording = null;
    }
    recounts.set(e, (again = { s, bumps, key: again }));
    lines--;
  } else if (conn) countConnections(s, e as NcclConnectionEvent, comm, lines, again.key, hostOfEvent(e), e.pid ?? e.origin.pid ?? null);
  const b = again.bumps;
  for (let i = 0; i < b.length; i += 2) (b[i] as Record<string, number>)[b[i + 1] as string] += lines;
}

/**
 * An Init line the fast path read from the bytes, alike `like` (the line its reader learnt it from) but for `comm`,
 * `commId` and `line` (src/facts/state.ts reduceInitAgain): as its event, `{ ...like, ev: { file: like.ev.file, line,
 * text }, comm, commId }`, reduces. Once such a line with this commId was reduced into `s`, what depends on its host,
 * process, launcher prefix, bus id and rank alone is as that left it (the pid's hosts and the host's addresses hold it,
 * the process's prefix is noted or capped, the GPU's seat is taken or capped: none of them counts a second time), so
 * only the communicator and the Init counts are done again: a set-up log has some 600,000 on 400 MB.
 */
export function reduceInitAgainLine(s: NcclState, like: NcclInitEvent, comm: string, commId: string | null, line: number, text: string): void {
  const done = initsDone.get(like);
  const host = like.host;
  const pid = like.pid;
  const ip = like.origin.ip;
  if (
    done === undefined || done.s !== s || done.commId !== commId || like.parent !== undefined || !host || pid === null || comm === "" || comm === "(nil)" ||
    !holdsAt(s.pidHosts, (done.pidKey ??= String(pid)), host) || (ip && ip !== host && !holdsAt(s.links, ip, host))
  ) {
    ncclDomain.reduce(s, {
      kind: "nccl.init", ev: { file: like.ev.file, line, text }, origin: like.origin, input: like.input, host, pid, dev: like.dev, phase: like.phase, comm,
      rank: like.rank, nranks: like.nranks, nvmlDev: like.nvmlDev, busId: like.busId, commId,
    });
    if (done === undefined || done.s !== s) initsDone.set(like, { s, commId, pidKey: undefined });
    else done.commId = commId;
    return;
  }
  s.anyRecord = true;
  if (like.phase === "COMPLETE") {
    s.initComplete++;
    const cur = s.initCompleteAt;
    if (!cur || like.input < cur.input || (like.input === cur.input && line < cur.line)) s.initCompleteAt = { file: like.ev.file, line, text, input: like.input };
  }
  const l = local(s, host, pid, comm, 1, ip || undefined);
  if (l) fillLocal(l, { commId, rank: like.rank, nranks: like.nranks, device: like.nvmlDev ?? like.dev, busId: like.busId });
}
const initsDone = new WeakMap<NcclInitEvent, { s: NcclState; commId: string | null; pidKey: string | undefined }>();
const holdsAt = (table: Record<string, string[]>, key: string, host: string): boolean => {
  const list = table[key];
  return list !== undefined && holds(list, host);
};

/** a connection's key in `LocalComm.conns` */
const connKey = (e: NcclConnectionEvent) => `${e.from}>${e.to}>${e.transport}>${e.direction === "send" ? "s" : e.direction === "receive" ? "r" : ""}`;

export const ncclDomain: FactDomain<NcclState, NcclFacts> = {
  name: "nccl",
  init: () => ({
    transports: {}, locals: {}, connSamples: {}, anonRanks: {}, anonPlaced: {}, links: {}, pidHosts: {}, gdrConn: null, noGdrConn: null, gdrDisabledHca: null, gdrEnabledSaid: null,
    versions: [], networks: {}, printedNets: [], ibUsing: null, ibNone: null, socketUsing: null, netOrder: {}, ofi: null, ofiGaveUp: null, netHints: {}, ibHcas: null, ibHcasAt: null, ibLinkLayers: null, hosts: {},
    initComplete: 0, initCompleteAt: null, firstWarn: null, warnCount: 0, warnKinds: {}, procs: {}, env: {}, envAt: {},
    bootstrap: [], activity: {}, notices: [], anyRecord: false,
    cap: { kept: { ranks: 0, hosts: 0, procs: 0, activity: 0, communicators: 0, connections: 0, links: 0 } }, capped: {},
  }),
  reduce(s, e: Event) {
    if (e.kind.startsWith("nccl.") && "host" in e && e.host && e.origin?.ip && e.origin.ip !== e.host) link(s, "links", e.origin.ip, e.host);
    switch (e.kind) {
      case "nccl.connection":
        return reduceConnections(s, e, e.comm, 1);
      case "nccl.feature": {
        // `NVLS Head  0:  0  8`: node 0 prints each head's rank on every node (connect.cc, at most 20)
        const m = e.feature === "nvls" ? /^NVLS Head\s+\d+:((?:\s+-?\d+)+)\s*$/.exec(e.text) : null;
        const n = m ? m[1].trim().split(/\s+/).length : 0;
        if (n > (s.nvlsHeadNodes?.n ?? 0)) s.nvlsHeadNodes = { n, at: located(e) };
        return;
      }
      case "nccl.rasNodes":
        // the `ncclras` client's count of the job's nodes: NCCL's own, like nNodes
        if (e.nodes > (s.nvlsHeadNodes?.n ?? 0)) s.nvlsHeadNodes = { n: e.nodes, at: located(e) };
        return;
      case "nccl.connectionTail":
        add(s.transports, e.transport, 1);
        return;
      case "nccl.version":
        if (s.versions.length < 1000 && !s.versions.some((v) => v.version === e.version && v.source === e.source && v.host === e.host && v.pid === e.pid)) {
          s.versions.push({ version: e.version, source: e.source, host: e.host, pid: e.pid, at: located(e) });
        }
        return;
      case "nccl.network": {
        s.anyRecord = true;
        const n = (s.networks[e.net] ??= { count: 0, at: located(e) });
        n.count++;
        recording?.push(n, "count");
        n.at = earlierThan(n.at, e);
        const h = hostOfEvent(e);
        if (h && (n.hosts ??= []).length < NET_HOSTS && !n.hosts.includes(h)) n.hosts.push(h);
        if (!s.printedNets.includes(e.printed)) s.printedNets.push(e.printed);
        return;
      }
      case "nccl.netDevices": {
        s.anyRecord = true;
        if (e.host) for (const i of e.ifaces) {
          const m = ADDRESS.exec(splitIface(i)?.address ?? "");
          if (m) link(s, "links", m[1], e.host);
        }
        if (e.transport === "ib" || e.transport === "ib-legacy") {
          s.ibUsing = earlierThan(s.ibUsing, e);
          if (e.listElided) return;
          const list = (s.ibHcas ??= []);
          for (const h of e.hcas) {
            const name = `${h.dev}:${h.port}`;
            if (!list.includes(name)) list.push(name);
            if (h.link && !(s.ibLinkLayers ??= []).includes(h.link)) s.ibLinkLayers.push(h.link);
          }
          s.ibHcasAt = earlierThan(s.ibHcasAt, e);
        } else if (e.transport === "ib-none") s.ibNone = earlierThan(s.ibNone, e);
        else if (e.transport === "socket") {
          s.socketUsing = earlierThan(s.socketUsing, e);
          noteNetOrder(s, e, "socket");
        }
        else if (e.transport === "ofi") s.ofi = earlierThan(s.ofi, e);
        if (e.transport === "socket" || e.transport === "ib") noteIfaces(s, e.transport === "socket" ? "NET/Socket" : "NET/IB OOB", e.ifaces, hostOfEvent(e), e.pid, e);
        return;
      }
      case "nccl.netPlugin":
        s.anyRecord = true;
        noteNetOrder(s, e, "plugin");
        return;
      case "nccl.netHint":
        s.netHints[e.net] = earlierThan(s.netHints[e.net], e);
        return;
      case "nccl.bootstrap":
        s.anyRecord = true;
        // (a ≤2.3 line past the first of its run lists an interface the socket transport carries data over)
        if (e.legacyIndex) {
          const item = splitIface(e.ifaces[0]);
          if (item) noteIface((s.ifaces ??= {}), "NET/Socket", e.legacyIndex, item.name, item.address, hostOfEvent(e), e.pid, e);
          return;
        }
        noteIfaces(s, "Bootstrap", e.ifaces, hostOfEvent(e), e.pid, e);
        noteNetOrder(s, e, "boot");
        // a process's Bootstrap line is its first: its pid ties the host name to a piece of that name a paste glued to
        // other text later (`net.sohost:4412:4412 [1] ..` after a hard-wrapped `libnccl-` / `net.so`), when the process's
        // own lines never named the host first nor printed an init or connection line
        if (e.host && e.pid !== null) {
          notePidHost(s, e.host, e.pid, e);
        }
        for (const i of e.ifaces) {
          // (a big job's 256 hosts each name their own: a set beside the list, not a walk along it per line)
          if (s.bootstrap.length < 256 && !holds(s.bootstrap, i)) {
            s.bootstrap.push(i);
            listSets.get(s.bootstrap)?.add(i);
          }
          const m = ADDRESS.exec(splitIface(i)?.address ?? "");
          if (m && e.host) link(s, "links", m[1], e.host);
        }
        return;
      case "nccl.env":
        s.anyRecord = true;
        if (!(e.name in s.env)) {
          s.env[e.name] = e.value;
          s.envAt[e.name] = located(e);
        }
        return;
      case "nccl.init": {
        s.anyRecord = true;
        if (e.phase === "COMPLETE") {
          s.initComplete++;
          s.initCompleteAt = earlierThan(s.initCompleteAt, e);
        }
        const host = hostOfEvent(e);
        const pid = e.pid ?? e.origin.pid ?? null;
        if (host && pid !== null) {
          notePidHost(s, host, pid, e);
        }
        seatRank(s, e.commId, host, e.busId, e.rank, pid, e);
        if (e.comm && e.comm !== "(nil)") {
          const l = local(s, host, pid, e.comm, 1, viaOf(e));
          if (l) fillLocal(l, { commId: e.commId, rank: e.rank, nranks: e.nranks, device: e.nvmlDev ?? e.dev, busId: e.busId });
          if (l && e.parent !== undefined) noteParent(l, e.parent, e.color);
        } else if (e.rank !== null) anonRank(s, e.rank, located(e), { host, pid, device: e.nvmlDev ?? e.dev, busId: e.busId });
        return;
      }
      case "nccl.rank": {
        const host = hostOfEvent(e);
        const pid = e.pid ?? e.origin.pid ?? null;
        if (e.comm && e.comm !== "(nil)" && OWN_RANK_SOURCES.has(e.source)) {
          const l = local(s, host, pid, e.comm, 1, viaOf(e));
          if (l) fillLocal(l, { rank: e.rank, nranks: e.nranks, nNodes: e.nNodes ?? null, localRanks: e.localRanks ?? null });
          if (l && e.parent !== undefined) noteParent(l, e.parent, e.color);
          return;
        }
        // only lines a rank prints about itself place it; connection, duplicate-GPU and `from rank` lines name other ranks too
        const own = OWN_RANK_SOURCES.has(e.source) && (e.host || e.pid !== null);
        anonRank(s, e.rank, located(e), own ? { host, pid, device: e.source === "ncclTests" ? e.dev : null, busId: null } : null);
        // (the size a rank's own init line gave, `rank 0 nranks 8` printed by the calling thread before the communicator
        // had a pointer to print: NCCL 2.2–2.3's init.cu)
        if (e.source === "comm" && e.nranks !== null && !(s.anonSizes ??= []).includes(e.nranks)) s.anonSizes.push(e.nranks);
        return;
      }
      case "nccl.host":
        if (!s.hosts[e.host!] && keep(s, "hosts")) s.hosts[e.host!] = located(e);
        if (e.pid !== null) {
          notePidHost(s, e.host!, e.pid, e);
        }
        s.anyRecord = true;
        return;
      case "nccl.gdr": {
        if (!e.enabled && e.scope === "hca") s.gdrDisabledHca = earlierThan(s.gdrDisabledHca, e);
        const sock = e.scope === "hca" && e.ev.text.includes("NET/Socket") ? SOCKET_GDR_HCA.exec(e.ev.text) : null;
        if (sock) noteIface((s.ifaces ??= {}), "NET/Socket", Number(sock[1]), sock[2], "", hostOfEvent(e), e.pid, e);
        if (e.enabled) s.gdrEnabledSaid = earlierThan(s.gdrEnabledSaid, e);
        return;
      }
      case "nccl.warn": {
        s.anyRecord = true;
        s.warnCount++;
        const peer = CONNECT_TO.exec(e.message);
        if (peer) notePeer(s, peer[1], located(e));
        add(s.warnKinds, e.warnKind);
        s.firstWarn = earlierThan(s.firstWarn, e);
        // no verbs library, so no IB transport: before 2.5 this (or `NET/IB : No device found`) is what says the
        // `NET/Socket : Using` line names the data network, not only the bootstrap interface
        if (/Failed to open libibverbs/.test(e.message)) s.ibNone = earlierThan(s.ibNone, e);
        if (e.message.includes("NET/OFI") && OFI_GAVE_UP.test(e.message)) s.ofiGaveUp = earlierThan(s.ofiGaveUp, e);
        return;
      }
      case "nccl.activity":
        for (const a of e.entries) {
          const key = `${a.host ?? ""}|${a.pid ?? ""}|${a.comm ?? ""}`;
          const cur = s.activity[key];
          if (!cur) {
            if (keep(s, "activity")) s.activity[key] = { ...a };
          } else mergeActivity(cur, a);
        }
        if (e.notice && !s.notices.includes(e.notice)) s.notices.push(e.notice);
        return;
      case "nccl.process": {
        const k = procKey(s.procs, String(e.pid), e.ip);
        const cur = s.procs[k];
        if (!cur) {
          if (keep(s, "procs")) s.procs[k] = { ip: e.ip, host: e.host, rank: e.rank, tp: e.tp, pp: e.pp, dp: e.dp };
        } else fillProc(cur, e);
        return;
      }
    }
  },
  merge(a, b) {
    const out = structuredClone(a);
    for (const [k, v] of Object.entries(b.transports)) add(out.transports, k, v);
    for (const [k, v] of Object.entries(b.locals)) {
      const cur = out.locals[k];
      if (!cur) {
        out.locals[k] = structuredClone(v);
        continue;
      }
      fillLocal(cur, v);
      if (v.parent !== undefined) noteParent(cur, v.parent, v.color);
      for (const [ck, c] of Object.entries(v.conns)) {
        const x = cur.conns[ck];
        cur.conns[ck] = x ? { n: x.n + c.n } : { ...c };
      }
    }
    for (const [k, list] of Object.entries(b.connSamples ?? {})) {
      const all = [...(out.connSamples[k] ?? []), ...list].sort((x, y) => x.input - y.input || x.line - y.line);
      out.connSamples[k] = all.slice(0, CONN_SAMPLES);
    }
    for (const [k, v] of Object.entries(b.anonRanks)) out.anonRanks[k] = earlier(out.anonRanks[k], v);
    for (const n of b.anonSizes ?? []) if (!(out.anonSizes ??= []).includes(n)) out.anonSizes.push(n);
    for (const [k, v] of Object.entries(b.anonPlaced)) {
      const cur = out.anonPlaced[k];
      if (!cur) out.anonPlaced[k] = { ...v };
      else for (const f of ["host", "pid", "device", "busId"] as const) if (cur[f] === null) (cur as unknown as Record<string, unknown>)[f] = v[f];
    }
    for (const t of ["links", "pidHosts"] as const) for (const [k, hs] of Object.entries(b[t])) for (const h of hs) if (!(out[t][k] ??= []).includes(h)) out[t][k].push(h);
    if (b.procVias) for (const [k, vs] of Object.entries(b.procVias)) for (const v of vs) if (!((out.procVias ??= {})[k] ??= []).includes(v)) out.procVias[k].push(v);
    out.gdrConn = earlier(a.gdrConn, b.gdrConn);
    out.noGdrConn = earlier(a.noGdrConn, b.noGdrConn);
    out.gdrDisabledHca = earlier(a.gdrDisabledHca, b.gdrDisabledHca);
    out.gdrEnabledSaid = earlier(a.gdrEnabledSaid, b.gdrEnabledSaid);
    for (const v of b.versions) if (!out.versions.some((x) => x.version === v.version && x.source === v.source && x.host === v.host && x.pid === v.pid)) out.versions.push(v);
    for (const [k, v] of Object.entries(b.networks)) {
      const cur = out.networks[k];
      const hosts = [...new Set([...(cur?.hosts ?? []), ...(v.hosts ?? [])])].slice(0, NET_HOSTS);
      out.networks[k] = cur ? { count: cur.count + v.count, at: earlier(cur.at, v.at), ...(hosts.length ? { hosts } : {}) } : { ...v, ...(v.hosts ? { hosts: [...v.hosts] } : {}) };
    }
    for (const p of b.printedNets) if (!out.printedNets.includes(p)) out.printedNets.push(p);
    out.ibUsing = earlier(a.ibUsing, b.ibUsing);
    out.ibNone = earlier(a.ibNone, b.ibNone);
    out.socketUsing = earlier(a.socketUsing, b.socketUsing);
    for (const [k, v] of Object.entries(b.netOrder)) {
      const cur = out.netOrder[k];
      if (cur) for (const f of ["socket", "boot", "plugin"] as const) cur[f] = earlier(cur[f], v[f]);
      else addKey(out.netOrder, k, { ...v }, NET_ORDER_PROCS);
    }
    out.ofi = earlier(a.ofi, b.ofi);
    out.ofiGaveUp = earlier(a.ofiGaveUp, b.ofiGaveUp);
    for (const [k, v] of Object.entries(b.netHints)) out.netHints[k] = earlier(out.netHints[k], v);
    if (b.ibHcas) {
      out.ibHcas ??= [];
      for (const h of b.ibHcas) if (!out.ibHcas.includes(h)) out.ibHcas.push(h);
    }
    out.ibHcasAt = earlier(a.ibHcasAt, b.ibHcasAt);
    if (b.ibLinkLayers) for (const l of b.ibLinkLayers) if (!(out.ibLinkLayers ??= []).includes(l)) out.ibLinkLayers.push(l);
    for (const [k, v] of Object.entries(b.hosts)) out.hosts[k] = earlier(out.hosts[k], v);
    if (b.nvlsHeadNodes && b.nvlsHeadNodes.n > (out.nvlsHeadNodes?.n ?? 0)) out.nvlsHeadNodes = b.nvlsHeadNodes;
    for (const x of b.sharedGpus ?? []) noteShared(out, x.comm, x.host, x.busId, { rank: x.ranks[0], pid: -1, at: x.at[0] }, { rank: x.ranks[1], pid: -2, at: x.at[1] });
    for (const [k, v] of Object.entries(b.gpuSeats ?? {})) {
      const cur = out.gpuSeats?.[k];
      if (!cur) {
        addSeat((out.gpuSeats ??= {}), k, () => ({ ...v }));
        continue;
      }
      const [comm, host, busId] = k.split("|");
      noteShared(out, comm, host, busId, cur, v);
      if (v.at.input < cur.at.input || (v.at.input === cur.at.input && v.at.line < cur.at.line)) out.gpuSeats![k] = { ...v };
    }
    out.initComplete += b.initComplete;
    out.initCompleteAt = earlier(a.initCompleteAt, b.initCompleteAt);
    out.firstWarn = earlier(a.firstWarn, b.firstWarn);
    out.warnCount += b.warnCount;
    for (const [k, v] of Object.entries(b.warnKinds)) add(out.warnKinds, k, v);
    for (const [bk, v] of Object.entries(b.procs)) {
      const k = procKey(out.procs, bk.split("@")[0], v.ip);
      if (out.procs[k]) fillProc(out.procs[k], v);
      else out.procs[k] = { ...v };
    }
    for (const [k, v] of Object.entries(b.env)) if (!(k in out.env)) {
      out.env[k] = v;
      out.envAt[k] = b.envAt[k];
    }
    for (const i of b.bootstrap) if (!out.bootstrap.includes(i)) out.bootstrap.push(i);
    for (const [k, v] of Object.entries(b.peers ?? {})) notePeer(out, k, v);
    for (const v of Object.values(b.ifaces ?? {})) offerIface((out.ifaces ??= {}), v);
    for (const [k, v] of Object.entries(b.activity)) {
      const cur = out.activity[k];
      if (!cur) out.activity[k] = { ...v };
      else mergeActivity(cur, v);
    }
    for (const n of b.notices) if (!out.notices.includes(n)) out.notices.push(n);
    out.anyRecord = a.anyRecord || b.anyRecord;
    for (const [k, c] of Object.entries(b.capped ?? {}) as [Capped, { limit: number; dropped: number }][]) {
      const cur = (out.capped[k] ??= { limit: c.limit, dropped: 0 });
      cur.dropped += c.dropped;
    }
    recount(out);
    return out;
  },
  finalize(s) {
    const sources: Record<string, Evidence> = {};
    const missing: Missing[] = [];
    const transports: Record<string, number> = {};
    for (const k of TRANSPORT_KINDS) transports[k] = 0;
    for (const [k, v] of Object.entries(s.transports)) transports[k] = v;

    const version = pickVersion(s);
    if (version) sources["nccl.version"] = plain(version.at)!;
    const net = pickNet(s, version?.version ?? null);
    // (a network told only by connection lines with no host prefix has no line to point at: no source, never null)
    const netAt = plain(net?.at);
    if (netAt) sources["nccl.net"] = netAt;
    // GDR is about network connections: `/GDRDMA` on them, or NCCL saying it enabled GDR (DMA-BUF or peermem)
    // connection lines decide; without them a `GPU Direct RDMA Disabled` line says false. An `Enabled`/`(DMABUF) enabled`
    // line only says the NIC could do it, not that network connections use it
    const gdr = s.gdrConn ? true : s.noGdrConn || s.gdrDisabledHca ? false : null;
    if (gdr !== null) sources["nccl.gdr"] = plain(s.gdrConn ?? s.noGdrConn ?? s.gdrDisabledHca)!;
    if (s.ibHcasAt) sources["nccl.ibHcas"] = plain(s.ibHcasAt)!;
    if (s.firstWarn) sources["nccl.firstWarn"] = plain(s.firstWarn)!;
    if (s.initCompleteAt) sources["nccl.initComplete"] = plain(s.initCompleteAt)!;

    const cluster = buildCluster({ locals: s.locals, samples: s.connSamples ?? {}, anonRanks: s.anonRanks, anonPlaced: s.anonPlaced, anonSizes: s.anonSizes, ncclHosts: Object.keys(s.hosts), links: s.links, pidHosts: s.pidHosts, procAddresses: procAddresses(s) });
    if (cluster.hosts.length > 1) {
      // the first line of a second host is what shows the run spans nodes
      const seen = Object.entries(s.hosts).sort(([, x], [, y]) => (earlier(x, y) === x ? -1 : 1));
      const first = cluster.hostOf(seen[0][0]);
      const other = seen.find(([h]) => cluster.hostOf(h) !== first);
      if (other) sources["nccl.nodes"] = plain(other[1])!;
    }
    if (s.nvlsHeadNodes && s.nvlsHeadNodes.n > (cluster.nodes ?? 0)) sources["nccl.nodes"] = plain(s.nvlsHeadNodes.at)!;
    for (const [k, at] of Object.entries(cluster.firstOf)) sources[`nccl.${k.startsWith("inter:") ? "interNode" : "intraNode"}.${k.slice(k.indexOf(":") + 1)}`] = plain(at)!;
    const lastOf = new Map<string, ActivityState>();
    for (const a of Object.values(s.activity)) {
      const k = `${a.host ?? ""}|${a.pid ?? ""}`;
      if (a.rank !== null || !lastOf.has(k)) lastOf.set(k, a);
    }
    const versionOf = (host: string | null, pid: number | null): string | null =>
      s.versions.find((v) => v.host !== null && v.host === host && v.pid === pid)?.version ?? (s.versions.length && new Set(s.versions.map((v) => v.version)).size === 1 ? s.versions[0].version : null);
    const rankMap = cluster.rankMap.map((r) => {
      const proc = r.pid !== null ? s.procs[String(r.pid)] : undefined;
      const act = lastOf.get(`${r.rawHost ?? ""}|${r.pid ?? ""}`);
      return {
        rank: r.rank, comm: r.comm, host: r.host, pid: r.pid, device: r.device, busId: r.busId,
        ncclVersion: versionOf(r.rawHost, r.pid),
        lastOpCount: act?.lastOpCount ? parseInt(act.lastOpCount, 16) : null,
        lastCollective: act?.lastCollective ?? null,
        ip: proc?.ip ?? null, tp: proc?.tp ?? null, pp: proc?.pp ?? null, dp: proc?.dp ?? null,
        ...(act ? { collectives: act.collectives } : {}),
      };
    });
    const workerIps = [...new Set(Object.values(s.procs).flatMap((p) => (p.ip ? [p.ip] : [])))].sort();
    const remote = remotePeers(s, workerIps);
    if (remote.length) sources["nccl.remotePeers"] = plain(remote.map((a) => s.peers![a]).reduce<Located | null>((x, y) => earlier(x, y), null))!;

    if (!s.anyRecord) {
      missing.push(missingFact("nccl.transports", { case: "noNcclLines" }));
    } else {
      if (!version) missing.push(missingFact("nccl.version"));
      if (!Object.keys(s.transports).length) missing.push(missingFact("nccl.transports"));
      if (!net) missing.push(missingFact("nccl.net", socketForBootstrap(s) ? { case: "socketBootstrap" } : {}));
      // (what a gate on `nccl.gdr==true` reads when it fails)
      if (gdr === null) missing.push(missingFact("nccl.gdr", net?.net === "Socket" ? { case: "socket" } : {}));
    }
    const versions = [...new Set(s.versions.map((v) => v.version.replace(/\+cuda[\d.]*$/, "")))];
    return {
      facts: {
        version: version?.version ?? null,
        net: net?.net ?? null,
        ibHcas: s.ibHcas,
        gdr,
        ranks: cluster.ranks,
        nodes: Math.max(cluster.nodes ?? 0, s.nvlsHeadNodes?.n ?? 0) || null,
        initComplete: s.initComplete,
        transports,
        firstWarn: plain(s.firstWarn),
        versions,
        hosts: cluster.hosts,
        matrix: cluster.matrix,
        nodePairs: cluster.nodePairs,
        interNode: cluster.interNode,
        intraNode: cluster.intraNode,
        netWithinHost: cluster.netWithinHost,
        namesakes: cluster.namesakes,
        interNodeNet: null,
        multiNode: false,
        communicators: cluster.communicators,
        communicatorCount: cluster.communicatorCount,
        workerIps,
        remotePeers: remote,
        rankMap,
        env: s.env,
        bootstrapInterfaces: s.bootstrap,
        interfaces: Object.values(s.ifaces ?? {}).sort((x, y) => x.at.input - y.at.input || x.at.line - y.at.line).map((v) => ({ role: v.role, index: v.index, name: v.name, address: v.address, host: v.host, count: v.count, evidence: plain(v.at)! })),
        firstConnections: Object.fromEntries(Object.entries(s.connSamples ?? {}).flatMap(([k, list]) => {
          const first = list.reduce<Located | null>((a, x) => earlier(a, x), null);
          return first ? [[k, plain(first)!]] : [];
        })),
        warnCount: s.warnCount,
        warnKinds: s.warnKinds,
        netPrinted: s.printedNets,
        ibLinkLayers: s.ibLinkLayers,
        ...(s.sharedGpus?.length ? { sharedGpus: s.sharedGpus.map((x) => ({ comm: x.comm, host: x.host, busId: x.busId, ranks: [...x.ranks], evidence: x.at.map((a) => plain(a)!) })) } : {}),
        netChoices: Object.entries(s.networks).sort((x, y) => y[1].count - x[1].count || (x[0] < y[0] ? -1 : 1)).map(([net, v]) => ({ net, hosts: [...new Set((v.hosts ?? []).map((h) => cluster.hostOf(h)!))].sort() })),
      },
      sources,
      missing,
    };
  },
};

function anonRank(s: NcclState, r: number, at: Located, placeAt: RankPlace | null): void {
  const k = String(r);
  if (!s.anonRanks[k]) {
    if (!keep(s, "ranks")) return;
    s.anonRanks[k] = at;
  }
  if (!placeAt || (!placeAt.host && placeAt.pid === null)) return;
  const cur = s.anonPlaced[k];
  if (!cur) s.anonPlaced[k] = { ...placeAt };
  else for (const f of ["host", "pid", "device", "busId"] as const) if (cur[f] === null) (cur as unknown as Record<string, unknown>)[f] = placeAt[f];
}

/**
 * the key of a launcher process in `s.procs`: its pid, or `pid@ip` when that pid already stands for a process at another
 * address. Ray's prefixes carry the node's address (`(WorkerDict pid=830, ip=172.26.143.83)`), and containers on two
 * nodes number their processes alike, so one pid can name a process on each node: those are two workers, not one.
 * (The plain pid keeps naming the first one seen, which is what the rank map and the bootstrap addresses look up.)
 */
function procKey(procs: Record<string, ProcState>, pid: string, ip: string | null): string {
  const first = procs[pid];
  if (!first || ip === null || first.ip === null || first.ip === ip) return pid;
  return `${pid}@${ip}`;
}

function fillProc(cur: ProcState, b: ProcState): void {
  for (const f of ["ip", "host", "rank", "tp", "pp", "dp"] as const) if (cur[f] === null && b[f] !== null) (cur as unknown as Record<string, unknown>)[f] = b[f];
}

function mergeActivity(cur: ActivityState, b: ActivityState): void {
  cur.collectives += b.collectives;
  cur.trace += b.trace;
  cur.proxy += b.proxy;
  if (b.lastOpCount !== null) {
    cur.lastOpCount = b.lastOpCount;
    cur.lastCollective = b.lastCollective;
  }
  cur.rank ??= b.rank;
}

/** NCCL's own lines first (banner, INFO), then vLLM's `nccl==`, then PyTorch's error suffix. */
function pickVersion(s: NcclState): { version: string; at: Located } | null {
  for (const source of [["banner", "info"], ["nccl-tests"], ["vllm"], ["pytorch"]]) {
    let best: NcclState["versions"][number] | null = null;
    for (const v of s.versions) if (source.includes(v.source) && (!best || earlier(best.at, v.at) === v.at)) best = v;
    if (best) return { version: best.version, at: best.at };
  }
  return null;
}

function versionBefore(version: string | null, major: number, minor: number): boolean | null {
  if (!version) return null;
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a < major || (a === major && b < minor);
}

/** at most this many processes' order of set-up lines are kept (NcclState.netOrder) */
const NET_ORDER_PROCS = 8192;

function noteNetOrder(s: NcclState, e: { ev: Evidence; input: number; host: string | null; pid: number | null }, what: "socket" | "boot" | "plugin"): void {
  const key = `${e.host}|${e.pid}`;
  let cur = s.netOrder[key];
  if (!cur && !addKey(s.netOrder, key, (cur = {}), NET_ORDER_PROCS)) return;
  cur[what] = earlierThan(cur[what], e);
}

/**
 * A process's `NET/Socket : Using` line that came before its own `NET/Plugin` line, with no `Bootstrap : Using` line of
 * that process ahead of it: NCCL ≤2.4's start (NcclNetPluginEvent), where that line lists the bootstrap interfaces.
 */
function socketForBootstrap(s: NcclState): Located | null {
  let found: Located | null = null;
  for (const p of Object.values(s.netOrder)) {
    if (!p.socket || !p.plugin || earlier(p.socket, p.plugin) !== p.socket) continue;
    if (p.boot && earlier(p.boot, p.socket) === p.boot) continue;
    found = earlier(found, p.socket);
  }
  return found;
}

/**
 * The network NCCL chose: `Using network X`, else the NET connections, else the NET device lines. Before
 * 2.5, `NET/Socket : Using [0]ib0` names the bootstrap interface, so it says Socket only when IB was absent; with no
 * version printed, a socket line before its process's `NET/Plugin` line shows that order (socketForBootstrap).
 */
function pickNet(s: NcclState, version: string | null): { net: string; at: Located } | null {
  const printed = Object.entries(s.networks).sort((x, y) => y[1].count - x[1].count || (earlier(x[1].at, y[1].at) === x[1].at ? -1 : 1));
  if (printed.length) return { net: printed[0][0], at: printed[0][1].at };
  const byNet: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.transports)) if (k.startsWith("NET/")) add(byNet, normalizeNet(k.slice(4).replace(/\/GDRDMA$/, "")), v);
  const top = Object.entries(byNet).sort((x, y) => y[1] - x[1])[0];
  if (top) return { net: top[0], at: s.gdrConn ?? s.noGdrConn ?? s.ibUsing ?? s.socketUsing ?? s.ofi ?? (Object.values(s.hosts)[0] as Located) };
  // (a plugin that gave up its initialisation is no network of the run when a line shows NCCL's own transport after it;
  // with no such line its NET/OFI words still name the network, as the corpus reads `NET/OFI` inside error text)
  const ofiOut = s.ofiGaveUp !== null && (s.ibUsing !== null || s.socketUsing !== null || Object.keys(s.netHints).some((n) => n !== "OFI"));
  if (s.ofi && !ofiOut) return { net: "OFI", at: s.ofi };
  if (s.ibUsing && !s.ibNone) return { net: "IB", at: s.ibUsing };
  const ibOff = s.ibNone !== null || s.env.NCCL_IB_DISABLE === "1";
  if (s.socketUsing && (ibOff || versionBefore(version, 2, 5) === false || (version === null && !s.ibUsing && !socketForBootstrap(s)))) return { net: "Socket", at: s.socketUsing };
  if (s.socketUsing && s.ibUsing && s.ibNone) return { net: "Socket", at: s.socketUsing };
  for (const n of ["IB", "OFI", "Socket"]) if (s.netHints[n] && !(n === "OFI" && ofiOut)) return { net: n, at: s.netHints[n] };
  // a net plugin's own device list (`NET/FastSocket : Using [0]..`), the earliest if several
  let plugin: [string, Located] | null = null;
  for (const [n, at] of Object.entries(s.netHints)) if (!(n === "OFI" && ofiOut) && (!plugin || earlier(plugin[1], at) === at)) plugin = [n, at];
  return plugin ? { net: plugin[0], at: plugin[1] } : null;
}
