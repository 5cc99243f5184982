import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a seventieth round of real logs, from Hugging Face's venues: accelerate / transformers / trl threads
 * with NCCL_DEBUG output, a Space's container log, kserve's Hugging Face server. The round's logs were all read right;
 * what it added is the host: a Space's log opens with the platform's `===== Application Startup at <date> <time> =====`
 * and a failed Inference Endpoint shows `[Server message]Endpoint failed to start` above the container's last output.
 * There the GPU comes with the hardware picked in the Space's or Endpoint's settings, so a process that found none gets
 * that advice first, and only then the container and Kubernetes advice. Every log text here is written for the test in
 * the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2025-02-11T07:31:09.204118375Z ${l}`],
  ["docker compose", (l) => `space-app-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=3301, ip=10.4.0.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

const SPACE_HEADER = "===== Application Startup at 2025-02-11 07:31:02 =====";
const TRACEBACK = [
  "Traceback (most recent call last):",
  '  File "/home/user/app/app.py", line 31, in <module>',
  "    engine = LLM(model=MODEL_ID, max_model_len=4096)",
  '  File "/usr/local/lib/python3.10/site-packages/vllm/entrypoints/llm.py", line 178, in __init__',
  "    self.llm_engine = LLMEngine.from_engine_args(",
  '  File "/usr/local/lib/python3.10/site-packages/vllm/engine/arg_utils.py", line 902, in create_engine_config',
  "    device_config = DeviceConfig(device=self.device)",
  '  File "/usr/local/lib/python3.10/site-packages/vllm/config.py", line 1091, in __init__',
  '    raise RuntimeError("Failed to infer device type")',
  "RuntimeError: Failed to infer device type",
];

describe("a Space whose app builds a vLLM engine on hardware without a GPU", () => {
  const lines = [SPACE_HEADER, "", ...TRACEBACK];

  it("says no GPU was found, with the Space's hardware advice first; the header is no error", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/no-gpu-platform");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.remediation[0], at).toMatch(/^Hugging Face Space: the GPU comes with the hardware chosen under the Space's Settings/);
      expect(f!.remediation[0], at).toContain("@spaces.GPU");
      expect(f!.remediation.join("\n"), at).not.toContain("Inference Endpoint");
      expect(r.facts.firstError?.line, at).toBe(12);
      expect(r.facts.firstError?.text, at).toMatch(/RuntimeError: Failed to infer device type$/);
    });
  });

  it("without the header (the traceback alone) the advice is the container's", async () => {
    const r = await analyzeText(join(TRACEBACK, (l) => l));
    const f = finding(r, "vllm/no-gpu-platform")!;
    expect(f.remediation[0]).toMatch(/^Check from inside the container/);
    expect(f.remediation.join("\n")).not.toContain("Hugging Face");
  });

  it("a start-up script's own echo of the header (no date in it) is no Space", async () => {
    const r = await analyzeText(join(['+ echo "===== Application Startup at $(date) ====="', ...TRACEBACK], (l) => l));
    expect(finding(r, "vllm/no-gpu-platform")!.remediation.join("\n")).not.toContain("Hugging Face");
  });
});

