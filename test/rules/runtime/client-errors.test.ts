import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { healthy, serverLog, ticks, wrongModel } from "../../fixtures/runtime/logs.js";

const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "runtime/client-errors");

describe("runtime/client-errors", () => {
  it("a wrong model name (V0 0.6 `Error with model` + uvicorn 404s) is a client problem: a warning naming the model", async () => {
    const f = await mine(wrongModel("v0.6"));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: "warning",
      title: "Clients requested a model the server does not serve (HTTP 404)",
      message: "12 of 24 responses were client errors (12 × 404). Clients asked for model `gpt-4` (12) that the server does not serve; it serves `meta-llama/Llama-3.1-8B-Instruct`: those are 404 NotFoundError answers.",
    });
    expect(f[0].remediation[1]).toBe("Or serve the names they use as aliases: --served-model-name meta-llama/Llama-3.1-8B-Instruct gpt-4 (every name given is accepted).");
  });

  it("5xx responses are an error", async () => {
    const f = await mine(serverLog({ era: "v1-0.10", ticks: ticks(4, (i) => ({ prompt: 10, gen: 10, running: 1, waiting: 0, kv: 1, requests: 2, status: i === 3 ? 500 : 200 })) }));
    expect(f.map((x) => x.severity)).toEqual(["error"]);
    expect(f[0].message).toMatch(/^2 of 8 responses were server errors \(2 × 500\)/);
  });

  it("stays quiet when every response is 2xx", async () => {
    expect(await mine(healthy("v1-0.10"))).toEqual([]);
  });
});
