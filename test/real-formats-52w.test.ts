import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-second round of real logs: consumer and workstation GPUs (RTX 3090/4090/5090, RTX A6000,
 * RTX 6000 Ada) in one box over PCIe, WSL2, Docker's small /dev/shm. Two readings were missing. nccl-tests' device
 * column (`#  Rank  0 Group  0 Pid … on host device  0 [0x1b] NVIDIA RTX A6000`) names the GPU every rank ran on, but
 * gpu.name stayed null unless a GPU census (`GPU 0: …`) was pasted too. And NCCL 2.12+ prints the same `Error while
 * creating shared memory segment …` when it could not page-lock a segment it had made (a CUDA host registration, which
 * WSL2 and low locked-memory limits refuse) as when /dev/shm is full: the first returns `unhandled cuda error`, and the
 * finding told those runs to enlarge /dev/shm. Every log text here is written for the test in the printed layout, with
 * wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T16:44:51.204118734Z ${l}`],
  ["docker compose", (l) => `vllm-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=4410) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("nccl-tests' device column names the GPU", () => {
  const twoA6000 = [
    "# nThread 1 nGpus 2 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
    "#",
    "# Using devices",
    "#  Rank  0 Group  0 Pid  40211 on  ws-a6000 device  0 [0x21] NVIDIA RTX A6000",
    "#  Rank  1 Group  0 Pid  40211 on  ws-a6000 device  1 [0x4a] NVIDIA RTX A6000",
    "ws-a6000:40211:40211 [0] NCCL INFO Bootstrap : Using enp5s0:192.168.7.20<0>",
    "ws-a6000:40211:40211 [0] NCCL INFO NET/IB : No device found.",
    "ws-a6000:40211:40211 [0] NCCL INFO Using network Socket",
  ];
  it("reads gpu.name from the first device line, under every wrapper", async () => {
    await eachWrap(twoA6000, (r, at) => {
      expect(r.facts.gpu.name, at).toBe("NVIDIA RTX A6000");
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("Socket");
    });
  });

  it("the older layout without a Group column, with a PCI domain in the bus id", async () => {
    const r = await analyzeText(["# Using devices", "#   Rank  0 Pid   9118 on   rig-5090 device  0 [0000:01:00] NVIDIA GeForce RTX 5090", "#   Rank  1 Pid   9118 on   rig-5090 device  1 [0000:41:00] NVIDIA GeForce RTX 5090"].join("\n") + "\n");
    expect(r.facts.gpu.name).toBe("NVIDIA GeForce RTX 5090");
  });

  it("a GPU census outranks the device column", async () => {
    const r = await analyzeText(["GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0b6f2a11-93c4-4d1e-8f5a-61c0d2e7a9b3)", ...twoA6000].join("\n") + "\n");
    expect(r.facts.gpu.name).toBe("NVIDIA GeForce RTX 4090");
  });

  it("near misses name no GPU: a device line cut before its GPU, or one whose bracket was cut", async () => {
    for (const text of [
      "#  Rank  0 Group  0 Pid  40211 on  ws-a6000 device  0 [0x21]",
      "#  Rank  0 Group  0 Pid  40211 on  ws-a6000 device  0 [0x2",
      "#  Rank  0 Group  0 Pid  40211 on  ws-a6000",
    ]) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.gpu.name, text).toBeNull();
    }
  });
});

