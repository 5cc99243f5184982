import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r22 (vLLM on platforms other than NVIDIA CUDA: Google TPU, AWS Neuron, Intel Gaudi, Intel XPU,
 * the CPU backend and Ascend NPUs, from vllm-project/vllm, vllm-ascend, HabanaAI/vllm-fork, vllm-neuron and
 * intel/ipex-llm issues). The tool read every fact and problem of the round at first sight (TPU's `GPU KV cache size`
 * lines, `# HPU blocks` / `# npu blocks`, the CPU backend's KV-cache check, HCCL's ERR02200, Neuron's EngineCore) and
 * fired no CUDA or NCCL finding on them. What it did not explain was Intel's collective library failing on XPU: a worker's
 * first all_reduce ending in `RuntimeError: oneCCL: ze_fd_manager.cpp:N fill_device_fds: EXCEPTION: open failed: fd: -1`
 * (and oneCCL's own `|CCL_ERROR| file:line function: reason` records) was only "the engine did not start"; and on
 * Inferentia, the Neuron compiler wrapper's `ERROR ||NEURON_CC_WRAPPER||: Failed compilation with [<neuronx-cc command>]`
 * (a server that never came up) was a first error with no finding at all. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-04T05:06:07.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const NCCL_RULES = (r: Report) => ids(r).filter((id) => id.startsWith("nccl/") && id !== "nccl/oneccl-error");

describe("oneCCL failing in an XPU worker's first collective", () => {
  const egg = "/opt/venv/lib/python3.11/site-packages/vllm-0.7.3+xpu-py3.11.egg/vllm";
  const lines = [
    "INFO 04-02 09:14:20 __init__.py:207] Automatically detected platform xpu.",
    "Traceback (most recent call last):",
    `  File "${egg}/worker/worker_base.py", line 611, in init_device`,
    "    self.worker.init_device()  # type: ignore",
    `  File "${egg}/worker/xpu_worker.py", line 79, in init_device`,
    "    self.init_worker_distributed_environment()",
    `  File "${egg}/worker/xpu_worker.py", line 177, in init_worker_distributed_environment`,
    "    torch.distributed.all_reduce(torch.zeros(1).xpu())",
    '  File "/opt/venv/lib/python3.11/site-packages/torch/distributed/distributed_c10d.py", line 2801, in all_reduce',
    "    work = group.allreduce([tensor], opts)",
    "RuntimeError: oneCCL: ze_fd_manager.cpp:231 fill_device_fds: EXCEPTION: open failed: fd: -1, errno: Permission denied",
  ];
  it("names oneCCL's step and the device-handle fix, as the cause of the engine that did not start", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error").sort(), at).toEqual(["nccl/oneccl-error", "vllm/engine-init-failed"]);
      const f = r.findings.find((x) => x.ruleId === "nccl/oneccl-error")!;
      expect(f.message, at).toMatch(/failed in fill_device_fds \(ze_fd_manager\.cpp:231\): open failed: fd: -1, errno: Permission denied\. The ranks could not exchange/);
      expect(f.remediation[0], at).toMatch(/\/dev\/dri.*CCL_ZE_IPC_EXCHANGE=sockets/);
      expect(f.evidence.map((e) => e.line), at).toEqual([11]);
      expect(r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")?.causedBy, at).toEqual(["nccl/oneccl-error"]);
      expect(r.facts.firstError?.line, at).toBe(11);
      expect(NCCL_RULES(r), at).toEqual([]);
    });
  });
});

