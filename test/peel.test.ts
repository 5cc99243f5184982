import { describe, expect, it } from "vitest";
import { peel, peelWrapped, plainRecord, stripAnsi } from "../src/records/peel.js";

const VLLM = "INFO 04-16 11:09:10 [core.py:61] Initializing a V1 LLM engine";
const NCCL = "gpu-node-1:4095:4484 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[2] via P2P/IPC";

/** one case per wrapper that real logs carry (modelled on the corpus NOTES) */
const cases: { name: string; raw: string; text: string; origin?: Record<string, unknown>; stamp?: string }[] = [
  { name: "no wrapper", raw: VLLM, text: VLLM },
  { name: "real ANSI colour", raw: `\x1b[1;36m(VllmWorkerProcess pid=1159)\x1b[0;0m ${VLLM}`, text: VLLM, origin: { process: "VllmWorkerProcess", pid: 1159 } },
  { name: "ESC-less residue", raw: ` [36m(RayWorkerVllm pid=5085) [0m ${NCCL}`, text: NCCL, origin: { process: "RayWorkerVllm", pid: 5085 } },
  { name: "literal ESC text", raw: `ESC[36m(RayWorkerVllm pid=4095)ESC[0m ${NCCL}`, text: NCCL, origin: { process: "RayWorkerVllm", pid: 4095 } },
  { name: "Buildkite gutter and timestamp", raw: `  | [2025-03-10T15:07:20Z] ${VLLM}`, text: VLLM, stamp: "[2025-03-10T15:07:20Z]" },
  { name: "Buildkite timestamp alone", raw: `[2025-03-10T15:07:20Z] ${VLLM}`, text: VLLM },
  { name: "CRI containerd", raw: `2025-07-29T12:19:19.333962774+07:00 stdout F (RayWorkerWrapper pid=549) ${VLLM}`, text: VLLM, origin: { process: "RayWorkerWrapper", pid: 549 } },
  { name: "kubectl --timestamps", raw: `2026-03-11T17:57:32.372145579Z (EngineCore_DP0 pid=269) ${VLLM}`, text: VLLM, origin: { process: "EngineCore_DP0", pid: 269, dp: 0 } },
  { name: "kubectl --prefix", raw: `[pod/vllm-7d9f-abcde/vllm] ${VLLM}`, text: VLLM, origin: { host: "vllm-7d9f-abcde" } },
  {
    name: "kubectl --prefix --timestamps",
    raw: `[pod/vllm-0/vllm] 2026-03-11T17:57:32.372145579Z (EngineCore_DP0 pid=269) ${VLLM}`,
    text: VLLM,
    origin: { host: "vllm-0", process: "EngineCore_DP0", pid: 269 },
    stamp: "2026-03-11T17:57:32.372145579Z",
  },
  { name: "CloudWatch table", raw: `  | 2025-05-16T16:39:51.208-07:00 | ${NCCL}`, text: NCCL },
  { name: "CloudWatch glued host", raw: `  | 2025-05-16T16:39:51.208-07:00ip-10-36-1-2:123:456 [0] NCCL INFO Using network IB`, text: "ip-10-36-1-2:123:456 [0] NCCL INFO Using network IB" },
  { name: "Python logging", raw: `2024-12-10 19:40:25,042 - modelscope - INFO - Downloading model`, text: "Downloading model" },
  { name: "FastChat", raw: `2024-04-27 10:13:05 | ERROR | stderr | ValueError: bad value`, text: "ValueError: bad value" },
  { name: "TorchServe", raw: `2024-11-18T16:43:45,496 [INFO ] W-9000-model_1.0-stdout MODEL_LOG - ${VLLM}`, text: VLLM },
  { name: "gpustack", raw: `2025-06-19T11:30:10+08:00 - gpustack.worker.backends.vllm - INFO - ${VLLM}`, text: VLLM },
  { name: "lemonade", raw: `2026-06-09 14:01:54.604 [Info] (Process) (APIServer pid=42406) ${VLLM}`, text: VLLM, origin: { process: "APIServer", pid: 42406 } },
  { name: "Ray driver timestamp", raw: `2024-01-17 06:16:16,954 INFO worker.py:1673 -- Started a local Ray instance.`, text: "INFO worker.py:1673 -- Started a local Ray instance." },
  { name: "app wrapper", raw: `[2025-07-10 10:07:07]                llm_service.py:199  INFO: ${VLLM}`, text: VLLM },
  { name: "docker compose", raw: `vllm-1  | ${VLLM}`, text: VLLM, origin: { process: "vllm-1" } },
  { name: "docker compose, longer service", raw: `runner-llm-1  | ${VLLM}`, text: VLLM, origin: { process: "runner-llm-1" } },
  { name: "journald", raw: `Aug 19 18:34:30 vllm vllm[8707]: (APIServer pid=8707) ${VLLM}`, text: VLLM, origin: { host: "vllm", pid: 8707 } },
  { name: "Ray worker with ip", raw: `(RayWorkerWrapper pid=1100, ip=10.24.24.74) ${NCCL}`, text: NCCL, origin: { process: "RayWorkerWrapper", pid: 1100, ip: "10.24.24.74" } },
  // (the innermost prefix names the process that wrote the line; an outer one's address stands for a subprocess's node)
  { name: "nested engine and Ray prefixes", raw: `(EngineCore_DP0 pid=12) (RayWorkerWrapper pid=345, ip=10.0.0.2) ${VLLM}`, text: VLLM, origin: { process: "RayWorkerWrapper", pid: 345, ip: "10.0.0.2", dp: 0 } },
  { name: "Ray actor and bare pid", raw: `(LLMRayActor pid=77) (pid=78) ${VLLM}`, text: VLLM, origin: { pid: 78 } },
  { name: "Ray actor's subprocess", raw: `(LLMServer pid=4321, ip=10.0.0.7) (EngineCore pid=335) ${VLLM}`, text: VLLM, origin: { process: "EngineCore", pid: 335, ip: "10.0.0.7" } },
  { name: "inner prefix's pid blanked", raw: `(APIServer pid=88) (EngineCore_DP1 pid=...) ${VLLM}`, text: VLLM, origin: { process: "EngineCore_DP1", dp: 1 } },
  { name: "bare (pid=N)", raw: `(pid=78) ${VLLM}`, text: VLLM, origin: { pid: 78 } },
  { name: "test harness actor", raw: `(eager_allreduce pid=9) ${VLLM}`, text: VLLM, origin: { process: "eager_allreduce", pid: 9 } },
  { name: "Ray dedup", raw: `(RayWorkerVllm pid=5085) ${NCCL} [repeated 7x across cluster]`, text: NCCL, origin: { repeated: 7 } },
  {
    name: "Ray dedup with advice",
    raw: `(RayWorkerVllm pid=5310) ${NCCL} [repeated 6x across cluster] (Ray deduplicates logs by default. Set RAY_DEDUP_LOGS=0 to disable log deduplication, or see https://docs.ray.io/en/master/ray-observability/user-guides/configure-logging.html#log-deduplication for more options.)`,
    text: NCCL,
    origin: { repeated: 6 },
  },
  { name: "Ray dedup advice wrapped (second half)", raw: `cs.ray.io/en/master/ray-observability/ray-logging.html#log-deduplication for more options.)ESC[0m`, text: "" },
  { name: "Ray dedup cut by a hard wrap", raw: `(RayWorkerVllm pid=4) ERROR 04-18 01:56:38 ray_utils.py:44]     comm = f( [repeated 2x ac`, text: "ERROR 04-18 01:56:38 ray_utils.py:44]     comm = f(", origin: { repeated: 2 } },
  { name: "Ray dedup tail on its own line", raw: `ross cluster]`, text: "" },
  { name: "an indented lone `]` (a pretty-printed JSON array's end) is no Ray tail", raw: `  ]`, text: "]" },
  { name: "V0 worker", raw: `(VllmWorkerProcess pid=3897223) ${VLLM}`, text: VLLM, origin: { process: "VllmWorkerProcess", pid: 3897223 } },
  { name: "V1 worker rank", raw: `(VllmWorker rank=1 pid=788) ${VLLM}`, text: VLLM, origin: { process: "VllmWorker rank=1", pid: 788, rank: 1 } },
  { name: "V1 worker TP", raw: `(VllmWorker TP1 pid=788) ${VLLM}`, text: VLLM, origin: { pid: 788, tp: 1 } },
  { name: "V1 worker PP_TP", raw: `(VllmWorker PP1_TP0 pid=788) ${VLLM}`, text: VLLM, origin: { pid: 788, pp: 1, tp: 0 } },
  { name: "Worker_TP", raw: `(Worker_TP1 pid=5123) ${VLLM}`, text: VLLM, origin: { process: "Worker_TP1", pid: 5123, tp: 1 } },
  { name: "Worker_DP_PP_TP_EP", raw: `(Worker_DP1_PP0_TP3_EP3 pid=5123) ${VLLM}`, text: VLLM, origin: { pid: 5123, dp: 1, pp: 0, tp: 3 } },
  { name: "EngineCore_DP", raw: `(EngineCore_DP0 pid=223840) ${VLLM}`, text: VLLM, origin: { process: "EngineCore_DP0", dp: 0 } },
  { name: "EngineCore_N", raw: `(EngineCore_3 pid=10) ${VLLM}`, text: VLLM, origin: { process: "EngineCore_3", dp: 3 } },
  { name: "EngineCore", raw: `(EngineCore pid=10) ${VLLM}`, text: VLLM, origin: { process: "EngineCore", pid: 10 } },
  { name: "APIServer", raw: `(APIServer pid=223598) ${VLLM}`, text: VLLM, origin: { process: "APIServer", pid: 223598 } },
  { name: "ApiServer_0", raw: `(ApiServer_0 pid=5) ${VLLM}`, text: VLLM, origin: { process: "ApiServer_0", pid: 5 } },
  { name: "prefix with an empty message", raw: `(RayWorkerWrapper pid=1100, ip=10.24.24.74) `, text: "", origin: { pid: 1100 } },
  { name: "mpirun tag-output", raw: `[1,3]<stdout>:${NCCL}`, text: NCCL, origin: { rank: 3 } },
  { name: "mpirun indented under MPIJob", raw: `        [1,2]<stderr>:${NCCL}`, text: NCCL, origin: { rank: 2 } },
  { name: "mpirun empty record", raw: `[1,2]<stdout>:`, text: "", origin: { rank: 2 } },
  { name: "torchrun rank", raw: `[rank3]: torch.distributed.DistBackendError: NCCL error`, text: "torch.distributed.DistBackendError: NCCL error", origin: { rank: 3 } },
  { name: "torchrun default", raw: `[default0]:${NCCL}`, text: NCCL, origin: { rank: 0 } },
  { name: "torchrun glog", raw: `[rank0]:[E723 19:34:51.785450177 ProcessGroupNCCL.cpp:1476] [PG 0 Rank 0] oops`, text: "[E723 19:34:51.785450177 ProcessGroupNCCL.cpp:1476] [PG 0 Rank 0] oops", origin: { rank: 0 } },
  { name: "TorchX role", raw: `[trainer3]:${NCCL}`, text: NCCL, origin: { process: "trainer", rank: 3 } },
  { name: "TorchX role with replica", raw: `[trainer0|0]:ncclInternalError: Internal check failed.`, text: "ncclInternalError: Internal check failed.", origin: { process: "trainer", rank: 0 } },
  { name: "pdsh host", raw: `node-a12: ${NCCL}`, text: NCCL, origin: { host: "node-a12" } },
  { name: "pdsh ip", raw: `10.0.0.7: ${NCCL}`, text: NCCL, origin: { ip: "10.0.0.7" } },
  { name: "launcher index", raw: `[3] ${NCCL}`, text: NCCL },
  { name: "blockquote", raw: `> (VllmWorkerProcess pid=1) ${VLLM}`, text: VLLM, origin: { pid: 1 } },
  { name: "nested blockquote", raw: `> > ${VLLM}`, text: VLLM },
  { name: "k9s box", raw: `│ ${VLLM}${" ".repeat(60)}│`, text: VLLM },
  { name: "tmux pane padding and border", raw: `(VllmWorker rank=0 pid=3008574) ${VLLM}${" ".repeat(80)}│`, text: VLLM, origin: { rank: 0 } },
  { name: "tmux scroll marker", raw: `${NCCL}                 [615/4138]`, text: NCCL },
  { name: "viewer line number", raw: `451 ${NCCL}`, text: NCCL },
  { name: "viewer line number before torchrun", raw: `[80746] [rank0]:[E321 02:07:08.408271257 ProcessGroupNCCL.cpp:607] [Rank 0] x`, text: "[E321 02:07:08.408271257 ProcessGroupNCCL.cpp:607] [Rank 0] x", origin: { rank: 0 } },
  { name: "indented torchrun block", raw: `    [rank7]:[E816 01:45:40.183009389 ProcessGroupNCCL.cpp:607] [Rank 7] x`, text: "[E816 01:45:40.183009389 ProcessGroupNCCL.cpp:607] [Rank 7] x", origin: { rank: 7 } },
  { name: "Ray actor with timestamp", raw: `(train_rft pid=2657296) 2024-05-11 14:10:52.224 ${NCCL}`, text: NCCL, origin: { process: "train_rft", pid: 2657296 } },
  { name: "WARN line timestamp", raw: `[2026-04-22 21:34:20] ${NCCL}`, text: NCCL },
  { name: "glog line is not a wrapper", raw: `W0714 23:06:54.603780 140446678845248 torch/distributed/run.py:757] `, text: "W0714 23:06:54.603780 140446678845248 torch/distributed/run.py:757]" },
  { name: "torch bracket head is not a wrapper", raw: `[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught`, text: "[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught" },
  { name: "NCCL host prefix is not pdsh", raw: NCCL, text: NCCL },
  { name: "uvicorn INFO is not compose", raw: `INFO:     10.24.240.158:55624 - "POST /v1/completions HTTP/1.1" 500`, text: `INFO:     10.24.240.158:55624 - "POST /v1/completions HTTP/1.1" 500` },
  { name: "markdown table row is not compose", raw: `| model | tp |`, text: "model | tp |" },
  { name: "docker compose, indented exception text", raw: `vllm-1  |     raise RuntimeError("Engine core initialization failed.")`, text: `raise RuntimeError("Engine core initialization failed.")`, origin: { process: "vllm-1" } },
  { name: "docker compose, traceback frame", raw: `vllm-1  |   File "/usr/local/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 699, in run_engine_core`, text: `File "/usr/local/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 699, in run_engine_core`, origin: { process: "vllm-1" } },
  { name: "docker compose v1, indented", raw: `myproj_vllm_1  |     engine = cls(`, text: "engine = cls(", origin: { process: "myproj_vllm_1" } },
  { name: "docker compose, blank line", raw: `vllm-1  | `, text: "", origin: { process: "vllm-1" } },
  { name: "table row with padded cells is not compose", raw: `| a |   b |`, text: "a |   b |" },
  { name: "plain-text table cell is not compose", raw: `model    |    tp`, text: "model    |    tp" },
  { name: "docker service logs (Swarm)", raw: `vllm_vllm.1.x7k2m9q4p0s1@gpu-node-1    | ${VLLM}`, text: VLLM, origin: { process: "vllm_vllm.1.x7k2m9q4p0s1", host: "gpu-node-1" } },
  { name: "Swarm, --no-task-ids", raw: `vllm.2@gpu-node-2    | ${NCCL}`, text: NCCL, origin: { process: "vllm.2", host: "gpu-node-2" } },
  { name: "Swarm, --no-trunc, blank line", raw: `vllm.1.k3v6s7l9lxj5ah4w8vtkvwqmz@node-a    | `, text: "", origin: { process: "vllm.1.k3v6s7l9lxj5ah4w8vtkvwqmz", host: "node-a" } },
  { name: "Swarm, indented traceback frame", raw: `vllm.1@node-a    |   File "/x/core.py", line 699, in run_engine_core`, text: `File "/x/core.py", line 699, in run_engine_core`, origin: { process: "vllm.1", host: "node-a" } },
  { name: "pm2 logs", raw: `0|vllm  | ${VLLM}`, text: VLLM, origin: { process: "vllm" } },
  { name: "pm2 logs, colored", raw: `\x1b[32m12|vllm-server | \x1b[39m${VLLM}`, text: VLLM, origin: { process: "vllm-server" } },
  { name: "an e-mail address before a bar is not Swarm", raw: `user@example.com | ${VLLM}`, text: `user@example.com | ${VLLM}` },
  { name: "numbers between bars are not pm2", raw: `0|1|2 | 3`, text: "0|1|2 | 3" },
  { name: "FastChat-like level column is not compose", raw: `INFO |     started`, text: "INFO |     started" },
];

