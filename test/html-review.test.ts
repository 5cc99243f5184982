import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/cli.js";
import { hostileLog, htmlOf, ringLog } from "./helpers/html-logs.js";

/*
 * The HTML post-mortem as an SRE reads it, on log text run through the whole pipeline: what a big job, long host
 * names and long lines do to the page.
 */

const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("HTML report of a job of many hosts", () => {
  it("says where the hosts the pictures leave out are, and counts every host the log names", async () => {
    // 70 hosts: past the 12 the pictures draw, the 48 the matrix draws and the 64 the timeline keeps
    const html = await htmlOf(ringLog(70));
    expect(html).not.toContain('id="transport-matrix"');
    expect(html).toContain('id="node-pair-groups"');
    expect(text(html)).toContain("The first 12 of 70 hosts are drawn; the table of node pairs below groups them all by transport.");
    expect(text(html)).not.toContain("the matrix below has them all");
    // the timeline's lanes are cut at 12 of the 70 hosts, not of the 64 its facts keep
    expect(text(html)).toContain("The first 12 of 70 hosts are drawn.");
    expect(text(html)).not.toContain("of 64 hosts");
    // up to 48 hosts the matrix is drawn and has them all
    const small = await htmlOf(ringLog(20));
    expect(small).toContain('id="transport-matrix"');
    expect(text(small)).toContain("The first 12 of 20 hosts are drawn; the transport matrix below has them all.");
  });
});

describe("HTML report of a job of many hosts: its counts", () => {
  it("writes the counts of connections and ranks with thousands separators, as every other number of the page", async () => {
    // 1,100 ranks in one communicator: 1,100 connections over IB
    const html = await htmlOf(ringLog(1100));
    expect(html).toContain("<tr><th>ranks / nodes</th><td>1,100 / 1,100</td></tr>");
    expect(html).toContain("<tr><th>communicators</th><td>1 × 1,100 ranks across 1,100 nodes</td></tr>");
    expect(html).toContain("<tr><th>inter-node connections</th><td>NET/IB/GDRDMA ×1,100</td></tr>");
    expect(html).toContain("<tr><th>connections</th><td>NET/IB/GDRDMA ×1,100</td></tr>");
    expect(html).toContain("<td>1,100 node pairs</td><td>inter-node</td><td>NET/IB/GDRDMA ×1,100</td>");
  });
});

describe("HTML report of a job of many hosts: its lists of hosts", () => {
  it("shows a long list of hosts or interfaces by its ends and its count, the whole list folded under it", async () => {
    const html = await htmlOf(ringLog(70));
    const cell = (key: string) => new RegExp(`<tr><th>${key}</th><td>([\\s\\S]*?)</td></tr>`).exec(html)![1];
    const hosts = cell("hosts in the log");
    expect(hosts).toMatch(/^70 hosts: node-000, node-001, (node-00\d, ){5}node-007, …, node-068, node-069<details><summary>all 70 hosts<\/summary>node-000, node-001, [^<]*, node-069<\/details>$/);
    expect(hosts.match(/node-\d{3}/g)).toHaveLength(10 + 70);
    expect(cell("bootstrap interfaces")).toMatch(/^70 interfaces: ib0:10\.0\.0\.1, [^<]*, …, ib0:10\.0\.68\.1, ib0:10\.0\.69\.1<details><summary>all 70 interfaces<\/summary>/);
    // a dozen is still a line
    const few = await htmlOf(ringLog(12));
    expect(few).toContain("<tr><th>hosts in the log</th><td>node-000, node-001, node-002, node-003, node-004, node-005, node-006, node-007, node-008, node-009, node-010, node-011</td></tr>");
    expect(few).not.toContain("<details>");
  });
});

describe("HTML report's cluster picture", () => {
  it("fits a 7-digit pid inside its GPU's cell", async () => {
    const html = await htmlOf(ringLog(2, (i) => `h14-0${i}`).replace(/:(100\d):/g, (_, pid: string) => `:${Number(pid) + 2029998}:`));
    const map = /<svg id="cluster-map"[\s\S]*?<\/svg>/.exec(html)![0];
    // (a cell is 70 pixels wide; its text starts 6 in: "pid 2029998" at 10 px would run past its right edge)
    expect(map).toContain(`fill="#777" textLength="62" lengthAdjust="spacingAndGlyphs">pid 2030998</text>`);
  });
});

