import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a thirteenth round of real NCCL pastes (NCCL 1.x–2.27 under XLA/JAX, TensorFlow, Horovod, srun,
 * Ray actors) that the corpus does not hold. Every log text here is written for the test, in the format's shape, with
 * variants the pastes did not show.
 */

describe("WARNs older than the `host:pid:tid [dev]` header, and ones quoted without it", () => {
  it("reads NCCL 1.x `WARN file:line msg` as the first error (not an `NCCL WARN`), CRLF or not", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const text = [
        "INFO NCCL debug level set to INFO",
        "NCCL version 1.3.5 compiled with CUDA 9.0",
        "INFO rank 0 using device 0 (0000:04:00.0)",
        "INFO rank access 0 -> 1 via P2P device mem",
        "WARN src/all_gather.cu:201 Cuda failure 'out of memory'",
        "",
      ].join(eol);
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(5);
      expect(r.facts.nccl.firstWarn).toBeNull();
      expect(r.facts.nccl.version).toBe("1.3.5");
      expect(ids(r, "error")).toContain("nccl/cuda-error");
    }
  });

  it("reads NCCL 2.0's `host [dev] file:line WARN` (no pid:tid; the host may be redacted to several words) and a quoted `file:line WARN`", async () => {
    const v20 = ["dgx-07 [3] include/socket.h:290 WARN Call to connect failed : Connection refused", "NCCL failure train.cu:55 'unhandled system error'", ""].join("\n");
    let r = await analyzeText(v20);
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.nccl.firstWarn).toBeNull();
    expect(r.facts.nccl.nodes).toBeNull();
    expect(ids(r, "error")).toContain("nccl/bootstrap-failure");
    r = await analyzeText("<my cluster node> [0] include/socket.h:185 WARN Call to connect failed : Connection refused\n");
    expect(r.facts.firstError?.line).toBe(1);
    r = await analyzeText("see below\ninclude/socket.h:351 WARN Socket creation failed : Address family not supported by protocol\n");
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("does not take other programs' WARN lines for NCCL's", async () => {
    const text = [
      "WARNING 01-02 03:04:05 [utils.py:12] Using a slow tokenizer",
      "WARN: disk almost full",
      "2024/01/02 03:04:05 main.go:12 WARN retrying upload",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError).toBeNull();
    expect(ids(r).filter((id) => id.startsWith("nccl/"))).toEqual([]);
  });
});

describe("a whole line pasted in markdown bold", () => {
  it("is read as the line inside: the version banner, the host and the WARN", async () => {
    const text = [
      "**NCCL version 2.4.8+cudaCUDA_MAJOR.CUDA_MINOR**",
      "**worker-0:31:77 [1] external/nccl_archive/src/transport/net_socket.cc:231 NCCL WARN NET/Socket : message truncated : receiving 65536 bytes instead of 8192**  ",
      "worker-0:31:70 [1] NCCL INFO Setting affinity for GPU 1 to ffff",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.version).toBe("2.4.8");
    expect(r.facts.nccl.nodes).toBe(1);
    expect(r.facts.nccl.firstWarn?.line).toBe(2);
    expect(r.facts.nccl.net).toBe("Socket");
  });
});