describe("peel: one case per wrapper", () => {
  for (const c of cases) {
    it(c.name, () => {
      const p = peel(c.raw);
      expect(p.text).toBe(c.text);
      if (c.origin) expect(p.origin).toMatchObject(c.origin);
      if (c.stamp) expect(p.stamp).toBe(c.stamp);
    });
  }
});

describe("peel keeps what it must not strip", () => {
  it("keeps the indentation of a traceback code line after the prefix in raw (text is trimmed)", () => {
    expect(peel("(APIServer pid=1)     raise RuntimeError(").text).toBe("raise RuntimeError(");
  });
  it("keeps the indentation after a docker compose prefix in raw, where tracebacks measure it", () => {
    const raw = `vllm-1  |     raise RuntimeError(`;
    const p = peel(raw);
    expect(p.text).toBe("raise RuntimeError(");
    expect(raw.slice(0, raw.lastIndexOf(p.text))).toBe("vllm-1  |     ");
  });
  it("does not mistake a vLLM record for a compose prefix", () => {
    expect(peel("ERROR 06-12 08:12:23 worker_base.py:145] Error executing method").text).toBe("ERROR 06-12 08:12:23 worker_base.py:145] Error executing method");
  });
  it("does not eat [N] of a headless NCCL record", () => {
    expect(peel(" [0] NCCL INFO Using network IB").text).toBe("[0] NCCL INFO Using network IB");
  });
  it("stripAnsi is the identity on plain text", () => {
    const s = "plain text [with] brackets";
    expect(stripAnsi(s)).toBe(s);
  });
});

