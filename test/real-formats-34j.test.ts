import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { mixedLog } from "./helpers/nccl-mixed.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 34j (logs as collectors and platforms hand them over): the facts of a log read out of a pretty-printed JSON
 * export (`gcloud logging read --format=json`, `aws logs filter-log-events`, an Elasticsearch `_search` response,
 * Azure's `LogEntry`) and out of `logcli query` output must be those of the bare
 * log. The log texts are written for the test in vLLM's and NCCL's printed layouts (names and numbers made up).
 */

const STARTUP = [
  "(APIServer pid=7) INFO 05-14 09:12:01 [api_server.py:1801] vLLM API server version 0.10.1.1",
  "(APIServer pid=7) INFO 05-14 09:12:01 [utils.py:326] non-default args: {'model_tag': 'acme/chat-9b', 'model': 'acme/chat-9b', 'max_model_len': 16384}",
  "(EngineCore_0 pid=88) INFO 05-14 09:12:40 [gpu_model_runner.py:1921] Model loading took 17.4021 GiB and 6.113208 seconds",
  "(EngineCore_0 pid=88) INFO 05-14 09:12:52 [gpu_worker.py:276] Available KV cache memory: 41.07 GiB",
  "(EngineCore_0 pid=88) INFO 05-14 09:12:52 [kv_cache_utils.py:849] GPU KV cache size: 336,448 tokens",
  "(EngineCore_0 pid=88) INFO 05-14 09:12:52 [kv_cache_utils.py:853] Maximum concurrency for 16,384 tokens per request: 20.54x",
];
// one record holding a traceback: a JSON export keeps it as one message with escaped newlines
const CRASH = [
  "(EngineCore_0 pid=88) ERROR 05-14 09:13:30 [core.py:700] EngineCore failed to start.",
  "Traceback (most recent call last):",
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 691, in run_engine_core',
  "    engine_core = EngineCoreProc(*args, **kwargs)",
  "ValueError: To serve at least one request with the models's max seq len (16384), (2.00 GiB KV cache is needed, which is larger than the available KV cache memory (1.10 GiB). Based on the available memory, the estimated maximum model length is 9008. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
].join("\n");

const RECORDS = [...STARTUP, CRASH];
const BARE = RECORDS.join("\n") + "\n";

const json = (v: unknown, indent: number) => JSON.stringify(v, null, indent) + "\n";
const exports: Array<[string, () => string]> = [
  ["gcloud logging read --format=json", () => json(RECORDS.map((t, i) => ({ insertId: `x${i}`, resource: { type: "k8s_container" }, severity: "DEFAULT", textPayload: t, timestamp: `2026-05-14T09:12:0${i}.5Z` })), 2)],
  ["aws logs filter-log-events", () => json({ events: RECORDS.map((t, i) => ({ logStreamName: "vllm/vllm/0a1b2c", timestamp: 1778749921000 + i, message: t, ingestionTime: 1778749922000, eventId: `3${i}` })), searchedLogStreams: [] }, 4)],
  ["Elasticsearch _search response", () => json({ took: 3, hits: { total: { value: RECORDS.length }, hits: RECORDS.map((t) => ({ _index: "logs-k8s", _source: { "@timestamp": "2026-05-14T09:12:01.000Z", message: t, kubernetes: { pod_name: "vllm-0" } } })) } }, 2)],
  ["aws logs filter-log-events saved with CRLF", () => json({ events: RECORDS.map((t, i) => ({ timestamp: 1778749921000 + i, message: t })) }, 4).replace(/\n/g, "\r\n")],
  ["gcloud export with tab indentation", () => JSON.stringify(RECORDS.map((t) => ({ severity: "DEFAULT", textPayload: t })), null, "\t") + "\n"],
  ["Azure Log Analytics ContainerLog rows", () => json(RECORDS.map((t) => ({ TimeGenerated: "2026-05-14T09:12:01Z", Computer: "aks-gpu-1", LogEntry: t, LogEntrySource: "stdout" })), 2)],
];

describe("pretty-printed JSON exports of a vLLM log", () => {
  for (const [name, make] of exports)
    it(`reads the same facts and findings as from the bare log (${name})`, async () => {
      const bare = await analyzeText(BARE);
      const r = await analyzeText(make());
      expect(bare.facts.vllm.version).toBe("0.10.1.1");
      expect(r.facts.vllm.version).toBe("0.10.1.1");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.config.model).toBe("acme/chat-9b");
      expect(r.facts.config.maxModelLen).toBe(16384);
      expect(r.facts.memory.modelWeightsGiB).toBe(17.4021);
      expect(r.facts.kvCache).toMatchObject({ availableGiB: 41.07, tokens: 336448, maxConcurrency: 20.54, tokensPerRequest: 16384 });
      expect(r.facts.kvCache).toEqual(bare.facts.kvCache);
      expect(r.facts.tracebacks?.count).toBe(bare.facts.tracebacks?.count);
      expect(r.facts.firstError?.text).toContain("EngineCore failed to start.");
      expect(ids(r).sort()).toEqual(ids(bare).sort());
      expect(ids(r)).toContain("vllm/kv-cache-too-small");
    });

  it("leaves the other members of an entry as they are: a `severity` member is no record", async () => {
    const r = await analyzeText(json([{ severity: "ERROR", textPayload: STARTUP[0], logName: "projects/acme/logs/stdout" }], 2));
    expect(r.facts.vllm.version).toBe("0.10.1.1");
    expect(r.facts.firstError).toBeNull();
  });
});

