import { describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { readLines } from "../src/input/lines.js";
import { jsonLineText } from "../src/input/ndjson.js";
import { DEFAULT_LIMITS, resolveInputs, type InputSource } from "../src/input/sources.js";
import { splitPhysicalLine } from "../src/records/split.js";
import { toRecord } from "../src/records/peel.js";
import { analyze } from "../src/analyze.js";
import { renderJson } from "../src/report/json.js";
import { renderNdjson } from "../src/report/ndjson.js";
import { renderText } from "../src/report/text.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { renderHtml } from "../src/report/html.js";
import { renderSarif } from "../src/report/sarif.js";
import { renderJunit } from "../src/report/junit.js";

/** every line the reader yields, with its physical number */
async function linesOf(input: Buffer | string, chunk = 1 << 16): Promise<[number, string][]> {
  const buf = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) chunks.push(buf.subarray(i, i + chunk));
  const out: [number, string][] = [];
  for await (const b of readLines(Readable.from(chunks))) b.lines.forEach((l, i) => out.push([b.firstLine + i, l]));
  return out;
}

async function linesOfSource(src: InputSource): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const b of readLines(await src.open(DEFAULT_LIMITS))) b.lines.forEach((l, i) => out.push([b.firstLine + i, l]));
  return out;
}

/** records as the analysis sees them: [line, text] */
function recordsOf(lines: [number, string][]): [number, string][] {
  const out: [number, string][] = [];
  for (const [n, raw] of lines) if (raw) for (const p of splitPhysicalLine(raw)) out.push([n, toRecord("f", 0, n, p).text]);
  return out;
}

describe("line reader: physical line numbers", () => {
  it("LF, with a blank line and no final newline", async () => {
    expect(await linesOf("a\n\nc")).toEqual([[1, "a"], [2, ""], [3, "c"]]);
  });
  it("CRLF line ends are dropped", async () => {
    expect(await linesOf("a\r\nb\r\n")).toEqual([[1, "a"], [2, "b"]]);
  });
  it("one-byte chunks give the same lines", async () => {
    expect(await linesOf("INFO x\r\nWARNING y\n\nERROR z\n", 1)).toEqual([[1, "INFO x"], [2, "WARNING y"], [3, ""], [4, "ERROR z"]]);
  });
  it("a UTF-8 BOM is not part of line 1", async () => {
    expect(await linesOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("INFO a\nb\n")]))).toEqual([[1, "INFO a"], [2, "b"]]);
  });
  it("UTF-16LE with BOM and CRLF", async () => {
    const body = Buffer.from("INFO é\r\nNCCL WARN x\r\n", "utf16le");
    expect(await linesOf(Buffer.concat([Buffer.from([0xff, 0xfe]), body]), 3)).toEqual([[1, "INFO é"], [2, "NCCL WARN x"]]);
  });
  it("UTF-16BE with BOM", async () => {
    const le = Buffer.from("a\nbc\n", "utf16le");
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1];
      be[i + 1] = le[i];
    }
    expect(await linesOf(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual([[1, "a"], [2, "bc"]]);
  });
});

