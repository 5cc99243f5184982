import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSafe, findConfig, loadConfig, parseConfig } from "../src/config/load.js";
import { configJsonSchema } from "../src/config/schema.js";
import { runRules } from "../src/rules/engine.js";
import { finalizeFacts, initState } from "../src/facts/state.js";
import { analyzeLines } from "../src/analyze.js";
import { ROOT, runCliHere, runJsonHere } from "./helpers/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "vd-config-"));

describe("configuration", () => {
  it("is published as schema/config.schema.json, generated from the zod schema", async () => {
    const want = JSON.stringify(configJsonSchema(), null, 2) + "\n";
    const path = join(ROOT, "schema", "config.schema.json");
    if (process.env.UPDATE_SCHEMA) writeFileSync(path, want);
    expect(readFileSync(path, "utf8")).toBe(want);
  });

  it("is found upward from the current folder", async () => {
    const dir = tmp();
    const sub = join(dir, "a", "b");
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(dir, ".vllm-doctor.json"), "{}");
    expect(findConfig(sub)).toBe(join(dir, ".vllm-doctor.json"));
  });

  it("sets severities, turns rules off and sets thresholds", async () => {
    const cfg = parseConfig({ rules: { "vllm/tp-not-divisible": "warning", "vllm/low-concurrency": "off" }, thresholds: { minConcurrency: 3 } });
    const facts = { ...finalizeFacts(initState()), kvCache: { ...finalizeFacts(initState()).kvCache, maxConcurrency: 2 } };
    const read = analyzeLines(["ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3)."]);
    const f = runRules(facts, read.state, cfg);
    expect(f.map((x) => [x.ruleId, x.severity])).toEqual([["vllm/tp-not-divisible", "warning"]]);
    const g = runRules(facts, initState(), parseConfig({ thresholds: { minConcurrency: 3 } }));
    expect(g.map((x) => x.ruleId)).toEqual(["vllm/low-concurrency"]);
  });

  it("refuses bad files with one clear line", async () => {
    expect(() => parseConfig({ rules: { "nccl/sokcet-fallback": "off" } })).toThrow("invalid configuration: rules: unknown rule id 'nccl/sokcet-fallback' (see `vllm-doctor rules`)");
    expect(() => parseConfig({ rules: { "nccl/socket-fallback": "loud" } })).toThrow(/^invalid configuration: rules\.nccl\/socket-fallback: /);
    expect(() => parseConfig({ thresholds: { minConcurency: 1 } })).toThrow(/^invalid configuration: thresholds: /);
    expect(() => parseConfig({ userRules: [{ id: "team/x", title: "t", message: "m" }] })).toThrow("needs a pattern, a when condition, or both");
    // a misspelt fact is never present: the rule never fired (and with `missing` always did), silently
    const when = (fact: string, op = "<") => parseConfig({ userRules: [{ id: "team/kv", title: "t", message: "m", when: { fact, op, value: 500000 } }] }, "/etc/vd.json");
    expect(() => when("kvCache.tokenz")).toThrow("invalid configuration: userRules 'team/kv': when.fact: kvCache.tokenz is not a fact of the report (did you mean kvCache.tokens?)");
    expect(() => when("facts.kvCache.tokens", "missing")).toThrow(/^invalid configuration: userRules 'team\/kv': when\.fact: facts is not a fact of the report \(the facts are: vllm, config, /);
    expect(when("kvCache.tokens").userRules?.[0].when).toEqual({ fact: "kvCache.tokens", op: "<", value: 500000 });
    expect(when("bench.serve.p99_9TtftMs", ">").userRules?.[0].when?.fact).toBe("bench.serve.p99_9TtftMs");
  });

  it("refuses user regexes that can backtrack catastrophically, accepts ordinary ones", async () => {
    expect(() => compileSafe("team/bad", "(a+)+b", "")).toThrow(/can backtrack catastrophically/);
    expect(() => compileSafe("team/bad", "(x|x)*y", "")).toThrow(/can backtrack catastrophically/);
    expect(compileSafe("team/ok", "NCCL WARN .*failed", "i").flags).toBe("i");
  });

  it("runs user rules on records and on facts, through the CLI", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "run.log"), ["INFO starting", "WARNING our-wrapper: quota almost exhausted (91%)", "INFO done"].join("\n") + "\n");
    writeFileSync(join(dir, ".vllm-doctor.json"), JSON.stringify({
      userRules: [
        { id: "team/quota", severity: "error", title: "Quota", message: "quota warning seen {count} time(s), first at {match}", pattern: "quota almost exhausted \\((\\d+%)\\)", remediation: ["ask for more quota"] },
        { id: "team/no-model", severity: "info", title: "No model", message: "model is {value}", when: { fact: "config.model", op: "missing" } },
      ],
    }));
    const r = await runJsonHere(["analyze", "run.log"], { cwd: dir });
    expect(r.status).toBe(1);
    const quota = r.report.findings.find((f: { ruleId: string }) => f.ruleId === "team/quota");
    expect(quota).toMatchObject({ severity: "error", message: "quota warning seen 1 time(s), first at 91%", evidence: [{ file: "run.log", line: 2 }], remediation: ["ask for more quota"] });
    expect(r.report.findings.some((f: { ruleId: string }) => f.ruleId === "team/no-model")).toBe(true);
    const off = await runJsonHere(["analyze", "run.log", "--config", join(dir, "other.json")], { cwd: dir });
    expect(off.status).toBe(2);
    // `rules` lists the user rules, and explain used to call them unknown
    const explained = await runCliHere(["explain", "team/quota"], { cwd: dir });
    expect(explained.status).toBe(0);
    expect(explained.stdout).toBe([
      "# team/quota: Quota", "",
      `A user rule of ${join(dir, ".vllm-doctor.json")} (severity error); see docs/configuration.md, "userRules".`, "",
      "- fires on a record matching `/quota almost exhausted \\((\\d+%)\\)/`",
      "- message: quota warning seen {count} time(s), first at {match}",
      "- what to do: ask for more quota", "",
    ].join("\n"));
  });

  it("a user rule's when orders a version fact by its parts, against a version written as a string", async () => {
    const dir = tmp();
    writeFileSync(join(dir, ".vllm-doctor.json"), JSON.stringify({
      userRules: [{ id: "team/old-vllm", severity: "warning", title: "Old vLLM", message: "vLLM {value} is older than 0.10", when: { fact: "vllm.version", op: "<", value: "0.10" } }],
    }));
    const fired = async (version: string) => {
      writeFileSync(join(dir, "run.log"), `INFO 07-25 10:11:12 [api_server.py:1885] vLLM API server version ${version}\n`);
      const r = await runJsonHere(["analyze", "run.log"], { cwd: dir });
      return r.report.findings.filter((f: { ruleId: string }) => f.ruleId === "team/old-vllm").map((f: { message: string }) => f.message);
    };
    // (as numbers, 0.9.2 is no number and "0.10" is 0.1: the rule never fired)
    expect(await fired("0.9.2")).toEqual(['vLLM "0.9.2" is older than 0.10']);
    expect(await fired("0.10.1")).toEqual([]);
    expect(await fired("0.8.5.post1")).toEqual(['vLLM "0.8.5.post1" is older than 0.10']);
  });

  it("a user pattern rule sees every input, a merge of saved reports and --follow alike (its matches are in the fact state)", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.log"), ["INFO starting", "WARNING our-wrapper: quota almost exhausted (91%)"].join("\n") + "\n");
    writeFileSync(join(dir, "b.log"), ["INFO x", "INFO y", "WARNING our-wrapper: quota almost exhausted (97%)"].join("\n") + "\n");
    writeFileSync(join(dir, ".vllm-doctor.json"), JSON.stringify({
      userRules: [{ id: "team/quota", severity: "error", title: "Quota", message: "quota warning seen {count} time(s), first at {match}", pattern: "quota almost exhausted \\((\\d+%)\\)", remediation: ["ask"] }],
    }));
    const quota = (r: { report: { findings: { ruleId: string }[] } }) => r.report.findings.find((f) => f.ruleId === "team/quota");
    const both = await runJsonHere(["analyze", "a.log", "b.log", "--one-run"], { cwd: dir });
    expect(quota(both)).toMatchObject({ message: "quota warning seen 2 time(s), first at 91%", evidence: [{ file: "a.log", line: 2 }, { file: "b.log", line: 3 }] });
    expect((await runCliHere(["analyze", "a.log", "--format", "json", "-o", "a.json"], { cwd: dir })).status).toBe(1);
    expect((await runCliHere(["analyze", "b.log", "--format", "json", "-o", "b.json"], { cwd: dir })).status).toBe(1);
    const merged = await runJsonHere(["merge", "a.json", "b.json"], { cwd: dir });
    expect(quota(merged)).toMatchObject({ message: "quota warning seen 2 time(s), first at 91%", evidence: [{ file: "a.log", line: 2 }, { file: "b.log", line: 3 }] });
    // --follow used to drop pattern rules: its reads never handed the matches to the rules
    const followed = await runCliHere(["analyze", "b.log", "--follow", "--until-idle", "0.3"], { cwd: dir });
    expect(followed.status).toBe(1);
    expect(followed.stdout).toContain("Failed (team/quota): quota warning seen 1 time(s), first at 97%.");
  });

  it("diff and a check baseline that are logs are analyzed with the configuration too", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.log"), ["INFO starting", "WARNING our-wrapper: quota almost exhausted (91%)"].join("\n") + "\n");
    writeFileSync(join(dir, "b.log"), "INFO starting\n");
    writeFileSync(join(dir, "team.json"), JSON.stringify({
      userRules: [{ id: "team/quota", severity: "error", title: "Quota", message: "quota at {match}", pattern: "quota almost exhausted \\((\\d+%)\\)" }],
    }));
    // diff read its logs with the default rules: the user's rule never showed as gone
    const d = await runCliHere(["diff", "a.log", "b.log", "--format", "json", "--config", "team.json"], { cwd: dir });
    expect(d.status).toBe(0);
    expect(JSON.parse(d.stdout).findings).toEqual({ appeared: [], resolved: [{ ruleId: "team/quota", severity: "error", title: "Quota" }] });
    // a baseline log's error count is the one its own analyze reports
    const c = await runCliHere(["check", "b.log", "--baseline", "a.log", "--max-regression", "summary.errors=0", "--config", "team.json"], { cwd: dir });
    expect(c.status).toBe(0);
    expect(c.stdout).toContain("pass  max-regression summary.errors=0: summary.errors 1 → 0");
  });

  it("exits 2 with one line on an invalid configuration", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "run.log"), "INFO x\n");
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ userRules: [{ id: "team/x", title: "t", message: "m", pattern: "(a+)+$" }] }));
    const r = await runCliHere(["analyze", "run.log", "--config", "bad.json"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^vllm-doctor: invalid configuration: userRules 'team\/x': the regular expression can backtrack catastrophically/);
    expect(loadConfig(undefined, dir).path).toBe(null);
    // `--config "$CFG"` with CFG unset used to fall back to the file found upward (or none) without a word
    expect(() => loadConfig("", dir)).toThrow("--config needs a file name");
  });
});

