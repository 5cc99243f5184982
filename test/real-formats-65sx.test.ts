import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 65sx of real logs: NCCL and engine output under other inference servers (SGLang, TensorRT-LLM,
 * LMDeploy, TGI, DeepSpeed-MII). Two readings were missing: SGLang's records of messages it logs only at ERROR print no
 * level word (`[2025-02-26 12:01:56 TP2] Scheduler hit an exception: Traceback ...`, the parent's `Received sigquit from
 * a child process ...`), and the peel left `TP2] ` of the rank-tagged stamp on the message, so none of them was an
 * error; and two ranks of one communicator whose Init lines name one GPU of one host went unread when the paste ended
 * before NCCL's `Duplicate GPU detected` WARN; TGI launcher's ERROR records (Rust tracing under the one-word target
 * `text_generation_launcher`), TensorRT-LLM 1.x's `[TRT-LLM] [RANK N] [E]` records and LMDeploy's Python logger's ERROR
 * records (the level in the header the peel takes off) were not errors either. Every log text here is written for the
 * test in the printed layout.
 */

const WRAPS: [string, (l: string) => string, string][] = [
  ["plain LF", (l) => l, "\n"],
  ["kubectl --timestamps LF", (l) => `2026-12-06T23:41:07.204518337Z ${l}`, "\n"],
  ["docker compose CRLF", (l) => `sglang-1  | ${l}`, "\r\n"],
];

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap, eol] of WRAPS) check(await analyzeText(lines.map(wrap).join(eol) + eol), name);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

/** no vLLM line in the text: no vLLM fact may be read from another server's records */
function noVllmFacts(r: Report, at: string): void {
  expect(r.facts.vllm.version, at).toBeNull();
  expect(r.facts.vllm.engine, at).toBeNull();
  const c = r.facts.config;
  for (const k of ["model", "tensorParallelSize", "pipelineParallelSize", "dataParallelSize", "executorBackend", "maxModelLen", "gpuMemoryUtilization"] as const) expect(c[k], `${at} ${k}`).toBeNull();
}

describe("SGLang's error-only records, stamped with its rank tags or not", () => {
  it("`<Process> hit an exception:` on a `[date TPn]` record is the first error; the version line before it is read", async () => {
    const lines = [
      "[2026-04-03 17:20:41 TP0] sglang is using nccl==2.27.3",
      "[2026-04-03 17:20:41 TP1] sglang is using nccl==2.27.3",
      "[2026-04-03 17:20:44 TP1] Scheduler hit an exception: Traceback (most recent call last):",
      '  File "/opt/sgl/python/sglang/srt/managers/scheduler.py", line 2410, in run_scheduler_process',
      "    scheduler = Scheduler(server_args, port_args, gpu_id, tp_rank, moe_ep_rank, pp_rank, dp_rank)",
      "RuntimeError: CUDA error: invalid device ordinal",
      "",
      "[2026-04-03 17:20:44] Received sigquit from a child process. It usually means the child failed.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.firstError?.text, at).toContain("Scheduler hit an exception:");
      expect(r.facts.nccl.version, at).toBe("2.27.3");
      expect(r.facts.dialects?.map((d) => d.name), at).toContain("sglang");
      noVllmFacts(r, at);
    });
  });

  it("data-parallel tags, the early-2025 `proces.` typo, a stamp a paste dropped, and 0.2's `Exception in ModelTpServer:`", async () => {
    const cases: [string[], number][] = [
      [["[2026-01-19 08:02:13 DP1 TP3] DataParallelController hit an exception: Traceback (most recent call last):"], 1],
      [["[2026-01-19 08:02:13 PP0 TP2] loading weights", "[2026-01-19 08:02:14] Received sigquit from a child proces. It usually means the child failed."], 2],
      [["warming up", "TokenizerManager hit an exception: Traceback (most recent call last):"], 2],
      [["Exception in ModelTpServer:", "Traceback (most recent call last):"], 1],
    ];
    for (const [lines, line] of cases)
      await eachWrap(lines, (r, at) => {
        expect(r.facts.firstError?.line, `${at} ${lines[0]}`).toBe(line);
        noVllmFacts(r, at);
      });
  });

  it("near misses: an INFO record, the words quoted in a script, a sentence about them, another stamp's brackets", async () => {
    const lines = [
      "[2026-04-03 17:20:41 TP0] Load weight begin. avail mem=71.20 GB",
      '    "Scheduler hit an exception",',
      "The server printed Received sigquit from a child process. It usually means the child failed.",
      "[2026-04-03 17:20:41 GPU0] Scheduler hit an exception: Traceback (most recent call last):",
      "[2026-04-03 17:20:45 TP0] Capture cuda graph end. Time elapsed: 3.12 s",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
      noVllmFacts(r, at);
    });
  });
});

describe("TGI launcher's ERROR records (Rust tracing, the crate root as the target)", () => {
  it("`ERROR shard-manager: text_generation_launcher: ...` is the first error; INFO and WARN records are not", async () => {
    const lines = [
      "2026-05-14T08:31:02.114503Z  INFO text_generation_launcher: Sharding model on 2 processes",
      "2026-05-14T08:31:09.552108Z  INFO shard-manager: text_generation_launcher: Waiting for shard to be ready... rank=1",
      "2026-05-14T08:31:12.003911Z  WARN text_generation_launcher: `trust_remote_code` is set. Trusting that model `/data/m` do not contain malicious code.",
      "2026-05-14T08:31:12.004127Z ERROR shard-manager: text_generation_launcher: Shard complete standard error output:",
      "",
      "[W socket.cpp:663] [c10d] The client socket has failed to connect to [localhost]:29500 (errno: 99 - Cannot assign requested address).",
      "2026-05-14T08:31:12.118310Z ERROR text_generation_launcher: Shard 1 failed to start",
    ];
    for (const [name, wrap, eol] of WRAPS.slice(0, 2)) {
      const r = await analyzeText(lines.map(wrap).join(eol) + eol);
      expect(r.facts.firstError?.line, name).toBe(4);
      expect(r.facts.dialects?.map((d) => d.name), name).toContain("tgi");
      noVllmFacts(r, name);
    }
  });
});

describe("TensorRT-LLM 1.x's Python records, `[TRT-LLM] [RANK N] [E]`", () => {
  it("an [E] record under the rank tag is the first error, an [I] or [W] one is not; NCCL's version line is read beside them", async () => {
    const lines = [
      "[03/09/2026-11:04:51] [TRT-LLM] [RANK 0] [I] Prefetching /models/m/model-00001-of-00004.safetensors to memory...",
      "[03/09/2026-11:04:52] [TRT-LLM] [RANK 1] [W] Logger level already set from environment. Discard new verbosity: error",
      "NCCL version 2.27.7+cuda12.9",
      "[03/09/2026-11:05:30] [TRT-LLM] [RANK 1] [E] Failed to initialize executor on rank 1: NCCL error 'unhandled system error'",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.nccl.version, at).toBe("2.27.7");
      expect(r.facts.dialects?.map((d) => d.name), at).toContain("trtllm");
      noVllmFacts(r, at);
    });
  });
});

describe("LMDeploy's Python logger records", () => {
  it("an ERROR record (with or without the file column) is the first error; WARNING ones and its config dump are not, and no vLLM fact is read", async () => {
    const lines = [
      "$ lmdeploy serve api_server /data/qwen --backend turbomind --tp 4 --session-len 32768 --cache-max-entry-count 0.6",
      "2026-02-17 10:12:03,518 - lmdeploy - WARNING - turbomind.py:231 - get 771 model params",
      "[llama]",
      "tensor_para_size = 4",
      "session_len = 32768",
      "2026-02-17 10:12:40,006 - lmdeploy - ERROR - async_engine.py:612 - engine main loop stopped: NCCL error 'unhandled cuda error'",
      "2026-02-17 10:12:40,007 - lmdeploy - ERROR - shutting down",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(6);
      expect(r.facts.dialects?.map((d) => d.name), at).toContain("lmdeploy");
      noVllmFacts(r, at);
    });
  });
});

describe("two ranks of one communicator on one GPU, read from their Init lines", () => {
  const init = (host: string, pid: number, rank: number, bus: string, comm = "0x5d21c07e9a3b14f2") =>
    `${host}:${pid}:${pid + 900} [0] NCCL INFO ncclCommInitRank comm 0x7f3a${pid}00 rank ${rank} nranks 2 cudaDev 0 nvmlDev 0 busId ${bus} commId ${comm} - Init START`;

  it("one host, two processes, one bus id: nccl/duplicate-gpu with both lines", async () => {
    const lines = [
      "trt-decode-0:311:311 [0] NCCL INFO Bootstrap: Using eth0:10.42.7.19<0>",
      init("trt-decode-0", 311, 0, "1b000"),
      "trt-decode-0:312:312 [0] NCCL INFO NET/IB : No device found.",
      "trt-decode-0:312:312 [0] NCCL INFO Using network Socket",
      init("trt-decode-0", 312, 1, "1b000"),
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/duplicate-gpu");
      expect(f?.severity, at).toBe("error");
      expect(f!.message, at).toContain("Ranks 0 and 1");
      expect(f!.message, at).toContain("bus id 1b000");
      expect(f!.evidence.map((e) => e.line), at).toEqual([2, 5]);
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("NCCL's own WARN still gives its words", async () => {
    const lines = [
      init("trt-decode-0", 311, 0, "1b000"),
      init("trt-decode-0", 312, 1, "1b000"),
      "trt-decode-0:312:1212 [0] init.cc:931 NCCL WARN Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 1b000",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/duplicate-gpu");
      expect(f!.message, at).toMatch(/^Ranks 1 and 0 both use the GPU with bus id 1b000/);
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });

  it("near misses: two hosts, two communicators, one process's two lines, older lines with no commId, NCCL_MULTI_RANK_GPU_ENABLE", async () => {
    const cases: [string, string[]][] = [
      ["two hosts", [init("node-a", 311, 0, "1b000"), init("node-b", 311, 1, "1b000")]],
      ["two communicators", [init("box", 311, 0, "1b000", "0x11aa"), init("box", 312, 0, "3d000", "0x22bb"), init("box", 312, 1, "1b000", "0x11aa".replace("aa", "ab"))]],
      ["one process", [init("box", 311, 0, "1b000"), init("box", 311, 0, "1b000").replace("Init START", "Init COMPLETE")]],
      ["no commId", ["box:311:1211 [0] NCCL INFO comm 0x7f3a3100 rank 0 nranks 2 cudaDev 0 busId 1b000 - Init COMPLETE", "box:312:1212 [0] NCCL INFO comm 0x7f3a3200 rank 1 nranks 2 cudaDev 0 busId 1b000 - Init COMPLETE"]],
      ["multi-rank GPUs allowed", ["box:311:311 [0] NCCL INFO NCCL_MULTI_RANK_GPU_ENABLE set by environment to 1.", init("box", 311, 0, "1b000"), init("box", 312, 1, "1b000")]],
    ];
    for (const [name, lines] of cases)
      await eachWrap(lines, (r, at) => expect(ids(r), `${at} ${name}`).not.toContain("nccl/duplicate-gpu"));
  });
});
