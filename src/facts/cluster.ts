import type { Located } from "./domain.js";

/**
 * The cluster model behind the NCCL facts: which machines took part, which communicators they formed, and
 * whether each connection stayed inside a node. Pure functions over the NCCL domain's mergeable state.
 *
 * A vLLM run has many communicators (one per TP group, per PP group, DP/EP groups, …) and each numbers its
 * ranks from 0, so a `Channel … : 1[1] -> 2[2] via …` line is read inside the communicator its printer was
 * setting up, never in one global rank space.
 */

/** One communicator as one process saw it (`host|pid|comm pointer`), with the connections it printed. */
export interface LocalComm {
  host: string | null;
  pid: number | null;
  /** the `comm 0x…` pointer; "" when the printer's communicator is unknown */
  ptr: string;
  commId: string | null;
  /** this process's rank in the communicator */
  rank: number | null;
  /**
   * the node address a launcher prefix gave the printer (Ray's `ip=`), when it had one: two processes of one host name
   * and one pid with different ones are two processes on two machines (identical containers number their processes alike)
   */
  via?: string;
  /** a child communicator's (ncclCommSplit / ncclCommShrink) parent pointer in the same process, and its colour */
  parent?: string;
  color?: number;
  nranks: number | null;
  nNodes: number | null;
  localRanks: number | null;
  device: number | null;
  busId: string | null;
  /** `from>to>kind>dir` (dir: s = [send], r = [receive], "" = printed by the sender) -> count */
  conns: Record<string, { n: number }>;
}

export interface RankPlace {
  host: string | null;
  pid: number | null;
  /** the printer's launcher address (LocalComm.via) */
  via?: string;
  device: number | null;
  busId: string | null;
}

/** A connection line kept as evidence: where it stands, and which process's communicator and connection it is. */
export interface ConnSample extends Located {
  local: string;
  conn: string;
}

export interface ClusterInput {
  locals: Record<string, LocalComm>;
  /** transport kind -> its first connection lines (the evidence of each scope is picked from these) */
  samples: Record<string, ConnSample[]>;
  /** rank ids seen outside any known communicator (PyTorch `[Rank N]`, nccl-tests headers, `from rank N` …) */
  anonRanks: Record<string, Located>;
  /** where those ranks run, when the line was printed by the rank itself */
  anonPlaced: Record<string, RankPlace>;
  /** the sizes the ranks' own commless lines gave their communicator (NCCL ≤2.3's `rank N nranks M`) */
  anonSizes?: number[];
  /** host names in NCCL prefixes and nccl-tests headers */
  ncclHosts: string[];
  /** an address (Ray `ip=`, bootstrap / OOB interface) -> the host names seen with it */
  links: Record<string, string[]>;
  /** pid -> the host names its NCCL lines carried (a name cut by interleaving shows under the same pid) */
  pidHosts: Record<string, string[]>;
  /**
   * what tells each process's machine: the address it bootstrapped from (`Bootstrap : Using`, else `NET/IB … OOB`, else
   * `NET/Socket : Using [0]`), and Ray's `ip=` for it (RAY_DRIVER when Ray printed it without one); several per process
   */
  procAddresses?: { host: string; pid: number; address: string; via?: string }[];
}

export type Scope = "intra" | "inter";

export interface CommunicatorSummary {
  /** the `commId` NCCL printed (identical on every rank), or "(no commId)" for lines no communicator could be told for */
  id: string;
  commId: string | null;
  nranks: number | null;
  nNodes: number | null;
  ranksSeen: number;
  hosts: string[];
  /** what it carries, when the vLLM side says so (TP group, PP group, world …) */
  role: string | null;
  transports: Record<string, number>;
  interNode: Record<string, number>;
}

export interface RankEntry {
  rank: number;
  /** the communicator the rank number belongs to (its commId), null when unknown */
  comm: string | null;
  host: string | null;
  /** the host name as the process printed it */
  rawHost: string | null;
  pid: number | null;
  device: number | null;
  busId: string | null;
}

export interface Cluster {
  hosts: string[];
  /** the hosts' count, or NCCL's own nNodes where larger */
  nodes: number | null;
  /** distinct ranks of the widest communicator */
  ranks: number | null;
  communicators: CommunicatorSummary[];
  communicatorCount: number;
  nodePairs: { a: string; b: string | null; scope: Scope; kinds: Record<string, number> }[];
  interNode: Record<string, number>;
  intraNode: Record<string, number>;
  /** the first connection line of each scope and kind, for evidence */
  firstOf: Record<string, Located>;
  /** NET connections whose two ranks are known to sit on one host */
  netWithinHost: number;
  /** host names that stand for several machines: the name and, per machine, `name@address` (see namesakeSplit) */
  namesakes: { host: string; machines: string[] }[];
  rankMap: RankEntry[];
  /** rank -> rank -> kind -> count, for the widest communicator */
  matrix: Record<string, Record<string, Record<string, number>>>;
  /** display name of the host a printed name or address belongs to */
  hostOf(name: string | null): string | null;
}

