import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twenty-fourth round of real vLLM logs, from threads outside vLLM's own issues (NIM, xinference,
 * Modal, lm-eval, a Windows build, blog posts that quote vLLM's output): a process prefix whose pid the writer blanked
 * or cut out, vLLM's ≥0.8 header with its date and time cut out, V0's blocks line cut after the GPU count, and
 * `AsyncLLMEngine` as V1's alias. Every log text here is written for the test, in the format's shape, with variants the
 * logs did not show (kubectl timestamps, colour, CRLF, other process names and versions).
 */

describe("a process prefix whose pid was blanked or cut out", () => {
  it("still reads the record behind it: level, first error, V1 from the process name", async () => {
    for (const prefix of ["(EngineCore pid=...)", "(EngineCore_DP0 pid=xxx)", "(EngineCore_DP1 pid=\u2026)", "(EngineCore)", "(EngineCore_DP0)"]) {
      for (const text of variants([
        `${prefix} INFO 03-04 05:06:07 [core.py:93] Initializing a V1 LLM engine with config: model='m/x', max_seq_len=4096`,
        `${prefix} ERROR [core.py:1136] EngineCore failed to start.`,
        `${prefix} ERROR [core.py:1136] Traceback (most recent call last):`,
        "RuntimeError: Engine core initialization failed. See root cause above.",
      ])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 60))).toBe(2);
        expect(r.facts.vllm.engine).toBe("v1");
        expect(ids(r)).toContain("vllm/engine-init-failed");
      }
    }
  });

  it("reads a worker's or API server's blanked prefix too, and keeps no pid for it", async () => {
    for (const prefix of ["(Worker_TP1 pid=XXX)", "(APIServer pid=<pid>)", "(VllmWorker rank=2 pid=N)", "(Worker_TP0_EP0)", "(APIServer)"]) {
      const r = await analyzeText(`${prefix} ERROR [multiproc_executor.py:671] WorkerProc failed to start.\n`);
      expect(r.facts.firstError?.line, prefix).toBe(1);
      expect(r.facts.vllm.engine, prefix).toBe("v1");
    }
  });

  it("takes no parenthesised word of prose, nor an unknown name without a pid, for a process prefix", async () => {
    const r = await analyzeText("(Note) ERROR [core.py:1] is how the line looked in the docs\n(EngineCore) was slow to start\n");
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.vllm.engine).toBeNull();
  });
});

describe("vLLM's bracketed header with the date and time cut out", () => {
  it("is a record without any prefix too: ERROR is the first error, INFO is not", async () => {
    for (const text of variants([
      "INFO [gpu_model_runner.py:2602] Model loading took 14.99 GiB and 9.8 seconds",
      "WARNING [v1/worker/gpu_worker.py:240] something odd",
      "ERROR [v1/engine/core.py:708] EngineCore failed to start.",
    ])) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 50))).toBe(3);
      expect(r.facts.memory.modelWeightsGiB).toBe(14.99);
    }
  });

  it("leaves a command or prose that starts with a level word alone", async () => {
    const r = await analyzeText("ERROR is what the header said\nERROR: [Errno 98] error while attempting to bind on address ('0.0.0.0', 8000): address already in use\n");
    expect(r.facts.firstError?.line).toBe(2);
  });
});

