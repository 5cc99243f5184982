import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 39v: a random sample of fresh vLLM bug reports (20 pastes, most from vllm-project/vllm issues of 2026). Every
 * scored fact and problem was right at first sight once two labels were read as earlier rounds read them (frames of the
 * start-up path are a start-up failure). The readings that were wrong all the same:
 * - torch's hint under a CUDA error, `Search for \`cudaErrorAssert' in https://docs.nvidia.com/...` (c10's CUDA check,
 *   recent torch releases), names the error's enum; a paste that starts below the `CUDA error: ...` line (two of the 20) got no
 *   vllm/cuda-error finding, and vllm/engine-dead gave the hint's own words as the root cause (or none).
 * - `CUDA error: OS call failed or operation not supported on this OS` (cudaErrorOperatingSystem: pinned memory, IPC or
 *   cuMem refused, WSL2 first among the platforms) got no finding at all; neither would `operation not supported` or
 *   `the launch timed out and was terminated` (a display watchdog ending a kernel).
 * - V1's `RuntimeError: Worker failed with error '<the worker's exception>', please check the stack trace above ...`
 *   carries the worker's exception in its quotes; the start-up finding said the excerpt showed no root cause.
 * A second batch of 6 (first sight after those fixes) scored fully too; one of them showed a CUDA kernel's own assert
 * line (`Indexing.cu:1515: indexSelectSmallIndex: block: [..], thread: [..] Assertion \`srcIndex < srcSelectDimSize\`
 * failed.`, wrapped before `block:`), which nothing read: the finding now quotes the check and tells an index bound from
 * the sampler's NaN probabilities.
 * Every log text here is written for the test in the printed layout, with wrappers the collected files did not have.
 */

const DOCS = "https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html";

/** an engine core's exception tail from torch's hint on (the message line itself above the paste), then the front end's report */
const hintTail = (name: string, engine = "(EngineCore_DP0 pid=2210) ERROR 03-14 08:21:40 [core.py:931]") => [
  `${engine} Search for \`${name}' in ${DOCS} for more information.`,
  `${engine} CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.`,
  `${engine} For debugging consider passing CUDA_LAUNCH_BLOCKING=1`,
  `${engine} Compile with \`TORCH_USE_CUDA_DSA\` to enable device-side assertions.`,
  `${engine}`,
  "(APIServer pid=2077) ERROR 03-14 08:21:40 [async_llm.py:611] AsyncLLM output_handler failed.",
  "(APIServer pid=2077) ERROR 03-14 08:21:40 [async_llm.py:611] Traceback (most recent call last):",
  '(APIServer pid=2077) ERROR 03-14 08:21:40 [async_llm.py:611]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/async_llm.py", line 572, in output_handler',
  "(APIServer pid=2077) ERROR 03-14 08:21:40 [async_llm.py:611]     outputs = await engine_core.get_output_async()",
];

