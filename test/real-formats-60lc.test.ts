import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 60lc of real logs: context length at start-up. vLLM's SchedulerConfig refuses a step budget
 * below max_model_len while chunked prefill is off (`max_num_batched_tokens (X) is smaller than max_model_len (Y)`, as a
 * ValueError or pydantic's `Value error, …`): no rule named it and neither number was read. The derived-length refusal
 * quoted bare (no `ValueError:`) fired its rule but left max_model_len unread, and a Ray prefix before an inner prefix
 * whose `(` a paste lost (`(LLMServer pid=…) EngineCore_0 pid=…)`) hid the V1 engine. Every log text here is written for
 * the test in the printed layout; each case runs plain and under at most two wrappers.
 */

const join = (lines: string[], wrap: (l: string) => string = (l) => l, eol = "\n"): string => lines.map(wrap).join(eol) + eol;
const kube = (l: string) => `2026-11-02T09:14:07.204518339Z ${l}`;
const compose = (l: string) => `vllm-serve-1  | ${l}`;
const ray = (l: string) => `(RolloutWorker pid=8812, ip=10.4.0.9) ${l}`;
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

const BUDGET = "This effectively limits the maximum sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase max_num_batched_tokens or decrease max_model_len.";

describe("max_num_batched_tokens below max_model_len with chunked prefill off", () => {
  const pydantic = [
    "(APIServer pid=4410) pydantic_core._pydantic_core.ValidationError: 1 validation error for SchedulerConfig",
    `(APIServer pid=4410)   Value error, max_num_batched_tokens (4096) is smaller than max_model_len (65536). ${BUDGET} [type=value_error, input_value=ArgsKwargs((), {'runner_type': 'generate'}), input_type=ArgsKwargs]`,
  ];
  it("reads both numbers and names the refusal (pydantic form, plain, compose, CRLF)", async () => {
    for (const [at, text] of [["plain", join(pydantic)], ["compose", join(pydantic, compose)], ["crlf", join(pydantic, (l) => l, "\r\n")]] as const) {
      const r = await analyzeText(text);
      const f = finding(r, "vllm/batched-tokens-below-max-model-len");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("4,096 tokens (max_num_batched_tokens)");
      expect(f!.message, at).toContain("65,536 tokens long (max_model_len)");
      expect(f!.remediation[0], at).toContain("to 65536 or more");
      expect(r.facts.config.maxModelLen, at).toBe(65536);
      expect(r.facts.config.maxNumBatchedTokens, at).toBe(4096);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r, "error"), at).not.toContain("vllm/engine-init-failed");
    }
  });

  it("the V0 ValueError, under a Ray prefix with its colour residue", async () => {
    const line = `ValueError: max_num_batched_tokens (2048) is smaller than max_model_len (4608). ${BUDGET}`;
    for (const [at, text] of [["plain", join([line])], ["ray", join([line], (l) => `[36m${ray(l)}`)]] as const) {
      const r = await analyzeText(text);
      expect(ids(r, "error"), at).toContain("vllm/batched-tokens-below-max-model-len");
      expect(r.facts.config.maxModelLen, at).toBe(4608);
      expect(r.facts.firstError?.line, at).toBe(1);
    }
  });

  it("the message quoted bare, without the exception's name", async () => {
    const r = await analyzeText(join([`max_num_batched_tokens (8192) is smaller than max_model_len (32768). ${BUDGET}`]));
    expect(ids(r)).toContain("vllm/batched-tokens-below-max-model-len");
    expect(r.facts.config.maxModelLen).toBe(32768);
  });

  it("near misses: a caller's check without numbers, the max_num_seqs warning, a budget that covers the length", async () => {
    const r = await analyzeText(
      join([
        "ValueError: Enable chunked prefill, max_num_batched_tokens is smaller than max_model_len, please increase max_num_batched_tokens or disable chunked prefill",
        "WARNING 11-02 09:14:07 [scheduler.py:250] max_num_batched_tokens (131072) exceeds max_num_seqs * max_model_len (16384). This may lead to unexpected behavior.",
        "INFO 11-02 09:14:07 [scheduler.py:211] Chunked prefill is enabled with max_num_batched_tokens=8192.",
      ]),
    );
    expect(ids(r)).not.toContain("vllm/batched-tokens-below-max-model-len");
    expect(r.facts.config.maxModelLen).toBeNull();
  });
});

describe("max_model_len above the model's derived length, quoted bare", () => {
  const line = "User-specified max_model_len (65536) is greater than the derived max_model_len (max_position_embeddings=40960 or model_max_length=None in model's config.json).";
  it("reads the requested length as well as firing the rule (plain, kubectl)", async () => {
    for (const [at, text] of [["plain", join([line])], ["kube", join([line], kube)]] as const) {
      const r = await analyzeText(text);
      expect(ids(r, "error"), at).toContain("vllm/max-model-len-exceeds-model");
      expect(r.facts.config.maxModelLen, at).toBe(65536);
    }
  });

  it("a sentence that mentions the check is not the message", async () => {
    const r = await analyzeText(join(["If the user-specified max_model_len is greater than the derived max_model_len, vLLM refuses it."]));
    expect(ids(r)).not.toContain("vllm/max-model-len-exceeds-model");
    expect(r.facts.config.maxModelLen).toBeNull();
  });
});

describe("an inner process prefix that lost its `(` behind a Ray prefix", () => {
  const line =
    "EngineCore_0 pid=30417) ValueError: To serve at least one request with the models's max seq len (131072), (12.00 GiB KV cache is needed, which is larger than the available KV cache memory (5.25 GiB). Based on the available memory, the estimated maximum model length is 57344. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
  it("still names the V1 engine (plain, Ray, CRLF)", async () => {
    for (const [at, text] of [["plain", join([line])], ["ray", join([line], ray)], ["ray crlf", join([line], ray, "\r\n")]] as const) {
      const r = await analyzeText(text);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.maxModelLen, at).toBe(131072);
      expect(ids(r, "error"), at).toContain("vllm/kv-cache-too-small");
    }
  });

  it("a prose parenthesis before `pid=` names no process", async () => {
    const r = await analyzeText(join(["(RolloutWorker pid=8812, ip=10.4.0.9) the launcher (see above) printed pid=4 here"]));
    expect(r.facts.vllm.engine).toBeNull();
  });
});
