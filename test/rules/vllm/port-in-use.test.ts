import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/port-in-use.js";
import { run } from "../helpers.js";

describe("vllm/port-in-use", () => {
  it("names the API server's port from uvicorn's bind error and says how to free it or move", () => {
    const f = run(rule, { lines: ["ERROR:    [Errno 98] error while attempting to bind on address ('0.0.0.0', 8000): address already in use"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("the API server's port 8000 on 0.0.0.0");
    expect(f[0].remediation[0]).toContain("ss -ltnp 'sport = :8000'");
    expect(f[0].remediation[1]).toContain("--port <free port>");
  });
  it("tells torch's store and vLLM's ZMQ sockets apart, with their ports", () => {
    const store = run(rule, { lines: ["torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29500, useIpv6: false, code: -98, name: EADDRINUSE, message: address already in use"] });
    expect(store[0].message).toContain("the torch.distributed store's port 29500");
    expect(store[0].remediation[1]).toContain("VLLM_PORT");
    const zmq = run(rule, { lines: ["zmq.error.ZMQError: Address already in use (addr='tcp://10.0.0.5:13345')"] });
    expect(zmq[0].message).toContain("ZMQ sockets (13345)");
    expect(zmq[0].remediation[1]).toContain("--data-parallel-rpc-port");
    const bare = run(rule, { lines: ["OSError: [Errno 98] Address already in use"] });
    expect(bare[0].message).toContain("a port it binds");
  });
  it("stays quiet on NCCL's RAS listener and on a healthy start", () => {
    expect(run(rule, { lines: ["paula09:2528103:2528103 [0] ras/client_support.cc:160 NCCL WARN Call to bind failed: Address already in use"] })).toEqual([]);
    expect(run(rule, { lines: ["INFO 08-14 10:01:33 launcher.py:28] Available routes are:"] })).toEqual([]);
  });
});