describe("HTML report of hostile log text", () => {
  it("keeps a flattened paste's line of 665 characters whole in the evidence: its error is at its end", async () => {
    // (a PyTorch error and the NCCL lines under it, pasted as one line: an issue's text)
    const line =
      "[E ProcessGroupNCCL.cpp:455] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run " +
      "on corrupted/incomplete data. [E ProcessGroupNCCL.cpp:460] To avoid data inconsistency, we are taking the entire process down. terminate called after throwing a" +
      "n instance of 'std::runtime_error' what(): NCCL error: remote process exited or there was a network error, NCCL version 2.14.3 ncclRemoteError: A call failed po" +
      "ssibly due to a network error or a remote process exiting prematurely. Last error: NET/IB : Got completion from peer 11.214.147.122<39138> with error 12, opcode" +
      " 0, len 0, vendor err 129";
    expect(line.length).toBe(665);
    const html = await htmlOf(`${line}\n`);
    const ev = /<div class="finding error">[\s\S]*?nccl\/ib-error[\s\S]*?<pre>([\s\S]*?)<\/pre>/.exec(html)![1];
    expect(ev).toContain("Got completion from peer 11.214.147.122&#60;39138&#62; with error 12, opcode 0, len 0, vendor err 129");
    expect(ev).not.toContain("left out");
  });

  it("cuts a 3,000-character log line in the evidence and the summary, saying how much is left out, all of it escaped", async () => {
    const html = await htmlOf(hostileLog());
    const oom = /<div class="finding error">[\s\S]*?vllm\/cuda-oom[\s\S]*?<pre>([\s\S]*?)<\/pre>/.exec(html)![1];
    const line = oom.split("\n").find((l) => /run\.log:8: /.test(l))!;
    // its middle left out: the start and the end (where a flattened paste has its error) are kept
    expect(line).toMatch(/A{100}<span class="muted">… \(1,\d{3} characters left out\) …<\/span>A{100}.*END-OF-LINE.*$/);
    expect(line.match(/A/g)!.length).toBeLessThan(2000);
    expect(line).toContain("&#60;b&#62;bold&#60;/b&#62;");
    const first = /<li>First error at [^<]*run\.log:8: <code>([\s\S]*?)<\/code>/.exec(html)![1];
    expect(text(first)).toMatch(/^\(EngineCore_0 pid=42010\) ERROR .{150,200}… \(3,\d{3} more characters in the log\)$/);
    // nowhere does the page hold the line whole
    expect(html).not.toMatch(/A{2000}/);
    expect(html).not.toMatch(/<script|<b>|\u001b|\u202e/);
  });
});

