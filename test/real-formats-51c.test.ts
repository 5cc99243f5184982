import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-first round of real logs: vLLM and NCCL output as CI systems and managed platforms show it
 * (Buildkite, GitHub Actions, GitLab, Jenkins, Azure Pipelines, Azure ML, SageMaker, RunPod, a Slurm-on-Kubernetes job's
 * JSON lines). The runners end a failed job with their own verdict on the script's exit status (`ERROR: Job failed: exit
 * code 1`, `ERROR: script returned exit code 1`, `Error: The command exited with status 1`): GitLab's, Jenkins' and
 * Buildkite's were read as the log's first error (GitHub's `##[error]Process completed …` was not), and one under a
 * traceback cut before its exception line stood as that traceback's root cause. Exit status 137 (SIGKILL, most often the
 * OOM killer in a CI container) said nothing. Every log text here is written for the test in the printed layout.
 */

const GHA = (l: string, i: number) => `2026-01-02T03:04:${String(5 + (i % 50)).padStart(2, "0")}.${String(1234567 + i).slice(0, 7)}Z ${l}`;
const BUILDKITE = (l: string) => `[2026-01-02T03:04:05Z] ${l}`;
const GITLAB_TS = (l: string) => `2026-01-02T03:04:05.123456Z 01O ${l}`;
const JENKINS = (l: string) => `03:04:05  ${l}`;

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

const START = [
  "INFO 01-02 03:04:09 [api_server.py:1880] vLLM API server version 0.11.1",
  "(EngineCore_DP0 pid=3301) INFO 01-02 03:04:21 [core.py:77] Initializing a V1 LLM engine (v0.11.1) with config: model='org/tiny-chat-1b', speculative_config=None, tokenizer='org/tiny-chat-1b', max_seq_len=8192, tensor_parallel_size=1, pipeline_parallel_size=1",
  "(EngineCore_DP0 pid=3301) INFO 01-02 03:04:40 [kv_cache_utils.py:1087] GPU KV cache size: 301,472 tokens",
];

/** each CI system's console: its per-line wrapper and the verdict it ends a failed job with (status N) */
const CONSOLES: [string, (l: string, i: number) => string, (n: number) => string[]][] = [
  ["GitHub Actions", GHA, (n) => [`##[error]Process completed with exit code ${n}.`]],
  ["GitHub Actions (copied from the web page)", (l) => l, (n) => [`Error: Process completed with exit code ${n}.`]],
  ["GitLab (FF_TIMESTAMPS)", GITLAB_TS, (n) => [`\x1b[31;1mERROR: Job failed: exit code ${n}\x1b[0;m`]],
  ["GitLab (kubernetes executor, section marks)", (l) => l, (n) => [`section_end:1767323145:step_script\r\x1b[0Ksection_start:1767323145:cleanup_file_variables\r\x1b[0K\x1b[0K\x1b[36;1mCleaning up project directory and file based variables\x1b[0;m`, `section_end:1767323146:cleanup_file_variables\r\x1b[0K\x1b[31;1mERROR: Job failed: command terminated with exit code ${n}\x1b[0;m`]],
  ["Jenkins (timestamper)", JENKINS, (n) => ["[Pipeline] }", `ERROR: script returned exit code ${n}`, "Finished: FAILURE"]],
  ["Buildkite", BUILDKITE, (n) => [`\u{1F6A8} Error: The command exited with status ${n}`]],
  ["Azure Pipelines", GHA, (n) => [`##[error]Bash exited with code '${n}'.`]],
];

function consoleLog(wrap: (l: string, i: number) => string, lines: string[], verdict: string[], eol: string): string {
  return [...lines.map(wrap), ...verdict].join(eol) + eol;
}

