import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Shapes of a twenty-ninth round of real vLLM logs (the newest vllm-project/vllm issues, v0.19-v0.28): a worker that
 * sets FLASHINFER_LOGLEVEL prints FlashInfer's API-logging system information (flashinfer/api_logging.py
 * `_log_system_info`: a rule of 80 `=`, `[YYYY-MM-DD HH:MM:SS] FlashInfer API Logging - System Information`, the
 * versions, `Number of GPUs: N`, then `  GPU i: name` and `    Compute capability: M.m (SMmm)` for each GPU). A paste
 * cut inside that list must still report the stated total, not the rows it kept. Every text is written for the test in
 * the printed layout.
 */

const H100 = "NVIDIA H100 80GB HBM3";

/** the block as `_log_system_info` prints it, listing only the first `listed` of `total` GPUs (a cut paste) */
function census(total: number | null, listed: number, name = H100): string[] {
  const rule = "=".repeat(80);
  const out = [rule, "[2026-08-14 03:12:55] FlashInfer API Logging - System Information", rule, "FlashInfer version: 0.6.9", "CUDA toolkit version: 12.9", "cuDNN version: 91002"];
  if (total !== null) out.push(`Number of GPUs: ${total}`);
  for (let i = 0; i < listed; i++) out.push(`  GPU ${i}: ${name}`, "    Compute capability: 9.0 (SM90)");
  return out;
}

const vllmLines = (p: string): string[] => [
  `${p}INFO 08-14 03:12:50 [parallel_state.py:1402] world_size=4 rank=0 local_rank=0 distributed_init_method=tcp://127.0.0.1:41231 backend=nccl`,
  `${p}INFO 08-14 03:12:58 [gpu_model_runner.py:4123] Starting to load model Qwen/Qwen3-32B...`,
];

const gpuOf = async (lines: string[], eol = "\n") => (await analyzeText(lines.join(eol) + eol)).facts.gpu;

describe("real formats 29v: FlashInfer's GPU census", () => {
  it("takes the stated total over the rows a cut paste kept, behind a V1 worker prefix", async () => {
    const p = "(Worker_TP0 pid=3121) ";
    const gpu = await gpuOf([...vllmLines(p), ...census(4, 2).map((l) => p + l)]);
    expect(gpu).toMatchObject({ name: H100, count: 4 });
  });

  it("reads it behind kubectl --timestamps, docker compose and CRLF line ends alike", async () => {
    const kubectl = (l: string, i: number) => `2026-08-14T03:12:${String(50 + (i % 9)).padStart(2, "0")}.${String(100000000 + i * 7919).slice(1)}Z ${l}`;
    const lines = [...vllmLines("(Worker_TP1 pid=3122) "), ...census(8, 3).map((l) => "(Worker_TP1 pid=3122) " + l)];
    expect(await gpuOf(lines.map(kubectl))).toMatchObject({ name: H100, count: 8 });
    expect(await gpuOf(lines.map((l) => `vllm-1  | ${l}`))).toMatchObject({ name: H100, count: 8 });
    expect(await gpuOf(lines, "\r\n")).toMatchObject({ name: H100, count: 8 });
  });

  it("counts the rows when no total is printed (FlashInfer 0.6.0 printed none), or when the total is no count", async () => {
    expect(await gpuOf([...vllmLines(""), ...census(null, 2)])).toMatchObject({ name: H100, count: 2 });
    // `Number of GPUs: 0` beside a listed GPU states nothing usable; a census line with more after the number is no total
    expect(await gpuOf([...vllmLines(""), ...census(0, 1)])).toMatchObject({ name: H100, count: 1 });
    const other = [...vllmLines(""), "Number of GPUs: 8 (4 visible)", "  GPU 0: NVIDIA A100-SXM4-80GB"];
    expect(await gpuOf(other)).toMatchObject({ name: "NVIDIA A100-SXM4-80GB", count: 1 });
  });

  it("lets the full list and its total agree", async () => {
    expect(await gpuOf([...vllmLines(""), ...census(2, 2)])).toMatchObject({ name: H100, count: 2 });
  });
});

/**
 * An issue's "launch command (relevant flags)": vLLM's arguments pasted one flag a line, with no `vllm serve` before them
 * and no backslashes, then the log. The `--model` line starts the command as ` --model` does inside a line.
 */
describe("real formats 29v: vLLM's flags one a line with no command before them", () => {
  const flags = [
    "--model /srv/models/Llama-3.3-70B-Instruct",
    "--served-model-name llama-70b",
    "--tensor-parallel-size 4",
    "--max-model-len 65536",
    "--gpu-memory-utilization 0.88",
    "--enable-prefix-caching",
    `--compilation-config '{"cudagraph_mode":"FULL_AND_PIECEWISE"}'`,
  ];
  const tail = ["(APIServer pid=901) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}"];

  it("reads them as the launch command, also behind kubectl --timestamps, docker compose and CRLF", async () => {
    const want = { model: "/srv/models/Llama-3.3-70B-Instruct", tensorParallelSize: 4, maxModelLen: 65536, gpuMemoryUtilization: 0.88 };
    const variants: [string[], string][] = [
      [[...flags, ...tail], "\n"],
      [[...flags, ...tail].map((l, i) => `2026-08-21T10:02:${String(10 + i).padStart(2, "0")}.512${i}Z ${l}`), "\n"],
      [[...flags, ...tail].map((l) => `vllm-server-1  | ${l}`), "\n"],
      [[...flags, ...tail], "\r\n"],
    ];
    for (const [lines, eol] of variants) {
      const r = await analyzeText(lines.join(eol) + eol);
      expect(r.facts.config).toMatchObject(want);
    }
  });

  it("takes `--model=value` and the short forms alike, and stops at the first line that is no flag", async () => {
    const r = await analyzeText(["--model=Qwen/Qwen3-8B", "-tp 2", "--max-model-len=32768", "some prose in between", "--max-model-len 4096", ""].join("\n"));
    expect(r.facts.config).toMatchObject({ model: "Qwen/Qwen3-8B", tensorParallelSize: 2, maxModelLen: 32768 });
  });

  it("reads no command from argparse's help (a metavar for a value) nor from prose that opens with a flag", async () => {
    const help = [
      "usage: vllm serve [model_tag] [options]",
      "  --model MODEL         Name or path of the Hugging Face model to use.",
      "--model MODEL",
      "                        Name or path of the Hugging Face model to use.",
      "--tensor-parallel-size TENSOR_PARALLEL_SIZE, -tp TENSOR_PARALLEL_SIZE",
      "--model is required when no model tag is given",
      "",
    ];
    const r = await analyzeText(help.join("\n"));
    expect(r.facts.config).toMatchObject({ model: null, tensorParallelSize: null });
  });

  it("keeps the command's model when argparse's usage line follows it (`[model_tag]` is no model)", async () => {
    const lines = [
      "$ vllm serve Qwen/Qwen3-8B -tp 2 --max-model-len 16384 --enable-foo",
      "usage: vllm serve [model_tag] [options]",
      "vllm serve: error: unrecognized arguments: --enable-foo",
      "",
    ];
    const r = await analyzeText(lines.join("\n"));
    expect(r.facts.config).toMatchObject({ model: "Qwen/Qwen3-8B", tensorParallelSize: 2, maxModelLen: 16384 });
  });
});
