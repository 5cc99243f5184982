import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { peel } from "../src/records/peel.js";
import { cpuMsSince } from "./helpers/cpu.js";

/**
 * Formats found in real pastes that the corpus does not hold. Every log text here is written for the test, in the
 * format's shape (several versions and wrappers each), and the facts checked are exact.
 */

const V1_KV = [
  "(EngineCore_DP0 pid=412) INFO 03-02 10:11:12 [gpu_worker.py:298] Available KV cache memory: 6.51 GiB",
  "(EngineCore_DP0 pid=412) INFO 03-02 10:11:12 [kv_cache_utils.py:864] GPU KV cache size: 42,656 tokens",
  "(APIServer pid=377) INFO 03-02 10:11:20 [api_server.py:1100] Starting vLLM API server 0 on http://0.0.0.0:8000",
];

describe("journald / syslog stamps in every journalctl output mode and locale", () => {
  const stamps = [
    "Aug 19 18:30:11",
    "Aug  9 18:30:11",
    "авг 18 14:15:04",
    "déc. 03 09:01:02",
    "mars 03 09:01:02",
    "Mär 03 09:01:02",
    "8月 19 18:30:11",
    "Aug 19 18:30:11.123456",
    "2025-08-19T18:30:11+0000",
    "2025-08-19T18:30:11.123456+00:00",
    "Tue 2025-08-19 18:30:11 UTC",
    "1724092211.123456",
  ];
  for (const stamp of stamps)
    it(`peels \`${stamp} host ident[pid]: \``, () => {
      const p = peel(`${stamp} gpu-box python3[28059]: (EngineCore pid=28059) INFO 08-18 14:15:04 [core.py:70] hello`);
      expect(p.text).toBe("INFO 08-18 14:15:04 [core.py:70] hello");
      expect(p.origin.host).toBe("gpu-box");
      expect(p.origin.pid).toBe(28059);
    });

  it("does not take a plain sentence or an NCCL record for a journald line", () => {
    expect(peel("Note 19 18:30:11 is when it hung").text).toBe("Note 19 18:30:11 is when it hung");
    const nccl = "gpu-node-1:4095:4484 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[2] via P2P/IPC";
    expect(peel(nccl).text).toBe(nccl);
  });

  it("reads a V1 start-up behind a localized journald stamp end to end", async () => {
    const r = await analyzeText(V1_KV.map((l) => `авг 18 14:15:04 llm python3[412]: ${l}`).join("\n") + "\n");
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.kvCache.tokens).toBe(42656);
    expect(r.facts.kvCache.availableGiB).toBe(6.51);
    expect(ids(r, "error")).toEqual([]);
  });

  it("reads the ISO (short-iso) form end to end", async () => {
    const r = await analyzeText(V1_KV.map((l) => `2025-08-19T18:30:11+0000 llm vllm[412]: ${l}`).join("\n") + "\n");
    expect(r.facts.kvCache.tokens).toBe(42656);
    expect(r.facts.vllm.engine).toBe("v1");
  });
});

describe("the async-scheduling warning names the executor backend", () => {
  // ≈v0.11 wording with the supported list, later wording without it; with and without the APIServer prefix
  const lines = [
    "(APIServer pid=46) WARNING 03-23 16:18:37 [vllm.py:736] Async scheduling will be disabled because it is not supported with the `ray` distributed executor backend (only `mp`, `uni`, and `external_launcher` are supported).",
    "WARNING 01-31 14:20:55 [config/vllm.py:651] Async scheduling will be disabled because it is not supported with the `ray` distributed executor backend. ",
    "2026-01-31T14:20:55.120Z (APIServer pid=17743) WARNING 01-31 14:20:55 [vllm.py:651] Async scheduling will be disabled because it is not supported with the `ray` distributed executor backend. ",
  ];
  for (const line of lines)
    it(line.slice(0, 60), async () => {
      const r = await analyzeText(`${line}\n(APIServer pid=46) INFO 03-23 16:18:37 [vllm.py:747] Asynchronous scheduling is disabled.\n`);
      expect(r.facts.config.executorBackend).toBe("ray");
      expect(ids(r, "error")).toEqual([]);
    });

  it("a stated backend in the banner or args still wins", async () => {
    const r = await analyzeText(
      [
        "(APIServer pid=46) INFO 03-23 16:18:30 [utils.py:253] non-default args: {'model': 'Qwen/Qwen3-0.6B', 'distributed_executor_backend': 'mp'}",
        lines[1],
      ].join("\n") + "\n",
    );
    expect(r.facts.config.executorBackend).toBe("mp");
  });
});

