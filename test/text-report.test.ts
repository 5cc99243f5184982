import { describe, expect, it } from "vitest";
import { runCliHere } from "./helpers/cli.js";
import { renderText } from "../src/report/text.js";
import { sampleReport } from "./report-fixture.js";

/** The text report's "Not in the log" hints: headline facts spelled out, the rest counted, NCCL hints only where NCCL runs. */
describe("text report: missing evidence hints", () => {
  it("a TP=4 run without NCCL lines is told how to get them", async () => {
    const r = await runCliHere(["analyze", "samples/v0.8-tp4-mp.log"]);
    // wrapped at 80 columns when not a terminal, with a hanging indent
    expect(r.stdout).toContain("  · nccl.transports: no NCCL INFO lines in the log — rerun with NCCL_DEBUG=INFO\n    NCCL_DEBUG_SUBSYS=INIT,NET\n");
    expect(r.stdout).toMatch(/ {2}… and \d+ more \(the report's facts\.missing in --format json\)\n/);
  });

  it("a single-GPU run gets no NCCL hint, since it uses no NCCL", async () => {
    const r = await runCliHere(["analyze", "samples/cuda-oom.log"]);
    expect(r.stdout).toContain("Not in the log");
    expect(r.stdout).not.toContain("nccl.transports:");
    expect(r.stdout).toContain("  · kvCache.tokens: no `GPU KV cache size: N tokens` line (V1) in the input");
  });
});

describe("text report of several runs", () => {
  it("names the findings of all inputs read as one that no run has (every other format lists them)", async () => {
    const all = sampleReport();
    const run = (input: string) => ({ inputs: [input], why: "they serve different models", verdict: "Healthy.", facts: all.facts, findings: [], summary: { errors: 0, warnings: 0, infos: 0 } });
    const text = renderText({ ...all, runs: [run(all.inputs[0].path), run(all.inputs[1].path)] }, { color: false, width: 200 });
    const tail = text.slice(text.indexOf("Only with all inputs read as one (--one-run shows them in full)"));
    expect(tail).not.toBe(text);
    expect(all.findings.length).toBeGreaterThan(1);
    for (const f of all.findings) expect(tail).toContain(`${f.severity} ${f.title} [${f.ruleId}]`);
  });
});
