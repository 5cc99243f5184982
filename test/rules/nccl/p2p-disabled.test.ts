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
