import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeText } from "../rules/analyze-text.js";
import { runCliHere } from "../helpers/cli.js";
import { orderFindings } from "../../src/rules/order.js";
import { firstSentence, verdictOf } from "../../src/rules/verdict.js";
import { renderText, wrap } from "../../src/report/text.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import type { Finding } from "../../src/facts/schema.js";
import { IPV6_LINK_LOCAL, NCCL_TESTS_OK, PEER_REFUSED, SGLANG_OOM, TORCHRUN_TIMEOUT } from "./logs.js";

const order = (r: { findings: Finding[] }) => r.findings.map((f) => [f.ruleId, f.causedBy ?? []]);

describe("cause order", () => {
  it("IPv6 link-local: the unreachable peer first, then what it caused, each naming its cause", async () => {
    const r = await analyzeText(IPV6_LINK_LOCAL);
    expect(order(r)).toEqual([
      ["nccl/bootstrap-failure", []],
      ["nccl/system-error", ["nccl/bootstrap-failure"]],
      ["vllm/engine-init-failed", ["nccl/bootstrap-failure", "nccl/system-error"]],
      ["vllm/tp-spans-nodes", []],
    ]);
    expect(r.findings.map((f) => f.layer)).toEqual(["network", "nccl", "engine", "setup"]);
    const root = r.findings[0];
    expect(root.message).toContain("(to fe80::a00:27ff:fe4e:7b02%11 port 43311): the network is unreachable");
    expect(root.message).toContain("fe80::a00:27ff:fe4e:7b02 is an IPv6 link-local address");
    // the interface to pin is the private one the bootstrap line shows, not the link-local one
    expect(root.remediation[0]).toContain("NCCL_SOCKET_IFNAME=eth0 (the interface with 10.20.0.11 in this log)");
    // NCCL's INFO lines are there: no advice to turn them on
    expect(r.findings.flatMap((f) => f.remediation).some((x) => /Rerun with NCCL_DEBUG=INFO/.test(x))).toBe(false);
    // the engine failure quotes the WARN, not a `-> 2` line
    expect(r.findings[2].message).not.toContain("-> 2");
    expect(r.verdict).toMatch(/^Failed \(nccl\/bootstrap-failure, which explains nccl\/system-error and vllm\/engine-init-failed\): NCCL's network transport could not connect ranks \(to fe80::a00:27ff:fe4e:7b02%11 port 43311\): the network is unreachable \(this node has no route to that address\)\. First: Pin NCCL to a routable interface on every node: NCCL_SOCKET_IFNAME=eth0/);
  });

  it("a remote peer refusing the connection comes before the engine failure, with the peer named", async () => {
    const r = await analyzeText(PEER_REFUSED);
    const { ndjsonObjects } = await import("../../src/report/ndjson.js");
    expect((ndjsonObjects(r)[0] as { verdict?: string }).verdict).toBe(r.verdict);
    // --redact reaches the verdict too
    const { redactReport } = await import("../../src/redact/redact.js");
    expect(redactReport(r).report.verdict).not.toContain("10.82.101.249");
    expect(order(r)).toEqual([
      ["nccl/bootstrap-failure", []],
      ["nccl/system-error", ["nccl/bootstrap-failure"]],
      ["nccl/remote-process-exited", ["nccl/bootstrap-failure"]],
      ["vllm/engine-init-failed", ["nccl/bootstrap-failure", "nccl/system-error", "nccl/remote-process-exited"]],
    ]);
    expect(r.findings[0].message).toBe("NCCL's bootstrap could not connect ranks (to 10.82.101.249 port 37857): connection refused (nothing listening: the peer is not up yet, died, or uses another port).");
    expect(r.verdict).toContain("First: Check that this node reaches 10.82.101.249 on port 37857");
    // the system error names the socket call that failed, with its peer
    expect(r.findings[1].message).toBe("NCCL returned ncclSystemError: a system call failed; the lines before it point at a socket operation between ranks (connect to 10.82.101.249 port 37857: Connection refused).");
  });

  it("orders by chain, layer, severity and line; a cause never after its consequence; a cause found later in the file is no cause", async () => {
    const f = (ruleId: string, severity: Finding["severity"], line: number): Finding => ({ ruleId, severity, title: ruleId, message: "m.", evidence: [{ file: "a.log", line, text: "x" }], remediation: [], docs: "" });
    const out = orderFindings([f("vllm/engine-init-failed", "error", 50), f("vllm/low-concurrency", "warning", 5), f("nccl/wrong-interface", "warning", 30), f("nccl/bootstrap-failure", "error", 40), f("vllm/cuda-oom", "error", 60)], new Map());
    // wrong-interface is a warning but it caused the bootstrap failure: it leads the error chain
    expect(out.map((x) => [x.ruleId, x.causedBy ?? []])).toEqual([
      ["nccl/wrong-interface", []],
      ["nccl/bootstrap-failure", ["nccl/wrong-interface"]],
      // cuda-oom's only line (60) comes after the engine failure's (50): not its cause
      ["vllm/cuda-oom", []],
      ["vllm/engine-init-failed", ["nccl/wrong-interface", "nccl/bootstrap-failure"]],
      ["vllm/low-concurrency", []],
    ]);
  });
});

describe("dialects", () => {
  it("an SGLang crash gets no vLLM rule and no vLLM hints; the OOM is still found", async () => {
    const r = await analyzeText(SGLANG_OOM);
    // (SGLang's pynccl line `sglang is using nccl==2.21.5` names the NCCL it loaded, as vLLM's does)
    expect(r.facts.dialects?.map((d) => d.name)).toEqual(["sglang", "nccl"]);
    expect(r.facts.nccl.version).toBe("2.21.5");
    expect(r.findings.map((f) => f.ruleId)).toEqual(["vllm/cuda-oom"]);
    expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-oom\): GPU 0 ran out of memory while loading the model weights/);
  });
  it("Ray and vLLM together; an SGLang text report has one-line sections for what it lacks and no vLLM hints", async () => {
    const ray = await analyzeText(["INFO 05-14 10:02:11 [api_server.py:1043] vLLM API server version 0.8.5", "(RayWorkerWrapper pid=5123, ip=10.0.0.2) INFO 05-14 10:02:20 [worker.py:1] Loading model", ""].join("\n"));
    expect(ray.facts.dialects?.map((d) => d.label)).toEqual(["vLLM 0.8.5", "Ray"]);
    const { renderText } = await import("../../src/report/text.js");
    const text = renderText(await analyzeText(SGLANG_OOM), { color: false });
    expect(text).toContain("\nwritten by SGLang · NCCL 2.21.5\n");
    expect(text).toContain("\nRun: no vLLM configuration in the log\n");
    expect(text).toMatch(/\nNCCL\n {2}version +2\.21\.5\n/);
    // the hints it gives are NCCL's (TP 2, no INFO lines), none of vLLM's
    expect(text).not.toMatch(/· (?:vllm|config|kvCache|memory)\./);
  });
  it("torchrun and nccl-tests logs name their programs", async () => {
    const t = await analyzeText(TORCHRUN_TIMEOUT);
    expect(t.facts.dialects?.map((d) => d.label)).toEqual(["PyTorch (torchrun)", "NCCL"]);
    expect(t.findings.map((f) => f.ruleId)).toEqual(["nccl/collective-timeout"]);
    const n = await analyzeText(NCCL_TESTS_OK);
    expect(n.facts.dialects?.map((d) => d.name)).toEqual(["nccl-tests"]);
    // (the device lines name the GPU: gpu.name, which the verdict puts first)
    expect(n.verdict).toBe("Healthy: NVIDIA H100 80GB HBM3; nccl-tests: average bus bandwidth 230.42 GB/s.");
  });
});

