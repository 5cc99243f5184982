import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twenty-fifth round of real vLLM logs from projects that run vLLM (Dynamo, Xinference, Ray Serve,
 * Unsloth, gpustack, verl, OpenRLHF): Dynamo's `dynamo-run` forwarding its engine's lines through Rust's `tracing`,
 * Dynamo's Python handler writing vLLM's records as `module.func: msg`, Xinference's field-style text records, an
 * exception whose message is a whole traceback, V0's `mp_distributed_executor.py`, and Unsloth's banner naming the vLLM
 * it loads. Every log text here is written for the test, in the format's shape, with variants the logs did not show.
 */

describe("Dynamo's dynamo-run forwarding its engine subprocess through tracing", () => {
  const fwd = (level: string, line: string, i: number) => `2025-07-01T10:00:${String(10 + i).padStart(2, "0")}.123Z ${level} dynamo_run::subprocess: ${line}`;

  it("reads the child's traceback behind the forwarding prefix, at DEBUG (0.3) or WARN (later)", async () => {
    for (const level of ["DEBUG", " WARN"]) {
      const lines = [
        "Traceback (most recent call last):",
        '  File "/opt/venv/lib/python3.12/site-packages/vllm/engine/multiprocessing/engine.py", line 586, in run_mp_engine',
        "    engine = MQLLMEngine.from_vllm_config(",
        '  File "/opt/venv/lib/python3.12/site-packages/vllm/engine/llm_engine.py", line 307, in __init__',
        "    self.model_executor = executor_class(vllm_config=vllm_config, )",
        "RuntimeError: CUDA error: invalid device ordinal",
      ].map((l, i) => fwd(level, l, i));
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 80))).toBe(6);
        expect(r.facts.firstError?.text).toContain("RuntimeError: CUDA error: invalid device ordinal");
        expect(r.facts.vllm.engine).toBe("v0");
        expect(ids(r)).toContain("vllm/engine-init-failed");
      }
    }
  });

  it("keeps the indentation of the forwarded frames when the whole line is indented in a paste", async () => {
    const lines = [
      '    2025-07-01T10:00:10.123Z DEBUG dynamo_run::subprocess:   File "/x/vllm/v1/engine/core.py", line 480, in run_engine_core',
      "    2025-07-01T10:00:10.123Z DEBUG dynamo_run::subprocess:     engine_core = EngineCoreProc(*args, **kwargs)",
      "    2025-07-01T10:00:10.123Z DEBUG dynamo_run::subprocess:     raise e",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toContain("vllm/engine-init-failed");
  });

  it("reads a forwarded vLLM record whose level and time dynamo-run stripped, and a vLLM record forwarded whole", async () => {
    const r = await analyzeText(
      [
        fwd("DEBUG", "[core.py:61] Initializing a V1 LLM engine (v0.9.1) with config: model='Qwen/Qwen3-8B', max_seq_len=8192, tensor_parallel_size=2, pipeline_parallel_size=1", 0),
        fwd(" WARN", "ERROR 07-01 10:00:12 [core.py:515] EngineCore failed to start.", 1),
      ].join("\n") + "\n",
    );
    expect(r.facts.vllm.version).toBe("0.9.1");
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("leaves another target's tracing record alone: an ERROR of Dynamo's runtime stays its own error", async () => {
    const r = await analyzeText("2025-07-01T10:00:10.123Z ERROR dynamo_runtime::pipeline::network: failed to send response: channel closed\n2025-07-01T10:00:11.123Z  INFO dynamo_run::subprocess: all good\n");
    expect(r.facts.firstError?.line).toBe(1);
  });
});

describe("vLLM's records through Dynamo's Python log handler (`module.func: msg` after tracing's stamp)", () => {
  it("reads the level, the module as vLLM's file (the executor) and the message's phrases", async () => {
    const lines = [
      "2025-06-12T11:13:58.001Z  INFO llm_engine.__init__: Initializing a V0 LLM engine (v0.8.4) with config: model='/models/m', max_seq_len=32768, tensor_parallel_size=2, pipeline_parallel_size=1",
      "2025-06-12T11:14:08.162Z  WARN multiproc_worker_utils._report: Reducing Torch parallelism from 32 threads to 1",
      "2025-06-12T11:14:08.162Z ERROR multiproc_worker_utils.run: Worker VllmWorkerProcess pid 8773 died, exit code: -15",
      "2025-06-12T11:14:08.162Z  INFO multiproc_worker_utils.run: Killing local vLLM worker processes",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 60))).toBe(3);
      expect(r.facts.config.executorBackend).toBe("mp");
      expect(r.facts.vllm.version).toBe("0.8.4");
      expect(r.facts.config.maxModelLen).toBe(32768);
    }
  });

  it("reads tracing's coloured output (the stamp and target dimmed, the level coloured) and its ESC-less residue", async () => {
    for (const esc of ["\x1b", ""]) {
      const line = `${esc}[2m2025-06-12T11:14:08.162Z${esc}[0m ${esc}[31mERROR${esc}[0m ${esc}[2mmultiproc_worker_utils.run${esc}[0m${esc}[2m:${esc}[0m Worker VllmWorkerProcess pid 8773 died, exit code: -15`;
      const fwd = `${esc}[2m2025-06-12T11:14:09.000Z${esc}[0m ${esc}[34mDEBUG${esc}[0m ${esc}[2mdynamo_run::subprocess${esc}[0m${esc}[2m:${esc}[0m RuntimeError: CUDA error: out of memory`;
      const r = await analyzeText(`${line}\n${fwd}\n`);
      expect(r.facts.firstError?.line, JSON.stringify(esc)).toBe(1);
      expect(r.facts.config.executorBackend).toBe("mp");
    }
  });

  it("takes a stamp whose year a paste cut at its head, and a module-level record without a function", async () => {
    const r = await analyzeText("025-06-12T11:14:08.162Z ERROR multiproc_worker_utils.run: Worker VllmWorkerProcess pid 8773 died, exit code: -15   \n");
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.config.executorBackend).toBe("mp");
    const m = await analyzeText("2025-06-12T11:14:08.162Z ERROR ray_utils: Ray is not installed\n");
    expect(m.facts.firstError?.line).toBe(1);
  });

  it("is read only after tracing's stamp: the same words as prose or a command are no record", async () => {
    const r = await analyzeText("ERROR multiproc_worker_utils.run: this is what the log said\nINFO core.py: nothing\n");
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.config.executorBackend).toBeNull();
  });
});

