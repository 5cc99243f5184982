import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

const variantsWithCompose = (lines: string[]) => variants(lines, { compose: true });

/**
 * Formats found in a twenty-first round of real vLLM logs, all committed to repositories (READMEs, notes, agent
 * transcripts, blog posts): a driver older than the build's CUDA runtime, journald's and a log viewer's prefixes,
 * `grep -n` numbers before journal lines, transformers' docstring prints that say `[ERROR]`. Every log text here is
 * written for the test, in the format's shape, with variants the logs did not show (other versions, wrappers,
 * kubectl timestamps, colour, CRLF).
 */

describe("a driver older than the CUDA runtime of the build (vllm/cuda-driver-too-old)", () => {
  it("reads torch's `driver ... too old (found version N)` at start-up as the driver's CUDA, beside the engine failure", async () => {
    const log = [
      "INFO 11-02 08:00:01 [__init__.py:216] Automatically detected platform cuda.",
      "(APIServer pid=1) INFO 11-02 08:00:03 [api_server.py:1896] vLLM API server version 0.11.1",
      "(EngineCore_DP0 pid=90) ERROR 11-02 08:00:09 [core.py:708] EngineCore failed to start.",
      "(EngineCore_DP0 pid=90) ERROR 11-02 08:00:09 [core.py:708] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=90) ERROR 11-02 08:00:09 [core.py:708]   File "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py", line 372, in _lazy_init',
      "(EngineCore_DP0 pid=90) ERROR 11-02 08:00:09 [core.py:708]     torch._C._cuda_init()",
      "(EngineCore_DP0 pid=90) ERROR 11-02 08:00:09 [core.py:708] RuntimeError: The NVIDIA driver on your system is too old (found version 12040). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver.",
      "(APIServer pid=1) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ];
    for (const text of variantsWithCompose(log)) {
      const r = await analyzeText(text + "\n");
      expect(ids(r, "error"), JSON.stringify(text.slice(0, 40))).toEqual(expect.arrayContaining(["vllm/cuda-driver-too-old", "vllm/engine-init-failed"]));
      const f = r.findings.find((x) => x.ruleId === "vllm/cuda-driver-too-old")!;
      expect(f.message).toContain("the driver supports CUDA up to 12.4");
      expect(f.evidence[0].line).toBe(7);
      // the engine failed because of it: the cause leads, the engine failure names it
      expect(r.findings[0].ruleId).toBe("vllm/cuda-driver-too-old");
      expect(r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")!.causedBy).toEqual(["vllm/cuda-driver-too-old"]);
    }
  });

  it("reads c10's error 804 and 803 from an EngineCore or worker record, and the warning form torch prints at import", async () => {
    const fc = await analyzeText(
      "(Worker_TP1 pid=311) ERROR 05-06 07:08:09 [multiproc_executor.py:671] RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 804: forward compatibility was attempted on non supported HW\n",
    );
    expect(ids(fc, "error")).toContain("vllm/cuda-driver-too-old");
    expect(fc.findings.find((x) => x.ruleId === "vllm/cuda-driver-too-old")!.message).toContain("error 804");
    expect(fc.facts.firstError?.line).toBe(1);
    const mismatch = await analyzeText(
      "RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 803: system has unsupported display driver / cuda driver combination\n",
    );
    expect(mismatch.findings.find((x) => x.ruleId === "vllm/cuda-driver-too-old")!.remediation.join(" ")).toContain("cuda-compat");
    const warned = await analyzeText(
      [
        "/opt/conda/lib/python3.11/site-packages/torch/cuda/__init__.py:174: UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 11080). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver. (Triggered internally at ../c10/cuda/CUDAFunctions.cpp:108.)",
        "  return torch._C._cuda_getDeviceCount() > 0",
        "RuntimeError: Failed to infer device type",
      ].join("\n") + "\n",
    );
    expect(warned.findings.find((x) => x.ruleId === "vllm/cuda-driver-too-old")!.message).toContain("CUDA up to 11.8");
  });

  it("reads the NVIDIA container toolkit's refusal, wrapped by docker and by a pod event", async () => {
    for (const line of [
      "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running prestart hook #0: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\r\nnvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.9, please update your driver to a newer version, or use an earlier cuda container: unknown.",
      "  Warning  Failed     12s   kubelet  Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: nvidia-container-cli: requirement error: unsatisfied condition: cuda>=13.0, please update your driver to a newer version, or use an earlier cuda container: unknown",
    ]) {
      const r = await analyzeText(line + "\n");
      const f = r.findings.find((x) => x.ruleId === "vllm/cuda-driver-too-old");
      expect(f?.message, line.slice(0, 40)).toMatch(/the image needs CUDA 1[23]\.[09]/);
    }
  });

  it("stays quiet on a healthy NGC start with forward compatibility on, and on advice that names the error", async () => {
    const r = await analyzeText(
      [
        "NOTE: CUDA Forward Compatibility mode ENABLED.",
        "  Using CUDA 12.9 driver version 575.51.03 with kernel driver version 535.247.01.",
        "  See https://docs.nvidia.com/deploy/cuda-compatibility/ for details.",
        "INFO 07-01 10:00:00 [__init__.py:235] Automatically detected platform cuda.",
        "INFO 07-01 10:00:40 [gpu_worker.py:276] Available KV cache memory: 19.25 GiB",
        "INFO:     Application startup complete.",
      ].join("\n") + "\n",
    );
    expect(ids(r)).not.toContain("vllm/cuda-driver-too-old");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("journald's prefix, with and without `grep -n` numbers, and a log viewer's `time | ` prefix", () => {
  it("reads the records behind `Mon DD HH:MM:SS host unit[pid]: ` and `N:` before it, failures and facts alike", async () => {
    const body = [
      "(APIServer pid=7001) INFO 08-24 01:01:40 [model.py:1788] Using max model len 131072",
      "(EngineCore pid=7100) ERROR 08-24 01:02:00 [core.py:1349] EngineCore failed to start.",
      "(EngineCore pid=7100) ERROR 08-24 01:02:00 [core.py:1349] ValueError: Free memory on device cuda:0 (40.12/79.19 GiB) on startup is less than desired GPU memory utilization (0.9, 71.27 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.",
      "(APIServer pid=7001) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ];
    const journal = body.map((l) => `Aug 24 01:02:00 gpu-box serve-llm.sh[${l.includes("APIServer") ? 7001 : 7100}]: ${l}`);
    for (const lines of [journal, journal.map((l, i) => `${3 * i + 12}:${l}`)]) {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.facts.config.maxModelLen).toBe(131072);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
      expect(r.facts.firstError?.line).toBe(2);
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });

  it("takes transformers' auto_docstring print (`[ERROR] `x` is part of ...'s signature, but not documented`) for no error", async () => {
    const r = await analyzeText(
      [
        "Aug 25 19:32:10 box vllm[7222]: (APIServer pid=7222) INFO 08-25 19:32:10 [model.py:1788] Using max model len 32768",
        "Aug 25 19:32:22 box vllm[7222]: (APIServer pid=7222) [ERROR] `min_frames` is part of Qwen3VLVideoProcessorInitKwargs, but not documented. Make sure to add it to the docstring of the function in /srv/venv/lib/python3.12/site-packages/transformers/models/qwen3_vl/video_processing_qwen3_vl.py.",
        "[ERROR] `loss` is part of Qwen2_5_VLCausalLMOutputWithPast.__init__'s signature, but not documented. Make sure to add it to the docstring of the function in /srv/venv/lib/python3.12/site-packages/transformers/models/qwen2_5_vl/modeling_qwen2_5_vl.py.",
        "Aug 25 19:33:01 box vllm[7222]: (APIServer pid=7222) INFO:     Application startup complete.",
      ].join("\n") + "\n",
    );
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });

  it("reads a log viewer's `YYYY-MM-DD HH:MM:SS.mmm | ` prefix before vLLM's records and its prefix-only tqdm lines", async () => {
    const r = await analyzeText(
      [
        "2026-04-19 13:23:55.057 | (EngineCore pid=196) INFO 04-19 11:23:55 [gpu_model_runner.py:4837] Model loading took 15.77 GiB memory and 27.208125 seconds",
        "2026-04-19 13:25:25.137 | (EngineCore pid=196) INFO 04-19 11:25:25 [gpu_worker.py:436] Available KV cache memory: 9.08 GiB",
        "2026-04-19 13:25:27.727 | (EngineCore pid=196) ",
        "2026-04-19 13:25:27.727 | Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|##########| 3/3 [00:00<00:00,  7.63it/s]",
        "2026-04-19 13:27:51.838 | (APIServer pid=1) INFO 04-19 11:27:51 [loggers.py:271] Engine 000: Avg prompt throughput: 10.8 tokens/s, Avg generation throughput: 0.5 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.1%, Prefix cache hit rate: 0.0%",
      ].join("\r\n") + "\r\n",
    );
    expect(r.facts.memory.modelWeightsGiB).toBe(15.77);
    expect(r.facts.kvCache.availableGiB).toBe(9.08);
    expect(r.facts.runtime.statsLines).toBe(1);
  });
});

describe("a stats record an author re-typeset one group of fields a line (its first line short)", () => {
  it("joins the hanging-indented groups up to the GPU KV cache usage, V0 and V1 wording, LF and CRLF", async () => {
    const v0 = [
      "11-02 17:40:05  Avg prompt throughput: 812.4 tokens/s",
      "                Avg generation throughput: 96.0 tokens/s",
      "                Running: 14 reqs, Swapped: 0 reqs, Pending: 3 reqs",
      "                GPU KV cache usage: 41.5%",
      "",
      "11-02 17:40:15  Prefix cache hit rate: GPU: 12.50%, CPU: 0.00%",
    ];
    const v1 = [
      "INFO 11-02 17:40:05 [loggers.py:123] Engine 000:",
      "    Avg prompt throughput: 0.0 tokens/s,",
      "    Avg generation throughput: 58.2 tokens/s,",
      "    Running: 6 reqs, Waiting: 0 reqs,",
      "    GPU KV cache usage: 7.3%, Prefix cache hit rate: 30.0%",
    ];
    for (const eol of ["\n", "\r\n"]) {
      const a = await analyzeText(v0.join(eol) + eol);
      expect(a.facts.runtime).toMatchObject({ statsLines: 1, running: { max: 14 }, waiting: { max: 3 }, gpuKvUsagePct: { max: 41.5 }, generationThroughput: { max: 96 } });
      const b = await analyzeText(["INFO 11-02 17:40:05 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s,", ...v1.slice(2)].join(eol) + eol);
      expect(b.facts.runtime).toMatchObject({ statsLines: 1, running: { max: 6 }, gpuKvUsagePct: { max: 7.3 }, generationThroughput: { max: 58.2 } });
    }
  });

  it("counts no record from a short stats fragment that nothing completes, nor twice from a whole line", async () => {
    const r = await analyzeText(
      [
        "07-29 04:29:38  Avg prompt throughput: 0.0 tokens/s",
        "                (the rest of the record was left out)",
        "INFO 07-29 04:29:48 [metrics.py:467] Avg prompt throughput: 5.0 tokens/s, Avg generation throughput: 20.0 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 1.0%, CPU KV cache usage: 0.0%.",
        "                GPU KV cache usage: 99.0%",
      ].join("\n") + "\n",
    );
    expect(r.facts.runtime).toMatchObject({ statsLines: 1, running: { max: 2 }, gpuKvUsagePct: { max: 1 } });
  });
});
