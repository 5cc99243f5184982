import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a round of real logs from notebooks and small GPUs (Colab, Kaggle, SageMaker notebooks, g4dn / L4 /
 * V100 / P100 boxes): vLLM started from a cell (`vLLM STDOUT:` relays, tokenizer download bars without a bar, IPython
 * tracebacks), old compute capabilities (bfloat16 refused, XFormers instead of FlashAttention), cut start-up tracebacks.
 * The tool read them right at first sight. One thing it did not read: torch 2.8+'s capability warning, a block that
 * starts `Found GPU<i> <name> which is of compute capability (CC) X.Y.` and lists the architectures the build has
 * (`- 7.5 which supports hardware CC >=7.5,<8.0`, ...). torch prints it only for a GPU none of them runs; the tool now
 * reads it as a verdict when the GPU is older than every architecture listed (a P100 or V100 under a cu128 build),
 * and still not for a GPU newer than one of them (torch's table can be stale there: a Jetson Orin). And Triton's
 * `OutOfResources: out of resource: shared memory, Required: N, Hardware limit: M` (a kernel tiled for more shared
 * memory than Turing's 64 KiB or a consumer card's 99 KiB) had no rule and was no first error, as its exception type
 * has no `Error` suffix: new rule vllm/triton-out-of-resources, and the type is read as an exception.
 * Every log text here is written for the test in the printed layout (other names, numbers and paths than the pastes),
 * behind the collectors people paste from and with CRLF, with near misses that must not match.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-10-14T07:31:52.402211870Z ${l}`],
  ["docker compose", (l: string) => `llm-t4-1  | ${l}`],
  ["Ray", (l: string) => `(LLMWorker pid=3318) ${l}`],
] as const;
/** plain text (LF and CRLF) and one collector, a different one per case, to keep the file cheap */
const withWrap = (i: number) => [WRAPS[0], WRAPS[i]] as const;
/** one collector alone (its line end picked by eolsFor), for the cases whose plain form another case reads */
const only = (i: number) => [WRAPS[i]] as const;
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

/** torch 2.8+'s block for a GPU its build has no architecture for, as warnings.warn prints it */
const ccBlock = (prefix: string, gpu: string, cc: string, archs: readonly string[]): string[] => [
  `${prefix}/opt/conda/lib/python3.11/site-packages/torch/cuda/__init__.py:371: UserWarning: Found GPU0 ${gpu} which is of compute capability (CC) ${cc}.`,
  `${prefix}The following list shows the CCs this version of PyTorch was built for and the hardware CCs it supports:`,
  ...archs.map((a) => `${prefix}- ${a} which supports hardware CC ${a === "8.0" || a === "8.6" ? `>=${a},<9.0 except {8.7}` : `>=${a},<${Number(a.split(".")[0]) + 1}.0`}`),
  `${prefix}Please follow the instructions at https://pytorch.org/get-started/locally/ to install a PyTorch release that supports one of these CUDA versions: 12.6`,
  `${prefix}  _warn_unsupported_code(d, device_cc, code_ccs)`,
];
const CU128 = ["7.0", "7.5", "8.0", "8.6", "9.0", "10.0", "12.0"];

