import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a fifteenth round of real NCCL pastes (WSL and containers, GDR-disabled HCAs, pastes that lost their
 * line breaks) that the corpus does not hold. Every log text here is written for the test, in the format's shape, with
 * variants the pastes did not show.
 */

describe("`Could not find real path of ...`: a NIC's path is benign, the GPU's PCI bus path is a failure", () => {
  it("takes graph/xml.cc's WARN on a `/sys/class/pci_bus/...` path (it returns ncclSystemError) as the first error", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const text = [
        "wsl-box:501:501 [0] NCCL INFO Bootstrap : Using eth0:172.20.1.7<0>",
        "",
        "wsl-box:501:501 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]",
        "wsl-box:501:501 [0] NCCL INFO NET/Socket : Using [0]eth0:172.20.1.7<0>",
        "wsl-box:501:501 [0] NCCL INFO Using network Socket",
        "",
        "wsl-box:501:533 [0] graph/xml.cc:332 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:0b/../../0000:0b:00.0",
        "wsl-box:501:533 [0] NCCL INFO graph/xml.cc:469 -> 2",
        "wsl-box:501:533 [0] NCCL INFO init.cc:840 -> 2",
        "wsl-box:501:533 [0] NCCL INFO group.cc:73 -> 2 [Async thread]",
        "",
      ].join(eol);
      const r = await analyzeText(text);
      expect(r.facts.nccl.firstWarn?.line).toBe(3);
      expect(r.facts.firstError?.line).toBe(7);
      expect(ids(r, "error")).toContain("nccl/system-error");
    }
  });

  it("keeps the NIC forms benign (net_ib.cc's `rxe0 (...)`, a Ray-prefixed one) so an error later is the first one", async () => {
    const text = [
      "(RayWorkerWrapper pid=77, ip=10.1.2.3) nodeb:77:90 [1] net_ib.cc:120 NCCL WARN Could not find real path of rxe0 (/sys/class/infiniband/rxe0/device)",
      "(RayWorkerWrapper pid=77, ip=10.1.2.3) nodeb:77:90 [1] NCCL INFO NET/IB : Using [0]rxe0:1/RoCE ; OOB eth0:10.1.2.3<0>",
      "(RayWorkerWrapper pid=77, ip=10.1.2.3) nodeb:77:95 [1] misc/socket.cc:50 NCCL WARN socketProgress: Connection closed by remote peer nodea<41922>",
      "(RayWorkerWrapper pid=77, ip=10.1.2.3) nodeb:77:95 [1] NCCL INFO misc/socket.cc:752 -> 6",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.nccl.net).toBe("IB");
  });
});

describe("`GPU Direct RDMA Disabled for HCA` lines alone name the network that printed them", () => {
  it("reads net IB and gdr false from `NET/IB : GPU Direct RDMA Disabled for HCA` with no Using line", async () => {
    const text = [
      "gpu-a:3100:3150 [2] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_2'",
      "gpu-a:3100:3150 [2] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 1 'mlx5_5'",
      "gpu-a:3101:3149 [3] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_2'",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.nccl.gdr).toBe(false);
    expect(r.facts.nccl.ibHcas).toBeNull();
    // one host, no connection lines: nothing says traffic leaves the node, so no warning; only a note (round 39n)
    // that says what the line means and that the log does not show whether the run spans nodes
    expect(ids(r, "warning")).not.toContain("nccl/gdrdma-disabled");
    expect(ids(r, "error")).not.toContain("nccl/gdrdma-disabled");
    expect(r.findings.find((f) => f.ruleId === "nccl/gdrdma-disabled")?.message).toContain("does not show whether the run spans nodes");
    // two hosts and NCCL's own nNodes 2: the run's inter-node traffic goes over IB without GDR
    const two = [
      "gpu-a:3100:3150 [2] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_2'",
      "gpu-b:4100:4150 [2] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_2'",
      "gpu-a:3100:3150 [2] NCCL INFO comm 0x7f00 rank 2 nRanks 16 nNodes 2 localRanks 8 localRank 2 MNNVL 0",
      "",
    ].join("\n");
    const m = await analyzeText(two);
    expect(m.facts.nccl.net).toBe("IB");
    expect(m.facts.nccl.nodes).toBe(2);
    expect(ids(m, "warning")).toContain("nccl/gdrdma-disabled");
  });

  it("lets a printed `Using network` decide over the hint, and reads the topology check's NET/Socket form as Socket", async () => {
    let r = await analyzeText(
      [
        "h1:10:20 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'",
        "h1:10:20 [0] NCCL INFO Using network Socket",
        "",
      ].join("\n"),
    );
    expect(r.facts.nccl.net).toBe("Socket");
    r = await analyzeText("h1:10:20 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'lo'\n");
    expect(r.facts.nccl.net).toBe("Socket");
  });
});