describe("peel: damaged prefixes", () => {
  it("reads a process prefix that lost its opening parenthesis", () => {
    const p = peel("RayWorkerWrapper pid=1861983) INFO 03-27 10:29:03 [model_runner.py:1442] Capturing cudagraphs");
    expect(p.text).toBe("INFO 03-27 10:29:03 [model_runner.py:1442] Capturing cudagraphs");
    expect(p.origin).toMatchObject({ process: "RayWorkerWrapper", pid: 1861983 });
  });
  it("reads a process prefix whose pid the quoter blanked, recording no pid", () => {
    for (const blank of ["...", "\u2026", "xxx", "##", "**", "<pid>", "PID", "N"]) {
      const p = peel(`(EngineCore_DP0 pid=${blank}) ERROR 02-03 04:05:06 [core.py:700] EngineCore failed to start.`);
      expect([p.text, p.origin.process, p.origin.pid], blank).toEqual(["ERROR 02-03 04:05:06 [core.py:700] EngineCore failed to start.", "EngineCore_DP0", undefined]);
    }
  });
  it("drops the cut ANSI residue after a dedup marker", () => {
    const p = peel(" [36m(RayWorkerVllm pid=5310) [0m [pod-name]:5310:5433 [7] NCCL INFO NET/IB : No device found.  [repeated 12x across cluster] [0");
    expect(p.text).toBe("[pod-name]:5310:5433 [7] NCCL INFO NET/IB : No device found.");
    expect(p.origin.repeated).toBe(12);
  });
});

