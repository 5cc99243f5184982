import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { peel } from "../src/records/peel.js";

/**
 * Shapes of a thirtieth round of real vLLM logs as cluster collectors deliver them (KubeRay, LeaderWorkerSet, KServe,
 * Triton's vLLM backend, llm-d, Dynamo, SkyPilot, Slurm, ECS): stern's `pod container ` before every line, srun
 * `--label`'s `N: ` before a Python traceback or a glog record, `aws logs tail`'s `TIME STREAM ` before each CloudWatch
 * event, and a headless traceback whose first frame lost a space of its indentation behind a collector's prefix.
 * Every text is written for the test in the printed layout of vLLM (`INFO 05-19 02:17:43 [file.py:N] msg`, its
 * process prefixes), NCCL (`host:pid:tid [dev] NCCL INFO ...`), CPython's traceback and glog; the wrappers are the
 * formats of stern's default template, srun's `--label`, awscli's tail.py and docker compose.
 */

const kvLines = [
  "(EngineCore_DP0 pid=311) INFO 05-19 02:17:43 [gpu_worker.py:462] Available KV cache memory: 58.25 GiB",
  "(EngineCore_DP0 pid=311) INFO 05-19 02:17:43 [kv_cache_utils.py:1710] GPU KV cache size: 190,672 tokens",
  "(EngineCore_DP0 pid=311) INFO 05-19 02:17:43 [kv_cache_utils.py:1711] Maximum concurrency for 32,768 tokens per request: 5.82x",
];

const engineTraceback = [
  "(EngineCore_DP0 pid=311) Traceback (most recent call last):",
  '(EngineCore_DP0 pid=311)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 699, in run_engine_core',
  "(EngineCore_DP0 pid=311)     engine_core = EngineCoreProc(*args, **kwargs)",
  "(EngineCore_DP0 pid=311)                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
  '(EngineCore_DP0 pid=311)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py", line 97, in _init_executor',
  "(EngineCore_DP0 pid=311)     self.workers = WorkerProc.wait_for_ready(unready_workers)",
  "(EngineCore_DP0 pid=311) RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
];

// a KubeRay worker's NCCL set-up behind Ray's prefix; the fourth record's head was lost to Ray's interleaving
const rayNccl = [
  "(RayWorkerWrapper pid=402, ip=10.42.3.17) r1-worker-group-worker-q8k2z:402:402 [2] NCCL INFO Bootstrap: Using eth0:10.42.3.17<0>",
  "(RayWorkerWrapper pid=402, ip=10.42.3.17) r1-worker-group-worker-q8k2z:402:402 [2] NCCL INFO Using network IB",
  "(RayWorkerWrapper pid=402, ip=10.42.3.17) r1-worker-group-worker-q8k2z:402:402 [2] NCCL INFO Channel 03/0 : 10[2] -> 2[2] [send] via NET/IB/3/GDRDMA",
  "(RayWorkerWrapper pid=404, ip=10.42.3.17) 4] via P2P/IPC",
  "(RayWorkerWrapper pid=404, ip=10.42.3.17) r1-worker-group-worker-q8k2z:404:404 [4] NCCL INFO Connected all rings, use ring PXN 0 GDR 1",
];

const sternWrappers: Array<[string, (i: number) => string]> = [
  ["plain", () => "vllm-r1-head-6b7c9 vllm "],
  ["coloured", () => "\x1b[32mvllm-r1-head-6b7c9\x1b[0m \x1b[36mvllm\x1b[0m "],
  ["--timestamps", (i) => `vllm-r1-head-6b7c9 vllm 2026-03-02T08:14:${String(10 + i).padStart(2, "0")}.481220913Z `],
];

const wrap = (lines: string[], prefix: (i: number) => string, eol = "\n"): string => lines.map((l, i) => prefix(i) + l).join(eol) + eol;

