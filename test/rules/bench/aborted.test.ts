import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { banner, row } from "../../helpers/serve-block.js";

/**
 * Benchmark outputs that end in a traceback through the benchmark script, written for the test from
 * vllm/benchmarks/serve.py (the initial single-prompt test raises ValueError) and benchmarks/benchmark_*.py.
 */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "bench/aborted");

const PKG = "/usr/local/lib/python3.12/dist-packages/vllm";
const servePreamble = [
  "INFO 10-21 09:12:01 [__init__.py:216] Automatically detected platform cuda.",
  "Namespace(subparser='bench', bench_type='serve', seed=0, num_prompts=200, dataset_name='random', backend='openai-chat', base_url='http://localhost:8000', endpoint='/v1/completions', max_concurrency=None, model='Qwen/Qwen3-8B')",
  "Starting initial single prompt test run...",
];
const serveTraceback = (error: string) => [
  "Traceback (most recent call last):",
  '  File "/usr/local/bin/vllm", line 10, in <module>',
  "    sys.exit(main())",
  `  File "${PKG}/entrypoints/cli/main.py", line 54, in main`,
  "    args.dispatch_function(args)",
  `  File "${PKG}/entrypoints/cli/benchmark/serve.py", line 21, in cmd`,
  "    main(args)",
  `  File "${PKG}/benchmarks/serve.py", line 1211, in main`,
  "    return asyncio.run(main_async(args))",
  `  File "${PKG}/benchmarks/serve.py", line 641, in benchmark`,
  "    raise ValueError(",
  error,
];
const INITIAL = "ValueError: Initial test run failed - Please make sure benchmark arguments are correctly specified. Error: Not Found";

describe("bench/aborted", () => {
  it("is an error when `vllm bench serve` dies in its initial test request, with the error named", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const f = await mine([...servePreamble, ...serveTraceback(INITIAL)].join(eol) + eol);
      expect(f).toHaveLength(1);
      expect(f[0].severity).toBe("error");
      expect(f[0].evidence[0].line).toBe(4);
      expect(f[0].message).toBe(
        "`vllm bench serve` / benchmark_serving.py stopped with a Python traceback at line 4 and printed no result after it (ValueError: Initial test run failed - Please make sure benchmark arguments are correctly specified. Error: Not Found): there are no numbers of this run to compare or gate on.",
      );
    }
  });

  it("says the error is not in the log when the paste is cut inside the traceback, behind a kubectl prefix too", async () => {
    const lines = [...servePreamble, ...serveTraceback(INITIAL).slice(0, 9)].map((l) => `2025-10-21T09:12:02.000000000Z ${l}`);
    const f = await mine(lines.join("\n") + "\n");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("(the traceback's last line, its error, is not in the log)");
  });

  it("names the throughput and latency scripts of the old layout", async () => {
    for (const [script, name] of [["benchmark_throughput.py", "throughput"], ["benchmark_latency.py", "latency"]] as const) {
      const text = ["Traceback (most recent call last):", `  File "/workspace/vllm/benchmarks/${script}", line 310, in <module>`, "    main(args)",
        "RuntimeError: CUDA error: out of memory"].join("\n") + "\n";
      const r = await analyzeText(text);
      expect(r.facts.bench.aborted!.tool).toBe(name);
      expect(r.findings.filter((x) => x.ruleId === "bench/aborted")).toHaveLength(1);
    }
  });

  it("stays quiet when the run printed its result after the traceback (a retry), and on a server's own traceback", async () => {
    const retry = [...servePreamble, ...serveTraceback(INITIAL), "", ...servePreamble, "Initial test run completed. Starting main benchmark run...", banner,
      row("Successful requests:", "200"), row("Benchmark duration (s):", "31.20"), row("Request throughput (req/s):", "6.41"), "=".repeat(50)].join("\n") + "\n";
    expect(await mine(retry)).toEqual([]);
    const engine = ["(EngineCore_DP0 pid=310) ERROR 10-21 09:12:05 [core.py:710] EngineCore encountered a fatal error.", "Traceback (most recent call last):",
      `  File "${PKG}/v1/engine/core.py", line 701, in run_engine_core`, "    engine_core.run_busy_loop()", "torch.OutOfMemoryError: CUDA out of memory."].join("\n") + "\n";
    const r = await analyzeText(engine);
    expect(r.facts.bench.aborted ?? null).toBeNull();
    expect(r.findings.filter((x) => x.ruleId === "bench/aborted")).toEqual([]);
  });

  it("stays quiet on the vllm CLI failing at import, whose chain passes through the benchmark modules at `<module>`", async () => {
    const text = ["$ vllm serve Qwen/Qwen3-8B --tensor-parallel-size 4", "Traceback (most recent call last):", '  File "/opt/venv/bin/vllm", line 5, in <module>',
      "    from vllm.entrypoints.cli.main import main", `  File "${PKG}/entrypoints/cli/benchmark/latency.py", line 5, in <module>`,
      "    from vllm.benchmarks.latency import add_cli_args, main", `  File "${PKG}/benchmarks/latency.py", line 16, in <module>`,
      "    from vllm import LLM, SamplingParams", "ImportError: /opt/venv/lib/python3.12/site-packages/vllm/_C.abi3.so: undefined symbol: _ZN3c104cuda9SetDeviceEab"].join("\n") + "\n";
    const r = await analyzeText(text);
    expect(r.facts.bench.aborted ?? null).toBeNull();
    expect(r.findings.filter((x) => x.ruleId === "bench/aborted")).toEqual([]);
    // hard-wrapped at a width that cuts each frame line before its last `>` (and leaves it alone on the next line)
    const wrapped = text.replace(/in <module>\n/g, "in <module\n>\n");
    expect((await analyzeText(wrapped)).findings.filter((x) => x.ruleId === "bench/aborted")).toEqual([]);
  });

  it("still fires for the second of two runs when only the first printed its result", async () => {
    const text = [banner, row("Successful requests:", "200"), row("Benchmark duration (s):", "31.20"), "=".repeat(50), ...servePreamble, ...serveTraceback(INITIAL)].join("\n") + "\n";
    const f = await mine(text);
    expect(f).toHaveLength(1);
    expect(f[0].evidence[0].line).toBe(8);
  });
});
