import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/bad-cli-args.js";
import { run } from "../helpers.js";

describe("vllm/bad-cli-args", () => {
  it("names the flags the installed version does not know", () => {
    const f = run(rule, { lines: ["api_server.py: error: unrecognized arguments: --enable-metrics --metrics-port 8001"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("api_server.py's arguments were rejected: this vLLM does not know --enable-metrics --metrics-port 8001. argparse exits with status 2 at this line, before the engine starts.");
    expect(f[0].remediation[0]).toContain("vllm serve --help");
  });
  it("names a bad value, a missing model and an ambiguous prefix", () => {
    expect(run(rule, { lines: ["vllm serve: error: argument --dtype: invalid choice: 'fp8' (choose from 'auto', 'half')"] })[0].message).toContain("--dtype: invalid choice: 'fp8'");
    expect(run(rule, { lines: ["vllm: error: the following arguments are required: model_tag"] })[0].remediation[0]).toContain("vllm serve <model>");
    expect(run(rule, { lines: ["vllm serve: error: ambiguous option: --max could match --max-model-len, --max-num-seqs"] })[0].remediation[0]).toContain("Spell the flag out");
  });
  it("stays quiet on prose and on a healthy start", () => {
    expect(run(rule, { lines: ["note: error: unrecognized arguments are printed by argparse"] })).toEqual([]);
    expect(run(rule, { lines: ["INFO 06-20 20:03:41 [api_server.py:1287] vLLM API server version 0.9.1"] })).toEqual([]);
  });
});
