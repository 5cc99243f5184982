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
