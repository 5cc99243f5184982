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

describe("vllm/ray-insufficient-resources: waits that ended", () => {
  const WAIT = "INFO 03-18 11:21:42 ray_utils.py:214] Waiting for creating a placement group of specs for 10 seconds. specs=[{'GPU': 1.0}, {'GPU': 1.0}]. Check `ray status`";
  it("drops the wait once the workers loaded the model", () => {
    expect(run(rule, { lines: [WAIT], facts: { memory: { modelWeightsGiB: 7.5 } } })).toEqual([]);
  });
  it("is a warning while the log only shows vLLM waiting", () => {
    const f = run(rule, { lines: [WAIT, WAIT.replace("10 seconds", "20 seconds")] });
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toBe("Ray could not reserve 2 GPUs for the workers; the engine waits or fails until the cluster offers them. The log shows vLLM still waiting (2 times) and ends before the placement group was created or gave up.");
  });
  it("stays an error when Ray says no node can fulfil the request", () => {
    const f = run(rule, { lines: ["Error: No available node types can fulfill resource request {'GPU': 8.0}. Add suitable node types to this cluster to resolve this issue."] });
    expect(f[0].severity).toBeUndefined();
  });
});

describe("vllm/ray-insufficient-resources: vLLM gave up on the placement group", () => {
  it("is an error that counts the bundles of the specs", () => {
    const line = "ValueError: Cannot provide a placement group of placement_group_specs=[{'GPU': 1.0}, {'GPU': 1.0}, {'GPU': 1.0}] within 1800 seconds. See `ray status` and `ray list nodes` to make sure the cluster has enough resources.";
    const f = run(rule, { lines: [line] });
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBeUndefined();
    expect(f[0].message).toBe("Ray could not reserve 3 GPUs for the workers; the engine waits or fails until the cluster offers them. vLLM gave up waiting for the placement group and stopped.");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1]);
    expect(f[0].remediation[0]).toContain("`ray status`");
  });
  it("names the GPUs asked for against those vLLM's warning counts on the driver's node", () => {
    const f = run(rule, {
      lines: [
        "WARNING 11-02 17:45:19 [ray_utils.py:557] Tensor parallel size (16) exceeds available GPUs (8). This may result in Ray placement group allocation failures.",
        "ValueError: Cannot provide a placement group requiring 16 GPUs (placement_group_specs=[{'GPU': 1.0}]) within 1800 seconds.",
      ],
    });
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBeUndefined();
    expect(f[0].message).toContain("Ray could not reserve 16 GPUs for the workers");
    expect(f[0].message).toContain("The job asks for 16 GPUs; the driver's node has 8 (vLLM's warning counts that node's GPUs only), so the others must come from nodes that joined the Ray cluster.");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
    expect(f[0].remediation[0]).toContain("16 GPUs free on joined nodes (the driver's node has 8)");
  });
});
