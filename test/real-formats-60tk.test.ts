import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 60tk of real logs (model and tokenizer loading failures before the engine is built). The hubs'
 * own errors (401/404, gated, offline) were read already; vLLM's own words for a model it could not locate were not:
 * the loader finding no weight files for the name it was given (`Cannot find any model weights with `X``, quoted as the
 * paste kept it), the config lookup refusing a name that is neither a hub id nor a folder with a config (≥0.8: `Invalid
 * repository ID or local directory specified: 'X'.`), and huggingface_hub's CacheNotFound when the cache folder the run
 * points at does not exist. Every log text here is written for the test in the printed layout; each case runs plain and
 * under at most two wrappers (one with CRLF), to keep the file cheap.
 */

type Wrap = [string, (l: string) => string, string];
const PLAIN: Wrap = ["plain", (l) => l, "\n"];
const KUBE: Wrap = ["kubectl --timestamps", (l) => `2026-12-06T21:50:03.118204113Z ${l}`, "\n"];
const COMPOSE_CRLF: Wrap = ["docker compose CRLF", (l) => `llm-api-1  | ${l}`, "\r\n"];

const render = (lines: string[], [, wrap, eol]: Wrap): string => lines.map(wrap).join(eol) + eol;

async function each(lines: string[], wraps: Wrap[], check: (r: Report, at: string) => void): Promise<void> {
  for (const w of wraps) check(await analyzeText(render(lines, w)), w[0]);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("the loader finds no weight files for the model it was given", () => {
  const rayQuoted = [
    "INFO 05-02 11:00:00 llm_engine.py:98] Initializing an LLM engine (v0.4.0) with config: model='acme/chat-7b', tokenizer='acme/chat-7b', tensor_parallel_size=2, seed=0)",
    "(RayWorkerVllm pid=40213) ERROR 05-02 11:00:09 ray_utils.py:44] Error executing method load_model. This might cause deadlock in distributed execution.",
    "(RayWorkerVllm pid=40213) ERROR 05-02 11:00:09 ray_utils.py:44] RuntimeError: Cannot find any model weights with 'acme/chat-7b'",
  ];
  it("reports vllm/model-download (not found) for vLLM 0.4's Ray worker line", async () => {
    await each(rayQuoted, [PLAIN, KUBE, COMPOSE_CRLF], (r, at) => {
      const f = finding(r, "vllm/model-download");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("error");
      expect(f!.message, at).toContain("'acme/chat-7b'");
      expect(f!.message, at).toContain("no config or weight files were found under the name it was given");
      expect(f!.remediation.join("\n"), at).toContain("--load-format");
      expect(r.facts.config.model, at).toBe("acme/chat-7b");
    });
  });

  it("reads the backtick form inside a V1 engine core's record, naming the folder when the log has no config echo", async () => {
    const lines = [
      "(EngineCore_DP0 pid=3301) ERROR 09-30 08:12:44 [core.py:708] EngineCore failed to start.",
      "(EngineCore_DP0 pid=3301) ERROR 09-30 08:12:44 [core.py:708] RuntimeError: Cannot find any model weights with `/mnt/models/acme-13b-gguf`",
    ];
    await each(lines, [PLAIN, COMPOSE_CRLF], (r, at) => {
      const f = finding(r, "vllm/model-download");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("'/mnt/models/acme-13b-gguf'");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
});

describe("vLLM ≥0.8 refuses a name that is neither a hub id nor a local folder with a config", () => {
  const lines = [
    "(APIServer pid=77) INFO 04-20 10:01:02 [api_server.py:1043] vLLM API server version 0.8.5",
    "(APIServer pid=77) ValueError: Invalid repository ID or local directory specified: '/data/ckpt/acme-8b-sft'.",
    "(APIServer pid=77) Please verify the following requirements:",
    "(APIServer pid=77) 1. Provide a valid Hugging Face repository ID.",
    "(APIServer pid=77) 2. Specify a local directory that contains a recognized configuration file.",
  ];
  it("reports vllm/model-download with the path, and the ValueError is the first error", async () => {
    await each(lines, [PLAIN, KUBE], (r, at) => {
      const f = finding(r, "vllm/model-download");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("'/data/ckpt/acme-8b-sft'");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.vllm.version, at).toBe("0.8.5");
    });
  });

  it("the requirement lines alone are no finding", async () => {
    const r = await analyzeText(lines.filter((_, i) => i !== 1).join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/model-download");
  });
});

describe("huggingface_hub's CacheNotFound: the cache folder the run points at does not exist", () => {
  const lines = [
    "(VllmWorkerProcess pid=512) INFO 06-24 15:31:45 weight_utils.py:254] Using model weights format ['*.safetensors']",
    "ERROR 06-24 15:31:46 engine.py:389] Cache directory not found: /srv/hf-cache. Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.",
    "ERROR 06-24 15:31:46 engine.py:389] Traceback (most recent call last):",
    'ERROR 06-24 15:31:46 engine.py:389]   File "/usr/local/lib/python3.10/dist-packages/vllm/engine/multiprocessing/engine.py", line 380, in run_mp_engine',
    "ERROR 06-24 15:31:46 engine.py:389]     engine = MQLLMEngine.from_engine_args(engine_args=engine_args,",
  ];
  it("reports vllm/model-download with the cache advice, beside the engine that did not start", async () => {
    await each(lines, [PLAIN, COMPOSE_CRLF], (r, at) => {
      const f = finding(r, "vllm/model-download");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("cache folder it was pointed at does not exist");
      expect(f!.remediation.join("\n"), at).toContain("HF_HUB_CACHE");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });

  it("the exception line of the hub itself is read too", async () => {
    const r = await analyzeText("huggingface_hub.errors.CacheNotFound: Cache directory not found: /srv/hf-cache. Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.\n");
    expect(ids(r)).toContain("vllm/model-download");
  });
});

describe("near misses: lines about weights and caches that are no failure to get the model", () => {
  const lines = [
    "INFO 07-18 10:28:55 [api_server.py:1395] vLLM API server version 0.9.2",
    "INFO 07-18 10:28:55 [cli_args.py:325] non-default args: {'model': 'acme/voice-3b', 'tokenizer_mode': 'mistral', 'load_format': 'mistral'}",
    "ERROR 07-18 10:29:03 [config.py:130] Error retrieving safetensors: 'acme/voice-3b' is not a safetensors repo. Couldn't find 'model.safetensors.index.json' or 'model.safetensors' files., retrying 1 of 2",
    "ERROR 07-18 10:29:06 [config.py:128] Error retrieving safetensors: 'acme/voice-3b' is not a safetensors repo. Couldn't find 'model.safetensors.index.json' or 'model.safetensors' files.",
    "INFO 07-18 10:29:06 [config.py:1472] Using max model len 32768",
    "INFO 07-18 10:29:20 [weight_utils.py:349] No model.safetensors.index.json found in remote.",
    "INFO 07-18 10:29:31 [backends.py:500] Cache directory not found for compiled graph, compiling from scratch",
  ];
  it("no model-download finding and no error finding; the first ERROR record is still the first error", async () => {
    await each(lines, [PLAIN, KUBE], (r, at) => {
      expect(ids(r), at).not.toContain("vllm/model-download");
      expect(ids(r, "error"), at).toEqual([]);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.config.maxModelLen, at).toBe(32768);
      expect(r.facts.config.model, at).toBe("acme/voice-3b");
    });
  });
});
