import type { Facts } from "../facts/schema.js";
import { kindsText } from "./node-pairs.js";
import { esc, fx, GRADE_COLOR, middleCut, textWidth, worstGrade, type Grade } from "./html-util.js";

/*
 * Hosts → GPUs → ranks: one box per host, one cell per GPU process (facts.nccl.rankMap) with its rank in each
 * communicator it belongs to, and one line per pair of hosts coloured by the transport their connections use
 * (facts.nccl.nodePairs, scope inter). A pair whose other end is not in the log goes to a dashed "other node".
 */

const MAX_HOSTS = 12;
const MAX_CELLS = 16;
const MAX_LABELS = 12;
/** a host's name in a link's label: two of them and the transport fit beside the boxes */
const LINK_NAME_CHARS = 24;
const COLS = 4;
const CELL_W = 76, CELL_H = 52, PAD = 12, HEAD = 44, GAP = 150;
const BOX_W = PAD * 2 + COLS * CELL_W - 6;

const LINK_LABEL: Partial<Record<Grade, string>> = {
  good: "GPU Direct RDMA (NET/IB/GDRDMA, OFI)",
  slow: "InfiniBand without GPU Direct RDMA (NET/IB)",
  bad: "TCP sockets (NET/Socket)",
  other: "other transport",
};

const OTHER = "\u0000other";

interface Cell {
  device: number | null;
  pid: number | null;
  ranks: string[];
}

/** A communicator's role in short: TP, PP, DP, world. */
function roleShort(role: string | null | undefined): string {
  if (!role) return "";
  if (role === "TP group or PP group") return "TP/PP";
  return role.replace(/ group$/, "");
}

/**
 * A text's attributes' end and the text: squeezed into `width` pixels when it would run past them (a process of two
 * communicators, `TP rank 3 · PP rank 1`, in a GPU's cell), as SVG does with textLength.
 */
function squeeze(text: string, width: number, fontSize: number): string {
  // (a rough width: ~0.58 em a character in the sans-serif the page uses)
  const long = text.length * fontSize * 0.58 > width;
  return `${long ? ` textLength="${width}" lengthAdjust="spacingAndGlyphs"` : ""}>${esc(text)}`;
}

function cellsOf(f: Facts, host: string): Cell[] {
  const roles = new Map(f.nccl.communicators.map((c) => [c.id, c.role]));
  const byProc = new Map<string, Cell>();
  for (const r of f.nccl.rankMap) {
    if (r.host !== host) continue;
    const key = r.pid !== null ? `p${r.pid}` : `d${r.device}`;
    const cell = byProc.get(key) ?? { device: r.device, pid: r.pid, ranks: [] };
    const label = `${roleShort(r.comm ? roles.get(r.comm) : null)} rank ${r.rank}`.trim();
    if (!cell.ranks.includes(label)) cell.ranks.push(label);
    if (cell.device === null) cell.device = r.device;
    byProc.set(key, cell);
  }
  return [...byProc.values()].sort((a, b) => (a.device ?? 99) - (b.device ?? 99) || (a.pid ?? 0) - (b.pid ?? 0));
}

/** What the communicators that stay on this host are: "TP group of 8". */
function localGroups(f: Facts, host: string): string {
  const counts = new Map<string, number>();
  for (const c of f.nccl.communicators) {
    if (c.hosts.length !== 1 || c.hosts[0] !== host) continue;
    const k = `${c.role ?? "communicator"} of ${c.nranks ?? c.ranksSeen}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? `${n} × ${k}` : k)).join(", ");
}

/** The communicators that span both hosts (b null: any that leaves a): "8 PP groups". */
function spanningGroups(f: Facts, a: string, b: string | null): string {
  const counts = new Map<string, number>();
  for (const c of f.nccl.communicators) {
    if (!Object.keys(c.interNode).length || !c.hosts.includes(a) || (b !== null && !c.hosts.includes(b))) continue;
    const k = c.role ?? "communicator";
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} ${n > 1 ? k.replace(/group$/, "groups").replace(/^world$/, "worlds").replace(/communicator$/, "communicators") : k}`).join(", ");
}

interface Box {
  host: string;
  x: number;
  y: number;
  h: number;
}

/**
 * The cluster picture, or "" when the log names no host. `rest` says where the hosts past the first MAX_HOSTS are
 * (the page's transport matrix, its table of node pairs, or its list of hosts): only the page knows what it draws.
 */
