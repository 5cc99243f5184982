import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeSource, buildReport, type AnalyzeOptions } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { fileSource } from "../src/input/sources.js";
import { localRangeCounter } from "../src/parallel/split.js";
import { greedyRangeCounter } from "./helpers/range-counter.js";
import { isAscii } from "node:buffer";
import { createDispatcher } from "../src/classify.js";
import { chunkLine } from "../src/input/lines.js";
import { toRecord } from "../src/records/peel.js";
import { splitPhysicalLine } from "../src/records/split.js";
// @ts-expect-error a plain ES module without types
import { shapedLog } from "../bench/generate.mjs";

/**
 * The fast path's speed may not depend on how a collector wrapped the lines, and neither may the report: the bench's
 * shapes (bench/generate.mjs, `npm run bench -- --shapes`) read to the bare log's facts and findings, and every
 * shape and a log of awkward wrappers reads the same with the fast path on and off, in one part or two.
 */

const BYTES = 160_000;
const shape = (name: string, seed = 5): string => [...(shapedLog(name, { bytes: BYTES, seed }) as Iterable<string>)].join("");

/** A file's report and events, read from disk in 4 KiB chunks (in two parts with `split`). */
async function readPath(path: string, opts: AnalyzeOptions) {
  const part = await analyzeSource(await fileSource(path), 0, { limits: { chunkBytes: 4096 }, ...opts });
  return JSON.stringify({ report: buildReport(part.state), events: part.events });
}

async function read(text: string, opts: AnalyzeOptions = {}, chunkBytes = 16384) {
  const part = await analyzeSource(memorySource("shape.log", text), 0, { limits: { chunkBytes }, jobs: 1, ...opts });
  return { report: buildReport(part.state), events: part.events };
}

/** facts and findings with the evidence reduced to its line number (a wrapper stays in the evidence's text) */
const essence = (r: { report: { facts: unknown; findings: unknown } }) =>
  JSON.stringify({ facts: r.report.facts, findings: r.report.findings }, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) && "file" in v && "line" in v && "text" in v ? { line: v.line } : v,
  );

/** the tqdm line every 40 lines, with `█` (or `#`, the same line in ASCII) */
const withProgress = (text: string, bar: string) => {
  const lines = text.split("\n");
  return lines.map((l, i) => (i % 40 === 39 ? `${l}\nLoading safetensors checkpoint shards:  50% |${bar.repeat(5)}     | 1/2 [00:01<00:01,  1.2${i % 10}it/s]` : l)).join("\n");
};

