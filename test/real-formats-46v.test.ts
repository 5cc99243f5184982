import { describe, expect, it } from "vitest";
import { analyzeText, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a forty-sixth round of real logs (vLLM issues found by symptom words: hangs, killed, restarts, slow).
 * Every log text here is written for the test in the printed layout, with wrappers the logs did not all show
 * (kubectl --timestamps, docker compose, a Ray actor prefix, CRLF).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T08:09:10.123456789Z ${l}`],
  ["docker compose", (l) => `llm-server-1  | ${l}`],
];

async function eachWrap(lines: string[], check: (r: Awaited<ReturnType<typeof analyzeText>>, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS) {
    for (const eol of eolsFor(wrap)) {
      check(await analyzeText(lines.map(wrap).join(eol) + eol), `${name} ${JSON.stringify(eol)}`);
    }
  }
}

describe("the command line of launcher.py's shutdown notice is the server's launch", () => {
  // vllm/entrypoints/launcher.py: `port %s is used by process %s launched with command:\n%s`; vLLM's formatter repeats
  // the record's prefix on the second line, so the argv stands as a record of its own
  const notice = (level: string, head: string) => [
    `${level} 11-02 07:41:10 ${head} port 8100 is used by process psutil.Process(pid=41, name='python3', status='running', started='07:20:02') launched with command:`,
    `${level} 11-02 07:41:10 ${head} python3 -m vllm.entrypoints.openai.api_server --model acme/tiny-chat-7b --max-model-len 12288 --tensor-parallel-size 2 --port=8100 --gpu-memory-utilization=0.85`,
    `INFO 11-02 07:41:10 ${head.replace(/:\d+/, ":62")} Shutting down FastAPI HTTP server.`,
    "INFO:     Shutting down",
  ];
  for (const [level, head] of [["DEBUG", "launcher.py:59]"], ["WARNING", "[launcher.py:80]"], ["WARNING", "[entrypoints/launcher.py:98]"]] as const) {
    it(`${level} ${head}: model, max model len, TP and memory share from the command`, async () => {
      await eachWrap(notice(level, head), (r, at) => {
        expect(r.facts.config.model, at).toBe("acme/tiny-chat-7b");
        expect(r.facts.config.maxModelLen, at).toBe(12288);
        expect(r.facts.config.tensorParallelSize, at).toBe(2);
        expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
        expect(r.facts.config.source, at).toBe("command");
        expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
      });
    });
  }

  it("the engine's own args echo outranks the notice's command", async () => {
    const lines = [
      "INFO 11-02 07:20:05 api_server.py:712] vLLM API server version 0.6.6",
      "INFO 11-02 07:20:05 api_server.py:713] args: Namespace(host=None, port=8100, model='acme/other-13b', max_model_len=4096, tensor_parallel_size=4, gpu_memory_utilization=0.9)",
      ...notice("DEBUG", "launcher.py:59]"),
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("acme/other-13b");
      expect(r.facts.config.tensorParallelSize, at).toBe(4);
      expect(r.facts.config.maxModelLen, at).toBe(4096);
    });
  });

  it("a launcher.py record that is no command gives no config, and other files' command-like text is not read", async () => {
    const lines = [
      "DEBUG 11-02 07:41:10 launcher.py:59] port 8100 is used by process psutil.Process(pid=41, name='python3') launched with command:",
      "INFO 11-02 07:41:10 engine.py:267] Added request cmpl-9a1 --model acme/x --tensor-parallel-size 8",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.model, at).toBeNull();
      expect(r.facts.config.tensorParallelSize, at).toBeNull();
    });
  });

  it("under a Ray actor prefix too", async () => {
    const lines = notice("DEBUG", "launcher.py:59]").map((l) => `(ServeReplica:app:VLLMDeployment pid=812) ${l}`);
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.config.model).toBe("acme/tiny-chat-7b");
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });
});
