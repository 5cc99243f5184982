import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/ray-node-ip-mismatch.js";
import { run } from "../helpers.js";

const LINE = "Every node should have a unique IP address. Got 2 nodes with node ids ['8f1c2a', '2b7e9d'] and 1 unique IP addresses {'127.0.0.1'}. Please check your network configuration. If you set `VLLM_HOST_IP` environment variable, make sure it is unique for each node.";

describe("vllm/ray-node-ip-mismatch", () => {
  it("counts the nodes and the addresses, and names a loopback address", () => {
    const f = run(rule, { lines: [`RuntimeError: ${LINE}`] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "vLLM's Ray executor tells the nodes apart by the IP address each worker reports (VLLM_HOST_IP, else the node's address), and two nodes reported the same one, so it stopped before starting the workers. It found 2 nodes but 1 distinct IP address (127.0.0.1). A loopback address means a node resolved its own address to localhost (or VLLM_HOST_IP is set to it).",
    );
    expect(f[0].evidence.map((e) => e.line)).toEqual([1]);
  });
  it("a line cut after its first sentence still fires, without counts", () => {
    const f = run(rule, { lines: ["ERROR 03-02 10:11:20 [engine.py:400] Every node should have a unique IP address. Got 3 no"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).not.toContain("It found");
  });
  it("stays quiet on a connected cluster and on the advice text alone", () => {
    expect(run(rule, { lines: ["INFO 03-02 10:11:12 [ray_distributed_executor.py:176] use_ray_spmd_worker: True", "make sure VLLM_HOST_IP is set on each node"] })).toEqual([]);
  });
});