/**
 * Kinds that never leave a host. `P2P/MNNVL` is the exception among P2P kinds: NCCL ≥2.20 on a multi-node NVLink
 * domain (GB200 NVL72) prints it for every P2P connection of an MNNVL communicator (transport/p2p.cc: `via P2P/%s` with
 * "MNNVL" for "CUMEM"), those between two hosts of the domain included, while it counts the domain as one node (`nNodes 1`)
 */
const INTRA_ONLY = (kind: string) => (kind.startsWith("P2P/") && !kind.startsWith("P2P/MNNVL")) || kind === "SHM" || kind === "NVLS";
/**
 * How many nodes a communicator spans, as the log can tell: NCCL's own `nNodes`, else the hosts its ranks were seen on.
 * Those hosts are only a lower bound when some of its ranks never printed a line (a paste of part of a job).
 */
export function commNodes(c: { nNodes: number | null; hosts: string[]; nranks: number | null; ranksSeen: number }): { nodes: number; atLeast: boolean } {
  if (c.nNodes !== null) return { nodes: c.nNodes, atLeast: false };
  return { nodes: c.hosts.length, atLeast: c.nranks !== null && c.ranksSeen < c.nranks };
}

export const LIST_LIMITS = { communicators: 64, rankMap: 4096 };

/**
 * Addresses that many machines share and no other machine answers on (loopback, unspecified, link-local, docker's
 * default bridge): never evidence of identity, nor of another machine.
 */
export function sharedAddress(ip: string): boolean {
  return /^(?:127\.|172\.17\.|169\.254\.|0\.0\.0\.0$)/.test(ip) || /^(?:::1?$|fe[89ab][0-9a-f]:)/i.test(ip);
}

/** Disjoint sets of strings (union-find, paths compressed): `union` adds what it joins; the first one's root stays the root. */
function disjointSets() {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let c = x; c !== r; ) {
      const n = parent.get(c)!;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string) => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  return { add, find, union, has: (x: string) => parent.has(x), items: () => parent.keys() };
}

/**
 * Processes of one host name that bootstrap from different addresses run on different machines: an anonymised paste
 * prints one name for every node (`xxx-xxx-xxx-xxx`, `hostname`), and machines built from one image can keep its
 * name. Such a name stands for one machine per address (`name@10.0.0.1`) where ranks are placed and connections
 * classified, when every process of the name printed exactly one address (none a shared one: loopback, docker's
 * bridge, link-local). NCCL itself tells nodes by host name and boot id, so two containers of one machine that share
 * a name are one node: a split that a P2P/SHM connection between its parts contradicts is not made (`keep`). The names
 * as written still count the hosts (facts.nccl.hosts, nodes). Returns `host|pid|via` -> that process's machine.
 */
function namesakeSplit(input: ClusterInput, hostOf: (name: string | null) => string | null, locals: LocalComm[], keep: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  if (!input.procAddresses?.length) return out;
  // per name, per process (`pid|launcher address`): what tells its machine (bootstrap address, Ray's `ip=` or Ray's
  // driver node). One pid under one name can be two processes: the driver's and a Ray worker's on another machine.
  const tokens = new Map<string, Map<string, Set<string>>>();
  for (const a of input.procAddresses) {
    const h = hostOf(a.host);
    if (!h || keep.has(h) || sharedAddress(a.address)) continue;
    const byPid = tokens.get(h) ?? tokens.set(h, new Map()).get(h)!;
    const p = procToken(a.pid, a.via);
    (byPid.get(p) ?? byPid.set(p, new Set()).get(p)!).add(a.address);
  }
  for (const [h, byPid] of tokens) {
    // the tokens one process shows name one machine (its bootstrap address and the `ip=` Ray gave it, say)
    const { add, find, union, items } = disjointSets();
    for (const set of byPid.values()) {
      const [first, ...rest] = [...set];
      add(first);
      for (const t of rest) union(first, t);
    }
    const roots = new Set([...items()].map(find));
    if (roots.size < 2) continue;
    // every process that printed under the name must be placed: one with no address could be on either machine
    const placedPids = new Set<string>();
    for (const p of byPid.keys()) placedPids.add(p.slice(0, p.indexOf("|")));
    const unplaced = (pid: string) => !placedPids.has(pid);
    if (Object.entries(input.pidHosts).some(([pid, names]) => names.some((n) => hostOf(n) === h) && unplaced(pid))) continue;
    if (locals.some((l) => l.pid !== null && hostOf(l.host) === h && !byPid.has(procToken(l.pid, l.via)))) continue;
    // a machine is shown by an address of its group (Ray's driver node has none of its own)
    const shown = new Map<string, string>();
    for (const t of items()) {
      const r = find(t);
      if (t !== RAY_DRIVER && (!shown.has(r) || shown.get(r) === RAY_DRIVER)) shown.set(r, t);
      else if (!shown.has(r)) shown.set(r, t);
    }
    for (const [p, set] of byPid) out.set(`${h}|${p}`, `${h}@${shown.get(find([...set][0]))}`);
  }
  return out;
}

