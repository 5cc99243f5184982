import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/wrong-interface.js";
import { run } from "../helpers.js";

describe("nccl/wrong-interface", () => {
  it("fires when bootstrap uses docker0", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO Bootstrap : Using [0]docker0:172.17.0.1<0>"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("docker0 (172.17.0.1)");
  });
  it("fires when a listed veth goes with connect timeouts", () => {
    expect(run(rule, { lines: ["w:1:1 [0] NCCL INFO NET/Socket : Using [0]eno1:172.18.40.41<0> [1]veth25f2e72:fe80::1%veth25f2e72<0>", "w:1:2 [0] include/socket.h:403 NCCL WARN Connect to 172.18.40.42<1234> failed : Connection timed out"] })).toHaveLength(1);
  });
  it("stays quiet when a virtual interface is only listed after a good one", () => {
    expect(run(rule, { lines: ["g:1:1 [0] NCCL INFO Bootstrap : Using [0]enp7s0:10.10.112.56<0> [1]virbr0:192.168.122.1<0>"] })).toEqual([]);
  });
});
