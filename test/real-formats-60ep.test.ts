import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixtieth round of real logs, of vLLM's data and expert parallel runs (`--data-parallel-size`,
 * `--enable-expert-parallel`, DeepEP / pplx over NVSHMEM, `EngineCore_DPn` engines, Ray DP):
 * - pybind11's "incompatible function arguments" TypeError lists the overloads under its message, four spaces in
 *   (`    2. torch._C._distributed_c10d.ProcessGroup(arg0: ..., arg1: int)`): an engine core logs each line at ERROR, and
 *   the indentation made the list read as a frame's code lines, so the first error of a window that starts there was
 *   the later `Invoked with:` line.
 * - NVSHMEM's own error print (`/tmp/nvshmem_src/src/host/init/init.cu:1034: non-zero status: 28 nvshmem detect topo
 *   failed`, on stderr with no header) was no failure line, and behind stern's `pod container ` prefix it was not
 *   peeled: the run had no first error.
 * - A Ray driver printing a worker's NCCL connection record its writers cut in two keeps only the tail
 *   (`0 : 7[7] -> 0[0] via P2P/CUMEM`): with no other NCCL record in the excerpt it was never counted.
 * Every log text here is written for the test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T20:51:07.318204113Z ${l}`],
  ["docker compose", (l) => `vllm-dp-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:llm pid=4410, ip=10.8.0.5) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void, wraps = WRAPS): Promise<void> {
  for (const [name, wrap] of wraps)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

describe("pybind11's overload list under an engine core's TypeError", () => {
  const E = "(EngineCore_DP1 pid=5120) ERROR 03-14 09:12:44 [core.py:708]";
  const overloads = [
    `${E}     1. torch._C._distributed_c10d.Backend(arg0: int, arg1: int)`,
    `${E}     2. torch._C._distributed_c10d.Backend(arg0: torch._C._distributed_c10d.Store, arg1: int, arg2: int, arg3: c10d::Backend::Options)`,
    `${E}`,
    `${E} Invoked with: <torch.distributed.distributed_c10d.PrefixStore object at 0x7f3a21c0b2f0>, 1, 4`,
    "(EngineCore_DP1 pid=5120) Process EngineCore_DP1:",
    "(EngineCore_DP1 pid=5120) Traceback (most recent call last):",
    '(EngineCore_DP1 pid=5120)   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 699, in run_engine_core',
    "(EngineCore_DP1 pid=5120)     engine_core = DPEngineCoreProc(*args, **kwargs)",
  ];

  it("a window that starts in the list: its first overload is the first error, the engine failed to start", async () => {
    await eachWrap(overloads, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.firstError?.text, at).toContain("1. torch._C._distributed_c10d.Backend(arg0: int, arg1: int)");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });

  it("a method's overloads, without a name before the parenthesis and with a return type", async () => {
    const lines = [
      `${E}     1. (self: torch._C.Generator, arg0: int) -> torch._C.Generator`,
      `${E}     2. (self: torch._C.Generator, arg0: str, arg1: int) -> None`,
      `${E} Invoked with: <torch._C.Generator object at 0x7f00aa11bb20>, None`,
    ];
    await eachWrap(lines, (r, at) => expect(r.facts.firstError?.line, at).toBe(1));
  });

  it("the TypeError's own line, when the window holds it, comes first", async () => {
    const lines = [
      `${E} EngineCore failed to start.`,
      `${E} TypeError: __init__(): incompatible constructor arguments. The following argument types are supported:`,
      ...overloads.slice(0, 4),
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("near misses: a frame's code lines at a window's start stay traceback structure", async () => {
    const lines = [
      `${E}     engine_core = DPEngineCoreProc(*args, **kwargs)`,
      `${E}     return self._call_impl(*args, **kwargs)`,
      `${E}     x = 2.0 * scale(y)`,
      `${E}                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
      `${E}   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 564, in __init__`,
      `${E}     super().__init__(vllm_config, executor_class, log_stats)`,
    ];
    await eachWrap(lines, (r, at) => expect(r.facts.firstError, at).toBeNull());
  });
});