describe("verdict", () => {
  it("is one or two sentences: the first sentence of the message and of the first remedy", async () => {
    expect(firstSentence("Rank 0 lost 10.0.0.2 (e.g. a crash). Then more.")).toBe("Rank 0 lost 10.0.0.2 (e.g. a crash).");
    const facts = { dialects: [], vllm: { version: "0.9.1", engine: "v1" }, config: { model: "m", tensorParallelSize: 4, pipelineParallelSize: 1, dataParallelSize: null }, gpu: { name: null, count: null }, kvCache: { tokens: 643232, maxConcurrency: 15.7, tokensPerRequest: 40960 }, nccl: { version: "2.21.5", net: "IB", gdr: true, ranks: 4, nodes: 1 }, bench: {}, server: { ready: true } } as never;
    expect(verdictOf(facts, [], [{ path: "a", lines: 10, bytes: 1 }])).toBe("Healthy: vLLM 0.9.1 (V1 engine); m on TP 4; KV cache 643,232 tokens (15.7x at 40,960 tokens per request); NCCL 2.21.5 over IB with GPU Direct RDMA, 4 ranks on 1 node; the server became ready.");
  });
  it("a first remedy that introduces a list ends as a sentence, not with a colon", async () => {
    const warn: Finding = { ruleId: "runtime/kv-cache-pressure", severity: "warning", title: "t", message: "The cache was full.", evidence: [], remediation: ["Give the cache room for the load:", "  --kv-cache-dtype fp8"], docs: "" };
    expect(verdictOf({ dialects: [] } as never, [warn], [{ path: "a", lines: 1, bytes: 1 }])).toBe("Works, with a warning (runtime/kv-cache-pressure): The cache was full. First: Give the cache room for the load.");
  });
  it("wraps words at the width with a hanging indent, never cutting a word that fits", async () => {
    expect(wrap("aaa bbb ccc ddd", 12, "> ", "  ")).toEqual(["> aaa bbb", "  ccc ddd"]);
    expect(wrap("one two three four five six", 12, "", "", 2)).toEqual(["one two", "three four…"]);
  });
});