describe("a pasted command whose backslashes markdown ate: one flag per line", () => {
  it("reads the flags on the lines after `vllm serve MODEL `", async () => {
    const text = [
      "vllm serve /models/Qwen3-VL-235B-A22B-Instruct ",
      "--host 0.0.0.0 ",
      "--data-parallel-size 2 ",
      "-tp 8",
      "--max-model-len=10000 --enforce-eager",
      "",
      "--gpu-memory-utilization 0.8 ",
      "Errors:",
      "--pipeline-parallel-size 3",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("/models/Qwen3-VL-235B-A22B-Instruct");
    expect(r.facts.config.dataParallelSize).toBe(2);
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.maxModelLen).toBe(10000);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.8);
    expect(r.facts.config.enforceEager).toBe(true);
    // a line of another shape ends the command (a blank line does not: double-spaced pastes): a flag line after it is not read
    expect(r.facts.config.pipelineParallelSize).toBeNull();
  });

  it("python -m entrypoint and docker run images alike; a log line ends it", async () => {
    const text = [
      "$ docker run --gpus all vllm/vllm-openai:v0.9.1 --model meta-llama/Llama-3.1-8B-Instruct",
      "  --tensor-parallel-size 2",
      "INFO 07-12 13:11:42 [api_server.py:1287] vLLM API server version 0.9.1",
      "--max-model-len 4096",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.maxModelLen).toBeNull();
    expect(r.facts.vllm.version).toBe("0.9.1");
  });

  it("does not read flag-like lines that follow no command", async () => {
    const r = await analyzeText("usage: thing\n--tensor-parallel-size 4\n");
    expect(r.facts.config.tensorParallelSize).toBeNull();
  });
});

describe("launch commands pasted in other shapes", () => {
  it("`python -m vllm.entrypoints.openai.api_server \\` alone on its line, after a shell prompt", async () => {
    for (const first of ["python -m vllm.entrypoints.openai.api_server \\", "(vllm) me@box:~$ python3 -m vllm.entrypoints.api_server \\"]) {
      const text = [first, "--model /data/Qwen3-30B \\", "  --tensor-parallel-size 4 \\", "  --pipeline-parallel-size 2 \\", "  --gpu-memory-utilization 0.90"].join("\n");
      const r = await analyzeText(text + "\n");
      expect(r.facts.config.model).toBe("/data/Qwen3-30B");
      expect(r.facts.config.tensorParallelSize).toBe(4);
      expect(r.facts.config.pipelineParallelSize).toBe(2);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
    }
  });

  it("a command in markdown inline-code backticks", async () => {
    for (const line of ["`NCCL_PROTO=Simple vllm serve Qwen/Qwen3-8B -tp 2`", "serving: `vllm serve Qwen/Qwen3-8B --tensor-parallel-size 2`", "`python -m vllm.entrypoints.openai.api_server --model Qwen/Qwen3-8B -tp 2`"]) {
      const r = await analyzeText(line + "\n");
      expect(r.facts.config.model).toBe("Qwen/Qwen3-8B");
      expect(r.facts.config.tensorParallelSize).toBe(2);
    }
  });
});

