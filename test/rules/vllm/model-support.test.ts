import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/model-support.js";
import { run } from "../helpers.js";

describe("vllm/model-support", () => {
  it("names the architecture vLLM's registry refused, with the version the log shows", () => {
    const f = run(rule, { lines: ["INFO 11-02 08:00:01 api_server.py:585] vLLM API server version 0.6.3", "ValueError: Model architectures ['GlmForCausalLM'] are not supported for now. Supported architectures: ['AquilaModel', 'LlamaForCausalLM']"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("The model could not be built: vLLM 0.6.3 has no implementation of the model's architecture 'GlmForCausalLM': its model registry refused it before loading any weights.");
    expect(f[0].remediation[0]).toContain("0.6.3 predates it");
    expect(f[0].evidence.map((e) => e.line)).toEqual([2]);
  });
  it("tells a Transformers too old for the model type, and a repository whose code must be trusted, each its own fix", () => {
    const old = run(rule, { lines: ["ValueError: The checkpoint you are trying to load has model type `glm4_moe` but Transformers does not recognize this architecture. This could be because of an issue with the checkpoint, or because your version of Transformers is out of date."] });
    expect(old[0].message).toContain("the installed Transformers does not know the model type 'glm4_moe'");
    expect(old[0].remediation[0]).toMatch(/^Upgrade Transformers/);
    const remote = run(rule, { lines: ["ValueError: Loading /data/chatglm3-6b requires you to execute the configuration file in that repo on your local machine. Make sure you have read the code there to avoid malicious use, then set the option `trust_remote_code=True` to remove this error."] });
    expect(remote[0].message).toContain("which Transformers runs only with trust_remote_code");
    expect(remote[0].remediation[0]).toContain("--trust-remote-code");
    const tok = run(rule, { lines: ["ValueError: Tokenizer class BaichuanTokenizer does not exist or is not currently imported."] });
    expect(tok[0].message).toContain("the tokenizer class BaichuanTokenizer is not in the installed Transformers");
  });
  it("stays quiet on vLLM's note that trust_remote_code has no effect, and on a healthy start", () => {
    expect(run(rule, { lines: ["(APIServer pid=1) The argument `trust_remote_code` is to be used with Auto classes. It has no effect here and is ignored."] })).toEqual([]);
    expect(run(rule, { lines: ["INFO 06-20 20:03:41 [api_server.py:1287] vLLM API server version 0.9.1", "INFO 06-20 20:03:48 [__init__.py:711] Resolved architecture: Qwen3ForCausalLM"] })).toEqual([]);
  });
});
