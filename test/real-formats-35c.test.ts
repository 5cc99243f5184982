import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 35c (CI consoles and launchers around vLLM/NCCL logs): shapes of real CI pastes the readers missed. The log
 * texts are written for the test in the printed layouts; the facts checked are exact.
 */

const CI_WRAPS: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["Buildkite stamp", (s) => s.split("\n").map((l) => `[2026-02-14T09:12:44Z] ${l}`).join("\n")],
  ["GitHub Actions stamp", (s) => s.split("\n").map((l, i) => `2026-02-14T09:12:4${i % 10}.5521907Z ${l}`).join("\n")],
];

// moreutils `ts` in front of every line (`python test/run_test.py 2>&1 | ts`): `%b %d %H:%M:%S`, or `%.S` with fractions
const TS_FORMS: Array<[string, (i: number) => string]> = [
  ["ts default", (i) => `Mar 04 11:20:3${i}`],
  ["ts %.S", (i) => `Mar 04 11:20:3${i}.20481${i}`],
  ["ts with a space-padded day", (i) => `Mar  4 11:20:3${i}`],
];

const UNDER_TS = [
  "gpu-node-3:4410:4410 [0] NCCL INFO NCCL version 2.18.1+cuda12.1",
  "gpu-node-3:4410:4452 [0] NCCL INFO Using network IB",
  "FAIL [3.114s]: test_all_reduce_sum (__main__.DistributedDataParallelTest)",
  "Traceback (most recent call last):",
  '  File "/opt/conda/lib/python3.10/site-packages/torch/testing/_internal/common_distributed.py", line 540, in wrapper',
  "    self._join_processes(fn)",
  "AssertionError: False is not true : Expected zero exit code but got -6 for pid: 5127",
].join("\n");

describe("moreutils ts stamps before each line of a CI console", () => {
  for (const [name, stamp] of TS_FORMS)
    it(`come off, so the NCCL and Python records under them are read (${name})`, async () => {
      const text = UNDER_TS.split("\n").map((l, i) => `${stamp(i)} ${l}`).join("\n");
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(7);
      expect(r.facts.nccl.version).toBe("2.18.1");
      expect(r.facts.nccl.net).toBe("IB");
      expect(r.facts.nccl.nodes).toBe(1);
      expect(r.facts.firstError?.text.endsWith("AssertionError: False is not true : Expected zero exit code but got -6 for pid: 5127")).toBe(true);
    });

  it("with CRLF line ends and a stamp left alone on an empty line", async () => {
    const text = ["Mar 04 11:20:30 ", ...UNDER_TS.split("\n").map((l) => `Mar 04 11:20:31 ${l}`)].join("\r\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(8);
    expect(r.facts.firstError?.text).toBe("Mar 04 11:20:31 AssertionError: False is not true : Expected zero exit code but got -6 for pid: 5127");
  });

  it("a journald line keeps its own reading (host and unit after the stamp)", async () => {
    const r = await analyzeText("Mar 04 11:20:31 gpu-node-3 vllm[2231]: ERROR 03-04 11:20:31 [core.py:586] EngineCore failed to start.\n");
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });
});

// pytest -v's result word with the record another thread wrote before pytest's newline
const GLUED = [
  "tests/lora/test_punica_ops.py::test_kernels[0-cuda:1] PASSED",
  "tests/lora/test_punica_ops.py::test_kernels[1-cuda:1] FAILED[E ProcessGroupNCCL.cpp:1182] [Rank 0] NCCL watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered",
  "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
].join("\n");

describe("a record glued to pytest's result word", () => {
  for (const [name, wrap] of CI_WRAPS)
    it(`is read from its own head (${name})`, async () => {
      const r = await analyzeText(wrap(GLUED));
      expect(r.facts.firstError?.line).toBe(2);
      expect(ids(r, "error")).toContain("vllm/cuda-error");
    });

  it("without the node id, and torchrun's tag after the word: a collective timeout", async () => {
    const r = await analyzeText(
      "FAILED[rank1]:[E1103 07:34:57.460843251 ProcessGroupNCCL.cpp:630] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=7, OpType=ALLREDUCE, NumelIn=64, NumelOut=64, Timeout(ms)=60000) ran for 60041 milliseconds before timing out.\n",
    );
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r, "error")).toContain("nccl/collective-timeout");
    expect(r.facts.nccl.ranks).toBe(1);
  });

  it("a TAB between the word and a Ray worker's record", async () => {
    const r = await analyzeText("SKIPPED\t(RayWorkerWrapper pid=5120, ip=10.2.0.7) ERROR 03-10 08:07:20 worker_base.py:464] RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)\n");
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.config.executorBackend).toBe("ray");
    expect(ids(r, "error")).toContain("nccl/cuda-error");
  });

  it("a result word before prose stays prose", async () => {
    const r = await analyzeText("tests/basic_correctness/test_basic.py::test_models[facebook/opt-125m] FAILED\nFAILED and then some words\n");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});

