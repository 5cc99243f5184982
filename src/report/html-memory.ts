import type { Facts } from "../facts/schema.js";
import { memoryParts, num, type MemoryPart } from "./markdown.js";
import { esc, fx, sizeGiB } from "./html-util.js";

/*
 * The memory picture: at a CUDA out-of-memory error, what the GPU held when the allocation failed (PyTorch's own
 * numbers); otherwise vLLM's start-up breakdown (weights, activations, CUDA graphs, KV cache).
 */

const PART_COLOR: Record<MemoryPart["kind"], string> = {
  weights: "#5b6abf",
  activation: "#d97706",
  nontorch: "#9ca3af",
  graphs: "#a855f7",
  kv: "#2e9d57",
  free: "#e5e7eb",
};

/** The memory bar(s) of the report: the failure's first, then the start-up breakdown when the log has one. */
export function memorySection(f: Facts): string {
  const oom = oomBar(f);
  const { parts } = memoryParts(f);
  // a breakdown that is only "not used by vLLM" says nothing beside the failure's numbers
  const startup = parts.some((p) => p.kind !== "free") ? startupBar(f, oom ? "memory-startup" : "memory-bar") : "";
  if (oom) return oom + (startup ? `<h3>At start-up</h3>${startup}` : "");
  return startup || `<p class="muted">The log shows no memory breakdown.</p>`;
}

function startupBar(f: Facts, id: string): string {
  const { parts, totalGiB } = memoryParts(f);
  const sum = parts.reduce((s, p) => s + p.gib, 0);
  const scale = Math.max(sum, totalGiB ?? 0);
  const W = 720;
  let x = 0;
  const rects: string[] = [];
  const legendItems: string[] = [];
  parts.forEach((p, i) => {
    const w = Math.max(1, (p.gib / scale) * W);
    rects.push(`<rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="28" fill="${PART_COLOR[p.kind]}"><title>${esc(`${p.label}: ${num(p.gib)} GiB`)}</title></rect>`);
    x += w;
    const lx = (i % 3) * 240;
    const ly = 42 + Math.floor(i / 3) * 18;
    legendItems.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PART_COLOR[p.kind]}"/><text x="${lx + 18}" y="${ly}" font-size="12">${esc(`${p.label} ${num(p.gib)} GiB`)}</text>`);
  });
  const H = 42 + Math.ceil(parts.length / 3) * 18;
  const caption = totalGiB !== null ? `of ${num(totalGiB)} GiB per GPU` : "GiB per GPU (total not in the log)";
  return `<svg id="${id}" role="img" aria-label="GPU memory breakdown ${esc(caption)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${rects.join("")}${legendItems.join("")}</svg><p class="muted">${esc(caption)}</p>`;
}

interface Segment {
  key: string;
  label: string;
  gib: number;
  color: string;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** The GPU at the failed allocation: what PyTorch had allocated and cached, the rest this process and others held, what was free; and beside it the request against the free memory. */
function oomBar(f: Facts): string {
  const o = f.memory.oom;
  if (!o || o.totalGiB === null || o.freeGiB === null) return "";
  const total = o.totalGiB;
  const segs: Segment[] = [];
  // `min`: a difference of numbers PyTorch printed to two decimals is noise below 0.02 GiB
  const add = (key: string, label: string, gib: number | null, color: string, min = 0.0005) => {
    if (gib !== null && gib > min) segs.push({ key, label, gib: round(gib), color });
  };
  add("allocated", "allocated by PyTorch", o.allocatedGiB, "#5b6abf");
  add("cached", "PyTorch's cache (reserved, unallocated)", o.reservedUnallocatedGiB, "#a5b4fc");
  const torch = (o.allocatedGiB ?? 0) + (o.reservedUnallocatedGiB ?? 0);
  if (o.inUseGiB !== null) add("nontorch", "this process outside PyTorch", o.inUseGiB - torch, "#9ca3af", 0.02);
  const known = o.inUseGiB ?? torch;
  // PyTorch ≤2.0 did not say what the process held beside its own memory: the rest is unaccounted for, not "others"
  add("others", o.inUseGiB !== null ? "other processes" : "outside PyTorch (this or other processes)", total - o.freeGiB - known, "#d1a35f", 0.02);
  add("free", "free", o.freeGiB, "#e5e7eb");

  const W = 720, BAR = 28;
  const parts: string[] = [];
  let x = 0;
  for (const s of segs) {
    const w = Math.max(1, (s.gib / total) * W);
    parts.push(`<rect class="mem-part" data-part="${s.key}" x="${fx(x)}" y="0" width="${fx(w)}" height="${BAR}" fill="${s.color}"${s.key === "free" ? ` stroke="#9ca3af"` : ""}><title>${esc(`${s.label}: ${sizeGiB(s.gib)}`)}</title></rect>`);
    x += w;
  }
  segs.forEach((s, i) => {
    const lx = (i % 2) * 360;
    const ly = BAR + 18 + Math.floor(i / 2) * 18;
    parts.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${s.color}"${s.key === "free" ? ` stroke="#9ca3af"` : ""}/><text x="${lx + 18}" y="${ly}" font-size="12">${esc(`${s.label}: ${sizeGiB(s.gib)}`)}</text>`);
  });
  let y = BAR + 18 + Math.ceil(segs.length / 2) * 18 + 10;
  // the request against the free memory, on their own scale: at the GPU's scale both are a pixel wide
  if (o.triedGiB !== null) {
    const max = Math.max(o.triedGiB, o.freeGiB);
    const L = 150, span = W - L - 170;
    const rows: [string, string, number, string][] = [
      ["tried", "tried to allocate", o.triedGiB, "#d64545"],
      ["free", "free on the GPU", o.freeGiB, "#9ca3af"],
    ];
    parts.push(`<text x="0" y="${y + 4}" font-size="12" font-weight="600">The failed request</text>`);
    y += 14;
    for (const [key, label, v, color] of rows) {
      const w = Math.max(1, (v / max) * span);
      parts.push(`<text x="${L - 8}" y="${y + 13}" text-anchor="end" font-size="12">${esc(label)}</text>`);
      parts.push(`<rect class="oom-request" data-part="${key}" x="${L}" y="${y}" width="${fx(w)}" height="18" fill="${color}"><title>${esc(`${label}: ${sizeGiB(v)}`)}</title></rect>`);
      parts.push(`<text x="${fx(L + w + 6)}" y="${y + 13}" font-size="12">${esc(sizeGiB(v))}</text>`);
      y += 24;
    }
  }
  const H = y + 4;
  const gpu = o.gpu !== null ? `GPU ${o.gpu}` : "The GPU";
  const headline = `${gpu} at the out-of-memory error: ${o.allocatedGiB !== null ? `PyTorch had ${sizeGiB(o.allocatedGiB)} allocated, ` : ""}${sizeGiB(o.freeGiB)} was free of ${sizeGiB(total)}${o.triedGiB !== null ? `, and the allocation asked for ${sizeGiB(o.triedGiB)}` : ""}.`;
  const at = f.sources["memory.oom"];
  return `<p id="oom-headline"><strong>${esc(headline)}</strong>${at ? ` <span class="muted">(${esc(`${at.file}:${at.line}`)})</span>` : ""}</p><svg id="memory-bar" class="oom" role="img" aria-label="${esc(headline)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${parts.join("")}</svg>`;
}
