import type { Event } from "../events/index.js";
import type { SignalEvent } from "../events/common.js";
import type { Evidence } from "../model.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";

/*
 * `facts.versions`: the software versions each process reports at run time (NCCL's banner, vLLM's `nccl==`, vLLM,
 * torch, CUDA), one entry per node and version, and the versions the image declares in its environment
 * (`NCCL_VERSION=2.15.5-1`, `VLLM_VERSION=…`, the pip wheel `nvidia-nccl-cu12 2.20.5`). cluster/version-mismatch
 * compares them.
 */

/** signature id (grammars/signatures.ts) -> what the version is of */
export const VERSION_SIGNATURES: Readonly<Record<string, VersionOf>> = {
  "nccl.versionLine": "NCCL",
  "vllm.ncclVersion": "vLLM's NCCL",
  "vllm.versionLine": "vLLM",
  "torch.version": "torch",
  "torch.cudaVersion": "CUDA",
};
export type VersionOf = "NCCL" | "vLLM's NCCL" | "vLLM" | "torch" | "CUDA";

/** Environment names (and the pip wheel) that declare the image's NCCL or vLLM version. */
const DECLARED = /^(?:NCCL_VERSION|NV_LIBNCCL_PACKAGE_VERSION|NV_LIBNCCL_DEV_PACKAGE_VERSION|(?:nvidia|vllm)-nccl-cu\d+|VLLM_VERSION)$/;

/** distinct (what, version, node) entries kept; a fleet's logs stay small */
export const MAX_VERSIONS = 512;

interface Seen {
  what: VersionOf;
  version: string;
  /** the node the line came from: the launcher's address or host, else NCCL's header host; null when none says */
  node: string | null;
  /** the rank a launcher prefix gave */
  rank: number | null;
  at: Located;
}

export interface VersionsState {
  seen: Record<string, Seen>;
  dropped: number;
  /** environment name -> the first value that looks like a version */
  declared: Record<string, { version: string; at: Located }>;
}

export interface VersionsFacts {
  /** in log order of each entry's first line */
  seen: { what: VersionOf; version: string; node: string | null; rank: number | null; evidence: Evidence }[];
  declared: { name: string; version: string; evidence: Evidence }[];
}

/** Old PyTorch decodes NCCL ≥ 2.10's version code with the 2.9 formula: 2.10.3 prints as 21.0.3. */
export function normalizeVersion(version: string): string {
  const v = version.replace(/\+.*$/, "");
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 10) return v;
  const code = Number(m[1]) * 1000 + Number(m[2]) * 100 + Number(m[3]);
  return `${Math.floor(code / 10000)}.${Math.floor((code % 10000) / 100)}.${code % 100}`;
}

// per file too: a line that names no node stands for its file when several are read
const keyOf = (v: Seen) => `${v.what}\u0000${v.version}\u0000${v.node ?? ""}\u0000${v.rank ?? ""}\u0000${v.at.file}`;

function offer(s: VersionsState, v: Seen): void {
  const k = keyOf(v);
  const cur = s.seen[k];
  if (cur) cur.at = earlier(cur.at, v.at);
  else if (Object.keys(s.seen).length < MAX_VERSIONS) s.seen[k] = v;
  else s.dropped++;
}

/** what a version signature's signal says, or undefined */
function seenOf(e: SignalEvent): Seen | undefined {
  const what = VERSION_SIGNATURES[e.id];
  const raw = what ? (e.captures["1"] ?? e.captures["2"] ?? e.captures["3"]) : undefined;
  if (!what || !raw) return undefined;
  const o = e.origin ?? {};
  return { what, version: normalizeVersion(raw), node: o.ip ?? o.host ?? e.captures.ncclHost ?? null, rank: o.rank ?? null, at: located(e) };
}

/** reducing signal `e` at `line` (a later line of its input) would change nothing: what it says is kept, from an earlier line */
export function versionKeptBefore(s: VersionsState, e: SignalEvent, line: number): boolean {
  // (its key made once: a set-up log's banner is asked of some 20,000 times)
  let key = seenKeys.get(e);
  if (key === undefined) {
    const v = seenOf(e);
    seenKeys.set(e, (key = v ? keyOf(v) : ""));
  }
  const cur = key === "" ? undefined : s.seen[key];
  return key === "" || (cur !== undefined && (cur.at.input < e.input || (cur.at.input === e.input && cur.at.line < line)));
}
const seenKeys = new WeakMap<SignalEvent, string>();

function declare(s: VersionsState, name: string, version: string, at: Located): void {
  const cur = s.declared[name];
  if (!cur || earlier(cur.at, at) === at) s.declared[name] = { version, at };
}

export const versionsDomain: FactDomain<VersionsState, VersionsFacts> = {
  name: "versions",
  init: () => ({ seen: {}, dropped: 0, declared: {} }),
  reduce(s, e: Event) {
    if (e.kind === "signal") {
      const v = seenOf(e);
      if (v) offer(s, v);
    } else if (e.kind === "vllm.message" && e.id === "env.echo" && DECLARED.test(String(e.facts.name))) {
      const v = /^v?(\d+\.\d+(?:\.\d+)?)/.exec(String(e.facts.value));
      if (v) declare(s, String(e.facts.name), v[1], located(e));
    }
  },
  merge(a, b) {
    const out: VersionsState = { seen: structuredClone(a.seen), dropped: a.dropped + b.dropped, declared: { ...a.declared } };
    for (const v of Object.values(b.seen)) offer(out, structuredClone(v));
    for (const [k, v] of Object.entries(b.declared)) declare(out, k, v.version, v.at);
    return out;
  },
  finalize(s) {
    const byPlace = (x: { at: Located }, y: { at: Located }) => x.at.input - y.at.input || x.at.line - y.at.line;
    return {
      facts: {
        seen: Object.values(s.seen).sort(byPlace).map((v) => ({ what: v.what, version: v.version, node: v.node, rank: v.rank, evidence: plain(v.at)! })),
        declared: Object.entries(s.declared).map(([name, v]) => ({ name, ...v })).sort(byPlace).map((v) => ({ name: v.name, version: v.version, evidence: plain(v.at)! })),
      },
      sources: {},
      missing: [],
    };
  },
};
