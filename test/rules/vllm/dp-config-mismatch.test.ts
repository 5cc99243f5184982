import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/dp-config-mismatch.js";
import { run } from "../helpers.js";

describe("vllm/dp-config-mismatch", () => {
  it("names the engine the front end refused and says to start every node alike", () => {
    const f = run(rule, { lines: ["(APIServer pid=77) RuntimeError: Configuration mismatch detected for engine 6. All DP workers must have identical configurations for parameters that affect collective communication (e.g., enable_eplb, eplb_config.log_balancedness). Worker hash: 9f, Expected hash: 0a. Please ensure all workers are started with the same command-line arguments."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("refused data parallel engine 6");
    expect(f[0].remediation[0]).toContain("same command line");
  });
  it("tells an unexpected DP rank apart, with the layout to check", () => {
    const f = run(rule, { lines: ["RuntimeError: Message from engine with unexpected data parallel rank: 9"] });
    expect(f[0].message).toContain("data parallel rank 9");
    expect(f[0].remediation[0]).toContain("--data-parallel-start-rank");
  });
  it("stays quiet while the front end waits for its engines", () => {
    expect(run(rule, { lines: ["(APIServer pid=77) INFO 03-04 11:20:31 [utils.py:890] Waiting for 2 local, 2 remote core engine proc(s) to start."] })).toEqual([]);
  });
});