describe("V0's `# GPU blocks: N, # CPU blocks: M` cut after the GPU count", () => {
  it("reads the GPU blocks (and V0) from the cut line; 0 blocks is no KV-cache memory", async () => {
    for (const [tail, blocks] of [["0,", 0], ["1288, # CP", 1288], ["7191, # CPU", 7191], ["42, #", 42], ["3000, # CPU blocks", 3000]] as [string, number][]) {
      for (const head of ["INFO 10-14 21:40:24 llm_engine.py:205] ", "INFO 05-21 18:05:59 gpu_executor.py:114] ", "(VllmWorkerProcess pid=8) INFO 05-21 18:05:59 gpu_executor.py:114] "]) {
        for (const text of variants([head + "# GPU blocks: " + tail])) {
          const r = await analyzeText(text + "\n");
          expect(r.facts.kvCache.gpuBlocks, JSON.stringify(text)).toBe(blocks);
          expect(r.facts.kvCache.cpuBlocks).toBeNull();
          expect(r.facts.vllm.engine).toBe("v0");
          if (blocks === 0) expect(ids(r)).toContain("vllm/no-kv-cache-memory");
        }
      }
    }
  });

  it("still reads the whole line and V1's one-part line, and no other word after the comma", async () => {
    const whole = await analyzeText("INFO 10-14 21:40:24 llm_engine.py:205] # GPU blocks: 512, # CPU blocks: 128\n");
    expect([whole.facts.kvCache.gpuBlocks, whole.facts.kvCache.cpuBlocks]).toEqual([512, 128]);
    const v1 = await analyzeText("INFO 01-30 03:19:14 kv_cache_utils.py:395] # GPU blocks: 1381\n");
    expect([v1.facts.kvCache.gpuBlocks, v1.facts.vllm.engine]).toEqual([1381, "v1"]);
    const other = await analyzeText("INFO 10-14 21:40:24 llm_engine.py:205] # GPU blocks: 512, then something else\n");
    expect(other.facts.kvCache.gpuBlocks).toBeNull();
  });
});

describe("`AsyncLLMEngine` is V1's name too", () => {
  it("a caller's `AsyncLLMEngine.from_engine_args` above `vllm/v1/` frames is a V1 log", async () => {
    for (const sep of ["/", "\\"]) {
      const p = (s: string) => s.replace(/\//g, sep);
      for (const text of variants([
        `  File "${p("/srv/app/lib/python3.12/site-packages/xinference/model/llm/vllm/core.py")}", line 573, in load`,
        "    self._engine = AsyncLLMEngine.from_engine_args(engine_args)",
        `  File "${p("/srv/app/lib/python3.12/site-packages/vllm/v1/engine/async_llm.py")}", line 251, in from_engine_args`,
        "    return cls(",
      ])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.vllm.engine, JSON.stringify(text.slice(0, 40))).toBe("v1");
      }
    }
  });

  it("is still V0's when nothing V1 is in the log, and MQLLMEngine stays V0's", async () => {
    const v0 = await analyzeText('  File "/x/vllm/entrypoints/openai/api_server.py", line 9, in build\n    engine = AsyncLLMEngine.from_engine_args(\n');
    expect(v0.facts.vllm.engine).toBe("v0");
    const mq = await analyzeText("INFO 04-05 23:56:31 [client.py:193] Waiting for output from MQLLMEngine.\n");
    expect(mq.facts.vllm.engine).toBe("v0");
  });
});

describe("a traceback pasted flush left behind a process prefix", () => {
  it("reads the exception line after frames that lost their indentation, whatever prefix is in front", async () => {
    const body = [
      'File "/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/llm.py", line 495, in collective_rpc',
      "executor = self.llm_engine.model_executor",
      "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "AttributeError: 'LLMEngine' object has no attribute 'model_executor'",
    ];
    for (const prefix of ["(TrainerActor pid=7) ", "(VllmWorkerProcess pid=7) ", "(pid=7) ", "[rank0]: ", "(LLMRayActor pid=9, ip=10.0.0.2) "]) {
      for (const lines of [body, [body[0], body[3]], [body[0], body[1], body[3]]]) {
        for (const text of variants(lines.map((l) => prefix + l), { compose: true })) {
          const r = await analyzeText(text + "\n");
          expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 50))).toBe(lines.length);
          expect(r.facts.firstError?.text).toContain("AttributeError: 'LLMEngine' object has no attribute 'model_executor'");
        }
      }
    }
  });

  it("still takes an indented `x: y` code line under a frame for code, not for the exception", async () => {
    const r = await analyzeText([
      "(TrainerActor pid=7) Traceback (most recent call last):",
      '(TrainerActor pid=7)   File "/x/train.py", line 9, in step',
      "(TrainerActor pid=7)     KeyError: raise_it_later",
      "(TrainerActor pid=7) RuntimeError: step failed",
    ].join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(4);
  });
});
