import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 41a (AMD ROCm, second pass): shapes of real RCCL and vLLM-on-ROCm pastes the readers missed. The log texts are
 * written for the test in the printed layouts (hosts, paths, numbers made up); the findings checked are exact.
 */

const variants: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-05-11T08:02:1${i % 10}.118204113Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `rccl-bench-1  | ${l}` : l)).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => (l ? `(RayWorkerWrapper pid=5120, ip=10.4.0.9) ${l}` : l)).join("\n")],
  ["blockquote", (s) => s.split("\n").map((l) => `> ${l}`).join("\n")],
];

const finding = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id);
const library = (r: Awaited<ReturnType<typeof analyzeText>>) => r.facts.dialects?.find((d) => d.name === "nccl")?.library;

describe("RCCL told by the INFO lines of its ROCm wrappers (ROCr version, the SMI library), no banner in the window", () => {
  const lines = {
    rocr: "mi300-a:4410:4410 [3] NCCL INFO ROCr version 1.15",
    altRsmi: "mi300-a:4410:4431 [1] NCCL INFO initialized internal alternative rsmi functionality",
    rsmiLib: "mi300-a:4410:4431 [1] NCCL INFO rocm_smi_lib: version 7.3.0.0",
  };
  for (const [which, line] of Object.entries(lines))
    for (const [name, wrap] of variants)
      it(`${which} (${name})`, async () => {
        const text = [
          "mi300-a:4410:4431 [1] NCCL INFO Assigned NET plugin Socket to comm",
          "mi300-a:4410:4431 [1] NCCL INFO Using network Socket",
          line,
          "mi300-a:4410:4431 [1] NCCL INFO ncclCommInitRank comm 0x3a1c0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 23000 commId 0x51ce - Init START",
        ].join("\n");
        const r = await analyzeText(wrap(text) + "\n");
        expect(library(r)).toBe("RCCL");
        expect(r.facts.nccl.net).toBe("Socket");
        expect(ids(r, "error")).toEqual([]);
      });

  it("NVIDIA's NCCL lines around them are not RCCL's (cudaDriverVersion, the NCCL banner)", async () => {
    const r = await analyzeText(
      [
        "h100-b:310:310 [0] NCCL INFO cudaDriverVersion 12040",
        "NCCL version 2.21.5+cuda12.4",
        "h100-b:310:402 [0] NCCL INFO Using network Socket",
        "h100-b:310:402 [0] NCCL INFO rsmi is mentioned here only as a word",
      ].join("\n") + "\n",
    );
    expect(library(r)).toBeUndefined();
    expect(r.facts.nccl.version).toBe("2.21.5");
  });
});

