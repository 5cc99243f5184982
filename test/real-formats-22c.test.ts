import { describe, expect, it } from "vitest";
import { variants } from "./helpers/variants.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a twenty-second round of real logs committed to repositories (READMEs, notes, docstrings, nohup
 * and server logs, knowledge-base mirrors). Every log text here is written for the test, in the format's shape, with
 * variants the committed logs did not show (other versions, wrappers, CRLF).
 */

describe("a record an author reflowed: the header alone on its line, the message under a hanging indent", () => {
  // a docstring or a notes file that rewraps a long record at ~70 columns keeps the header (`INFO 09-20 15:54:42
  // llm_engine.py:223] `) on a line of its own and indents every later piece; the banner's dump breaks at its commas
  const v0 = [
    "INFO 04-02 10:11:12 llm_engine.py:223] ",
    "    Initializing an LLM engine (v0.6.3.post1) ",
    "    with config: model='Qwen/Qwen2.5-3B-Instruct', ",
    "    speculative_config=None, tokenizer='Qwen/Qwen2.5-3B-Instruct', ",
    "    skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, ",
    "    tokenizer_revision=None, trust_remote_code=False, dtype=torch.float16, ",
    "    max_seq_len=12288, download_dir=None, load_format=LoadFormat.AUTO, ",
    "    tensor_parallel_size=2, pipeline_parallel_size=1, ",
    "    disable_custom_all_reduce=False, quantization=None, ",
    "    enforce_eager=True, kv_cache_dtype=auto, seed=0, ",
    "    served_model_name=qwen, use_v2_block_manager=True, ",
    "    enable_prefix_caching=False, use_async_output_proc=False)",
    "INFO 04-02 10:11:13 selector.py:240] ",
    "    Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
    "INFO 04-02 10:11:20 model_runner.py:1060] Loading model weights took 2.9 GB",
  ];

  it("reads the banner's version and the whole dump, as it is, coloured, blockquoted and with CRLF", async () => {
    // (no kubectl stamps or compose prefixes: the author reflows the text after copying it out, so the pieces carry no
    // collector's prefix of their own)
    const texts = [v0.join("\n"), v0.join("\r\n"), v0.map((l) => `> ${l}`).join("\n"), v0.map((l, i) => (i === 0 ? `\x1b[32m${l}\x1b[0m` : l)).join("\n")];
    for (const text of texts) {
      const r = await analyzeText(text + "\n");
      const label = JSON.stringify(text.slice(0, 40));
      expect(r.facts.vllm.version, label).toBe("0.6.3.post1");
      expect(r.facts.vllm.engine, label).toBe("v0");
      expect(r.facts.config.model, label).toBe("Qwen/Qwen2.5-3B-Instruct");
      expect(r.facts.config.maxModelLen, label).toBe(12288);
      expect(r.facts.config.tensorParallelSize, label).toBe(2);
      expect(r.facts.config.pipelineParallelSize, label).toBe(1);
      expect(r.facts.config.enforceEager, label).toBe(true);
      expect(r.facts.memory.modelWeightsGiB, label).toBe(2.9);
    }
  });

  it("a V1 banner with the ≥0.8 bracketed header, reflowed the same way", async () => {
    const r = await analyzeText(
      [
        "(EngineCore_DP0 pid=311) INFO 07-01 08:09:10 [core.py:69] ",
        "    Initializing a V1 LLM engine (v0.9.2) with config: ",
        "    model='meta-llama/Llama-3.1-8B-Instruct', ",
        "    max_seq_len=65536, tensor_parallel_size=4, ",
        "    pipeline_parallel_size=1, data_parallel_size=1, ",
        "    seed=0, served_model_name=llama)",
        "",
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBe("0.9.2");
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.config.maxModelLen).toBe(65536);
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("an indented line that is no `key=value` piece ends the dump, and unindented text after a comma is not taken", async () => {
    const r = await analyzeText(
      [
        "INFO 04-02 10:11:12 llm_engine.py:223] ",
        "    Initializing an LLM engine (v0.6.3) ",
        "    with config: model='m1', ",
        "    max_seq_len=2048, ",
        "    /opt/venv/lib/python3.10/site-packages/xformers/ops/fmha/flash.py:211: FutureWarning: renamed,",
        "    tensor_parallel_size=8, ",
        "pipeline_parallel_size=4, see the table below",
        "",
      ].join("\n"),
    );
    expect(r.facts.config.maxModelLen).toBe(2048);
    expect(r.facts.config.tensorParallelSize).toBeNull();
    expect(r.facts.config.pipelineParallelSize).toBeNull();
  });
});

describe("V0's memory profile message hand-wrapped at its semicolons", () => {
  // worker.py (0.6.5–0.8 V0) logs `Memory profiling takes N seconds` / `the current vLLM instance can use ...` / `model
  // weights take XGiB; non_torch_memory takes YGiB; PyTorch activation peak memory takes ZGiB; the rest of the memory
  // reserved for KV Cache is WGiB.`; notes re-typeset the last line one clause a line
  const wrapped = ["model weights take 13.5GiB; non_torch_memory takes 0.25GiB;", "PyTorch activation peak memory takes 2.06GiB;", "the rest of the memory reserved for KV Cache is 20.78GiB."];

  it("reads the four sizes from the three lines, with or without the logger header", async () => {
    for (const lead of ["", "INFO 02-11 06:07:08 worker.py:267] "]) {
      const lines = [`${lead}${wrapped[0]}`, wrapped[1], wrapped[2]];
      // (re-typeset in notes: as it is, blockquoted, indented in a list, with CRLF)
      for (const text of [lines.join("\n"), lines.map((l) => `> ${l}`).join("\n"), lines.map((l) => `    ${l}`).join("\n"), lines.join("\r\n")]) {
        const r = await analyzeText(text + "\n");
        const label = `${JSON.stringify(lead)} ${JSON.stringify(text.slice(0, 30))}`;
        expect(r.facts.memory.modelWeightsGiB, label).toBe(13.5);
        expect(r.facts.memory.nonTorchGiB, label).toBe(0.25);
        expect(r.facts.memory.peakActivationGiB, label).toBe(2.06);
        expect(r.facts.kvCache.availableGiB, label).toBe(20.78);
      }
    }
  });

  it("a wrap that only repeats what one line states adds nothing (no second reading of the same clause)", async () => {
    const r = await analyzeText(["model weights take 13.5GiB; non_torch_memory takes 0.25GiB; PyTorch activation peak memory takes 2.06GiB; the rest of the memory reserved for KV Cache is 20.78GiB.", "INFO 02-11 06:07:09 model_runner.py:1505] Capturing cudagraphs for decoding.", ""].join("\n"));
    expect(r.facts.memory.modelWeightsGiB).toBe(13.5);
    expect(r.facts.kvCache.availableGiB).toBe(20.78);
  });
});

describe("vLLM's messages as the items of a markdown list, without their headers", () => {
  // a generated report (or notes) lists what the server log said, each message cut short: `- GPU KV cache size: ...`
  const items = [
    "GPU KV cache size: 112,347 tokens, Maximum concurrency for 98,304 tokens per request: 1.14x",
    "non-default args: {'host': '0.0.0.0', 'port': 18982, 'model': '/models/view', 'dtype': 'bfloat16', 'max_model_len': 98304, 'served_model_name': ['fn'], 'tensor_parallel_si",
    "Initializing a V1 LLM engine (v0.29.0) with config: model='/models/view', speculative_config=None, tokenizer='/models/view', skip_to",
    "builds 1 (uniform 0, mixed/prefill 1) reuses 0",
  ];

  it("reads each item, with `-`, `*` or `+`, and a cut dump does not swallow the next item", async () => {
    for (const mark of ["- ", "* ", "+ "]) {
      for (const text of variants(["## KV cache configuration (vLLM log)", "", ...items.map((i) => mark + i)])) {
        const r = await analyzeText(text + "\n");
        const label = `${JSON.stringify(mark)} ${JSON.stringify(text.slice(0, 12))}`;
        expect(r.facts.kvCache.tokens, label).toBe(112347);
        expect(r.facts.kvCache.maxConcurrency, label).toBe(1.14);
        expect(r.facts.config.model, label).toBe("/models/view");
        expect(r.facts.config.maxModelLen, label).toBe(98304);
        expect(r.facts.vllm.version, label).toBe("0.29.0");
        expect(r.facts.vllm.engine, label).toBe("v1");
      }
    }
  });

  it("a list item that only names a phrase inside prose is not read, nor is a dash without its space", async () => {
    const r = await analyzeText(["- the log's GPU KV cache size: 5 tokens line was missing", "-GPU KV cache size: 5 tokens", ""].join("\n"));
    expect(r.facts.kvCache.tokens).toBeNull();
  });
});

describe("NVIDIA NIM's record header: the year and milliseconds in vLLM's prefix", () => {
  // NIM for LLMs formats its records `LEVEL YYYY-MM-DD HH:MM:SS.mmm file.py:LINE] message`
  const nim = [
    "INFO 2025-03-14 09:21:07.118 ngc_injector.py:152] Valid profile: 3bb4e8fe with model manifest",
    "INFO 2025-03-14 09:22:40.530 model_runner.py:1072] Loading model weights took 14.9888 GB",
    "INFO 2025-03-14 09:22:44.902 gpu_executor.py:122] # GPU blocks: 27895, # CPU blocks: 2048",
    "WARNING 2025-03-14 09:22:45.001 [scheduler.py:88] The request queue is long",
    "INFO 2025-03-14 09:23:10.004 metrics.py:351] Avg prompt throughput: 512.0 tokens/s, Avg generation throughput: 88.2 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 1 reqs, GPU KV cache usage: 4.5%, CPU KV cache usage: 0.0%.",
    "INFO 2025-03-14 09:23:15.011 metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 96.4 tokens/s, Running: 4 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 6.1%, CPU KV cache usage: 0.0%.",
  ];

  it("reads the records as vLLM's, behind compose, stamps, indentation and CRLF", async () => {
    const texts = [...variants(nim, { compose: true }), nim.map((l) => `        local-nim-1          | ${l}`).join("\n")];
    for (const text of texts) {
      const r = await analyzeText(text + "\n");
      const label = JSON.stringify(text.slice(0, 40));
      expect(r.facts.memory.modelWeightsGiB, label).toBe(14.9888);
      expect(r.facts.kvCache.gpuBlocks, label).toBe(27895);
      expect(r.facts.runtime.statsLines, label).toBe(2);
      expect(r.facts.runtime.running.max, label).toBe(4);
      expect(r.facts.runtime.waiting.max, label).toBe(1);
      expect(r.facts.runtime.generationThroughput.max, label).toBe(96.4);
    }
  });

  it("a year in a wrapper's own stamp before the usual header still parses", async () => {
    const r = await analyzeText("[2025-03-14 09:23:10] INFO 03-14 09:23:10 [loggers.py:116] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 12.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.4%, Prefix cache hit rate: 0.0%\n");
    expect(r.facts.runtime.statsLines).toBe(1);
    expect(r.facts.runtime.generationThroughput.max).toBe(12);
  });
});

describe("vLLM's own statement of its version outranks a container's label", () => {
  it("NGC's `vLLM Version` shortens the build tag the API server prints", async () => {
    const ngc = ["==========", "== vLLM ==", "==========", "", "NVIDIA Release 25.11 (build 231148990)", "vLLM Version 0.11.1+c3f0a1e2", ""];
    const server = "(APIServer pid=1) INFO 12-01 10:00:00 [api_server.py:1885] vLLM API server version 0.11.1+c3f0a1e2.nv25.11";
    const r = await analyzeText([...ngc, server, ""].join("\n"));
    expect(r.facts.vllm.version).toBe("0.11.1+c3f0a1e2.nv25.11");
    // the label alone still says the version
    const alone = await analyzeText(ngc.join("\n") + "\n");
    expect(alone.facts.vllm.version).toBe("0.11.1+c3f0a1e2");
  });
});

describe("NCCL's socket retry report of 2.24.3–2.26: `%s: connect returned %s, retrying (%d/%ld) after sleep for %u msec`", () => {
  const host = "node-a";
  const line = (msg: string) => `${host}:5120:5190 [0] NCCL INFO ${msg}`;
  const init = line("ncclCommInitRank comm 0x55aa10 rank 0 nranks 16 cudaDev 0 nvmlDev 0 busId 18000 commId 0x1f2e3d4c5b6a7988 - Init START");

  it("is the first error, in each wording NCCL used", async () => {
    const wordings = [
      "socketStartConnect: connect returned Connection timed out, retrying (1/34) after sleep for 100 msec",
      "socketPollConnect: connect returned Connection refused, retrying (7/34) after sleep for 700 msec",
      "ncclOsSocketPollConnect: connect to 10.2.0.7<40123> returned Connection refused, retrying (34/34) after sleep for 3400 msec",
      "Call to connect returned Connection refused, retrying",
    ];
    for (const w of wordings) {
      for (const text of variants([init, line(w), line(w.replace(/\(1\/34\)|\(7\/34\)/, "(2/34)"))])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.text, w).toContain(w.slice(0, 30));
      }
    }
  });

  it("a line that only mentions retrying is no retry report", async () => {
    const r = await analyzeText([init, line("socketStartConnect: connect returned nothing yet"), line("Bootstrap: retrying is enabled by NCCL_SOCKET_RETRY_CNT"), ""].join("\n"));
    expect(r.facts.firstError).toBeNull();
  });
});

describe("RCCL's AMD SMI advice WARN (src/misc/amdsmi_wrap.cc) is no failure", () => {
  const warn = (prefix: string) =>
    `${prefix}macpro-01:2561:2699 [0] /opt/rocm/rccl/build/hipify/src/misc/amdsmi_wrap.cc:214 NCCL WARN RCCL_USE_AMD_SMI_LIB not set, but HIP_FABRIC_API is defined. Fabric support is only available through AMD SMI. Rerun with RCCL_USE_AMD_SMI_LIB=1 to enable AMD SMI and UALoE fabric support.`;
  const rest = [
    "macpro-01:2561:2699 [0] NCCL INFO initialized internal alternative rsmi functionality",
    "macpro-01:2561:2699 [0] NCCL INFO [Rank 0] ncclCommInitAll_impl comm 0x56af43 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId b000 commId 0x1b36da65599e1fd7 - Init START",
    "macpro-01:2561:2699 [0] NCCL INFO Using network Socket",
  ];

  it("is the first WARN but not the first error, and raises no finding", async () => {
    for (const prefix of ["", "[2026-09-06 18:39:11] "]) {
      for (const text of variants(["", warn(prefix), ...rest])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.nccl.firstWarn?.text, prefix).toContain("RCCL_USE_AMD_SMI_LIB not set");
        expect(r.facts.firstError, prefix).toBeNull();
        expect(ids(r), prefix).toEqual([]);
      }
    }
  });
});

describe("HPC-X's net plugin by its own name: `Using network NCCL RDMA Plugin v8` is IB", () => {
  const lines = (name: string) => [
    "hgx-07:3011:3090 [0] NCCL INFO NET/Plugin: Loaded net plugin NCCL RDMA Plugin v8 (v8)",
    "hgx-07:3011:3090 [0] NCCL INFO Plugin Path : /opt/hpcx/nccl_rdma_sharp_plugin/lib/libnccl-net.so",
    "hgx-07:3011:3090 [0] NCCL INFO P2P plugin v8 IBext_v8",
    "hgx-07:3011:3090 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB/SHARP [1]mlx5_3:1/IB/SHARP [RO]; OOB ib0:10.1.0.7<0>",
    `hgx-07:3011:3090 [0] NCCL INFO Using network ${name}`,
  ];

  it("in each release's naming", async () => {
    for (const name of ["NCCL RDMA Plugin v8", "NCCL RDMA Plugin v10", "NCCL RDMA Plugin", "NCCL RDMA SHARP Plugin"]) {
      for (const text of variants(lines(name))) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.nccl.net, name).toBe("IB");
        expect(r.facts.nccl.ibHcas, name).toEqual(["mlx5_0:1", "mlx5_3:1"]);
      }
    }
    // another plugin's name stays its own
    const other = await analyzeText(lines("FooFabric").join("\n") + "\n");
    expect(other.facts.nccl.net).toBe("FooFabric");
  });

  it("a fork keeps the name, and its connections print it: `via NET/NCCL RDMA Plugin v6/0(2)/GDRDMA/Shared` is NET/IB/GDRDMA", async () => {
    const conns = [
      "vm-host38:33957:34018 [0] NCCL INFO Channel 01/1 : 1[0] -> 2[1] [receive] via NET/NCCL RDMA Plugin v6/0/GDRDMA/Shared",
      "vm-host38:33958:34017 [1] NCCL INFO Channel 01/1 : 3[0] -> 0[1] [send] via NET/NCCL RDMA Plugin v6/0(2)/GDRDMA/Shared",
      "vm-host38:33958:34017 [1] NCCL INFO Channel 03/1 : 1[0] -> 3[0] [receive] via NET/NCCL RDMA Plugin v6/1",
      "vm-host38:33957:34018 [0] NCCL INFO Channel 00/1 : 2[1] -> 3[0] via P2P/CUMEM",
    ];
    for (const text of variants(["vm-host38:33957:34000 [0] NCCL INFO Plugin version : 1.2@Tencent Cloud", ...conns])) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.nccl.net).toBe("IB");
      expect(r.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(2);
      expect(r.facts.nccl.transports["NET/IB"]).toBe(1);
      expect(r.facts.nccl.transports["P2P/CUMEM"]).toBe(1);
      expect(Object.keys(r.facts.nccl.transports).filter((k) => /Plugin/.test(k))).toEqual([]);
    }
    // another plugin's connections keep its name
    const other = await analyzeText("h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/FooFabric/0/GDRDMA\n");
    expect(other.facts.nccl.transports["NET/FooFabric/GDRDMA"]).toBe(1);
  });
});

