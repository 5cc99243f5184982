import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/remote-process-exited.js";
import { run } from "../helpers.js";

describe("nccl/remote-process-exited", () => {
  it("fires on ncclRemoteError and names the peer and rank", () => {
    const f = run(rule, { lines: ["[rank3]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:3763, remote process exited or there was a network error, NCCL version 2.28.8", "a:1:2 [1] misc/socket.cc:538 NCCL WARN Net : Connection closed by remote peer node-7<47861>"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("NCCL lost a peer (node-7)");
    expect(f[0].message).toContain("rank(s) 3");
  });
  it("ignores a reset connection outside NCCL", () => {
    expect(run(rule, { lines: ["INFO: client disconnected: Connection reset by peer"] })).toEqual([]);
  });
});
