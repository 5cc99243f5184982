import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { sarifReports } from "./helpers/sarif-reports.js";

/*
 * GitHub code scanning refuses SARIF that is valid 2.1.0 but lacks what it needs (a location on every result,
 * rule help, …): checked here on reports of every shape the CLI writes (findings, gate results with and without the
 * fact, user rules); Microsoft's SARIF multitool checks the same reports with its GitHub rule set in
 * test/scale/sarif-multitool.test.ts.
 */

describe("SARIF for GitHub code scanning", async () => {
  const { tmp, docs, oom, ray, user } = await sarifReports();

  it("locates every result: a finding at its evidence, a gate requirement at its fact's line or line 1", () => {
    const results = (d: any) => d.runs[0].results as any[];
    for (const d of Object.values(docs)) for (const r of results(d)) expect(r.locations?.[0]?.physicalLocation?.region?.startLine, r.ruleId).toBeGreaterThanOrEqual(1);
    const gate = results(docs.oom).filter((r) => r.ruleId === "gate/require");
    const where = (r: any) => `${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`;
    const uri = `file://${join(tmp, "oom.log")}`;
    // kvCache.tokens is not in the log: line 1; vllm.version and config.model were read on the engine's config line
    expect(gate.map(where)).toEqual([`${uri}:1`, `${uri}:${oom.facts.sources["vllm.version"].line}`, `${uri}:${oom.facts.sources["config.model"].line}`]);
    expect(oom.facts.sources["vllm.version"].line).toBeGreaterThan(1);
    const failOn = results(docs.oom).find((r) => r.ruleId === "gate/fail-on");
    expect(where(failOn)).toBe(`${uri}:${oom.findings[0].evidence[0].line}`);
    // transports point at the NCCL network line
    const transport = results(docs.ray).find((r) => r.ruleId === "gate/require-transport");
    expect(transport.locations[0].physicalLocation.region.startLine).toBe(ray.facts.sources["nccl.net"].line);
    // a user rule on facts alone has no evidence line: line 1 of the input
    const noPage = results(docs.user).find((r) => r.ruleId === "team/no-page");
    expect(where(noPage)).toBe(`file://${join(tmp, "user.log")}:1`);
  });

  it("describes every rule with full descriptions, help from its page and an absolute helpUri", () => {
    const driver = docs.oom.runs[0].tool.driver;
    expect(driver.informationUri).toBe("https://github.com/vllm-doctor/vllm-doctor");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect([pkg.repository.url, pkg.homepage, pkg.bugs.url]).toEqual([`git+${driver.informationUri}.git`, `${driver.informationUri}#readme`, `${driver.informationUri}/issues`]);
    const oomRule = driver.rules.find((r: any) => r.id === "vllm/cuda-oom");
    expect(oomRule.helpUri).toBe("https://github.com/vllm-doctor/vllm-doctor/blob/main/docs/rules/vllm/cuda-oom.md");
    expect(oomRule.fullDescription.text).toMatch(/^A CUDA allocation failed because the GPU had no room left\./);
    expect(oomRule.help.markdown).toBe(readFileSync(join(ROOT, "docs/rules/vllm/cuda-oom.md"), "utf8"));
    expect(oomRule.help.text).toContain("Lower --gpu-memory-utilization");
    expect(oomRule.help.text).not.toContain("`");
    const gateRule = driver.rules.find((r: any) => r.id === "gate/require");
    expect(gateRule.helpUri).toBe("https://github.com/vllm-doctor/vllm-doctor/blob/main/docs/ci.md#requirements");
    expect(gateRule.help.markdown).toMatch(/^### Requirements\n/);
    const userRules = docs.user.runs[0].tool.driver.rules;
    expect(userRules.find((r: any) => r.id === "team/quota").helpUri).toBe("https://wiki.example.com/quota");
    expect(userRules.find((r: any) => r.id === "team/no-page").helpUri).toBeUndefined();
    expect(userRules.find((r: any) => r.id === "team/no-page").help.markdown).toMatch(/^## `userRules`/);
    // the JSON report: `docs` as the contract has it, the absolute page in `docsUrl` (a user rule's own, or none)
    expect(oom.findings.find((f) => f.ruleId === "vllm/cuda-oom")).toMatchObject({ docs: "docs/rules/vllm/cuda-oom.md", docsUrl: oomRule.helpUri });
    expect(user.findings.map((f) => [f.ruleId, f.docs, f.docsUrl])).toEqual([
      ["team/quota", "docs/configuration.md", "https://wiki.example.com/quota"],
      ["team/no-page", "docs/configuration.md", undefined],
    ]);
    for (const d of Object.values(docs))
      for (const r of d.runs[0].tool.driver.rules) {
        expect(r.shortDescription.text && r.fullDescription.text && r.help.text && r.help.markdown, r.id).toBeTruthy();
        if (!r.id.startsWith("team/")) expect(r.helpUri, r.id).toMatch(/^https:\/\/github\.com\/vllm-doctor\/vllm-doctor\/blob\/main\/docs\//);
      }
    // every rule's page exists where its helpUri points in the repository
    for (const d of Object.values(docs))
      for (const r of d.runs[0].tool.driver.rules) if (r.helpUri?.includes("/blob/main/")) expect(existsSync(join(ROOT, r.helpUri.split("/blob/main/")[1].split("#")[0])), r.helpUri).toBe(true);
  });

  it("links every finding to its page in Markdown and HTML (a user rule without a page has no link)", async () => {
    const { renderMarkdown } = await import("../src/report/markdown.js");
    const { renderHtml } = await import("../src/report/html.js");
    const url = "https://github.com/vllm-doctor/vllm-doctor/blob/main/docs/rules/vllm/cuda-oom.md";
    expect(renderMarkdown(oom)).toContain(`Docs: [docs/rules/vllm/cuda-oom.md](${url})`);
    expect(renderHtml(oom)).toContain(`Docs: <a href="${url}">docs/rules/vllm/cuda-oom.md</a>`);
    const md = renderMarkdown(user);
    expect(md).toContain("Docs: [docs/configuration.md](https://wiki.example.com/quota)");
    expect(md).toContain("Docs: docs/configuration.md\n");
    // a report from elsewhere (merge of a JSON file) with a script URL gets no link
    const forged = { ...user, findings: user.findings.map((f) => ({ ...f, docsUrl: "javascript:alert(1)" })) };
    expect(renderHtml(forged)).not.toContain("javascript:");
    expect(renderMarkdown(forged)).not.toContain("javascript:");
  });

  it("takes a user rule's docs URL from the configuration, only when it is an absolute http(s) URL", async () => {
    const { loadConfig } = await import("../src/config/load.js");
    const write = (docs: string) => {
      const p = join(tmp, `cfg-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(p, JSON.stringify({ userRules: [{ id: "team/x", title: "X", message: "m", pattern: "x", docs }] }));
      return p;
    };
    expect(loadConfig(write("https://wiki.example.com/x")).config.userRules![0].docs).toBe("https://wiki.example.com/x");
    expect(() => loadConfig(write("javascript:alert(1)"))).toThrow(/docs: must be an absolute http\(s\) URL/);
    expect(() => loadConfig(write("docs/rules/team/x.md"))).toThrow(/must be an absolute http\(s\) URL/);
  });

});