describe("a process prefix the peel cannot take off, before vLLM's level", () => {
  const cases = [
    // an app's own clock and tags in front
    ["07:29:02 [INFO] [inf-job] [INFERENCE LOG] (EngineCore_DP0 pid=497) ", "v1", undefined],
    // ANSI colour rendered to HTML by a log viewer
    ['<font color="#2AA1B3"><b>(Worker_TP1 pid=128456)</b></font> ', "v1", "mp"],
    ['<span style="color:#2AA1B3">(VllmWorkerProcess pid=77)</span> ', "v0", "mp"],
  ] as const;
  for (const [wrap, engine, backend] of cases)
    it(wrap, async () => {
      const r = await analyzeText(`${wrap}INFO 10-03 07:29:02 [default_loader.py:268] Loading weights took 2.39 seconds\n${wrap}INFO 10-03 07:29:02 [model_runner.py:2392] Model loading took 27.5185 GiB and 305.87 seconds\n`);
      expect(r.facts.memory.modelWeightsGiB).toBe(27.5185);
      expect(r.facts.vllm.engine).toBe(engine);
      expect(r.facts.config.executorBackend).toBe(backend ?? null);
      expect(ids(r, "error")).toEqual([]);
    });
});

describe("argument lists written one quoted item per line", () => {
  it("a JSON / Python list of vLLM arguments without its brackets (engine args pasted from a manifest)", async () => {
    const text = [
      '             "--tensor-parallel-size",',
      '              "8",',
      '              "--enable-chunked-prefill",',
      '              "false",',
      "              '--max-model-len', ",
      "              '16384'",
      "",
      "ERROR 12-01 13:05:02 client.py:282] RuntimeError('Engine process (pid 76) died.')",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.maxModelLen).toBe(16384);
  });

  it("a list ending the log is read; a vLLM record ends one", async () => {
    const r = await analyzeText('args: [\n"--model",\n"Qwen/Qwen3-8B",\n"--gpu-memory-utilization",\n"0.85"\n');
    expect(r.facts.config.model).toBe("Qwen/Qwen3-8B");
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
    const r2 = await analyzeText('"--pipeline-parallel-size",\n"2",\nINFO 07-12 13:11:42 [api_server.py:1287] vLLM API server version 0.9.1\n"--max-model-len",\n');
    expect(r2.facts.config.pipelineParallelSize).toBe(2);
    expect(r2.facts.config.maxModelLen).toBeNull();
  });

  it("another launcher's quoted arguments are not vLLM's", async () => {
    const r = await analyzeText('"--nproc-per-node",\n"8",\n"--max-restarts",\n"3",\n"train.py"\n');
    expect(r.facts.config.source).toBeNull();
    const r2 = await analyzeText('"torchrun",\n"--nproc-per-node",\n"8",\n"--tensor-parallel-size",\n"8"\n');
    expect(r2.facts.config.tensorParallelSize).toBeNull();
  });
});

describe("Ray's name for vLLM's worker actor marks the Ray executor", () => {
  const lines = [
    "ERROR 04-08 04:00:01 [core.py:390] ray.exceptions.RayTaskError(ModuleNotFoundError): ray::RayWorkerWrapper.__ray_call__() (pid=687, ip=172.18.0.3, actor_id=c6e8, repr=<vllm.executor.ray_",
    "(LLMRayActor pid=21921, ip=10.39.1.20) Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::RayWorkerWrapper.execute_method() (pid=22065, ip=10.39.1.20, actor_id=35de, repr=<vllm.executor.ray_utils.RayWorkerWrapper object at 0x7fbc>)",
    "2024-03-01 10:00:00,123\tERROR worker.py:406 -- Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::RayWorkerVllm.execute_method() (pid=5085, ip=10.0.0.2)",
  ];
  for (const line of lines)
    it(line.slice(0, 70), async () => {
      const r = await analyzeText(line + "\n");
      expect(r.facts.config.executorBackend).toBe("ray");
    });
});

