import { isIP } from "node:net";
import type { Report } from "../facts/schema.js";

/*
 * Redaction for reports that leave the machine: consistent pseudonyms, so that the same host or address
 * reads the same everywhere (matrix, node pairs, evidence lines, file names), and secrets replaced by
 * numbered placeholders. It runs on the finished report object (and the kept events), before any renderer.
 */

export interface RedactOptions {
  /** also replace model names and paths (config.model, servedModelName) */
  models?: boolean;
}

/** Names and addresses that stay readable because they reveal nothing about a site. */
const KEEP_IPS = new Set(["0.0.0.0", "127.0.0.1", "::", "::1", "255.255.255.255"]);

// secrets: each pattern's first group (when present) is kept, the rest replaced
const SECRET_PATTERNS: RegExp[] = [
  // Hugging Face, OpenAI / Anthropic style keys, GitHub and Slack tokens, AWS access key ids
  /\bhf_[A-Za-z0-9]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  // Authorization: Bearer <token>
  /(\b[Bb]earer\s+)(?!redacted-secret-)[A-Za-z0-9._~+/=-]{6,}/g,
  // --api-key X, --api-key=X, --hf-token X, --token X
  /(--(?:api[-_]key|hf[-_]token|token|access[-_]token|password|secret)(?:=|\s+)['"]?)(?!redacted-secret-)[^\s'",)\]}]+/gi,
  // api_key='X', "api_key": "X", api_key: ['X'], HF_TOKEN=X, OPENAI_API_KEY=X (config dumps, Namespace(...), env lines)
  /(\b[\w.-]*(?:api[_-]?key|token|secret|password|passwd|credentials?)['"]?\s*(?:=|:)\s*\[?\s*['"]?)(?!None\b|null\b|False\b|True\b|redacted-secret-)[^\s'",)\]}]{4,}/gi,
];

