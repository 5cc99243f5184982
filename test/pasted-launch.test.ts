import { describe, expect, it } from "vitest";
import { parseEnvSettings, parseLaunch } from "../grammars/vllm.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Launch commands and environment settings as users paste them: `vllm serve`, wrappers' echoes, shell prompts,
 * `python -m vllm.entrypoints...`, `LLM(...)` calls, `docker`/`podman run`, and the NCCL/vLLM variables they set.
 */

const config = async (text: string) => (await analyzeText(text)).facts;

describe("launch commands -> facts.config", () => {
  it("reads `vllm serve` from a shell prompt, a wrapper's echo and `python -m`, with long, `=` and short flags", async () => {
    const cases: [string, Record<string, unknown>][] = [
      ["$ vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 --tensor-parallel-size 3", { model: "meta-llama/Llama-3.1-8B-Instruct", maxModelLen: 8192, tensorParallelSize: 3 }],
      ["Run vllm with arguments: serve Qwen/Qwen2.5-7B-Instruct -tp 2 --gpu-memory-utilization=0.85 --served-model-name qwen", { model: "Qwen/Qwen2.5-7B-Instruct", tensorParallelSize: 2, gpuMemoryUtilization: 0.85, servedModelName: "qwen" }],
      ["user@node1:~$ python3 -m vllm.entrypoints.openai.api_server --model /models/mixtral -pp 2 --tp 4 --dtype half -ep", { model: "/models/mixtral", pipelineParallelSize: 2, tensorParallelSize: 4, dtype: "half", enableExpertParallel: true }],
      [
        "vllm serve deepseek-ai/DeepSeek-V3 --nnodes 2 --node-rank 1 --master-addr 10.0.0.5 --headless -dp 2 --distributed-executor-backend mp",
        { model: "deepseek-ai/DeepSeek-V3", nnodes: 2, nodeRank: 1, masterAddr: "10.0.0.5", headless: true, dataParallelSize: 2, executorBackend: "mp" },
      ],
      ["vllm serve org/m --no-enforce-eager --no-enable-expert-parallel --kv-cache-dtype fp8 -q fp8", { enforceEager: false, enableExpertParallel: false, kvCacheDtype: "fp8", quantization: "fp8" }],
    ];
    for (const [line, want] of cases) {
      const f = await config(line + "\n");
      expect(f.config, line).toMatchObject({ ...want, source: "command" });
      expect(f.sources["config.model"].line).toBe(1);
    }
  });

  it("reads the same command and its environment under wrappers", async () => {
    const lines = ["NCCL_P2P_DISABLE=1 vllm serve org/model-7b --max-model-len 8192 \\", "  --tensor-parallel-size 2 --gpu-memory-utilization 0.88"];
    const wraps: ((l: string) => string)[] = [
      (l) => `2025-03-04T10:11:12.123456789Z ${l}`,
      (l) => `vllm-1  | ${l}`,
      (l) => `\u001b[0m${l}\r`,
      (l) => `[pod/vllm-0/vllm] ${l}`,
    ];
    for (const w of wraps) {
      const f = await config(lines.map(w).join("\n") + "\n");
      expect(f.config, w("x")).toMatchObject({ model: "org/model-7b", maxModelLen: 8192, tensorParallelSize: 2, gpuMemoryUtilization: 0.88, source: "command" });
      expect(f.env).toEqual({ NCCL_P2P_DISABLE: "1" });
      expect(f.sources["config.tensorParallelSize"].line).toBe(2);
    }
  });

  it("reads a `docker run` spread over lines: -e variables before the image, vLLM's arguments after it", async () => {
    const f = await config(
      [
        "docker run --runtime nvidia --gpus all --ipc=host -p 8000:8000 \\",
        "    -e NCCL_SOCKET_IFNAME=ens5 --env VLLM_HOST_IP=10.1.0.4 -e HF_TOKEN=hf_abc \\",
        "    -v ~/.cache/huggingface:/root/.cache/huggingface \\",
        "    vllm/vllm-openai:v0.10.1 \\",
        "    mistralai/Mistral-Small-24B-Instruct-2501 \\",
        "    --tensor-parallel-size 2 --max-model-len=32768",
      ].join("\n"),
    );
    expect(f.config).toMatchObject({ model: "mistralai/Mistral-Small-24B-Instruct-2501", tensorParallelSize: 2, maxModelLen: 32768, source: "command" });
    expect(f.sources["config.maxModelLen"].line).toBe(6);
    expect(f.env).toEqual({ NCCL_SOCKET_IFNAME: "ens5", VLLM_HOST_IP: "10.1.0.4" });
    expect(f.sources["env.NCCL_SOCKET_IFNAME"].line).toBe(2);
  });

  it("reads `podman run` on one line, an image's own `vllm serve` command, and no vLLM flags for another program's image", async () => {
    const p = await config("podman run --device nvidia.com/gpu=all -e VLLM_USE_V1=1 docker.io/vllm/vllm-openai:latest --model ibm-granite/granite-3.1-8b-instruct -tp 1\n");
    expect(p.config).toMatchObject({ model: "ibm-granite/granite-3.1-8b-instruct", tensorParallelSize: 1 });
    expect(p.env).toEqual({ VLLM_USE_V1: "1" });
    const ngc = await config("docker run --gpus all nvcr.io/nvidia/vllm:25.09-py3 vllm serve nvidia/Llama-3.1-8B-Instruct-FP8 --max-model-len 4096\n");
    expect(ngc.config).toMatchObject({ model: "nvidia/Llama-3.1-8B-Instruct-FP8", maxModelLen: 4096 });
    const other = await config("docker run --gpus all -e NCCL_DEBUG=INFO nvcr.io/nvidia/pytorch:24.05-py3 ./build/all_reduce_perf -b 8 -e 8G -g 8\n");
    expect(other.config.model).toBeNull();
    expect(other.config.source).toBeNull();
    expect(other.env).toEqual({ NCCL_DEBUG: "INFO" });
  });

  it("reads commands written as arrays and YAML lists (Kubernetes, compose, Dockerfile), with their env entries", async () => {
    const k8s = await config(
      [
        "      containers:",
        "        - name: vllm",
        "          image: vllm/vllm-openai:v0.9.1",
        '          command: ["vllm", "serve", "meta-llama/Llama-3.1-70B-Instruct", "--tensor-parallel-size", "4", "--max-model-len", "16384"]',
        "          env:",
        "            - name: NCCL_SOCKET_IFNAME",
        '              value: "eth0"',
        "            - name: HF_TOKEN",
        "              value: hf_secret",
      ].join("\n"),
    );
    expect(k8s.config).toMatchObject({ model: "meta-llama/Llama-3.1-70B-Instruct", tensorParallelSize: 4, maxModelLen: 16384, source: "command" });
    expect(k8s.env).toEqual({ NCCL_SOCKET_IFNAME: "eth0" });
    expect(k8s.sources["env.NCCL_SOCKET_IFNAME"].line).toBe(7);
    const compose = await config(
      [
        "services:",
        "  vllm:",
        "    environment:",
        "      - NCCL_P2P_DISABLE=1",
        '      VLLM_LOGGING_LEVEL: "DEBUG"',
        "    args:",
        "      - --model",
        '      - "Qwen/Qwen2.5-72B-Instruct"',
        "      - --tensor-parallel-size=8",
        "      - --gpu-memory-utilization",
        '      - "0.92"',
        "    ports:",
        '      - "8000:8000"',
      ].join("\n"),
    );
    expect(compose.config).toMatchObject({ model: "Qwen/Qwen2.5-72B-Instruct", tensorParallelSize: 8, gpuMemoryUtilization: 0.92 });
    expect(compose.env).toEqual({ NCCL_P2P_DISABLE: "1", VLLM_LOGGING_LEVEL: "DEBUG" });
    const dockerfile = await config('CMD ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/m", "-tp", "2"]\n');
    expect(dockerfile.config).toMatchObject({ model: "/models/m", tensorParallelSize: 2 });
    // another program's array gives nothing
    expect((await config('CMD ["python3", "train.py", "--epochs", "3"]\n')).config.source).toBeNull();
  });

  it("reads `LLM(...)` keyword calls on one line or spread over lines, literal values only", async () => {
    const one = await config('llm = LLM(model="facebook/opt-125m", tensor_parallel_size=2, gpu_memory_utilization=0.6, max_model_len=4096)\n');
    expect(one.config).toMatchObject({ model: "facebook/opt-125m", tensorParallelSize: 2, gpuMemoryUtilization: 0.6, maxModelLen: 4096, source: "command" });
    const many = await config(['llm = LLM(', '    model="Qwen/Qwen3-8B",  # the model', "    tensor_parallel_size=tp,", "    pipeline_parallel_size=2,", ")", "outputs = llm.generate(prompts)"].join("\n"));
    expect(many.config).toMatchObject({ model: "Qwen/Qwen3-8B", pipelineParallelSize: 2, tensorParallelSize: null });
    const variable = await config("engine_args = AsyncEngineArgs(model=model_path, enforce_eager=True)\n");
    expect(variable.config).toMatchObject({ model: null, enforceEager: true });
  });

  it("ranks the engine banner over `non-default args` over the command line, and says which won", async () => {
    const cmd = "$ vllm serve org/m --max-model-len 4096 --tensor-parallel-size 2 --gpu-memory-utilization 0.8";
    const args = "(APIServer pid=9) INFO 08-15 14:56:15 [api_utils.py:273] non-default args: {'model': 'org/m', 'max_model_len': 8192, 'gpu_memory_utilization': 0.9}";
    const banner = "(EngineCore_DP0 pid=10) INFO 08-15 14:56:20 [core.py:74] Initializing a V1 LLM engine (v0.10.1) with config: model='org/m', max_seq_len=16384, tensor_parallel_size=2, seed=0, compilation_config={}";
    const onlyCmd = await config(cmd + "\n");
    expect(onlyCmd.config).toMatchObject({ maxModelLen: 4096, gpuMemoryUtilization: 0.8, source: "command" });
    const withArgs = await config([cmd, args].join("\n"));
    expect(withArgs.config).toMatchObject({ maxModelLen: 8192, gpuMemoryUtilization: 0.9, tensorParallelSize: 2, source: "non-default-args" });
    expect(withArgs.sources["config.tensorParallelSize"].line).toBe(1);
    const all = await config([cmd, args, banner].join("\n"));
    expect(all.config).toMatchObject({ maxModelLen: 16384, gpuMemoryUtilization: 0.9, source: "banner" });
    expect(all.sources["config.maxModelLen"].line).toBe(3);
    // a bare `non-default args` line (no logger header) counts the same
    const bare = await config([cmd, args.replace(/^.*?\] /, "")].join("\n"));
    expect(bare.config).toMatchObject({ maxModelLen: 8192, source: "non-default-args" });
  });
});