describe("the KV cache size line in every form", () => {
  it("the 2026 one-line form: size and concurrency together", async () => {
    const r = await analyzeText("(EngineCore_DP0 pid=9) INFO 08-01 10:00:00 [kv_cache_utils.py:1300] GPU KV cache size: 123,456 tokens, Maximum concurrency for 32,768 tokens per request: 3.77x\n");
    expect(r.facts.kvCache.tokens).toBe(123456);
    expect(r.facts.kvCache.tokensPerRequest).toBe(32768);
    expect(r.facts.kvCache.maxConcurrency).toBe(3.77);
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("the two-line form (v0.8 on) and other devices' names (vllm-ascend NPU, CPU)", async () => {
    const two = await analyzeText("INFO 02-19 23:56:55 [kv_cache_utils.py:524] GPU KV cache size: 2,042,016 tokens\nINFO 02-19 23:56:55 [kv_cache_utils.py:527] Maximum concurrency for 2,048 tokens per request: 997.08x\n");
    expect([two.facts.kvCache.tokens, two.facts.kvCache.tokensPerRequest, two.facts.kvCache.maxConcurrency]).toEqual([2042016, 2048, 997.08]);
    const npu = await analyzeText("(EngineCore pid=3) INFO 05-01 10:00:00 [utils.py:120] NPU KV cache size: 405,504 tokens\n(EngineCore pid=3) INFO 05-01 10:00:00 [utils.py:124] Maximum concurrency for 32,768 tokens per request: 12.38x\n");
    expect([npu.facts.kvCache.tokens, npu.facts.kvCache.maxConcurrency]).toEqual([405504, 12.38]);
    const cpu = await analyzeText("INFO 05-01 10:00:00 [cpu_worker.py:80] CPU KV cache size: 65536 tokens\n");
    expect(cpu.facts.kvCache.tokens).toBe(65536);
  });

  it("behind a header that is not vLLM's", async () => {
    const r = await analyzeText("[2025-01-01 10:00:00] [INFO] GPU KV cache size: 42,656 tokens, Maximum concurrency for 4,096 tokens per request: 10.41x\n");
    expect([r.facts.kvCache.tokens, r.facts.kvCache.maxConcurrency]).toEqual([42656, 10.41]);
  });
});

describe("a record a terminal hard-wrapped at its width", () => {
  const w = (s: string, width: number) => s.match(new RegExp(`.{1,${width}}`, "g"))!.join("\n");
  it("the V1 insufficient-KV error cut mid-word over two and three lines", async () => {
    const msg =
      "(EngineCore pid=316) ValueError: To serve at least one request with the model's max seq len (100000), (4.26 GiB KV cache is needed, which is larger than the available KV cache memory (4.25 GiB). Based on the available memory, the estimated maximum model length is 99760. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
    for (const width of [119, 80]) {
      const r = await analyzeText(`(EngineCore pid=316)     raise ValueError(\n${w(msg, width)}\n`);
      expect(r.facts.config.maxModelLen).toBe(100000);
      expect(r.facts.kvCache.availableGiB).toBe(4.25);
      expect(r.facts.kvCache.neededGiB).toBe(4.26);
      expect(ids(r, "error")).toContain("vllm/kv-cache-too-small");
    }
  });

  it("the V0 wording behind vLLM's header", async () => {
    const msg = "ERROR 12-02 10:00:00 engine.py:366] The model's max seq len (29000) is larger than the maximum number of tokens that can be stored in KV cache (23648). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
    const r = await analyzeText(w(msg, 100) + "\n");
    expect(r.facts.config.maxModelLen).toBe(29000);
    expect(r.facts.kvCache.maxTokensStorable).toBe(23648);
    expect(ids(r, "error")).toContain("vllm/kv-cache-too-small");
  });

  it("does not join a line that starts a record of its own, nor lines that are not adjacent", async () => {
    const r = await analyzeText(
      [
        "(EngineCore pid=316) ValueError: To serve at least one request with the model's max seq len (100000), (4.26 GiB KV cach",
        "INFO 05-01 10:00:00 [core.py:1] e is needed, which is larger than the available KV cache memory (4.25 GiB).",
        "(EngineCore pid=316) ValueError: To serve at least one request with the model's max seq len (100000), (4.26 GiB KV cach",
        "",
        "e is needed, which is larger than the available KV cache memory (4.25 GiB).",
      ].join("\n") + "\n",
    );
    expect(r.facts.kvCache.availableGiB).toBeNull();
    // (the opening clause alone still states the problem: the finding says so without the sizes a join would have given)
    expect(r.findings.find((x) => x.ruleId === "vllm/kv-cache-too-small")?.message).toContain("the sizes vLLM states after this are not in the excerpt");
  });
});

describe("vLLM ≥0.12's coloured level, time and file (a TTY's output) pasted without the ESC byte", () => {
  it("reads the records", async () => {
    const lines = [
      "(APIServer pid=7) [32mINFO[0m [90m12-01 10:00:00[0m [90m[api_server.py:1900][0m vLLM API server version 0.12.0",
      "(EngineCore_DP0 pid=12) [32mINFO[0m [90m12-01 10:00:05[0m [90m[kv_cache_utils.py:1100][0m GPU KV cache size: 42,656 tokens",
      "(EngineCore_DP0 pid=12) [31mERROR[0m [90m12-01 10:00:09[0m [90m[core.py:700][0m EngineCore failed to start.",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.vllm.version).toBe("0.12.0");
    expect(r.facts.kvCache.tokens).toBe(42656);
    expect(r.facts.firstError?.line).toBe(3);
  });

  it("the same with the ESC byte kept reads alike", async () => {
    const r = await analyzeText("\x1b[0;36m(APIServer pid=7)\x1b[0m \x1b[32mINFO\x1b[0m \x1b[90m12-01 10:00:00\x1b[0m \x1b[90m[api_server.py:1900]\x1b[0m vLLM API server version 0.12.0\n");
    expect(r.facts.vllm.version).toBe("0.12.0");
  });
});

describe("SageMaker's MPI tag `[1,mpirank:N,host]<stdout>:`", () => {
  it("peels it, keeping rank and host", () => {
    const p = peel("[1,mpirank:8,algo-2]<stdout>:algo-2:140:140 [0] NCCL INFO Using network AWS Libfabric");
    expect(p.text).toBe("algo-2:140:140 [0] NCCL INFO Using network AWS Libfabric");
    expect([p.origin.rank, p.origin.host]).toEqual([8, "algo-2"]);
    expect(peel("[1,3]<stderr>:NCCL version 2.18.3+cuda12.1").origin.rank).toBe(3);
  });

  it("reads NCCL's version and connections behind it", async () => {
    const r = await analyzeText(
      [
        "[1,mpirank:0,algo-1]<stdout>:algo-1:133:133 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
        "[1,mpirank:0,algo-1]<stdout>:NCCL version 2.18.3+cuda12.1",
        "[1,mpirank:1,algo-1]<stdout>:algo-1:134:134 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC/read",
        "[1,mpirank:8,algo-2]<stdout>:algo-2:140:140 [0] NCCL INFO Channel 00/0 : 8[0] -> 0[0] [send] via NET/OFI/0/GDRDMA",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl.version).toBe("2.18.3");
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(1);
    expect(r.facts.nccl.transports["NET/OFI"]).toBe(1);
  });
});

describe("a message wrapped by hand or by a soft wrap at blanks", () => {
  it("the KV error over three lines with the blanks dropped at the breaks", async () => {
    const text = [
      "ValueError: To serve at least one request with the model's max seq len",
      "(131072), (5.07 GiB KV cache is needed, which is larger than the available",
      "KV cache memory (4.34 GiB). Based on the available memory, the estimated maximum model length is 110592.",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.maxModelLen).toBe(131072);
    expect(r.facts.kvCache.availableGiB).toBe(4.34);
    expect(ids(r, "error")).toContain("vllm/kv-cache-too-small");
  });

  it("the wording without the parenthesis before the size", async () => {
    const r = await analyzeText("ValueError: To serve at least one request with the models's max seq len (262144),\n28.00 GiB KV cache is needed, which is larger than the available KV cache memory (13.69 GiB).\n");
    expect(r.facts.config.maxModelLen).toBe(262144);
    expect(r.facts.kvCache.neededGiB).toBe(28);
    expect(r.facts.kvCache.availableGiB).toBe(13.69);
  });
});

describe("NCCL's one-line-per-HCA device list", () => {
  it("the ≈2.19+ / RCCL form with the verbs device reads like the pre-2.5 form", async () => {
    const r = await analyzeText(
      [
        "(EngineCore pid=21529) (RayWorkerProc pid=22126) toolbox:22126:22126 [0] NCCL INFO NET/IB: [0] rocep3s0f0:uverbs0:1/RoCE provider=Mlx5 speed=25000 context=0x20d67890 pciPath=/sys/devices/pci0000:00/0000:03:00.0 ar=0 oooRqSize=0",
        "(EngineCore pid=21529) (RayWorkerProc pid=22126) toolbox:22126:22126 [0] NCCL INFO NET/IB : Made virtual device [0] name=rocep3s0f0 speed=25000 ndevs=1",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl.ibHcas).toEqual(["rocep3s0f0:1"]);
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.config.executorBackend).toBe("ray");
    const old = await analyzeText("node1:100:200 [0] NCCL INFO NET/IB: [0] mlx5_0:1/IB \nnode1:100:200 [0] NCCL INFO NET/IB: [1] mlx5_1:1/IB \n");
    expect(old.facts.nccl.ibHcas).toEqual(["mlx5_0:1", "mlx5_1:1"]);
  });

  it("with the `Using` line after it, each HCA once and in order", async () => {
    const r = await analyzeText(
      [
        "gpu-a:10:10 [0] NCCL INFO NET/IB: [0] mlx5_0:uverbs0:1/IB provider=Mlx5 speed=400000 context=0x1 pciPath=/sys/x ar=1",
        "gpu-a:10:10 [0] NCCL INFO NET/IB: [1] mlx5_3:uverbs3:1/IB provider=Mlx5 speed=400000 context=0x2 pciPath=/sys/y ar=1",
        "gpu-a:10:10 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB [RO]; OOB ibp26s0:10.1.0.5<0>",
        "gpu-a:10:10 [0] NCCL INFO Using network IB",
      ].join("\n") + "\n",
    );
    expect(r.facts.nccl.ibHcas).toEqual(["mlx5_0:1", "mlx5_3:1"]);
    expect(r.facts.nccl.net).toBe("IB");
  });
});

describe("the new line shapes stay linear on hostile input", () => {
  it("a flag-like line of 20,000 dashes and letters after a command", async () => {
    // CPU time, not wall time: a busy machine must not fail it; a backtracking pattern takes minutes here
    const t = process.cpuUsage();
    await analyzeText(`vllm serve m\n--a${"-a".repeat(10000)}!"\n${"-a ".repeat(5000)}"\n`);
    expect(cpuMsSince(t)).toBeLessThan(2000);
  });

  it("long bare lines that keep continuing each other are joined over a few lines only", async () => {
    const line = "GPU memory error fail socket connect ".repeat(4);
    const t = process.cpuUsage();
    const r = await analyzeText(Array.from({ length: 3000 }, () => line).join("\n") + "\n");
    expect(cpuMsSince(t)).toBeLessThan(4000);
    expect(r.facts.kvCache.tokens).toBeNull();
  });
});

describe("the engine banner with its dump on the next lines", () => {
  it("version, engine and config when a paste split `... with config` from the dump (in a fence or not)", async () => {
    for (const [head, fence] of [["Initializing an LLM engine (v0.5.4) with config", "~~~"], ["INFO 08-01 10:00:00 llm_engine.py:174] Initializing an LLM engine (v0.5.4) with config:", "```text"], ["Initializing an LLM engine (v0.5.4) with config:", null]] as const) {
      const lines = [head, ...(fence ? [fence] : []), "model='/mnt/models/llama-3-1-70b', speculative_config=None, tokenizer='/mnt/models/llama-3-1-70b', dtype=torch.float16, max_seq_len=131072, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=2, pipeline_parallel_size=1, disable_custom_all_reduce=False)"];
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.facts.vllm.version).toBe("0.5.4");
      expect(r.facts.vllm.engine).toBe("v0");
      expect(r.facts.config.model).toBe("/mnt/models/llama-3-1-70b");
      expect(r.facts.config.maxModelLen).toBe(131072);
      expect(r.facts.config.tensorParallelSize).toBe(2);
    }
  });

  it("a V1 marker outranks the bare banner's weak V0 guess", async () => {
    const r = await analyzeText("Initializing an LLM engine (v0.7.0) with config: model='m', max_seq_len=4096, tensor_parallel_size=1)\nINFO 01-30 03:19:14 kv_cache_utils.py:395] # GPU blocks: 1381\n(VllmWorker rank=0 pid=5) INFO 01-30 03:19:14 gpu_model_runner.py:848] Loading model weights took 6.7 GB\n");
    expect(r.facts.vllm.engine).toBe("v1");
  });
});

describe("the V0 blocks line whose leading `# ` markdown turned into a heading", () => {
  it("reads the blocks", async () => {
    const r = await analyzeText("Loading model weights took 14.9888 GB\nGPU blocks: 1952, # CPU blocks: 2048\nMaximum concurrency for 20000 tokens per request: 1.56x\n");
    expect([r.facts.kvCache.gpuBlocks, r.facts.kvCache.cpuBlocks, r.facts.kvCache.maxConcurrency]).toEqual([1952, 2048, 1.56]);
    expect(r.facts.vllm.engine).toBe("v0");
    const v1 = await analyzeText("INFO 01-30 03:19:13 monitor.py:31] torch.compile takes 54.73 s in total\nGPU blocks: 1381\nMaximum concurrency for 2048 tokens per request: 10.79x\n");
    expect([v1.facts.kvCache.gpuBlocks, v1.facts.vllm.engine]).toEqual([1381, "v1"]);
  });
});

describe("launch commands: abbreviations and other engines", () => {
  it("argparse's unambiguous prefixes of vLLM's flags", async () => {
    const r = await analyzeText("vllm serve m --max_model_len 120000 --tensor_parallel 2 --pipeline-parallel 3 --gpu_memory 0.85 --data_parallel 4\n");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.pipelineParallelSize).toBe(3);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
    expect(r.facts.config.maxModelLen).toBe(120000);
    // `--data_parallel` is the start of several vLLM flags: argparse refuses it, and so does the reader
    expect(r.facts.config.dataParallelSize).toBeNull();
  });

  it("another engine's command with --model is not vLLM's", async () => {
    const r = await analyzeText(" python3 -m sglang.launch_server --model /path/to/other-model --tp 8 --port 8000\nvllm serve /path/to/Qwen3-8B -tp 4\n");
    expect(r.facts.config.model).toBe("/path/to/Qwen3-8B");
    expect(r.facts.config.tensorParallelSize).toBe(4);
    const lm = await analyzeText("lmdeploy serve api_server --model internlm/internlm2-chat-7b --tp 2\n");
    expect(lm.facts.config.source).toBeNull();
  });
});

describe("--max-model-len auto (2026): the fitted length outranks the banner's", () => {
  it("reduced, and kept whole", async () => {
    const banner = "(EngineCore pid=9) INFO 05-01 10:00:00 [core.py:101] Initializing a V1 LLM engine (v0.21.0) with config: model='Qwen/Qwen3-8B', max_seq_len=262144, tensor_parallel_size=1, pipeline_parallel_size=1)";
    const r = await analyzeText(`${banner}\n(EngineCore pid=9) INFO 05-01 10:00:30 [kv_cache_utils.py:2000] Auto-fit max_model_len: reduced from 262144 to 98304 to fit in available GPU memory (12.5 GiB available for KV cache)\n`);
    expect(r.facts.config.maxModelLen).toBe(98304);
    const full = await analyzeText(`${banner}\nINFO 05-01 10:00:30 [kv_cache_utils.py:1990] Auto-fit max_model_len: full model context length 262144 fits in available GPU memory\n`);
    expect(full.facts.config.maxModelLen).toBe(262144);
  });
});