describe("NVSHMEM's error print (DeepEP / pplx under expert parallel)", () => {
  const topo = "/tmp/nvshmem_src/src/host/init/init.cu:1034: non-zero status: 28 nvshmem detect topo failed ";

  it("its line is the first error, under each wrapper and behind an engine's prefix", async () => {
    const lines = [
      "(EngineCore_DP2 pid=311) INFO 02-03 10:44:19 [all2all.py:120] Using DeepEP High-Throughput all2all manager.",
      `(EngineCore_DP2 pid=311) ${topo}`,
      "(EngineCore_DP2 pid=311) ",
      `(EngineCore_DP2 pid=311) ${topo}`,
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r), at).toContain("vllm/ep-all2all-failed");
    });
  });

  it("behind stern's `pod container ` prefix, bare and with an empty message between", async () => {
    const lines = [`decode-ep-0 vllm ${topo}`, "decode-ep-0 vllm ", `decode-ep-0 vllm ${topo}`, "decode-ep-0-1 vllm (APIServer pid=1) Traceback (most recent call last):"];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol) + eol);
      expect(r.facts.firstError?.line, JSON.stringify(eol)).toBe(1);
      expect(r.facts.firstError?.text).toContain("non-zero status: 28");
      expect(ids(r)).toContain("vllm/ep-all2all-failed");
    }
  });

  it("its other error forms: the function between file and line, NULL value, error status, a CUDA call's failure", async () => {
    for (const line of [
      "/build/libnvshmem/src/host/transport/transport.cpp:nvshmemi_transport_init:290: Unable to initialize any transports. returning error.",
      "/build/libnvshmem/src/modules/transport/ibgda/ibgda.cpp:2301: NULL value Unable to create ah.",
      "/build/libnvshmem/src/host/mem/mem_heap.cpp:1498: error status: 2 (NVSHMEMX_ERROR_OUT_OF_MEMORY) cuMemCreate failed",
      "[/build/libnvshmem/src/host/coll/barrier/barrier.cpp:21] cuda failed with an illegal memory access was encountered",
    ]) {
      await eachWrap(["INFO 02-03 10:44:19 [all2all.py:120] Using DeepEP Low-Latency all2all manager.", line], (r, at) => expect(r.facts.firstError?.line, `${at} ${line}`).toBe(2));
    }
  });

  it("an earlier ERROR record stays the first error", async () => {
    const lines = ["(EngineCore_DP0 pid=9) ERROR 02-03 10:44:18 [core.py:708] EngineCore failed to start.", `(EngineCore_DP0 pid=9) ${topo}`];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("near misses: NVSHMEM's INFO and WARN lines, a wheel's name, another library's file:line print", async () => {
    const lines = [
      "gpu-node-3:4411:4411 [2] NVSHMEM INFO nvshmemi_common_init failed, continuing",
      "gpu-node-3:4411:4411 [2] NVSHMEM INFO NVSHMEM_REMOTE_TRANSPORT set by environment to ibgda",
      "WARN: Failed to initialize all selected devices. Perf may be limited.",
      "[pip3] nvidia-nvshmem-cu12==3.3.20",
      "/opt/src/deep_ep/csrc/kernels/runtime.cu:48: note: using 4 SMs",
      "/usr/lib/python3.12/site-packages/deep_ep/buffer.py:88: UserWarning: NVSHMEM_IB_ENABLE_IBGDA is not set",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("an NCCL connection record's tail a Ray driver printed alone", () => {
  const W = "(EngineCore_DP0 pid=749) (RayWorkerWrapper pid=263, ip=172.16.28.33)";

  it("the tail that keeps `: rank[dev] -> rank[dev] via X` whole counts, with no other NCCL record in the log", async () => {
    const lines = [
      `${W} 0 : 7[7] -> 0[0] via P2P/CUMEM`,
      `${W} 1 : 3[3] -> 11[3] [send] via NET/IB/0/GDRDMA`,
      "(APIServer pid=609) Traceback (most recent call last):",
    ];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol) + eol);
      const t = r.facts.nccl.transports ?? {};
      expect(t["P2P/CUMEM"], JSON.stringify(eol)).toBe(1);
      expect(t["NET/IB/GDRDMA"], JSON.stringify(eol)).toBe(1);
    }
  });

  it("near misses: a tail without the sending rank's ` : ` head, and prose, count nothing without an NCCL record", async () => {
    const lines = [
      `${W} -> 0[0] via P2P/CUMEM`,
      `${W} a P2P/CUMEM`,
      "INFO 02-03 10:44:19 [parallel_state.py:1200] ranks 0 -> 1 talk via P2P/IPC here",
      "the 7[7] -> 0[0] link goes via P2P/IPC as far as we know, see : 7[7] above",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    const t = r.facts.nccl.transports ?? {};
    expect(Object.values(t).reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe("an engine core of a data parallel LLM dying under an RL rollout's request", () => {
  const F = (path: string, n: number, fn: string, code: string) => [`  File "${path}", line ${n}, in ${fn}`, `    ${code}`];
  const lines = [
    "ERROR 04-02 17:20:31 [core_client.py:564] Engine core proc EngineCore_DP3 died unexpectedly, shutting down client.",
    "[ERROR:trainer] rollout step failed",
    "Traceback (most recent call last):",
    ...F("/opt/rl/rollout/worker.py", 88, "generate_batch", "self.engine.add_request(rid, prompt, params)"),
    ...F("/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/llm_engine.py", 231, "add_request", "self.engine_core.add_request(request)"),
    ...F("/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core_client.py", 702, "add_request", "self._send_input(EngineCoreRequestType.ADD, request)"),
  ];

  it("the client's add_request on the stack shows the engine had started: the engine died, it did not fail to start", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-dead");
      expect(ids(r), at).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("near miss: a script's own add_request (outside vLLM's package) says nothing of vLLM's engine", async () => {
    const own = lines.slice(0, 5).concat(F("/opt/rl/rollout/queue.py", 40, "add_request", "self.pending.append(item)"));
    const r = await analyzeText(own.join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-dead");
  });
});