describe("environment settings -> facts.env", () => {
  it("reads exports, `declare -x`, `env` output, assignments before a command, mpirun -x and srun --export; never secrets", async () => {
    const f = await config(
      [
        "$ export NCCL_IB_DISABLE=1",
        'declare -x NCCL_SOCKET_IFNAME="eth0"',
        "CUDA_VISIBLE_DEVICES=0,1,2,3",
        "NCCL_P2P_DISABLE=1 VLLM_API_KEY=sk-123 vllm serve m -tp 4",
        "mpirun -np 16 -x NCCL_IB_HCA=mlx5_0,mlx5_1 -x NCCL_DEBUG=INFO ./build/all_reduce_perf -b 8 -e 8G",
        "srun --export=ALL,NCCL_NET_GDR_LEVEL=PHB python train.py",
        "HOME=/root",
      ].join("\n"),
    );
    expect(f.env).toEqual({
      CUDA_VISIBLE_DEVICES: "0,1,2,3",
      NCCL_DEBUG: "INFO",
      NCCL_IB_DISABLE: "1",
      NCCL_IB_HCA: "mlx5_0,mlx5_1",
      NCCL_NET_GDR_LEVEL: "PHB",
      NCCL_P2P_DISABLE: "1",
      NCCL_SOCKET_IFNAME: "eth0",
    });
    expect(f.sources["env.NCCL_P2P_DISABLE"].line).toBe(4);
    expect(f.sources["env.NCCL_IB_HCA"].line).toBe(5);
  });

  it("prefers NCCL's own `X set by environment to Y` over a line that sets it, and feeds the rules as evidence", async () => {
    const r = await analyzeText(
      [
        "export NCCL_IB_DISABLE=0",
        "nodeA:100:100 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.",
        "nodeA:100:100 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>",
        "nodeA:100:100 [0] NCCL INFO Using network Socket",
      ].join("\n"),
    );
    expect(r.facts.env.NCCL_IB_DISABLE).toBe("1");
    expect(r.facts.sources["env.NCCL_IB_DISABLE"].line).toBe(2);
    const f = r.findings.find((x) => x.ruleId === "nccl/ib-disabled");
    expect(f?.evidence.map((e) => e.line)).toContain(2);
  });

  it("a docker `-e NCCL_IB_DISABLE=1` alone is what nccl/ib-disabled cites", async () => {
    const r = await analyzeText("docker run --gpus all -e NCCL_IB_DISABLE=1 vllm/vllm-openai:v0.9.2 --model m -tp 8\nnodeA:1:1 [0] NCCL INFO Using network Socket\n");
    expect(ids(r)).toContain("nccl/ib-disabled");
    expect(r.findings.find((x) => x.ruleId === "nccl/ib-disabled")?.evidence[0].line).toBe(1);
  });

  it("the text report names where the config came from, the environment, and a derived token count", async () => {
    const { renderText } = await import("../src/report/text.js");
    const r = await analyzeText("$ NCCL_IB_DISABLE=1 vllm serve org/m -tp 2\n# GPU blocks: 100, # CPU blocks: 10\n");
    // wide enough that no row wraps
    const text = renderText(r, { color: false, width: 200 });
    expect(text).toMatch(/config read from\s+the launch command/);
    expect(text).toMatch(/environment\s+NCCL_IB_DISABLE=1/);
    expect(text).toMatch(/tokens\s+1,600 \(kvCache\.gpuBlocks \(100\) × block size 16\s+\(vLLM's default\)\)/);
  });

  it("parses the settings of one line in the grammar", () => {
    expect([...parseEnvSettings("NCCL_DEBUG=INFO NCCL_ALGO='Ring' torchrun --nproc-per-node 8 -genv NCCL_PROTO Simple x.py")]).toEqual([
      ["NCCL_DEBUG", "INFO"],
      ["NCCL_ALGO", "Ring"],
      ["NCCL_PROTO", "Simple"],
    ]);
    const quoted = parseLaunch(`echo "starting" && bash -c "NCCL_DEBUG=INFO vllm serve org/m -tp 2 --max-model-len 4096" > log`);
    expect(Object.fromEntries(quoted.flags)).toEqual({ model: "org/m", tensor_parallel_size: "2", max_model_len: "4096" });
    expect([...quoted.env]).toEqual([["NCCL_DEBUG", "INFO"]]);
    const l = parseLaunch("sudo -E env NCCL_P2P_LEVEL=NVL vllm serve m --port 8000 \\");
    expect([...l.env]).toEqual([["NCCL_P2P_LEVEL", "NVL"]]);
    expect(l.cont).toEqual({ phase: "vllm", modelNext: false, fixed: ["model"] });
    expect(l.flags.get("model")).toBe("m");
  });
});

describe("NCCL's version from the library vLLM loads", () => {
  it("takes `Found nccl from library libnccl.so.X.Y.Z` bare or prefixed, and the ≤0.4 `Loading nccl from library` path", async () => {
    for (const line of [
      "Found nccl from library libnccl.so.2.18.1",
      "(VllmWorker rank=1 pid=201) INFO 07-08 02:34:28 [utils.py:990] Found nccl from library libnccl.so.2.18.1",
      "INFO 04-10 11:00:00 pynccl_utils.py:17] Loading nccl from library /root/.config/vllm/nccl/cu12/libnccl.so.2.18.1",
      "vLLM is using nccl==2.18.1",
    ]) {
      const f = await config(line + "\n");
      expect(f.nccl.version, line).toBe("2.18.1");
      expect(f.sources["nccl.version"].line).toBe(1);
    }
    // `libnccl.so.2` names no release
    expect((await config("Found nccl from library libnccl.so.2\n")).nccl.version).toBeNull();
  });

  it("keeps NCCL's own banner first", async () => {
    const f = await config("Found nccl from library libnccl.so.2.18.1\nnodeA:5:5 [0] NCCL INFO NCCL version 2.21.5+cuda12.4\n");
    expect(f.nccl.version).toBe("2.21.5");
    expect(f.sources["nccl.version"].line).toBe(2);
  });
});

describe("facts.env across inputs", () => {
  it("merges like analysing the inputs together: NCCL's echo outranks a later input's export, the first input wins among equals", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { analyze, mergeAnalyses, mergeableStateOf } = await import("../src/analyze.js");
    const dir = mkdtempSync(join(tmpdir(), "vd-env-merge-"));
    try {
      const a = join(dir, "node1.log");
      const b = join(dir, "node2.log");
      writeFileSync(a, "export NCCL_SOCKET_IFNAME=eth0\nexport NCCL_IB_HCA=mlx5_0\n");
      writeFileSync(b, "export NCCL_SOCKET_IFNAME=ens5\nnode2:7:7 [0] NCCL INFO NCCL_IB_HCA set to mlx5_2\n");
      const whole = await analyze([a, b]);
      const parts = [await analyze([a]), await analyze([b])].map((x) => JSON.parse(JSON.stringify(mergeableStateOf(x))));
      const merged = mergeAnalyses(parts);
      expect(whole.report.facts.env).toEqual({ NCCL_IB_HCA: "mlx5_2", NCCL_SOCKET_IFNAME: "eth0" });
      expect(merged.report.facts.env).toEqual(whole.report.facts.env);
      expect(merged.report.facts.sources["env.NCCL_IB_HCA"]).toEqual(whole.report.facts.sources["env.NCCL_IB_HCA"]);
      expect(whole.report.facts.sources["env.NCCL_IB_HCA"]).toMatchObject({ file: b, line: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
