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

describe("vllm/model-download: retries and failures the run got past", () => {
  const RETRY = "WARNING:huggingface_hub.utils._http:'(ReadTimeoutError(\"HTTPSConnectionPool(host='huggingface.co', port=443): Read timed out.\"))' thrown while requesting HEAD https://huggingface.co/acme/m/resolve/main/config.json";
  it("drops a retried request once the weights loaded", () => {
    expect(run(rule, { lines: [RETRY], facts: { memory: { modelWeightsGiB: 14.99 } } })).toEqual([]);
  });
  it("is a warning while the log shows only retries", () => {
    const f = run(rule, { lines: [RETRY] });
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toBe("vLLM could not get the model 'acme/m': the hub could not be reached and no local copy was found. The log shows only retries and ends before the download gave up or finished.");
  });
  it("is a warning when a hard failure was followed by a running server", () => {
    const f = run(rule, { lines: ["OSError: acme/m does not appear to have a file named preprocessor_config.json."], facts: { server: { ready: true } } });
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toContain("The model loaded afterwards");
  });
  it("stays an error when nothing loaded", () => {
    const f = run(rule, { lines: ["huggingface_hub.errors.GatedRepoError: 401 Client Error. Cannot access gated repo for url https://huggingface.co/acme/m/resolve/main/config.json."] });
    expect(f[0].severity).toBeUndefined();
  });
});

describe("vllm/model-download: the log's model id", () => {
  it("takes the repository from the failing URL when the config does not name the model", () => {
    const f = run(rule, { lines: ["huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. (Request ID: Root=1-abc) Repository Not Found for url: https://huggingface.co/api/models/acme/tiny-7b/revision/main."] });
    expect(f[0].message).toBe("vLLM could not get the model 'acme/tiny-7b': the repository, revision or file does not exist.");
    expect(f[0].remediation).toContain("Check the model id 'acme/tiny-7b' and --revision / --tokenizer for typos, or pass a local path.");
  });
});
