import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of a round of real logs quoted on forums and web pages rather than in GitHub issues (discuss.vllm.ai, CSDN,
 * personal notes, issue digests that re-print an issue's "Error Message" block). What the report missed or said wrongly:
 *
 * - a writer who quotes vLLM's records often elides their date and time, and sometimes the file too, with an ellipsis
 *   (`ERROR ... [core.py:2178] RuntimeError: ...`, `INFO ... Starting to load model ...`), and the page then joins the
 *   lines with blanks. A line made of such records was read as one record, so the ERROR record in it was no first
 *   error, and a line that starts with `ERROR ... ` and no file was no record at all. The ellipsis with no file is read
 *   as a header only before a message vLLM's failure records carry (an exception's line, a message logged only at
 *   ERROR): before other words it stays prose (test/real-formats-22h.test.ts).
 * - `Starting to load model ...` with the model elided, run on into the next record, gave the model as
 *   `... ERROR ... RuntimeError: ...`: vLLM prints one word there (`Starting to load model %s...`, gpu_model_runner.py,
 *   model_runner.py), a name or a path.
 *
 * Every text is written for the test in the printed layout.
 */

const first = async (text: string) => {
  const r = await analyzeText(text);
  return { line: r.facts.firstError?.line ?? null, text: r.facts.firstError?.text ?? null, weights: r.facts.memory.modelWeightsGiB ?? null, model: r.facts.config.model ?? null, rules: ids(r) };
};

describe("real formats 32p: records with an elided header, joined on one line by a web page", () => {
  const withFiles =
    "INFO ... [default_loader.py:291] Loading weights took 4.12 seconds INFO ... [gpu_model_runner.py:2110] Model loading took 9.35 GiB and 5.02 seconds " +
    "ERROR ... [core.py:1150] EngineCore failed to start. ERROR ... [core.py:1151] RuntimeError: shape mismatch in fused layer";

  it("reads each elided-header record of a flattened line: the weights, the ERROR record as the first error", async () => {
    const r = await first(`A note before the paste\n${withFiles}\n`);
    expect(r.line).toBe(2);
    expect(r.weights).toBe(9.35);
    expect(r.rules).toContain("vllm/engine-init-failed");
  });

  it("does so behind a process prefix, kubectl --timestamps, a docker compose prefix and with CRLF", async () => {
    const shapes = [
      `(EngineCore_DP0 pid=4410) ${withFiles}`,
      `2025-11-02T08:14:55.120331Z ${withFiles}`,
      `vllm-qwen-1  | ${withFiles}`,
    ];
    for (const line of shapes) {
      for (const eol of ["\n", "\r\n"]) {
        const r = await first(`INFO 11-02 08:14:40 [api_server.py:1880] vLLM API server version 0.11.1${eol}${line}${eol}`);
        expect(r.line).toBe(2);
        expect(r.weights).toBe(9.35);
      }
    }
  });

  it("reads records whose file was elided too, with three dots or the ellipsis character", async () => {
    for (const dots of ["...", "\u2026"]) {
      const line = `INFO ${dots} Selected CutlassFP8ScaledMMLinearKernel for Fp8LinearMethod INFO ${dots} Model loading took 21.40 GiB and 30.1 seconds ERROR ${dots} RuntimeError: Engine core initialization failed. See root cause above.`;
      const r = await first(`${line}\n`);
      expect(r.line).toBe(1);
      expect(r.text).toContain("ERROR");
      expect(r.weights).toBe(21.4);
      expect(r.rules).toContain("vllm/engine-init-failed");
    }
  });

  it("reads a line that is one ERROR record with its date, time and file elided", async () => {
    const r = await first("INFO 11-02 08:14:40 [api_server.py:1880] vLLM API server version 0.11.1\nERROR ... EngineCore failed to start.\n");
    expect(r.line).toBe(2);
  });

  it("takes an ellipsis with no file for a header only before one of vLLM's failure messages, flattened or not", async () => {
    const r = await first("INFO ... Loading weights took 4.12 seconds ERROR ... something went wrong somewhere\n");
    expect(r.line).toBe(null);
    expect(r.weights).toBe(null);
  });

  it("keeps a record whose message quotes elided records as one record (no first error from the quote)", async () => {
    const r = await first("INFO 11-02 08:14:40 [logger.py:41] Received request cmpl-7: prompt: 'my log says INFO ... started and then ERROR ... RuntimeError: boom, why?', params: SamplingParams(n=1)\n");
    expect(r.line).toBe(null);
  });
});

describe("real formats 32p: the model named by `Starting to load model`", () => {
  it("names none when the writer elided it and the paste ran on into the next record", async () => {
    const r = await first("INFO ... Using FLASHINFER attention backend INFO ... Starting to load model ... ERROR ... RuntimeError: Error Internal\n");
    expect(r.model).toBe(null);
    expect(r.line).toBe(1);
  });

  it("still names a model or a path, with vLLM's dots after it or not", async () => {
    for (const [msg, model] of [
      ["Starting to load model acme-labs/Tiny-Chat-3B...", "acme-labs/Tiny-Chat-3B"],
      ["Starting to load model /models/tiny-chat-3b", "/models/tiny-chat-3b"],
    ]) {
      const r = await first(`(Worker_TP0 pid=311) INFO 11-02 08:14:42 [gpu_model_runner.py:2085] ${msg}\n`);
      expect(r.model).toBe(model);
    }
  });
});