/** a process among those of one host name: its pid and the launcher address its lines carried ("" for none) */
const procToken = (pid: number, via: string | undefined) => `${pid}|${via ?? ""}`;

/** The address token of a process Ray prints without `ip=`: a worker on the driver's node. */
export const RAY_DRIVER = "ray-driver-node";

/** Union-find over host names and addresses: one machine is one host however the log names it. */
export function reconcileHosts(input: Pick<ClusterInput, "ncclHosts" | "links" | "pidHosts"> & { locals?: LocalComm[] }, extraNames: Iterable<string>): (name: string | null) => string | null {
  const { add, find, union, has, items } = disjointSets();
  const isAddress = (x: string) => /^[\d.]+$/.test(x) || (x.includes(":") && /^[0-9a-f:%.]+$/i.test(x));
  const names = new Set<string>([...input.ncclHosts, ...extraNames]);
  for (const hs of Object.values(input.pidHosts)) for (const h of hs) names.add(h);
  // a bare number is a container's host name (`64:220:577 [5] ..`) or the end of a cut one (`0:212090:212312 [1] ..`):
  // it may be a piece of a longer name, never an address
  const pieceNames = [...names].filter((n) => !isAddress(n) || /^\d+$/.test(n));
  for (const n of names) add(n);

  // a name cut at its start by interleaving is the same host: it lost one character, or it shares a pid with the whole name
  // (the pids each name was seen with: a pid that every node of a big job has names hundreds of hosts)
  const pidsOf = new Map<string, string[]>();
  for (const [pid, hs] of Object.entries(input.pidHosts)) for (const h of hs) (pidsOf.get(h) ?? pidsOf.set(h, []).get(h)!).push(pid);
  const sharesPid = (a: string, b: string) => a !== b && (pidsOf.get(a) ?? []).some((pid) => input.pidHosts[pid].includes(b));
  // how well a name is attested: its processes, communicators and connection lines (a name made by interleaving, a host
  // cut at its start or glued to the text before it, shows on a line or two; the real one on every line of its processes)
  const weight = new Map<string, number>();
  const bump = (h: string, n: number) => weight.set(h, (weight.get(h) ?? 0) + n);
  for (const [h, pids] of pidsOf) bump(h, pids.length);
  for (const l of input.locals ?? []) if (l.host) bump(l.host, 1 + Object.values(l.conns).reduce((n, c) => n + c.n, 0));
  const w = (h: string) => weight.get(h) ?? 1;
  const commonSuffix = (a: string, b: string) => {
    let k = 0;
    while (k < a.length && k < b.length && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
    return k;
  };
  // the name `x` is a piece of `y`'s: cut at its start (one character lost, or the same process), glued after other text
  // (`3.38it/s]host`, `x3207c0s25b1x3207c0s25b0n0`: the rare name ends with the whole one), or both (`NCC00c0s13b1n0`:
  // the tail of the name after the head of another record, the same process)
  const pieceOf = (x: string, y: string): boolean => {
    if (y.length > x.length && y.endsWith(x)) return y.length === x.length + 1 || sharesPid(x, y);
    const rare = w(x) <= 2 && w(y) >= 3 * w(x);
    if (x.length > y.length && x.endsWith(y)) return y.length >= 2 && (sharesPid(x, y) || rare);
    const k = commonSuffix(x, y);
    return rare && k >= 4 && 2 * k >= Math.min(x.length, y.length) && sharesPid(x, y);
  };
  // rarest first, each into the best-attested name it is a piece of (a short piece such as `n0` ends several hosts' names:
  // it joins one of them, never two)
  // (the names each name could be a piece of, found from suffixes and shared pids rather than by pairing every two
  // names: a big job's log names thousands of hosts)
  const pieceSet = new Set(pieceNames);
  const endingWith = new Map<string, string[]>();
  for (const y of pieceNames) for (let i = 1; i < y.length; i++) (endingWith.get(y.slice(i)) ?? endingWith.set(y.slice(i), []).get(y.slice(i))!).push(y);
  const candidates = (x: string): Set<string> => {
    const out = new Set<string>(endingWith.get(x) ?? []);
    for (let i = 1; i < x.length - 1; i++) if (pieceSet.has(x.slice(i))) out.add(x.slice(i));
    // (a pid that many hosts print, as every container's pid 1, says nothing of which host a piece belongs to)
    if (w(x) <= 2) for (const pid of pidsOf.get(x) ?? []) if (input.pidHosts[pid].length <= 32) for (const y of input.pidHosts[pid]) if (pieceSet.has(y)) out.add(y);
    return out;
  };
  const byWeight = [...pieceNames].sort((x, y) => w(x) - w(y) || x.length - y.length || (x < y ? -1 : 1));
  for (const x of byWeight) {
    if (x.length < 1) continue;
    let best: string | null = null;
    for (const y of candidates(x)) {
      if (y === x || w(y) < w(x) || !pieceOf(x, y)) continue;
      if (best === null || w(y) > w(best) || (w(y) === w(best) && y.length > best.length)) best = y;
    }
    if (best !== null) union(best, x);
  }
  // an address names the host it was seen with, unless several hosts share it (a container bridge, a NAT)
  for (const [ip, hs] of Object.entries(input.links)) {
    if (sharedAddress(ip)) continue;
    const roots = new Set(hs.filter(has).map(find));
    if (roots.size !== 1) continue;
    add(ip);
    union([...roots][0], ip);
  }
  const display = new Map<string, string>();
  for (const n of items()) {
    const r = find(n);
    const cur = display.get(r);
    const better = (a: string, b: string | undefined) =>
      b === undefined ||
      (isAddress(b) && !isAddress(a)) ||
      (isAddress(a) === isAddress(b) && (w(a) > w(b) || (w(a) === w(b) && (a.length > b.length || (a.length === b.length && a < b)))));
    if (better(n, cur)) display.set(r, n);
  }
  return (name) => (name === null ? null : has(name) ? display.get(find(name))! : name);
}

interface Group {
  key: string;
  commId: string | null;
  nranks: number | null;
  nNodes: number | null;
  members: LocalComm[];
  ranks: Set<number>;
  /** rank -> host (display) -> where it runs */
  placed: Map<number, Map<string, RankPlace & { rawHost: string | null }>>;
  /** ranks placed only because a P2P/SHM peer sits on that host */
  inferred: Map<number, string>;
}

function parseConn(key: string): { from: number; to: number; kind: string; dir: string } {
  const [from, to, kind, dir] = key.split(">");
  return { from: Number(from), to: Number(to), kind, dir };
}

const add = (o: Record<string, number>, k: string, n: number) => {
  o[k] = (o[k] ?? 0) + n;
};

export function buildCluster(input: ClusterInput, keepNames: ReadonlySet<string> = new Set()): Cluster {
  // (each key read once: the loops below read every communicator's connections, a set-up log's thousands of them)
  const conns = new Map<string, ReturnType<typeof parseConn>>();
  const connOf = (key: string) => conns.get(key) ?? conns.set(key, parseConn(key)).get(key)!;
  const localKey = new Map<LocalComm, string>();
  const locals: LocalComm[] = [];
  for (const k in input.locals) {
    const l = input.locals[k];
    locals.push(l);
    localKey.set(l, k);
  }
  const scopeOf = new Map<string, Scope>();
  // the connections the samples name, by their communicator's key: only their scope is looked up (a set-up log holds
  // tens of thousands of connections and a few samples)
  const sampled = new Map<string, Set<string>>();
  for (const list of Object.values(input.samples ?? {})) for (const sm of list) (sampled.get(sm.local) ?? sampled.set(sm.local, new Set()).get(sm.local)!).add(sm.conn);
  const names: string[] = [];
  for (const l of locals) if (l.host) names.push(l.host);
  for (const p of Object.values(input.anonPlaced)) if (p.host) names.push(p.host);
  const hostOf = reconcileHosts({ ...input, locals }, names);

  // the machine a process runs on: its host, or one machine of a name several share
  const split = namesakeSplit(input, hostOf, locals, keepNames);
  const baseOf = new Map<string, string>();
  for (const m of split.values()) baseOf.set(m, m.slice(0, m.lastIndexOf("@")));
  // a rank placed by a line that told no launcher address (an Init line without its communicator, say): the machine of
  // its name and pid when only one process had them
  const byPid = new Map<string, string | null>();
  for (const [k, m] of split) {
    const hp = k.slice(0, k.lastIndexOf("|"));
    byPid.set(hp, byPid.has(hp) && byPid.get(hp) !== m ? null : m);
  }
  const machineOf = (host: string | null, pid: number | null, via?: string): string | null => {
    const h = hostOf(host);
    if (h === null || pid === null || !split.size) return h;
    return split.get(`${h}|${procToken(pid, via)}`) ?? (via === undefined ? byPid.get(`${h}|${pid}`) : undefined) ?? h;
  };

  // lines whose communicator is not known belong to the only one their process (or, failing that, their size) had
  // keyed by the reconciled host: a process whose host name was cut on some lines is one process
  const procKey = (host: string | null, pid: number | null, via?: string) => `${hostOf(host) ?? ""}|${pid ?? ""}${via ? `|${via}` : ""}`;
  // (made when first asked: in a set-up log every communicator's Init line names its id)
  let ids: { procIds: Map<string, Set<string>>; ptrIds: Map<string, string>; sizeIds: Map<number, Set<string>> } | undefined;
  const idsOf = () => {
    if (ids) return ids;
    ids = { procIds: new Map(), ptrIds: new Map(), sizeIds: new Map() };
    for (const l of locals) {
      if (!l.commId) continue;
      const pk = procKey(l.host, l.pid, l.via);
      (ids.procIds.get(pk) ?? ids.procIds.set(pk, new Set()).get(pk)!).add(l.commId);
      if (l.ptr) ids.ptrIds.set(`${pk}|${l.ptr}`, l.commId);
      if (l.nranks !== null) (ids.sizeIds.get(l.nranks) ?? ids.sizeIds.set(l.nranks, new Set()).get(l.nranks)!).add(l.commId);
    }
    return ids;
  };
  const only = (set: Set<string> | undefined) => (set && set.size === 1 ? [...set][0] : null);
  // a log with one communicator: every line is of it (excerpts often cut some processes' init lines)
  let sole: string | null = null;
  for (const l of locals) {
    if (!l.commId || l.commId === sole) continue;
    if (sole !== null) {
      sole = null;
      break;
    }
    sole = l.commId;
  }
  // a child communicator (ncclCommSplit, ncclCommShrink) prints no commId: it is its parent's children of one colour,
  // whatever process (each names its own parent pointer), and never the parent itself, whose ranks it renumbers (nor
  // the only communicator its process had, as a line of unknown communicator is)
  let byPtr: Map<string, LocalComm> | undefined;
  const childId = (l: LocalComm, depth: number): string | null => {
    if (l.parent === undefined) return null;
    if (!byPtr) {
      byPtr = new Map();
      for (const x of locals) if (x.ptr) byPtr.set(`${procKey(x.host, x.pid, x.via)}|${x.ptr}`, x);
    }
    const p = byPtr.get(`${procKey(l.host, l.pid, l.via)}|${l.parent}`);
    const pid = p && p !== l && depth < 8 ? (p.commId ?? childId(p, depth + 1)) : null;
    // (a parent not in the log: the children of one split share a colour and a size, each split's colour its own)
    return pid ? `${pid}/${l.color ?? "?"}` : l.color !== undefined ? `split/${l.color}/${l.nranks ?? "?"}` : null;
  };
  const commIdOf = (l: LocalComm): string | null =>
    l.commId ??
    childId(l, 0) ??
    (l.ptr ? idsOf().ptrIds.get(`${procKey(l.host, l.pid, l.via)}|${l.ptr}`) : undefined) ??
    only(idsOf().procIds.get(procKey(l.host, l.pid, l.via))) ??
    (l.nranks !== null ? only(idsOf().sizeIds.get(l.nranks)) : null) ??
    sole;

  const groups = new Map<string, Group>();
  const groupOf = (l: LocalComm): Group => {
    const commId = commIdOf(l);
    const key = commId ? `c:${commId}` : "anon";
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, commId, nranks: null, nNodes: null, members: [], ranks: new Set(), placed: new Map(), inferred: new Map() }));
    return g;
  };
  const place = (g: Group, rank: number, p: RankPlace) => {
    const h = machineOf(p.host, p.pid, p.via);
    if (!h) return;
    let at = g.placed.get(rank);
    if (!at) g.placed.set(rank, (at = new Map()));
    const cur = at.get(h);
    if (!cur) at.set(h, { ...p, host: h, rawHost: p.host });
    else {
      cur.pid ??= p.pid;
      cur.device ??= p.device;
      cur.busId ??= p.busId;
    }
  };
  for (const l of locals) {
    const g = groupOf(l);
    g.members.push(l);
    if (l.nranks !== null) g.nranks = Math.max(g.nranks ?? 0, l.nranks);
    if (l.nNodes !== null) g.nNodes = Math.max(g.nNodes ?? 0, l.nNodes);
    if (l.rank !== null) {
      g.ranks.add(l.rank);
      place(g, l.rank, { host: l.host, pid: l.pid, via: l.via, device: l.device, busId: l.busId });
    }
    for (const key of Object.keys(l.conns)) {
      const c = connOf(key);
      g.ranks.add(c.from);
      g.ranks.add(c.to);
      place(g, c.dir === "r" ? c.to : c.from, { host: l.host, pid: l.pid, via: l.via, device: null, busId: null });
    }
  }
  if (Object.keys(input.anonRanks).length || Object.keys(input.anonPlaced).length) {
    const g = groups.get("anon") ?? { key: "anon", commId: null, nranks: null, nNodes: null, members: [], ranks: new Set<number>(), placed: new Map(), inferred: new Map() };
    groups.set("anon", g);
    // (a rank a foreign line names, `[Rank 1] Loading ...`, that the log's only communicator already holds is of that one,
    // not of another communicator nobody printed)
    // (a child communicator, `<parent>/<colour>` or `split/…`, renumbers its parent's ranks: the parent is the one)
    const real = [...groups.values()].filter((x) => x.commId !== null && !x.commId.includes("/"));
    const soleGroup = real.length === 1 ? real[0] : null;
    for (const r of Object.keys(input.anonRanks)) if (!soleGroup?.ranks.has(Number(r))) g.ranks.add(Number(r));
    for (const [r, p] of Object.entries(input.anonPlaced)) {
      // printed by a process that took part in one communicator only: the rank is of that one
      const id = only(idsOf().procIds.get(procKey(p.host, p.pid))) ?? sole;
      const target = (id && groups.get(`c:${id}`)) || g;
      target.ranks.add(Number(r));
      place(target, Number(r), p);
      if (target !== g) g.ranks.delete(Number(r));
    }
    // (one size named, and no communicator named by its id to hold those ranks: it is the size of theirs)
    if (g.nranks === null && !real.length && input.anonSizes?.length === 1 && g.ranks.size) g.nranks = input.anonSizes[0];
    if (!g.ranks.size && !g.members.length) groups.delete("anon");
  }
  const hostOfRank = (g: Group, r: number): string | null => {
    const at = g.placed.get(r);
    if (at && at.size === 1) return at.keys().next().value!;
    if (at && at.size > 1) return null; // two hosts claim it: rank numbers of different communicators mixed
    return g.inferred.get(r) ?? null;
  };
  // P2P and SHM never leave a node: a rank that printed nothing shares its peer's host (and a rank placed on another
  // machine of the same name says that name is one node after all)
  const oneNode = new Set<string>();
  for (const g of groups.values()) {
    for (const l of g.members) {
      const lh = machineOf(l.host, l.pid, l.via);
      if (!lh) continue;
      for (const key of Object.keys(l.conns)) {
        const c = connOf(key);
        if (!INTRA_ONLY(c.kind)) continue;
        const remote = c.dir === "r" ? c.from : c.to;
        const at = g.placed.get(remote);
        if (at && baseOf.has(lh)) for (const h of at.keys()) if (h !== lh && baseOf.get(h) === baseOf.get(lh)) oneNode.add(baseOf.get(lh)!);
        if (!at && !g.inferred.has(remote)) g.inferred.set(remote, lh);
      }
    }
  }
  if (oneNode.size) return buildCluster(input, new Set([...keepNames, ...oneNode]));

  // each NET record's other half, `[send]` for `[receive]`: the hosts that printed it, per group. Where the far rank's
  // number alone cannot be placed (two hosts claim it: communicators without commId mixed in one group; or it printed
  // nothing else), the one other host that printed the record's other half is the far end
  const halves = new Map<Group, Map<string, Set<string>>>();
  const halvesOf = (g: Group): Map<string, Set<string>> => {
    let m = halves.get(g);
    if (m) return m;
    halves.set(g, (m = new Map()));
    for (const l of g.members) {
      const lh = machineOf(l.host, l.pid, l.via);
      if (!lh) continue;
      for (const key of Object.keys(l.conns)) {
        if (!key.endsWith(">s") && !key.endsWith(">r")) continue;
        (m.get(key) ?? m.set(key, new Set()).get(key)!).add(lh);
      }
    }
    return m;
  };
  const otherHalfHost = (g: Group, key: string, c: { dir: string }, lh: string | null): string | null => {
    if (!lh || (c.dir !== "s" && c.dir !== "r")) return null;
    const hosts = halvesOf(g).get(`${key.slice(0, -1)}${c.dir === "s" ? "r" : "s"}`);
    if (!hosts) return null;
    let far: string | null = null;
    for (const h of hosts) {
      if (h === lh) continue;
      if (far !== null) return null;
      far = h;
    }
    return far;
  };

  const interNode: Record<string, number> = {};
  const intraNode: Record<string, number> = {};
  const firstOf: Record<string, Located> = {};
  // (by scope, then its two ends: no key made per connection)
  type Pair = { a: string; b: string | null; scope: Scope; kinds: Record<string, number> };
  const pairs: Record<Scope, Map<string, Map<string, Pair>>> = { intra: new Map(), inter: new Map() };
  let netWithinHost = 0;
  const summaries: (CommunicatorSummary & { _g: Group })[] = [];
  for (const g of groups.values()) {
    const hosts = new Set<string>();
    for (const at of g.placed.values()) for (const h of at.keys()) hosts.add(h);
    for (const l of g.members) {
      const h = machineOf(l.host, l.pid, l.via);
      if (h) hosts.add(h);
    }
    const transports: Record<string, number> = {};
    const inter: Record<string, number> = {};
    for (const l of g.members) {
      const lh = machineOf(l.host, l.pid, l.via);
      const want = sampled.get(localKey.get(l)!);
      for (const key in l.conns) {
        const n = l.conns[key].n;
        const c = connOf(key);
        add(transports, c.kind, n);
        const remote = c.from === c.to ? null : c.dir === "r" ? c.from : c.to;
        const rh = remote === null ? null : (hostOfRank(g, remote) ?? (INTRA_ONLY(c.kind) || g.nNodes === 1 ? null : otherHalfHost(g, key, c, lh)));
        let scope: Scope;
        let other: string | null;
        if (INTRA_ONLY(c.kind) || remote === null) {
          scope = INTRA_ONLY(c.kind) || g.nNodes === 1 || hosts.size === 1 ? "intra" : "inter";
          // a record whose own host prefix was lost (a hard wrap inside `host:pid`) sits on its peer's machine
          other = scope === "intra" ? (lh ?? rh) : null;
        } else if (lh && rh) {
          // one name on both ends, yet NCCL put the printer alone on its node (`localRanks 1`, or as many nodes as
          // ranks): two machines that share a name (identical containers, whose processes are numbered alike too)
          scope = lh !== rh || l.localRanks === 1 || (g.nNodes !== null && g.nNodes > 1 && g.nNodes === g.nranks) ? "inter" : "intra";
          other = rh;
          if (scope === "intra") netWithinHost += n;
        } else {
          // the other end's host is not in the log: NCCL uses the network between nodes, unless the communicator is on one node
          scope = g.nNodes === 1 ? "intra" : "inter";
          other = scope === "intra" ? (lh ?? rh) : rh;
        }
        if (scope === "inter") add(inter, c.kind, n);
        add(scope === "inter" ? interNode : intraNode, c.kind, n);
        if (want?.has(key)) scopeOf.set(`${localKey.get(l)}\u0000${key}`, scope);
        const a = lh ?? other;
        if (!a) continue;
        const b = lh ? other : null;
        const swap = scope !== "intra" && b !== null && a > b;
        const x = swap ? b : a;
        const y = scope === "intra" ? a : swap ? a : b;
        const byX = pairs[scope].get(x) ?? pairs[scope].set(x, new Map()).get(x)!;
        let p = byX.get(y ?? "");
        if (p === undefined) byX.set(y ?? "", (p = { a: x, b: y, scope, kinds: {} }));
        add(p.kinds, c.kind, n);
      }
    }
    summaries.push({
      id: g.commId ?? "(no commId)", commId: g.commId, nranks: g.nranks, nNodes: g.nNodes, ranksSeen: g.ranks.size,
      hosts: [...hosts].sort(byCodeUnit), role: null, transports, interNode: inter, _g: g,
    });
  }
  // the first kept line of each kind whose connection has that scope
  for (const [kind, list] of Object.entries(input.samples ?? {})) {
    for (const sm of list) {
      const scope = scopeOf.get(`${sm.local}\u0000${sm.conn}`);
      if (!scope || firstOf[`${scope}:${kind}`]) continue;
      firstOf[`${scope}:${kind}`] = { file: sm.file, line: sm.line, text: sm.text, input: sm.input };
    }
  }
  summaries.sort((x, y) => y.ranksSeen - x.ranksSeen || (y.nranks ?? 0) - (x.nranks ?? 0) || (x.commId === null ? 1 : 0) - (y.commId === null ? 1 : 0) || byCodeUnit(x.id, y.id));

  const hostSet = new Set<string>();
  for (const h of input.ncclHosts) hostSet.add(hostOf(h)!);
  for (const l of locals) if (l.host) hostSet.add(hostOf(l.host)!);
  const hosts = [...hostSet].sort(byCodeUnit);
  const maxNodes = Math.max(0, ...summaries.map((c) => c.nNodes ?? 0));
  const nodes = Math.max(maxNodes, hosts.length) || null;
  // the rank numbers seen, never more than the widest communicator holds: numbers of different communicators overlap
  // (each counts from 0), so their union is what the log shows of the widest one
  const seen = new Set<number>();
  for (const c of summaries) for (const r of c._g.ranks) seen.add(r);
  const widestSize = Math.max(0, ...summaries.map((c) => c.nranks ?? 0));
  const ranks = (widestSize ? Math.min(seen.size, widestSize) : seen.size) || null;

  const rankMap: RankEntry[] = [];
  // one entry per GPU of a process (the widest communicator's rank first): a process is listed again only for another
  // device, as one that drives several GPUs is (nccl-tests `-g 2`, one thread per GPU: `host:pid:tid [1] … rank 1`)
  const listed = new Map<string, Set<number | null>>();
  for (const c of summaries) {
    const g = c._g;
    for (const r of [...g.ranks].sort((x, y) => x - y)) {
      if (rankMap.length >= LIST_LIMITS.rankMap) break;
      const h = hostOfRank(g, r);
      const p = h ? g.placed.get(r)?.get(h) : undefined;
      const procKey = p?.pid != null && h ? `${h}|${p.pid}` : null;
      const devices = procKey ? listed.get(procKey) : undefined;
      if (devices && (p!.device === null || devices.has(p!.device) || devices.has(null))) continue;
      if (!procKey && g.commId !== null) continue; // a remote end of a known communicator: its own process lists it
      if (procKey) (devices ?? listed.set(procKey, new Set()).get(procKey)!).add(p!.device);
      rankMap.push({ rank: r, comm: g.commId, host: h, rawHost: p?.rawHost ?? null, pid: p?.pid ?? null, device: p?.device ?? null, busId: p?.busId ?? null });
    }
  }

  const matrix: Cluster["matrix"] = {};
  const widest = summaries[0]?._g;
  if (widest) {
    for (const l of widest.members) {
      for (const key in l.conns) {
        const c = connOf(key);
        const row = (matrix[String(c.from)] ??= {});
        add((row[String(c.to)] ??= {}), c.kind, l.conns[key].n);
      }
    }
  }
  return {
    hosts, nodes, ranks,
    communicators: summaries.slice(0, LIST_LIMITS.communicators).map(({ _g, ...c }) => c),
    communicatorCount: summaries.length,
    nodePairs: [...pairs.intra.values(), ...pairs.inter.values()].flatMap((m) => [...m.values()]).sort((x, y) => byCodeUnit(x.a, y.a) || byCodeUnit(x.b ?? "\uffff", y.b ?? "\uffff") || byCodeUnit(x.scope, y.scope)),
    interNode, intraNode, firstOf, netWithinHost, rankMap, matrix, hostOf,
    namesakes: [...groupBy(baseOf)].map(([host, machines]) => ({ host, machines: machines.sort(byCodeUnit) })).sort((x, y) => byCodeUnit(x.host, y.host)),
  };
}

/** machine -> name, as name -> its machines */
function groupBy(baseOf: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [m, h] of baseOf) (out.get(h) ?? out.set(h, []).get(h)!).push(m);
  return out;
}

// by code unit: a locale comparison would load ICU's collation data (milliseconds) for host names
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
