import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compare, parseRequirement } from "../src/gate/expr.js";
import { evaluateGate, parseGateSpec, severityFails } from "../src/gate/check.js";
import { judgeRegression, parseRegressionLimit } from "../src/gate/regression.js";
import { readPath } from "../src/gate/path.js";
import { unknownReportPath } from "../src/gate/known-path.js";
import { analyzeText } from "./rules/analyze-text.js";
import { ROOT, runCli, runCliHere } from "./helpers/cli.js";
import { sampleReport } from "./report-fixture.js";

const gateOf = (opts: Parameters<typeof parseGateSpec>[0], report = sampleReport(), baseline?: ReturnType<typeof sampleReport>) =>
  evaluateGate(report, parseGateSpec(opts), baseline);

describe("gate expressions", () => {
  it("parses PATH OP VALUE with every operator", async () => {
    expect(parseRequirement("kvCache.tokens>=500000")).toEqual({ path: "kvCache.tokens", op: ">=", value: 500000, written: "500000", text: "kvCache.tokens>=500000" });
    expect(parseRequirement(" nccl.net == IB ")).toMatchObject({ path: "nccl.net", op: "==", value: "IB" });
    expect(parseRequirement("config.enforceEager!=true")).toMatchObject({ op: "!=", value: true });
    expect(parseRequirement("kvCache.maxConcurrency<1.5")).toMatchObject({ op: "<", value: 1.5 });
    expect(parseRequirement("kvCache.tokens>1_000_000")).toMatchObject({ op: ">", value: 1000000 });
    expect(parseRequirement("nccl.transports.NET/Socket<=0")).toMatchObject({ path: "nccl.transports.NET/Socket", op: "<=", value: 0 });
    for (const bad of ["kvCache.tokens", "kvCache.tokens>=", "kvCache.tokens>>5", ">=5", "kv cache>=5"]) expect(() => parseRequirement(bad), bad).toThrow(/cannot read --require/);
  });

  it("compares numbers, strings and dotted versions", async () => {
    expect(compare(1310000, ">=", 500000)).toBe(true);
    expect(compare(1310000, "<", 500000)).toBe(false);
    expect(compare("2.21.5", ">=", "2.21")).toBe(true);
    expect(compare("2.21.5", ">=", 2.3)).toBe(true);
    expect(compare("2.21.5", "<", "2.26.5")).toBe(true);
    expect(compare("IB", "==", "IB")).toBe(true);
    expect(compare(8, "==", "8")).toBe(true);
    expect(compare("Socket", ">", 5)).toBeUndefined();
  });

  it("reads fact paths under facts, and report paths from the top", async () => {
    const r = sampleReport();
    expect(readPath(r, "kvCache.tokens")).toEqual({ found: true, value: 1310000 });
    expect(readPath(r, "facts.kvCache.tokens").value).toBe(1310000);
    expect(readPath(r, "summary.errors").value).toBe(1);
    expect(readPath(r, "nccl.transports.NET/Socket").value).toBe(8);
    expect(readPath(r, "kvCache.gpuBlocks")).toEqual({ found: true, value: null });
    expect(readPath(r, "kvCache.nope").found).toBe(false);
  });
});