const NCCL = [
  "gpu-a:301:355 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.4.0.11<0>",
  "gpu-a:301:355 [0] NCCL INFO Using network IB",
  "gpu-a:301:355 [0] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC",
  "gpu-a:302:356 [1] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
  "gpu-a:302:356 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via NET/IB/0/GDRDMA",
  "gpu-b:411:460 [0] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via NET/IB/0/GDRDMA",
  "gpu-b:411:460 [0] NCCL INFO comm 0x55d1c2e0 rank 2 nranks 4 cudaDev 0 busId 18000 - Init COMPLETE",
];

/** The report and kept events of `text` with the counting fast path off, and with it on at two chunk sizes. */
async function expectFastPathSame(name: string, text: string): Promise<void> {
  const reportOf = async (fastPath: boolean, chunkBytes: number) => {
    const part = await analyzeSource(memorySource(name, text), 0, { fastPath, limits: { chunkBytes } });
    return JSON.stringify({ report: buildReport(part.state, part.events), events: part.events });
  };
  const slow = await reportOf(false, 8 << 20);
  // the collectives were read out of the export (node-a, node-b, node-c and the lookalikes' hosts)
  expect(JSON.parse(slow).report.facts.nccl.nodes).toBeGreaterThanOrEqual(3);
  for (const chunk of [4096, 8 << 20]) expect(await reportOf(true, chunk), `chunk ${chunk}`).toBe(slow);
}

const mixedLines = () => mixedLog().split("\n").filter((l) => l && !l.includes("ümlaut")).slice(0, 3000);

const csv = (rows: string[], stamp: (i: number) => string, header: string) =>
  [header, ...rows.flatMap((t, i) => `${stamp(i)},"${t.replace(/"/g, '""')}"`.split("\n"))].join("\n") + "\n";

describe("CSV exports of a log search (time, then the quoted message)", () => {
  const variants: Array<[string, () => string]> = [
    ["Kibana CSV report, every field quoted", () => csv(RECORDS, (i) => `"2026-05-14T09:12:0${i}.000Z"`, '"@timestamp","message"')],
    ["Logs Insights table, bare time", () => csv(RECORDS, (i) => `2026-05-14 09:12:0${i}.000`, "@timestamp,@message")],
    ["Logs Insights table saved with CRLF", () => csv(RECORDS, (i) => `2026-05-14 09:12:0${i}.000`, "@timestamp,@message").replace(/\n/g, "\r\n")],
  ];
  for (const [name, make] of variants)
    it(`reads the same facts as from the bare log (${name})`, async () => {
      const bare = await analyzeText(BARE);
      const r = await analyzeText(make());
      expect(r.facts.vllm.version).toBe("0.10.1.1");
      expect(r.facts.config.model).toBe("acme/chat-9b");
      expect(r.facts.memory.modelWeightsGiB).toBe(17.4021);
      expect(r.facts.kvCache).toEqual(bare.facts.kvCache);
      expect(r.facts.firstError?.text).toContain("EngineCore failed to start.");
      expect(ids(r)).toContain("vllm/kv-cache-too-small");
    });

  it("a Python logging record or a stamped line that ends in a quote stays as it is", async () => {
    const r = await analyzeText(
      [
        '2026-05-14 09:12:01,042 - launcher - INFO - serving "acme/chat-9b"',
        '2026-05-14T09:12:01.5Z (APIServer pid=7) INFO 05-14 09:12:01 [api_server.py:1801] vLLM API server version 0.10.1.1 "x"',
      ].join("\n") + "\n",
    );
    expect(r.facts.vllm.version).toBe("0.10.1.1");
    expect(r.facts.firstError).toBeNull();
  });

  it("the counting fast path reports the same on and off", async () => {
    await expectFastPathSame("export.csv", csv(mixedLines(), (i) => `2026-05-14 09:12:${String(i % 60).padStart(2, "0")}.000`, "@timestamp,@message"));
  });
});

