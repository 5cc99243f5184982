import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 53g of real logs: NCCL 2.3–2.14 from the Horovod / DeepSpeed / PyTorch 1.x years (mpirun
 * `[1,N]<stdout>:` tags, `Ring 00 : a[d] -> b[d]`, bracketless `Ring 00 : 1 -> 4 [send] via NET/IB/1/GDRDMA`, `.cu`
 * sources, legacy INFO without the NCCL token). Facts and findings were right at first sight; two failures were named
 * only vaguely, each as nccl/system-error plus a second, generic nccl/error ("the log does not show a more specific
 * cause"):
 * - `Net : Socket creation failed : <errno text>` (include/socket.h up to 2.11; `ncclSocketInit: Socket creation
 *   failed : …` in misc/socket.cc since 2.12): socket(2) refused, before any peer is involved; the errno text says why.
 * - `Could not find real path of /sys/class/pci_bus/<dom:bus>/../../<bus id>` (include/topo.h in 2.4, graph/xml.cc from
 *   2.5): topology detection cannot find the GPU's device in /sys, then `-> 2` up to init.
 * Every log text here is written for the test in the printed layout, under the wrappers collectors add.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["mpirun --tag-output", (l) => `[1,3]<stdout>:${l}`],
  ["kubectl --timestamps", (l) => `2026-12-06T17:20:11.518204113Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray", (l) => `(TrainWorker pid=7712, ip=10.8.0.5) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("socket(2) refused: `Socket creation failed : <errno text>`", () => {
  // NCCL 2.4 (`.cu` sources): IB's listening socket, then the return chain to init
  const v24 = [
    "nodeb:2210:2291 [0] NCCL INFO Ring 00 : 3 -> 4 [receive] via NET/IB/0/GDRDMA",
    "nodeb:2210:2291 [0] include/socket.h:318 NCCL WARN Net : Socket creation failed : Address family not supported by protocol",
    "nodeb:2210:2291 [0] NCCL INFO transport/net_ib.cu:407 -> 2",
    "nodeb:2210:2291 [0] NCCL INFO include/net.h:26 -> 2",
    "nodeb:2210:2291 [0] NCCL INFO transport/net.cu:330 -> 2",
    "nodeb:2210:2291 [0] NCCL INFO init.cu:641 -> 2",
  ];
  it("names the failing socket() and its errno text, once, under every wrapper", async () => {
    await eachWrap(v24, (r, at) => {
      const f = finding(r, "nccl/system-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("socket() failed: Address family not supported by protocol");
      expect(f!.message, at).toContain("usually IPv6");
      expect(f!.remediation.join("\n"), at).toContain("NCCL_SOCKET_FAMILY=AF_INET");
      // the generic finding no longer repeats the same error
      expect(ids(r), at).not.toContain("nccl/error");
      expect(r.facts.nccl?.firstWarn?.text, at).toContain("Socket creation failed");
      expect(r.facts.nccl?.transports["NET/IB/GDRDMA"], at).toBe(1);
    });
  });

  it("reads 2.12+'s ncclSocketInit form and the descriptor limit", async () => {
    const r = await analyzeText([
      "hosta:512:530 [2] misc/socket.cc:466 NCCL WARN ncclSocketInit: Socket creation failed : Too many open files",
      "hosta:512:530 [2] NCCL INFO bootstrap.cc:301 -> 2",
      "hosta:512:530 [2] NCCL INFO init.cc:1390 -> 2",
    ].join("\n") + "\n");
    const f = finding(r, "nccl/system-error")!;
    expect(f.message).toContain("socket() failed: Too many open files: the process reached its open-file limit");
    expect(f.remediation.join("\n")).toContain("ulimit -n");
    expect(f.remediation.join("\n")).not.toContain("NCCL_SOCKET_FAMILY");
    expect(ids(r)).not.toContain("nccl/error");
  });

  it("near misses: a connect failure keeps its peer reading; a socket WARN with no -> 2 chain keeps nccl/error", async () => {
    const connect = await analyzeText([
      "hosta:512:530 [2] misc/socket.cc:483 NCCL WARN socketStartConnect: Connect to 10.0.0.2<45763> failed : Connection refused",
      "hosta:512:530 [2] NCCL INFO misc/socket.cc:564 -> 2",
    ].join("\n") + "\n");
    const sys = finding(connect, "nccl/system-error");
    if (sys) {
      expect(sys.message).not.toContain("socket() failed");
      expect(sys.message).toContain("10.0.0.2");
    }
    const bare = await analyzeText("hosta:512:530 [2] include/socket.h:318 NCCL WARN Net : Socket creation failed : Address family not supported by protocol\n");
    expect(ids(bare)).not.toContain("nccl/system-error");
    expect(ids(bare)).toContain("nccl/error");
  });
});

describe("a GPU's sysfs path that the process cannot see", () => {
  const v24 = [
    "box7:430:430 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.2.3<0>",
    "NCCL version 2.4.2+cuda9.0",
    "box7:430:2237 [0] include/topo.h:27 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:02/../../0000:02:00.0",
    "box7:430:2237 [0] NCCL INFO init.cu:864 -> 2",
    "box7:430:2237 [0] NCCL INFO init.cu:911 -> 2",
    "box7:430:2237 [0] NCCL INFO misc/group.cu:69 -> 2 [Async thread]",
    "Traceback (most recent call last):",
    '  File "train.py", line 55, in <module>',
  ];
  it("says topology detection could not find the GPU, with its bus id, under every wrapper", async () => {
    await eachWrap(v24, (r, at) => {
      const f = finding(r, "nccl/system-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("could not find GPU 0000:02:00.0 under /sys/class/pci_bus");
      expect(f!.remediation.join("\n"), at).toContain("ls -l /sys/bus/pci/devices/0000:02:00.0");
      expect(ids(r), at).not.toContain("nccl/error");
      expect(r.facts.nccl?.version, at).toBe("2.4.2");
      expect(r.facts.firstError?.text, at).toContain("Could not find real path of /sys/class/pci_bus/");
    });
  });

  it("reads 2.5+'s graph/xml.cc form, and a path cut before the bus id", async () => {
    const r = await analyzeText([
      "c0ffee:687:748 [0] graph/xml.cc:332 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:03/../../0000:03:00.0",
      "c0ffee:687:748 [0] NCCL INFO graph/xml.cc:469 -> 2",
      "c0ffee:687:748 [0] NCCL INFO init.cc:540 -> 2",
    ].join("\r\n") + "\r\n");
    expect(finding(r, "nccl/system-error")!.message).toContain("GPU 0000:03:00.0");
    const cut = await analyzeText("c0ffee:687:748 [0] graph/xml.cc:332 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:0\nc0ffee:687:748 [0] NCCL INFO graph/xml.cc:469 -> 2\n");
    expect(finding(cut, "nccl/system-error")!.message).toContain("could not find a GPU under /sys/class/pci_bus");
  });

  it("near misses: a NIC's path is benign, and a user's ls of the path is no NCCL failure", async () => {
    const nic = await analyzeText([
      "box7:430:2237 [0] include/net.h:24 NCCL WARN Could not find real path of /sys/class/net/eth0/device",
      "box7:430:2237 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.2.3<0>",
    ].join("\n") + "\n");
    expect(ids(nic, "error")).toEqual([]);
    expect(nic.facts.firstError ?? null).toBeNull();
    const ls = await analyzeText("$ ls -l /sys/class/pci_bus/0000:02/../../0000:02:00.0\nls: cannot access '/sys/class/pci_bus/0000:02/../../0000:02:00.0': No such file or directory\n");
    expect(ids(ls)).not.toContain("nccl/system-error");
  });
});

describe("NCCL 2.3's P2P transport failing its CUDA IPC call is a failure, not P2P turned off", () => {
  // two processes, each on its device 0 (separate containers on one host), 2.3-era `.cu` sources
  const lines = [
    "HOSTX:2753:2762 [0] transport/p2p.cu:548 NCCL WARN failed to open CUDA IPC handle : 64 peer access is not supported between these two devices",
    "HOSTX:2753:2762 [0] NCCL INFO init.cu:568 -> 1",
    "HOSTX:4974:4981 [0] NCCL INFO comm 0x7f9114224540 rank 0 nranks 2",
    "HOSTX:4974:4981 [0] NCCL INFO Ring 00 :    0   1",
    "HOSTX:4974:4981 [0] NCCL INFO Ring 00 : 0[0] -> 1[0] via P2P/IPC",
    "HOSTX:2753:2762 [0] NCCL INFO Ring 00 : 1[0] -> 0[0] via P2P/IPC",
  ];
  it("gives nccl/cuda-error's P2P advice alone, with no contradicting nccl/p2p-disabled", async () => {
    await eachWrap(lines, (r, at) => {
      expect(finding(r, "nccl/cuda-error")?.message, at).toContain("peer access is not supported between these two devices");
      expect(ids(r), at).not.toContain("nccl/p2p-disabled");
      expect(r.facts.nccl?.transports["P2P/IPC"], at).toBe(2);
      expect(r.facts.nccl?.ranks, at).toBe(2);
    });
  });

  it("near misses: NCCL saying P2P is unavailable, or every hop via SHM, is still nccl/p2p-disabled", async () => {
    const said = await analyzeText("node3:77:90 [2] NCCL INFO Could not enable P2P between dev 2(=67000) and dev 3(=68000)\nnode3:77:90 [2] NCCL INFO Channel 00 : 0[67000] -> 1[68000] via direct shared memory\n");
    expect(ids(said)).toContain("nccl/p2p-disabled");
    const custom = await analyzeText("(VllmWorker rank=1 pid=312) Failed: Cuda error /tmp/vllm/csrc/custom_all_reduce.cuh:368 'peer access is not supported between these two devices'\n");
    expect(ids(custom)).toEqual(expect.arrayContaining(["vllm/custom-allreduce-failed", "nccl/p2p-disabled"]));
  });
});

describe("old-era shapes read right at first sight (locked)", () => {
  it("Horovod mpirun tags, bracketless 2.4 NET hops and 2.4 Trees", async () => {
    const lines = [
      "[1,0]<stdout>:alpha-0:4325:4536 [0] NCCL INFO Ring 00 : 4 -> 0 [receive] via NET/IB/0",
      "[1,1]<stdout>:alpha-0:4326:4538 [1] NCCL INFO comm 0x7fd5bc3124c0 rank 1 nranks 8 cudaDev 1 nvmlDev 1 - Init COMPLETE",
      "[1,4]<stdout>:alpha-1:5597:5808 [0] NCCL INFO Ring 00 : 0 -> 4 [receive] via NET/IB/0",
      "[1,0]<stdout>:alpha-0:4325:4536 [0] NCCL INFO Trees [0] -1->0->1/4/-1",
      "[1,4]<stdout>:alpha-1:5597:5808 [0] NCCL INFO Trees [0] 0->4->5/-1/-1",
      "[1,0]<stdout>:alpha-0:4325:4536 [0] NCCL INFO Launch mode Parallel",
    ];
    await eachWrap(lines.map((l) => l.replace(/^\[1,\d\]<stdout>:/, "")), (r, at) => {
      expect(r.facts.nccl?.ranks, at).toBe(3);
      expect(r.facts.nccl?.nodes, at).toBe(2);
      expect(r.facts.nccl?.transports["NET/IB"], at).toBe(2);
      expect(r.facts.nccl?.gdr, at).toBe(false);
      expect(r.facts.nccl?.initComplete, at).toBe(1);
      expect(ids(r), at).toContain("nccl/gdrdma-disabled");
    });
  });

  it("legacy 2.2/2.3 INFO lines: `Using internal Network IB` and the per-HCA list", async () => {
    const r = await analyzeText([
      "gpu-9:100:120 [1] INFO NET/IB : Using interface eth0 for sideband communication",
      "gpu-9:100:120 [1] INFO NET/IB: [0] mlx4_0:1/IB",
      "gpu-9:100:120 [1] INFO Using internal Network IB",
      "gpu-9:100:120 [1] INFO comm 0x55d07fb87c10 rank 1 nranks 16",
    ].join("\r\n") + "\r\n");
    expect(r.facts.nccl?.net).toBe("IB");
    expect(r.facts.nccl?.ibHcas).toEqual(["mlx4_0:1"]);
    expect(ids(r)).not.toContain("nccl/socket-fallback");
  });
});