// pytest's short test summary: `FAILED <node id> - <Type>: <message>`
const SUMMARY = [
  "=========================== short test summary info ============================",
  "FAILED tests/v1/test_async_llm_dp.py::test_load[ray-RequestOutputKind.DELTA] - vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.",
  "ERROR tests/models/test_registry.py - ModuleNotFoundError: No module named 'flash_mla'",
  "============ 1 failed, 1 error, 40 passed, 3 skipped in 312.07s (0:05:12) ============",
].join("\n");

describe("pytest's short test summary", () => {
  for (const [name, wrap] of CI_WRAPS)
    it(`names the exception that failed a test: the first error (${name})`, async () => {
      const r = await analyzeText(wrap(SUMMARY));
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.firstError?.text).toContain("EngineDeadError: EngineCore encountered an issue.");
    });

  it("a collection error on its own is the first error", async () => {
    const r = await analyzeText("ERROR tests/models/test_registry.py - ModuleNotFoundError: No module named 'flash_mla'\n");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("a failed test without a message, or with no exception in it, is no error line", async () => {
    const r = await analyzeText("FAILED tests/distributed/test_pipeline_parallel.py::test_tp_language_generation[2-1-0-1-0-ray]\nFAILED tests/a.py::test_b - assert 3 == 4\n");
    expect(r.facts.firstError).toBeNull();
  });

  it("vLLM's own ERROR record is not read as a summary line", async () => {
    const r = await analyzeText("ERROR 05-19 19:28:09 [diffusion_worker.py:1033]   File \"/w/vllm_omni/sp_sharding.py\", line 101, in sp_gather\n");
    expect(r.facts.firstError).toBeNull();
  });
});

// `gh run view --log`: the job's name, TAB, the step's name, TAB, the runner's stored line
const GH_LOG = [
  "e2e / multicard (4, 2)\tRun pytest\t2026-03-01T10:00:01.1000000Z ##[group]Run pytest -sv tests/distributed/test_comm_ops.py",
  "e2e / multicard (4, 2)\tRun pytest\t2026-03-01T10:00:01.1000100Z ##[endgroup]",
  "e2e / multicard (4, 2)\tRun pytest\t2026-03-01T10:00:20.3310000Z (EngineCore_DP0 pid=812) INFO 03-01 10:00:20 [kv_cache_utils.py:1087] GPU KV cache size: 412,160 tokens",
  "e2e / multicard (4, 2)\tRun pytest\t2026-03-01T10:00:21.0200000Z (EngineCore_DP0 pid=812) ERROR 03-01 10:00:21 [core.py:708] EngineCore failed to start.",
  "e2e / multicard (4, 2)\tUNKNOWN STEP\t##[error]Process completed with exit code 1.",
].join("\n");

describe("GitHub CLI's run log (job and step columns before the runner's line)", () => {
  for (const [name, wrap] of [
    ["bare", (s: string) => s],
    ["CRLF", (s: string) => s.replace(/\n/g, "\r\n")],
  ] as Array<[string, (s: string) => string]>)
    it(`the columns come off and the vLLM records are read (${name})`, async () => {
      const r = await analyzeText(wrap(GH_LOG));
      expect(r.facts.kvCache.tokens).toBe(412160);
      expect(r.facts.firstError?.line).toBe(4);
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    });

  it("an exception line under the columns is the first error", async () => {
    const r = await analyzeText("unit (3.12)\tRun tests\t2026-03-01T10:00:01.1000000Z Traceback (most recent call last):\nunit (3.12)\tRun tests\t2026-03-01T10:00:01.1000001Z   File \"t.py\", line 4, in <module>\nunit (3.12)\tRun tests\t2026-03-01T10:00:01.1000002Z AssertionError: expected 8 ranks, got 4\n");
    expect(r.facts.firstError?.line).toBe(3);
  });
});

describe("the GitHub Actions runner's marks", () => {
  it("an error mark's message is read as its own line", async () => {
    const r = await analyzeText([
      "2026-03-01T10:00:01.1000000Z ##[group]Run python offline_tp3.py",
      "2026-03-01T10:00:01.1000100Z ##[endgroup]",
      "2026-03-01T10:00:05.5000000Z ##[error]ValueError: Total number of attention heads (40) must be divisible by tensor parallel size (3).",
    ].join("\n"));
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r, "error")).toContain("vllm/tp-not-divisible");
  });

  it("the runner's own exit line is no error of the run", async () => {
    const r = await analyzeText("2026-03-01T10:00:05.5000000Z ##[error]Process completed with exit code 1.\n");
    expect(r.facts.firstError).toBeNull();
  });
});

