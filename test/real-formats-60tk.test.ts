import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 60tk of real logs (model and tokenizer loading failures before the engine is built). The hubs'
 * own errors (401/404, gated, offline) were read already; vLLM's own words for a model it could not locate were not:
 * the loader finding no weight files for the name it was given (`Cannot find any model weights with `X``, quoted as the
 * paste kept it), the config lookup refusing a name that is neither a hub id nor a folder with a config (≥0.8: `Invalid
 * repository ID or local directory specified: 'X'.`), and huggingface_hub's CacheNotFound when the cache folder the run
 * points at does not exist; nor the older config lookup's `No supported config format found in X` (0.6 → 0.8.2), nor a
 * folder that does not exist reaching huggingface_hub as a refused repo id (`HFValidationError: Repo id must be in the
 * form ...`). huggingface_hub's `OfflineModeIsEnabled: ...` and `CacheNotFound: ...` lines were no error lines (their
 * class names carry no Error suffix), and Transformers failing to build a tokenizer for want of sentencepiece, tiktoken or
 * a tokenizer.model file was no finding. Every log text here is written for the test in the printed layout; each case runs plain and
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

describe("V0's engine process refusing a model it cannot locate (0.6 → 0.8.2 wordings)", () => {
  const noConfig = [
    '    raise ValueError(f"No supported config format found in {model}")',
    "ValueError: No supported config format found in acme/base-7b",
    "INFO 02-17 19:14:35 __init__.py:190] Automatically detected platform cuda.",
    "Process SpawnProcess-1:",
    "ERROR 02-17 19:14:36 engine.py:389] No supported config format found in acme/base-7b",
    "ERROR 02-17 19:14:36 engine.py:389] Traceback (most recent call last):",
    'ERROR 02-17 19:14:36 engine.py:389]   File "/usr/local/lib/python3.12/dist-packages/vllm/engine/multiprocessing/engine.py", line 380, in run_mp_engine',
  ];
  it("`No supported config format found in X`: model-download naming X, and the engine that did not start", async () => {
    await each(noConfig, [PLAIN, COMPOSE_CRLF], (r, at) => {
      const f = finding(r, "vllm/model-download");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("'acme/base-7b'");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });

  it("a folder that does not exist, refused by huggingface_hub as a repo id", async () => {
    const lines = [
      "huggingface_hub.errors.HFValidationError: Repo id must be in the form 'repo_name' or 'namespace/repo_name': '/data/weights/acme-70b'. Use `repo_type` argument if needed.",
      "ERROR 02-20 10:13:40 engine.py:389] Repo id must be in the form 'repo_name' or 'namespace/repo_name': '/data/weights/acme-70b'. Use `repo_type` argument if needed.",
    ];
    await each(lines, [PLAIN, KUBE], (r, at) => {
      const f = finding(r, "vllm/model-download");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("'/data/weights/acme-70b'");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
});

describe("huggingface_hub's exceptions without an Error suffix are error lines", () => {
  it("`OfflineModeIsEnabled: Cannot reach ...` is the first error and a model-download (offline) finding", async () => {
    const lines = [
      "INFO 03-29 09:00:01 api_server.py:149] vLLM API server version 0.4.0",
      "huggingface_hub.utils._http.OfflineModeIsEnabled: Cannot reach https://huggingface.co/api/models/acme/coder-15b: offline mode is enabled. To disable it, please unset the `HF_HUB_OFFLINE` environment variable.",
    ];
    await each(lines, [PLAIN, KUBE], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      const f = finding(r, "vllm/model-download");
      expect(f?.message, at).toContain("the hub could not be reached");
    });
  });

  it("`CacheNotFound: ...` is the first error", async () => {
    const r = await analyzeText("INFO 06-24 15:31:40 weight_utils.py:254] Using model weights format ['*.safetensors']\nhuggingface_hub.errors.CacheNotFound: Cache directory not found: /srv/hf-cache. Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.\n");
    expect(r.facts.firstError?.line).toBe(2);
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
    "WARNING 07-18 10:29:32 [registry.py:385] No model architectures are specified",
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

describe("Transformers cannot build the tokenizer for want of its backend library or file", () => {
  it("`Converting from SentencePiece and Tiktoken failed` is vllm/model-support's tokenizer case", async () => {
    const lines = [
      '  File "/usr/local/lib/python3.10/site-packages/transformers/convert_slow_tokenizer.py", line 1732, in convert_slow_tokenizer',
      "    raise ValueError(",
      "ValueError: Converting from SentencePiece and Tiktoken failed, if a converter for SentencePiece is available, provide a model path with a SentencePiece tokenizer.model file.Currently available slow->fast converters: ['AlbertTokenizer', 'BartTokenizer', 'BertTokenizer']",
    ];
    await each(lines, [PLAIN, COMPOSE_CRLF], (r, at) => {
      const f = finding(r, "vllm/model-support");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("could not build the tokenizer");
      expect(f!.remediation.join("\n"), at).toContain("pip install sentencepiece tiktoken protobuf");
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });

  it("the older wordings (sentencepiece missing; a tiktoken file without tiktoken) are read too", async () => {
    const old = await analyzeText(["ValueError: Couldn't instantiate the backend tokenizer from one of:", "(1) a `tokenizers` library serialization file,", "You need to have sentencepiece installed to convert a slow tokenizer to a fast one."].join("\n") + "\n");
    expect(ids(old)).toContain("vllm/model-support");
    const backend = await analyzeText("ImportError:\nLlamaTokenizer requires the SentencePiece library but it was not found in your environment. Checkout the instructions on the\n");
    expect(ids(backend)).toContain("vllm/model-support");
    const tk = await analyzeText("ValueError: `tiktoken` is required to read a `tiktoken` file. Install it with `pip install tiktoken`.\n");
    expect(finding(tk, "vllm/model-support")?.message).toContain("needs the tiktoken library");
  });

  it("a slow-tokenizer note and the conversion's code line are no finding", async () => {
    const r = await analyzeText(["INFO 05-02 10:11:12 [tokenizer.py:90] Using a slow tokenizer. This might cause a significant slowdown. Consider using a fast tokenizer instead.", "    fast_tokenizer = convert_slow_tokenizer(self, from_tiktoken=True)"].join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/model-support");
  });
});
