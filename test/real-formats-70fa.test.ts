import { describe, expect, it } from "vitest";
import { eachWrapped, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats seen in the seventieth round (theme fa): attention-backend choices at start-up and their failures. vLLM
 * names its backend at INFO (`selector.py` before 0.8, `[cuda.py]` after) and says at INFO why it fell back
 * (Volta/Turing, a missing vllm_flash_attn, an unsupported head size); none of that is an error. A backend refusing a
 * model later fails as an ordinary error: V0's MQLLMEngine logs the exception that ended its loop (engine.py) and the
 * engine is gone; V1 loses a worker at start-up. Every log text here is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T04:12:00.104400021Z ${l}`],
  ["docker compose", (l) => `llm-1  | ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("backend choice and fallback lines are no error", () => {
  const lines = [
    "INFO 05-14 09:02:11 selector.py:150] Cannot use FlashAttention-2 backend because the vllm_flash_attn package is not found. `pip install vllm-flash-attn` for better performance.",
    "INFO 05-14 09:02:11 selector.py:51] Using XFormers backend.",
    "INFO 02-20 16:40:03 [cuda.py:229] Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
    "INFO 02-20 16:40:03 [cuda.py:278] Using XFormers backend.",
    "(VllmWorkerProcess pid=4410) INFO 02-20 16:40:05 [cuda.py:240] Cannot use FlashAttention-2 backend for head size 72.",
    "INFO 09-02 11:20:41 [cuda.py:345] Using FlashInfer backend on V1 engine.",
    "INFO 07-21 18:03:12 [cuda.py:241] FlashInfer failed to import for V1 engine on Blackwell (SM 10.0) GPUs; it is recommended to install FlashInfer for better performance.",
    "INFO 07-21 18:03:12 [topk_topp_sampler.py:50] Currently, FlashInfer top-p & top-k sampling sampler is disabled because FlashInfer>=v0.2.3 is not backward compatible. Falling back to the PyTorch-native implementation of top-p & top-k sampling.",
  ];
  it("reports no error and no first error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(r.facts.firstError ?? null, at).toBeNull();
    });
  });
});

describe("V0's engine loop ended by a backend assertion", () => {
  const lines = [
    "INFO 06-03 10:11:12 [cuda.py:229] Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
    "INFO 06-03 10:11:12 [cuda.py:278] Using XFormers backend.",
    'INFO:     10.1.2.3:50122 - "POST /v1/completions HTTP/1.1" 500 Internal Server Error',
    "ERROR 06-03 10:12:40 [engine.py:160] AssertionError('only one backend is wired for this connector')",
  ];
  it("names the engine's death, the 5xx and the error line", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-dead");
      expect(r.facts.firstError?.line, at).toBe(4);
    });
  });
});

describe("a V1 worker lost at start-up over a head size", () => {
  const lines = [
    "(EngineCore_DP0 pid=812) INFO 10-02 07:01:09 [cuda.py:366] Using Flash Attention backend on V1 engine.",
    "(EngineCore_DP0 pid=812) ERROR 10-02 07:01:30 [multiproc_executor.py:154] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
    "RuntimeError: Worker failed with error 'head dimension 80 is not built into this kernel'",
  ];
  it("reports the failed start-up from the worker's death", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });
});
