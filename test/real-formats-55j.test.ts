import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 55j of real logs: vLLM and NCCL lines as log platforms export them (CloudWatch's CSV download
 * and console rows, journald's short format in a non-English locale, a PaaS console's `[time] [/bin/sh]: ` rows with a
 * blank row after each record, RFC 3339 stamps). Those the tool read already; what it did not read is the traceback a
 * JSON formatter keeps apart from the message: python-json-logger writes `logger.exception(...)`'s traceback in
 * `exc_info`, structlog in `exception`, ECS loggers in `error.stack_trace`, Datadog in `error.stack`, so the cause
 * (`ValueError: No available memory for the cache blocks`) was dropped and only "EngineCore failed to start." was left.
 * Every log text here is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T19:31:07.204518337Z ${l}`],
  ["docker compose", (l) => `inference-1  | ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void, wraps = WRAPS): Promise<void> {
  for (const [name, wrap] of wraps)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const PLAIN_ONLY: [string, (l: string) => string][] = [["plain", (l) => l]];

const TRACE = [
  "Traceback (most recent call last):",
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 702, in run_engine_core',
  "    engine_core = EngineCoreProc(*args, **kwargs)",
  "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
].join("\n");

const before = { asctime: "2026-03-02 08:41:10,512", levelname: "INFO", name: "vllm.config", message: "Using max model len 16384" };
const failed = { asctime: "2026-03-02 08:41:57,903", levelname: "ERROR", name: "vllm.v1.engine.core", message: "EngineCore failed to start." };

describe("a JSON record's traceback kept apart from its message", () => {
  const shapes: [string, Record<string, unknown>][] = [
    ["python-json-logger exc_info", { ...failed, exc_info: TRACE }],
    ["structlog exception", { timestamp: "2026-03-02T08:41:57.903Z", level: "error", event: "engine", message: "EngineCore failed to start.", exception: TRACE }],
    ["ECS error.stack_trace", { "@timestamp": "2026-03-02T08:41:57.903Z", "log.level": "error", message: "EngineCore failed to start.", error: { type: "ValueError", stack_trace: TRACE } }],
    ["Datadog error.stack", { status: "error", message: "EngineCore failed to start.", "error.kind": "ValueError", "error.stack": TRACE }],
  ];
  for (const [name, rec] of shapes)
    it(`reads the cause from ${name}, on the record's own line`, async () => {
      for (const eol of ["\n", "\r\n"]) {
        const r = await analyzeText([JSON.stringify(before), JSON.stringify(rec)].join(eol) + eol, "run.jsonl");
        const at = `${name} ${JSON.stringify(eol)}`;
        const kv = r.findings.find((f) => f.ruleId === "vllm/no-kv-cache-memory");
        expect(kv, at).toBeDefined();
        expect(kv!.evidence.map((e) => e.line), at).toEqual([2]);
        expect(ids(r), at).toContain("vllm/engine-init-failed");
        expect(r.facts.firstError?.line, at).toBe(2);
        expect(r.facts.config.maxModelLen, at).toBe(16384);
      }
    });

  it("reads exc_info in a pretty-printed export (gcloud logging read --format=json)", async () => {
    const doc = JSON.stringify([{ jsonPayload: { ...failed, exc_info: TRACE }, severity: "ERROR", timestamp: "2026-03-02T08:41:57.903Z" }], null, 2);
    for (const eol of ["\n", "\r\n"]) {
      const text = doc.split("\n").join(eol) + eol;
      const r = await analyzeText(text, "export.json");
      const lineOf = (s: string) => text.split(eol).findIndex((l) => l.includes(s)) + 1;
      const kv = r.findings.find((f) => f.ruleId === "vllm/no-kv-cache-memory");
      expect(kv, JSON.stringify(eol)).toBeDefined();
      expect(kv!.evidence[0].line).toBe(lineOf('"exc_info"'));
      expect(r.facts.firstError?.line).toBe(lineOf('"message"'));
    }
  });

  it("reads a traceback the message already holds once", async () => {
    const rec = { ...failed, message: `EngineCore failed to start.\n${TRACE}`, exc_info: TRACE };
    const r = await analyzeText(JSON.stringify(rec) + "\n", "run.jsonl");
    const kv = r.findings.filter((f) => f.ruleId === "vllm/no-kv-cache-memory");
    expect(kv).toHaveLength(1);
    expect(kv[0].evidence).toHaveLength(1);
  });

  it("near misses: no traceback, a null or dict member, python's empty exc_text", async () => {
    for (const rec of [
      { ...failed, exc_info: null },
      { ...failed, exc_info: "NoneType: None" },
      { ...failed, exception: [{ exc_type: "ValueError", exc_value: "No available memory for the cache blocks" }] },
      { ...failed, stack_info: "" },
      { ...before, exception: "None" },
    ]) {
      const r = await analyzeText(JSON.stringify(before) + "\n" + JSON.stringify(rec) + "\n", "run.jsonl");
      expect(ids(r), JSON.stringify(rec)).not.toContain("vllm/no-kv-cache-memory");
    }
    // a member named like one that is no traceback (a request's `error` object with a message) adds no line
    const r = await analyzeText(JSON.stringify({ ...before, error: { message: "upstream closed" } }) + "\n", "run.jsonl");
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("journald's short format in a locale whose months are not English", () => {
  const lines = [
    "дек 03 09:12:40 gpu7 python3[5120]: (Worker_TP1 pid=5120) INFO 12-03 09:12:40 [gpu_worker.py:301] Available KV cache memory: 9.62 GiB",
    "дек 03 09:12:40 gpu7 python3[5019]: (EngineCore pid=5019) INFO 12-03 09:12:40 [kv_cache_utils.py:1240] GPU KV cache size: 180,224 tokens",
    "дек 03 09:12:40 gpu7 python3[5019]: (EngineCore pid=5019) INFO 12-03 09:12:40 [kv_cache_utils.py:1241] Maximum concurrency for 16,384 tokens per request: 11.00x",
    "дек 03 09:12:41 gpu7 python3[5121]:  shapes=4096",
  ];
  it("reads the KV cache facts through the journal prefix", async () => {
    await eachWrap(
      lines,
      (r, at) => {
        expect(r.facts.kvCache.tokens, at).toBe(180224);
        expect(r.facts.kvCache.maxConcurrency, at).toBe(11);
        expect(r.facts.kvCache.tokensPerRequest, at).toBe(16384);
        expect(r.facts.kvCache.availableGiB, at).toBe(9.62);
        expect(r.facts.vllm.engine, at).toBe("v1");
        expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
      },
      PLAIN_ONLY,
    );
  });
});

describe("CloudWatch's CSV download (epoch milliseconds, #033 for ESC, quoted rows)", () => {
  const lines = [
    "timestamp,message",
    "1764950400120,vLLM engine args: [--port 8080 --tensor-parallel-size 2 --gpu-memory-utilization 0.88 --model /opt/ml/model]",
    "1764950403550,#033[1;36m(APIServer pid=1)#033[0;0m INFO 12-05 16:00:03 [api_server.py:1885] vLLM API server version 0.11.0",
    `1764950403551,"#033[1;36m(APIServer pid=1)#033[0;0m INFO 12-05 16:00:03 [utils.py:233] non-default args: {'model': '/opt/ml/model', 'tensor_parallel_size': 2, 'gpu_memory_utilization': 0.88}"`,
    `1764950431002,"#033[1;36m(APIServer pid=1)#033[0;0m     raise RuntimeError(""Engine core initialization failed. """`,
    "1764950431004,#033[1;36m(APIServer pid=1)#033[0;0m RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  ];
  it("reads version, model, TP and memory fraction, and the failed start", async () => {
    await eachWrap(
      lines,
      (r, at) => {
        expect(r.facts.vllm.version, at).toBe("0.11.0");
        expect(r.facts.config.model, at).toBe("/opt/ml/model");
        expect(r.facts.config.tensorParallelSize, at).toBe(2);
        expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.88);
        expect(ids(r), at).toContain("vllm/engine-init-failed");
      },
      PLAIN_ONLY,
    );
  });
});

describe("CloudWatch console rows of an aws-ofi-nccl start that gives up", () => {
  const lines = [
    "  | 2026-02-10T03:22:17.401+00:00 | ip-172-31-8-40:311:902 [1] platform_config_endpoint:626 NCCL WARN NET/OFI GDR disabled on GDR-supported instance type p5.48xlarge",
    "  | 2026-02-10T03:22:17.401+00:00 | ip-172-31-8-40:311:902 [1] nccl_net_ofi_create_plugin:335 NCCL WARN NET/OFI aws-ofi-nccl initialization failed",
    "  | 2026-02-10T03:22:17.402+00:00 | ip-172-31-8-40:311:902 [1] NCCL INFO NET/IB : No device found.",
    "  | 2026-02-10T03:22:17.402+00:00 | ip-172-31-8-40:311:902 [1] NCCL INFO NET/Socket : Using [0]ens32:172.31.8.40<0>",
  ];
  it("takes the GDR-required WARN as the first error and the socket fallback as the network", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.findings.some((f) => f.remediation.join(" ").includes("nvidia-peermem")), at).toBe(true);
    });
  });
});

describe("a PaaS console's `[time] [/bin/sh]: ` rows with vLLM's bracketed process prefix", () => {
  const lines = [
    "[2026-04-11 10:02:19] [/bin/sh]: [EngineCore_DP0][pid=871] ERROR 04-11 02:02:19.410 [core.py:1288] EngineCore failed to start.",
    "[2026-04-11 10:02:19] [/bin/sh]: ",
    "[2026-04-11 10:02:19] [/bin/sh]: [EngineCore_DP0][pid=871] ERROR 04-11 02:02:19.410 [core.py:1288] Traceback (most recent call last):",
    "[2026-04-11 10:02:19] [/bin/sh]: ",
  ];
  it("reads the first error on its row and the failed start", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
});

describe("an entry as Google Cloud's Logs Explorer shows it or `gcloud logging read` writes it (bare keys)", () => {
  it("reads a double-quoted textPayload of the Logs Explorer view", async () => {
    const lines = [
      'insertId: "5f1c0a9e000c2b7d51a3e0f2"',
      "labels: {1}",
      'logName: "projects/demo/logs/run.googleapis.com%2Fstderr"',
      "resource: {2}",
      'textPayload: "vllm serve: error: argument --max-num-seqs: invalid int value: \'many\'"',
      'timestamp: "2026-05-02T11:40:09.771204Z"',
    ];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(join(lines, (l) => l, eol));
      const f = r.findings.find((x) => x.ruleId === "vllm/bad-cli-args");
      expect(f, JSON.stringify(eol)).toBeDefined();
      expect(f!.evidence[0].line).toBe(5);
    }
  });

  it("reads a jsonPayload's indented message and YAML's single-quoted and bare textPayload", async () => {
    const lines = [
      "---",
      "insertId: 7q1w2e",
      "severity: INFO",
      "textPayload: (EngineCore_DP0 pid=88) INFO 05-02 11:38:51 [kv_cache_utils.py:1087] GPU KV cache size: 52,480 tokens",
      "---",
      "jsonPayload:",
      "  levelname: ERROR",
      "  message: '(EngineCore_DP0 pid=88) ERROR 05-02 11:38:52 [core.py:708] ValueError: To serve at least one request with the model''s max seq len (65536), (12.00 GiB KV cache is needed, which is larger than the available KV cache memory (9.61 GiB). Based on the available memory, the estimated maximum model length is 52480. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.'",
    ];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(join(lines, (l) => l, eol));
      expect(r.facts.kvCache.tokens, JSON.stringify(eol)).toBe(52480);
      const f = r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small");
      expect(f, JSON.stringify(eol)).toBeDefined();
      expect(f!.evidence[0].line).toBe(8);
      expect(r.facts.firstError?.line).toBe(8);
    }
  });

  it("near misses: a plain `message:` line, an unclosed or unbalanced quote", async () => {
    const r = await analyzeText(
      [
        "message: ERROR this is ordinary text that begins with the word message",
        "msg: 'half ' quoted'",
        'log: "never closed',
        "textPayload: INFO 05-02 11:38:51 [loggers.py:1] nothing failed here",
      ].join("\n") + "\n",
    );
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("Azure Container Apps' console stream and JSON a reader does not know", () => {
  it("reads the `Log` member of `az containerapp logs show --format json`", async () => {
    const lines = [
      '{"TimeStamp": "2026-06-14T07:12:40.1185320+00:00", "Log": "(APIServer pid=1) INFO 06-14 07:12:40 [api_server.py:1885] vLLM API server version 0.11.2"}',
      '{"TimeStamp": "2026-06-14T07:13:31.5500210+00:00", "Log": "(EngineCore_DP0 pid=97) INFO 06-14 07:13:31 [kv_cache_utils.py:1087] GPU KV cache size: 96,512 tokens"}',
      '{"TimeStamp": "2026-06-14T07:13:31.5500980+00:00", "Log_s": "(EngineCore_DP0 pid=97) INFO 06-14 07:13:31 [kv_cache_utils.py:1091] Maximum concurrency for 32,768 tokens per request: 2.95x"}',
    ];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol) + eol, "app.jsonl");
      expect(r.facts.vllm.version, JSON.stringify(eol)).toBe("0.11.2");
      expect(r.facts.kvCache.tokens).toBe(96512);
      expect(r.facts.kvCache.maxConcurrency).toBe(2.95);
    }
  });

  it("a version read off a raw JSON line stops at its closing quote; dev builds keep their local part", async () => {
    const r = await analyzeText('{"t":"2026-06-14T07:12:40Z","raw":"(APIServer pid=1) INFO 06-14 07:12:40 [api_server.py:1885] vLLM API server version 0.11.2"}\n', "odd.jsonl");
    expect(r.facts.vllm.version).toBe("0.11.2");
    const dev = await analyzeText("(APIServer pid=1) INFO 06-14 07:12:40 [api_server.py:1885] vLLM API server version 0.11.1rc2.dev41+g7a1f3c2.d20260610\n");
    expect(dev.facts.vllm.version).toBe("0.11.1rc2.dev41+g7a1f3c2.d20260610");
  });
});