describe("HTML report's missing evidence", () => {
  it("tables the headline facts the log does not show and folds the rest, with the lines to look for set as code", async () => {
    // an OOM at load time: the KV cache was never sized, and 30 settings are not in the log
    const html = await htmlOf(readFileSync(join(ROOT, "samples", "cuda-oom.log"), "utf8"));
    const section = html.slice(html.indexOf("<h2>Missing evidence</h2>"));
    const [shown, folded] = section.split("<details>");
    const facts = (h: string) => [...h.matchAll(/<td class="fact">([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(facts(shown)).toEqual(["kvCache.tokens", "kvCache.maxConcurrency", "memory.modelWeightsGiB"]);
    expect(folded).toMatch(/^<summary>(\d+) more facts the log does not show<\/summary><table>/);
    expect(facts(folded)).toHaveLength(Number(/^<summary>(\d+)/.exec(folded)![1]));
    expect(facts(folded)).toContain("config.maxNumSeqs");
    expect(shown).toContain("<td>no <code>GPU KV cache size: N tokens</code> line (V1) in the input</td>");
    expect(section).not.toContain("&#96;");
  });
});

describe("HTML report's verdict banner", () => {
  it("is grey, not green, for a start-up the log stops in: no failure, but no sign of health", async () => {
    const startup = readFileSync(join(ROOT, "samples", "v1-single-gpu.log"), "utf8").split("\n").slice(0, 12).join("\n") + "\n";
    const html = await htmlOf(startup);
    expect(html).toMatch(/<div class="banner neutral" id="verdict" data-tone="neutral"><p class="headline">No failure in the log, which shows vLLM&#39;s start-up but not its end/);
    // the findings' "no problems" line is not painted green either
    expect(html).toContain("<h2>Findings (0)</h2>\n<p>No problems found.</p>");
    expect(html).not.toContain('class="ok"');
    // the whole run is healthy, and green
    const whole = await htmlOf(readFileSync(join(ROOT, "samples", "v1-single-gpu.log"), "utf8"));
    expect(whole).toMatch(/<div class="banner ok" id="verdict" data-tone="ok"><p class="headline">Healthy: /);
    expect(whole).toContain('<p class="ok">No problems found.</p>');
  });
});

describe("HTML report of a gate over several runs", () => {
  it("shows in each run's banner and summary the requirements that run failed, and the table of them all once, at the end", () => {
    const samples = (n: string) => join(ROOT, "samples", `${n}.log`);
    // two healthy runs of different models; the KV cache requirement fails for both, the transport one passes
    const r = runCli(["check", samples("ray-tp8-pp2-two-nodes"), samples("v1-single-gpu"), "--require", "kvCache.tokens>=500000", "--forbid-transport", "NET/Socket", "--format", "html"]);
    expect(r.status).toBe(1);
    const html = r.stdout;
    const run = (i: number) => html.slice(html.indexOf(`<section id="run-${i}">`), html.indexOf("</section>", html.indexOf(`<section id="run-${i}">`)));
    expect(run(1)).toMatch(/<div class="banner error" id="run-1-verdict" data-tone="error"><p class="headline">Gate failed: kvCache.tokens&#62;=500000 \(kvCache.tokens is 85,120, required &#62;= 500,000\)\. Healthy: /);
    expect(run(1)).toContain('<li class="bad">Gate failed: kvCache.tokens&#62;=500000 — kvCache.tokens is 85,120, required &#62;= 500,000</li>');
    expect(run(1)).toContain("0 errors, 0 warnings, 0 info · gate FAILED");
    expect(run(2)).toMatch(/<div class="banner error" id="run-2-verdict" data-tone="error"><p class="headline">Gate failed: kvCache.tokens&#62;=500000 \(kvCache.tokens is 380,880/);
    expect(html.match(/<li><a href="#run-\d+"><strong>[^<]*<\/strong><\/a>: <span class="bad">gate FAILED<\/span> · Healthy: /g)).toHaveLength(2);
    // one table of every requirement, each named with its run
    expect(html.match(/id="[\w-]*gate"/g)).toEqual(['id="gate"']);
    expect(html.slice(html.indexOf('id="gate"')).match(/<td class="bad">FAIL<\/td>/g)).toHaveLength(2);
  });
});

describe("HTML report of a traceback the log cuts before its exception line", () => {
  it("does not say the timeline has no error lines: it names the cut traceback", async () => {
    const log = [
      // (frames out of a worker's traceback logged at ERROR: the paste starts in its middle and stops before its end)
      "(VllmWorkerProcess pid=4121) ERROR 03-02 11:20:05 multiproc_worker_utils.py:233]     return self._call_impl(*args, **kwargs)",
      '(VllmWorkerProcess pid=4121) ERROR 03-02 11:20:05 multiproc_worker_utils.py:233]   File "/opt/venv/lib/python3.11/site-packages/vllm/model_executor/models/qwen2.py", line 250, in forward',
      "(VllmWorkerProcess pid=4121) ERROR 03-02 11:20:05 multiproc_worker_utils.py:233]     hidden_states = self.mlp(hidden_states)",
      "(VllmWorkerProcess pid=4121) ERROR 03-02 11:20:05 multiproc_worker_utils.py:233]                     ^^^^^^^^^^^^^^^^^^^^^^^",
    ].join("\n");
    const html = text(await htmlOf(`${log}\n`));
    expect(html).toContain("Timeline: no engine start, NCCL init or warning line; the traceback at");
    expect(html).toMatch(/the traceback at \S+run\.log:2 is cut before its exception line, so no error line/);
    expect(html).not.toContain("no engine start, NCCL init, warning or error lines");
  });
});
