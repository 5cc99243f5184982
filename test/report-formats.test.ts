import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { Gate } from "../src/facts/schema.js";
import { renderMarkdown, mdEscape, mdFence } from "../src/report/markdown.js";
import { renderHtml, esc } from "../src/report/html.js";
import { escProse } from "../src/report/html-util.js";
import { renderSarif, artifactUri } from "../src/report/sarif.js";
import { renderJunit, CORE_RULE_IDS, xmlEscape } from "../src/report/junit.js";
import { appendStepSummary, escapeData, escapeProperty, renderGithub } from "../src/report/github.js";
import { renderNdjson } from "../src/report/ndjson.js";
import { sampleReport } from "./report-fixture.js";
import { xmlProblem } from "./report-xml.js";

const gate: Gate = {
  passed: false,
  failOn: "warning",
  requirements: [
    { kind: "fail-on", name: "fail-on warning", passed: false, reason: "2 findings at or above warning: nccl/socket-fallback (error), vllm/low-concurrency (warning)" },
    { kind: "require", name: "kvCache.tokens>=500000", passed: true, reason: "kvCache.tokens is 1,310,000" },
    { kind: "forbid-transport", name: "forbid-transport NET/Socket", passed: false, reason: "inter-node connections use NET/Socket ×8 <&>" },
  ],
};