describe("graph/paths.cc's `Failed to find reverse path` before its `-> 3` returns (NCCL's and RCCL's topology search)", () => {
  const CHAIN = [
    "vm-node:9020:9031 [0] NCCL INFO Topology detection : could not read /sys/devices/pci0004:00/0004:00:00.0/../max_link_width, ignoring",
    "",
    "vm-node:9020:9031 [0] /build/rccl/hipify/src/graph/paths.cc:82 NCCL WARN Failed to find reverse path from remNode 0/300000 nlinks 3 to node 0/800000",
    "vm-node:9020:9031 [0] NCCL INFO /build/rccl/hipify/src/graph/paths.cc:608 -> 3",
    "vm-node:9020:9031 [0] NCCL INFO /build/rccl/hipify/src/init.cc:1248 -> 3",
    "vm-node:9020:9031 [0] NCCL INFO /build/rccl/hipify/src/group.cc:68 -> 3 [Async thread]",
    "vm-node:9020:9020 [2] NCCL INFO /build/rccl/hipify/src/group.cc:437 -> 3",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`nccl/internal-error names the topology search, and nccl/error stays quiet (${name})`, async () => {
      const r = await analyzeText(wrap(CHAIN) + "\n");
      expect(ids(r)).toEqual(["nccl/internal-error"]);
      const f = finding(r, "nccl/internal-error")!;
      expect(f.message).toBe(
        "NCCL returned ncclInternalError while searching its topology: node 0/800000 links to node 0/300000, but it found no path back from 0/300000 to 0/800000 (`Failed to find reverse path`). The PCI/NVLink/xGMI topology NCCL read is inconsistent: a virtual machine's emulated PCI tree, a topology file, or a driver that reports the links one way only. It is not a version or network problem.",
      );
      expect(f.remediation.some((x) => x.includes("NCCL_TOPO_DUMP_FILE"))).toBe(true);
      expect(r.facts.firstError?.line).toBe(3);
      expect(r.facts.nccl.firstWarn?.line).toBe(3);
      expect(library(r)).toBe("RCCL");
    });

  it("NVIDIA's NCCL prints the same WARN under its own path, caught by PyTorch as an internal error", async () => {
    const r = await analyzeText(
      [
        "a100-x:77:140 [1] graph/paths.cc:74 NCCL WARN Failed to find reverse path from remNode 0/41000 nlinks 2 to node 0/61000",
        "a100-x:77:140 [1] NCCL INFO graph/paths.cc:571 -> 3",
        "a100-x:77:140 [1] NCCL INFO init.cc:1090 -> 3",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["nccl/internal-error"]);
    expect(finding(r, "nccl/internal-error")!.message).toContain("no path back from 0/41000 to 0/61000");
    expect(library(r)).toBeUndefined();
  });

  it("an internal error without that WARN keeps the general message", async () => {
    const r = await analyzeText("a100-x:77:140 [1] NCCL INFO init.cc:1090 -> 3\na100-x:77:140 [1] NCCL INFO group.cc:64 -> 3 [Async thread]\n");
    expect(finding(r, "nccl/internal-error")!.message).toMatch(/^NCCL returned ncclInternalError\. It is often a consequence of another problem/);
  });
});

describe("a weight-sync communicator (trainer <-> inference workers) failing is no engine start-up", () => {
  // vLLM's weight-transfer engine on the trainer side, and the RLHF examples' stateless group helper, both build pynccl
  const TRAINER = [
    '  File "/work/rl/train_grpo.py", line 91, in setup_weight_sync',
    "    self.group = NCCLWeightTransferEngine.trainer_init(",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/distributed/weight_transfer/nccl_engine.py", line 300, in trainer_init',
    "    return NCCLWeightTransferEngine._stateless_init_process_group(",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/distributed/weight_transfer/nccl_engine.py", line 331, in _stateless_init_process_group',
    "    pynccl = PyNcclCommunicator(pg, device=device)",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/distributed/device_communicators/pynccl.py", line 135, in __init__',
    "    self.comm: ncclComm_t = self.nccl.ncclCommInitRank(",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/distributed/device_communicators/pynccl_wrapper.py", line 382, in NCCL_CHECK',
    '    raise RuntimeError(f"NCCL error: {error_str}")',
    "RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)",
  ].join("\n");
  const EXAMPLE = [
    "Traceback (most recent call last):",
    '  File "/work/rl/rlhf_colocate.py", line 40, in init_weight_update_group',
    "    self.model_update_group = stateless_init_process_group(",
    '  File "/work/rl/rlhf_utils.py", line 22, in stateless_init_process_group',
    "    pynccl = PyNcclCommunicator(pg, device=device)",
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl.py", line 99, in __init__',
    "    self.comm: ncclComm_t = self.nccl.ncclCommInitRank(",
    "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`vLLM's trainer_init: the NCCL error only (${name})`, async () => {
      const r = await analyzeText(wrap(TRAINER) + "\n");
      expect(ids(r)).toEqual(["nccl/cuda-error"]);
      expect(r.facts.firstError?.line).toBe(11);
    });

  it("the RLHF example's stateless_init_process_group: the NCCL error only", async () => {
    const r = await analyzeText(EXAMPLE + "\n");
    expect(ids(r)).toEqual(["nccl/system-error"]);
  });

  it("the same pynccl constructor under a worker's start-up is still the engine failing to start", async () => {
    const r = await analyzeText(
      [
        "(Worker_TP1 pid=612) ERROR 05-11 08:02:11 [multiproc_executor.py:700] WorkerProc failed to start.",
        "(Worker_TP1 pid=612) ERROR 05-11 08:02:11 [multiproc_executor.py:700] Traceback (most recent call last):",
        '(Worker_TP1 pid=612) ERROR 05-11 08:02:11 [multiproc_executor.py:700]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_worker.py", line 210, in init_device',
        "(Worker_TP1 pid=612) ERROR 05-11 08:02:11 [multiproc_executor.py:700]     init_worker_distributed_environment(self.vllm_config, self.rank,",
        '(Worker_TP1 pid=612) ERROR 05-11 08:02:11 [multiproc_executor.py:700]   File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/device_communicators/pynccl.py", line 135, in __init__',
        "(Worker_TP1 pid=612) ERROR 05-11 08:02:11 [multiproc_executor.py:700]     self.comm: ncclComm_t = self.nccl.ncclCommInitRank(",
        "(Worker_TP1 pid=612) ERROR 05-11 08:02:11 [multiproc_executor.py:700] RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["nccl/cuda-error", "vllm/engine-init-failed"]);
  });
});

describe("RCCL's SMI fallback failing to read a KFD topology node (misc/alt_rsmi.cc `Could not read node # N`)", () => {
  const KFD = [
    "gpu-pod-7:2210:2231 [1] NCCL INFO [node_id = 3; gpu_id = 41007; unique_id = 771; location_id = 3584; bdf = 3584; domain = 0; partition = 0], ",
    "",
    "gpu-pod-7:2210:2231 [1] /opt/rocm/rccl/hipify/src/misc/alt_rsmi.cc:653 NCCL WARN Could not read node # 6",
    "gpu-pod-7:2210:2231 [1] NCCL INFO initialized internal alternative rsmi functionality",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`nccl/error names the unreadable node and the GPU visibility to fix (${name})`, async () => {
      const r = await analyzeText(wrap(KFD) + "\n");
      expect(ids(r)).toEqual(["nccl/error"]);
      const f = finding(r, "nccl/error")!;
      expect(f.message).toBe(
        "NCCL reported an error: RCCL could not read KFD topology node 6 (/sys/class/kfd/kfd/topology/nodes/6), so the GPU topology it builds is incomplete. This happens when the process sees only some of the node's GPUs (a container or a scheduler cgroup, e.g. SLURM --gpus-per-task) or in a virtual machine; communicator set-up then fails (unhandled cuda error, or the topology search).",
      );
      expect(f.remediation[0]).toContain("--gpus-per-node");
      expect(r.facts.firstError?.line).toBe(3);
      expect(library(r)).toBe("RCCL");
    });
});
