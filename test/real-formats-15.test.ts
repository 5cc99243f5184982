import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes seen in real pastes (round 15: /tmp/reallogs15, logs damaged by how they were pasted or collected — journald,
 * Buildkite and GitHub Actions stamps, Jupyter cells, Windows consoles, launchers that re-log a container's output,
 * windows cut mid-line — and vLLM 0.1 next to 0.16). Every log text here is written for the test in the format's
 * shape, with unseen variants next to it.
 */

const v0 = (level: string, file: string, msg: string, stamp = "07-13 02:56:30") => `${level} ${stamp} ${file}] ${msg}`;
const cur = (level: string, file: string, msg: string, stamp = "12-14 20:43:07") => `${level} ${stamp} [${file}] ${msg}`;

describe("vLLM's ensure_divisibility assertion (`N is not divisible by M`, no dimension named)", () => {
  it("reports the tensor-parallel split from a torchrun-prefixed AssertionError", async () => {
    const r = await analyzeText(
      [
        "[rank0]: AssertionError: 4096 is not divisible by 6",
        "",
        v0("ERROR", "multiproc_worker_utils.py:120", "Worker VllmWorkerProcess pid 4411 died, exit code: -15"),
      ].join("\n"),
    );
    expect(ids(r)).toContain("vllm/tp-not-divisible");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("reads it inside a worker's ERROR record and bare (variants)", async () => {
    const worker = await analyzeText(
      "(VllmWorkerProcess pid=812) " + v0("ERROR", "multiproc_worker_utils.py:226", "AssertionError: 151936 is not divisible by 5"),
    );
    expect(ids(worker)).toContain("vllm/tp-not-divisible");
    const bare = await analyzeText("AssertionError: 14336 is not divisible by 3\n");
    expect(ids(bare)).toContain("vllm/tp-not-divisible");
  });

  it("does not read a divisibility remark that is no such assertion (near misses)", async () => {
    const r = await analyzeText(
      [
        v0("INFO", "llm_engine.py:161", "batch of 12 is not divisible by 5 in the user's script, padding"),
        "ValueError: prompt length 7 is not divisible by 2",
        "AssertionError: 4096 is not divisible by 6 padded heads",
      ].join("\n"),
    );
    expect(ids(r)).not.toContain("vllm/tp-not-divisible");
  });
});

describe("Lemonade's server log (`date time.ms [Level] (Component) msg`)", () => {
  it("takes the first [Error] record as the first error, after [Info] and [Warn] ones", async () => {
    const r = await analyzeText(
      [
        "2026-06-01 09:00:01.120 [Info] (Router) Loading model Qwen3-8B with the vllm backend",
        "2026-06-01 09:00:31.004 [Warn] (ProcessManager) Process slow to answer the health check",
        "2026-06-01 09:01:02.377 [Error] (Router) Failed to load model: vllm-server exited with code 1",
        "2026-06-01 09:01:02.378 [Error] (Server) Error 500: POST /api/v1/load",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.firstError?.text).toContain("vllm-server exited with code 1");
  });

  it("keeps a wrapped vLLM record's own level, and takes no traceback header as the error (variants)", async () => {
    const r = await analyzeText(
      [
        "2026-06-01 09:00:02.001 [Info] (Process) (APIServer pid=77) " + cur("INFO", "api_server.py:1", "vLLM API server version 0.12.0"),
        "2026-06-01 09:00:03.002 [Critical] (Process) Traceback (most recent call last):",
        "2026-06-01 09:00:03.003 [Debug] (Server) GET /api/v1/health - 200",
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBe("0.12.0");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("Python logging without the logger's name, and a launcher's `[container]` tag", () => {
  it("reads the frames of a start-up traceback under the tag as engine-init-failed", async () => {
    const head = (s: string) => `2026-05-29 09:14:45,594 - INFO - [container] (APIServer pid=557) ${s}`;
    const r = await analyzeText(
      [
        head("Traceback (most recent call last):"),
        head('  File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 136, in build_async_engine_client_from_engine_args'),
        head("    async_llm = AsyncLLM.from_vllm_config("),
        head('  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/async_llm.py", line 146, in __init__'),
        head("    self.engine_core = EngineCoreClient.make_async_mp_client("),
      ].join("\n"),
    );
    expect(ids(r)).toContain("vllm/engine-init-failed");
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("reads vLLM records behind the header with or without the tag (variants)", async () => {
    const r = await analyzeText(
      [
        "2025-02-03 04:05:06,789 - INFO - " + cur("INFO", "api_server.py:1042", "vLLM API server version 0.9.1", "02-03 04:05:06"),
        "2025-02-03 04:05:09,001 - WARNING - [vllm] " + cur("ERROR", "core.py:708", "EngineCore failed to start.", "02-03 04:05:09"),
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBe("0.9.1");
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("leaves a bracketed word that is no tag on the text (near miss)", async () => {
    const r = await analyzeText("2025-02-03 04:05:06,789 - INFO - [Gloo] Rank 0 is connected to 1 peer ranks. Expected number of connected peer ranks is : 1\n");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("`world_size=N rank=R local_rank=L ...` cut before its end", () => {
  it("reads the world size from a line the window cut after `distributed_init_method=`", async () => {
    const r = await analyzeText("(EngineCore_DP0 pid=25) " + cur("INFO", "parallel_state.py:1200", "world_size=4 rank=0 local_rank=0 distributed_init_method="));
    expect(r.facts.distributed.worldSize).toBe(4);
    expect(r.facts.distributed.backend).toBeNull();
  });

  it("still reads the backend and host of a whole line, and a line cut after local_rank (variants)", async () => {
    const whole = await analyzeText(cur("INFO", "parallel_state.py:1234", "world_size=2 rank=1 local_rank=1 distributed_init_method=tcp://10.1.2.3:54953 backend=nccl"));
    expect(whole.facts.distributed.worldSize).toBe(2);
    expect(whole.facts.distributed.backend).toBe("nccl");
    expect(whole.facts.distributed.hostIp).toBe("10.1.2.3");
    const cut = await analyzeText("DEBUG 05-02 10:00:00 parallel_state.py:1048] world_size=8 rank=3 local_rank=3");
    expect(cut.facts.distributed.worldSize).toBe(8);
  });

  it("does not read `world_size=` inside another message (near miss)", async () => {
    const r = await analyzeText(cur("INFO", "utils.py:1", "Adjusting parameters: my_world_size=16 rank=0 local_rank=0 from the launcher"));
    expect(r.facts.distributed.worldSize).toBeNull();
  });
});

describe("≤0.1.x's unclamped `# GPU blocks: -N`", () => {
  it("reads a negative block count and reports no KV-cache memory", async () => {
    const r = await analyzeText(v0("INFO", "llm_engine.py:128", "# GPU blocks: -3, # CPU blocks: 256", "06-21 10:00:18"));
    expect(r.facts.kvCache.gpuBlocks).toBe(-3);
    expect(r.facts.kvCache.cpuBlocks).toBe(256);
    expect(r.facts.vllm.engine).toBe("v0");
    expect(ids(r)).toContain("vllm/no-kv-cache-memory");
  });

  it("keeps positive counts clean, and reads the device-named form (variants)", async () => {
    const ok = await analyzeText(v0("INFO", "llm_engine.py:223", "# GPU blocks: 1478, # CPU blocks: 0", "01-02 03:04:05"));
    expect(ok.facts.kvCache.gpuBlocks).toBe(1478);
    expect(ids(ok)).not.toContain("vllm/no-kv-cache-memory");
    const cuda = await analyzeText(v0("INFO", "executor_base.py:110", "# cuda blocks: -12, # CPU blocks: 512", "01-02 03:04:05"));
    expect(cuda.facts.kvCache.gpuBlocks).toBe(-12);
    expect(ids(cuda)).toContain("vllm/no-kv-cache-memory");
  });
});

describe("commands pasted from Windows consoles and notebooks", () => {
  it("reads a command right after cmd.exe's prompt and a notebook's `!` shell escape", async () => {
    const cmd = await analyzeText("C:\\Users\\ana\\proj>vllm serve Qwen/Qwen3-8B --max-model-len 4096 --gpu-memory-utilization 0.8\n");
    expect(cmd.facts.config.model).toBe("Qwen/Qwen3-8B");
    expect(cmd.facts.config.maxModelLen).toBe(4096);
    expect(cmd.facts.config.gpuMemoryUtilization).toBe(0.8);
    const nb = await analyzeText("!vllm serve meta-llama/Llama-3.2-1B-Instruct --tensor-parallel-size 2 --max-model-len 2048\n");
    expect(nb.facts.config.model).toBe("meta-llama/Llama-3.2-1B-Instruct");
    expect(nb.facts.config.tensorParallelSize).toBe(2);
  });

  it("follows cmd.exe's `^` and PowerShell's backtick line continuations, as the shell's `\\` (variants)", async () => {
    const caret = await analyzeText(["D:\\llm>vllm serve Qwen/Qwen3-8B ^", "  --max-model-len 8192 ^", "  --tensor-parallel-size 2"].join("\r\n"));
    expect(caret.facts.config.maxModelLen).toBe(8192);
    expect(caret.facts.config.tensorParallelSize).toBe(2);
    const tick = await analyzeText(["PS C:\\llm> vllm serve Qwen/Qwen3-8B `", "    --max-model-len 16384 `", "    --pipeline-parallel-size 2"].join("\n"));
    expect(tick.facts.config.model).toBe("Qwen/Qwen3-8B");
    expect(tick.facts.config.maxModelLen).toBe(16384);
    expect(tick.facts.config.pipelineParallelSize).toBe(2);
  });

  it("does not take the next line as flags when the command ends without a continuation word (near miss)", async () => {
    const r = await analyzeText(["C:\\llm>vllm serve Qwen/Qwen3-8B --max-model-len 4096", "  --tensor-parallel-size 8 is what the docs suggest"].join("\n"));
    expect(r.facts.config.maxModelLen).toBe(4096);
    expect(r.facts.config.tensorParallelSize).toBeNull();
  });
});

describe("loguru's default format around vLLM's output (a launcher forwarding the server's lines)", () => {
  const lg = (level: string, where: string, msg: string, t = "10:00:01.123") => `2026-05-06 ${t} | ${level.padEnd(8)} | ${where} - ${msg}`;

  it("reads vLLM's records behind the header, with their own level", async () => {
    const r = await analyzeText(
      [
        lg("INFO", "launcher.vllm:_forward:88", "(APIServer pid=1) " + cur("INFO", "api_server.py:1", "vLLM API server version 0.11.0", "05-06 10:00:01")),
        lg("INFO", "launcher.vllm:_forward:88", "(EngineCore_DP0 pid=90) " + cur("ERROR", "core.py:708", "EngineCore failed to start.", "05-06 10:00:09"), "10:00:09.456"),
        lg("ERROR", "launcher.vllm:wait:120", "vLLM exited before /health became reachable", "10:00:09.457"),
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBe("0.11.0");
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("takes the launcher's own ERROR record as the first error when vLLM logged none, not its INFO or WARNING ones (variants)", async () => {
    const r = await analyzeText(
      [
        lg("WARNING", "app.server:start:41", "port 8000 busy, retrying"),
        lg("SUCCESS", "app.server:start:44", "container started"),
        lg("CRITICAL", "app.server:health:77", "vllm-server failed to start within 600 s", "10:10:01.000"),
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.firstError?.text).toContain("failed to start within 600 s");
  });
});

describe("a Windows install's backslash paths in tracebacks", () => {
  it("names the V1 engine from `vllm\\v1\\` frames and reads the start-up failure", async () => {
    const r = await analyzeText(
      [
        "Traceback (most recent call last):",
        '  File "D:\\envs\\llm\\Lib\\site-packages\\vllm\\entrypoints\\openai\\api_server.py", line 136, in build_async_engine_client_from_engine_args',
        "    async_llm = AsyncLLM.from_vllm_config(",
        '  File "D:\\envs\\llm\\Lib\\site-packages\\vllm\\v1\\engine\\async_llm.py", line 146, in __init__',
        "    self.engine_core = EngineCoreClient.make_async_mp_client(",
      ].join("\r\n"),
    );
    expect(r.facts.vllm.engine).toBe("v1");
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("names Ray's executor from `executor\\ray_` frames, and takes a `vllm\\worker\\` frame alone as the weak V0 hint the posix path is (variants)", async () => {
    const ray = await analyzeText('  File "C:\\py\\Lib\\site-packages\\vllm\\executor\\ray_utils.py", line 132, in execute_method\n');
    expect(ray.facts.config.executorBackend).toBe("ray");
    const v0 = await analyzeText('  File "C:\\py\\Lib\\site-packages\\vllm\\worker\\worker.py", line 183, in load_model\n');
    expect(v0.facts.vllm.engine).toBe("v0");
  });
});
