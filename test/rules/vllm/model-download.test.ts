import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/model-download.js";
import { run } from "../helpers.js";

describe("vllm/model-download", () => {
  it("fires on a gated repository and asks for HF_TOKEN", () => {
    const f = run(rule, { lines: ["huggingface_hub.errors.GatedRepoError: 401 Client Error. Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.1-8B/resolve/main/config.json."], facts: { config: { model: "meta-llama/Llama-3.1-8B" } } });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("'meta-llama/Llama-3.1-8B': access was denied");
    expect(f[0].remediation[0]).toContain("HF_TOKEN");
  });
  it("stays quiet on download progress", () => {
    expect(run(rule, { lines: ["config.json: 100%|##########| 1.81k/1.81k [00:00<00:00, 1.2MB/s]"] })).toEqual([]);
  });
});
