import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachCommonWrap, logText } from "./rules/analyze-text.js";

/**
 * Formats met in round 80r43 (vLLM 0.2–0.6 multi-GPU runs on Ray and multiprocessing with NCCL lines:
 * `RayWorkerVllm`/`RayWorkerWrapper`/`VllmWorkerProcess` prefixes, a Ray Data `_MapWorker` and a Ray Serve
 * `_EngineBackgroundProcess` around vLLM and NCCL records, a 4-space indented paste, and a paste made inside an HTML
 * `<details>` block of a comment, where each line ends in the `<br/>` tag the user typed). The tool read the round's
 * labelled facts and problems at first sight; what it got wrong was that last shape: a value at the end of its line took
 * the tag with it (`Using network Socket<br/>` read as the network `Socket<br/>`, `vLLM API server version 0.4.3<br/>`
 * as version `0.4.3<br/>`, and a bare `NCCL version ..<br/>` line was not read at all). Every log text here is written
 * for the test.
 */

describe("a log pasted in an HTML block, each line ending in a <br/> tag", () => {
  const w = "(RayWorkerVllm pid=4410, ip=10.8.3.22)";
  const lines = [
    "root@gpu-a:/# python3 -m vllm.entrypoints.openai.api_server --model /data/qwen-14b/ --tensor-parallel-size 2 --enforce-eager <br/>",
    "INFO 05-07 09:12:40 api_server.py:149] vLLM API server version 0.4.1<br/>",
    "2024-05-07 09:12:41,208\tINFO worker.py:1567 -- Connecting to existing Ray cluster at address: 10.8.3.21:6379...<br/>",
    "INFO 05-07 09:12:41 llm_engine.py:98] Initializing an LLM engine (v0.4.1) with config: model='/data/qwen-14b/', tokenizer='/data/qwen-14b/', dtype=torch.float16, max_seq_len=8192, load_format=auto, tensor_parallel_size=2, disable_custom_all_reduce=False, quantization=None, enforce_eager=True, seed=0)<br/>",
    `${w} INFO 05-07 09:12:50 pynccl_utils.py:45] vLLM is using nccl==2.18.1 <br/>`,
    "gpu-a:7101:7101 [0] NCCL INFO Bootstrap : Using eth0:10.8.3.21<0><br/>",
    "gpu-a:7101:7101 [0] NCCL INFO NET/IB : No device found.<br/>",
    "gpu-a:7101:7101 [0] NCCL INFO NET/Socket : Using [0]eth0:10.8.3.21<0><br />",
    "gpu-a:7101:7101 [0] NCCL INFO Using network Socket<br/>",
    "NCCL version 2.18.1+cuda12.1<BR>",
    `${w} gpu-b:4410:4410 [0] NCCL INFO Using network Socket</br>`,
    "gpu-a:7101:7188 [0] NCCL INFO Channel 00/0 : 1[3d000] -> 0[1a000] [receive] via NET/Socket/0<br/>",
    `${w} gpu-b:4410:4470 [0] NCCL INFO Channel 00/0 : 0[1a000] -> 1[3d000] [receive] via NET/Socket/0 <br/>`,
    "gpu-a:7101:7188 [0] NCCL INFO comm 0x6c3e1f0 rank 0 nranks 2 cudaDev 0 busId 1a000 - Init COMPLETE<br/>",
    "INFO 05-07 09:13:30 ray_gpu_executor.py:240] # GPU blocks: 3112, # CPU blocks: 1310<br/>",
  ];
  it("reads the values at a line's end without the tag, behind wrappers and CRLF", async () => {
    await eachCommonWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.4.1");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.maxModelLen, at).toBe(8192);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(3112);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(1310);
      const n = r.facts.nccl;
      expect(n.version, at).toBe("2.18.1");
      expect(n.net, at).toBe("Socket");
      expect(n.ranks, at).toBe(2);
      expect(n.nodes, at).toBe(2);
      expect(n.initComplete, at).toBe(1);
      expect(n.bootstrapInterfaces, at).toEqual(["eth0:10.8.3.21"]);
      expect(n.transports["NET/Socket"], at).toBe(2);
      expect(ids(r), at).toContain("nccl/socket-fallback");
      expect(ids(r, "error"), at).toEqual([]);
      const f = r.findings.find((x) => x.ruleId === "nccl/socket-fallback");
      expect(f?.evidence.map((e) => e.line), at).toContain(12);
    });
  });
  it("keeps a line's own closing `>` and a tag that is not at the end", async () => {
    const r = await analyzeText(logText([
      "gpu-a:7101:7101 [0] NCCL INFO Bootstrap : Using eth0:10.8.3.21<0>",
      "gpu-a:7101:7101 [0] NCCL INFO NET/Socket : Using [0]eth0:10.8.3.21<0>",
      "gpu-a:7101:7101 [0] NCCL INFO Using network Socket<br/> as the user wrote it",
    ]));
    expect(r.facts.nccl.net).not.toBe("Socket");
    expect(r.facts.nccl.hosts).toEqual(["gpu-a"]);
  });
});
