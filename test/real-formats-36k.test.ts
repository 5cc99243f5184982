import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of a thirty-sixth round of real logs of vLLM served on Kubernetes (llm-d, KServe, production-stack, AIBrix,
 * KAITO, GKE): a server that Kubernetes stopped before it was ready. vLLM's API server turns a SIGTERM during start-up
 * into `KeyboardInterrupt: terminated` (vllm/entrypoints/openai/api_server.py), and `kubectl describe pod` shows the
 * kubelet's probe events (`Startup probe failed: ...`, `Container X failed startup probe, will be restarted`). Every
 * text is written for the test in the printed layout of vLLM (`(APIServer pid=1) INFO 05-08 00:41:18 [file.py:N] msg`),
 * CPython's traceback and kubectl's describe/events tables; the wrappers are `kubectl logs --timestamps`, `--prefix`,
 * docker compose and CRLF line ends.
 */

const AT = "(APIServer pid=1)";
const startup = [
  `${AT} INFO 05-08 00:41:18 [api_server.py:1043] vLLM API server version 0.9.1`,
  `${AT} INFO 05-08 00:41:18 [utils.py:326] non-default args: {'model': 'org/small-7b', 'max_model_len': 8192, 'tensor_parallel_size': 2}`,
  "(EngineCore_0 pid=88) INFO 05-08 00:41:40 [core.py:69] Initializing a V1 LLM engine (v0.9.1) with config: model='org/small-7b', tensor_parallel_size=2, pipeline_parallel_size=1",
  "(VllmWorker rank=0 pid=120) INFO 05-08 00:42:02 [gpu_model_runner.py:1531] Starting to load model org/small-7b...",
];
const killed = [
  `${AT} Traceback (most recent call last):`,
  `${AT}   File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 1377, in run_server`,
  `${AT}     async with build_async_engine_client(args) as engine_client:`,
  `${AT}   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core_client.py", line 520, in _wait_for_engine_startup`,
  `${AT}     events = poller.poll(STARTUP_POLL_PERIOD_MS)`,
  `${AT}   File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 1360, in signal_handler`,
  `${AT}     raise KeyboardInterrupt("terminated")`,
  `${AT} KeyboardInterrupt: terminated`,
];
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("a start-up that a signal stopped (KeyboardInterrupt: terminated)", () => {
  it("is vllm/startup-interrupted, the first error, and no engine failure of its own", async () => {
    const r = await analyzeText(text([...startup, ...killed]));
    expect(ids(r, "error")).toEqual(["vllm/startup-interrupted"]);
    const f = r.findings.find((x) => x.ruleId === "vllm/startup-interrupted")!;
    expect(f.message).toContain("The API server received SIGTERM");
    expect(f.message).toContain("In Kubernetes the sender is usually the kubelet");
    expect(f.evidence.map((e) => e.line)).toEqual([12]);
    expect(r.facts.firstError?.line).toBe(12);
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });

  it("reads the same behind kubectl --timestamps, --prefix, docker compose and CRLF", async () => {
    const lines = [...startup, ...killed];
    const variants: Record<string, string> = {
      timestamps: lines.map((l, i) => `2025-05-08T00:4${i % 10}:18.${String(120000001 + i).padStart(9, "0")}Z ${l}`).join("\n") + "\n",
      prefix: lines.map((l) => `[pod/small-7b-decode-6f9c7d8b5-q2x7k/vllm] ${l}`).join("\n") + "\n",
      compose: lines.map((l) => `vllm-1  | ${l}`).join("\n") + "\n",
      crlf: lines.join("\r\n") + "\r\n",
    };
    for (const [what, t] of Object.entries(variants)) {
      const r = await analyzeText(t);
      expect(ids(r, "error"), what).toEqual(["vllm/startup-interrupted"]);
      expect(r.facts.firstError?.line, what).toBe(12);
    }
  });

  it("reads a newest-first viewer paste (the exception line on top) the same", async () => {
    const reversed = [...killed].reverse().flatMap((l) => [l, "\t"]);
    const r = await analyzeText(text(reversed));
    // (upside down, the frames read as a traceback cut inside `async with build_async_engine_client(...)`, which is
    // a start-up failure when its exception is not seen: the engine failure is told, explained by the interruption)
    expect(ids(r, "error")).toEqual(["vllm/startup-interrupted", "vllm/engine-init-failed"]);
    expect(r.verdict).toMatch(/^Failed \(vllm\/startup-interrupted, which explains vllm\/engine-init-failed\): The API server received SIGTERM/);
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("is no finding for Ctrl-C at Python's own handler (a bare KeyboardInterrupt) nor for the code line alone", async () => {
    const bare = await analyzeText(text([...startup, ...killed.slice(0, -1), `${AT} KeyboardInterrupt`]));
    expect(ids(bare)).not.toContain("vllm/startup-interrupted");
    const code = await analyzeText(text([...startup, ...killed.slice(0, -1)]));
    expect(ids(code)).not.toContain("vllm/startup-interrupted");
  });
});

const describeHead = [
  "Events:",
  "  Type     Reason     Age                 From               Message",
  "  ----     ------     ----                ----               -------",
  "  Normal   Scheduled  14m                 default-scheduler  Successfully assigned llm/small-7b-5d8f9c7b6-k2x9p to gpu-node-3",
  '  Normal   Pulled     14m                 kubelet            Container image "vllm/vllm-openai:v0.9.1" already present on machine',
];
const probeLine = (probe: string, said: string, age = "2m5s (x31 over 12m)") => `  Warning  Unhealthy  ${age}  kubelet            ${probe} probe failed: ${said}`;
const killLine = (probe: string, container = "vllm") => `  Normal   Killing    2m5s (x3 over 12m)  kubelet            Container ${container} failed ${probe} probe, will be restarted`;

describe("kubectl describe pod: the kubelet restarting vLLM's container after a failed probe", () => {
  it("a startup probe that ran out while the server was not listening yet", async () => {
    const said = 'Get "http://10.42.1.7:8000/health": dial tcp 10.42.1.7:8000: connect: connection refused';
    const r = await analyzeText(text([...describeHead, probeLine("Startup", said), killLine("startup")]));
    expect(ids(r, "error")).toEqual(["vllm/startup-interrupted"]);
    const f = r.findings[0];
    expect(f.message).toBe(
      `The kubelet restarted container vllm because its startup probe failed failureThreshold times in a row (the probe's last failure: ${said}): vLLM answers /health only once its engine is up, and downloading the weights, loading them, torch.compile and CUDA graph capture can take many minutes.`,
    );
    expect(f.evidence.map((e) => e.line)).toEqual([7, 6]);
  });

  it("with the log's own KeyboardInterrupt in the same paste: both lines are the evidence", async () => {
    const r = await analyzeText(text([...startup, ...killed, "", "$ kubectl describe pod small-7b-5d8f9c7b6-k2x9p", ...describeHead, killLine("startup")]));
    expect(ids(r, "error")).toEqual(["vllm/startup-interrupted"]);
    const f = r.findings[0];
    expect(f.message).toContain("The API server received SIGTERM");
    expect(f.message).toContain("The kubelet restarted container vllm because its startup probe failed");
    expect(f.evidence.map((e) => e.line)).toEqual([12, 20]);
  });

  it("a probe answered 404: the server was up and the probe's path is wrong", async () => {
    const r = await analyzeText(text([...describeHead, probeLine("Liveness", "HTTP probe failed with statuscode: 404", "25m (x3 over 25m)"), killLine("liveness", "vllm-standalone-7b")]));
    const f = r.findings.find((x) => x.ruleId === "vllm/startup-interrupted")!;
    expect(f.message).toContain("the server answered, so it was up, but not on the probe's path");
    expect(f.remediation?.[0]).toContain("path: /health");
  });

  it("a liveness probe that met a 503 after the server had started: the engine's own error is the cause", async () => {
    const ready = [`${AT} INFO 05-08 00:45:10 [api_server.py:1090] Starting vLLM API server on http://0.0.0.0:8000`, `${AT} INFO:     Application startup complete.`];
    const r = await analyzeText(text([...startup, ...ready, ...describeHead, probeLine("Liveness", "HTTP probe failed with statuscode: 503"), killLine("liveness")]));
    const f = r.findings.find((x) => x.ruleId === "vllm/startup-interrupted")!;
    expect(f.message).toContain("the server answered /health with an error, which vLLM does when its engine has died");
    const timeout = await analyzeText(text([...startup, ...ready, ...describeHead, probeLine("Liveness", 'Get "http://10.42.1.7:8000/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'), killLine("liveness")]));
    expect(timeout.findings.find((x) => x.ruleId === "vllm/startup-interrupted")!.message).toContain("failed after the server had started");
  });

  it("is no finding for a readiness probe that fails while the model loads, nor for a container stopped on purpose", async () => {
    const r = await analyzeText(text([...startup, ...describeHead, probeLine("Readiness", 'Get "http://10.42.1.7:8000/health": dial tcp 10.42.1.7:8000: connect: connection refused'), "  Normal   Killing    20s   kubelet   Stopping container vllm"]));
    expect(ids(r)).not.toContain("vllm/startup-interrupted");
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("a container that sees no GPU: vLLM's UnspecifiedPlatform", () => {
  const pod = [
    'Defaulted container "vllm" out of: vllm, model-loader (init)',
    "INFO 06-02 09:14:05 [__init__.py:252] No platform detected, vLLM is running on UnspecifiedPlatform",
    "INFO 06-02 09:14:09 [api_server.py:1043] vLLM API server version 0.8.5",
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/engine/arg_utils.py", line 1093, in create_engine_config',
    "    device_config = DeviceConfig(device=self.device)",
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/config.py", line 2119, in __post_init__',
    "    raise RuntimeError(",
    "RuntimeError: Failed to infer device type, please set the environment variable `VLLM_LOGGING_LEVEL=DEBUG` to turn on verbose logging to help debug the issue.",
  ];

  it("is vllm/no-gpu-platform, with the verdict and the failure as evidence, behind kubectl's wrappers too", async () => {
    const variants = [
      text(pod),
      pod.map((l, i) => `2025-06-02T09:14:0${i}.000000001Z ${l}`).join("\n") + "\n",
      pod.map((l) => `[pod/small-7b-decode-6f9c7d8b5-q2x7k/vllm] ${l}`).join("\n") + "\n",
    ];
    for (const t of variants) {
      const r = await analyzeText(t);
      const f = r.findings.find((x) => x.ruleId === "vllm/no-gpu-platform");
      expect(f?.severity).toBe("error");
      expect(f!.message).toBe("vLLM found no platform to run on (`No platform detected, vLLM is running on UnspecifiedPlatform`): this process sees no GPU it can use, so the engine fails at the first device it needs.");
      expect(f!.evidence.map((e) => e.line)).toEqual([2, 9]);
      expect(r.facts.firstError?.line).toBe(9);
    }
  });

  it("quotes the DEBUG reason; is a warning while no failure follows the verdict, and no finding for a reason alone", async () => {
    const reason = "DEBUG 06-02 09:14:04 [__init__.py:93] CUDA platform is not available because: NVML Shared Library Not Found";
    const both = await analyzeText(text([reason, pod[1]]));
    const f = both.findings.find((x) => x.ruleId === "vllm/no-gpu-platform")!;
    expect(f.message).toContain("The log says why: the CUDA platform is not available because NVML Shared Library Not Found.");
    expect(f.severity).toBe("warning");
    expect(f.evidence.map((e) => e.line)).toEqual([1, 2]);
    const only = await analyzeText(text(["DEBUG 06-02 09:14:04 [__init__.py:52] Checking if CUDA platform is available.", reason]));
    expect(ids(only)).not.toContain("vllm/no-gpu-platform");
    const kernels = await analyzeText(
      text([
        pod[1],
        "WARNING 06-02 09:14:04 [_custom_ops.py:20] Failed to import from vllm._C with ImportError('libcuda.so.1: cannot open shared object file: No such file or directory')",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 1372, in <module>',
      ]),
    );
    const k = kernels.findings.find((x) => x.ruleId === "vllm/no-gpu-platform")!;
    expect(k.message).toContain("The log says why: libcuda.so.1: cannot open shared object file.");
    expect(k.severity).toBe("error");
  });

  it("is no finding when a platform was found (a CPU build's probe of CUDA, a healthy GPU start)", async () => {
    const cpu = await analyzeText(text(["DEBUG 06-02 09:14:04 [__init__.py:93] CUDA platform is not available because: NVML Shared Library Not Found", "INFO 06-02 09:14:04 [__init__.py:239] Automatically detected platform cpu."]));
    expect(ids(cpu)).not.toContain("vllm/no-gpu-platform");
    const gpu = await analyzeText(text(["INFO 06-02 09:14:04 [__init__.py:239] Automatically detected platform cuda.", "INFO 06-02 09:14:09 [api_server.py:1043] vLLM API server version 0.8.5"]));
    expect(ids(gpu)).toEqual([]);
  });

  it("a driver too old for torch explains the same failure", async () => {
    const r = await analyzeText(
      text([
        "/opt/conda/lib/python3.11/site-packages/torch/cuda/__init__.py:174: UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 11080). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver. (Triggered internally at ../c10/cuda/CUDAFunctions.cpp:108.)",
        "RuntimeError: Failed to infer device type",
      ]),
    );
    expect(r.findings.find((x) => x.ruleId === "vllm/no-gpu-platform")!.causedBy).toEqual(["vllm/cuda-driver-too-old"]);
  });
});
