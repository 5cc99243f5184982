import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { runCliHere } from "./helpers/cli.js";
import { xmlProblem } from "./report-xml.js";
import { TWO_HOST_LOG } from "./report-fixture.js";

const tmp = mkdtempSync(join(tmpdir(), "vd-formats-"));
const log = join(tmp, "two-host.log");
writeFileSync(log, TWO_HOST_LOG);

function sarifValidator() {
  const require = createRequire(import.meta.url);
  const { $schema: _s, id, ...rest } = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
  const ajv = new Ajv({ strict: false, unicodeRegExp: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile({ $id: id, ...rest });
}

describe("every format from the command line", () => {
  it("markdown, html and ndjson (with --events) render the analysis of a real log", async () => {
    const md = await runCliHere(["analyze", log, "--format", "markdown"]);
    expect(md.status).not.toBe(2);
    expect(md.stdout).toContain("| node-head | node-worker | inter-node | NET/Socket ×4 |");
    expect(md.stdout).toContain("| KV cache tokens | 1,310,000 |");

    const out = join(tmp, "report.html");
    const html = await runCliHere(["analyze", log, "--format", "html", "-o", out]);
    expect(html.stdout).toBe("");
    const page = readFileSync(out, "utf8");
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<svg id="transport-matrix"');

    const nd = await runCliHere(["analyze", log, "--format", "ndjson", "--events"]);
    const lines = nd.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "report", inputs: [{ path: log }] });
    expect(lines[1].facts.nccl.hosts).toEqual(["node-head", "node-worker"]);
    expect(lines.filter((l) => l.type === "event" && l.kind === "nccl.connection")).toHaveLength(6);
  });

  it("sarif validates, junit parses, github annotates and writes the step summary", async () => {
    const sarif = await runCliHere(["check", log, "--format", "sarif", "--forbid-transport", "NET/Socket"]);
    expect(sarif.status).toBe(1);
    const doc = JSON.parse(sarif.stdout);
    const validate = sarifValidator();
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.runs[0].results.find((r: any) => r.ruleId === "gate/forbid-transport").message.text).toBe("forbid-transport NET/Socket: inter-node connections use NET/Socket ×4, between 1 node pair: node-head ↔ node-worker");
    const located = doc.runs[0].results.find((r: any) => r.locations);
    expect(located).toBeDefined();
    expect(located.locations[0].physicalLocation.artifactLocation.uri).toBe(`file://${log}`);

    const junit = await runCliHere(["check", log, "--format", "junit", "--require", "kvCache.tokens>=500000", "--fail-on", "none"]);
    expect(junit.status).toBe(0);
    expect(xmlProblem(junit.stdout)).toBeNull();
    expect(junit.stdout).toContain('<testcase classname="vllm-doctor.gate" name="kvCache.tokens&gt;=500000" time="0">');
    expect(junit.stdout).toContain('name="nccl/socket-fallback"');

    const summary = join(tmp, "summary.md");
    writeFileSync(summary, "");
    const gh = await runCliHere(["check", log, "--format", "github", "--require", "kvCache.tokens>=2000000"], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(gh.status).toBe(1);
    expect(gh.stdout).toMatch(/^::error file=[^,]+two-host\.log,line=\d+,title=vllm-doctor gate%3A kvCache.tokens>=2000000::kvCache.tokens is 1,310,000, required >= 2,000,000$/m);
    expect(gh.stdout).toMatch(/^::(error|warning|notice) file=[^,]+two-host\.log,line=\d+,title=nccl\/socket-fallback%3A /m);
    const md = readFileSync(summary, "utf8");
    expect(md).toContain("## Gate: FAILED");
    expect(md).toContain("| kvCache.tokens&gt;=2000000 | FAIL | kvCache.tokens is 1,310,000, required &gt;= 2,000,000 |");
  });
});
