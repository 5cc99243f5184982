import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Round 34v (start-up logs of the newest releases, v0.12 and later): shapes of real pastes the readers missed. The log
 * texts are written for the test in the printed layouts; the facts checked are exact.
 */

const WRAPS: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => `2026-03-11T08:20:0${i % 10}.551230114Z ${l}`).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => `vllm-qwen-1  | ${l}`).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => `(ServeReplica:app:LLMServer pid=4411, ip=10.2.0.7) ${l}`).join("\n")],
];

// an author's write-up: the header's date and time elided (`INFO ... [file.py:N]`), and the banner's
// `(vX) with config:` replaced by an ellipsis too
const ELIDED_STARTUP = [
  "INFO ... [utils.py:233] non-default args: {'model_tag': '/srv/models/tiny-chat', 'port': 9100, 'max_model_len': 2048}",
  "INFO ... [core.py:105] Initializing a V1 LLM engine ... model='/srv/models/tiny-chat', ..., served_model_name=tiny-chat",
].join("\n");

describe("the banner's own words name the engine when its version and config are gone", () => {
  for (const [name, wrap] of WRAPS)
    it(`'Initializing a V1 LLM engine ...' under an elided header is V1 (${name})`, async () => {
      const r = await analyzeText(wrap(ELIDED_STARTUP));
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.vllm.version).toBeNull();
      expect(r.facts.config.maxModelLen).toBe(2048);
    });

  it("a V0 banner shortened the same way is V0; V0/V1's shared 'an LLM engine' alone names no engine", async () => {
    const v0 = await analyzeText("INFO ... [llm_engine.py:240] Initializing a V0 LLM engine ... model='m', ...\n");
    expect(v0.facts.vllm.engine).toBe("v0");
    const either = await analyzeText("INFO ... [llm_engine.py:240] Initializing an LLM engine ... model='m', ...\n");
    expect(either.facts.vllm.engine).toBeNull();
  });

  it("a banner the window cut inside its version still names the engine", async () => {
    const r = await analyzeText("INFO ... [core.py:93] Initializing a V1 LLM engine (v0.1");
    expect(r.facts.vllm.engine).toBe("v1");
  });
});
