import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/cluster/version-mismatch.js";
import { run, lineEvents } from "../helpers.js";

describe("cluster/version-mismatch", () => {
  it("fires when nodes print different NCCL versions", () => {
    const f = run(rule, { events: lineEvents(["INFO pynccl.py:63] vLLM is using nccl==2.20.5", "INFO pynccl.py:63] vLLM is using nccl==2.21.5"], { origin: (i) => (i === 0 ? {} : { process: "RayWorkerWrapper", ip: "10.1.160.68" }) }) });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("vLLM's NCCL 2.20.5 on rank ?; 2.21.5 on 10.1.160.68");
  });
  it("stays quiet when every node agrees", () => {
    expect(run(rule, { events: lineEvents(["vLLM is using nccl==2.20.5", "vLLM is using nccl==2.20.5"], { origin: (i) => (i === 0 ? {} : { process: "RayWorkerWrapper", ip: "10.1.160.68" }) }) })).toEqual([]);
  });
});
