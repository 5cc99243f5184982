import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twenty-eighth round of real logs taken from web pages (issue-mirror pages that quote a traceback
 * in an "Error Message" box, forum threads, vendor manuals): a traceback whose newlines the page dropped, so its frames,
 * their code and the exception it ends with sit on one line, and a single frame with its code and exception joined the
 * same way. Every log text here is written for the test, in the format's shape, with variants the pages did not show
 * (other exception types, a chained-type name, a Ray-wrapped type, kubectl timestamps, a process prefix, colour, CRLF).
 */

const frames = [
  'File ".../vllm/v1/worker/gpu_model_runner.py", line 2210, in execute_model model_output = self.model(**inputs)',
  'File ".../vllm/model_executor/models/llama.py", line 388, in forward hidden = self.layers[i](hidden)',
  'File ".../vllm/model_executor/layers/linear.py", line 512, in apply return torch.ops._C.gemm(x, w)',
].join(" ");

describe("a traceback flattened onto one line by a web page", () => {
  it("ends with the exception after the last frame's code: that line is the first error", async () => {
    for (const [exc, type] of [
      ["torch.AcceleratorError: CUDA error: no kernel image is available for execution on the device", "torch.AcceleratorError"],
      ["RuntimeError: CUDA error: an illegal memory access was encountered", "RuntimeError"],
      ["ray.exceptions.RayTaskError(RuntimeError): ray::RayWorkerWrapper.execute_method() failed", "ray.exceptions.RayTaskError(RuntimeError)"],
    ] as const) {
      for (const text of variants([`${frames} ${exc}`, "INFO 03-04 05:06:20 [launcher.py:80] Shutting down FastAPI HTTP server."])) {
        const r = await analyzeText(text + "\n");
        const what = JSON.stringify(text.slice(0, 40)) + " " + type;
        expect(r.facts.firstError?.line, what).toBe(1);
        expect(r.facts.firstError?.text, what).toContain(exc);
      }
    }
  });

  it("reads the exception for the rules: a flattened CUDA OOM is the OOM finding", async () => {
    const oom =
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 0 has a total capacity of 23.55 GiB of which 312.00 MiB is free.";
    for (const text of variants([`${frames} ${oom}`])) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError?.line).toBe(1);
      expect(ids(r)).toContain("vllm/cuda-oom");
    }
  });

  it("does not take a code line's `except X:` or an annotation for the exception", async () => {
    const quiet = [
      'File "/srv/app/serve.py", line 40, in main try: run() except ValueError: pass',
      'File "/srv/app/serve.py", line 71, in run def step(self, batch: Batch) -> None: return None',
    ].join(" ");
    const r = await analyzeText(quiet + "\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("one frame with its code and exception joined onto its line", () => {
  it("is the first error, behind a process prefix and in every wrapper", async () => {
    const one =
      'File "/opt/vllm/vllm/model_executor/layers/fused_moe/moe_align.py", line 90, in align idx = ids[perm.clamp(max=n - 1) // k] torch.AcceleratorError: CUDA error: an illegal memory access was encountered';
    for (const line of [one, `(Worker_TP1 pid=311) ${one}`, `(EngineCore_DP0 pid=52) ERROR 03-04 05:06:11 [core.py:708] ${one}`]) {
      for (const text of variants(["INFO 03-04 05:06:10 [core.py:90] Engine step.", line])) {
        const r = await analyzeText(text + "\n");
        const what = JSON.stringify(text.slice(0, 60));
        expect(r.facts.firstError?.line, what).toBe(2);
        expect(r.facts.firstError?.text, what).toContain("torch.AcceleratorError: CUDA error: an illegal memory access");
      }
    }
  });

  it("leaves a frame line with only its code after it alone", async () => {
    const r = await analyzeText('File "/srv/app/loader.py", line 12, in load_weights params: dict = dict(model.named_parameters())\n');
    expect(r.facts.firstError).toBeNull();
  });
});