describe("a shared-memory segment NCCL made but could not register with CUDA", () => {
  // NCCL 2.20 under WSL2 with two RTX 3090s: the segment is created, page-locking it fails, PyTorch reports the CUDA error
  const wslWorker = [
    "WARNING 02-11 09:12:40 utils.py:579] Using 'pin_memory=False' as WSL is detected. This may slow down the performance.",
    "(VllmWorkerProcess pid=2811) ERROR 02-11 09:12:57 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method init_device.",
    "(VllmWorkerProcess pid=2811) ERROR 02-11 09:12:57 multiproc_worker_utils.py:226] torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
    "(VllmWorkerProcess pid=2811) ERROR 02-11 09:12:57 multiproc_worker_utils.py:226] ncclUnhandledCudaError: Call to CUDA function failed.",
    "(VllmWorkerProcess pid=2811) ERROR 02-11 09:12:57 multiproc_worker_utils.py:226] Last error:",
    "(VllmWorkerProcess pid=2811) ERROR 02-11 09:12:57 multiproc_worker_utils.py:226] Error while creating shared memory segment /dev/shm/nccl-Qx81Lk (size 9637888)",
  ];
  it("says /dev/shm had the room and pinning was refused, names WSL2, and gives no --shm-size advice", async () => {
    await eachWrap(wslWorker, (r, at) => {
      const f = finding(r, "nccl/shm-too-small");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("NCCL made a shared-memory segment in /dev/shm of 9.2 MiB but could not register it with CUDA");
      expect(f!.message, at).toContain("the set-up failed with a CUDA error (line 3)");
      expect(f!.message, at).toContain("This run is under WSL2 (line 1)");
      expect(f!.message, at).not.toContain("Docker gives containers a 64 MB");
      expect(f!.remediation[0], at).toMatch(/^NCCL_SHM_DISABLE=1/);
      expect(f!.remediation.join("\n"), at).not.toContain("--shm-size");
      expect(f!.evidence.map((e) => e.line), at).toEqual([1, 3, 6]);
      expect(ids(r), at).toContain("nccl/cuda-error");
      expect(r.facts.nccl.version, at).toBe("2.20.5");
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });

  it("NCCL's own lines: a Cuda failure WARN in shmutils.cc, then the creation WARN (no WSL marker)", async () => {
    const lines = [
      "rig:5120:5188 [1] misc/shmutils.cc:88 NCCL WARN Cuda failure 'operation not supported'",
      "rig:5120:5188 [1] misc/shmutils.cc:121 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-a8Fv0e (size 4456704)",
      "rig:5120:5188 [1] NCCL INFO transport/shm.cc:114 -> 1",
      "rig:5120:5188 [1] NCCL INFO transport.cc:33 -> 1",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/shm-too-small")!;
      expect(f.message, at).toContain("of 4.3 MiB but could not register it with CUDA");
      expect(f.message, at).toContain("(line 1)");
      expect(f.message, at).not.toContain("WSL2 (line");
    });
  });

  it("near misses keep the size reading: a full /dev/shm, NCCL 2.4-2.11's include/shm.h, a system error, an attach", async () => {
    const full = [
      "rig:5120:5188 [1] misc/shmutils.cc:71 NCCL WARN Error: failed to extend /dev/shm/nccl-a8Fv0e to 4456708 bytes",
      "rig:5120:5188 [1] misc/shmutils.cc:121 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-a8Fv0e (size 4456704)",
      "RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)",
    ];
    // (no `No space left` line here: the include/shm.h form alone says it was a system failure)
    const old = [
      "box:2143:2561 [1] include/shm.h:48 NCCL WARN Error while creating shared memory segment nccl-shm-recv-3b0c77e1a2f54d10-0-1-3 (size 9637888)",
      "box:2143:2561 [1] NCCL INFO transport/shm.cc:61 -> 1",
      "box:2143:2561 [1] misc/utils.cc:41 NCCL WARN Cuda failure 'invalid device ordinal'",
    ];
    const system = [
      "rig:5120:5188 [1] misc/shmutils.cc:121 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-a8Fv0e (size 4456704), error: Bad address (14)",
      "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
      "rig:5120:5190 [0] enqueue.cc:1402 NCCL WARN Cuda failure 'an illegal memory access was encountered'",
    ];
    const attach = [
      "rig:5121:5201 [2] misc/shmutils.cc:129 NCCL WARN Error while attaching to shared memory segment /dev/shm/nccl-Tn2cW1 (size 0), error: No such file or directory (2)",
      "RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)",
    ];
    for (const [name, lines] of [["full", full], ["old", old], ["system", system], ["attach", attach]] as const) {
      const r = await analyzeText(lines.join("\n") + "\n");
      const f = finding(r, "nccl/shm-too-small");
      expect(f, name).toBeDefined();
      expect(f!.message, name).not.toContain("could not register it with CUDA");
      // (the attach that found no file gets that reading, below)
      expect(f!.remediation[0], name).toMatch(name === "attach" ? /^Let the ranks of one host share/ : /^Docker: run with --ipc=host/);
    }
  });
});

describe("a peer's shared-memory segment missing when a rank attaches", () => {
  const lines = [
    "[2026-03-09 11:02:41] ws8:61407:61407 [7] misc/shmutils.cc:132 NCCL WARN Error while attaching to shared memory segment /dev/shm/nccl- (size 0), error: No such file or directory (2)",
    "ws8:61407:61407 [7] NCCL INFO transport/shm.cc:634 -> 2",
    "ws8:61407:61407 [7] NCCL INFO transport.cc:212 -> 2",
    "ws8:61407:61407 [7] NCCL INFO group.cc:76 -> 2 [Async thread]",
  ];
  it("points at a /dev/shm the ranks do not share or a segment removed early, not at its size", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/shm-too-small");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("that another rank of this host made: the file was not there (No such file or directory)");
      expect(f!.message, at).toContain("systemd-logind's RemoveIPC");
      expect(f!.message, at).not.toContain("Docker gives containers a 64 MB");
      expect(f!.remediation[0], at).toMatch(/^Let the ranks of one host share \/dev\/shm/);
      expect(f!.remediation[1], at).toContain("RemoveIPC=no");
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
    });
  });

  it("NCCL's older pair of lines (open failed, then the attach WARN) reads the same", async () => {
    const r = await analyzeText(["(WorkerDict pid=8120) box:8120:8177 [0] misc/shmutils.cc:93 NCCL WARN Call to open failed: No such file or directory", "(WorkerDict pid=8120)", "(WorkerDict pid=8120) box:8120:8177 [0] misc/shmutils.cc:129 NCCL WARN Error while attaching to shared memory segment /dev/shm/nccl-Zq1 (size 0), error: No such file or directory (2)"].join("\n") + "\n");
    expect(finding(r, "nccl/shm-too-small")!.message).toContain("the file was not there");
  });

  it("near misses keep the size reading: a creation failed too, or the attach failed for another reason", async () => {
    const both = ["h:1:2 [0] misc/shmutils.cc:71 NCCL WARN Error: failed to extend /dev/shm/nccl-Ab to 9637892 bytes", lines[0]];
    const denied = ["h:1:2 [0] misc/shmutils.cc:132 NCCL WARN Error while attaching to shared memory segment /dev/shm/nccl-Ab (size 9637888), error: Permission denied (13)"];
    for (const [name, l] of [["both", both], ["denied", denied]] as const) {
      const f = finding(await analyzeText(l.join("\n") + "\n"), "nccl/shm-too-small");
      expect(f!.message, name).not.toContain("the file was not there");
      // (round 70pz: a refused attach is read as access, the segment made for its owner only, not as size)
      expect(f!.remediation[0], name).toMatch(name === "denied" ? /^Run every rank of a host as the same user/ : /^Docker: run with --ipc=host/);
    }
  });
});

