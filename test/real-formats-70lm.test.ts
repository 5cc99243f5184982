import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a seventieth round of real logs: vLLM under other hosts' loggers (AWS LMI / DJL Serving, Triton's vLLM
 * backend, Ray Serve LLM, GKE's Cloud Logging export). DJL Serving's Java logger sets the worker's name and stream before
 * each line its Python engine prints (`INFO  PyProcess W-299-model1-stdout: `, `[INFO ] PyProcess - W-…-stdout: `), which
 * no peel took off, and that engine's own records are `%(levelname)s::%(message)s` since 0.29's successors
 * (`ERROR::Failed invoke service.invoke_handler()`), which no reader took for a record: a model whose handler raised
 * showed no first failure. Every log text here is written for the test in the printed layout.
 */

// DJL's layouts around one line its Python engine printed: the image's console (`%-5level %c{1} %msg`, stderr at WARN),
// the conf's console (`[%-5level] %c{1} - %msg`), the older one without the logger (`[%-5level] - %msg`), and the file's
// `%d %-5p %m`; behind each, kubectl's stamp or nothing
const DJL: [string, (l: string, stream?: "stdout" | "stderr") => string][] = [
  ["console", (l, s = "stdout") => `${s === "stderr" ? "WARN " : "INFO "} PyProcess W-4117-llama3-${s}: ${l}`],
  ["bracketed", (l, s = "stdout") => `[INFO ] PyProcess - W-4117-llama3.1-8b-${s}: ${l}`],
  ["no logger", (l, s = "stdout") => `[WARN ] - W-80-model-${s}: ${l}`],
  ["file, kubectl stamp", (l, s = "stdout") => `2026-12-07T03:20:11.204117000Z 2026-12-07 03:20:11 INFO  W-4117-llama3-${s}: ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachDjl(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of DJL) {
    const w = (l: string) => wrap(l);
    for (const eol of eolsFor(w)) check(await analyzeText(join(lines, w, eol)), `${name} ${JSON.stringify(eol)}`);
  }
}

describe("DJL Serving's PyProcess wrapper and its Python engine's `LEVEL::` records", () => {
  const lines = [
    "INFO::2210 - djl_python_engine started with args: ['--sock-type', 'unix']",
    "INFO 12-07 03:20:11 llm_engine.py:237] Initializing an LLM engine (v0.6.3.post1) with config: model='/opt/ml/model', speculative_config=None, tokenizer='/opt/ml/model', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=2, pipeline_parallel_size=1, enforce_eager=False",
    "ERROR::Failed invoke service.invoke_handler()",
    "Traceback (most recent call last):",
    '  File "/tmp/.djl.ai/python/0.30.0/djl_python/service_loader.py", line 30, in invoke_handler',
    "    return getattr(self.module, function_name)(inputs)",
    "ValueError: max_model_len 8192 does not fit the KV cache of 3120 tokens",
  ];
  it("reads vLLM's config through the wrapper and the engine's ERROR record as the first failure", async () => {
    await eachDjl(lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("/opt/ml/model");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.firstError?.text, at).toContain("ERROR::Failed invoke service.invoke_handler()");
    });
  });
  it("under Open MPI's tag (the engine run by mpirun) the record is still read", async () => {
    const [, wrap] = DJL[0];
    const r = await analyzeText(join(lines.map((l) => `[1,0]<stdout>:${l}`), (l) => wrap(l), "\r\n"));
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });
  it("a vLLM ERROR record on the stderr stream is vLLM's own failure, the wrapper's level aside", async () => {
    const [, wrap] = DJL[0];
    const text = join(
      ["INFO 12-07 03:20:11 [core.py:58] Initializing a V1 LLM engine (v0.9.2) with config: model='/opt/ml/model', tensor_parallel_size=1", "ERROR 12-07 03:20:19 [core.py:515] EngineCore failed to start."],
      (l) => wrap(l, "stderr"),
    );
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });
  it("near misses: INFO and WARNING records, and the Java logger's own level, are no failure", async () => {
    const [, wrap] = DJL[0];
    const r = await analyzeText(
      [
        wrap("INFO::Python engine started."),
        wrap("WARNING::Model server is using a deprecated option rolling_batch=auto", "stderr"),
        `ERROR PyProcess W-4117-llama3-stdout: INFO 12-07 03:20:11 [core.py:10] Waiting for init message from front-end.`,
        "INFO  ModelServer Initialize BOTH server with: EpollServerSocketChannel.",
        "ERROR:: bare prefix, nothing glued to it",
        "",
      ].join("\n"),
    );
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.firstWarning?.line).toBe(2);
    expect(ids(r, "error")).toEqual([]);
  });
  it("a line that only looks like the wrapper keeps its text (no worker name, no stream)", async () => {
    const r = await analyzeText("INFO  PyProcess started the worker\nWARN  PyProcess W-4117: ERROR::not a stream tag\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("Python's default record with no logger name (`LEVEL::message`) outside DJL", () => {
  it("ERROR and CRITICAL are failures, bare and behind other collectors' prefixes", async () => {
    for (const [name, wrap] of [
      ["bare", (l: string) => l],
      ["docker compose", (l: string) => `lmi-1  | ${l}`],
      ["Open MPI tag", (l: string) => `[1,3]<stderr>:${l}`],
    ] as [string, (l: string) => string][]) {
      const r = await analyzeText(join(["INFO::loading model", "CRITICAL::Python engine process died"], wrap));
      expect(r.facts.firstError?.line, name).toBe(2);
    }
  });
});