describe("a CI runner's verdict on the job's exit status", () => {
  it("is not the log's first error: a clean start-up under every console stays clean", async () => {
    for (const [name, wrap, verdict] of CONSOLES)
      for (const eol of ["\n", "\r\n"]) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(consoleLog(wrap, START, verdict(1), eol));
        expect(r.facts.firstError, at).toBeNull();
        expect(ids(r, "error"), at).toEqual([]);
        expect(r.facts.config.model, at).toBe("org/tiny-chat-1b");
        expect(r.facts.kvCache.tokens, at).toBe(301472);
        expect(r.facts.vllm.version, at).toBe("0.11.1");
      }
  });

  it("does not stand as the root cause of a traceback cut before its exception line", async () => {
    const frames = [
      "(APIServer pid=3290) Traceback (most recent call last):",
      '(APIServer pid=3290)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/async_llm.py", line 150, in __init__',
      "(APIServer pid=3290)     self.engine_core = EngineCoreClient.make_async_mp_client(",
      '(APIServer pid=3290)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core_client.py", line 101, in make_async_mp_client',
      "(APIServer pid=3290)     return AsyncMPClient(*client_args)",
    ];
    for (const [name, wrap, verdict] of CONSOLES) {
      const r = await analyzeText(consoleLog(wrap, [...START.slice(0, 2), ...frames], verdict(1), "\n"));
      const f = finding(r, "vllm/engine-init-failed");
      expect(f, name).toBeDefined();
      expect(f!.message, name).not.toMatch(/Job failed|exit code|exited with/);
      expect(r.facts.firstError, name).toBeNull();
    }
  });

  it("keeps the program's own error first when it printed one", async () => {
    const lines = [
      ...START.slice(0, 2),
      "(EngineCore_DP0 pid=3301) ERROR 01-02 03:04:30 [core.py:708] EngineCore failed to start.",
      "(EngineCore_DP0 pid=3301) ERROR 01-02 03:04:30 [core.py:708] ValueError: To serve at least one request with the models's max seq len (8192), (1.0 GiB KV cache is needed, which is larger than the available KV cache memory (0.5 GiB). Based on the available memory, the estimated maximum model length is 4096. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
    ];
    for (const [name, wrap, verdict] of CONSOLES) {
      const r = await analyzeText(consoleLog(wrap, lines, verdict(1), "\n"));
      expect(r.facts.firstError?.line, name).toBe(3);
      expect(ids(r), name).toContain("vllm/kv-cache-too-small");
      expect(ids(r), name).not.toContain("vllm/host-oom");
    }
  });

  it("exit status 137 is a kill by SIGKILL: vllm/host-oom as a warning, at the verdict's line", async () => {
    for (const [name, wrap, verdict] of CONSOLES) {
      const text = consoleLog(wrap, START, verdict(137), "\n");
      const r = await analyzeText(text);
      const f = finding(r, "vllm/host-oom");
      expect(f, name).toBeDefined();
      expect(f!.severity, name).toBe("warning");
      expect(f!.message, name).toContain("SIGKILL");
      const lines = text.split("\n");
      expect(lines[f!.evidence[0].line - 1], name).toMatch(/137/);
      expect(r.facts.firstError, name).toBeNull();
    }
  });

  it("near misses: a runner's own failure, another status, a program's words", async () => {
    const system = await analyzeText([...START, 'ERROR: Job failed (system failure): pod "ci/runner-x7k2-project-31-concurrent-0" status is "Failed"'].join("\n") + "\n");
    expect(system.facts.firstError?.line).toBe(4);
    const other = await analyzeText([...START, "ERROR: script returned exit code 1373", "Process completed with exit code 13"].join("\n") + "\n");
    expect(ids(other)).not.toContain("vllm/host-oom");
    const words = await analyzeText([...START, "INFO 01-02 03:05:00 [launcher.py:80] the sidecar's probe returned exit code 137 once; retrying"].join("\n") + "\n");
    expect(ids(words)).not.toContain("vllm/host-oom");
    // an exception whose message names an exit code is the program's failure
    const exc = await analyzeText([...START, "RuntimeError: worker exited with code 1 while loading weights"].join("\n") + "\n");
    expect(exc.facts.firstError?.line).toBe(4);
  });
});