describe("a Space's healthy vLLM start-up under the header", () => {
  const lines = [
    SPACE_HEADER,
    "",
    "INFO 02-11 07:31:08 [__init__.py:239] Automatically detected platform cuda.",
    "INFO 02-11 07:31:11 [api_server.py:1043] vLLM API server version 0.8.4",
    "INFO 02-11 07:31:20 [core.py:58] Initializing a V1 LLM engine (v0.8.4) with config: model='HuggingFaceTB/SmolLM2-1.7B-Instruct', speculative_config=None, tokenizer='HuggingFaceTB/SmolLM2-1.7B-Instruct', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=8192, download_dir=None, load_format=auto, tensor_parallel_size=1, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto,  device_config=cuda, seed=None, served_model_name=HuggingFaceTB/SmolLM2-1.7B-Instruct",
    "INFO 02-11 07:31:34 [gpu_model_runner.py:1329] Model loading took 3.1958 GiB and 9.407 seconds",
    "INFO 02-11 07:31:41 [kv_cache_utils.py:634] GPU KV cache size: 104,512 tokens",
    "INFO 02-11 07:31:41 [kv_cache_utils.py:637] Maximum concurrency for 8,192 tokens per request: 12.76x",
  ];

  it("reads the start-up as without the header and finds nothing wrong", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(ids(r, "warning"), at).toEqual([]);
      expect(r.facts.vllm.version, at).toBe("0.8.4");
      expect(r.facts.config.model, at).toBe("HuggingFaceTB/SmolLM2-1.7B-Instruct");
      expect(r.facts.config.maxModelLen, at).toBe(8192);
      expect(r.facts.kvCache.tokens, at).toBe(104512);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(12.76);
      expect(r.facts.memory.modelWeightsGiB, at).toBe(3.1958);
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});

describe("an Inference Endpoint that did not start: the container saw no CUDA device", () => {
  const lines = [
    "[Server message]Endpoint failed to start",
    "Exit code: 1. Reason: ache/huggingface/hub/models--mistralai--Mistral-7B-Instruct-v0.3/snapshots/e0bc86c/config.json",
    '  File "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py", line 372, in _lazy_init',
    "    torch._C._cuda_init()",
    "RuntimeError: No CUDA GPUs are available",
  ];

  it("gives the Endpoint's instance-type advice first, and no Space advice", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/no-visible-gpu");
      expect(f, at).toBeDefined();
      expect(f!.remediation[0], at).toMatch(/^Hugging Face Inference Endpoint: choose a GPU instance type/);
      expect(f!.remediation.join("\n"), at).not.toContain("Hugging Face Space");
      expect(r.facts.firstError?.line, at).toBe(5);
    });
  });

  it("the same failure with no banner keeps the CUDA_VISIBLE_DEVICES advice first", async () => {
    const r = await analyzeText(join(lines.slice(2), (l) => l));
    const f = finding(r, "vllm/no-visible-gpu")!;
    expect(f.remediation[0]).toMatch(/^Print what the failing process sees/);
  });

  it("prose that says an endpoint failed to start is no banner", async () => {
    const r = await analyzeText(join(["Endpoint failed to start because the model is gated", ...lines.slice(2)], (l) => l));
    expect(finding(r, "vllm/no-visible-gpu")!.remediation.join("\n")).not.toContain("Hugging Face");
  });
});

describe("accelerate's NCCL 2.7–2.10 output on GPUs without P2P, and a CI runner's refused connections", () => {
  it("counts the direct-shared-memory connections and says P2P is off", async () => {
    const lines = [
      "trainbox:41102:41188 [2] NCCL INFO Could not enable P2P between dev 2(=3b000) and dev 1(=1c000)",
      "trainbox:41102:41188 [2] NCCL INFO Channel 00 : 2[3b000] -> 1[1c000] via direct shared memory",
      "trainbox:41101:41190 [1] NCCL INFO Could not enable P2P between dev 1(=1c000) and dev 0(=1b000)",
      "trainbox:41101:41190 [1] NCCL INFO Channel 00 : 1[1c000] -> 0[1b000] via direct shared memory",
      "trainbox:41101:41190 [1] NCCL INFO Channel 01 : 1[1c000] -> 0[1b000] via direct shared memory",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.transports, at).toMatchObject({ SHM: 3 });
      expect(r.facts.nccl.ranks, at).toBe(3);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(ids(r), at).toContain("nccl/p2p-disabled");
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("a refused connect NCCL retries is the first error, a bootstrap warning, and on one host no socket fallback", async () => {
    const lines = [
      "stdout: ci-gpu-2:7710:7710 [0] NCCL INFO NET/Socket : Using [0]ens5:10.20.0.14<0>",
      "stdout: ci-gpu-2:7710:7710 [0] NCCL INFO Using network Socket",
      "stdout: ci-gpu-2:7710:7741 [0] NCCL INFO Call to connect returned Connection refused, retrying",
      "stdout: ci-gpu-2:7710:7741 [0] NCCL INFO Call to connect returned Connection refused, retrying",
    ];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(join(lines, (l) => l, eol));
      expect(r.facts.nccl.net).toBe("Socket");
      expect(r.facts.firstError?.line).toBe(3);
      expect(ids(r, "warning")).toContain("nccl/bootstrap-failure");
      expect(ids(r)).not.toContain("nccl/socket-fallback");
    }
  });
});
