import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectSame } from "./helpers/hot-expect.js";
import { analyze, mergeableStateOf } from "../src/analyze.js";
import { indexOfNccl, runtimeFastLines, wrapperTemplate } from "../src/events/read-runtime.js";
import { toRecord } from "../src/records/peel.js";
import { healthy, kvPressure, queueFreeKv, smallBatchTp, stall, throughputDrop, wrongModel, type Era } from "./fixtures/runtime/logs.js";
import { analyzeText } from "./rules/analyze-text.js";
import { ROOT } from "./helpers/cli.js";

/**
 * The counting fast path for request and access lines (src/events/read-runtime.ts) must leave the analysis
 * exactly as the ordinary path makes it: the same report, line for line, with lines it must not count.
 */
const tmp = mkdtempSync(join(tmpdir(), "vd-runtime-fast-"));
let n = 0;

async function both(text: string) {
  const f = join(tmp, `log${++n}.log`);
  writeFileSync(f, text);
  const before = runtimeFastLines.count;
  const statsBefore = runtimeFastLines.stats;
  // small chunks: the shapes are learnt in the first, counted in the later ones
  const fast = await analyze([f], { limits: { chunkBytes: 2048 } });
  const counted = runtimeFastLines.count - before;
  const stats = runtimeFastLines.stats - statsBefore;
  const slow = await analyze([f], { limits: { chunkBytes: 2048 }, fastPath: false });
  return { fast: JSON.parse(JSON.stringify(fast.report)), slow: JSON.parse(JSON.stringify(slow.report)), counted, stats };
}

/** request lines whose text the other readers would read: each must go the ordinary way */
const TRAPS = (prefix: string) => [
  `${prefix}INFO 08-19 10:09:01 [logger.py:41] Received request chatcmpl-t1: prompt: 'see INFO 08-19 10:00:00 [core.py:1] a glued record', params: SamplingParams(n=1), lora_request: None.`,
  `${prefix}INFO 08-19 10:09:01 [logger.py:41] Received request chatcmpl-t2: prompt: 'NCCL version 2.21.5+cuda12.4 and [rank3]: hello', params: SamplingParams(n=1), lora_request: None.`,
  `${prefix}INFO 08-19 10:09:02 [logger.py:41] Received request chatcmpl-t3: prompt: 'ProcessGroupNCCL [PG 0 Rank 2] timeout WARNING 08-19 x', params: SamplingParams(n=1), lora_request: None.`,
  `${prefix}INFO 08-19 10:09:02 [logger.py:41] Received request chatcmpl-t4: prompt: 'Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 9 reqs', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:03 [logger.py:41] Received request chatcmpl-t5: prompt: 'tab\there', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:03 [async_llm.py:269] Added request chatcmpl-t5.\r`,
  `${prefix}\x1b[32mINFO\x1b[0m 08-19 10:09:04 [logger.py:41] Received request chatcmpl-t6: prompt: 'colour', params: SamplingParams(n=1).`,
  `${prefix}INFO:     10.0.0.1:5000 - "GET /v1/models" HTTP/1.1" 200 OK`,
  `${prefix}INFO:     10.0.0.1:5001 - "POST /v1/chat/completions HTTP/1.1" 404 Not Found`,
  `${prefix}INFO:     10.0.0.1:5002 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`,
  `${prefix}INFO:     10.0.0.1:5003 - "POST /v1/chat/completions HTTP/1.1" 2000 OK`,
  `${prefix}INFO 08-19 10:09:05 [logger.py:41] Received request chatcmpl-t7: prompt: 'the rank of the matrix', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:05 [logger.py:41] Received request chatcmpl-t9: prompt: '(rank 3) distributed init done; rank 0 and rank 1 Duplicate GPU', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:06 [async_llm.py:269] Added request chatcmpl-t9 vLLM is using nccl==2.21.5 over NET/IB : mlx5_0.`,
  `(EngineCore_DP0 pid=9) INFO 08-19 10:09:05 [logger.py:41] Received request chatcmpl-t8: prompt: 'another prefix', params: SamplingParams(n=1).`,
];