describe("Xinference's field-style text records (`{ts} {level} {logger} pid:N role:R address:A node:H msg`)", () => {
  it("is an error at ERROR with the role and address filled or empty, and not at INFO or WARNING", async () => {
    for (const fields of ["pid:41 role:local address:0.0.0.0:26776 node:3d67e2e62a71", "pid:7 role: address: node:worker-0"]) {
      const lines = [
        `2026-08-07T18:25:40.001Z INFO xinference.core.worker ${fields} Launching model qwen3-rep0`,
        `2026-08-07T18:25:41.001Z WARNING xinference.core.supervisor ${fields} Model qwen3 is slow to start`,
        `2026-08-07T18:25:43.623Z ERROR xinference.core.worker ${fields} Failed to load model qwen3-rep0`,
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/dist-packages/xinference/core/worker.py", line 3744, in wait_for_load',
      ];
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 60))).toBe(3);
        expect(r.facts.firstError?.text).toContain("Failed to load model qwen3-rep0");
      }
    }
  });

  it("reads what the model process printed while loading, forwarded through its stdout/stderr loggers", async () => {
    const w = (i: number, l: string) => `2026-08-07T18:25:4${i}.001Z INFO xinference.stderr pid:41 role:worker address:0.0.0.0:26776 node:n1 ${l}`;
    const lines = [
      w(0, "INFO 08-07 18:25:40 [core.py:93] Initializing a V1 LLM engine (v0.11.0) with config: model='Qwen/Qwen3-8B', max_seq_len=8192, tensor_parallel_size=1"),
      w(1, "Traceback (most recent call last):"),
      w(1, 'File "/usr/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 699, in run_engine_core'),
      w(1, "engine_core = EngineCoreProc(*args, **kwargs)"),
      w(2, "RuntimeError: CUDA error: no kernel image is available for execution on the device"),
      "2026-08-07T18:25:43.001Z INFO xinference.stdout pid:41 role:worker address:0.0.0.0:26776 node:n1 Loading weights done",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.vllm.version).toBe("0.11.0");
      expect(r.facts.config.maxModelLen).toBe(8192);
      expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 40))).toBe(5);
      expect(ids(r)).toContain("vllm/engine-init-failed");
    }
  });

  it("leaves another program's record in the same shape alone, and a traceback logged at ERROR", async () => {
    const r = await analyzeText(
      "2026-08-07T18:25:43.623Z ERROR myapp.worker pid:41 role:local address:x node:y Failed\n2026-08-07T18:25:43.623Z ERROR xinference.core.worker pid:41 role:local address:x node:y Traceback (most recent call last):\n",
    );
    expect(r.facts.firstError).toBeNull();
  });
});