describe("the bench's shapes read to the bare log's report", () => {
  const bare = shape("bare");

  it("kubectl --timestamps, docker compose and CRLF: the bare log's facts and findings, the wrapped lines counted on the fast path", async () => {
    const want = essence(await read(bare));
    for (const name of ["kubectl", "compose", "crlf"]) {
      const text = shape(name);
      expect(text.length, name).toBeGreaterThan(bare.length);
      expect(essence(await read(text)), name).toBe(want);
    }
    // the collectives were counted: 16 ranks, each with its last opCount
    const rankMap = JSON.parse(want).facts.nccl.rankMap as { lastOpCount: number | null; collectives?: number }[];
    expect(rankMap).toHaveLength(16);
    expect(rankMap.every((r) => r.lastOpCount !== null && r.lastOpCount > 20)).toBe(true);
  });

  it("the fast path counts nearly every collective and TRACE line whatever the wrapper, CRLF and non-ASCII lines included", () => {
    for (const [name, text] of [["bare", bare], ["kubectl", shape("kubectl")], ["compose", shape("compose")], ["ray", shape("ray")], ["crlf", shape("crlf")], ["nonascii", withProgress(bare, "█")]]) {
      const { counted, fastLike, quiet } = fastShare(text);
      expect(counted, name).toBeGreaterThan(fastLike * 0.97);
      expect(counted, name).toBeLessThanOrEqual(fastLike + quiet);
    }
  });

  it("non-ASCII lines: the report of the same log in ASCII", async () => {
    expect(essence(await read(withProgress(bare, "█")))).toBe(essence(await read(withProgress(bare, "#"))));
  });

  it("every shape and a mix of awkward wrappers read the same with the fast path on and off, in any chunk size", async () => {
    const texts = [...["kubectl", "compose", "ray", "crlf", "vllm-server", "vllm-debug", "nccl-setup"].map((n) => shape(n).slice(0, 60_000)), withProgress(bare.slice(0, 60_000), "█"), awkward()];
    for (const text of texts) {
      const slow = JSON.stringify(await read(text, { fastPath: false }));
      for (const chunk of [4096, 65536]) expect(JSON.stringify(await read(text, {}, chunk)), `${text.slice(0, 60)} / ${chunk}`).toBe(slow);
    }
  }, 60_000);

  it("a wrapped file read in two parts (the later part counted speculatively) gives the report of reading it in one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-shapes-"));
    for (const [name, text] of [["kubectl", shape("kubectl")], ["ray", shape("ray")], ["compose", shape("compose")], ["awkward", awkward()]]) {
      const path = join(dir, `${name}.log`);
      writeFileSync(path, text);
      const readFile = (opts: AnalyzeOptions) => readPath(path, opts);
      const one = await readFile({ jobs: 1 });
      expect(await readFile({ jobs: 2, split: { minBytes: 0, share: 0.3, segmentBytes: 8192, counter: localRangeCounter } }), name).toBe(one);
      // (every segment counted speculatively)
      expect(await readFile({ jobs: 2, split: { minBytes: 0, share: 0.3, segmentBytes: 8192, counter: greedyRangeCounter().counter } }), name).toBe(one);
    }
  }, 60_000);
});

describe("wrappers that change mid-file, a CR or a non-ASCII character inside a record", () => {
  const bare = shape("bare").slice(0, 90_000);
  const lines = bare.slice(0, bare.lastIndexOf("\n")).split("\n");
  const ray = (l: string, ip: string) => {
    const m = /^[\w.\-]+:(\d+):\d+ \[\d+\] /.exec(l);
    return m ? `(RayWorkerWrapper pid=${m[1]}, ip=${ip}) ${l}` : l;
  };
  const third = Math.floor(lines.length / 3);
  // a container renamed, then two containers writing the same processes' lines in turn; a process's Ray prefix names
  // another node (a wrapper of another length) for a while, then the one before
  const compose = lines.map((l, i) => `vllm-${i < third ? "head" : i < 2 * third ? "worker" : i % 2 ? "head" : "worker"}-1  | ${l}`).join("\n") + "\n";
  const moved = lines.map((l, i) => ray(l, i >= third && i < 2 * third && l.includes(":41014:") ? "10.20.0.9" : "10.20.0.11")).join("\n") + "\n";
  // CRLF, with a CR inside a record now and then (after the opCount, in a TRACE line, at a wrapper's end, before the CRLF)
  const cr = lines
    .map((l, i) => (i % 97 === 5 ? l.replace(" sendbuff ", " sendbuff\r") : i % 97 === 40 ? l.replace(" posted,", "\r posted,") : i % 97 === 70 ? `vllm-head-1  |\r ${l}` : i % 97 === 90 ? `${l}\r` : l))
    .join("\r\n") + "\r\n";
  // a non-ASCII character inside collective, TRACE and chatter records, in a wrapper, and a tqdm bar now and then
  const high = lines
    .map((l, i) => (i % 89 === 3 ? l.replace(" datatype ", " datatypé ") : i % 89 === 30 ? l.replace(" posted,", " posted \u2192") : i % 89 === 60 ? `vllm-h\u00e9ad-1  | ${l}` : i % 89 === 80 ? `${l}\nLoading shards:  50% |\u2588\u2588\u2588     | 1/2` : l))
    .join("\n") + "\n";
  const texts = { compose, moved, cr, high };

  it("each reads the same with the fast path on and off, in one part or two (the later part counted speculatively)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-wrap-change-"));
    for (const [name, text] of Object.entries(texts)) {
      const slow = JSON.stringify(await read(text, { fastPath: false }));
      for (const chunk of [4096, 65536]) expect(JSON.stringify(await read(text, {}, chunk)), `${name} / ${chunk}`).toBe(slow);
      const path = join(dir, `${name}.log`);
      writeFileSync(path, text);
      const readFile = (opts: AnalyzeOptions) => readPath(path, opts);
      const one = await readFile({ jobs: 1 });
      expect(await readFile({ jobs: 2, split: { minBytes: 0, share: 0.3, segmentBytes: 8192, counter: greedyRangeCounter().counter } }), name).toBe(one);
    }
  }, 60_000);

  it("the lines behind a wrapper are counted again once it changed, and so are the lines after a CR or non-ASCII record", () => {
    for (const [name, text] of Object.entries(texts)) {
      const { counted, fastLike, quiet } = fastShare(text);
      // (a line holding a CR before its end or a non-ASCII character goes the ordinary way, and so do the first lines of
      // each header behind each wrapper)
      const odd = text.split("\n").filter((l) => / NCCL INFO \w+: opCount | NCCL TRACE /.test(l) && /\r(?!$)|[^\x00-\x7f]/.test(l)).length;
      if (name === "cr" || name === "high") expect(odd, name).toBeGreaterThan(5);
      expect(counted, name).toBeGreaterThan((fastLike - odd) * 0.97);
      expect(counted, name).toBeLessThanOrEqual(fastLike + quiet - odd);
    }
  });
});

