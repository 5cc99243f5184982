import type { Event } from "../events/index.js";
import type { NcclProcessEvent } from "../events/nccl.js";
import type { Evidence } from "../model.js";
import { TRANSPORT_KINDS } from "../../grammars/nccl.js";
import { normalizeNet } from "../../grammars/nccl-messages.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";
import type { Missing, NcclFacts } from "./schema.js";

/** Caps so that a fleet's gigabyte logs keep a small state (a report names what a cap dropped). */
export const NCCL_STATE_LIMITS = { ranks: 4096, hosts: 4096, procs: 4096, activity: 4096 };

type Capped = "ranks" | "hosts" | "procs" | "activity" | "matrix";

/** Counts kept entries per capped collection, so a cap test is O(1) per event; rebuilt after a merge. */
interface CapCounters {
  kept: Record<Capped, number>;
}

function keep(s: NcclState, what: Capped): boolean {
  const limit = what === "matrix" ? NCCL_STATE_LIMITS.ranks : NCCL_STATE_LIMITS[what];
  if (s.cap.kept[what] < limit) {
    s.cap.kept[what]++;
    return true;
  }
  const c = (s.capped[what] ??= { limit, dropped: 0 });
  c.dropped++;
  return false;
}

function recount(s: NcclState): void {
  s.cap.kept = {
    ranks: Object.keys(s.ranks).length,
    hosts: Object.keys(s.hosts).length,
    procs: Object.keys(s.procs).length,
    activity: Object.keys(s.activity).length,
    matrix: Object.keys(s.matrix).length,
  };
  s.cap.kept.ranks = Math.max(s.cap.kept.ranks, Object.keys(s.rankInfo).length);
}

interface RankState {
  host: string | null;
  pid: number | null;
  device: number | null;
  busId: string | null;
  ip: string | null;
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
  /** rank -> rank -> kind -> count */
  matrix: Record<string, Record<string, Record<string, number>>>;
  gdrConn: Located | null;
  noGdrConn: Located | null;
  gdrDisabledHca: Located | null;
  /** version -> where it was first seen, per source */
  versions: { version: string; source: string; host: string | null; pid: number | null; at: Located }[];
  /** normalized `Using network` value -> count and first evidence */
  networks: Record<string, { count: number; at: Located }>;
  printedNets: string[];
  ibUsing: Located | null;
  ibNone: Located | null;
  socketUsing: Located | null;
  ofi: Located | null;
  netHints: Record<string, Located>;
  ibHcas: string[] | null;
  ibHcasAt: Located | null;
  ranks: Record<string, Located>;
  hosts: Record<string, Located>;
  initComplete: number;
  initCompleteAt: Located | null;
  firstWarn: Located | null;
  warnCount: number;
  warnKinds: Record<string, number>;
  rankInfo: Record<string, RankState>;
  procs: Record<string, ProcState>;
  env: Record<string, string>;
  envAt: Record<string, Located>;
  bootstrap: string[];
  activity: Record<string, ActivityState>;
  notices: string[];
  anyRecord: boolean;
  cap: CapCounters;
  /** what a cap dropped: collection -> limit and how many more distinct values were seen */
  capped: Partial<Record<Capped, { limit: number; dropped: number }>>;
}

const add = (o: Record<string, number>, k: string, n = 1) => {
  o[k] = (o[k] ?? 0) + n;
};

function noteRank(s: NcclState, r: number, at: Located): void {
  const k = String(r);
  if (s.ranks[k]) return;
  if (!s.rankInfo[k] && !keep(s, "ranks")) return;
  s.ranks[k] = at;
}

function rankState(s: NcclState, r: number): RankState {
  const k = String(r);
  return (s.rankInfo[k] ??= { host: null, pid: null, device: null, busId: null, ip: null });
}

/** first writer wins: a rank's host is read from the line its own process printed */
function placeRank(s: NcclState, r: number, host: string | null, pid: number | null, ip: string | null, device: number | null = null, busId: string | null = null): void {
  const k = String(r);
  if (!s.ranks[k] && !s.rankInfo[k] && !keep(s, "ranks")) return;
  const info = rankState(s, r);
  if (host && !info.host) info.host = host;
  if (pid !== null && info.pid === null) info.pid = pid;
  if (ip && !info.ip) info.ip = ip;
  if (device !== null && info.device === null) info.device = device;
  if (busId && !info.busId) info.busId = busId;
}

