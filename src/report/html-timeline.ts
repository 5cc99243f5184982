import type { Facts, Report } from "../facts/schema.js";
import type { Evidence } from "../model.js";
import { esc, fx, middleCut, textWidth } from "./html-util.js";

/*
 * The first events of each host (facts.timeline) on one lane per host. The log gives line order, not one clock
 * every line shares (NCCL's lines have no time; hosts' clocks differ), so events are placed by their order in the
 * inputs, one column per distinct line.
 */

const KINDS = [
  { key: "engineStart", label: "engine start", color: "#1f5fa8" },
  { key: "ncclInit", label: "NCCL init", color: "#7c3aed" },
  { key: "firstWarning", label: "first warning", color: "#e0a100" },
  { key: "firstError", label: "first error", color: "#c62828" },
] as const;

/** hosts drawn; the rest are named under the picture */
const MAX_LANES = 12;

type Entry = NonNullable<Facts["timeline"]>[number];

export function timelineChart(report: Report): string {
  const all = (report.facts.timeline ?? []).filter((t) => KINDS.some((k) => t[k.key]));
  if (all.length === 0) return "";
  const lanes = all.slice(0, MAX_LANES);
  // (facts.timeline keeps the first 64 hosts' events: a bigger job's count is the hosts NCCL names)
  const hostCount = Math.max(all.length, report.facts.nccl.hosts.length);
  const fileOrder = new Map(report.inputs.map((i, n) => [i.path, n]));
  const order = (e: Evidence) => (fileOrder.get(e.file) ?? 0) * 1e9 + e.line;
  const points: { lane: number; kind: (typeof KINDS)[number]; ev: Evidence }[] = [];
  lanes.forEach((t, lane) => KINDS.forEach((k) => t[k.key] && points.push({ lane, kind: k, ev: t[k.key]! })));
  const columns = [...new Set(points.map((p) => order(p.ev)))].sort((a, b) => a - b);
  // one lane and no host named: a one-machine log
  const hostLabel = (t: Entry) => (t.host !== null ? middleCut(t.host, 30) : lanes.length === 1 ? "this log" : "no host named");
  const L = Math.min(240, 24 + Math.max(...lanes.map((t) => textWidth(hostLabel(t), 12) * 1.15)));
  const COL = columns.length > 8 ? 84 : 118, LANE = 56, T = 10;
  const W = Math.max(L + 440, L + columns.length * COL + 20);
  const H = T + lanes.length * LANE + 28;
  const parts: string[] = [];
  const multiFile = report.inputs.length > 1;
  lanes.forEach((t, i) => {
    const y = T + i * LANE + 22;
    parts.push(`<text x="${L - 10}" y="${y + 4}" text-anchor="end" font-size="12" font-weight="600">${esc(hostLabel(t))}<title>${esc(t.host ?? "lines that name no host")}</title></text>`);
    parts.push(`<line x1="${L}" x2="${W - 10}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
  });
  // (events of one host on one line, a first warning that is also the first error: one point, their labels stacked)
  const atPoint = new Map<string, number>();
  for (const p of points) {
    const column = columns.indexOf(order(p.ev));
    const x = L + column * COL + COL / 2;
    const y = T + p.lane * LANE + 22;
    const key = `${p.lane}:${column}`;
    const stacked = atPoint.get(key) ?? 0;
    atPoint.set(key, stacked + 1);
    const where = multiFile ? `${p.ev.file}:${p.ev.line}` : `line ${p.ev.line}`;
    parts.push(`<g class="event" data-kind="${p.kind.key}"><circle cx="${fx(x)}" cy="${y}" r="7" fill="${p.kind.color}"/><title>${esc(`${p.kind.label} at ${p.ev.file}:${p.ev.line}: ${p.ev.text.trim().slice(0, 300)}`)}</title>`);
    parts.push(`<text x="${fx(x)}" y="${y + 21 + stacked * 12}" text-anchor="middle" font-size="11">${esc(p.kind.label)}</text>${stacked === 0 ? `<text x="${fx(x)}" y="${y - 11}" text-anchor="middle" font-size="10" fill="#666">${esc(where.length > 22 ? `…${where.slice(-21)}` : where)}</text>` : ""}</g>`);
  }
  parts.push(`<text x="${L}" y="${H - 6}" font-size="11" fill="#666">earlier in the log → later (by line order, not by clock time)</text>`);
  const label = `first events per host: ${KINDS.map((k) => k.label).join(", ")}`;
  return `<svg id="timeline" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><title>${esc(label)}</title>${parts.join("")}</svg>
${lanes.length > 1 ? `<p class="muted">Placed by their order in the log${multiFile ? " (inputs in the order given, then line)" : ""}: NCCL's lines carry no time and hosts' clocks differ, so the columns are not evenly spaced in time.${all.length > MAX_LANES ? ` The first ${MAX_LANES} of ${hostCount} hosts are drawn.` : ""}</p>` : ""}`;
}
