import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/bootstrap-failure.js";
import { run } from "../helpers.js";

describe("nccl/bootstrap-failure", () => {
  it("names the unreachable peer", () => {
    const f = run(rule, { lines: ["h:1:1 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.0.0.2<43213> failed : Connection refused"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("NCCL's bootstrap could not connect ranks (to 10.0.0.2 port 43213): connection refused (nothing listening: the peer is not up yet, died, or uses another port).");
  });
  it("ignores connection errors that are not NCCL's", () => {
    expect(run(rule, { lines: ["requests.exceptions.ConnectionError: Connection refused by the metrics endpoint"] })).toEqual([]);
  });
});

describe("nccl/bootstrap-failure: the log's address and port", () => {
  it("names the peer and port to test", () => {
    const f = run(rule, { lines: ["h:1:2 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.0.0.2<45763> failed : Connection refused"] });
    expect(f[0].remediation[0]).toBe("Check that this node reaches 10.0.0.2 on port 45763 (`ping 10.0.0.2`, `nc -zv 10.0.0.2 45763`), and that every node reaches every other at the address in its `Bootstrap : Using` line.");
  });
});
