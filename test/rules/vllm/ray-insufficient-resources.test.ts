import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/ray-insufficient-resources.js";
import { run } from "../helpers.js";

describe("vllm/ray-insufficient-resources", () => {
  it("fires on the placement-group wait and counts the GPU bundles", () => {
    const f = run(rule, { lines: ["WARNING 03-18 11:21:32 ray_utils.py:320] The number of required GPUs exceeds the total number of available GPUs in the placement group.", "INFO 03-18 11:21:42 ray_utils.py:214] Waiting for creating a placement group of specs for 10 seconds. specs=[{'node:192.168.1.216': 0.001, 'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}]. Check `ray status`"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("could not reserve 4 GPUs");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("stays quiet on a connected cluster", () => {
    expect(run(rule, { lines: ["INFO worker.py:1832 -- Connected to Ray cluster."] })).toEqual([]);
  });
});
