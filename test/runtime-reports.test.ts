import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffReports } from "../src/gate/diff.js";
import { evaluateGate, parseGateSpec } from "../src/gate/check.js";
import { followFile } from "../src/follow/tail.js";
import { renderHtml } from "../src/report/html.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { renderText } from "../src/report/text.js";
import { runCliHere } from "./helpers/cli.js";
import { analyzeText } from "./rules/analyze-text.js";
import { healthy, kvPressure, serverLog, stall, ticks } from "./fixtures/runtime/logs.js";

const tmp = mkdtempSync(join(tmpdir(), "vd-runtime-rep-"));

describe("runtime in the reports", () => {
  it("text and markdown: one line per topic; HTML: the time series with stalls shaded, no inline style", async () => {
    const r = await analyzeText(stall("newest"));
    // wide enough that no row wraps: one line per topic
    const text = renderText(r, { color: false, width: 200 });
    const section = text.slice(text.indexOf("\nRuntime\n"), text.indexOf("\nFirst error"));
    expect(section.split("\n").filter((l) => l.startsWith("  ")).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(["stats lines", "load", "KV cache", "throughput", "prefix cache", "preemptions", "requests", "stalls"]);
    expect(section).toContain("load                   running median 6, p95 6, max 6; waiting median 0, p95 2, max 2");
    expect(section).toContain("stalls                 1 stretch of zero throughput with requests running (longest 8 stats lines); stats lines stop early (line 29)");
    expect(renderMarkdown(r)).toContain("| stats lines | 18 over 3 min, every 10 s |");
    // (one stats line spans no time: its count alone)
    const one = await analyzeText(stall("newest").split("\n").filter((l, i, all) => !l.includes("Avg prompt throughput") || i === all.findIndex((x) => x.includes("Avg prompt throughput"))).join("\n"));
    expect(one.facts.runtime?.statsLines).toBe(1);
    expect(renderMarkdown(one)).toContain("| stats lines | 1 |");
    const html = renderHtml(r);
    const svg = html.slice(html.indexOf('<svg id="runtime-chart"'), html.indexOf("</svg>", html.indexOf('<svg id="runtime-chart"')));
    expect(svg).toContain('class="stall-window"');
    expect(svg.match(/class="runtime-line"/g)).toHaveLength(4);
    expect(svg).not.toMatch(/style=|<script/);
    expect((await analyzeText(healthy("v0.5"))).facts.runtime?.series?.points.length).toBeGreaterThan(10);
  });

  it("diff names the runtime facts that changed", async () => {
    const d = diffReports(await analyzeText(healthy("newest")), await analyzeText(kvPressure("newest")));
    const texts = d.changes.map((c) => c.text);
    expect(texts).toContain("preemptions 0 → 10");
    expect(texts).toContain("GPU KV cache usage p95 (%) 58 → 99 (+71%)");
    expect(d.changes.some((c) => c.path.startsWith("runtime.series") || c.path.startsWith("runtime.stalls"))).toBe(false);
    expect(d.findings.appeared.map((f) => f.ruleId)).toContain("runtime/kv-cache-pressure");
  });

  it("--follow raises a stall while the log grows", async () => {
    const log = join(tmp, "follow.log");
    const full = stall("newest");
    const lines = full.split("\n");
    writeFileSync(log, lines.slice(0, 20).join("\n") + "\n");
    const seen: string[] = [];
    const done = followFile(log, { pollMs: 20, rulesEveryMs: 20, untilIdleMs: 300, onFinding: (f) => seen.push(f.ruleId) });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
    appendFileSync(log, lines.slice(20).join("\n"));
    const final = await done;
    expect(seen[0]).toBe("runtime/stall");
    expect(final.report.facts.runtime?.statsStoppedEarly).toBe(true);
  });

  it("--follow sees the stats lines stop while requests keep coming, before the log goes quiet", async () => {
    const log = join(tmp, "follow-stop.log");
    writeFileSync(log, serverLog({ era: "v1-0.10", ticks: ticks(8, () => ({ prompt: 100, gen: 500, running: 4, waiting: 0, kv: 20 })), tail: [[40, "received"], [130, "received"]] }));
    const seen: string[] = [];
    const stop = new AbortController();
    const done = followFile(log, { pollMs: 20, rulesEveryMs: 20, signal: stop.signal, onFinding: (f) => seen.push(f.ruleId) });
    for (let i = 0; i < 100 && !seen.includes("runtime/stall"); i++) await new Promise((r) => setTimeout(r, 20));
    // announced while following, not only in the final report
    const live = [...seen];
    stop.abort();
    const final = await done;
    expect(live).toEqual(["runtime/stall"]);
    expect(final.report.facts.runtime?.statsStoppedAt?.line).toBe(19);
  });
});

describe("check gates on runtime facts (CLI)", () => {
  it("passes and fails on runtime.preemptions and runtime.gpuKvUsagePct.p95; a log without stats lines says why", async () => {
    const pressure = join(tmp, "pressure.log");
    const busy = join(tmp, "busy.log");
    writeFileSync(pressure, kvPressure("newest"));
    writeFileSync(busy, healthy("newest"));
    const gate = ["--require", "runtime.preemptions==0", "--require", "runtime.gpuKvUsagePct.p95<=90", "--fail-on", "none", "--format", "json"];
    const bad = await runCliHere(["check", pressure, ...gate]);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).gate.requirements.filter((q: { kind: string }) => q.kind === "require").map((q: { passed: boolean; reason: string }) => [q.passed, q.reason])).toEqual([
      [false, "runtime.preemptions is 10, required == 0"],
      [false, "runtime.gpuKvUsagePct.p95 is 99, required <= 90"],
    ]);
    const good = await runCliHere(["check", busy, ...gate]);
    expect(good.status).toBe(0);
  });

  it("a log without stats lines: each runtime requirement fails as missing, with the reason", async () => {
    const report = await analyzeText("INFO 08-19 10:00:00 [api_server.py:1805] vLLM API server version 0.11.2\n");
    const gate = evaluateGate(report, parseGateSpec({ require: ["runtime.preemptions==0", "runtime.gpuKvUsagePct.p95<=90"], failOn: "none" }));
    expect(gate.passed).toBe(false);
    const reasons = gate.requirements.filter((q) => q.kind === "require").map((q) => q.reason);
    expect(reasons[0]).toMatch(/^runtime\.preemptions is missing from the logs \(no periodic stats lines/);
    expect(reasons[1]).toMatch(/^runtime\.gpuKvUsagePct\.p95 is missing from the logs \(no periodic stats lines/);
  });
});
