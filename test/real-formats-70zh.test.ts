import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";

/**
 * Formats found in a seventieth round of real logs: vLLM and NCCL issues written in Chinese. The logs themselves read
 * well (Chinese prose between records, full-width colons, prompts); what the tool missed is the host's own words under
 * a zh_CN locale. bash reports a job that died with glibc's translated strsignal (`段错误`, `总线错误`, `已杀死`) and its
 * own `(核心已转储)` / `第 N 行：`, and glibc's dlerror says `无法打开共享对象文件: 没有那个文件或目录`; the signatures knew
 * the English words only. Every log text here is written for the test in the printed layout.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T03:40:11.518204113Z ${l}`],
  ["docker compose", (l: string) => `vllm-qwen-1  | ${l}`],
] as const;

const START = "INFO 05-12 09:01:02 [api_server.py:1043] vLLM API server version 0.8.5";
const messageOf = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id)?.message ?? "";

describe("bash's job report under a zh_CN locale", () => {
  it("a segmentation fault (`段错误 (核心已转储)`) is a fatal signal: SIGSEGV", async () => {
    const lines = [START, "./start.sh: 第 7 行： 30211 段错误               (核心已转储) python3 -m vllm.entrypoints.openai.api_server --model /data/m"];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/fatal-signal");
      expect(messageOf(r, "vllm/fatal-signal"), at).toContain("killed by SIGSEGV");
    });
  });

  it("a bare `总线错误 (核心已转储)` is SIGBUS", async () => {
    const r = await analyzeText([START, "总线错误 (核心已转储)"].join("\n") + "\n");
    expect(messageOf(r, "vllm/fatal-signal")).toContain("killed by SIGBUS");
  });

  it("`已杀死` (SIGKILL) is the host-memory kill, as `Killed` is", async () => {
    const lines = [START, "./start.sh: 第 7 行： 30211 已杀死               python3 -m vllm.entrypoints.openai.api_server --model /data/m"];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/host-oom");
      expect(ids(r), at).not.toContain("vllm/fatal-signal");
    });
  });

  it("near misses: prose naming a segfault, and a job ended by SIGTERM (`已终止`)", async () => {
    const prose = await analyzeText([START, "请问运行时出现段错误怎么解决？"].join("\n") + "\n");
    expect(ids(prose)).not.toContain("vllm/fatal-signal");
    const term = await analyzeText([START, "./start.sh: 第 7 行： 30211 已终止               python3 -m vllm.entrypoints.openai.api_server --model /data/m"].join("\n") + "\n");
    expect(ids(term)).not.toContain("vllm/fatal-signal");
    expect(ids(term)).not.toContain("vllm/host-oom");
  });
});

describe("glibc's dlerror under a zh_CN locale", () => {
  it("a CUDA runtime library that cannot be opened is an extension load failure", async () => {
    const lines = [START, "ImportError: libcudart.so.12: 无法打开共享对象文件: 没有那个文件或目录"];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/kernels-import-failed");
      expect(messageOf(r, "vllm/kernels-import-failed"), at).toContain("libcudart.so.12");
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });

  it("near miss: NCCL's library is not a compiled extension", async () => {
    const r = await analyzeText([START, "OSError: libnccl.so.2: 无法打开共享对象文件: 没有那个文件或目录"].join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/kernels-import-failed");
  });
});

describe("Chinese prose between records", () => {
  it("a setting named in the poster's sentence is no fact; the config echo is", async () => {
    const lines = [
      "我设置了 --tensor-parallel-size 8 和 --gpu-memory-utilization 0.9，但是启动失败：",
      START,
      "（中间省略若干行）",
      "INFO 05-12 09:01:09 [config.py:1604] Defaulting to use mp for distributed inference",
      "ERROR 05-12 09:02:40 [core.py:396] EngineCore failed to start.",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.config.tensorParallelSize, at).toBeNull();
      expect(r.facts.config.gpuMemoryUtilization, at).toBeNull();
      expect(r.facts.vllm.version, at).toBe("0.8.5");
      expect(r.facts.firstError?.line, at).toBe(5);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
});