/** how many lines the NCCL reader's fast counter took (the rest read the ordinary way), of those that look like COLL/TRACE */
function fastShare(text: string): { counted: number; fastLike: number; quiet: number } {
  const b = Buffer.from(text, "utf8");
  const d = createDispatcher();
  const c = d.fast.begin(b, 10_000, { ascii: isAscii(b) });
  let counted = 0;
  let n = 0;
  for (let s = 0; s < b.length; ) {
    const nl = b.indexOf(10, s);
    n++;
    if (c.line(s, nl, n)) counted++;
    else {
      c.pass();
      for (const piece of splitPhysicalLine(chunkLine({ head: null, headCut: 0, bytes: b, ascii: false, text: "", start: 0, end: b.length }, s, nl, 10_000))) d.dispatch(toRecord("x", 0, n, piece), () => {});
    }
    s = nl + 1;
  }
  c.done();
  // (`quiet`: set-up lines NCCL reads to nothing, which a bare line takes once read so after another header: see
  // test/setup-fold-wide.test.ts; or to one event another header's line of the text was read to: test/setup-rest.test.ts)
  const lines = text.split("\n");
  const setUp = / NCCL INFO (?:cudaDriverVersion \d+|Connected all rings.*|Bootstrap ?: Using \S+|NET\/IB ?: Using .*|Using network \w+|NCCL_\w+ set by environment to \S+)\r?$/;
  return { counted, fastLike: lines.filter((l) => / NCCL INFO \w+: opCount | NCCL TRACE /.test(l)).length, quiet: lines.filter((l) => setUp.test(l)).length };
}

/**
 * Wrappers whose origin readers have something to say mid-log: a pid that moves to another node and back, nested
 * process prefixes that name a new process under a known one, a template before a process prefix, ANSI colour
 * in a prefix, mpirun and torchrun tags, a container renamed, look-alike lines after a wrapper, glued records.
 */