describe("horovodrun's `[index]<stdout>:` tag", () => {
  // horovod/runner/common/util/safe_shell_exec.py tags each process's output `[N]<stdout>:` / `[N]<stderr>:`
  const lines = [
    "[0]<stdout>:gpu01:150770:150790 [0] NCCL INFO Bootstrap : Using ib0:10.149.0.1<0>",
    "[0]<stdout>:NCCL version 2.16.2+cuda11.8",
    "[1]<stdout>:gpu03:34537:34681 [0] NCCL INFO NET/IB : Using [0]mlx4_0:1/IB ; OOB ib0:10.149.0.3<0>",
    "[0]<stdout>:gpu01:150770:150790 [0] NCCL INFO Channel 00/0 : 1[3b000] -> 0[3b000] [receive] via NET/IB/0",
    "[1]<stdout>:gpu03:34537:34681 [0] NCCL INFO Channel 00/0 : 0[3b000] -> 1[3b000] [receive] via NET/IB/0",
    "[0]<stderr>:/home/u/train.py:67: UserWarning: Implicit dimension choice for log_softmax has been deprecated.",
    "[5]<stdout>:Train Epoch: 1 [0/30000 (0%)] Loss: 2.312604",
  ];

  it("comes off every line: the bare version banner is read, the index is no rank", async () => {
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.nccl.version).toBe("2.16.2");
      expect(r.facts.nccl.ranks).toBe(2);
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.facts.nccl.transports["NET/IB"]).toBe(2);
    }
  });
});

describe("a communicator line cut right after its rank, the next process's record glued on", () => {
  it("still gives the rank", async () => {
    const a = "box:324667:325481 [1] NCCL INFO comm 0x558483af6490 rank 1 nr";
    const b = "box:324666:325478 [0] NCCL INFO comm 0x56074772e360 rank 0 nranks 4 cudaDev 0 busId 27000 - Init START";
    for (const cut of ["nr", "n", "", "nRan"]) {
      for (const text of variants([a.replace(/ nr$/, cut ? ` ${cut}` : "") + b])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.nccl.ranks, cut).toBe(2);
      }
    }
    // a line that says more after the rank is no cut line
    const r = await analyzeText("box:324667:325481 [1] NCCL INFO comm 0x558483af6490 rank 5 of the parent\n");
    expect(r.facts.nccl.ranks).toBeNull();
  });
});
