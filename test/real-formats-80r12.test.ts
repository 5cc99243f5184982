import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";

/**
 * Formats found in round 80r12 of real logs (vllm-project/vllm and NVIDIA/nccl threads at numbers ending in 0 or 5). A
 * terminal or mail client that wraps a paste at a fixed width cuts a traceback's `File "…", line N, in <function>` line
 * inside the function's name and puts the rest of the name flush left on the next line (`ception_on_finish`). That rest,
 * name characters alone under an open traceback, was read as a message-less exception line: one cut traceback became
 * three, each "ending" in an exception named after a piece of a function, and the first piece was named the root cause.
 * Every log text here is written for the test in the printed layout.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T08:31:05.114209377Z ${l}`],
] as const;

describe("a traceback whose frame lines a fixed-width paste wrapped inside the function's name", () => {
  const lines = [
    "ERROR:asyncio:Exception in callback functools.partial(<function _log_task_completion at 0x7f3a11c2d6c0>, error_callba",
    "ck=<bound method AsyncLLMEngine._error_callback of <vllm.engine.async_llm_engine.AsyncLLMEngine object at 0x7f3a0e",
    "b1d2e0>>)",
    "Traceback (most recent call last):",
    '  File "/srv/venv/lib/python3.10/site-packages/vllm/engine/async_llm_engine.py", line 48, in _log_task_compl',
    "etion",
    "    return_value = task.result()",
    '  File "/srv/venv/lib/python3.10/site-packages/vllm/engine/async_llm_engine.py", line 733, in run_engine_l',
    "oop",
    "    result = task.result()",
    '  File "/srv/venv/lib/python3.10/site-packages/vllm/engine/async_llm_engine.py", line 676, in engine_st',
    "ep",
    "    request_outputs = await self.engine.step_async(virtual_engine)",
  ];

  it("keeps one traceback, cut by the window, and names no piece of a function as its exception", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      const tb = r.facts.tracebacks!;
      expect(tb.count, at).toBe(1);
      expect(tb.list[0]!.evidence.line, at).toBe(4);
      expect(tb.list[0]!.cut, at).toBe(true);
      expect(tb.list[0]!.errorType, at).toBeNull();
      expect(tb.rootCause?.text, at).toContain("Exception in callback functools.partial");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.vllm.engine, at).toBe("v0");
    });
  });

  it("still ends a traceback on a bare exception class under a frame without source, dotted or not", async () => {
    for (const exc of ["KeyboardInterrupt", "asyncio.exceptions.CancelledError"]) {
      const r = await analyzeText(
        [
          "Traceback (most recent call last):",
          '  File "<frozen runpy>", line 198, in _run_module_as_main',
          '  File "<frozen runpy>", line 88, in _run_code',
          exc,
          "INFO 05-02 09:14:27 launcher.py:57] Shutting down FastAPI HTTP server.",
        ].join("\n") + "\n",
      );
      const tb = r.facts.tracebacks!;
      expect(tb.count, exc).toBe(1);
      expect(tb.list[0]!.errorType, exc).toBe(exc);
      expect(tb.list[0]!.cut ?? false, exc).toBe(false);
    }
  });

  it("reads a one-word statement under a frame, its indentation lost, as that frame's code", async () => {
    const r = await analyzeText(
      ["Traceback (most recent call last):", 'File "/opt/app/serve.py", line 212, in _serve', "raise", "RuntimeError: engine loop stopped"].join("\n") + "\n",
    );
    const tb = r.facts.tracebacks!;
    expect(tb.count).toBe(1);
    expect(tb.list[0]!.errorType).toBe("RuntimeError");
    expect(r.facts.firstError?.line).toBe(4);
  });
});

describe("vLLM 0.3's start-up behind a user's `>> ` mark, weights in MB", () => {
  const lines = [
    "INFO 03-04 10:02:11 llm_engine.py:79] Initializing an LLM engine with config: model='facebook/opt-350m', tokenizer='facebook/opt-350m', tokenizer_mode=auto, revision=None, tokenizer_revision=None, trust_remote_code=False, dtype=torch.float16, max_seq_len=2048, download_dir=None, load_format=auto, tensor_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, device_config=cuda, seed=0)",
    ">> INFO 03-04 10:02:15 model_runner.py:90] Loading model weights took 662.08 MB",
    "INFO 03-04 10:02:16 llm_engine.py:338] # GPU blocks: 71380, # CPU blocks: 7281",
  ];
  it("reads the config, the blocks and the weights in GiB", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.model, at).toBe("facebook/opt-350m");
      expect(r.facts.config.maxModelLen, at).toBe(2048);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(71380);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(7281);
      expect(r.facts.memory.modelWeightsGiB, at).toBeCloseTo(662.08 / 1024, 3);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("V1 stats records a paste glued together, the last one cut by the window", () => {
  const stat = (t: string, gen: string, kv: string) =>
    `INFO 08-14 17:20:${t} [loggers.py:118] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: ${gen} tokens/s, Running: 6 reqs, Waiting: 0 reqs, GPU KV cache usage: ${kv}%, Prefix cache hit rate: 0.0%`;
  const lines = [
    stat("03", "188.4", "72.5"),
    stat("13", "188.9", "73.1") + stat("23", "189.6", "73.8") + "INFO 08-14 17:20:33 [loggers.py:118] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 190.",
  ];
  it("counts the three whole records and nothing from the cut one", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      const rt = r.facts.runtime!;
      expect(rt.statsLines, at).toBe(3);
      expect(rt.running.max, at).toBe(6);
      expect(rt.waiting.max, at).toBe(0);
      expect(rt.gpuKvUsagePct.max, at).toBe(73.8);
      expect(rt.generationThroughput.max, at).toBe(189.6);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(ids(r), at).not.toContain("runtime/kv-cache-pressure");
    });
  });
});

describe("NCCL records behind a launcher's `[N] ` index, two hosts", () => {
  const lines = [
    "[0] trn-a:40211:40211 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0",
    "[1] trn-b:51870:51870 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [receive] via NET/Socket/0",
    "[1] trn-b:51870:51870 [0] NCCL INFO Channel 00/0 : 2[1] -> 1[0] [receive] via NET/Socket/0",
    "[2] trn-a:40212:40212 [1] NCCL INFO Channel 00 : 2[1] -> 0[0] via SHM/direct/direct",
    "[2] trn-a:40212:40212 [1] NCCL INFO Channel 01 : 2[1] -> 0[0] via SHM/direct/direct",
    "[1] trn-b:51870:51870 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/Socket/0",
    "[3] trn-b:51871:51871 [1] NCCL INFO Connected all trees",
  ];
  it("reads the ranks from the records, not the index, and the hosts from the host prefix", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(3);
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.transports, at).toMatchObject({ "NET/Socket": 4, SHM: 2 });
      expect(ids(r), at).toEqual(expect.arrayContaining(["nccl/socket-fallback", "nccl/p2p-disabled"]));
    });
  });
});

describe("a torch store timeout and NCCL's records, each fenced block opened by a stray backtick", () => {
  const lines = [
    "`Traceback (most recent call last):",
    '  File "/usr/lib/python3.9/site-packages/torch/distributed/elastic/utils/store.py", line 31, in get_all',
    '    data = store.get(f"{prefix}{idx}")',
    "RuntimeError: Socket Timeout`",
    "",
    "`gpu-07:2301:2301 [0] NCCL INFO Bootstrap : Using eno2:172.20.4.7<0>",
    "gpu-07:2301:2301 [0] NCCL INFO NET/IB : No device found.",
    "gpu-07:2301:2301 [0] NCCL INFO Using network Socket",
    "",
    "gpu-07:2300:2355 [0] include/socket.h:409 NCCL WARN Net : Connect to 172.20.4.8<41077> failed : No route to",
  ];
  it("takes the timeout as the first error, the cut WARN as the first warning, and reports the failed connect", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(10);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(ids(r, "error"), at).toContain("nccl/bootstrap-failure");
      expect(ids(r), at).toContain("nccl/socket-fallback");
    });
  });
});