function awkward(): string {
  let x = 7;
  const rnd = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const out: string[] = ["NCCL version 2.21.5+cuda12.4"];
  // (kubectl writes RFC 3339 with nanoseconds, trailing zeros cut: the stamp's length varies)
  const stamp = (i: number) => `2025-11-20T09:${String(10 + (i % 50)).padStart(2, "0")}:02.${String(100000000 + ((i * 7919) % 1000) * (i % 3 === 0 ? 1000 : 1)).slice(1).replace(/0+$/, "")}Z `.replace(".Z", "Z");
  for (let i = 0; i < 2500; i++) {
    const r = rnd(4);
    const pid = 500 + r;
    const ip = rnd(40) === 0 ? "10.0.0.99" : `10.0.0.${r % 2}`;
    const head = `node-${r % 2}:${pid}:${pid} [${r}]`;
    const coll = `${head} NCCL INFO AllReduce: opCount ${i.toString(16)} sendbuff 0x1 recvbuff 0x2 count 8 datatype 7 op 0 root 0 comm 0xabc${r} [nranks=4] stream 0x9`;
    const trace = `node-${r % 2}:${pid}:${pid + 9} [${r}] ${(i / 10).toFixed(6)} sendProxy:380 NCCL TRACE sendProxy [0/1] Isend posted, req 0x7f${i}, size 64`;
    const chatter = [`${head} NCCL INFO Allocated ${i * 64} bytes of shared memory`, `${head} NCCL INFO NET/IB: NCCL Dev ${r} IbDev 0 Port 1 qpn ${700 + i} mtu 5 LID 12`, `${head} NCCL INFO transport/net.cc:${i} Cuda Alloc Size 2097152 pointer 0x7f`][rnd(3)];
    const body = [trace, chatter, coll, coll, coll][rnd(5)];
    switch (rnd(14)) {
      case 0:
        out.push(`(RayWorkerWrapper pid=${pid}, ip=${ip}) ${body}`);
        break;
      case 1:
        out.push(`(EngineCore_DP0 pid=40) (RayWorkerWrapper pid=${pid}, ip=10.0.0.${r % 2}) ${body}`);
        break;
      case 2:
        out.push(`(EngineCore_DP0 pid=40) (${rnd(2) ? "RayWorkerProc" : "VllmWorker rank=1"} pid=${pid}) ${body}`);
        break;
      case 3:
        out.push(`${stamp(i)}(RayWorkerWrapper pid=${pid}, ip=10.0.0.${r % 2}) ${body}`);
        break;
      case 4:
        out.push(`\x1b[36m(RayWorkerWrapper pid=${pid}, ip=10.0.0.${r % 2})\x1b[0m ${body}`);
        break;
      case 5:
        out.push(`[1,${r}]<stdout>:${body}`);
        break;
      case 6:
        out.push(`[rank${r}]:${body}`);
        break;
      case 7:
        out.push(`vllm-${rnd(2) ? "head" : "worker"}-1  | ${body}`);
        break;
      case 8:
        out.push(`${stamp(i)}${body}`);
        break;
      case 9:
        // look-alikes and glued records behind a wrapper
        out.push(`(RayWorkerWrapper pid=${pid}, ip=10.0.0.${r % 2}) ${[`${coll} ERROR`, `${head} NCCL INFO Init COMPLETE`, `${coll}   (RayWorkerWrapper pid=9, ip=1.1.1.1) ${head} NCCL WARN x`, `${coll}\rtqdm 3%`, `${coll} [repeated 3x across cluster]`][rnd(5)]}`);
        break;
      case 10:
        out.push(`(RayWorkerWrapper pid=${pid}, ip=10.0.0.${r % 2})`);
        out.push(`(RayWorkerWrapper pid=${pid}, ip=10.0.0.${r % 2}) ${head} misc.cc:12 NCCL WARN Call to connect returned Connection refused`);
        break;
      case 11:
        out.push(`(APIServer pid=40) INFO 11-20 09:14:0${i % 10} [loggers.py:123] Engine 000: Avg prompt throughput: 12.0 tokens/s, Avg generation throughput: 3.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.0%, Prefix cache hit rate: 0.0%`);
        break;
      default:
        out.push(body);
    }
  }
  return out.join("\n") + "\n";
}
