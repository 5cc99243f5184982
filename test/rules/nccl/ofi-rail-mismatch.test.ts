import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "../analyze-text.js";
import { ruleTester } from "../rule-tester.js";

/**
 * aws-ofi-nccl refusing connections whose peer built another number of rails for the device (`NET/OFI Unexpected number
 * of remote rails for dev N. Expected X but got Y`), and nccl/system-error on the network path it leaves behind. Every log
 * text here is written for the test in the printed layouts: the plugin's C (`accept_wait_for_connection:4906`) and C++
 * (`accept_wait_for_connection(nccl_net_ofi_rdma_domain_t*, …):5076`) WARN headers, its words pasted bare, NCCL's INFO
 * error returns, nccl-tests' and PyTorch's failure lines.
 */

// (eachWrapped reads the bare text with LF and with CRLF, and each wrapper with one of them)
const WRAPS: [string, (l: string) => string][] = [
  ["bare", (l) => l],
  ["kubectl --timestamps", (l) => `2026-11-03T08:14:57.204117338Z ${l}`],
  ["mpirun --tag-output", (l) => `[1,5]<stdout>:${l}`],
  ["Ray prefix", (l) => `(RayWorkerWrapper pid=812, ip=10.0.3.7) ${l}`],
];

// two p5 pods, one given part of its node's EFA devices: the C++ plugin's WARN on both ends, then NCCL's and PyTorch's lines
const WARN_FORM = [
  "p5-a:4410:4410 [3] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.16.2",
  "p5-a:4410:4522 [3] NCCL INFO NET/OFI Created device with 4 rails",
  "p5-a:4410:4522 [3] accept_wait_for_connection(nccl_net_ofi_rdma_domain_t*, nccl_net_ofi_rdma_listen_comm_t*, nccl_net_ofi_rdma_recv_comm_t**):5076 NCCL WARN NET/OFI Unexpected number of remote rails for dev 3. Expected 4 but got 2",
  "p5-a:4410:4522 [3] NCCL INFO transport/net.cc:871 -> 3",
  "p5-b:3301:3390 [1] finish_connect(nccl_net_ofi_rdma_send_comm*):2074 NCCL WARN NET/OFI Unexpected number of remote control rails for dev 1. Expected 1 but got 2",
  "p5-b:3301:3390 [1] NCCL INFO transport/net.cc:705 -> 3",
  "[rank3]: torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3353, internal error - please report this issue to the NCCL developers, NCCL version 2.27.3",
];

// NCCL 2.28's GIN proxy over the plugin: the chain first, the plugin's words pasted after it without NCCL's header
const GIN_FORM = [
  "gin-w-0:2210:2210 [0] NCCL INFO NCCL_GIN_TYPE set by environment to 2.",
  "gin-w-0:2210:2210 [0] NCCL INFO Assigned GIN plugin Libfabric to comm",
  "gin-w-0:2210:2210 [0] NCCL INFO transport/net.cc:476 -> 2",
  "gin-w-0:2210:2210 [0] NCCL INFO transport/net.cc:1202 -> 2 [Async thread]",
  "gin-w-0: Test NCCL failure all_reduce.cu:471 'internal error - please report this issue to the NCCL developers'",
  "",
  "NET/OFI Unexpected number of remote rails for dev 0. Expected 3 but got 2",
  "NET/OFI Unexpected number of remote rails for dev 1. Expected 2 but got 3",
  "NET/OFI Unexpected number of remote rails for dev 2. Expected 1 but got 2",
];

ruleTester("nccl/ofi-rail-mismatch", {
  valid: [
    {
      name: "the plugin's own rail counts in a run that connects",
      log: [
        "p5-a:4410:4522 [0] NCCL INFO NET/OFI Created device with 4 rails",
        "p5-a:4410:4522 [0] NCCL INFO NET/OFI Created device with 4 rails (originally found 2 rails)",
        "p5-a:4410:4522 [0] NCCL INFO Channel 00/0 : 8[0] -> 0[0] [receive] via NET/Libfabric/0/GDRDMA",
        "p5-a:4410:4410 [0] NCCL INFO comm 0x55c1 rank 0 nranks 16 cudaDev 0 busId 53000 - Init COMPLETE",
        "",
      ].join("\n"),
    },
    {
      name: "a wrong OFI_NCCL_FORCE_NUM_RAILS is the plugin's start-up, not two peers disagreeing",
      log: "p5-a:4410:4522 [0] nccl_net_ofi_rdma_device_t:7025 NCCL WARN NET/OFI Number of forced rails (3) not a multiple of numer of rails (2)\n",
    },
  ],
  invalid: [
    {
      name: "the C plugin's WARN, cut after `Expected ` in a paste",
      log: "ip-10-0-7-21:2231:2390 [5] accept_wait_for_connection:4909 NCCL WARN NET/OFI Unexpected number of remote rails for dev 5. Expected\n",
      findings: [{
        lines: [1],
        severity: "error",
        title: "aws-ofi-nccl: the peers group their EFA devices into different numbers of rails",
        messageIncludes: ["different numbers of rails for the device: dev 5, on ip-10-0-7-21.", "partial vpc.amazonaws.com/efa request on Kubernetes", "nodes of different instance types", "aws-ofi-nccl releases that differ across nodes"],
        remediation: ["request all of the node's EFA devices in every pod", "same aws-ofi-nccl release", "OFI_NCCL_FORCE_NUM_RAILS"],
      }],
    },
  ],
});