describe("the socket transport's own WARNs name the network when nothing else does", () => {
  it("reads Socket from a 2.12+ `NET/Socket : peer X message truncated` WARN, quoted without its prefix", async () => {
    const text = [
      "transport/net_socket.cc:437 NCCL WARN NET/Socket : peer 10.1.2.3<45123> message truncated : receiving 1048576 bytes instead of 65536. If you believe your socket network is in healthy state, there may be a mismatch in collective sizes or environment settings (e.g. NCCL_PROTO, NCCL_ALGO) between ranks",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.net).toBe("Socket");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("does not read Socket from the socket transport's init failure, nor over a printed network", async () => {
    let r = await analyzeText("host-a:5:6 [0] transport/net_socket.cc:120 NCCL WARN NET/Socket : no interface found\n");
    expect(r.facts.nccl.net).toBeNull();
    r = await analyzeText([
      "(RayWorkerWrapper pid=4, ip=10.0.0.3) host-b:5:6 [0] NCCL INFO Using network IB",
      "(RayWorkerWrapper pid=4, ip=10.0.0.3) host-b:5:9 [0] transport/net_socket.cc:437 NCCL WARN NET/Socket : peer 10.0.0.4<1> message truncated : receiving 8 bytes instead of 4",
      "",
    ].join("\n"));
    expect(r.facts.nccl.net).toBe("IB");
  });
});

describe("XLA's Status line for a failed NCCL call", () => {
  it("is the first error, before the glog E record that repeats it, in the old and the new XLA wording", async () => {
    const old = [
      "2023-05-06 07:08:09.123456: W external/xla/xla/service/gpu/runtime/support.cc:58] Intercepted XLA runtime error:",
      "INTERNAL: external/xla/xla/service/gpu/nccl_utils.cc:297: NCCL operation ncclGroupEnd() failed: unhandled system error",
      "2023-05-06 07:08:09.223456: E external/xla/xla/pjrt/pjrt_stream_executor_client.cc:2469] Execution of replica 1 failed: INTERNAL: external/xla/xla/service/gpu/nccl_utils.cc:297: NCCL operation ncclGroupEnd() failed: unhandled system error",
      "",
    ].join("\n");
    let r = await analyzeText(old);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("nccl/system-error");
    const newer = "  UNKNOWN: xla/backends/gpu/collectives/nccl_communicator.cc:114: NCCL operation ncclCommInitRankConfig(&comm, nranks, clique_id, rank, &config) failed: remote process exited or there was a network error. Last NCCL warning(error) log entry (may be unrelated) 'socketProgress: Connection closed by remote peer'.\r\n";
    r = await analyzeText(`jax.distributed initialized\r\n${newer}`);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("nccl/remote-process-exited");
  });

  it("leaves prose that only names an NCCL operation alone", async () => {
    const r = await analyzeText("INFO: the NCCL operation ncclAllReduce will run on 8 GPUs\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("graph/rings.cc's ring checks", () => {
  it("are NCCL internal errors, with a host prefix or with only the device bracket", async () => {
    const withHost = [
      "0: node-12:4411:4520 [2] graph/rings.cc:38 NCCL WARN Error : ring 1 does not loop back to start (5 != 2)",
      "0: node-12:4411:4520 [2] NCCL INFO graph/connect.cc:311 -> 3",
      "",
    ].join("\n");
    expect(ids(await analyzeText(withHost), "error")).toContain("nccl/internal-error");
    const bare = "[4] graph/rings.cc:49 NCCL WARN Error : ring 3 does not contain rank 6\n";
    const r = await analyzeText(bare);
    expect(ids(r, "error")).toContain("nccl/internal-error");
    expect(r.facts.firstError?.line).toBe(1);
  });
});

describe("a watchdog timeout's C++ stack pasted without its message", () => {
  it("is a collective timeout: the `WorkNCCL::checkTimeout` frame or `Exception raised from checkTimeout`", async () => {
    const frames = [
      "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x57 (0x7f00aa in /opt/venv/lib/python3.10/site-packages/torch/lib/libc10.so)",
      "frame #1: c10d::ProcessGroupNCCL::WorkNCCL::checkTimeout(std::optional<std::chrono::duration<long, std::ratio<1l, 1000l> > >) + 0x1c8 (0x7f00bb in /opt/venv/lib/python3.10/site-packages/torch/lib/libtorch_cuda.so)",
      "frame #2: c10d::ProcessGroupNCCL::watchdogHandler() + 0x1f1 (0x7f00cc in /opt/venv/lib/python3.10/site-packages/torch/lib/libtorch_cuda.so)",
      "",
    ].join("\n");
    expect(ids(await analyzeText(frames), "error")).toContain("nccl/collective-timeout");
    const raised = "[rank3]: Exception raised from checkTimeout at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:632 (most recent call first):\n";
    expect(ids(await analyzeText(raised), "error")).toContain("nccl/collective-timeout");
    // the watchdog's own frames, raised elsewhere (an NCCL error, not a timeout), are not one
    const other = "Exception raised from ncclCommWatchdog at ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1521 (most recent call first):\nframe #2: c10d::ProcessGroupNCCL::ncclCommWatchdog() + 0x10c (0x1 in libtorch_cuda.so)\n";
    expect(ids(await analyzeText(other))).not.toContain("nccl/collective-timeout");
  });
});

describe("ProcessGroupNCCL's `[Rank M]` behind a torchrun `[rankN]:` prefix naming another rank", () => {
  it("is a subgroup's rank, not a global one; where the two agree, or there is no prefix, it counts", async () => {
    const text = [
      " 2025-03-04 05:06 [rank9]:[E304 05:06:07.100000001 ProcessGroupNCCL.cpp:616] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=7, OpType=ALLTOALL_BASE, NumelIn=8, NumelOut=8, Timeout(ms)=600000) ran for 600010 milliseconds before timing out.",
      " 2025-03-04 05:06 [rank11]:[E304 05:06:07.100000002 ProcessGroupNCCL.cpp:1795] [PG ID 3 PG GUID 17 Rank 3] Exception (either an error or timeout) detected by watchdog at work: 7, last enqueued NCCL work: 8, last completed NCCL work: 6.",
      "[rank4]:[E304 05:06:08.000000003 ProcessGroupNCCL.cpp:616] [Rank 4] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=7, OpType=ALLREDUCE, NumelIn=8, NumelOut=8, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.ranks).toBe(3);
    expect(ids(r, "error")).toContain("nccl/collective-timeout");
    const bare = "[E ProcessGroupNCCL.cpp:475] [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800321 milliseconds before timing out.\n";
    expect((await analyzeText(bare)).facts.nccl.ranks).toBe(1);
  });
});

describe("nccl-tests output pasted outside a code fence, and nccl-tests' own failure prints", () => {
  it("reads the device header whose `#` GitHub took for a markdown heading, old and new form", async () => {
    const text = [
      " Using devices",
      " Rank  0 Group  0 Pid  2201 on gpu-node-a device  0 [0000:1b:00] NVIDIA H100 80GB HBM3",
      "  Rank  1 Group  0 Pid  3302 on gpu-node-b device  0 [0000:1b:00] NVIDIA H100 80GB HBM3",
      "   Rank  2 Pid   4403 on gpu-node-b device  1 [0x1c] Tesla V100-SXM2-32GB",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.nodes).toBe(2);
    // prose naming a rank and a pid is not a header: the device bracket must follow
    const prose = await analyzeText("Rank 0 Pid 12 on my laptop device 0 was slow\n");
    expect(prose.facts.nccl.ranks).toBeNull();
  });

  it("takes `host: Test CUDA|NCCL failure file:line '...'` and ` .. host pid N: Test failure` for failures, under mpirun tags too", async () => {
    const text = [
      "# Using devices",
      "[1,3]<stdout>:node-a: Test NCCL failure common.cu:958 'unhandled system error (run with NCCL_DEBUG=INFO for details) / Call to connect returned Connection refused'",
      "[1,3]<stdout>: .. node-a pid 4411: Test failure common.cu:842",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("nccl/system-error");
    const old = await analyzeText("#\n .. gpu7 pid 120: Test failure common.cu:501\n");
    expect(old.facts.firstError?.line).toBe(2);
    // a test's name in prose is not one
    expect((await analyzeText("Test failure rates went down after the fix\n")).facts.firstError).toBeNull();
  });
});

describe("NCCL 2.4's PCI-path probe of a virtual NIC", () => {
  it("is no failure finding when the window ends before NCCL's next lines, in the plain and the bazel (TensorFlow) build; its return line is still the first error (CONTRACT), listed as recovered", async () => {
    for (const src of ["include/net.h:24", "bazel-out/k8-opt/bin/external/nccl_archive/_virtual_includes/include_hdrs/net.h:24"]) {
      const text = [
        "NCCL version 2.4.7+cudaCUDA_MAJOR.CUDA_MINOR",
        "[1,0]<stdout>:pod-0:31:70 [0] NCCL INFO Setting affinity for GPU 0 to ffff",
        "[1,0]<stdout>:pod-0:31:70 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device",
        `[1,0]<stdout>:pod-0:31:70 [0] NCCL INFO ${src} -> 2`,
        "",
      ].join("\n");
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(4);
      expect(ids(r, "error")).toEqual([]);
      expect(r.facts.recovered?.[0]?.failure.line).toBe(4);
    }
  });

  it("stays a failure when the return is not the probe's: another call, another thread, or no path miss before it", async () => {
    const otherCall = [
      "pod-0:31:70 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device",
      "pod-0:31:70 [0] NCCL INFO transport/net_socket.cc:300 -> 2",
      "",
    ].join("\n");
    expect((await analyzeText(otherCall)).facts.firstError?.line).toBe(2);
    const otherThread = [
      "pod-0:31:70 [0] NCCL INFO Could not find real path of /sys/class/net/eth0/device",
      "pod-0:31:99 [0] NCCL INFO include/net.h:28 -> 2",
      "",
    ].join("\n");
    expect((await analyzeText(otherThread)).facts.firstError?.line).toBe(2);
    const r = await analyzeText("pod-0:31:70 [0] NCCL INFO include/net.h:28 -> 2\n");
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r, "error")).toContain("nccl/system-error");
  });
});
