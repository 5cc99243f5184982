import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 40p (PyTorch distributed failures around NCCL: c10d store, torchrun's elastic agent, ProcessGroupNCCL's
 * watchdog): shapes of real pastes the readers missed or misread. The log texts are written for the test in the printed
 * layouts (hosts, addresses, paths and numbers made up); the findings checked are exact.
 */

const variants: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-03-02T08:15:2${i % 10}.502113908Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `trainer-1  | ${l}` : l)).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => (l ? `(TrainWorker pid=7731, ip=10.8.1.4) ${l}` : l)).join("\n")],
];

type Report = Awaited<ReturnType<typeof analyzeText>>;
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("c10d store that a rank cannot reach (the rendezvous before NCCL)", () => {
  // torch ≥2.2: socket.cpp's glog record, then the launcher's traceback ending in DistNetworkError
  const CLIENT_TIMEOUT = [
    "W0302 08:15:20.114000 5120 torch/distributed/run.py:792] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default.",
    "[E302 08:30:20.117245801 socket.cpp:1011] [c10d] The client socket has timed out after 900s while trying to connect to (10.30.4.17, 29511).",
    "Traceback (most recent call last):",
    '  File "/opt/venv/bin/torchrun", line 8, in <module>',
    "    sys.exit(main())",
    "torch.distributed.DistNetworkError: The client socket has timed out after 900s while trying to connect to (10.30.4.17, 29511).",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`names the store's address, port and time-out as PyTorch's rendezvous, not NCCL's network (${name})`, async () => {
      const r = await analyzeText(wrap(CLIENT_TIMEOUT) + "\n");
      expect(ids(r)).toEqual(["nccl/bootstrap-failure"]);
      const f = finding(r, "nccl/bootstrap-failure")!;
      expect(f.severity).toBe("error");
      expect(f.message).toMatch(/^A rank could not connect to torch's c10d store at 10\.30\.4\.17 port 29511 \(it gave up after 900s\)\. /);
      expect(f.message).toContain("no NCCL network setting is involved yet");
      expect(f.evidence.map((e) => e.line)).toEqual([2, 6]);
      expect(f.remediation.join(" ")).toContain("nc -zv 10.30.4.17 29511");
      expect(r.facts.firstError?.line).toBe(2);
    });

  it("reads the pre-2.0 per-address retries as warnings and the all-digits host name as the address the resolver made of it", async () => {
    const r = await analyzeText(
      [
        "[W socket.cpp:601] [c10d] The client socket has failed to connect to [::ffff:0.78.33.161]:29500 (errno: 110 - Connection timed out).",
        "[W socket.cpp:601] [c10d] The client socket has failed to connect to 0.78.33.161:29500 (errno: 110 - Connection timed out).",
        "[E socket.cpp:655] [c10d] The client socket has failed to connect to any network address of (5120417, 29500).",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["nccl/bootstrap-failure"]);
    const f = finding(r, "nccl/bootstrap-failure")!;
    expect(f.message).toContain("at 5120417 port 29500 (no address of it answered)");
    expect(f.message).toContain("The host name 5120417 is all digits, which the resolver reads as the IPv4 address 0.78.33.161");
    expect(f.evidence.map((e) => e.line)).toEqual([3]);
    expect(r.facts.firstError?.line).toBe(3);
  });

  it("reads the store server's wait for the ranks that never joined (DistStoreError)", async () => {
    const r = await analyzeText(
      [
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/srv/grpo/train.py", line 51, in <module>',
        "[rank0]:     dist.init_process_group(backend=\"nccl\")",
        "[rank0]: torch.distributed.DistStoreError: Timed out after 1201 seconds waiting for clients. 2/4 clients joined.",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["nccl/bootstrap-failure"]);
    const f = finding(r, "nccl/bootstrap-failure")!;
    expect(f.message).toMatch(/^The c10d store waited 1201 s for the ranks, but only 2 of 4 joined\. /);
    expect(f.remediation[0]).toMatch(/^The ranks that did not join never reached this store/);
    expect(f.evidence.map((e) => e.line)).toEqual([4]);
  });

  it("reads torchrun's C10d rendezvous that cannot be reached", async () => {
    const r = await analyzeText(
      [
        "[E socket.cpp:860] [c10d] The client socket has timed out after 60s while trying to connect to (head-node, 29400).",
        "ERROR:torch.distributed.elastic.multiprocessing.errors.error_handler:{",
        '  "message": {',
        '    "message": "RendezvousConnectionError: The connection to the C10d store has failed. See inner exception for details.",',
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["nccl/bootstrap-failure"]);
    const f = finding(r, "nccl/bootstrap-failure")!;
    expect(f.message).toMatch(/^A rank could not connect to torch's c10d store at head-node port 29400 \(it gave up after 60s\)\. /);
    expect(f.evidence.map((e) => e.line)).toEqual([1, 4]);
  });

  it("leaves the client's retry alone: a later try may connect", async () => {
    const r = await analyzeText(
      "[W302 08:15:31.662014113 TCPStore.cpp:358] [c10d] TCP client failed to connect/validate to host 10.30.4.17:29511 - retrying (try=0, timeout=600000ms, delay=4110ms): The client socket has timed out after 600000ms while trying to connect to (10.30.4.17, 29511).\n",
    );
    expect(ids(r)).toEqual([]);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("c10d store lines that are no NCCL peer", () => {
  // ProcessGroupNCCL's heartbeat monitor polling the store after rank 0 went away, and TCPStore's client itself
  const SHOULD_DUMP = [
    '[rank5]:[W302 09:02:11.402118733 ProcessGroupNCCL.cpp:1771] [PG ID 0 PG GUID 0 Rank 5] Failed to check the "should dump" flag on TCPStore, (maybe TCPStore server has shut down too early), with error: Connection reset by peer',
    "[rank6]:[W302 09:02:11.402311954 TCPStore.cpp:125] [c10d] recvValue failed on SocketImpl(fd=88, addr=[trainer-1.svc.local]:51022, remote=[trainer-0.svc.local]:29500): Connection reset by peer",
    "Exception raised from recvBytes at /pytorch/torch/csrc/distributed/c10d/Utils.hpp:679 (most recent call first):",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`is no NCCL remote exit and no error of the run (${name})`, async () => {
      const r = await analyzeText(wrap(SHOULD_DUMP) + "\n");
      expect(ids(r)).toEqual([]);
      expect(r.facts.firstError).toBeNull();
      expect(r.facts.nccl.ranks).toBe(2);
    });
});

describe("torchrun's failure record pasted without its glog head", () => {
  it("is the first error, and its SIGKILL the host's OOM killer's likely work", async () => {
    const r = await analyzeText(
      [
        "torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -9) local_rank: 1 (pid: 40712) of binary: /opt/conda/bin/python3",
        "Traceback (most recent call last):",
        '  File "/opt/conda/bin/torchrun", line 8, in <module>',
        "    sys.exit(main())",
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r)).toEqual(["vllm/host-oom"]);
  });

  it("keeps a site-packages path before it", async () => {
    const r = await analyzeText(
      "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/api.py:826] failed (exitcode: 1) local_rank: 0 (pid: 2210) of binary: /usr/bin/python3\n",
    );
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("is not a warning record of the same agent", async () => {
    const r = await analyzeText(
      "torch/distributed/elastic/multiprocessing/api.py:897] Sending process 40713 closing signal SIGTERM\n",
    );
    expect(r.facts.firstError).toBeNull();
  });
});

describe("vLLM's init_distributed_environment line with the default local rank", () => {
  it("reads the world size of a single-process gloo group (local_rank=-1)", async () => {
    const r = await analyzeText(
      "DEBUG 03-02 09:10:11 [parallel_state.py:918] world_size=1 rank=0 local_rank=-1 distributed_init_method=tcp://192.168.1.20:51733 backend=gloo\n",
    );
    expect(r.facts.distributed.worldSize).toBe(1);
  });
});

describe("a collective timeout beside the rank that failed first", () => {
  const TIMEOUTS = [
    "[rank0]:[E302 10:41:02.118230422 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=812, OpType=ALLREDUCE, NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) ran for 600031 milliseconds before timing out.",
    "[rank1]:[E302 10:41:02.118230511 ProcessGroupNCCL.cpp:616] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=812, OpType=ALLREDUCE, NumelIn=4096, NumelOut=4096, Timeout(ms)=600000) ran for 600032 milliseconds before timing out.",
  ];
  const SUMMARY = [
    "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:",
    "============================================================",
    "train.py FAILED",
    "------------------------------------------------------------",
    "Failures:",
    "[1]:",
    "  time      : 2026-03-02_10:41:06",
    "  host      : gpu-c2",
    "  rank      : 0 (local_rank: 0)",
    "  exitcode  : -6 (pid: 3301)",
    "  error_file: <N/A>",
    "  traceback : Signal 6 (SIGABRT) received by PID 3301",
    "------------------------------------------------------------",
    "Root Cause (first observed failure):",
    "[0]:",
    "  time      : 2026-03-02_10:41:06",
    "  host      : gpu-c2",
    "  rank      : 3 (local_rank: 3)",
    "  exitcode  : 1 (pid: 3304)",
    "  error_file: <N/A>",
    "  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html",
    "============================================================",
  ];

  for (const [name, wrap] of variants)
    it(`names torchrun's root cause rank, host and exit code when that rank did not time out (${name})`, async () => {
      const r = await analyzeText(wrap([...TIMEOUTS, ...SUMMARY].join("\n")) + "\n");
      const f = finding(r, "nccl/collective-timeout")!;
      expect(f.message).toBe(
        "Ranks 0, 1 waited in ALLREDUCE (SeqNum 812) longer than the 600 s timeout; torchrun's failure summary names rank 3 (host gpu-c2), exit code 1, as the first observed failure, and it did not report the timeout: look at it first.",
      );
      expect(f.evidence.map((e) => e.line)).toEqual([1, 2, 20]);
    });

  it("names a rank the log shows that did not time out, not rank 2 of a count of three", async () => {
    const r = await analyzeText(
      [
        "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 3 has a total capacity of 79.19 GiB of which 1.10 GiB is free.",
        ...TIMEOUTS,
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["vllm/cuda-oom", "nccl/collective-timeout"]);
    expect(finding(r, "nccl/collective-timeout")!.message).toBe(
      "Ranks 0, 1 waited in ALLREDUCE (SeqNum 812) longer than the 600 s timeout; rank 3 shows in the log but did not report the timeout: look at it first.",
    );
  });

  it("says nothing of the summary when its root cause is a rank that timed out too", async () => {
    const summary = SUMMARY.map((l) => l.replace("rank      : 3 (local_rank: 3)", "rank      : 1 (local_rank: 1)"));
    const r = await analyzeText([...TIMEOUTS, ...summary].join("\n") + "\n");
    const f = finding(r, "nccl/collective-timeout")!;
    expect(f.message).not.toContain("torchrun");
    expect(f.evidence.map((e) => e.line)).toEqual([1, 2]);
  });
});

describe("DeepSpeed's launcher reporting a worker that failed", () => {
  const launcher = (code: number) =>
    [
      "[2026-03-02 04:26:05,876] [INFO] [launch.py:318:sigkill_handler] Killing subprocess 94984",
      "[2026-03-02 04:26:05,876] [INFO] [launch.py:318:sigkill_handler] Killing subprocess 94985",
      `[2026-03-02 04:26:35,999] [ERROR] [launch.py:324:sigkill_handler] ['/opt/venv/bin/python3', '-u', 'train.py', '--local_rank=1', '--deepspeed', 'ds_config.json'] exits with return code = ${code}`,
    ].join("\n");

  for (const [name, wrap] of variants)
    it(`is the first error; -11 is SIGSEGV (${name})`, async () => {
      const r = await analyzeText(wrap(launcher(-11)) + "\n");
      expect(r.facts.firstError?.line).toBe(3);
      expect(ids(r)).toEqual(["vllm/fatal-signal"]);
      expect(finding(r, "vllm/fatal-signal")!.message).toMatch(/^A process was killed by SIGSEGV\. /);
    });

  it("reads -9 as SIGKILL (the host's OOM killer's likely work) and 1 as a failure with no signal", async () => {
    const killed = await analyzeText(launcher(-9) + "\n");
    expect(killed.facts.firstError?.line).toBe(3);
    expect(ids(killed)).toEqual(["vllm/host-oom"]);
    const failed = await analyzeText(launcher(1) + "\n");
    expect(failed.facts.firstError?.line).toBe(3);
    expect(ids(failed)).toEqual([]);
  });

  it("keeps its INFO and WARNING records out of the errors", async () => {
    const r = await analyzeText(
      [
        "[2026-03-02 04:09:42,841] [INFO] [comm.py:652:init_distributed] Initializing TorchBackend in DeepSpeed with backend nccl",
        "[2026-03-02 04:09:43,010] [WARNING] [runner.py:196:fetch_hostfile] Unable to find hostfile, will proceed with training with local resources only.",
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError).toBeNull();
  });
});

describe("the flight recorder's dump request naming the rank that timed out", () => {
  it("counts that rank among the ranks of the log", async () => {
    const r = await analyzeText(
      "[rank5]:[E302 01:58:45.667329643 ProcessGroupNCCL.cpp:1743] [PG ID 0 PG GUID 0(default_pg) Rank 5] Received a dump signal due to a collective timeout from  rank 2 and we will try our best to dump the debug info. Last enqueued NCCL work: 136, last completed NCCL work: 136.\n",
    );
    expect(r.facts.nccl.ranks).toBe(2);
    expect(ids(r)).toEqual(["nccl/collective-timeout"]);
  });
});

describe("a log whose first line starts with a bracket", () => {
  // DeepSpeed's records start with `[date]`: the input's JSON digest (for benchmark result files) must leave them be
  it("keeps the launcher's argv list as written in the evidence, every element of it", async () => {
    const argv = ["'/opt/venv/bin/python3'", "'-u'", "'train.py'", ...Array.from({ length: 24 }, (_, i) => `'--opt${i}'`), "'x'"].join(", ");
    const line = `[2026-03-02 04:26:35,999] [ERROR] [launch.py:324:sigkill_handler] [${argv}] exits with return code = 1`;
    const r = await analyzeText(`${line}\n`);
    expect(r.facts.firstError?.text).toBe(line);
  });
});

describe("ProcessGroupNCCL's 'failed or timed out' alone", () => {
  it("says what the line says, not a timeout", async () => {
    const r = await analyzeText(
      [
        "[E ProcessGroupNCCL.cpp:475] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
        "[E ProcessGroupNCCL.cpp:481] To avoid data inconsistency, we are taking the entire process down.",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["nccl/collective-timeout"]);
    expect(finding(r, "nccl/collective-timeout")!.message).toMatch(/^PyTorch's ProcessGroupNCCL reports that NCCL operations failed or timed out and takes the process down; /);
  });
});
