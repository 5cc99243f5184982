import { ReportSchema, SCHEMA_VERSION, type Report } from "../src/facts/schema.js";

/** Secrets planted in the hand-built report: none may survive `--redact` in any format. */
export const PLANTED = {
  hfToken: "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
  openaiKey: "sk-proj-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  bearer: "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.ZmFrZXNpZw",
  apiKey: "s3cr3t-vllm-api-key-77",
  hostA: "gpu-node-alpha",
  hostB: "gpu-node-bravo",
  ipA: "10.42.7.11",
  ipB: "10.42.7.12",
  user: "jdoe",
  model: "/mnt/weights/acme-secret-llama-70b",
};

/** A report as analyze would build it for a two-node TP8 PP2 run over sockets, with hostile log text. */
export function sampleReport(overrides: Partial<Report> = {}): Report {
  const p = PLANTED;
  const ev = (line: number, text: string) => ({ file: `/home/${p.user}/runs/${p.hostA}.log`, line, text });
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "vllm-doctor", version: "0.1.0" },
    inputs: [
      { path: `/home/${p.user}/runs/${p.hostA}.log`, lines: 1200, bytes: 98765 },
      { path: `/home/${p.user}/runs/${p.hostB}.log`, lines: 1100, bytes: 87654 },
    ],
    facts: {
      vllm: { version: "0.9.1", engine: "v1" },
      config: {
        model: p.model, tensorParallelSize: 8, pipelineParallelSize: 2, dataParallelSize: 1, executorBackend: "ray",
        maxModelLen: 32768, gpuMemoryUtilization: 0.9, enableExpertParallel: null, nnodes: 2, nodeRank: 0,
        masterAddr: p.ipA, headless: null, dataParallelSizeLocal: null, dataParallelStartRank: null, dataParallelAddress: null, dtype: "bfloat16", quantization: null, kvCacheDtype: "auto", enforceEager: false,
        maxNumSeqs: 256, maxNumBatchedTokens: 8192, blockSize: 16, seed: 0, servedModelName: null, source: "banner",
      },
      distributed: { worldSize: 16, backend: "nccl", hostIp: p.ipA },
      gpu: { name: "NVIDIA H100 80GB HBM3", count: 8, memoryGiB: 79.19 },
      kvCache: { tokens: 1310000, maxConcurrency: 39.98, tokensPerRequest: 32768, gpuBlocks: null, cpuBlocks: null, availableGiB: 40.1, neededGiB: null, maxTokensStorable: null },
      memory: { modelWeightsGiB: 8.5, totalGpuGiB: 79.19, peakActivationGiB: 2.1, nonTorchGiB: 0.6, cudaGraphGiB: 0.9, cudaGraphEstimateGiB: null, loadSeconds: 31.2, initEngineSeconds: 55 },
      nccl: {
        version: "2.21.5", net: "Socket", ibHcas: null, gdr: false, ranks: 16, nodes: 2, initComplete: 16,
        transports: { "P2P/IPC": 96, "NET/Socket": 8 },
        firstWarn: ev(700, `${p.hostA}:2291:2291 [0] NCCL INFO NET/Socket : Using [0]eth0:${p.ipA}<0>`),
        versions: ["2.21.5"], hosts: [p.hostA, p.hostB],
        matrix: { "0": { "1": { "P2P/IPC": 2 } }, "7": { "8": { "NET/Socket": 2 } } },
        nodePairs: [
          { a: p.hostA, b: p.hostA, scope: "intra", kinds: { "P2P/IPC": 48 } },
          { a: p.hostA, b: p.hostB, scope: "inter", kinds: { "NET/Socket": 8 } },
          { a: p.hostB, b: p.hostB, scope: "intra", kinds: { "P2P/IPC": 48 } },
        ],
        interNode: { "NET/Socket": 8 },
        intraNode: { "P2P/IPC": 96 },
        netWithinHost: 0,
        namesakes: [],
        netChoices: [{ net: "Socket", hosts: ["node-a", "node-b"] }],
        interNodeNet: null,
        multiNode: true,
        communicators: [
          { id: "0x8b1f7c0e2d4a6b93", commId: "0x8b1f7c0e2d4a6b93", nranks: 16, nNodes: 2, ranksSeen: 16, hosts: [p.hostA, p.hostB], role: "world", transports: { "P2P/IPC": 96, "NET/Socket": 8 }, interNode: { "NET/Socket": 8 } },
        ],
        communicatorCount: 1,
        workerIps: [p.ipB],
        remotePeers: [],
        rankMap: [
          { rank: 0, host: p.hostA, pid: 2291, device: 0, busId: "18000", ncclVersion: "2.21.5", lastOpCount: null, lastCollective: null },
          { rank: 8, host: p.hostB, pid: 3310, device: 0, busId: "18000", ncclVersion: "2.21.5", lastOpCount: null, lastCollective: null },
        ],
        env: { NCCL_SOCKET_IFNAME: "eth0", HF_TOKEN: p.hfToken },
        bootstrapInterfaces: [`eth0:${p.ipA}`],
        warnCount: 1,
      },
      bench: { serve: null, throughput: null, latency: null, ncclTests: null, runs: [] },
      runtime: null,
      firstError: ev(901, `${p.hostB}:3310:3310 [8] NCCL WARN Net : Connect to ${p.ipA}<43511> failed : Connection refused`),
      firstWarning: null,
      server: { ready: false, readyLine: null },
      env: { NCCL_SOCKET_IFNAME: "eth0", NCCL_IB_DISABLE: "1" },
      sources: { "kvCache.tokens": ev(640, "INFO 07-25 10:11:12 [kv_cache_utils.py:634] GPU KV cache size: 1,310,000 tokens") },
      missing: [{ fact: "nccl.ibHcas", why: "no NET/IB lines | the run used sockets", howToGet: "set NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=INIT,NET" }],
    },
    findings: [
      {
        ruleId: "nccl/socket-fallback",
        severity: "error",
        title: "Inter-node NCCL traffic over TCP sockets",
        message: `Ranks on ${p.hostA} and ${p.hostB} talk over NET/Socket | pipes | and \`backticks\` and <script>alert(1)</script> & more`,
        evidence: [
          ev(812, `${p.hostA}:2291:2400 [7] NCCL INFO Channel 00/0 : 7[7] -> 8[0] [send] via NET/Socket/0 \`\`\`\` | <b>x</b>`),
          ev(813, `(RayWorkerWrapper pid=3310, ip=${p.ipB}) Authorization: Bearer ${p.bearer} \u001b[31mred\u001b[0m \u0000nul \uD800 ]]>`),
        ],
        evidenceCount: 8,
        remediation: ["Set NCCL_IB_HCA to the InfiniBand devices", "Check `ibv_devinfo` on every node"],
        docs: "docs/rules/nccl/socket-fallback.md",
      },
      {
        ruleId: "vllm/low-concurrency",
        severity: "warning",
        title: "Low maximum concurrency",
        message: `Command line: vllm serve ${p.model} --api-key ${p.apiKey} --hf-token ${p.hfToken} OPENAI_API_KEY=${p.openaiKey}`,
        evidence: [{ file: `/Users/${p.user}/logs/${p.hostB}.log`, line: 3, text: `args: Namespace(model='${p.model}', api_key='${p.apiKey}', host='${p.ipB}')` }],
        remediation: [],
        docs: "docs/rules/vllm/low-concurrency.md",
      },
      {
        ruleId: "vllm/custom-allreduce-disabled",
        severity: "info",
        title: "Custom all-reduce disabled",
        message: "Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs.",
        evidence: [],
        remediation: [],
        docs: "docs/rules/vllm/custom-allreduce-disabled.md",
      },
    ],
    summary: { errors: 1, warnings: 1, infos: 1 },
    notices: ["a notice with | pipe"],
    ...overrides,
  };
  return ReportSchema.parse(report);
}