describe("peel: colour residue versus real brackets", () => {
  it("keeps `[model_runner.py:1442]` (not a `[m` reset)", () => {
    expect(peel("INFO 03-27 10:29:03 [model_runner.py:1442] x").text).toBe("INFO 03-27 10:29:03 [model_runner.py:1442] x");
    expect(peel(" [36m(RayWorkerWrapper pid=3) [0m INFO 03-27 10:29:03 [multiproc_executor.py:48] x").text).toBe("INFO 03-27 10:29:03 [multiproc_executor.py:48] x");
  });
  it("strips a bare `[m` reset before a space", () => {
    expect(peel("(pid=3) [m INFO 03-27 10:29:03 [core.py:1] x").text).toBe("INFO 03-27 10:29:03 [core.py:1] x");
  });
});

describe("a record with nothing to peel is told without trying the wrappers", () => {
  // headers and messages of every era, then tails and heads that a wrapper or a suffix could be made of
  const heads = ["gpu-node-a:41000:41000 [0]", "ip-10-0-0-1.ec2.internal:12:34 [3]", "a:1:2 [0]", "Dec:1:2 [0]", "node_07-x:99:100 [7] misc/socket.cc:12 (ncclSocketConnect)", "h:1:2 [0] 1736.123 proxy.cc:55"];
  const msgs = [
    "NCCL INFO Channel 00/0 : 15[7] -> 0[0] [send] via NET/IB/0/GDRDMA",
    "NCCL INFO Ring 00 : 0[1b000] -> 1[1c000] via P2P/IPC",
    "NCCL INFO Channel 00 : 7[7] -> 6[6] via SHM/direct/direct",
    "NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.20.0.11<0>",
    "NCCL INFO GPU Direct RDMA Enabled for GPU 0 / HCA 0 (distance 4 <= 4), read 1 mode Default",
    "NCCL INFO ncclCommInitRank comm 0x55d1a0000000 rank 0 nranks 16 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a - Init START",
    "NCCL WARN Connect to 10.0.0.2<43210> failed : Connection refused",
  ];
  const tails = ["", " ", "\t", " [1m", " [m", " [0;36mx", " [12;m", " [m|", "[1mx", " (x)", " [repeated 3x across cluster]", " x]", " |", " │", " é", " [repeated 2x ac", " a [2m b", " [1234/5678]", " [m ", " [3]x", "^M", " x^M", " [a.cc:1](http://a.cc:1/)"];
  const fronts = ["", " ", "1", "2024-01-01T10:12:34 ", "(RayWorkerWrapper pid=1, ip=10.0.0.1) ", "vllm-head-1  | ", "_bk;t=1741619240123", "\x1b[0m", "[1,0]<stdout>:", "host: "];
  const lines: string[] = [];
  for (const f of fronts) for (const h of heads) for (const m of msgs) for (const t of tails) lines.push(`${f}${h} ${m}${t}`);
  // and lines that only look like a header at their start
  lines.push("abc:1 x", "abc: 1 x y z w v u", "abc:x:1 [0] NCCL INFO x", "Jan 12 10:00:00 host proc[12]: x y", "name pid=12) INFO x y z", "vllm-1  |     raise", "a.b-c:1", "ab:1 for more options.)");

  it("every line reads as when each wrapper is tried, and a bare NCCL record takes the short way", () => {
    let plain = 0;
    for (const l of lines) {
      expect(peel(l), JSON.stringify(l)).toEqual(peelWrapped(l));
      if (plainRecord(l)) {
        plain++;
        expect(peelWrapped(l), JSON.stringify(l)).toEqual({ text: l, origin: {}, stamp: undefined });
      }
    }
    // the bare NCCL lines with a plain end: 6 heads × 7 messages × the tails that end in a letter or digit
    expect(plain).toBeGreaterThan(6 * 7 * 3);
    expect(plainRecord("gpu-node-a:41000:41000 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC")).toBe(true);
    for (const l of ["gpu-node-a:41000:41000 [0] NCCL INFO x [1m", "gpu-node-a:41000:41000 [0] NCCL INFO x ", "2gpu:1:2 [0] NCCL INFO x", "gpu:1:2 [0] NCCL INFO x [repeated 2x across cluster] y"]) {
      expect(plainRecord(l), l).toBe(false);
    }
  });
});

