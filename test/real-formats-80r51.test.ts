import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachCommonWrap, logText } from "./rules/analyze-text.js";

/**
 * Formats met in round 80r51 (NCCL_DEBUG=INFO pasted in NVIDIA/nccl, NVIDIA/nccl-tests and pytorch/pytorch threads, and
 * a trainer's issue): NCCL 2.4/2.5 Ring records with and without the `[dev]` brackets beside `via direct shared memory`,
 * records numbered by the user with the host prefix stripped, records padded to the terminal width, ring-order lines
 * alone, an nccl-tests header under an `nvidia-smi topo -m` matrix, and a one-GPU run (`rank 0 nranks 1`, `nRanks 1
 * nNodes 1 localRanks 1`) launched with NCCL_P2P_LEVEL=LOC. The tool read every scored fact and problem at first sight;
 * what it got wrong was a P2P warning on that one-rank run, where no two GPUs ever talk. Every log text here is written
 * for the test.
 */

const single = (nranks: number) => [
  "NCCL version 2.21.5+cuda12.4",
  "wsl-box:4410:4410 [0] NCCL INFO Comm config Blocking set to 1",
  "wsl-box:4410:4702 [0] NCCL INFO Failed to open libibverbs.so[.1]",
  "wsl-box:4410:4702 [0] NCCL INFO NET/Socket : Using [0]eth0:172.20.1.7<0>",
  "wsl-box:4410:4702 [0] NCCL INFO Using network Socket",
  `wsl-box:4410:4702 [0] NCCL INFO ncclCommInitRank comm 0x5603aa10e020 rank 0 nranks ${nranks} cudaDev 0 nvmlDev 0 busId 1000 commId 0x4be2c1d09a7f3e51 - Init START`,
  "wsl-box:4410:4702 [0] NCCL INFO NCCL_P2P_LEVEL set by environment to LOC",
  `wsl-box:4410:4702 [0] NCCL INFO comm 0x5603aa10e020 rank 0 nRanks ${nranks} nNodes 1 localRanks ${nranks} localRank 0 MNNVL 0`,
  "wsl-box:4410:4702 [0] NCCL INFO Channel 00/32 :    0",
  "wsl-box:4410:4702 [0] NCCL INFO Channel 01/32 :    0",
];

describe("NCCL_P2P_LEVEL=LOC on a run whose only communicator holds one rank", () => {
  it("says nothing about P2P when no two GPUs talk, and still does when the communicator has two ranks", async () => {
    await eachCommonWrap(single(1), (r, at) => {
      expect(ids(r), at).not.toContain("nccl/p2p-disabled");
      expect(r.facts.nccl.ranks, at).toBe(1);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.communicators.map((c) => c.nranks), at).toEqual([1]);
    });
    // the same setting on a two-rank communicator turns P2P off between its GPUs
    const two = await analyzeText(logText(single(2)));
    expect(ids(two, "warning")).toContain("nccl/p2p-disabled");
    // one rank shown, but vLLM says the engine spans two GPUs: the other rank's lines are just not in the paste
    const tp = await analyzeText(logText([
      "INFO 03-02 10:11:12 [config.py:1604] Defaulting to use mp for distributed inference",
      "INFO 03-02 10:11:12 [llm_engine.py:234] Initializing a V0 LLM engine (v0.8.1) with config: model='Qwen/Qwen2.5-7B-Instruct', tensor_parallel_size=2, pipeline_parallel_size=1",
      ...single(1),
    ]));
    expect(tp.facts.config.tensorParallelSize).toBe(2);
    expect(ids(tp, "warning")).toContain("nccl/p2p-disabled");
    // a connection line through host memory from another process: the run has a peer after all
    const shm = await analyzeText(logText([
      ...single(1),
      "wsl-box:4411:4703 [1] NCCL INFO Channel 00 : 1[2000] -> 0[1000] via SHM/direct/direct",
    ]));
    expect(ids(shm, "warning")).toContain("nccl/p2p-disabled");
  });
});
