import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a thirtieth round of real logs (older vLLM, 0.2-0.8, the V0 engine, and the projects that embedded it:
 * OpenRLHF's Ray actors, FastChat, lm-eval, TorchServe): Ray's line for an actor whose `__init__` raised, forwarded to
 * the driver under the actor's tag only (`(LLMRayActor pid=N) Exception raised in creation task: ...`); V0's engine loop
 * giving up on a step (`Engine iteration timed out. This should never happen!`); and a logging format of the user's
 * that puts the thread's name between the level and the logger and `>>>` before the message. Every text is written
 * for the test in the printed layout.
 */

const actorDied = (tag: string, suffix = "") => [
  `${tag}Exception raised in creation task: The actor died because of an error raised in its creation task, ray::GenActor.__init__() (pid=51234, ip=10.20.30.40, actor_id=5f0c1d2e3a4b5c6d7e8f901201000000, repr=<trainer.rollout.GenActor object at 0x7f3a5c0b1d20>)${suffix}`,
  `${tag}  File "/opt/trainer/rollout.py", line 41, in __init__`,
  `${tag}    self.llm = vllm.LLM(*args, **kwargs)`,
  `${tag}  File "/usr/lib/python3.10/site-packages/vllm/entrypoints/llm.py", line 212, in __init__`,
  `${tag}    self.llm_engine = LLMEngine.from_engine_args(`,
];

describe("real formats 30w: Ray's line for an actor that died in its creation task", () => {
  it("is the first error, under the actor's tag, behind every wrapper", async () => {
    for (const text of variants(actorDied("(GenActor pid=51234) "), { compose: true })) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.firstError?.text).toContain("Exception raised in creation task: The actor died");
      expect(ids(r)).toContain("vllm/engine-init-failed");
    }
  });

  it("keeps the line when Ray's dedup suffix follows it, and without any tag", async () => {
    const tagged = await analyzeText(actorDied("(GenActor pid=51234) ", " [repeated 3x across cluster]").join("\n") + "\n");
    expect(tagged.facts.firstError?.line).toBe(1);
    const bare = await analyzeText(actorDied("").join("\n") + "\n");
    expect(bare.facts.firstError?.line).toBe(1);
  });

  it("is not a failure when the words only come up inside another line", async () => {
    const r = await analyzeText(["(GenActor pid=51234) INFO 03-21 14:05:09 llm_engine.py:300] retrying after: Exception raised in creation task: none", "see the note: Exception raised in creation task: is Ray's line"].join("\n") + "\n");
    expect(r.facts.firstError).toBeNull();
  });
});

/** V0's AsyncLLMEngine abandoning a step, then the background task's traceback, in ≤0.7's and 0.8's header */
const iterationTimeout = (bracket: boolean) => {
  const at = (file: string) => (bracket ? `[${file}]` : `${file}]`);
  return [
    `INFO 03-21 14:05:01 ${at("metrics.py:351")} Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 12.4 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 4.1%, CPU KV cache usage: 0.0%.`,
    `ERROR 03-21 14:05:09 ${at("async_llm_engine.py:541")} Engine iteration timed out. This should never happen!`,
    `ERROR 03-21 14:05:09 ${at("async_llm_engine.py:61")} Engine background task failed`,
    `ERROR 03-21 14:05:09 ${at("async_llm_engine.py:61")} Traceback (most recent call last):`,
    `ERROR 03-21 14:05:09 ${at("async_llm_engine.py:61")}   File "/usr/lib/python3.10/site-packages/vllm/engine/async_llm_engine.py", line 512, in engine_step`,
    `ERROR 03-21 14:05:09 ${at("async_llm_engine.py:61")}     request_outputs = await self.engine.step_async(virtual_engine)`,
  ];
};