describe("stern's `pod container ` prefix", () => {
  for (const [name, prefix] of sternWrappers) {
    for (const eol of ["\n", "\r\n"]) {
      const at = `${name}${eol === "\r\n" ? ", CRLF" : ""}`;
      it(`${at}: the engine's traceback names the first failure and the NCCL rule`, async () => {
        const r = await analyzeText(wrap([...kvLines, ...engineTraceback], prefix, eol));
        expect(r.facts.kvCache.tokens, at).toBe(190672);
        expect(r.facts.kvCache.availableGiB, at).toBe(58.25);
        expect(r.facts.firstError?.line, at).toBe(10);
        expect(r.facts.config.executorBackend, at).toBe("mp");
        expect(r.facts.tracebacks?.count, at).toBe(1);
        expect(ids(r, "error"), at).toEqual(expect.arrayContaining(["nccl/system-error", "vllm/engine-init-failed"]));
      });
      it(`${at}: Ray's prefix behind it still names the executor, and the headless connection counts`, async () => {
        const r = await analyzeText(wrap(rayNccl, prefix, eol));
        expect(r.facts.config.executorBackend, at).toBe("ray");
        expect(r.facts.nccl.net, at).toBe("IB");
        expect(r.facts.nccl.transports, at).toMatchObject({ "NET/IB/GDRDMA": 1, "P2P/IPC": 1 });
        expect(r.facts.nccl.hosts, at).toEqual(["r1-worker-group-worker-q8k2z"]);
      });
    }
  }

  it("reads as the unwrapped log does (the same facts and findings)", async () => {
    const bare = await analyzeText([...kvLines, ...engineTraceback, ...rayNccl].join("\n") + "\n");
    const wrapped = await analyzeText(wrap([...kvLines, ...engineTraceback, ...rayNccl], () => "vllm-r1-head-6b7c9 vllm "));
    expect(wrapped.facts.kvCache).toEqual(bare.facts.kvCache);
    expect(wrapped.facts.nccl.transports).toEqual(bare.facts.nccl.transports);
    expect(wrapped.facts.config.executorBackend).toBe(bare.facts.config.executorBackend);
    expect(wrapped.facts.firstError?.line).toBe(bare.facts.firstError?.line);
    expect(ids(wrapped)).toEqual(ids(bare));
  });

  it("the counting fast path reads the wrapped NCCL lines as the ordinary way does", async () => {
    const lines: string[] = [];
    for (let k = 0; k < 40; k++) lines.push(`r1-worker-group-worker-q8k2z:402:402 [2] NCCL INFO Channel ${String(k % 16).padStart(2, "0")}/0 : 10[2] -> 2[2] [send] via NET/IB/3/GDRDMA`);
    const text = wrap(lines, () => "vllm-r1-worker-0 vllm ");
    const run = async (fastPath: boolean) => {
      const part = await analyzeSource(memorySource("w.log", text), 0, { fastPath });
      return buildReport(part.state, part.events);
    };
    const fast = await run(true);
    expect(fast.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(40);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(await run(false)));
  });

  it("an NCCL record cut after its `host:pid:tid` still names its host (a two-pod run is two nodes)", async () => {
    const lines = [
      "r1-head-7c9d4:88:201 [0] NCCL INFO Bootstrap : Using eth0:10.42.0.5<0>",
      "r1-head-7c9d4:88:201 [0] NCCL INFO NET/Socket : Using [0]eth0:10.42.0.5<0>",
      "r1-worker-q8k2z:91:214",
      "r1-worker-q8k2z:92:215 [1",
      "r1-head-7c9d4:88:201 [0] NCCL INFO Using network Socket",
    ];
    const bare = await analyzeText(lines.join("\n") + "\n");
    expect(bare.facts.nccl.hosts).toEqual(["r1-head-7c9d4", "r1-worker-q8k2z"]);
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(wrap(lines, () => "vllm-r1-head-6b7c9 vllm ", eol));
      expect(r.facts.nccl.hosts, JSON.stringify(eol)).toEqual(bare.facts.nccl.hosts);
      expect(r.facts.nccl.nodes, JSON.stringify(eol)).toBe(2);
      expect(r.facts.nccl.net, JSON.stringify(eol)).toBe("Socket");
    }
  });

  it("stays on words that are no stern prefix", () => {
    for (const line of [
      "ray-head node is up and ready",
      "multi-node serving  notes",
      "vllm-0 Vllm INFO 05-19 02:17:43 [core.py:1] x", // a container name is lowercase
      "vllm-0  vllm INFO 05-19 02:17:43 [core.py:1] x", // stern writes one space
      "vllm vllm INFO 05-19 02:17:43 [core.py:1] x", // a generated pod name holds a '-'
      "vllm-0 logs host:1:2 x", // a `host:pid:tid` that the line goes on after is no cut record
    ]) expect(peel(line).text, line).toBe(line);
    expect(peel("vllm-0 vllm INFO 05-19 02:17:43 [core.py:1] x").text).toBe("INFO 05-19 02:17:43 [core.py:1] x");
  });
});