/** a healthy log of the era a prefix goes with, with `more(k)`'s lines after the k-th line `after` matches; and k */
function withLinesAfter(prefix: string, after: RegExp, more: (k: number) => string[]): { lines: string[]; out: string[]; k: number } {
  const lines = healthy(prefix ? "v1-0.10" : "v0.6").trimEnd().split("\n");
  const out: string[] = [];
  let k = 0;
  for (const line of lines) {
    out.push(line);
    if (after.test(line)) out.push(...more(++k));
  }
  return { lines, out, k };
}

describe("runtime fast path", () => {
  const eras: Era[] = ["v0.5", "v0.6", "v1-0.8", "v1-0.10", "newest"];
  for (const era of eras) {
    it(`${era}: the same report with and without it, and it counts most request lines`, async () => {
      const text = [healthy(era), wrongModel(era), queueFreeKv(era)].join("");
      const { fast, slow, counted, stats } = await both(text);
      expect(fast).toEqual(slow);
      expect(counted).toBeGreaterThan(40);
      // (of 30 + 12 + 18 stats lines: the first of each shape, and a few at a chunk's end, go the ordinary way)
      expect(stats).toBeGreaterThan(40);
    });
  }

  it("lines it must not count go the ordinary way, between counted ones, with the same report", async () => {
    for (const prefix of ["", "(APIServer pid=1) "]) {
      const base = healthy(prefix ? "v1-0.10" : "v0.6");
      const lines = base.trimEnd().split("\n");
      const mid = Math.floor(lines.length / 2);
      const text = [...lines.slice(0, mid), ...TRAPS(prefix), ...lines.slice(mid), ...TRAPS(prefix)].join("\n") + "\n";
      const { fast, slow, counted } = await both(text);
      expect(fast).toEqual(slow);
      expect(counted).toBeGreaterThan(10);
    }
  });

  it("counts a client's aborted requests (`Aborted request <id>.`) as the ordinary way does; several ids on one line go the ordinary way", async () => {
    for (const prefix of ["", "(APIServer pid=1) "]) {
      const file = prefix ? "async_llm.py:420" : "async_llm_engine.py:179";
      const at = (k: number) => `${prefix}INFO 08-19 10:09:${String(k % 60).padStart(2, "0")} [${file}] `;
      const { lines, out, k } = withLinesAfter(prefix, /Added request/, (k) => [`${at(k)}Aborted request cmpl-${k}.`, ...(k % 7 === 0 ? [`${at(k)}Aborted request(s) cmpl-a${k},cmpl-b${k}.`] : [])]);
      const { fast, slow, counted } = await both(out.join("\n") + "\n");
      const without = await both(lines.join("\n") + "\n");
      expect(fast).toEqual(slow);
      // every single-id line but the first of its shape (and one cut at a chunk's end, now and then) counted from the bytes
      expect(k).toBeGreaterThanOrEqual(20);
      expect(counted - without.counted).toBeGreaterThanOrEqual(k - 4);
      const aborted = (fast.facts.runtime?.requests?.aborted ?? null) as number | null;
      expect(aborted).toBe(k + 2 * Math.floor(k / 7));
    }
  });

  it("counts 4xx and 5xx access lines once the first of each class went the ordinary way: the same report, the first of each its evidence", async () => {
    for (const prefix of ["", "(APIServer pid=1) "]) {
      const { lines, out, k } = withLinesAfter(prefix, / 200 OK$/, (k) => [
        `${prefix}INFO:     10.0.0.${k}:5${k} - "POST /v1/chat/completions HTTP/1.1" ${k % 3 === 0 ? "500 Internal Server Error" : "400 Bad Request"}`,
        ...(k % 4 === 0 ? [`${prefix}INFO:     10.0.0.${k}:6${k} - "GET /health HTTP/1.1" 503 Service Unavailable`] : []),
      ]);
      const text = out.join("\n") + "\n";
      const { fast, slow, counted } = await both(text);
      const without = await both(lines.join("\n") + "\n");
      expect(fast).toEqual(slow);
      expect(k).toBeGreaterThanOrEqual(15);
      // all but the first 4xx and the first 5xx (and one cut at a chunk's end, now and then) counted from the bytes
      expect(counted - without.counted).toBeGreaterThanOrEqual(k + Math.floor(k / 4) - 6);
      const http = fast.facts.runtime.http as Record<string, number>;
      expect(http["4xx"]).toBe(k - Math.floor(k / 3));
      expect(http["5xx"]).toBe(Math.floor(k / 3) + Math.floor(k / 4));
      const textLines = text.split("\n");
      const firstOf = (re: RegExp) => textLines.findIndex((l) => re.test(l)) + 1;
      const sources = JSON.stringify(fast);
      expect(sources).toContain(`"line":${firstOf(/" 4\d\d /)}`);
      expect(sources).toContain(`"line":${firstOf(/" 5\d\d /)}`);
    }
  });

  it("a config dump or a command line still open is never skipped over", async () => {
    const prefix = "(APIServer pid=1) ";
    const lines = stall("v1-0.10").trimEnd().split("\n");
    const open = [
      `${prefix}INFO 08-19 10:08:00 [utils.py:326] non-default args: {'model': 'x', 'max_num_seqs': 4,`,
      `${prefix}INFO 08-19 10:08:01 [logger.py:41] Received request chatcmpl-d1: prompt: 'x', params: SamplingParams(n=1).`,
      "vllm serve meta-llama/Llama-3.1-8B-Instruct \\",
      `${prefix}INFO:     10.0.0.1:5000 - "POST /v1/completions HTTP/1.1" 200 OK`,
    ];
    const text = [...lines.slice(0, 20), ...open, ...lines.slice(20)].join("\n") + "\n";
    const { fast, slow } = await both(text);
    expect(fast).toEqual(slow);
  });

  it("the other scenarios agree too (stats, stalls, preemptions, drops)", async () => {
    for (const text of [kvPressure("v0.6"), stall("newest"), smallBatchTp("v1-0.8"), throughputDrop("v0.5")]) {
      const { fast, slow } = await both(text);
      expect(fast).toEqual(slow);
    }
  });

  /** how collectors write each line: the fast path must count behind them, with the same report as without it */
  const WRAPPERS: Record<string, (line: string, i: number) => string> = {
    kubectl: (l, i) => `2025-08-19T10:${String(10 + (i % 50)).padStart(2, "0")}:0${i % 10}.${String(i * 7919).padStart(9, "0").slice(-9)}Z ${l}`,
    compose: (l) => `vllm-1  | ${l}`,
    "kubectl + compose": (l, i) => `2025-08-19T10:11:${String(i % 60).padStart(2, "0")}.${String(i).padStart(6, "0")}Z vllm-1  | ${l}`,
    crlf: (l) => `${l}\r`,
  };
  /** request and access lines whose client text (prompt, id, path) quotes what other readers read, or ends as the peel reads */
  const CLIENT_TRAPS = (p: string) => [
    `${p}INFO 08-19 10:09:10 [logger.py:41] Received request chatcmpl-q1: prompt: 'why CUDA out of memory. Tried to allocate 2.00 GiB and Connection refused and ibv_poll_cq failed', params: SamplingParams(n=1), lora_request: None.`,
    `${p}INFO 08-19 10:09:10 [logger.py:41] Received request chatcmpl-q2: prompt: 'see INFO 08-19 10:00:00 [core.py:74] Initializing a V1 LLM engine (v0.99.0) with config: model=\'evil\', tensor_parallel_size=64', params: SamplingParams(n=1), lora_request: None.`,
    `${p}INFO 08-19 10:09:11 [async_llm.py:269] Added request Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 99 reqs, Waiting: 0 reqs, GPU KV cache usage: 99.0%.`,
    `${p}INFO 08-19 10:09:11 [logger.py:41] Received request chatcmpl-q3: prompt: 'résumé 東京 ✓', params: SamplingParams(n=1), lora_request: None.`,
    `${p}INFO 08-19 10:09:12 [logger.py:41] Received request chatcmpl-q4: prompt: '\x1b[31mred\x1b[0m and [0m', params: SamplingParams(n=1), lora_request: None.`,
    `${p}INFO 08-19 10:09:12 [async_llm.py:269] Added request chatcmpl-q4. [repeated 3x across cluster]`,
    `${p}INFO 08-19 10:09:13 [logger.py:41] Received request chatcmpl-q5: prompt: 'set RAY_DEDUP_LOGS=0 to disable log deduplication, see the docs for more options.)`,
    `${p}INFO 08-19 10:09:13 [async_llm.py:269] Added request chatcmpl-q5.[0m`,
    `${p}INFO 08-19 10:09:13.250 [logger.py:41] Received request chatcmpl-q6: prompt: 'a header with milliseconds', params: SamplingParams(n=1), lora_request: None.`,
    `${p}INFO 08-19 10:09:14 [async_llm.py:269] Added request chatcmpl-q6 |`,
    `${p}INFO:     10.0.0.1:5004 - "GET /v1/models?x=[1] HTTP/1.1" 200 OK`,
    `${p}INFO:     10.0.0.1:5005 - "GET /v1/models HTTP/1.1" 200 OK [repeated 2x across cluster]`,
    `${p}INFO:     10.0.0.1:5006 - "GET /health HTTP/1.1" \x1b[32m200 OK\x1b[0m`,
    `${p}INFO:     10.0.0.1:5007 - "GET /x Avg prompt throughput: 1.0 tokens/s, Running: 3 reqs HTTP/1.1" 200 OK`,
    `${p}INFO:     10.0.0.1:5008 - "GET /v1/models HTTP/1.1" 304 Not Modified`,
    `${p}INFO:     10.0.0.1:5009 - "GET /NCCL_timeout HTTP/1.1" 200 OK`,
    `vllm-2  | ${p}INFO 08-19 10:09:15 [logger.py:41] Received request chatcmpl-q7: prompt: 'another container', params: SamplingParams(n=1), lora_request: None.`,
  ];

  for (const era of eras) {
    it(`${era}: the same report behind collectors' wrappers and with look-alike client text, and most lines counted`, async () => {
      const prefix = era === "v1-0.10" ? "(APIServer pid=1) " : era === "newest" ? "(APIServer pid=7) " : "";
      const lines = [healthy(era), queueFreeKv(era)].join("").trimEnd().split("\n");
      const mid = Math.floor(lines.length / 2);
      const mixed = [...lines.slice(0, mid), ...CLIENT_TRAPS(prefix), ...lines.slice(mid)];
      for (const [name, wrap] of Object.entries(WRAPPERS)) {
        const { fast, slow, counted, stats } = await both(mixed.map(wrap).join("\n") + "\n");
        expect(fast, name).toEqual(slow);
        expect(counted, name).toBeGreaterThan(40);
        expect(stats, name).toBeGreaterThan(20);
      }
    });
  }

  /**
   * Stats lines the fast path must leave to the ordinary way, each after a line of the shape it learns: numbers it
   * does not read alike (`\d+` with a dot, too many digits, two dots), a line a terminal cut, or one whose next line
   * continues it into a signature, text a client or wrapper put in it, and words a number could complete.
   */
  const STATS_TRAPS = (p: string) => {
    const h = (t: string, file = "loggers.py:123") => `${p}INFO 08-19 10:09:${t} [${file}] `;
    const line = (t: string, rest: string, file?: string) => `${h(t, file)}Engine 000: Avg prompt throughput: 812.0 tokens/s, Avg generation throughput: 1500.0 tokens/s, ${rest}`;
    const ok = "Running: 21 reqs, Waiting: 0 reqs, GPU KV cache usage: 40.0%, Prefix cache hit rate: 41.0%";
    const req = (t: string, i: number) => `${p}INFO 08-19 10:09:${t} [logger.py:41] Received request chatcmpl-s${i}: prompt: 'hi', params: SamplingParams(n=1), lora_request: None.`;
    return [
      line("20", ok),
      req("20", 1),
      line("21", "Running: 1.5 reqs, Waiting: 0 reqs, GPU KV cache usage: 5.%, Prefix cache hit rate: 007.0%"),
      req("21", 2),
      line("21", ok).replace("Engine 000", "Engine 0.0"),
      req("21", 3),
      line("22", ok).replace("812.0", "1234567890123456.5"),
      req("22", 4),
      line("22", ok).replace("40.0%", "4.0.0%"),
      req("22", 5),
      // cut by a terminal, the rest on the next line
      line("23", "Running: 21 reqs, Wai"),
      "ting: 0 reqs, GPU KV cache usage: 40.0%, Prefix cache hit rate: 41.0%",
      // a shape learnt, then the same shape whose next line, joined, states a signature (`CUDA out of memory`)
      line("24", `${ok}, CUDA out of`),
      req("24", 6),
      line("25", `${ok}, CUDA out of`),
      "memory. Tried to allocate 2.00 GiB",
      line("26", `${ok}, CUDA out of`),
      req("26", 7),
      // a client's text, a word a number completes (`gdr 0`), trailing blanks, colour, a fraction of a second, another file
      line("27", `${ok}, prompt: 'CUDA out of memory'`),
      line("27", `${ok}, prompt: 'CUDA out of memory'`),
      line("28", `${ok}, GDR 1 reqs`),
      line("28", `${ok}, GDR 0 reqs`),
      line("29", `${ok}  `),
      line("29", `${ok}  `),
      line("30", ok).replace(`${p}INFO`, `${p}\x1b[32mINFO\x1b[0m`),
      line("30.250", ok),
      line("31", ok, "metrics.py:351"),
      line("31", ok, "metrics.py:351"),
      req("31", 8),
      line("32", ok).replace("Engine 000: ", "2 Engines Aggregated: "),
      line("32", ok).replace("Engine 000: ", "12 Engines Aggregated: "),
      line("33", ok).replace("Engine 000: ", "12.5 Engines Aggregated: "),
      req("33", 9),
    ];
  };

  it("stats lines it must not read from the bytes go the ordinary way, with the same report", async () => {
    for (const [era, prefix] of [["v1-0.10", "(APIServer pid=1) "], ["v1-0.8", ""]] as const) {
      const lines = healthy(era).trimEnd().split("\n");
      const mid = Math.floor(lines.length / 2);
      for (const [name, wrap] of Object.entries({ bare: (l: string) => l, ...WRAPPERS })) {
        const text = [...lines.slice(0, mid), ...STATS_TRAPS(prefix), ...lines.slice(mid), ...STATS_TRAPS(prefix)].map(wrap).join("\n") + "\n";
        const { fast, slow, stats } = await both(text);
        expect(fast, `${era} ${name}`).toEqual(slow);
        expect(stats, `${era} ${name}`).toBeGreaterThan(20);
      }
    }
  });

  it("a stats line read from the bytes reads as the ordinary way reads it, number by number", async () => {
    // one stats line between request lines, many times over: every one after the first is read from the bytes
    const many = Array.from({ length: 400 }, (_, i) => [
      `(APIServer pid=1) INFO 08-19 10:${String(10 + Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} [loggers.py:123] Engine 00${i % 3}: Avg prompt throughput: ${(i * 37.3) % 9000 | 0}.${i % 10} tokens/s, Avg generation throughput: ${((i * 0.37) % 3).toFixed(2)} tokens/s, Running: ${i % 70} reqs, Waiting: ${(i * 7) % 13} reqs${i % 4 === 0 ? `, Preemptions: ${i % 9}` : ""}, GPU KV cache usage: ${(i % 1000) / 10}%, Prefix cache hit rate: ${i % 2 ? "100.0" : "0.0"}%`,
      `(APIServer pid=1) INFO 08-19 10:10:00 [logger.py:41] Received request chatcmpl-n${i}: prompt: 'hi', params: SamplingParams(n=1), lora_request: None.`,
    ]).flat();
    const { fast, slow, stats } = await both(many.join("\n") + "\n");
    expect(fast).toEqual(slow);
    // (a stats line that ends a 2 kB chunk goes the ordinary way: what follows it is not known yet)
    expect(stats).toBeGreaterThan(300);
    expect(fast.facts.runtime.statsLines).toBe(400);
  });

  it("the JSON report's state is the same however the chunks were cut (--follow's appends, --chunk-bytes): its request-line count counted each fast-path event once", async () => {
    const f = join(tmp, "chunks.log");
    writeFileSync(f, readFileSync(join(ROOT, "samples", "server-kv-pressure.log")));
    const state = async (chunkBytes?: number) => JSON.stringify(mergeableStateOf(await analyze([f], chunkBytes ? { limits: { chunkBytes } } : {})));
    const whole = await state();
    expect(JSON.parse(whole).facts.runtime.requests).toEqual({ received: 51, added: 51, finished: 0, aborted: 0, lines: 102 });
    for (const chunkBytes of [64, 777, 2048, 9000]) expect(await state(chunkBytes)).toBe(whole);
  });

  it("a prompt is the client's text: what it quotes is not read as the server's own lines", async () => {
    const base = healthy("v1-0.10");
    const lines = base.trimEnd().split("\n");
    // (at a time inside the stats lines' span, so that they do not seem to stop early)
    const quoting = CLIENT_TRAPS("(APIServer pid=1) ").slice(0, 3).map((l) => l.replace("10:09:1", "10:02:0"));
    const r = await analyzeText([...lines.slice(0, 40), ...quoting, ...lines.slice(40)].join("\n") + "\n");
    const plain = await analyzeText(base);
    expect(r.findings.map((f) => f.ruleId)).toEqual(plain.findings.map((f) => f.ruleId));
    expect(r.facts.config?.tensorParallelSize).toBe(1);
    expect(r.facts.runtime?.statsLines).toBe(plain.facts.runtime?.statsLines);
    expect(r.facts.runtime?.requests?.received).toBe((plain.facts.runtime?.requests?.received ?? 0) + 2);
    expect(r.facts.runtime?.addedRequests).toBe((plain.facts.runtime?.addedRequests ?? 0) + 1);
  });

  it("finds `NCCL` where Buffer#indexOf does, from any offset", () => {
    let seed = 3;
    const pick = (s: string) => s[(seed = (seed * 16807) % 2147483647) % s.length];
    for (let n = 0; n < 300; n++) {
      const b = Buffer.from(Array.from({ length: 1 + (n % 40) }, () => pick("NCL xN")).join(""), "latin1");
      for (let from = 0; from <= b.length; from++) expectSame(indexOfNccl(b, from), b.indexOf("NCCL", from), () => `${b} ${from}`);
    }
  });

  it("learns a wrapper as bytes, with any digit where the peel takes the digits off alike, and the origin's digits as they are", () => {
    const text = "INFO 08-19 10:09:01 [async_llm.py:269] Added request chatcmpl-1.";
    const shown = (raw: string) => {
      const t = wrapperTemplate(toRecord("t.log", 0, 1, raw));
      return t && Buffer.from(t.map((c) => (c === 0 ? 35 : c))).toString("latin1");
    };
    expect(shown(`2025-08-19T10:09:01.123456789Z (APIServer pid=40990) ${text}`)).toBe("####-##-##T##:##:##.#########Z (APIServer pid=40990) ");
    expect(shown(`vllm-head-1  | ${text}`)).toBe("vllm-head-1  | ");
    // (behind a process prefix, the container's name is no origin to the peel)
    expect(shown(`vllm-head-1  | (EngineCore_DP1 pid=7) ${text}`)).toBe("vllm-head-#  | (EngineCore_DP1 pid=7) ");
    expect(shown(`2025-08-19 10:09:01,123 - vllm.entrypoints - INFO - ${text}`)).toBe("####-##-## ##:##:##,### - vllm.entrypoints - INFO - ");
    expect(shown(text)).toBe("");
    // a wrapper the line reader reads otherwise (JSON lines), or that holds what splits a line, is not learnt
    expect(shown(` ${text}`)).toBeNull();
    expect(shown(`NCCL-1  | ${text}`)).toBeNull();
  });

  it("a counted line counts toward the records the dialect observer looks at (the first 5,000)", async () => {
    const lines = healthy("v1-0.10").trimEnd().split("\n");
    const many = Array.from({ length: 3000 }, (_, i) => [
      `(APIServer pid=1) INFO 08-19 10:02:0${i % 10} [logger.py:41] Received request chatcmpl-m${i}: prompt: 'hello', params: SamplingParams(n=1), lora_request: None.`,
      `(APIServer pid=1) INFO 08-19 10:02:0${i % 10} [async_llm.py:269] Added request chatcmpl-m${i}.`,
    ]).flat();
    // record 6,000 or so: past what the observer looks at, whichever way the lines before it were read
    const late = "2025-08-19 10:02:09,123\tINFO worker.py:1821 -- Connecting to existing Ray cluster at address: 10.0.0.1:6379...";
    const { fast, slow, counted } = await both([...lines.slice(0, 40), ...many, late, ...lines.slice(40)].join("\n") + "\n");
    expect(counted).toBeGreaterThan(5000);
    expect(slow.facts.dialects.map((d: { name: string }) => d.name)).not.toContain("ray");
    expect(fast).toEqual(slow);
  });
});
