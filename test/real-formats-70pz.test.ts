import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70pz of real logs: NCCL_DEBUG=INFO output pasted into PyTorch's own tracker, with torchrun,
 * TorchX and job-script lines around it. The tool read the facts of all of them at first sight; two diagnoses were off:
 *  - /dev/shm refusing NCCL's segment file (`Call to shm_open failed : Permission denied`) was reported as a /dev/shm
 *    too small for NCCL, with size advice; the call's errno text names a refusal, which every NCCL version prints in its
 *    own way (2.4-2.11 include/shm.h `Call to shm_open failed : <strerror>`, 2.12-2.17 misc/shmutils.cc `Call to open
 *    failed : <strerror>`, 2.18-2.26 only the return `misc/shmutils.cc:N -> 2 (<strerror>)`, 2.27+ `Call to open failed:
 *    <strerror>` and the strerror again at the end of `Error while creating shared memory segment ...`);
 *  - PyTorch's NCCL watchdog ending on an exception no other rule reads (an INTERNAL ASSERT, `unknown`, or only the C++
 *    frames of the rethrown error, `Exception raised from ncclCommWatchdog at ...`) got no finding at all ("healthy").
 * The rest holds what was read right: TorchX's `[default0]:` before torchrun's `[rankN]:`, a viewer's line numbers before
 * NCCL 2.4's `Ring 00 : 1 -> 0` lines, 2.5-era `via direct shared memory` after `Could not enable P2P`, a 2.4 NET/Socket
 * run's `GPU Direct RDMA Disabled` line, PyTorch's async `WorkNCCL(...) raised the following async exception` and a job
 * script's echo of its hostnames. Every log text here is written for the test in the printed layout; each case is read
 * plain (LF and CRLF) and behind wrappers (kubectl --timestamps with CRLF, docker compose, a Ray worker prefix).
 */

const WRAPS: [string, (l: string) => string, string][] = [
  ["plain", (l) => l, "\n"],
  ["plain CRLF", (l) => l, "\r\n"],
  ["kubectl --timestamps CRLF", (l) => `2026-12-07T02:20:31.104118220Z ${l}`, "\r\n"],
  ["docker compose", (l) => `trainer-1  | ${l}`, "\n"],
  ["Ray worker", (l) => `(RayTrainWorker pid=5120, ip=10.4.0.9) ${l}`, "\n"],
];