describe("inputs: files, gzip, directories, stdin", () => {
  const dir = mkdtempSync(join(tmpdir(), "vd-input-"));
  writeFileSync(join(dir, "a.log"), "one\ntwo\n");
  writeFileSync(join(dir, "zipped.log"), gzipSync("g1\ng2\ng3\n"));
  mkdirSync(join(dir, "node1"));
  writeFileSync(join(dir, "node1", "b.txt"), "b\n");
  writeFileSync(join(dir, "node1", "c.out"), "c\n");
  writeFileSync(join(dir, "node1", "d.gz"), gzipSync("d\n"));
  writeFileSync(join(dir, "node1", "vllm.log.1"), "rotated\n");
  writeFileSync(join(dir, "node1", "e.png"), "not a log\n");
  mkdirSync(join(dir, ".cache"));
  writeFileSync(join(dir, ".cache", "x.log"), "hidden\n");

  it("reads gzip by its magic bytes, whatever the name", async () => {
    const { sources, failures } = await resolveInputs([join(dir, "zipped.log")]);
    expect(failures).toEqual([]);
    expect(await linesOfSource(sources[0])).toEqual([[1, "g1"], [2, "g2"], [3, "g3"]]);
  });
  it("a directory gives its *.log, *.txt, *.out, *.gz and rotated logs, sorted; hidden folders and other files are skipped", async () => {
    const { sources } = await resolveInputs([dir]);
    expect(sources.map((s) => s.name.slice(dir.length + 1))).toEqual(["a.log", "node1/b.txt", "node1/c.out", "node1/d.gz", "node1/vllm.log.1", "zipped.log"]);
    expect(await linesOfSource(sources[3])).toEqual([[1, "d"]]);
  });
  it("`-` reads standard input, gzip too", async () => {
    const { sources } = await resolveInputs(["-"], Readable.from([gzipSync("s1\ns2\n")]));
    expect(sources[0].name).toBe("<stdin>");
    expect(await linesOfSource(sources[0])).toEqual([[1, "s1"], [2, "s2"]]);
  });
  it("a directory names the logs compressed in formats it does not read as failed (they were left out without a word)", async () => {
    const d = mkdtempSync(join(tmpdir(), "vd-unread-"));
    writeFileSync(join(d, "a.log"), "x\n");
    writeFileSync(join(d, "old.log.1.bz2"), "BZh9");
    const { sources, failures } = await resolveInputs([d]);
    expect(sources.map((s) => s.name)).toEqual([join(d, "a.log")]);
    expect(failures).toEqual([{ path: join(d, "old.log.1.bz2"), message: "compressed (bz2) input is not supported; decompress it first" }]);
  });
  it("a quoted glob expands as the shell does: a matched folder is read as a folder (it was left out)", async () => {
    const g = mkdtempSync(join(tmpdir(), "vd-glob-"));
    mkdirSync(join(g, "node1"));
    mkdirSync(join(g, "node2"));
    writeFileSync(join(g, "node1", "a.log"), "a\n");
    writeFileSync(join(g, "node2", "b.log"), "b\n");
    writeFileSync(join(g, "top.log"), "t\n");
    const names = async (pattern: string) => {
      const r = await resolveInputs([join(g, pattern)]);
      return { names: r.sources.map((s) => s.name.slice(g.length + 1)), notices: [...r.notices.values()], failures: r.failures };
    };
    expect(await names("*")).toEqual({ names: ["node1/a.log", "node2/b.log", "top.log"], notices: [], failures: [] });
    expect((await names("node*")).names).toEqual(["node1/a.log", "node2/b.log"]);
    expect((await names("*/")).names).toEqual(["node1/a.log", "node2/b.log"]);
    // a file matched by name and inside a matched folder is one match, without a "given twice" notice
    expect(await names("**")).toEqual({ names: ["node1/a.log", "node2/b.log", "top.log"], notices: [], failures: [] });
  });
  it("`-` twice is standard input once, with a notice (the second read nothing)", async () => {
    const { sources, notices } = await resolveInputs(["-", join(dir, "a.log"), "-"], Readable.from([Buffer.from("s1\n")]));
    expect(sources.map((s) => s.name)).toEqual(["<stdin>", join(dir, "a.log")]);
    expect(notices.get(0)).toEqual(["- (standard input) is given twice: read once"]);
  });
  it("a system error is named in words, the path given once (Node's message repeated it: `ENAMETOOLONG: …, stat '…'`)", async () => {
    const long = join(dir, "a".repeat(300) + ".log");
    expect((await resolveInputs([long])).failures).toEqual([{ path: long, message: "file name too long" }]);
  });
  it("a missing file is a failure, not a crash", async () => {
    const { sources, failures } = await resolveInputs([join(dir, "nope.log")]);
    expect(sources).toEqual([]);
    expect(failures).toEqual([{ path: join(dir, "nope.log"), message: "no such file or directory" }]);
  });
});

