import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/socket-fallback.js";
import { run } from "../helpers.js";

describe("nccl/socket-fallback", () => {
  const sock = ["node1:1:1 [0] NCCL INFO Using network Socket", "node1:1:1 [0] NCCL INFO Channel 00/0 : 1[1e0] -> 0[1e0] [receive] via NET/Socket/0"];
  it("fires on socket connections between nodes", () => {
    const f = run(rule, { lines: sock });
    expect(f).toHaveLength(1);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("does not fire when NCCL_IB_DISABLE=1 was set on purpose (nccl/ib-disabled says so)", () => {
    expect(run(rule, { lines: ["node1:1:1 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.", ...sock] })).toEqual([]);
  });
  it("does not fire on a single node without network connections", () => {
    expect(run(rule, { lines: ["node1:1:1 [0] NCCL INFO Using network Socket"] })).toEqual([]);
  });
});