describe("srun --label before a Python traceback or a glog record", () => {
  const traceback = [
    "Traceback (most recent call last):",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/cli/serve.py", line 61, in cmd',
    "    uvloop.run(run_server(args))",
    "  File \"/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/utils.py\", line 1040, in wait_for_engine_startup",
    "    raise RuntimeError(",
    "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  ];
  for (const label of ["0: ", " 3: ", "12: "]) {
    for (const eol of ["\n", "\r\n"]) {
      it(`'${label}'${eol === "\r\n" ? ", CRLF" : ""}: the exception line is the first failure`, async () => {
        const r = await analyzeText(wrap(traceback, () => label, eol));
        expect(r.facts.firstError?.line).toBe(6);
        expect(r.facts.firstError?.text).toContain("RuntimeError: Engine core initialization failed");
        expect(ids(r, "error")).toContain("vllm/engine-init-failed");
        // one traceback, its code lines read as code (not as text that cuts it in two)
        expect(r.facts.tracebacks?.count).toBe(1);
        expect(r.facts.tracebacks?.list[0]).toMatchObject({ errorType: "RuntimeError", stage: "init" });
      });
    }
  }
  it("a glog error record (Triton's vLLM backend, c10) behind the label is the first failure", async () => {
    const text = [
      '0: I0302 08:14:10.204311 88 model_lifecycle.cc:473] "loading: vllm_model:1"',
      '0: E0302 08:14:19.771032 88 model.py:251] "[vllm] Failed to start engine: ValueError: no GPU left"',
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(2);
  });
  it("an exception's name before a second one is no host label", () => {
    expect(peel("RuntimeError: ValueError: bad shard index").text).toBe("RuntimeError: ValueError: bad shard index");
    expect(peel("RuntimeError: ValueError: bad shard index").origin.host).toBeUndefined();
    expect(peel("node7: Traceback (most recent call last):")).toMatchObject({ text: "Traceback (most recent call last):", origin: { host: "node7" } });
  });
});

describe("`aws logs tail` (its default detailed format) before each CloudWatch event", () => {
  const stream = "ecs/vllm/9c41e0b27a3f4d65b1c2";
  const events = [...kvLines, ...engineTraceback];
  const stamp = (i: number) => `2026-03-02T08:14:${String(10 + i).padStart(2, "0")}.${String(100000 + i * 1371).slice(0, 6)}+00:00`;
  for (const [name, prefix] of [
    ["plain", (i: number) => `${stamp(i)} ${stream} `],
    ["coloured", (i: number) => `\x1b[32m${stamp(i)}\x1b[0m \x1b[36m${stream}\x1b[0m `],
    ["a Fluent Bit stream", (i: number) => `${stamp(i)} kube.var.log.containers.vllm-0_llm_vllm-3f9a.log `],
  ] as Array<[string, (i: number) => string]>) {
    for (const eol of ["\n", "\r\n"]) {
      const at = `${name}${eol === "\r\n" ? ", CRLF" : ""}`;
      it(`${at}: facts, the first failure and the rules as without it`, async () => {
        const r = await analyzeText(wrap(events, prefix, eol));
        expect(r.facts.kvCache.tokens, at).toBe(190672);
        expect(r.facts.kvCache.maxConcurrency, at).toBe(5.82);
        expect(r.facts.firstError?.line, at).toBe(10);
        expect(ids(r, "error"), at).toEqual(expect.arrayContaining(["nccl/system-error", "vllm/engine-init-failed"]));
      });
    }
  }
  it("a stamp of another writer keeps the word after it", () => {
    // kubectl / docker write nine digits and Z; a level word is no stream name
    expect(peel("2026-03-02T08:14:10.123456789Z ecs/vllm/9c41 RuntimeError: x").text).toBe("ecs/vllm/9c41 RuntimeError: x");
    expect(peel("2026-03-02T08:14:10.123456+00:00 INFO 03-02 08:14:10 [core.py:1] x").text).toBe("INFO 03-02 08:14:10 [core.py:1] x");
  });
});

describe("a headless traceback whose first frame lost a space, behind a collector's prefix", () => {
  const lines = [
    ' File "/opt/dynamo/venv/lib/python3.12/site-packages/pydantic/_internal/_dataclasses.py", line 121, in __init__',
    "    s.__pydantic_validator__.validate_python(ArgsKwargs(args, kwargs), self_instance=s)",
    "pydantic_core._pydantic_core.ValidationError: 1 validation error for ParallelConfig",
    "  Value error, Tensor parallel size (4) cannot be larger than the number of available GPUs (2). [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]",
  ];
  for (const [name, prefix] of [
    ["bare", ""],
    ["docker compose", "vllm-decode-1  | "],
    ["kubectl --prefix", "[pod/vllm-decode-0/main] "],
    ["journald", "Mar 02 08:14:10 gpu-7 vllm[2211]: "],
  ]) {
    it(`${name}: the exception line is the first failure`, async () => {
      const r = await analyzeText(wrap(lines, () => prefix));
      expect(r.facts.firstError?.line, name).toBe(3);
      expect(r.facts.config.tensorParallelSize, name).toBe(4);
    });
  }
  it("a code line shaped like `x: y` under a frame stays code", async () => {
    const r = await analyzeText(wrap(['  File "/srv/app.py", line 7, in main', "    ratio: float = compute(a, b)", "KeyError: 'shard'"], () => "vllm-decode-1  | "));
    expect(r.facts.firstError?.line).toBe(3);
  });
});

describe("Triton's glog records and its vLLM backend", () => {
  const triton = [
    'I0302 08:14:02.118204 88 pinned_memory_manager.cc:277] "Pinned memory pool is created at \'0x7f5e40000000\' with size 268435456"',
    'I0302 08:14:02.131907 88 model_lifecycle.cc:473] "loading: vllm_model:1"',
    "INFO 03-02 08:14:09 [__init__.py:216] Automatically detected platform cuda.",
    'I0302 08:14:12.604113 88 python_be.cc:2289] "TRITONBACKEND_ModelInstanceInitialize: vllm_model_0_0 (MODEL device 0)"',
    'E0302 08:14:19.771032 88 model.py:251] "[vllm] Failed to start engine: ValueError: no GPU left for the KV cache"',
    'I0302 08:14:19.771844 88 pb_stub.cc:388] "Failed to initialize Python stub: ValueError: no GPU left for the KV cache"',
  ];
  for (const [name, prefix] of [
    ["bare", ""],
    ["srun --label", "0: "],
    ["stern", "triton-vllm-5f8d7 tritonserver "],
  ]) {
    for (const eol of ["\n", "\r\n"]) {
      const at = `${name}${eol === "\r\n" ? ", CRLF" : ""}`;
      it(`${at}: the backend's failed engine start is vLLM's, and no PyTorch wrote the log`, async () => {
        const r = await analyzeText(wrap(triton, () => prefix, eol));
        expect(r.facts.firstError?.line, at).toBe(5);
        expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
        const names = r.facts.dialects.map((d) => d.name);
        expect(names, at).toContain("vllm");
        expect(names, at).not.toContain("pytorch");
      });
    }
  }
  it("the backend's record alone names vLLM", async () => {
    const r = await analyzeText('E0302 08:14:19.771032 88 model.py:251] "[vllm] Failed to start engine: ValueError: no GPU left"\n');
    expect(r.facts.dialects.map((d) => d.name)).toEqual(["vllm"]);
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });
  it("Triton's own records alone name no program; PyTorch's glog records still do", async () => {
    const own = await analyzeText(triton.filter((l) => /\.cc:/.test(l)).join("\n") + "\n");
    expect(own.facts.dialects.map((d) => d.name)).toEqual([]);
    for (const line of [
      "W0302 08:14:02.118204 140446678845248 torch/distributed/run.py:792] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default",
      "[rank1]:[W302 08:14:02.118204117 ProcessGroupNCCL.cpp:1250] Warning: WARNING: process group has NOT been destroyed before we destruct ProcessGroupNCCL.",
    ]) {
      const r = await analyzeText(line + "\n");
      expect(r.facts.dialects.map((d) => d.name), line).toContain("pytorch");
    }
  });
});

describe("CloudWatch Logs Insights results as JSON lines (`@message`)", () => {
  it("reads each event's `@message`", async () => {
    const text = [...kvLines, ...engineTraceback]
      .map((l, i) => JSON.stringify({ "@timestamp": `2026-03-02 08:14:${String(10 + i).padStart(2, "0")}.100`, "@message": l, "@logStream": "ecs/vllm/9c41e0b27a3f4d65b1c2" }))
      .join("\n");
    const r = await analyzeText(text + "\n", "insights.jsonl");
    expect(r.facts.kvCache.tokens).toBe(190672);
    expect(r.facts.firstError?.line).toBe(10);
    expect(ids(r, "error")).toEqual(expect.arrayContaining(["nccl/system-error", "vllm/engine-init-failed"]));
  });
});

describe("Ray's C++ records (spdlog) under its system processes' prefixes", () => {
  // src/ray/util/logging.cc: `[%Y-%m-%d %H:%M:%S,%e %L %P %t] (app) %v`, spdlog's letters (RAY_LOG(FATAL) is `C`)
  const records: Array<[string, string, boolean]> = [
    ["a fatal check behind a raylet on another node", "(raylet, ip=10.42.7.9) [2026-03-02 08:14:10,697 C 4179 4179] (raylet) node_manager.cc:1190: Check failed: worker != nullptr The local worker went away.", true],
    ["an error under a driver-side `(pid=gcs_server)`", "(pid=gcs_server) [2026-03-02 08:14:10,697 E 311 311] (gcs_server) gcs_health_check_manager.cc:121: Health check failed for node 5f3a, now 2 failures.", true],
    ["nested under vLLM's engine prefix", "(EngineCore_DP0 pid=811) (raylet, ip=10.42.7.9) [2026-03-02 08:14:10,697 C 4179 4179] (raylet) node_manager.cc:1190: Check failed: worker != nullptr", true],
    ["an info record", "(raylet) [2026-03-02 08:14:10,697 I 4179 4179] (raylet) node_manager.cc:512: Node started with 8 GPUs.", false],
    ["a warning record", "[2026-03-02 08:14:10,697 W 4179 4179] (raylet) node_manager.cc:512: Raylet is slow to heartbeat.", false],
  ];
  for (const [name, line, failure] of records) {
    for (const eol of ["\n", "\r\n"]) {
      it(`${name}${eol === "\r\n" ? ", CRLF" : ""}: ${failure ? "is" : "is no"} first failure`, async () => {
        const r = await analyzeText(["INFO 03-02 08:14:09 [ray_utils.py:345] Connecting to existing Ray cluster at address: 10.42.7.2:6379.", line, ""].join(eol));
        expect(r.facts.firstError?.line ?? null).toBe(failure ? 2 : null);
      });
    }
  }
  it("the system process's name is taken off as a prefix and kept as the origin", () => {
    expect(peel("(pid=gcs_server, ip=10.42.7.2) [2026-03-02 08:14:10,697 E 311 311] (gcs_server) gcs_server.cc:303: x")).toMatchObject({
      text: "E 311 311] (gcs_server) gcs_server.cc:303: x", // (its stamp comes off too)
      origin: { process: "gcs_server", ip: "10.42.7.2" },
    });
  });
});