const SECRET_KEY = /(api[_-]?key|secret|passw(or)?d|credentials?|token)$/i;
const USER_PATH = /(\/(?:home|Users)\/)([^/\s'":,)\]}]+)/g;
const NCCL_HOST_PREFIX = /(?:^|\s)([A-Za-z0-9][A-Za-z0-9._-]{0,253}):\d+:\d+ \[\d+\] NCCL /g;
const EC2_HOST = /\bip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}(?:\.[A-Za-z0-9.-]+)?\b/g;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g;
const IPV6_CANDIDATE = /(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class Redactor {
  private readonly hosts = new Map<string, string>();
  private readonly ips = new Map<string, string>();
  private readonly users = new Map<string, string>();
  private readonly secrets = new Map<string, string>();
  private readonly models = new Map<string, string>();
  private hostPattern: RegExp | null = null;
  private modelPattern: RegExp | null = null;

  constructor(private readonly opts: RedactOptions = {}) {}

  /** Learns host names first, in sorted order, so pseudonyms do not depend on where a name first appears. */
  learnHosts(names: Iterable<string>): void {
    const fresh = [...new Set(names)].filter((h) => h && !this.hosts.has(h) && !isIP(h) && !/^host-\d+$/.test(h)).sort();
    for (const h of fresh) this.hosts.set(h, `host-${this.hosts.size + 1}`);
    const all = [...this.hosts.keys()].sort((a, b) => b.length - a.length);
    this.hostPattern = all.length ? new RegExp(`(?<![A-Za-z0-9_-])(?:${all.map(escapeRe).join("|")})(?![A-Za-z0-9_-])`, "g") : null;
  }

  learnModels(names: Iterable<string>): void {
    if (!this.opts.models) return;
    for (const m of [...new Set(names)].filter(Boolean).sort()) if (!this.models.has(m)) this.models.set(m, `model-${this.models.size + 1}`);
    const all = [...this.models.keys()].sort((a, b) => b.length - a.length);
    this.modelPattern = all.length ? new RegExp(all.map(escapeRe).join("|"), "g") : null;
  }

  /** Replaces every secret, user name, model, host and address in one string. */
  text(s: string): string {
    let t = s;
    for (const re of SECRET_PATTERNS) {
      t = t.replace(re, (whole: string, keep?: string) => {
        const prefix = typeof keep === "string" ? keep : "";
        const secret = whole.slice(prefix.length);
        return prefix + this.pseudonym(this.secrets, secret, "redacted-secret-");
      });
    }
    if (this.modelPattern) t = t.replace(this.modelPattern, (m) => this.models.get(m) ?? m);
    t = t.replace(USER_PATH, (_w, dir: string, user: string) => dir + this.pseudonym(this.users, user, "user-"));
    t = t.replace(EC2_HOST, (h) => this.hostName(h));
    if (this.hostPattern) t = t.replace(this.hostPattern, (h) => this.hosts.get(h) ?? h);
    t = t.replace(IPV4, (ip) => (isIP(ip) === 4 && !KEEP_IPS.has(ip) ? this.ipPseudonym(ip) : ip));
    t = t.replace(IPV6_CANDIDATE, (ip) => (isIP(ip) === 6 && !KEEP_IPS.has(ip.toLowerCase()) ? this.ipPseudonym(ip.toLowerCase()) : ip));
    return t;
  }

  /** A deep copy of any JSON value with every string (keys included) redacted. */
  value<T>(v: T): T {
    return this.walk(v) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        // a value under a secret's name (api_key, hf_token, HF_TOKEN, password) is a secret whatever it looks like
        out[this.text(k)] = typeof x === "string" && SECRET_KEY.test(k) && x.length > 0 && !/^(None|null|redacted-secret-\d+)$/.test(x) ? this.pseudonym(this.secrets, x, "redacted-secret-") : this.walk(x);
      }
      return out;
    }
    return v;
  }

  private hostName(h: string): string {
    if (!this.hosts.has(h)) this.hosts.set(h, `host-${this.hosts.size + 1}`);
    return this.hosts.get(h)!;
  }

  private pseudonym(map: Map<string, string>, key: string, prefix: string): string {
    if (!map.has(key)) map.set(key, `${prefix}${map.size + 1}`);
    return map.get(key)!;
  }

  /** IPv4 pseudonyms stay addresses, from the documentation ranges (RFC 5737), so a reader still sees an IP. */
  private ipPseudonym(ip: string): string {
    const cur = this.ips.get(ip);
    if (cur) return cur;
    const n = this.ips.size;
    const nets = ["192.0.2.", "198.51.100.", "203.0.113."];
    const v = ip.includes(":") ? `2001:db8::${(n + 1).toString(16)}` : n < 762 ? `${nets[Math.floor(n / 254)]}${(n % 254) + 1}` : `ip-${n + 1}`;
    this.ips.set(ip, v);
    return v;
  }
}

/** Host names a report (and its events) names: NCCL hosts, node pairs, rank map, origins, NCCL line prefixes. */
export function hostsOf(report: Report, events: readonly unknown[] = []): Set<string> {
  const hosts = new Set<string>();
  const n = report.facts.nccl;
  for (const h of n.hosts) hosts.add(h);
  for (const p of n.nodePairs) {
    hosts.add(p.a);
    if (p.b) hosts.add(p.b);
  }
  for (const c of n.communicators ?? []) for (const h of c.hosts) hosts.add(h);
  for (const r of n.rankMap) if (r.host) hosts.add(r.host);
  const master = report.facts.config.masterAddr;
  if (master && !isIP(master) && master !== "localhost") hosts.add(master);
  const scan = (s: string) => {
    for (const m of s.matchAll(NCCL_HOST_PREFIX)) hosts.add(m[1]);
  };
  const visit = (v: unknown, depth: number): void => {
    if (depth > 12) return;
    if (typeof v === "string") scan(v);
    else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "host" && typeof x === "string") hosts.add(x);
        visit(x, depth + 1);
      }
    }
  };
  visit(report, 0);
  visit(events, 0);
  hosts.delete("localhost");
  for (const h of [...hosts]) if (isIP(h) || h.length < 2) hosts.delete(h);
  return hosts;
}

/** The report and events with hosts, addresses, user names and secrets (and models, when asked) replaced. */
export function redactReport<E>(report: Report, events: readonly E[] = [], opts: RedactOptions = {}): { report: Report; events: E[] } {
  const r = new Redactor(opts);
  r.learnHosts(hostsOf(report, events));
  const c = report.facts.config;
  r.learnModels([c.model, c.servedModelName].filter((m): m is string => typeof m === "string" && m.length > 1));
  return { report: r.value(report), events: r.value([...events]) };
}
