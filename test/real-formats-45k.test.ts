import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
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