describe("NCCL output in a pretty-printed JSON export", () => {
  it("counts the same transports, ranks, hosts and network as the bare output", async () => {
    const bare = await analyzeText(NCCL.join("\n") + "\n");
    const r = await analyzeText(json({ events: NCCL.map((t, i) => ({ timestamp: 1778749921000 + i, message: t + "\n" })) }, 4));
    expect(r.facts.nccl.transports).toMatchObject({ "P2P/IPC": 2, "NET/IB/GDRDMA": 2, "NET/IB": 0, SHM: 0 });
    expect(r.facts.nccl.transports).toEqual(bare.facts.nccl.transports);
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.nccl.ibHcas).toEqual(["mlx5_0:1", "mlx5_1:1"]);
    expect(r.facts.nccl.initComplete).toBe(1);
  });
});

describe("`logcli query` output (time, padded label set, trimmed line)", () => {
  const RAY = [
    "(RayWorkerWrapper pid=2210, ip=10.4.0.12) gpu-b:2210:2290 [0] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [send] via NET/Socket/0",
    "(RayWorkerWrapper pid=2210, ip=10.4.0.12) ERROR 05-14 09:14:02 [worker_base.py:620] Error executing method 'init_device'. This might cause deadlock in distributed execution.",
    "(RayWorkerWrapper pid=2210, ip=10.4.0.12) ERROR 05-14 09:14:02 [worker_base.py:620] Traceback (most recent call last):",
    '(RayWorkerWrapper pid=2210, ip=10.4.0.12) ERROR 05-14 09:14:02 [worker_base.py:620]   File "/opt/venv/lib/python3.12/site-packages/vllm/worker/worker_base.py", line 612, in execute_method',
    "(RayWorkerWrapper pid=2210, ip=10.4.0.12) ERROR 05-14 09:14:02 [worker_base.py:620]     return run_method(self, method, args, kwargs)",
    "(RayWorkerWrapper pid=2210, ip=10.4.0.12) ERROR 05-14 09:14:02 [worker_base.py:620] RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
    "(pid=2311, ip=10.4.0.13) gpu-c:2311:2390 [1] NCCL INFO Channel 00/0 : 5[1] -> 4[0] via P2P/IPC",
    "(EngineCore_DP0 pid=90) Process EngineCore_DP0:",
    "(EngineCore_DP0 pid=90) Traceback (most recent call last):",
    '(EngineCore_DP0 pid=90)   File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap',
    "(EngineCore_DP0 pid=90)     self.run()",
    "(EngineCore_DP0 pid=90) RuntimeError: Engine core initialization failed. See root cause above.",
  ];
  const labels = ['{app="vllm", pod="vllm-head-0"}', '{app="vllm", container="ray", pod="vllm-worker-1"}'];
  const width = Math.max(...labels.map((l) => l.length));
  const logcli = RAY.map((l, i) => `2026-05-14T09:14:${String(i).padStart(2, "0")}Z ${labels[i % 2].padEnd(width)} ${l.trim()}`).join("\n") + "\n";

  it("reads the Ray worker's prefix, its NCCL line and its traceback as in the bare log", async () => {
    const bare = await analyzeText(RAY.join("\n") + "\n");
    const r = await analyzeText(logcli);
    expect(r.facts.nccl.workerIps).toEqual(bare.facts.nccl.workerIps);
    expect(r.facts.nccl.workerIps).toEqual(["10.4.0.12", "10.4.0.13"]);
    expect(r.facts.nccl.transports).toMatchObject({ "NET/Socket": 1, "P2P/IPC": 1 });
    expect(r.facts.tracebacks?.count).toBe(2);
    expect(r.facts.tracebacks?.count).toBe(bare.facts.tracebacks?.count);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r).sort()).toEqual(ids(bare).sort());
    expect(ids(r)).toContain("nccl/system-error");
  });
});

describe("the counting fast path on a pretty-printed JSON export", () => {
  it("reports the same with the fast path on and off", async () => {
    await expectFastPathSame("export.json", json({ events: mixedLines().map((t, i) => ({ timestamp: 1778749921000 + i, message: t })) }, 4));
  });
});