// GitLab Runner's FF_TIMESTAMPS line header: the stamp, a stream id (2 hex digits, O or E, `+` or a space)
describe("GitLab Runner's timestamped job log", () => {
  it("the stream id comes off after the stamp", async () => {
    const r = await analyzeText([
      "2024-06-20T14:31:10.468049Z 00O $ python -m vllm.entrypoints.openai.api_server --model facebook/opt-125m",
      "2024-06-20T14:31:19.100231Z 01E INFO 06-20 14:31:19 api_server.py:219] vLLM API server version 0.5.0",
      "2024-06-20T14:31:25.000112Z 01E+torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 14.75 GiB of which 1.06 GiB is free.",
    ].join("\n"));
    expect(r.facts.vllm.version).toBe("0.5.0");
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r, "error")).toContain("vllm/cuda-oom");
  });

  it("a kubectl stamp (nine fraction digits) keeps what follows it", async () => {
    const r = await analyzeText("2024-06-20T14:31:25.000112345Z 01E some text\n2024-06-20T14:31:25.000112345Z 0aO ValueError: bad value\n");
    expect(r.facts.firstError).toBeNull();
  });
});

// pytest's failure report: the exception's lines marked `E` at the source's indentation
const E_LINES = [
  "________________________ test_models[2-mp-facebook/opt-125m] ________________________",
  "tests/distributed/test_basic_distributed_correctness.py:61: in test_models",
  "    with vllm_runner(model, tensor_parallel_size=3) as vllm_model:",
  "E   ValueError: Total number of attention heads (40) must be divisible by tensor parallel size (3).",
  "",
  "vllm/config.py:412: ValueError",
].join("\n");

describe("pytest's E-marked exception lines", () => {
  for (const [name, wrap] of CI_WRAPS)
    it(`the first names the exception (${name})`, async () => {
      const r = await analyzeText(wrap(E_LINES));
      expect(r.facts.firstError?.line).toBe(4);
      expect(ids(r, "error")).toContain("vllm/tp-not-divisible");
    });

  it("the long form's eight columns, and the marked assert lines after an AssertionError are not errors of their own", async () => {
    const r = await analyzeText("    def test_acc():\n>       assert acc > 0.8\nE       assert 0.71 > 0.8\nE        +  where 0.71 = score()\n\ntests/test_acc.py:9: AssertionError\nE       AssertionError: ranks disagree\n");
    expect(r.facts.firstError?.line).toBe(7);
  });
});

// the counting fast path must count under the CI heads exactly what the ordinary path reads
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";

