import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { JsonDigester } from "../src/input/json-digest.js";
import { memorySource } from "../src/input/memory.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 45k (logs as log platforms export them): CSV exports whose rows the reader did not take apart. The CloudWatch
 * console's "Download search results (CSV)" writes the time as epoch milliseconds and quotes the message only when it
 * needs it (RFC 4180: a `"` or `,` inside), so most rows are bare (`1756144009120,#033[1;36m(VllmWorker pid=96)...`);
 * Kibana's CSV report quotes every value, writes the time in its display format (`"Feb 28, 2025 @ 08:14:02.000"`)
 * and keeps the columns picked in Discover (a pod or host name) before the message. The facts and findings must be
 * those of the bare log. Log texts are written for the test in vLLM's and NCCL's printed layouts (names and numbers
 * made up).
 */

const WORKER_FAIL = [
  "(APIServer pid=1) INFO 03-02 07:15:40 [api_server.py:1896] vLLM API server version 0.10.1.1",
  "(VllmWorker pid=61) INFO 03-02 07:16:02 [gpu_model_runner.py:1953] Starting to load model /opt/ml/model...",
  "(VllmWorker pid=61) ERROR 03-02 07:16:05 [multiproc_executor.py:559] WorkerProc failed to start.",
  "(VllmWorker pid=61) ERROR 03-02 07:16:05 [multiproc_executor.py:559] Traceback (most recent call last):",
  '(VllmWorker pid=61) ERROR 03-02 07:16:05 [multiproc_executor.py:559]   File "/usr/lib/python3/dist-packages/vllm/v1/executor/multiproc_executor.py", line 533, in worker_main',
  "(VllmWorker pid=61) ERROR 03-02 07:16:05 [multiproc_executor.py:559]     worker = WorkerProc(*args, **kwargs)",
  "(VllmWorker pid=61) ERROR 03-02 07:16:05 [multiproc_executor.py:559] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 0 has a total capacity of 22.05 GiB of which 312.00 MiB is free.",
  '(APIServer pid=1)   File "/usr/lib/python3/dist-packages/vllm/v1/engine/utils.py", line 759, in wait_for_engine_startup',
  '(APIServer pid=1)     raise RuntimeError("Engine core initialization failed. "',
  "(APIServer pid=1) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  "vLLM engine args: [--port 8080 --tensor-parallel-size 1 --gpu-memory-utilization 0.92 --max-model-len 8192 --model /opt/ml/model]",
];
const BARE = WORKER_FAIL.join("\n") + "\n";

