import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Round 34d (data parallel and expert parallel runs): shapes of real pastes the readers missed. The log texts are written
 * for the test in the printed layouts (names, numbers and paths made up); the facts checked are exact.
 */

const variants: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-03-02T08:14:0${i % 10}.204518733Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `vllm-dp-1  | ${l}` : l)).join("\n")],
  // a code block of a reStructuredText page: every line indented by four blanks
  ["rst code block", (s) => s.split("\n").map((l) => (l ? `    ${l}` : l)).join("\n")],
];

describe("`vllm serve` defaulting its API server count to the data-parallel size (2026-01+)", () => {
  const START = [
    "INFO 03-02 08:14:01 [serve.py:104] Defaulting api_server_count to data_parallel_size (8).",
    "INFO 03-02 08:14:01 [utils.py:331] non-default args: {'model_tag': 'acme/moe-lite', 'model': 'acme/moe-lite', 'enable_expert_parallel': True}",
    "(APIServer pid=311) INFO 03-02 08:14:09 [model.py:1622] Using max model len 32768",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`reads data_parallel_size from it (${name})`, async () => {
      const r = await analyzeText(wrap(START) + "\n");
      expect(r.facts.config.dataParallelSize).toBe(8);
      expect(r.facts.config.model).toBe("acme/moe-lite");
      expect(r.facts.config.maxModelLen).toBe(32768);
      expect(r.facts.config.enableExpertParallel).toBe(true);
    });

  it("reads the hybrid load balancer's form as this node's data-parallel engines, with the nodes it implies", async () => {
    const r = await analyzeText(
      [
        "INFO 03-02 08:14:01 [serve.py:96] Defaulting api_server_count to data_parallel_size_local (4) for hybrid LB mode.",
        "INFO 03-02 08:14:01 [utils.py:331] non-default args: {'model_tag': 'acme/moe-lite', 'model': 'acme/moe-lite', 'data_parallel_size': 8, 'data_parallel_size_local': 4, 'data_parallel_start_rank': 4, 'data_parallel_hybrid_lb': True}",
      ].join("\n") + "\n",
    );
    expect(r.facts.config.dataParallelSizeLocal).toBe(4);
    expect(r.facts.config.dataParallelSize).toBe(8);
    expect(r.facts.config.nnodes).toBe(2);
    expect(r.facts.config.nodeRank).toBe(1);
  });

  it("the hybrid form alone states no data_parallel_size", async () => {
    const r = await analyzeText("INFO 03-02 08:14:01 [serve.py:96] Defaulting api_server_count to data_parallel_size_local (2) for hybrid LB mode.\n");
    expect(r.facts.config.dataParallelSizeLocal).toBe(2);
    expect(r.facts.config.dataParallelSize).toBeNull();
  });

  it("a stated --api-server-count is no data-parallel size, nor is the line quoted in other prose", async () => {
    const r = await analyzeText(
      [
        "INFO 03-02 08:14:01 [utils.py:331] non-default args: {'model_tag': 'acme/moe-lite', 'model': 'acme/moe-lite', 'api_server_count': 4}",
        "INFO 03-02 08:14:02 [notes.py:12] the server did not print `Defaulting api_server_count to data_parallel_size (4).`",
      ].join("\n") + "\n",
    );
    expect(r.facts.config.dataParallelSize).toBeNull();
  });
});

describe("DeepEP's NCCL backend reporting the NCCL library it loaded", () => {
  const EP_RUN = (versionLine: string) =>
    [
      "INFO 03-02 08:15:40 [cuda_communicator.py:124] Using DeepEPLLAll2AllManager all2all manager.",
      "[NCCL Backend] LOW LATENCY MODE: Rank 0 connecting to all 16 ranks",
      versionLine,
      "[NCCL Backend] Initializing 2 communicator(s) (qps_per_rank=8) for rank 0/16",
    ].join("\n");

  for (const [name, wrap] of variants)
    it(`reads the version of the first form (${name})`, async () => {
      const r = await analyzeText(wrap(EP_RUN("[NCCL Backend] NCCL version: 2.29.7 (loaded library)")) + "\n");
      expect(r.facts.nccl.version).toBe("2.29.7");
      expect(r.facts.firstError).toBeNull();
    });

  it("reads the later form, behind a worker's prefix", async () => {
    const r = await analyzeText(EP_RUN("(Worker_DP1_EP1 pid=7710) DeepEP initialized with NCCL version: 2.31.4 (loaded library)") + "\n");
    expect(r.facts.nccl.version).toBe("2.31.4");
  });

  it("NCCL's own banner outranks it", async () => {
    const r = await analyzeText(
      [EP_RUN("[NCCL Backend] NCCL version: 2.29.7 (loaded library)"), "node-a:7710:7710 [0] NCCL INFO NCCL version 2.27.3+cuda12.9"].join("\n") + "\n",
    );
    expect(r.facts.nccl.version).toBe("2.27.3");
  });

  it("another library's `version: ... (loaded library)` is no NCCL version", async () => {
    const r = await analyzeText("[UCX Backend] UCX version: 1.18.0 (loaded library)\n[plugin] NCCL version: see below (loaded library)\n");
    expect(r.facts.nccl.version).toBeNull();
  });
});

describe("the API servers of the multi-port external load balancer, one per data-parallel rank (`APIServer_DP1`)", () => {
  const STATS = (prefix: string) =>
    [
      `${prefix} INFO:     127.0.0.1:41822 - "GET /health HTTP/1.1" 200 OK`,
      `${prefix} INFO 05-20 10:42:11 [loggers.py:271] Engine 001: Avg prompt throughput: 12.0 tokens/s, Avg generation throughput: 1804.5 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 4.2%, Prefix cache hit rate: 91.0%`,
    ].join("\n");

  for (const [name, wrap] of variants)
    it(`its prefix marks a V1 run and its stats line reads (${name})`, async () => {
      const r = await analyzeText(wrap(STATS("(APIServer_DP1 pid=6120)")) + "\n");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.runtime?.statsLines).toBe(1);
      expect(r.facts.runtime?.generationThroughput.max).toBe(1804.5);
    });

  it("reads the same with the pid cut out by the writer, and the child's traceback header", async () => {
    const cut = await analyzeText(STATS("(APIServer_DP1)") + "\n");
    expect(cut.facts.vllm.engine).toBe("v1");
    expect(cut.facts.runtime?.statsLines).toBe(1);
    const r = await analyzeText(
      [
        "(APIServer_DPRank_3 pid=8811) Process APIServer_DPRank_3:",
        "(APIServer_DPRank_3 pid=8811) Traceback (most recent call last):",
        '(APIServer_DPRank_3 pid=8811)   File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap',
        "(APIServer_DPRank_3 pid=8811) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
      ].join("\n") + "\n",
    );
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.firstError?.line).toBe(4);
  });

  it("a process of another program with a like name marks nothing", async () => {
    const r = await analyzeText("(APIServer_DPX pid=1) INFO: started\n(MyAPIServer_DP1 pid=2) INFO: started\n");
    expect(r.facts.vllm.engine).toBeNull();
  });
});
