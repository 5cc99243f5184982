import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";
import { peel } from "../src/records/peel.js";

/**
 * Formats found in a twenty-fifth round of real vLLM logs (vLLM's own issues and the projects around it, 0.4 to 0.19):
 * a quoted block drawn with a bar glyph instead of `> `, docker compose output under a `container_name:` (no replica
 * index) before traceback lines, tracebacks that fail entering the API server's `build_async_engine_client` or in an
 * engine's `from_vllm_config`, and a traceback pasted with its indentation lost behind PyTorch's `[rankN]:` prefix, two of
 * its records on one line, ending in an exception named without a message. Every log text here is written for the test,
 * in the format's shape, with variants the logs did not show (other glyphs, names, versions, kubectl timestamps, colour,
 * CRLF).
 */

describe("a quoted block drawn with a bar glyph", () => {
  const kvFailure = (bar: string) => [
    `${bar}`,
    `${bar} (EngineCore_DP0 pid=7) INFO 02-03 04:05:06 [gpu_worker.py:298] Available KV cache memory: 7.25 GiB`,
    `${bar} (EngineCore_DP0 pid=7) ERROR 02-03 04:05:07 [core.py:866] EngineCore failed to start.`,
    `${bar} ValueError: To serve at least one request with the model's max seq len (131072),`,
    `${bar} 16.0 GiB KV cache is needed, which is larger than the available KV cache memory (7.25 GiB).`,
    `${bar}`,
  ];

  it("is taken off like markdown's `> `: the records behind it are read (first error, KV memory, the finding)", async () => {
    for (const bar of ["\u258e", "\u258c", "\u258f", "\u2503", "\u2502"]) {
      for (const text of variants(kvFailure(bar))) {
        const r = await analyzeText(text + "\n");
        const what = `${bar} ${JSON.stringify(text.slice(0, 40))}`;
        expect(r.facts.firstError?.line, what).toBe(3);
        expect(r.facts.kvCache.availableGiB, what).toBe(7.25);
        expect(r.facts.vllm.engine, what).toBe("v1");
        expect(ids(r), what).toContain("vllm/kv-cache-too-small");
      }
    }
  });

  it("leaves the block glyphs of vLLM's banner, and a bar inside a line, as text", () => {
    expect(peel("\u2588\u2584\u2588\u2580 \u2588     \u2588     \u2588     \u2588  model   Qwen/Qwen3-8B").text).toBe("\u2588\u2584\u2588\u2580 \u2588     \u2588     \u2588     \u2588  model   Qwen/Qwen3-8B");
    expect(peel("\u2584\u2584 \u2584\u2588 \u2588     \u2588     \u2588 \u2580\u2584\u2580 \u2588  version 0.19.0").text).toBe("\u2584\u2584 \u2584\u2588 \u2588     \u2588     \u2588 \u2580\u2584\u2580 \u2588  version 0.19.0");
    expect(peel("load \u258e 50%").text).toBe("load \u258e 50%");
    expect(peel("\u258eINFO glued to the bar").text).toBe("\u258eINFO glued to the bar");
  });
});

describe("docker compose output under a container_name (no replica index) before traceback lines", () => {
  const frames = (name: string) => [
    `${name}  | (APIServer pid=1) INFO 06-07 08:09:10 [api_server.py:1880] vLLM API server version 0.9.2`,
    `${name}  | Traceback (most recent call last):`,
    `${name}  |   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/async_llm.py", line 163, in from_vllm_config     `,
    `${name}  |     return cls(                                                                                        `,
    `${name}  |            ^^^^                                                                                        `,
    `${name}  |   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/async_llm.py", line 118, in __init__     `,
    `${name}  |     self.engine_core = EngineCoreClient.make_async_mp_client(                                          `,
  ];

  it("peels the name off frames, carets and code lines: one traceback, through the engine's start-up", async () => {
    for (const name of ["vllm_server", "llm-api", "qwen.vllm"]) {
      for (const text of variants(frames(name))) {
        const r = await analyzeText(text + "\n");
        const what = `${name} ${JSON.stringify(text.slice(0, 40))}`;
        expect(r.facts.tracebacks?.count, what).toBe(1);
        expect(r.facts.tracebacks?.counts.init, what).toBe(1);
        expect(r.facts.vllm.version, what).toBe("0.9.2");
        expect(ids(r), what).toContain("vllm/engine-init-failed");
      }
    }
  });

  it("takes a one-word name before a frame, but no plain-text table cell for a container", () => {
    const f = peel(`vllm  |   File "/x/vllm/v1/engine/core.py", line 1, in run_engine_core`);
    expect(f.text).toBe(`File "/x/vllm/v1/engine/core.py", line 1, in run_engine_core`);
    expect(f.origin.process).toBe("vllm");
    for (const cell of ["max_model_len    |    4096", "model    |    tp", "gpu-util  |   0.9", "tp  |   x = 1", "name_a  |   value b"]) expect(peel(cell).text, cell).toBe(cell);
    expect(peel("vllm_server  |     raise ValueError(msg)").text).toBe("raise ValueError(msg)");
  });
});