describe("consumer-GPU boxes over PCIe", () => {
  it("every connection of a two-GPU workstation over SHM is P2P disabled, with the transports counted", async () => {
    const lines = [
      "ws-ada:30115:30115 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via SHM/direct/direct",
      "ws-ada:30102:30102 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via SHM/direct/direct",
      "ws-ada:30102:30102 [0] NCCL INFO Channel 01 : 0[0] -> 1[1] via SHM/direct/direct",
      "ws-ada:30115:30115 [1] NCCL INFO Channel 01 : 1[1] -> 0[0] via SHM/direct/direct",
      "ws-ada:30102:30102 [0] NCCL INFO Connected all rings",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.transports.SHM, at).toBe(4);
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(finding(r, "nccl/p2p-disabled")?.severity, at).toBe("warning");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("eight GPUs on a patched driver talking P2P/direct are not flagged", async () => {
    const lines = Array.from({ length: 8 }, (_, i) => `rig8:77120:771${30 + i} [${i}] NCCL INFO Channel 00/0 : ${i}[${i}] -> ${(i + 1) % 8}[${(i + 1) % 8}] via P2P/direct pointer`);
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.transports["P2P/direct"], at).toBe(8);
      expect(r.facts.nccl.ranks, at).toBe(8);
      expect(finding(r, "nccl/p2p-disabled"), at).toBeUndefined();
    });
  });
});