describe("markdown post-mortem", () => {
  const md = renderMarkdown(sampleReport());

  it("has the sections a reader scans for, in order", () => {
    const heads = md.split("\n").filter((l) => l.startsWith("#"));
    expect(heads).toEqual([
      "# vllm\\-doctor report: /mnt/weights/acme\\-secret\\-llama\\-70b".replace(/\\-/g, "-"),
      "## Summary",
      "## Inputs",
      "## Configuration",
      "## Memory and KV cache",
      "## NCCL",
      "### Transport by node pair",
      "## Findings (3)",
      "### 1. ERROR: Inter-node NCCL traffic over TCP sockets",
      "### 2. WARNING: Low maximum concurrency",
      "### 3. INFO: Custom all-reduce disabled",
      "## Missing evidence",
      "## Notices",
    ]);
    expect(md).toContain("**1 error, 1 warning, 1 info**");
  });

  it("shows the node-pair transport table and the config and KV facts", () => {
    expect(md).toContain("| gpu-node-alpha | gpu-node-bravo | inter-node | NET/Socket ×8 |");
    expect(md).toContain("| gpu-node-alpha | gpu-node-alpha | intra-node | P2P/IPC ×48 |");
    expect(md).toContain("| tensor parallel | 8 |");
    expect(md).toContain("| KV cache tokens | 1,310,000 |");
    expect(md).toContain("| maximum concurrency | 39.98x at 32,768 tokens per request |");
    expect(md).toContain("| nccl.ibHcas | no NET/IB lines \\| the run used sockets | set NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=INIT,NET |");
  });

  it("shows the world size the log printed, and no row for it when the log printed none", () => {
    expect(md).toContain("| world size | 16 |");
    const r = sampleReport();
    r.facts.distributed.worldSize = null;
    const without = renderMarkdown(r);
    expect(without).toContain("| tensor parallel | 8 |");
    expect(without).not.toContain("| world size |");
    expect(renderHtml(r)).not.toContain(">world size<");
  });

  it("escapes pipes, backticks and HTML outside code, and fences evidence so nothing closes it", () => {
    // HTML is literal only inside fenced blocks
    expect(md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, "")).not.toMatch(/<script|<b>/);
    expect(md).toContain("\\| pipes \\| and \\`backticks\\` and &lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    // the evidence holds a run of 4 backticks: the fence is 5 long
    expect(md).toMatch(/\n`````text\n\/home\/jdoe\/runs\/gpu-node-alpha\.log:812: .*````.*\n/);
    expect(md).not.toContain("\u001b");
    // every table row has as many unescaped pipes as its header
    for (const block of md.split("\n\n")) {
      const rows = block.split("\n").filter((l) => l.startsWith("|"));
      if (rows.length < 2) continue;
      const count = (l: string) => l.replace(/\\\|/g, "").split("|").length;
      for (const r of rows) expect(count(r), r).toBe(count(rows[0]));
    }
  });

  it("mdEscape and mdFence", () => {
    expect(mdEscape("a|b `c` <d> *e* [f](g) _h_ max_model_len\nnext")).toBe("a\\|b \\`c\\` &lt;d&gt; \\*e\\* \\[f\\](g) \\_h\\_ max_model_len next");
    expect(mdFence("x ``` y")).toBe("````text\nx ``` y\n````");
  });

  it("includes the gate with every reason", () => {
    const g = renderMarkdown(sampleReport({ gate }));
    expect(g).toContain("## Gate: FAILED");
    expect(g).toContain("| forbid\\-transport NET/Socket | FAIL | inter\\-node connections use NET/Socket ×8 &lt;&amp;&gt; |".replace(/\\-/g, "-"));
    expect(g).toContain("| kvCache.tokens&gt;=500000 | pass | kvCache.tokens is 1,310,000 |");
    expect(g).toContain("**1 error, 1 warning, 1 info · gate FAILED**");
  });
});

describe("html report", () => {
  const html = renderHtml(sampleReport({ gate }));

  it("is self-contained: a strict CSP, no script, no external reference", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'; script-src 'none'/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    expect(csp).toContain(`'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\s(src|href|style)=/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(/https?:/);
  });

  it("escapes every log byte", () => {
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62; &#38; more");
    expect(html).toContain("&#96;&#96;&#96;&#96; | &#60;b&#62;x&#60;/b&#62;");
    expect(html).not.toMatch(/[\u0000\u001b]/);
    expect(html).toContain("\\x1b[31mred");
    expect(esc(`<a href="x">'&`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;");
  });

  it("sets the code spans of a finding's prose as <code>, their text escaped like the rest", () => {
    expect(escProse("run `nvidia-smi -q | grep <x>` on the host, then `a`b")).toBe("run <code>nvidia-smi -q | grep &#60;x&#62;</code> on the host, then <code>a</code>b");
    expect(escProse("four ```` and one ` stay as they are")).toBe("four &#96;&#96;&#96;&#96; and one &#96; stay as they are");
    const withCode = sampleReport();
    withCode.findings[0].remediation = ["Set `NCCL_SOCKET_IFNAME=<iface>` on every node."];
    expect(renderHtml(withCode)).toContain("<li>Set <code>NCCL_SOCKET_IFNAME=&#60;iface&#62;</code> on every node.</li>");
  });

  it("draws the host transport matrix and the memory bar", () => {
    const matrix = /<svg id="transport-matrix"[\s\S]*?<\/svg>/.exec(html)![0];
    const cells = [...matrix.matchAll(/<rect class="cell" data-grade="(\w+)"/g)].map((m) => m[1]);
    expect(cells).toEqual(["good", "bad", "bad", "good"]);
    expect(matrix).toContain("<title>gpu-node-alpha ↔ gpu-node-bravo: NET/Socket ×8</title>");
    const bar = /<svg id="memory-bar"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(bar).toContain("model weights 8.5 GiB");
    expect(bar).toContain("KV cache 40.1 GiB");
    expect(bar).toContain("not used by vLLM 26.99 GiB");
  });

  it("shows the gate and every reason", () => {
    expect(html).toContain('<h2 id="gate">Gate: <span class="bad">FAILED</span></h2>');
    expect(html).toContain("inter-node connections use NET/Socket ×8 &#60;&#38;&#62;");
  });

  it("colours the verdict banner by the worst finding: error red, warning amber, else green; a failed gate is red", () => {
    const tone = (h: string) => /<div class="banner (\w+)" id="verdict"/.exec(h)?.[1];
    const base = sampleReport();
    expect(tone(html)).toBe("error");
    const warnings = base.findings.filter((f) => f.severity !== "error");
    expect(tone(renderHtml(sampleReport({ findings: warnings, summary: { errors: 0, warnings: 1, infos: 1 } })))).toBe("warning");
    expect(tone(renderHtml(sampleReport({ findings: warnings.filter((f) => f.severity === "info"), summary: { errors: 0, warnings: 0, infos: 1 } })))).toBe("ok");
    expect(tone(renderHtml(sampleReport({ findings: [], summary: { errors: 0, warnings: 0, infos: 0 }, gate })))).toBe("error");
    expect(html).toContain("1 error, 1 warning, 1 info · gate FAILED");
  });

  it("draws hosts → GPUs → ranks with the inter-node link in its transport's colour; an end not in the log is a dashed other node", () => {
    const map = /<svg id="cluster-map"[\s\S]*?<\/svg>/.exec(html)![0];
    expect([...map.matchAll(/<g class="host" data-host="([^"]+)"/g)].map((m) => m[1])).toEqual(["gpu-node-alpha", "gpu-node-bravo"]);
    expect(map.match(/<g class="gpu"/g)).toHaveLength(2);
    expect(map).toContain("<title>gpu-node-alpha: GPU 0, pid 2291, rank 0</title>");
    expect(map).toMatch(/<line class="link" data-grade="bad" data-a="gpu-node-alpha" data-b="gpu-node-bravo" fill="none" stroke="#d64545"/);
    expect(map).toContain(">1 world</text>");
    expect(map).not.toContain("other-node");
    const base = sampleReport();
    const perNode = sampleReport({
      facts: {
        ...base.facts,
        nccl: {
          ...base.facts.nccl,
          hosts: ["gpu-node-alpha"],
          nodePairs: [{ a: "gpu-node-alpha", b: null, scope: "inter", kinds: { "NET/IB": 4, "NET/IB/GDRDMA": 12 } }],
          rankMap: base.facts.nccl.rankMap.slice(0, 1),
        },
      },
    });
    const one = /<svg id="cluster-map"[\s\S]*?<\/svg>/.exec(renderHtml(perNode))![0];
    expect(one).toContain('<g class="host other-node"><rect');
    expect(one).toContain('stroke-dasharray="6 4"');
    // the worst kind colours the link: IB without GPU Direct RDMA is amber
    expect(one).toMatch(/<line class="link" data-grade="slow" data-a="gpu-node-alpha" data-b="" fill="none" stroke="#f0b429" stroke-width="5" stroke-dasharray="8 5"/);
    // two hosts and no connection line: the picture says so, and which network NCCL chose
    const noLines = sampleReport({ facts: { ...base.facts, nccl: { ...base.facts.nccl, nodePairs: [], interNodeNet: "NET/IB" } } });
    const quiet = renderHtml(noLines);
    expect(quiet).toContain('<line class="no-link"');
    expect(quiet).toContain(">network: NET/IB</text>");
    expect(quiet).toContain("The log has no connection line between these hosts; the network NCCL chose implies NET/IB between nodes.");
  });

  it("escapes host names and evidence in the cluster picture and the timeline", () => {
    const base = sampleReport();
    const evil = `<img src=x onerror="alert(1)">\u202e`;
    const ev = { file: "run.log", line: 3, text: `${evil} NCCL WARN` };
    const h = renderHtml(
      sampleReport({
        facts: {
          ...base.facts,
          nccl: {
            ...base.facts.nccl,
            hosts: [evil],
            nodePairs: [{ a: evil, b: null, scope: "inter", kinds: { [evil]: 1 } }],
            rankMap: [{ ...base.facts.nccl.rankMap[0], host: evil }],
          },
          timeline: [{ host: evil, engineStart: null, ncclInit: ev, firstWarning: ev, firstError: null }],
        },
      }),
    );
    expect(h).toContain('id="cluster-map"');
    expect(h).toContain('id="timeline"');
    expect(h).not.toMatch(/<img|\u202e/);
    expect(h).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;\\u202e");
  });

  it("shows a section the log has nothing of as one line", () => {
    const base = sampleReport();
    const empty = renderHtml(
      sampleReport({
        facts: {
          ...base.facts,
          nccl: { ...base.facts.nccl, version: null, net: null, hosts: [], nodePairs: [], transports: {}, rankMap: [], communicators: [] },
          timeline: [],
        },
      }),
    );
    expect(empty).toContain('<h2 class="collapsed">NCCL: <span class="muted">no NCCL lines</span></h2>');
    expect(empty).toContain('<h2 class="collapsed">Timeline: <span class="muted">no engine start, NCCL init, warning or error lines</span></h2>');
    expect(empty).not.toContain('id="cluster-map"');
    expect(html).not.toContain('class="collapsed">NCCL');
  });
});

describe("sarif", () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
  // the official schema is draft-04; it uses no draft-04-only keyword (no boolean exclusiveMinimum), so it is
  // validated as is once its draft-04 `id` is spelled `$id`
  const { $schema: _drop, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile({ $id: id, ...rest });

  it("validates against the SARIF 2.1.0 schema, with and without a gate", () => {
    for (const r of [sampleReport(), sampleReport({ gate }), sampleReport({ findings: [], summary: { errors: 0, warnings: 0, infos: 0 } })]) {
      const sarif = JSON.parse(renderSarif(r));
      const ok = validate(sarif);
      expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
  });

  it("the schema check can fail", () => {
    const sarif = JSON.parse(renderSarif(sampleReport()));
    sarif.runs[0].results[0].level = "fatal";
    expect(validate(sarif)).toBe(false);
  });

  it("points results at the log file and line", () => {
    const sarif = JSON.parse(renderSarif(sampleReport({ gate })));
    const run = sarif.runs[0];
    expect(sarif.version).toBe("2.1.0");
    expect(run.results.map((r: any) => [r.ruleId, r.level])).toEqual([
      ["nccl/socket-fallback", "error"],
      ["vllm/low-concurrency", "warning"],
      ["vllm/custom-allreduce-disabled", "note"],
      ["gate/fail-on", "error"],
      ["gate/forbid-transport", "error"],
    ]);
    expect(run.results[0].locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: "file:///home/jdoe/runs/gpu-node-alpha.log" }, region: { startLine: 812 } });
    expect(run.results[0].relatedLocations[0].physicalLocation.region.startLine).toBe(813);
    expect(run.results[4].message.text).toBe("forbid-transport NET/Socket: inter-node connections use NET/Socket ×8 <&>");
    expect(run.properties.gate.passed).toBe(false);
    expect(artifactUri("logs/run #1.log")).toBe("logs/run%20%231.log");
    // an input requirement points at its file (a file that holds several runs: at the second start), and one that
    // names no file at the first input; `inputs hold lines` used to become a file of that name
    const inputs: Gate = {
      passed: false,
      failOn: "error",
      requirements: [
        { kind: "inputs", name: "read logs/b.log.gz", passed: false, reason: "corrupt or truncated gzip data: the gate cannot judge what the tool could not read" },
        { kind: "inputs", name: "one run in logs/c.log", passed: false, reason: "logs/c.log holds 2 engine starts of different configurations (m on TP 1 × PP 1 at line 3; m on TP 2 × PP 1 at line 90): its facts mix these runs; split it at line 90 to read each run on its own" },
        { kind: "inputs", name: "inputs hold lines", passed: false, reason: "every input is empty: there is nothing to judge" },
        { kind: "require", name: "bench.ncclTests.largeSizeBusbwGBs>=300", passed: false, reason: "run 2 of 2 (logs/sweep.txt:75): bench.ncclTests.largeSizeBusbwGBs is 11.4, required >= 300" },
      ],
    };
    const at = (JSON.parse(renderSarif(sampleReport({ gate: inputs }))).runs[0].results as any[]).filter((r) => r.ruleId.startsWith("gate/")).map((r) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine]);
    // (a benchmark requirement that failed on a later run: at that run)
    expect(at).toEqual([["gate/inputs", "logs/b.log.gz", 1], ["gate/inputs", "logs/c.log", 90], ["gate/inputs", "file:///home/jdoe/runs/gpu-node-alpha.log", 1], ["gate/require", "logs/sweep.txt", 75]]);
  });
});

describe("junit", () => {
  it("is well-formed XML with one testcase per rule and per gate requirement", () => {
    const xml = renderJunit(sampleReport({ gate }));
    expect(xmlProblem(xml)).toBeNull();
    const cases = [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(cases.filter(([c]) => c === "vllm-doctor.rules").map(([, n]) => n)).toEqual([...CORE_RULE_IDS].sort());
    expect(cases.filter(([c]) => c === "vllm-doctor.gate").map(([, n]) => n)).toEqual(["fail-on warning", "kvCache.tokens&gt;=500000", "forbid-transport NET/Socket"]);
    // with --fail-on warning the warning's rule fails too; the info rule passes
    expect(xml).toMatch(/name="nccl\/socket-fallback" time="0">\n {6}<failure message="Inter-node NCCL traffic over TCP sockets" type="error">/);
    expect(xml).toMatch(/name="vllm\/low-concurrency" time="0">\n {6}<failure /);
    expect(xml).toMatch(/name="vllm\/custom-allreduce-disabled" time="0">\n {6}<system-out>/);
    expect(xml).toMatch(/<testsuites name="vllm-doctor" tests="28" failures="4" errors="0">/);
    expect(xml).not.toMatch(/\u0000|\u001b|\uD800/);
  });

  it("without a gate, only error findings fail", () => {
    const xml = renderJunit(sampleReport());
    expect(xmlProblem(xml)).toBeNull();
    expect(xml).toContain('tests="25" failures="1"');
  });

  it("xmlEscape shows controls escaped, drops what XML cannot hold; the checker catches what it would not", () => {
    expect(xmlEscape("a\u0000b\u0008c\uFFFEd\uD800e<&>\"'\t")).toBe("a\\x00b\\x08cde&lt;&amp;&gt;&quot;&apos;\t");
    // issue 17 item 7: a CI console obeys CR, the one-byte CSI U+009B and bidi overrides
    expect(xmlEscape("x\ry\u009b2Jz\u202eq")).toBe("x\\x0dy\\x9b2Jz\\u202eq");
    expect(xmlProblem("<a><b></a></b>")).toMatch(/mismatched/);
    expect(xmlProblem('<a x="1 & 2"/>')).toMatch(/bad &/);
    expect(xmlProblem("<a>\u0001</a>")).toMatch(/character/);
  });
});

describe("github", () => {
  it("writes annotations with escaped properties and data", () => {
    const out = renderGithub(sampleReport({ gate })).split("\n");
    expect(out[0]).toBe(
      "::error file=/home/jdoe/runs/gpu-node-alpha.log,line=812,title=nccl/socket-fallback%3A Inter-node NCCL traffic over TCP sockets::" +
        "Ranks on gpu-node-alpha and gpu-node-bravo talk over NET/Socket | pipes | and `backticks` and <script>alert(1)</script> & more%0A→ Set NCCL_IB_HCA to the InfiniBand devices%0A→ Check `ibv_devinfo` on every node",
    );
    expect(out[1]).toMatch(/^::warning file=\/Users\/jdoe\/logs\/gpu-node-bravo\.log,line=3,title=vllm\/low-concurrency%3A Low maximum concurrency::/);
    expect(out[2]).toMatch(/^::notice title=vllm\/custom-allreduce-disabled%3A Custom all-reduce disabled::Custom allreduce/);
    // a failed requirement is annotated where SARIF puts it: the first failing finding; the NCCL network line, else
    // (this fixture has no source for it) line 1 of the first input
    expect(out[3]).toBe("::error file=/home/jdoe/runs/gpu-node-alpha.log,line=812,title=vllm-doctor gate%3A fail-on warning::2 findings at or above warning: nccl/socket-fallback (error), vllm/low-concurrency (warning)");
    expect(out[4]).toBe("::error file=/home/jdoe/runs/gpu-node-alpha.log,line=1,title=vllm-doctor gate%3A forbid-transport NET/Socket::inter-node connections use NET/Socket ×8 <&>");
    expect(out[5]).toBe("vllm-doctor: 1 error(s), 1 warning(s), 1 info; gate failed");
    expect(escapeProperty("a,b:c%\r\n")).toBe("a%2Cb%3Ac%25%0D%0A");
    expect(escapeData("a,b:c%\r\n")).toBe("a,b:c%25%0D%0A");
  });

  it("appends a Markdown summary to $GITHUB_STEP_SUMMARY when set", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vd-gh-")), "summary.md");
    writeFileSync(file, "earlier step\n");
    expect(appendStepSummary(sampleReport({ gate }), { GITHUB_STEP_SUMMARY: file })).toBe(true);
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("earlier step\n# vllm-doctor report:")).toBe(true);
    expect(text).toContain("## Gate: FAILED");
    expect(appendStepSummary(sampleReport(), {})).toBe(false);
  });

  it("never appends the summary to an input or a folder, and says it is the summary that failed", () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-gh-in-"));
    const log = join(dir, "run.log");
    writeFileSync(log, "INFO x\n");
    const report = sampleReport({ inputs: [{ path: log, lines: 1, bytes: 7 }] });
    // it used to append the Markdown summary to the log itself
    expect(() => appendStepSummary(report, { GITHUB_STEP_SUMMARY: log })).toThrow("cannot append the job summary (GITHUB_STEP_SUMMARY): it is one of the inputs");
    expect(readFileSync(log, "utf8")).toBe("INFO x\n");
    expect(() => appendStepSummary(report, { GITHUB_STEP_SUMMARY: dir })).toThrow("cannot append the job summary (GITHUB_STEP_SUMMARY): is a directory");
    expect(() => appendStepSummary(report, { GITHUB_STEP_SUMMARY: join(dir, "no", "s.md") })).toThrow("cannot append the job summary (GITHUB_STEP_SUMMARY): no such file or directory");
  });
});

