import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a nineteenth round of real vLLM pastes taken from other projects' threads (FastChat, trl, RL
 * frameworks on Ray, Dynamo, Triton, Neuron, ms-swift) that the readers had not been written for. Every log text here
 * is written for the test, in the format's shape, with variants the pastes did not show (other versions and names,
 * kubectl timestamps, colour, CRLF).
 */

describe("FastChat's vLLM worker command (`python -m fastchat.serve.vllm_worker`)", () => {
  it("reads vLLM's engine flags from it, `--model-path` as the model, over continued lines and with `=` values", async () => {
    const lines = [
      'CUDA_VISIBLE_DEVICES="0,1,2,3" python3 -m fastchat.serve.vllm_worker \\',
      '  --model-names="llama-3-70b" \\',
      '  --model-path="/data/models/Meta-Llama-3-70B-Instruct" \\',
      "  --controller-address=http://10.0.0.5:21001 \\",
      "  --gpu-memory-utilization=0.92 \\",
      "  --max-model-len 8192 \\",
      "  --tensor-parallel-size=4 \\",
      "  > worker.log 2>&1",
    ];
    for (const text of [lines.join("\n"), lines.join("\r\n")]) {
      const r = await analyzeText(text);
      expect(r.facts.config.model).toBe("/data/models/Meta-Llama-3-70B-Instruct");
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.92);
      expect(r.facts.config.maxModelLen).toBe(8192);
      expect(r.facts.config.tensorParallelSize).toBe(4);
    }
  });

  it("takes `--num-gpus N` above 1 as the tensor parallel size, as the worker does, and the script path form", async () => {
    const r = await analyzeText("$ python /opt/FastChat/fastchat/serve/vllm_worker.py --model-path lmsys/vicuna-13b-v1.5 --tensor-parallel-size 1 --num-gpus 2\n");
    expect(r.facts.config.model).toBe("lmsys/vicuna-13b-v1.5");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    // `--num-gpus 1` leaves vLLM's own flag in force
    const one = await analyzeText("python -m fastchat.serve.vllm_worker --model-path m --num-gpus 1 --tensor-parallel-size 2\n");
    expect(one.facts.config.tensorParallelSize).toBe(2);
  });

  it("leaves FastChat's other workers alone (`model_worker` is Hugging Face, not vLLM)", async () => {
    const r = await analyzeText("python3 -m fastchat.serve.model_worker --model-path lmsys/vicuna-7b-v1.5 --num-gpus 2 \\\n  --max-gpu-memory 20GiB\n");
    expect(r.facts.config.model).toBeNull();
    expect(r.facts.config.tensorParallelSize).toBeNull();
  });
});

describe("Ray's C++ failure dump and CPython's fatal error", () => {
  it("does not take the stack frames Ray logs at level E for the failure; the signal line is the first error", async () => {
    const lines = [
      "(RayWorkerWrapper pid=4410, ip=10.0.0.7) [2024-05-06 07:08:09,101 E 4410 4522] logging.cc:440: *** SIGSEGV received at time=1714979289 on cpu 12 ***",
      "(RayWorkerWrapper pid=4410, ip=10.0.0.7) [2024-05-06 07:08:09,102 E 4410 4522] logging.cc:440: PC: @     0x7f3c2a1b5e2d  (unknown)  raise",
      "(RayWorkerWrapper pid=4410, ip=10.0.0.7) [2024-05-06 07:08:09,103 E 4410 4522] logging.cc:440:     @     0x7f3c2a0a1520       3216  (unknown)",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.firstError?.text).toContain("*** SIGSEGV received");
    }
    // the frames alone (the signal line cut off above the window) are no failure
    const frames = await analyzeText(lines.slice(1).join("\n") + "\n");
    expect(frames.facts.firstError).toBeNull();
  });

  it("reads `Fatal Python error: ...` as a failure (after the frames, under a wrapper's stderr prefix, and bare)", async () => {
    const lines = [
      "2024-02-03 10:11:12 | ERROR | stderr | (RayWorkerVllm pid=901) [2024-02-03 10:11:12,001 E 901 977] logging.cc:361:     @     0x7fa0b442df0        128  (unknown)",
      "2024-02-03 10:11:12 | ERROR | stderr | (RayWorkerVllm pid=901) Fatal Python error: Segmentation fault",
      "2024-02-03 10:11:12 | ERROR | stderr | (RayWorkerVllm pid=901)",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.firstError?.text).toContain("Fatal Python error: Segmentation fault");
      expect(r.facts.config.executorBackend).toBe("ray");
    }
    const bare = await analyzeText('Fatal Python error: Aborted\n\nThread 0x00007f1c2b3d4740 (most recent call first):\n  File "/usr/lib/python3.10/threading.py", line 320 in wait\n');
    expect(bare.facts.firstError?.line).toBe(1);
    // a code line that prints the words reports nothing
    const code = await analyzeText('    print("Fatal Python error: not really")\n');
    expect(code.facts.firstError).toBeNull();
  });
});

describe("NCCL's bare version banner with its first letter lost in the paste", () => {
  it("reads `CCL version X+cudaY` alone on its line as NCCL's version", async () => {
    const lines = ["CCL version 2.27.3+cuda12.9", "", "(EngineCore_DP1 pid=5120) ERROR 05-14 21:20:46 [core.py:700] EngineCore failed to start."];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.nccl.version).toBe("2.27.3");
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });

  it("takes no other line for it: no `+cuda` tag, words around it, another library", async () => {
    for (const line of ["CCL version 2.21.5", "oneCCL version 2021.14.0+cuda12.4", "CCL version 2.21.5+cuda12.4 loaded by plugin", "the CCL version 2.21.5+cuda12.4"]) {
      const r = await analyzeText(`${line}\n`);
      expect(r.facts.nccl.version, line).toBeNull();
    }
  });
});
