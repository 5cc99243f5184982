import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";

/**
 * Shapes met in round 80r7's draw of NCCL_DEBUG output from trackers other than NVIDIA/nccl (llama.cpp, horovod,
 * Lightning, XGBoost, milabench, FlashMoE, …): ggml's GPU back end reporting a failed NCCL call on a line of its own, a
 * 2.4-era error-return chain NCCL went on from, a container's bootstrap connect to another network failing, a 2.2x
 * init that only started, and torch watchdog records hard-wrapped behind a benchmark runner's prefix. Every log text
 * here is written for the test in the printed layout, behind wrappers the logs did not all show.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T07:41:05.228130917Z ${l}`],
] as const;

describe("ggml's GPU back end (llama.cpp) reporting a failed NCCL call", () => {
  const lines = [
    "gpubox:1:211 [0] NCCL INFO Channel 00/02 : 0 1",
    "gpubox:1:212 [1] NCCL INFO Trees [0] -1/-1/-1->1->0 [1] 0/-1/-1->1->-1",
    "CUDA error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)",
    "  current device: 1, in function ggml_backend_cuda_comm_allreduce_tensor at /src/ggml/src/ggml-cuda/ggml-cuda.cu:1290",
    "  ncclGroupEnd()",
    "/src/ggml/src/ggml-cuda/ggml-cuda.cu:88: CUDA error",
    "gpubox:1:211 [0] NCCL INFO P2P Chunksize set to 131072",
  ];
  it("takes ggml's line as the first failure and finds NCCL's CUDA error", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toContain("nccl/cuda-error");
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.ranks ?? null, at).toBeNull(); // ring order and Trees lines name no connection
    });
  });

  it("reads the ROCm and MUSA builds' name and the 2023 one-line form", async () => {
    for (const line of [
      "ROCm error: out of memory",
      "MUSA error: invalid device ordinal",
      "CUDA error 2 at /home/u/llama.cpp/ggml-cuda.cu:7021: out of memory",
    ]) {
      const r = await analyzeText(["llm_load_tensors: offloading 40 repeating layers to GPU", line, "  current device: 0"].join("\n") + "\n");
      expect(r.facts.firstError?.line, line).toBe(2);
    }
  });

  it("near misses: torch's exception line stays first; prose and torch's advice line are no failure", async () => {
    const torch = await analyzeText(["RuntimeError: CUDA error: an illegal memory access was encountered", "CUDA error: an illegal memory access was encountered"].join("\n") + "\n");
    expect(torch.facts.firstError?.line).toBe(1);
    const prose = [
      "CUDA errors are printed below when NCCL_DEBUG is set",
      "CUDA error rate 0.0",
      "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
      "CUDA error:",
      "CUDA Error: out of memory",
    ];
    const r = await analyzeText(prose.join("\n") + "\n");
    expect(r.facts.firstError ?? null).toBeNull();
  });
});

describe("a 2.4-era error-return chain NCCL went on from, then rings over IB without GPU Direct RDMA", () => {
  const lines = [
    "[1,3]<stdout>:trn-b:2210:2275 [1] NCCL INFO include/net.h:29 -> 2",
    "[1,3]<stdout>:trn-b:2210:2275 [1] NCCL INFO transport/net.cc:360 -> 2",
    "[1,3]<stdout>:trn-b:2210:2275 [1] NCCL INFO init.cc:950 -> 2",
    "[1,3]<stdout>:trn-b:2210:2275 [1] NCCL INFO Setting affinity for GPU 1 to 0fff,f0000fff",
    "[1,0]<stdout>:trn-a:3301:3360 [0] NCCL INFO Channel 00 :    0   1   2   3",
    "[1,0]<stdout>:trn-a:3301:3360 [0] NCCL INFO Ring 00 : 3 -> 0 [receive] via NET/IB/0",
    "[1,0]<stdout>:trn-a:3301:3360 [0] NCCL INFO Ring 00 : 0[3] -> 1[4] via P2P/IPC",
    "[1,2]<stdout>:trn-b:2209:2271 [0] NCCL INFO Ring 00 : 1 -> 2 [receive] via NET/IB/0",
    "[1,3]<stdout>:trn-b:2210:2275 [1] NCCL INFO Ring 00 : 3 -> 0 [send] via NET/IB/0",
  ];
  it("keeps the chain as the first error but no system error, and counts the rings", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).not.toContain("nccl/system-error");
      expect(ids(r), at).toContain("nccl/gdrdma-disabled");
      expect(r.facts.nccl.transports, at).toMatchObject({ "NET/IB": 3, "P2P/IPC": 1 });
      expect(r.facts.nccl.gdr, at).toBe(false);
      expect(r.facts.nccl.ranks, at).toBe(4);
      expect(r.facts.nccl.nodes, at).toBe(2);
    });
  });

  it("near miss: the same chain with nothing after it is a system error", async () => {
    const r = await analyzeText(lines.slice(0, 3).join("\n") + "\n");
    expect(ids(r)).toContain("nccl/system-error");
  });
});

describe("a container's bootstrap connect to another network failing (one host in the log)", () => {
  const lines = [
    "Initializing distributed: GLOBAL_RANK: 1, MEMBER: 2/2",
    "5c1f0e9a77b2:40112:40112 [0] NCCL INFO Bootstrap : Using eth0:172.19.0.3<0>",
    "5c1f0e9a77b2:40112:40190 [0] NCCL INFO Failed to open libibverbs.so[.1]",
    "5c1f0e9a77b2:40112:40190 [0] NCCL INFO NET/Socket : Using [0]eth0:172.19.0.3<0>",
    "5c1f0e9a77b2:40112:40190 [0] NCCL INFO Using network Socket",
    "",
    "5c1f0e9a77b2:40112:40190 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.30.4.17<41023> failed : Software caused connection abort",
    "5c1f0e9a77b2:40112:40190 [0] NCCL INFO misc/socket.cc:565 -> 2",
  ];
  it("is a bootstrap and system error, on Socket, not a socket fallback", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(7);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(7);
      expect(ids(r), at).toEqual(expect.arrayContaining(["nccl/bootstrap-failure", "nccl/system-error"]));
      expect(ids(r), at).not.toContain("nccl/socket-fallback");
    });
  });
});

describe("a 2.2x init that only started, and a benchmark runner's hard-wrapped watchdog records", () => {
  it("counts ranks from `ncclCommInitRank ... Init START` lines and no Init COMPLETE", async () => {
    const lines = [
      "node7:8812:8812 [0] NCCL INFO ncclCommInitRank comm 0x55d0c1a3e2f0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0x3f1e9c2b7a6d5e41 - Init START",
      "node7:8813:8813 [1] NCCL INFO ncclCommInitRank comm 0x5611e08f41a0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 1c000 commId 0x3f1e9c2b7a6d5e41 - Init START",
      "node7:8812:8812 [0] NCCL INFO Bootstrap timings total 0.000412 (create 0.000013, send 0.000071, recv 0.000180, ring 0.000021, delay 0.000000)",
      "node7:8812:8812 [0] NCCL INFO comm 0x55d0c1a3e2f0 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.initComplete, at).toBe(0);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(ids(r), at).toEqual([]);
    });
  });

  it("reads a watchdog timeout wrapped after `timeout: ` behind `<bench>.<node> [stderr] `", async () => {
    const lines = [
      "resnet-nodes.gn-a012 [stderr] [rank9]:[E1105 11:02:40.118204573 ProcessGroupNCCL.cpp:607] [Rank 9] Watchdog caught collective operation timeout: ",
      "WorkNCCL(SeqNum=311, OpType=ALLREDUCE, NumelIn=25557032, NumelOut=25557032, Timeout(ms)=600000) ran for 600047 milliseconds before timing out.",
      "resnet-nodes.gn-a012 [stderr] [rank10]:[E1105 11:02:40.119930112 ProcessGroupNCCL.cpp:607] [Rank 10] Watchdog caught collective operation timeout: ",
      "WorkNCCL(SeqNum=311, OpType=ALLREDUCE, NumelIn=25557032, NumelOut=25557032, Timeout(ms)=600000) ran for 600049 milliseconds before timing out.",
    ];
    await eachWrapped([...WRAPS, ["docker compose", (l: string) => `bench-1  | ${l}`]], lines, (r, at) => {
      expect(ids(r), at).toContain("nccl/collective-timeout");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.nodes ?? null, at).toBeNull();
    });
  });
});