describe("ndjson", () => {
  it("writes one JSON object per line: report, facts, each finding, gate, each event", () => {
    const events = [{ kind: "nccl.connection", ev: { file: "a.log", line: 1, text: "x\u2028y" }, input: 0, transport: "NET/Socket" }];
    const text = renderNdjson(sampleReport({ gate }), { events });
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(["report", "facts", "finding", "finding", "finding", "gate", "event"]);
    expect(lines[1].facts.kvCache.tokens).toBe(1310000);
    expect(lines[2]).toMatchObject({ ruleId: "nccl/socket-fallback", severity: "error" });
    expect(lines[6]).toMatchObject({ kind: "nccl.connection", transport: "NET/Socket" });
    expect(renderNdjson(sampleReport()).trimEnd().split("\n")).toHaveLength(5);
  });
});

describe("a post-mortem of a run without NCCL", () => {
  it("has no NCCL section of dashes (a one-GPU run's CUDA OOM, read from the sample log)", async () => {
    const { analyzeText } = await import("./rules/analyze-text.js");
    const report = await analyzeText(readFileSync(join(__dirname, "..", "samples", "cuda-oom.log"), "utf8"));
    const heads = renderMarkdown(report).split("\n").filter((l) => l.startsWith("## "));
    expect(heads).toEqual(["## Summary", "## Inputs", "## Configuration", "## Memory and KV cache", "## Findings (2)", "## Missing evidence"]);
  });
});