const OWN_RANK_SOURCES = new Set(["commSummary", "initTimings", "comm", "ncclTests"]);

function isNetKind(kind: string): boolean {
  return kind.startsWith("NET/") && kind !== "NET/Socket";
}

export const ncclDomain: FactDomain<NcclState, NcclFacts> = {
  name: "nccl",
  init: () => ({
    transports: {}, matrix: {}, gdrConn: null, noGdrConn: null, gdrDisabledHca: null, versions: [], networks: {}, printedNets: [],
    ibUsing: null, ibNone: null, socketUsing: null, ofi: null, netHints: {}, ibHcas: null, ibHcasAt: null, ranks: {}, hosts: {},
    initComplete: 0, initCompleteAt: null, firstWarn: null, warnCount: 0, warnKinds: {}, rankInfo: {}, procs: {}, env: {}, envAt: {},
    bootstrap: [], activity: {}, notices: [], anyRecord: false,
    cap: { kept: { ranks: 0, hosts: 0, procs: 0, activity: 0, matrix: 0 } }, capped: {},
  }),
  reduce(s, e: Event) {
    switch (e.kind) {
      case "nccl.connection": {
        s.anyRecord = true;
        add(s.transports, e.transport);
        const from = String(e.from);
        if (s.matrix[from] || keep(s, "matrix")) {
          const row = (s.matrix[from] ??= {});
          add((row[String(e.to)] ??= {}), e.transport);
        }
        const at = located(e);
        noteRank(s, e.from, at);
        noteRank(s, e.to, at);
        const ip = e.origin.ip ?? null;
        const pid = e.pid ?? e.origin.pid ?? null;
        if (e.direction === "receive") placeRank(s, e.to, e.host, pid, ip, e.dev);
        else placeRank(s, e.from, e.host, pid, ip, e.dev);
        if (e.via.includes("GDRDMA")) s.gdrConn = earlier(s.gdrConn, at);
        else if (isNetKind(e.transport)) s.noGdrConn = earlier(s.noGdrConn, at);
        return;
      }
      case "nccl.version":
        if (s.versions.length < 1000 && !s.versions.some((v) => v.version === e.version && v.source === e.source && v.host === e.host && v.pid === e.pid)) {
          s.versions.push({ version: e.version, source: e.source, host: e.host, pid: e.pid, at: located(e) });
        }
        return;
      case "nccl.network": {
        s.anyRecord = true;
        const n = (s.networks[e.net] ??= { count: 0, at: located(e) });
        n.count++;
        n.at = earlier(n.at, located(e));
        if (!s.printedNets.includes(e.printed)) s.printedNets.push(e.printed);
        return;
      }
      case "nccl.netDevices": {
        s.anyRecord = true;
        const at = located(e);
        if (e.transport === "ib" || e.transport === "ib-legacy") {
          s.ibUsing = earlier(s.ibUsing, at);
          const list = (s.ibHcas ??= []);
          for (const h of e.hcas) {
            const name = `${h.dev}:${h.port}`;
            if (!list.includes(name)) list.push(name);
          }
          s.ibHcasAt = earlier(s.ibHcasAt, at);
        } else if (e.transport === "ib-none") s.ibNone = earlier(s.ibNone, at);
        else if (e.transport === "socket") s.socketUsing = earlier(s.socketUsing, at);
        else if (e.transport === "ofi") s.ofi = earlier(s.ofi, at);
        return;
      }
      case "nccl.netHint":
        s.netHints[e.net] = earlier(s.netHints[e.net], located(e));
        return;
      case "nccl.bootstrap":
        s.anyRecord = true;
        for (const i of e.ifaces) if (!s.bootstrap.includes(i) && s.bootstrap.length < 256) s.bootstrap.push(i);
        return;
      case "nccl.env":
        s.anyRecord = true;
        if (!(e.name in s.env)) {
          s.env[e.name] = e.value;
          s.envAt[e.name] = located(e);
        }
        return;
      case "nccl.init":
        s.anyRecord = true;
        if (e.phase === "COMPLETE") {
          s.initComplete++;
          s.initCompleteAt = earlier(s.initCompleteAt, located(e));
        }
        if (e.rank !== null) {
          noteRank(s, e.rank, located(e));
          placeRank(s, e.rank, e.host, e.pid ?? e.origin.pid ?? null, e.origin.ip ?? null, e.dev, e.busId);
        }
        return;
      case "nccl.rank":
        noteRank(s, e.rank, located(e));
        // only lines a rank prints about itself place it; connection, duplicate-GPU and `from rank` lines name other ranks too
        if (OWN_RANK_SOURCES.has(e.source) && (e.host || e.pid !== null)) placeRank(s, e.rank, e.host, e.pid ?? e.origin.pid ?? null, e.origin.ip ?? null, e.source === "ncclTests" ? e.dev : null);
        return;
      case "nccl.host":
        if (!s.hosts[e.host!] && keep(s, "hosts")) s.hosts[e.host!] = located(e);
        s.anyRecord = true;
        return;
      case "nccl.gdr":
        if (!e.enabled && e.scope === "hca") s.gdrDisabledHca = earlier(s.gdrDisabledHca, located(e));
        return;
      case "nccl.warn":
        s.anyRecord = true;
        s.warnCount++;
        add(s.warnKinds, e.warnKind);
        s.firstWarn = earlier(s.firstWarn, located(e));
        return;
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
        const k = String(e.pid);
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
    for (const [f, row] of Object.entries(b.matrix)) {
      const r = (out.matrix[f] ??= {});
      for (const [t, kinds] of Object.entries(row)) {
        const cell = (r[t] ??= {});
        for (const [k, v] of Object.entries(kinds)) add(cell, k, v);
      }
    }
    out.gdrConn = earlier(a.gdrConn, b.gdrConn);
    out.noGdrConn = earlier(a.noGdrConn, b.noGdrConn);
    out.gdrDisabledHca = earlier(a.gdrDisabledHca, b.gdrDisabledHca);
    for (const v of b.versions) if (!out.versions.some((x) => x.version === v.version && x.source === v.source && x.host === v.host && x.pid === v.pid)) out.versions.push(v);
    for (const [k, v] of Object.entries(b.networks)) {
      const cur = out.networks[k];
      out.networks[k] = cur ? { count: cur.count + v.count, at: earlier(cur.at, v.at) } : { ...v };
    }
    for (const p of b.printedNets) if (!out.printedNets.includes(p)) out.printedNets.push(p);
    out.ibUsing = earlier(a.ibUsing, b.ibUsing);
    out.ibNone = earlier(a.ibNone, b.ibNone);
    out.socketUsing = earlier(a.socketUsing, b.socketUsing);
    out.ofi = earlier(a.ofi, b.ofi);
    for (const [k, v] of Object.entries(b.netHints)) out.netHints[k] = earlier(out.netHints[k], v);
    if (b.ibHcas) {
      out.ibHcas ??= [];
      for (const h of b.ibHcas) if (!out.ibHcas.includes(h)) out.ibHcas.push(h);
    }
    out.ibHcasAt = earlier(a.ibHcasAt, b.ibHcasAt);
    for (const [k, v] of Object.entries(b.ranks)) out.ranks[k] = earlier(out.ranks[k], v);
    for (const [k, v] of Object.entries(b.hosts)) out.hosts[k] = earlier(out.hosts[k], v);
    out.initComplete += b.initComplete;
    out.initCompleteAt = earlier(a.initCompleteAt, b.initCompleteAt);
    out.firstWarn = earlier(a.firstWarn, b.firstWarn);
    out.warnCount += b.warnCount;
    for (const [k, v] of Object.entries(b.warnKinds)) add(out.warnKinds, k, v);
    for (const [k, v] of Object.entries(b.rankInfo)) {
      const cur = out.rankInfo[k];
      if (!cur) out.rankInfo[k] = { ...v };
      else for (const f of ["host", "pid", "device", "busId", "ip"] as const) if (cur[f] === null) (cur as unknown as Record<string, unknown>)[f] = v[f];
    }
    for (const [k, v] of Object.entries(b.procs)) {
      if (out.procs[k]) fillProc(out.procs[k], v);
      else out.procs[k] = { ...v };
    }
    for (const [k, v] of Object.entries(b.env)) if (!(k in out.env)) {
      out.env[k] = v;
      out.envAt[k] = b.envAt[k];
    }
    for (const i of b.bootstrap) if (!out.bootstrap.includes(i)) out.bootstrap.push(i);
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
    if (net) sources["nccl.net"] = plain(net.at)!;
    const gdr = s.gdrConn ? true : s.noGdrConn || s.gdrDisabledHca ? false : null;
    if (gdr !== null) sources["nccl.gdr"] = plain(s.gdrConn ?? s.noGdrConn ?? s.gdrDisabledHca)!;
    if (s.ibHcasAt) sources["nccl.ibHcas"] = plain(s.ibHcasAt)!;
    if (s.firstWarn) sources["nccl.firstWarn"] = plain(s.firstWarn)!;
    if (s.initCompleteAt) sources["nccl.initComplete"] = plain(s.initCompleteAt)!;

    const hosts = distinctHosts(Object.keys(s.hosts));
    const rankIds = Object.keys(s.ranks).map(Number).sort((x, y) => x - y);
    const printedHost = (r: string): string | null => {
      const info = s.rankInfo[r];
      if (!info) return null;
      return info.host ?? info.ip ?? (info.pid !== null ? s.procs[String(info.pid)]?.ip ?? null : null);
    };
    // P2P and SHM connections never leave a node: a rank that printed nothing shares its peer's host
    const inferred = new Map<string, string>();
    for (const [f, row] of Object.entries(s.matrix)) {
      for (const [t, kinds] of Object.entries(row)) {
        if (!Object.keys(kinds).some((k) => k.startsWith("P2P/") || k === "SHM")) continue;
        const hf = printedHost(f);
        const ht = printedHost(t);
        if (hf && !ht && !inferred.has(t)) inferred.set(t, hf);
        if (ht && !hf && !inferred.has(f)) inferred.set(f, ht);
      }
    }
    const hostOf = (r: string): string | null => printedHost(r) ?? inferred.get(r) ?? null;
    const pairs = new Map<string, { a: string; b: string; kinds: Record<string, number> }>();
    for (const [f, row] of Object.entries(s.matrix)) {
      for (const [t, kinds] of Object.entries(row)) {
        const ha = hostOf(f);
        const hb = hostOf(t);
        if (!ha || !hb) continue;
        const [a, b] = ha <= hb ? [ha, hb] : [hb, ha];
        const key = `${a}\u0000${b}`;
        const p = pairs.get(key) ?? { a, b, kinds: {} };
        for (const [k, v] of Object.entries(kinds)) add(p.kinds, k, v);
        pairs.set(key, p);
      }
    }
    const lastByRank = new Map<number, ActivityState>();
    for (const a of Object.values(s.activity)) if (a.rank !== null) lastByRank.set(a.rank, a);
    const versionOf = (host: string | null, pid: number | null): string | null =>
      s.versions.find((v) => v.host !== null && v.host === host && v.pid === pid)?.version ?? (s.versions.length && new Set(s.versions.map((v) => v.version)).size === 1 ? s.versions[0].version : null);
    const NO_INFO: RankState = { host: null, pid: null, device: null, busId: null, ip: null };
    const rankMap = [...new Set([...Object.keys(s.ranks), ...Object.keys(s.rankInfo)])]
      .map((r): [string, RankState] => [r, s.rankInfo[r] ?? NO_INFO])
      .map(([r, info]) => {
        const proc = info.pid !== null ? s.procs[String(info.pid)] : undefined;
        const act = lastByRank.get(Number(r));
        return {
          rank: Number(r), host: info.host ?? inferred.get(r) ?? null, pid: info.pid, device: info.device, busId: info.busId,
          ncclVersion: versionOf(info.host, info.pid),
          lastOpCount: act?.lastOpCount ? parseInt(act.lastOpCount, 16) : null,
          lastCollective: act?.lastCollective ?? null,
          ip: info.ip ?? proc?.ip ?? null, tp: proc?.tp ?? null, pp: proc?.pp ?? null, dp: proc?.dp ?? null,
          ...(act ? { collectives: act.collectives } : {}),
        };
      })
      .sort((x, y) => x.rank - y.rank);

    if (!s.anyRecord) {
      missing.push({ fact: "nccl.transports", why: "no NCCL INFO lines in the log", howToGet: "rerun with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET" });
    } else {
      if (!version) missing.push({ fact: "nccl.version", why: "NCCL prints its version banner only on rank 0 (and as INFO from 2.22)", howToGet: "include rank 0's output, or set NCCL_DEBUG=INFO on NCCL 2.22+" });
      if (!Object.keys(s.transports).length) missing.push({ fact: "nccl.transports", why: "no `Channel ... via` connection lines", howToGet: "set NCCL_DEBUG=INFO (connection lines are INIT); with lazy connect (2.22+, cuMem on) they appear at the first collective" });
      if (!net) missing.push({ fact: "nccl.net", why: "no `Using network` or NET/ lines", howToGet: "set NCCL_DEBUG_SUBSYS=INIT,NET" });
    }
    const versions = [...new Set(s.versions.map((v) => v.version.replace(/\+cuda[\d.]*$/, "")))];
    return {
      facts: {
        version: version?.version ?? null,
        net: net?.net ?? null,
        ibHcas: s.ibHcas,
        gdr,
        ranks: rankIds.length ? rankIds.length : null,
        nodes: hosts.length ? hosts.length : null,
        initComplete: s.initComplete,
        transports,
        firstWarn: plain(s.firstWarn),
        versions,
        hosts,
        matrix: s.matrix,
        // by code unit: a locale comparison would load ICU's collation data (milliseconds) for host names
        nodePairs: [...pairs.values()].sort((x, y) => byCodeUnit(x.a, y.a) || byCodeUnit(x.b, y.b)),
        rankMap,
        env: s.env,
        bootstrapInterfaces: s.bootstrap,
        warnCount: s.warnCount,
        warnKinds: s.warnKinds,
        netPrinted: s.printedNets,
      },
      sources,
      missing,
    };
  },
};

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
  for (const source of [["banner", "info"], ["vllm"], ["pytorch"]]) {
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

/**
 * The network NCCL chose: `Using network X`, else the NET connections, else the NET device lines. Before
 * 2.5, `NET/Socket : Using [0]ib0` names the bootstrap interface, so it says Socket only when IB was absent.
 */
function pickNet(s: NcclState, version: string | null): { net: string; at: Located } | null {
  const printed = Object.entries(s.networks).sort((x, y) => y[1].count - x[1].count || (earlier(x[1].at, y[1].at) === x[1].at ? -1 : 1));
  if (printed.length) return { net: printed[0][0], at: printed[0][1].at };
  const byNet: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.transports)) if (k.startsWith("NET/")) add(byNet, normalizeNet(k.slice(4).replace(/\/GDRDMA$/, "")), v);
  const top = Object.entries(byNet).sort((x, y) => y[1] - x[1])[0];
  if (top) return { net: top[0], at: s.gdrConn ?? s.noGdrConn ?? s.ibUsing ?? s.socketUsing ?? s.ofi ?? (Object.values(s.hosts)[0] as Located) };
  if (s.ofi) return { net: "OFI", at: s.ofi };
  if (s.ibUsing && !s.ibNone) return { net: "IB", at: s.ibUsing };
  const ibOff = s.ibNone !== null || s.env.NCCL_IB_DISABLE === "1";
  if (s.socketUsing && (ibOff || versionBefore(version, 2, 5) === false || (version === null && !s.ibUsing))) return { net: "Socket", at: s.socketUsing };
  if (s.socketUsing && s.ibUsing && s.ibNone) return { net: "Socket", at: s.socketUsing };
  for (const n of ["IB", "OFI"]) if (s.netHints[n]) return { net: n, at: s.netHints[n] };
  return null;
}

/** Distinct host names; a name that lost its first character in a paste counts as the same host. */
function distinctHosts(names: string[]): string[] {
  const sorted = [...names].sort((x, y) => y.length - x.length);
  const out: string[] = [];
  for (const n of sorted) if (!out.some((o) => o === n || (o.length === n.length + 1 && o.endsWith(n)))) out.push(n);
  return out.sort();
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
