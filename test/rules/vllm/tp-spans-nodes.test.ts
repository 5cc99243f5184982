import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/tp-spans-nodes.js";
import { run } from "../helpers.js";
import { analyzeText } from "../analyze-text.js";
import { clusterLog } from "../../helpers/cluster-logs.js";

const IB = "If TP must span nodes, make sure NCCL uses InfiniBand with GPU Direct RDMA (look for `via NET/IB/<n>/GDRDMA` with NCCL_DEBUG=INFO).";

describe("vllm/tp-spans-nodes", () => {
  it("fires when TP is larger than a node", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 } } });
    expect(f).toHaveLength(1);
    expect(f[0].remediation[0]).toContain("--tensor-parallel-size 8 --pipeline-parallel-size 2");
  });
  it("stays quiet for TP inside a node and PP across nodes", () => {
    expect(run(rule, { facts: { config: { tensorParallelSize: 8, pipelineParallelSize: 2, nnodes: 2 } } })).toEqual([]);
  });
  it("carries the plan's advice with the log's numbers: TP 16 on two nodes", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 } } });
    expect(f[0].remediation).toEqual([
      "tensor_parallel_size 16 spans nodes of 8 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 8 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
      IB,
    ]);
  });
  it("takes the node size from NCCL's hosts and ranks: TP 8 over two nodes of 4 GPUs (through the pipeline)", async () => {
    const log = clusterLog({ nodes: [{ host: "gpu-a", ip: "10.0.0.1" }, { host: "gpu-b", ip: "10.0.0.2" }], gpusPerNode: 4, tp: 8, pp: 1, net: "IB-GDR", vllmHeader: true });
    const f = (await analyzeText(log)).findings.filter((x) => x.ruleId === "vllm/tp-spans-nodes");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("NCCL's 8-rank communicator runs on 2 nodes (gpu-a, gpu-b)");
    expect(f[0].remediation[0]).toBe(
      "tensor_parallel_size 8 spans nodes of 4 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 4 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
    );
  });
  it("stays quiet when NCCL counts the TP group's hosts as one node (GB200 NVL72's multi-node NVLink), and fires when it counts two", async () => {
    const banner = (tp: number) => `INFO 06-10 08:00:00 [core.py:69] Initializing a V1 LLM engine (v0.10.1) with config: model='org/big-moe', tensor_parallel_size=${tp}, pipeline_parallel_size=1, max_seq_len=32768`;
    const nvl = (nNodes: number, kind: string) => [
      `nvl-a:500:520 [0] NCCL INFO comm 0x5500 rank 0 nRanks 8 nNodes ${nNodes} localRanks 4 localRank 0 MNNVL ${nNodes === 1 ? 1 : 0}`,
      `nvl-b:700:720 [0] NCCL INFO comm 0x7700 rank 4 nRanks 8 nNodes ${nNodes} localRanks 4 localRank 0 MNNVL ${nNodes === 1 ? 1 : 0}`,
      `nvl-a:503:523 [3] NCCL INFO Channel 00/0 : 3[3] -> 4[0] via ${kind}`,
      `nvl-b:707:727 [3] NCCL INFO Channel 00/0 : 7[3] -> 0[0] via ${kind}`,
      "nvl-a:500:520 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM",
    ];
    const spans = async (lines: string[]) => (await analyzeText(lines.join("\n") + "\n")).findings.filter((x) => x.ruleId === "vllm/tp-spans-nodes");
    // (it said "NCCL's 8-rank communicator runs on 1 nodes (nvl-a, nvl-b)" and that every layer all-reduces over the network)
    expect(await spans([banner(8), ...nvl(1, "P2P/MNNVL")])).toEqual([]);
    // more ranks than a node of 8 GPUs holds, in one NVLink domain: one node for NCCL, so no layout advice either
    expect(await spans([banner(16), ...nvl(1, "P2P/MNNVL").map((l) => l.replace("nRanks 8", "nRanks 16"))])).toEqual([]);
    const split = await spans([banner(8), ...nvl(2, "NET/IB/0/GDRDMA")]);
    expect(split).toHaveLength(1);
    expect(split[0].message).toContain("NCCL's 8-rank communicator runs on 2 nodes (nvl-a, nvl-b)");
  });
  it("assumes nodes of maxGpusPerNode when the log shows no node size", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16 } } });
    expect(f[0].remediation[0]).toBe(
      "tensor_parallel_size 16 spans nodes of 8 GPUs, so every layer's all-reduce crosses the network: use --tensor-parallel-size 8 --pipeline-parallel-size 2 (TP = GPUs per node, PP = nodes).",
    );
  });
  it("adds the no-NVLink advice for a PCIe GPU", () => {
    const f = run(rule, { facts: { config: { tensorParallelSize: 16, pipelineParallelSize: 1, nnodes: 2 }, gpu: { name: "NVIDIA L40S" } } });
    expect(f[0].remediation[1]).toBe(
      "NVIDIA L40S GPUs have no NVLink, so tensor parallelism over 16 GPUs runs its all-reduce over PCIe: prefer pipeline parallelism, --tensor-parallel-size 1 --pipeline-parallel-size 16.",
    );
  });
  it("stays quiet when Ray's ip= names the one node every rank is on (a Ray head without GPUs), and fires when a rank is elsewhere", async () => {
    const worker = (pid: number, dev: number, text: string) => `(RayWorkerWrapper pid=${pid}, ip=10.8.1.4) gpu-pool-2:${pid}:${pid} [${dev}] NCCL INFO ${text}`;
    const oneNode = [
      "INFO 06-10 08:00:00 [core.py:61] Initializing a V1 LLM engine (v0.9.2) with config: model='org/chat-14b', tensor_parallel_size=2, pipeline_parallel_size=1, data_parallel_size=1, distributed_executor_backend=ray",
      worker(401, 0, "Bootstrap : Using eth0:10.8.1.4<0>"),
      worker(401, 0, "Using network Socket"),
      worker(402, 1, "Using network Socket"),
      worker(401, 0, "ncclCommInitRank comm 0x7e01 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x51f - Init START"),
      worker(402, 1, "ncclCommInitRank comm 0x7e02 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2a000 commId 0x51f - Init START"),
      worker(401, 0, "Channel 00/0 : 0[0] -> 1[1] via P2P/IPC"),
      worker(402, 1, "Channel 00/0 : 1[1] -> 0[0] via P2P/IPC"),
      worker(401, 0, "ncclCommInitRank comm 0x7e01 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x51f - Init COMPLETE"),
      worker(402, 1, "ncclCommInitRank comm 0x7e02 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2a000 commId 0x51f - Init COMPLETE"),
    ];
    for (const wrap of [(l: string) => l, (l: string) => `2026-06-10T08:00:01.000000000Z ${l}`]) {
      const r = await analyzeText(oneNode.map(wrap).join("\n"));
      expect(r.facts.nccl.multiNode).toBe(false);
      expect(r.findings.map((x) => x.ruleId)).toEqual([]);
    }
    // a second communicator's rank 1 on the driver's node, without Ray's prefix: the run spans two nodes
    const spread = [...oneNode.slice(0, 6), "gpu-head:77:77 [0] NCCL INFO ncclCommInitRank comm 0x9a01 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x52f - Init START"];
    const r = await analyzeText(spread.join("\n"));
    expect(r.facts.nccl.multiNode).toBe(true);
  });
  it("V1 over Ray without NCCL lines: one `ip=` on every worker is one node (the driver, its engine core, holds no GPU); a worker without `ip=` or a second address is a second node", async () => {
    const api = "(APIServer pid=1201) ";
    const core = "(EngineCore_0 pid=1290) ";
    const at = (ip: string | null) => (pid: number) => `(RayWorkerWrapper pid=${pid}${ip ? `, ip=${ip}` : ""}) `;
    const run = (worker: (pid: number) => string, nested: boolean, second = worker) => [
      `${api}INFO 06-10 09:00:03 [cli_args.py:325] non-default args: {'model': 'org/chat-32b', 'tensor_parallel_size': 4, 'distributed_executor_backend': 'ray'}`,
      `${core}INFO 06-10 09:00:14 [core.py:69] Initializing a V1 LLM engine (v0.9.1) with config: model='org/chat-32b', tensor_parallel_size=4, pipeline_parallel_size=1, max_seq_len=16384`,
      `${core}2025-06-10 09:00:15,120 INFO worker.py:1918 -- Connected to Ray cluster.`,
      ...[811, 812, 813, 814].map((pid, i) => `${nested ? core : ""}${(i < 2 ? worker : second)(pid)}INFO 06-10 09:00:24 [pynccl.py:70] vLLM is using nccl==2.26.2`),
      `${nested ? core : ""}${worker(811)}INFO 06-10 09:00:31 [gpu_model_runner.py:1595] Model loading took 15.2 GiB and 12.1 seconds`,
      `${core}INFO 06-10 09:00:40 [kv_cache_utils.py:716] GPU KV cache size: 210,432 tokens`,
    ];
    const read = async (lines: string[], wrap: (l: string) => string) => {
      const r = await analyzeText(lines.map(wrap).join("\n") + "\n");
      return { onDriverNode: r.facts.distributed.workersOnDriverNode, ids: r.findings.map((x) => x.ruleId) };
    };
    for (const wrap of [(l: string) => l, (l: string) => `2025-06-10T09:00:01.000000000Z ${l}`, (l: string) => `${l}\r`])
      for (const nested of [true, false]) {
        const at0 = `${nested ? "nested" : "flat"} ${JSON.stringify(wrap("x"))}`;
        expect(await read(run(at("10.0.0.5"), nested), wrap), at0).toEqual({ onDriverNode: undefined, ids: [] });
        // half the workers on the driver's node (Ray writes no `ip=` there), half on 10.0.0.5
        expect(await read(run(at("10.0.0.5"), nested, at(null)), wrap), at0).toEqual({ onDriverNode: true, ids: ["vllm/tp-spans-nodes"] });
        expect(await read(run(at("10.0.0.5"), nested, at("10.0.0.6")), wrap), at0).toEqual({ onDriverNode: undefined, ids: ["vllm/tp-spans-nodes"] });
        // all on the driver's node: no address at all
        expect(await read(run(at(null), nested), wrap), at0).toEqual({ onDriverNode: true, ids: [] });
      }
    // V0's driver holds rank 0 itself: a worker at another address is a second node
    const v0 = run(at("10.0.0.5"), false).map((l) => l.replace("Initializing a V1 LLM engine", "Initializing a V0 LLM engine").replace(core, "").replace(api, "").replace("[core.py:69]", "[llm_engine.py:234]"));
    expect(await read(v0, (l) => l)).toEqual({ onDriverNode: undefined, ids: ["vllm/tp-spans-nodes"] });
  });
  it("falls back to the rule's own advice when only Ray shows the second node (through the pipeline)", async () => {
    const log = [
      "INFO 02-26 14:02:22 llm_engine.py:234] Initializing a V0 LLM engine (v0.7.3) with config: model='m', tensor_parallel_size=4, pipeline_parallel_size=1, seed=0",
      "(RayWorkerWrapper pid=5, ip=10.0.0.2) WARNING 02-26 14:02:30 x.py:1] something",
    ].join("\n");
    const f = (await analyzeText(log)).findings.filter((x) => x.ruleId === "vllm/tp-spans-nodes");
    expect(f[0].message).toContain("Ray workers on another node (10.0.0.2)");
    expect(f[0].remediation).toEqual(["Set --tensor-parallel-size to the GPUs per node and --pipeline-parallel-size to the number of nodes.", IB]);
  });
  it("stays quiet when the engine itself is a Ray actor at its workers' one address (a Ray Serve replica), and fires when they differ", async () => {
    const banner = "INFO 03-11 09:14:02 llm_engine.py:237] Initializing an LLM engine (v0.6.3.post1) with config: model='Qwen/Qwen2.5-32B-Instruct', tensor_parallel_size=4, pipeline_parallel_size=1, device_config=cuda, seed=0";
    const replica = (ip: string) => `(ServeReplica:default:VLLMDeployment pid=5120, ip=${ip}) `;
    const worker = (pid: number, ip: string) => `(RayWorkerWrapper pid=${pid}, ip=${ip}) INFO 03-11 09:14:09 pynccl.py:63] vLLM is using nccl==2.20.5`;
    const spans = async (lines: string[]) => {
      const r = await analyzeText(lines.join("\n") + "\n");
      return { address: r.facts.distributed.engineAddress, ids: r.findings.map((x) => x.ruleId) };
    };
    const together = [replica("10.4.2.17") + banner, worker(5288, "10.4.2.17"), worker(5289, "10.4.2.17")];
    for (const wrap of [(l: string) => l, (l: string) => `2025-03-11T09:14:02.000000000Z ${l}`, (l: string) => `${l}\r`])
      expect(await spans(together.map(wrap))).toEqual({ address: "10.4.2.17", ids: [] });
    // the banner without Ray's prefix: the engine runs where the driver does, its workers elsewhere
    expect(await spans([banner, worker(5288, "10.4.2.17")])).toEqual({ address: null, ids: ["vllm/tp-spans-nodes"] });
    // a worker at another address than the engine's, or two addresses
    expect(await spans([replica("10.4.2.17") + banner, worker(5288, "10.4.2.18")])).toEqual({ address: "10.4.2.17", ids: ["vllm/tp-spans-nodes"] });
    expect(await spans([...together, worker(5290, "10.4.2.18")])).toEqual({ address: "10.4.2.17", ids: ["vllm/tp-spans-nodes"] });
  });
  it("takes NCCL's own `nNodes 1` for a communicator of the whole run as every rank on the Ray workers' one node, when the paste shows only some of its ranks", async () => {
    const h = "wk-r9700:60412";
    const lines = [
      `${h}:60420 [2] NCCL INFO ncclCommInitAll_impl comm 0x31a0c2f0 rank 2 nranks 4 cudaDev 2 nvmlDev 2 busId 43000 commId 0x5d1e22c0a9b7f310 - Init START`,
      `${h}:60419 [1] NCCL INFO Using network Socket`,
      `${h}:60419 [1] NCCL INFO ncclCommInitAll_impl comm 0x30ff8a10 rank 1 nranks 4 cudaDev 1 nvmlDev 1 busId 23000 commId 0x5d1e22c0a9b7f310 - Init START`,
      `${h}:60421 [3] NCCL INFO comm 0x31b2d470 rank 3 nRanks 4 nNodes 1 localRanks 4 localRank 3 MNNVL 0`,
    ];
    const ray = (l: string) => `(RayWorkerWrapper pid=60412, ip=10.0.0.9) ${l}`;
    const quiet = await analyzeText(lines.map(ray).join("\n") + "\n");
    expect(quiet.facts.nccl.multiNode).toBe(false);
    expect(quiet.findings.map((x) => x.ruleId)).toEqual([]);
    // NCCL saying two nodes, or not saying: the Ray address still reads as another node
    const two = await analyzeText(lines.map((l) => ray(l.replace("nNodes 1", "nNodes 2"))).join("\n") + "\n");
    expect(two.findings.map((x) => x.ruleId)).toContain("nccl/socket-fallback");
    const unsaid = await analyzeText(lines.slice(0, 3).map(ray).join("\n") + "\n");
    expect(unsaid.findings.map((x) => x.ruleId)).toContain("nccl/socket-fallback");
  });
});