export function clusterMap(f: Facts, rest = "the list of hosts below names them all"): string {
  const n = f.nccl;
  const inter = n.nodePairs.filter((p) => p.scope === "inter");
  // a host name that stands for several machines is drawn as those machines
  const split = new Map(n.namesakes.map((x) => [x.host, x.machines]));
  const named = [...new Set([...n.hosts.flatMap((h) => split.get(h) ?? [h]), ...n.rankMap.map((r) => r.host).filter((h): h is string => !!h), ...inter.flatMap((p) => [p.a, p.b]).filter((h): h is string => !!h)])];
  if (named.length === 0) return "";
  const hosts = named.slice(0, MAX_HOSTS);
  const unseenNodes = Math.max(0, (n.nodes ?? 0) - named.length);
  const other = inter.some((p) => p.b === null) || unseenNodes > 0;
  const names = other ? [...hosts, OTHER] : hosts;

  const cells = new Map(hosts.map((h) => [h, cellsOf(f, h)]));
  const heightOf = (h: string) => {
    const c = h === OTHER ? 1 : Math.max(1, Math.min(MAX_CELLS, cells.get(h)!.length) + (cells.get(h)!.length > MAX_CELLS ? 1 : 0));
    return HEAD + Math.ceil(c / COLS) * CELL_H + PAD - 6;
  };
  // two boxes side by side; more in a column, their links as arcs on the right
  const sideBySide = names.length <= 2;
  const boxes: Box[] = [];
  let y = 8;
  names.forEach((h, i) => {
    const height = h === OTHER ? 70 : heightOf(h);
    if (sideBySide) boxes.push({ host: h, x: 8 + i * (BOX_W + GAP), y: 8, h: height });
    else {
      boxes.push({ host: h, x: 8, y, h: height });
      y += height + 28;
    }
  });
  const at = new Map(boxes.map((b) => [b.host, b]));
  const parts: string[] = [];

  // links first, under the boxes
  const links = inter
    .map((p) => ({ p, a: at.get(p.a), b: at.get(p.b ?? OTHER) }))
    .filter((l): l is { p: (typeof inter)[number]; a: Box; b: Box } => !!l.a && !!l.b && l.a !== l.b)
    .map((l) => ({ ...l, span: Math.abs(boxes.indexOf(l.a) - boxes.indexOf(l.b)) }))
    .sort((x, y) => x.span - y.span);
  // in a column each box's links leave from their own points down its right side, so arcs do not merge
  const ends = new Map<Box, number>();
  const endY = (box: Box, k: number, count: number) => box.y + (box.h * (k + 1)) / (count + 1);
  for (const l of links) for (const box of [l.a, l.b]) ends.set(box, (ends.get(box) ?? 0) + 1);
  const used = new Map<Box, number>();
  const next = (box: Box) => {
    const k = used.get(box) ?? 0;
    used.set(box, k + 1);
    return endY(box, k, ends.get(box)!);
  };
  const x0 = 8 + BOX_W;
  const bulgeOf = (span: number, i: number) => 36 + 46 * (span - 1) + 12 * (i % 3);
  const labelX = x0 + Math.max(0, ...links.map((l, i) => bulgeOf(l.span, i) * 0.75)) + 22;
  const labels: { mid: number; from: number; color: string; text: string; width: number; groups: string }[] = [];
  links.forEach(({ p, a, b, span }, i) => {
    const kinds = Object.entries(p.kinds).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]);
    const grade = worstGrade(kinds);
    const color = grade === "none" ? "#999" : GRADE_COLOR[grade];
    const dash = p.b === null ? ` stroke-dasharray="8 5"` : "";
    const tip = `${p.a} ↔ ${p.b ?? "a node not in the log"}: ${kindsText(kinds)}`;
    const groups = spanningGroups(f, p.a, p.b);
    const attrs = `class="link" data-grade="${grade}" data-a="${esc(p.a)}" data-b="${esc(p.b ?? "")}" fill="none" stroke="${color}" stroke-width="${links.length > MAX_LABELS ? 2 : 5}"${dash}`;
    const text = esc(kindsText(kinds.slice(0, 2)));
    if (sideBySide) {
      const [l, r] = a.x < b.x ? [a, b] : [b, a];
      const y0 = l.y + Math.min(l.h, r.h) / 2;
      const lx = l.x + BOX_W + GAP / 2;
      parts.push(`<line ${attrs} x1="${l.x + BOX_W}" y1="${y0}" x2="${r.x}" y2="${y0}"><title>${esc(tip)}</title></line>`);
      parts.push(`<text class="link-label" x="${fx(lx)}" y="${fx(y0 - 12)}" text-anchor="middle" font-size="11">${text}</text>`);
      if (groups) parts.push(`<text x="${fx(lx)}" y="${fx(y0 + 24)}" text-anchor="middle" font-size="11" fill="#555">${esc(groups)}</text>`);
      return;
    }
    const [t, bt] = a.y < b.y ? [a, b] : [b, a];
    const y1 = next(t), y2 = next(bt);
    const bulge = bulgeOf(span, i);
    parts.push(`<path ${attrs} d="M${x0},${fx(y1)} C${x0 + bulge},${fx(y1)} ${x0 + bulge},${fx(y2)} ${x0},${fx(y2)}"><title>${esc(tip)}</title></path>`);
    // (long host names cut in the middle, as on their boxes: the transport at the label's end must stay in the picture)
    const ends = `${middleCut(p.a, LINK_NAME_CHARS)} ↔ ${p.b === null ? "other node" : middleCut(p.b, LINK_NAME_CHARS)}: `;
    labels.push({ mid: (y1 + y2) / 2, from: x0 + bulge * 0.75, color, text: `${esc(ends)}${text}`, width: textWidth(`${ends}${kindsText(kinds.slice(0, 2))}`, 11), groups });
  });
  if (!links.length && sideBySide && boxes.length === 2) {
    // two hosts and no connection line between them: say so where the link would be
    const y0 = 8 + Math.min(boxes[0].h, boxes[1].h) / 2;
    const net = n.interNodeNet;
    parts.push(`<line class="no-link" x1="${8 + BOX_W}" y1="${y0}" x2="${boxes[1].x}" y2="${y0}" stroke="#bbb" stroke-width="2" stroke-dasharray="3 5"/>`);
    const mid = 8 + BOX_W + GAP / 2;
    parts.push(`<text x="${mid}" y="${y0 - 10}" text-anchor="middle" font-size="11" fill="#666">no connection lines</text>`);
    if (net) parts.push(`<text x="${mid}" y="${y0 + 20}" text-anchor="middle" font-size="11" fill="#666">${esc(`network: ${net}`)}</text>`);
  }
  // labels in a column right of the arcs, each beside its arc's middle, pushed down so none overlaps the one above
  let lastY = -Infinity;
  // past a few links their labels would be a list longer than the picture: the tooltips and the matrix have them
  for (const l of labels.length <= MAX_LABELS ? labels.sort((x, y) => x.mid - y.mid) : []) {
    const ly = Math.max(l.mid, lastY + 34);
    lastY = ly;
    parts.push(`<line x1="${fx(l.from)}" y1="${fx(l.mid)}" x2="${fx(labelX - 4)}" y2="${fx(ly)}" stroke="${l.color}" stroke-width="1"/>`);
    parts.push(`<text class="link-label" x="${fx(labelX)}" y="${fx(ly + 4)}" font-size="11">${l.text}</text>`);
    if (l.groups) parts.push(`<text x="${fx(labelX)}" y="${fx(ly + 18)}" font-size="11" fill="#555">${esc(l.groups)}</text>`);
  }

  for (const box of boxes) {
    if (box.host === OTHER) {
      const label = unseenNodes > 1 ? `${unseenNodes} other nodes` : "other node";
      parts.push(`<g class="host other-node"><rect x="${box.x}" y="${box.y}" width="${BOX_W}" height="${box.h}" rx="8" fill="#fff" stroke="#888" stroke-width="1.5" stroke-dasharray="6 4"/>`);
      parts.push(`<text x="${box.x + PAD}" y="${box.y + 24}" font-size="14" font-weight="600">${esc(label)}</text><text x="${box.x + PAD}" y="${box.y + 44}" font-size="12" fill="#555">not in the log: its own log shows its GPUs</text></g>`);
      continue;
    }
    const list = cells.get(box.host)!;
    const local = localGroups(f, box.host);
    parts.push(`<g class="host" data-host="${esc(box.host)}"><rect x="${box.x}" y="${box.y}" width="${BOX_W}" height="${box.h}" rx="8" fill="#f7f7f9" stroke="#666" stroke-width="1.5"/>`);
    parts.push(`<text x="${box.x + PAD}" y="${box.y + 20}" font-size="14" font-weight="600">${esc(middleCut(box.host, 34))}<title>${esc(box.host)}</title></text>`);
    parts.push(`<text x="${box.x + PAD}" y="${box.y + 36}" font-size="11" fill="#555">${esc(`${list.length ? `${list.length} GPU process${list.length === 1 ? "" : "es"}` : "no rank lines"}${local ? ` · ${local}` : ""}`)}</text>`);
    list.slice(0, MAX_CELLS).forEach((c, i) => {
      const cx = box.x + PAD + (i % COLS) * CELL_W;
      const cy = box.y + HEAD + Math.floor(i / COLS) * CELL_H;
      const tip = `${box.host}: ${c.device !== null ? `GPU ${c.device}` : "device not printed"}, ${c.pid !== null ? `pid ${c.pid}` : "pid not printed"}, ${c.ranks.join(", ")}`;
      parts.push(`<g class="gpu" data-device="${c.device ?? ""}"><rect x="${cx}" y="${cy}" width="${CELL_W - 6}" height="${CELL_H - 6}" rx="4" fill="#e8edfb" stroke="#6c8ebf"/><title>${esc(tip)}</title>`);
      // NCCL names the device on most lines; a process whose lines did not is shown as one
      parts.push(`<text x="${cx + 6}" y="${cy + 15}" font-size="12" font-weight="600">${c.device !== null ? `GPU ${esc(c.device)}` : "process"}</text>`);
      parts.push(`<text x="${cx + 6}" y="${cy + 28}" font-size="10" fill="#333"${squeeze(c.ranks.slice(0, 2).join(" · "), CELL_W - 14, 10)}</text>`);
      parts.push(`<text x="${cx + 6}" y="${cy + 40}" font-size="10" fill="#777"${squeeze(c.pid !== null ? `pid ${c.pid}` : "", CELL_W - 14, 10)}</text></g>`);
    });
    if (list.length > MAX_CELLS) {
      const i = MAX_CELLS;
      parts.push(`<text x="${box.x + PAD + (i % COLS) * CELL_W + 6}" y="${box.y + HEAD + Math.floor(i / COLS) * CELL_H + 28}" font-size="11">+${list.length - MAX_CELLS} more</text>`);
    }
    parts.push(`</g>`);
  }

  const drawn = labels.length <= MAX_LABELS ? labels : [];
  const W = sideBySide ? 16 + names.length * BOX_W + (names.length - 1) * GAP : Math.ceil(labelX + Math.max(300, ...drawn.map((l) => l.width + 10)));
  const H = Math.max(...boxes.map((b) => b.y + b.h)) + 10;
  const label = `${named.length} host${named.length === 1 ? "" : "s"}, their GPUs and ranks, and the transport between hosts`;
  const none = !inter.length && named.length > 1
    ? `<p class="muted">The log has no connection line between these hosts${n.interNodeNet ? `; the network NCCL chose implies ${esc(n.interNodeNet)} between nodes` : ""}. NCCL_DEBUG=INFO with NCCL_DEBUG_SUBSYS including INIT prints them.</p>`
    : "";
  const more = named.length > MAX_HOSTS ? `<p class="muted">The first ${MAX_HOSTS} of ${named.length} hosts are drawn; ${esc(rest)}.</p>` : "";
  return `<svg id="cluster-map" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><title>${esc(label)}</title>${parts.join("")}</svg>${none}${more}${inter.length ? linkLegend() : ""}`;
}

function linkLegend(): string {
  const grades = Object.keys(LINK_LABEL) as Grade[];
  let x = 0;
  const items = grades.map((g) => {
    const item = `<line x1="${x}" x2="${x + 26}" y1="9" y2="9" stroke="${GRADE_COLOR[g]}" stroke-width="5"/><text x="${x + 32}" y="13" font-size="11">${esc(LINK_LABEL[g]!)}</text>`;
    x += 32 + textWidth(LINK_LABEL[g]!, 11) + 20;
    return item;
  });
  const W = Math.ceil(x);
  return `<svg class="legend" xmlns="http://www.w3.org/2000/svg" width="${W}" height="20" viewBox="0 0 ${W} 20">${items.join("")}</svg>`;
}