describe("a traceback through the API server's engine-client builder or an engine's from_vllm_config", () => {
  it("is a start-up failure when its innermost code line enters `build_async_engine_client` (the paste cut there)", async () => {
    for (const code of ["async with build_async_engine_client(args, client_config) as engine_client:", "async with build_async_engine_client(", "with build_async_engine_client(args) as engine:"]) {
      for (const text of variants([
        "(APIServer pid=42)   File \"/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/openai/api_server.py\", line 1812, in run_server",
        "(APIServer pid=42)     await run_server_worker(listen_address, sock, args, **uvicorn_kwargs)",
        "(APIServer pid=42)   File \"/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/openai/api_server.py\", line 1832, in run_server_worker",
        `(APIServer pid=42)     ${code}`,
      ])) {
        const r = await analyzeText(text + "\n");
        const what = `${code} ${JSON.stringify(text.slice(0, 30))}`;
        expect(r.facts.tracebacks?.counts.init, what).toBe(1);
        expect(ids(r), what).toContain("vllm/engine-init-failed");
      }
    }
  });

  it("is start-up through from_vllm_config (V1 AsyncLLM, V0 MQLLMEngine), but not a user's Ctrl-C", async () => {
    const tb = (last: string) =>
      [
        "Traceback (most recent call last):",
        '  File "/usr/lib/python3.12/site-packages/vllm/v1/engine/llm_engine.py", line 172, in from_vllm_config',
        "    return cls(vllm_config=vllm_config,",
        last,
      ].join("\n") + "\n";
    const failed = await analyzeText(tb("RuntimeError: CUDA error: no kernel image is available for execution on the device"));
    expect(failed.facts.tracebacks?.counts.init).toBe(1);
    expect(ids(failed)).toContain("vllm/engine-init-failed");
    const stopped = await analyzeText(tb("KeyboardInterrupt"));
    expect(stopped.facts.tracebacks?.counts.init).toBe(0);
    expect(ids(stopped)).not.toContain("vllm/engine-init-failed");
  });
});

describe("a traceback pasted with its indentation lost behind PyTorch's [rankN]: prefix", () => {
  const flat = (rank: string, last: string) => [
    `${rank} Traceback (most recent call last):`,
    `${rank} File "/workspace/vllm/vllm/worker/tpu_model_runner.py", line 310, in warmup_model`,
    `${rank} self._dummy_run(batch_size, seq_len, kv_caches, is_prompt=True)`,
    `${rank} File "/workspace/vllm/vllm/worker/tpu_model_runner.py", line 221, in _dummy_run`,
    `${rank} token_ids = torch.zeros((batch_size, seq_len), dtype=torch.int32, device=self.device) ${rank} File "/workspace/vllm/vllm/worker/model_runner_base.py", line 90, in zeros`,
    `${rank} raise NotImplementedError`,
    `${rank} ${last}`,
  ];

  it("is one traceback: frames and their flush-left code lines, a second record on one line split off, the bare exception last", async () => {
    for (const [rank, last] of [["[rank0]:", "NotImplementedError"], ["[rank3]:", "RuntimeError"], ["[default1]:", "NotImplementedError"]]) {
      for (const text of variants(flat(rank, last))) {
        const r = await analyzeText(text + "\n");
        const what = `${rank} ${JSON.stringify(text.slice(0, 30))}`;
        expect(r.facts.tracebacks?.count, what).toBe(1);
        expect(r.facts.firstError?.line, what).toBe(7);
        expect(r.facts.firstError?.text, what).toContain(last);
        expect(ids(r), what).toContain("vllm/engine-init-failed");
      }
    }
  });

  it("takes no prose after a flush-left frame for its code line, so a bare word after it is no error", async () => {
    for (const prose of ["see the full log above for the details", "Exception ignored in atexit callback"]) {
      const r = await analyzeText([`[rank0]: File "/srv/app/handler.py", line 12, in handle`, `[rank0]: ${prose}`, "[rank0]: NotImplementedError"].join("\n") + "\n");
      expect(r.facts.firstError, prose).toBeNull();
    }
    const coded = await analyzeText([`[rank0]: File "/srv/app/handler.py", line 12, in handle`, "[rank0]: self.handle_batch(batch)", "[rank0]: NotImplementedError"].join("\n") + "\n");
    expect(coded.facts.firstError?.line).toBe(3);
  });
});