describe("CLI: the answer first", () => {
  const dir = mkdtempSync(join(tmpdir(), "vd-verdict-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("text opens with the verdict, the root cause's evidence and first remedy within 24 lines; JSON carries verdict and causedBy; exit 1", async () => {
    writeFileSync(join(dir, "ipv6.log"), IPV6_LINK_LOCAL);
    writeFileSync(join(dir, "sglang.log"), SGLANG_OOM);
    const t = await runCliHere(["analyze", "ipv6.log"], { cwd: dir });
    expect(t.status).toBe(1);
    const lines = t.stdout.split("\n");
    expect(lines[1]).toMatch(/^Failed \(nccl\/bootstrap-failure, which explains/);
    const first = lines.findIndex((l) => l.includes("→ Pin NCCL to a routable interface"));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(24);
    expect(lines.slice(0, 24).join("\n")).toContain("ipv6.log:10  (VllmWorker rank=0 pid=4101)");
    expect(lines.slice(0, 24).some((l) => l.startsWith("key facts  meta-llama/Llama-3.1-70B-Instruct on TP 16"))).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(t.stdout).toContain("caused by nccl/bootstrap-failure (above)");
    expect(t.stdout).toContain("KV cache: no KV cache lines");
    const j = await runCliHere(["analyze", "sglang.log", "ipv6.log", "--format", "json"], { cwd: dir });
    const r = JSON.parse(j.stdout);
    expect(typeof r.verdict).toBe("string");
    expect(r.findings.find((f: Finding) => f.ruleId === "vllm/engine-init-failed").causedBy).toContain("nccl/bootstrap-failure");
    const { renderMarkdown } = await import("../../src/report/markdown.js");
    expect(renderMarkdown(r)).toContain("(nccl/system-error) at ipv6.log:11 — caused by nccl/bootstrap-failure");
    const s = await runCliHere(["analyze", "sglang.log", "--format", "markdown"], { cwd: dir });
    expect(s.stdout).toContain("> **Failed (vllm/cuda-oom): GPU 0 ran out of memory while loading the model weights");
    expect(s.stdout).not.toContain("vllm.version");
    expect(s.status).toBe(1);
  });
});

describe("specifics", () => {
  it("an OOM while loading the weights gets weight advice (GPU, quantization, more GPUs), not KV or CUDA-graph advice", async () => {
    const r = await analyzeText((await import("./logs.js")).OOM_WEIGHTS);
    const oom = r.findings[0];
    expect(oom.ruleId).toBe("vllm/cuda-oom");
    expect(oom.remediation[0]).toBe("Use a GPU with more memory, a quantized checkpoint, or split the weights over 3 or more GPUs: the weights alone take about 13 GiB (Qwen/Qwen2.5-7B-Instruct, torch.bfloat16) and the GPU has 5.79 GiB.");
    expect(oom.remediation.join(" ")).not.toMatch(/gpu-memory-utilization|max-model-len|enforce-eager|KV cache/);
    expect(r.findings[1]).toMatchObject({ ruleId: "vllm/engine-init-failed", causedBy: ["vllm/cuda-oom"] });
  });
  it("SGLang's OOM advice uses SGLang's flags", async () => {
    const r = await analyzeText(SGLANG_OOM);
    expect(r.findings[0].remediation).toContain("Spread the model over more GPUs: raise --tp-size above its current value.");
  });
  it("a KV budget 2.14 GiB short is not told that a small utilisation step covers it", async () => {
    const r = await analyzeText((await import("./logs.js")).KV_SHORT);
    const kv = r.findings[0];
    expect(kv.ruleId).toBe("vllm/no-kv-cache-memory");
    expect(kv.message).toContain(": it is 2.14 GiB short, so the engine cannot serve a single request.");
    expect(kv.remediation[0]).toMatch(/^Lower --max-model-len \(now 8192\)/);
    expect(kv.remediation[kv.remediation.length - 1]).toMatch(/^Raising --gpu-memory-utilization helps only if it adds more than 2\.14 GiB/);
    expect(kv.remediation.join(" ")).not.toMatch(/to 0\.95/);
  });
});

describe("more specifics and recovered failures", () => {
  it("free memory below the requested utilisation: the value that fits, from the error's own numbers", async () => {
    const log = [
      "INFO 05-14 10:02:11 [api_server.py:1043] vLLM API server version 0.9.1",
      "ERROR 05-14 10:02:30 [core.py:396] EngineCore failed to start.",
      "ERROR 05-14 10:02:30 [core.py:396] Traceback (most recent call last):",
      'ERROR 05-14 10:02:30 [core.py:396]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_worker.py", line 151, in init_device',
      "ERROR 05-14 10:02:30 [core.py:396] ValueError: Free memory on device (69.36/79.19 GiB) on startup is less than desired GPU memory utilization (0.92, 72.85 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.",
      "",
    ].join("\n");
    const r = await analyzeText(log);
    expect(r.findings[0].ruleId).toBe("vllm/engine-init-failed");
    expect(r.findings[0].remediation[0]).toBe("Only 69.36 of 79.19 GiB were free at start-up and --gpu-memory-utilization 0.92 asks for 72.85 GiB (3.49 GiB more): lower it to 0.86 or less, or stop the other process on the GPU (`nvidia-smi` lists it).");
    expect(r.facts.tracebacks?.rootCause).toMatchObject({ kind: "free-memory", freeMemory: { freeGiB: 69.36, totalGiB: 79.19, utilization: 0.92, wantGiB: 72.85 } });
    // newer vLLM names the device (`on device cuda:0 (…)`): the same advice
    const named = await analyzeText(log.replace("Free memory on device (", "Free memory on device cuda:0 ("));
    expect(named.findings[0].remediation[0]).toBe(r.findings[0].remediation[0]);
  });
  it("a connection NCCL retried and then made is no failure: no finding, a healthy verdict; its first retry is the first error (CONTRACT), listed as recovered", async () => {
    const log = [
      "gpu-1:5001:5001 [0] NCCL INFO Bootstrap : Using ens5:10.82.101.17<0>",
      "gpu-1:5001:5230 [0] NCCL INFO Call to connect returned Connection refused, retrying",
      "gpu-1:5001:5230 [0] NCCL INFO Call to connect returned Connection refused, retrying",
      "gpu-1:5001:5001 [0] NCCL INFO Using network IB",
      "gpu-1:5001:5001 [0] NCCL INFO ncclCommInitRank comm 0x55a1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a3c1f9e22b4d601 - Init COMPLETE",
      "",
    ].join("\n");
    const r = await analyzeText(log);
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.recovered?.map((x) => [x.kind, x.failure.line, x.by.line])).toEqual([["retry", 2, 4], ["retry", 3, 4]]);
    // (the communicator has 2 ranks; the log shows one, on its one host)
    expect(r.verdict).toMatch(/^Healthy: NCCL over IB, 2 ranks \(1 in the log, on 1 node\)/);
    // on its host's line of the timeline (the retry line is placed by its own header)
    expect(r.facts.timeline?.map((t) => [t.host, t.firstError?.line, t.ncclInit?.line])).toEqual([["gpu-1", 2, 5]]);
    // the reports say so beside the first error
    expect(renderText(r, { color: false, width: 200 })).toMatch(/First error\n {2}\S*run\.log:2\n {2}gpu-1:5001:5230 \[0\] NCCL INFO Call to connect returned Connection refused, retrying\n {2}NCCL went on after it \(\S*run\.log:4: gpu-1:5001:5001 \[0\] NCCL INFO Using network IB\)\n/);
    expect(renderMarkdown(r)).toMatch(/First error at \S*run\.log:2: .*retrying \(NCCL went on after it: \S*run\.log:4\)/);
  });
});

