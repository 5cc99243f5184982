import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/rules/engine.js";
import { finalizeFacts, initState } from "../../../src/facts/state.js";
import { analyzeLines } from "../../../src/analyze.js";

describe("internal/rule-error", () => {
  it("turns a throwing rule into an internal/rule-error finding and keeps the others", () => {
    const read = analyzeLines(["ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3)."]);
    const f = runRules(finalizeFacts(read.state), read.state, {});
    expect(f.map((x) => x.ruleId)).toContain("vllm/tp-not-divisible");
    const broken = { ...finalizeFacts(initState()), kvCache: null } as never;
    const g = runRules(broken, initState(), {});
    expect(g.some((x) => x.ruleId === "internal/rule-error" && x.severity === "warning")).toBe(true);
  });
});
