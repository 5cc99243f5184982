import type { Facts } from "../facts/schema.js";
import { formatHeaderSeconds } from "../util/header-time.js";
import { safeText } from "../util/terminal.js";
import { formatNumber } from "../util/number-format.js";

const esc = (s: string | number): string => safeText(String(s)).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
const fx = (v: number) => v.toFixed(1);

function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * mag >= max) return m * mag;
  return 10 * mag;
}

interface Panel {
  title: string;
  max: number;
  unit: string;
  lines: { label: string; color: string; values: (number | null)[]; dash?: string }[];
  /** a threshold drawn dashed */
  threshold?: number;
}

/**
 * The running server over time, from facts.runtime.series: requests running and waiting, GPU KV usage and
 * generation throughput, one panel each on a shared time axis; stalls are shaded red, time buckets with the KV
 * cache at ≥95% orange (in the KV panel), buckets with requests waiting while KV usage was at most 50% blue (in the
 * requests panel). Inline SVG with presentation attributes only (the report's CSP).
 */
export function runtimeChart(f: Facts): string {
  const s = f.runtime?.series;
  if (!s || s.points.length < 2) return "";
  const pts = s.points;
  const W = 760, L = 64, R = 16, PH = 92, GAP = 30, T = 18;
  const t0 = pts[0].t;
  const t1 = pts[pts.length - 1].t + s.widthS;
  const X = (t: number) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const mid = (t: number) => X(t + s.widthS / 2);
  const panels: Panel[] = [
    {
      title: "requests",
      unit: "",
      max: niceMax(Math.max(...pts.map((p) => Math.max(p.runningMax, p.waitingMax)))),
      lines: [
        { label: "running (mean)", color: "#1f5fa8", values: pts.map((p) => p.running) },
        { label: "waiting (max)", color: "#d97706", values: pts.map((p) => p.waitingMax), dash: "5 3" },
      ],
    },
    { title: "GPU KV cache usage", unit: "%", max: 100, threshold: 95, lines: [{ label: "KV usage (max)", color: "#7c3aed", values: pts.map((p) => p.kvMax) }] },
    { title: "generation throughput", unit: " tok/s", max: niceMax(Math.max(...pts.map((p) => p.generation))), lines: [{ label: "tokens/s (mean)", color: "#2e9d57", values: pts.map((p) => p.generation) }] },
  ];
  const H = T + panels.length * (PH + GAP) + 20;
  const parts: string[] = [];
  // stall windows, across all panels
  for (const st of f.runtime!.stalls) {
    if (st.fromT === null || st.toT === null) continue;
    const a = X(Math.max(t0, st.fromT));
    const b = X(Math.min(t1, st.toT + (f.runtime!.intervalS ?? s.widthS)));
    parts.push(`<rect class="stall-window" x="${fx(a)}" y="${T}" width="${fx(Math.max(2, b - a))}" height="${fx(panels.length * (PH + GAP) - GAP)}" fill="#fde2e2"><title>${esc(`stall: ${st.statsLines} stats lines from line ${st.from.line}`)}</title></rect>`);
  }
  panels.forEach((p, i) => {
    const top = T + i * (PH + GAP);
    const Y = (v: number) => top + (1 - v / p.max) * PH;
    // requests waiting while the KV cache had room (runtime/queue-with-free-kv): blue, in the requests panel
    if (i === 0) {
      const band = Math.max(s.widthS, f.runtime!.intervalS ?? 0);
      for (const q of pts) if (q.waitingMax > 0 && q.kvMax !== null && q.kvMax <= 50 && q.generation > 0) parts.push(`<rect class="queue-free-kv" x="${fx(X(q.t))}" y="${top}" width="${fx(Math.max(1, Math.min(W - R, X(q.t + band)) - X(q.t)))}" height="${PH}" fill="#dbeafe" shape-rendering="crispEdges"/>`);
    }
    if (p.threshold !== undefined) {
      // a bucket stands for one stats interval at least (5 s buckets, 10 s lines)
      const band = Math.max(s.widthS, f.runtime!.intervalS ?? 0);
      for (const q of pts) if (q.kvMax !== null && q.kvMax >= p.threshold) parts.push(`<rect class="kv-full" x="${fx(X(q.t))}" y="${top}" width="${fx(Math.max(1, Math.min(W - R, X(q.t + band)) - X(q.t)))}" height="${PH}" fill="#ffedd5" shape-rendering="crispEdges"/>`);
      parts.push(`<line x1="${L}" x2="${W - R}" y1="${fx(Y(p.threshold))}" y2="${fx(Y(p.threshold))}" stroke="#e0a100" stroke-dasharray="3 3"/>`);
    }
    parts.push(`<rect x="${L}" y="${top}" width="${W - L - R}" height="${PH}" fill="none" stroke="#ccc"/>`);
    parts.push(`<text x="${L - 6}" y="${top + 10}" text-anchor="end" font-size="10">${esc(formatNumber(p.max, 3))}${esc(p.unit.trim() === "%" ? "%" : "")}</text>`);
    parts.push(`<text x="${L - 6}" y="${top + PH}" text-anchor="end" font-size="10">0</text>`);
    parts.push(`<text x="${L}" y="${top - 5}" font-size="11" font-weight="600">${esc(p.title)}</text>`);
    p.lines.forEach((ln, k) => {
      const xy = ln.values.map((v, j) => (v === null ? null : `${fx(mid(pts[j].t))},${fx(Y(Math.min(v, p.max)))}`)).filter((v): v is string => v !== null);
      if (xy.length === 0) return;
      parts.push(`<polyline class="runtime-line" data-series="${esc(ln.label)}" fill="none" stroke="${ln.color}" stroke-width="1.6"${ln.dash ? ` stroke-dasharray="${ln.dash}"` : ""} points="${xy.join(" ")}"/>`);
      parts.push(`<text x="${W - R - k * 120}" y="${top - 5}" text-anchor="end" font-size="10" fill="${ln.color}">${esc(ln.label)}</text>`);
    });
  });
  const axisY = T + panels.length * (PH + GAP) - GAP + 14;
  for (let k = 0; k <= 4; k++) {
    const t = t0 + ((t1 - t0) * k) / 4;
    parts.push(`<text x="${fx(X(t))}" y="${axisY}" text-anchor="${k === 0 ? "start" : k === 4 ? "end" : "middle"}" font-size="10">${esc(formatHeaderSeconds(Math.round(t)))}</text>`);
  }
  const label = `running server over time: requests, GPU KV cache usage and generation throughput in ${pts.length} buckets of ${s.widthS} s`;
  return `<svg id="runtime-chart" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><title>${esc(label)}</title>${parts.join("")}</svg>`;
}