describe("NCCL's bare version banner glued between records of a line that lost its breaks", () => {
  it("reads the version from `... text NCCL version X+cudaY host:pid:tid [d] NCCL INFO ...`, and the records around it", async () => {
    const text = [
      "box7:88:88 [0] NCCL INFO NET/Plugin : No plugin found, using internal implementation",
      "box7:88:88 [0] misc/cudawrap.cc:183 NCCL WARN Failed to find CUDA library libcuda.so (NCCL_CUDA_PATH='') : libcuda.so: cannot open shared object file NCCL version 2.19.3+cuda12.3 box7:88:140 [0] NCCL INFO NET/Socket : Using [0]eth0:10.9.8.7<0> box7:88:140 [0] NCCL INFO Using network Socket",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.version).toBe("2.19.3");
    expect(r.facts.nccl.net).toBe("Socket");
    expect(r.facts.nccl.firstWarn?.line).toBe(2);
    // cudawrap.cc's `Failed to find CUDA library … : <dlerror>` is advisory (its callers fall back, init goes on): no error
    expect(r.facts.firstError).toBeNull();
  });

  it("reads it behind a Ray prefix and with CRLF line ends too", async () => {
    const text = [
      "(RayWorkerWrapper pid=310, ip=10.2.0.4) gpu9:310:310 [1] NCCL INFO Bootstrap : Using eth0:10.2.0.4<0> NCCL version 2.21.5+cuda12.4 gpu9:310:401 [1] NCCL INFO Using network IB",
      "",
    ].join("\r\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.version).toBe("2.21.5");
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.nccl.nodes).toBe(1);
  });

  it("does not cut PyTorch's `..., NCCL version N` nor the prefixed `NCCL INFO NCCL version` record of a joined line", async () => {
    let r = await analyzeText(
      "n1:5:5 [0] NCCL INFO cudaDriverVersion 12040 n1:5:5 [0] NCCL INFO NCCL version 2.26.2+cuda12.2 n1:5:9 [0] NCCL INFO Using network IB\n",
    );
    expect(r.facts.nccl.version).toBe("2.26.2");
    expect(r.facts.nccl.net).toBe("IB");
    r = await analyzeText(
      "RuntimeError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1691, unhandled system error, NCCL version 2.19.3\n",
    );
    expect(r.facts.nccl.version).toBe("2.19.3");
    expect(r.facts.firstError?.line).toBe(1);
  });
});

describe("a flattened paste whose one traceback frame runs on into PyTorch's NCCL error", () => {
  it("takes the line as the first error (srun labels between the parts, or none), but not a frame line alone", async () => {
    const labelled =
      'File "/usr/lib/python3.11/site-packages/torch/distributed/distributed_c10d.py", line 2288, in all_reduce 3: work = group.allreduce([tensor], opts) 3: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5 3: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error. 3: Last error: 3: socketStartConnect: Connect to 10.0.0.9<40211> failed : Connection refused';
    let r = await analyzeText(["step 10 loss 2.31", labelled, ""].join("\n"));
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("nccl/system-error");
    const bare =
      'File "train.py", line 88, in main    dist.barrier() RuntimeError: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5';
    r = await analyzeText(bare + "\n");
    expect(r.facts.firstError?.line).toBe(1);
    // an ordinary frame and its code line: no failure on them, the exception line below is the first error
    r = await analyzeText(
      [
        "Traceback (most recent call last):",
        '  File "train.py", line 88, in main',
        '    print("NCCL error handling enabled")',
        "ValueError: bad config",
        "",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(4);
  });
});
