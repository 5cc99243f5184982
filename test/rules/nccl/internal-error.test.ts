import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/internal-error.js";
import { run } from "../helpers.js";

describe("nccl/internal-error", () => {
  it("fires on ncclInternalError", () => {
    const f = run(rule, { lines: ["[trainer0|0]:ncclInternalError: Internal check failed."] });
    expect(f).toHaveLength(1);
    expect(f[0].remediation[0]).toContain("same container image");
  });
  it("needs an NCCL context for the words 'internal error'", () => {
    expect(run(rule, { lines: ["HTTP 500 internal error from the load balancer"] })).toEqual([]);
  });
});
