import { describe, expect, it } from "vitest";
import { rule, isPublicIPv4 } from "../../../src/rules/security/public-address.js";
import { run } from "../helpers.js";

describe("security/public-address", () => {
  it("fires on a public bootstrap address", () => {
    const f = run(rule, { lines: ["flow:1:1 [0] NCCL INFO Bootstrap : Using eno3:169.229.48.108<0>".replace("Using ", "Using [0]")] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("the NCCL bootstrap interface eno3 is 169.229.48.108");
  });
  it("stays quiet on private addresses", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO Bootstrap : Using [0]eth0:10.0.1.10<0>"], facts: { distributed: { hostIp: "192.168.1.5" } } })).toEqual([]);
  });
  it("classifies addresses", () => {
    expect(["8.8.8.8", "10.1.2.3", "172.20.0.1", "192.168.0.1", "100.72.221.35", "127.0.0.1", "169.254.1.1"].map(isPublicIPv4)).toEqual([true, false, false, false, false, false, false]);
  });
});
