import type { Event } from "../events/index.js";
import { earlier, earlierThan, located, plain, type FactDomain, type Located } from "./domain.js";
import type { Facts } from "./schema.js";

/**
 * The first events of each host: the engine starting, NCCL initialising, the first warning and the first error.
 * A line is placed on the host its NCCL prefix (`host:pid:tid`) or its launcher prefix (pdsh/kubectl host, Ray's
 * `ip=`) names; lines that name none are kept under "" and placed in `finalizeTimeline`.
 */
type Slot = "engineStart" | "ncclInit" | "firstWarning" | "firstError";
interface HostFirsts {
  engineStart?: Located;
  /** the earliest config statement of any kind: the engine start when no banner is in the log */
  anyConfig?: Located;
  ncclInit?: Located;
  firstWarning?: Located;
  firstError?: Located;
}
export interface TimelineState {
  /** host name, `ip:ADDRESS`, or "" for lines that name no host -> its first events */
  byHost: Record<string, HostFirsts>;
  /** the host the last NCCL event named, and its line: the error event an NCCL line also makes names none */
  lastHost?: { input: number; line: number; host: string };
}

const MAX_HOSTS = 64;

/** NCCL's `host:pid:tid [dev]` line header (a host has a letter: `21:34:20 [0]` is a time) */
const NCCL_HEADER_HOST = /(?:^|\s)([\w.-]*[A-Za-z][\w.-]*):\d+:\d+ \[\d+\] /;

function keyOf(state: TimelineState, e: Event): string {
  const host = "host" in e && typeof e.host === "string" && e.host ? e.host : null;
  if (host) return host;
  const last = state.lastHost;
  if (last && last.input === e.input && last.line === e.ev.line) return last.host;
  // a line no NCCL event placed (an INFO error return, a retried connection) names its host in its header
  const header = NCCL_HEADER_HOST.exec(e.ev.text);
  if (header) return header[1];
  if (e.origin.host) return e.origin.host;
  if (e.origin.ip) return `ip:${e.origin.ip}`;
  return "";
}

function slotOf(e: Event): keyof HostFirsts | null {
  switch (e.kind) {
    case "vllm.config":
      return e.source === "banner" ? "engineStart" : "anyConfig";
    case "nccl.init":
      return "ncclInit";
    case "warning":
    case "nccl.warn":
      return "firstWarning";
    case "error":
      return "firstError";
    default:
      return null;
  }
}

const hostCounts = new WeakMap<object, number>();

export const timelineDomain: FactDomain<TimelineState, never> & { reduce(state: TimelineState, e: Event): void } = {
  name: "timeline",
  init: () => ({ byHost: {} }),
  reduce(state, e) {
    if (e.kind.startsWith("nccl.") && "host" in e && typeof e.host === "string" && e.host) {
      // (changed in place: every NCCL event of a set-up log passes here. Only ever forward: lines the fast path folded
      // are handed over in the order of their first lines, a run of them may end after the next event's line)
      const last = state.lastHost;
      if (!last) state.lastHost = { input: e.input, line: e.ev.line, host: e.host };
      else if (last.input < e.input || (last.input === e.input && last.line <= e.ev.line)) {
        last.input = e.input;
        last.line = e.ev.line;
        last.host = e.host;
      }
    }
    const slot = slotOf(e);
    if (!slot) return;
    const key = keyOf(state, e);
    let h = state.byHost[key];
    if (!h) {
      // (the hosts counted once per object: a big job's events of hosts past the cap come by the thousand)
      const n = hostCounts.get(state.byHost) ?? Object.keys(state.byHost).length;
      if (n >= MAX_HOSTS) return;
      h = state.byHost[key] = {};
      hostCounts.set(state.byHost, n + 1);
    }
    h[slot] = earlierThan(h[slot], e);
  },
  merge(a, b) {
    const lastHost = b.lastHost ?? a.lastHost;
    const out: TimelineState = { byHost: structuredClone(a.byHost), ...(lastHost ? { lastHost: { ...lastHost } } : {}) };
    for (const [k, hb] of Object.entries(b.byHost)) {
      if (!out.byHost[k] && Object.keys(out.byHost).length >= MAX_HOSTS) continue;
      const ha = (out.byHost[k] ??= {});
      for (const [slot, at] of Object.entries(hb) as [keyof HostFirsts, Located][]) ha[slot] = earlier(ha[slot], at)!;
    }
    return out;
  },
  finalize() {
    throw new Error("timeline facts need the NCCL facts: use finalizeTimeline");
  },
};

/**
 * One entry per host, in the order of their first event. Ray's `ip=` names the workers off the driver's node: an
 * address is the host whose ranks carry it, and lines naming no host are the driver's node when exactly one host
 * has ranks without an address.
 */
export function finalizeTimeline(state: TimelineState | undefined, nccl: Facts["nccl"]): NonNullable<Facts["timeline"]> {
  const byIp = new Map<string, string>();
  for (const r of nccl.rankMap) if (r.ip && r.host) byIp.set(r.ip, r.host);
  const unaddressed = [...new Set(nccl.rankMap.filter((r) => !r.ip && r.host).map((r) => r.host!))];
  const driverHost = nccl.workerIps.length && unaddressed.length === 1 ? unaddressed[0] : null;
  const merged = new Map<string | null, HostFirsts>();
  for (const [key, firsts] of Object.entries(state?.byHost ?? {})) {
    const host = key === "" ? driverHost : key.startsWith("ip:") ? (byIp.get(key.slice(3)) ?? key.slice(3)) : key;
    const into = merged.get(host) ?? {};
    for (const [slot, at] of Object.entries(firsts) as [keyof HostFirsts, Located][]) into[slot] = earlier(into[slot], at)!;
    merged.set(host, into);
  }
  const slots: Slot[] = ["engineStart", "ncclInit", "firstWarning", "firstError"];
  const out = [...merged].map(([host, h]) => {
    const engine = h.engineStart ?? h.anyConfig;
    const first = [engine, h.ncclInit, h.firstWarning, h.firstError].reduce<Located | undefined>((x, y) => earlier(x, y), undefined)!;
    return {
      first,
      entry: { host, ...Object.fromEntries(slots.map((s) => [s, plain(s === "engineStart" ? engine : h[s])])) } as NonNullable<Facts["timeline"]>[number],
    };
  });
  return out.filter((x) => x.first).sort((x, y) => (earlier(x.first, y.first) === x.first ? -1 : 1)).map((x) => x.entry);
}