describe("nccl/ofi-rail-mismatch behind every wrapper", () => {
  it("the WARNs of both ends: one error naming each device's counts and both hosts; the internal error is its consequence, nccl/error stays quiet", async () => {
    await eachWrapped(WRAPS, WARN_FORM, (r, name) => {
      const f = r.findings.filter((x) => x.ruleId === "nccl/ofi-rail-mismatch");
      expect(f, name).toHaveLength(1);
      expect(f[0].severity, name).toBe("error");
      expect(f[0].evidence.map((e) => e.line), name).toEqual([3, 5]);
      expect(f[0].message, name).toContain("dev 3 (expected 4, got 2), control rails of dev 1 (expected 1, got 2), on p5-a, p5-b.");
      expect(f[0].message, name).not.toContain("GIN");
      expect(f[0].remediation, name).toHaveLength(3);
      expect(f[0].remediation[0], name).toContain("vpc.amazonaws.com/efa");
      expect(ids(r, "error"), name).not.toContain("nccl/error");
      expect(r.findings.find((x) => x.ruleId === "nccl/internal-error")?.causedBy, name).toEqual(["nccl/ofi-rail-mismatch"]);
      expect(r.verdict, name).toMatch(/^Failed \(nccl\/ofi-rail-mismatch, which explains nccl\/internal-error\): aws-ofi-nccl \(NET\/OFI, EFA\) refused connections/);
    });
  });

  it("GIN's set-up over the plugin, its words pasted bare after the chain: the rails finding says GIN, and nccl/system-error names the network path, not shared memory or sockets", async () => {
    await eachWrapped(WRAPS, GIN_FORM, (r, name) => {
      const rails = r.findings.find((x) => x.ruleId === "nccl/ofi-rail-mismatch");
      expect(rails?.evidence.map((e) => e.line), name).toEqual([7, 8, 9]);
      expect(rails?.message, name).toContain("dev 0 (expected 3, got 2), dev 1 (expected 2, got 3), dev 2 (expected 1, got 2).");
      expect(rails?.message, name).toContain("GPU-initiated networking (GIN) in use (line 1)");
      expect(rails?.remediation[3], name).toContain("NCCL_GIN_ENABLE=0");
      const sys = r.findings.find((x) => x.ruleId === "nccl/system-error");
      expect(sys?.evidence.map((e) => e.line), name).toEqual([3, 4]);
      expect(sys?.message, name).toContain("GPU-initiated networking (GIN) set-up over the aws-ofi-nccl plugin (NET/OFI, EFA), not shared memory or sockets (transport/net.cc in the error chain)");
      expect(sys?.message, name).toContain("line 7: nccl/ofi-rail-mismatch");
      expect(sys?.remediation[0], name).toContain("vpc.amazonaws.com/efa");
      const advice = sys?.remediation.join("\n") ?? "";
      for (const off of ["/dev/shm", "--shm-size", "IPC_LOCK", "Bootstrap : Using", "firewalls"]) expect(advice, `${name}: ${off}`).not.toContain(off);
      expect(r.findings[0].ruleId, name).toBe("nccl/ofi-rail-mismatch");
    });
  });
});

describe("nccl/system-error on NCCL's network transport", () => {
  it("a run on aws-ofi-nccl whose chain is in transport/net.cc, no rail line: the plugin's checks, no shared memory or socket advice", async () => {
    const r = await analyzeText([
      "ip-10-1-2-3:511:511 [0] NCCL INFO Using network AWS Libfabric",
      "ip-10-1-2-3:511:602 [0] NCCL INFO transport/net.cc:592 -> 2 [Proxy Thread]",
      "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
      "",
    ].join("\r\n"));
    const sys = r.findings.find((x) => x.ruleId === "nccl/system-error")!;
    expect(sys.message).toBe("NCCL returned ncclSystemError: a system call failed; the lines before it point at NCCL's network transport, a call into the aws-ofi-nccl plugin (NET/OFI, EFA), not shared memory or sockets (transport/net.cc in the error chain).");
    expect(sys.remediation[0]).toContain("The network is aws-ofi-nccl's (NET/OFI on libfabric): check that the EFA provider is there (`fi_info -p efa`)");
    expect(sys.remediation.join("\n")).not.toContain("/dev/shm");
  });

  it("the same chain with no plugin and no GIN named keeps the generic advice; an IB chain keeps the IB advice", async () => {
    const plain = await analyzeText("node1:511:602 [0] NCCL INFO transport/net.cc:592 -> 2 [Proxy Thread]\n");
    const sys = plain.findings.find((x) => x.ruleId === "nccl/system-error")!;
    expect(sys.message).toContain("a system call (shared memory, sockets, InfiniBand verbs or memory registration)");
    expect(sys.remediation[0]).toContain("--shm-size");
    const ib = await analyzeText([
      "node1:511:602 [0] NCCL INFO Using network IB",
      "node1:511:602 [0] NCCL INFO transport/net_ib.cc:1012 -> 2",
      "node1:511:602 [0] NCCL INFO transport/net.cc:592 -> 2",
      "",
    ].join("\n"));
    expect(ib.findings.find((x) => x.ruleId === "nccl/system-error")!.message).toContain("the InfiniBand transport");
  });
});
