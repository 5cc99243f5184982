import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/p2p-disabled.js";
import { run } from "../helpers.js";

describe("nccl/p2p-disabled", () => {
  it("fires when intra-node channels go via SHM on one node", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via SHM/direct/direct", "h:1:1 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via SHM/direct/direct"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("2 intra-node connection line(s) go via SHM");
  });
  it("stays quiet with P2P/IPC", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC"] })).toEqual([]);
  });
});

describe("nccl/p2p-disabled: the plan's layout", () => {
  it("adds pipeline-parallel advice with the run's GPU count on a GPU without NVLink", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO NCCL_P2P_DISABLE set by environment to 1"], facts: { config: { tensorParallelSize: 4 }, gpu: { name: "L40S" } } });
    expect(f[0].remediation.at(-1)).toBe("L40S GPUs have no NVLink, so tensor parallelism over 4 GPUs runs its all-reduce over PCIe: prefer pipeline parallelism, --tensor-parallel-size 1 --pipeline-parallel-size 4.");
  });
});
