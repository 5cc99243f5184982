import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/shm-too-small.js";
import { run } from "../helpers.js";

describe("nccl/shm-too-small", () => {
  it("fires on a failed shared memory segment with its size", () => {
    const f = run(rule, { lines: ["[1] misc/shmutils.cc:114 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-NzwJ7O (size 9637888)"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("of 9.2 MiB");
    expect(f[0].remediation[0]).toContain("--shm-size");
  });
  it("stays quiet otherwise", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via SHM/direct/direct"] })).toEqual([]);
  });
});