describe("NCCL collective lines under the CI heads: the fast path reads what the ordinary path reads", () => {
  const coll = (n: number) => `gpu-a:4410:4452 [0] NCCL INFO AllReduce: opCount ${n.toString(16)} sendbuff 0x7f3a80000000 recvbuff 0x7f3a90000000 count 1024 datatype 7 op 0 root 0 comm 0x55d0c9a1b2c0 [nranks=2] stream 0x55d0c9a1c000`;
  const heads: Array<[string, (n: number) => string]> = [
    ["GitLab stream id", (n) => `2024-06-20T14:31:10.${String(100000 + n)}Z 0${n % 2 ? "1O" : "2E"} `],
    ["gh run view columns", (n) => `nccl (8xH100)\tRun tests\t2026-03-01T10:00:01.${String(1000000 + n)}Z `],
    ["moreutils ts", () => "Mar 04 11:20:31 "],
  ];
  for (const [name, head] of heads)
    it(name, async () => {
      const text = Array.from({ length: 120 }, (_, n) => head(n) + coll(n)).join("\n") + "\n";
      const run = async (fastPath: boolean) => {
        const part = await analyzeSource(memorySource("ci.log", text), 0, { fastPath, limits: { chunkBytes: 4096 } });
        return { report: buildReport(part.state, part.events), events: part.events };
      };
      const slow = await run(false);
      const activity = slow.events.find((e) => (e as { kind: string }).kind === "nccl.activity") as { entries: { host: string; collectives: number }[] } | undefined;
      expect(activity?.entries.find((e) => e.host === "gpu-a")?.collectives).toBe(120);
      expect(JSON.stringify(await run(true))).toBe(JSON.stringify(slow));
    });
});

// PyTorch 2.1-2.3's own records, torchrun's agent among them: `[stamp] torch.name: [LEVEL] msg`
const TORCH_LOGS = [
  "[2024-04-14 08:08:43,891] torch.distributed.run: [WARNING] ",
  "[2024-04-14 08:08:43,891] torch.distributed.run: [WARNING] *****************************************",
  "[2024-04-14 08:11:02,310] torch.distributed.elastic.multiprocessing.api: [WARNING] Sending process 3155 closing signal SIGTERM",
  "[2024-04-14 08:11:02,944] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -9) local_rank: 0 (pid: 3154) of binary: /usr/bin/python3",
  "Traceback (most recent call last):",
  '  File "/usr/local/bin/torchrun", line 8, in <module>',
  "    sys.exit(main())",
  "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
].join("\n");

describe("PyTorch 2.1-2.3's logging format", () => {
  for (const [name, wrap] of CI_WRAPS)
    it(`an ERROR record of torchrun's agent is the first error, its WARNING records are not (${name})`, async () => {
      const r = await analyzeText(wrap(TORCH_LOGS));
      expect(r.facts.firstError?.line).toBe(4);
    });
});

// MPICH hydra's `-prepend-rank` / Intel MPI's `-l`: `[N] ` before each line of a process's output
const PREPEND_RANK = [
  "[1] INFO 04-16 11:09:10 [core.py:58] Initializing a V1 LLM engine (v0.8.5) with config: model='Qwen/Qwen2-7B', tokenizer='Qwen/Qwen2-7B'",
  "[0] Traceback (most recent call last):",
  '[0]   File "/opt/run_dp.py", line 41, in <module>',
  '[0]     llm = LLM(model="Qwen/Qwen2-7B", tensor_parallel_size=3)',
  "[0] ValueError: Total number of attention heads (28) must be divisible by tensor parallel size (3).",
].join("\n");

describe("a launcher's process index before a Python traceback", () => {
  for (const [name, wrap] of CI_WRAPS)
    it(`comes off: the exception line is the first error (${name})`, async () => {
      const r = await analyzeText(wrap(PREPEND_RANK));
      expect(r.facts.firstError?.line).toBe(5);
      expect(r.facts.vllm.version).toBe("0.8.5");
      expect(ids(r, "error")).toContain("vllm/tp-not-divisible");
    });

  it("stays before prose", async () => {
    const r = await analyzeText("[2] Errors are listed in the next section\n[3] Timeout values: see below\n");
    expect(r.facts.firstError).toBeNull();
  });
});
