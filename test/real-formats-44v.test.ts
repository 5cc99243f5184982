import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * A forty-fourth round of real vLLM logs, found by model name (Qwen, Llama, DeepSeek, gpt-oss, Gemma, Mixtral, Phi,
 * GLM, InternVL, MiniCPM; vLLM 0.5 to 0.19). One shape was misread: a window of a c10::Error's C++ backtrace that a Ray
 * worker logged at ERROR, one record a line. vLLM's logging formatter repeats the record's header on every line of a
 * multi-line message, so V0's worker_base.py (`Error executing method …`, logged with its traceback) prints each
 * `frame #N: …` line of PyTorch's backtrace behind `(RayWorkerWrapper pid=N) ERROR … worker_base.py:157]`. A frame is
 * part of a traceback, never the line that states the error (the corpus NOTES: frames do not count as first_error),
 * and frames alone at ERROR are a failure the window cut before its exception line. Every text below is written for the
 * test in the printed layout; the wrappers are the shared WRAPS (CRLF, kubectl `--timestamps`, docker compose, a Ray
 * actor's prefix) and Docker Desktop's timestamp.
 */

const ray = "(RayWorkerWrapper pid=61234) ERROR 05-03 08:12:44 worker_base.py:157]";
const cppOnly = [
  `${ray} frame #21: _PyEval_EvalFrameDefault + 0x2b79 (0x4efb19 in ray::RayWorkerWrapper.execute_method)`,
  `${ray} frame #22: ray::RayWorkerWrapper.execute_method() [0x508006]`,
  `${ray} frame #23: _PyObject_FastCallDictTstate + 0xcd (0x4f561d in ray::RayWorkerWrapper.execute_method)`,
  `${ray} frame #24: _PyObject_MakeTpCall + 0x25b (0x4f614b in ray::RayWorkerWrapper.execute_method)`,
];

// the ≥0.8 bracketed header behind a V1 worker's prefix: the same frames
const v1 = "(VllmWorker rank=1 pid=5120) ERROR 04-02 17:20:09 [multiproc_executor.py:375]";
const cppOnlyV1 = [
  `${v1} frame #3: c10d::ProcessGroupNCCL::watchdogHandler() + 0x1d8 (0x7f10aa3c21f8 in /opt/venv/lib/python3.12/site-packages/torch/lib/libtorch_cuda.so)`,
  `${v1} frame #4: c10d::ProcessGroupNCCL::ncclCommWatchdog() + 0x14d (0x7f10aa3c3e2d in /opt/venv/lib/python3.12/site-packages/torch/lib/libtorch_cuda.so)`,
];

// the whole failure in the window: the worker's traceback, its exception line, the c10 message (PyTorch ≥2.4 adds the
// `Search for …` line: five lines after the exception line) and then the C++ frames
const w = "(VllmWorkerProcess pid=7401) ERROR 03-14 11:05:52 multiproc_worker_utils.py:226]";
const whole = [
  `${w} Exception in worker VllmWorkerProcess while processing method determine_num_available_blocks.`,
  `${w} Traceback (most recent call last):`,
  `${w}   File "/opt/venv/lib/python3.10/site-packages/vllm/worker/worker.py", line 229, in determine_num_available_blocks`,
  `${w}     self.model_runner.profile_run()`,
  `${w} RuntimeError: CUDA error: an illegal memory access was encountered`,
  `${w} Search for \`cudaErrorIllegalAddress' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information.`,
  `${w} CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.`,
  `${w} For debugging consider passing CUDA_LAUNCH_BLOCKING=1`,
  `${w} Compile with \`TORCH_USE_CUDA_DSA\` to enable device-side assertions.`,
  `${w} `,
  `${w} Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):`,
  `${w} frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x7f3a0c0d1446 in /opt/venv/lib/python3.10/site-packages/torch/lib/libc10.so)`,
  `${w} frame #1: c10::detail::torchCheckFail(char const*, char const*, unsigned int, std::string const&) + 0x64 (0x7f3a0c07b6e4 in /opt/venv/lib/python3.10/site-packages/torch/lib/libc10.so)`,
];

// a c10::Error whose message runs over more lines than a traceback's message is followed for (a TORCH_CHECK in a custom
// op that lists its operands one a line): its C++ frames still belong to it, not to a traceback the window cut
const longMessage = [
  `${w} Traceback (most recent call last):`,
  `${w}   File "/opt/venv/lib/python3.10/site-packages/vllm/_custom_ops.py", line 412, in moe_align_block_size`,
  `${w}     torch.ops._moe_C.moe_align_block_size(topk_ids, num_experts, block_size, sorted_token_ids,`,
  `${w} RuntimeError: moe_align_block_size: operands disagree`,
  `${w} topk_ids: [4096, 8] int32`,
  `${w} sorted_token_ids: [33280] int32`,
  `${w} experts_ids: [520] int32`,
  `${w} num_tokens_post_pad: [1] int32`,
  `${w} block_size: 64`,
  `${w} Exception raised from moe_align_block_size at /workspace/csrc/moe/moe_align_sum_kernels.cu:233 (most recent call first):`,
  `${w} frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x7f3a0c0d1446 in /opt/venv/lib/python3.10/site-packages/torch/lib/libc10.so)`,
];

// the wrappers a reader must not care about, and Docker Desktop's own timestamp (`2024-05-03 16:12:40 ` before the line)
const wrappers: ReadonlyArray<[string, (s: string) => string]> = [
  ...WRAPS,
  ["Docker Desktop's timestamp", (s) => s.split("\n").map((l, i) => (l ? `2024-05-03 16:12:${String(40 + i)} ${l}` : l)).join("\n")],
];
const text = (lines: string[]): string => lines.join("\n") + "\n";

describe("C++ backtrace frames logged at ERROR, the exception line cut off above", () => {
  for (const [name, wrapIt] of wrappers) {
    it(`${name}: no frame is the first error, and the log is a failure the window cut`, async () => {
      const r = await analyzeText(wrapIt(text(cppOnly)));
      expect(r.facts.firstError).toBeNull();
      expect(r.facts.config.executorBackend).toBe("ray");
      const cut = (r.facts.tracebacks?.list ?? []).filter((t) => t.cut === true);
      expect(cut).toHaveLength(1);
      expect(cut[0].loggedAsError).toBe(true);
      expect(r.verdict).toMatch(/^Error with no known cause at .*:1 \(a traceback logged at ERROR that the log cuts before its exception line/);
      expect(ids(r)).toEqual([]);
    });
  }

  it("the bracketed ≥0.8 header behind a V1 worker's prefix reads the same", async () => {
    const r = await analyzeText(text(cppOnlyV1));
    expect(r.facts.firstError).toBeNull();
    expect((r.facts.tracebacks?.list ?? []).filter((t) => t.cut === true)).toHaveLength(1);
    expect(r.verdict).toMatch(/^Error with no known cause at .*:1 \(a traceback/);
  });
});

describe("the C++ frames under an exception line the window holds", () => {
  for (const [name, wrapIt] of wrappers) {
    it(`${name}: they are that exception's message, no second traceback`, async () => {
      const r = await analyzeText(wrapIt(text(whole)));
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.firstError?.text).toContain("Exception in worker VllmWorkerProcess while processing method determine_num_available_blocks.");
      const list = r.facts.tracebacks?.list ?? [];
      expect(list.filter((t) => t.cut === true)).toHaveLength(0);
      expect(list.some((t) => t.errorType === "RuntimeError")).toBe(true);
      expect(ids(r)).toContain("vllm/cuda-error");
    });
  }
});

describe("C++ frames after an exception whose message ran long", () => {
  it("belong to that exception: no traceback cut at ERROR is added", async () => {
    const r = await analyzeText(text(longMessage));
    const list = r.facts.tracebacks?.list ?? [];
    expect(list.filter((t) => t.cut === true)).toHaveLength(0);
    expect(list.some((t) => t.errorType === "RuntimeError")).toBe(true);
    expect(r.facts.firstError?.line).toBe(4);
  });
});