describe("an exception whose message is a whole traceback", () => {
  it("is the first error, behind a Ray process prefix or bare, with the frames below it folded", async () => {
    for (const head of ["(ServeController pid=501) RuntimeError", "RuntimeError", "(ServeReplica:default:LLM pid=77) ray.exceptions.RayTaskError(ValueError)"]) {
      const prefix = head.startsWith("(") ? head.slice(0, head.indexOf(")") + 2) : "";
      const lines = [
        `${head}: Traceback (most recent call last):`,
        `${prefix}  File "/home/ray/anaconda3/lib/python3.11/site-packages/ray/serve/_private/replica.py", line 443, in initialize_and_get_metadata`,
        `${prefix}    await self._initialize_replica()`,
      ];
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 60))).toBe(1);
      }
    }
  });

  it("is no error when the words before the header are no exception's name", async () => {
    for (const line of ["The run printed this: Traceback (most recent call last):", "DeprecationWarning: Traceback (most recent call last):", "Traceback (most recent call last):"]) {
      const r = await analyzeText(`${line}\n  File "/x/y.py", line 1, in f\n    f()\n`);
      expect(r.facts.firstError, line).toBeNull();
    }
  });
});

describe("V0's multiprocessing executor module of 0.7-0.10 (mp_distributed_executor.py)", () => {
  it("tells the executor from a frame's path and from a record's file", async () => {
    const frames = await analyzeText(
      'ERROR 04-28 08:29:46 engine.py:400]   File "/root/.local/venv/lib/python3.11/site-packages/vllm/executor/mp_distributed_executor.py", line 185, in _run_workers\n' +
        "ERROR 04-28 08:29:46 engine.py:400]     driver_worker_output = run_method(self.driver_worker, sent_method, args, kwargs)\n",
    );
    expect(frames.facts.config.executorBackend).toBe("mp");
    const record = await analyzeText("INFO 02-20 10:00:00 mp_distributed_executor.py:120] Reducing Torch parallelism from 64 threads to 1\n");
    expect(record.facts.config.executorBackend).toBe("mp");
  });
});

describe("Unsloth's start banner naming the vLLM that fast_inference loads", () => {
  it("gives vLLM's version (release, post, dev builds), indented as notebook output or not", async () => {
    for (const [v, indent] of [
      ["0.9.1", ""],
      ["0.7.3", "    "],
      ["0.8.5.post1", ""],
      ["0.10.1.dev57+g2ae88905.d20250210", "  "],
    ]) {
      const text = [
        "🦥 Unsloth: Will patch your computer to enable 2x faster free finetuning.",
        `${indent}==((====))==  Unsloth 2025.6.9: Fast Qwen3 patching. Transformers: 4.51.3. vLLM: ${v}.`,
        `${indent}   \\\\   /|    NVIDIA H20. Num GPUs = 8. Max memory: 95.005 GB. Platform: Linux.`,
        `${indent}O^O/ \\_/ \\    Torch: 2.7.0+cu126. CUDA: 9.0. CUDA Toolkit: 12.6. Triton: 3.3.0`,
      ];
      for (const t of variants(text)) {
        const r = await analyzeText(t + "\n");
        expect(r.facts.vllm.version, v).toBe(v);
      }
    }
  });

  it("gives none when the banner names no vLLM (fast_inference off, or vLLM not installed)", async () => {
    const r = await analyzeText("==((====))==  Unsloth 2026.2.1: Fast Qwen2 patching. Transformers: 4.57.6.\n   \\\\   /|    NVIDIA L40S. Num GPUs = 1.\n");
    expect(r.facts.vllm.version).toBeNull();
  });

  it("yields to vLLM's own statement of its version", async () => {
    const r = await analyzeText(
      "==((====))==  Unsloth 2025.3.14: Fast Llama patching. Transformers: 4.49.0. vLLM: 0.7.3.\nINFO 03-16 00:08:22 llm_engine.py:232] Initializing a V0 LLM engine (v0.7.3.post1) with config: model='m', max_seq_len=4096\n",
    );
    expect(r.facts.vllm.version).toBe("0.7.3.post1");
  });
});