describe("one node's log of a multi-node run", () => {
  it("says its node count is the log's, not the run's", async () => {
    const log = [
      "node-a:5021:5021 [0] NCCL INFO Using network IB",
      "node-a:5021:5090 [0] NCCL INFO Channel 00/0 : 5[0] -> 6[1] via P2P/CUMEM/read",
      "node-a:5022:5091 [1] NCCL INFO Channel 00/0 : 6[1] -> 14[0] [send] via NET/IB/0/GDRDMA",
      "node-a:5022:5091 [1] NCCL INFO Channel 00/0 : 22[0] -> 6[1] [receive] via NET/IB/0/GDRDMA",
      "",
    ].join("\n");
    const r = await analyzeText(log);
    expect([r.facts.nccl.nodes, r.facts.nccl.multiNode]).toEqual([1, true]);
    expect(r.verdict).toBe("Healthy: NCCL over IB with GPU Direct RDMA, 4 ranks on 1 node in the log, of a multi-node run.");
    // two ranks in one cell (the host's peers whose own lines are not in the log) fit it in the HTML map
    const two = await analyzeText([
      "node-a:5021:6239 [6] NCCL INFO Channel 00/0 : 6[6] -> 7[7] via P2P/CUMEM/read",
      "node-a:5021:6239 [6] NCCL INFO Channel 00/0 : 6[6] -> 5[5] via P2P/CUMEM/read",
      "node-a:5021:6239 [6] NCCL INFO Channel 07/0 : 6[6] -> 14[6] [send] via NET/IB/11/GDRDMA",
      "",
    ].join("\n"));
    const { renderHtml } = await import("../../src/report/html.js");
    expect(renderHtml(two)).toMatch(/<text x="\d+" y="\d+" font-size="10" fill="#333" textLength="62" lengthAdjust="spacingAndGlyphs">rank 5 · rank 7<\/text>/);
    expect(renderHtml(two)).toMatch(/<text x="\d+" y="\d+" font-size="10" fill="#333">rank 6<\/text>/);
    // a one-node run's log says no more than its count
    const single = await analyzeText(log.split("\n").slice(0, 2).join("\n") + "\n");
    expect(single.verdict).toMatch(/ on 1 node\.$/);
  });
});

