import { describe, expect, it } from "vitest";
import { renderHtml } from "../src/report/html.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { renderText } from "../src/report/text.js";
import { clusterLog, type NodeSpec } from "./helpers/cluster-logs.js";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * A big job's transport by node pair, as a person reads it (src/report/node-pairs.ts): past twelve pairs they are
 * grouped by scope and transports, and the pairs unlike most of their scope are named; the JSON keeps every pair.
 * Log text in (a 20-node TP 2 × PP 20 run: 20 nodes within themselves, the PP rings' 20 node pairs), reports out.
 */

const nodes: NodeSpec[] = Array.from({ length: 20 }, (_, i) => ({ host: `gpu-${String(i).padStart(2, "0")}`, ip: `10.1.0.${10 + i}` }));
const big = clusterLog({ nodes, gpusPerNode: 2, tp: 2, pp: 20, net: "IB-GDR", seed: 3 });
// node gpu-07's processes lost their RDMA devices: their connections to other nodes go over sockets
const socketAt07 = big
  .split("\n")
  .map((l) => (l.startsWith("gpu-07:") ? l.replace(/via NET\/IB\/(\d+)\/GDRDMA/, "via NET/Socket/$1") : l))
  .join("\n");

const textOf = async (log: string) => renderText(await analyzeText(log), { color: false, width: 120 });

describe("node pairs in the reports a person reads", () => {
  it("a few pairs are listed one by one", async () => {
    const small = clusterLog({ nodes: nodes.slice(0, 2), gpusPerNode: 8, tp: 8, pp: 2, net: "IB-GDR" });
    const text = await textOf(small);
    expect(text).toMatch(/\n {2}node pairs\n {4}gpu-00 \(intra-node\) +P2P\/IPC ×\d+\n {4}gpu-00 ↔ gpu-01 +NET\/IB\/GDRDMA ×\d+\n {4}gpu-01 \(intra-node\) +P2P\/IPC ×\d+\n/);
    expect(text).not.toContain("grouped by");
  });

  it("a big job's pairs alike are one row per scope, and nothing is called unlike the rest", async () => {
    const report = await analyzeText(big);
    expect(report.facts.nccl.nodePairs).toHaveLength(40);
    const text = renderText(report, { color: false, width: 120 });
    // (ranks: the distinct rank ids NCCL prints, here the PP groups' 0–19; the corpus convention)
    expect(text).toMatch(/\nkey facts {2}NCCL over IB with GPU Direct RDMA, 20 ranks on 20 nodes\n/);
    const block = text.slice(text.indexOf("  node pairs"), text.indexOf("\n\n", text.indexOf("  node pairs")));
    const inter = report.facts.nccl.nodePairs.filter((p) => p.scope === "inter").reduce((n, p) => n + (p.kinds["NET/IB/GDRDMA"] ?? 0), 0);
    const intra = report.facts.nccl.nodePairs.filter((p) => p.scope === "intra").reduce((n, p) => n + (p.kinds["P2P/IPC"] ?? 0), 0);
    expect(block.split("\n")).toEqual([
      "  node pairs             40, grouped by the transports they use (--format json lists each)",
      `    20 nodes, each within itself             P2P/IPC ×${intra}`,
      `    20 node pairs                            NET/IB/GDRDMA ×${inter}`,
    ]);
    expect(renderMarkdown(report)).toContain(`| 20 node pairs | inter-node | NET/IB/GDRDMA ×${inter} |`);
    expect(renderMarkdown(report)).not.toContain("unlike most");
  });

  it("the pairs of a node on sockets are named under the groups, in text, Markdown and HTML", async () => {
    const report = await analyzeText(socketAt07);
    expect(report.findings.map((f) => f.ruleId)).toContain("nccl/socket-fallback");
    const pairs = report.facts.nccl.nodePairs;
    const odd = pairs.filter((p) => p.scope === "inter" && (p.kinds["NET/Socket"] ?? 0) > 0).map((p) => `${p.a} ↔ ${p.b}`);
    expect(odd.sort()).toEqual(["gpu-06 ↔ gpu-07", "gpu-07 ↔ gpu-08"]);
    const text = renderText(report, { color: false, width: 120 });
    // the key facts say the network is not the same everywhere
    expect(text).toMatch(/\nkey facts {2}NCCL over IB with GPU Direct RDMA \(2 node pairs over TCP sockets\), 20 ranks on 20 nodes\n/);
    const block = text.slice(text.indexOf("  node pairs"), text.indexOf("\n\n", text.indexOf("  node pairs"))).split("\n");
    // (each of the two: gpu-07's own sends on sockets, the other end's on IB)
    expect(block.slice(1, 3).map((l) => l.replace(/ ×\d+/g, " ×N"))).toEqual([
      "    20 nodes, each within itself             P2P/IPC ×N",
      "    18 node pairs                            NET/IB/GDRDMA ×N",
    ]);
    expect(block[3]).toMatch(/^ {4}2 node pairs {29}(NET\/Socket ×\d+, NET\/IB\/GDRDMA ×\d+|NET\/IB\/GDRDMA ×\d+, NET\/Socket ×\d+)$/);
    expect(block[4]).toBe("  2 pairs unlike most of their scope:");
    expect(block.slice(5).map((l) => l.trim().split(/ {2,}/)[0]).sort()).toEqual(["gpu-06 ↔ gpu-07", "gpu-07 ↔ gpu-08"]);
    const md = renderMarkdown(report);
    expect(md).toContain("2 pairs unlike most of their scope:\n\n| node A | node B | scope | transports |");
    expect(md).toMatch(/\| gpu-06 \| gpu-07 \| inter-node \| [^|]*NET\/Socket ×\d+[^|]* \|/);
    const html = renderHtml(report);
    expect(html).toContain('<table id="node-pair-groups">');
    expect(html).toMatch(/<table id="node-pairs-odd">.*<td>gpu-07<\/td><td>gpu-08<\/td>/s);
    // 20 hosts: the matrix is still drawn
    expect(html).toContain('<svg id="transport-matrix"');
  });

  it("past 48 hosts no matrix is drawn: a sentence says why", async () => {
    const many: NodeSpec[] = Array.from({ length: 50 }, (_, i) => ({ host: `n${i}`, ip: `10.2.0.${i + 1}` }));
    const report = await analyzeText(clusterLog({ nodes: many, gpusPerNode: 2, tp: 2, pp: 50, net: "IB-GDR" }));
    const html = renderHtml(report);
    expect(html).not.toContain('<svg id="transport-matrix"');
    expect(html).toContain("<p>50 hosts: a matrix is drawn for up to 48; the table below groups the pairs by transport.</p>");
    expect(html.length).toBeLessThan(400_000);
  });
});