describe("managed-platform consoles seen in this round", () => {
  it("RunPod's stamps (nanoseconds, out of order) before an EngineCore traceback", async () => {
    const lines = [
      "2026-03-11T09:02:17.551203117Z (EngineCore_DP0 pid=211) ERROR 03-11 09:02:17 [core.py:1006]     raise e from None",
      "2026-03-11T09:02:17.551219904Z (EngineCore_DP0 pid=211) ERROR 03-11 09:02:17 [core.py:1006] Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.",
      "2026-03-11T09:02:17.550998610Z (EngineCore_DP0 pid=211) Process EngineCore_DP0:",
      "2026-03-11T09:02:17.551402771Z (EngineCore_DP0 pid=211) Traceback (most recent call last):",
    ];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol) + eol);
      expect(r.facts.firstError?.line).toBe(2);
      expect(ids(r)).toContain("vllm/engine-init-failed");
      expect(r.facts.vllm.engine).toBe("v1");
    }
  });

  it("Azure ML's job header before NCCL's duplicate-GPU report", async () => {
    const lines = [
      "[2026-01-02T03:04:05.123456] Starting Linux command : python train.py --epochs 3",
      "**********************************************************",
      "",
      "0a1b2c3d4e5f60718293a4b5c6d7e8f9000000:88:88 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.4<0>",
      "0a1b2c3d4e5f60718293a4b5c6d7e8f9000000:88:88 [0] NCCL INFO Using network Socket",
      "NCCL version 2.7.8+cuda11.0",
      "",
      "0a1b2c3d4e5f60718293a4b5c6d7e8f9000000:88:97 [0] init.cc:573 NCCL WARN Duplicate GPU detected : rank 0 and rank 1 both on CUDA device 3b000",
      "0a1b2c3d4e5f60718293a4b5c6d7e8f9000000:88:97 [0] NCCL INFO init.cc:840 -> 5",
    ];
    for (const [name, wrap] of [["plain", (l: string) => l], ["GitHub Actions", GHA], ["Jenkins", JENKINS]] as const)
      for (const eol of ["\n", "\r\n"]) {
        const at = `${name} ${JSON.stringify(eol)}`;
        const r = await analyzeText(lines.map((l, i) => wrap(l, i)).join(eol) + eol);
        expect(ids(r), at).toContain("nccl/duplicate-gpu");
        expect(r.facts.nccl.version, at).toMatch(/^2\.7\.8/);
        expect(r.facts.nccl.ranks, at).toBe(2);
        expect(r.facts.nccl.nodes, at).toBe(1);
        expect(r.facts.nccl.net, at).toBe("Socket");
        expect(r.facts.firstError?.line, at).toBe(8);
      }
  });

  it("SageMaker's one-space indent before `algo-N` hosts counts the hosts, not the stamps", async () => {
    const lines = [
      " algo-1:140:140 [0] NCCL INFO Connected all trees",
      " algo-1:141:141 [1] NCCL INFO 24 coll channels, 0 nvls channels, 32 p2p channels, 32 p2p channels per peer",
      " algo-2:150:150 [0] NCCL INFO Connected all trees",
    ];
    const r = await analyzeText(lines.map((l) => GITLAB_TS(l)).join("\n") + "\n");
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.ranks).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });

  it("nccl-tests' header printed inside a JSON log record's value", async () => {
    const lines = [
      '{"level":"info","msg":"starting benchmark","node":"worker-3","time":"2026-01-02T03:04:05Z"}',
      '{"error":"exit status 3","level":"fatal","msg":"all_reduce_perf failed","output":"',
      "# nThread 1 nGpus 4 minBytes 1048576 maxBytes 1073741824 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
      "# Using devices",
      "#  Rank  0 Group  0 Pid    311 on   worker-3 device  0 [0x18] NVIDIA H100 80GB HBM3",
      "#  Rank  1 Group  0 Pid    311 on   worker-3 device  1 [0x2a] NVIDIA H100 80GB HBM3",
      "#  Rank  2 Group  0 Pid    311 on   worker-3 device  2 [0x3a] NVIDIA H100 80GB HBM3",
      "#  Rank  3 Group  0 Pid    311 on   worker-3 device  3 [0x5d] NVIDIA H100",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.nccl.ranks).toBe(4);
    expect(r.facts.nccl.nodes).toBe(1);
  });
});