async function eachWrap(lines: string[], check: (r: Report, at: string) => void, wraps = WRAPS): Promise<void> {
  for (const [name, wrap, eol] of wraps) check(await analyzeText(lines.map(wrap).join(eol) + eol), name);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("/dev/shm refusing NCCL's segment file (Permission denied, Read-only file system)", () => {
  const SIZE_ADVICE = /64 MB/;
  const cases: [string, string[], string][] = [
    ["NCCL 2.4-2.11 include/shm.h", [
      "gpu-b7:3301:3388 [1] include/shm.h:27 NCCL WARN Call to shm_open failed : Permission denied",
      "gpu-b7:3301:3388 [1] NCCL INFO include/shm.h:41 -> 2",
      "gpu-b7:3301:3388 [1] include/shm.h:48 NCCL WARN Error while creating shared memory segment nccl-shm-send-51c0aa9e7d3f1b22-1-1-0 (size 4460544)",
      "gpu-b7:3301:3388 [1] NCCL INFO transport/shm.cc:101 -> 2",
    ], "Permission denied"],
    ["NCCL 2.12-2.17 misc/shmutils.cc, read-only mount", [
      "worker-3:88:140 [2] misc/shmutils.cc:35 NCCL WARN Call to open failed : Read-only file system",
      "worker-3:88:140 [2] misc/shmutils.cc:69 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-Qx81Lm (size 9637888)",
      "worker-3:88:140 [2] NCCL INFO transport/shm.cc:114 -> 2",
    ], "Read-only file system"],
    ["NCCL 2.18-2.26, the errno only on the return line", [
      "node17:4410:4470 [0] NCCL INFO misc/shmutils.cc:68 -> 2 (Permission denied)",
      "node17:4410:4470 [0] misc/shmutils.cc:113 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-a81Fz0 (size 9637888)",
      "node17:4410:4470 [0] NCCL INFO transport/shm.cc:114 -> 2",
    ], "Permission denied"],
    ["NCCL 2.27+, the errno twice", [
      "h100-4:912:977 [5] misc/shmutils.cc:78 NCCL WARN Call to open failed: Operation not permitted",
      "h100-4:912:977 [5] misc/shmutils.cc:128 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-Tt0c2W (size 9637888), error: Operation not permitted (1)",
      "h100-4:912:977 [5] NCCL INFO transport/shm.cc:121 -> 2",
    ], "Operation not permitted"],
  ];
  for (const [name, lines, why] of cases) {
    it(`${name}: access, not size`, async () => {
      await eachWrap(lines, (r, at) => {
        const f = finding(r, "nccl/shm-too-small");
        expect(f?.severity, at).toBe("error");
        expect(f?.message, at).toContain(`refused the file (${why})`);
        expect(f?.message, at).not.toMatch(SIZE_ADVICE);
        expect(f?.remediation[0], at).toContain("chmod 1777 /dev/shm");
        expect(ids(r), at).toContain("nccl/system-error");
        expect(r.facts.firstError?.line, at).toBe(1);
      });
    });
  }

  it("a refused attach (2.27+): the peer's segment is its owner's only, so the ranks run as different users", async () => {
    await eachWrap([
      "h100-4:913:980 [6] misc/shmutils.cc:93 NCCL WARN Call to open failed: Permission denied",
      "h100-4:913:980 [6] misc/shmutils.cc:128 NCCL WARN Error while attaching to shared memory segment /dev/shm/nccl-Tt0c2W (size 9637888), error: Permission denied (13)",
      "h100-4:913:980 [6] NCCL INFO transport/shm.cc:143 -> 2",
    ], (r, at) => {
      const f = finding(r, "nccl/shm-too-small");
      expect(f?.message, at).toContain("could not attach to");
      expect(f?.message, at).toContain("for its owner only");
      expect(f?.remediation[0], at).toMatch(/^Run every rank of a host as the same user/);
    }, WRAPS.slice(0, 3));
  });

  it("near misses: a full /dev/shm keeps the size reading; a retried call and a zero return are no shm failure", async () => {
    await eachWrap([
      "gpu-b7:3301:3388 [1] include/shm.h:28 NCCL WARN Call to posix_fallocate failed : No space left on device",
      "gpu-b7:3301:3388 [1] include/shm.h:48 NCCL WARN Error while creating shared memory segment nccl-shm-recv-51c0aa9e7d3f1b22-1-0-1 (size 4460544)",
    ], (r, at) => {
      expect(finding(r, "nccl/shm-too-small")?.message, at).toMatch(SIZE_ADVICE);
    });
    await eachWrap([
      "gpu-b7:3301:3388 [1] NCCL INFO Call to shm_open returned Interrupted system call, retrying",
      "gpu-b7:3301:3388 [1] NCCL INFO misc/shmutils.cc:68 -> 0",
      "gpu-b7:3301:3388 [1] NCCL INFO comm 0x55d0c1a0 rank 1 nranks 2 cudaDev 1 busId 3b000 - Init COMPLETE",
    ], (r, at) => {
      expect(ids(r), at).toEqual([]);
      // (a retry report is the first error by the corpus's reading, as NET/Socket's `Call to connect returned ..., retrying`)
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
});

describe("PyTorch's NCCL watchdog thread ending on an exception no other rule reads", () => {
  it("2.3+ `Process group watchdog thread terminated with exception` carrying an INTERNAL ASSERT: a PyTorch bug", async () => {
    await eachWrap([
      "[rank6]:[E0412 09:14:55.201734118 ProcessGroupNCCL.cpp:1537] [PG ID 0 PG GUID 0(default_pg) Rank 6] Process group watchdog thread terminated with exception: seq_id_map[pg_id].count(seq) INTERNAL ASSERT FAILED at \"/pytorch/torch/csrc/distributed/c10d/TraceUtils.h\":302, please report a bug to PyTorch.",
      "terminate called after throwing an instance of 'c10::DistBackendError'",
    ], (r, at) => {
      const f = finding(r, "nccl/error");
      expect(f?.message, at).toContain("watchdog thread of rank 6 ended with an exception: seq_id_map");
      expect(f?.message, at).toContain("PyTorch bug");
      expect(f?.message, at).toContain("process aborts");
      expect(f?.remediation[0], at).toContain("Upgrade PyTorch");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("only the C++ frames of the rethrown error (ncclCommWatchdog, later `run`): reported, message said to be cut; no first error", async () => {
    for (const where of ["ncclCommWatchdog at /usr/local/lib/python3.11/site-packages/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1412", "run at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2043"]) {
      await eachWrap([
        `Exception raised from ${where} (most recent call first):`,
        "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x7f01aa0b1e16 in /opt/venv/lib/python3.11/site-packages/torch/lib/libc10.so)",
        "frame #1: <unknown function> + 0xe5c6fc (0x7f015bd1f6fc in /opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so)",
        "",
      ], (r, at) => {
        expect(ids(r), at).toEqual(["nccl/error"]);
        expect(finding(r, "nccl/error")?.message, at).toContain("whose message is not in the log");
        expect(r.facts.firstError, at).toBeNull();
      });
    }
  });

  it("1.x logged it at INFO and let the thread end: the process goes on unwatched", async () => {
    await eachWrap([
      "[I ProcessGroupNCCL.cpp:662] [Rank 2] NCCL watchdog thread terminated with exception: std::bad_alloc",
    ], (r, at) => {
      const f = finding(r, "nccl/error");
      expect(f?.message, at).toContain("ended with an exception: std::bad_alloc");
      expect(f?.message, at).toContain("the process goes on");
      expect(f?.message, at).not.toContain("process aborts");
    });
  });

  it("near misses: a CUDA error or a timeout in it goes to its own rule; start, normal end and other `run` frames are nothing", async () => {
    await eachWrap([
      "[rank3]:[E0806 11:00:01.000000002 ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered",
    ], (r, at) => {
      expect(ids(r), at).toContain("vllm/cuda-error");
      expect(ids(r), at).not.toContain("nccl/error");
    });
    await eachWrap([
      "Exception raised from checkTimeout at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:632 (most recent call first):",
    ], (r, at) => {
      expect(ids(r), at).toEqual(["nccl/collective-timeout"]);
    });
    await eachWrap([
      "[I ProcessGroupNCCL.cpp:751] [Rank 0] NCCL watchdog thread started!",
      "[I ProcessGroupNCCL.cpp:760] [Rank 0] NCCL watchdog thread terminated normally",
      "Exception raised from run at /srv/app/src/loader.cpp:88 (most recent call first):",
    ], (r, at) => {
      expect(ids(r), at).toEqual([]);
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});

describe("shapes of PyTorch-tracker pastes read right at first sight", () => {
  it("TorchX `[default0]:` before torchrun `[rankN]:`: the rank, the watchdog's CUDA error as the first error", async () => {
    await eachWrap([
      "[default0]:[rank12]:[E0817 17:40:34.227531918 ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 12] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered",
      "[default0]:Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):",
    ], (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(1);
      expect(r.facts.nccl.nodes, at).toBeNull();
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toEqual(["vllm/cuda-error"]);
    });
  });

  it("a viewer's line numbers before NCCL 2.4 lines: version, Ring connections, ring order not counted, IB disabled by env", async () => {
    await eachWrap([
      "88 v100-a-11:4149:4149 [6] NCCL INFO NCCL_IB_DISABLE set by environment to 1.",
      "89 v100-a-11:4149:4149 [6] NCCL INFO NET/Socket : Using [0]eth0:10.38.1.4<0>",
      "90 NCCL version 2.4.8+cuda10.0",
      "91 v100-a-11:4149:4311 [6] NCCL INFO Channel 00 :    0   1",
      "92 v100-a-11:4149:4311 [6] NCCL INFO Ring 00 : 1 -> 0 [receive] via NET/Socket/0",
      "93 v100-a-11:4149:4311 [6] NCCL INFO Ring 00 : 0 -> 1 [send] via NET/Socket/0",
    ], (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.4.8");
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.transports?.["NET/Socket"], at).toBe(2);
      expect(ids(r), at).toContain("nccl/ib-disabled");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("2.5-era `via direct shared memory` after `Could not enable P2P`, NET/Socket to the other host: SHM, p2p off, socket fallback", async () => {
    await eachWrap([
      "mars:2202:2290 [3] NCCL INFO Channel 00 : 0[60000] -> 3[1d000] [receive] via NET/Socket/0",
      "mars:2202:2290 [3] NCCL INFO Could not enable P2P between dev 3(=1d000) and dev 2(=1c000)",
      "mars:2202:2290 [3] NCCL INFO Channel 00 : 3[1d000] -> 2[1c000] via direct shared memory",
      "mars:2201:2291 [2] NCCL INFO comm 0x7f10c4001060 rank 2 nranks 4 cudaDev 2 busId 1c000 - Init COMPLETE",
      "mars:2201:2201 [2] NCCL INFO AllReduce: opCount 0 sendbuff 0x7f10cb600000 recvbuff 0x7f10cb600000 count 1 datatype 1 op 0 root 0 comm 0x7f10c4001060 [nranks=4] stream 0x5611d0",
    ], (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(3);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.initComplete, at).toBe(1);
      expect(r.facts.nccl.transports?.SHM, at).toBe(1);
      expect(r.facts.nccl.transports?.["NET/Socket"], at).toBe(1);
      expect(ids(r), at).toEqual(expect.arrayContaining(["nccl/p2p-disabled", "nccl/socket-fallback"]));
    });
  });

  it("a 2.4 NET/Socket run's `GPU Direct RDMA Disabled` line: gdr false, no InfiniBand finding", async () => {
    await eachWrap([
      "box-1080:1037:1037 [0] misc/ibvwrap.cu:63 NCCL WARN Failed to open libibverbs.so[.1]",
      "NCCL version 2.4.2+cuda10.0",
      "box-1080:1037:1049 [0] NCCL INFO comm 0x7f3c0001920 rank 0 nranks 2 cudaDev 0 nvmlDev 0",
      "box-1080:1037:1049 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for GPU 0[0] / HCA 0 (distance 2 >= 2)",
      "box-1080:1037:1049 [0] NCCL INFO Ring 00 : 1 -> 0 [receive] via NET/Socket/0",
      "box-1080:1037:1049 [0] NCCL INFO Ring 00 : 0 -> 1 [send] via NET/Socket/0",
    ], (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.4.2");
      expect(r.facts.nccl.gdr, at).toBe(false);
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r), at).not.toContain("nccl/gdrdma-disabled");
      expect(ids(r), at).toContain("nccl/socket-fallback");
    });
  });

  it("PyTorch's async `WorkNCCL(...) raised the following async exception`: first error, version, system error", async () => {
    await eachWrap([
      "Collective WorkNCCL(SeqNum=5, OpType=ALLREDUCE, NumelIn=4, NumelOut=4, Timeout(ms)=600000) raised the following async exception: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.26.2",
      "ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.",
      "Last error:",
    ], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.version, at).toBe("2.26.2");
      expect(ids(r), at).toEqual(["nccl/system-error"]);
    });
  });

  it("a job script's echo of its hostnames is no NCCL prefix: two hosts from the records only", async () => {
    await eachWrap([
      "Hostnames: cn0412",
      "cn0507 . MasterAddr: cn0412. MasterPort: 24011. CountNode: 2",
      "cn0507:8812:8812 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.1.2.57<0>",
      "cn0507:8812:8812 [0] NCCL INFO Using network IB",
      "cn0412:7301:7301 [3] NCCL INFO Bootstrap : Using [0]ib0:10.1.2.12<0>",
    ], (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.ibHcas, at).toEqual(["mlx5_0:1"]);
      expect(r.facts.nccl.ranks, at).toBeNull();
      expect(ids(r), at).toEqual([]);
    });
  });
});