describe("oneCCL's logger before it throws, in Ray workers", () => {
  const lines = [
    "(RayWorkerWrapper pid=51210) 2025:01:09-17:02:44:(51210) |CCL_WARN| did not find MPI-launcher specific variables, switch to ATL/OFI, to force enable ATL/MPI set CCL_ATL_TRANSPORT=mpi",
    "(RayWorkerWrapper pid=51210) 2025:01:09-17:02:44:(51210) |CCL_WARN| fallback to 'sockets' mode of ze exchange mechanism, to use CCL_ZE_IPC_EXHANGE=drmfd, set CCL_LOCAL_RANK/SIZE explicitly  or use process launcher",
    "(RayWorkerWrapper pid=51210) 2025:01:09-17:02:44:(51210) |CCL_ERROR| base_thread.cpp:41 start: error while creating worker thread #0 pthread_create returns 22",
    "(RayWorkerWrapper pid=51210) 2025:01:09-17:02:44:(51210) |CCL_ERROR| exec.cpp:129 start_workers: condition workers.back()->start(cpu_affinity, mem_affinity) == ccl::status::success failed",
    "(RayWorkerWrapper pid=51210) RuntimeError: oneCCL: exec.cpp:129 start_workers: EXCEPTION: failed to start worker # 0",
  ];
  it("gives the worker-thread fix and reads no NCCL socket fallback from oneCCL's sockets exchange", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toContain("nccl/oneccl-error");
      const f = r.findings.find((x) => x.ruleId === "nccl/oneccl-error")!;
      expect(f.message, at).toMatch(/failed in start \(base_thread\.cpp:41\): error while creating worker thread #0 pthread_create returns 22\./);
      expect(f.message, at).toMatch(/could not start its worker threads/);
      expect(f.remediation[0], at).toMatch(/CCL_WORKER_AFFINITY/);
      expect(f.evidence.map((e) => e.line), at).toEqual([3, 4, 5]);
      expect(NCCL_RULES(r), at).toEqual([]);
      expect(r.facts.nccl.net, at).toBeNull();
    });
  });
});

describe("an XPU TP=2 start-up with oneCCL's warnings only", () => {
  const lines = [
    "(Worker pid=701) INFO 05-11 10:00:01 [parallel_state.py:1102] world_size=2 rank=0 local_rank=0 distributed_init_method=tcp://127.0.0.1:40111 backend=xccl",
    "(Worker pid=702) INFO 05-11 10:00:01 [parallel_state.py:1102] world_size=2 rank=1 local_rank=1 distributed_init_method=tcp://127.0.0.1:40111 backend=xccl",
    "2026:05:11-10:00:02:(  701) |CCL_WARN| topology recognition shows PCIe connection between devices. If this is not correct, you can disable topology recognition, with CCL_TOPO_FABRIC_VERTEX_CONNECTION_CHECK=0.",
    "2026:05:11-10:00:02:(  702) |CCL_WARN| pidfd is not supported, fallbacks to drmfd exchange mode",
    "2026:05:11-10:00:02:(  702) |CCL_WARN| no membind support for NUMA node 1, skip thread membind",
  ];
  it("is no finding and no error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(ids(r), at).not.toContain("nccl/oneccl-error");
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.distributed.worldSize, at).toBe(2);
    });
  });
});

describe("the Neuron compiler failing on a graph while the API server waits", () => {
  const wd = "/tmp/ubuntu/neuroncc_compile_workdir/5d0c1e2a-77aa-4b1c-9f30-0e6a2b1c8d44";
  const lines = [
    "(task, pid=20417) ..Waiting for vllm api server to start...",
    `(task, pid=20417) 2024-07-02 14:21:09.000315:  21733  INFO ||NEURON_CC_WRAPPER||: Call compiler with cmd: neuronx-cc compile --target=trn1 --framework=XLA ${wd}/model.MODULE_b7e2+2c2d707e.hlo_module.pb --output ${wd}/model.MODULE_b7e2+2c2d707e.neff --model-type=transformer --verbose=35`,
    "(task, pid=20417) ..Waiting for vllm api server to start...",
    `(task, pid=20417) 2024-07-02 14:27:51.000902:  21733  ERROR ||NEURON_CC_WRAPPER||: Failed compilation with ['neuronx-cc', 'compile', '--target=trn1', '--framework=XLA', '${wd}/model.MODULE_b7e2+2c2d707e.hlo_module.pb', '--output', '${wd}/model.MODULE_b7e2+2c2d707e.neff', '--model-type=transformer', '--verbose=35']: 2024-07-02T14:27:51Z Too many instructions after unroll for function sg0000 !`,
  ];
  it("names the graph, the compiler's reason and the bucket sizes, and nothing of CUDA or NCCL", async () => {
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/neuron-compile-failed"]);
      const f = r.findings[0];
      expect(f.message, at).toMatch(/failed to compile graph MODULE_b7e2\+2c2d707e: Too many instructions after unroll for function sg0000\. Without the compiled graph/);
      expect(f.remediation[0], at).toMatch(/--max-model-len and --max-num-seqs/);
      expect(f.evidence.map((e) => e.line), at).toEqual([4]);
      expect(r.facts.firstError?.line, at).toBe(4);
    });
  });
  it("the wrapper's call and the compiler flags alone are no finding", async () => {
    await eachWrap(lines.slice(0, 3), (r, at) => {
      expect(ids(r), at).toEqual([]);
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});