describe("exit codes and commands", () => {
  it("analyze exits 1 on an error finding, 0 without, 2 on a missing input", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "bad.log"), "ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3).\n");
    writeFileSync(join(dir, "ok.log"), "INFO 04-16 11:09:10 [parallel_state.py:959] rank 0 in world size 1 is assigned as DP rank 0, PP rank 0, TP rank 0\n");
    expect((await runCliHere(["analyze", "bad.log"], { cwd: dir })).status).toBe(1);
    expect((await runCliHere(["analyze", "ok.log"], { cwd: dir })).status).toBe(0);
    expect((await runCliHere(["analyze", "nope.log"], { cwd: dir })).status).toBe(2);
  });

  it("rules lists every rule, in text and JSON", async () => {
    const t = await runCliHere(["rules"]);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^nccl\/socket-fallback\s+warning\s+nccl,network,multi-node,performance\s+Inter-node NCCL traffic goes over TCP sockets$/m);
    const j = JSON.parse((await runCliHere(["rules", "--format", "json"])).stdout);
    expect(j.find((r: { id: string }) => r.id === "vllm/cuda-oom")).toMatchObject({ severity: "error", docs: "docs/rules/vllm/cuda-oom.md" });
  });

  it("explain prints the page; an unknown id is one line and exit 2", async () => {
    const r = await runCliHere(["explain", "nccl/socket-fallback"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("# nccl/socket-fallback:");
    const bad = await runCliHere(["explain", "nccl/nope"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("vllm-doctor: unknown rule id 'nccl/nope'; run `vllm-doctor rules` for the list\n");
  });
});
