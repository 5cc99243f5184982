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

describe("nccl/wrong-interface: unusable interfaces and addresses", () => {
  it("reads an empty address of a garbage family as a wrong interface, with the NCCL_SOCKET_IFNAME in force", () => {
    const lines = [
      "[w1]:hostA:10:10 [1] NCCL INFO NCCL_SOCKET_IFNAME set by environment to bond1",
      "[w1]:ncclInternalError: Internal check failed.",
      "[w1]:Last error:",
      "[w1]:ncclSocketInit: connecting to address  with family 12345 is neither AF_INET(2) nor AF_INET6(10)",
    ];
    const f = run(rule, { lines });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "NCCL was handed an empty address of family 12345, which is neither IPv4 nor IPv6: the bootstrap address it received is empty or garbage, usually because the interface named by NCCL_SOCKET_IFNAME=bond1 has no address on some node, or ranks disagree on the interface or master address.",
    );
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 4]);
    expect(f[0].remediation[2]).toBe("Check with `ip -br addr` that an interface starting with 'bond1' exists with an address on every node; NCCL_SOCKET_IFNAME entries are prefixes unless they start with `=`.");
    expect(f[0].severity).toBeUndefined();
  });
  it.each([
    ["h:1:1 [0] bootstrap.cc:45 NCCL WARN Bootstrap : no socket interface found"],
    ["h:1:1 [0] net_socket.cc:49 NCCL WARN NET/Socket : no interface found"],
    ["h:1:1 [0] socket.cc:500 NCCL WARN NET/Socket : No usable listening interface found"],
    ["h:1:1 [0] socket.cc:600 NCCL WARN no device found matching ens9, verify NCCL_OOB_NET_IFNAME"],
  ])("reports %s as no usable interface", (line) => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens9", line] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("no network interface matches NCCL_SOCKET_IFNAME=ens9 on this node");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("reports an invalid NCCL_COMM_ID", () => {
    const f = run(rule, { lines: ["h:1:1 [0] socket.cc:300 NCCL WARN Invalid NCCL_COMM_ID, please use format: <ipv4>:<port> or [<ipv6>]:<port> or <hostname>:<port>"] });
    expect(f[0].message).toContain("NCCL_COMM_ID is not of the form");
  });
  it("is only informational for loopback on a single node without failures", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO Bootstrap : Using lo:127.0.0.1<0>"].map((l) => l.replace("Using lo", "Using [0]lo")) });
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("info");
    expect(f[0].message).toContain("The log shows a single node and no failed connection");
  });
  it("stays a warning for docker0 on a multi-node job", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO Bootstrap : Using [0]docker0:172.17.0.1<0>", "h:1:1 [0] NCCL INFO comm 0x1 rank 0 nRanks 16 nNodes 2 localRanks 8 localRank 0 MNNVL 0"], facts: { nccl: { nodes: 2 } } });
    expect(f[0].severity).toBeUndefined();
  });
});

describe("nccl/wrong-interface: Gloo", () => {
  it("reads Gloo's missing interface as a wrong interface", () => {
    const line = "RuntimeError: [enforce fail at ../third_party/gloo/gloo/transport/tcp/device.cc:83] ifa != nullptr. Unable to find address for: eth7";
    const f = run(rule, { lines: [line] });
    expect(f[0].message).toBe("Gloo (torch's CPU process group) found no address for the interface eth7: GLOO_SOCKET_IFNAME names an interface that does not exist on this node, or the interface has no address.");
    expect(f[0].evidence).toEqual([{ file: "t.log", line: 1, text: line }]);
  });
});