// RFC 4180: a field is quoted when it holds a quote or a comma, its quotes doubled
const field = (t: string) => (/[",]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
// the console's colour and CR escapes (`#033` for ESC, `#015` for a CR the process wrote before its newline)
const colour = (t: string) => t.replace(/^\((\w+ pid=\d+)\) /, "#033[1;36m($1)#033[0;0m ") + (t.includes("ERROR") ? "#015" : "");
const cloudwatchCsv = (rows: string[], eol = "\n") => rows.map((t, i) => `${1772435740000 + 997 * i},${field(colour(t))}`).join(eol) + eol;

describe("CloudWatch console CSV (epoch milliseconds, the message quoted only when it must be)", () => {
  const variants: Array<[string, () => string]> = [
    ["as downloaded", () => cloudwatchCsv(WORKER_FAIL)],
    ["with its header row", () => "timestamp,message\n" + cloudwatchCsv(WORKER_FAIL)],
    ["saved with CRLF", () => cloudwatchCsv(WORKER_FAIL, "\r\n")],
    ["a Ray worker's rows", () => cloudwatchCsv(WORKER_FAIL.map((t) => t.replace("(VllmWorker pid=61)", "(RayWorkerWrapper pid=61, ip=10.1.2.3)")))],
  ];
  for (const [name, make] of variants)
    it(`reads the same facts and findings as from the bare log (${name})`, async () => {
      const bare = await analyzeText(BARE);
      const r = await analyzeText(make());
      expect(bare.facts.firstError?.text).toContain("WorkerProc failed to start.");
      expect(r.facts.vllm.version).toBe("0.10.1.1");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.config).toMatchObject({ tensorParallelSize: 1, gpuMemoryUtilization: 0.92, maxModelLen: 8192, model: "/opt/ml/model" });
      expect(r.facts.firstError?.text).toContain("WorkerProc failed to start.");
      expect(r.facts.firstError?.text).not.toMatch(/^\d/);
      expect(r.facts.tracebacks?.count).toBe(bare.facts.tracebacks?.count);
      expect(ids(r).sort()).toEqual(ids(bare).sort());
      expect(ids(r)).toContain("vllm/engine-init-failed");
    });

  it("a quoted row alone (a traceback frame with its doubled quotes) is read as the frame", async () => {
    const rows = WORKER_FAIL.slice(7, 10);
    const r = await analyzeText(cloudwatchCsv(rows));
    // the record is the message, the export's epoch column off (the colour escapes are the message's own)
    expect(r.facts.firstError?.text).toBe("#033[1;36m(APIServer pid=1)#033[0;0m RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}");
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("rows of numbers and lines that only begin with thirteen digits stay as they are", async () => {
    const r = await analyzeText(
      [
        "1772435740000,17,4096,12.5",
        "1772435740000 (APIServer pid=1) ERROR 03-02 07:15:40 [serving.py:88] not a CSV row",
        "17724357400001,(APIServer pid=1) ERROR 03-02 07:15:40 [serving.py:88] fourteen digits",
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError?.line).toBe(2);
  });
});

const NCCL = [
  "gpu-a:301:355 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
  "gpu-a:301:355 [0] NCCL INFO P2P is disabled between connected GPUs 1 and 0. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1.",
  "gpu-a:302:356 [1] NCCL INFO P2P is disabled between connected GPUs 0 and 1. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1.",
  "gpu-a:301:355 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via SHM/direct/direct",
  "gpu-a:302:356 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via SHM/direct/direct",
  "gpu-a:301:355 [0] NCCL INFO comm 0x55d1c2e0 rank 0 nranks 2 cudaDev 0 busId 18000 - Init COMPLETE",
  "gpu-a:302:356 [1] NCCL INFO comm 0x55d1c2f0 rank 1 nranks 2 cudaDev 1 busId 3b000 - Init COMPLETE",
];
const kibanaDate = (i: number) => `Feb 28, 2026 @ 08:14:${String(2 + i).padStart(2, "0")}.${String(7 * i).padStart(3, "0")}`;
const quoteAll = (cols: string[]) => cols.map((c) => `"${c.replace(/"/g, '""')}"`).join(",");

describe("CSV reports with label columns before the message (Kibana's report, a host and service column)", () => {
  const variants: Array<[string, () => string]> = [
    ["Kibana report: display date, pod column", () => [quoteAll(["@timestamp", "kubernetes.pod.name", "message"]), ...NCCL.map((t, i) => quoteAll([kibanaDate(i), "trainer-0", t]))].join("\n") + "\n"],
    ["ISO time, bare host and service columns", () => ["date,host,service,message", ...NCCL.map((t, i) => `2026-02-28T08:14:0${i}.000Z,gpu-a,trainer,"${t}"`)].join("\n") + "\n"],
    ["Kibana report saved with CRLF", () => NCCL.map((t, i) => quoteAll([kibanaDate(i), "trainer-0", "stdout", t])).join("\r\n") + "\r\n"],
  ];
  for (const [name, make] of variants)
    it(`reads the same NCCL facts as from the bare log (${name})`, async () => {
      const bare = await analyzeText(NCCL.join("\n") + "\n");
      const r = await analyzeText(make());
      expect(bare.facts.nccl.nodes).toBe(1);
      expect(r.facts.nccl.nodes).toBe(1);
      expect(r.facts.nccl.version).toBe("2.21.5");
      expect(r.facts.nccl.version).toBe(bare.facts.nccl.version);
      expect(r.facts.nccl.ranks).toBe(2);
      expect(r.facts.nccl.initComplete).toBe(2);
      expect(r.facts.nccl.transports).toEqual(bare.facts.nccl.transports);
      expect(ids(r).sort()).toEqual(ids(bare).sort());
      expect(ids(r)).toContain("nccl/p2p-disabled");
    });

  it("a column with spaces before the message is no label: the row stays as it is", async () => {
    const row = `"2026-02-28T08:14:02.000Z","two words","${NCCL[0]}"`;
    const r = await analyzeText(row + "\n");
    expect(r.facts.nccl.version).toBeNull();
  });
});

describe("the counting fast path reads the new rows as the ordinary way does", () => {
  for (const [name, text] of [
    ["cloudwatch.csv", cloudwatchCsv([...WORKER_FAIL, ...NCCL])],
    ["kibana.csv", NCCL.map((t, i) => quoteAll([kibanaDate(i), "trainer-0", t])).join("\n") + "\n"],
  ] as const)
    it(name, async () => {
      const reportOf = async (fastPath: boolean, chunkBytes: number) => {
        const part = await analyzeSource(memorySource(name, text), 0, { fastPath, limits: { chunkBytes } });
        return JSON.stringify({ report: buildReport(part.state, part.events), events: part.events });
      };
      const slow = await reportOf(false, 8 << 20);
      for (const chunk of [512, 8 << 20]) expect(await reportOf(true, chunk), `chunk ${chunk}`).toBe(slow);
    });
});

// `journalctl -o json`: one object a line; a MESSAGE holding a control byte (the ESC of vLLM's coloured process prefix)
// is written as the array of its bytes (systemd's Journal JSON Format), every other one as a string
const STARTUP = [
  "\x1b[1;36m(APIServer pid=2210)\x1b[0;0m INFO 04-09 16:20:11 [api_server.py:1896] vLLM API server version 0.10.2",
  "\x1b[1;36m(EngineCore_DP0 pid=2301)\x1b[0;0m INFO 04-09 16:21:02 [gpu_worker.py:298] Available KV cache memory: 21.37 GiB",
  "\x1b[1;36m(EngineCore_DP0 pid=2301)\x1b[0;0m INFO 04-09 16:21:02 [kv_cache_utils.py:1087] GPU KV cache size: 311,232 tokens",
  "\x1b[1;36m(EngineCore_DP0 pid=2301)\x1b[0;0m INFO 04-09 16:21:02 [kv_cache_utils.py:1091] Maximum concurrency for 32,768 tokens per request: 9.50x",
  "INFO:     Application startup complete.",
];
const journalJson = (rows: string[], eol = "\n") =>
  rows
    .map((t, i) => {
      const bytes = [...Buffer.from(t, "utf8")];
      const message = bytes.some((b) => b < 32) ? bytes : t;
      return JSON.stringify({ __CURSOR: `s=7f1c;i=${i + 40}`, __REALTIME_TIMESTAMP: String(1775751611000000 + i), PRIORITY: "6", SYSLOG_IDENTIFIER: "vllm", _PID: "2210", _SYSTEMD_UNIT: "vllm.service", MESSAGE: message });
    })
    .join(eol) + eol;

describe("journalctl -o json: a message with control bytes comes as the array of its bytes", () => {
  for (const [name, make] of [
    ["as written", () => journalJson(STARTUP)],
    ["saved with CRLF", () => journalJson(STARTUP, "\r\n")],
    ["behind a MESSAGE_ID and a longer field of numbers", () => journalJson(STARTUP).replace(/"PRIORITY"/g, '"MESSAGE_ID":"f77379a8490b408bbe5f6940505a777b","_SOURCE_NUMBERS":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],"PRIORITY"')],
  ] as const)
    it(`reads the same KV cache facts as the bare log (${name})`, async () => {
      const bare = await analyzeText(STARTUP.join("\n") + "\n");
      const r = await analyzeText(make());
      expect(r.facts.vllm.version).toBe("0.10.2");
      expect(r.facts.kvCache).toMatchObject({ tokens: 311232, maxConcurrency: 9.5, tokensPerRequest: 32768, availableGiB: 21.37 });
      expect(r.facts.kvCache).toEqual(bare.facts.kvCache);
    });

  it("the JSON digest keeps a MESSAGE's bytes whole and still cuts an array of numbers under another key short", () => {
    const line = JSON.stringify({ MESSAGES: Array.from({ length: 40 }, (_, i) => i), MESSAGE: Array.from({ length: 40 }, (_, i) => 65 + (i % 26)), MESSAGE_X: [[1, 2]] }) + "\n";
    const out = JSON.parse(Buffer.from(new JsonDigester().push(Buffer.from(line))).toString("utf8"));
    expect(out.MESSAGES).toHaveLength(17);
    expect(out.MESSAGES[16]).toMatchObject({ $elided: 24, $length: 40 });
    expect(out.MESSAGE).toHaveLength(40);
  });
});