describe("an error no rule explains", () => {
  it("is no health: the verdict names its line, amber in HTML and text, and the exit status stays 0 (unless the server became ready after it)", async () => {
    const log = [
      "INFO 03-02 10:00:00 [core.py:70] Initializing a V1 LLM engine (v0.9.1) with config: model='m', tensor_parallel_size=1",
      "INFO 03-02 10:00:40 [kv_cache_utils.py:716] GPU KV cache size: 643,232 tokens",
      "ERROR 03-02 10:05:00 [serving_chat.py:200] Error in completion stream generator: the widget frobnicated",
      "",
    ].join("\n");
    const r = await analyzeText(log);
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(r.verdict).toMatch(/^Error with no known cause at \S*run\.log:3 \(no rule of the catalog explains it: read that line and the ones before it\): ERROR 03-02 10:05:00 \[serving_chat\.py:200\] Error in completion stream generator: the widget frobnicated$/);
    const { renderHtml } = await import("../../src/report/html.js");
    expect(renderHtml(r)).toContain('<div class="banner warning" id="verdict" data-tone="warning">');
    expect(renderHtml(r)).toContain("<h2>Summary</h2><ul>\n<li>No known problem matched: the first error is not explained.</li>");
    expect(renderMarkdown(r)).toContain("## Summary\n\n- No known problem matched: the first error is not explained.\n- First error at ");
    expect(renderText(r, { color: false, width: 200 })).toContain("Findings (0 error, 0 warning, 0 info)\n  no known problem matched: the first error is not explained\n");
    // a long line is cut at a word, and said so
    const long = await analyzeText(log.replace("frobnicated", "frobnicated " + "and then the gadget ".repeat(12)));
    expect(long.verdict).toMatch(/: ERROR 03-02 .* the gadget and then the\u2026$/);
    expect(long.verdict!.length).toBeLessThan(long.verdict!.indexOf("): ") + 3 + 160);
    // an error record the server became ready after (vLLM logs some at ERROR and goes on: FA2 on a T4) is outlived
    const outlived = await analyzeText(log + "INFO:     Application startup complete.\n");
    expect(outlived.verdict).toMatch(/^Healthy: vLLM 0\.9\.1 \(V1 engine\); m; KV cache 643,232 tokens; the server became ready after the error record at \S*run\.log:3\.$/);
    expect(renderHtml(outlived)).toContain('<div class="banner ok" id="verdict" data-tone="ok">');
    // nor is one a note cites as its evidence (that rule judged the line)
    const note: Finding = { ruleId: "runtime/kv-cache-pressure", severity: "info", title: "t", message: "m", evidence: [{ ...r.facts.firstError! }], remediation: [], docs: "" };
    expect(verdictOf(r.facts, [note], r.inputs)).toBe("Healthy: vLLM 0.9.1 (V1 engine); m; KV cache 643,232 tokens (1 note below).");
    expect(verdictOf(r.facts, [{ ...note, evidence: [{ ...r.facts.firstError!, line: 2 }] }], r.inputs)).toMatch(/^Error with no known cause at \S*run\.log:3 \(no rule of the catalog explains it: read that line and the ones before it; 1 note below\): ERROR/);
    const dir = mkdtempSync(join(tmpdir(), "vd-unexplained-"));
    try {
      writeFileSync(join(dir, "run.log"), log);
      const cli = await runCliHere(["analyze", join(dir, "run.log")], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
      expect([cli.status, cli.stdout.includes("\u001b[33m\u001b[1mError with no known cause at")]).toEqual([0, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the interface to pin", () => {
  it("is a private-range one the other nodes' lines show in use, not the public one", async () => {
    const log = [
      "node-a:100:100 [0] NCCL INFO Bootstrap : Using [0]eth0:34.82.1.10<0>",
      "node-b:200:200 [0] NCCL INFO Bootstrap : Using [0]ens6:10.0.0.6<0>",
      "node-b:200:200 [0] NCCL INFO NET/Socket : Using [0]ens6:10.0.0.6<0>",
      "node-c:300:300 [0] NCCL INFO Bootstrap : Using [0]ens6:10.0.0.7<0>",
      "",
    ].join("\n");
    const r = await analyzeText(log);
    const pub = r.findings.find((f) => f.ruleId === "security/public-address");
    expect(pub?.remediation[1]).toBe("Pin NCCL and Gloo to the private interface: NCCL_SOCKET_IFNAME=ens6 GLOO_SOCKET_IFNAME=ens6 (10.0.0.6 in this log), and use a private --master-addr.");
  });
});

describe("KV cache smaller than one request", () => {
  it("uses vLLM's own estimate and says how much more cache the utilisation must give", async () => {
    const r = await analyzeText([
      "INFO 05-14 10:02:11 [api_server.py:1043] vLLM API server version 0.9.1",
      "ValueError: To serve at least one request with the models's max seq len (32768), (4.00 GiB KV cache is needed, which is larger than the available KV cache memory (2.50 GiB). Based on the available memory, the estimated maximum model length is 20480. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
      "",
    ].join("\n"));
    const kv = r.findings.find((f) => f.ruleId === "vllm/kv-cache-too-small")!;
    expect(kv.remediation[0]).toBe("Lower --max-model-len to 20480, or raise --gpu-memory-utilization if nothing else uses the GPU so the cache gains at least 1.5 GiB (each 0.01 is 1% of the GPU's memory).");
  });
});

describe("CUDA OOM advice by phase", () => {
  const oomIn = (func: string) =>
    [
      "INFO 05-14 10:02:11 [api_server.py:1043] vLLM API server version 0.9.1",
      "INFO 05-14 10:02:11 [core.py:58] Initializing a V1 LLM engine (v0.9.1) with config: model='meta-llama/Llama-3.1-8B-Instruct', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=1, pipeline_parallel_size=1, quantization=None, enforce_eager=False, seed=0",
      "ERROR 05-14 10:02:30 [core.py:396] Traceback (most recent call last):",
      `ERROR 05-14 10:02:30 [core.py:396]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 1332, in ${func}`,
      "ERROR 05-14 10:02:30 [core.py:396] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.50 GiB is free.",
      "",
    ].join("\n");
  const cases: [string, string, RegExp][] = [
    ["profile_run", "while profiling memory", /^The profiling run's activations did not fit: lower --max-num-batched-tokens and --max-model-len \(now 32768\)\.$/],
    ["initialize_kv_caches", "while allocating the KV cache", /^Lower --gpu-memory-utilization \(default 0\.9, e\.g\. 0\.85\) when memory was taken between profiling and allocation/],
    ["capture_model", "while capturing CUDA graphs", /^Add --enforce-eager to skip CUDA graphs/],
    ["execute_model", "while running the model", /^Serving needed more than the headroom left: lower --max-num-seqs and --max-num-batched-tokens\.$/],
  ];
  for (const [func, phase, first] of cases) {
    it(`${phase}: its own first step`, async () => {
      const r = await analyzeText(oomIn(func));
      const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom")!;
      expect(oom.message).toContain(`ran out of memory ${phase}:`);
      expect(oom.remediation[0]).toMatch(first);
    });
  }
});

describe("the cause table", () => {
  it("places every rule in the table, names only registered causes, and never points a cause at a later layer", async () => {
    const { allRuleMetas } = await import("../../src/rules/index.js");
    const { RELATIONS, LAYERS } = await import("../../src/rules/relations.js");
    const { relationOf } = await import("../../src/rules/order.js");
    const ids = new Set(allRuleMetas().map((m) => m.id));
    for (const m of allRuleMetas()) {
      expect(RELATIONS[m.id] ?? m.layer, `${m.id} has no layer`).toBeTruthy();
      const rel = relationOf(m.id, m);
      for (const c of rel.causedBy ?? []) {
        expect(ids.has(c), `${m.id}: unknown cause ${c}`).toBe(true);
        expect(LAYERS.indexOf(relationOf(c).layer), `${c} (a cause of ${m.id}) sits in a later layer`).toBeLessThanOrEqual(LAYERS.indexOf(rel.layer));
      }
    }
    for (const id of Object.keys(RELATIONS)) expect(ids.has(id), `${id} in the table is no rule`).toBe(true);
  });
});

describe("verdict of inputs read in part", () => {
  it("says 'read only in part' and judges what was read; 'nothing could be read' only when nothing was", async () => {
    const r = await analyzeText("INFO 10-14 09:12:03 [api_server.py:1896] vLLM API server version 0.11.2\n");
    const cut = [{ path: "a.log.gz", lines: 6, bytes: 500, error: "corrupt or truncated gzip data: unexpected end of file" }];
    // it said "Nothing could be read" above the facts of the six lines it had read
    expect(verdictOf(r.facts, r.findings, cut)).toBe(`Read only in part (corrupt or truncated gzip data: unexpected end of file). ${verdictOf(r.facts, r.findings, [])}`);
    expect(verdictOf(r.facts, r.findings, [{ ...cut[0], lines: 0 }])).toBe("Nothing could be read: corrupt or truncated gzip data: unexpected end of file.");
  });
});

describe("verdict of a vLLM start-up the log stops in", () => {
  const head = [
    "INFO 03-11 08:14:02 [api_server.py:1090] vLLM API server version 0.9.2",
    "INFO 03-11 08:14:02 [cli_args.py:325] non-default args: {'model': 'Qwen/Qwen3-8B', 'tensor_parallel_size': 2, 'max_model_len': 16384}",
    "INFO 03-11 08:14:09 [core.py:69] Initializing a V1 LLM engine (v0.9.2) with config: model='Qwen/Qwen3-8B', tensor_parallel_size=2, pipeline_parallel_size=1, max_seq_len=16384",
    "(VllmWorker rank=0 pid=311) INFO 03-11 08:14:15 [gpu_model_runner.py:1770] Starting to load model Qwen/Qwen3-8B...",
  ];
  it("says no failure and where it stops, not 'Healthy', until a KV cache size or the server's ready line", async () => {
    const cut = await analyzeText(head.join("\n"));
    expect(cut.findings).toEqual([]);
    expect(cut.verdict).toBe(
      "No failure in the log, which shows vLLM's start-up but not its end (no KV cache size, server ready or request line): vLLM 0.9.2 (V1 engine); Qwen/Qwen3-8B on TP 2. If the start-up hung, the log's last line is the step it stopped at.",
    );
    const kv = await analyzeText([...head, "(VllmWorker rank=0 pid=311) INFO 03-11 08:15:40 [kv_cache_utils.py:716] GPU KV cache size: 212,944 tokens"].join("\n"));
    expect(kv.verdict).toBe("Healthy: vLLM 0.9.2 (V1 engine); Qwen/Qwen3-8B on TP 2; KV cache 212,944 tokens.");
    const ready = await analyzeText([...head, "INFO:     Application startup complete."].join("\n"));
    expect(ready.verdict).toMatch(/^Healthy: .*the server became ready\.$/);
  });
  it("a window of the V1 front end waiting for its engine processes (no configuration in it, an NCCL line cut in it) is a start-up the log stops in", async () => {
    const wait = (t: string) => `(APIServer pid=1) DEBUG 08-09 20:${t} [v1/engine/utils.py:1262] Waiting for 1 local, 0 remote core engine proc(s) to start.`;
    const window = ["gpu-pod-7b94f:958:958 [1] NCCL INFO Channel 01/0 : " + wait("55:10"), wait("55:20"), wait("55:30"), wait("55:40")];
    for (const wrapped of [window, window.map((l, i) => `2025-08-09T20:55:${10 + i}.000000000Z ${l}`)]) {
      const r = await analyzeText(wrapped.join("\n") + "\n");
      expect(r.facts.server).toMatchObject({ ready: false, awaitingEngines: 1 });
      expect(r.findings).toEqual([]);
      expect(r.verdict).toBe(
        "No failure in the log, which shows vLLM's start-up but not its end (no KV cache size, server ready or request line; the API server was waiting for 1 engine core process to start): vLLM (V1 engine). If the start-up hung, the log's last line is the step it stopped at.",
      );
    }
    // (it used to read "Healthy: vLLM (V1 engine).")
    const started = await analyzeText([...window, "(APIServer pid=1) INFO:     Application startup complete."].join("\n") + "\n");
    expect(started.verdict).toMatch(/^Healthy: .*the server became ready\.$/);
    const remote = await analyzeText("(APIServer pid=1) DEBUG 08-09 20:55:10 [v1/engine/utils.py:1262] Waiting for 2 local, 2 remote core engine proc(s) to start.\n");
    expect(remote.facts.server.awaitingEngines).toBe(4);
    expect(remote.verdict).toContain("waiting for 4 engine core processes to start");
  });

  it("says a launch command alone shows none of vLLM's lines; a window with no sign the engine came up is no failure, not health", async () => {
    const launch = await analyzeText(["CUDA_VISIBLE_DEVICES=0,1 vllm serve Qwen/Qwen3-8B \\", "  --tensor-parallel-size 2 \\", "  --max-model-len 16384"].join("\n"));
    expect(launch.verdict).toBe("No failure in the log, which shows vLLM's launch command and none of vLLM's own lines: Qwen/Qwen3-8B on TP 2.");
    // (both read "Healthy: …" before: a few pasted lines say nothing of a run's health)
    const middle = await analyzeText("(VllmWorker rank=1 pid=312) INFO 03-11 09:30:00 [ray_executor.py:538] RAY_CGRAPH_get_timeout is set to 300");
    expect(middle.verdict).toBe("No failure in this line of a vLLM log, which does not show the engine come up or serve (no KV cache size, server ready or request line): vLLM (V1 engine).");
    const loading = [
      "(VllmWorker rank=0 pid=3008574) INFO 05-29 23:37:00 [loader.py:458] Loading weights took 4.60 seconds",
      "(VllmWorker rank=0 pid=3008574) INFO 05-29 23:37:00 [gpu_model_runner.py:1347] Model loading took 11.4384 GiB and 5.338305 seconds",
    ];
    for (const lines of [loading, loading.map((l) => `2025-05-29T23:37:00.123456789Z ${l}`)]) {
      const window = await analyzeText(lines.join("\n") + "\n");
      expect(window.verdict).toBe("No failure in these 2 lines of a vLLM log, which do not show the engine come up or serve (no KV cache size, server ready or request line): vLLM (V1 engine).");
      const served = await analyzeText([...lines, "(VllmWorker rank=0 pid=3008574) INFO 05-29 23:37:09 [kv_cache_utils.py:716] GPU KV cache size: 212,944 tokens"].join("\n") + "\n");
      expect(served.verdict).toBe("Healthy: vLLM (V1 engine); KV cache 212,944 tokens.");
    }
  });
});

describe("verdict of an engine process's traceback cut at its re-raise", () => {
  it("is an error with no known cause at the traceback, not healthy: the engine process died, at start-up or while serving", async () => {
    const P = "(EngineCore_DP0 pid=4417) ";
    const r = await analyzeText(
      [
        `${P}INFO 02-08 15:29:39 [default_loader.py:262] Loading weights took 5.12 seconds`,
        `${P}Process EngineCore_DP0:`,
        `${P}Traceback (most recent call last):`,
        `${P}  File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap`,
        `${P}    self.run()`,
        `${P}  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 711, in run_engine_core`,
        `${P}    raise e`,
      ].join("\n"),
    );
    expect(r.findings).toEqual([]);
    expect(r.facts.tracebacks?.list.map((t) => [t.evidence.line, t.stage, t.cut, t.engineProcess])).toEqual([[3, null, true, true]]);
    expect(r.verdict.replace(/ at \S*run\.log:/, " at run.log:")).toBe(
      `Error with no known cause at run.log:3 (a traceback of vLLM's engine process that the log cuts before its exception line: no rule of the catalog explains it; read the full log from there): ${P}Traceback (most recent call last):`,
    );
  });
});

describe("the text report's verdict colour", () => {
  it("green for health; not green for 'No failure in …' (no failure, but no sign of health), as the HTML banner is grey", async () => {
    const GREEN = "\x1b[32m";
    const line = "(VllmWorker rank=0 pid=3008574) INFO 05-29 23:37:00 [loader.py:458] Loading weights took 4.60 seconds";
    const window = await analyzeText(line + "\n");
    expect(window.verdict).toMatch(/^No failure in this line of a vLLM log/);
    const first = renderText(window, { color: true, width: 200 }).split("\n")[1];
    expect(first).toContain("No failure in this line");
    expect(first).not.toContain(GREEN);
    const served = await analyzeText([line, "(VllmWorker rank=0 pid=3008574) INFO 05-29 23:37:09 [kv_cache_utils.py:716] GPU KV cache size: 212,944 tokens"].join("\n") + "\n");
    const healthy = renderText(served, { color: true, width: 200 }).split("\n")[1];
    expect(healthy).toContain("Healthy: ");
    expect(healthy).toContain(GREEN);
  });
});

describe("verdict of a log that stops in NCCL's set-up", () => {
  const P = (r: number) => `gpu-a:${560 + r}:${560 + r} [${r}] NCCL INFO`;
  const start = (r: number) => `${P(r)} ncclCommInitRank comm 0x1476dca${r} rank ${r} nranks 2 cudaDev ${r} nvmlDev ${r} busId ${r + 2}3000 commId 0xa015ae7e0a50005d - Init START`;
  const done = (r: number) => start(r).replace("Init START", "Init COMPLETE");
  const head = ["INFO 09-12 23:40:47 pynccl.py:63] vLLM is using nccl==2.20.5", `${P(0)} Using network IB`, start(0), start(1), `${P(0)} Channel 00/02 :    0   1`];

  it("says no failure and that the log stops in NCCL's set-up, not 'Healthy', until a rank's Init COMPLETE", async () => {
    for (const lines of [head, head.map((l) => `2024-09-12T23:40:47.000000000Z ${l}`)]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.findings).toEqual([]);
      expect(r.verdict).toBe(
        "No failure in the log, which stops in NCCL's set-up (1 communicator begun, no Init COMPLETE): vLLM (V0 engine); NCCL 2.20.5 over IB, 2 ranks on 1 node. If the run hung, it hung there: the last NCCL lines of each rank are the step it stopped at.",
      );
    }
    const ray = await analyzeText(head.map((l) => `(RayWorkerWrapper pid=248, ip=10.1.160.68) ${l}`).join("\n") + "\n");
    expect(ray.verdict).toBe(
      "No failure in the log, which stops in NCCL's set-up (1 communicator begun, no Init COMPLETE): vLLM (V0 engine); Ray; NCCL 2.20.5 over IB, 2 ranks on 1 node in the log, of a multi-node run. If the run hung, it hung there: the last NCCL lines of each rank are the step it stopped at.",
    );
    // (it read "Healthy: NCCL 2.20.5 over IB, 2 ranks on 1 node.")
    const complete = await analyzeText([...head, done(0), done(1)].join("\n") + "\n");
    expect(complete.verdict).toBe("Healthy: vLLM (V0 engine); NCCL 2.20.5 over IB, 2 ranks on 1 node.");
  });
});

describe("a traceback cut before its exception line, in the report's other sections", () => {
  it("the findings and the first error say what the verdict names, not 'the first error' and 'none'", async () => {
    const P = "(VllmWorkerProcess pid=350) ERROR 01-29 20:00:47 multiproc_worker_utils.py:240] ";
    const r = await analyzeText(
      [
        `${P}  File "/usr/local/lib/python3.12/dist-packages/vllm/worker/model_runner.py", line 1719, in execute_model`,
        `${P}    hidden_or_intermediate_states = model_executable(`,
        `${P}  File "/usr/local/lib/python3.12/dist-packages/vllm/model_executor/models/llama.py", line 202, in forward`,
        `${P}    hidden_states = self.self_attn(positions=positions,`,
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError).toBeNull();
    expect(r.verdict).toMatch(/^Error with no known cause at \S+run\.log:1 \(a traceback while running the model that the log cuts before its exception line/);
    const text = renderText(r, { color: false, width: 200 });
    expect(text).toContain("Findings (0 error, 0 warning, 0 info)\n  no known problem matched: the traceback the verdict names is not explained\n");
    expect(text).toContain("First error\n  none stated: the traceback the verdict names is cut before its exception line\n");
    expect(renderMarkdown(r)).toContain("- No known problem matched: the traceback the verdict names is not explained.");
  });
});

describe("verdict of a log of warnings with no sign the run worked", () => {
  // a worker's lines as PyTorch prints them when the c10d store's server (in rank 0's process) has gone away
  const store = [
    "[W1207 10:14:02.123456789 TCPStore.cpp:125] [c10d] recvValue failed on SocketImpl(fd=52, addr=[10.0.0.2]:38410, remote=[10.0.0.1]:29500): failed to recv, got 0 bytes",
    "Exception raised from recvBytes at /pytorch/torch/csrc/distributed/c10d/Utils.hpp:678 (most recent call first):",
    "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x98 (0x7f3c1b8d0446 in /usr/local/lib/python3.12/dist-packages/torch/lib/libc10.so)",
    "",
    '[W1207 10:14:02.124000000 ProcessGroupNCCL.cpp:1659] [PG ID 0 PG GUID 0(default_pg) Rank 1] Failed to check the "should dump" flag on TCPStore, (maybe TCPStore server has shut down too early), with error: failed to recv, got 0 bytes',
  ];
  it("is no failure, not health, and names the first warning; a KV cache size or an Init COMPLETE beside them is health again", async () => {
    for (const lines of [store, store.map((l) => `2026-12-07T10:14:02.000000000Z ${l}`)]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.findings).toEqual([]);
      expect(r.verdict).toMatch(
        /^No failure in the log, which shows warnings and no sign the run worked \(no KV cache size, server ready, NCCL Init COMPLETE, request or benchmark result\): PyTorch; NCCL, 1 rank\. First warning at \S+:1: (?:\S+ )?\[W1207 10:14:02\.123456789 TCPStore\.cpp:125\] \[c10d\] recvValue failed on /,
      );
    }
    // (it read "Healthy: PyTorch; NCCL, 1 rank.")
    const kv = await analyzeText([...store, "INFO 12-07 10:10:00 [kv_cache_utils.py:716] GPU KV cache size: 212,944 tokens"].join("\n") + "\n");
    expect(kv.verdict).toMatch(/^Healthy: /);
    const init = await analyzeText([...store, "node-a:311:311 [1] NCCL INFO comm 0x55d1a0 rank 1 nranks 2 cudaDev 1 busId 1b000 commId 0x3e4b7c0d5a6f1e29 - Init COMPLETE"].join("\n") + "\n");
    expect(init.verdict).toMatch(/^Healthy: /);
  });
});

describe("verdict of a window of a program's output that states no headline fact", () => {
  it("is no failure of these lines of that program's output, not 'Healthy … no NCCL facts were recognised'; text of no program keeps the old words", async () => {
    const ring = [
      "gpu01:4242:4242 [0] NCCL INFO Ring 00 :    0   1   2   3",
      "gpu01:4242:4242 [0] NCCL INFO Ring 01 :    0   3   2   1",
      "gpu01:4242:4242 [0] NCCL INFO Ring 02 :    0   1   2   3",
    ];
    for (const lines of [ring, ring.map((l) => `2026-12-07T10:14:02.000000000Z ${l}`)]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.findings).toEqual([]);
      // (it read "Healthy as far as the log shows: no failure or warning in 3 lines, and no vLLM, NCCL or benchmark facts
      // were recognised." beside NCCL's own node, gpu01)
      expect(r.verdict).toBe("No failure in these 3 lines of NCCL output, which state none of the facts a verdict leads with (a version, network, rank count, connection, model or KV cache size).");
    }
    const one = await analyzeText(`${ring[0]}\n`);
    expect(one.verdict).toBe("No failure in this line of NCCL output, which states none of the facts a verdict leads with (a version, network, rank count, connection, model or KV cache size).");
    const plain = await analyzeText("hello world\nsome text\n");
    expect(plain.verdict).toBe("Healthy as far as the log shows: no failure or warning in 2 lines, and no vLLM, NCCL or benchmark facts were recognised.");
  });

  it("says '1 line' of a one-line input in the text report's header", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-verdict-"));
    const file = join(dir, "one.log");
    writeFileSync(file, "hello world\n");
    const r = await runCliHere(["analyze", file, "--no-color"]);
    expect(r.stdout.split("\n")[0]).toMatch(/\/one\.log \(1 line\)$/);
    rmSync(dir, { recursive: true, force: true });
  });
});
