import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in real training-launcher pastes (round 37t: torchrun, DeepSpeed, mpirun, accelerate) that the
 * tool missed. Every log text here is written for the test in the printed layout; the facts checked are exact.
 */

/** NCCL 2.12-2.30 proxy.cc: the service thread's WARNs print the ncclResult_t they got as `res=N` / `retcode N`. */
const proxyWarns = (code: number) => [
  `gpu-a17:40211:40388 [2] transport.cc:154 NCCL WARN Cuda failure 'invalid argument'`,
  `gpu-a17:40211:40390 [2] proxy.cc:1485 NCCL WARN [Service thread] Error encountered progressing operation=Connect, res=${code}, closing connection`,
  `gpu-a17:40211:40390 [2] proxy.cc:1495 NCCL WARN [Service thread] Could not receive type from localRank 2, res=${code}, closed=0`,
  `gpu-a17:40211:40390 [2] proxy.cc:1519 NCCL WARN [Proxy Service 2] Failed to execute operation Connect from rank 2, retcode ${code}`,
];

describe("the proxy service WARNs' result codes", () => {
  it("res=3 / retcode 3 is ncclInternalError, next to the CUDA failure that caused it", async () => {
    const r = await analyzeText(proxyWarns(3).join("\n") + "\n");
    expect(ids(r)).toEqual(expect.arrayContaining(["nccl/internal-error", "nccl/cuda-error"]));
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
  });

  it("reads them under mpirun --timestamp-output --tag-output and in a CRLF file", async () => {
    const tagged = proxyWarns(3).map((l, i) => `Tue Mar  5 04:12:0${i} 2024[1,${i}]<stdout>:${l}`);
    const r = await analyzeText(tagged.join("\r\n") + "\r\n");
    expect(ids(r)).toContain("nccl/internal-error");
  });

  it("res=2 / retcode 2 is a system error; a code that only starts with the digit is none", async () => {
    const two = await analyzeText(proxyWarns(2).slice(1).join("\n") + "\n");
    expect(ids(two)).toContain("nccl/system-error");
    expect(ids(two)).not.toContain("nccl/internal-error");
    const thirty = await analyzeText(
      "gpu-a17:40211:40390 [2] proxy.cc:1519 NCCL WARN [Proxy Service 2] Failed to execute operation Connect from rank 2, retcode 30\n",
    );
    expect(ids(thirty)).not.toContain("nccl/internal-error");
  });
});

describe("a failed connect to an IPv6 link-local address on a virtual interface", () => {
  const lastError = [
    "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1691, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3",
    "ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error. ",
    "Last error:",
    "socketStartConnect: Connect to fe80::3c11:22ff:fe33:4455%veth1a2b3c4<41022> failed : Software caused connection abort",
  ];

  it("is a wrong interface (the peer advertised its docker/veth address)", async () => {
    const r = await analyzeText(lastError.join("\n") + "\n");
    expect(ids(r)).toEqual(expect.arrayContaining(["nccl/wrong-interface", "nccl/system-error"]));
    const f = r.findings.find((x) => x.ruleId === "nccl/wrong-interface");
    expect(f?.message).toContain("veth1a2b3c4");
    expect(r.facts.nccl.version).toBe("2.19.3");
  });

  it("the same under torchrun's [rankN]: and pdsh's host prefix, and as an NCCL WARN record", async () => {
    const ranked = await analyzeText(lastError.map((l) => `[rank5]: ${l}`).join("\n") + "\n");
    expect(ids(ranked)).toContain("nccl/wrong-interface");
    const warn = await analyzeText(
      "worker-3: trn-07:881:990 [1] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to fe80::9:8ff:fe7:6%docker0<50117> failed : Connection refused\n",
    );
    expect(ids(warn)).toContain("nccl/wrong-interface");
  });

  it("a link-local address on a real interface, or a plain IPv4 target, is not", async () => {
    const real = await analyzeText(
      "trn-07:881:990 [1] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to fe80::9:8ff:fe7:6%ens5f0<50117> failed : Connection refused\n",
    );
    expect(ids(real)).toContain("nccl/bootstrap-failure");
    expect(ids(real)).not.toContain("nccl/wrong-interface");
    const v4 = await analyzeText("trn-07:881:990 [1] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.4.0.9<50117> failed : Connection refused\n");
    expect(ids(v4)).not.toContain("nccl/wrong-interface");
  });
});