describe("real formats 30w: V0's engine loop giving up on a step", () => {
  it("is a stall with its line as evidence, in either era's header, behind every wrapper", async () => {
    for (const bracket of [false, true]) {
      for (const text of variants(iterationTimeout(bracket), { compose: true })) {
        const r = await analyzeText(text + "\n");
        const stall = r.findings.find((f) => f.ruleId === "runtime/stall");
        expect(stall?.severity).toBe("error");
        expect(stall?.message).toContain("line 2");
        expect(stall?.message).toContain("VLLM_ENGINE_ITERATION_TIMEOUT_S");
        expect(stall?.evidence.map((e) => e.line)).toContain(2);
        expect(r.facts.firstError?.line).toBe(2);
        expect(r.verdict).toMatch(/^Failed \(runtime\/stall/);
      }
    }
  });

  it("is not read from the background task's failure alone", async () => {
    const r = await analyzeText(iterationTimeout(false).filter((_, i) => i !== 1).join("\n") + "\n");
    expect(ids(r)).not.toContain("runtime/stall");
  });
});

/** a user's format, `[%(asctime)s] [%(levelname)s] [%(threadName)s] [%(name)s] >>> %(message)s`, on vLLM's loggers */
const threaded = (level: string, logger: string, msg: string, thread = "MainThread") => `[2025-02-11 09:14:27,504] [${level}] [${thread}] [${logger}] >>> ${msg}`;

describe("real formats 30w: a logging format with the thread's name and `>>>` before the message", () => {
  const frames = [
    "Error executing method 'init_device'. This might cause deadlock in distributed execution.",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 570, in execute_method',
    "    return run_method(self, method, args, kwargs)",
    '  File "/usr/lib/python3.10/site-packages/vllm/worker/worker.py", line 161, in init_device',
    "    torch.cuda.set_device(self.device)",
    "RuntimeError: CUDA error: invalid device ordinal",
  ].map((m) => threaded("ERROR", "vllm.worker.worker_base", m));

  it("folds a traceback logged through it and reads its records' level", async () => {
    for (const text of variants(frames)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.tracebacks?.count).toBe(1);
      expect(r.facts.firstError?.line).toBe(1);
      expect(ids(r)).toContain("vllm/engine-init-failed");
    }
  });

  it("folds the frames alone (a paste cut before the exception) into a start-up traceback", async () => {
    const r = await analyzeText(frames.slice(2, 6).join("\n") + "\n");
    expect(r.facts.tracebacks?.count).toBe(1);
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("reads its records' level under any thread's name, and vLLM's phrases after the separator", async () => {
    const lines = [
      threaded("WARNING", "vllm.config", "Casting torch.bfloat16 to torch.float16.", "Thread-3"),
      threaded("INFO", "vllm.executor.distributed_gpu_executor", "# GPU blocks: 4127, # CPU blocks: 819", "Thread-3"),
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstWarning?.line).toBe(1);
      expect(r.facts.kvCache).toMatchObject({ gpuBlocks: 4127, cpuBlocks: 819 });
    }
  });

  it("leaves another program's logger in that format alone", async () => {
    const r = await analyzeText([threaded("ERROR", "billing.sync", "  File \"/srv/billing/sync.py\", line 12, in run"), threaded("ERROR", "billing.sync", "upstream refused the batch")].join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
    expect(r.facts.tracebacks?.count ?? 0).toBe(0);
  });
});

/** Hugging Face's TGI, which threads comparing servers paste beside vLLM's logs: its launcher's records and a shard's traceback */
const tgiLaunch = [
  `2024-03-05T11:20:41.118204Z  INFO text_generation_launcher: Args { model_id: "acme/chat-13b", revision: None, validation_workers: 2, sharded: None, num_shard: Some(2), quantize: None, max_input_length: 2048, max_total_tokens: 4096, master_addr: "localhost", master_port: 29500, env: false }`,
  "2024-03-05T11:20:41.118390Z  INFO text_generation_launcher: Sharding model on 2 processes",
];
const tgiShardFailure = [
  "Traceback (most recent call last):",
  '  File "/opt/conda/lib/python3.10/site-packages/text_generation_server/server.py", line 141, in serve_inner',
  "    model = get_model(",
  '  File "/opt/conda/lib/python3.10/site-packages/text_generation_server/models/__init__.py", line 262, in get_model',
  '    raise NotImplementedError("sharded is not supported for this model")',
  "NotImplementedError: sharded is not supported for this model",
  " rank=1",
  "2024-03-05T11:20:58.402117Z ERROR shard-manager: text_generation_launcher: Error when initializing model",
];

describe("real formats 30w: Hugging Face's TGI is another program, not vLLM", () => {
  it("is named as the writer, and a shard's start-up traceback is no vLLM engine failure", async () => {
    for (const text of variants([...tgiLaunch, ...tgiShardFailure])) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.dialects?.map((d) => d.name)).toEqual(["tgi"]);
      expect(r.facts.dialects?.[0]).toMatchObject({ label: "TGI", evidence: { line: 1 } });
      expect(ids(r)).toEqual([]);
      expect(r.facts.config).toMatchObject({ model: null, tensorParallelSize: null, maxModelLen: null, masterAddr: null });
      expect(r.facts.firstError?.line).toBe(8);
    }
  });

  it("is told by a shard's frames alone, when the paste starts inside its traceback", async () => {
    const r = await analyzeText(tgiShardFailure.slice(1, 6).join("\n") + "\n");
    expect(r.facts.dialects?.map((d) => d.name)).toEqual(["tgi"]);
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("leaves vLLM's rules on where vLLM's own lines stand beside TGI's", async () => {
    const vllmFailure = [
      "INFO 03-05 11:31:02 llm_engine.py:161] Initializing an LLM engine (v0.4.0) with config: model='acme/chat-13b', tokenizer='acme/chat-13b', dtype=torch.float16, max_seq_len=4096, tensor_parallel_size=2, seed=0)",
      "ERROR 03-05 11:31:40 worker_base.py:145] ValueError: The model's max seq len (4096) is larger than the maximum number of tokens that can be stored in KV cache (2912). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
    ];
    const r = await analyzeText([...tgiLaunch, ...vllmFailure].join("\n") + "\n");
    expect(r.facts.dialects?.map((d) => d.name)).toEqual(["vllm", "tgi"]);
    expect(ids(r)).toContain("vllm/kv-cache-too-small");
  });
});
