import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 38h: hardware and fabric faults at run time. The HCA's async events, as net_ib.cc's async thread WARNs them in
 * every version (`NET/IB : Got async event : <event>` 2.4+, the device and port added later, and the newest
 * `NET/IB : <dev>:<port> async fatal event[ on QP (0x..)]: <event>`), are named in the finding with the device and
 * what the event means (a port going down, the adapter failing, a queue pair shut), ahead of the completion errors and
 * failed verbs calls that follow; a completion error after a run of async events is still read (it may be only the
 * signature's last line). CUDA's own text for an uncorrectable ECC error (`uncorrectable ECC error encountered`) is a
 * GPU hardware fault with its advice, inside NCCL (`Cuda failure '...'`) as outside. Every text is written for the
 * test in the printed layout.
 */

type Report = Awaited<ReturnType<typeof analyzeText>>;
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("real formats 38h: HCA async events name the device and what they mean", () => {
  for (const [wrap, wrapText] of WRAPS) {
    it(`a run of port errors, then a completion error cut mid-record, ${wrap}`, async () => {
      const events = [3, 5, 6, 2, 7, 4, 1, 0].flatMap((d) => [`rk-17:${5100 + d}:${5200 + d} [${d}] transport/net_ib.cc:93 NCCL WARN NET/IB : Got async event : port error`, ""]);
      const text = [
        "step 4120: loss 1.71, 820 ms/step",
        ...events,
        "rk-22:6204:6310 [1] transport/net_ib.cc:1238 NCCL WARN NET/IB : Got completion from peer rk-17<41022> with error 12, opcode 1, len 0, ven",
      ].join("\n");
      const r = await analyzeText(wrapText(text) + "\n");
      const f = finding(r, "nccl/ib-error")!;
      expect(f.severity).toBe("error");
      expect(f.message).toBe(
        "InfiniBand/RDMA failed: the HCA reported a port error (the link went down); a work completion from peer rk-17 came back with status 12: transport retry counter exceeded (RETRY_EXC_ERR): the peer or the link stopped answering, or NCCL_IB_TIMEOUT is too short.",
      );
      expect(f.remediation[0]).toMatch(/^A port error is the link going down/);
      expect(f.remediation).toContainEqual(expect.stringMatching(/^Status 12: /));
      expect(r.facts.firstError?.line).toBe(2);
    });
  }

  it("the adapter failing: local catastrophic error, then the async thread's verbs call, behind mpirun's tag and a timestamp", async () => {
    const text = [
      "2024-02-11T09:41:03.512Z: [1,5]<stdout>:trn-host-3:4410:4471 [1] transport/net_ib.cc:101 NCCL WARN NET/IB : mlx5_2:1 Got async event : local catastrophic error",
      "2024-02-11T09:41:03.512Z: [1,5]<stdout>:",
      "2024-02-11T09:41:03.513Z: [1,5]<stdout>:trn-host-3:4410:4471 [1] misc/ibvwrap.cc:220 NCCL WARN Call to ibv_get_async_event failed",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    const f = finding(r, "nccl/ib-error")!;
    expect(f.message).toBe("InfiniBand/RDMA failed: the HCA mlx5_2 port 1 reported a catastrophic error of the adapter (local catastrophic error); the verbs call ibv_get_async_event failed.");
    expect(f.remediation[0]).toMatch(/^A catastrophic error is the adapter itself failing/);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
  });

  it("the newest split by weight: an async fatal event on a QP, then a completion with status 9", async () => {
    const text = [
      "gx-04:3310:3390 [4] transport/net_ib/common.cc:160 NCCL WARN NET/IB : mlx5_6:1 async fatal event on QP (0x55d0a1c3e0): local access violation work queue error",
      "gx-09:8120:8177 [4] transport/net_ib/p2p.cc:610 NCCL WARN NET/IB : Got completion from peer 10.40.2.4<52001> with status=9 opcode=0 len=0 vendor err 138 (Send) localGid ::ffff:10.40.2.9 remoteGids::ffff:10.40.2.4",
      "gx-09:8120:8177 [4] NCCL INFO transport/net.cc:1302 -> 6",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    const f = finding(r, "nccl/ib-error")!;
    expect(f.message).toBe(
      "InfiniBand/RDMA failed: the HCA mlx5_6 port 1 reported an async error event (local access violation work queue error); a work completion from peer 10.40.2.4 came back with status 9: remote invalid request (REM_INV_REQ_ERR): the peer's adapter rejected the request.",
    );
    expect(f.remediation[0]).toContain("NCCL_NET_GDR_LEVEL=0");
  });

  it("a routine event (client reregistration) is still no failure", async () => {
    const r = await analyzeText("gx-04:3310:3390 [4] transport/net_ib.cc:93 NCCL WARN NET/IB : mlx5_6:1 Got async event : client reregistration\n");
    expect(finding(r, "nccl/ib-error")).toBeUndefined();
    expect(r.facts.firstError).toBeNull();
  });
});

describe("real formats 38h: an uncorrectable ECC error is a hardware fault", () => {
  for (const [wrap, wrapText] of WRAPS) {
    it(`torch's RuntimeError with CUDA's words, after a rich traceback box, ${wrap}`, async () => {
      const text = [
        "│   412 │   │   return self._apply(convert)                              │",
        "╰──────────────────────────────────────────────────────────────────────╯",
        "RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "CUDA kernel errors might be asynchronously reported at some other API call,so the stacktrace below might be incorrect.",
        "[09:12:44] WARNING  Sending process 311 closing signal SIGTERM                     api.py:699",
      ].join("\n");
      const r = await analyzeText(wrapText(text) + "\n");
      const f = finding(r, "vllm/cuda-error")!;
      expect(f.message).toBe("A GPU kernel failed with CUDA error: uncorrectable ECC error encountered. The process cannot use the device after this; the engine or worker stops.");
      expect(f.remediation[0]).toMatch(/^The GPU reported an uncorrectable hardware error: take the node out of service/);
      expect(r.facts.firstError?.line).toBe(3);
    });
  }

  it("inside NCCL: Cuda failure with the ECC text gets the hardware advice first", async () => {
    const text = [
      "dgx-11:901:960 [5] enqueue.cc:1402 NCCL WARN Cuda failure 214 'uncorrectable ECC error encountered'",
      "dgx-11:901:960 [5] NCCL INFO group.cc:231 -> 1",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    const f = finding(r, "nccl/cuda-error")!;
    expect(f.message).toBe("A CUDA call inside NCCL failed: uncorrectable ECC error encountered.");
    expect(f.remediation[0]).toMatch(/^The GPU reported an uncorrectable hardware error \(ECC memory or NVLink\)/);
    // a CUDA failure of another kind keeps its own advice first
    const other = await analyzeText("dgx-11:901:960 [5] enqueue.cc:1402 NCCL WARN Cuda failure 'initialization error'\n");
    expect(finding(other, "nccl/cuda-error")!.remediation[0]).not.toMatch(/uncorrectable hardware/);
  });
});

describe("real formats 38h: the kernel driver's Xid records pasted next to a job's log", () => {
  for (const [wrap, wrapText] of WRAPS) {
    it(`dmesg's PCIe AER errors, then Xid 79 for a GPU that fell off the bus, ${wrap}`, async () => {
      const text = [
        "[51230.118201] pcieport 0000:40:01.1: AER: Uncorrected (Fatal) error received: 0000:40:01.1",
        "[51230.118230] pcieport 0000:40:01.1:    [ 5] Surprise Down Error    (First)",
        "[51230.220410] NVRM: GPU at PCI:0000:41:00: GPU-1a2b3c4d-0000-1111-2222-333344445555",
        "[51230.220431] NVRM: Xid (PCI:0000:41:00): 79, pid=8802, name=python3, GPU has fallen off the bus.",
      ].join("\n");
      const r = await analyzeText(wrapText(text) + "\n");
      const f = finding(r, "vllm/gpu-xid")!;
      expect(f.severity).toBe("error");
      expect(f.message).toBe("The NVIDIA driver reported Xid 79 (the GPU has fallen off the bus) on GPU PCI 0000:41:00 (process python3 pid 8802): a fault of the GPU or its links, seen by the kernel, not a Python error.");
      expect(f.remediation[0]).toMatch(/^A GPU that fell off the bus/);
      expect(f.evidence[0].line).toBe(4);
    });
  }

  it("journalctl's follow-on Xid 45 names the NVLink Xid it followed, which leads", async () => {
    const text = [
      "Jun 03 02:14:51 hgx-7 kernel: NVRM: Xid (PCI:0000:1b:00): 45, pid=7120, name=python3, Ch 00000003 caused by previous Xid 149",
      "Jun 03 02:14:51 hgx-7 kernel: NVRM: Xid (PCI:0000:1b:00): 45, pid=7120, name=python3, Ch 00000004 caused by previous Xid 149",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    const f = finding(r, "vllm/gpu-xid")!;
    expect(f.message).toBe("The NVIDIA driver reported Xid 149 (an NVLink error) on GPU PCI 0000:1b:00 (process python3 pid 7120): a fault of the GPU or its links, seen by the kernel, not a Python error.");
    expect(f.remediation[0]).toContain("nvidia-smi nvlink -e");
  });

  it("an older driver's record (no PCI:, no process) and the probe's three-line fallen-off-the-bus notice", async () => {
    const ecc = await analyzeText("[  902.551002] NVRM: Xid (0000:82:00): 48, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 1.\n");
    expect(finding(ecc, "vllm/gpu-xid")!.message).toMatch(/^The NVIDIA driver reported Xid 48 \(a double-bit ECC error in GPU memory\) on GPU PCI 0000:82:00: /);
    expect(finding(ecc, "vllm/gpu-xid")!.remediation[0]).toContain("ROW_REMAPPER");
    const probe = [
      "[ 2210.400102] NVRM: The NVIDIA GPU 0000:c4:00.0",
      "               NVRM: (PCI ID: 10de:2335) installed in this system has",
      "               NVRM: fallen off the bus and is not responding to commands.",
    ].join("\n");
    const r = await analyzeText(probe + "\n");
    expect(finding(r, "vllm/gpu-xid")!.message).toMatch(/^The NVIDIA driver reported Xid 79 \(the GPU has fallen off the bus\): /);
    expect(finding(r, "vllm/gpu-xid")!.evidence[0].line).toBe(3);
  });

  it("the driver's routine lines are no fault", async () => {
    const text = [
      "[    5.100220] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  570.158.01  Release Build  (dvs-builder@U22)",
      "[51230.220410] NVRM: GPU at PCI:0000:41:00: GPU-1a2b3c4d-0000-1111-2222-333344445555",
      "",
      "(the card has fallen off the bus twice this week, says the ticket)",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(finding(r, "vllm/gpu-xid")).toBeUndefined();
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("real formats 38h: nvidia-smi's words for a GPU the driver lost", () => {
  for (const [wrap, wrapText] of WRAPS) {
    it(`a shell prompt, then nvidia-smi's Unknown Error for one GPU, ${wrap}`, async () => {
      const text = ["ops@gpu-node-7 ~ % nvidia-smi", "Unable to determine the device handle for GPU0000:61:00.0: Unknown Error"].join("\n");
      const r = await analyzeText(wrapText(text) + "\n");
      const f = finding(r, "vllm/gpu-xid")!;
      expect(f.message).toBe("nvidia-smi cannot open the GPU at PCI 0000:61:00 (Unknown Error): the driver has lost it, a fault of the GPU or its links, not a Python error.");
      expect(f.remediation[0]).toMatch(/^A GPU that fell off the bus \(or that nvidia-smi cannot open\)/);
    });
  }

  it("the newer wording (`gpu`, GPU is lost) with an Xid 79 before it: the Xid leads", async () => {
    const text = [
      "[ 3301.552100] NVRM: Xid (PCI:0000:1a:00): 79, pid=2210, name=python3, GPU has fallen off the bus.",
      "Unable to determine the device handle for gpu 0000:1A:00.0: GPU is lost.  Reboot the system to recover this GPU",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(finding(r, "vllm/gpu-xid")!.message).toBe("The NVIDIA driver reported Xid 79 (the GPU has fallen off the bus) on GPU PCI 0000:1a:00 (process python3 pid 2210): a fault of the GPU or its links, seen by the kernel, not a Python error.");
  });
});
