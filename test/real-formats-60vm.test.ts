import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";
import { firstSentence } from "../src/rules/verdict.js";

/**
 * Formats found in a sixtieth round of real logs: mainstream vLLM bug reports of the V1 transition (0.9 → 0.11).
 * DeepGEMM's first C++ release (2025-07-18 to 2025-08-15, the one vLLM 0.10.0 and 0.10.1 built against) worded its
 * exception `Failed: <kind> error <file>:<line> '<what>'`, before the `<kind> error (<file>:<line>): <what>` the
 * signature knew; and its checks of the tensors it is given live in `csrc/apis/` (`python_api.cpp` in that first
 * release), paths the signature did not take for DeepGEMM's. Both went unreported. The rest of the round's shapes
 * (the start-up lines of 0.9-0.10, V0 capture advice hard-wrapped at 160 columns, engine-core frames with Python 3.13
 * markers) were read right at first sight and are kept here as they print. The one-line verdict cut the DeepGEMM
 * message at the dots of the log line it quotes (`Assertion error ... n % 64 == 0`): a dot inside a code span no longer
 * ends its first sentence. Every log text here is written for the
 * test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T21:02:45.118204113Z ${l}`],
  ["docker compose", (l) => `vllm-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:default:LLMServer pid=5120, ip=10.4.0.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("DeepGEMM's first C++ release: `Failed: <kind> error <file>:<line> '<what>'`", () => {
  const lines = [
    "(EngineCore_1 pid=412) INFO 08-04 09:15:02 [fp8_utils.py:120] Using DeepGEMM kernels for Fp8LinearMethod",
    "(EngineCore_1 pid=412) ERROR 08-04 09:15:40 [core.py:683] EngineCore failed to start.",
    "(EngineCore_1 pid=412) ERROR 08-04 09:15:40 [core.py:683] RuntimeError: Failed: Assertion error csrc/jit_kernels/impls/sm90_fp8_gemm_1d2d.hpp:52 'n % 64 == 0'",
  ];

  it("names DeepGEMM's failed check, its file and its condition", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/deepgemm-failed");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe(
        "DeepGEMM failed: DeepGEMM's own check failed in its JIT, which compiles and loads the kernels at run time (`Assertion error ... n % 64 == 0` in jit_kernels/impls/sm90_fp8_gemm_1d2d.hpp).",
      );
      expect(f!.evidence.map((e) => e.line), at).toContain(3);
      expect(f!.remediation.join("\n"), at).toContain("VLLM_USE_DEEP_GEMM=0");
      expect(r.facts.firstError?.line, at).toBe(2);
      // the quoted `Assertion error ... n % 64 == 0` stays whole in the one-line verdict: its dots end no sentence
      expect(r.verdict, at).toContain("(`Assertion error ... n % 64 == 0` in jit_kernels/impls/sm90_fp8_gemm_1d2d.hpp). First: DeepGEMM compiles its kernels on first use:");
    });
  });

  it("a dot inside a code span ends no sentence of a verdict; one after it does", () => {
    expect(firstSentence("It failed (`x ... y. z` in a.hpp). Then more.")).toBe("It failed (`x ... y. z` in a.hpp).");
    expect(firstSentence("A lone ` tick. Then more.")).toBe("A lone ` tick.");
    expect(firstSentence("Rank 0 lost 10.0.0.2 (e.g. a crash). Then more.")).toBe("Rank 0 lost 10.0.0.2 (e.g. a crash).");
  });

  it("reads it behind terminal colour, as the escape byte, as caret notation or lost", async () => {
    const colours = ["\x1b[1;36m(EngineCore_2 pid=88)\x1b[0;0m ", "^[[1;36m(EngineCore_2 pid=88)^[[0;0m ", " [1;36m(EngineCore_2 pid=88) [0;0m "];
    for (const c of colours) {
      const r = await analyzeText(`${c}ERROR 08-09 11:02:13 [core.py:683] RuntimeError: Failed: Assertion error csrc/jit/compiler.hpp:118 'return_code == 0'\n`);
      const f = finding(r, "vllm/deepgemm-failed");
      expect(f, JSON.stringify(c)).toBeDefined();
      expect(f!.message).toContain("`Assertion error ... return_code == 0` in jit/compiler.hpp");
      expect(r.facts.firstError?.line).toBe(1);
    }
  });

  it("a driver check with nothing to say, and a line cut before its closing quote", async () => {
    const driver = await analyzeText("RuntimeError: Failed: CUDA driver error csrc/jit/kernel_runtime.hpp:70 ''\n");
    expect(finding(driver, "vllm/deepgemm-failed")!.message).toContain("DeepGEMM's own CUDA driver call failed in its JIT, which compiles and loads the kernels at run time (`CUDA driver error ...` in jit/kernel_runtime.hpp)");
    const cut = await analyzeText("(VllmWorker TP0 pid=301) ERROR 08-12 17:40:02 [multiproc_executor.py:559] RuntimeError: Failed: NVRTC error csrc/jit/compiler.hpp:210 'NVRTC_ERROR_COMP");
    const f = finding(cut, "vllm/deepgemm-failed");
    expect(f).toBeDefined();
    expect(f!.message).toContain("DeepGEMM's own NVRTC call failed in its JIT");
  });

  it("its Python API's tensor checks, in either wording", async () => {
    const first = await analyzeText("RuntimeError: Failed: Assertion error csrc/python_api.cpp:91 'sfb.scalar_type() == torch::kFloat'\n");
    expect(finding(first, "vllm/deepgemm-failed")!.message).toBe(
      "DeepGEMM failed: DeepGEMM's own check failed in its Python API's checks of the tensors it is given (`Assertion error ... sfb.scalar_type() == torch::kFloat` in python_api.cpp).",
    );
    const later = await analyzeText("(Worker_TP1 pid=90) ERROR 11-03 08:12:44 [multiproc_executor.py:703] RuntimeError: Assertion error (/opt/deps/DeepGEMM/csrc/apis/gemm.hpp:140): b.size(1) % 128 == 0\n");
    expect(finding(later, "vllm/deepgemm-failed")!.message).toContain("in its Python API's checks of the tensors it is given (`Assertion error ... b.size(1) % 128 == 0` in apis/gemm.hpp)");
  });

  it("another library's line of the same form, a DeepGEMM word without a file, and vLLM choosing DeepGEMM do not fire it", async () => {
    for (const line of [
      "RuntimeError: Failed: Assertion error src/layers/norm.hpp:20 'hidden % 8 == 0'",
      "RuntimeError: Assertion error (src/ops/softmax.cu:77): rows > 0",
      "ERROR 08-04 09:15:40 [core.py:683] Failed: NVRTC error while building the kernel",
      "(EngineCore_1 pid=412) INFO 08-04 09:15:02 [fp8_utils.py:120] Using DeepGEMM kernels for Fp8LinearMethod",
    ]) {
      const r = await analyzeText(`${line}\n`);
      expect(ids(r), line).not.toContain("vllm/deepgemm-failed");
    }
  });
});

describe("a 0.9-0.10 V1 start-up, as `vllm serve` prints it", () => {
  const lines = [
    "INFO 07-02 10:04:11 [monitor.py:34] torch.compile takes 38.20 s in total",
    "INFO 07-02 10:04:12 [kv_cache_utils.py:716] GPU KV cache size: 402,112 tokens",
    "INFO 07-02 10:04:12 [kv_cache_utils.py:720] Maximum concurrency for 65,536 tokens per request: 6.14x",
    "INFO 07-02 10:04:40 [gpu_model_runner.py:2326] Graph capturing finished in 28 secs, took 0.62 GiB",
    "INFO 07-02 10:04:40 [core.py:172] init engine (profile, create kv cache, warmup model) took 71.55 seconds",
    "INFO 07-02 10:04:41 [loggers.py:137] Engine 000: vllm cache_config_info with initialization after num_gpu_blocks is: 25132",
    "INFO 07-02 10:04:41 [api_server.py:1457] Starting vLLM API server 0 on http://0.0.0.0:8000",
  ];
  it("reads the KV cache, the graphs and the start-up time, and finds nothing wrong", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.kvCache.tokens, at).toBe(402112);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(6.14);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(65536);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(25132);
      expect(r.facts.memory.cudaGraphGiB, at).toBe(0.62);
      expect(r.facts.memory.initEngineSeconds, at).toBe(71.55);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("V0's capture advice (VLLM_USE_V1=0), hard-wrapped at 160 columns", () => {
  const lines = [
    "(VllmWorkerProcess pid=40211) INFO 06-18 12:30:05 [model_runner.py:1451] Capturing cudagraphs for decoding. This may lead to unexpected consequences if t",
    "he model is not static. To run the model in eager mode, set 'enforce_eager=True' or use '--enforce-eager' in the CLI. If out-of-memory error occurs during",
    "cudagraph capture, consider decreasing `gpu_memory_utilization` or switching to eager mode. You can also reduce the `max_num_seqs` as needed to decrease me",
    "mory usage.",
  ];
  it("is V0 on the multiprocessing executor, and the advice's `out-of-memory error` is no OOM", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(ids(r), at).not.toContain("vllm/cuda-oom");
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});

describe("engine-core frames only, with Python 3.13's markers", () => {
  const lines = [
    '(EngineCore_DP0 pid=6120)   File "/srv/venv/lib/python3.13/site-packages/vllm/v1/engine/core.py", line 781, in run_engine_core',
    "(EngineCore_DP0 pid=6120)     raise e",
    '(EngineCore_DP0 pid=6120)   File "/srv/venv/lib/python3.13/site-packages/vllm/v1/engine/core.py", line 770, in run_engine_core',
    "(EngineCore_DP0 pid=6120)     engine_core = EngineCoreProc(*args, **kwargs)",
    '(EngineCore_DP0 pid=6120)   File "/srv/venv/lib/python3.13/site-packages/vllm/v1/engine/core.py", line 540, in __init__',
    "(EngineCore_DP0 pid=6120)     super().__init__(",
    "(EngineCore_DP0 pid=6120)     ~~~~~~~~~~~~~~~~^",
    "(EngineCore_DP0 pid=6120)         vllm_config, executor_class, log_stats, executor_fail_callback",
  ];
  it("the engine failed to start; no frame or marker line is the first error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });
});

describe("a worker that failed to come up, seen from the engine core", () => {
  const lines = [
    '(EngineCore_DP0 pid=930) ERROR 11-14 09:20:31 [core.py:708]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/executor/multiproc_executor.py", line 509, in wait_for_ready',
    "(EngineCore_DP0 pid=930) ERROR 11-14 09:20:31 [core.py:708]     raise e from None",
    "(EngineCore_DP0 pid=930) ERROR 11-14 09:20:31 [core.py:708] Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.",
    "(EngineCore_DP0 pid=930) Process EngineCore_DP0:",
    "(EngineCore_DP0 pid=930) Traceback (most recent call last):",
  ];
  it("is an engine that did not start, on the multiprocessing executor", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.config.executorBackend, at).toBe("mp");
    });
  });
});

describe("a worker's Gloo receive that timed out while the engine started (two GPUs, 0.9)", () => {
  const lines = [
    "(VllmWorker rank=0 pid=20411) ERROR 06-11 02:14:09 [multiproc_executor.py:435] RuntimeError: [/pytorch/third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:81] Timed out waiting 1800000ms for recv operation to complete",
    "ERROR 06-11 02:14:12 [core.py:396] EngineCore failed to start.",
    "ERROR 06-11 02:14:12 [core.py:396] Traceback (most recent call last):",
    'ERROR 06-11 02:14:12 [core.py:396]   File "/opt/conda/lib/python3.11/site-packages/vllm/v1/engine/core.py", line 387, in run_engine_core',
  ];
  it("the engine did not start, and the worker's timeout is the root cause it names", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/engine-init-failed");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("Timed out waiting 1800000ms for recv operation to complete");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.config.executorBackend, at).toBe("mp");
    });
  });
});