describe("torch's hint line naming the CUDA error's enum, the message line above the paste", () => {
  it("is the CUDA-error finding with the runtime's words for the enum, and the engine's death names it as the cause", async () => {
    const r = await analyzeText(hintTail("cudaErrorIllegalAddress").join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    const cuda = r.findings.find((x) => x.ruleId === "vllm/cuda-error")!;
    expect(cuda.message).toContain("A GPU kernel failed with CUDA error: an illegal memory access was encountered (cudaErrorIllegalAddress).");
    expect(cuda.evidence.map((e) => e.line)).toEqual([1]);
    expect(cuda.remediation[0]).toContain("CUDA_LAUNCH_BLOCKING=1");
    const dead = r.findings.find((x) => x.ruleId === "vllm/engine-dead")!;
    expect(dead.message).toMatch(/Root cause in the log: CUDA error: an illegal memory access was encountered \(cudaErrorIllegalAddress\) \(\S*run\.log:1\)\.$/);
    // the hint is an ERROR record that states the failure (CONTRACT.md): the first error
    expect(r.facts.firstError?.line).toBe(1);
  });

  it.each(WRAPS)("reads it %s", async (_name, wrap) => {
    const r = await analyzeText(wrap(hintTail("cudaErrorAssert").join("\n") + "\n"));
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    const cuda = r.findings.find((x) => x.ruleId === "vllm/cuda-error")!;
    expect(cuda.message).toContain("CUDA error: device-side assert triggered (cudaErrorAssert)");
    expect(cuda.remediation.join(" ")).toContain("A device-side assert is an index check");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("reads it behind a pager's caret-notation colour codes and carriage returns (`^[[1;36m(...)^[[0;0m`, `^M`)", async () => {
    const caret = hintTail("cudaErrorLaunchFailure").map((l) =>
      l.replace(/^\(([^)]*)\) /, "^[[1;36m($1)^[[0;0m ") + (l.endsWith(")") || l.endsWith("]") ? "" : "^M"),
    );
    const r = await analyzeText(caret.join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    expect(r.findings.find((x) => x.ruleId === "vllm/cuda-error")!.message).toContain("unspecified launch failure (cudaErrorLaunchFailure)");
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("reads the hint of a record with no level (only the process prefix): the finding, but the first error stays the ERROR record", async () => {
    const lines = hintTail("cudaErrorAssert", "(EngineCore pid=318)");
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    expect(r.findings.find((x) => x.ruleId === "vllm/cuda-error")!.evidence[0].line).toBe(1);
    expect(r.facts.firstError?.line).toBe(6);
  });

  it("never takes torch's notes under the message (asynchronous reports, CUDA_LAUNCH_BLOCKING, TORCH_USE_CUDA_DSA) for a cause", async () => {
    const r = await analyzeText(hintTail("cudaErrorAssert").slice(1).join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/engine-dead"]);
    expect(r.findings[0].message).toContain("This excerpt does not show why");
  });

  it("leaves the hints of out-of-memory and stream capture to their own rules", async () => {
    for (const name of ["cudaErrorMemoryAllocation", "cudaErrorStreamCaptureUnsupported"]) {
      const r = await analyzeText(hintTail(name).join("\n") + "\n");
      expect(ids(r)).not.toContain("vllm/cuda-error");
    }
  });
});

/** an engine core's busy loop failing on a CUDA call, its traceback printed without any prefix (the engine core dies with it: vllm/engine-dead) */
const busyLoop = (last: string, exception: string) => [
  "Traceback (most recent call last):",
  '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 1140, in run_engine_core',
  "    engine_core.run_busy_loop()",
  '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 1187, in run_busy_loop',
  "    self._process_engine_step()",
  '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 3911, in execute_model',
  `    ${last}`,
  exception,
];

describe("CUDA errors that are no kernel fault: a call the platform refused, a kernel a watchdog ended", () => {
  it("tells `OS call failed or operation not supported on this OS` as a refused call (pinned memory, IPC, cuMem)", async () => {
    const r = await analyzeText(busyLoop("staging = torch.empty(nbytes, dtype=torch.uint8, pin_memory=True)", "torch.AcceleratorError: CUDA error: OS call failed or operation not supported on this OS").join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    const f = r.findings[0];
    expect(f.message).toBe("A CUDA call failed with CUDA error: OS call failed or operation not supported on this OS. The engine or worker that made the call stops.");
    expect(f.remediation[0]).toContain("This is no kernel fault");
    expect(f.remediation[1]).toContain("pin_memory=True");
    expect(f.evidence[0].line).toBe(8);
    expect(r.facts.firstError?.line).toBe(8);
  });

  it.each(WRAPS)("leads with WSL2's limits when the log shows the run is under it, %s", async (_name, wrap) => {
    const text = [
      "WARNING 03-14 08:02:11 [interface.py:412] Using 'pin_memory=False' as WSL is detected. This may slow down the performance.",
      ...busyLoop("buf = torch.empty(4096, pin_memory=True)", "RuntimeError: CUDA error: operation not supported"),
    ];
    const r = await analyzeText(wrap(text.join("\n") + "\n"));
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    const f = r.findings[0];
    expect(f.message).toContain("A CUDA call failed with CUDA error: operation not supported.");
    expect(f.remediation[0]).toContain("this run is under WSL2");
    expect(f.remediation[1]).toContain("WSL2's GPU driver limits pinned memory");
  });

  it("tells `the launch timed out and was terminated` as a display watchdog ending a kernel", async () => {
    const r = await analyzeText(busyLoop("hidden = self.model(input_ids)", "RuntimeError: CUDA error: the launch timed out and was terminated").join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    expect(r.findings[0].message).toContain("A CUDA call failed with CUDA error: the launch timed out and was terminated.");
    expect(r.findings[0].remediation[0]).toContain("TdrDelay");
  });

  it("keeps an illegal memory access a kernel fault the device does not come back from", async () => {
    const r = await analyzeText(busyLoop("hidden = self.model(input_ids)", "torch.AcceleratorError: CUDA error: an illegal memory access was encountered").join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-error", "vllm/engine-dead"]);
    expect(r.findings[0].message).toBe("A GPU kernel failed with CUDA error: an illegal memory access was encountered. The process cannot use the device after this; the engine or worker stops.");
  });
});

describe("V1's executor reporting a worker's failure: `Worker failed with error '<the worker's exception>'`", () => {
  const report = (words: string) =>
    `(EngineCore_DP0 pid=4410) ERROR 07-02 16:40:05 [core.py:1012] RuntimeError: Worker failed with error '${words}', please check the stack trace above for the root cause`;

  it.each(WRAPS)("gives the worker's words as the start-up's root cause, %s", async (_name, wrap) => {
    const text = [report("shape '[256, 32, 576]' is invalid for input of size 9437184"), "", report("shape '[96, 32, 576]' is invalid for input of size 3538944")];
    const r = await analyzeText(wrap(text.join("\n") + "\n"));
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    expect(r.findings[0].message).toMatch(/^The engine did not start\. Root cause in the log: shape '\[256, 32, 576\]' is invalid for input of size 9437184 \(\S*run\.log:1\)\.$/);
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("says the excerpt shows no cause when the quotes are empty", async () => {
    const r = await analyzeText(report("") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    expect(r.findings[0].message).toContain("this excerpt does not show the root cause");
  });
});

describe("a CUDA kernel's own assert, printed per thread before torch's `device-side assert triggered`", () => {
  const assertLine = (block: number, thread: number, expr = "srcIndex < srcSelectDimSize") =>
    `/pytorch/aten/src/ATen/native/cuda/Indexing.cu:1422: indexSelectLargeIndex: block: [${block},0,0], thread: [${thread},0,0] Assertion \`${expr}\` failed.`;
  const crash = (lines: string[]) => [
    ...lines,
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 3575, in synchronize_input_prep',
    "    self.prepare_inputs_event.synchronize()",
    "torch.AcceleratorError: CUDA error: device-side assert triggered",
  ];

  it.each(WRAPS)("names the index check that failed and where, %s", async (_name, wrap) => {
    const lines = crash(Array.from({ length: 40 }, (_, i) => assertLine(77, i)));
    const r = await analyzeText(wrap(lines.join("\n") + "\n"));
    expect(ids(r, "error")).toEqual(["vllm/cuda-error"]);
    const f = r.findings[0];
    expect(f.message).toContain("CUDA error: device-side assert triggered");
    expect(f.evidence[0].line).toBe(1);
    expect(f.remediation[1]).toContain("The kernel's assert says which check failed: `srcIndex < srcSelectDimSize` (indexSelectLargeIndex in Indexing.cu).");
    expect(f.remediation[1]).toContain("vocabulary size");
    // (torch's exception line stays the first error: the assert lines are the device runtime's, CONTRACT.md lists no such line)
    expect(r.facts.firstError?.line).toBe(43);
  });

  it("reads the line wrapped before `block:` and the assert alone, without torch's exception", async () => {
    const text = ["/pytorch/aten/src/ATen/native/cuda/Indexing.cu:1515: indexSelectSmallIndex:", "  block: [3,0,0], thread: [96,0,0] Assertion `srcIndex < srcSelectDimSize` failed.", ""].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(["vllm/cuda-error"]);
    expect(r.findings[0].message).toContain("CUDA error: device-side assert triggered");
    expect(r.findings[0].remediation.join(" ")).toContain("`srcIndex < srcSelectDimSize`");
  });

  it("tells the sampler's NaN probabilities apart from an index bound", async () => {
    const probs = "(Worker_TP1 pid=5120) ../aten/src/ATen/native/cuda/TensorCompare.cu:110: _assert_async_cuda_kernel: block: [0,0,0], thread: [0,0,0] Assertion `probability tensor contains either `inf`, `nan` or element < 0` failed.";
    const r = await analyzeText(crash([probs]).join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["vllm/cuda-error"]);
    const advice = r.findings[0].remediation.join(" ");
    expect(advice).toContain("held inf, NaN or negative values");
    expect(advice).toContain("_assert_async_cuda_kernel in TensorCompare.cu");
    expect(advice).not.toContain("vocabulary size");
  });

  it("leaves a host program's assert (glibc's `Assertion 'x' failed.`) and a Python AssertionError alone", async () => {
    const text = ["python3: /src/pool.cpp:41: void Pool::free(void*): Assertion `ptr != nullptr' failed.", "AssertionError: assert num_tokens <= self.max_num_tokens", ""].join("\n");
    const r = await analyzeText(text);
    expect(ids(r)).not.toContain("vllm/cuda-error");
  });
});
