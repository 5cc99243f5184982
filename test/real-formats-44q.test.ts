import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 44q: vLLM model-loading failures (weights, quantization, GGUF, bitsandbytes, safetensors headers, HF cache,
 * tokenizer) from public issue threads, 25 pastes. First sight: every fact read, one start-up failure not found:
 * vLLM 0.5.5–0.6.2's OpenAI server, which ran the engine in a separate RPC server process
 * (entrypoints/openai/api_server.py build_async_engine_client), logs
 * `ERROR mm-dd hh:mm:ss api_server.py:NNN] RPCServer process died before responding to readiness probe` when that
 * process ends before it answers: the engine did not start. Often that line is all a user pastes. Every log text here is
 * written for the test in the printed layout.
 */

const rpcDied = "ERROR 02-11 07:41:09 api_server.py:188] RPCServer process died before responding to readiness probe";

// the server's start (0.6.x), a corrupt shard's error out of the RPC server process, then the front end giving up
const startThenDied = `INFO 02-11 07:40:52 api_server.py:495] vLLM API server version 0.6.1.post2
INFO 02-11 07:40:52 api_server.py:160] Multiprocessing frontend to use ipc:///tmp/4f0c2a7e-1b3d-4c55-9e61-2a8d0f7b9c11 for IPC Path.
INFO 02-11 07:40:52 api_server.py:176] Started engine process with PID 4181
safetensors_rust.SafetensorError: Error while deserializing header: HeaderTooLarge
${rpcDied}
`;

describe("V0's RPC server dying before the front end's readiness probe", () => {
  it.each(WRAPS)("is the engine failing to start, and the first error (%s)", async (_w, wrap) => {
    const r = await analyzeText(wrap(startThenDied));
    const init = r.findings.find((f) => f.ruleId === "vllm/engine-init-failed");
    expect(init?.severity).toBe("error");
    expect(r.facts.vllm.version).toBe("0.6.1.post2");
    // the shard's error out of the RPC server process comes first
    expect(r.facts.firstError?.line).toBe(4);
  });

  it("is found when it is the whole paste", async () => {
    const r = await analyzeText(rpcDied + "\n");
    expect(r.findings.map((f) => f.ruleId)).toContain("vllm/engine-init-failed");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("is not read from prose that names the probe or the RPC server", async () => {
    for (const line of [
      "INFO 02-11 07:40:52 api_server.py:176] Started engine process with PID 4181",
      "the RPC server process answered the readiness probe after 40 s",
      "Container vllm failed readiness probe, will be restarted",
    ]) {
      const r = await analyzeText(line + "\n");
      expect(r.findings.map((f) => f.ruleId), line).not.toContain("vllm/engine-init-failed");
    }
  });
});
