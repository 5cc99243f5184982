import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a nineteenth round of real NCCL logs, taken from the issues of projects around NCCL (horovod,
 * Paddle, Lightning, TensorFlow, DeepSpeed, Ray Train) and blog posts. Every log text here is written for the test,
 * in the format's shape, with variants the logs did not show (other wrappers, versions, CRLF).
 */

describe("the ≤2.3 net transport's connection record, printed without `Ring NN :`", () => {
  // NCCL 2.x before 2.4 (net.cu netRecvSetup): `INFO("%d -> %d via NET/%s/%d%s", peerRank, myRank, netName, dev,
  // hostDevMem ? "/GDCopy" : "")`, beside P2P records that do carry `Ring NN : a[d] -> b[d]`
  const legacy = (pre: string) => [
    `nodeA:710:811 [0] ${pre}INFO Using internal Network Socket`,
    `nodeA:710:811 [0] ${pre}INFO 15 -> 16 via NET/Socket/0`,
    `nodeA:710:812 [1] ${pre}INFO Ring 00 : 17[1] -> 18[2] via P2P/direct pointer`,
    `nodeA:710:813 [2] ${pre}INFO Ring 00 : 18[2] -> 19[3] via P2P/direct pointer`,
    `nodeB:920:951 [0] ${pre}INFO 23 -> 24 via NET/IB/1/GDCopy`,
    "",
  ];

  it("counts it as a receive-side NET connection, in both the token-less and the `NCCL INFO` form", async () => {
    for (const pre of ["", "NCCL "]) {
      for (const eol of ["\n", "\r\n"]) {
        const r = await analyzeText(legacy(pre).join(eol));
        expect(r.facts.nccl.transports["NET/Socket"]).toBe(1);
        expect(r.facts.nccl.transports["NET/IB"]).toBe(1);
        expect(r.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(0);
        expect(r.facts.nccl.transports["P2P/direct"]).toBe(2);
        expect(r.facts.nccl.ranks).toBe(7);
      }
    }
  });

  it("makes a Socket connection between ranks a multi-node socket fallback", async () => {
    const text = ["hostq:31:40 [0] INFO Using internal Network Socket", "hostq:31:40 [0] INFO 7 -> 8 via NET/Socket/0", ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.net).toBe("Socket");
    expect(ids(r)).toContain("nccl/socket-fallback");
  });

  it("leaves ring-order lines, ranks in prose and other arrows alone", async () => {
    const text = [
      "hostq:31:40 [0] NCCL INFO Ring 00 :    0   1   2   3",
      "hostq:31:40 [0] NCCL INFO 7 -> 8 -> 9",
      "hostq:31:40 [0] NCCL INFO Trees [0] 1->0->-1/-1/-1",
      "moving 7 -> 8 via NET/Socket/0 later", // not a record: no NCCL prefix
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.transports["NET/Socket"]).toBe(0);
    expect(ids(r)).not.toContain("nccl/socket-fallback");
  });
});

describe("PyTorch's NCCL error line with its head cut off", () => {
  it("reads `<path tail>.cpp:N, <error string>, NCCL version X` as the first error, with its reason", async () => {
    for (const [line, rule] of [
      ["upGroupNCCL.cpp:1691, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.18.6", "nccl/system-error"],
      ["csrc/distributed/c10d/NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5", "nccl/internal-error"],
      ["ProcessGroupNCCL.cpp:2006, remote process exited or there was a network error, NCCL version 2.20.5", "nccl/remote-process-exited"],
      ["NCCL.cpp:825, unhandled cuda error, NCCL version 2.10.3", "nccl/cuda-error"],
    ] as const) {
      for (const eol of ["\n", "\r\n"]) {
        const text = ["Some NCCL operations have failed", line, "ncclSomethingError: detail follows", "Traceback (most recent call last):", ""].join(eol);
        const r = await analyzeText(text);
        expect(r.facts.firstError?.line).toBe(2);
        expect(r.facts.firstError?.text).toBe(line);
        expect(r.facts.nccl.version).toBe(line.replace(/.*NCCL version /, ""));
        expect(ids(r)).toContain(rule);
      }
    }
  });

  it("keeps the head's line the first error when a terminal wrapped the message inside its path", async () => {
    const text = [
      "RuntimeError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/ProcessGrou",
      "pNCCL.cpp:1275, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.18.1",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r)).toContain("nccl/system-error");
  });

  it("does not take prose or a file list that only mentions an NCCL version for an error", async () => {
    const text = ["see utils.cpp:12, built with NCCL version 2.18.1", "setup.cc:40, retrying later, NCCL version 2.18.1", ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("the duplicate-GPU message body quoted without NCCL's head", () => {
  it("names both ranks and reports the duplicate GPU", async () => {
    const text = ["worker 3 failed:", "  => rank 12 and rank 4 both on CUDA device 1b000", "  => rank 13 and rank 5 both on CUDA device 3e000", ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.ranks).toBe(4);
    expect(ids(r)).toContain("nccl/duplicate-gpu");
  });

  it("does not fire on ranks that share a node or a different device each", async () => {
    const text = ["rank 12 and rank 4 both on node gpu-a", "rank 1 and rank 2 on CUDA devices 0 and 1", ""].join("\n");
    const r = await analyzeText(text);
    expect(ids(r)).not.toContain("nccl/duplicate-gpu");
  });
});

describe("the socket transport's devices named by its GPU Direct RDMA check", () => {
  const gdr = (host: string, dev: number, hca: number, name: string) => `${host}:4100:4190 [${dev}] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA ${hca} '${name}'`;

  it("takes a virtual bridge among them for a data NIC in use (wrong interface), under a Ray Train prefix", async () => {
    const text = [
      `(RayTrainWorker pid=4100) ${gdr("trainhost", 1, 0, "enp65s0")}`,
      `(RayTrainWorker pid=4100) ${gdr("trainhost", 1, 1, "virbr0")}`,
      `(RayTrainWorker pid=4100) ${gdr("trainhost", 1, 2, "br-0a1b2c3d4e5f")}`,
      "",
    ].join("\r\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.gdr).toBe(false);
    const names = (r.facts.nccl.interfaces ?? []).filter((i) => i.role === "NET/Socket").map((i) => `${i.index}:${i.name}`);
    expect(names).toEqual(["0:enp65s0", "1:virbr0", "2:br-0a1b2c3d4e5f"]);
    const f = r.findings.find((x) => x.ruleId === "nccl/wrong-interface");
    expect(f?.message).toContain("uses the virtual or loopback interfaces virbr0, br-0a1b2c3d4e5f");
    expect(f?.severity).toBe("info"); // one node, nothing failed
  });

  it("counts a virtual device at any index of `NET/Socket : Using` as in use on two nodes", async () => {
    const text = [
      "nodeA:11:21 [0] NCCL INFO NET/Socket : Using [0]ens5:10.0.1.5<0> [1]docker0:172.17.0.1<0>",
      "nodeB:12:22 [0] NCCL INFO NET/Socket : Using [0]ens5:10.0.1.6<0> [1]docker0:172.17.0.1<0>",
      "nodeA:11:21 [0] NCCL INFO Using network Socket",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    const f = r.findings.find((x) => x.ruleId === "nccl/wrong-interface");
    expect(f?.message).toContain("docker0 (172.17.0.1)");
    expect(f?.severity).toBe("warning");
  });

  it("leaves a bootstrap list's later virtual entries and an IB HCA's check alone", async () => {
    const text = [
      "nodeA:11:21 [0] NCCL INFO Bootstrap : Using [0]ens5:10.0.1.5<0> [1]virbr0:192.168.122.1<0>",
      "nodeA:11:21 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'",
      "nodeA:11:21 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ens5:10.0.1.5<0>",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r)).not.toContain("nccl/wrong-interface");
    expect((r.facts.nccl.interfaces ?? []).some((i) => i.role === "NET/Socket")).toBe(false);
  });
});
