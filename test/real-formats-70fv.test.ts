import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70fv: logs pasted into forum threads (discuss.vllm.ai, a Discourse forum). Its composer turns
 * a paste into markdown and escapes what markdown would read: vLLM's record header becomes `INFO 04-24 10:21:03
 * \[gpu_model_runner.py:4820\] …` (already read), and the same paste's NCCL lines become `host:pid:tid \[0\] NCCL INFO
 * Channel 00/0 : 0\[0\] -> 1\[1\] via P2P/IPC`, which NCCL's readers did not take for NCCL's lines: no transport, no
 * node. Its typographer also curls the quotes of a dict (`{‘model’: ‘…’, ‘tensor_parallel_size’: 2}`). Every log text
 * here is written for the test in the printed layout, under wrappers the forum posts did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-04-24T10:21:03.118204113Z ${l}`],
  ["docker compose", (l) => `vllm-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=7712, ip=10.8.0.5) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("NCCL lines with a markdown editor's bracket escapes", () => {
  const lines = [
    "INFO 04-24 10:20:41 \\[api_server.py:1755\\] vLLM API server version 0.9.2",
    "(VllmWorker rank=0 pid=301) INFO 04-24 10:20:58 \\[pynccl.py:70\\] vLLM is using nccl==2.26.2",
    "node-a:301:301 \\[0\\] NCCL INFO NCCL\\_SOCKET\\_IFNAME set by environment to eth0",
    "node-a:301:318 \\[0\\] NCCL INFO Channel 00/0 : 0\\[0\\] -> 1\\[1\\] via P2P/IPC",
    "node-a:302:319 \\[1\\] NCCL INFO Channel 00/0 : 1\\[1\\] -> 0\\[0\\] via P2P/IPC",
    "node-a:301:318 \\[0\\] NCCL INFO Channel 01/0 : 0\\[0\\] -> 1\\[1\\] via P2P/IPC",
    "node-a:301:318 \\[0\\] NCCL INFO ncclCommInitRank comm 0x55d0a1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x7e - Init COMPLETE",
    "node-a:302:319 \\[1\\] NCCL INFO ncclCommInitRank comm 0x55d0b2 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2000 commId 0x7e - Init COMPLETE",
  ];

  it("reads the transports, ranks, node and init lines as printed NCCL lines would give them", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.version, at).toBe("2.26.2");
      expect(n.transports["P2P/IPC"], at).toBe(3);
      expect(n.ranks, at).toBe(2);
      expect(n.nodes, at).toBe(1);
      expect(n.initComplete, at).toBe(2);
      expect(r.facts.vllm.version, at).toBe("0.9.2");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("gives the same facts as the unescaped paste", async () => {
    const escaped = await analyzeText(join(lines, (l) => l));
    const plain = await analyzeText(join(lines.map((l) => l.replace(/\\([[\]_])/g, "$1")), (l) => l));
    // the evidence quotes each line as pasted; every number and name read from it is the same
    const noQuotes = (n: unknown) => JSON.parse(JSON.stringify(n, (k, v) => (k === "text" || k === "file" ? undefined : v)));
    expect(noQuotes(escaped.facts.nccl)).toEqual(noQuotes(plain.facts.nccl));
    expect(escaped.facts.nccl.firstConnections?.["P2P/IPC"]?.text).toContain("0\\[0\\] -> 1\\[1\\]");
  });

  it("an escaped NCCL WARN is the first warning and the first error, quoted as pasted", async () => {
    const warn = "node-b:44:51 \\[1\\] include/socket.h:412 NCCL WARN Net : Connection closed by remote peer 10.0.0.7<54412>";
    await eachWrap([...lines.slice(0, 4), warn], (r, at) => {
      expect(r.facts.nccl.firstWarn?.line, at).toBe(5);
      expect(r.facts.nccl.firstWarn?.text, at).toContain("\\[1\\] include/socket.h:412 NCCL WARN");
      expect(r.facts.firstError?.line, at).toBe(5);
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(ids(r), at).toContain("nccl/remote-process-exited");
    });
  });

  it("near misses: a backslash-bracket in prose or in a vLLM message is no NCCL line", async () => {
    const r = await analyzeText(
      [
        "I grep for node-a:301:318 \\[0\\] lines but see no Channel lines at all",
        "INFO 04-24 10:21:03 \\[loader.py:12\\] pattern \\[0\\] -> 1\\[1\\] via P2P/IPC is only a message",
        "the doc says `0\\[0\\] -> 1\\[1\\] via P2P/IPC` in a sentence",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(0);
    expect(r.facts.nccl.nodes).toBeNull();
    expect(r.facts.nccl.ranks).toBeNull();
  });
});

describe("PyTorch's lines with the same escapes", () => {
  const lines = [
    "(EngineCore_DP0 pid=140) ERROR 05-02 08:16:02 \\[core.py:718\\] EngineCore failed to start.",
    "\\[rank0\\]:\\[W502 08:16:03.785450177 ProcessGroupNCCL.cpp:1476\\] WARNING: destroy\\_process\\_group() was not called before program exit",
    "\\[rank1\\]:\\[E502 08:16:03.101274338 ProcessGroupNCCL.cpp:616\\] \\[Rank 1\\] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600012 milliseconds before timing out.",
    "node-b:812:830 \\[3\\] NCCL INFO Channel 00/0 : 3\\[3\\] -> 7\\[3\\] \\[send\\] via NET/Socket/0",
  ];
  it("reads torchrun's rank tags, the watchdog's values and the send connection", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(4);
      expect(r.facts.nccl.transports["NET/Socket"], at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
      const t = r.findings.find((f) => f.ruleId === "nccl/collective-timeout");
      expect(t?.message, at).toContain("Rank 1 waited in ALLREDUCE (SeqNum 5) longer than the 600 s timeout");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
  it("near miss: an escaped bracket that is neither NCCL's device nor torchrun's tag leaves the line as pasted", async () => {
    const r = await analyzeText("see \\[rank\\] in the docs: \\[E502 is a glog head\\]\n");
    expect(r.facts.nccl.ranks).toBeNull();
    expect(r.facts.firstError).toBeNull();
  });
});

describe("a forum post's curled quotes and prose around the log", () => {
  const lines = [
    "INFO 09-13 13:31:16 [api_server.py:1755] vLLM API server version 0.10.1.dev1+gbcc0a3cbe",
    "INFO 09-13 13:31:16 [cli_args.py:261] non-default args: {‘model_tag’: ‘Qwen/Qwen3-8B’, ‘model’: ‘Qwen/Qwen3-8B’, ‘tensor_parallel_size’: 2, ‘gpu_memory_utilization’: 0.85, ‘max_model_len’: 32768}",
    "INFO 09-13 13:31:43 [core.py:71] Initializing a V1 LLM engine (v0.10.1.dev1+gbcc0a3cbe) with config: model=‘Qwen/Qwen3-8B’, speculative_config=None, tokenizer=‘Qwen/Qwen3-8B’",
  ];
  it("reads the model and the settings out of the curled dict", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("Qwen/Qwen3-8B");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
      expect(r.facts.config.maxModelLen, at).toBe(32768);
      expect(r.facts.vllm.version, at).toBe("0.10.1.dev1+gbcc0a3cbe");
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });
  it("prose that names a setting is no fact", async () => {
    const r = await analyzeText(
      "I start it with --tensor-parallel-size 2 and --gpu-memory-utilization 0.95 but it is slow.\nAlso tried max_model_len=8192 and NCCL_P2P_DISABLE=1, same thing.\n",
    );
    expect(r.facts.config.tensorParallelSize).toBeNull();
    expect(r.facts.config.gpuMemoryUtilization).toBeNull();
    expect(r.facts.config.maxModelLen).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});
