import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/system-error.js";
import { run } from "../helpers.js";

describe("nccl/system-error", () => {
  it("fires on unhandled system error and points at /dev/shm when it failed", () => {
    const f = run(rule, { lines: ["h:1:1 [0] misc/shmutils.cc:114 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-x (size 100)", "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("a shared-memory failure (/dev/shm)");
    expect(f[0].evidence.map((e) => e.line)).toEqual([2]);
    // (within one node: nothing of the other nodes' reachability)
    expect(f[0].remediation.join(" ")).toContain("--shm-size");
    expect(f[0].remediation.join(" ")).not.toContain("firewalls");
  });
  it("names reachability beside shared memory when a socket failed too", () => {
    const f = run(rule, { lines: ["h:1:1 [0] misc/shmutils.cc:114 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-x (size 100)", "h:1:1 [0] misc/socket.cc:540 NCCL WARN Net : Connect to 10.0.0.2<43511> failed : Connection refused", "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)"] });
    expect(f).toHaveLength(1);
    expect(f[0].remediation.join(" ")).toContain("firewalls");
  });
  it("stays quiet without it", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO comm 0x1 rank 0 nranks 2 - Init COMPLETE"] })).toEqual([]);
  });
});
