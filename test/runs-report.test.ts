import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.js";
import { renderHtml } from "../src/report/html.js";
import { renderMarkdown } from "../src/report/markdown.js";

/**
 * Two logs of different runs (another model, another vLLM version) read in one command: the post-mortem formats give
 * each run its own sections, as the text report does, and list apart what only the runs' facts joined give (here a
 * version "mismatch" between the two runs, which no single run has).
 */
describe("HTML and Markdown reports of inputs read as several runs", async () => {
  const { report } = await analyze(["samples/ray-tp8-pp2-two-nodes.log", "samples/cuda-oom.log"]);

  it("the analysis splits them and finds the cross-run finding only with the inputs joined", () => {
    expect(report.runs?.map((r) => r.findings.map((f) => f.ruleId))).toEqual([[], ["vllm/cuda-oom", "vllm/engine-init-failed"]]);
    expect(report.findings.map((f) => f.ruleId)).toContain("cluster/version-mismatch");
  });

  it("HTML: one section per run with its own verdict, facts and findings; ids unique; the joined finding after them", () => {
    const html = renderHtml(report);
    expect(html).toContain("<h1>vllm-doctor report: 2 runs</h1>");
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["verdict", "run-1", "run-1-verdict", "run-1-node-pairs", "run-2", "run-2-verdict", "run-2-oom-headline"]));
    const run1 = html.slice(html.indexOf('<section id="run-1">'), html.indexOf('<section id="run-2">'));
    const run2 = html.slice(html.indexOf('<section id="run-2">'), html.indexOf("</section>", html.indexOf('<section id="run-2">')));
    expect(run1).toContain("<h2>Run 1 of 2: meta-llama/Llama-3.1-405B-Instruct-FP8</h2>");
    expect(run1).toContain('id="run-1-verdict" data-tone="ok"');
    expect(run1).toContain("<h3>Findings (0)</h3>");
    expect(run1).not.toContain("vllm/cuda-oom");
    expect(run2).toContain("<h2>Run 2 of 2: meta-llama/Llama-3.1-70B-Instruct</h2>");
    expect(run2).toContain('id="run-2-verdict" data-tone="error"');
    expect(run2).toContain("<h3>Findings (2)</h3>");
    expect(run2).not.toContain("cluster/version-mismatch");
    const after = html.slice(html.lastIndexOf("</section>"));
    expect(after).toContain("<h2>Only with all inputs read as one (1)</h2>");
    expect(after).toContain("cluster/version-mismatch");
  });

  it("Markdown: the same layout, each run's headings one level down", () => {
    const md = renderMarkdown(report);
    const headings = md.split("\n").filter((l) => /^#+ /.test(l));
    expect(headings.slice(0, 3)).toEqual(["# vllm-doctor report: 2 runs", "## Runs", "## Run 1 of 2: meta-llama/Llama-3.1-405B-Instruct-FP8"]);
    expect(headings).toContain("### Findings (0)");
    expect(headings).toContain("#### 1. ERROR: CUDA out of memory");
    expect(headings.slice(-2)).toEqual(["## Only with all inputs read as one (1)", "### 1. WARNING: Different versions across nodes or ranks"]);
  });

  it("one run keeps the single report's layout", async () => {
    const one = (await analyze(["samples/cuda-oom.log"])).report;
    expect(renderMarkdown(one).split("\n").filter((l) => /^#+ /.test(l)).slice(0, 3)).toEqual(["# vllm-doctor report: meta-llama/Llama-3.1-70B-Instruct", "## Summary", "## Inputs"]);
    expect(renderHtml(one)).toContain('<h1>vllm-doctor report: meta-llama/Llama-3.1-70B-Instruct</h1>\n<div class="banner error" id="verdict"');
  });
});