describe("gate verdicts", () => {
  it("--fail-on is inclusive: warning fails on warnings and errors, info on everything", async () => {
    expect(["error", "warning", "info"].map((s) => severityFails(s as never, "error"))).toEqual([true, false, false]);
    expect(["error", "warning", "info"].map((s) => severityFails(s as never, "warning"))).toEqual([true, true, false]);
    expect(["error", "warning", "info"].map((s) => severityFails(s as never, "info"))).toEqual([true, true, true]);
    expect(["error", "warning", "info"].map((s) => severityFails(s as never, "none"))).toEqual([false, false, false]);
    const onlyWarning = sampleReport();
    onlyWarning.findings = onlyWarning.findings.filter((f) => f.severity !== "error");
    onlyWarning.summary = { errors: 0, warnings: 1, infos: 1 };
    expect(gateOf({}, onlyWarning).passed).toBe(true);
    expect(gateOf({ failOn: "warning" }, onlyWarning)).toMatchObject({ passed: false, requirements: [{ kind: "fail-on", reason: "1 finding at or above warning: vllm/low-concurrency (warning)" }] });
    expect(gateOf({ failOn: "error" })).toMatchObject({ passed: false, requirements: [{ reason: "1 finding at or above error: nccl/socket-fallback (error)" }] });
    expect(gateOf({ failOn: "none" }).passed).toBe(true);
  });

  it("--max-warnings N fails above N", async () => {
    expect(gateOf({ failOn: "none", maxWarnings: "1" }).requirements[1]).toEqual({ kind: "max-warnings", name: "max-warnings 1", passed: true, reason: "1 warning, at most 1 allowed" });
    expect(gateOf({ failOn: "none", maxWarnings: "0" }).passed).toBe(false);
    expect(() => parseGateSpec({ maxWarnings: "-1" })).toThrow(/--max-warnings/);
    expect(() => parseGateSpec({ failOn: "fatal" })).toThrow(/--fail-on must be one of error, warning, info, none/);
  });

  it("--require passes, fails with the value, and fails on a null fact saying it is missing", async () => {
    const g = gateOf({ failOn: "none", require: ["kvCache.tokens>=500000", "kvCache.tokens>=2000000", "kvCache.gpuBlocks>100", "nccl.ibHcas!=null", "bench.serve.p99TtftMs<=800", "bench.ncclTests.p90BusbwGBs>1", "runtime.preemptions==null"] });
    expect(g.requirements.slice(1)).toEqual([
      { kind: "require", name: "kvCache.tokens>=500000", passed: true, reason: "kvCache.tokens is 1,310,000" },
      { kind: "require", name: "kvCache.tokens>=2000000", passed: false, reason: "kvCache.tokens is 1,310,000, required >= 2,000,000" },
      { kind: "require", name: "kvCache.gpuBlocks>100", passed: false, reason: "kvCache.gpuBlocks is missing from the logs" },
      { kind: "require", name: "nccl.ibHcas!=null", passed: false, reason: "nccl.ibHcas is null, required != null" },
      // a section the logs do not show (no benchmark in them) reads as null: missing, with what would show it
      { kind: "require", name: "bench.serve.p99TtftMs<=800", passed: false, reason: "bench.serve.p99TtftMs is missing from the logs (the inputs hold no `vllm bench serve` / benchmark_serving.py result block or --save-result JSON)" },
      { kind: "require", name: "bench.ncclTests.p90BusbwGBs>1", passed: false, reason: "bench.ncclTests.p90BusbwGBs is missing from the logs (the inputs hold no nccl-tests output: no all_reduce_perf-style table)" },
      { kind: "require", name: "runtime.preemptions==null", passed: true, reason: "runtime.preemptions is null" },
    ]);
    // a benchmark metric the output did not print (the sections take any name: their keys follow the tool's output)
    const serve = sampleReport();
    serve.facts.bench.serve = { p99TtftMs: 700 } as never;
    expect(gateOf({ failOn: "none", require: ["bench.serve.p99_9TtftMs<=900", "bench.serve.p99TtftMs<=800"] }, serve).requirements.slice(1).map((q) => [q.passed, q.reason])).toEqual([
      [false, "bench.serve.p99_9TtftMs is missing from the logs (bench.serve does not show it)"],
      [true, "bench.serve.p99TtftMs is 700"],
    ]);
    // a missing fact quotes the report's own explanation when it has one
    const r = sampleReport();
    r.facts.nccl.ibHcas = null;
    const g2 = gateOf({ failOn: "none", require: ["nccl.ibHcas.0==mlx5_0"] }, r);
    expect(g2.requirements[1].reason).toBe("nccl.ibHcas.0 is missing from the logs (no NET/IB lines | the run used sockets; set NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=INIT,NET)");
  });

  it("a benchmark requirement holds only when it holds for every run of that benchmark in the inputs", async () => {
    // a sweep in one file: facts.bench.ncclTests is the first run's, and a slow second run used to pass unseen
    const r = sampleReport();
    const run = (line: number, busbw: number, extra: Record<string, unknown> = {}) => ({ kind: "ncclTests", file: "sweep.txt", line, values: { largeSizeBusbwGBs: busbw, wrongTotal: 0, ...extra } });
    r.facts.bench.ncclTests = { ...run(1, 349.48).values } as never;
    r.facts.bench.runs = [run(1, 349.48), run(75, 11.4), { kind: "serve", file: "s.txt", line: 3, values: { p99TtftMs: 700 } }];
    const g = gateOf({ failOn: "none", require: ["bench.ncclTests.largeSizeBusbwGBs>=300", "bench.ncclTests.wrongTotal==0", "bench.serve.p99TtftMs<=800"] }, r);
    expect(g.requirements.slice(1)).toEqual([
      { kind: "require", name: "bench.ncclTests.largeSizeBusbwGBs>=300", passed: false, reason: "run 2 of 2 (sweep.txt:75): bench.ncclTests.largeSizeBusbwGBs is 11.4, required >= 300" },
      { kind: "require", name: "bench.ncclTests.wrongTotal==0", passed: true, reason: "in each of the 2 ncclTests runs: run 1 of 2 (sweep.txt:1): bench.ncclTests.wrongTotal is 0; run 2 of 2 (sweep.txt:75): bench.ncclTests.wrongTotal is 0" },
      // one run of its kind: judged as any fact (here facts.bench.serve is null in the fixture: missing)
      { kind: "require", name: "bench.serve.p99TtftMs<=800", passed: false, reason: "bench.serve.p99TtftMs is missing from the logs (the inputs hold no `vllm bench serve` / benchmark_serving.py result block or --save-result JSON)" },
    ]);
    // a serve block's tail pasted from an earlier run is not a run of its own
    r.facts.bench.runs = [run(1, 349.48), run(75, 11.4, { tailOnly: true })];
    expect(gateOf({ failOn: "none", require: ["bench.ncclTests.largeSizeBusbwGBs>=300"] }, r).requirements[1]).toMatchObject({ passed: true, reason: "bench.ncclTests.largeSizeBusbwGBs is 349.48" });
  });

  it("a name the report cannot hold is a usage error before any log is read, with the nearest name", async () => {
    const err = (o: Parameters<typeof parseGateSpec>[0]) => {
      try {
        parseGateSpec(o);
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      return "no error";
    };
    // it used to be judged against the log: "kvCache.tokenz is not a fact of the report", exit 1 like a real failure
    expect(err({ require: ["kvCache.tokenz>=500000"] })).toBe("UsageError: --require 'kvCache.tokenz>=500000': kvCache.tokenz is not a fact of the report (did you mean kvCache.tokens?)");
    expect(err({ require: ["KVCache.tokens>=1"] })).toBe("UsageError: --require 'KVCache.tokens>=1': KVCache is not a fact of the report (did you mean kvCache?)");
    expect(err({ require: ["summary.error==0"] })).toBe("UsageError: --require 'summary.error==0': summary.error is not a fact of the report (did you mean summary.errors?)");
    expect(err({ require: ["kvCache.tokens.max>1"] })).toBe("UsageError: --require 'kvCache.tokens.max>1': kvCache.tokens is a single value: it has no max");
    expect(err({ require: ["nccl.hosts.first==a"] })).toBe("UsageError: --require 'nccl.hosts.first==a': nccl.hosts is a list: name an item by its number (nccl.hosts.0)");
    expect(err({ require: ["nccl.gdrdma==true"] })).toMatch(/^UsageError: --require 'nccl.gdrdma==true': nccl.gdrdma is not a fact of the report \(nccl has: version, net, ibHcas, gdr, ranks, /);
    expect(err({ maxRegression: ["bench.srve.outputThroughput=5%"] })).toBe("UsageError: --max-regression 'bench.srve.outputThroughput=5%': bench.srve is not a fact of the report (did you mean bench.serve?)");
    // a value the fact's type can never compare with (it was judged on the log: "cannot be compared", exit 1)
    expect(err({ require: ["kvCache.tokens>=500k"] })).toBe("UsageError: --require 'kvCache.tokens>=500k': kvCache.tokens is a number, and '500k' is not one (write 500000 or 500_000, with no unit)");
    expect(err({ require: ["kvCache.tokens>=1e400"] })).toBe("UsageError: --require 'kvCache.tokens>=1e400': the value is too large to be a number");
    expect(err({ require: ["nccl.gdr==yes"] })).toBe("UsageError: --require 'nccl.gdr==yes': nccl.gdr is true or false, not 'yes'");
    expect(err({ require: ["nccl.gdr>=true"] })).toBe("UsageError: --require 'nccl.gdr>=true': nccl.gdr is true or false: compare it with == or !=");
    expect(err({ require: ["kvCache>=1"] })).toBe("UsageError: --require 'kvCache>=1': kvCache is not a single value; name one of its fields");
    expect(err({ maxRegression: ["nccl.version=1%"] })).toBe("UsageError: --max-regression 'nccl.version=1%': nccl.version is not a number (it is string): only a number can regress");
    for (const ok of ["nccl.gdr==true", "nccl.gdr!=null", "nccl.version>=2.21", "nccl.net==IB", "kvCache.tokens==null", "config.enforceEager==false", "vllm.engine==v1"]) expect(err({ require: [ok] }), ok).toBe("no error");
    for (const ok of ["bench.serve.p99TtftMs=50", "summary.warnings=0", "nccl.transports.NET/IB/GDRDMA=10%"]) expect(err({ maxRegression: [ok] }), ok).toBe("no error");
    // open parts take any name: records (transport kinds, env), benchmark metrics, list items, report keys
    for (const ok of ["nccl.transports.NET/IB/GDRDMA>0", "nccl.interNode.NET/Socket==0", "env.NCCL_IB_DISABLE==1", "bench.serve.p99_9TtftMs<1", "bench.ncclTests.largeSizeBusbwGBs>1", "nccl.rankMap.0.host==a", "runtime.gpuKvUsagePct.p95<=90", "facts.kvCache.tokens>1", "inputs.0.lines>0", "nccl.gdr==true"])
      expect(err({ require: [ok] }), ok).toBe("no error");
  });

  it("every path of real reports is a name the gate accepts (the schema walk knows the whole report)", async () => {
    const names = ["ray-tp8-pp2-two-nodes.log", "cuda-oom.log", "v0.5-gpu-blocks.log", "bench-serve-today.txt", "bench-serve-yesterday.json", "bench-nccl-socket.txt", "server-kv-pressure.log"];
    const refused: string[] = [];
    let paths = 0;
    for (const name of names) {
      const r = await analyzeText(readFileSync(join("samples", name), "utf8"), name);
      const walk = (v: unknown, p: string) => {
        if (p) {
          paths++;
          const why = unknownReportPath(p);
          if (why) refused.push(`${name}: ${p}: ${why}`);
        }
        if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k);
      };
      // (facts.sources is keyed by dotted fact paths, which no dotted path can name)
      const { sources: _s, ...facts } = r.facts;
      walk({ facts, summary: r.summary, inputs: r.inputs, findings: r.findings }, "");
    }
    expect(refused).toEqual([]);
    expect(paths).toBeGreaterThan(3000);
  });

  it("--require-transport / --forbid-transport judge only inter-node connections", async () => {
    const g = gateOf({ failOn: "none", requireTransport: ["NET/IB"], forbidTransport: ["NET/Socket", "SHM", "P2P/IPC"] });
    expect(g.requirements.slice(1)).toEqual([
      { kind: "require-transport", name: "require-transport NET/IB", passed: false, reason: "inter-node connections use NET/Socket ×8, not only NET/IB (all: NET/Socket ×8), between 1 node pair: gpu-node-alpha ↔ gpu-node-bravo" },
      { kind: "forbid-transport", name: "forbid-transport NET/Socket", passed: false, reason: "inter-node connections use NET/Socket ×8, between 1 node pair: gpu-node-alpha ↔ gpu-node-bravo" },
      { kind: "forbid-transport", name: "forbid-transport SHM", passed: true, reason: "no inter-node connection uses SHM (NET/Socket ×8)" },
      // P2P/IPC is intra-node here: not judged
      { kind: "forbid-transport", name: "forbid-transport P2P/IPC", passed: true, reason: "no inter-node connection uses P2P/IPC (NET/Socket ×8)" },
    ]);
    const ib = sampleReport();
    ib.facts.nccl.nodePairs[1].kinds = { "NET/IB/GDRDMA": 8 };
    ib.facts.nccl.interNode = { "NET/IB/GDRDMA": 8 };
    expect(gateOf({ failOn: "none", requireTransport: ["NET/IB"], forbidTransport: ["NET/Socket"] }, ib).passed).toBe(true);
    const single = sampleReport();
    single.facts.nccl.nodePairs = [single.facts.nccl.nodePairs[0]];
    single.facts.nccl.interNode = {};
    single.facts.nccl.multiNode = false;
    expect(gateOf({ failOn: "none", requireTransport: ["NET/IB"] }, single).requirements[1]).toMatchObject({ passed: false, reason: expect.stringMatching(/^no inter-node NCCL connections/) });
  });

  it("--max-regression against a baseline, relative or absolute, in the direction that is worse", async () => {
    const base = sampleReport();
    base.facts.kvCache.tokens = 2040000;
    const g = gateOf({ failOn: "none", maxRegression: ["kvCache.tokens=10%", "kvCache.tokens=50%", "kvCache.maxConcurrency=1"] }, sampleReport(), base);
    expect(g.requirements.slice(1).map((r) => [r.passed, r.reason])).toEqual([
      [false, "kvCache.tokens 2,040,000 → 1,310,000 (−35.8%): regressed by more than the allowed 10%"],
      [true, "kvCache.tokens 2,040,000 → 1,310,000 (−35.8%): within the allowed 50%"],
      [true, "kvCache.maxConcurrency 39.98 → 39.98 (+0%): within the allowed 1"],
    ]);
    expect(judgeRegression(parseRegressionLimit("bench.serve.p99TtftMs=10%"), 100, 115).passed).toBe(false);
    expect(judgeRegression(parseRegressionLimit("bench.serve.p99TtftMs=10%"), 100, 50).passed).toBe(true);
    expect(judgeRegression(parseRegressionLimit("kvCache.tokens=10%"), null, 5).reason).toBe("kvCache.tokens is missing from the baseline, so a regression cannot be ruled out");
    expect(() => parseRegressionLimit("kvCache.tokens")).toThrow(/--max-regression/);
  });

  it("--max-regression on the serving stats: more preemptions, aborts, 5xx, waiting or full-KV lines is worse", () => {
    for (const path of ["runtime.preemptions", "runtime.requests.aborted", "runtime.http.5xx", "runtime.http.4xx", "runtime.waiting.p95", "runtime.kvFullShare", "runtime.stallCount", "summary.infos"])
      expect([path, judgeRegression(parseRegressionLimit(`${path}=0`), 0, 21).passed, judgeRegression(parseRegressionLimit(`${path}=0`), 21, 0).passed]).toEqual([path, false, true]);
    for (const path of ["runtime.generationThroughput.median", "runtime.running.median", "runtime.http.2xx"]) expect([path, judgeRegression(parseRegressionLimit(`${path}=0`), 21, 0).passed]).toEqual([path, false]);
  });

  it("a failed --max-regression and a requirement judged per run point GitHub and SARIF at the line of the fact judged", async () => {
    const [v1, v08] = ["v1-single-gpu.log", "v0.8-tp4-mp.log"].map((f) => join(ROOT, "samples", f));
    const reg = await runCliHere(["check", v1, "--baseline", v08, "--max-regression", "kvCache.tokens=1%", "--format", "github"]);
    expect(reg.status).toBe(1);
    expect(reg.stdout.split("\n")[0]).toBe(`::error file=${v1},line=20,title=vllm-doctor gate%3A max-regression kvCache.tokens=1%25::kvCache.tokens 414,688 → 380,880 (−8.2%25): regressed by more than the allowed 1%25`);
    const runs = await runCliHere(["check", v1, v08, "--require", "kvCache.tokens>=100000000", "--format", "sarif"]);
    const at = JSON.parse(runs.stdout).runs[0].results.filter((r: any) => r.ruleId === "gate/require").map((r: any) => `${r.locations[0].physicalLocation.artifactLocation.uri.replace(/^.*\//, "")}:${r.locations[0].physicalLocation.region.startLine}`);
    expect([runs.status, at]).toEqual([1, ["v1-single-gpu.log:20", "v0.8-tp4-mp.log:39"]]);
  });
});

// ------------------------------------------------------------------------------------------ CLI exit codes

const tmp = mkdtempSync(join(tmpdir(), "vd-gate-"));
const quiet = join(tmp, "quiet.log");
writeFileSync(quiet, "INFO 07-25 10:11:12 [api_server.py:1395] hello\n");
export const TWO_NODE_SOCKET_LOG = [
  "INFO 07-25 10:11:11 [api_server.py:1395] vLLM API server version 0.9.1",
  "gpu-node-a:1234:1234 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
  "gpu-node-a:1234:1250 [0] NCCL INFO Using network Socket",
  "gpu-node-a:1234:1250 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
  "gpu-node-a:1235:1251 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via NET/Socket/0",
  "gpu-node-b:2234:2250 [2] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via NET/Socket/0",
  "gpu-node-b:2234:2250 [2] NCCL INFO Channel 00/0 : 2[0] -> 3[1] via P2P/IPC",
  "INFO 07-25 10:11:40 [kv_cache_utils.py:634] GPU KV cache size: 1,310,000 tokens",
  "INFO 07-25 10:11:40 [kv_cache_utils.py:637] Maximum concurrency for 32,768 tokens per request: 39.98x",
  "",
].join("\n");
const sockets = join(tmp, "sockets.log");
writeFileSync(sockets, TWO_NODE_SOCKET_LOG);

describe("check: exit codes (README table)", () => {
  it("0: the gate passed", async () => {
    const r = await runCliHere(["check", sockets, "--fail-on", "none", "--require", "kvCache.tokens>=500000", "--require-transport", "NET/Socket"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Gate: PASSED\n  pass  fail-on none: findings do not fail the gate (--fail-on none)\n  pass  kvCache.tokens>=500000: kvCache.tokens is 1,310,000\n");
    expect((await runCliHere(["check", quiet])).status).toBe(0);
  });

  it("a dotted version keeps its trailing zeros (built CLI): vllm.version>=0.10 is not >=0.1", () => {
    // the value reads as the number 0.1 (2.3 for 2.30), which the version comparison used to take as written
    const r = runCli(["check", sockets, "--fail-on", "none", "--require", "vllm.version>=0.10", "--require", "nccl.version<2.30", "--require", "nccl.version>=2.20"]);
    expect(r.stdout).toContain("  FAIL  vllm.version>=0.10: vllm.version is 0.9.1, required >= 0.10\n");
    expect(r.stdout).toContain("  pass  nccl.version<2.30: nccl.version is 2.21.5\n");
    expect(r.stdout).toContain("  pass  nccl.version>=2.20: nccl.version is 2.21.5\n");
    expect(r.status).toBe(1);
    expect(runCli(["check", sockets, "--fail-on", "none", "--require", "nccl.version==2.21.5", "--require", "vllm.version!=0.9.10"]).status).toBe(0);
  });

  it("a whole section against null asks whether the logs show it (built CLI): a section the logs show failed != null", () => {
    const serve = join(ROOT, "samples", "bench-serve-today.txt");
    const r = runCli(["check", serve, "--require", "bench.serve!=null", "--require", "runtime==null"]);
    expect(r.stdout).toContain("  pass  bench.serve!=null: bench.serve is in the logs\n");
    expect(r.stdout).toContain("  pass  runtime==null: runtime is null\n");
    expect(r.status).toBe(0);
    const q = runCli(["check", serve, "--require", "bench.serve==null"]);
    expect(q.stdout).toContain("  FAIL  bench.serve==null: bench.serve is in the logs, required == null\n");
    expect(q.status).toBe(1);
  });

  it("1: a requirement failed, each reason printed", async () => {
    const r = await runCliHere(["check", sockets, "--fail-on", "none", "--require", "kvCache.tokens>=2000000", "--forbid-transport", "NET/Socket"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("  FAIL  kvCache.tokens>=2000000: kvCache.tokens is 1,310,000, required >= 2,000,000\n");
    expect(r.stdout).toContain("  FAIL  forbid-transport NET/Socket: inter-node connections use NET/Socket ×2, between 1 node pair: gpu-node-a ↔ gpu-node-b\n");
    // in another format the reasons go to stderr too
    const j = await runCliHere(["check", sockets, "--fail-on", "none", "--require", "kvCache.tokens>=2000000", "--format", "json"]);
    expect(j.status).toBe(1);
    expect(j.stderr).toBe("vllm-doctor: gate failed: kvCache.tokens>=2000000: kvCache.tokens is 1,310,000, required >= 2,000,000\nvllm-doctor: gate failed\n");
    expect(JSON.parse(j.stdout).gate).toMatchObject({ passed: false, failOn: "none" });
  });

  it("1: a null fact fails --require with a reason saying it is missing", async () => {
    const r = await runCliHere(["check", quiet, "--require", "kvCache.tokens>=500000"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ {2}FAIL {2}kvCache\.tokens>=500000: kvCache\.tokens is missing from the logs/);
  });

  it("1: --fail-on info fails on any finding, --fail-on none never", async () => {
    const j = await runCliHere(["check", sockets, "--fail-on", "info", "--format", "json"]);
    const report = JSON.parse(j.stdout);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(j.status).toBe(1);
    expect((await runCliHere(["check", sockets, "--fail-on", "none"])).status).toBe(0);
  });

  it("2: usage and input errors", async () => {
    expect(await runCliHere(["check", join(tmp, "missing.log")])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^vllm-doctor: no such file or directory/) });
    expect(await runCliHere(["check", quiet, "--require", "kvCache.tokens>>5"])).toMatchObject({ status: 2, stderr: expect.stringContaining("cannot read --require 'kvCache.tokens>>5'") });
  });

  it("2: bad gate options", async () => {
    expect((await runCliHere(["check", quiet, "--fail-on", "fatal"])).status).toBe(2);
    expect((await runCliHere(["check", quiet, "--max-warnings", "x"])).status).toBe(2);
    expect(await runCliHere(["check", quiet, "--max-regression", "kvCache.tokens=10%"])).toMatchObject({ status: 2, stderr: expect.stringContaining("needs --baseline") });
    // a kind no connection has: --forbid-transport Socket always passed, --require-transport IB always failed
    expect(await runCliHere(["check", quiet, "--forbid-transport", "Socket"])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^vllm-doctor: --forbid-transport 'Socket' is not a transport kind: NCCL's kinds are P2P\/IPC, .*NET\/Socket/) });
    expect((await runCliHere(["check", quiet, "--forbid-transport", "net/socket", "--require", "nccl.version==null"])).status).toBe(0);
    // a misspelt fact name used to fail the gate (exit 1) as if the log lacked the fact; no report is written
    expect(await runCliHere(["check", quiet, "--require", "kvCache.tokens>=1", "--require", "kvCache.tokenz>=1", "--format", "junit"])).toMatchObject({
      status: 2,
      stdout: "",
      stderr: "vllm-doctor: --require 'kvCache.tokenz>=1': kvCache.tokenz is not a fact of the report (did you mean kvCache.tokens?)\n",
    });
    // asked for and then dropped without a word, they used to exit 0
    expect(await runCliHere(["check", quiet, "--baseline", quiet])).toMatchObject({ status: 2, stderr: "vllm-doctor: --baseline goes with --max-regression 'PATH=N%' (alone it judges nothing)\n" });
    expect(await runCliHere(["check", quiet, "--events", "--format", "json"])).toMatchObject({ status: 2, stderr: "vllm-doctor: --events goes with --format ndjson (the json report carries no events)\n" });
  });

  it("an input read only in part fails the gate in every format, not only in the exit status", async () => {
    const part = join(tmp, "part.log.gz");
    const gz = gzipSync(TWO_NODE_SOCKET_LOG);
    writeFileSync(part, gz.subarray(0, gz.length - 4));
    const r = await runCliHere(["check", part, "--format", "json", "--fail-on", "none"]);
    expect(r.status).toBe(2);
    const gate = JSON.parse(r.stdout).gate;
    expect(gate.passed).toBe(false);
    expect(gate.requirements[0]).toMatchObject({ kind: "inputs", name: `read ${part}`, passed: false });
    expect(r.stderr).toContain("vllm-doctor: gate failed\n");
  });

  it("an empty log fails the gate (exit 1, said on stderr): a job that wrote nothing is no passing run", async () => {
    const empty = join(tmp, "empty.log");
    writeFileSync(empty, "");
    const r = await runCliHere(["check", empty, "--format", "json", "--fail-on", "none"]);
    expect(r.status).toBe(1);
    const gate = JSON.parse(r.stdout).gate;
    expect(gate.passed).toBe(false);
    expect(gate.requirements[0]).toEqual({ kind: "inputs", name: "inputs hold lines", passed: false, reason: "every input is empty: there is nothing to judge" });
    expect(r.stderr).toBe("vllm-doctor: gate failed: inputs hold lines: every input is empty: there is nothing to judge\nvllm-doctor: gate failed\n");
  });

  it("-o /dev/stdout is stdout, a pipe here as in CI (it was refused: 'a symbolic link to a file that does not exist', exit 2)", async () => {
    const r = runCli(["check", sockets, "--fail-on", "none", "--require", "kvCache.tokens>=500000", "-o", "/dev/stdout", "--format", "junit"]);
    expect([r.status, r.stderr]).toEqual([0, "vllm-doctor: gate passed\n"]);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="vllm-doctor" tests="\d+" failures="0" errors="0">/);
    expect(r.stdout).toContain('<testcase classname="vllm-doctor.gate" name="kvCache.tokens&gt;=500000" time="0">');
  });

  it("2: unreadable baseline, unknown format, no input", async () => {
    expect((await runCliHere(["check", quiet, "--baseline", join(tmp, "nope.json"), "--max-regression", "kvCache.tokens=10%"])).status).toBe(2);
    expect((await runCliHere(["check", quiet, "--format", "yaml"])).status).toBe(2);
    expect((await runCliHere(["check"])).status).toBe(2);
  });

  it("--baseline with --max-regression reads a JSON report", async () => {
    const baseline = join(tmp, "baseline.json");
    const log2m = join(tmp, "bigger.log");
    writeFileSync(log2m, TWO_NODE_SOCKET_LOG.replace("1,310,000", "2,040,000"));
    const a = await runCliHere(["analyze", log2m, "--format", "json", "-o", baseline]);
    expect(a.status).not.toBe(2);
    const r = await runCliHere(["check", sockets, "--fail-on", "none", "--baseline", baseline, "--max-regression", "kvCache.tokens=10%", "--format", "junit"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('<testcase classname="vllm-doctor.gate" name="max-regression kvCache.tokens=10%" time="0">');
    expect(r.stdout).toContain("kvCache.tokens 2,040,000 → 1,310,000 (−35.8%): regressed by more than the allowed 10%");
    expect((await runCliHere(["check", sockets, "--fail-on", "none", "--baseline", baseline, "--max-regression", "kvCache.tokens=40%"])).status).toBe(0);
    expect(JSON.parse(readFileSync(baseline, "utf8")).facts.kvCache.tokens).toBe(2040000);
  });
});

describe("one file that holds several runs", () => {
  const start = (pid: number, tp: number, tokens: string) => [
    `(EngineCore_DP0 pid=${pid}) INFO 11-04 09:0${tp}:15 [core.py:77] Initializing a V1 LLM engine (v0.11.2) with config: model='Qwen/Qwen3-32B', speculative_config=None, tokenizer='Qwen/Qwen3-32B', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=${tp}, pipeline_parallel_size=1, data_parallel_size=1, enforce_eager=False`,
    `(EngineCore_DP0 pid=${pid}) INFO 11-04 09:0${tp}:50 [kv_cache_utils.py:1087] GPU KV cache size: ${tokens} tokens`,
  ];
  // a log appended to across a restart with another layout: the first run's KV cache used to pass the gate alone
  const appended = [...start(100, 1, "61,440"), "INFO 11-04 09:01:59 [launcher.py:44] Shutting down", ...start(200, 2, "210,000"), ""].join("\n");
  const sameTwice = [...start(100, 2, "210,000"), ...start(200, 2, "210,000"), ""].join("\n");

  it("is said in a notice, with each start's configuration and line", async () => {
    const r = await analyzeText(appended, "server.log");
    expect(r.notices?.filter((n) => n.includes("engine starts"))).toEqual([
      expect.stringMatching(/server\.log holds 2 engine starts of different configurations \(Qwen\/Qwen3-32B on TP 1 × PP 1 at line 1; Qwen\/Qwen3-32B on TP 2 × PP 1 at line 4\): its facts mix these runs; split it at line 4 \(or, services interleaved, give each service's log alone\) to read each run on its own; its facts are from run 1 \(line 1\): vLLM version, model, max_model_len, TP, PP, KV cache tokens$/),
    ]);
    // and first in the verdict, which a post-mortem reader sees before the facts it warns about
    expect(r.verdict).toMatch(/^Mixed runs: \S*server\.log holds 2 runs \(engine starts of different configurations at lines 1, 4\), so the facts below mix them; split the file to read each run\. Healthy: /);
    // a restart with the same configuration is the same run as far as the facts go: no notice
    // the post-mortem page's banner is amber, not green, over facts that mix runs
    const { renderHtml } = await import("../src/report/html.js");
    expect(renderHtml(r)).toContain('id="verdict" data-tone="warning"><p class="headline">Mixed runs: ');
    const same = await analyzeText(sameTwice, "server.log");
    expect([same.notices ?? [], same.verdict?.startsWith("Healthy: ")]).toEqual([[], true]);
  });

  it("check fails the gate on it (exit 1) unless --one-run says to judge the file as one run", async () => {
    const file = join(tmp, "appended.log");
    writeFileSync(file, appended);
    const r = await runCliHere(["check", file, "--require", "kvCache.tokens>=50000", "--format", "json"]);
    expect(r.status).toBe(1);
    const gate = JSON.parse(r.stdout).gate;
    expect(gate.passed).toBe(false);
    expect(gate.requirements.map((q: { name: string; passed: boolean }) => [q.name, q.passed])).toEqual([[`one run in ${file}`, false], ["fail-on error", true], ["kvCache.tokens>=50000", true]]);
    expect(gate.requirements[0].reason).toBe(`${file} holds 2 engine starts of different configurations (Qwen/Qwen3-32B on TP 1 × PP 1 at line 1; Qwen/Qwen3-32B on TP 2 × PP 1 at line 4): its facts mix these runs; split it at line 4 (or, services interleaved, give each service's log alone) to read each run on its own (or pass --one-run to judge them as one)`);
    expect(r.stderr).toContain(`vllm-doctor: gate failed: one run in ${file}: ${file} holds 2 engine starts`);
    const one = await runCliHere(["check", file, "--one-run", "--require", "kvCache.tokens>=50000", "--format", "json"]);
    expect([one.status, JSON.parse(one.stdout).gate.requirements.map((q: { name: string }) => q.name)]).toEqual([0, ["fail-on error", "kvCache.tokens>=50000"]]);
  });

  it("as a side of diff or a --baseline log it is refused (exit 2), as a folder of several runs is", async () => {
    const file = join(tmp, "appended-side.log");
    writeFileSync(file, appended);
    const r = await runCliHere(["diff", sockets, file]);
    expect([r.status, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`vllm-doctor: ${file} holds 2 engine starts of different configurations (Qwen/Qwen3-32B on TP 1 × PP 1 at line 1; Qwen/Qwen3-32B on TP 2 × PP 1 at line 4): its facts mix these runs; split it at line 4 (or, services interleaved, give each service's log alone) to read each run on its own; compare one run at a time (--one-run reads it as one) (${file})\n`);
  });
});

// transport kinds as NCCL prints them, and a configuration found upward (they shared a file of their own, which cost the
// suite a second load of the command)

/** two nodes, one PP communicator across them; `via` as NCCL 2.12+ prints it */
const twoNodes = (via: string): string => {
  const l = (host: string, pid: number, msg: string) => `${host}:${pid}:${pid} [0] NCCL INFO ${msg}`;
  return [
    l("gpu-a", 100, "Bootstrap : Using eth0:10.0.0.1<0>"),
    l("gpu-b", 200, "Bootstrap : Using eth0:10.0.0.2<0>"),
    l("gpu-a", 100, "ncclCommInitRank comm 0x1111 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0xabc1 - Init START"),
    l("gpu-b", 200, "ncclCommInitRank comm 0x2222 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0xabc1 - Init START"),
    l("gpu-a", 100, "comm 0x1111 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0"),
    l("gpu-b", 200, "comm 0x2222 rank 1 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0"),
    l("gpu-a", 100, `Channel 00/0 : 0[0] -> 1[0] [send] via ${via}`),
    l("gpu-b", 200, `Channel 00/0 : 1[0] -> 0[0] [send] via ${via}`),
    "",
  ].join("\n");
};

describe("check: a transport kind written as NCCL prints it after `via`", () => {
  it("--forbid-transport NET/Socket/0 fails a run over sockets (it used to never match, and passed)", async () => {
    const r = await runCliHere(["check", "-", "--forbid-transport", "NET/Socket/0"], { input: twoNodes("NET/Socket/0") });
    expect(r.stdout).toContain("FAIL  forbid-transport NET/Socket: inter-node connections use NET/Socket ×2, between 1 node pair: gpu-a ↔ gpu-b");
    expect(r.status).toBe(1);
  });
  it("--require-transport NET/IBext_v8/1/GDRDMA is NET/IB/GDRDMA", async () => {
    const r = await runCliHere(["check", "-", "--require-transport", "NET/IBext_v8/1/GDRDMA"], { input: twoNodes("NET/IBext_v8/0/GDRDMA") });
    expect(r.stdout).toContain("pass  require-transport NET/IB/GDRDMA: every inter-node connection uses NET/IB/GDRDMA (NET/IB/GDRDMA ×2)");
    expect(r.status).toBe(0);
  });
  it("a kind no connection can have is a usage error: NET/OFI/GDRDMA, NET/IB/read", async () => {
    const ofi = await runCliHere(["check", "-", "--require-transport", "NET/OFI/GDRDMA"], { input: twoNodes("NET/OFI/0/GDRDMA") });
    expect(ofi.status).toBe(2);
    expect(ofi.stderr.trim()).toBe("vllm-doctor: --require-transport 'NET/OFI/GDRDMA': NCCL's OFI connections are all of kind NET/OFI (their /GDRDMA is not split out); name NET/OFI, and require GPUDirect RDMA with --require 'nccl.gdr==true'");
    const bad = await runCliHere(["check", "-", "--forbid-transport", "NET/IB/read"], { input: twoNodes("NET/IB/0") });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--forbid-transport 'NET/IB/read' is not a transport kind");
  });
});

describe("configuration found upward", () => {
  it("a dangling .vllm-doctor.json symlink is exit 2, not the parent folder's configuration", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-cfg-"));
    const sub = join(dir, "job");
    mkdirSync(sub);
    writeFileSync(join(dir, ".vllm-doctor.json"), JSON.stringify({ rules: { "nccl/socket-fallback": "off" } }));
    symlinkSync(join(dir, "missing.json"), join(sub, ".vllm-doctor.json"));
    const r = await runCliHere(["check", "-", "--forbid-transport", "NET/Socket"], { input: twoNodes("NET/Socket/0"), cwd: sub });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`vllm-doctor: cannot read configuration: no such file or directory (${join(sub, ".vllm-doctor.json")})`);
  });
});