describe("a worker name's coordinates, read once per name", () => {
  it("read alike every time a name comes again, in the order taken, the first of each kept, never another name's", () => {
    const V = "INFO 03-11 08:14:02 [core.py:69] x";
    const cases: [string, Record<string, unknown>][] = [
      [`(Worker_DP1_PP0_TP3_EP3 pid=5123) ${V}`, { process: "Worker_DP1_PP0_TP3_EP3", pid: 5123, dp: 1, pp: 0, tp: 3 }],
      [`(EngineCore_DP2 pid=7) ${V}`, { process: "EngineCore_DP2", pid: 7, dp: 2 }],
      [`(EngineCore_0 pid=7) ${V}`, { process: "EngineCore_0", pid: 7, dp: 0 }],
      [`(VllmWorker rank=2 TP1 pid=9) ${V}`, { pid: 9, rank: 2, tp: 1 }],
      [`(Worker_TP1_TP2 pid=9) ${V}`, { process: "Worker_TP1_TP2", pid: 9, tp: 1 }],
      [`(RayWorkerWrapper pid=41007, ip=10.20.0.12) ${V}`, { pid: 41007, ip: "10.20.0.12" }],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [line, origin] of cases) {
        const p = peel(line);
        expect(p.text, line).toBe(V);
        expect(p.origin, line).toMatchObject(origin);
        for (const k of ["rank", "tp", "pp", "dp"]) if (!(k in origin)) expect(p.origin, `${line}: ${k}`).not.toHaveProperty(k);
        expect(Object.keys(p.origin), line).toEqual(Object.keys(peelWrapped(line).origin));
      }
    }
  });
});