describe("NDJSON logs", () => {
  it("docker json-file: the text is `log`, its newline dropped", () => {
    expect(jsonLineText('{"log":"INFO 07-25 10:11:12 llm_engine.py:73] hello\\n","stream":"stdout","time":"2024-07-25T10:11:12.1Z"}')).toBe("INFO 07-25 10:11:12 llm_engine.py:73] hello");
  });
  it("Elastic hit: `_source.message`", () => {
    expect(jsonLineText('{"_index":"logs","_id":"1","_source":{"@timestamp":"2025-01-01T00:00:00Z","message":"host:1:2 [0] NCCL INFO Using network IB"}}')).toBe("host:1:2 [0] NCCL INFO Using network IB");
  });
  it("Loki export: `line`", () => {
    expect(jsonLineText('{"labels":{"app":"vllm"},"timestamp":"2025-01-01T00:00:00Z","line":"ValueError: boom"}')).toBe("ValueError: boom");
  });
  it("`msg` and journald `MESSAGE`", () => {
    expect(jsonLineText('{"level":"info","msg":"plain"}')).toBe("plain");
    expect(jsonLineText('{"_HOSTNAME":"n1","MESSAGE":"(APIServer pid=8707) INFO x"}')).toBe("(APIServer pid=8707) INFO x");
  });
  it("vLLM's JSON logging config: level, time and file put back in vLLM's prefix", () => {
    const line = '{"asctime":"2025-03-10 08:07:20,123","levelname":"ERROR","name":"vllm.v1.engine.core","filename":"core.py","lineno":302,"message":"EngineCore hit an exception"}';
    expect(jsonLineText(line)).toBe("ERROR 03-10 08:07:20 [core.py:302] EngineCore hit an exception");
  });
  it("Fluent Bit Kubernetes metadata becomes the kubectl --prefix form, read back by peel", () => {
    const t = jsonLineText('{"log":"INFO 04-16 11:09:10 [core.py:61] x\\n","kubernetes":{"pod_name":"vllm-0","container_name":"vllm"}}')!;
    expect(t).toBe("[pod/vllm-0/vllm] INFO 04-16 11:09:10 [core.py:61] x");
    expect(toRecord("f", 0, 1, t).origin.host).toBe("vllm-0");
  });
  it("JSON that is not a log record, broken JSON and plain text are left as they are", () => {
    expect(jsonLineText('{"backend":"vllm","request_throughput":8.1}')).toBeNull();
    expect(jsonLineText('{"log": "cut')).toBeNull();
    expect(jsonLineText("INFO plain")).toBeNull();
    expect(jsonLineText("[1,2,3]")).toBeNull();
  });
  it("a mixed file keeps physical line numbers; a multi-line message stays on its line", async () => {
    const text = [
      '{"log":"INFO 07-25 10:11:12 llm_engine.py:73] start\\n"}',
      "plain text line",
      "",
      '{"message":"Traceback (most recent call last):\\n  File \\"x.py\\", line 1, in <module>\\nValueError: bad"}',
      '{"line":"last"}',
    ].join("\n");
    const lines = await linesOf(text, 7);
    expect(lines.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    expect(recordsOf(lines)).toEqual([
      [1, "INFO 07-25 10:11:12 llm_engine.py:73] start"],
      [2, "plain text line"],
      [4, "Traceback (most recent call last):"],
      [4, 'File "x.py", line 1, in <module>'],
      [4, "ValueError: bad"],
      [5, "last"],
    ]);
  });
});

describe("a report of this tool given as a log", () => {
  it("is refused, JSON, NDJSON, text or gzipped (a folder's earlier `-o report.json` gave facts about its quoted evidence); other JSON is read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-own-report-"));
    const log = join(dir, "run.log");
    writeFileSync(log, "INFO 10-14 09:12:03 [api_server.py:1896] vLLM API server version 0.11.2\nINFO 10-14 09:13:01 [kv_cache_utils.py:1087] GPU KV cache size: 380,880 tokens\n");
    const { report } = await analyze([log]);
    writeFileSync(join(dir, "report.json"), renderJson(report));
    writeFileSync(join(dir, "report.ndjson.gz"), gzipSync(renderNdjson(report)));
    writeFileSync(join(dir, "report.txt"), renderText(report, { color: false, width: 80, cwd: dir }));
    writeFileSync(join(dir, "other.json"), JSON.stringify({ schemaVersion: 1, tool: { name: "other" }, note: "vllm-doctor" }));
    // the other formats, given by name (a directory scan does not pick their names)
    const others = { "report.md": renderMarkdown(report), "report.html": renderHtml(report), "report.sarif": renderSarif(report), "report.xml": renderJunit(report, { ruleIds: [] }) };
    for (const [name, text] of Object.entries(others)) writeFileSync(join(dir, name), text);
    // the text report of several runs opens with their verdict
    const two = { ...report, runs: [0, 1].map(() => ({ inputs: [log], why: "they serve different models", verdict: "Healthy.", facts: report.facts, findings: [], summary: report.summary })) };
    writeFileSync(join(dir, "runs.md"), renderText({ ...two, verdict: "2 separate runs, each reported on its own because they serve different models: run 1 healthy; run 2 healthy." }, { color: false, width: 80, cwd: dir }));
    const named = await analyze([...Object.keys(others), "runs.md"].map((n) => join(dir, n)));
    expect(named.failures.map((f) => f.message)).toEqual(["Markdown", "HTML", "SARIF", "JUnit", "text"].map((k) => `a vllm-doctor ${k} report, not a log (write reports with --format json to compare or merge them)`));
    const refusedJson = "a vllm-doctor JSON report, not a log (`vllm-doctor diff`, `merge` and `check --baseline` read reports)";
    const refusedText = "a vllm-doctor text report, not a log (write reports with --format json to compare or merge them)";
    // named by the user: input errors
    const byName = await analyze(["report.json", "report.ndjson.gz", "report.txt"].map((n) => join(dir, n)));
    expect(byName.failures).toEqual([
      { path: join(dir, "report.json"), message: refusedJson },
      { path: join(dir, "report.ndjson.gz"), message: refusedJson },
      { path: join(dir, "report.txt"), message: refusedText },
    ]);
    // found beside logs in a folder: left out with a notice (a folder a report was saved into still reads)
    const r = await analyze([dir]);
    expect(r.failures).toEqual([]);
    expect(r.report.notices).toEqual([
      `${join(dir, "report.json")}: left out: ${refusedJson}`,
      `${join(dir, "report.ndjson.gz")}: left out: ${refusedJson}`,
      `${join(dir, "report.txt")}: left out: ${refusedText}`,
    ]);
    expect(r.report.facts.kvCache.tokens).toBe(380880);
    expect(r.report.inputs.find((i) => i.path === join(dir, "other.json"))).toMatchObject({ lines: 1 });
  });
});

