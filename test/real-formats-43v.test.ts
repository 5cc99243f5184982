import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * A forty-third round of real vLLM logs (issues of 2026): a V1 multiproc worker's start-up traceback pasted only down to
 * its entry, `worker_main` building the worker (`worker = WorkerProc(*args, **kwargs)`), then vLLM's tracing wrapper
 * (`tracing/otel.py` `sync_wrapper`) and the cut. vLLM's `worker_main` (vllm/v1/executor/multiproc_executor.py) builds
 * its `WorkerProc` once, on the start-up, and serves afterwards in `worker.worker_busy_loop()`: a traceback through that
 * construction is the worker failing to start, whatever the paste kept below it. Every text is written for the test in
 * the printed layout of vLLM's `logger.exception` lines behind the `(Worker_TP3 pid=N)` prefix; the wrappers are a test
 * harness's `[VLLM LOG] ` tag, docker compose, kubectl `--timestamps` and CRLF line ends.
 */

const PKG = "/opt/venv/lib/python3.12/site-packages/vllm";
const head = "(Worker_TP2 pid=40417) ERROR 02-11 09:31:07 [multiproc_executor.py:771]";

// the traceback's top, cut below the worker's construction (the exception line is not in the paste)
const cutBelowConstruction = [
  `${head} Traceback (most recent call last):`,
  `${head}   File "${PKG}/v1/executor/multiproc_executor.py", line 742, in worker_main`,
  `${head}     worker = WorkerProc(*args, **kwargs)`,
  `${head}              ^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
  `${head}   File "${PKG}/tracing/otel.py", line 178, in sync_wrapper`,
];

// the same worker once it serves: the traceback goes through the busy loop, not the construction
const servingWorker = [
  `${head} WorkerProc hit an exception.`,
  `${head} Traceback (most recent call last):`,
  `${head}   File "${PKG}/v1/executor/multiproc_executor.py", line 760, in worker_main`,
  `${head}     worker.worker_busy_loop()`,
  `${head}   File "${PKG}/tracing/otel.py", line 178, in sync_wrapper`,
];

const wrappers: Array<[string, (i: number) => string, string]> = [
  ["bare", () => "", "\n"],
  ["a harness's [VLLM LOG] tag", () => "[VLLM LOG] ", "\n"],
  ["docker compose", () => "vllm-1  | ", "\n"],
  ["kubectl --timestamps", (i) => `2026-02-11T09:31:07.${String(100000 + i)}512Z `, "\n"],
  ["CRLF", () => "", "\r\n"],
];
const wrap = (lines: string[], tag: (i: number) => string, eol: string): string => lines.map((l, i) => tag(i) + l).join(eol) + eol;

describe("a V1 worker's traceback cut below `worker = WorkerProc(...)` in worker_main", () => {
  for (const [name, tag, eol] of wrappers) {
    it(`${name}: the engine failed to start, from a multiproc worker`, async () => {
      const r = await analyzeText(wrap(cutBelowConstruction, tag, eol));
      expect(ids(r)).toContain("vllm/engine-init-failed");
      expect(ids(r)).not.toContain("vllm/engine-dead");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.config.executorBackend).toBe("mp");
      // a traceback's header logged at ERROR is no first error
      expect(r.facts.firstError).toBeNull();
    });
  }

  it("a worker that served (worker_busy_loop) is no start-up failure", async () => {
    const r = await analyzeText(wrap(servingWorker, () => "", "\n"));
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("a script's own worker_main calling WorkerProc outside vLLM's executor is no vLLM start-up", async () => {
    const r = await analyzeText(
      wrap(
        [
          "Traceback (most recent call last):",
          '  File "/home/me/bench/pool.py", line 12, in worker_main',
          "    worker = WorkerProc(*args, **kwargs)",
          '  File "/home/me/bench/pool.py", line 40, in __init__',
        ],
        () => "",
        "\n",
      ),
    );
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

/**
 * A launch command pasted as markdown inline code over several lines: the span opens before `vllm serve` and closes with
 * a backtick stuck to the last flag's value (`` --gpu-memory-utilization 0.90` ``). The record's head loses the opening
 * backtick (src/records/peel.ts); the closing one ends the command and is no part of the value. A shell's quoted command
 * continued over lines (`bash -c "vllm serve m \`) closes the same way, at its quote.
 */
describe("a multi-line launch command closed by a backtick or a quote", () => {
  const inlineCode = ["`vllm serve acme/vision-moe-30b \\", "  --max-model-len 24576 \\", "  --gpu-memory-utilization 0.85`", "", "then it stops with:"];
  for (const eol of ["\n", "\r\n"]) {
    it(`markdown inline code${eol === "\r\n" ? ", CRLF" : ""}: the last flag's value is read without the backtick`, async () => {
      const r = await analyzeText(inlineCode.join(eol) + eol);
      expect(r.facts.config.model).toBe("acme/vision-moe-30b");
      expect(r.facts.config.maxModelLen).toBe(24576);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
    });
  }

  it("a shell's double-quoted command over lines: the value before the closing quote is read", async () => {
    const r = await analyzeText(
      ['docker exec llm bash -c "vllm serve acme/dense-8b \\', "  --tensor-parallel-size 2 \\", '  --gpu-memory-utilization 0.75"', ""].join("\n"),
    );
    expect(r.facts.config.model).toBe("acme/dense-8b");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.75);
  });

  it("PowerShell's continuation backtick (a word of its own) still continues the command", async () => {
    const r = await analyzeText(["vllm serve acme/dense-8b `", "  --max-model-len 4096 `", "  --gpu-memory-utilization 0.8", ""].join("\n"));
    expect(r.facts.config.maxModelLen).toBe(4096);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.8);
  });
});

describe("several served model names in vLLM's argument dump", () => {
  it("name the model by the first, as the command line and vLLM's banner do", async () => {
    const dict = await analyzeText("INFO 03-01 10:00:00 [api_server.py:1000] non-default args: {'model': 'Qwen/Qwen3-8B', 'served_model_name': ['qwen3', 'qwen3-8b', 'default'], 'tensor_parallel_size': 2}\n");
    const one = await analyzeText("INFO 03-01 10:00:00 [api_server.py:1000] non-default args: {'model': 'Qwen/Qwen3-8B', 'served_model_name': ['qwen3']}\n");
    const cmd = await analyzeText("vllm serve Qwen/Qwen3-8B --served-model-name qwen3 qwen3-8b default --tensor-parallel-size 2\n");
    expect([dict, one, cmd].map((r) => r.facts.config.servedModelName)).toEqual(["qwen3", "qwen3", "qwen3"]);
  });
});
