import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 35e (expert-parallel kernels and processes crashed by a signal): shapes of real pastes the readers missed. The
 * log texts are written for the test in the printed layouts (hosts, paths, numbers made up); the findings checked are
 * exact.
 */

const variants: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-05-11T02:40:1${i % 10}.118230422Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `decode-1  | ${l}` : l)).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => (l ? `(RayWorkerWrapper pid=5120, ip=10.4.0.12) ${l}` : l)).join("\n")],
];

const finding = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id);

describe("NVSHMEM's set-up failures (DeepEP's internode / low-latency transport)", () => {
  // NVSHMEM's error macros: `<source file>:<function>:<line>: ...` and `<source file>:<line>: non-zero status: N ...`
  const IBGDA = [
    "/opt/build/nvshmem_src/src/host/transport/transport.cpp:nvshmemi_transport_init:276: init failed for transport: IBGDA",
    "/opt/build/nvshmem_src/src/host/transport/transport.cpp:nvshmemi_transport_init:290: Unable to initialize any transports. returning error.",
    "/opt/build/nvshmem_src/src/host/init/init.cu:1002: non-zero status: 7 nvshmem detect topo failed",
    "",
    "/opt/build/nvshmem_src/src/host/init/init.cu:nvshmemi_check_state_and_init:1101: nvshmem initialization failed, exiting",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`names the transport that did not start (${name})`, async () => {
      const r = await analyzeText(wrap(IBGDA) + "\n");
      expect(ids(r)).toEqual(["vllm/ep-all2all-failed"]);
      const f = finding(r, "vllm/ep-all2all-failed")!;
      expect(f.severity).toBe("error");
      expect(f.message).toContain("NVSHMEM");
      expect(f.message).toContain("(IBGDA) could not start and no other could");
      expect(f.message).toContain("nvshmem detect topo failed");
      expect(f.evidence.map((e) => e.line)).toEqual([1, 2, 3, 5]);
      expect(f.remediation.join(" ")).toContain("NVSHMEM_IB_ENABLE_IBGDA");
    });

  it("its verbs failures are NVSHMEM's, not NCCL's: the bare halves of interleaved lines too", async () => {
    const r = await analyzeText(
      [
        "python run_ll_test.py",
        "Allocating buffer size: 1803.2 MB ...",
        "/opt/nvshmem/src/modules/transport/ibrc/ibrc.cpp:421: non-zero status: 110 ibv_modify_qp failed",
        "",
        "/opt/nvshmem/src/modules/transport/ibrc/ibrc.cpp:1440: non-zero status: 7 ep_connect failed",
        "ibv_modify_qp failed",
        "/opt/nvshmem/src/modules/transport/ibrc/ibrc.cpp:421: non-zero status: 110 /opt/nvshmem/src/modules/transport/ibrc/ibrc.cpp:421: non-zero status: 110",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["vllm/ep-all2all-failed"]);
    const f = finding(r, "vllm/ep-all2all-failed")!;
    expect(f.message).toContain("(IBRC) could not start");
    expect(f.message).toContain("`ibv_modify_qp` failed");
  });

  it("NCCL's own verbs failure beside it is still NCCL's", async () => {
    const r = await analyzeText(
      [
        "/opt/nvshmem/src/modules/transport/ibrc/ibrc.cpp:421: non-zero status: 110 ibv_modify_qp failed",
        "gpu-b7:4410:4533 [3] misc/ibvwrap.cc:262 NCCL WARN Call to ibv_modify_qp failed with error Connection timed out errno 110",
      ].join("\n") + "\n",
    );
    expect(ids(r).sort()).toEqual(["nccl/ib-error", "vllm/ep-all2all-failed"]);
    expect(finding(r, "nccl/ib-error")!.evidence.map((e) => e.line)).toEqual([2]);
  });

  it("reads its bootstrap failure as NVSHMEM's, not NCCL's bootstrap, with the errno text", async () => {
    const r = await analyzeText(
      [
        "node-a: NCCL_SOCKET_IFNAME=ens5 NCCL_IB_HCA='mlx5_0,mlx5_3\" MASTER_ADDR=10.8.1.20 WORLD_SIZE=2 RANK=0 python run_internode.py",
        "/usr/local/nvshmem/include/host/nvshmemx_api.h:63: non-zero status: 7: No route to host, exiting...",
        "aborting due to error in nvshmemi_init_thread",
        "/opt/nvshmem_src/src/modules/bootstrap/uid/ncclSocket/ncclsocket_socket.cpp:socketProgress:59: socketProgress: Connection closed by remote peer node-b<40211>",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["vllm/ep-all2all-failed"]);
    const f = finding(r, "vllm/ep-all2all-failed")!;
    expect(f.message).toContain("its bootstrap between the processes failed (No route to host)");
    expect(f.evidence.map((e) => e.line)).toEqual([2, 3, 4]);
  });

  it("reads its NULL-value, error-status and CUDA-check forms, and an API used after a failed init", async () => {
    const r = await analyzeText(
      [
        "/build/libnvshmem/src/modules/transport/ibgda/ibgda.cpp:2301: NULL value Unable to create ah.",
        "WARN: Failed to initialize all selected devices. Perf may be limited.",
        "[/build/libnvshmem/src/host/coll/barrier/barrier.cpp:21] cuda failed with an unspecified launch failure",
        "gpu-c2:811:811 [6] NVSHMEM INFO nvshmemi_common_init failed, continuing",
        "NVSHMEM API called before NVSHMEM initialization has completed",
      ].join("\n") + "\n",
    );
    const f = finding(r, "vllm/ep-all2all-failed")!;
    // (the INFO line is no failure of its own: NVSHMEM sets up again at first use, and says so if that fails)
    expect(f.evidence.map((e) => e.line)).toEqual([1, 3, 5]);
    expect(f.message).toContain("(IBGDA) could not start");
  });

  it("NVSHMEM's informational lines and a package list do not fire it", async () => {
    const r = await analyzeText(
      [
        "gpu-c2:811:811 [6] NVSHMEM INFO NVSHMEM_REMOTE_TRANSPORT set by environment to ibrc",
        "[pip3] nvidia-nvshmem-cu12==3.3.20",
        "/opt/nvshmem/src/modules/bootstrap/uid/bootstrap_uid.cpp:bootstrap_uid_alltoall:516: rank 3 nranks 16 size 16",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual([]);
  });
});

describe("DeepEP's kernels printing their own timeouts", () => {
  const LINES = [
    "[testing] Running with FP8, with top-k (async=True, previous=False) ...DeepEP dispatch NVL receiver timeout, channel: 6, RDMA: 0, nvl: 2, src NVL: 5, head: 31, tail: 31",
    "DeepEP dispatch NVL receiver timeout, channel: 9, RDMA: 0, nvl: 2, src NVL: 5, head: 12, tail: 12",
    "DeepEP timeout for combine receivers, rank 5, responsible_channel = 3, expect = 96",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`reads them as an EP all-to-all timeout (${name})`, async () => {
      const r = await analyzeText(wrap(LINES) + "\n");
      expect(ids(r)).toEqual(["vllm/ep-all2all-failed"]);
      const f = finding(r, "vllm/ep-all2all-failed")!;
      expect(f.message).toContain("timed out waiting for the other EP ranks (its kernel printed `DeepEP dispatch NVL receiver timeout`), on rank 5");
      expect(f.evidence.map((e) => e.line)).toEqual([1, 2, 3]);
    });

  it("DeepEP's start-up banner is no failure", async () => {
    const r = await analyzeText("DeepEP initialized with NCCL version: 2.28.3 (loaded library)\n");
    expect(ids(r)).toEqual([]);
  });
});

describe("processes killed by SIGBUS / SIGSEGV", () => {
  const TORCHRUN = [
    "W0411 09:12:40.001000 301 torch/distributed/elastic/multiprocessing/api.py:900] Sending process 318 closing signal SIGTERM",
    "E0411 09:12:41.220000 301 torch/distributed/elastic/multiprocessing/api.py:874] failed (exitcode: -7) local_rank: 1 (pid: 319) of binary: /opt/venv/bin/python3",
    "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
    "============================================================",
    "serve_ep.py FAILED",
    "------------------------------------------------------------",
    "Failures:",
    "  <NO_OTHER_FAILURES>",
    "------------------------------------------------------------",
    "Root Cause (first observed failure):",
    "[0]:",
    "  time      : 2026-04-11_09:12:41",
    "  host      : gpu-b7",
    "  rank      : 1 (local_rank: 1)",
    "  exitcode  : -7 (pid: 319)",
    "  error_file: <N/A>",
    "  traceback : Signal 7 (SIGBUS) received by PID 319",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`reads torchrun's negative exit code and summary as SIGBUS, with /dev/shm as the likely cause (${name})`, async () => {
      const r = await analyzeText(wrap(TORCHRUN) + "\n");
      expect(ids(r)).toEqual(["vllm/fatal-signal"]);
      const f = finding(r, "vllm/fatal-signal")!;
      expect(f.severity).toBe("error");
      expect(f.message).toMatch(/^A process was killed by SIGBUS\. /);
      expect(f.message).toContain("/dev/shm");
      expect(f.evidence.map((e) => e.line)).toEqual([2, 15, 17]);
      expect(f.remediation.join(" ")).toContain("--shm-size");
    });

  it("reads CPython's, Ray's, PyTorch's and the shell's words for a segfault", async () => {
    const r = await analyzeText(
      [
        "*** SIGSEGV received at time=1745000000 on cpu 17 ***",
        "PC: @     0x7f00aa118350  (unknown)  (unknown)",
        "Fatal Python error: Segmentation fault",
        "",
        "!!!!!!! Segfault encountered !!!!!!!",
        "./start.sh: line 12: 7711 Segmentation fault      (core dumped) vllm serve acme/moe-lite",
        "[gpu-b7:4410:0:4410] Caught signal 11 (Segmentation fault: address not mapped to object at address 0x18)",
        "==== backtrace (tid:   4410) ====",
      ].join("\n") + "\n",
    );
    const f = finding(r, "vllm/fatal-signal")!;
    expect(f.message).toMatch(/^A process was killed by SIGSEGV\. /);
    expect(f.evidence.map((e) => e.line)).toEqual([1, 3, 5, 6, 7]);
  });

  it("reads vLLM V0's worker monitor, torch.multiprocessing, subprocess and the DataLoader", async () => {
    const r = await analyzeText(
      [
        "ERROR 04-11 09:12:40 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 4410 died, exit code: -11",
        "torch.multiprocessing.spawn.ProcessExitedException: process 2 terminated with signal SIGBUS",
        "subprocess.CalledProcessError: Command '['/usr/bin/cc', 'kern.c']' died with <Signals.SIGSEGV: 11>.",
        "ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).",
      ].join("\n") + "\n",
    );
    const f = finding(r, "vllm/fatal-signal")!;
    expect(f.message).toMatch(/^A process was killed by SIGSEGV and SIGBUS\. /);
    expect(f.message).toContain("the line itself names insufficient shared memory");
    expect(f.evidence.map((e) => e.line)).toEqual([1, 2, 3, 4]);
  });

  it("a stop (SIGTERM, SIGKILL) and an abort after another error are not this rule's", async () => {
    const r = await analyzeText(
      [
        "WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 5620 closing signal SIGTERM",
        "ERROR 04-11 09:12:40 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 4410 died, exit code: -15",
        "ERROR 04-11 09:12:40 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 4411 died, exit code: -6",
        "torch.multiprocessing.spawn.ProcessExitedException: process 0 terminated with signal SIGKILL",
        "  exitcode  : 1 (pid: 2231)",
      ].join("\n") + "\n",
    );
    expect(ids(r)).not.toContain("vllm/fatal-signal");
  });
});

describe("DeepGEMM missing or failing in its JIT", () => {
  const JIT = [
    "(Worker_DP1_EP1 pid=902) ERROR 06-02 14:20:11 [multiproc_executor.py:880]   File \"/opt/vllm/vllm/utils/deep_gemm.py\", line 211, in fp8_gemm_nt",
    "(Worker_DP1_EP1 pid=902) ERROR 06-02 14:20:11 [multiproc_executor.py:880]     return _fp8_gemm_nt_impl(*args, **kwargs)",
    "(Worker_DP1_EP1 pid=902) ERROR 06-02 14:20:11 [multiproc_executor.py:880] RuntimeError: Assertion error (csrc/apis/../jit/kernel_runtime.hpp:58): exit_code == 0",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`reads DeepGEMM's JIT assertion with its file (${name})`, async () => {
      const r = await analyzeText(wrap(JIT) + "\n");
      expect(ids(r)).toEqual(["vllm/deepgemm-failed"]);
      const f = finding(r, "vllm/deepgemm-failed")!;
      expect(f.message).toBe("DeepGEMM failed: DeepGEMM's own check failed in its JIT, which compiles and loads the kernels at run time (`Assertion error ... exit_code == 0` in jit/kernel_runtime.hpp).");
      expect(f.evidence.map((e) => e.line)).toEqual([3]);
    });

  it("reads vLLM's placeholder for a missing or outdated package, inside the executor's error", async () => {
    const r = await analyzeText(
      "(EngineCore_DP0 pid=77) ERROR 06-02 14:20:11 [core.py:866] RuntimeError: Worker failed with error 'DeepGEMM backend is not available or outdated. Please install or update the `deep_gemm` to a newer version to enable FP8 kernels.', please check the stack trace above for the root cause\n",
    );
    const f = finding(r, "vllm/deepgemm-failed")!;
    expect(f.message).toBe("DeepGEMM failed: vLLM took the DeepGEMM path for FP8 GEMMs but the `deep_gemm` package is missing or older than this vLLM expects.");
    expect(f.remediation[0]).toContain("install_deepgemm.sh");
  });

  it("another library's error of the same form, and vLLM's choice of DeepGEMM, do not fire it", async () => {
    const r = await analyzeText(
      [
        "(Worker_TP0 pid=31) INFO 03-02 10:11:12 [fp8_utils.py:120] Using DeepGEMM kernels for Fp8LinearMethod",
        "RuntimeError: CUDA error (/workspace/csrc/custom_all_reduce.cuh:368): invalid argument",
      ].join("\n") + "\n",
    );
    expect(ids(r)).not.toContain("vllm/deepgemm-failed");
  });
});

describe("SIGKILL in torchrun's summary and the other launchers' words", () => {
  it("is the host's OOM killer's signal (a warning: the words do not say memory)", async () => {
    const r = await analyzeText(
      [
        "Root Cause (first observed failure):",
        "[0]:",
        "  time      : 2026-04-11_09:12:41",
        "  host      : gpu-b7",
        "  rank      : 3 (local_rank: 3)",
        "  exitcode  : -9 (pid: 322)",
        "  error_file: <N/A>",
        "  traceback : Signal 9 (SIGKILL) received by PID 322",
        "ERROR 04-11 09:12:40 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 4410 died, exit code: -9",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["vllm/host-oom"]);
    const f = finding(r, "vllm/host-oom")!;
    expect(f.severity).toBe("warning");
    expect(f.evidence.map((e) => e.line)).toEqual([6, 8, 9]);
  });
});

describe("accelerate's test launcher echoing its child's streams (`stdout: ` / `stderr: `)", () => {
  const ECHOED = [
    "Running:  accelerate-launch /opt/env/lib/python3.11/site-packages/accelerate/test_utils/scripts/test_script.py",
    "stdout: Distributed environment: MULTI_GPU  Backend: nccl",
    "stdout: Num processes: 2",
    "stdout: ",
    "stderr: WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 2210 closing signal SIGTERM",
    "stderr: ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: -7) local_rank: 1 (pid: 2211) of binary: /opt/env/bin/python",
    "stderr: Traceback (most recent call last):",
    'stderr:   File "/opt/env/bin/accelerate-launch", line 8, in <module>',
    "stderr:     sys.exit(main())",
    "",
  ].join("\n");
  for (const [name, wrap] of variants.slice(0, 4)) {
    it(`reads the child's lines: the launcher's failure is the first error, SIGBUS its cause (${name})`, async () => {
      const r = await analyzeText(wrap(ECHOED));
      // (the evidence is the physical line as written, wrappers and all: the sixth)
      expect(r.facts.firstError?.line).toBe(6);
      expect(r.facts.firstError?.text).toBe(wrap(ECHOED).split(/\r?\n/)[5]);
      expect(ids(r)).toEqual(["vllm/fatal-signal"]);
      expect(finding(r, "vllm/fatal-signal")!.message).toMatch(/^A process was killed by SIGBUS\. /);
    });
  }
});