describe("a regular file's range read ahead", () => {
  const dir = mkdtempSync(join(tmpdir(), "vd-ahead-"));
  const path = join(dir, "run.log");
  const text = Array.from({ length: 2000 }, (_, i) => `gpu-node-a:41000:41000 [0] NCCL INFO line ${i}\n`).join("");
  writeFileSync(path, text);
  const openFds = () => readdirSync("/proc/self/fd").length;
  const rangeOf = async (start: number, end: number, chunkBytes: number) => {
    const { sources } = await resolveInputs([path]);
    return sources[0].openRange!(start, end, { ...DEFAULT_LIMITS, chunkBytes }, undefined, true);
  };

  it("gives the very bytes of the range, in order, each chunk whole until the third after it is asked for", async () => {
    for (const [start, end, chunkBytes] of [[0, text.length, 4096], [17, text.length - 5, 333], [100, 101, 4096], [5, 5, 64], [0, text.length, 1 << 20]]) {
      const parts: Buffer[] = [];
      const held: Buffer[] = [];
      for await (const chunk of await rangeOf(start, end, chunkBytes)) {
        held.push(chunk);
        // the chunk two before this one still holds what it held when it came
        if (held.length >= 3) expect(held[held.length - 3].toString("latin1"), "a chunk overwritten too early").toBe(parts[parts.length - 2].toString("latin1"));
        parts.push(Buffer.from(chunk));
      }
      expect(Buffer.concat(parts).toString("latin1")).toBe(text.slice(start, end));
    }
  });

  it("a reader that stops early leaves no read under way and no descriptor open", async () => {
    const before = openFds();
    let n = 0;
    for await (const chunk of await rangeOf(0, text.length, 512)) {
      expect(chunk.length).toBeGreaterThan(0);
      if (++n === 3) break;
    }
    expect(openFds()).toBe(before);
  });
});
