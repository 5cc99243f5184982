import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

const WRAPS: [string, (l: string) => string, string][] = [
  ["bare", (l) => l, "\n"],
  ["CRLF", (l) => l, "\r\n"],
  ["kubectl --timestamps", (l) => `2026-01-28T20:19:24.551203117Z ${l}`, "\n"],
  ["docker compose", (l) => `vllm-node1-1  | ${l}`, "\n"],
  ["Ray prefix", (l) => `(RayWorkerWrapper pid=6120, ip=10.3.1.8) ${l}`, "\n"],
];

// a V0 worker whose process group set-up waited in the store for the Gloo helper group's key (TORCH_DISTRIBUTED_DEBUG=DETAIL)
const V0_WRAPPER = [
  "(VllmWorkerProcess pid=5120) ERROR 01-28 20:19:24 multiproc_worker_utils.py:240] Exception in worker VllmWorkerProcess while processing method init_device.",
  "(VllmWorkerProcess pid=5120) ERROR 01-28 20:19:24 multiproc_worker_utils.py:240] Traceback (most recent call last):",
  '(VllmWorkerProcess pid=5120) ERROR 01-28 20:19:24 multiproc_worker_utils.py:240]   File "/usr/lib/python3.12/site-packages/torch/distributed/distributed_c10d.py", line 4210, in _create_process_group_wrapper',
  "(VllmWorkerProcess pid=5120) ERROR 01-28 20:19:24 multiproc_worker_utils.py:240]     helper_pg = ProcessGroupGloo(store, rank, world_size, timeout=timeout)",
  "(VllmWorkerProcess pid=5120) ERROR 01-28 20:19:24 multiproc_worker_utils.py:240]   torch.distributed.DistStoreError: wait timeout after 600000ms, keys: /default_pg/0//2//cuda//pg_wrapper:2/0/0",
];

type Report = Awaited<ReturnType<typeof analyzeText>>;
const of = (r: Report) => r.findings.filter((f) => f.ruleId === "nccl/bootstrap-failure");

describe("nccl/bootstrap-failure: a store wait that ran out (log text in, report out)", () => {
  it("a V0 worker waiting for the Gloo helper group, under every wrapper: the key, the time, TORCH_DISTRIBUTED_DEBUG", async () => {
    for (const [name, wrap, eol] of WRAPS) {
      const r = await analyzeText(V0_WRAPPER.map(wrap).join(eol) + eol);
      const f = of(r);
      expect(f.map((x) => x.severity), name).toEqual(["error"]);
      expect(f[0].message, name).toBe(
        "A rank waited 10 min in torch's c10d store for the key /default_pg/0//2//cuda//pg_wrapper:2/0/0 that the other ranks of the same process group write when they create it, and it never came. This rank reached the store (its address and port work); the other ranks did not reach the same step in time: they crashed or hung before it, were still loading, or were started with another world size or rank layout. The key is that of the Gloo helper group PyTorch adds to every group when TORCH_DISTRIBUTED_DEBUG=DETAIL is set, which connects every pair of ranks over TCP. This is PyTorch's process group set-up, before any NCCL call.",
      );
      expect(f[0].evidence.map((e) => e.line), name).toEqual([5]);
      expect(f[0].remediation[0], name).toMatch(/^Read the other ranks' own output/);
      expect(f[0].remediation[2], name).toMatch(/^Unset TORCH_DISTRIBUTED_DEBUG/);
      expect(r.verdict, name).toMatch(/^Failed \(nccl\/bootstrap-failure, which explains vllm\/engine-init-failed\): A rank waited 10 min in torch's c10d store/);
    }
  });

  it("a V1 worker's line as grep printed it (file name in front), the global group's Gloo key: the interface advice instead", async () => {
    const r = await analyzeText(
      "job_node0.out:(Worker pid=7711) ERROR 07-14 02:10:55 [multiproc_executor.py:944] torch.distributed.DistStoreError: wait timeout after 1800000ms, keys: /default_pg/0//1//cpu//0/1\n",
    );
    const f = of(r);
    expect(f.map((x) => x.severity)).toEqual(["error"]);
    expect(f[0].message).toMatch(/^A rank waited 30 min in torch's c10d store for the key \/default_pg\/0\/\/1\/\/cpu\/\/0\/1 that .* rank layout\. This is PyTorch's process group set-up, before any NCCL call\.$/);
    expect(f[0].remediation[2]).toMatch(/^Across nodes, pin Gloo and NCCL to the interface the nodes share \(GLOO_SOCKET_IFNAME, NCCL_SOCKET_IFNAME\)/);
  });

  it("NCCL's unique-id fetch that timed out in the store keeps its own explanation", async () => {
    const r = await analyzeText(
      "[rank3]: torch.distributed.DistBackendError: [3] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key '0', but store->get('0') got error: wait timeout after 600000ms, keys: /default_pg/0//cuda//0\n",
    );
    const f = of(r);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^Rank 3 could not get NCCL's unique id from rank 0 through torch's c10d key-value store/);
  });
});