describe("two vLLM records on one line, the second after a terminal's padding", () => {
  it("splits at the padding: the frame glued behind the header is read, so the traceback is the start-up's", async () => {
    const pad = " ".repeat(40);
    for (const head of ["ERROR 10-11 16:03:09 engine.py:157]", "(VllmWorkerProcess pid=12) ERROR 10-11 16:03:09 multiproc_worker_utils.py:242]", "ERROR 05-06 07:08:09 [core.py:515]"]) {
      for (const text of variants([
        `${head} Traceback (most recent call last):${pad}${head}   File "/usr/lib/python3/site-packages/vllm/worker/worker.py", line 183, in load_model`,
        `${head}     self.model_runner.load_model()`,
        `${head} ValueError: cannot load the checkpoint`,
      ])) {
        const r = await analyzeText(text + "\n");
        const what = `${head} ${JSON.stringify(text.slice(0, 30))}`;
        expect(r.facts.tracebacks?.counts.init, what).toBe(1);
        expect(r.facts.tracebacks?.list[0]?.phase, what).toBe("while loading the model weights");
        expect(r.facts.firstError?.line, what).toBe(3);
      }
    }
  });

  it("leaves padding inside a message, or before a date that opens no record, on one record", async () => {
    const r = await analyzeText(`INFO 01-02 03:04:05 [logger.py:39] Received request 1: prompt: 'columns:     ERROR 10-11 16:03:09 is text here'\n`);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("an IPython (Jupyter) traceback", () => {
  const ipy8 = (frame: (path: string, line: number, func: string) => string, cell: string) => [
    "---------------------------------------------------------------------------",
    "ValueError                                Traceback (most recent call last)",
    cell,
    "      1 from vllm import LLM",
    '----> 3 llm = LLM(model="Qwen/Qwen2.5-0.5B", tensor_parallel_size=3)',
    "",
    frame("/opt/conda/lib/python3.11/site-packages/vllm/entrypoints/llm.py", 211, "LLM.__init__(self, model, **kwargs)"),
    "    209     kwargs[\"disable_log_stats\"] = True",
    "--> 211 self.llm_engine = LLMEngine.from_engine_args(",
    "    212     engine_args=engine_args, usage_context=UsageContext.LLM_CLASS)",
    "",
    frame("/opt/conda/lib/python3.11/site-packages/vllm/config.py", 1105, "ParallelConfig._verify_args(self)"),
    "   (...)",
    "-> 1105     raise ValueError(",
    "",
    "ValueError: Total number of attention heads (14) must be divisible by tensor parallel size (3).",
  ];

  it("is read frame by frame (plain, markdown-linked, IPython 7 paths): the start-up failure and its message", async () => {
    const styles: [(p: string, l: number, f: string) => string, string][] = [
      [(p, l, f) => `File ${p}:${l}, in ${f}`, "Cell In[7], line 3"],
      [(p, l, f) => `File [${p}:${l}](https://nb.example.com/lab/tree${p}#line=${l - 1}), in ${f}`, "Cell In [7], line 3"],
      [(p, l, f) => `File ~${p.slice(10)}:${l}, in ${f}`, "Input In [7], in <cell line: 3>()"],
      [(p, _l, f) => `${p} in ${f.slice(f.indexOf(".") + 1)}`, "<ipython-input-7-1f2e3d4c5b6a> in <module>"],
    ];
    for (const [frame, cell] of styles) {
      for (const text of variants(ipy8(frame, cell))) {
        const r = await analyzeText(text + "\n");
        const what = `${cell} ${JSON.stringify(text.slice(0, 20))}`;
        expect(r.facts.tracebacks?.count, what).toBe(1);
        expect(r.facts.tracebacks?.counts.init, what).toBe(1);
        expect(r.facts.firstError?.line, what).toBe(16);
        expect(ids(r), what).toContain("vllm/tp-not-divisible");
      }
    }
  });

  it("is no failure while its exception line is missing (an interrupted cell looks the same), nor with KeyboardInterrupt", async () => {
    const frames = [
      "File ~/env/lib/python3.10/site-packages/vllm/worker/model_runner.py:1051, in GPUModelRunnerBase.load_model(self)",
      "   1049 logger.info(\"Starting to load model %s...\", self.model_config.model)",
      "-> 1051     self.model = get_model(vllm_config=self.vllm_config)",
    ];
    for (const end of [[], ["", "KeyboardInterrupt: "]]) {
      const r = await analyzeText([...frames, ...end].join("\n") + "\n");
      expect(r.facts.tracebacks?.count, JSON.stringify(end)).toBe(1);
      expect(ids(r), JSON.stringify(end)).not.toContain("vllm/engine-init-failed");
    }
    const failed = await analyzeText([...frames, "", "OSError: [Errno 28] No space left on device"].join("\n") + "\n");
    expect(failed.facts.tracebacks?.counts.init).toBe(1);
    expect(ids(failed)).toContain("vllm/engine-init-failed");
  });

  it("takes a numbered line or an arrow outside an IPython traceback for no code, and a path in prose for no frame", async () => {
    const r = await analyzeText(["--> 3 retries left", "    12 requests queued", "see /srv/app/run.py in production(for the details)"].join("\n") + "\n");
    expect(r.facts.tracebacks?.count ?? 0).toBe(0);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("vLLM's header with its brackets escaped by a markdown editor (a forum post)", () => {
  it("is read as the header: level, first error, the engine's config", async () => {
    for (const text of variants([
      "(EngineCore pid=31) INFO 04-24 10:21:03 \\[core.py:90\\] Initializing a V1 LLM engine (v0.19.1) with config: model='org/m-7b', speculative_config=None",
      "(EngineCore pid=31) INFO 04-24 10:21:03 \\[gpu\\_model\\_runner.py:4820\\] Model loading took 18.47 GiB memory and 10.990096 seconds",
      "\\[...\\]",
      "(EngineCore pid=31) ERROR 04-24 10:22:26 \\[core.py:1108\\] EngineCore failed to start.",
      "WARNING 04-24 10:22:27 \\[\\_\\_init\\_\\_.py:12\\] a warning",
    ])) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 30));
      expect(r.facts.firstError?.line, what).toBe(4);
      expect(r.facts.vllm.version, what).toBe("0.19.1");
      expect(r.facts.config.model, what).toBe("org/m-7b");
      expect(r.facts.memory.modelWeightsGiB, what).toBe(18.47);
      expect(r.facts.firstWarning?.line, what).toBe(5);
    }
  });

  it("unescapes only the header: a message's own `\\[` stays", () => {
    expect(peel("INFO 04-24 10:21:03 \\[api.py:1\\] pattern \\[a-z\\]+ kept").text).toBe("INFO 04-24 10:21:03 [api.py:1] pattern \\[a-z\\]+ kept");
    expect(peel("note: \\[core.py:1\\] is not a header").text).toBe("note: \\[core.py:1\\] is not a header");
  });
});

describe("AWS Neuron's compiler-wrapper logger while vLLM compiles on Inferentia/Trainium", () => {
  it("reads its ERROR record as the first error, with its stamp and pid or without, behind a launcher's prefix", async () => {
    const lines = (err: string) => [
      "(task, pid=4242) 2025-02-03 04:05:06.000123:  4242  INFO ||NEURON_CACHE||: Compile cache path: /var/tmp/neuron-compile-cache",
      "(task, pid=4242) 2025-02-03 04:05:06.000124:  4242  INFO ||NEURON_CC_WRAPPER||: Call compiler with cmd: neuronx-cc compile --framework=XLA /tmp/x/model.hlo_module.pb",
      "(task, pid=4242) ..Waiting for vllm api server to start...",
      `(task, pid=4242) ${err}`,
    ];
    for (const err of [
      "2025-02-03 04:06:10.000555:  4242  ERROR ||NEURON_CC_WRAPPER||: Failed compilation with ['neuronx-cc', 'compile', '--target=trn1']",
      "ERROR ||NEURON_PARALLEL_COMPILE||: compilation of 3 graphs failed",
    ]) {
      for (const text of variants(lines(err))) {
        const r = await analyzeText(text + "\n");
        const what = `${err.slice(0, 30)} ${JSON.stringify(text.slice(0, 30))}`;
        expect(r.facts.firstError?.line, what).toBe(4);
      }
    }
  });

  it("takes its INFO and WARNING records, and `||` in other text, for no error", async () => {
    const r = await analyzeText(
      [
        "2025-02-03 04:05:06.000124:  4242  INFO ||NEURON_CC_WRAPPER||: Using a cached neff at /var/tmp/neuron-compile-cache/model.neff",
        "2025-02-03 04:05:06.000125:  4242  WARNING ||NEURON_CC_WRAPPER||: retrying",
        "if a ||: b then ERROR ||x||: is text",
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError).toBeNull();
  });
});