describe("torch 2.8+'s capability block for a GPU older than its build", () => {
  it("reads a P100 under a cu128 build as a GPU with no kernels, before any CUDA error", async () => {
    await eachWrapped(withWrap(1), ccBlock("", "Tesla P100-PCIE-16GB", "6.0", CU128), (r, at) => {
      const f = finding(r, "vllm/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("warning");
      expect(f!.message, at).toContain("Tesla P100-PCIE-16GB (compute capability 6.0, older than the build's oldest architecture, 7.0)");
      expect(f!.evidence[0].line, at).toBe(1);
      expect(r.facts.gpu.name, at).toBe("Tesla P100-PCIE-16GB");
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("reads it in a V1 worker's lines, where the list does not start at the GPU's own architecture", async () => {
    const lines = [
      "(Worker_TP0 pid=702) INFO 09-30 11:02:16 [parallel_state.py:1165] rank 0 in world size 1 is assigned as DP rank 0, PP rank 0, TP rank 0, EP rank 0",
      ...ccBlock("(Worker_TP0 pid=702) ", "Tesla V100-PCIE-16GB", "7.0", ["7.5", "8.0", "8.6", "9.0", "10.0", "12.0"]),
    ];
    await eachWrapped(only(2), lines, (r, at) => {
      const f = finding(r, "vllm/cuda-error");
      expect(f?.message, at).toContain("compute capability 7.0, older than the build's oldest architecture, 7.5");
      expect(f!.remediation[0], at).toContain("cu126");
    });
  });

  it("names the block beside the CUDA error it leads to", async () => {
    const lines = [
      ...ccBlock("", "Tesla P100-PCIE-16GB", "6.0", CU128),
      "ERROR 09-30 11:04:51 [core.py:700] EngineCore failed to start.",
      "RuntimeError: CUDA error: no kernel image is available for execution on the device",
    ];
    await eachWrapped(only(3), lines, (r, at) => {
      const f = finding(r, "vllm/cuda-error");
      expect(f?.severity, at).toBe("error");
      expect(f!.evidence.map((e) => e.line), at).toContain(1);
      expect(f!.remediation.join(" "), at).toContain("torch's build starts at compute capability 7.0 and the Tesla P100-PCIE-16GB is 6.0");
    });
  });

  it("does not judge a GPU newer than one listed architecture, a lone `Found GPU` line, or another process's list", async () => {
    const orin = ccBlock("", "Orin", "8.7", ["8.0", "8.6", "9.0"]);
    const lone = ["/usr/lib/python3/dist-packages/torch/cuda/__init__.py:371: UserWarning: Found GPU0 Tesla T4 which is of compute capability (CC) 7.5."];
    const other = [
      "(Worker_TP0 pid=41) UserWarning: Found GPU0 Tesla P40 which is of compute capability (CC) 6.1.",
      "(Worker_TP1 pid=42) - 7.0 which supports hardware CC >=7.0,<8.0",
      "(Worker_TP1 pid=42) - 7.5 which supports hardware CC >=7.5,<8.0",
    ];
    // older torch's wording for a GPU too old (read by its own signature) is not this block
    const oldTorch = ["Found GPU0 Tesla K80 which is of cuda capability 3.7.", "- 7.0 which supports hardware CC >=7.0,<8.0"];
    for (const lines of [orin, lone, other]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(ids(r)).not.toContain("vllm/cuda-error");
    }
    const r = await analyzeText(oldTorch.join("\n") + "\n");
    expect(finding(r, "vllm/cuda-error")?.message ?? "").not.toContain("older than the build's oldest architecture");
  });
});

describe("vLLM started from a notebook cell on a small GPU", () => {
  it("reads the V0 config echo relayed through `vLLM STDOUT:`, cut and hard-wrapped mid-token", async () => {
    const lines = [
      "vLLM STDOUT: INFO 08-21 09:12:40 [__init__.py:239] Automatically detected platform cuda.",
      "vLLM STDOUT: INFO 08-21 09:12:44 [llm_engine.py:240] Initializing a V0 LLM engine (v0.8.5.post1) with config: model='acme/Qwen2.5-1.5B-sft', speculative_config=None, tokenizer='acme/Qwen2.5-1.5B-sft', skip_tokenizer_init=False, dtype=torch.float16, max_seq_len=4096, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=1, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, served_model_name=acme/Qwen2.5-1.5B-sft, enable_prefix_caching=Tr",
      "ue, chunked_prefill_enabled=False, use_async_output_proc=True, compilation_config={\"level\":3,\"cudagraph_capture_siz",
    ];
    await eachWrapped(only(1), lines, (r, at) => {
      expect(r.facts.vllm, at).toEqual({ version: "0.8.5.post1", engine: "v0" });
      expect(r.facts.config.model, at).toBe("acme/Qwen2.5-1.5B-sft");
      expect(r.facts.config.maxModelLen, at).toBe(4096);
      expect(r.facts.config.tensorParallelSize, at).toBe(1);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("reads Colab's bar-less download lines and the XFormers fallback on Turing as a clean start", async () => {
    const lines = [
      "tokenizer_config.json: 100% 5.41k/5.41k [00:00<00:00, 31.2MB/s]",
      "tokenizer.json: 100% 9.08M/9.08M [00:00<00:00, 12.6MB/s]",
      "INFO 10-02 14:20:07 llm_engine.py:237] Initializing an LLM engine (v0.6.3.post1) with config: model='acme/gemma-2b-it-ft', speculative_config=None, tokenizer='acme/gemma-2b-it-ft', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, dtype=torch.float16, max_seq_len=2048, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=2, pipeline_parallel_size=1",
      "INFO 10-02 14:20:09 selector.py:247] Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
      "INFO 10-02 14:20:09 selector.py:115] Using XFormers backend.",
      "(VllmWorkerProcess pid=918) INFO 10-02 14:20:09 selector.py:247] Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
      "(VllmWorkerProcess pid=918) INFO 10-02 14:20:09 selector.py:115] Using XFormers backend.",
    ];
    await eachWrapped(only(2), lines, (r, at) => {
      expect(r.facts.vllm, at).toEqual({ version: "0.6.3.post1", engine: "v0" });
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.maxModelLen, at).toBe(2048);
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("reads bfloat16 refused on a T4 above an IPython traceback, and its line as the first error", async () => {
    const lines = [
      "ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.",
      "---------------------------------------------------------------------------",
      "ValueError                                Traceback (most recent call last)",
      "<ipython-input-7-0b1c2d3e4f5a> in <cell line: 2>()",
      "----> 2 llm = LLM(model=\"acme/tiny-chat\")",
    ];
    await eachWrapped(only(3), lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/dtype-unsupported");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.gpu.name, at).toBe("Tesla T4");
    });
  });

  it("reads a start-up traceback cut before its exception as a failed start, a Jupyter frame dump as nothing", async () => {
    const cut = [
      "INFO 12-01 08:40:17 llm_engine.py:72] Initializing an LLM engine with config: model='acme/func-7b', tokenizer='acme/func-7b', tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.float32, max_seq_len=16384, download_dir=None, load_format=auto, tensor_parallel_size=1, quantization=None, seed=0)",
      "Traceback (most recent call last):",
      "  File \"/home/user/app/serve.py\", line 90, in <module>",
      "    engine = AsyncLLMEngine.from_engine_args(engine_args)",
      "  File \"/home/user/.local/lib/python3.10/site-packages/vllm/engine/async_llm_engine.py\", line 496, in from_engine_args",
      "    engine = cls(engine_args.worker_use_ray,",
    ];
    await eachWrapped(withWrap(2), cut, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.config.maxModelLen, at).toBe(16384);
      expect(r.facts.firstError, at).toBeNull();
    });
    const jupyter = [
      "File [/opt/conda/lib/python3.12/site-packages/torch/nn/modules/module.py:1747](http://10.20.30.40:8888/lab/tree/opt/conda/lib/python3.12/site-packages/torch/nn/modules/module.py#line=1746), in Module._call_impl(self, *args, **kwargs)",
      "-> 1747     return forward_call(*args, **kwargs)",
    ];
    const r = await analyzeText(jupyter.join("\n") + "\n");
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("Triton refusing a kernel tiled for more shared memory than the GPU has (vllm/triton-out-of-resources)", () => {
  it("reads it at the end of an engine core's start-up traceback as the cause of the failed start, and as the first error", async () => {
    const lines = [
      "(EngineCore_DP0 pid=377) ERROR 09-19 16:02:44 [core.py:866] EngineCore failed to start.",
      "(EngineCore_DP0 pid=377) ERROR 09-19 16:02:44 [core.py:866] Traceback (most recent call last):",
      "(EngineCore_DP0 pid=377) ERROR 09-19 16:02:44 [core.py:866]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/attention/ops/triton_unified_attention.py\", line 803, in unified_attention",
      "(EngineCore_DP0 pid=377) ERROR 09-19 16:02:44 [core.py:866]     kernel_unified_attention_2d[",
      "(EngineCore_DP0 pid=377) ERROR 09-19 16:02:44 [core.py:866] triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 98304, Hardware limit: 65536. Reducing block sizes or `num_stages` may help.",
    ];
    await eachWrapped(withWrap(1), lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/triton-out-of-resources", "vllm/engine-init-failed"]);
      expect(finding(r, "vllm/engine-init-failed")?.causedBy, at).toContain("vllm/triton-out-of-resources");
      expect(finding(r, "vllm/triton-out-of-resources")!.message, at).toContain("it needs 98,304 bytes, the GPU allows 65,536 per block, 64 KiB: a Turing GPU");
    });
    // the bare exception line, without a logger header: the first error of the paste
    await eachWrapped(only(3), ["INFO 09-19 16:02:40 [gpu_model_runner.py:2602] Model loading took 7.41 GiB and 31.2 seconds", lines[4].slice(lines[4].indexOf("triton."))], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r, "error"), at).toContain("vllm/triton-out-of-resources");
    });
  });

  it("reads the numbers from the next line where a paste wrapped the message, and names a consumer card's limit", async () => {
    const lines = [
      "triton.runtime.errors.OutOfResources: out of resource: shared memory,",
      "Required: 106496, Hardware limit: 101376.",
      "Reducing block sizes or `num_stages` may help.",
    ];
    await eachWrapped(only(2), lines, (r, at) => {
      const f = finding(r, "vllm/triton-out-of-resources");
      expect(f?.message, at).toContain("it needs 106,496 bytes, the GPU allows 101,376 per block, 99 KiB");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("stays quiet on CUDA's own launch-resources error and on advice that quotes Triton's words", async () => {
    for (const line of [
      "RuntimeError: CUDA error: too many resources requested for launch",
      "# tip: `out of resource: shared memory` on a T4 means the kernel's num_stages is too high",
      "Required: 98304, Hardware limit: 65536.",
    ]) {
      const r = await analyzeText(line + "\n");
      expect(ids(r), line).not.toContain("vllm/triton-out-of-resources");
    }
  });
});
