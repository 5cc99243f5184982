import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twenty-fifth round of real logs, files committed to repositories (server logs kept next to the
 * code, benchmark and notebook outputs): a day-long V1 server whose only traffic after its last stats line is a
 * Prometheus scrape, sleep mode's own allocator running out of memory on wake-up, and a sliding-window model whose
 * printed concurrency is below 1 on an engine that serves. Every log text here is written for the test, in the
 * format's shape, with variants the logs did not show (other versions, wrappers, colour, CRLF).
 */

const pad = (n: number) => String(n).padStart(2, "0");
/** `MM-DD HH:MM:SS` from seconds after 10:00:00 on 05-06 */
const at = (s: number) => `05-06 ${pad(10 + Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
const stats = (s: number, running: number, gen: number, v = "[loggers.py:271]") =>
  `(APIServer pid=41) INFO ${at(s)} ${v} Engine 000: Avg prompt throughput: ${gen ? "12.0" : "0.0"} tokens/s, Avg generation throughput: ${gen.toFixed(1)} tokens/s, Running: ${running} reqs, Waiting: 0 reqs, GPU KV cache usage: ${running ? "0.4" : "0.0"}%, Prefix cache hit rate: 0.0%`;
const access = (method: string, path: string, status = "200 OK") => `(APIServer pid=41) INFO:     127.0.0.1:${40000 + path.length} - "${method} ${path} HTTP/1.1" ${status}`;

/** A V1 server that served, went idle (Running 0), and hours later was stopped; `after` is what came in between. */
function served(after: string[]): string[] {
  const lines: string[] = [`(APIServer pid=41) INFO ${at(0)} [api_server.py:1900] vLLM API server version 0.21.0`];
  for (let i = 0; i < 12; i++) {
    lines.push(access("POST", "/v1/chat/completions"));
    lines.push(stats(10 + i * 10, i < 11 ? 1 : 0, i < 11 ? 38.5 : 0));
  }
  lines.push(...after);
  lines.push(`(APIServer pid=41) INFO ${at(3 * 3600)} [launcher.py:112] [shutdown] API server: shutdown triggered`);
  lines.push(`(APIServer pid=41) INFO:     Shutting down`);
  return lines;
}

describe("traffic after the last stats line that never reaches the engine", () => {
  it("a Prometheus scrape or a health probe of an idle server is no request in flight", async () => {
    const probes = Array.from({ length: 60 }, (_, i) => access("GET", ["/metrics", "/health", "/v1/models"][i % 3]));
    for (const text of variants(served(probes))) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.runtime?.statsLines).toBe(12);
      expect(r.facts.runtime?.statsStoppedEarly).toBe(false);
      expect(ids(r)).not.toContain("runtime/stall");
    }
  });

  it("nor is a call of a control endpoint (sleep mode, cache resets, trl's weight sync)", async () => {
    const control = ["/sleep?level=1", "/wake_up", "/reset_prefix_cache", "/collective_rpc", "/update_named_param/", "/is_sleeping"];
    const calls = Array.from({ length: 30 }, (_, i) => access("POST", control[i % control.length]));
    for (const text of variants(served(calls))) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.runtime?.statsStoppedEarly).toBe(false);
      expect(ids(r)).not.toContain("runtime/stall");
    }
  });

  it("an inference request after the last stats line still counts: the stats stopped with work in flight", async () => {
    for (const path of ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/invocations"]) {
      const after = [...Array.from({ length: 40 }, () => access("GET", "/metrics")), access("POST", path)];
      for (const text of variants(served(after))) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.runtime?.statsStoppedEarly, path).toBe(true);
        expect(ids(r, "error")).toContain("runtime/stall");
      }
    }
  });

  it("the access lines themselves are all still counted (client errors read every response)", async () => {
    const after = [...Array.from({ length: 20 }, () => access("GET", "/metrics")), access("GET", "/v2/models", "404 Not Found")];
    const r = await analyzeText(served(after).join("\n") + "\n");
    const http = r.facts.runtime?.httpStatus ?? {};
    expect(Object.values(http).reduce((a, b) => a + b, 0)).toBe(12 + 21);
    expect(http["404"]).toBe(1);
  });
});

describe("sleep mode's allocator out of memory", () => {
  it("reads the cumem allocator's `CUDA Error: out of memory at file:line`, bare and inside the EngineCore's error", async () => {
    for (const log of [
      ["CUDA Error: out of memory at /opt/vllm/csrc/cumem_allocator.cpp:139"],
      [
        "(APIServer pid=7) INFO 11-02 09:00:00 [api_router.py:39] wake up the engine with tags: None",
        "(EngineCore_DP0 pid=9) ERROR 11-02 09:00:01 [core.py:1211] Invocation of wake_up method failed",
        "(EngineCore_DP0 pid=9) ERROR 11-02 09:00:01 [core.py:1211] RuntimeError: CUDA Error: out of memory at /workspace/csrc/cumem_allocator.cpp:62",
      ],
    ]) {
      for (const text of variants(log)) {
        const r = await analyzeText(text + "\n");
        expect(ids(r, "error"), JSON.stringify(text.slice(0, 60))).toContain("vllm/cuda-oom");
      }
    }
  });

  it("still ignores advice that names the error", async () => {
    const r = await analyzeText("INFO 11-02 09:00:00 [gpu_worker.py:99] To avoid a CUDA Error: out of memory, lower --gpu-memory-utilization\n");
    expect(ids(r)).not.toContain("vllm/cuda-oom");
  });
});

describe("a printed concurrency below 1 on an engine that serves", () => {
  const kv = (tokens: string, x: string) => [
    `(EngineCore_DP0 pid=12) INFO ${at(0)} [kv_cache_utils.py:1087] GPU KV cache size: ${tokens} tokens`,
    `(EngineCore_DP0 pid=12) INFO ${at(0)} [kv_cache_utils.py:1091] Maximum concurrency for 131,072 tokens per request: ${x}x`,
  ];
  it("is vLLM's own accepted start (a sliding-window model's count), not a max_model_len that does not fit", async () => {
    for (const tail of [
      [stats(30, 1, 22.1), stats(40, 0, 3.0)],
      ["(APIServer pid=41) INFO:     Started server process [41]", "(APIServer pid=41) INFO:     Waiting for application startup.", "(APIServer pid=41) INFO:     Application startup complete."],
    ]) {
      for (const text of variants([...kv("52,480", "0.40"), ...tail])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.kvCache.maxConcurrency).toBe(0.4);
        expect(ids(r)).not.toContain("vllm/kv-cache-too-small");
        expect(ids(r, "warning")).toContain("vllm/low-concurrency");
      }
    }
  });

  it("is the error when the log stops at the KV lines (nothing shows the engine went on)", async () => {
    const r = await analyzeText(kv("52,480", "0.40").join("\n") + "\n");
    expect(ids(r, "error")).toContain("vllm/kv-cache-too-small");
  });
});

describe("RCCL's DMA-BUF advisories", () => {
  it("are WARNs that report a setting, not a failure: no error finding, still the first WARN", async () => {
    for (const warn of [
      "DMA_BUF Support is force enabled, so explicitly setting RCCL_FORCE_ENABLE_DMABUF=1",
      "NCCL_CUMEM_ENABLE is set but NCCL_DMABUF_ENABLE is not. Forcefully enabling DMA-BUF for hipMem.",
    ]) {
      const log = [
        `gpu-node-3:4121:4121 [0] misc/rocmwrap.cc:180 NCCL WARN ${warn}`,
        "gpu-node-3:4121:4188 [0] NCCL INFO NET/IB : Using [0]rdma0:1/RoCE [1]rdma1:1/RoCE [RO]; OOB eth0:10.1.2.3<0>",
        "gpu-node-3:4121:4188 [0] NCCL INFO Using network IB",
        "gpu-node-3:4121:4188 [0] NCCL INFO comm 0x5590e1c0 rank 0 nranks 2 cudaDev 0 busId 3000 - Init COMPLETE",
      ];
      for (const text of variants(log)) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.nccl.firstWarn?.line).toBe(1);
        expect(ids(r, "error"), warn).toEqual([]);
        expect(r.facts.nccl.net).toBe("IB");
      }
    }
  });

  it("a real RCCL failure on the same file stays an error", async () => {
    const r = await analyzeText("gpu-node-3:4121:4121 [0] misc/rocmwrap.cc:97 NCCL WARN Failed to load ROCm runtime: hipErrorNoDevice\n");
    expect(ids(r, "error").length).toBeGreaterThan(0);
  });
});

describe("argparse rejecting vLLM's command line", () => {
  it("reads `prog: error: ...` after the usage text, behind a launcher's own logging", async () => {
    const log = [
      "2026-01-05 08:00:01,100 - launcher - INFO - Starting vLLM server...",
      "INFO 01-05 08:00:04 [__init__.py:239] Automatically detected platform cuda.",
      "usage: api_server.py [-h] [--host HOST] [--port PORT]",
      "                     [--max-model-len MAX_MODEL_LEN] [--enable-prefix-caching]",
      "api_server.py: error: unrecognized arguments: --enable-reasoning --reasoning-parser deepseek_r1",
      "2026-01-05 08:00:05,212 - launcher - ERROR - vLLM process terminated unexpectedly",
    ];
    for (const text of variants(log)) {
      const r = await analyzeText(text + "\n");
      const f = r.findings.find((x) => x.ruleId === "vllm/bad-cli-args");
      expect(f?.severity, JSON.stringify(text.slice(0, 40))).toBe("error");
      expect(f!.message).toContain("does not know --enable-reasoning --reasoning-parser deepseek_r1");
      expect(f!.evidence[0].line).toBe(5);
    }
  });
});