/** A two-node Ray TP2 PP2 run: the head node's vLLM lines and NCCL lines from both hosts, interleaved. */
export const TWO_HOST_LOG = [
  "INFO 07-25 10:11:10 [__init__.py:244] Automatically detected platform cuda.",
  "INFO 07-25 10:11:11 [api_server.py:1395] vLLM API server version 0.9.1",
  "INFO 07-25 10:11:11 [config.py:1472] Using max model len 32768",
  "node-head:1234:1234 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
  "node-head:1234:1250 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.1<0>",
  "node-head:1234:1250 [0] NCCL INFO Using network Socket",
  "node-head:1234:1250 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
  "node-head:1235:1251 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via NET/Socket/0",
  "node-worker:2234:2234 [2] NCCL INFO NCCL version 2.21.5+cuda12.4",
  "node-worker:2234:2250 [2] NCCL INFO Using network Socket",
  "node-worker:2234:2250 [2] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via NET/Socket/0",
  "node-worker:2234:2250 [2] NCCL INFO Channel 00/0 : 2[0] -> 3[1] via P2P/IPC",
  "node-worker:2235:2251 [3] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [send] via NET/Socket/0",
  "node-worker:2235:2251 [3] NCCL WARN Net : Connect to 10.1.0.1<43511> failed : Connection refused",
  "node-head:1234:1250 [0] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [receive] via NET/Socket/0",
  "node-head:1234:1250 [0] NCCL INFO comm 0x5555 rank 0 nranks 4 cudaDev 0 busId 18000 commId 0x1 - Init COMPLETE",
  "node-worker:2234:2250 [2] NCCL INFO comm 0x5556 rank 2 nranks 4 cudaDev 0 busId 18000 commId 0x1 - Init COMPLETE",
  "INFO 07-25 10:11:40 [kv_cache_utils.py:634] GPU KV cache size: 1,310,000 tokens",
  "INFO 07-25 10:11:40 [kv_cache_utils.py:637] Maximum concurrency for 32,768 tokens per request: 39.98x",
  "",
].join("\n");
